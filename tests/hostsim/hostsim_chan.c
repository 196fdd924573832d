// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels, host side: OPENCHANNEL, CLOSECHANNEL and MODIFYCHANNEL, and the
 * life of a channel's data plane (hostsim_chan.h).
 *
 * OPENCHANNEL is answered with OPENCHANNEL_RESULT, same open id, status 0;
 * or a non-zero status and a logged reason when the guest holds no such
 * channel, it is open already, the GPADL is not one of the channel's
 * mapped GPADLs or is in use, or its page offset does not leave both rings
 * a control page and at least one data page, or its target VP is not an
 * online CPU. CLOSECHANNEL has no answer.
 *
 * MODIFYCHANNEL (from protocol 4.1) moves an open channel's interrupts to
 * another VP; from 5.3 it is answered with MODIFYCHANNEL_RESPONSE, status 0
 * or non-zero when the channel is not open or the VP is not an online CPU
 * (the target then stays as it was). Before 5.3 there is no answer, a
 * refusal is only counted and logged. Before 4.1 the message does not
 * exist: it is a protocol error, counted and ignored.
 *
 * An open channel of a class with a host side (struct hvsim_class.run) is
 * served by its work item on the unbound hvsim.chan_wq: the guest's
 * HvSignalEvent (or, for a monitored channel, its pending bit in the client
 * monitor page) queues it, it handles at most HVSIM_CHAN_BATCH packets and
 * queues itself again if more are waiting. The host never busy-waits: with
 * the host-to-guest ring full it sets pending_send_sz and waits for the
 * guest's signal. A broken ring (an invalid index or packet length) stops
 * the host serving the channel until the guest opens it again.
 *
 * Interrupts to the guest go through the guest's on_event, in hard
 * interrupt context on the channel's target VP (hostsim_irq.c); for
 * protocols before 2.4 the relid's bit is also set in the receive half of
 * the guest's interrupt page, where those guests look.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "hostsim.h"

static_assert(sizeof(struct vmbus_channel_open_channel) == 148);
static_assert(sizeof(struct vmbus_channel_open_result) == 20);
static_assert(sizeof(struct vmbus_channel_close_channel) == 12);
static_assert(sizeof(struct vmbus_channel_modifychannel) == 16);
static_assert(sizeof(struct hvsim_modifychannel_response) == 16);

/* Why an OPENCHANNEL or MODIFYCHANNEL naming a VP that is no CPU is refused. */
static const char hvsim_bad_vp[] = "the target VP is not an online CPU";

/* Each ring has a control page and at least one data page. */
#define HVSIM_RING_MIN_PAGES	2

static struct hvsim_chan *hvsim_chan_get(u32 relid)
{
	if (relid < 1 || relid > HVSIM_MAX_DEVICES)
		return NULL;
	return &hvsim.chans[relid - 1];
}

static void hvsim_chan_work(struct work_struct *work)
{
	struct hvsim_chan *c = container_of(to_delayed_work(work), struct hvsim_chan, work);

	mutex_lock(&c->lock);
	if (c->open && !c->broken && !c->rescind_requested && c->run)
		c->run(c);
	mutex_unlock(&c->lock);
}

/**
 * hvsim_chan_kick() - the guest signalled a channel (HvSignalEvent): serve it
 * @relid: the channel
 *
 * May be called in atomic context.
 */
void hvsim_chan_kick(u32 relid)
{
	struct hvsim_chan *c = hvsim_chan_get(relid);

	if (!c) {
		atomic64_inc(&hvsim.signals_invalid);
		return;
	}
	atomic64_inc(&c->sig_in);
	/* a pending delay (fault injection) is kept: it queues the work itself */
	queue_delayed_work(hvsim.chan_wq, &c->work, 0);
}

/**
 * hvsim_chan_kick_monitor() - the guest signalled a channel through the
 *	client monitor page: serve it as for HvSignalEvent
 * @relid: the channel, that of a monitored device
 *
 * May be called in atomic context.
 */
