// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-channel sysfs, as Documentation/ABI/stable/sysfs-bus-vmbus lays it
 * out: /sys/bus/vmbus/devices/<instance>/channels/<relid>/ for the primary
 * channel and each sub-channel, with the ring indices and statistics, and a
 * writable "cpu" that moves the channel's interrupts to another CPU; for a
 * monitored channel also monitor_id and the client monitor page's pending
 * and latency, which other channels do not have.
 *
 * A channel's kobject lives inside struct vmbus_channel, whose memory we
 * manage ourselves: the kobject is deleted (which waits for sysfs readers
 * to leave) before the channel is freed, and its release does nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_vmbus_drv.h"

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "hv/vmbus_ring.h"
#include "vmbus_core.h"

struct vmbus_chan_attribute {
	struct attribute attr;
	ssize_t (*show)(struct vmbus_channel *channel, char *buf);
	ssize_t (*store)(struct vmbus_channel *channel, const char *buf, size_t count);
};

#define VMBUS_CHAN_ATTR_RO(_name) \
	static struct vmbus_chan_attribute chan_attr_##_name = __ATTR_RO(_name)
#define VMBUS_CHAN_ATTR_RW(_name) \
	static struct vmbus_chan_attribute chan_attr_##_name = __ATTR_RW(_name)

/* A ring's indices, read once; zeros while the channel is not open. */
struct vmbus_ring_snapshot {
	u32 mask, read, write, to_read, to_write;
};

static void vmbus_ring_snap(struct hv_ring_buffer_info *rbi, struct vmbus_ring_snapshot *s)
{
	struct hv_ring_buffer_debug_info info;

	memset(s, 0, sizeof(*s));
	if (hv_ringbuffer_get_debuginfo(rbi, &info))
		return;
	s->mask = info.current_interrupt_mask;
	s->read = info.current_read_index;
	s->write = info.current_write_index;
	s->to_read = info.bytes_avail_toread;
	s->to_write = info.bytes_avail_towrite;
}

#define VMBUS_RING_ATTR(_name, _inbound, _field)					\
	static ssize_t _name##_show(struct vmbus_channel *channel, char *buf)	\
	{									\
		struct vmbus_ring_snapshot s;					\
										\
		vmbus_ring_snap((_inbound) ? &channel->inbound :		\
				&channel->outbound, &s);			\
		return sysfs_emit(buf, "%u\n", s._field);			\
	}									\
	VMBUS_CHAN_ATTR_RO(_name)

VMBUS_RING_ATTR(out_mask, false, mask);
VMBUS_RING_ATTR(out_read_index, false, read);
VMBUS_RING_ATTR(out_write_index, false, write);
VMBUS_RING_ATTR(out_read_bytes_avail, false, to_read);
VMBUS_RING_ATTR(out_write_bytes_avail, false, to_write);
VMBUS_RING_ATTR(in_mask, true, mask);
VMBUS_RING_ATTR(in_read_index, true, read);
VMBUS_RING_ATTR(in_write_index, true, write);
VMBUS_RING_ATTR(in_read_bytes_avail, true, to_read);
VMBUS_RING_ATTR(in_write_bytes_avail, true, to_write);
/* the older names: what the guest may read, and write */
VMBUS_RING_ATTR(read_avail, true, to_read);
VMBUS_RING_ATTR(write_avail, false, to_write);

#define VMBUS_CHAN_U64_ATTR(_name, _expr)					\
	static ssize_t _name##_show(struct vmbus_channel *channel, char *buf)	\
	{									\
		return sysfs_emit(buf, "%llu\n", (unsigned long long)(_expr));	\
	}									\
	VMBUS_CHAN_ATTR_RO(_name)

VMBUS_CHAN_U64_ATTR(events, channel->sig_events);
VMBUS_CHAN_U64_ATTR(interrupts, channel->interrupts);
VMBUS_CHAN_U64_ATTR(intr_in_full, channel->intr_in_full);
VMBUS_CHAN_U64_ATTR(intr_out_empty, channel->intr_out_empty);
VMBUS_CHAN_U64_ATTR(out_full_first, channel->out_full_first);
VMBUS_CHAN_U64_ATTR(out_full_total, channel->out_full_total);
VMBUS_CHAN_U64_ATTR(subchannel_id, channel->offermsg.offer.sub_channel_index);
VMBUS_CHAN_U64_ATTR(monitor_id, channel->offermsg.monitorid);
VMBUS_CHAN_U64_ATTR(bad_packets, to_vmbus_chan(channel)->in_bad_pkts);

