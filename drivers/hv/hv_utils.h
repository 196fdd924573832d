/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils: the Hyper-V integration services (ICs) of the guest - internal
 * interfaces between the framework (hv_utils_main.c, hv_utils_ic.c,
 * hv_utils_ic_check.c, hv_utils_req.c), the char-device transport to the
 * daemons (hv_utils_transport.c) and the services (shutdown, heartbeat,
 * timesync with its PTP clock, KVP, VSS, fcopy).
 *
 * Wire layouts are the kernel's own <linux/hyperv.h> IC structs (every
 * kernel of the matrix has them); what 5.10 lacks (ICMSG_HDR and the version
 * count limit) is defined here under our own names. The host is untrusted:
 * every packet is read into a zeroed private buffer and checked by
 * hv_ic_parse() before any field is used.
 */
#ifndef _HV_UTILS_H
#define _HV_UTILS_H

#include <linux/hyperv.h>
#include <linux/types.h>

/* Pipe header + IC header: where the body of an IC message starts. */
#define HV_IC_HDR_LEN (sizeof(struct vmbuspipe_hdr) + sizeof(struct icmsg_hdr))

/* The file copy message type (5.10's <linux/hyperv.h> does not name it). */
#ifndef ICMSGTYPE_FCOPY
#define ICMSGTYPE_FCOPY 7
#endif

/* Most versions of each kind a negotiation request may list (as Linux). */
#define HV_IC_MAX_VER_COUNT 100

/*
 * Body bytes of a negotiation before the version array (the two counts and
 * the reserved word; not sizeof(), whose array has 1 element on 5.10).
 */
#define HV_IC_NEGO_FIXED_LEN offsetof(struct icmsg_negotiate, icversion_data)

/* icmsgsize of a negotiation answer: fixed part + one version of each kind. */
#define HV_IC_NEGO_ANSWER_LEN (HV_IC_NEGO_FIXED_LEN + 2 * sizeof(struct ic_version))

/* Flags of every answer. */
#define HV_IC_ANSWER_FLAGS (ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE)

/* A list of versions the guest supports, newest first. */
struct hv_ic_versions {
	const struct ic_version *list;
	unsigned int count;
};

/* One host packet after hv_ic_parse(): pointers into the private buffer. */
struct hv_ic_pkt {
	struct icmsg_hdr *hdr;
	u8 *body;
	u32 body_len;	/* body bytes present in the packet (not icmsgsize) */
};

/* What hv_ic_negotiate() made of a negotiation request. */
enum hv_ic_nego_result {
	HV_IC_NEGO_MATCH,	/* answer: 1/1 with the chosen versions */
	HV_IC_NEGO_NO_MATCH,	/* answer: 0/0 */
	HV_IC_NEGO_MALFORMED,	/* answer: HV_E_FAIL (0/0 where the counts fit) */
};

int hv_ic_parse(u8 *buf, u32 len, struct hv_ic_pkt *pkt);
enum hv_ic_nego_result hv_ic_negotiate(struct hv_ic_pkt *pkt,
				       const struct hv_ic_versions *fw,
				       const struct hv_ic_versions *msg,
				       struct ic_version *fw_chosen,
				       struct ic_version *msg_chosen);
bool hv_ic_version_eq(struct ic_version a, struct ic_version b);

struct hv_ic_dev;

/*
 * A host request whose answer waits on a daemon (or, for KVP's negotiation,
 * on a daemon registering): the packet is held, answered once, by the
 * daemon's reply or by the timeout, whichever comes first (hv_utils_req.c).
 */

/* handle() result: the request is held and answered later. */
#define HV_IC_ANSWER_LATER	0xffffffffu
/* answer status meaning "leave the held packet's status as it is" */
#define HV_IC_KEEP_STATUS	0xfffffffeu

/* What a held packet is. */
enum hv_ic_held_kind {
	HV_IC_HELD_NONE,
	HV_IC_HELD_NEGO,	/* a negotiation answer, sent as prepared */
	HV_IC_HELD_REQUEST,	/* a request, answered HV_E_FAIL on timeout */
};

/* Fill the held body before it goes back; returns the answer's status. */
typedef u32 (*hv_ic_fill_t)(void *ctx, u8 *body, u32 body_len);

