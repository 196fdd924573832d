/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVP_OP_GET_IP_INFO: the IP configuration of the interface whose MAC the
 * host names, read through libnl-route-3, plus the DNS servers and DHCP
 * state from the scripts hv_get_dns_info and hv_get_dhcp_info.
 */
#ifndef HV_TOOLS_KVP_IPINFO_H
#define HV_TOOLS_KVP_IPINFO_H

#include <stddef.h>
#include <linux/hyperv.h>

#include "kvp_config.h"

/*
 * Answer a GET_IP_INFO request in place. In: adapter_id (MAC, colon or
 * dash form, any case), addr_family (ADDR_FAMILY_IPV4, _IPV6, both bits or
 * 0 = both). Out: ip_addr (';'-joined, IPv4 first, each family in the
 * kernel's order), sub_net (dotted masks for IPv4, "/plen" for IPv6, one
 * per address), gate_way (default routes through the interface, IPv4
 * then IPv6), dns_addr, dhcp_enabled, addr_family (the families found).
 * Of several interfaces with the MAC (a netvsc and its VF), the first with
 * an address of a requested family. Returns an HV_ status: HV_E_FAIL when
 * no interface has the MAC (as upstream).
 */
__u32 kvp_ipinfo_get(const struct kvp_config *cfg,
		   struct hv_kvp_ipaddr_value *val);

/* Every address of FAMILY on non-loopback links, ';'-joined (AUTO pool). */
int kvp_ipinfo_all_addresses(int family, char *buf, size_t len);

/* Parse "aa:bb:cc:dd:ee:ff" (or with '-'), any case; 0 or -EINVAL. */
int kvp_parse_mac(const char *s, unsigned char mac[6]);

#endif
