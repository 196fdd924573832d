// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_echo_test: the tests. A test runs in the context of the debugfs writer
 * that asked for it: it queues one sender per channel on echo_wq and waits
 * for all of them. Each sender keeps up to "inflight" packets outstanding on
 * its channel; the channel callback reads the echoes and checks each one
 * against what was sent: transaction id (a tag of the test and the
 * packet's sequence number, so echoes must come back in order per channel),
 * type, flags, length and every byte, padding included. The first failure
 * stops the whole test, and its reason is kept for the result file.
 *
 * Nothing waits without a limit: every wait gives up after timeout_ms, and
 * a rescind or remove() ends the test at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "echo.h"

/* Most buffers an "mpb" test keeps in flight per channel. */
#define ECHO_MPB_MAX_INFLIGHT	64

struct echo_test;

/**
 * struct echo_run - one test's traffic on one channel
 * @test:	the test
 * @ech:	the channel
 * @idx:	its position in the test (varies the payload per channel)
 * @work:	the sender, on echo_wq
 * @limit:	packets to send (U64_MAX: until the test's deadline)
 * @sent:	packets the ring took; written by the sender only
 * @received:	echoes verified, i.e. the sequence number of the next one;
 *		written under the channel's rx_lock
 * @bytes:	payload bytes of the verified echoes (under rx_lock)
 * @failed:	this run recorded an error: later echoes are not checked
 * @txbuf:	payload of in-band packets
 * @mpb_bufs:	GPA-direct packets: one buffer per packet in flight
 * @mpb_desc:	their page-range descriptor
 * @start:	the channel's counters when the run began
 */
struct echo_run {
	struct echo_test *test;
	struct echo_chan *ech;
	unsigned int idx;
	struct work_struct work;
	u64 limit;
	u64 sent;
	u64 received;
	u64 bytes;
	bool failed;
	u8 *txbuf;
	u8 **mpb_bufs;
	struct vmbus_packet_mpb_array *mpb_desc;
	struct {
		s64 ring_full;
		s64 host_waits;
		s64 tx_wraps;
		s64 rx_wraps;
		s64 stale;
	} start;
};

/**
 * struct echo_test - one test over one or more channels
 * @edev:	the device
 * @p:		what was asked for
 * @tag:	tag of this test's transaction ids
 * @pat:	payload pattern (see echo_fill())
 * @deadline_ns: benchmark by time: senders stop at this ktime
 * @abort:	stop everything: a run failed, the writer was interrupted
 * @lock:	protects @err and @reason
 * @err:	the first error, 0 if none
 * @reason:	its explanation
 * @running:	senders not finished yet
 * @done:	completed by the last sender
 * @nruns:	how many runs
 * @runs:	one per channel
 */
struct echo_test {
	struct echo_dev *edev;
	struct echo_params p;
	u16 tag;
	u8 *pat;
	u64 deadline_ns;
	bool abort;
	spinlock_t lock; /* protects err, reason */
	int err;
	char reason[ECHO_REASON_MAX];
	atomic_t running;
	struct completion done;
	unsigned int nruns;
	struct echo_run runs[];
};

/* A packet as read from the ring, whichever way it was read. */
struct echo_pkt {
	bool has_desc;
	u16 type;
	u16 flags;
	u64 trans_id;
	const u8 *data;
	u32 len;
};

static const char * const echo_rx_names[] = {
	[ECHO_RX_ITER] = "iterator",
	[ECHO_RX_RECVPACKET] = "recvpacket",
	[ECHO_RX_RAW] = "recvpacket_raw",
};

static u64 echo_tid(u16 tag, u64 seq)
{
	return ECHO_TID_MAGIC << ECHO_TID_MAGIC_SHIFT | (u64)tag << ECHO_TID_TAG_SHIFT |
	       (seq & ECHO_TID_SEQ_MASK);
}

static bool echo_tid_ours(u64 tid)
{
	return tid >> ECHO_TID_MAGIC_SHIFT == ECHO_TID_MAGIC;
}

static u16 echo_tid_tag(u64 tid)
{
	return (tid >> ECHO_TID_TAG_SHIFT) & ECHO_TID_TAG_MASK;
}

/* Every fourth packet asks for a completion: the echo must keep the flag. */
static u16 echo_flags(u64 seq)
{
	return (seq & 3) == 1 ? VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED : 0;
}

static u32 echo_mod(u64 x, u32 d)
{
	u32 rem;

	div_u64_rem(x, d, &rem);
	return rem;
}

/*
 * The payload of packet @seq of run @idx: the pattern read from an offset
 * that moves with each packet and channel, and, when it fits, the packet's
 * transaction id in its first 8 bytes (so a misplaced payload says whose it
 * is).
 */
static const u8 *echo_pat(const struct echo_test *t, unsigned int idx, u64 seq)
{
	return t->pat + echo_mod(seq * 61 + idx * 17, ECHO_PAT_PERIOD);
}

static void echo_fill(const struct echo_test *t, unsigned int idx, u64 seq, u8 *buf)
{
	__le64 hdr = cpu_to_le64(echo_tid(t->tag, seq));

	memcpy(buf, echo_pat(t, idx, seq), t->p.size);
	if (t->p.size >= sizeof(hdr))
		memcpy(buf, &hdr, sizeof(hdr));
}

/* Index of the first byte of @data that differs from packet @seq, or -1. */
static int echo_check_payload(const struct echo_test *t, unsigned int idx, u64 seq,
			      const u8 *data, u8 *want)
{
	__le64 hdr = cpu_to_le64(echo_tid(t->tag, seq));
	const u8 *pat = echo_pat(t, idx, seq);
	u32 i, start = 0;

	if (t->p.size >= sizeof(hdr)) {
		for (i = 0; i < sizeof(hdr); i++) {
			if (data[i] != ((u8 *)&hdr)[i]) {
				*want = ((u8 *)&hdr)[i];
				return i;
			}
		}
		start = sizeof(hdr);
	}
	if (!memcmp(data + start, pat + start, t->p.size - start))
		return -1;
	for (i = start; i < t->p.size; i++) {
		if (data[i] != pat[i]) {
			*want = pat[i];
			return i;
		}
	}
	return -1;
}

/* The GPA-direct payload of packet @seq starts this far into its page. */
static u32 echo_mpb_offset(u64 seq)
{
	return 1 + echo_mod(seq * 331, HV_HYP_PAGE_SIZE - 1);
}

/* Hyper-V page frame number of the page under a vmalloc address. */
static u64 echo_hvpfn(const void *addr)
{
	return ((u64)page_to_pfn(vmalloc_to_page(addr)) << (PAGE_SHIFT - HV_HYP_PAGE_SHIFT)) +
	       (offset_in_page(addr) >> HV_HYP_PAGE_SHIFT);
}

static u32 echo_mpb_desc_size(u32 npfn)
{
	return sizeof(struct vmbus_packet_mpb_array) + npfn * sizeof(u64);
}

/* Ring bytes that packet @seq of the run takes, trailer included. */
static u32 echo_ring_bytes(const struct echo_run *run, u64 seq)
{
	const struct echo_test *t = run->test;
	u32 npfn;

	if (t->p.kind != ECHO_KIND_MPB)
		return ALIGN(sizeof(struct vmpacket_descriptor) + t->p.size, 8) + sizeof(u64);
	npfn = DIV_ROUND_UP(echo_mpb_offset(seq) + t->p.size, HV_HYP_PAGE_SIZE);
	return ALIGN(echo_mpb_desc_size(npfn) + sizeof(__le64), 8) + sizeof(u64);
}

static void echo_wake_test(struct echo_test *t)
{
	unsigned int i;

	for (i = 0; i < t->nruns; i++)
		wake_up(&t->runs[i].ech->wq);
}

/* Record the test's first error; stops all its runs. */
static __printf(3, 4) void echo_test_fail(struct echo_test *t, int err, const char *fmt, ...)
{
	unsigned long flags;
	va_list args;

	spin_lock_irqsave(&t->lock, flags);
	if (!t->err) {
		t->err = err;
		va_start(args, fmt);
		vsnprintf(t->reason, sizeof(t->reason), fmt, args);
		va_end(args);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	WRITE_ONCE(t->abort, true);
	echo_wake_test(t);
}

/* Record an error of one run, naming its channel. */
static __printf(3, 4) void echo_run_fail(struct echo_run *run, int err, const char *fmt, ...)
{
	char why[ECHO_REASON_MAX];
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	WRITE_ONCE(run->failed, true);
	atomic64_inc(&run->ech->stats.errors);
	echo_test_fail(run->test, err, "channel %u (relid %u): %s", run->ech->index,
		       run->ech->relid, why);
}

/* Check one echo against the packet the run expects next (under rx_lock). */
static void echo_verify(struct echo_run *run, const struct echo_pkt *pkt)
{
	const struct echo_test *t = run->test;
	u64 seq = run->received;
	u64 want_tid = echo_tid(t->tag, seq);
	u32 want_len = ALIGN(t->p.size, 8);
	u8 want = 0;
	int bad;
	u32 i;

	if (pkt->trans_id != want_tid) {
		if (echo_tid_ours(pkt->trans_id) && echo_tid_tag(pkt->trans_id) == t->tag)
			echo_run_fail(run, -EIO,
				      "expected the echo of packet %llu, got packet %llu's (lost, duplicated or reordered)",
				      seq, pkt->trans_id & ECHO_TID_SEQ_MASK);
		else
			echo_run_fail(run, -EIO,
				      "packet %llu: transaction id %#llx, expected %#llx (corrupt)",
				      seq, pkt->trans_id, want_tid);
		return;
	}
	if (pkt->has_desc && pkt->type != VM_PKT_DATA_INBAND) {
		echo_run_fail(run, -EIO, "packet %llu: echo of type %u, expected %u (in-band)",
			      seq, pkt->type, VM_PKT_DATA_INBAND);
		return;
	}
	if (pkt->has_desc && t->p.kind != ECHO_KIND_MPB && pkt->flags != echo_flags(seq)) {
		echo_run_fail(run, -EIO, "packet %llu: echo with flags %#x, sent with %#x",
			      seq, pkt->flags, echo_flags(seq));
		return;
	}
	if (pkt->len != want_len) {
		echo_run_fail(run, -EIO,
			      "packet %llu: echo of %u bytes, expected %u (%u padded to 8)",
			      seq, pkt->len, want_len, t->p.size);
		return;
	}
	bad = echo_check_payload(t, run->idx, seq, pkt->data, &want);
	if (bad >= 0) {
		echo_run_fail(run, -EIO,
			      "packet %llu of %u bytes: byte %d is %#04x, sent %#04x (corrupt)",
			      seq, t->p.size, bad, pkt->data[bad], want);
		return;
	}
	for (i = t->p.size; i < want_len; i++) {
		if (pkt->data[i]) {
			echo_run_fail(run, -EIO,
				      "packet %llu of %u bytes: padding byte %u is %#04x, not 0",
				      seq, t->p.size, i, pkt->data[i]);
			return;
		}
	}
	WRITE_ONCE(run->received, seq + 1);
	run->bytes += t->p.size;
}

static void echo_rx_packet(struct echo_chan *ech, const struct echo_pkt *pkt)
{
	struct echo_run *run = ech->run;

	atomic64_inc(&ech->stats.rx_packets);
	atomic64_add(pkt->len, &ech->stats.rx_bytes);
	/* late echoes of a test that failed, or no test at all */
	if (!run || (echo_tid_ours(pkt->trans_id) &&
		     echo_tid_tag(pkt->trans_id) != run->test->tag)) {
		atomic64_inc(&ech->stats.stale);
		return;
	}
	if (READ_ONCE(run->failed) || READ_ONCE(run->test->abort))
		return;
	echo_verify(run, pkt);
}

static void echo_rx_malformed(struct echo_chan *ech, const char *how, u32 a, u32 b)
{
	atomic64_inc(&ech->stats.errors);
	if (ech->run && !ech->run->failed)
		echo_run_fail(ech->run, -EIO, "malformed packet from the host: %s (%u, %u)",
			      how, a, b);
}

static void echo_drain_iter(struct echo_chan *ech)
{
	struct vmpacket_descriptor *desc;

	foreach_vmbus_pkt(desc, ech->channel) {
		struct echo_pkt pkt = {
			.has_desc = true,
			.type = desc->type,
			.flags = desc->flags,
			.trans_id = desc->trans_id,
		};

		if (desc->offset8 < sizeof(*desc) / 8 || desc->offset8 > desc->len8) {
			echo_rx_malformed(ech, "descriptor offset8, len8", desc->offset8,
					  desc->len8);
			continue;
		}
		pkt.data = hv_pkt_data(desc);
		pkt.len = hv_pkt_datalen(desc);
		echo_rx_packet(ech, &pkt);
	}
}

/* Step over a packet that vmbus_recvpacket() could not take. */
static bool echo_skip_packet(struct echo_chan *ech)
{
	struct vmpacket_descriptor *desc = hv_pkt_iter_first(ech->channel);

	if (!desc)
		return false;
	__hv_pkt_iter_next(ech->channel, desc);
	hv_pkt_iter_close(ech->channel);
	return true;
}

static void echo_drain_recv(struct echo_chan *ech, bool raw)
{
	struct vmpacket_descriptor *desc = ech->rxbuf;
	struct echo_pkt pkt;
	u32 len, off;
	u64 rid;
	int ret;

	for (;;) {
		len = 0;
		rid = 0;
		if (raw)
			ret = vmbus_recvpacket_raw(ech->channel, ech->rxbuf, ech->rxbuf_len,
						   &len, &rid);
		else
			ret = vmbus_recvpacket(ech->channel, ech->rxbuf, ech->rxbuf_len,
					       &len, &rid);
		if (ret) {
			echo_rx_malformed(ech, "packet larger than the ring (error, length)",
					  -ret, len);
			if (!echo_skip_packet(ech))
				return;
			continue;
		}
		if (!len)
			return;
		memset(&pkt, 0, sizeof(pkt));
		pkt.trans_id = rid;
		if (!raw) {
			pkt.data = ech->rxbuf;
			pkt.len = len;
			echo_rx_packet(ech, &pkt);
			continue;
		}
		off = desc->offset8 * 8;
		if (len < sizeof(*desc) || off < sizeof(*desc) || off > len ||
		    desc->len8 * 8 != len) {
			echo_rx_malformed(ech, "raw packet length, data offset", len, off);
			continue;
		}
		if (desc->trans_id != rid) {
			echo_rx_malformed(ech,
					  "raw requestid differs from the descriptor's (low 32 bits)",
					  lower_32_bits(rid), lower_32_bits(desc->trans_id));
			continue;
		}
		pkt.has_desc = true;
		pkt.type = desc->type;
		pkt.flags = desc->flags;
		pkt.data = (u8 *)ech->rxbuf + off;
		pkt.len = len - off;
		echo_rx_packet(ech, &pkt);
	}
}

/**
 * echo_drain() - read and check everything the host sent on a channel
 * @ech: the channel, with its rx_lock held
 *
 * Reads the way the channel's test asks for (the packet iterator when no
 * test runs), and counts whether the host was waiting for ring space and
 * whether the read index wrapped.
 */
void echo_drain(struct echo_chan *ech)
{
	struct hv_ring_buffer *ring = ech->channel->inbound.ring_buffer;
	enum echo_rx_mode mode = ech->run ? ech->run->test->p.rx_mode : ECHO_RX_ITER;
	u32 read_index;

	lockdep_assert_held(&ech->rx_lock);
	if (!ring)
		return;
	read_index = READ_ONCE(ring->read_index);
	if (READ_ONCE(ring->pending_send_sz))
		atomic64_inc(&ech->stats.host_waits);
	switch (mode) {
	case ECHO_RX_ITER:
		echo_drain_iter(ech);
		break;
	case ECHO_RX_RECVPACKET:
		echo_drain_recv(ech, false);
		break;
	case ECHO_RX_RAW:
		echo_drain_recv(ech, true);
		break;
	}
	if (READ_ONCE(ring->read_index) < read_index)
		atomic64_inc(&ech->stats.rx_wraps);
}

/* ---- the senders ------------------------------------------------------- */

/* Why a run must stop now, or 0. */
static int echo_stopped(const struct echo_run *run)
{
	if (READ_ONCE(run->test->abort))
		return -ECANCELED;
	if (READ_ONCE(run->ech->edev->dying) || READ_ONCE(run->ech->channel->rescind))
		return -ENODEV;
	return 0;
}

/*
 * Wait until @ready(@run, @arg), for at most timeout_ms. Sleeps in short
 * slices, so that a rescind (after which the channel callback no longer
 * runs to wake us) is noticed promptly.
 */
static int echo_wait(struct echo_run *run, bool (*ready)(struct echo_run *run, u32 arg), u32 arg)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(READ_ONCE(echo_timeout_ms));
	long left;
	int ret;

	for (;;) {
		if (ready(run, arg))
			return 0;
		ret = echo_stopped(run);
		if (ret)
			return ret;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return -ETIMEDOUT;
		wait_event_timeout(run->ech->wq, ready(run, arg) || echo_stopped(run),
				   min_t(long, left, HZ / 10 + 1));
	}
}

/* Report why a wait for @what ended early. */
static void echo_wait_failed(struct echo_run *run, int err, const char *what, u64 n)
{
	u64 inflight = run->sent - READ_ONCE(run->received);

	switch (err) {
	case -ETIMEDOUT:
		echo_run_fail(run, err,
			      "timed out after %u ms waiting for %s %llu (%llu in flight)",
			      READ_ONCE(echo_timeout_ms), what, n, inflight);
		break;
	case -ENODEV:
		echo_run_fail(run, err, "%s while waiting for %s %llu (%llu in flight)",
			      READ_ONCE(run->ech->channel->rescind) ?
			      "the host rescinded the channel" : "the device was removed",
			      what, n, inflight);
		break;
	default:
		/* -ECANCELED: another run failed and said why */
		break;
	}
}

static bool echo_can_send(struct echo_run *run, u32 inflight)
{
	return run->sent - READ_ONCE(run->received) < inflight;
}

static bool echo_all_back(struct echo_run *run, u32 unused)
{
	return READ_ONCE(run->received) >= run->sent;
}

static bool echo_has_space(struct echo_run *run, u32 bytes)
{
	return hv_get_bytes_to_write(&run->ech->channel->outbound) > bytes;
}

static bool echo_has_data(struct echo_run *run, u32 unused)
{
	return hv_get_bytes_to_read(&run->ech->channel->inbound) > 0;
}

static int echo_send_inband(struct echo_run *run, u64 seq)
{
	struct echo_test *t = run->test;

	echo_fill(t, run->idx, seq, run->txbuf);
	return vmbus_sendpacket(run->ech->channel, run->txbuf, t->p.size, echo_tid(t->tag, seq),
				VM_PKT_DATA_INBAND, echo_flags(seq));
}

static int echo_send_mpb(struct echo_run *run, u64 seq)
{
	struct echo_test *t = run->test;
	struct vmbus_packet_mpb_array *desc = run->mpb_desc;
	u8 *buf = run->mpb_bufs[echo_mod(seq, t->p.inflight)];
	u32 off = echo_mpb_offset(seq);
	u32 npfn = DIV_ROUND_UP(off + t->p.size, HV_HYP_PAGE_SIZE);
	__le64 inband = cpu_to_le64(seq);
	u32 i;

	echo_fill(t, run->idx, seq, buf + off);
	desc->range.len = t->p.size;
	desc->range.offset = off;
	for (i = 0; i < npfn; i++)
		desc->range.pfn_array[i] = echo_hvpfn(buf + i * HV_HYP_PAGE_SIZE);
	return vmbus_sendpacket_mpb_desc(run->ech->channel, desc, echo_mpb_desc_size(npfn),
					 &inband, sizeof(inband), echo_tid(t->tag, seq));
}

/* Send packet @seq once; counts it, and a full ring. */
static int echo_send_once(struct echo_run *run, u64 seq)
{
	struct echo_chan *ech = run->ech;
	u32 windex = READ_ONCE(ech->channel->outbound.ring_buffer->write_index);
	int ret;

	if (run->test->p.kind == ECHO_KIND_MPB)
		ret = echo_send_mpb(run, seq);
	else
		ret = echo_send_inband(run, seq);
	if (ret == -EAGAIN) {
		atomic64_inc(&ech->stats.ring_full);
		return ret;
	}
	if (ret) {
		const char *fn = run->test->p.kind == ECHO_KIND_MPB ?
				 "vmbus_sendpacket_mpb_desc" : "vmbus_sendpacket";

		if (READ_ONCE(ech->channel->rescind) || READ_ONCE(ech->edev->dying))
			echo_run_fail(run, ret, "%s sending packet %llu (%s: %d)",
				      READ_ONCE(ech->channel->rescind) ?
				      "the host rescinded the channel" : "the device was removed",
				      seq, fn, ret);
		else
			echo_run_fail(run, ret, "packet %llu: %s failed: %d", seq, fn, ret);
		return ret;
	}
	atomic64_inc(&ech->stats.tx_packets);
	atomic64_add(run->test->p.size, &ech->stats.tx_bytes);
	if (READ_ONCE(ech->channel->outbound.ring_buffer->write_index) < windex)
		atomic64_inc(&ech->stats.tx_wraps);
	WRITE_ONCE(run->sent, seq + 1);
	return 0;
}

/*
 * Send packet @seq; when the ring is full, ask the host to signal once it
 * has read enough (pending_send_sz) and wait for that.
 */
static int echo_send(struct echo_run *run, u64 seq)
{
	struct vmbus_channel *channel = run->ech->channel;
	u32 need = echo_ring_bytes(run, seq);
	int ret;

	for (;;) {
		ret = echo_send_once(run, seq);
		if (ret != -EAGAIN)
			return ret;
		set_channel_pending_send_size(channel, need);
		ret = echo_wait(run, echo_has_space, need);
		set_channel_pending_send_size(channel, 0);
		if (ret) {
			if (ret == -ETIMEDOUT)
				echo_run_fail(run, ret,
					      "timed out after %u ms waiting for %u free bytes in the full guest-to-host ring to send packet %llu (%llu in flight): the host does not read it",
					      READ_ONCE(echo_timeout_ms), need, seq,
					      seq - READ_ONCE(run->received));
			else
				echo_wait_failed(run, ret, "ring space for packet", seq);
			return ret;
		}
	}
}

/* In-band or GPA-direct packets, up to p.inflight outstanding. */
static void echo_stream(struct echo_run *run)
{
	struct echo_test *t = run->test;
	u64 seq;
	int ret;

	for (seq = 0; seq < run->limit; seq++) {
		if (t->deadline_ns && ktime_get_ns() >= t->deadline_ns)
			break;
		ret = echo_wait(run, echo_can_send, t->p.inflight);
		if (ret) {
			echo_wait_failed(run, ret, "the echo of packet", READ_ONCE(run->received));
			return;
		}
		if (echo_send(run, seq))
			return;
		cond_resched();
	}
	ret = echo_wait(run, echo_all_back, 0);
	if (ret)
		echo_wait_failed(run, ret, "the echo of packet", READ_ONCE(run->received));
}

static void echo_hold(struct echo_chan *ech, bool hold)
{
	unsigned long flags;

	spin_lock_irqsave(&ech->rx_lock, flags);
	ech->rx_hold = hold;
	/* read what arrived meanwhile, or what the callback left */
	echo_drain(ech);
	spin_unlock_irqrestore(&ech->rx_lock, flags);
}

/*
 * The flow test: the guest stops reading and sends until the host stops
 * reading its ring - the host then waits for room in the host-to-guest
 * ring, with pending_send_sz set there, and vmbus_sendpacket() says
 * -EAGAIN - and only then reads everything, which must signal the host to
 * go on. Repeats until all packets came back.
 */
static void echo_flow(struct echo_run *run)
{
	struct vmbus_channel *channel = run->ech->channel;
	unsigned long hold = msecs_to_jiffies(run->test->p.hold_ms);
	struct echo_chan *ech = run->ech;
	u64 seq = 0, before;
	bool moved, full;
	u32 need;
	int ret;

	echo_hold(ech, true);
	while (READ_ONCE(run->received) < run->limit) {
		moved = false;
		full = false;
		while (seq < run->limit && !full) {
			ret = echo_send_once(run, seq);
			if (!ret) {
				seq++;
				moved = true;
				cond_resched();
				continue;
			}
			if (ret != -EAGAIN)
				goto out;
			/* full: room comes only while the host still reads */
			need = echo_ring_bytes(run, seq);
			set_channel_pending_send_size(channel, need);
			wait_event_timeout(ech->wq, echo_has_space(run, need) || echo_stopped(run),
					   hold);
			set_channel_pending_send_size(channel, 0);
			full = !echo_has_space(run, need);
		}
		ret = echo_stopped(run);
		if (ret) {
			echo_wait_failed(run, ret, "the echo of packet", READ_ONCE(run->received));
			goto out;
		}
		/* all sent without filling the ring: let the host catch up */
		if (!full)
			wait_event_timeout(ech->wq, echo_stopped(run), hold);
		before = READ_ONCE(run->received);
		echo_hold(ech, true);
		if (READ_ONCE(run->received) != before)
			moved = true;
		if (READ_ONCE(run->test->abort))
			goto out;
		if (!moved) {
			ret = echo_wait(run, echo_has_data, 0);
			if (ret) {
				echo_wait_failed(run, ret, "the echo of packet",
						 READ_ONCE(run->received));
				goto out;
			}
		}
	}
out:
	echo_hold(ech, false);
}

static void echo_run_work(struct work_struct *work)
{
	struct echo_run *run = container_of(work, struct echo_run, work);
	struct echo_test *t = run->test;

	if (t->p.kind == ECHO_KIND_FLOW)
		echo_flow(run);
	else
		echo_stream(run);
	if (atomic_dec_and_test(&t->running))
		complete(&t->done);
}

/* ---- setting up, running and reporting a test -------------------------- */

static void echo_fill_pattern(u8 *pat, u32 len, u32 seed)
{
	u32 x = seed * 2654435761u | 1, i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		pat[i] = x >> 24;
	}
}

