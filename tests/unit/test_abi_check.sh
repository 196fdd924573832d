#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/matrix/abi-check.sh (DESIGN.md Rule 1) against hand-made
# Module.symvers files, through --distro/--ours/--label: no build root needed.
# Prints TAP. Run by tests/unit/Makefile as: OUT=<dir> TOP=<repo> bash $0
# (ABI_CHECK=<script> tests another copy of the checker).
#
# Fixtures, in abi-fixtures/ (tab-separated, as kbuild writes them):
#   distro.symvers          a distro kernel: vmlinux and other modules' exports
#                           around 7 of drivers/hv/hv_vmbus, including the two
#                           exempt ones (vmbus_connection, vmbus_devs)
#   distro-nomodversions    the same with every CRC 0 (no CONFIG_MODVERSIONS)
#   distro-builtin          the same with VMBus in vmlinux (as sid's kernel)
#   distro-malformed        line 6 has 4 fields (the namespace column lost)
#   ours-match              our hv_vmbus (external-module path) exporting the
#                           5 non-exempt symbols exactly as the distro does
#   ours-missing            without vmbus_sendpacket
#   ours-crc                vmbus_open with another CRC
#   ours-type               vmbus_recvpacket as EXPORT_SYMBOL_GPL, not EXPORT_SYMBOL
#   ours-namespace          vmbus_open in a namespace the distro's is not in
#   ours-extra              plus an export the distro's hv_vmbus lacks
#   ours-clash              plus an export the distro's vmlinux already has
#   ours-nomodversions      ours-match with every CRC 0

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
FIX=$TOP/tests/unit/abi-fixtures
ABI_CHECK=${ABI_CHECK:-$TOP/tests/matrix/abi-check.sh}

. "$TOP/tests/lib/tap.sh"

# verdict DESCRIPTION: one assertion, on the status of the command before;
# on failure, show what the checker printed.
verdict() {
	if [ $? = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   exit status $rc; stdout:"
		sed 's/^/#     /' "$tmp/out"
		echo "#   stderr:"
		sed 's/^/#     /' "$tmp/err"
	fi
}

# run DISTRO OURS: the checker on two fixtures (label "t"); sets $rc, and
# leaves its stdout in $tmp/out and stderr in $tmp/err.
run() {
	rc=0
	"$ABI_CHECK" --distro "$FIX/$1.symvers" --ours "$FIX/$2.symvers" --label t \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
}

# count PATTERN: lines of the last run's stdout matching the ERE PATTERN.
count() { grep -c -E -e "$1" "$tmp/out"; }

# the 5 non-exempt exports of distro.symvers, with their CRCs
want_ok="^ok - abi/t: (__vmbus_driver_register exported with the distro's CRC 0x3b967d5b|vmbus_establish_gpadl exported with the distro's CRC 0x6e23bd1c|vmbus_open exported with the distro's CRC 0x36a635d5|vmbus_recvpacket exported with the distro's CRC 0x1be024cd|vmbus_sendpacket exported with the distro's CRC 0x7d93345f)$"

echo "1..13"

run distro ours-match
[ $rc = 0 ] && [ "$(count '^not ok')" = 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]
verdict "all exports match: exit 0, no 'not ok', nothing on stderr"

[ "$(count "$want_ok")" = 5 ] && [ "$(count '^ok ')" = 7 ]
verdict "all exports match: one ok line with the distro's CRC per non-exempt export"

[ "$(count '^ok - abi/t: vmbus_connection # SKIP exempt')" = 1 ] &&
	[ "$(count '^ok - abi/t: vmbus_devs # SKIP exempt')" = 1 ] &&
	[ "$(count '^not ok.*vmbus_(connection|devs)')" = 0 ]
verdict "vmbus_connection and vmbus_devs, which we do not export, are skipped, not failed"

run distro ours-missing
[ $rc = 1 ] && [ "$(count '^not ok')" = 1 ] &&
	[ "$(count '^not ok - abi/t: vmbus_sendpacket missing from our hv_vmbus$')" = 1 ]
verdict "a missing export: exit 1, one 'not ok' naming vmbus_sendpacket"

run distro ours-crc
[ $rc = 1 ] && [ "$(count '^not ok')" = 1 ] &&
	[ "$(count '^not ok - abi/t: vmbus_open CRC differs: ours 0x1234abcd, distro 0x36a635d5$')" = 1 ]
verdict "a CRC mismatch: exit 1, 'not ok' for vmbus_open with both CRCs"

run distro ours-type
[ $rc = 1 ] && [ "$(count '^not ok')" = 1 ] &&
	[ "$(count '^not ok - abi/t: vmbus_recvpacket export type differs \(ours EXPORT_SYMBOL_GPL vs distro EXPORT_SYMBOL\)$')" = 1 ]
verdict "an export type mismatch: exit 1, 'not ok' for vmbus_recvpacket with both types"

run distro ours-namespace
[ $rc = 1 ] && [ "$(count '^not ok')" = 1 ] &&
	[ "$(count '^not ok - abi/t: vmbus_open namespace differs \(ours HYPERV_VMBUS vs distro none\)$')" = 1 ]
verdict "a namespace mismatch: exit 1, 'not ok' for vmbus_open with both namespaces"

run distro-nomodversions ours-nomodversions
[ $rc = 0 ] && [ "$(count '^not ok')" = 0 ] &&
	[ "$(count '^ok - abi/t: [a-z_]+ exported as EXPORT_SYMBOL(_GPL)? \(no modversions: CRC not compared\)$')" = 5 ] &&
	[ "$(count '^# abi/t: .*without CONFIG_MODVERSIONS.*names, export types and namespaces only')" = 1 ]
verdict "no modversions (all CRCs 0): names-only comparison passes, and says so"

run distro ours-extra
[ $rc = 0 ] && [ "$(count '^not ok')" = 0 ] && [ "$(count "$want_ok")" = 5 ] &&
	[ "$(count '^# abi/t: extra export of ours: hv_vmbus_private_helper \(EXPORT_SYMBOL_GPL\)')" = 1 ] &&
	[ "$(count '^(not )?ok .*hv_vmbus_private_helper')" = 0 ]
verdict "an extra export of ours: a '# ' diagnostic only, exit 0"

run distro ours-clash
[ $rc = 1 ] && [ "$(count '^not ok')" = 1 ] &&
	[ "$(count "^not ok - abi/t: our hv_vmbus exports hv_setup_vmbus_handler, which the distro's vmlinux exports too")" = 1 ]
verdict "an extra export that vmlinux already has (the module would not load): not ok"

run distro-builtin ours-match
[ $rc = 0 ] && [ "$(grep -c . "$tmp/out")" = 1 ] &&
	[ "$(count '^ok - abi/t: VMBus built in, no replacement module # SKIP')" = 1 ]
verdict "VMBus built into vmlinux: one SKIP line, exit 0"

run distro-malformed ours-match
[ $rc = 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q -F "$FIX/distro-malformed.symvers:6: malformed Module.symvers line: 4 tab-separated fields" "$tmp/err"
verdict "a malformed line: exit 2, the error names file:line, no TAP printed"

run distro no-such-file
[ $rc = 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q -F "$FIX/no-such-file.symvers: no such file" "$tmp/err"
verdict "a missing symvers file: exit 2, the error names it"

[ "$failed" = 0 ]
