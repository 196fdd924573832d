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

#include "hvsim.h"

const char *prog = "hvsim";

/* A fault of the IC devices (its count is optional). */
static int is_ic_fault(const char *name)
{
	return !strncmp(name, "ic-", 3) || !strncmp(name, "kvp-", 4) ||
	       !strncmp(name, "vss-", 4) || !strncmp(name, "fcopy-", 6);
}

static const char *dir;

static const char usage_text[] =
"usage: hvsim offer [--monitored|--unmonitored] CLASS [INSTANCE-GUID]\n"
"       hvsim subchannels RELID N\n"
"       hvsim rescind RELID\n"
"       hvsim fault RELID delay MS|drop N|corrupt N|rescind-after N|clear\n"
"       hvsim fault RELID IC-FAULT [N]\n"
"       hvsim list\n"
"       hvsim channels [RELID]\n"
"       hvsim status\n"
"       hvsim hvsock list|services\n"
"       hvsim hvsock connect [-t SECONDS] PORT [DATA]\n"
"       hvsim ic status [CLASS|RELID] | requests [RELID]\n"
"       hvsim ic versions CLASS [--fw LIST --msg LIST | --default]\n"
"       hvsim shutdown [--reboot|--hibernate] [--force] [--flags N] [--reason N]\n"
"                      [--timeout-secs N] [--len N] [--relid N] [--timeout MS]\n"
"       hvsim heartbeat [--count N] [--seq N] [--len N] [--relid N] [--timeout MS]\n"
"       hvsim heartbeat --auto PERIOD_MS|off\n"
"       hvsim time sync|sample [--offset D] [--relid N] [--timeout MS]\n"
"       hvsim time auto PERIOD_MS|off\n"
"       hvsim time refclock [--skew D]\n"
"       hvsim time drift [PPM]\n"
"       hvsim time status\n"
"       hvsim kvp set POOL KEY VALUE [--type sz|u32|u64] [--relid N] [--timeout MS]\n"
"       hvsim kvp get|delete POOL KEY [--relid N] [--timeout MS]\n"
"       hvsim kvp enum POOL [--index N|--all] [--relid N] [--timeout MS]\n"
"       hvsim kvp ipinfo get ADAPTER [--family 4|6|both] [--relid N] [--timeout MS]\n"
"       hvsim kvp ipinfo set ADAPTER --dhcp | --addr IP/P[,...] [--gw IP[,...]]\n"
"                            [--dns IP[,...]] [--relid N] [--timeout MS]\n"
"       hvsim vss check|dminfo|thaw|complete [--relid N] [--timeout MS]\n"
"       hvsim vss freeze [--luns N] [--relid N] [--timeout MS]\n"
"       hvsim vss backup [--hold MS] [--luns N] [--relid N] [--timeout MS]\n"
"       hvsim fcopy SRC DEST_DIR NAME [--overwrite] [--create-path] [--chunk N]\n"
"                   [--cancel-after N] [--relid N] [--timeout MS]\n"
"       hvsim --help\n";

