/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's side of KVP as pure logic on wire bytes: UTF-8 (what the
 * administrator types) to UTF-16LE (the wire) and back, with bounds; the
 * bodies of GET, SET, DELETE, ENUMERATE, GET_IP_INFO and SET_IP_INFO (the
 * string form of message versions up to 4.0); the check of the guest's
 * answers. The host simulator runs it; the unit tests and the fuzz
 * harness run the very same code in userspace.
 *
 * The guest is untrusted on the host side: an answer is checked whole, on
 * the host's private copy, before anything in it is believed: its length
 * is at least the request's (Linux answers with the request's buffer), the
 * operation and pool are the request's, and with S_OK every string the
 * host will read is NUL-terminated well-formed UTF-16LE within its field
 * and, where the answer states a size, exactly that size (even, the
 * terminator its last unit).
 */
#ifndef _HV_IC_HOST_KVP_H
#define _HV_IC_HOST_KVP_H

#include "hv/hv_ic_host.h"

/* Most UTF-16 units of a key and of a value, terminator excluded. */
#define HV_IC_KVP_KEY_UNITS	(HV_IC_KVP_MAX_KEY_SIZE / 2 - 1)
#define HV_IC_KVP_VALUE_UNITS	(HV_IC_KVP_MAX_VALUE_SIZE / 2 - 1)

/* Most UTF-8 bytes one UTF-16 unit becomes (a pair: 4 bytes for 2 units). */
#define HV_IC_UTF8_PER_UNIT	3

/* Room for any KVP request body the host builds (the IP message's). */
#define HV_IC_KVP_MAX_BODY	(sizeof(struct hv_ic_kvp_ip))

/**
 * hv_ic_utf8_to_utf16() - convert UTF-8 to NUL-terminated UTF-16LE
 * @s:		the UTF-8 text (need not be NUL-terminated)
 * @len:	its length in bytes
 * @out:	where the UTF-16LE goes, 2 * @max_units bytes
 * @max_units:	room in units, the terminator included
 *
 * Refused: malformed UTF-8 (bad continuation, overlong forms, surrogates,
 * beyond U+10FFFF), NUL inside the text, and text that does not fit.
 *
 * Return: the units written, terminator excluded, or -1.
 */
static inline int hv_ic_utf8_to_utf16(const char *s, u32 len, u8 *out, u32 max_units)
{
	const u8 *p = (const u8 *)s;
	u32 i = 0, n = 0, c, need, k, min;

	while (i < len) {
		c = p[i++];
		if (c < 0x80) {
			need = 0;
			min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			c &= 0x1f;
			need = 1;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			c &= 0x0f;
			need = 2;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			c &= 0x07;
			need = 3;
			min = 0x10000;
		} else {
			return -1;
		}
		if (len - i < need)
			return -1;
		for (k = 0; k < need; k++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (p[i++] & 0x3f);
		}
		if (c == 0 || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return -1;
		if (c >= 0x10000) {
			if (n + 2 >= max_units)
				return -1;
			c -= 0x10000;
			out[2 * n] = (u8)((0xd800 | (c >> 10)) & 0xff);
			out[2 * n + 1] = (u8)((0xd800 | (c >> 10)) >> 8);
			n++;
			c = 0xdc00 | (c & 0x3ff);
		} else if (n + 1 >= max_units) {
			return -1;
		}
		out[2 * n] = (u8)(c & 0xff);
		out[2 * n + 1] = (u8)(c >> 8);
		n++;
	}
	if (n >= max_units)
		return -1;
	out[2 * n] = 0;
	out[2 * n + 1] = 0;
	return (int)n;
}

/* No size stated: a string ends at its first NUL (hv_ic_utf16_check()). */
#define HV_IC_UTF16_UNSIZED	0xffffffffU

static inline u32 hv_ic_utf16_unit(const u8 *s, u32 i)
{
	return (u32)s[2 * i] | ((u32)s[2 * i + 1] << 8);
}

/**
 * hv_ic_utf16_check() - check NUL-terminated UTF-16LE within a field
 * @s:		the field
 * @field:	its size in bytes
 * @size:	the size the message states (terminator included), or
 *		HV_IC_UTF16_UNSIZED when it states none (the string ends at its
 *		first NUL)
 *
 * With @size: @size is even, at least 2, within @field, its last unit is
 * the only NUL. Without: a NUL unit lies within @field. Either way
 * surrogates come in well-formed pairs.
 *
 * Return: the units before the terminator, or -1.
 */
static inline int hv_ic_utf16_check(const u8 *s, u32 field, u32 size)
{
	u32 i, n, u, max = field / 2;
	int sized = size != HV_IC_UTF16_UNSIZED;

	if (sized) {
		if (size & 1 || size < 2 || size > field)
			return -1;
		max = size / 2;
	}
	for (n = 0; n < max && hv_ic_utf16_unit(s, n); n++)
		;
	if (n == max || (sized && n != max - 1))
		return -1;
	for (i = 0; i < n; i++) {
		u = hv_ic_utf16_unit(s, i);
		if (u >= 0xdc00 && u <= 0xdfff)
			return -1;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 1 >= n)
				return -1;
			u = hv_ic_utf16_unit(s, ++i);
			if (u < 0xdc00 || u > 0xdfff)
				return -1;
		}
	}
	return (int)n;
}

