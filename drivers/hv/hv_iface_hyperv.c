// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypervisor interface, real Hyper-V implementation. It relies on the
 * kernel's built-in Hyper-V support, which sets up the hypercall page, the
 * per-CPU hypercall input pages and the VP index table at boot, and calls
 * our handler on the hypervisor callback vector. Messages to the host are
 * HvPostMessage hypercalls, channel signals HvSignalEvent fast hypercalls;
 * what comes from the host arrives through the SynIC
 * (hv_iface_hyperv_synic.c).
 *
 * Isolated (SEV-SNP, TDX) guests need the paravisor's MSR and hypercall
 * paths, which this release does not implement: it declines those VMs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/mshyperv.h>

#include "hv/vmbus_proto.h"
#include "hv_iface_hyperv.h"

/* HvPostMessage input (Hyper-V TLFS); message type 1 is a VMBus message */
struct hv_post_message_input {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u8 payload[HV_VMBUS_MSG_PAYLOAD_MAX];
} __packed;

#define HV_POST_MESSAGE_TYPE_VMBUS	1

static_assert(sizeof(struct hv_post_message_input) <= HV_HYP_PAGE_SIZE);

static int hv_iface_hyperv_post_message(u32 connection_id, const void *payload, u32 size)
{
	struct hv_post_message_input *in;
	unsigned long flags;
	u64 status;

	if (size > HV_VMBUS_MSG_PAYLOAD_MAX)
		return -EMSGSIZE;
	local_irq_save(flags);
	in = *this_cpu_ptr(hyperv_pcpu_input_arg);
	in->connection_id = connection_id;
	in->reserved = 0;
	in->message_type = HV_POST_MESSAGE_TYPE_VMBUS;
	in->payload_size = size;
	memcpy(in->payload, payload, size);
	status = hv_do_hypercall(HVCALL_POST_MESSAGE, in, NULL);
	local_irq_restore(flags);

	switch (status & HV_HYPERCALL_RESULT_MASK) {
	case HV_STATUS_SUCCESS:
		return 0;
	case HV_STATUS_INVALID_CONNECTION_ID:
		return -EINVAL;
	case HV_STATUS_INSUFFICIENT_MEMORY:
	case HV_STATUS_INSUFFICIENT_BUFFERS:
		return -EAGAIN;
	default:
		pr_err_ratelimited("HvPostMessage to connection %#x failed: status %#llx\n",
				   connection_id, status & HV_HYPERCALL_RESULT_MASK);
		return -EIO;
	}
}

static void hv_iface_hyperv_signal_event(u32 connection_id)
{
	/* the flag number (upper half) is 0: one event per connection */
	hv_do_fast_hypercall8(HVCALL_SIGNAL_EVENT, connection_id);
}

static u32 hv_iface_hyperv_vp_index(unsigned int cpu)
{
	return hv_cpu_number_to_vp_number(cpu);
}

static const struct hv_iface hv_iface_hyperv = {
	.name = "hyperv",
	.attach = hv_synic_attach,
	.detach = hv_synic_detach,
	.post_message = hv_iface_hyperv_post_message,
	.signal_event = hv_iface_hyperv_signal_event,
	.vp_index = hv_iface_hyperv_vp_index,
	.poll_message = hv_synic_poll_message,
};

/**
 * hv_iface_hyperv_probe() - the real Hyper-V interface, if this is Hyper-V
 *
 * hv_is_hyperv_initialized() checks the detected hypervisor type before it
 * reads any Hyper-V MSR, so it is safe to call under any hypervisor.
 *
 * Return: the interface, an ERR_PTR when this is a Hyper-V guest we cannot
 * drive, or NULL when not running on Hyper-V.
 */
const struct hv_iface *hv_iface_hyperv_probe(void)
{
	if (!hv_is_hyperv_initialized())
		return NULL;
#ifdef HV_HAVE_ISOLATION_SUPPORTED
	if (hv_is_isolation_supported()) {
		pr_err("this is an isolated (confidential) Hyper-V guest, which this release does not support\n");
		return ERR_PTR(-EOPNOTSUPP);
	}
#endif
	if (!hyperv_pcpu_input_arg || !hv_vp_index) {
		pr_err("the kernel's Hyper-V support did not set up hypercall input pages\n");
		return ERR_PTR(-ENODEV);
	}
	return &hv_iface_hyperv;
}
