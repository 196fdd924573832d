# SPDX-License-Identifier: GPL-2.0-only
# Heartbeat IC (docs/design/hv_utils.md §6.5 item 2), for each hv_utils
# present (the distro's on our VMBus, ours): negotiation (framework 3.0,
# heartbeat 3.0), N heartbeats each answered with the host's sequence
# number plus one, flags TRANSACTION|RESPONSE, the request's transaction
# id and status S_OK (the host refuses any other answer); a heartbeat too
# short for its sequence number gets a logged error and no answer (5.10's
# hv_utils answers it just as short, which the host refuses), and the
# next good one is answered; the host's periodic heartbeats; rmmod closes
# the channel.
# modules: hv_utils?
# tools: hvsim
# binaries: kmod
# timeout: 400
. /lib/hv-test.sh

count=20
[ "$HV_TARGET" = debug ] && count=5

check "modprobe hv_hostsim" modprobe hv_hostsim
hb=$(hvsim offer heartbeat)
check "modprobe hv_vmbus" modprobe hv_vmbus

for v in distro ours; do
	why=$(hv_utils_why_not $v)
	if [ -n "$why" ]; then
		skip "$v hv_utils: heartbeat" "$why"
		continue
	fi
	dmesg -c >/dev/null
	check "$v: hv_utils loads" hv_utils_load $v
	check "$v: the host and the guest agree on versions" \
		wait_for sh -c "hvsim ic status $hb | grep -q ' state=ready '"
	check_output "$v: framework 3.0, heartbeat 3.0 (host)" " fw=3\\.0 msg=3\\.0 " hvsim ic status $hb
	check "$v: the guest logs Heartbeat IC version 3.0" dmesg_has "Heartbeat IC version 3\\.0"
	before=$(hvsim ic status $hb | sed 's/.* answers=\([0-9]*\) .*/\1/')
	bad=$(hvsim ic status $hb | sed 's/.* bad_answers=\([0-9]*\) .*/\1/')
	out=$(hvsim heartbeat --count $count --timeout 10000 2>&1)
	ok $? "$v: $count heartbeats, each answered (hvsim exit 0)"
	good=$(echo "$out" | awk '/ kind=heartbeat .* state=answered status=0x00000000 / {
		s = $0; sub(/.* seq=/, "", s); sub(/ .*/, "", s)
		a = $0; sub(/.* answer_seq=/, "", a); sub(/ .*/, "", a)
		if (a == s + 1) n++ } END { print n + 0 }')
	check_output "$v: $count answers carry the host's sequence number plus one, S_OK" \
		"^$count\$" echo "$good"
	[ "$good" = $count ] || echo "$out" | sed 's/^/#   /' | tail -5
	check_output "$v: the host counted $count more valid answers, no bad one" \
		" answers=$((before + count)) .* bad_answers=$bad bad_pkts=0 unsolicited=0 " hvsim ic status $hb
	check_output "$v: a given sequence number comes back plus one" \
		" seq=1000 answer_seq=1001 " hvsim heartbeat --seq 1000 --timeout 10000
	# 2 body bytes: 30 bytes, 32 with the ring's padding, below 28 + 8
	out=$(hvsim heartbeat --len 2 --timeout 3000 2>/dev/null)
	rc=$?
	if hv_utils_checks_length $v; then
		check_output "$v: a 30-byte heartbeat is not answered (host times out)" \
			"^1 .* state=timeout " echo "$rc $out"
		check "$v: ... and the guest logs why" \
			dmesg_has "(Invalid heartbeat msg data. Length too small|heartbeat.*(short|small))"
	else
		# 5.10 answers with as few bytes: the host must not believe it
		check_output "$v: a 30-byte heartbeat: this hv_utils answers it short, the host refuses that" \
			"^1 .* state=bad .* why=no-room-for-a-sequence-number" echo "$rc $out"
		check_output "$v: ... counted as a bad answer" " bad_answers=$((bad + 1)) " hvsim ic status $hb
	fi
	check_output "$v: the next good heartbeat is answered" " state=answered status=0x00000000 " \
		hvsim heartbeat --timeout 10000
	check "$v: the host's own heartbeats every 100 ms" hvsim heartbeat --auto 100
	sleep 1
	check "hvsim heartbeat --auto off" hvsim heartbeat --auto off
	check_output "$v: ... at least 5 of them answered" \
		"^([5-9]|[1-9][0-9]+)\$" sh -c "hvsim ic requests $hb | grep -c ' origin=host state=answered '"
	check "$v: hv_utils unloads" rmmod hv_utils
	check_output "$v: the host sees the channel closed" " open=0 state=closed " hvsim ic status $hb
	check_output "$v: a heartbeat now is refused (no channel)" "no open heartbeat channel" \
		hvsim heartbeat --timeout 1000
done
check "hv_vmbus unloads" rmmod hv_vmbus
check "hv_hostsim unloads" rmmod hv_hostsim
done_testing
