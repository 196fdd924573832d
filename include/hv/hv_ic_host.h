/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's side of the IC framework as pure logic on wire bytes: building
 * requests and checking the guest's answers. The host simulator runs it;
 * the unit tests run the very same code in userspace.
 *
 * The guest is untrusted on the host side: an answer is checked whole,
 * on the host's private copy, before anything in it is believed.
 */
#ifndef _HV_IC_HOST_H
#define _HV_IC_HOST_H

#include "hv/hv_ic_proto.h"

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

/* Most versions the host offers, per kind. */
#define HV_IC_HOST_MAX_VERSIONS		8

/* Room every request the host builds fits in (KVP's IP message is the largest). */
#define HV_IC_HOST_MAX_REQUEST		(HV_IC_HDR_SIZE + sizeof(struct hv_ic_kvp_ip))

/**
 * struct hv_ic_host_versions - what the host offers in a negotiation
 * @fw:		framework versions, HV_IC_VERSION() form, in offer order
 * @n_fw:	how many
 * @msg:	message versions, likewise
 * @n_msg:	how many
 */
struct hv_ic_host_versions {
	u32 fw[HV_IC_HOST_MAX_VERSIONS];
	u32 n_fw;
	u32 msg[HV_IC_HOST_MAX_VERSIONS];
	u32 n_msg;
};

/**
 * hv_ic_host_build_hdr() - write the pipe and IC headers of a request
 * @buf:	where; the body after them is left as it is
 * @msgtype:	HV_IC_MSG_*
 * @fw:		framework version for the header
 * @msgver:	message version for the header
 * @body_len:	body bytes
 *
 * Return: the payload length, HV_IC_HDR_SIZE + @body_len. The header says
 * TRANSACTION|REQUEST, transaction id 0, status 0.
 */
static inline u32 hv_ic_host_build_hdr(u8 *buf, u16 msgtype, u32 fw, u32 msgver, u32 body_len)
{
	struct hv_ic_pipe_hdr pipe = {
		.flags = HV_IC_PIPE_DATA,
		.msgsize = (u32)(sizeof(struct hv_ic_msg_hdr) + body_len),
	};
	struct hv_ic_msg_hdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.framework.major = HV_IC_VERSION_MAJOR(fw);
	hdr.framework.minor = HV_IC_VERSION_MINOR(fw);
	hdr.msgtype = msgtype;
	hdr.msgver.major = HV_IC_VERSION_MAJOR(msgver);
	hdr.msgver.minor = HV_IC_VERSION_MINOR(msgver);
	hdr.msgsize = (u16)body_len;
	hdr.flags = HV_IC_FLAGS_REQUEST;
	memcpy(buf, &pipe, sizeof(pipe));
	memcpy(buf + sizeof(pipe), &hdr, sizeof(hdr));
	return HV_IC_HDR_SIZE + body_len;
}

/**
 * hv_ic_host_build() - lay out a request: pipe header, IC header, body
 * @buf:	where; at least HV_IC_HDR_SIZE + @body_len bytes, body included
 *		(the caller writes the body after this call)
 * @msgtype:	HV_IC_MSG_*
 * @fw:		framework version for the header
 * @msgver:	message version for the header
 * @body_len:	body bytes
 *
 * Return: the payload length, HV_IC_HDR_SIZE + @body_len. The header says
 * TRANSACTION|REQUEST, transaction id 0, status 0; the body is zeroed.
 */
static inline u32 hv_ic_host_build(u8 *buf, u16 msgtype, u32 fw, u32 msgver, u32 body_len)
{
	memset(buf + HV_IC_HDR_SIZE, 0, body_len);
	return hv_ic_host_build_hdr(buf, msgtype, fw, msgver, body_len);
}

/**
 * hv_ic_host_build_negotiate() - a negotiation request
 * @buf:	at least HV_IC_HDR_SIZE + 8 + 4 * (n_fw + n_msg) bytes
 * @v:		the versions to offer
 *
 * The header carries framework 1.0 and message version 1.0, the oldest:
 * nothing is agreed yet.
 *
 * Return: the payload length.
 */
