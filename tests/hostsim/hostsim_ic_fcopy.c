// SPDX-License-Identifier: GPL-2.0-only
/*
 * fcopy on the host (the framework is hostsim_ic.c, the wire logic
 * include/hv/hv_ic_host_fcopy.h).
 *
 *   ic fcopy start [flags=F] size=N [relid=N] [tmo=MS]
 *                  ic_input: NAME NUL DIRECTORY NUL (UTF-8)
 *   ic fcopy write offset=N [relid=N] [tmo=MS]
 *                  ic_input: the data, 0 to 6144 bytes, raw
 *   ic fcopy complete|cancel [relid=N] [tmo=MS]
 *
 * The host reads no file: hvsim streams the file's bytes through ic_input,
 * one WRITE at a time.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "hostsim.h"

static const char * const hvsim_ic_fcopy_ops[] = {
	[HV_IC_FCOPY_START] = "start",
	[HV_IC_FCOPY_WRITE] = "write",
	[HV_IC_FCOPY_COMPLETE] = "complete",
	[HV_IC_FCOPY_CANCEL] = "cancel",
};

/* The keys of "ic fcopy" beyond relid= and tmo=. */
static int hvsim_ic_fcopy_key(const char *key, char *val, void *arg)
{
	struct hvsim_ic_fcopy_args *a = arg;

	if (a->op == HV_IC_FCOPY_START && !strcmp(key, "flags"))
		return kstrtou32(val, 0, &a->flags);
	if (a->op == HV_IC_FCOPY_START && !strcmp(key, "size"))
		return kstrtou64(val, 10, &a->size);
	if (a->op == HV_IC_FCOPY_WRITE && !strcmp(key, "offset"))
		return kstrtou64(val, 10, &a->offset);
	return -ENOENT;
}

/**
 * hvsim_ic_fcopy_parse() - parse "ic fcopy OP key=value..."
 * @argc: number of words
 * @argv: the words, "ic" first
 * @a: what is asked
 * @relid: relid=, 0 if not given
 * @tmo: tmo=, the default if not given
 *
 * Return: 0, or -EINVAL with the reason in last_error.
 */
int hvsim_ic_fcopy_parse(int argc, char **argv, struct hvsim_ic_fcopy_args *a, u32 *relid,
			 u32 *tmo)
{
	unsigned int k;

	memset(a, 0, sizeof(*a));
	if (argc < 3)
		goto usage;
	for (k = 0; k < ARRAY_SIZE(hvsim_ic_fcopy_ops); k++)
		if (!strcmp(argv[2], hvsim_ic_fcopy_ops[k]))
			break;
	if (k == ARRAY_SIZE(hvsim_ic_fcopy_ops))
		goto usage;
	a->op = k;
	if (hvsim_ic_parse_keys(argc, argv, 3, relid, tmo, hvsim_ic_fcopy_key, a))
		return -EINVAL;
	a->input = hvsim_ic_input_take(&a->input_len);
	return 0;
usage:
	hvsim_cmd_fail("usage: ic fcopy %s [flags=F] [size=N] [offset=N] [relid=N] [tmo=MS]",
		       "start|write|complete|cancel");
	return -EINVAL;
}

/**
 * hvsim_ic_fcopy_stage() - lay an fcopy request out in ic->tx
 * @ic: the channel's IC state (its lock held)
 * @r: the new request, staged
 * @a: what is asked
 *
 * Return: 0, or -EINVAL (reason in last_error).
 */
int hvsim_ic_fcopy_stage(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
			 const struct hvsim_ic_fcopy_args *a)
{
	u8 *body = ic->tx + HV_IC_HDR_SIZE;
	const char *why = NULL;
	u32 len = 0, nlen;

	BUILD_BUG_ON(sizeof(ic->tx) < HV_IC_HDR_SIZE + HV_IC_FCOPY_MAX_BODY);
	switch (a->op) {
	case HV_IC_FCOPY_START:
		nlen = a->input_len ? strnlen(a->input, a->input_len) : 0;
		if (!a->input_len || nlen + 1 >= a->input_len ||
		    a->input[a->input_len - 1] || memchr(a->input + nlen + 1, 0,
							 a->input_len - nlen - 2)) {
			why = "ic_input must hold NAME NUL DIRECTORY NUL";
			break;
		}
		why = hv_ic_host_fcopy_start(body, a->input, nlen, a->input + nlen + 1,
					     a->input_len - nlen - 2, a->flags, a->size, &len);
		r->value_type = a->flags;
		r->offset_ns = (s64)a->size;
		break;
	case HV_IC_FCOPY_WRITE:
		why = hv_ic_host_fcopy_write(body, a->offset, a->input, a->input_len, &len);
		r->value_type = a->input_len;
		r->offset_ns = (s64)a->offset;
		break;
	default:
		hv_ic_host_fcopy_simple(body, a->op, &len);
		break;
	}
	if (why) {
		hvsim_cmd_fail("fcopy %s: %s", hvsim_ic_fcopy_ops[a->op], why);
		return -EINVAL;
	}
	r->kind = HVSIM_IC_FCOPY;
	r->body_len = len;
	r->op = a->op;
	return 0;
}

/**
 * hvsim_ic_fcopy_check() - check the guest's answer to an fcopy request
 * @ic: the channel's IC state
 * @r: the request; its status is filled in
 * @buf: the answer's payload, the host's private copy
 * @len: its length
 *
 * Return: NULL, or why the answer is refused.
 */
const char *hvsim_ic_fcopy_check(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
				 const u8 *buf, u32 len)
{
	return hv_ic_host_check_fcopy(buf, len, ic->tx + HV_IC_HDR_SIZE, r->body_len,
				      &r->status);
}

/**
 * hvsim_ic_fcopy_show() - the fcopy words of a request's line in ic_requests
 * @s: the file
 * @r: the request
 */
void hvsim_ic_fcopy_show(struct seq_file *s, const struct hvsim_ic_req *r)
{
	seq_printf(s, " op=%s", hvsim_ic_fcopy_ops[r->op]);
	if (r->op == HV_IC_FCOPY_START)
		seq_printf(s, " flags=%#x size=%lld", r->value_type, r->offset_ns);
	else if (r->op == HV_IC_FCOPY_WRITE)
		seq_printf(s, " offset=%lld size=%u", r->offset_ns, r->value_type);
}
