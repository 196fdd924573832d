/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_vmbus internals shared between the files of the VMBus core.
 */
#ifndef _HV_VMBUS_CORE_H
#define _HV_VMBUS_CORE_H

#include <linux/completion.h>
#include <linux/hyperv.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "hv/hv_iface.h"
#include "hv/vmbus_proto.h"

/**
 * struct vmbus_msg_waiter - a caller waiting for one host message
 * @node:	 on vmbus_core.waiters while waiting
 * @msgtype:	 the CHANNELMSG_* type awaited
 * @keyed:	 match @key too (see vmbus_msg_key())
 * @key:	 the relid or GPADL handle the answer must carry
 * @response:	 a copy of the message, once it arrived
 * @size:	 its size in bytes
 * @done:	 completed when the message arrived
 */
struct vmbus_msg_waiter {
	struct list_head node;
	u32 msgtype;
	bool keyed;
	u32 key;
	u8 response[HV_VMBUS_MSG_PAYLOAD_MAX];
	u32 size;
	struct completion done;
};

/**
 * struct vmbus_core - the state of the connection to the host
 * @iface:	  the hypervisor interface in use
 * @version:	  the negotiated protocol version, 0 before
 * @msg_conn_id:  connection id for channel messages after negotiation
 * @waiters_lock: protects @waiters
 * @waiters:	  struct vmbus_msg_waiter entries
 * @msg_wq:	  ordered queue where host messages are handled, in order
 * @int_page:	  interrupt page (protocol < 2.4 signalling; given to all)
 * @monitor_pages: the two monitor pages shared with the host
 * @channels_lock: protects @channels and the sub-channel lists
 * @channels:	  relid -> struct vmbus_channel, primaries and sub-channels
 * @dev_wq:	  ordered queue where devices are added and removed
 * @chan_state_lock: serializes moving a channel to another CPU with closing
 *		  it, so that no MODIFYCHANNEL follows a CLOSECHANNEL
 * @root:	  parent of the VMBus devices
 * @unloading:	  set once unload started: new offers are ignored
 * @unloaded_atomic: the atomic unload (panic, kexec, crash) has run
 */
struct vmbus_core {
	const struct hv_iface *iface;
	u32 version;
	u32 msg_conn_id;
	spinlock_t waiters_lock; /* protects waiters */
	struct list_head waiters;
	struct workqueue_struct *msg_wq;
	void *int_page;
	void *monitor_pages[2];
	struct mutex channels_lock; /* protects channels and sub-channel lists */
	struct xarray channels;
	struct workqueue_struct *dev_wq;
	struct mutex chan_state_lock; /* see above */
	struct device *root;
	bool unloading;
	atomic_t unloaded_atomic;
};

extern struct vmbus_core vmbus_core;

/**
 * struct vmbus_chan - our private state around a struct vmbus_channel
 * @channel:	 what drivers see; every channel is allocated as part of this
 * @in_pkt_len:	 ring bytes of the inbound packet the iterator stands on
 * @in_start:	 inbound read index when the current read batch began
 * @in_broken:	 the host wrote a malformed packet: the ring is not read again
 * @out_broken:	 the host published an invalid read index on the outbound ring
 * @in_bad_pkts: malformed or oversized inbound packets dropped
 * @sysfs_added: its channels/<relid> directory exists
 * @rcu:	 frees it a grace period after it left the relid table
 */
struct vmbus_chan {
	struct vmbus_channel channel;
	u32 in_pkt_len;
	u32 in_start;
	bool in_broken;
	bool out_broken;
	u64 in_bad_pkts;
	bool sysfs_added;
	struct rcu_head rcu;
};

static inline struct vmbus_chan *to_vmbus_chan(struct vmbus_channel *channel)
{
	return container_of(channel, struct vmbus_chan, channel);
}

/* How long a channel request (GPADL, open, close) may wait for the host. */
#define VMBUS_CHAN_REQUEST_TIMEOUT_MS	20000

/* vmbus_msg.c: messages to and from the host */
void vmbus_on_message(void *ctx, const void *payload, u32 size);
void vmbus_on_event(void *ctx, u32 relid);
int vmbus_post_msg(u32 connection_id, const void *msg, u32 size);
void vmbus_waiter_init(struct vmbus_msg_waiter *w, u32 msgtype);
void vmbus_waiter_init_key(struct vmbus_msg_waiter *w, u32 msgtype, u32 key);
void vmbus_waiter_add(struct vmbus_msg_waiter *w);
int vmbus_waiter_wait(struct vmbus_msg_waiter *w, struct vmbus_channel *channel,
		      unsigned int timeout_ms);
int vmbus_call(u32 connection_id, const void *msg, u32 size,
	       struct vmbus_msg_waiter *w, unsigned int timeout_ms);
int vmbus_chan_call(struct vmbus_channel *channel, const void *msg, u32 size,
		    struct vmbus_msg_waiter *w);

