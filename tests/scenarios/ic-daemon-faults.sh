# SPDX-License-Identifier: GPL-2.0-only
# VSS and fcopy daemons misbehaving, end to end: the simulated host's
# requests through OUR hv_utils (daemon_timeout_ms=1000, fcopy=chardev) to
# our daemons, and Debian's where the case is about the kernel side (a hung
# or killed daemon is the kernel's business whichever daemon it is); every
# wait bounded, every bound asserted (docs/design/hv_utils.md §6.5 items 8
# and 9, issue 4). The ext4 that is frozen is on the virtio disk (a real
# block device on every kernel, debug included: the daemons skip loop
# devices, and the debug kernel has no brd).
# VSS:
# - no daemon: FREEZE answered 0x80004005 in < 2 s;
# - daemon stopped before the FREEZE (vss_freeze_timeout_ms=1000): E_FAIL
#   in 1-4 s, the kernel queues a THAW; CONT: the daemon reads it, its late
#   reply is dropped, the ext4 is writable, the next backup S_OK;
# - daemon stopped while frozen: the host's THAW answered E_FAIL in 1-4 s,
#   the ext4 still frozen (the kernel cannot thaw by itself); CONT: the
#   THAW the kernel queued thaws it (not the watchdog: --freeze-timeout 60);
# - the frozen window (FREEZE answered S_OK, no THAW ever): the kernel
#   times only the daemon's answer, nothing after it; our daemon's
#   --freeze-timeout 2 watchdog thaws in 2-6 s, no kernel timeout line;
# - kill -9 while frozen: the next request (THAW) fails in < 2 s; the
#   restarted daemon thaws from /run/hyperv/vss-frozen within 5 s; again,
#   and `hv_vss_daemon --thaw` alone thaws;
# - a freeze failure: a tmpfs mounted from "/dev/hv-nofreeze" (not skipped
#   by the daemons' rules; FIFREEZE → EOPNOTSUPP) after the ext4: FREEZE
#   0x80004005 and the ext4 thawed (its writer finishes);
# fcopy (a 4 MiB file in 2 KiB chunks, so the copy is long enough to catch):
# - daemon stopped mid-copy: the host's request fails (E_FAIL) in < 5 s,
#   hvsim exits 1; CONT: the CANCEL the kernel queued makes the daemon drop
#   its partial file (no file, no .hv_fcopy.* name, no open temp file); the
#   next copy works (ours with O_TMPFILE, ours --no-tmpfile, Debian's);
# - daemon kill -9 mid-copy: hvsim exits 1 in < 5 s; nothing in the
#   directory (O_TMPFILE), or (--no-tmpfile) the .hv_fcopy.* left by the
#   dead daemon is removed by the next start; Debian's: host failure only
#   (its half-written file stays: upstream behaviour, reported);
# - a 2 MiB file into a 1 MiB tmpfs: 0x80070070 (DISK_FULL), nothing left,
#   the next small copy works;
# - the host counted no bad answer and no host-side timeout; the hv_utils
#   log lines of each case are there.
# binaries: kmod mkfs.ext4
# modules: hv_utils? ext4? crc32c_generic?
# tools: hvsim hv_vss_daemon? hv_fcopy_daemon?
# distro-daemons: yes
# disk: 64M
# timeout: 400
. /lib/hv-test.sh

P=/sys/module/hv_utils/parameters
T="--timeout 10000"	# hvsim's own bound on each request (ms)

status_of() { sed -n 's/.* status=\(0x[0-9a-f]*\) .*/\1/p' <<<"$1" | tail -n 1; }
# ok when $1 (cs) lies in [$2, $3] cs

frozen_now() { sleep 1; [ ! -e /mnt/ext4.done ]; }
# Polls of bash builtins where they can be (each process a try costs ~1 s
# of a busy debug kernel): more_than N PATTERN, more than N kernel log
# lines hold PATTERN; empty_dir DIR, DIR is empty (ls -A shows nothing).
more_than() { [ "$(count "$2")" -gt "$1" ]; }
empty_dir() {
	local f
	for f in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		[ -e "$f" ] || [ -L "$f" ] && return 1
	done
	return 0
}

