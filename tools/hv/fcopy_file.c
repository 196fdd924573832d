// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon's file handling (see fcopy_file.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy_file.h"
#include "hv_file.h"
#include "hv_log.h"

#define FCOPY_MODE 0744

void fcopy_file_init(struct fcopy_file *f, const char *state_dir,
		     bool no_tmpfile)
{
	memset(f, 0, sizeof(*f));
	f->state_dir = state_dir;
	f->no_tmpfile = no_tmpfile;
	f->dirfd = -1;
	f->fd = -1;
}

static void record_path(const struct fcopy_file *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" FCOPY_PARTIAL_RECORD, f->state_dir);
}

/* Note DIR/TEMP in the partial record before it is created. */
static int record_write(const struct fcopy_file *f)
{
	char path[PATH_MAX], line[PATH_MAX + NAME_MAX + 2];
	int n;

	if (mkdir(f->state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	record_path(f, path, sizeof(path));
	n = snprintf(line, sizeof(line), "%s/%s", f->dir, f->temp);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENAMETOOLONG;
	return hv_write_file_atomic(path, line, (size_t)n + 1, 0600);
}

static void record_remove(const struct fcopy_file *f)
{
	char path[PATH_MAX];

	record_path(f, path, sizeof(path));
	unlink(path);
}

void fcopy_file_cleanup(struct fcopy_file *f)
{
	char path[PATH_MAX], line[PATH_MAX + NAME_MAX + 2], *base;
	ssize_t n;
	int fd;

	record_path(f, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	line[n > 0 ? n : 0] = '\0';
	base = strrchr(line, '/');
	/* Only ever one of our temp files. */
	if (line[0] == '/' && base &&
	    !strncmp(base + 1, FCOPY_TEMP_PREFIX, strlen(FCOPY_TEMP_PREFIX)) &&
	    unlink(line) == 0)
		hv_log(LOG_INFO, "removed %s, left by a copy in progress", line);
	unlink(path);
}

void fcopy_file_drop(struct fcopy_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->temp[0]) {
		unlinkat(f->dirfd, f->temp, 0);
		record_remove(f);
	}
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->fd = -1;
	f->dirfd = -1;
	f->temp[0] = '\0';
	f->name[0] = '\0';
}

/* Every directory of PATH, created (0755) when CREATE; 0 or HV_E_FAIL. */
static __u32 make_dirs(const char *path, bool create)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return HV_E_FAIL;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue;
		buf[i] = '\0';
		if (stat(buf, &st) < 0) {
			if (errno != ENOENT || !create ||
			    (mkdir(buf, 0755) < 0 && errno != EEXIST)) {
				hv_log(LOG_ERR, "%s %s: %s",
				       create ? "cannot create" : "no directory",
				       buf, strerror(errno));
				return HV_E_FAIL;
			}
		} else if (!S_ISDIR(st.st_mode)) {
			hv_log(LOG_ERR, "not a directory: %s", buf);
			return HV_E_FAIL;
		}
		buf[i] = path[i];
	}
	return 0;
}

/* A fresh FCOPY_TEMP_PREFIX name in f->temp. */
static void temp_name(struct fcopy_file *f)
{
	unsigned int r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r ^= (unsigned int)getpid() * 2654435761u + (unsigned int)rand();
	snprintf(f->temp, sizeof(f->temp), FCOPY_TEMP_PREFIX "%08x", r);
}

static __u32 errno_status(int err)
{
	return err == ENOSPC || err == EFBIG || err == EDQUOT ?
		HV_ERROR_DISK_FULL : HV_E_FAIL;
}

/* Create a named temp file (recorded first); 0 or -errno. */
static int create_named(struct fcopy_file *f)
{
	int i, ret;

	for (i = 0; i < 100; i++) {
		temp_name(f);
		ret = record_write(f);
		if (ret)
			break;
		f->fd = openat(f->dirfd, f->temp,
			       O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, FCOPY_MODE);
		if (f->fd >= 0)
			return 0;
		ret = -errno;
		if (ret != -EEXIST)
			break;
	}
	record_remove(f);
	f->temp[0] = '\0';
	return ret;
}

