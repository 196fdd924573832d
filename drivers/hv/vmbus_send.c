// SPDX-License-Identifier: GPL-2.0-only
/*
 * The packet API of <linux/hyperv.h>: sending inband packets and packets
 * that describe guest pages (GPA direct), receiving packets by copy,
 * signalling the host, and asking it for Hyper-V socket connections.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_channel.h"

#include "hv/vmbus_ring.h"
#include "vmbus_core.h"

/**
 * vmbus_setevent() - tell the host there is work on a channel
 * @channel: the channel
 *
 * A channel the host offered as monitored signals through the client
 * monitor page, which the host polls, unless its driver put it in
 * low-latency mode (channel->low_latency); every other channel
 * signals with the hypercall (vmbus_set_event()). May be called in atomic
 * context.
 */
void vmbus_setevent(struct vmbus_channel *channel)
{
	if (channel->offermsg.monitor_allocated && !channel->low_latency)
		vmbus_monitor_signal(channel);
	else
		vmbus_set_event(channel);
}
EXPORT_SYMBOL_GPL(vmbus_setevent);

/* Send an inband packet: a descriptor, then @buffer. */
static int vmbus_send_inband(struct vmbus_channel *channel, void *buffer, u32 bufferlen,
			     u64 requestid, u64 *trans_id, enum vmbus_packet_type type,
			     u32 flags)
{
	u32 total = vmbus_ring_pkt_total(sizeof(struct vmpacket_descriptor), bufferlen);
	struct vmpacket_descriptor desc = {
		.type = type,
		.flags = flags,
		.offset8 = sizeof(desc) >> 3,
		.len8 = (total - VMBUS_PKT_TRAILER_SIZE) >> 3,
	};
	struct kvec kv[2] = {
		{ .iov_base = &desc, .iov_len = sizeof(desc) },
		{ .iov_base = buffer, .iov_len = bufferlen },
	};

	if (!total)
		return -EINVAL;
	return vmbus_ring_write(channel, kv, bufferlen ? 2 : 1, requestid, trans_id);
}

#ifdef HV_HAVE_SENDPACKET_GETID
/**
 * vmbus_sendpacket_getid() - send an inband packet, learn its trans_id
 * @channel: an open channel
 * @buffer: the payload
 * @buffer_len: its length
 * @requestid: the request (an id, or an address the requestor maps to one)
 * @trans_id: set to the transaction id the packet carries
 * @type: VM_PKT_* type, usually VM_PKT_DATA_INBAND
 * @flags: VMBUS_DATA_PACKET_FLAG_* flags
 *
 * Return: 0, -EAGAIN when the ring is full, -ENODEV after a rescind,
 * -EIO when the host broke the ring, -EINVAL for an impossible size.
 */
int vmbus_sendpacket_getid(struct vmbus_channel *channel, void *buffer, u32 buffer_len,
			   u64 requestid, u64 *trans_id, enum vmbus_packet_type type, u32 flags)
{
	return vmbus_send_inband(channel, buffer, buffer_len, requestid, trans_id, type, flags);
}
EXPORT_SYMBOL(vmbus_sendpacket_getid);
#endif

/**
 * vmbus_sendpacket() - send an inband packet
 * @channel: an open channel
 * @buffer: the payload
 * @buffer_len: its length
 * @requestid: the request (an id, or an address the requestor maps to one)
 * @type: VM_PKT_* type, usually VM_PKT_DATA_INBAND
 * @flags: VMBUS_DATA_PACKET_FLAG_* flags
 *
 * Return: as vmbus_sendpacket_getid().
 */
int vmbus_sendpacket(struct vmbus_channel *channel, void *buffer, u32 buffer_len,
		     u64 requestid, enum vmbus_packet_type type, u32 flags)
{
	return vmbus_send_inband(channel, buffer, buffer_len, requestid, NULL, type, flags);
}
EXPORT_SYMBOL(vmbus_sendpacket);

/**
 * vmbus_sendpacket_mpb_desc() - send a packet that describes guest pages
 * @channel: an open channel
 * @desc: the descriptor with its page range(s), filled in by the caller
 *	  except for the header fields, which are set here
 * @desc_size: its size in bytes, a multiple of 8
 * @buffer: inband payload after the descriptor
 * @bufferlen: its length
 * @requestid: the request
 *
 * Return: as vmbus_sendpacket_getid().
 */
int vmbus_sendpacket_mpb_desc(struct vmbus_channel *channel, struct vmbus_packet_mpb_array *desc,
			      u32 desc_size, void *buffer, u32 bufferlen, u64 requestid)
{
	u32 total = vmbus_ring_pkt_total(desc_size, bufferlen);
	struct kvec kv[2] = {
		{ .iov_base = desc, .iov_len = desc_size },
		{ .iov_base = buffer, .iov_len = bufferlen },
	};

	if (!total || desc_size < sizeof(*desc) || desc_size & 7)
		return -EINVAL;
	desc->type = VM_PKT_DATA_USING_GPA_DIRECT;
	desc->flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	desc->dataoffset8 = desc_size >> 3;
	desc->length8 = (total - VMBUS_PKT_TRAILER_SIZE) >> 3;
	desc->transactionid = 0;
	desc->reserved = 0;
	desc->rangecount = 1;
	return vmbus_ring_write(channel, kv, bufferlen ? 2 : 1, requestid, NULL);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket_mpb_desc);

