// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon (built with ASan/UBSan) against a fake kernel on a Unix
 * SOCK_SEQPACKET socket (--device), with the uapi structs of
 * <linux/hyperv.h> as the kernel hands them over:
 *  - --help, bad usage; the 4-byte FCOPY_VERSION_1 handshake, bad answers;
 *  - copies: the exact bytes, mode 0744, nothing visible before COMPLETE;
 *    exists without OVER_WRITE (old file kept), OVER_WRITE, CREATE_PATH,
 *    a missing directory, a file appearing during the copy;
 *  - CANCEL, kill -9, SIGTERM, the device closed mid-copy: nothing left,
 *    with O_TMPFILE and with named temp files (--no-tmpfile: the record
 *    and its cleanup at the next start);
 *  - disk full: RLIMIT_FSIZE, and (as root) a 64 KiB tmpfs in the
 *    daemon's own mount namespace: HV_ERROR_DISK_FULL, nothing left;
 *  - malformed messages: wrong sizes, unknown op, size > 6144, offset
 *    overflow, unterminated, relative, ".." and bad names: exact statuses.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/hyperv.h>

#include "fake_dev.h"
#include "tap.h"

#ifndef FCOPY_DAEMON
#define FCOPY_DAEMON "hv_fcopy_daemon"
#endif

enum { PLAIN, NO_TMPFILE, FSIZE, TMPFS };

static char tmp[200], sock_path[300], state[300], record[300],
	    logpath[300], dest[300], full[300];
static int lsock = -1, conn = -1;
static pid_t daemon_pid;
static unsigned char data[200000];

static pid_t start_daemon(int mode)
{
	struct rlimit rl = { 10000, 10000 };
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		if (mode == FSIZE)
			setrlimit(RLIMIT_FSIZE, &rl);
		if (mode == TMPFS &&
		    (unshare(CLONE_NEWNS) ||
		     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		     mount("tmpfs", full, "tmpfs", 0, "size=64k")))
			_exit(126);
		execl(FCOPY_DAEMON, "hv_fcopy_daemon", "-n", "--device",
		      sock_path, "--state-dir", state,
		      mode == NO_TMPFILE ? "--no-tmpfile" : NULL, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static bool handshake_with(const void *answer, size_t len)
{
	unsigned char m[64];
	__u32 v;
	ssize_t n;

	conn = fd_accept(lsock, 10000);
	if (conn < 0)
		return false;
	n = fd_recv(conn, m, sizeof(m), 10000);
	memcpy(&v, m, sizeof(v));
	if (n != 4 || v != FCOPY_VERSION_1) {
		tap_diag("registration: %zd bytes", n);
		return false;
	}
	return send(conn, answer, len, 0) == (ssize_t)len;
}

static bool start(int mode)
{
	__u32 v = FCOPY_VERSION_1;

	daemon_pid = start_daemon(mode);
	return handshake_with(&v, sizeof(v));
}

static void stop(void)
{
	fd_stop(&daemon_pid, &conn);
}

/* Send LEN bytes of MSG; the 4-byte status, or -1. */
static long long xfer(const void *msg, size_t len)
{
	unsigned char ans[16];
	__u32 st;
	ssize_t n;

	if (send(conn, msg, len, 0) != (ssize_t)len)
		return -1;
	n = fd_recv(conn, ans, sizeof(ans), 10000);
	if (n != 4)
		return -1;
	memcpy(&st, ans, 4);
	return st;
}

static long long start_copy_raw(const char *path, const char *name,
				__u32 flags, size_t len)
{
	static struct hv_start_fcopy m;
	unsigned char buf[sizeof(m) + 8];

	memset(&m, 0, sizeof(m));
	m.hdr.operation = START_FILE_COPY;
	memcpy(m.path_name, path, strlen(path));
	memcpy(m.file_name, name, strlen(name));
	m.copy_flags = flags;
	m.file_size = 0;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &m, sizeof(m));
	return xfer(buf, len);
}

static long long start_copy(const char *path, const char *name, __u32 flags)
{
	return start_copy_raw(path, name, flags, sizeof(struct hv_start_fcopy));
}

static long long write_raw(__u64 off, __u32 size, const void *p, size_t len)
{
	static union {
		struct hv_do_fcopy m;
		unsigned char raw[sizeof(struct hv_do_fcopy) + 8];
	} u;

	memset(&u, 0, sizeof(u));
	u.m.hdr.operation = WRITE_TO_FILE;
	u.m.offset = off;
	u.m.size = size;
	memcpy(u.m.data, p, size < DATA_FRAGMENT ? size : DATA_FRAGMENT);
	return xfer(&u, len);
}

/* Send LEN bytes of data[] in chunks; the first non-zero status, or 0. */
static long long send_data(size_t len, int *chunks)
{
	size_t off, n;
	long long st = 0;

	*chunks = 0;
	for (off = 0; off < len && !st; off += n) {
		n = len - off < DATA_FRAGMENT ? len - off : DATA_FRAGMENT;
		st = write_raw(off, (__u32)n, data + off, sizeof(struct hv_do_fcopy));
		(*chunks)++;
	}
	return st;
}

static long long op(__u32 operation)
{
	struct hv_fcopy_hdr h = { .operation = operation };

	return xfer(&h, sizeof(h));
}

/* Whether FILE holds exactly LEN bytes of data[] and has mode 0744. */
static bool same(const char *file, size_t len)
{
	static unsigned char buf[sizeof(data) + 1];
	struct stat st;
	ssize_t n;
	int fd = open(file, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == (ssize_t)len && !memcmp(buf, data, len) &&
	       (st.st_mode & 07777) == 0744;
}

/* The entries of DIR (not . and ..), space-separated, sorted by readdir. */
static char *entries(const char *dir)
{
	static char out[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	out[0] = '\0';
	if (!d)
		return strcpy(out, "(none)");
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (out[0])
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, de->d_name, sizeof(out) - strlen(out) - 1);
	}
	closedir(d);
	return out;
}

static bool empty(const char *dir)
{
	return !strcmp(entries(dir), "");
}

static void sub(char *buf, const char *name)
{
	snprintf(buf, 600, "%s/%s", dest, name);
}

static void test_usage(void)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s --help | grep -q -- --no-tmpfile",
		 FCOPY_DAEMON);
	tap_ok(system(cmd) == 0, "--help prints the options, exit status 0");
	snprintf(cmd, sizeof(cmd), "%s --bogus 2>/dev/null", FCOPY_DAEMON);
	tap_ok(WEXITSTATUS(system(cmd)) == 2, "an unknown option: exit status 2");
}