void hvsim_chan_kick_monitor(u32 relid)
{
	struct hvsim_chan *c = hvsim_chan_get(relid);

	if (WARN_ON_ONCE(!c))
		return;
	atomic64_inc(&c->sig_monitor);
	queue_delayed_work(hvsim.chan_wq, &c->work, 0);
}

/**
 * hvsim_chan_signal() - interrupt the guest for a channel
 * @c: the channel, open, its lock held
 */
void hvsim_chan_signal(struct hvsim_chan *c)
{
	lockdep_assert_held(&c->lock);
	if (c->raise_int_page)
		hvsim_int_page_raise(c->relid);
	c->stats.sig_out++;
	hvsim_irq_raise(c);
}

/**
 * hvsim_chan_break() - a ring of the channel is broken: stop serving it
 * @c: the channel, its lock held
 * @why: what was wrong
 *
 * The host touches neither ring again until the guest opens the channel
 * anew.
 */
void hvsim_chan_break(struct hvsim_chan *c, const char *why)
{
	lockdep_assert_held(&c->lock);
	c->broken = true;
	c->stats.broken++;
	pr_warn_ratelimited("relid %u: broken ring (%s): the host stops serving the channel\n",
			    c->relid, why);
}

/**
 * hvsim_chan_publish_in() - show the guest what the host read
 * @c: the channel, its lock held
 *
 * Signals the guest if it waits for room in the guest-to-host ring and
 * now has it.
 *
 * Return: true if there was something new to publish.
 */
bool hvsim_chan_publish_in(struct hvsim_chan *c)
{
	bool moved = c->in.pos != c->in.published;

	lockdep_assert_held(&c->lock);
	if (hvsim_ring_publish_read(&c->in)) {
		c->stats.pending_wakeups++;
		hvsim_chan_signal(c);
	}
	return moved;
}

/**
 * hvsim_chan_out_begin() - make room for a packet to the guest
 * @c: the channel, its lock held
 * @len: the packet's length, a multiple of 8, trailer not included
 *
 * Without room, asks the guest (pending_send_sz) to signal when there is.
 *
 * Return: 0 (write the packet, then hvsim_chan_out_end()), -ENOSPC (wait
 * for the guest's signal), -EMSGSIZE (it would never fit) or -EIO (the ring
 * is broken; the channel is stopped).
 */
int hvsim_chan_out_begin(struct hvsim_chan *c, u32 len)
{
	int ret;

	lockdep_assert_held(&c->lock);
	if (len + sizeof(u64) >= c->out.size)
		return -EMSGSIZE;
	ret = hvsim_ring_write_begin(&c->out, len);
	if (ret == -ENOSPC) {
		c->stats.host_ring_full++;
		if (hvsim_ring_wait_room(&c->out, len))
			ret = hvsim_ring_write_begin(&c->out, len);
	}
	if (ret == -EIO)
		hvsim_chan_break(c, "invalid read index of the host-to-guest ring");
	return ret;
}

/**
 * hvsim_chan_out_end() - publish a packet to the guest, signal if needed
 * @c: the channel, its lock held
 * @len: the packet's length as given to hvsim_chan_out_begin()
 */
void hvsim_chan_out_end(struct hvsim_chan *c, u32 len)
{
	bool masked;

	lockdep_assert_held(&c->lock);
	c->stats.pkts_out++;
	c->stats.bytes_out += len;
	if (hvsim_ring_write_end(&c->out, &masked))
		hvsim_chan_signal(c);
	else
		c->stats.sig_suppressed++;
}

static void hvsim_send_open_result(u32 relid, u32 openid, u32 status)
{
	struct vmbus_channel_open_result msg;

	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT;
	msg.child_relid = relid;
	msg.openid = openid;
	msg.status = status;
	hvsim_send_to_guest(&msg, sizeof(msg));
}

