// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: "a request is outstanding, and it has a deadline" - the one
 * helper KVP, VSS and fcopy share for host requests a daemon answers.
 *
 * The host has at most one transaction outstanding per service. Its packet
 * is copied here and held until whichever comes first: the service answers
 * it (hv_ic_req_answer(), usually from the daemon's reply), or the deadline
 * passes, which answers it HV_E_FAIL (a held negotiation: as prepared). It
 * is answered exactly once; a reply after the timeout finds nothing held
 * (-ENOENT) and is dropped by the caller. A second packet while one is
 * held is refused (-EBUSY) and the caller answers it at once.
 *
 * Everything runs under one spinlock taken with bottom halves off (the
 * channel callback holds requests), the answer included, so an answer and
 * a timeout cannot both send. The timeout is delayed work that checks the
 * deadline under the lock: a stale run (the request it was armed for was
 * answered, another held since) re-arms itself or does nothing.
 */
#include <linux/hyperv.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "hv_utils.h"

/* Answer what is held (lock held); it is gone afterwards. */
static void hv_ic_req_send_locked(struct hv_ic_req *req, u32 status)
{
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(req->buf + sizeof(struct vmbuspipe_hdr));

	if (status != HV_IC_KEEP_STATUS)
		hdr->status = status;
	hdr->icflags = HV_IC_ANSWER_FLAGS;
	req->send(req->send_ctx, req->buf, req->len, req->requestid);
	req->answers++;
	req->kind = HV_IC_HELD_NONE;
	memset(req->buf, 0, req->len);
	req->len = 0;
}

static void hv_ic_req_timeout(struct work_struct *work)
{
	struct hv_ic_req *req = container_of(to_delayed_work(work), struct hv_ic_req, timeout);
	enum hv_ic_held_kind kind;

	spin_lock_bh(&req->lock);
	kind = req->kind;
	if (kind == HV_IC_HELD_NONE || req->closed) {
		spin_unlock_bh(&req->lock);
		return;
	}
	if (time_before(jiffies, req->deadline)) {
		/* armed for an earlier request: wait for this one's deadline */
		mod_delayed_work(system_wq, &req->timeout, req->deadline - jiffies);
		spin_unlock_bh(&req->lock);
		return;
	}
	hv_ic_req_send_locked(req, kind == HV_IC_HELD_NEGO ? HV_IC_KEEP_STATUS : HV_E_FAIL);
	req->timeouts++;
	spin_unlock_bh(&req->lock);
	if (req->timed_out)
		req->timed_out(req->ctx, kind);
}

/**
 * hv_ic_req_init() - set up the outstanding-request slot of a service
 * @req: the slot
 * @buf_len: largest packet it may hold
 * @send: sends an answer on the channel (called with the slot's lock held)
 * @send_ctx: passed to @send
 * @timed_out: optional, told after a timeout answer went out
 * @ctx: passed to @timed_out
 *
 * Return: 0 or -ENOMEM.
 */
int hv_ic_req_init(struct hv_ic_req *req, u32 buf_len,
		   int (*send)(void *ctx, void *buf, u32 len, u64 requestid), void *send_ctx,
		   void (*timed_out)(void *ctx, enum hv_ic_held_kind kind), void *ctx)
{
	memset(req, 0, sizeof(*req));
	req->buf = kzalloc(buf_len, GFP_KERNEL);
	if (!req->buf)
		return -ENOMEM;
	req->buf_len = buf_len;
	spin_lock_init(&req->lock);
	INIT_DELAYED_WORK(&req->timeout, hv_ic_req_timeout);
	req->send = send;
	req->send_ctx = send_ctx;
	req->timed_out = timed_out;
	req->ctx = ctx;
	return 0;
}

/**
 * hv_ic_req_hold() - hold a packet until it is answered or times out
 * @req: the slot
 * @pkt: the packet (already checked), copied
 * @len: its length
 * @requestid: its VMBus transaction id, for the answer
 * @kind: a request or a negotiation answer
 * @timeout_ms: how long it may wait
 *
 * Return: 0; -EBUSY if a packet is already held, -ESHUTDOWN after
 * hv_ic_req_close(), -EMSGSIZE if it does not fit: the caller answers now.
 */
int hv_ic_req_hold(struct hv_ic_req *req, const u8 *pkt, u32 len, u64 requestid,
		   enum hv_ic_held_kind kind, unsigned int timeout_ms)
{
	unsigned long delay = msecs_to_jiffies(timeout_ms);
	int ret = 0;

	if (len > req->buf_len || len < HV_IC_HDR_LEN || kind == HV_IC_HELD_NONE)
		return -EMSGSIZE;
	spin_lock_bh(&req->lock);
	if (req->closed) {
		ret = -ESHUTDOWN;
	} else if (req->kind != HV_IC_HELD_NONE) {
		ret = -EBUSY;
	} else {
		memcpy(req->buf, pkt, len);
		req->len = len;
		req->requestid = requestid;
		req->kind = kind;
		req->deadline = jiffies + delay;
		mod_delayed_work(system_wq, &req->timeout, delay);
	}
	spin_unlock_bh(&req->lock);
	return ret;
}

/**
 * hv_ic_req_answer() - answer the held packet now
 * @req: the slot
 * @kind: what the caller answers: nothing happens if something else is held
 * @status: the answer's status (HV_IC_KEEP_STATUS: as prepared); ignored
 *	when @fill is given and @status is HV_S_OK: then @fill's result counts
 * @fill: optional, writes the answer's body (lock held: do not sleep)
 * @fill_ctx: passed to @fill
 *
 * Return: 0 when answered, -ENOENT when no packet of that kind is held (a
 * late reply, or one the daemon was not asked for).
 */
int hv_ic_req_answer(struct hv_ic_req *req, enum hv_ic_held_kind kind, u32 status,
		     hv_ic_fill_t fill, void *fill_ctx)
{
	spin_lock_bh(&req->lock);
	if (req->closed || kind == HV_IC_HELD_NONE || req->kind != kind) {
		spin_unlock_bh(&req->lock);
		return -ENOENT;
	}
	if (fill && status == HV_S_OK)
		status = fill(fill_ctx, req->buf + HV_IC_HDR_LEN, req->len - HV_IC_HDR_LEN);
	hv_ic_req_send_locked(req, status);
	/*
	 * Under the lock, so it cannot cancel the timeout of a packet held
	 * after this one; not _sync: a timeout run waiting for the lock finds
	 * nothing held.
	 */
	cancel_delayed_work(&req->timeout);
	spin_unlock_bh(&req->lock);
	return 0;
}

/**
 * hv_ic_req_held() - what is held now
 * @req: the slot
 *
 * Return: the kind of the held packet, HV_IC_HELD_NONE if none.
 */
enum hv_ic_held_kind hv_ic_req_held(struct hv_ic_req *req)
{
	enum hv_ic_held_kind kind;

	spin_lock_bh(&req->lock);
	kind = req->kind;
	spin_unlock_bh(&req->lock);
	return kind;
}

/**
 * hv_ic_req_close() - the channel is closing: hold and send nothing more
 * @req: the slot
 *
 * A held packet is dropped unanswered (the host is taking the channel
 * away). On return no timeout runs or will run.
 */
void hv_ic_req_close(struct hv_ic_req *req)
{
	spin_lock_bh(&req->lock);
	req->closed = true;
	req->kind = HV_IC_HELD_NONE;
	spin_unlock_bh(&req->lock);
	cancel_delayed_work_sync(&req->timeout);
}

/**
 * hv_ic_req_destroy() - free the slot (after hv_ic_req_close())
 * @req: the slot
 */
void hv_ic_req_destroy(struct hv_ic_req *req)
{
	kfree(req->buf);
	req->buf = NULL;
}
