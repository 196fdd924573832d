// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's devices and their channel offers.
 *
 * A device is configured by the administrator (the control file) and
 * offered to the guest once the guest has asked for offers; devices added
 * later are offered at once. Rescinding stops the channel's data plane,
 * sends RESCIND_CHANNELOFFER and keeps the device, and so its relid, until
 * the guest answers RELID_RELEASED.
 * When the connection ends (UNLOAD, a new INITIATE_CONTACT, the guest
 * detaching), the host forgets what the guest saw: every device is offered
 * again on the next connection.
 *
 * Everything here runs with hvsim.lock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/hyperv.h>
#include <linux/lockdep.h>
#include <linux/string.h>

#include "hv/vmbus_proto.h"
#include "hostsim.h"

/**
 * hvsim_dev_get() - the device of a relid
 * @relid: the relid
 *
 * Return: the device, in any state but free, or NULL.
 */
struct hvsim_dev *hvsim_dev_get(u32 relid)
{
	struct hvsim_dev *d;

	if (relid < 1 || relid > HVSIM_MAX_DEVICES)
		return NULL;
	d = &hvsim.devs[relid - 1];
	return d->state == HVSIM_DEV_FREE ? NULL : d;
}

/**
 * hvsim_dev_count() - how many devices the table holds
 *
 * Rescinded devices the guest has not released yet are included, as they
 * still hold their relids.
 *
 * Return: the number of devices.
 */
unsigned int hvsim_dev_count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		if (hvsim.devs[i].state != HVSIM_DEV_FREE)
			n++;
	return n;
}

/**
 * hvsim_dev_state_name() - the state of a device as the control file shows it
 * @state: the state
 *
 * Return: "offered", "rescinded-pending" or "configured-not-offered".
 */
const char *hvsim_dev_state_name(enum hvsim_dev_state state)
{
	switch (state) {
	case HVSIM_DEV_OFFERED:
		return "offered";
	case HVSIM_DEV_RESCINDED:
		return "rescinded-pending";
	default:
		return "configured-not-offered";
	}
}

static int hvsim_alloc_monitor_id(void)
{
	unsigned int id;

	id = find_next_zero_bit(hvsim.monitor_ids, HVSIM_MAX_MONITOR_IDS,
				hvsim.next_monitor_id);
	if (id >= HVSIM_MAX_MONITOR_IDS)
		id = find_first_zero_bit(hvsim.monitor_ids, HVSIM_MAX_MONITOR_IDS);
	if (id >= HVSIM_MAX_MONITOR_IDS)
		return -ENOSPC;
	set_bit(id, hvsim.monitor_ids);
	hvsim.next_monitor_id = (id + 1) % HVSIM_MAX_MONITOR_IDS;
	return id;
}

/**
 * hvsim_dev_create() - a new device in the lowest free slot, so with the
 *	lowest free relid
 * @class: its class
 * @class_guid: the class GUID to offer
 * @instance: its instance GUID
 *
 * The device is configured, not offered yet (hvsim_offer_pending()).
 *
 * Return: the device, or NULL if the table is full.
 */
struct hvsim_dev *hvsim_dev_create(const struct hvsim_class *class,
				   const guid_t *class_guid, const guid_t *instance)
{
	struct hvsim_dev *d;
	unsigned int i;
	int monitor_id;

	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		if (hvsim.devs[i].state == HVSIM_DEV_FREE)
			break;
	if (i == HVSIM_MAX_DEVICES)
		return NULL;
	/* cannot fail: there are twice as many monitor ids as devices */
	monitor_id = hvsim_alloc_monitor_id();
	if (WARN_ON_ONCE(monitor_id < 0))
		return NULL;
	d = &hvsim.devs[i];
	memset(d, 0, sizeof(*d));
	d->state = HVSIM_DEV_CONFIGURED;
	d->relid = i + 1;
	d->class = class;
	guid_copy(&d->class_guid, class_guid);
	guid_copy(&d->instance, instance);
	d->monitor_id = monitor_id;
	return d;
}

static void hvsim_dev_free(struct hvsim_dev *d)
{
	unsigned int i;

	if (d->class == &hvsim_class_hvsock)
		hvsim_hvsock_forget(d->relid);
	hvsim_chan_forget(d->relid);
	hvsim_monitor_forget(d);
	clear_bit(d->monitor_id, hvsim.monitor_ids);
	/* sub-channels still waiting for their release lose their primary */
	if (!d->subidx)
		for (i = 0; i < HVSIM_MAX_DEVICES; i++)
			if (hvsim.devs[i].state != HVSIM_DEV_FREE &&
			    hvsim.devs[i].primary == d->relid)
				hvsim.devs[i].primary = 0;
	memset(d, 0, sizeof(*d));
}

