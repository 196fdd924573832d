/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of VMBus channel messages from the host, as pure logic on the
 * wire bytes, so that the very code hv_vmbus runs is also run by the unit
 * tests and the fuzz harness in userspace.
 *
 * The host is untrusted: every message is checked here, once, on the
 * guest's private copy, before any field of it is used. What is checked
 * here needs no state; checks against the guest's state (a relid already in
 * use, an unknown relid) stay with the handlers.
 */
#ifndef _HV_VMBUS_MSG_CHECK_H
#define _HV_VMBUS_MSG_CHECK_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <string.h>
#include "user/hv_user_types.h"
#endif

/* Channel message types the host sends. */
#define VMBUS_MSG_OFFERCHANNEL			1
#define VMBUS_MSG_RESCIND_CHANNELOFFER		2
#define VMBUS_MSG_ALLOFFERS_DELIVERED		4
#define VMBUS_MSG_OPENCHANNEL_RESULT		6
#define VMBUS_MSG_GPADL_CREATED			10
#define VMBUS_MSG_GPADL_TORNDOWN		12
#define VMBUS_MSG_VERSION_RESPONSE		15
#define VMBUS_MSG_UNLOAD_RESPONSE		17
#define VMBUS_MSG_TL_CONNECT_RESULT		23
#define VMBUS_MSG_MODIFYCHANNEL_RESPONSE	24
#define VMBUS_MSG_TYPE_COUNT			25

/* Wire sizes of the messages the host sends (asserted against the kernel's
 * structures where hv_vmbus is built).
 */
#define VMBUS_MSG_HEADER_SIZE		8
#define VMBUS_MSG_OFFER_SIZE		196
#define VMBUS_MSG_RESCIND_SIZE		12
#define VMBUS_MSG_OPEN_RESULT_SIZE	20
#define VMBUS_MSG_GPADL_CREATED_SIZE	20
#define VMBUS_MSG_GPADL_TORNDOWN_SIZE	12
#define VMBUS_MSG_VERSION_RESPONSE_SIZE	16
#define VMBUS_MSG_MODIFY_RESPONSE_SIZE	16
#define VMBUS_MSG_TL_CONNECT_RESULT_SIZE 44	/* header, 2 GUIDs, status */
#define VMBUS_MSG_PAYLOAD_MAX		240

/* Offsets of the offer fields that are checked. */
#define VMBUS_OFFER_SUBCHANNEL_INDEX_OFF 180
#define VMBUS_OFFER_RELID_OFF		184
#define VMBUS_OFFER_MONITOR_ID_OFF	188
#define VMBUS_OFFER_MONITOR_FLAGS_OFF	189

#define VMBUS_MSG_MAX_RELID		2048
#define VMBUS_MSG_MAX_MONITOR_ID	128

static inline u32 vmbus_msg_get_u32(const u8 *msg, u32 off)
{
	u32 v;

	memcpy(&v, msg + off, sizeof(v));
	return v;
}

/**
 * vmbus_msg_min_size() - smallest valid size of a host message type
 * @type: the message type
 *
 * Return: the size in bytes, or 0 for a type the host never sends.
 */
static inline u32 vmbus_msg_min_size(u32 type)
{
	switch (type) {
	case VMBUS_MSG_OFFERCHANNEL:
		return VMBUS_MSG_OFFER_SIZE;
	case VMBUS_MSG_RESCIND_CHANNELOFFER:
		return VMBUS_MSG_RESCIND_SIZE;
	case VMBUS_MSG_ALLOFFERS_DELIVERED:
	case VMBUS_MSG_UNLOAD_RESPONSE:
		return VMBUS_MSG_HEADER_SIZE;
	case VMBUS_MSG_OPENCHANNEL_RESULT:
		return VMBUS_MSG_OPEN_RESULT_SIZE;
	case VMBUS_MSG_GPADL_CREATED:
		return VMBUS_MSG_GPADL_CREATED_SIZE;
	case VMBUS_MSG_GPADL_TORNDOWN:
		return VMBUS_MSG_GPADL_TORNDOWN_SIZE;
	case VMBUS_MSG_VERSION_RESPONSE:
		return VMBUS_MSG_VERSION_RESPONSE_SIZE;
	case VMBUS_MSG_MODIFYCHANNEL_RESPONSE:
		return VMBUS_MSG_MODIFY_RESPONSE_SIZE;
	case VMBUS_MSG_TL_CONNECT_RESULT:
		return VMBUS_MSG_TL_CONNECT_RESULT_SIZE;
	default:
		return 0;
	}
}

static inline bool vmbus_msg_relid_ok(u32 relid)
{
	return relid != 0 && relid < VMBUS_MSG_MAX_RELID;
}

/**
 * vmbus_host_msg_check() - validate a channel message from the host
 * @msg: the guest's private copy of the message
 * @size: its size in bytes as delivered
 * @why: set to a short reason when the message is rejected
 *
 * Return: the message type when valid, -1 when it must be dropped.
 */
static inline int vmbus_host_msg_check(const u8 *msg, u32 size, const char **why)
{
	u32 type, min;

	if (size < VMBUS_MSG_HEADER_SIZE || size > VMBUS_MSG_PAYLOAD_MAX) {
		*why = "invalid size";
		return -1;
	}
	type = vmbus_msg_get_u32(msg, 0);
	min = type < VMBUS_MSG_TYPE_COUNT ? vmbus_msg_min_size(type) : 0;
	if (!min) {
		*why = "unknown or guest-only message type";
		return -1;
	}
	if (size < min) {
		*why = "too short for its type";
		return -1;
	}
	switch (type) {
	case VMBUS_MSG_OFFERCHANNEL:
		if (!vmbus_msg_relid_ok(vmbus_msg_get_u32(msg, VMBUS_OFFER_RELID_OFF))) {
			*why = "offer with an invalid relid";
			return -1;
		}
		if ((msg[VMBUS_OFFER_MONITOR_FLAGS_OFF] & 1) &&
		    msg[VMBUS_OFFER_MONITOR_ID_OFF] >= VMBUS_MSG_MAX_MONITOR_ID) {
			*why = "offer with an invalid monitor id";
			return -1;
		}
		break;
	case VMBUS_MSG_RESCIND_CHANNELOFFER:
		if (!vmbus_msg_relid_ok(vmbus_msg_get_u32(msg, VMBUS_MSG_HEADER_SIZE))) {
			*why = "rescind of an invalid relid";
			return -1;
		}
		break;
	}
	return (int)type;
}

#endif /* _HV_VMBUS_MSG_CHECK_H */
