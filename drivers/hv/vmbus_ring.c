// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring buffers of an open channel, laid out as <linux/hyperv.h>'s
 * struct hv_ring_buffer_info describes them, because the distro's drivers
 * read those fields through that header's inline helpers.
 *
 * A ring is a control page followed by its data pages. We map it with the
 * data pages twice in a row (control, d0..dn, d0..dn), so a packet that
 * wraps around the end of the data area is still contiguous in our mapping:
 * writes are plain copies, and a reader can be handed a packet in place.
 *
 * The host is untrusted: its indices are read once and checked before use;
 * a malformed inbound packet stops the reading of that ring (the packet
 * boundaries can no longer be trusted) with an error in the log, and an
 * invalid read index on the outbound ring makes every later send fail.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_ring_buffer.h"

#include "hv/vmbus_ring.h"
#include "vmbus_core.h"

static_assert(sizeof(struct hv_ring_buffer) == VMBUS_RING_CONTROL_SIZE);
static_assert(offsetof(struct hv_ring_buffer, feature_bits) ==
	      offsetof(struct vmbus_ring_control, feature_bits));
static_assert(sizeof(struct vmpacket_descriptor) == VMBUS_PKT_DESC_SIZE);

/**
 * vmbus_ring_init() - map one ring of a channel
 * @channel: the channel (for its log messages)
 * @rbi: &channel->inbound or &channel->outbound
 * @pages: the ring's first page (its control page)
 * @page_cnt: pages of the ring, control page included (at least 2)
 * @max_pkt_size: largest inbound packet the driver takes (0: outbound ring)
 *
 * Return: 0 or -ENOMEM.
 */
int vmbus_ring_init(struct vmbus_channel *channel, struct hv_ring_buffer_info *rbi,
		    struct page *pages, u32 page_cnt, u32 max_pkt_size)
{
	struct page **map;
	u32 i;