static void test_handshake(void)
{
	__u32 v0 = 0;
	unsigned char two[2] = { 1, 0 };

	daemon_pid = start_daemon(PLAIN);
	tap_ok(handshake_with(two, 2), "registration (4 bytes, 1) answered with 2 bytes");
	tap_ok(fd_reap(daemon_pid, 5000) == 1, "the daemon exits 1");
	close(conn);
	daemon_pid = start_daemon(PLAIN);
	tap_ok(handshake_with(&v0, 4), "registration answered with 0");
	tap_ok(fd_reap(daemon_pid, 5000) == 1, "the daemon exits 1");
	close(conn);
	conn = -1;
	daemon_pid = 0;
}

static void test_copies(const char *how)
{
	char f[600], g[700], deep[600];
	int chunks;

	sub(f, "f1");
	unlink(f);
	tap_ok(start_copy(dest, "f1", 0) == HV_S_OK, "%s: START: 0", how);
	tap_ok(send_data(10000, &chunks) == HV_S_OK && chunks == 2,
	       "%s: WRITE 6144 + 3856 bytes: 0", how);
	if (!strcmp(how, "O_TMPFILE"))
		tap_ok(empty(dest), "%s: nothing in the directory before COMPLETE",
		       how);
	else
		tap_ok(!strncmp(entries(dest), ".hv_fcopy.", 10) &&
		       !strchr(entries(dest), ' ') &&
		       strstr(fd_slurp(record), entries(dest)),
		       "%s: only the recorded temp file before COMPLETE (%s)",
		       how, entries(dest));
	tap_ok(op(COMPLETE_FCOPY) == HV_S_OK, "%s: COMPLETE: 0", how);
	tap_ok(same(f, 10000), "%s: the file: the exact bytes, mode 0744", how);
	tap_ok(!strcmp(entries(dest), "f1"), "%s: and nothing else (%s)", how,
	       entries(dest));
	tap_ok(!fd_exists(record), "%s: no record left", how);

	/* Exists, no OVER_WRITE. */
	tap_ok(start_copy(dest, "f1", 0) == HV_ERROR_ALREADY_EXISTS,
	       "%s: START of an existing file: 0x80070050", how);
	tap_ok(op(COMPLETE_FCOPY) == HV_E_FAIL,
	       "%s: then COMPLETE: 0x80004005 (no copy)", how);
	tap_ok(same(f, 10000), "%s: the old file is kept", how);

	/* OVER_WRITE. */
	data[0] ^= 0xff;
	tap_ok(start_copy(dest, "f1", OVER_WRITE) == HV_S_OK,
	       "%s: START with OVER_WRITE: 0", how);
	tap_ok(send_data(6144, &chunks) == HV_S_OK, "%s: WRITE 6144", how);
	tap_ok(same(f, 10000) == false && op(COMPLETE_FCOPY) == HV_S_OK,
	       "%s: the old file stays until COMPLETE: 0", how);
	tap_ok(same(f, 6144), "%s: the new content replaced it", how);
	tap_ok(!strcmp(entries(dest), "f1"), "%s: nothing else (%s)", how,
	       entries(dest));
	data[0] ^= 0xff;

	/* CREATE_PATH, and without it. */
	snprintf(deep, sizeof(deep), "%s/new-%s/a/b", dest,
		 strcmp(how, "O_TMPFILE") ? "named" : "tmp");
	tap_ok(start_copy(deep, "g", 0) == HV_E_FAIL,
	       "%s: a missing directory without CREATE_PATH: 0x80004005", how);
	snprintf(g, sizeof(g), "%s/new-%s", dest,
		 strcmp(how, "O_TMPFILE") ? "named" : "tmp");
	tap_ok(!fd_exists(g), "%s: and nothing created", how);
	tap_ok(start_copy(deep, "g", CREATE_PATH) == HV_S_OK,
	       "%s: with CREATE_PATH: 0", how);
	tap_ok(send_data(1, &chunks) == HV_S_OK && op(COMPLETE_FCOPY) == HV_S_OK,
	       "%s: 1 byte, COMPLETE", how);
	snprintf(g, sizeof(g), "%s/g", deep);
	tap_ok(same(g, 1), "%s: the file is in the new directories", how);
	{
		struct stat st;

		tap_ok(stat(deep, &st) == 0 && (st.st_mode & 0777) == 0755,
		       "%s: created 0755", how);
	}
	unlink(g);
	tap_ok(start_copy(deep, "empty", 0) == HV_S_OK &&
	       op(COMPLETE_FCOPY) == HV_S_OK, "%s: an empty file", how);
	snprintf(g, sizeof(g), "%s/empty", deep);
	tap_ok(same(g, 0), "%s: arrives empty", how);
	unlink(g);
	snprintf(g, sizeof(g), "rm -r %s/new-%s", dest,
		 strcmp(how, "O_TMPFILE") ? "named" : "tmp");
	if (system(g))
		tap_diag("cannot remove the new directories");

	/* CANCEL. */
	tap_ok(start_copy(dest, "c", 0) == HV_S_OK &&
	       send_data(3 * 6144, &chunks) == HV_S_OK,
	       "%s: START, 3 WRITEs", how);
	tap_ok(op(CANCEL_FCOPY) == HV_S_OK, "%s: CANCEL: 0", how);
	tap_ok(!strcmp(entries(dest), "f1") && !fd_exists(record),
	       "%s: nothing left (%s)", how, entries(dest));
	tap_ok(op(CANCEL_FCOPY) == HV_S_OK, "%s: CANCEL again: 0", how);

	/* A file appearing meanwhile, no OVER_WRITE. */
	sub(g, "race");
	tap_ok(start_copy(dest, "race", 0) == HV_S_OK &&
	       send_data(100, &chunks) == HV_S_OK, "%s: START race", how);
	fd_write_file(g, "theirs");
	tap_ok(op(COMPLETE_FCOPY) == HV_ERROR_ALREADY_EXISTS,
	       "%s: COMPLETE after another made the file: 0x80070050", how);
	tap_ok(!strcmp(fd_slurp(g), "theirs"), "%s: theirs is kept", how);
	tap_ok(!strcmp(entries(dest), "f1 race") ||
	       !strcmp(entries(dest), "race f1"),
	       "%s: nothing else left (%s)", how, entries(dest));
	unlink(g);
	unlink(f);
}

