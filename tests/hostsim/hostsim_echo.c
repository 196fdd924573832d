// SPDX-License-Identifier: GPL-2.0-only
/*
 * The echo device (class "echo"): the host side of a loopback, for ring
 * buffer tests and throughput.
 *
 * Every packet the guest sends comes back on the host-to-guest ring with
 * the same type, flags, transaction id and payload (the bytes from offset8
 * on; the answer's own descriptor is the 16-byte one, offset8 2). A
 * GPA-direct packet (VM_PKT_DATA_USING_GPA_DIRECT: descriptor, u32
 * reserved, u32 range count, then ranges of {u32 len, u32 offset, u64
 * pfn[]} before offset8) is answered instead by an in-band packet with the
 * same transaction id and flags 0 whose payload is the guest memory the
 * ranges describe, at most HVSIM_ECHO_GPA_MAX bytes in all.
 *
 * Packets are read into a private copy once; a packet that is well framed
 * but makes no sense (bad ranges, an answer that could never fit the
 * host-to-guest ring) is consumed without an answer, logged and counted
 * (bad_pkts). A packet whose answer does not fit now stays in the ring
 * until the guest makes room: the guest-to-host ring backs up in turn.
 *
 * Fault injection (hostsim_fault.c) acts here: a delay before each packet
 * (the work item comes back later, it does not sleep), dropped packets,
 * answers with an invalid len8, and a rescind after some answers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "hostsim.h"

static_assert(sizeof(struct vmpacket_descriptor) == 16);

/* Guest pages of RAM are read through the direct map. */
static_assert(!IS_ENABLED(CONFIG_HIGHMEM));

/* What follows the descriptor of a GPA-direct packet: reserved, range count. */
#define HVSIM_GPA_HEADER	8
#define HVSIM_GPA_RANGE		8

/*
 * Check the ranges of a GPA-direct packet: @hdr is the private copy of the
 * bytes between descriptor and offset8, @len their number. Sets @total to
 * the bytes the ranges describe.
 */
static const char *hvsim_echo_gpa_check(const u8 *hdr, u32 len, u32 *total)
{
	u32 count, i, j, rlen, roff, npfns, pos = HVSIM_GPA_HEADER;
	u64 pfn;

	*total = 0;
	if (len < HVSIM_GPA_HEADER)
		return "no range count";
	count = hvsim_get_u32(hdr + 4);
	if (!count)
		return "no ranges";
	for (i = 0; i < count; i++) {
		if (len - pos < HVSIM_GPA_RANGE)
			return "more ranges than the descriptor holds";
		rlen = hvsim_get_u32(hdr + pos);
		roff = hvsim_get_u32(hdr + pos + 4);
		pos += HVSIM_GPA_RANGE;
		if (!rlen || roff >= PAGE_SIZE)
			return "a range with no bytes or an offset beyond its first page";
		if (rlen > HVSIM_ECHO_GPA_MAX - *total)
			return "ranges of more bytes than the echo device returns";
		npfns = DIV_ROUND_UP(roff + rlen, PAGE_SIZE);
		if ((len - pos) / sizeof(u64) < npfns)
			return "more PFNs than the descriptor holds";
		for (j = 0; j < npfns; j++, pos += sizeof(u64)) {
			pfn = hvsim_get_u64(hdr + pos);
			if (!hvsim_guest_pfn_ok(pfn))
				return "a PFN that is no page of the guest";
		}
		*total += rlen;
	}
	return NULL;
}

/* Copy the guest memory the (checked) ranges describe into the answer. */
static void hvsim_echo_gpa_copy(struct hvsim_chan *c, const u8 *hdr)
{
	u32 count = hvsim_get_u32(hdr + 4), i, rlen, roff, n;
	u32 pos = HVSIM_GPA_HEADER;
	const u8 *va;

	for (i = 0; i < count; i++) {
		rlen = hvsim_get_u32(hdr + pos);
		roff = hvsim_get_u32(hdr + pos + 4);
		pos += HVSIM_GPA_RANGE;
		while (rlen) {
			va = page_address(pfn_to_page((unsigned long)hvsim_get_u64(hdr + pos)));
			pos += sizeof(u64);
			n = min_t(u32, rlen, PAGE_SIZE - roff);
			hvsim_ring_write(&c->out, va + roff, n);
			rlen -= n;
			roff = 0;
		}
	}
}

/* A len8 no ring can hold: longer than the ring, or else shorter than a descriptor. */
static u16 hvsim_echo_bad_len8(const struct hvsim_chan *c)
{
	return c->out.size / 8 < U16_MAX ? U16_MAX : 1;
}

