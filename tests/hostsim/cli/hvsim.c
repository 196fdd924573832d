// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: drive the simulated Hyper-V host (hv_hostsim) the way an
 * administrator drives Hyper-V: add and remove devices, inject faults, look
 * at the host.
 *
 * It talks to the module through its debugfs directory: one command a
 * write to "control", the result in "last_relid" and "last_error"; the
 * channels' data plane in "channels".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HVSIM_DEFAULT_DIR	"/sys/kernel/debug/hv_hostsim"
#define HVSIM_MODULE_DIR	"/sys/module/hv_hostsim"
#define HVSIM_CMD_MAX		128	/* as the module takes, newline included */

/* Exit 1 with "hvsim: MESSAGE"; a macro, so that fprintf checks the format. */
#define die(...)						\
	do {							\
		fprintf(stderr, "%s: ", prog);			\
		fprintf(stderr, __VA_ARGS__);			\
		fputc('\n', stderr);				\
		exit(1);					\
	} while (0)

static const char *prog = "hvsim";
static const char *dir;

static const char usage_text[] =
"usage: hvsim offer CLASS [INSTANCE-GUID]\n"
"       hvsim subchannels RELID N\n"
"       hvsim rescind RELID\n"
"       hvsim fault RELID delay MS|drop N|corrupt N|rescind-after N|clear\n"
"       hvsim list\n"
"       hvsim channels [RELID]\n"
"       hvsim status\n"
"       hvsim --help\n";

