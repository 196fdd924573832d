// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitored notification, host side.
 *
 * In INITIATE_CONTACT the guest names two monitor pages (struct
 * hv_vmbus_monitor_page, include/hv/vmbus_monitor.h): monitor_page1, the
 * server page (host to guest), and monitor_page2, the client page (guest
 * to host). Before it accepts the contact the host checks them: page
 * aligned, pages of the guest's RAM, two different pages, and neither
 * overlapping the interrupt page (which guests name before protocol 5.0);
 * a contact naming bad pages is refused like any bad contact. Both are
 * mapped for the connection.
 *
 * A device offered as monitored (monitor_allocated set: the network and
 * SCSI classes, or any device offered "monitored") gets its entries in both
 * pages filled as its offer goes out: latency[group][bit] is
 * HVSIM_MONITOR_LATENCY (100 ns units: the poll period) and
 * parameter[group][bit].connectionid the connection id the channel signals
 * on; its group is enabled in trigger_state. The entries are cleared when
 * the guest no longer holds the device.
 *
 * While at least one monitored channel is open, an hrtimer polls the client
 * page every HVSIM_MONITOR_PERIOD_US microseconds. The pending word of each
 * trigger group is taken with an atomic exchange; each bit set serves its
 * channel exactly as an HvSignalEvent on the channel's connection would,
 * but is counted as a monitor-page signal (sig_monitor, not sig_in). The
 * guest also sets the relid's bit in the send half of the interrupt page;
 * the host takes that bit too, if it has the page, so that a later scan of
 * the page does not serve the channel a second time. A bit of a monitor id
 * that no monitored device of the guest's holds is counted
 * (monitor_signals_invalid) and dropped. Polling stops when the last
 * monitored channel closes, and when the connection ends.
 *
 * Locking: hvsim.monitor_lock, taken with interrupts off (the timer runs in
 * interrupt context), guards the mapping and the monitor id table; those
 * who change them also hold hvsim.lock. Nothing else is taken under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/hyperv.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "hv/vmbus_monitor.h"
#include "hv/vmbus_proto.h"
#include "hostsim.h"

#define HVSIM_MONITOR_GROUPS	HV_VMBUS_MONITOR_GROUPS
#define HVSIM_MONITOR_PER_GROUP	HV_VMBUS_MONITOR_PER_GROUP

static_assert(HVSIM_MONITOR_GROUPS * HVSIM_MONITOR_PER_GROUP == HVSIM_MAX_MONITOR_IDS);
/* the latency entries are u16 */
static_assert(HVSIM_MONITOR_LATENCY <= U16_MAX);

/* Do two guest pages given by address overlap? */
static bool hvsim_pages_overlap(u64 a, u64 b)
{
	return (a > b ? a - b : b - a) < PAGE_SIZE;
}

static const char *hvsim_monitor_check_page(u64 gpa)
{
	if (!gpa)
		return "no monitor page";
	if (offset_in_page(gpa))
		return "a monitor page that is not page aligned";
	if (!hvsim_guest_pfn_ok(gpa >> PAGE_SHIFT))
		return "a monitor page that is no page of the guest's RAM";
	return NULL;
}

/**
 * hvsim_monitor_check() - are the monitor pages of a contact acceptable?
 * @req: the INITIATE_CONTACT message, size-checked
 *
 * Return: NULL, or why the contact must be refused.
 */
const char *hvsim_monitor_check(const struct vmbus_channel_initiate_contact *req)
{
	u64 server = req->monitor_page1, client = req->monitor_page2;
	const char *why;

	why = hvsim_monitor_check_page(server) ?: hvsim_monitor_check_page(client);
	if (why)
		return why;
	if (server == client)
		return "the same page as server and client monitor page";
	/* before 5.0 the field is the interrupt page, from 5.0 msg_sint */
	if (req->vmbus_version_requested < HV_VMBUS_VERSION(5, 0) && req->interrupt_page &&
	    (hvsim_pages_overlap(server, req->interrupt_page) ||
	     hvsim_pages_overlap(client, req->interrupt_page)))
		return "a monitor page overlapping the interrupt page";
	return NULL;
}

