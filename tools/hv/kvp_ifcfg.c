// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing the ifcfg file and the NetworkManager keyfile (see kvp_ifcfg.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv_file.h"
#include "kvp_ifcfg.h"

/* The address as ifcfg wants it: IPv6 in 8 groups of 4 digits. */
static const char *ifcfg_ip(const struct kvp_ip *ip, char *buf, size_t size)
{
	if (ip->family == AF_INET)
		return ip->text;
	kvp_ipv6_expand(ip->bin, buf, size);
	return buf;
}

/*
 * The upstream daemon's key numbering: IPv4 addresses and masks count from
 * 0 (IPADDR0), IPv4 gateways start bare then count from 1 (GATEWAY,
 * GATEWAY1), IPv6 keys start bare then "_1" (IPV6ADDR, IPV6ADDR_1).
 */
enum numbering { FROM_ZERO, BARE_THEN_N, BARE_THEN_UNDERSCORE_N };

static void numbered(FILE *f, const char *name, size_t idx,
		     enum numbering style, const char *value)
{
	if (style == FROM_ZERO)
		fprintf(f, "%s%zu=%s\n", name, idx, value);
	else if (!idx)
		fprintf(f, "%s=%s\n", name, value);
	else if (style == BARE_THEN_N)
		fprintf(f, "%s%zu=%s\n", name, idx, value);
	else
		fprintf(f, "%s_%zu=%s\n", name, idx, value);
}

static void write_ifcfg(FILE *f, const char *ifname, const char *mac,
			const struct kvp_ipconf *c)
{
	char buf[64];
	size_t i, n4 = 0, n6 = 0, dns = 0;
	unsigned char bin[4];

	fprintf(f, "HWADDR=%s\nDEVICE=%s\nBOOTPROTO=%s\n", mac, ifname,
		c->dhcp ? "dhcp" : "none");
	for (i = 0; i < c->naddr; i++) {
		if (c->addr[i].family == AF_INET)
			numbered(f, "IPADDR", n4++, FROM_ZERO,
				 c->addr[i].text);
		else
			numbered(f, "IPV6ADDR", n6++, BARE_THEN_UNDERSCORE_N,
				 ifcfg_ip(&c->addr[i], buf, sizeof(buf)));
	}
	n4 = n6 = 0;
	for (i = 0; i < c->naddr; i++) {
		if (inet_pton(AF_INET, c->mask[i].text, bin) == 1)
			numbered(f, "NETMASK", n4++, FROM_ZERO,
				 c->mask[i].text);
		else
			numbered(f, "IPV6NETMASK", n6++, BARE_THEN_UNDERSCORE_N,
				 c->mask[i].text);
	}
	n4 = n6 = 0;
	for (i = 0; i < c->ngw; i++) {
		if (c->gw[i].family == AF_INET)
			numbered(f, "GATEWAY", n4++, BARE_THEN_N,
				 c->gw[i].text);
		else
			numbered(f, "IPV6_DEFAULTGW", n6++,
				 BARE_THEN_UNDERSCORE_N,
				 ifcfg_ip(&c->gw[i], buf, sizeof(buf)));
	}
	for (i = 0; i < c->ndns; i++)
		fprintf(f, "DNS%zu=%s\n", ++dns,
			ifcfg_ip(&c->dns[i], buf, sizeof(buf)));
}

/*
 * One keyfile section per address family, each with only that family's
 * addresses, first gateway (NetworkManager's "gateway" holds one) and DNS
 * servers: NetworkManager refuses an IPv4 address under [ipv6]. A family
 * the host gave no address of gets no section (NetworkManager's default for
 * it), unless the host asked for DHCP: then both are method=auto.
 */
static void write_keyfile_family(FILE *f, const struct kvp_ipconf *c,
				 int family)
{
	size_t i, n = 0;
	bool gw = false;

	for (i = 0; i < c->naddr; i++)
		n += c->addr[i].family == family;
	if (!c->dhcp && !n)
		return;
	fprintf(f, "\n[%s]\nmethod=%s\n", family == AF_INET6 ? "ipv6" : "ipv4",
		c->dhcp ? "auto" : "manual");
	for (i = 0, n = 0; i < c->naddr; i++)
		if (c->addr[i].family == family)
			fprintf(f, "address%zu=%s/%d\n", ++n, c->addr[i].text,
				c->mask[i].plen);
	for (i = 0; i < c->ngw && !gw; i++)
		if (c->gw[i].family == family) {
			fprintf(f, "gateway=%s\n", c->gw[i].text);
			gw = true;
		}
	for (i = 0, n = 0; i < c->ndns; i++)
		if (c->dns[i].family == family)
			fprintf(f, "%s%s;", n++ ? "" : "dns=", c->dns[i].text);
	if (n)
		fputc('\n', f);
}

static void write_keyfile(FILE *f, const char *ifname, const char *mac,
			  const struct kvp_ipconf *c)
{
	fprintf(f, "[connection]\ninterface-name=%s\n\n", ifname);
	fprintf(f, "[ethernet]\nmac-address=%s\n", mac);
	write_keyfile_family(f, c, AF_INET);
	write_keyfile_family(f, c, AF_INET6);
}

typedef void (*writer_fn)(FILE *f, const char *ifname, const char *mac,
			  const struct kvp_ipconf *c);

static int render(const char *path, writer_fn fn, const char *ifname,
		  const char *mac, const struct kvp_ipconf *c, mode_t mode)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fn(f, ifname, mac, c);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	ret = hv_write_file_atomic(path, buf, len, mode);
	free(buf);
	return ret;
}

int kvp_ifcfg_write(const char *dir, const char *ifname, const char *mac,
		    const struct kvp_ipconf *conf, char *ifcfg, char *keyfile)
{
	int ret;

	if (snprintf(ifcfg, KVP_PATH_MAX, "%s/ifcfg-%s", dir, ifname) >=
	    KVP_PATH_MAX ||
	    snprintf(keyfile, KVP_PATH_MAX, "%s/%s.nmconnection", dir,
		     ifname) >= KVP_PATH_MAX)
		return -ENAMETOOLONG;
	ret = render(ifcfg, write_ifcfg, ifname, mac, conf, 0644);
	if (!ret)
		ret = render(keyfile, write_keyfile, ifname, mac, conf, 0600);
	return ret;
}
