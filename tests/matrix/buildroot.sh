#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare (once) and cache a Debian build root per kernel of the matrix:
# a debootstrap chroot with build-essential, dkms and linux-headers-amd64,
# plus the matching linux-image unpacked beside it (vmlinuz and the distro's
# own modules, which the VM harness boots and uses as the reference peer).
#
# usage: tests/matrix/buildroot.sh [--refresh] [SUITE...]   (default: all)
#        tests/matrix/buildroot.sh --kver SUITE             print its kernel release
#
# Layout under $HV_CACHE (default ~/.cache/hyperv-dkms):
#   roots/SUITE/                 the chroot
#   kernels/SUITE/vmlinuz        the distro kernel
#   kernels/SUITE/lib/modules/KVER/   the distro's modules (as shipped)
#   kernels/SUITE/kver           the kernel release string
set -eu
. "$(dirname "$0")/../lib/common.sh"

refresh=0
case "${1:-}" in
--refresh) refresh=1; shift ;;
--kver) cat "$HV_KERNELS/$2/kver"; exit 0 ;;
-h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
suites=${*:-$HV_SUITES}

hv_need_host_packages debootstrap debian-archive-keyring dpkg-dev util-linux

# Root packages: what `dkms build` needs on a user's machine, and nothing else.
root_packages=build-essential,dkms,kmod,linux-headers-amd64,ca-certificates

make_root() {
	local suite=$1 root=$HV_ROOTS/$1 tmp=$HV_ROOTS/.$1.tmp
	rm -rf "$tmp"
	hv_log "[$suite] debootstrap (minbase + $root_packages)"
	if ! debootstrap --variant=minbase --include="$root_packages" \
			"$suite" "$tmp" "$HV_MIRROR" >"$HV_ROOTS/$suite.debootstrap.log" 2>&1; then
		tail -20 "$HV_ROOTS/$suite.debootstrap.log" >&2
		hv_die "[$suite] debootstrap failed (log: $HV_ROOTS/$suite.debootstrap.log)"
	fi
	rm -rf "$root"
	mv "$tmp" "$root"
}

# The kernel image and modules: one linux-image package up to trixie; sid
# splits them into linux-binary and linux-modules behind a metapackage.
unpack_kernel() {
	local suite=$1 kver dir=$HV_KERNELS/$1 set deb img
	kver=$(hv_root_kver "$suite") || hv_die "[$suite] no kernel headers in the build root"
	rm -rf "$dir" && mkdir -p "$dir"
	for set in "linux-image-$kver-unsigned" "linux-image-$kver" \
		   "linux-binary-$kver linux-modules-$kver"; do
		rm -rf "$dir/debs" "$dir/unpacked" && mkdir -p "$dir/debs" "$dir/unpacked"
		hv_in_root "$suite" sh -c "rm -rf /tmp/hv-debs && mkdir /tmp/hv-debs &&
			cd /tmp/hv-debs && apt-get download -q $set" >>"$dir/download.log" 2>&1 ||
			continue
		mv "$HV_ROOTS/$suite"/tmp/hv-debs/*.deb "$dir/debs/"
		for deb in "$dir"/debs/*.deb; do
			dpkg-deb -x "$deb" "$dir/unpacked"
		done
		for img in "$dir/unpacked/boot/vmlinuz-$kver" \
			   "$dir/unpacked/usr/lib/modules/$kver/vmlinuz"; do
			[ -f "$img" ] && mv "$img" "$dir/vmlinuz" && break
		done
		[ -f "$dir/vmlinuz" ] || continue
		mkdir -p "$dir/lib/modules"
		if [ -d "$dir/unpacked/usr/lib/modules/$kver" ]; then
			mv "$dir/unpacked/usr/lib/modules/$kver" "$dir/lib/modules/"
		else
			mv "$dir/unpacked/lib/modules/$kver" "$dir/lib/modules/"
		fi
		break
	done
	rm -rf "$dir/unpacked"
	[ -f "$dir/vmlinuz" ] || hv_die "[$suite] cannot get the kernel image for $kver (see $dir/download.log)"
	# the packages ship no modules.dep: generate it as the installed system would
	depmod -b "$dir" "$kver" || hv_die "[$suite] depmod failed"
	cp "$HV_ROOTS/$suite/usr/src/linux-headers-$kver/.config" "$dir/config"
	echo "$kver" >"$dir/kver"
}

for suite in $suites; do
	case " $HV_SUITES " in *" $suite "*) ;; *) hv_die "unknown suite '$suite' (known: $HV_SUITES)" ;; esac
	mkdir -p "$HV_ROOTS" "$HV_KERNELS"
	exec 9>"$HV_ROOTS/.$suite.lock"
	flock 9
	if [ $refresh = 1 ] && [ -d "$HV_ROOTS/$suite" ]; then
		hv_log "[$suite] refreshing packages"
		hv_in_root "$suite" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get -y -q dist-upgrade' >&2
		rm -f "$HV_ROOTS/$suite/.hv-ready"
	fi
	if [ ! -e "$HV_ROOTS/$suite/.hv-ready" ]; then
		[ -d "$HV_ROOTS/$suite/usr/src" ] || make_root "$suite"
		unpack_kernel "$suite"
		touch "$HV_ROOTS/$suite/.hv-ready"
	fi
	# ccache: not what a user's dkms build needs, but what makes our
	# repeated builds of mostly unchanged files quick (hv_in_root)
	if [ ! -x "$HV_ROOTS/$suite/usr/bin/ccache" ]; then
		hv_log "[$suite] installing ccache in the build root"
		# (a mirror's frozen sid may carry an expired Release file)
		hv_in_root "$suite" sh -c 'apt-get -o Acquire::Check-Valid-Until=false update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ccache &&
			update-ccache-symlinks' \
			>"$HV_ROOTS/$suite.ccache.log" 2>&1 ||
			hv_log "[$suite] warning: ccache could not be installed (log: $HV_ROOTS/$suite.ccache.log); building without it"
	fi
	hv_log "[$suite] ready: kernel $(cat "$HV_KERNELS/$suite/kver")"
	exec 9>&-
done
