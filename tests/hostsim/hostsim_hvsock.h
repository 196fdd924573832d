/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hyper-V sockets, host side: the connections the host makes for the
 * guest's hv_sock (AF_VSOCK over VMBus) and the services behind them.
 *
 * A guest connect() posts TL_CONNECT_REQUEST {guest endpoint id, host
 * service id} (protocol 4.0 on; from 5.2 a 56-byte form adds a silo id).
 * For a service of the host's table the host offers a channel of its own
 * for the connection: interface type = the service id, interface instance =
 * the endpoint id, channel flags ENUMERATE_DEVICE_INTERFACE | NAMED_PIPE_MODE
 * | TLNPI_PROVIDER, and in the user-defined area the hvsock parameters:
 * pipe mode 0 (byte), is_for_guest_accept (0: the guest connected),
 * is_for_guest_container 0, parameter version 1 (RS5), silo id null. No
 * monitor, a dedicated interrupt. For a service the host does not know it
 * offers nothing (the guest's connect times out) and, from protocol 4.1,
 * answers TL_CONNECT_RESULT with STATUS_CONNECTION_REFUSED, as Hyper-V and
 * OpenVMM do; Linux ignores that answer.
 *
 * A connection the host makes to a listening guest socket is the same kind
 * of offer with is_for_guest_accept 1, the interface type naming the
 * guest's service (its vsock port in the first four bytes of the vsock
 * template GUID 00000000-facb-11e6-bd58-64006a7986d3) and the instance the
 * host's endpoint (the template with the connection's id as port).
 *
 * On the open channel both sides send in-band packets whose payload is a
 * pipe header {u32 type (1: data), u32 data size} and that many bytes (at
 * most 16 KiB, padded to 8); a data size of 0 is the sender's EOF. Once
 * both sides sent their EOF the host rescinds the channel, as Hyper-V does
 * when a connection closes; so it does when the guest breaks the protocol
 * (the packet is counted and left unread), when the guest closes the
 * channel, and when the guest does not open an offer within
 * HVSIM_HVSOCK_OPEN_TIMEOUT_MS. hvsock channels do not outlive the VMBus
 * connection, nor an offer the guest declined: their devices then go.
 *
 * Each connection has a record (struct hvsim_hvsock_conn) that outlives
 * its channel so that its outcome can be read; the records are reused
 * oldest finished first.
 */
#ifndef _HOSTSIM_HVSOCK_H
#define _HOSTSIM_HVSOCK_H

#include <linux/hyperv.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include "hv/vmbus_proto.h"

/* Largest data of one pipe packet (the host's MTU). */
#define HVSIM_HVSOCK_MTU		16384

/* Connection records, live and finished. */
#define HVSIM_HVSOCK_MAX_CONNS		32

/* Bytes of what the guest sends on a host-initiated connection kept to show. */
#define HVSIM_HVSOCK_CAPTURE		1024

/* Bytes a host-initiated connection sends before its EOF. */
#define HVSIM_HVSOCK_TX_MAX		96

/* How long the guest has to open an hvsock offer before it is rescinded. */
#define HVSIM_HVSOCK_OPEN_TIMEOUT_MS	5000

/* Pipe packet type of data (and, with size 0, of an EOF). */
#define HVSIM_PIPE_DATA			1

/* TL_CONNECT_REQUEST: 4.0 on; the silo id (56 bytes) from 5.2 (RS5). */
#define HVSIM_TL_CONNECT_SIZE		40
#define HVSIM_TL_CONNECT2_SIZE		56
#define HVSIM_VERSION_WIN10		HV_VMBUS_VERSION(4, 0)
#define HVSIM_VERSION_WIN10_RS5		HV_VMBUS_VERSION(5, 2)

/* TL_CONNECT_RESULT (23), from 4.1. */
#define HVSIM_MSG_TL_CONNECT_RESULT	23
#define HVSIM_STATUS_CONNECTION_REFUSED	0xc0000236U

/* Offer flags of an hvsock channel. */
#define HVSIM_HVSOCK_CHN_FLAGS	(VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE | \
				 VMBUS_CHANNEL_NAMED_PIPE_MODE | \
				 VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER)

/**
 * struct hvsim_tl_connect_result - TL_CONNECT_RESULT, host to guest
 * @msgtype:	HVSIM_MSG_TL_CONNECT_RESULT
 * @padding:	zero
 * @endpoint_id: the guest's endpoint, as in the request
 * @service_id:	the service, as in the request
 * @status:	NTSTATUS; the host sends it only to refuse
 */
struct hvsim_tl_connect_result {
	u32 msgtype;
	u32 padding;
	guid_t endpoint_id;
	guid_t service_id;
	u32 status;
} __packed;

