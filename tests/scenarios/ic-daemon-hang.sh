# SPDX-License-Identifier: GPL-2.0-only
# A daemon that has READ the host's request and then hangs before answering
# (stuck in FIFREEZE, in a write to a slow disk, in the pool file's write):
# strace attached to the running daemon delays one chosen system call by
# STALL seconds (`-e inject=SYSCALL:delay_enter|delay_exit=...:when=N`),
# so the hang sits exactly between the read and the answer, on every
# kernel, without any hook in the daemons. Through OUR hv_utils
# (daemon_timeout_ms=1000, vss_freeze_timeout_ms=1000, fcopy=chardev),
# with our daemons and Debian's (a hung daemon is the kernel's business
# whichever daemon it is); every wait bounded, every bound asserted
# (docs/design/hv_utils.md §6.5, issue 4):
# VSS (ext4 on the virtio disk):
# - the daemon freezes, then stalls on the way out of FIFREEZE: the host's
#   FREEZE gets 0x80004005 in 1-4 s, the ext4 is frozen meanwhile; when the
#   stall (STALL: 5 s, 8 on debug) ends the kernel's queued THAW thaws it
#   (a writer finishes, STALL to STALL+7 s after the FREEZE), both late
#   replies (the FREEZE's and the queued THAW's) dropped, the host counted
#   one answer and nothing unsolicited; the next backup S_OK;
# - the daemon stalls on the way into FITHAW: the host's THAW gets
#   0x80004005 in 1-4 s; when the stall ends the ext4 is thawed (writer
#   STALL to STALL+7 s after the THAW) and stays so (a second writer); the
#   next backup S_OK;
# fcopy (a 1 MiB file in 6144-byte chunks):
# - the daemon stalls on the way into the pwrite64 of the second chunk:
#   hvsim exits 1 with 0x80004005 in < 4 s, a CANCEL is queued; when the
#   stall ends the daemon drops the copy: no file, no temp file, no file
#   held open (STALL to STALL+7 s after the copy's start), both late
#   replies dropped; the next copy works (ours with O_TMPFILE, ours
#   --no-tmpfile, Debian's);
# KVP (pool 0):
# - the daemon stalls on the way into the pool file's write of a SET: the
#   host gets 0x80004005 in 1-4 s; when the stall ends its late answer is
#   dropped (STALL to STALL+7 s after the SET); the pool file is whole
#   2560-byte records, each key once; the next SET is S_OK and a GET reads
#   it back;
# - strace's output shows the stall hit the intended call (DELAYED); the
#   host counted no bad answer, no host-side timeout.
# binaries: kmod mkfs.ext4 strace
# modules: hv_utils? ext4? crc32c_generic?
# tools: hvsim hv_vss_daemon? hv_fcopy_daemon? hv_kvp_daemon
# distro-daemons: yes
# disk: 64M
# timeout: 600
. /lib/hv-test.sh

T="--timeout 10000"	# hvsim's own bound on each request (ms)
# s the daemon hangs between its read and its answer: longer than the
# kernel's 1 s timeout with room to spare, the host's E_FAIL taking up to
# 1.3 s (1.6-3.7 s on the debug kernel, a copy's start included) from
# before the request went out, and then the checks made while it hangs
# (a writer blocked 1 s among them). A stall is idle time, not CPU: with
# 4 s on the debug kernel the CI's run once saw the stall end before the
# writer's second was up.
STALL=5
[ "$HV_TARGET" = debug ] && STALL=8
# the bounds of "the stall ends" from before the host's request, in cs: the
# stall starts after that and lasts STALL s (0.1 s for the readings'
# rounding), and is over in STALL+7 s
STALL_LO=$((STALL * 100 - 10)) STALL_HI=$(((STALL + 7) * 100))
POOLS=/var/lib/hyperv

