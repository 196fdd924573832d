/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small files the daemons write whole (KVP's ifcfg and keyfile, the VSS
 * and fcopy records): never seen half-written.
 */
#ifndef HV_TOOLS_HV_FILE_H
#define HV_TOOLS_HV_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Write the LEN bytes of BUF to PATH with MODE: into PATH.XXXXXX, synced,
 * then renamed over PATH. 0 or -errno (the temporary file is removed).
 */
int hv_write_file_atomic(const char *path, const void *buf, size_t len,
			 mode_t mode);

#endif
