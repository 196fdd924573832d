// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake guest of the host's self-test: attaches to the host through
 * hvsim_iface, queues the messages the host sends, counts its interrupts,
 * and has the guest's half of GPADLs, channels and rings (a writer that
 * signals as Linux does: unmasked and the ring empty before the packet; a
 * reader that honours the host's pending_send_sz: it signals once more
 * than that is free).
 *
 * Its pages are kept until it detaches, when the host has let go of them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": selftest: " fmt

#include <linux/delay.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "hostsim_selftest.h"

struct hvsim_st_msg {
	struct list_head node;
	u32 size;
	u8 data[HV_VMBUS_MSG_PAYLOAD_MAX];
};

struct hvsim_st_mem {
	struct list_head node;
	unsigned int n;
	void *va;
	struct page *pages[];
};

static struct {
	spinlock_t lock; /* guards msgs */
	struct list_head msgs;
	struct list_head mem;
	wait_queue_head_t wait;
	atomic_t events[HVSIM_MAX_DEVICES + 1];
	unsigned int checks;
	unsigned int failed;
	unsigned int lost;
	u32 version;
	struct hv_vmbus_monitor_page *monitor[HVSIM_MONITOR_PAGES];
	struct page **monitor_pages;
} st;

/**
 * hvsim_st_check() - record the outcome of one check
 * @ok: whether it passed
 * @line: where in the source it is
 * @fmt: what was checked
 *
 * Return: @ok.
 */
bool hvsim_st_check(bool ok, int line, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	st.checks++;
	if (ok)
		return true;
	st.failed++;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("FAIL (line %d): %pV\n", line, &vaf);
	va_end(args);
	return false;
}

/**
 * hvsim_st_failed() - how many checks failed
 *
 * Return: the number.
 */
unsigned int hvsim_st_failed(void)
{
	return st.failed + st.lost;
}

/**
 * hvsim_st_checks() - how many checks ran
 *
 * Return: the number.
 */
unsigned int hvsim_st_checks(void)
{
	return st.checks;
}

static void hvsim_st_on_message(void *ctx, const void *payload, u32 size)
{
	struct hvsim_st_msg *m;
	unsigned long flags;

	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m || size > sizeof(m->data)) {
		kfree(m);
		st.lost++;
		return;
	}
	memcpy(m->data, payload, size);
	m->size = size;
	spin_lock_irqsave(&st.lock, flags);
	list_add_tail(&m->node, &st.msgs);
	spin_unlock_irqrestore(&st.lock, flags);
	wake_up(&st.wait);
}

static void hvsim_st_on_event(void *ctx, u32 relid)
{
	if (relid <= HVSIM_MAX_DEVICES)
		atomic_inc(&st.events[relid]);
	wake_up(&st.wait);
}

static const struct hv_iface_guest_ops hvsim_st_ops = {
	.on_message = hvsim_st_on_message,
	.on_event = hvsim_st_on_event,
};

/**
 * hvsim_st_attach() - attach the fake guest to the host
 *
 * Return: 0 or the error of hvsim_iface.attach.
 */
int hvsim_st_attach(void)
{
	unsigned int i;

	spin_lock_init(&st.lock);
	INIT_LIST_HEAD(&st.msgs);
	INIT_LIST_HEAD(&st.mem);
	init_waitqueue_head(&st.wait);
	for (i = 0; i <= HVSIM_MAX_DEVICES; i++)
		atomic_set(&st.events[i], 0);
	st.checks = 0;
	st.failed = 0;
	st.lost = 0;
	memset(st.monitor, 0, sizeof(st.monitor));
	st.monitor_pages = NULL;
	return hvsim_iface.attach(&hvsim_st_ops, &st);
}

static struct hvsim_st_msg *hvsim_st_pop(void)
{
	struct hvsim_st_msg *m;
	unsigned long flags;

	spin_lock_irqsave(&st.lock, flags);
	m = list_first_entry_or_null(&st.msgs, struct hvsim_st_msg, node);
	if (m)
		list_del(&m->node);
	spin_unlock_irqrestore(&st.lock, flags);
	return m;
}

/**
 * hvsim_st_detach() - detach the fake guest and free its memory
 *
 * The host lets go of every GPADL when the guest detaches, so the pages
 * can go back then.
 */
