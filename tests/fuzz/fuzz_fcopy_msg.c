// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_fcopy_daemon's message checks
 * (tools/hv/fcopy_msg.c): whatever bytes the kernel hands the daemon,
 * fcopy_parse() either refuses them with HV_E_FAIL or HV_INVALIDARG or
 * accepts a request that is safe to act on: a START's path absolute,
 * without a ".." component, and its name one component, both
 * NUL-terminated inside their fields; a WRITE of at most 6144 bytes whose
 * end fits a file offset. AddressSanitizer watches an exact-size copy.
 * fuzz-sources: tools/hv/fcopy_msg.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcopy_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int inside(const void *p, const uint8_t *buf, size_t len)
{
	const uint8_t *q = p;

	return q >= buf && q < buf + len && memchr(q, '\0', buf + len - q);
}

static void check_path(const char *path)
{
	const char *p = path;
	size_t n;

	if (path[0] != '/')
		abort();
	while (*p) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && !strncmp(p, "..", 2))
			abort();
		p += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct fcopy_req req;
	__u32 status;

	if (!copy)
		return 0;
	memcpy(copy, data, len);
	status = fcopy_parse(copy, len, &req);
	if (status && status != HV_E_FAIL && status != HV_INVALIDARG)
		abort();
	if (!status) {
		switch (req.op) {
		case START_FILE_COPY:
			if (len != sizeof(struct hv_start_fcopy) ||
			    !inside(req.path, copy, len) ||
			    !inside(req.name, copy, len))
				abort();
			check_path(req.path);
			if (!req.name[0] || strchr(req.name, '/') ||
			    !strcmp(req.name, ".") || !strcmp(req.name, ".."))
				abort();
			break;
		case WRITE_TO_FILE:
			if (len != sizeof(struct hv_do_fcopy) ||
			    req.size > DATA_FRAGMENT ||
			    req.offset + req.size > (__u64)INT64_MAX ||
			    req.data + req.size > copy + len)
				abort();
			break;
		case COMPLETE_FCOPY:
		case CANCEL_FCOPY:
			break;
		default:
			abort();
		}
	}
	free(copy);
	return 0;
}
