// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim fcopy: copy a host file into the guest through the fcopy IC. The
 * module reads no file: this command stages the name and directory, then
 * each chunk of the file, in the module's ic_input, one request at a time
 * (START, WRITE..., COMPLETE, or CANCEL after N chunks). Each request prints
 * its line of ic requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvsim.h"

#define IC_DEFAULT_TIMEOUT_MS	40000
#define FCOPY_FRAGMENT		6144

/* One fcopy request; 0 if answered S_OK, 1 if answered otherwise, 2 if not. */
static int fcopy_request(char **words, int n, unsigned int timeout_ms)
{
	static char line[1 << 16];
	char status[64];

	if (make_request(n, words, timeout_ms, line, sizeof(line)))
		return 2;
	if (field_of(line, "status", status, sizeof(status)) || strcmp(status, "0x00000000"))
		return 1;
	return 0;
}

/**
 * fcopy_command() - hvsim fcopy SRC DEST_DIR NAME [--overwrite]
 *	[--create-path] [--chunk N] [--cancel-after N] [--relid N] [--timeout MS]
 * @argc: words after "fcopy"
 * @argv: the words
 *
 * Exit 0 when every request was answered S_OK (with --cancel-after: the
 * CANCEL too), 1 otherwise (the first failure ends the copy: a CANCEL
 * follows a failed WRITE).
 */
void fcopy_command(int argc, char **argv)
{
	static char bufs[MAX_WORDS * 48], wbufs[MAX_WORDS * 48], chunk[FCOPY_FRAGMENT], names[8192];
	char *words[MAX_WORDS] = { "ic", "fcopy" }, *opts[MAX_WORDS];
	unsigned int timeout_ms = IC_DEFAULT_TIMEOUT_MS;
	unsigned long long chunk_size = FCOPY_FRAGMENT, cancel_after = ~0ULL, k;
	size_t nlen, dlen;
	int n_opts = 0, i, used, fd, rc, n;
	unsigned int flags = 0;
	struct stat st;
	ssize_t got;
	off_t off = 0;

	if (argc < 3)
		bad_usage("fcopy: want SRC DEST_DIR NAME");
	for (i = 3; i < argc; i += used) {
		used = request_option(argc - i, argv + i, opts, &n_opts, bufs, &timeout_ms);
		if (used)
			continue;
		used = 1;
		if (!strcmp(argv[i], "--overwrite")) {
			flags |= 1;
		} else if (!strcmp(argv[i], "--create-path")) {
			flags |= 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--chunk")) {
			chunk_size = parse_number("chunk", argv[i + 1], FCOPY_FRAGMENT);
			if (!chunk_size)
				bad_usage("bad chunk '0': want 1 to %d bytes", FCOPY_FRAGMENT);
			used = 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--cancel-after")) {
			cancel_after = parse_number("cancel-after", argv[i + 1], 1ULL << 40);
			used = 2;
		} else {
			bad_usage("fcopy: bad option '%s'", argv[i]);
		}
		if (n_opts >= MAX_WORDS - 5)
			bad_usage("fcopy: too many options");
	}
	nlen = strlen(argv[2]);
	dlen = strlen(argv[1]);
	if (nlen + dlen + 2 > sizeof(names))
		bad_usage("fcopy: name and directory too long");
	fd = open(argv[0], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("fcopy: %s: %s", argv[0], strerror(errno));
	memcpy(names, argv[2], nlen + 1);
	memcpy(names + nlen + 1, argv[1], dlen + 1);
	write_input(names, nlen + dlen + 2);
	n = 3;
	words[2] = "start";
	add_word(words, &n, wbufs, "flags=%u", flags);
	add_word(words, &n, wbufs, "size=%lld", (long long)st.st_size);
	for (i = 0; i < n_opts; i++)
		words[n++] = opts[i];
	if (fcopy_request(words, n, timeout_ms))
		exit(1);
	for (k = 0;; k++) {
		if (k == cancel_after)
			break;
		got = read(fd, chunk, chunk_size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("fcopy: %s: %s", argv[0], strerror(errno));
		if (got == 0)
			break;
		write_input(chunk, (size_t)got);
		n = 3;
		words[2] = "write";
		add_word(words, &n, wbufs, "offset=%lld",
			 (long long)off);
		for (i = 0; i < n_opts; i++)
			words[n++] = opts[i];
		rc = fcopy_request(words, n, timeout_ms);
		off += got;
		if (rc) {
			words[2] = "cancel";
			fcopy_request(words, 3, timeout_ms);
			exit(1);
		}
	}
	close(fd);
	words[2] = k == cancel_after ? "cancel" : "complete";
	n = 3;
	for (i = 0; i < n_opts; i++)
		words[n++] = opts[i];
	exit(fcopy_request(words, n, timeout_ms) ? 1 : 0);
}
