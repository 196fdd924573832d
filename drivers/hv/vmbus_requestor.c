// SPDX-License-Identifier: GPL-2.0-only
/*
 * Request ids. A driver that sets channel->rqstor_size before opening gets
 * a table of that many slots: each packet it sends with a request carries
 * the number of a free slot (1-based) instead of the driver's own request
 * pointer, which thus never reaches the host; the completion's trans_id is
 * looked up, checked and turned back into the pointer. An id the host made
 * up, or returned twice, finds no slot and yields 0.
 *
 * Free slots form a list threaded through the table (a free slot holds the
 * number of the next free one), so taking and returning ids is O(1); a
 * bitmap says which slots are in use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_channel.h"

#include <linux/bitmap.h>

#include "vmbus_core.h"

/* "any request" for the match below; the kernel names it only since 5.16 */
#ifndef VMBUS_RQST_ADDR_ANY
#define VMBUS_RQST_ADDR_ANY U64_MAX
#endif

/**
 * vmbus_rqstor_init() - allocate the request-id table of a channel
 * @channel: a channel being opened; channel->rqstor_size slots (0: none)
 *
 * Return: 0 or -ENOMEM.
 */
int vmbus_rqstor_init(struct vmbus_channel *channel)
{
	struct vmbus_requestor *rqstor = &channel->requestor;
	u32 size = channel->rqstor_size, i;

	memset(rqstor, 0, sizeof(*rqstor));
	spin_lock_init(&rqstor->req_lock);
	if (!size)
		return 0;
	rqstor->req_arr = kvcalloc(size, sizeof(*rqstor->req_arr), GFP_KERNEL);
	rqstor->req_bitmap = bitmap_zalloc(size, GFP_KERNEL);
	if (!rqstor->req_arr || !rqstor->req_bitmap) {
		vmbus_rqstor_free(channel);
		return -ENOMEM;
	}
	for (i = 0; i < size; i++)
		rqstor->req_arr[i] = i + 1;
	rqstor->next_request_id = 0;
	rqstor->size = size;
	return 0;
}

/**
 * vmbus_rqstor_free() - free the request-id table of a closed channel
 * @channel: the channel
 */
void vmbus_rqstor_free(struct vmbus_channel *channel)
{
	struct vmbus_requestor *rqstor = &channel->requestor;

	kvfree(rqstor->req_arr);
	bitmap_free(rqstor->req_bitmap);
	rqstor->req_arr = NULL;
	rqstor->req_bitmap = NULL;
	rqstor->size = 0;
}

/* Take a free slot for @addr: its id, VMBUS_RQST_ERROR if none is free. */
static u64 vmbus_rqstor_take(struct vmbus_requestor *rqstor, u64 addr)
{
	unsigned long flags;
	u64 slot;

	spin_lock_irqsave(&rqstor->req_lock, flags);
	slot = rqstor->next_request_id;
	if (slot >= rqstor->size) {
		spin_unlock_irqrestore(&rqstor->req_lock, flags);
		return VMBUS_RQST_ERROR;
	}
	rqstor->next_request_id = rqstor->req_arr[slot];
	rqstor->req_arr[slot] = addr;
	__set_bit(slot, rqstor->req_bitmap);
	spin_unlock_irqrestore(&rqstor->req_lock, flags);
	return slot + 1;
}

/*
 * The request in the slot of @id, or VMBUS_RQST_ERROR for an id that names
 * no slot in use. The slot is freed if it holds @addr, or for any address
 * with VMBUS_RQST_ADDR_ANY. Called with req_lock held.
 */
static u64 vmbus_rqstor_match(struct vmbus_requestor *rqstor, u64 id, u64 addr)
{
	u64 slot = id - 1, found;

	lockdep_assert_held(&rqstor->req_lock);
	if (id == 0 || id > rqstor->size || !test_bit(slot, rqstor->req_bitmap))
		return VMBUS_RQST_ERROR;
	found = rqstor->req_arr[slot];
	if (addr == VMBUS_RQST_ADDR_ANY || found == addr) {
		__clear_bit(slot, rqstor->req_bitmap);
		rqstor->req_arr[slot] = rqstor->next_request_id;
		rqstor->next_request_id = slot;
	}
	return found;
}

static u64 vmbus_rqstor_lookup(struct vmbus_requestor *rqstor, u64 id, u64 addr)
{
	unsigned long flags;
	u64 found;

	spin_lock_irqsave(&rqstor->req_lock, flags);
	found = vmbus_rqstor_match(rqstor, id, addr);
	spin_unlock_irqrestore(&rqstor->req_lock, flags);
	return found;
}

#ifdef HV_HAVE_RQSTOR_CHANNEL_API

/**
 * vmbus_next_request_id() - a request id for a packet about to be sent
 * @channel: the channel
 * @rqst_addr: the driver's request (an address, usually)
 *
 * Return: the id, VMBUS_NO_RQSTOR if the channel has no request-id table,
 * VMBUS_RQST_ERROR if every slot is in use.
 */
u64 vmbus_next_request_id(struct vmbus_channel *channel, u64 rqst_addr)
{
	if (!channel->requestor.size)
		return VMBUS_NO_RQSTOR;
	return vmbus_rqstor_take(&channel->requestor, rqst_addr);
}
EXPORT_SYMBOL_GPL(vmbus_next_request_id);

