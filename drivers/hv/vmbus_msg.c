// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus channel messages: posting them to the host, and taking the host's
 * messages in. The host is untrusted: a message is copied out of the
 * delivery buffer once, its type and length are checked against what that
 * type needs, and only the private copy is used afterwards.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hyperv.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hv/vmbus_msg_check.h"
#include "hv/vmbus_proto.h"
#include "vmbus_core.h"

/* The wire facts the checker uses must be the kernel's own structures. */
static_assert(sizeof(struct vmbus_channel_message_header) == VMBUS_MSG_HEADER_SIZE);
static_assert(sizeof(struct vmbus_channel_offer_channel) == VMBUS_MSG_OFFER_SIZE);
static_assert(offsetof(struct vmbus_channel_offer_channel, offer.sub_channel_index) ==
	      VMBUS_OFFER_SUBCHANNEL_INDEX_OFF);
static_assert(offsetof(struct vmbus_channel_offer_channel, child_relid) == VMBUS_OFFER_RELID_OFF);
static_assert(offsetof(struct vmbus_channel_offer_channel, monitorid) ==
	      VMBUS_OFFER_MONITOR_ID_OFF);
static_assert(sizeof(struct vmbus_channel_rescind_offer) == VMBUS_MSG_RESCIND_SIZE);
static_assert(sizeof(struct vmbus_channel_open_result) == VMBUS_MSG_OPEN_RESULT_SIZE);
static_assert(sizeof(struct vmbus_channel_gpadl_created) == VMBUS_MSG_GPADL_CREATED_SIZE);
static_assert(sizeof(struct vmbus_channel_gpadl_torndown) == VMBUS_MSG_GPADL_TORNDOWN_SIZE);
static_assert(sizeof(struct vmbus_channel_version_response) == VMBUS_MSG_VERSION_RESPONSE_SIZE);
#define vmbus_same(a, b) ((a) == (b))
static_assert(vmbus_same(CHANNELMSG_OFFERCHANNEL, VMBUS_MSG_OFFERCHANNEL) &&
	      vmbus_same(CHANNELMSG_RESCIND_CHANNELOFFER, VMBUS_MSG_RESCIND_CHANNELOFFER) &&
	      vmbus_same(CHANNELMSG_ALLOFFERS_DELIVERED, VMBUS_MSG_ALLOFFERS_DELIVERED) &&
	      vmbus_same(CHANNELMSG_OPENCHANNEL_RESULT, VMBUS_MSG_OPENCHANNEL_RESULT) &&
	      vmbus_same(CHANNELMSG_GPADL_CREATED, VMBUS_MSG_GPADL_CREATED) &&
	      vmbus_same(CHANNELMSG_GPADL_TORNDOWN, VMBUS_MSG_GPADL_TORNDOWN) &&
	      vmbus_same(CHANNELMSG_VERSION_RESPONSE, VMBUS_MSG_VERSION_RESPONSE) &&
	      vmbus_same(CHANNELMSG_UNLOAD_RESPONSE, VMBUS_MSG_UNLOAD_RESPONSE));
static_assert(vmbus_same(HV_VMBUS_MAX_RELID, VMBUS_MSG_MAX_RELID) &&
	      vmbus_same(HV_VMBUS_MAX_MONITOR_ID, VMBUS_MSG_MAX_MONITOR_ID));

struct vmbus_msg_work {
	struct work_struct work;
	u32 size;
	u8 msg[HV_VMBUS_MSG_PAYLOAD_MAX];
};

/*
 * The relid or GPADL handle an answer carries, which tells apart the
 * answers to requests of the same type that are outstanding at once.
 */
static bool vmbus_msg_key(const struct vmbus_msg_work *mw, u32 msgtype, u32 *key)
{
	const void *m = mw->msg;

	switch (msgtype) {
	case CHANNELMSG_GPADL_CREATED:
		*key = ((const struct vmbus_channel_gpadl_created *)m)->gpadl;
		return true;
	case CHANNELMSG_GPADL_TORNDOWN:
		*key = ((const struct vmbus_channel_gpadl_torndown *)m)->gpadl;
		return true;
	case CHANNELMSG_OPENCHANNEL_RESULT:
		*key = ((const struct vmbus_channel_open_result *)m)->child_relid;
		return true;
	case VMBUS_MSG_MODIFYCHANNEL_RESPONSE:
		/* child_relid follows the header, as in every answer above */
		*key = vmbus_msg_get_u32(m, VMBUS_MSG_HEADER_SIZE);
		return true;
	default:
		return false;
	}
}

/*
 * Hand a message to the caller waiting for it, if there is one. The copy is
 * made under the lock, so a caller that gave up waiting and took its waiter
 * off the list is never written to afterwards.
 */
