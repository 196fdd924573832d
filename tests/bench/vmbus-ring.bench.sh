# SPDX-License-Identifier: GPL-2.0-only
# Ring buffer throughput: echoes through the host simulator's echo device
# (hv_echo_test's "bench" command, 64 KiB rings, 32 packets in flight) for a
# few packet sizes, on the primary channel and on four channels at once, in
# bytes/s and packets/s, beside a plain memcpy of the same bytes in the same
# VM and the ratio of the two. Not a pass/fail test beyond "it ran and
# printed numbers": each line is "ok" when the run printed its figures.
# There is no distro figure here: the distro's own VMBus core cannot run on
# the simulator, and the echo device exists only there.
# binaries: kmod
# tools: hvsim
# timeout: 300
# cpus: 2
. /lib/hv-test.sh

if [ "$HV_VMBUS_MODE" != module ]; then
	skip "VMBus ring throughput" "VMBus is built into this kernel"
	done_testing
	exit
fi

seconds=${HV_BENCH_SECONDS:-3}
dev=/sys/bus/vmbus/devices

# true once "$@" succeeds (within 20 s)
wait_for() {
	local n=0
	until "$@"; do
		[ $n -ge 200 ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
}
res() { sed -n "s/^$1 //p" "$dir/result"; }

modprobe hv_hostsim
relid=$(hvsim offer echo)
modprobe hv_vmbus
inst=$(hvsim list | awk -v r="$relid" '$1 == r { print $4 }')
wait_for test -d "$dev/$inst"
if ! check "hv_echo_test binds the echo device (relid $relid, 64 KiB rings)" \
	modprobe hv_echo_test ring_kb=64; then
	dmesg | grep -E 'hv_echo_test|hv_vmbus' | tail -8 | sed 's/^/#   /'
	done_testing
	exit
fi
dir=/sys/kernel/debug/hv_echo_test/$inst
wait_for test -w "$dir/control"
hvsim subchannels "$relid" 3 >/dev/null
wait_for sh -c "grep -q '^channels 4\$' $dir/info"

# bench SIZE CHANNELS: one TAP line with the figures
bench() {
	local size=$1 chans=$2 what
	what="echo of $size-byte packets over $chans channel(s), ${seconds}s"
	if ! echo "bench $size ${seconds}s 32 $chans" >"$dir/control" 2>/dev/null; then
		ok 1 "$what"
		sed 's/^/#   /' "$dir/result"
		return
	fi
	if [ -z "$(res bytes_per_s)" ] || [ -z "$(res ratio)" ]; then
		ok 1 "$what: no figures"
		sed 's/^/#   /' "$dir/result"
		return
	fi
	ok 0 "$what: $(res bytes_per_s) bytes/s, $(res packets_per_s) packets/s; memcpy $(res memcpy_bytes_per_s) bytes/s; ratio $(res ratio)"
	diag "packet_size=$size channels=$chans bytes_per_s=$(res bytes_per_s)" \
		"packets_per_s=$(res packets_per_s) memcpy_bytes_per_s=$(res memcpy_bytes_per_s)" \
		"ratio=$(res ratio) ring_full=$(res ring_full) host_waits=$(res host_waits)"
}

for size in 64 1024 4000; do
	bench $size 1
done
bench 1024 4
bench 4000 4

rmmod hv_echo_test
rmmod hv_vmbus
rmmod hv_hostsim
done_testing
