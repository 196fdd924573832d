// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC framework of the host (hostsim_ic.h): sessions, negotiation,
 * requests with transaction tracking and timeouts, the "ic" commands of
 * the control file and the IC files in debugfs.
 *
 * Control commands (hostsim_control.c passes "ic ..." here):
 *   ic versions CLASS fw=M.m[,M.m...] msg=M.m[,M.m...] | default
 *                         what the host offers from the next negotiation
 *   ic shutdown [relid=N] [flags=F] [reason=R] [secs=S] [len=L] [tmo=MS]
 *   ic heartbeat [relid=N] [seq=N] [len=L] [tmo=MS]
 *   ic sync|sample [relid=N] [offset=NS] [tmo=MS]
 *                         a request on RELID, or on the first open channel
 *                         of the class with agreed versions; fails with
 *                         -EBUSY while that channel has a request
 *                         outstanding; last_ic then says "RELID ID"
 *   ic auto heartbeat|timesync PERIOD_MS
 *                         the host's periodic heartbeats or SAMPLEs on every
 *                         channel of the class (0: off)
 *   ic skew NS            the reference counter's skew (hostsim_ic_refclock.c)
 *   ic drift PPM          the host clock's rate against the guest's, parts
 *                         per million added (hostsim_ic_refclock.c)
 *   ic kvp OP ...         a KVP request, its strings staged in ic_input
 *                         (hostsim_ic_kvp.c)
 *   ic vss OP ...         a VSS request (hostsim_ic_vss.c)
 *   ic fcopy OP ...       an fcopy request, its strings or data staged in
 *                         ic_input (hostsim_ic_fcopy.c)
 * Numbers are decimal, or hex with 0x (flags, reason).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "hv/hv_ic_host_clock.h"
#include "hostsim.h"

/* Most requests one IC fault spoils. */
#define HVSIM_IC_MAX_FAULTS	1000

/* The largest answer the host reads: the guest echoes the request. */
#define HVSIM_IC_MAX_ANSWER	(16U << 10)

/**
 * struct hvsim_ic_service - one IC service of the host
 * @name:	its class's name
 * @msgtype:	its message type
 * @defaults:	versions offered by default
 * @offer:	versions offered now (under hvsim_ic_cfg_lock)
 * @auto_ms:	period of the host's own requests, 0 for none (same lock)
 */
struct hvsim_ic_service {
	const char *name;
	u16 msgtype;
	struct hv_ic_host_versions defaults;
	struct hv_ic_host_versions offer;
	u32 auto_ms;
};

#define HVSIM_IC_FW	.fw = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0) }, .n_fw = 2

enum {
	HVSIM_IC_SHUTDOWN_SVC,
	HVSIM_IC_TIMESYNC_SVC,
	HVSIM_IC_HEARTBEAT_SVC,
	HVSIM_IC_KVP_SVC,
	HVSIM_IC_VSS_SVC,
	HVSIM_IC_FCOPY_SVC,
	HVSIM_IC_N_SVC,
};

/* Offered as §6.4 of docs/design/hv_utils.md says, ascending as OpenVMM. */
static struct hvsim_ic_service hvsim_ic_services[HVSIM_IC_N_SVC] = {
	[HVSIM_IC_SHUTDOWN_SVC] = { "shutdown", HV_IC_MSG_SHUTDOWN, { HVSIM_IC_FW,
		.msg = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0), HV_IC_VERSION(3, 1),
			 HV_IC_VERSION(3, 2) }, .n_msg = 4 } },
	[HVSIM_IC_TIMESYNC_SVC] = { "timesync", HV_IC_MSG_TIMESYNC, { HVSIM_IC_FW,
		.msg = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0), HV_IC_VERSION(4, 0) },
		.n_msg = 3 } },
	[HVSIM_IC_HEARTBEAT_SVC] = { "heartbeat", HV_IC_MSG_HEARTBEAT, { HVSIM_IC_FW,
		.msg = { HV_IC_VERSION(1, 0), HV_IC_VERSION(3, 0) }, .n_msg = 2 } },
	[HVSIM_IC_KVP_SVC] = { "kvp", HV_IC_MSG_KVP, { HVSIM_IC_FW,
		.msg = { HV_IC_VERSION(3, 0), HV_IC_VERSION(4, 0), HV_IC_VERSION(5, 0) },
		.n_msg = 3 } },
	[HVSIM_IC_VSS_SVC] = { "vss", HV_IC_MSG_VSS, { HVSIM_IC_FW,
		.msg = { HV_IC_VERSION(4, 0), HV_IC_VERSION(5, 0) }, .n_msg = 2 } },
	[HVSIM_IC_FCOPY_SVC] = { "fcopy", HV_IC_MSG_FCOPY, { HVSIM_IC_FW,
		.msg = { HV_IC_VERSION(1, 1) }, .n_msg = 1 } },
};

/* Guards the services' offer and auto_ms; after a channel's lock. */
static DEFINE_MUTEX(hvsim_ic_cfg_lock);

/* Per relid; each guarded by the lock of hvsim.chans[relid - 1]. */
static struct hvsim_ic_chan hvsim_ic_chans[HVSIM_MAX_DEVICES];

/* Kicks each channel's work when a deadline or a periodic request is due. */
static struct delayed_work hvsim_ic_ticks[HVSIM_MAX_DEVICES];

/* The request the last command made (hvsim.lock). */
static u32 hvsim_ic_last_relid, hvsim_ic_last_id;

static const char * const hvsim_ic_req_states[] = {
	[HVSIM_IC_REQ_STAGED] = "staged",
	[HVSIM_IC_REQ_SENT] = "sent",
	[HVSIM_IC_REQ_ANSWERED] = "answered",
	[HVSIM_IC_REQ_TIMEOUT] = "timeout",
	[HVSIM_IC_REQ_BAD] = "bad",
	[HVSIM_IC_REQ_ABORTED] = "aborted",
};

static const char * const hvsim_ic_states[] = {
	[HVSIM_IC_NEGOTIATING] = "negotiating",
	[HVSIM_IC_READY] = "ready",
	[HVSIM_IC_NO_VERSION] = "no-common-version",
	[HVSIM_IC_UNANSWERED] = "unanswered",
	[HVSIM_IC_REFUSED] = "refused",
};

static int hvsim_ic_service_of(const struct hvsim_class *class)
{
	int i;

	for (i = 0; i < HVSIM_IC_N_SVC; i++)
		if (!strcmp(class->name, hvsim_ic_services[i].name))
			return i;
	return -1;
}

