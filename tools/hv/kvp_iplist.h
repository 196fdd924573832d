/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ';'-separated lists of the KVP IP messages (ip_addr, sub_net,
 * gate_way, dns_addr): building one into a fixed-size field without ever
 * cutting an entry, and walking one received from the host.
 */
#ifndef HV_TOOLS_KVP_IPLIST_H
#define HV_TOOLS_KVP_IPLIST_H

#include <stdbool.h>
#include <stddef.h>

struct kvp_list {
	char *buf;		/* always NUL-terminated */
	size_t size;
	size_t len;
};

void kvp_list_init(struct kvp_list *l, char *buf, size_t size);

/* Append ITEM (with a ';' before it unless first); false if it won't fit. */
bool kvp_list_add(struct kvp_list *l, const char *item);

/* Room for ITEM in L? */
bool kvp_list_fits(const struct kvp_list *l, const char *item);

/*
 * The next entry at *cursor into item[size], leading and trailing blanks
 * dropped; *cursor moves past it. Returns 1 for an entry, 0 at the end of
 * the list (an empty entry also ends it, as in the upstream daemon), -1 for
 * an entry longer than size - 1.
 */
int kvp_list_next(const char **cursor, char *item, size_t size);

#endif
