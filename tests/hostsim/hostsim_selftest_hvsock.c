// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's self-test, Hyper-V sockets (hostsim_hvsock.h): TL_CONNECT_REQUEST
 * of every size and kind (refused, unknown service, echo), the hvsock offer's
 * fields, echo and EOF over the pipe protocol and the rescind that follows,
 * the guest breaking the pipe protocol in three ways (each counted and
 * answered with a rescind), and a connection the host makes to the guest.
 * The fake guest is connected with protocol 5.3.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": selftest: " fmt

#include <linux/delay.h>
#include <linux/string.h>

#include "hostsim_selftest.h"

/* The vsock template with @port in its first four bytes. */
static void hvsim_st_vsock_guid(guid_t *g, u32 port)
{
	__le32 le = cpu_to_le32(port);

	*g = GUID_INIT(0, 0xfacb, 0x11e6, 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3);
	memcpy(g->b, &le, sizeof(le));
}

static void hvsim_st_tl_connect(u32 service, u32 endpoint, u32 size, const guid_t *silo)
{
	u8 buf[HVSIM_TL_CONNECT2_SIZE + 8] = {};
	struct vmbus_channel_tl_connect_request *req = (void *)buf;

	req->header.msgtype = CHANNELMSG_TL_CONNECT_REQUEST;
	hvsim_st_vsock_guid(&req->guest_endpoint_id, endpoint);
	hvsim_st_vsock_guid(&req->host_service_id, service);
	if (silo)
		memcpy(buf + HVSIM_TL_CONNECT_SIZE, silo, sizeof(*silo));
	hvsim_st_post(buf, size);
}

/* The next message must be an hvsock offer of @service and @endpoint. */
static u32 hvsim_st_hvsock_offer(u32 service, u32 endpoint, bool from_host)
{
	struct vmbus_channel_offer_channel off;
	const struct hvsim_hvsock_params *p = (const void *)&off.offer.u;
	guid_t s, e;

	memset(&off, 0, sizeof(off));
	if (!hvsim_st_recv(CHANNELMSG_OFFERCHANNEL, &off, sizeof(off)))
		return 0;
	hvsim_st_vsock_guid(&s, service);
	hvsim_st_vsock_guid(&e, endpoint);
	ST_CHECK(guid_equal(&off.offer.if_type, &s) && guid_equal(&off.offer.if_instance, &e),
		 "the offer's type is the service id, its instance the endpoint (%pUl %pUl)",
		 &off.offer.if_type, &off.offer.if_instance);
	ST_CHECK(off.offer.chn_flags == 0x2011 &&
		 (off.offer.chn_flags & VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER),
		 "hvsock offer flags: enumerate, named pipe, TLNPI provider (%#x)",
		 off.offer.chn_flags);
	ST_CHECK(!p->pipe_mode && p->is_for_guest_accept == from_host &&
		 off.offer.u.pipe.user_def[0] == from_host && p->version == 1 &&
		 guid_is_null(&p->silo_id),
		 "hvsock parameters: byte mode, is_for_guest_accept %d, RS5, no silo",
		 from_host);
	ST_CHECK(!off.monitor_allocated && off.is_dedicated_interrupt &&
		 !off.offer.sub_channel_index, "no monitor, a dedicated interrupt");
	return off.child_relid;
}

/* A pipe packet from the fake guest: header {@type, @size}, @len bytes of @data. */
static int hvsim_st_pipe_send(struct hvsim_st_chan *c, u32 type, u32 size, const void *data,
			      u32 len)
{
	u8 buf[64] = {};
	struct hvsim_pipe_hdr hdr = { .type = type, .size = size };

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), data, len);
	return hvsim_st_send(c, &(struct hvsim_st_pkt){
		.type = VM_PKT_DATA_INBAND, .data = buf, .len = sizeof(hdr) + len });
}

/* The next packet from the host must be pipe data @data of @len bytes (0: EOF). */
static bool hvsim_st_pipe_expect(struct hvsim_st_chan *c, const void *data, u32 len)
{
	struct vmpacket_descriptor d;
	struct hvsim_pipe_hdr hdr;
	u8 buf[72] = {};
	u32 plen = 0;

	if (!ST_CHECK(hvsim_st_poll(!hvsim_st_read(c, &d, buf, sizeof(buf), &plen)),
		      "a pipe packet of %u bytes from the host", len))
		return false;
	memcpy(&hdr, buf, sizeof(hdr));
	return ST_CHECK(d.type == VM_PKT_DATA_INBAND && d.offset8 == 2 &&
			hdr.type == HVSIM_PIPE_DATA && hdr.size == len &&
			plen == sizeof(hdr) + ALIGN(len, 8) &&
			!memcmp(buf + sizeof(hdr), data, len),
			"pipe data of %u bytes (type %u offset8 %u, header %u/%u, payload %u)",
			len, d.type, d.offset8, hdr.type, hdr.size, plen);
}

