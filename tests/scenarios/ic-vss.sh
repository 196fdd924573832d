# SPDX-License-Identifier: GPL-2.0-only
# VSS end to end: the simulated host's hvsim vss requests through a kernel
# side (the distro's hv_utils, ours once it serves VSS) and a daemon
# (Debian's hyperv-daemons of the suite; ours once tools/hv has it), with
# assertions on the guest's filesystems (docs/design/hv_utils.md §6.5 item
# 8): ext4 on a brd RAM disk (a loop device on a RAM-backed file where the
# kernel has no brd: debug), a vfat and a read-only ext4 beside it;
# - CHECK_HOT_BACKUP and GET_DM_INFO answered S_OK;
# - FREEZE (6260-byte body, a LUN table of 4) → S_OK, then a writer on the
#   ext4 blocks (it has not finished 2 s later) while a writer on the vfat
#   finishes (the daemons leave vfat and read-only mounts alone);
# - THAW → S_OK and the blocked writer finishes, its data there;
# - BU_COMPLETE S_OK; a whole "hvsim vss backup --hold 500" exits 0 and
#   leaves the ext4 writable;
# - no daemon: FREEZE → 0x80004005 at once (the kernel answers E_FAIL);
# - the host counted no bad answer.
# binaries: kmod mkfs.ext4
# modules: hv_utils? brd? ext4? crc32c_generic? vfat? nls_cp437? nls_utf8? nls_ascii?
# tools: hvsim hv_vss_daemon?
# distro-daemons: yes
# timeout: 600
. /lib/hv-test.sh

start_daemon() {
	case $1 in
	ours) hv_vss_daemon -n >/tmp/vssd.log 2>&1 & ;;
	debian) "$(debian_daemon vss)" -n >/tmp/vssd.log 2>&1 & ;;
	esac
	daemon_pid=$!
}

status_of() { sed -n 's/.* status=\(0x[0-9a-f]*\) .*/\1/p' <<<"$1"; }

run_vss() {
	local kv=$1 dv=$2 out
	diag "VSS with the $kv hv_utils and the $dv daemon"
	check "[$kv/$dv] the $kv hv_utils loads" hv_utils_load $kv
	check "[$kv/$dv] /dev/vmbus/hv_vss appears" wait_for test -c /dev/vmbus/hv_vss
	check "[$kv/$dv] VSS 5.0 agreed" \
		wait_for sh -c "hvsim ic status vss | grep -q 'state=ready fw=3.0 msg=5.0'"
	start_daemon $dv
	# the daemon registers: the kernel then passes requests on
	sleep 1
	check "[$kv/$dv] the daemon runs" kill -0 $daemon_pid

	out=$(hvsim vss check)
	check_output "[$kv/$dv] CHECK_HOT_BACKUP: S_OK" "op=check answer_flags=0x[0-9a-f]+$" echo "$out"
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$kv/$dv] ... status 0"
	out=$(hvsim vss dminfo)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$kv/$dv] GET_DM_INFO: S_OK"

	out=$(hvsim vss freeze --luns 4)
	check_output "[$kv/$dv] FREEZE with 4 LUNs (6260-byte body): S_OK" \
		"status=0x00000000 .*body_len=6260 .*op=freeze luns=4" echo "$out"
	writer /mnt/ext4 frozen
	[ -n "$vfat" ] || writer /mnt/vfat frozen
	sleep 2
	if [ "$D0" = /dev/ram0 ]; then
		check "[$kv/$dv] the ext4 writer is blocked while frozen (2 s)" test ! -e /mnt/ext4.done
	else
		# upstream's daemon skips loop devices (freezing one could
		# deadlock on its backing file), so here nothing may block
		check "[$kv/$dv] the ext4 on a loop device is left alone (its writer finished)" \
			test -e /mnt/ext4.done
	fi
	if [ -z "$vfat" ]; then
		check "[$kv/$dv] the vfat writer is not (vfat left alone)" test -e /mnt/vfat.done
	else
		skip "[$kv/$dv] the vfat writer is not (vfat left alone)" "$vfat"
	fi
	check "[$kv/$dv] the read-only ext4 is still mounted read-only" \
		grep -q ' /mnt/ro ext4 ro[,:]' /proc/mounts
	out=$(hvsim vss thaw)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$kv/$dv] THAW: S_OK"
	check "[$kv/$dv] the ext4 writer finishes after the thaw" wait_for test -e /mnt/ext4.done
	check_output "[$kv/$dv] ... its data is there" "written while frozen" cat /mnt/ext4/f
	out=$(hvsim vss complete)
	ok $([ "$(status_of "$out")" = 0x00000000 ]; echo $?) "[$kv/$dv] BU_COMPLETE: S_OK"

	check "[$kv/$dv] hvsim vss backup --hold 500: every answer S_OK (exit 0)" \
		hvsim vss backup --hold 500
	writer /mnt/ext4 writable
	check "[$kv/$dv] ... and the ext4 is writable after it" wait_for test -e /mnt/ext4.done

	kill -TERM $daemon_pid
	wait $daemon_pid
	out=$(hvsim vss freeze)
	ok $([ "$(status_of "$out")" = 0x80004005 ]; echo $?) \
		"[$kv/$dv] no daemon: FREEZE answered 0x80004005 ($(status_of "$out"))"
	writer /mnt/ext4 "no daemon"
	check "[$kv/$dv] ... and nothing is frozen" wait_for test -e /mnt/ext4.done
	check_output "[$kv/$dv] the host counted no bad answer, no timeout" \
		"timeouts=0 bad_answers=0 bad_pkts=0" hvsim ic status vss
	check "[$kv/$dv] the $kv hv_utils unloads" hv_utils_unload
}

