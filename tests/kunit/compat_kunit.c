// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the compat layer (include/compat/hv_compat.h): the shims
 * must behave like the newest kernel API they stand for, on whichever kernel
 * this is built for. Where a shim is a type, a mismatch fails the W=1 build.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/timer.h>

struct compat_timer_probe {
	int marker;
	struct timer_list timer;
	struct hrtimer hrtimer;
	int seen_marker;
	struct completion done;
};

static void compat_test_timer_fn(struct timer_list *t)
{
	struct compat_timer_probe *p = timer_container_of(p, t, timer);

	p->seen_marker = p->marker;
	complete(&p->done);
}

/* timer_container_of() finds the containing object from the callback. */
static void compat_test_timer_container_of(struct kunit *test)
{
	struct compat_timer_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->marker = 0x5a5a;
	init_completion(&p->done);
	timer_setup(&p->timer, compat_test_timer_fn, 0);
	mod_timer(&p->timer, jiffies + 1);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&p->done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, p->seen_marker, 0x5a5a);
	/* timer_delete_sync() on an expired timer reports it inactive */
	KUNIT_EXPECT_EQ(test, timer_delete_sync(&p->timer), 0);
}

static enum hrtimer_restart compat_test_hrtimer_fn(struct hrtimer *t)
{
	struct compat_timer_probe *p = container_of(t, struct compat_timer_probe, hrtimer);

	p->seen_marker = p->marker;
	complete(&p->done);
	return HRTIMER_NORESTART;
}

/* hrtimer_setup() sets the callback and clock like the 6.13+ API. */
static void compat_test_hrtimer_setup(struct kunit *test)
{
	struct compat_timer_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->marker = 0x1234;
	init_completion(&p->done);
	hrtimer_setup(&p->hrtimer, compat_test_hrtimer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
	hrtimer_start(&p->hrtimer, ms_to_ktime(1), HRTIMER_MODE_REL);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&p->done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, p->seen_marker, 0x1234);
	hrtimer_cancel(&p->hrtimer);
}

static int compat_test_uevent_calls;

static int compat_test_uevent(hv_bus_uevent_dev_t *dev, struct kobj_uevent_env *env)
{
	compat_test_uevent_calls++;
	return 0;
}

static int compat_test_remove_calls;

static hv_bus_remove_ret_t compat_test_remove(struct device *dev)
{
	compat_test_remove_calls++;
#ifndef HV_HAVE_BUS_REMOVE_VOID
	return 0;
#endif
}

/* The bus callback types must be the ones this kernel's struct bus_type takes. */
static const struct bus_type compat_test_bus = {
	.name = "hv_compat_test",
	.uevent = compat_test_uevent,
	.remove = compat_test_remove,
};

static void compat_test_bus_callbacks(struct kunit *test)
{
	compat_test_uevent_calls = 0;
	KUNIT_EXPECT_EQ(test, compat_test_bus.uevent(NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, compat_test_uevent_calls, 1);
	compat_test_remove_calls = 0;
	compat_test_bus.remove(NULL);
	KUNIT_EXPECT_EQ(test, compat_test_remove_calls, 1);
}

static struct kunit_case compat_test_cases[] = {
	KUNIT_CASE(compat_test_timer_container_of),
	KUNIT_CASE(compat_test_hrtimer_setup),
	KUNIT_CASE(compat_test_bus_callbacks),
	{}
};

static struct kunit_suite compat_test_suite = {
	.name = "hv_compat",
	.test_cases = compat_test_cases,
};

kunit_test_suite(compat_test_suite);

MODULE_DESCRIPTION("KUnit tests for the hyperv-dkms compat layer");
MODULE_LICENSE("GPL");
