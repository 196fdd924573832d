// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus device class table. The names are the ones the Linux tree's
 * Python lsvmbus prints, so that output stays the same; the bracketed ones
 * are integration services (util devices). The GUIDs are the kernel's
 * HV_*_GUID values from <linux/hyperv.h>.
 */
#include <stddef.h>
#include <string.h>

#include "vmbus_class.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct vmbus_class {
	const char *guid;
	const char *name;
};

static const struct vmbus_class vmbus_classes[] = {
	/* Integration services (hv_utils, hv_balloon) */
	{ "{0e0b6031-5213-4934-818b-38d90ced39db}", "[Operating system shutdown]" },
	{ "{9527e630-d0ae-497b-adce-e80ab0175caf}", "[Time Synchronization]" },
	{ "{57164f39-9115-4e78-ab55-382f3bd5422d}", "[Heartbeat]" },
	{ "{a9a0f4e7-5a45-4d96-b827-8a841e8c03e6}", "[Data Exchange]" },
	{ "{35fa2e29-ea23-4236-96ae-3a6ebacba440}", "[Backup (volume checkpoint)]" },
	{ "{34d14be3-dee4-41c8-9ae7-6b174977c192}", "[Guest services]" },
	{ "{525074dc-8985-46e2-8057-a307dc18a502}", "[Dynamic Memory]" },
	/* Synthetic devices */
	{ "{cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a}", "Synthetic mouse" },
	{ "{f912ad6d-2b17-48ea-bd65-f927a61c7684}", "Synthetic keyboard" },
	{ "{da0a7802-e377-4aac-8e77-0558eb1073f8}", "Synthetic framebuffer adapter" },
	{ "{f8615163-df3e-46c5-913f-f2d2f965ed0e}", "Synthetic network adapter" },
	{ "{32412632-86cb-44a2-9b5c-50d1417354f5}", "Synthetic IDE Controller" },
	{ "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}", "Synthetic SCSI Controller" },
	{ "{2f9bcc4a-0069-4af3-b76b-6fd0be528cda}", "Synthetic fiber channel adapter" },
	{ "{8c2eaf3d-32a7-4b09-ab99-bd1f1c86b501}", "Synthetic RDMA adapter" },
	{ "{44c4f61d-4444-4400-9d52-802e27ede19f}", "PCI Express pass-through" },
	/* Devices the guest has no driver for (RDV, AVMA1, AVMA2) */
	{ "{276aacf4-ac15-426c-98dd-7521ad3f01fe}", "[Reserved system device]" },
	{ "{f8e65716-3cb3-4a06-9a60-1889c5cccab5}", "[Reserved system device]" },
	{ "{3375baf4-9e15-4b30-b765-67acb10d607b}", "[Reserved system device]" },
};

const char *vmbus_class_name(const char *guid)
{
	size_t i;

	if (!guid)
		return VMBUS_CLASS_UNKNOWN;
	for (i = 0; i < ARRAY_SIZE(vmbus_classes); i++)
		if (!strcmp(vmbus_classes[i].guid, guid))
			return vmbus_classes[i].name;
	return VMBUS_CLASS_UNKNOWN;
}
