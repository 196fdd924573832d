// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the VMBus devices from sysfs. See vmbus_sysfs.h.
 *
 * The sysfs tree may be a fake one (tests) or a half-torn-down one (a device
 * being removed while we read it), so every file is treated as untrusted:
 * bounded reads, strict parsing, and a warning naming the file for anything
 * that does not look like what the kernel writes.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmbus_sysfs.h"

/* A sysfs attribute is at most one page; 64 KiB covers every page size. */
#define ATTR_MAX	(64 * 1024)

/* How much of a bad value a warning quotes, and the buffer for it. */
#define SHOW_MAX	32
#define SHOW_BUF	(SHOW_MAX + 8)

/* ---- small helpers ----------------------------------------------------- */

static void out_of_memory(void)
{
	fputs("lsvmbus: out of memory\n", stderr);
	exit(1);
}

static void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;

	if (size && nmemb > SIZE_MAX / size)
		out_of_memory();
	bytes = nmemb * size;
	ptr = realloc(ptr, bytes ? bytes : 1);
	if (!ptr)
		out_of_memory();
	return ptr;
}

static char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xreallocarray(NULL, len, 1), s, len);
}

static char *path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + 1 + strlen(name) + 1;
	char *path = xreallocarray(NULL, len, 1);

	snprintf(path, len, "%s/%s", dir, name);
	return path;
}

__attribute__((format(printf, 2, 3)))
static void warn(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lsvmbus: warning: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Quote @s for a warning into @buf (SHOW_BUF bytes): at most SHOW_MAX
 * characters, unprintable ones as '?'.
 */
static const char *show_value(const char *s, char *buf)
{
	size_t i, n = 0;

	buf[n++] = '\'';
	for (i = 0; s[i] && i < SHOW_MAX; i++)
		buf[n++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i])
		n += snprintf(buf + n, SHOW_BUF - n, "...");
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

/* ---- reading and parsing one attribute --------------------------------- */

/*
 * Read the whole file at @path into a NUL-terminated buffer (*@out, freed by
 * the caller). Returns 0 or a positive errno; EFBIG when it is bigger than
 * any sysfs attribute can be. NUL bytes in the file become DEL, so that they
 * fail every parser below instead of silently cutting the value short.
 */
static int read_attr(const char *path, char **out)
{
	char *buf = xreallocarray(NULL, ATTR_MAX + 1, 1);
	size_t len = 0, i;
	ssize_t n;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO in a fake tree must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		free(buf);
		return err;
	}
	do {
		n = read(fd, buf + len, ATTR_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		else
			len += n;
	} while (n != 0 && !err && len <= ATTR_MAX);
	close(fd);
	if (!err && len > ATTR_MAX)
		err = EFBIG;
	if (err) {
		free(buf);
		return err;
	}
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = '\x7f';
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Strip leading and trailing white space in place. */
static char *strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* The first line of @buf, stripped (what the Python tool looks at). */
static char *first_line(char *buf)
{
	buf[strcspn(buf, "\n")] = '\0';
	return strip(buf);
}

/* A decimal number that fits 32 bits, digits only. */
static int parse_u32(const char *s, unsigned int *out)
{
	unsigned long long v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	*out = (unsigned int)v;
	return 1;
}

/*
 * A GUID in 8-4-4-4-12 hex form, with or without braces, either case.
 * Writes the kernel's form, lower case with braces, to @out.
 */
static int parse_guid(const char *s, char out[VMBUS_GUID_LEN + 1])
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t len = strlen(s), i;

	if (len == VMBUS_GUID_LEN && s[0] == '{' && s[len - 1] == '}') {
		s++;
		len -= 2;
	}
	if (len != sizeof(shape) - 1)
		return 0;
	out[0] = '{';
	for (i = 0; i < len; i++) {
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
		out[i + 1] = (char)tolower((unsigned char)s[i]);
	}
	out[len + 1] = '}';
	out[len + 2] = '\0';
	return 1;
}

/* ---- one device -------------------------------------------------------- */

/* Read <dev>/id. Returns 0 when the device has to be skipped. */
static int read_id(struct vmbus_dev *dev)
{
	char *path = path_join(dev->path, "id"), *buf, *val, shown[SHOW_BUF];
	int err, ok = 0;

	err = read_attr(path, &buf);
	if (err) {
		warn(path, "%s (device skipped)", strerror(err));
		free(path);
		return 0;
	}
	val = first_line(buf);
	ok = parse_u32(val, &dev->id);
	if (!ok)
		warn(path, "not a channel relid: %s (device skipped)",
		     show_value(val, shown));
	free(buf);
	free(path);
	return ok;
}

/* Read <dev>/@attr, a GUID, into @out. Returns 1 when it is valid. */
static int read_guid_attr(const struct vmbus_dev *dev, const char *attr,
			  char out[VMBUS_GUID_LEN + 1])
{
	char *path = path_join(dev->path, attr), *buf, *val, shown[SHOW_BUF];
	int err, ok;

	err = read_attr(path, &buf);
	if (err) {
		warn(path, "%s", strerror(err));
		free(path);
		return 0;
	}
	val = first_line(buf);
	ok = parse_guid(val, out);
	if (!ok)
		warn(path, "not a GUID: %s", show_value(val, shown));
	free(buf);
	free(path);
	return ok;
}

static void add_chan(struct vmbus_dev *dev, unsigned int relid,
		     unsigned int cpu)
{
	dev->chans = xreallocarray(dev->chans, dev->nr_chans + 1,
				   sizeof(*dev->chans));
	dev->chans[dev->nr_chans].relid = relid;
	dev->chans[dev->nr_chans].cpu = cpu;
	dev->nr_chans++;
}

/* One "relid:cpu" line of channel_vp_mapping. */
static int parse_mapping_line(char *line, unsigned int *relid,
			      unsigned int *cpu)
{
	char *colon = strchr(line, ':');

	if (!colon)
		return 0;
	*colon = '\0';
	return parse_u32(line, relid) && parse_u32(colon + 1, cpu);
}

/*
 * Channels from <dev>/channel_vp_mapping, the file the Python tool reads.
 * Returns 0 when it is missing or unreadable, so the caller falls back to
 * channels/.
 */
static int read_vp_mapping(struct vmbus_dev *dev)
{
	char *path = path_join(dev->path, "channel_vp_mapping");
	char *buf, *line, *next, *val, shown[SHOW_BUF];
	unsigned int relid, cpu, lineno = 0;
	int err;

	err = read_attr(path, &buf);
	if (err) {
		if (err != ENOENT)
			warn(path, "%s", strerror(err));
		free(path);
		return 0;
	}
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		val = strip(line);
		if (!*val)
			continue;
		show_value(val, shown);
		if (parse_mapping_line(val, &relid, &cpu))
			add_chan(dev, relid, cpu);
		else
			warn(path, "line %u: not <relid>:<cpu>: %s (ignored)",
			     lineno, shown);
	}
	free(buf);
	free(path);
	return 1;
}

