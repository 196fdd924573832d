// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for hv_utils' daemon-backed services: the UTF-16LE/UTF-8
 * conversion (hv_utils_utf.c), KVP's host <-> daemon messages
 * (hv_utils_kvp_msg.c), VSS's and fcopy's request checks
 * (hv_utils_vss_msg.c, hv_utils_fcopy_msg.c) and the held-request state
 * machine with its timeout (hv_utils_req.c) - the driver's own files,
 * compiled into this module. Host bodies are allocated at exactly their
 * length, so KASAN reports any access past what the host sent.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../drivers/hv/hv_utils_utf.c"
#include "../../drivers/hv/hv_utils_kvp_msg.c"
#include "../../drivers/hv/hv_utils_vss_msg.c"
#include "../../drivers/hv/hv_utils_fcopy_msg.c"
#include "../../drivers/hv/hv_utils_req.c"

/* Write @s (ASCII, or \u escapes done by the caller) as UTF-16LE units. */
static void put_utf16(u8 *out, const char *s)
{
	u32 i;

	for (i = 0; s[i]; i++) {
		out[2 * i] = s[i];
		out[2 * i + 1] = 0;
	}
	out[2 * i] = 0;
	out[2 * i + 1] = 0;
}

static u8 *body_of(struct kunit *test, u32 len)
{
	u8 *b = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	return b;
}

/* ---- UTF-16LE <-> UTF-8 ---------------------------------------------- */

static void utf_round_trip(struct kunit *test)
{
	/* "aä€😀": 1, 2, 3 and 4 UTF-8 bytes; the last a surrogate pair */
	static const u8 in[] = { 'a', 0, 0xe4, 0, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde, 0, 0 };
	char out[16];
	u8 back[16];

	KUNIT_EXPECT_EQ(test, hv_utf16le_units(in, 6), 5);
	KUNIT_ASSERT_EQ(test, hv_utf16le_to_utf8(in, 5, out, sizeof(out)), 10);
	KUNIT_EXPECT_STREQ(test, out, "a\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80");
	KUNIT_ASSERT_EQ(test, hv_utf8_to_utf16le(out, sizeof(out), back, 8), 5);
	KUNIT_EXPECT_EQ(test, memcmp(back, in, sizeof(in)), 0);
}