/* vmbus_event.c: channel interrupts */
void vmbus_chan_event_init(struct vmbus_channel *channel);
void vmbus_chan_event_stop(struct vmbus_channel *channel);

/* vmbus_ring.c: the two rings of an open channel */
struct kvec;
int vmbus_ring_init(struct vmbus_channel *channel, struct hv_ring_buffer_info *rbi,
		    struct page *pages, u32 page_cnt, u32 max_pkt_size);
void vmbus_ring_cleanup(struct hv_ring_buffer_info *rbi);
int vmbus_ring_write(struct vmbus_channel *channel, const struct kvec *kv, u32 kv_cnt,
		     u64 requestid, u64 *trans_id);
int vmbus_ring_read(struct vmbus_channel *channel, void *buffer, u32 buflen,
		    u32 *actual_len, u64 *requestid, bool raw);

/* vmbus_requestor.c: request ids */
int vmbus_rqstor_init(struct vmbus_channel *channel);
void vmbus_rqstor_free(struct vmbus_channel *channel);
u64 vmbus_rqstor_get(struct vmbus_channel *channel, const struct vmpacket_descriptor *desc,
		     u64 requestid);

/* vmbus_mmio.c: MMIO space for devices; vmbus_acpi.c: where it is */
int vmbus_mmio_add_range(resource_size_t start, resource_size_t size);
void vmbus_mmio_reserve_fb(resource_size_t start, resource_size_t size);
void vmbus_mmio_remove_ranges(void);
int vmbus_acpi_find_mmio(void);

/* vmbus_crash.c: unload on panic, kexec and crash (real Hyper-V) */
void vmbus_crash_handlers_add(void);
void vmbus_crash_handlers_remove(void);

/* vmbus_chan_sysfs.c: channels/<relid>/ */
int vmbus_chan_sysfs_add(struct vmbus_channel *channel);
void vmbus_chan_sysfs_del(struct vmbus_channel *channel);
void vmbus_chan_sysfs_del_kset(struct hv_device *dev);
#ifdef HV_HAVE_RING_SYSFS
/* exported; the kernel declares them in a private header */
int hv_create_ring_sysfs(struct vmbus_channel *channel,
			 int (*hv_mmap_ring_buffer)(struct vmbus_channel *channel,
						    struct vm_area_struct *vma));
int hv_remove_ring_sysfs(struct vmbus_channel *channel);
#endif

/* vmbus_modify.c: moving a channel to another CPU */
int vmbus_chan_retarget(struct vmbus_channel *channel, unsigned int cpu);

/* vmbus_open.c: opening and closing channels */
void vmbus_chan_release_resources(struct vmbus_channel *channel);

/* vmbus_bus.c: the bus type */
extern struct bus_type vmbus_bus;

/* vmbus_channels.c: offers and rescinds */
void vmbus_onoffer(const struct vmbus_channel_offer_channel *offer);
void vmbus_onrescind(const struct vmbus_channel_rescind_offer *msg);
void vmbus_remove_all_channels(void);
void vmbus_remove_primary(struct vmbus_channel *channel, bool release);
void vmbus_free_channel(struct vmbus_channel *channel);
/* exported; the kernel declares it in a private header, or nowhere */
void vmbus_device_unregister(struct hv_device *device_obj);

/* vmbus_monitor.c: monitored notification and the monitor pages */
enum vmbus_monitor_side {
	VMBUS_MONITOR_SERVER,	/* monitor_pages[0]: host to guest */
	VMBUS_MONITOR_CLIENT,	/* monitor_pages[1]: guest to host */
};

enum vmbus_monitor_field {
	VMBUS_MONITOR_PENDING,	/* trigger_group[group].pending, all 32 bits */
	VMBUS_MONITOR_LATENCY,	/* latency[group][bit], 100 ns units */
	VMBUS_MONITOR_CONN_ID,	/* parameter[group][bit].connection_id */
};

void vmbus_monitor_signal(struct vmbus_channel *channel);
int vmbus_monitor_read(const struct vmbus_channel *channel, enum vmbus_monitor_side side,
		       enum vmbus_monitor_field field, u32 *val);

/* vmbus_connection.c: connecting to and disconnecting from the host */
int vmbus_connect(void);
void vmbus_disconnect(void);
void vmbus_disconnect_atomic(void);
bool vmbus_cpu_in_use(void *ctx, unsigned int cpu);

/**
 * vmbus_cpu_to_vp() - the hypervisor's number for a Linux CPU
 * @cpu: the CPU
 *
 * Return: what target_vp fields of channel messages carry for @cpu.
 */
static inline u32 vmbus_cpu_to_vp(unsigned int cpu)
{
	return vmbus_core.iface->vp_index ? vmbus_core.iface->vp_index(cpu) : cpu;
}

#endif /* _HV_VMBUS_CORE_H */
