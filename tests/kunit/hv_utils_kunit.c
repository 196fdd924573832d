// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for hv_utils' checks of host IC packets and its version
 * negotiation (drivers/hv/hv_utils_ic_check.c, compiled into this module
 * as it is into hv_utils). Every packet is allocated at exactly its length,
 * so KASAN reports any read or write past what the host sent.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../drivers/hv/hv_utils_ic_check.c"

#define HOST_STATUS	0x1234u	/* a status the answer must echo */
#define HOST_XID	7

static const struct ic_version fw_ours[] = { { 3, 0 }, { 1, 0 } };
static const struct ic_version sd_ours[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };
static const struct hv_ic_versions fw_list = { fw_ours, ARRAY_SIZE(fw_ours) };
static const struct hv_ic_versions sd_list = { sd_ours, ARRAY_SIZE(sd_ours) };

static struct icmsg_hdr *hdr_of(u8 *buf)
{
	return (struct icmsg_hdr *)(buf + sizeof(struct vmbuspipe_hdr));
}

static struct ic_version *versions_of(u8 *buf)
{
	return (struct ic_version *)(buf + HV_IC_HDR_LEN + HV_IC_NEGO_FIXED_LEN);
}

/* A host IC packet of exactly @len bytes with consistent headers. */
static u8 *make_packet(struct kunit *test, u32 len, u16 type)
{
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	struct vmbuspipe_hdr *pipe = (struct vmbuspipe_hdr *)buf;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	if (len < HV_IC_HDR_LEN)
		return buf;
	pipe->flags = 1;
	pipe->msgsize = len - sizeof(*pipe);
	hdr_of(buf)->icverframe = (struct ic_version){ 3, 0 };
	hdr_of(buf)->icmsgtype = type;
	hdr_of(buf)->icmsgsize = len - HV_IC_HDR_LEN;
	hdr_of(buf)->status = HOST_STATUS;
	hdr_of(buf)->ictransaction_id = HOST_XID;
	hdr_of(buf)->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
	return buf;
}

/* A negotiation request listing @fw then @msg, in a packet of just that size. */
static u8 *make_nego(struct kunit *test, const struct ic_version *fw, u16 nfw,
		     const struct ic_version *msg, u16 nmsg, u32 *len)
{
	struct icmsg_negotiate *nego;
	u8 *buf;

	*len = HV_IC_HDR_LEN + HV_IC_NEGO_FIXED_LEN + (nfw + nmsg) * sizeof(struct ic_version);
	buf = make_packet(test, *len, ICMSGTYPE_NEGOTIATE);
	nego = (struct icmsg_negotiate *)(buf + HV_IC_HDR_LEN);
	nego->icframe_vercnt = nfw;
	nego->icmsg_vercnt = nmsg;
	memcpy(versions_of(buf), fw, nfw * sizeof(*fw));
	memcpy(versions_of(buf) + nfw, msg, nmsg * sizeof(*msg));
	return buf;
}

static struct icmsg_negotiate *nego_of(u8 *buf)
{
	return (struct icmsg_negotiate *)(buf + HV_IC_HDR_LEN);
}

/* ---- hv_ic_parse ---------------------------------------------------- */

static void parse_accepts_consistent_headers(struct kunit *test)
{
	u8 *buf = make_packet(test, HV_IC_HDR_LEN + 40, ICMSGTYPE_HEARTBEAT);
	struct hv_ic_pkt pkt;

	KUNIT_ASSERT_EQ(test, hv_ic_parse(buf, HV_IC_HDR_LEN + 40, &pkt), 0);
	KUNIT_EXPECT_PTR_EQ(test, (u8 *)pkt.hdr, buf + 8);
	KUNIT_EXPECT_PTR_EQ(test, pkt.body, buf + HV_IC_HDR_LEN);
	KUNIT_EXPECT_EQ(test, pkt.body_len, 40U);
}

static void parse_accepts_header_only_and_padding(struct kunit *test)
{
	u8 *buf = make_packet(test, HV_IC_HDR_LEN + 8, ICMSGTYPE_HEARTBEAT);
	struct hv_ic_pkt pkt;

	/* VMBus pads packets to 8 bytes: the headers may claim less */
	hdr_of(buf)->icmsgsize = 3;
	((struct vmbuspipe_hdr *)buf)->msgsize = 20 + 3;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, HV_IC_HDR_LEN + 8, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.body_len, 8U);

	buf = make_packet(test, HV_IC_HDR_LEN, ICMSGTYPE_HEARTBEAT);
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, HV_IC_HDR_LEN, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.body_len, 0U);
}

static void parse_refuses_short_packets(struct kunit *test)
{
	struct hv_ic_pkt pkt;
	u32 len;

	for (len = 0; len < HV_IC_HDR_LEN; len++) {
		u8 *buf = make_packet(test, len ? len : 1, ICMSGTYPE_HEARTBEAT);

		KUNIT_EXPECT_EQ_MSG(test, hv_ic_parse(buf, len, &pkt), -EBADMSG, "len %u", len);
	}
}

