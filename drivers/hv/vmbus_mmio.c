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
#include <linux/sizes.h>

#include "vmbus_core.h"

static struct resource vmbus_mmio_root = {
	.name = "hyperv mmio",
	.start = 0,
	.end = -1,
	.flags = IORESOURCE_MEM,
};

static DEFINE_MUTEX(vmbus_mmio_lock);

/* the boot framebuffer, reserved inside a range; NULL when none */
static struct resource *vmbus_mmio_fb;

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
	if (vmbus_mmio_fb)
		__release_region(vmbus_mmio_fb->parent, vmbus_mmio_fb->start,
				 resource_size(vmbus_mmio_fb));
	vmbus_mmio_fb = NULL;
	while ((r = vmbus_mmio_root.child)) {
		if (r->child)
			pr_warn("MMIO %pR still allocated at unload\n", r->child);
		release_resource(r);
		kfree(r);
	}
	mutex_unlock(&vmbus_mmio_lock);
}

/**
 * vmbus_mmio_reserve_fb() - keep the boot framebuffer for the video driver
 * @start: its first byte
 * @size: its length, which firmware often under-reports: the largest
 *	  power-of-two fraction of it (down to 1 MiB) that is free is taken
 *
 * Other devices are then placed elsewhere; the video driver gets it by
 * asking vmbus_allocate_mmio() with fb_overlap_ok.
 */
void vmbus_mmio_reserve_fb(resource_size_t start, resource_size_t size)
{
	struct resource *range;

	mutex_lock(&vmbus_mmio_lock);
	for (range = vmbus_mmio_root.child; range && !vmbus_mmio_fb; range = range->sibling) {
		if (start < range->start || start > range->end)
			continue;
		for (; !vmbus_mmio_fb && size >= SZ_1M; size >>= 1)
			vmbus_mmio_fb = __request_region(range, start, size, "boot framebuffer", 0);
	}
	mutex_unlock(&vmbus_mmio_lock);
	if (vmbus_mmio_fb)
		pr_info("boot framebuffer %pR kept for the video driver\n", vmbus_mmio_fb);
}

/* The framebuffer reservation, if @fb_overlap_ok and it fits the request. */
static struct resource *vmbus_mmio_take_fb(resource_size_t min, resource_size_t max,
					   resource_size_t size, const char *name)
{
	struct resource *fb = vmbus_mmio_fb;

	if (!fb || fb->start < min || size > resource_size(fb) ||
	    fb->start + size - 1 > max)
		return NULL;
	return request_mem_region_exclusive(fb->start, size, name);
}

/**
 * vmbus_allocate_mmio() - reserve MMIO space for a VMBus device
 * @new: set to the reserved iomem region
 * @device_obj: the device (its name labels the region), or NULL
 * @min: lowest acceptable address
 * @max: highest acceptable address
 * @size: bytes needed
 * @align: alignment, a power of two (0 or 1: none)
 * @fb_overlap_ok: the region may be the boot framebuffer's (the video
 *		   driver asks so); it is tried first
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
	if (fb_overlap_ok) {
		iomem = vmbus_mmio_take_fb(min, max, size, name);
		if (iomem) {
			*new = iomem;
			ret = 0;
			goto out;
		}
	}
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
	if (vmbus_mmio_fb && start >= vmbus_mmio_fb->start &&
	    start + size - 1 <= vmbus_mmio_fb->end) {
		/* from the framebuffer reservation, which stays */
		release_mem_region(start, size);
		goto out;
	}
	for (range = vmbus_mmio_root.child; range; range = range->sibling) {
		if (start < range->start || start + size - 1 > range->end)
			continue;
		__release_region(range, start, size);
		release_mem_region(start, size);
		break;
	}
out:
	mutex_unlock(&vmbus_mmio_lock);
}
EXPORT_SYMBOL_GPL(vmbus_free_mmio);
