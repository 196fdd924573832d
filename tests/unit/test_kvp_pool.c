// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP pool store of hv_kvp_daemon (tools/hv/kvp_pool.c), through its
 * interface and the bytes of the pool files:
 *  - every operation, the file format (2560-byte zero-padded records), key
 *    and value limits, keys compared as bounded strings, a trailing partial
 *    record, records written by others (garbage after the NUL, no NUL);
 *  - pool 1: new keys appended in place (same inode), a torn tail cut off;
 *  - concurrent writers (fork), with a cloud-init-style flock appender on
 *    pool 1: no record lost;
 *  - kill -9 of a writer at random moments: the file is always a whole
 *    number of records equal to the model's state before or after the
 *    operation in flight;
 *  - a full file system (a 16 KiB tmpfs in a private mount namespace, when
 *    run as root): -ENOSPC and the pool unchanged, no temporary file left.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvp_pool.h"
#include "tap.h"

#define REC sizeof(struct kvp_record)

static char top[256], dir[300];

static void pool_file(unsigned int pool, char *path)
{
	kvp_pool_path(dir, pool, path, 4096);
}

static off_t file_size(unsigned int pool)
{
	char path[4096];
	struct stat st;

	pool_file(pool, path);
	return stat(path, &st) ? -1 : st.st_size;
}

static ino_t file_ino(unsigned int pool)
{
	char path[4096];
	struct stat st;

	pool_file(pool, path);
	return stat(path, &st) ? 0 : st.st_ino;
}

static int set(unsigned int pool, const char *k, const char *v)
{
	return kvp_pool_set(dir, pool, k, strlen(k), v, strlen(v));
}

static int del(unsigned int pool, const char *k)
{
	return kvp_pool_delete(dir, pool, k, strlen(k));
}

/* GET K equals V? */
static bool get_is(unsigned int pool, const char *k, const char *v)
{
	char value[KVP_VALUE_SIZE];

	return kvp_pool_get(dir, pool, k, strlen(k), value) == 0 &&
	       !strcmp(value, v);
}

/* The raw records of a pool file (trailing partial one dropped). */
static size_t records(unsigned int pool, struct kvp_record **recs)
{
	char path[4096];
	size_t nr = 0;

	pool_file(pool, path);
	*recs = NULL;
	if (kvp_pool_read_file(path, recs, &nr))
		return (size_t)-1;
	return nr;
}

/* Record I of POOL is exactly K, V, zero-padded? */
static bool record_is(unsigned int pool, size_t i, const char *k,
		      const char *v)
{
	struct kvp_record want, *recs;
	size_t nr = records(pool, &recs);
	bool ok;

	memset(&want, 0, sizeof(want));
	memcpy(want.key, k, strlen(k));
	memcpy(want.value, v, strlen(v));
	ok = nr != (size_t)-1 && i < nr && !memcmp(&recs[i], &want, REC);
	free(recs);
	return ok;
}

static int count_temps(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, ".kvp_pool_", 10) &&
		    strlen(e->d_name) > 11)
			n++;
	closedir(d);
	return n;
}

