#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lsvmbus (tools/hv) against fake sysfs trees, built with ASan and UBSan.
# Prints TAP. Run by tests/unit/Makefile as: OUT=<dir> TOP=<repo> bash $0
#
# Fixtures, in lsvmbus-fixtures/:
#   good/       the devices of a VM with one device of every class the
#               Python lsvmbus knows, one whose class it does not know (IMC),
#               multi-channel SCSI and NICs (sub-channels listed out of order
#               in channel_vp_mapping) and relids of 1 to 3 digits
#   bad/        malformed devices and files, plus one good device; two files
#               are made here because git cannot hold them well (an oversized
#               class_id, a NUL byte in channel_vp_mapping)
#   *.out, *.err, *.json   expected stdout, stderr and JSON; @ROOT@ stands for
#               the devices directory. The text ones were written from the
#               format strings and sorting of the Python lsvmbus in the Linux
#               tree (tools/hv/lsvmbus), not captured from this program.

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${OUT:-$TOP/tests/unit/.build}
FIX=$TOP/tests/unit/lsvmbus-fixtures
BUILD=$OUT/lsvmbus
BIN=$BUILD/lsvmbus
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
MAKEVARS=(OUTPUT="$BUILD" HARDEN=-fstack-protector-strong
	  EXTRA_CFLAGS="-O1 -g $SAN" EXTRA_LDFLAGS="$SAN")
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

. "$TOP/tests/lib/tap.sh"

# check DESCRIPTION COMMAND...: one assertion, on COMMAND's status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# verdict DESCRIPTION: one assertion, on the status of the command before.
verdict() {
	if [ $? = 0 ]; then ok "$1"; else not_ok "$1"; fi
}

diag() { sed 's/^/# /'; }

# run ARGS...: run lsvmbus; $rc, $tmp/out, $tmp/err. All stderr is kept in
# $tmp/all.err for the sanitizer check at the end.
run() {
	"$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/err" >>"$tmp/all.err"
}

# same EXPECTED ACTUAL ROOT: files equal once @ROOT@ is ROOT; diff as diag.
same() {
	sed "s#@ROOT@#$3#g" "$1" >"$tmp/expected"
	diff -u "$tmp/expected" "$2" >"$tmp/diff" && return 0
	diag <"$tmp/diff"
	return 1
}

# same_json EXPECTED ACTUAL ROOT: same JSON value (keys sorted).
same_json() {
	sed "s#@ROOT@#$3#g" "$1" | jq -S . >"$tmp/expected.json" &&
		jq -S . "$2" >"$tmp/actual.json" &&
		same "$tmp/expected.json" "$tmp/actual.json" "$3"
}

valid_json() {
	if command -v python3 >/dev/null; then
		python3 -m json.tool "$1" >/dev/null
	else
		jq . "$1" >/dev/null
	fi
}

# expect_text EXPECTED ROOT: last run exited 0, printed EXPECTED, no stderr.
expect_text() {
	[ "$rc" = 0 ] || { echo "# exit status $rc"; return 1; }
	[ ! -s "$tmp/err" ] || { diag <"$tmp/err"; return 1; }
	same "$1" "$tmp/out" "$2"
}

# expect_usage_error PATTERN: exit 2, PATTERN and the usage on stderr, no
# stdout.
expect_usage_error() {
	[ "$rc" = 2 ] || { echo "# exit status $rc"; return 1; }
	[ ! -s "$tmp/out" ] || { echo "# unexpected stdout"; return 1; }
	if ! grep -qF -- "$1" "$tmp/err" || ! grep -q '^Usage: lsvmbus' "$tmp/err"; then
		diag <"$tmp/err"
		return 1
	fi
}

