// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's self-test, control plane: GPADLs (refusals, multi-message,
 * teardown, teardown of an open channel's rings), OPENCHANNEL refusals,
 * MODIFYCHANNEL, a sub-channel, broken rings, a rescind of an open channel
 * by fault injection, UNLOAD with everything still open, and a 0.13 guest
 * signalling through its interrupt page. The data plane is checked by
 * hostsim_selftest_data.c, monitored notification by
 * hostsim_selftest_monitor.c, Hyper-V sockets by hostsim_selftest_hvsock.c.
 *
 * It runs at module load (selftest=1), before debugfs is there and before
 * any guest can attach, and leaves the host as it found it: no devices, no
 * GPADLs, counters at zero.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": selftest: " fmt

#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "hostsim_selftest.h"

/* A PFN no machine has. */
#define HVSIM_ST_BAD_PFN	BIT_ULL(50)

static unsigned int hvsim_st_mapped(u32 relid, enum hvsim_gpadl_state state)
{
	unsigned int n;

	mutex_lock(&hvsim.lock);
	n = hvsim_gpadl_count(relid, state);
	mutex_unlock(&hvsim.lock);
	return n;
}

static unsigned long hvsim_st_gpadl_pages(void)
{
	unsigned long n;

	mutex_lock(&hvsim.lock);
	n = hvsim.gpadl_pages;
	mutex_unlock(&hvsim.lock);
	return n;
}

static unsigned int hvsim_st_open_count(void)
{
	unsigned int n;

	mutex_lock(&hvsim.lock);
	n = hvsim_chans_open();
	mutex_unlock(&hvsim.lock);
	return n;
}

/* A GPADL_HEADER as given, answered with GPADL_CREATED: its status. */
static u32 hvsim_st_raw_header(u32 relid, u32 handle, u16 ranges, u16 buflen, u32 count,
			       u32 offset, const u64 *pfns, unsigned int n)
{
	u8 buf[HV_VMBUS_MSG_PAYLOAD_MAX];
	struct vmbus_channel_gpadl_header *h = (void *)buf;
	struct vmbus_channel_gpadl_created cr;

	memset(buf, 0, sizeof(buf));
	h->header.msgtype = CHANNELMSG_GPADL_HEADER;
	h->child_relid = relid;
	h->gpadl = handle;
	h->rangecount = ranges;
	h->range_buflen = buflen;
	h->range[0].byte_count = count;
	h->range[0].byte_offset = offset;
	memcpy(buf + 28, pfns, n * sizeof(u64));
	hvsim_st_post(buf, 28 + n * sizeof(u64));
	if (!hvsim_st_recv(CHANNELMSG_GPADL_CREATED, &cr, sizeof(cr)))
		return 0;
	ST_CHECK(cr.child_relid == relid && cr.gpadl == handle,
		 "GPADL_CREATED names relid %u GPADL %#x", cr.child_relid, cr.gpadl);
	return cr.creation_status;
}

static void hvsim_st_raw_body(u32 handle, const u64 *pfns, unsigned int n)
{
	u8 buf[HV_VMBUS_MSG_PAYLOAD_MAX];
	struct vmbus_channel_gpadl_body *b = (void *)buf;

	memset(buf, 0, sizeof(buf));
	b->header.msgtype = CHANNELMSG_GPADL_BODY;
	b->gpadl = handle;
	memcpy(buf + sizeof(*b), pfns, n * sizeof(u64));
	hvsim_st_post(buf, sizeof(*b) + n * sizeof(u64));
}

static void hvsim_st_torndown(u32 handle)
{
	struct vmbus_channel_gpadl_torndown td;

	memset(&td, 0, sizeof(td));
	if (hvsim_st_recv(CHANNELMSG_GPADL_TORNDOWN, &td, sizeof(td)))
		ST_CHECK(td.gpadl == handle, "GPADL_TORNDOWN of %#x, want %#x", td.gpadl, handle);
}

