// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon - the Hyper-V file copy (fcopy) daemon.
 *
 * Serves the kernel's hv_utils fcopy service through /dev/vmbus/hv_fcopy
 * (Linux up to 6.9, and hyperv-dkms' hv_utils) with the upstream protocol
 * (uapi <linux/hyperv.h>): the daemon writes the int FCOPY_VERSION_1, the
 * kernel answers with a 4-byte 1, then every read() is one host request
 * (START 1088 bytes, WRITE 6196, COMPLETE/CANCEL) and every write() its
 * 4-byte int status. Files appear under their names only when complete
 * (fcopy_file.h). See hv_fcopy_daemon.8.
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

#include "fcopy_file.h"
#include "fcopy_msg.h"
#include "hv_daemon.h"
#include "hv_log.h"

#define FCOPY_DEVICE	"/dev/vmbus/hv_fcopy"
#define FCOPY_STATE_DIR	"/run/hyperv"

enum {
	OPT_DEVICE = 256,
	OPT_STATE_DIR,
	OPT_NO_TMPFILE,
};

static const char usage_text[] =
	"Usage: hv_fcopy_daemon [options]\n"
	"Receive the files the Hyper-V host copies into the guest (Copy-VMFile).\n"
	"\n"
	"  -n, --no-daemon        stay in the foreground, log to stderr\n"
	"  -h, --help             print this help and exit\n"
	"      --device PATH      the kernel's device (" FCOPY_DEVICE ")\n"
	"      --state-dir DIR    the record of a named temp file\n"
	"                         (" FCOPY_STATE_DIR ")\n"
	"      --no-tmpfile       never use O_TMPFILE, always a named temp file\n";

struct fcopy_daemon {
	const char *device;
	struct fcopy_file file;
};

struct fcopy_options {
	const char *device;
	const char *state_dir;
	bool no_tmpfile;
};

static int fcopy_option(int opt, const char *arg, void *ctx)
{
	struct fcopy_options *o = ctx;

	switch (opt) {
	case OPT_DEVICE:
		o->device = arg;
		break;
	case OPT_STATE_DIR:
		o->state_dir = arg;
		break;
	default:	/* OPT_NO_TMPFILE */
		o->no_tmpfile = true;
		break;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct fcopy_options *o,
			 bool *foreground)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "no-tmpfile", no_argument, NULL, OPT_NO_TMPFILE },
		{ NULL, 0, NULL, 0 }
	};

	return hv_parse_options(argc, argv, usage_text, longopts, fcopy_option,
				o, foreground);
}

static __u32 handle(struct fcopy_file *f, const void *msg, size_t len)
{
	struct fcopy_req req;
	__u32 status = fcopy_parse(msg, len, &req);

	if (status) {
		hv_log(LOG_ERR, "refused a %zu-byte message, op %u: 0x%08x",
		       len, req.op, status);
		/* A refused WRITE leaves a hole: the copy is lost. */
		if (req.op == WRITE_TO_FILE)
			fcopy_file_drop(f);
		return status;
	}
	switch (req.op) {
	case START_FILE_COPY:
		return fcopy_file_start(f, req.path, req.name, req.flags);
	case WRITE_TO_FILE:
		return fcopy_file_write(f, req.offset, req.data, req.size);
	case COMPLETE_FCOPY:
		return fcopy_file_complete(f);
	default:	/* CANCEL_FCOPY */
		fcopy_file_drop(f);
		return HV_S_OK;
	}
}

static int connect_kernel(struct fcopy_daemon *d, const sigset_t *waitmask)
{
	int version = FCOPY_CURRENT_VERSION;

	return hv_dev_register(d->device, &version, sizeof(version),
			       FCOPY_CURRENT_VERSION, waitmask);
}

/*
 * Serve until SIGTERM/SIGINT (returns 0) or until the device cannot be
 * opened or registered with again (returns 1). A copy in progress is
 * dropped whenever the device goes away and when the daemon stops.
 */
static int serve(struct fcopy_daemon *d, const sigset_t *waitmask)
{
	/* One byte more than the longest message shows a longer one. */
	static union {
		struct hv_do_fcopy w;
		unsigned char raw[sizeof(struct hv_do_fcopy) + 1];
	} buf;
	int fd, ready, ret = 0, status;
	ssize_t n;

	fd = connect_kernel(d, waitmask);
	if (fd < 0)
		return hv_stop_signal ? 0 : 1;
	while (!hv_stop_signal) {
		ready = hv_dev_wait(fd, -1, waitmask);
		if (ready < 0) {
			ret = 1;
			break;
		}
		if (!ready)
			continue;
		n = read(fd, buf.raw, sizeof(buf.raw));
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			status = (int)handle(&d->file, buf.raw, (size_t)n);
			if (hv_dev_write(fd, &status, sizeof(status)))
				continue;
		} else {
			hv_log(LOG_ERR, "read from the device failed: %s",
			       n < 0 ? strerror(errno) : "end of file");
		}
		/* Device gone or reset: the copy is lost; reopen. */
		close(fd);
		fcopy_file_drop(&d->file);
		fd = connect_kernel(d, waitmask);
		if (fd < 0) {
			ret = hv_stop_signal ? 0 : 1;
			fd = -1;
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	fcopy_file_drop(&d->file);
	if (hv_stop_signal)
		hv_log(LOG_INFO, "exiting on signal %d", (int)hv_stop_signal);
	return ret;
}

int main(int argc, char **argv)
{
	static struct fcopy_daemon d;
	struct fcopy_options o = { FCOPY_DEVICE, FCOPY_STATE_DIR, false };
	bool foreground = false;
	sigset_t waitmask;

	if (parse_options(argc, argv, &o, &foreground))
		return 2;
	d.device = o.device;
	fcopy_file_init(&d.file, o.state_dir, o.no_tmpfile);

	if (!hv_daemon_start("hv_fcopy_daemon", foreground))
		return 1;
	hv_signals_init(&waitmask);
	/* A file over RLIMIT_FSIZE: EFBIG from pwrite, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
	fcopy_file_cleanup(&d.file);
	return serve(&d, &waitmask);
}
