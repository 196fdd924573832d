// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening and closing channels.
 *
 * A channel's two rings live in one block of pages, the outbound
 * (guest-to-host) ring first: vmbus_alloc_ring() allocates it, and
 * vmbus_connect_ring() maps the rings, makes the block a GPADL and sends
 * OPENCHANNEL, whose downstream page offset tells the host where the
 * inbound ring starts. vmbus_disconnect_ring() undoes that in reverse;
 * vmbus_open() and vmbus_close() do both steps.
 *
 * After a rescind the host has already dropped the channel: closing it
 * then sends nothing and just frees our side. A rescinded sub-channel that
 * a driver may still hold stays allocated until its primary goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_channel.h"

#include "vmbus_core.h"

#ifdef HV_HAVE_GPADL_STRUCT
#define vmbus_ring_gpadl(ch) ((ch)->ringbuffer_gpadlhandle.gpadl_handle)
#else
#define vmbus_ring_gpadl(ch) ((ch)->ringbuffer_gpadlhandle)
#endif

/**
 * vmbus_alloc_ring() - allocate the pages of a channel's two rings
 * @channel: the channel
 * @send_size: bytes of the outbound ring, control page included
 * @recv_size: bytes of the inbound ring, control page included
 *
 * Both sizes must be multiples of PAGE_SIZE, at least two pages each.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int vmbus_alloc_ring(struct vmbus_channel *channel, u32 send_size, u32 recv_size)
{
	struct page *page;
	int order;

	if (!PAGE_ALIGNED(send_size) || !PAGE_ALIGNED(recv_size) ||
	    send_size < 2 * PAGE_SIZE || recv_size < 2 * PAGE_SIZE ||
	    (u64)send_size + recv_size > U32_MAX)
		return -EINVAL;
	order = get_order(send_size + recv_size);
	page = alloc_pages_node(cpu_to_node(channel->target_cpu),
				GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
	if (!page)
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		return -ENOMEM;
	channel->ringbuffer_page = page;
	channel->ringbuffer_pagecount = (send_size + recv_size) >> PAGE_SHIFT;
	channel->ringbuffer_send_offset = send_size >> PAGE_SHIFT;
	return 0;
}
EXPORT_SYMBOL_GPL(vmbus_alloc_ring);

/**
 * vmbus_free_ring() - free what vmbus_alloc_ring() allocated
 * @channel: a channel that is not connected (or never was)
 */
void vmbus_free_ring(struct vmbus_channel *channel)
{
	if (!channel->ringbuffer_page)
		return;
	__free_pages(channel->ringbuffer_page,
		     get_order(channel->ringbuffer_pagecount << PAGE_SHIFT));
	channel->ringbuffer_page = NULL;
	channel->ringbuffer_pagecount = 0;
	channel->ringbuffer_send_offset = 0;
}
EXPORT_SYMBOL_GPL(vmbus_free_ring);

static void vmbus_set_callback(struct vmbus_channel *channel,
			       void (*callback)(void *context), void *context)
{
	unsigned long flags;

	spin_lock_irqsave(&channel->sched_lock, flags);
	channel->channel_callback_context = context;
	channel->onchannel_callback = callback;
	spin_unlock_irqrestore(&channel->sched_lock, flags);
}

/* Everything of an open channel except the host's side of it. */
static void vmbus_release_local(struct vmbus_channel *channel)
{
	vmbus_chan_event_stop(channel);
	vmbus_ring_cleanup(&channel->outbound);
	vmbus_ring_cleanup(&channel->inbound);
	vmbus_rqstor_free(channel);
}

static int vmbus_send_open(struct vmbus_channel *channel, void *userdata, u32 userdatalen)
{
	struct vmbus_channel_open_channel *msg;
	struct vmbus_channel_open_result *result;
	struct vmbus_msg_waiter *w;
	u32 relid = channel->offermsg.child_relid;
	int ret;

	msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!msg || !w) {
		ret = -ENOMEM;
		goto out;
	}
	msg->header.msgtype = CHANNELMSG_OPENCHANNEL;
	msg->child_relid = relid;
	msg->openid = relid;
	msg->ringbuffer_gpadlhandle = vmbus_ring_gpadl(channel);
	msg->target_vp = vmbus_cpu_to_vp(channel->target_cpu);
	msg->downstream_ringbuffer_pageoffset = channel->ringbuffer_send_offset;
	if (userdatalen)
		memcpy(msg->userdata, userdata, userdatalen);
	vmbus_waiter_init_key(w, CHANNELMSG_OPENCHANNEL_RESULT, relid);
	ret = vmbus_chan_call(channel, msg, sizeof(*msg), w);
	if (ret)
		goto out;
	result = (void *)w->response;
	if (result->openid != relid || result->status) {
		pr_err("relid %u: the host refused to open the channel (status %#x)\n",
		       relid, result->status);
		ret = -EAGAIN;
	}
