# SPDX-License-Identifier: GPL-2.0-only
# hv_vss_daemon and hv_fcopy_daemon register with the distro kernel's
# hv_utils (on our hv_vmbus, with VSS and fcopy devices offered by the
# simulator) exactly as upstream's daemons do: VSS writes a 12-byte
# VSS_OP_REGISTER1 and must read a 4-byte 129, fcopy writes the int
# FCOPY_VERSION_1 and must read a 4-byte 1 (/dev/vmbus/hv_fcopy exists in
# hv_utils up to 6.9 only). SIGTERM ends them with status 0. The simulator
# has no VSS/fcopy host side yet: requests are tested in vss-daemon and
# fcopy-daemon through hv-fake-kernel.
# binaries: kmod
# modules: hv_utils?
# tools: hvsim hv_vss_daemon hv_fcopy_daemon
# timeout: 180
. /lib/hv-test.sh

if [ "$HV_VMBUS_MODE" != module ]; then
	skip "the daemons on the distro hv_utils" "VMBus is built into this kernel"
	done_testing
	exit
fi
why=$(hv_utils_why_not distro)
if [ -n "$why" ]; then
	skip "the daemons on the distro hv_utils" "$why"
	done_testing
	exit
fi

modprobe hv_hostsim
vss=$(hvsim offer vss)
check "the host offers a VSS device (relid $vss)" test -n "$vss"
fcopy=$(hvsim offer fcopy)
check "the host offers an fcopy device (relid $fcopy)" test -n "$fcopy"
check "our hv_vmbus loads" modprobe hv_vmbus
check "the distro's hv_utils loads on it" hv_utils_load distro
check "hv_utils creates /dev/vmbus/hv_vss" wait_for test -c /dev/vmbus/hv_vss

hv_vss_daemon -n >/tmp/vss.log 2>&1 &
pid=$!
check "hv_vss_daemon registers: the kernel answers a 4-byte 129" \
	wait_for grep -q "kernel module version: 129" /tmp/vss.log
check "and keeps running" kill -0 $pid
kill -TERM $pid
wait $pid
check "SIGTERM: exit status 0" test $? = 0

if wait_for test -c /dev/vmbus/hv_fcopy; then
	hv_fcopy_daemon -n >/tmp/fcopy.log 2>&1 &
	pid=$!
	check "hv_fcopy_daemon registers: the kernel answers a 4-byte 1" \
		wait_for grep -q "kernel module version: 1$" /tmp/fcopy.log
	check "and keeps running" kill -0 $pid
	kill -TERM $pid
	wait $pid
	check "SIGTERM: exit status 0" test $? = 0
else
	skip "hv_fcopy_daemon on the distro hv_utils" "no /dev/vmbus/hv_fcopy (Linux 6.10+)"
fi
sed 's/^/# /' /tmp/vss.log /tmp/fcopy.log 2>/dev/null
check "no crash in the daemons' logs" \
	sh -c "! grep -E -i 'sanitizer|segmentation' /tmp/vss.log /tmp/fcopy.log 2>/dev/null"
check "hv_utils unloads" modprobe -r hv_utils
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
