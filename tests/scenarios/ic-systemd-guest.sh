# SPDX-License-Identifier: GPL-2.0-only
# Our daemons' systemd units and udev rules (tools/hv/systemd, tools/hv/udev,
# installed by `make install`) in a full Debian guest booted with systemd:
# the simulator offers a KVP device, hv_utils on our hv_vmbus (the one udev
# loads, else the distro's; ours where the distro's cannot load: sid, whose
# VMBus is built in) creates /dev/vmbus/hv_kvp, and udev alone (60-hyperv-daemons.rules,
# SYSTEMD_WANTS) starts hv-kvp-daemon.service, which writes its pools in
# /var/lib/hyperv under the hardening of the unit (checked from the
# process's own mount table and capability sets); systemctl stop and start
# work; taking the device away stops the unit (BindsTo=) and it stays
# stopped; bringing the device back starts it again by itself; the rules of
# 65-ptp-hyperv (/dev/ptp_hyperv) and 62-hyperv-hibernate (the host's
# hibernate request runs systemctl hibernate, which fails for want of swap)
# do their jobs. The VSS and fcopy units get the same where their daemons
# are built. systemd-analyze verify and PID 1's journal show no unknown key
# in our units (a directive this systemd would ignore), on systemd 247
# (bullseye), 252 (bookworm) and 257 (trixie's image, also under sid's
# kernel) alike.
# guest: debian
# kernels: bullseye bookworm trixie sid
# modules: hv_utils?
# tools: hvsim
# timeout: 600
. /lib/hv-test.sh

mainpid() { show "$1" MainPID; }
# mount_ro PID PATH: PATH is a read-only mount in PID's mount namespace
mount_ro() {
	awk -v p="$2" '$5 == p { split($6, o, ","); ro = (o[1] == "ro") } END { exit !ro }' \
		"/proc/$1/mountinfo"
}
# cap_bnd PID: the bounding capability set of PID (hex)
cap_bnd() { awk '$1 == "CapBnd:" { print $2 }' "/proc/$1/status"; }
units=/usr/lib/systemd/system

check "the guest runs systemd as PID 1" test "$(cat /proc/1/comm)" = systemd
check "the system reached multi-user.target" active multi-user.target
diag "systemd $(systemctl --version | head -1 | cut -d' ' -f2)"
check_output "no unit failed during the boot" '^$' \
	sh -c "systemctl list-units --failed --no-legend --plain | awk '{ print \$1 }'"
check "systemd-udevd runs" active systemd-udevd
check "make install put the KVP unit in $units" test -f $units/hv-kvp-daemon.service
check "and the udev rules in /usr/lib/udev/rules.d" \
	test -f /usr/lib/udev/rules.d/60-hyperv-daemons.rules
check "systemd-analyze verify: hv-kvp-daemon.service is clean" \
	systemd-analyze verify --man=no $units/hv-kvp-daemon.service
for d in vss fcopy; do
	if [ -x /usr/sbin/hv_${d}_daemon ]; then
		check "systemd-analyze verify: hv-$d-daemon.service is clean" \
			systemd-analyze verify --man=no $units/hv-$d-daemon.service
	else
		skip "systemd-analyze verify: hv-$d-daemon.service" "hv_${d}_daemon is not built yet"
		check "make install left its unit out" test ! -e $units/hv-$d-daemon.service
	fi
done
# A directive this systemd does not know is ignored with a warning (the
# hardening it stood for then silently missing): none in our units, by
# systemd-analyze verify, and in PID 1's journal once they ran (at the
# end). The same
# search must find the key of a unit made to have one.
unknown_re='Unknown (key|lvalue|section)'
# unknown_keys FILE...: the "Unknown key" lines systemd-analyze verify
# prints for the units (none: exit 0)
unknown_keys() {
	! systemd-analyze verify --man=no "$@" 2>&1 | grep -E "$unknown_re"
}
printf '[Service]\nExecStart=/bin/true\nHvNoSuchKey=yes\n' >/run/hv-bogus.service
check_fails "the search finds the unknown key of a unit made to have one" \
	unknown_keys /run/hv-bogus.service
rm -f /run/hv-bogus.service
ours=$(ls $units/hv-*-daemon.service)
check "systemd-analyze verify: no unknown key in $(echo $ours | xargs -n1 basename | tr '\n' ' ')" \
	unknown_keys $ours
check "hv-kvp-daemon is not active before the device exists" not_active hv-kvp-daemon

# The hv_utils that creates the nodes: the distro's where it can run on our
# core; where it cannot (sid: VMBus built into vmlinux, our modules on
# hv_vmbus_test.ko) ours, which is the same test of the units and rules
# (our hv_utils, our daemon, its unit, the udev rules).
v=distro
why=$(hv_utils_why_not distro)
if [ -n "$why" ]; then
	v=ours
	diag "the distro's hv_utils cannot be used ($why): the units run on OUR hv_utils"
	why=$(hv_utils_why_not ours kvp)
fi
if [ -n "$why" ]; then
	skip "the units on a hv_utils" "$why"
	done_testing
	exit