out:
	kfree(w);
	kfree(msg);
	return ret;
}

static int __vmbus_connect(struct vmbus_channel *channel, void *userdata, u32 userdatalen,
			   void (*onchannel_callback)(void *context), void *context)
{
	u32 send_pages = channel->ringbuffer_send_offset;
	u32 recv_pages = channel->ringbuffer_pagecount - send_pages;
	struct page *page = channel->ringbuffer_page;
	u32 max_pkt_size = 0;
	int ret;

	if (userdatalen > MAX_USER_DEFINED_BYTES || (userdatalen && !userdata))
		return -EINVAL;
	if (!page || send_pages < 2 || recv_pages < 2)
		return -EINVAL;
	if (READ_ONCE(channel->rescind))
		return -ENODEV;
	if (channel->state != CHANNEL_OPEN_STATE)
		return -EINVAL;
#ifdef HV_HAVE_MAX_PKT_SIZE
	/* the largest inbound packet the driver takes; 5.10 has no limit */
	max_pkt_size = channel->max_pkt_size ?: VMBUS_DEFAULT_MAX_PKT_SIZE;
#endif
	channel->state = CHANNEL_OPENING_STATE;
	to_vmbus_chan(channel)->in_broken = false;
	to_vmbus_chan(channel)->out_broken = false;
	ret = vmbus_ring_init(channel, &channel->outbound, page, send_pages, 0);
	/* (with no packet buffer, max_pkt_size is not used) */
	if (!ret)
		ret = vmbus_ring_init(channel, &channel->inbound,
				      pfn_to_page(page_to_pfn(page) + send_pages),
				      recv_pages, max_pkt_size);
	if (!ret)
		ret = vmbus_rqstor_init(channel);
	if (ret)
		goto err_local;

	ret = vmbus_establish_gpadl(channel, page_address(page),
				    channel->ringbuffer_pagecount << PAGE_SHIFT,
				    &channel->ringbuffer_gpadlhandle);
	if (ret)
		goto err_local;

	/* the host may send as soon as it answered: be ready for it */
	vmbus_chan_event_init(channel);
	vmbus_set_callback(channel, onchannel_callback, context);
	ret = vmbus_send_open(channel, userdata, userdatalen);
	if (ret)
		goto err_gpadl;
	channel->state = CHANNEL_OPENED_STATE;
	return 0;

err_gpadl:
	vmbus_chan_event_stop(channel);
#ifdef HV_HAVE_GPADL_STRUCT
	vmbus_teardown_gpadl(channel, &channel->ringbuffer_gpadlhandle);
#else
	vmbus_teardown_gpadl(channel, channel->ringbuffer_gpadlhandle);
	channel->ringbuffer_gpadlhandle = 0;
#endif
err_local:
	vmbus_ring_cleanup(&channel->outbound);
	vmbus_ring_cleanup(&channel->inbound);
	vmbus_rqstor_free(channel);
	channel->state = CHANNEL_OPEN_STATE;
	return ret;
}

/**
 * vmbus_connect_ring() - open a channel on rings from vmbus_alloc_ring()
 * @channel: the channel
 * @onchannel_callback: called when the host signals the channel
 * @context: its argument
 *
 * Return: 0, or a negative errno (the channel stays closed).
 */
int vmbus_connect_ring(struct vmbus_channel *channel,
		       void (*onchannel_callback)(void *context), void *context)
{
	return __vmbus_connect(channel, NULL, 0, onchannel_callback, context);
}
EXPORT_SYMBOL_GPL(vmbus_connect_ring);

/**
 * vmbus_open() - allocate a channel's rings and open it
 * @channel: the channel
 * @send_ringbuffer_size: bytes of the outbound ring (multiple of PAGE_SIZE)
 * @recv_ringbuffer_size: bytes of the inbound ring (multiple of PAGE_SIZE)
 * @userdata: up to MAX_USER_DEFINED_BYTES for the host, or NULL
 * @userdatalen: their length
 * @onchannel_callback: called when the host signals the channel
 * @context: its argument
 *
 * Return: 0, or a negative errno (nothing stays allocated).
 */
