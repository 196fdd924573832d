#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the tree's kernel modules for one kernel of the matrix, W=1, and
# collect them for the VM harness.
#
# usage: tests/matrix/build-modules.sh TARGET
#   TARGET: a build-root suite (bullseye, bookworm, trixie, sid): built inside
#           that root with its own compiler, as dkms would;
#           or "debug": the debug kernel of tests/kernel/build-debug-kernel.sh,
#           which also gets the KUnit suites of tests/kunit.
# Every target also gets the test-only modules: the host simulator
# (tests/hostsim) and the echo test driver (tests/echo); where the kernel's
# VMBus is built in, also the test-only VMBus core hv_vmbus_test
# (HV_TEST_CORE=1, see include/compat/hv_test_core.h).
#
# Output: $HV_OUT/TARGET/{*.ko, build.log}. Exit status 1 if the build
# fails or prints any warning (kernel code must build W=1 clean).
#
# A clean build that passed is not repeated while nothing it depends on
# changed: the tree's files (content, not dates), the target kernel's build
# tree and this script. The matrix, the ABI check and the VM stages of one
# `make check` all ask for the same build; only the first one pays for it.
set -eu
. "$(dirname "$0")/../lib/common.sh"

target=${1:?usage: build-modules.sh TARGET}
out=$HV_OUT/$target
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

# Copy what git tracks or would track (so ignored build products never leak
# from one kernel's build into another's).
stage_tree() {
	local dest=$1
	mkdir -p "$dest"
	(cd "$HV_TOP" && git ls-files -co --exclude-standard -z) |
		rsync -a --delete --from0 --files-from=- "$HV_TOP/" "$dest/" ||
		hv_die "cannot stage the source tree into $dest"
	# --delete does not apply with --files-from: drop stale build products
	find "$dest" \( -name '*.ko' -o -name '*.o' \) -delete
}

# What the build depends on, as one hash.
inputs_hash() {
	local kfile
	case "$target" in
	debug) kfile=$HV_KERNELS/debug/build/Module.symvers ;;
	*) kfile=$HV_ROOTS/$target/lib/modules/$(hv_root_kver "$target")/build/Makefile ;;
	esac
	{
		(cd "$HV_TOP" && git ls-files -co --exclude-standard -z | sort -z |
			xargs -0 sha1sum 2>/dev/null)
		sha1sum "$0" "$kfile" 2>&1
		echo "$HV_STAGE"
	} | sha1sum | cut -d' ' -f1
}
stamp=$out/.built-from
hash=$(inputs_hash)
if [ -e "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && ls "$out"/*.ko >/dev/null 2>&1; then
	hv_log "[$target] up to date: $(cd "$out" && ls -- *.ko | tr '\n' ' ')"
	exit 0
fi
rm -f "$stamp"

log=$out/build.log
: >"$log"
rm -f "$out"/*.ko
jobs=$(nproc)

case "$target" in
debug)
	kdir=$HV_KERNELS/debug/build
	[ -e "$kdir/Makefile" ] || hv_die "no debug kernel: run tests/kernel/build-debug-kernel.sh"
	src=$out/src
	stage_tree "$src"
	# gcc through ccache, as in the build roots (hv_in_root)
	hv_need_host_packages ccache
	mkdir -p "$HV_CCACHE"
	export CCACHE_DIR=$HV_CCACHE PATH=/usr/lib/ccache:$PATH
	status=0
	make -j"$jobs" -C "$src" KDIR="$kdir" W=1 modules >>"$log" 2>&1 || status=$?
	for sub in tests/hostsim tests/echo tests/kunit; do
		[ $status -ne 0 ] || make -j"$jobs" -C "$kdir" M="$src/$sub" W=1 modules >>"$log" 2>&1 ||
			status=$?
	done
	;;
*)
	kver=$(hv_root_kver "$target") || hv_die "no build root for $target: run tests/matrix/buildroot.sh $target"
	src=$HV_ROOTS/$target/build/$HV_STAGE
	stage_tree "$src"
	status=0
	hv_in_root "$target" make -j"$jobs" -C "/build/$HV_STAGE" KVER="$kver" W=1 HV_TEST_CORE=1 modules \
		>>"$log" 2>&1 || status=$?
	# the test-only core's renamed exports are found in its Module.symvers
	extra=
	[ -e "$src/drivers/hv/hv_vmbus_test.ko" ] &&
		extra="KBUILD_EXTRA_SYMBOLS=/build/$HV_STAGE/Module.symvers"
	for sub in tests/hostsim tests/echo; do
		[ $status -ne 0 ] || hv_in_root "$target" make -j"$jobs" -C "/lib/modules/$kver/build" \
			M="/build/$HV_STAGE/$sub" W=1 HV_TEST_CORE=1 $extra modules >>"$log" 2>&1 ||
			status=$?
	done
	;;
esac

find "$src" -name '*.ko' -exec cp {} "$out/" \;
if [ $status -ne 0 ]; then
	tail -30 "$log" >&2
	hv_log "[$target] build FAILED (log: $log)"
	exit 1
fi
if grep -E -q '(warning|error):' "$log"; then
	grep -E '(warning|error):' "$log" | head -20 >&2
	hv_log "[$target] build printed warnings (W=1 must be clean; log: $log)"
	exit 1
fi
echo "$hash" >"$stamp"
hv_log "[$target] built: $(cd "$out" && ls -- *.ko 2>/dev/null | tr '\n' ' ')"