static void test_malformed(void)
{
	static unsigned char raw[sizeof(struct hv_start_fcopy)];
	struct hv_start_fcopy *s = (void *)raw;
	int chunks;

	tap_ok(start_copy_raw(dest, "x", 0, 1087) == HV_E_FAIL,
	       "a 1087-byte START: 0x80004005");
	tap_ok(start_copy_raw(dest, "x", 0, 1089) == HV_E_FAIL,
	       "a 1089-byte START: 0x80004005");
	tap_ok(start_copy("relative/dir", "x", CREATE_PATH) == HV_INVALIDARG,
	       "a relative path: 0x80070057");
	{
		char p[600];

		snprintf(p, sizeof(p), "%s/../escape", dest);
		tap_ok(start_copy(p, "x", CREATE_PATH) == HV_INVALIDARG,
		       "a path with ..: 0x80070057");
	}
	tap_ok(start_copy(dest, "a/b", 0) == HV_INVALIDARG,
	       "a name with /: 0x80070057");
	tap_ok(start_copy(dest, "..", 0) == HV_INVALIDARG, "the name ..: 0x80070057");
	tap_ok(start_copy(dest, "", 0) == HV_INVALIDARG, "an empty name: 0x80070057");
	memset(raw, 0, sizeof(raw));
	s->hdr.operation = START_FILE_COPY;
	memcpy(s->path_name, dest, strlen(dest));
	memset(s->file_name, 'n', sizeof(s->file_name));
	tap_ok(xfer(raw, sizeof(raw)) == HV_INVALIDARG,
	       "an unterminated file name: 0x80070057");
	memset(s->file_name, 0, sizeof(s->file_name));
	s->file_name[0] = 'n';
	memset(s->path_name, '/', sizeof(s->path_name));
	tap_ok(xfer(raw, sizeof(raw)) == HV_INVALIDARG,
	       "an unterminated path: 0x80070057");
	tap_ok(empty(dest) && !fd_exists(record), "none of those created anything");

	tap_ok(write_raw(0, 10, data, sizeof(struct hv_do_fcopy)) == HV_E_FAIL,
	       "WRITE without START: 0x80004005");
	tap_ok(op(COMPLETE_FCOPY) == HV_E_FAIL, "COMPLETE without START: 0x80004005");
	tap_ok(start_copy(dest, "m", 0) == HV_S_OK, "START m");
	tap_ok(write_raw(0, DATA_FRAGMENT + 1, data, sizeof(struct hv_do_fcopy)) ==
	       HV_INVALIDARG, "WRITE of 6145 bytes: 0x80070057");
	tap_ok(op(COMPLETE_FCOPY) == HV_E_FAIL,
	       "the copy was dropped: COMPLETE 0x80004005");
	tap_ok(start_copy(dest, "m", 0) == HV_S_OK, "START m");
	tap_ok(write_raw(INT64_MAX - 5, 10, data, sizeof(struct hv_do_fcopy)) ==
	       HV_INVALIDARG, "WRITE past the largest offset: 0x80070057");
	tap_ok(start_copy(dest, "m", 0) == HV_S_OK, "START m");
	tap_ok(write_raw(0, 10, data, sizeof(struct hv_do_fcopy) - 1) == HV_E_FAIL,
	       "a 6195-byte WRITE: 0x80004005");
	tap_ok(write_raw(0, 10, data, sizeof(struct hv_do_fcopy) + 1) == HV_E_FAIL,
	       "a 6197-byte WRITE: 0x80004005");
	tap_ok(op(7) == HV_E_FAIL, "op 7: 0x80004005");
	tap_ok(xfer("\0", 2) == HV_E_FAIL, "a 2-byte message: 0x80004005");
	tap_ok(start_copy(dest, "m", 0) == HV_S_OK &&
	       send_data(20, &chunks) == HV_S_OK && op(COMPLETE_FCOPY) == HV_S_OK,
	       "then a good copy still works");
	{
		char m[600];

		sub(m, "m");
		tap_ok(same(m, 20), "with the right bytes");
		unlink(m);
	}
	tap_ok(empty(dest), "nothing else was left behind (%s)", entries(dest));
}