static void utf_bounds_and_errors(struct kunit *test)
{
	static const u8 lone_high[] = { 0x3d, 0xd8, 'x', 0, 0, 0 };
	static const u8 lone_low[] = { 0x00, 0xde, 0, 0 };
	static const u8 abc[] = { 'a', 0, 'b', 0, 'c', 0 };
	char out[8];
	u8 w[8];

	KUNIT_EXPECT_EQ(test, hv_utf16le_units(abc, 3), -EINVAL);	/* no NUL */
	KUNIT_EXPECT_EQ(test, hv_utf16le_to_utf8(lone_high, 2, out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_utf16le_to_utf8(lone_low, 1, out, sizeof(out)), -EINVAL);
	/* "abc" needs 4 bytes with its NUL */
	KUNIT_EXPECT_EQ(test, hv_utf16le_to_utf8(abc, 3, out, 3), -E2BIG);
	KUNIT_EXPECT_EQ(test, hv_utf16le_to_utf8(abc, 3, out, 4), 3);
	/* UTF-8 side: not terminated within the field, overlong, surrogate, too big */
	KUNIT_EXPECT_EQ(test, hv_utf8_to_utf16le("abc", 3, w, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_utf8_to_utf16le("\xc0\xaf", 3, w, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_utf8_to_utf16le("\xed\xa0\x80", 4, w, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_utf8_to_utf16le("\xe2\x82", 3, w, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_utf8_to_utf16le("abcd", 5, w, 4), -E2BIG);
	KUNIT_EXPECT_EQ(test, hv_utf8_to_utf16le("abc", 4, w, 4), 3);
}

/* ---- KVP: host -> daemon --------------------------------------------- */

#define SET_LEN (HV_KVP_VALUE_MSG_LEN)

static struct hv_kvp_msg *kvp_set(struct kunit *test, u8 pool, const char *key, u32 type)
{
	struct hv_kvp_msg *m = (struct hv_kvp_msg *)body_of(test, SET_LEN);

	m->kvp_hdr.operation = KVP_OP_SET;
	m->kvp_hdr.pool = pool;
	put_utf16(m->body.kvp_set.data.key, key);
	m->body.kvp_set.data.key_size = 2 * (strlen(key) + 1);
	m->body.kvp_set.data.value_type = type;
	return m;
}

static void kvp_set_string(struct kunit *test)
{
	struct hv_kvp_msg *m = kvp_set(test, 1, "Key1", REG_SZ);
	struct hv_kvp_msg *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	/* "Vä" */
	static const u8 val[] = { 'V', 0, 0xe4, 0, 0, 0 };

	memcpy(m->body.kvp_set.data.value, val, sizeof(val));
	m->body.kvp_set.data.value_size = sizeof(val);
	KUNIT_ASSERT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, out->kvp_hdr.operation, KVP_OP_SET);
	KUNIT_EXPECT_EQ(test, out->kvp_hdr.pool, 1);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_set.data.key, "Key1");
	KUNIT_EXPECT_EQ(test, out->body.kvp_set.data.key_size, 5u);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_set.data.value, "V\xc3\xa4");
	KUNIT_EXPECT_EQ(test, out->body.kvp_set.data.value_size, 4u);
}

static void kvp_set_numbers(struct kunit *test)
{
	struct hv_kvp_msg *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	struct hv_kvp_msg *m;

	m = kvp_set(test, 0, "n", REG_U32);
	m->body.kvp_set.data.value_u32 = 42;
	m->body.kvp_set.data.value_size = 4;
	KUNIT_ASSERT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_set.data.value, "42");
	KUNIT_EXPECT_EQ(test, out->body.kvp_set.data.value_size, 3u);

	m = kvp_set(test, 0, "n", REG_U64);
	m->body.kvp_set.data.value_u64 = 18446744073709551615ull;
	m->body.kvp_set.data.value_size = 8;
	KUNIT_ASSERT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_set.data.value, "18446744073709551615");

	m->body.kvp_set.data.value_type = 11;	/* Windows' REG_QWORD */
	m->body.kvp_set.data.value_u64 = 7;
	KUNIT_ASSERT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_set.data.value, "7");

	m->body.kvp_set.data.value_size = 4;	/* a u64 in 4 bytes */
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
	m->body.kvp_set.data.value_type = 3;	/* REG_BINARY: not ours */
	m->body.kvp_set.data.value_size = 8;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
}

/* GET: the key in UTF-8 and room for the whole value (upstream's daemon copies value_size bytes) */
static void kvp_get_request(struct kunit *test)
{
	struct hv_kvp_msg *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	struct hv_kvp_msg *m = kvp_set(test, 3, "Key", REG_SZ);

	m->kvp_hdr.operation = KVP_OP_GET;
	KUNIT_ASSERT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, out->kvp_hdr.operation, KVP_OP_GET);
	KUNIT_EXPECT_EQ(test, out->kvp_hdr.pool, 3);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_get.data.key, "Key");
	KUNIT_EXPECT_EQ(test, out->body.kvp_get.data.key_size, 4u);
	KUNIT_EXPECT_EQ(test, out->body.kvp_get.data.value_size,
			(u32)HV_KVP_EXCHANGE_MAX_VALUE_SIZE);
}

static void kvp_key_checks(struct kunit *test)
{
	struct hv_kvp_msg *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	struct hv_kvp_msg *m = kvp_set(test, 0, "k", REG_SZ);
	struct hv_kvp_exchg_msg_value *d = &m->body.kvp_set.data;
	u32 i;

	d->key_size = 3;		/* odd */
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
	d->key_size = 0;		/* empty */
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
	d->key_size = 514;		/* past the field */
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
	/* 255 units and the NUL fill the 512-byte field: accepted */
	for (i = 0; i < 255; i++) {
		d->key[2 * i] = 'x';
		d->key[2 * i + 1] = 0;
	}
	d->key[510] = 0;
	d->key[511] = 0;
	d->key_size = 512;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, out->body.kvp_set.data.key_size, 256u);
	/* no NUL within key_size */
	d->key_size = 510;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
	/* a value without its NUL within value_size */
	d->key_size = 512;
	put_utf16(d->value, "ab");
	d->value_size = 4;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_INVALIDARG);
	d->value_size = 6;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
}