static const char help_text[] =
"NAME\n"
"    hvsim - drive the simulated Hyper-V host of hyperv-dkms's tests\n"
"\n"
"SYNOPSIS\n"
"    hvsim offer [--monitored|--unmonitored] CLASS [INSTANCE-GUID]\n"
"    hvsim subchannels RELID N\n"
"    hvsim rescind RELID\n"
"    hvsim fault RELID delay MS|drop N|corrupt N|rescind-after N|clear\n"
"    hvsim list\n"
"    hvsim channels [RELID]\n"
"    hvsim status\n"
"    hvsim hvsock list|services\n"
"    hvsim hvsock connect [-t SECONDS] PORT [DATA]\n"
"    hvsim ic status [CLASS|RELID] | requests [RELID]\n"
"    hvsim ic versions CLASS [--fw LIST --msg LIST | --default]\n"
"    hvsim shutdown [--reboot|--hibernate] [--force] [--flags N] [--reason N]\n"
"                   [--timeout-secs N] [--len N] [--relid N] [--timeout MS]\n"
"    hvsim heartbeat [--count N] [--seq N] [--len N] [--relid N] [--timeout MS]\n"
"    hvsim heartbeat --auto PERIOD_MS|off\n"
"    hvsim time sync|sample [--offset D] [--relid N] [--timeout MS]\n"
"    hvsim time auto PERIOD_MS|off\n"
"    hvsim time refclock [--skew D]\n"
"    hvsim time drift [PPM]\n"
"    hvsim time status\n"
"    hvsim --help\n"
"\n"
"DESCRIPTION\n"
"    hv_hostsim is a kernel module that plays the Hyper-V host inside a test\n"
"    guest, in place of Hyper-V. hvsim is its administrator's console: it\n"
"    configures the devices the host offers on VMBus, injects faults into\n"
"    their channels and shows the host's view of the guest.\n"
"\n"
"COMMANDS\n"
"    offer [--monitored|--unmonitored] CLASS [INSTANCE-GUID]\n"
"        Add a device and print its relid. The guest gets the offer at once\n"
"        if it has asked for offers, otherwise when it does. CLASS is one\n"
"        of network, scsi, ide, shutdown, timesync, heartbeat, kvp, vss,\n"
"        fcopy, dm (dynamic memory), keyboard, mouse, synthvid, pci, fc,\n"
"        echo (the simulator's own class c18c230f-6088-4676-96f6-\n"
"        fe7d45135f01), or a class GUID. Without INSTANCE-GUID the host\n"
"        picks a random one, except for the IC classes, whose first device\n"
"        gets the instance Hyper-V uses (shutdown b6650ff7-33bc-4840-8048-\n"
"        e0676786f393, timesync 2dd1ce17-079e-403c-b352-a1921ee207ee, kvp\n"
"        242ff919-07db-4180-9c2e-b86cb68c8c55, fcopy eb765408-105f-49b6-\n"
"        b4aa-c123b64d17d4) or, where that is not known, a fixed one of\n"
"        ours (heartbeat 1430c972-1ab9-43cf-89e8-2f18682caa63, vss\n"
"        670fc2a8-142a-4e55-854b-e8563c6b2280).\n"
"        --monitored offers the device with a monitor id allocated\n"
"        (monitored notification): the guest signals it by setting its bit\n"
"        in the client monitor page instead of a hypercall, unless its\n"
"        driver put the channel in low-latency mode, and the host polls\n"
"        that page every 1000 us while such a channel is open, writing that\n"
"        period as the channel's latency (10000, in 100 ns units) and its\n"
"        connection id into both monitor pages. --unmonitored offers it\n"
"        without. By default network and scsi devices are monitored, as\n"
"        Hyper-V offers them, and other classes are not. Sub-channels are\n"
"        monitored when their primary is.\n"
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
"    fault RELID IC-FAULT [N]\n"
"        On an IC device: spoil the next N (default 1, at most 1000)\n"
"        requests the host sends on the channel, negotiations included,\n"
"        that IC-FAULT applies to (others go out whole); counted as\n"
"        faults_sent in \"ic status\", marked fault=IC-FAULT in \"ic\n"
"        requests\"; \"fault RELID clear\" ends it. A new one replaces it.\n"
"        Faults with variants take them in turn, request by request:\n"
"          ic-short        cut to 20 bytes, below the 28-byte IC headers\n"
"          ic-short-body   1 body byte, both size fields saying so\n"
"          ic-size-lie     icmsgsize 4096 bytes beyond the packet\n"
"          ic-bad-type     icmsgtype 99\n"
"          ic-nego-count   a negotiation in its place: version counts\n"
"                          255/255, then 3/3, with room for 2 versions\n"
"          ic-bad-flags    icflags TRANSACTION|RESPONSE, then\n"
"                          TRANSACTION|REQUEST|RESPONSE\n"
"          kvp-bad-string  GET/SET/DELETE: key_size odd, then the key\n"
"                          field full without a NUL, then key_size 514\n"
"          kvp-bad-pool    pool 5\n"
"          kvp-bad-op      operation 99\n"
"          vss-oversize    the body padded with zeros to 12500 bytes\n"
"          vss-bad-op      operation 99\n"
"          fcopy-bad-size  WRITE: size 6145, then offset 2^64-11 size 100\n"
"          fcopy-bad-name  START: a file name of 260 units, no NUL\n"
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
"        host-to-guest ring) target_vp monitor (monitor id of a monitored\n"
"        channel, else none) conn_id (the connection id it signals on, 0\n"
"        while no guest is connected)\n"
"        opens pkts_in bytes_in pkts_out bytes_out sig_in (signals by\n"
"        hypercall) sig_monitor (signals through the client monitor page)\n"
"        sig_out sig_suppressed host_ring_full\n"
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
"        The host's state and counters, one \"key value\" a line, GPADL,\n"
"        channel and hvsock counts included; contacts_refused counts refused\n"
"        INITIATE_CONTACTs (a bad version, or bad monitor pages: unaligned,\n"
"        not RAM, the same page twice, overlapping the interrupt page);\n"
"        monitor_pages monitor_period_us monitor_latency monitor_polling\n"
"        monitor_polls monitor_signals_invalid (pending bits of monitor ids\n"
"        no monitored channel has, ignored) describe the monitor pages;\n"
"        modifies_received, modifies_refused (MODIFYCHANNEL before protocol\n"
"        4.1, of a channel not open, or to a VP that is not an online CPU)\n"
"        and bad_target_vps (OPENCHANNEL or MODIFYCHANNEL naming such a VP).\n"
"\n"
"    hvsock list\n"
"        Hyper-V socket connections (hv_sock, AF_VSOCK over VMBus), live\n"
"        and recently finished, oldest first, one a line of \"key=value\"\n"
"        words: id relid (0 once the channel is gone) service (echo, or\n"
"        client for the host's own connections) dir (guest or host: who\n"
"        connected) service_id endpoint_id state (offered, open, closing,\n"
"        closed) opened fin_in fin_out (the guest's and the host's EOF)\n"
"        pkts_in bytes_in pkts_out bytes_out (data bytes) bad_pkts end (why\n"
"        the host ended it: both-eof, bad-packet, ring-broken,\n"
"        guest-closed, open-timeout, rescinded, disconnected; or -) and,\n"
"        for the host's own connections, rx (what the guest sent, hex).\n"
"        hvsock channels also show in list (class hvsock, the service id as\n"
"        class GUID, the endpoint id as instance) and in channels.\n"
"\n"
"    hvsock services\n"
"        The services guests can connect to: NAME PORT SERVICE-ID. A guest\n"
"        reaches one with connect() to CID 2 (the host) and PORT; the\n"
"        service id is PORT in the first four bytes of the vsock template\n"
"        00000000-facb-11e6-bd58-64006a7986d3. \"echo\" (port 7) sends back\n"
"        every byte and answers the guest's EOF with its own. A connect to\n"
"        any other service is not offered (from VMBus 4.1 the host also\n"
"        answers TL_CONNECT_RESULT, refused), so the guest's connect times\n"
"        out. Once both sides sent their EOF, the host rescinds the channel,\n"
"        as it does when the guest breaks the pipe protocol or closes the\n"
"        channel, or does not open an offer within 5 s.\n"
"\n"
"    hvsock connect [-t SECONDS] PORT [DATA]\n"
"        Connect the host to the guest's vsock PORT (a listening AF_VSOCK\n"
"        socket), send DATA (one word, at most 96 bytes) and the host's EOF,\n"
"        then print what the guest sends until its EOF, as raw bytes. Waits\n"
"        at most SECONDS (default 30). Exit 1 if the guest does not accept\n"
"        (nobody listens on PORT: the offer is rescinded after 5 s) or\n"
"        does not send its EOF in time. The host's endpoint is the vsock\n"
"        template with the connection's id as port, so the guest sees\n"
"        that id as its peer's port.\n"
"\n"
"INTEGRATION SERVICES\n"
"    The IC classes (shutdown, timesync, heartbeat, kvp, vss, fcopy) have a\n"
"    host side: when the guest opens such a channel the host negotiates,\n"
"    offering framework 1.0,3.0 and by default shutdown 1.0,3.0,3.1,3.2,\n"
"    timesync 1.0,3.0,4.0, heartbeat 1.0,3.0, kvp 3.0,4.0,5.0, vss 4.0,5.0,\n"
"    fcopy 1.1; it accepts only an answer naming one offered framework and\n"
"    one offered message version (or none: no common version). A timesync\n"
"    channel then gets one SYNC sample. Requests go one at a time per\n"
"    channel, as in-band packets with a pipe header, each with a host-side\n"
"    timeout; the guest's answers are checked whole, and a malformed one is\n"
"    counted and not believed.\n"
"\n"
"    ic status [CLASS|RELID]\n"
"        One line per IC device: relid class open state (closed,\n"
"        negotiating, ready, no-common-version, unanswered, refused) fw msg\n"
"        (agreed) offered_fw offered_msg sessions requests answers timeouts\n"
"        bad_answers bad_pkts unsolicited aborted no_version outstanding\n"
"        last_bad.\n"
"    ic requests [RELID]\n"
"        The last 16 requests of each IC device: relid id kind origin state\n"
"        (staged, sent, answered, timeout, bad, aborted) status fw msg ...\n"
"    ic versions CLASS [--fw LIST --msg LIST | --default]\n"
"        Show or set the versions the host offers (LIST: M.m[,M.m...], at\n"
"        most 8, in offer order), from the next negotiation on.\n"
"    shutdown [--reboot|--hibernate] [--force] [--flags N] ...\n"
"        Ask the guest to power off (flags 0), reboot (2) or hibernate (4),\n"
"        forced (+1); --flags sends any value as is. --reason (default\n"
"        0x80000000, planned), --timeout-secs, --len N (send only N body\n"
"        bytes of the 2060).\n"
"    heartbeat [--count N] [--seq N] [--len N]\n"
"        N heartbeats in a row; each answer must carry the sequence number\n"
"        plus one. --auto PERIOD_MS|off: the host's own heartbeats.\n"
"    time sync|sample [--offset D]\n"
"        A time sample (SYNC: the guest steps its clock; SAMPLE: a hint)\n"
"        of the host's clock plus D ([+-]N[s|ms|us|ns]); the v4 layout\n"
"        when message version 4.0 was agreed, else v1/v3.\n"
"    time auto PERIOD_MS|off\n"
"        The host's periodic SAMPLEs.\n"
"    time refclock [--skew D]\n"
"        Show (and set the skew of) the reference counter the simulator\n"
"        gives the guest (hv_read_reference_counter, 100 ns units).\n"
"    time drift [PPM]\n"
"        Show (and set) the host clock's drift: it runs at (1 + PPM/10^6)\n"
"        times the guest's rate from now on (PPM at most 500000 either\n"
"        way, 0 for none); samples, `time auto` and host_time carry it.\n"
"    time status\n"
"        The reference counter, the host clock (drift_ppm) and the\n"
"        timesync class (offered versions, auto_ms).\n"
"    kvp set POOL KEY VALUE [--type sz|u32|u64]\n"
"    kvp get|delete POOL KEY\n"
"        KVP item requests on POOL (0 external, 1 guest, 2 auto, 3 auto\n"
"        external, 4 auto internal; up to 255 is sent as is). KEY and VALUE\n"
"        are UTF-8, sent as UTF-16LE: a key of at most 255 UTF-16 units, a\n"
"        value of 1023 (the host refuses longer ones, exit 1); u32/u64\n"
"        values are decimal numbers.\n"
"    kvp enum POOL [--index N|--all]\n"
"        Item N (default 0) of the pool; --all: from N on until the guest\n"
"        answers other than S_OK (0x80070103 past the end), a line each.\n"
"    kvp ipinfo get ADAPTER [--family 4|6|both]\n"
"        The guest's IP configuration of the adapter (the Linux daemon\n"
"        wants the upper-case MAC, colon form).\n"
"    kvp ipinfo set ADAPTER --dhcp | --addr IP/P[,...] [--gw ..] [--dns ..]\n"
"        Inject an IP configuration (ADAPTER: the guest's device_id,\n"
"        {guid}); IPv4 prefixes become dotted masks, lists are sent\n"
"        ';'-separated (the string form of KVP up to 4.0).\n"
"        An answer's strings are printed as key=\"...\" value=\"...\"\n"
"        (ipinfo get: adapter addr mask gw dns), always quoted, with \\\"\n"
"        \\\\ and \\xHH escapes for '\"', '\\' and control bytes.\n"
"    vss check|dminfo|freeze|thaw|complete [--luns N]\n"
"        One VSS request: CHECK_HOT_BACKUP, GET_DM_INFO (their flags show\n"
"        as answer_flags), FREEZE (a 6260-byte body whose LUN table holds\n"
"        N entries, default 1), THAW, BU_COMPLETE. Exit 0 when answered.\n"
"    vss backup [--hold MS] [--luns N]\n"
"        check, dminfo, freeze, MS of waiting, thaw, complete (thaw also\n"
"        after a failed freeze; complete only after a good one), a line\n"
"        each; exit 0 only when every answer was S_OK.\n"
"    fcopy SRC DEST_DIR NAME [--overwrite] [--create-path] [--chunk N]\n"
"          [--cancel-after N]\n"
"        Copy the host file SRC into the guest as DEST_DIR/NAME: START\n"
"        (flags 1 overwrite, 2 create the path), WRITEs of N bytes (at most\n"
"        and by default 6144), COMPLETE; --cancel-after N: CANCEL after N\n"
"        WRITEs. The file's bytes go through the module's ic_input. A line\n"
"        per request; exit 0 only when every answer was S_OK (a failed\n"
"        WRITE is followed by a CANCEL).\n"
"    The request commands take --relid N (default: the first open channel\n"
"    of the class with agreed versions) and --timeout MS (default 40000:\n"
"    the host's timeout); they print the request's line of ic requests\n"
"    and exit 0 when the guest answered, whatever its status, 1 when not.\n"
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
"    hvsim offer --monitored echo   # one the guest signals through the\n"
"                                   # monitor page, e.g. relid 3\n"
"    hvsim fault 2 drop 3       # its next 3 packets go unanswered\n"
"    hvsim fault 4 ic-short 2   # the next 2 IC requests on relid 4 cut short\n"
"    hvsim channels 2\n"
"    hvsim rescind 1\n"
"    hvsim hvsock connect 5000 hello   # prints the guest's answer\n";

