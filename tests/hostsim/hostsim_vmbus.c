// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus control plane, host side: version negotiation (with the
 * guest's monitor pages checked, hostsim_monitor.c), the offer request,
 * relid release, and unload (offers and rescinds themselves are in
 * hostsim_devices.c, GPADLs in hostsim_gpadl.c, open, close and modify in
 * hostsim_chan.c). Each guest message is checked for its connection id,
 * its size and the connection state before the host acts on it, the way a
 * strict host would; anything else is counted as rejected and logged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>

#include "hv/vmbus_proto.h"
#include "hostsim.h"

static const u32 hvsim_versions[] = {
	HV_VMBUS_VERSION(0, 13), HV_VMBUS_VERSION(1, 1), HV_VMBUS_VERSION(2, 4),
	HV_VMBUS_VERSION(3, 0), HV_VMBUS_VERSION(4, 0), HV_VMBUS_VERSION(4, 1),
	HV_VMBUS_VERSION(5, 0), HV_VMBUS_VERSION(5, 1), HV_VMBUS_VERSION(5, 2),
	HV_VMBUS_VERSION(5, 3), HV_VMBUS_VERSION_COPPER,
};

/**
 * hvsim_version_known() - whether @version is a VMBus protocol version
 * @version: major << 16 | minor
 *
 * Return: true if this host knows @version.
 */
bool hvsim_version_known(u32 version)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_versions); i++)
		if (hvsim_versions[i] == version)
			return true;
	return false;
}

/**
 * hvsim_check_connection() - does the host have this message connection?
 * @connection_id: where the guest posted
 * @msg: the message (unused: only the id matters to the hypervisor)
 * @size: its size
 *
 * Hosts before protocol 5.0 have only connection 1; newer ones also take
 * INITIATE_CONTACT on connection 4.
 *
 * Return: 0, or -EINVAL as the hypercall fails for an unknown connection.
 */
int hvsim_check_connection(u32 connection_id, const void *msg, u32 size)
{
	if (connection_id == HVSIM_MSG_CONN_ID)
		return 0;
	if (connection_id == HV_VMBUS_MSG_CONN_ID_V5 &&
	    READ_ONCE(hvsim.max_version) >= HV_VMBUS_VERSION(5, 0))
		return 0;
	return -EINVAL;
}

/**
 * hvsim_reject() - count and log a guest message the host does not act on
 * @msgtype: its type
 * @why: the reason
 */
void hvsim_reject(u32 msgtype, const char *why)
{
	hvsim.stats.msgs_rejected++;
	pr_warn("rejected guest message type %u: %s\n", msgtype, why);
}

static void hvsim_send_header_only(u32 msgtype)
{
	struct vmbus_channel_message_header msg = { .msgtype = msgtype };

	hvsim_send_to_guest(&msg, sizeof(msg));
}

