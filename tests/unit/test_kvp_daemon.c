// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_kvp_daemon (built with ASan/UBSan) against a fake kernel: this
 * program listens on a Unix SOCK_SEQPACKET socket, starts the daemon with
 * --device pointing at it, and plays hv_utils' side of /dev/vmbus/hv_kvp
 * with the uapi struct hv_kvp_msg of <linux/hyperv.h>:
 *  - --help, bad usage; the REGISTER1 handshake;
 *  - SET/GET/DELETE/ENUMERATE on pools 0-4 (answers and the pool files),
 *    the AUTO pool's ten keys, the statuses of the failures;
 *  - malformed messages (short, long, unknown op, pool 5, strings without
 *    NUL): a failure answered, the daemon still serving;
 *  - the device closed: the daemon opens it again and registers again;
 *    SIGTERM: exit status 0;
 *  - as root, in private network and mount namespaces: GET_IP_INFO on
 *    links with chosen MACs, addresses and default routes, checked field
 *    by field; SET_IP_INFO against a fake sysfs root: addresses and routes
 *    applied (read back with ip(8)), the exact ifcfg and keyfile, the hook's
 *    arguments, refusals of malformed requests, an unknown adapter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/hyperv.h>

#include "tap.h"

#ifndef KVP_DAEMON
#define KVP_DAEMON "hv_kvp_daemon"
#endif

#define MSG sizeof(struct hv_kvp_msg)
#define REG_SZ 1

static char tmp[256], sock_path[300], pools[300], scripts[300], sysroot[300],
	    logpath[300];
static int lsock = -1, conn = -1;
static pid_t daemon_pid;

static void die(const char *what)
{
	perror(what);
	printf("Bail out! %s\n", what);
	exit(1);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
	chmod(path, mode);
}

/* Output of a shell command (test setup and checks only). */
static char *sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *sh(const char *fmt, ...)
{
	static char out[8192];
	char cmd[2048];
	size_t n = 0;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return out;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	return out;
}

/* ---- the fake kernel ------------------------------------------------ */

static void listen_socket(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(sock_path) >= sizeof(sun.sun_path))
		die("socket path too long");
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	unlink(sock_path);
	lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(lsock, 4))
		die("listen");
}

