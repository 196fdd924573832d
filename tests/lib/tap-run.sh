#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run one TAP-producing program and pass its TAP through, adding a failing
# line when the program crashed or lied: exited non-zero without reporting a
# failure, or never printed its plan. So a sanitizer abort or a segfault in
# the middle of a test program is never counted as a pass.
#
# usage: tests/lib/tap-run.sh NAME CMD [ARG...]
name=$1; shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out" 2>&1
rc=$?
cat "$out"
if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
	echo "not ok - $name: exited with status $rc without reporting a failure"
elif ! grep -q '^1\.\.[0-9]' "$out"; then
	echo "not ok - $name: printed no TAP plan (crashed or stopped early)"
fi
exit 0