static void parse_refuses_size_lies(struct kunit *test)
{
	u32 len = HV_IC_HDR_LEN + 16;
	u8 *buf = make_packet(test, len, ICMSGTYPE_TIMESYNC);
	struct hv_ic_pkt pkt;

	hdr_of(buf)->icmsgsize = 17;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), -EBADMSG);
	hdr_of(buf)->icmsgsize = 0xffff;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), -EBADMSG);
	hdr_of(buf)->icmsgsize = 16;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), 0);

	((struct vmbuspipe_hdr *)buf)->msgsize = len - 8 + 1;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), -EBADMSG);
	((struct vmbuspipe_hdr *)buf)->msgsize = U32_MAX;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), -EBADMSG);
}

static void parse_refuses_responses(struct kunit *test)
{
	u32 len = HV_IC_HDR_LEN + 8;
	u8 *buf = make_packet(test, len, ICMSGTYPE_SHUTDOWN);
	struct hv_ic_pkt pkt;

	hdr_of(buf)->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), -EPROTO);
	KUNIT_EXPECT_PTR_EQ(test, (u8 *)pkt.hdr, buf + 8);
	hdr_of(buf)->icflags |= ICMSGHDRFLAG_REQUEST;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), -EPROTO);
	/* OpenVMM's timesync samples: flags 0, accepted */
	hdr_of(buf)->icflags = 0;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), 0);
	hdr_of(buf)->icflags = ICMSGHDRFLAG_TRANSACTION;
	KUNIT_EXPECT_EQ(test, hv_ic_parse(buf, len, &pkt), 0);
}

/* ---- hv_ic_negotiate ---------------------------------------------- */

/* Parse and negotiate @buf against the shutdown lists. */
static enum hv_ic_nego_result negotiate(struct kunit *test, u8 *buf, u32 len,
					struct ic_version *fw, struct ic_version *msg)
{
	struct hv_ic_pkt pkt;

	KUNIT_ASSERT_EQ(test, hv_ic_parse(buf, len, &pkt), 0);
	return hv_ic_negotiate(&pkt, &fw_list, &sd_list, fw, msg);
}

static void nego_picks_newest_common(struct kunit *test)
{
	/* as OpenVMM and the simulator offer them: ascending */
	static const struct ic_version hfw[] = { { 1, 0 }, { 3, 0 } };
	static const struct ic_version hmsg[] = { { 1, 0 }, { 3, 0 }, { 3, 1 }, { 3, 2 } };
	struct ic_version fw = { 0, 0 }, msg = { 0, 0 };
	u32 len;
	u8 *buf = make_nego(test, hfw, 2, hmsg, 4, &len);

	KUNIT_ASSERT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MATCH);
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(fw, (struct ic_version){ 3, 0 }));
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(msg, (struct ic_version){ 3, 2 }));
	/* the answer, in place */
	KUNIT_EXPECT_EQ(test, nego_of(buf)->icframe_vercnt, 1);
	KUNIT_EXPECT_EQ(test, nego_of(buf)->icmsg_vercnt, 1);
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(versions_of(buf)[0], fw));
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(versions_of(buf)[1], msg));
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->icmsgsize, 16);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->status, HOST_STATUS);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->ictransaction_id, HOST_XID);
}

static void nego_old_lists(struct kunit *test)
{
	static const struct ic_version v1[] = { { 1, 0 } };
	static const struct ic_version hmsg[] = { { 3, 0 }, { 1, 0 } };
	struct ic_version fw, msg;
	u32 len;
	u8 *buf = make_nego(test, v1, 1, v1, 1, &len);

	KUNIT_ASSERT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MATCH);
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(fw, v1[0]));
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(msg, v1[0]));

	/* a host without 3.1/3.2 (Windows Server 2012 R2-like) */
	buf = make_nego(test, v1, 1, hmsg, 2, &len);
	KUNIT_ASSERT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MATCH);
	KUNIT_EXPECT_TRUE(test, hv_ic_version_eq(msg, (struct ic_version){ 3, 0 }));
}

static void nego_exact_match_only(struct kunit *test)
{
	/* 3.5 and 2.0 are not "at most 3.x": only exact versions count */
	static const struct ic_version hfw[] = { { 2, 0 }, { 3, 5 } };
	static const struct ic_version hmsg[] = { { 3, 2 } };
	static const struct ic_version hfw2[] = { { 3, 0 } };
	static const struct ic_version hmsg2[] = { { 3, 3 }, { 4, 0 } };
	struct ic_version fw, msg;
	u32 len;
	u8 *buf = make_nego(test, hfw, 2, hmsg, 1, &len);

	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_NO_MATCH);
	buf = make_nego(test, hfw2, 1, hmsg2, 2, &len);
	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_NO_MATCH);
}