	if (page_cnt < 2)
		return -EINVAL;
	memset(rbi, 0, sizeof(*rbi));
	spin_lock_init(&rbi->ring_lock);
	mutex_init(&rbi->ring_buffer_mutex);
	map = kcalloc(page_cnt * 2 - 1, sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map[0] = pages;
	for (i = 1; i < page_cnt; i++) {
		map[i] = pfn_to_page(page_to_pfn(pages) + i);
		map[i + page_cnt - 1] = map[i];
	}
	rbi->ring_buffer = vmap(map, page_cnt * 2 - 1, VM_MAP, PAGE_KERNEL);
	kfree(map);
	if (!rbi->ring_buffer)
		return -ENOMEM;
#ifdef HV_HAVE_RING_PKT_BUFFER
	if (max_pkt_size) {
		rbi->pkt_buffer = kzalloc(max_pkt_size, GFP_KERNEL);
		if (!rbi->pkt_buffer) {
			vunmap(rbi->ring_buffer);
			rbi->ring_buffer = NULL;
			return -ENOMEM;
		}
		rbi->pkt_buffer_size = max_pkt_size;
	}
#endif
	rbi->ring_buffer->read_index = 0;
	rbi->ring_buffer->write_index = 0;
	/* we honour pending_send_sz on both rings */
	rbi->ring_buffer->feature_bits.value = VMBUS_RING_FEAT_PENDING_SEND_SZ;
	rbi->ring_size = page_cnt << PAGE_SHIFT;
	rbi->ring_datasize = rbi->ring_size - sizeof(struct hv_ring_buffer);
	rbi->ring_size_div10_reciprocal = reciprocal_value(rbi->ring_size / 10);
	rbi->priv_read_index = 0;
	return 0;
}

/**
 * vmbus_ring_cleanup() - unmap a ring mapped by vmbus_ring_init()
 * @rbi: the ring; left zeroed, so calling it twice is harmless
 */
void vmbus_ring_cleanup(struct hv_ring_buffer_info *rbi)
{
	mutex_lock(&rbi->ring_buffer_mutex);
	if (rbi->ring_buffer)
		vunmap(rbi->ring_buffer);
	rbi->ring_buffer = NULL;
#ifdef HV_HAVE_RING_PKT_BUFFER
	kfree(rbi->pkt_buffer);
	rbi->pkt_buffer = NULL;
	rbi->pkt_buffer_size = 0;
#endif
	mutex_unlock(&rbi->ring_buffer_mutex);
}

/*
 * Tell the host about a packet we wrote, unless it asked not to be told
 * (interrupt mask) or was not idle: the host is only signalled for the
 * packet that made the ring non-empty.
 */
static void vmbus_ring_signal_write(struct vmbus_channel *channel, u32 old_write)
{
	struct hv_ring_buffer *ring = channel->outbound.ring_buffer;

	/* the new write index is visible before we look at the host's mask */
	virt_mb();
	if (READ_ONCE(ring->interrupt_mask))
		return;
	/* and the mask was read before the read index */
	virt_rmb();
	if (old_write == READ_ONCE(ring->read_index)) {
		channel->intr_out_empty++;
		vmbus_setevent(channel);
	}
}

/**
 * vmbus_ring_write() - write one packet to a channel's outbound ring
 * @channel: an open channel
 * @kv: the packet's pieces; kv[0] starts with its struct vmpacket_descriptor
 * @kv_cnt: number of pieces
 * @requestid: the caller's request id (or address, with a requestor)
 * @trans_id: if not NULL, set to the transaction id the packet carries
 *
 * The descriptor's trans_id is set here: @requestid, or the id the
 * channel's requestor gave it. The packet is padded to 8 bytes and its
 * trailer is appended.
 *
 * Return: 0; -EAGAIN when the ring has no room (or no request id is free);
 * -ENODEV if the channel was rescinded; -EIO if the host broke the ring;
 * -EINVAL for a packet too large for any ring.
 */
int vmbus_ring_write(struct vmbus_channel *channel, const struct kvec *kv, u32 kv_cnt,
		     u64 requestid, u64 *trans_id)
{
	struct hv_ring_buffer_info *rbi = &channel->outbound;
	struct vmbus_chan *vc = to_vmbus_chan(channel);
	u32 len = 0, total, read, write, size, i, pos;
	u64 trailer, tid;
	unsigned long flags;
	u8 *data;

	for (i = 0; i < kv_cnt; i++)
		len += kv[i].iov_len;
	total = vmbus_ring_pkt_total(0, len);
	if (!total || kv_cnt == 0 || kv[0].iov_len < sizeof(struct vmpacket_descriptor))
		return -EINVAL;

	spin_lock_irqsave(&rbi->ring_lock, flags);
	if (READ_ONCE(channel->rescind) || !rbi->ring_buffer) {
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		return -ENODEV;
	}
	size = rbi->ring_datasize;
	write = rbi->ring_buffer->write_index;
	read = READ_ONCE(rbi->ring_buffer->read_index);
	if (vc->out_broken || !vmbus_ring_index_valid(read, size)) {
		if (!vc->out_broken)
			pr_err("relid %u: the host set an invalid read index %u on our ring; the channel cannot send any more\n",
			       channel->offermsg.child_relid, read);
		vc->out_broken = true;
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		return -EIO;
	}
	if (!vmbus_ring_can_write(read, write, size, total)) {
		channel->out_full_total++;
		if (!channel->out_full_flag) {
			channel->out_full_first++;
			channel->out_full_flag = true;
		}
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		return -EAGAIN;
	}
	channel->out_full_flag = false;

	tid = vmbus_rqstor_get(channel, kv[0].iov_base, requestid);
	if (tid == VMBUS_RQST_ERROR) {
		spin_unlock_irqrestore(&rbi->ring_lock, flags);
		return -EAGAIN;
	}

	/* the data area is mapped twice: a wrapping packet is contiguous */
	data = hv_get_ring_buffer(rbi);
	pos = write;
	for (i = 0; i < kv_cnt; i++) {
		memcpy(data + pos, kv[i].iov_base, kv[i].iov_len);
		pos += kv[i].iov_len;
	}
	memset(data + pos, 0, total - VMBUS_PKT_TRAILER_SIZE - len);
	((struct vmpacket_descriptor *)(data + write))->trans_id = tid;
	trailer = (u64)write << 32;
	memcpy(data + write + total - VMBUS_PKT_TRAILER_SIZE, &trailer, sizeof(trailer));
	if (trans_id)
		*trans_id = tid;

	/* the packet is complete before the host can see the new index */
	virt_mb();
	rbi->ring_buffer->write_index = vmbus_ring_advance(write, total, size);
	vmbus_ring_signal_write(channel, write);
	spin_unlock_irqrestore(&rbi->ring_lock, flags);
	return 0;
}

/* Stop reading a ring whose packet boundaries the host broke. */
static void vmbus_ring_in_broken(struct vmbus_channel *channel, u32 at, const char *why)
{
	struct vmbus_chan *vc = to_vmbus_chan(channel);

	if (!vc->in_broken)
		pr_err("relid %u: malformed packet from the host at read index %u (%s); the channel receives no more\n",
		       channel->offermsg.child_relid, at, why);
	vc->in_broken = true;
	vc->in_bad_pkts++;
}

/*
 * The packet at the iterator's position: checked, and on kernels whose
 * struct hv_ring_buffer_info has a packet buffer, copied out of shared
 * memory so the host cannot change it while the driver reads it. A packet
 * larger than the driver's max_pkt_size is skipped with an error.
 */
static struct vmpacket_descriptor *vmbus_ring_peek(struct vmbus_channel *channel)
{
	struct hv_ring_buffer_info *rbi = &channel->inbound;
	struct vmbus_chan *vc = to_vmbus_chan(channel);
	struct vmpacket_descriptor *desc;
	u32 size = rbi->ring_datasize, write, avail, pkt_len = 0;
	u16 len8, offset8;

