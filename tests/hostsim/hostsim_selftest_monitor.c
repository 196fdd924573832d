// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's self-test, monitored notification (hostsim_monitor.c):
 * contacts naming bad monitor pages are refused; a monitored device's
 * offer carries its monitor id and its entries (latency, connection id)
 * are in both pages, an unmonitored one's are not; the host polls the
 * client page only while a monitored channel is open; a pending bit set
 * by the fake guest, without a hypercall, gets its packets echoed and is
 * counted as a monitor-page signal, not as a hypercall; bits of monitor ids
 * not in use are counted and dropped; UNLOAD stops the polling.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": selftest: " fmt

#include <linux/delay.h>
#include <linux/mm.h>

#include "hostsim_selftest.h"

/* A PFN no machine has. */
#define HVSIM_ST_BAD_GPA	BIT_ULL(62)

static bool hvsim_st_polling(void)
{
	bool on;

	mutex_lock(&hvsim.lock);
	on = hvsim.monitor_polling;
	mutex_unlock(&hvsim.lock);
	return on;
}

static u64 hvsim_st_polls(void)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&hvsim.monitor_lock, flags);
	n = hvsim.monitor_polls;
	spin_unlock_irqrestore(&hvsim.monitor_lock, flags);
	return n;
}

/* Contacts naming bad monitor pages: each is refused. */
static void hvsim_st_bad_contacts(void)
{
	u32 v5 = HVSIM_VERSION_WIN10_V5_3, v4 = HV_VMBUS_VERSION(4, 0), refused;
	struct page **pages;
	u64 a, b, c;

	if (!hvsim_st_mem(3, &pages))
		return;
	a = page_to_phys(pages[0]);
	b = page_to_phys(pages[1]);
	c = page_to_phys(pages[2]);
	mutex_lock(&hvsim.lock);
	refused = hvsim.stats.contacts_refused;
	mutex_unlock(&hvsim.lock);
	ST_CHECK(hvsim_st_contact(v5, 0, 0, b) == 0, "a contact without a server page is refused");
	ST_CHECK(hvsim_st_contact(v5, 0, a, 0) == 0, "a contact without a client page is refused");
	ST_CHECK(hvsim_st_contact(v5, 0, a + 8, b) == 0,
		 "a contact with an unaligned monitor page is refused");
	ST_CHECK(hvsim_st_contact(v5, 0, a, HVSIM_ST_BAD_GPA) == 0,
		 "a contact with a monitor page outside RAM is refused");
	ST_CHECK(hvsim_st_contact(v5, 0, a, a) == 0,
		 "a contact with one page as both monitor pages is refused");
	ST_CHECK(hvsim_st_contact(v4, b, a, b) == 0,
		 "a contact with the interrupt page as client page is refused (4.0)");
	ST_CHECK(hvsim_st_contact(v4, a + 64, a, b) == 0,
		 "a contact with an interrupt page inside the server page is refused (4.0)");
	ST_CHECK(hvsim_st_contact(v4, c, a, b) == 1, "distinct pages are accepted (4.0)");
	mutex_lock(&hvsim.lock);
	ST_CHECK(hvsim.stats.contacts_refused == refused + 7 && hvsim.monitor_pages[1],
		 "7 contacts refused (counted %u), the good one mapped its pages",
		 hvsim.stats.contacts_refused - refused);
	mutex_unlock(&hvsim.lock);
}

/* The entries of @o in @page: latency and connection id as the host wrote. */
static bool hvsim_st_entries(struct hv_vmbus_monitor_page *page, const struct hvsim_st_offer *o,
			     u16 latency, u32 conn_id)
{
	unsigned int grp = o->monitor_id / 32, bit = o->monitor_id % 32;

	return READ_ONCE(page->latency[grp][bit]) == latency &&
	       READ_ONCE(page->parameter[grp][bit].connection_id) == conn_id;
}

static const struct hvsim_st_offer *
hvsim_st_find(const struct hvsim_st_offer *offers, int n, u32 relid)
{
	int i;

	for (i = 0; i < n; i++)
		if (offers[i].relid == relid)
			return &offers[i];
	return NULL;
}

