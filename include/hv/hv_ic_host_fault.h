/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Malformed IC requests of the host, for testing the guest's checks: pure
 * logic that spoils a well-formed request built in a buffer (the host
 * simulator's "fault RELID ic-..." faults, tests/hostsim/hostsim_ic.c;
 * the unit tests run the very same code).
 *
 * Each fault names what it breaks; faults that take variants go through
 * them in turn (variant 0, 1, ... of successive requests). A fault that
 * does not apply to a request (a KVP string fault on an ENUMERATE) leaves
 * it alone and is not spent.
 */
#ifndef _HV_IC_HOST_FAULT_H
#define _HV_IC_HOST_FAULT_H

#include "hv/hv_ic_host.h"

enum hv_ic_fault {
	HV_IC_FAULT_NONE,
	HV_IC_FAULT_SHORT,		/* cut below the 28-byte headers */
	HV_IC_FAULT_SHORT_BODY,		/* cut to 1 body byte, sizes saying so */
	HV_IC_FAULT_SIZE_LIE,		/* icmsgsize 4096 beyond the packet */
	HV_IC_FAULT_BAD_TYPE,		/* icmsgtype 99 */
	HV_IC_FAULT_NEGO_COUNT,		/* a negotiation with counts the body lacks */
	HV_IC_FAULT_BAD_FLAGS,		/* icflags with RESPONSE */
	HV_IC_FAULT_KVP_BAD_STRING,	/* key_size odd, unterminated, too big */
	HV_IC_FAULT_KVP_BAD_POOL,	/* pool 5 */
	HV_IC_FAULT_KVP_BAD_OP,		/* operation 99 */
	HV_IC_FAULT_VSS_OVERSIZE,	/* the body padded to 12,500 bytes */
	HV_IC_FAULT_VSS_BAD_OP,		/* operation 99 */
	HV_IC_FAULT_FCOPY_BAD_SIZE,	/* WRITE: size 6145, offset + size wraps */
	HV_IC_FAULT_FCOPY_BAD_NAME,	/* START: the file name unterminated */
	HV_IC_FAULT_COUNT,
};

/* The unknown type and operation the faults send. */
#define HV_IC_FAULT_TYPE	99
#define HV_IC_FAULT_OP		99
#define HV_IC_FAULT_POOL	5
/* The body of vss-oversize: more than any VSS message but AUTO_RECOVER. */
#define HV_IC_FAULT_VSS_BODY	12500

/**
 * struct hv_ic_fault_info - one fault
 * @name:	its name in "fault RELID NAME [N]"
 * @msgtype:	the only message type it applies to, HV_IC_MSG_NEGOTIATE for any
 */
struct hv_ic_fault_info {
	const char *name;
	u16 msgtype;
};

static const struct hv_ic_fault_info hv_ic_faults[HV_IC_FAULT_COUNT] = {
	[HV_IC_FAULT_NONE] = { "none", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_SHORT] = { "ic-short", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_SHORT_BODY] = { "ic-short-body", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_SIZE_LIE] = { "ic-size-lie", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_BAD_TYPE] = { "ic-bad-type", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_NEGO_COUNT] = { "ic-nego-count", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_BAD_FLAGS] = { "ic-bad-flags", HV_IC_MSG_NEGOTIATE },
	[HV_IC_FAULT_KVP_BAD_STRING] = { "kvp-bad-string", HV_IC_MSG_KVP },
	[HV_IC_FAULT_KVP_BAD_POOL] = { "kvp-bad-pool", HV_IC_MSG_KVP },
	[HV_IC_FAULT_KVP_BAD_OP] = { "kvp-bad-op", HV_IC_MSG_KVP },
	[HV_IC_FAULT_VSS_OVERSIZE] = { "vss-oversize", HV_IC_MSG_VSS },
	[HV_IC_FAULT_VSS_BAD_OP] = { "vss-bad-op", HV_IC_MSG_VSS },
	[HV_IC_FAULT_FCOPY_BAD_SIZE] = { "fcopy-bad-size", HV_IC_MSG_FCOPY },
	[HV_IC_FAULT_FCOPY_BAD_NAME] = { "fcopy-bad-name", HV_IC_MSG_FCOPY },
};

/**
 * hv_ic_fault_by_name() - a fault by its name
 * @name:	e.g. "ic-short"
 *
 * Return: the fault, or HV_IC_FAULT_NONE for a name that is none.
 */
static inline enum hv_ic_fault hv_ic_fault_by_name(const char *name)
{
	unsigned int i;

	for (i = HV_IC_FAULT_NONE + 1; i < HV_IC_FAULT_COUNT; i++)
		if (!strcmp(name, hv_ic_faults[i].name))
			return (enum hv_ic_fault)i;
	return HV_IC_FAULT_NONE;
}

