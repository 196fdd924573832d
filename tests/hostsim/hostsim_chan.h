/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's data plane: GPADLs, open channels, their two ring buffers and
 * the work item that serves each channel.
 *
 * GPADLs. A GPADL is guest memory the guest described to the host in a
 * GPADL_HEADER and as many GPADL_BODY messages as its PFNs need. The host
 * maps it (vmap of the guest's pages) once every PFN arrived and answers
 * GPADL_CREATED. Handles are one namespace for the whole connection, not
 * per channel: GPADL_TORNDOWN names the handle alone. The host holds no
 * page references, like Hyper-V it relies on the guest to keep the memory
 * until GPADL_TORNDOWN; only PFNs of RAM are taken (hvsim_guest_pfn_ok()).
 *
 * A GPADL that backs an open channel's rings is in use: a GPADL_TEARDOWN
 * for it is a guest bug. The host logs it and answers GPADL_TORNDOWN only
 * once the channel closed (CLOSECHANNEL, a rescind, the end of the
 * connection), as Hyper-V holds such a teardown; the rings stay mapped
 * until then, so the host never writes to memory the guest got back.
 *
 * On a rescind the host stops the channel and unmaps its GPADLs at once,
 * keeping their handles as "released" records: a GPADL_TEARDOWN that the
 * guest still sends for one is answered with GPADL_TORNDOWN, a CLOSECHANNEL
 * is ignored. The records go when the guest releases the relid or the
 * connection ends.
 *
 * Rings. OPENCHANNEL splits the ring GPADL at its page offset: pages
 * [0, off) are the guest-to-host ring ("in": the host reads it), pages
 * [off, n) the host-to-guest ring ("out": the host writes it); each is a
 * 4 KiB control page and a data area of at least one page. The host keeps
 * its own index of each ring (read index of "in", write index of "out")
 * and reads the guest's index once per look, validated.
 *
 * Locking: hvsim.lock (the control plane) comes before a channel's lock,
 * which comes before hvsim.int_lock. The channel's work item takes only
 * the channel's lock, so the control plane may wait for it.
 */
#ifndef _HOSTSIM_CHAN_H
#define _HOSTSIM_CHAN_H

#include <linux/atomic.h>
#include <linux/hyperv.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "hv/hv_iface.h"
#include "hv/vmbus_ring.h"

struct hvsim_hvsock_conn;

/* Non-zero status of a refused request (NTSTATUS STATUS_UNSUCCESSFUL). */
#define HVSIM_STATUS_FAILED		0xc0000001U

/* MODIFYCHANNEL_RESPONSE (5.3) is missing from the 5.10 kernel's header. */
#define HVSIM_MSG_MODIFYCHANNEL_RESPONSE 24

/**
 * struct hvsim_modifychannel_response - MODIFYCHANNEL_RESPONSE (VMBus 5.3)
 * @msgtype:	HVSIM_MSG_MODIFYCHANNEL_RESPONSE
 * @padding:	zero
 * @child_relid: the channel
 * @status:	0, or why the change was refused
 */
struct hvsim_modifychannel_response {
	u32 msgtype;
	u32 padding;
	u32 child_relid;
	u32 status;
} __packed;

/* Unaligned little fields of a guest message or packet, read once. */
static inline u32 hvsim_get_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 hvsim_get_u64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Limits the host puts on what a guest may make it map. */
#define HVSIM_MAX_GPADLS		1024
#define HVSIM_GPADL_MAX_PAGES		(256UL << 10)	/* 1 GiB of 4 KiB pages */
#define HVSIM_GPADL_MAX_REFUSED		16

/* Packets a channel's work item handles before it requeues itself. */
#define HVSIM_CHAN_BATCH		64

/* The most guest memory the echo device returns for one GPA-direct packet. */
#define HVSIM_ECHO_GPA_MAX		(64U << 10)

enum hvsim_gpadl_state {
	HVSIM_GPADL_RECEIVING,	/* header seen, PFNs still coming */
	HVSIM_GPADL_MAPPED,	/* created and mapped */
	HVSIM_GPADL_RELEASED,	/* unmapped by the host at a rescind */
	HVSIM_GPADL_REFUSED,	/* refused: later bodies are dropped quietly */
};

/**
 * struct hvsim_gpadl - one GPADL of the guest
 * @node:	in hvsim.gpadls, oldest first
 * @state:	see enum hvsim_gpadl_state
 * @handle:	the guest's handle
 * @relid:	the channel it was created for
 * @byte_offset: where the described bytes start in the first page
 * @byte_count:	how many bytes it describes
 * @npfns:	how many pages that spans
 * @nreceived:	PFNs received so far
 * @pages:	the pages, npfns of them (RECEIVING and MAPPED only)
 * @va:		the host's mapping of them (MAPPED only)
 * @users:	open channels whose rings are in it
 * @teardown_pending: the guest asked for a teardown while in use
 */
struct hvsim_gpadl {
	struct list_head node;
	enum hvsim_gpadl_state state;
	u32 handle;
	u32 relid;
	u32 byte_offset;
	u32 byte_count;
	u32 npfns;
	u32 nreceived;
	struct page **pages;
	void *va;
	unsigned int users;
	bool teardown_pending;
};

/**
 * struct hvsim_ring - the host's view of one ring of a channel
 * @ctl:	its control page
 * @data:	its data area
 * @size:	bytes in the data area
 * @pos:	the host's index: read index of the guest-to-host ring,
 *		write index of the host-to-guest ring
 * @published:	guest-to-host ring: the read index the guest last saw
 * @wpos:	host-to-guest ring: where the packet being written goes on
 * @pending:	host-to-guest ring: the host set pending_send_sz
 */
struct hvsim_ring {
	struct vmbus_ring_control *ctl;
	u8 *data;
	u32 size;
	u32 pos;
	u32 published;
	u32 wpos;
	bool pending;
};

/**
 * struct hvsim_fault - faults injected into a channel (hostsim_fault.c)
 * @delay_ms:	wait this long before handling each packet
 * @drop:	consume this many more packets without answering
 * @corrupt:	answer this many more with an invalid len8
 * @rescind_after: rescind the device after this many more answers
 */
struct hvsim_fault {
	u32 delay_ms;
	u32 drop;
	u32 corrupt;
	u32 rescind_after;
};

/**
 * struct hvsim_chan_stats - a channel's counters, kept while its device is
 * @opens:	OPENCHANNELs accepted
 * @pkts_in:	packets read from the guest-to-host ring
 * @bytes_in:	their bytes, descriptors included, trailers not
 * @pkts_out:	packets written to the host-to-guest ring
 * @bytes_out:	their bytes, descriptors included, trailers not
 * @sig_out:	interrupts sent to the guest
 * @sig_suppressed: packets written without an interrupt (masked, or the
 *		ring was not empty before them)
 * @host_ring_full: times the host-to-guest ring had no room for a packet
 * @pending_wakeups: interrupts sent because the guest's pending_send_sz
 *		was reached
 * @bad_pkts:	well-framed packets the device could not make sense of
 * @broken:	times a ring was found broken
 * @dropped:	packets dropped by fault injection
 * @corrupted:	answers corrupted by fault injection
 * @delayed:	packets delayed by fault injection
 * @modifies:	MODIFYCHANNELs that moved the channel (or kept it) on a VP
 * @modifies_refused: MODIFYCHANNELs refused: channel not open, or a VP
 *		that is not an online CPU
 */
struct hvsim_chan_stats {
	u64 opens;
	u64 pkts_in;
	u64 bytes_in;
	u64 pkts_out;
	u64 bytes_out;
	u64 sig_out;
	u64 sig_suppressed;
	u64 host_ring_full;
	u64 pending_wakeups;
	u64 bad_pkts;
	u64 broken;
	u64 dropped;
	u64 corrupted;
	u64 delayed;
	u64 modifies;
	u64 modifies_refused;
};

/**
 * struct hvsim_chan - the data plane of one relid
 * @lock:	guards the fields below against the control plane
 * @work:	serves the channel (hvsim.chan_wq); delayed only for the delay
 *		fault
 * @relid:	the relid, fixed
 * @open:	the guest opened the channel and has not closed it
 * @broken:	a ring was found broken: the host no longer touches them
 * @rescind_requested: fault injection asked for a rescind; stop serving
 * @delay_armed: the delay fault is running for the next packet
 * @raise_int_page: signal through the interrupt page too (before 2.4)
 * @delay_until: when (jiffies) that delay ends
 * @openid:	the guest's id of the open
 * @target_vp:	the guest's virtual processor for the channel's interrupts
 *		(a CPU number), from OPENCHANNEL and MODIFYCHANNEL; written
 *		under @lock with WRITE_ONCE
 * @gpadl:	the GPADL of the rings
 * @in:		the guest-to-host ring
 * @out:	the host-to-guest ring
 * @pkt:	private copy of the packet being handled (in.size bytes)
 * @run:	the device's packet handler (struct hvsim_class.run)
 * @ops:	the guest's callbacks, copied at open
 * @ops_ctx:	their argument
 * @fault:	faults to inject
 * @stats:	counters
 * @sig_in:	HvSignalEvent calls for the channel (counted without @lock)
 * @sig_monitor: signals through the client monitor page (same)
 * @hvsock:	the connection of an hvsock channel (hostsim_hvsock.h), else NULL
 * @irq:	the channel's interrupt to the guest when @target_vp is the
 *		host's own CPU (hostsim_irq.c)
 * @irq_csd:	... and when it is another CPU (an IPI)
 * @irq_inflight: interrupts sent and not yet delivered
 * @irq_lock:	guards @irq_ops and @irq_ctx (taken in hard interrupt context)
 * @irq_ops:	the guest's callbacks @irq delivers to; NULL while closed
 * @irq_ctx:	their argument
 * @events_on:	interrupts delivered, per CPU
 * @events_off_target: interrupts that ran on a CPU other than the target
 *		(queued before a move, or the target went offline)
 * @irq_coalesced: signals merged into an interrupt still pending
 */
struct hvsim_chan {
	struct mutex lock; /* guards the channel's state */
	struct delayed_work work;
	u32 relid;
	bool open;
	bool broken;
	bool rescind_requested;
	bool delay_armed;
	bool raise_int_page;
	unsigned long delay_until;
	u32 openid;
	u32 target_vp;
	struct hvsim_gpadl *gpadl;
	struct hvsim_ring in;
	struct hvsim_ring out;
	u8 *pkt;
	void (*run)(struct hvsim_chan *c);
	const struct hv_iface_guest_ops *ops;
	void *ops_ctx;
	struct hvsim_fault fault;
	struct hvsim_chan_stats stats;
	atomic64_t sig_in;
	atomic64_t sig_monitor;
	struct hvsim_hvsock_conn *hvsock;
	struct irq_work irq;
	call_single_data_t irq_csd;
	atomic_t irq_inflight;
	spinlock_t irq_lock; /* guards irq_ops, irq_ctx */
	const struct hv_iface_guest_ops *irq_ops;
	void *irq_ctx;
	u64 __percpu *events_on;
	atomic64_t events_off_target;
	atomic64_t irq_coalesced;
};

/* hostsim_gpadl.c: GPADL messages and the GPADL table (hvsim.lock held) */
bool hvsim_guest_pfn_ok(u64 pfn);
void hvsim_gpadl_header(const void *msg, u32 size);
void hvsim_gpadl_body(const void *msg, u32 size);
void hvsim_gpadl_teardown(const void *msg, u32 size);
struct hvsim_gpadl *hvsim_gpadl_find(u32 handle);
void hvsim_gpadl_unuse(struct hvsim_gpadl *g);
void hvsim_gpadl_release_relid(u32 relid);
void hvsim_gpadl_forget_relid(u32 relid);
void hvsim_gpadl_forget_all(void);
unsigned int hvsim_gpadl_count(u32 relid, enum hvsim_gpadl_state state);

/* hostsim_chan.c: open, close, modify; channel life cycle (hvsim.lock held) */
int hvsim_chans_init(void);
void hvsim_chans_exit(void);
void hvsim_chan_open(const void *msg, u32 size);
void hvsim_chan_close(const void *msg, u32 size);
void hvsim_chan_modify(const void *msg, u32 size);
void hvsim_chan_rescind(u32 relid);
void hvsim_chan_release(u32 relid);
void hvsim_chan_forget(u32 relid);
void hvsim_chans_disconnect(void);
unsigned int hvsim_chans_open(void);
u64 hvsim_rings_broken(void);
void hvsim_chan_kick(u32 relid);
void hvsim_chan_kick_monitor(u32 relid);

/* hostsim_chan.c: for a device's run handler (the channel's lock held) */
void hvsim_chan_signal(struct hvsim_chan *c);
void hvsim_chan_break(struct hvsim_chan *c, const char *why);
bool hvsim_chan_publish_in(struct hvsim_chan *c);
int hvsim_chan_out_begin(struct hvsim_chan *c, u32 len);
void hvsim_chan_out_end(struct hvsim_chan *c, u32 len);
void hvsim_chan_request_rescind(struct hvsim_chan *c, const char *why);

/* hostsim_ring.c: ring buffer primitives */
int hvsim_ring_peek(struct hvsim_ring *r, struct vmpacket_descriptor *desc,
		    const char **why);
void hvsim_ring_copy_pkt(struct hvsim_ring *r, void *dst, u32 offset, u32 len);
void hvsim_ring_consume(struct hvsim_ring *r, u32 len);
bool hvsim_ring_publish_read(struct hvsim_ring *r);
int hvsim_ring_write_begin(struct hvsim_ring *r, u32 len);
void hvsim_ring_write(struct hvsim_ring *r, const void *src, u32 len);
void hvsim_ring_write_zeros(struct hvsim_ring *r, u32 len);
bool hvsim_ring_write_end(struct hvsim_ring *r, bool *masked);
bool hvsim_ring_wait_room(struct hvsim_ring *r, u32 len);

/* hostsim_irq.c: channel interrupts on the target VP */
bool hvsim_vp_valid(u32 vp);
int hvsim_irq_init(struct hvsim_chan *c);
void hvsim_irq_exit(struct hvsim_chan *c);
void hvsim_irq_arm(struct hvsim_chan *c, const struct hv_iface_guest_ops *ops, void *ctx);
void hvsim_irq_disarm(struct hvsim_chan *c);
void hvsim_irq_raise(struct hvsim_chan *c);
u64 hvsim_irq_events(struct hvsim_chan *c, int cpu);
void hvsim_irq_reset(struct hvsim_chan *c);
struct seq_file;
void hvsim_irq_show(struct seq_file *s, struct hvsim_chan *c);

/* hostsim_echo.c: the echo device */
void hvsim_echo_run(struct hvsim_chan *c);

/* hostsim_hvsock_pipe.c: the data plane of an hvsock channel */
void hvsim_hvsock_run(struct hvsim_chan *c);

#endif /* _HOSTSIM_CHAN_H */
