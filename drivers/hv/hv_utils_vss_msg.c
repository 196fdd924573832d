// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: what the kernel itself makes of a host VSS request (a pure
 * function on the packet's body: the KUnit suite drives it directly).
 */
#include <linux/hyperv.h>

#include "hv_utils.h"

/**
 * hv_vss_check() - what the kernel makes of a host VSS request
 * @body: the request's body
 * @body_len: its length (at least the 8-byte header)
 *
 * Return: HV_IC_ANSWER_LATER if the daemon must act; otherwise the status
 * of the answer, the body rewritten where the kernel answers itself.
 */
u32 hv_vss_check(u8 *body, u32 body_len)
{
	struct hv_vss_msg *msg = (struct hv_vss_msg *)body;

	switch (msg->vss_hdr.operation) {
	case VSS_OP_FREEZE:
	case VSS_OP_THAW:
		return HV_IC_ANSWER_LATER;
	case VSS_OP_HOT_BACKUP:
		/* the answer carries the feature flags */
		return body_len < sizeof(*msg) ? HV_E_FAIL : HV_IC_ANSWER_LATER;
	case VSS_OP_GET_DM_INFO:
		if (body_len < sizeof(*msg))
			return HV_E_FAIL;
		msg->dm_info.flags = 0;
		return HV_S_OK;
	case VSS_OP_CREATE:
	case VSS_OP_DELETE:
	case VSS_OP_BU_COMPLETE:
		return HV_S_OK;
	default:	/* VSS_OP_AUTO_RECOVER and what we do not know */
		return HV_E_FAIL;
	}
}
