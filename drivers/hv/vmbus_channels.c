// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel offers and rescinds: the host offers a channel, we check the
 * offer, keep a struct vmbus_channel for it and, for a primary channel,
 * register a struct hv_device on the vmbus bus; sub-channels join their
 * primary. A rescind undoes that and tells the host the relid is released.
 *
 * Offers are checked on the ordered message queue; devices are added and
 * removed on a queue of their own, so a driver's probe may wait for host
 * messages (which keep flowing on the message queue) without deadlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/hyperv.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "vmbus_core.h"

static const struct {
	guid_t guid;
	u16 type;
} vmbus_dev_types[] = {
	{ HV_IDE_GUID, HV_IDE },
	{ HV_SCSI_GUID, HV_SCSI },
	{ HV_SYNTHFC_GUID, HV_FC },
	{ HV_NIC_GUID, HV_NIC },
	{ HV_ND_GUID, HV_ND },
	{ HV_PCIE_GUID, HV_PCIE },
	{ HV_SYNTHVID_GUID, HV_FB },
	{ HV_KBD_GUID, HV_KBD },
	{ HV_MOUSE_GUID, HV_MOUSE },
	{ HV_KVP_GUID, HV_KVP },
	{ HV_TS_GUID, HV_TS },
	{ HV_HEART_BEAT_GUID, HV_HB },
	{ HV_SHUTDOWN_GUID, HV_SHUTDOWN },
	{ HV_FCOPY_GUID, HV_FCOPY },
	{ HV_VSS_GUID, HV_BACKUP },
	{ HV_DM_GUID, HV_DM },
};

static u16 vmbus_dev_type(const guid_t *class)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmbus_dev_types); i++)
		if (guid_equal(class, &vmbus_dev_types[i].guid))
			return vmbus_dev_types[i].type;
	return HV_UNKNOWN;
}

struct vmbus_chan_work {
	struct work_struct work;
	struct vmbus_channel *channel;
};

/**
 * vmbus_free_channel() - free a channel that left the relid table
 * @channel: the channel; what its driver left open is released first
 *
 * The memory goes a grace period later: an event for the relid may still
 * be looking at it (vmbus_on_event() runs under RCU).
 */
void vmbus_free_channel(struct vmbus_channel *channel)
{
	struct vmbus_chan *vc = to_vmbus_chan(channel);

	vmbus_chan_sysfs_del(channel);
	vmbus_chan_release_resources(channel);
	kfree_rcu(vc, rcu);
}

static void vmbus_release_relid(u32 relid)
{
	struct vmbus_channel_relid_released msg = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};
	int ret = vmbus_post_msg(vmbus_core.msg_conn_id, &msg, sizeof(msg));

	if (ret)
		pr_err("cannot tell the host relid %u is released (%d)\n", relid, ret);
}

static void vmbus_device_release(struct device *device)
{
	struct hv_device *dev = device_to_hv_device(device);

	if (dev->channel)
		vmbus_free_channel(dev->channel);
#ifndef HV_HAVE_BUS_DRIVER_OVERRIDE
	kfree(dev->driver_override);
#endif
	kfree(dev);
}

