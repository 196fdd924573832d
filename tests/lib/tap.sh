# SPDX-License-Identifier: GPL-2.0-only
#
# TAP helpers for the host-side shell tests (source it): a temporary
# directory $tmp removed on exit, and `ok`/`not_ok` that number results.
# The test ends with `echo "1..$n"; [ "$failed" = 0 ]`.

n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}