static inline u32 hv_ic_host_build_negotiate(u8 *buf, const struct hv_ic_host_versions *v)
{
	struct hv_ic_negotiate neg;
	struct hv_ic_version ver;
	u32 i, len, pos;

	len = hv_ic_host_build(buf, HV_IC_MSG_NEGOTIATE, HV_IC_VERSION(1, 0),
			       HV_IC_VERSION(1, 0),
			       (u32)sizeof(neg) + 4 * (v->n_fw + v->n_msg));
	memset(&neg, 0, sizeof(neg));
	neg.framework_count = (u16)v->n_fw;
	neg.message_count = (u16)v->n_msg;
	memcpy(buf + HV_IC_HDR_SIZE, &neg, sizeof(neg));
	pos = HV_IC_HDR_SIZE + sizeof(neg);
	for (i = 0; i < v->n_fw + v->n_msg; i++, pos += sizeof(ver)) {
		u32 x = i < v->n_fw ? v->fw[i] : v->msg[i - v->n_fw];

		ver.major = HV_IC_VERSION_MAJOR(x);
		ver.minor = HV_IC_VERSION_MINOR(x);
		memcpy(buf + pos, &ver, sizeof(ver));
	}
	return len;
}

/**
 * hv_ic_host_check_answer() - check the headers of a guest's answer
 * @buf:	the payload of the guest's packet (private copy)
 * @len:	its length
 * @msgtype:	the type of the request it answers
 * @hdr:	the IC header, copied out when the answer is well formed
 *
 * An answer has a pipe header of type data whose size stays within the
 * packet and holds an IC header; the IC header has the request's type,
 * flags TRANSACTION|RESPONSE exactly, transaction id 0 (what the host
 * sent), and a body size within the packet.
 *
 * Return: NULL, or why the answer is refused.
 */
static inline const char *hv_ic_host_check_answer(const u8 *buf, u32 len, u16 msgtype,
						  struct hv_ic_msg_hdr *hdr)
{
	struct hv_ic_pipe_hdr pipe;

	if (len < HV_IC_HDR_SIZE)
		return "shorter than the pipe and IC headers";
	memcpy(&pipe, buf, sizeof(pipe));
	memcpy(hdr, buf + sizeof(pipe), sizeof(*hdr));
	if (pipe.flags != HV_IC_PIPE_DATA)
		return "pipe header of a type other than data";
	if (pipe.msgsize < sizeof(*hdr) || pipe.msgsize > len - sizeof(pipe))
		return "pipe header size outside the packet";
	if (hdr->msgtype != msgtype)
		return "message type differs from the request's";
	if (hdr->flags != HV_IC_FLAGS_RESPONSE)
		return "flags are not TRANSACTION|RESPONSE";
	if (hdr->transaction_id != 0)
		return "IC transaction id differs from the request's";
	if (hdr->msgsize > len - HV_IC_HDR_SIZE)
		return "IC body size beyond the packet";
	return NULL;
}

/* Is @v among the @n versions of @list? */
static inline int hv_ic_host_offered(const u32 *list, u32 n, u32 v)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return 1;
	return 0;
}

/**
 * hv_ic_host_check_negotiate() - check a guest's answer to a negotiation
 * @buf:	the payload (private copy)
 * @len:	its length
 * @offered:	what the host offered
 * @fw:		the framework version the guest chose (0 if none)
 * @msgver:	the message version the guest chose (0 if none)
 *
 * Accepted: counts 1/1 naming one offered framework and one offered
 * message version, with an IC body size of at least 16 (as OpenVMM's host
 * requires), or counts 0/0 (no common version: @fw and @msgver are 0).
 *
 * Return: NULL, or why the answer is refused.
 */
static inline const char *hv_ic_host_check_negotiate(const u8 *buf, u32 len,
						     const struct hv_ic_host_versions *offered,
						     u32 *fw, u32 *msgver)
{
	struct hv_ic_negotiate neg;
	struct hv_ic_version v[2];
	struct hv_ic_msg_hdr hdr;
	const char *why;

	*fw = 0;
	*msgver = 0;
	why = hv_ic_host_check_answer(buf, len, HV_IC_MSG_NEGOTIATE, &hdr);
	if (why)
		return why;
	if (len < HV_IC_HDR_SIZE + sizeof(neg))
		return "no room for the version counts";
	memcpy(&neg, buf + HV_IC_HDR_SIZE, sizeof(neg));
	if (neg.framework_count == 0 && neg.message_count == 0)
		return NULL;
	if (neg.framework_count != 1 || neg.message_count != 1)
		return "version counts are neither 1/1 nor 0/0";
	if (hdr.msgsize < HV_IC_NEGOTIATE_ANSWER_SIZE)
		return "IC body size below 16";
	if (len < HV_IC_HDR_SIZE + sizeof(neg) + sizeof(v))
		return "no room for the two chosen versions";
	memcpy(v, buf + HV_IC_HDR_SIZE + sizeof(neg), sizeof(v));
	*fw = HV_IC_VERSION(v[0].major, v[0].minor);
	*msgver = HV_IC_VERSION(v[1].major, v[1].minor);
	if (!hv_ic_host_offered(offered->fw, offered->n_fw, *fw) ||
	    !hv_ic_host_offered(offered->msg, offered->n_msg, *msgver)) {
		*fw = 0;
		*msgver = 0;
		return "a chosen version the host did not offer";
	}
	return NULL;
}

