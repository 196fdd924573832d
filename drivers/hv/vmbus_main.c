// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the VMBus core, module entry points.
 *
 * Picks the hypervisor interface (real Hyper-V, or the host simulator when
 * its module is loaded), connects to the host and registers the vmbus bus.
 * With neither a hypervisor nor a simulator it refuses to load, saying why.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/init.h>
#include <linux/module.h>

#include "hv_iface_hyperv.h"
#include "vmbus_core.h"

struct vmbus_core vmbus_core = {
	.waiters_lock = __SPIN_LOCK_UNLOCKED(vmbus_core.waiters_lock),
	.waiters = LIST_HEAD_INIT(vmbus_core.waiters),
	.channels_lock = __MUTEX_INITIALIZER(vmbus_core.channels_lock),
	.channels = XARRAY_INIT(vmbus_core.channels, 0),
	.chan_state_lock = __MUTEX_INITIALIZER(vmbus_core.chan_state_lock),
};

static const struct hv_iface_guest_ops vmbus_guest_ops = {
	.on_message = vmbus_on_message,
	.on_event = vmbus_on_event,
	.cpu_in_use = vmbus_cpu_in_use,
};

static bool real_hyperv;
module_param(real_hyperv, bool, 0444);
MODULE_PARM_DESC(real_hyperv,
		 "Drive real Hyper-V (default: no; this release is tested against the host simulator only)");

/* The simulator's interface, held with a module reference while in use. */
static const struct hv_iface *vmbus_sim_iface;

static const struct hv_iface *vmbus_pick_iface(void)
{
	const struct hv_iface *iface = hv_iface_hyperv_probe();

	if (IS_ERR(iface))
		return iface;
	if (iface && !real_hyperv) {
		pr_err("hyperv-dkms %s has not been validated on real Hyper-V: not replacing the distro's VMBus driver (load with real_hyperv=1 to use it anyway)\n",
		       HV_DKMS_VERSION);
		return ERR_PTR(-EPERM);
	}
	if (iface)
		return iface;
	vmbus_sim_iface = symbol_get(HV_IFACE_SIM_SYMBOL);
	return vmbus_sim_iface;
}

static bool vmbus_on_hyperv(void)
{
	return vmbus_core.iface && !vmbus_sim_iface;
}

static void vmbus_put_iface(void)
{
	if (vmbus_sim_iface)
		symbol_put(HV_IFACE_SIM_SYMBOL);
	vmbus_sim_iface = NULL;
	vmbus_core.iface = NULL;
}

static int __init hv_vmbus_init(void)
{
	int ret;

	vmbus_core.iface = vmbus_pick_iface();
	if (IS_ERR(vmbus_core.iface)) {
		ret = PTR_ERR(vmbus_core.iface);
		vmbus_core.iface = NULL;
		return ret;
	}
	if (!vmbus_core.iface) {
		pr_err("no Hyper-V hypervisor detected and no host simulator loaded; not loading\n");
		return -ENODEV;
	}

	vmbus_core.unloading = false;
	vmbus_core.msg_wq = alloc_ordered_workqueue("hv_vmbus_msg", 0);
	vmbus_core.dev_wq = alloc_ordered_workqueue("hv_vmbus_dev", 0);
	if (!vmbus_core.msg_wq || !vmbus_core.dev_wq) {
		ret = -ENOMEM;
		goto err_wq;
	}
	vmbus_core.root = root_device_register("hv_vmbus");
	if (IS_ERR(vmbus_core.root)) {
		ret = PTR_ERR(vmbus_core.root);
		goto err_wq;
	}
	/* offers may arrive as soon as we connect: the bus must be there */
	ret = bus_register(&vmbus_bus);
	if (ret)
		goto err_root;
	/* before any offer: devices may allocate MMIO in their probe */
	vmbus_acpi_find_mmio();
	ret = vmbus_core.iface->attach(&vmbus_guest_ops, NULL);
	if (ret)
		goto err_bus;
	pr_info("hyperv-dkms %s: using the %s interface\n", HV_DKMS_VERSION,
		vmbus_core.iface->name);

	ret = vmbus_connect();
	if (ret)
		goto err_detach;
	if (vmbus_on_hyperv())
		vmbus_crash_handlers_add();
	return 0;

err_detach:
	vmbus_core.iface->detach();
	flush_workqueue(vmbus_core.msg_wq);
	vmbus_remove_all_channels();
err_bus:
	vmbus_mmio_remove_ranges();
	bus_unregister(&vmbus_bus);
err_root:
	root_device_unregister(vmbus_core.root);
err_wq:
	if (vmbus_core.dev_wq)
		destroy_workqueue(vmbus_core.dev_wq);
	if (vmbus_core.msg_wq)
		destroy_workqueue(vmbus_core.msg_wq);
	vmbus_put_iface();
	return ret;
}

static void __exit hv_vmbus_exit(void)
{
	if (vmbus_on_hyperv())
		vmbus_crash_handlers_remove();
	WRITE_ONCE(vmbus_core.unloading, true);
	flush_workqueue(vmbus_core.msg_wq);
	vmbus_remove_all_channels();
	vmbus_disconnect();
	vmbus_core.iface->detach();
	flush_workqueue(vmbus_core.msg_wq);
	vmbus_remove_all_channels();
	vmbus_mmio_remove_ranges();
	destroy_workqueue(vmbus_core.dev_wq);
	destroy_workqueue(vmbus_core.msg_wq);
	bus_unregister(&vmbus_bus);
	root_device_unregister(vmbus_core.root);
	vmbus_put_iface();
}

module_init(hv_vmbus_init);
module_exit(hv_vmbus_exit);

MODULE_DESCRIPTION("Microsoft Hyper-V VMBus core (hyperv-dkms)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HV_DKMS_VERSION);
