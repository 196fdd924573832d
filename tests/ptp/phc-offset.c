// SPDX-License-Identifier: GPL-2.0-only
/*
 * phc-offset: how far a PTP hardware clock is from CLOCK_REALTIME.
 *
 * usage: phc-offset [-n SAMPLES] DEVICE      (e.g. /dev/ptp0)
 *
 * Reads CLOCK_REALTIME, the PHC (clock_gettime on the device's dynamic
 * clock id), CLOCK_REALTIME again, SAMPLES times (default 5), and prints
 * the sample with the narrowest window:
 *   offset_ns=PHC-REALTIME window_ns=W realtime_ns=R
 * (the offset against the middle of the window). When reading the PHC
 * fails it prints "error=NAME errno=N" (e.g. ESTALE: the hyperv clock's
 * last host sample is too old) and exits 1; bad usage exits 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FD_TO_CLOCKID(fd)	((clockid_t)((~(unsigned int)(fd) << 3) | 3))

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static const char *errno_name(int err)
{
	switch (err) {
	case ESTALE: return "ESTALE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	int64_t best_off = 0, best_win = INT64_MAX, best_rt = 0, win;
	struct timespec a, p, b;
	long samples = 5, i;
	char *end;
	int fd;

	if (argc == 4 && !strcmp(argv[1], "-n")) {
		samples = strtol(argv[2], &end, 10);
		if (*end || samples < 1 || samples > 1000) {
			fprintf(stderr, "phc-offset: bad sample count '%s'\n", argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: phc-offset [-n SAMPLES] DEVICE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "phc-offset: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < samples; i++) {
		clock_gettime(CLOCK_REALTIME, &a);
		if (clock_gettime(FD_TO_CLOCKID(fd), &p)) {
			int err = errno;

			printf("error=%s errno=%d\n", errno_name(err), err);
			return 1;
		}
		clock_gettime(CLOCK_REALTIME, &b);
		win = ns_of(&b) - ns_of(&a);
		if (win < best_win) {
			best_win = win;
			best_rt = ns_of(&a) + win / 2;
			best_off = ns_of(&p) - best_rt;
		}
	}
	close(fd);
	printf("offset_ns=%lld window_ns=%lld realtime_ns=%lld\n", (long long)best_off,
	       (long long)best_win, (long long)best_rt);
	return 0;
}