__u32 fcopy_file_start(struct fcopy_file *f, const char *path,
		       const char *name, __u32 flags)
{
	struct stat st;
	__u32 status;
	int ret;

	fcopy_file_drop(f);
	if (strlen(path) >= sizeof(f->dir) || strlen(name) >= sizeof(f->name))
		return HV_INVALIDARG;
	status = make_dirs(path, flags & CREATE_PATH);
	if (status)
		return status;
	f->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0) {
		hv_log(LOG_ERR, "cannot open %s: %s", path, strerror(errno));
		return HV_E_FAIL;
	}
	snprintf(f->dir, sizeof(f->dir), "%s", path);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->overwrite = flags & OVER_WRITE;
	if (fstatat(f->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !f->overwrite) {
		hv_log(LOG_INFO, "%s/%s exists", path, name);
		fcopy_file_drop(f);
		return HV_ERROR_ALREADY_EXISTS;
	}
	ret = 0;
	if (!f->no_tmpfile) {
		f->fd = openat(f->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
			       FCOPY_MODE);
		if (f->fd < 0)
			ret = -errno;
	}
	/* No O_TMPFILE here (or in this file system): a named temp file. */
	if (f->fd < 0 && (f->no_tmpfile || ret == -EOPNOTSUPP ||
			  ret == -EISDIR || ret == -EINVAL))
		ret = create_named(f);
	if (f->fd < 0 || fchmod(f->fd, FCOPY_MODE) < 0) {
		if (!ret)
			ret = -errno;
		hv_log(LOG_ERR, "cannot create a file in %s: %s", path,
		       strerror(-ret));
		fcopy_file_drop(f);
		return errno_status(-ret);
	}
	return HV_S_OK;
}

__u32 fcopy_file_write(struct fcopy_file *f, __u64 offset, const void *data,
		       __u32 size)
{
	const char *p = data;
	ssize_t n;
	int err;

	if (f->fd < 0)
		return HV_E_FAIL;
	while (size) {
		n = pwrite(f->fd, p, size, (off_t)offset);
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			if (err == EINTR)
				continue;
			hv_log(LOG_ERR, "write to %s/%s at %llu failed: %s",
			       f->dir, f->name, (unsigned long long)offset,
			       strerror(err));
			fcopy_file_drop(f);
			return errno_status(err);
		}
		p += n;
		offset += (__u64)n;
		size -= (__u32)n;
	}
	return HV_S_OK;
}

/* Give the O_TMPFILE file the name NAME in the directory; 0 or -errno. */
static int link_tmpfile(struct fcopy_file *f, const char *name)
{
	char proc[64];

	if (linkat(f->fd, "", f->dirfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc does not. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	if (linkat(AT_FDCWD, proc, f->dirfd, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return -errno;
}

/* Publish the complete file under its name; 0 or -errno. */
static int publish(struct fcopy_file *f)
{
	int ret, i;

	if (!f->temp[0] && !f->overwrite)
		return link_tmpfile(f, f->name);	/* never replaces */
	if (!f->temp[0]) {
		/* Named first (recorded), then renamed over the old one. */
		for (i = 0, ret = -EEXIST; i < 100 && ret == -EEXIST; i++) {
			temp_name(f);
			ret = record_write(f);
			if (!ret)
				ret = link_tmpfile(f, f->temp);
		}
		if (ret) {
			record_remove(f);
			f->temp[0] = '\0';
			return ret;
		}
	}
	if (f->overwrite)
		ret = renameat(f->dirfd, f->temp, f->dirfd, f->name);
	else
		ret = renameat2(f->dirfd, f->temp, f->dirfd, f->name,
				RENAME_NOREPLACE);
	if (ret < 0 && !f->overwrite && (errno == EINVAL || errno == ENOSYS)) {
		/* No RENAME_NOREPLACE here: link (never replaces), unlink. */
		ret = linkat(f->dirfd, f->temp, f->dirfd, f->name, 0);
		if (ret == 0)
			unlinkat(f->dirfd, f->temp, 0);
	}
	if (ret < 0)
		return -errno;
	record_remove(f);
	f->temp[0] = '\0';
	return 0;
}

__u32 fcopy_file_complete(struct fcopy_file *f)
{
	int ret;

	if (f->fd < 0)
		return HV_E_FAIL;
	ret = fsync(f->fd) < 0 ? -errno : publish(f);
	if (ret) {
		hv_log(LOG_ERR, "cannot publish %s/%s: %s", f->dir, f->name,
		       strerror(-ret));
		fcopy_file_drop(f);
		return ret == -EEXIST ? HV_ERROR_ALREADY_EXISTS :
					errno_status(-ret);
	}
	if (fsync(f->dirfd) < 0)
		hv_log(LOG_WARNING, "fsync of %s: %s", f->dir, strerror(errno));
	hv_log(LOG_INFO, "copied %s/%s", f->dir, f->name);
	fcopy_file_drop(f);
	return HV_S_OK;
}
