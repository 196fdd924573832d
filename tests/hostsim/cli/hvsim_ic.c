// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's integration-service commands: ic status|requests|versions,
 * shutdown, heartbeat, time. A request is made by one "ic ..." command to
 * the module; the module sends it, tracks the answer and times it out; the
 * CLI polls ic_requests for the request's line, prints it and exits 0 if
 * the guest answered (whatever the status), 1 if not (timeout, a malformed
 * answer, the channel closed).
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv_ic_host_clock.h"
#include "hvsim.h"

#define IC_DEFAULT_TIMEOUT_MS	40000
#define IC_MAX_TIMEOUT_MS	600000
#define MAX_DURATION_NS		(400LL * 24 * 3600 * 1000000000LL)	/* 400 days */

unsigned long long parse_number(const char *what, const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > max || *s == '-')
		bad_usage("bad %s '%s': want a number up to %llu", what, s, max);
	return v;
}

/* A decimal number with an optional sign, at most @max either way. */
static long long parse_signed(const char *what, const char *s, long long max)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v > max || v < -max)
		bad_usage("bad %s '%s': want [+-]N, at most %lld either way", what, s, max);
	return v;
}

/* "+10s", "-250ms", "5us", "7ns", "3" (seconds) -> nanoseconds */
static long long duration_ns(const char *what, const char *s)
{
	long long v, mul = 1000000000LL;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno)
		bad_usage("bad %s '%s': want [+-]N[s|ms|us|ns]", what, s);
	if (!strcmp(end, "ms"))
		mul = 1000000LL;
	else if (!strcmp(end, "us"))
		mul = 1000LL;
	else if (!strcmp(end, "ns"))
		mul = 1;
	else if (*end && strcmp(end, "s"))
		bad_usage("bad %s '%s': want [+-]N[s|ms|us|ns]", what, s);
	if (v > MAX_DURATION_NS / mul || v < -MAX_DURATION_NS / mul)
		bad_usage("bad %s '%s': at most 400 days either way", what, s);
	return v * mul;
}

/* The lines of a module file that start with @prefix (all if NULL). */
static int print_lines(const char *file, const char *prefix)
{
	static char buf[1 << 18];
	char *line, *next;
	int found = 0;

	check_host();
	if (read_file(file, buf, sizeof(buf)) < 0)
		die("%s: %s", file, strerror(errno));
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, "last ", 5))
			continue;
		if (!prefix || !strncmp(line, prefix, strlen(prefix)) || strstr(line, prefix)) {
			puts(line);
			found = 1;
		}
	}
	return found;
}

/* The line of request @id of @relid in ic_requests into @out; 0 if found. */
static int request_line(unsigned int relid, unsigned int id, char *out, size_t size)
{
	static char buf[1 << 18];
	char want[64], *line, *next;

	if (read_file("ic_requests", buf, sizeof(buf)) < 0)
		die("ic_requests: %s", strerror(errno));
	snprintf(want, sizeof(want), "relid=%u id=%u ", relid, id);
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, want, strlen(want))) {
			size_t n = strlen(line);

			if (n >= size)
				n = size - 1;
			memcpy(out, line, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -1;
}

/**
 * make_request() - make one request (the words of an "ic" command), wait
 *	for its outcome and print its line
 * @argc: number of words
 * @argv: the words
 * @timeout_ms: the request's timeout
 * @out: where the line is copied too, or NULL
 * @size: room at @out
 *
 * Retries while the channel is busy.
 *
 * Return: 0 if answered, 1 if not.
 */
int make_request(int argc, char **argv, unsigned int timeout_ms, char *out, size_t size)
{
	static char all[1 << 18], line[1 << 17];
	char state[32], *last;
	unsigned int relid, id, waited = 0;

	while (try_command(argc, argv, 1) == -EBUSY) {
		if (waited >= timeout_ms)
			die("%s: the channel stayed busy for %u ms", argv[1], timeout_ms);
		usleep(10000);
		waited += 10;
	}
	if (read_file("ic_requests", all, sizeof(all)) < 0)
		die("ic_requests: %s", strerror(errno));
	last = strstr(all, "\nlast relid=");
	last = last ? last + 1 : (!strncmp(all, "last relid=", 11) ? all : NULL);
	if (!last || sscanf(last, "last relid=%u id=%u", &relid, &id) != 2)
		die("%s: the host reported no request", argv[1]);
	/* the module times it out; wait a little longer than that */
	for (waited = 0;; waited += 10) {
		if (request_line(relid, id, line, sizeof(line)))
			die("%s: request %u of relid %u is gone from the host's list", argv[1],
			    id, relid);
		if (field_of(line, "state", state, sizeof(state)))
			die("%s: no state in the host's line: %s", argv[1], line);
		if (strcmp(state, "staged") && strcmp(state, "sent"))
			break;
		if (waited > timeout_ms + 5000)
			die("%s: the host did not time request %u out: %s", argv[1], id, line);
		usleep(10000);
	}
	puts(line);
	if (out)
		snprintf(out, size, "%s", line);
	if (!strcmp(state, "answered"))
		return 0;
	fprintf(stderr, "%s: request %u of relid %u: %s\n", prog, id, relid, state);
	return 1;
}

/* Append a "key=value" word, formatted into its own slot of @bufs. */
void add_word(char **words, int *n, char *bufs, const char *fmt, ...)
{
	char *b = bufs + *n * 48;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, 48, fmt, ap);
	va_end(ap);
	words[(*n)++] = b;
}