/**
 * struct hvsim_hvsock_params - the user-defined area of an hvsock offer
 * @pipe_mode:	0, byte mode
 * @is_for_guest_accept: 1 if the host connects to a listening guest socket
 *		(hv_sock reads this byte as u.pipe.user_def[0])
 * @is_for_guest_container: 0
 * @version:	1 (RS5): @silo_id is meaningful
 * @silo_id:	null: no container
 */
struct hvsim_hvsock_params {
	u32 pipe_mode;
	u8 is_for_guest_accept;
	u8 is_for_guest_container;
	u32 version;
	guid_t silo_id;
} __packed;

/**
 * struct hvsim_pipe_hdr - the header of a pipe packet's payload
 * @type:	HVSIM_PIPE_DATA
 * @size:	bytes of data that follow; 0 for an EOF
 */
struct hvsim_pipe_hdr {
	u32 type;
	u32 size;
} __packed;

enum hvsim_hvsock_kind {
	HVSIM_HVSOCK_ECHO,	/* a host service: every byte back, EOF for EOF */
	HVSIM_HVSOCK_CLIENT,	/* the host's side of a host-initiated connection */
};

/**
 * struct hvsim_hvsock_service - a service the host offers to guests
 * @name:	its name in listings
 * @port:	its vsock port (the service id is the template with it)
 * @kind:	what the host does on its connections
 */
struct hvsim_hvsock_service {
	const char *name;
	u32 port;
	enum hvsim_hvsock_kind kind;
};

enum hvsim_hvsock_state {
	HVSIM_HVSOCK_FREE,	/* an unused record */
	HVSIM_HVSOCK_OFFERED,	/* channel offered, not opened yet */
	HVSIM_HVSOCK_OPEN,	/* the guest opened the channel */
	HVSIM_HVSOCK_CLOSING,	/* the host rescinds, or asked to */
	HVSIM_HVSOCK_CLOSED,	/* the channel is gone */
};

/**
 * struct hvsim_hvsock_conn - one connection and what became of it
 * @id:		its number, from 1 (the port of a host-initiated one's endpoint)
 * @state:	see enum hvsim_hvsock_state
 * @relid:	its channel while the device exists, else 0
 * @kind:	echo service or host client
 * @name:	the service's name ("client" for host-initiated connections)
 * @service_id:	the offer's interface type
 * @endpoint_id: the offer's interface instance
 * @created:	jiffies when it was offered
 * @opened:	the guest opened the channel
 * @fin_in:	the guest sent its EOF
 * @fin_out:	the host sent its EOF
 * @pkts_in:	pipe packets from the guest, EOF included
 * @bytes_in:	their data bytes
 * @pkts_out:	pipe packets to the guest
 * @bytes_out:	their data bytes
 * @bad_pkts:	packets that broke the pipe protocol
 * @end:	why the host ended it, or NULL
 * @tx:		what a host client sends, then its EOF
 * @tx_len:	its length
 * @tx_sent:	how much went out
 * @rx:		the first HVSIM_HVSOCK_CAPTURE bytes a host client received
 * @rx_len:	their number
 *
 * Written under hvsim.lock and, while @relid is set, the channel's lock;
 * the data plane changes only the counters, @fin_in, @fin_out, @tx_sent,
 * @rx, @rx_len, @end and the OPEN to CLOSING step, with the channel's lock.
 */
struct hvsim_hvsock_conn {
	u32 id;
	enum hvsim_hvsock_state state;
	u32 relid;
	enum hvsim_hvsock_kind kind;
	const char *name;
	guid_t service_id;
	guid_t endpoint_id;
	unsigned long created;
	bool opened;
	bool fin_in;
	bool fin_out;
	u64 pkts_in;
	u64 bytes_in;
	u64 pkts_out;
	u64 bytes_out;
	u64 bad_pkts;
	const char *end;
	u8 tx[HVSIM_HVSOCK_TX_MAX];
	u32 tx_len;
	u32 tx_sent;
	u8 rx[HVSIM_HVSOCK_CAPTURE];
	u32 rx_len;
};

/**
 * struct hvsim_hvsock_stats - the host's hvsock counters
 * @requests:	TL_CONNECT_REQUESTs received
 * @refused:	of those, malformed or not allowed in the protocol version
 * @unknown_service: of those, for a service the host does not offer
 * @no_room:	of those, refused for want of a relid or an endpoint clash
 * @connections: channels offered, both directions
 * @open_timeouts: offers rescinded because the guest did not open them
 * @bad_pkts:	packets that broke the pipe protocol
 */
struct hvsim_hvsock_stats {
	u64 requests;
	u64 refused;
	u64 unknown_service;
	u64 no_room;
	u64 connections;
	u64 open_timeouts;
	u64 bad_pkts;
};

#endif /* _HOSTSIM_HVSOCK_H */
