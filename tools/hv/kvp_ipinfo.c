// SPDX-License-Identifier: GPL-2.0-only
/*
 * GET_IP_INFO through libnl-route-3 (see kvp_ipinfo.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "hv_log.h"
#include "kvp_iplist.h"
#include "kvp_ipinfo.h"
#include "kvp_script.h"

#define ADDR_INFINITY 0xffffffffu

struct rt_caches {
	struct nl_sock *sk;
	struct nl_cache *links, *addrs, *routes;
};

static void caches_free(struct rt_caches *c)
{
	if (c->routes)
		nl_cache_free(c->routes);
	if (c->addrs)
		nl_cache_free(c->addrs);
	if (c->links)
		nl_cache_free(c->links);
	if (c->sk)
		nl_socket_free(c->sk);
	memset(c, 0, sizeof(*c));
}

static int caches_load(struct rt_caches *c, bool routes)
{
	memset(c, 0, sizeof(*c));
	c->sk = nl_socket_alloc();
	if (!c->sk)
		return -ENOMEM;
	if (nl_connect(c->sk, NETLINK_ROUTE) < 0 ||
	    rtnl_link_alloc_cache(c->sk, AF_UNSPEC, &c->links) < 0 ||
	    rtnl_addr_alloc_cache(c->sk, &c->addrs) < 0 ||
	    (routes &&
	     rtnl_route_alloc_cache(c->sk, AF_UNSPEC, 0, &c->routes) < 0)) {
		hv_log(LOG_ERR, "cannot read the routing tables (netlink)");
		caches_free(c);
		return -EIO;
	}
	return 0;
}

int kvp_parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];
	char sep, end;
	int i;

	if (strlen(s) != 17)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (i < 5 && s[3 * i + 2] != sep)
			return -EINVAL;
		if (sscanf(s + 3 * i, "%2x%c", &b[i], &end) < 1 ||
		    !isxdigit((unsigned char)s[3 * i]) ||
		    !isxdigit((unsigned char)s[3 * i + 1]))
			return -EINVAL;
		mac[i] = (unsigned char)b[i];
	}
	return 0;
}

/* The address as text ("/plen" mask for IPv6, dotted for IPv4). */
static bool addr_text(struct rtnl_addr *a, char *ip, char *mask)
{
	struct nl_addr *local = rtnl_addr_get_local(a);
	int family = rtnl_addr_get_family(a);
	int plen = rtnl_addr_get_prefixlen(a);
	struct in_addr m;

	if (!local || (family != AF_INET && family != AF_INET6) ||
	    !inet_ntop(family, nl_addr_get_binary_addr(local), ip,
		       INET6_ADDRSTRLEN))
		return false;
	if (family == AF_INET6) {
		snprintf(mask, INET6_ADDRSTRLEN, "/%d", plen);
		return true;
	}
	m.s_addr = htonl(plen <= 0 ? 0 : 0xffffffffu << (32 - plen));
	return inet_ntop(AF_INET, &m, mask, INET6_ADDRSTRLEN) != NULL;
}

static bool has_address(struct nl_cache *addrs, int ifindex, int family)
{
	struct nl_object *o;
	struct rtnl_addr *a;

	for (o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) == ifindex &&
		    (family ? rtnl_addr_get_family(a) == family :
		     rtnl_addr_get_family(a) == AF_INET ||
		     rtnl_addr_get_family(a) == AF_INET6))
			return true;
	}
	return false;
}

static bool mac_equal(struct rtnl_link *l, const unsigned char mac[6])
{
	struct nl_addr *a = rtnl_link_get_addr(l);

	return a && nl_addr_get_len(a) == 6 &&
	       !memcmp(nl_addr_get_binary_addr(a), mac, 6);
}