/**
 * hvsim_ic_is_ic_class() - whether a device class is an IC the host serves
 * @class: the class
 *
 * Return: true for shutdown, timesync, heartbeat, kvp, vss and fcopy.
 */
bool hvsim_ic_is_ic_class(const struct hvsim_class *class)
{
	return hvsim_ic_service_of(class) >= 0;
}

static void hvsim_ic_tick(struct work_struct *work)
{
	unsigned int i = to_delayed_work(work) - hvsim_ic_ticks;

	queue_delayed_work(hvsim.chan_wq, &hvsim.chans[i].work, 0);
}

/* A new request on @ic, staged to be sent; NULL while one is outstanding. */
static struct hvsim_ic_req *hvsim_ic_new_req(struct hvsim_ic_chan *ic,
					     enum hvsim_ic_kind kind, bool automatic)
{
	struct hvsim_ic_req *r;

	if (ic->cur)
		return NULL;
	r = &ic->hist[ic->n_hist % HVSIM_IC_HISTORY];
	memset(r, 0, sizeof(*r));
	r->id = ++ic->n_hist;
	r->kind = kind;
	r->state = HVSIM_IC_REQ_STAGED;
	r->automatic = automatic;
	r->timeout_ms = kind == HVSIM_IC_NEGOTIATE ? HVSIM_IC_NEGOTIATE_TIMEOUT_MS :
						     HVSIM_IC_REQUEST_TIMEOUT_MS;
	r->fw = ic->fw;
	r->msgver = ic->msgver;
	ic->cur = r;
	return r;
}

/* End the outstanding request in @state. */
static void hvsim_ic_end_req(struct hvsim_ic_chan *ic, enum hvsim_ic_req_state state)
{
	struct hvsim_ic_req *r = ic->cur;

	r->state = state;
	ic->cur = NULL;
	if (r->kind != HVSIM_IC_NEGOTIATE)
		return;
	if (state == HVSIM_IC_REQ_TIMEOUT)
		ic->state = HVSIM_IC_UNANSWERED;
	else if (state == HVSIM_IC_REQ_BAD)
		ic->state = HVSIM_IC_REFUSED;
}

/* Time the outstanding request out if its deadline passed. */
static void hvsim_ic_expire(struct hvsim_ic_chan *ic, u32 relid)
{
	struct hvsim_ic_req *r = ic->cur;

	if (!r || r->state != HVSIM_IC_REQ_SENT || time_before(jiffies, r->deadline))
		return;
	ic->stats.timeouts++;
	pr_info("relid %u: IC %s request %u unanswered after %u ms\n", relid,
		hvsim_ic_kind_name(r->kind), r->id, r->timeout_ms);
	hvsim_ic_end_req(ic, HVSIM_IC_REQ_TIMEOUT);
}

/* The channel was (re)opened: a new session starts with a negotiation. */
static void hvsim_ic_new_session(struct hvsim_chan *c, struct hvsim_ic_chan *ic, int svc)
{
	if (ic->cur) {
		ic->stats.aborted++;
		hvsim_ic_end_req(ic, HVSIM_IC_REQ_ABORTED);
	}
	ic->service = svc;
	ic->opens_seen = c->stats.opens;
	ic->stats.sessions++;
	ic->state = HVSIM_IC_NEGOTIATING;
	ic->fw = 0;
	ic->msgver = 0;
	mutex_lock(&hvsim_ic_cfg_lock);
	ic->offered = hvsim_ic_services[svc].offer;
	mutex_unlock(&hvsim_ic_cfg_lock);
	hvsim_ic_new_req(ic, HVSIM_IC_NEGOTIATE, true);
	ic->auto_next = jiffies;
}

static void hvsim_ic_bad(struct hvsim_chan *c, struct hvsim_ic_chan *ic, const char *why,
			 u64 trans_id)
{
	ic->last_bad = why;
	c->stats.bad_pkts++;
	pr_warn_ratelimited("relid %u: bad IC answer (transaction %#llx) from the guest: %s\n",
			    c->relid, trans_id, why);
}

/* One packet of the guest, @len bytes with descriptor @desc. */
static void hvsim_ic_packet(struct hvsim_chan *c, struct hvsim_ic_chan *ic,
			    const struct vmpacket_descriptor *desc, u32 len)
{
	u32 off = desc->offset8 * 8, plen = len - off;
	struct hvsim_ic_req *r = ic->cur;
	const char *why;

	if (desc->type != VM_PKT_DATA_INBAND || desc->flags || plen > HVSIM_IC_MAX_ANSWER) {
		ic->stats.bad_pkts++;
		hvsim_ic_bad(c, ic, desc->type != VM_PKT_DATA_INBAND ? "not an in-band packet" :
			     desc->flags ? "an answer asking for a completion" :
			     "longer than any request the host sends", desc->trans_id);
		if (r && r->state == HVSIM_IC_REQ_SENT && desc->trans_id == r->id) {
			r->why = ic->last_bad;
			ic->stats.bad_answers++;
			hvsim_ic_end_req(ic, HVSIM_IC_REQ_BAD);
		}
		return;
	}
	if (!r || r->state != HVSIM_IC_REQ_SENT || desc->trans_id != r->id) {
		ic->stats.unsolicited++;
		hvsim_ic_bad(c, ic, "an answer to no outstanding request", desc->trans_id);
		return;
	}
	hvsim_ring_copy_pkt(&c->in, c->pkt, off, plen);
	why = hvsim_ic_check_reply(ic, r, c->pkt, plen);
	if (why) {
		r->why = why;
		ic->stats.bad_answers++;
		hvsim_ic_bad(c, ic, why, desc->trans_id);
		hvsim_ic_end_req(ic, HVSIM_IC_REQ_BAD);
		return;
	}
	ic->stats.answers++;
	if (r->kind == HVSIM_IC_NEGOTIATE) {
		if (r->fw) {
			ic->state = HVSIM_IC_READY;
			ic->fw = r->fw;
			ic->msgver = r->msgver;
			pr_info("relid %u: %s IC agreed: framework %u.%u, message %u.%u\n",
				c->relid, hvsim_ic_services[ic->service].name,
				HV_IC_VERSION_MAJOR(r->fw), HV_IC_VERSION_MINOR(r->fw),
				HV_IC_VERSION_MAJOR(r->msgver), HV_IC_VERSION_MINOR(r->msgver));
		} else {
			ic->state = HVSIM_IC_NO_VERSION;
			ic->stats.no_version++;
			pr_info("relid %u: %s IC: no common version\n", c->relid,
				hvsim_ic_services[ic->service].name);
		}
	}
	hvsim_ic_end_req(ic, HVSIM_IC_REQ_ANSWERED);
}

