/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host simulator: the host half of VMBus, run inside the test guest in
 * place of Hyper-V. Written from the protocol facts, independently of the
 * guest core in drivers/hv: it shares only the wire structures (the kernel's
 * <linux/hyperv.h>) and the hypervisor-interface contract (hv/hv_iface.h).
 */
#ifndef _HOSTSIM_H
#define _HOSTSIM_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include "hv/hv_iface.h"
#include "hv/vmbus_monitor.h"
#include "hv/vmbus_proto.h"

/* The connection id the simulated host hands out for channel messages. */
#define HVSIM_MSG_CONN_ID	1

/* Protocol versions where the host's behaviour changes. */
#define HVSIM_VERSION_WIN7	HV_VMBUS_VERSION(1, 1)	/* per-channel connection ids */
#define HVSIM_VERSION_WIN8	HV_VMBUS_VERSION(2, 4)	/* sub-channels, SynIC event flags */
#define HVSIM_VERSION_WIN10_V4_1 HV_VMBUS_VERSION(4, 1)	/* MODIFYCHANNEL */
#define HVSIM_VERSION_WIN10_V5_3 HV_VMBUS_VERSION(5, 3)	/* MODIFYCHANNEL_RESPONSE */

/*
 * Channels. Relids are small integers from 1, allocated lowest free first;
 * a relid is free again only when its device is gone and the guest no
 * longer holds it (after RELID_RELEASED, or when the connection ends). With
 * at most HVSIM_MAX_DEVICES devices, relids stay within 1..64, and device
 * slot N of the table holds relid N + 1.
 *
 * From protocol 1.1 (WIN7) on, each channel has its own connection id for
 * the guest's HvSignalEvent: HVSIM_CHAN_CONN_ID_BASE | relid, clear of the
 * fixed message, event and monitor connections (1 to 4). A 0.13 guest
 * signals on connection 2 with the relid's bit set in the interrupt page.
 *
 * Every channel gets a monitor id of its own below HVSIM_MAX_MONITOR_IDS,
 * allocated next-fit (so ids drift away from relids as devices come and
 * go); monitor_allocated is set only for monitored devices: by default the
 * classes Hyper-V offers as monitored (network and SCSI), or any device
 * offered "monitored" (hostsim_monitor.c); sub-channels are monitored when
 * their primary is. That byte was a boolean already in 0.13;
 * is_dedicated_interrupt (always 1 here) and connection_id came with 1.1
 * and are zero for a 0.13 guest. Offers of ordinary devices carry channel
 * flags 0 and a zeroed user-defined area (hvsock channels do not:
 * hostsim_hvsock.h); sub-channels (2.4, WIN8) are offered only to guests
 * that negotiated 2.4 or newer.
 */
#define HVSIM_MAX_DEVICES	64
#define HVSIM_MAX_MONITOR_IDS	HV_VMBUS_MAX_MONITOR_ID
#define HVSIM_CHAN_CONN_ID_BASE	0x10000

/*
 * Monitored notification (hostsim_monitor.c): the client monitor page is
 * polled every HVSIM_MONITOR_PERIOD_US while a monitored channel is open;
 * the latency the host writes for each monitored channel is that period in
 * 100 ns units.
 */
#define HVSIM_MONITOR_PERIOD_US	1000
#define HVSIM_MONITOR_LATENCY	(HVSIM_MONITOR_PERIOD_US * 10)
#define HVSIM_MONITOR_SERVER	0	/* monitor_page1: host to guest */
#define HVSIM_MONITOR_CLIENT	1	/* monitor_page2: guest to host */
#define HVSIM_MONITOR_PAGES	2

/* Longest command line the control file takes, newline included. */
#define HVSIM_CMD_MAX		128

enum hvsim_conn_state {
	HVSIM_DISCONNECTED,
	HVSIM_CONNECTED,
};

struct hvsim_chan;
struct seq_file;

/**
 * struct hvsim_class - a device class the host can offer
 * @name:	its name in commands and listings
 * @guid:	the class (interface type) GUID
 * @mmio_megabytes: MMIO space the offer asks the guest to reserve
 * @monitored:	Hyper-V offers its channels with monitor_allocated set
 * @run:	the host's side of the device: reads and answers the packets of
 *		an open channel (hostsim_chan.h); NULL for a class without
 *		one, whose rings the host never touches
 */
struct hvsim_class {
	const char *name;
	guid_t guid;
	u16 mmio_megabytes;
	bool monitored;
	void (*run)(struct hvsim_chan *c);
};

#include "hostsim_chan.h"
#include "hostsim_hvsock.h"
#include "hostsim_ic.h"

/*
 * What the guest knows of a device on the current connection. A device that
 * the guest released without being asked to (it declined the offer) stays
 * configured but is offered again only on the next connection.
 */