vss_start() {
	case $1 in
	ours) shift; hv_vss_daemon -n "$@" >>/tmp/vssd.log 2>&1 & ;;
	debian) "$(debian_daemon vss)" -n >>/tmp/vssd.log 2>&1 & ;;
	esac
	vss_pid=$!
	sleep 1	# it registers
}

vss_absent() {
	local t out
	t=$(uptime_cs)
	out=$(hvsim vss freeze $T)
	t=$(since $t)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && [ $t -lt 200 ]; echo $?) \
		"no daemon: FREEZE answered 0x80004005 ($(status_of "$out")) in < 2 s (${t}0 ms)"
	check "... hv_utils says why" dmesg_has "VSS: no daemon registered"
}

# the daemon stopped before the FREEZE reaches it
vss_hung_freeze() {
	local dv=$1 t out thaws lates
	echo 1000 >$P/vss_freeze_timeout_ms
	vss_start $dv
	thaws=$(count "VSS: thaw queued")
	lates=$(count "VSS: late daemon reply dropped")
	kill -STOP $vss_pid
	t=$(uptime_cs)
	out=$(hvsim vss freeze $T)
	t=$(since $t)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && in_bound $t 90 400; echo $?) \
		"[$dv] stopped daemon: FREEZE answered 0x80004005 ($(status_of "$out")) in 1-4 s (${t}0 ms)"
	check "[$dv] ... hv_utils logs the timeout" dmesg_has "VSS: the daemon did not answer operation 5 in time"
	ok $([ "$(count "VSS: thaw queued")" -gt "$thaws" ]; echo $?) "[$dv] ... and queues a THAW"
	kill -CONT $vss_pid
	check "[$dv] CONT: the daemon answers the queued THAW, its reply dropped as late" \
		wait_for more_than $lates "VSS: late daemon reply dropped"
	writer /mnt/ext4 "after a hung freeze"
	check "[$dv] ... nothing left frozen: a writer on the ext4 finishes" wait_for test -e /mnt/ext4.done
	echo 5000 >$P/vss_freeze_timeout_ms
	check "[$dv] ... the next backup: every answer S_OK" hvsim vss backup --hold 200 $T
	check "[$dv] ... the daemon still runs" kill -0 $vss_pid
	stop_pid $vss_pid
}

# the daemon stopped while the file systems are frozen
vss_hung_frozen() {
	local dv=$1 t out thaws
	vss_start $dv --freeze-timeout 60
	out=$(hvsim vss freeze $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$dv] FREEZE: S_OK"
	writer /mnt/ext4 frozen
	check "[$dv] ... the ext4 writer blocks (1 s)" frozen_now
	thaws=$(count "VSS: thaw queued")
	kill -STOP $vss_pid
	t=$(uptime_cs)
	out=$(hvsim vss thaw $T)
	t=$(since $t)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && in_bound $t 90 400; echo $?) \
		"[$dv] daemon stopped while frozen: THAW answered 0x80004005 ($(status_of "$out")) in 1-4 s (${t}0 ms)"
	check "[$dv] ... hv_utils logs the timeout" dmesg_has "VSS: the daemon did not answer operation 6 in time"
	ok $([ "$(count "VSS: thaw queued")" -gt "$thaws" ]; echo $?) "[$dv] ... and queues a THAW of its own"
	check "[$dv] ... the ext4 is still frozen while the daemon sleeps" test ! -e /mnt/ext4.done
	kill -CONT $vss_pid
	t=$(uptime_cs)
	check "[$dv] CONT: the queued THAW thaws, the writer finishes" wait_for test -e /mnt/ext4.done
	t=$(since $t)
	ok $([ $t -lt 500 ]; echo $?) "[$dv] ... within 5 s (${t}0 ms; the watchdog is at 60 s)"
	check "[$dv] ... the next backup: every answer S_OK" hvsim vss backup --hold 200 $T
	stop_pid $vss_pid
}

