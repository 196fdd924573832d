// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's self-test, data plane, on an open echo channel of 3-page data
 * areas each way: in-band echoes (payload from offset8 on, padding, packet
 * types), GPA-direct packets answered with the guest memory they describe,
 * malformed GPA-direct packets, interrupt masking and suppression, flow
 * control both ways (the host-to-guest ring full, the guest waiting for
 * room in the guest-to-host ring), and the fault-injection commands.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": selftest: " fmt

#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "hostsim_selftest.h"

#define HVSIM_ST_BUF		(2 * PAGE_SIZE)

/* Read the next answer; true if it came and matches. */
static bool hvsim_st_expect(struct hvsim_st_chan *c, u16 type, u16 flags, u64 id,
			    const void *data, u32 len)
{
	struct vmpacket_descriptor d;
	u8 *buf = kzalloc(HVSIM_ST_BUF, GFP_KERNEL);
	u32 plen = 0;
	bool ok;

	if (!ST_CHECK(buf, "a buffer"))
		return false;
	ok = ST_CHECK(hvsim_st_poll(!hvsim_st_read(c, &d, buf, HVSIM_ST_BUF, &plen)),
		      "an answer to %#llx", id) &&
	     ST_CHECK(d.type == type && d.flags == flags && d.trans_id == id,
		      "answer type %u flags %u id %#llx, want %u %u %#llx", d.type, d.flags,
		      (u64)d.trans_id, type, flags, id) &&
	     ST_CHECK(plen == ALIGN(len, 8) && !memcmp(buf, data, len) &&
		      !memchr_inv(buf + len, 0, plen - len),
		      "answer %#llx carries the %u bytes (got %u)", id, len, plen);
	kfree(buf);
	return ok;
}

static void hvsim_st_inband(struct hvsim_st_chan *c)
{
	static const u32 lens[] = { 8, 100, 1 };
	u8 data[128], hdr[8];
	unsigned int i;
	int ev = hvsim_st_events(c->relid);

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 3 + 1;
	memset(hdr, 0xee, sizeof(hdr));
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ST_CHECK(!hvsim_st_send(c, &(struct hvsim_st_pkt){
			.type = VM_PKT_DATA_INBAND, .flags = 1, .trans_id = 0x1000 + i,
			.data = data, .len = lens[i] }), "send packet %u", i);
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		hvsim_st_expect(c, VM_PKT_DATA_INBAND, 1, 0x1000 + i, data, lens[i]);
	ST_CHECK(hvsim_st_events(c->relid) > ev, "the guest was interrupted");
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = 0x1010,
		      .hdr = hdr, .hdrlen = sizeof(hdr), .data = data, .len = 16 });
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, 0x1010, data, 16);
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_COMP, .trans_id = 0x1011,
		      .data = data, .len = 24 });
	hvsim_st_expect(c, VM_PKT_COMP, 0, 0x1011, data, 24);
	ST_CHECK(hvsim_st_stats(c->relid).pkts_in == 5 && hvsim_st_stats(c->relid).pkts_out == 5,
		 "5 packets in, 5 out");
}

/* A GPA-direct range header: {len, offset} then the PFNs. */
static u32 hvsim_st_range(u8 *p, u32 len, u32 offset, struct page **pages, unsigned int n)
{
	u64 pfn;
	unsigned int i;

	memcpy(p, &len, 4);
	memcpy(p + 4, &offset, 4);
	for (i = 0; i < n; i++) {
		pfn = pages ? page_to_pfn(pages[i]) : (1ULL << 50);
		memcpy(p + 8 + i * 8, &pfn, 8);
	}
	return 8 + n * 8;
}

static void hvsim_st_gpa_bad(struct hvsim_st_chan *c, u8 *hdr, u32 hlen, const char *what)
{
	u64 bad = hvsim_st_stats(c->relid).bad_pkts;
	struct vmpacket_descriptor d;
	u32 plen;
	u8 b[8];

	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_USING_GPA_DIRECT,
		      .trans_id = 0x2100, .hdr = hdr, .hdrlen = hlen });
	ST_CHECK(hvsim_st_poll(hvsim_st_stats(c->relid).bad_pkts == bad + 1) &&
		 hvsim_st_read(c, &d, b, sizeof(b), &plen) == -ENODATA,
		 "a GPA-direct packet with %s is dropped and counted", what);
}