	for (;;) {
		if (vc->in_broken || !rbi->ring_buffer)
			return NULL;
		write = READ_ONCE(rbi->ring_buffer->write_index);
		if (!vmbus_ring_index_valid(write, size)) {
			vmbus_ring_in_broken(channel, rbi->priv_read_index, "invalid write index");
			return NULL;
		}
		avail = vmbus_ring_bytes_to_read(rbi->priv_read_index, write, size);
		/* the packet's bytes are read only after the index */
		virt_rmb();
		desc = hv_get_ring_buffer(rbi) + rbi->priv_read_index;
		len8 = READ_ONCE(desc->len8);
		offset8 = READ_ONCE(desc->offset8);
		switch (vmbus_ring_pkt_check(len8, offset8, avail, &pkt_len)) {
		case VMBUS_PKT_NONE:
			if (avail)
				vmbus_ring_in_broken(channel, rbi->priv_read_index,
						     "a packet shorter than its header");
			return NULL;
		case VMBUS_PKT_BAD:
			vmbus_ring_in_broken(channel, rbi->priv_read_index,
					     "length or offset out of bounds");
			return NULL;
		case VMBUS_PKT_OK:
			break;
		}
		vc->in_pkt_len = pkt_len + VMBUS_PKT_TRAILER_SIZE;
#ifdef HV_HAVE_RING_PKT_BUFFER
		if (pkt_len > rbi->pkt_buffer_size) {
			vc->in_bad_pkts++;
			pr_err_ratelimited("relid %u: dropped a %u-byte packet from the host, larger than the driver's %u\n",
					   channel->offermsg.child_relid, pkt_len,
					   rbi->pkt_buffer_size);
			rbi->priv_read_index = vmbus_ring_advance(rbi->priv_read_index,
								  vc->in_pkt_len, size);
			continue;
		}
		memcpy(rbi->pkt_buffer, desc, pkt_len);
		desc = rbi->pkt_buffer;
		/* what the driver sees agrees with what was checked */
		desc->len8 = len8;
		desc->offset8 = offset8;
#endif
		return desc;
	}
}

/**
 * hv_pkt_iter_first() - the first unread packet of a channel's inbound ring
 * @channel: an open channel
 *
 * Start of a read batch; end it with hv_pkt_iter_close() (the inline
 * hv_pkt_iter_next() does when it finds no more packets).
 *
 * Return: the packet's descriptor, valid until the iterator moves on, or
 * NULL if there is none.
 */
struct vmpacket_descriptor *hv_pkt_iter_first(struct vmbus_channel *channel)
{
	struct vmbus_chan *vc = to_vmbus_chan(channel);