/**
 * hvsim_dev_conn_id() - the connection id a device's channel signals on
 * @d: the device
 *
 * Its own from protocol 1.1 (WIN7) on; before, the shared event connection
 * (with the relid's bit in the interrupt page). Called with hvsim.lock held.
 *
 * Return: the connection id.
 */
u32 hvsim_dev_conn_id(const struct hvsim_dev *d)
{
	return hvsim.version >= HVSIM_VERSION_WIN7 ? HVSIM_CHAN_CONN_ID_BASE | d->relid :
						      HV_VMBUS_EVENT_CONN_ID;
}

static void hvsim_send_offer(struct hvsim_dev *d)
{
	struct vmbus_channel_offer_channel msg;

	/* every byte not set below (reserved, user-defined area) is zero */
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = CHANNELMSG_OFFERCHANNEL;
	guid_copy(&msg.offer.if_type, &d->class_guid);
	guid_copy(&msg.offer.if_instance, &d->instance);
	msg.offer.chn_flags = 0;
	msg.offer.mmio_megabytes = d->class->mmio_megabytes;
	msg.offer.sub_channel_index = d->subidx;
	if (d->class == &hvsim_class_hvsock)
		hvsim_hvsock_fill_offer(d->relid, &msg.offer);
	msg.child_relid = d->relid;
	msg.monitorid = d->monitor_id;
	/* a boolean byte since 0.13, which 1.1 turned into this bit */
	msg.monitor_allocated = d->monitored;
	/* the rest came with 1.1 (WIN7) and is zero before it */
	if (hvsim.version >= HVSIM_VERSION_WIN7) {
		msg.is_dedicated_interrupt = 1;
		msg.connection_id = hvsim_dev_conn_id(d);
	}
	/* its monitor page entries are there before the guest hears of it */
	if (d->monitored)
		hvsim_monitor_offer(d, hvsim_dev_conn_id(d));
	d->state = HVSIM_DEV_OFFERED;
	hvsim.stats.offers_sent++;
	pr_debug("offer relid %u %s index %u flags %#x monitor %u%s dedicated %u connection %#x mmio %u MiB\n",
		 d->relid, d->class->name, d->subidx, msg.offer.chn_flags, msg.monitorid,
		 msg.monitor_allocated ? " (allocated)" : "", msg.is_dedicated_interrupt,
		 msg.connection_id, msg.offer.mmio_megabytes);
	hvsim_send_to_guest(&msg, sizeof(msg));
}

/* Is the guest still holding an earlier offer of the same channel? */
static bool hvsim_reoffer_waits(const struct hvsim_dev *d)
{
	const struct hvsim_dev *o;
	unsigned int i;

	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		o = &hvsim.devs[i];
		if (o->state == HVSIM_DEV_RESCINDED && o->subidx == d->subidx &&
		    guid_equal(&o->class_guid, &d->class_guid) &&
		    guid_equal(&o->instance, &d->instance))
			return true;
	}
	return false;
}

static bool hvsim_can_offer(const struct hvsim_dev *d)
{
	return d->state == HVSIM_DEV_CONFIGURED && !hvsim_reoffer_waits(d);
}

/**
 * hvsim_offer_pending() - offer what the guest should see and does not yet
 *
 * Once the guest has asked for offers on this connection, sends an
 * OFFERCHANNEL for every configured device not offered yet: primaries in
 * relid order, each followed by its sub-channels in index order. A
 * sub-channel is offered only once its primary is, and only from protocol
 * 2.4 (WIN8) on, which introduced them. A device whose previous offer
 * (same class, instance and sub-channel index) was rescinded and not yet
 * released waits for that release.
 */
