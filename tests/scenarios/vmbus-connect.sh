# SPDX-License-Identifier: GPL-2.0-only
# hv_vmbus against the host simulator capped at each VMBus protocol version:
# the guest must try versions newest first and settle on the newest the host
# accepts, the two sides must agree on it, the bus must appear, and unload
# must hand the connection back. Then repeated load/unload.
# binaries: kmod
# timeout: 240
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "hv_vmbus connects to the simulated host" "VMBus is built into this kernel"
	done_testing
	exit
fi

# a key of the host's status, read with no process started (hv_status)
host() { hv_status && echo "${HV_ST[$1]}"; }

# newest first, as the guest must try them
versions="6.0 5.3 5.2 5.1 5.0 4.1 4.0 3.0 2.4 1.1 0.13"
i=0
for cap in $versions; do
	i=$((i + 1))
	dmesg -c >/dev/null
	check "hv_hostsim loads with max_version=$cap" modprobe hv_hostsim max_version=$cap ||
		continue
	if ! check "modprobe hv_vmbus with the host capped at $cap" modprobe hv_vmbus; then
		dmesg | tail -5 | sed 's/^/#   /'
		rmmod hv_hostsim
		continue
	fi
	check "guest reports protocol $cap" dmesg_has "hv_vmbus(_test)?: Vmbus version:$cap\$"
	check_output "host agrees on $cap and is connected" "^$cap connected\$" \
		echo "$(host version) $(host state)"
	# versions >= 5.0 are asked for on a connection hosts < 5.0 lack, so
	# such a host sees only the requests from 4.1 down
	case $cap in
	[56].*) expect=$i ;;
	*) expect=$((i - 5)) ;;
	esac
	check_output "guest asked newer versions first ($expect requests reached the host)" \
		"^$expect\$" host contacts
	check "the vmbus bus is registered" test -d /sys/bus/vmbus
	check_output "no message was rejected by the host" "^0\$" host msgs_rejected
	check "rmmod hv_vmbus" rmmod hv_vmbus
	check_output "unload reached the host and it is disconnected" "^1 disconnected\$" \
		echo "$(host unloads) $(host state)"
	check_fails "the bus is gone" test -d /sys/bus/vmbus
	check "rmmod hv_hostsim" rmmod hv_hostsim
done

# hv_vmbus holds the simulator while connected
modprobe hv_hostsim
modprobe hv_vmbus
check_fails "hv_hostsim cannot be removed while hv_vmbus uses it" rmmod hv_hostsim
rmmod hv_vmbus

# (vmbus-offers does 50 with devices present)
cycles=5
[ "$HV_TARGET" = debug ] && cycles=2	# KASAN and lockdep make each one slow
n=0
for _ in $(seq $cycles); do
	modprobe hv_vmbus && rmmod hv_vmbus && n=$((n + 1))
done
check_output "$cycles load/unload cycles of hv_vmbus all succeed" "^$cycles\$" echo $n
check_output "the host saw $cycles more connections and unloads" \
	"^$((cycles + 1)) $((cycles + 1))\$" echo "$(host contacts) $(host unloads)"
rmmod hv_hostsim
done_testing