void hvsim_st_detach(void)
{
	struct hvsim_st_mem *mem, *tmp;
	struct hvsim_st_msg *m;
	unsigned int i;

	hvsim_iface.detach();
	while ((m = hvsim_st_pop()))
		kfree(m);
	list_for_each_entry_safe(mem, tmp, &st.mem, node) {
		vunmap(mem->va);
		for (i = 0; i < mem->n; i++)
			__free_page(mem->pages[i]);
		list_del(&mem->node);
		kfree(mem);
	}
}

/**
 * hvsim_st_mem() - zeroed guest pages, mapped for the fake guest
 * @n: how many
 * @pages: set to the page array (for PFNs)
 *
 * Return: their mapping, or NULL (a failed check).
 */
void *hvsim_st_mem(unsigned int n, struct page ***pages)
{
	struct hvsim_st_mem *mem;
	unsigned int i;

	mem = kzalloc(struct_size(mem, pages, n), GFP_KERNEL);
	if (!ST_CHECK(mem, "allocate %u pages", n))
		return NULL;
	for (i = 0; i < n; i++) {
		mem->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!mem->pages[i])
			break;
	}
	mem->n = i;
	if (i == n)
		mem->va = vmap(mem->pages, n, VM_MAP, PAGE_KERNEL);
	if (!ST_CHECK(mem->va, "allocate and map %u pages", n)) {
		while (i--)
			__free_page(mem->pages[i]);
		kfree(mem);
		return NULL;
	}
	list_add_tail(&mem->node, &st.mem);
	*pages = mem->pages;
	return mem->va;
}

/**
 * hvsim_st_post() - post a channel message to the host
 * @msg: the message
 * @size: its size
 *
 * INITIATE_CONTACT of 5.0 and later goes to connection 4, all else to 1.
 */
void hvsim_st_post(const void *msg, u32 size)
{
	const struct vmbus_channel_initiate_contact *ic = msg;
	u32 conn = HVSIM_MSG_CONN_ID;
	int ret;

	if (ic->header.msgtype == CHANNELMSG_INITIATE_CONTACT &&
	    ic->vmbus_version_requested >= HV_VMBUS_VERSION(5, 0))
		conn = HV_VMBUS_MSG_CONN_ID_V5;
	ret = hvsim_iface.post_message(conn, msg, size);
	ST_CHECK(!ret, "post message type %u: %d", ic->header.msgtype, ret);
}

/**
 * hvsim_st_recv() - take the next message from the host
 * @type: the type it must have
 * @buf: where to copy it (may be NULL)
 * @size: at most this much of it
 *
 * Return: true if a message of @type came within the timeout.
 */
bool hvsim_st_recv(u32 type, void *buf, u32 size)
{
	struct hvsim_st_msg *m = NULL;
	u32 got;

	wait_event_timeout(st.wait, (m = hvsim_st_pop()),
			   msecs_to_jiffies(HVSIM_ST_TIMEOUT_MS));
	if (!ST_CHECK(m, "a message of type %u from the host", type))
		return false;
	got = ((struct vmbus_channel_message_header *)m->data)->msgtype;
	if (buf)
		memcpy(buf, m->data, min(size, m->size));
	kfree(m);
	return ST_CHECK(got == type, "message type %u, want %u", got, type);
}

/**
 * hvsim_st_quiet() - the host handled everything and sent nothing
 *
 * Return: true if no message is waiting once the host's queue is flushed.
 */
bool hvsim_st_quiet(void)
{
	struct hvsim_st_msg *m;

	flush_workqueue(hvsim.wq);
	m = hvsim_st_pop();
	if (!ST_CHECK(!m, "no message from the host, got type %u",
		      m ? ((struct vmbus_channel_message_header *)m->data)->msgtype : 0)) {
		kfree(m);
		return false;
	}
	return true;
}

/**
 * hvsim_st_events() - how many interrupts a channel got
 * @relid: the channel
 *
 * Return: the count.
 */
int hvsim_st_events(u32 relid)
{
	return atomic_read(&st.events[relid]);
}

/**
 * hvsim_st_wait_event() - wait for an interrupt of a channel
 * @relid: the channel
 * @old: its count before
 *
 * Return: true if one came within the timeout.
 */
