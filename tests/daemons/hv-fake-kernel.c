// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-fake-kernel: plays the kernel's side of /dev/vmbus/hv_vss or
 * /dev/vmbus/hv_fcopy for the daemons' VM scenarios, through the Unix
 * SOCK_SEQPACKET socket the daemon is given with --device: it accepts the
 * daemon, checks its registration (VSS: 12 bytes, op 129; fcopy: a 4-byte
 * 1) and answers it (a 4-byte 129 or 1), then reads commands, one a line,
 * from standard input and prints one line each on standard output:
 *
 *   vss:    freeze | thaw | hot_backup | op N
 *   fcopy:  start FLAGS PATH NAME SIZE | data FILE [N] | complete | cancel
 *   both:   accept            (wait for the daemon to connect again)
 *           close             (close the daemon's connection)
 *
 * Answers: "CMD 0xSTATUS", or "CMD no-answer" after 30 s, or "CMD closed"
 * when the daemon went away. "data FILE [N]" sends FILE (its first N
 * chunks) in 6144-byte WRITEs and prints "data 0xSTATUS N" (N chunks
 * sent, stops at the first failure). "accept" prints "registered" or "no-daemon".
 *
 * A test tool, built for the VM harness (`# tools: hv-fake-kernel`).
 *
 * usage: hv-fake-kernel vss|fcopy SOCKET
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/hyperv.h>

#define TIMEOUT_MS 30000

static int lsock = -1, conn = -1;
static bool fcopy;

static ssize_t recv_timeout(void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = conn, .events = POLLIN };

	if (conn < 0 || poll(&p, 1, ms) != 1)
		return -1;
	return recv(conn, buf, len, 0);
}

static bool accept_daemon(void)
{
	struct pollfd p = { .fd = lsock, .events = POLLIN };
	unsigned char buf[64];
	__u32 answer;
	ssize_t n;

	if (conn >= 0)
		close(conn);
	conn = -1;
	if (poll(&p, 1, TIMEOUT_MS) != 1)
		return false;
	conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	n = recv_timeout(buf, sizeof(buf), TIMEOUT_MS);
	if (fcopy) {
		__u32 v;

		memcpy(&v, buf, sizeof(v));
		if (n != 4 || v != FCOPY_CURRENT_VERSION)
			return false;
		answer = FCOPY_CURRENT_VERSION;
	} else {
		if (n != 12 || buf[0] != VSS_OP_REGISTER1)
			return false;
		answer = VSS_OP_REGISTER1;
	}
	return send(conn, &answer, sizeof(answer), 0) == sizeof(answer);
}

/* Send LEN bytes, print "WHAT 0xSTATUS" (the answer's first u32). */
static long long xfer(const void *msg, size_t len, const char *what,
		      bool print)
{
	unsigned char buf[64];
	__u32 status;
	ssize_t n;

	if (conn < 0 || send(conn, msg, len, 0) != (ssize_t)len) {
		printf("%s closed\n", what);
		return -1;
	}
	n = recv_timeout(buf, sizeof(buf), TIMEOUT_MS);
	if (n == 0) {
		printf("%s closed\n", what);
		return -1;
	}
	if (n < (ssize_t)sizeof(status)) {
		printf("%s no-answer\n", what);
		return -1;
	}
	memcpy(&status, buf, sizeof(status));
	if (print)
		printf("%s 0x%08x\n", what, status);
	return status;
}

static void vss_op(int op, const char *what)
{
	struct hv_vss_msg m = { 0 };

	m.vss_hdr.operation = (__u8)op;
	xfer(&m, sizeof(m), what, true);
}

static void fcopy_start(char *args)
{
	static struct hv_start_fcopy m;
	char path[W_MAX_PATH * 2], name[W_MAX_PATH * 2];
	unsigned long long size;
	unsigned int flags;

	if (sscanf(args, "%x %519s %519s %llu", &flags, path, name, &size) != 4 ||
	    strlen(path) >= sizeof(m.path_name) ||
	    strlen(name) >= sizeof(m.file_name)) {
		printf("start bad-arguments\n");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.hdr.operation = START_FILE_COPY;
	/* The kernel hands the daemon UTF-8 in the UTF-16 fields. */
	memcpy(m.file_name, name, strlen(name));
	memcpy(m.path_name, path, strlen(path));
	m.copy_flags = flags;
	m.file_size = size;
	xfer(&m, sizeof(m), "start", true);
}

static void fcopy_data(char *args)
{
	char file[1024];
	unsigned int max = ~0u;
	static struct hv_do_fcopy m;
	long long st = 0;
	unsigned long long off = 0;
	unsigned int chunks = 0;
	ssize_t n;
	int fd;

	if (sscanf(args, "%1023s %u", file, &max) < 1) {
		printf("data bad-arguments\n");
		return;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("data no-file\n");
		return;
	}
	while (chunks < max) {
		memset(&m, 0, sizeof(m));
		n = read(fd, m.data, sizeof(m.data));
		if (n <= 0)
			break;
		m.hdr.operation = WRITE_TO_FILE;
		m.offset = off;
		m.size = (__u32)n;
		st = xfer(&m, sizeof(m), "data", false);
		chunks++;
		if (st)
			break;
		off += (unsigned long long)n;
	}
	close(fd);
	if (st >= 0)
		printf("data 0x%08llx %u\n", st, chunks);
}

static void fcopy_op(int op, const char *what)
{
	struct hv_fcopy_hdr m = { 0 };

	m.operation = (__u32)op;
	xfer(&m, sizeof(m), what, true);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char line[2048];
	int op;

	if (argc != 3 || (strcmp(argv[1], "vss") && strcmp(argv[1], "fcopy")) ||
	    strlen(argv[2]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: hv-fake-kernel vss|fcopy SOCKET\n");
		return 2;
	}
	fcopy = !strcmp(argv[1], "fcopy");
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	strcpy(sun.sun_path, argv[2]);
	unlink(argv[2]);
	lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(lsock, 4)) {
		perror(argv[2]);
		return 1;
	}
	printf("listening\n");
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "accept")) {
			printf("%s\n", accept_daemon() ? "registered" : "no-daemon");
		} else if (!strcmp(line, "close")) {
			if (conn >= 0)
				close(conn);
			conn = -1;
			printf("closed\n");
		} else if (!fcopy && !strcmp(line, "freeze")) {
			vss_op(VSS_OP_FREEZE, line);
		} else if (!fcopy && !strcmp(line, "thaw")) {
			vss_op(VSS_OP_THAW, line);
		} else if (!fcopy && !strcmp(line, "hot_backup")) {
			vss_op(VSS_OP_HOT_BACKUP, line);
		} else if (!fcopy && sscanf(line, "op %d", &op) == 1) {
			vss_op(op, "op");
		} else if (fcopy && !strncmp(line, "start ", 6)) {
			fcopy_start(line + 6);
		} else if (fcopy && !strncmp(line, "data ", 5)) {
			fcopy_data(line + 5);
		} else if (fcopy && !strcmp(line, "complete")) {
			fcopy_op(COMPLETE_FCOPY, line);
		} else if (fcopy && !strcmp(line, "cancel")) {
			fcopy_op(CANCEL_FCOPY, line);
		} else {
			printf("unknown-command\n");
		}
	}
	return 0;
}