/*
 * Spoil the request just built in ic->tx with the channel's fault, if it
 * has one that applies: *plen becomes the payload's length; returns the
 * zero bytes to send after it. Spent only when the request goes out, so a
 * request that waits for ring room is not spoiled twice: it is built anew
 * each time (hvsim_ic_send()).
 */
static u32 hvsim_ic_spoil(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r, u32 *plen)
{
	u32 len, zeros;

	r->fault = HV_IC_FAULT_NONE;
	if (!ic->fault_left)
		return 0;
	len = hv_ic_host_fault(ic->tx, *plen, ic->fault, ic->fault_variant, &zeros);
	if (!len)
		return 0;
	r->fault = ic->fault;
	*plen = len;
	return zeros;
}

/* The spoiled request went out: count it, spend the fault. */
static void hvsim_ic_spoiled(struct hvsim_chan *c, struct hvsim_ic_chan *ic,
			     struct hvsim_ic_req *r)
{
	if (r->fault == HV_IC_FAULT_NONE)
		return;
	ic->stats.faults_sent++;
	ic->fault_variant++;
	if (!--ic->fault_left)
		ic->fault = HV_IC_FAULT_NONE;
	pr_info("relid %u: IC %s request %u sent with fault %s\n", c->relid,
		hvsim_ic_kind_name(r->kind), r->id, hv_ic_faults[r->fault].name);
}

/* Send the staged request if the ring has room. */
static void hvsim_ic_send(struct hvsim_chan *c, struct hvsim_ic_chan *ic)
{
	struct hvsim_ic_req *r = ic->cur;
	struct vmpacket_descriptor desc = {};
	u32 plen, total, zeros;
	int ret;

	if (!r || r->state != HVSIM_IC_REQ_STAGED)
		return;
	plen = hvsim_ic_build_request(ic, r);
	zeros = hvsim_ic_spoil(ic, r, &plen);
	total = sizeof(desc) + ALIGN(plen + zeros, 8);
	ret = hvsim_chan_out_begin(c, total);
	if (ret == -ENOSPC)
		return;	/* the guest signals when there is room */
	if (ret) {
		r->why = ret == -EMSGSIZE ? "the request does not fit the guest's ring" :
					    "the host-to-guest ring is broken";
		ic->stats.aborted++;
		hvsim_ic_end_req(ic, HVSIM_IC_REQ_ABORTED);
		return;
	}
	desc.type = VM_PKT_DATA_INBAND;
	desc.offset8 = sizeof(desc) / 8;
	desc.len8 = total / 8;
	desc.flags = 0;
	desc.trans_id = r->id;
	hvsim_ring_write(&c->out, &desc, sizeof(desc));
	hvsim_ring_write(&c->out, ic->tx, plen);
	hvsim_ring_write_zeros(&c->out, ALIGN(plen + zeros, 8) - plen);
	hvsim_chan_out_end(c, total);
	r->state = HVSIM_IC_REQ_SENT;
	r->deadline = jiffies + msecs_to_jiffies(r->timeout_ms);
	ic->stats.requests++;
	hvsim_ic_spoiled(c, ic, r);
}

/* The host's own requests: SYNC after negotiation, periodic ones. */
static void hvsim_ic_automatic(struct hvsim_ic_chan *ic)
{
	struct hvsim_ic_req *r;
	u32 period;

	if (ic->cur || ic->state != HVSIM_IC_READY)
		return;
	if (ic->service == HVSIM_IC_TIMESYNC_SVC &&
	    ic->hist[(ic->n_hist - 1) % HVSIM_IC_HISTORY].kind == HVSIM_IC_NEGOTIATE) {
		/* as OpenVMM: one SYNC right after the negotiation */
		r = hvsim_ic_new_req(ic, HVSIM_IC_TIME_SYNC, true);
		r->flags = HV_IC_TIMESYNC_SYNC;
		return;
	}
	mutex_lock(&hvsim_ic_cfg_lock);
	period = hvsim_ic_services[ic->service].auto_ms;
	mutex_unlock(&hvsim_ic_cfg_lock);
	if (!period || time_before(jiffies, ic->auto_next))
		return;
	ic->auto_next = jiffies + msecs_to_jiffies(period);
	if (ic->service == HVSIM_IC_TIMESYNC_SVC) {
		r = hvsim_ic_new_req(ic, HVSIM_IC_TIME_SAMPLE, true);
		r->flags = HV_IC_TIMESYNC_SAMPLE;
	} else if (ic->service == HVSIM_IC_HEARTBEAT_SVC) {
		r = hvsim_ic_new_req(ic, HVSIM_IC_HEARTBEAT, true);
		r->seq = ic->hb_seq++;
	}
}

/* Come back when the outstanding request times out or a periodic one is due. */
static void hvsim_ic_rearm(struct hvsim_chan *c, struct hvsim_ic_chan *ic)
{
	unsigned long now = jiffies, when = 0;
	u32 period;

	if (ic->cur && ic->cur->state == HVSIM_IC_REQ_SENT) {
		when = ic->cur->deadline;
	} else if (!ic->cur && ic->state == HVSIM_IC_READY) {
		mutex_lock(&hvsim_ic_cfg_lock);
		period = hvsim_ic_services[ic->service].auto_ms;
		mutex_unlock(&hvsim_ic_cfg_lock);
		if (period)
			when = ic->auto_next;
	}
	if (when)
		mod_delayed_work(system_wq, &hvsim_ic_ticks[c->relid - 1],
				 time_after(when, now) ? when - now + 1 : 1);
}

