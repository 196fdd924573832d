/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the three daemons (KVP, VSS, fcopy) share: opening the kernel's
 * char device (or a test double's Unix SOCK_SEQPACKET socket), writing one
 * whole message to it, and the SIGTERM/SIGINT handling that lets a request
 * in progress finish: the signals stay blocked except inside ppoll() with
 * the wait mask hv_signals_init() returns.
 */
#ifndef HV_TOOLS_HV_DAEMON_H
#define HV_TOOLS_HV_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* The signal that asked us to stop (SIGTERM, SIGINT), 0 until then. */
extern volatile sig_atomic_t hv_stop_signal;

/* Block SIGTERM/SIGINT, catch them, ignore SIGPIPE; *waitmask unblocks. */
void hv_signals_init(sigset_t *waitmask);

/*
 * Detach (daemon(3)) unless FOREGROUND, after opening the log (stderr in
 * the foreground, syslog otherwise) as IDENT. Returns false on failure.
 */
bool hv_daemon_start(const char *ident, bool foreground);

struct option;

/*
 * The command line: -n/--no-daemon (sets *FOREGROUND), -h/--help (prints
 * USAGE, exits 0) and the daemon's own long options OWN (at most 16, ending
 * with a zeroed entry), each given to HANDLE(opt, optarg, ctx), which
 * returns 0 or -1 (a bad value, already reported). Returns 0, or -1 after
 * printing the usage for an unknown option or an argument.
 */
int hv_parse_options(int argc, char **argv, const char *usage,
		     const struct option *own,
		     int (*handle)(int opt, const char *arg, void *ctx),
		     void *ctx, bool *foreground);

/* Open PATH: connect when it is a Unix socket, else open() it O_RDWR. */
int hv_dev_open(const char *path);

/* Write all LEN bytes of BUF as one message; false (and logged) if not. */
bool hv_dev_write(int fd, const void *buf, size_t len);

/*
 * Open PATH and register as VSS and fcopy daemons do: write the LEN bytes
 * of REG, then read the kernel's answer, which must be exactly a 4-byte
 * ANSWER (logged as the kernel module version). The device's fd, or -1
 * (logged) when it cannot be opened, the answer is wrong, or a stop signal
 * came first (WAITMASK lets them in while waiting).
 */
int hv_dev_register(const char *path, const void *reg, size_t len,
		    unsigned int answer, const sigset_t *waitmask);

/*
 * Wait up to TIMEOUT_MS (-1: forever) for the device to be readable, with
 * WAITMASK letting the stop signals in. 1: readable, 0: timed out or a
 * signal (check hv_stop_signal), -1: poll failed (logged).
 */
int hv_dev_wait(int fd, int timeout_ms, const sigset_t *waitmask);

#endif
