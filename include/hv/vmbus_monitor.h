/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus monitor page: a wire fact the kernel keeps in a private header
 * (drivers/hv/hyperv_vmbus.h), so not in any headers package of the matrix.
 * Shared by the guest core (drivers/hv/vmbus_monitor.c) and the host
 * simulator (tests/hostsim/hostsim_monitor.c).
 *
 * A guest names two of them in INITIATE_CONTACT: monitor_page1, the
 * "server" page (host to guest), and monitor_page2, the "client" page
 * (guest to host). Monitored channels (offers with monitor_allocated) have
 * a monitor id below HV_VMBUS_MAX_MONITOR_ID: group = id / 32, bit =
 * id % 32. The host fills latency[group][bit] (100 ns units) and
 * parameter[group][bit] (the connection id to signal); the guest signals
 * by setting the bit in trigger_group[group].pending of the client page.
 */
#ifndef _HV_VMBUS_MONITOR_H
#define _HV_VMBUS_MONITOR_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

#define HV_VMBUS_MONITOR_GROUPS		4
#define HV_VMBUS_MONITOR_PER_GROUP	32

/**
 * struct hv_vmbus_monitor_trigger - one trigger group
 * @pending:	bit N: the channel with bit N of this group has work
 * @armed:	reserved for the hypervisor
 */
struct hv_vmbus_monitor_trigger {
	u32 pending;
	u32 armed;
};

/**
 * struct hv_vmbus_monitor_param - what the host signals for one monitor id
 * @connection_id: the connection id (low 24 bits; the top byte reserved)
 * @flag_number: the event flag
 * @reserved:	zero
 */
struct hv_vmbus_monitor_param {
	u32 connection_id;
	u16 flag_number;
	u16 reserved;
};

/**
 * struct hv_vmbus_monitor_page - a monitor page, 4 KiB
 * @trigger_state: bits 0-3: the groups enabled
 * @reserved1:	zero
 * @trigger_group: the pending bits, one group of 32 monitor ids each
 * @reserved2:	zero
 * @next_checktime: for the hypervisor
 * @latency:	per monitor id, in 100 ns units
 * @reserved3:	zero
 * @parameter:	per monitor id
 * @reserved4:	up to 4 KiB
 */
struct hv_vmbus_monitor_page {
	u32 trigger_state;
	u32 reserved1;
	struct hv_vmbus_monitor_trigger trigger_group[HV_VMBUS_MONITOR_GROUPS];
	u64 reserved2[3];
	s32 next_checktime[HV_VMBUS_MONITOR_GROUPS][HV_VMBUS_MONITOR_PER_GROUP];
	u16 latency[HV_VMBUS_MONITOR_GROUPS][HV_VMBUS_MONITOR_PER_GROUP];
	u64 reserved3[32];
	struct hv_vmbus_monitor_param parameter[HV_VMBUS_MONITOR_GROUPS]
					       [HV_VMBUS_MONITOR_PER_GROUP];
	u8 reserved4[1984];
};

static_assert(sizeof(struct hv_vmbus_monitor_param) == 8);
static_assert(offsetof(struct hv_vmbus_monitor_page, trigger_group) == 8);
static_assert(offsetof(struct hv_vmbus_monitor_page, next_checktime) == 64);
static_assert(offsetof(struct hv_vmbus_monitor_page, latency) == 576);
static_assert(offsetof(struct hv_vmbus_monitor_page, parameter) == 1088);
static_assert(sizeof(struct hv_vmbus_monitor_page) == 4096);

/* The 24 bits of a connection id; the top byte is reserved. */
#define HV_VMBUS_CONNECTION_ID_MASK	0xffffff

#endif /* _HV_VMBUS_MONITOR_H */
