// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data plane of an hvsock channel (hostsim_hvsock.h): the pipe packets
 * of one connection, read from the guest-to-host ring and answered.
 *
 * A packet from the guest must be in-band, with a payload of a pipe header
 * of type data, a data size of at most the MTU and no more than the
 * payload holds, padded to 8 bytes and no further; no data may follow the
 * guest's EOF. A packet that breaks these rules is counted and left in the
 * ring, and the host rescinds the channel: it reads no more of it.
 *
 * The echo service answers every data packet with one of the same data,
 * and the guest's EOF with its own; a packet waits in the ring until its
 * answer fits the host-to-guest ring (whose room the guest signals), so a
 * guest that does not read backs up its own sends. A host client sends its
 * bytes and its EOF first, then keeps what the guest sends (the first
 * HVSIM_HVSOCK_CAPTURE bytes) until the guest's EOF. When both EOFs went
 * the host rescinds the channel.
 *
 * Everything here runs in the channel's work item, with its lock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "hostsim.h"

static_assert(sizeof(struct hvsim_pipe_hdr) == 8);

/* Descriptor and pipe header: where a packet's data starts. */
#define HVSIM_PIPE_HEADER_LEN	(sizeof(struct vmpacket_descriptor) + \
				 sizeof(struct hvsim_pipe_hdr))

/* Why the host ended a connection (one word, as listings show it). */
#define HVSIM_HVSOCK_END_BAD_PKT	"bad-packet"
#define HVSIM_HVSOCK_END_BROKEN		"ring-broken"
#define HVSIM_HVSOCK_END_DONE		"both-eof"

/* End the connection: the host rescinds the channel and reads no more. */
static void hvsim_hvsock_end(struct hvsim_chan *c, struct hvsim_hvsock_conn *conn,
			     const char *why)
{
	if (!conn->end)
		conn->end = why;
	if (conn->state == HVSIM_HVSOCK_OPEN)
		conn->state = HVSIM_HVSOCK_CLOSING;
	hvsim_chan_request_rescind(c, why);
}

static void hvsim_hvsock_bad_pkt(struct hvsim_chan *c, struct hvsim_hvsock_conn *conn,
				 const char *why)
{
	conn->bad_pkts++;
	c->stats.bad_pkts++;
	hvsim.hvsock_stats.bad_pkts++;
	pr_warn_ratelimited("hvsock connection %u (relid %u): bad packet from the guest (%s): rescinding\n",
			    conn->id, c->relid, why);
	hvsim_hvsock_end(c, conn, HVSIM_HVSOCK_END_BAD_PKT);
}

/*
 * Send one pipe packet of @len bytes (0: the EOF) to the guest.
 * Return: as hvsim_chan_out_begin().
 */
static int hvsim_hvsock_send(struct hvsim_chan *c, struct hvsim_hvsock_conn *conn,
			     const void *data, u32 len)
{
	struct vmpacket_descriptor desc = {};
	struct hvsim_pipe_hdr hdr;
	u32 plen = HVSIM_PIPE_HEADER_LEN + ALIGN(len, 8);
	int ret;

	ret = hvsim_chan_out_begin(c, plen);
	if (ret)
		return ret;
	desc.type = VM_PKT_DATA_INBAND;
	desc.offset8 = sizeof(desc) / 8;
	desc.len8 = plen / 8;
	hdr.type = HVSIM_PIPE_DATA;
	hdr.size = len;
	hvsim_ring_write(&c->out, &desc, sizeof(desc));
	hvsim_ring_write(&c->out, &hdr, sizeof(hdr));
	hvsim_ring_write(&c->out, data, len);
	hvsim_ring_write_zeros(&c->out, ALIGN(len, 8) - len);
	hvsim_chan_out_end(c, plen);
	conn->pkts_out++;
	conn->bytes_out += len;
	if (!len)
		conn->fin_out = true;
	return 0;
}

/* A host client's bytes, then its EOF. Return: 0 once all went, or why not. */
static int hvsim_hvsock_client_send(struct hvsim_chan *c, struct hvsim_hvsock_conn *conn)
{
	int ret;

	if (conn->tx_sent < conn->tx_len) {
		ret = hvsim_hvsock_send(c, conn, conn->tx + conn->tx_sent,
					conn->tx_len - conn->tx_sent);
		if (ret)
			return ret;
		conn->tx_sent = conn->tx_len;
	}
	if (!conn->fin_out)
		return hvsim_hvsock_send(c, conn, NULL, 0);
	return 0;
}

/*
 * Check a packet of @len bytes (@desc as hvsim_ring_peek() gave it) and
 * copy its data to c->pkt. Sets @size to the data size; NULL, or why the
 * packet breaks the protocol.
 */
