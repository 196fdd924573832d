// SPDX-License-Identifier: GPL-2.0-only
/*
 * The synthetic interrupt controller (SynIC) of each virtual processor, as
 * the real Hyper-V interface uses it: a message page and an event-flags
 * page per CPU, and the VMBus SINT routed to the hypervisor callback vector,
 * whose handler the kernel's built-in Hyper-V support calls for us.
 *
 * The pages are written by the host and therefore untrusted: a message is
 * copied out and its size checked before the guest sees it, and event flags
 * are taken with atomic exchanges.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <asm/mshyperv.h>
#include <clocksource/hyperv_timer.h>

#include "hv/vmbus_proto.h"
#include "hv_iface_hyperv.h"

/* The VMBus SINT's slot in the event-flags page: one bit per relid. */
#define HV_SYNIC_EVENT_SLOT_BYTES	256
#define HV_SYNIC_EVENT_LONGS		(HV_VMBUS_MAX_RELID / BITS_PER_LONG)

static_assert(HV_VMBUS_MAX_RELID / 8 <= HV_SYNIC_EVENT_SLOT_BYTES);
static_assert(HV_VMBUS_MSG_PAYLOAD_MAX == HV_MESSAGE_PAYLOAD_BYTE_COUNT);

/**
 * struct hv_synic_pages - one CPU's SynIC pages
 * @msg_page:	the SIMP page: one struct hv_message slot per SINT
 * @event_page:	the SIEFP page: one event-flags bitmap per SINT
 */
struct hv_synic_pages {
	void *msg_page;
	void *event_page;
};

static DEFINE_PER_CPU(struct hv_synic_pages, hv_synic_pages);

static const struct hv_iface_guest_ops *hv_synic_ops;
static void *hv_synic_ctx;
static enum cpuhp_state hv_synic_cpuhp_state;
/* set while detaching: CPUs are torn down then, never refused */
static bool hv_synic_detaching;

static struct hv_message *hv_synic_vmbus_slot(struct hv_synic_pages *p)
{
	return (struct hv_message *)p->msg_page + HV_VMBUS_MESSAGE_SINT;
}

static unsigned long *hv_synic_vmbus_flags(struct hv_synic_pages *p)
{
	return p->event_page + HV_VMBUS_MESSAGE_SINT * HV_SYNIC_EVENT_SLOT_BYTES;
}

/*
 * Free the message slot for the host's next message. If the host has more
 * queued (msg_pending), end-of-message makes it deliver the next one.
 */
static void hv_synic_end_of_message(struct hv_message *msg)
{
	WRITE_ONCE(msg->header.message_type, HVMSG_NONE);
	/* the slot must read free before the host looks at it again */
	mb();
	/* bit 0 of the flags: msg_pending */
	if (READ_ONCE(msg->header.message_flags.asu8) & 1)
		wrmsrq(HV_X64_MSR_EOM, 0);
}

/*
 * Copy the message in @msg's slot to @buf (HV_VMBUS_MSG_PAYLOAD_MAX bytes)
 * and free the slot. Returns its payload size, 0 for an empty slot or one
 * the guest must not see (oversized: dropped with a warning; a timer
 * message: handed to the Hyper-V timer code when @in_isr, else dropped).
 */
static u32 hv_synic_take_message(struct hv_message *msg, void *buf, bool in_isr)
{
	u32 type = READ_ONCE(msg->header.message_type);
	u32 size;

	if (type == HVMSG_NONE)
		return 0;
	if (type == HVMSG_TIMER_EXPIRED) {
#if IS_ENABLED(CONFIG_HYPERV_TIMER)
		if (in_isr)
			hv_stimer0_isr();
#endif
		hv_synic_end_of_message(msg);
		return 0;
	}
	size = READ_ONCE(msg->header.payload_size);
	if (size > HV_VMBUS_MSG_PAYLOAD_MAX) {
		pr_warn_ratelimited("host message of type %u claims %u bytes: dropped\n",
				    type, size);
		hv_synic_end_of_message(msg);
		return 0;
	}
	memcpy(buf, msg->u.payload, size);
	hv_synic_end_of_message(msg);
	return size;
}