static void hvsim_ic_run_svc(struct hvsim_chan *c, int svc)
{
	struct hvsim_ic_chan *ic = &hvsim_ic_chans[c->relid - 1];
	unsigned int budget = HVSIM_CHAN_BATCH;
	struct vmpacket_descriptor desc;
	const char *why;
	int len;

	lockdep_assert_held(&c->lock);
	if (ic->service != svc || ic->opens_seen != c->stats.opens)
		hvsim_ic_new_session(c, ic, svc);
	for (;;) {
		len = hvsim_ring_peek(&c->in, &desc, &why);
		if (len == -ENODATA) {
			/* publish, then look again: the guest may have written meanwhile */
			if (hvsim_chan_publish_in(c))
				continue;
			break;
		}
		if (len < 0) {
			hvsim_chan_break(c, why);
			if (ic->cur) {
				ic->cur->why = "the guest-to-host ring is broken";
				ic->stats.aborted++;
				hvsim_ic_end_req(ic, HVSIM_IC_REQ_ABORTED);
			}
			return;
		}
		if (!budget--) {
			queue_delayed_work(hvsim.chan_wq, &c->work, 0);
			break;
		}
		hvsim_ic_packet(c, ic, &desc, len);
		hvsim_ring_consume(&c->in, len);
		c->stats.pkts_in++;
		c->stats.bytes_in += len;
	}
	hvsim_ic_expire(ic, c->relid);
	hvsim_ic_automatic(ic);
	hvsim_ic_send(c, ic);
	if (!c->broken)
		hvsim_chan_publish_in(c);
	hvsim_ic_rearm(c, ic);
}

/* The run handlers of the IC classes (struct hvsim_class.run). */
void hvsim_ic_run_shutdown(struct hvsim_chan *c)
{
	hvsim_ic_run_svc(c, HVSIM_IC_SHUTDOWN_SVC);
}

void hvsim_ic_run_timesync(struct hvsim_chan *c)
{
	hvsim_ic_run_svc(c, HVSIM_IC_TIMESYNC_SVC);
}

void hvsim_ic_run_heartbeat(struct hvsim_chan *c)
{
	hvsim_ic_run_svc(c, HVSIM_IC_HEARTBEAT_SVC);
}

void hvsim_ic_run_kvp(struct hvsim_chan *c)
{
	hvsim_ic_run_svc(c, HVSIM_IC_KVP_SVC);
}

void hvsim_ic_run_vss(struct hvsim_chan *c)
{
	hvsim_ic_run_svc(c, HVSIM_IC_VSS_SVC);
}

void hvsim_ic_run_fcopy(struct hvsim_chan *c)
{
	hvsim_ic_run_svc(c, HVSIM_IC_FCOPY_SVC);
}

/**
 * hvsim_ic_forget() - a device left the table: forget its relid's IC state
 * @relid: the relid
 *
 * Called with the channel's lock held (hvsim_chan_forget()).
 */
void hvsim_ic_forget(u32 relid)
{
	struct hvsim_ic_chan *ic;

	if (relid < 1 || relid > HVSIM_MAX_DEVICES)
		return;
	ic = &hvsim_ic_chans[relid - 1];
	kvfree(ic->answer);
	memset(ic, 0, sizeof(*ic));
	ic->service = -1;
	ic->hb_seq = 1;
}

/**
 * hvsim_ic_init() - set the IC state up at module load
 */
void hvsim_ic_init(void)
{
	unsigned int i;

	for (i = 0; i < HVSIM_IC_N_SVC; i++)
		hvsim_ic_services[i].offer = hvsim_ic_services[i].defaults;
	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		hvsim_ic_forget(i + 1);
		INIT_DELAYED_WORK(&hvsim_ic_ticks[i], hvsim_ic_tick);
	}
}

/**
 * hvsim_ic_exit() - stop the IC timers at module unload
 *
 * Called once no channel runs any more, before the channel work queue goes.
 */
void hvsim_ic_exit(void)
{
	unsigned int i;

	for (i = 0; i < HVSIM_MAX_DEVICES; i++) {
		cancel_delayed_work_sync(&hvsim_ic_ticks[i]);
		kvfree(hvsim_ic_chans[i].answer);
		hvsim_ic_chans[i].answer = NULL;
	}
}

/* ---- control commands (hvsim.lock held) ---------------------------------- */

static int hvsim_ic_service_by_name(const char *name)
{
	int i;

	for (i = 0; i < HVSIM_IC_N_SVC; i++)
		if (!strcmp(name, hvsim_ic_services[i].name))
			return i;
	hvsim_cmd_fail("'%s' is no IC class (shutdown, timesync, heartbeat, kvp, vss, fcopy)",
		       name);
	return -1;
}

static int hvsim_ic_cmd_versions(int argc, char **argv)
{
	struct hv_ic_host_versions v = {};
	int svc, i;

	if (argc < 4) {
		hvsim_cmd_fail("usage: ic versions CLASS fw=LIST msg=LIST | default");
		return -EINVAL;
	}
	svc = hvsim_ic_service_by_name(argv[2]);
	if (svc < 0)
		return -EINVAL;
	if (argc == 4 && !strcmp(argv[3], "default")) {
		v = hvsim_ic_services[svc].defaults;
	} else {
		for (i = 3; i < argc; i++) {
			if (!strncmp(argv[i], "fw=", 3) && !v.n_fw &&
			    !hv_ic_host_parse_versions(argv[i] + 3, v.fw, &v.n_fw))
				continue;
			if (!strncmp(argv[i], "msg=", 4) && !v.n_msg &&
			    !hv_ic_host_parse_versions(argv[i] + 4, v.msg, &v.n_msg))
				continue;
			hvsim_cmd_fail("bad version list '%s': want %s, 1 to %d versions each",
				       argv[i], "fw=M.m[,M.m...] and msg=M.m[,M.m...]",
				       HV_IC_HOST_MAX_VERSIONS);
			return -EINVAL;
		}
		if (!v.n_fw || !v.n_msg) {
			hvsim_cmd_fail("usage: ic versions CLASS fw=LIST msg=LIST | default");
			return -EINVAL;
		}
	}
	mutex_lock(&hvsim_ic_cfg_lock);
	hvsim_ic_services[svc].offer = v;
	mutex_unlock(&hvsim_ic_cfg_lock);
	return 0;
}

static int hvsim_ic_cmd_auto(int argc, char **argv)
{
	int svc;
	u32 ms;

	if (argc != 4) {
		hvsim_cmd_fail("usage: ic auto heartbeat|timesync PERIOD_MS");
		return -EINVAL;
	}
	svc = hvsim_ic_service_by_name(argv[2]);
	if (svc < 0)
		return -EINVAL;
	if (svc != HVSIM_IC_HEARTBEAT_SVC && svc != HVSIM_IC_TIMESYNC_SVC) {
		hvsim_cmd_fail("only heartbeat and timesync have periodic requests");
		return -EINVAL;
	}
	if (kstrtou32(argv[3], 10, &ms) || (ms && (ms < 10 || ms > HVSIM_IC_MAX_TIMEOUT_MS))) {
		hvsim_cmd_fail("bad period '%s': want 0 (off) or 10 to %u ms", argv[3],
			       HVSIM_IC_MAX_TIMEOUT_MS);
		return -EINVAL;
	}
	mutex_lock(&hvsim_ic_cfg_lock);
	hvsim_ic_services[svc].auto_ms = ms;
	mutex_unlock(&hvsim_ic_cfg_lock);
	/* let every channel of the class look at it now */
	for (svc = 0; svc < HVSIM_MAX_DEVICES; svc++)
		if (hvsim.chans[svc].open)
			queue_delayed_work(hvsim.chan_wq, &hvsim.chans[svc].work, 0);
	return 0;
}