static bool vmbus_msg_complete_waiter(const struct vmbus_msg_work *mw, u32 msgtype)
{
	struct vmbus_msg_waiter *w;
	unsigned long flags;
	bool found = false, has_key;
	u32 key = 0;

	has_key = vmbus_msg_key(mw, msgtype, &key);
	spin_lock_irqsave(&vmbus_core.waiters_lock, flags);
	list_for_each_entry(w, &vmbus_core.waiters, node) {
		if (w->msgtype != msgtype || (w->keyed && (!has_key || w->key != key)))
			continue;
		list_del_init(&w->node);
		memcpy(w->response, mw->msg, mw->size);
		w->size = mw->size;
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&vmbus_core.waiters_lock, flags);
	return found;
}

static void vmbus_msg_work_fn(struct work_struct *work)
{
	struct vmbus_msg_work *mw = container_of(work, struct vmbus_msg_work, work);
	const struct vmbus_channel_message_header *hdr = (void *)mw->msg;
	u32 msgtype = hdr->msgtype;

	if (!vmbus_msg_complete_waiter(mw, msgtype)) {
		switch (msgtype) {
		case CHANNELMSG_OFFERCHANNEL:
			if (!READ_ONCE(vmbus_core.unloading))
				vmbus_onoffer((void *)mw->msg);
			break;
		case CHANNELMSG_RESCIND_CHANNELOFFER:
			vmbus_onrescind((void *)mw->msg);
			break;
		case VMBUS_MSG_TL_CONNECT_RESULT:
			/*
			 * The host refused a Hyper-V socket connect (4.1 on).
			 * Like the in-tree driver, nothing waits for it: the
			 * socket's connect times out.
			 */
			pr_debug("the host refused a Hyper-V socket connection (status %#x)\n",
				 vmbus_msg_get_u32(mw->msg, VMBUS_MSG_TL_CONNECT_RESULT_SIZE - 4));
			break;
		default:
			pr_warn("unexpected message type %u from the host, dropped\n", msgtype);
			break;
		}
	}
	kfree(mw);
}

/**
 * vmbus_on_message() - a message from the host arrived
 * @ctx: unused
 * @payload: the message, valid during the call only
 * @size: its length in bytes
 *
 * May run in interrupt context: validates, copies and queues the message.
 */
void vmbus_on_message(void *ctx, const void *payload, u32 size)
{
	struct vmbus_msg_work *mw;
	const char *why;

	if (size < VMBUS_MSG_HEADER_SIZE || size > HV_VMBUS_MSG_PAYLOAD_MAX) {
		pr_err("host message of invalid size %u dropped\n", size);
		return;
	}
	mw = kzalloc(sizeof(*mw), GFP_ATOMIC);
	if (!mw)
		return;
	/* one copy; everything below reads only the copy */
	memcpy(mw->msg, payload, size);
	mw->size = size;
	if (vmbus_host_msg_check(mw->msg, size, &why) < 0) {
		pr_err("host message type %u of %u bytes dropped: %s\n",
		       ((struct vmbus_channel_message_header *)mw->msg)->msgtype, size, why);
		kfree(mw);
		return;
	}
	INIT_WORK(&mw->work, vmbus_msg_work_fn);
	queue_work(vmbus_core.msg_wq, &mw->work);
}

/**
 * vmbus_post_msg() - post a channel message to the host
 * @connection_id: the host connection to post to
 * @msg: the message, starting with struct vmbus_channel_message_header
 * @size: its length, at most HV_VMBUS_MSG_PAYLOAD_MAX
 *
 * The host's message queue may be full for a while: retry then, with a
 * growing delay, for about a second.
 *
 * Return: 0, or a negative errno from the hypervisor interface.
 */
int vmbus_post_msg(u32 connection_id, const void *msg, u32 size)
{
	const struct vmbus_channel_message_header *hdr = msg;
	unsigned int delay_ms = 1, waited_ms = 0;
	int ret;

	if (WARN_ON(size > HV_VMBUS_MSG_PAYLOAD_MAX))
		return -EINVAL;
	for (;;) {
		ret = vmbus_core.iface->post_message(connection_id, msg, size);
		/*
		 * Hyper-V also says "invalid connection" to a guest posting too
		 * fast; only for INITIATE_CONTACT does it mean what it says (a
		 * host before 5.0 has no connection 4).
		 */
		if (ret == -EINVAL && hdr->msgtype != CHANNELMSG_INITIATE_CONTACT)
			ret = -EAGAIN;
		if (ret != -EAGAIN || waited_ms >= 1000)
			return ret;
		msleep(delay_ms);
		waited_ms += delay_ms;
		delay_ms = min(delay_ms * 2, 100U);
	}
}

