/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two files SET_IP_INFO hands to the hv_set_ifconfig hook, in the
 * upstream daemon's formats, written atomically into the state directory:
 *
 * DIR/ifcfg-IF (Red Hat ifcfg style):
 *   HWADDR=<MAC, upper case>
 *   DEVICE=<IF>
 *   BOOTPROTO=dhcp|none
 *   then, for each list in the order ip_addr, sub_net, gate_way, dns_addr:
 *   IPADDR0=, IPADDR1=...          IPv4 addresses
 *   IPV6ADDR=, IPV6ADDR_1=...      IPv6 addresses (fully expanded)
 *   NETMASK0=, NETMASK1=...        dotted masks
 *   IPV6NETMASK=, IPV6NETMASK_1=   prefix lengths (as the host wrote them)
 *   GATEWAY=, GATEWAY1=...         IPv4 gateways
 *   IPV6_DEFAULTGW=, IPV6_DEFAULTGW_1=...   IPv6 gateways (expanded)
 *   DNS1=, DNS2=...                DNS servers of both families
 *
 * DIR/IF.nmconnection (NetworkManager keyfile):
 *   [connection] interface-name=IF; [ethernet] mac-address=MAC;
 *   [ipv6] if the host's addr_family is IPv6, else [ipv4]: method=auto
 *   (DHCP) or manual, address1=ip/plen..., gateway=a;b, dns=a;b.
 */
#ifndef HV_TOOLS_KVP_IFCFG_H
#define HV_TOOLS_KVP_IFCFG_H

#include <stddef.h>

#include "kvp_ipconf.h"

#define KVP_PATH_MAX 4096

/* Write both files; their paths into ifcfg[]/keyfile[KVP_PATH_MAX]. */
int kvp_ifcfg_write(const char *dir, const char *ifname, const char *mac,
		    const struct kvp_ipconf *conf, char *ifcfg, char *keyfile);

#endif
