// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the host's KVP logic (include/hv/hv_ic_host_kvp.h): UTF-8 to
 * UTF-16LE and back with their bounds (255-unit keys, 1023-unit values,
 * surrogate pairs, malformed UTF-8 refused); each request body laid out at
 * the fact sheet's offsets (§2.4); an answer made the way Linux makes it
 * (the request rewritten in place) accepted, and every malformed one
 * refused with a reason, on GET, ENUMERATE and GET_IP_INFO.
 */
#include <string.h>

#include "hv/hv_ic_host_kvp.h"
#include "tap.h"

static u8 req[HV_IC_HOST_MAX_REQUEST], ans[HV_IC_HOST_MAX_REQUEST];
static u32 body_len;

static u32 get_u32(const u8 *b, u32 off)
{
	u32 v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static void put_u32(u8 *b, u32 off, u32 v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void put_utf16(u8 *b, u32 off, const char *ascii)
{
	u32 i;

	for (i = 0; ascii[i]; i++) {
		b[off + 2 * i] = (u8)ascii[i];
		b[off + 2 * i + 1] = 0;
	}
	b[off + 2 * i] = 0;
	b[off + 2 * i + 1] = 0;
}

/* Build a request; 0 if built. */
static const char *build(u8 op, u8 pool, u32 type, const char *s0, const char *s1)
{
	struct hv_ic_kvp_input in = { .op = op, .pool = pool, .value_type = type };
	const char *why;

	if (s0) {
		in.str[in.n_str] = s0;
		in.len[in.n_str++] = (u32)strlen(s0);
	}
	if (s1) {
		in.str[in.n_str] = s1;
		in.len[in.n_str++] = (u32)strlen(s1);
	}
	why = hv_ic_host_kvp_body(&in, req + HV_IC_HDR_SIZE, &body_len);
	if (!why)
		hv_ic_host_build_hdr(req, HV_IC_MSG_KVP, HV_IC_VERSION(3, 0), HV_IC_VERSION(4, 0),
				     body_len);
	return why;
}

/* Linux's answer: the request in place, flags RESPONSE, status. */
static u32 answer(u32 status)
{
	memcpy(ans, req, HV_IC_HDR_SIZE + body_len);
	ans[25] = HV_IC_FLAGS_RESPONSE;
	put_u32(ans, 20, status);
	return HV_IC_HDR_SIZE + body_len;
}

static const char *check(u32 len, u32 *status)
{
	return hv_ic_host_check_kvp(ans, len, req + HV_IC_HDR_SIZE, body_len, status);
}

int main(void)
{
	char text[4 * 1100], back[3 * 1100];
	u8 w[2 * 1100];
	u32 status, len;
	int n;

	/* UTF-8 -> UTF-16 */
	n = hv_ic_utf8_to_utf16("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10, w, 256);
	tap_ok(n == 5 && w[0] == 'a' && w[2] == 0xe9 && w[3] == 0 && w[4] == 0xac &&
	       w[5] == 0x20 && w[6] == 0x3d && w[7] == 0xd8 && w[8] == 0x00 && w[9] == 0xde &&
	       w[10] == 0 && w[11] == 0, "1-, 2-, 3-, 4-byte UTF-8 -> 5 UTF-16LE units (a pair)");
	n = hv_ic_utf16_to_utf8(w, 5, back, sizeof(back));
	tap_ok(n == 10 && !memcmp(back, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 11),
	       "and back to the same UTF-8");
	memset(text, 'k', 255);
	tap_ok(hv_ic_utf8_to_utf16(text, 255, w, 256) == 255, "255 units fit a 512-byte key");
	tap_ok(hv_ic_utf8_to_utf16(text, 256, w, 256) == -1, "256 units do not");
	tap_ok(hv_ic_utf8_to_utf16("ab\xf0\x9f\x98\x80", 6, w, 4) == -1,
	       "a pair that would cross the bound is refused");
	tap_ok(hv_ic_utf8_to_utf16("ab\xf0\x9f\x98\x80", 6, w, 5) == 4, "one that fits is not");
	{
		static const char * const bad[] = {
			"\x80", "\xc3", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
			"\xf8\x88\x80\x80\x80", "\xc3\x28", "\xe2\x82",
		};
		unsigned int i, refused = 0;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (hv_ic_utf8_to_utf16(bad[i], (u32)strlen(bad[i]), w, 256) == -1)
				refused++;
			else
				tap_diag("accepted: malformed string %u", i);
		}
		tap_ok(refused == i, "%u malformed UTF-8 strings refused", i);
		tap_ok(hv_ic_utf8_to_utf16("a\0b", 3, w, 256) == -1, "NUL inside refused");
	}

	/* UTF-16 checks */
	put_utf16(w, 0, "abc");
	tap_ok(hv_ic_utf16_check(w, 512, 8) == 3, "size 8: 3 units and the NUL");
	tap_ok(hv_ic_utf16_check(w, 512, 7) == -1, "odd size refused");
	tap_ok(hv_ic_utf16_check(w, 512, 6) == -1, "size without the NUL refused");
	tap_ok(hv_ic_utf16_check(w, 512, 10) == -1, "size past the NUL refused");
	tap_ok(hv_ic_utf16_check(w, 6, 8) == -1, "size beyond the field refused");
	tap_ok(hv_ic_utf16_check(w, 512, 0) == -1, "size 0 refused");
	tap_ok(hv_ic_utf16_check(w, 512, HV_IC_UTF16_UNSIZED) == 3, "no size: up to the first NUL");
	tap_ok(hv_ic_utf16_check(w, 6, HV_IC_UTF16_UNSIZED) == -1, "no NUL within the field refused");
	w[0] = 0x00;
	w[1] = 0xdc;
	tap_ok(hv_ic_utf16_check(w, 512, 8) == -1, "lone low surrogate refused");
	w[1] = 0xd8;
	tap_ok(hv_ic_utf16_check(w, 512, 8) == -1, "high surrogate without a low one refused");

	/* request bodies */
	tap_ok(!build(HV_IC_KVP_OP_SET, 1, HV_IC_KVP_REG_SZ, "key", "value") &&
	       body_len == 2576 && req[28] == 1 && req[29] == 1 &&
	       get_u32(req, 32) == HV_IC_KVP_REG_SZ && get_u32(req, 36) == 8 &&
	       get_u32(req, 40) == 12 && req[44] == 'k' && req[50] == 0 && req[556] == 'v' &&
	       req[564] == 'e' && req[566] == 0, "SET sz laid out at 28/29/32/36/40/44/556");
	tap_ok(get_u32(req, 8 + 0) != 0 && req[12] == HV_IC_MSG_KVP && req[25] == HV_IC_FLAGS_REQUEST &&
	       get_u32(req, 4) == 20 + 2576, "its headers: KVP, TRANSACTION|REQUEST, sizes");
	tap_ok(!build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_U32, "k", "42") &&
	       get_u32(req, 32) == HV_IC_KVP_REG_U32 && get_u32(req, 40) == 4 &&
	       get_u32(req, 556) == 42, "SET u32 42: 4 bytes, value_size 4");
	tap_ok(!build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_U64, "k", "18446744073709551615") &&
	       get_u32(req, 40) == 8 && get_u32(req, 556) == 0xffffffff &&
	       get_u32(req, 560) == 0xffffffff, "SET u64 2^64-1: 8 bytes");
	tap_ok(build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_U32, "k", "4294967296") != NULL &&
	       build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_U64, "k", "18446744073709551616") &&
	       build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_U32, "k", "-1") &&
	       build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_U32, "k", "") &&
	       build(HV_IC_KVP_OP_SET, 0, 7, "k", "v"), "out-of-range numbers and types refused");
	text[255] = '\0';
	tap_ok(!build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_SZ, text, "v") && get_u32(req, 36) == 512,
	       "a 255-unit key: key_size 512");
	text[255] = 'k';
	text[256] = '\0';
	tap_ok(build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_SZ, text, "v") != NULL,
	       "a 256-unit key refused");
	memset(text, 'v', 1023);
	text[1023] = '\0';
	tap_ok(!build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_SZ, "k", text) && get_u32(req, 40) == 2048,
	       "a 1023-unit value: value_size 2048");
	text[1023] = 'v';
	text[1024] = '\0';
	tap_ok(build(HV_IC_KVP_OP_SET, 0, HV_IC_KVP_REG_SZ, "k", text) != NULL,
	       "a 1024-unit value refused");
	tap_ok(!build(HV_IC_KVP_OP_DELETE, 3, 0, "key", NULL) && body_len == 520 &&
	       req[28] == 2 && req[29] == 3 && get_u32(req, 32) == 8 && req[36] == 'k',
	       "DELETE: 520 bytes, key_size at 32, key at 36");
	tap_ok(!build(HV_IC_KVP_OP_ENUMERATE, 2, 0, NULL, NULL) && body_len == 2580 &&
	       req[28] == 3 && req[29] == 2, "ENUMERATE: 2580 bytes");
	tap_ok(build(HV_IC_KVP_OP_GET, 0, 0, NULL, NULL) && build(HV_IC_KVP_OP_SET, 0, 1, "k", NULL) &&
	       build(9, 0, 0, NULL, NULL), "missing strings, unknown operations refused");
	{
		struct hv_ic_kvp_input in = {
			.op = HV_IC_KVP_OP_SET_IP_INFO, .family = 1, .dhcp = 0, .n_str = 5,
			.str = { "{guid}", "192.0.2.10", "255.255.255.0", "192.0.2.1", "192.0.2.53" },
			.len = { 6, 10, 13, 9, 10 },
		};

		tap_ok(!hv_ic_host_kvp_body(&in, req + HV_IC_HDR_SIZE, &body_len) &&
		       body_len == 7428 && req[28] == 5 && req[30] == '{' && req[286] == 1 &&
		       req[287] == 0 && req[288] == '1' && req[2336] == '2' && req[4384] == '1' &&
		       req[5408] == '1', "SET_IP_INFO: 7428 bytes, strings at 30/288/2336/4384/5408");
	}

	/* answers: GET */
	build(HV_IC_KVP_OP_GET, 0, 0, "key", NULL);
	len = answer(HV_IC_S_OK);
	put_u32(ans, 32, HV_IC_KVP_REG_SZ);
	put_u32(ans, 40, 10);
	put_utf16(ans, 556, "valu");
	tap_ok(!check(len, &status) && status == 0, "GET answer as Linux makes it accepted");
	put_u32(ans, 40, 12);
	tap_ok(check(len, &status) != NULL, "GET answer whose value_size passes the NUL refused");
	put_u32(ans, 40, 9);
	tap_ok(check(len, &status) != NULL, "odd value_size refused");
	put_u32(ans, 40, 4096);
	tap_ok(check(len, &status) != NULL, "value_size beyond the field refused");
	put_u32(ans, 40, 10);
	put_u32(ans, 32, HV_IC_KVP_REG_U32);
	tap_ok(check(len, &status) != NULL, "value type other than REG_SZ refused");
	put_u32(ans, 32, HV_IC_KVP_REG_SZ);
	tap_ok(check(len - 1, &status) != NULL, "an answer shorter than the request refused");
	ans[29] = 1;
	tap_ok(check(len, &status) != NULL, "another pool refused");
	ans[29] = 0;
	ans[28] = 1;
	tap_ok(check(len, &status) != NULL, "another operation refused");
	ans[28] = 0;
	ans[25] = HV_IC_FLAGS_REQUEST;
	tap_ok(check(len, &status) != NULL, "flags other than RESPONSE refused");
	len = answer(HV_IC_S_CONT);
	put_u32(ans, 40, 4096);
	tap_ok(!check(len, &status) && status == HV_IC_S_CONT,
	       "a failure status is reported, its body not read");

	/* ENUMERATE */
	build(HV_IC_KVP_OP_ENUMERATE, 1, 0, NULL, NULL);
	put_u32(req, 32, 7);
	len = answer(HV_IC_S_OK);
	put_u32(ans, 36, HV_IC_KVP_REG_SZ);
	put_u32(ans, 40, 4);
	put_utf16(ans, 48, "k");
	put_u32(ans, 44, 4);
	put_utf16(ans, 560, "v");
	tap_ok(!check(len, &status), "ENUMERATE answer accepted");
	put_u32(ans, 32, 8);
	tap_ok(check(len, &status) != NULL, "ENUMERATE answer of another index refused");
	put_u32(ans, 32, 7);
	put_u32(ans, 40, 0);
	tap_ok(check(len, &status) != NULL, "key_size 0 refused");
	put_u32(ans, 40, 4);
	ans[560] = 0;
	tap_ok(check(len, &status) != NULL, "a value with its NUL before value_size refused");

	/* GET_IP_INFO */
	{
		struct hv_ic_kvp_input in = {
			.op = HV_IC_KVP_OP_GET_IP_INFO, .n_str = 1, .str = { "AA:BB" }, .len = { 5 },
		};

		hv_ic_host_kvp_body(&in, req + HV_IC_HDR_SIZE, &body_len);
		hv_ic_host_build_hdr(req, HV_IC_MSG_KVP, HV_IC_VERSION(3, 0), HV_IC_VERSION(4, 0),
				     body_len);
	}
	len = answer(HV_IC_S_OK);
	put_utf16(ans, 288, "192.0.2.10");
	ans[286] = 1;
	tap_ok(!check(len, &status), "GET_IP_INFO answer accepted");
	memset(ans + 4384, 'x', 1024);
	tap_ok(check(len, &status) != NULL, "a gateway list without a NUL in its field refused");
	ans[4384] = 0;
	ans[287] = 2;
	tap_ok(check(len, &status) != NULL, "a DHCP flag of 2 refused");
	return tap_done();
}
