/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the VMBus devices from sysfs (Documentation/ABI/stable/
 * sysfs-bus-vmbus): one directory per device, named after its instance
 * GUID, holding id (the primary channel's relid), class_id, device_id,
 * channel_vp_mapping ("relid:cpu" per line) and channels/<relid>/cpu.
 *
 * Anything malformed is reported on stderr with the file's path; a device
 * without a usable id is skipped, any other bad field is left out.
 */
#ifndef HV_TOOLS_VMBUS_SYSFS_H
#define HV_TOOLS_VMBUS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#define VMBUS_SYSFS_DEVICES "/sys/bus/vmbus/devices"

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */
#define VMBUS_GUID_LEN 38

struct vmbus_chan_info {
	unsigned int relid;
	unsigned int cpu;
};

struct vmbus_dev {
	char *name;			/* directory name under the root */
	char *path;			/* root "/" name */
	unsigned int id;		/* relid of the primary channel */
	bool has_class_id;
	bool has_device_id;
	char class_id[VMBUS_GUID_LEN + 1];	/* lower case, with braces */
	char device_id[VMBUS_GUID_LEN + 1];
	struct vmbus_chan_info *chans;	/* sorted by relid */
	size_t nr_chans;
};

struct vmbus_dev_list {
	struct vmbus_dev *devs;		/* sorted by id, then name */
	size_t nr;
};

/*
 * Read every device under @root into @list. Returns 0, or a negative errno
 * when @root itself cannot be read (nothing is printed for that case).
 * Exits with status 1 when out of memory.
 */
int vmbus_scan(const char *root, struct vmbus_dev_list *list);

void vmbus_dev_list_free(struct vmbus_dev_list *list);

#endif /* HV_TOOLS_VMBUS_SYSFS_H */
