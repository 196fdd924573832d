#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: build the modules for Debian bookworm's kernel (6.1) exactly
# as dkms does, boot that kernel under QEMU with them installed where dkms
# puts them, and show what works so far. Prepares what it needs on first use.
set -eu
. "$(dirname "$0")/lib/common.sh"

hv_need_host_packages qemu-system-x86 busybox-static kmod cpio rsync bc xz-utils \
	zstd debootstrap build-essential
"$HV_TOP/tests/matrix/buildroot.sh" bookworm
"$HV_TOP/tests/matrix/build-modules.sh" bookworm
echo "== booting Debian bookworm's kernel with hyperv-dkms modules (QEMU, TCG)"
"$HV_TOP/tests/vm/run.sh" bookworm demo
