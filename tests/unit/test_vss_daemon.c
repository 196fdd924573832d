// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vss_daemon (a test build: ASan/UBSan and HV_VSS_FAKE_FREEZE, which
 * logs each FIFREEZE/FITHAW to a file instead of doing it, so that no
 * file system of the build machine is frozen) against a fake kernel on a
 * Unix SOCK_SEQPACKET socket (--device), with a fake mount table
 * (--mounts) and a fake sysfs (--sysfs-root):
 *  - --help, bad usage; the 12-byte REGISTER1 handshake and a bad answer;
 *  - FREEZE: exactly the eligible mounts (not "/dev/"-less sources, loop
 *    devices directly or through slaves, ro, vfat), in table order, "/"
 *    last; the frozen record; THAW: "/" first, the record dropped;
 *  - HOT_BACKUP, unknown ops, wrong sizes: the exact statuses and bytes;
 *  - a failing freeze: everything thawed, HV_E_FAIL, logged afterwards;
 *    EBUSY ignored; a mount point that cannot be opened; no record
 *    possible -> nothing frozen;
 *  - the thaw guarantees: watchdog, SIGTERM, device reset, kill -9 then
 *    --thaw, kill -9 then restart.
 * The real freezing is tested in a VM (tests/scenarios/vss-daemon.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <linux/hyperv.h>

#include "fake_dev.h"
#include "tap.h"

#ifndef VSS_DAEMON
#define VSS_DAEMON "hv_vss_daemon"
#endif

static char tmp[200], sock_path[300], mounts[300], sysroot[300],
	    state[300], record[300], fake_log[300], logpath[300];
static char dir_a[300], dir_b[300], dir_gone[300];
static int lsock = -1, conn = -1;
static pid_t daemon_pid;

static void path(char *buf, const char *name)
{
	snprintf(buf, 300, "%s/%s", tmp, name);
}

/* Start the daemon with EXTRA options (NULL-terminated) and the fake's
 * environment (FAIL: "freeze DIR" to fail, ERR its errno). */
static pid_t start_daemon(const char *fail, int err, ...)
{
	const char *argv[32] = { VSS_DAEMON, "-n", "--device", sock_path,
				 "--mounts", mounts, "--sysfs-root", sysroot,
				 "--state-dir", state };
	char errbuf[16];
	int argc = 10, fd;
	va_list ap;
	pid_t pid;

	va_start(ap, err);
	while (argc < 31 && (argv[argc] = va_arg(ap, const char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	pid = fork();
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		setenv("HV_VSS_FAKE_LOG", fake_log, 1);
		if (fail) {
			setenv("HV_VSS_FAKE_FAIL", fail, 1);
			snprintf(errbuf, sizeof(errbuf), "%d", err);
			setenv("HV_VSS_FAKE_ERRNO", errbuf, 1);
		}
		execv(VSS_DAEMON, (char **)argv);
		_exit(127);
	}
	return pid;
}

/* Accept the daemon and answer its registration with ANSWER (LEN bytes). */
static bool handshake_with(const void *answer, size_t len)
{
	unsigned char m[64];
	static const unsigned char want[12] = { VSS_OP_REGISTER1 };
	ssize_t n;

	conn = fd_accept(lsock, 10000);
	if (conn < 0)
		return false;
	n = fd_recv(conn, m, sizeof(m), 10000);
	if (n != 12 || memcmp(m, want, 12)) {
		tap_diag("registration: %zd bytes, op %d", n, n > 0 ? m[0] : -1);
		return false;
	}
	return send(conn, answer, len, 0) == (ssize_t)len;
}

static bool handshake(void)
{
	__u32 v = VSS_OP_REGISTER1;

	return handshake_with(&v, sizeof(v));
}

static bool start(const char *fail, int err)
{
	daemon_pid = start_daemon(fail, err, "--freeze-timeout", "2", NULL);
	return handshake();
}

static void stop(void)
{
	fd_stop(&daemon_pid, &conn);
}

/* Send an op (LEN bytes, flags FLAGS); the status, -1 if no 12-byte answer;
 * *ANS gets the answer. */
static long long xfer_len(int op, size_t len, __u32 flags,
			  struct hv_vss_msg *ans)
{
	unsigned char req[64] = { 0 }, got[64];
	struct hv_vss_msg m = { 0 };
	ssize_t n;

	m.vss_hdr.operation = (__u8)op;
	m.vss_cf.flags = flags;
	memcpy(req, &m, sizeof(m));
	if (send(conn, req, len, 0) != (ssize_t)len)
		return -1;
	n = fd_recv(conn, got, sizeof(got), 10000);
	if (n != 12)
		return -1;
	memcpy(ans, got, sizeof(*ans));
	return (__u32)ans->error;
}

static long long xfer(int op)
{
	struct hv_vss_msg ans;

	return xfer_len(op, 12, 0, &ans);
}

static void reset_fake_log(void)
{
	unlink(fake_log);
}

/* The fake mount table: every skip rule, two to freeze and "/". */
static void write_mounts(bool with_gone)
{
	char text[8192];

	snprintf(text, sizeof(text),
		 "/dev/full / ext4 rw,relatime 0 0\n"
		 "proc /proc proc rw,nosuid 0 0\n"
		 "/dev/full %s ext4 rw,relatime 0 0\n"
		 "/dev/null %s/loop ext4 rw 0 0\n"
		 "/dev/zero %s/slave xfs rw 0 0\n"
		 "/dev/full %s/ro ext4 ro,relatime 0 0\n"
		 "/dev/full %s/efi vfat rw,fmask=0022 0 0\n"
		 "tmpfs %s/tmp tmpfs rw 0 0\n"
		 "/dev/no-such-disk %s/b\\040with\\040space xfs rw,noatime 0 0\n",
		 dir_a, tmp, tmp, tmp, tmp, tmp, tmp);
	if (with_gone) {
		size_t l = strlen(text);

		snprintf(text + l, sizeof(text) - l, "/dev/full %s ext4 rw 0 0\n",
			 dir_gone);
	}
	fd_write_file(mounts, text);
}

static const char *freeze_order(void)
{
	static char want[4096];

	snprintf(want, sizeof(want), "freeze %s\nfreeze %s\nfreeze /\n",
		 dir_a, dir_b);
	return want;
}

static const char *thaw_order(void)
{
	static char want[4096];

	snprintf(want, sizeof(want), "thaw /\nthaw %s\nthaw %s\n", dir_b,
		 dir_a);
	return want;
}

static void test_usage(void)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s --help | grep -q -- --freeze-timeout",
		 VSS_DAEMON);
	tap_ok(system(cmd) == 0, "--help prints the options, exit status 0");
	snprintf(cmd, sizeof(cmd), "%s --no-such-option 2>/dev/null", VSS_DAEMON);
	tap_ok(WEXITSTATUS(system(cmd)) == 2, "an unknown option: exit status 2");
	snprintf(cmd, sizeof(cmd), "%s --freeze-timeout 0 2>/dev/null", VSS_DAEMON);
	tap_ok(WEXITSTATUS(system(cmd)) == 2, "--freeze-timeout 0: exit status 2");
	snprintf(cmd, sizeof(cmd), "%s -n extra 2>/dev/null", VSS_DAEMON);
	tap_ok(WEXITSTATUS(system(cmd)) == 2, "an argument: exit status 2");
}

static void test_bad_handshake(void)
{
	__u32 v128 = VSS_OP_REGISTER, v5[2] = { VSS_OP_REGISTER1, 0 };

	daemon_pid = start_daemon(NULL, 0, NULL);
	tap_ok(handshake_with(v5, 5), "registration answered with 5 bytes");
	tap_ok(fd_reap(daemon_pid, 5000) == 1,
	       "a 5-byte registration answer: the daemon exits 1");
	close(conn);
	daemon_pid = start_daemon(NULL, 0, NULL);
	tap_ok(handshake_with(&v128, 4), "registration answered with 128");
	tap_ok(fd_reap(daemon_pid, 5000) == 1,
	       "an answer other than 129: the daemon exits 1");
	close(conn);
	conn = -1;
	daemon_pid = 0;
	tap_ok(strstr(fd_slurp(logpath), "invalid registration answer") != NULL,
	       "and it says why");
}

static void test_ops(void)
{
	struct hv_vss_msg ans;
	unsigned char want[12] = { 0 };

	write_mounts(false);
	reset_fake_log();
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE: HV_S_OK");
	tap_ok(!strcmp(fd_slurp(fake_log), freeze_order()),
	       "FREEZE froze only the eligible mounts, in table order, / last");
	{
		char rec[4096];

		snprintf(rec, sizeof(rec), "%s|%s|/|", dir_a, dir_b);
		tap_ok(!strcmp(fd_slurp(record), rec),
		       "the frozen record names them, NUL-separated");
	}
	reset_fake_log();
	tap_ok(xfer(VSS_OP_THAW) == HV_S_OK, "THAW: HV_S_OK");
	tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
	       "THAW thawed them, / first");
	tap_ok(!fd_exists(record), "the record is gone after THAW");

	reset_fake_log();
	tap_ok(xfer_len(VSS_OP_HOT_BACKUP, 12, 0xabcd1234, &ans) == HV_S_OK,
	       "HOT_BACKUP: HV_S_OK");
	want[8] = 0x34, want[9] = 0x12, want[10] = 0xcd, want[11] = 0xab;
	tap_ok(!memcmp(&ans, want, 12),
	       "the answer: status 0 over the op, the flags echoed");
	tap_ok(xfer(VSS_OP_AUTO_RECOVER) == HV_E_FAIL,
	       "AUTO_RECOVER (not the daemon's): HV_E_FAIL");
	tap_ok(xfer(200) == HV_E_FAIL, "op 200: HV_E_FAIL");
	tap_ok(xfer_len(VSS_OP_FREEZE, 11, 0, &ans) == HV_E_FAIL,
	       "an 11-byte FREEZE: HV_E_FAIL in a 12-byte answer");
	tap_ok(xfer_len(VSS_OP_FREEZE, 13, 0, &ans) == HV_E_FAIL,
	       "a 13-byte FREEZE: HV_E_FAIL");
	tap_ok(xfer_len(VSS_OP_FREEZE, 1, 0, &ans) == HV_E_FAIL,
	       "a 1-byte FREEZE: HV_E_FAIL");
	tap_ok(!fd_exists(fake_log), "none of those froze anything");

	/* A mount point that cannot be opened. */
	write_mounts(true);
	reset_fake_log();
	tap_ok(xfer(VSS_OP_FREEZE) == HV_E_FAIL,
	       "FREEZE with a mount point that cannot be opened: HV_E_FAIL");
	{
		char want[4096];

		snprintf(want, sizeof(want), "freeze %s\nfreeze %s\n%s", dir_a,
			 dir_b, thaw_order());
		tap_ok(!strcmp(fd_slurp(fake_log), want),
		       "the two frozen before it thawed again, / first");
	}
	tap_ok(!fd_exists(record), "no record left");
	tap_ok(strstr(fd_slurp(logpath), "FREEZE of ") != NULL,
	       "the failure is logged (after the thaw)");
	write_mounts(false);

	/* The daemon's device reset while frozen: thaw, re-register. */
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE again");
	reset_fake_log();
	close(conn);
	tap_ok(handshake(), "the fake kernel closes the device: the daemon registers again");
	tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
	       "after thawing everything, / first");
	tap_ok(!fd_exists(record), "and dropping the record");
}

