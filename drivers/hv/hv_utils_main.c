// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: Hyper-V integration services - the VMBus driver, its device
 * table and the module.
 *
 * It serves shutdown, time synchronization (with the "hyperv" PTP clock),
 * heartbeat, and through their daemons KVP, VSS and file copy
 * (/dev/vmbus/hv_kvp, hv_vss, hv_fcopy). The module has the in-tree
 * module's name so that, installed by dkms, it replaces the distro's; it
 * uses only the public client API of <linux/hyperv.h>, so it runs on our
 * hv_vmbus and on a kernel's built-in VMBus alike.
 *
 * Each device gets its channel opened in direct-read mode with 12 KiB rings
 * (as Linux; VSS 20 KiB, so that its largest messages can be read) and a
 * private receive buffer as large as the inbound ring's data area;
 * hv_utils_ic.c reads and answers, the service files act.
 *
 * Module parameters:
 *   timesync_implicit  treat a time SAMPLE as a SYNC when the guest clock is
 *			5 s or more behind the host (as Linux 6.12 on; off by
 *			default)
 *   kvp_nego_wait_ms	how long KVP's negotiation waits for a daemon to
 *			register before it is answered anyway (55000)
 *   daemon_timeout_ms	how long the host waits for a daemon's answer before
 *			it gets HV_E_FAIL (30000)
 *   vss_freeze_timeout_ms  the same for a VSS freeze (900000)
 *   fcopy		auto: serve the file copy device on kernels before
 *			6.10 only (later ones hand it to uio_hv_generic and
 *			hv_fcopy_uio_daemon); chardev: on every kernel
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hv_utils.h"

/* Ring size each way: 12 KiB of data, as Linux's utilities use. */
#define HV_IC_RING_SIZE VMBUS_RING_SIZE(3 * HV_HYP_PAGE_SIZE)

bool hv_timesync_implicit;
module_param_named(timesync_implicit, hv_timesync_implicit, bool, 0644);
MODULE_PARM_DESC(timesync_implicit, "If set treat SAMPLE as SYNC when clock is behind");

unsigned int hv_kvp_nego_wait_ms = 55000;
module_param_named(kvp_nego_wait_ms, hv_kvp_nego_wait_ms, uint, 0644);
MODULE_PARM_DESC(kvp_nego_wait_ms, "Longest wait of KVP's negotiation for a daemon (ms)");

unsigned int hv_daemon_timeout_ms = 30000;
module_param_named(daemon_timeout_ms, hv_daemon_timeout_ms, uint, 0644);
MODULE_PARM_DESC(daemon_timeout_ms, "Longest wait for a KVP/VSS/fcopy daemon's answer (ms)");

unsigned int hv_vss_freeze_timeout_ms = 900000;
module_param_named(vss_freeze_timeout_ms, hv_vss_freeze_timeout_ms, uint, 0644);
MODULE_PARM_DESC(vss_freeze_timeout_ms, "Longest wait for the VSS daemon's freeze (ms)");

static char *hv_fcopy_mode = "auto";
module_param_named(fcopy, hv_fcopy_mode, charp, 0444);
MODULE_PARM_DESC(fcopy, "auto: serve file copy before Linux 6.10 only; chardev: always");

/* Whether this module serves the file copy device (fcopy=). */
static bool hv_fcopy_claimed(struct device *dev)
{
	if (!strcmp(hv_fcopy_mode, "chardev"))
		return true;
	if (strcmp(hv_fcopy_mode, "auto"))
		dev_warn(dev, "fcopy=%s unknown, taken as auto\n", hv_fcopy_mode);
#ifdef HV_FCOPY_MOVED_TO_UIO
	return false;
#else
	return true;
#endif
}

static const struct hv_vmbus_device_id hv_utils_id_table[] = {
	{ HV_SHUTDOWN_GUID, .driver_data = (kernel_ulong_t)&hv_ic_shutdown_service },
	{ HV_TS_GUID, .driver_data = (kernel_ulong_t)&hv_ic_timesync_service },
	{ HV_HEART_BEAT_GUID, .driver_data = (kernel_ulong_t)&hv_ic_heartbeat_service },
	{ HV_KVP_GUID, .driver_data = (kernel_ulong_t)&hv_ic_kvp_service },
	{ HV_VSS_GUID, .driver_data = (kernel_ulong_t)&hv_ic_vss_service },
	{ HV_FCOPY_GUID, .driver_data = (kernel_ulong_t)&hv_ic_fcopy_service },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, hv_utils_id_table);

static int hv_utils_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *id)
{
	const struct hv_ic_service *svc = (const struct hv_ic_service *)id->driver_data;
	struct vmbus_channel *channel = hdev->channel;
	struct hv_ic_dev *icdev;
	u32 ring_size;
	int ret;

	/* a device bound through driver_override comes with an empty id */
	if (!svc) {
		dev_err(&hdev->device, "not an integration service this driver serves\n");
		return -ENODEV;
	}
	if (svc == &hv_ic_fcopy_service && !hv_fcopy_claimed(&hdev->device)) {
		dev_info(&hdev->device, "file copy left to uio_hv_generic (hv_utils.fcopy=chardev serves it)\n");
		return -ENODEV;
	}
	icdev = kzalloc(sizeof(*icdev), GFP_KERNEL);
	if (!icdev)
		return -ENOMEM;
	icdev->hdev = hdev;
	icdev->svc = svc;
	ring_size = svc->ring_size ? svc->ring_size : HV_IC_RING_SIZE;
	icdev->buf_len = ring_size - sizeof(struct hv_ring_buffer);
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
	ret = vmbus_open(channel, ring_size, ring_size, NULL, 0,
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

	/* a daemon-backed service answers nothing more from here on */
	if (icdev->svc->stop)
		icdev->svc->stop(icdev);
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
