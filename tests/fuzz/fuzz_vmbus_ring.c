// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the ring index arithmetic (include/hv/vmbus_ring.h)
 * as the guest uses it on indices read from shared memory: whatever the host
 * wrote, once vmbus_ring_index_valid() accepted the indices, no copy through
 * the helpers may leave the ring's data area (ASan checks an exact-size
 * allocation) and the space accounting must add up; and a packet descriptor
 * the guest accepts lies, trailer included, within the readable bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/vmbus_ring.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len);

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	u32 size, read, write, n, avail, next;
	u8 *ring, *buf;

	if (len < 16)
		return 0;
	memcpy(&size, data, 4);
	memcpy(&read, data + 4, 4);
	memcpy(&write, data + 8, 4);
	memcpy(&n, data + 12, 4);
	size = ((size % 4096) + 1) * 8;		/* 8 bytes to 32 KiB, aligned */
	if (!vmbus_ring_index_valid(read, size) || !vmbus_ring_index_valid(write, size))
		return 0;

	avail = vmbus_ring_bytes_to_read(read, write, size);
	if (avail >= size || avail + vmbus_ring_bytes_to_write(read, write, size) != size)
		abort();
	/* a reader copies at most what is available */
	n = avail ? n % (avail + 1) : 0;
	ring = malloc(size);
	buf = malloc(n ? n : 1);
	if (!ring || !buf)
		abort();
	memset(ring, 0xa5, size);
	next = vmbus_ring_copy_out(buf, ring, read, n, size);
	if (next >= size || vmbus_ring_bytes_to_read(next, write, size) != avail - n)
		abort();
	/*
	 * the packet at the read index, as the guest parses it: whatever its
	 * descriptor says, an accepted packet and its trailer lie within the
	 * readable bytes, and its payload within the packet
	 */
	if (avail >= VMBUS_PKT_DESC_SIZE) {
		u16 desc[4];
		u32 pkt_len = 0;

		memcpy(ring + read, data + 16, len - 16 < size - read ? len - 16 : size - read);
		vmbus_ring_copy_out(desc, ring, read, sizeof(desc), size);
		switch (vmbus_ring_pkt_check(desc[2], desc[1], avail, &pkt_len)) {
		case VMBUS_PKT_OK:
			if (pkt_len + VMBUS_PKT_TRAILER_SIZE > avail || pkt_len < VMBUS_PKT_DESC_SIZE ||
			    ((u32)desc[1] << 3) > pkt_len || ((u32)desc[1] << 3) < VMBUS_PKT_DESC_SIZE)
				abort();
			break;
		case VMBUS_PKT_NONE:
			if (avail >= VMBUS_PKT_DESC_SIZE + VMBUS_PKT_TRAILER_SIZE)
				abort();
			break;
		case VMBUS_PKT_BAD:
			break;
		}
	}
	/* a writer copies only what fits without filling the ring */
	if (vmbus_ring_can_write(read, write, size, n)) {
		next = vmbus_ring_copy_in(ring, write, buf, n, size);
		if (next >= size)
			abort();
	}
	free(buf);
	free(ring);
	return 0;
}
