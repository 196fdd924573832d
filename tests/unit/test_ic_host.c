// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the host's IC logic (include/hv/hv_ic_host.h): requests laid
 * out as the fact sheet says, a guest's answer made the way Linux makes it
 * (the request rewritten in place) accepted, and every way a guest can get
 * an answer wrong refused with a reason; version lists parsed.
 */
#include <string.h>

#include "hv/hv_ic_host.h"
#include "tap.h"

static u8 buf[4096];

static u16 get_u16(u32 off)
{
	u16 v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

static u32 get_u32(u32 off)
{
	u32 v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

static void put_u16(u32 off, u16 v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static void put_u32(u32 off, u32 v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static void put_u64(u32 off, u64 v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static const struct hv_ic_host_versions offer = {
	.fw = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0) }, .n_fw = 2,
	.msg = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0), HV_IC_VERSION(3, 1),
		 HV_IC_VERSION(3, 2) }, .n_msg = 4,
};

/* What Linux's guest does to a negotiation: counts, two versions, size 16. */
static u32 answer_negotiate(u16 fw_major, u16 fw_minor, u16 msg_major, u16 msg_minor,
			    u16 count)
{
	u32 len = hv_ic_host_build_negotiate(buf, &offer);

	put_u16(18, HV_IC_NEGOTIATE_ANSWER_SIZE);
	buf[25] = HV_IC_FLAGS_RESPONSE;
	put_u16(28, count);
	put_u16(30, count);
	put_u16(36, fw_major);
	put_u16(38, fw_minor);
	put_u16(40, msg_major);
	put_u16(42, msg_minor);
	return len;
}

static const char *negotiate(u32 len, u32 *fw, u32 *msg)
{
	const char *why = hv_ic_host_check_negotiate(buf, len, &offer, fw, msg);

	if (why)
		tap_diag("refused: %s", why);
	return why;
}

int main(void)
{
	struct hv_ic_msg_hdr hdr;
	u32 len, fw, msg, list[HV_IC_HOST_MAX_VERSIONS], n;
	u64 seq;
	u32 status;

	/* a negotiation request, byte by byte */
	len = hv_ic_host_build_negotiate(buf, &offer);
	tap_ok(len == 28 + 8 + 6 * 4, "negotiation: 28 + 8 + 4 per version bytes (%u)", len);
	tap_ok(get_u32(0) == 1 && get_u32(4) == len - 8, "pipe header {1, size after it}");
	tap_ok(get_u16(8) == 1 && get_u16(10) == 0 && get_u16(12) == HV_IC_MSG_NEGOTIATE &&
	       get_u16(14) == 1 && get_u16(16) == 0,
	       "header: framework 1.0, type 0, message 1.0");
	tap_ok(get_u16(18) == 8 + 6 * 4 && get_u32(20) == 0 && buf[24] == 0 &&
	       buf[25] == (HV_IC_FLAG_TRANSACTION | HV_IC_FLAG_REQUEST),
	       "icmsgsize = body, status 0, transaction id 0, TRANSACTION|REQUEST");
	tap_ok(get_u16(28) == 2 && get_u16(30) == 4 && get_u32(32) == 0,
	       "counts 2/4 at 28/30, reserved 0");
	tap_ok(get_u16(36) == 1 && get_u16(38) == 0 && get_u16(40) == 3 && get_u16(42) == 0 &&
	       get_u16(56) == 3 && get_u16(58) == 2,
	       "framework versions first, then message versions, major before minor");

	/* answers to it */
	len = answer_negotiate(3, 0, 3, 2, 1);
	tap_ok(!negotiate(len, &fw, &msg) && fw == HV_IC_VERSION(3, 0) &&
	       msg == HV_IC_VERSION(3, 2), "1/1 naming 3.0 and 3.2: accepted");
	len = answer_negotiate(0, 0, 0, 0, 0);
	tap_ok(!negotiate(len, &fw, &msg) && fw == 0 && msg == 0,
	       "0/0: no common version, no error");
	len = answer_negotiate(3, 0, 9, 9, 1);
	tap_ok(negotiate(len, &fw, &msg) && fw == 0 && msg == 0,
	       "a message version not offered: refused, nothing believed");
	len = answer_negotiate(2, 0, 3, 2, 1);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "a framework not offered: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	put_u16(28, 2);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "counts 2/1: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	put_u16(18, 15);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "icmsgsize 15: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	buf[25] = HV_IC_FLAGS_REQUEST;
	tap_ok(negotiate(len, &fw, &msg) != NULL, "flags still REQUEST: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	buf[25] = HV_IC_FLAG_RESPONSE;
	tap_ok(negotiate(len, &fw, &msg) != NULL, "RESPONSE without TRANSACTION: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	buf[24] = 7;
	tap_ok(negotiate(len, &fw, &msg) != NULL, "another IC transaction id: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	put_u16(12, HV_IC_MSG_HEARTBEAT);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "another message type: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	put_u32(0, 2);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "pipe type 2: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	put_u32(4, len);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "pipe size beyond the packet: refused");
	len = answer_negotiate(3, 0, 3, 2, 1);
	put_u16(18, 0xffff);
	tap_ok(negotiate(len, &fw, &msg) != NULL, "icmsgsize beyond the packet: refused");
	answer_negotiate(3, 0, 3, 2, 1);
	tap_ok(negotiate(27, &fw, &msg) != NULL, "27 bytes: refused");
	tap_ok(negotiate(31, &fw, &msg) != NULL, "no room for the counts: refused");
	tap_ok(negotiate(40, &fw, &msg) != NULL, "no room for the versions: refused");
	tap_ok(negotiate(0, &fw, &msg) != NULL, "empty: refused");

	/* heartbeat */
	len = hv_ic_host_build(buf, HV_IC_MSG_HEARTBEAT, HV_IC_VERSION(3, 0),
			       HV_IC_VERSION(3, 0), sizeof(struct hv_ic_heartbeat));
	tap_ok(len == 68 && get_u16(18) == 40, "heartbeat: 28 + 40 bytes");
	put_u64(28, 42);
	buf[25] = HV_IC_FLAGS_RESPONSE;
	put_u64(28, 43);
	tap_ok(!hv_ic_host_check_heartbeat(buf, len, 42, &status, &seq) && seq == 43 &&
	       status == 0, "answer 43 to 42: accepted");
	put_u64(28, 42);
	tap_ok(hv_ic_host_check_heartbeat(buf, len, 42, &status, &seq) != NULL,
	       "answer 42 to 42 (not incremented): refused");
	put_u64(28, 44);
	tap_ok(hv_ic_host_check_heartbeat(buf, len, 42, &status, &seq) != NULL,
	       "answer 44 to 42: refused");
	put_u32(20, HV_IC_E_FAIL);
	tap_ok(!hv_ic_host_check_heartbeat(buf, len, 42, &status, &seq) &&
	       status == HV_IC_E_FAIL, "E_FAIL: reported, not refused");
	put_u32(20, 0);
	put_u16(18, 4);
	put_u32(4, 24);
	tap_ok(hv_ic_host_check_heartbeat(buf, 32, 42, &status, &seq) != NULL,
	       "no room for the sequence number: refused");

	/* headers of other answers */
	len = hv_ic_host_build(buf, HV_IC_MSG_SHUTDOWN, HV_IC_VERSION(3, 0),
			       HV_IC_VERSION(3, 2), sizeof(struct hv_ic_shutdown));
	tap_ok(len == 2088, "shutdown: 28 + 2060 bytes");
	buf[25] = HV_IC_FLAGS_RESPONSE;
	tap_ok(!hv_ic_host_check_answer(buf, len, HV_IC_MSG_SHUTDOWN, &hdr) &&
	       hdr.msgver.major == 3 && hdr.msgver.minor == 2, "its answer: accepted");
	tap_ok(hv_ic_host_check_answer(buf, len, HV_IC_MSG_TIMESYNC, &hdr) != NULL,
	       "as the answer to a timesync: refused");

	/* status names */
	tap_ok(!strcmp(hv_ic_host_status_name(HV_IC_E_FAIL), "E_FAIL") &&
	       !strcmp(hv_ic_host_status_name(0x12345678), "unknown"), "status names");

	/* version lists */
	tap_ok(!hv_ic_host_parse_versions("1.0,3.0", list, &n) && n == 2 &&
	       list[0] == HV_IC_VERSION(1, 0) && list[1] == HV_IC_VERSION(3, 0),
	       "\"1.0,3.0\" parses");
	tap_ok(!hv_ic_host_parse_versions("65535.65535", list, &n) && n == 1 &&
	       list[0] == HV_IC_VERSION(65535, 65535), "\"65535.65535\" parses");
	tap_ok(!hv_ic_host_parse_versions("1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7", list, &n) && n == 8,
	       "8 versions parse");
	{
		static const char * const bad[] = {
			"", "1", "1.", ".1", "1.0,", ",1.0", "1.0,,3.0", "1.0.0", "65536.0",
			"1.65536", "a.b", "1.0 ", "-1.0", "1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8",
		};
		unsigned int i, refused = 0;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (hv_ic_host_parse_versions(bad[i], list, &n))
				refused++;
			else
				tap_diag("accepted: \"%s\"", bad[i]);
		}
		tap_ok(refused == i, "%u malformed lists refused", i);
	}
	return tap_done();
}
