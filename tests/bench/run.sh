#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench`: run every benchmark scenario (tests/bench/*.sh) in the VM on
# bookworm's kernel, where each prints our figure beside the distro driver's,
# measured in the same boot, as a ratio. Benchmarks are not pass/fail tests
# and are not part of `make check`.
set -eu
. "$(dirname "$0")/../lib/common.sh"

benches=$(ls "$HV_TOP"/tests/bench/*.bench.sh 2>/dev/null || true)
if [ -z "$benches" ]; then
	echo "no benchmarks yet: the first data path (the VMBus echo device's ring" \
		"throughput) arrives with the VMBus core"
	exit 0
fi
"$HV_TOP/tests/matrix/buildroot.sh" bookworm
"$HV_TOP/tests/matrix/build-modules.sh" bookworm
for b in $benches; do
	"$HV_TOP/tests/vm/run.sh" bookworm "$b"
done