#ifdef HV_HAVE_SENDPACKET_PAGEBUFFER
/**
 * vmbus_sendpacket_pagebuffer() - send a packet that lists guest pages
 * @channel: an open channel
 * @pagebuffers: the page ranges
 * @pagecount: how many, at most MAX_PAGE_BUFFER_COUNT
 * @buffer: inband payload after the ranges
 * @bufferlen: its length
 * @requestid: the request
 *
 * Return: as vmbus_sendpacket_getid().
 */
int vmbus_sendpacket_pagebuffer(struct vmbus_channel *channel,
				struct hv_page_buffer pagebuffers[], u32 pagecount,
				void *buffer, u32 bufferlen, u64 requestid)
{
	struct vmbus_channel_packet_page_buffer desc;
	u32 desc_size, total, i;
	struct kvec kv[2];

	if (pagecount > MAX_PAGE_BUFFER_COUNT)
		return -EINVAL;
	desc_size = sizeof(desc) -
		(MAX_PAGE_BUFFER_COUNT - pagecount) * sizeof(struct hv_page_buffer);
	total = vmbus_ring_pkt_total(desc_size, bufferlen);
	if (!total)
		return -EINVAL;
	desc.type = VM_PKT_DATA_USING_GPA_DIRECT;
	desc.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	desc.dataoffset8 = desc_size >> 3;
	desc.length8 = (total - VMBUS_PKT_TRAILER_SIZE) >> 3;
	desc.transactionid = 0;
	desc.reserved = 0;
	desc.rangecount = pagecount;
	for (i = 0; i < pagecount; i++)
		desc.range[i] = pagebuffers[i];
	kv[0].iov_base = &desc;
	kv[0].iov_len = desc_size;
	kv[1].iov_base = buffer;
	kv[1].iov_len = bufferlen;
	return vmbus_ring_write(channel, kv, bufferlen ? 2 : 1, requestid, NULL);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket_pagebuffer);
#endif

/**
 * vmbus_recvpacket() - take the next packet's payload off the ring
 * @channel: an open channel
 * @buffer: where to copy the payload
 * @bufferlen: size of @buffer
 * @buffer_actual_len: set to the payload's length; 0 when there was none
 * @requestid: set to the packet's transaction id
 *
 * Return: 0 (also when no packet was waiting), or -ENOBUFS when @buffer is
 * too small; the packet then stays in the ring.
 */
int vmbus_recvpacket(struct vmbus_channel *channel, void *buffer, u32 bufferlen,
		     u32 *buffer_actual_len, u64 *requestid)
{
	return vmbus_ring_read(channel, buffer, bufferlen, buffer_actual_len, requestid, false);
}
EXPORT_SYMBOL(vmbus_recvpacket);

/**
 * vmbus_recvpacket_raw() - take the next packet off the ring, descriptor too
 * @channel: an open channel
 * @buffer: where to copy the packet
 * @bufferlen: size of @buffer
 * @buffer_actual_len: set to the packet's length; 0 when there was none
 * @requestid: set to the packet's transaction id
 *
 * Return: as vmbus_recvpacket().
 */
int vmbus_recvpacket_raw(struct vmbus_channel *channel, void *buffer, u32 bufferlen,
			 u32 *buffer_actual_len, u64 *requestid)
{
	return vmbus_ring_read(channel, buffer, bufferlen, buffer_actual_len, requestid, true);
}
EXPORT_SYMBOL_GPL(vmbus_recvpacket_raw);

/**
 * vmbus_send_tl_connect_request() - ask the host for a Hyper-V socket
 * @shv_guest_servie_id: the guest's endpoint (service) id
 * @shv_host_servie_id: the host service to connect to
 *
 * The host answers by offering a channel for the connection (or with a
 * TL_CONNECT_RESULT error). Needs protocol 4.0 (Windows 10) or newer.
 *
 * Return: 0, -EINVAL on an older protocol, or a posting error.
 */
int vmbus_send_tl_connect_request(const guid_t *shv_guest_servie_id,
				  const guid_t *shv_host_servie_id)
{
	struct vmbus_channel_tl_connect_request msg = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_REQUEST,
		.guest_endpoint_id = *shv_guest_servie_id,
		.host_service_id = *shv_host_servie_id,
	};

	if (vmbus_core.version < VERSION_WIN10)
		return -EINVAL;
	return vmbus_post_msg(vmbus_core.msg_conn_id, &msg, sizeof(msg));
}
EXPORT_SYMBOL_GPL(vmbus_send_tl_connect_request);