static void echo_run_free(struct echo_run *run)
{
	u32 i;

	kvfree(run->txbuf);
	if (run->mpb_bufs) {
		for (i = 0; i < run->test->p.inflight; i++)
			vfree(run->mpb_bufs[i]);
		kfree(run->mpb_bufs);
	}
	kfree(run->mpb_desc);
}

static int echo_run_alloc(struct echo_run *run)
{
	const struct echo_params *p = &run->test->p;
	u32 i, npfn;

	if (p->kind != ECHO_KIND_MPB) {
		run->txbuf = kvmalloc(p->size, GFP_KERNEL);
		return run->txbuf ? 0 : -ENOMEM;
	}
	npfn = DIV_ROUND_UP(HV_HYP_PAGE_SIZE + p->size, HV_HYP_PAGE_SIZE);
	run->mpb_desc = kzalloc(echo_mpb_desc_size(npfn), GFP_KERNEL);
	run->mpb_bufs = kcalloc(p->inflight, sizeof(*run->mpb_bufs), GFP_KERNEL);
	if (!run->mpb_desc || !run->mpb_bufs)
		return -ENOMEM;
	for (i = 0; i < p->inflight; i++) {
		run->mpb_bufs[i] = vmalloc(npfn * HV_HYP_PAGE_SIZE);
		if (!run->mpb_bufs[i])
			return -ENOMEM;
	}
	return 0;
}

