/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils: the Hyper-V integration services (ICs) of the guest - internal
 * interfaces between the framework (hv_utils_main.c, hv_utils_ic.c,
 * hv_utils_ic_check.c) and the services (shutdown, heartbeat, timesync with
 * its PTP clock).
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

/**
 * struct hv_ic_service - one integration service
 * @name: name in the "<name> IC version M.m" log line (as Linux prints it)
 * @kind: what its requests are, for messages ("heartbeat")
 * @msgtype: the ICMSGTYPE_* of its requests
 * @fw: framework versions it accepts, newest first
 * @msg: message versions it accepts, newest first
 * @min_body: body bytes a request needs under the negotiated version
 * @probe: set up the service's state (process context, channel not open)
 * @remove: tear it down (channel closed, no callback running)
 * @handle: act on a request whose body holds @min_body bytes; may rewrite
 *	the body; returns the status of the answer (channel callback context)
 * @answered: optional, after the answer went out: start what the request
 *	asked for (channel callback context: schedule work, do not sleep)
 */
struct hv_ic_service {
	const char *name;
	const char *kind;
	u16 msgtype;
	struct hv_ic_versions fw;
	struct hv_ic_versions msg;
	u32 (*min_body)(const struct hv_ic_dev *icdev);
	int (*probe)(struct hv_ic_dev *icdev);
	void (*remove)(struct hv_ic_dev *icdev);
	u32 (*handle)(struct hv_ic_dev *icdev, u8 *body, u32 body_len);
	void (*answered)(struct hv_ic_dev *icdev);
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
	void *priv;
};

void hv_ic_channel_callback(void *context);

extern const struct hv_ic_service hv_ic_shutdown_service;
extern const struct hv_ic_service hv_ic_heartbeat_service;
extern const struct hv_ic_service hv_ic_timesync_service;

/* timesync: the module parameter, and the PTP clock's view of the samples */
extern bool hv_timesync_implicit;

struct hv_timesync;
struct hv_ptp;
struct timespec64;

int hv_timesync_host_time(struct hv_timesync *ts, struct timespec64 *now);
struct hv_ptp *hv_ptp_register(struct hv_timesync *ts, struct device *parent);
void hv_ptp_unregister(struct hv_ptp *ptp);

#endif /* _HV_UTILS_H */
