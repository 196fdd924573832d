// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC services of the host: the body of each request and the check of
 * each answer (the framework is hostsim_ic.c).
 *
 *   negotiation  the versions configured for the class; the answer must be
 *                counts 1/1 naming offered versions, or 0/0
 *   shutdown     the full 2060-byte body: reason, timeout, flags (sent as
 *                given, so invalid values can be sent), an empty message
 *   heartbeat    the full 40-byte body: the sequence number; the answer
 *                must carry it plus one
 *   timesync     host time (CLOCK_REALTIME at the host's load, advanced by
 *                CLOCK_MONOTONIC_RAW at the host's drift, plus the
 *                request's offset) in 100 ns since
 *                1601; from message version 4.0 the v4 layout with the
 *                guest's reference counter read at the same moment, before
 *                it the v1/v3 layout
 * A request may carry a shorter body (len=), to test the guest's checks.
 * Every answer must echo the request's type, framework and message
 * version, with flags TRANSACTION|RESPONSE and IC transaction id 0.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "hostsim.h"

/**
 * hvsim_ic_kind_name() - a request kind's name in listings
 * @kind: the kind
 *
 * Return: its name.
 */
const char *hvsim_ic_kind_name(enum hvsim_ic_kind kind)
{
	switch (kind) {
	case HVSIM_IC_NEGOTIATE: return "negotiate";
	case HVSIM_IC_SHUTDOWN: return "shutdown";
	case HVSIM_IC_HEARTBEAT: return "heartbeat";
	case HVSIM_IC_TIME_SYNC: return "sync";
	case HVSIM_IC_TIME_SAMPLE: return "sample";
	case HVSIM_IC_KVP: return "kvp";
	case HVSIM_IC_VSS: return "vss";
	case HVSIM_IC_FCOPY: return "fcopy";
	}
	return "?";
}

static u16 hvsim_ic_msgtype(enum hvsim_ic_kind kind)
{
	switch (kind) {
	case HVSIM_IC_SHUTDOWN: return HV_IC_MSG_SHUTDOWN;
	case HVSIM_IC_HEARTBEAT: return HV_IC_MSG_HEARTBEAT;
	case HVSIM_IC_TIME_SYNC:
	case HVSIM_IC_TIME_SAMPLE: return HV_IC_MSG_TIMESYNC;
	case HVSIM_IC_KVP: return HV_IC_MSG_KVP;
	case HVSIM_IC_VSS: return HV_IC_MSG_VSS;
	case HVSIM_IC_FCOPY: return HV_IC_MSG_FCOPY;
	default: return HV_IC_MSG_NEGOTIATE;
	}
}

/* Header and the first @len bytes of @body (of @full bytes) into ic->tx. */
static u32 hvsim_ic_put(struct hvsim_ic_chan *ic, const struct hvsim_ic_req *r,
			const void *body, u32 full)
{
	u32 len = r->body_len ? min(r->body_len, full) : full;

	hv_ic_host_build(ic->tx, hvsim_ic_msgtype(r->kind), r->fw, r->msgver, len);
	memcpy(ic->tx + HV_IC_HDR_SIZE, body, len);
	return HV_IC_HDR_SIZE + len;
}

/**
 * hvsim_ic_build_request() - write a request into ic->tx
 * @ic: the channel's IC state
 * @r: the request
 *
 * Return: the payload's length.
 */
u32 hvsim_ic_build_request(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r)
{
	struct hv_ic_shutdown *sd;
	struct hv_ic_heartbeat hb;
	struct hv_ic_timesync_v4 v4;
	struct hv_ic_timesync_v3 v3;
	u64 ref;

	BUILD_BUG_ON(sizeof(ic->tx) < HV_IC_HDR_SIZE + sizeof(*sd));
	BUILD_BUG_ON(sizeof(ic->tx) < HV_IC_HDR_SIZE + sizeof(struct hv_ic_negotiate) +
		     2 * 4 * HV_IC_HOST_MAX_VERSIONS);
	switch (r->kind) {
	case HVSIM_IC_NEGOTIATE:
		/* the header's versions are those of the request */
		r->fw = HV_IC_VERSION(1, 0);
		r->msgver = HV_IC_VERSION(1, 0);
		return hv_ic_host_build_negotiate(ic->tx, &ic->offered);
	case HVSIM_IC_SHUTDOWN:
		/* built in place: the body is too big for the stack */
		hv_ic_host_build(ic->tx, HV_IC_MSG_SHUTDOWN, r->fw, r->msgver,
				 r->body_len ? r->body_len : sizeof(*sd));
		sd = (struct hv_ic_shutdown *)(ic->tx + HV_IC_HDR_SIZE);
		if (!r->body_len || r->body_len >= offsetof(struct hv_ic_shutdown,
							    display_message)) {
			sd->reason_code = r->reason;
			sd->timeout_seconds = r->secs;
			sd->flags = r->flags;
		}
		return HV_IC_HDR_SIZE + (r->body_len ? r->body_len : sizeof(*sd));
	case HVSIM_IC_HEARTBEAT:
		memset(&hb, 0, sizeof(hb));
		hb.seq_num = r->seq;
		return hvsim_ic_put(ic, r, &hb, sizeof(hb));
	case HVSIM_IC_TIME_SYNC:
	case HVSIM_IC_TIME_SAMPLE:
		if (r->msgver > HV_IC_VERSION(3, 0)) {
			memset(&v4, 0, sizeof(v4));
			ref = hvsim_refclock_now();
			v4.parenttime = hvsim_host_time_100ns(r->offset_ns);
			v4.vmreferencetime = ref;
			v4.flags = r->flags;
			return hvsim_ic_put(ic, r, &v4, sizeof(v4));
		}
		memset(&v3, 0, sizeof(v3));
		v3.parenttime = hvsim_host_time_100ns(r->offset_ns);
		v3.flags = r->flags;
		return hvsim_ic_put(ic, r, &v3, sizeof(v3));
	case HVSIM_IC_KVP:
	case HVSIM_IC_VSS:
	case HVSIM_IC_FCOPY:
		/* the body was laid out when the command was given */
		return hv_ic_host_build_hdr(ic->tx, hvsim_ic_msgtype(r->kind), r->fw, r->msgver,
					    r->body_len);
	}
	return 0;
}

/**
 * hvsim_ic_check_reply() - check the guest's answer to a request
 * @ic: the channel's IC state
 * @r: the request; its status (and its results) are filled in
 * @buf: the answer's payload, the host's private copy
 * @len: its length
 *
 * Return: NULL, or why the answer is refused.
 */
const char *hvsim_ic_check_reply(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
				 const u8 *buf, u32 len)
{
	struct hv_ic_msg_hdr hdr;
	const char *why;
	u32 fw, msgver;

	why = hv_ic_host_check_answer(buf, len, hvsim_ic_msgtype(r->kind), &hdr);
	if (why)
		return why;
	r->status = hdr.status;
	if (HV_IC_VERSION(hdr.framework.major, hdr.framework.minor) != r->fw ||
	    HV_IC_VERSION(hdr.msgver.major, hdr.msgver.minor) != r->msgver)
		return "header versions differ from the request's";
	switch (r->kind) {
	case HVSIM_IC_NEGOTIATE:
		why = hv_ic_host_check_negotiate(buf, len, &ic->offered, &fw, &msgver);
		if (!why) {
			r->fw = fw;
			r->msgver = msgver;
		}
		return why;
	case HVSIM_IC_HEARTBEAT:
		return hv_ic_host_check_heartbeat(buf, len, r->seq, &r->status, &r->answer_seq);
	case HVSIM_IC_KVP:
		return hvsim_ic_kvp_check(ic, r, buf, len);
	case HVSIM_IC_VSS:
		return hvsim_ic_vss_check(ic, r, buf, len);
	case HVSIM_IC_FCOPY:
		return hvsim_ic_fcopy_check(ic, r, buf, len);
	default:
		return NULL;
	}
}