void usage(void)
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
void check_host(void)
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
int read_file(const char *name, char *buf, size_t size)
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

/* Stage the strings of the next request in the module's ic_input. */
void write_input(const void *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	check_host();
	path_of(path, sizeof(path), "ic_input");
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: %s", path, strerror(errno));
	if ((size_t)n != len)
		die("%s: short write", path);
	close(fd);
}

/* Copy a file of the module's to stdout. */
void cat(const char *name)
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
 * text and the host's own reason from last_error; but return -EBUSY when
 * the host says that and @busy_ok is set. Return: 0 or -EBUSY.
 */
int try_command(int argc, char **argv, int busy_ok)
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
		return 0;
	if (n < 0 && err == EBUSY && busy_ok)
		return -EBUSY;
	if (n >= 0)
		die("%s: short write to %s", argv[0], path);
	if (read_file("last_error", why, sizeof(why)) == 0 && why[0]) {
		why[strcspn(why, "\n")] = '\0';
		die("%s: %s: %s", argv[0], strerror(err), why);
	}
	die("%s: %s", argv[0], strerror(err));
}

void send_command(int argc, char **argv)
{
	try_command(argc, argv, 0);
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

/* The value of "key=" among the words of @line, copied to @val; 0 if found. */
int field_of(const char *line, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = line;

	while (*p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, "\n ");
			if (n >= size)
				n = size - 1;
			memcpy(val, p, n);
			val[n] = '\0';
			return 0;
		}
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return -1;
}

