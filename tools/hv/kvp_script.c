// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running the KVP scripts with a timeout (see kvp_script.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvp_script.h"

#define MAX_ARGS 8

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void exec_child(const char *path, const char *const *argv, int out)
{
	const char *args[MAX_ARGS + 2];
	sigset_t none;
	int i, null;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the daemon blocks some */
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0)
		_exit(126);
	args[0] = path;
	for (i = 0; argv && argv[i] && i < MAX_ARGS; i++)
		args[i + 1] = argv[i];
	args[i + 1] = NULL;
	execv(path, (char *const *)args);
	_exit(127);
}

/* Read the child's stdout until EOF or the deadline; 0 or -ETIMEDOUT. */
static int collect(int fd, char *out, size_t out_len, long long deadline)
{
	char sink[512];
	size_t used = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int left;

	for (;;) {
		left = (int)(deadline - now_ms());
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!p.revents)
			continue;
		if (out && used + 1 < out_len)
			n = read(fd, out + used, out_len - 1 - used);
		else
			n = read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (out && used + 1 < out_len)
			used += (size_t)n;
		if (out)
			out[used] = '\0';
	}
}

int kvp_run_script(const char *dir, const char *name, const char *const *argv,
		   char *out, size_t out_len)
{
	char path[4096];
	int pipefd[2], status, ret;
	pid_t pid;

	if (out && out_len)
		out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, X_OK) < 0)
		return -ENOENT;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (pid == 0)
		exec_child(path, argv, pipefd[1]);
	close(pipefd[1]);
	ret = collect(pipefd[0], out, out_len,
		      now_ms() + KVP_SCRIPT_TIMEOUT_MS);
	close(pipefd[0]);
	if (ret == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (ret)
		return ret;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
	return -ECHILD;		/* killed by a signal */
}