static void hvsim_st_gpadls(u32 echo, u32 kvp)
{
	u64 refused = hvsim_st_host(&hvsim.stats.gpadls_refused);
	u64 rejected = hvsim_st_host(&hvsim.stats.msgs_rejected);
	struct vmbus_channel_gpadl_created cr;
	u64 pfns[31], bad = HVSIM_ST_BAD_PFN;
	struct page **pages;
	unsigned int i;

	if (!hvsim_st_mem(31, &pages))
		return;
	for (i = 0; i < 31; i++)
		pfns[i] = page_to_pfn(pages[i]);
	ST_CHECK(hvsim_st_raw_header(99, 0x10, 1, 16, PAGE_SIZE, 0, pfns, 1),
		 "a GPADL of an unknown relid is refused");
	ST_CHECK(hvsim_st_raw_header(echo, 0, 1, 16, PAGE_SIZE, 0, pfns, 1),
		 "GPADL handle 0 is refused");
	ST_CHECK(hvsim_st_raw_header(echo, 0x11, 2, 16, PAGE_SIZE, 0, pfns, 1),
		 "a GPADL of two ranges is refused");
	ST_CHECK(hvsim_st_raw_header(echo, 0x12, 1, 16, 2 * PAGE_SIZE, 0, pfns, 1),
		 "a byte count of 2 pages with range_buflen for 1 is refused");
	ST_CHECK(hvsim_st_raw_header(echo, 0x13, 1, 16, 100, PAGE_SIZE, pfns, 1),
		 "a byte offset beyond the first page is refused");
	ST_CHECK(hvsim_st_raw_header(echo, 0x14, 1, 16, PAGE_SIZE, 0, &bad, 1),
		 "an invalid PFN is refused");
	ST_CHECK(hvsim_st_raw_header(echo, 0x15, 1, 16, PAGE_SIZE, 0, pfns, 2),
		 "more PFNs than announced are refused");
	hvsim_st_raw_body(0x777, pfns, 1);
	if (hvsim_st_recv(CHANNELMSG_GPADL_CREATED, &cr, sizeof(cr)))
		ST_CHECK(cr.child_relid == 0 && cr.gpadl == 0x777 && cr.creation_status,
			 "a body for an unknown handle is refused (relid %u GPADL %#x status %#x)",
			 cr.child_relid, cr.gpadl, cr.creation_status);
	/* 30 pages announced, 26 in the header, a body with 5 */
	{
		u8 buf[HV_VMBUS_MSG_PAYLOAD_MAX];
		struct vmbus_channel_gpadl_header *h = (void *)buf;

		memset(buf, 0, sizeof(buf));
		h->header.msgtype = CHANNELMSG_GPADL_HEADER;
		h->child_relid = echo;
		h->gpadl = 0x16;
		h->rangecount = 1;
		h->range_buflen = 8 + 30 * 8;
		h->range[0].byte_count = 30 * PAGE_SIZE;
		memcpy(buf + 28, pfns, 26 * sizeof(u64));
		hvsim_st_post(buf, 28 + 26 * sizeof(u64));
		hvsim_st_raw_body(0x16, pfns + 26, 5);
		if (hvsim_st_recv(CHANNELMSG_GPADL_CREATED, &cr, sizeof(cr)))
			ST_CHECK(cr.gpadl == 0x16 && cr.creation_status,
				 "a body with more PFNs than announced is refused");
		hvsim_st_raw_body(0x16, pfns, 1);
		ST_CHECK(hvsim_st_quiet(), "a later body of a refused GPADL is dropped quietly");
	}
	ST_CHECK(!hvsim_st_gpadl(echo, 0x20, pages, 1), "a one-page GPADL is created");
	ST_CHECK(hvsim_st_gpadl(echo, 0x20, pages, 1), "a handle in use is refused");
	ST_CHECK(!hvsim_st_gpadl(kvp, 0x21, pages + 1, 1),
		 "a GPADL of a class without host side is created");
	ST_CHECK(hvsim_st_mapped(echo, HVSIM_GPADL_MAPPED) == 1,
		 "the refusal left GPADL 0x20 alone");
	ST_CHECK(hvsim_st_host(&hvsim.stats.gpadls_refused) == refused + 10,
		 "10 GPADLs refused, counted %llu",
		 hvsim_st_host(&hvsim.stats.gpadls_refused) - refused);
	for (i = 0; i < 2 * HVSIM_GPADL_MAX_REFUSED; i++)
		hvsim_st_raw_header(99, 0x200 + i, 1, 16, PAGE_SIZE, 0, pfns, 1);
	mutex_lock(&hvsim.lock);
	ST_CHECK(hvsim.n_refused <= HVSIM_GPADL_MAX_REFUSED + 1,
		 "refusal records stay bounded (%u)", hvsim.n_refused);
	mutex_unlock(&hvsim.lock);
	hvsim_st_teardown(kvp, 0x21);
	hvsim_st_torndown(0x21);
	hvsim_st_teardown(echo, 0x20);
	hvsim_st_torndown(0x20);
	hvsim_st_teardown(echo, 0x99);
	hvsim_st_teardown(echo, 0x16);
	ST_CHECK(hvsim_st_quiet() && hvsim_st_host(&hvsim.stats.msgs_rejected) == rejected + 2,
		 "teardowns of unknown and refused GPADLs are rejected, not answered");
	ST_CHECK(!hvsim_st_mapped(0, HVSIM_GPADL_MAPPED) && !hvsim_st_gpadl_pages(),
		 "every GPADL is unmapped again");
}