/* The interface to report: see kvp_ipinfo.h. 0 if none has the MAC. */
static int find_link(const struct rt_caches *c, const unsigned char mac[6],
		     bool want4, bool want6)
{
	struct nl_object *o;
	struct rtnl_link *l;
	int first = 0, idx;

	for (o = nl_cache_get_first(c->links); o; o = nl_cache_get_next(o)) {
		l = (struct rtnl_link *)o;
		if (!mac_equal(l, mac))
			continue;
		idx = rtnl_link_get_ifindex(l);
		if (!first)
			first = idx;
		if ((want4 && has_address(c->addrs, idx, AF_INET)) ||
		    (want6 && has_address(c->addrs, idx, AF_INET6)))
			return idx;
	}
	return first;
}

static void add_addresses(const struct rt_caches *c, int ifindex, int family,
			  struct kvp_list *ips, struct kvp_list *masks,
			  __u8 *families, bool *dynamic4)
{
	char ip[INET6_ADDRSTRLEN], mask[INET6_ADDRSTRLEN];
	struct nl_object *o;
	struct rtnl_addr *a;

	for (o = nl_cache_get_first(c->addrs); o; o = nl_cache_get_next(o)) {
		a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_family(a) != family || !addr_text(a, ip, mask))
			continue;
		if (!kvp_list_fits(ips, ip) || !kvp_list_fits(masks, mask))
			return;	/* full: whole entries only, in pairs */
		kvp_list_add(ips, ip);
		kvp_list_add(masks, mask);
		*families |= family == AF_INET ? ADDR_FAMILY_IPV4 :
						 ADDR_FAMILY_IPV6;
		if (family == AF_INET &&
		    rtnl_addr_get_valid_lifetime(a) != ADDR_INFINITY)
			*dynamic4 = true;
	}
}

static void add_gateways(const struct rt_caches *c, int ifindex, int family,
			 struct kvp_list *gws)
{
	char text[INET6_ADDRSTRLEN];
	struct rtnl_nexthop *nh;
	struct nl_object *o;
	struct rtnl_route *r;
	struct nl_addr *dst, *gw;
	int i, n;

	for (o = nl_cache_get_first(c->routes); o; o = nl_cache_get_next(o)) {
		r = (struct rtnl_route *)o;
		dst = rtnl_route_get_dst(r);
		if (rtnl_route_get_family(r) != family ||
		    rtnl_route_get_table(r) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(r) != RTN_UNICAST ||
		    (dst && nl_addr_get_prefixlen(dst) != 0))
			continue;
		n = rtnl_route_get_nnexthops(r);
		for (i = 0; i < n; i++) {
			nh = rtnl_route_nexthop_n(r, i);
			gw = nh ? rtnl_route_nh_get_gateway(nh) : NULL;
			if (!gw || rtnl_route_nh_get_ifindex(nh) != ifindex ||
			    !inet_ntop(family, nl_addr_get_binary_addr(gw),
				       text, sizeof(text)))
				continue;
			kvp_list_add(gws, text);
		}
	}
}

/* One address per line from hv_get_dns_info; anything else is skipped. */
static void add_dns(const struct kvp_config *cfg, const char *ifname,
		    struct kvp_list *dns)
{
	const char *argv[] = { ifname, NULL };
	unsigned char bin[sizeof(struct in6_addr)];
	char out[4096], *line, *save = NULL;
	int ret;

	ret = kvp_run_script(cfg->scripts_dir, "hv_get_dns_info", argv, out,
			     sizeof(out));
	if (ret < 0 && ret != -ENOENT)
		hv_log(LOG_WARNING, "hv_get_dns_info %s: %s", ifname,
		       strerror(-ret));
	if (ret < 0)
		return;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " \t\r")] = '\0';
		if (inet_pton(AF_INET, line, bin) == 1 ||
		    inet_pton(AF_INET6, line, bin) == 1)
			kvp_list_add(dns, line);
	}
}

/*
 * hv_get_dhcp_info IF prints "Enabled" or "Disabled". Without the script:
 * DHCP is taken to be on when an IPv4 address has a finite lifetime
 * (addresses from a DHCP client expire; static ones are "forever").
 */
