// SPDX-License-Identifier: GPL-2.0-only
/*
 * ic-dev: exercises the char devices hv_utils offers the KVP, VSS and
 * fcopy daemons (/dev/vmbus/hv_kvp, hv_vss, hv_fcopy) the way the daemons
 * use them, and prints what happened, one "key=value" line per step, so a
 * scenario can assert on it.
 *
 *   ic-dev register SVC [SECONDS]
 *	open, write the daemon handshake, read the answer, print it
 *	(kvp: "op=100 version=3.1"; vss: "answer=129"; fcopy: "answer=1");
 *	then keep the device open SECONDS (default 0) and close it
 *   ic-dev semantics SVC
 *	a second open fails EBUSY; poll before the handshake: no POLLIN;
 *	after it: POLLIN; a read into a buffer one byte short: EINVAL and
 *	the message is kept (the next full read gets it); poll after: nothing;
 *	a reply with no request outstanding: EINVAL; a second handshake:
 *	EINVAL. Prints one line per step, "ok" or "FAIL"; exit 1 on a FAIL
 *   ic-dev block SVC
 *	register, print "blocked", then sleep in read() until the device
 *	goes; print the read's and a poll's outcome ("read=EBADF
 *	poll=POLLERR|POLLHUP" when the device was removed)
 *
 * SVC is kvp, vss or fcopy. Message layouts are Linux's
 * include/uapi/linux/hyperv.h (struct hv_kvp_msg: 7432 bytes, operation at
 * byte 0, the registration's version string at byte 4; struct hv_vss_msg:
 * 12 bytes; fcopy: an int).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KVP_MSG_LEN	7432
#define KVP_OP_REGISTER1 100
#define VSS_MSG_LEN	12
#define VSS_OP_REGISTER1 129
#define FCOPY_VERSION_1	1

struct svc {
	const char *name;
	const char *path;
	size_t hello_len;	/* handshake the daemon writes */
	size_t answer_len;	/* and the kernel's answer */
};

static const struct svc svcs[] = {
	{ "kvp", "/dev/vmbus/hv_kvp", KVP_MSG_LEN, KVP_MSG_LEN },
	{ "vss", "/dev/vmbus/hv_vss", VSS_MSG_LEN, 4 },
	{ "fcopy", "/dev/vmbus/hv_fcopy", 4, 4 },
};

static unsigned char buf[16384];
static int failed;

static void step(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failed = 1;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ENODEV: return "ENODEV";
	case EINTR: return "EINTR";
	case EFAULT: return "EFAULT";
	default: return strerror(e);
	}
}

static ssize_t write_hello(const struct svc *s, int fd)
{
	memset(buf, 0, sizeof(buf));
	if (!strcmp(s->name, "kvp")) {
		buf[0] = KVP_OP_REGISTER1;
	} else if (!strcmp(s->name, "vss")) {
		buf[0] = VSS_OP_REGISTER1;
	} else {
		int v = FCOPY_VERSION_1;

		memcpy(buf, &v, sizeof(v));
	}
	return write(fd, buf, s->hello_len);
}

/* Print the handshake answer in @buf (@n bytes); true if it is right. */
static int show_answer(const struct svc *s, ssize_t n)
{
	uint32_t v;

	if (!strcmp(s->name, "kvp")) {
		printf("len=%zd op=%u version=%.16s\n", n, buf[0], (char *)buf + 4);
		return n == KVP_MSG_LEN && buf[0] == KVP_OP_REGISTER1 &&
		       !strcmp((char *)buf + 4, "3.1");
	}
	memcpy(&v, buf, sizeof(v));
	printf("len=%zd answer=%u\n", n, v);
	return n == 4 && v == (!strcmp(s->name, "vss") ? VSS_OP_REGISTER1 : FCOPY_VERSION_1);
}

static int open_dev(const struct svc *s)
{
	int fd = open(s->path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("open=%s\n", errname(errno));
		exit(1);
	}
	return fd;
}

static int do_register(const struct svc *s, int hold)
{
	int fd = open_dev(s);
	ssize_t n;

	if (write_hello(s, fd) != (ssize_t)s->hello_len) {
		printf("write=%s\n", errname(errno));
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		printf("read=%s\n", errname(errno));
		return 1;
	}
	if (!show_answer(s, n))
		return 1;
	fflush(stdout);
	if (hold > 0)
		sleep(hold);
	close(fd);
	return 0;
}

