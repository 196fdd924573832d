// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor interface, real Hyper-V implementation: it relies on the
 * kernel's built-in Hyper-V support (hypercall page, SynIC, the VMBus
 * interrupt vector). This is the only file of the tree that may touch
 * Hyper-V MSRs or the hypercall page.
 */
#include <linux/kernel.h>
#include <asm/mshyperv.h>

#include "hv_iface_hyperv.h"

static const struct hv_iface hv_iface_hyperv = {
	.name = "hyperv",
};

/**
 * hv_iface_hyperv_probe() - the real Hyper-V interface, if this is Hyper-V
 *
 * hv_is_hyperv_initialized() checks the detected hypervisor type before it
 * reads any Hyper-V MSR, so it is safe to call under any hypervisor.
 *
 * Return: the interface, or NULL when not running on Hyper-V.
 */
const struct hv_iface *hv_iface_hyperv_probe(void)
{
	return hv_is_hyperv_initialized() ? &hv_iface_hyperv : NULL;
}