/**
 * hv_ic_host_check_heartbeat() - check a guest's answer to a heartbeat
 * @buf:	the payload (private copy)
 * @len:	its length
 * @sent:	the sequence number the host sent
 * @status:	the guest's status
 * @seq:	the sequence number the guest answered (0 if none)
 *
 * Return: NULL, or why the answer is refused (a status other than S_OK is
 * no refusal: it is reported).
 */
static inline const char *hv_ic_host_check_heartbeat(const u8 *buf, u32 len, u64 sent,
						     u32 *status, u64 *seq)
{
	struct hv_ic_msg_hdr hdr;
	const char *why;

	*seq = 0;
	why = hv_ic_host_check_answer(buf, len, HV_IC_MSG_HEARTBEAT, &hdr);
	if (why)
		return why;
	*status = hdr.status;
	if (len < HV_IC_HDR_SIZE + HV_IC_HEARTBEAT_MIN)
		return "no room for a sequence number";
	memcpy(seq, buf + HV_IC_HDR_SIZE, sizeof(*seq));
	if (hdr.status == HV_IC_S_OK && *seq != sent + 1)
		return "sequence number is not the host's plus one";
	return NULL;
}

/**
 * hv_ic_host_status_name() - the name of an IC status
 * @status: the status
 *
 * Return: its name, or "unknown".
 */
static inline const char *hv_ic_host_status_name(u32 status)
{
	switch (status) {
	case HV_IC_S_OK: return "S_OK";
	case HV_IC_E_FAIL: return "E_FAIL";
	case HV_IC_S_CONT: return "S_CONT";
	case HV_IC_ERROR_NOT_SUPPORTED: return "NOT_SUPPORTED";
	case HV_IC_ERROR_MACHINE_LOCKED: return "MACHINE_LOCKED";
	case HV_IC_ERROR_DEVICE_NOT_CONNECTED: return "DEVICE_NOT_CONNECTED";
	case HV_IC_INVALIDARG: return "INVALIDARG";
	case HV_IC_GUID_NOTFOUND: return "GUID_NOTFOUND";
	case HV_IC_ERROR_ALREADY_EXISTS: return "ALREADY_EXISTS";
	case HV_IC_ERROR_DISK_FULL: return "DISK_FULL";
	default: return "unknown";
	}
}

/**
 * hv_ic_host_parse_versions() - parse "M.m,M.m,..." into a version list
 * @s:		the text (NUL-terminated)
 * @list:	where the versions go
 * @n:		how many were parsed
 *
 * Return: 0, or -1 for anything but 1 to HV_IC_HOST_MAX_VERSIONS versions
 * of decimal numbers up to 65535.
 */
static inline int hv_ic_host_parse_versions(const char *s, u32 *list, u32 *n)
{
	u32 major, minor, *cur;
	int digits;

	*n = 0;
	for (;;) {
		if (*n == HV_IC_HOST_MAX_VERSIONS)
			return -1;
		major = 0;
		minor = 0;
		cur = &major;
		for (digits = 0; ; s++) {
			if (*s >= '0' && *s <= '9') {
				*cur = *cur * 10 + (u32)(*s - '0');
				if (*cur > 0xffff)
					return -1;
				digits++;
			} else if (*s == '.' && cur == &major && digits) {
				cur = &minor;
				digits = 0;
			} else {
				break;
			}
		}
		if (cur != &minor || !digits)
			return -1;
		list[(*n)++] = HV_IC_VERSION(major, minor);
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -1;
	}
}

#endif /* _HV_IC_HOST_H */
