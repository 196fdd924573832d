// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvmbus - list the devices on the Hyper-V VMBus.
 *
 * A C rewrite of the Python lsvmbus of the Linux tree: same text output at
 * its three verbosity levels, plus --json, and --sysfs DIR to read another
 * tree than /sys/bus/vmbus/devices (for tests). See lsvmbus.8.
 *
 * Exit status: 0 listed (even if some files were malformed and warned
 * about), 1 no VMBus devices directory or a write error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsvmbus_print.h"
#include "vmbus_sysfs.h"

enum {
	OPT_JSON = 256,
	OPT_SYSFS,
};

struct options {
	int level;		/* number of -v */
	int json;
	const char *root;
};

/* --sysfs is left out on purpose: it is for tests (see the man page). */
static const char usage_text[] =
	"Usage: lsvmbus [-v | -vv] [--json]\n"
	"List the devices on the Hyper-V VMBus.\n"
	"\n"
	"  -v, --verbose  also print each device's class GUID and its channels\n"
	"                 (Rel_ID) with their target CPUs; -vv adds the device's\n"
	"                 instance GUID and its sysfs path\n"
	"      --json     print every field of every device as one JSON array\n"
	"  -h, --help     print this help and exit\n";

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lsvmbus: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return 2;
}

/* getopt_long() said '?': name what was wrong. */
static int bad_option(int opt, const char *arg)
{
	if (opt > 0 && opt < 256)
		return usage_error("invalid option -- '%c'", opt);
	if (opt >= 256)
		return usage_error("option '%s' takes no argument", arg);
	return usage_error("unrecognized option '%s'", arg);
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "sysfs", required_argument, NULL, OPT_SYSFS },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->level++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_SYSFS:
			if (!*optarg)
				return usage_error("option '--sysfs' needs a directory");
			o->root = optarg;
			break;
		case ':':
			return usage_error("option '%s' requires an argument",
					   argv[optind - 1]);
		default:
			return bad_option(optopt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

static int list_devices(const struct options *o)
{
	struct vmbus_dev_list list;
	int err;

	err = vmbus_scan(o->root, &list);
	if (err == -ENOENT || err == -ENOTDIR) {
		/* The Python tool's words (it prints them on stdout, exit 255). */
		fprintf(stderr, "%s doesn't exist: exiting...\n", o->root);
		return 1;
	}
	if (err < 0) {
		fprintf(stderr, "lsvmbus: %s: %s\n", o->root, strerror(-err));
		return 1;
	}
	if (o->json)
		print_json(stdout, &list);
	else
		print_text(stdout, &list, o->level);
	vmbus_dev_list_free(&list);
	return 0;
}

/* A full disk or a closed pipe must not look like success. */
static int close_stdout(int status)
{
	int err = ferror(stdout);

	if (fclose(stdout) != 0 || err) {
		fprintf(stderr, "lsvmbus: write error: %s\n",
			errno ? strerror(errno) : "unknown error");
		return status ? status : 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct options o = { .root = VMBUS_SYSFS_DEVICES };
	int status;

	status = parse_args(argc, argv, &o);
	if (status < 0)
		status = list_devices(&o);
	return close_stdout(status);
}
