// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validating a SET_IP_INFO request (see kvp_ipconf.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvp_iplist.h"
#include "kvp_ipconf.h"

/* A NUL-terminated copy of a fixed-size field; -EINVAL without the NUL. */
static int field(const void *src, size_t size, char *dst)
{
	if (!memchr(src, '\0', size))
		return -EINVAL;
	memcpy(dst, src, size);
	return 0;
}

static int parse_ip(const char *text, struct kvp_ip *ip)
{
	snprintf(ip->text, sizeof(ip->text), "%s", text);
	if (inet_pton(AF_INET, text, ip->bin) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, text, ip->bin) == 1)
		ip->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

/* "255.255.255.0" (contiguous), or a prefix length "64" or "/64". */
static int parse_mask(const char *text, struct kvp_mask *m)
{
	struct in_addr a;
	unsigned long v;
	const char *p = text;
	char *end;
	__u32 bits;

	snprintf(m->text, sizeof(m->text), "%s", text);
	if (inet_pton(AF_INET, text, &a) == 1) {
		bits = ntohl(a.s_addr);
		if (~bits & (~bits + 1))	/* ones, then zeros only */
			return -EINVAL;
		m->family = AF_INET;
		m->plen = __builtin_popcount(bits);
		return 0;
	}
	if (*p == '/')
		p++;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	v = strtoul(p, &end, 10);
	if (*end || v > 128)
		return -EINVAL;
	m->family = AF_INET6;
	m->plen = (int)v;
	return 0;
}

/* Parse a list with PARSE into an array of at most KVP_IPCONF_MAX. */
static int parse_ips(const char *list, struct kvp_ip *out, size_t *n)
{
	char item[INET6_ADDRSTRLEN];
	int r;

	*n = 0;
	while ((r = kvp_list_next(&list, item, sizeof(item))) == 1) {
		if (*n == KVP_IPCONF_MAX || parse_ip(item, &out[*n]))
			return -EINVAL;
		(*n)++;
	}
	return r;
}

int kvp_ipconf_parse(const struct hv_kvp_ipaddr_value *val,
		     struct kvp_ipconf *conf)
{
	char buf[MAX_IP_ADDR_SIZE * 2], item[INET6_ADDRSTRLEN];
	const char *cur;
	size_t n = 0, i;
	int r;

	memset(conf, 0, sizeof(*conf));
	if (field(val->adapter_id, sizeof(val->adapter_id), conf->adapter_id))
		return -EINVAL;
	conf->dhcp = val->dhcp_enabled != 0;
	conf->addr_family = val->addr_family;

	if (field(val->ip_addr, sizeof(val->ip_addr), buf) ||
	    parse_ips(buf, conf->addr, &conf->naddr))
		return -EINVAL;
	if (field(val->sub_net, sizeof(val->sub_net), buf))
		return -EINVAL;
	cur = buf;
	while ((r = kvp_list_next(&cur, item, sizeof(item))) == 1) {
		if (n == KVP_IPCONF_MAX || parse_mask(item, &conf->mask[n]))
			return -EINVAL;
		n++;
	}
	if (r < 0 || n != conf->naddr)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		/* "24" after an IPv4 address is a prefix length too. */
		if (conf->addr[i].family == AF_INET &&
		    conf->mask[i].family == AF_INET6 && conf->mask[i].plen <= 32)
			conf->mask[i].family = AF_INET;
		if (conf->addr[i].family != conf->mask[i].family)
			return -EINVAL;
	}
	if (field(val->gate_way, sizeof(val->gate_way), buf) ||
	    parse_ips(buf, conf->gw, &conf->ngw))
		return -EINVAL;
	if (field(val->dns_addr, sizeof(val->dns_addr), buf) ||
	    parse_ips(buf, conf->dns, &conf->ndns))
		return -EINVAL;
	return 0;
}

void kvp_ipv6_expand(const unsigned char b[16], char *out, size_t size)
{
	snprintf(out, size,
		 "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}
