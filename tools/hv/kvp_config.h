/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where hv_kvp_daemon finds things; every path can be moved by an option
 * (for tests, and for distros that keep the scripts elsewhere).
 */
#ifndef HV_TOOLS_KVP_CONFIG_H
#define HV_TOOLS_KVP_CONFIG_H

#define KVP_DEVICE	"/dev/vmbus/hv_kvp"
#define KVP_SYSFS_ROOT	"/sys"

struct kvp_config {
	const char *device;	/* --device: the char device (or a socket) */
	const char *pool_dir;	/* --pool-dir: pools, ifcfg and keyfiles */
	const char *scripts_dir;	/* --scripts-dir */
	const char *sysfs_root;	/* --sysfs-root: for device_id lookups */
};

#endif
