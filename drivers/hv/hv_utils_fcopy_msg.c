// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: a host fcopy request checked and turned into the daemon's
 * message (a pure function on buffers: the KUnit suite drives it directly).
 */
#include <linux/hyperv.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "hv_utils.h"

/* A host name (u16[W_MAX_PATH]) into the same field as UTF-8. */
static u32 hv_fcopy_name(const u16 *in, u16 *out)
{
	int units = hv_utf16le_units((const u8 *)in, W_MAX_PATH);

	if (units < 0 ||
	    hv_utf16le_to_utf8((const u8 *)in, units, (char *)out, sizeof(u16) * W_MAX_PATH) < 0)
		return HV_INVALIDARG;
	return HV_S_OK;
}

/**
 * hv_fcopy_to_daemon() - check a host fcopy request and build the daemon's
 * message
 * @body: the request's body
 * @body_len: its length
 * @out: room for HV_FCOPY_MAX_MSG bytes, overwritten
 * @out_len: set to the length of the daemon's message
 *
 * Return: HV_S_OK to pass @out on; else the status to answer at once:
 * HV_E_FAIL (unknown operation, body too short), HV_INVALIDARG (bad names,
 * size or offset).
 */
u32 hv_fcopy_to_daemon(const u8 *body, u32 body_len, void *out, u32 *out_len)
{
	const struct hv_fcopy_hdr *hdr = (const struct hv_fcopy_hdr *)body;
	u64 end;

	memset(out, 0, HV_FCOPY_MAX_MSG);
	*out_len = 0;
	if (body_len < sizeof(*hdr))
		return HV_E_FAIL;

	switch (hdr->operation) {
	case START_FILE_COPY: {
		const struct hv_start_fcopy *in = (const void *)body;
		struct hv_start_fcopy *start = out;

		if (body_len < sizeof(*in))
			return HV_E_FAIL;
		start->hdr = in->hdr;
		if (hv_fcopy_name(in->file_name, start->file_name) ||
		    hv_fcopy_name(in->path_name, start->path_name))
			return HV_INVALIDARG;
		start->copy_flags = in->copy_flags;
		start->file_size = in->file_size;
		*out_len = sizeof(*start);
		return HV_S_OK;
	}
	case WRITE_TO_FILE: {
		const struct hv_do_fcopy *in = (const void *)body;

		if (body_len < sizeof(*in))
			return HV_E_FAIL;
		if (in->size > DATA_FRAGMENT || check_add_overflow(in->offset, (u64)in->size, &end))
			return HV_INVALIDARG;
		memcpy(out, in, sizeof(*in));
		*out_len = sizeof(*in);
		return HV_S_OK;
	}
	case COMPLETE_FCOPY:
	case CANCEL_FCOPY:
		memcpy(out, hdr, sizeof(*hdr));
		*out_len = sizeof(*hdr);
		return HV_S_OK;
	}
	return HV_E_FAIL;
}