/* Lay the two rings over the GPADL; NULL, or why they do not fit. */
static const char *hvsim_chan_map_rings(struct hvsim_chan *c, const struct hvsim_gpadl *g,
					u32 off)
{
	u8 *va = g->va;

	if (g->byte_offset || g->byte_count != (u64)g->npfns * PAGE_SIZE)
		return "the GPADL is not made of whole pages";
	if (off < HVSIM_RING_MIN_PAGES || off > g->npfns ||
	    g->npfns - off < HVSIM_RING_MIN_PAGES)
		return "the page offset leaves a ring without a data page";
	c->in.ctl = (struct vmbus_ring_control *)va;
	c->in.data = va + VMBUS_RING_CONTROL_SIZE;
	c->in.size = (off - 1) * PAGE_SIZE;
	c->out.ctl = (struct vmbus_ring_control *)(va + off * PAGE_SIZE);
	c->out.data = (u8 *)c->out.ctl + VMBUS_RING_CONTROL_SIZE;
	c->out.size = (g->npfns - off - 1) * PAGE_SIZE;
	/* the guest set the rings up: start where its indices are */
	c->in.pos = READ_ONCE(c->in.ctl->read_index);
	c->in.published = c->in.pos;
	c->out.pos = READ_ONCE(c->out.ctl->write_index);
	c->out.pending = false;
	if (!vmbus_ring_index_valid(c->in.pos, c->in.size) ||
	    !vmbus_ring_index_valid(c->out.pos, c->out.size))
		return "invalid ring indices";
	return NULL;
}

/**
 * hvsim_chan_open() - OPENCHANNEL
 * @data: the message
 * @size: its size
 *
 * Called with hvsim.lock held.
 */
void hvsim_chan_open(const void *data, u32 size)
{
	const struct vmbus_channel_open_channel *req = data;
	const struct hvsim_dev *d;
	struct hvsim_gpadl *g;
	struct hvsim_chan *c;
	const char *why = NULL;
	u8 *pkt = NULL;
	u32 relid;

	lockdep_assert_held(&hvsim.lock);
	if (size < sizeof(*req)) {
		hvsim_reject(CHANNELMSG_OPENCHANNEL, "too short");
		return;
	}
	relid = req->child_relid;
	d = hvsim_dev_get(relid);
	c = hvsim_chan_get(relid);
	g = hvsim_gpadl_find(req->ringbuffer_gpadlhandle);
	if (!d || d->state != HVSIM_DEV_OFFERED)
		why = "the guest holds no such channel";
	else if (c->open)
		why = "the channel is open already";
	else if (!hvsim.guest_ops)
		why = "no guest is attached";
	else if (!g || g->state != HVSIM_GPADL_MAPPED || g->relid != relid)
		why = "no such GPADL of the channel";
	else if (g->users || g->teardown_pending)
		why = "the GPADL is in use or being torn down";
	else if (!hvsim_vp_valid(req->target_vp))
		why = hvsim_bad_vp;
	if (why == hvsim_bad_vp)
		hvsim.stats.bad_target_vps++;
	if (!why) {
		mutex_lock(&c->lock);
		why = hvsim_chan_map_rings(c, g, req->downstream_ringbuffer_pageoffset);
		if (!why) {
			pkt = kvmalloc(c->in.size, GFP_KERNEL);
			if (!pkt)
				why = "out of memory";
		}
		if (why) {
			memset(&c->in, 0, sizeof(c->in));
			memset(&c->out, 0, sizeof(c->out));
		}
		mutex_unlock(&c->lock);
	}
	if (why) {
		hvsim.stats.opens_refused++;
		pr_warn("OPENCHANNEL of relid %u (open id %#x, GPADL %#x, offset %u) refused: %s\n",
			relid, req->openid, req->ringbuffer_gpadlhandle,
			req->downstream_ringbuffer_pageoffset, why);
		hvsim_send_open_result(relid, req->openid, HVSIM_STATUS_FAILED);
		return;
	}
	mutex_lock(&c->lock);
	c->open = true;
	c->broken = false;
	c->rescind_requested = false;
	c->delay_armed = false;
	c->raise_int_page = hvsim.version < HVSIM_VERSION_WIN8;
	c->openid = req->openid;
	WRITE_ONCE(c->target_vp, req->target_vp);
	c->gpadl = g;
	c->pkt = pkt;
	c->run = d->class->run;
	c->ops = hvsim.guest_ops;
	c->ops_ctx = hvsim.guest_ctx;
	hvsim_irq_arm(c, c->ops, c->ops_ctx);
	/* the host, writing this ring, sets pending_send_sz when it is full */
	WRITE_ONCE(c->out.ctl->feature_bits,
		   READ_ONCE(c->out.ctl->feature_bits) | VMBUS_RING_FEAT_PENDING_SEND_SZ);
	c->stats.opens++;
	if (c->hvsock)
		hvsim_hvsock_opened(c);
	mutex_unlock(&c->lock);
	g->users++;
	hvsim.stats.channels_opened++;
	pr_debug("relid %u open: GPADL %#x, rings of %u and %u bytes, target VP %u\n",
		 relid, g->handle, c->in.size, c->out.size, c->target_vp);
	hvsim_send_open_result(relid, req->openid, 0);
	hvsim_monitor_update();
	/* packets the guest wrote before the answer */
	queue_delayed_work(hvsim.chan_wq, &c->work, 0);
}

