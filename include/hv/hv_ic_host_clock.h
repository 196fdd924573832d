/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's clock of the simulator as pure arithmetic: a clock that runs
 * at (1 + ppm / 10^6) times the rate of a reference clock. The simulator
 * applies it to the host's clock (the elapsed part, CLOCK_BOOTTIME since
 * the last change of rate); the unit tests run the very same code.
 */
#ifndef _HV_IC_HOST_CLOCK_H
#define _HV_IC_HOST_CLOCK_H

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/types.h>
#else
#include "user/hv_user_types.h"
#endif

/* Largest drift the host accepts, either way: half as fast or 1.5 times. */
#define HV_IC_HOST_MAX_DRIFT_PPM	500000

/**
 * hv_ic_host_drift_ns() - how far a drifting clock gets from its reference
 * @elapsed_ns:	time elapsed on the reference clock, in ns (any sign)
 * @ppm:	the drift in parts per million, at most
 *		HV_IC_HOST_MAX_DRIFT_PPM either way
 *
 * Computed in two parts (whole milliseconds, then the rest) so that no
 * product overflows for any s64 @elapsed_ns.
 *
 * Return: @elapsed_ns * @ppm / 10^6, rounded toward zero.
 */
static inline s64 hv_ic_host_drift_ns(s64 elapsed_ns, s32 ppm)
{
	s64 whole_ms;
	s32 rest_ns;

#ifdef __KERNEL__
	whole_ms = div_s64_rem(elapsed_ns, 1000000, &rest_ns);
#else
	whole_ms = elapsed_ns / 1000000;
	rest_ns = (s32)(elapsed_ns % 1000000);
#endif
	return whole_ms * ppm + (s64)rest_ns * ppm / 1000000;
}

/**
 * hv_ic_host_drifted_ns() - a drifting clock's reading
 * @base_ns:	its reading when the reference clock read @ref_base_ns
 * @ref_base_ns: the reference clock then
 * @ref_now_ns:	the reference clock now
 * @ppm:	the drift, as for hv_ic_host_drift_ns()
 *
 * Return: @base_ns advanced by the elapsed reference time and its drift.
 */
static inline s64 hv_ic_host_drifted_ns(s64 base_ns, s64 ref_base_ns, s64 ref_now_ns, s32 ppm)
{
	s64 elapsed = ref_now_ns - ref_base_ns;

	return base_ns + elapsed + hv_ic_host_drift_ns(elapsed, ppm);
}

#endif /* _HV_IC_HOST_CLOCK_H */
