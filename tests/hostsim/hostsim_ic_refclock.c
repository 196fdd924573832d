// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's Hyper-V reference counter, and the host's clock.
 *
 * Guests read the partition reference counter (100 ns units) through the
 * function pointer hv_read_reference_counter, which vmlinux exports; its
 * default reads a synthetic MSR that TCG does not have. While loaded, the
 * simulator puts its own counter there: CLOCK_MONOTONIC_RAW in 100 ns units
 * plus a skew the administrator sets (hvsim time refclock --skew, to age a
 * time sample); it puts the old one back when it unloads.
 *
 * The host's clock is independent of the guest's CLOCK_REALTIME, which
 * timesync steps: CLOCK_REALTIME as it was at load, advanced by
 * CLOCK_MONOTONIC_RAW since, at (1 + drift / 10^6) times its rate (hvsim
 * time drift; a change of rate starts from the host's clock as it then
 * reads, so the clock never jumps). Time samples carry it (plus a
 * per-request offset) in 100 ns units since 1601-01-01.
 *
 * Both run on CLOCK_MONOTONIC_RAW, which the guest's NTP adjustments
 * (adjtimex, as chronyd makes them) do not slew: on CLOCK_BOOTTIME, a
 * guest that sped its clock up would speed the host's up with it, and
 * chrony on the PTP clock could never see its own corrections. (RAW stops
 * while the guest is suspended; the tests do not suspend it.)
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/timekeeping.h>

#ifdef HV_HAVE_REFCOUNTER_IN_MSHYPERV
#include <asm/mshyperv.h>
#else
#include <clocksource/hyperv_timer.h>
#endif

#include <linux/spinlock.h>

#include "hv/hv_ic_host_clock.h"
#include "hostsim.h"

static u64 (*hvsim_refclock_saved)(void);
static atomic64_t hvsim_refclock_skew_100ns = ATOMIC64_INIT(0);

/*
 * The host's clock: it read host_base_ns when CLOCK_MONOTONIC_RAW read
 * raw_base_ns, and runs at (1 + drift / 10^6) times CLOCK_MONOTONIC_RAW.
 */
static DEFINE_SPINLOCK(hvsim_host_clock_lock);
static s64 hvsim_host_base_ns;
static s64 hvsim_host_raw_base_ns;
static s32 hvsim_host_drift;

static u64 hvsim_refclock_read(void)
{
	return div_u64(ktime_get_raw_ns(), 100) + atomic64_read(&hvsim_refclock_skew_100ns);
}

/**
 * hvsim_refclock_now() - the reference counter as the guest reads it
 *
 * Return: 100 ns units.
 */
u64 hvsim_refclock_now(void)
{
	return hvsim_refclock_read();
}

/**
 * hvsim_refclock_skew() - the counter's skew
 *
 * Return: the skew in 100 ns units.
 */
s64 hvsim_refclock_skew(void)
{
	return atomic64_read(&hvsim_refclock_skew_100ns);
}

/**
 * hvsim_refclock_set_skew() - move the counter by a skew from its base
 * @skew_100ns: the skew in 100 ns units
 */
void hvsim_refclock_set_skew(s64 skew_100ns)
{
	atomic64_set(&hvsim_refclock_skew_100ns, skew_100ns);
}

/**
 * hvsim_host_time_100ns() - the host's clock in Windows time
 * @offset_ns: added to it
 *
 * Return: 100 ns units since 1601-01-01 UTC.
 */
u64 hvsim_host_time_100ns(s64 offset_ns)
{
	unsigned long flags;
	s64 ns;

	spin_lock_irqsave(&hvsim_host_clock_lock, flags);
	ns = hv_ic_host_drifted_ns(hvsim_host_base_ns, hvsim_host_raw_base_ns,
				   ktime_get_raw_ns(), hvsim_host_drift);
	spin_unlock_irqrestore(&hvsim_host_clock_lock, flags);
	return div_s64(ns + offset_ns, 100) + HV_IC_TIME_1601_TO_1970;
}

/**
 * hvsim_host_drift_ppm() - the host clock's drift
 *
 * Return: parts per million of CLOCK_MONOTONIC_RAW's rate, added to it.
 */
s32 hvsim_host_drift_ppm(void)
{
	return READ_ONCE(hvsim_host_drift);
}

/**
 * hvsim_host_set_drift() - make the host's clock run faster or slower
 * @ppm: parts per million added to its rate, at most
 *	HV_IC_HOST_MAX_DRIFT_PPM either way; 0 for the guest's rate
 *
 * The clock goes on from where it is at the new rate.
 *
 * Return: 0, or -ERANGE for a drift out of range.
 */
int hvsim_host_set_drift(s32 ppm)
{
	unsigned long flags;
	s64 now;

	if (ppm < -HV_IC_HOST_MAX_DRIFT_PPM || ppm > HV_IC_HOST_MAX_DRIFT_PPM)
		return -ERANGE;
	spin_lock_irqsave(&hvsim_host_clock_lock, flags);
	now = ktime_get_raw_ns();
	hvsim_host_base_ns = hv_ic_host_drifted_ns(hvsim_host_base_ns, hvsim_host_raw_base_ns,
						   now, hvsim_host_drift);
	hvsim_host_raw_base_ns = now;
	WRITE_ONCE(hvsim_host_drift, ppm);
	spin_unlock_irqrestore(&hvsim_host_clock_lock, flags);
	return 0;
}

/**
 * hvsim_refclock_init() - install the reference counter
 *
 * Return: 0.
 */
int hvsim_refclock_init(void)
{
	hvsim_host_raw_base_ns = ktime_get_raw_ns();
	hvsim_host_base_ns = ktime_get_real_ns();
	hvsim_host_drift = 0;
	hvsim_refclock_saved = hv_read_reference_counter;
	WRITE_ONCE(hv_read_reference_counter, hvsim_refclock_read);
	return 0;
}

/**
 * hvsim_refclock_exit() - put the old reference counter back
 */
void hvsim_refclock_exit(void)
{
	WRITE_ONCE(hv_read_reference_counter, hvsim_refclock_saved);
}