/* The hypervisor callback vector fired on this CPU. */
static void hv_synic_isr(void)
{
	struct hv_synic_pages *p = this_cpu_ptr(&hv_synic_pages);
	u64 payload[HV_VMBUS_MSG_PAYLOAD_MAX / sizeof(u64)];
	unsigned long *flags, bits;
	unsigned int i, bit;
	u32 size;

	if (!p->event_page || !p->msg_page)
		return;
	flags = hv_synic_vmbus_flags(p);
	for (i = 0; i < HV_SYNIC_EVENT_LONGS; i++) {
		if (!READ_ONCE(flags[i]))
			continue;
		bits = xchg(&flags[i], 0);
		for_each_set_bit(bit, &bits, BITS_PER_LONG)
			hv_synic_ops->on_event(hv_synic_ctx, i * BITS_PER_LONG + bit);
	}
	size = hv_synic_take_message(hv_synic_vmbus_slot(p), payload, true);
	if (size)
		hv_synic_ops->on_message(hv_synic_ctx, payload, size);
}

static void hv_synic_enable_this_cpu(void)
{
	struct hv_synic_pages *p = this_cpu_ptr(&hv_synic_pages);
	union hv_synic_scontrol sctrl;
	union hv_synic_siefp siefp;
	union hv_synic_simp simp;
	union hv_synic_sint sint;

	rdmsrq(HV_X64_MSR_SIMP, simp.as_uint64);
	simp.simp_enabled = 1;
	simp.base_simp_gpa = virt_to_phys(p->msg_page) >> HV_HYP_PAGE_SHIFT;
	wrmsrq(HV_X64_MSR_SIMP, simp.as_uint64);

	rdmsrq(HV_X64_MSR_SIEFP, siefp.as_uint64);
	siefp.siefp_enabled = 1;
	siefp.base_siefp_gpa = virt_to_phys(p->event_page) >> HV_HYP_PAGE_SHIFT;
	wrmsrq(HV_X64_MSR_SIEFP, siefp.as_uint64);

	rdmsrq(HV_X64_MSR_SINT0 + HV_VMBUS_MESSAGE_SINT, sint.as_uint64);
	sint.vector = HYPERVISOR_CALLBACK_VECTOR;
	sint.masked = false;
#ifdef HV_DEPRECATING_AEOI_RECOMMENDED
	/* the host may ask guests to stop using auto end-of-interrupt */
	sint.auto_eoi = !(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);
#else
	sint.auto_eoi = true;
#endif
	wrmsrq(HV_X64_MSR_SINT0 + HV_VMBUS_MESSAGE_SINT, sint.as_uint64);

	rdmsrq(HV_X64_MSR_SCONTROL, sctrl.as_uint64);
	sctrl.enable = 1;
	wrmsrq(HV_X64_MSR_SCONTROL, sctrl.as_uint64);
}

/**
 * hv_synic_disable_this_cpu() - stop message and event delivery to this CPU
 *
 * Also used on the crash path, where only the crashing CPU still runs.
 */
void hv_synic_disable_this_cpu(void)
{
	union hv_synic_scontrol sctrl;
	union hv_synic_siefp siefp;
	union hv_synic_simp simp;
	union hv_synic_sint sint;

	rdmsrq(HV_X64_MSR_SINT0 + HV_VMBUS_MESSAGE_SINT, sint.as_uint64);
	sint.masked = 1;
	wrmsrq(HV_X64_MSR_SINT0 + HV_VMBUS_MESSAGE_SINT, sint.as_uint64);

	rdmsrq(HV_X64_MSR_SIMP, simp.as_uint64);
	simp.simp_enabled = 0;
	simp.base_simp_gpa = 0;
	wrmsrq(HV_X64_MSR_SIMP, simp.as_uint64);

	rdmsrq(HV_X64_MSR_SIEFP, siefp.as_uint64);
	siefp.siefp_enabled = 0;
	siefp.base_siefp_gpa = 0;
	wrmsrq(HV_X64_MSR_SIEFP, siefp.as_uint64);

	rdmsrq(HV_X64_MSR_SCONTROL, sctrl.as_uint64);
	sctrl.enable = 0;
	wrmsrq(HV_X64_MSR_SCONTROL, sctrl.as_uint64);
}

