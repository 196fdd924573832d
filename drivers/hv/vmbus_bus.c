// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmbus bus type: matching devices to drivers by class GUID, probe and
 * remove, the MODALIAS uevent that lets udev load drivers, and the device
 * attributes of Documentation/ABI/stable/sysfs-bus-vmbus.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_vmbus_drv.h"

#include <linux/sysfs.h>

#include "vmbus_core.h"

static const struct hv_vmbus_device_id *vmbus_match_id(const struct hv_driver *drv,
						       const struct hv_device *dev)
{
	const struct hv_vmbus_device_id *id;

	for (id = drv->id_table; id && !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, &dev->dev_type))
			return id;
	return NULL;
}

/*
 * A driver_override written to sysfs binds the device to the driver of
 * that name only, whatever its id table says: 1 or 0 then, -1 without one.
 */
static int vmbus_match_override(struct device *device, const struct device_driver *driver)
{
#ifdef HV_HAVE_BUS_DRIVER_OVERRIDE
	int ret = device_match_driver_override(device, driver);

	return ret < 0 ? -1 : !!ret;
#else
	const struct hv_device *dev = device_to_hv_device(device);

	if (!dev->driver_override)
		return -1;
	return !strcmp(dev->driver_override, driver->name);
#endif
}

static int vmbus_bus_match(struct device *device, hv_bus_match_drv_t *driver)
{
	const struct hv_driver *drv = container_of(driver, const struct hv_driver, driver);
	const struct hv_device *dev = device_to_hv_device(device);
	int override;

	/*
	 * hv_sock binds socket channels only, and all of them (its id table
	 * is empty: a socket channel's type is a service id); other drivers
	 * everything else. As in-tree, driver_override does not change that.
	 */
	if (drv->hvsock != is_hvsock_channel(dev->channel))
		return 0;
	if (drv->hvsock)
		return 1;
	override = vmbus_match_override(device, driver);
	if (override >= 0)
		return override;
	return vmbus_match_id(drv, dev) ? 1 : 0;
}

static int vmbus_bus_probe(struct device *device)
{
	static const struct hv_vmbus_device_id vmbus_id_none;
	struct hv_driver *drv = drv_to_hv_drv(device->driver);
	struct hv_device *dev = device_to_hv_device(device);
	const struct hv_vmbus_device_id *id = vmbus_match_id(drv, dev);

	/* bound through driver_override: the driver gets an empty id */
	if (!id && vmbus_match_override(device, device->driver) == 1)
		id = &vmbus_id_none;
	/* hv_sock's probe gets no id, as in-tree (it ignores it) */
	if ((!id && !drv->hvsock) || !drv->probe)
		return -ENODEV;
	return drv->probe(dev, id);
}

static hv_bus_remove_ret_t vmbus_bus_remove(struct device *device)
{
	struct hv_driver *drv = drv_to_hv_drv(device->driver);

	if (drv->remove)
		drv->remove(device_to_hv_device(device));
#ifndef HV_HAVE_BUS_REMOVE_VOID
	return 0;
#endif
}

static void vmbus_bus_shutdown(struct device *device)
{
	struct hv_driver *drv;

	if (!device->driver)
		return;
	drv = drv_to_hv_drv(device->driver);
	if (drv->shutdown)
		drv->shutdown(device_to_hv_device(device));
}

static int vmbus_bus_uevent(hv_bus_uevent_dev_t *device, struct kobj_uevent_env *env)
{
	const struct hv_device *dev = container_of(device, struct hv_device, device);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN", UUID_SIZE, &dev->dev_type);
}

/* ---- device attributes ------------------------------------------------- */

static ssize_t id_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", device_to_hv_device(device)->channel->offermsg.child_relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t class_id_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &device_to_hv_device(device)->dev_type);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &device_to_hv_device(device)->dev_instance);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "vmbus:%*phN\n", UUID_SIZE, &device_to_hv_device(device)->dev_type);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t monitor_id_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", device_to_hv_device(device)->channel->offermsg.monitorid);
}
static DEVICE_ATTR_RO(monitor_id);

/*
 * The monitor page entries of a monitored device's primary channel:
 * {server,client}_monitor_{pending,latency,conn_id}, from the server (host
 * to guest) and the client (guest to host) page; shown only when the offer
 * has monitor_allocated (vmbus_dev_attr_is_visible()).
 */