/**
 * __vmbus_request_addr_match() - turn an id back into its request, checked
 * @channel: the channel, whose requestor lock the caller holds
 * @trans_id: the id from the host's completion
 * @rqst_addr: the request it must belong to, or VMBUS_RQST_ADDR_ANY
 *
 * Return: the request stored for @trans_id (its slot is free again if it
 * is @rqst_addr); VMBUS_RQST_ERROR for an id in no use; VMBUS_NO_RQSTOR
 * without a table.
 */
u64 __vmbus_request_addr_match(struct vmbus_channel *channel, u64 trans_id, u64 rqst_addr)
{
	if (!channel->requestor.size)
		return VMBUS_NO_RQSTOR;
	return vmbus_rqstor_match(&channel->requestor, trans_id, rqst_addr);
}
EXPORT_SYMBOL_GPL(__vmbus_request_addr_match);

/**
 * vmbus_request_addr_match() - __vmbus_request_addr_match() taking the lock
 * @channel: the channel
 * @trans_id: the id from the host's completion
 * @rqst_addr: the request it must belong to, or VMBUS_RQST_ADDR_ANY
 *
 * Return: as __vmbus_request_addr_match().
 */
u64 vmbus_request_addr_match(struct vmbus_channel *channel, u64 trans_id, u64 rqst_addr)
{
	if (!channel->requestor.size)
		return VMBUS_NO_RQSTOR;
	return vmbus_rqstor_lookup(&channel->requestor, trans_id, rqst_addr);
}
EXPORT_SYMBOL_GPL(vmbus_request_addr_match);

/**
 * vmbus_request_addr() - turn an id back into its request
 * @channel: the channel
 * @trans_id: the id from the host's completion
 *
 * Return: as vmbus_request_addr_match() with VMBUS_RQST_ADDR_ANY.
 */
u64 vmbus_request_addr(struct vmbus_channel *channel, u64 trans_id)
{
	return vmbus_request_addr_match(channel, trans_id, VMBUS_RQST_ADDR_ANY);
}
EXPORT_SYMBOL_GPL(vmbus_request_addr);

/**
 * vmbus_rqstor_get() - the trans_id for a packet the ring is writing
 * @channel: the channel
 * @desc: the packet's descriptor
 * @requestid: what the driver passed to the send call
 *
 * Return: the id from the driver's next_request_id_callback, if it set one
 * (usually vmbus_next_request_id()), else @requestid; VMBUS_RQST_ERROR if
 * no id is free.
 */
u64 vmbus_rqstor_get(struct vmbus_channel *channel, const struct vmpacket_descriptor *desc,
		     u64 requestid)
{
	u64 id;

	if (!channel->next_request_id_callback)
		return requestid;
	id = channel->next_request_id_callback(channel, requestid);
	return id == VMBUS_NO_RQSTOR ? requestid : id;
}

#else /* the requestor API of 5.10: functions of the requestor itself */

/**
 * vmbus_next_request_id() - a request id for a packet about to be sent
 * @rqstor: the channel's requestor
 * @rqst_addr: the driver's request (an address, usually)
 *
 * Return: the id, VMBUS_NO_RQSTOR without a table, VMBUS_RQST_ERROR if
 * every slot is in use.
 */
u64 vmbus_next_request_id(struct vmbus_requestor *rqstor, u64 rqst_addr)
{
	if (!rqstor->size)
		return VMBUS_NO_RQSTOR;
	return vmbus_rqstor_take(rqstor, rqst_addr);
}
EXPORT_SYMBOL_GPL(vmbus_next_request_id);

/**
 * vmbus_request_addr() - turn an id back into its request
 * @rqstor: the channel's requestor
 * @trans_id: the id from the host's completion
 *
 * Return: the request; 0 for id 0 (the host's unsolicited packets);
 * VMBUS_RQST_ERROR for an id in no use or without a table.
 */
u64 vmbus_request_addr(struct vmbus_requestor *rqstor, u64 trans_id)
{
	if (!rqstor->size)
		return VMBUS_RQST_ERROR;
	if (!trans_id)
		return 0;
	return vmbus_rqstor_lookup(rqstor, trans_id, VMBUS_RQST_ADDR_ANY);
}
EXPORT_SYMBOL_GPL(vmbus_request_addr);

/**
 * vmbus_rqstor_get() - the trans_id for a packet the ring is writing
 * @channel: the channel
 * @desc: the packet's descriptor
 * @requestid: what the driver passed to the send call
 *
 * On this kernel's API only packets that ask for a completion get an id.
 *
 * Return: a request id if the channel has a table, else @requestid;
 * VMBUS_RQST_ERROR if no id is free.
 */
u64 vmbus_rqstor_get(struct vmbus_channel *channel, const struct vmpacket_descriptor *desc,
		     u64 requestid)
{
	u64 id;

	if (desc->flags != VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		return requestid;
	id = vmbus_next_request_id(&channel->requestor, requestid);
	return id == VMBUS_NO_RQSTOR ? requestid : id;
}

#endif
