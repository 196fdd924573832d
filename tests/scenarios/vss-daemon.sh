# hv_vss_daemon freezing real file systems, without the host side: the
# daemon talks to hv-fake-kernel (tests/daemons), which plays the kernel's
# /dev/vmbus/hv_vss through the daemon's --device socket. Frozen: ext4 on
# the virtio disk, and xfs on a brd RAM disk where the kernel has brd and
# xfs; skipped: an ext4 on a loop device, and where there is brd a vfat
# and a read-only ext4. A writer on a frozen file system blocks until the
# thaw, one on a skipped one does not:
#  - FREEZE/THAW, HOT_BACKUP, an unknown op: the statuses;
#  - a freeze failure (a mount point that cannot be opened, with --mounts)
#    thaws the ones already frozen; one frozen beforehand (EBUSY) is fine;
#  - the thaw guarantees: kill -9 while frozen then a restart (startup thaw
#    from the record), kill -9 then --thaw, the watchdog (--freeze-timeout),
#    SIGTERM while frozen.
# Only our userspace daemon and the kernels' own file systems are under
# test: the debug kernel, whose sanitizers watch our modules, has nothing
# of ours to watch here and is left out.
# kernels: bullseye bookworm trixie sid
# modules: brd? ext4? xfs? vfat? loop? crc32c_generic? crc32c-intel? libcrc32c? nls_cp437? nls_utf8? nls_ascii? nls_iso8859-1?
# binaries: mkfs.ext4 /usr/sbin/mkfs.xfs
# tools: hv_vss_daemon hv-fake-kernel
# disk: 256M
# timeout: 300
. /lib/hv-test.sh

sock=/tmp/vss.sock
log=/tmp/vss.log
state=/run/hyperv

fake_kernel vss $sock
daemon() {
	hv_vss_daemon -n --device $sock --state-dir $state "$@" 2>>$log &
	vss_pid=$!
}

# ---- the file systems: FROZEN ones FREEZE must freeze, FREE ones not
modprobe crc32c_generic 2>/dev/null
modprobe ext4 2>/dev/null
modprobe loop 2>/dev/null
for fs in ext4 xfs vfat ro loop; do mkdir -p /mnt/$fs; done
check "mkfs.ext4 on the virtio disk" mkfs.ext4 -q -F /dev/vda
check "mount it" mount -t ext4 /dev/vda /mnt/ext4
FROZEN=ext4
check "mkfs.ext4 on a file" sh -c \
	"dd if=/dev/zero of=/tmp/loop.img bs=1M count=16 2>/dev/null && mkfs.ext4 -q -F /tmp/loop.img"
check "mount it through a loop device" mount -t ext4 -o loop /tmp/loop.img /mnt/loop
FREE=loop
if modprobe brd rd_nr=4 rd_size=409600 2>/dev/null; then
	if modprobe xfs 2>/dev/null; then
		# (xfsprogs refuses file systems under 300 MB unless it thinks
		# it is testing; these are sparse RAM disks)
		check "mkfs.xfs on ram1" env TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 \
			/usr/sbin/mkfs.xfs -q -f /dev/ram1
		check "mount xfs" mount -t xfs /dev/ram1 /mnt/xfs
		FROZEN="$FROZEN xfs"
	fi
	if modprobe vfat 2>/dev/null; then
		check "mkdosfs on ram2" mkdosfs /dev/ram2
		check "mount vfat" mount -t vfat /dev/ram2 /mnt/vfat
		FREE="$FREE vfat"
	fi
	check "mkfs.ext4 on ram3" mkfs.ext4 -q -F /dev/ram3
	check "mount ext4 read-only" mount -t ext4 -o ro /dev/ram3 /mnt/ro
else
	skip "xfs, vfat and a read-only mount on brd" "no brd in this kernel"
fi
diag "frozen: $FROZEN; not frozen: $FREE"
grep '^/dev/' /proc/mounts | sed 's/^/# /'

# start_writers TAG: one background writer per file system, each leaving
# /tmp/w-TAG-FS when its write and fsync returned
start_writers() {
	local fs
	rm -f /tmp/w-"$1"-*
	for fs in $FROZEN $FREE; do
		(echo "$1" >/mnt/$fs/"$1" && sync /mnt/$fs/"$1" 2>/dev/null;
		 touch /tmp/w-"$1"-$fs) &
	done
}
done_writing() { test -e /tmp/w-"$1"-"$2"; }
all_blocked() {
	local fs
	for fs in $FROZEN; do ! done_writing "$1" $fs || return 1; done
}
blocked() { sleep 2; all_blocked "$1"; }
all_done() {
	local fs
	for fs in $FROZEN $FREE; do done_writing "$1" $fs || return 1; done
}
finished() { wait_for all_done "$1"; }
frozen_list() { for fs in $FROZEN; do echo /mnt/$fs; done | sort | tr '\n' ' '; }

# ---- FREEZE and THAW
daemon
check_output "the daemon registers (12 bytes, op 129; answer 129)" \
	"^registered$" fk accept