static void nego_no_common_version(struct kunit *test)
{
	static const struct ic_version v99[] = { { 9, 9 } };
	struct ic_version fw = { 0, 0 }, msg = { 0, 0 };
	u32 len;
	u8 *buf = make_nego(test, v99, 1, v99, 1, &len);

	KUNIT_ASSERT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_NO_MATCH);
	KUNIT_EXPECT_EQ(test, nego_of(buf)->icframe_vercnt, 0);
	KUNIT_EXPECT_EQ(test, nego_of(buf)->icmsg_vercnt, 0);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->status, HOST_STATUS);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->icmsgsize, 16);
	/* the chosen versions are left alone */
	KUNIT_EXPECT_EQ(test, fw.major, 0);
	KUNIT_EXPECT_EQ(test, msg.major, 0);
}

static void nego_zero_counts(struct kunit *test)
{
	struct ic_version fw, msg;
	u32 len;
	u8 *buf = make_nego(test, NULL, 0, NULL, 0, &len);

	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_NO_MATCH);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->status, HOST_STATUS);
}

static void nego_count_limit(struct kunit *test)
{
	struct ic_version *many;
	struct ic_version fw, msg;
	u32 len;
	u8 *buf;
	int i;

	many = kunit_kcalloc(test, 101, sizeof(*many), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, many);
	for (i = 0; i < 101; i++)
		many[i] = (struct ic_version){ 7, i };
	many[99] = (struct ic_version){ 3, 0 };

	/* 100 framework versions, the last one matching: accepted */
	buf = make_nego(test, many, 100, sd_ours, 1, &len);
	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MATCH);

	/* 101 framework versions: malformed, whatever the packet holds */
	buf = make_nego(test, many, 101, sd_ours, 1, &len);
	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MALFORMED);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->status, HV_E_FAIL);
	KUNIT_EXPECT_EQ(test, nego_of(buf)->icframe_vercnt, 0);
	KUNIT_EXPECT_EQ(test, nego_of(buf)->icmsg_vercnt, 0);

	buf = make_nego(test, fw_ours, 1, many, 101, &len);
	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MALFORMED);
}

static void nego_counts_beyond_packet(struct kunit *test)
{
	static const struct ic_version hfw[] = { { 3, 0 } };
	struct ic_version fw, msg;
	u32 len;
	u8 *buf = make_nego(test, hfw, 1, sd_ours, 1, &len);

	/* claims one message version more than the packet holds */
	nego_of(buf)->icmsg_vercnt = 2;
	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MALFORMED);
	KUNIT_EXPECT_EQ(test, hdr_of(buf)->status, HV_E_FAIL);

	/* the largest counts (0xffff each), in a small packet */
	buf = make_nego(test, hfw, 1, sd_ours, 1, &len);
	nego_of(buf)->icframe_vercnt = 0xffff;
	nego_of(buf)->icmsg_vercnt = 0xffff;
	KUNIT_EXPECT_EQ(test, negotiate(test, buf, len, &fw, &msg), HV_IC_NEGO_MALFORMED);
}

static void nego_body_shorter_than_counts(struct kunit *test)
{
	struct ic_version fw, msg;
	struct hv_ic_pkt pkt;
	u32 len;

	for (len = HV_IC_HDR_LEN; len < HV_IC_HDR_LEN + HV_IC_NEGO_FIXED_LEN; len++) {
		u8 *buf = make_packet(test, len, ICMSGTYPE_NEGOTIATE);

		KUNIT_ASSERT_EQ(test, hv_ic_parse(buf, len, &pkt), 0);
		KUNIT_EXPECT_EQ_MSG(test, hv_ic_negotiate(&pkt, &fw_list, &sd_list, &fw, &msg),
				    HV_IC_NEGO_MALFORMED, "len %u", len);
		KUNIT_EXPECT_EQ(test, hdr_of(buf)->status, HV_E_FAIL);
	}
}

static struct kunit_case hv_utils_ic_cases[] = {
	KUNIT_CASE(parse_accepts_consistent_headers),
	KUNIT_CASE(parse_accepts_header_only_and_padding),
	KUNIT_CASE(parse_refuses_short_packets),
	KUNIT_CASE(parse_refuses_size_lies),
	KUNIT_CASE(parse_refuses_responses),
	KUNIT_CASE(nego_picks_newest_common),
	KUNIT_CASE(nego_old_lists),
	KUNIT_CASE(nego_exact_match_only),
	KUNIT_CASE(nego_no_common_version),
	KUNIT_CASE(nego_zero_counts),
	KUNIT_CASE(nego_count_limit),
	KUNIT_CASE(nego_counts_beyond_packet),
	KUNIT_CASE(nego_body_shorter_than_counts),
	{}
};

static struct kunit_suite hv_utils_ic_suite = {
	.name = "hv_utils_ic",
	.test_cases = hv_utils_ic_cases,
};

kunit_test_suite(hv_utils_ic_suite);

MODULE_DESCRIPTION("KUnit tests of hv_utils' IC packet checks and version negotiation");
MODULE_LICENSE("GPL");