static void test_failures(void)
{
	char fail[4096];

	snprintf(fail, sizeof(fail), "freeze %s", dir_b);
	if (!tap_ok(start(fail, EIO), "a daemon whose freeze of %s fails", dir_b))
		return;
	reset_fake_log();
	tap_ok(xfer(VSS_OP_FREEZE) == HV_E_FAIL, "FREEZE: HV_E_FAIL");
	{
		char want[4096];

		snprintf(want, sizeof(want), "freeze %s\nfreeze %s\n%s", dir_a,
			 dir_b, thaw_order());
		tap_ok(!strcmp(fd_slurp(fake_log), want),
		       "it stopped at the failure and thawed all, / first");
	}
	tap_ok(!fd_exists(record), "no record left");
	tap_ok(strstr(fd_slurp(logpath), "Input/output error") != NULL,
	       "the error is logged");
	stop();

	snprintf(fail, sizeof(fail), "freeze %s", dir_a);
	if (!tap_ok(start(fail, EBUSY), "a daemon whose freeze of %s says EBUSY",
		    dir_a))
		return;
	reset_fake_log();
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK,
	       "FREEZE: EBUSY (mounted twice) counts as success");
	tap_ok(xfer(VSS_OP_THAW) == HV_S_OK, "THAW");
	stop();

	snprintf(fail, sizeof(fail), "thaw %s", dir_b);
	if (!tap_ok(start(fail, EINVAL), "a daemon whose thaw of %s says EINVAL",
		    dir_b))
		return;
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE");
	tap_ok(xfer(VSS_OP_THAW) == HV_S_OK,
	       "THAW: EINVAL (not frozen) counts as success");
	tap_ok(!fd_exists(record), "no record left");
	stop();

	if (!tap_ok(start(fail, EIO), "a daemon whose thaw of %s fails", dir_b))
		return;
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE");
	reset_fake_log();
	tap_ok(xfer(VSS_OP_THAW) == HV_E_FAIL, "THAW: HV_E_FAIL");
	tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
	       "the others were thawed all the same");
	tap_ok(fd_exists(record), "the record stays (something may be frozen)");
	stop();
	unlink(record);
}