static const char help_text[] =
"NAME\n"
"    hvsim - drive the simulated Hyper-V host of hyperv-dkms's tests\n"
"\n"
"SYNOPSIS\n"
"    hvsim offer CLASS [INSTANCE-GUID]\n"
"    hvsim subchannels RELID N\n"
"    hvsim rescind RELID\n"
"    hvsim fault RELID delay MS|drop N|corrupt N|rescind-after N|clear\n"
"    hvsim list\n"
"    hvsim channels [RELID]\n"
"    hvsim status\n"
"    hvsim --help\n"
"\n"
"DESCRIPTION\n"
"    hv_hostsim is a kernel module that plays the Hyper-V host inside a test\n"
"    guest, in place of Hyper-V. hvsim is its administrator's console: it\n"
"    configures the devices the host offers on VMBus, injects faults into\n"
"    their channels and shows the host's view of the guest.\n"
"\n"
"COMMANDS\n"
"    offer CLASS [INSTANCE-GUID]\n"
"        Add a device and print its relid. The guest gets the offer at once\n"
"        if it has asked for offers, otherwise when it does. CLASS is one\n"
"        of network, scsi, ide, shutdown, timesync, heartbeat, kvp, vss,\n"
"        fcopy, dm (dynamic memory), keyboard, mouse, synthvid, pci, fc,\n"
"        echo (the simulator's own class c18c230f-6088-4676-96f6-\n"
"        fe7d45135f01), or a class GUID. Without INSTANCE-GUID the host\n"
"        picks a random one.\n"
"\n"
"    subchannels RELID N\n"
"        Add N sub-channels to the primary device RELID and print their\n"
"        relids. They are offered after the primary, and only to guests\n"
"        that negotiated VMBus protocol 2.4 or newer.\n"
"\n"
"    rescind RELID\n"
"        Remove a device, its sub-channels first. A channel the guest was\n"
"        offered stays \"rescinded-pending\", keeping its relid, until the\n"
"        guest releases it. The host stops using an open channel at once\n"
"        and releases its GPADLs itself.\n"
"\n"
"    fault RELID delay MS\n"
"        Wait MS milliseconds (at most 60000) before handling each packet\n"
"        the guest sends on the channel.\n"
"    fault RELID drop N\n"
"        Consume the next N packets (at most 1000000) without answering.\n"
"    fault RELID corrupt N\n"
"        Give the next N answers an invalid len8 (longer than the ring).\n"
"    fault RELID rescind-after N\n"
"        Rescind the device after N more answers.\n"
"    fault RELID clear\n"
"        No more faults on RELID. A value of 0 turns one fault off.\n"
"        Faults act on devices with a host side (echo), last through\n"
"        closes and reconnections, and go with the device.\n"
"\n"
"    list\n"
"        One device a line: RELID CLASS-NAME CLASS-GUID INSTANCE-GUID\n"
"        SUBCHANNEL-INDEX STATE, where STATE is offered, rescinded-pending\n"
"        or configured-not-offered.\n"
"\n"
"    channels [RELID]\n"
"        One line per channel with data-plane state (or only RELID's; exit\n"
"        1 if it has none), \"key=value\" words: relid class open broken\n"
"        gpadl (ring GPADL handle while open, else 0x0) gpadls (mapped\n"
"        GPADLs)\n"
"        send_ring recv_ring (data bytes of the guest-to-host and the\n"
"        host-to-guest ring) target_vp opens pkts_in bytes_in pkts_out\n"
"        bytes_out sig_in sig_out sig_suppressed host_ring_full\n"
"        pending_wakeups bad_pkts dropped corrupted delayed faults (the\n"
"        faults still to come, \"none\" or e.g. \"delay:10,drop:2\"),\n"
"        then modifies modifies_refused (MODIFYCHANNELs that set\n"
"        target_vp, and those refused) events (interrupts delivered to\n"
"        the guest, on its target VP: CPU N is VP N) events_off_target\n"
"        (delivered on a CPU that was not the target by then)\n"
"        irq_coalesced (signals merged into a pending interrupt)\n"
"        events_cpuN (delivered on CPU N, one word per possible CPU)\n"
"        g2h_pos h2g_pos (the host's index of the guest-to-host and the\n"
"        host-to-guest ring) g2h_mask h2g_mask g2h_pending h2g_pending\n"
"        (each ring's interrupt_mask and pending_send_sz; 0 while\n"
"        closed).\n"
"\n"
"    status\n"
"        The host's state and counters, one \"key value\" a line, GPADL\n"
"        and channel counts included; modifies_received, modifies_refused\n"
"        (MODIFYCHANNEL before protocol 4.1, of a channel not open, or to\n"
"        a VP that is not an online CPU) and bad_target_vps (OPENCHANNEL\n"
"        or MODIFYCHANNEL naming such a VP).\n"
"\n"
"LIMITS\n"
"    At most 64 devices, sub-channels and unreleased rescinded channels\n"
"    included. Relids are the lowest free numbers from 1; a rescinded\n"
"    relid is free again only once the guest released it.\n"
"\n"
"ENVIRONMENT\n"
"    HVSIM_DEBUGFS\n"
"        The module's debugfs directory (default " HVSIM_DEFAULT_DIR ").\n"
"\n"
"EXIT STATUS\n"
"    0 on success, 1 when the host refused the command or cannot be\n"
"    reached (the host's reason is printed), 2 for bad usage.\n"
"\n"
"EXAMPLES\n"
"    modprobe hv_hostsim\n"
"    hvsim offer network        # prints the new relid, e.g. 1\n"
"    hvsim subchannels 1 3\n"
"    modprobe hv_vmbus          # the guest connects and gets the offers\n"
"    hvsim offer echo           # a loopback device, e.g. relid 2\n"
"    hvsim fault 2 drop 3       # its next 3 packets go unanswered\n"
"    hvsim channels 2\n"
"    hvsim rescind 1\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static void path_of(char *buf, size_t size, const char *name)
{
	if ((size_t)snprintf(buf, size, "%s/%s", dir, name) >= size)
		die("%s: path too long", dir);
}

/* The module's directory must be there, or say why it is not. */
static void check_host(void)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			die("%s is not a directory", dir);
		return;
	}
	if (errno != ENOENT)
		die("%s: %s", dir, strerror(errno));
	if (stat(HVSIM_MODULE_DIR, &st) == 0)
		die("hv_hostsim is loaded but %s is missing%s", dir,
		    " (is debugfs mounted? mount -t debugfs none /sys/kernel/debug)");
	die("hv_hostsim is not loaded (modprobe hv_hostsim)");
}

/* Read a small file of the module's into buf; 0, or -1 with errno set. */
static int read_file(const char *name, char *buf, size_t size)
{
	char path[4096];
	size_t len = 0;
	ssize_t n;
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			errno = err;
			return -1;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return 0;
}