/* A GPADL of 100 pages: a header and three bodies. */
static void hvsim_st_big_gpadl(u32 echo)
{
	struct page **pages;

	if (!hvsim_st_mem(100, &pages))
		return;
	ST_CHECK(!hvsim_st_gpadl(echo, 0x22, pages, 100), "a GPADL of 100 pages is created");
	ST_CHECK(hvsim_st_mapped(echo, HVSIM_GPADL_MAPPED) == 1 && hvsim_st_gpadl_pages() == 100,
		 "it is mapped, 100 pages");
	hvsim_st_teardown(echo, 0x22);
	hvsim_st_torndown(0x22);
	ST_CHECK(!hvsim_st_gpadl_pages(), "its pages are unmapped");
}

/* An OPENCHANNEL as given: the status of its result. */
static u32 hvsim_st_raw_open_vp(u32 relid, u32 handle, u32 off, u32 vp)
{
	struct vmbus_channel_open_channel op;
	struct vmbus_channel_open_result res;

	memset(&op, 0, sizeof(op));
	op.header.msgtype = CHANNELMSG_OPENCHANNEL;
	op.child_relid = relid;
	op.openid = 0xabc;
	op.ringbuffer_gpadlhandle = handle;
	op.downstream_ringbuffer_pageoffset = off;
	op.target_vp = vp;
	hvsim_st_post(&op, sizeof(op));
	if (!hvsim_st_recv(CHANNELMSG_OPENCHANNEL_RESULT, &res, sizeof(res)))
		return 0;
	ST_CHECK(res.child_relid == relid && res.openid == 0xabc,
		 "OPENCHANNEL_RESULT of relid %u open id %#x", res.child_relid, res.openid);
	return res.status;
}

static u32 hvsim_st_raw_open(u32 relid, u32 handle, u32 off)
{
	return hvsim_st_raw_open_vp(relid, handle, off, 0);
}

