/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVP pool store: the five files /var/lib/hyperv/.kvp_pool_0..4 in the
 * upstream hv_kvp_daemon's format, a flat array of 2560-byte records
 * (key[512] then value[2048], UTF-8, NUL-terminated; we zero-pad), no
 * header. A trailing partial record is ignored, as every reader does.
 *
 * Every operation takes both locks on the pool file (flock for cloud-init,
 * fcntl for the upstream readers), re-reads the file and, for updates,
 * writes a new image atomically (temporary file, fsync, rename, fsync of
 * the directory); pool 1 (GUEST) is special, see kvp_pool.c. Nothing is
 * cached between operations, so several processes may share the files.
 *
 * Functions return 0 or a negative errno: -ENOENT key or index not found,
 * -EINVAL bad pool, empty or oversized key or value, -ENOSPC the file
 * system is full (the pool is then unchanged), other -errno on I/O errors.
 */
#ifndef HV_TOOLS_KVP_POOL_H
#define HV_TOOLS_KVP_POOL_H

#include <stddef.h>

#define KVP_POOL_DIR		"/var/lib/hyperv"
#define KVP_POOLS		5
#define KVP_POOL_GUEST		1
#define KVP_KEY_SIZE		512	/* including the NUL */
#define KVP_VALUE_SIZE		2048	/* including the NUL */

struct kvp_record {
	char key[KVP_KEY_SIZE];
	char value[KVP_VALUE_SIZE];
};

_Static_assert(sizeof(struct kvp_record) == 2560, "pool record size");

/*
 * Create DIR (0755) and the five pool files (0644) when missing, and remove
 * the temporary files of writers killed before their rename. Only for the
 * daemon's start: it must not run beside another writer.
 */
int kvp_pool_init(const char *dir);

/* Add KEY or replace its value. Lengths exclude the NUL. */
int kvp_pool_set(const char *dir, unsigned int pool, const char *key,
		 size_t key_len, const char *value, size_t value_len);

/* Copy KEY's value, NUL-terminated, into value[KVP_VALUE_SIZE]. */
int kvp_pool_get(const char *dir, unsigned int pool, const char *key,
		 size_t key_len, char *value);

int kvp_pool_delete(const char *dir, unsigned int pool, const char *key,
		    size_t key_len);

/* Record INDEX (file order), NUL-terminated, into key[]/value[]. */
int kvp_pool_enumerate(const char *dir, unsigned int pool,
		       unsigned int index, char *key, char *value);

/*
 * Cut pool 1 back to whole records if a writer died in mid-append (the
 * daemon does it at start, before anyone appends behind the torn record).
 */
int kvp_pool_repair_guest(const char *dir);

/* "DIR/.kvp_pool_N" into buf; -ENAMETOOLONG if it does not fit. */
int kvp_pool_path(const char *dir, unsigned int pool, char *buf, size_t len);

/*
 * Read every whole record of the pool file at PATH (under the locks) into
 * a malloc'ed array; *nr = 0 and *recs = NULL for an empty or missing file.
 */
int kvp_pool_read_file(const char *path, struct kvp_record **recs,
		       size_t *nr);

#endif
