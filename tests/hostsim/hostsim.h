/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host simulator: the host half of VMBus, run inside the test guest in
 * place of Hyper-V. Written from the protocol facts, independently of the
 * guest core in drivers/hv: it shares only the wire structures (the kernel's
 * <linux/hyperv.h>) and the hypervisor-interface contract (hv/hv_iface.h).
 */
#ifndef _HOSTSIM_H
#define _HOSTSIM_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "hv/hv_iface.h"
#include "hv/vmbus_proto.h"

/* The connection id the simulated host hands out for channel messages. */
#define HVSIM_MSG_CONN_ID	1

enum hvsim_conn_state {
	HVSIM_DISCONNECTED,
	HVSIM_CONNECTED,
};

/**
 * struct hvsim - the simulated host
 * @lock:	serializes the host's message handling and its state
 * @guest_ops:	the attached guest, or NULL
 * @guest_ctx:	its context argument
 * @max_version: newest protocol version this host accepts
 * @state:	connection state
 * @version:	the version agreed with the guest
 * @wq:		ordered queue on which guest messages are handled
 * @stats:	counters shown in debugfs
 */
struct hvsim {
	struct mutex lock; /* serializes message handling and state */
	const struct hv_iface_guest_ops *guest_ops;
	void *guest_ctx;
	u32 max_version;
	enum hvsim_conn_state state;
	u32 version;
	struct workqueue_struct *wq;
	struct {
		u64 msgs_in;
		u64 msgs_out;
		u64 msgs_rejected;
		u32 contacts;
		u32 unloads;
	} stats;
};

extern struct hvsim hvsim;

/* hostsim_vmbus.c: the VMBus control plane, host side */
void hvsim_handle_message(u32 connection_id, const void *msg, u32 size);
int hvsim_check_connection(u32 connection_id, const void *msg, u32 size);
bool hvsim_version_known(u32 version);

/* hostsim_main.c */
void hvsim_send_to_guest(const void *msg, u32 size);

/* hostsim_debugfs.c */
int hvsim_debugfs_init(void);
void hvsim_debugfs_exit(void);

#endif /* _HOSTSIM_H */