static pid_t start_daemon(void)
{
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		execl(KVP_DAEMON, "hv_kvp_daemon", "-n", "--device", sock_path,
		      "--pool-dir", pools, "--scripts-dir", scripts,
		      "--sysfs-root", sysroot, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait for the daemon's connection; -1 after 10 s. */
static int accept_conn(void)
{
	struct pollfd p = { .fd = lsock, .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		return -1;
	return accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
}

/* Receive one message; its length, or -1 after TIMEOUT_MS. */
static ssize_t recv_msg(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

/* Read the REGISTER1 message and answer it with VERSION. */
static bool handshake(const char *version)
{
	struct hv_kvp_msg m;
	ssize_t n = recv_msg(conn, &m, sizeof(m), 10000);

	if (n != (ssize_t)MSG || m.kvp_hdr.operation != KVP_OP_REGISTER1) {
		tap_diag("registration: %zd bytes, op %d", n,
			 n > 0 ? m.kvp_hdr.operation : -1);
		return false;
	}
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_REGISTER1;
	snprintf((char *)m.body.kvp_register.version,
		 sizeof(m.body.kvp_register.version), "%s", version);
	return send(conn, &m, sizeof(m), 0) == (ssize_t)MSG;
}

/* Send LEN bytes of REQ, receive the answer into *ans; its length. */
static ssize_t xfer(const void *req, size_t len, struct hv_kvp_msg *ans)
{
	static char big[MSG + 64];
	ssize_t n;

	if (send(conn, req, len, 0) != (ssize_t)len)
		return -1;
	n = recv_msg(conn, big, sizeof(big), 30000);
	memcpy(ans, big, MSG);
	return n;
}

static __u32 status(const struct hv_kvp_msg *m)
{
	return (__u32)m->error;
}

static void kv(struct hv_kvp_msg *m, int op, int pool, const char *key,
	       const char *value)
{
	struct hv_kvp_exchg_msg_value *d = &m->body.kvp_set.data;

	memset(m, 0, sizeof(*m));
	m->kvp_hdr.operation = (__u8)op;
	m->kvp_hdr.pool = (__u8)pool;
	d->value_type = REG_SZ;
	d->key_size = (__u32)strlen(key) + 1;
	memcpy(d->key, key, strlen(key));
	if (value) {
		d->value_size = (__u32)strlen(value) + 1;
		memcpy(d->value, value, strlen(value));
	}
}

static __u32 do_set(int pool, const char *k, const char *v)
{
	struct hv_kvp_msg m, a;

	kv(&m, KVP_OP_SET, pool, k, v);
	if (xfer(&m, MSG, &a) != (ssize_t)MSG)
		return 0xdeadu;
	return status(&a);
}

/* GET: status; the value into VALUE (if not NULL). */
static __u32 do_get(int pool, const char *k, char *value, __u32 *vsize)
{
	struct hv_kvp_msg m, a;

	kv(&m, KVP_OP_GET, pool, k, NULL);
	if (xfer(&m, MSG, &a) != (ssize_t)MSG)
		return 0xdeadu;
	if (value)
		snprintf(value, HV_KVP_EXCHANGE_MAX_VALUE_SIZE, "%s",
			 (char *)a.body.kvp_get.data.value);
	if (vsize)
		*vsize = a.body.kvp_get.data.value_size;
	return status(&a);
}

static __u32 do_delete(int pool, const char *k)
{
	struct hv_kvp_msg m, a;

	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_DELETE;
	m.kvp_hdr.pool = (__u8)pool;
	m.body.kvp_delete.key_size = (__u32)strlen(k) + 1;
	memcpy(m.body.kvp_delete.key, k, strlen(k));
	if (xfer(&m, MSG, &a) != (ssize_t)MSG)
		return 0xdeadu;
	return status(&a);
}

static __u32 do_enum(int pool, __u32 index, char *key, char *value)
{
	struct hv_kvp_msg m, a;

	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_ENUMERATE;
	m.kvp_hdr.pool = (__u8)pool;
	m.body.kvp_enum_data.index = index;
	if (xfer(&m, MSG, &a) != (ssize_t)MSG)
		return 0xdeadu;
	snprintf(key, HV_KVP_EXCHANGE_MAX_KEY_SIZE, "%s",
		 (char *)a.body.kvp_enum_data.data.key);
	snprintf(value, HV_KVP_EXCHANGE_MAX_VALUE_SIZE, "%s",
		 (char *)a.body.kvp_enum_data.data.value);
	return status(&a);
}

static bool alive(void)
{
	char v[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];

	return do_get(0, "alive", v, NULL) == HV_S_OK && !strcmp(v, "yes");
}

/* Wait up to 5 s for the daemon to exit; its status, or -1. */
static int reap(pid_t pid)
{
	int i, st;

	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* ---- usage ------------------------------------------------------------ */

static void test_usage(void)
{
	int rc;

	rc = system(KVP_DAEMON " --help >/dev/null 2>&1");
	tap_ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 0 &&
	       strstr(sh(KVP_DAEMON " --help"), "--no-daemon"),
	       "--help: usage on stdout, status 0");
	rc = system(KVP_DAEMON " --bogus >/dev/null 2>&1");
	tap_ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "a bad option: status 2");
	rc = system(KVP_DAEMON " -n --device /nonexistent/hv_kvp --pool-dir /tmp/kvp-nope-$$ 2>/dev/null; r=$?; rm -rf /tmp/kvp-nope-$$; exit $r");
	tap_ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 1,
	       "no device: status 1");
}

/* ---- pools ---------------------------------------------------------- */

static void test_pools(void)
{
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE], value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	char path[512], want[2560];
	__u32 vsize = 0;
	struct stat st;
	int pool, ok = 1;

	tap_ok(do_set(0, "alive", "yes") == HV_S_OK, "SET pool 0: HV_S_OK");
	tap_ok(do_get(0, "alive", value, &vsize) == HV_S_OK &&
	       !strcmp(value, "yes") && vsize == 4,
	       "GET pool 0: the value, value_size 4");
	snprintf(path, sizeof(path), "%s/.kvp_pool_0", pools);
	memset(want, 0, sizeof(want));
	strcpy(want, "alive");
	strcpy(want + 512, "yes");
	tap_ok(stat(path, &st) == 0 && st.st_size == 2560 &&
	       !memcmp(slurp(path), want, 6) &&
	       !memcmp(slurp(path) + 512, "yes", 4),
	       ".kvp_pool_0 holds one 2560-byte record");
	tap_ok(do_get(0, "missing", NULL, NULL) == HV_S_CONT,
	       "GET of a missing key: HV_S_CONT");
	for (pool = 0; pool < 5; pool++) {
		char k[16], v[16];

		snprintf(k, sizeof(k), "key-p%d", pool);
		snprintf(v, sizeof(v), "val-p%d", pool);
		if (do_set(pool, k, v) != HV_S_OK ||
		    do_get(pool, k, value, NULL) != HV_S_OK || strcmp(value, v))
			ok = 0;
		snprintf(path, sizeof(path), "%s/.kvp_pool_%d", pools, pool);
		if (stat(path, &st) || st.st_size != (pool ? 2560 : 5120))
			ok = 0;
	}
	tap_ok(ok, "SET and GET on each of pools 0-4, each its own file");
	tap_ok(do_get(1, "key-p0", NULL, NULL) == HV_S_CONT,
	       "a key of pool 0 is not in pool 1");
	tap_ok(do_set(0, "alive", "yes") == HV_S_OK &&
	       do_enum(0, 1, key, value) == HV_S_OK &&
	       !strcmp(key, "key-p0") && !strcmp(value, "val-p0"),
	       "ENUMERATE pool 0 index 1: the second key and its value");
	tap_ok(do_enum(0, 2, key, value) == HV_S_CONT,
	       "ENUMERATE past the end: HV_S_CONT");
	tap_ok(do_enum(4, 0, key, value) == HV_S_OK && !strcmp(key, "key-p4"),
	       "ENUMERATE pool 4");
	tap_ok(do_delete(0, "key-p0") == HV_S_OK &&
	       do_get(0, "key-p0", NULL, NULL) == HV_S_CONT &&
	       do_delete(0, "key-p0") == HV_S_CONT,
	       "DELETE: HV_S_OK, then gone, then HV_S_CONT");
	tap_ok(do_set(5, "k", "v") == HV_E_FAIL &&
	       do_get(7, "k", NULL, NULL) == HV_E_FAIL,
	       "pools 5 and 7: HV_E_FAIL");
}

static void test_auto_pool(const char *lic)
{
	static const char *const names[10] = {
		"FullyQualifiedDomainName", "IntegrationServicesVersion",
		"NetworkAddressIPv4", "NetworkAddressIPv6", "OSBuildNumber",
		"OSName", "OSMajorVersion", "OSMinorVersion", "OSVersion",
		"ProcessorArchitecture",
	};
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE], value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	char vals[10][HV_KVP_EXCHANGE_MAX_VALUE_SIZE], osname[256];
	struct utsname u;
	int i, ok = 1;

	for (i = 0; i < 10; i++) {
		if (do_enum(KVP_POOL_AUTO, (__u32)i, key, vals[i]) != HV_S_OK ||
		    strcmp(key, names[i])) {
			tap_diag("AUTO %d: key '%s'", i, key);
			ok = 0;
		}
	}
	tap_ok(ok, "AUTO pool: the ten keys in upstream order");
	tap_ok(do_enum(KVP_POOL_AUTO, 10, key, value) == HV_S_CONT,
	       "AUTO pool index 10: HV_S_CONT");
	tap_ok(!strcmp(vals[1], lic),
	       "IntegrationServicesVersion is the kernel's answer '%s' ('%s')",
	       lic, vals[1]);
	uname(&u);
	tap_ok(!strcmp(vals[4], u.release) && !strcmp(vals[9], u.machine) &&
	       !strncmp(vals[8], u.release, strlen(vals[8])) &&
	       !strchr(vals[8], '-'),
	       "OSBuildNumber, OSVersion, ProcessorArchitecture from uname");
	snprintf(osname, sizeof(osname), "%s",
		 sh(". /etc/os-release 2>/dev/null || . /usr/lib/os-release; echo \"$NAME\""));
	tap_ok(!strcmp(vals[5], osname) &&
	       !strcmp(vals[6], sh(". /etc/os-release 2>/dev/null || . /usr/lib/os-release; echo \"$VERSION_ID\"")) &&
	       vals[7][0] == '\0',
	       "OSName '%s' and OSMajorVersion from os-release, OSMinorVersion empty",
	       vals[5]);
	tap_ok(vals[0][0] != '\0', "FullyQualifiedDomainName '%s'", vals[0]);
}

