// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vss_daemon's messages (see vss_msg.h).
 */
#include <string.h>

#include "vss_msg.h"

__u32 vss_handle_msg(const void *req, size_t len, struct hv_vss_msg *ans,
		     const struct vss_ops *ops, void *ctx)
{
	__u32 status = HV_E_FAIL;

	memset(ans, 0, sizeof(*ans));
	memcpy(ans, req, len < sizeof(*ans) ? len : sizeof(*ans));
	if (len == sizeof(*ans)) {
		switch (ans->vss_hdr.operation) {
		case VSS_OP_FREEZE:
			status = ops->freeze(ctx) ? HV_E_FAIL : HV_S_OK;
			break;
		case VSS_OP_THAW:
			status = ops->thaw(ctx) ? HV_E_FAIL : HV_S_OK;
			break;
		case VSS_OP_HOT_BACKUP:
			status = HV_S_OK;
			break;
		default:
			break;
		}
	}
	ans->error = (int)status;
	return status;
}