static void echo_run_snapshot(struct echo_run *run)
{
	struct echo_stats *s = &run->ech->stats;

	run->start.ring_full = atomic64_read(&s->ring_full);
	run->start.host_waits = atomic64_read(&s->host_waits);
	run->start.tx_wraps = atomic64_read(&s->tx_wraps);
	run->start.rx_wraps = atomic64_read(&s->rx_wraps);
	run->start.stale = atomic64_read(&s->stale);
}

/* Check a command's parameters against the device; 0 or -EINVAL with why. */
static int echo_check_params(struct echo_dev *edev, const struct echo_params *p,
			     unsigned int nchans)
{
	if (!p->size || p->size > edev->max_payload) {
		echo_set_result(edev, -EINVAL,
				"size %u: want 1 to %u, the largest payload a ring of %u data bytes carries",
				p->size, edev->max_payload, edev->ring_data);
		return -EINVAL;
	}
	if (!p->count && !p->duration_ms) {
		echo_set_result(edev, -EINVAL, "no packets to send");
		return -EINVAL;
	}
	if (p->count > ECHO_TID_SEQ_MASK) {
		echo_set_result(edev, -EINVAL, "count %llu: at most %llu", p->count,
				ECHO_TID_SEQ_MASK);
		return -EINVAL;
	}
	if (!p->inflight || p->inflight > 65536 ||
	    (p->kind == ECHO_KIND_MPB && p->inflight > ECHO_MPB_MAX_INFLIGHT)) {
		echo_set_result(edev, -EINVAL, "inflight %u: want 1 to %u", p->inflight,
				p->kind == ECHO_KIND_MPB ? ECHO_MPB_MAX_INFLIGHT : 65536);
		return -EINVAL;
	}
	if (!p->nchans || p->nchans > nchans) {
		echo_set_result(edev, -EINVAL,
				"channels %u: want 1 to %u (the primary and the %u open sub-channels)",
				p->nchans, nchans, nchans - 1);
		return -EINVAL;
	}
	if (p->kind == ECHO_KIND_FLOW && !edev->direct) {
		echo_set_result(edev, -EOPNOTSUPP,
				"the flow test reads the ring from process context: load %s with direct_read=1",
				KBUILD_MODNAME);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* @a * @b / @c, U64_MAX when that does not fit (the division would trap). */
static u64 echo_muldiv(u64 a, u64 b, u64 c)
{
	c = max_t(u64, c, 1);
	if (div64_u64(a, c) >= div64_u64(U64_MAX, b))
		return U64_MAX;
	return mul_u64_u64_div_u64(a, b, c);
}

/* Rate of @n per second over @ns nanoseconds. */
static u64 echo_rate(u64 n, u64 ns)
{
	return echo_muldiv(n, NSEC_PER_SEC, ns);
}

/* Nanoseconds a memcpy of @bytes in @size chunks takes, over @span bytes. */
static u64 echo_memcpy_ns(u64 bytes, u32 size, u32 span)
{
	u8 *src, *dst;
	u64 done, t0, ns;
	u32 off = 0, n = 0;

	src = kvmalloc(span, GFP_KERNEL);
	dst = kvmalloc(span, GFP_KERNEL);
	if (!src || !dst) {
		kvfree(src);
		kvfree(dst);
		return 0;
	}
	memset(src, 0x5a, span);
	memset(dst, 0, span);
	t0 = ktime_get_ns();
	for (done = 0; done < bytes; done += size) {
		if (off + size > span)
			off = 0;
		memcpy(dst + off, src + off, size);
		barrier_data(dst + off);
		off += size;
		if (!(++n & 1023))
			cond_resched();
	}
	ns = ktime_get_ns() - t0;
	kvfree(src);
	kvfree(dst);
	return ns;
}

static void echo_report(struct echo_test *t, u64 ns)
{
	struct echo_dev *edev = t->edev;
	const struct echo_params *p = &t->p;
	s64 ring_full = 0, host_waits = 0, tx_wraps = 0, rx_wraps = 0, stale = 0;
	u64 packets = 0, bytes = 0;
	char *buf;
	int n = 0;
	unsigned int i;

	for (i = 0; i < t->nruns; i++) {
		struct echo_run *run = &t->runs[i];
		struct echo_stats *s = &run->ech->stats;

		packets += run->received;
		bytes += run->bytes;
		ring_full += atomic64_read(&s->ring_full) - run->start.ring_full;
		host_waits += atomic64_read(&s->host_waits) - run->start.host_waits;
		tx_wraps += atomic64_read(&s->tx_wraps) - run->start.tx_wraps;
		rx_wraps += atomic64_read(&s->rx_wraps) - run->start.rx_wraps;
		stale += atomic64_read(&s->stale) - run->start.stale;
	}
	if (!t->err && p->kind == ECHO_KIND_FLOW && (!ring_full || !host_waits))
		echo_test_fail(t, -EIO,
			       "flow control not exercised: the guest's ring was full %lld times and the host found waiting for space %lld times (both must happen: send more or larger packets)",
			       ring_full, host_waits);

	buf = kmalloc(ECHO_RESULT_MAX, GFP_KERNEL);
	if (!buf) {
		echo_set_result(edev, t->err ?: -ENOMEM, "%s",
				t->err ? t->reason : "out of memory");
		return;
	}
	if (p->kind == ECHO_KIND_FLOW)
		n += scnprintf(buf + n, ECHO_RESULT_MAX - n,
			       "test %s count=%llu size=%u hold_ms=%u\n",
			       p->name, p->count, p->size, p->hold_ms);
	else
		n += scnprintf(buf + n, ECHO_RESULT_MAX - n,
			       "test %s count=%llu duration_ms=%u size=%u inflight=%u channels=%u rx=%s\n",
			       p->name, p->count, p->duration_ms, p->size, p->inflight,
			       t->nruns, echo_rx_names[p->rx_mode]);
	if (t->err)
		n += scnprintf(buf + n, ECHO_RESULT_MAX - n, "status error %d\nerror %s\n",
			       t->err, t->reason);
	else
		n += scnprintf(buf + n, ECHO_RESULT_MAX - n, "status ok\n");
	n += scnprintf(buf + n, ECHO_RESULT_MAX - n,
		       "packets %llu\nbytes %llu\ntime_us %llu\nring_full %lld\nhost_waits %lld\ntx_wraps %lld\nrx_wraps %lld\nstale %lld\n",
		       packets, bytes, div_u64(ns, NSEC_PER_USEC), ring_full, host_waits,
		       tx_wraps, rx_wraps, stale);
	if (p->bench && !t->err) {
		u64 bps = echo_rate(bytes, ns), mns, mbps;

		mns = echo_memcpy_ns(bytes, p->size, max(edev->ring_data, p->size));
		mbps = echo_rate(bytes, mns);
		n += scnprintf(buf + n, ECHO_RESULT_MAX - n,
			       "packets_per_s %llu\nbytes_per_s %llu\nmemcpy_bytes_per_s %llu\n",
			       echo_rate(packets, ns), bps, mbps);
		if (mbps) {
			u64 ppm = echo_muldiv(bps, 1000000, mbps);
			u32 frac;
			u64 whole = div_u64_rem(ppm, 1000000, &frac);

			n += scnprintf(buf + n, ECHO_RESULT_MAX - n, "ratio %llu.%06u\n",
				       whole, frac);
		}
	}
	mutex_lock(&edev->result_lock);
	strscpy(edev->result, buf, sizeof(edev->result));
	mutex_unlock(&edev->result_lock);
	kfree(buf);
}

/**
 * echo_test_run() - run one test and keep its result
 * @edev: the device
 * @p: the test
 *
 * Runs in the caller's context until the test ends: all echoes verified, an
 * error, a timeout, the device going away, or a signal.
 *
 * Return: 0 if the test passed, else a negative errno: -EINVAL for bad
 * parameters, -ETIMEDOUT when the host did not answer in time, -EIO for a
 * wrong echo, -ENODEV when the channel was rescinded or the device removed,
 * -EINTR when interrupted. The result file says more.
 */
int echo_test_run(struct echo_dev *edev, const struct echo_params *p)
{
	struct echo_chan *chans[ECHO_MAX_CHANNELS], *ech;
	unsigned int nchans = 0, avail, i;
	struct echo_test *t;
	unsigned long flags;
	u64 start, ns;
	int ret;

	if (mutex_lock_interruptible(&edev->test_lock))
		return -EINTR;
	if (READ_ONCE(edev->dying)) {
		ret = -ENODEV;
		echo_set_result(edev, ret, "the device is going away");
		goto out_unlock;
	}
	mutex_lock(&edev->chans_lock);
	list_for_each_entry(ech, &edev->chans, node)
		if (nchans < p->nchans && nchans < ECHO_MAX_CHANNELS)
			chans[nchans++] = ech;
	avail = edev->nchans;
	mutex_unlock(&edev->chans_lock);
	ret = echo_check_params(edev, p, avail);
	if (ret)
		goto out_unlock;

	t = kzalloc(struct_size(t, runs, nchans), GFP_KERNEL);
	if (!t) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	t->edev = edev;
	t->p = *p;
	t->nruns = nchans;
	spin_lock_init(&t->lock);
	init_completion(&t->done);
	if (!++edev->next_tag)
		++edev->next_tag;
	t->tag = edev->next_tag;
	t->pat = kvmalloc(edev->max_payload + ECHO_PAT_PERIOD, GFP_KERNEL);
	if (!t->pat) {
		ret = -ENOMEM;
		goto out_free;
	}
	echo_fill_pattern(t->pat, edev->max_payload + ECHO_PAT_PERIOD, t->tag);
	for (i = 0; i < nchans; i++) {
		struct echo_run *run = &t->runs[i];

		run->test = t;
		run->ech = chans[i];
		run->idx = i;
		INIT_WORK(&run->work, echo_run_work);
		if (p->duration_ms && !p->count)
			run->limit = U64_MAX;
		else
			run->limit = div_u64(p->count, nchans) + (i < echo_mod(p->count, nchans));
		ret = echo_run_alloc(run);
		if (ret)
			goto out_free;
	}
	atomic64_inc(&edev->tests_run);
	for (i = 0; i < nchans; i++) {
		struct echo_run *run = &t->runs[i];

		echo_run_snapshot(run);
		spin_lock_irqsave(&run->ech->rx_lock, flags);
		run->ech->run = run;
		spin_unlock_irqrestore(&run->ech->rx_lock, flags);
	}

	start = ktime_get_ns();
	if (p->duration_ms && !p->count)
		t->deadline_ns = start + (u64)p->duration_ms * NSEC_PER_MSEC;
	atomic_set(&t->running, nchans);
	for (i = 0; i < nchans; i++)
		queue_work(echo_wq, &t->runs[i].work);
	if (wait_for_completion_interruptible(&t->done)) {
		echo_test_fail(t, -EINTR, "interrupted by a signal");
		wait_for_completion(&t->done);
	}
	ns = ktime_get_ns() - start;

	for (i = 0; i < nchans; i++) {
		struct echo_run *run = &t->runs[i];

		spin_lock_irqsave(&run->ech->rx_lock, flags);
		run->ech->run = NULL;
		spin_unlock_irqrestore(&run->ech->rx_lock, flags);
	}
	echo_report(t, ns);
	ret = t->err;
	if (ret) {
		atomic64_inc(&edev->tests_failed);
		dev_info(&edev->hdev->device, "test %s failed: %s\n", p->name, t->reason);
	}

out_free:
	for (i = 0; i < t->nruns; i++)
		if (t->runs[i].test)
			echo_run_free(&t->runs[i]);
	kvfree(t->pat);
	kfree(t);
	if (ret == -ENOMEM)
		echo_set_result(edev, ret, "out of memory");
out_unlock:
	mutex_unlock(&edev->test_lock);
	return ret;
}

/**
 * echo_oversize_run() - a payload one byte over the largest must be refused
 * @edev: the device
 *
 * Offers vmbus_sendpacket() a payload one byte larger than the largest a ring
 * of this size carries, on the primary channel. The send must fail (the
 * upstream core says -EAGAIN: the ring can never hold it) without writing
 * anything.
 *
 * Return: 0 if refused, -EIO if the core took it, another errno on trouble.
 */
int echo_oversize_run(struct echo_dev *edev)
{
	struct vmbus_channel *channel = edev->hdev->channel;
	u32 size = edev->max_payload + 1;
	u32 windex;
	void *buf;
	int ret;

	if (mutex_lock_interruptible(&edev->test_lock))
		return -EINTR;
	ret = -ENODEV;
	if (READ_ONCE(edev->dying))
		goto out;
	ret = -ENOMEM;
	buf = kvzalloc(size, GFP_KERNEL);
	if (!buf) {
		echo_set_result(edev, ret, "out of memory");
		goto out;
	}
	atomic64_inc(&edev->tests_run);
	windex = READ_ONCE(channel->outbound.ring_buffer->write_index);
	ret = vmbus_sendpacket(channel, buf, size, echo_tid(0, 0), VM_PKT_DATA_INBAND, 0);
	kvfree(buf);
	if (!ret) {
		ret = -EIO;
		atomic64_inc(&edev->tests_failed);
		echo_set_result(edev, ret,
				"vmbus_sendpacket() took a %u-byte payload, more than a ring of %u data bytes carries",
				size, edev->ring_data);
	} else if (READ_ONCE(channel->outbound.ring_buffer->write_index) != windex) {
		atomic64_inc(&edev->tests_failed);
		echo_set_result(edev, -EIO,
				"vmbus_sendpacket() refused a %u-byte payload (%d) but moved the write index",
				size, ret);
		ret = -EIO;
	} else {
		echo_set_result(edev, 0, "refused %u payload bytes with %d; largest %u", size,
				ret, edev->max_payload);
		ret = 0;
	}
out:
	mutex_unlock(&edev->test_lock);
	return ret;
}

/**
 * echo_set_result() - set the result file's text for a test without traffic
 * @edev: the device
 * @err: 0 for "status ok", else the error
 * @fmt: printf format of the reason (or of the outcome, when @err is 0)
 */
void echo_set_result(struct echo_dev *edev, int err, const char *fmt, ...)
{
	size_t size = sizeof(edev->result);
	va_list args;
	int n;

	mutex_lock(&edev->result_lock);
	if (err)
		n = scnprintf(edev->result, size, "status error %d\nerror ", err);
	else
		n = scnprintf(edev->result, size, "status ok\n");
	va_start(args, fmt);
	n += vscnprintf(edev->result + n, size - n, fmt, args);
	va_end(args);
	scnprintf(edev->result + n, size - n, "\n");
	mutex_unlock(&edev->result_lock);
}