# hvsim vss usage errors (no host needed to refuse them)
for args in "bogus" "thaw --luns 2" "freeze --luns 261" "backup --hold" "check extra"; do
	# shellcheck disable=SC2086
	hvsim vss $args >/dev/null 2>&1
	ok $([ $? = 2 ]; echo $?) "hvsim vss $args: usage error, exit 2"
done

# RAM disks: brd where the kernel has it, else (the debug kernel) loop
# devices on files in the initramfs's RAM
if modprobe brd rd_nr=3 rd_size=32768 2>/dev/null && [ -b /dev/ram2 ]; then
	D0=/dev/ram0 D1=/dev/ram1 D2=/dev/ram2
else
	for i in 0 1 2; do
		dd if=/dev/zero of=/tmp/disk$i bs=1M count=32 2>/dev/null
		losetup /dev/loop$i /tmp/disk$i
	done
	D0=/dev/loop0 D1=/dev/loop1 D2=/dev/loop2
	diag "no brd in this kernel: loop devices on RAM-backed files"
fi
modprobe crc32c_generic 2>/dev/null
modprobe ext4 2>/dev/null
check "mkfs.ext4 on $D0" mkfs.ext4 -q -F $D0
check "mkfs.ext4 on $D2" mkfs.ext4 -q -F $D2
mkdir -p /mnt/ext4 /mnt/vfat /mnt/ro
check "ext4 mounts on /mnt/ext4" mount -t ext4 $D0 /mnt/ext4
check "ext4 mounts read-only on /mnt/ro" mount -t ext4 -o ro $D2 /mnt/ro
modprobe vfat 2>/dev/null
for m in nls_cp437 nls_utf8 nls_ascii; do modprobe $m 2>/dev/null; done
vfat=
if ! grep -qw vfat /proc/filesystems; then
	vfat="this kernel has no vfat"
elif ! busybox mkdosfs $D1 >/dev/null 2>&1 || ! mount -t vfat $D1 /mnt/vfat; then
	vfat="mkdosfs or the vfat mount failed"
	ok 1 "a vfat mounts on /mnt/vfat"
else
	ok 0 "a vfat mounts on /mnt/vfat"
fi

modprobe hv_hostsim
vss=$(hvsim offer vss)
check "the host offers a VSS device (relid $vss)" test -n "$vss"
check "our hv_vmbus loads" modprobe hv_vmbus
for_each_variant vss VSS run_vss
umount /mnt/ext4 /mnt/ro
[ -n "$vfat" ] || umount /mnt/vfat
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
