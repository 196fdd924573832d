# SPDX-License-Identifier: GPL-2.0-only
# Channel offers become VMBus devices: the simulated host offers devices
# (before and after hv_vmbus connects, with sub-channels), and the guest must
# show each one on /sys/bus/vmbus with the attributes of the stable sysfs
# ABI, send a MODALIAS uevent for it, list it in lsvmbus, and remove it when
# the host rescinds it, releasing its relid back to the host.
# binaries: kmod
# tools: hvsim lsvmbus
# timeout: 300
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "VMBus devices from host offers" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
# the host's status (hv_status) and the devices on the bus (ndev) are read
# with no process started: the polls below ran an ls, a wc and a sleep
# per try, 0.1 to 0.3 s each on the debug kernel
status() { hv_status && echo "${HV_ST[$1]}"; }
count_devs() {
	local d
	ndev=0
	for d in "$dev"/*; do [ -e "$d" ] && ndev=$((ndev + 1)); done
}

modprobe hv_hostsim
nic=$(hvsim offer network)
check "the host offers a NIC (relid $nic)" test -n "$nic"
kvp=$(hvsim offer kvp)
shutdown=$(hvsim offer shutdown)
check "and two sub-channels of the NIC" hvsim subchannels "$nic" 2

# udev is not running: record the kernel's uevents from the netlink socket
printf '#!/bin/sh\necho "$ACTION $MODALIAS $DEVPATH" >>/tmp/uevents\n' >/tmp/uevent-log
chmod +x /tmp/uevent-log
busybox uevent /tmp/uevent-log &
uevent_pid=$!
sleep 0.5

check "hv_vmbus loads and takes the offers" modprobe hv_vmbus
n=0
while count_devs && [ "$ndev" -lt 3 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check_output "three devices on the bus (sub-channels are not devices)" "^3\$" \
	sh -c "ls $dev | wc -l"

for relid in $nic $kvp $shutdown; do
	inst=$(instance "$relid")
	d=$dev/$inst
	check "device $inst (relid $relid) is named by its instance GUID" test -d "$d"
	check_output "its id is the relid $relid" "^$relid\$" cat "$d/id"
	check_output "its device_id is {instance}" "^\\{$inst\\}\$" cat "$d/device_id"
	check_output "its vendor is Microsoft's" "^0x1414\$" cat "$d/vendor"
done
check_output "the NIC's class_id is the synthetic network class" \
	"^\\{f8615163-df3e-46c5-913f-f2d2f965ed0e\\}\$" cat "$dev/$(instance "$nic")/class_id"
check_output "its modalias is vmbus: and the class GUID's bytes" \
	"^vmbus:635161f83edfc546913ff2d2f965ed0e\$" cat "$dev/$(instance "$nic")/modalias"
check_output "channel_vp_mapping lists the primary and both sub-channels" "^3\$" \
	sh -c "wc -l <$dev/$(instance "$nic")/channel_vp_mapping"
check_output "the kernel sent an add uevent with the NIC's MODALIAS" \
	"^add vmbus:635161f83edfc546913ff2d2f965ed0e " cat /tmp/uevents

out=$(lsvmbus)
diag "lsvmbus: $(echo "$out" | tr '\n' '|')"
check_output "lsvmbus lists the network adapter" "VMBUS ID +$nic: Synthetic network adapter" \
	echo "$out"
check_output "lsvmbus lists KVP (upstream calls it Data Exchange)" \
	"VMBUS ID +$kvp: \\[Data Exchange\\]" echo "$out"
nic_channels=$(lsvmbus -vv | awk -v id="$nic" '
	/^VMBUS ID/ { f = ($3 == id ":") } f && /Rel_ID=/ { n++ } END { print n + 0 }')
check_output "lsvmbus -vv shows the NIC's three channels" "^3\$" echo "$nic_channels"

hb=$(hvsim offer heartbeat)
n=0
while [ ! -d "$dev/$(instance "$hb")" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check "a device offered while connected appears (relid $hb)" test -d "$dev/$(instance "$hb")"

kvp_inst=$(instance "$kvp")
released=$(status relids_released)
check "the host rescinds KVP" hvsim rescind "$kvp"
n=0
while [ -d "$dev/$kvp_inst" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
check_fails "the rescinded device is gone" test -d "$dev/$kvp_inst"
n=0
while hv_status && [ "${HV_ST[relids_released]}" = "$released" ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
check_output "the guest released the relid to the host" "^$((released + 1))\$" status relids_released
check_output "a remove uevent was sent" "^remove .*$kvp_inst" cat /tmp/uevents

kill $uevent_pid
check "rmmod hv_vmbus with devices present" rmmod hv_vmbus

# 50 load/unload cycles with the devices present (10 on the slow debug
# kernel): each load must bring all of them back (the host offers them
# again on every new connection)
cycles=50
[ "$HV_TARGET" = debug ] && cycles=10
want=$(hvsim list | awk '$5 == 0 && $6 != "rescinded-pending"' | wc -l)
good=0
for _ in $(seq $cycles); do
	modprobe hv_vmbus || break
	n=0
	while count_devs && [ "$ndev" -lt "$want" ] && [ $n -lt 50 ]; do sleep 0.05; n=$((n + 1)); done
	count_devs
	[ "$ndev" = "$want" ] && good=$((good + 1))
	rmmod hv_vmbus || break
done
check_output "$cycles load/unload cycles, each showing all $want devices" "^$cycles\$" echo $good
check_output "no VMBus device is left" "^0\$" sh -c "ls /sys/bus/vmbus 2>/dev/null | wc -l"
check_output "no host message was rejected" "^0\$" status msgs_rejected
check "rmmod hv_hostsim" rmmod hv_hostsim
done_testing
