// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vss_daemon - the Hyper-V volume shadow copy (VSS) daemon.
 *
 * Serves the kernel's hv_utils VSS service through /dev/vmbus/hv_vss with
 * the upstream protocol (uapi <linux/hyperv.h>): the daemon writes a
 * 12-byte struct hv_vss_msg with VSS_OP_REGISTER1, the kernel answers with
 * a 4-byte 129, then every read() is one host request (12 bytes) and
 * every write() its answer. It works unchanged against the distro kernels'
 * hv_utils and ours. See hv_vss_daemon.8.
 *
 * Thaw is guaranteed (vss_freeze.h keeps a record of what a FREEZE is
 * about to freeze): on THAW; on SIGTERM/SIGINT; when no THAW came within
 * --freeze-timeout of a FREEZE; on the device's reopen; on the next start
 * after a crash; and by `hv_vss_daemon --thaw` (the unit's ExecStopPost).
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
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hv_daemon.h"
#include "hv_log.h"
#include "vss_freeze.h"
#include "vss_msg.h"

#define VSS_DEVICE	"/dev/vmbus/hv_vss"
#define VSS_STATE_DIR	"/run/hyperv"
/* The kernel's VSS_FREEZE_TIMEOUT: after it the host has given up. */
#define VSS_FREEZE_TIMEOUT_S 900

enum {
	OPT_DEVICE = 256,
	OPT_MOUNTS,
	OPT_STATE_DIR,
	OPT_SYSFS_ROOT,
	OPT_FREEZE_TIMEOUT,
	OPT_THAW,
};

static const char usage_text[] =
	"Usage: hv_vss_daemon [options]\n"
	"Freeze and thaw the file systems for the Hyper-V host's backups (VSS).\n"
	"\n"
	"  -n, --no-daemon          stay in the foreground, log to stderr\n"
	"  -h, --help               print this help and exit\n"
	"      --thaw               thaw what an earlier run froze, and exit\n"
	"      --device PATH        the kernel's device (" VSS_DEVICE ")\n"
	"      --mounts FILE        the mount table (/proc/mounts)\n"
	"      --state-dir DIR      the frozen record's place (" VSS_STATE_DIR ")\n"
	"      --sysfs-root DIR     sysfs, for the loop device check (/sys)\n"
	"      --freeze-timeout S   thaw when no THAW came S seconds after a\n"
	"                           FREEZE (900, the kernel's timeout)\n";

struct vss_daemon {
	struct vss_config cfg;
	const char *device;
	long freeze_timeout_s;
	bool frozen;			/* our FREEZE is in force */
	struct timespec deadline;	/* of the watchdog, when frozen */
	char err[1024];			/* what failed, logged once thawed */
};

struct vss_options {
	struct vss_daemon *d;
	bool thaw_only;
};

static int vss_option(int opt, const char *arg, void *ctx)
{
	struct vss_options *o = ctx;
	struct vss_daemon *d = o->d;
	char *end;

	switch (opt) {
	case OPT_THAW:
		o->thaw_only = true;
		break;
	case OPT_DEVICE:
		d->device = arg;
		break;
	case OPT_MOUNTS:
		d->cfg.mounts = arg;
		break;
	case OPT_STATE_DIR:
		d->cfg.state_dir = arg;
		break;
	case OPT_SYSFS_ROOT:
		d->cfg.sysfs_root = arg;
		break;
	default:	/* OPT_FREEZE_TIMEOUT */
		errno = 0;
		d->freeze_timeout_s = strtol(arg, &end, 10);
		if (errno || *end || end == arg || d->freeze_timeout_s < 1 ||
		    d->freeze_timeout_s > 86400) {
			fprintf(stderr, "hv_vss_daemon: bad --freeze-timeout '%s' (1-86400 seconds)\n",
				arg);
			return -1;
		}
		break;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct vss_daemon *d,
			 bool *foreground, bool *thaw_only)
{
	static const struct option longopts[] = {
		{ "thaw", no_argument, NULL, OPT_THAW },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "mounts", required_argument, NULL, OPT_MOUNTS },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
		{ "freeze-timeout", required_argument, NULL, OPT_FREEZE_TIMEOUT },
		{ NULL, 0, NULL, 0 }
	};
	struct vss_options o = { d, false };
	int ret;

	ret = hv_parse_options(argc, argv, usage_text, longopts, vss_option,
			       &o, foreground);
	*thaw_only = o.thaw_only;
	return ret;
}

static void log_err(struct vss_daemon *d, const char *what)
{
	if (d->err[0])
		hv_log(LOG_ERR, "%s: %s", what, d->err);
}

/* Thaw (THAW, watchdog, exit, reopen, start); logs. 0 or -errno. */
static int thaw(struct vss_daemon *d, const char *why)
{
	int ret = vss_thaw(&d->cfg, d->err, sizeof(d->err));

	d->frozen = false;
	if (ret)
		log_err(d, why);
	else
		hv_log(LOG_INFO, "%s: file systems thawed", why);
	return ret;
}

static int op_freeze(void *ctx)
{
	struct vss_daemon *d = ctx;
	int ret;

	/* No logging from here until thawed: the log may be on a frozen fs. */
	ret = vss_freeze(&d->cfg, d->err, sizeof(d->err));
	if (ret) {
		d->frozen = false;
		log_err(d, "FREEZE failed, everything thawed");
		return ret;
	}
	d->frozen = true;
	clock_gettime(CLOCK_MONOTONIC, &d->deadline);
	d->deadline.tv_sec += d->freeze_timeout_s;
	return 0;
}

static int op_thaw(void *ctx)
{
	return thaw(ctx, "THAW");
}

static const struct vss_ops daemon_ops = {
	.freeze = op_freeze,
	.thaw = op_thaw,
};

/* Milliseconds until the watchdog fires (-1: not frozen, no timeout). */
static int watchdog_ms(const struct vss_daemon *d)
{
	struct timespec now;
	long long ms;

	if (!d->frozen)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(d->deadline.tv_sec - now.tv_sec) * 1000 +
	     (d->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/* Open the device and register; -1 when that fails (logged). */
static int connect_kernel(struct vss_daemon *d, const sigset_t *waitmask)
{
	struct hv_vss_msg reg = { 0 };

	reg.vss_hdr.operation = VSS_OP_REGISTER1;
	return hv_dev_register(d->device, &reg, sizeof(reg),
			       VSS_REGISTER_ANSWER, waitmask);
}

/*
 * Serve until SIGTERM/SIGINT (returns 0) or until the device cannot be
 * opened or registered with again (returns 1). Thaws before it returns.
 */
static int serve(struct vss_daemon *d, const sigset_t *waitmask)
{
	/* Room for more than a message, to tell a longer one. */
	static unsigned char buf[64];
	struct hv_vss_msg ans;
	int fd, ready, ret = 0;
	ssize_t n;

	fd = connect_kernel(d, waitmask);
	if (fd < 0)
		return hv_stop_signal ? 0 : 1;
	while (!hv_stop_signal) {
		ready = hv_dev_wait(fd, watchdog_ms(d), waitmask);
		if (ready < 0) {
			ret = 1;
			break;
		}
		if (!ready) {
			if (d->frozen && watchdog_ms(d) == 0)
				thaw(d, "no THAW in time (watchdog)");
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			vss_handle_msg(buf, (size_t)n, &ans, &daemon_ops, d);
			if (hv_dev_write(fd, &ans, sizeof(ans)))
				continue;
		} else {
			hv_log(LOG_ERR, "read from the device failed: %s",
			       n < 0 ? strerror(errno) : "end of file");
		}
		/* Device gone or reset, or an answer refused: thaw, reopen. */
		close(fd);
		if (d->frozen)
			thaw(d, "device reset while frozen");
		fd = connect_kernel(d, waitmask);
		if (fd < 0)
			return hv_stop_signal ? 0 : 1;
	}
	close(fd);
	if (d->frozen || vss_record_exists(&d->cfg))
		thaw(d, "exiting");
	if (hv_stop_signal)
		hv_log(LOG_INFO, "exiting on signal %d", (int)hv_stop_signal);
	return ret;
}

int main(int argc, char **argv)
{
	static struct vss_daemon d;
	bool foreground = false, thaw_only = false;
	sigset_t waitmask;

	d.device = VSS_DEVICE;
	d.cfg.mounts = "/proc/mounts";
	d.cfg.sysfs_root = "/sys";
	d.cfg.state_dir = VSS_STATE_DIR;
	d.freeze_timeout_s = VSS_FREEZE_TIMEOUT_S;
	if (parse_options(argc, argv, &d, &foreground, &thaw_only))
		return 2;

	if (thaw_only) {
		hv_log_open("hv_vss_daemon", foreground);
		if (!vss_record_exists(&d.cfg))
			return 0;
		return thaw(&d, "--thaw") ? 1 : 0;
	}
	if (!hv_daemon_start("hv_vss_daemon", foreground))
		return 1;
	hv_signals_init(&waitmask);
#ifndef HV_VSS_FAKE_FREEZE
	/* Never page in from a frozen file system. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		hv_log(LOG_WARNING, "mlockall: %s", strerror(errno));
#endif
	/* A previous run died with file systems frozen. */
	if (vss_record_exists(&d.cfg))
		thaw(&d, "starting after a freeze");
	return serve(&d, &waitmask);
}
