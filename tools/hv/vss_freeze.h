/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_vss_daemon's file system freeze and thaw.
 *
 * The mount walk is upstream's: the entries of the mount table whose
 * source starts with "/dev/", skipping loop-backed devices (a "loop"
 * entry under /sys/dev/block/MAJ:MIN or, recursively, under one of its
 * "slaves"), read-only mounts and vfat; frozen with FIFREEZE in the
 * table's order with "/" last. EBUSY on FIFREEZE and EINVAL on FITHAW
 * (the same file system mounted twice, or not frozen) count as success.
 *
 * Before freezing anything, the mount points about to be frozen are
 * written to the frozen record (STATE_DIR/vss-frozen, NUL-separated; on
 * tmpfs in /run), so that whatever happens to this process a later
 * `hv_vss_daemon --thaw`, or the daemon's next start, thaws them. Nothing
 * is written, and nothing logged, between the first FIFREEZE and the thaw
 * of a failed freeze: the messages come back in a buffer for the caller to
 * log once everything is thawed.
 */
#ifndef HV_TOOLS_VSS_FREEZE_H
#define HV_TOOLS_VSS_FREEZE_H

#include <stdbool.h>
#include <stddef.h>

#define VSS_RECORD_NAME "vss-frozen"

struct vss_config {
	const char *mounts;	/* --mounts: the mount table (/proc/mounts) */
	const char *sysfs_root;	/* --sysfs-root: for the loop check (/sys) */
	const char *state_dir;	/* --state-dir: the frozen record's dir */
};

/* Mount points in freeze order ("/" last). */
struct vss_list {
	char **dirs;
	size_t n;
};

/* The mount points FREEZE would freeze, in order; 0 or -errno. */
int vss_collect(const struct vss_config *cfg, struct vss_list *list);
void vss_list_free(struct vss_list *list);

/*
 * Record, then freeze every eligible file system. On any failure thaw
 * them all again (and drop the record). 0 or -errno; ERR (ERRLEN bytes)
 * says what failed, for the log.
 */
int vss_freeze(const struct vss_config *cfg, char *err, size_t errlen);

/*
 * Thaw every eligible file system ("/" first) and every one the record
 * names; drop the record if all thawed. 0 or -errno; ERR as above.
 */
int vss_thaw(const struct vss_config *cfg, char *err, size_t errlen);

/* Whether the frozen record exists (a freeze may be in force). */
bool vss_record_exists(const struct vss_config *cfg);

#endif