static void hvsim_initiate_contact(u32 connection_id, const void *data, u32 size)
{
	const struct vmbus_channel_initiate_contact *req = data;
	struct vmbus_channel_version_response resp = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
	};
	const char *why;
	u32 v;
	bool ok;

	if (size < sizeof(*req)) {
		hvsim_reject(CHANNELMSG_INITIATE_CONTACT, "too short");
		return;
	}
	v = req->vmbus_version_requested;
	/* 5.0 and later are asked for on connection 4, older ones on 1 */
	ok = hvsim_version_known(v) && v <= hvsim.max_version &&
	     (v >= HV_VMBUS_VERSION(5, 0) ? connection_id == HV_VMBUS_MSG_CONN_ID_V5 :
					    connection_id == HVSIM_MSG_CONN_ID);
	if (ok && v >= HV_VMBUS_VERSION(5, 0) && req->msg_sint != HV_VMBUS_MESSAGE_SINT)
		ok = false;
	hvsim.stats.contacts++;
	/* a new contact starts a new connection: the guest holds nothing */
	hvsim_forget_offers();
	hvsim.state = HVSIM_DISCONNECTED;
	hvsim.version = 0;
	/* a guest that names bad monitor pages is refused whatever it asks */
	why = hvsim_monitor_check(req);
	if (why) {
		pr_warn("INITIATE_CONTACT for %u.%u refused: %s (server %#llx, client %#llx)\n",
			HV_VMBUS_VERSION_MAJOR(v), HV_VMBUS_VERSION_MINOR(v), why,
			req->monitor_page1, req->monitor_page2);
		ok = false;
	} else if (ok && hvsim_monitor_map(req)) {
		pr_warn("INITIATE_CONTACT refused: cannot map the monitor pages\n");
		ok = false;
	}
	if (!ok)
		hvsim.stats.contacts_refused++;
	if (ok) {
		hvsim.state = HVSIM_CONNECTED;
		hvsim.version = v;
		resp.version_supported = 1;
		resp.msg_conn_id = HVSIM_MSG_CONN_ID;
		pr_info("guest connected with VMBus protocol %u.%u\n",
			HV_VMBUS_VERSION_MAJOR(v), HV_VMBUS_VERSION_MINOR(v));
		/* before 5.0 the guest names its interrupt page (a 0.13 guest signals there) */
		if (v < HV_VMBUS_VERSION(5, 0) && req->interrupt_page)
			hvsim_int_page_map(req->interrupt_page);
	}
	hvsim_send_to_guest(&resp, sizeof(resp));
}

/**
 * hvsim_handle_message() - act on one message the guest posted
 * @connection_id: the connection it was posted to
 * @data: a private copy of the message
 * @size: its size
 *
 * Called with hvsim.lock held.
 */
void hvsim_handle_message(u32 connection_id, const void *data, u32 size)
{
	const struct vmbus_channel_message_header *hdr = data;

	lockdep_assert_held(&hvsim.lock);
	hvsim.stats.msgs_in++;
	if (size < sizeof(*hdr)) {
		hvsim_reject(0, "shorter than a message header");
		return;
	}
	if (hdr->msgtype == CHANNELMSG_INITIATE_CONTACT) {
		hvsim_initiate_contact(connection_id, data, size);
		return;
	}
	if (connection_id != HVSIM_MSG_CONN_ID) {
		hvsim_reject(hdr->msgtype, "posted to the negotiation connection");
		return;
	}
	if (hvsim.state != HVSIM_CONNECTED) {
		hvsim_reject(hdr->msgtype, "no protocol version agreed yet");
		return;
	}
	switch (hdr->msgtype) {
	case CHANNELMSG_REQUESTOFFERS:
		if (hvsim.offers_requested) {
			hvsim_reject(hdr->msgtype, "offers already requested on this connection");
			break;
		}
		hvsim.offers_requested = true;
		hvsim_offer_pending();
		hvsim_send_header_only(CHANNELMSG_ALLOFFERS_DELIVERED);
		break;
	case CHANNELMSG_RELID_RELEASED:
		hvsim_relid_released(data, size);
		break;
	case CHANNELMSG_GPADL_HEADER:
		hvsim_gpadl_header(data, size);
		break;
	case CHANNELMSG_GPADL_BODY:
		hvsim_gpadl_body(data, size);
		break;
	case CHANNELMSG_GPADL_TEARDOWN:
		hvsim_gpadl_teardown(data, size);
		break;
	case CHANNELMSG_OPENCHANNEL:
		hvsim_chan_open(data, size);
		break;
	case CHANNELMSG_CLOSECHANNEL:
		hvsim_chan_close(data, size);
		break;
	case CHANNELMSG_MODIFYCHANNEL:
		hvsim_chan_modify(data, size);
		break;
	case CHANNELMSG_TL_CONNECT_REQUEST:
		hvsim_hvsock_connect_request(data, size);
		break;
	case CHANNELMSG_UNLOAD:
		hvsim.state = HVSIM_DISCONNECTED;
		hvsim_forget_offers();
		hvsim.stats.unloads++;
		hvsim_send_header_only(CHANNELMSG_UNLOAD_RESPONSE);
		break;
	default:
		hvsim_reject(hdr->msgtype, "not handled by this host");
		break;
	}
}