static void hvsim_st_gpa(struct hvsim_st_chan *c)
{
	u8 hdr[200], *va, *want;
	struct page **pages;
	u32 count = 2, pos = 8, i;

	va = hvsim_st_mem(3, &pages);
	want = kmalloc(5300, GFP_KERNEL);
	if (!va || !ST_CHECK(want, "a buffer")) {
		kfree(want);
		return;
	}
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		va[i] = i * 7 + 3;
	memcpy(want, va + 100, 5000);
	memcpy(want + 5000, va + 2 * PAGE_SIZE, 300);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + 4, &count, 4);
	pos += hvsim_st_range(hdr + pos, 5000, 100, pages, 2);
	pos += hvsim_st_range(hdr + pos, 300, 0, pages + 2, 1);
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_USING_GPA_DIRECT,
		      .flags = 1, .trans_id = 0x2000, .hdr = hdr, .hdrlen = pos,
		      .data = "inband..", .len = 8 });
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, 0x2000, want, 5300);
	kfree(want);

	count = 1;
	memcpy(hdr + 4, &count, 4);
	pos = 8 + hvsim_st_range(hdr + 8, 100, 0, NULL, 1);
	hvsim_st_gpa_bad(c, hdr, pos, "an invalid PFN");
	pos = 8 + hvsim_st_range(hdr + 8, 100, PAGE_SIZE, pages, 1);
	hvsim_st_gpa_bad(c, hdr, pos, "an offset beyond the page");
	pos = 8 + hvsim_st_range(hdr + 8, 5000, 100, pages, 1);
	hvsim_st_gpa_bad(c, hdr, pos, "too few PFNs");
	count = 2;
	memcpy(hdr + 4, &count, 4);
	pos = 8 + hvsim_st_range(hdr + 8, 100, 0, pages, 1);
	hvsim_st_gpa_bad(c, hdr, pos, "a missing range");
	count = 0;
	memcpy(hdr + 4, &count, 4);
	hvsim_st_gpa_bad(c, hdr, 8, "no ranges");
}

static void hvsim_st_interrupts(struct hvsim_st_chan *c)
{
	struct hvsim_chan_stats s0 = hvsim_st_stats(c->relid);
	u64 id = 0x3000;
	int ev;

	/* masked: no interrupt */
	WRITE_ONCE(c->recv.ctl->interrupt_mask, 1);
	ev = hvsim_st_events(c->relid);
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	ST_CHECK(hvsim_st_poll(hvsim_st_stats(c->relid).pkts_out == s0.pkts_out + 1),
		 "the masked answer is written");
	ST_CHECK(hvsim_st_events(c->relid) == ev &&
		 hvsim_st_stats(c->relid).sig_suppressed == s0.sig_suppressed + 1,
		 "without an interrupt, counted as suppressed");
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);
	WRITE_ONCE(c->recv.ctl->interrupt_mask, 0);

	/* two answers unread: one interrupt, for the first */
	ev = hvsim_st_events(c->relid);
	id = 0x3001;
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	ST_CHECK(hvsim_st_poll(hvsim_st_stats(c->relid).pkts_out == s0.pkts_out + 2),
		 "the first answer is written");
	id = 0x3002;
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	ST_CHECK(hvsim_st_poll(hvsim_st_stats(c->relid).pkts_out == s0.pkts_out + 3),
		 "the second answer is written");
	ST_CHECK(hvsim_st_events(c->relid) == ev + 1 &&
		 hvsim_st_stats(c->relid).sig_suppressed == s0.sig_suppressed + 2,
		 "one interrupt for two answers (%d)", hvsim_st_events(c->relid) - ev);
	id = 0x3001;
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);
	id = 0x3002;
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);
}

/*
 * 1000-byte packets, 1024 bytes on the ring with descriptor and trailer:
 * each ring holds 11 of them. The guest sends without reading until its
 * ring is full too, then waits for room (pending_send_sz), reads one answer
 * and so lets the host go on, which must wake it.
 */