static void hvsim_st_opens(u32 echo, u32 kvp)
{
	u64 refused = hvsim_st_host(&hvsim.stats.opens_refused);
	u64 bad_vps = hvsim_st_host(&hvsim.stats.bad_target_vps);
	struct page **pages;

	if (!hvsim_st_mem(6, &pages) ||
	    !ST_CHECK(!hvsim_st_gpadl(echo, 0x30, pages, 6) && !hvsim_st_gpadl(kvp, 0x31, pages, 6),
		      "two GPADLs for rings"))
		return;
	ST_CHECK(hvsim_st_raw_open(echo, 0x99, 3), "an open with an unknown GPADL is refused");
	ST_CHECK(hvsim_st_raw_open(echo, 0x30, 1), "an open at page offset 1 is refused");
	ST_CHECK(hvsim_st_raw_open(echo, 0x30, 5), "an open at page offset n - 1 is refused");
	ST_CHECK(hvsim_st_raw_open(echo, 0x31, 3),
		 "an open with another channel's GPADL is refused");
	ST_CHECK(hvsim_st_raw_open(99, 0x30, 3), "an open of an unknown relid is refused");
	ST_CHECK(hvsim_st_raw_open_vp(echo, 0x30, 3, nr_cpu_ids),
		 "an open with a target VP that is no CPU (%u) is refused", nr_cpu_ids);
	ST_CHECK(hvsim_st_host(&hvsim.stats.opens_refused) == refused + 6, "6 opens refused");
	ST_CHECK(hvsim_st_host(&hvsim.stats.bad_target_vps) == bad_vps + 1,
		 "1 bad target VP counted");
	ST_CHECK(!hvsim_st_raw_open(kvp, 0x31, 3), "a channel without host side opens");
	ST_CHECK(hvsim_st_raw_open(kvp, 0x31, 3), "... and cannot be opened twice");
	hvsim_st_close(kvp);
	hvsim_st_teardown(kvp, 0x31);
	hvsim_st_torndown(0x31);
	hvsim_st_teardown(echo, 0x30);
	hvsim_st_torndown(0x30);
	ST_CHECK(!hvsim_st_open_count(), "no channel is open");
}

static u32 hvsim_st_target_vp(u32 relid)
{
	u32 vp;

	mutex_lock(&hvsim.chans[relid - 1].lock);
	vp = hvsim.chans[relid - 1].target_vp;
	mutex_unlock(&hvsim.chans[relid - 1].lock);
	return vp;
}

/* MODIFYCHANNEL of @relid to @vp; the answer's status, or -1 without one. */
static s64 hvsim_st_raw_modify(u32 relid, u32 vp)
{
	struct vmbus_channel_modifychannel m;
	struct hvsim_modifychannel_response r;

	memset(&m, 0, sizeof(m));
	m.header.msgtype = CHANNELMSG_MODIFYCHANNEL;
	m.child_relid = relid;
	m.target_vp = vp;
	hvsim_st_post(&m, sizeof(m));
	if (!hvsim_st_recv(HVSIM_MSG_MODIFYCHANNEL_RESPONSE, &r, sizeof(r)))
		return -1;
	ST_CHECK(r.child_relid == relid, "MODIFYCHANNEL_RESPONSE of relid %u", r.child_relid);
	return r.status;
}

/* One packet there and back; true if it came back intact. */
static bool hvsim_st_ping(struct hvsim_st_chan *c, u64 id)
{
	struct vmpacket_descriptor d;
	struct hvsim_st_pkt p = {
		.type = VM_PKT_DATA_INBAND, .trans_id = id, .data = &id, .len = sizeof(id),
	};
	u64 back = 0;
	u32 plen = 0;

	if (!ST_CHECK(!hvsim_st_send(c, &p), "send packet %#llx", id))
		return false;
	if (!ST_CHECK(hvsim_st_poll(!hvsim_st_read(c, &d, &back, sizeof(back), &plen)),
		      "packet %#llx comes back", id))
		return false;
	return ST_CHECK(d.trans_id == id && plen == sizeof(id) && back == id,
			"packet %#llx came back as %#llx", id, (u64)d.trans_id);
}

/*
 * MODIFYCHANNEL moves the open echo channel's interrupts to the last online
 * CPU (CPU 0 with one), where the next echo's interrupt arrives; a VP that
 * is no CPU and a closed channel are refused, the target staying put.
 */