static void test_malformed(void)
{
	struct hv_kvp_msg m, a;
	char big[MSG + 16];
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_GET;
	n = xfer(&m, 100, &a);
	tap_ok(n == (ssize_t)MSG && status(&a) == HV_E_FAIL,
	       "a 100-byte message: a full answer with HV_E_FAIL");
	memset(big, 0, sizeof(big));
	n = xfer(big, sizeof(big), &a);
	tap_ok(n == (ssize_t)MSG && status(&a) == HV_E_FAIL,
	       "a %zu-byte message: HV_E_FAIL", sizeof(big));
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = 77;
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_E_FAIL,
	       "unknown operation 77: HV_E_FAIL");

	kv(&m, KVP_OP_SET, 0, "k", "v");
	m.body.kvp_set.data.key_size = 600;
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_CONT,
	       "SET with key_size 600: HV_S_CONT");
	kv(&m, KVP_OP_SET, 0, "k", "v");
	memset(m.body.kvp_set.data.key, 'a', HV_KVP_EXCHANGE_MAX_KEY_SIZE);
	m.body.kvp_set.data.key_size = HV_KVP_EXCHANGE_MAX_KEY_SIZE;
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_CONT,
	       "SET with a 512-byte key without NUL: HV_S_CONT");
	kv(&m, KVP_OP_SET, 0, "k", "v");
	memset(m.body.kvp_set.data.value, 'b', HV_KVP_EXCHANGE_MAX_VALUE_SIZE);
	m.body.kvp_set.data.value_size = 3000;
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_CONT,
	       "SET with value_size 3000: HV_S_CONT");
	kv(&m, KVP_OP_SET, 0, "k", "v");
	m.body.kvp_set.data.key_size = 1;	/* "" */
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_CONT,
	       "SET with an empty key (key_size 1): HV_S_CONT");
	tap_ok(do_get(0, "k", NULL, NULL) == HV_S_CONT,
	       "none of them stored anything");
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_GET_IP_INFO;
	strcpy((char *)m.body.kvp_ip_val.adapter_id, "not a mac");
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_E_FAIL,
	       "GET_IP_INFO with a garbage adapter id: HV_E_FAIL");
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_SET_IP_INFO;
	strcpy((char *)m.body.kvp_ip_val.adapter_id,
	       "{00000000-0000-0000-0000-000000000001}");
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG &&
	       status(&a) == HV_GUID_NOTFOUND,
	       "SET_IP_INFO on an unknown adapter: HV_GUID_NOTFOUND");
	tap_ok(alive(), "the daemon still serves");
}