static int hvsim_ic_cmd_skew(int argc, char **argv)
{
	s64 ns;

	if (argc != 3 || kstrtos64(argv[2], 10, &ns) ||
	    ns < -(s64)3600 * NSEC_PER_SEC * 24 * 365 || ns > (s64)3600 * NSEC_PER_SEC * 24 * 365) {
		hvsim_cmd_fail("usage: ic skew NS (at most a year either way)");
		return -EINVAL;
	}
	hvsim_refclock_set_skew(div_s64(ns, 100));
	return 0;
}

static int hvsim_ic_cmd_drift(int argc, char **argv)
{
	s32 ppm;

	if (argc != 3 || kstrtos32(argv[2], 10, &ppm) || hvsim_host_set_drift(ppm)) {
		hvsim_cmd_fail("usage: ic drift PPM (at most %d either way)",
			       HV_IC_HOST_MAX_DRIFT_PPM);
		return -EINVAL;
	}
	return 0;
}

/**
 * hvsim_ic_parse_keys() - parse the key=value words of an "ic" command
 * @argc: number of words
 * @argv: the words, "ic" first
 * @first: the first key=value word
 * @relid: relid=, 0 if not given
 * @tmo: tmo=, HVSIM_IC_REQUEST_TIMEOUT_MS if not given
 * @other: the caller's parser of its own keys: 0 when taken, -ENOENT for a
 *	key it does not know, another value for a bad value (may be NULL)
 * @arg: passed to @other
 *
 * relid= and tmo= (1 to HVSIM_IC_MAX_TIMEOUT_MS) are common to every
 * request; a word without '=', or an unknown key, is refused as "bad
 * parameter", a bad value as "bad value", with the reason in last_error.
 *
 * Return: 0 or -EINVAL.
 */
int hvsim_ic_parse_keys(int argc, char **argv, int first, u32 *relid, u32 *tmo,
			int (*other)(const char *key, char *val, void *arg), void *arg)
{
	char *val;
	int i, ret;

	*relid = 0;
	*tmo = HVSIM_IC_REQUEST_TIMEOUT_MS;
	for (i = first; i < argc; i++) {
		val = strchr(argv[i], '=');
		if (!val)
			goto bad;
		*val++ = '\0';
		if (!strcmp(argv[i], "relid"))
			ret = kstrtou32(val, 10, relid);
		else if (!strcmp(argv[i], "tmo"))
			ret = kstrtou32(val, 10, tmo) ?: (!*tmo || *tmo > HVSIM_IC_MAX_TIMEOUT_MS);
		else
			ret = other ? other(argv[i], val, arg) : -ENOENT;
		if (ret == -ENOENT)
			goto bad;
		if (ret) {
			hvsim_cmd_fail("bad value '%s' for %s", val, argv[i]);
			return -EINVAL;
		}
	}
	return 0;
bad:
	hvsim_cmd_fail("bad parameter '%s' for ic %s", argv[i], argv[1]);
	return -EINVAL;
}

/* The parameters of a shutdown, heartbeat or time request. */
struct hvsim_ic_params {
	enum hvsim_ic_kind kind;
	u32 relid;
	u32 flags;
	u32 reason;
	u32 secs;
	u32 len;
	u32 tmo;
	u64 seq;
	s64 offset;
	bool has_seq;
};

static int hvsim_ic_parse_param(const char *key, char *val, void *arg)
{
	struct hvsim_ic_params *p = arg;
	bool shut = p->kind == HVSIM_IC_SHUTDOWN, hb = p->kind == HVSIM_IC_HEARTBEAT;
	bool ts = !shut && !hb;
	int ret;

	if (shut && !strcmp(key, "flags"))
		return kstrtou32(val, 0, &p->flags);
	if (shut && !strcmp(key, "reason"))
		return kstrtou32(val, 0, &p->reason);
	if (shut && !strcmp(key, "secs"))
		return kstrtou32(val, 10, &p->secs);
	if (shut && !strcmp(key, "len"))
		return kstrtou32(val, 10, &p->len) ?:
		       (!p->len || p->len > sizeof(struct hv_ic_shutdown));
	if (hb && !strcmp(key, "len"))
		return kstrtou32(val, 10, &p->len) ?:
		       (!p->len || p->len > sizeof(struct hv_ic_heartbeat));
	if (hb && !strcmp(key, "seq")) {
		ret = kstrtou64(val, 10, &p->seq);
		p->has_seq = !ret;
		return ret;
	}
	if (ts && !strcmp(key, "offset"))
		return kstrtos64(val, 10, &p->offset);
	return -ENOENT;
}

static int hvsim_ic_parse_params(int argc, char **argv, enum hvsim_ic_kind kind,
				 struct hvsim_ic_params *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->reason = HV_IC_SHUTDOWN_REASON_PLANNED;
	return hvsim_ic_parse_keys(argc, argv, 2, &p->relid, &p->tmo, hvsim_ic_parse_param, p);
}

/* The channel for a request of @svc: @relid's, or the first ready one. */
static struct hvsim_ic_chan *hvsim_ic_target(int svc, u32 relid, struct hvsim_chan **cp)
{
	const struct hvsim_dev *d;
	struct hvsim_ic_chan *ic;
	struct hvsim_chan *c;
	u32 i;

	for (i = relid ? relid : 1; i <= (relid ? relid : HVSIM_MAX_DEVICES); i++) {
		d = hvsim_dev_get(i);
		if (!d || d->state != HVSIM_DEV_OFFERED || hvsim_ic_service_of(d->class) != svc)
			continue;
		c = &hvsim.chans[i - 1];
		ic = &hvsim_ic_chans[i - 1];
		mutex_lock(&c->lock);
		if (c->open && ic->service == svc && ic->state == HVSIM_IC_READY) {
			*cp = c;
			return ic;	/* with the channel's lock held */
		}
		mutex_unlock(&c->lock);
	}
	if (relid)
		hvsim_cmd_fail("relid %u is no open %s channel with agreed versions", relid,
			       hvsim_ic_services[svc].name);
	else
		hvsim_cmd_fail("no open %s channel with agreed versions",
			       hvsim_ic_services[svc].name);
	return NULL;
}