static void vmbus_add_device_work(struct work_struct *work)
{
	struct vmbus_chan_work *cw = container_of(work, struct vmbus_chan_work, work);
	struct vmbus_channel *channel = cw->channel;
	struct hv_device *dev;
	int ret;

	kfree(cw);
	/*
	 * On failure the channel stays in the table without a device: a
	 * later rescind or the unload frees it, as for any channel.
	 */
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return;
	dev->dev_type = channel->offermsg.offer.if_type;
	dev->dev_instance = channel->offermsg.offer.if_instance;
	dev->vendor_id = HV_VMBUS_VENDOR_MICROSOFT;
	dev->device_id = channel->device_id;
	dev->channel = channel;
	dev->device.bus = &vmbus_bus;
	dev->device.parent = vmbus_core.root;
	dev->device.release = vmbus_device_release;
#ifdef HV_HAVE_HV_DEVICE_DMA
	dev->device.dma_parms = &dev->dma_parms;
	dev->device.dma_mask = &dev->dma_mask;
	dma_set_mask(&dev->device, DMA_BIT_MASK(64));
#endif
	dev_set_name(&dev->device, "%pUl", &dev->dev_instance);

	/* from here on the device owns the channel: both go in its release */
	channel->device_obj = dev;
	ret = device_register(&dev->device);
	if (ret) {
		pr_err("cannot register device %pUl (%d)\n", &dev->dev_instance, ret);
		channel->device_obj = NULL;
		dev->channel = NULL;
		put_device(&dev->device);
		return;
	}
	if (vmbus_chan_sysfs_add(channel))
		pr_warn("relid %u: no channels/ directory in sysfs\n",
			channel->offermsg.child_relid);
	channel->probe_done = true;
}

static void vmbus_add_subchannel_work(struct work_struct *work)
{
	struct vmbus_chan_work *cw = container_of(work, struct vmbus_chan_work, work);
	struct vmbus_channel *sc = cw->channel, *primary = sc->primary_channel;

	kfree(cw);
	if (primary->device_obj && vmbus_chan_sysfs_add(sc))
		pr_warn("relid %u: no channels/ directory in sysfs\n", sc->offermsg.child_relid);
	if (primary->sc_creation_callback)
		primary->sc_creation_callback(sc);
}

static bool vmbus_queue_channel_work(struct vmbus_channel *channel, work_func_t fn)
{
	struct vmbus_chan_work *cw = kzalloc(sizeof(*cw), GFP_KERNEL);

	if (!cw)
		return false;
	cw->channel = channel;
	INIT_WORK(&cw->work, fn);
	queue_work(vmbus_core.dev_wq, &cw->work);
	return true;
}

/* The primary whose class and instance a sub-channel offer names. */
static struct vmbus_channel *vmbus_find_primary(const struct vmbus_channel_offer *offer)
{
	struct vmbus_channel *ch;
	unsigned long relid;

	lockdep_assert_held(&vmbus_core.channels_lock);
	xa_for_each(&vmbus_core.channels, relid, ch) {
		if (!ch->primary_channel && !ch->rescind &&
		    guid_equal(&ch->offermsg.offer.if_type, &offer->if_type) &&
		    guid_equal(&ch->offermsg.offer.if_instance, &offer->if_instance))
			return ch;
	}
	return NULL;
}

static int vmbus_check_offer(const struct vmbus_channel_offer_channel *offer)
{
	u32 relid = offer->child_relid;

	/* relid and monitor id ranges were checked with the message */
	if (xa_load(&vmbus_core.channels, relid)) {
		pr_err("offer of relid %u, which is in use, rejected\n", relid);
		return -EEXIST;
	}
	return 0;
}

/**
 * vmbus_onoffer() - the host offered a channel
 * @offer: a private, size-checked copy of the OFFERCHANNEL message
 */