static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int do_semantics(const struct svc *s)
{
	char what[128];
	int fd, fd2, e;
	ssize_t n;
	short ev;

	fd = open_dev(s);
	fd2 = open(s->path, O_RDWR | O_CLOEXEC);
	e = errno;
	snprintf(what, sizeof(what), "second open: %s", fd2 < 0 ? errname(e) : "succeeded");
	step(fd2 < 0 && e == EBUSY, what);
	if (fd2 >= 0)
		close(fd2);

	ev = poll_now(fd);
	snprintf(what, sizeof(what), "poll before the handshake: revents=%#x", ev);
	step(ev == 0, what);

	n = write_hello(s, fd);
	snprintf(what, sizeof(what), "handshake write: %zd", n);
	step(n == (ssize_t)s->hello_len, what);

	ev = poll_now(fd);
	snprintf(what, sizeof(what), "poll after it: revents=%#x (POLLIN)", ev);
	step(ev & POLLIN, what);

	n = read(fd, buf, s->answer_len - 1);
	e = errno;
	snprintf(what, sizeof(what), "read of %zu bytes: %s", s->answer_len - 1,
		 n < 0 ? errname(e) : "succeeded");
	step(n < 0 && e == EINVAL, what);

	ev = poll_now(fd);
	snprintf(what, sizeof(what), "the message is kept: revents=%#x", ev);
	step(ev & POLLIN, what);

	n = read(fd, buf, sizeof(buf));
	step(n > 0 && show_answer(s, n), "full read: the handshake answer");

	ev = poll_now(fd);
	snprintf(what, sizeof(what), "poll after reading: revents=%#x", ev);
	step(ev == 0, what);

	/* a reply nobody asked for */
	memset(buf, 0, sizeof(buf));
	n = write(fd, buf, s->hello_len);
	e = errno;
	snprintf(what, sizeof(what), "reply with no request outstanding: %s",
		 n < 0 ? errname(e) : "accepted");
	step(n < 0 && e == EINVAL, what);

	/* the wrong size */
	n = write(fd, buf, s->hello_len - 1);
	e = errno;
	snprintf(what, sizeof(what), "write of %zu bytes: %s", s->hello_len - 1,
		 n < 0 ? errname(e) : "accepted");
	step(n < 0 && e == EINVAL, what);

	close(fd);

	/* closed: a new opener may register again */
	fd = open_dev(s);
	n = write_hello(s, fd) == (ssize_t)s->hello_len ? read(fd, buf, sizeof(buf)) : -1;
	step(n > 0 && show_answer(s, n), "reopen: the handshake works again");
	close(fd);
	return failed;
}

static int do_block(const struct svc *s)
{
	int fd = open_dev(s);
	ssize_t n;
	short ev;
	int e;

	if (write_hello(s, fd) != (ssize_t)s->hello_len || read(fd, buf, sizeof(buf)) <= 0) {
		printf("handshake=%s\n", errname(errno));
		return 1;
	}
	printf("blocked\n");
	fflush(stdout);
	n = read(fd, buf, sizeof(buf));
	e = errno;
	ev = poll_now(fd);
	printf("read=%s poll=%s%s%s\n", n < 0 ? errname(e) : "message",
	       ev & POLLERR ? "POLLERR" : "", (ev & POLLERR) && (ev & POLLHUP) ? "|" : "",
	       ev & POLLHUP ? "POLLHUP" : "");
	fflush(stdout);
	close(fd);
	return !(n < 0 && e == EBADF && (ev & POLLERR) && (ev & POLLHUP));
}

int main(int argc, char **argv)
{
	const struct svc *s = NULL;
	size_t i;

	if (argc < 3) {
		fprintf(stderr, "usage: ic-dev register|semantics|block kvp|vss|fcopy [SECONDS]\n");
		return 2;
	}
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		if (!strcmp(argv[2], svcs[i].name))
			s = &svcs[i];
	if (!s) {
		fprintf(stderr, "ic-dev: unknown service %s\n", argv[2]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "register"))
		return do_register(s, argc > 3 ? atoi(argv[3]) : 0);
	if (!strcmp(argv[1], "semantics"))
		return do_semantics(s);
	if (!strcmp(argv[1], "block"))
		return do_block(s);
	fprintf(stderr, "ic-dev: unknown command %s\n", argv[1]);
	return 2;
}
