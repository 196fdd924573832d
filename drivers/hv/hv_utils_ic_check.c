// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: checks of host IC packets and the version negotiation, as pure
 * functions on a buffer (no channel, no logging), so that the KUnit suite
 * tests/kunit/hv_utils_kunit.c runs the same code on crafted packets.
 *
 * An IC packet is the VMBus in-band payload: a pipe header, the IC header
 * (struct icmsg_hdr) and a body. Nothing in it is trusted: the pipe header
 * and the IC header may not claim more bytes than the packet holds, and a
 * negotiation's version counts are bounded and checked against the packet
 * before a version is read.
 */
#include <linux/errno.h>
#include <linux/hyperv.h>
#include <linux/kernel.h>

#include "hv_utils.h"

/**
 * hv_ic_parse() - check the headers of a host packet and find its body
 * @buf: the packet, as vmbus_recvpacket() left it
 * @len: its length (the in-band payload, padding included)
 * @pkt: filled in on success (and on -EPROTO)
 *
 * Return: 0; -EBADMSG when the packet cannot hold the headers, the pipe
 * header claims more bytes than follow it, or the IC header's icmsgsize
 * claims more body than the packet holds; -EPROTO (@pkt filled in all the
 * same) when its icflags have RESPONSE set: a response is no request, and
 * answering it would answer an answer. REQUEST is not required: OpenVMM's
 * timesync host sends its samples with flags 0.
 */
int hv_ic_parse(u8 *buf, u32 len, struct hv_ic_pkt *pkt)
{
	const struct vmbuspipe_hdr *pipe = (const struct vmbuspipe_hdr *)buf;
	struct icmsg_hdr *hdr;

	if (len < HV_IC_HDR_LEN)
		return -EBADMSG;
	if (pipe->msgsize > len - sizeof(*pipe))
		return -EBADMSG;
	hdr = (struct icmsg_hdr *)(buf + sizeof(*pipe));
	if (hdr->icmsgsize > len - HV_IC_HDR_LEN)
		return -EBADMSG;
	pkt->hdr = hdr;
	pkt->body = buf + HV_IC_HDR_LEN;
	pkt->body_len = len - HV_IC_HDR_LEN;
	if (hdr->icflags & ICMSGHDRFLAG_RESPONSE)
		return -EPROTO;
	return 0;
}

/**
 * hv_ic_version_eq() - exact comparison of two IC versions
 * @a: one version
 * @b: the other
 *
 * Return: true when major and minor are equal.
 */
bool hv_ic_version_eq(struct ic_version a, struct ic_version b)
{
	return a.major == b.major && a.minor == b.minor;
}

/*
 * The first of the guest's versions (newest first) that the host offers
 * exactly among its @count versions at @offered; false if none is.
 */
static bool hv_ic_pick(const struct hv_ic_versions *ours, const struct ic_version *offered,
		       unsigned int count, struct ic_version *chosen)
{
	unsigned int i, j;

	for (i = 0; i < ours->count; i++)
		for (j = 0; j < count; j++)
			if (hv_ic_version_eq(ours->list[i], offered[j])) {
				*chosen = ours->list[i];
				return true;
			}
	return false;
}

/**
 * hv_ic_negotiate() - choose versions and turn the request into its answer
 * @pkt: a parsed negotiation request; its body is rewritten in place
 * @fw: framework versions the guest accepts, newest first
 * @msg: message versions the guest accepts, newest first
 * @fw_chosen: set on a match
 * @msg_chosen: set on a match
 *
 * The rule is Linux's: the guest's newest framework version that the host
 * lists exactly, then the same for the message version. The answer lists
 * one version of each (counts 1/1), or none (0/0) when either kind has no
 * match; icmsgsize is HV_IC_NEGO_ANSWER_LEN in both cases and the status is
 * the host's. A request whose counts exceed HV_IC_MAX_VER_COUNT or whose
 * versions do not fit in the packet is malformed: its status becomes
 * HV_E_FAIL, and its counts 0/0 where the packet holds them. No version is
 * read before the counts have been checked.
 *
 * Return: what was made of the request (enum hv_ic_nego_result).
 */
enum hv_ic_nego_result hv_ic_negotiate(struct hv_ic_pkt *pkt,
				       const struct hv_ic_versions *fw,
				       const struct hv_ic_versions *msg,
				       struct ic_version *fw_chosen,
				       struct ic_version *msg_chosen)
{
	struct icmsg_negotiate *nego = (struct icmsg_negotiate *)pkt->body;
	/* not nego->icversion_data: a 1-element array on 5.10 */
	struct ic_version *vers = (struct ic_version *)(pkt->body + HV_IC_NEGO_FIXED_LEN);
	struct ic_version fw_pick, msg_pick;
	unsigned int nfw, nmsg;

	pkt->hdr->icmsgsize = HV_IC_NEGO_ANSWER_LEN;
	if (pkt->body_len < HV_IC_NEGO_FIXED_LEN) {
		pkt->hdr->status = HV_E_FAIL;
		return HV_IC_NEGO_MALFORMED;
	}
	nfw = nego->icframe_vercnt;
	nmsg = nego->icmsg_vercnt;
	if (nfw > HV_IC_MAX_VER_COUNT || nmsg > HV_IC_MAX_VER_COUNT ||
	    pkt->body_len < HV_IC_NEGO_FIXED_LEN + (nfw + nmsg) * sizeof(struct ic_version)) {
		nego->icframe_vercnt = 0;
		nego->icmsg_vercnt = 0;
		pkt->hdr->status = HV_E_FAIL;
		return HV_IC_NEGO_MALFORMED;
	}

	if (!hv_ic_pick(fw, vers, nfw, &fw_pick) ||
	    !hv_ic_pick(msg, vers + nfw, nmsg, &msg_pick)) {
		nego->icframe_vercnt = 0;
		nego->icmsg_vercnt = 0;
		return HV_IC_NEGO_NO_MATCH;
	}

	/* both counts are >= 1 here, so the two answer slots are in the packet */
	nego->icframe_vercnt = 1;
	nego->icmsg_vercnt = 1;
	vers[0] = fw_pick;
	vers[1] = msg_pick;
	*fw_chosen = fw_pick;
	*msg_chosen = msg_pick;
	return HV_IC_NEGO_MATCH;
}
