// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the shutdown integration service.
 *
 * The host asks for a power off, a restart or (message version 3.2) a
 * hibernation; struct shutdown_msg_data's flags say which: bit 0 "force",
 * bit 1 restart, bit 2 hibernate, so 0/1 power off, 2/3 restart, 4/5
 * hibernate. Any other value is refused (HV_E_FAIL), as is a hibernation
 * when this guest cannot hibernate (hv_is_hibernation_supported(), asked
 * once at probe: it evaluates ACPI and may sleep). The whole 2060-byte body
 * is required, as Linux requires it.
 *
 * The answer goes out first; then a work item powers off
 * (orderly_poweroff(), forced if user space does not), restarts
 * (orderly_reboot()), or for a hibernation sends a "change" uevent with
 * EVENT=hibernate on the device, for a udev rule to run
 * "systemctl hibernate" (the kernel's own hv_utils does the same).
 *
 * The log lines start as the in-tree driver's do ("Shutdown request
 * received - ...", "Sent hibernation uevent"), so that whatever watches a
 * guest's log for them keeps working.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hyperv.h>
#include <linux/kobject.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <asm/mshyperv.h>

#include "hv_utils.h"

#define HV_SHUTDOWN_FLAG_FORCE		BIT(0)
#define HV_SHUTDOWN_FLAG_RESTART	BIT(1)
#define HV_SHUTDOWN_FLAG_HIBERNATE	BIT(2)

enum hv_shutdown_action {
	HV_SHUTDOWN_NONE,
	HV_SHUTDOWN_POWEROFF,
	HV_SHUTDOWN_RESTART,
	HV_SHUTDOWN_HIBERNATE,
};

struct hv_shutdown {
	struct hv_ic_dev *icdev;
	struct work_struct work;
	bool can_hibernate;
	/* decided by handle(), started by answered(): both in the callback */
	enum hv_shutdown_action decided;
	/* what the work item is to do (enum hv_shutdown_action) */
	atomic_t action;
};

static const struct ic_version hv_shutdown_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct ic_version hv_shutdown_msg[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };

static bool hv_shutdown_can_hibernate(void)
{
#ifdef HV_HAVE_HIBERNATION_SUPPORTED
	return hv_is_hibernation_supported();
#else
	return false;
#endif
}

static void hv_shutdown_work(struct work_struct *work)
{
	struct hv_shutdown *sd = container_of(work, struct hv_shutdown, work);
	char hibernate_event[] = "EVENT=hibernate";
	char *envp[2] = { hibernate_event, NULL };
	struct device *dev = &sd->icdev->hdev->device;

	switch (atomic_xchg(&sd->action, HV_SHUTDOWN_NONE)) {
	case HV_SHUTDOWN_POWEROFF:
		orderly_poweroff(true);
		break;
	case HV_SHUTDOWN_RESTART:
		orderly_reboot();
		break;
	case HV_SHUTDOWN_HIBERNATE:
		if (kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, envp))
			dev_err(dev, "cannot send the hibernation uevent\n");
		else
			dev_info(dev, "Sent hibernation uevent\n");
		break;
	default:
		break;
	}
}

static u32 hv_shutdown_min_body(const struct hv_ic_dev *icdev)
{
	return sizeof(struct shutdown_msg_data);
}

static u32 hv_shutdown_handle(struct hv_ic_dev *icdev, u8 *body, u32 body_len)
{
	const struct shutdown_msg_data *msg = (const struct shutdown_msg_data *)body;
	struct hv_shutdown *sd = icdev->priv;
	struct device *dev = &icdev->hdev->device;
	u32 flags = msg->flags;

	sd->decided = HV_SHUTDOWN_NONE;
	switch (flags & ~HV_SHUTDOWN_FLAG_FORCE) {
	case 0:
		dev_info(dev, "Shutdown request received - graceful shutdown initiated (flags %#x, reason %#x)\n",
			 flags, msg->reason_code);
		sd->decided = HV_SHUTDOWN_POWEROFF;
		return HV_S_OK;
	case HV_SHUTDOWN_FLAG_RESTART:
		dev_info(dev, "Restart request received - graceful restart initiated (flags %#x, reason %#x)\n",
			 flags, msg->reason_code);
		sd->decided = HV_SHUTDOWN_RESTART;
		return HV_S_OK;
	case HV_SHUTDOWN_FLAG_HIBERNATE:
		if (!sd->can_hibernate) {
			dev_warn(dev, "Hibernation request received - hibernation not supported by this guest: refused\n");
			return HV_E_FAIL;
		}
		dev_info(dev, "Hibernation request received (flags %#x, reason %#x)\n",
			 flags, msg->reason_code);
		sd->decided = HV_SHUTDOWN_HIBERNATE;
		return HV_S_OK;
	default:
		dev_err_ratelimited(dev, "Shutdown request received - Invalid request (flags %#x): refused\n",
				    flags);
		return HV_E_FAIL;
	}
}

static void hv_shutdown_answered(struct hv_ic_dev *icdev)
{
	struct hv_shutdown *sd = icdev->priv;

	if (sd->decided == HV_SHUTDOWN_NONE)
		return;
	atomic_set(&sd->action, sd->decided);
	sd->decided = HV_SHUTDOWN_NONE;
	schedule_work(&sd->work);
}

static int hv_shutdown_probe(struct hv_ic_dev *icdev)
{
	struct hv_shutdown *sd;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;
	sd->icdev = icdev;
	INIT_WORK(&sd->work, hv_shutdown_work);
	atomic_set(&sd->action, HV_SHUTDOWN_NONE);
	sd->can_hibernate = hv_shutdown_can_hibernate();
	icdev->priv = sd;
	return 0;
}

static void hv_shutdown_remove(struct hv_ic_dev *icdev)
{
	struct hv_shutdown *sd = icdev->priv;

	/* a request answered but not yet acted on is dropped with the device */
	cancel_work_sync(&sd->work);
	icdev->priv = NULL;
	kfree(sd);
}

const struct hv_ic_service hv_ic_shutdown_service = {
	.name = "Shutdown",
	.kind = "shutdown",
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.fw = { hv_shutdown_fw, ARRAY_SIZE(hv_shutdown_fw) },
	.msg = { hv_shutdown_msg, ARRAY_SIZE(hv_shutdown_msg) },
	.min_body = hv_shutdown_min_body,
	.probe = hv_shutdown_probe,
	.remove = hv_shutdown_remove,
	.handle = hv_shutdown_handle,
	.answered = hv_shutdown_answered,
};