static void test_guarantees(void)
{
	char cmd[4096];
	int st;

	/* Watchdog: --freeze-timeout 2. */
	if (!tap_ok(start(NULL, 0), "a daemon with --freeze-timeout 2"))
		return;
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE");
	reset_fake_log();
	usleep(1000000);
	tap_ok(!fd_exists(fake_log), "after 1 s: still frozen");
	usleep(2000000);
	tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
	       "after 3 s without THAW the watchdog thawed everything");
	tap_ok(!fd_exists(record), "and dropped the record");
	tap_ok(strstr(fd_slurp(logpath), "watchdog") != NULL, "and logged it");
	tap_ok(xfer(VSS_OP_THAW) == HV_S_OK, "a late THAW: HV_S_OK");

	/* SIGTERM while frozen. */
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE");
	reset_fake_log();
	kill(daemon_pid, SIGTERM);
	st = fd_reap(daemon_pid, 5000);
	daemon_pid = 0;
	tap_ok(st == 0, "SIGTERM while frozen: exit status 0");
	tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
	       "after thawing everything");
	tap_ok(!fd_exists(record), "and dropping the record");
	close(conn);
	conn = -1;

	/* kill -9 while frozen, then --thaw (the unit's ExecStopPost). */
	if (!tap_ok(start(NULL, 0), "a new daemon"))
		return;
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE");
	stop();
	tap_ok(fd_exists(record), "kill -9 while frozen: the record stays");
	reset_fake_log();
	snprintf(cmd, sizeof(cmd),
		 "HV_VSS_FAKE_LOG=%s %s -n --thaw --mounts %s --sysfs-root %s --state-dir %s 2>>%s",
		 fake_log, VSS_DAEMON, mounts, sysroot, state, logpath);
	tap_ok(system(cmd) == 0, "--thaw: exit status 0");
	tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
	       "--thaw thawed everything, / first");
	tap_ok(!fd_exists(record), "and dropped the record");
	reset_fake_log();
	tap_ok(system(cmd) == 0 && !fd_exists(fake_log),
	       "--thaw without a record: exit status 0, nothing touched");

	/* kill -9 while frozen, then a restart thaws before registering. */
	if (!tap_ok(start(NULL, 0), "a new daemon"))
		return;
	tap_ok(xfer(VSS_OP_FREEZE) == HV_S_OK, "FREEZE");
	stop();
	reset_fake_log();
	tap_ok(start(NULL, 0), "kill -9 while frozen, a restart registers");
	if (!tap_ok(!strcmp(fd_slurp(fake_log), thaw_order()),
		    "having thawed everything from the record at startup"))
		tap_diag("thawed: %s", fd_slurp(fake_log));
	tap_ok(!fd_exists(record), "and dropped the record");
	stop();

	/* No record possible: nothing frozen. */
	snprintf(cmd, sizeof(cmd), "%s/afile", tmp);
	fd_write_file(cmd, "x");
	strcat(cmd, "/state");
	daemon_pid = start_daemon(NULL, 0, "--state-dir", cmd, NULL);
	if (!tap_ok(handshake(), "a daemon whose state dir cannot exist"))
		return;
	reset_fake_log();
	tap_ok(xfer(VSS_OP_FREEZE) == HV_E_FAIL,
	       "FREEZE without a record: HV_E_FAIL");
	tap_ok(!fd_exists(fake_log), "and nothing was frozen");
	stop();
}

