# SPDX-License-Identifier: GPL-2.0-only
# Moving channels between CPUs under traffic, through
# /sys/bus/vmbus/devices/<dev>/channels/<relid>/cpu (CHANNELMSG_MODIFYCHANNEL).
# The echo device with three sub-channels carries echo traffic on all four
# channels (hv_echo_test, verifying every packet) while the channels are
# moved between the two CPUs again and again; after each move the host's
# target VP of the relid is the CPU written, and the host delivers the
# channel's next interrupts on that CPU (its per-CPU counters). Then the
# traffic must have ended without error, lost or corrupted packet, and
# channel_vp_mapping, the cpu files and `hvsim channels` agree. Writing a
# CPU that does not exist, an offline CPU or garbage fails as in the in-tree
# driver (EINVAL, EINVAL, EIO) and changes nothing on either side. On a host
# capped at protocol 4.0 the write fails (EIO) and the host gets no
# MODIFYCHANNEL; capped at 5.2 the move works without the host's answer.
# Skipped where VMBus is built into the kernel, like vmbus-echo.
# binaries: kmod
# tools: hvsim
# timeout: 900
# cpus: 2
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "re-targeting channels under traffic" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
dbg=/sys/kernel/debug/hv_echo_test
params=/sys/module/hv_echo_test/parameters
st=/sys/kernel/debug/hv_hostsim/status
tmp=/tmp/retarget
mkdir -p $tmp

# one command to the echo device $dir; on failure the result goes to stderr
ctl() {
	echo "$*" >"$dir/control" && return 0
	cat "$dir/result" >&2 2>/dev/null
	return 1
}
# the value of KEY= in the host's line for RELID; of KEY in its status.
# The polls and per-move reads below use chan_of (the host's line, no
# process started) and read (the cpu files): under traffic each process
# cost the debug kernel 0.15 s, and the traffic runs as long as the moves.
host() { chan_of "$1" && echo "${HV_CH[$2]}"; }
host_status() { sed -n "s/^$1 //p" $st; }
# relids of the device's channels, as the guest shows them
relids() { ls "$dev/$inst/channels" | sort -n; }
chan() { echo "$dev/$inst/channels/$1"; }
# relids of the channels hv_echo_test has open
open_relids() { awk '$1 == "channel" { print $4 }' "$dir/info"; }
# the host delivered more than BEFORE interrupts of RELID on CPU
events_past() { chan_of "$1" && [ "${HV_CH[events_cpu$2]}" -gt "$3" ]; }
# the host's target VP of RELID is CPU
target_is() { chan_of "$1" && [ "${HV_CH[target_vp]}" = "$2" ]; }
# write VALUE to RELID's cpu file; prints the shell's error, if any
write_cpu() { sh -c "echo '$2' >$(chan "$1")/cpu" 2>&1; }

# Echo traffic of SIZE-byte packets on CHANNELS channels of $dir, round
# after round, until $tmp/stop appears; "RC ROUNDS" goes to $tmp/traffic,
# RC 0 if every round passed.
traffic_start() {
	rm -f $tmp/stop $tmp/traffic
	(
		rc=0 n=0
		while [ ! -e $tmp/stop ]; do
			ctl echo 400 "$1" 8 "$2" 2>$tmp/traffic.err || { rc=1; break; }
			n=$((n + 1))
		done
		echo "$rc $n" >$tmp/traffic
	) &
	traffic_pid=$!
}
traffic_stop() {
	touch $tmp/stop
	wait "$traffic_pid"
	read -r traffic_rc traffic_rounds <$tmp/traffic
}