static void test_reconnect_and_term(void)
{
	pid_t pid = daemon_pid;

	close(conn);
	conn = accept_conn();
	tap_ok(conn >= 0 && handshake("4.2"),
	       "device closed: the daemon opens it again and registers again");
	test_auto_pool("4.2");
	tap_ok(alive(), "and serves the pools as before");
	kill(pid, SIGTERM);
	tap_ok(reap(pid) == 0, "SIGTERM: exit status 0");
	tap_ok(strstr(slurp(logpath), "exiting on signal 15") != NULL,
	       "and says so on stderr in -n mode");
	close(conn);
	conn = -1;
}

/* ---- IP info, in private namespaces ---------------------------------- */

#define MAC0 "00:15:5d:aa:bb:01"
#define MAC2 "00:15:5d:aa:bb:02"
#define GUID2 "6f3e2c1a-90ab-4cde-8f01-23456789abcd"

static bool setup_links(void)
{
	const char *type = strstr(sh("ip link add kvpt0 type dummy 2>&1 && ip link del kvpt0 && echo ok"),
				  "ok") ? "dummy" : "veth";
	char peer[64];
	int i;

	/* kvp1 first (lower ifindex): the "VF", same MAC, no address */
	static const char *const names[] = { "kvp1", "kvp0", "kvp2" };
	static const char *const macs[] = { MAC0, MAC0, MAC2 };

	for (i = 0; i < 3; i++) {
		snprintf(peer, sizeof(peer), "%s%s%s",
			 strcmp(type, "veth") ? "" : "peer name ",
			 strcmp(type, "veth") ? "" : names[i],
			 strcmp(type, "veth") ? "" : "p");
		if (system(sh("echo ip link add %s address %s type %s %s", names[i],
			      macs[i], type, peer)) != 0)
			return false;
		if (system(sh("echo ip link set %s addrgenmode none", names[i])))
			return false;
		if (system(sh("echo ip link set %s up", names[i])))
			return false;
	}
	return system("ip addr add 192.0.2.10/24 dev kvp0 && "
		      "ip addr add 198.51.100.5/25 dev kvp0 && "
		      "ip -6 addr add 2001:db8::10/64 dev kvp0 nodad && "
		      "ip route add default via 192.0.2.1 dev kvp0 && "
		      "ip -6 route add default via 2001:db8::1 dev kvp0 && "
		      "ip addr add 203.0.113.99/24 dev kvp2") == 0;
}

