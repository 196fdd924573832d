# SPDX-License-Identifier: GPL-2.0-only
# Shared shell helpers for the project's build and test scripts.
# Source it; do not run it.

HV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HV_CACHE=${HV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hyperv-dkms}
HV_ROOTS=$HV_CACHE/roots
HV_KERNELS=$HV_CACHE/kernels
# Build products (modules per kernel, logs). Override HV_OUT, and HV_STAGE
# (the tree's copy inside each build root, under /build), to let two
# checkouts build and boot side by side without overwriting each other.
HV_OUT=${HV_OUT:-$HV_CACHE/out}
HV_STAGE=${HV_STAGE:-hyperv-dkms}
HV_MIRROR=${HV_MIRROR:-http://deb.debian.org/debian}

# The kernel matrix: build-root name (Debian suite) in the order we report.
HV_SUITES="bullseye bookworm trixie sid"

hv_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$HV_TOP/dkms.conf"
}

hv_log() { printf '%s\n' "$*" >&2; }
hv_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Host packages the scripts need; installed once, quietly, when missing.
hv_need_host_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || hv_die "missing host packages (need root to install): ${missing[*]}"
	hv_log "installing host packages: ${missing[*]}"
	if [ ! -e "$HV_CACHE/.apt-updated" ] ||
	   [ -n "$(find "$HV_CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
		apt-get update -qq >&2 || hv_die "apt-get update failed"
		mkdir -p "$HV_CACHE" && touch "$HV_CACHE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2 || hv_die "apt-get install ${missing[*]} failed"
}

# The compiler cache of our module builds (the dkms and W=1 builds in the
# build roots, the debug kernel's module builds on the host): most files do
# not change from one run to the next. ccache gives the compiler's own
# output and warnings back, so nothing a build checks is lost.
HV_CCACHE=$HV_CACHE/ccache
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}

# Run a command inside a build root, in a private mount namespace with /proc,
# /dev and /sys mounted (objtool in sid's kbuild needs /proc), and the source
# tree bind-mounted read-only at /usr/src/hyperv-<version>. Where the root
# has ccache (tests/matrix/buildroot.sh installs it), gcc goes through it,
# with $HV_CCACHE as the cache.
hv_in_root() {
	local suite=$1; shift
	local root=$HV_ROOTS/$suite ver
	ver=$(hv_version)
	[ -d "$root/usr" ] || hv_die "no build root for $suite: run tests/matrix/buildroot.sh $suite"
	mkdir -p "$HV_CCACHE"
	unshare --mount --propagation private -- /bin/sh -eu -c '
		root=$1; src=$2; ver=$3; ccache=$4; shift 4
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs sysfs "$root/sys"
		mkdir -p "$root/usr/src/hyperv-$ver"
		mount --bind "$src" "$root/usr/src/hyperv-$ver"
		mount -o remount,bind,ro "$root/usr/src/hyperv-$ver"
		path=/usr/sbin:/usr/bin:/sbin:/bin
		if [ -d "$root/usr/lib/ccache" ]; then
			mkdir -p "$root/var/cache/hv-ccache"
			mount --bind "$ccache" "$root/var/cache/hv-ccache"
			path=/usr/lib/ccache:$path
		fi
		exec chroot "$root" /usr/bin/env -i PATH="$path" HOME=/root LANG=C.UTF-8 \
			CCACHE_DIR=/var/cache/hv-ccache CCACHE_MAXSIZE="$CCACHE_MAXSIZE" "$@"
	' hv-in-root "$root" "$HV_TOP" "$ver" "$HV_CCACHE" "$@"
}

# Kernel release of a build root's headers (one per root).
hv_root_kver() {
	local d
	for d in "$HV_ROOTS/$1"/lib/modules/*/build; do
		[ -e "$d" ] || [ -L "$d" ] || continue
		basename "$(dirname "$d")"
		return 0
	done
	return 1
}
