/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A SET_IP_INFO request, validated: every list entry of the host's message
 * parsed (addresses, masks or prefix lengths, gateways, DNS servers) before
 * anything is applied or written. The host is not trusted: a field without
 * its NUL, an entry that is not an address, a mask that is not contiguous,
 * or addresses and masks of different counts or families are refused.
 */
#ifndef HV_TOOLS_KVP_IPCONF_H
#define HV_TOOLS_KVP_IPCONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/hyperv.h>

#define KVP_IPCONF_MAX 64	/* entries per list; 1024 bytes hold fewer */

struct kvp_ip {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN];	/* as the host wrote it, trimmed */
};

struct kvp_mask {
	int family;		/* AF_INET: dotted mask; AF_INET6: prefix */
	int plen;
	char text[INET6_ADDRSTRLEN];	/* as the host wrote it, trimmed */
};

struct kvp_ipconf {
	char adapter_id[MAX_ADAPTER_ID_SIZE * 2];
	bool dhcp;
	__u8 addr_family;
	struct kvp_ip addr[KVP_IPCONF_MAX];
	struct kvp_mask mask[KVP_IPCONF_MAX];	/* mask[i] goes with addr[i] */
	size_t naddr;
	struct kvp_ip gw[KVP_IPCONF_MAX];
	size_t ngw;
	struct kvp_ip dns[KVP_IPCONF_MAX];
	size_t ndns;
};

/* Parse VAL into CONF: 0 or -EINVAL (then nothing is to be applied). */
int kvp_ipconf_parse(const struct hv_kvp_ipaddr_value *val,
		     struct kvp_ipconf *conf);

/* An IPv6 address in 8 groups of 4 hex digits (the ifcfg form). */
void kvp_ipv6_expand(const unsigned char bin[16], char *out, size_t size);

#endif