static void hvsim_st_modify(struct hvsim_st_chan *c, u32 kvp)
{
	unsigned int vp = cpumask_last(cpu_online_mask);
	struct hvsim_chan *ch = &hvsim.chans[c->relid - 1];
	u64 refused = hvsim_st_host(&hvsim.stats.modifies_refused);
	u64 bad_vps = hvsim_st_host(&hvsim.stats.bad_target_vps);
	u64 mods = hvsim_st_stats(c->relid).modifies;
	u64 before;

	ST_CHECK(!hvsim_st_raw_modify(c->relid, vp), "MODIFYCHANNEL to VP %u: status 0", vp);
	ST_CHECK(hvsim_st_target_vp(c->relid) == vp, "the new target VP is recorded (%u)",
		 hvsim_st_target_vp(c->relid));
	ST_CHECK(hvsim_st_stats(c->relid).modifies == mods + 1, "1 modify counted");
	before = hvsim_irq_events(ch, vp);
	ST_CHECK(hvsim_st_ping(c, 0x4100), "the channel works after the move");
	ST_CHECK(hvsim_irq_events(ch, vp) > before, "its interrupt arrived on CPU %u", vp);
	ST_CHECK(hvsim_st_raw_modify(c->relid, nr_cpu_ids) > 0,
		 "MODIFYCHANNEL to VP %u (no CPU) fails", nr_cpu_ids);
	ST_CHECK(hvsim_st_target_vp(c->relid) == vp, "... and the target stays %u", vp);
	ST_CHECK(hvsim_st_host(&hvsim.stats.bad_target_vps) == bad_vps + 1,
		 "1 bad target VP counted");
	ST_CHECK(hvsim_st_raw_modify(kvp, 0) > 0, "MODIFYCHANNEL of a closed channel fails");
	ST_CHECK(hvsim_st_host(&hvsim.stats.modifies_refused) == refused + 2,
		 "2 modifies refused");
	ST_CHECK(!hvsim_st_raw_modify(c->relid, 0), "MODIFYCHANNEL back to VP 0");
	ST_CHECK(hvsim_st_stats(c->relid).modifies == mods + 2 && !hvsim_st_target_vp(c->relid),
		 "2 modifies counted, the target is VP 0");
}

static void hvsim_st_subchannel(u32 sub)
{
	struct hvsim_st_chan c = {};

	if (!ST_CHECK(!hvsim_st_open(&c, sub, 0x50, 3, 3), "the sub-channel opens"))
		return;
	hvsim_st_ping(&c, 0x5000);
	hvsim_st_close(sub);
	hvsim_st_teardown(sub, 0x50);
	hvsim_st_torndown(0x50);
}

/* GPADL_TEARDOWN of the open channel's rings: answered after the close. */
static void hvsim_st_teardown_open(struct hvsim_st_chan *c)
{
	u64 deferred = hvsim_st_host(&hvsim.stats.gpadl_teardowns_deferred);
	u64 in;

	hvsim_st_teardown(c->relid, c->gpadl);
	ST_CHECK(hvsim_st_quiet(), "a teardown of open rings is not answered yet");
	ST_CHECK(hvsim_st_host(&hvsim.stats.gpadl_teardowns_deferred) == deferred + 1,
		 "it is counted as deferred");
	ST_CHECK(hvsim_st_ping(c, 0x6000), "the channel still works");
	hvsim_st_close(c->relid);
	hvsim_st_torndown(c->gpadl);
	ST_CHECK(!hvsim_st_open_count() && !hvsim_st_gpadl_pages(),
		 "the close closed the channel and completed the teardown");
	in = hvsim_st_stats(c->relid).pkts_in;
	c->send.ctl->read_index = c->send.ctl->write_index;
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = 1 });
	hvsim_iface.signal_event(c->conn_id);
	msleep(50);
	ST_CHECK(hvsim_st_stats(c->relid).pkts_in == in, "a closed channel is not read");
}

static bool hvsim_st_is_broken(u32 relid)
{
	bool broken;

	mutex_lock(&hvsim.chans[relid - 1].lock);
	broken = hvsim.chans[relid - 1].broken;
	mutex_unlock(&hvsim.chans[relid - 1].lock);
	return broken;
}

