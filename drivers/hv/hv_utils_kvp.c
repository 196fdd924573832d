// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the KVP (key-value pair exchange) integration service, served
 * by a daemon through /dev/vmbus/hv_kvp.
 *
 * Daemon side (the ABI of Linux's hv_kvp): every message is a 7432-byte
 * struct hv_kvp_msg. The daemon registers first with KVP_OP_REGISTER1 (or
 * the legacy KVP_OP_REGISTER) and reads back the same operation with the
 * version string "3.1"; then each host request is passed to it converted
 * to UTF-8, and its reply (status in `error`) converted back.
 *
 * Host side: the negotiation is held until a daemon has registered (and
 * read its answer), so that a request sent right after it finds a daemon,
 * but at most kvp_nego_wait_ms: then it is answered anyway (Linux 6.1
 * waits for ever). A request with no daemon registered is answered
 * HV_E_FAIL at once; one the daemon does not answer within
 * daemon_timeout_ms is answered HV_E_FAIL and the daemon's late reply is
 * dropped when it comes; a daemon closing the device with a request
 * outstanding gets the host HV_E_FAIL at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "hv_utils.h"

static const struct ic_version hv_kvp_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct ic_version hv_kvp_msg_versions[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

enum hv_kvp_daemon_state {
	HV_KVP_NO_DAEMON,	/* nobody registered (or the daemon closed) */
	HV_KVP_REGISTERING,	/* registration answer queued, not read yet */
	HV_KVP_READY,		/* requests go to the daemon */
};

/**
 * struct hv_kvp - the KVP service of one device
 * @icdev: its IC device
 * @ut: /dev/vmbus/hv_kvp
 * @req: the held host request (icdev->req points here)
 * @lock: protects @state, @reg_op, @late
 * @state: where the daemon is
 * @reg_op: how it registered (KVP_OP_REGISTER1 or KVP_OP_REGISTER)
 * @late: replies the daemon still owes for requests that timed out after
 *	it had read them: dropped when they come
 * @to_daemon: the next message for the daemon (handle() -> held())
 * @reply: a copy of the daemon's reply, converted under @req's lock
 */
struct hv_kvp {
	struct hv_ic_dev *icdev;
	struct hv_ut *ut;
	struct hv_ic_req req;
	spinlock_t lock;	/* protects the daemon state below */
	enum hv_kvp_daemon_state state;
	int reg_op;
	unsigned int late;
	struct hv_kvp_msg *to_daemon;
	struct hv_kvp_msg *reply;
};

static struct device *hv_kvp_dev(struct hv_kvp *kvp)
{
	return &kvp->icdev->hdev->device;
}

static u32 hv_kvp_min_body(const struct hv_ic_dev *icdev)
{
	return sizeof(struct hv_kvp_hdr);
}

static bool hv_kvp_ready(struct hv_kvp *kvp)
{
	bool ready;

	spin_lock_bh(&kvp->lock);
	ready = kvp->state == HV_KVP_READY;
	spin_unlock_bh(&kvp->lock);
	return ready;
}

static bool hv_kvp_hold_nego(struct hv_ic_dev *icdev, unsigned int *timeout_ms)
{
	struct hv_kvp *kvp = icdev->priv;

	*timeout_ms = hv_kvp_nego_wait_ms;
	return !hv_kvp_ready(kvp);
}

static u32 hv_kvp_handle(struct hv_ic_dev *icdev, u8 *body, u32 body_len)
{
	struct hv_kvp *kvp = icdev->priv;
	u32 status;

	status = hv_kvp_to_daemon(body, body_len, kvp->to_daemon);
	if (status != HV_S_OK) {
		dev_err_ratelimited(hv_kvp_dev(kvp),
				    "KVP: host request (operation %u, pool %u, %u bytes) refused: %#x\n",
				    body[0], body_len > 1 ? body[1] : 0, body_len, status);
		return status;
	}
	if (!hv_kvp_ready(kvp)) {
		dev_warn_ratelimited(hv_kvp_dev(kvp),
				     "KVP: no daemon registered, host request (operation %u) failed\n",
				     body[0]);
		return HV_E_FAIL;
	}
	icdev->req_timeout_ms = hv_daemon_timeout_ms;
	return HV_IC_ANSWER_LATER;
}

static void hv_kvp_held(struct hv_ic_dev *icdev)
{
	struct hv_kvp *kvp = icdev->priv;
	int ret;

	ret = hv_ut_send(kvp->ut, kvp->to_daemon, sizeof(*kvp->to_daemon));
	if (ret) {
		dev_warn_ratelimited(hv_kvp_dev(kvp), "KVP: cannot pass the request to the daemon: %d\n",
				     ret);
		hv_ic_req_answer(&kvp->req, HV_IC_HELD_REQUEST, HV_E_FAIL, NULL, NULL);
	}
}

static void hv_kvp_timed_out(void *ctx, enum hv_ic_held_kind kind)
{
	struct hv_kvp *kvp = ctx;

	if (kind == HV_IC_HELD_NEGO) {
		dev_info(hv_kvp_dev(kvp), "KVP: no daemon registered within %u ms, negotiated anyway\n",
			 hv_kvp_nego_wait_ms);
		return;
	}
	/* unread: take it back; read: the daemon owes a reply to drop */
	if (!hv_ut_drop(kvp->ut)) {
		spin_lock_bh(&kvp->lock);
		if (kvp->state == HV_KVP_READY)
			kvp->late++;
		spin_unlock_bh(&kvp->lock);
	}
	dev_warn(hv_kvp_dev(kvp), "KVP: the daemon did not answer within %u ms, host answered HV_E_FAIL\n",
		 hv_daemon_timeout_ms);
}

static int hv_kvp_register(struct hv_kvp *kvp, const struct hv_kvp_msg *msg)
{
	struct hv_kvp_msg *answer;
	int op = msg->kvp_hdr.operation;
	int ret;

	if (op != KVP_OP_REGISTER1 && op != KVP_OP_REGISTER) {
		dev_warn_ratelimited(hv_kvp_dev(kvp), "KVP: incompatible daemon (operation %d, expected %d)\n",
				     op, KVP_OP_REGISTER1);
		return -EINVAL;
	}
	spin_lock_bh(&kvp->lock);
	if (kvp->state != HV_KVP_NO_DAEMON) {
		spin_unlock_bh(&kvp->lock);
		return -EINVAL;
	}
	kvp->state = HV_KVP_REGISTERING;
	kvp->reg_op = op;
	kvp->late = 0;
	spin_unlock_bh(&kvp->lock);
	if (op == KVP_OP_REGISTER)
		dev_info(hv_kvp_dev(kvp), "KVP: legacy daemon: no IP injection; upgrade it\n");

	answer = kzalloc(sizeof(*answer), GFP_KERNEL);
	if (!answer)
		return -ENOMEM;
	answer->kvp_hdr.operation = op;
	strscpy(answer->body.kvp_register.version, HV_KVP_DRV_VERSION,
		sizeof(answer->body.kvp_register.version));
	ret = hv_ut_send(kvp->ut, answer, sizeof(*answer));
	kfree(answer);
	if (ret) {
		spin_lock_bh(&kvp->lock);
		kvp->state = HV_KVP_NO_DAEMON;
		spin_unlock_bh(&kvp->lock);
	}
	return ret;
}

static u32 hv_kvp_fill(void *ctx, u8 *body, u32 body_len)
{
	struct hv_kvp *kvp = ctx;

	return hv_kvp_to_host(kvp->reply, kvp->reg_op, body, body_len);
}

static int hv_kvp_on_msg(void *ctx, const void *buf, size_t len)
{
	struct hv_kvp *kvp = ctx;
	enum hv_kvp_daemon_state state;
	bool late = false;

	if (len < sizeof(struct hv_kvp_msg))
		return -EINVAL;
	spin_lock_bh(&kvp->lock);
	state = kvp->state;
	if (state == HV_KVP_READY && kvp->late) {
		kvp->late--;
		late = true;
	}
	spin_unlock_bh(&kvp->lock);

	if (state == HV_KVP_NO_DAEMON)
		return hv_kvp_register(kvp, buf);
	if (state != HV_KVP_READY)
		return -EINVAL;
	if (late) {
		dev_warn_ratelimited(hv_kvp_dev(kvp), "KVP: late daemon reply dropped\n");
		return 0;
	}
	/* (on_msg calls are serialized by the transport: one writer) */
	memcpy(kvp->reply, buf, sizeof(*kvp->reply));
	if (hv_ic_req_answer(&kvp->req, HV_IC_HELD_REQUEST, HV_S_OK, hv_kvp_fill, kvp))
		return -EINVAL;	/* nothing was asked */
	return 0;
}

static void hv_kvp_on_read(void *ctx)
{
	struct hv_kvp *kvp = ctx;
	bool registered = false;

	spin_lock_bh(&kvp->lock);
	if (kvp->state == HV_KVP_REGISTERING) {
		kvp->state = HV_KVP_READY;
		registered = true;
	}
	spin_unlock_bh(&kvp->lock);
	if (!registered)
		return;
	dev_info(hv_kvp_dev(kvp), "KVP: daemon registered\n");
	/* a negotiation waiting for it goes now */
	hv_ic_req_answer(&kvp->req, HV_IC_HELD_NEGO, HV_IC_KEEP_STATUS, NULL, NULL);
}

static void hv_kvp_on_reset(void *ctx)
{
	struct hv_kvp *kvp = ctx;

	spin_lock_bh(&kvp->lock);
	kvp->state = HV_KVP_NO_DAEMON;
	kvp->late = 0;
	spin_unlock_bh(&kvp->lock);
	if (!hv_ic_req_answer(&kvp->req, HV_IC_HELD_REQUEST, HV_E_FAIL, NULL, NULL))
		dev_warn(hv_kvp_dev(kvp), "KVP: the daemon closed the device with a request outstanding: host answered HV_E_FAIL\n");
}

static const struct hv_ut_ops hv_kvp_ut_ops = {
	.on_msg = hv_kvp_on_msg,
	.on_read = hv_kvp_on_read,
	.on_reset = hv_kvp_on_reset,
};

static int hv_kvp_probe(struct hv_ic_dev *icdev)
{
	struct hv_kvp *kvp;
	int ret;

	kvp = kzalloc(sizeof(*kvp), GFP_KERNEL);
	if (!kvp)
		return -ENOMEM;
	kvp->icdev = icdev;
	spin_lock_init(&kvp->lock);
	kvp->to_daemon = kzalloc(sizeof(*kvp->to_daemon), GFP_KERNEL);
	kvp->reply = kzalloc(sizeof(*kvp->reply), GFP_KERNEL);
	ret = -ENOMEM;
	if (!kvp->to_daemon || !kvp->reply)
		goto err_free;
	ret = hv_ic_req_init(&kvp->req, icdev->buf_len, hv_ic_send, icdev, hv_kvp_timed_out, kvp);
	if (ret)
		goto err_free;
	/* the callbacks may run as soon as the device exists */
	icdev->priv = kvp;
	icdev->req = &kvp->req;
	kvp->ut = hv_ut_create("hv_kvp", &hv_kvp_ut_ops, kvp);
	if (IS_ERR(kvp->ut)) {
		ret = PTR_ERR(kvp->ut);
		dev_err(&icdev->hdev->device, "KVP: cannot create /dev/vmbus/hv_kvp: %d\n", ret);
		goto err_req;
	}
	return 0;

err_req:
	icdev->priv = NULL;
	icdev->req = NULL;
	hv_ic_req_close(&kvp->req);
	hv_ic_req_destroy(&kvp->req);
err_free:
	kfree(kvp->reply);
	kfree(kvp->to_daemon);
	kfree(kvp);
	return ret;
}

static void hv_kvp_stop(struct hv_ic_dev *icdev)
{
	struct hv_kvp *kvp = icdev->priv;

	hv_ic_req_close(&kvp->req);
}

static void hv_kvp_remove(struct hv_ic_dev *icdev)
{
	struct hv_kvp *kvp = icdev->priv;

	hv_ut_destroy(kvp->ut);
	hv_ic_req_close(&kvp->req);
	hv_ic_req_destroy(&kvp->req);
	kfree(kvp->reply);
	kfree(kvp->to_daemon);
	kfree(kvp);
	icdev->priv = NULL;
	icdev->req = NULL;
}

const struct hv_ic_service hv_ic_kvp_service = {
	.name = "KVP",
	.kind = "KVP",
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.fw = { hv_kvp_fw, ARRAY_SIZE(hv_kvp_fw) },
	.msg = { hv_kvp_msg_versions, ARRAY_SIZE(hv_kvp_msg_versions) },
	.min_body = hv_kvp_min_body,
	.probe = hv_kvp_probe,
	.remove = hv_kvp_remove,
	.handle = hv_kvp_handle,
	.hold_nego = hv_kvp_hold_nego,
	.held = hv_kvp_held,
	.stop = hv_kvp_stop,
};
