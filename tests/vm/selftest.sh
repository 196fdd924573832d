#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Self-test of the VM harness: scenarios that pass every assertion but must
# still fail (a kernel WARNING, a hang, a panic, a missing TAP plan, a
# power-off the scenario promised that did not come), each with the right
# reason, and, in a boot shared by several scenarios, only the scenario at
# fault. TAP out.
#
# usage: tests/vm/selftest.sh [KERNEL]    (default: bookworm)
set -u
. "$(dirname "$0")/../lib/common.sh"
kernel=${1:-bookworm}
dir=$HV_TOP/tests/vm/selftest

# expect RUN_OUTPUT SCENARIO PATTERN WHAT: a TAP line on whether the run's
# output has a line "SCENARIO: PATTERN"
expect() {
	if echo "$1" | grep -q -E "^$kernel/$2: $3"; then
		echo "ok - harness: $4"
	else
		echo "not ok - harness: $4"
		echo "$1" | grep -E "(^|- )$kernel/$2:" | sed 's/^/#   /' | tail -10
	fi
}

"$HV_TOP/tests/matrix/build-modules.sh" "$kernel" 2>/dev/null

# One boot of five scenarios: each is judged on its own part of the verdict
# channel and of the kernel log.
out=$("$HV_TOP/tests/vm/run.sh" "$kernel" "$dir/pass.sh" "$dir/warn.sh" "$dir/noplan.sh" \
	"$dir/crash.sh" "$HV_TOP/tests/scenarios/boot.sh" 2>&1 | sed -E 's/^(not )?ok - //')
expect "$out" pass "kernel log is clean" \
	"a passing scenario before failing ones in the same boot passes"
if echo "$out" | grep -q "^$kernel/pass: .*not ok"; then
	echo "not ok - harness: ... with no failure of its own"
else
	echo "ok - harness: ... with no failure of its own"
fi
expect "$out" warn "kernel log is clean" "a WARNING in the kernel log fails the scenario that ran"
expect "$out" noplan "scenario printed no TAP plan" "a scenario with no TAP plan fails"
expect "$out" crash "no closing verdict line" "a panic fails the scenario that ran"
expect "$out" boot "did not run" "a scenario after the panic fails as not run"
# which lines failed, exactly: those five and no other
nfail=$("$HV_TOP/tests/vm/run.sh" "$kernel" "$dir/pass.sh" "$dir/warn.sh" 2>&1 | grep -c '^not ok')
if [ "$nfail" = 1 ]; then
	echo "ok - harness: the WARNING of one scenario does not fail the one before it"
else
	echo "not ok - harness: the WARNING of one scenario does not fail the one before it ($nfail failures)"
fi

# (no allowance for the boot on top of hang.sh's 30 s: the hard timeout
# is exactly that, and the wait no longer)
out=$(HV_BOOT_ALLOWANCE=0 "$HV_TOP/tests/vm/run.sh" "$kernel" "$dir/hang.sh" 2>&1 | sed -E 's/^(not )?ok - //')
expect "$out" hang "(did not run: .*)?timed out after 30s" "a hang is ended by the hard timeout and fails"

out=$("$HV_TOP/tests/vm/run.sh" "$kernel" "$dir/no-poweroff.sh" 2>&1 | sed -E 's/^(not )?ok - //')
expect "$out" no-poweroff "the guest did not poweroff by itself" \
	"a scenario promising a power-off that does not come fails"

# and the failed boot's console log is kept for reading
if [ -s "$HV_TOP/build/vm-logs/$kernel-pass+1.console.log" ] &&
   grep -q 'harness-selftest' "$HV_TOP/build/vm-logs/$kernel-pass+1.console.log"; then
	echo "ok - harness: the console log of a failed boot is kept"
else
	echo "not ok - harness: the console log of a failed boot is kept"
fi