/**
 * vmbus_waiter_init() - prepare to wait for a message type
 * @w: the waiter
 * @msgtype: the CHANNELMSG_* type to wait for
 */
void vmbus_waiter_init(struct vmbus_msg_waiter *w, u32 msgtype)
{
	INIT_LIST_HEAD(&w->node);
	w->msgtype = msgtype;
	w->keyed = false;
	w->key = 0;
	w->size = 0;
	init_completion(&w->done);
}

/**
 * vmbus_waiter_init_key() - prepare to wait for one answer of a type
 * @w: the waiter
 * @msgtype: the CHANNELMSG_* type to wait for
 * @key: the relid (open, modify) or GPADL handle (GPADL) it must carry
 */
void vmbus_waiter_init_key(struct vmbus_msg_waiter *w, u32 msgtype, u32 key)
{
	vmbus_waiter_init(w, msgtype);
	w->keyed = true;
	w->key = key;
}

/**
 * vmbus_waiter_add() - start listening, before the request is posted
 * @w: the prepared waiter
 */
void vmbus_waiter_add(struct vmbus_msg_waiter *w)
{
	unsigned long flags;

	spin_lock_irqsave(&vmbus_core.waiters_lock, flags);
	list_add_tail(&w->node, &vmbus_core.waiters);
	spin_unlock_irqrestore(&vmbus_core.waiters_lock, flags);
}

/**
 * vmbus_waiter_wait() - wait for the answer, then stop listening
 * @w: a waiter added with vmbus_waiter_add()
 * @channel: give up when this channel is rescinded; NULL for none
 * @timeout_ms: how long to wait
 *
 * Return: 0 with the answer in @w, -ENODEV (rescinded) or -ETIMEDOUT.
 */
int vmbus_waiter_wait(struct vmbus_msg_waiter *w, struct vmbus_channel *channel,
		      unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	unsigned long flags;
	int ret = -ETIMEDOUT;

	for (;;) {
		/* wake up now and then to notice a rescind */
		if (wait_for_completion_timeout(&w->done, msecs_to_jiffies(50))) {
			ret = 0;
			break;
		}
		if (channel && READ_ONCE(channel->rescind)) {
			ret = -ENODEV;
			break;
		}
		if (time_after(jiffies, deadline))
			break;
	}
	spin_lock_irqsave(&vmbus_core.waiters_lock, flags);
	list_del_init(&w->node);
	spin_unlock_irqrestore(&vmbus_core.waiters_lock, flags);
	/* an answer that raced with the give-up still counts */
	if (ret && completion_done(&w->done))
		ret = 0;
	return ret;
}

/**
 * vmbus_call() - post a message and wait for the host's answer
 * @connection_id: the host connection to post to
 * @msg: the request
 * @size: its length
 * @w: waiter, prepared with vmbus_waiter_init() for the answer's type
 * @timeout_ms: how long to wait for the answer
 *
 * Return: 0 with the answer in @w, -ETIMEDOUT, or the posting error.
 */
int vmbus_call(u32 connection_id, const void *msg, u32 size,
	       struct vmbus_msg_waiter *w, unsigned int timeout_ms)
{
	int ret;

	vmbus_waiter_add(w);
	ret = vmbus_post_msg(connection_id, msg, size);
	if (ret) {
		vmbus_waiter_wait(w, NULL, 0);
		return ret;
	}
	return vmbus_waiter_wait(w, NULL, timeout_ms);
}

/**
 * vmbus_chan_call() - a channel request: post it, wait for the answer
 * @channel: the channel the request is about
 * @msg: the request
 * @size: its length
 * @w: waiter, prepared with vmbus_waiter_init_key()
 *
 * Gives up when the channel is rescinded (the host then answers nothing)
 * or after VMBUS_CHAN_REQUEST_TIMEOUT_MS.
 *
 * Return: 0 with the answer in @w, -ENODEV, -ETIMEDOUT or a posting error.
 */
int vmbus_chan_call(struct vmbus_channel *channel, const void *msg, u32 size,
		    struct vmbus_msg_waiter *w)
{
	int ret;

	if (READ_ONCE(channel->rescind))
		return -ENODEV;
	vmbus_waiter_add(w);
	ret = vmbus_post_msg(vmbus_core.msg_conn_id, msg, size);
	if (ret) {
		vmbus_waiter_wait(w, NULL, 0);
		return ret;
	}
	ret = vmbus_waiter_wait(w, channel, VMBUS_CHAN_REQUEST_TIMEOUT_MS);
	if (ret == -ETIMEDOUT)
		pr_err("relid %u: no answer from the host to message type %u in %u ms\n",
		       channel->offermsg.child_relid, w->msgtype, VMBUS_CHAN_REQUEST_TIMEOUT_MS);
	return ret;
}