/* Copy a file of the module's to stdout. */
static void cat(const char *name)
{
	char path[4096], buf[4096];
	ssize_t n;
	int fd;

	check_host();
	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			die("stdout: %s", strerror(errno));
	}
	close(fd);
}

/*
 * Send one command line to the host. On refusal, exit 1 with the errno
 * text and the host's own reason from last_error.
 */
static void send_command(int argc, char **argv)
{
	char path[4096], line[HVSIM_CMD_MAX + 1], why[1024];
	size_t len = 0;
	ssize_t n;
	int i, fd, err;

	for (i = 0; i < argc; i++) {
		int w = snprintf(line + len, sizeof(line) - len, "%s%s",
				 i ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(line) - len)
			die("%s: command too long (at most %d bytes)", argv[0],
			    HVSIM_CMD_MAX - 1);
		len += w;
	}
	if (len + 1 >= sizeof(line))
		die("%s: command too long (at most %d bytes)", argv[0], HVSIM_CMD_MAX - 1);
	line[len++] = '\n';
	line[len] = '\0';

	check_host();
	path_of(path, sizeof(path), "control");
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	if (n == (ssize_t)len)
		return;
	if (n >= 0)
		die("%s: short write to %s", argv[0], path);
	if (read_file("last_error", why, sizeof(why)) == 0 && why[0]) {
		why[strcspn(why, "\n")] = '\0';
		die("%s: %s: %s", argv[0], strerror(err), why);
	}
	die("%s: %s", argv[0], strerror(err));
}

/* Print the lines of the channels file, all or those of one relid. */
static void show_channels(const char *relid)
{
	char buf[1 << 16], want[32];
	char *line, *next;
	int found = 0;

	check_host();
	if (!relid) {
		cat("channels");
		return;
	}
	if (!*relid || strspn(relid, "0123456789") != strlen(relid) || strlen(relid) > 10)
		die("channels: bad relid '%s': want a decimal number", relid);
	snprintf(want, sizeof(want), "relid=%s ", relid);
	if (read_file("channels", buf, sizeof(buf)) < 0)
		die("channels: %s", strerror(errno));
	for (line = buf; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, want, strlen(want))) {
			puts(line);
			found = 1;
		}
	}
	if (!found)
		die("relid %s has no channel state", relid);
}

/* Print the relids the last command created. */
static void print_relids(const char *cmd)
{
	char buf[1024];

	if (read_file("last_relid", buf, sizeof(buf)) < 0)
		die("%s: cannot read last_relid: %s", cmd, strerror(errno));
	if (!buf[0])
		die("%s: the host reported no new relid", cmd);
	fputs(buf, stdout);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int clear;

	dir = getenv("HVSIM_DEBUGFS");
	if (!dir || !*dir)
		dir = HVSIM_DEFAULT_DIR;
	if (argc < 2)
		usage();
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		if (argc != 2)
			usage();
		fputs(help_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "offer")) {
		if (argc < 3 || argc > 4)
			usage();
		send_command(argc - 1, argv + 1);
		print_relids(cmd);
	} else if (!strcmp(cmd, "subchannels")) {
		if (argc != 4)
			usage();
		send_command(argc - 1, argv + 1);
		print_relids(cmd);
	} else if (!strcmp(cmd, "rescind")) {
		if (argc != 3)
			usage();
		send_command(argc - 1, argv + 1);
	} else if (!strcmp(cmd, "fault")) {
		if (argc < 4 || argc > 5)
			usage();
		clear = !strcmp(argv[3], "clear");
		if (clear ? argc != 4 : argc != 5)
			usage();
		send_command(argc - 1, argv + 1);
	} else if (!strcmp(cmd, "channels")) {
		if (argc > 3)
			usage();
		show_channels(argc == 3 ? argv[2] : NULL);
	} else if (!strcmp(cmd, "list")) {
		if (argc != 2)
			usage();
		cat("control");
	} else if (!strcmp(cmd, "status")) {
		if (argc != 2)
			usage();
		cat("status");
	} else {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
		usage();
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die("stdout: %s", strerror(errno));
	return 0;
}
