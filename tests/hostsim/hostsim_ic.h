/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the integration services (ICs): shutdown, timesync,
 * heartbeat, KVP (hostsim_ic_kvp.c), VSS (hostsim_ic_vss.c) and fcopy
 * (hostsim_ic_fcopy.c).
 *
 * Each IC device's channel is served by hvsim_ic_run_CLASS() (its class's
 * run handler). When the guest opens the channel the host sends a negotiation
 * with the versions configured for the class (defaults as OpenVMM/Hyper-V
 * offer them, docs/design/hv_utils.md §6.4), and accepts only a valid
 * answer: counts 1/1 naming versions it offered (or 0/0: no common
 * version, reported as such). Then it sends the requests the administrator
 * asks for (hvsim shutdown, heartbeat, time), one outstanding per channel,
 * each with a host-side timeout. Every IC packet is in-band, without a
 * completion request, its payload a pipe header {1, size} and the IC
 * message; the VMBus transaction id is the request's number, and the
 * guest's answer must carry it back. Answers are checked whole on the
 * host's private copy (include/hv/hv_ic_host.h); a bad one is counted,
 * logged and not believed, and its request fails.
 *
 * State per channel lives in struct hvsim_ic_chan, guarded by the
 * channel's lock (hostsim_chan.h); each (re)open of the channel starts a
 * new session with a new negotiation.
 */
#ifndef _HOSTSIM_IC_H
#define _HOSTSIM_IC_H

#include <linux/types.h>

#include "hv/hv_ic_host_kvp.h"
#include "hv/hv_ic_host_vss.h"
#include "hv/hv_ic_host_fcopy.h"
#include "hv/hv_ic_host_fault.h"

struct hvsim_chan;
struct seq_file;

/* Requests kept per channel to show (the outstanding one included). */
#define HVSIM_IC_HISTORY		16

/* Default host-side timeouts. */
#define HVSIM_IC_NEGOTIATE_TIMEOUT_MS	40000
#define HVSIM_IC_REQUEST_TIMEOUT_MS	40000
#define HVSIM_IC_MAX_TIMEOUT_MS		600000

enum hvsim_ic_kind {
	HVSIM_IC_NEGOTIATE,
	HVSIM_IC_SHUTDOWN,
	HVSIM_IC_HEARTBEAT,
	HVSIM_IC_TIME_SYNC,
	HVSIM_IC_TIME_SAMPLE,
	HVSIM_IC_KVP,
	HVSIM_IC_VSS,
	HVSIM_IC_FCOPY,
};

/* Most bytes the administrator stages in ic_input for one request. */
#define HVSIM_IC_INPUT_MAX	8192

enum hvsim_ic_req_state {
	HVSIM_IC_REQ_STAGED,	/* waits to be sent (ring full, or just made) */
	HVSIM_IC_REQ_SENT,	/* in the guest's ring, no answer yet */
	HVSIM_IC_REQ_ANSWERED,	/* a valid answer came */
	HVSIM_IC_REQ_TIMEOUT,	/* no answer within its timeout */
	HVSIM_IC_REQ_BAD,	/* the answer was malformed: not believed */
	HVSIM_IC_REQ_ABORTED,	/* the channel closed before the answer */
};

enum hvsim_ic_state {
	HVSIM_IC_NEGOTIATING,	/* negotiation sent or to send */
	HVSIM_IC_READY,		/* versions agreed */
	HVSIM_IC_NO_VERSION,	/* the guest answered 0/0 */
	HVSIM_IC_UNANSWERED,	/* the negotiation timed out */
	HVSIM_IC_REFUSED,	/* the guest's answer to it was malformed */
};

