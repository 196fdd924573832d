// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the time synchronization integration service.
 *
 * The host sends its UTC time (100 ns units since 1601-01-01) with a flag:
 * SYNC (after a boot or a restore: set the clock), SAMPLE (a hint, every 5 s
 * or so) or PROBE. Message version 4.0 and later carry the guest's Hyper-V
 * reference counter at the moment the host read its clock
 * (struct ictimesync_ref_data), so the time the sample took to arrive is
 * added; versions 1.0 and 3.0 (struct ictimesync_data) have no such field
 * and the sample counts as taken when it is read.
 *
 * Each sample is kept with the reference counter reading it belongs to;
 * hv_timesync_host_time() carries it forward to "now" and refuses samples
 * older than 600 s of reference time (-ESTALE). A SYNC steps the clock
 * (do_settimeofday64(), from a work item, after the answer went out); so
 * does a SAMPLE when the timesync_implicit parameter is set and the guest
 * is 5 s or more behind the host (as Linux 6.12 on, here on every kernel).
 * There is no slewing in the kernel: user space disciplines the clock with
 * the PTP clock of hv_utils_ptp.c.
 *
 * The reference counter is read through hv_read_reference_counter, a
 * function pointer of the kernel's (the host simulator installs its own
 * while it is loaded). Without Hyper-V it is NULL on 5.10; from 6.1 on it
 * defaults to reading the reference counter MSR, which reads as 0 where
 * there is no such MSR (QEMU). A counter that is NULL or reads 0 counts as
 * none: then the service does not bind (probe fails with a message), and
 * should it go away later, samples are refused (HV_E_FAIL) and clock reads
 * fail (-ENODEV); nothing calls through NULL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <asm/mshyperv.h>
#ifndef HV_HAVE_REFCOUNTER_IN_MSHYPERV
#include <clocksource/hyperv_timer.h>
#endif

#include "hv_utils.h"

/* Reference counter ticks (100 ns) per second. */
#define HV_TS_TICKS_PER_SEC	10000000ULL
/* A sample older than this is no longer trusted (as Linux). */
#define HV_TS_MAX_AGE		(600 * HV_TS_TICKS_PER_SEC)
/* timesync_implicit steps on a SAMPLE when the guest is this far behind. */
#define HV_TS_IMPLICIT_SEC	5

struct hv_timesync {
	struct hv_ic_dev *icdev;
	spinlock_t lock;	/* the sample: valid, host_time, ref_time */
	bool valid;
	u64 host_time;		/* host time, 100 ns since 1601 ... */
	u64 ref_time;		/* ... at this reference counter reading */
	bool step_decided;	/* handle() -> answered(), both in the callback */
	struct work_struct step_work;
	struct hv_ptp *ptp;
};