/* Set both size fields for a body of @body_len bytes. */
static inline void hv_ic_fault_sizes(u8 *buf, u32 body_len)
{
	struct hv_ic_pipe_hdr pipe;
	struct hv_ic_msg_hdr hdr;

	memcpy(&pipe, buf, sizeof(pipe));
	memcpy(&hdr, buf + sizeof(pipe), sizeof(hdr));
	pipe.msgsize = (u32)sizeof(hdr) + body_len;
	hdr.msgsize = (u16)body_len;
	memcpy(buf, &pipe, sizeof(pipe));
	memcpy(buf + sizeof(pipe), &hdr, sizeof(hdr));
}

/* A u32 at @off of the body, if the body holds it. */
static inline bool hv_ic_fault_put32(u8 *buf, u32 len, u32 off, u32 v)
{
	if (len < HV_IC_HDR_SIZE + off + 4)
		return false;
	memcpy(buf + HV_IC_HDR_SIZE + off, &v, 4);
	return true;
}

/* kvp-bad-string on a GET, SET or DELETE: false if it is none. */
static inline bool hv_ic_fault_kvp_string(u8 *buf, u32 len, u32 variant)
{
	u32 size_off, key_off, key_size, i;
	u8 op = buf[HV_IC_HDR_SIZE];

	if (op == HV_IC_KVP_OP_GET || op == HV_IC_KVP_OP_SET) {
		size_off = offsetof(struct hv_ic_kvp_get_set, data.key_size);
		key_off = offsetof(struct hv_ic_kvp_get_set, data.key);
	} else if (op == HV_IC_KVP_OP_DELETE) {
		size_off = offsetof(struct hv_ic_kvp_delete, key_size);
		key_off = offsetof(struct hv_ic_kvp_delete, key);
	} else {
		return false;
	}
	if (len < HV_IC_HDR_SIZE + key_off + HV_IC_KVP_MAX_KEY_SIZE)
		return false;
	memcpy(&key_size, buf + HV_IC_HDR_SIZE + size_off, 4);
	switch (variant % 3) {
	case 0:		/* odd: half a UTF-16 unit */
		key_size |= 1;
		break;
	case 1:		/* the whole field 'A', no NUL unit */
		for (i = 0; i < HV_IC_KVP_MAX_KEY_SIZE; i += 2) {
			buf[HV_IC_HDR_SIZE + key_off + i] = 'A';
			buf[HV_IC_HDR_SIZE + key_off + i + 1] = 0;
		}
		key_size = HV_IC_KVP_MAX_KEY_SIZE;
		break;
	default:	/* beyond the field */
		key_size = HV_IC_KVP_MAX_KEY_SIZE + 2;
		break;
	}
	memcpy(buf + HV_IC_HDR_SIZE + size_off, &key_size, 4);
	return true;
}

/* fcopy-bad-size on a WRITE: size 6145, or offset + size past 2^64. */
static inline bool hv_ic_fault_fcopy_size(u8 *buf, u32 len, u32 variant)
{
	u64 offset = ~0ULL - 10;
	u32 op;

	memcpy(&op, buf + HV_IC_HDR_SIZE, 4);
	if (op != HV_IC_FCOPY_WRITE || len < HV_IC_HDR_SIZE + sizeof(struct hv_ic_fcopy_write))
		return false;
	if (variant % 2 == 0)
		return hv_ic_fault_put32(buf, len, offsetof(struct hv_ic_fcopy_write, size),
					 HV_IC_FCOPY_DATA_FRAGMENT + 1);
	memcpy(buf + HV_IC_HDR_SIZE + offsetof(struct hv_ic_fcopy_write, offset), &offset, 8);
	return hv_ic_fault_put32(buf, len, offsetof(struct hv_ic_fcopy_write, size), 100);
}

/* fcopy-bad-name on a START: every unit of the file name 'A'. */
static inline bool hv_ic_fault_fcopy_name(u8 *buf, u32 len)
{
	u32 off = HV_IC_HDR_SIZE + offsetof(struct hv_ic_fcopy_start, file_name), op, i;

	memcpy(&op, buf + HV_IC_HDR_SIZE, 4);
	if (op != HV_IC_FCOPY_START || len < HV_IC_HDR_SIZE + sizeof(struct hv_ic_fcopy_start))
		return false;
	for (i = 0; i < 2 * HV_IC_FCOPY_MAX_PATH; i += 2) {
		buf[off + i] = 'A';
		buf[off + i + 1] = 0;
	}
	return true;
}

