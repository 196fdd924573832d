# SPDX-License-Identifier: GPL-2.0-only
# Harness self-test: the scenario says it ends with a power-off, passes
# every assertion, but nothing asks the guest to power off; the harness
# must fail the run.
# ends: poweroff
# timeout: 60
. /lib/hv-test.sh
ok 0 "this assertion passes"
done_testing
