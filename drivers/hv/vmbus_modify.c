// SPDX-License-Identifier: GPL-2.0-only
/*
 * Moving a channel's interrupts to another virtual processor
 * (CHANNELMSG_MODIFYCHANNEL, from protocol 4.1). Hosts of protocol 5.3 and
 * newer confirm the move with MODIFYCHANNEL_RESPONSE; older ones do not
 * answer, so for a while after the move interrupts may still arrive on the
 * old CPU. That is harmless: an interrupt is taken on whatever CPU it
 * arrives (vmbus_event.c), the channel's tasklet never runs on two CPUs at
 * once, and an ISR-mode callback runs under the channel's sched_lock.
 *
 * VP numbers: the host simulator numbers its virtual processors as our
 * CPUs, so the VP index sent for CPU N is N (see vmbus_cpu_to_vp()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_channel.h"

#include <linux/cpu.h>
#include <linux/mutex.h>

#include "hv/vmbus_msg_check.h"
#include "vmbus_core.h"

static int vmbus_modify(struct vmbus_channel *channel, u32 relid, u32 target_vp)
{
	struct vmbus_channel_modifychannel msg = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL,
		.child_relid = relid,
		.target_vp = target_vp,
	};
	struct vmbus_msg_waiter *w;
	u32 status;
	int ret;

	if (!channel || vmbus_core.version < HV_VMBUS_VERSION(5, 3))
		return vmbus_post_msg(vmbus_core.msg_conn_id, &msg, sizeof(msg));
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	vmbus_waiter_init_key(w, VMBUS_MSG_MODIFYCHANNEL_RESPONSE, relid);
	ret = vmbus_chan_call(channel, &msg, sizeof(msg), w);
	if (!ret) {
		/* child_relid, then status, follow the header */
		status = vmbus_msg_get_u32(w->response, VMBUS_MSG_HEADER_SIZE + 4);
		if (status) {
			pr_err("relid %u: the host refused to move the channel to VP %u (status %#x)\n",
			       relid, target_vp, status);
			ret = -EAGAIN;
		}
	}
	kfree(w);
	return ret;
}

#ifdef HV_HAVE_MODIFYCHANNEL_CHANNEL
/**
 * vmbus_send_modifychannel() - ask the host to signal a channel on a VP
 * @channel: the channel
 * @target_vp: the virtual processor's Hyper-V index
 *
 * Return: 0; -EAGAIN if the host refused (as the in-tree driver); -ETIMEDOUT,
 * -ENODEV (rescinded) or a posting error.
 */
int vmbus_send_modifychannel(struct vmbus_channel *channel, u32 target_vp)
{
	return vmbus_modify(channel, channel->offermsg.child_relid, target_vp);
}
#else
/**
 * vmbus_send_modifychannel() - ask the host to signal a channel on a VP
 * @child_relid: the channel's relid
 * @target_vp: the virtual processor's Hyper-V index
 *
 * This kernel's API names the channel by relid and expects no answer.
 *
 * Return: 0 or a posting error.
 */
int vmbus_send_modifychannel(u32 child_relid, u32 target_vp)
{
	return vmbus_modify(NULL, child_relid, target_vp);
}
#endif
EXPORT_SYMBOL_GPL(vmbus_send_modifychannel);

/**
 * vmbus_chan_retarget() - move an open channel's interrupts to @cpu
 * @channel: the channel
 * @cpu: the CPU, below nr_cpu_ids
 *
 * Needs protocol 4.1 (Windows 10 v4.1) or newer, where hosts support it.
 * Serialized with closing the channel (vmbus_core.chan_state_lock), so no
 * MODIFYCHANNEL is sent for a channel that is closed or being closed, and
 * with CPU hotplug, so @cpu stays online meanwhile. The errors are the
 * in-tree driver's for a write to channels/<relid>/cpu.
 *
 * Return: 0; -EIO if the protocol is too old, the channel is not open, or
 * the host did not take the move; -EINVAL for an offline CPU.
 */
int vmbus_chan_retarget(struct vmbus_channel *channel, unsigned int cpu)
{
	int ret = 0;

	if (vmbus_core.version < HV_VMBUS_VERSION(4, 1))
		return -EIO;
	cpus_read_lock();
	mutex_lock(&vmbus_core.chan_state_lock);
	if (!cpu_online(cpu))
		ret = -EINVAL;
	else if (channel->state != CHANNEL_OPENED_STATE)
		ret = -EIO;
	else if (channel->target_cpu != cpu &&
		 vmbus_modify(channel, channel->offermsg.child_relid, vmbus_cpu_to_vp(cpu)))
		ret = -EIO;
	else
		WRITE_ONCE(channel->target_cpu, cpu);
	mutex_unlock(&vmbus_core.chan_state_lock);
	cpus_read_unlock();
	return ret;
}
