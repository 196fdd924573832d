/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The include set of the kernel's drivers/hv/channel.c, for our files that
 * export what it exports. A modversions CRC depends on which structures the
 * exporting file defines (Rule 1 of DESIGN.md): with exactly these headers
 * (its own public ones and those of the private hyperv_vmbus.h) our CRCs
 * equal the distro's on every matrix kernel; `make abi` checks it. Include
 * this first, and add to the file only headers known not to change the
 * CRCs (see the list in drivers/hv/abi/README).
 */
#ifndef _HV_ABI_CHANNEL_H
#define _HV_ABI_CHANNEL_H

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/hyperv.h>
#include <linux/uio.h>
#include <linux/interrupt.h>
#include <linux/set_memory.h>
#include <asm/page.h>
#include <asm/mshyperv.h>
#include <linux/list.h>
#include <linux/bitops.h>
#include <asm/sync_bitops.h>
#ifdef HV_HAVE_ASM_HYPERV_TLFS_H	/* gone in 6.15: include/hyperv/ */
#include <asm/hyperv-tlfs.h>
#endif
#include <linux/atomic.h>
#include <linux/tracepoint.h>

#endif /* _HV_ABI_CHANNEL_H */
