# SPDX-License-Identifier: GPL-2.0-only
# Shutdown IC (docs/design/hv_utils.md §6.5 item 3), for each hv_utils
# present (the distro's on our VMBus, ours): shutdown 3.2 agreed; invalid
# flags (8, and restart|hibernate 6) answered E_FAIL with the guest still
# up and no power-off asked for; a request of 2080 bytes (one 8-byte step
# short of the 2088 a full one takes) not answered and logged by the guest
# (answered as any other by 5.10's, which does not check lengths);
# hibernate answered S_OK or E_FAIL as the guest's ACPI S4 allows. Last, a
# real power-off: status S_OK, the guest's kernel runs /sbin/poweroff
# (orderly_poweroff), and the harness checks the power-off itself.
# On sid only ours runs (the distro's cannot use our test core).
# ends: poweroff
# kernels: bullseye bookworm trixie sid debug
# modules: hv_utils?
# tools: hvsim
# binaries: kmod
# timeout: 400
. /lib/hv-test.sh

check "modprobe hv_hostsim" modprobe hv_hostsim
sd=$(hvsim offer shutdown b6650ff7-33bc-4840-8048-e0676786f393)
check "modprobe hv_vmbus" modprobe hv_vmbus
variants=$(hv_utils_variants)
last=${variants##* }
for v in distro ours; do
	why=$(hv_utils_why_not $v)
	if [ -n "$why" ]; then
		skip "$v hv_utils: shutdown" "$why"
		continue
	fi
	dmesg -c >/dev/null
	check "$v: hv_utils loads" hv_utils_load $v
	check "$v: shutdown 3.2 agreed" wait_for sh -c "hvsim ic status $sd | grep -q ' state=ready fw=3\\.0 msg=3\\.2 '"
	for f in 8 6 0x80000000; do
		check_output "$v: flags $f: E_FAIL" \
			" kind=shutdown origin=admin state=answered status=0x80004005 \\(E_FAIL\\) fw=3\\.0 msg=3\\.2 " \
			hvsim shutdown --flags $f --timeout 10000
	done
	check "$v: the guest logs the invalid request" dmesg_has "Shutdown request received - Invalid request"
	# flags 8 in it: a guest that does not check the length must not power off
	out=$(hvsim shutdown --len 2052 --flags 8 --timeout 3000 2>/dev/null)
	rc=$?
	if hv_utils_checks_length $v; then
		check_output "$v: a 2080-byte request: no answer (the host times out)" \
			"^1 .* state=timeout .* body_len=2052 " echo "$rc $out"
		check "$v: ... and the guest logs why" \
			dmesg_has "(Invalid shutdown msg data. Packet length too small: 2080|shutdown.*(short|small))"
	else
		check_output "$v: a 2080-byte request: this hv_utils does not check the length (flags 8: E_FAIL)" \
			"^0 .* state=answered status=0x80004005 .* body_len=2052 " echo "$rc $out"
	fi
	out=$(hvsim shutdown --hibernate --timeout 10000 2>/dev/null)
	check_output "$v: hibernate: answered S_OK or E_FAIL" \
		"^0 .* status=0x(00000000 \\(S_OK|80004005 \\(E_FAIL)\\)" echo "$? $out"
	diag "$v: hibernate: $(echo "$out" | sed 's/.*\(status=[^ ]* [^ ]*\).*/\1/') (the guest's ACPI S4 decides)"
	case "$out" in
	*"(S_OK)"*) check "$v: S_OK: the guest sent its hibernate uevent" \
		dmesg_has "(Sent hibernation uevent|hibernat.*uevent)" ;;
	*) check "$v: E_FAIL: the guest sent no hibernate uevent" \
		sh -c "! dmesg | grep -q 'Sent hibernation uevent'" ;;
	esac
	check "$v: still up, and no power-off or reboot was asked for" test ! -s /run/hv-ends
	check_output "$v: the host refused no answer" " bad_answers=0 bad_pkts=0 unsolicited=0 " \
		hvsim ic status $sd
	[ $v = "$last" ] && break
	check "$v: hv_utils unloads" rmmod hv_utils
done
if [ -n "$last" ]; then
	check_output "$last: power off: S_OK" \
		" kind=shutdown origin=admin state=answered status=0x00000000 \\(S_OK\\) .* flags=0x0 " \
		hvsim shutdown --timeout 10000
	check "$last: the guest's kernel asks userspace to power off" wait_for test -s /run/hv-ends
	check_output "$last: ... a power-off, not a reboot" "^poweroff\$" cat /run/hv-ends
	check "$last: the guest logs it" dmesg_has "(graceful shutdown initiated|[Ss]hutdown request)"
fi
done_testing
