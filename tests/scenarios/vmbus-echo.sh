# SPDX-License-Identifier: GPL-2.0-only
# The VMBus data path against the host simulator's echo device, driven by
# the test driver hv_echo_test (tests/echo), which uses only the public
# client API of <linux/hyperv.h>: in-band packets of 1 byte up to the
# largest an 8 KiB ring carries, with the rings wrapping and filling (both
# sides' flow control), the primary and four sub-channels at once,
# GPA-direct packets (vmbus_sendpacket_mpb_desc), the vmbus_recvpacket and
# vmbus_recvpacket_raw readers, a short benchmark; host faults (a dropped,
# corrupted or delayed packet, a rescind in the middle of traffic) must end
# the test with an error, never a hang or a crash; unload and reload right
# after traffic. Where VMBus is built into the kernel it is skipped, like
# vmbus-offers.
# binaries: kmod
# tools: hvsim
# timeout: 900
# cpus: 2
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "the VMBus data path with the echo device" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
dbg=/sys/kernel/debug/hv_echo_test
params=/sys/module/hv_echo_test/parameters

# one command to the echo device $dir; on failure the result goes to stderr
ctl() {
	echo "$*" >"$dir/control" && return 0
	cat "$dir/result" >&2 2>/dev/null
	return 1
}
# a value of the info file, of the stats file
info() { sed -n "s/^$1 //p" "$dir/info"; }
stat_of() { sed -n "s/^$1 //p" "$dir/stats"; }
# channels of the device ($dir) that carried traffic
busy_channels() { awk '$1 == "channel" && $6 > 0' "$dir/stats" | wc -l; }
# for check_output: the last result on one line
result() { tr '\n' ' ' <"$dir/result"; }

modprobe hv_hostsim
relid=$(hvsim offer echo)
check "the host offers an echo device (relid $relid)" test -n "$relid"
check "hv_vmbus loads and connects" modprobe hv_vmbus
inst=$(instance "$relid")
check "the echo device appears on the bus" wait_for test -d "$dev/$inst"

# ---- 8 KiB rings, batched reads -------------------------------------------
if ! check "hv_echo_test loads with 8 KiB rings" modprobe hv_echo_test ring_kb=8; then
	# e.g. "disagrees about version of symbol": our hv_vmbus breaks Rule 1
	dmesg | grep -E 'hv_echo_test|hv_vmbus' | tail -8 | sed 's/^/#   /'
	done_testing
	exit
fi
dir=$dbg/$inst
check "it binds the device and opens its channel" wait_for test -w "$dir/control"
check_output "the device's driver is hv_echo_test" "/hv_echo_test\$" \
	readlink "$dev/$inst/driver"
max=$(info max_payload)
check_output "an 8 KiB ring carries payloads of up to 8160 bytes" "^8160\$" echo "$max"
# under TCG a busy host can be slow to answer: allow 20 s a packet here
echo 20000 >$params/timeout_ms

for size in 1 7 8 9 100 1000 2989 4096; do
	check "200 echoes of $size bytes, 8 in flight" ctl echo 200 $size 8
done
check "50 echoes of the largest payload ($max bytes), one at a time" ctl echo 50 "$max" 1
check "50 echoes of the largest payload, 4 in flight" ctl echo 50 "$max" 4
check_fails "a payload of $((max + 1)) bytes is refused by the test" ctl echo 1 $((max + 1))
check_output "... which says why" "largest payload" result
check "vmbus_sendpacket refuses a payload one byte over the largest" ctl oversize
check "and the channel carries the largest payload after that" ctl echo 10 "$max" 2

check "3000 echoes of 1000 bytes wrap an 8 KiB ring" ctl echo 3000 1000 8
check_output "the guest-to-host ring wrapped" "^tx_wraps [1-9]" cat "$dir/result"
check_output "the host-to-guest ring wrapped" "^rx_wraps [1-9]" cat "$dir/result"
check "1000 echoes of 3000 bytes, 16 in flight, fill the rings" ctl echo 1000 3000 16
check_output "vmbus_sendpacket found the ring full (and the test waited for room)" \
	"^ring_full [1-9]" cat "$dir/result"
check "odd sizes that do not divide the ring: 2000 echoes of 1237 bytes, 12 in flight" \
	ctl echo 2000 1237 12

# ---- sub-channels -----------------------------------------------------------
check "the host adds four sub-channels" hvsim subchannels "$relid" 4
check "the driver opens them" wait_for sh -c "grep -q '^channels 5\$' $dir/info"
check_output "info lists five channels" "^5\$" info channels
check "4000 echoes over the primary and four sub-channels at once" ctl echo 4000 700 8 5
check_output "all five channels carried traffic" "^5\$" busy_channels
check "5000 echoes of 2989 bytes over five channels with full rings" ctl echo 5000 2989 16 5

# ---- GPA-direct packets, the other readers ---------------------------------
check "200 GPA-direct packets of 5000 bytes (2 to 3 pages at an offset)" ctl mpb 200 5000
check "GPA-direct packets of 1 byte" ctl mpb 50 1
check "GPA-direct packets of the largest payload" ctl mpb 20 "$max" 2
check "GPA-direct packets over five channels" ctl mpb 500 3000 4 5
check "echoes read with vmbus_recvpacket" ctl recvpacket 1000 777 8
check "echoes read with vmbus_recvpacket_raw" ctl recvraw 1000 777 8
check "vmbus_recvpacket_raw over five channels, full rings" ctl recvraw 2000 3001 16 5