fi
# ours serves fcopy on every kernel with fcopy=chardev (Linux 6.10 moved the
# distro's to UIO)
param=
[ $v = ours ] && modinfo -p "$(our_module hv_utils)" | grep -q '^fcopy:' && param=fcopy=chardev

modprobe hv_hostsim
kvp=$(hvsim offer kvp)
check "the host offers a KVP device (relid $kvp)" test -n "$kvp"
check "our hv_vmbus loads" modprobe hv_vmbus
# udev may load a hv_utils for the device by its alias: ours (updates/dkms)
# when it serves KVP; else the distro's is loaded by file
udevadm settle
if grep -q '^hv_utils ' /proc/modules; then
	diag "udev loaded hv_utils: $(modinfo -F filename hv_utils)"
else
	check "the $v hv_utils loads on it ${param:-}" hv_utils_load $v $param
	diag "hv_utils: $(modinfo -F filename hv_utils)"
fi
check "hv_utils creates /dev/vmbus/hv_kvp" wait_for test -c /dev/vmbus/hv_kvp
t0=$(date +%s.%N)
check "hv-kvp-daemon becomes active within 10 s, started by udev alone" \
	wait_secs 10 active hv-kvp-daemon
diag "active $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after the node appeared"
check_output "udev tagged the node for systemd and wanted the unit" \
	"SYSTEMD_WANTS=.*hv-kvp-daemon.service" udevadm info /dev/vmbus/hv_kvp
check_output "the unit is bound to the node's device unit" \
	'sys-devices-virtual-misc-vmbus\\+x21hv_kvp\.device' show hv-kvp-daemon BindsTo
check "the daemon registers (the kernel answers 3.1)" \
	wait_for sh -c 'journalctl -b -u hv-kvp-daemon | grep -q "KVP LIC Version: 3.1"'
check "the five pool files appear under /var/lib/hyperv" wait_for sh -c \
	'for i in 0 1 2 3 4; do test -f /var/lib/hyperv/.kvp_pool_$i || exit 1; done'

# The hardening, as systemd reports it and as the process lives it.
check_output "systemctl show: the hardening options are set" \
	'^ProtectSystem=full ProtectHome=yes NoNewPrivileges=yes ProtectKernelModules=yes ProtectKernelTunables=yes ProtectControlGroups=yes DevicePolicy=closed$' \
	sh -c 'for p in ProtectSystem ProtectHome NoNewPrivileges ProtectKernelModules ProtectKernelTunables ProtectControlGroups DevicePolicy; do printf "%s " "$p=$(systemctl show -p $p --value hv-kvp-daemon)"; done | sed "s/ \$//"'
check_output "systemctl show: only CAP_NET_ADMIN in the bounding set" \
	'^cap_net_admin$' show hv-kvp-daemon CapabilityBoundingSet
check_output "systemctl show: only its device node is allowed" \
	'^/dev/vmbus/hv_kvp rw$' show hv-kvp-daemon DeviceAllow
pid=$(mainpid hv-kvp-daemon)
check "the daemon's process ($pid): bounding set is CAP_NET_ADMIN alone" \
	test "$(cap_bnd "$pid")" = 0000000000001000
check_output "no new privileges for it" '^NoNewPrivs:[[:space:]]+1$' \
	grep NoNewPrivs "/proc/$pid/status"
check "/usr is read-only in its mount namespace (ProtectSystem=full)" mount_ro "$pid" /usr
check "/etc too" mount_ro "$pid" /etc
check_fails "but / is read-write in the system's (the guest is a writable snapshot)" \
	mount_ro 1 /
check "/var/lib/hyperv is writable to it (its pools were written)" \
	test -w /var/lib/hyperv/.kvp_pool_0

# systemctl stop and start.
check "systemctl stop hv-kvp-daemon" systemctl stop hv-kvp-daemon
check "it is inactive" test "$(systemctl is-active hv-kvp-daemon)" = inactive
check "and its process is gone" sh -c "! kill -0 $pid 2>/dev/null"
check "systemctl start hv-kvp-daemon" systemctl start hv-kvp-daemon
check "it is active" active hv-kvp-daemon
check "a new process registered again" wait_for sh -c \
	'test "$(journalctl -b -u hv-kvp-daemon | grep -c "KVP LIC Version: 3.1")" = 2'
pid=$(mainpid hv-kvp-daemon)

# The device goes: the host rescinds the KVP offer, hv_utils' device is
# removed with its node, and the unit stops (BindsTo=).
check "the host rescinds the KVP device" hvsim rescind "$kvp"
check "/dev/vmbus/hv_kvp goes" wait_for test ! -e /dev/vmbus/hv_kvp
check "hv-kvp-daemon stops within 10 s" wait_secs 10 not_active hv-kvp-daemon
diag "state: $(systemctl is-active hv-kvp-daemon), result $(show hv-kvp-daemon Result)"
check "the node's device unit is inactive" \
	test "$(systemctl is-active 'sys-devices-virtual-misc-vmbus\x21hv_kvp.device')" = inactive