static void hvsim_st_broken(u32 echo)
{
	u64 broken = hvsim_st_stats(echo).broken;
	struct hvsim_st_chan c = {};

	/* an unaligned write index of the guest-to-host ring */
	if (!ST_CHECK(!hvsim_st_open(&c, echo, 0x60, 3, 3), "open for the broken-ring check"))
		return;
	WRITE_ONCE(c.send.ctl->write_index, 4);
	hvsim_iface.signal_event(c.conn_id);
	ST_CHECK(hvsim_st_poll(hvsim_st_is_broken(echo)),
		 "an invalid write index breaks the ring");
	hvsim_st_close(echo);
	hvsim_st_teardown(echo, 0x60);
	hvsim_st_torndown(0x60);

	/* an invalid read index of the host-to-guest ring */
	memset(&c, 0, sizeof(c));
	if (!ST_CHECK(!hvsim_st_open(&c, echo, 0x61, 3, 3), "reopen for the broken-ring check"))
		return;
	ST_CHECK(!hvsim_st_is_broken(echo), "a reopened channel is not broken");
	WRITE_ONCE(c.recv.ctl->read_index, 3 * PAGE_SIZE);
	hvsim_st_send(&c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = 2 });
	ST_CHECK(hvsim_st_poll(hvsim_st_is_broken(echo)),
		 "an invalid read index of the host-to-guest ring breaks it");
	ST_CHECK(hvsim_st_stats(echo).broken == broken + 2, "2 broken rings counted");
	hvsim_st_close(echo);
	hvsim_st_teardown(echo, 0x61);
	hvsim_st_torndown(0x61);
}

/* Fault injection rescinds the open echo device after 2 answers. */
static void hvsim_st_rescind(u32 echo, u32 sub)
{
	struct vmbus_channel_rescind_offer r1, r2;
	struct vmbus_channel_relid_released rel;
	struct hvsim_st_chan c = {};
	struct vmpacket_descriptor d;
	struct page **pages;
	unsigned int devs;
	u64 rejected, id = 0, i;
	u32 plen;

	if (!ST_CHECK(!hvsim_st_open(&c, echo, 0x70, 3, 3), "open for the rescind check") ||
	    !hvsim_st_mem(1, &pages) ||
	    !ST_CHECK(!hvsim_st_gpadl(echo, 0x71, pages, 1), "a second GPADL of the channel"))
		return;
	ST_CHECK(!hvsim_st_cmd("fault %u rescind-after 2", echo), "fault rescind-after 2");
	for (i = 0; i < 3; i++)
		hvsim_st_send(&c, &(struct hvsim_st_pkt){
			.type = VM_PKT_DATA_INBAND, .trans_id = 0x7000 + i, .data = &i, .len = 8 });
	if (hvsim_st_recv(CHANNELMSG_RESCIND_CHANNELOFFER, &r1, sizeof(r1)) &&
	    hvsim_st_recv(CHANNELMSG_RESCIND_CHANNELOFFER, &r2, sizeof(r2)))
		ST_CHECK(r1.child_relid == sub && r2.child_relid == echo,
			 "the sub-channel is rescinded, then the primary (%u, %u)",
			 r1.child_relid, r2.child_relid);
	for (i = 0; i < 2; i++)
		if (ST_CHECK(!hvsim_st_read(&c, &d, &id, sizeof(id), &plen), "answer %llu", i))
			ST_CHECK(d.trans_id == 0x7000 + i, "answer %llu is packet %#llx", i,
				 (u64)d.trans_id);
	ST_CHECK(hvsim_st_read(&c, &d, &id, sizeof(id), &plen) == -ENODATA,
		 "nothing is answered after the rescind");
	ST_CHECK(!hvsim_st_open_count(), "the rescinded channel is closed");
	ST_CHECK(!hvsim_st_mapped(echo, HVSIM_GPADL_MAPPED) &&
		 hvsim_st_mapped(echo, HVSIM_GPADL_RELEASED) == 2,
		 "the host released both GPADLs of the rescinded channel");
	rejected = hvsim_st_host(&hvsim.stats.msgs_rejected);
	hvsim_st_teardown(echo, 0x70);
	hvsim_st_torndown(0x70);
	hvsim_st_teardown(echo, 0x71);
	hvsim_st_torndown(0x71);
	hvsim_st_close(echo);
	ST_CHECK(hvsim_st_quiet() && hvsim_st_host(&hvsim.stats.msgs_rejected) == rejected,
		 "CLOSECHANNEL of the rescinded channel is tolerated");
	mutex_lock(&hvsim.lock);
	devs = hvsim_dev_count();
	mutex_unlock(&hvsim.lock);
	memset(&rel, 0, sizeof(rel));
	rel.header.msgtype = CHANNELMSG_RELID_RELEASED;
	rel.child_relid = sub;
	hvsim_st_post(&rel, sizeof(rel));
	rel.child_relid = echo;
	hvsim_st_post(&rel, sizeof(rel));
	ST_CHECK(hvsim_st_quiet(), "the releases are not answered");
	mutex_lock(&hvsim.lock);
	ST_CHECK(hvsim_dev_count() == devs - 2 && !hvsim_gpadl_count(echo, HVSIM_GPADL_RELEASED),
		 "the released relids and their records are gone");
	mutex_unlock(&hvsim.lock);
}

