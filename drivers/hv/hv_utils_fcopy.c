// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the file copy ("guest services") integration service, served by
 * a daemon through /dev/vmbus/hv_fcopy (the ABI of Linux's hv_fcopy, which
 * Linux 6.10 replaced by uio_hv_generic and a UIO daemon: hv_utils.fcopy=
 * decides, see hv_utils_main.c).
 *
 * Daemon side: the daemon writes the int FCOPY_VERSION_1 and reads back the
 * 4-byte value 1 (FCOPY_VERSION_0 gets no answer); then each host request
 * is passed to it - START_FILE_COPY as a 1088-byte struct hv_start_fcopy
 * with the names in UTF-8, WRITE_TO_FILE as the 6196-byte struct
 * hv_do_fcopy, COMPLETE and CANCEL as their 36-byte header - and it
 * replies with one int, the answer's status.
 *
 * Host side, checked (Linux 6.1 checks none of it): the body holds the
 * whole structure of its operation; names NUL-terminated within their 260
 * units and valid UTF-16; a write's size at most 6144 and offset + size
 * without overflow. Unknown operations: HV_E_FAIL. No daemon: HV_E_FAIL at
 * once; daemon_timeout_ms without a reply: HV_E_FAIL, the late reply
 * dropped, and a CANCEL queued to the daemon (its reply dropped too) so
 * that a hung daemon drops its partial file once it wakes up; the daemon
 * closing the device mid-request: HV_E_FAIL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "hv_utils.h"

static const struct ic_version hv_fcopy_fw[] = { { 3, 0 } };
static const struct ic_version hv_fcopy_msg_versions[] = { { 1, 1 } };

enum hv_fcopy_daemon_state {
	HV_FCOPY_NO_DAEMON,
	HV_FCOPY_READY,
};

/**
 * struct hv_fcopy - the file copy service of one device
 * @icdev: its IC device
 * @ut: /dev/vmbus/hv_fcopy
 * @req: the held host request
 * @lock: protects @state and @late
 * @state: whether a daemon registered
 * @late: replies the daemon owes for requests already answered: dropped
 * @reply: the daemon's status being answered
 * @to_daemon_len: length of @to_daemon
 * @to_daemon: the next message for the daemon
 */
struct hv_fcopy {
	struct hv_ic_dev *icdev;
	struct hv_ut *ut;
	struct hv_ic_req req;
	spinlock_t lock;	/* protects the daemon state below */
	enum hv_fcopy_daemon_state state;
	unsigned int late;
	int reply;
	u32 to_daemon_len;
	u8 to_daemon[HV_FCOPY_MAX_MSG];
};

static struct device *hv_fcopy_dev(struct hv_fcopy *fc)
{
	return &fc->icdev->hdev->device;
}

static u32 hv_fcopy_min_body(const struct hv_ic_dev *icdev)
{
	return sizeof(struct hv_fcopy_hdr);
}

static u32 hv_fcopy_handle(struct hv_ic_dev *icdev, u8 *body, u32 body_len)
{
	struct hv_fcopy *fc = icdev->priv;
	u32 status;
	bool ready;

	status = hv_fcopy_to_daemon(body, body_len, fc->to_daemon, &fc->to_daemon_len);
	if (status != HV_S_OK) {
		dev_err_ratelimited(hv_fcopy_dev(fc), "FCopy: host operation %u (%u bytes) refused: %#x\n",
				    ((struct hv_fcopy_hdr *)body)->operation, body_len, status);
		return status;
	}
	spin_lock_bh(&fc->lock);
	ready = fc->state == HV_FCOPY_READY;
	spin_unlock_bh(&fc->lock);
	if (!ready) {
		dev_warn_ratelimited(hv_fcopy_dev(fc), "FCopy: no daemon registered, host request failed\n");
		return HV_E_FAIL;
	}
	icdev->req_timeout_ms = hv_daemon_timeout_ms;
	return HV_IC_ANSWER_LATER;
}

static void hv_fcopy_held(struct hv_ic_dev *icdev)
{
	struct hv_fcopy *fc = icdev->priv;
	int ret;

	ret = hv_ut_send(fc->ut, fc->to_daemon, fc->to_daemon_len);
	if (ret) {
		dev_warn_ratelimited(hv_fcopy_dev(fc), "FCopy: cannot pass the request to the daemon: %d\n",
				     ret);
		hv_ic_req_answer(&fc->req, HV_IC_HELD_REQUEST, HV_E_FAIL, NULL, NULL);
	}
}

static void hv_fcopy_timed_out(void *ctx, enum hv_ic_held_kind kind)
{
	struct hv_fcopy *fc = ctx;
	struct hv_fcopy_hdr cancel = { .operation = CANCEL_FCOPY };

	if (!hv_ut_drop(fc->ut)) {
		spin_lock_bh(&fc->lock);
		if (fc->state == HV_FCOPY_READY)
			fc->late++;
		spin_unlock_bh(&fc->lock);
	}
	dev_warn(hv_fcopy_dev(fc), "FCopy: the daemon did not answer within %u ms, host answered HV_E_FAIL\n",
		 hv_daemon_timeout_ms);
	/*
	 * The host counts this copy failed: the daemon must drop its partial
	 * file when it wakes up, not keep it until the next START.
	 */
	if (!hv_ut_send(fc->ut, &cancel, sizeof(cancel))) {
		spin_lock_bh(&fc->lock);
		fc->late++;
		spin_unlock_bh(&fc->lock);
		dev_warn(hv_fcopy_dev(fc), "FCopy: cancel queued to the daemon\n");
	}
}

