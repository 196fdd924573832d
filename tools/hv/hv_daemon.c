// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the daemons share (see hv_daemon.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hv_daemon.h"
#include "hv_log.h"

volatile sig_atomic_t hv_stop_signal;

static void on_stop_signal(int sig)
{
	hv_stop_signal = sig;
}

void hv_signals_init(sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t block;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

bool hv_daemon_start(const char *ident, bool foreground)
{
	hv_log_open(ident, foreground);
	if (!foreground && daemon(1, 0) < 0) {
		hv_log(LOG_ERR, "daemon: %s", strerror(errno));
		return false;
	}
	return true;
}

int hv_parse_options(int argc, char **argv, const char *usage,
		     const struct option *own,
		     int (*handle)(int opt, const char *arg, void *ctx),
		     void *ctx, bool *foreground)
{
	struct option longopts[16 + 3] = {
		{ "no-daemon", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
	};
	int opt, i;

	for (i = 0; i < 16 && own[i].name; i++)
		longopts[2 + i] = own[i];
	while ((opt = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			*foreground = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case '?':
		case ':':
			fputs(usage, stderr);
			return -1;
		default:
			if (handle(opt, optarg, ctx))
				return -1;
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n%s",
			program_invocation_short_name, argv[optind], usage);
		return -1;
	}
	return 0;
}

int hv_dev_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (strlen(path) >= sizeof(sun.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd >= 0 &&
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	return open(path, O_RDWR | O_CLOEXEC);
}

bool hv_dev_write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return true;
	hv_log(LOG_ERR, "write to the device failed: %s",
	       n < 0 ? strerror(errno) : "short write");
	return false;
}

int hv_dev_wait(int fd, int timeout_ms, const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts, *tsp = NULL;
	int n;

	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	n = ppoll(&pfd, 1, tsp, waitmask);
	if (n < 0 && errno != EINTR) {
		hv_log(LOG_ERR, "poll: %s", strerror(errno));
		return -1;
	}
	return n > 0 ? 1 : 0;
}

int hv_dev_register(const char *path, const void *reg, size_t len,
		    unsigned int answer, const sigset_t *waitmask)
{
	/* One byte more than the answer shows a longer one. */
	union {
		unsigned int version;
		unsigned char raw[sizeof(unsigned int) + 1];
	} ack;
	int fd, ready;
	ssize_t n;

	fd = hv_dev_open(path);
	if (fd < 0) {
		hv_log(LOG_ERR, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!hv_dev_write(fd, reg, len))
		goto fail;
	do {
		ready = hv_dev_wait(fd, -1, waitmask);
	} while (!ready && !hv_stop_signal);
	if (ready < 0 || hv_stop_signal)
		goto fail;
	n = read(fd, ack.raw, sizeof(ack.raw));
	if (n != (ssize_t)sizeof(ack.version) || ack.version != answer) {
		hv_log(LOG_ERR, "invalid registration answer (%zd bytes, %u)",
		       n, n == (ssize_t)sizeof(ack.version) ? ack.version : 0);
		goto fail;
	}
	hv_log(LOG_INFO, "kernel module version: %u", ack.version);
	return fd;
fail:
	close(fd);
	return -1;
}