static void append_raw(unsigned int pool, const void *buf, size_t len)
{
	char path[4096];
	int fd;

	pool_file(pool, path);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		perror("append_raw");
	if (fd >= 0)
		close(fd);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_basics(void)
{
	char key[KVP_KEY_SIZE], value[KVP_VALUE_SIZE], path[4096];
	struct stat st;

	tap_ok(kvp_pool_init(dir) == 0, "init creates the directory and pools");
	pool_file(3, path);
	tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644 &&
	       st.st_size == 0, "pool files are 0644 and empty");

	tap_ok(set(0, "k1", "v1") == 0 && file_size(0) == REC &&
	       record_is(0, 0, "k1", "v1"),
	       "SET adds one zero-padded 2560-byte record");
	tap_ok(get_is(0, "k1", "v1"), "GET returns the value");
	tap_ok(kvp_pool_get(dir, 0, "k2", 2, value) == -ENOENT,
	       "GET of a missing key: -ENOENT");
	tap_ok(set(0, "k1", "second") == 0 && file_size(0) == REC &&
	       record_is(0, 0, "k1", "second"),
	       "SET of an existing key replaces its value in place");
	tap_ok(set(0, "k2", "v2") == 0 && set(0, "k3", "v3") == 0 &&
	       record_is(0, 1, "k2", "v2") && record_is(0, 2, "k3", "v3"),
	       "new keys go to the end, in order");
	tap_ok(del(0, "k2") == 0 && file_size(0) == 2 * REC &&
	       record_is(0, 0, "k1", "second") && record_is(0, 1, "k3", "v3"),
	       "DELETE removes the record and moves the later ones up");
	tap_ok(del(0, "k2") == -ENOENT, "DELETE of a missing key: -ENOENT");
	tap_ok(kvp_pool_enumerate(dir, 0, 1, key, value) == 0 &&
	       !strcmp(key, "k3") && !strcmp(value, "v3"),
	       "ENUMERATE index 1 is the second record");
	tap_ok(kvp_pool_enumerate(dir, 0, 2, key, value) == -ENOENT,
	       "ENUMERATE past the end: -ENOENT");
	tap_ok(set(5, "k", "v") == -EINVAL &&
	       kvp_pool_enumerate(dir, 5, 0, key, value) == -EINVAL,
	       "pool 5 does not exist: -EINVAL");
	tap_ok(get_is(3, "k1", "") == false && file_size(3) == 0,
	       "pools are separate files");

	/* Bounded string keys, not memcmp of a size. */
	tap_ok(set(4, "abc", "long") == 0 &&
	       kvp_pool_get(dir, 4, "ab", 2, value) == -ENOENT &&
	       set(4, "ab", "short") == 0 && get_is(4, "abc", "long") &&
	       get_is(4, "ab", "short") && file_size(4) == 2 * REC,
	       "a key's prefix is another key");
	tap_ok(set(4, "", "v") == -EINVAL, "an empty key is refused");
	tap_ok(set(4, "empty", "") == 0 && get_is(4, "empty", ""),
	       "an empty value is stored");
	tap_ok(count_temps() == 0, "no temporary file left behind");
}

static void test_limits(void)
{
	static const size_t key_lens[] = { 255, 256, 511 };
	char *k, *v;
	size_t i;

	for (i = 0; i < 3; i++) {
		k = repeat('a' + (char)i, key_lens[i]);
		tap_ok(set(3, k, "x") == 0 && get_is(3, k, "x") &&
		       record_is(3, i, k, "x"),
		       "a %zu-byte key is stored and found", key_lens[i]);
		free(k);
	}
	k = repeat('z', 512);
	tap_ok(kvp_pool_set(dir, 3, k, 512, "x", 1) == -EINVAL &&
	       file_size(3) == 3 * REC,
	       "a 512-byte key (no room for its NUL) is refused");
	free(k);
	v = repeat('v', 2047);
	tap_ok(set(3, "big", v) == 0 && get_is(3, "big", v),
	       "a 2047-byte value is stored whole");
	free(v);
	v = repeat('w', 2048);
	tap_ok(set(3, "bigger", v) == -EINVAL && file_size(3) == 4 * REC,
	       "a 2048-byte value is refused");
	free(v);
}

static void test_foreign_records(void)
{
	struct kvp_record r;
	char key[KVP_KEY_SIZE], value[KVP_VALUE_SIZE];
	char junk[100];
	char *longkey;

	/* Upstream's records: garbage after the NULs. */
	memset(&r, 'G', sizeof(r));
	memcpy(r.key, "up\0", 3);
	memcpy(r.value, "stream\0", 7);
	append_raw(2, &r, sizeof(r));
	tap_ok(get_is(2, "up", "stream"),
	       "a record with garbage after its NULs is read");
	/* A key without NUL: never matched, enumerated cut to 511 bytes. */
	memset(&r, 'K', sizeof(r));
	append_raw(2, &r, sizeof(r));
	longkey = repeat('K', 511);
	tap_ok(kvp_pool_enumerate(dir, 2, 1, key, value) == 0 &&
	       !strcmp(key, longkey) && kvp_pool_get(dir, 2, longkey, 511,
						     value) == -ENOENT,
	       "a key without NUL is enumerated cut, never matched");
	free(longkey);
	memset(junk, 'J', sizeof(junk));
	append_raw(2, junk, sizeof(junk));
	tap_ok(kvp_pool_enumerate(dir, 2, 2, key, value) == -ENOENT &&
	       get_is(2, "up", "stream"),
	       "a trailing partial record is ignored");
	tap_ok(set(2, "new", "n") == 0 && file_size(2) == 3 * REC &&
	       record_is(2, 2, "new", "n"),
	       "an update drops the partial record");
}

