// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP pool store (see kvp_pool.h for the format and the interface).
 *
 * Locking. The upstream daemon and the tools written for it take a POSIX
 * record lock (fcntl F_SETLKW) on the whole file; cloud-init's Azure
 * reporter appends to pool 1 under flock(LOCK_EX). On Linux the two kinds
 * do not conflict, so we take both, flock first. Since updates replace the
 * file by rename, a process that opened the path before our rename holds
 * the old inode: after locking we compare the inode of our descriptor with
 * the one the path names now and start again when they differ. fcntl locks
 * belong to the process and any close() of the same inode drops them, so
 * while one is held this file never opens the pool file a second time.
 *
 * Updates. The new image goes to ".kvp_pool_N.XXXXXX" in the same
 * directory, is fsync'ed, renamed over the pool, and the directory is
 * fsync'ed: a reader, or a kill -9 at any point, sees the old file or the
 * new one, never a mix. A failed write (ENOSPC, EIO) removes the temporary
 * file and leaves the pool as it was.
 *
 * Pool 1 (GUEST). cloud-init appends records to .kvp_pool_1 with
 * open(O_APPEND), flock, write, without checking afterwards that the path
 * still names the inode it locked. Had we renamed a new image over the
 * pool between its open() and its flock(), its record would land in the
 * unlinked old inode and be lost. So on pool 1:
 *  - adding a key (the only update cloud-init itself makes, and the common
 *    one) is done in place: the record is appended at the last whole-record
 *    boundary, under both locks, then fsync'ed; a failed append is cut off
 *    again. A kill -9 in the middle of the write(2) (the kernel can stop a
 *    write between pages on a fatal signal) leaves a trailing partial
 *    record, which every reader ignores; the next append here, and the
 *    daemon at start (kvp_pool_repair_guest), cut it off before anything is
 *    appended behind it. A cloud-init append in between would be misaligned:
 *    that needs a writer killed in mid-write and cloud-init writing before
 *    the daemon restarts.
 *  - replacing a value or deleting a key cannot be done in place
 *    atomically (a kill -9 could leave a record half old, half new), so it
 *    is a rename like on the other pools, followed by a salvage pass: while
 *    any other process still has the old inode open (a write lease on it is
 *    refused then: fcntl(F_SETLEASE) is our probe; no capability needed for
 *    our own file), we unlock it, let that process take its lock and
 *    append, lock again and move the whole records it appended to the new
 *    file. So an appender that opened the old path before the rename loses
 *    nothing however long it takes to lock, unless it holds the old inode
 *    open for more than SALVAGE_MAX_MS (then we give up waiting, and log
 *    nothing: the host's write is answered). Where leases are not
 *    available (fs.leases-enable=0, a file system without them) we fall
 *    back to grace periods of 50 ms until one passes without an append.
 *    The host rarely writes pool 1 (it pushes to pool 0).
 * The daemon writes a pool only when the host asked for it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvp_pool.h"

#define REC_SIZE sizeof(struct kvp_record)

struct pool_file {
	int fd;			/* locked descriptor of the pool file */
	struct stat st;
	struct kvp_record *recs;
	size_t nr;
};

int kvp_pool_path(const char *dir, unsigned int pool, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/.kvp_pool_%u", dir, pool);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

/* ENOSPC and EDQUOT are both "the disk is full" to the host. */
static int write_errno(void)
{
	return errno == EDQUOT ? -ENOSPC : neg_errno();
}

static int lock_fd(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return neg_errno();
	while (fcntl(fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return neg_errno();
	return 0;
}

static void unlock_fd(int fd)
{
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

	fcntl(fd, F_SETLK, &fl);
	flock(fd, LOCK_UN);
}

/* Open PATH and lock it, retrying while the path names another inode. */
static int open_locked(const char *path, int *fdp, struct stat *st)
{
	struct stat now;
	int fd, ret;

	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return neg_errno();
		ret = lock_fd(fd);
		if (ret)
			goto fail;
		if (fstat(fd, st) < 0) {
			ret = neg_errno();
			goto fail;
		}
		if (stat(path, &now) == 0) {
			if (now.st_ino == st->st_ino &&
			    now.st_dev == st->st_dev) {
				*fdp = fd;
				return 0;
			}
		} else if (errno != ENOENT) {
			ret = neg_errno();
			goto fail;
		}
		close(fd);	/* replaced or removed under us: again */
	}
fail:
	close(fd);
	return ret;
}

static int read_all(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return neg_errno();
		if (n == 0)
			return -EIO;	/* shrank under the lock? */
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return write_errno();
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

/* The whole records between byte FROM and the end of the file. */
static int read_records(int fd, off_t size, off_t from,
			struct kvp_record **recs, size_t *nr)
{
	size_t n = size > from ? (size_t)(size - from) / REC_SIZE : 0;
	int ret;

	*recs = NULL;
	*nr = 0;
	if (!n)
		return 0;
	*recs = malloc(n * REC_SIZE);
	if (!*recs)
		return -ENOMEM;
	ret = read_all(fd, *recs, n * REC_SIZE, from);
	if (ret) {
		free(*recs);
		*recs = NULL;
		return ret;
	}
	*nr = n;
	return 0;
}

static int pool_open(const char *dir, unsigned int pool, struct pool_file *pf)
{
	char path[4096];
	int ret;

	if (pool >= KVP_POOLS)
		return -EINVAL;
	ret = kvp_pool_path(dir, pool, path, sizeof(path));
	if (ret)
		return ret;
	ret = open_locked(path, &pf->fd, &pf->st);
	if (ret)
		return ret;
	ret = read_records(pf->fd, pf->st.st_size, 0, &pf->recs, &pf->nr);
	if (ret)
		close(pf->fd);
	return ret;
}

static void pool_close(struct pool_file *pf)
{
	free(pf->recs);
	close(pf->fd);		/* drops both locks */
}

int kvp_pool_read_file(const char *path, struct kvp_record **recs,
		       size_t *nr)
{
	struct pool_file pf;
	int ret;

	ret = open_locked(path, &pf.fd, &pf.st);
	if (ret)
		return ret;
	ret = read_records(pf.fd, pf.st.st_size, 0, recs, nr);
	close(pf.fd);
	return ret;
}

/* The key as stored: at most KVP_KEY_SIZE bytes, up to the first NUL. */
static bool key_equal(const struct kvp_record *r, const char *key,
		      size_t key_len)
{
	return strnlen(r->key, KVP_KEY_SIZE) == key_len &&
	       !memcmp(r->key, key, key_len);
}

static long find_key(const struct pool_file *pf, const char *key,
		     size_t key_len)
{
	size_t i;

	for (i = 0; i < pf->nr; i++)
		if (key_equal(&pf->recs[i], key, key_len))
			return (long)i;
	return -1;
}

static void copy_string(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return neg_errno();
	if (fsync(fd) < 0)
		ret = neg_errno();
	close(fd);
	return ret;
}

/* Replace pool POOL by RECS[0..NR) atomically. */
static int write_image(const char *dir, unsigned int pool,
		       const struct kvp_record *recs, size_t nr)
{
	char path[4096], tmp[4096];
	int fd, ret;

	ret = kvp_pool_path(dir, pool, path, sizeof(path));
	if (ret)
		return ret;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return write_errno();
	if (fchmod(fd, 0644) < 0) {
		ret = neg_errno();
		goto fail;
	}
	ret = write_all(fd, recs, nr * REC_SIZE, 0);
	if (ret)
		goto fail;
	if (fsync(fd) < 0) {
		ret = write_errno();
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = write_errno();
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ret = neg_errno();
		goto fail;
	}
	/* Renamed: the update is visible; the directory fsync makes it last. */
	return fsync_dir(dir);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

/* Pool 1, new key: append in place (see the top of the file). */
static int append_record(struct pool_file *pf, const struct kvp_record *rec)
{
	off_t end = (off_t)(pf->nr * REC_SIZE);
	int ret;

	if (pf->st.st_size != end && ftruncate(pf->fd, end) < 0)
		return neg_errno();
	ret = write_all(pf->fd, rec, REC_SIZE, end);
	if (!ret && fsync(pf->fd) < 0)
		ret = write_errno();
	if (ret && ftruncate(pf->fd, end) < 0)
		ret = -EIO;
	return ret;
}

/* Move OLD's records past byte FROM to the current pool 1; new FROM. */
static off_t carry_over(const char *dir, int old_fd, off_t from)
{
	struct kvp_record *late;
	struct pool_file cur;
	struct stat st;
	size_t nr, i;

	if (fstat(old_fd, &st) ||
	    read_records(old_fd, st.st_size, from, &late, &nr) || !nr)
		return from;
	if (pool_open(dir, KVP_POOL_GUEST, &cur) == 0) {
		for (i = 0; i < nr; i++) {
			if (append_record(&cur, &late[i]))
				break;
			cur.nr++;
			cur.st.st_size = (off_t)(cur.nr * REC_SIZE);
		}
		pool_close(&cur);
	}
	free(late);
	return from + (off_t)(nr * REC_SIZE);
}

/*
 * True when a process other than us has FD's file open: a write lease is
 * granted only to the one open file. -1 when leases cannot tell.
 */
static int opened_elsewhere(int fd)
{
	if (fcntl(fd, F_SETLEASE, F_WRLCK) == 0) {
		fcntl(fd, F_SETLEASE, F_UNLCK);
		return 0;
	}
	return errno == EAGAIN || errno == EBUSY ? 1 : -1;
}

/*
 * Pool 1 after a rename: an appender that opened the old inode before the
 * rename is blocked on its flock, or about to take it. Let it in, and move
 * what it appended to the new file, for as long as anyone else holds the
 * old inode open (see the top of the file).
 */
#define SALVAGE_POLL_US		10000
#define SALVAGE_MAX_MS		10000
#define SALVAGE_GRACE_US	50000
#define SALVAGE_GRACE_ROUNDS	20

static void salvage_appends(const char *dir, struct pool_file *old)
{
	off_t from = (off_t)(old->nr * REC_SIZE), next;
	int round, open_elsewhere = opened_elsewhere(old->fd);

	for (round = 0; open_elsewhere > 0 &&
	     round < SALVAGE_MAX_MS * 1000 / SALVAGE_POLL_US; round++) {
		unlock_fd(old->fd);
		usleep(SALVAGE_POLL_US);
		if (lock_fd(old->fd))
			return;
		from = carry_over(dir, old->fd, from);
		open_elsewhere = opened_elsewhere(old->fd);
	}
	if (open_elsewhere >= 0)
		return;
	for (round = 0; round < SALVAGE_GRACE_ROUNDS; round++) {
		unlock_fd(old->fd);
		usleep(SALVAGE_GRACE_US);
		if (lock_fd(old->fd))
			return;
		next = carry_over(dir, old->fd, from);
		if (next == from)
			return;
		from = next;
	}
}

static int check_key(const char *key, size_t key_len)
{
	if (!key_len || key_len >= KVP_KEY_SIZE || memchr(key, '\0', key_len))
		return -EINVAL;
	return 0;
}

int kvp_pool_set(const char *dir, unsigned int pool, const char *key,
		 size_t key_len, const char *value, size_t value_len)
{
	struct kvp_record *rec, *copy;
	struct pool_file pf;
	long i;
	int ret;

	if (check_key(key, key_len) || value_len >= KVP_VALUE_SIZE ||
	    memchr(value, '\0', value_len))
		return -EINVAL;
	ret = pool_open(dir, pool, &pf);
	if (ret)
		return ret;
	i = find_key(&pf, key, key_len);
	if (i < 0) {
		copy = realloc(pf.recs, (pf.nr + 1) * REC_SIZE);
		if (!copy) {
			ret = -ENOMEM;
			goto out;
		}
		pf.recs = copy;
		i = (long)pf.nr;
	}
	rec = &pf.recs[i];
	memset(rec, 0, REC_SIZE);
	memcpy(rec->key, key, key_len);
	memcpy(rec->value, value, value_len);
	if (pool == KVP_POOL_GUEST && (size_t)i == pf.nr) {
		ret = append_record(&pf, rec);
		goto out;
	}
	ret = write_image(dir, pool, pf.recs,
			  (size_t)i == pf.nr ? pf.nr + 1 : pf.nr);
	if (!ret && pool == KVP_POOL_GUEST)
		salvage_appends(dir, &pf);
out:
	pool_close(&pf);
	return ret;
}

int kvp_pool_get(const char *dir, unsigned int pool, const char *key,
		 size_t key_len, char *value)
{
	struct pool_file pf;
	long i;
	int ret;

	if (check_key(key, key_len))
		return -EINVAL;
	ret = pool_open(dir, pool, &pf);
	if (ret)
		return ret;
	i = find_key(&pf, key, key_len);
	if (i < 0)
		ret = -ENOENT;
	else
		copy_string(value, KVP_VALUE_SIZE, pf.recs[i].value);
	pool_close(&pf);
	return ret;
}

int kvp_pool_delete(const char *dir, unsigned int pool, const char *key,
		    size_t key_len)
{
	struct pool_file pf;
	long i;
	int ret;

	if (check_key(key, key_len))
		return -EINVAL;
	ret = pool_open(dir, pool, &pf);
	if (ret)
		return ret;
	i = find_key(&pf, key, key_len);
	if (i < 0) {
		ret = -ENOENT;
		goto out;
	}
	memmove(&pf.recs[i], &pf.recs[i + 1], (pf.nr - i - 1) * REC_SIZE);
	ret = write_image(dir, pool, pf.recs, pf.nr - 1);
	if (!ret && pool == KVP_POOL_GUEST)
		salvage_appends(dir, &pf);
out:
	pool_close(&pf);
	return ret;
}

int kvp_pool_enumerate(const char *dir, unsigned int pool,
		       unsigned int index, char *key, char *value)
{
	struct pool_file pf;
	int ret;

	ret = pool_open(dir, pool, &pf);
	if (ret)
		return ret;
	if (index >= pf.nr) {
		ret = -ENOENT;
	} else {
		copy_string(key, KVP_KEY_SIZE, pf.recs[index].key);
		copy_string(value, KVP_VALUE_SIZE, pf.recs[index].value);
	}
	pool_close(&pf);
	return ret;
}

int kvp_pool_repair_guest(const char *dir)
{
	struct pool_file pf;
	off_t end;
	int ret;

	ret = pool_open(dir, KVP_POOL_GUEST, &pf);
	if (ret)
		return ret;
	end = (off_t)(pf.nr * REC_SIZE);
	if (pf.st.st_size != end && ftruncate(pf.fd, end) < 0)
		ret = neg_errno();
	pool_close(&pf);
	return ret;
}

/* ".kvp_pool_N.XXXXXX": a temporary image of write_image(). */
static bool is_temp_name(const char *name)
{
	return !strncmp(name, ".kvp_pool_", 10) && name[10] >= '0' &&
	       name[10] < '0' + KVP_POOLS && name[11] == '.' &&
	       strlen(name + 12) == 6;
}

/* Temporary images of writers killed before their rename. */
static void remove_temps(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (is_temp_name(e->d_name) &&
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		    (int)sizeof(path))
			unlink(path);
	closedir(d);
}

int kvp_pool_init(const char *dir)
{
	char path[4096];
	unsigned int pool;
	int fd, ret;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	remove_temps(dir);
	for (pool = 0; pool < KVP_POOLS; pool++) {
		ret = kvp_pool_path(dir, pool, path, sizeof(path));
		if (ret)
			return ret;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return neg_errno();
		close(fd);
	}
	return 0;
}
