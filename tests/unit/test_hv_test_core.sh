#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The test-only VMBus core renames every export of drivers/hv: one missing
# name would clash with vmlinux's VMBus (the module would not load) or,
# worse, make a test module call vmlinux's VMBus instead of ours.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
header=$top/include/compat/hv_test_core.h
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

exports=$(grep -h -o 'EXPORT_SYMBOL[A-Z_]*([a-z_0-9]*)' "$top"/drivers/hv/*.c |
	sed 's/.*(\(.*\))/\1/' | sort -u)
renamed=$(sed -n 's/^#define \([a-z_0-9]*\) hvtest_\1$/\1/p' "$header" | sort -u)

missing=$(comm -23 <(echo "$exports") <(echo "$renamed"))
stale=$(comm -13 <(echo "$exports") <(echo "$renamed"))
[ "$(echo "$exports" | wc -l)" -ge 40 ] && ok "drivers/hv exports $(echo "$exports" | wc -l) names" ||
	not_ok "drivers/hv exports too few names to be right: $(echo "$exports" | wc -w)"
[ -z "$missing" ] && ok "hv_test_core.h renames every export of drivers/hv" ||
	not_ok "hv_test_core.h misses: $(echo $missing)"
[ -z "$stale" ] && ok "hv_test_core.h renames nothing that is not exported" ||
	not_ok "hv_test_core.h renames what drivers/hv no longer exports: $(echo $stale)"
bad=$(grep '^#define' "$header" | grep -v -E '^#define (_HV_TEST_CORE_H|([a-z_0-9]+) hvtest_\2)$')
[ -z "$bad" ] && ok "hv_test_core.h holds nothing but renames" ||
	not_ok "unexpected lines in hv_test_core.h: $bad"
echo "1..$n"
exit $failed
