// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where VMBus devices may place their MMIO: Hyper-V describes it in ACPI.
 * The VMBus device (_HID "VMBUS" or "VMBus"), or the nearest ancestor of it
 * that has them (the "VMOD" module device, on both VM generations), lists
 * address-window resources in its _CRS: one range in the MMIO gap below
 * 4 GiB and usually one above. Those ranges, and nothing else, are handed
 * to the MMIO allocator (vmbus_mmio.c). Ranges that end below 1 MiB are
 * legacy windows of no use to devices and are ignored; ranges that touch
 * are merged, so that one allocation can span them.
 *
 * The boot framebuffer lies in the low range; it is reserved first so that
 * only the synthetic video driver, which asks to overlap it, is given it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/efi.h>
#include <linux/pci.h>
#include <linux/screen_info.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#ifdef HV_HAVE_SYSFB_PRIMARY_DISPLAY
#include <linux/sysfb.h>
#endif

#include "vmbus_core.h"

#define VMBUS_ACPI_MAX_RANGES	8

/* Hyper-V's emulated video card of generation 1 VMs */
#define VMBUS_PCI_VENDOR_MICROSOFT	0x1414
#define VMBUS_PCI_DEVICE_HYPERV_VIDEO	0x5353

struct vmbus_acpi_range {
	u64 start;
	u64 end;
};

struct vmbus_acpi_ranges {
	struct vmbus_acpi_range r[VMBUS_ACPI_MAX_RANGES];
	unsigned int count;
	bool overflow;
};

static acpi_status vmbus_acpi_add_resource(struct acpi_resource *res, void *data)
{
	struct vmbus_acpi_ranges *ranges = data;
	u64 start, end;

	/* address descriptors are bus windows; memory ones are device registers */
	switch (res->type) {
	case ACPI_RESOURCE_TYPE_ADDRESS32:
		start = res->data.address32.address.minimum;
		end = res->data.address32.address.maximum;
		break;
	case ACPI_RESOURCE_TYPE_ADDRESS64:
		start = res->data.address64.address.minimum;
		end = res->data.address64.address.maximum;
		break;
	default:
		return AE_OK;
	}
	if (end < SZ_1M || end < start)
		return AE_OK;
	if (ranges->count == VMBUS_ACPI_MAX_RANGES) {
		ranges->overflow = true;
		return AE_OK;
	}
	ranges->r[ranges->count].start = start;
	ranges->r[ranges->count].end = end;
	ranges->count++;
	return AE_OK;
}

static acpi_status vmbus_acpi_found(acpi_handle handle, u32 level, void *data, void **ret)
{
	*ret = handle;
	return AE_CTRL_TERMINATE;
}

static acpi_handle vmbus_acpi_device(void)
{
	static const char * const hids[] = { "VMBUS", "VMBus" };
	acpi_handle handle = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hids) && !handle; i++)
		acpi_get_devices(hids[i], vmbus_acpi_found, NULL, &handle);
	return handle;
}

static int vmbus_acpi_range_cmp(const void *a, const void *b)
{
	const struct vmbus_acpi_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort, then merge ranges that overlap or touch. */
static void vmbus_acpi_merge(struct vmbus_acpi_ranges *ranges)
{
	unsigned int i, out = 0;

	sort(ranges->r, ranges->count, sizeof(ranges->r[0]), vmbus_acpi_range_cmp, NULL);
	for (i = 0; i < ranges->count; i++) {
		if (out && ranges->r[i].start <= ranges->r[out - 1].end + 1) {
			ranges->r[out - 1].end = max(ranges->r[out - 1].end, ranges->r[i].end);
			continue;
		}
		ranges->r[out++] = ranges->r[i];
	}
	ranges->count = out;
}

/* What the firmware said about the boot display. */
static const struct screen_info *vmbus_acpi_boot_screen(void)
{
#ifdef HV_HAVE_SYSFB_PRIMARY_DISPLAY
	return &sysfb_primary_display.screen;
#else
	return &screen_info;
#endif
}

/* The boot framebuffer: from EFI (generation 2) or the emulated card (1). */
static void vmbus_acpi_reserve_fb(void)
{
	const struct screen_info *si = vmbus_acpi_boot_screen();
	resource_size_t start = 0, size = 0;
	struct pci_dev *pdev;

	if (efi_enabled(EFI_BOOT)) {
		start = si->lfb_base;
		if (si->capabilities & VIDEO_CAPABILITY_64BIT_BASE)
			start |= (u64)si->ext_lfb_base << 32;
		/* the size is often under-reported: claim at least 8 MiB */
		size = max_t(resource_size_t, si->lfb_size, SZ_8M);
	} else {
		pdev = pci_get_device(VMBUS_PCI_VENDOR_MICROSOFT,
				      VMBUS_PCI_DEVICE_HYPERV_VIDEO, NULL);
		if (!pdev)
			return;
		if (pci_resource_flags(pdev, 0) & IORESOURCE_MEM) {
			start = pci_resource_start(pdev, 0);
			size = pci_resource_len(pdev, 0);
		}
		pci_dev_put(pdev);
	}
	if (start && size)
		vmbus_mmio_reserve_fb(start, size);
}

/**
 * vmbus_acpi_find_mmio() - give the MMIO allocator the ranges ACPI lists
 *
 * Return: the number of ranges added (0 when there is no VMBus ACPI device
 * or it lists none: devices needing MMIO then fail to allocate it).
 */
int vmbus_acpi_find_mmio(void)
{
	struct vmbus_acpi_ranges ranges = { };
	acpi_handle handle, parent;
	unsigned int i;
	int added = 0, ret;

	if (acpi_disabled)
		return 0;
	handle = vmbus_acpi_device();
	if (!handle) {
		pr_info("no VMBus ACPI device: no MMIO space for devices\n");
		return 0;
	}
	/* the VMBus device itself, else its nearest ancestor with ranges */
	while (!ranges.count) {
		acpi_walk_resources(handle, METHOD_NAME__CRS, vmbus_acpi_add_resource,
				    &ranges);
		if (ranges.count || ACPI_FAILURE(acpi_get_parent(handle, &parent)) ||
		    parent == ACPI_ROOT_OBJECT)
			break;
		handle = parent;
	}
	if (ranges.overflow)
		pr_warn("ACPI lists more than %d MMIO ranges for VMBus: the rest are ignored\n",
			VMBUS_ACPI_MAX_RANGES);
	vmbus_acpi_merge(&ranges);
	for (i = 0; i < ranges.count; i++) {
		ret = vmbus_mmio_add_range(ranges.r[i].start,
					   ranges.r[i].end - ranges.r[i].start + 1);
		if (ret) {
			pr_warn("MMIO range %#llx-%#llx not usable (%d)\n",
				ranges.r[i].start, ranges.r[i].end, ret);
			continue;
		}
		pr_info("MMIO range %#llx-%#llx for VMBus devices\n",
			ranges.r[i].start, ranges.r[i].end);
		added++;
	}
	if (added)
		vmbus_acpi_reserve_fb();
	return added;
}