void hvsim_offer_pending(void)
{
	struct hvsim_dev *p, *s;
	unsigned int i, j, idx, next;

	lockdep_assert_held(&hvsim.lock);
	if (hvsim.state != HVSIM_CONNECTED || !hvsim.offers_requested)
		return;
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		p = &hvsim.devs[i];
		if (p->state == HVSIM_DEV_FREE || p->subidx)
			continue;
		if (hvsim_can_offer(p))
			hvsim_send_offer(p);
		if (p->state != HVSIM_DEV_OFFERED || hvsim.version < HVSIM_VERSION_WIN8)
			continue;
		/* its sub-channels, lowest index first */
		for (idx = 1; idx; idx = next) {
			next = 0;
			for (j = 0; j < HVSIM_MAX_DEVICES; j++) {
				s = &hvsim.devs[j];
				if (s->state == HVSIM_DEV_FREE || s->primary != p->relid ||
				    s->subidx < idx)
					continue;
				if (s->subidx == idx && hvsim_can_offer(s))
					hvsim_send_offer(s);
				else if (s->subidx > idx && (!next || s->subidx < next))
					next = s->subidx;
			}
		}
	}
}

/**
 * hvsim_dev_add() - configure a new primary device and offer it if the
 *	guest is listening
 * @class: its class
 * @class_guid: the class GUID to offer
 * @instance: its instance GUID
 * @monitored: offer it with a monitor id allocated (monitored notification)
 *
 * Return: 0 (its relid is in hvsim.last_relids), or -EINVAL with the reason
 * logged.
 */
int hvsim_dev_add(const struct hvsim_class *class, const guid_t *class_guid,
		  const guid_t *instance, bool monitored)
{
	struct hvsim_dev *d;
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		d = &hvsim.devs[i];
		if (d->state != HVSIM_DEV_FREE && d->state != HVSIM_DEV_RESCINDED &&
		    guid_equal(&d->instance, instance)) {
			hvsim_cmd_fail("instance %pUl is already in use by relid %u",
				       instance, d->relid);
			return -EINVAL;
		}
	}
	d = hvsim_dev_create(class, class_guid, instance);
	if (!d) {
		hvsim_cmd_fail("too many devices (at most %d, unreleased rescinded ones included)",
			       HVSIM_MAX_DEVICES);
		return -EINVAL;
	}
	d->monitored = monitored;
	hvsim.last_relids[0] = d->relid;
	hvsim.n_last_relids = 1;
	pr_info("device %s %pUl configured as relid %u%s\n", class->name, instance, d->relid,
		monitored ? ", monitored" : "");
	hvsim_offer_pending();
	return 0;
}

/**
 * hvsim_dev_add_subchannels() - add sub-channels to a primary device
 * @relid: the primary's relid
 * @n: how many
 *
 * They take the next free sub-channel indexes and are offered as soon as
 * the primary is.
 *
 * Return: 0 (their relids are in hvsim.last_relids), or -EINVAL with the
 * reason logged.
 */
int hvsim_dev_add_subchannels(u32 relid, unsigned int n)
{
	struct hvsim_dev *p = hvsim_dev_get(relid), *s;
	unsigned int i, idx = 0;

	lockdep_assert_held(&hvsim.lock);
	if (!p) {
		hvsim_cmd_fail("no such relid %u", relid);
		return -EINVAL;
	}
	if (p->subidx) {
		hvsim_cmd_fail("relid %u is a sub-channel, not a primary", relid);
		return -EINVAL;
	}
	if (p->class == &hvsim_class_hvsock) {
		hvsim_cmd_fail("relid %u is a Hyper-V socket: it has no sub-channels", relid);
		return -EINVAL;
	}
	if (p->state == HVSIM_DEV_RESCINDED) {
		hvsim_cmd_fail("relid %u is being rescinded", relid);
		return -EINVAL;
	}
	if (n < 1 || n > HVSIM_MAX_DEVICES - hvsim_dev_count()) {
		hvsim_cmd_fail("cannot add %u sub-channels: %u devices, at most %d",
			       n, hvsim_dev_count(), HVSIM_MAX_DEVICES);
		return -EINVAL;
	}
	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		if (hvsim.devs[i].state != HVSIM_DEV_FREE && hvsim.devs[i].primary == relid)
			idx = max_t(unsigned int, idx, hvsim.devs[i].subidx);
	hvsim.n_last_relids = 0;
	for (i = 0; i < n; i++) {
		s = hvsim_dev_create(p->class, &p->class_guid, &p->instance);
		if (WARN_ON_ONCE(!s))
			break;
		s->subidx = ++idx;
		s->primary = relid;
		s->monitored = p->monitored;
		hvsim.last_relids[hvsim.n_last_relids++] = s->relid;
	}
	pr_info("relid %u: %u sub-channels configured\n", relid, n);
	hvsim_offer_pending();
	return 0;
}

