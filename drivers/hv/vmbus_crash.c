// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leaving Hyper-V cleanly when the kernel does not shut down normally.
 *
 * - Panic: the host is told to drop the VMBus connection (so that a kdump
 *   kernel can make its own) as the very last panic notifier. Kernels before
 *   6.1 left reporting the panic itself to the VMBus driver, so there we
 *   also pass the registers (oops and panic) to the host's crash MSRs, and
 *   on 5.10-5.12 the kernel log through the crash message page; from 6.1 on
 *   the kernel's own Hyper-V code does both.
 * - kexec: the kernel's Hyper-V support calls our kexec handler before it
 *   jumps; we unload and stop SynIC delivery on every CPU.
 * - Crash (kdump): the crash handler runs on the crashing CPU with the
 *   others stopped; we unload and stop SynIC delivery on this CPU.
 *
 * Only used with the real Hyper-V interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kdebug.h>
#include <linux/kmsg_dump.h>
#include <linux/notifier.h>
#include <linux/ptrace.h>
#include <linux/sched/task_stack.h>
#include <asm/mshyperv.h>

#ifdef HV_HAVE_PANIC_NOTIFIER_H
#include <linux/panic_notifier.h>
#endif

#include "hv_iface_hyperv.h"
#include "vmbus_core.h"

/*
 * The VMBus driver reports panics where hyperv_report_panic_msg() is public
 * (before 6.1); later the kernel's built-in drivers/hv/hv_common.c does.
 * The kernel log dump is written for the kmsg_dump API before 5.13 only.
 */
#ifdef HV_HAVE_REPORT_PANIC_MSG
#define VMBUS_REPORTS_PANIC	1
#else
#define VMBUS_REPORTS_PANIC	0
#endif
#if VMBUS_REPORTS_PANIC && defined(HV_HAVE_KMSG_DUMPER_GET_BUFFER)
#define VMBUS_DUMPS_KMSG	1
#else
#define VMBUS_DUMPS_KMSG	0
#endif

static int vmbus_panic_unload(struct notifier_block *nb, unsigned long val, void *args)
{
	vmbus_disconnect_atomic();
	return NOTIFY_DONE;
}

static struct notifier_block vmbus_panic_unload_block = {
	.notifier_call = vmbus_panic_unload,
	/* after every other notifier: they may still need the host */
	.priority = INT_MIN + 1,
};

static void vmbus_kexec(void)
{
	vmbus_disconnect_atomic();
	vmbus_core.iface->detach();
}

static void vmbus_crash(struct pt_regs *regs)
{
	vmbus_disconnect_atomic();
	hv_synic_disable_this_cpu();
}

#if VMBUS_REPORTS_PANIC
static bool vmbus_crash_msrs;

#if VMBUS_DUMPS_KMSG
static void *vmbus_panic_page;

/* The kernel log tail, through the crash message page (5.10-5.12 API). */
static void vmbus_kmsg_dump(struct kmsg_dumper *dumper, enum kmsg_dump_reason reason)
{
	size_t written = 0;

	if (reason != KMSG_DUMP_PANIC || !vmbus_panic_page)
		return;
	kmsg_dump_rewind(dumper);
	kmsg_dump_get_buffer(dumper, false, vmbus_panic_page, HV_HYP_PAGE_SIZE, &written);
	if (written)
		hyperv_report_panic_msg(virt_to_phys(vmbus_panic_page), written);
}

static struct kmsg_dumper vmbus_kmsg_dumper = {
	.dump = vmbus_kmsg_dump,
};
#endif

/* Registers, unless the log goes to the host (it tells more). */
static bool vmbus_report_regs(void)
{
#if VMBUS_DUMPS_KMSG
	return !vmbus_panic_page;
#else
	return true;
#endif
}

static int vmbus_panic_report(struct notifier_block *nb, unsigned long val, void *args)
{
	if (vmbus_report_regs())
		hyperv_report_panic(current_pt_regs(), val, false);
	return NOTIFY_DONE;
}

static int vmbus_die_report(struct notifier_block *nb, unsigned long val, void *args)
{
	struct die_args *die = args;

	if (val == DIE_OOPS && vmbus_report_regs())
		hyperv_report_panic(die->regs, val, true);
	return NOTIFY_DONE;
}

static struct notifier_block vmbus_panic_report_block = {
	.notifier_call = vmbus_panic_report,
};

static struct notifier_block vmbus_die_report_block = {
	.notifier_call = vmbus_die_report,
};

static void vmbus_crash_report_add(void)
{
	u64 crash_ctl;

	if (!(ms_hyperv.misc_features & HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE))
		return;
	vmbus_crash_msrs = true;
#if VMBUS_DUMPS_KMSG
	rdmsrq(HV_X64_MSR_CRASH_CTL, crash_ctl);
	if (crash_ctl & HV_CRASH_CTL_CRASH_NOTIFY_MSG) {
		vmbus_panic_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (vmbus_panic_page && kmsg_dump_register(&vmbus_kmsg_dumper)) {
			free_page((unsigned long)vmbus_panic_page);
			vmbus_panic_page = NULL;
		}
	}
#else
	(void)crash_ctl;
#endif
	register_die_notifier(&vmbus_die_report_block);
	atomic_notifier_chain_register(&panic_notifier_list, &vmbus_panic_report_block);
}

static void vmbus_crash_report_remove(void)
{
	if (!vmbus_crash_msrs)
		return;
	atomic_notifier_chain_unregister(&panic_notifier_list, &vmbus_panic_report_block);
	unregister_die_notifier(&vmbus_die_report_block);
#if VMBUS_DUMPS_KMSG
	if (vmbus_panic_page) {
		kmsg_dump_unregister(&vmbus_kmsg_dumper);
		free_page((unsigned long)vmbus_panic_page);
		vmbus_panic_page = NULL;
	}
#endif
	vmbus_crash_msrs = false;
}
#else
static void vmbus_crash_report_add(void) { }
static void vmbus_crash_report_remove(void) { }
#endif

/**
 * vmbus_crash_handlers_add() - unload on panic, kexec and crash
 *
 * Call once connected, with the real Hyper-V interface.
 */
void vmbus_crash_handlers_add(void)
{
	atomic_set(&vmbus_core.unloaded_atomic, 0);
	vmbus_crash_report_add();
	atomic_notifier_chain_register(&panic_notifier_list, &vmbus_panic_unload_block);
	hv_setup_kexec_handler(vmbus_kexec);
	hv_setup_crash_handler(vmbus_crash);
}

/**
 * vmbus_crash_handlers_remove() - undo vmbus_crash_handlers_add()
 */
void vmbus_crash_handlers_remove(void)
{
	hv_remove_crash_handler();
	hv_remove_kexec_handler();
	atomic_notifier_chain_unregister(&panic_notifier_list, &vmbus_panic_unload_block);
	vmbus_crash_report_remove();
}
