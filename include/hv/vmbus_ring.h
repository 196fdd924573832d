/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus ring buffer: the wire layout of a ring's control page and the index
 * arithmetic both sides of a ring use.
 *
 * A channel has two rings (guest-to-host and host-to-guest), each a 4 KiB
 * control page followed by a data area of `size` bytes. write_index and
 * read_index are byte offsets into the data area, both in [0, size). The
 * ring is empty when they are equal, so a writer never fills it completely:
 * it may write len bytes only when strictly more than len bytes are free.
 * Indices written by the other side are untrusted and must be checked with
 * vmbus_ring_index_valid() before any other helper is given them.
 *
 * This header has no kernel dependencies beyond fixed-width types so that
 * the same code is exercised by KUnit, by userspace unit tests and by fuzz
 * harnesses.
 */
#ifndef _HV_VMBUS_RING_H
#define _HV_VMBUS_RING_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#else
#include "user/hv_user_types.h"
#endif

#define VMBUS_RING_CONTROL_SIZE		4096U

/* Feature bit in vmbus_ring_control.feature_bits. */
#define VMBUS_RING_FEAT_PENDING_SEND_SZ	0x1U

/**
 * struct vmbus_ring_control - the control page at the start of each ring
 * @write_index:	producer offset into the data area
 * @read_index:		consumer offset into the data area
 * @interrupt_mask:	set by the consumer to ask for no interrupts
 * @pending_send_sz:	bytes the producer waits for (flow control); 0 = none
 * @reserved1:		unused
 * @feature_bits:	VMBUS_RING_FEAT_* supported by the ring's owner
 * @reserved2:		pads the control page to 4 KiB
 */
struct vmbus_ring_control {
	u32 write_index;
	u32 read_index;
	u32 interrupt_mask;
	u32 pending_send_sz;
	u32 reserved1[12];
	u32 feature_bits;
	u8 reserved2[VMBUS_RING_CONTROL_SIZE - 68];
};

static_assert(offsetof(struct vmbus_ring_control, feature_bits) == 64,
	      "feature_bits sits at byte 64 of the control page");
static_assert(sizeof(struct vmbus_ring_control) == VMBUS_RING_CONTROL_SIZE,
	      "the control page is exactly 4 KiB");

/**
 * vmbus_ring_index_valid() - check an index read from shared memory
 * @index: the index as read (once) from the control page
 * @size: size of the ring's data area in bytes
 *
 * Return: true if @index may be used with the other helpers.
 */
static inline bool vmbus_ring_index_valid(u32 index, u32 size)
{
	return index < size && (index & 7) == 0;
}

/**
 * vmbus_ring_bytes_to_read() - bytes between the read and write indices
 * @read: valid read index
 * @write: valid write index
 * @size: size of the data area
 */
static inline u32 vmbus_ring_bytes_to_read(u32 read, u32 write, u32 size)
{
	return write >= read ? write - read : size - read + write;
}

/**
 * vmbus_ring_bytes_to_write() - free bytes, of which all but one may be used
 * @read: valid read index
 * @write: valid write index
 * @size: size of the data area
 */
static inline u32 vmbus_ring_bytes_to_write(u32 read, u32 write, u32 size)
{
	return size - vmbus_ring_bytes_to_read(read, write, size);
}

/**
 * vmbus_ring_can_write() - whether @len bytes fit without filling the ring
 * @read: valid read index
 * @write: valid write index
 * @size: size of the data area
 * @len: bytes to write
 *
 * A full ring would look empty (write == read), hence the strict comparison.
 */
static inline bool vmbus_ring_can_write(u32 read, u32 write, u32 size, u32 len)
{
	return vmbus_ring_bytes_to_write(read, write, size) > len;
}

/**
 * vmbus_ring_advance() - move an index forward with wrap-around
 * @index: valid index
 * @len: bytes to move by, at most @size
 * @size: size of the data area
 */
static inline u32 vmbus_ring_advance(u32 index, u32 len, u32 size)
{
	u32 room = size - index;

	return len < room ? index + len : len - room;
}

/**
 * vmbus_ring_first_chunk() - how much of a copy fits before the wrap point
 * @offset: valid index where the copy starts
 * @len: bytes to copy, at most @size
 * @size: size of the data area
 *
 * A copy of @len bytes at @offset is done as [offset, offset + first) and,
 * if first < len, [0, len - first).
 */
static inline u32 vmbus_ring_first_chunk(u32 offset, u32 len, u32 size)
{
	u32 room = size - offset;

	return len < room ? len : room;
}

