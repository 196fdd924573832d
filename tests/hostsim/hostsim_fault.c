// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection into a device's channel, set with the control file's
 * "fault" command (hostsim_control.c):
 *
 *   fault RELID delay MS          wait MS ms before handling each packet
 *   fault RELID drop N            consume the next N packets unanswered
 *   fault RELID corrupt N         give the next N answers an invalid len8
 *   fault RELID rescind-after N   rescind the device after N more answers
 *   fault RELID clear             no more faults
 *
 * N (or MS) 0 turns that one fault off. Faults act on devices whose class
 * has a host side (echo); the IC devices take faults of their own
 * (fault RELID ic-... [N], hvsim_ic_cmd_fault()). They stay through closes and reconnections and
 * go with the device. A rescind requested by the data plane is carried out
 * by a work item on hvsim.wq, which takes hvsim.lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "hostsim.h"

#define HVSIM_FAULT_MAX_DELAY_MS	60000
#define HVSIM_FAULT_MAX_COUNT		1000000

enum hvsim_fault_kind {
	HVSIM_FAULT_DELAY,
	HVSIM_FAULT_DROP,
	HVSIM_FAULT_CORRUPT,
	HVSIM_FAULT_RESCIND_AFTER,
};

static const char *const hvsim_fault_names[] = {
	[HVSIM_FAULT_DELAY] = "delay",
	[HVSIM_FAULT_DROP] = "drop",
	[HVSIM_FAULT_CORRUPT] = "corrupt",
	[HVSIM_FAULT_RESCIND_AFTER] = "rescind-after",
};

static u32 *hvsim_fault_field(struct hvsim_fault *f, enum hvsim_fault_kind kind)
{
	switch (kind) {
	case HVSIM_FAULT_DELAY:
		return &f->delay_ms;
	case HVSIM_FAULT_DROP:
		return &f->drop;
	case HVSIM_FAULT_CORRUPT:
		return &f->corrupt;
	default:
		return &f->rescind_after;
	}
}

/**
 * hvsim_fault_show() - the faults still to come, as the channels file shows them
 * @f: the channel's faults
 * @buf: where to write
 * @size: its size
 *
 * Return: the length written: "none", or e.g. "delay:10,drop:2".
 */
int hvsim_fault_show(const struct hvsim_fault *f, char *buf, size_t size)
{
	struct hvsim_fault copy = *f;
	unsigned int k;
	int n = 0;
	u32 v;

	for (k = 0; k < ARRAY_SIZE(hvsim_fault_names); k++) {
		v = *hvsim_fault_field(&copy, k);
		if (v)
			n += scnprintf(buf + n, size - n, "%s%s:%u", n ? "," : "",
				       hvsim_fault_names[k], v);
	}
	if (!n)
		n = scnprintf(buf, size, "none");
	return n;
}

/**
 * hvsim_cmd_fault() - the control file's "fault" command
 * @argc: number of words
 * @argv: the words, "fault" first
 *
 * Called with hvsim.lock held.
 *
 * Return: 0, or -EINVAL with the reason in hvsim.last_error.
 */