static int hvsim_ic_cmd_request(int argc, char **argv, enum hvsim_ic_kind kind, int svc)
{
	struct hvsim_ic_params p;
	struct hvsim_ic_chan *ic;
	struct hvsim_ic_req *r;
	struct hvsim_chan *c;

	if (hvsim_ic_parse_params(argc, argv, kind, &p))
		return -EINVAL;
	ic = hvsim_ic_target(svc, p.relid, &c);
	if (!ic)
		return -EINVAL;
	hvsim_ic_expire(ic, c->relid);
	r = hvsim_ic_new_req(ic, kind, false);
	if (!r) {
		hvsim_cmd_fail("relid %u has a request outstanding (%s %u)", c->relid,
			       hvsim_ic_kind_name(ic->cur->kind), ic->cur->id);
		mutex_unlock(&c->lock);
		return -EBUSY;
	}
	r->timeout_ms = p.tmo;
	r->body_len = p.len;
	r->reason = p.reason;
	r->secs = p.secs;
	r->offset_ns = p.offset;
	if (kind == HVSIM_IC_SHUTDOWN)
		r->flags = p.flags;
	else if (kind == HVSIM_IC_TIME_SYNC)
		r->flags = HV_IC_TIMESYNC_SYNC;
	else if (kind == HVSIM_IC_TIME_SAMPLE)
		r->flags = HV_IC_TIMESYNC_SAMPLE;
	if (kind == HVSIM_IC_HEARTBEAT) {
		r->seq = p.has_seq ? p.seq : ic->hb_seq;
		ic->hb_seq = r->seq + 1;
	}
	hvsim_ic_last_relid = c->relid;
	hvsim_ic_last_id = r->id;
	queue_delayed_work(hvsim.chan_wq, &c->work, 0);
	mutex_unlock(&c->lock);
	return 0;
}

/* A request with a payload on @svc: staged by @stage once it has a slot. */
static int hvsim_ic_cmd_payload(int svc, u32 relid, u32 tmo,
				int (*stage)(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r,
					     void *arg), void *arg)
{
	struct hvsim_ic_chan *ic;
	struct hvsim_ic_req *r;
	struct hvsim_chan *c;
	int ret;

	ic = hvsim_ic_target(svc, relid, &c);
	if (!ic)
		return -EINVAL;
	hvsim_ic_expire(ic, c->relid);
	r = hvsim_ic_new_req(ic, svc == HVSIM_IC_KVP_SVC ? HVSIM_IC_KVP :
			     svc == HVSIM_IC_VSS_SVC ? HVSIM_IC_VSS : HVSIM_IC_FCOPY, false);
	if (!r) {
		hvsim_cmd_fail("relid %u has a request outstanding (%s %u)", c->relid,
			       hvsim_ic_kind_name(ic->cur->kind), ic->cur->id);
		mutex_unlock(&c->lock);
		return -EBUSY;
	}
	r->timeout_ms = tmo;
	ret = stage(ic, r, arg);
	if (ret) {
		/* never sent: forget it */
		ic->cur = NULL;
		ic->n_hist--;
		mutex_unlock(&c->lock);
		return ret;
	}
	hvsim_ic_last_relid = c->relid;
	hvsim_ic_last_id = r->id;
	queue_delayed_work(hvsim.chan_wq, &c->work, 0);
	mutex_unlock(&c->lock);
	return 0;
}

static int hvsim_ic_stage_kvp(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r, void *arg)
{
	return hvsim_ic_kvp_stage(ic, r, arg);
}

static int hvsim_ic_cmd_kvp(int argc, char **argv)
{
	struct hv_ic_kvp_input in;
	u32 relid, tmo;

	if (hvsim_ic_kvp_parse(argc, argv, &in, &relid, &tmo))
		return -EINVAL;
	return hvsim_ic_cmd_payload(HVSIM_IC_KVP_SVC, relid, tmo, hvsim_ic_stage_kvp, &in);
}

struct hvsim_ic_vss_args {
	u8 op;
	u32 luns;
};

static int hvsim_ic_stage_vss(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r, void *arg)
{
	struct hvsim_ic_vss_args *a = arg;

	return hvsim_ic_vss_stage(ic, r, a->op, a->luns);
}

static int hvsim_ic_cmd_vss(int argc, char **argv)
{
	struct hvsim_ic_vss_args a;
	u32 relid, tmo;

	if (hvsim_ic_vss_parse(argc, argv, &a.op, &a.luns, &relid, &tmo))
		return -EINVAL;
	return hvsim_ic_cmd_payload(HVSIM_IC_VSS_SVC, relid, tmo, hvsim_ic_stage_vss, &a);
}

static int hvsim_ic_stage_fcopy(struct hvsim_ic_chan *ic, struct hvsim_ic_req *r, void *arg)
{
	return hvsim_ic_fcopy_stage(ic, r, arg);
}

static int hvsim_ic_cmd_fcopy(int argc, char **argv)
{
	struct hvsim_ic_fcopy_args a;
	u32 relid, tmo;

	if (hvsim_ic_fcopy_parse(argc, argv, &a, &relid, &tmo))
		return -EINVAL;
	return hvsim_ic_cmd_payload(HVSIM_IC_FCOPY_SVC, relid, tmo, hvsim_ic_stage_fcopy, &a);
}

/**
 * hvsim_cmd_ic() - the "ic" commands of the control file
 * @argc: number of words
 * @argv: the words, "ic" first
 *
 * Called with hvsim.lock held.
 *
 * Return: 0, -EBUSY while the channel has a request outstanding, or
 * -EINVAL with the reason in last_error.
 */
