/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor interface: the only way the VMBus core reaches the host.
 *
 * Everything above it (the VMBus protocol, channels, GPADLs, rings and the
 * drivers) is the same code on real Hyper-V and against the host simulator.
 * It has the shape of what Hyper-V offers a guest: post a message to a host
 * connection (HvPostMessage), signal an event on a connection
 * (HvSignalEvent), and deliver messages and channel events to the guest
 * (SynIC message and event-flag interrupts).
 *
 * Two implementations exist: real Hyper-V (drivers/hv/hv_iface_hyperv.c) and
 * the host simulator (tests/hostsim), a separate module that exports
 * HV_IFACE_SIM_SYMBOL; hv_vmbus looks that symbol up at load time with
 * symbol_get(), so it has no link-time dependency on the simulator.
 */
#ifndef _HV_IFACE_H
#define _HV_IFACE_H

#include <linux/types.h>

/**
 * struct hv_iface_guest_ops - how the hypervisor side calls the guest
 * @on_message: a message arrived on the VMBus SINT. @payload points to
 *		@size bytes (at most HV_VMBUS_MSG_PAYLOAD_MAX) that stay
 *		valid only during the call: copy before use. May be called in
 *		interrupt context.
 * @on_event:	the event flag of channel @relid was set. May be called in
 *		interrupt context. Relid 0 is no channel: it is the flag a
 *		host before protocol 2.4 sets to say "look at the receive
 *		half of the interrupt page".
 * @cpu_in_use: optional; whether channel events still target @cpu (a CPU
 *		the host interrupts cannot be taken offline)
 */
struct hv_iface_guest_ops {
	void (*on_message)(void *ctx, const void *payload, u32 size);
	void (*on_event)(void *ctx, u32 relid);
	bool (*cpu_in_use)(void *ctx, unsigned int cpu);
};

/**
 * struct hv_iface - one implementation of the hypervisor interface
 * @name:	shown in the kernel log
 * @attach:	start delivering to @ops (with @ctx) until @detach
 * @detach:	stop delivering; no callback runs after it returns
 * @post_message: HvPostMessage of @size bytes to @connection_id;
 *		0, or -EINVAL for a connection id the host does not have,
 *		-EAGAIN when the host's queue is full (retry later)
 * @signal_event: HvSignalEvent on @connection_id
 * @vp_index:	optional; the hypervisor's number for Linux CPU @cpu (the
 *		target_vp of channel messages); without it, the CPU number
 * @poll_message: optional; for unloading when interrupts cannot be relied
 *		on (panic, crash kernel, kexec): take one pending host message
 *		from any CPU without waiting, copy at most @size bytes of its
 *		payload to @buf. Returns the payload size, 0 when none is
 *		pending.
 */
struct hv_iface {
	const char *name;
	int (*attach)(const struct hv_iface_guest_ops *ops, void *ctx);
	void (*detach)(void);
	int (*post_message)(u32 connection_id, const void *payload, u32 size);
	void (*signal_event)(u32 connection_id);
	u32 (*vp_index)(unsigned int cpu);
	u32 (*poll_message)(void *buf, u32 size);
};

/* Exported by the host simulator module (tests/hostsim). */
#define HV_IFACE_SIM_SYMBOL hvsim_iface
extern const struct hv_iface hvsim_iface;

#endif /* _HV_IFACE_H */
