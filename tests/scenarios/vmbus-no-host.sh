# SPDX-License-Identifier: GPL-2.0-only
# With no Hyper-V and no host simulator, hv_vmbus must refuse to load with a
# message that says why, and leave nothing behind; the distro's own hv_vmbus
# (the reference) must refuse too, so the two agree on what this VM is.
# binaries: kmod
# modules: hv_vmbus
# kernels: bullseye bookworm trixie debug
# timeout: 60
. /lib/hv-test.sh

if [ "$HV_VMBUS_MODE" != module ]; then
	skip "hv_vmbus refuses to load without a host" "VMBus is built into this kernel"
	done_testing
	exit
fi

check_fails "modprobe hv_vmbus fails: there is no host" modprobe hv_vmbus
check "the refusal says why, naming both missing hosts" \
	dmesg_has "hv_vmbus: no Hyper-V hypervisor detected and no host simulator loaded"
check_fails "hv_vmbus is not left loaded" grep -q '^hv_vmbus ' /proc/modules
check_fails "no vmbus bus is registered" test -d /sys/bus/vmbus
distro=$(distro_module hv_vmbus)
check "the distro's hv_vmbus is in the VM as the reference" test -f "$distro"
check_fails "the distro's hv_vmbus refuses as well under TCG" insmod "$distro"
done_testing
