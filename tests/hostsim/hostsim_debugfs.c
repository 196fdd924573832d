// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host in debugfs, /sys/kernel/debug/hv_hostsim/:
 *
 *   status      the host's side of the story, one "key value" a line
 *               (monitor_*: the monitor pages mapped, the poll period, the
 *               latency written for monitored channels in 100 ns units,
 *               polling on or off, polls so far, pending bits of monitor
 *               ids not in use)
 *   control     read: the devices, one a line,
 *                 RELID CLASS-NAME CLASS-GUID INSTANCE-GUID SUBCHANNEL-INDEX STATE
 *               with STATE offered, rescinded-pending or
 *               configured-not-offered; write: one command
 *               (see hostsim_control.c)
 *   last_relid  the relids the last offer or subchannels command created
 *   last_error  why the last command failed (empty if it did not)
 *   channels    one line per channel with data-plane state (open, GPADLs,
 *               counters or faults), "key=value" words:
 *                 relid class open broken gpadl (hex handle of the ring
 *                 GPADL while open, else 0x0) gpadls (mapped GPADLs of the
 *                 channel)
 *                 send_ring recv_ring (data bytes of the guest-to-host and
 *                 host-to-guest rings, named as the guest names them; 0
 *                 while closed) target_vp monitor (the monitor id of a
 *                 monitored channel, else "none") conn_id (the connection
 *                 id it signals on, decimal; 0 while no guest is
 *                 connected) opens pkts_in bytes_in
 *                 pkts_out bytes_out (packets read from and written to the
 *                 guest; bytes include descriptors, not trailers) sig_in
 *                 (guest signals by hypercall, HvSignalEvent) sig_monitor
 *                 (guest signals through the client monitor page)
 *                 sig_out (interrupts to the guest) sig_suppressed
 *                 (packets written without an interrupt: masked or ring
 *                 not empty before) host_ring_full (host-to-guest ring
 *                 found without room) pending_wakeups (interrupts for the
 *                 guest's pending_send_sz) bad_pkts dropped corrupted
 *                 delayed (fault injection so far) faults (still to come:
 *                 "none" or e.g. "delay:10,drop:2")
 *                 modifies modifies_refused (MODIFYCHANNELs that set the
 *                 target VP, and those refused) events (interrupts
 *                 delivered to the guest) events_off_target (delivered on
 *                 a CPU that was not the target by then) irq_coalesced
 *                 (signals merged into a pending interrupt) events_cpuN
 *                 (delivered on CPU N, one word per possible CPU)
 *                 g2h_pos h2g_pos (the host's own index of each ring: how
 *                 far it read the guest-to-host ring, wrote the
 *                 host-to-guest ring) g2h_mask h2g_mask g2h_pending
 *                 h2g_pending (interrupt_mask and pending_send_sz of each
 *                 ring's control page as the host reads them; all 0 while
 *                 closed)
 *   hvsock      Hyper-V socket connections, oldest first, one a line of
 *               "key=value" words: id relid (0 once the channel is gone)
 *               service (echo, or client for the host's own) dir (guest or
 *               host: who connected) service_id endpoint_id state (offered,
 *               open, closing, closed) opened fin_in fin_out (the guest's
 *               and the host's EOF) pkts_in bytes_in pkts_out bytes_out
 *               (data bytes) bad_pkts end (why the host ended it, or -)
 *               and, for the host's own, rx (what the guest sent, hex)
 *   hvsock_services  the host's services: NAME PORT SERVICE-ID
 *   last_hvsock the connection the last "hvsock connect" command made
 *   ic          integration services, one line per IC device of
 *               "key=value" words (hostsim_ic.c): relid class open state
 *               (closed, negotiating, ready, no-common-version, unanswered,
 *               refused) fw msg (agreed, or -) offered_fw offered_msg
 *               sessions requests answers timeouts bad_answers bad_pkts
 *               unsolicited aborted no_version outstanding (id, or 0)
 *               last_bad (why the last bad answer was refused, or -)
 *   ic_requests the last 16 requests of each IC device, oldest first:
 *               relid id kind origin (host or admin) state (staged, sent,
 *               answered, timeout, bad, aborted) status fw msg, the kind's
 *               own words, body_len timeout_ms why; then "last relid=R
 *               id=N" for the request the last "ic" command made
 *   ic_input    (write only) the strings of the next request that carries
 *               some (hostsim_ic_kvp.c); a write at offset 0 starts anew
 *   ic_config   per IC class the versions the host offers and the period
 *               of its own requests; the reference counter, its skew and
 *               the host's clock (100 ns units)
 *
 * Several writers at once each get their own command's result from the
 * write, but last_relid and last_error belong to whichever came last.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hv/vmbus_proto.h"
#include "hostsim.h"

static struct dentry *hvsim_debugfs_dir;

/* Monitored notification: the pages, the polling, the counters. */
static void hvsim_monitor_status(struct seq_file *s)
{
	unsigned long flags;
	bool mapped;
	u64 polls;

	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	mapped = !!hvsim.monitor_pages[HVSIM_MONITOR_CLIENT];
	polls = hvsim.monitor_polls;
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
	seq_printf(s, "monitor_pages %d\n", mapped);
	seq_printf(s, "monitor_period_us %u\n", HVSIM_MONITOR_PERIOD_US);
	seq_printf(s, "monitor_latency %u\n", HVSIM_MONITOR_LATENCY);
	seq_printf(s, "monitor_polling %d\n", hvsim.monitor_polling);
	seq_printf(s, "monitor_polls %llu\n", polls);
	seq_printf(s, "monitor_signals_invalid %lld\n",
		   (long long)atomic64_read(&hvsim.monitor_invalid));
}

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
	seq_printf(s, "contacts_refused %u\n", hvsim.stats.contacts_refused);
	seq_printf(s, "unloads %u\n", hvsim.stats.unloads);
	seq_printf(s, "msgs_in %llu\n", hvsim.stats.msgs_in);
	seq_printf(s, "msgs_out %llu\n", hvsim.stats.msgs_out);
	seq_printf(s, "msgs_rejected %llu\n", hvsim.stats.msgs_rejected);
	seq_printf(s, "devices %u\n", hvsim_dev_count());
	seq_printf(s, "offers_sent %u\n", hvsim.stats.offers_sent);
	seq_printf(s, "rescinds_sent %u\n", hvsim.stats.rescinds_sent);
	seq_printf(s, "relids_released %u\n", hvsim.stats.relids_released);
	seq_printf(s, "gpadls_mapped %u\n", hvsim_gpadl_count(0, HVSIM_GPADL_MAPPED));
	seq_printf(s, "gpadl_pages %lu\n", hvsim.gpadl_pages);
	seq_printf(s, "gpadls_created %llu\n", hvsim.stats.gpadls_created);
	seq_printf(s, "gpadls_torndown %llu\n", hvsim.stats.gpadls_torndown);
	seq_printf(s, "gpadls_refused %llu\n", hvsim.stats.gpadls_refused);
	seq_printf(s, "gpadl_teardowns_deferred %llu\n", hvsim.stats.gpadl_teardowns_deferred);
	seq_printf(s, "channels_open %u\n", hvsim_chans_open());
	seq_printf(s, "channels_opened %llu\n", hvsim.stats.channels_opened);
	seq_printf(s, "opens_refused %llu\n", hvsim.stats.opens_refused);
	seq_printf(s, "modifies_received %llu\n", hvsim.stats.modifies_received);
	seq_printf(s, "modifies_refused %llu\n", hvsim.stats.modifies_refused);
	seq_printf(s, "bad_target_vps %llu\n", hvsim.stats.bad_target_vps);
	seq_printf(s, "rings_broken %llu\n", hvsim_rings_broken());
	seq_printf(s, "signals_invalid %lld\n", (long long)atomic64_read(&hvsim.signals_invalid));
	hvsim_monitor_status(s);
	seq_printf(s, "hvsock_requests %llu\n", hvsim.hvsock_stats.requests);
	seq_printf(s, "hvsock_requests_refused %llu\n", hvsim.hvsock_stats.refused);
	seq_printf(s, "hvsock_unknown_service %llu\n", hvsim.hvsock_stats.unknown_service);
	seq_printf(s, "hvsock_no_room %llu\n", hvsim.hvsock_stats.no_room);
	seq_printf(s, "hvsock_connections %llu\n", hvsim.hvsock_stats.connections);
	seq_printf(s, "hvsock_open_timeouts %llu\n", hvsim.hvsock_stats.open_timeouts);
	seq_printf(s, "hvsock_bad_pkts %llu\n", hvsim.hvsock_stats.bad_pkts);
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_status);

static unsigned int hvsim_chan_gpadls(u32 relid)
{
	return hvsim_gpadl_count(relid, HVSIM_GPADL_RECEIVING) +
	       hvsim_gpadl_count(relid, HVSIM_GPADL_MAPPED) +
	       hvsim_gpadl_count(relid, HVSIM_GPADL_RELEASED);
}

/* Each ring's control page as the host sees it (the channel's lock held). */
static void hvsim_rings_show(struct seq_file *s, struct hvsim_chan *c)
{
	u32 g2h_mask = 0, h2g_mask = 0, g2h_pending = 0, h2g_pending = 0;

	if (c->open) {
		g2h_mask = READ_ONCE(c->in.ctl->interrupt_mask);
		g2h_pending = READ_ONCE(c->in.ctl->pending_send_sz);
		h2g_mask = READ_ONCE(c->out.ctl->interrupt_mask);
		h2g_pending = READ_ONCE(c->out.ctl->pending_send_sz);
	}
	seq_printf(s, " g2h_pos=%u h2g_pos=%u g2h_mask=%u h2g_mask=%u g2h_pending=%u h2g_pending=%u",
		   c->open ? c->in.pos : 0, c->open ? c->out.pos : 0, g2h_mask, h2g_mask,
		   g2h_pending, h2g_pending);
}

static void hvsim_channel_show(struct seq_file *s, const struct hvsim_dev *d,
			       struct hvsim_chan *c)
{
	const struct hvsim_chan_stats *st = &c->stats;
	u64 sig_in = atomic64_read(&c->sig_in);
	u64 sig_monitor = atomic64_read(&c->sig_monitor);
	char faults[96], monitor[8];

	mutex_lock(&c->lock);
	if (!c->open && !st->opens && !sig_in && !sig_monitor && !hvsim_chan_gpadls(c->relid) &&
	    !memchr_inv(&c->fault, 0, sizeof(c->fault)))
		goto out;
	hvsim_fault_show(&c->fault, faults, sizeof(faults));
	if (d->monitored)
		snprintf(monitor, sizeof(monitor), "%u", d->monitor_id);
	else
		strscpy(monitor, "none", sizeof(monitor));
	seq_printf(s, "relid=%u class=%s open=%d broken=%d gpadl=0x%x gpadls=%u send_ring=%u recv_ring=%u target_vp=%u",
		   c->relid, d->class->name, c->open, c->broken,
		   c->gpadl ? c->gpadl->handle : 0,
		   hvsim_gpadl_count(c->relid, HVSIM_GPADL_MAPPED), c->in.size, c->out.size,
		   c->target_vp);
	seq_printf(s, " monitor=%s conn_id=%u", monitor,
		   hvsim.state == HVSIM_CONNECTED ? hvsim_dev_conn_id(d) : 0);
	seq_printf(s, " opens=%llu pkts_in=%llu bytes_in=%llu pkts_out=%llu bytes_out=%llu",
		   st->opens, st->pkts_in, st->bytes_in, st->pkts_out, st->bytes_out);
	seq_printf(s, " sig_in=%llu sig_monitor=%llu sig_out=%llu sig_suppressed=%llu host_ring_full=%llu pending_wakeups=%llu",
		   sig_in, sig_monitor, st->sig_out, st->sig_suppressed, st->host_ring_full,
		   st->pending_wakeups);
	seq_printf(s, " bad_pkts=%llu dropped=%llu corrupted=%llu delayed=%llu faults=%s",
		   st->bad_pkts, st->dropped, st->corrupted, st->delayed, faults);
	seq_printf(s, " modifies=%llu modifies_refused=%llu", st->modifies, st->modifies_refused);
	hvsim_irq_show(s, c);
	hvsim_rings_show(s, c);
	seq_putc(s, '\n');
out:
	mutex_unlock(&c->lock);
}

static int hvsim_channels_show(struct seq_file *s, void *unused)
{
	const struct hvsim_dev *d;
	unsigned int i;

	mutex_lock(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		d = hvsim_dev_get(i + 1);
		if (d)
			hvsim_channel_show(s, d, &hvsim.chans[i]);
	}
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_channels);

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

static int hvsim_last_hvsock_show(struct seq_file *s, void *unused)
{
	mutex_lock(&hvsim.lock);
	if (hvsim.last_hvsock)
		seq_printf(s, "%u\n", hvsim.last_hvsock);
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_last_hvsock);

static int hvsim_hvsock_conns_show(struct seq_file *s, void *unused)
{
	return hvsim_hvsock_show(s);
}
DEFINE_SHOW_ATTRIBUTE(hvsim_hvsock_conns);

static int hvsim_hvsock_svcs_show(struct seq_file *s, void *unused)
{
	return hvsim_hvsock_services_show(s);
}
DEFINE_SHOW_ATTRIBUTE(hvsim_hvsock_svcs);

static int hvsim_ic_status_show(struct seq_file *s, void *unused)
{
	return hvsim_ic_show(s);
}
DEFINE_SHOW_ATTRIBUTE(hvsim_ic_status);

static int hvsim_ic_reqs_show(struct seq_file *s, void *unused)
{
	return hvsim_ic_requests_show(s);
}
DEFINE_SHOW_ATTRIBUTE(hvsim_ic_reqs);

static int hvsim_ic_cfg_show(struct seq_file *s, void *unused)
{
	return hvsim_ic_config_show(s);
}
DEFINE_SHOW_ATTRIBUTE(hvsim_ic_cfg);

static ssize_t hvsim_ic_input_fwrite(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	return hvsim_ic_input_write(ubuf, count, ppos);
}

static const struct file_operations hvsim_ic_input_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_ic_input_fwrite,
	.llseek = noop_llseek,
};

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
	debugfs_create_file("channels", 0444, hvsim_debugfs_dir, NULL, &hvsim_channels_fops);
	debugfs_create_file("last_hvsock", 0444, hvsim_debugfs_dir, NULL,
			    &hvsim_last_hvsock_fops);
	debugfs_create_file("hvsock", 0444, hvsim_debugfs_dir, NULL, &hvsim_hvsock_conns_fops);
	debugfs_create_file("hvsock_services", 0444, hvsim_debugfs_dir, NULL,
			    &hvsim_hvsock_svcs_fops);
	debugfs_create_file("ic", 0444, hvsim_debugfs_dir, NULL, &hvsim_ic_status_fops);
	debugfs_create_file("ic_requests", 0444, hvsim_debugfs_dir, NULL, &hvsim_ic_reqs_fops);
	debugfs_create_file("ic_config", 0444, hvsim_debugfs_dir, NULL, &hvsim_ic_cfg_fops);
	debugfs_create_file("ic_input", 0200, hvsim_debugfs_dir, NULL, &hvsim_ic_input_fops);
	return 0;
}

/**
 * hvsim_debugfs_exit() - remove /sys/kernel/debug/hv_hostsim/
 */
void hvsim_debugfs_exit(void)
{
	debugfs_remove_recursive(hvsim_debugfs_dir);
}
