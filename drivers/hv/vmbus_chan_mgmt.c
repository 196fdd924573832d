// SPDX-License-Identifier: GPL-2.0-only
/*
 * The channel-management part of the client API: sub-channel and rescind
 * callbacks, Hyper-V socket device removal, and the version negotiation of
 * the integration services (shutdown, time sync,
 * heartbeat, KVP, VSS, fcopy). The host lists the framework versions and
 * the service (message) versions it speaks; we answer with the newest of
 * each that we speak too, or with empty lists when there is none.
 *
 * The host's message is untrusted: the counts are checked against the
 * buffer before any version is read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_channel_mgmt.h"

#include "vmbus_core.h"

/* Named by the kernel's header only since 5.11. */
#ifndef ICMSG_HDR
#define ICMSG_HDR (sizeof(struct vmbuspipe_hdr) + sizeof(struct icmsg_hdr))
#endif
#ifndef IC_VERSION_NEGOTIATION_MAX_VER_COUNT
#define IC_VERSION_NEGOTIATION_MAX_VER_COUNT 100
#endif
#ifndef ICMSG_NEGOTIATE_PKT_SIZE
#define ICMSG_NEGOTIATE_PKT_SIZE(icframe_vercnt, icmsg_vercnt) \
	(ICMSG_HDR + sizeof(struct icmsg_negotiate) + \
	 (((icframe_vercnt) + (icmsg_vercnt)) * sizeof(struct ic_version)))
#endif

/*
 * The first version of @ours (newest first) that is among the host's
 * @n versions at @theirs; -1 when none is.
 */
static int vmbus_ic_pick(const int *ours, int n_ours, const struct ic_version *theirs,
			 unsigned int n)
{
	unsigned int j;
	int i;

	for (i = 0; i < n_ours; i++)
		for (j = 0; j < n; j++)
			if (theirs[j].major == (ours[i] >> 16) &&
			    theirs[j].minor == (ours[i] & 0xffff))
				return i;
	return -1;
}

/**
 * __vmbus_prep_negotiate_resp() - answer an integration service's negotiation
 * @icmsghdrp: the message's icmsg header, inside @buf
 * @buf: the whole message as received; turned into the answer in place
 * @buflen: its length
 * @fw_version: framework versions we speak, newest first (major << 16 | minor)
 * @fw_vercnt: how many
 * @srv_version: service versions we speak, newest first
 * @srv_vercnt: how many
 * @nego_fw_version: if not NULL, set to the framework version chosen
 * @nego_srv_version: if not NULL, set to the service version chosen
 *
 * Return: true if both a framework and a service version were agreed;
 * false if not (the answer then offers none) or if the message is malformed
 * (then @buf is left alone).
 */
static bool __vmbus_prep_negotiate_resp(struct icmsg_hdr *icmsghdrp, u8 *buf, u32 buflen,
					const int *fw_version, int fw_vercnt,
					const int *srv_version, int srv_vercnt,
					int *nego_fw_version, int *nego_srv_version)
{
	struct icmsg_negotiate *negop;
	unsigned int n_fw, n_srv;
	int fw = -1, srv = -1;
	struct ic_version chosen_fw = {}, chosen_srv = {};

	if (buflen < ICMSG_HDR + offsetof(struct icmsg_negotiate, reserved)) {
		pr_err_ratelimited("integration service negotiation of %u bytes: too short\n",
				   buflen);
		return false;
	}
	negop = (struct icmsg_negotiate *)&buf[ICMSG_HDR];
	n_fw = negop->icframe_vercnt;
	n_srv = negop->icmsg_vercnt;
	if (n_fw >= IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    n_srv >= IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    ICMSG_NEGOTIATE_PKT_SIZE(n_fw, n_srv) > buflen) {
		pr_err_ratelimited("integration service negotiation with %u framework and %u service versions in %u bytes: malformed\n",
				   n_fw, n_srv, buflen);
		return false;
	}
	/* an answer carries one version of each, so there must be room */
	if (ICMSG_NEGOTIATE_PKT_SIZE(1, 1) > buflen) {
		pr_err_ratelimited("integration service negotiation of %u bytes: no room for the answer\n",
				   buflen);
		return false;
	}

	icmsghdrp->icmsgsize = 0x10;
	fw = vmbus_ic_pick(fw_version, fw_vercnt, negop->icversion_data, n_fw);
	if (fw >= 0)
		srv = vmbus_ic_pick(srv_version, srv_vercnt, negop->icversion_data + n_fw, n_srv);
	if (fw >= 0) {
		chosen_fw.major = fw_version[fw] >> 16;
		chosen_fw.minor = fw_version[fw] & 0xffff;
	}
	if (srv >= 0) {
		chosen_srv.major = srv_version[srv] >> 16;
		chosen_srv.minor = srv_version[srv] & 0xffff;
	}
	if (nego_fw_version)
		*nego_fw_version = (chosen_fw.major << 16) | chosen_fw.minor;
	if (nego_srv_version)
		*nego_srv_version = (chosen_srv.major << 16) | chosen_srv.minor;

	negop->icframe_vercnt = srv >= 0 ? 1 : 0;
	negop->icmsg_vercnt = srv >= 0 ? 1 : 0;
	negop->icversion_data[0] = chosen_fw;
	negop->icversion_data[1] = chosen_srv;
	return srv >= 0;
}

