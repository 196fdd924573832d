/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus wire facts that the kernel's <linux/hyperv.h> does not carry on every
 * kernel of the matrix. The channel-message structures themselves are the
 * kernel's (struct vmbus_channel_*), shared by the guest core and the host
 * simulator.
 */
#ifndef _HV_VMBUS_PROTO_H
#define _HV_VMBUS_PROTO_H

#include <linux/hyperv.h>

#define HV_VMBUS_VERSION(major, minor)	(((major) << 16) | (minor))
#define HV_VMBUS_VERSION_MAJOR(v)	((v) >> 16)
#define HV_VMBUS_VERSION_MINOR(v)	((v) & 0xffff)

/* Newer than any Linux of the matrix knows: OpenVMM's "Copper". */
#define HV_VMBUS_VERSION_COPPER		HV_VMBUS_VERSION(6, 0)

/* Connection ids for channel messages (guest to host). */
#define HV_VMBUS_MSG_CONN_ID_OLD	1	/* protocol < 5.0 */
#define HV_VMBUS_MSG_CONN_ID_V5		4	/* INITIATE_CONTACT, >= 5.0 */

/* The SINT VMBus messages arrive on. */
#define HV_VMBUS_MESSAGE_SINT		2

/* Connection id for channel signalling before win7 offers carried one. */
#define HV_VMBUS_EVENT_CONN_ID		2

/* PCI-style vendor id VMBus devices show in sysfs. */
#define HV_VMBUS_VENDOR_MICROSOFT	0x1414

/* Relids index the 2048-bit channel event bitmap: they stay below this. */
#define HV_VMBUS_MAX_RELID		2048

/* The monitor pages have 4 trigger groups of 32 monitored channels. */
#define HV_VMBUS_MAX_MONITOR_ID		128

/* Largest payload of a SynIC message (HvPostMessage / SINT delivery). */
#define HV_VMBUS_MSG_PAYLOAD_MAX	240

/* HvPostMessage message type of VMBus channel messages. */
#define HV_VMBUS_MESSAGE_TYPE		1

#endif /* _HV_VMBUS_PROTO_H */