static void hvsim_st_flow(struct hvsim_st_chan *c)
{
	struct hvsim_chan_stats s0 = hvsim_st_stats(c->relid);
	struct hvsim_st_pkt p = { .type = VM_PKT_DATA_INBAND };
	unsigned int sent = 0, got = 0, total = 40, tries;
	struct vmpacket_descriptor d;
	bool blocked = false;
	unsigned long end;
	u8 *data, *buf;
	u32 plen;
	int ev;

	data = kzalloc(1000, GFP_KERNEL);
	buf = kzalloc(1024, GFP_KERNEL);
	if (!ST_CHECK(data && buf, "buffers"))
		goto out;
	p.data = data;
	p.len = 1000;
	for (tries = 0; tries < 100 && sent < total; tries++) {
		*(u32 *)data = sent;
		p.trans_id = sent;
		if (!hvsim_st_send(c, &p)) {
			sent++;
			continue;
		}
		/* full, and still full once the blocked host published its reads */
		if (blocked)
			break;
		blocked = hvsim_st_stats(c->relid).host_ring_full > s0.host_ring_full;
		if (blocked)
			flush_delayed_work(&hvsim.chans[c->relid - 1].work);
		else
			msleep(20);
	}
	ST_CHECK(hvsim_st_stats(c->relid).host_ring_full > s0.host_ring_full &&
		 READ_ONCE(c->recv.ctl->pending_send_sz) == 1024,
		 "with its ring full the host waits for 1024 bytes (pending_send_sz %u, %u sent)",
		 READ_ONCE(c->recv.ctl->pending_send_sz), sent);
	WRITE_ONCE(c->send.ctl->pending_send_sz, 1024);
	ev = hvsim_st_events(c->relid);
	if (ST_CHECK(!hvsim_st_read(c, &d, buf, 1024, &plen) && d.trans_id == 0,
		     "the first answer"))
		got++;
	ST_CHECK(hvsim_st_poll(hvsim_st_stats(c->relid).pending_wakeups > s0.pending_wakeups),
		 "the host, let go on, wakes the guest waiting for room");
	ST_CHECK(hvsim_st_events(c->relid) > ev, "with an interrupt");
	WRITE_ONCE(c->send.ctl->pending_send_sz, 0);
	end = jiffies + msecs_to_jiffies(HVSIM_ST_TIMEOUT_MS);
	while (got < total && time_before(jiffies, end)) {
		bool progress = false;

		while (!hvsim_st_read(c, &d, buf, 1024, &plen)) {
			ST_CHECK(d.trans_id == got && *(u32 *)buf == got,
				 "answer %u in order (got %llu)", got, (u64)d.trans_id);
			got++;
			progress = true;
		}
		while (sent < total) {
			*(u32 *)data = sent;
			p.trans_id = sent;
			if (hvsim_st_send(c, &p))
				break;
			sent++;
			progress = true;
		}
		if (!progress)
			hvsim_st_wait_event(c->relid, hvsim_st_events(c->relid));
	}
	ST_CHECK(got == total, "all %u answers came, %u did", total, got);
out:
	kfree(data);
	kfree(buf);
}

/**
 * hvsim_st_data_plane() - the echo device's data plane
 * @c: the open echo channel, 3 data pages each way
 */
void hvsim_st_data_plane(struct hvsim_st_chan *c)
{
	hvsim_st_inband(c);
	hvsim_st_gpa(c);
	hvsim_st_interrupts(c);
	hvsim_st_flow(c);
}

static bool hvsim_st_error_has(const char *what)
{
	bool has;

	mutex_lock(&hvsim.lock);
	has = strstr(hvsim.last_error, what);
	mutex_unlock(&hvsim.lock);
	return has;
}

/**
 * hvsim_st_faults() - the fault commands on the open echo channel
 * @c: the channel
 * @other_relid: a KVP device (IC faults of its own, no echo faults)
 */
