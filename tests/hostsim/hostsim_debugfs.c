// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host in debugfs, /sys/kernel/debug/hv_hostsim/:
 *
 *   status      the host's side of the story, one "key value" a line
 *   control     read: the devices, one a line,
 *                 RELID CLASS-NAME CLASS-GUID INSTANCE-GUID SUBCHANNEL-INDEX STATE
 *               with STATE offered, rescinded-pending or
 *               configured-not-offered; write: one command
 *               (see hostsim_control.c)
 *   last_relid  the relids the last offer or subchannels command created
 *   last_error  why the last command failed (empty if it did not)
 *
 * Several writers at once each get their own command's result from the
 * write, but last_relid and last_error belong to whichever came last.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

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
	seq_printf(s, "devices %u\n", hvsim_dev_count());
	seq_printf(s, "offers_sent %u\n", hvsim.stats.offers_sent);
	seq_printf(s, "rescinds_sent %u\n", hvsim.stats.rescinds_sent);
	seq_printf(s, "relids_released %u\n", hvsim.stats.relids_released);
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_status);

static int hvsim_control_show(struct seq_file *s, void *unused)
{
	const struct hvsim_dev *d;
	unsigned int i;

	mutex_lock(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		d = &hvsim.devs[i];
		if (d->state == HVSIM_DEV_FREE)
			continue;
		seq_printf(s, "%u %s %pUl %pUl %u %s\n", d->relid, d->class->name,
			   &d->class_guid, &d->instance, d->subidx,
			   hvsim_dev_state_name(d->state));
	}
	mutex_unlock(&hvsim.lock);
	return 0;
}

static int hvsim_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, hvsim_control_show, inode->i_private);
}

static ssize_t hvsim_control_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char *cmd;
	int ret;

	if (count > HVSIM_CMD_MAX) {
		mutex_lock(&hvsim.lock);
		hvsim_cmd_fail("command longer than %d bytes", HVSIM_CMD_MAX);
		mutex_unlock(&hvsim.lock);
		return -EINVAL;
	}
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	ret = hvsim_control(cmd, count);
	kfree(cmd);
	return ret ? ret : count;
}

static const struct file_operations hvsim_control_fops = {
	.owner = THIS_MODULE,
	.open = hvsim_control_open,
	.read = seq_read,
	.write = hvsim_control_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int hvsim_last_relid_show(struct seq_file *s, void *unused)
{
	unsigned int i;

	mutex_lock(&hvsim.lock);
	for (i = 0; i < hvsim.n_last_relids; i++)
		seq_printf(s, "%s%u", i ? " " : "", hvsim.last_relids[i]);
	if (hvsim.n_last_relids)
		seq_putc(s, '\n');
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_last_relid);

static int hvsim_last_error_show(struct seq_file *s, void *unused)
{
	mutex_lock(&hvsim.lock);
	if (hvsim.last_error[0])
		seq_printf(s, "%s\n", hvsim.last_error);
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_last_error);

/**
 * hvsim_debugfs_init() - create /sys/kernel/debug/hv_hostsim/
 *
 * Return: 0; debugfs being unavailable is not an error.
 */
int hvsim_debugfs_init(void)
{
	hvsim_debugfs_dir = debugfs_create_dir("hv_hostsim", NULL);
	debugfs_create_file("status", 0444, hvsim_debugfs_dir, NULL, &hvsim_status_fops);
	debugfs_create_file("control", 0600, hvsim_debugfs_dir, NULL, &hvsim_control_fops);
	debugfs_create_file("last_relid", 0444, hvsim_debugfs_dir, NULL,
			    &hvsim_last_relid_fops);
	debugfs_create_file("last_error", 0444, hvsim_debugfs_dir, NULL,
			    &hvsim_last_error_fops);
	return 0;
}

/**
 * hvsim_debugfs_exit() - remove /sys/kernel/debug/hv_hostsim/
 */
void hvsim_debugfs_exit(void)
{
	debugfs_remove_recursive(hvsim_debugfs_dir);
}
