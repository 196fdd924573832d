// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vss_daemon's file system freeze and thaw (see vss_freeze.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

#include "hv_file.h"
#include "vss_freeze.h"

/* Slaves of slaves: deeper than any real stack, shallow enough to end. */
#define VSS_LOOP_DEPTH 8

#ifdef HV_VSS_FAKE_FREEZE
/*
 * Test build only (tests/unit): no ioctl at all. Each freeze or thaw is
 * appended as "freeze DIR" / "thaw DIR" to the file $HV_VSS_FAKE_LOG;
 * the one named by $HV_VSS_FAKE_FAIL fails with errno $HV_VSS_FAKE_ERRNO
 * (default EIO).
 */
static int fs_ioctl(int fd, const char *dir, unsigned long cmd)
{
	const char *what = cmd == FIFREEZE ? "freeze" : "thaw";
	const char *log = getenv("HV_VSS_FAKE_LOG");
	const char *fail = getenv("HV_VSS_FAKE_FAIL");
	const char *err = getenv("HV_VSS_FAKE_ERRNO");
	char line[PATH_MAX + 16];
	int lfd;

	(void)fd;
	snprintf(line, sizeof(line), "%s %s", what, dir);
	if (log) {
		lfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (lfd >= 0) {
			dprintf(lfd, "%s\n", line);
			close(lfd);
		}
	}
	if (fail && !strcmp(fail, line)) {
		errno = err ? atoi(err) : EIO;
		return -1;
	}
	return 0;
}
#else
static int fs_ioctl(int fd, const char *dir, unsigned long cmd)
{
	(void)dir;
	return ioctl(fd, cmd, 0);
}
#endif

/* FIFREEZE or FITHAW on the file system mounted at DIR; 0 or -errno. */
static int freeze_one(const char *dir, unsigned long cmd)
{
	int fd = open(dir, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0) {
		/* Nothing there to thaw (it was never frozen, or is gone). */
		if (cmd == FITHAW && errno == ENOENT)
			return 0;
		return -errno;
	}
	if (fs_ioctl(fd, dir, cmd) < 0) {
		ret = -errno;
		/* Mounted twice (or a btrfs subvolume), or not frozen. */
		if ((cmd == FIFREEZE && ret == -EBUSY) ||
		    (cmd == FITHAW && ret == -EINVAL))
			ret = 0;
	}
	close(fd);
	return ret;
}

/* Whether the block device at sysfs directory DIR is, or sits on, a loop. */
static bool is_loop(const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool loop = false;
	DIR *d;

	if (depth > VSS_LOOP_DEPTH)
		return false;
	snprintf(path, sizeof(path), "%s/loop", dir);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "%s/slaves", dir);
	d = opendir(path);
	if (!d)
		return false;
	while (!loop && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/slaves/%s", dir, de->d_name);
		loop = is_loop(path, depth + 1);
	}
	closedir(d);
	return loop;
}

static bool skip_mount(const struct vss_config *cfg, struct mntent *ent)
{
	char dir[PATH_MAX];
	struct stat st;

	if (strncmp(ent->mnt_fsname, "/dev/", 5))
		return true;
	/* A source that cannot be stat()ed is not known to be a loop. */
	if (stat(ent->mnt_fsname, &st) == 0) {
		snprintf(dir, sizeof(dir), "%s/dev/block/%u:%u",
			 cfg->sysfs_root, major(st.st_rdev), minor(st.st_rdev));
		if (is_loop(dir, 0))
			return true;
	}
	if (hasmntopt(ent, MNTOPT_RO))
		return true;
	return !strcmp(ent->mnt_type, "vfat");
}

static bool list_has(const struct vss_list *list, const char *dir)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (!strcmp(list->dirs[i], dir))
			return true;
	return false;
}

static int list_add(struct vss_list *list, const char *dir)
{
	char **dirs;

	if (list_has(list, dir))
		return 0;
	dirs = realloc(list->dirs, (list->n + 1) * sizeof(*dirs));
	if (!dirs)
		return -ENOMEM;
	list->dirs = dirs;
	dirs[list->n] = strdup(dir);
	if (!dirs[list->n])
		return -ENOMEM;
	list->n++;
	return 0;
}

void vss_list_free(struct vss_list *list)
{
	while (list->n)
		free(list->dirs[--list->n]);
	free(list->dirs);
	list->dirs = NULL;
}

int vss_collect(const struct vss_config *cfg, struct vss_list *list)
{
	struct mntent *ent;
	bool root = false;
	int ret = 0;
	FILE *f;

	list->dirs = NULL;
	list->n = 0;
	f = setmntent(cfg->mounts, "re");
	if (!f)
		return -errno;
	while (!ret && (ent = getmntent(f))) {
		if (skip_mount(cfg, ent))
			continue;
		if (!strcmp(ent->mnt_dir, "/"))
			root = true;
		else
			ret = list_add(list, ent->mnt_dir);
	}
	endmntent(f);
	if (!ret && root)
		ret = list_add(list, "/");
	if (ret)
		vss_list_free(list);
	return ret;
}