/**
 * struct hv_ic_req - the one outstanding host request of a service
 * @lock: protects everything below (taken from the channel callback)
 * @buf: copy of the held packet (@buf_len bytes)
 * @buf_len: its size
 * @len: length of the held packet
 * @requestid: its VMBus transaction id
 * @kind: what is held, HV_IC_HELD_NONE when nothing
 * @closed: the channel is going away: hold nothing, send nothing
 * @deadline: jiffies at which the held packet times out
 * @timeout: runs at @deadline
 * @send: sends an answer on the channel
 * @send_ctx: passed to @send
 * @timed_out: optional, told (process context, no lock held) after a timeout
 *	answer went out
 * @ctx: passed to @timed_out
 * @answers: answers sent (after a daemon reply or a timeout)
 * @timeouts: of which timeouts
 */
struct hv_ic_req {
	spinlock_t lock;	/* protects the fields below */
	u8 *buf;
	u32 buf_len;
	u32 len;
	u64 requestid;
	enum hv_ic_held_kind kind;
	bool closed;
	unsigned long deadline;
	struct delayed_work timeout;
	int (*send)(void *ctx, void *buf, u32 len, u64 requestid);
	void *send_ctx;
	void (*timed_out)(void *ctx, enum hv_ic_held_kind kind);
	void *ctx;
	unsigned int answers;
	unsigned int timeouts;
};

int hv_ic_req_init(struct hv_ic_req *req, u32 buf_len,
		   int (*send)(void *ctx, void *buf, u32 len, u64 requestid), void *send_ctx,
		   void (*timed_out)(void *ctx, enum hv_ic_held_kind kind), void *ctx);
int hv_ic_req_hold(struct hv_ic_req *req, const u8 *pkt, u32 len, u64 requestid,
		   enum hv_ic_held_kind kind, unsigned int timeout_ms);
int hv_ic_req_answer(struct hv_ic_req *req, enum hv_ic_held_kind kind, u32 status,
		     hv_ic_fill_t fill, void *fill_ctx);
enum hv_ic_held_kind hv_ic_req_held(struct hv_ic_req *req);
void hv_ic_req_close(struct hv_ic_req *req);
void hv_ic_req_destroy(struct hv_ic_req *req);

/*
 * The char device a daemon talks through (/dev/vmbus/<name>): one opener,
 * one message queued towards it at a time (hv_utils_transport.c).
 */
struct hv_ut;

/**
 * struct hv_ut_ops - what the transport tells its service (process context)
 * @on_msg: the daemon wrote @len bytes; returns 0 or a negative errno for
 *	write() (never called after hv_ut_destroy() returned)
 * @on_read: optional, the daemon read the queued message
 * @on_reset: the daemon closed the device (a queued message is dropped)
 */
struct hv_ut_ops {
	int (*on_msg)(void *ctx, const void *msg, size_t len);
	void (*on_read)(void *ctx);
	void (*on_reset)(void *ctx);
};

struct hv_ut *hv_ut_create(const char *name, const struct hv_ut_ops *ops, void *ctx);
int hv_ut_send(struct hv_ut *ut, const void *msg, size_t len);
bool hv_ut_drop(struct hv_ut *ut);
void hv_ut_destroy(struct hv_ut *ut);

/**
 * struct hv_ic_service - one integration service
 * @name: name in the "<name> IC version M.m" log line (as Linux prints it)
 * @kind: what its requests are, for messages ("heartbeat")
 * @msgtype: the ICMSGTYPE_* of its requests
 * @fw: framework versions it accepts, newest first
 * @msg: message versions it accepts, newest first
 * @ring_size: size of each ring (0: the utilities' usual 12 KiB of data)
 * @min_body: body bytes a request needs under the negotiated version
 * @probe: set up the service's state (process context, channel not open)
 * @remove: tear it down (channel closed, no callback running)
 * @handle: act on a request whose body holds @min_body bytes; may rewrite
 *	the body; returns the status of the answer (channel callback context)
 * @answered: optional, after the answer went out: start what the request
 *	asked for (channel callback context: schedule work, do not sleep)
 * @hold_nego: optional, the negotiation answer must wait (KVP without a
 *	daemon): it is held, for at most *@timeout_ms
 * @held: optional, a request handle() answered HV_IC_ANSWER_LATER is now
 *	held (icdev->req): pass it to the daemon (channel callback context)
 * @stop: optional, before the channel closes: no more answers after it
 */
