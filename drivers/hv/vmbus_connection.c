// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connecting to the host: protocol version negotiation (newest first, down
 * to WS2008), the request for channel offers, and the unload that hands
 * every channel back to the host on the way out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_connection.h"

#include <linux/delay.h>
#include <linux/string.h>

#include "hv/vmbus_proto.h"
#include "vmbus_core.h"

/* The negotiated protocol version, for drivers that depend on it. */
__u32 vmbus_proto_version;
EXPORT_SYMBOL_GPL(vmbus_proto_version);

#define VMBUS_CONNECT_TIMEOUT_MS	10000
#define VMBUS_UNLOAD_TIMEOUT_MS		5000

/* Every protocol version we speak, newest first. */
static const u32 vmbus_versions[] = {
	HV_VMBUS_VERSION_COPPER,
	HV_VMBUS_VERSION(5, 3),
	HV_VMBUS_VERSION(5, 2),
	HV_VMBUS_VERSION(5, 1),
	HV_VMBUS_VERSION(5, 0),
	HV_VMBUS_VERSION(4, 1),
	HV_VMBUS_VERSION(4, 0),
	HV_VMBUS_VERSION(3, 0),
	HV_VMBUS_VERSION(2, 4),
	HV_VMBUS_VERSION(1, 1),
	HV_VMBUS_VERSION(0, 13),
};

/*
 * Ask the host for one version. Return: 0 if accepted, -EPROTONOSUPPORT if
 * refused, -EINVAL if the host has no such connection (an old host asked
 * on the 5.0+ connection id), other errors if the host did not answer.
 */