static int hv_synic_cpu_online(unsigned int cpu)
{
	hv_synic_enable_this_cpu();
	/* without direct-mode timers, the host's timer messages come on our SINT */
	hv_stimer_legacy_init(cpu, HV_VMBUS_MESSAGE_SINT);
	return 0;
}

static int hv_synic_cpu_offline(unsigned int cpu)
{
	/* Hyper-V cannot move the interrupts of a channel, nor the connection's */
	if (!READ_ONCE(hv_synic_detaching) && hv_synic_ops->cpu_in_use &&
	    hv_synic_ops->cpu_in_use(hv_synic_ctx, cpu))
		return -EBUSY;
	hv_stimer_legacy_cleanup(cpu);
	hv_synic_disable_this_cpu();
	return 0;
}

static void hv_synic_free_pages(void)
{
	struct hv_synic_pages *p;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(&hv_synic_pages, cpu);
		free_page((unsigned long)p->msg_page);
		free_page((unsigned long)p->event_page);
		p->msg_page = NULL;
		p->event_page = NULL;
	}
}

/**
 * hv_synic_attach() - set up every CPU's SynIC for VMBus
 * @ops: where messages and events go
 * @ctx: passed to @ops
 *
 * Return: 0, -ENOMEM, or the CPU hotplug state's error.
 */
int hv_synic_attach(const struct hv_iface_guest_ops *ops, void *ctx)
{
	struct hv_synic_pages *p;
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(&hv_synic_pages, cpu);
		p->msg_page = (void *)get_zeroed_page(GFP_KERNEL);
		p->event_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!p->msg_page || !p->event_page) {
			hv_synic_free_pages();
			return -ENOMEM;
		}
	}
	hv_synic_ops = ops;
	hv_synic_ctx = ctx;
	WRITE_ONCE(hv_synic_detaching, false);
#ifdef HV_HAVE_SETUP_VMBUS_HANDLER
	hv_setup_vmbus_handler(hv_synic_isr);
#else
	/* before 5.12: x86 ignores the irq, the vector is fixed */
	hv_setup_vmbus_irq(0, hv_synic_isr);
#endif
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hv_vmbus/synic:online",
				hv_synic_cpu_online, hv_synic_cpu_offline);
	if (ret < 0) {
		pr_err("cannot set up the SynIC of each CPU (%d)\n", ret);
#ifdef HV_HAVE_SETUP_VMBUS_HANDLER
		hv_remove_vmbus_handler();
#else
		hv_remove_vmbus_irq();
#endif
		hv_synic_free_pages();
		return ret;
	}
	hv_synic_cpuhp_state = ret;
	return 0;
}

/**
 * hv_synic_detach() - stop SynIC delivery on every CPU and free the pages
 */
void hv_synic_detach(void)
{
	WRITE_ONCE(hv_synic_detaching, true);
	cpuhp_remove_state(hv_synic_cpuhp_state);
#ifdef HV_HAVE_SETUP_VMBUS_HANDLER
	hv_remove_vmbus_handler();
#else
	hv_remove_vmbus_irq();
#endif
	/* an interrupt that was already running has finished by now */
	synchronize_rcu();
	hv_synic_free_pages();
}

/**
 * hv_synic_poll_message() - take a pending VMBus message from any CPU
 * @buf: where its payload goes
 * @size: room in @buf
 *
 * For unloading on panic, kexec and in the crash path: no interrupt is
 * waited for, and the other CPUs may be stopped with messages in their
 * slots.
 *
 * Return: the payload size (at most @size bytes are copied), 0 if none.
 */
u32 hv_synic_poll_message(void *buf, u32 size)
{
	u64 payload[HV_VMBUS_MSG_PAYLOAD_MAX / sizeof(u64)];
	struct hv_synic_pages *p;
	unsigned int cpu;
	u32 got;

	for_each_present_cpu(cpu) {
		p = per_cpu_ptr(&hv_synic_pages, cpu);
		if (!p->msg_page)
			continue;
		got = hv_synic_take_message(hv_synic_vmbus_slot(p), payload, false);
		if (got) {
			memcpy(buf, payload, min(got, size));
			return got;
		}
	}
	return 0;
}