#define VMBUS_DEV_MONITOR_ATTR(_name, _side, _field)				\
	static ssize_t _name##_show(struct device *device, struct device_attribute *attr, \
				    char *buf)					\
	{									\
		u32 val;							\
		int ret;							\
										\
		ret = vmbus_monitor_read(device_to_hv_device(device)->channel,	\
					 _side, _field, &val);			\
		return ret ?: sysfs_emit(buf, "%u\n", val);			\
	}									\
	static DEVICE_ATTR_RO(_name)

VMBUS_DEV_MONITOR_ATTR(server_monitor_pending, VMBUS_MONITOR_SERVER, VMBUS_MONITOR_PENDING);
VMBUS_DEV_MONITOR_ATTR(client_monitor_pending, VMBUS_MONITOR_CLIENT, VMBUS_MONITOR_PENDING);
VMBUS_DEV_MONITOR_ATTR(server_monitor_latency, VMBUS_MONITOR_SERVER, VMBUS_MONITOR_LATENCY);
VMBUS_DEV_MONITOR_ATTR(client_monitor_latency, VMBUS_MONITOR_CLIENT, VMBUS_MONITOR_LATENCY);
VMBUS_DEV_MONITOR_ATTR(server_monitor_conn_id, VMBUS_MONITOR_SERVER, VMBUS_MONITOR_CONN_ID);
VMBUS_DEV_MONITOR_ATTR(client_monitor_conn_id, VMBUS_MONITOR_CLIENT, VMBUS_MONITOR_CONN_ID);

static ssize_t vendor_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%x\n", device_to_hv_device(device)->vendor_id);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%x\n", device_to_hv_device(device)->device_id);
}
static DEVICE_ATTR_RO(device);

/* "relid:cpu" for the primary channel and every sub-channel */
static ssize_t channel_vp_mapping_show(struct device *device, struct device_attribute *attr,
				       char *buf)
{
	struct vmbus_channel *primary = device_to_hv_device(device)->channel;
	struct vmbus_channel *sc;
	int n;

	mutex_lock(&vmbus_core.channels_lock);
	n = sysfs_emit_at(buf, 0, "%u:%u\n", primary->offermsg.child_relid, primary->target_cpu);
	list_for_each_entry(sc, &primary->sc_list, sc_list)
		n += sysfs_emit_at(buf, n, "%u:%u\n", sc->offermsg.child_relid, sc->target_cpu);
	mutex_unlock(&vmbus_core.channels_lock);
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

static ssize_t state_show(struct device *device, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", device_to_hv_device(device)->channel->state);
}
static DEVICE_ATTR_RO(state);

static ssize_t numa_node_show(struct device *device, struct device_attribute *attr, char *buf)
{
	struct vmbus_channel *channel = device_to_hv_device(device)->channel;

	return sysfs_emit(buf, "%d\n", cpu_to_node(channel->target_cpu));
}
static DEVICE_ATTR_RO(numa_node);

/* The primary channel's rings, as the per-channel files show them. */
#define VMBUS_DEV_RING_ATTR(_name, _inbound, _field)				\
	static ssize_t _name##_show(struct device *device, struct device_attribute *attr, \
				    char *buf)					\
	{									\
		struct hv_ring_buffer_debug_info info = {};			\
										\
		struct vmbus_channel *ch = device_to_hv_device(device)->channel; \
										\
		hv_ringbuffer_get_debuginfo((_inbound) ? &ch->inbound : &ch->outbound, &info); \
		return sysfs_emit(buf, "%u\n", info._field);			\
	}									\
	static DEVICE_ATTR_RO(_name)

VMBUS_DEV_RING_ATTR(out_intr_mask, false, current_interrupt_mask);
VMBUS_DEV_RING_ATTR(out_read_index, false, current_read_index);
VMBUS_DEV_RING_ATTR(out_write_index, false, current_write_index);
VMBUS_DEV_RING_ATTR(out_read_bytes_avail, false, bytes_avail_toread);
VMBUS_DEV_RING_ATTR(out_write_bytes_avail, false, bytes_avail_towrite);
VMBUS_DEV_RING_ATTR(in_intr_mask, true, current_interrupt_mask);
VMBUS_DEV_RING_ATTR(in_read_index, true, current_read_index);
VMBUS_DEV_RING_ATTR(in_write_index, true, current_write_index);
VMBUS_DEV_RING_ATTR(in_read_bytes_avail, true, bytes_avail_toread);
VMBUS_DEV_RING_ATTR(in_write_bytes_avail, true, bytes_avail_towrite);

