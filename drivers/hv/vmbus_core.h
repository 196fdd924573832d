/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_vmbus internals shared between the files of the VMBus core.
 */
#ifndef _HV_VMBUS_CORE_H
#define _HV_VMBUS_CORE_H

#include <linux/completion.h>
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
 * @response:	 a copy of the message, once it arrived
 * @size:	 its size in bytes
 * @done:	 completed when the message arrived
 */
struct vmbus_msg_waiter {
	struct list_head node;
	u32 msgtype;
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
 * @root:	  parent of the VMBus devices
 * @unloading:	  set once unload started: new offers are ignored
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
	struct device *root;
	bool unloading;
};

extern struct vmbus_core vmbus_core;

/* vmbus_msg.c: messages to and from the host */
void vmbus_on_message(void *ctx, const void *payload, u32 size);
void vmbus_on_event(void *ctx, u32 relid);
int vmbus_post_msg(u32 connection_id, const void *msg, u32 size);
void vmbus_waiter_init(struct vmbus_msg_waiter *w, u32 msgtype);
int vmbus_call(u32 connection_id, const void *msg, u32 size,
	       struct vmbus_msg_waiter *w, unsigned int timeout_ms);

/* vmbus_bus.c: the bus type */
extern struct bus_type vmbus_bus;

/* vmbus_channels.c: offers and rescinds */
void vmbus_onoffer(const struct vmbus_channel_offer_channel *offer);
void vmbus_onrescind(const struct vmbus_channel_rescind_offer *msg);
void vmbus_remove_all_channels(void);

/* vmbus_connection.c: connecting to and disconnecting from the host */
int vmbus_connect(void);
void vmbus_disconnect(void);

#endif /* _HV_VMBUS_CORE_H */