int hvsim_cmd_ic(int argc, char **argv)
{
	lockdep_assert_held(&hvsim.lock);
	hvsim_ic_last_relid = 0;
	hvsim_ic_last_id = 0;
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "versions"))
		return hvsim_ic_cmd_versions(argc, argv);
	if (!strcmp(argv[1], "auto"))
		return hvsim_ic_cmd_auto(argc, argv);
	if (!strcmp(argv[1], "skew"))
		return hvsim_ic_cmd_skew(argc, argv);
	if (!strcmp(argv[1], "drift"))
		return hvsim_ic_cmd_drift(argc, argv);
	if (!strcmp(argv[1], "shutdown"))
		return hvsim_ic_cmd_request(argc, argv, HVSIM_IC_SHUTDOWN, HVSIM_IC_SHUTDOWN_SVC);
	if (!strcmp(argv[1], "heartbeat"))
		return hvsim_ic_cmd_request(argc, argv, HVSIM_IC_HEARTBEAT,
					    HVSIM_IC_HEARTBEAT_SVC);
	if (!strcmp(argv[1], "sync"))
		return hvsim_ic_cmd_request(argc, argv, HVSIM_IC_TIME_SYNC, HVSIM_IC_TIMESYNC_SVC);
	if (!strcmp(argv[1], "sample"))
		return hvsim_ic_cmd_request(argc, argv, HVSIM_IC_TIME_SAMPLE,
					    HVSIM_IC_TIMESYNC_SVC);
	if (!strcmp(argv[1], "kvp"))
		return hvsim_ic_cmd_kvp(argc, argv);
	if (!strcmp(argv[1], "vss"))
		return hvsim_ic_cmd_vss(argc, argv);
	if (!strcmp(argv[1], "fcopy"))
		return hvsim_ic_cmd_fcopy(argc, argv);
usage:
	hvsim_cmd_fail("usage: ic %s ...",
		       "versions|auto|skew|drift|shutdown|heartbeat|sync|sample|kvp|vss|fcopy");
	return -EINVAL;
}

/**
 * hvsim_ic_cmd_fault() - "fault RELID ic-...|kvp-...|vss-...|fcopy-... [N]"
 *	and "fault RELID clear" on an IC device
 * @relid: the device's relid, an IC device (hvsim_ic_is_ic_class())
 * @argc: number of words
 * @argv: the words, "fault" first
 *
 * The next N (default 1, at most 1000) requests the host sends on the
 * channel, negotiations included, that the fault applies to are spoiled
 * (include/hv/hv_ic_host_fault.h); a new fault replaces the old one.
 * Called with hvsim.lock held.
 *
 * Return: 0, or -EINVAL with the reason in last_error.
 */
int hvsim_ic_cmd_fault(u32 relid, int argc, char **argv)
{
	struct hvsim_ic_chan *ic = &hvsim_ic_chans[relid - 1];
	struct hvsim_chan *c = &hvsim.chans[relid - 1];
	const struct hvsim_dev *d = hvsim_dev_get(relid);
	enum hv_ic_fault f = HV_IC_FAULT_NONE;
	u32 n = 0;
	int svc;

	lockdep_assert_held(&hvsim.lock);
	svc = hvsim_ic_service_of(d->class);
	if (argc == 3 && !strcmp(argv[2], "clear")) {
		/* n = 0: no fault */
	} else if (argc < 3 || argc > 4) {
		goto usage;
	} else {
		f = hv_ic_fault_by_name(argv[2]);
		if (f == HV_IC_FAULT_NONE) {
			hvsim_cmd_fail("unknown IC fault '%s' (%s)", argv[2],
				       "ic-short, ic-short-body, ic-size-lie, ic-bad-type, ic-nego-count, ic-bad-flags, kvp-bad-string, kvp-bad-pool, kvp-bad-op, vss-oversize, vss-bad-op, fcopy-bad-size, fcopy-bad-name, clear");
			return -EINVAL;
		}
		if (hv_ic_faults[f].msgtype != HV_IC_MSG_NEGOTIATE &&
		    hv_ic_faults[f].msgtype != hvsim_ic_services[svc].msgtype) {
			hvsim_cmd_fail("fault %s does not apply to relid %u, a %s device",
				       argv[2], relid, d->class->name);
			return -EINVAL;
		}
		n = 1;
		if (argc == 4 && (kstrtou32(argv[3], 10, &n) || !n || n > HVSIM_IC_MAX_FAULTS)) {
			hvsim_cmd_fail("bad count '%s' for %s: want 1 to %u", argv[3], argv[2],
				       HVSIM_IC_MAX_FAULTS);
			return -EINVAL;
		}
	}
	mutex_lock(&c->lock);
	ic->fault = n ? f : HV_IC_FAULT_NONE;
	ic->fault_left = n;
	ic->fault_variant = 0;
	mutex_unlock(&c->lock);
	if (n)
		pr_info("relid %u: IC fault %s for the next %u requests\n", relid,
			hv_ic_faults[f].name, n);
	else
		pr_info("relid %u: faults cleared\n", relid);
	return 0;
usage:
	hvsim_cmd_fail("usage: fault RELID ic-...|kvp-...|vss-...|fcopy-... [N] | clear");
	return -EINVAL;
}

/* ---- debugfs (hostsim_debugfs.c) ----------------------------------------- */

static void hvsim_ic_print_version(struct seq_file *s, const char *key, u32 v)
{
	if (v)
		seq_printf(s, " %s=%u.%u", key, HV_IC_VERSION_MAJOR(v), HV_IC_VERSION_MINOR(v));
	else
		seq_printf(s, " %s=-", key);
}

static void hvsim_ic_print_list(struct seq_file *s, const char *key, const u32 *list, u32 n)
{
	u32 i;

	seq_printf(s, " %s=", key);
	for (i = 0; i < n; i++)
		seq_printf(s, "%s%u.%u", i ? "," : "", HV_IC_VERSION_MAJOR(list[i]),
			   HV_IC_VERSION_MINOR(list[i]));
}

/* A reason as one word: its spaces become '-'. */
static void hvsim_ic_print_word(struct seq_file *s, const char *key, const char *text)
{
	seq_printf(s, " %s=", key);
	if (!text) {
		seq_putc(s, '-');
		return;
	}
	for (; *text; text++)
		seq_putc(s, *text == ' ' ? '-' : *text);
}

/**
 * hvsim_ic_show() - the "ic" file: one line per IC device
 * @s: the file
 *
 * Return: 0.
 */