/* Common request options; returns how many words it took (0: not one). */
int request_option(int argc, char **argv, char **words, int *n, char *bufs,
		   unsigned int *timeout_ms)
{
	char *b = bufs + *n * 48;

	if (argc < 2)
		return 0;
	if (!strcmp(argv[0], "--relid")) {
		snprintf(b, 48, "relid=%llu", parse_number("relid", argv[1], 64));
	} else if (!strcmp(argv[0], "--timeout")) {
		*timeout_ms = parse_number("timeout", argv[1], IC_MAX_TIMEOUT_MS);
		if (!*timeout_ms)
			bad_usage("bad timeout '0': want 1 to %d ms", IC_MAX_TIMEOUT_MS);
		snprintf(b, 48, "tmo=%u", *timeout_ms);
	} else {
		return 0;
	}
	words[(*n)++] = b;
	return 2;
}

/**
 * shutdown_command() - hvsim shutdown [--reboot|--hibernate] [--force]
 *	[--flags N] [--reason N] [--timeout-secs N] [--len N] [--relid N]
 *	[--timeout MS]
 * @argc: words after "shutdown"
 * @argv: the words
 */
void shutdown_command(int argc, char **argv)
{
	static char bufs[MAX_WORDS * 48];
	char *words[MAX_WORDS] = { "ic", "shutdown" };
	unsigned int timeout_ms = IC_DEFAULT_TIMEOUT_MS;
	unsigned long long flags = 0;
	int n = 2, i, used, raw = 0, kind = 0;

	for (i = 0; i < argc; i += used) {
		used = request_option(argc - i, argv + i, words, &n, bufs, &timeout_ms);
		if (used)
			continue;
		used = 1;
		if (!strcmp(argv[i], "--reboot") || !strcmp(argv[i], "--hibernate")) {
			if (kind++)
				bad_usage("--reboot and --hibernate exclude each other");
			flags |= !strcmp(argv[i], "--reboot") ? 2 : 4;
		} else if (!strcmp(argv[i], "--force")) {
			flags |= 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--flags")) {
			raw = 1;
			add_word(words, &n, bufs, "flags=%llu",
				 parse_number("flags", argv[i + 1], 0xffffffffULL));
			used = 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--reason")) {
			add_word(words, &n, bufs, "reason=%llu",
				 parse_number("reason", argv[i + 1], 0xffffffffULL));
			used = 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--timeout-secs")) {
			add_word(words, &n, bufs, "secs=%llu",
				 parse_number("timeout-secs", argv[i + 1], 0xffffffffULL));
			used = 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--len")) {
			unsigned long long len = parse_number("len", argv[i + 1], 2060);

			if (!len)
				bad_usage("bad len '0': want 1 to 2060 body bytes");
			add_word(words, &n, bufs, "len=%llu", len);
			used = 2;
		} else {
			bad_usage("shutdown: bad option '%s'", argv[i]);
		}
		if (n >= MAX_WORDS - 1)
			bad_usage("shutdown: too many options");
	}
	if (raw && (flags || kind))
		bad_usage("--flags excludes --reboot, --hibernate and --force");
	if (!raw)
		add_word(words, &n, bufs, "flags=%llu", flags);
	exit(make_request(n, words, timeout_ms, NULL, 0));
}

