// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel interrupts: the host signalled a channel, and its driver's
 * callback runs in the mode the driver chose (enum hv_callback_mode):
 *
 *  HV_CALL_ISR:     at once, in the signalling context;
 *  HV_CALL_DIRECT:  from the channel's tasklet;
 *  HV_CALL_BATCHED: from the tasklet with the inbound ring's interrupt mask
 *		     set, so the host does not signal again while the driver
 *		     drains the ring; after the callback the mask is cleared
 *		     and, if packets arrived meanwhile, the tasklet runs again.
 *
 * The callback pointer is read and changed under channel->sched_lock, and a
 * channel being closed clears it before killing the tasklet, so no callback
 * runs once vmbus_chan_event_stop() returned. The host's interrupt arrives
 * in hard interrupt context, on the channel's target CPU, which may be the
 * CPU its tasklet runs on: sched_lock is therefore always taken with
 * interrupts off, or that interrupt would spin on it forever.
 *
 * After a move to another CPU (vmbus_modify.c) interrupts may still come on
 * the old one for a while, or on both at once. Each is taken where it
 * arrives: the tasklet then runs on either CPU but never on two at once
 * (tasklets do not), and an ISR-mode callback is serialized by sched_lock.
 * Every interrupt schedules the tasklet after it set the batched mode's
 * interrupt mask, so a tasklet run starts after it and ends clearing the
 * mask: no packet is left unread and the mask is never left set. A run
 * already going on the other CPU may clear the mask early, which costs at
 * most one more interrupt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/interrupt.h>
#include <linux/rcupdate.h>

#include "vmbus_core.h"

static void vmbus_chan_tasklet(struct tasklet_struct *t)
{
	struct vmbus_channel *channel = from_tasklet(channel, t, callback_event);
	void (*callback)(void *context);
	unsigned long flags;
	void *context;

	spin_lock_irqsave(&channel->sched_lock, flags);
	callback = channel->onchannel_callback;
	context = channel->channel_callback_context;
	spin_unlock_irqrestore(&channel->sched_lock, flags);
	if (!callback)
		return;
	callback(context);
	if (channel->callback_mode != HV_CALL_BATCHED)
		return;
	/* packets that came while the mask was set: go round again */
	if (hv_end_read(&channel->inbound)) {
		hv_begin_read(&channel->inbound);
		tasklet_schedule(&channel->callback_event);
	}
}

/**
 * vmbus_chan_event_init() - prepare a channel's interrupt delivery
 * @channel: a channel about to be opened
 */
void vmbus_chan_event_init(struct vmbus_channel *channel)
{
	tasklet_setup(&channel->callback_event, vmbus_chan_tasklet);
}

/**
 * vmbus_chan_event_stop() - no callback runs for @channel after this
 * @channel: an open channel
 *
 * Sleeps until a callback already running has returned.
 */
void vmbus_chan_event_stop(struct vmbus_channel *channel)
{
	unsigned long flags;

	spin_lock_irqsave(&channel->sched_lock, flags);
	channel->onchannel_callback = NULL;
	spin_unlock_irqrestore(&channel->sched_lock, flags);
	tasklet_kill(&channel->callback_event);
}

/* Run or schedule the callback of the channel @relid names, if any. */
static void vmbus_chan_signalled(u32 relid)
{
	struct vmbus_channel *channel;
	unsigned long flags;

	rcu_read_lock();
	channel = xa_load(&vmbus_core.channels, relid);
	if (!channel)
		goto out;
	spin_lock_irqsave(&channel->sched_lock, flags);
	if (!channel->onchannel_callback)
		goto out_unlock;
	channel->interrupts++;
	switch (channel->callback_mode) {
	case HV_CALL_ISR:
		channel->onchannel_callback(channel->channel_callback_context);
		break;
	case HV_CALL_BATCHED:
		hv_begin_read(&channel->inbound);
		fallthrough;
	case HV_CALL_DIRECT:
		tasklet_schedule(&channel->callback_event);
		break;
	}
out_unlock:
	spin_unlock_irqrestore(&channel->sched_lock, flags);
out:
	rcu_read_unlock();
}

/*
 * Hosts before protocol 2.4 set one event flag for all channels and the
 * relids in the receive half (the first half) of the interrupt page.
 */
static void vmbus_int_page_scan(void)
{
	unsigned long *recv = READ_ONCE(vmbus_core.int_page);
	unsigned long bits;
	unsigned int i, bit;

	if (!recv || READ_ONCE(vmbus_core.version) >= HV_VMBUS_VERSION(2, 4))
		return;
	for (i = 0; i < HV_VMBUS_MAX_RELID / BITS_PER_LONG; i++) {
		if (!READ_ONCE(recv[i]))
			continue;
		bits = xchg(&recv[i], 0);
		for_each_set_bit(bit, &bits, BITS_PER_LONG)
			vmbus_chan_signalled(i * BITS_PER_LONG + bit);
	}
}

/**
 * vmbus_on_event() - the host signalled a channel
 * @ctx: unused
 * @relid: the channel's relid; 0: look at the interrupt page (before 2.4)
 *
 * May run in interrupt context. Channels are looked up under RCU: a channel
 * is freed only a grace period after it left the relid table.
 */
void vmbus_on_event(void *ctx, u32 relid)
{
	if (relid)
		vmbus_chan_signalled(relid);
	else
		vmbus_int_page_scan();
}