int hvsim_ic_show(struct seq_file *s)
{
	const struct hvsim_dev *d;
	struct hvsim_ic_chan *ic;
	struct hvsim_chan *c;
	int svc;
	u32 i;

	mutex_lock(&hvsim.lock);
	for (i = 1; i <= HVSIM_MAX_DEVICES; i++) {
		d = hvsim_dev_get(i);
		if (!d)
			continue;
		svc = hvsim_ic_service_of(d->class);
		if (svc < 0)
			continue;
		c = &hvsim.chans[i - 1];
		ic = &hvsim_ic_chans[i - 1];
		mutex_lock(&c->lock);
		hvsim_ic_expire(ic, i);
		seq_printf(s, "relid=%u class=%s open=%d state=%s", i, d->class->name, c->open,
			   ic->service < 0 ? "closed" : !c->open ? "closed" :
			   hvsim_ic_states[ic->state]);
		hvsim_ic_print_version(s, "fw", ic->fw);
		hvsim_ic_print_version(s, "msg", ic->msgver);
		if (ic->service >= 0) {
			hvsim_ic_print_list(s, "offered_fw", ic->offered.fw, ic->offered.n_fw);
			hvsim_ic_print_list(s, "offered_msg", ic->offered.msg, ic->offered.n_msg);
		} else {
			seq_puts(s, " offered_fw=- offered_msg=-");
		}
		seq_printf(s, " sessions=%llu requests=%llu answers=%llu timeouts=%llu bad_answers=%llu bad_pkts=%llu unsolicited=%llu aborted=%llu no_version=%llu outstanding=%u",
			   ic->stats.sessions, ic->stats.requests, ic->stats.answers,
			   ic->stats.timeouts, ic->stats.bad_answers, ic->stats.bad_pkts,
			   ic->stats.unsolicited, ic->stats.aborted, ic->stats.no_version,
			   ic->cur ? ic->cur->id : 0);
		hvsim_ic_print_word(s, "last_bad", ic->last_bad);
		if (ic->fault_left)
			seq_printf(s, " fault=%s:%u", hv_ic_faults[ic->fault].name,
				   ic->fault_left);
		else
			seq_puts(s, " fault=none");
		seq_printf(s, " faults_sent=%llu\n", ic->stats.faults_sent);
		mutex_unlock(&c->lock);
	}
	mutex_unlock(&hvsim.lock);
	return 0;
}

static void hvsim_ic_show_req(struct seq_file *s, u32 relid, const struct hvsim_ic_chan *ic,
			      const struct hvsim_ic_req *r)
{
	seq_printf(s, "relid=%u id=%u kind=%s origin=%s state=%s", relid, r->id,
		   hvsim_ic_kind_name(r->kind), r->automatic ? "host" : "admin",
		   hvsim_ic_req_states[r->state]);
	if (r->state == HVSIM_IC_REQ_ANSWERED)
		seq_printf(s, " status=%#010x (%s)", r->status,
			   hv_ic_host_status_name(r->status));
	else
		seq_puts(s, " status=-");
	hvsim_ic_print_version(s, "fw", r->fw);
	hvsim_ic_print_version(s, "msg", r->msgver);
	switch (r->kind) {
	case HVSIM_IC_SHUTDOWN:
		seq_printf(s, " flags=%#x reason=%#x secs=%u", r->flags, r->reason, r->secs);
		break;
	case HVSIM_IC_HEARTBEAT:
		seq_printf(s, " seq=%llu answer_seq=%llu", r->seq, r->answer_seq);
		break;
	case HVSIM_IC_TIME_SYNC:
	case HVSIM_IC_TIME_SAMPLE:
		seq_printf(s, " offset_ns=%lld layout=%s", r->offset_ns,
			   r->msgver > HV_IC_VERSION(3, 0) ? "v4" : "v3");
		break;
	default:
		break;
	}
	seq_printf(s, " body_len=%u timeout_ms=%u", r->body_len, r->timeout_ms);
	hvsim_ic_print_word(s, "why", r->why);
	if (r->fault != HV_IC_FAULT_NONE)
		seq_printf(s, " fault=%s", hv_ic_faults[r->fault].name);
	if (r->kind == HVSIM_IC_VSS)
		hvsim_ic_vss_show(s, r);
	else if (r->kind == HVSIM_IC_FCOPY)
		hvsim_ic_fcopy_show(s, r);
	/* last: the answer's strings may hold spaces (quoted) */
	if (r->kind == HVSIM_IC_KVP)
		hvsim_ic_kvp_show(s, ic, r);
	seq_putc(s, '\n');
}

/**
 * hvsim_ic_requests_show() - the "ic_requests" file: the last requests of
 *	every IC device, oldest first
 * @s: the file
 *
 * Return: 0.
 */
int hvsim_ic_requests_show(struct seq_file *s)
{
	struct hvsim_ic_chan *ic;
	struct hvsim_chan *c;
	u32 i, n;

	mutex_lock(&hvsim.lock);
	for (i = 1; i <= HVSIM_MAX_DEVICES; i++) {
		c = &hvsim.chans[i - 1];
		ic = &hvsim_ic_chans[i - 1];
		mutex_lock(&c->lock);
		hvsim_ic_expire(ic, i);
		n = ic->n_hist > HVSIM_IC_HISTORY ? ic->n_hist - HVSIM_IC_HISTORY : 0;
		for (; n < ic->n_hist; n++)
			hvsim_ic_show_req(s, i, ic, &ic->hist[n % HVSIM_IC_HISTORY]);
		mutex_unlock(&c->lock);
	}
	if (hvsim_ic_last_relid)
		seq_printf(s, "last relid=%u id=%u\n", hvsim_ic_last_relid, hvsim_ic_last_id);
	mutex_unlock(&hvsim.lock);
	return 0;
}

/**
 * hvsim_ic_config_show() - the "ic_config" file: what the host offers per
 *	IC class, the periodic requests, the reference counter
 * @s: the file
 *
 * Return: 0.
 */
int hvsim_ic_config_show(struct seq_file *s)
{
	unsigned int i;

	mutex_lock(&hvsim_ic_cfg_lock);
	for (i = 0; i < HVSIM_IC_N_SVC; i++) {
		seq_printf(s, "class=%s", hvsim_ic_services[i].name);
		hvsim_ic_print_list(s, "fw", hvsim_ic_services[i].offer.fw,
				    hvsim_ic_services[i].offer.n_fw);
		hvsim_ic_print_list(s, "msg", hvsim_ic_services[i].offer.msg,
				    hvsim_ic_services[i].offer.n_msg);
		seq_printf(s, " auto_ms=%u\n", hvsim_ic_services[i].auto_ms);
	}
	mutex_unlock(&hvsim_ic_cfg_lock);
	seq_printf(s, "refclock=%llu skew_100ns=%lld host_time=%llu\n", hvsim_refclock_now(),
		   hvsim_refclock_skew(), hvsim_host_time_100ns(0));
	seq_printf(s, "host_clock drift_ppm=%d\n", hvsim_host_drift_ppm());
	return 0;
}