static void kvp_op_pool_length(struct kunit *test)
{
	struct hv_kvp_msg *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	struct hv_kvp_msg *m = kvp_set(test, 0, "k", REG_SZ);
	u8 *b;

	m->kvp_hdr.pool = 5;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_E_FAIL);
	m->kvp_hdr.pool = 4;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_S_OK);
	/* one byte short of the SET structure */
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN - 1, out), (u32)HV_E_FAIL);
	m->kvp_hdr.operation = 9;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, SET_LEN, out), (u32)HV_E_FAIL);
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, 3, out), (u32)HV_E_FAIL);

	/* DELETE needs 520 bytes, ENUMERATE 2580, the IP operations 7428 */
	b = body_of(test, HV_KVP_DELETE_MSG_LEN);
	b[0] = KVP_OP_DELETE;
	put_utf16(b + 8, "gone");
	*(u32 *)(b + 4) = 10;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon(b, HV_KVP_DELETE_MSG_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_delete.key, "gone");
	KUNIT_EXPECT_EQ(test, out->body.kvp_delete.key_size, 5u);

	b = body_of(test, HV_KVP_ENUM_MSG_LEN);
	b[0] = KVP_OP_ENUMERATE;
	b[1] = 2;
	*(u32 *)(b + 4) = 7;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon(b, HV_KVP_ENUM_MSG_LEN - 1, out), (u32)HV_E_FAIL);
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon(b, HV_KVP_ENUM_MSG_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, out->body.kvp_enum_data.index, 7u);
	KUNIT_EXPECT_EQ(test, out->kvp_hdr.pool, 2);
}

static void kvp_ip_info(struct kunit *test)
{
	struct hv_kvp_msg *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	struct hv_kvp_ip_msg *m = (struct hv_kvp_ip_msg *)body_of(test, HV_KVP_IP_MSG_LEN);

	m->operation = KVP_OP_SET_IP_INFO;
	put_utf16((u8 *)m->kvp_ip_val.adapter_id, "{abc}");
	put_utf16((u8 *)m->kvp_ip_val.ip_addr, "192.0.2.10");
	put_utf16((u8 *)m->kvp_ip_val.sub_net, "255.255.255.0");
	put_utf16((u8 *)m->kvp_ip_val.gate_way, "192.0.2.1");
	put_utf16((u8 *)m->kvp_ip_val.dns_addr, "192.0.2.53");
	m->kvp_ip_val.addr_family = ADDR_FAMILY_IPV4;
	m->kvp_ip_val.dhcp_enabled = 0;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, HV_KVP_IP_MSG_LEN - 1, out),
			(u32)HV_E_FAIL);
	KUNIT_ASSERT_EQ(test, hv_kvp_to_daemon((u8 *)m, HV_KVP_IP_MSG_LEN, out), (u32)HV_S_OK);
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_ip_val.adapter_id, "{abc}");
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_ip_val.ip_addr, "192.0.2.10");
	KUNIT_EXPECT_STREQ(test, (char *)out->body.kvp_ip_val.dns_addr, "192.0.2.53");
	KUNIT_EXPECT_EQ(test, out->body.kvp_ip_val.addr_family, ADDR_FAMILY_IPV4);
	/* an adapter id that fills its field without a NUL */
	memset(m->kvp_ip_val.adapter_id, 'a', sizeof(m->kvp_ip_val.adapter_id));
	KUNIT_EXPECT_EQ(test, hv_kvp_to_daemon((u8 *)m, HV_KVP_IP_MSG_LEN, out),
			(u32)HV_INVALIDARG);
}

