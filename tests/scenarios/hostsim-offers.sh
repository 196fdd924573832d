# SPDX-License-Identifier: GPL-2.0-only
# The host simulator's devices and offers, driven with the hvsim CLI and
# asserted from the HOST's side only (the guest's side of offers has its own
# scenarios): devices configured before hv_vmbus connects are all offered
# when it asks, primaries before their sub-channels; one added later is
# offered at once; a rescind goes out (sub-channels first) and the relids
# come back when the guest releases them; unload makes the host forget its
# offers; sub-channels wait for protocol 2.4; bad commands fail with the
# host's reason. Where VMBus is built into the kernel, only the host-side
# part without a guest runs.
# tools: hvsim
# binaries: kmod
# timeout: 240
. /lib/hv-test.sh

# Each process started costs the debug kernel 0.2 to 0.5 s (an hvsim
# 0.46 s): the host's status is read with hv_status, and the table is
# filled and emptied through the control file hvsim writes to.
control=/sys/kernel/debug/hv_hostsim/control
host() { hv_status && echo "${HV_ST[$1]}"; }
guid='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
echo_guid=c18c230f-6088-4676-96f6-fe7d45135f01
sd_instance=b6650ff7-33bc-4840-8048-e0676786f393

# exit status of a command, its output dropped
rc() { "$@" >/dev/null 2>&1; echo $?; }
# output and exit status of a command, on one line
out_rc() { echo "$("$@" 2>&1) rc=$?"; }
# the STATE column of relid $1
state_of() { hvsim list | awk -v r="$1" '$1 == r { print $6 }'; }
# true once `host KEY` reads VALUE (within 10 s)
wait_host() {
	local n=0
	while hv_status && [ "${HV_ST[$1]}" != "$2" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	hv_status && [ "${HV_ST[$1]}" = "$2" ]
}
counters() {
	hv_status
	echo "${HV_ST[devices]} ${HV_ST[offers_sent]} ${HV_ST[rescinds_sent]} ${HV_ST[relids_released]}"
}

check "modprobe hv_hostsim" modprobe hv_hostsim || { done_testing; exit; }
check_output "hvsim --help describes the commands" "subchannels RELID N" hvsim --help
check_output "a fresh host has no devices" "^0 0 0 0\$" counters

# ---- devices configured before the guest connects -------------------------
net=$(hvsim offer network)
check_output "offer network prints relid 1" "^1\$" echo "$net"
scsi=$(hvsim offer scsi)
sd=$(hvsim offer shutdown $sd_instance)
ech=$(hvsim offer echo)
hb=$(hvsim offer 57164f39-9115-4e78-ab55-382f3bd5422d)
subs=$(hvsim subchannels "$net" 2)
check_output "relids are 1..7 in order, the sub-channels' last" "^1 2 3 4 5 6 7\$" \
	echo "$net" "$scsi" "$sd" "$ech" "$hb" "$subs"
check_output "hvsim list has 7 devices with distinct relids" "^7 7\$" \
	echo "$(hvsim list | wc -l) $(hvsim list | awk '{ print $1 }' | sort -u | wc -l)"
check_output "every line is RELID CLASS GUID GUID INDEX STATE" "^7\$" \
	sh -c "hvsim list | grep -c -E '^[0-9]+ [a-z]+ $guid $guid [0-9]+ (offered|rescinded-pending|configured-not-offered)\$'"
check_output "none is offered before the guest asks" "^7\$" \
	sh -c 'hvsim list | grep -c " configured-not-offered$"'
check_output "the network device has its class GUID and index 0" \
	"^1 network f8615163-df3e-46c5-913f-f2d2f965ed0e $guid 0 " hvsim list
check_output "the given instance GUID is kept" "^3 shutdown [^ ]+ $sd_instance 0 " hvsim list
check_output "the echo class has its private GUID" "^4 echo $echo_guid " hvsim list
check_output "a literal class GUID is recognised (heartbeat)" "^5 heartbeat " hvsim list
check_output "sub-channels share the primary's instance, indexes 1 and 2" "^1 2 \$" \
	sh -c "hvsim list | awk '\$1 == 1 { i = \$4 } \$1 != 1 && \$4 == i { printf \"%s \", \$5 }'"
check_output "status: 7 devices, nothing sent" "^7 0 0 0\$" counters

# ---- errors ----------------------------------------------------------------
check_output "offer of an unknown class exits 1" "^1\$" rc hvsim offer bogus
check_output "... and says why" "unknown class 'bogus'" hvsim offer bogus
check "... and the kernel log has the warning" dmesg_has "hv_hostsim: control: unknown class 'bogus'"
check_output "rescind of a relid that does not exist exits 1" "^1\$" rc hvsim rescind 99
check_output "... and says why" "no such relid 99" hvsim rescind 99
check_output "rescind of a non-number exits 1" "bad relid 'x'" hvsim rescind x
check_output "a bad instance GUID is refused" "bad instance GUID" hvsim offer kvp 1234
check_output "an instance GUID in use is refused" "already in use by relid 3" \
	hvsim offer kvp $sd_instance
check_output "sub-channels of a sub-channel are refused" "relid 6 is a sub-channel" \
	hvsim subchannels 6 1
check_output "zero sub-channels are refused" "cannot add 0 sub-channels" hvsim subchannels 1 0
check_output "bad usage exits 2" "^2\$" rc hvsim offer
check_output "an unknown command exits 2" "^2\$" rc hvsim frobnicate
check_output "refused commands changed nothing" "^7 0 0 0\$" counters

guest=1
if ! our_vmbus; then
	guest=0
	skip "the guest gets the offers" "VMBus is built into this kernel"
fi

# ---- the guest connects ------------------------------------------------------
if [ $guest = 1 ]; then
	check "modprobe hv_vmbus" modprobe hv_vmbus
	check_output "host is connected" "^connected\$" host state
	check_output "all 7 were offered (sub-channels included, protocol $(host version))" \
		"^7 7 0 0\$" counters
	check_output "hvsim list shows all 7 offered" "^7\$" \
		sh -c 'hvsim list | grep -c " offered$"'
	check_output "no guest message was rejected" "^0\$" host msgs_rejected

	kvp=$(hvsim offer kvp)
	check_output "a device added while connected gets relid 8" "^8\$" echo "$kvp"
	check_output "... and is offered at once" "^offered 8 8\$" \
		echo "$(state_of "$kvp") $(host devices) $(host offers_sent)"

	# rescind the network device: its two sub-channels first, then itself
	check "hvsim rescind $net (the primary of 6 and 7)" hvsim rescind "$net"
	check_output "3 rescinds were sent" "^3\$" host rescinds_sent
	check_output "a rescinded relid cannot be rescinded again" \
		"(already rescinded|no such relid 6).* rc=1\$" out_rc hvsim rescind 6
	if wait_host relids_released 3; then
		check_output "the guest released all 3: devices 8 -> 5" "^5 8 3 3\$" counters
		check_output "their relids are gone from the list" "^0\$" \
			sh -c "hvsim list | awk '\$1 == 1 || \$1 == 6 || \$1 == 7' | wc -l"
		new=$(hvsim offer timesync)
		check_output "a released relid is reused (lowest free: 1)" "^1 offered\$" \
			echo "$new $(state_of "$new")"
	elif [ "$(host relids_released)" = 0 ]; then
		skip "the guest releases the rescinded relids" \
			"guest side pending: no RELID_RELEASED within 10 s (rescinded-pending: $(hvsim list | grep -c rescinded-pending))"
		check_output "rescinded relids stay held: 8 devices, 3 pending" "^8 3\$" \
			echo "$(host devices) $(hvsim list | grep -c ' rescinded-pending$')"
		new=$(hvsim offer timesync)
		check_output "a new device does not take a held relid" "^9\$" echo "$new"
	else
		ok 1 "the guest released only $(host relids_released) of the 3 rescinded relids"
		hvsim list | sed 's/^/#   /'
	fi
	check_output "no guest message was rejected" "^0\$" host msgs_rejected

	check "rmmod hv_vmbus" rmmod hv_vmbus
	check_output "after unload the host forgets its offers" "^0 disconnected\$" \
		echo "$(hvsim list | grep -c -v ' configured-not-offered$') $(host state)"
	devices=$(host devices)
	sent=$(host offers_sent)
	check "modprobe hv_vmbus again" modprobe hv_vmbus
	check_output "every device is offered again on the new connection" \
		"^$((sent + devices)) $devices\$" \
		echo "$(host offers_sent) $(hvsim list | grep -c ' offered$')"
	check "rmmod hv_vmbus" rmmod hv_vmbus
fi

# ---- without a guest: rescind is immediate; the table is bounded --------------
devices=$(host devices)
rescinds=$(host rescinds_sent)
check "rescind of a device never offered" hvsim rescind 2
check_output "... removes it at once, nothing sent" "^$((devices - 1)) $rescinds\$" \
	echo "$(host devices) $(host rescinds_sent)"
hv_status
n=${HV_ST[devices]}
while [ "$n" -lt 64 ]; do echo "offer echo" >$control || break; n=$((n + 1)); done
check_output "64 devices fit" "^64\$" host devices
check_output "the 65th is refused" "too many devices" hvsim offer echo
check_output "... and so are sub-channels beyond 64" "cannot add 1 sub-channels" \
	hvsim subchannels 3 1
for r in $(hvsim list | awk '$5 == 0 { print $1 }'); do echo "rescind $r" >$control; done
check_output "rescinding every primary empties the table" "^0 \$" \
	echo "$(host devices) $(hvsim list)"
check "rmmod hv_hostsim" rmmod hv_hostsim
check_output "hvsim says when hv_hostsim is not loaded" \
	"hv_hostsim is not loaded \\(modprobe hv_hostsim\\)" hvsim list
check_output "... and exits 1" "^1\$" rc hvsim status

# ---- a host older than 2.4 offers no sub-channels ----------------------------
if [ $guest = 1 ]; then
	modprobe hv_hostsim max_version=1.1
	p=$(hvsim offer network)
	hvsim subchannels "$p" 2 >/dev/null
	check "modprobe hv_vmbus (host capped at 1.1)" modprobe hv_vmbus
	check_output "only the primary was offered" "^1 offered 2\$" \
		echo "$(host offers_sent) $(state_of "$p")" \
		"$(hvsim list | grep -c ' configured-not-offered$')"
	check "rmmod hv_vmbus" rmmod hv_vmbus
	check "rmmod hv_hostsim" rmmod hv_hostsim
fi
done_testing
