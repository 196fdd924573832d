// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the host-message checker (include/hv/vmbus_msg_check.h):
 * well-formed messages of each kind pass, and each way a hostile or broken
 * host can get a message wrong is rejected with a reason.
 */
#include <string.h>

#include "hv/vmbus_msg_check.h"
#include "tap.h"

static u8 msg[VMBUS_MSG_PAYLOAD_MAX];

static void put_u32(u32 off, u32 v)
{
	memcpy(msg + off, &v, sizeof(v));
}

static void make_offer(u32 relid, u8 monitor_id, u8 monitor_flags)
{
	memset(msg, 0, sizeof(msg));
	put_u32(0, VMBUS_MSG_OFFERCHANNEL);
	put_u32(VMBUS_OFFER_RELID_OFF, relid);
	msg[VMBUS_OFFER_MONITOR_ID_OFF] = monitor_id;
	msg[VMBUS_OFFER_MONITOR_FLAGS_OFF] = monitor_flags;
}

static int check(u32 size)
{
	const char *why = NULL;
	int type = vmbus_host_msg_check(msg, size, &why);

	if (type < 0)
		tap_diag("rejected: %s", why ? why : "(no reason!)");
	return type < 0 && !why ? -2 : type;
}

int main(void)
{
	make_offer(5, 3, 1);
	tap_ok(check(VMBUS_MSG_OFFER_SIZE) == VMBUS_MSG_OFFERCHANNEL, "a valid offer passes");
	tap_ok(check(VMBUS_MSG_OFFER_SIZE - 1) == -1, "an offer one byte short is rejected");
	make_offer(0, 3, 1);
	tap_ok(check(VMBUS_MSG_OFFER_SIZE) == -1, "an offer of relid 0 is rejected");
	make_offer(VMBUS_MSG_MAX_RELID, 3, 1);
	tap_ok(check(VMBUS_MSG_OFFER_SIZE) == -1, "an offer of relid 2048 is rejected");
	make_offer(VMBUS_MSG_MAX_RELID - 1, 3, 1);
	tap_ok(check(VMBUS_MSG_OFFER_SIZE) == VMBUS_MSG_OFFERCHANNEL, "relid 2047 passes");
	make_offer(7, 200, 1);
	tap_ok(check(VMBUS_MSG_OFFER_SIZE) == -1, "a monitored offer with monitor id 200 is rejected");
	make_offer(7, 200, 0);
	tap_ok(check(VMBUS_MSG_OFFER_SIZE) == VMBUS_MSG_OFFERCHANNEL,
	       "an unmonitored offer's monitor id is not checked");

	memset(msg, 0, sizeof(msg));
	put_u32(0, VMBUS_MSG_RESCIND_CHANNELOFFER);
	put_u32(8, 9);
	tap_ok(check(VMBUS_MSG_RESCIND_SIZE) == VMBUS_MSG_RESCIND_CHANNELOFFER, "a rescind passes");
	put_u32(8, 0);
	tap_ok(check(VMBUS_MSG_RESCIND_SIZE) == -1, "a rescind of relid 0 is rejected");

	memset(msg, 0, sizeof(msg));
	put_u32(0, VMBUS_MSG_VERSION_RESPONSE);
	tap_ok(check(VMBUS_MSG_VERSION_RESPONSE_SIZE) == VMBUS_MSG_VERSION_RESPONSE,
	       "a version response passes");
	tap_ok(check(12) == -1, "a truncated version response is rejected");
	memset(msg, 0, sizeof(msg));
	put_u32(0, VMBUS_MSG_TL_CONNECT_RESULT);
	tap_ok(check(VMBUS_MSG_TL_CONNECT_RESULT_SIZE) == VMBUS_MSG_TL_CONNECT_RESULT,
	       "a TL_CONNECT_RESULT (hv_sock connect refused) passes");
	tap_ok(check(VMBUS_MSG_TL_CONNECT_RESULT_SIZE - 1) == -1,
	       "a TL_CONNECT_RESULT one byte short is rejected");
	put_u32(0, 21);	/* TL_CONNECT_REQUEST: guest to host only */
	tap_ok(check(VMBUS_MSG_TL_CONNECT_RESULT_SIZE) == -1,
	       "a TL_CONNECT_REQUEST (guest to host) is rejected");
	put_u32(0, 14);	/* INITIATE_CONTACT: guest to host only */
	tap_ok(check(32) == -1, "a guest-only message type is rejected");
	put_u32(0, 0xffffffffu);
	tap_ok(check(64) == -1, "an unknown message type is rejected");
	put_u32(0, VMBUS_MSG_ALLOFFERS_DELIVERED);
	tap_ok(check(7) == -1, "a message shorter than its header is rejected");
	tap_ok(check(VMBUS_MSG_PAYLOAD_MAX + 1) == -1, "a message over 240 bytes is rejected");
	tap_ok(check(VMBUS_MSG_PAYLOAD_MAX) == VMBUS_MSG_ALLOFFERS_DELIVERED,
	       "a message may carry trailing bytes up to 240");
	return tap_done();
}