static u32 hv_fcopy_fill(void *ctx, u8 *body, u32 body_len)
{
	struct hv_fcopy *fc = ctx;

	return (u32)fc->reply;
}

static int hv_fcopy_on_msg(void *ctx, const void *buf, size_t len)
{
	struct hv_fcopy *fc = ctx;
	u32 answer = FCOPY_VERSION_1;
	int val, ret;
	bool late = false;

	if (len != sizeof(int))
		return -EINVAL;
	memcpy(&val, buf, sizeof(val));

	spin_lock_bh(&fc->lock);
	if (fc->state == HV_FCOPY_NO_DAEMON) {
		if (val != FCOPY_VERSION_0 && val != FCOPY_VERSION_1) {
			spin_unlock_bh(&fc->lock);
			dev_warn_ratelimited(hv_fcopy_dev(fc), "FCopy: incompatible daemon (version %d)\n",
					     val);
			return -EINVAL;
		}
		fc->state = HV_FCOPY_READY;
		fc->late = 0;
		spin_unlock_bh(&fc->lock);
		dev_info(hv_fcopy_dev(fc), "FCopy: daemon registered\n");
		if (val == FCOPY_VERSION_0)
			return 0;
		ret = hv_ut_send(fc->ut, &answer, sizeof(answer));
		if (ret) {
			spin_lock_bh(&fc->lock);
			fc->state = HV_FCOPY_NO_DAEMON;
			spin_unlock_bh(&fc->lock);
		}
		return ret;
	}
	if (fc->late) {
		fc->late--;
		late = true;
	}
	spin_unlock_bh(&fc->lock);
	if (late) {
		dev_warn_ratelimited(hv_fcopy_dev(fc), "FCopy: late daemon reply dropped\n");
		return 0;
	}
	fc->reply = val;
	if (hv_ic_req_answer(&fc->req, HV_IC_HELD_REQUEST, HV_S_OK, hv_fcopy_fill, fc))
		return -EINVAL;
	return 0;
}

static void hv_fcopy_on_reset(void *ctx)
{
	struct hv_fcopy *fc = ctx;

	spin_lock_bh(&fc->lock);
	fc->state = HV_FCOPY_NO_DAEMON;
	fc->late = 0;
	spin_unlock_bh(&fc->lock);
	if (!hv_ic_req_answer(&fc->req, HV_IC_HELD_REQUEST, HV_E_FAIL, NULL, NULL))
		dev_warn(hv_fcopy_dev(fc), "FCopy: the daemon closed the device with a request outstanding: host answered HV_E_FAIL\n");
}

static const struct hv_ut_ops hv_fcopy_ut_ops = {
	.on_msg = hv_fcopy_on_msg,
	.on_reset = hv_fcopy_on_reset,
};

static int hv_fcopy_probe(struct hv_ic_dev *icdev)
{
	struct hv_fcopy *fc;
	int ret;

	fc = kzalloc(sizeof(*fc), GFP_KERNEL);
	if (!fc)
		return -ENOMEM;
	fc->icdev = icdev;
	spin_lock_init(&fc->lock);
	ret = hv_ic_req_init(&fc->req, icdev->buf_len, hv_ic_send, icdev, hv_fcopy_timed_out, fc);
	if (ret)
		goto err_free;
	icdev->priv = fc;
	icdev->req = &fc->req;
	fc->ut = hv_ut_create("hv_fcopy", &hv_fcopy_ut_ops, fc);
	if (IS_ERR(fc->ut)) {
		ret = PTR_ERR(fc->ut);
		dev_err(&icdev->hdev->device, "FCopy: cannot create /dev/vmbus/hv_fcopy: %d\n",
			ret);
		goto err_req;
	}
	return 0;

err_req:
	icdev->priv = NULL;
	icdev->req = NULL;
	hv_ic_req_close(&fc->req);
	hv_ic_req_destroy(&fc->req);
err_free:
	kfree(fc);
	return ret;
}

static void hv_fcopy_stop(struct hv_ic_dev *icdev)
{
	struct hv_fcopy *fc = icdev->priv;

	hv_ic_req_close(&fc->req);
}

static void hv_fcopy_remove(struct hv_ic_dev *icdev)
{
	struct hv_fcopy *fc = icdev->priv;

	hv_ut_destroy(fc->ut);
	hv_ic_req_close(&fc->req);
	hv_ic_req_destroy(&fc->req);
	kfree(fc);
	icdev->priv = NULL;
	icdev->req = NULL;
}

const struct hv_ic_service hv_ic_fcopy_service = {
	.name = "FCopy",
	.kind = "file copy",
	.msgtype = ICMSGTYPE_FCOPY,
	.fw = { hv_fcopy_fw, ARRAY_SIZE(hv_fcopy_fw) },
	.msg = { hv_fcopy_msg_versions, ARRAY_SIZE(hv_fcopy_msg_versions) },
	.min_body = hv_fcopy_min_body,
	.probe = hv_fcopy_probe,
	.remove = hv_fcopy_remove,
	.handle = hv_fcopy_handle,
	.held = hv_fcopy_held,
	.stop = hv_fcopy_stop,
};