sleep 3
check "and the unit stays stopped (no restart without its device)" not_active hv-kvp-daemon
check "its process is gone" sh -c "! kill -0 $pid 2>/dev/null"
check "hv_utils unloads (nothing holds it)" rmmod hv_utils

# The device comes back: the unit starts again by itself.
kvp=$(hvsim offer kvp)
check "the host offers KVP again (relid $kvp)" test -n "$kvp"
udevadm settle
grep -q '^hv_utils ' /proc/modules || hv_utils_load $v $param
check "hv-kvp-daemon becomes active again within 10 s" wait_secs 10 active hv-kvp-daemon
check "the new daemon registers" wait_for sh -c \
	'test "$(journalctl -b -u hv-kvp-daemon | grep -c "KVP LIC Version: 3.1")" = 3'

# VSS and fcopy: hv_utils creates their nodes when offered.
for d in vss fcopy; do
	if [ ! -x /usr/sbin/hv_${d}_daemon ]; then
		skip "hv-$d-daemon.service starts by udev" "hv_${d}_daemon is not built yet"
		continue
	fi
	rel=$(hvsim offer $d)
	if ! wait_secs 10 test -c /dev/vmbus/hv_$d; then
		skip "hv-$d-daemon.service starts by udev" "this hv_utils creates no /dev/vmbus/hv_$d"
		hvsim rescind "$rel"
		continue
	fi
	check "hv-$d-daemon becomes active within 10 s, started by udev alone" \
		wait_secs 10 active hv-$d-daemon
	hvsim rescind "$rel"
	check "the host rescinds $d: hv-$d-daemon stops" wait_secs 10 not_active hv-$d-daemon
done

# 65-ptp-hyperv.rules: timesync's PTP clock gets its stable name.
ts=$(hvsim offer timesync 2dd1ce17-079e-403c-b352-a1921ee207ee)
check "the host offers timesync (relid $ts)" test -n "$ts"
check "/dev/ptp_hyperv appears" wait_secs 10 test -L /dev/ptp_hyperv
ptp=$(readlink -f /dev/ptp_hyperv)
check "it names the clock called hyperv ($ptp)" \
	test "$(cat "/sys/class/ptp/${ptp##*/}/clock_name" 2>/dev/null)" = hyperv
diag "rules naming it: $(grep -l ptp_hyperv /usr/lib/udev/rules.d/*.rules | xargs -n1 basename | tr '\n' ' ')"

# 62-hyperv-hibernate.rules: the host asks for hibernation; where the
# guest's ACPI allows S4 hv_utils sends its uevent and the rule runs
# systemctl hibernate, which fails here (no swap) and says so.
sd=$(hvsim offer shutdown b6650ff7-33bc-4840-8048-e0676786f393)
check "the host offers shutdown (relid $sd)" test -n "$sd"
wait_for sh -c "hvsim ic status $sd | grep -q ' state=ready '"
journal() { journalctl -b --no-pager -o cat "$@"; }
journal_has() { journal | grep -E -q -- "$1"; }
# systemd 247's and 252's systemctl start systemd-hibernate.service (247
# describes it as "Hibernate", 252 as "System Hibernate"), which fails;
# 257's checks for swap itself and refuses, and udev logs its failure
started='Starting (systemd-hibernate\.service|System Hibernate|Hibernate\.\.\.)'
refused="Process '/bin/systemctl hibernate' failed"
check_fails "nothing asked for hibernation before" journal_has "$started|$refused"
out=$(hvsim shutdown --hibernate --timeout 10000 2>/dev/null)
diag "hibernate: $(echo "$out" | sed 's/.*\(status=[^ ]* [^ ]*\).*/\1/') (the guest's ACPI S4 decides)"
case "$out" in
*"(S_OK)"*)
	check "hv_utils sent its hibernate uevent" dmesg_has "Sent hibernation uevent"
	check "the rule ran systemctl hibernate (systemd-hibernate.service started, or systemctl refused)" \
		wait_secs 30 journal_has "$started|$refused"
	check "which failed cleanly (no swap to hibernate to), the guest running on" \
		wait_secs 30 journal_has "systemd-hibernate\.service: Failed|$refused"
	journal | grep -E "systemd-hibernate|systemctl hibernate" | grep -v -E "^((not )?ok |# )" |
		tail -3 | sed "s/^/# /"
	;;
*) skip "the hibernate rule" "the guest's hv_utils refused hibernation: $out" ;;
esac
udevadm settle

hvsim rescind "$kvp"
check "the host rescinds the KVP device: the unit stops" wait_secs 10 not_active hv-kvp-daemon
check "hv_utils unloads" rmmod hv_utils
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
check_output "PID 1 loaded our units (its journal names them)" 'hv-kvp-daemon\.service' \
	journalctl -b _PID=1 --no-pager -o cat
check_fails "PID 1's journal: no unknown key in our units since the boot" \
	sh -c "journalctl -b _PID=1 --no-pager -o cat | grep -E 'hv-.*-daemon\.service.*($unknown_re)'"
done_testing
