// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS on the host (the framework is hostsim_ic.c, the wire logic
 * include/hv/hv_ic_host_vss.h).
 *
 *   ic vss check|dminfo|freeze|thaw|complete [luns=N] [relid=N] [tmo=MS]
 *
 * check = CHECK_HOT_BACKUP, dminfo = GET_DM_INFO, freeze = FREEZE with a
 * LUN table of N entries (default 1) in the 6260-byte body, thaw = THAW,
 * complete = BU_COMPLETE. The answer's status is the request's; the
 * answer's flags (CHECK_HOT_BACKUP, GET_DM_INFO) show as answer_flags.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "hostsim.h"

static const char * const hvsim_ic_vss_ops[] = {
	[HV_IC_VSS_OP_CREATE] = "create",
	[HV_IC_VSS_OP_DELETE] = "delete",
	[HV_IC_VSS_OP_HOT_BACKUP] = "check",
	[HV_IC_VSS_OP_GET_DM_INFO] = "dminfo",
	[HV_IC_VSS_OP_BU_COMPLETE] = "complete",
	[HV_IC_VSS_OP_FREEZE] = "freeze",
	[HV_IC_VSS_OP_THAW] = "thaw",
};

/* The keys of "ic vss" beyond relid= and tmo=. */
struct hvsim_ic_vss_keys {
	u8 op;
	u32 *luns;
};

static int hvsim_ic_vss_key(const char *key, char *val, void *arg)
{
	struct hvsim_ic_vss_keys *k = arg;

	if (!strcmp(key, "luns") && k->op == HV_IC_VSS_OP_FREEZE)
		return kstrtou32(val, 10, k->luns) ?: *k->luns > HV_IC_VSS_MAX_LUNS;
	return -ENOENT;
}

/**
 * hvsim_ic_vss_parse() - parse "ic vss OP key=value..."
 * @argc: number of words
 * @argv: the words, "ic" first
 * @op: the operation
 * @luns: luns=, 1 if not given
 * @relid: relid=, 0 if not given
 * @tmo: tmo=, the default if not given
 *
 * Return: 0, or -EINVAL with the reason in last_error.
 */
int hvsim_ic_vss_parse(int argc, char **argv, u8 *op, u32 *luns, u32 *relid, u32 *tmo)
{
	struct hvsim_ic_vss_keys k = { .luns = luns };
	unsigned int i;

	*luns = 1;
	if (argc < 3)
		goto usage;
	for (i = HV_IC_VSS_OP_HOT_BACKUP; i < ARRAY_SIZE(hvsim_ic_vss_ops); i++)
		if (!strcmp(argv[2], hvsim_ic_vss_ops[i]))
			break;
	if (i == ARRAY_SIZE(hvsim_ic_vss_ops))
		goto usage;
	*op = i;
	k.op = i;
	return hvsim_ic_parse_keys(argc, argv, 3, relid, tmo, hvsim_ic_vss_key, &k);
usage:
	hvsim_cmd_fail("usage: ic vss %s [luns=N] [relid=N] [tmo=MS]",
		       "check|dminfo|freeze|thaw|complete");
	return -EINVAL;
}

/**
 * hvsim_ic_vss_stage() - lay a VSS request out in ic->tx
 * @ic: the channel's IC state (its lock held)
 * @r: the new request, staged
 * @op: the operation
 * @luns: FREEZE: LUN table entries
 *
 * Return: 0, or -EINVAL (reason in last_error).
 */
int hvsim_ic_vss_stage(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r, u8 op, u32 luns)
{
	const char *why;
	u32 len = 0;

	BUILD_BUG_ON(sizeof(ic->tx) < HV_IC_HDR_SIZE + HV_IC_VSS_FREEZE_MAX_SIZE);
	why = hv_ic_host_vss_body(op, luns, ic->tx + HV_IC_HDR_SIZE, &len);
	if (why) {
		hvsim_cmd_fail("vss: %s", why);
		return -EINVAL;
	}
	r->kind = HVSIM_IC_VSS;
	r->body_len = len;
	r->op = op;
	r->index = luns;
	return 0;
}

/**
 * hvsim_ic_vss_check() - check the guest's answer to a VSS request
 * @ic: the channel's IC state
 * @r: the request; its status and answer flags are filled in
 * @buf: the answer's payload, the host's private copy
 * @len: its length
 *
 * Return: NULL, or why the answer is refused.
 */
const char *hvsim_ic_vss_check(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
			       const u8 *buf, u32 len)
{
	u32 flags;
	const char *why;

	why = hv_ic_host_check_vss(buf, len, ic->tx + HV_IC_HDR_SIZE, r->body_len, &r->status,
				   &flags);
	if (!why)
		r->value_type = flags;
	return why;
}

/**
 * hvsim_ic_vss_show() - the VSS words of a request's line in ic_requests
 * @s: the file
 * @r: the request
 */
void hvsim_ic_vss_show(struct seq_file *s, const struct hvsim_ic_req *r)
{
	seq_printf(s, " op=%s", hvsim_ic_vss_ops[r->op]);
	if (r->op == HV_IC_VSS_OP_FREEZE)
		seq_printf(s, " luns=%u", r->index);
	if (r->state == HVSIM_IC_REQ_ANSWERED)
		seq_printf(s, " answer_flags=%#x", r->value_type);
}
