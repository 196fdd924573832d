# SPDX-License-Identifier: GPL-2.0-only
# The per-channel sysfs of /sys/bus/vmbus/devices/<dev>/channels/<relid>/
# checked against the host's own counters (`hvsim channels`) after traffic
# whose effect is known exactly, on the echo device with 8 KiB rings:
#  - ring indices: every packet takes 16 bytes of descriptor, its payload
#    padded to 8 and an 8-byte trailer of a ring, so once both sides are idle
#    each ring's write index is (bytes + 8 x packets) mod 8192, counted by
#    the host (descriptors and payloads) since the channel opened; its read
#    index is the same (everything was read) and equals the host's own index
#    of that ring; bytes available are 0 to read and 8192 to write;
#  - interrupt masks and pending_send_sz as the host sees them, 0 when idle;
#  - events: every HvSignalEvent of the guest reaches the host (sig_in), and
#    they are the guest's signals for a ring it made non-empty plus those
#    for room it made in a full one (intr_out_empty + intr_in_full);
#  - interrupts: every interrupt the host delivered found the channel's
#    callback (the host's events), all on the channel's CPU;
#  - flow control, with rings filling (16 echoes in flight, then the echo
#    test's flow test, both rings full): out_full_first is the test's count
#    of refused sends, out_full_total twice that (vmbus_sendpacket() counts
#    the refusal, set_channel_pending_send_size() - which the test calls
#    then, as Linux drivers do - counts it again, both as in Linux); the
#    host woke the guest for room at most once per refusal; the guest
#    signalled room at most once per time the host found its ring full.
# Skipped where VMBus is built into the kernel, like vmbus-echo.
# binaries: kmod
# tools: hvsim
# timeout: 600
# cpus: 2
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "per-channel sysfs against the host" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
dbg=/sys/kernel/debug/hv_echo_test
params=/sys/module/hv_echo_test/parameters