status_of() { sed -n 's/.* status=\(0x[0-9a-f]*\) .*/\1/p' <<<"$1" | tail -n 1; }
# ic_field CLASS NAME: one counter of `hvsim ic status CLASS`
ic_field() { hvsim ic status "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }

# stall PID SYSCALL WHEN enter|exit: strace attaches to PID and holds the
# WHEN-th SYSCALL it makes from now on for $STALL s, on the way into the
# call or out of it; returns once attached. unstall detaches.
stall() {
	: >/tmp/strace.out
	strace -q -y -o /tmp/strace.out -p "$1" -e trace="$2" \
		-e inject="$2:delay_$4=${STALL}s:when=$3" 2>/tmp/strace.err </dev/null &
	stall_pid=$!
	wait_secs 10 traced_by "$1" "$stall_pid"
}
# The polls below are functions of bash builtins where they can be (each
# process a try costs ~1 s of a busy debug kernel): traced_by PID TRACER,
# PID's TracerPid is TRACER (grep -q "^TracerPid:\s*TRACER$" of its status);
# more_than N PATTERN, more than N kernel log lines hold PATTERN; emptied
# DIR PID, DIR is empty (ls -A) and PID holds no file open in it.
traced_by() {
	local key val
	while read -r key val; do
		[ "$key" = TracerPid: ] && { [ "$val" = "$2" ]; return; }
	done </proc/"$1"/status
	return 1
}
more_than() { [ "$(count "$2")" -gt "$1" ]; }
emptied() {
	local f
	for f in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		[ -e "$f" ] || [ -L "$f" ] && return 1
	done
	! ls -l /proc/"$2"/fd | grep -q -- "-> $1/"
}
unstall() { stop_pid "$stall_pid"; }
# held PID: PID sits in strace's hold (ptrace stop)
held() { grep -q '^State:[[:space:]]*t' /proc/"$1"/status; }

frozen_now() { sleep 1; [ ! -e /mnt/ext4.done ]; }

vss_start() {
	case $1 in
	ours) hv_vss_daemon -n --freeze-timeout 60 >>/tmp/vssd.log 2>&1 & ;;
	debian) "$(debian_daemon vss)" -n >>/tmp/vssd.log 2>&1 & ;;
	esac
	vss_pid=$!
	sleep 1	# it registers
}

# the daemon freezes, then hangs before it answers
vss_stall_freeze() {
	local dv=$1 t0 t out thaws lates answers
	vss_start $dv
	thaws=$(count "VSS: thaw queued")
	lates=$(count "VSS: late daemon reply dropped")
	answers=$(ic_field vss answers)
	stall $vss_pid ioctl 1 exit	# not under check: stall_pid is needed here
	ok $? "[$dv] strace holds the daemon's next ioctl (FIFREEZE) on its way out"
	t0=$(uptime_cs)
	out=$(hvsim vss freeze $T)
	t=$(since $t0)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && in_bound $t 90 400; echo $?) \
		"[$dv] stalled after freezing: FREEZE answered 0x80004005 ($(status_of "$out")) in 1-4 s (${t}0 ms)"
	check "[$dv] ... hv_utils logs the timeout" \
		dmesg_has "VSS: the daemon did not answer operation 5 in time"
	ok $([ "$(count "VSS: thaw queued")" = $((thaws + 1)) ]; echo $?) "[$dv] ... and queues one THAW"
	check "[$dv] ... the daemon is still held" held $vss_pid
	writer /mnt/ext4 "stalled after a freeze"
	check "[$dv] ... the ext4 is frozen meanwhile (its writer blocks 1 s)" frozen_now
	check "[$dv] the stall ends: the queued THAW thaws, the writer finishes" \
		wait_secs 15 test -e /mnt/ext4.done
	t=$(since $t0)
	ok $(in_bound $t $STALL_LO $STALL_HI; echo $?) \
		"[$dv] ... ${STALL}-$((STALL + 7)) s after the FREEZE (${t}0 ms, stall ${STALL} s)"
	check "[$dv] ... both late replies dropped (the FREEZE's, the queued THAW's)" \
		wait_secs 5 more_than $((lates + 1)) "VSS: late daemon reply dropped"
	ok $([ "$(ic_field vss answers)" = $((answers + 1)) ] && [ "$(ic_field vss unsolicited)" = 0 ]; echo $?) \
		"[$dv] ... the host saw one answer for the FREEZE, nothing unsolicited"
	check_output "[$dv] ... strace held the FIFREEZE" "ioctl\(.*FIFREEZE.*DELAYED" cat /tmp/strace.out
	unstall
	check "[$dv] the next backup: every answer S_OK" hvsim vss backup --hold 200 $T
	check "[$dv] ... the daemon still runs" kill -0 $vss_pid
	stop_pid $vss_pid
}