/**
 * struct hvsim_ic_req - one request of the host
 * @id:		its number on the channel, from 1; the VMBus transaction id
 * @kind:	what it asks
 * @state:	see enum hvsim_ic_req_state
 * @automatic:	the host's own periodic request, not the administrator's
 * @timeout_ms:	host-side timeout
 * @deadline:	jiffies when it times out (once sent)
 * @body_len:	body bytes to send, 0 for the full body (shorter bodies are
 *		for testing the guest's checks)
 * @flags:	shutdown flags (sent raw) or timesync flags
 * @reason:	shutdown reason code
 * @secs:	shutdown timeout in seconds
 * @offset_ns:	timesync: host time offset of the sample; fcopy: the file
 *		size (START) or the data's offset (WRITE)
 * @seq:	heartbeat: the sequence number sent
 * @fw:		framework version the request used or, for a negotiation,
 *		the one agreed
 * @msgver:	message version, likewise
 * @status:	the guest's status (valid once answered)
 * @answer_seq:	heartbeat: the sequence number answered
 * @op:		KVP, VSS: the operation (HV_IC_KVP_OP_*, HV_IC_VSS_OP_*)
 * @pool:	KVP: the pool
 * @value_type:	KVP SET: the value type; VSS: the answer's flags; fcopy:
 *		the copy flags (START) or the data's size (WRITE)
 * @index:	KVP ENUMERATE: the index; IP ops: family | dhcp << 8; VSS
 *		FREEZE: the LUNs in its table
 * @why:	why the answer was refused (state bad)
 * @fault:	the fault it was sent with (enum hv_ic_fault), HV_IC_FAULT_NONE
 */
struct hvsim_ic_req {
	u32 id;
	enum hvsim_ic_kind kind;
	enum hvsim_ic_req_state state;
	bool automatic;
	u32 timeout_ms;
	unsigned long deadline;
	u32 body_len;
	u32 flags;
	u32 reason;
	u32 secs;
	s64 offset_ns;
	u64 seq;
	u32 fw;
	u32 msgver;
	u32 status;
	u64 answer_seq;
	u8 op;
	u8 pool;
	u32 value_type;
	u32 index;
	const char *why;
	u8 fault;
};

/**
 * struct hvsim_ic_stats - a channel's IC counters (kept across sessions)
 * @sessions:	opens of the channel seen
 * @requests:	requests sent, negotiations included
 * @answers:	valid answers
 * @timeouts:	requests without an answer in time
 * @bad_answers: malformed answers (not believed)
 * @bad_pkts:	packets that were no IC answer at all (not in-band, too big)
 * @unsolicited: answers with no request outstanding or of another id
 * @aborted:	requests outstanding when the channel closed
 * @no_version:	negotiations answered 0/0
 * @faults_sent: requests sent spoiled by a fault (hv_ic_host_fault())
 */
struct hvsim_ic_stats {
	u64 sessions;
	u64 requests;
	u64 answers;
	u64 timeouts;
	u64 bad_answers;
	u64 bad_pkts;
	u64 unsolicited;
	u64 aborted;
	u64 no_version;
	u64 faults_sent;
};

/**
 * struct hvsim_ic_chan - the IC state of one relid
 * @service:	index into the IC service table, -1 when not an IC device
 * @opens_seen:	the channel's open count at the current session's start
 * @state:	see enum hvsim_ic_state
 * @fw:		agreed framework version (0 before)
 * @msgver:	agreed message version (0 before)
 * @offered:	what this session's negotiation offered
 * @hist:	the last requests, hist[n % HVSIM_IC_HISTORY] the newest
 * @n_hist:	requests made on the device so far
 * @cur:	the outstanding (staged or sent) request, or NULL
 * @hb_seq:	next heartbeat sequence number
 * @auto_next:	jiffies of the next periodic request
 * @last_bad:	why the last bad answer or packet was refused, or NULL
 * @stats:	counters
 * @answer:	the last valid answer that carries data (KVP), a private copy
 *		allocated at the first such request, or NULL
 * @answer_id:	the request @answer answers (0: none)
 * @answer_len:	its length
 * @fault:	the fault for the next requests (enum hv_ic_fault), kept
 *		across sessions until spent or cleared
 * @fault_left:	how many requests it still spoils
 * @fault_variant: the variant of @fault the next one gets
 * @tx:		the request being written (a request with a payload is laid
 *		out here when the command is given, and stays until the next)
 */
struct hvsim_ic_chan {
	int service;
	u64 opens_seen;
	enum hvsim_ic_state state;
	u32 fw;
	u32 msgver;
	struct hv_ic_host_versions offered;
	struct hvsim_ic_req hist[HVSIM_IC_HISTORY];
	u32 n_hist;
	struct hvsim_ic_req *cur;
	u64 hb_seq;
	unsigned long auto_next;
	const char *last_bad;
	struct hvsim_ic_stats stats;
	u8 *answer;
	u32 answer_id;
	u32 answer_len;
	u8 fault;
	u32 fault_left;
	u32 fault_variant;
	u8 tx[ALIGN(HV_IC_HOST_MAX_REQUEST, 8)];
};