# FREEZE answered, THAW never sent
vss_no_thaw() {
	local t out tmo wd=2
	# (the watchdog must outlast the FREEZE's round trip, the writer's
	# start and the 1 s it is watched: on the debug kernel under load
	# that once took more than 2 s)
	[ "$HV_TARGET" = debug ] && wd=5
	tmo=$(count "VSS: the daemon did not answer")
	vss_start ours --freeze-timeout $wd
	t=$(uptime_cs)
	out=$(hvsim vss freeze $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[ours] FREEZE, then no THAW: FREEZE S_OK"
	writer /mnt/ext4 "frozen, no thaw"
	check "[ours] ... the ext4 writer blocks (1 s)" frozen_now
	check "[ours] ... the daemon's --freeze-timeout $wd watchdog thaws" wait_for test -e /mnt/ext4.done
	t=$(since $t)
	ok $(in_bound $t $((wd * 100 - 20)) $((wd * 100 + 400)); echo $?) \
		"[ours] ... $wd-$((wd + 4)) s after the FREEZE (${t}0 ms)"
	check "[ours] ... the watchdog says so" grep -q "no THAW in time (watchdog)" /tmp/vssd.log
	ok $([ "$(count "VSS: the daemon did not answer")" = "$tmo" ]; echo $?) \
		"[ours] ... and the kernel timed nothing out (it times the FREEZE's answer only)"
	out=$(hvsim vss thaw $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[ours] a late THAW: S_OK (nothing to thaw)"
	stop_pid $vss_pid
}

vss_killed() {
	local t out
	vss_start ours --freeze-timeout 60
	out=$(hvsim vss freeze $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[ours] FREEZE: S_OK"
	writer /mnt/ext4 "frozen, daemon killed"
	check "[ours] ... the ext4 writer blocks (1 s)" frozen_now
	check "[ours] ... the frozen record is there" test -s /run/hyperv/vss-frozen
	stop_pid $vss_pid KILL
	t=$(uptime_cs)
	out=$(hvsim vss thaw $T)
	t=$(since $t)
	ok $([ "$(status_of "$out")" = 0x80004005 ] && [ $t -lt 200 ]; echo $?) \
		"[ours] killed while frozen: the next request (THAW) fails in < 2 s ($(status_of "$out"), ${t}0 ms)"
	check "[ours] ... the ext4 stays frozen with no daemon" test ! -e /mnt/ext4.done
	t=$(uptime_cs)
	vss_start ours
	check "[ours] the restarted daemon thaws from its record" wait_for test -e /mnt/ext4.done
	t=$(since $t)
	ok $([ $t -lt 500 ]; echo $?) "[ours] ... within 5 s of the restart (${t}0 ms)"
	check "[ours] ... it says so" grep -q "starting after a freeze" /tmp/vssd.log
	check "[ours] ... the record is gone" test ! -e /run/hyperv/vss-frozen

	out=$(hvsim vss freeze $T)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[ours] FREEZE again: S_OK"
	writer /mnt/ext4 "frozen, daemon killed again"
	check "[ours] ... the ext4 writer blocks (1 s)" frozen_now
	stop_pid $vss_pid KILL
	check "[ours] killed: hv_vss_daemon --thaw alone exits 0" hv_vss_daemon --thaw
	check "[ours] ... and the writer finishes" wait_for test -e /mnt/ext4.done
	check "[ours] ... the record is gone" test ! -e /run/hyperv/vss-frozen
	out=$(hvsim vss thaw $T)
}

vss_freeze_fails() {
	local dv=$1 out
	mkdir -p /mnt/nofreeze
	mount -t tmpfs /dev/hv-nofreeze /mnt/nofreeze
	vss_start $dv
	out=$(hvsim vss freeze $T)
	ok $([ "$(status_of "$out")" = 0x80004005 ]; echo $?) \
		"[$dv] a tmpfs from /dev/hv-nofreeze refuses FIFREEZE: FREEZE 0x80004005 ($(status_of "$out"))"
	writer /mnt/ext4 "after a failed freeze"
	check "[$dv] ... the ext4 frozen before it was thawed: its writer finishes" \
		wait_for test -e /mnt/ext4.done
	[ $dv = ours ] && check "[$dv] ... the daemon says why" grep -q "FREEZE failed, everything thawed" /tmp/vssd.log
	hvsim vss thaw $T >/dev/null
	stop_pid $vss_pid
	umount /mnt/nofreeze
}

fc_variants() {
	hv_daemon_variants fcopy | sed 's/^ours/ours named/'
}
answers() { hvsim ic status fcopy | sed -n 's/.* answers=\([0-9]*\) .*/\1/p'; }
# answers_from N: the fcopy host counted N answers or more (one process a
# try, where sh -c "... | sed" took three)
answers_from() {
	[[ $(hvsim ic status fcopy) =~ \ answers=([0-9]+)\  ]] && [ "${BASH_REMATCH[1]}" -ge "$1" ]
}
# start the 4 MiB copy into $1 in the background; return once 6 answers
# (START and 5 WRITEs) came back
copy_bg() {
	local a
	a=$(answers)
	hvsim fcopy $SRC/f4m "$1" big --chunk 2048 $T >/tmp/copy.out 2>&1 &
	copy_pid=$!
	wait_for answers_from $((a + 6))
}
# wait for the background copy for at most 5 s; its exit status, 124 if it
# did not end
copy_wait() {
	local i=0
	[ -n "$copy_pid" ] || return 125
	while kill -0 $copy_pid 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $copy_pid 2>/dev/null && { kill $copy_pid; wait $copy_pid; return 124; }
	wait $copy_pid
}
# whether the daemon holds a file open in directory $1
holds_file_in() { ls -l /proc/$fc_pid/fd 2>/dev/null | grep -q -- "-> $1/"; }

fc_hung() {
	local dv=$1 dst=/tmp/hung-$1 t rc cancels
	mkdir -p $dst
	fc_start $dv
	copy_bg $dst	# not under check: copy_pid is needed here
	ok $? "[$dv] a 4 MiB copy is under way"
	cancels=$(count "FCopy: cancel queued to the daemon")
	kill -STOP $fc_pid
	t=$(uptime_cs)
	copy_wait
	rc=$?
	t=$(since $t)
	ok $([ $rc = 1 ] && [ $t -lt 500 ]; echo $?) \
		"[$dv] daemon stopped mid-copy: hvsim exits 1 ($rc) in < 5 s (${t}0 ms)"
	check_output "[$dv] ... a request answered 0x80004005" "status=0x80004005" cat /tmp/copy.out
	check "[$dv] ... hv_utils logs the timeout" dmesg_has "FCopy: the daemon did not answer within 1000 ms"
	ok $([ "$(count "FCopy: cancel queued to the daemon")" -gt "$cancels" ]; echo $?) \
		"[$dv] ... and queues a CANCEL to the daemon"
	case $dv in
	named) check "[$dv] ... while it sleeps its .hv_fcopy.* temp file is there" \
		sh -c "ls -A $dst | grep -q '^\.hv_fcopy\.'" ;;
	debian) check "[$dv] ... while it sleeps its half-written file is there" test -e $dst/big ;;
	ours) check "[$dv] ... while it sleeps it holds an unnamed temp file in $dst" holds_file_in $dst ;;
	esac
	kill -CONT $fc_pid
	check "[$dv] CONT: the daemon drops the copy: the directory is empty" \
		wait_for empty_dir $dst
	check "[$dv] ... and it holds no file there" wait_for sh -c "! ls -l /proc/$fc_pid/fd | grep -q -- '-> $dst/'"
	sleep 0.5
	check "[$dv] ... the next copy works" hvsim fcopy $SRC/f6145 $dst small $T
	check "[$dv] ... byte-identical" cmp $SRC/f6145 $dst/small
	stop_pid $fc_pid
}

