// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: Hyper-V integration services - the VMBus driver, its device
 * table and the module.
 *
 * This slice serves shutdown, time synchronization (with the "hyperv" PTP
 * clock) and heartbeat; KVP, VSS and file copy come later, and until then
 * their devices are left unbound (the device table lists only what is
 * served). The module has the in-tree module's name so that, installed by
 * dkms, it replaces the distro's; it uses only the public client API of
 * <linux/hyperv.h>, so it runs on our hv_vmbus and on a kernel's built-in
 * VMBus alike.
 *
 * Each device gets its channel opened in direct-read mode with 12 KiB rings
 * (as Linux) and a private receive buffer as large as the inbound ring's
 * data area; hv_utils_ic.c reads and answers, the service files act.
 *
 * Module parameters:
 *   timesync_implicit  treat a time SAMPLE as a SYNC when the guest clock is
 *			5 s or more behind the host (as Linux 6.12 on; off by
 *			default)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "hv_utils.h"

/* Ring size each way: 12 KiB of data, as Linux's utilities use. */
#define HV_IC_RING_SIZE VMBUS_RING_SIZE(3 * HV_HYP_PAGE_SIZE)

bool hv_timesync_implicit;
module_param_named(timesync_implicit, hv_timesync_implicit, bool, 0644);
MODULE_PARM_DESC(timesync_implicit, "If set treat SAMPLE as SYNC when clock is behind");

static const struct hv_vmbus_device_id hv_utils_id_table[] = {
	{ HV_SHUTDOWN_GUID, .driver_data = (kernel_ulong_t)&hv_ic_shutdown_service },
	{ HV_TS_GUID, .driver_data = (kernel_ulong_t)&hv_ic_timesync_service },
	{ HV_HEART_BEAT_GUID, .driver_data = (kernel_ulong_t)&hv_ic_heartbeat_service },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, hv_utils_id_table);

static int hv_utils_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *id)
{
	const struct hv_ic_service *svc = (const struct hv_ic_service *)id->driver_data;
	struct vmbus_channel *channel = hdev->channel;
	struct hv_ic_dev *icdev;
	int ret;

	/* a device bound through driver_override comes with an empty id */
	if (!svc) {
		dev_err(&hdev->device, "not an integration service this driver serves\n");
		return -ENODEV;
	}
	icdev = kzalloc(sizeof(*icdev), GFP_KERNEL);
	if (!icdev)
		return -ENOMEM;
	icdev->hdev = hdev;
	icdev->svc = svc;
	icdev->buf_len = HV_IC_RING_SIZE - sizeof(struct hv_ring_buffer);
	icdev->buf = kzalloc(icdev->buf_len, GFP_KERNEL);
	if (!icdev->buf) {
		ret = -ENOMEM;
		goto err_free;
	}
	hv_set_drvdata(hdev, icdev);

	if (svc->probe) {
		ret = svc->probe(icdev);
		if (ret)
			goto err_buf;
	}

#ifdef HV_HAVE_MAX_PKT_SIZE
	/* or the core would cut packets longer than its default (4 KiB) */
	channel->max_pkt_size = icdev->buf_len;
#endif
	/* one packet at a time, read in the callback itself */
	set_channel_read_mode(channel, HV_CALL_DIRECT);
	ret = vmbus_open(channel, HV_IC_RING_SIZE, HV_IC_RING_SIZE, NULL, 0,
			 hv_ic_channel_callback, icdev);
	if (ret) {
		dev_err(&hdev->device, "%s IC: cannot open the channel: %d\n", svc->name, ret);
		goto err_svc;
	}
	return 0;

err_svc:
	if (svc->remove)
		svc->remove(icdev);
err_buf:
	hv_set_drvdata(hdev, NULL);
	kfree(icdev->buf);
err_free:
	kfree(icdev);
	return ret;
}

static hv_driver_remove_ret_t hv_utils_remove(struct hv_device *hdev)
{
	struct hv_ic_dev *icdev = hv_get_drvdata(hdev);

	/* no callback runs after this, so no new work is queued */
	vmbus_close(hdev->channel);
	if (icdev->svc->remove)
		icdev->svc->remove(icdev);
	hv_set_drvdata(hdev, NULL);
	kfree(icdev->buf);
	kfree(icdev);
#ifndef HV_HAVE_HV_DRIVER_REMOVE_VOID
	return 0;
#endif
}

static struct hv_driver hv_utils_driver = {
	.name = KBUILD_MODNAME,
	.id_table = hv_utils_id_table,
	.probe = hv_utils_probe,
	.remove = hv_utils_remove,
};

static int __init hv_utils_init(void)
{
	return vmbus_driver_register(&hv_utils_driver);
}

static void __exit hv_utils_exit(void)
{
	vmbus_driver_unregister(&hv_utils_driver);
}

module_init(hv_utils_init);
module_exit(hv_utils_exit);

MODULE_DESCRIPTION("Hyper-V Utilities");
MODULE_LICENSE("GPL");
MODULE_VERSION(HV_DKMS_VERSION);