static void ip_msg(struct hv_kvp_msg *m, int op, const char *adapter)
{
	memset(m, 0, sizeof(*m));
	m->kvp_hdr.operation = (__u8)op;
	snprintf((char *)m->body.kvp_ip_val.adapter_id,
		 sizeof(m->body.kvp_ip_val.adapter_id), "%s", adapter);
}

#define IPF(m, f) ((char *)(m).body.kvp_ip_val.f)

static void test_get_ip_info(void)
{
	char on[512], off[512];
	struct hv_kvp_msg m, a;
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE], value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];

	ip_msg(&m, KVP_OP_GET_IP_INFO, "00:15:5D:AA:BB:01");
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_OK,
	       "GET_IP_INFO by MAC: HV_S_OK");
	tap_ok(!strcmp(IPF(a, ip_addr), "192.0.2.10;198.51.100.5;2001:db8::10"),
	       "ip_addr: IPv4 then IPv6, in order, of the link with addresses (%s)",
	       IPF(a, ip_addr));
	tap_ok(!strcmp(IPF(a, sub_net), "255.255.255.0;255.255.255.128;/64"),
	       "sub_net: dotted masks, then /plen (%s)", IPF(a, sub_net));
	tap_ok(!strcmp(IPF(a, gate_way), "192.0.2.1;2001:db8::1"),
	       "gate_way: the default routes, IPv4 then IPv6 (%s)",
	       IPF(a, gate_way));
	tap_ok(!strcmp(IPF(a, dns_addr), "192.0.2.53;2001:db8::53"),
	       "dns_addr: hv_get_dns_info's addresses, garbage dropped (%s)",
	       IPF(a, dns_addr));
	tap_ok(a.body.kvp_ip_val.dhcp_enabled == 0 &&
	       a.body.kvp_ip_val.addr_family == 3,
	       "dhcp_enabled 0 (script says Disabled), addr_family 3");
	tap_ok(!strcmp(slurp(sh("echo %s/dhcp.args", tmp)), "kvp0\n") &&
	       !strcmp(slurp(sh("echo %s/dns.args", tmp)), "kvp0\n"),
	       "the scripts got the interface name");
	tap_ok(!strcmp(IPF(a, adapter_id), "00:15:5D:AA:BB:01"),
	       "adapter_id echoed");

	ip_msg(&m, KVP_OP_GET_IP_INFO, "00-15-5d-aa-bb-01");
	m.body.kvp_ip_val.addr_family = ADDR_FAMILY_IPV4;
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_OK &&
	       !strcmp(IPF(a, ip_addr), "192.0.2.10;198.51.100.5") &&
	       !strcmp(IPF(a, gate_way), "192.0.2.1") &&
	       a.body.kvp_ip_val.addr_family == ADDR_FAMILY_IPV4,
	       "lower case dash form, IPv4 asked: IPv4 only");
	ip_msg(&m, KVP_OP_GET_IP_INFO, MAC0);
	m.body.kvp_ip_val.addr_family = ADDR_FAMILY_IPV6;
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_S_OK &&
	       !strcmp(IPF(a, ip_addr), "2001:db8::10") &&
	       !strcmp(IPF(a, sub_net), "/64") &&
	       a.body.kvp_ip_val.addr_family == ADDR_FAMILY_IPV6,
	       "IPv6 asked: IPv6 only");
	ip_msg(&m, KVP_OP_GET_IP_INFO, "00:15:5d:00:00:99");
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG && status(&a) == HV_E_FAIL,
	       "an unknown MAC: HV_E_FAIL");

	/* Without hv_get_dhcp_info: a finite lifetime means DHCP. */
	snprintf(on, sizeof(on), "%s/hv_get_dhcp_info", scripts);
	snprintf(off, sizeof(off), "%s/hv_get_dhcp_info.off", scripts);
	rename(on, off);
	ip_msg(&m, KVP_OP_GET_IP_INFO, MAC0);
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG &&
	       a.body.kvp_ip_val.dhcp_enabled == 0,
	       "no DHCP script, static addresses: dhcp_enabled 0");
	system("ip addr add 192.0.2.77/24 dev kvp0 valid_lft 300 preferred_lft 300");
	tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG &&
	       a.body.kvp_ip_val.dhcp_enabled == 1,
	       "no DHCP script, an address with a lifetime: dhcp_enabled 1");
	system("ip addr del 192.0.2.77/24 dev kvp0");
	rename(off, on);

	tap_ok(do_enum(KVP_POOL_AUTO, 2, key, value) == HV_S_OK &&
	       !strcmp(value, "192.0.2.10;198.51.100.5;203.0.113.99"),
	       "AUTO NetworkAddressIPv4: every non-loopback IPv4 address (%s)",
	       value);
	tap_ok(do_enum(KVP_POOL_AUTO, 3, key, value) == HV_S_OK &&
	       !strcmp(value, "2001:db8::10"),
	       "AUTO NetworkAddressIPv6 (%s)", value);
}