void hvsim_st_faults(struct hvsim_st_chan *c, u32 other_relid)
{
	u32 relid = c->relid, plen;
	struct hvsim_chan_stats s0 = hvsim_st_stats(relid);
	struct vmpacket_descriptor d;
	char shown[64];
	u64 id, b;
	ktime_t t0;
	s64 ms;

	ST_CHECK(hvsim_st_cmd("fault %u bogus 1", relid) == -EINVAL &&
		 hvsim_st_error_has("unknown fault 'bogus'"), "an unknown fault is refused");
	ST_CHECK(hvsim_st_cmd("fault 99 drop 1") == -EINVAL && hvsim_st_error_has("no such relid"),
		 "a fault on no device is refused");
	ST_CHECK(hvsim_st_cmd("fault %u drop 1", other_relid) == -EINVAL &&
		 hvsim_st_error_has("unknown IC fault 'drop'"),
		 "an echo fault on an IC device is refused");
	ST_CHECK(hvsim_st_cmd("fault %u ic-short 1001", other_relid) == -EINVAL &&
		 hvsim_st_error_has("want 1 to 1000"), "an IC fault's count is bounded");
	ST_CHECK(hvsim_st_cmd("fault %u vss-bad-op", other_relid) == -EINVAL &&
		 hvsim_st_error_has("does not apply"), "a VSS fault on a KVP device is refused");
	ST_CHECK(!hvsim_st_cmd("fault %u kvp-bad-pool", other_relid) &&
		 !hvsim_st_cmd("fault %u clear", other_relid), "a KVP fault on it, cleared");
	ST_CHECK(hvsim_st_cmd("fault %u delay 60001", relid) == -EINVAL &&
		 hvsim_st_error_has("want 0 to 60000"), "a delay over a minute is refused");
	ST_CHECK(hvsim_st_cmd("fault %u drop x", relid) == -EINVAL, "a count must be a number");
	ST_CHECK(hvsim_st_cmd("fault %u", relid) == -EINVAL && hvsim_st_error_has("usage"),
		 "fault RELID alone is refused");
	ST_CHECK(hvsim_st_cmd("fault %u clear 1", relid) == -EINVAL, "clear takes no number");

	ST_CHECK(!hvsim_st_cmd("fault %u drop 2", relid), "fault drop 2");
	mutex_lock(&hvsim.chans[relid - 1].lock);
	hvsim_fault_show(&hvsim.chans[relid - 1].fault, shown, sizeof(shown));
	mutex_unlock(&hvsim.chans[relid - 1].lock);
	ST_CHECK(!strcmp(shown, "drop:2"), "the channel shows faults=%s", shown);
	for (id = 0x4000; id < 0x4003; id++)
		hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND,
			      .trans_id = id, .data = &id, .len = 8 });
	id = 0x4002;
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);
	ST_CHECK(hvsim_st_stats(relid).dropped == s0.dropped + 2 &&
		 hvsim_st_read(c, &d, &b, 8, &plen) == -ENODATA,
		 "the first two packets were dropped");

	ST_CHECK(!hvsim_st_cmd("fault %u corrupt 1", relid), "fault corrupt 1");
	id = 0x4100;
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	ST_CHECK(hvsim_st_poll(hvsim_st_stats(relid).corrupted == s0.corrupted + 1),
		 "an answer was corrupted");
	ST_CHECK(hvsim_st_read(c, &d, &b, 8, &plen) == -EIO && d.len8 == U16_MAX,
		 "its len8 is longer than the ring (%u)", d.len8);
	hvsim_st_skip(c, 16 + 8 + 8);
	id = 0x4101;
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);

	ST_CHECK(!hvsim_st_cmd("fault %u delay 200", relid), "fault delay 200");
	id = 0x4200;
	t0 = ktime_get();
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);
	ms = ktime_ms_delta(ktime_get(), t0);
	ST_CHECK(ms >= 190 && hvsim_st_stats(relid).delayed == s0.delayed + 1,
		 "the answer came after the delay (%lld ms)", ms);
	ST_CHECK(!hvsim_st_cmd("fault %u delay 3000", relid), "fault delay 3000");
	id = 0x4201;
	t0 = ktime_get();
	hvsim_st_send(c, &(struct hvsim_st_pkt){ .type = VM_PKT_DATA_INBAND, .trans_id = id,
		      .data = &id, .len = 8 });
	msleep(20);
	ST_CHECK(!hvsim_st_cmd("fault %u clear", relid), "fault clear");
	hvsim_st_expect(c, VM_PKT_DATA_INBAND, 0, id, &id, 8);
	ms = ktime_ms_delta(ktime_get(), t0);
	ST_CHECK(ms < 2500, "clearing the delay lets the waiting packet go (%lld ms)", ms);
}
