// SPDX-License-Identifier: GPL-2.0-only
/*
 * SET_IP_INFO (see kvp_ipset.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "hv_log.h"
#include "kvp_ifcfg.h"
#include "kvp_ipconf.h"
#include "kvp_ipset.h"
#include "kvp_script.h"

/* A GUID without braces, lower case; false if it is not one. */
static bool guid_normal(const char *in, char *out)
{
	size_t n = strlen(in), i;

	while (n && isspace((unsigned char)in[n - 1]))
		n--;
	if (n == 38 && in[0] == '{' && in[37] == '}') {
		in++;
		n = 36;
	}
	if (n != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (in[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)in[i])) {
			return false;
		}
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[36] = '\0';
	return true;
}

int kvp_ifname_by_device_id(const char *sysfs_root, const char *guid,
			    char *ifname)
{
	char want[37], have[37], path[4096], buf[64];
	struct dirent *e;
	FILE *f;
	DIR *d;
	int ret = -ENOENT;

	if (!guid_normal(guid, want))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/class/net", sysfs_root);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= IF_NAMESIZE)
			continue;
		snprintf(path, sizeof(path), "%s/class/net/%s/device/device_id",
			 sysfs_root, e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && guid_normal(buf, have) &&
		    !strcmp(have, want)) {
			memcpy(ifname, e->d_name, strlen(e->d_name) + 1);
			ret = 0;
		}
		fclose(f);
		if (!ret)
			break;
	}
	closedir(d);
	return ret;
}

static struct nl_addr *make_addr(const struct kvp_ip *ip, int plen)
{
	struct nl_addr *a = nl_addr_build(ip->family, ip->bin,
					  ip->family == AF_INET ? 4 : 16);

	if (a)
		nl_addr_set_prefixlen(a, plen);
	return a;
}

static bool in_conf(const struct kvp_ipconf *c, struct nl_addr *local,
		    int plen)
{
	size_t i, len = nl_addr_get_len(local);

	for (i = 0; i < c->naddr; i++)
		if (c->mask[i].plen == plen &&
		    len == (c->addr[i].family == AF_INET ? 4u : 16u) &&
		    !memcmp(nl_addr_get_binary_addr(local), c->addr[i].bin, len))
			return true;
	return false;
}

static bool has_family(const struct kvp_ipconf *c, int family)
{
	size_t i;

	for (i = 0; i < c->naddr; i++)
		if (c->addr[i].family == family)
			return true;
	return false;
}

/*
 * The request is the interface's whole configuration: first remove its
 * other global addresses of the families the request sets (before adding:
 * removing a primary IPv4 address takes its subnet's secondaries along).
 */
static int drop_other_addresses(struct nl_sock *sk, int ifindex,
				const struct kvp_ipconf *c)
{
	struct nl_cache *cache;
	struct rtnl_addr *a;
	struct nl_object *o;
	struct nl_addr *local;

	if (rtnl_addr_alloc_cache(sk, &cache) < 0)
		return -EIO;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		a = (struct rtnl_addr *)o;
		local = rtnl_addr_get_local(a);
		if (rtnl_addr_get_ifindex(a) != ifindex || !local ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		    !has_family(c, rtnl_addr_get_family(a)) ||
		    in_conf(c, local, rtnl_addr_get_prefixlen(a)))
			continue;
		rtnl_addr_delete(sk, a, 0);
	}
	nl_cache_free(cache);
	return 0;
}

static int set_addresses(struct nl_sock *sk, int ifindex,
			 const struct kvp_ipconf *c)
{
	struct rtnl_addr *a;
	struct nl_addr *local;
	size_t i;
	int err;

	if (drop_other_addresses(sk, ifindex, c))
		return -EIO;
	for (i = 0; i < c->naddr; i++) {
		a = rtnl_addr_alloc();
		local = make_addr(&c->addr[i], c->mask[i].plen);
		if (!a || !local) {
			if (a)
				rtnl_addr_put(a);
			if (local)
				nl_addr_put(local);
			return -ENOMEM;
		}
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_prefixlen(a, c->mask[i].plen);
		err = rtnl_addr_add(sk, a, NLM_F_REPLACE);
		nl_addr_put(local);
		rtnl_addr_put(a);
		if (err < 0) {
			hv_log(LOG_ERR, "SET_IP_INFO: adding %s/%d: %s",
			       c->addr[i].text, c->mask[i].plen,
			       nl_geterror(err));
			return -EIO;
		}
	}
	return 0;
}

/* Drop the interface's default routes of FAMILY (main table). */
static void drop_defaults(struct nl_sock *sk, int ifindex, int family)
{
	struct rtnl_nexthop *nh;
	struct nl_cache *cache;
	struct rtnl_route *r;
	struct nl_object *o;
	struct nl_addr *dst;

	if (rtnl_route_alloc_cache(sk, family, 0, &cache) < 0)
		return;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		r = (struct rtnl_route *)o;
		dst = rtnl_route_get_dst(r);
		nh = rtnl_route_nexthop_n(r, 0);
		if (rtnl_route_get_table(r) == RT_TABLE_MAIN &&
		    (!dst || !nl_addr_get_prefixlen(dst)) && nh &&
		    rtnl_route_get_nnexthops(r) == 1 &&
		    rtnl_route_nh_get_ifindex(nh) == ifindex)
			rtnl_route_delete(sk, r, 0);
	}
	nl_cache_free(cache);
}

