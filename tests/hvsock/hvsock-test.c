// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsock-test: a Hyper-V socket client and server for the VM scenarios,
 * using nothing but AF_VSOCK sockets (hv_sock carries them over VMBus to
 * the host simulator's services, tests/hostsim/hostsim_hvsock.c).
 *
 *   hvsock-test echo [-n CONNS] [-t SECONDS] PORT BYTES
 *	CONNS connections at once to the host (CID 2) on PORT, an echo
 *	service: each sends BYTES of its own pseudo-random stream, reading
 *	the echo as it goes and checking it byte for byte, then shuts its
 *	sending side down and must read exactly BYTES and then EOF.
 *   hvsock-test connect-fails [-t SECONDS] PORT ERRNO
 *	connect() to the host on PORT must fail with ERRNO (a name such as
 *	ETIMEDOUT) within SECONDS; prints how long it took.
 *   hvsock-test listen [-t SECONDS] PORT
 *	listen on PORT and accept one connection (from the host), print the
 *	peer, read until EOF, print what came, answer "echo:" and that, close.
 *   hvsock-test stream [-t SECONDS] PORT
 *	stream to an echo service until the connection breaks (an error or
 *	an early EOF): succeeds if it does within SECONDS.
 *
 * Every failure is printed with its errno text; the exit status is 0 on
 * success, 1 on failure, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#define CHUNK		(64 * 1024)
#define MAX_CONNS	64

static const char usage_text[] =
"usage: hvsock-test echo [-n CONNS] [-t SECONDS] PORT BYTES\n"
"       hvsock-test connect-fails [-t SECONDS] PORT ERRNO\n"
"       hvsock-test listen [-t SECONDS] PORT\n"
"       hvsock-test stream [-t SECONDS] PORT\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static void __attribute__((format(printf, 1, 2), noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	fputs("hvsock-test: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long parse_num(const char *what, const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max) {
		fprintf(stderr, "hvsock-test: bad %s '%s'\n", what, s);
		usage();
	}
	return v;
}

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "ETIMEDOUT", ETIMEDOUT }, { "ECONNREFUSED", ECONNREFUSED },
	{ "ECONNRESET", ECONNRESET }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL },
	{ "ENETUNREACH", ENETUNREACH }, { "EHOSTUNREACH", EHOSTUNREACH },
};

static int errno_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	fprintf(stderr, "hvsock-test: unknown errno name '%s'\n", name);
	usage();
	return 0;
}

static const char *errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	return "?";
}

static int vsock_socket(void)
{
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket(AF_VSOCK): %s", strerror(errno));
	return fd;
}

static void set_connect_timeout(int fd, unsigned long seconds)
{
	struct timeval tv = { .tv_sec = (time_t)seconds };

	if (setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, sizeof(tv)) < 0)
		die("SO_VM_SOCKETS_CONNECT_TIMEOUT: %s", strerror(errno));
}

/* connect() to the host on @port; 0 or the errno. */
static int connect_host(int fd, unsigned int port)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_HOST,
		.svm_port = port,
	};

	return connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl: %s", strerror(errno));
}

/* A byte stream per connection: xorshift32, one byte per step. */
struct stream {
	uint32_t x;
};

static uint8_t stream_next(struct stream *s)
{
	s->x ^= s->x << 13;
	s->x ^= s->x >> 17;
	s->x ^= s->x << 5;
	return (uint8_t)(s->x >> 24);
}

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_START 0xcbf29ce484222325ULL

struct conn {
	int fd;
	struct stream tx, rx;
	uint64_t sent, received, tx_sum, rx_sum;
	uint8_t pending[CHUNK];	/* generated, not yet accepted by send() */
	size_t pending_len, pending_off;
	int shut, eof, failed;
};

static struct conn conns[MAX_CONNS];