ctl() {
	echo "$*" >"$dir/control" && return 0
	cat "$dir/result" >&2 2>/dev/null
	return 1
}
# The counters both sides keep, read with no process started (a cat, sed
# or hvsim costs the debug kernel 0.1 to 0.3 s, and each comparison below
# reads a dozen of them): HV_CH, the host's line for the channel
# (chan_of, what `hvsim channels RELID` prints); G, the channel's sysfs
# attributes; E, the echo test's per-channel counters. Read after the
# traffic ended, with both sides idle.
declare -A G E
read_sides() {
	local f i rc=0
	local -a w
	chan_of "$relid" || rc=1
	G=()
	for f in "$ch"/*; do
		[ -f "$f" ] && [ -r "$f" ] && read -r "G[${f##*/}]" <"$f"
	done
	E=()
	hv_lines "$dir/stats" || return $rc
	for f in "${HV_LINES[@]}"; do
		read -r -a w <<<"$f"
		[ "${w[0]}" = channel ] && [ "${w[3]}" = "$relid" ] || continue
		for ((i = 4; i < ${#w[@]} - 1; i += 2)); do E[${w[i]}]=${w[i + 1]}; done
	done
	return $rc
}
# EXPECTED and ACTUAL are equal, or say what each was
same() {
	[ "$2" = "$3" ] && return 0
	diag "$1: expected $2, got $3"
	return 1
}

# Snapshot the counters both sides keep, to compare what one test changed:
# deltas then reads them again and puts the change of each in DH (host) and
# DG (guest), and that of the echo test's ring_full count in DE.
declare -A H0 G0 DH DG
snap() {
	local k
	read_sides
	H0=() G0=()
	for k in pkts_in bytes_in pkts_out bytes_out sig_in sig_out sig_suppressed \
		 pending_wakeups host_ring_full events irq_coalesced events_off_target; do
		H0[$k]=${HV_CH[$k]}
	done
	for k in events interrupts intr_in_full intr_out_empty out_full_first out_full_total; do
		G0[$k]=${G[$k]}
	done
	e_ring_full=${E[ring_full]}
}
deltas() {
	local k
	read_sides
	DH=() DG=()
	for k in "${!H0[@]}"; do DH[$k]=$((${HV_CH[$k]} - ${H0[$k]})); done
	for k in "${!G0[@]}"; do DG[$k]=$((${G[$k]} - ${G0[$k]})); done
	DE=$((${E[ring_full]} - e_ring_full))
}

# Full-ring counts since snap: out_full_first is the echo test's count of
# sends the ring refused, out_full_total twice that, and the host woke the
# guest for room (pending_wakeups) at most once a refusal.
full_agrees() {
	local bad=0 full wakes
	deltas
	full=$DE
	wakes=${DH[pending_wakeups]}
	diag "the guest's ring was full $full times; the host woke it for room $wakes times"
	same "out_full_first = the echo test's refused sends" "$full" "${DG[out_full_first]}" || bad=1
	same "out_full_total = twice that" "$((2 * full))" "${DG[out_full_total]}" || bad=1
	[ "$wakes" -le "$full" ] || { diag "pending_wakeups $wakes > $full"; bad=1; }
	return $bad
}

# With both sides idle: each ring's indices, bytes available, masks and
# pending sizes against the host, and the write index against the bytes the
# host counted since the ring was created (BASE_IN, BASE_PKTS_IN, BASE_OUT,
# BASE_PKTS_OUT).
rings_agree() {
	local size=$1 bad=0 g2h h2g
	read_sides || diag "the host has no state for relid $relid"
	g2h=$(( (${HV_CH[bytes_in]} - base_in + 8 * (${HV_CH[pkts_in]} - base_pkts_in)) % size ))
	h2g=$(( (${HV_CH[bytes_out]} - base_out + 8 * (${HV_CH[pkts_out]} - base_pkts_out)) % size ))
	same "out_write_index = (bytes_in + 8 pkts_in) mod $size" "$g2h" "${G[out_write_index]}" || bad=1
	same "out_read_index = the host's index of that ring" "${HV_CH[g2h_pos]}" "${G[out_read_index]}" || bad=1
	same "out_read_index = out_write_index" "${G[out_write_index]}" "${G[out_read_index]}" || bad=1
	same "in_write_index = (bytes_out + 8 pkts_out) mod $size" "$h2g" "${G[in_write_index]}" || bad=1
	same "in_write_index = the host's index of that ring" "${HV_CH[h2g_pos]}" "${G[in_write_index]}" || bad=1
	same "in_read_index = in_write_index" "${G[in_write_index]}" "${G[in_read_index]}" || bad=1
	same "out_read_bytes_avail" 0 "${G[out_read_bytes_avail]}" || bad=1
	same "in_read_bytes_avail" 0 "${G[in_read_bytes_avail]}" || bad=1
	same "read_avail" 0 "${G[read_avail]}" || bad=1
	same "out_write_bytes_avail" "$size" "${G[out_write_bytes_avail]}" || bad=1
	same "in_write_bytes_avail" "$size" "${G[in_write_bytes_avail]}" || bad=1
	same "write_avail" "$size" "${G[write_avail]}" || bad=1
	same "out_mask = the host's view of it" "${HV_CH[g2h_mask]}" "${G[out_mask]}" || bad=1
	same "in_mask = the host's view of it" "${HV_CH[h2g_mask]}" "${G[in_mask]}" || bad=1
	same "in_mask when idle" 0 "${G[in_mask]}" || bad=1
	same "the host's pending_send_sz when idle" 0 "${HV_CH[h2g_pending]}" || bad=1
	same "the guest's pending_send_sz when idle" 0 "${HV_CH[g2h_pending]}" || bad=1
	return $bad
}

# Signals and interrupts since snap, on both sides.
signals_agree() {
	local bad=0
	deltas
	same "events (guest signals) = the host's sig_in" "${DH[sig_in]}" "${DG[events]}" || bad=1
	same "events = intr_out_empty + intr_in_full" \
		"$((${DG[intr_out_empty]} + ${DG[intr_in_full]}))" "${DG[events]}" || bad=1
	same "interrupts = the host's events" "${DH[events]}" "${DG[interrupts]}" || bad=1
	same "the host's events = sig_out - irq_coalesced" \
		"$((${DH[sig_out]} - ${DH[irq_coalesced]}))" "${DH[events]}" || bad=1
	same "the host's sig_out + sig_suppressed = pkts_out + pending_wakeups" \
		"$((${DH[pkts_out]} + ${DH[pending_wakeups]}))" \
		"$((${DH[sig_out]} + ${DH[sig_suppressed]}))" || bad=1
	same "interrupts on CPU 0, the channel's CPU" "${HV_CH[events]}" "${HV_CH[events_cpu0]}" || bad=1
	same "events_off_target" 0 "${HV_CH[events_off_target]}" || bad=1
	return $bad
}

modprobe hv_hostsim
relid=$(hvsim offer echo)
check "hv_vmbus loads" modprobe hv_vmbus
inst=$(instance "$relid")
ch=$dev/$inst/channels/$relid
check "hv_echo_test binds the echo device, 8 KiB rings, batched reads" \
	modprobe hv_echo_test ring_kb=8
dir=$dbg/$inst
check "it opens the channel" wait_for test -w "$dir/control"
echo 20000 >$params/timeout_ms
read_sides
size=${HV_CH[send_ring]}
check_output "the host sees 8 KiB rings" "^8192 8192\$" echo "$size ${HV_CH[recv_ring]}"
base_in=0 base_pkts_in=0 base_out=0 base_pkts_out=0

# ---- a fresh channel --------------------------------------------------------
check_output "a fresh channel's indices are all 0" "^0 0 0 0\$" \
	echo "${G[out_read_index]} ${G[out_write_index]} ${G[in_read_index]} ${G[in_write_index]}"
check "its rings agree with the host" rings_agree "$size"
check_output "no signal, no interrupt, no full ring yet" "^0 0 0 0 0 0 0 0\$" \
	echo "${G[events]} ${G[interrupts]} ${G[intr_in_full]} ${G[intr_out_empty]}" \
	"${G[out_full_first]} ${G[out_full_total]} ${HV_CH[sig_in]} ${HV_CH[events]}"

# ---- 100 echoes of 1000 bytes, one at a time ---------------------------------
snap
check "100 echoes of 1000 bytes, one in flight" ctl echo 100 1000 1
deltas
check_output "the host read and wrote 100 packets of 1016 bytes" "^100 101600 100 101600\$" \
	echo "${DH[pkts_in]} ${DH[bytes_in]} ${DH[pkts_out]} ${DH[bytes_out]}"
check_output "both rings' indices are at 100 x 1024 mod 8192 = 4096" "^4096 4096 4096 4096\$" \
	echo "${G[out_read_index]} ${G[out_write_index]} ${G[in_read_index]} ${G[in_write_index]}"
check "the rings agree with the host" rings_agree "$size"
check "signals and interrupts agree with the host" signals_agree
# one packet in flight: the guest signals a packet unless the host has not
# yet published that it read the one before (the host publishes its read
# index once per batch, so the guest's ring can even fill), and the host
# never waits for room in its own ring
deltas
sent=${DG[intr_out_empty]}
check_output "the guest signalled at most its 100 packets, all for an empty ring ($sent)" \
	"^$sent 0 0 ok\$" echo "${DG[events]} ${DG[intr_in_full]} ${DH[host_ring_full]}" \
	"$([ "$sent" -ge 1 ] && [ "$sent" -le 100 ] && echo ok)"
check "full-ring counts agree with the echo test and the host" full_agrees
host_line=
for w in $HV_CH_LINE; do
	case $w in sig_* | events* | irq_* | pending* | host_ring*) host_line+="$w " ;; esac
done
diag "host: $host_line"

# ---- 2000 echoes, 16 in flight: the guest's ring fills --------------------------
snap
check "2000 echoes of 1500 bytes, 16 in flight" ctl echo 2000 1500 16
check "the rings agree with the host" rings_agree "$size"
check "signals and interrupts agree with the host" signals_agree
check "full-ring counts agree with the echo test and the host" full_agrees
deltas
check_output "the guest's ring did fill" "^[1-9]" echo "${DG[out_full_first]}"
check_output "the host did wake it for room" "^[1-9]" echo "${DH[pending_wakeups]}"

# ---- flow control: both rings full (direct reads) ------------------------------
check "hv_echo_test reloads with direct reads" sh -c \
	"rmmod hv_echo_test && modprobe hv_echo_test ring_kb=8 direct_read=1"
check "it opens the channel again" wait_for test -w "$dir/control"
echo 20000 >$params/timeout_ms
# a new ring: its indices start again from 0
read_sides
base_in=${HV_CH[bytes_in]} base_pkts_in=${HV_CH[pkts_in]}
base_out=${HV_CH[bytes_out]} base_pkts_out=${HV_CH[pkts_out]}
check_output "the reopened rings start at 0" "^0 0 0 0\$" \
	echo "${G[out_read_index]} ${G[out_write_index]} ${G[in_read_index]} ${G[in_write_index]}"
snap
check "the flow test: 400 echoes of 3000 bytes, the guest holding off reading" \
	ctl flow 400 3000 50
check "the rings agree with the host" rings_agree "$size"
check "signals and interrupts agree with the host" signals_agree
check "full-ring counts agree with the echo test and the host" full_agrees
deltas
check_output "the guest's ring did fill" "^[1-9]" echo "${DG[out_full_first]}"
waits=${DH[host_ring_full]}
room=${DG[intr_in_full]}
diag "host found its ring full $waits times; guest signalled room $room times"
check "the host found its ring full and the guest signalled room" test "$waits" -ge 1 -a "$room" -ge 1
check "the guest signalled room at most once each time the host waited" test "$room" -le "$waits"

check "rmmod hv_echo_test" rmmod hv_echo_test
read_sides
check_output "a closed channel shows zeros" "^0 0 0 0 0\$" \
	echo "${G[out_read_index]} ${G[in_write_index]} ${G[out_write_bytes_avail]} ${HV_CH[g2h_pos]} ${HV_CH[h2g_pos]}"
check "rmmod hv_vmbus" rmmod hv_vmbus
check "rmmod hv_hostsim" rmmod hv_hostsim
done_testing
