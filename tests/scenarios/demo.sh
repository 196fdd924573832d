# SPDX-License-Identifier: GPL-2.0-only
# The README's demo, as a test: what a user of this release sees in a VM
# booted with our modules installed where dkms puts them. Each step prints
# what it shows and asserts on it. Extended as features land (lsvmbus with
# devices, traffic, disks, KVP).
# binaries: kmod
# modules: hv_vmbus
# tools: lsvmbus
# kernels: bookworm
# timeout: 90
. /lib/hv-test.sh

diag "kernel: $(uname -r); VMBus core in this kernel: $HV_VMBUS_MODE; our modules: $HV_OUR_MODULES"
diag "\$ modinfo -n hv_vmbus: $(modinfo -n hv_vmbus)"
check_output "depmod prefers our hv_vmbus (updates/dkms) over the distro's" \
	"/updates/dkms/hv_vmbus.ko\$" modinfo -n hv_vmbus
check_output "modinfo shows it is hyperv-dkms's" "\\(hyperv-dkms\\)" modinfo -F description hv_vmbus

out=$(modprobe hv_vmbus 2>&1)
diag "\$ modprobe hv_vmbus: $out"
diag "dmesg: $(dmesg | grep 'hv_vmbus:' | tail -1)"
check "without Hyper-V or the host simulator, hv_vmbus declines with a reason" \
	dmesg_has "hv_vmbus: no Hyper-V hypervisor detected and no host simulator loaded"

out=$(lsvmbus 2>&1)
rc=$?
diag "\$ lsvmbus: $out (exit $rc)"
ok $([ $rc = 1 ] && echo 0 || echo 1) "lsvmbus exits 1 when there is no VMBus"

diag "\$ modprobe hv_hostsim max_version=5.2; modprobe hv_vmbus"
modprobe hv_hostsim max_version=5.2
check "with the host simulator loaded, hv_vmbus loads" modprobe hv_vmbus
diag "dmesg: $(dmesg | grep -E 'hv_vmbus|hv_hostsim' | tail -3 | tr '\n' '|')"
check "and negotiates the newest protocol the host offers (5.2)" \
	dmesg_has "hv_vmbus: Vmbus version:5.2"
check "the vmbus bus is registered" test -d /sys/bus/vmbus/devices
out=$(lsvmbus 2>&1)
rc=$?
diag "\$ lsvmbus: '$out' (exit $rc; the simulator offers no devices yet)"
ok $rc "lsvmbus lists the (still empty) bus"
check "rmmod hv_vmbus unloads cleanly" rmmod hv_vmbus
done_testing