/**
 * heartbeat_command() - hvsim heartbeat [--count N] [--seq N] [--len N]
 *	[--relid N] [--timeout MS] | --auto PERIOD_MS|off
 * @argc: words after "heartbeat"
 * @argv: the words
 */
void heartbeat_command(int argc, char **argv)
{
	static char bufs[MAX_WORDS * 48];
	char *words[MAX_WORDS] = { "ic", "heartbeat" };
	unsigned int timeout_ms = IC_DEFAULT_TIMEOUT_MS;
	unsigned long long count = 1, k;
	int n = 2, i, used, failed = 0;

	if (argc >= 1 && !strcmp(argv[0], "--auto")) {
		char *cmd[4] = { "ic", "auto", "heartbeat", NULL }, ms[24];

		if (argc != 2)
			usage();
		snprintf(ms, sizeof(ms), "%llu", !strcmp(argv[1], "off") ? 0 :
			 parse_number("period", argv[1], IC_MAX_TIMEOUT_MS));
		cmd[3] = ms;
		send_command(4, cmd);
		return;
	}
	for (i = 0; i < argc; i += used) {
		used = request_option(argc - i, argv + i, words, &n, bufs, &timeout_ms);
		if (used)
			continue;
		used = 2;
		if (i + 1 < argc && !strcmp(argv[i], "--count")) {
			count = parse_number("count", argv[i + 1], 1000000);
			if (!count)
				bad_usage("bad count '0': want 1 to 1000000");
		} else if (i + 1 < argc && !strcmp(argv[i], "--seq")) {
			add_word(words, &n, bufs, "seq=%llu",
				 parse_number("seq", argv[i + 1], ~0ULL));
		} else if (i + 1 < argc && !strcmp(argv[i], "--len")) {
			unsigned long long len = parse_number("len", argv[i + 1], 40);

			if (!len)
				bad_usage("bad len '0': want 1 to 40 body bytes");
			add_word(words, &n, bufs, "len=%llu", len);
		} else {
			bad_usage("heartbeat: bad option '%s'", argv[i]);
		}
		if (n >= MAX_WORDS - 1)
			bad_usage("heartbeat: too many options");
	}
	for (k = 0; k < count; k++)
		failed |= make_request(n, words, timeout_ms, NULL, 0);
	exit(failed);
}

/**
 * time_command() - hvsim time sync|sample [--offset D] [--relid N]
 *	[--timeout MS] | auto PERIOD_MS|off | refclock [--skew D] |
 *	drift [PPM] | status
 * @argc: words after "time"
 * @argv: the words
 */