static int vmbus_conn_negotiate(u32 version)
{
	struct vmbus_channel_initiate_contact msg;
	struct vmbus_channel_version_response *resp;
	struct vmbus_msg_waiter *w;
	u32 conn_id;
	int ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
	msg.vmbus_version_requested = version;
	msg.target_vcpu = vmbus_cpu_to_vp(0);
	if (version >= HV_VMBUS_VERSION(5, 0)) {
		msg.msg_sint = HV_VMBUS_MESSAGE_SINT;
		conn_id = HV_VMBUS_MSG_CONN_ID_V5;
	} else {
		msg.interrupt_page = virt_to_phys(vmbus_core.int_page);
		conn_id = HV_VMBUS_MSG_CONN_ID_OLD;
	}
	msg.monitor_page1 = virt_to_phys(vmbus_core.monitor_pages[0]);
	msg.monitor_page2 = virt_to_phys(vmbus_core.monitor_pages[1]);

	vmbus_waiter_init(w, CHANNELMSG_VERSION_RESPONSE);
	ret = vmbus_call(conn_id, &msg, sizeof(msg), w, VMBUS_CONNECT_TIMEOUT_MS);
	if (ret)
		goto out;
	resp = (void *)w->response;
	if (!resp->version_supported) {
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	if (version >= HV_VMBUS_VERSION(5, 0)) {
		if (!resp->msg_conn_id) {
			pr_err("host accepted version %u.%u with connection id 0\n",
			       HV_VMBUS_VERSION_MAJOR(version),
			       HV_VMBUS_VERSION_MINOR(version));
			ret = -EPROTO;
			goto out;
		}
		vmbus_core.msg_conn_id = resp->msg_conn_id;
	} else {
		vmbus_core.msg_conn_id = HV_VMBUS_MSG_CONN_ID_OLD;
	}
	vmbus_core.version = version;
	vmbus_proto_version = version;
out:
	kfree(w);
	return ret;
}

static int vmbus_conn_request_offers(void)
{
	struct vmbus_channel_message_header msg = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	struct vmbus_msg_waiter *w;
	int ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	vmbus_waiter_init(w, CHANNELMSG_ALLOFFERS_DELIVERED);
	ret = vmbus_call(vmbus_core.msg_conn_id, &msg, sizeof(msg), w,
			 VMBUS_CONNECT_TIMEOUT_MS);
	kfree(w);
	return ret;
}

static void vmbus_free_pages(void)
{
	free_page((unsigned long)vmbus_core.int_page);
	free_page((unsigned long)vmbus_core.monitor_pages[0]);
	free_page((unsigned long)vmbus_core.monitor_pages[1]);
	vmbus_core.int_page = NULL;
	vmbus_core.monitor_pages[0] = NULL;
	vmbus_core.monitor_pages[1] = NULL;
}

/**
 * vmbus_connect() - negotiate a protocol version and request the offers
 *
 * Tries every version from the newest down; the first one the host accepts
 * is used. Return: 0, or a negative errno with nothing left allocated.
 */
int vmbus_connect(void)
{
	unsigned int i;
	int ret = -EPROTONOSUPPORT;

	vmbus_core.int_page = (void *)get_zeroed_page(GFP_KERNEL);
	vmbus_core.monitor_pages[0] = (void *)get_zeroed_page(GFP_KERNEL);
	vmbus_core.monitor_pages[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!vmbus_core.int_page || !vmbus_core.monitor_pages[0] ||
	    !vmbus_core.monitor_pages[1]) {
		vmbus_free_pages();
		return -ENOMEM;
	}

	for (i = 0; i < ARRAY_SIZE(vmbus_versions); i++) {
		ret = vmbus_conn_negotiate(vmbus_versions[i]);
		if (ret != -EPROTONOSUPPORT && ret != -EINVAL)
			break;
	}
	if (ret) {
		pr_err("no protocol version agreed with the host (%d)\n", ret);
		vmbus_free_pages();
		return ret;
	}
	pr_info("Vmbus version:%u.%u\n", HV_VMBUS_VERSION_MAJOR(vmbus_core.version),
		HV_VMBUS_VERSION_MINOR(vmbus_core.version));

	ret = vmbus_conn_request_offers();
	if (ret) {
		pr_err("the host did not deliver its channel offers (%d)\n", ret);
		vmbus_disconnect();
	}
	return ret;
}

/**
 * vmbus_disconnect() - unload: hand every channel back to the host
 *
 * Waits a bounded time for the host's acknowledgment: unloading must not
 * hang on a host that does not answer.
 */
void vmbus_disconnect(void)
{
	struct vmbus_channel_message_header msg = {
		.msgtype = CHANNELMSG_UNLOAD,
	};
	struct vmbus_msg_waiter *w;
	int ret = -ENOMEM;

	if (!vmbus_core.version || atomic_read(&vmbus_core.unloaded_atomic))
		return;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (w) {
		vmbus_waiter_init(w, CHANNELMSG_UNLOAD_RESPONSE);
		ret = vmbus_call(vmbus_core.msg_conn_id, &msg, sizeof(msg), w,
				 VMBUS_UNLOAD_TIMEOUT_MS);
		kfree(w);
	}
	if (ret)
		pr_warn("the host did not acknowledge the unload (%d)\n", ret);
	vmbus_core.version = 0;
	vmbus_proto_version = 0;
	vmbus_free_pages();
}

/**
 * vmbus_disconnect_atomic() - unload without sleeping or interrupts
 *
 * On panic, kexec and in the crash path the host must be told to drop the
 * connection, or the next kernel (kdump's, kexec's) cannot connect. Nothing
 * else of ours may run by then: the UNLOAD message is posted directly and
 * the answer polled for in the message slots, for at most
 * VMBUS_UNLOAD_TIMEOUT_MS. Runs once; the normal unload is skipped after.
 */
void vmbus_disconnect_atomic(void)
{
	struct vmbus_channel_message_header msg = {
		.msgtype = CHANNELMSG_UNLOAD,
	};
	const struct vmbus_channel_message_header *hdr;
	u64 buf[HV_VMBUS_MSG_PAYLOAD_MAX / sizeof(u64)];
	const struct hv_iface *iface = vmbus_core.iface;
	unsigned int waited_ms;
	u32 size;

	if (!iface || !READ_ONCE(vmbus_core.version) ||
	    atomic_xchg(&vmbus_core.unloaded_atomic, 1))
		return;
	if (iface->post_message(vmbus_core.msg_conn_id, &msg, sizeof(msg)) ||
	    !iface->poll_message)
		return;
	hdr = (const void *)buf;
	for (waited_ms = 0; waited_ms < VMBUS_UNLOAD_TIMEOUT_MS; waited_ms++) {
		while ((size = iface->poll_message(buf, sizeof(buf)))) {
			if (size >= sizeof(*hdr) && hdr->msgtype == CHANNELMSG_UNLOAD_RESPONSE)
				return;
		}
		mdelay(1);
	}
	pr_warn("the host did not acknowledge the unload\n");
}

/**
 * vmbus_cpu_in_use() - whether the host still interrupts a CPU
 * @ctx: unused
 * @cpu: the CPU about to go offline
 *
 * Host messages go to the CPU named at connect time (CPU 0), channel
 * events to each channel's target CPU; neither can be taken offline while
 * connected. Move channels away first (channels/RELID/cpu in sysfs).
 *
 * Return: true when @cpu must stay online.
 */
bool vmbus_cpu_in_use(void *ctx, unsigned int cpu)
{
	struct vmbus_channel *channel;
	unsigned long relid;
	bool in_use = false;

	if (!READ_ONCE(vmbus_core.version))
		return false;
	if (cpu == 0)
		return true;
	rcu_read_lock();
	xa_for_each(&vmbus_core.channels, relid, channel) {
		if (READ_ONCE(channel->target_cpu) == cpu) {
			in_use = true;
			break;
		}
	}
	rcu_read_unlock();
	return in_use;
}

/**
 * vmbus_set_event() - signal the host on a channel's connection
 * @channel: the channel
 *
 * Channels without a dedicated interrupt (protocol 0.13, or when the host
 * offered them so) also set their relid's bit in the shared interrupt page.
 */
void vmbus_set_event(struct vmbus_channel *channel)
{
	u32 relid = channel->offermsg.child_relid;

	if (!channel->is_dedicated_interrupt && vmbus_core.int_page)
		sync_set_bit(relid, (unsigned long *)(vmbus_core.int_page + PAGE_SIZE / 2));
	channel->sig_events++;
	vmbus_core.iface->signal_event(channel->sig_event);
}
EXPORT_SYMBOL_GPL(vmbus_set_event);
