# SPDX-License-Identifier: GPL-2.0-only
# Hyper-V sockets: the distro's hv_sock (AF_VSOCK over VMBus) on our
# hv_vmbus against the host simulator's hvsock services, driven through
# plain AF_VSOCK sockets by hvsock-test (tests/hvsock). Connections to the
# echo service carry 1 byte, a few KiB and 1 MiB byte-exact (checksums),
# several at once; shutdown gives EOF on both sides; the host rescinds each
# channel after both EOFs and it leaves sysfs and the host's relid table; a
# connect to an unknown service times out and leaves nothing; the host
# connects to a listening guest socket; the host administrator rescinds a
# channel during traffic and the guest sees the connection break, no hang;
# everything unloads. Where VMBus is built into the kernel it is skipped,
# like vmbus-echo.
# binaries: kmod
# modules: hv_sock
# tools: hvsim hvsock-test
# timeout: 600
# cpus: 2
. /lib/hv-test.sh

if [ "$HV_VMBUS_MODE" != module ]; then
	skip "Hyper-V sockets with the distro's hv_sock" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
echo_port=7

# hvsock lines of the host's device table, of the guest's bus
host_hvsock_devs() { hvsim list | awk '$2 == "hvsock"' | wc -l; }
guest_devs() { ls "$dev" | wc -l; }
# polled: the host's device table (what hvsim list prints) and the bus read
# with no process started (an hvsim, awk, ls and two wc per try cost the
# debug kernel about a second)
no_hvsock_left() {
	local line d
	hv_lines /sys/kernel/debug/hv_hostsim/control || return 1
	for line in "${HV_LINES[@]}"; do
		case $line in [0-9]*" hvsock "*) return 1 ;; esac
	done
	for d in "$dev"/*; do [ -e "$d" ] && return 1; done
	return 0
}
# a value of hvsim status (hv_status)
status_of() { hv_status && echo "${HV_ST[$1]}"; }
# the host's record of connection $1 (hvsim hvsock list)
conn_line() { hvsim hvsock list | grep "^id=$1 "; }
last_conn_id() { hvsim hvsock list | tail -1 | sed 's/^id=\([0-9]*\) .*/\1/'; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

modprobe hv_hostsim
check "hv_vmbus loads and connects" modprobe hv_vmbus
check_output "the host and the guest agree on VMBus 4.0 or newer (hv_sock needs it)" \
	"^version ([4-9]|[1-9][0-9])\\." sh -c "hvsim status | grep ^version"
if ! check "the distro's hv_sock loads on our hv_vmbus" modprobe hv_sock; then
	dmesg | tail -8 | sed 's/^/#   /'
	done_testing
	exit
fi
check "hv_sock holds our hv_vmbus" test -e /sys/module/hv_vmbus/holders/hv_sock
check_output "the host offers an echo service on vsock port $echo_port" \
	"^echo $echo_port 00000007-facb-11e6-bd58-64006a7986d3\$" hvsim hvsock services
check_output "no VMBus device before the first connection" "^0\$" guest_devs

# ---- the echo service ---------------------------------------------------------
check_output "1 byte, echoed byte-exact, EOF after shutdown" "^ok: 1 connection" \
	hvsock-test echo -t 60 $echo_port 1
check_output "5000 bytes" "^ok: 1 connection" hvsock-test echo -t 60 $echo_port 5000
out=$(hvsock-test echo -t 180 $echo_port 1048576 2>&1)
check_output "1 MiB, checked byte for byte and by checksum" \
	"^connection 0: 1048576 bytes sent and echoed byte-exact, fnv1a [0-9a-f]{16}, EOF after shutdown" \
	echo "$out"
diag "$(echo "$out" | tail -1)"
id=$(last_conn_id)
line=$(conn_line "$id")
check_output "the host counted 1 MiB each way on that connection" \
	"bytes_in=1048576 .*bytes_out=1048576 " echo "$line"
check_output "... got the guest's EOF, sent its own, rescinded after both" \
	"fin_in=1 fin_out=1 .*end=both-eof" echo "$line"
out=$(hvsock-test echo -n 4 -t 180 $echo_port 65536 2>&1)
check_output "4 connections at once, 64 KiB each" "^ok: 4 connection" echo "$out"
check_output "... each echoed byte-exact" "^4\$" sh -c "echo '$out' | grep -c 'echoed byte-exact'"
check "every hvsock channel is gone from sysfs and from the host's table" wait_for no_hvsock_left
check_output "the host offered 7 connections and all ended after both EOFs" "^7\$" \
	sh -c "hvsim hvsock list | grep -c 'state=closed .*end=both-eof'"
check_output "the guest released every rescinded relid" \
	"^$(status_of rescinds_sent)\$" status_of relids_released
check_output "no hvsock channel is open on the host" "^channels_open 0\$" \
	sh -c "hvsim status | grep ^channels_open"

