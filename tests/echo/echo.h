/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_echo_test: a test-only VMBus driver for the host simulator's echo
 * device. It drives the data path of a VMBus channel (ring buffers, packet
 * send and receive, GPA-direct packets, sub-channels, flow control) through
 * the public client API of <linux/hyperv.h> only, so that it runs on our
 * hv_vmbus as on any Linux VMBus.
 *
 * The host returns every packet unchanged on the host-to-guest ring; a
 * GPA-direct packet is answered with an in-band packet, same transaction id,
 * carrying the bytes its page range describes.
 */
#ifndef _HV_ECHO_H
#define _HV_ECHO_H

#include <linux/atomic.h>
#include <linux/hyperv.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Most channels (primary + sub-channels) a device uses. */
#define ECHO_MAX_CHANNELS	64

/* Most MMIO regions a device holds at once (the mmio command). */
#define ECHO_MAX_MMIO		8

/* Longest error reason kept, and longest result text. */
#define ECHO_REASON_MAX		256
#define ECHO_RESULT_MAX		2048

/*
 * Ring overhead of one in-band packet beyond its payload: the 16-byte
 * descriptor, the 8-byte "previous index" trailer, and 8 bytes that must
 * stay free (a ring whose write index caught up with the read index would
 * look empty).
 */
#define ECHO_RING_OVERHEAD	32

/*
 * Transaction ids: a tag in the top bits says "ours" and which test a packet
 * belongs to, the low bits hold its sequence number on its channel.
 */
#define ECHO_TID_MAGIC		0xecULL
#define ECHO_TID_MAGIC_SHIFT	56
#define ECHO_TID_TAG_SHIFT	40
#define ECHO_TID_TAG_MASK	0xffffULL
#define ECHO_TID_SEQ_MASK	((1ULL << ECHO_TID_TAG_SHIFT) - 1)

/* Payload pattern: a pseudo-random buffer read at a per-packet offset. */
#define ECHO_PAT_PERIOD		251

/**
 * enum echo_rx_mode - how a test reads the host-to-guest ring
 * @ECHO_RX_ITER:	hv_pkt_iter_first() / foreach_vmbus_pkt()
 * @ECHO_RX_RECVPACKET:	vmbus_recvpacket() (payload only)
 * @ECHO_RX_RAW:	vmbus_recvpacket_raw() (descriptor and payload)
 */
enum echo_rx_mode {
	ECHO_RX_ITER,
	ECHO_RX_RECVPACKET,
	ECHO_RX_RAW,
};

/**
 * enum echo_kind - what a test sends
 * @ECHO_KIND_INBAND:	VM_PKT_DATA_INBAND packets, echoed as they are
 * @ECHO_KIND_MPB:	GPA-direct packets (vmbus_sendpacket_mpb_desc()),
 *			answered in band with the bytes of their page range
 * @ECHO_KIND_FLOW:	in-band packets while the guest holds off reading, so
 *			that both rings fill and both sides' flow control runs
 */
enum echo_kind {
	ECHO_KIND_INBAND,
	ECHO_KIND_MPB,
	ECHO_KIND_FLOW,
};

/**
 * struct echo_stats - counters of one channel, since the channel opened
 * @tx_packets:	packets the ring took
 * @tx_bytes:	their payload bytes
 * @rx_packets:	packets read from the host
 * @rx_bytes:	their payload bytes (as the ring carries them, 8-aligned)
 * @ring_full:	sends refused because the guest-to-host ring was full
 * @host_waits:	reads that found the host waiting for ring space (its
 *		pending_send_sz set on the host-to-guest ring)
 * @tx_wraps:	sends after which the guest-to-host write index wrapped
 * @rx_wraps:	reads after which the host-to-guest read index wrapped
 * @stale:	packets of no running test (late echoes of a failed test)
 * @errors:	packets that failed verification, and failed sends
 */
struct echo_stats {
	atomic64_t tx_packets;
	atomic64_t tx_bytes;
	atomic64_t rx_packets;
	atomic64_t rx_bytes;
	atomic64_t ring_full;
	atomic64_t host_waits;
	atomic64_t tx_wraps;
	atomic64_t rx_wraps;
	atomic64_t stale;
	atomic64_t errors;
};

struct echo_dev;
struct echo_run;

