// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim kvp: the host's KVP requests. The strings of a request (UTF-8, as
 * typed) are staged in the module's ic_input file, each ended by a NUL; the
 * module converts them to UTF-16LE with the protocol's bounds and refuses
 * what does not fit (exit 1 with its reason). The request's line of ic
 * requests is printed as for the other IC commands; the strings of an
 * answer appear in it as key="..." value="..." (GET_IP_INFO: adapter,
 * addr, mask, gw, dns), always between double quotes, '"' '\' and control
 * bytes escaped as \" \\ \xHH.
 */
#include <string.h>

#include "hvsim.h"

#define IC_DEFAULT_TIMEOUT_MS	40000

static char input[8192];
static size_t input_len;

static void add_string(const char *s, size_t len)
{
	if (memchr(s, '\0', len) || len + 1 > sizeof(input) - input_len)
		bad_usage("kvp: strings longer than %zu bytes in all", sizeof(input));
	memcpy(input + input_len, s, len);
	input_len += len;
	input[input_len++] = '\0';
}

/* Append a comma-separated list to @out as a ';'-separated one. */
static void add_list(char *out, size_t size, const char *item)
{
	size_t n = strlen(out);

	if (snprintf(out + n, size - n, "%s%s", n ? ";" : "", item) >= (int)(size - n))
		bad_usage("kvp ipinfo set: address lists too long");
}

/* "IP/PREFIX" or "IP/MASK" → address and mask (dotted for IPv4 prefixes). */
static void split_addr(char *word, char *addrs, char *masks, size_t size)
{
	char *slash = strchr(word, '/'), mask[64];
	unsigned long long plen;
	unsigned int m;

	if (!slash || !slash[1] || slash == word)
		bad_usage("kvp ipinfo set: bad address '%s': want IP/PREFIX or IP/MASK", word);
	*slash++ = '\0';
	if (!strchr(word, ':') && !strchr(slash, '.')) {
		plen = parse_number("prefix", slash, 32);
		m = plen ? 0xffffffffU << (32 - plen) : 0;
		snprintf(mask, sizeof(mask), "%u.%u.%u.%u", m >> 24, (m >> 16) & 0xff,
			 (m >> 8) & 0xff, m & 0xff);
	} else {
		snprintf(mask, sizeof(mask), "%s", slash);
	}
	add_list(addrs, size, word);
	add_list(masks, size, mask);
}

