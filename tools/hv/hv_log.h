/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging for the daemons: to stderr (foreground, -n) or to syslog, which
 * the journal picks up. One line per call, "<ident>: " prefixed on stderr.
 */
#ifndef HV_TOOLS_HV_LOG_H
#define HV_TOOLS_HV_LOG_H

#include <stdbool.h>
#include <syslog.h>

void hv_log_open(const char *ident, bool to_stderr);

__attribute__((format(printf, 2, 3)))
void hv_log(int prio, const char *fmt, ...);

#endif