/* One channels/<relid>/ directory. */
static void read_chan_dir(struct vmbus_dev *dev, const char *dir,
			  const char *name)
{
	char *chan = path_join(dir, name), *path, *buf, *val, shown[SHOW_BUF];
	unsigned int relid, cpu;
	int err;

	if (!parse_u32(name, &relid)) {
		warn(chan, "not a channel relid (ignored)");
		free(chan);
		return;
	}
	path = path_join(chan, "cpu");
	err = read_attr(path, &buf);
	if (err) {
		warn(path, "%s (channel ignored)", strerror(err));
	} else {
		val = first_line(buf);
		if (parse_u32(val, &cpu))
			add_chan(dev, relid, cpu);
		else
			warn(path, "not a CPU number: %s (channel ignored)",
			     show_value(val, shown));
		free(buf);
	}
	free(path);
	free(chan);
}

static int skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* Channels from <dev>/channels/<relid>/cpu, when there is no mapping file. */
static void read_chan_dirs(struct vmbus_dev *dev)
{
	char *dir = path_join(dev->path, "channels");
	struct dirent **ents;
	int i, n;

	n = scandir(dir, &ents, skip_dots, alphasort);
	if (n < 0) {
		if (errno != ENOENT)
			warn(dir, "%s", strerror(errno));
		free(dir);
		return;
	}
	for (i = 0; i < n; i++) {
		read_chan_dir(dev, dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	free(dir);
}

static int chan_cmp(const void *a, const void *b)
{
	const struct vmbus_chan_info *x = a, *y = b;

	if (x->relid != y->relid)
		return x->relid < y->relid ? -1 : 1;
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

static void dev_free(struct vmbus_dev *dev)
{
	free(dev->name);
	free(dev->path);
	free(dev->chans);
}

/* Fill @dev from <root>/<name>. Returns 0 when the device is skipped. */
static int read_dev(const char *root, const char *name, struct vmbus_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->name = xstrdup(name);
	dev->path = path_join(root, name);
	if (!read_id(dev)) {
		dev_free(dev);
		return 0;
	}
	dev->has_class_id = read_guid_attr(dev, "class_id", dev->class_id);
	dev->has_device_id = read_guid_attr(dev, "device_id", dev->device_id);
	if (!read_vp_mapping(dev))
		read_chan_dirs(dev);
	if (dev->nr_chans > 1)
		qsort(dev->chans, dev->nr_chans, sizeof(*dev->chans), chan_cmp);
	return 1;
}

/* ---- the whole bus ----------------------------------------------------- */

static int dev_cmp(const void *a, const void *b)
{
	const struct vmbus_dev *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* @root without trailing slashes, so "/" becomes "" and joins as "/name". */
static char *root_copy(const char *root)
{
	size_t len = strlen(root);
	char *copy;

	while (len > 0 && root[len - 1] == '/')
		len--;
	copy = xreallocarray(NULL, len + 1, 1);
	memcpy(copy, root, len);
	copy[len] = '\0';
	return copy;
}

int vmbus_scan(const char *root, struct vmbus_dev_list *list)
{
	struct dirent **ents;
	char *dir = root_copy(root);
	int i, n;

	list->devs = NULL;
	list->nr = 0;
	if (!*root) {
		free(dir);
		return -ENOENT;
	}
	n = scandir(*dir ? dir : "/", &ents, skip_dots, alphasort);
	if (n < 0) {
		n = -errno;
		free(dir);
		return n;
	}
	list->devs = xreallocarray(NULL, n, sizeof(*list->devs));
	for (i = 0; i < n; i++) {
		if (read_dev(dir, ents[i]->d_name, &list->devs[list->nr]))
			list->nr++;
		free(ents[i]);
	}
	free(ents);
	free(dir);
	if (list->nr > 1)
		qsort(list->devs, list->nr, sizeof(*list->devs), dev_cmp);
	return 0;
}

void vmbus_dev_list_free(struct vmbus_dev_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		dev_free(&list->devs[i]);
	free(list->devs);
	list->devs = NULL;
	list->nr = 0;
}