static void set_fields(struct hv_kvp_msg *m, const char *ip, const char *mask,
		       const char *gw, const char *dns)
{
	snprintf(IPF(*m, ip_addr), sizeof(m->body.kvp_ip_val.ip_addr), "%s", ip);
	snprintf(IPF(*m, sub_net), sizeof(m->body.kvp_ip_val.sub_net), "%s", mask);
	snprintf(IPF(*m, gate_way), sizeof(m->body.kvp_ip_val.gate_way), "%s", gw);
	snprintf(IPF(*m, dns_addr), sizeof(m->body.kvp_ip_val.dns_addr), "%s", dns);
}

static __u32 set_ip(const char *adapter, const char *ip, const char *mask,
		    const char *gw, const char *dns, int dhcp)
{
	struct hv_kvp_msg m, a;

	ip_msg(&m, KVP_OP_SET_IP_INFO, adapter);
	m.body.kvp_ip_val.addr_family = ADDR_FAMILY_IPV4;
	m.body.kvp_ip_val.dhcp_enabled = (__u8)dhcp;
	set_fields(&m, ip, mask, gw, dns);
	if (xfer(&m, MSG, &a) != (ssize_t)MSG)
		return 0xdeadu;
	return status(&a);
}

static const char want_ifcfg[] =
	"HWADDR=00:15:5D:AA:BB:02\n"
	"DEVICE=kvp2\n"
	"BOOTPROTO=none\n"
	"IPADDR0=203.0.113.20\n"
	"IPADDR1=203.0.113.21\n"
	"IPV6ADDR=2001:0db8:0002:0000:0000:0000:0000:0020\n"
	"NETMASK0=255.255.255.0\n"
	"NETMASK1=255.255.255.0\n"
	"IPV6NETMASK=64\n"
	"GATEWAY=203.0.113.1\n"
	"IPV6_DEFAULTGW=2001:0db8:0002:0000:0000:0000:0000:0001\n"
	"DNS1=192.0.2.53\n"
	"DNS2=2001:0db8:0000:0000:0000:0000:0000:0053\n";

static const char want_keyfile[] =
	"[connection]\n"
	"interface-name=kvp2\n"
	"\n"
	"[ethernet]\n"
	"mac-address=00:15:5D:AA:BB:02\n"
	"\n"
	"[ipv4]\n"
	"method=manual\n"
	"address1=203.0.113.20/24\n"
	"address2=203.0.113.21/24\n"
	"gateway=203.0.113.1\n"
	"dns=192.0.2.53;\n"
	"\n"
	"[ipv6]\n"
	"method=manual\n"
	"address1=2001:db8:2::20/64\n"
	"gateway=2001:db8:2::1\n"
	"dns=2001:db8::53;\n";