/*
 * Stop serving a channel and forget its rings; returns the ring GPADL,
 * which the caller gives back with hvsim_gpadl_unuse() (NULL if the
 * channel was not open).
 */
static struct hvsim_gpadl *hvsim_chan_stop(struct hvsim_chan *c)
{
	struct hvsim_gpadl *g;
	u8 *pkt;

	lockdep_assert_held(&hvsim.lock);
	mutex_lock(&c->lock);
	g = c->gpadl;
	pkt = c->pkt;
	c->open = false;
	c->gpadl = NULL;
	c->pkt = NULL;
	c->run = NULL;
	c->ops = NULL;
	c->ops_ctx = NULL;
	c->rescind_requested = false;
	c->delay_armed = false;
	memset(&c->in, 0, sizeof(c->in));
	memset(&c->out, 0, sizeof(c->out));
	mutex_unlock(&c->lock);
	/* a run already going sees the channel closed; none starts after */
	cancel_delayed_work_sync(&c->work);
	/* so nothing signals any more: let an interrupt on its way finish */
	hvsim_irq_disarm(c);
	kvfree(pkt);
	hvsim_monitor_update();
	return g;
}

/**
 * hvsim_chan_close() - CLOSECHANNEL
 * @data: the message
 * @size: its size
 *
 * Called with hvsim.lock held. Of a rescinded channel it is tolerated: the
 * host stopped the channel already.
 */
void hvsim_chan_close(const void *data, u32 size)
{
	const struct vmbus_channel_close_channel *msg = data;
	const struct hvsim_dev *d;
	struct hvsim_gpadl *g;
	struct hvsim_chan *c;

	lockdep_assert_held(&hvsim.lock);
	if (size < sizeof(*msg)) {
		hvsim_reject(CHANNELMSG_CLOSECHANNEL, "too short");
		return;
	}
	d = hvsim_dev_get(msg->child_relid);
	c = hvsim_chan_get(msg->child_relid);
	if (d && d->state == HVSIM_DEV_RESCINDED && !c->open) {
		pr_debug("CLOSECHANNEL of rescinded relid %u: closed already\n", d->relid);
		return;
	}
	if (!d || !c->open) {
		hvsim.stats.msgs_rejected++;
		pr_warn("rejected CLOSECHANNEL of relid %u: not an open channel\n",
			msg->child_relid);
		return;
	}
	g = hvsim_chan_stop(c);
	if (g)
		hvsim_gpadl_unuse(g);
	pr_debug("relid %u closed\n", d->relid);
	if (d->class == &hvsim_class_hvsock)
		hvsim_hvsock_guest_closed(d->relid);
}

/**
 * hvsim_chan_modify() - MODIFYCHANNEL: a new target VP for a channel
 * @data: the message
 * @size: its size
 *
 * Called with hvsim.lock held.
 */