/**
 * hv_ic_utf16_to_utf8() - convert checked UTF-16LE to UTF-8
 * @s:		UTF-16LE that hv_ic_utf16_check() accepted
 * @units:	its units, terminator excluded
 * @out:	where the UTF-8 goes, NUL-terminated
 * @size:	room, at least HV_IC_UTF8_PER_UNIT * @units + 1
 *
 * Return: the bytes written, terminator excluded, or -1 (no room, or a
 * malformed pair).
 */
static inline int hv_ic_utf16_to_utf8(const u8 *s, u32 units, char *out, u32 size)
{
	u32 i, n = 0, c, lo;

	if (size < HV_IC_UTF8_PER_UNIT * units + 1)
		return -1;
	for (i = 0; i < units; i++) {
		c = hv_ic_utf16_unit(s, i);
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
			lo = hv_ic_utf16_unit(s, ++i);
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		} else if (c >= 0xd800 && c <= 0xdfff) {
			return -1;
		}
		if (c < 0x80) {
			out[n++] = (char)c;
		} else if (c < 0x800) {
			out[n++] = (char)(0xc0 | (c >> 6));
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[n++] = (char)(0xe0 | (c >> 12));
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | (c >> 18));
			out[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[n] = '\0';
	return (int)n;
}

/**
 * struct hv_ic_kvp_input - what the administrator asks, UTF-8
 * @op:		HV_IC_KVP_OP_*
 * @pool:	the pool (sent as given: pool 5 tests the guest's refusal)
 * @value_type:	SET: HV_IC_KVP_REG_SZ, _U32 or _U64
 * @index:	ENUMERATE: the record wanted
 * @family:	IP ops: HV_IC_KVP_ADDR_*
 * @dhcp:	SET_IP_INFO: DHCP on
 * @str:	the strings, each with its length: GET/DELETE key; SET key,
 *		value (for U32/U64 a decimal number); IP ops adapter id, then
 *		for SET_IP_INFO addresses, masks, gateways, DNS servers
 * @len:	their lengths in bytes
 * @n_str:	how many
 */
struct hv_ic_kvp_input {
	u8 op;
	u8 pool;
	u32 value_type;
	u32 index;
	u8 family;
	u8 dhcp;
	const char *str[5];
	u32 len[5];
	u32 n_str;
};

/* The strings of the IP message, in the order of hv_ic_kvp_input.str. */
static const struct {
	u16 off;
	u16 size;
} hv_ic_kvp_ip_fields[5] = {
	{ offsetof(struct hv_ic_kvp_ip, adapter_id), 2 * 128 },
	{ offsetof(struct hv_ic_kvp_ip, ip_addr), 2 * 1024 },
	{ offsetof(struct hv_ic_kvp_ip, sub_net), 2 * 1024 },
	{ offsetof(struct hv_ic_kvp_ip, gate_way), 2 * 512 },
	{ offsetof(struct hv_ic_kvp_ip, dns_addr), 2 * 1024 },
};

/* Parse a decimal number of @len bytes up to @max; 0 or -1. */
static inline int hv_ic_kvp_number(const char *s, u32 len, u64 max, u64 *v)
{
	u32 i;

	*v = 0;
	if (!len || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (*v > (max - (u64)(s[i] - '0')) / 10)
			return -1;
		*v = *v * 10 + (u64)(s[i] - '0');
	}
	return 0;
}

/* One string of @in into the UTF-16 field @f of @field bytes. */
static inline const char *hv_ic_kvp_put(const struct hv_ic_kvp_input *in, u32 i, u8 *f,
					u32 field, u32 *size)
{
	int n = hv_ic_utf8_to_utf16(in->str[i], in->len[i], f, field / 2);

	if (n < 0)
		return "a string that is no UTF-8 or does not fit its field";
	if (size)
		*size = 2 * ((u32)n + 1);
	return NULL;
}

/**
 * hv_ic_host_kvp_body() - build the body of a KVP request
 * @in:		what is asked
 * @body:	where, at least HV_IC_KVP_MAX_BODY bytes; zeroed first
 * @body_len:	the body's length
 *
 * Return: NULL, or why the request cannot be built (usage, not a guest
 * fault): a key over HV_IC_KVP_KEY_UNITS units, a value over
 * HV_IC_KVP_VALUE_UNITS, malformed UTF-8, a number out of range, a
 * missing string.
 */
static inline const char *hv_ic_host_kvp_body(const struct hv_ic_kvp_input *in, u8 *body,
					      u32 *body_len)
{
	struct hv_ic_kvp_hdr hdr = { .operation = in->op, .pool = in->pool };
	struct hv_ic_kvp_get_set *gs = (struct hv_ic_kvp_get_set *)body;
	struct hv_ic_kvp_delete *del = (struct hv_ic_kvp_delete *)body;
	struct hv_ic_kvp_enumerate *en = (struct hv_ic_kvp_enumerate *)body;
	struct hv_ic_kvp_ip *ip = (struct hv_ic_kvp_ip *)body;
	u32 size = 0, need = 0, i;
	const char *why;
	u64 v;

	memset(body, 0, HV_IC_KVP_MAX_BODY);
	switch (in->op) {
	case HV_IC_KVP_OP_GET:
	case HV_IC_KVP_OP_SET:
	case HV_IC_KVP_OP_DELETE:
		need = in->op == HV_IC_KVP_OP_SET ? 2 : 1;
		break;
	case HV_IC_KVP_OP_ENUMERATE:
		break;
	case HV_IC_KVP_OP_GET_IP_INFO:
		need = 1;
		break;
	case HV_IC_KVP_OP_SET_IP_INFO:
		need = 5;
		break;
	default:
		return "no KVP operation";
	}
	if (in->n_str != need)
		return "wrong number of strings for the operation";
	if (in->op <= HV_IC_KVP_OP_ENUMERATE)
		memcpy(body, &hdr, sizeof(hdr));
	switch (in->op) {
	case HV_IC_KVP_OP_DELETE:
		why = hv_ic_kvp_put(in, 0, del->key, sizeof(del->key), &size);
		if (why)
			return "key is no UTF-8 or longer than 255 UTF-16 units";
		del->key_size = size;
		*body_len = sizeof(*del);
		return NULL;
	case HV_IC_KVP_OP_ENUMERATE:
		en->index = in->index;
		*body_len = sizeof(*en);
		return NULL;
	case HV_IC_KVP_OP_GET_IP_INFO:
	case HV_IC_KVP_OP_SET_IP_INFO:
		ip->operation = in->op;
		ip->pool = in->pool;
		ip->addr_family = in->family;
		ip->dhcp_enabled = in->dhcp;
		for (i = 0; i < in->n_str; i++)
			if (hv_ic_kvp_put(in, i, body + hv_ic_kvp_ip_fields[i].off,
					  hv_ic_kvp_ip_fields[i].size, NULL))
				return i ? "an address list is no UTF-8 or longer than its field" :
					   "adapter id is no UTF-8 or longer than 127 UTF-16 units";
		*body_len = sizeof(*ip);
		return NULL;
	default:
		break;
	}
	/* GET and SET */
	if (hv_ic_kvp_put(in, 0, gs->data.key, sizeof(gs->data.key), &size))
		return "key is no UTF-8 or longer than 255 UTF-16 units";
	gs->data.key_size = size;
	gs->data.value_type = HV_IC_KVP_REG_SZ;
	*body_len = sizeof(*gs);
	if (in->op == HV_IC_KVP_OP_GET)
		return NULL;
	gs->data.value_type = in->value_type;
	switch (in->value_type) {
	case HV_IC_KVP_REG_SZ:
		if (hv_ic_kvp_put(in, 1, gs->data.value, sizeof(gs->data.value), &size))
			return "value is no UTF-8 or longer than 1023 UTF-16 units";
		gs->data.value_size = size;
		return NULL;
	case HV_IC_KVP_REG_U32:
	case HV_IC_KVP_REG_U64:
		if (hv_ic_kvp_number(in->str[1], in->len[1], in->value_type == HV_IC_KVP_REG_U32 ?
				     0xffffffffULL : ~0ULL, &v))
			return "value is no decimal number within its type";
		if (in->value_type == HV_IC_KVP_REG_U32) {
			u32 v32 = (u32)v;

			memcpy(gs->data.value, &v32, sizeof(v32));
			gs->data.value_size = sizeof(v32);
		} else {
			memcpy(gs->data.value, &v, sizeof(v));
			gs->data.value_size = sizeof(v);
		}
		return NULL;
	default:
		return "value type is none of sz, u32, u64";
	}
}

/**
 * hv_ic_host_check_kvp() - check a guest's answer to a KVP request
 * @buf:	the payload (private copy)
 * @len:	its length
 * @req_body:	the body the host sent
 * @req_len:	its length
 * @status:	the guest's status
 *
 * Return: NULL, or why the answer is refused (a status other than S_OK is
 * no refusal: it is reported, and nothing else of the body is read).
 */
static inline const char *hv_ic_host_check_kvp(const u8 *buf, u32 len, const u8 *req_body,
					       u32 req_len, u32 *status)
{
	const struct hv_ic_kvp_enumerate *en;
	const struct hv_ic_kvp_get_set *gs;
	const struct hv_ic_kvp_ip *ip;
	struct hv_ic_msg_hdr hdr;
	const u8 *body = buf + HV_IC_HDR_SIZE;
	const char *why;
	u8 op = req_body[0];
	u32 i;

	why = hv_ic_host_check_answer(buf, len, HV_IC_MSG_KVP, &hdr);
	if (why)
		return why;
	*status = hdr.status;
	if (len < HV_IC_HDR_SIZE + req_len || hdr.msgsize < req_len)
		return "shorter than the request's KVP body";
	if (op <= HV_IC_KVP_OP_ENUMERATE) {
		if (body[0] != op || body[1] != req_body[1])
			return "operation or pool differs from the request's";
	} else if (body[0] != op) {
		return "operation differs from the request's";
	}
	if (hdr.status != HV_IC_S_OK)
		return NULL;
	switch (op) {
	case HV_IC_KVP_OP_GET:
		gs = (const struct hv_ic_kvp_get_set *)body;
		if (gs->data.value_type != HV_IC_KVP_REG_SZ)
			return "value type of the answer is not REG_SZ";
		if (hv_ic_utf16_check(gs->data.value, sizeof(gs->data.value),
				      gs->data.value_size) < 0)
			return "value is no NUL-terminated UTF-16 of its stated size";
		return NULL;
	case HV_IC_KVP_OP_ENUMERATE:
		en = (const struct hv_ic_kvp_enumerate *)body;
		if (en->index != ((const struct hv_ic_kvp_enumerate *)req_body)->index)
			return "index differs from the request's";
		if (en->data.value_type != HV_IC_KVP_REG_SZ)
			return "value type of the answer is not REG_SZ";
		if (hv_ic_utf16_check(en->data.key, sizeof(en->data.key), en->data.key_size) < 0)
			return "key is no NUL-terminated UTF-16 of its stated size";
		if (hv_ic_utf16_check(en->data.value, sizeof(en->data.value),
				      en->data.value_size) < 0)
			return "value is no NUL-terminated UTF-16 of its stated size";
		return NULL;
	case HV_IC_KVP_OP_GET_IP_INFO:
		ip = (const struct hv_ic_kvp_ip *)body;
		if (ip->addr_family > 3 || ip->dhcp_enabled > 1)
			return "address family or DHCP flag out of range";
		for (i = 0; i < 5; i++)
			if (hv_ic_utf16_check(body + hv_ic_kvp_ip_fields[i].off,
					      hv_ic_kvp_ip_fields[i].size, HV_IC_UTF16_UNSIZED) < 0)
				return "an IP string is no NUL-terminated UTF-16 within its field";
		return NULL;
	default:
		return NULL;
	}
}

#endif /* _HV_IC_HOST_KVP_H */
