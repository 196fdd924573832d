#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) and cache a Debian root filesystem image with systemd for the
# VM harness's "# guest: debian" scenarios: a debootstrap minbase system
# with systemd as init, udev, kmod, iproute2 and the libraries
# hv_kvp_daemon links with, as a raw ext4 filesystem (no partition table,
# /dev/vda in the guest). It holds no kernel and no modules: the harness
# adds the matrix kernel's modules, ours and our tools at each boot, and
# boots the image with QEMU -snapshot so the cached file never changes.
#
# usage: tests/vm/debian-image.sh [--path] SUITE
#   --path   print the image's path (building it first if needed)
#
# Cached as $HV_CACHE/images/debian-SUITE-HASH.img, HASH being the first 12
# hex digits of this script's sha256: a changed script builds a new image;
# an unchanged one returns at once (and stamps the image's mtime as its last
# use). Images of the suite unused for 7 days go when a new one is built
# (other checkouts of an older script may still boot theirs). Runs as root; debootstrap fetches from $HV_MIRROR into its own
# directory and never touches the machine's apt sources.
set -eu
. "$(dirname "$0")/../lib/common.sh"

print_path=0
case "${1:-}" in
--path) print_path=1; shift ;;
-h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[ $# = 1 ] || hv_die "usage: tests/vm/debian-image.sh [--path] SUITE"
suite=$1
case " $HV_SUITES " in *" $suite "*) ;; *) hv_die "unknown suite $suite" ;; esac

hash=$(sha256sum "$0" | cut -c1-12)
dir=$HV_CACHE/images
img=$dir/debian-$suite-$hash.img
if [ -f "$img" ]; then
	touch "$img" 2>/dev/null || :
	[ $print_path = 1 ] && echo "$img"
	exit 0
fi
[ "$(id -u)" = 0 ] || hv_die "building the $suite image needs root (debootstrap)"
hv_need_host_packages debootstrap debian-archive-keyring e2fsprogs

# What a minimal systemd guest of ours needs: init, udev (the units start
# from udev rules), kmod (modprobe), iproute2 (the KVP scripts), libnl
# (hv_kvp_daemon), bash (the scenarios), chrony (ic-chrony: chronyd on the
# Hyper-V PTP clock; installed but not started at boot).
packages=systemd,systemd-sysv,udev,kmod,iproute2,libnl-3-200,libnl-route-3-200,bash,chrony
size=1536M

mkdir -p "$dir"
# one build of a suite at a time (run-all.sh boots two VMs at once, and
# several checkouts share the cache): the others wait and then find it
exec 9>"$dir/.debian-$suite.lock"
flock 9
if [ -f "$img" ]; then
	[ $print_path = 1 ] && echo "$img"
	exit 0
fi
tmp=$dir/.debian-$suite.tmp
rm -rf "$tmp" "$img.tmp"
mkdir -p "$tmp"
start=$(date +%s)
hv_log "[$suite] debootstrap minbase + $packages (log: $dir/debian-$suite.log)"
if ! debootstrap --variant=minbase --include="$packages" \
		"$suite" "$tmp/root" "$HV_MIRROR" >"$dir/debian-$suite.log" 2>&1; then
	tail -20 "$dir/debian-$suite.log" >&2
	rm -rf "$tmp"
	hv_die "[$suite] debootstrap failed (log: $dir/debian-$suite.log)"
fi
r=$tmp/root

# Configuration of the guest system.
echo hv-test-vm >"$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\thv-test-vm\n' >"$r/etc/hosts"
printf '/dev/vda\t/\text4\trw,errors=remount-ro\t0\t0\n' >"$r/etc/fstab"
# a fresh machine id at each boot (the root is a snapshot)
: >"$r/etc/machine-id"
# Units that would only slow the boot or print on the console: the login
# prompts, apt's and e2fsprogs' timers.
for u in getty@.service serial-getty@.service getty-static.service apt-daily.timer \
	 apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
	 fstrim.timer systemd-timesyncd.service; do
	ln -sf /dev/null "$r/etc/systemd/system/$u"
done
# chrony is installed enabled; the scenarios that want it configure and
# start it themselves (no network, and no clock discipline in the others)
rm -f "$r"/etc/systemd/system/*.wants/chrony*.service "$r/etc/systemd/system/chronyd.service"
# the journal in memory only, and on the console at warning level
mkdir -p "$r/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$r/etc/systemd/journald.conf.d/hv-test.conf"
# no package cache in the image
rm -rf "$r/var/cache/apt/archives/"*.deb "$r/var/lib/apt/lists/"*

truncate -s "$size" "$img.tmp"
mkfs.ext4 -q -F -L hv-root -d "$r" "$img.tmp" >"$dir/debian-$suite.mkfs.log" 2>&1 || {
	cat "$dir/debian-$suite.mkfs.log" >&2
	rm -rf "$tmp" "$img.tmp"
	hv_die "[$suite] mkfs.ext4 -d failed"
}
rm -rf "$tmp"
# images of this suite unused for a week go (other checkouts may still
# use a recent one of an older script)
find "$dir" -maxdepth 1 -name "debian-$suite-*.img" -mtime +7 -delete
mv "$img.tmp" "$img"
hv_log "[$suite] image $img built in $(($(date +%s) - start)) s ($(du -h "$img" | cut -f1) used)"
[ $print_path = 1 ] && echo "$img"
exit 0