# ---- while a connection is up ----------------------------------------------
hvsock-test stream -t 60 $echo_port >/tmp/stream.out 2>&1 &
stream_pid=$!
check "a streaming connection is up" wait_for grep -q connected /tmp/stream.out
relid=$(hvsim list | awk '$2 == "hvsock" { print $1 }')
check_output "hvsim list shows its channel: class hvsock, the service id as class" \
	"^[0-9]+ hvsock 00000007-facb-11e6-bd58-64006a7986d3 [0-9a-f-]+-facb-11e6-bd58-64006a7986d3 0 offered\$" \
	sh -c "hvsim list | grep hvsock"
inst=$(hvsim list | awk '$2 == "hvsock" { print $4 }')
check_output "hvsim channels shows it open" "class=hvsock open=1 " hvsim channels "$relid"
check_output "the guest's bus has the device, named by the endpoint id" \
	"^\\{00000007-facb-11e6-bd58-64006a7986d3\\}\$" cat "$dev/$inst/class_id"
check_output "bound to hv_sock" "/hv_sock\$" readlink "$dev/$inst/driver"
check_output "the host refuses sub-channels on it" "no sub-channels" \
	hvsim subchannels "$relid" 1
check "traffic flows" wait_for sh -c \
	"hvsim hvsock list | tail -1 | grep -q 'bytes_in=[0-9]\\{6,\\}'"

# ---- the host administrator rescinds it during traffic ----------------------
check "hvsim rescind $relid during traffic" hvsim rescind "$relid"
check "the guest's stream ends (no hang)" wait_for sh -c "! kill -0 $stream_pid 2>/dev/null"
wait $stream_pid
ok $? "... reporting the broken connection, not a timeout"
check_output "... as an error or EOF" "the connection broke: (EOF|send|recv)" cat /tmp/stream.out
diag "$(cat /tmp/stream.out | tail -1)"
check_output "the host's record says the administrator rescinded it" \
	"state=(closing|closed) .*end=rescinded" sh -c "hvsim hvsock list | tail -1"
check "the channel leaves sysfs and the relid is released" wait_for no_hvsock_left

# ---- an unknown service --------------------------------------------------------
unknown=$(status_of hvsock_unknown_service)
# vsock's default connect timeout is 2 s
check_output "connect to an unknown service (port 4242) times out (ETIMEDOUT) within 5 s" \
	"failed after [0-9]+ ms: Connection timed out \\(ETIMEDOUT\\)" \
	hvsock-test connect-fails -t 5 4242 ETIMEDOUT
check_output "the host counted it" "^$((unknown + 1))\$" status_of hvsock_unknown_service
check_output "and offered nothing" "^0\$" guest_devs
check_output "nothing is left in the host's table" "^0\$" host_hvsock_devs

# ---- the host connects to a listening guest socket ------------------------------
hvsock-test listen -t 60 5000 >/tmp/listen.out 2>&1 &
listen_pid=$!
check "a guest socket listens on port 5000" wait_for grep -q listening /tmp/listen.out
out=$(hvsim hvsock connect -t 60 5000 hello-from-the-host 2>&1)
check_output "hvsim hvsock connect 5000 prints the guest's answer" \
	"^echo:hello-from-the-host\$" echo "$out"
wait $listen_pid
ok $? "the guest's listener accepted, read, answered and closed"
id=$(last_conn_id)
check_output "it saw the host as its peer: CID 2, the connection's id as port" \
	"accepted a connection from cid 2 port $id\$" cat /tmp/listen.out
check_output "it read the host's data, then the host's EOF" \
	"received 19 bytes, then EOF: hello-from-the-host\$" cat /tmp/listen.out
check_output "the host's record: from the host, both EOFs" \
	"service=client dir=host .*fin_in=1 fin_out=1 .*end=both-eof" conn_line "$id"
check "the channel leaves sysfs and the relid is released" wait_for no_hvsock_left
timeouts=$(status_of hvsock_open_timeouts)
out=$(hvsim hvsock connect -t 30 5001 nobody-listens 2>&1)
rc=$?
ok $((rc == 0)) "a host connect to a port nobody listens on fails"
check_output "... because the guest did not accept it" "did not accept" echo "$out"
check_output "the host rescinded the unopened offer after its open timeout" \
	"^$((timeouts + 1))\$" status_of hvsock_open_timeouts
check "... and the guest let the device and the relid go" wait_for no_hvsock_left

# ---- nothing broke on either side ---------------------------------------------
check_output "no bad packet from hv_sock" "^0\$" status_of hvsock_bad_pkts
check_output "no broken ring" "^0\$" status_of rings_broken
check_output "no refused request" "^0\$" status_of hvsock_requests_refused
check "an echo still works at the end" hvsock-test echo -n 2 -t 60 $echo_port 10000
check "and leaves nothing behind" wait_for no_hvsock_left
check "hv_sock unloads" rmmod hv_sock
check "hv_vmbus unloads after it" rmmod hv_vmbus
check_output "no VMBus device is left" "^0\$" sh -c "ls /sys/bus/vmbus 2>/dev/null | wc -l"
check "hv_hostsim unloads" rmmod hv_hostsim
done_testing