static void *hvsim_map_guest_page(u64 gpa)
{
	struct page *page = pfn_to_page(gpa >> PAGE_SHIFT);

	return vmap(&page, 1, VM_MAP, PAGE_KERNEL);
}

/**
 * hvsim_monitor_map() - map the monitor pages of an accepted contact
 * @req: the INITIATE_CONTACT message, checked with hvsim_monitor_check()
 *
 * Called with hvsim.lock held, after hvsim_monitor_unmap().
 *
 * Return: 0, or -ENOMEM (the contact is then refused).
 */
int hvsim_monitor_map(const struct vmbus_channel_initiate_contact *req)
{
	void *server, *client;
	unsigned long flags;

	lockdep_assert_held(&hvsim.lock);
	server = hvsim_map_guest_page(req->monitor_page1);
	client = hvsim_map_guest_page(req->monitor_page2);
	if (!server || !client) {
		if (server)
			vunmap(server);
		if (client)
			vunmap(client);
		return -ENOMEM;
	}
	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	hvsim.monitor_pages[HVSIM_MONITOR_SERVER] = server;
	hvsim.monitor_pages[HVSIM_MONITOR_CLIENT] = client;
	memset(hvsim.monitor_relids, 0, sizeof(hvsim.monitor_relids));
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
	return 0;
}

static void hvsim_monitor_stop_polling(void)
{
	lockdep_assert_held(&hvsim.lock);
	if (!hvsim.monitor_polling)
		return;
	WRITE_ONCE(hvsim.monitor_polling, false);
	hrtimer_cancel(&hvsim.monitor_timer);
}

/**
 * hvsim_monitor_unmap() - the connection ended: stop polling, forget the pages
 *
 * Called with hvsim.lock held.
 */
void hvsim_monitor_unmap(void)
{
	struct hv_vmbus_monitor_page *pages[HVSIM_MONITOR_PAGES];
	unsigned long flags;
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	hvsim_monitor_stop_polling();
	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	for (i = 0; i < HVSIM_MONITOR_PAGES; i++) {
		pages[i] = hvsim.monitor_pages[i];
		hvsim.monitor_pages[i] = NULL;
	}
	memset(hvsim.monitor_relids, 0, sizeof(hvsim.monitor_relids));
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
	for (i = 0; i < HVSIM_MONITOR_PAGES; i++)
		if (pages[i])
			vunmap(pages[i]);
}

/* The groups with a monitored device, as trigger_state.group_enable. */
static u32 hvsim_monitor_groups(void)
{
	u32 groups = 0;
	unsigned int id;

	lockdep_assert_held(&hvsim.monitor_lock);
	for (id = 0; id < HVSIM_MAX_MONITOR_IDS; id++)
		if (hvsim.monitor_relids[id])
			groups |= BIT(id / HVSIM_MONITOR_PER_GROUP);
	return groups;
}

/* Write one monitor id's entries in both pages (zeros: clear them). */
static void hvsim_monitor_fill(u8 id, u16 latency, u32 conn_id)
{
	unsigned int grp = id / HVSIM_MONITOR_PER_GROUP, bit = id % HVSIM_MONITOR_PER_GROUP;
	struct hv_vmbus_monitor_page *page;
	unsigned int i;
	u32 groups;

	lockdep_assert_held(&hvsim.monitor_lock);
	groups = hvsim_monitor_groups();
	for (i = 0; i < HVSIM_MONITOR_PAGES; i++) {
		page = hvsim.monitor_pages[i];
		if (!page)
			continue;
		WRITE_ONCE(page->latency[grp][bit], latency);
		WRITE_ONCE(page->parameter[grp][bit].connection_id, conn_id);
		WRITE_ONCE(page->parameter[grp][bit].flag_number, 0);
		WRITE_ONCE(page->trigger_state, groups);
	}
}

/**
 * hvsim_monitor_offer() - a monitored device is being offered
 * @d: the device; d->monitored is set
 * @conn_id: the connection id its channel signals on
 *
 * Fills its entries in both pages; from now on its pending bit serves it.
 * Called with hvsim.lock held.
 */