# the daemon reads the THAW and hangs before it thaws
vss_stall_thaw() {
	local dv=$1 t0 t out
	vss_start $dv
	out=$(hvsim vss freeze $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$dv] FREEZE: S_OK"
	writer /mnt/ext4 "frozen, then a stalled thaw"
	check "[$dv] ... the ext4 writer blocks (1 s)" frozen_now
	stall $vss_pid ioctl 1 enter	# not under check: stall_pid is needed here
	ok $? "[$dv] strace holds the daemon's next ioctl (FITHAW) on its way in"
	t0=$(uptime_cs)
	out=$(hvsim vss thaw $T)
	t=$(since $t0)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && in_bound $t 90 400; echo $?) \
		"[$dv] stalled in the THAW: THAW answered 0x80004005 ($(status_of "$out")) in 1-4 s (${t}0 ms)"
	check "[$dv] ... hv_utils logs the timeout" \
		dmesg_has "VSS: the daemon did not answer operation 6 in time"
	check "[$dv] the stall ends: the ext4 is thawed, the writer finishes" \
		wait_secs 15 test -e /mnt/ext4.done
	t=$(since $t0)
	ok $(in_bound $t $STALL_LO $STALL_HI; echo $?) \
		"[$dv] ... ${STALL}-$((STALL + 7)) s after the THAW (${t}0 ms, stall ${STALL} s)"
	check_output "[$dv] ... strace held the FITHAW" "ioctl\(.*FITHAW.*DELAYED" cat /tmp/strace.out
	unstall
	sleep 1	# the queued THAW is answered
	writer /mnt/ext4 "after a stalled thaw"
	check "[$dv] ... nothing stays frozen (a second writer finishes)" wait_for test -e /mnt/ext4.done
	check "[$dv] the next backup: every answer S_OK" hvsim vss backup --hold 200 $T
	stop_pid $vss_pid
}

holds_file_in() { ls -l /proc/"$1"/fd 2>/dev/null | grep -q -- "-> $2/"; }

