# SPDX-License-Identifier: GPL-2.0-only
# Monitored notification. The host offers an echo device as monitored
# (hvsim offer --monitored: monitor_allocated, a monitor id) and another
# one as not; hv_echo_test drives traffic on both. The guest must signal the
# monitored channels (the primary and its sub-channels) through the client
# monitor page, which the host polls, and never by hypercall; with
# hv_echo_test's low_latency=1 the reverse; the unmonitored device always by
# hypercall. The host's counters (hvsim channels: sig_in for hypercalls,
# sig_monitor for monitor-page signals) and the guest's own (channels/N/
# events counts hypercalls) must agree. sysfs shows the monitor page
# entries the host wrote (client_/server_monitor_latency and _conn_id, the
# per-channel latency) and hides every monitor attribute, monitor_id
# included, on the unmonitored device. The host polls only while a
# monitored channel is open. Where VMBus is built into the kernel it is
# skipped, like vmbus-echo.
# binaries: kmod
# tools: hvsim
# timeout: 600
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "monitored notification with the echo device" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
dbg=/sys/kernel/debug/hv_echo_test
params=/sys/module/hv_echo_test/parameters

# a key of the host's status; a key=value word of the host's line for
# relid $1: read with hv_status and chan_of, which start no process (each
# hvsim|tr|sed cost the debug kernel about 0.3 s)
host() { hv_status && echo "${HV_ST[$1]}"; }
host_is() { hv_status && [ "${HV_ST[$1]}" = "$2" ]; }
chan() { chan_of "$1" && echo "${HV_CH[$2]}"; }
# one command to the echo device of instance $1
ctl() {
	local d=$dbg/$1
	shift
	echo "$*" >"$d/control" && return 0
	cat "$d/result" >&2 2>/dev/null
	return 1
}
info() { sed -n "s/^$2 //p" "$dbg/$1/info"; }
# relids of the channels of instance $1, as the echo driver opened them
relids() { awk '$1 == "channel" { print $4 }' "$dbg/$1/info"; }
# "sig_in sig_monitor" of relid $1, from the host
sigs() { chan_of "$1" && echo "${HV_CH[sig_in]} ${HV_CH[sig_monitor]}"; }
# the guest's hypercall count (channels/N/events) of relid $2 of instance $1
events() {
	local v
	read -r v <"$dev/$1/channels/$2/events" && echo "$v"
}
# sum of a host counter over the channels of instance $1
sum_chan() {
	local r t=0
	for r in $(relids "$1"); do
		chan_of "$r" || return 1
		t=$((t + ${HV_CH[$2]}))
	done
	echo $t
}
sum_events() {
	local r t=0 v
	for r in $(relids "$1"); do
		read -r v <"$dev/$1/channels/$r/events" || return 1
		t=$((t + v))
	done
	echo $t
}

modprobe hv_hostsim
m=$(hvsim offer --monitored echo)
p=$(hvsim offer echo)
check "the host offers a monitored echo device (relid $m) and an unmonitored one ($p)" \
	test -n "$m" -a -n "$p"
# no driver binds these: only their sysfs is looked at
n1=$(hvsim offer network)
n2=$(hvsim offer --unmonitored network)
check "hvsim --help documents --monitored" sh -c "hvsim --help | grep -q -- '--monitored offers the device'"
check_output "hvsim offer rejects an unknown option" "usage: hvsim offer" sh -c "hvsim offer --fast echo 2>&1"
check "hv_vmbus loads and connects" modprobe hv_vmbus
check_output "the host accepted the guest's monitor pages" "^1 0\$" \
	echo "$(host monitor_pages) $(host contacts_refused)"
mi=$(instance "$m")
pi=$(instance "$p")
check "both devices appear on the bus" wait_for test -d "$dev/$mi" -a -d "$dev/$pi"
n1i=$(instance "$n1")
n2i=$(instance "$n2")
check "a network device is monitored by default (it has monitor_id)" \
	wait_for test -r "$dev/$n1i/monitor_id"