/* The client (guest-to-host) monitor page entries of a monitored channel. */
#define VMBUS_CHAN_MONITOR_ATTR(_name, _field)					\
	static ssize_t _name##_show(struct vmbus_channel *channel, char *buf)	\
	{									\
		u32 val;							\
		int ret;							\
										\
		ret = vmbus_monitor_read(channel, VMBUS_MONITOR_CLIENT, _field, &val); \
		return ret ?: sysfs_emit(buf, "%u\n", val);			\
	}									\
	VMBUS_CHAN_ATTR_RO(_name)

VMBUS_CHAN_MONITOR_ATTR(pending, VMBUS_MONITOR_PENDING);
VMBUS_CHAN_MONITOR_ATTR(latency, VMBUS_MONITOR_LATENCY);

static ssize_t cpu_show(struct vmbus_channel *channel, char *buf)
{
	return sysfs_emit(buf, "%u\n", channel->target_cpu);
}

/*
 * Errors as the in-tree driver's: EIO before protocol 4.1, for what is not
 * a number, a channel that is not open or a move the host did not take;
 * EINVAL for a CPU that does not exist or is offline.
 */
static ssize_t cpu_store(struct vmbus_channel *channel, const char *buf, size_t count)
{
	unsigned int cpu;
	int ret;

	if (vmbus_core.version < HV_VMBUS_VERSION(4, 1))
		return -EIO;
	if (kstrtouint(buf, 10, &cpu))
		return -EIO;
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	ret = vmbus_chan_retarget(channel, cpu);
	return ret ?: count;
}
VMBUS_CHAN_ATTR_RW(cpu);

static struct attribute *vmbus_chan_attrs[] = {
	&chan_attr_out_mask.attr,
	&chan_attr_out_read_index.attr,
	&chan_attr_out_write_index.attr,
	&chan_attr_out_read_bytes_avail.attr,
	&chan_attr_out_write_bytes_avail.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_in_read_index.attr,
	&chan_attr_in_write_index.attr,
	&chan_attr_in_read_bytes_avail.attr,
	&chan_attr_in_write_bytes_avail.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	&chan_attr_events.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_out_full_total.attr,
	&chan_attr_subchannel_id.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_pending.attr,
	&chan_attr_latency.attr,
	&chan_attr_bad_packets.attr,
	&chan_attr_cpu.attr,
	NULL,
};

