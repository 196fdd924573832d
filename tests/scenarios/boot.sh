# SPDX-License-Identifier: GPL-2.0-only
# Boot the kernel and check the harness itself: the verdict channel, the
# guest tools the scenarios rely on, and that our modules for this kernel
# are where dkms installs them.
# binaries: kmod
# modules: hv_vmbus
# timeout: 60
. /lib/hv-test.sh

check "running the kernel the harness was asked for ($HV_EXPECT_KVER)" \
	test "$(uname -r)" = "$HV_EXPECT_KVER"
check "devtmpfs and proc are mounted" test -c /dev/null -a -r /proc/modules
check_output "modprobe is kmod's" "^kmod version" modprobe --version
if [ "$HV_VMBUS_MODE" = module ]; then
	check_output "modinfo finds our hv_vmbus under updates/dkms, not the distro's" \
		"/updates/dkms/hv_vmbus.ko\$" modinfo -n hv_vmbus
	check_output "our hv_vmbus carries our version" "^0\.[0-9]+\.[0-9]+" \
		modinfo -F version hv_vmbus
else
	check_fails "VMBus is built in: no hv_vmbus module of ours to replace it" \
		test -e "$(our_module hv_vmbus)"
fi
done_testing