static void test_set_ip_info(void)
{
	char path[512], want[1024], *s;

	snprintf(path, sizeof(path), "%s/class/net/kvp2/device", sysroot);
	sh("mkdir -p %s && echo '{%s}' > %s/device_id", path, GUID2, path);
	snprintf(path, sizeof(path), "%s/class/net/kvp0/device", sysroot);
	sh("mkdir -p %s && echo '{11111111-2222-3333-4444-555555555555}' > %s/device_id",
	   path, path);

	tap_ok(set_ip("6F3E2C1A-90AB-4CDE-8F01-23456789ABCD",
		      "203.0.113.20;203.0.113.21;2001:db8:2::20",
		      "255.255.255.0;255.255.255.0;64",
		      "203.0.113.1;2001:db8:2::1", "192.0.2.53;2001:db8::53",
		      0) == HV_S_OK,
	       "SET_IP_INFO, adapter id upper case without braces: HV_S_OK");
	s = sh("ip -o addr show dev kvp2 scope global | awk '{print $4}' | tr '\\n' ' '");
	tap_ok(!strcmp(s, "203.0.113.20/24 203.0.113.21/24 2001:db8:2::20/64 "),
	       "addresses applied, the old one removed (%s)", s);
	s = sh("ip -4 route show default; ip -6 route show default | sed 's/ metric.*//'");
	tap_ok(strstr(s, "default via 203.0.113.1 dev kvp2 proto static") &&
	       strstr(s, "default via 2001:db8:2::1 dev kvp2 proto static") &&
	       !strstr(s, "dev kvp0"),
	       "default routes through the first gateway of each family");
	snprintf(path, sizeof(path), "%s/ifcfg-kvp2", pools);
	s = slurp(path);
	tap_ok(!strcmp(s, want_ifcfg), "ifcfg-kvp2 exactly as upstream writes it");
	if (strcmp(s, want_ifcfg))
		tap_diag("got:\n%s", s);
	snprintf(path, sizeof(path), "%s/kvp2.nmconnection", pools);
	s = slurp(path);
	tap_ok(!strcmp(s, want_keyfile), "kvp2.nmconnection as specified");
	if (strcmp(s, want_keyfile))
		tap_diag("got:\n%s", s);
	s = slurp(sh("echo %s/set.args", tmp));
	snprintf(want, sizeof(want), "%s/ifcfg-kvp2 %s/kvp2.nmconnection\n",
		 pools, pools);
	tap_ok(!strcmp(s, want),
	       "hook called as hv_set_ifconfig IFCFG NMCONNECTION");
	tap_ok(!strcmp(slurp(sh("echo %s/set.ifcfg", tmp)), want_ifcfg),
	       "the hook could read the ifcfg file");

	{
		struct hv_kvp_msg m, a;

		ip_msg(&m, KVP_OP_GET_IP_INFO, MAC2);
		tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG &&
		       !strcmp(IPF(a, ip_addr),
			       "203.0.113.20;203.0.113.21;2001:db8:2::20") &&
		       !strcmp(IPF(a, gate_way), "203.0.113.1;2001:db8:2::1"),
		       "GET_IP_INFO reads back what SET_IP_INFO applied");
	}

	/* Malformed requests: refused, nothing changed. */
	unlink(sh("echo %s/set.args", tmp));
	tap_ok(set_ip(GUID2, "203.0.113.300", "255.255.255.0", "", "", 0) ==
	       HV_INVALIDARG, "an address that is not one: HV_INVALIDARG");
	tap_ok(set_ip(GUID2, "203.0.113.30", "255.0.255.0", "", "", 0) ==
	       HV_INVALIDARG, "a non-contiguous mask: HV_INVALIDARG");
	tap_ok(set_ip(GUID2, "203.0.113.30;203.0.113.31", "255.255.255.0", "",
		      "", 0) == HV_INVALIDARG,
	       "two addresses, one mask: HV_INVALIDARG");
	tap_ok(set_ip(GUID2, "203.0.113.30", "255.255.255.0",
		      "203.0.113.1\nmethod=auto", "", 0) == HV_INVALIDARG,
	       "a gateway with a newline (keyfile injection): HV_INVALIDARG");
	{
		struct hv_kvp_msg m, a;

		ip_msg(&m, KVP_OP_SET_IP_INFO, GUID2);
		memset(m.body.kvp_ip_val.dns_addr, '1',
		       sizeof(m.body.kvp_ip_val.dns_addr));
		tap_ok(xfer(&m, MSG, &a) == (ssize_t)MSG &&
		       status(&a) == HV_INVALIDARG,
		       "a dns_addr field without NUL: HV_INVALIDARG");
	}
	s = sh("ip -o addr show dev kvp2 scope global | awk '{print $4}' | tr '\\n' ' '");
	tap_ok(!strcmp(s, "203.0.113.20/24 203.0.113.21/24 2001:db8:2::20/64 ") &&
	       access(sh("echo %s/set.args", tmp), F_OK) != 0 &&
	       !strcmp(slurp(path), want_keyfile),
	       "after them: addresses, files unchanged, hook not called");
	tap_ok(set_ip("{6f3e2c1a-90ab-4cde-8f01-000000000000}", "203.0.113.30",
		      "255.255.255.0", "", "", 0) == HV_GUID_NOTFOUND,
	       "an unknown adapter: HV_GUID_NOTFOUND");

	tap_ok(set_ip("{" GUID2 "}", "", "", "", "", 1) == HV_S_OK &&
	       strstr(slurp(sh("echo %s/ifcfg-kvp2", pools)), "BOOTPROTO=dhcp\n") &&
	       strstr(slurp(sh("echo %s/kvp2.nmconnection", pools)), "method=auto\n") &&
	       !strcmp(sh("ip -o -4 addr show dev kvp2 | awk '{print $4}' | tr '\\n' ' '"),
		       "203.0.113.20/24 203.0.113.21/24 "),
	       "DHCP asked: BOOTPROTO=dhcp, method=auto, addresses left to the hook");
	write_file(sh("echo %s/hv_set_ifconfig", scripts),
		   "#!/bin/sh\nexit 3\n", 0755);
	tap_ok(set_ip(GUID2, "203.0.113.40", "255.255.255.0", "", "", 0) ==
	       HV_E_FAIL, "the hook fails (exit 3): HV_E_FAIL");
}