void vmbus_onoffer(const struct vmbus_channel_offer_channel *offer)
{
	struct vmbus_channel *channel, *primary = NULL;
	bool win7 = vmbus_core.version >= VERSION_WIN7;
	struct vmbus_chan *vc;
	work_func_t fn;

	mutex_lock(&vmbus_core.channels_lock);
	if (vmbus_check_offer(offer))
		goto out;
	if (offer->offer.sub_channel_index) {
		primary = vmbus_find_primary(&offer->offer);
		if (!primary) {
			pr_err("sub-channel offer %u names no primary channel, rejected\n",
			       offer->child_relid);
			goto out;
		}
	}
	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		goto out;
	channel = &vc->channel;
	channel->offermsg = *offer;
	if (!win7) {
		/* fields added in win7: reserved before, whatever they hold */
		channel->offermsg.is_dedicated_interrupt = 0;
		channel->offermsg.connection_id = 0;
	}
	/* accepted: drivers may open it from now on */
	channel->state = CHANNEL_OPEN_STATE;
	INIT_LIST_HEAD(&channel->sc_list);
	init_completion(&channel->rescind_event);
	spin_lock_init(&channel->sched_lock);
	/* the monitor id was range-checked only if the host allocated one */
	if (offer->monitor_allocated) {
		channel->monitor_grp = offer->monitorid / 32;
		channel->monitor_bit = offer->monitorid % 32;
	}
	channel->is_dedicated_interrupt = win7 && offer->is_dedicated_interrupt;
	channel->sig_event = win7 ? offer->connection_id : HV_VMBUS_EVENT_CONN_ID;
	channel->target_cpu = 0;
	channel->callback_mode = HV_CALL_BATCHED;
#ifdef HV_HAVE_MAX_PKT_SIZE
	channel->max_pkt_size = VMBUS_DEFAULT_MAX_PKT_SIZE;
#endif
	/* an hvsock offer's type is a service id, whatever it looks like */
	channel->device_id = offer->offer.chn_flags & VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER ?
			     HV_UNKNOWN : vmbus_dev_type(&offer->offer.if_type);

	if (xa_err(xa_store(&vmbus_core.channels, offer->child_relid, channel, GFP_KERNEL))) {
		kfree(vc);
		goto out;
	}
	if (primary) {
		channel->primary_channel = primary;
		list_add_tail(&channel->sc_list, &primary->sc_list);
		fn = vmbus_add_subchannel_work;
	} else {
		fn = vmbus_add_device_work;
	}
	if (!vmbus_queue_channel_work(channel, fn)) {
		if (primary)
			list_del(&channel->sc_list);
		xa_erase(&vmbus_core.channels, offer->child_relid);
		kfree_rcu(vc, rcu);
	}
out:
	mutex_unlock(&vmbus_core.channels_lock);
}

/* Take a sub-channel out of the table and free it; relid left to caller. */
static void vmbus_drop_subchannel(struct vmbus_channel *sc)
{
	lockdep_assert_held(&vmbus_core.channels_lock);
	list_del(&sc->sc_list);
	xa_erase(&vmbus_core.channels, sc->offermsg.child_relid);
}

/*
 * A primary channel goes with its device first (whose driver closes the
 * channel and its sub-channels), then the sub-channels, which a driver may
 * hold until then.
 */
/**
 * vmbus_remove_primary() - remove a primary channel, its device and sub-channels
 * @channel: the primary channel
 * @release: tell the host each relid is free
 */
void vmbus_remove_primary(struct vmbus_channel *channel, bool release)
{
	u32 relid = channel->offermsg.child_relid;
	struct vmbus_channel *sc, *tmp;
	LIST_HEAD(subs);

	mutex_lock(&vmbus_core.channels_lock);
	list_splice_init(&channel->sc_list, &subs);
	list_for_each_entry(sc, &subs, sc_list)
		xa_erase(&vmbus_core.channels, sc->offermsg.child_relid);
	xa_erase(&vmbus_core.channels, relid);
	/* the driver's vmbus_close() walks sc_list: give it the subs back */
	list_splice_init(&subs, &channel->sc_list);
	mutex_unlock(&vmbus_core.channels_lock);

	/* channels/ goes first: it hangs below the device's directory */
	list_for_each_entry(sc, &channel->sc_list, sc_list)
		vmbus_chan_sysfs_del(sc);
	vmbus_chan_sysfs_del(channel);
	if (channel->device_obj) {
		vmbus_chan_sysfs_del_kset(channel->device_obj);
		get_device(&channel->device_obj->device);
		device_unregister(&channel->device_obj->device);
	}

	mutex_lock(&vmbus_core.channels_lock);
	list_splice_init(&channel->sc_list, &subs);
	mutex_unlock(&vmbus_core.channels_lock);
	list_for_each_entry_safe(sc, tmp, &subs, sc_list) {
		u32 sc_relid = sc->offermsg.child_relid;

		list_del(&sc->sc_list);
		vmbus_free_channel(sc);
		if (release)
			vmbus_release_relid(sc_relid);
	}
	if (channel->device_obj)
		put_device(&channel->device_obj->device);
	else
		vmbus_free_channel(channel);
	if (release)
		vmbus_release_relid(relid);
}

