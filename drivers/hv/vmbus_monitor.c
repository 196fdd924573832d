// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitored notification: how a guest signals the host, without a
 * hypercall, for channels the host offered with a monitor id
 * (monitor_allocated; group = id / 32, bit = id % 32).
 *
 * At connect time the guest names two monitor pages (struct
 * hv_vmbus_monitor_page, include/hv/vmbus_monitor.h): monitor_pages[0],
 * the "server" page, which the host uses towards the guest, and
 * monitor_pages[1], the "client" page, from guest to host. For a monitored
 * channel that is not in low-latency mode (channel->low_latency, which its
 * driver sets; 5.10's <linux/hyperv.h> has set_low_latency_mode() for it),
 * signalling the host means setting the relid's bit in the send half of
 * the interrupt page and the channel's bit in trigger_group[group].pending
 * of the client page: the host polls that page at the latency it wrote
 * into it and serves the channels whose bits it finds set. Low-latency
 * and unmonitored channels signal with the hypercall (vmbus_set_event()).
 *
 * The host fills each monitored channel's latency (100 ns units) and
 * connection id into both pages; sysfs shows them (vmbus_bus.c,
 * vmbus_chan_sysfs.c) as the kernel's own VMBus driver does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <asm/sync_bitops.h>

#include "hv/vmbus_monitor.h"
#include "vmbus_core.h"

/**
 * vmbus_monitor_signal() - signal the host through the client monitor page
 * @channel: a monitored channel (offermsg.monitor_allocated set)
 *
 * May be called in atomic context, like vmbus_set_event().
 */
void vmbus_monitor_signal(struct vmbus_channel *channel)
{
	struct hv_vmbus_monitor_page *client = vmbus_core.monitor_pages[1];
	u32 relid = channel->offermsg.child_relid;

	sync_set_bit(relid, (unsigned long *)(vmbus_core.int_page + PAGE_SIZE / 2));
	sync_set_bit(channel->monitor_bit,
		     (unsigned long *)&client->trigger_group[channel->monitor_grp].pending);
}

static_assert(HV_VMBUS_MAX_MONITOR_ID ==
	      HV_VMBUS_MONITOR_GROUPS * HV_VMBUS_MONITOR_PER_GROUP);

static struct hv_vmbus_monitor_page *vmbus_monitor_page(enum vmbus_monitor_side side)
{
	return vmbus_core.monitor_pages[side == VMBUS_MONITOR_CLIENT ? 1 : 0];
}

/**
 * vmbus_monitor_read() - one of a monitored channel's monitor page entries
 * @channel: the channel, whose offer has monitor_allocated set
 * @side: the server (host to guest) or the client (guest to host) page
 * @field: which entry
 * @val: set to its value
 *
 * The pages are shared with the host, which may change them at any time:
 * each value is read once.
 *
 * Return: 0, or -ENODEV when not connected or the channel is not monitored.
 */
int vmbus_monitor_read(const struct vmbus_channel *channel, enum vmbus_monitor_side side,
		       enum vmbus_monitor_field field, u32 *val)
{
	struct hv_vmbus_monitor_page *page = vmbus_monitor_page(side);
	/* the monitor id was range-checked with the offer, and again here */
	u8 grp = channel->offermsg.monitorid / HV_VMBUS_MONITOR_PER_GROUP;
	u8 bit = channel->offermsg.monitorid % HV_VMBUS_MONITOR_PER_GROUP;

	if (!page || !channel->offermsg.monitor_allocated ||
	    channel->offermsg.monitorid >= HV_VMBUS_MAX_MONITOR_ID)
		return -ENODEV;
	switch (field) {
	case VMBUS_MONITOR_PENDING:
		*val = READ_ONCE(page->trigger_group[grp].pending);
		break;
	case VMBUS_MONITOR_LATENCY:
		*val = READ_ONCE(page->latency[grp][bit]);
		break;
	case VMBUS_MONITOR_CONN_ID:
		/* the 24-bit id; the reserved top byte is not shown */
		*val = READ_ONCE(page->parameter[grp][bit].connection_id) &
		       HV_VMBUS_CONNECTION_ID_MASK;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}