struct hv_ic_service {
	const char *name;
	const char *kind;
	u16 msgtype;
	struct hv_ic_versions fw;
	struct hv_ic_versions msg;
	u32 ring_size;
	u32 (*min_body)(const struct hv_ic_dev *icdev);
	int (*probe)(struct hv_ic_dev *icdev);
	void (*remove)(struct hv_ic_dev *icdev);
	u32 (*handle)(struct hv_ic_dev *icdev, u8 *body, u32 body_len);
	void (*answered)(struct hv_ic_dev *icdev);
	bool (*hold_nego)(struct hv_ic_dev *icdev, unsigned int *timeout_ms);
	void (*held)(struct hv_ic_dev *icdev);
	void (*stop)(struct hv_ic_dev *icdev);
};

/**
 * struct hv_ic_dev - a bound IC device
 * @hdev: the VMBus device
 * @svc: its service
 * @buf: private receive buffer, zeroed before each read
 * @buf_len: its size (the inbound ring's data size: any packet fits)
 * @negotiated: a negotiation succeeded; @fw_version/@msg_version are valid
 * @fw_version: negotiated framework version
 * @msg_version: negotiated message version
 * @req: the held request of a service that answers later (else NULL);
 *	handle() sets @req_timeout_ms when it answers HV_IC_ANSWER_LATER
 * @req_timeout_ms: how long the next held request may wait
 * @priv: the service's state
 */
struct hv_ic_dev {
	struct hv_device *hdev;
	const struct hv_ic_service *svc;
	u8 *buf;
	u32 buf_len;
	bool negotiated;
	struct ic_version fw_version;
	struct ic_version msg_version;
	struct hv_ic_req *req;
	unsigned int req_timeout_ms;
	void *priv;
};

int hv_ic_send(void *ctx, void *buf, u32 len, u64 requestid);

void hv_ic_channel_callback(void *context);

extern const struct hv_ic_service hv_ic_shutdown_service;
extern const struct hv_ic_service hv_ic_heartbeat_service;
extern const struct hv_ic_service hv_ic_timesync_service;
/* UTF-16LE <-> UTF-8 with explicit bounds (hv_utils_utf.c) */
int hv_utf16le_units(const u8 *in, u32 units);
int hv_utf16le_to_utf8(const u8 *in, u32 units, char *out, u32 out_size);
int hv_utf8_to_utf16le(const char *in, u32 in_size, u8 *out, u32 out_units);

/* KVP messages between the host and the daemon (hv_utils_kvp_msg.c) */
#define HV_KVP_DRV_VERSION "3.1"
u32 hv_kvp_to_daemon(const u8 *body, u32 body_len, struct hv_kvp_msg *out);
u32 hv_kvp_to_host(const struct hv_kvp_msg *reply, int reg_op, u8 *body, u32 body_len);

/* VSS and fcopy requests as the kernel sees them (hv_utils_vss_msg.c, hv_utils_fcopy_msg.c) */
u32 hv_vss_check(u8 *body, u32 body_len);
/* The largest message hv_utils passes to the fcopy daemon. */
#define HV_FCOPY_MAX_MSG sizeof(struct hv_do_fcopy)
u32 hv_fcopy_to_daemon(const u8 *body, u32 body_len, void *out, u32 *out_len);

extern const struct hv_ic_service hv_ic_kvp_service;
extern const struct hv_ic_service hv_ic_vss_service;
extern const struct hv_ic_service hv_ic_fcopy_service;

/* module parameters of the daemon-backed services (hv_utils_main.c) */
extern unsigned int hv_kvp_nego_wait_ms;
extern unsigned int hv_daemon_timeout_ms;
extern unsigned int hv_vss_freeze_timeout_ms;

/* timesync: the module parameter, and the PTP clock's view of the samples */
extern bool hv_timesync_implicit;

struct hv_timesync;
struct hv_ptp;
struct timespec64;

int hv_timesync_host_time(struct hv_timesync *ts, struct timespec64 *now);
struct hv_ptp *hv_ptp_register(struct hv_timesync *ts, struct device *parent);
void hv_ptp_unregister(struct hv_ptp *ptp);

#endif /* _HV_UTILS_H */
