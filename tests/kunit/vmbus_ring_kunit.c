// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the VMBus ring index arithmetic (include/hv/vmbus_ring.h),
 * run in the kernel so that copies across the wrap point are checked by
 * KASAN against a real allocation of exactly the ring's size.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hv/vmbus_ring.h"

#define RING_SIZE	4096U

static void vmbus_ring_test_index_valid(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmbus_ring_index_valid(0, RING_SIZE));
	KUNIT_EXPECT_TRUE(test, vmbus_ring_index_valid(RING_SIZE - 8, RING_SIZE));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_index_valid(RING_SIZE, RING_SIZE));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_index_valid(U32_MAX & ~7U, RING_SIZE));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_index_valid(4, RING_SIZE));
}

static void vmbus_ring_test_space(struct kunit *test)
{
	/* empty */
	KUNIT_EXPECT_EQ(test, vmbus_ring_bytes_to_read(64, 64, RING_SIZE), 0U);
	KUNIT_EXPECT_EQ(test, vmbus_ring_bytes_to_write(64, 64, RING_SIZE), RING_SIZE);
	/* writer ahead, no wrap */
	KUNIT_EXPECT_EQ(test, vmbus_ring_bytes_to_read(64, 128, RING_SIZE), 64U);
	/* writer wrapped behind the reader */
	KUNIT_EXPECT_EQ(test, vmbus_ring_bytes_to_read(4000, 32, RING_SIZE), 128U);
	KUNIT_EXPECT_EQ(test, vmbus_ring_bytes_to_write(4000, 32, RING_SIZE),
			RING_SIZE - 128);
}

static void vmbus_ring_test_never_full(struct kunit *test)
{
	/* 8 bytes free: an 8-byte write would make write == read */
	KUNIT_EXPECT_FALSE(test, vmbus_ring_can_write(64, 56, RING_SIZE, 8));
	KUNIT_EXPECT_TRUE(test, vmbus_ring_can_write(64, 48, RING_SIZE, 8));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_can_write(0, 0, RING_SIZE, RING_SIZE));
	KUNIT_EXPECT_TRUE(test, vmbus_ring_can_write(0, 0, RING_SIZE, RING_SIZE - 8));
}

static void vmbus_ring_test_advance(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmbus_ring_advance(0, 8, RING_SIZE), 8U);
	KUNIT_EXPECT_EQ(test, vmbus_ring_advance(RING_SIZE - 8, 8, RING_SIZE), 0U);
	KUNIT_EXPECT_EQ(test, vmbus_ring_advance(RING_SIZE - 8, 24, RING_SIZE), 16U);
	KUNIT_EXPECT_EQ(test, vmbus_ring_advance(8, RING_SIZE, RING_SIZE), 8U);
}

/* Copy a pattern in and out across the wrap point of an exact-size buffer. */
static void vmbus_ring_test_copy_wrap(struct kunit *test)
{
	u8 *ring = kunit_kzalloc(test, RING_SIZE, GFP_KERNEL);
	u8 *in = kunit_kmalloc(test, 256, GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, 256, GFP_KERNEL);
	u32 i, next;

	KUNIT_ASSERT_NOT_NULL(test, ring);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < 256; i++)
		in[i] = (u8)(i * 7 + 1);

	next = vmbus_ring_copy_in(ring, RING_SIZE - 96, in, 256, RING_SIZE);
	KUNIT_EXPECT_EQ(test, next, 160U);
	KUNIT_EXPECT_EQ(test, ring[RING_SIZE - 96], in[0]);
	KUNIT_EXPECT_EQ(test, ring[0], in[96]);

	next = vmbus_ring_copy_out(out, ring, RING_SIZE - 96, 256, RING_SIZE);
	KUNIT_EXPECT_EQ(test, next, 160U);
	KUNIT_EXPECT_EQ(test, memcmp(in, out, 256), 0);
}

static struct kunit_case vmbus_ring_test_cases[] = {
	KUNIT_CASE(vmbus_ring_test_index_valid),
	KUNIT_CASE(vmbus_ring_test_space),
	KUNIT_CASE(vmbus_ring_test_never_full),
	KUNIT_CASE(vmbus_ring_test_advance),
	KUNIT_CASE(vmbus_ring_test_copy_wrap),
	{}
};

static struct kunit_suite vmbus_ring_test_suite = {
	.name = "hv_vmbus_ring",
	.test_cases = vmbus_ring_test_cases,
};

kunit_test_suite(vmbus_ring_test_suite);

MODULE_DESCRIPTION("KUnit tests for the VMBus ring index arithmetic");
MODULE_LICENSE("GPL");
