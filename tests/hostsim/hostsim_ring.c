// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's half of a VMBus ring buffer.
 *
 * A packet is a struct vmpacket_descriptor (type, offset8 and len8 in 8-byte
 * units, the descriptor included, flags, transaction id), its payload padded
 * to 8 bytes, and a u64 trailer holding the write index before the packet in
 * its upper 32 bits. The ring is empty when the indices are equal, so the
 * writer writes only when strictly more bytes are free than it writes.
 *
 * The guest's index of a ring (write index of the guest-to-host ring, read
 * index of the host-to-guest ring) is read once per look and validated;
 * the host's own index is kept here and only written to the ring.
 *
 * Flow control, as Hyper-V and Linux do it: a writer short of room sets
 * pending_send_sz to the bytes it needs more than; the reader, after
 * publishing its read index, signals the writer when the free space went
 * from at most that to more. The host as a reader is lenient here: it also
 * signals when the free space just reached pending_send_sz, so that a
 * guest which counts "at least" instead of "more than" is woken too (at
 * worst one interrupt too many).
 *
 * Barriers: the guest and the host share this kernel's CPUs, so the smp_*
 * barriers order their accesses: data before the index that publishes it,
 * an index before the data it frees, and a full barrier between publishing
 * an index and looking at the other side's flags (interrupt_mask,
 * pending_send_sz), which pairs with the guest's own.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "hostsim.h"

static const u8 hvsim_zeros[8];

/**
 * hvsim_ring_peek() - look at the next packet of the guest-to-host ring
 * @r: the ring
 * @desc: its descriptor, copied out
 * @why: why the ring is broken, when it is
 *
 * Return: the packet's length in bytes (descriptor included, trailer not),
 * -ENODATA if the ring is empty, -EIO if it is broken.
 */
int hvsim_ring_peek(struct hvsim_ring *r, struct vmpacket_descriptor *desc,
		    const char **why)
{
	u32 w, avail, len, off;

	/* the guest's write index before the packet bytes it publishes */
	w = smp_load_acquire(&r->ctl->write_index);
	if (!vmbus_ring_index_valid(w, r->size)) {
		*why = "invalid write index";
		return -EIO;
	}
	avail = vmbus_ring_bytes_to_read(r->pos, w, r->size);
	if (!avail)
		return -ENODATA;
	if (avail < sizeof(*desc) + sizeof(u64)) {
		*why = "a partial packet";
		return -EIO;
	}
	vmbus_ring_copy_out(desc, r->data, r->pos, sizeof(*desc), r->size);
	len = desc->len8 * 8;
	off = desc->offset8 * 8;
	if (off < sizeof(*desc) || off > len) {
		*why = "a packet with an invalid offset8";
		return -EIO;
	}
	if (len + sizeof(u64) > avail) {
		*why = "a packet longer than the bytes written";
		return -EIO;
	}
	return len;
}

/**
 * hvsim_ring_copy_pkt() - copy bytes of the packet hvsim_ring_peek() found
 * @r: the guest-to-host ring
 * @dst: where to
 * @offset: from this offset into the packet
 * @len: this many bytes; @offset + @len at most the packet's length
 */
void hvsim_ring_copy_pkt(struct hvsim_ring *r, void *dst, u32 offset, u32 len)
{
	vmbus_ring_copy_out(dst, r->data, vmbus_ring_advance(r->pos, offset, r->size),
			    len, r->size);
}

/**
 * hvsim_ring_consume() - move past the packet hvsim_ring_peek() found
 * @r: the guest-to-host ring
 * @len: the packet's length as hvsim_ring_peek() returned it
 *
 * The guest sees it gone once hvsim_ring_publish_read() runs.
 */
void hvsim_ring_consume(struct hvsim_ring *r, u32 len)
{
	r->pos = vmbus_ring_advance(r->pos, len + sizeof(u64), r->size);
}

/**
 * hvsim_ring_publish_read() - show the guest what the host consumed
 * @r: the guest-to-host ring
 *
 * Return: true if the guest waits for room (pending_send_sz) and the free
 * space it sees just reached it: the guest must be signalled.
 */