void time_command(int argc, char **argv)
{
	static char bufs[MAX_WORDS * 48];
	char *words[MAX_WORDS] = { "ic" };
	unsigned int timeout_ms = IC_DEFAULT_TIMEOUT_MS;
	int n = 2, i, used;

	if (argc < 1)
		usage();
	if (!strcmp(argv[0], "auto")) {
		char *cmd[4] = { "ic", "auto", "timesync", NULL }, ms[24];

		if (argc != 2)
			usage();
		snprintf(ms, sizeof(ms), "%llu", !strcmp(argv[1], "off") ? 0 :
			 parse_number("period", argv[1], IC_MAX_TIMEOUT_MS));
		cmd[3] = ms;
		send_command(4, cmd);
		return;
	}
	if (!strcmp(argv[0], "refclock")) {
		char *cmd[3] = { "ic", "skew", NULL }, ns[32];

		if (argc == 3 && !strcmp(argv[1], "--skew")) {
			snprintf(ns, sizeof(ns), "%lld", duration_ns("skew", argv[2]));
			cmd[2] = ns;
			send_command(3, cmd);
		} else if (argc != 1) {
			usage();
		}
		if (!print_lines("ic_config", "refclock="))
			die("time refclock: the host shows no reference counter");
		return;
	}
	if (!strcmp(argv[0], "drift")) {
		char *cmd[3] = { "ic", "drift", NULL }, ppm[24];

		if (argc == 2) {
			snprintf(ppm, sizeof(ppm), "%lld", parse_signed("drift", argv[1],
									HV_IC_HOST_MAX_DRIFT_PPM));
			cmd[2] = ppm;
			send_command(3, cmd);
		} else if (argc != 1) {
			usage();
		}
		if (!print_lines("ic_config", "host_clock "))
			die("time drift: the host shows no host clock");
		return;
	}
	if (!strcmp(argv[0], "status")) {
		if (argc != 1)
			usage();
		if (!print_lines("ic_config", "refclock=") ||
		    !print_lines("ic_config", "host_clock ") ||
		    !print_lines("ic_config", "class=timesync "))
			die("time status: the host shows no time service");
		return;
	}
	if (strcmp(argv[0], "sync") && strcmp(argv[0], "sample"))
		bad_usage("time: unknown subcommand '%s'", argv[0]);
	words[1] = argv[0];
	for (i = 1; i < argc; i += used) {
		used = request_option(argc - i, argv + i, words, &n, bufs, &timeout_ms);
		if (used)
			continue;
		used = 2;
		if (i + 1 < argc && !strcmp(argv[i], "--offset")) {
			add_word(words, &n, bufs, "offset=%lld",
				 duration_ns("offset", argv[i + 1]));
		} else {
			bad_usage("time %s: bad option '%s'", argv[0], argv[i]);
		}
		if (n >= MAX_WORDS - 1)
			bad_usage("time: too many options");
	}
	exit(make_request(n, words, timeout_ms, NULL, 0));
}

/**
 * ic_command() - hvsim ic status [CLASS|RELID] | requests [RELID] |
 *	versions CLASS [--fw LIST --msg LIST | --default]
 * @argc: words after "ic"
 * @argv: the words
 */
void ic_command(int argc, char **argv)
{
	char want[64];

	if (argc < 1)
		usage();
	if (!strcmp(argv[0], "status") || !strcmp(argv[0], "requests")) {
		const char *file = argv[0][0] == 's' ? "ic" : "ic_requests";

		if (argc > 2)
			usage();
		if (argc == 1) {
			print_lines(file, NULL);
			return;
		}
		if (strspn(argv[1], "0123456789") == strlen(argv[1]))
			snprintf(want, sizeof(want), "relid=%s ", argv[1]);
		else
			snprintf(want, sizeof(want), " class=%s ", argv[1]);
		if (!print_lines(file, want))
			die("ic %s: nothing for '%s'", argv[0], argv[1]);
		return;
	}
	if (!strcmp(argv[0], "versions")) {
		char *cmd[5] = { "ic", "versions", NULL, NULL, NULL }, fw[64], msg[64];
		int i;

		if (argc < 2)
			usage();
		cmd[2] = argv[1];
		if (argc == 2) {
			snprintf(want, sizeof(want), "class=%s ", argv[1]);
			if (!print_lines("ic_config", want))
				die("ic versions: '%s' is no IC class", argv[1]);
			return;
		}
		if (argc == 3 && !strcmp(argv[2], "--default")) {
			cmd[3] = "default";
			send_command(4, cmd);
			return;
		}
		fw[0] = '\0';
		msg[0] = '\0';
		for (i = 2; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--fw") && !fw[0])
				snprintf(fw, sizeof(fw), "fw=%s", argv[i + 1]);
			else if (!strcmp(argv[i], "--msg") && !msg[0])
				snprintf(msg, sizeof(msg), "msg=%s", argv[i + 1]);
			else
				bad_usage("ic versions: bad option '%s'", argv[i]);
		}
		if (i != argc || !fw[0] || !msg[0])
			bad_usage("ic versions: want --fw LIST --msg LIST, or --default");
		cmd[3] = fw;
		cmd[4] = msg;
		send_command(5, cmd);
		return;
	}
	bad_usage("ic: unknown subcommand '%s'", argv[0]);
}