fc_killed() {
	local dv=$1 dst=/tmp/killed-$1 t rc
	mkdir -p $dst
	fc_start $dv
	copy_bg $dst	# not under check: copy_pid is needed here
	ok $? "[$dv] a 4 MiB copy is under way"
	kill -KILL $fc_pid
	t=$(uptime_cs)
	copy_wait
	rc=$?
	t=$(since $t)
	wait $fc_pid 2>/dev/null
	ok $([ $rc = 1 ] && [ $t -lt 500 ]; echo $?) \
		"[$dv] daemon killed mid-copy: hvsim exits 1 ($rc) in < 5 s (${t}0 ms)"
	check_output "[$dv] ... a request answered 0x80004005" "status=0x80004005" cat /tmp/copy.out
	case $dv in
	ours) check "[$dv] ... nothing in the directory (O_TMPFILE)" sh -c "[ -z \"\$(ls -A $dst)\" ]" ;;
	named)
		check "[$dv] ... the dead daemon's .hv_fcopy.* is there" \
			sh -c "ls -A $dst | grep -q '^\.hv_fcopy\.'"
		fc_start named
		check "[$dv] the next start removes it: the directory is empty" \
			sh -c "[ -z \"\$(ls -A $dst)\" ]"
		check "[$dv] ... and says so" grep -q "left by a copy in progress" /tmp/fcopyd.log
		check "[$dv] ... then serves a copy" hvsim fcopy $SRC/f6145 $dst small $T
		stop_pid $fc_pid ;;
	debian) diag "[$dv] Debian's daemon leaves after kill -9: $(ls -A $dst | tr '\n' ' ')" ;;
	esac
}