static __u8 dhcp_state(const struct kvp_config *cfg, const char *ifname,
		       bool dynamic4)
{
	const char *argv[] = { ifname, NULL };
	char out[64];
	int ret;

	ret = kvp_run_script(cfg->scripts_dir, "hv_get_dhcp_info", argv, out,
			     sizeof(out));
	if (ret == -ENOENT)
		return dynamic4;
	if (ret < 0)
		hv_log(LOG_WARNING, "hv_get_dhcp_info %s: %s", ifname,
		       strerror(-ret));
	return !strncmp(out, "Enabled", 7);
}

__u32 kvp_ipinfo_get(const struct kvp_config *cfg,
		   struct hv_kvp_ipaddr_value *val)
{
	char mac_text[sizeof(val->adapter_id)];
	char ifname[IF_NAMESIZE] = "";
	struct kvp_list ips, masks, gws, dns;
	struct rtnl_link *link;
	struct rt_caches c;
	unsigned char mac[6];
	bool want4, want6, dynamic4 = false;
	__u8 req = val->addr_family, families = 0;
	int ifindex;

	memcpy(mac_text, val->adapter_id, sizeof(mac_text));
	mac_text[sizeof(mac_text) - 1] = '\0';
	if (kvp_parse_mac(mac_text, mac)) {
		hv_log(LOG_ERR, "GET_IP_INFO: adapter id is not a MAC");
		return HV_E_FAIL;
	}
	if (req & ~(ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6))
		return HV_INVALIDARG;
	want4 = !req || (req & ADDR_FAMILY_IPV4);
	want6 = !req || (req & ADDR_FAMILY_IPV6);
	if (caches_load(&c, true))
		return HV_E_FAIL;
	ifindex = find_link(&c, mac, want4, want6);
	if (!ifindex) {
		caches_free(&c);
		hv_log(LOG_INFO, "GET_IP_INFO: no interface has MAC %s",
		       mac_text);
		return HV_E_FAIL;
	}
	link = rtnl_link_get(c.links, ifindex);
	if (link) {
		snprintf(ifname, sizeof(ifname), "%s", rtnl_link_get_name(link));
		rtnl_link_put(link);
	}
	kvp_list_init(&ips, (char *)val->ip_addr, sizeof(val->ip_addr));
	kvp_list_init(&masks, (char *)val->sub_net, sizeof(val->sub_net));
	kvp_list_init(&gws, (char *)val->gate_way, sizeof(val->gate_way));
	kvp_list_init(&dns, (char *)val->dns_addr, sizeof(val->dns_addr));
	if (want4) {
		add_addresses(&c, ifindex, AF_INET, &ips, &masks, &families,
			      &dynamic4);
		add_gateways(&c, ifindex, AF_INET, &gws);
	}
	if (want6) {
		add_addresses(&c, ifindex, AF_INET6, &ips, &masks, &families,
			      &dynamic4);
		add_gateways(&c, ifindex, AF_INET6, &gws);
	}
	caches_free(&c);
	add_dns(cfg, ifname, &dns);
	val->dhcp_enabled = dhcp_state(cfg, ifname, dynamic4);
	val->addr_family = families;
	return HV_S_OK;
}

int kvp_ipinfo_all_addresses(int family, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN], mask[INET6_ADDRSTRLEN];
	struct kvp_list list;
	struct rtnl_link *l;
	struct nl_object *o;
	struct rtnl_addr *a;
	struct rt_caches c;
	bool loopback;

	kvp_list_init(&list, buf, len);
	if (caches_load(&c, false))
		return -EIO;
	for (o = nl_cache_get_first(c.addrs); o; o = nl_cache_get_next(o)) {
		a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_family(a) != family || !addr_text(a, ip, mask))
			continue;
		l = rtnl_link_get(c.links, rtnl_addr_get_ifindex(a));
		loopback = !l || (rtnl_link_get_flags(l) & IFF_LOOPBACK);
		if (l)
			rtnl_link_put(l);
		if (!loopback && !kvp_list_add(&list, ip))
			break;
	}
	caches_free(&c);
	return 0;
}