# A sysfs tree laid out like the kernel's: the devices live under the VMBus
# ACPI device, /sys/bus/vmbus/devices holds symlinks to them.
make_tree() {
	local src=$1 dst=$2 dev d
	dev=$dst/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/VMBUS:00
	mkdir -p "$dev" "$dst/sys/bus/vmbus/devices"
	cp -R "$src/." "$dev/"
	for d in "$dev"/*; do
		ln -s "../../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/VMBUS:00/${d##*/}" \
			"$dst/sys/bus/vmbus/devices/${d##*/}"
	done
}

# ---- build ----------------------------------------------------------------

if make -s -C "$TOP/tools/hv" "${MAKEVARS[@]}" >"$tmp/build.log" 2>&1 &&
	[ -x "$BIN" ]; then
	ok "lsvmbus builds with ASan and UBSan (-Wall -Wextra -Werror)"
else
	not_ok "lsvmbus builds with ASan and UBSan (-Wall -Wextra -Werror)"
	diag <"$tmp/build.log"
	echo "1..$n"
	exit 1
fi

# ---- a healthy VM ---------------------------------------------------------

make_tree "$FIX/good" "$tmp/good"
root=$tmp/good/sys/bus/vmbus/devices

run --sysfs "$root"
check "default: one line per device, sorted by relid, upstream names" \
	expect_text "$FIX/good.out" "$root"

run --sysfs "$root" -v
check "-v: class GUIDs and channels sorted by relid, blank line after each" \
	expect_text "$FIX/good-v.out" "$root"

run --sysfs "$root" -vv
check "-vv: adds Device_ID and Sysfs path" \
	expect_text "$FIX/good-vv.out" "$root"

run -v --sysfs="$root" -v
check "-v -v is -vv" expect_text "$FIX/good-vv.out" "$root"

run --sysfs "$root" -vvv --verbose
check "more than two -v (and --verbose) print what -vv prints" \
	expect_text "$FIX/good-vv.out" "$root"

run --sysfs "$root" --json
cp "$tmp/out" "$tmp/good.json"
check "--json exits 0 with nothing on stderr" \
	test "$rc" = 0 -a ! -s "$tmp/err"
check "--json is valid JSON" valid_json "$tmp/good.json"
check "--json lists every field of every device" \
	same_json "$FIX/good.json" "$tmp/good.json" "$root"

run --sysfs "$root" --json -vv
check "--json ignores -v" cmp -s "$tmp/out" "$tmp/good.json"

# ---- options --------------------------------------------------------------