fc_disk_full() {
	local dv=$1 dst=/mnt/small out rc
	mount -t tmpfs -o size=1m tmpfs $dst
	fc_start $dv
	out=$(hvsim fcopy $SRC/f2m $dst big $T 2>&1)
	rc=$?
	ok $([ $rc = 1 ]; echo $?) "[$dv] a 2 MiB file into a 1 MiB tmpfs: hvsim exits 1 ($rc)"
	check_output "[$dv] ... a WRITE answered 0x80070070 (DISK_FULL)" "status=0x80070070" echo "$out"
	check "[$dv] ... nothing left in the tmpfs" sh -c "[ -z \"\$(ls -A $dst)\" ]"
	ok $([ "$(df -k $dst | awk 'NR == 2 { print $3 }')" -lt 64 ]; echo $?) "[$dv] ... its space is free again"
	check "[$dv] ... the daemon serves the next (small) copy" hvsim fcopy $SRC/f6145 $dst small $T
	check "[$dv] ... byte-identical" cmp $SRC/f6145 $dst/small
	stop_pid $fc_pid
	umount $dst
}

# ---- setup
modprobe crc32c_generic 2>/dev/null
modprobe ext4 2>/dev/null
mkdir -p /mnt/ext4 /mnt/small
check "mkfs.ext4 on the virtio disk" mkfs.ext4 -q -F /dev/vda
check "mount it on /mnt/ext4" mount -t ext4 /dev/vda /mnt/ext4
SRC=/tmp/src
mkdir -p $SRC
head -c 6145 /dev/urandom >$SRC/f6145
head -c 2097152 /dev/urandom >$SRC/f2m
head -c 4194304 /dev/urandom >$SRC/f4m

modprobe hv_hostsim
vss=$(hvsim offer vss)
fc=$(hvsim offer fcopy)
check "the host offers VSS (relid $vss) and fcopy (relid $fc)" test -n "$vss" -a -n "$fc"
check "our hv_vmbus loads" modprobe hv_vmbus
why=$(hv_utils_why_not ours vss)
[ -n "$why" ] || why=$(hv_utils_why_not ours fcopy)
if [ -n "$why" ]; then
	skip "daemon faults with our hv_utils" "$why"
else
	check "our hv_utils loads (daemon_timeout_ms=1000, fcopy=chardev)" \
		hv_utils_load ours fcopy=chardev daemon_timeout_ms=1000 vss_freeze_timeout_ms=5000
	check "/dev/vmbus/hv_vss and hv_fcopy appear" \
		wait_for test -c /dev/vmbus/hv_vss -a -c /dev/vmbus/hv_fcopy
	check "VSS and fcopy negotiated" wait_for sh -c \
		"hvsim ic status vss | grep -q state=ready && hvsim ic status fcopy | grep -q state=ready"

	diag "VSS"
	vss_absent
	for dv in $(hv_daemon_variants vss); do
		vss_hung_freeze $dv
		vss_hung_frozen $dv
	done
	if command -v hv_vss_daemon >/dev/null; then
		vss_no_thaw
		vss_killed
	else
		skip "VSS cases of our daemon" "tools/hv has no hv_vss_daemon"
	fi
	for dv in $(hv_daemon_variants vss); do
		vss_freeze_fails $dv
	done

	diag "fcopy"
	for dv in $(fc_variants); do
		fc_hung $dv
		fc_killed $dv
	done
	if command -v hv_fcopy_daemon >/dev/null; then
		fc_disk_full ours
		fc_disk_full named
	fi

	for svc in vss fcopy; do
		check_output "the $svc host counted no bad answer, no host-side timeout" \
			"timeouts=0 bad_answers=0 bad_pkts=0" hvsim ic status $svc
	done
	check "our hv_utils unloads" hv_utils_unload
fi
umount /mnt/ext4
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