bool hvsim_st_wait_event(u32 relid, int old)
{
	return wait_event_timeout(st.wait, atomic_read(&st.events[relid]) != old,
				  msecs_to_jiffies(HVSIM_ST_TIMEOUT_MS)) > 0;
}

/**
 * hvsim_st_monitor_page() - the fake guest's server or client monitor page
 * @which: HVSIM_MONITOR_SERVER or HVSIM_MONITOR_CLIENT
 *
 * The pages are allocated at the first connection and kept until the fake
 * guest detaches.
 *
 * Return: the page, or NULL (a failed check).
 */
struct hv_vmbus_monitor_page *hvsim_st_monitor_page(unsigned int which)
{
	u8 *va;

	if (!st.monitor[0]) {
		va = hvsim_st_mem(HVSIM_MONITOR_PAGES, &st.monitor_pages);
		if (!va)
			return NULL;
		st.monitor[HVSIM_MONITOR_SERVER] = (void *)va;
		st.monitor[HVSIM_MONITOR_CLIENT] = (void *)(va + PAGE_SIZE);
	}
	return st.monitor[which];
}

/**
 * hvsim_st_contact() - INITIATE_CONTACT with the pages given
 * @version: the version to ask for
 * @int_page: the interrupt page to name (before 5.0)
 * @server: the server monitor page (monitor_page1)
 * @client: the client monitor page (monitor_page2)
 *
 * Return: the answer's version_supported, or -1 if none came.
 */
int hvsim_st_contact(u32 version, u64 int_page, u64 server, u64 client)
{
	struct vmbus_channel_initiate_contact ic;
	struct vmbus_channel_version_response vr;

	memset(&ic, 0, sizeof(ic));
	ic.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
	ic.vmbus_version_requested = version;
	if (version >= HV_VMBUS_VERSION(5, 0))
		ic.msg_sint = HV_VMBUS_MESSAGE_SINT;
	else
		ic.interrupt_page = int_page;
	ic.monitor_page1 = server;
	ic.monitor_page2 = client;
	hvsim_st_post(&ic, sizeof(ic));
	memset(&vr, 0, sizeof(vr));
	if (!hvsim_st_recv(CHANNELMSG_VERSION_RESPONSE, &vr, sizeof(vr)))
		return -1;
	if (vr.version_supported)
		st.version = version;
	return vr.version_supported;
}

/**
 * hvsim_st_connect() - INITIATE_CONTACT and REQUESTOFFERS
 * @version: the version to ask for
 * @int_page: the interrupt page to name (before 5.0)
 * @offers: where to put the offers
 * @max: room there
 *
 * The fake guest names its own monitor pages (hvsim_st_monitor_page()).
 *
 * Return: the number of offers, or -1 if the host refused.
 */
int hvsim_st_connect(u32 version, u64 int_page, struct hvsim_st_offer *offers,
		     unsigned int max)
{
	struct vmbus_channel_offer_channel off;
	struct vmbus_channel_message_header hdr;
	unsigned int n = 0;

	if (!hvsim_st_monitor_page(0))
		return -1;
	if (!ST_CHECK(hvsim_st_contact(version, int_page,
				       page_to_phys(st.monitor_pages[HVSIM_MONITOR_SERVER]),
				       page_to_phys(st.monitor_pages[HVSIM_MONITOR_CLIENT])) == 1,
		      "version %#x accepted", version))
		return -1;
	memset(&hdr, 0, sizeof(hdr));
	hdr.msgtype = CHANNELMSG_REQUESTOFFERS;
	hvsim_st_post(&hdr, sizeof(hdr));
	for (;;) {
		struct hvsim_st_msg *m = NULL;
		u32 type;

		wait_event_timeout(st.wait, (m = hvsim_st_pop()),
				   msecs_to_jiffies(HVSIM_ST_TIMEOUT_MS));
		if (!ST_CHECK(m, "offers end with ALLOFFERS_DELIVERED"))
			return -1;
		type = ((struct vmbus_channel_message_header *)m->data)->msgtype;
		memcpy(&off, m->data, min_t(u32, sizeof(off), m->size));
		kfree(m);
		if (type == CHANNELMSG_ALLOFFERS_DELIVERED)
			return n;
		if (!ST_CHECK(type == CHANNELMSG_OFFERCHANNEL && n < max,
			      "an offer (type %u, %u so far)", type, n))
			return -1;
		offers[n].relid = off.child_relid;
		offers[n].conn_id = off.connection_id;
		offers[n].subidx = off.offer.sub_channel_index;
		offers[n].monitored = off.monitor_allocated;
		offers[n].monitor_id = off.monitorid;
		n++;
	}
}

