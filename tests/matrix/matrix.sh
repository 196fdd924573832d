#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel matrix check: in every build root, exactly what a user runs
# (`dkms add` + `dkms build -m hyperv -v VER -k KVER`), then the same tree
# built W=1, which must print no warning. Prints TAP; exit 1 if any kernel
# fails.
#
# usage: tests/matrix/matrix.sh [SUITE...]     (default: the whole matrix)
set -u
. "$(dirname "$0")/../lib/common.sh"

suites=${*:-$HV_SUITES}
ver=$(hv_version)
failed=0

"$HV_TOP/tests/matrix/buildroot.sh" $suites || exit 1

for suite in $suites; do
	kver=$(hv_root_kver "$suite")
	log=$HV_OUT/$suite/dkms.log
	mkdir -p "$(dirname "$log")"
	hv_in_root "$suite" sh -c "
		dkms remove -m hyperv -v $ver --all >/dev/null 2>&1
		rm -rf /var/lib/dkms/hyperv
		dkms add -m hyperv -v $ver && dkms build -m hyperv -v $ver -k $kver
	" >"$log" 2>&1
	rc=$?
	if [ $rc = 77 ] && grep -q 'BUILD_EXCLUSIVE' "$log"; then
		echo "ok - matrix/$suite: dkms build for $kver # SKIP nothing in this release builds on a kernel with built-in VMBus"
	elif [ $rc = 0 ]; then
		# what dkms built must match what dkms.conf promised, for this kernel
		built=$(hv_in_root "$suite" sh -c "
			cd /var/lib/dkms/hyperv/$ver/$kver/x86_64/module 2>/dev/null &&
			for m in *.ko*; do printf '%s=%s ' \"\${m%%.ko*}\" \"\$(modinfo -F vermagic \$m | cut -d' ' -f1)\"; done")
		bad=$(echo "$built" | tr ' ' '\n' | grep -v -e '^$' -e "=$kver\$")
		if [ -z "$built" ] || [ -n "$bad" ]; then
			echo "not ok - matrix/$suite: dkms build for $kver produced modules for the wrong kernel or none: $built"
			failed=1
		else
			echo "ok - matrix/$suite: dkms build for $kver (${built% })"
		fi
	else
		echo "not ok - matrix/$suite: dkms build for $kver failed (exit $rc, log: $log)"
		tail -15 "$log" | sed 's/^/#   /'
		failed=1
	fi
	if "$HV_TOP/tests/matrix/build-modules.sh" "$suite" 2>"$HV_OUT/$suite/w1.err"; then
		echo "ok - matrix/$suite: W=1 build is warning-free"
	else
		echo "not ok - matrix/$suite: W=1 build is warning-free"
		sed 's/^/#   /' "$HV_OUT/$suite/w1.err" | tail -15
		failed=1
	fi
done
exit $failed
