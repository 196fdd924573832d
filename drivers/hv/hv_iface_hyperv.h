/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real Hyper-V implementation of the hypervisor interface.
 */
#ifndef _HV_IFACE_HYPERV_H
#define _HV_IFACE_HYPERV_H

#include "hv/hv_iface.h"

const struct hv_iface *hv_iface_hyperv_probe(void);

#endif /* _HV_IFACE_HYPERV_H */