static int conn_fail(struct conn *c, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int conn_fail(struct conn *c, int i, const char *fmt, ...)
{
	va_list ap;

	printf("connection %d: FAILED: ", i);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (after %" PRIu64 " bytes sent, %" PRIu64 " received)\n", c->sent, c->received);
	c->failed = 1;
	c->eof = 1;
	return -1;
}

/* Send what fits; refill from the stream. Return -1 on failure. */
static int conn_send(struct conn *c, int i, uint64_t total)
{
	ssize_t n;
	size_t k;

	for (;;) {
		if (c->pending_off == c->pending_len) {
			if (c->sent == total)
				break;
			c->pending_len = total - c->sent < CHUNK ? (size_t)(total - c->sent) : CHUNK;
			for (k = 0; k < c->pending_len; k++)
				c->pending[k] = stream_next(&c->tx);
			c->tx_sum = fnv1a(c->tx_sum, c->pending, c->pending_len);
			c->pending_off = 0;
		}
		n = send(c->fd, c->pending + c->pending_off, c->pending_len - c->pending_off,
			 MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return conn_fail(c, i, "send: %s", strerror(errno));
		c->pending_off += n;
		c->sent += n;
	}
	if (!c->shut) {
		if (shutdown(c->fd, SHUT_WR) < 0)
			return conn_fail(c, i, "shutdown(SHUT_WR): %s", strerror(errno));
		c->shut = 1;
	}
	return 0;
}

/* Read and check what came back. Return -1 on failure. */
static int conn_recv(struct conn *c, int i, uint64_t total)
{
	static uint8_t buf[CHUNK];
	ssize_t n, k;
	uint8_t want;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0)
			return conn_fail(c, i, "recv: %s", strerror(errno));
		if (n == 0) {
			if (c->received != total)
				return conn_fail(c, i, "EOF before all bytes came back");
			if (!c->shut)
				return conn_fail(c, i, "EOF before our shutdown");
			c->eof = 1;
			return 0;
		}
		if (c->received + n > c->sent)
			return conn_fail(c, i, "%zd bytes more than were sent", n);
		for (k = 0; k < n; k++) {
			want = stream_next(&c->rx);
			if (buf[k] != want)
				return conn_fail(c, i, "byte %" PRIu64 " is 0x%02x, sent 0x%02x",
						 c->received + k, buf[k], want);
		}
		c->rx_sum = fnv1a(c->rx_sum, buf, n);
		c->received += n;
	}
}

static int cmd_echo(unsigned int nconns, unsigned long timeout, unsigned int port,
		    uint64_t total)
{
	struct pollfd pfd[MAX_CONNS];
	double start = now_s(), t;
	unsigned int i, live;
	int err, failed = 0;
	struct conn *c;

	for (i = 0; i < nconns; i++) {
		c = &conns[i];
		c->fd = vsock_socket();
		set_connect_timeout(c->fd, timeout);
		t = now_s();
		err = connect_host(c->fd, port);
		if (err)
			die("connection %u: connect to the host on port %u: %s (%s)", i, port,
			    strerror(err), errno_name(err));
		printf("connection %u: connected in %.0f ms\n", i, (now_s() - t) * 1000);
		set_nonblock(c->fd);
		c->tx.x = c->rx.x = 0x9e3779b9u * (i + 1);
		c->tx_sum = c->rx_sum = FNV_START;
	}
	for (;;) {
		live = 0;
		for (i = 0; i < nconns; i++) {
			c = &conns[i];
			pfd[i].fd = c->eof ? -1 : c->fd;
			pfd[i].events = POLLIN | (c->shut ? 0 : POLLOUT);
			pfd[i].revents = 0;
			live += !c->eof;
		}
		if (!live)
			break;
		if (now_s() - start > timeout) {
			for (i = 0; i < nconns; i++)
				if (!conns[i].eof)
					conn_fail(&conns[i], i, "no EOF within %lu s", timeout);
			break;
		}
		if (poll(pfd, nconns, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < nconns; i++) {
			c = &conns[i];
			if (c->eof || !pfd[i].revents)
				continue;
			if (!c->shut && conn_send(c, i, total) < 0)
				continue;
			conn_recv(c, i, total);
		}
	}
	t = now_s() - start;
	for (i = 0; i < nconns; i++) {
		c = &conns[i];
		if (!c->failed && c->tx_sum != c->rx_sum)
			conn_fail(c, i, "checksums differ");
		if (!c->failed)
			printf("connection %u: %" PRIu64 " bytes sent and echoed byte-exact, fnv1a %016" PRIx64 ", EOF after shutdown\n",
			       i, c->received, c->rx_sum);
		failed |= c->failed;
		close(c->fd);
	}
	printf("%s: %u connection(s) of %" PRIu64 " bytes in %.2f s\n", failed ? "FAILED" : "ok",
	       nconns, total, t);
	return failed;
}

static int cmd_connect_fails(unsigned long timeout, unsigned int port, int want)
{
	double t = now_s();
	int fd = vsock_socket(), err;

	err = connect_host(fd, port);
	t = now_s() - t;
	close(fd);
	if (!err) {
		printf("FAILED: connect to the host on port %u succeeded\n", port);
		return 1;
	}
	printf("connect to the host on port %u failed after %.0f ms: %s (%s)\n", port, t * 1000,
	       strerror(err), errno_name(err));
	if (err != want) {
		printf("FAILED: wanted %s\n", errno_name(want));
		return 1;
	}
	if (t > timeout) {
		printf("FAILED: it took longer than %lu s\n", timeout);
		return 1;
	}
	printf("ok\n");
	return 0;
}

static void print_data(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			break;
	if (i == n) {
		printf("%.*s", (int)n, (const char *)p);
		return;
	}
	printf("hex:");
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static int cmd_listen(unsigned long timeout, unsigned int port)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
		.svm_port = port,
	}, peer;
	socklen_t len = sizeof(peer);
	static uint8_t buf[65536], reply[65536 + 5];
	struct pollfd pfd;
	size_t got = 0;
	ssize_t n;
	int fd = vsock_socket(), c;

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind to port %u: %s", port, strerror(errno));
	if (listen(fd, 4) < 0)
		die("listen: %s", strerror(errno));
	printf("listening on port %u\n", port);
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	n = poll(&pfd, 1, (int)timeout * 1000);
	if (n < 0)
		die("poll: %s", strerror(errno));
	if (!n)
		die("no connection within %lu s", timeout);
	c = accept(fd, (struct sockaddr *)&peer, &len);
	if (c < 0)
		die("accept: %s", strerror(errno));
	printf("accepted a connection from cid %u port %u\n", peer.svm_cid, peer.svm_port);
	fflush(stdout);
	for (;;) {
		pfd.fd = c;
		pfd.events = POLLIN;
		n = poll(&pfd, 1, (int)timeout * 1000);
		if (n <= 0)
			die("no EOF from the peer within %lu s: %s", timeout,
			    n ? strerror(errno) : "timed out");
		n = recv(c, buf + got, sizeof(buf) - got, 0);
		if (n < 0)
			die("recv: %s", strerror(errno));
		if (!n)
			break;
		got += n;
		if (got == sizeof(buf))
			die("more than %zu bytes", sizeof(buf));
	}
	printf("received %zu bytes, then EOF: ", got);
	print_data(buf, got);
	printf("\n");
	memcpy(reply, "echo:", 5);
	memcpy(reply + 5, buf, got);
	if (send(c, reply, got + 5, MSG_NOSIGNAL) != (ssize_t)(got + 5))
		die("send of the answer: %s", strerror(errno));
	if (shutdown(c, SHUT_WR) < 0)
		die("shutdown: %s", strerror(errno));
	close(c);
	close(fd);
	printf("answered %zu bytes and closed\n", got + 5);
	return 0;
}

