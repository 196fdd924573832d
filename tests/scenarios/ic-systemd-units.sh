# SPDX-License-Identifier: GPL-2.0-only
# The VSS and fcopy units (tools/hv/systemd, started by udev through
# 60-hyperv-daemons.rules) running in the Debian systemd guest, on our
# hv_utils (VSS: VMBus 3.0 or later; fcopy: fcopy=chardev, which tools/hv
# installs in modprobe.d with hv_fcopy_daemon): the host offers VSS and fcopy, udev alone starts
# hv-vss-daemon and hv-fcopy-daemon within 10 s; `hvsim vss backup` freezes
# a real ext4 on a brd RAM disk (the root's ext4 without mkfs.ext4) (a writer on it blocks while it is frozen
# and goes through after the thaw) and the backup ends S_OK; `hvsim fcopy`
# puts a file byte-identical into /srv; a freeze left by the host and
# `systemctl kill -s KILL hv-vss-daemon`: ExecStopPost (--thaw) thaws it
# (the writer goes through within 5 s) and Restart=on-failure brings the
# unit back, which serves the next backup; the hardening of both units as
# systemd reports it and as the processes live it; the host rescinds both
# devices: both units stop (BindsTo=) and stay stopped.
# (Every mounted file system is frozen by a backup, the root of the guest
# included: nothing here writes to it while frozen.)
# guest: debian
# kernels: bullseye bookworm trixie sid
# modules: brd? ext4? crc32c_generic? hv_utils?
# tools: hvsim
# timeout: 600
. /lib/hv-test.sh

cap_bnd() { awk '$1 == "CapBnd:" { print $2 }' "/proc/$1/status"; }
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }
mnt=/mnt/brd

why=$(hv_utils_why_not ours vss)
[ -n "$why" ] || why=$(hv_utils_why_not ours fcopy)
if [ -n "$why" ]; then
	skip "the VSS and fcopy units on our hv_utils" "$why"
	done_testing
	exit
fi
for d in vss fcopy; do
	check "hv_${d}_daemon and its unit are installed" \
		test -x /usr/sbin/hv_${d}_daemon -a -f /usr/lib/systemd/system/hv-$d-daemon.service
	check "hv-$d-daemon is not active before its device exists" not_active hv-$d-daemon
done

# the ext4 the backup freezes: on brd (hv_vss_daemon skips loop devices);
# where the image has no mkfs.ext4 (trixie's minbase), the guest's root
# (ext4 on the virtio disk), which every backup freezes as well
brd=
if command -v mkfs.ext4 >/dev/null && modprobe brd rd_nr=1 rd_size=65536 2>/dev/null; then
	mkdir -p $mnt
	check "an ext4 on /dev/ram0 mounted on $mnt" \
		sh -c "mkfs.ext4 -q -F /dev/ram0 && mount -t ext4 /dev/ram0 $mnt"
	brd=1
else
	mnt=/var/tmp/hv-vss
	mkdir -p $mnt
	check "no mkfs.ext4 or brd here: the frozen ext4 is the root's ($mnt)" \
		test "$(findmnt -n -o FSTYPE -T $mnt)" = ext4
fi
diag "the backup's ext4: $(findmnt -n -o SOURCE,TARGET,FSTYPE -T $mnt)"

check "modprobe hv_hostsim" modprobe hv_hostsim
check "modprobe hv_vmbus" modprobe hv_vmbus
# tools/hv installs hv_utils' fcopy=chardev with hv_fcopy_daemon: a plain
# modprobe serves fcopy on every kernel, 6.10 and later included
check "tools/hv installed 'options hv_utils fcopy=chardev' in modprobe.d" \
	grep -q -x 'options hv_utils fcopy=chardev' /usr/lib/modprobe.d/hyperv-daemons.conf
check "our hv_utils loads by a plain modprobe" modprobe hv_utils
diag "hv_utils: $(modinfo -F filename hv_utils)"
check "... with fcopy=chardev, from modprobe.d" \
	test "$(cat /sys/module/hv_utils/parameters/fcopy 2>/dev/null)" = chardev
vss=$(hvsim offer vss)
fc=$(hvsim offer fcopy)
check "the host offers VSS (relid $vss) and fcopy (relid $fc)" test -n "$vss" -a -n "$fc"
for d in vss fcopy; do
	check "hv_utils creates /dev/vmbus/hv_$d" wait_secs 10 test -c /dev/vmbus/hv_$d
	t0=$(date +%s.%N)
	check "hv-$d-daemon becomes active within 10 s, started by udev alone" \
		wait_secs 10 active hv-$d-daemon
	diag "active $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after the node appeared"
	check_output "udev wanted it for the node" "SYSTEMD_WANTS=.*hv-$d-daemon.service" \
		udevadm info /dev/vmbus/hv_$d
done
check "VSS is ready on the host's side" \
	wait_for sh -c "hvsim ic status $vss | grep -q ' state=ready '"
check "fcopy too" wait_for sh -c "hvsim ic status $fc | grep -q ' state=ready '"

# The hardening, as systemd says and as the processes live it.
props() {
	local u=$1 p
	shift
	for p; do printf '%s ' "$p=$(show "$u" "$p")"; done | sed 's/ $//'
}
check_output "hv-vss-daemon: systemctl show" \
	'^NoNewPrivileges=yes DevicePolicy=closed DeviceAllow=/dev/vmbus/hv_vss rw RestrictRealtime=yes LockPersonality=yes Restart=on-failure ProtectSystem=no$' \
	props hv-vss-daemon NoNewPrivileges DevicePolicy DeviceAllow RestrictRealtime LockPersonality Restart ProtectSystem
