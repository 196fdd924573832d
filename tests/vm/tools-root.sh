#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build our userspace tools against an older Debian suite's libc, for a
# "# guest: debian" image of that suite (bullseye's glibc 2.31 cannot run
# binaries linked on a newer host: GLIBC_2.33/2.34 symbol versions).
#
# usage: tests/vm/tools-root.sh SUITE DIR...
#
# A debootstrap minbase root of SUITE with build-essential, pkg-config and
# the libnl headers hv_kvp_daemon needs, built once and cached as
# $HV_CACHE/tool-roots/SUITE-HASH (HASH: this script's sha256, as
# tests/vm/debian-image.sh; the dkms build roots stay as a user's machine
# has them, with no libnl). The tree is staged into it under
# /build/$HV_STAGE, each DIR (e.g. tools/hv tests/hostsim/cli) is built
# there with `make`, and tools/hv is also installed as run.sh installs it
# on the host, into /build/$HV_STAGE/.dest. Prints the staged tree's path
# on the host; a DIR that does not build is logged (make.log in the staged
# tree) and left for the caller to notice by its missing binary.
set -eu
. "$(dirname "$0")/../lib/common.sh"

[ $# -ge 1 ] || hv_die "usage: tests/vm/tools-root.sh SUITE DIR..."
suite=$1
shift
case " $HV_SUITES " in *" $suite "*) ;; *) hv_die "unknown suite $suite" ;; esac
[ "$(id -u)" = 0 ] || hv_die "the tools root needs root (debootstrap, chroot)"

hash=$(sha256sum "$0" | cut -c1-12)
dir=$HV_CACHE/tool-roots
root=$dir/$suite-$hash
packages=build-essential,pkg-config,libnl-3-dev,libnl-route-3-dev
mkdir -p "$dir"
exec 9>"$dir/.$suite.lock"
flock 9
if [ ! -e "$root/.hv-ready" ]; then
	hv_need_host_packages debootstrap debian-archive-keyring
	rm -rf "$root"
	hv_log "[$suite] tools root: debootstrap minbase + $packages (log: $dir/$suite.log)"
	if ! debootstrap --variant=minbase --include="$packages" \
			"$suite" "$root" "$HV_MIRROR" >"$dir/$suite.log" 2>&1; then
		tail -20 "$dir/$suite.log" >&2
		rm -rf "$root"
		hv_die "[$suite] debootstrap of the tools root failed (log: $dir/$suite.log)"
	fi
	touch "$root/.hv-ready"
	# roots of an older script go
	find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$suite-*" ! -path "$root" \
		-exec rm -rf {} +
fi

# The tree, as build-modules.sh stages it (tracked and new files).
src=$root/build/$HV_STAGE
mkdir -p "$src"
(cd "$HV_TOP" && git ls-files -co --exclude-standard -z) |
	rsync -a --delete --from0 --files-from=- "$HV_TOP/" "$src/" ||
	hv_die "cannot stage the source tree into $src"
# host-built objects and binaries must not pass for the suite's
for d in "$@"; do
	make -s -C "$src/$d" clean >/dev/null 2>&1 || :
done
rm -rf "$src/.dest"

# Build inside the root: private mounts, no environment from the host.
unshare --mount --propagation private -- /bin/sh -eu -c '
	root=$1; stage=$2; shift 2
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 /bin/sh -c "
		cd /build/$stage
		for d; do
			echo \"== \$d\"
			make -s -C \$d || echo \"FAILED: \$d\"
		done
		make -s -C tools/hv install DESTDIR=/build/$stage/.dest PREFIX=/usr \
			UNITDIR=/usr/lib/systemd/system UDEVDIR=/usr/lib/udev
	" sh "$@"
' tools-root "$root" "$HV_STAGE" "$@" >"$src/make.log" 2>&1 || {
	tail -20 "$src/make.log" >&2
	hv_die "[$suite] make install of tools/hv in the tools root failed (log: $src/make.log)"
}
echo "$src"
