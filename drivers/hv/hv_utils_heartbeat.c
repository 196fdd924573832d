// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the heartbeat integration service.
 *
 * The host sends a sequence number (every two seconds on Hyper-V) and
 * expects it back incremented by one; that answer is how it knows the guest
 * is alive. Only the 8-byte sequence number is required of the body (hosts
 * may send less than the whole struct heartbeat_msg_data); the rest,
 * application state included, goes back as the host sent it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/stddef.h>

#include "hv_utils.h"

static const struct ic_version hv_heartbeat_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct ic_version hv_heartbeat_msg[] = { { 3, 0 }, { 1, 0 } };

static u32 hv_heartbeat_min_body(const struct hv_ic_dev *icdev)
{
	return offsetofend(struct heartbeat_msg_data, seq_num);
}

static u32 hv_heartbeat_handle(struct hv_ic_dev *icdev, u8 *body, u32 body_len)
{
	struct heartbeat_msg_data *msg = (struct heartbeat_msg_data *)body;

	msg->seq_num += 1;
	return HV_S_OK;
}

const struct hv_ic_service hv_ic_heartbeat_service = {
	.name = "Heartbeat",
	.kind = "heartbeat",
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.fw = { hv_heartbeat_fw, ARRAY_SIZE(hv_heartbeat_fw) },
	.msg = { hv_heartbeat_msg, ARRAY_SIZE(hv_heartbeat_msg) },
	.min_body = hv_heartbeat_min_body,
	.handle = hv_heartbeat_handle,
};