/* Rescind one channel, or drop it at once if the guest does not hold it. */
static void hvsim_rescind_one(struct hvsim_dev *d)
{
	struct vmbus_channel_rescind_offer msg;

	if (d->state == HVSIM_DEV_RESCINDED)
		return;
	if (d->state != HVSIM_DEV_OFFERED) {
		hvsim_dev_free(d);
		return;
	}
	/* the host stops using the channel before the guest hears of it */
	if (d->class == &hvsim_class_hvsock)
		hvsim_hvsock_rescinded(d->relid);
	hvsim_chan_rescind(d->relid);
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER;
	msg.child_relid = d->relid;
	d->state = HVSIM_DEV_RESCINDED;
	hvsim.stats.rescinds_sent++;
	hvsim_send_to_guest(&msg, sizeof(msg));
}

/**
 * hvsim_dev_rescind() - remove a device, rescinding what the guest holds
 * @relid: the device's relid
 *
 * A primary's sub-channels are rescinded first. A channel the guest was
 * offered stays in the table, with its relid, until the guest releases it;
 * one it was not offered is removed at once.
 *
 * Return: 0, or -EINVAL with the reason logged.
 */
int hvsim_dev_rescind(u32 relid)
{
	struct hvsim_dev *d = hvsim_dev_get(relid);
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	if (!d) {
		hvsim_cmd_fail("no such relid %u", relid);
		return -EINVAL;
	}
	if (d->state == HVSIM_DEV_RESCINDED) {
		hvsim_cmd_fail("relid %u is already rescinded, waiting for the guest to release it",
			       relid);
		return -EINVAL;
	}
	if (!d->subidx)
		for (i = 0; i < HVSIM_MAX_DEVICES; i++)
			if (hvsim.devs[i].state != HVSIM_DEV_FREE &&
			    hvsim.devs[i].primary == relid)
				hvsim_rescind_one(&hvsim.devs[i]);
	hvsim_rescind_one(d);
	pr_info("relid %u rescinded\n", relid);
	return 0;
}

/**
 * hvsim_relid_released() - the guest let go of a channel (RELID_RELEASED)
 * @data: the message
 * @size: its size
 *
 * After a rescind, this frees the relid (and lets a waiting re-offer of the
 * same channel go out). Without one, the guest declined the offer: the
 * device stays configured and is offered again on the next connection
 * (an hvsock device goes at once: its connection is over).
 */
void hvsim_relid_released(const void *data, u32 size)
{
	const struct vmbus_channel_relid_released *msg = data;
	struct hvsim_dev *d;

	lockdep_assert_held(&hvsim.lock);
	if (size < sizeof(*msg)) {
		hvsim_reject(CHANNELMSG_RELID_RELEASED, "too short");
		return;
	}
	d = hvsim_dev_get(msg->child_relid);
	if (!d || (d->state != HVSIM_DEV_OFFERED && d->state != HVSIM_DEV_RESCINDED)) {
		hvsim.stats.msgs_rejected++;
		pr_warn("rejected RELID_RELEASED for relid %u: the guest does not hold it\n",
			msg->child_relid);
		return;
	}
	hvsim.stats.relids_released++;
	if (d->state == HVSIM_DEV_OFFERED && d->class == &hvsim_class_hvsock) {
		/* a connection is not offered twice */
		pr_info("guest declined hvsock relid %u\n", d->relid);
		hvsim_dev_free(d);
		return;
	}
	if (d->state == HVSIM_DEV_OFFERED) {
		pr_info("guest declined relid %u\n", d->relid);
		hvsim_chan_release(d->relid);
		hvsim_monitor_forget(d);
		d->state = HVSIM_DEV_DECLINED;
		return;
	}
	pr_info("guest released relid %u\n", d->relid);
	hvsim_dev_free(d);
	hvsim_offer_pending();
}

/**
 * hvsim_forget_offers() - the connection ended: the guest holds nothing
 *
 * Offered devices go back to configured (offered again on the next
 * connection); rescinded ones the guest had not released yet are gone, and
 * so are hvsock connections.
 * Every channel stops and every GPADL is unmapped.
 */
void hvsim_forget_offers(void)
{
	struct hvsim_dev *d;
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	hvsim_chans_disconnect();
	hvsim.offers_requested = false;
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		d = &hvsim.devs[i];
		/* hvsock connections end with the VMBus connection */
		if (d->state == HVSIM_DEV_RESCINDED || d->class == &hvsim_class_hvsock)
			hvsim_dev_free(d);
		else if (d->state != HVSIM_DEV_FREE)
			d->state = HVSIM_DEV_CONFIGURED;
	}
}
