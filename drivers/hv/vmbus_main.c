// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the VMBus core, module entry points.
 *
 * The VMBus protocol itself is not in this release yet: this module selects
 * the hypervisor interface and, since it cannot drive a bus yet, refuses to
 * load with a message that says why, so that it never replaces a working
 * distro VMBus with a bus that offers no devices.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

#include "hv_iface.h"

static int __init hv_vmbus_init(void)
{
	const struct hv_iface *iface = hv_iface_hyperv_probe();

	if (!iface) {
		pr_err("no Hyper-V hypervisor detected and no host simulator loaded; not loading\n");
		return -ENODEV;
	}
	pr_err("hyperv-dkms %s has no VMBus core yet; not loading over the %s interface\n",
	       HV_DKMS_VERSION, iface->name);
	return -ENODEV;
}

static void __exit hv_vmbus_exit(void)
{
}

module_init(hv_vmbus_init);
module_exit(hv_vmbus_exit);

MODULE_DESCRIPTION("Microsoft Hyper-V VMBus core (hyperv-dkms)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HV_DKMS_VERSION);
