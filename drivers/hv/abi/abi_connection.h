/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The include set of the kernel's drivers/hv/connection.c, for our files that
 * export what it exports. A modversions CRC depends on which structures the
 * exporting file defines (Rule 1 of DESIGN.md): with exactly these headers
 * (its own public ones and those of the private hyperv_vmbus.h) our CRCs
 * equal the distro's on every matrix kernel; `make abi` checks it. Include
 * this first, and add to the file only headers known not to change the
 * CRCs (see the list in drivers/hv/abi/README).
 */
#ifndef _HV_ABI_CONNECTION_H
#define _HV_ABI_CONNECTION_H

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/hyperv.h>
#include <linux/export.h>
#include <linux/io.h>
#include <linux/set_memory.h>
#include <asm/mshyperv.h>
#include <linux/list.h>
#include <linux/bitops.h>
#include <asm/sync_bitops.h>
#ifdef HV_HAVE_ASM_HYPERV_TLFS_H	/* gone in 6.15: include/hyperv/ */
#include <asm/hyperv-tlfs.h>
#endif
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/tracepoint.h>

#endif /* _HV_ABI_CONNECTION_H */
