// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the host's VSS and fcopy logic (include/hv/hv_ic_host_vss.h,
 * hv_ic_host_fcopy.h): bodies at the fact sheet's sizes and offsets
 * (§2.5, §2.6), answers made the way Linux makes them (the request in
 * place) accepted, malformed ones refused.
 */
#include <string.h>

#include "hv/hv_ic_host_fcopy.h"
#include "hv/hv_ic_host_vss.h"
#include "tap.h"

static u8 req[HV_IC_HOST_MAX_REQUEST], ans[HV_IC_HOST_MAX_REQUEST];

static u32 get_u32(const u8 *b, u32 off)
{
	u32 v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static u32 answer(u16 msgtype, u32 body_len, u32 status)
{
	hv_ic_host_build_hdr(req, msgtype, HV_IC_VERSION(3, 0), HV_IC_VERSION(5, 0), body_len);
	memcpy(ans, req, HV_IC_HDR_SIZE + body_len);
	ans[25] = HV_IC_FLAGS_RESPONSE;
	memcpy(ans + 20, &status, sizeof(status));
	return HV_IC_HDR_SIZE + body_len;
}

int main(void)
{
	u32 len, status, flags;
	u64 size;

	tap_diag("VSS");

	/* VSS */
	tap_ok(!hv_ic_host_vss_body(HV_IC_VSS_OP_FREEZE, 4, req + HV_IC_HDR_SIZE, &len) &&
	       len == 6260 && req[28] == 5 && get_u32(req, 36) == 1 && get_u32(req, 44) == 4 &&
	       req[48] == 1 && req[52] == 0x11 && req[48 + 3 * 24 + 22] == 3 &&
	       req[48 + 4 * 24] == 0, "FREEZE: 6260 bytes, 4 LUN entries of 24 bytes at 48");
	tap_ok(!hv_ic_host_vss_body(HV_IC_VSS_OP_FREEZE, 260, req + HV_IC_HDR_SIZE, &len) &&
	       hv_ic_host_vss_body(HV_IC_VSS_OP_FREEZE, 261, req + HV_IC_HDR_SIZE, &len),
	       "260 LUNs fit, 261 refused");
	tap_ok(!hv_ic_host_vss_body(HV_IC_VSS_OP_THAW, 0, req + HV_IC_HDR_SIZE, &len) &&
	       len == 12 && req[28] == 6, "THAW: 12 bytes");
	tap_ok(hv_ic_host_vss_body(HV_IC_VSS_OP_CREATE, 0, req + HV_IC_HDR_SIZE, &len) != NULL,
	       "an operation the host does not send refused");
	hv_ic_host_vss_body(HV_IC_VSS_OP_HOT_BACKUP, 0, req + HV_IC_HDR_SIZE, &len);
	len = answer(HV_IC_MSG_VSS, len, HV_IC_S_OK);
	ans[36] = HV_IC_VSS_HBU_NO_AUTO_RECOVERY;
	tap_ok(!hv_ic_host_check_vss(ans, len, req + HV_IC_HDR_SIZE, 12, &status, &flags) &&
	       status == 0 && flags == 5, "CHECK_HOT_BACKUP answer: status 0, flags 5");
	tap_ok(hv_ic_host_check_vss(ans, len - 1, req + HV_IC_HDR_SIZE, 12, &status, &flags) != NULL,
	       "a shorter answer refused");
	ans[28] = 6;
	tap_ok(hv_ic_host_check_vss(ans, len, req + HV_IC_HDR_SIZE, 12, &status, &flags) != NULL,
	       "another operation refused");
	ans[28] = 2;
	ans[12] = HV_IC_MSG_KVP;
	tap_ok(hv_ic_host_check_vss(ans, len, req + HV_IC_HDR_SIZE, 12, &status, &flags) != NULL,
	       "another message type refused");

	tap_diag("fcopy");
	tap_ok(!hv_ic_host_fcopy_start(req + HV_IC_HDR_SIZE, "f\xc3\xa9", 3, "/tmp", 4, 3,
				       12345, &len) &&
	       len == 1088 && get_u32(req, 28) == 0 && req[64] == 'f' && req[66] == 0xe9 &&
	       req[68] == 0 && req[584] == '/' && get_u32(req, 28 + 1076) == 3 &&
	       (memcpy(&size, req + 28 + 1080, 8), size == 12345),
	       "START: 1088 bytes, name at 36, path at 556, flags 1076, size 1080");
	{
		char name[300];

		memset(name, 'n', sizeof(name));
		tap_ok(!hv_ic_host_fcopy_start(req + HV_IC_HDR_SIZE, name, 259, "/", 1, 0, 0, &len) &&
		       hv_ic_host_fcopy_start(req + HV_IC_HDR_SIZE, name, 260, "/", 1, 0, 0, &len),
		       "a 259-unit name fits, 260 refused");
	}
	tap_ok(hv_ic_host_fcopy_start(req + HV_IC_HDR_SIZE, "f", 1, "/", 1, 4, 0, &len) != NULL,
	       "unknown copy flags refused");
	{
		static u8 data[6145];

		memset(data, 0xa5, sizeof(data));
		tap_ok(!hv_ic_host_fcopy_write(req + HV_IC_HDR_SIZE, 6144, data, 6144, &len) &&
		       len == 6196 && get_u32(req, 28) == 1 && get_u32(req, 28 + 40) == 6144 &&
		       get_u32(req, 28 + 48) == 6144 && req[28 + 52] == 0xa5 &&
		       req[28 + 52 + 6143] == 0xa5, "WRITE: 6196 bytes, offset 40, size 48, data 52");
		tap_ok(hv_ic_host_fcopy_write(req + HV_IC_HDR_SIZE, 0, data, 6145, &len) != NULL,
		       "6145 bytes of data refused");
		tap_ok(!hv_ic_host_fcopy_write(req + HV_IC_HDR_SIZE, 0, data, 1, &len) &&
		       req[28 + 53] == 0, "a short chunk: the rest zeroed");
	}
	hv_ic_host_fcopy_simple(req + HV_IC_HDR_SIZE, HV_IC_FCOPY_CANCEL, &len);
	tap_ok(len == 36 && get_u32(req, 28) == 3, "CANCEL: the 36-byte header");
	len = answer(HV_IC_MSG_FCOPY, 36, HV_IC_ERROR_ALREADY_EXISTS);
	tap_ok(!hv_ic_host_check_fcopy(ans, len, req + HV_IC_HDR_SIZE, 36, &status) &&
	       status == HV_IC_ERROR_ALREADY_EXISTS, "fcopy answer: its status reported");
	ans[28] = 2;
	tap_ok(hv_ic_host_check_fcopy(ans, len, req + HV_IC_HDR_SIZE, 36, &status) != NULL,
	       "an answer of another operation refused");
	ans[28] = 3;
	tap_ok(hv_ic_host_check_fcopy(ans, len - 4, req + HV_IC_HDR_SIZE, 36, &status) != NULL,
	       "a shorter answer refused");
	return tap_done();
}
