#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static checks, as TAP:
#  - checkpatch.pl --strict (from Debian's linux-source) on every kernel C
#    file and header of the tree, one line per file;
#  - sparse (make C=2) over the kernel modules, against the debug kernel's
#    build tree (or, without it, bookworm's headers);
#  - the userspace tools and the test tools build with -Wall -Wextra -Werror;
#  - the version is the same in dkms.conf and the compat header.
#
# usage: tests/lint/lint.sh
set -u
. "$(dirname "$0")/../lib/common.sh"

hv_need_host_packages linux-source-6.1 sparse rsync libnl-3-dev libnl-route-3-dev \
	systemd man-db

lintdir=$HV_CACHE/lint
checkpatch=$lintdir/scripts/checkpatch.pl
if [ ! -x "$checkpatch" ]; then
	mkdir -p "$lintdir"
	tar -C "$lintdir" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch ||
		hv_die "cannot extract checkpatch.pl from linux-source-6.1"
fi

# Kernel code: drivers/, include/ and the kernel-side tests. Userspace files
# (tools/, unit tests, fuzz harnesses, include/user/) follow kernel style but
# are not kernel code, so checkpatch's kernel-only rules do not apply.
cd "$HV_TOP"
files=$(git ls-files -co --exclude-standard -- 'drivers/*.[ch]' 'include/*.[ch]' \
	'tests/kunit/*.[ch]' 'tests/hostsim/*.[ch]' 'tests/echo/*.[ch]' | grep -v '^include/user/')
# one checkpatch run per core over its share of the files (a perl start per
# file costs more than the checks); --terse lines start with "FILE:LINE:"
cp_out=$(mktemp -d)
ncpu=$(nproc)
i=0
for f in $files; do
	echo "$f" >>"$cp_out/list.$((i % ncpu))"
	i=$((i + 1))
done
for l in "$cp_out"/list.*; do
	xargs perl "$checkpatch" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f <"$l" >"$l.out" 2>&1 &
done
wait
cat "$cp_out"/list.*.out >"$cp_out/all"
for f in $files; do
	out=$(awk -v f="$f:" 'index($0, f) == 1' "$cp_out/all" | grep -E '(ERROR|WARNING|CHECK):')
	if [ -n "$out" ]; then
		echo "not ok - lint: checkpatch --strict $f"
		echo "$out" | head -10 | sed 's/^/#   /'
	else
		echo "ok - lint: checkpatch --strict $f"
	fi
done
# a checkpatch that died says nothing about the files: not a pass
if grep -E -v -e '^[^ :]+:[0-9]+: (ERROR|WARNING|CHECK):' -e '^total: ' "$cp_out/all" | grep -q .; then
	echo "not ok - lint: checkpatch ran cleanly"
	grep -E -v -e '^[^ :]+:[0-9]+: (ERROR|WARNING|CHECK):' -e '^total: ' "$cp_out/all" | head -5 | sed 's/^/#   /'
fi
rm -rf "$cp_out"

# sparse: build every module with C=2 (check all sources) and W=1.
kdir=$HV_KERNELS/debug/build
kname="debug kernel"
[ -e "$kdir/Makefile" ] || "$HV_TOP/tests/kernel/build-debug-kernel.sh" >&2 ||
	echo "not ok - lint: sparse needs the debug kernel, which did not build"
src=$HV_OUT/sparse/src
mkdir -p "$src"
(git ls-files -co --exclude-standard -z) | rsync -a --from0 --files-from=- ./ "$src/"
find "$src" \( -name '*.o' -o -name '*.ko' \) -delete
sparse_log=$HV_OUT/sparse/sparse.log
: >"$sparse_log"
rc=0
for m in "$src" "$src/tests/hostsim" "$src/tests/kunit" "$src/tests/echo"; do
	make -j"$(nproc)" -C "$kdir" M="$m" C=2 modules >>"$sparse_log" 2>&1 ||
		rc=$?
