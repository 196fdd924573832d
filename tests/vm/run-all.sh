#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the VM scenarios on the kernels of the matrix and the debug kernel.
# Builds our modules for each kernel first, then runs the VMs, HV_VM_JOBS at
# a time (default 2: a TCG guest keeps about one core busy). TAP on stdout,
# in a fixed order whatever the order the runs finish in.
#
# usage: tests/vm/run-all.sh [-k "KERNEL..."] [SCENARIO...]
#   -k    kernels to use (default: bullseye bookworm trixie sid debug)
#   SCENARIO names under tests/scenarios/ (default: all of them)
# A scenario's "# kernels:" header limits where it runs.
set -u
. "$(dirname "$0")/../lib/common.sh"

kernels="$HV_SUITES debug"
if [ "${1:-}" = -k ]; then
	kernels=$2
	shift 2
fi
if [ $# -gt 0 ]; then
	scenarios=$*
else
	scenarios=$(cd "$HV_TOP/tests/scenarios" && ls -- *.sh | sed 's/\.sh$//')
fi
jobs=${HV_VM_JOBS:-2}

status=0
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT
runs=()
for k in $kernels; do
	if ! "$HV_TOP/tests/matrix/build-modules.sh" "$k" 2>"$outdir/build-$k.err"; then
		echo "not ok - $k: building our modules for the VM"
		sed 's/^/#   /' "$outdir/build-$k.err" | tail -10
		status=1
		continue
	fi
	for s in $scenarios; do
		only=$(sed -n 's/^# kernels: *//p' "$HV_TOP/tests/scenarios/$s.sh" | head -1)
		if [ -n "$only" ] && ! echo " $only " | grep -q " $k "; then
			continue
		fi
		runs+=("$k $s")
	done
done

# the debug kernel's runs are the longest: start them first
mapfile -t order < <(printf '%s\n' "${runs[@]}" | awk '{ print ($1 == "debug" ? 0 : 1), NR - 1 }' |
	sort -k1,1n -k2,2n | cut -d' ' -f2)
running=0
for i in "${order[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	read -r k s <<<"${runs[$i]}"
	(
		start=$SECONDS
		"$HV_TOP/tests/vm/run.sh" "$k" "$s" >"$outdir/$i.out" 2>&1
		echo $? >"$outdir/$i.rc"
		echo "# time: $k/$s $((SECONDS - start)) s" >>"$outdir/$i.out"
	) &
	running=$((running + 1))
done
wait
for i in "${!runs[@]}"; do
	cat "$outdir/$i.out"
	[ "$(cat "$outdir/$i.rc" 2>/dev/null)" = 0 ] || status=1
done
exit $status
