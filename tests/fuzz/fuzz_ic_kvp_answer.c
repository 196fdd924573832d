// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the host simulator's checks of a guest's KVP
 * answers (include/hv/hv_ic_host_kvp.h): any bytes a guest may send back
 * to a GET, an ENUMERATE or a GET_IP_INFO must be refused with a reason or
 * accepted with every string the host will print well-formed UTF-16 within
 * its field, and converting those strings to UTF-8 must succeed within the
 * stated room; nothing is read out of bounds (an exact-size copy). The
 * first input byte picks the request the input answers.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/hv_ic_host_kvp.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

static u8 req[HV_IC_KVP_MAX_BODY];
static char utf8[HV_IC_UTF8_PER_UNIT * 1024 + 1];

static void print_check(const u8 *s, u32 field, u32 size)
{
	int n = hv_ic_utf16_check(s, field, size);

	if (n < 0 || hv_ic_utf16_to_utf8(s, (u32)n, utf8, sizeof(utf8)) < 0)
		abort();	/* accepted, so it must print */
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	static const char * const adapter = "00:15:5D:00:00:01";
	struct hv_ic_kvp_input in = { .pool = 0, .value_type = HV_IC_KVP_REG_SZ };
	const struct hv_ic_kvp_enumerate *en;
	const struct hv_ic_kvp_get_set *gs;
	u32 body_len, status = 0, i;
	const char *why;
	u8 *buf, op;

	if (len < 1 || len > 16384)
		return 0;
	op = data[0] % 3;
	in.op = op == 0 ? HV_IC_KVP_OP_GET : op == 1 ? HV_IC_KVP_OP_ENUMERATE :
		HV_IC_KVP_OP_GET_IP_INFO;
	if (in.op != HV_IC_KVP_OP_ENUMERATE) {
		in.str[0] = in.op == HV_IC_KVP_OP_GET ? "key" : adapter;
		in.len[0] = (u32)strlen(in.str[0]);
		in.n_str = 1;
	}
	if (hv_ic_host_kvp_body(&in, req, &body_len))
		abort();
	len--;
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	why = hv_ic_host_check_kvp(buf, (u32)len, req, body_len, &status);
	if (!why && status == HV_IC_S_OK) {
		if (len < HV_IC_HDR_SIZE + body_len)
			abort();
		gs = (const struct hv_ic_kvp_get_set *)(buf + HV_IC_HDR_SIZE);
		en = (const struct hv_ic_kvp_enumerate *)(buf + HV_IC_HDR_SIZE);
		if (in.op == HV_IC_KVP_OP_GET) {
			print_check(gs->data.value, HV_IC_KVP_MAX_VALUE_SIZE, gs->data.value_size);
		} else if (in.op == HV_IC_KVP_OP_ENUMERATE) {
			print_check(en->data.key, HV_IC_KVP_MAX_KEY_SIZE, en->data.key_size);
			print_check(en->data.value, HV_IC_KVP_MAX_VALUE_SIZE, en->data.value_size);
		} else {
			for (i = 0; i < 5; i++)
				print_check(buf + HV_IC_HDR_SIZE + hv_ic_kvp_ip_fields[i].off,
					    hv_ic_kvp_ip_fields[i].size, HV_IC_UTF16_UNSIZED);
		}
	}
	/* every UTF-16 the guest may send converts without overrunning */
	if (len >= 2) {
		int n = hv_ic_utf16_check(buf, (u32)(len & ~1UL) > 2048 ? 2048 : (u32)(len & ~1UL),
					  HV_IC_UTF16_UNSIZED);

		if (n >= 0 && hv_ic_utf16_to_utf8(buf, (u32)n, utf8, sizeof(utf8)) < 0)
			abort();
	}
	free(buf);
	return 0;
}
