#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Self-test of the VM harness: scenarios that pass every assertion but must
# still fail (a kernel WARNING, a hang, a panic, a missing TAP plan, a
# power-off the scenario promised that did not come). Each
# must make tests/vm/run.sh exit non-zero with the right reason. TAP out.
#
# usage: tests/vm/selftest.sh [KERNEL]    (default: bookworm)
set -u
. "$(dirname "$0")/../lib/common.sh"
kernel=${1:-bookworm}
dir=$HV_TOP/tests/vm/selftest

expect_failure() {
	local name=$1 reason=$2 out rc
	out=$("$HV_TOP/tests/vm/run.sh" "$kernel" "$dir/$name.sh" 2>&1)
	rc=$?
	if [ $rc != 0 ] && echo "$out" | grep -q -E "^not ok - $kernel/$name: $reason"; then
		echo "ok - harness: a run with $name is failed for '$reason'"
	else
		echo "not ok - harness: a run with $name is failed for '$reason' (exit $rc)"
		echo "$out" | sed 's/^/#   /' | tail -10
	fi
}

"$HV_TOP/tests/matrix/build-modules.sh" "$kernel" 2>/dev/null
expect_failure warn "kernel log is clean"
expect_failure hang "timed out after 20s"
expect_failure crash "no closing verdict line"
expect_failure noplan "scenario printed no TAP plan"
expect_failure no-poweroff "the guest did not poweroff by itself"
# and the failed run's console log is kept for reading
if [ -s "$HV_TOP/build/vm-logs/$kernel-warn.console.log" ] &&
   grep -q 'harness-selftest' "$HV_TOP/build/vm-logs/$kernel-warn.console.log"; then
	echo "ok - harness: the console log of a failed run is kept"
else
	echo "not ok - harness: the console log of a failed run is kept"
fi
