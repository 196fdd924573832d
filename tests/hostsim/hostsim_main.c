// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_hostsim: module entry points and the hypervisor interface it exports.
 *
 * Load it before hv_vmbus: hv_vmbus finds HV_IFACE_SIM_SYMBOL at load time
 * and then talks to this simulated host instead of Hyper-V. Parameters:
 *   max_version=M.m   newest VMBus protocol version the host accepts (6.0)
 *   selftest=1        check the host against a built-in fake guest while
 *                     loading (hostsim_selftest.c); the load fails if a
 *                     check does
 *
 * While loaded it is also the guest's Hyper-V reference counter
 * (hostsim_ic_refclock.c).
 *
 * The host is driven through debugfs (hostsim_debugfs.c), most easily with
 * the hvsim tool of tests/hostsim/cli.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hv/vmbus_proto.h"
#include "hostsim.h"

struct hvsim hvsim = {
	.lock = __MUTEX_INITIALIZER(hvsim.lock),
};

static char *max_version = "6.0";
module_param(max_version, charp, 0444);
MODULE_PARM_DESC(max_version, "newest VMBus protocol version the host accepts, M.m");

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "check the host against a built-in fake guest at load");

struct hvsim_msg {
	struct work_struct work;
	u32 connection_id;
	u32 size;
	u8 data[HV_VMBUS_MSG_PAYLOAD_MAX];
};

static void hvsim_msg_work(struct work_struct *work)
{
	struct hvsim_msg *m = container_of(work, struct hvsim_msg, work);

	mutex_lock(&hvsim.lock);
	hvsim_handle_message(m->connection_id, m->data, m->size);
	mutex_unlock(&hvsim.lock);
	kfree(m);
}

/**
 * hvsim_send_to_guest() - deliver a message to the guest's VMBus SINT
 * @msg: the message
 * @size: its size, at most HV_VMBUS_MSG_PAYLOAD_MAX
 *
 * Called with hvsim.lock held, from the host's work queue or a control
 * command; nothing is sent while no guest is attached.
 */
void hvsim_send_to_guest(const void *msg, u32 size)
{
	lockdep_assert_held(&hvsim.lock);
	if (!hvsim.guest_ops)
		return;
	hvsim.stats.msgs_out++;
	hvsim.guest_ops->on_message(hvsim.guest_ctx, msg, size);
}

static int hvsim_attach(const struct hv_iface_guest_ops *ops, void *ctx)
{
	int ret = 0;

	mutex_lock(&hvsim.lock);
	if (hvsim.guest_ops) {
		ret = -EBUSY;
	} else {
		hvsim.guest_ops = ops;
		hvsim.guest_ctx = ctx;
	}
	mutex_unlock(&hvsim.lock);
	return ret;
}

static void hvsim_detach(void)
{
	/* let messages already posted be handled first, as the host would */
	flush_workqueue(hvsim.wq);
	mutex_lock(&hvsim.lock);
	hvsim.guest_ops = NULL;
	hvsim.guest_ctx = NULL;
	hvsim.state = HVSIM_DISCONNECTED;
	hvsim.version = 0;
	hvsim_forget_offers();
	mutex_unlock(&hvsim.lock);
}

static int hvsim_post_message(u32 connection_id, const void *payload, u32 size)
{
	struct hvsim_msg *m;
	int ret;

	if (size > HV_VMBUS_MSG_PAYLOAD_MAX)
		return -EINVAL;
	/* like the hypercall, fail at once for a connection the host lacks */
	ret = hvsim_check_connection(connection_id, payload, size);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return -EAGAIN;
	memcpy(m->data, payload, size);
	m->size = size;
	m->connection_id = connection_id;
	INIT_WORK(&m->work, hvsim_msg_work);
	queue_work(hvsim.wq, &m->work);
	return 0;
}

const struct hv_iface hvsim_iface = {
	.name = "host simulator",
	.attach = hvsim_attach,
	.detach = hvsim_detach,
	.post_message = hvsim_post_message,
	.signal_event = hvsim_signal_event,
};
EXPORT_SYMBOL_GPL(hvsim_iface);

static int hvsim_parse_version(const char *s, u32 *version)
{
	unsigned int major, minor;
	char extra;

	if (sscanf(s, "%u.%u%c", &major, &minor, &extra) != 2 ||
	    major > 0xffff || minor > 0xffff)
		return -EINVAL;
	*version = HV_VMBUS_VERSION(major, minor);
	return hvsim_version_known(*version) ? 0 : -EINVAL;
}

static int __init hvsim_init(void)
{
	int ret;

	ret = hvsim_parse_version(max_version, &hvsim.max_version);
	if (ret) {
		pr_err("max_version=%s is not a VMBus protocol version\n", max_version);
		return ret;
	}
	hvsim.wq = alloc_ordered_workqueue("hv_hostsim", 0);
	if (!hvsim.wq)
		return -ENOMEM;
	ret = hvsim_chans_init();
	if (ret)
		goto err_wq;
	if (selftest) {
		ret = hvsim_selftest();
		if (ret)
			goto err_chans;
	}
	ret = hvsim_debugfs_init();
	if (ret)
		goto err_chans;
	hvsim_refclock_init();
	pr_info("simulated host ready, VMBus protocol up to %s\n", max_version);
	return 0;

err_chans:
	hvsim_chans_exit();
err_wq:
	destroy_workqueue(hvsim.wq);
	return ret;
}

static void __exit hvsim_exit(void)
{
	hvsim_refclock_exit();
	hvsim_debugfs_exit();
	hvsim_chans_exit();
	destroy_workqueue(hvsim.wq);
}

module_init(hvsim_init);
module_exit(hvsim_exit);

MODULE_DESCRIPTION("Hyper-V host simulator for testing VMBus guests (hyperv-dkms)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HV_DKMS_VERSION);