static int cmd_stream(unsigned long timeout, unsigned int port)
{
	static uint8_t buf[CHUNK];
	double start = now_s();
	uint64_t sent = 0, received = 0;
	struct pollfd pfd;
	int fd = vsock_socket(), err;
	ssize_t n;

	set_connect_timeout(fd, timeout);
	err = connect_host(fd, port);
	if (err)
		die("connect to the host on port %u: %s (%s)", port, strerror(err),
		    errno_name(err));
	printf("connected\n");
	fflush(stdout);
	set_nonblock(fd);
	memset(buf, 0x5a, sizeof(buf));
	while (now_s() - start < timeout) {
		pfd.fd = fd;
		pfd.events = POLLIN | POLLOUT;
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd.revents & POLLOUT) {
			n = send(fd, buf, 4096, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				printf("the connection broke: send: %s after %" PRIu64 " bytes sent, %" PRIu64 " received\n",
				       strerror(errno), sent, received);
				return 0;
			}
			if (n > 0)
				sent += n;
		}
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0) {
			printf("the connection broke: EOF after %" PRIu64 " bytes sent, %" PRIu64 " received\n",
			       sent, received);
			return 0;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			printf("the connection broke: recv: %s after %" PRIu64 " bytes sent, %" PRIu64 " received\n",
			       strerror(errno), sent, received);
			return 0;
		}
		if (n > 0)
			received += n;
	}
	printf("FAILED: the connection still works after %lu s (%" PRIu64 " bytes sent, %" PRIu64 " received)\n",
	       timeout, sent, received);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long timeout = 60, nconns = 1;
	const char *cmd;
	int opt;

	if (argc < 2)
		usage();
	cmd = argv[1];
	argv++;
	argc--;
	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			nconns = parse_num("connection count", optarg, MAX_CONNS);
			if (!nconns)
				usage();
			break;
		case 't':
			timeout = parse_num("timeout", optarg, 3600);
			if (!timeout)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "echo") && argc == 2)
		return cmd_echo(nconns, timeout, parse_num("port", argv[0], UINT32_MAX - 1),
				parse_num("byte count", argv[1], 1UL << 34));
	if (!strcmp(cmd, "connect-fails") && argc == 2)
		return cmd_connect_fails(timeout, parse_num("port", argv[0], UINT32_MAX - 1),
					 errno_of(argv[1]));
	if (!strcmp(cmd, "listen") && argc == 1)
		return cmd_listen(timeout, parse_num("port", argv[0], UINT32_MAX - 1));
	if (!strcmp(cmd, "stream") && argc == 1)
		return cmd_stream(timeout, parse_num("port", argv[0], UINT32_MAX - 1));
	usage();
	return 2;
}
