# SPDX-License-Identifier: GPL-2.0-only
# Our hv_utils binds the integration services it serves (shutdown,
# heartbeat, timesync, KVP...) and no other device (an echo device), opens their channels, shows its
# module parameters like the distro's, and unbinds cleanly on rmmod, over
# and over. Without a Hyper-V reference counter (hv_read_reference_counter
# unset, or reading 0 as under QEMU, when the simulator does not supply
# one) timesync stays unbound with a message; with one, it binds and
# registers the PTP clock "hyperv". The IC protocol itself is tested by the ic-* scenarios.
# binaries: kmod
# modules: ptp?
# tools: hvsim
# timeout: 240
. /lib/hv-test.sh

case " $HV_OUR_MODULES " in
*" hv_utils "*) ;;
*)
	skip "our hv_utils" "not built for this kernel"
	done_testing
	exit
	;;
esac
if ! our_vmbus; then
	skip "our hv_utils on our VMBus" "VMBus is built into this kernel and there is no test core"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
bound_to() { readlink "$dev/$(instance "$1")/driver" 2>/dev/null | sed 's|.*/||'; }

modprobe hv_hostsim
sd=$(hvsim offer shutdown)
hb=$(hvsim offer heartbeat)
ts=$(hvsim offer timesync)
kvp=$(hvsim offer kvp)
other=$(hvsim offer echo)
check "hv_vmbus loads" modprobe hv_vmbus
check "the four devices appear" wait_for sh -c "[ \$(ls $dev | wc -l) -ge 4 ]"

check "modprobe hv_utils" modprobe hv_utils
check_output "it is ours (version of this tree)" "^0\\.1\\.0\$" cat /sys/module/hv_utils/version
check_output "timesync_implicit exists, off by default" "^N\$" \
	cat /sys/module/hv_utils/parameters/timesync_implicit
check "timesync_implicit can be set at run time" \
	sh -c "echo 1 >/sys/module/hv_utils/parameters/timesync_implicit &&
	       grep -q Y /sys/module/hv_utils/parameters/timesync_implicit &&
	       echo 0 >/sys/module/hv_utils/parameters/timesync_implicit"
check_output "modinfo: the shutdown, timesync and heartbeat aliases" \
	"vmbus:31600b0e13523449818b38d90ced39db.*vmbus:30e62795aed07b49adcee80ab0175caf|vmbus:30e62795aed07b49adcee80ab0175caf.*vmbus:31600b0e13523449818b38d90ced39db" \
	sh -c "modinfo -F alias hv_utils | tr '\n' ' '"
check "modinfo: the KVP alias" \
	sh -c "modinfo -F alias hv_utils | grep -q e7f4a0a9455a964db8278a841e8c03e6"

check "shutdown is bound to hv_utils" wait_for sh -c "[ \"\$(readlink $dev/$(instance "$sd")/driver)\" ] &&
	readlink $dev/$(instance "$sd")/driver | grep -q '/hv_utils\$'"
check_output "heartbeat is bound to hv_utils" "^hv_utils\$" bound_to "$hb"
check_output "KVP is bound to hv_utils" "^hv_utils\$" bound_to "$kvp"
check_output "the echo device is not bound" "^\$" bound_to "$other"

ptp_of_ts() {
	for p in /sys/class/ptp/ptp*; do
		[ -e "$p/clock_name" ] && [ "$(cat "$p/clock_name")" = hyperv ] && echo "$p"
	done
}
if [ "$(bound_to "$ts")" = hv_utils ]; then
	diag "the simulator supplies a reference counter: timesync bound"
	check_output "PTP clock \"hyperv\" registered" "ptp" ptp_of_ts
	check_output "its parent is the timesync device" "$(instance "$ts")" \
		readlink -f "$(ptp_of_ts)/device"
else
	check_output "timesync unbound: no reference counter, said so" \
		"no Hyper-V reference counter" dmesg
	check_output "and no PTP clock \"hyperv\"" "^\$" ptp_of_ts
fi

check "rmmod hv_utils" rmmod hv_utils
check_output "shutdown unbound" "^\$" bound_to "$sd"
check_output "heartbeat unbound" "^\$" bound_to "$hb"
check_output "no PTP clock \"hyperv\" is left" "^\$" ptp_of_ts

cycles=20
[ "$HV_TARGET" = debug ] && cycles=5
good=0
for _ in $(seq $cycles); do
	modprobe hv_utils || break
	wait_for sh -c "[ \"\$(readlink $dev/$(instance "$hb")/driver)\" ]" || break
	[ "$(bound_to "$sd")" = hv_utils ] && good=$((good + 1))
	rmmod hv_utils || break
done
check_output "$cycles load/bind/unload cycles" "^$cycles\$" echo $good

check "rmmod hv_vmbus" rmmod hv_vmbus
check "rmmod hv_hostsim" rmmod hv_hostsim
done_testing