#ifdef HV_HAVE_IC_NEGOTIATE_BUFLEN
/**
 * vmbus_prep_negotiate_resp() - answer an integration service's negotiation
 * @icmsghdrp: the message's icmsg header, inside @buf
 * @buf: the whole message as received; turned into the answer in place
 * @buflen: its length
 * @fw_version: framework versions we speak, newest first
 * @fw_vercnt: how many
 * @srv_version: service versions we speak, newest first
 * @srv_vercnt: how many
 * @nego_fw_version: if not NULL, set to the framework version chosen
 * @nego_srv_version: if not NULL, set to the service version chosen
 *
 * Return: as __vmbus_prep_negotiate_resp().
 */
bool vmbus_prep_negotiate_resp(struct icmsg_hdr *icmsghdrp, u8 *buf, u32 buflen,
			       const int *fw_version, int fw_vercnt,
			       const int *srv_version, int srv_vercnt,
			       int *nego_fw_version, int *nego_srv_version)
{
	return __vmbus_prep_negotiate_resp(icmsghdrp, buf, buflen, fw_version, fw_vercnt,
					   srv_version, srv_vercnt, nego_fw_version,
					   nego_srv_version);
}
#else
/**
 * vmbus_prep_negotiate_resp() - answer an integration service's negotiation
 * @icmsghdrp: the message's icmsg header, inside @buf
 * @buf: the whole message as received; turned into the answer in place
 * @fw_version: framework versions we speak, newest first
 * @fw_vercnt: how many
 * @srv_version: service versions we speak, newest first
 * @srv_vercnt: how many
 * @nego_fw_version: if not NULL, set to the framework version chosen
 * @nego_srv_version: if not NULL, set to the service version chosen
 *
 * This kernel's API passes no buffer length: the integration services'
 * receive buffers are at least a page, so a page is what the counts are
 * checked against.
 *
 * Return: as __vmbus_prep_negotiate_resp().
 */
bool vmbus_prep_negotiate_resp(struct icmsg_hdr *icmsghdrp, u8 *buf,
			       const int *fw_version, int fw_vercnt,
			       const int *srv_version, int srv_vercnt,
			       int *nego_fw_version, int *nego_srv_version)
{
	return __vmbus_prep_negotiate_resp(icmsghdrp, buf, PAGE_SIZE, fw_version, fw_vercnt,
					   srv_version, srv_vercnt, nego_fw_version,
					   nego_srv_version);
}
#endif
EXPORT_SYMBOL_GPL(vmbus_prep_negotiate_resp);

/**
 * vmbus_set_sc_create_callback() - be told of new sub-channels
 * @primary_channel: the primary channel
 * @sc_cr_cb: called, in process context, for each sub-channel offered
 */
void vmbus_set_sc_create_callback(struct vmbus_channel *primary_channel,
				  void (*sc_cr_cb)(struct vmbus_channel *new_sc))
{
	primary_channel->sc_creation_callback = sc_cr_cb;
}
EXPORT_SYMBOL_GPL(vmbus_set_sc_create_callback);

/**
 * vmbus_set_chn_rescind_callback() - be told when the host rescinds
 * @channel: the channel
 * @chn_rescind_cb: called, in process context, on its rescind
 */
void vmbus_set_chn_rescind_callback(struct vmbus_channel *channel,
				    void (*chn_rescind_cb)(struct vmbus_channel *))
{
	channel->chn_rescind_callback = chn_rescind_cb;
}
EXPORT_SYMBOL_GPL(vmbus_set_chn_rescind_callback);

/**
 * vmbus_hvsock_device_unregister() - remove a closed Hyper-V socket's device
 * @channel: the socket's channel
 *
 * hv_sock calls this when the socket goes; the host rescinds the channel
 * when the connection closes, and the device and channel go after that.
 */
void vmbus_hvsock_device_unregister(struct vmbus_channel *channel)
{
	if (WARN_ON(!is_hvsock_channel(channel)))
		return;
	while (!READ_ONCE(channel->probe_done) || !READ_ONCE(channel->rescind))
		usleep_range(1000, 2000);
	vmbus_remove_primary(channel, true);
}
EXPORT_SYMBOL_GPL(vmbus_hvsock_device_unregister);

#ifdef HV_HAVE_SUBCHANNELS_PRESENT
/**
 * vmbus_are_subchannels_present() - whether a primary has sub-channels
 * @primary: the primary channel
 *
 * Return: true if the host offered sub-channels of @primary.
 */
bool vmbus_are_subchannels_present(struct vmbus_channel *primary)
{
	bool present;

	mutex_lock(&vmbus_core.channels_lock);
	present = !list_empty(&primary->sc_list);
	mutex_unlock(&vmbus_core.channels_lock);
	return present;
}
EXPORT_SYMBOL_GPL(vmbus_are_subchannels_present);
#endif
