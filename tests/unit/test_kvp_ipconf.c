// SPDX-License-Identifier: GPL-2.0-only
/*
 * SET_IP_INFO's validation and files (tools/hv/kvp_ipconf.c, kvp_iplist.c,
 * kvp_ifcfg.c) without a network: what the host may send and what is
 * refused, the upstream key numbering of the ifcfg file for several
 * addresses and gateways of both families, the keyfile's section.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvp_ifcfg.h"
#include "kvp_iplist.h"
#include "kvp_ipconf.h"
#include "tap.h"

static struct hv_kvp_ipaddr_value val;
static struct kvp_ipconf conf;

static int parse(const char *ip, const char *mask, const char *gw,
		 const char *dns)
{
	memset(&val, 0, sizeof(val));
	strcpy((char *)val.adapter_id, "{6f3e2c1a-90ab-4cde-8f01-23456789abcd}");
	snprintf((char *)val.ip_addr, sizeof(val.ip_addr), "%s", ip);
	snprintf((char *)val.sub_net, sizeof(val.sub_net), "%s", mask);
	snprintf((char *)val.gate_way, sizeof(val.gate_way), "%s", gw);
	snprintf((char *)val.dns_addr, sizeof(val.dns_addr), "%s", dns);
	return kvp_ipconf_parse(&val, &conf);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void test_lists(void)
{
	char buf[16], item[8];
	struct kvp_list l;
	const char *cur = " a ; b;;c";

	kvp_list_init(&l, buf, sizeof(buf));
	tap_ok(kvp_list_add(&l, "1.2.3.4") && kvp_list_add(&l, "5.6.7") &&
	       !kvp_list_add(&l, "xyz") && kvp_list_add(&l, "x") &&
	       !strcmp(buf, "1.2.3.4;5.6.7;x"),
	       "list: entries joined by ';', never cut (%s)", buf);
	tap_ok(kvp_list_next(&cur, item, sizeof(item)) == 1 &&
	       !strcmp(item, "a") && kvp_list_next(&cur, item, sizeof(item)) == 1 &&
	       !strcmp(item, "b") && kvp_list_next(&cur, item, sizeof(item)) == 0,
	       "list: blanks trimmed, an empty entry ends it (as upstream)");
	cur = "toolongentry";
	tap_ok(kvp_list_next(&cur, item, sizeof(item)) == -1,
	       "list: an entry too long for the buffer is an error");
}

static void test_parse(void)
{
	char many[2048];
	int i, n = 0;

	tap_ok(parse("192.0.2.1;2001:db8::1", "255.255.255.0;/64", "", "") == 0 &&
	       conf.naddr == 2 && conf.mask[0].plen == 24 &&
	       conf.mask[1].plen == 64 && conf.addr[1].family == AF_INET6,
	       "IPv4 dotted mask and IPv6 '/64'");
	tap_ok(parse("2001:db8::1", "64", "", "") == 0 && conf.mask[0].plen == 64,
	       "IPv6 prefix as a bare number");
	tap_ok(parse("192.0.2.1", "24", "", "") == 0 && conf.mask[0].plen == 24 &&
	       conf.mask[0].family == AF_INET,
	       "IPv4 prefix as a bare number");
	tap_ok(parse(" 192.0.2.1 ; 192.0.2.2;", "255.255.255.0;255.255.0.0", "", "") == 0 &&
	       conf.naddr == 2 && conf.mask[1].plen == 16,
	       "blanks and a trailing ';' accepted");
	tap_ok(parse("", "", "192.0.2.1", "192.0.2.53;2001:db8::53") == 0 &&
	       conf.ngw == 1 && conf.ndns == 2,
	       "gateways and DNS servers without addresses");
	tap_ok(parse("2001:db8::1", "255.255.255.0", "", "") == -EINVAL,
	       "an IPv6 address with a dotted mask: refused");
	tap_ok(parse("192.0.2.1", "33", "", "") == -EINVAL &&
	       parse("2001:db8::1", "129", "", "") == -EINVAL &&
	       parse("2001:db8::1", "/6x", "", "") == -EINVAL,
	       "prefix lengths out of range or not numbers: refused");
	tap_ok(parse("192.0.2.1", "255.255.255.0", "gw", "") == -EINVAL &&
	       parse("192.0.2.1", "255.255.255.0", "", "192.0.2.999") == -EINVAL,
	       "a gateway or DNS entry that is no address: refused");
	for (i = 0; i < 65; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "10.0.0.%d;", i);
	tap_ok(parse("", "", "", many) == -EINVAL,
	       "65 DNS servers (more than %d): refused", KVP_IPCONF_MAX);
	parse("192.0.2.1", "255.255.255.0", "", "");
	memset(val.adapter_id, 'a', sizeof(val.adapter_id));
	tap_ok(kvp_ipconf_parse(&val, &conf) == -EINVAL,
	       "an adapter_id without NUL: refused");
	parse("192.0.2.1", "255.255.255.0", "", "");
	memset(val.gate_way, '1', sizeof(val.gate_way));
	tap_ok(kvp_ipconf_parse(&val, &conf) == -EINVAL,
	       "a gate_way without NUL: refused");
}

static void test_files(void)
{
	char dir[] = "/tmp/kvp-ipconf-test.XXXXXX";
	char ifcfg[KVP_PATH_MAX], keyfile[KVP_PATH_MAX];
	const char *want_ifcfg =
		"HWADDR=00:15:5D:00:00:01\n"
		"DEVICE=eth1\n"
		"BOOTPROTO=none\n"
		"IPV6ADDR=fe80:0000:0000:0000:0000:0000:0000:0001\n"
		"IPADDR0=192.0.2.1\n"
		"IPV6ADDR_1=2001:0db8:0000:0000:0000:0000:0000:0002\n"
		"IPADDR1=192.0.2.2\n"
		"IPV6NETMASK=/64\n"
		"NETMASK0=255.255.255.0\n"
		"IPV6NETMASK_1=128\n"
		"NETMASK1=255.255.255.128\n"
		"GATEWAY=192.0.2.254\n"
		"IPV6_DEFAULTGW=2001:0db8:0000:0000:0000:0000:0000:00fe\n"
		"GATEWAY1=192.0.2.253\n"
		"GATEWAY2=192.0.2.252\n"
		"IPV6_DEFAULTGW_1=2001:0db8:0000:0000:0000:0000:0000:00fd\n"
		"DNS1=192.0.2.53\n"
		"DNS2=2001:0db8:0000:0000:0000:0000:0000:0053\n"
		"DNS3=192.0.2.54\n";
	const char *want_keyfile =
		"[connection]\n"
		"interface-name=eth1\n"
		"\n"
		"[ethernet]\n"
		"mac-address=00:15:5D:00:00:01\n"
		"\n"
		"[ipv4]\n"
		"method=manual\n"
		"address1=192.0.2.1/24\n"
		"address2=192.0.2.2/25\n"
		"gateway=192.0.2.254\n"
		"dns=192.0.2.53;192.0.2.54;\n"
		"\n"
		"[ipv6]\n"
		"method=manual\n"
		"address1=fe80::1/64\n"
		"address2=2001:db8::2/128\n"
		"gateway=2001:db8::fe\n"
		"dns=2001:db8::53;\n";

	if (!mkdtemp(dir))
		return;
	parse("fe80::1;192.0.2.1;2001:db8::2;192.0.2.2",
	      "/64;255.255.255.0;128;255.255.255.128",
	      "192.0.2.254;2001:db8::fe;192.0.2.253;192.0.2.252;2001:db8::fd",
	      "192.0.2.53;2001:db8::53;192.0.2.54");
	conf.addr_family = ADDR_FAMILY_IPV6;
	tap_ok(kvp_ifcfg_write(dir, "eth1", "00:15:5D:00:00:01", &conf, ifcfg,
			       keyfile) == 0, "both files written");
	tap_ok(!strcmp(slurp(ifcfg), want_ifcfg),
	       "ifcfg: upstream numbering for mixed families, IPv6 expanded");
	if (strcmp(slurp(ifcfg), want_ifcfg))
		tap_diag("got:\n%s", slurp(ifcfg));
	tap_ok(!strcmp(slurp(keyfile), want_keyfile),
	       "keyfile: a section per family, each with its addresses, first gateway and DNS");
	if (strcmp(slurp(keyfile), want_keyfile))
		tap_diag("got:\n%s", slurp(keyfile));
	unlink(ifcfg);
	unlink(keyfile);
	rmdir(dir);
}

int main(void)
{
	unsigned char b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	char out[64];

	test_lists();
	test_parse();
	test_files();
	kvp_ipv6_expand(b, out, sizeof(out));
	tap_ok(!strcmp(out, "2001:0db8:0000:0000:0000:0000:0000:0001"),
	       "IPv6 expanded to 8 groups of 4 digits");
	return tap_done();
}
