// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the IC framework's channel side - read each host packet into
 * the device's private buffer, check it, hand it to version negotiation or
 * to the service, and answer it.
 *
 * Every answer is the request rewritten in place (Linux and FreeBSD do the
 * same): same pipe header, versions and transaction id, flags
 * TRANSACTION|RESPONSE, the status set, sent in-band with the request's
 * VMBus transaction id and no completion requested. Packets whose headers
 * do not hold together, and requests whose body is too short for the
 * service, are dropped with a rate-limited message and not answered (as
 * Linux drops short ones; the host times out); so are packets flagged as
 * a response, which no request is. A malformed negotiation is answered
 * HV_E_FAIL and leaves the versions agreed before as they were. Other requests the guest
 * cannot act on are answered HV_E_FAIL: an unknown message type, a service
 * request before any version was agreed.
 *
 * Services backed by a daemon answer later: handle() returns
 * HV_IC_ANSWER_LATER, the packet is held in the service's struct hv_ic_req
 * (hv_utils_req.c) and the service's held() passes it on; a second request
 * while one is held is answered HV_E_FAIL at once. KVP may also hold its
 * negotiation answer until a daemon registers (hold_nego()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "hv_utils.h"

/* Send the answer now in the buffer: @len bytes from its start. */
static int hv_ic_send_answer(struct hv_ic_dev *icdev, struct hv_ic_pkt *pkt, u32 len,
			     u64 requestid)
{
	int ret;

	pkt->hdr->icflags = HV_IC_ANSWER_FLAGS;
	ret = vmbus_sendpacket(icdev->hdev->channel, icdev->buf, len, requestid,
			       VM_PKT_DATA_INBAND, 0);
	if (ret)
		dev_err_ratelimited(&icdev->hdev->device,
				    "cannot answer the host (type %u): %d\n",
				    pkt->hdr->icmsgtype, ret);
	return ret;
}

/**
 * hv_ic_send() - send an answer on an IC channel
 * @ctx: the struct hv_ic_dev
 * @buf: the answer
 * @len: its length
 * @requestid: the request's VMBus transaction id
 *
 * The send function of struct hv_ic_req for the services' held requests.
 *
 * Return: 0 or vmbus_sendpacket()'s error.
 */
int hv_ic_send(void *ctx, void *buf, u32 len, u64 requestid)
{
	struct hv_ic_dev *icdev = ctx;
	int ret;

	ret = vmbus_sendpacket(icdev->hdev->channel, buf, len, requestid, VM_PKT_DATA_INBAND, 0);
	if (ret)
		dev_err_ratelimited(&icdev->hdev->device, "%s IC: cannot answer the host: %d\n",
				    icdev->svc->name, ret);
	return ret;
}

/* A negotiation request: choose versions, answer, log the outcome. */
static u32 hv_ic_do_negotiate(struct hv_ic_dev *icdev, struct hv_ic_pkt *pkt, u32 len,
			      u64 requestid)
{
	const struct hv_ic_service *svc = icdev->svc;
	struct device *dev = &icdev->hdev->device;
	enum hv_ic_nego_result res;
	struct ic_version fw, msg;

	res = hv_ic_negotiate(pkt, &svc->fw, &svc->msg, &fw, &msg);
	switch (res) {
	case HV_IC_NEGO_MATCH:
		icdev->fw_version = fw;
		icdev->msg_version = msg;
		icdev->negotiated = true;
		dev_info(dev, "%s IC version %u.%u\n", svc->name, msg.major, msg.minor);
		break;
	case HV_IC_NEGO_NO_MATCH:
		icdev->negotiated = false;
		dev_warn(dev, "%s IC: no common version with the host\n", svc->name);
		break;
	case HV_IC_NEGO_MALFORMED:
		/* refused (HV_E_FAIL); a version agreed before stays agreed */
		dev_err_ratelimited(dev, "%s IC: malformed negotiation request (%u bytes) refused\n",
				    svc->name, len);
		break;
	}
	/* the answer's icmsgsize covers a fixed part + 2 versions: send that much */
	len = max_t(u32, len, HV_IC_HDR_LEN + HV_IC_NEGO_ANSWER_LEN);
	if (res == HV_IC_NEGO_MATCH && svc->hold_nego && icdev->req) {
		unsigned int wait_ms = 0;

		if (svc->hold_nego(icdev, &wait_ms) &&
		    !hv_ic_req_hold(icdev->req, icdev->buf, len, requestid, HV_IC_HELD_NEGO,
				    wait_ms)) {
			dev_info(dev, "%s IC: negotiation answered once a daemon registers (at most %u ms)\n",
				 svc->name, wait_ms);
			return len;
		}
	}
	hv_ic_send_answer(icdev, pkt, len, requestid);
	return len;
}

/* One packet of @len bytes in the buffer. Returns how many bytes it dirtied. */
static u32 hv_ic_handle_packet(struct hv_ic_dev *icdev, u32 len, u64 requestid)
{
	const struct hv_ic_service *svc = icdev->svc;
	struct device *dev = &icdev->hdev->device;
	struct hv_ic_pkt pkt;
	u32 status, need;
	int ret;

	ret = hv_ic_parse(icdev->buf, len, &pkt);
	if (ret == -EPROTO) {
		dev_err_ratelimited(dev, "%s IC: packet flagged as a response (icflags %#x) dropped\n",
				    svc->name, pkt.hdr->icflags);
		return len;
	}
	if (ret) {
		dev_err_ratelimited(dev, "%s IC: malformed packet of %u bytes dropped\n",
				    svc->name, len);
		return len;
	}
	if (pkt.hdr->icmsgtype == ICMSGTYPE_NEGOTIATE)
		return hv_ic_do_negotiate(icdev, &pkt, len, requestid);

	if (pkt.hdr->icmsgtype != svc->msgtype) {
		dev_err_ratelimited(dev, "%s IC: request of unknown type %u refused\n",
				    svc->name, pkt.hdr->icmsgtype);
		status = HV_E_FAIL;
	} else if (!icdev->negotiated) {
		dev_err_ratelimited(dev, "%s IC: %s request before a version negotiation refused\n",
				    svc->name, svc->kind);
		status = HV_E_FAIL;
	} else if (icdev->req && hv_ic_req_held(icdev->req) != HV_IC_HELD_NONE) {
		dev_err_ratelimited(dev, "%s IC: %s request while another is outstanding refused\n",
				    svc->name, svc->kind);
		status = HV_E_FAIL;
	} else {
		need = svc->min_body(icdev);
		if (pkt.body_len < need) {
			dev_err_ratelimited(dev, "%s IC: %s request of %u bytes too short (body %u bytes, needs %u): dropped\n",
					    svc->name, svc->kind, len, pkt.body_len, need);
			return len;
		}
		status = svc->handle(icdev, pkt.body, pkt.body_len);
		if (status == HV_IC_ANSWER_LATER) {
			if (icdev->req && !hv_ic_req_hold(icdev->req, icdev->buf, len, requestid,
							  HV_IC_HELD_REQUEST,
							  icdev->req_timeout_ms)) {
				svc->held(icdev);
				return len;
			}
			dev_err_ratelimited(dev, "%s IC: %s request cannot be held: refused\n",
					    svc->name, svc->kind);
			status = HV_E_FAIL;
		}
	}
	pkt.hdr->status = status;
	hv_ic_send_answer(icdev, &pkt, len, requestid);
	/* the answer is on its way before the guest acts on the request */
	if (status == HV_S_OK && svc->answered)
		svc->answered(icdev);
	return len;
}

/**
 * hv_ic_channel_callback() - drain an IC channel (VMBus channel callback)
 * @context: the struct hv_ic_dev of the channel
 *
 * Reads packets until the ring is empty, each into the zeroed private
 * buffer, which is as large as the ring's data area so that any packet the
 * host can write fits (a packet left in the ring would stop it for good).
 */
void hv_ic_channel_callback(void *context)
{
	struct hv_ic_dev *icdev = context;
	struct vmbus_channel *channel = icdev->hdev->channel;
	u32 len, dirty;
	u64 requestid;
	int ret;

	for (;;) {
		len = 0;
		ret = vmbus_recvpacket(channel, icdev->buf, icdev->buf_len, &len, &requestid);
		if (ret) {
			dev_err_ratelimited(&icdev->hdev->device, "%s IC: cannot read the channel: %d\n",
					    icdev->svc->name, ret);
			return;
		}
		if (!len)
			return;
		if (len > icdev->buf_len) {
			/* the core refuses that (-ENOBUFS); do not trust it either */
			memset(icdev->buf, 0, icdev->buf_len);
			continue;
		}
		dirty = hv_ic_handle_packet(icdev, len, requestid);
		memset(icdev->buf, 0, min(dirty, icdev->buf_len));
	}
}
