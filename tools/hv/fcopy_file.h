/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_fcopy_daemon's file handling: one copy at a time, never visible
 * under its name before it is complete.
 *
 * START creates the data in the target directory as an unnamed O_TMPFILE
 * (or, where the file system lacks it, a ".hv_fcopy.XXXXXX" temp file
 * whose path is kept in STATE_DIR/fcopy-partial until it is published or
 * removed, so that the next start removes it after a crash); WRITE
 * pwrite()s into it; COMPLETE fsyncs it and publishes it under its name
 * atomically (linkat, which never replaces, without OVER_WRITE; a rename
 * over the old file with it) and fsyncs the directory; CANCEL, any error
 * and the daemon's end drop it. Mode 0744 as upstream's daemon.
 *
 * Statuses as upstream's daemon: HV_S_OK; HV_ERROR_ALREADY_EXISTS (the
 * file exists and OVER_WRITE is clear, at START or, if it appeared
 * meanwhile, at COMPLETE); HV_E_FAIL (a missing directory without
 * CREATE_PATH, any I/O error, no copy in progress); HV_ERROR_DISK_FULL
 * (ENOSPC or EFBIG on a write, or ENOSPC at COMPLETE).
 */
#ifndef HV_TOOLS_FCOPY_FILE_H
#define HV_TOOLS_FCOPY_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <linux/hyperv.h>

#define FCOPY_PARTIAL_RECORD "fcopy-partial"
#define FCOPY_TEMP_PREFIX ".hv_fcopy."

struct fcopy_file {
	const char *state_dir;	/* where the partial record goes */
	bool no_tmpfile;	/* always use a named temp file (tests) */
	/* the copy in progress */
	int dirfd, fd;		/* -1: none */
	bool overwrite;
	char name[NAME_MAX + 1];	/* its name in dirfd */
	char temp[NAME_MAX + 1];	/* the named temp file, "" if O_TMPFILE */
	char dir[PATH_MAX];
};

void fcopy_file_init(struct fcopy_file *f, const char *state_dir,
		     bool no_tmpfile);

/* Remove a temp file a previous run left (from the partial record). */
void fcopy_file_cleanup(struct fcopy_file *f);

__u32 fcopy_file_start(struct fcopy_file *f, const char *path,
		       const char *name, __u32 flags);
__u32 fcopy_file_write(struct fcopy_file *f, __u64 offset, const void *data,
		       __u32 size);
__u32 fcopy_file_complete(struct fcopy_file *f);

/* Drop the copy in progress, if any (CANCEL, errors, exit). */
void fcopy_file_drop(struct fcopy_file *f);

#endif
