// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the simulator's drifting host clock (include/hv/
 * hv_ic_host_clock.h): the drift of an interval at a rate, exact where the
 * product is exact, rounded toward zero elsewhere, of either sign, with no
 * overflow at the ends of the s64 range; a clock that changes rate goes on
 * from where it was.
 */
#include <stdint.h>

#include "hv/hv_ic_host_clock.h"
#include "tap.h"

#define NS_PER_SEC 1000000000LL

int main(void)
{
	const s32 max = HV_IC_HOST_MAX_DRIFT_PPM;
	s64 base, t;

	tap_ok(hv_ic_host_drift_ns(NS_PER_SEC, 50) == 50000, "1 s at +50 ppm: 50 us ahead");
	tap_ok(hv_ic_host_drift_ns(NS_PER_SEC, -50) == -50000, "1 s at -50 ppm: 50 us behind");
	tap_ok(hv_ic_host_drift_ns(3600 * NS_PER_SEC, 1) == 3600000, "an hour at 1 ppm: 3.6 ms");
	tap_ok(hv_ic_host_drift_ns(NS_PER_SEC, 0) == 0, "no drift, no difference");
	tap_ok(hv_ic_host_drift_ns(0, max) == 0, "no time, no difference");
	tap_ok(hv_ic_host_drift_ns(999999, 1) == 0 && hv_ic_host_drift_ns(-999999, 1) == 0,
	       "under a microsecond's worth rounds toward zero, both ways");
	tap_ok(hv_ic_host_drift_ns(1000001, 1) == 1 && hv_ic_host_drift_ns(-1000001, 1) == -1,
	       "just over rounds to 1 ns, both ways");
	tap_ok(hv_ic_host_drift_ns(1500000, 500000) == 750000,
	       "the whole-ms and sub-ms parts add up (1.5 ms at +50%%)");
	tap_ok(hv_ic_host_drift_ns(2 * NS_PER_SEC, max) == NS_PER_SEC &&
	       hv_ic_host_drift_ns(2 * NS_PER_SEC, -max) == -NS_PER_SEC,
	       "at the limits: half as much again, or half as much");
	/* the ends of the range: the exact values, computed in 128 bits */
	t = hv_ic_host_drift_ns(INT64_MAX, max);
	tap_ok(t == (s64)((__int128)INT64_MAX * max / 1000000),
	       "INT64_MAX ns at +500000 ppm: %lld, no overflow", (long long)t);
	t = hv_ic_host_drift_ns(INT64_MIN, max);
	tap_ok(t == (s64)((__int128)INT64_MIN * max / 1000000),
	       "INT64_MIN ns at +500000 ppm: %lld, no overflow", (long long)t);
	t = hv_ic_host_drift_ns(INT64_MAX, -max);
	tap_ok(t == (s64)((__int128)INT64_MAX * -max / 1000000),
	       "INT64_MAX ns at -500000 ppm: %lld, no overflow", (long long)t);
	{
		/* a sweep against 128-bit arithmetic */
		static const s64 e[] = { 1, 999, 1000000, 123456789, -987654321,
					 86400 * NS_PER_SEC + 7, -(400LL * 86400 * NS_PER_SEC) - 3 };
		static const s32 p[] = { 1, -1, 7, 50, -333, 499999, -500000 };
		unsigned int i, j, bad = 0;

		for (i = 0; i < sizeof(e) / sizeof(e[0]); i++)
			for (j = 0; j < sizeof(p) / sizeof(p[0]); j++)
				if (hv_ic_host_drift_ns(e[i], p[j]) !=
				    (s64)((__int128)e[i] * p[j] / 1000000)) {
					tap_diag("%lld ns at %d ppm", (long long)e[i], p[j]);
					bad++;
				}
		tap_ok(!bad, "49 intervals and rates agree with 128-bit arithmetic");
	}

	/* the clock read at a rate, and going on after a change of rate */
	base = 1700000000LL * NS_PER_SEC;
	tap_ok(hv_ic_host_drifted_ns(base, 5 * NS_PER_SEC, 15 * NS_PER_SEC, 50) ==
	       base + 10 * NS_PER_SEC + 500000, "10 s of reference at +50 ppm: 10.0005 s later");
	tap_ok(hv_ic_host_drifted_ns(base, 5 * NS_PER_SEC, 5 * NS_PER_SEC, max) == base,
	       "at its base it reads its base, whatever the rate");
	t = hv_ic_host_drifted_ns(base, 0, 100 * NS_PER_SEC, 100);
	tap_ok(hv_ic_host_drifted_ns(t, 100 * NS_PER_SEC, 200 * NS_PER_SEC, -100) ==
	       base + 200 * NS_PER_SEC, "100 s at +100 ppm then 100 s at -100 ppm: back in step");
	return tap_done();
}