# the daemon hangs in the write of a chunk
fc_stall_write() {
	local dv=$1 dst=/tmp/stall-$1 t0 t out rc cancels lates when=2
	mkdir -p $dst
	fc_start $dv
	# the second chunk's write: ours answers the device with write(),
	# upstream's with pwrite64 too (START's answer, chunk 1, its answer)
	[ $dv = debian ] && when=4
	cancels=$(count "FCopy: cancel queued to the daemon")
	lates=$(count "FCopy: late daemon reply dropped")
	stall $fc_pid pwrite64 $when enter	# not under check: stall_pid is needed here
	ok $? "[$dv] strace holds the daemon's write of the second chunk on its way in"
	t0=$(uptime_cs)
	out=$(hvsim fcopy $SRC/f1m $dst big $T 2>&1)
	rc=$?
	t=$(since $t0)
	ok $([ $rc = 1 ] && [ $t -lt 400 ]; echo $?) \
		"[$dv] stalled in a WRITE_TO_FILE: hvsim exits 1 ($rc) in < 4 s (${t}0 ms)"
	check_output "[$dv] ... a request answered 0x80004005" "status=0x80004005" echo "$out"
	check "[$dv] ... hv_utils logs the timeout" \
		dmesg_has "FCopy: the daemon did not answer within 1000 ms"
	ok $([ "$(count "FCopy: cancel queued to the daemon")" = $((cancels + 1)) ]; echo $?) \
		"[$dv] ... and queues one CANCEL"
	check "[$dv] ... the daemon is still held" held $fc_pid
	check "[$dv] the stall ends: the daemon drops the copy, the directory is empty" \
		wait_secs 15 emptied $dst $fc_pid
	t=$(since $t0)
	ok $(in_bound $t $STALL_LO $STALL_HI; echo $?) \
		"[$dv] ... ${STALL}-$((STALL + 7)) s after the copy's start (${t}0 ms, stall ${STALL} s)"
	check "[$dv] ... both late replies dropped (the WRITE's, the CANCEL's)" \
		wait_secs 5 more_than $((lates + 1)) "FCopy: late daemon reply dropped"
	check_output "[$dv] ... strace held the second chunk's pwrite64 into $dst" \
		"pwrite64\([0-9]+<$dst/[^>]*>[^,]*, .*, 6144, 6144\) += 6144 \(DELAYED\)" \
		cat /tmp/strace.out
	unstall
	check "[$dv] the next copy works" hvsim fcopy $SRC/f6145 $dst small $T
	check "[$dv] ... byte-identical" cmp $SRC/f6145 $dst/small
	ok $([ "$(ls -A $dst)" = small ]; echo $?) "[$dv] ... and it is the only file there ($(ls -A $dst | tr '\n' ' '))"
	stop_pid $fc_pid
}

kvp_start() {
	rm -rf $POOLS
	mkdir -p $POOLS
	case $1 in
	ours) hv_kvp_daemon -n --pool-dir $POOLS >>/tmp/kvpd.log 2>&1 & ;;
	debian) "$(debian_daemon kvp)" -n >>/tmp/kvpd.log 2>&1 & ;;
	esac
	kvp_pid=$!
	sleep 1
}
# the keys of pool $1's records, one a line
pool_keys() { kvp_records $POOLS/.kvp_pool_$1 keys; }

# the daemon reads a SET and hangs in the pool file's write
kvp_stall_set() {
	local dv=$1 t0 t out lates call keys
	kvp_start $dv
	check "[$dv] the daemon registers: KVP ready" \
		wait_for sh -c "hvsim ic status kvp | grep -q 'state=ready'"
	out=$(hvsim kvp set 0 before one $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$dv] SET before=one: S_OK"
	lates=$(count "KVP: late daemon reply dropped")
	# ours writes its pool with pwrite64, upstream's with stdio (write)
	call=pwrite64
	[ $dv = debian ] && call=write
	stall $kvp_pid $call 1 enter	# not under check: stall_pid is needed here
	ok $? "[$dv] strace holds the daemon's next $call (the pool file's) on its way in"
	t0=$(uptime_cs)
	out=$(hvsim kvp set 0 stalled two $T)
	t=$(since $t0)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && in_bound $t 90 400; echo $?) \
		"[$dv] stalled after reading a SET: answered 0x80004005 ($(status_of "$out")) in 1-4 s (${t}0 ms)"
	check "[$dv] ... hv_utils logs the timeout" \
		dmesg_has "KVP: the daemon did not answer within 1000 ms"
	check "[$dv] ... the daemon is still held" held $kvp_pid
	check "[$dv] the stall ends: its late answer is dropped" \
		wait_secs 15 more_than $lates "KVP: late daemon reply dropped"
	t=$(since $t0)
	ok $(in_bound $t $STALL_LO $STALL_HI; echo $?) \
		"[$dv] ... ${STALL}-$((STALL + 7)) s after the SET (${t}0 ms, stall ${STALL} s)"
	check_output "[$dv] ... strace held a $call into the pool file" \
		"$call\([0-9]+<$POOLS/\.kvp_pool_0[^>]*>.*\(DELAYED\)" cat /tmp/strace.out
	unstall
	ok $([ $(($(stat -c %s $POOLS/.kvp_pool_0) % 2560)) = 0 ]; echo $?) \
		"[$dv] the pool file is whole 2560-byte records ($(stat -c %s $POOLS/.kvp_pool_0) bytes)"
	keys=$(pool_keys 0 | tr '\n' ' ')
	ok $(case "$keys" in "before " | "before stalled ") true ;; *) false ;; esac; echo $?) \
		"[$dv] ... each key once: before, and stalled if the late write landed ($keys)"
	out=$(hvsim kvp set 0 after three $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$dv] the next SET: S_OK"
	check_output "[$dv] ... and a GET reads it back" 'value="three"' hvsim kvp get 0 after $T
	check "[$dv] ... the daemon still runs" kill -0 $kvp_pid
	stop_pid $kvp_pid
}

