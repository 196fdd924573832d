// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dispatching one hv_kvp_msg (see kvp_msg.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hv_log.h"
#include "kvp_ipinfo.h"
#include "kvp_ipset.h"
#include "kvp_msg.h"
#include "kvp_pool.h"

#define REG_SZ 1

static const char *const op_names[] = {
	"GET", "SET", "DELETE", "ENUMERATE", "GET_IP_INFO", "SET_IP_INFO",
};

static __u32 status_of(int err)
{
	switch (err) {
	case 0:
		return HV_S_OK;
	case -ENOENT:
	case -EINVAL:
		return HV_S_CONT;
	case -ENOSPC:
		return HV_ERROR_DISK_FULL;
	default:
		return HV_E_FAIL;
	}
}

/*
 * A string of the kernel's message: at most min(size, cap) bytes, which
 * must include its NUL. Its length, or -EINVAL.
 */
static long bounded(const __u8 *s, __u32 size, size_t cap)
{
	size_t lim = size < cap ? size : cap;
	size_t n = strnlen((const char *)s, lim);

	if (size > cap || n == lim)
		return -EINVAL;
	return (long)n;
}

static void answer_sz(struct hv_kvp_exchg_msg_value *d)
{
	d->value_type = REG_SZ;
	d->key_size = (__u32)strnlen((char *)d->key, sizeof(d->key)) + 1;
	d->value_size = (__u32)strnlen((char *)d->value, sizeof(d->value)) + 1;
}

static int do_set(struct kvp_state *st, unsigned int pool,
		  struct hv_kvp_exchg_msg_value *d)
{
	long kl = bounded(d->key, d->key_size, sizeof(d->key));
	long vl = bounded(d->value, d->value_size, sizeof(d->value));

	if (kl <= 0 || vl < 0)
		return -EINVAL;
	return kvp_pool_set(st->cfg.pool_dir, pool, (char *)d->key,
			    (size_t)kl, (char *)d->value, (size_t)vl);
}

static int do_get(struct kvp_state *st, unsigned int pool,
		  struct hv_kvp_exchg_msg_value *d)
{
	long kl = bounded(d->key, d->key_size, sizeof(d->key));
	char value[KVP_VALUE_SIZE];
	int ret;

	if (kl <= 0)
		return -EINVAL;
	ret = kvp_pool_get(st->cfg.pool_dir, pool, (char *)d->key,
			   (size_t)kl, value);
	if (ret)
		return ret;
	memcpy(d->value, value, sizeof(d->value));
	answer_sz(d);
	return 0;
}

/* struct hv_kvp_msg_delete is not packed: no pointer to it, only to msg. */
static int do_delete(struct kvp_state *st, unsigned int pool,
		     struct hv_kvp_msg *msg)
{
	__u8 *key = msg->body.kvp_delete.key;
	long kl = bounded(key, msg->body.kvp_delete.key_size,
			  sizeof(msg->body.kvp_delete.key));

	if (kl <= 0)
		return -EINVAL;
	return kvp_pool_delete(st->cfg.pool_dir, pool, (char *)key,
			       (size_t)kl);
}

static int do_enumerate(struct kvp_state *st, unsigned int pool,
			struct hv_kvp_msg_enumerate *e)
{
	struct hv_kvp_exchg_msg_value *d = &e->data;
	char key[KVP_KEY_SIZE], value[KVP_VALUE_SIZE];
	int ret;

	if (pool == KVP_POOL_AUTO)
		ret = kvp_auto_enumerate(&st->auto_info, e->index,
					 st->lic_version, key, value);
	else
		ret = kvp_pool_enumerate(st->cfg.pool_dir, pool, e->index,
					 key, value);
	if (ret)
		return ret;
	memcpy(d->key, key, sizeof(d->key));
	memcpy(d->value, value, sizeof(d->value));
	answer_sz(d);
	return 0;
}

static void registered(struct kvp_state *st, struct hv_kvp_msg *msg)
{
	__u8 *v = msg->body.kvp_register.version;
	size_t n = strnlen((char *)v, sizeof(msg->body.kvp_register.version) - 1);
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			break;
	if (i != n || !n) {
		hv_log(LOG_WARNING, "registration answer without a version; using %s",
		       KVP_LIC_VERSION_DEFAULT);
		snprintf(st->lic_version, sizeof(st->lic_version), "%s",
			 KVP_LIC_VERSION_DEFAULT);
	} else {
		memcpy(st->lic_version, v, n);
		st->lic_version[n] = '\0';
	}
	if (!st->registered)
		hv_log(LOG_INFO, "KVP LIC Version: %s", st->lic_version);
	st->registered = true;
}

bool kvp_handle_msg(struct kvp_state *st, struct hv_kvp_msg *msg, size_t len)
{
	unsigned int op, pool;
	__u32 err;

	if (len < sizeof(*msg))
		memset((char *)msg + len, 0, sizeof(*msg) - len);
	op = msg->kvp_hdr.operation;
	pool = msg->kvp_hdr.pool;
	if (len != sizeof(*msg)) {
		hv_log(LOG_ERR, "malformed message: %zu bytes instead of %zu",
		       len, sizeof(*msg));
		msg->error = (int)(__u32)HV_E_FAIL;
		return true;
	}
	if (op == KVP_OP_REGISTER1) {
		registered(st, msg);
		return false;
	}
	if (op >= KVP_OP_COUNT) {
		hv_log(LOG_ERR, "unknown operation %u", op);
		msg->error = (int)(__u32)HV_E_FAIL;
		return true;
	}
	if (op <= KVP_OP_ENUMERATE && pool >= KVP_POOL_COUNT) {
		hv_log(LOG_ERR, "%s: no pool %u", op_names[op], pool);
		msg->error = (int)(__u32)HV_E_FAIL;
		return true;
	}
	switch (op) {
	case KVP_OP_SET:
		err = status_of(do_set(st, pool, &msg->body.kvp_set.data));
		break;
	case KVP_OP_GET:
		err = status_of(do_get(st, pool, &msg->body.kvp_get.data));
		break;
	case KVP_OP_DELETE:
		err = status_of(do_delete(st, pool, msg));
		break;
	case KVP_OP_ENUMERATE:
		err = status_of(do_enumerate(st, pool,
					     &msg->body.kvp_enum_data));
		break;
	case KVP_OP_GET_IP_INFO:
		err = kvp_ipinfo_get(&st->cfg, &msg->body.kvp_ip_val);
		break;
	default:	/* KVP_OP_SET_IP_INFO */
		err = kvp_ipset_apply(&st->cfg, &msg->body.kvp_ip_val);
		break;
	}
	if (err != HV_S_OK && err != HV_S_CONT && op <= KVP_OP_ENUMERATE)
		hv_log(LOG_WARNING, "%s on pool %u: status 0x%08x",
		       op_names[op], pool, err);
	else if (err != HV_S_OK && err != HV_S_CONT)
		hv_log(LOG_WARNING, "%s: status 0x%08x", op_names[op], err);
	msg->error = (int)err;
	return true;
}