static const struct ic_version hv_timesync_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct ic_version hv_timesync_msg[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

/* Read the reference counter; false when there is none (or it reads 0). */
static bool hv_timesync_read_ref(u64 *now)
{
	typeof(hv_read_reference_counter) read_ref = READ_ONCE(hv_read_reference_counter);

	if (!read_ref)
		return false;
	*now = read_ref();
	return *now != 0;
}

/* 1601-based 100 ns units (>= WLTIMEDELTA) to a timespec64. */
static void hv_timesync_to_timespec(u64 time, struct timespec64 *ts)
{
	u32 rem;

	ts->tv_sec = div_u64_rem(time - WLTIMEDELTA, HV_TS_TICKS_PER_SEC, &rem);
	ts->tv_nsec = rem * 100;
}

/**
 * hv_timesync_host_time() - the host's time now, from the last sample
 * @ts: the device's samples
 * @now: set to the host's UTC time
 *
 * Return: 0; -ESTALE when there is no sample, the last one is older than
 * 600 s of reference time, or the counter now reads less than when the
 * sample came; -ENODEV without a reference counter; -ERANGE if the time
 * does not fit.
 */
int hv_timesync_host_time(struct hv_timesync *ts, struct timespec64 *now)
{
	u64 ref_now, host_time, ref_time, age, time;
	unsigned long flags;
	bool valid;

	if (!hv_timesync_read_ref(&ref_now))
		return -ENODEV;
	spin_lock_irqsave(&ts->lock, flags);
	valid = ts->valid;
	host_time = ts->host_time;
	ref_time = ts->ref_time;
	spin_unlock_irqrestore(&ts->lock, flags);

	if (!valid)
		return -ESTALE;
	/* a counter that went backwards cannot date the sample either */
	if (ref_now < ref_time)
		return -ESTALE;
	age = ref_now - ref_time;
	if (age > HV_TS_MAX_AGE)
		return -ESTALE;
	if (check_add_overflow(host_time, age, &time))
		return -ERANGE;
	hv_timesync_to_timespec(time, now);
	return 0;
}

static void hv_timesync_step(struct work_struct *work)
{
	struct hv_timesync *ts = container_of(work, struct hv_timesync, step_work);
	struct device *dev = &ts->icdev->hdev->device;
	struct timespec64 host;
	int ret;

	ret = hv_timesync_host_time(ts, &host);
	if (ret) {
		dev_warn_ratelimited(dev, "clock not set: no usable time sample (%d)\n", ret);
		return;
	}
	ret = do_settimeofday64(&host);
	if (ret)
		dev_err_ratelimited(dev, "cannot set the clock to %lld.%09ld: %d\n",
				    (long long)host.tv_sec, host.tv_nsec, ret);
}

/* With timesync_implicit: is the guest at least 5 s behind @host_time? */
static bool hv_timesync_guest_behind(u64 host_time)
{
	struct timespec64 host, guest;

	hv_timesync_to_timespec(host_time, &host);
	ktime_get_real_ts64(&guest);
	return host.tv_sec - guest.tv_sec > HV_TS_IMPLICIT_SEC ||
	       (host.tv_sec - guest.tv_sec == HV_TS_IMPLICIT_SEC && host.tv_nsec >= guest.tv_nsec);
}

static bool hv_timesync_v4(const struct hv_ic_dev *icdev)
{
	return icdev->msg_version.major >= 4;
}

static u32 hv_timesync_min_body(const struct hv_ic_dev *icdev)
{
	return hv_timesync_v4(icdev) ? sizeof(struct ictimesync_ref_data) :
				       sizeof(struct ictimesync_data);
}

static u32 hv_timesync_handle(struct hv_ic_dev *icdev, u8 *body, u32 body_len)
{
	struct hv_timesync *ts = icdev->priv;
	struct device *dev = &icdev->hdev->device;
	u64 parent, ref_now, host_time;
	unsigned long irqflags;
	u8 flags;

	ts->step_decided = false;
	if (!hv_timesync_read_ref(&ref_now)) {
		dev_err_ratelimited(dev, "time sample refused: no reference counter\n");
		return HV_E_FAIL;
	}
	if (hv_timesync_v4(icdev)) {
		const struct ictimesync_ref_data *msg = (const struct ictimesync_ref_data *)body;

		parent = msg->parenttime;
		flags = msg->flags;
		if (msg->vmreferencetime > ref_now) {
			dev_err_ratelimited(dev, "time sample refused: taken at reference time %llu, after now (%llu)\n",
					    msg->vmreferencetime, ref_now);
			return HV_E_FAIL;
		}
		if (check_add_overflow(parent, ref_now - msg->vmreferencetime, &host_time)) {
			dev_err_ratelimited(dev, "time sample refused: time %llu out of range\n",
					    parent);
			return HV_E_FAIL;
		}
	} else {
		const struct ictimesync_data *msg = (const struct ictimesync_data *)body;

		parent = msg->parenttime;
		flags = msg->flags;
		host_time = parent;
	}
	if (host_time < WLTIMEDELTA) {
		dev_err_ratelimited(dev, "time sample refused: %llu is before 1970\n", host_time);
		return HV_E_FAIL;
	}

	spin_lock_irqsave(&ts->lock, irqflags);
	ts->host_time = host_time;
	ts->ref_time = ref_now;
	ts->valid = true;
	spin_unlock_irqrestore(&ts->lock, irqflags);

	if (flags & ICTIMESYNCFLAG_SYNC)
		ts->step_decided = true;
	else if ((flags & ICTIMESYNCFLAG_SAMPLE) && READ_ONCE(hv_timesync_implicit) &&
		 hv_timesync_guest_behind(host_time))
		ts->step_decided = true;
	return HV_S_OK;
}

static void hv_timesync_answered(struct hv_ic_dev *icdev)
{
	struct hv_timesync *ts = icdev->priv;

	if (!ts->step_decided)
		return;
	ts->step_decided = false;
	schedule_work(&ts->step_work);
}

static int hv_timesync_probe(struct hv_ic_dev *icdev)
{
	struct device *dev = &icdev->hdev->device;
	struct hv_timesync *ts;
	u64 now;

	if (!hv_timesync_read_ref(&now)) {
		dev_err(dev, "no Hyper-V reference counter (hv_read_reference_counter unset or reading 0): time sync not available\n");
		return -ENODEV;
	}
	ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	ts->icdev = icdev;
	spin_lock_init(&ts->lock);
	INIT_WORK(&ts->step_work, hv_timesync_step);
	icdev->priv = ts;
	ts->ptp = hv_ptp_register(ts, dev);
	return 0;
}

static void hv_timesync_remove(struct hv_ic_dev *icdev)
{
	struct hv_timesync *ts = icdev->priv;

	/* no clock read runs after this, and no step */
	hv_ptp_unregister(ts->ptp);
	cancel_work_sync(&ts->step_work);
	icdev->priv = NULL;
	kfree(ts);
}

const struct hv_ic_service hv_ic_timesync_service = {
	.name = "TimeSync",
	.kind = "timesync",
	.msgtype = ICMSGTYPE_TIMESYNC,
	.fw = { hv_timesync_fw, ARRAY_SIZE(hv_timesync_fw) },
	.msg = { hv_timesync_msg, ARRAY_SIZE(hv_timesync_msg) },
	.min_body = hv_timesync_min_body,
	.probe = hv_timesync_probe,
	.remove = hv_timesync_remove,
	.handle = hv_timesync_handle,
	.answered = hv_timesync_answered,
};