#ifndef HV_HAVE_BUS_DRIVER_OVERRIDE
/* Before the driver core handled driver_override, each bus did. */
static ssize_t driver_override_store(struct device *device, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct hv_device *dev = device_to_hv_device(device);
	int ret;

	ret = driver_set_override(device, (const char **)&dev->driver_override, buf, count);
	return ret ?: count;
}

static ssize_t driver_override_show(struct device *device, struct device_attribute *attr,
				    char *buf)
{
	struct hv_device *dev = device_to_hv_device(device);
	ssize_t len;

	device_lock(device);
	len = sysfs_emit(buf, "%s\n", dev->driver_override ?: "");
	device_unlock(device);
	return len;
}
static DEVICE_ATTR_RW(driver_override);
#endif

static struct attribute *vmbus_dev_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
#ifndef HV_HAVE_BUS_DRIVER_OVERRIDE
	&dev_attr_driver_override.attr,
#endif
	&dev_attr_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_channel_vp_mapping.attr,
	NULL,
};

/* The monitor attributes exist only for devices the host monitors. */
static umode_t vmbus_dev_attr_is_visible(struct kobject *kobj, struct attribute *attr, int idx)
{
	const struct hv_device *dev = device_to_hv_device(kobj_to_dev(kobj));

	if (!dev->channel->offermsg.monitor_allocated &&
	    (attr == &dev_attr_monitor_id.attr ||
	     attr == &dev_attr_server_monitor_pending.attr ||
	     attr == &dev_attr_client_monitor_pending.attr ||
	     attr == &dev_attr_server_monitor_latency.attr ||
	     attr == &dev_attr_client_monitor_latency.attr ||
	     attr == &dev_attr_server_monitor_conn_id.attr ||
	     attr == &dev_attr_client_monitor_conn_id.attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group vmbus_dev_group = {
	.attrs = vmbus_dev_attrs,
	.is_visible = vmbus_dev_attr_is_visible,
};
__ATTRIBUTE_GROUPS(vmbus_dev);

/* not const: before 6.4 bus_register() writes into the bus_type */
struct bus_type vmbus_bus = {
	.name = "vmbus",
	.match = vmbus_bus_match,
	.probe = vmbus_bus_probe,
	.remove = vmbus_bus_remove,
	.shutdown = vmbus_bus_shutdown,
	.uevent = vmbus_bus_uevent,
	.dev_groups = vmbus_dev_groups,
#ifdef HV_HAVE_BUS_DRIVER_OVERRIDE
	.driver_override = true,
#endif
};

/**
 * __vmbus_driver_register() - register a driver for VMBus devices
 * @hv_driver: the driver, with its id_table of class GUIDs
 * @owner: the module it lives in
 * @mod_name: that module's name
 *
 * Return: 0 or a negative errno from driver_register().
 */
int __vmbus_driver_register(struct hv_driver *hv_driver, struct module *owner,
			    const char *mod_name)
{
	hv_driver->driver.name = hv_driver->name;
	hv_driver->driver.owner = owner;
	hv_driver->driver.mod_name = mod_name;
	hv_driver->driver.bus = &vmbus_bus;
	spin_lock_init(&hv_driver->dynids.lock);
	INIT_LIST_HEAD(&hv_driver->dynids.list);
	return driver_register(&hv_driver->driver);
}
EXPORT_SYMBOL_GPL(__vmbus_driver_register);

/**
 * vmbus_driver_unregister() - unregister a VMBus driver
 * @hv_driver: the driver registered with __vmbus_driver_register()
 */
void vmbus_driver_unregister(struct hv_driver *hv_driver)
{
	driver_unregister(&hv_driver->driver);
}
EXPORT_SYMBOL_GPL(vmbus_driver_unregister);

/**
 * vmbus_device_unregister() - remove a VMBus device
 * @device_obj: the device
 */
void vmbus_device_unregister(struct hv_device *device_obj)
{
	device_unregister(&device_obj->device);
}
EXPORT_SYMBOL_GPL(vmbus_device_unregister);
