// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvmbus output. The text format is the one of the Python lsvmbus in the
 * Linux tree, line for line, so scripts and eyes used to it keep working:
 *
 *   level 0   VMBUS ID %2s: <name>
 *   level 1   VMBUS ID %2s: Class_ID = <class GUID> - <name>
 *             \tRel_ID=<relid>, target_cpu=<cpu>     one per channel
 *             <blank line>
 *   level 2   as level 1, with "\tDevice_ID = <GUID>" and
 *             "\tSysfs path: <path>" after the first line.
 */
#include <stdio.h>

#include "lsvmbus_print.h"
#include "vmbus_class.h"

/* What a field that could not be read prints as. */
#define UNREAD "?"

static const char *dev_class_name(const struct vmbus_dev *dev)
{
	return vmbus_class_name(dev->has_class_id ? dev->class_id : NULL);
}

/* ---- text -------------------------------------------------------------- */

static void print_text_chans(FILE *f, const struct vmbus_dev *dev)
{
	size_t i;

	for (i = 0; i < dev->nr_chans; i++)
		fprintf(f, "\tRel_ID=%u, target_cpu=%u\n",
			dev->chans[i].relid, dev->chans[i].cpu);
}

static void print_text_dev(FILE *f, const struct vmbus_dev *dev, int level)
{
	if (level == 0) {
		fprintf(f, "VMBUS ID %2u: %s\n", dev->id, dev_class_name(dev));
		return;
	}
	fprintf(f, "VMBUS ID %2u: Class_ID = %s - %s\n", dev->id,
		dev->has_class_id ? dev->class_id : UNREAD,
		dev_class_name(dev));
	if (level >= 2)
		fprintf(f, "\tDevice_ID = %s\n\tSysfs path: %s\n",
			dev->has_device_id ? dev->device_id : UNREAD,
			dev->path);
	print_text_chans(f, dev);
	fputc('\n', f);
}

void print_text(FILE *f, const struct vmbus_dev_list *list, int level)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		print_text_dev(f, &list->devs[i], level);
}

/* ---- JSON -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence starting at @s, or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], min;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0;
	}
	/* Stops at the first non-continuation byte, so never reads past NUL. */
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	for (; *s; s += n) {
		n = utf8_len(s);
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else if (n)
			fwrite(s, 1, n, f);
		else
			fputs("\\ufffd", f);
		if (!n)
			n = 1;
	}
	fputc('"', f);
}

static void json_string_or_null(FILE *f, int valid, const char *str)
{
	if (valid)
		json_string(f, str);
	else
		fputs("null", f);
}

static void print_json_chans(FILE *f, const struct vmbus_dev *dev)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < dev->nr_chans; i++)
		fprintf(f, "%s{\"relid\": %u, \"cpu\": %u}", i ? ", " : "",
			dev->chans[i].relid, dev->chans[i].cpu);
	fputc(']', f);
}

static void print_json_dev(FILE *f, const struct vmbus_dev *dev)
{
	fprintf(f, "  {\n    \"vmbus_id\": %u,\n    \"class_id\": ", dev->id);
	json_string_or_null(f, dev->has_class_id, dev->class_id);
	fputs(",\n    \"class_name\": ", f);
	json_string(f, dev_class_name(dev));
	fputs(",\n    \"device_id\": ", f);
	json_string_or_null(f, dev->has_device_id, dev->device_id);
	fputs(",\n    \"sysfs_path\": ", f);
	json_string(f, dev->path);
	fputs(",\n    \"channels\": ", f);
	print_json_chans(f, dev);
	fputs("\n  }", f);
}

void print_json(FILE *f, const struct vmbus_dev_list *list)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < list->nr; i++) {
		fputs(i ? ",\n" : "\n", f);
		print_json_dev(f, &list->devs[i]);
	}
	fputs(list->nr ? "\n]\n" : "]\n", f);
}
