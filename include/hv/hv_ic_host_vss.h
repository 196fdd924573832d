/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's side of VSS as pure logic on wire bytes: the bodies of
 * CHECK_HOT_BACKUP, GET_DM_INFO, FREEZE (with a LUN table laid out like
 * OpenVMM's Message2: 6260 bytes), THAW and BU_COMPLETE, and the check of
 * the guest's answers (docs/design/hv_utils.md §2.5). The host simulator
 * runs it; the unit tests run the very same code in userspace.
 *
 * An answer is accepted when its headers are right, it is at least as long
 * as the request (Linux answers with the request's buffer) and names the
 * request's operation; its status is reported, and for CHECK_HOT_BACKUP and
 * GET_DM_INFO its flags.
 */
#ifndef _HV_IC_HOST_VSS_H
#define _HV_IC_HOST_VSS_H

#include "hv/hv_ic_host.h"

/* LUNs a FREEZE's table holds; each entry 24 bytes. */
#define HV_IC_VSS_MAX_LUNS	260
#define HV_IC_VSS_LUN_SIZE	24
/* Where the table starts in a FREEZE body: after the 8-byte VSS header and
 * backup_type, flags, lun_count.
 */
#define HV_IC_VSS_LUN_TABLE	20

/* FREEZE backup types (OpenVMM's names). */
#define HV_IC_VSS_BACKUP_FULL	1

/**
 * hv_ic_host_vss_body() - build the body of a VSS request
 * @op:		HV_IC_VSS_OP_*
 * @luns:	FREEZE: entries of the LUN table (up to HV_IC_VSS_MAX_LUNS)
 * @body:	where, at least HV_IC_VSS_FREEZE_MAX_SIZE bytes; zeroed first
 * @body_len:	the body's length: 6260 for FREEZE, 12 for the others
 *
 * A LUN entry: bus_type u8 (1, SCSI), 3 reserved bytes, a controller GUID
 * (bytes 0x11 0x22 ... of our own), port, target, lun (u8 each: 0, 0, the
 * entry's number), a reserved byte.
 *
 * Return: NULL, or why the request cannot be built.
 */
static inline const char *hv_ic_host_vss_body(u8 op, u32 luns, u8 *body, u32 *body_len)
{
	u32 i, v;
	u8 *lun;

	memset(body, 0, HV_IC_VSS_FREEZE_MAX_SIZE);
	switch (op) {
	case HV_IC_VSS_OP_HOT_BACKUP:
	case HV_IC_VSS_OP_GET_DM_INFO:
	case HV_IC_VSS_OP_THAW:
	case HV_IC_VSS_OP_BU_COMPLETE:
		body[0] = op;
		*body_len = sizeof(struct hv_ic_vss);
		return NULL;
	case HV_IC_VSS_OP_FREEZE:
		break;
	default:
		return "no VSS operation the host sends";
	}
	if (luns > HV_IC_VSS_MAX_LUNS)
		return "more LUNs than a FREEZE holds (260)";
	body[0] = op;
	v = HV_IC_VSS_BACKUP_FULL;
	memcpy(body + 8, &v, sizeof(v));
	memcpy(body + 16, &luns, sizeof(luns));
	for (i = 0; i < luns; i++) {
		lun = body + HV_IC_VSS_LUN_TABLE + i * HV_IC_VSS_LUN_SIZE;
		lun[0] = 1;
		for (v = 0; v < 16; v++)
			lun[4 + v] = (u8)(0x11 * (v + 1));
		lun[22] = (u8)i;
	}
	*body_len = HV_IC_VSS_FREEZE_MAX_SIZE;
	return NULL;
}

/**
 * hv_ic_host_check_vss() - check a guest's answer to a VSS request
 * @buf:	the payload (private copy)
 * @len:	its length
 * @req_body:	the body the host sent
 * @req_len:	its length
 * @status:	the guest's status
 * @flags:	the answer's flags (u32 at body offset 8)
 *
 * Return: NULL, or why the answer is refused.
 */
static inline const char *hv_ic_host_check_vss(const u8 *buf, u32 len, const u8 *req_body,
					       u32 req_len, u32 *status, u32 *flags)
{
	struct hv_ic_msg_hdr hdr;
	const char *why;

	*flags = 0;
	why = hv_ic_host_check_answer(buf, len, HV_IC_MSG_VSS, &hdr);
	if (why)
		return why;
	*status = hdr.status;
	if (len < HV_IC_HDR_SIZE + req_len || hdr.msgsize < req_len)
		return "shorter than the request's VSS body";
	if (buf[HV_IC_HDR_SIZE] != req_body[0])
		return "operation differs from the request's";
	memcpy(flags, buf + HV_IC_HDR_SIZE + 8, sizeof(*flags));
	return NULL;
}

#endif /* _HV_IC_HOST_VSS_H */
