// SPDX-License-Identifier: GPL-2.0-only
/*
 * host-clock-offset: how far the simulated host's clock is from the
 * guest's CLOCK_REALTIME.
 *
 * usage: host-clock-offset [-n SAMPLES] [FILE]
 *   FILE  the simulator's ic_config (default
 *         /sys/kernel/debug/hv_hostsim/ic_config), whose "refclock=" line
 *         ends with host_time=T, the host's clock in 100 ns units since
 *         1601-01-01 read when the file is read
 *
 * Reads CLOCK_REALTIME, the file (one read()), CLOCK_REALTIME again,
 * SAMPLES times (default 5), and prints the sample with the narrowest
 * window:
 *   offset_ns=HOST-REALTIME window_ns=W at_ns=REALTIME
 * (against the middle of the window, AT: that middle, in ns since 1970:
 * when the host's clock was read, on the guest's clock). Exits 1 when the file cannot be read
 * or has no host_time, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 100 ns units from 1601-01-01 to 1970-01-01 */
#define EPOCH_1601_TO_1970_100NS	116444736000000000LL

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* The host_time of the refclock= line in buf, in ns since 1970, or -1. */
static int64_t host_time_ns(const char *buf)
{
	const char *line = strstr(buf, "refclock=");
	const char *t;
	long long v;
	char *end;

	if (!line || (line != buf && line[-1] != '\n'))
		return -1;
	t = strstr(line, " host_time=");
	if (!t)
		return -1;
	errno = 0;
	v = strtoll(t + strlen(" host_time="), &end, 10);
	if (errno || (*end && *end != '\n' && *end != ' ') || v < EPOCH_1601_TO_1970_100NS)
		return -1;
	return (v - EPOCH_1601_TO_1970_100NS) * 100;
}

int main(int argc, char **argv)
{
	const char *file = "/sys/kernel/debug/hv_hostsim/ic_config";
	int64_t best_off = 0, best_at = 0, best_win = INT64_MAX, win, host;
	static char buf[1 << 16];
	struct timespec a, b;
	long samples = 5, i;
	ssize_t n;
	char *end;
	int fd;

	if (argc >= 3 && !strcmp(argv[1], "-n")) {
		samples = strtol(argv[2], &end, 10);
		if (*end || samples < 1 || samples > 1000) {
			fprintf(stderr, "host-clock-offset: bad sample count '%s'\n", argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc > 2) {
		fprintf(stderr, "usage: host-clock-offset [-n SAMPLES] [FILE]\n");
		return 2;
	}
	if (argc == 2)
		file = argv[1];
	for (i = 0; i < samples; i++) {
		fd = open(file, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "host-clock-offset: %s: %s\n", file, strerror(errno));
			return 1;
		}
		clock_gettime(CLOCK_REALTIME, &a);
		n = read(fd, buf, sizeof(buf) - 1);
		clock_gettime(CLOCK_REALTIME, &b);
		close(fd);
		if (n <= 0) {
			fprintf(stderr, "host-clock-offset: %s: cannot read\n", file);
			return 1;
		}
		buf[n] = '\0';
		host = host_time_ns(buf);
		if (host < 0) {
			fprintf(stderr, "host-clock-offset: %s: no host_time\n", file);
			return 1;
		}
		win = ns_of(&b) - ns_of(&a);
		if (win < best_win) {
			best_win = win;
			best_at = ns_of(&a) + win / 2;
			best_off = host - best_at;
		}
	}
	printf("offset_ns=%lld window_ns=%lld at_ns=%lld\n", (long long)best_off,
	       (long long)best_win, (long long)best_at);
	return 0;
}
