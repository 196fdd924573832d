// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host's state in debugfs, for tests to read the host's side
 * of the story: /sys/kernel/debug/hv_hostsim/status, one "key value" a line.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "hv/vmbus_proto.h"
#include "hostsim.h"

static struct dentry *hvsim_debugfs_dir;

static int hvsim_status_show(struct seq_file *s, void *unused)
{
	mutex_lock(&hvsim.lock);
	seq_printf(s, "max_version %u.%u\n", HV_VMBUS_VERSION_MAJOR(hvsim.max_version),
		   HV_VMBUS_VERSION_MINOR(hvsim.max_version));
	seq_printf(s, "state %s\n", hvsim.state == HVSIM_CONNECTED ? "connected" : "disconnected");
	seq_printf(s, "version %u.%u\n", HV_VMBUS_VERSION_MAJOR(hvsim.version),
		   HV_VMBUS_VERSION_MINOR(hvsim.version));
	seq_printf(s, "guest_attached %d\n", hvsim.guest_ops ? 1 : 0);
	seq_printf(s, "contacts %u\n", hvsim.stats.contacts);
	seq_printf(s, "unloads %u\n", hvsim.stats.unloads);
	seq_printf(s, "msgs_in %llu\n", hvsim.stats.msgs_in);
	seq_printf(s, "msgs_out %llu\n", hvsim.stats.msgs_out);
	seq_printf(s, "msgs_rejected %llu\n", hvsim.stats.msgs_rejected);
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_status);

/**
 * hvsim_debugfs_init() - create /sys/kernel/debug/hv_hostsim/
 *
 * Return: 0; debugfs being unavailable is not an error.
 */
int hvsim_debugfs_init(void)
{
	hvsim_debugfs_dir = debugfs_create_dir("hv_hostsim", NULL);
	debugfs_create_file("status", 0444, hvsim_debugfs_dir, NULL, &hvsim_status_fops);
	return 0;
}

/**
 * hvsim_debugfs_exit() - remove /sys/kernel/debug/hv_hostsim/
 */
void hvsim_debugfs_exit(void)
{
	debugfs_remove_recursive(hvsim_debugfs_dir);
}
