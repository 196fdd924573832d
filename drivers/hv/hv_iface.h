/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor interface: the only way the VMBus core reaches the host.
 *
 * Everything above it (the VMBus protocol, channels, GPADLs, rings and the
 * drivers) is the same code on real Hyper-V and against the host simulator.
 * Two implementations exist: real Hyper-V through the kernel's built-in
 * Hyper-V support (hv_iface_hyperv.c), and the simulated host of tests/hostsim.
 */
#ifndef _HV_IFACE_H
#define _HV_IFACE_H

#include <linux/types.h>

/**
 * struct hv_iface - one implementation of the hypervisor interface
 * @name: shown in the kernel log and in sysfs
 */
struct hv_iface {
	const char *name;
};

const struct hv_iface *hv_iface_hyperv_probe(void);

#endif /* _HV_IFACE_H */