static void ipinfo_words(int argc, char **argv, char **words, int *n, char *bufs,
			 unsigned int *timeout_ms)
{
	static char addrs[4096], masks[4096], gws[2048], dns[4096];
	int i, used, set, dhcp = 0, family = 0;
	char *tok, *save;

	if (argc < 2 || (strcmp(argv[0], "get") && strcmp(argv[0], "set")))
		bad_usage("kvp ipinfo: want get ADAPTER or set ADAPTER ...");
	set = argv[0][0] == 's';
	words[2] = set ? "ipset" : "ipget";
	add_string(argv[1], strlen(argv[1]));
	for (i = 2; i < argc; i += used) {
		used = request_option(argc - i, argv + i, words, n, bufs, timeout_ms);
		if (used)
			continue;
		used = 2;
		if (!set && i + 1 < argc && !strcmp(argv[i], "--family")) {
			if (!strcmp(argv[i + 1], "4"))
				family = 1;
			else if (!strcmp(argv[i + 1], "6"))
				family = 2;
			else if (strcmp(argv[i + 1], "both"))
				bad_usage("kvp ipinfo get: bad family '%s': want 4, 6 or both",
					  argv[i + 1]);
		} else if (set && !strcmp(argv[i], "--dhcp")) {
			dhcp = 1;
			used = 1;
		} else if (set && i + 1 < argc && (!strcmp(argv[i], "--addr") ||
						   !strcmp(argv[i], "--gw") ||
						   !strcmp(argv[i], "--dns"))) {
			for (tok = strtok_r(argv[i + 1], ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (argv[i][2] == 'a')
					split_addr(tok, addrs, masks, sizeof(addrs));
				else if (argv[i][2] == 'g')
					add_list(gws, sizeof(gws), tok);
				else
					add_list(dns, sizeof(dns), tok);
			}
		} else {
			bad_usage("kvp ipinfo %s: bad option '%s'", argv[0], argv[i]);
		}
		if (*n >= MAX_WORDS - 2)
			bad_usage("kvp: too many options");
	}
	if (set) {
		if (dhcp == !!addrs[0])
			bad_usage("kvp ipinfo set: want --dhcp or --addr (one of them)");
		family = strchr(addrs, ':') ? 2 : 1;
		add_string(addrs, strlen(addrs));
		add_string(masks, strlen(masks));
		add_string(gws, strlen(gws));
		add_string(dns, strlen(dns));
		add_word(words, n, bufs, "dhcp=%d", dhcp);
	}
	add_word(words, n, bufs, "family=%d", family);
}

/**
 * kvp_command() - hvsim kvp set POOL KEY VALUE [--type sz|u32|u64] |
 *	get POOL KEY | delete POOL KEY | enum POOL [--index N|--all] |
 *	ipinfo get ADAPTER [--family 4|6|both] |
 *	ipinfo set ADAPTER --dhcp | --addr IP/P[,...] [--gw IP[,...]] [--dns IP[,...]];
 *	every one with [--relid N] [--timeout MS]
 * @argc: words after "kvp"
 * @argv: the words
 */
void kvp_command(int argc, char **argv)
{
	static char bufs[MAX_WORDS * 48], line[1 << 17];
	char *words[MAX_WORDS] = { "ic", "kvp" }, status[64];
	unsigned int timeout_ms = IC_DEFAULT_TIMEOUT_MS;
	unsigned long long index = 0, k;
	int n = 3, i, used, all = 0, has_index = 0, strings = 0, ret;

	if (argc < 1)
		usage();
	if (!strcmp(argv[0], "ipinfo")) {
		ipinfo_words(argc - 1, argv + 1, words, &n, bufs, &timeout_ms);
		write_input(input, input_len);
		exit(make_request(n, words, timeout_ms, NULL, 0));
	}
	if (!strcmp(argv[0], "set"))
		strings = 2;
	else if (!strcmp(argv[0], "get") || !strcmp(argv[0], "delete"))
		strings = 1;
	else if (!strcmp(argv[0], "enum"))
		strings = 0;
	else
		bad_usage("kvp: unknown subcommand '%s'", argv[0]);
	words[2] = argv[0];
	if (argc < 2 + strings)
		bad_usage("kvp %s: want POOL%s", argv[0],
			  strings == 2 ? " KEY VALUE" : strings ? " KEY" : "");
	add_word(words, &n, bufs, "pool=%llu", parse_number("pool", argv[1], 255));
	for (i = 0; i < strings; i++)
		add_string(argv[2 + i], strlen(argv[2 + i]));
	for (i = 2 + strings; i < argc; i += used) {
		used = request_option(argc - i, argv + i, words, &n, bufs, &timeout_ms);
		if (used)
			continue;
		used = 2;
		if (strings == 2 && i + 1 < argc && !strcmp(argv[i], "--type")) {
			if (strcmp(argv[i + 1], "sz") && strcmp(argv[i + 1], "u32") &&
			    strcmp(argv[i + 1], "u64"))
				bad_usage("kvp set: bad type '%s': want sz, u32 or u64",
					  argv[i + 1]);
			add_word(words, &n, bufs, "type=%s", argv[i + 1]);
		} else if (!strings && i + 1 < argc && !strcmp(argv[i], "--index")) {
			index = parse_number("index", argv[i + 1], 0xffffffffULL);
			has_index = 1;
		} else if (!strings && !strcmp(argv[i], "--all")) {
			all = 1;
			used = 1;
		} else {
			bad_usage("kvp %s: bad option '%s'", argv[0], argv[i]);
		}
		if (n >= MAX_WORDS - 2)
			bad_usage("kvp: too many options");
	}
	if (all && has_index)
		bad_usage("kvp enum: --index and --all exclude each other");
	if (strings) {
		write_input(input, input_len);
		exit(make_request(n, words, timeout_ms, NULL, 0));
	}
	/* enum: one index, or all from 0 until the guest answers other than S_OK */
	for (k = index;; k++) {
		add_word(words, &n, bufs, "index=%llu", k);
		ret = make_request(n, words, timeout_ms, line, sizeof(line));
		n--;
		if (ret || !all)
			exit(ret);
		if (field_of(line, "status", status, sizeof(status)) ||
		    strcmp(status, "0x00000000") || k == 0xffffffffULL)
			exit(0);
	}
}