/* The host rescinds @relid; the fake guest closes it and lets it go. */
static void hvsim_st_hvsock_gone(u32 relid, u32 gpadl)
{
	struct vmbus_channel_relid_released rel = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};
	struct vmbus_channel_rescind_offer r;

	if (hvsim_st_recv(CHANNELMSG_RESCIND_CHANNELOFFER, &r, sizeof(r)))
		ST_CHECK(r.child_relid == relid, "the host rescinds relid %u (%u)", relid,
			 r.child_relid);
	hvsim_st_close(relid);
	hvsim_st_teardown(relid, gpadl);
	hvsim_st_recv(CHANNELMSG_GPADL_TORNDOWN, NULL, 0);
	hvsim_st_post(&rel, sizeof(rel));
	ST_CHECK(hvsim_st_quiet(), "close, teardown and release are all the host wanted");
	mutex_lock(&hvsim.lock);
	ST_CHECK(!hvsim_dev_get(relid), "relid %u is free again", relid);
	mutex_unlock(&hvsim.lock);
}

/* The record of the newest connection. */
static struct hvsim_hvsock_conn hvsim_st_last_conn(void)
{
	struct hvsim_hvsock_conn conn = {};
	unsigned int i;

	mutex_lock(&hvsim.lock);
	for (i = 0; i < HVSIM_HVSOCK_MAX_CONNS; i++)
		if (hvsim.hvsock[i].state != HVSIM_HVSOCK_FREE &&
		    hvsim.hvsock[i].id == hvsim.hvsock_next_id)
			conn = hvsim.hvsock[i];
	mutex_unlock(&hvsim.lock);
	return conn;
}

static void hvsim_st_hvsock_refusals(void)
{
	struct hvsim_tl_connect_result res;
	guid_t silo, e, s;
	u64 refused = hvsim_st_host(&hvsim.hvsock_stats.refused);
	u64 unknown = hvsim_st_host(&hvsim.hvsock_stats.unknown_service);

	hvsim_st_tl_connect(7, 2000, HVSIM_TL_CONNECT_SIZE - 1, NULL);
	hvsim_st_tl_connect(7, 2000, 48, NULL);
	hvsim_st_tl_connect(7, 2000, HVSIM_TL_CONNECT2_SIZE + 8, NULL);
	ST_CHECK(hvsim_st_quiet() && hvsim_st_host(&hvsim.hvsock_stats.refused) == refused + 3,
		 "TL_CONNECT_REQUEST of 39, 48 and 64 bytes: refused, counted, unanswered");
	guid_gen(&silo);
	hvsim_st_tl_connect(7, 2000, HVSIM_TL_CONNECT2_SIZE, &silo);
	memset(&res, 0, sizeof(res));
	hvsim_st_recv(HVSIM_MSG_TL_CONNECT_RESULT, &res, sizeof(res));
	ST_CHECK(res.status == HVSIM_STATUS_CONNECTION_REFUSED &&
		 hvsim_st_host(&hvsim.hvsock_stats.refused) == refused + 4,
		 "a silo id is refused with TL_CONNECT_RESULT (%#x)", res.status);
	hvsim_st_tl_connect(4242, 2001, HVSIM_TL_CONNECT_SIZE, NULL);
	memset(&res, 0, sizeof(res));
	hvsim_st_recv(HVSIM_MSG_TL_CONNECT_RESULT, &res, sizeof(res));
	hvsim_st_vsock_guid(&e, 2001);
	hvsim_st_vsock_guid(&s, 4242);
	ST_CHECK(guid_equal(&res.endpoint_id, &e) && guid_equal(&res.service_id, &s) &&
		 res.status == HVSIM_STATUS_CONNECTION_REFUSED,
		 "an unknown service: no offer, TL_CONNECT_RESULT refused (%#x)", res.status);
	ST_CHECK(hvsim_st_quiet() &&
		 hvsim_st_host(&hvsim.hvsock_stats.unknown_service) == unknown + 1,
		 "... counted, and nothing else is sent");
}

