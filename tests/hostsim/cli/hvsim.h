/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's pieces shared between its files: hvsim.c (devices, channels,
 * faults, hvsock), hvsim_ic.c (integration services) and hvsim_kvp.c (KVP).
 */
#ifndef _HVSIM_H
#define _HVSIM_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Bad usage: say why, exit 2; a macro, so that fprintf checks the format. */
#define bad_usage(...)						\
	do {							\
		fprintf(stderr, "%s: ", prog);			\
		fprintf(stderr, __VA_ARGS__);			\
		fputc('\n', stderr);				\
		usage();					\
	} while (0)

/* Most words of one "ic" command, each at most 48 bytes (add_word()). */
#define MAX_WORDS 12

extern const char *prog;

void usage(void);
void check_host(void);
int read_file(const char *name, char *buf, size_t size);
void cat(const char *name);
int field_of(const char *line, const char *key, char *val, size_t size);
int try_command(int argc, char **argv, int busy_ok);
void send_command(int argc, char **argv);
void write_input(const void *buf, size_t len);

/* hvsim_ic.c: the integration-service commands; argv[0] is the command */
void ic_command(int argc, char **argv);
void shutdown_command(int argc, char **argv);
void heartbeat_command(int argc, char **argv);
void time_command(int argc, char **argv);
unsigned long long parse_number(const char *what, const char *s, unsigned long long max);
int make_request(int argc, char **argv, unsigned int timeout_ms, char *out, size_t size);
void add_word(char **words, int *n, char *bufs, const char *fmt, ...);
int request_option(int argc, char **argv, char **words, int *n, char *bufs,
		   unsigned int *timeout_ms);

/* hvsim_kvp.c, hvsim_vss.c: hvsim kvp ..., hvsim vss ... */
void kvp_command(int argc, char **argv);
void vss_command(int argc, char **argv);
void fcopy_command(int argc, char **argv);

#endif /* _HVSIM_H */
