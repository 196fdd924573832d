// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the host simulator's checks of a guest's IC
 * answers (include/hv/hv_ic_host.h): any bytes a guest may send back must
 * be refused with a reason or accepted with what they claim in range (a
 * chosen version that the host offered, a sequence number one above the
 * host's), and never read out of bounds (an exact-size copy).
 */
#include <stdlib.h>
#include <string.h>

#include "hv/hv_ic_host.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

static const struct hv_ic_host_versions offer = {
	.fw = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0) }, .n_fw = 2,
	.msg = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0), HV_IC_VERSION(3, 2) }, .n_msg = 3,
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct hv_ic_msg_hdr hdr;
	u32 fw, msg, status = 0;
	const char *why;
	u64 seq;
	u8 *buf;

	if (len > 16384)
		return 0;
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, len);
	why = hv_ic_host_check_negotiate(buf, (u32)len, &offer, &fw, &msg);
	if (!why && (fw || msg) &&
	    (!hv_ic_host_offered(offer.fw, offer.n_fw, fw) ||
	     !hv_ic_host_offered(offer.msg, offer.n_msg, msg)))
		abort();
	if (why && (fw || msg))
		abort();	/* nothing of a refused answer is believed */
	why = hv_ic_host_check_heartbeat(buf, (u32)len, 41, &status, &seq);
	if (!why && status == HV_IC_S_OK && seq != 42)
		abort();
	why = hv_ic_host_check_answer(buf, (u32)len, HV_IC_MSG_SHUTDOWN, &hdr);
	if (!why && (len < HV_IC_HDR_SIZE || hdr.msgsize > len - HV_IC_HDR_SIZE ||
		     hdr.flags != HV_IC_FLAGS_RESPONSE))
		abort();
	free(buf);
	return 0;
}
