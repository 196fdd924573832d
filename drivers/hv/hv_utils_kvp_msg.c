// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: KVP messages - a host request (UTF-16LE, laid out as struct
 * hv_kvp_msg, or struct hv_kvp_ip_msg for the IP operations) into the
 * 7432-byte struct hv_kvp_msg the daemon reads (UTF-8), and the daemon's
 * reply back into the host's answer. Pure functions on buffers: the KUnit
 * suite drives them directly.
 *
 * Checked, unlike Linux 6.1 (docs/design/hv_utils.md, §2.4): the body must
 * hold the whole structure of its operation; pool < 5; key_size and
 * value_size even, within their field, and the string NUL-terminated within
 * them; UTF-16 valid and its UTF-8 form within the daemon's field; the
 * daemon's strings NUL-terminated within their fields. REG_U32 and REG_U64
 * (8, and 11 as Windows' REG_QWORD) become decimal strings; any other value
 * type but the strings (REG_SZ 1, REG_EXPAND_SZ 2) is HV_INVALIDARG.
 *
 * GET's value is read back from where the daemon writes it
 * (body.kvp_get.data.value; 6.1 reads it 4 bytes further on, from the
 * enumerate layout).
 */
#include <linux/hyperv.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "hv_utils.h"

#define HV_KVP_POOLS		5
#define HV_KVP_REG_EXPAND_SZ	2
#define HV_KVP_REG_QWORD	11

#define HV_KVP_HDR_LEN		sizeof(struct hv_kvp_hdr)
#define HV_KVP_VALUE_MSG_LEN	(HV_KVP_HDR_LEN + sizeof(struct hv_kvp_exchg_msg_value))
#define HV_KVP_DELETE_MSG_LEN	(HV_KVP_HDR_LEN + sizeof(struct hv_kvp_msg_delete))
#define HV_KVP_ENUM_MSG_LEN	(HV_KVP_HDR_LEN + sizeof(struct hv_kvp_msg_enumerate))
#define HV_KVP_IP_MSG_LEN	sizeof(struct hv_kvp_ip_msg)

/* Minimum body of each host operation; 0: unknown operation. */
static u32 hv_kvp_min_len(u8 op)
{
	switch (op) {
	case KVP_OP_GET:
	case KVP_OP_SET:
		return HV_KVP_VALUE_MSG_LEN;
	case KVP_OP_DELETE:
		return HV_KVP_DELETE_MSG_LEN;
	case KVP_OP_ENUMERATE:
		return HV_KVP_ENUM_MSG_LEN;
	case KVP_OP_GET_IP_INFO:
	case KVP_OP_SET_IP_INFO:
		return HV_KVP_IP_MSG_LEN;
	}
	return 0;
}

/*
 * A sized host string (key or REG_SZ value) into a daemon field of
 * @out_size bytes; *@out_len = the UTF-8 size with its NUL.
 */
static u32 hv_kvp_string_in(const u8 *in, u32 size, u32 field, char *out, u32 out_size,
			    u32 *out_len)
{
	int units, len;

	if (size % 2 || size > field)
		return HV_INVALIDARG;
	units = hv_utf16le_units(in, size / 2);
	if (units < 0)
		return HV_INVALIDARG;
	len = hv_utf16le_to_utf8(in, units, out, out_size);
	if (len < 0)
		return HV_INVALIDARG;
	*out_len = len + 1;
	return HV_S_OK;
}

/* An unsized host string (IP operations): NUL-terminated within its field. */
static u32 hv_kvp_field_in(const u16 *in, u32 units, u16 *out)
{
	int n = hv_utf16le_units((const u8 *)in, units);

	if (n < 0 || hv_utf16le_to_utf8((const u8 *)in, n, (char *)out, units * 2) < 0)
		return HV_INVALIDARG;
	return HV_S_OK;
}

static u32 hv_kvp_set_in(const struct hv_kvp_exchg_msg_value *in,
			 struct hv_kvp_exchg_msg_value *out)
{
	u32 status, len;

	if (!in->key_size)
		return HV_INVALIDARG;
	status = hv_kvp_string_in(in->key, in->key_size, HV_KVP_EXCHANGE_MAX_KEY_SIZE,
				  out->key, sizeof(out->key), &len);
	if (status)
		return status;
	out->key_size = len;
	out->value_type = REG_SZ;

	switch (in->value_type) {
	case REG_SZ:
	case HV_KVP_REG_EXPAND_SZ:
		if (!in->value_size) {
			out->value_size = 1;
			return HV_S_OK;
		}
		status = hv_kvp_string_in(in->value, in->value_size,
					  HV_KVP_EXCHANGE_MAX_VALUE_SIZE, out->value,
					  sizeof(out->value), &len);
		if (status)
			return status;
		out->value_size = len;
		return HV_S_OK;
	case REG_U32:
		if (in->value_size < sizeof(u32))
			return HV_INVALIDARG;
		out->value_size = scnprintf(out->value, sizeof(out->value), "%u",
					    in->value_u32) + 1;
		return HV_S_OK;
	case REG_U64:
	case HV_KVP_REG_QWORD:
		if (in->value_size < sizeof(u64))
			return HV_INVALIDARG;
		out->value_size = scnprintf(out->value, sizeof(out->value), "%llu",
					    (unsigned long long)in->value_u64) + 1;
		return HV_S_OK;
	}
	return HV_INVALIDARG;
}

static u32 hv_kvp_ip_in(const struct hv_kvp_ip_msg *in, struct hv_kvp_msg *out)
{
	const struct hv_kvp_ipaddr_value *ip = &in->kvp_ip_val;
	struct hv_kvp_ipaddr_value *dip = &out->body.kvp_ip_val;
	u32 status;

	status = hv_kvp_field_in(ip->adapter_id, MAX_ADAPTER_ID_SIZE, dip->adapter_id);
	if (status)
		return status;
	dip->addr_family = ip->addr_family;
	if (in->operation == KVP_OP_GET_IP_INFO)
		return HV_S_OK;
	dip->dhcp_enabled = ip->dhcp_enabled;
	status = hv_kvp_field_in(ip->ip_addr, MAX_IP_ADDR_SIZE, dip->ip_addr);
	if (!status)
		status = hv_kvp_field_in(ip->sub_net, MAX_IP_ADDR_SIZE, dip->sub_net);
	if (!status)
		status = hv_kvp_field_in(ip->gate_way, MAX_GATEWAY_SIZE, dip->gate_way);
	if (!status)
		status = hv_kvp_field_in(ip->dns_addr, MAX_IP_ADDR_SIZE, dip->dns_addr);
	return status;
}

/**
 * hv_kvp_to_daemon() - convert a host KVP request for the daemon
 * @body: the request's body (after the IC header)
 * @body_len: bytes of it the host sent
 * @out: the daemon's message, overwritten whole
 *
 * Return: HV_S_OK when @out is to be passed to the daemon; otherwise the
 * status to answer the host with at once: HV_E_FAIL for an unknown
 * operation, a pool out of range or a body too short for its operation,
 * HV_INVALIDARG for bad sizes, strings or value types.
 */
u32 hv_kvp_to_daemon(const u8 *body, u32 body_len, struct hv_kvp_msg *out)
{
	const struct hv_kvp_msg *in = (const struct hv_kvp_msg *)body;
	u32 need, status, len;

	memset(out, 0, sizeof(*out));
	if (body_len < HV_KVP_HDR_LEN)
		return HV_E_FAIL;
	need = hv_kvp_min_len(in->kvp_hdr.operation);
	if (!need || body_len < need || in->kvp_hdr.pool >= HV_KVP_POOLS)
		return HV_E_FAIL;
	out->kvp_hdr.operation = in->kvp_hdr.operation;
	out->kvp_hdr.pool = in->kvp_hdr.pool;

	switch (in->kvp_hdr.operation) {
	case KVP_OP_SET:
		return hv_kvp_set_in(&in->body.kvp_set.data, &out->body.kvp_set.data);
	case KVP_OP_GET:
		if (!in->body.kvp_get.data.key_size)
			return HV_INVALIDARG;
		status = hv_kvp_string_in(in->body.kvp_get.data.key,
					  in->body.kvp_get.data.key_size,
					  HV_KVP_EXCHANGE_MAX_KEY_SIZE,
					  out->body.kvp_get.data.key,
					  sizeof(out->body.kvp_get.data.key), &len);
		out->body.kvp_get.data.key_size = len;
		/*
		 * The room for the value: Linux's daemon copies exactly
		 * value_size bytes of the record's value into the reply.
		 */
		out->body.kvp_get.data.value_size = HV_KVP_EXCHANGE_MAX_VALUE_SIZE;
		return status;
	case KVP_OP_DELETE:
		if (!in->body.kvp_delete.key_size)
			return HV_INVALIDARG;
		status = hv_kvp_string_in(in->body.kvp_delete.key,
					  in->body.kvp_delete.key_size,
					  HV_KVP_EXCHANGE_MAX_KEY_SIZE,
					  out->body.kvp_delete.key,
					  sizeof(out->body.kvp_delete.key), &len);
		out->body.kvp_delete.key_size = len;
		return status;
	case KVP_OP_ENUMERATE:
		out->body.kvp_enum_data.index = in->body.kvp_enum_data.index;
		return HV_S_OK;
	default:
		return hv_kvp_ip_in((const struct hv_kvp_ip_msg *)body, out);
	}
}

/* A daemon string (NUL-terminated within @in_size) into a host field. */
static int hv_kvp_string_out(const void *in, u32 in_size, void *out, u32 out_units)
{
	return hv_utf8_to_utf16le(in, in_size, out, out_units);
}

static u32 hv_kvp_value_out(const struct hv_kvp_exchg_msg_value *in,
			    struct hv_kvp_exchg_msg_value *out, bool with_key)
{
	int n;

	if (with_key) {
		memset(out->key, 0, sizeof(out->key));
		n = hv_kvp_string_out(in->key, sizeof(in->key), out->key, sizeof(out->key) / 2);
		if (n < 0)
			return HV_E_FAIL;
		out->key_size = 2 * (n + 1);
	}
	memset(out->value, 0, sizeof(out->value));
	n = hv_kvp_string_out(in->value, sizeof(in->value), out->value, sizeof(out->value) / 2);
	if (n < 0)
		return HV_E_FAIL;
	out->value_size = 2 * (n + 1);
	out->value_type = REG_SZ;
	return HV_S_OK;
}

static u32 hv_kvp_ip_out(const struct hv_kvp_ipaddr_value *in, struct hv_kvp_ipaddr_value *out)
{
	static const struct {
		size_t off;
		u32 units;
	} fields[] = {
		{ offsetof(struct hv_kvp_ipaddr_value, adapter_id), MAX_ADAPTER_ID_SIZE },
		{ offsetof(struct hv_kvp_ipaddr_value, ip_addr), MAX_IP_ADDR_SIZE },
		{ offsetof(struct hv_kvp_ipaddr_value, sub_net), MAX_IP_ADDR_SIZE },
		{ offsetof(struct hv_kvp_ipaddr_value, gate_way), MAX_GATEWAY_SIZE },
		{ offsetof(struct hv_kvp_ipaddr_value, dns_addr), MAX_IP_ADDR_SIZE },
	};
	u8 *o = (u8 *)out;
	const u8 *i = (const u8 *)in;
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(fields); f++) {
		memset(o + fields[f].off, 0, 2 * fields[f].units);
		if (hv_kvp_string_out(i + fields[f].off, 2 * fields[f].units,
				      o + fields[f].off, fields[f].units) < 0)
			return HV_E_FAIL;
	}
	out->addr_family = in->addr_family;
	out->dhcp_enabled = in->dhcp_enabled;
	return HV_S_OK;
}