/* UNLOAD with an open channel, a GPADL and a pending teardown. */
static u32 hvsim_st_unload(void)
{
	struct vmbus_channel_message_header hdr;
	struct hvsim_st_chan c = {};
	struct page **pages;
	u32 relid;

	if (!ST_CHECK(!hvsim_st_cmd("offer echo"), "offer another echo device"))
		return 0;
	relid = hvsim_st_last_relid();
	hvsim_st_recv(CHANNELMSG_OFFERCHANNEL, NULL, 0);
	if (!ST_CHECK(!hvsim_st_open(&c, relid, 0x80, 3, 3), "open it") ||
	    !hvsim_st_mem(1, &pages) ||
	    !ST_CHECK(!hvsim_st_gpadl(relid, 0x81, pages, 1), "and a GPADL"))
		return relid;
	hvsim_st_teardown(relid, 0x80);
	memset(&hdr, 0, sizeof(hdr));
	hdr.msgtype = CHANNELMSG_UNLOAD;
	hvsim_st_post(&hdr, sizeof(hdr));
	hvsim_st_recv(CHANNELMSG_UNLOAD_RESPONSE, NULL, 0);
	ST_CHECK(!hvsim_st_open_count() && !hvsim_st_gpadl_pages() &&
		 !hvsim_st_mapped(0, HVSIM_GPADL_MAPPED),
		 "UNLOAD closes every channel and unmaps every GPADL");
	return relid;
}

/* A 0.13 guest: no connection ids, signals through the interrupt page. */
static void hvsim_st_old_guest(u32 echo)
{
	struct hvsim_st_offer offers[4];
	struct hvsim_st_chan c = {};
	struct page **pages;
	unsigned long *ip;
	u64 invalid;
	int n, ev;

	ip = hvsim_st_mem(1, &pages);
	if (!ip)
		return;
	n = hvsim_st_connect(HV_VMBUS_VERSION(0, 13), page_to_phys(pages[0]), offers,
			     ARRAY_SIZE(offers));
	if (!ST_CHECK(n == 2 && !offers[0].conn_id,
		      "a 0.13 guest gets 2 offers, no connection ids"))
		return;
	c.int_send = ip + PAGE_SIZE / 2 / sizeof(unsigned long);
	if (!ST_CHECK(!hvsim_st_open(&c, echo, 0x90, 3, 3), "open on 0.13"))
		return;
	ev = hvsim_st_events(echo);
	ST_CHECK(hvsim_st_ping(&c, 0x9000), "echo through the interrupt page");
	ST_CHECK(hvsim_st_events(echo) > ev && test_bit(echo, ip) && !test_bit(echo, c.int_send),
		 "the host took the send bit and set the receive bit");
	invalid = atomic64_read(&hvsim.signals_invalid);
	set_bit(100, c.int_send);
	hvsim_iface.signal_event(HV_VMBUS_EVENT_CONN_ID);
	hvsim_iface.signal_event(HVSIM_CHAN_CONN_ID_BASE | echo);
	ST_CHECK(atomic64_read(&hvsim.signals_invalid) == invalid + 2 && !test_bit(100, c.int_send),
		 "a bit of no channel and a 1.1 connection id count as invalid on 0.13");
}

