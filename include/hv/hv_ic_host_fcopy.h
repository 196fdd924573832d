/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's side of fcopy as pure logic on wire bytes: the bodies of
 * START_FILE_COPY (1088 bytes: UTF-16LE name and path of at most 259
 * units each), WRITE_TO_FILE (6196 bytes, at most 6144 of data),
 * COMPLETE_FCOPY and CANCEL_FCOPY (the 36-byte fcopy header), and the check
 * of the guest's answers (docs/design/hv_utils.md §2.6). The host simulator
 * runs it; the unit tests run the very same code in userspace.
 */
#ifndef _HV_IC_HOST_FCOPY_H
#define _HV_IC_HOST_FCOPY_H

#include "hv/hv_ic_host_kvp.h"

/* Room for any fcopy request body the host builds. */
#define HV_IC_FCOPY_MAX_BODY	(sizeof(struct hv_ic_fcopy_write))

/**
 * hv_ic_host_fcopy_start() - build a START_FILE_COPY body
 * @body:	where, at least HV_IC_FCOPY_MAX_BODY bytes; zeroed first
 * @name:	file name, UTF-8, @nlen bytes
 * @nlen:	its length
 * @path:	directory, UTF-8, @plen bytes
 * @plen:	its length
 * @flags:	HV_IC_FCOPY_OVER_WRITE | HV_IC_FCOPY_CREATE_PATH
 * @size:	the file's size
 * @body_len:	the body's length (1088)
 *
 * Return: NULL, or why it cannot be built.
 */
static inline const char *hv_ic_host_fcopy_start(u8 *body, const char *name, u32 nlen,
						 const char *path, u32 plen, u32 flags, u64 size,
						 u32 *body_len)
{
	u32 op = HV_IC_FCOPY_START;

	memset(body, 0, HV_IC_FCOPY_MAX_BODY);
	memcpy(body, &op, sizeof(op));
	if (hv_ic_utf8_to_utf16(name, nlen, body + offsetof(struct hv_ic_fcopy_start, file_name),
				HV_IC_FCOPY_MAX_PATH) < 0)
		return "file name is no UTF-8 or longer than 259 UTF-16 units";
	if (hv_ic_utf8_to_utf16(path, plen, body + offsetof(struct hv_ic_fcopy_start, path_name),
				HV_IC_FCOPY_MAX_PATH) < 0)
		return "path is no UTF-8 or longer than 259 UTF-16 units";
	if (flags & ~(u32)(HV_IC_FCOPY_OVER_WRITE | HV_IC_FCOPY_CREATE_PATH))
		return "copy flags other than overwrite and create-path";
	memcpy(body + offsetof(struct hv_ic_fcopy_start, copy_flags), &flags, sizeof(flags));
	memcpy(body + offsetof(struct hv_ic_fcopy_start, file_size), &size, sizeof(size));
	*body_len = sizeof(struct hv_ic_fcopy_start);
	return NULL;
}

/**
 * hv_ic_host_fcopy_write() - build a WRITE_TO_FILE body
 * @body:	where, at least HV_IC_FCOPY_MAX_BODY bytes; zeroed first
 * @offset:	where the data goes in the file
 * @data:	the data
 * @size:	its length, at most HV_IC_FCOPY_DATA_FRAGMENT
 * @body_len:	the body's length (6196, whatever @size)
 *
 * Return: NULL, or why it cannot be built.
 */
static inline const char *hv_ic_host_fcopy_write(u8 *body, u64 offset, const void *data,
						 u32 size, u32 *body_len)
{
	u32 op = HV_IC_FCOPY_WRITE;

	if (size > HV_IC_FCOPY_DATA_FRAGMENT)
		return "more than 6144 bytes of data";
	memset(body, 0, HV_IC_FCOPY_MAX_BODY);
	memcpy(body, &op, sizeof(op));
	memcpy(body + offsetof(struct hv_ic_fcopy_write, offset), &offset, sizeof(offset));
	memcpy(body + offsetof(struct hv_ic_fcopy_write, size), &size, sizeof(size));
	if (size)
		memcpy(body + offsetof(struct hv_ic_fcopy_write, data), data, size);
	*body_len = sizeof(struct hv_ic_fcopy_write);
	return NULL;
}

/**
 * hv_ic_host_fcopy_simple() - build a COMPLETE_FCOPY or CANCEL_FCOPY body
 * @body:	where, at least HV_IC_FCOPY_MAX_BODY bytes; zeroed first
 * @op:		HV_IC_FCOPY_COMPLETE or HV_IC_FCOPY_CANCEL
 * @body_len:	the body's length (36, the fcopy header)
 */
static inline void hv_ic_host_fcopy_simple(u8 *body, u32 op, u32 *body_len)
{
	memset(body, 0, HV_IC_FCOPY_MAX_BODY);
	memcpy(body, &op, sizeof(op));
	*body_len = sizeof(struct hv_ic_fcopy_hdr);
}

/**
 * hv_ic_host_check_fcopy() - check a guest's answer to an fcopy request
 * @buf:	the payload (private copy)
 * @len:	its length
 * @req_body:	the body the host sent
 * @req_len:	its length
 * @status:	the guest's status
 *
 * Accepted: headers right, at least the request's length (Linux answers
 * with the request's buffer), the request's operation.
 *
 * Return: NULL, or why the answer is refused.
 */
static inline const char *hv_ic_host_check_fcopy(const u8 *buf, u32 len, const u8 *req_body,
						 u32 req_len, u32 *status)
{
	struct hv_ic_msg_hdr hdr;
	const char *why;

	why = hv_ic_host_check_answer(buf, len, HV_IC_MSG_FCOPY, &hdr);
	if (why)
		return why;
	*status = hdr.status;
	if (len < HV_IC_HDR_SIZE + req_len || hdr.msgsize < req_len)
		return "shorter than the request's fcopy body";
	if (memcmp(buf + HV_IC_HDR_SIZE, req_body, sizeof(u32)))
		return "operation differs from the request's";
	return NULL;
}

#endif /* _HV_IC_HOST_FCOPY_H */
