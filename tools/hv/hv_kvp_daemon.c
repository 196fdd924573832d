// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_kvp_daemon - the Hyper-V key-value pair (KVP) daemon.
 *
 * Serves the kernel's hv_utils KVP service through /dev/vmbus/hv_kvp with
 * the upstream protocol (uapi <linux/hyperv.h>): the daemon registers
 * with KVP_OP_REGISTER1, the kernel answers with its version ("3.1"), then
 * every read() is one host request (struct hv_kvp_msg) and every write()
 * its answer. It works unchanged against the distro kernels' hv_utils and
 * ours. See hv_kvp_daemon.8.
 *
 * The device may also be a Unix SOCK_SEQPACKET socket (a test double that
 * plays the kernel): the daemon then connects to it instead of open()ing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv_daemon.h"
#include "hv_log.h"
#include "kvp_msg.h"
#include "kvp_pool.h"
#include "kvp_script.h"

enum {
	OPT_DEVICE = 256,
	OPT_POOL_DIR,
	OPT_SCRIPTS_DIR,
	OPT_SYSFS_ROOT,
};

static const char usage_text[] =
	"Usage: hv_kvp_daemon [options]\n"
	"Serve Hyper-V key-value pair exchange (KVP) requests of the host.\n"
	"\n"
	"  -n, --no-daemon        stay in the foreground, log to stderr\n"
	"  -h, --help             print this help and exit\n"
	"      --device PATH      the kernel's device (" KVP_DEVICE ")\n"
	"      --pool-dir DIR     pools and IP files (" KVP_POOL_DIR ")\n"
	"      --scripts-dir DIR  hv_get_dns_info, hv_get_dhcp_info,\n"
	"                         hv_set_ifconfig (" KVP_SCRIPTS_DIR ")\n"
	"      --sysfs-root DIR   sysfs, for the adapters' device_id (/sys)\n";

static int kvp_option(int opt, const char *arg, void *ctx)
{
	struct kvp_config *cfg = ctx;

	switch (opt) {
	case OPT_DEVICE:
		cfg->device = arg;
		break;
	case OPT_POOL_DIR:
		cfg->pool_dir = arg;
		break;
	case OPT_SCRIPTS_DIR:
		cfg->scripts_dir = arg;
		break;
	default:	/* OPT_SYSFS_ROOT */
		cfg->sysfs_root = arg;
		break;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct kvp_config *cfg,
			 bool *foreground)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "pool-dir", required_argument, NULL, OPT_POOL_DIR },
		{ "scripts-dir", required_argument, NULL, OPT_SCRIPTS_DIR },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
		{ NULL, 0, NULL, 0 }
	};

	return hv_parse_options(argc, argv, usage_text, longopts, kvp_option,
				cfg, foreground);
}

/* Open and register; -1 when the device cannot be opened. */
static int connect_kernel(struct kvp_state *st, struct hv_kvp_msg *msg)
{
	int fd = hv_dev_open(st->cfg.device);

	if (fd < 0) {
		hv_log(LOG_ERR, "cannot open %s: %s", st->cfg.device,
		       strerror(errno));
		return -1;
	}
	st->registered = false;
	memset(msg, 0, sizeof(*msg));
	msg->kvp_hdr.operation = KVP_OP_REGISTER1;
	if (!hv_dev_write(fd, msg, sizeof(*msg))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Serve until SIGTERM/SIGINT (returns 0) or until the device cannot be
 * opened again after it failed (returns 1). Those signals stay blocked
 * except inside ppoll(), so a request in progress is always answered.
 */
static int serve(struct kvp_state *st, const sigset_t *waitmask)
{
	/* One byte more than a message shows a longer one. */
	static union {
		struct hv_kvp_msg msg;
		char raw[sizeof(struct hv_kvp_msg) + 1];
	} buf;
	ssize_t n;
	int fd, ready;

	fd = connect_kernel(st, &buf.msg);
	if (fd < 0)
		return 1;
	while (!hv_stop_signal) {
		ready = hv_dev_wait(fd, -1, waitmask);
		if (ready < 0)
			break;
		if (!ready)
			continue;
		n = read(fd, buf.raw, sizeof(buf.raw));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Device gone or reset (module unloaded): reopen. */
			hv_log(LOG_ERR, "read from the device failed: %s",
			       n < 0 ? strerror(errno) : "end of file");
			close(fd);
			fd = connect_kernel(st, &buf.msg);
			if (fd < 0)
				return 1;
			continue;
		}
		if (kvp_handle_msg(st, &buf.msg, (size_t)n))
			hv_dev_write(fd, &buf.msg, sizeof(buf.msg));
	}
	close(fd);
	hv_log(LOG_INFO, "exiting on signal %d", (int)hv_stop_signal);
	return 0;
}

int main(int argc, char **argv)
{
	static struct kvp_state st;
	sigset_t waitmask;
	bool foreground = false;
	int ret;

	st.cfg.device = KVP_DEVICE;
	st.cfg.pool_dir = KVP_POOL_DIR;
	st.cfg.scripts_dir = KVP_SCRIPTS_DIR;
	st.cfg.sysfs_root = KVP_SYSFS_ROOT;
	snprintf(st.lic_version, sizeof(st.lic_version), "%s",
		 KVP_LIC_VERSION_DEFAULT);
	if (parse_options(argc, argv, &st.cfg, &foreground))
		return 2;

	if (!hv_daemon_start("hv_kvp_daemon", foreground))
		return 1;
	hv_signals_init(&waitmask);

	ret = kvp_pool_init(st.cfg.pool_dir);
	if (!ret)
		ret = kvp_pool_repair_guest(st.cfg.pool_dir);
	if (ret) {
		hv_log(LOG_ERR, "pools in %s: %s", st.cfg.pool_dir,
		       strerror(-ret));
		return 1;
	}
	kvp_auto_init(&st.auto_info, NULL);
	return serve(&st, &waitmask);
}
