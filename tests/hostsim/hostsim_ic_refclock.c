// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's Hyper-V reference counter, and the host's clock.
 *
 * Guests read the partition reference counter (100 ns units) through the
 * function pointer hv_read_reference_counter, which vmlinux exports; its
 * default reads a synthetic MSR that TCG does not have. While loaded, the
 * simulator puts its own counter there: CLOCK_BOOTTIME in 100 ns units
 * plus a skew the administrator sets (hvsim time refclock --skew, to age a
 * time sample); it puts the old one back when it unloads.
 *
 * The host's clock is independent of the guest's CLOCK_REALTIME, which
 * timesync steps: CLOCK_REALTIME as it was at load, advanced by
 * CLOCK_BOOTTIME since. Time samples carry it (plus a per-request offset)
 * in 100 ns units since 1601-01-01.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/timekeeping.h>

#ifdef HV_HAVE_REFCOUNTER_IN_MSHYPERV
#include <asm/mshyperv.h>
#else
#include <clocksource/hyperv_timer.h>
#endif

#include "hostsim.h"

static u64 (*hvsim_refclock_saved)(void);
static atomic64_t hvsim_refclock_skew_100ns = ATOMIC64_INIT(0);
static s64 hvsim_realtime_at_boot_ns;

static u64 hvsim_refclock_read(void)
{
	return div_u64(ktime_get_boottime_ns(), 100) + atomic64_read(&hvsim_refclock_skew_100ns);
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
	s64 ns = hvsim_realtime_at_boot_ns + ktime_get_boottime_ns() + offset_ns;

	return div_s64(ns, 100) + HV_IC_TIME_1601_TO_1970;
}

/**
 * hvsim_refclock_init() - install the reference counter
 *
 * Return: 0.
 */
int hvsim_refclock_init(void)
{
	hvsim_realtime_at_boot_ns = ktime_get_real_ns() - ktime_get_boottime_ns();
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