check "one offered --unmonitored is not (no monitor_id, no client_monitor_latency)" \
	sh -c "test -d $dev/$n2i && test ! -e $dev/$n2i/monitor_id && test ! -e $dev/$n2i/client_monitor_latency"
check_output "the default network device shows the host's latency" "^10000\$" \
	cat "$dev/$n1i/client_monitor_latency"
check_output "the host does not poll before a monitored channel opens" "^0\$" host monitor_polling

# ---- sysfs: what the host wrote into the monitor pages ----------------------
latency=$(host monitor_latency)
check_output "the host's latency is its poll period in 100 ns units" "^10000 1000\$" \
	echo "$latency $(host monitor_period_us)"
for f in monitor_id client_monitor_pending server_monitor_pending client_monitor_latency \
	server_monitor_latency client_monitor_conn_id server_monitor_conn_id; do
	check "the monitored device has $f" test -r "$dev/$mi/$f"
	check "the unmonitored device has no $f" test ! -e "$dev/$pi/$f"
done

if ! check "hv_echo_test loads" modprobe hv_echo_test ring_kb=8; then
	dmesg | grep -E 'hv_echo_test|hv_vmbus' | tail -8 | sed 's/^/#   /'
	done_testing
	exit
fi
check "it binds both devices" wait_for test -w "$dbg/$mi/control" -a -w "$dbg/$pi/control"
echo 20000 >$params/timeout_ms
check_output "its channels are not in low-latency mode" "^0 0\$" \
	echo "$(info "$mi" low_latency) $(info "$pi" low_latency)"
check_output "monitor_id is the host's monitor id" "^$(chan "$m" monitor)\$" \
	cat "$dev/$mi/monitor_id"
check_output "the unmonitored channel has no monitor id at the host" "^none\$" chan "$p" monitor
conn=$(chan "$m" conn_id)
check_output "client_monitor_conn_id is the connection id the host wrote ($conn)" \
	"^$conn\$" cat "$dev/$mi/client_monitor_conn_id"
check_output "server_monitor_conn_id too" "^$conn\$" cat "$dev/$mi/server_monitor_conn_id"
check_output "client_monitor_latency is the host's latency ($latency)" "^$latency\$" \
	cat "$dev/$mi/client_monitor_latency"
check_output "server_monitor_latency too" "^$latency\$" cat "$dev/$mi/server_monitor_latency"
check_output "the pending words read as numbers" "^[0-9]+ [0-9]+\$" \
	echo "$(cat "$dev/$mi/client_monitor_pending") $(cat "$dev/$mi/server_monitor_pending")"
check_output "channels/$m/ has the client page's latency" "^$latency\$" \
	cat "$dev/$mi/channels/$m/latency"
check_output "... monitor_id and pending" "^$(cat "$dev/$mi/monitor_id") [0-9]+\$" \
	echo "$(cat "$dev/$mi/channels/$m/monitor_id") $(cat "$dev/$mi/channels/$m/pending")"
check_output "channels/$p/ has none of monitor_id, pending, latency" "^0\$" \
	sh -c "ls $dev/$pi/channels/$p | grep -c -E '^(monitor_id|pending|latency)\$'"
check_output "the host polls while the monitored channel is open" "^1\$" host monitor_polling

# ---- traffic: the monitor page for the monitored device ---------------------
check "500 echoes on the monitored device" ctl "$mi" echo 500 1000 8
check "200 GPA-direct packets on it" ctl "$mi" mpb 200 3000 4
check_output "the host served it through the monitor page only (sig_in sig_monitor)" \
	"^0 [1-9][0-9]*\$" sigs "$m"
check_output "the guest made no hypercall for it (channels/$m/events)" "^0\$" events "$mi" "$m"
check "500 echoes on the unmonitored device" ctl "$pi" echo 500 1000 8
check_output "the host served it by hypercall only (sig_in sig_monitor)" "^[1-9][0-9]* 0\$" \
	sigs "$p"
