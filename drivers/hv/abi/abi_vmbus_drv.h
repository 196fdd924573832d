/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The include set of the kernel's drivers/hv/vmbus_drv.c, for our files that
 * export what it exports. A modversions CRC depends on which structures the
 * exporting file defines (Rule 1 of DESIGN.md): with exactly these headers
 * (its own public ones and those of the private hyperv_vmbus.h) our CRCs
 * equal the distro's on every matrix kernel; `make abi` checks it. Include
 * this first, and add to the file only headers known not to change the
 * CRCs (see the list in drivers/hv/abi/README).
 */
#ifndef _HV_ABI_VMBUS_DRV_H
#define _HV_ABI_VMBUS_DRV_H

#include <linux/init.h>
#include <linux/module.h>
#include <linux/device.h>
#include <linux/platform_device.h>
#include <linux/interrupt.h>
#include <linux/sysctl.h>
#include <linux/slab.h>
#include <linux/acpi.h>
#include <linux/completion.h>
#include <linux/hyperv.h>
#include <linux/kernel_stat.h>
#include <linux/of_address.h>
#include <linux/clockchips.h>
#include <linux/cpu.h>
#include <linux/sched/isolation.h>
#include <linux/sched/task_stack.h>
#include <linux/delay.h>
#include <linux/ptrace.h>
#include <linux/screen_info.h>
#include <linux/efi.h>
#include <linux/random.h>
#include <linux/kernel.h>
#include <linux/syscore_ops.h>
#include <linux/pci.h>
#include <clocksource/hyperv_timer.h>
#include <asm/mshyperv.h>
#include <linux/list.h>
#include <linux/bitops.h>
#include <asm/sync_bitops.h>
#ifdef HV_HAVE_ASM_HYPERV_TLFS_H	/* gone in 6.15: include/hyperv/ */
#include <asm/hyperv-tlfs.h>
#endif
#include <linux/atomic.h>
#include <linux/tracepoint.h>

/* added to the kernel's file between 5.10 and 6.1 (see Kbuild.probes) */
#ifdef HV_ABI_INCLUDES_6_1
#include <linux/dma-map-ops.h>
#endif

#endif /* _HV_ABI_VMBUS_DRV_H */
