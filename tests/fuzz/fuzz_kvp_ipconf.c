// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_kvp_daemon's SET_IP_INFO validation
 * (tools/hv/kvp_ipconf.c, kvp_iplist.c): any struct hv_kvp_ipaddr_value
 * the host may send through the kernel is either refused or parsed into
 * entries that are all in range, and never read out of bounds
 * (AddressSanitizer watches an exact-size copy).
 * fuzz-sources: tools/hv/kvp_ipconf.c tools/hv/kvp_iplist.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kvp_ipconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static struct kvp_ipconf conf;

static int ip_ok(const struct kvp_ip *ip)
{
	return (ip->family == AF_INET || ip->family == AF_INET6) &&
	       memchr(ip->text, '\0', sizeof(ip->text)) &&
	       !strpbrk(ip->text, ";\n\r= ");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct hv_kvp_ipaddr_value *val;
	size_t i;

	if (len < sizeof(*val))
		return 0;
	val = malloc(sizeof(*val));
	if (!val)
		return 0;
	memcpy(val, data, sizeof(*val));
	if (kvp_ipconf_parse(val, &conf) == 0) {
		if (conf.naddr > KVP_IPCONF_MAX || conf.ngw > KVP_IPCONF_MAX ||
		    conf.ndns > KVP_IPCONF_MAX)
			abort();
		for (i = 0; i < conf.naddr; i++)
			if (!ip_ok(&conf.addr[i]) ||
			    conf.mask[i].family != conf.addr[i].family ||
			    conf.mask[i].plen < 0 ||
			    conf.mask[i].plen > (conf.addr[i].family == AF_INET ? 32 : 128) ||
			    strpbrk(conf.mask[i].text, ";\n\r= "))
				abort();
		for (i = 0; i < conf.ngw; i++)
			if (!ip_ok(&conf.gw[i]))
				abort();
		for (i = 0; i < conf.ndns; i++)
			if (!ip_ok(&conf.dns[i]))
				abort();
		if (!memchr(conf.adapter_id, '\0', sizeof(conf.adapter_id)))
			abort();
	}
	free(val);
	return 0;
}