check "a one-second benchmark of 1024-byte echoes" ctl bench 1024 1s
diag "bench: $(grep -E '^(packets_per_s|bytes_per_s|memcpy_bytes_per_s|ratio) ' "$dir/result" |
	tr '\n' ' ')"
check_output "it reports bytes/s, packets/s and the ratio to memcpy" \
	"bytes_per_s [1-9].*ratio [0-9]+\\.[0-9]+" result

check_output "no echo failed verification so far" "^0\$" stat_of errors
diag "stats: $(head -12 "$dir/stats" | tr '\n' ' ')"

# ---- host faults -------------------------------------------------------------
echo 2000 >$params/timeout_ms
check "the host delays each packet by 100 ms" hvsim fault "$relid" delay 100
check "a slow host is not an error (5 echoes, 2 s timeout)" ctl echo 5 64 1
check "the host delays each packet by 3 s" hvsim fault "$relid" delay 3000
check_fails "a host slower than the timeout fails the test" ctl echo 2 64 1
check_output "... with a timeout" "^error .*timed out" cat "$dir/result"
check "the host stops delaying" hvsim fault "$relid" delay 0
# the delayed echoes arrive late, and are counted as stale, not as errors
check "the next test passes" ctl echo 20 64 4

check "the host drops the next packet" hvsim fault "$relid" drop 1
check_fails "a dropped packet fails the test (one in flight)" ctl echo 10 64 1
check_output "... with a timeout" "^error .*timed out after 2000 ms waiting for the echo" \
	cat "$dir/result"
check "the host drops the next packet again" hvsim fault "$relid" drop 1
check_fails "a dropped packet fails the test (8 in flight)" ctl echo 50 64 8
check_output "... which saw the loss" "^error .*(lost|timed out)" cat "$dir/result"
check "the channel works after the faults" ctl echo 100 64 8

# ---- unload right after traffic, reload with direct reads ------------------
echo 20000 >$params/timeout_ms
ctl echo 2000 512 16 5 >/dev/null 2>&1
check "rmmod hv_echo_test right after traffic" rmmod hv_echo_test
check "its debugfs directory is gone" wait_for sh -c "! test -d $dbg"
check "the device stays on the bus, unbound" test ! -e "$dev/$inst/driver"
check "hv_echo_test loads again, reading in direct mode" \
	modprobe hv_echo_test ring_kb=8 direct_read=1
check "it binds the device again" wait_for test -w "$dir/control"
echo 20000 >$params/timeout_ms
check_output "reads are direct" "^direct\$" info read_mode
check "echoes after the reload" ctl echo 500 1000 8
check "the host adds two more sub-channels" hvsim subchannels "$relid" 2
check "the driver opens them" wait_for sh -c "grep -q '^channels 3\$' $dir/info"
check "echoes over three channels, direct reads" ctl echo 3000 1500 16 3
check "the flow test: both rings full, the guest and the host wait for room" \
	ctl flow 400 3000 50
check_output "the guest found its ring full" "^ring_full [1-9]" cat "$dir/result"
check_output "the host waited for room (pending_send_sz)" "^host_waits [1-9]" \
	cat "$dir/result"
check "the flow test with small packets" ctl flow 3000 100 20
check "vmbus_recvpacket in direct mode" ctl recvpacket 500 64 8 3

# ---- a rescind in the middle of traffic -------------------------------------
relid2=$(hvsim offer echo)
inst2=$(instance "$relid2")
dir2=$dbg/$inst2
check "a second echo device binds at once (relid $relid2)" wait_for test -w "$dir2/control"
check "with three sub-channels" hvsim subchannels "$relid2" 3
check "opened" wait_for sh -c "grep -q '^channels 4\$' $dir2/info"
check "the host will rescind it after 300 more answers" hvsim fault "$relid2" rescind-after 300
# shellcheck disable=SC2116
out=$(echo "echo 1000000 512 8 4" 2>&1 >"$dir2/control")
rc=$?
ok $((rc == 0)) "a rescind during traffic ends the test with an error"
diag "write: $out"
check_output "... namely ENODEV" "No such device" echo "$out"
check "the rescinded device disappears from the bus" wait_for sh -c "! test -e $dev/$inst2"
check "and its debugfs directory" wait_for sh -c "! test -e $dir2"
check_output "the kernel log says why the test failed" \
	"test echo failed: .*(rescinded|removed)" sh -c "dmesg | grep hv_echo_test"
check "the first device still works" ctl echo 200 256 8 3

# ---- a corrupted answer -------------------------------------------------------
echo 2000 >$params/timeout_ms
check "the host corrupts its next answer" hvsim fault "$relid" corrupt 1
check_fails "a corrupted echo fails the test" ctl echo 20 64 4
check_output "... with an error" "^status error" cat "$dir/result"
diag "corrupt: $(grep '^error' "$dir/result")"

check "rmmod hv_echo_test" rmmod hv_echo_test
check "rmmod hv_vmbus" rmmod hv_vmbus
check_output "no VMBus device is left" "^0\$" sh -c "ls /sys/bus/vmbus 2>/dev/null | wc -l"
check "rmmod hv_hostsim" rmmod hv_hostsim
done_testing
