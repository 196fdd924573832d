#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the VM scenarios on the kernels of the matrix and the debug kernel.
# Builds our modules for each kernel first. TAP on stdout.
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

status=0
for k in $kernels; do
	if ! "$HV_TOP/tests/matrix/build-modules.sh" "$k" 2>"$HV_CACHE/build-$k.err"; then
		echo "not ok - $k: building our modules for the VM"
		sed 's/^/#   /' "$HV_CACHE/build-$k.err" | tail -10
		status=1
		continue
	fi
	for s in $scenarios; do
		only=$(sed -n 's/^# kernels: *//p' "$HV_TOP/tests/scenarios/$s.sh" | head -1)
		if [ -n "$only" ] && ! echo " $only " | grep -q " $k "; then
			continue
		fi
		"$HV_TOP/tests/vm/run.sh" "$k" "$s" || status=1
	done
done
exit $status