void hvsim_chan_modify(const void *data, u32 size)
{
	const struct vmbus_channel_modifychannel *req = data;
	struct hvsim_modifychannel_response resp;
	const struct hvsim_dev *d;
	struct hvsim_chan *c;
	const char *why = NULL;

	lockdep_assert_held(&hvsim.lock);
	hvsim.stats.modifies_received++;
	if (size < sizeof(*req)) {
		hvsim.stats.modifies_refused++;
		hvsim_reject(CHANNELMSG_MODIFYCHANNEL, "too short");
		return;
	}
	if (hvsim.version < HVSIM_VERSION_WIN10_V4_1) {
		hvsim.stats.modifies_refused++;
		hvsim_reject(CHANNELMSG_MODIFYCHANNEL, "not in this protocol version (from 4.1)");
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.msgtype = HVSIM_MSG_MODIFYCHANNEL_RESPONSE;
	resp.child_relid = req->child_relid;
	d = hvsim_dev_get(req->child_relid);
	c = hvsim_chan_get(req->child_relid);
	if (!d || d->state != HVSIM_DEV_OFFERED || !c->open) {
		why = "not an open channel";
	} else if (!hvsim_vp_valid(req->target_vp)) {
		why = hvsim_bad_vp;
		hvsim.stats.bad_target_vps++;
	}
	if (why) {
		hvsim.stats.msgs_rejected++;
		hvsim.stats.modifies_refused++;
		if (c) {
			mutex_lock(&c->lock);
			c->stats.modifies_refused++;
			mutex_unlock(&c->lock);
		}
		pr_warn("rejected MODIFYCHANNEL of relid %u to VP %u: %s\n",
			req->child_relid, req->target_vp, why);
		resp.status = HVSIM_STATUS_FAILED;
	} else {
		mutex_lock(&c->lock);
		WRITE_ONCE(c->target_vp, req->target_vp);
		c->stats.modifies++;
		mutex_unlock(&c->lock);
		pr_debug("relid %u: target VP %u\n", d->relid, req->target_vp);
	}
	if (hvsim.version >= HVSIM_VERSION_WIN10_V5_3)
		hvsim_send_to_guest(&resp, sizeof(resp));
}

/* Stop @relid's channel, if it has one, and let go of its ring GPADL. */
static bool hvsim_chan_stop_relid(u32 relid)
{
	struct hvsim_chan *c = hvsim_chan_get(relid);
	struct hvsim_gpadl *g;

	if (!c)
		return false;
	g = hvsim_chan_stop(c);
	if (g)
		hvsim_gpadl_unuse(g);
	return true;
}

/**
 * hvsim_chan_rescind() - the host rescinds a channel the guest holds
 * @relid: the channel
 *
 * As Hyper-V does, the host stops touching the rings at once and lets go
 * of the channel's GPADLs itself (the guest sends no CLOSECHANNEL or
 * GPADL_TEARDOWN for a rescinded channel; if it does, they are tolerated).
 * Called with hvsim.lock held.
 */
void hvsim_chan_rescind(u32 relid)
{
	lockdep_assert_held(&hvsim.lock);
	if (hvsim_chan_stop_relid(relid))
		hvsim_gpadl_release_relid(relid);
}

/**
 * hvsim_chan_release() - the guest released a channel it was not asked to
 * @relid: the channel
 *
 * Everything of the channel on this connection goes; its counters and
 * faults stay with the device. Called with hvsim.lock held.
 */
void hvsim_chan_release(u32 relid)
{
	lockdep_assert_held(&hvsim.lock);
	if (hvsim_chan_stop_relid(relid))
		hvsim_gpadl_forget_relid(relid);
}

/**
 * hvsim_chan_forget() - a device left the table: reset its relid's channel
 * @relid: the device's relid
 *
 * Called with hvsim.lock held.
 */
void hvsim_chan_forget(u32 relid)
{
	struct hvsim_chan *c = hvsim_chan_get(relid);

	lockdep_assert_held(&hvsim.lock);
	if (!c)
		return;
	hvsim_chan_release(relid);
	clear_bit(relid, hvsim.rescind_requests);
	mutex_lock(&c->lock);
	memset(&c->fault, 0, sizeof(c->fault));
	memset(&c->stats, 0, sizeof(c->stats));
	hvsim_ic_forget(relid);
	hvsim_irq_reset(c);
	WRITE_ONCE(c->target_vp, 0);
	c->openid = 0;
	atomic64_set(&c->sig_in, 0);
	atomic64_set(&c->sig_monitor, 0);
	mutex_unlock(&c->lock);
}

/**
 * hvsim_chans_disconnect() - the connection ended: stop everything
 *
 * Every channel stops, every GPADL is unmapped and forgotten (pending
 * teardowns are not answered: the guest that asked is gone), the interrupt
 * page and the monitor pages are unmapped and monitor polling stops.
 * Counters and faults stay with the devices. Called with hvsim.lock held.
 */
void hvsim_chans_disconnect(void)
{
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		hvsim_chan_stop(&hvsim.chans[i]);
	hvsim_gpadl_forget_all();
	bitmap_zero(hvsim.rescind_requests, HVSIM_MAX_DEVICES + 1);
	hvsim_int_page_unmap();
	hvsim_monitor_unmap();
}

/**
 * hvsim_chans_open() - how many channels are open
 *
 * Return: the number. Called with hvsim.lock held.
 */
unsigned int hvsim_chans_open(void)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		n += READ_ONCE(hvsim.chans[i].open);
	return n;
}