static void test_guest_pool(void)
{
	char junk[1000];
	ino_t ino;

	set(1, "g1", "a");
	ino = file_ino(1);
	tap_ok(set(1, "g2", "b") == 0 && file_ino(1) == ino &&
	       record_is(1, 1, "g2", "b"),
	       "pool 1: a new key is appended in place (same inode)");
	memset(junk, 'J', sizeof(junk));
	append_raw(1, junk, sizeof(junk));
	tap_ok(set(1, "g3", "c") == 0 && file_size(1) == 3 * REC &&
	       record_is(1, 2, "g3", "c") && file_ino(1) == ino,
	       "pool 1: a torn tail is cut before appending");
	tap_ok(set(1, "g1", "changed") == 0 && file_ino(1) != ino &&
	       record_is(1, 0, "g1", "changed"),
	       "pool 1: a changed value is written by rename");
	append_raw(1, junk, sizeof(junk));
	tap_ok(kvp_pool_repair_guest(dir) == 0 && file_size(1) == 3 * REC,
	       "repair cuts pool 1 back to whole records");
}

/* ---- concurrency --------------------------------------------------- */

#define WRITERS 4
#define SETS 30
#define APPENDS 150

/* cloud-init's way: open O_APPEND, flock, write, unlock, close. */
static void cloud_init_append(int i)
{
	struct kvp_record r;
	char path[4096];
	int fd;

	memset(&r, 0, sizeof(r));
	snprintf(r.key, sizeof(r.key), "ci-%d", i);
	snprintf(r.value, sizeof(r.value), "report %d", i);
	pool_file(1, path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		_exit(1);
	flock(fd, LOCK_EX);
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	flock(fd, LOCK_UN);
	close(fd);
}

static void writer(int w, unsigned int pool)
{
	char k[32], v[32];
	int i;

	for (i = 0; i < SETS; i++) {
		snprintf(k, sizeof(k), "w%d-%d", w, i);
		snprintf(v, sizeof(v), "first %d", i);
		if (set(pool, k, v))
			_exit(1);
		/* and change an earlier one: a rewrite, on pool 1 too */
		if (i >= 2) {
			snprintf(k, sizeof(k), "w%d-%d", w, i - 2);
			snprintf(v, sizeof(v), "final %d", i - 2);
			if (set(pool, k, v))
				_exit(1);
		}
	}
	for (i = SETS - 2; i < SETS; i++) {
		snprintf(k, sizeof(k), "w%d-%d", w, i);
		snprintf(v, sizeof(v), "final %d", i);
		if (set(pool, k, v))
			_exit(1);
	}
	_exit(0);
}

static bool all_children_ok(int n)
{
	int status, ok = 1;

	while (n--)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			ok = 0;
	return ok;
}

static bool writers_complete(unsigned int pool)
{
	struct kvp_record *recs;
	size_t nr = records(pool, &recs), i, found = 0, dup = 0;
	char k[32], v[32];
	int w, j;

	for (w = 0; w < WRITERS; w++)
		for (j = 0; j < SETS; j++) {
			snprintf(k, sizeof(k), "w%d-%d", w, j);
			snprintf(v, sizeof(v), "final %d", j);
			if (get_is(pool, k, v))
				found++;
		}
	for (i = 0; i < nr; i++)
		if (!strncmp(recs[i].key, "w", 1))
			dup++;
	free(recs);
	if (found != WRITERS * SETS || dup != WRITERS * SETS)
		tap_diag("pool %u: %zu of %d keys right, %zu w-records", pool,
			 found, WRITERS * SETS, dup);
	return found == WRITERS * SETS && dup == WRITERS * SETS;
}

static void test_concurrency(void)
{
	struct kvp_record *recs;
	size_t nr, i, ci = 0;
	int w;

	del(0, "k1");
	for (w = 0; w < WRITERS; w++)
		if (fork() == 0)
			writer(w, 0);
	tap_ok(all_children_ok(WRITERS) && writers_complete(0),
	       "%d concurrent writers on pool 0: every key, final values, no duplicate",
	       WRITERS);

	if (fork() == 0) {
		for (i = 0; i < APPENDS; i++)
			cloud_init_append((int)i);
		_exit(0);
	}
	for (w = 0; w < 2; w++)
		if (fork() == 0)
			writer(w, 1);
	tap_ok(all_children_ok(3), "pool 1 writers and the flock appender finish");
	nr = records(1, &recs);
	for (i = 0; i < nr; i++)
		if (!strncmp(recs[i].key, "ci-", 3))
			ci++;
	free(recs);
	tap_ok(ci == APPENDS,
	       "pool 1: all %d cloud-init appends survive concurrent adds and rewrites (%zu)",
	       APPENDS, ci);
	for (i = 0; i < APPENDS; i++) {
		char k[16], v[32];

		snprintf(k, sizeof(k), "ci-%zu", i);
		snprintf(v, sizeof(v), "report %zu", i);
		if (!get_is(1, k, v))
			break;
	}
	tap_ok(i == APPENDS, "pool 1: each cloud-init record intact");
	tap_ok(file_size(1) % REC == 0, "pool 1: whole records");
	tap_ok(count_temps() == 0, "no temporary file left behind");
}

/*
 * cloud-init taking its time between open() and flock() while the host
 * changes a pool-1 key (a rewrite by rename): the record it appends to the
 * old inode must still reach the pool.
 */
static void test_slow_appender(void)
{
	struct kvp_record r;
	char path[4096];
	int fd, pipefd[2];
	pid_t pid;

	tap_ok(set(1, "slow-key", "old") == 0, "pool 1: a key to change");
	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		memset(&r, 0, sizeof(r));
		snprintf(r.key, sizeof(r.key), "slow-ci");
		snprintf(r.value, sizeof(r.value), "late report");
		pool_file(1, path);
		fd = open(path, O_WRONLY | O_APPEND, 0644);
		if (fd < 0 || write(pipefd[1], "o", 1) != 1)
			_exit(1);
		usleep(300000);
		flock(fd, LOCK_EX);
		if (write(fd, &r, sizeof(r)) != sizeof(r))
			_exit(1);
		flock(fd, LOCK_UN);
		close(fd);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &r, 1) != 1)
		tap_diag("the appender did not open the pool");
	close(pipefd[0]);
	tap_ok(set(1, "slow-key", "new") == 0,
	       "pool 1: a key changed while an appender holds the old file open");
	tap_ok(all_children_ok(1), "the slow appender finishes");
	tap_ok(get_is(1, "slow-key", "new") && get_is(1, "slow-ci", "late report"),
	       "its record, appended 300 ms after its open(), reached the pool");
	tap_ok(file_size(1) % REC == 0, "pool 1: whole records");
}