static void make_scripts(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/hv_get_dns_info", scripts);
	write_file(path, sh("printf '#!/bin/sh\\necho \"$1\" > %s/dns.args\\n"
			    "printf \"192.0.2.53\\\\nnot-an-ip\\\\n2001:db8::53\\\\n\"\\n'",
			    tmp), 0755);
	snprintf(path, sizeof(path), "%s/hv_get_dhcp_info", scripts);
	write_file(path, sh("printf '#!/bin/sh\\necho \"$1\" > %s/dhcp.args\\n"
			    "echo Disabled\\n'", tmp), 0755);
	snprintf(path, sizeof(path), "%s/hv_set_ifconfig", scripts);
	write_file(path, sh("printf '#!/bin/sh\\necho \"$1 $2\" > %s/set.args\\n"
			    "cat \"$1\" > %s/set.ifcfg\\n'", tmp, tmp), 0755);
}

static void test_ip(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    system("command -v ip >/dev/null")) {
		printf("ok %d - # SKIP IP info: needs root and ip(8)\n",
		       ++tap_count);
		return;
	}
	system("ip link set lo up");
	if (!tap_ok(setup_links(), "links kvp1 (no address), kvp0, kvp2 with addresses and routes"))
		return;
	make_scripts();
	daemon_pid = start_daemon();
	conn = accept_conn();
	if (!tap_ok(conn >= 0 && handshake("3.1"),
		    "a daemon in the network namespace registers"))
		return;
	test_get_ip_info();
	test_set_ip_info();
	kill(daemon_pid, SIGTERM);
	tap_ok(reap(daemon_pid) == 0, "SIGTERM: exit status 0");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/kvp-daemon-test.XXXXXX");
	if (!mkdtemp(tmp))
		die("mkdtemp");
	snprintf(sock_path, sizeof(sock_path), "%s/hv_kvp.sock", tmp);
	snprintf(pools, sizeof(pools), "%s/pools", tmp);
	snprintf(scripts, sizeof(scripts), "%s/scripts", tmp);
	snprintf(sysroot, sizeof(sysroot), "%s/sys", tmp);
	snprintf(logpath, sizeof(logpath), "%s/daemon.log", tmp);
	mkdir(scripts, 0755);
	mkdir(sysroot, 0755);
	signal(SIGPIPE, SIG_IGN);

	test_usage();
	listen_socket();
	daemon_pid = start_daemon();
	conn = accept_conn();
	if (!tap_ok(conn >= 0, "the daemon connects to the device") ||
	    !tap_ok(handshake("3.1"),
		    "first message: a 7432-byte KVP_OP_REGISTER1"))
		goto out;
	test_pools();
	test_auto_pool("3.1");
	test_malformed();
	test_reconnect_and_term();
	test_ip();
out:
	if (daemon_pid > 0 && kill(daemon_pid, 0) == 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	if (strstr(slurp(logpath), "Sanitizer") ||
	    strstr(slurp(logpath), "runtime error"))
		tap_ok(0, "the daemon ran clean under ASan/UBSan");
	else
		tap_ok(1, "the daemon ran clean under ASan/UBSan");
	if (!getenv("KVP_TEST_KEEP"))
		sh("rm -rf %s", tmp);
	return tap_done();
}
