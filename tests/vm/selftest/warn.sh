# SPDX-License-Identifier: GPL-2.0-only
# Harness self-test: every assertion passes, but the kernel log shows a
# WARNING; the harness must fail the run anyway.
# timeout: 60
. /lib/hv-test.sh
echo "<4>WARNING: CPU: 0 PID: 1 at harness-selftest.c:1 injected" >/dev/kmsg
ok 0 "this assertion passes"
done_testing
