/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lsvmbus output: the Python tool's text format at its three levels, and
 * JSON.
 */
#ifndef HV_TOOLS_LSVMBUS_PRINT_H
#define HV_TOOLS_LSVMBUS_PRINT_H

#include <stdio.h>

#include "vmbus_sysfs.h"

/*
 * @level 0: "VMBUS ID nn: <class name>" per device.
 * @level 1: adds the class GUID and one "Rel_ID=r, target_cpu=c" line per
 *           channel, and a blank line after each device.
 * @level 2: adds the device (instance) GUID and the sysfs path.
 * Fields that could not be read print as "?".
 */
void print_text(FILE *f, const struct vmbus_dev_list *list, int level);

/* One JSON array with every field of every device; null for unread ones. */
void print_json(FILE *f, const struct vmbus_dev_list *list);

#endif /* HV_TOOLS_LSVMBUS_PRINT_H */