check_output "hv-vss-daemon: CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH only" \
	'^cap_dac_read_search cap_sys_admin$' show hv-vss-daemon CapabilityBoundingSet
check_output "hv-vss-daemon: AF_UNIX only" '^AF_UNIX$' show hv-vss-daemon RestrictAddressFamilies
check_output "hv-vss-daemon: ExecStopPost thaws" 'path=/usr/sbin/hv_vss_daemon ; argv\[\]=/usr/sbin/hv_vss_daemon --thaw ' \
	show hv-vss-daemon ExecStopPost
check_output "hv-fcopy-daemon: systemctl show" \
	'^NoNewPrivileges=yes DevicePolicy=closed DeviceAllow=/dev/vmbus/hv_fcopy rw ProtectKernelModules=yes ProtectKernelTunables=yes ProtectControlGroups=yes Restart=on-failure$' \
	props hv-fcopy-daemon NoNewPrivileges DevicePolicy DeviceAllow ProtectKernelModules ProtectKernelTunables ProtectControlGroups Restart
check_output "hv-fcopy-daemon: CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER only" \
	'^cap_chown cap_dac_override cap_fowner$' show hv-fcopy-daemon CapabilityBoundingSet
vpid=$(show hv-vss-daemon MainPID)
fpid=$(show hv-fcopy-daemon MainPID)
check "the VSS daemon's process ($vpid): bounding set SYS_ADMIN|DAC_READ_SEARCH" \
	test "$(cap_bnd "$vpid")" = 0000000000200004
check "the fcopy daemon's process ($fpid): bounding set CHOWN|DAC_OVERRIDE|FOWNER" \
	test "$(cap_bnd "$fpid")" = 000000000000000b
for p in $vpid $fpid; do
	check_output "no new privileges for $p" '^NoNewPrivs:[[:space:]]+1$' grep NoNewPrivs "/proc/$p/status"
done

# fcopy: a file into /srv, byte-identical.
head -c 200000 /dev/urandom >/root/fcopy-src
rm -f /srv/from-host.bin
check "hvsim fcopy a 200000-byte file into /srv" hvsim fcopy /root/fcopy-src /srv from-host.bin
check "it is there, byte-identical" cmp /root/fcopy-src /srv/from-host.bin

# VSS: a backup freezes the ext4 and thaws it.
if [ -n "$mnt" ]; then
	# (the host holds the freeze 10 s: the poll, the sleeps and the
	# writer's start must fit in it on a loaded machine; 4 s did not once)
	hvsim vss backup --hold 10000 >/run/backup.out 2>&1 &
	bpid=$!
	# the freeze answered: the writer after it must block
	wait_secs 30 sh -c "hvsim ic requests $vss | grep -q ' kind=vss .* state=answered .* op=freeze'"
	sleep 0.5
	touch $mnt/during-backup &
	wpid=$!
	sleep 1.5
	check "while frozen, a writer on $mnt blocks" alive $wpid
	wait $bpid
	ok $? "the backup ends (exit 0: every answer S_OK)"
	sed 's/^/# /' /run/backup.out
	check "after the thaw the writer goes through" wait_secs 5 dead $wpid
	check "and its file is there" test -e $mnt/during-backup

	# a freeze the host leaves, then the daemon killed
	check_output "hvsim vss freeze: S_OK" 'status=0x00000000' hvsim vss freeze
	touch $mnt/while-killed &
	wpid=$!
	sleep 1.5
	check "frozen: a writer blocks" alive $wpid
	n0=$(show hv-vss-daemon NRestarts)
	check "systemctl kill -s KILL hv-vss-daemon" systemctl kill -s KILL hv-vss-daemon
	check "the file system is writable within 5 s (ExecStopPost --thaw)" wait_secs 5 dead $wpid
	check "the writer's file is there" test -e $mnt/while-killed
	check "Restart=on-failure brings the unit back within 10 s" wait_secs 10 active hv-vss-daemon
	check "restarted once (NRestarts $n0 -> $(show hv-vss-daemon NRestarts))" \
		test "$(show hv-vss-daemon NRestarts)" = $((n0 + 1))
	check "a new process" test "$(show hv-vss-daemon MainPID)" != "$vpid"
	journalctl -b -u hv-vss-daemon --no-pager -o cat | tail -4 | sed 's/^/# /'
	# the host's side thaws; the new daemon answers
	hvsim vss thaw >/dev/null 2>&1
	check "the restarted daemon serves a whole backup" hvsim vss backup --hold 200
	check "and $mnt is writable after it" touch $mnt/after
fi

for r in $vss $fc; do
	check_output "the host refused no answer (relid $r)" \
		" bad_answers=0 bad_pkts=0 unsolicited=0 " hvsim ic status "$r"
done

# Rescind: both units stop and stay stopped.
check "the host rescinds VSS" hvsim rescind "$vss"
check "and fcopy" hvsim rescind "$fc"
for d in vss fcopy; do
	check "hv-$d-daemon stops within 10 s (BindsTo=)" wait_secs 10 not_active hv-$d-daemon
done
sleep 3
for d in vss fcopy; do
	check "hv-$d-daemon stays stopped" not_active hv-$d-daemon
done
[ -n "$brd" ] && umount $mnt
check "hv_utils unloads" rmmod hv_utils
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
modprobe -r brd 2>/dev/null
done_testing
