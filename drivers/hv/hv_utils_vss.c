// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the VSS (backup: filesystem freeze and thaw) integration
 * service, served by a daemon through /dev/vmbus/hv_vss.
 *
 * Daemon side (the ABI of Linux's hv_snapshot): every message is a 12-byte
 * struct hv_vss_msg. The daemon registers with VSS_OP_REGISTER1 and reads
 * back the 4-byte value 129 (the legacy VSS_OP_REGISTER gets no answer);
 * FREEZE, THAW and HOT_BACKUP are passed to it and its reply's `error` is
 * the answer's status.
 *
 * Host side: binds only on VMBus 3.0 or later (as Linux). GET_DM_INFO is
 * answered by the kernel (flags 0); CREATE, DELETE and BU_COMPLETE need
 * nothing of the guest (HV_S_OK); AUTO_RECOVER and unknown operations are
 * refused (HV_E_FAIL). Packets up to the ring's 20 KiB are read whole, so a
 * 12,500-byte AUTO_RECOVER is read and refused rather than left stuck in
 * the ring. No daemon: HV_E_FAIL at once. A FREEZE the daemon does not
 * answer within vss_freeze_timeout_ms (other operations: daemon_timeout_ms)
 * is answered HV_E_FAIL, and a THAW is then queued to the daemon so that
 * nothing stays frozen once it wakes up (after a THAW that timed out too:
 * the host does not send it again); its late replies are dropped. The
 * frozen window itself (FREEZE answered, no THAW yet) is not timed here:
 * that is the host's and the daemon's watchdog's business.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "hv_utils.h"

/* VMBus protocol 3.0 (Windows 8.1), below which Linux does not bind VSS. */
#define HV_VSS_MIN_VMBUS ((3 << 16) | 0)

static const struct ic_version hv_vss_fw[] = { { 3, 0 } };
static const struct ic_version hv_vss_msg_versions[] = { { 5, 0 } };

enum hv_vss_daemon_state {
	HV_VSS_NO_DAEMON,
	HV_VSS_READY,
};

/**
 * struct hv_vss - the VSS service of one device
 * @icdev: its IC device
 * @ut: /dev/vmbus/hv_vss
 * @req: the held host request
 * @lock: protects @state, @late, @op
 * @state: whether a daemon registered
 * @late: replies the daemon owes for requests already answered: dropped
 * @op: the operation of the held request
 * @to_daemon: the next message for the daemon
 * @reply: the daemon's reply being answered
 */
struct hv_vss {
	struct hv_ic_dev *icdev;
	struct hv_ut *ut;
	struct hv_ic_req req;
	spinlock_t lock;	/* protects the daemon state below */
	enum hv_vss_daemon_state state;
	unsigned int late;
	u8 op;
	struct hv_vss_msg to_daemon;
	struct hv_vss_msg reply;
};

static struct device *hv_vss_dev(struct hv_vss *vss)
{
	return &vss->icdev->hdev->device;
}

static u32 hv_vss_min_body(const struct hv_ic_dev *icdev)
{
	return sizeof(struct hv_vss_hdr);
}

static u32 hv_vss_handle(struct hv_ic_dev *icdev, u8 *body, u32 body_len)
{
	struct hv_vss *vss = icdev->priv;
	u8 op = body[0];
	u32 status;
	bool ready;

	status = hv_vss_check(body, body_len);
	if (status != HV_IC_ANSWER_LATER) {
		if (status != HV_S_OK)
			dev_err_ratelimited(hv_vss_dev(vss), "VSS: host operation %u (%u bytes) refused\n",
					    op, body_len);
		return status;
	}
	spin_lock_bh(&vss->lock);
	ready = vss->state == HV_VSS_READY;
	if (ready)
		vss->op = op;
	spin_unlock_bh(&vss->lock);
	if (!ready) {
		dev_warn_ratelimited(hv_vss_dev(vss), "VSS: no daemon registered, host operation %u failed\n",
				     op);
		return HV_E_FAIL;
	}
	memset(&vss->to_daemon, 0, sizeof(vss->to_daemon));
	vss->to_daemon.vss_hdr.operation = op;
	icdev->req_timeout_ms = op == VSS_OP_FREEZE ? hv_vss_freeze_timeout_ms :
						      hv_daemon_timeout_ms;
	return HV_IC_ANSWER_LATER;
}

static void hv_vss_held(struct hv_ic_dev *icdev)
{
	struct hv_vss *vss = icdev->priv;
	int ret;

	ret = hv_ut_send(vss->ut, &vss->to_daemon, sizeof(vss->to_daemon));
	if (ret) {
		dev_warn_ratelimited(hv_vss_dev(vss), "VSS: cannot pass the request to the daemon: %d\n",
				     ret);
		hv_ic_req_answer(&vss->req, HV_IC_HELD_REQUEST, HV_E_FAIL, NULL, NULL);
	}
}

static void hv_vss_timed_out(void *ctx, enum hv_ic_held_kind kind)
{
	struct hv_vss *vss = ctx;
	struct hv_vss_msg thaw = { .vss_hdr.operation = VSS_OP_THAW };
	bool unread = hv_ut_drop(vss->ut);
	u8 op;

	spin_lock_bh(&vss->lock);
	op = vss->op;
	if (!unread && vss->state == HV_VSS_READY)
		vss->late++;
	spin_unlock_bh(&vss->lock);
	dev_warn(hv_vss_dev(vss), "VSS: the daemon did not answer operation %u in time, host answered HV_E_FAIL\n",
		 op);
	/*
	 * Whatever it froze must not stay frozen: after a FREEZE, and after
	 * a THAW it may never have read (the host will not send another).
	 */
	if (op != VSS_OP_FREEZE && op != VSS_OP_THAW)
		return;
	if (!hv_ut_send(vss->ut, &thaw, sizeof(thaw))) {
		spin_lock_bh(&vss->lock);
		vss->late++;
		spin_unlock_bh(&vss->lock);
		dev_warn(hv_vss_dev(vss), "VSS: thaw queued to the daemon\n");
	}
}

static u32 hv_vss_fill(void *ctx, u8 *body, u32 body_len)
{
	struct hv_vss *vss = ctx;
	struct hv_vss_msg *ans = (struct hv_vss_msg *)body;
	u32 status = (u32)vss->reply.error;

	/* (Linux 6.1 means to do this too, but tests a byte the reply overwrote) */
	if (status == HV_S_OK && ans->vss_hdr.operation == VSS_OP_HOT_BACKUP)
		ans->vss_cf.flags = VSS_HBU_NO_AUTO_RECOVERY;
	return status;
}

static int hv_vss_on_msg(void *ctx, const void *buf, size_t len)
{
	struct hv_vss *vss = ctx;
	const struct hv_vss_msg *msg = buf;
	u32 answer = VSS_OP_REGISTER1;
	bool late = false;
	int ret;

	if (len != sizeof(*msg))
		return -EINVAL;
	if (msg->vss_hdr.operation == VSS_OP_REGISTER ||
	    msg->vss_hdr.operation == VSS_OP_REGISTER1) {
		spin_lock_bh(&vss->lock);
		if (vss->state != HV_VSS_NO_DAEMON) {
			spin_unlock_bh(&vss->lock);
			return -EINVAL;
		}
		vss->state = HV_VSS_READY;
		vss->late = 0;
		spin_unlock_bh(&vss->lock);
		dev_info(hv_vss_dev(vss), "VSS: daemon registered\n");
		if (msg->vss_hdr.operation == VSS_OP_REGISTER)
			return 0;
		ret = hv_ut_send(vss->ut, &answer, sizeof(answer));
		if (ret) {
			spin_lock_bh(&vss->lock);
			vss->state = HV_VSS_NO_DAEMON;
			spin_unlock_bh(&vss->lock);
		}
		return ret;
	}

	spin_lock_bh(&vss->lock);
	if (vss->state != HV_VSS_READY) {
		spin_unlock_bh(&vss->lock);
		return -EINVAL;
	}
	if (vss->late) {
		vss->late--;
		late = true;
	}
	spin_unlock_bh(&vss->lock);
	if (late) {
		dev_warn_ratelimited(hv_vss_dev(vss), "VSS: late daemon reply dropped\n");
		return 0;
	}
	vss->reply = *msg;
	if (hv_ic_req_answer(&vss->req, HV_IC_HELD_REQUEST, HV_S_OK, hv_vss_fill, vss))
		return -EINVAL;
	return 0;
}

static void hv_vss_on_reset(void *ctx)
{
	struct hv_vss *vss = ctx;

	spin_lock_bh(&vss->lock);
	vss->state = HV_VSS_NO_DAEMON;
	vss->late = 0;
	spin_unlock_bh(&vss->lock);
	if (!hv_ic_req_answer(&vss->req, HV_IC_HELD_REQUEST, HV_E_FAIL, NULL, NULL))
		dev_warn(hv_vss_dev(vss), "VSS: the daemon closed the device with a request outstanding: host answered HV_E_FAIL\n");
}

static const struct hv_ut_ops hv_vss_ut_ops = {
	.on_msg = hv_vss_on_msg,
	.on_reset = hv_vss_on_reset,
};

static int hv_vss_probe(struct hv_ic_dev *icdev)
{
	struct hv_vss *vss;
	int ret;

	if (vmbus_proto_version < HV_VSS_MIN_VMBUS) {
		dev_info(&icdev->hdev->device, "VSS: not supported on VMBus %u.%u (needs 3.0)\n",
			 vmbus_proto_version >> 16, vmbus_proto_version & 0xffff);
		return -ENODEV;
	}
	vss = kzalloc(sizeof(*vss), GFP_KERNEL);
	if (!vss)
		return -ENOMEM;
	vss->icdev = icdev;
	spin_lock_init(&vss->lock);
	ret = hv_ic_req_init(&vss->req, icdev->buf_len, hv_ic_send, icdev, hv_vss_timed_out, vss);
	if (ret)
		goto err_free;
	icdev->priv = vss;
	icdev->req = &vss->req;
	vss->ut = hv_ut_create("hv_vss", &hv_vss_ut_ops, vss);
	if (IS_ERR(vss->ut)) {
		ret = PTR_ERR(vss->ut);
		dev_err(&icdev->hdev->device, "VSS: cannot create /dev/vmbus/hv_vss: %d\n", ret);
		goto err_req;
	}
	return 0;

err_req:
	icdev->priv = NULL;
	icdev->req = NULL;
	hv_ic_req_close(&vss->req);
	hv_ic_req_destroy(&vss->req);
err_free:
	kfree(vss);
	return ret;
}

static void hv_vss_stop(struct hv_ic_dev *icdev)
{
	struct hv_vss *vss = icdev->priv;

	hv_ic_req_close(&vss->req);
}

static void hv_vss_remove(struct hv_ic_dev *icdev)
{
	struct hv_vss *vss = icdev->priv;

	hv_ut_destroy(vss->ut);
	hv_ic_req_close(&vss->req);
	hv_ic_req_destroy(&vss->req);
	kfree(vss);
	icdev->priv = NULL;
	icdev->req = NULL;
}

const struct hv_ic_service hv_ic_vss_service = {
	.name = "VSS",
	.kind = "VSS",
	.msgtype = ICMSGTYPE_VSS,
	.fw = { hv_vss_fw, ARRAY_SIZE(hv_vss_fw) },
	.msg = { hv_vss_msg_versions, ARRAY_SIZE(hv_vss_msg_versions) },
	.ring_size = VMBUS_RING_SIZE(5 * HV_HYP_PAGE_SIZE),
	.min_body = hv_vss_min_body,
	.probe = hv_vss_probe,
	.remove = hv_vss_remove,
	.handle = hv_vss_handle,
	.held = hv_vss_held,
	.stop = hv_vss_stop,
};
