// SPDX-License-Identifier: GPL-2.0-only
/*
 * Daemon logging to stderr or syslog (see hv_log.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "hv_log.h"

static const char *log_ident = "hv";
static bool log_stderr = true;

void hv_log_open(const char *ident, bool to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void hv_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_stderr) {
		fprintf(stderr, "%s: ", log_ident);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}
