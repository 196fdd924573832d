# SPDX-License-Identifier: GPL-2.0-only
# Our hv_utils' char devices for the KVP, VSS and fcopy daemons, without
# host requests (the simulator's host side of those services comes
# separately): the nodes /dev/vmbus/hv_kvp, hv_vss, hv_fcopy and their
# sysfs paths (/sys/devices/virtual/misc/vmbus!hv_*, which distro units
# bind to); VSS and fcopy negotiate at once, KVP only once a daemon
# registered (our hv_kvp_daemon, which must read "3.1") or, with none, once
# kvp_nego_wait_ms passed; each handshake (ic-dev: KVP 3.1, VSS 129, fcopy
# 1) and the device semantics daemons rely on (second open EBUSY, short
# read EINVAL with the message kept, poll, stray replies EINVAL, reopen);
# hv_utils refuses to unload under an open device; unbinding each device
# under a daemon blocked in read() wakes it with EBADF and POLLERR|POLLHUP
# (the debug kernel's KASAN, lockdep and kmemleak watch: the harness checks
# the log), and rebinding brings the node back.
# tools: hvsim ic-dev hv_kvp_daemon
# binaries: kmod
# modules: ptp?
# timeout: 300
. /lib/hv-test.sh

why=$(hv_utils_why_not ours)
if [ -n "$why" ]; then
	skip "our hv_utils' daemon devices" "$why"
	done_testing
	exit
fi

# the host's IC line of a relid, read with ic_of (no process started: the
# polls ran an sh, hvsims and greps per try, 0.1 to 0.5 s each on the debug
# kernel)
ready() { ic_state "$1" ready; }
both_ready() { ready "$1" && ready "$2"; }
closed() { ic_of "$1" && [ "${HV_IC[open]}" = 0 ]; }
# no IC channel is open on the host
none_open() {
	local line
	hv_lines /sys/kernel/debug/hv_hostsim/ic || return 1
	for line in "${HV_LINES[@]}"; do
		case " $line " in *" open=1 "*) return 1 ;; esac
	done
}

check "modprobe hv_hostsim" modprobe hv_hostsim
kvp=$(hvsim offer kvp)
vss=$(hvsim offer vss)
fc=$(hvsim offer fcopy)
check "the host offers KVP ($kvp), VSS ($vss), fcopy ($fc)" test -n "$kvp" -a -n "$vss" -a -n "$fc"
check "modprobe hv_vmbus" modprobe hv_vmbus
dmesg -c >/dev/null
check "our hv_utils loads (fcopy=chardev: on every kernel)" modprobe hv_utils fcopy=chardev

for s in kvp vss fcopy; do
	check "/dev/vmbus/hv_$s appears" wait_for test -c /dev/vmbus/hv_$s
	check_output "... as misc device vmbus!hv_$s, the sysfs path units bind to" \
		"^DEVNAME=vmbus/hv_$s\$" cat "/sys/devices/virtual/misc/vmbus!hv_$s/uevent"
done

check "VSS and fcopy negotiate at once, with no daemon" wait_for both_ready "$vss" "$fc"
check_output "VSS: framework 3.0, message 5.0" " fw=3\\.0 msg=5\\.0 " hvsim ic status $vss
check_output "fcopy: framework 3.0, message 1.1" " fw=3\\.0 msg=1\\.1 " hvsim ic status $fc
check "the guest logs VSS IC version 5.0" dmesg_has "VSS IC version 5\\.0"
check "the guest logs FCopy IC version 1.1" dmesg_has "FCopy IC version 1\\.1"
sleep 3
check_output "KVP without a daemon: the negotiation waits (3 s later)" \
	" open=1 state=negotiating .* outstanding=1 " hvsim ic status $kvp
check "the guest says why" dmesg_has "KVP IC: negotiation answered once a daemon registers"

pools=/tmp/kvp-pools
hv_kvp_daemon -n --pool-dir $pools >/tmp/kvp.log 2>&1 &
pid=$!
check "our hv_kvp_daemon registers: our kernel answers REGISTER1 with 3.1" \
	wait_for grep -q "KVP LIC Version: 3.1" /tmp/kvp.log