/* The delay fault: true if the packet must wait (the work is queued). */
static bool hvsim_echo_delay(struct hvsim_chan *c)
{
	unsigned long now = jiffies;

	if (!c->fault.delay_ms)
		return false;
	if (!c->delay_armed) {
		c->delay_armed = true;
		c->delay_until = now + msecs_to_jiffies(c->fault.delay_ms);
	}
	if (!time_before(now, c->delay_until))
		return false;
	queue_delayed_work(hvsim.chan_wq, &c->work, c->delay_until - now);
	return true;
}

static void hvsim_echo_bad_pkt(struct hvsim_chan *c, const struct vmpacket_descriptor *desc,
			       const char *why)
{
	c->stats.bad_pkts++;
	pr_warn_ratelimited("relid %u: packet type %u, transaction %#llx dropped: %s\n",
			    c->relid, desc->type, (u64)desc->trans_id, why);
}

/*
 * Answer one packet of @len bytes whose descriptor hvsim_ring_peek() gave.
 * Return: 0 when it was consumed, -ENOSPC when it waits for room, -EIO when
 * the channel broke.
 */
static int hvsim_echo_one(struct hvsim_chan *c, const struct vmpacket_descriptor *desc,
			  u32 len)
{
	struct vmpacket_descriptor reply;
	u32 off = desc->offset8 * 8, plen, rlen;
	bool gpa = desc->type == VM_PKT_DATA_USING_GPA_DIRECT;
	const char *why = NULL;
	int ret;

	/* the private copy: the descriptor as checked, the rest read once */
	memcpy(c->pkt, desc, sizeof(*desc));
	hvsim_ring_copy_pkt(&c->in, c->pkt + sizeof(*desc), sizeof(*desc),
			    len - sizeof(*desc));
	if (c->fault.drop) {
		c->fault.drop--;
		c->stats.dropped++;
		goto consume;
	}
	memset(&reply, 0, sizeof(reply));
	reply.type = desc->type;
	reply.offset8 = sizeof(reply) / 8;
	reply.flags = desc->flags;
	reply.trans_id = desc->trans_id;
	if (gpa) {
		why = hvsim_echo_gpa_check(c->pkt + sizeof(*desc), off - sizeof(*desc), &plen);
		reply.type = VM_PKT_DATA_INBAND;
		reply.flags = 0;
	} else {
		plen = len - off;
	}
	rlen = sizeof(reply) + ALIGN(plen, 8);
	if (!why) {
		ret = hvsim_chan_out_begin(c, rlen);
		if (ret == -EMSGSIZE)
			why = "its answer would never fit the host-to-guest ring";
		else if (ret)
			return ret;
	}
	if (why) {
		hvsim_echo_bad_pkt(c, desc, why);
		goto consume;
	}
	reply.len8 = rlen / 8;
	if (c->fault.corrupt) {
		c->fault.corrupt--;
		c->stats.corrupted++;
		reply.len8 = hvsim_echo_bad_len8(c);
	}
	hvsim_ring_write(&c->out, &reply, sizeof(reply));
	if (gpa) {
		hvsim_echo_gpa_copy(c, c->pkt + sizeof(*desc));
		hvsim_ring_write_zeros(&c->out, ALIGN(plen, 8) - plen);
	} else {
		hvsim_ring_write(&c->out, c->pkt + off, plen);
	}
	hvsim_chan_out_end(c, rlen);
	if (c->fault.rescind_after && !--c->fault.rescind_after)
		hvsim_fault_request_rescind(c);
consume:
	hvsim_ring_consume(&c->in, len);
	c->stats.pkts_in++;
	c->stats.bytes_in += len;
	if (c->delay_armed) {
		c->delay_armed = false;
		c->stats.delayed++;
	}
	return 0;
}

/**
 * hvsim_echo_run() - serve an open echo channel
 * @c: the channel, its lock held
 *
 * Answers what the guest-to-host ring holds, at most HVSIM_CHAN_BATCH
 * packets before the work item is queued again.
 */
void hvsim_echo_run(struct hvsim_chan *c)
{
	struct vmpacket_descriptor desc;
	unsigned int budget = HVSIM_CHAN_BATCH;
	const char *why;
	int len;

	lockdep_assert_held(&c->lock);
	for (;;) {
		len = hvsim_ring_peek(&c->in, &desc, &why);
		if (len == -ENODATA) {
			/* publish, then look again: the guest may have written meanwhile */
			if (hvsim_chan_publish_in(c))
				continue;
			return;
		}
		if (len < 0) {
			hvsim_chan_break(c, why);
			return;
		}
		if (!budget--) {
			queue_delayed_work(hvsim.chan_wq, &c->work, 0);
			break;
		}
		if (hvsim_echo_delay(c))
			break;
		if (hvsim_echo_one(c, &desc, len))
			break;
		if (c->rescind_requested)
			break;
	}
	if (!c->broken)
		hvsim_chan_publish_in(c);
}
