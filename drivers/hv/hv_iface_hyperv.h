/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real Hyper-V implementation of the hypervisor interface.
 *
 * hv_iface_hyperv.c holds the interface itself (hypercalls, attach and
 * detach); hv_iface_hyperv_synic.c the per-CPU synthetic interrupt
 * controller (message and event-flag pages, the VMBus interrupt). These two
 * files are the only ones of the tree that touch Hyper-V MSRs or make
 * hypercalls.
 */
#ifndef _HV_IFACE_HYPERV_H
#define _HV_IFACE_HYPERV_H

#include "hv/hv_iface.h"

const struct hv_iface *hv_iface_hyperv_probe(void);

int hv_synic_attach(const struct hv_iface_guest_ops *ops, void *ctx);
void hv_synic_detach(void);
void hv_synic_disable_this_cpu(void);
u32 hv_synic_poll_message(void *buf, u32 size);

#endif /* _HV_IFACE_HYPERV_H */
