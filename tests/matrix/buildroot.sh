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

unpack_kernel() {
	local suite=$1 kver dir=$HV_KERNELS/$1 pkg deb
	kver=$(hv_root_kver "$suite") || hv_die "[$suite] no kernel headers in the build root"
	rm -rf "$dir" && mkdir -p "$dir/debs"
	for pkg in "linux-image-$kver-unsigned" "linux-image-$kver"; do
		if hv_in_root "$suite" sh -c "cd /tmp && rm -f linux-image-*.deb && apt-get download -q $pkg" \
				>"$dir/download.log" 2>&1; then
			deb=$(ls "$HV_ROOTS/$suite"/tmp/linux-image-*.deb 2>/dev/null | head -1)
			[ -n "$deb" ] && break
		fi
	done
	[ -n "${deb:-}" ] || hv_die "[$suite] cannot download linux-image for $kver (see $dir/download.log)"
	mv "$deb" "$dir/debs/"
	dpkg-deb -x "$dir/debs/$(basename "$deb")" "$dir/unpacked"
	mkdir -p "$dir/lib/modules"
	mv "$dir/unpacked/lib/modules/$kver" "$dir/lib/modules/" 2>/dev/null ||
		mv "$dir/unpacked/usr/lib/modules/$kver" "$dir/lib/modules/"
	mv "$dir/unpacked/boot/vmlinuz-$kver" "$dir/vmlinuz"
	cp "$HV_ROOTS/$suite/usr/src/linux-headers-$kver/.config" "$dir/config"
	rm -rf "$dir/unpacked"
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
	hv_log "[$suite] ready: kernel $(cat "$HV_KERNELS/$suite/kver")"
	exec 9>&-
done