void hvsim_monitor_offer(const struct hvsim_dev *d, u32 conn_id)
{
	unsigned long flags;

	lockdep_assert_held(&hvsim.lock);
	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	hvsim.monitor_relids[d->monitor_id] = d->relid;
	hvsim_monitor_fill(d->monitor_id, HVSIM_MONITOR_LATENCY, conn_id);
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
}

/**
 * hvsim_monitor_forget() - the guest no longer holds a device
 * @d: the device
 *
 * Clears its entries; a pending bit of its monitor id counts as invalid
 * from now on. Called with hvsim.lock held; nothing happens for a device
 * that is not in the monitor id table.
 */
void hvsim_monitor_forget(const struct hvsim_dev *d)
{
	unsigned long flags;

	lockdep_assert_held(&hvsim.lock);
	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	if (hvsim.monitor_relids[d->monitor_id] == d->relid) {
		hvsim.monitor_relids[d->monitor_id] = 0;
		hvsim_monitor_fill(d->monitor_id, 0, 0);
	}
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
}

/* Take the pending bits of the client page: which channels to serve. */
static void hvsim_monitor_take(unsigned long *kick)
{
	struct hv_vmbus_monitor_page *client;
	unsigned long flags, bits;
	unsigned int grp, bit;
	u64 invalid = 0;
	u32 *pending;
	u8 relid;

	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	client = hvsim.monitor_pages[HVSIM_MONITOR_CLIENT];
	if (!client)
		goto out;
	hvsim.monitor_polls++;
	for (grp = 0; grp < HVSIM_MONITOR_GROUPS; grp++) {
		pending = &client->trigger_group[grp].pending;
		if (!READ_ONCE(*pending))
			continue;
		bits = xchg(pending, 0);
		for_each_set_bit(bit, &bits, HVSIM_MONITOR_PER_GROUP) {
			relid = hvsim.monitor_relids[grp * HVSIM_MONITOR_PER_GROUP + bit];
			if (relid)
				__set_bit(relid, kick);
			else
				invalid++;
		}
	}
out:
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
	if (invalid) {
		atomic64_add(invalid, &hvsim.monitor_invalid);
		pr_warn_ratelimited("%llu pending bits of monitor ids not in use ignored\n",
				    invalid);
	}
}

static enum hrtimer_restart hvsim_monitor_tick(struct hrtimer *timer)
{
	DECLARE_BITMAP(kick, HVSIM_MAX_DEVICES + 1);
	unsigned int relid;

	bitmap_zero(kick, HVSIM_MAX_DEVICES + 1);
	hvsim_monitor_take(kick);
	for_each_set_bit(relid, kick, HVSIM_MAX_DEVICES + 1) {
		hvsim_int_page_take(relid);
		hvsim_chan_kick_monitor(relid);
	}
	if (!READ_ONCE(hvsim.monitor_polling))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(HVSIM_MONITOR_PERIOD_US * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/**
 * hvsim_monitor_update() - poll while, and only while, a monitored
 *	channel is open
 *
 * Called with hvsim.lock held whenever a channel opened or closed.
 */
void hvsim_monitor_update(void)
{
	const struct hvsim_dev *d;
	bool want = false;
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES && !want; i++) {
		d = hvsim_dev_get(i + 1);
		want = d && d->monitored && READ_ONCE(hvsim.chans[i].open);
	}
	if (!hvsim.monitor_pages[HVSIM_MONITOR_CLIENT])
		want = false;
	if (!want) {
		hvsim_monitor_stop_polling();
		return;
	}
	if (hvsim.monitor_polling)
		return;
	WRITE_ONCE(hvsim.monitor_polling, true);
	hrtimer_start(&hvsim.monitor_timer, ns_to_ktime(HVSIM_MONITOR_PERIOD_US * NSEC_PER_USEC),
		      HRTIMER_MODE_REL);
}

/**
 * hvsim_monitor_init() - set up monitor polling at module load
 */
void hvsim_monitor_init(void)
{
	spin_lock_init(&hvsim.monitor_lock);
	atomic64_set(&hvsim.monitor_invalid, 0);
	hrtimer_setup(&hvsim.monitor_timer, hvsim_monitor_tick, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
}
