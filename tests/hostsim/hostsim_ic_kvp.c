// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVP on the host (the framework is hostsim_ic.c, the wire logic
 * include/hv/hv_ic_host_kvp.h).
 *
 *   ic kvp get|set|delete|enum|ipget|ipset [pool=N] [type=sz|u32|u64]
 *          [index=N] [family=N] [dhcp=0|1] [relid=N] [tmo=MS]
 *
 * The strings of a request come from the ic_input debugfs file, written
 * just before the command (a write at offset 0 starts anew; a command
 * consumes them, even when it fails): UTF-8 strings,
 * each ended by a NUL byte: get/delete KEY; set KEY VALUE (for u32/u64 a
 * decimal number); ipget ADAPTER; ipset ADAPTER ADDRS MASKS GATEWAYS DNS
 * (';'-separated lists). The command converts them to UTF-16LE with bounds
 * (a key of at most 255 units, a value of 1023) and lays the request out
 * at once, so that a request that cannot be built fails the command with
 * the reason in last_error. The pool is sent as given (0 to 255), so that
 * the guest's refusal of pools beyond 4 can be tested.
 *
 * A valid answer with data (GET, ENUMERATE, GET_IP_INFO) is kept, the
 * host's private copy, until the next one; ic_requests shows its strings
 * on the request's line as key="..." value="..." (or adapter, addr, mask,
 * gw, dns): always between double quotes, with '"', '\' and control bytes
 * escaped as \", \\ and \xHH; other bytes, UTF-8 included, as they are.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hostsim.h"

/* The staged strings (hvsim.lock). */
static char hvsim_ic_input[HVSIM_IC_INPUT_MAX];
static u32 hvsim_ic_input_len;

/* Where a string of an answer becomes UTF-8 for printing (hvsim.lock). */
static char hvsim_ic_utf8[HV_IC_UTF8_PER_UNIT * 1024 + 1];

/**
 * hvsim_ic_input_write() - the ic_input file: stage the strings of the
 *	next request
 * @ubuf: the bytes
 * @count: how many
 * @ppos: the file position; 0 starts anew
 *
 * Return: @count, or a negative errno (-EFBIG beyond HVSIM_IC_INPUT_MAX).
 */
ssize_t hvsim_ic_input_write(const char __user *ubuf, size_t count, loff_t *ppos)
{
	ssize_t ret = count;

	mutex_lock(&hvsim.lock);
	if (*ppos == 0)
		hvsim_ic_input_len = 0;
	if (*ppos != hvsim_ic_input_len || count > HVSIM_IC_INPUT_MAX - hvsim_ic_input_len) {
		ret = *ppos != hvsim_ic_input_len ? -EINVAL : -EFBIG;
	} else if (copy_from_user(hvsim_ic_input + hvsim_ic_input_len, ubuf, count)) {
		ret = -EFAULT;
	} else {
		hvsim_ic_input_len += count;
		*ppos += count;
	}
	mutex_unlock(&hvsim.lock);
	return ret;
}

/**
 * hvsim_ic_input_take() - the staged bytes, consumed
 * @len: their length
 *
 * Called with hvsim.lock held; the bytes stay until the next write to
 * ic_input, which needs that lock.
 *
 * Return: the bytes.
 */
const char *hvsim_ic_input_take(u32 *len)
{
	lockdep_assert_held(&hvsim.lock);
	*len = hvsim_ic_input_len;
	hvsim_ic_input_len = 0;
	return hvsim_ic_input;
}

static const char * const hvsim_ic_kvp_ops[] = {
	[HV_IC_KVP_OP_GET] = "get",
	[HV_IC_KVP_OP_SET] = "set",
	[HV_IC_KVP_OP_DELETE] = "delete",
	[HV_IC_KVP_OP_ENUMERATE] = "enum",
	[HV_IC_KVP_OP_GET_IP_INFO] = "ipget",
	[HV_IC_KVP_OP_SET_IP_INFO] = "ipset",
};

/* The keys of "ic kvp" beyond relid= and tmo=. */
static int hvsim_ic_kvp_key(const char *key, char *val, void *arg)
{
	struct hv_ic_kvp_input *in = arg;
	u32 v;
	int ret;

	if (!strcmp(key, "pool"))
		return kstrtou8(val, 10, &in->pool);
	if (!strcmp(key, "index"))
		return kstrtou32(val, 10, &in->index);
	if (!strcmp(key, "family"))
		return kstrtou8(val, 10, &in->family);
	if (!strcmp(key, "dhcp")) {
		ret = kstrtou32(val, 10, &v) ?: v > 1;
		in->dhcp = v;
		return ret;
	}
	if (strcmp(key, "type"))
		return -ENOENT;
	if (!strcmp(val, "sz"))
		in->value_type = HV_IC_KVP_REG_SZ;
	else if (!strcmp(val, "u32"))
		in->value_type = HV_IC_KVP_REG_U32;
	else if (!strcmp(val, "u64"))
		in->value_type = HV_IC_KVP_REG_U64;
	else
		return -EINVAL;
	return 0;
}

