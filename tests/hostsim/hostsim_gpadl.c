// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPADLs, host side: GPADL_HEADER and GPADL_BODY build a GPADL, the host
 * maps it and answers GPADL_CREATED; GPADL_TEARDOWN unmaps it and is
 * answered with GPADL_TORNDOWN (see hostsim_chan.h for the rules around
 * open channels and rescinds).
 *
 * Everything the guest says is checked before use: the relid must be a
 * channel the guest holds, the handle must be new, there must be exactly
 * one range whose byte count and offset match the PFN count announced by
 * range_buflen, every PFN must be a page of RAM, no more PFNs may come
 * than announced, and the host's limits (HVSIM_MAX_GPADLS,
 * HVSIM_GPADL_MAX_PAGES) hold. A refused GPADL gets GPADL_CREATED with a
 * non-zero status and a logged reason; the bodies that the guest may still
 * send for it are dropped quietly, and a body for a handle the host never
 * saw is answered with a refusal for relid 0.
 *
 * Everything here runs with hvsim.lock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hostsim.h"

/* Guest frames are 4 KiB; the host maps them as its own pages. */
static_assert(PAGE_SIZE == VMBUS_RING_CONTROL_SIZE);

static_assert(sizeof(struct vmbus_channel_gpadl_header) == 20);
static_assert(sizeof(struct gpa_range) == 8);
static_assert(sizeof(struct vmbus_channel_gpadl_body) == 16);
static_assert(sizeof(struct vmbus_channel_gpadl_created) == 20);
static_assert(sizeof(struct vmbus_channel_gpadl_teardown) == 16);
static_assert(sizeof(struct vmbus_channel_gpadl_torndown) == 12);

/* Where the PFNs start in a GPADL_HEADER with its one range. */
#define HVSIM_GPADL_HEADER_PFNS	28U
static_assert(HVSIM_GPADL_HEADER_PFNS ==
	      sizeof(struct vmbus_channel_gpadl_header) + sizeof(struct gpa_range));

/**
 * hvsim_guest_pfn_ok() - is a PFN the guest names a page of RAM?
 * @pfn: the PFN
 *
 * It must have a struct page and be System RAM, so that neither mapping
 * nor reading it can fault (a hole of the memory map has struct pages too).
 *
 * Return: true if the host may map or read it.
 */
bool hvsim_guest_pfn_ok(u64 pfn)
{
	return (unsigned long)pfn == pfn && pfn_valid((unsigned long)pfn) &&
	       region_intersects(PFN_PHYS(pfn), PAGE_SIZE, IORESOURCE_SYSTEM_RAM,
				 IORES_DESC_NONE) == REGION_INTERSECTS;
}

/**
 * hvsim_gpadl_find() - look up a GPADL by handle
 * @handle: the guest's handle
 *
 * Return: the GPADL (in any state, refusal records included), or NULL.
 */
struct hvsim_gpadl *hvsim_gpadl_find(u32 handle)
{
	struct hvsim_gpadl *g;

