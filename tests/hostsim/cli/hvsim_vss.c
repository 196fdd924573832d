// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim vss: the host's VSS requests (CHECK_HOT_BACKUP, GET_DM_INFO,
 * FREEZE with a LUN table, THAW, BU_COMPLETE) and a whole backup. Each
 * request prints its line of ic requests, as the other IC commands.
 */
#include <string.h>
#include <unistd.h>

#include "hvsim.h"

#define IC_DEFAULT_TIMEOUT_MS	40000

/* One VSS request; 0 if answered S_OK, 1 if answered otherwise, 2 if not. */
static int vss_request(const char *op, char **opts, int n_opts, unsigned int timeout_ms)
{
	static char line[1 << 16];
	char *words[MAX_WORDS] = { "ic", "vss", (char *)op }, status[64];
	int n = 3, i;

	for (i = 0; i < n_opts; i++)
		words[n++] = opts[i];
	if (make_request(n, words, timeout_ms, line, sizeof(line)))
		return 2;
	if (field_of(line, "status", status, sizeof(status)) || strcmp(status, "0x00000000"))
		return 1;
	return 0;
}

/**
 * vss_command() - hvsim vss check|dminfo|freeze|thaw|complete [--luns N] |
 *	backup [--hold MS] [--luns N]; each with [--relid N] [--timeout MS]
 * @argc: words after "vss"
 * @argv: the words
 *
 * backup: CHECK_HOT_BACKUP, GET_DM_INFO, FREEZE, HOLD ms, THAW,
 * BU_COMPLETE (our order: Hyper-V's was not found); a failed FREEZE is
 * still followed by THAW, so that nothing stays frozen. Exit 0 when every
 * request was answered S_OK, 1 otherwise.
 */
void vss_command(int argc, char **argv)
{
	static char bufs[MAX_WORDS * 48];
	static const char * const ops[] = { "check", "dminfo", "freeze", "thaw", "complete" };
	char *opts[MAX_WORDS];
	unsigned int timeout_ms = IC_DEFAULT_TIMEOUT_MS;
	unsigned long long hold = 0;
	int n = 0, i, used, backup, rc, all;
	char *luns = NULL;

	if (argc < 1)
		usage();
	backup = !strcmp(argv[0], "backup");
	for (i = 0; !backup && i < 5; i++)
		if (!strcmp(argv[0], ops[i]))
			break;
	if (!backup && i == 5)
		bad_usage("vss: unknown subcommand '%s'", argv[0]);
	for (i = 1; i < argc; i += used) {
		used = request_option(argc - i, argv + i, opts, &n, bufs, &timeout_ms);
		if (used)
			continue;
		used = 2;
		if (i + 1 < argc && !strcmp(argv[i], "--luns") &&
		    (backup || !strcmp(argv[0], "freeze"))) {
			add_word(opts, &n, bufs, "luns=%llu",
				 parse_number("luns", argv[i + 1], 260));
			luns = opts[n - 1];
			n--;
		} else if (backup && i + 1 < argc && !strcmp(argv[i], "--hold")) {
			hold = parse_number("hold", argv[i + 1], 600000);
		} else {
			bad_usage("vss %s: bad option '%s'", argv[0], argv[i]);
		}
		if (n >= MAX_WORDS - 4)
			bad_usage("vss: too many options");
	}
	if (!backup) {
		if (luns)
			opts[n++] = luns;
		rc = vss_request(argv[0], opts, n, timeout_ms);
		exit(rc == 2 ? 1 : 0);
	}
	all = vss_request("check", opts, n, timeout_ms);
	all |= vss_request("dminfo", opts, n, timeout_ms);
	if (luns)
		opts[n] = luns;
	rc = vss_request("freeze", opts, n + !!luns, timeout_ms);
	all |= rc;
	if (!rc)
		usleep(hold * 1000);
	all |= vss_request("thaw", opts, n, timeout_ms);
	if (!rc)
		all |= vss_request("complete", opts, n, timeout_ms);
	exit(all ? 1 : 0);
}
