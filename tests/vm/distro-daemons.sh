#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian's own hyperv-daemons, the referees of our hv_utils and of the
# simulator's host side: fetch the package of a suite once with apt-get
# download, unpack it with dpkg-deb -x, keep it under
# $HV_CACHE/distro-daemons/SUITE/ and copy the tree into a guest root at
# /usr/lib/hv-debian/SUITE/ (binaries in usr/sbin, scripts in
# usr/libexec/hypervkvpd), with the libraries the host's ld.so finds for
# them (they need only libc, which the bookworm host's runs for both).
#
# usage: tests/vm/distro-daemons.sh SUITE [ROOT]
#   SUITE   bullseye | bookworm
#   ROOT    a guest root to copy the tree (and libraries) into; without it,
#           only fetch and print the cache directory
#
# apt runs with its own source list (deb.debian.org SUITE main), lists and
# archive cache under a temporary directory: the machine's own sources,
# lists and cache are neither read nor changed.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

suite=${1:-}
root=${2:-}
case $suite in
bullseye | bookworm) ;;
*) hv_die "usage: $0 bullseye|bookworm [ROOT]" ;;
esac
cache=$HV_CACHE/distro-daemons/$suite

if [ ! -x "$cache/usr/sbin/hv_kvp_daemon" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/lists/partial" "$tmp/archives/partial" "$tmp/parts" "$tmp/prefs"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $HV_MIRROR $suite main" \
		>"$tmp/sources.list"
	apt_opts=(-o "Dir::Etc::SourceList=$tmp/sources.list"
		  -o "Dir::Etc::SourceParts=$tmp/parts"
		  -o "Dir::Etc::PreferencesParts=$tmp/prefs"
		  -o "Dir::State::Lists=$tmp/lists"
		  -o "Dir::Cache=$tmp" -o "Dir::Cache::archives=$tmp/archives"
		  -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
		  -o "Debug::NoLocking=1" -o "APT::Architecture=amd64"
		  -o "Acquire::Languages=none")
	hv_log "fetching hyperv-daemons of $suite"
	apt-get -qq "${apt_opts[@]}" update >"$tmp/apt.log" 2>&1 ||
		hv_die "apt-get update for $suite failed: $(tail -3 "$tmp/apt.log")"
	(cd "$tmp" && apt-get -qq "${apt_opts[@]}" download hyperv-daemons) >"$tmp/apt.log" 2>&1 ||
		hv_die "apt-get download hyperv-daemons ($suite) failed: $(tail -3 "$tmp/apt.log")"
	deb=$(ls "$tmp"/hyperv-daemons_*.deb)
	rm -rf "$cache.new"
	mkdir -p "$cache.new"
	dpkg-deb -x "$deb" "$cache.new"
	basename "$deb" >"$cache.new/DEB"
	[ -x "$cache.new/usr/sbin/hv_kvp_daemon" ] || hv_die "$deb holds no usr/sbin/hv_kvp_daemon"
	rm -rf "$cache"
	mv "$cache.new" "$cache"
fi

if [ -z "$root" ]; then
	echo "$cache"
	exit 0
fi
dest=$root/usr/lib/hv-debian/$suite
mkdir -p "$dest"
cp -a "$cache/." "$dest/"
for bin in "$cache"/usr/sbin/hv_*_daemon; do
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