bool hvsim_ring_publish_read(struct hvsim_ring *r)
{
	u32 consumed, pending, w, before, after;

	if (r->pos == r->published)
		return false;
	consumed = vmbus_ring_bytes_to_read(r->published, r->pos, r->size);
	/* the packets are read before the guest may overwrite them */
	smp_store_release(&r->ctl->read_index, r->pos);
	r->published = r->pos;
	/* the read index out before pending_send_sz is looked at */
	smp_mb();
	pending = READ_ONCE(r->ctl->pending_send_sz);
	if (!pending)
		return false;
	w = READ_ONCE(r->ctl->write_index);
	if (!vmbus_ring_index_valid(w, r->size))
		return false;
	after = vmbus_ring_bytes_to_write(r->pos, w, r->size);
	before = after > consumed ? after - consumed : 0;
	return before <= pending && after >= pending;
}

/**
 * hvsim_ring_write_begin() - start a packet on the host-to-guest ring
 * @r: the ring
 * @len: the packet's length, a multiple of 8, trailer not included
 *
 * Return: 0 if it fits (then hvsim_ring_write() the packet and end it with
 * hvsim_ring_write_end()), -ENOSPC if not now, -EIO if the guest's read
 * index is invalid.
 */
int hvsim_ring_write_begin(struct hvsim_ring *r, u32 len)
{
	u32 rd;

	/* the guest's read index before the host writes where it freed */
	rd = smp_load_acquire(&r->ctl->read_index);
	if (!vmbus_ring_index_valid(rd, r->size))
		return -EIO;
	if (!vmbus_ring_can_write(rd, r->pos, r->size, len + sizeof(u64)))
		return -ENOSPC;
	r->wpos = r->pos;
	return 0;
}

/**
 * hvsim_ring_write() - append bytes to the packet being written
 * @r: the host-to-guest ring
 * @src: the bytes
 * @len: how many; all the calls of one packet add up to its length
 */
void hvsim_ring_write(struct hvsim_ring *r, const void *src, u32 len)
{
	r->wpos = vmbus_ring_copy_in(r->data, r->wpos, src, len, r->size);
}

/**
 * hvsim_ring_write_zeros() - append zero bytes to the packet being written
 * @r: the host-to-guest ring
 * @len: how many
 */
void hvsim_ring_write_zeros(struct hvsim_ring *r, u32 len)
{
	u32 n;

	while (len) {
		n = min_t(u32, len, sizeof(hvsim_zeros));
		hvsim_ring_write(r, hvsim_zeros, n);
		len -= n;
	}
}

/**
 * hvsim_ring_write_end() - add the trailer and publish the packet
 * @r: the host-to-guest ring
 * @masked: set to whether the guest masked its interrupt
 *
 * Return: true if the guest must be signalled: its interrupt is not masked
 * and the ring was empty before this packet.
 */
bool hvsim_ring_write_end(struct hvsim_ring *r, bool *masked)
{
	u64 trailer = (u64)r->pos << 32;
	u32 old = r->pos;

	hvsim_ring_write(r, &trailer, sizeof(trailer));
	/* the packet's bytes before the index that publishes them */
	smp_store_release(&r->ctl->write_index, r->wpos);
	r->pos = r->wpos;
	if (r->pending) {
		WRITE_ONCE(r->ctl->pending_send_sz, 0);
		r->pending = false;
	}
	/* the write index out before the guest's mask and read index are read */
	smp_mb();
	*masked = READ_ONCE(r->ctl->interrupt_mask);
	if (*masked)
		return false;
	return READ_ONCE(r->ctl->read_index) == old;
}

/**
 * hvsim_ring_wait_room() - ask the guest to signal when a packet fits
 * @r: the host-to-guest ring, without room for the packet
 * @len: the packet's length, trailer not included
 *
 * Sets pending_send_sz to the bytes the packet needs, trailer included
 * (the guest signals once more than that is free), then looks again in
 * case the guest made room meanwhile.
 *
 * Return: true if the packet fits now.
 */
bool hvsim_ring_wait_room(struct hvsim_ring *r, u32 len)
{
	u32 rd;

	WRITE_ONCE(r->ctl->pending_send_sz, len + sizeof(u64));
	r->pending = true;
	/* pending_send_sz out before the second look at the read index */
	smp_mb();
	rd = READ_ONCE(r->ctl->read_index);
	return vmbus_ring_index_valid(rd, r->size) &&
	       vmbus_ring_can_write(rd, r->pos, r->size, len + sizeof(u64));
}