/* ---- kill -9 ------------------------------------------------------- */

#define KEYS 6
#define OPS 400

struct model {
	char key[KEYS + 2][16];
	char value[KEYS + 2][48];
	size_t n;
};

/* Operation I of the seeded sequence: set or delete. */
static void op_of(unsigned int seed, int i, bool *is_del, char *k, char *v)
{
	unsigned int r = (seed ^ (unsigned int)i * 2654435761u) >> 3;

	*is_del = r % 4 == 0;
	snprintf(k, 16, "key%u", (r >> 4) % KEYS);
	snprintf(v, 48, "value %d of op %d %s", (int)(r % 1000), i,
		 r & 0x100 ? "with more text" : "");
}

static void model_apply(struct model *m, bool is_del, const char *k,
			const char *v)
{
	size_t i;

	for (i = 0; i < m->n && strcmp(m->key[i], k); i++)
		;
	if (is_del) {
		if (i == m->n)
			return;
		for (; i + 1 < m->n; i++) {
			strcpy(m->key[i], m->key[i + 1]);
			strcpy(m->value[i], m->value[i + 1]);
		}
		m->n--;
		return;
	}
	if (i == m->n) {
		strcpy(m->key[i], k);
		m->n++;
	}
	strcpy(m->value[i], v);
}

static bool file_equals(unsigned int pool, const struct model *m)
{
	struct kvp_record *recs;
	size_t nr = records(pool, &recs), i;
	bool ok = nr == m->n;

	for (i = 0; ok && i < nr; i++) {
		struct kvp_record want;

		memset(&want, 0, sizeof(want));
		strcpy(want.key, m->key[i]);
		strcpy(want.value, m->value[i]);
		ok = !memcmp(&recs[i], &want, REC);
	}
	free(recs);
	return ok;
}

