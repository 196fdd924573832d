// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the "hyperv" PTP clock - the host's time as the last time sample
 * gave it, carried forward by the Hyper-V reference counter
 * (hv_timesync_host_time()). It can only be read: user space (chrony's PHC
 * refclock, usually through /dev/ptp_hyperv) disciplines the system clock
 * with it. Every adjustment returns -EOPNOTSUPP; frequency adjustment is
 * .adjfine, which every kernel of the matrix has (.adjfreq is gone after
 * 6.1). A read fails with -ESTALE when no sample came in the last 600 s.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/slab.h>

#include "hv_utils.h"

struct hv_ptp {
	struct ptp_clock_info info;
	struct ptp_clock *clock;
	struct hv_timesync *ts;
};

static int hv_ptp_gettime(struct ptp_clock_info *info, struct timespec64 *ts)
{
	struct hv_ptp *ptp = container_of(info, struct hv_ptp, info);

	return hv_timesync_host_time(ptp->ts, ts);
}

static int hv_ptp_settime(struct ptp_clock_info *info, const struct timespec64 *ts)
{
	return -EOPNOTSUPP;
}

static int hv_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int hv_ptp_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

static int hv_ptp_enable(struct ptp_clock_info *info, struct ptp_clock_request *request, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info hv_ptp_info = {
	.owner = THIS_MODULE,
	.name = "hyperv",
	.max_adj = 0,
	.adjfine = hv_ptp_adjfine,
	.adjtime = hv_ptp_adjtime,
	.gettime64 = hv_ptp_gettime,
	.settime64 = hv_ptp_settime,
	.enable = hv_ptp_enable,
};

/**
 * hv_ptp_register() - register the "hyperv" PTP clock of a timesync device
 * @ts: the device's time samples
 * @parent: the device
 *
 * Return: the clock, or NULL (with a message) when the kernel has no PTP
 * clock support or registering failed: time sync works without it.
 */
struct hv_ptp *hv_ptp_register(struct hv_timesync *ts, struct device *parent)
{
	struct ptp_clock *clock;
	struct hv_ptp *ptp;

	ptp = kzalloc(sizeof(*ptp), GFP_KERNEL);
	if (!ptp)
		return NULL;
	ptp->info = hv_ptp_info;
	ptp->ts = ts;
	clock = ptp_clock_register(&ptp->info, parent);
	if (IS_ERR_OR_NULL(clock)) {
		dev_warn(parent, "no PTP clock \"hyperv\": %ld\n",
			 clock ? PTR_ERR(clock) : -EOPNOTSUPP);
		kfree(ptp);
		return NULL;
	}
	ptp->clock = clock;
	return ptp;
}

/**
 * hv_ptp_unregister() - remove the clock; no read runs once this returns
 * @ptp: what hv_ptp_register() returned (NULL is allowed)
 */
void hv_ptp_unregister(struct hv_ptp *ptp)
{
	if (!ptp)
		return;
	ptp_clock_unregister(ptp->clock);
	kfree(ptp);
}