/**
 * hvsim_st_gpadl() - create a GPADL of whole pages, as Linux does
 * @relid: its channel
 * @handle: its handle
 * @pages: the pages
 * @n: how many
 *
 * Return: the creation status, or HVSIM_STATUS_FAILED if none came.
 */
u32 hvsim_st_gpadl(u32 relid, u32 handle, struct page **pages, unsigned int n)
{
	u8 buf[HV_VMBUS_MSG_PAYLOAD_MAX];
	struct vmbus_channel_gpadl_header *h = (void *)buf;
	struct vmbus_channel_gpadl_body *b = (void *)buf;
	struct vmbus_channel_gpadl_created cr;
	unsigned int i = 0, k, room;
	u64 pfn;

	memset(buf, 0, sizeof(buf));
	h->header.msgtype = CHANNELMSG_GPADL_HEADER;
	h->child_relid = relid;
	h->gpadl = handle;
	h->rangecount = 1;
	h->range_buflen = sizeof(struct gpa_range) + n * sizeof(u64);
	h->range[0].byte_count = n * PAGE_SIZE;
	room = (sizeof(buf) - 28) / sizeof(u64);
	for (k = 0; i < n && k < room; i++, k++) {
		pfn = page_to_pfn(pages[i]);
		memcpy(buf + 28 + k * sizeof(u64), &pfn, sizeof(pfn));
	}
	hvsim_st_post(buf, 28 + k * sizeof(u64));
	while (i < n) {
		memset(buf, 0, sizeof(buf));
		b->header.msgtype = CHANNELMSG_GPADL_BODY;
		b->gpadl = handle;
		room = (sizeof(buf) - sizeof(*b)) / sizeof(u64);
		for (k = 0; i < n && k < room; i++, k++) {
			pfn = page_to_pfn(pages[i]);
			memcpy(buf + sizeof(*b) + k * sizeof(u64), &pfn, sizeof(pfn));
		}
		hvsim_st_post(buf, sizeof(*b) + k * sizeof(u64));
	}
	memset(&cr, 0, sizeof(cr));
	if (!hvsim_st_recv(CHANNELMSG_GPADL_CREATED, &cr, sizeof(cr)))
		return HVSIM_STATUS_FAILED;
	ST_CHECK(cr.child_relid == relid && cr.gpadl == handle,
		 "GPADL_CREATED of relid %u GPADL %#x, want %u %#x", cr.child_relid, cr.gpadl,
		 relid, handle);
	return cr.creation_status;
}

/**
 * hvsim_st_teardown() - GPADL_TEARDOWN, without waiting
 * @relid: the GPADL's channel
 * @handle: its handle
 */
void hvsim_st_teardown(u32 relid, u32 handle)
{
	struct vmbus_channel_gpadl_teardown t;

	memset(&t, 0, sizeof(t));
	t.header.msgtype = CHANNELMSG_GPADL_TEARDOWN;
	t.child_relid = relid;
	t.gpadl = handle;
	hvsim_st_post(&t, sizeof(t));
}

/**
 * hvsim_st_open() - create the ring GPADL and open a channel
 * @c: the channel, filled in
 * @relid: its relid
 * @handle: the handle for its ring GPADL
 * @send_pages: pages of the guest-to-host ring, control page included
 * @recv_pages: same for the host-to-guest ring
 *
 * The connection id is the channel's own from 1.1 on; before, the
 * interrupt page's (set by the caller).
 *
 * Return: the open status, or HVSIM_STATUS_FAILED.
 */
