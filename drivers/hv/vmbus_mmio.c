// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO space for VMBus devices (the synthetic video framebuffer, PCI
 * pass-through bridges). The hypervisor interface describes the guest
 * physical ranges set aside for them (on Hyper-V, the VMBus ACPI device's
 * resources, which lie in the MMIO gap below 4 GiB and above RAM); a
 * device's allocation is taken from one of those ranges and reserved in
 * the iomem tree, so nothing else is placed there.
 *
 * The ranges are kept as children of vmbus_mmio_root; each allocation is
 * recorded twice, as a busy region inside its range (which is what makes
 * two allocations disjoint) and as an exclusive iomem region (which is
 * what the driver gets).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_vmbus_drv.h"

#include <linux/ioport.h>
#include <linux/mutex.h>

#include "vmbus_core.h"

static struct resource vmbus_mmio_root = {
	.name = "hyperv mmio",
	.start = 0,
	.end = -1,
	.flags = IORESOURCE_MEM,
};

static DEFINE_MUTEX(vmbus_mmio_lock);

/**
 * vmbus_mmio_add_range() - make a guest physical range available to devices
 * @start: its first byte
 * @size: its length
 *
 * Return: 0, -EINVAL for an empty or wrapping range, -EBUSY if it overlaps
 * a range already added, -ENOMEM.
 */
int vmbus_mmio_add_range(resource_size_t start, resource_size_t size)
{
	struct resource *r;
	int ret;

	if (!size || start + size - 1 < start)
		return -EINVAL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->name = "vmbus range";
	r->start = start;
	r->end = start + size - 1;
	r->flags = IORESOURCE_MEM;
	mutex_lock(&vmbus_mmio_lock);
	ret = request_resource(&vmbus_mmio_root, r);
	mutex_unlock(&vmbus_mmio_lock);
	if (ret)
		kfree(r);
	return ret;
}

/**
 * vmbus_mmio_remove_ranges() - forget every range, on unload
 *
 * Devices are gone by then; an allocation still held is reported.
 */
void vmbus_mmio_remove_ranges(void)
{
	struct resource *r;

	mutex_lock(&vmbus_mmio_lock);
	while ((r = vmbus_mmio_root.child)) {
		if (r->child)
			pr_warn("MMIO %pR still allocated at unload\n", r->child);
		release_resource(r);
		kfree(r);
	}
	mutex_unlock(&vmbus_mmio_lock);
}

/**
 * vmbus_allocate_mmio() - reserve MMIO space for a VMBus device
 * @new: set to the reserved iomem region
 * @device_obj: the device (its name labels the region), or NULL
 * @min: lowest acceptable address
 * @max: highest acceptable address
 * @size: bytes needed
 * @align: alignment, a power of two (0 or 1: none)
 * @fb_overlap_ok: the region may overlap the boot framebuffer (we keep
 *		   no framebuffer reservation of our own, so it changes nothing)
 *
 * Return: 0, -EINVAL for bad arguments, -ENXIO when no range has room.
 */
int vmbus_allocate_mmio(struct resource **new, struct hv_device *device_obj,
			resource_size_t min, resource_size_t max,
			resource_size_t size, resource_size_t align,
			bool fb_overlap_ok)
{
	const char *name = device_obj ? dev_name(&device_obj->device) : "hyperv mmio";
	resource_size_t start, last;
	struct resource *range, *busy, *iomem;
	int ret = -ENXIO;

	if (!size || max < min || (align > 1 && !is_power_of_2(align)))
		return -EINVAL;
	if (align < 1)
		align = 1;
	mutex_lock(&vmbus_mmio_lock);
	for (range = vmbus_mmio_root.child; range; range = range->sibling) {
		if (range->start > max || range->end < min)
			continue;
		last = min_t(resource_size_t, max, range->end);
		for (start = ALIGN(max(min, range->start), align);
		     start >= min && start + size - 1 >= start && start + size - 1 <= last;
		     start += align) {
			busy = __request_region(range, start, size, name, 0);
			if (!busy)
				continue;
			iomem = request_mem_region_exclusive(start, size, name);
			if (!iomem) {
				__release_region(range, start, size);
				continue;
			}
			*new = iomem;
			ret = 0;
			goto out;
		}
	}
out:
	mutex_unlock(&vmbus_mmio_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_allocate_mmio);

/**
 * vmbus_free_mmio() - give back MMIO space from vmbus_allocate_mmio()
 * @start: start of the region
 * @size: its length
 */
void vmbus_free_mmio(resource_size_t start, resource_size_t size)
{
	struct resource *range;

	mutex_lock(&vmbus_mmio_lock);
	for (range = vmbus_mmio_root.child; range; range = range->sibling) {
		if (start < range->start || start + size - 1 > range->end)
			continue;
		__release_region(range, start, size);
		release_mem_region(start, size);
		break;
	}
	mutex_unlock(&vmbus_mmio_lock);
}
EXPORT_SYMBOL_GPL(vmbus_free_mmio);