check "KVP negotiates as soon as the daemon registered" wait_for ready $kvp
check_output "KVP: framework 3.0, message 4.0" " fw=3\\.0 msg=4\\.0 " hvsim ic status $kvp
check "the guest logs the registration and KVP IC version 4.0" \
	sh -c "dmesg | grep -q 'KVP: daemon registered' && dmesg | grep -q 'KVP IC version 4\\.0'"
kill -TERM $pid
wait $pid
check "the daemon ends on SIGTERM with status 0" test $? = 0

for s in kvp vss fcopy; do
	if ic-dev semantics $s >/tmp/sem.$s 2>&1; then
		ok 0 "$s: device semantics (ic-dev semantics: $(grep -c '^ok ' /tmp/sem.$s) steps)"
	else
		ok 1 "$s: device semantics"
		sed 's/^/#   /' /tmp/sem.$s
	fi
	check_output "$s: a second open gets EBUSY" "^ok second open: EBUSY" cat /tmp/sem.$s
	check_output "$s: a short read gets EINVAL and keeps the message" \
		"^ok read of [0-9]+ bytes: EINVAL" cat /tmp/sem.$s
done
check_output "VSS handshake: the kernel answers 129 in 4 bytes" "^len=4 answer=129\$" \
	ic-dev register vss
check_output "fcopy handshake: the kernel answers 1 in 4 bytes" "^len=4 answer=1\$" \
	ic-dev register fcopy
check_output "KVP handshake: 7432 bytes, REGISTER1, 3.1" "^len=7432 op=100 version=3\\.1\$" \
	ic-dev register kvp

# an open device holds the module
ic-dev register vss 60 >/tmp/hold.log 2>&1 &
hold=$!
check "a daemon holds /dev/vmbus/hv_vss" wait_for grep -q answer= /tmp/hold.log
check_output "hv_utils refuses to unload under it" "in use|busy|unavailable" \
	sh -c "rmmod hv_utils 2>&1; true"
check "hv_utils is still loaded" test -d /sys/module/hv_utils
kill $hold
wait $hold 2>/dev/null

# each device unbound under a daemon sleeping in read()
for x in kvp:$kvp vss:$vss fcopy:$fc; do
	s=${x%%:*} r=${x#*:}
	dev=$(instance $r)
	ic-dev block $s >/tmp/block.$s 2>&1 &
	pid=$!
	check "$s: a daemon registers and sleeps in read()" wait_for grep -q blocked /tmp/block.$s
	sleep 0.5
	check "$s: its device ($dev) unbinds from hv_utils under it" \
		timeout 30 sh -c "echo $dev > /sys/bus/vmbus/drivers/hv_utils/unbind"
	wait $pid
	rc=$?
	check_output "$s: the reader wakes: read EBADF, poll POLLERR|POLLHUP" \
		"^read=EBADF poll=POLLERR\\|POLLHUP\$" cat /tmp/block.$s
	check "$s: ... and exits 0" test $rc = 0
	check "$s: /dev/vmbus/hv_$s is gone" wait_for test ! -e /dev/vmbus/hv_$s
	check "$s: the host sees the channel closed" wait_for closed "$r"
	check "$s: it binds again" sh -c "echo $dev > /sys/bus/vmbus/drivers/hv_utils/bind"
	check "$s: /dev/vmbus/hv_$s is back" wait_for test -c /dev/vmbus/hv_$s
done
check "VSS and fcopy negotiate again" wait_for both_ready "$vss" "$fc"

# no daemon at all: KVP negotiates once kvp_nego_wait_ms passed
check "hv_utils unloads" rmmod hv_utils
check "the host sees every channel closed" wait_for none_open
dmesg -c >/dev/null
check "hv_utils loads with kvp_nego_wait_ms=5000" modprobe hv_utils kvp_nego_wait_ms=5000 fcopy=chardev
sleep 1
check_output "KVP: still waiting after 1 s" " state=negotiating " hvsim ic status $kvp
check "KVP negotiates without a daemon after 5 s" wait_for ready $kvp
check "the guest says so" dmesg_has "KVP: no daemon registered within 5000 ms, negotiated anyway"
check "hv_utils unloads" rmmod hv_utils
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