static void hvsim_st_reset(void)
{
	u32 relid;

	mutex_lock(&hvsim.lock);
	for (relid = 1; relid <= HVSIM_MAX_DEVICES; relid++)
		if (hvsim_dev_get(relid))
			hvsim_dev_rescind(relid);
	ST_CHECK(!hvsim.n_gpadls && !hvsim.n_refused && !hvsim.gpadl_pages && !hvsim_dev_count(),
		 "nothing is left: %u GPADLs, %u refusal records, %lu pages, %u devices",
		 hvsim.n_gpadls, hvsim.n_refused, hvsim.gpadl_pages, hvsim_dev_count());
	memset(&hvsim.stats, 0, sizeof(hvsim.stats));
	atomic64_set(&hvsim.signals_invalid, 0);
	atomic64_set(&hvsim.monitor_invalid, 0);
	spin_lock_irq(&hvsim.monitor_lock);
	hvsim.monitor_polls = 0;
	spin_unlock_irq(&hvsim.monitor_lock);
	hvsim.last_error[0] = '\0';
	hvsim.n_last_relids = 0;
	hvsim.next_monitor_id = 0;
	memset(hvsim.hvsock, 0, sizeof(hvsim.hvsock));
	memset(&hvsim.hvsock_stats, 0, sizeof(hvsim.hvsock_stats));
	hvsim.hvsock_next_id = 0;
	hvsim.last_hvsock = 0;
	mutex_unlock(&hvsim.lock);
}

/**
 * hvsim_selftest() - check the host against the fake guest
 *
 * Return: 0 if every check passed, -EINVAL if one failed (the kernel log
 * says which), or the error of attaching.
 */
int hvsim_selftest(void)
{
	struct hvsim_st_offer offers[4];
	struct hvsim_st_chan c = {};
	u32 echo, sub, kvp, echo2;
	int ret, n;

	if (hvsim.max_version < HVSIM_VERSION_WIN10_V5_3) {
		pr_info("skipped: it needs max_version 5.3 or newer\n");
		return 0;
	}
	ret = hvsim_st_attach();
	if (ret) {
		pr_err("cannot attach the fake guest: %d\n", ret);
		return ret;
	}
	ST_CHECK(!hvsim_st_cmd("offer echo"), "offer echo");
	echo = hvsim_st_last_relid();
	ST_CHECK(!hvsim_st_cmd("subchannels %u 1", echo), "add a sub-channel");
	sub = hvsim_st_last_relid();
	ST_CHECK(!hvsim_st_cmd("offer kvp"), "offer kvp");
	kvp = hvsim_st_last_relid();
	n = hvsim_st_connect(HVSIM_VERSION_WIN10_V5_3, 0, offers, ARRAY_SIZE(offers));
	if (ST_CHECK(n == 3, "3 offers on 5.3, got %d", n)) {
		hvsim_st_gpadls(echo, kvp);
		hvsim_st_big_gpadl(echo);
		hvsim_st_opens(echo, kvp);
		if (ST_CHECK(!hvsim_st_open(&c, echo, 0x40, 4, 4), "the echo channel opens")) {
			hvsim_st_data_plane(&c);
			hvsim_st_faults(&c, kvp);
			hvsim_st_modify(&c, kvp);
			hvsim_st_subchannel(sub);
			hvsim_st_teardown_open(&c);
		}
		hvsim_st_broken(echo);
		hvsim_st_rescind(echo, sub);
		hvsim_st_hvsock();
		echo2 = hvsim_st_unload();
		if (echo2)
			hvsim_st_old_guest(echo2);
		hvsim_st_monitor();
	}
	hvsim_st_detach();
	hvsim_st_reset();
	if (hvsim_st_failed()) {
		pr_err("%u of %u checks failed\n", hvsim_st_failed(), hvsim_st_checks());
		return -EINVAL;
	}
	pr_info("pass (%u checks)\n", hvsim_st_checks());
	return 0;
}
