// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the host-message checker of hv_vmbus
 * (include/hv/vmbus_msg_check.h): any bytes the host may deliver must be
 * either rejected or accepted with every checked field in range, and never
 * read out of bounds (AddressSanitizer watches an exact-size copy).
 */
#include <stdlib.h>
#include <string.h>

#include "hv/vmbus_msg_check.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	const char *why = NULL;
	u8 *msg;
	int type;

	if (len > 4096)
		return 0;
	/* exact-size heap copy: any read past the end is caught */
	msg = malloc(len ? len : 1);
	if (!msg)
		return 0;
	memcpy(msg, data, len);
	type = vmbus_host_msg_check(msg, (u32)len, &why);
	if (type < 0) {
		if (!why)
			abort();	/* a rejection must say why */
	} else {
		if (len < VMBUS_MSG_HEADER_SIZE || len > VMBUS_MSG_PAYLOAD_MAX ||
		    len < vmbus_msg_min_size((u32)type))
			abort();
		if (type == VMBUS_MSG_OFFERCHANNEL &&
		    !vmbus_msg_relid_ok(vmbus_msg_get_u32(msg, VMBUS_OFFER_RELID_OFF)))
			abort();
		if (type == VMBUS_MSG_RESCIND_CHANNELOFFER &&
		    !vmbus_msg_relid_ok(vmbus_msg_get_u32(msg, VMBUS_MSG_HEADER_SIZE)))
			abort();
	}
	free(msg);
	return 0;
}
