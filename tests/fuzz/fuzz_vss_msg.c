// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_vss_daemon's message handling
 * (tools/hv/vss_msg.c): any bytes the kernel may hand the daemon get a
 * 12-byte answer whose status is HV_S_OK or HV_E_FAIL, freeze/thaw are
 * called only for a 12-byte FREEZE/THAW, and bytes 4-11 of a 12-byte
 * request come back unchanged (AddressSanitizer watches an exact-size
 * copy of the input).
 * fuzz-sources: tools/hv/vss_msg.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vss_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int freezes, thaws;

static int fake_freeze(void *ctx)
{
	(void)ctx;
	freezes++;
	return freezes % 3 == 0 ? -5 : 0;
}

static int fake_thaw(void *ctx)
{
	(void)ctx;
	thaws++;
	return 0;
}

static const struct vss_ops ops = { fake_freeze, fake_thaw };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct hv_vss_msg ans;
	int f = freezes, t = thaws;
	uint8_t *copy = malloc(len ? len : 1);
	__u32 status;

	if (!copy)
		return 0;
	memcpy(copy, data, len);
	status = vss_handle_msg(copy, len, &ans, &ops, NULL);
	if (status != HV_S_OK && status != HV_E_FAIL)
		abort();
	if ((__u32)ans.error != status)
		abort();
	if (len != 12 && (freezes != f || thaws != t || status != HV_E_FAIL))
		abort();
	if (len == 12) {
		if ((freezes != f) != (data[0] == VSS_OP_FREEZE) ||
		    (thaws != t) != (data[0] == VSS_OP_THAW))
			abort();
		if (memcmp((const uint8_t *)&ans + 4, data + 4, 8))
			abort();
	}
	free(copy);
	return 0;
}
