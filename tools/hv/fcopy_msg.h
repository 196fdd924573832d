/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One kernel message of /dev/vmbus/hv_fcopy, checked: the uapi structs of
 * <linux/hyperv.h> as the kernel hands them over (START 1088 bytes, with
 * the names already converted to UTF-8 inside the UTF-16 fields; WRITE
 * 6196 bytes; COMPLETE and CANCEL at least the 4-byte operation); the
 * daemon answers each with a 4-byte int status.
 *
 * Refused (HV_INVALIDARG; upstream's daemon checks none of this): a START
 * whose names are not NUL-terminated inside their fields, a path that is
 * not absolute or has a ".." component, a file name that is empty, "." or
 * "..", or holds a '/'; a WRITE of more than 6144 bytes or whose end
 * overflows a file offset. A message of the wrong length or an unknown
 * operation: HV_E_FAIL.
 */
#ifndef HV_TOOLS_FCOPY_MSG_H
#define HV_TOOLS_FCOPY_MSG_H

#include <stddef.h>
#include <linux/hyperv.h>

_Static_assert(sizeof(struct hv_fcopy_hdr) == 36, "hv_fcopy_hdr");
_Static_assert(sizeof(struct hv_start_fcopy) == 1088, "hv_start_fcopy");
_Static_assert(sizeof(struct hv_do_fcopy) == 6196, "hv_do_fcopy");

struct fcopy_req {
	__u32 op;
	/* START */
	const char *path;	/* absolute, NUL-terminated, no ".." */
	const char *name;	/* one component, NUL-terminated */
	__u32 flags;		/* OVER_WRITE, CREATE_PATH */
	/* WRITE */
	__u64 offset;
	__u32 size;		/* <= DATA_FRAGMENT */
	const __u8 *data;
};

/*
 * Check the LEN bytes of MSG (which stays alive while REQ is used) and
 * fill REQ. Returns 0 when the message is well-formed, else the status
 * to answer.
 */
__u32 fcopy_parse(const void *msg, size_t len, struct fcopy_req *req);

#endif