/**
 * hvsim_ic_kvp_parse() - parse "ic kvp OP key=value..." and the staged
 *	strings
 * @argc: number of words
 * @argv: the words, "ic" first
 * @in: what is asked
 * @relid: relid=, 0 if not given
 * @tmo: tmo=, the default if not given
 *
 * Called with hvsim.lock held.
 *
 * Return: 0, or -EINVAL with the reason in last_error.
 */
int hvsim_ic_kvp_parse(int argc, char **argv, struct hv_ic_kvp_input *in, u32 *relid,
		       u32 *tmo)
{
	u32 i, start;

	memset(in, 0, sizeof(*in));
	in->value_type = HV_IC_KVP_REG_SZ;
	if (argc < 3)
		goto usage;
	for (i = 0; i < ARRAY_SIZE(hvsim_ic_kvp_ops); i++)
		if (!strcmp(argv[2], hvsim_ic_kvp_ops[i]))
			break;
	if (i == ARRAY_SIZE(hvsim_ic_kvp_ops))
		goto usage;
	in->op = i;
	if (hvsim_ic_parse_keys(argc, argv, 3, relid, tmo, hvsim_ic_kvp_key, in))
		return -EINVAL;
	/* the staged strings, each ended by a NUL */
	for (i = 0, start = 0; i < hvsim_ic_input_len; i++) {
		if (hvsim_ic_input[i])
			continue;
		if (in->n_str == ARRAY_SIZE(in->str)) {
			hvsim_cmd_fail("more than %zu strings in ic_input", ARRAY_SIZE(in->str));
			return -EINVAL;
		}
		in->str[in->n_str] = hvsim_ic_input + start;
		in->len[in->n_str++] = i - start;
		start = i + 1;
	}
	if (start != hvsim_ic_input_len) {
		hvsim_cmd_fail("ic_input does not end with a NUL byte");
		return -EINVAL;
	}
	/* consumed: the next command needs its own (the bytes stay till then) */
	hvsim_ic_input_len = 0;
	return 0;
usage:
	hvsim_cmd_fail("usage: ic kvp %s [pool=N] [type=sz|u32|u64] [index=N] %s",
		       "get|set|delete|enum|ipget|ipset",
		       "[family=N] [dhcp=0|1] [relid=N] [tmo=MS]");
	return -EINVAL;
}

/**
 * hvsim_ic_kvp_stage() - lay a KVP request out in ic->tx
 * @ic: the channel's IC state (its lock held)
 * @r: the new request, staged
 * @in: what is asked
 *
 * Return: 0, -EINVAL when the request cannot be built (reason in
 * last_error), -ENOMEM.
 */
int hvsim_ic_kvp_stage(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
		       struct hv_ic_kvp_input *in)
{
	const char *why;
	u32 len = 0;

	BUILD_BUG_ON(sizeof(ic->tx) < HV_IC_HDR_SIZE + HV_IC_KVP_MAX_BODY);
	if (in->op >= HV_IC_KVP_OP_GET_IP_INFO && ic->msgver > HV_IC_VERSION(4, 0)) {
		hvsim_cmd_fail("KVP %u.%u carries IP information in the binary form, not built",
			       HV_IC_VERSION_MAJOR(ic->msgver), HV_IC_VERSION_MINOR(ic->msgver));
		return -EINVAL;
	}
	if (!ic->answer) {
		ic->answer = kvmalloc(HV_IC_HOST_MAX_REQUEST, GFP_KERNEL);
		if (!ic->answer)
			return -ENOMEM;
	}
	why = hv_ic_host_kvp_body(in, ic->tx + HV_IC_HDR_SIZE, &len);
	if (why) {
		hvsim_cmd_fail("kvp %s: %s", hvsim_ic_kvp_ops[in->op], why);
		return -EINVAL;
	}
	r->kind = HVSIM_IC_KVP;
	r->body_len = len;
	r->op = in->op;
	r->pool = in->pool;
	r->value_type = in->value_type;
	r->index = in->op >= HV_IC_KVP_OP_GET_IP_INFO ? in->family | in->dhcp << 8 : in->index;
	return 0;
}

/**
 * hvsim_ic_kvp_check() - check the guest's answer to a KVP request; keep
 *	a valid one that carries data
 * @ic: the channel's IC state
 * @r: the request
 * @buf: the answer's payload, the host's private copy
 * @len: its length
 *
 * Return: NULL, or why the answer is refused.
 */