/**
 * hv_kvp_to_host() - write the daemon's reply into the host's answer
 * @reply: the daemon's message (a whole struct hv_kvp_msg)
 * @reg_op: how the daemon registered: KVP_OP_REGISTER1 (status in
 *	@reply->error) or the legacy KVP_OP_REGISTER (an empty key means
 *	failure)
 * @body: the held request's body, rewritten into the answer
 * @body_len: its length (checked by hv_kvp_to_daemon() when it was held)
 *
 * Return: the answer's status: the daemon's, or HV_E_FAIL when its strings
 * are not terminated within their fields, not UTF-8 or do not fit.
 */
u32 hv_kvp_to_host(const struct hv_kvp_msg *reply, int reg_op, u8 *body, u32 body_len)
{
	struct hv_kvp_msg *ans = (struct hv_kvp_msg *)body;
	u8 op;
	u32 status;

	if (body_len < HV_KVP_HDR_LEN)
		return HV_E_FAIL;
	op = ans->kvp_hdr.operation;
	if (!hv_kvp_min_len(op) || body_len < hv_kvp_min_len(op))
		return HV_E_FAIL;
	if (reg_op == KVP_OP_REGISTER1)
		status = (u32)reply->error;
	else
		status = reply->body.kvp_enum_data.data.key[0] ? HV_S_OK : HV_S_CONT;
	if (status != HV_S_OK)
		return status;

	switch (op) {
	case KVP_OP_GET:
		return hv_kvp_value_out(&reply->body.kvp_get.data, &ans->body.kvp_get.data, false);
	case KVP_OP_ENUMERATE:
		return hv_kvp_value_out(&reply->body.kvp_enum_data.data,
					&ans->body.kvp_enum_data.data, true);
	case KVP_OP_GET_IP_INFO:
		return hv_kvp_ip_out(&reply->body.kvp_ip_val,
				     &((struct hv_kvp_ip_msg *)body)->kvp_ip_val);
	default:
		return HV_S_OK;
	}
}
