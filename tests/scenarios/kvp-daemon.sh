# SPDX-License-Identifier: GPL-2.0-only
# hv_kvp_daemon against the distro kernel's hv_utils (the kernel side of
# KVP until ours exists), on our hv_vmbus, with a KVP device offered by
# the simulator: the daemon opens /dev/vmbus/hv_kvp, registers with
# KVP_OP_REGISTER1 exactly as upstream's daemon does, and takes the
# kernel's answer ("3.1") as its version; its pools appear; SIGTERM ends
# it with status 0; unbinding the KVP device under a running daemon makes
# it fail to reopen the device and exit 1 (as upstream's). The simulator
# has no IC host side yet, so no host request is exchanged here; the
# daemon's answers are tested in tests/unit.
# binaries: kmod
# modules: hv_utils?
# tools: hvsim hv_kvp_daemon
# timeout: 180
. /lib/hv-test.sh

if [ "$HV_VMBUS_MODE" != module ]; then
	skip "hv_kvp_daemon on the distro hv_utils" "VMBus is built into this kernel"
	done_testing
	exit
fi
why=$(hv_utils_why_not distro)
if [ -n "$why" ]; then
	skip "hv_kvp_daemon on the distro hv_utils" "$why"
	done_testing
	exit
fi

modprobe hv_hostsim
kvp=$(hvsim offer kvp)
check "the host offers a KVP device (relid $kvp)" test -n "$kvp"
check "our hv_vmbus loads" modprobe hv_vmbus
# (our hv_utils, in updates/, serves no KVP yet: load the distro's by file)
check "the distro's hv_utils loads on it" hv_utils_load distro
check "hv_utils creates /dev/vmbus/hv_kvp" wait_for test -c /dev/vmbus/hv_kvp

pools=/tmp/kvp-pools
hv_kvp_daemon -n --pool-dir $pools >/tmp/kvp.log 2>&1 &
pid=$!
check "the daemon registers: the kernel answers REGISTER1 with 3.1" \
	wait_for grep -q "KVP LIC Version: 3.1" /tmp/kvp.log
check "the five pool files exist, empty" sh -c \
	"for i in 0 1 2 3 4; do test -f $pools/.kvp_pool_\$i -a ! -s $pools/.kvp_pool_\$i || exit 1; done"
check "the daemon is still running" kill -0 $pid
kill -TERM $pid
wait $pid
check "SIGTERM: exit status 0" test $? = 0
check_output "and it says why" "exiting on signal 15" cat /tmp/kvp.log

# Again, then take the device away from under it: the open device holds
# hv_utils (EAGAIN on unload, as with upstream's daemon); unbinding the KVP
# device destroys the transport, which wakes the daemon's poll.
hv_kvp_daemon -n --pool-dir $pools >/tmp/kvp2.log 2>&1 &
pid=$!
check "a new daemon registers again" \
	wait_for grep -q "KVP LIC Version: 3.1" /tmp/kvp2.log
check_output "hv_utils cannot unload while the daemon holds the device" \
	"unavailable|in use|busy" sh -c "modprobe -r hv_utils 2>&1; true"
dev=$(instance "$kvp")
check "the KVP device ($dev) unbinds from hv_utils under the daemon" \
	timeout 30 sh -c "echo $dev > /sys/bus/vmbus/drivers/hv_utils/unbind"
wait $pid
check "the daemon cannot reopen the device and exits 1" test $? = 1
check_output "after logging the failed read" "read from the device failed" \
	cat /tmp/kvp2.log
check "hv_utils unloads" modprobe -r hv_utils
check "no sanitizer or crash in the daemon's logs" \
	sh -c "! grep -E -i 'sanitizer|segmentation' /tmp/kvp.log /tmp/kvp2.log"
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