enum hvsim_dev_state {
	HVSIM_DEV_FREE,		/* an empty slot of the table */
	HVSIM_DEV_CONFIGURED,	/* not offered on this connection (yet) */
	HVSIM_DEV_OFFERED,	/* OFFERCHANNEL sent */
	HVSIM_DEV_RESCINDED,	/* RESCIND_CHANNELOFFER sent, not yet released */
	HVSIM_DEV_DECLINED,	/* released by the guest without a rescind */
};

/**
 * struct hvsim_dev - one channel the host offers
 * @state:	see enum hvsim_dev_state
 * @relid:	child relid, also the slot number + 1
 * @class:	its class (for a class GUID of no known class: "unknown")
 * @class_guid:	the class GUID offered
 * @instance:	the instance GUID offered (the primary's, for sub-channels)
 * @subidx:	0 for a primary, its sub-channel index otherwise
 * @primary:	relid of the primary of a sub-channel; 0 for a primary and
 *		for a rescinded sub-channel whose primary is already gone
 * @monitor_id:	its monitor id
 * @monitored:	offered with monitor_allocated set
 */
struct hvsim_dev {
	enum hvsim_dev_state state;
	u32 relid;
	const struct hvsim_class *class;
	guid_t class_guid;
	guid_t instance;
	u16 subidx;
	u32 primary;
	u8 monitor_id;
	bool monitored;
};

/**
 * struct hvsim - the simulated host
 * @lock:	serializes the host's message handling and its state
 * @guest_ops:	the attached guest, or NULL
 * @guest_ctx:	its context argument
 * @max_version: newest protocol version this host accepts
 * @state:	connection state
 * @version:	the version agreed with the guest
 * @offers_requested: the guest sent REQUESTOFFERS on this connection
 * @wq:		ordered queue on which guest messages are handled
 * @devs:	the device table, indexed by relid - 1
 * @monitor_ids: monitor ids in use
 * @next_monitor_id: where the next monitor id search starts
 * @last_relids: relids created by the last offer or subchannels command
 * @n_last_relids: how many
 * @last_error:	why the last control command failed
 * @chan_wq:	unbound queue of the channels' work items
 * @chans:	the channels' data plane, indexed by relid - 1
 * @gpadls:	the GPADLs the guest created or is creating (struct hvsim_gpadl)
 * @n_gpadls:	how many of them are not refusal records
 * @n_refused:	how many refusal records (HVSIM_GPADL_REFUSED) there are
 * @gpadl_pages: pages the GPADLs describe, counted from their header
 * @int_lock:	guards @int_page (taken in atomic context)
 * @int_page:	the guest's interrupt page (protocols before 5.0), or NULL
 * @rescind_requests: relids to rescind on behalf of fault injection
 * @rescind_work: does so, with hvsim.lock, on @wq
 * @signals_invalid: HvSignalEvent calls on no channel's connection
 * @monitor_lock: guards @monitor_pages and @monitor_relids (taken with
 *		interrupts off; writers hold hvsim.lock too)
 * @monitor_pages: the guest's server and client monitor pages, mapped
 *		while connected
 * @monitor_relids: monitor id -> relid of the monitored device the guest
 *		holds with it, 0 for none
 * @monitor_timer: polls the client monitor page
 * @monitor_polling: the timer runs (changed with hvsim.lock held)
 * @monitor_polls: polls of the client page so far (under @monitor_lock)
 * @monitor_invalid: pending bits of monitor ids not in use
 * @hvsock:	the hvsock connection records (hostsim_hvsock.h)
 * @hvsock_next_id: the id of the newest connection
 * @last_hvsock: the connection the last "hvsock connect" command made
 * @hvsock_timeout: rescinds hvsock offers the guest does not open
 * @hvsock_stats: hvsock counters shown in debugfs
 * @stats:	counters shown in debugfs
 */
struct hvsim {
	struct mutex lock; /* serializes message handling and state */
	const struct hv_iface_guest_ops *guest_ops;
	void *guest_ctx;
	u32 max_version;
	enum hvsim_conn_state state;
	u32 version;
	bool offers_requested;
	struct workqueue_struct *wq;
	struct hvsim_dev devs[HVSIM_MAX_DEVICES];
	DECLARE_BITMAP(monitor_ids, HVSIM_MAX_MONITOR_IDS);
	unsigned int next_monitor_id;
	u32 last_relids[HVSIM_MAX_DEVICES];
	unsigned int n_last_relids;
	char last_error[HVSIM_CMD_MAX + 256];
	struct workqueue_struct *chan_wq;
	struct hvsim_chan chans[HVSIM_MAX_DEVICES];
	struct list_head gpadls;
	unsigned int n_gpadls;
	unsigned int n_refused;
	unsigned long gpadl_pages;
	spinlock_t int_lock; /* guards int_page */
	unsigned long *int_page;
	DECLARE_BITMAP(rescind_requests, HVSIM_MAX_DEVICES + 1);
	struct work_struct rescind_work;
	atomic64_t signals_invalid;
	spinlock_t monitor_lock; /* guards monitor_pages, monitor_relids */
	struct hv_vmbus_monitor_page *monitor_pages[HVSIM_MONITOR_PAGES];
	u8 monitor_relids[HVSIM_MAX_MONITOR_IDS];
	struct hrtimer monitor_timer;
	bool monitor_polling;
	u64 monitor_polls;
	atomic64_t monitor_invalid;
	struct hvsim_hvsock_conn hvsock[HVSIM_HVSOCK_MAX_CONNS];
	u32 hvsock_next_id;
	u32 last_hvsock;
	struct delayed_work hvsock_timeout;
	struct hvsim_hvsock_stats hvsock_stats;
	struct {
		u64 msgs_in;
		u64 msgs_out;
		u64 msgs_rejected;
		u32 contacts;
		u32 contacts_refused;
		u32 unloads;
		u32 offers_sent;
		u32 rescinds_sent;
		u32 relids_released;
		u64 gpadls_created;
		u64 gpadls_torndown;
		u64 gpadls_refused;
		u64 gpadl_teardowns_deferred;
		u64 channels_opened;
		u64 opens_refused;
		u64 modifies_received;
		u64 modifies_refused;
		u64 bad_target_vps;
	} stats;
};

