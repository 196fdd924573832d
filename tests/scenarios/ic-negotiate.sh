# SPDX-License-Identifier: GPL-2.0-only
# IC negotiation (docs/design/hv_utils.md §6.5 item 1), for each hv_utils
# present (the distro's on our VMBus, ours): the six IC devices offered
# with Hyper-V's instance GUIDs; shutdown 3.2, timesync 4.0, heartbeat 3.0,
# VSS 5.0 and (where the driver has it) fcopy 1.1 agreed on framework 3.0,
# as the guest logs and the host records, with no bad answer. KVP: the
# distro's hv_utils does not answer the negotiation until a KVP daemon
# registers (none runs here), so the host's request stays outstanding.
# An old host (framework 1.0, shutdown 1.0 only) gets 1.0/1.0; a host
# offering timesync 1.0/3.0 gets 3.0; a host offering only 9.9 gets counts
# 0/0 (no common version). With VMBus capped at 2.4 the VSS device stays
# unbound (VSS needs VMBus 3.0) while the others negotiate.
# modules: hv_utils?
# tools: hvsim
# binaries: kmod
# timeout: 400
. /lib/hv-test.sh

# a field of the host's IC line for a relid; true when all relids given are
# ready. Read with ic_of, no process started: the polls ran an sh, an hvsim
# and a grep per relid and try, 0.1 to 0.5 s each on the debug kernel.
field() { ic_of "$1" && echo "${HV_IC[$2]}"; }
all_ready() {
	local r
	for r; do ic_state "$r" ready || return 1; done
}

offer_all() {
	sd=$(hvsim offer shutdown b6650ff7-33bc-4840-8048-e0676786f393)
	ts=$(hvsim offer timesync 2dd1ce17-079e-403c-b352-a1921ee207ee)
	hb=$(hvsim offer heartbeat)
	kvp=$(hvsim offer kvp 242ff919-07db-4180-9c2e-b86cb68c8c55)
	vss=$(hvsim offer vss)
	fc=$(hvsim offer fcopy eb765408-105f-49b6-b4aa-c123b64d17d4)
}

check "modprobe hv_hostsim" modprobe hv_hostsim
offer_all
check "modprobe hv_vmbus" modprobe hv_vmbus

