// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the host's malformed requests (include/hv/hv_ic_host_fault.h):
 * each fault spoils exactly what it names, at the fact sheet's offsets
 * (docs/design/hv_utils.md §1.3, §1.4, §2.4–2.6), goes through its variants,
 * and leaves alone the requests it does not apply to.
 */
#include <string.h>

#include "hv/hv_ic_host_fault.h"
#include "hv/hv_ic_host_fcopy.h"
#include "hv/hv_ic_host_kvp.h"
#include "hv/hv_ic_host_vss.h"
#include "tap.h"

static u8 req[HV_IC_HOST_MAX_REQUEST], orig[HV_IC_HOST_MAX_REQUEST];

static u32 get_u32(const u8 *b, u32 off)
{
	u32 v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static u16 get_u16(const u8 *b, u32 off)
{
	u16 v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

static u64 get_u64(const u8 *b, u32 off)
{
	u64 v;

	memcpy(&v, b + off, sizeof(v));
	return v;
}

/* A heartbeat request with a 40-byte body. */
static u32 heartbeat(void)
{
	memset(req, 0, sizeof(req));
	return hv_ic_host_build_hdr(req, HV_IC_MSG_HEARTBEAT, HV_IC_VERSION(3, 0),
				    HV_IC_VERSION(3, 0), 40);
}

/* A KVP request of @op with key "k" (value "v" for SET). */
static u32 kvp(u8 op)
{
	struct hv_ic_kvp_input in;
	u32 len = 0;

	memset(&in, 0, sizeof(in));
	memset(req, 0, sizeof(req));
	in.op = op;
	in.value_type = HV_IC_KVP_REG_SZ;
	in.str[0] = "k";
	in.len[0] = 1;
	in.str[1] = "v";
	in.len[1] = 1;
	in.n_str = op == HV_IC_KVP_OP_SET ? 2 : op == HV_IC_KVP_OP_ENUMERATE ? 0 : 1;
	if (hv_ic_host_kvp_body(&in, req + HV_IC_HDR_SIZE, &len))
		return 0;
	return hv_ic_host_build_hdr(req, HV_IC_MSG_KVP, HV_IC_VERSION(3, 0), HV_IC_VERSION(4, 0),
				    len);
}

int main(void)
{
	u32 len, n, zeros;

	tap_diag("names");
	tap_ok(hv_ic_fault_by_name("ic-short") == HV_IC_FAULT_SHORT &&
	       hv_ic_fault_by_name("fcopy-bad-name") == HV_IC_FAULT_FCOPY_BAD_NAME &&
	       hv_ic_fault_by_name("none") == HV_IC_FAULT_NONE &&
	       hv_ic_fault_by_name("drop") == HV_IC_FAULT_NONE, "faults by name; none is none");

	tap_diag("framework faults");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_SHORT, 0, &zeros);
	tap_ok(n == 20 && n < HV_IC_HDR_SIZE && !zeros, "ic-short: 20 bytes, below the headers");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_SHORT_BODY, 0, &zeros);
	tap_ok(n == HV_IC_HDR_SIZE + 1 && get_u32(req, 4) == 21 && get_u16(req, 18) == 1,
	       "ic-short-body: 1 body byte, pipe msgsize 21, icmsgsize 1");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_SIZE_LIE, 0, &zeros);
	tap_ok(n == len && get_u16(req, 18) == 40 + 4096 && get_u32(req, 4) == 20 + 40,
	       "ic-size-lie: icmsgsize 4096 beyond the body, the pipe header true");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_BAD_TYPE, 0, &zeros);
	tap_ok(n == len && get_u16(req, 12) == 99, "ic-bad-type: icmsgtype 99");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_BAD_FLAGS, 0, &zeros);
	tap_ok(n == len && req[25] == (HV_IC_FLAG_TRANSACTION | HV_IC_FLAG_RESPONSE),
	       "ic-bad-flags, variant 0: TRANSACTION|RESPONSE");
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_BAD_FLAGS, 1, &zeros);
	tap_ok(req[25] == (HV_IC_FLAGS_REQUEST | HV_IC_FLAG_RESPONSE),
	       "ic-bad-flags, variant 1: TRANSACTION|REQUEST|RESPONSE");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_NEGO_COUNT, 0, &zeros);
	tap_ok(n == HV_IC_HDR_SIZE + 16 && get_u16(req, 12) == HV_IC_MSG_NEGOTIATE &&
	       get_u16(req, 18) == 16 && get_u32(req, 4) == 36 && get_u16(req, 28) == 255 &&
	       get_u16(req, 30) == 255, "ic-nego-count, variant 0: a negotiation, 255/255, room for 2");
	len = heartbeat();
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_NEGO_COUNT, 1, &zeros);
	tap_ok(get_u16(req, 28) == 3 && get_u16(req, 30) == 3 &&
	       n < HV_IC_HDR_SIZE + 8 + 4 * (3 + 3), "ic-nego-count, variant 1: 3/3, room for 2");
	len = heartbeat();
	tap_ok(!hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_POOL, 0, &zeros) &&
	       !hv_ic_host_fault(req, len, HV_IC_FAULT_VSS_OVERSIZE, 0, &zeros) &&
	       !hv_ic_host_fault(req, len, HV_IC_FAULT_NONE, 0, &zeros) &&
	       !hv_ic_host_fault(req, len, HV_IC_FAULT_COUNT, 0, &zeros),
	       "service faults leave a heartbeat alone; none and out-of-range do nothing");

	tap_diag("KVP");
	len = kvp(HV_IC_KVP_OP_SET);
	tap_ok(len && get_u32(req, 28 + 8) == 4, "SET of key \"k\": key_size 4 at body offset 8");
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_STRING, 0, &zeros);
	tap_ok(n == len && get_u32(req, 28 + 8) == 5, "kvp-bad-string, variant 0: key_size odd");
	len = kvp(HV_IC_KVP_OP_SET);
	hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_STRING, 1, &zeros);
	tap_ok(get_u32(req, 28 + 8) == 512 && req[28 + 16] == 'A' && req[28 + 16 + 510] == 'A' &&
	       req[28 + 16 + 511] == 0, "variant 1: the key field all 'A', key_size 512, no NUL");
	len = kvp(HV_IC_KVP_OP_GET);
	hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_STRING, 2, &zeros);
	tap_ok(get_u32(req, 28 + 8) == 514, "variant 2 (GET): key_size 514, beyond the field");
	len = kvp(HV_IC_KVP_OP_DELETE);
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_STRING, 0, &zeros);
	tap_ok(n == len && get_u32(req, 28 + 4) == 5, "DELETE: its key_size at body offset 4");
	len = kvp(HV_IC_KVP_OP_ENUMERATE);
	memcpy(orig, req, len);
	tap_ok(len && !hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_STRING, 0, &zeros) &&
	       !memcmp(orig, req, len), "ENUMERATE: no key, left alone");
	len = kvp(HV_IC_KVP_OP_SET);
	tap_ok(hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_POOL, 0, &zeros) == len &&
	       req[29] == 5, "kvp-bad-pool: pool 5");
	tap_ok(hv_ic_host_fault(req, len, HV_IC_FAULT_KVP_BAD_OP, 0, &zeros) == len &&
	       req[28] == 99, "kvp-bad-op: operation 99");

	tap_diag("VSS");
	memset(req, 0, sizeof(req));
	hv_ic_host_vss_body(HV_IC_VSS_OP_HOT_BACKUP, 0, req + HV_IC_HDR_SIZE, &n);
	len = hv_ic_host_build_hdr(req, HV_IC_MSG_VSS, HV_IC_VERSION(3, 0), HV_IC_VERSION(5, 0), n);
	n = hv_ic_host_fault(req, len, HV_IC_FAULT_VSS_OVERSIZE, 0, &zeros);
	tap_ok(n == len && len + zeros == HV_IC_HDR_SIZE + 12500 && get_u16(req, 18) == 12500 &&
	       get_u32(req, 4) == 20 + 12500, "vss-oversize: 12500 body bytes, sizes saying so");
	tap_ok(hv_ic_host_fault(req, len, HV_IC_FAULT_VSS_BAD_OP, 0, &zeros) == len &&
	       req[28] == 99, "vss-bad-op: operation 99");

	tap_diag("fcopy");
	memset(req, 0, sizeof(req));
	hv_ic_host_fcopy_write(req + HV_IC_HDR_SIZE, 4096, "abc", 3, &n);
	len = hv_ic_host_build_hdr(req, HV_IC_MSG_FCOPY, HV_IC_VERSION(3, 0), HV_IC_VERSION(1, 1), n);
	tap_ok(hv_ic_host_fault(req, len, HV_IC_FAULT_FCOPY_BAD_SIZE, 0, &zeros) == len &&
	       get_u32(req, 28 + 48) == 6145 && get_u64(req, 28 + 40) == 4096,
	       "fcopy-bad-size, variant 0: WRITE size 6145");
	hv_ic_host_fault(req, len, HV_IC_FAULT_FCOPY_BAD_SIZE, 1, &zeros);
	tap_ok(get_u32(req, 28 + 48) == 100 && get_u64(req, 28 + 40) == ~0ULL - 10,
	       "variant 1: offset 2^64-11, size 100: the sum wraps");
	tap_ok(!hv_ic_host_fault(req, len, HV_IC_FAULT_FCOPY_BAD_NAME, 0, &zeros),
	       "fcopy-bad-name leaves a WRITE alone");
	memset(req, 0, sizeof(req));
	hv_ic_host_fcopy_start(req + HV_IC_HDR_SIZE, "f", 1, "/d", 2, 0, 3, &n);
	len = hv_ic_host_build_hdr(req, HV_IC_MSG_FCOPY, HV_IC_VERSION(3, 0), HV_IC_VERSION(1, 1), n);
	tap_ok(hv_ic_host_fault(req, len, HV_IC_FAULT_FCOPY_BAD_NAME, 0, &zeros) == len &&
	       req[28 + 36] == 'A' && req[28 + 36 + 518] == 'A' && req[28 + 36 + 519] == 0 &&
	       get_u16(req, 28 + 36 + 520) == '/', "fcopy-bad-name: 260 units of 'A', the path kept");
	tap_ok(!hv_ic_host_fault(req, len, HV_IC_FAULT_FCOPY_BAD_SIZE, 0, &zeros),
	       "fcopy-bad-size leaves a START alone");
	return tap_done();
}