u32 hvsim_st_open(struct hvsim_st_chan *c, u32 relid, u32 handle, unsigned int send_pages,
		  unsigned int recv_pages)
{
	struct vmbus_channel_open_channel op;
	struct vmbus_channel_open_result res;
	struct page **pages;
	u8 *va;

	c->relid = relid;
	c->conn_id = st.version >= HVSIM_VERSION_WIN7 ? HVSIM_CHAN_CONN_ID_BASE | relid : 0;
	c->gpadl = handle;
	va = hvsim_st_mem(send_pages + recv_pages, &pages);
	if (!va || hvsim_st_gpadl(relid, handle, pages, send_pages + recv_pages))
		return HVSIM_STATUS_FAILED;
	c->send.ctl = (void *)va;
	c->send.data = va + PAGE_SIZE;
	c->send.size = (send_pages - 1) * PAGE_SIZE;
	c->recv.ctl = (void *)(va + send_pages * PAGE_SIZE);
	c->recv.data = (u8 *)c->recv.ctl + PAGE_SIZE;
	c->recv.size = (recv_pages - 1) * PAGE_SIZE;
	memset(&op, 0, sizeof(op));
	op.header.msgtype = CHANNELMSG_OPENCHANNEL;
	op.child_relid = relid;
	op.openid = relid + 0x100;
	op.ringbuffer_gpadlhandle = handle;
	op.downstream_ringbuffer_pageoffset = send_pages;
	hvsim_st_post(&op, sizeof(op));
	memset(&res, 0, sizeof(res));
	if (!hvsim_st_recv(CHANNELMSG_OPENCHANNEL_RESULT, &res, sizeof(res)))
		return HVSIM_STATUS_FAILED;
	ST_CHECK(res.child_relid == relid && res.openid == op.openid,
		 "OPENCHANNEL_RESULT of relid %u open id %#x", res.child_relid, res.openid);
	return res.status;
}

/**
 * hvsim_st_close() - CLOSECHANNEL
 * @relid: the channel
 */
void hvsim_st_close(u32 relid)
{
	struct vmbus_channel_close_channel m;

	memset(&m, 0, sizeof(m));
	m.header.msgtype = CHANNELMSG_CLOSECHANNEL;
	m.child_relid = relid;
	hvsim_st_post(&m, sizeof(m));
}

static void hvsim_st_signal(struct hvsim_st_chan *c)
{
	struct hv_vmbus_monitor_page *client = st.monitor[HVSIM_MONITOR_CLIENT];

	if (c->monitored && client) {
		/* as Linux does: no hypercall, the host polls the page */
		set_bit(c->monitor_id % 32,
			(unsigned long *)&client->trigger_group[c->monitor_id / 32].pending);
	} else if (c->int_send) {
		set_bit(c->relid, c->int_send);
		hvsim_iface.signal_event(HV_VMBUS_EVENT_CONN_ID);
	} else {
		hvsim_iface.signal_event(c->conn_id);
	}
}

/**
 * hvsim_st_send() - write a packet to the guest-to-host ring
 * @c: the channel
 * @p: the packet
 *
 * Return: 0, or -ENOSPC if it does not fit now.
 */
int hvsim_st_send(struct hvsim_st_chan *c, const struct hvsim_st_pkt *p)
{
	struct hvsim_st_ring *r = &c->send;
	struct vmpacket_descriptor d;
	u32 len = sizeof(d) + p->hdrlen + ALIGN(p->len, 8);
	u32 w = r->ctl->write_index, pos;
	u64 trailer = (u64)w << 32;
	static const u8 zeros[8];

	if (!vmbus_ring_can_write(READ_ONCE(r->ctl->read_index), w, r->size, len + 8))
		return -ENOSPC;
	memset(&d, 0, sizeof(d));
	d.type = p->type;
	d.offset8 = (sizeof(d) + p->hdrlen) / 8;
	d.len8 = len / 8;
	d.flags = p->flags;
	d.trans_id = p->trans_id;
	pos = vmbus_ring_copy_in(r->data, w, &d, sizeof(d), r->size);
	if (p->hdrlen)
		pos = vmbus_ring_copy_in(r->data, pos, p->hdr, p->hdrlen, r->size);
	if (p->len)
		pos = vmbus_ring_copy_in(r->data, pos, p->data, p->len, r->size);
	pos = vmbus_ring_copy_in(r->data, pos, zeros, ALIGN(p->len, 8) - p->len, r->size);
	pos = vmbus_ring_copy_in(r->data, pos, &trailer, sizeof(trailer), r->size);
	/* the packet before its index; the index before the host's flags */
	smp_store_release(&r->ctl->write_index, pos);
	smp_mb(); /* see above */
	if (!READ_ONCE(r->ctl->interrupt_mask) && READ_ONCE(r->ctl->read_index) == w)
		hvsim_st_signal(c);
	return 0;
}