/* The guest connects to the echo service and both sides end with EOF. */
static void hvsim_st_hvsock_echo(void)
{
	static const char hello[] = "hello, host";
	struct hvsim_st_chan c = {};
	struct hvsim_hvsock_conn conn;
	guid_t silo = {};
	u32 relid;

	/* the 56-byte form with a null silo is an ordinary request on 5.2+ */
	hvsim_st_tl_connect(7, 3000, HVSIM_TL_CONNECT2_SIZE, &silo);
	relid = hvsim_st_hvsock_offer(7, 3000, false);
	if (!ST_CHECK(relid && !hvsim_st_open(&c, relid, 0xa0, 7, 7), "open the hvsock channel"))
		return;
	hvsim_st_pipe_send(&c, HVSIM_PIPE_DATA, sizeof(hello), hello, sizeof(hello));
	hvsim_st_pipe_expect(&c, hello, sizeof(hello));
	hvsim_st_pipe_send(&c, HVSIM_PIPE_DATA, 1, "x", 1);
	hvsim_st_pipe_expect(&c, "x", 1);
	ST_CHECK(hvsim_st_quiet(), "no rescind before EOF");
	hvsim_st_pipe_send(&c, HVSIM_PIPE_DATA, 0, NULL, 0);
	hvsim_st_pipe_expect(&c, NULL, 0);
	hvsim_st_hvsock_gone(relid, 0xa0);
	conn = hvsim_st_last_conn();
	ST_CHECK(conn.state == HVSIM_HVSOCK_CLOSED && conn.fin_in && conn.fin_out &&
		 conn.bytes_in == sizeof(hello) + 1 && conn.bytes_out == conn.bytes_in &&
		 conn.pkts_in == 3 && conn.end && !strcmp(conn.end, "both-eof"),
		 "the record: closed after both EOFs, %llu bytes each way, 3 packets in",
		 conn.bytes_in);
}

/* The guest breaks the pipe protocol: the host counts it and rescinds. */
static void hvsim_st_hvsock_bad(void)
{
	static const struct {
		u32 type, size, len;
		const char *what;
	} bad[] = {
		{ 2, 4, 4, "a pipe packet type other than data" },
		{ HVSIM_PIPE_DATA, 9, 4, "a data size beyond the packet" },
		{ HVSIM_PIPE_DATA, 1, 12, "more padding than alignment needs" },
	};
	struct hvsim_st_chan c;
	struct hvsim_hvsock_conn conn;
	unsigned int i;
	u64 n;
	u32 relid;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&c, 0, sizeof(c));
		n = hvsim_st_host(&hvsim.hvsock_stats.bad_pkts);
		hvsim_st_tl_connect(7, 3100 + i, HVSIM_TL_CONNECT_SIZE, NULL);
		relid = hvsim_st_hvsock_offer(7, 3100 + i, false);
		if (!ST_CHECK(relid && !hvsim_st_open(&c, relid, 0xb0 + i, 7, 7),
			      "open for %s", bad[i].what))
			return;
		hvsim_st_pipe_send(&c, HVSIM_PIPE_DATA, 2, "ok", 2);
		hvsim_st_pipe_expect(&c, "ok", 2);
		hvsim_st_pipe_send(&c, bad[i].type, bad[i].size, "abcdefghijkl", bad[i].len);
		hvsim_st_hvsock_gone(relid, 0xb0 + i);
		conn = hvsim_st_last_conn();
		ST_CHECK(hvsim_st_host(&hvsim.hvsock_stats.bad_pkts) == n + 1 &&
			 conn.bad_pkts == 1 && conn.end && !strcmp(conn.end, "bad-packet"),
			 "%s: counted, the channel rescinded", bad[i].what);
	}
}

/* The host connects to a listening guest socket. */
static void hvsim_st_hvsock_from_host(void)
{
	struct hvsim_st_chan c = {};
	struct hvsim_hvsock_conn conn;
	u32 relid, id;

	if (!ST_CHECK(!hvsim_st_cmd("hvsock connect 5000 hi-guest"), "hvsock connect 5000"))
		return;
	mutex_lock(&hvsim.lock);
	id = hvsim.last_hvsock;
	mutex_unlock(&hvsim.lock);
	relid = hvsim_st_hvsock_offer(5000, id, true);
	ST_CHECK(relid == hvsim_st_last_relid(), "last_relid names its relid");
	if (!ST_CHECK(relid && !hvsim_st_open(&c, relid, 0xc0, 7, 7), "the guest opens it"))
		return;
	hvsim_st_pipe_expect(&c, "hi-guest", 8);
	hvsim_st_pipe_expect(&c, NULL, 0);
	hvsim_st_pipe_send(&c, HVSIM_PIPE_DATA, 5, "hello", 5);
	hvsim_st_pipe_send(&c, HVSIM_PIPE_DATA, 0, NULL, 0);
	hvsim_st_hvsock_gone(relid, 0xc0);
	conn = hvsim_st_last_conn();
	ST_CHECK(conn.id == id && conn.kind == HVSIM_HVSOCK_CLIENT && conn.rx_len == 5 &&
		 !memcmp(conn.rx, "hello", 5) && conn.fin_in && conn.fin_out,
		 "the host kept what the guest sent (%u bytes) and both EOFs", conn.rx_len);
	ST_CHECK(hvsim_st_cmd("hvsock connect 5000 %097d", 0) &&
		 hvsim_st_cmd("hvsock connect 99999999999") && hvsim_st_cmd("hvsock listen 5"),
		 "bad hvsock commands are refused");
}

/**
 * hvsim_st_hvsock() - the Hyper-V socket checks
 */
void hvsim_st_hvsock(void)
{
	hvsim_st_hvsock_refusals();
	hvsim_st_hvsock_echo();
	hvsim_st_hvsock_bad();
	hvsim_st_hvsock_from_host();
}