static void test_endings(void)
{
	int chunks, st;

	/* O_TMPFILE: kill -9 mid-copy. */
	tap_ok(start_copy(dest, "k", 0) == HV_S_OK &&
	       send_data(20000, &chunks) == HV_S_OK, "START, WRITEs");
	stop();
	tap_ok(empty(dest), "kill -9 mid-copy (O_TMPFILE): nothing left");

	/* The device closed mid-copy. */
	if (!tap_ok(start(PLAIN), "a new daemon"))
		return;
	tap_ok(start_copy(dest, "k", 0) == HV_S_OK &&
	       send_data(20000, &chunks) == HV_S_OK, "START, WRITEs");
	close(conn);
	{
		__u32 v = FCOPY_VERSION_1;

		tap_ok(handshake_with(&v, 4),
		       "the device closed mid-copy: the daemon registers again");
	}
	tap_ok(empty(dest), "and the copy is gone");
	stop();

	/* Named temp files: kill -9, the next start removes it. */
	if (!tap_ok(start(NO_TMPFILE), "a --no-tmpfile daemon"))
		return;
	tap_ok(start_copy(dest, "k", 0) == HV_S_OK &&
	       send_data(20000, &chunks) == HV_S_OK, "START, WRITEs");
	stop();
	tap_ok(!strncmp(entries(dest), ".hv_fcopy.", 10) && fd_exists(record),
	       "kill -9 mid-copy: the temp file and its record stay (%s)",
	       entries(dest));
	tap_ok(start(NO_TMPFILE), "a restart");
	tap_ok(empty(dest) && !fd_exists(record),
	       "removes them at startup (%s)", entries(dest));
	tap_ok(start_copy(dest, "k", 0) == HV_S_OK &&
	       send_data(20000, &chunks) == HV_S_OK, "START, WRITEs");
	kill(daemon_pid, SIGTERM);
	st = fd_reap(daemon_pid, 5000);
	daemon_pid = 0;
	tap_ok(st == 0, "SIGTERM mid-copy: exit status 0");
	tap_ok(empty(dest) && !fd_exists(record),
	       "and the temp file is gone (%s)", entries(dest));
	close(conn);
	conn = -1;
}