/**
 * hvsim_st_skip() - consume bytes of the host-to-guest ring
 * @c: the channel
 * @bytes: how many (whole packets with their trailers)
 *
 * Signals the host if it waits for room (pending_send_sz) and now has it.
 */
void hvsim_st_skip(struct hvsim_st_chan *c, u32 bytes)
{
	struct hvsim_st_ring *r = &c->recv;
	u32 rd = r->ctl->read_index, w, pending, before, after;

	rd = vmbus_ring_advance(rd, bytes, r->size);
	/* done reading before the index; the index before pending_send_sz */
	smp_store_release(&r->ctl->read_index, rd);
	smp_mb(); /* see above */
	pending = READ_ONCE(r->ctl->pending_send_sz);
	if (!pending)
		return;
	w = READ_ONCE(r->ctl->write_index);
	after = vmbus_ring_bytes_to_write(rd, w, r->size);
	before = after - bytes;
	if (before <= pending && after > pending)
		hvsim_st_signal(c);
}

/**
 * hvsim_st_read() - read the next packet of the host-to-guest ring
 * @c: the channel
 * @d: its descriptor
 * @buf: where its payload (from offset8 on) goes
 * @size: room there
 * @plen: set to the payload's length
 *
 * Return: 0, -ENODATA if the ring is empty, -EIO if the packet is invalid
 * (then it stays where it is).
 */
int hvsim_st_read(struct hvsim_st_chan *c, struct vmpacket_descriptor *d, void *buf,
		  u32 size, u32 *plen)
{
	struct hvsim_st_ring *r = &c->recv;
	u32 rd = r->ctl->read_index, w, avail, len, off;
	u64 trailer;

	/* the host's write index before the bytes it publishes */
	w = smp_load_acquire(&r->ctl->write_index);
	avail = vmbus_ring_bytes_to_read(rd, w, r->size);
	if (!avail)
		return -ENODATA;
	if (avail < sizeof(*d) + 8)
		return -EIO;
	vmbus_ring_copy_out(d, r->data, rd, sizeof(*d), r->size);
	len = d->len8 * 8;
	off = d->offset8 * 8;
	if (off < sizeof(*d) || off > len || len + 8 > avail)
		return -EIO;
	*plen = len - off;
	vmbus_ring_copy_out(buf, r->data, vmbus_ring_advance(rd, off, r->size),
			    min(size, *plen), r->size);
	vmbus_ring_copy_out(&trailer, r->data, vmbus_ring_advance(rd, len, r->size),
			    sizeof(trailer), r->size);
	ST_CHECK(trailer == (u64)rd << 32, "trailer %#llx of a packet at %#x", trailer, rd);
	hvsim_st_skip(c, len + 8);
	return 0;
}

/**
 * hvsim_st_cmd() - a control-file command, as the administrator writes it
 * @fmt: printf format of the command
 *
 * Return: what the control file returned.
 */
int hvsim_st_cmd(const char *fmt, ...)
{
	char cmd[HVSIM_CMD_MAX];
	va_list args;

	va_start(args, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, args);
	va_end(args);
	return hvsim_control(cmd, strlen(cmd));
}

/**
 * hvsim_st_last_relid() - the relid the last offer created
 *
 * Return: the relid.
 */
u32 hvsim_st_last_relid(void)
{
	u32 relid;

	mutex_lock(&hvsim.lock);
	relid = hvsim.n_last_relids ? hvsim.last_relids[0] : 0;
	mutex_unlock(&hvsim.lock);
	return relid;
}

/**
 * hvsim_st_stats() - a channel's counters
 * @relid: the channel
 *
 * Return: a copy.
 */
struct hvsim_chan_stats hvsim_st_stats(u32 relid)
{
	struct hvsim_chan *c = &hvsim.chans[relid - 1];
	struct hvsim_chan_stats s;

	mutex_lock(&c->lock);
	s = c->stats;
	mutex_unlock(&c->lock);
	return s;
}

/**
 * hvsim_st_host() - one of the host's counters
 * @counter: its address in hvsim.stats
 *
 * Return: its value.
 */
u64 hvsim_st_host(const u64 *counter)
{
	u64 v;

	mutex_lock(&hvsim.lock);
	v = *counter;
	mutex_unlock(&hvsim.lock);
	return v;
}
