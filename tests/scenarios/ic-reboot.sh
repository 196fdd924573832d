# SPDX-License-Identifier: GPL-2.0-only
# Shutdown IC, restart (docs/design/hv_utils.md §6.5 item 3): with the last
# hv_utils of the variants present (ours if built, else the distro's on our
# VMBus), a restart request (flags 2) is answered S_OK, the guest's kernel
# runs /sbin/reboot (orderly_reboot), and the harness checks the reboot
# itself. On sid only ours runs (the distro's cannot use our test core).
# ends: reboot
# kernels: bullseye bookworm trixie sid debug
# modules: hv_utils?
# tools: hvsim
# binaries: kmod
# timeout: 300
. /lib/hv-test.sh

check "modprobe hv_hostsim" modprobe hv_hostsim
sd=$(hvsim offer shutdown b6650ff7-33bc-4840-8048-e0676786f393)
check "modprobe hv_vmbus" modprobe hv_vmbus
variants=$(hv_utils_variants)
v=${variants##* }
if [ -n "$v" ]; then
	check "$v: hv_utils loads" hv_utils_load $v
	check "$v: shutdown 3.2 agreed" wait_for sh -c "hvsim ic status $sd | grep -q ' state=ready fw=3\\.0 msg=3\\.2 '"
	check_output "$v: restart: S_OK" \
		" kind=shutdown origin=admin state=answered status=0x00000000 \\(S_OK\\) .* flags=0x2 " \
		hvsim shutdown --reboot --timeout 10000
	check "$v: the guest's kernel asks userspace to reboot" wait_for test -s /run/hv-ends
	check_output "$v: ... a reboot, not a power-off" "^reboot\$" cat /run/hv-ends
	check "$v: the guest logs it" dmesg_has "([Rr]estart request|graceful restart)"
else
	skip "restart" "no hv_utils to run here"
fi
done_testing