check_output "the guest counted its hypercalls" "^[1-9]" events "$pi" "$p"
check "traffic on both at once" sh -c "{ echo 'echo 1000 500 8' >$dbg/$mi/control & \
echo 'echo 1000 500 8' >$dbg/$pi/control; wait \$!; } && \
grep -q '^status ok' $dbg/$mi/result && grep -q '^status ok' $dbg/$pi/result"
check_output "still no hypercall on the monitored one, no monitor signal on the other" \
	"^0 0\$" echo "$(chan "$m" sig_in) $(chan "$p" sig_monitor)"

check "the host adds two sub-channels to the monitored device" hvsim subchannels "$m" 2
check "the driver opens them" wait_for sh -c "grep -q '^channels 3\$' $dbg/$mi/info"
check "2000 echoes over the three monitored channels" ctl "$mi" echo 2000 700 8 3
subs=$(relids "$mi" | tail -n +2)
for r in $subs; do
	check_output "sub-channel $r is monitored, with a monitor id of its own" \
		"^[0-9]+ [0-9]+\$" echo "$(chan "$r" monitor) $(cat "$dev/$mi/channels/$r/monitor_id")"
	check_output "sub-channel $r was served through the monitor page only" \
		"^0 [1-9][0-9]*\$" sigs "$r"
done
check_output "the monitor ids are distinct" "^3\$" \
	sh -c "cat $dev/$mi/channels/*/monitor_id | sort -u | wc -l"
check_output "no pending bit of a monitor id not in use reached the host" "^0\$" \
	host monitor_signals_invalid

check "rmmod hv_echo_test" rmmod hv_echo_test
check "the host stops polling once no monitored channel is open" \
	wait_for host_is monitor_polling 0
polls=$(host monitor_polls)
sleep 0.5
check_output "no poll since" "^$polls\$" host monitor_polls

# ---- low-latency mode: hypercalls for the monitored device too --------------
check "hv_echo_test loads with low_latency=1" modprobe hv_echo_test ring_kb=8 low_latency=1
check "it binds both devices again" wait_for test -w "$dbg/$mi/control" -a -w "$dbg/$pi/control"
# (a driver that binds again gets no callback for the sub-channels it had)
check "the host adds two more sub-channels" hvsim subchannels "$m" 2
check "the driver opens them" wait_for sh -c "grep -q '^channels 3\$' $dbg/$mi/info"
echo 20000 >$params/timeout_ms
check_output "its channels are in low-latency mode" "^1\$" info "$mi" low_latency
before_in=$(sum_chan "$mi" sig_in)
before_mon=$(sum_chan "$mi" sig_monitor)
check "2000 echoes over the three monitored channels, low latency" ctl "$mi" echo 2000 700 8 3
check "GPA-direct packets, low latency" ctl "$mi" mpb 200 3000 4
check_output "the host got hypercalls for them now, no monitor-page signal" \
	"^[1-9][0-9]* 0\$" \
	echo "$(($(sum_chan "$mi" sig_in) - before_in)) $(($(sum_chan "$mi" sig_monitor) - before_mon))"
check_output "the guest counted those hypercalls" "^[1-9]" sum_events "$mi"
check "the unmonitored device works in low-latency mode too" ctl "$pi" echo 300 64 4
check_output "... by hypercall" "^[1-9][0-9]* 0\$" sigs "$p"

check "rmmod hv_echo_test" rmmod hv_echo_test
check "rmmod hv_vmbus" rmmod hv_vmbus
check_output "the host let go of the monitor pages and polls no more" "^0 0\$" \
	echo "$(host monitor_pages) $(host monitor_polling)"
check_output "no pending bit of a monitor id not in use, ever" "^0\$" \
	host monitor_signals_invalid
check "rmmod hv_hostsim" rmmod hv_hostsim
done_testing
