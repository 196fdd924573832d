/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVP_OP_SET_IP_INFO (static IP injection): find the interface whose
 * SYSFS/class/net/IF/device/device_id is the host's adapter id (GUID, any
 * case, braces optional), validate the whole request, apply it with libnl
 * (link up; with DHCP off: the addresses, replacing the interface's other
 * global addresses of the same families, and one default route per family
 * through the first gateway of that family, replacing the interface's
 * default routes and another interface's default route of the same
 * metric), write DIR/ifcfg-IF and DIR/IF.nmconnection
 * (kvp_ifcfg.h), then run the persistence hook
 * SCRIPTS/hv_set_ifconfig DIR/ifcfg-IF DIR/IF.nmconnection.
 */
#ifndef HV_TOOLS_KVP_IPSET_H
#define HV_TOOLS_KVP_IPSET_H

#include <net/if.h>
#include <linux/hyperv.h>

#include "kvp_config.h"

/*
 * Returns an HV_ status: HV_GUID_NOTFOUND no such adapter, HV_INVALIDARG
 * malformed request (nothing applied), HV_E_FAIL applying, writing or the
 * hook failed (exit status not 0), HV_S_OK.
 */
__u32 kvp_ipset_apply(const struct kvp_config *cfg,
		    const struct hv_kvp_ipaddr_value *val);

/* The interface with this device_id into ifname[IF_NAMESIZE]; 0 or -ENOENT. */
int kvp_ifname_by_device_id(const char *sysfs_root, const char *guid,
			    char *ifname);

#endif