static void vmbus_rescind_work(struct work_struct *work)
{
	struct vmbus_chan_work *cw = container_of(work, struct vmbus_chan_work, work);
	struct vmbus_channel *channel = cw->channel;
	u32 relid = channel->offermsg.child_relid;

	kfree(cw);
	/*
	 * As in the in-tree driver, no channel callback runs from here on:
	 * the driver's rescind handling and removal never race with one.
	 */
	mutex_lock(&vmbus_core.chan_state_lock);
	if (channel->state == CHANNEL_OPENED_STATE)
		vmbus_chan_event_stop(channel);
	mutex_unlock(&vmbus_core.chan_state_lock);
	if (!channel->primary_channel) {
		if (channel->chn_rescind_callback)
			channel->chn_rescind_callback(channel);
		/* hv_sock removes its device itself, when the socket goes */
		if (channel->chn_rescind_callback && is_hvsock_channel(channel))
			return;
		vmbus_remove_primary(channel, true);
		return;
	}
	/*
	 * A sub-channel whose driver wants to know, or that is in use, stays
	 * (marked rescinded: sends fail, opens fail) until its primary goes;
	 * one nobody opened goes now.
	 */
	if (channel->chn_rescind_callback) {
		channel->chn_rescind_callback(channel);
		return;
	}
	mutex_lock(&vmbus_core.channels_lock);
	if (channel->state != CHANNEL_OPEN_STATE || channel->ringbuffer_page) {
		mutex_unlock(&vmbus_core.channels_lock);
		return;
	}
	vmbus_drop_subchannel(channel);
	mutex_unlock(&vmbus_core.channels_lock);
	vmbus_free_channel(channel);
	vmbus_release_relid(relid);
}

/**
 * vmbus_onrescind() - the host took a channel back
 * @msg: a private, size-checked copy of the RESCIND_CHANNELOFFER message
 */
void vmbus_onrescind(const struct vmbus_channel_rescind_offer *msg)
{
	struct vmbus_channel *channel;

	mutex_lock(&vmbus_core.channels_lock);
	channel = xa_load(&vmbus_core.channels, msg->child_relid);
	if (!channel || channel->rescind) {
		mutex_unlock(&vmbus_core.channels_lock);
		pr_err("rescind of unknown relid %u ignored\n", msg->child_relid);
		return;
	}
	channel->rescind = true;
	complete_all(&channel->rescind_event);
	mutex_unlock(&vmbus_core.channels_lock);
	if (!vmbus_queue_channel_work(channel, vmbus_rescind_work))
		pr_err("out of memory: rescind of relid %u not carried out\n",
		       msg->child_relid);
}

/**
 * vmbus_remove_all_channels() - drop every channel and device on unload
 *
 * Called after the host connection stopped delivering; the host is told
 * nothing per channel, the unload that follows releases every relid.
 */
void vmbus_remove_all_channels(void)
{
	struct vmbus_channel *ch;
	unsigned long relid;

	flush_workqueue(vmbus_core.dev_wq);
	for (;;) {
		struct vmbus_channel *primary = NULL;

		mutex_lock(&vmbus_core.channels_lock);
		xa_for_each(&vmbus_core.channels, relid, ch) {
			if (!ch->primary_channel) {
				primary = ch;
				break;
			}
		}
		mutex_unlock(&vmbus_core.channels_lock);
		if (!primary)
			break;
		vmbus_remove_primary(primary, false);
	}
}