/**
 * hv_ic_host_fault() - spoil a request the host built
 * @buf:	the request's payload (pipe header, IC header, body); at least
 *		HV_IC_HDR_SIZE + 16 bytes
 * @len:	its length, at least HV_IC_HDR_SIZE
 * @f:		the fault
 * @variant:	which variant of @f (counts the requests it spoiled)
 * @zeros:	set to the zero bytes to send after the returned length
 *		(vss-oversize), else 0
 *
 * Return: the payload's new length (before @zeros), or 0 when @f does not
 * apply to this request (which is then left alone).
 */
static inline u32 hv_ic_host_fault(u8 *buf, u32 len, enum hv_ic_fault f, u32 variant,
				   u32 *zeros)
{
	struct hv_ic_msg_hdr hdr;
	struct hv_ic_negotiate neg;
	u32 body = len - HV_IC_HDR_SIZE;

	*zeros = 0;
	if (f <= HV_IC_FAULT_NONE || f >= HV_IC_FAULT_COUNT || len < HV_IC_HDR_SIZE)
		return 0;
	memcpy(&hdr, buf + sizeof(struct hv_ic_pipe_hdr), sizeof(hdr));
	if (hv_ic_faults[f].msgtype != HV_IC_MSG_NEGOTIATE &&
	    hv_ic_faults[f].msgtype != hdr.msgtype)
		return 0;
	switch (f) {
	case HV_IC_FAULT_SHORT:
		return HV_IC_HDR_SIZE - 8;
	case HV_IC_FAULT_SHORT_BODY:
		if (body < 2)
			return 0;
		hv_ic_fault_sizes(buf, 1);
		return HV_IC_HDR_SIZE + 1;
	case HV_IC_FAULT_SIZE_LIE:
		hdr.msgsize = (u16)(body + 4096);
		break;
	case HV_IC_FAULT_BAD_TYPE:
		hdr.msgtype = HV_IC_FAULT_TYPE;
		break;
	case HV_IC_FAULT_NEGO_COUNT:
		/* 255/255, or 3/3: both with room for 2 versions only */
		hdr.msgtype = HV_IC_MSG_NEGOTIATE;
		hdr.framework.major = 1;
		hdr.framework.minor = 0;
		hdr.msgver = hdr.framework;
		hdr.msgsize = sizeof(neg) + 8;
		memcpy(buf + sizeof(struct hv_ic_pipe_hdr), &hdr, sizeof(hdr));
		memset(&neg, 0, sizeof(neg));
		neg.framework_count = variant % 2 ? 3 : 255;
		neg.message_count = neg.framework_count;
		memcpy(buf + HV_IC_HDR_SIZE, &neg, sizeof(neg));
		memset(buf + HV_IC_HDR_SIZE + sizeof(neg), 0, 8);
		hv_ic_fault_sizes(buf, sizeof(neg) + 8);
		return HV_IC_HDR_SIZE + sizeof(neg) + 8;
	case HV_IC_FAULT_BAD_FLAGS:
		hdr.flags = variant % 2 ? HV_IC_FLAGS_REQUEST | HV_IC_FLAG_RESPONSE :
					  HV_IC_FLAGS_RESPONSE;
		break;
	case HV_IC_FAULT_KVP_BAD_STRING:
		return hv_ic_fault_kvp_string(buf, len, variant) ? len : 0;
	case HV_IC_FAULT_KVP_BAD_POOL:
		buf[HV_IC_HDR_SIZE + 1] = HV_IC_FAULT_POOL;
		return len;
	case HV_IC_FAULT_KVP_BAD_OP:
		buf[HV_IC_HDR_SIZE] = HV_IC_FAULT_OP;
		return len;
	case HV_IC_FAULT_VSS_OVERSIZE:
		if (body >= HV_IC_FAULT_VSS_BODY)
			return 0;
		hv_ic_fault_sizes(buf, HV_IC_FAULT_VSS_BODY);
		*zeros = HV_IC_FAULT_VSS_BODY - body;
		return len;
	case HV_IC_FAULT_VSS_BAD_OP:
		buf[HV_IC_HDR_SIZE] = HV_IC_FAULT_OP;
		return len;
	case HV_IC_FAULT_FCOPY_BAD_SIZE:
		return hv_ic_fault_fcopy_size(buf, len, variant) ? len : 0;
	case HV_IC_FAULT_FCOPY_BAD_NAME:
		return hv_ic_fault_fcopy_name(buf, len) ? len : 0;
	default:
		return 0;
	}
	memcpy(buf + sizeof(struct hv_ic_pipe_hdr), &hdr, sizeof(hdr));
	return len;
}

#endif /* _HV_IC_HOST_FAULT_H */
