# SPDX-License-Identifier: GPL-2.0-only
# Run every KUnit suite of tests/kunit (built for the debug kernel) and turn
# each test case's KTAP result into a TAP line of ours.
# binaries: kmod
# kernels: debug
# timeout: 180
. /lib/hv-test.sh

results=/sys/kernel/debug/kunit
check "the kernel has KUnit with debugfs results" test -d $results || { done_testing; exit; }

suites=0
for ko in "$HV_MODDIR"/updates/dkms/*_kunit.ko; do
	[ -e "$ko" ] || continue
	before=$(ls $results)
	if ! insmod "$ko"; then
		ok 1 "insmod $(basename "$ko")"
		continue
	fi
	for suite in $(ls $results); do
		case " $(echo $before) " in *" $suite "*) continue ;; esac
		suites=$((suites + 1))
		cases=0
		# KTAP: indented "ok N name" / "not ok N name" per case
		while read -r line; do
			case "$line" in
			"ok "*|"not ok "*)
				name=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ (- )?//')
				cases=$((cases + 1))
				case "$line" in
				ok*" # SKIP"*) skip "kunit/$suite: ${name%% # SKIP*}" "${name#* # SKIP}" ;;
				ok*) ok 0 "kunit/$suite: $name" ;;
				*) ok 1 "kunit/$suite: $name" ;;
				esac
				;;
			esac
		done <<-EOT
		$(grep -E '^[[:space:]]+(not )?ok [0-9]+' $results/$suite/results)
		EOT
		[ $cases -gt 0 ] || { ok 1 "kunit/$suite reported no test case"; cat $results/$suite/results; }
	done
	rmmod "$ko"
done
check "at least one KUnit suite ran" test $suites -gt 0
done_testing