static int set_default_route(struct nl_sock *sk, int ifindex,
			     const struct kvp_ip *gw)
{
	static const unsigned char zero[16];
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(gw->family, zero,
					    gw->family == AF_INET ? 4 : 16);
	struct nl_addr *via = make_addr(gw, gw->family == AF_INET ? 32 : 128);
	int err = -NLE_NOMEM;

	if (!r || !nh || !dst || !via)
		goto out;
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(r, (uint8_t)gw->family);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(r, RTN_UNICAST);
	rtnl_route_set_dst(r, dst);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL;		/* the route owns it now */
	err = rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_REPLACE);
out:
	if (err < 0)
		hv_log(LOG_ERR, "SET_IP_INFO: default route via %s: %s",
		       gw->text, nl_geterror(err));
	if (nh)
		rtnl_route_nh_free(nh);
	if (via)
		nl_addr_put(via);
	if (dst)
		nl_addr_put(dst);
	if (r)
		rtnl_route_put(r);
	return err < 0 ? -EIO : 0;
}

static int set_routes(struct nl_sock *sk, int ifindex,
		      const struct kvp_ipconf *c)
{
	bool done4 = false, done6 = false;
	size_t i;

	for (i = 0; i < c->ngw; i++) {
		bool *done = c->gw[i].family == AF_INET ? &done4 : &done6;

		if (*done)
			continue;	/* further gateways: files only */
		drop_defaults(sk, ifindex, c->gw[i].family);
		if (set_default_route(sk, ifindex, &c->gw[i]))
			return -EIO;
		*done = true;
	}
	return 0;
}

static int link_up(struct nl_sock *sk, struct rtnl_link *link)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int err;

	if (!change)
		return -ENOMEM;
	rtnl_link_set_flags(change, IFF_UP);
	err = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	return err < 0 ? -EIO : 0;
}

/* Apply with netlink; the interface's MAC into mac[18] (upper case). */
static int apply(const char *ifname, const struct kvp_ipconf *c, char *mac)
{
	struct rtnl_link *link = NULL;
	struct nl_sock *sk;
	struct nl_addr *a;
	const unsigned char *b;
	int ifindex, ret = -EIO;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    rtnl_link_get_kernel(sk, 0, ifname, &link) < 0) {
		ret = -ENOENT;
		goto out;
	}
	ifindex = rtnl_link_get_ifindex(link);
	a = rtnl_link_get_addr(link);
	if (!a || nl_addr_get_len(a) != 6) {
		hv_log(LOG_ERR, "SET_IP_INFO: %s has no MAC address", ifname);
		goto out;
	}
	b = nl_addr_get_binary_addr(a);
	snprintf(mac, 18, "%02X:%02X:%02X:%02X:%02X:%02X",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
	if (link_up(sk, link))
		goto out;
	ret = 0;
	if (!c->dhcp) {
		ret = set_addresses(sk, ifindex, c);
		if (!ret)
			ret = set_routes(sk, ifindex, c);
	}
out:
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}

__u32 kvp_ipset_apply(const struct kvp_config *cfg,
		    const struct hv_kvp_ipaddr_value *val)
{
	static struct kvp_ipconf conf;	/* 20 KiB: not on the stack */
	char ifname[IF_NAMESIZE], mac[18];
	char ifcfg[KVP_PATH_MAX], keyfile[KVP_PATH_MAX];
	const char *argv[] = { ifcfg, keyfile, NULL };
	int ret;

	if (kvp_ipconf_parse(val, &conf)) {
		hv_log(LOG_ERR, "SET_IP_INFO: malformed request refused");
		return HV_INVALIDARG;
	}
	if (kvp_ifname_by_device_id(cfg->sysfs_root, conf.adapter_id,
				    ifname)) {
		hv_log(LOG_INFO, "SET_IP_INFO: no interface with device id %.40s",
		       conf.adapter_id);
		return HV_GUID_NOTFOUND;
	}
	ret = apply(ifname, &conf, mac);
	if (ret == -ENOENT)
		return HV_GUID_NOTFOUND;
	if (ret)
		return HV_E_FAIL;
	ret = kvp_ifcfg_write(cfg->pool_dir, ifname, mac, &conf, ifcfg,
			      keyfile);
	if (ret) {
		hv_log(LOG_ERR, "SET_IP_INFO: writing %s: %s", ifcfg,
		       strerror(-ret));
		return HV_E_FAIL;
	}
	ret = kvp_run_script(cfg->scripts_dir, "hv_set_ifconfig", argv, NULL,
			     0);
	if (ret) {
		hv_log(LOG_ERR, "SET_IP_INFO: hv_set_ifconfig %s %s: %s", ifcfg,
		       keyfile, ret < 0 ? strerror(-ret) : "failed");
		return HV_E_FAIL;
	}
	hv_log(LOG_INFO, "SET_IP_INFO: %s configured", ifname);
	return HV_S_OK;
}
