# SPDX-License-Identifier: GPL-2.0-only
# The host simulator's built-in self-check (selftest=1): a fake guest drives
# GPADLs, channels, rings, echo and faults; then plain load/unload cycles.
# tools: hvsim
# binaries: kmod
# timeout: 300
# boot: alone
. /lib/hv-test.sh
st=/sys/kernel/debug/hv_hostsim/status
check "modprobe hv_hostsim selftest=1" modprobe hv_hostsim selftest=1
check "the self-test passed" dmesg_has "hv_hostsim: selftest: pass"
dmesg | grep -A1 "selftest: FAIL" | head -30 | sed 's/^/# FAILED: /'
dmesg | grep -E "hv_hostsim" | sed 's/^/# /' | tail -60
check_output "the host is pristine after it: no devices" "^devices 0" grep ^devices $st
check_output "... no GPADLs" "^gpadls_mapped 0" grep ^gpadls_mapped $st
check_output "... counters at zero" "^gpadls_created 0" grep ^gpadls_created $st
check_output "channels file is empty" "^$" cat /sys/kernel/debug/hv_hostsim/channels
hvsim status | sed 's/^/# /'
check "rmmod hv_hostsim" rmmod hv_hostsim
# Each cycle's own log: a failing check names its line, printed here.
passed=0
for i in 1 2 3; do
	dmesg -C
	if modprobe hv_hostsim selftest=1 && dmesg | grep -q "hv_hostsim: selftest: pass"; then
		passed=$((passed + 1))
	else
		diag "cycle $i failed:"
		dmesg | grep -A1 "selftest: FAIL" | head -30 | sed 's/^/#   /'
	fi
	rmmod hv_hostsim 2>/dev/null
done
check_output "3 more self-test load/unload cycles, each passing" "^3$" echo $passed
check_output "no self-test failure in them" "^0$" sh -c 'dmesg | grep -c "selftest: FAIL"'
done_testing
