/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One kernel message of /dev/vmbus/hv_kvp, handled in place: the uapi
 * struct hv_kvp_msg (7432 bytes, <linux/hyperv.h>) comes in, the same
 * buffer goes back with hv_kvp_msg.error set to an HV_ status and, for
 * GET and ENUMERATE, the answer's key/value.
 *
 * Statuses, as the upstream daemon answers them: a key or index not
 * found, an oversized or empty key or value: HV_S_CONT (it also ends a
 * host's enumeration); a pool out of range, a short or long message, an
 * unknown operation: HV_E_FAIL (upstream reads out of bounds or answers
 * HV_S_OK); the disk full: HV_ERROR_DISK_FULL (upstream exits); any other
 * pool I/O error: HV_E_FAIL. GET/SET_IP_INFO: see kvp_ipinfo.h and
 * kvp_ipset.h.
 */
#ifndef HV_TOOLS_KVP_MSG_H
#define HV_TOOLS_KVP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/hyperv.h>

#include "kvp_auto.h"
#include "kvp_config.h"

/* The uapi layout the kernel and we agree on (linux/hyperv.h). */
_Static_assert(sizeof(struct hv_kvp_msg) == 7432, "hv_kvp_msg");
_Static_assert(sizeof(struct hv_kvp_exchg_msg_value) == 2572, "msg_value");
_Static_assert(sizeof(struct hv_kvp_msg_enumerate) == 2576, "enumerate");
_Static_assert(sizeof(struct hv_kvp_msg_delete) == 516, "delete");
_Static_assert(sizeof(struct hv_kvp_ipaddr_value) == 7426, "ipaddr_value");
_Static_assert(sizeof(struct hv_kvp_ip_msg) == 7428, "ip_msg");
_Static_assert(sizeof(struct hv_kvp_hdr) == 4, "kvp_hdr");

/* The registration answer of today's kernels (HV_DRV_VERSION). */
#define KVP_LIC_VERSION_DEFAULT "3.1"

struct kvp_state {
	struct kvp_config cfg;
	struct kvp_auto_info auto_info;
	bool registered;		/* REGISTER1 answered since open */
	char lic_version[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
};

/*
 * Handle the LEN bytes of MSG (a buffer of at least sizeof(*msg) bytes;
 * the rest is zeroed). Returns true when MSG now holds an answer to write
 * back (sizeof(*msg) bytes), false for the kernel's registration answer.
 */
bool kvp_handle_msg(struct kvp_state *st, struct hv_kvp_msg *msg, size_t len);

#endif