# Move the device's channels, round-robin, to the other CPU MOVES times
# while the traffic runs; count what went wrong.
move_many() {
	local moves=$1 i=0 r cur new before mods got f shown
	local -a list
	mapfile -t list < <(open_relids)
	bad_write=0 bad_host=0 bad_sysfs=0 not_delivered=0 bad_modifies=0
	while [ $i -lt "$moves" ]; do
		if [ -e $tmp/traffic ]; then
			diag "the traffic ended after $i moves"
			bad_write=$((bad_write + 1))
			break
		fi
		r=${list[i % ${#list[@]}]}
		f=$dev/$inst/channels/$r/cpu
		read -r cur <"$f"
		new=$((1 - cur))
		chan_of "$r"
		before=${HV_CH[events_cpu$new]}
		mods=${HV_CH[modifies]}
		if ! echo "$new" >"$f"; then
			bad_write=$((bad_write + 1))
			diag "move $i: writing $new to relid $r's cpu failed"
		fi
		chan_of "$r"
		got=${HV_CH[target_vp]}
		if [ "$got" != "$new" ]; then
			bad_host=$((bad_host + 1))
			diag "move $i: relid $r: host target_vp $got, written $new"
		fi
		read -r shown <"$f"
		[ "$shown" = "$new" ] || bad_sysfs=$((bad_sysfs + 1))
		[ "${HV_CH[modifies]}" = $((mods + 1)) ] || bad_modifies=$((bad_modifies + 1))
		if ! wait_for events_past "$r" "$new" "$before"; then
			not_delivered=$((not_delivered + 1))
			diag "move $i: relid $r: no interrupt on CPU $new after the move (${HV_CH[events_cpu$new]} <= $before)"
		fi
		i=$((i + 1))
	done
}

# channel_vp_mapping, the cpu files and the host's target VPs agree
mapping_agrees() {
	local r cpu bad=0 lines=0 shown
	while IFS=: read -r r cpu; do
		lines=$((lines + 1))
		read -r shown <"$dev/$inst/channels/$r/cpu"
		if [ "$shown" != "$cpu" ]; then
			diag "relid $r: channel_vp_mapping $cpu, cpu file $shown"
			bad=1
		fi
		chan_of "$r"
		if [ "${HV_CH[target_vp]}" != "$cpu" ]; then
			diag "relid $r: channel_vp_mapping $cpu, host target_vp ${HV_CH[target_vp]}"
			bad=1
		fi
	done <"$dev/$inst/channel_vp_mapping"
	if [ $lines -ne "$(relids | wc -l)" ]; then
		diag "channel_vp_mapping has $lines lines"
		bad=1
	fi
	return $bad
}

# each channel as relid:cpu-file:host-target-vp
targets() {
	local r shown
	for r in $(relids); do
		read -r shown <"$dev/$inst/channels/$r/cpu"
		chan_of "$r"
		printf '%s:%s:%s ' "$r" "$shown" "${HV_CH[target_vp]}"
	done
}

# The echo device with SUBS sub-channels, on a host capped at VERSION;
# further arguments go to hv_echo_test.
bring_up() {
	local version=$1 subs=$2 want=$(($2 + 1))
	shift 2
	check "hv_hostsim loads with max_version=$version" modprobe hv_hostsim max_version="$version"
	relid=$(hvsim offer echo)
	check "hv_vmbus connects to it" modprobe hv_vmbus
	inst=$(instance "$relid")
	check "hv_echo_test binds the echo device" modprobe hv_echo_test ring_kb=8 "$@"
	dir=$dbg/$inst
	check "it opens the channel" wait_for test -w "$dir/control"
	# the driver opens sub-channels as they are offered (vmbus-echo does so too)
	check "the host adds $subs sub-channels" hvsim subchannels "$relid" "$subs"
	check "the driver opens them" wait_for sh -c "grep -q '^channels $want\$' $dir/info"
	echo 20000 >$params/timeout_ms
}
tear_down() {
	rmmod hv_echo_test && rmmod hv_vmbus && rmmod hv_hostsim
	ok $? "hv_echo_test, hv_vmbus and hv_hostsim unload"
}

# 24 then 12 moves (8 then 4 on the debug kernel, where KASAN and lockdep
# make each one slow): each channel moves both ways several times under
# traffic, in both read modes
moves1=24 moves2=12
[ "$HV_TARGET" = debug ] && moves1=8 moves2=4

check_output "the guest has two CPUs online" "^0-1\$" cat /sys/devices/system/cpu/online

# ---- protocol 6.0: moves under traffic, batched reads ------------------------
bring_up 6.0 3
check "every channel starts on CPU 0, host and guest alike" mapping_agrees
diag "relid:cpu:host_vp $(targets)"

traffic_start 700 4
check "traffic runs on the four channels" wait_for sh -c "grep -q '^status' $dir/result"
move_many $moves1
traffic_stop
ok "$bad_write" "$moves1 moves between CPU 0 and 1 under traffic: every write succeeded"
ok "$bad_host" "after each move the host's target VP is the CPU written"
ok "$bad_sysfs" "after each move the cpu file reads the CPU written"
ok "$bad_modifies" "each move is one MODIFYCHANNEL the host took"
ok "$not_delivered" "after each move the host delivers the channel's interrupts on the new CPU"
ok "$traffic_rc" "the traffic ended without error ($traffic_rounds rounds of 400 echoes x 4 channels)"
[ "$traffic_rc" = 0 ] || diag "traffic: $(tr '\n' ' ' <$tmp/traffic.err) $(tr '\n' ' ' <"$dir/result")"
check_output "no echo was lost, corrupted or late" "^errors 0\$" grep '^errors ' "$dir/stats"
check_output "... or stale" "^stale 0\$" grep '^stale ' "$dir/stats"
all_answered() {
	local r
	for r in $(relids); do
		chan_of "$r"
		[ "${HV_CH[pkts_in]}" = "${HV_CH[pkts_out]}" ] || {
			diag "relid $r: pkts_in ${HV_CH[pkts_in]} pkts_out ${HV_CH[pkts_out]}"
			return 1
		}
	done
}
check "the host answered every packet it read, on every channel" all_answered
check "channel_vp_mapping, the cpu files and the host agree" mapping_agrees
diag "relid:cpu:host_vp $(targets)"
chan_of "$relid"
host_line=
for w in $HV_CH_LINE; do
	case $w in events* | irq_coalesced=* | modifies*) host_line+="$w " ;; esac
done
diag "host, relid $relid: $host_line"

# ---- invalid writes ------------------------------------------------------------
r=$relid
echo 1 >"$(chan "$r")/cpu"
before_cpu=$(cat "$(chan "$r")/cpu")
before_mods=$(host_status modifies_received)
check_output "writing CPU 2 (there are two) fails with EINVAL" "Invalid argument" write_cpu "$r" 2
check_output "writing CPU 4096 fails with EINVAL" "Invalid argument" write_cpu "$r" 4096
check_output "writing 'abc' fails with EIO, as in the in-tree driver" "Input/output error" \
	write_cpu "$r" abc
check_output "writing '1x' fails with EIO" "Input/output error" write_cpu "$r" 1x
check_output "writing '-1' fails" "error" write_cpu "$r" -1
check_output "writing an empty line fails" "error" write_cpu "$r" ""
check_output "the cpu file is unchanged ($before_cpu)" "^$before_cpu\$" cat "$(chan "$r")/cpu"
check_output "the host's target VP is unchanged" "^$before_cpu\$" host "$r" target_vp
check_output "the host got no MODIFYCHANNEL for them" "^$before_mods\$" \
	host_status modifies_received
check "writing the CPU it is on succeeds" sh -c "echo $before_cpu >$(chan "$r")/cpu"
check_output "... and sends nothing" "^$before_mods\$" host_status modifies_received
check_output "the host refused nothing and saw no bad VP" "^0 0\$" \
	echo "$(host_status modifies_refused) $(host_status bad_target_vps)"

online=/sys/devices/system/cpu/cpu1/online
if [ -w $online ]; then
	for c in $(relids); do echo 0 >"$(chan "$c")/cpu"; done
	check_output "all channels back on CPU 0" "^$(relids | wc -l)\$" \
		sh -c "cat $dev/$inst/channels/*/cpu | grep -c '^0\$'"
	if check "CPU 1 goes offline" sh -c "echo 0 >$online"; then
		before_mods=$(host_status modifies_received)
		check_output "writing the offline CPU 1 fails with EINVAL" "Invalid argument" \
			write_cpu "$r" 1
		check_output "... and changes nothing" "^0 0 $before_mods\$" \
			echo "$(cat "$(chan "$r")/cpu") $(host "$r" target_vp) $(host_status modifies_received)"
		check "the channels carry traffic on one CPU" ctl echo 200 300 8 4
		check "CPU 1 comes back" sh -c "echo 1 >$online"
		check "a channel moves to it again" sh -c "echo 1 >$(chan "$r")/cpu"
		check_output "... on the host too" "^1\$" host "$r" target_vp
	fi
else
	skip "writing an offline CPU fails" "this kernel cannot take CPUs offline"
fi

# ---- protocol 6.0: moves under traffic, direct reads -----------------------
check "rmmod hv_echo_test" rmmod hv_echo_test
check "hv_echo_test loads again, reading in direct mode" \
	modprobe hv_echo_test ring_kb=8 direct_read=1
check "it opens the primary channel again" wait_for test -w "$dir/control"
echo 20000 >$params/timeout_ms
check_output "... on CPU 1, where it was moved before" "^1\$" cat "$(chan "$relid")/cpu"
check_output "... which the host took from OPENCHANNEL" "^1\$" host "$relid" target_vp
check_output "writing the cpu of a closed sub-channel fails with EIO" "Input/output error" \
	write_cpu $((relid + 1)) 1
# the driver opens only sub-channels offered while it is bound
check "the host adds three more sub-channels" hvsim subchannels "$relid" 3
check "the driver opens them" wait_for sh -c "grep -q '^channels 4\$' $dir/info"
check "channel_vp_mapping, the cpu files and the host agree" mapping_agrees
traffic_start 1500 4
check "traffic runs" wait_for sh -c "grep -q '^status' $dir/result"
move_many $moves2
traffic_stop
ok $((bad_write + bad_host + bad_sysfs + bad_modifies)) \
	"$moves2 more moves with direct reads: each written, taken by the host and shown"
ok "$not_delivered" "... each followed by interrupts on the new CPU"
ok "$traffic_rc" "the traffic ended without error ($traffic_rounds rounds)"
[ "$traffic_rc" = 0 ] || diag "traffic: $(tr '\n' ' ' <$tmp/traffic.err) $(tr '\n' ' ' <"$dir/result")"
check_output "no echo was lost or corrupted" "^errors 0\$" grep '^errors ' "$dir/stats"
check "the host answered every packet it read" all_answered
check "channel_vp_mapping, the cpu files and the host agree" mapping_agrees
tear_down

# ---- a host capped at 4.0: no MODIFYCHANNEL ----------------------------------
bring_up 4.0 1
r=$relid
check_output "writing a cpu fails with EIO before protocol 4.1" "Input/output error" write_cpu "$r" 1
check_output "the cpu file still says 0" "^0\$" cat "$(chan "$r")/cpu"
check_output "the host got no MODIFYCHANNEL" "^0\$" host_status modifies_received
check_output "its target VP is still 0" "^0\$" host "$r" target_vp
check "the channels carry traffic" ctl echo 300 500 8 2
check_output "... with every interrupt on CPU 0" "^0\$" host "$r" events_cpu1
tear_down

# ---- a host capped at 5.2: MODIFYCHANNEL without an answer -------------------
bring_up 5.2 1
r=$relid
check "writing CPU 1 succeeds on 5.2, where the host does not answer" \
	sh -c "echo 1 >$(chan "$r")/cpu"
check "the host takes the move" wait_for target_is "$r" 1
check_output "one MODIFYCHANNEL, no refusal" "^1 0\$" \
	echo "$(host_status modifies_received) $(host_status modifies_refused)"
before=$(host "$r" events_cpu1)
check "traffic after the move" ctl echo 300 500 8 2
check "its interrupts arrive on CPU 1" events_past "$r" 1 "$before"
check "channel_vp_mapping, the cpu files and the host agree" mapping_agrees
tear_down

check_output "no VMBus device is left" "^0\$" sh -c "ls /sys/bus/vmbus 2>/dev/null | wc -l"
done_testing