# ---- setup
modprobe crc32c_generic 2>/dev/null
modprobe ext4 2>/dev/null
mkdir -p /mnt/ext4
check "mkfs.ext4 on the virtio disk" mkfs.ext4 -q -F /dev/vda
check "mount it on /mnt/ext4" mount -t ext4 /dev/vda /mnt/ext4
SRC=/tmp/src
mkdir -p $SRC
head -c 6145 /dev/urandom >$SRC/f6145
head -c 1048576 /dev/urandom >$SRC/f1m

modprobe hv_hostsim
vss=$(hvsim offer vss)
fc=$(hvsim offer fcopy)
kvp=$(hvsim offer kvp)
check "the host offers VSS ($vss), fcopy ($fc) and KVP ($kvp)" test -n "$vss" -a -n "$fc" -a -n "$kvp"
check "our hv_vmbus loads" modprobe hv_vmbus
why=
for svc in vss fcopy kvp; do
	[ -n "$why" ] || why=$(hv_utils_why_not ours $svc)
done
if [ -n "$why" ]; then
	skip "hung daemons with our hv_utils" "$why"
else
	check "our hv_utils loads (daemon_timeout_ms=1000, vss_freeze_timeout_ms=1000)" \
		hv_utils_load ours fcopy=chardev daemon_timeout_ms=1000 vss_freeze_timeout_ms=1000 \
		kvp_nego_wait_ms=1000
	check "/dev/vmbus/hv_vss, hv_fcopy and hv_kvp appear" \
		wait_for test -c /dev/vmbus/hv_vss -a -c /dev/vmbus/hv_fcopy -a -c /dev/vmbus/hv_kvp
	check "VSS and fcopy negotiated" wait_for sh -c \
		"hvsim ic status vss | grep -q state=ready && hvsim ic status fcopy | grep -q state=ready"

	diag "VSS"
	for dv in $(hv_daemon_variants vss); do
		vss_stall_freeze $dv
		vss_stall_thaw $dv
	done
	diag "fcopy"
	for dv in $(hv_daemon_variants fcopy); do
		fc_stall_write $dv
		[ $dv = ours ] && fc_stall_write named
	done
	diag "KVP"
	for dv in $(hv_daemon_variants kvp); do
		kvp_stall_set $dv
	done

	for svc in vss fcopy kvp; do
		check_output "the $svc host counted no bad answer, no host-side timeout" \
			"timeouts=0 bad_answers=0 bad_pkts=0 unsolicited=0" hvsim ic status $svc
	done
	check "no sanitizer or crash in the daemons' logs" \
		sh -c "! cat /tmp/vssd.log /tmp/fcopyd.log /tmp/kvpd.log 2>/dev/null | grep -E -i 'sanitizer|segmentation'"
	check "our hv_utils unloads" hv_utils_unload
fi
umount /mnt/ext4
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