run --help
[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && grep -q "^Usage: lsvmbus" "$tmp/out" &&
	grep -q -- "--json" "$tmp/out"
verdict "--help prints the usage on stdout and exits 0"

run -x
check "unknown short option: exit 2, message and usage on stderr" \
	expect_usage_error "invalid option -- 'x'"

run --bogus
check "unknown long option: exit 2, message and usage on stderr" \
	expect_usage_error "unrecognized option '--bogus'"

run --sysfs "$root" extra
check "extra argument: exit 2, message and usage on stderr" \
	expect_usage_error "unexpected argument 'extra'"

run --sysfs
check "--sysfs without a directory: exit 2" \
	expect_usage_error "option '--sysfs' requires an argument"

# ---- no VMBus -------------------------------------------------------------

run --sysfs "$tmp/nonexistent"
[ "$rc" = 1 ] && [ ! -s "$tmp/out" ] &&
	[ "$(cat "$tmp/err")" = "$tmp/nonexistent doesn't exist: exiting..." ]
verdict "no devices directory: upstream's message, exit 1, no stdout"

mkdir -p "$tmp/empty"
run --sysfs "$tmp/empty" -vv
[ "$rc" = 0 ] && [ ! -s "$tmp/out" ] && run --sysfs "$tmp/empty" --json &&
	[ "$rc" = 0 ] && [ "$(jq -c . "$tmp/out")" = "[]" ]
verdict "empty bus: no lines, and [] with --json"

# A directory name JSON has to escape: a quote, a backslash, a control
# character and a byte that is not UTF-8 (which becomes U+FFFD).
odd=$tmp/odd/devices/$'q"b\\t\001x\377'
mkdir -p "$odd"
echo 5 >"$odd/id"
echo '{57164f39-9115-4e78-ab55-382f3bd5422d}' >"$odd/class_id"
echo '{57164f39-0000-0000-0000-000000000005}' >"$odd/device_id"
run --sysfs "$tmp/odd/devices" --json
cp "$tmp/out" "$tmp/odd.json"
odd_path_ok() {
	local want=$odd
	want=${want%$'\377'}$'\xef\xbf\xbd'	# U+FFFD in UTF-8
	[ "$rc" = 0 ] && valid_json "$tmp/odd.json" &&
		[ "$(jq -r '.[0].sysfs_path' "$tmp/odd.json")" = "$want" ] && return 0
	diag <"$tmp/odd.json"
	return 1
}
check "--json escapes the sysfs path and stays valid JSON" odd_path_ok

# ---- malformed sysfs ------------------------------------------------------

make_tree "$FIX/bad" "$tmp/bad"
root=$tmp/bad/sys/bus/vmbus/devices
head -c 70000 /dev/zero | tr '\0' a >"$root/a0000000-dddd-4000-8000-00000000000a/class_id"
printf '22:0\0\n23:1\n' >"$root/a0000000-dddd-4000-8000-00000000000a/channel_vp_mapping"

run --sysfs "$root" -vv
cp "$tmp/err" "$tmp/bad.err"
[ "$rc" = 0 ] && same "$FIX/bad-vv.out" "$tmp/out" "$root"
verdict "malformed files: the other devices and fields are still listed"
check "malformed files: one warning naming each bad file" \
	same "$FIX/bad.err" "$tmp/bad.err" "$root"

run --sysfs "$root" --json
cp "$tmp/out" "$tmp/bad.json"
[ "$rc" = 0 ] && valid_json "$tmp/bad.json" &&
	same_json "$FIX/bad.json" "$tmp/bad.json" "$root"
verdict "malformed files: --json is valid, null for fields not read"

# ---- output errors and sanitizers -----------------------------------------

"$BIN" --sysfs "$tmp/good/sys/bus/vmbus/devices" -vv >/dev/full 2>"$tmp/err"
rc=$?
cat "$tmp/err" >>"$tmp/all.err"
[ "$rc" = 1 ] && grep -q "write error" "$tmp/err"
verdict "write error (full disk): exit 1 and a message"

no_sanitizer_report() {
	grep -E "Sanitizer|runtime error" "$tmp/all.err" >"$tmp/san" || return 0
	diag <"$tmp/san"
	return 1
}
check "no AddressSanitizer/UBSan report in any run" no_sanitizer_report

# ---- install and man page -------------------------------------------------

make -s -C "$TOP/tools/hv" "${MAKEVARS[@]}" install DESTDIR="$tmp/inst" \
	PREFIX=/usr >"$tmp/install.log" 2>&1
if [ -x "$tmp/inst/usr/sbin/lsvmbus" ] &&
	[ -f "$tmp/inst/usr/share/man/man8/lsvmbus.8" ]; then
	ok "make install PREFIX=/usr: sbin/lsvmbus and man8/lsvmbus.8"
else
	not_ok "make install PREFIX=/usr: sbin/lsvmbus and man8/lsvmbus.8"
	diag <"$tmp/install.log"
fi

if command -v groff >/dev/null; then
	groff -man -ww -z "$TOP/tools/hv/lsvmbus.8" >"$tmp/groff.log" 2>&1
	diag <"$tmp/groff.log"
	[ ! -s "$tmp/groff.log" ]
	verdict "lsvmbus.8 formats without groff warnings"
else
	ok "lsvmbus.8 formats without groff warnings # SKIP no groff"
fi

echo "1..$n"
[ "$failed" = 0 ]