/* The monitor attributes exist only for channels the host monitors. */
static umode_t vmbus_chan_attr_is_visible(struct kobject *kobj, struct attribute *attr, int idx)
{
	const struct vmbus_channel *channel = container_of(kobj, struct vmbus_channel, kobj);

	if (!channel->offermsg.monitor_allocated &&
	    (attr == &chan_attr_monitor_id.attr || attr == &chan_attr_pending.attr ||
	     attr == &chan_attr_latency.attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group vmbus_chan_group = {
	.attrs = vmbus_chan_attrs,
	.is_visible = vmbus_chan_attr_is_visible,
};
__ATTRIBUTE_GROUPS(vmbus_chan);

static ssize_t vmbus_chan_attr_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct vmbus_chan_attribute *a = container_of(attr, struct vmbus_chan_attribute, attr);

	return a->show(container_of(kobj, struct vmbus_channel, kobj), buf);
}

static ssize_t vmbus_chan_attr_store(struct kobject *kobj, struct attribute *attr,
				     const char *buf, size_t count)
{
	struct vmbus_chan_attribute *a = container_of(attr, struct vmbus_chan_attribute, attr);

	if (!a->store)
		return -EIO;
	return a->store(container_of(kobj, struct vmbus_channel, kobj), buf, count);
}

static const struct sysfs_ops vmbus_chan_sysfs_ops = {
	.show = vmbus_chan_attr_show,
	.store = vmbus_chan_attr_store,
};

static void vmbus_chan_kobj_release(struct kobject *kobj)
{
	/* the channel is freed by its owner, after vmbus_chan_sysfs_del() */
}

/* not const: before 6.2 kobject_init_and_add() took a writable type */
static struct kobj_type vmbus_chan_ktype = {
	.sysfs_ops = &vmbus_chan_sysfs_ops,
	.release = vmbus_chan_kobj_release,
	.default_groups = vmbus_chan_groups,
};

/**
 * vmbus_chan_sysfs_add() - show a channel under its device's channels/
 * @channel: a primary channel whose device is registered, or a sub-channel
 *
 * Return: 0 or a negative errno (the channel then has no directory).
 */
int vmbus_chan_sysfs_add(struct vmbus_channel *channel)
{
	struct vmbus_channel *primary = channel->primary_channel ?: channel;
	struct hv_device *dev = primary->device_obj;
	int ret;

	if (!dev)
		return -ENODEV;
	if (!dev->channels_kset) {
		dev->channels_kset = kset_create_and_add("channels", NULL, &dev->device.kobj);
		if (!dev->channels_kset)
			return -ENOMEM;
	}
	channel->kobj.kset = dev->channels_kset;
	ret = kobject_init_and_add(&channel->kobj, &vmbus_chan_ktype, NULL, "%u",
				   channel->offermsg.child_relid);
	if (ret) {
		kobject_put(&channel->kobj);
		memset(&channel->kobj, 0, sizeof(channel->kobj));
		return ret;
	}
	to_vmbus_chan(channel)->sysfs_added = true;
	kobject_uevent(&channel->kobj, KOBJ_ADD);
	return 0;
}

/**
 * vmbus_chan_sysfs_del() - remove a channel's directory
 * @channel: the channel; returns once no sysfs access to it is running
 */
void vmbus_chan_sysfs_del(struct vmbus_channel *channel)
{
	if (!to_vmbus_chan(channel)->sysfs_added)
		return;
	to_vmbus_chan(channel)->sysfs_added = false;
	kobject_del(&channel->kobj);
	kobject_put(&channel->kobj);
}

/**
 * vmbus_chan_sysfs_del_kset() - remove a device's channels/ directory
 * @dev: the device, whose channels' directories are gone already
 */
void vmbus_chan_sysfs_del_kset(struct hv_device *dev)
{
	if (dev->channels_kset)
		kset_unregister(dev->channels_kset);
	dev->channels_kset = NULL;
}

#ifdef HV_HAVE_RING_SYSFS
/*
 * channels/<relid>/ring: the channel's ring pages, for a driver that maps
 * them into a user process (uio_hv_generic), which supplies the mmap.
 */
static int vmbus_chan_ring_mmap(struct file *file, struct kobject *kobj,
				struct bin_attribute *attr, struct vm_area_struct *vma)
{
	struct vmbus_channel *channel = container_of(kobj, struct vmbus_channel, kobj);

	if (!channel->mmap_ring_buffer)
		return -ENODEV;
	return channel->mmap_ring_buffer(channel, vma);
}

static struct bin_attribute vmbus_chan_ring_attr = {
	.attr = { .name = "ring", .mode = 0600 },
	.mmap = vmbus_chan_ring_mmap,
};

/**
 * hv_create_ring_sysfs() - show a channel's "ring" file
 * @channel: the channel
 * @hv_mmap_ring_buffer: maps the ring into a process
 *
 * Return: 0 or a negative errno.
 */
int hv_create_ring_sysfs(struct vmbus_channel *channel,
			 int (*hv_mmap_ring_buffer)(struct vmbus_channel *channel,
						    struct vm_area_struct *vma))
{
	int ret;

	if (!to_vmbus_chan(channel)->sysfs_added)
		return -ENODEV;
	channel->mmap_ring_buffer = hv_mmap_ring_buffer;
	vmbus_chan_ring_attr.size = channel->ringbuffer_pagecount << PAGE_SHIFT;
	ret = sysfs_create_bin_file(&channel->kobj, &vmbus_chan_ring_attr);
	if (ret) {
		channel->mmap_ring_buffer = NULL;
		return ret;
	}
	channel->ring_sysfs_visible = true;
	return 0;
}
EXPORT_SYMBOL_GPL(hv_create_ring_sysfs);

/**
 * hv_remove_ring_sysfs() - remove a channel's "ring" file
 * @channel: the channel
 *
 * Return: 0.
 */
int hv_remove_ring_sysfs(struct vmbus_channel *channel)
{
	if (channel->ring_sysfs_visible)
		sysfs_remove_bin_file(&channel->kobj, &vmbus_chan_ring_attr);
	channel->ring_sysfs_visible = false;
	channel->mmap_ring_buffer = NULL;
	return 0;
}
EXPORT_SYMBOL_GPL(hv_remove_ring_sysfs);
#endif
