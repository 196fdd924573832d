// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hyper-V sockets, the host's control plane (hostsim_hvsock.h): the
 * service table, TL_CONNECT_REQUEST, connections the host makes to the
 * guest (the control file's "hvsock connect PORT [DATA]"), the hvsock
 * offers and their life, the open timeout, and the listings.
 *
 * Everything here runs with hvsim.lock held, except the timeout work item,
 * which takes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "hostsim.h"

static_assert(sizeof(struct vmbus_channel_tl_connect_request) == HVSIM_TL_CONNECT_SIZE);
static_assert(sizeof(struct hvsim_tl_connect_result) == 44);
static_assert(sizeof(struct hvsim_hvsock_params) <= MAX_USER_DEFINED_BYTES);
static_assert(offsetof(struct hvsim_hvsock_params, is_for_guest_accept) ==
	      offsetof(struct vmbus_channel_offer, u.pipe.user_def) -
	      offsetof(struct vmbus_channel_offer, u));

/* Offset of the silo id in the 56-byte TL_CONNECT_REQUEST. */
#define HVSIM_TL_CONNECT_SILO_OFF	HVSIM_TL_CONNECT_SIZE

/* Why a connection ended, besides the data plane's reasons. */
#define HVSIM_HVSOCK_END_RESCINDED	"rescinded"
#define HVSIM_HVSOCK_END_GUEST_CLOSED	"guest-closed"
#define HVSIM_HVSOCK_END_OPEN_TIMEOUT	"open-timeout"
#define HVSIM_HVSOCK_END_GONE		"disconnected"

/* The vsock template: a port in the first four bytes (hyperv_transport.c). */
static const guid_t hvsim_vsock_template =
	GUID_INIT(0x00000000, 0xfacb, 0x11e6, 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3);

/* The services the host offers to guests. */
static const struct hvsim_hvsock_service hvsim_hvsock_services[] = {
	{ .name = "echo", .port = 7, .kind = HVSIM_HVSOCK_ECHO },
};

/* The class of hvsock devices: the service id varies by connection. */
const struct hvsim_class hvsim_class_hvsock = {
	.name = "hvsock",
	.run = hvsim_hvsock_run,
};

static void hvsim_vsock_guid(guid_t *g, u32 port)
{
	__le32 le = cpu_to_le32(port);

	guid_copy(g, &hvsim_vsock_template);
	memcpy(g->b, &le, sizeof(le));
}

static struct hvsim_hvsock_conn *hvsim_hvsock_of(u32 relid)
{
	const struct hvsim_dev *d = hvsim_dev_get(relid);

	if (!d || d->class != &hvsim_class_hvsock)
		return NULL;
	return hvsim.chans[relid - 1].hvsock;
}

/* A free record, or else the oldest finished one; NULL if all are live. */
static struct hvsim_hvsock_conn *hvsim_hvsock_record(void)
{
	struct hvsim_hvsock_conn *conn, *oldest = NULL;
	unsigned int i;

	for (i = 0; i < HVSIM_HVSOCK_MAX_CONNS; i++) {
		conn = &hvsim.hvsock[i];
		if (conn->state == HVSIM_HVSOCK_FREE)
			return conn;
		if (conn->state == HVSIM_HVSOCK_CLOSED && (!oldest || conn->id < oldest->id))
			oldest = conn;
	}
	return oldest;
}

static bool hvsim_instance_in_use(const guid_t *instance)
{
	unsigned int i;

	for (i = 0; i < HVSIM_MAX_DEVICES; i++)
		if (hvsim.devs[i].state != HVSIM_DEV_FREE &&
		    guid_equal(&hvsim.devs[i].instance, instance))
			return true;
	return false;
}

/*
 * Offer a channel for a new connection. Return: the record, or NULL with
 * the reason in @why.
 */
static struct hvsim_hvsock_conn *
hvsim_hvsock_offer(enum hvsim_hvsock_kind kind, const char *name, const guid_t *service_id,
		   const guid_t *endpoint_id, const char **why)
{
	struct hvsim_hvsock_conn *conn;
	struct hvsim_dev *d;
	struct hvsim_chan *c;

	if (hvsim_instance_in_use(endpoint_id)) {
		*why = "the endpoint id is in use by another channel";
		return NULL;
	}
	conn = hvsim_hvsock_record();
	if (!conn) {
		*why = "too many connections";
		return NULL;
	}
	d = hvsim_dev_create(&hvsim_class_hvsock, service_id, endpoint_id);
	if (!d) {
		*why = "no free relid";
		return NULL;
	}
	memset(conn, 0, sizeof(*conn));
	if (!++hvsim.hvsock_next_id)
		hvsim.hvsock_next_id = 1;
	conn->id = hvsim.hvsock_next_id;
	conn->state = HVSIM_HVSOCK_OFFERED;
	conn->relid = d->relid;
	conn->kind = kind;
	conn->name = name;
	guid_copy(&conn->service_id, service_id);
	guid_copy(&conn->endpoint_id, endpoint_id);
	conn->created = jiffies;
	c = &hvsim.chans[d->relid - 1];
	mutex_lock(&c->lock);
	c->hvsock = conn;
	mutex_unlock(&c->lock);
	hvsim.hvsock_stats.connections++;
	queue_delayed_work(hvsim.wq, &hvsim.hvsock_timeout,
			   msecs_to_jiffies(HVSIM_HVSOCK_OPEN_TIMEOUT_MS));
	pr_info("hvsock connection %u: %s %pUl, endpoint %pUl, relid %u\n", conn->id, name,
		service_id, endpoint_id, d->relid);
	hvsim_offer_pending();
	return conn;
}

static void hvsim_tl_connect_refuse(const guid_t *endpoint_id, const guid_t *service_id)
{
	struct hvsim_tl_connect_result msg;

	/* TL_CONNECT_RESULT came with 4.1; older guests just time out */
	if (hvsim.version < HVSIM_VERSION_WIN10_V4_1)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.msgtype = HVSIM_MSG_TL_CONNECT_RESULT;
	guid_copy(&msg.endpoint_id, endpoint_id);
	guid_copy(&msg.service_id, service_id);
	msg.status = HVSIM_STATUS_CONNECTION_REFUSED;
	hvsim_send_to_guest(&msg, sizeof(msg));
}

static void hvsim_tl_connect_reject(const char *why)
{
	hvsim.hvsock_stats.refused++;
	hvsim_reject(CHANNELMSG_TL_CONNECT_REQUEST, why);
}

/**
 * hvsim_hvsock_connect_request() - TL_CONNECT_REQUEST: a guest connects
 * @data: the message
 * @size: its size
 *
 * 40 bytes from protocol 4.0 on; from 5.2 also 56, with a silo id, which
 * must be null (this host runs no containers).
 */
void hvsim_hvsock_connect_request(const void *data, u32 size)
{
	const struct vmbus_channel_tl_connect_request *req = data;
	const struct hvsim_hvsock_service *svc = NULL;
	guid_t endpoint_id, service_id, silo_id;
	const char *why;
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	hvsim.hvsock_stats.requests++;
	if (hvsim.version < HVSIM_VERSION_WIN10) {
		hvsim_tl_connect_reject("not in this protocol version (from 4.0)");
		return;
	}
	if (size != HVSIM_TL_CONNECT_SIZE &&
	    (size != HVSIM_TL_CONNECT2_SIZE || hvsim.version < HVSIM_VERSION_WIN10_RS5)) {
		hvsim_tl_connect_reject(hvsim.version < HVSIM_VERSION_WIN10_RS5 ?
					"not 40 bytes" : "neither 40 nor 56 bytes");
		return;
	}
	guid_copy(&endpoint_id, &req->guest_endpoint_id);
	guid_copy(&service_id, &req->host_service_id);
	if (size == HVSIM_TL_CONNECT2_SIZE) {
		memcpy(&silo_id, (const u8 *)data + HVSIM_TL_CONNECT_SILO_OFF, sizeof(silo_id));
		if (!guid_is_null(&silo_id)) {
			hvsim_tl_connect_reject("a silo id: this host has no containers");
			hvsim_tl_connect_refuse(&endpoint_id, &service_id);
			return;
		}
	}
	if (guid_is_null(&endpoint_id)) {
		hvsim_tl_connect_reject("a null endpoint id");
		hvsim_tl_connect_refuse(&endpoint_id, &service_id);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(hvsim_hvsock_services); i++) {
		guid_t g;

		hvsim_vsock_guid(&g, hvsim_hvsock_services[i].port);
		if (guid_equal(&g, &service_id))
			svc = &hvsim_hvsock_services[i];
	}
	if (!svc) {
		hvsim.hvsock_stats.unknown_service++;
		pr_info("hvsock: no service %pUl (endpoint %pUl): not offered\n",
			&service_id, &endpoint_id);
		hvsim_tl_connect_refuse(&endpoint_id, &service_id);
		return;
	}
	if (!hvsim_hvsock_offer(svc->kind, svc->name, &service_id, &endpoint_id, &why)) {
		hvsim.hvsock_stats.no_room++;
		pr_warn("hvsock: connection to %s from endpoint %pUl refused: %s\n",
			svc->name, &endpoint_id, why);
		hvsim_tl_connect_refuse(&endpoint_id, &service_id);
	}
}

/**
 * hvsim_cmd_hvsock() - the control file's "hvsock connect PORT [DATA]"
 * @argc: number of words
 * @argv: the words, "hvsock" first
 *
 * Connects to the guest's vsock PORT: the host sends DATA (a word of at
 * most HVSIM_HVSOCK_TX_MAX bytes) and its EOF, and keeps what the guest
 * sends until the guest's EOF.
 *
 * Return: 0 (the relid in last_relid, the connection's id in
 * last_hvsock), or -EINVAL with the reason in hvsim.last_error.
 */
int hvsim_cmd_hvsock(int argc, char **argv)
{
	struct hvsim_hvsock_conn *conn;
	guid_t service_id, endpoint_id;
	const char *why;
	size_t len = 0;
	u32 port;

	lockdep_assert_held(&hvsim.lock);
	if (argc < 3 || argc > 4 || strcmp(argv[1], "connect")) {
		hvsim_cmd_fail("usage: hvsock connect PORT [DATA]");
		return -EINVAL;
	}
	if (kstrtou32(argv[2], 10, &port) || port == U32_MAX) {
		hvsim_cmd_fail("bad port '%s': want 0 to %u", argv[2], U32_MAX - 1);
		return -EINVAL;
	}
	if (argc == 4) {
		len = strlen(argv[3]);
		if (len > HVSIM_HVSOCK_TX_MAX) {
			hvsim_cmd_fail("at most %d bytes of data", HVSIM_HVSOCK_TX_MAX);
			return -EINVAL;
		}
	}
	if (hvsim.state != HVSIM_CONNECTED || !hvsim.offers_requested ||
	    hvsim.version < HVSIM_VERSION_WIN10) {
		hvsim_cmd_fail("no guest with VMBus 4.0 or newer is connected");
		return -EINVAL;
	}
	hvsim_vsock_guid(&service_id, port);
	/* the host's endpoint: the template with the connection's id as port */
	hvsim_vsock_guid(&endpoint_id, hvsim.hvsock_next_id + 1 ?: 1);
	conn = hvsim_hvsock_offer(HVSIM_HVSOCK_CLIENT, "client", &service_id, &endpoint_id, &why);
	if (!conn) {
		hvsim_cmd_fail("cannot connect to guest port %u: %s", port, why);
		return -EINVAL;
	}
	if (len)
		memcpy(conn->tx, argv[3], len);
	conn->tx_len = len;
	hvsim.last_relids[0] = conn->relid;
	hvsim.n_last_relids = 1;
	hvsim.last_hvsock = conn->id;
	return 0;
}

/**
 * hvsim_hvsock_fill_offer() - the hvsock parts of an offer
 * @relid: the hvsock device's relid
 * @offer: the offer being built, zeroed but for the GUIDs
 */
void hvsim_hvsock_fill_offer(u32 relid, struct vmbus_channel_offer *offer)
{
	const struct hvsim_hvsock_conn *conn = hvsim_hvsock_of(relid);
	struct hvsim_hvsock_params params = { .version = 1 };

	lockdep_assert_held(&hvsim.lock);
	offer->chn_flags = HVSIM_HVSOCK_CHN_FLAGS;
	params.is_for_guest_accept = conn && conn->kind == HVSIM_HVSOCK_CLIENT;
	memcpy(&offer->u, &params, sizeof(params));
}

/**
 * hvsim_hvsock_opened() - the guest opened an hvsock channel
 * @c: the channel, its lock held
 */
void hvsim_hvsock_opened(struct hvsim_chan *c)
{
	struct hvsim_hvsock_conn *conn = c->hvsock;

	lockdep_assert_held(&c->lock);
	if (!conn || conn->state != HVSIM_HVSOCK_OFFERED)
		return;
	conn->state = HVSIM_HVSOCK_OPEN;
	conn->opened = true;
}

/* The connection is over: rescind its channel (if the guest holds it). */
static void hvsim_hvsock_close(u32 relid, const char *why)
{
	const struct hvsim_dev *d = hvsim_dev_get(relid);
	struct hvsim_hvsock_conn *conn = hvsim_hvsock_of(relid);
	struct hvsim_chan *c = &hvsim.chans[relid - 1];

	if (!conn)
		return;
	mutex_lock(&c->lock);
	if (!conn->end)
		conn->end = why;
	mutex_unlock(&c->lock);
	if (d->state != HVSIM_DEV_RESCINDED)
		hvsim_dev_rescind(relid);
}

/**
 * hvsim_hvsock_guest_closed() - the guest closed an hvsock channel
 * @relid: the channel
 *
 * Without a rescind first that ends the connection: the host rescinds it.
 */
void hvsim_hvsock_guest_closed(u32 relid)
{
	const struct hvsim_dev *d = hvsim_dev_get(relid);

	lockdep_assert_held(&hvsim.lock);
	if (d && d->state == HVSIM_DEV_OFFERED)
		hvsim_hvsock_close(relid, HVSIM_HVSOCK_END_GUEST_CLOSED);
}

/**
 * hvsim_hvsock_rescinded() - the host is rescinding an hvsock channel
 * @relid: the channel
 */
void hvsim_hvsock_rescinded(u32 relid)
{
	struct hvsim_hvsock_conn *conn = hvsim_hvsock_of(relid);
	struct hvsim_chan *c = &hvsim.chans[relid - 1];

	lockdep_assert_held(&hvsim.lock);
	if (!conn)
		return;
	mutex_lock(&c->lock);
	if (!conn->end)
		conn->end = HVSIM_HVSOCK_END_RESCINDED;
	conn->state = HVSIM_HVSOCK_CLOSING;
	mutex_unlock(&c->lock);
}

/**
 * hvsim_hvsock_forget() - an hvsock device leaves the table
 * @relid: its relid
 *
 * Its connection's record stays, closed, for the listing.
 */
void hvsim_hvsock_forget(u32 relid)
{
	struct hvsim_hvsock_conn *conn = hvsim_hvsock_of(relid);
	struct hvsim_chan *c = &hvsim.chans[relid - 1];

	lockdep_assert_held(&hvsim.lock);
	if (!conn)
		return;
	mutex_lock(&c->lock);
	if (!conn->end)
		conn->end = HVSIM_HVSOCK_END_GONE;
	conn->state = HVSIM_HVSOCK_CLOSED;
	conn->relid = 0;
	c->hvsock = NULL;
	mutex_unlock(&c->lock);
}

static void hvsim_hvsock_timeout_fn(struct work_struct *work)
{
	unsigned long now = jiffies, deadline, next = 0;
	struct hvsim_hvsock_conn *conn;
	bool pending = false;
	unsigned int i;

	mutex_lock(&hvsim.lock);
	for (i = 0; i < HVSIM_HVSOCK_MAX_CONNS; i++) {
		conn = &hvsim.hvsock[i];
		if (conn->state != HVSIM_HVSOCK_OFFERED || !conn->relid)
			continue;
		deadline = conn->created + msecs_to_jiffies(HVSIM_HVSOCK_OPEN_TIMEOUT_MS);
		if (time_before(now, deadline)) {
			if (!pending || time_before(deadline, next))
				next = deadline;
			pending = true;
			continue;
		}
		hvsim.hvsock_stats.open_timeouts++;
		pr_info("hvsock connection %u: the guest did not open relid %u in %d ms\n",
			conn->id, conn->relid, HVSIM_HVSOCK_OPEN_TIMEOUT_MS);
		hvsim_hvsock_close(conn->relid, HVSIM_HVSOCK_END_OPEN_TIMEOUT);
	}
	if (pending)
		queue_delayed_work(hvsim.wq, &hvsim.hvsock_timeout, next - now);
	mutex_unlock(&hvsim.lock);
}

/**
 * hvsim_hvsock_init() - set up the hvsock state at module load
 */
void hvsim_hvsock_init(void)
{
	INIT_DELAYED_WORK(&hvsim.hvsock_timeout, hvsim_hvsock_timeout_fn);
}

/**
 * hvsim_hvsock_exit() - stop the open timeout; before hvsim.wq goes
 */
void hvsim_hvsock_exit(void)
{
	cancel_delayed_work_sync(&hvsim.hvsock_timeout);
}

static const char *const hvsim_hvsock_state_names[] = {
	[HVSIM_HVSOCK_FREE] = "free",
	[HVSIM_HVSOCK_OFFERED] = "offered",
	[HVSIM_HVSOCK_OPEN] = "open",
	[HVSIM_HVSOCK_CLOSING] = "closing",
	[HVSIM_HVSOCK_CLOSED] = "closed",
};

static void hvsim_hvsock_show_one(struct seq_file *s, const struct hvsim_hvsock_conn *conn)
{
	u32 i;

	seq_printf(s, "id=%u relid=%u service=%s dir=%s service_id=%pUl endpoint_id=%pUl state=%s opened=%d fin_in=%d fin_out=%d",
		   conn->id, conn->relid, conn->name,
		   conn->kind == HVSIM_HVSOCK_CLIENT ? "host" : "guest",
		   &conn->service_id, &conn->endpoint_id,
		   hvsim_hvsock_state_names[conn->state], conn->opened, conn->fin_in,
		   conn->fin_out);
	seq_printf(s, " pkts_in=%llu bytes_in=%llu pkts_out=%llu bytes_out=%llu bad_pkts=%llu end=%s",
		   conn->pkts_in, conn->bytes_in, conn->pkts_out, conn->bytes_out,
		   conn->bad_pkts, conn->end ?: "-");
	if (conn->kind == HVSIM_HVSOCK_CLIENT) {
		seq_puts(s, " rx=");
		for (i = 0; i < conn->rx_len; i++)
			seq_printf(s, "%02x", conn->rx[i]);
	}
	seq_putc(s, '\n');
}

/**
 * hvsim_hvsock_show() - the connections, oldest first, one a line
 * @s: the debugfs file
 *
 * Return: 0. Takes hvsim.lock.
 */
int hvsim_hvsock_show(struct seq_file *s)
{
	const struct hvsim_hvsock_conn *conn;
	u32 last = 0, id;
	unsigned int i;
	struct hvsim_chan *c;

	mutex_lock(&hvsim.lock);
	for (;;) {
		/* the record with the next id: the table is small */
		conn = NULL;
		for (i = 0; i < HVSIM_HVSOCK_MAX_CONNS; i++) {
			id = hvsim.hvsock[i].id;
			if (hvsim.hvsock[i].state != HVSIM_HVSOCK_FREE && id > last &&
			    (!conn || id < conn->id))
				conn = &hvsim.hvsock[i];
		}
		if (!conn)
			break;
		last = conn->id;
		c = conn->relid ? &hvsim.chans[conn->relid - 1] : NULL;
		if (c)
			mutex_lock(&c->lock);
		hvsim_hvsock_show_one(s, conn);
		if (c)
			mutex_unlock(&c->lock);
	}
	mutex_unlock(&hvsim.lock);
	return 0;
}

/**
 * hvsim_hvsock_services_show() - the service table, one a line
 * @s: the debugfs file
 *
 * Return: 0.
 */
int hvsim_hvsock_services_show(struct seq_file *s)
{
	unsigned int i;
	guid_t g;

	for (i = 0; i < ARRAY_SIZE(hvsim_hvsock_services); i++) {
		hvsim_vsock_guid(&g, hvsim_hvsock_services[i].port);
		seq_printf(s, "%s %u %pUl\n", hvsim_hvsock_services[i].name,
			   hvsim_hvsock_services[i].port, &g);
	}
	return 0;
}
