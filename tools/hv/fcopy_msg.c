// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon's message checks (see fcopy_msg.h).
 */
#include <stdint.h>
#include <string.h>

#include "fcopy_msg.h"

/* A NUL-terminated string inside the LEN bytes at P, or NULL. */
static const char *field_string(const void *p, size_t len)
{
	return memchr(p, '\0', len) ? p : NULL;
}

/* Absolute, and no component is "..". */
static int path_ok(const char *path)
{
	const char *p = path;
	size_t n;

	if (path[0] != '/')
		return 0;
	while (*p) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
	}
	return 1;
}

static int name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") &&
	       !strchr(name, '/');
}

__u32 fcopy_parse(const void *msg, size_t len, struct fcopy_req *req)
{
	const struct hv_start_fcopy *start = msg;
	const struct hv_do_fcopy *w = msg;

	memset(req, 0, sizeof(*req));
	if (len < sizeof(req->op))
		return HV_E_FAIL;
	memcpy(&req->op, msg, sizeof(req->op));
	switch (req->op) {
	case START_FILE_COPY:
		if (len != sizeof(*start))
			return HV_E_FAIL;
		req->path = field_string(start->path_name,
					 sizeof(start->path_name));
		req->name = field_string(start->file_name,
					 sizeof(start->file_name));
		if (!req->path || !req->name || !path_ok(req->path) ||
		    !name_ok(req->name))
			return HV_INVALIDARG;
		req->flags = start->copy_flags;
		return 0;
	case WRITE_TO_FILE:
		if (len != sizeof(*w))
			return HV_E_FAIL;
		req->offset = w->offset;
		req->size = w->size;
		req->data = w->data;
		if (req->size > DATA_FRAGMENT ||
		    req->offset > (__u64)INT64_MAX - req->size)
			return HV_INVALIDARG;
		return 0;
	case COMPLETE_FCOPY:
	case CANCEL_FCOPY:
		return 0;
	default:
		return HV_E_FAIL;
	}
}
