/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One kernel message of /dev/vmbus/hv_vss: the uapi struct hv_vss_msg
 * (12 bytes, <linux/hyperv.h>) in, the same 12 bytes back with the
 * status in hv_vss_msg.error (which overlays the operation byte, as the
 * kernel expects).
 *
 * FREEZE and THAW call the daemon's freeze/thaw; HOT_BACKUP answers
 * HV_S_OK with the feature flags echoed (as upstream's daemon); an
 * unknown operation or a message that is not 12 bytes long is answered
 * HV_E_FAIL (upstream answers an unknown one HV_S_OK and reopens the
 * device on a bad length).
 */
#ifndef HV_TOOLS_VSS_MSG_H
#define HV_TOOLS_VSS_MSG_H

#include <stddef.h>
#include <linux/hyperv.h>

_Static_assert(sizeof(struct hv_vss_msg) == 12, "hv_vss_msg");
_Static_assert(sizeof(struct hv_vss_hdr) == 8, "hv_vss_hdr");

/* The kernel's answer to VSS_OP_REGISTER1: a 4-byte version, 129. */
#define VSS_REGISTER_ANSWER VSS_OP_REGISTER1

struct vss_ops {
	int (*freeze)(void *ctx);	/* 0 or -errno */
	int (*thaw)(void *ctx);		/* 0 or -errno */
};

/*
 * Handle the LEN bytes of REQ; ANS gets the answer to write back. Returns
 * the status (HV_S_OK or HV_E_FAIL).
 */
__u32 vss_handle_msg(const void *req, size_t len, struct hv_vss_msg *ans,
		     const struct vss_ops *ops, void *ctx);

#endif
