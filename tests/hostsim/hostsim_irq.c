// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel interrupts to the guest, on the channel's target virtual
 * processor.
 *
 * On Hyper-V a channel's interrupt is a SynIC event: the host sets the
 * channel's event flag and the VMBus interrupt arrives on the VP the guest
 * chose for the channel, in OPENCHANNEL (target_vp) and later in
 * MODIFYCHANNEL. The simulator interrupts the target CPU (VP index N is
 * Linux CPU N here, as the guest in drivers/hv numbers them) so that the
 * guest's on_event runs there in hard interrupt context: an IPI
 * (smp_call_function_single_async()) when the target is another CPU than
 * the host's, a self-interrupt (irq_work_queue()) when it is the same one.
 * (irq_work_queue_on() would do both but is not exported to modules.) As
 * with event flags, a signal while the previous one is still pending is
 * merged into it ("coalesced"); that pending interrupt may still arrive on
 * the old target after a move, and one raised while an interrupt runs may
 * run on another CPU at the same time, both as on Hyper-V.
 *
 * A target that is not (or no longer) an online CPU: the host refuses such
 * a VP in OPENCHANNEL and MODIFYCHANNEL; should the CPU go offline later,
 * the interrupt is delivered on the signalling CPU and counted as off
 * target rather than lost.
 *
 * Counters, per channel: interrupts delivered on each CPU, those delivered
 * on a CPU that was not the target when they ran, and signals merged into
 * a pending interrupt. They are reset with the channel's other counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/smp.h>

#include "hostsim.h"

/**
 * hvsim_vp_valid() - is @vp a virtual processor the guest can be sent to?
 * @vp: a VP index from the guest
 *
 * Return: true if @vp is an online CPU.
 */
bool hvsim_vp_valid(u32 vp)
{
	return vp < nr_cpu_ids && cpu_online(vp);
}

/* The interrupt arrives, with interrupts off, on the CPU it was sent to. */
static void hvsim_irq_deliver(struct hvsim_chan *c)
{
	const struct hv_iface_guest_ops *ops;
	void *ctx;

	spin_lock(&c->irq_lock);
	ops = c->irq_ops;
	ctx = c->irq_ctx;
	spin_unlock(&c->irq_lock);
	if (ops) {
		this_cpu_inc(*c->events_on);
		if (smp_processor_id() != READ_ONCE(c->target_vp))
			atomic64_inc(&c->events_off_target);
		ops->on_event(ctx, c->relid);
	}
	/* the last access to @c: hvsim_irq_disarm() may return after it */
	atomic_dec(&c->irq_inflight);
}

static void hvsim_irq_self(struct irq_work *work)
{
	hvsim_irq_deliver(container_of(work, struct hvsim_chan, irq));
}

static void hvsim_irq_ipi(void *info)
{
	hvsim_irq_deliver(info);
}

/**
 * hvsim_irq_init() - prepare a channel's interrupt at module load
 * @c: the channel
 *
 * Return: 0 or -ENOMEM.
 */
int hvsim_irq_init(struct hvsim_chan *c)
{
	spin_lock_init(&c->irq_lock);
	init_irq_work(&c->irq, hvsim_irq_self);
	c->irq_csd.func = hvsim_irq_ipi;
	c->irq_csd.info = c;
	atomic_set(&c->irq_inflight, 0);
	atomic64_set(&c->events_off_target, 0);
	atomic64_set(&c->irq_coalesced, 0);
	c->events_on = alloc_percpu(u64);
	return c->events_on ? 0 : -ENOMEM;
}

/**
 * hvsim_irq_exit() - free what hvsim_irq_init() allocated
 * @c: the channel, its interrupt disarmed
 */
void hvsim_irq_exit(struct hvsim_chan *c)
{
	free_percpu(c->events_on);
	c->events_on = NULL;
}

/**
 * hvsim_irq_arm() - deliver the channel's interrupts to @ops from now on
 * @c: the channel, being opened
 * @ops: the guest's callbacks
 * @ctx: their argument
 */
void hvsim_irq_arm(struct hvsim_chan *c, const struct hv_iface_guest_ops *ops, void *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&c->irq_lock, flags);
	c->irq_ops = ops;
	c->irq_ctx = ctx;
	spin_unlock_irqrestore(&c->irq_lock, flags);
}

/**
 * hvsim_irq_disarm() - no interrupt of the channel reaches the guest any more
 * @c: the channel, which no longer signals (it is closed)
 *
 * Sleeps until an interrupt already running on any CPU has returned.
 */
void hvsim_irq_disarm(struct hvsim_chan *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->irq_lock, flags);
	c->irq_ops = NULL;
	c->irq_ctx = NULL;
	spin_unlock_irqrestore(&c->irq_lock, flags);
	irq_work_sync(&c->irq);
	while (atomic_read(&c->irq_inflight))
		usleep_range(50, 100);
}

/**
 * hvsim_irq_raise() - interrupt the guest on the channel's target VP
 * @c: the channel, open, its lock held
 */
void hvsim_irq_raise(struct hvsim_chan *c)
{
	unsigned int cpu;
	bool sent;

	lockdep_assert_held(&c->lock);
	/* a CPU cannot go offline while this one runs with preemption off */
	preempt_disable();
	cpu = c->target_vp;
	if (!hvsim_vp_valid(cpu))
		cpu = smp_processor_id();
	atomic_inc(&c->irq_inflight);
	if (cpu == smp_processor_id())
		sent = irq_work_queue(&c->irq);
	else	/* -EBUSY while the IPI is pending; the channel's lock serializes */
		sent = !smp_call_function_single_async(cpu, &c->irq_csd);
	if (!sent) {
		atomic_dec(&c->irq_inflight);
		atomic64_inc(&c->irq_coalesced);
	}
	preempt_enable();
}

/**
 * hvsim_irq_events() - interrupts of a channel delivered so far
 * @c: the channel
 * @cpu: count those delivered on this CPU only; -1 for all
 *
 * Return: the number.
 */
u64 hvsim_irq_events(struct hvsim_chan *c, int cpu)
{
	u64 n = 0;
	int i;

	if (cpu >= 0)
		return *per_cpu_ptr(c->events_on, cpu);
	for_each_possible_cpu(i)
		n += *per_cpu_ptr(c->events_on, i);
	return n;
}

/**
 * hvsim_irq_reset() - zero a channel's interrupt counters
 * @c: the channel, not open
 */
void hvsim_irq_reset(struct hvsim_chan *c)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(*c->events_on, cpu) = 0;
	atomic64_set(&c->events_off_target, 0);
	atomic64_set(&c->irq_coalesced, 0);
}

/**
 * hvsim_irq_show() - a channel's interrupt counters, as "key=value" words
 * @s: where to print them, each word after a space
 * @c: the channel
 */
void hvsim_irq_show(struct seq_file *s, struct hvsim_chan *c)
{
	int cpu;

	seq_printf(s, " events=%llu events_off_target=%lld irq_coalesced=%lld",
		   hvsim_irq_events(c, -1), (long long)atomic64_read(&c->events_off_target),
		   (long long)atomic64_read(&c->irq_coalesced));
	for_each_possible_cpu(cpu)
		seq_printf(s, " events_cpu%d=%llu", cpu, hvsim_irq_events(c, cpu));
}
