/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel type names for userspace builds of the tree's pure-logic headers
 * (the headers of include/hv/) in unit tests, fuzz harnesses and tools.
 */
#ifndef _HV_USER_TYPES_H
#define _HV_USER_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef __packed
#define __packed __attribute__((packed))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif /* _HV_USER_TYPES_H */