static const char *hvsim_hvsock_check(struct hvsim_chan *c, const struct hvsim_hvsock_conn *conn,
				      const struct vmpacket_descriptor *desc, u32 len,
				      u32 *size)
{
	u32 off = desc->offset8 * 8, payload = len - off;
	struct hvsim_pipe_hdr hdr;

	if (desc->type != VM_PKT_DATA_INBAND)
		return "not an in-band packet";
	if (payload < sizeof(hdr))
		return "no room for a pipe header";
	hvsim_ring_copy_pkt(&c->in, &hdr, off, sizeof(hdr));
	if (hdr.type != HVSIM_PIPE_DATA)
		return "a pipe packet type other than data";
	if (hdr.size > payload - sizeof(hdr))
		return "a data size beyond the packet";
	if (payload - sizeof(hdr) - hdr.size >= 8)
		return "more padding than 8-byte alignment needs";
	if (hdr.size > HVSIM_HVSOCK_MTU)
		return "more data than the 16 KiB MTU";
	if (conn->fin_in)
		return hdr.size ? "data after the guest's EOF" : "a second EOF";
	hvsim_ring_copy_pkt(&c->in, c->pkt, off + sizeof(hdr), hdr.size);
	*size = hdr.size;
	return NULL;
}

/*
 * Act on one checked packet of @size data bytes in c->pkt.
 * Return: 0 when it was consumed, -ENOSPC when it waits for room in the
 * host-to-guest ring, -EIO when the channel broke.
 */
static int hvsim_hvsock_one(struct hvsim_chan *c, struct hvsim_hvsock_conn *conn, u32 size)
{
	u32 n;
	int ret;

	if (conn->kind == HVSIM_HVSOCK_ECHO) {
		ret = hvsim_hvsock_send(c, conn, c->pkt, size);
		if (ret == -EMSGSIZE) {
			hvsim_hvsock_bad_pkt(c, conn, "its echo would never fit the guest's ring");
			return -EIO;
		}
		if (ret)
			return ret;
	} else {
		n = min_t(u32, size, HVSIM_HVSOCK_CAPTURE - conn->rx_len);
		memcpy(conn->rx + conn->rx_len, c->pkt, n);
		conn->rx_len += n;
	}
	conn->pkts_in++;
	conn->bytes_in += size;
	if (!size)
		conn->fin_in = true;
	return 0;
}

/**
 * hvsim_hvsock_run() - serve an open hvsock channel
 * @c: the channel, its lock held
 *
 * Handles at most HVSIM_CHAN_BATCH packets before the work item is queued
 * again.
 */
void hvsim_hvsock_run(struct hvsim_chan *c)
{
	struct hvsim_hvsock_conn *conn = c->hvsock;
	unsigned int budget = HVSIM_CHAN_BATCH;
	struct vmpacket_descriptor desc;
	const char *why;
	u32 size = 0;
	int len, ret;

	lockdep_assert_held(&c->lock);
	if (!conn || conn->state != HVSIM_HVSOCK_OPEN)
		return;
	if (conn->kind == HVSIM_HVSOCK_CLIENT) {
		ret = hvsim_hvsock_client_send(c, conn);
		if (ret == -EIO || ret == -EMSGSIZE) {
			hvsim_hvsock_end(c, conn, HVSIM_HVSOCK_END_BROKEN);
			return;
		}
	}
	for (;;) {
		len = hvsim_ring_peek(&c->in, &desc, &why);
		if (len == -ENODATA) {
			/* publish, then look again: the guest may have written meanwhile */
			if (hvsim_chan_publish_in(c))
				continue;
			break;
		}
		if (len < 0) {
			hvsim_chan_break(c, why);
			hvsim_hvsock_end(c, conn, HVSIM_HVSOCK_END_BROKEN);
			return;
		}
		if (!budget--) {
			queue_delayed_work(hvsim.chan_wq, &c->work, 0);
			break;
		}
		why = hvsim_hvsock_check(c, conn, &desc, len, &size);
		if (why) {
			hvsim_hvsock_bad_pkt(c, conn, why);
			return;
		}
		ret = hvsim_hvsock_one(c, conn, size);
		if (ret == -EIO) {
			hvsim_hvsock_end(c, conn, HVSIM_HVSOCK_END_BROKEN);
			return;
		}
		if (ret)
			break;
		hvsim_ring_consume(&c->in, len);
		c->stats.pkts_in++;
		c->stats.bytes_in += len;
	}
	if (!c->broken)
		hvsim_chan_publish_in(c);
	if (conn->fin_in && conn->fin_out)
		hvsim_hvsock_end(c, conn, HVSIM_HVSOCK_END_DONE);
}