/* hostsim_ic.c: the run handlers of the IC classes, and the rest */
void hvsim_ic_run_shutdown(struct hvsim_chan *c);
void hvsim_ic_run_timesync(struct hvsim_chan *c);
void hvsim_ic_run_heartbeat(struct hvsim_chan *c);
void hvsim_ic_run_kvp(struct hvsim_chan *c);
void hvsim_ic_run_vss(struct hvsim_chan *c);
void hvsim_ic_run_fcopy(struct hvsim_chan *c);
void hvsim_ic_forget(u32 relid);
void hvsim_ic_exit(void);
int hvsim_cmd_ic(int argc, char **argv);
int hvsim_ic_cmd_fault(u32 relid, int argc, char **argv);
bool hvsim_ic_is_ic_class(const struct hvsim_class *class);
int hvsim_ic_parse_keys(int argc, char **argv, int first, u32 *relid, u32 *tmo,
			int (*other)(const char *key, char *val, void *arg), void *arg);
int hvsim_ic_show(struct seq_file *s);
int hvsim_ic_requests_show(struct seq_file *s);
int hvsim_ic_config_show(struct seq_file *s);
void hvsim_ic_init(void);

/* hostsim_ic_services.c: the request bodies and answer checks per service */
u32 hvsim_ic_build_request(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r);
const char *hvsim_ic_check_reply(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
				 const u8 *buf, u32 len);
const char *hvsim_ic_kind_name(enum hvsim_ic_kind kind);

/* hostsim_ic_kvp.c: KVP requests, their answers, the staged input */
int hvsim_ic_kvp_stage(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
		       struct hv_ic_kvp_input *in);
int hvsim_ic_kvp_parse(int argc, char **argv, struct hv_ic_kvp_input *in, u32 *relid,
		       u32 *tmo);
const char *hvsim_ic_kvp_check(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
			       const u8 *buf, u32 len);
void hvsim_ic_kvp_show(struct seq_file *s, const struct hvsim_ic_chan *ic,
		       const struct hvsim_ic_req *r);
ssize_t hvsim_ic_input_write(const char __user *ubuf, size_t count, loff_t *ppos);
const char *hvsim_ic_input_take(u32 *len);

/* hostsim_ic_vss.c: VSS requests and their answers */
int hvsim_ic_vss_parse(int argc, char **argv, u8 *op, u32 *luns, u32 *relid, u32 *tmo);
int hvsim_ic_vss_stage(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r, u8 op, u32 luns);
const char *hvsim_ic_vss_check(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
			       const u8 *buf, u32 len);
void hvsim_ic_vss_show(struct seq_file *s, const struct hvsim_ic_req *r);

/**
 * struct hvsim_ic_fcopy_args - an fcopy command
 * @op:		HV_IC_FCOPY_*
 * @flags:	START: copy flags
 * @size:	START: file size
 * @offset:	WRITE: offset
 * @input:	the staged bytes (START: NAME NUL DIR NUL; WRITE: data)
 * @input_len:	their length
 */
struct hvsim_ic_fcopy_args {
	u32 op;
	u32 flags;
	u64 size;
	u64 offset;
	const char *input;
	u32 input_len;
};

/* hostsim_ic_fcopy.c: fcopy requests and their answers */
int hvsim_ic_fcopy_parse(int argc, char **argv, struct hvsim_ic_fcopy_args *a, u32 *relid,
			 u32 *tmo);
int hvsim_ic_fcopy_stage(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
			 const struct hvsim_ic_fcopy_args *a);
const char *hvsim_ic_fcopy_check(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
				 const u8 *buf, u32 len);
void hvsim_ic_fcopy_show(struct seq_file *s, const struct hvsim_ic_req *r);

/* hostsim_ic_refclock.c: the guest's Hyper-V reference counter */
int hvsim_refclock_init(void);
void hvsim_refclock_exit(void);
u64 hvsim_refclock_now(void);
s64 hvsim_refclock_skew(void);
void hvsim_refclock_set_skew(s64 skew_100ns);
u64 hvsim_host_time_100ns(s64 offset_ns);
s32 hvsim_host_drift_ppm(void);
int hvsim_host_set_drift(s32 ppm);

#endif /* _HOSTSIM_IC_H */
