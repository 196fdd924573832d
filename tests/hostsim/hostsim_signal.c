// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel signalling between the guest and the simulated host.
 *
 * Guest to host (HvSignalEvent): from protocol 1.1 (WIN7) on, each channel
 * has its own connection id, HVSIM_CHAN_CONN_ID_BASE | relid. A 0.13 guest
 * has none: it sets the relid's bit in the send half (the second half) of
 * the interrupt page it named in INITIATE_CONTACT and signals connection
 * HV_VMBUS_EVENT_CONN_ID; the host takes the bits with atomic exchanges.
 * Either way the channel's work item is queued; nothing here sleeps, as the
 * guest may signal in atomic context. Signals on any other connection are
 * counted (signals_invalid) and otherwise ignored. Monitored channels may
 * signal without a hypercall, through the client monitor page, which
 * hostsim_monitor.c polls.
 *
 * Host to guest: the guest's on_event; for a guest before 2.4 the host also
 * sets the relid's bit in the receive half (the first half) of the
 * interrupt page, where such guests look for the channels to serve.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "hv/vmbus_proto.h"
#include "hostsim.h"

/* Each half of the interrupt page is a bitmap indexed by relid. */
#define HVSIM_INT_HALF_LONGS	(PAGE_SIZE / 2 / sizeof(unsigned long))
#define HVSIM_INT_SCAN_LONGS	(HV_VMBUS_MAX_RELID / BITS_PER_LONG)

static_assert(HVSIM_INT_SCAN_LONGS <= HVSIM_INT_HALF_LONGS);

/* A 0.13 guest signalled: take the bits of its send half. */
static void hvsim_int_page_scan(void)
{
	DECLARE_BITMAP(kick, HVSIM_MAX_DEVICES + 1);
	unsigned long flags, bits, *send;
	unsigned int i, bit, relid;
	u64 invalid = 0;

	bitmap_zero(kick, HVSIM_MAX_DEVICES + 1);
	spin_lock_irqsave(&hvsim.int_lock, flags);
	if (!hvsim.int_page) {
		spin_unlock_irqrestore(&hvsim.int_lock, flags);
		atomic64_inc(&hvsim.signals_invalid);
		return;
	}
	send = hvsim.int_page + HVSIM_INT_HALF_LONGS;
	for (i = 0; i < HVSIM_INT_SCAN_LONGS; i++) {
		if (!READ_ONCE(send[i]))
			continue;
		bits = xchg(&send[i], 0);
		for_each_set_bit(bit, &bits, BITS_PER_LONG) {
			relid = i * BITS_PER_LONG + bit;
			if (relid >= 1 && relid <= HVSIM_MAX_DEVICES)
				__set_bit(relid, kick);
			else
				invalid++;
		}
	}
	spin_unlock_irqrestore(&hvsim.int_lock, flags);
	atomic64_add(invalid, &hvsim.signals_invalid);
	for_each_set_bit(relid, kick, HVSIM_MAX_DEVICES + 1)
		hvsim_chan_kick(relid);
}

/**
 * hvsim_signal_event() - HvSignalEvent from the guest
 * @connection_id: the connection it signals
 *
 * The signal_event of hvsim_iface; may be called in atomic context.
 */
void hvsim_signal_event(u32 connection_id)
{
	u32 relid = connection_id - HVSIM_CHAN_CONN_ID_BASE;

	if (connection_id == HV_VMBUS_EVENT_CONN_ID) {
		hvsim_int_page_scan();
		return;
	}
	if (connection_id < HVSIM_CHAN_CONN_ID_BASE || relid < 1 ||
	    relid > HVSIM_MAX_DEVICES ||
	    READ_ONCE(hvsim.version) < HVSIM_VERSION_WIN7) {
		atomic64_inc(&hvsim.signals_invalid);
		return;
	}
	hvsim_chan_kick(relid);
}

/**
 * hvsim_int_page_map() - map the interrupt page a guest named
 * @gpa: its guest physical address, from INITIATE_CONTACT
 *
 * An address that is not a page of the guest is logged; signals through
 * the interrupt page then count as invalid. Called with hvsim.lock held.
 */
void hvsim_int_page_map(u64 gpa)
{
	unsigned long pfn = gpa >> PAGE_SHIFT, flags;
	struct page *page;
	void *va;

	lockdep_assert_held(&hvsim.lock);
	hvsim_int_page_unmap();
	if (offset_in_page(gpa) || !hvsim_guest_pfn_ok(pfn)) {
		pr_warn("the guest's interrupt page %#llx is no page of the guest: its signals through it are ignored\n",
			gpa);
		return;
	}
	page = pfn_to_page(pfn);
	va = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!va) {
		pr_warn("cannot map the guest's interrupt page: its signals through it are ignored\n");
		return;
	}
	spin_lock_irqsave(&hvsim.int_lock, flags);
	hvsim.int_page = va;
	spin_unlock_irqrestore(&hvsim.int_lock, flags);
}

/**
 * hvsim_int_page_unmap() - forget the guest's interrupt page
 *
 * Called with hvsim.lock held.
 */
void hvsim_int_page_unmap(void)
{
	unsigned long flags;
	void *va;

	lockdep_assert_held(&hvsim.lock);
	spin_lock_irqsave(&hvsim.int_lock, flags);
	va = hvsim.int_page;
	hvsim.int_page = NULL;
	spin_unlock_irqrestore(&hvsim.int_lock, flags);
	if (va)
		vunmap(va);
}

/**
 * hvsim_int_page_raise() - set a relid's bit in the receive half
 * @relid: the channel
 *
 * For guests before 2.4, just before their on_event is called.
 */
void hvsim_int_page_raise(u32 relid)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim.int_lock, flags);
	if (hvsim.int_page && relid < HV_VMBUS_MAX_RELID)
		set_bit(relid, hvsim.int_page);
	spin_unlock_irqrestore(&hvsim.int_lock, flags);
}

/**
 * hvsim_int_page_take() - clear a relid's bit in the send half
 * @relid: the channel
 *
 * A monitored channel sets it along with its monitor page bit; the host
 * serving the monitor page bit takes this one with it.
 */
void hvsim_int_page_take(u32 relid)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim.int_lock, flags);
	if (hvsim.int_page && relid < HV_VMBUS_MAX_RELID)
		clear_bit(relid, hvsim.int_page + HVSIM_INT_HALF_LONGS);
	spin_unlock_irqrestore(&hvsim.int_lock, flags);
}