	if (!channel->inbound.ring_buffer)
		return NULL;
	vc->in_start = channel->inbound.priv_read_index;
	return vmbus_ring_peek(channel);
}
EXPORT_SYMBOL_GPL(hv_pkt_iter_first);

/**
 * __hv_pkt_iter_next() - move the iterator past a packet
 * @channel: the channel
 * @pkt: the packet the iterator stands on
 *
 * Return: the next packet's descriptor, or NULL if there is none.
 */
struct vmpacket_descriptor *__hv_pkt_iter_next(struct vmbus_channel *channel,
					       const struct vmpacket_descriptor *pkt)
{
	struct hv_ring_buffer_info *rbi = &channel->inbound;
	struct vmbus_chan *vc = to_vmbus_chan(channel);

	rbi->priv_read_index = vmbus_ring_advance(rbi->priv_read_index, vc->in_pkt_len,
						  rbi->ring_datasize);
	vc->in_pkt_len = 0;
	return vmbus_ring_peek(channel);
}
EXPORT_SYMBOL_GPL(__hv_pkt_iter_next);

/**
 * hv_pkt_iter_close() - give the packets read in this batch back to the host
 * @channel: the channel
 *
 * Publishes the read index and, if the host waits for room (it set
 * pending_send_sz) and this batch made enough, signals it.
 */
void hv_pkt_iter_close(struct vmbus_channel *channel)
{
	struct hv_ring_buffer_info *rbi = &channel->inbound;
	struct vmbus_chan *vc = to_vmbus_chan(channel);
	u32 size = rbi->ring_datasize, pending, freed, now_free, write;

	if (!rbi->ring_buffer)
		return;
	/* we are done with the packets before the host may reuse the space */
	virt_rmb();
	WRITE_ONCE(rbi->ring_buffer->read_index, rbi->priv_read_index);
	/* the host sees the space before we read whether it waits for it */
	virt_mb();
	pending = READ_ONCE(rbi->ring_buffer->pending_send_sz);
	if (!pending)
		return;
	write = READ_ONCE(rbi->ring_buffer->write_index);
	if (!vmbus_ring_index_valid(write, size))
		return;
	now_free = vmbus_ring_bytes_to_write(rbi->priv_read_index, write, size);
	freed = vmbus_ring_bytes_to_read(vc->in_start, rbi->priv_read_index, size);
	vc->in_start = rbi->priv_read_index;
	/* signal only when this batch is what crossed the host's threshold */
	if (now_free <= pending || now_free - freed > pending)
		return;
	channel->intr_in_full++;
	vmbus_setevent(channel);
}
EXPORT_SYMBOL_GPL(hv_pkt_iter_close);

/**
 * vmbus_ring_read() - take one packet off the inbound ring
 * @channel: an open channel
 * @buffer: where to copy it
 * @buflen: size of @buffer
 * @actual_len: set to the bytes copied, or needed; 0 if there is no packet
 * @requestid: set to the packet's transaction id
 * @raw: copy the whole packet, descriptor included, not just its payload
 *
 * Return: 0 (also when there is no packet), or -ENOBUFS when @buffer is
 * too small (the packet stays in the ring).
 */
int vmbus_ring_read(struct vmbus_channel *channel, void *buffer, u32 buflen,
		    u32 *actual_len, u64 *requestid, bool raw)
{
	struct vmpacket_descriptor *desc;
	u32 offset, len;

	*actual_len = 0;
	*requestid = 0;
	desc = hv_pkt_iter_first(channel);
	if (!desc)
		return 0;
	offset = raw ? 0 : desc->offset8 << 3;
	len = (desc->len8 << 3) - offset;
	*actual_len = len;
	*requestid = desc->trans_id;
	if (len > buflen)
		return -ENOBUFS;
	memcpy(buffer, (u8 *)desc + offset, len);
	__hv_pkt_iter_next(channel, desc);
	hv_pkt_iter_close(channel);
	return 0;
}

/**
 * hv_ringbuffer_get_debuginfo() - a snapshot of a ring's indices
 * @ring_info: &channel->inbound or &channel->outbound
 * @debug_info: filled in
 *
 * Return: 0, or -EINVAL when the ring is not mapped (channel not open).
 */
int hv_ringbuffer_get_debuginfo(struct hv_ring_buffer_info *ring_info,
				struct hv_ring_buffer_debug_info *debug_info)
{
	struct hv_ring_buffer *ring;
	u32 read, write, size;

	mutex_lock(&ring_info->ring_buffer_mutex);
	ring = ring_info->ring_buffer;
	if (!ring) {
		mutex_unlock(&ring_info->ring_buffer_mutex);
		return -EINVAL;
	}
	size = ring_info->ring_datasize;
	read = READ_ONCE(ring->read_index);
	write = READ_ONCE(ring->write_index);
	debug_info->current_interrupt_mask = READ_ONCE(ring->interrupt_mask);
	debug_info->current_read_index = read;
	debug_info->current_write_index = write;
	if (vmbus_ring_index_valid(read, size) && vmbus_ring_index_valid(write, size)) {
		debug_info->bytes_avail_toread = vmbus_ring_bytes_to_read(read, write, size);
		debug_info->bytes_avail_towrite = vmbus_ring_bytes_to_write(read, write, size);
	} else {
		debug_info->bytes_avail_toread = 0;
		debug_info->bytes_avail_towrite = 0;
	}
	mutex_unlock(&ring_info->ring_buffer_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_ringbuffer_get_debuginfo);

/**
 * hv_ringbuffer_spinlock_busy() - whether a sender holds the outbound lock
 * @channel: the channel
 *
 * Return: true if the outbound ring's lock is taken right now.
 */
bool hv_ringbuffer_spinlock_busy(struct vmbus_channel *channel)
{
	return raw_spin_is_locked(&channel->outbound.ring_lock.rlock);
}
EXPORT_SYMBOL_GPL(hv_ringbuffer_spinlock_busy);