/* ---- KVP: daemon -> host --------------------------------------------- */

static void kvp_answers(struct kunit *test)
{
	struct hv_kvp_msg *reply = kunit_kzalloc(test, sizeof(*reply), GFP_KERNEL);
	struct hv_kvp_msg *ans = (struct hv_kvp_msg *)body_of(test, HV_KVP_ENUM_MSG_LEN);
	struct hv_kvp_exchg_msg_value *d = &ans->body.kvp_enum_data.data;

	ans->kvp_hdr.operation = KVP_OP_ENUMERATE;
	strscpy(reply->body.kvp_enum_data.data.key, "OSName", HV_KVP_EXCHANGE_MAX_KEY_SIZE);
	strscpy(reply->body.kvp_enum_data.data.value, "Debian \xc3\xa4",
		HV_KVP_EXCHANGE_MAX_VALUE_SIZE);
	KUNIT_ASSERT_EQ(test, hv_kvp_to_host(reply, KVP_OP_REGISTER1, (u8 *)ans,
					     HV_KVP_ENUM_MSG_LEN), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, d->key_size, 14u);
	KUNIT_EXPECT_EQ(test, d->value_size, 18u);
	KUNIT_EXPECT_EQ(test, d->value_type, (u32)REG_SZ);
	KUNIT_EXPECT_EQ(test, d->key[0], 'O');
	KUNIT_EXPECT_EQ(test, d->value[14], 0xe4);

	/* the daemon's status, as REGISTER1 daemons send it */
	reply->error = HV_S_CONT;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_host(reply, KVP_OP_REGISTER1, (u8 *)ans,
					     HV_KVP_ENUM_MSG_LEN), (u32)HV_S_CONT);
	/* legacy daemons: an empty key is the failure */
	reply->error = 0;
	reply->body.kvp_enum_data.data.key[0] = 0;
	KUNIT_EXPECT_EQ(test, hv_kvp_to_host(reply, KVP_OP_REGISTER, (u8 *)ans,
					     HV_KVP_ENUM_MSG_LEN), (u32)HV_S_CONT);
	/* a value not terminated within its field */
	reply->body.kvp_enum_data.data.key[0] = 'K';
	memset(reply->body.kvp_enum_data.data.value, 'v', HV_KVP_EXCHANGE_MAX_VALUE_SIZE);
	KUNIT_EXPECT_EQ(test, hv_kvp_to_host(reply, KVP_OP_REGISTER1, (u8 *)ans,
					     HV_KVP_ENUM_MSG_LEN), (u32)HV_E_FAIL);
}