/**
 * vmbus_ring_copy_out() - copy bytes out of a ring's data area
 * @dst: destination buffer of at least @len bytes
 * @data: the ring's data area
 * @offset: valid index to copy from
 * @len: bytes to copy, at most @size
 * @size: size of the data area
 *
 * Return: the index just past the copied bytes.
 */
static inline u32 vmbus_ring_copy_out(void *dst, const u8 *data, u32 offset,
				      u32 len, u32 size)
{
	u32 first = vmbus_ring_first_chunk(offset, len, size);

	__builtin_memcpy(dst, data + offset, first);
	__builtin_memcpy((u8 *)dst + first, data, len - first);
	return vmbus_ring_advance(offset, len, size);
}

/**
 * vmbus_ring_copy_in() - copy bytes into a ring's data area
 * @data: the ring's data area
 * @offset: valid index to copy to
 * @src: source buffer of at least @len bytes
 * @len: bytes to copy, at most @size
 * @size: size of the data area
 *
 * Return: the index just past the copied bytes.
 */
static inline u32 vmbus_ring_copy_in(u8 *data, u32 offset, const void *src,
				     u32 len, u32 size)
{
	u32 first = vmbus_ring_first_chunk(offset, len, size);

	__builtin_memcpy(data + offset, src, first);
	__builtin_memcpy(data, (const u8 *)src + first, len - first);
	return vmbus_ring_advance(offset, len, size);
}

/*
 * Packets. Each packet in a ring is a 16-byte descriptor (type, offset8,
 * len8, flags, trans_id; offset8 and len8 in units of 8 bytes, counted from
 * the descriptor's start), the payload padded to a multiple of 8 bytes, and
 * an 8-byte trailer that the writer fills with the write index at which the
 * packet started, shifted left by 32.
 */
#define VMBUS_PKT_DESC_SIZE		16U
#define VMBUS_PKT_TRAILER_SIZE		8U

/**
 * enum vmbus_pkt_status - what vmbus_ring_pkt_check() found at a read index
 * @VMBUS_PKT_NONE:	not even a descriptor and trailer are readable yet
 * @VMBUS_PKT_OK:	a well-formed packet that lies within the readable bytes
 * @VMBUS_PKT_BAD:	the descriptor contradicts itself or the ring
 */
enum vmbus_pkt_status {
	VMBUS_PKT_NONE,
	VMBUS_PKT_OK,
	VMBUS_PKT_BAD,
};

/**
 * vmbus_ring_pkt_check() - validate a packet descriptor read from a ring
 * @len8: the descriptor's len8, as read once from shared memory
 * @offset8: its offset8, as read once
 * @avail: bytes readable from the packet's start (vmbus_ring_bytes_to_read())
 * @pkt_len: set, for VMBUS_PKT_OK, to the packet's length in bytes from the
 *	     descriptor to the end of the padded payload (trailer excluded)
 *
 * The writer publishes a packet and its trailer at once, so a well-formed
 * packet always lies whole within the readable bytes; one that does not
 * (or whose payload would start inside its descriptor or past its end)
 * means the other side is broken or hostile.
 *
 * Return: see enum vmbus_pkt_status.
 */
static inline enum vmbus_pkt_status vmbus_ring_pkt_check(u16 len8, u16 offset8, u32 avail,
							 u32 *pkt_len)
{
	u32 len = (u32)len8 << 3, offset = (u32)offset8 << 3;

	if (avail < VMBUS_PKT_DESC_SIZE + VMBUS_PKT_TRAILER_SIZE)
		return VMBUS_PKT_NONE;
	if (len < VMBUS_PKT_DESC_SIZE || offset < VMBUS_PKT_DESC_SIZE || offset > len ||
	    len > avail - VMBUS_PKT_TRAILER_SIZE)
		return VMBUS_PKT_BAD;
	*pkt_len = len;
	return VMBUS_PKT_OK;
}

/**
 * vmbus_ring_pkt_total() - ring bytes a packet takes, trailer included
 * @desc_len: bytes of the descriptor and any header that follows it
 * @data_len: payload bytes
 *
 * Return: the packet's size in the ring, or 0 if it cannot be expressed
 * (len8 is 16 bits: at most 512 KiB - 8 bytes before the trailer).
 */
static inline u32 vmbus_ring_pkt_total(u32 desc_len, u32 data_len)
{
	u64 len = ((u64)desc_len + data_len + 7) & ~7ULL;

	if (len > 0xffffULL << 3)
		return 0;
	return (u32)len + VMBUS_PKT_TRAILER_SIZE;
}

#endif /* _HV_VMBUS_RING_H */
