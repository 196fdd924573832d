/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake kernel side of the daemons' char devices, for their unit tests:
 * a Unix SOCK_SEQPACKET socket the daemon reaches with --device (one
 * message per send/recv, as read/write on /dev/vmbus/hv_*), and the bits
 * of process and file handling the tests share.
 */
#ifndef HV_TEST_FAKE_DEV_H
#define HV_TEST_FAKE_DEV_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static void fd_die(const char *what)
{
	perror(what);
	printf("Bail out! %s\n", what);
	exit(1);
}

/* A listening socket at PATH. */
static int fd_listen(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sun.sun_path))
		fd_die("socket path too long");
	memcpy(sun.sun_path, path, strlen(path) + 1);
	unlink(path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(s, 4))
		fd_die("listen");
	return s;
}

/* The daemon's connection; -1 after TIMEOUT_MS. */
static int fd_accept(int lsock, int timeout_ms)
{
	struct pollfd p = { .fd = lsock, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	return accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
}

/* One message; its length (0: the daemon closed), -1 after TIMEOUT_MS. */
static ssize_t fd_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

/* Wait up to TIMEOUT_MS for PID to exit: its status (128+N: signal N),
 * or -1 (then it is killed). */
static int fd_reap(pid_t pid, int timeout_ms)
{
	int i, st;

	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) :
					       128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* A whole (small) file as a string; "" when it cannot be read. NUL bytes
 * of the file are turned into '|'. */
static char *fd_slurp(const char *path)
{
	static char buf[65536];
	ssize_t n, i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = '|';
	return buf;
}

static void fd_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fd_die(path);
	close(fd);
}

static bool fd_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* kill -9 the daemon *PID, then close its connection *CONN (not before:
 * it would connect again, and that connection wait for the next daemon's
 * accept). */
static void fd_stop(pid_t *pid, int *conn)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		fd_reap(*pid, 5000);
	}
	*pid = 0;
	if (*conn >= 0)
		close(*conn);
	*conn = -1;
}

/* The last check: no sanitizer report in the daemon's log LOGPATH; then
 * remove the test's directory TMP unless $KEEP_ENV is set. */
static void fd_finish(const char *logpath, const char *tmp,
		      const char *keep_env)
{
	char cmd[4096];

	tap_ok(!strstr(fd_slurp(logpath), "Sanitizer") &&
	       !strstr(fd_slurp(logpath), "runtime error"),
	       "the daemon ran clean under ASan/UBSan");
	if (getenv(keep_env))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd))
		tap_diag("cannot remove %s", tmp);
}

#endif