int hvsim_cmd_fault(int argc, char **argv)
{
	const struct hvsim_dev *d;
	struct hvsim_chan *c;
	u32 relid, n = 0, max;
	bool clear;
	int kind;

	lockdep_assert_held(&hvsim.lock);
	if (argc >= 3 && !kstrtou32(argv[1], 10, &relid)) {
		d = hvsim_dev_get(relid);
		if (d && hvsim_ic_is_ic_class(d->class))
			return hvsim_ic_cmd_fault(relid, argc, argv);
	}
	clear = argc == 3;
	if (argc < 3 || argc > 4 || !strcmp(argv[2], "clear") != clear) {
		hvsim_cmd_fail("usage: fault RELID delay MS|drop N|corrupt N|rescind-after N|%s",
			       "clear");
		return -EINVAL;
	}
	if (kstrtou32(argv[1], 10, &relid)) {
		hvsim_cmd_fail("bad relid '%s': want a decimal number", argv[1]);
		return -EINVAL;
	}
	d = hvsim_dev_get(relid);
	if (!d) {
		hvsim_cmd_fail("no such relid %u", relid);
		return -EINVAL;
	}
	if (d->class->run != hvsim_echo_run) {
		hvsim_cmd_fail("relid %u is a %s device: %s", relid, d->class->name,
			       "faults act on echo devices only (IC devices: ic-...)");
		return -EINVAL;
	}
	c = &hvsim.chans[relid - 1];
	if (clear) {
		mutex_lock(&c->lock);
		memset(&c->fault, 0, sizeof(c->fault));
		c->delay_armed = false;
		mutex_unlock(&c->lock);
		pr_info("relid %u: faults cleared\n", relid);
		/* packets held back by a delay go now */
		mod_delayed_work(hvsim.chan_wq, &c->work, 0);
		return 0;
	}
	kind = match_string(hvsim_fault_names, ARRAY_SIZE(hvsim_fault_names), argv[2]);
	if (kind < 0) {
		hvsim_cmd_fail("unknown fault '%s' (delay, drop, corrupt, rescind-after, clear)",
			       argv[2]);
		return -EINVAL;
	}
	max = kind == HVSIM_FAULT_DELAY ? HVSIM_FAULT_MAX_DELAY_MS : HVSIM_FAULT_MAX_COUNT;
	if (kstrtou32(argv[3], 10, &n) || n > max) {
		hvsim_cmd_fail("bad %s '%s': want 0 to %u", hvsim_fault_names[kind], argv[3], max);
		return -EINVAL;
	}
	mutex_lock(&c->lock);
	*hvsim_fault_field(&c->fault, kind) = n;
	if (kind == HVSIM_FAULT_DELAY)
		c->delay_armed = false;
	mutex_unlock(&c->lock);
	pr_info("relid %u: fault %s %u\n", relid, hvsim_fault_names[kind], n);
	if (kind == HVSIM_FAULT_DELAY)
		mod_delayed_work(hvsim.chan_wq, &c->work, 0);
	return 0;
}

/**
 * hvsim_chan_request_rescind() - the data plane wants a channel rescinded
 * @c: the channel, its lock held
 * @why: the reason, for the log
 *
 * The channel is served no more; the rescind itself is done by
 * hvsim_fault_rescind_work(), which takes hvsim.lock.
 */
void hvsim_chan_request_rescind(struct hvsim_chan *c, const char *why)
{
	lockdep_assert_held(&c->lock);
	if (c->rescind_requested)
		return;
	c->rescind_requested = true;
	set_bit(c->relid, hvsim.rescind_requests);
	queue_work(hvsim.wq, &hvsim.rescind_work);
	pr_info("relid %u: rescind requested (%s)\n", c->relid, why);
}

/**
 * hvsim_fault_request_rescind() - the rescind-after fault fired
 * @c: the channel, its lock held
 */
void hvsim_fault_request_rescind(struct hvsim_chan *c)
{
	hvsim_chan_request_rescind(c, "fault injection");
}

/**
 * hvsim_fault_rescind_work() - rescind the devices fault injection asked for
 * @work: hvsim.rescind_work
 */
void hvsim_fault_rescind_work(struct work_struct *work)
{
	const struct hvsim_dev *d;
	unsigned int relid;

	mutex_lock(&hvsim.lock);
	for_each_set_bit(relid, hvsim.rescind_requests, HVSIM_MAX_DEVICES + 1) {
		clear_bit(relid, hvsim.rescind_requests);
		d = hvsim_dev_get(relid);
		if (d && d->state == HVSIM_DEV_OFFERED)
			hvsim_dev_rescind(relid);
	}
	mutex_unlock(&hvsim.lock);
}