	lockdep_assert_held(&hvsim.lock);
	list_for_each_entry(g, &hvsim.gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

/**
 * hvsim_gpadl_count() - count a channel's GPADLs in one state
 * @relid: the channel, or 0 for all
 * @state: the state
 *
 * Return: how many.
 */
unsigned int hvsim_gpadl_count(u32 relid, enum hvsim_gpadl_state state)
{
	struct hvsim_gpadl *g;
	unsigned int n = 0;

	lockdep_assert_held(&hvsim.lock);
	list_for_each_entry(g, &hvsim.gpadls, node)
		if (g->state == state && (!relid || g->relid == relid))
			n++;
	return n;
}

static void hvsim_gpadl_send_created(u32 relid, u32 handle, u32 status)
{
	struct vmbus_channel_gpadl_created msg;

	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = CHANNELMSG_GPADL_CREATED;
	msg.child_relid = relid;
	msg.gpadl = handle;
	msg.creation_status = status;
	hvsim_send_to_guest(&msg, sizeof(msg));
}

static void hvsim_gpadl_send_torndown(u32 handle)
{
	struct vmbus_channel_gpadl_torndown msg;

	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = CHANNELMSG_GPADL_TORNDOWN;
	msg.gpadl = handle;
	hvsim.stats.gpadls_torndown++;
	hvsim_send_to_guest(&msg, sizeof(msg));
}

/* Give back the mapping and the page array; the record stays. */
static void hvsim_gpadl_unmap(struct hvsim_gpadl *g)
{
	if (g->va)
		vunmap(g->va);
	g->va = NULL;
	if (g->pages) {
		kvfree(g->pages);
		hvsim.gpadl_pages -= g->npfns;
	}
	g->pages = NULL;
}

static void hvsim_gpadl_free(struct hvsim_gpadl *g)
{
	hvsim_gpadl_unmap(g);
	list_del(&g->node);
	if (g->state == HVSIM_GPADL_REFUSED)
		hvsim.n_refused--;
	else
		hvsim.n_gpadls--;
	kfree(g);
}

/*
 * Keep at most HVSIM_GPADL_MAX_REFUSED refusal records, dropping the
 * oldest. Done when a message comes in, never while the list is walked.
 */
static void hvsim_gpadl_trim_refused(void)
{
	struct hvsim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, &hvsim.gpadls, node) {
		if (hvsim.n_refused <= HVSIM_GPADL_MAX_REFUSED)
			return;
		if (g->state == HVSIM_GPADL_REFUSED)
			hvsim_gpadl_free(g);
	}
}

/* Keep a record of a refused handle so that its bodies pass quietly. */
static void hvsim_gpadl_mark_refused(struct hvsim_gpadl *g, u32 relid, u32 handle)
{
	if (g) {
		hvsim_gpadl_unmap(g);
		hvsim.n_gpadls--;
	} else {
		g = kzalloc(sizeof(*g), GFP_KERNEL);
		if (!g)
			return;
		g->handle = handle;
		g->relid = relid;
		list_add_tail(&g->node, &hvsim.gpadls);
	}
	g->state = HVSIM_GPADL_REFUSED;
	hvsim.n_refused++;
}

/*
 * Refuse a GPADL: log why, answer GPADL_CREATED with a failure. @g is the
 * GPADL being received, or NULL when the header itself was refused; @record
 * says whether to remember the handle as refused (not when it is another
 * GPADL's).
 */
static __printf(5, 6) void hvsim_gpadl_refuse(struct hvsim_gpadl *g, u32 relid, u32 handle,
					      bool record, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn("GPADL %#x of relid %u refused: %pV\n", handle, relid, &vaf);
	va_end(args);
	hvsim.stats.gpadls_refused++;
	if (record)
		hvsim_gpadl_mark_refused(g, relid, handle);
	hvsim_gpadl_send_created(relid, handle, HVSIM_STATUS_FAILED);
}

/* All PFNs are in: map them and say so. */
static void hvsim_gpadl_complete(struct hvsim_gpadl *g)
{
	g->va = vmap(g->pages, g->npfns, VM_MAP, PAGE_KERNEL);
	if (!g->va) {
		hvsim_gpadl_refuse(g, g->relid, g->handle, true,
				   "cannot map its %u pages", g->npfns);
		return;
	}
	g->state = HVSIM_GPADL_MAPPED;
	hvsim.stats.gpadls_created++;
	pr_debug("GPADL %#x of relid %u: %u pages mapped\n", g->handle, g->relid, g->npfns);
	hvsim_gpadl_send_created(g->relid, g->handle, 0);
}

/* Take @n PFNs from @p; false if one is invalid (the GPADL is refused). */
static bool hvsim_gpadl_add_pfns(struct hvsim_gpadl *g, const u8 *p, u32 n)
{
	u64 pfn;
	u32 i;

	for (i = 0; i < n; i++) {
		pfn = hvsim_get_u64(p + i * sizeof(u64));
		if (!hvsim_guest_pfn_ok(pfn)) {
			hvsim_gpadl_refuse(g, g->relid, g->handle, true,
					   "PFN %u (%#llx) is not a page of the guest",
					   g->nreceived, pfn);
			return false;
		}
		g->pages[g->nreceived++] = pfn_to_page((unsigned long)pfn);
	}
	if (g->nreceived == g->npfns)
		hvsim_gpadl_complete(g);
	return true;
}

/**
 * hvsim_gpadl_header() - GPADL_HEADER: the guest starts a GPADL
 * @data: the message
 * @size: its size
 */
void hvsim_gpadl_header(const void *data, u32 size)
{
	const struct vmbus_channel_gpadl_header *h = data;
	const struct hvsim_dev *d;
	struct hvsim_gpadl *g;
	u32 relid, handle, count, offset, npfns, n;

	lockdep_assert_held(&hvsim.lock);
	hvsim_gpadl_trim_refused();
	if (size < sizeof(*h)) {
		hvsim_reject(CHANNELMSG_GPADL_HEADER, "too short");
		return;
	}
	relid = h->child_relid;
	handle = h->gpadl;
	if (!handle) {
		hvsim_gpadl_refuse(NULL, relid, handle, false, "handle 0 is no handle");
		return;
	}
	g = hvsim_gpadl_find(handle);
	if (g && g->state != HVSIM_GPADL_REFUSED) {
		hvsim_gpadl_refuse(NULL, relid, handle, false,
				   "the handle is already in use (relid %u)", g->relid);
		return;
	}
	if (g)
		hvsim_gpadl_free(g);
	d = hvsim_dev_get(relid);
	if (!d || d->state != HVSIM_DEV_OFFERED) {
		hvsim_gpadl_refuse(NULL, relid, handle, true, "the guest holds no such channel");
		return;
	}
	if (size < HVSIM_GPADL_HEADER_PFNS || h->rangecount != 1) {
		hvsim_gpadl_refuse(NULL, relid, handle, true,
				   "%u ranges in %u bytes: this host takes exactly one",
				   h->rangecount, size);
		return;
	}
	count = h->range[0].byte_count;
	offset = h->range[0].byte_offset;
	if (!count || offset >= PAGE_SIZE) {
		hvsim_gpadl_refuse(NULL, relid, handle, true,
				   "a range of %u bytes at offset %u", count, offset);
		return;
	}
	npfns = DIV_ROUND_UP((u64)offset + count, PAGE_SIZE);
	if (h->range_buflen != sizeof(struct gpa_range) + (u64)npfns * sizeof(u64)) {
		hvsim_gpadl_refuse(NULL, relid, handle, true,
				   "%u bytes at offset %u span %u pages, range_buflen %u does not say so",
				   count, offset, npfns, h->range_buflen);
		return;
	}
	n = (size - HVSIM_GPADL_HEADER_PFNS) / sizeof(u64);
	if ((size - HVSIM_GPADL_HEADER_PFNS) % sizeof(u64) || n > npfns) {
		hvsim_gpadl_refuse(NULL, relid, handle, true,
				   "%u bytes of PFNs for %u pages", size - HVSIM_GPADL_HEADER_PFNS,
				   npfns);
		return;
	}
	if (hvsim.n_gpadls >= HVSIM_MAX_GPADLS ||
	    hvsim.gpadl_pages + npfns > HVSIM_GPADL_MAX_PAGES) {
		hvsim_gpadl_refuse(NULL, relid, handle, true,
				   "over the host's limits (%u GPADLs, %lu pages)",
				   HVSIM_MAX_GPADLS, HVSIM_GPADL_MAX_PAGES);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (g)
		g->pages = kvcalloc(npfns, sizeof(*g->pages), GFP_KERNEL);
	if (!g || !g->pages) {
		kfree(g);
		hvsim_gpadl_refuse(NULL, relid, handle, true, "out of memory");
		return;
	}
	g->state = HVSIM_GPADL_RECEIVING;
	g->handle = handle;
	g->relid = relid;
	g->byte_offset = offset;
	g->byte_count = count;
	g->npfns = npfns;
	list_add_tail(&g->node, &hvsim.gpadls);
	hvsim.n_gpadls++;
	hvsim.gpadl_pages += npfns;
	hvsim_gpadl_add_pfns(g, (const u8 *)data + HVSIM_GPADL_HEADER_PFNS, n);
}

/**
 * hvsim_gpadl_body() - GPADL_BODY: more PFNs of a GPADL
 * @data: the message
 * @size: its size
 */
void hvsim_gpadl_body(const void *data, u32 size)
{
	const struct vmbus_channel_gpadl_body *b = data;
	struct hvsim_gpadl *g;
	u32 n;

	lockdep_assert_held(&hvsim.lock);
	hvsim_gpadl_trim_refused();
	if (size < sizeof(*b)) {
		hvsim_reject(CHANNELMSG_GPADL_BODY, "too short");
		return;
	}
	g = hvsim_gpadl_find(b->gpadl);
	if (!g) {
		hvsim_gpadl_refuse(NULL, 0, b->gpadl, false, "a body for a handle never announced");
		return;
	}
	if (g->state == HVSIM_GPADL_REFUSED) {
		pr_debug("GPADL_BODY of refused GPADL %#x dropped\n", b->gpadl);
		return;
	}
	if (g->state != HVSIM_GPADL_RECEIVING) {
		hvsim.stats.msgs_rejected++;
		pr_warn("rejected GPADL_BODY for GPADL %#x of relid %u: it is complete already\n",
			g->handle, g->relid);
		return;
	}
	n = (size - sizeof(*b)) / sizeof(u64);
	if (!n || (size - sizeof(*b)) % sizeof(u64) || n > g->npfns - g->nreceived) {
		hvsim_gpadl_refuse(g, g->relid, g->handle, true,
				   "a body of %u bytes with %u of %u PFNs received",
				   size, g->nreceived, g->npfns);
		return;
	}
	hvsim_gpadl_add_pfns(g, (const u8 *)data + sizeof(*b), n);
}

/**
 * hvsim_gpadl_teardown() - GPADL_TEARDOWN: the guest wants a GPADL back
 * @data: the message
 * @size: its size
 *
 * Answered at once with GPADL_TORNDOWN, except for a GPADL that backs an
 * open channel: then when the channel closes (hvsim_gpadl_unuse()).
 */
void hvsim_gpadl_teardown(const void *data, u32 size)
{
	const struct vmbus_channel_gpadl_teardown *t = data;
	struct hvsim_gpadl *g;

	lockdep_assert_held(&hvsim.lock);
	if (size < sizeof(*t)) {
		hvsim_reject(CHANNELMSG_GPADL_TEARDOWN, "too short");
		return;
	}
	g = hvsim_gpadl_find(t->gpadl);
	if (!g || g->state == HVSIM_GPADL_REFUSED) {
		hvsim.stats.msgs_rejected++;
		pr_warn("rejected GPADL_TEARDOWN of GPADL %#x (relid %u): no such GPADL\n",
			t->gpadl, t->child_relid);
		return;
	}
	if (g->relid != t->child_relid) {
		hvsim.stats.msgs_rejected++;
		pr_warn("rejected GPADL_TEARDOWN of GPADL %#x for relid %u: it is relid %u's\n",
			t->gpadl, t->child_relid, g->relid);
		return;
	}
	switch (g->state) {
	case HVSIM_GPADL_RECEIVING:
		pr_warn("GPADL %#x of relid %u torn down before all its PFNs came\n",
			g->handle, g->relid);
		break;
	case HVSIM_GPADL_RELEASED:
		pr_debug("GPADL %#x of rescinded relid %u: teardown acknowledged\n",
			 g->handle, g->relid);
		break;
	default:
		if (!g->users)
			break;
		if (g->teardown_pending) {
			hvsim.stats.msgs_rejected++;
			pr_warn("rejected GPADL_TEARDOWN of GPADL %#x: already pending\n",
				g->handle);
			return;
		}
		/* a guest bug: answered once the channel is closed */
		g->teardown_pending = true;
		hvsim.stats.gpadl_teardowns_deferred++;
		pr_warn("guest bug: GPADL_TEARDOWN of GPADL %#x, the rings of open channel %u: answered when the channel closes\n",
			g->handle, g->relid);
		return;
	}
	hvsim_gpadl_free(g);
	hvsim_gpadl_send_torndown(t->gpadl);
}

/**
 * hvsim_gpadl_unuse() - a channel stopped using a GPADL for its rings
 * @g: the GPADL
 *
 * Completes a teardown the guest asked for meanwhile.
 */
void hvsim_gpadl_unuse(struct hvsim_gpadl *g)
{
	u32 handle = g->handle;

	lockdep_assert_held(&hvsim.lock);
	if (WARN_ON_ONCE(!g->users) || --g->users || !g->teardown_pending)
		return;
	hvsim_gpadl_free(g);
	hvsim_gpadl_send_torndown(handle);
}

/**
 * hvsim_gpadl_release_relid() - a channel is rescinded: let go of its GPADLs
 * @relid: the channel, already stopped
 *
 * Mapped GPADLs are unmapped and kept as released records (a teardown the
 * guest still sends is acknowledged); one still being built is refused.
 */
void hvsim_gpadl_release_relid(u32 relid)
{
	struct hvsim_gpadl *g, *tmp;

	lockdep_assert_held(&hvsim.lock);
	list_for_each_entry_safe(g, tmp, &hvsim.gpadls, node) {
		if (g->relid != relid)
			continue;
		switch (g->state) {
		case HVSIM_GPADL_RECEIVING:
			hvsim_gpadl_refuse(g, relid, g->handle, true, "the channel was rescinded");
			break;
		case HVSIM_GPADL_MAPPED:
			WARN_ON_ONCE(g->users);
			hvsim_gpadl_unmap(g);
			g->state = HVSIM_GPADL_RELEASED;
			break;
		default:
			break;
		}
	}
}

/**
 * hvsim_gpadl_forget_relid() - drop every GPADL and record of a channel
 * @relid: the channel, already stopped
 */
void hvsim_gpadl_forget_relid(u32 relid)
{
	struct hvsim_gpadl *g, *tmp;

	lockdep_assert_held(&hvsim.lock);
	list_for_each_entry_safe(g, tmp, &hvsim.gpadls, node)
		if (g->relid == relid)
			hvsim_gpadl_free(g);
}

/**
 * hvsim_gpadl_forget_all() - the connection ended: drop every GPADL
 *
 * Nothing is answered, not even a pending teardown: the guest that asked
 * is gone. Every channel must be stopped already.
 */
void hvsim_gpadl_forget_all(void)
{
	struct hvsim_gpadl *g, *tmp;

	lockdep_assert_held(&hvsim.lock);
	list_for_each_entry_safe(g, tmp, &hvsim.gpadls, node)
		hvsim_gpadl_free(g);
}