check_output "FREEZE: 0" "^freeze 0x00000000$" fk freeze
check_output "the record names the frozen ones only" "^$(frozen_list)\$" \
	sh -c "tr '\\0' '\\n' <$state/vss-frozen | sort | tr '\\n' ' '"
start_writers a
check "writers on $FROZEN block while frozen" blocked a
for fs in $FREE; do
	check "the writer on $fs does not" done_writing a $fs
done
if grep -q ' /mnt/ro ' /proc/mounts; then
	check "the read-only ext4 is still mounted read-only and readable" \
		sh -c "grep -q '/mnt/ro ext4 ro' /proc/mounts && ls /mnt/ro/lost+found"
fi
check_output "THAW: 0" "^thaw 0x00000000$" fk thaw
check "after THAW the writers finish" finished a
check "and the record is gone" test ! -e $state/vss-frozen
check "the data is there" sh -c "for fs in $FROZEN; do grep -q a /mnt/\$fs/a || exit 1; done"
check_output "HOT_BACKUP: 0" "^hot_backup 0x00000000$" fk hot_backup
check_output "an unknown op (9): 0x80004005" "^op 0x80004005$" fk op 9
check_output "THAW without FREEZE: 0 (EINVAL ignored)" "^thaw 0x00000000$" fk thaw

# ---- ext4 frozen beforehand (EBUSY on FIFREEZE is no failure)
check "fsfreeze --freeze /mnt/ext4" fsfreeze --freeze /mnt/ext4
check_output "FREEZE with ext4 already frozen: 0" "^freeze 0x00000000$" fk freeze
start_writers b
check "writers block" blocked b
check_output "THAW: 0 (thaws that ext4 too, as upstream)" "^thaw 0x00000000$" fk thaw
check "the writers finish" finished b

# ---- SIGTERM while frozen
check_output "FREEZE" "^freeze 0x00000000$" fk freeze
start_writers c
check "writers block" blocked c
kill -TERM $vss_pid
wait $vss_pid
check "SIGTERM while frozen: exit status 0" test $? = 0
check "the writers finish" finished c
check "the record is gone" test ! -e $state/vss-frozen

# ---- kill -9 while frozen, restart: the startup thaw
daemon
check_output "a new daemon registers" "^registered$" fk accept
check_output "FREEZE" "^freeze 0x00000000$" fk freeze
start_writers d
kill -KILL $vss_pid
wait $vss_pid 2>/dev/null
check "kill -9 while frozen: the writers stay blocked" blocked d
check "the record stays" test -s $state/vss-frozen
daemon
check_output "a restarted daemon registers" "^registered$" fk accept
check "having thawed at startup: the writers finish" finished d
check "the record is gone" test ! -e $state/vss-frozen

# ---- kill -9 while frozen, then --thaw (the unit's ExecStopPost)
check_output "FREEZE" "^freeze 0x00000000$" fk freeze
start_writers e
kill -KILL $vss_pid
wait $vss_pid 2>/dev/null
check "kill -9 while frozen: the writers stay blocked" blocked e
check "hv_vss_daemon --thaw: exit status 0" \
	hv_vss_daemon -n --thaw --state-dir $state
check "the writers finish" finished e
check "the record is gone" test ! -e $state/vss-frozen

# ---- the watchdog
daemon --freeze-timeout 4
check_output "a daemon with --freeze-timeout 4 registers" "^registered$" fk accept
check_output "FREEZE" "^freeze 0x00000000$" fk freeze
start_writers f
check "writers block" blocked f
check "no THAW: the watchdog thaws, the writers finish" finished f
check_output "and it says so" "watchdog" cat $log
check_output "a late THAW: 0" "^thaw 0x00000000$" fk thaw

# ---- a freeze failure: a mount point that cannot be opened, last
kill -TERM $vss_pid
wait $vss_pid
grep '^/dev/' /proc/mounts >/tmp/mounts
echo "/dev/vda /nonexistent ext4 rw 0 0" >>/tmp/mounts
daemon --mounts /tmp/mounts
check_output "a daemon with that mount table registers" "^registered$" fk accept
check_output "FREEZE: 0x80004005" "^freeze 0x80004005$" fk freeze
start_writers g
check "the ones frozen before it were thawed again: writes go through" \
	finished g
check "no record left" test ! -e $state/vss-frozen
check_output "the failure is logged" "FREEZE of /nonexistent failed" cat $log
kill -TERM $vss_pid
wait $vss_pid
check "SIGTERM: exit status 0" test $? = 0

fake_kernel_stop
check "no sanitizer report or crash in the daemon's log" \
	sh -c "! grep -E -i 'sanitizer|segmentation' $log"
sed 's/^/# log: /' $log | tail -20
for fs in ext4 xfs vfat ro loop; do
	grep -q " /mnt/$fs " /proc/mounts && umount /mnt/$fs
done
modprobe -r brd 2>/dev/null
done_testing