done
# sparse reports as "file:line:col: warning|error: ..."
findings=$(grep -E "^$src/.*: (warning|error):" "$sparse_log")
if [ $rc -ne 0 ] || [ -n "$findings" ]; then
	echo "not ok - lint: sparse clean ($kname)"
	{ [ -n "$findings" ] && echo "$findings" || tail -10 "$sparse_log"; } | head -15 | sed 's/^/#   /'
else
	echo "ok - lint: sparse clean ($kname)"
fi

# Userspace tools: strict warnings, from a clean state, in the staged copy
# ($src): the VM stage may be building and copying the tree's own tools
# at the same time (tests/run-check runs it beside this one).
tools_log=$HV_OUT/tools.log
mkdir -p "$HV_OUT"
if make -C "$src/tools/hv" clean >/dev/null 2>&1 && make -C "$src/tools/hv" >"$tools_log" 2>&1; then
	echo "ok - lint: tools build with -Wall -Wextra -Werror"
else
	echo "not ok - lint: tools build with -Wall -Wextra -Werror"
	tail -10 "$tools_log" | sed 's/^/#   /'
fi
# What make install puts in place: the units of the daemons built pass
# systemd-analyze verify against the installed tree (their ExecStart
# binaries included), and the man pages format without a warning.
inst=$(mktemp -d)
if make -C "$src/tools/hv" install DESTDIR="$inst" PREFIX=/usr >"$tools_log" 2>&1; then
	units=$(ls "$inst"/lib/systemd/system/*.service "$inst"/usr/lib/systemd/system/*.service 2>/dev/null)
	# the system's targets and slices, which units with default
	# dependencies need (sysinit.target...): copies, since --root
	# resolves symlinks inside the root
	mkdir -p "$inst/usr/lib/systemd/system"
	cp -n /lib/systemd/system/*.target /lib/systemd/system/*.slice \
		"$inst/usr/lib/systemd/system/" 2>/dev/null
	if [ -n "$units" ] &&
	   out=$(systemd-analyze verify --man=no --root="$inst" $units 2>&1) && [ -z "$out" ]; then
		echo "ok - lint: systemd-analyze verify of the installed units ($(echo $units | xargs -n1 basename | tr '\n' ' '| sed 's/ $//'))"
	else
		echo "not ok - lint: systemd-analyze verify of the installed units"
		echo "${out:-no unit installed}" | sed 's/^/#   /' | tail -10
	fi
	if out=$(for m in "$inst"/usr/share/man/man*/*; do
			LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null
		done) && [ -z "$out" ]; then
		echo "ok - lint: the man pages format without warnings"
	else
		echo "not ok - lint: the man pages format without warnings"
		echo "$out" | sed 's/^/#   /' | tail -10
	fi
else
	echo "not ok - lint: make install of tools/hv"
	tail -10 "$tools_log" | sed 's/^/#   /'
fi
rm -rf "$inst"
# The test tools the VM harness builds (hvsim, hvsock-test, phc-offset,
# ic-dev, hv-fake-kernel): same flags.
for d in tests/hostsim/cli tests/hvsock tests/ptp tests/ic tests/daemons; do
	if make -C "$src/$d" clean >/dev/null 2>&1 && make -C "$src/$d" >"$tools_log" 2>&1; then
		echo "ok - lint: $d builds with -Wall -Wextra -Werror"
	else
		echo "not ok - lint: $d builds with -Wall -Wextra -Werror"
		tail -10 "$tools_log" | sed 's/^/#   /'
	fi
done

v_dkms=$(hv_version)
v_compat=$(sed -n 's/^#define HV_DKMS_VERSION "\(.*\)"/\1/p' include/compat/hv_compat.h)
if [ -n "$v_dkms" ] && [ "$v_dkms" = "$v_compat" ]; then
	echo "ok - lint: version $v_dkms is the same in dkms.conf and hv_compat.h"
else
	echo "not ok - lint: version differs: dkms.conf '$v_dkms', hv_compat.h '$v_compat'"
fi