static void kvp_get_answer(struct kunit *test)
{
	struct hv_kvp_msg *reply = kunit_kzalloc(test, sizeof(*reply), GFP_KERNEL);
	struct hv_kvp_msg *ans = (struct hv_kvp_msg *)body_of(test, SET_LEN);

	ans->kvp_hdr.operation = KVP_OP_GET;
	put_utf16(ans->body.kvp_get.data.key, "k");
	/* where the daemon writes a GET's value */
	strscpy(reply->body.kvp_get.data.value, "value", HV_KVP_EXCHANGE_MAX_VALUE_SIZE);
	KUNIT_ASSERT_EQ(test, hv_kvp_to_host(reply, KVP_OP_REGISTER1, (u8 *)ans, SET_LEN),
			(u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, ans->body.kvp_get.data.value_size, 12u);
	KUNIT_EXPECT_EQ(test, ans->body.kvp_get.data.value[0], 'v');
	KUNIT_EXPECT_EQ(test, ans->body.kvp_get.data.value[8], 'e');
	KUNIT_EXPECT_EQ(test, ans->body.kvp_get.data.key[0], 'k');	/* the host's key stays */
}

/* ---- VSS and fcopy ----------------------------------------------------- */

static void vss_requests(struct kunit *test)
{
	u8 *b = body_of(test, sizeof(struct hv_vss_msg));
	u8 *hdr_only = body_of(test, sizeof(struct hv_vss_hdr));
	struct hv_vss_msg *m = (struct hv_vss_msg *)b;
	u8 *big;

	b[0] = VSS_OP_FREEZE;
	KUNIT_EXPECT_EQ(test, hv_vss_check(b, 12), HV_IC_ANSWER_LATER);
	b[0] = VSS_OP_THAW;
	KUNIT_EXPECT_EQ(test, hv_vss_check(b, 12), HV_IC_ANSWER_LATER);
	b[0] = VSS_OP_HOT_BACKUP;
	KUNIT_EXPECT_EQ(test, hv_vss_check(b, 12), HV_IC_ANSWER_LATER);
	hdr_only[0] = VSS_OP_HOT_BACKUP;
	KUNIT_EXPECT_EQ(test, hv_vss_check(hdr_only, 8), (u32)HV_E_FAIL);
	b[0] = VSS_OP_GET_DM_INFO;
	m->dm_info.flags = 0xffffffff;
	KUNIT_EXPECT_EQ(test, hv_vss_check(b, 12), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, m->dm_info.flags, 0u);
	b[0] = VSS_OP_BU_COMPLETE;
	KUNIT_EXPECT_EQ(test, hv_vss_check(b, 12), (u32)HV_S_OK);
	/* a 12,500-byte AUTO_RECOVER and an unknown operation: refused */
	big = body_of(test, 12500 - HV_IC_HDR_LEN);
	big[0] = VSS_OP_AUTO_RECOVER;
	KUNIT_EXPECT_EQ(test, hv_vss_check(big, 12500 - HV_IC_HDR_LEN), (u32)HV_E_FAIL);
	b[0] = 200;
	KUNIT_EXPECT_EQ(test, hv_vss_check(b, 12), (u32)HV_E_FAIL);
}

static void fcopy_requests(struct kunit *test)
{
	u8 *out = kunit_kzalloc(test, HV_FCOPY_MAX_MSG, GFP_KERNEL);
	struct hv_start_fcopy *st = (struct hv_start_fcopy *)body_of(test, sizeof(*st));
	struct hv_do_fcopy *wr = (struct hv_do_fcopy *)body_of(test, sizeof(*wr));
	struct hv_start_fcopy *ds = (struct hv_start_fcopy *)out;
	u32 len;

	st->hdr.operation = START_FILE_COPY;
	put_utf16((u8 *)st->file_name, "f.txt");
	put_utf16((u8 *)st->path_name, "/tmp");
	st->copy_flags = OVER_WRITE;
	st->file_size = 1234;
	KUNIT_ASSERT_EQ(test, hv_fcopy_to_daemon((u8 *)st, sizeof(*st), out, &len), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, len, 1088u);
	KUNIT_EXPECT_STREQ(test, (char *)ds->file_name, "f.txt");
	KUNIT_EXPECT_STREQ(test, (char *)ds->path_name, "/tmp");
	KUNIT_EXPECT_EQ(test, ds->copy_flags, (u32)OVER_WRITE);
	KUNIT_EXPECT_EQ(test, ds->file_size, 1234ull);
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)st, sizeof(*st) - 1, out, &len),
			(u32)HV_E_FAIL);
	memset(st->file_name, 'a', sizeof(st->file_name));	/* no NUL */
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)st, sizeof(*st), out, &len),
			(u32)HV_INVALIDARG);

	wr->hdr.operation = WRITE_TO_FILE;
	wr->offset = 6144;
	wr->size = 6144;
	wr->data[6143] = 0x5a;
	KUNIT_ASSERT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, sizeof(*wr), out, &len), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, len, 6196u);
	KUNIT_EXPECT_EQ(test, memcmp(out, wr, sizeof(*wr)), 0);
	wr->size = 6145;
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, sizeof(*wr), out, &len),
			(u32)HV_INVALIDARG);
	wr->size = 2;
	wr->offset = U64_MAX;
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, sizeof(*wr), out, &len),
			(u32)HV_INVALIDARG);
	wr->offset = 0;
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, sizeof(*wr) - 1, out, &len),
			(u32)HV_E_FAIL);

	wr->hdr.operation = COMPLETE_FCOPY;
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, 36, out, &len), (u32)HV_S_OK);
	KUNIT_EXPECT_EQ(test, len, 36u);
	wr->hdr.operation = CANCEL_FCOPY;
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, 36, out, &len), (u32)HV_S_OK);
	wr->hdr.operation = 4;
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, 36, out, &len), (u32)HV_E_FAIL);
	KUNIT_EXPECT_EQ(test, hv_fcopy_to_daemon((u8 *)wr, 35, out, &len), (u32)HV_E_FAIL);
}