/**
 * struct echo_chan - one open channel of an echo device
 * @node:	on echo_dev.chans
 * @edev:	its device
 * @channel:	the VMBus channel; dereferenced only while it is open
 * @index:	0 for the primary, its sub-channel index otherwise
 * @relid:	its relid, kept for messages
 * @rx_lock:	serializes reading the inbound ring (one consumer at a time)
 *		and protects @run and @rx_hold
 * @run:	the test running on this channel, or NULL
 * @rx_hold:	the flow test reads the ring itself: the callback leaves it
 * @rxbuf:	buffer for vmbus_recvpacket() and vmbus_recvpacket_raw()
 * @rxbuf_len:	its size
 * @wq:		woken by every channel callback and on errors
 * @stats:	counters
 */
struct echo_chan {
	struct list_head node;
	struct echo_dev *edev;
	struct vmbus_channel *channel;
	u16 index;
	u32 relid;
	spinlock_t rx_lock; /* see above */
	struct echo_run *run;
	bool rx_hold;
	void *rxbuf;
	u32 rxbuf_len;
	wait_queue_head_t wq;
	struct echo_stats stats;
};

/**
 * struct echo_dev - one echo device bound to the driver
 * @node:	on echo_devs (under echo_devs_lock)
 * @hdev:	the VMBus device
 * @dir:	its debugfs directory
 * @ring_size:	size of each ring as given to vmbus_open(), header included
 * @ring_data:	data bytes of each ring
 * @max_payload: largest in-band payload such a ring carries
 * @direct:	channels read in HV_CALL_DIRECT mode (else HV_CALL_BATCHED)
 * @low_latency: channels in low-latency mode (no monitor-page signalling)
 * @dying:	remove() started: tests stop, sub-channels are not opened
 * @chans_lock:	protects @chans and @nchans
 * @chans:	struct echo_chan, the primary first
 * @nchans:	how many
 * @test_lock:	one test at a time
 * @next_tag:	tag of the next test's transaction ids
 * @result_lock: protects @result
 * @result:	text of the last test's result
 * @tests_run:	tests started
 * @tests_failed: tests that failed
 * @mmio:	MMIO regions allocated with the mmio command (under @test_lock)
 * @nr_mmio:	how many
 */
struct echo_dev {
	struct list_head node;
	struct hv_device *hdev;
	struct dentry *dir;
	u32 ring_size;
	u32 ring_data;
	u32 max_payload;
	bool direct;
	bool low_latency;
	bool dying;
	struct mutex chans_lock; /* protects chans, nchans */
	struct list_head chans;
	unsigned int nchans;
	struct mutex test_lock; /* one test at a time */
	u16 next_tag;
	struct mutex result_lock; /* protects result */
	char result[ECHO_RESULT_MAX];
	atomic64_t tests_run;
	atomic64_t tests_failed;
	struct resource *mmio[ECHO_MAX_MMIO];
	unsigned int nr_mmio;
};

/**
 * struct echo_params - what a control command asks for
 * @name:	the command
 * @kind:	what is sent
 * @rx_mode:	how echoes are read
 * @count:	packets to send in all (0 with @duration_ms: as many as fit)
 * @size:	payload bytes of each packet
 * @inflight:	most packets outstanding per channel
 * @nchans:	channels used (the primary and @nchans - 1 sub-channels)
 * @duration_ms: for a benchmark by time: how long to send
 * @hold_ms:	flow test: how long the guest leaves the ring unread
 * @bench:	also time a memcpy of the same bytes and report rates
 */
struct echo_params {
	const char *name;
	enum echo_kind kind;
	enum echo_rx_mode rx_mode;
	u64 count;
	u32 size;
	u32 inflight;
	unsigned int nchans;
	u32 duration_ms;
	u32 hold_ms;
	bool bench;
};

extern unsigned int echo_timeout_ms;
extern struct workqueue_struct *echo_wq;

/* echo_main.c */
void echo_chan_callback(void *context);

/* echo_test.c */
int echo_test_run(struct echo_dev *edev, const struct echo_params *p);
int echo_oversize_run(struct echo_dev *edev);
void echo_drain(struct echo_chan *ech);
void echo_set_result(struct echo_dev *edev, int err, const char *fmt, ...) __printf(3, 4);

/* echo_mmio.c */
int echo_mmio_command(struct echo_dev *edev, int argc, char **argv);
void echo_mmio_free_all(struct echo_dev *edev);

/* echo_debugfs.c */
int echo_debugfs_init(void);
void echo_debugfs_exit(void);
void echo_debugfs_add(struct echo_dev *edev);

#endif /* _HV_ECHO_H */