/**
 * hvsim_rings_broken() - how many times a ring was found broken
 *
 * Return: the sum over the channels' counters. Called with hvsim.lock held.
 */
u64 hvsim_rings_broken(void)
{
	unsigned int i;
	u64 n = 0;

	lockdep_assert_held(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		mutex_lock(&hvsim.chans[i].lock);
		n += hvsim.chans[i].stats.broken;
		mutex_unlock(&hvsim.chans[i].lock);
	}
	return n;
}

/**
 * hvsim_chans_init() - set up the channels' data plane at module load
 *
 * Return: 0 or -ENOMEM.
 */
int hvsim_chans_init(void)
{
	struct hvsim_chan *c;
	unsigned int i;

	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		c = &hvsim.chans[i];
		mutex_init(&c->lock);
		INIT_DELAYED_WORK(&c->work, hvsim_chan_work);
		c->relid = i + 1;
		atomic64_set(&c->sig_in, 0);
		atomic64_set(&c->sig_monitor, 0);
		if (hvsim_irq_init(c))
			goto err_irq;
	}
	INIT_LIST_HEAD(&hvsim.gpadls);
	spin_lock_init(&hvsim.int_lock);
	atomic64_set(&hvsim.signals_invalid, 0);
	hvsim_monitor_init();
	INIT_WORK(&hvsim.rescind_work, hvsim_fault_rescind_work);
	hvsim_hvsock_init();
	hvsim_ic_init();
	hvsim.chan_wq = alloc_workqueue("hv_hostsim_chan", WQ_UNBOUND, 0);
	if (hvsim.chan_wq)
		return 0;
err_irq:
	/* the channels not reached have no per-CPU counters: NULL is freed */
	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		hvsim_irq_exit(&hvsim.chans[i]);
	return -ENOMEM;
}

/**
 * hvsim_chans_exit() - tear the data plane down at module unload
 *
 * No guest is attached any more (it holds a reference on the module).
 */
void hvsim_chans_exit(void)
{
	unsigned int i;

	mutex_lock(&hvsim.lock);
	hvsim_chans_disconnect();
	mutex_unlock(&hvsim.lock);
	cancel_work_sync(&hvsim.rescind_work);
	hvsim_ic_exit();
	hvsim_hvsock_exit();
	destroy_workqueue(hvsim.chan_wq);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		hvsim_irq_exit(&hvsim.chans[i]);
		mutex_destroy(&hvsim.chans[i].lock);
	}
}
