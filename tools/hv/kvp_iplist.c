// SPDX-License-Identifier: GPL-2.0-only
/*
 * ';'-separated lists of the KVP IP messages (see kvp_iplist.h).
 */
#include <string.h>

#include "kvp_iplist.h"

void kvp_list_init(struct kvp_list *l, char *buf, size_t size)
{
	l->buf = buf;
	l->size = size;
	l->len = 0;
	if (size)
		buf[0] = '\0';
}

bool kvp_list_fits(const struct kvp_list *l, const char *item)
{
	return l->len + (l->len ? 1 : 0) + strlen(item) < l->size;
}

bool kvp_list_add(struct kvp_list *l, const char *item)
{
	size_t n = strlen(item);

	if (!kvp_list_fits(l, item))
		return false;
	if (l->len)
		l->buf[l->len++] = ';';
	memcpy(l->buf + l->len, item, n + 1);
	l->len += n;
	return true;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int kvp_list_next(const char **cursor, char *item, size_t size)
{
	const char *p = *cursor, *end;
	size_t n;

	while (blank(*p))
		p++;
	end = strchr(p, ';');
	if (!end)
		end = p + strlen(p);
	*cursor = *end ? end + 1 : end;
	n = (size_t)(end - p);
	while (n && blank(p[n - 1]))
		n--;
	if (!n)
		return 0;
	if (n >= size)
		return -1;
	memcpy(item, p, n);
	item[n] = '\0';
	return 1;
}