/* Print hex as bytes. */
static void print_hex(const char *hex)
{
	unsigned int byte;

	for (; hex[0] && hex[1]; hex += 2) {
		if (sscanf(hex, "%2x", &byte) != 1)
			die("hvsock: bad rx data from the host");
		if (putchar(byte) == EOF)
			die("stdout: %s", strerror(errno));
	}
}

/*
 * hvsock connect: make the connection, then wait for the guest's EOF and
 * print what it sent.
 */
static void hvsock_connect(int argc, char **argv)
{
	char *cmd[4] = { "hvsock", "connect" }, idbuf[32], want[48], state[32], fin[8];
	static char buf[1 << 17], line[1 << 17];
	long timeout = 30, waited_ms = 0;
	char *end, *l, *next;
	int found;

	if (argc >= 2 && !strcmp(argv[0], "-t")) {
		timeout = strtol(argv[1], &end, 10);
		if (*end || timeout < 1 || timeout > 3600)
			die("hvsock connect: bad timeout '%s': want 1 to 3600 seconds", argv[1]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 1 || argc > 2)
		usage();
	cmd[2] = argv[0];
	if (argc == 2)
		cmd[3] = argv[1];
	send_command(argc + 2, cmd);
	if (read_file("last_hvsock", idbuf, sizeof(idbuf)) < 0 || !idbuf[0])
		die("hvsock connect: the host reported no connection");
	idbuf[strcspn(idbuf, "\n")] = '\0';
	snprintf(want, sizeof(want), "id=%s ", idbuf);
	for (;;) {
		if (read_file("hvsock", buf, sizeof(buf)) < 0)
			die("hvsock: %s", strerror(errno));
		found = 0;
		for (l = buf; *l; l = next) {
			next = l + strcspn(l, "\n");
			if (*next)
				*next++ = '\0';
			if (!strncmp(l, want, strlen(want))) {
				memcpy(line, l, strlen(l) + 1);
				found = 1;
			}
		}
		if (!found)
			die("hvsock connect: connection %s is gone from the host's list", idbuf);
		if (field_of(line, "fin_in", fin, sizeof(fin)) == 0 && !strcmp(fin, "1")) {
			if (field_of(line, "rx", buf, sizeof(buf)) < 0)
				die("hvsock connect: no rx data in the host's list");
			print_hex(buf);
			return;
		}
		if (field_of(line, "state", state, sizeof(state)) == 0 &&
		    (!strcmp(state, "closing") || !strcmp(state, "closed"))) {
			field_of(line, "opened", fin, sizeof(fin));
			die("hvsock connect: %s (connection %s: %s)",
			    strcmp(fin, "1") ? "the guest did not accept the connection" :
			    "the connection ended before the guest's EOF", idbuf, line);
		}
		if (waited_ms >= timeout * 1000)
			die("hvsock connect: no EOF from the guest in %ld s (connection %s: %s)",
			    timeout, idbuf, line);
		usleep(50000);
		waited_ms += 50;
	}
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

/*
 * offer [--monitored|--unmonitored] CLASS [INSTANCE-GUID], the option
 * anywhere: the control file takes "offer CLASS [GUID] [monitored|unmonitored]".
 */
static void offer(int argc, char **argv)
{
	char *words[4] = { "offer" }, *mode = NULL;
	int i, n = 1;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--monitored") || !strcmp(argv[i], "--unmonitored")) {
			if (mode)
				usage();
			mode = argv[i] + 2;
		} else if (argv[i][0] == '-' || n == 3) {
			usage();
		} else {
			words[n++] = argv[i];
		}
	}
	if (n < 2)
		usage();
	if (mode)
		words[n++] = mode;
	send_command(n, words);
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
		offer(argc - 2, argv + 2);
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
		/* the IC faults' count is optional */
		if (clear ? argc != 4 : argc != 5 && !is_ic_fault(argv[3]))
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
	} else if (!strcmp(cmd, "hvsock")) {
		if (argc < 3)
			usage();
		if (!strcmp(argv[2], "list") && argc == 3)
			cat("hvsock");
		else if (!strcmp(argv[2], "services") && argc == 3)
			cat("hvsock_services");
		else if (!strcmp(argv[2], "connect"))
			hvsock_connect(argc - 3, argv + 3);
		else
			usage();
	} else if (!strcmp(cmd, "ic")) {
		ic_command(argc - 2, argv + 2);
	} else if (!strcmp(cmd, "shutdown")) {
		shutdown_command(argc - 2, argv + 2);
	} else if (!strcmp(cmd, "heartbeat")) {
		heartbeat_command(argc - 2, argv + 2);
	} else if (!strcmp(cmd, "time")) {
		time_command(argc - 2, argv + 2);
	} else if (!strcmp(cmd, "kvp")) {
		kvp_command(argc - 2, argv + 2);
	} else if (!strcmp(cmd, "vss")) {
		vss_command(argc - 2, argv + 2);
	} else if (!strcmp(cmd, "fcopy")) {
		fcopy_command(argc - 2, argv + 2);
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
