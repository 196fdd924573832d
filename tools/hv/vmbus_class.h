/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names of the VMBus device classes, keyed by the class (interface type)
 * GUID that the kernel shows in /sys/bus/vmbus/devices/<dev>/class_id.
 */
#ifndef HV_TOOLS_VMBUS_CLASS_H
#define HV_TOOLS_VMBUS_CLASS_H

/* Name printed for a class GUID that is not in the table. */
#define VMBUS_CLASS_UNKNOWN "Unknown"

/*
 * @guid is the lower-case form with braces, as the kernel prints it:
 * "{f8615163-df3e-46c5-913f-f2d2f965ed0e}". Returns the class name, or
 * VMBUS_CLASS_UNKNOWN when @guid is NULL or not a known class.
 */
const char *vmbus_class_name(const char *guid);

#endif /* HV_TOOLS_VMBUS_CLASS_H */