for v in distro ours; do
	why=$(hv_utils_why_not $v)
	if [ -n "$why" ]; then
		skip "$v hv_utils: IC negotiation" "$why"
		continue
	fi
	# ours serves fcopy on 6.10+ only when asked (hv_utils.fcopy=)
	params=
	[ $v = ours ] && params=fcopy=chardev
	if [ $v = distro ]; then
		mod=$(distro_module hv_utils)
	else
		mod=$(our_module hv_utils)
	fi
	has_fcopy=0 has_vss=0
	modinfo -F alias "$mod" | grep -q e34bd134e4dec8419ae76b174977c192 && has_fcopy=1
	modinfo -F alias "$mod" | grep -q 292efa3523ea364296ae3a6ebacba440 && has_vss=1
	dmesg -c >/dev/null
	check "$v: hv_utils loads" hv_utils_load $v $params
	want="$sd $ts $hb"
	[ $has_vss = 1 ] && want="$want $vss"
	[ $has_fcopy = 1 ] && want="$want $fc"
	check "$v: shutdown, timesync, heartbeat$([ $has_vss = 1 ] && echo ", VSS")$([ $has_fcopy = 1 ] && echo ", fcopy") negotiate" \
		wait_for all_ready $want
	for x in "Shutdown:$sd:3.2" "TimeSync:$ts:4.0" "Heartbeat:$hb:3.0" "VSS:$vss:5.0" \
		 "FCopy:$fc:1.1"; do
		name=${x%%:*} r=${x#*:} ver=${x##*:}
		r=${r%%:*}
		if [ $name = FCopy ] && [ $has_fcopy = 0 ]; then
			check_output "$v: this hv_utils has no fcopy: the device stays closed" \
				" open=0 state=closed " hvsim ic status $fc
			continue
		fi
		if [ $name = VSS ] && [ $has_vss = 0 ]; then
			check_output "$v: this hv_utils has no VSS: the device stays closed" \
				" open=0 state=closed " hvsim ic status $vss
			continue
		fi
		check_output "$v: host: $name framework 3.0, message $ver" \
			" fw=3\\.0 msg=${ver//./\\.} .* bad_answers=0 bad_pkts=0 unsolicited=0 " \
			hvsim ic status $r
		check "$v: the guest logs $name IC version $ver" dmesg_has "$name IC version ${ver//./\\.}"
	done
	check_output "$v: offered as §6.4: framework 1.0,3.0, shutdown 1.0,3.0,3.1,3.2" \
		" offered_fw=1\\.0,3\\.0 offered_msg=1\\.0,3\\.0,3\\.1,3\\.2 " hvsim ic status $sd
	if [ $v = distro ]; then
		check_output "$v: KVP negotiation sent, not answered without a KVP daemon" \
			" open=1 state=negotiating .* requests=1 answers=0 .* outstanding=1 " \
			hvsim ic status $kvp
		check "$v: ... and the guest logs no KVP IC version" sh -c "! dmesg | grep -q 'KVP IC version'"
	else
		diag "$v: KVP: $(hvsim ic status $kvp)"
	fi
	check "$v: hv_utils unloads" rmmod hv_utils
	check_output "$v: the host sees every IC channel closed" "^0\$" \
		sh -c "hvsim ic status | grep -c ' open=1 '"

	# an old host, a host with nothing in common, timesync without 4.0
	check "host offers framework 1.0, shutdown 1.0" \
		hvsim ic versions shutdown --fw 1.0 --msg 1.0
	check "host offers heartbeat only 9.9" hvsim ic versions heartbeat --fw 9.9 --msg 9.9
	check "host offers timesync 1.0,3.0" hvsim ic versions timesync --fw 1.0,3.0 --msg 1.0,3.0
	no_version=$(field $hb no_version)
	dmesg -c >/dev/null
	check "$v: hv_utils loads again" hv_utils_load $v $params
	check "$v: shutdown and timesync negotiate" wait_for all_ready "$sd" "$ts"
	check_output "$v: old host: shutdown framework 1.0, message 1.0" " fw=1\\.0 msg=1\\.0 " \
		hvsim ic status $sd
	check "$v: the guest logs Shutdown IC version 1.0" dmesg_has "Shutdown IC version 1\\.0"
	check_output "$v: timesync without 4.0: 3.0" " fw=3\\.0 msg=3\\.0 " hvsim ic status $ts
	check "$v: the guest logs TimeSync IC version 3.0" dmesg_has "TimeSync IC version 3\\.0"
	check "$v: heartbeat: the guest answers counts 0/0" \
		wait_for ic_state "$hb" no-common-version
	check_output "$v: ... which the host records as no common version, not as a bad answer" \
		" fw=- msg=- .* bad_answers=0 .* no_version=$((no_version + 1)) " hvsim ic status $hb
	check "$v: ... and the guest logs no Heartbeat IC version" \
		sh -c "! dmesg | grep -q 'Heartbeat IC version'"
	check_output "$v: a heartbeat request is refused: no agreed versions" \
		"no open heartbeat channel with agreed versions" hvsim heartbeat --timeout 1000
	check "$v: hv_utils unloads" rmmod hv_utils
	for c in shutdown heartbeat timesync; do hvsim ic versions $c --default; done
	check_output "the defaults are back" \
		"^class=heartbeat fw=1\\.0,3\\.0 msg=1\\.0,3\\.0 auto_ms=0\$" hvsim ic versions heartbeat
done

# VMBus 2.4: no VSS (it needs 3.0); the others still negotiate
vss_guid=$(instance $vss)
check "hv_vmbus unloads" rmmod hv_vmbus
check "hv_hostsim unloads" rmmod hv_hostsim
check "hv_hostsim loads with max_version=2.4" modprobe hv_hostsim max_version=2.4
offer_all
vss_guid=$(instance $vss)
check "hv_vmbus loads" modprobe hv_vmbus
check_output "VMBus 2.4 agreed" "^version 2\\.4\$" sh -c "hvsim status | grep '^version '"
for v in $(hv_utils_variants); do
	check "$v: hv_utils loads" hv_utils_load $v $params
	check "$v: shutdown still negotiates on VMBus 2.4" \
		wait_for ic_state "$sd" ready
	check "$v: the VSS device stays unbound" \
		test ! -e /sys/bus/vmbus/devices/$vss_guid/driver
	check_output "$v: ... and its channel is never opened" " open=0 state=closed .* sessions=0 " \
		hvsim ic status $vss
	check "$v: hv_utils unloads" rmmod hv_utils
done
[ -n "$(hv_utils_variants)" ] || skip "VSS on VMBus 2.4" "no hv_utils to run here"
check "hv_vmbus unloads" rmmod hv_vmbus
check "hv_hostsim unloads" rmmod hv_hostsim
done_testing