extern struct hvsim hvsim;

/* hostsim_vmbus.c: the VMBus control plane, host side */
void hvsim_handle_message(u32 connection_id, const void *msg, u32 size);
int hvsim_check_connection(u32 connection_id, const void *msg, u32 size);
bool hvsim_version_known(u32 version);
void hvsim_reject(u32 msgtype, const char *why);

/* hostsim_devices.c: the device table, offers and rescinds */
struct hvsim_dev *hvsim_dev_get(u32 relid);
struct hvsim_dev *hvsim_dev_create(const struct hvsim_class *class, const guid_t *class_guid,
				   const guid_t *instance);
int hvsim_dev_add(const struct hvsim_class *class, const guid_t *class_guid,
		  const guid_t *instance, bool monitored);
u32 hvsim_dev_conn_id(const struct hvsim_dev *d);
int hvsim_dev_add_subchannels(u32 relid, unsigned int n);
int hvsim_dev_rescind(u32 relid);
unsigned int hvsim_dev_count(void);
const char *hvsim_dev_state_name(enum hvsim_dev_state state);
void hvsim_offer_pending(void);
void hvsim_relid_released(const void *msg, u32 size);
void hvsim_forget_offers(void);

/* hostsim_control.c: the commands of the control file */
extern const struct hvsim_class hvsim_classes[];
extern const unsigned int hvsim_n_classes;
extern const struct hvsim_class hvsim_class_unknown;
int hvsim_control(char *cmd, size_t len);
__printf(1, 2) void hvsim_cmd_fail(const char *fmt, ...);

/* hostsim_main.c */
void hvsim_send_to_guest(const void *msg, u32 size);

/* hostsim_signal.c: HvSignalEvent from the guest, interrupts to it */
void hvsim_signal_event(u32 connection_id);
void hvsim_int_page_map(u64 gpa);
void hvsim_int_page_unmap(void);
void hvsim_int_page_raise(u32 relid);
void hvsim_int_page_take(u32 relid);

/* hostsim_monitor.c: monitored notification, the monitor pages */
struct vmbus_channel_initiate_contact;
void hvsim_monitor_init(void);
const char *hvsim_monitor_check(const struct vmbus_channel_initiate_contact *req);
int hvsim_monitor_map(const struct vmbus_channel_initiate_contact *req);
void hvsim_monitor_unmap(void);
void hvsim_monitor_offer(const struct hvsim_dev *d, u32 conn_id);
void hvsim_monitor_forget(const struct hvsim_dev *d);
void hvsim_monitor_update(void);

/* hostsim_fault.c: fault injection */
int hvsim_cmd_fault(int argc, char **argv);
void hvsim_fault_request_rescind(struct hvsim_chan *c);
void hvsim_fault_rescind_work(struct work_struct *work);
int hvsim_fault_show(const struct hvsim_fault *f, char *buf, size_t size);

/* hostsim_hvsock.c: Hyper-V sockets, control plane (hvsim.lock held) */
extern const struct hvsim_class hvsim_class_hvsock;
void hvsim_hvsock_connect_request(const void *msg, u32 size);
int hvsim_cmd_hvsock(int argc, char **argv);
void hvsim_hvsock_fill_offer(u32 relid, struct vmbus_channel_offer *offer);
void hvsim_hvsock_opened(struct hvsim_chan *c);
void hvsim_hvsock_guest_closed(u32 relid);
void hvsim_hvsock_rescinded(u32 relid);
void hvsim_hvsock_forget(u32 relid);
void hvsim_hvsock_init(void);
void hvsim_hvsock_exit(void);
int hvsim_hvsock_show(struct seq_file *s);
int hvsim_hvsock_services_show(struct seq_file *s);

/* hostsim_selftest.c: the host checked against a built-in fake guest */
int hvsim_selftest(void);

/* hostsim_debugfs.c */
int hvsim_debugfs_init(void);
void hvsim_debugfs_exit(void);

#endif /* _HOSTSIM_H */