static void test_kill9(unsigned int pool, int rounds, unsigned int max_us)
{
	volatile int *done = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct model before, after;
	int round, bad = 0, partial = 0, mid = 0, k, temps = 0, left = 0;
	unsigned int seed = (unsigned int)time(NULL);
	char path[4096], key[16], value[48];
	bool is_del;
	pid_t pid;

	pool_file(pool, path);
	for (round = 0; round < rounds; round++) {
		temps += count_temps();
		unlink(path);
		kvp_pool_init(dir);	/* removes them */
		left += count_temps();
		*done = 0;
		seed = seed * 1103515245u + 12345u;
		pid = fork();
		if (pid == 0) {
			for (k = 0; k < OPS; k++) {
				op_of(seed, k, &is_del, key, value);
				if (is_del)
					del(pool, key);
				else
					set(pool, key, value);
				*done = k + 1;
			}
			_exit(0);
		}
		usleep((useconds_t)(seed % max_us));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* Model after *done ops, and after one more. */
		memset(&before, 0, sizeof(before));
		for (k = 0; k < *done; k++) {
			op_of(seed, k, &is_del, key, value);
			model_apply(&before, is_del, key, value);
		}
		after = before;
		if (*done < OPS) {
			op_of(seed, *done, &is_del, key, value);
			model_apply(&after, is_del, key, value);
		}
		if (file_size(pool) % REC)
			partial++;	/* only pool 1's append can leave one */
		if (!file_equals(pool, &before) && !file_equals(pool, &after)) {
			bad++;
			tap_diag("round %d: after %d ops the file is neither state",
				 round, *done);
		}
		if (*done > 0 && *done < OPS)
			mid++;
	}
	tap_ok(bad == 0 && (pool == 1 || partial == 0),
	       "pool %u: kill -9 at random moments, %d rounds (%d mid-sequence): always the state before or after an operation, whole records (%d torn tails)",
	       pool, rounds, mid, partial);
	temps += count_temps();
	kvp_pool_init(dir);
	tap_ok(left + count_temps() == 0,
	       "pool %u: init removes the temporary files killed writers left (%d)",
	       pool, temps);
	munmap((void *)done, sizeof(int));
}

/* ---- full disk ----------------------------------------------------- */

static void test_enospc(void)
{
	char k[16], v[KVP_VALUE_SIZE];
	struct kvp_record *before, *now;
	size_t nb, nn;
	int i, ret = 0;

	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("kvp-test", dir, "tmpfs", 0, "size=16k")) {
		printf("ok %d - # SKIP full disk: needs root (private tmpfs)\n",
		       ++tap_count);
		printf("ok %d - # SKIP\nok %d - # SKIP\n", tap_count + 1,
		       tap_count + 2);
		tap_count += 2;
		return;
	}
	kvp_pool_init(dir);
	memset(v, 'x', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	for (i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "fill%d", i);
		nb = records(0, &before);
		ret = set(0, k, v);
		if (ret)
			break;
		free(before);
	}
	nn = records(0, &now);
	tap_ok(ret == -ENOSPC && nb == nn && nn > 0 &&
	       !memcmp(before, now, nn * REC) && file_size(0) == (off_t)(nn * REC),
	       "pool 0 on a full disk: -ENOSPC after %d records, pool unchanged",
	       i);
	free(before);
	free(now);
	tap_ok(count_temps() == 0, "full disk: no temporary file left");
	ret = 0;
	for (i = 0; i < 20 && !ret; i++) {
		snprintf(k, sizeof(k), "g%d", i);
		ret = set(1, k, v);
	}
	tap_ok(ret == -ENOSPC && file_size(1) % REC == 0,
	       "pool 1 append on a full disk: -ENOSPC, whole records (%lld bytes)",
	       (long long)file_size(1));
	umount(dir);
}

int main(void)
{
	snprintf(top, sizeof(top), "/tmp/kvp-pool-test.XXXXXX");
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/pools", top);
	test_basics();
	test_limits();
	test_foreign_records();
	test_guest_pool();
	test_concurrency();
	test_slow_appender();
	test_kill9(0, 40, 40000);
	test_kill9(1, 30, 300000);
	test_enospc();
	if (fork() == 0)
		execlp("rm", "rm", "-rf", top, (char *)NULL);
	wait(NULL);
	return tap_done();
}