/* ---- the held request -------------------------------------------------- */

struct fake_chan {
	unsigned int sent;
	u32 status;
	u8 flags;
	u64 requestid;
	u32 len;
	unsigned int timeouts;
	enum hv_ic_held_kind timeout_kind;
};

static int fake_send(void *ctx, void *buf, u32 len, u64 requestid)
{
	struct fake_chan *c = ctx;
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)((u8 *)buf + sizeof(struct vmbuspipe_hdr));

	c->sent++;
	c->status = hdr->status;
	c->flags = hdr->icflags;
	c->requestid = requestid;
	c->len = len;
	return 0;
}

static void fake_timed_out(void *ctx, enum hv_ic_held_kind kind)
{
	struct fake_chan *c = ctx;

	c->timeouts++;
	c->timeout_kind = kind;
}

static u32 fill_7(void *ctx, u8 *body, u32 body_len)
{
	body[0] = 0x77;
	return 7;
}

static struct hv_ic_req *make_req(struct kunit *test, struct fake_chan *c)
{
	struct hv_ic_req *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req);
	KUNIT_ASSERT_EQ(test, hv_ic_req_init(req, 256, fake_send, c, fake_timed_out, c), 0);
	return req;
}

static void done_req(struct hv_ic_req *req)
{
	hv_ic_req_close(req);
	hv_ic_req_destroy(req);
}

static void req_answer_once(struct kunit *test)
{
	struct fake_chan c = { };
	struct hv_ic_req *req = make_req(test, &c);
	u8 pkt[64] = { };

	KUNIT_ASSERT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 42, HV_IC_HELD_REQUEST,
					     10000), 0);
	KUNIT_EXPECT_EQ(test, hv_ic_req_held(req), HV_IC_HELD_REQUEST);
	/* one at a time */
	KUNIT_EXPECT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 43, HV_IC_HELD_REQUEST,
					     10000), -EBUSY);
	/* a negotiation answer is not a request's */
	KUNIT_EXPECT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_NEGO, 0, NULL, NULL), -ENOENT);
	KUNIT_ASSERT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_REQUEST, HV_S_OK, fill_7, NULL),
			0);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	KUNIT_EXPECT_EQ(test, c.status, 7u);
	KUNIT_EXPECT_EQ(test, c.flags, HV_IC_ANSWER_FLAGS);
	KUNIT_EXPECT_EQ(test, c.requestid, 42ull);
	KUNIT_EXPECT_EQ(test, c.len, 64u);
	/* a second reply finds nothing */
	KUNIT_EXPECT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_REQUEST, HV_S_OK, NULL, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	/* a failure status skips the fill */
	KUNIT_ASSERT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 44, HV_IC_HELD_REQUEST,
					     10000), 0);
	KUNIT_ASSERT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_REQUEST, HV_E_FAIL, fill_7, NULL),
			0);
	KUNIT_EXPECT_EQ(test, c.status, (u32)HV_E_FAIL);
	/* too short or too long to hold */
	KUNIT_EXPECT_EQ(test, hv_ic_req_hold(req, pkt, 20, 1, HV_IC_HELD_REQUEST, 1), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, hv_ic_req_hold(req, pkt, 257, 1, HV_IC_HELD_REQUEST, 1), -EMSGSIZE);
	done_req(req);
	KUNIT_EXPECT_EQ(test, c.timeouts, 0u);
}