int vmbus_open(struct vmbus_channel *channel, u32 send_ringbuffer_size,
	       u32 recv_ringbuffer_size, void *userdata, u32 userdatalen,
	       void (*onchannel_callback)(void *context), void *context)
{
	int ret;

	ret = vmbus_alloc_ring(channel, send_ringbuffer_size, recv_ringbuffer_size);
	if (ret)
		return ret;
	ret = __vmbus_connect(channel, userdata, userdatalen, onchannel_callback, context);
	if (ret)
		vmbus_free_ring(channel);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_open);

/* Close one channel: host side (unless rescinded), then ours. */
static int vmbus_close_one(struct vmbus_channel *channel)
{
	struct vmbus_channel_close_channel msg = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = channel->offermsg.child_relid,
	};
	int ret = 0;

	/*
	 * A move to another CPU (vmbus_chan_retarget()) either sees the
	 * channel closed or sends its MODIFYCHANNEL before our CLOSECHANNEL:
	 * the host takes messages in order, and refuses to modify a channel
	 * that is not open.
	 */
	mutex_lock(&vmbus_core.chan_state_lock);
	if (channel->state != CHANNEL_OPENED_STATE) {
		mutex_unlock(&vmbus_core.chan_state_lock);
		return -EINVAL;
	}
	channel->state = CHANNEL_OPEN_STATE;
	/* no callback may run on rings about to go */
	vmbus_chan_event_stop(channel);
	if (!READ_ONCE(channel->rescind)) {
		ret = vmbus_post_msg(vmbus_core.msg_conn_id, &msg, sizeof(msg));
		if (ret)
			pr_err("relid %u: cannot send CLOSECHANNEL (%d)\n", msg.child_relid, ret);
	}
	mutex_unlock(&vmbus_core.chan_state_lock);
#ifdef HV_HAVE_GPADL_STRUCT
	if (vmbus_teardown_gpadl(channel, &channel->ringbuffer_gpadlhandle))
		ret = -EIO;
	channel->ringbuffer_gpadlhandle.gpadl_handle = 0;
#else
	if (vmbus_teardown_gpadl(channel, channel->ringbuffer_gpadlhandle))
		ret = -EIO;
	channel->ringbuffer_gpadlhandle = 0;
#endif
	vmbus_release_local(channel);
	return ret;
}

/**
 * vmbus_disconnect_ring() - close a channel, keeping its ring pages
 * @channel: an open channel; for a primary, its open sub-channels too
 *
 * Return: 0, or a negative errno if the host did not confirm everything
 * (our side is released all the same).
 */
int vmbus_disconnect_ring(struct vmbus_channel *channel)
{
	struct vmbus_channel **subs;
	struct vmbus_channel *sc;
	unsigned int n = 0, i;
	int ret = 0;

	if (!channel->primary_channel) {
		/* a snapshot: no lock may be held while waiting for the host */
		mutex_lock(&vmbus_core.channels_lock);
		list_for_each_entry(sc, &channel->sc_list, sc_list)
			n++;
		subs = kcalloc(n ?: 1, sizeof(*subs), GFP_KERNEL);
		n = 0;
		if (subs)
			list_for_each_entry(sc, &channel->sc_list, sc_list)
				if (sc->state == CHANNEL_OPENED_STATE)
					subs[n++] = sc;
		mutex_unlock(&vmbus_core.channels_lock);
		if (!subs)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			if (!vmbus_close_one(subs[i]))
				vmbus_free_ring(subs[i]);
		kfree(subs);
	}
	if (channel->state == CHANNEL_OPENED_STATE)
		ret = vmbus_close_one(channel);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_disconnect_ring);

/**
 * vmbus_close() - close a channel and free its rings
 * @channel: an open channel; for a primary, its open sub-channels too
 */
void vmbus_close(struct vmbus_channel *channel)
{
	vmbus_disconnect_ring(channel);
	vmbus_free_ring(channel);
}
EXPORT_SYMBOL_GPL(vmbus_close);

/**
 * vmbus_chan_release_resources() - free what a driver left open
 * @channel: a channel about to be freed
 *
 * For channels whose driver did not close them (or that are freed while
 * the host is gone): no message is sent, only local state is freed.
 */
void vmbus_chan_release_resources(struct vmbus_channel *channel)
{
	if (channel->state == CHANNEL_OPENED_STATE) {
		pr_warn("relid %u: freed while open; its driver did not close it\n",
			channel->offermsg.child_relid);
		channel->state = CHANNEL_OPEN_STATE;
		vmbus_release_local(channel);
	}
	vmbus_free_ring(channel);
}