int main(void)
{
	char p[4096];

	snprintf(tmp, sizeof(tmp), "/tmp/vss-daemon-test.XXXXXX");
	if (!mkdtemp(tmp))
		fd_die("mkdtemp");
	path(sock_path, "hv_vss.sock");
	path(mounts, "mounts");
	path(sysroot, "sys");
	path(state, "run");
	path(record, "run/vss-frozen");
	path(fake_log, "freeze.log");
	path(logpath, "daemon.log");
	path(dir_a, "a");
	path(dir_b, "b with space");
	snprintf(dir_gone, sizeof(dir_gone), "/nonexistent");
	mkdir(dir_a, 0755);
	mkdir(dir_b, 0755);
	/* /dev/null (1:3) is a loop device, /dev/zero (1:5) sits on one. */
	snprintf(p, sizeof(p), "mkdir -p %s/dev/block/1:3/loop %s/dev/block/1:5/slaves/dm-0/slaves/loop4/loop %s/dev/block/1:7/slaves/sda",
		 sysroot, sysroot, sysroot);
	if (system(p))
		fd_die("fake sysfs");
	write_mounts(false);
	signal(SIGPIPE, SIG_IGN);

	test_usage();
	lsock = fd_listen(sock_path);
	test_bad_handshake();
	daemon_pid = start_daemon(NULL, 0, NULL);
	if (tap_ok(handshake(), "the daemon registers: 12 bytes, op 129, rest 0")) {
		test_ops();
		stop();
		test_failures();
		test_guarantees();
	}
	stop();
	fd_finish(logpath, tmp, "VSS_TEST_KEEP");
	return tap_done();
}