static void record_path(const struct vss_config *cfg, char *path, size_t len)
{
	snprintf(path, len, "%s/" VSS_RECORD_NAME, cfg->state_dir);
}

bool vss_record_exists(const struct vss_config *cfg)
{
	char path[PATH_MAX];

	record_path(cfg, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* Write LIST as the record (NUL-separated), atomically. */
static int record_write(const struct vss_config *cfg,
			const struct vss_list *list)
{
	char path[PATH_MAX], *buf, *p;
	size_t i, len = 0;
	int ret;

	if (mkdir(cfg->state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	for (i = 0; i < list->n; i++)
		len += strlen(list->dirs[i]) + 1;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0, p = buf; i < list->n; i++)
		p = stpcpy(p, list->dirs[i]) + 1;
	record_path(cfg, path, sizeof(path));
	ret = hv_write_file_atomic(path, buf, len, 0600);
	free(buf);
	return ret;
}

/* Add the record's mount points to LIST; a missing record adds none. */
static int record_read(const struct vss_config *cfg, struct vss_list *list)
{
	char path[PATH_MAX], *buf = NULL, *p;
	size_t cap = 0, len = 0;
	int fd, ret = 0;
	ssize_t n;

	record_path(cfg, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				ret = -ENOMEM;
				break;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0) {
			if (n < 0)
				ret = -errno;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!ret && buf) {
		buf[len] = '\0';
		/* Absolute paths only: the record is ours, but check. */
		for (p = buf; !ret && p < buf + len; p += strlen(p) + 1)
			if (p[0] == '/')
				ret = list_add(list, p);
	}
	free(buf);
	return ret;
}

static void record_remove(const struct vss_config *cfg)
{
	char path[PATH_MAX];

	record_path(cfg, path, sizeof(path));
	unlink(path);
}

static int thaw_one(const char *dir, int ret, char *err, size_t errlen)
{
	size_t used = strlen(err);
	int r = freeze_one(dir, FITHAW);

	if (r && !ret)
		snprintf(err + used, errlen - used, "%sTHAW of %s failed: %s",
			 used ? "; " : "", dir, strerror(-r));
	return ret ? ret : r;
}

/*
 * Thaw LIST: "/" first (logging and everything else writes there), then
 * the others in the reverse of their freeze order. The first error is
 * returned and appended to ERR; the rest are thawed all the same.
 */
static int thaw_list(const struct vss_list *list, char *err, size_t errlen)
{
	int ret = 0;
	size_t i;

	if (list_has(list, "/"))
		ret = thaw_one("/", ret, err, errlen);
	for (i = list->n; i-- > 0;)
		if (strcmp(list->dirs[i], "/"))
			ret = thaw_one(list->dirs[i], ret, err, errlen);
	return ret;
}

int vss_freeze(const struct vss_config *cfg, char *err, size_t errlen)
{
	struct vss_list list;
	int ret;
	size_t i;

	err[0] = '\0';
	ret = vss_collect(cfg, &list);
	if (ret) {
		snprintf(err, errlen, "cannot read %s: %s", cfg->mounts,
			 strerror(-ret));
		return ret;
	}
	ret = record_write(cfg, &list);
	if (ret) {
		snprintf(err, errlen, "cannot write the frozen record in %s: %s",
			 cfg->state_dir, strerror(-ret));
		vss_list_free(&list);
		return ret;
	}
	for (i = 0; i < list.n; i++) {
		ret = freeze_one(list.dirs[i], FIFREEZE);
		if (ret)
			break;
	}
	if (ret) {
		snprintf(err, errlen, "FREEZE of %s failed: %s", list.dirs[i],
			 strerror(-ret));
		/* Thaw them all, as upstream (not frozen: EINVAL, ignored). */
		if (!thaw_list(&list, err, errlen))
			record_remove(cfg);
	}
	vss_list_free(&list);
	return ret;
}

int vss_thaw(const struct vss_config *cfg, char *err, size_t errlen)
{
	struct vss_list list, all = { NULL, 0 };
	int ret, lret, tret;
	size_t i, used;

	err[0] = '\0';
	lret = vss_collect(cfg, &list);
	/* The record's mount points, then the eligible ones not in it. */
	ret = record_read(cfg, &all);
	for (i = 0; !lret && !ret && i < list.n; i++)
		ret = list_add(&all, list.dirs[i]);
	if (!lret)
		vss_list_free(&list);
	/* Thaw what we know of even when the lists are incomplete. */
	tret = thaw_list(&all, err, errlen);
	vss_list_free(&all);
	if (lret || ret) {
		used = strlen(err);
		snprintf(err + used, errlen - used, "%scannot list what to thaw: %s",
			 used ? "; " : "", strerror(-(lret ? lret : ret)));
		return lret ? lret : ret;
	}
	if (!tret)
		record_remove(cfg);
	return tret;
}
