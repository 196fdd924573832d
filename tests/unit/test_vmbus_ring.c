// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of include/hv/vmbus_ring.h against a reference model: a ring is
 * driven through every (read, write) index pair of small sizes and through a
 * long random producer/consumer run, and every answer of the helpers is
 * compared with what a plain byte queue says.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/vmbus_ring.h"
#include "tap.h"

/* Exhaustive: all index pairs for every 8-aligned size up to 256 bytes. */
static void test_index_arithmetic(void)
{
	unsigned int bad = 0, size, r, w, len;

	for (size = 8; size <= 256; size += 8) {
		for (r = 0; r < size; r += 8) {
			for (w = 0; w < size; w += 8) {
				/* the model: walk from r to w one byte at a time */
				u32 used = 0, i = r;

				while (i != w) {
					i = (i + 1) % size;
					used++;
				}
				if (vmbus_ring_bytes_to_read(r, w, size) != used)
					bad++;
				if (vmbus_ring_bytes_to_write(r, w, size) != size - used)
					bad++;
				for (len = 0; len <= size; len += 8) {
					bool fits = used + len < size;

					if (vmbus_ring_can_write(r, w, size, len) != fits)
						bad++;
					if (vmbus_ring_advance(w, len, size) != (w + len) % size)
						bad++;
				}
			}
		}
	}
	tap_ok(bad == 0, "index arithmetic matches the model for all index pairs (%u mismatches)", bad);
}

static void test_index_validation(void)
{
	tap_ok(vmbus_ring_index_valid(0, 4096), "index 0 is valid");
	tap_ok(vmbus_ring_index_valid(4088, 4096), "last aligned index is valid");
	tap_ok(!vmbus_ring_index_valid(4096, 4096), "index == size is rejected");
	tap_ok(!vmbus_ring_index_valid(0xfffffff8u, 4096), "huge index is rejected");
	tap_ok(!vmbus_ring_index_valid(12, 4096), "unaligned index is rejected");
}

static void test_first_chunk(void)
{
	tap_ok(vmbus_ring_first_chunk(0, 64, 64) == 64, "whole ring from 0 is one chunk");
	tap_ok(vmbus_ring_first_chunk(56, 16, 64) == 8, "copy across the end splits at the end");
	tap_ok(vmbus_ring_first_chunk(56, 8, 64) == 8, "copy ending exactly at the end is one chunk");
	tap_ok(vmbus_ring_advance(56, 8, 64) == 0, "advancing to the end wraps to 0");
	tap_ok(vmbus_ring_advance(0, 64, 64) == 0, "advancing by the whole ring returns to the start");
}

/*
 * Random producer/consumer traffic through a ring and a reference FIFO;
 * the bytes read back must be the bytes written, in order, across many
 * wrap-arounds, and the ring must never be filled completely.
 */
static void test_random_traffic(void)
{
	enum { SIZE = 1024, ROUNDS = 200000 };
	static u8 data[SIZE], fifo[SIZE], in[SIZE], out[SIZE];
	u32 r = 0, w = 0, head = 0, count = 0, wraps = 0, bad = 0, full_refusals = 0;
	unsigned int round, i;

	srand(12345);
	for (round = 0; round < ROUNDS; round++) {
		u32 len = (u32)(rand() % (SIZE / 8 + 1)) * 8;

		if (rand() & 1) {
			if (!vmbus_ring_can_write(r, w, SIZE, len)) {
				if (count + len < SIZE)
					bad++;	/* refused although it fits */
				full_refusals++;
				continue;
			}
			for (i = 0; i < len; i++) {
				in[i] = (u8)rand();
				fifo[(head + count + i) % SIZE] = in[i];
			}
			if (w + len >= SIZE && len)
				wraps++;
			w = vmbus_ring_copy_in(data, w, in, len, SIZE);
			count += len;
		} else {
			u32 avail = vmbus_ring_bytes_to_read(r, w, SIZE);

			if (avail != count)
				bad++;
			if (len > avail)
				len = avail;
			r = vmbus_ring_copy_out(out, data, r, len, SIZE);
			for (i = 0; i < len; i++)
				if (out[i] != fifo[(head + i) % SIZE])
					bad++;
			head = (head + len) % SIZE;
			count -= len;
		}
		if (count >= SIZE)
			bad++;	/* the ring was filled completely */
	}
	tap_diag("%u wrap-arounds, %u refused writes", wraps, full_refusals);
	tap_ok(bad == 0 && wraps > 100 && full_refusals > 0,
	       "random traffic: data intact, ring never full (%u errors)", bad);
}

static void test_pkt_check(void)
{
	u32 len = 0;

	tap_ok(vmbus_ring_pkt_check(4, 2, 40, &len) == VMBUS_PKT_OK && len == 32,
	       "a 32-byte packet with its trailer in 40 readable bytes is accepted");
	tap_ok(vmbus_ring_pkt_check(4, 2, 39, &len) == VMBUS_PKT_BAD,
	       "a packet whose trailer is not all readable is rejected");
	tap_ok(vmbus_ring_pkt_check(4, 2, 16, &len) == VMBUS_PKT_NONE,
	       "fewer bytes than a descriptor and trailer: no packet yet");
	tap_ok(vmbus_ring_pkt_check(1, 1, 4096, &len) == VMBUS_PKT_BAD,
	       "a packet shorter than its descriptor is rejected");
	tap_ok(vmbus_ring_pkt_check(4, 1, 4096, &len) == VMBUS_PKT_BAD,
	       "a payload starting inside the descriptor is rejected");
	tap_ok(vmbus_ring_pkt_check(4, 5, 4096, &len) == VMBUS_PKT_BAD,
	       "a payload starting past the packet's end is rejected");
	tap_ok(vmbus_ring_pkt_check(0xffff, 2, 4096, &len) == VMBUS_PKT_BAD,
	       "a length beyond the ring is rejected");
	tap_ok(vmbus_ring_pkt_check(2, 2, 24, &len) == VMBUS_PKT_OK && len == 16,
	       "a descriptor-only packet is accepted");
	tap_ok(vmbus_ring_pkt_total(16, 1) == 32 && vmbus_ring_pkt_total(16, 8) == 32 &&
	       vmbus_ring_pkt_total(16, 9) == 40, "packet sizes round up to 8 and add the trailer");
	tap_ok(vmbus_ring_pkt_total(16, 0x80000) == 0,
	       "a packet len8 cannot express is refused");
}

int main(void)
{
	test_index_validation();
	test_first_chunk();
	test_index_arithmetic();
	test_random_traffic();
	test_pkt_check();
	return tap_done();
}