const char *hvsim_ic_kvp_check(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
			       const u8 *buf, u32 len)
{
	const char *why;

	why = hv_ic_host_check_kvp(buf, len, ic->tx + HV_IC_HDR_SIZE, r->body_len, &r->status);
	if (why || r->status != HV_IC_S_OK || !ic->answer)
		return why;
	if (r->op == HV_IC_KVP_OP_GET || r->op == HV_IC_KVP_OP_ENUMERATE ||
	    r->op == HV_IC_KVP_OP_GET_IP_INFO) {
		ic->answer_len = min_t(u32, len, HV_IC_HOST_MAX_REQUEST);
		memcpy(ic->answer, buf, ic->answer_len);
		ic->answer_id = r->id;
	}
	return NULL;
}

/* " KEY=" and the UTF-16 string at @s (checked) between quotes, escaped. */
static void hvsim_ic_kvp_print(struct seq_file *s, const char *key, const u8 *str, u32 field)
{
	int units = hv_ic_utf16_check(str, field, HV_IC_UTF16_UNSIZED), n, i;
	unsigned char ch;

	seq_printf(s, " %s=\"", key);
	n = units < 0 ? -1 : hv_ic_utf16_to_utf8(str, units, hvsim_ic_utf8,
						  sizeof(hvsim_ic_utf8));
	for (i = 0; i < n; i++) {
		ch = hvsim_ic_utf8[i];
		if (ch == '"' || ch == '\\')
			seq_printf(s, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			seq_printf(s, "\\x%02x", ch);
		else
			seq_putc(s, ch);
	}
	seq_putc(s, '"');
}

/**
 * hvsim_ic_kvp_show() - the KVP words of a request's line in ic_requests
 * @s: the file
 * @ic: the channel's IC state
 * @r: the request
 *
 * Called with hvsim.lock and the channel's lock held.
 */
void hvsim_ic_kvp_show(struct seq_file *s, const struct hvsim_ic_chan *ic,
		       const struct hvsim_ic_req *r)
{
	const u8 *body = ic->answer + HV_IC_HDR_SIZE;
	u32 i;

	seq_printf(s, " op=%s pool=%u", hvsim_ic_kvp_ops[r->op], r->pool);
	if (r->op == HV_IC_KVP_OP_SET)
		seq_printf(s, " type=%s", r->value_type == HV_IC_KVP_REG_U32 ? "u32" :
			   r->value_type == HV_IC_KVP_REG_U64 ? "u64" : "sz");
	else if (r->op == HV_IC_KVP_OP_ENUMERATE)
		seq_printf(s, " index=%u", r->index);
	else if (r->op >= HV_IC_KVP_OP_GET_IP_INFO)
		seq_printf(s, " family=%u dhcp=%u", r->index & 0xff, r->index >> 8);
	if (!ic->answer || ic->answer_id != r->id || r->state != HVSIM_IC_REQ_ANSWERED)
		return;
	switch (r->op) {
	case HV_IC_KVP_OP_GET:
		hvsim_ic_kvp_print(s, "key", ic->tx + HV_IC_HDR_SIZE +
				   offsetof(struct hv_ic_kvp_get_set, data.key),
				   HV_IC_KVP_MAX_KEY_SIZE);
		hvsim_ic_kvp_print(s, "value", body + offsetof(struct hv_ic_kvp_get_set,
							       data.value),
				   HV_IC_KVP_MAX_VALUE_SIZE);
		break;
	case HV_IC_KVP_OP_ENUMERATE:
		hvsim_ic_kvp_print(s, "key", body + offsetof(struct hv_ic_kvp_enumerate,
							     data.key),
				   HV_IC_KVP_MAX_KEY_SIZE);
		hvsim_ic_kvp_print(s, "value", body + offsetof(struct hv_ic_kvp_enumerate,
							       data.value),
				   HV_IC_KVP_MAX_VALUE_SIZE);
		break;
	case HV_IC_KVP_OP_GET_IP_INFO: {
		static const char * const names[] = { "adapter", "addr", "mask", "gw", "dns" };

		seq_printf(s, " answer_family=%u answer_dhcp=%u",
			   body[offsetof(struct hv_ic_kvp_ip, addr_family)],
			   body[offsetof(struct hv_ic_kvp_ip, dhcp_enabled)]);
		for (i = 0; i < ARRAY_SIZE(names); i++)
			hvsim_ic_kvp_print(s, names[i], body + hv_ic_kvp_ip_fields[i].off,
					   hv_ic_kvp_ip_fields[i].size);
		break;
	}
	default:
		break;
	}
}