/* Packets signalled through the client page come back; bits of no channel. */
static void hvsim_st_monitor_traffic(const struct hvsim_st_offer *mon,
				     const struct hvsim_st_offer *plain)
{
	struct hv_vmbus_monitor_page *client = hvsim_st_monitor_page(HVSIM_MONITOR_CLIENT);
	struct hvsim_st_chan c = {};
	struct vmpacket_descriptor d;
	u64 invalid, polls, id, back;
	unsigned int i;
	u32 plen;

	if (!ST_CHECK(!hvsim_st_polling(), "no polling before a monitored channel opens") ||
	    !ST_CHECK(!hvsim_st_open(&c, mon->relid, 0xa0, 3, 3), "the monitored channel opens"))
		return;
	c.monitored = true;
	c.monitor_id = mon->monitor_id;
	ST_CHECK(hvsim_st_poll(hvsim_st_polling()), "the host polls while it is open");
	for (i = 0; i < 20; i++) {
		struct hvsim_st_pkt pkt = {
			.type = VM_PKT_DATA_INBAND, .trans_id = 0xa000 + i, .data = &id,
			.len = sizeof(id),
		};

		id = pkt.trans_id;
		back = 0;
		if (!ST_CHECK(!hvsim_st_send(&c, &pkt), "send packet %#llx", id))
			break;
		if (!ST_CHECK(hvsim_st_poll(!hvsim_st_read(&c, &d, &back, sizeof(back), &plen)),
			      "packet %#llx signalled through the monitor page comes back", id))
			break;
		ST_CHECK(d.trans_id == id && back == id, "packet %#llx came back as %#llx", id,
			 back);
	}
	ST_CHECK(atomic64_read(&hvsim.chans[mon->relid - 1].sig_monitor) >= 1 &&
		 !atomic64_read(&hvsim.chans[mon->relid - 1].sig_in),
		 "counted as monitor-page signals (%lld), not hypercalls (%lld)",
		 (long long)atomic64_read(&hvsim.chans[mon->relid - 1].sig_monitor),
		 (long long)atomic64_read(&hvsim.chans[mon->relid - 1].sig_in));
	ST_CHECK(!READ_ONCE(client->trigger_group[mon->monitor_id / 32].pending),
		 "the host took the pending bit");

	/* bits of an unused id and of the unmonitored device's id */
	invalid = atomic64_read(&hvsim.monitor_invalid);
	id = (mon->monitor_id + 64) % 128;
	set_bit(id % 32, (unsigned long *)&client->trigger_group[id / 32].pending);
	set_bit(plain->monitor_id % 32,
		(unsigned long *)&client->trigger_group[plain->monitor_id / 32].pending);
	ST_CHECK(hvsim_st_poll(atomic64_read(&hvsim.monitor_invalid) == invalid + 2),
		 "2 pending bits of monitor ids not in use are counted (%lld)",
		 (long long)(atomic64_read(&hvsim.monitor_invalid) - invalid));
	ST_CHECK(!READ_ONCE(client->trigger_group[id / 32].pending) &&
		 !READ_ONCE(client->trigger_group[plain->monitor_id / 32].pending),
		 "and cleared");
	ST_CHECK(!atomic64_read(&hvsim.chans[plain->relid - 1].sig_monitor),
		 "the unmonitored channel was not served");

	hvsim_st_close(mon->relid);
	ST_CHECK(hvsim_st_quiet() && !hvsim_st_polling(), "polling stops with the close");
	polls = hvsim_st_polls();
	msleep(20);
	ST_CHECK(hvsim_st_polls() == polls, "no poll after it (%llu more)",
		 hvsim_st_polls() - polls);
	hvsim_st_teardown(mon->relid, 0xa0);
	hvsim_st_recv(CHANNELMSG_GPADL_TORNDOWN, NULL, 0);

	/* UNLOAD with the channel open stops the polling too */
	memset(&c, 0, sizeof(c));
	if (!ST_CHECK(!hvsim_st_open(&c, mon->relid, 0xa1, 3, 3), "it opens again"))
		return;
	ST_CHECK(hvsim_st_polling(), "polling again");
	hvsim_st_post(&(struct vmbus_channel_message_header){ .msgtype = CHANNELMSG_UNLOAD },
		      sizeof(struct vmbus_channel_message_header));
	hvsim_st_recv(CHANNELMSG_UNLOAD_RESPONSE, NULL, 0);
	mutex_lock(&hvsim.lock);
	ST_CHECK(!hvsim.monitor_polling && !hvsim.monitor_pages[0] && !hvsim.monitor_pages[1],
		 "UNLOAD stops polling and unmaps the monitor pages");
	mutex_unlock(&hvsim.lock);
}

/**
 * hvsim_st_monitor() - monitored notification against the fake guest
 *
 * Runs on its own connections; the devices it adds stay for the final reset.
 */
void hvsim_st_monitor(void)
{
	struct hv_vmbus_monitor_page *server = hvsim_st_monitor_page(HVSIM_MONITOR_SERVER);
	struct hv_vmbus_monitor_page *client = hvsim_st_monitor_page(HVSIM_MONITOR_CLIENT);
	const struct hvsim_st_offer *mon, *plain;
	struct hvsim_st_offer offers[8];
	u32 mrelid, prelid;
	int n;

	if (!server || !client)
		return;
	hvsim_st_bad_contacts();
	if (!ST_CHECK(!hvsim_st_cmd("offer echo monitored"), "offer a monitored echo device"))
		return;
	mrelid = hvsim_st_last_relid();
	if (!ST_CHECK(!hvsim_st_cmd("offer echo"), "and an unmonitored one"))
		return;
	prelid = hvsim_st_last_relid();
	ST_CHECK(hvsim_st_cmd("offer echo sometimes"), "a bad last word is refused");
	n = hvsim_st_connect(HVSIM_VERSION_WIN10_V5_3, 0, offers, ARRAY_SIZE(offers));
	mon = hvsim_st_find(offers, n, mrelid);
	plain = hvsim_st_find(offers, n, prelid);
	if (!ST_CHECK(mon && plain, "both are offered (%d offers)", n))
		return;
	ST_CHECK(mon->monitored && !plain->monitored,
		 "monitor_allocated only in the monitored one's offer");
	ST_CHECK(hvsim_st_entries(server, mon, HVSIM_MONITOR_LATENCY, mon->conn_id) &&
		 hvsim_st_entries(client, mon, HVSIM_MONITOR_LATENCY, mon->conn_id),
		 "its latency (%u) and connection id (%#x) are in both pages",
		 HVSIM_MONITOR_LATENCY, mon->conn_id);
	ST_CHECK(READ_ONCE(client->trigger_state) & BIT(mon->monitor_id / 32),
		 "its group is enabled");
	ST_CHECK(hvsim_st_entries(server, plain, 0, 0) && hvsim_st_entries(client, plain, 0, 0),
		 "the unmonitored device has no entries");
	hvsim_st_monitor_traffic(mon, plain);
}
