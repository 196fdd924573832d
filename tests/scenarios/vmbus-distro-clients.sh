# SPDX-License-Identifier: GPL-2.0-only
# Rule 1 in the VM: the distro's own VMBus client modules, built against
# the distro's hv_vmbus, load on top of ours (same exports, same
# modversions CRCs) and hold a reference on it; modprobe resolves hv_vmbus
# to ours (updates/dkms) and no module complains about a symbol.
# uio_hv_generic is left out: it uses vmbus_connection and vmbus_devs,
# internal structures that Rule 1 exempts. pci_hyperv links but its init
# refuses to run without real Hyper-V.
# binaries: kmod
# modules: hv_sock hid_hyperv hyperv_keyboard pci_hyperv hyperv_drm? hyperv_fb?
# timeout: 180
. /lib/hv-test.sh

if [ "$HV_VMBUS_MODE" != module ]; then
	skip "distro VMBus clients on our hv_vmbus" "VMBus is built into this kernel"
	done_testing
	exit
fi

modprobe hv_hostsim
check "our hv_vmbus loads" modprobe hv_vmbus
check_output "the loaded hv_vmbus is ours (version $HV_DKMS_VERSION)" "^0\\.1\\.0\$" \
	cat /sys/module/hv_vmbus/version

clients="hv_sock hid_hyperv hyperv_keyboard"
for m in hyperv_drm hyperv_fb; do
	modinfo -F filename "$m" >/dev/null 2>&1 && clients="$clients $m"
done
for m in $clients; do
	check "the distro's $m loads on our hv_vmbus" modprobe "$m"
	check "$m holds our hv_vmbus" test -e "/sys/module/hv_vmbus/holders/$m"
done
# pci_hyperv's init refuses without Hyper-V itself (hv_is_hyperv_initialized,
# in vmlinux), which TCG lacks; but the loader resolves and CRC-checks its
# symbols first, so the refusal must be that, not a symbol error.
check_output "the distro's pci_hyperv links against our hv_vmbus (then refuses: no Hyper-V)" \
	"No such device" bash -c "modprobe pci_hyperv 2>&1"
check "no module disagrees about a symbol version or misses a symbol" \
	bash -c "! dmesg | grep -E 'disagrees about version|Unknown symbol'"
for m in $clients; do
	check "$m unloads" modprobe -r "$m"
done
check "hv_vmbus unloads after them" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