static void req_timeout_then_late_reply(struct kunit *test)
{
	struct fake_chan c = { };
	struct hv_ic_req *req = make_req(test, &c);
	u8 pkt[64] = { };

	KUNIT_ASSERT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 5, HV_IC_HELD_REQUEST, 20), 0);
	msleep(100);
	flush_delayed_work(&req->timeout);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	KUNIT_EXPECT_EQ(test, c.status, (u32)HV_E_FAIL);
	KUNIT_EXPECT_EQ(test, c.timeouts, 1u);
	KUNIT_EXPECT_EQ(test, c.timeout_kind, HV_IC_HELD_REQUEST);
	KUNIT_EXPECT_EQ(test, req->timeouts, 1u);
	/* the daemon's late reply: nothing to answer */
	KUNIT_EXPECT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_REQUEST, HV_S_OK, fill_7, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	done_req(req);
}

static void req_nego_timeout_keeps_status(struct kunit *test)
{
	struct fake_chan c = { };
	struct hv_ic_req *req = make_req(test, &c);
	u8 pkt[64] = { };
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(pkt + sizeof(struct vmbuspipe_hdr));

	hdr->status = 0x1234;
	KUNIT_ASSERT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 1, HV_IC_HELD_NEGO, 20), 0);
	msleep(100);
	flush_delayed_work(&req->timeout);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	KUNIT_EXPECT_EQ(test, c.status, 0x1234u);
	KUNIT_EXPECT_EQ(test, c.timeout_kind, HV_IC_HELD_NEGO);
	done_req(req);
}

static void req_answered_before_timeout(struct kunit *test)
{
	struct fake_chan c = { };
	struct hv_ic_req *req = make_req(test, &c);
	u8 pkt[64] = { };

	/* answered, then a new request held: the old deadline must not fire for it */
	KUNIT_ASSERT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 1, HV_IC_HELD_REQUEST, 30), 0);
	KUNIT_ASSERT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_REQUEST, HV_S_OK, NULL, NULL), 0);
	KUNIT_ASSERT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 2, HV_IC_HELD_REQUEST,
					     10000), 0);
	msleep(100);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	KUNIT_EXPECT_EQ(test, c.timeouts, 0u);
	KUNIT_EXPECT_EQ(test, hv_ic_req_held(req), HV_IC_HELD_REQUEST);
	/* closing drops it unanswered and refuses more */
	hv_ic_req_close(req);
	KUNIT_EXPECT_EQ(test, hv_ic_req_held(req), HV_IC_HELD_NONE);
	KUNIT_EXPECT_EQ(test, hv_ic_req_hold(req, pkt, sizeof(pkt), 3, HV_IC_HELD_REQUEST, 1),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, hv_ic_req_answer(req, HV_IC_HELD_REQUEST, HV_S_OK, NULL, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, c.sent, 1u);
	hv_ic_req_destroy(req);
}

static struct kunit_case hv_utils_svc_cases[] = {
	KUNIT_CASE(utf_round_trip),
	KUNIT_CASE(utf_bounds_and_errors),
	KUNIT_CASE(kvp_set_string),
	KUNIT_CASE(kvp_set_numbers),
	KUNIT_CASE(kvp_get_request),
	KUNIT_CASE(kvp_key_checks),
	KUNIT_CASE(kvp_op_pool_length),
	KUNIT_CASE(kvp_ip_info),
	KUNIT_CASE(kvp_answers),
	KUNIT_CASE(kvp_get_answer),
	KUNIT_CASE(vss_requests),
	KUNIT_CASE(fcopy_requests),
	KUNIT_CASE(req_answer_once),
	KUNIT_CASE(req_timeout_then_late_reply),
	KUNIT_CASE(req_nego_timeout_keeps_status),
	KUNIT_CASE(req_answered_before_timeout),
	{}
};

static struct kunit_suite hv_utils_svc_suite = {
	.name = "hv_utils_svc",
	.test_cases = hv_utils_svc_cases,
};

kunit_test_suite(hv_utils_svc_suite);

MODULE_DESCRIPTION("KUnit tests of hv_utils' KVP, VSS and fcopy message handling");
MODULE_LICENSE("GPL");