static void test_disk_full(void)
{
	char dir[600];
	int chunks;

	if (!tap_ok(start(FSIZE), "a daemon with RLIMIT_FSIZE 10000"))
		return;
	tap_ok(start_copy(dest, "big", 0) == HV_S_OK, "START");
	tap_ok(send_data(20000, &chunks) == HV_ERROR_DISK_FULL && chunks == 2,
	       "the second WRITE: 0x80070070 (EFBIG)");
	tap_ok(op(COMPLETE_FCOPY) == HV_E_FAIL, "then COMPLETE: 0x80004005");
	tap_ok(empty(dest), "nothing left");
	stop();

	if (geteuid() != 0) {
		printf("ok %d - a full tmpfs # SKIP not root\n", ++tap_count);
		return;
	}
	if (!tap_ok(start(TMPFS), "a daemon with a 64 KiB tmpfs on %s", full))
		return;
	snprintf(dir, sizeof(dir), "/proc/%d/root%s", (int)daemon_pid, full);
	tap_ok(start_copy(full, "big", 0) == HV_S_OK, "START on the tmpfs");
	tap_ok(send_data(200000, &chunks) == HV_ERROR_DISK_FULL &&
	       chunks > 5 && chunks < 14,
	       "a WRITE past 64 KiB: 0x80070070 (after %d chunks)", chunks);
	tap_ok(empty(dir), "nothing left on the tmpfs (%s)", entries(dir));
	tap_ok(start_copy(full, "small", 0) == HV_S_OK &&
	       send_data(30000, &chunks) == HV_S_OK &&
	       op(COMPLETE_FCOPY) == HV_S_OK, "the space is back: 30000 bytes fit");
	stop();
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	snprintf(tmp, sizeof(tmp), "/tmp/fcopy-daemon-test.XXXXXX");
	if (!mkdtemp(tmp))
		fd_die("mkdtemp");
	snprintf(sock_path, sizeof(sock_path), "%s/hv_fcopy.sock", tmp);
	snprintf(state, sizeof(state), "%s/run", tmp);
	snprintf(record, sizeof(record), "%s/run/fcopy-partial", tmp);
	snprintf(logpath, sizeof(logpath), "%s/daemon.log", tmp);
	snprintf(dest, sizeof(dest), "%s/dest", tmp);
	snprintf(full, sizeof(full), "%s/full", tmp);
	mkdir(dest, 0755);
	mkdir(full, 0755);
	signal(SIGPIPE, SIG_IGN);
	umask(022);

	test_usage();
	lsock = fd_listen(sock_path);
	test_handshake();
	if (tap_ok(start(PLAIN), "the daemon registers: a 4-byte 1")) {
		test_copies("O_TMPFILE");
		test_malformed();
		stop();
	}
	if (tap_ok(start(NO_TMPFILE), "a --no-tmpfile daemon")) {
		test_copies("named temp");
		stop();
	}
	if (tap_ok(start(PLAIN), "a new daemon"))
		test_endings();
	stop();
	test_disk_full();
	stop();
	fd_finish(logpath, tmp, "FCOPY_TEST_KEEP");
	return tap_done();
}
