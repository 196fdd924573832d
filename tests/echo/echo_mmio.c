// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mmio commands: MMIO space for the echo device through the VMBus
 * client API (vmbus_allocate_mmio, vmbus_free_mmio), as a synthetic video
 * or PCI pass-through driver would ask for it. The result names the region
 * given; the scenario checks it against the ranges ACPI described and
 * against /proc/iomem.
 */
#include <linux/hyperv.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "echo.h"

static int echo_mmio_parse(struct echo_dev *edev, const char *what, const char *arg, u64 *val)
{
	int ret = kstrtou64(arg, 0, val);

	if (ret)
		echo_set_result(edev, ret, "%s '%s': not a number", what, arg);
	return ret;
}

/* mmio SIZE ALIGN MIN MAX [fb] */
static int echo_mmio_alloc(struct echo_dev *edev, int argc, char **argv)
{
	u64 size, align, min, max;
	bool fb = false;
	struct resource *res = NULL;
	int ret;

	if (argc < 5 || argc > 6 || (argc == 6 && strcmp(argv[5], "fb"))) {
		echo_set_result(edev, -EINVAL, "usage: mmio SIZE ALIGN MIN MAX [fb]");
		return -EINVAL;
	}
	if (echo_mmio_parse(edev, "size", argv[1], &size) ||
	    echo_mmio_parse(edev, "align", argv[2], &align) ||
	    echo_mmio_parse(edev, "min", argv[3], &min) ||
	    echo_mmio_parse(edev, "max", argv[4], &max))
		return -EINVAL;
	fb = argc == 6;
	if (edev->nr_mmio == ECHO_MAX_MMIO) {
		echo_set_result(edev, -ENOSPC, "this device already holds %d regions",
				ECHO_MAX_MMIO);
		return -ENOSPC;
	}
	ret = vmbus_allocate_mmio(&res, edev->hdev, min, max, size, align, fb);
	if (ret) {
		echo_set_result(edev, ret, "vmbus_allocate_mmio: error %d", ret);
		return ret;
	}
	edev->mmio[edev->nr_mmio++] = res;
	echo_set_result(edev, 0, "mmio %#llx-%#llx", (u64)res->start, (u64)res->end);
	return 0;
}

/**
 * echo_mmio_free_all() - give back every region the device holds
 * @edev: the device
 *
 * Call with @edev->test_lock held, or from remove().
 */
void echo_mmio_free_all(struct echo_dev *edev)
{
	struct resource *res;

	while (edev->nr_mmio) {
		res = edev->mmio[--edev->nr_mmio];
		vmbus_free_mmio(res->start, resource_size(res));
	}
}

/**
 * echo_mmio_command() - the mmio and mmiofree commands
 * @edev: the device
 * @argc: number of words
 * @argv: the words, the command first
 *
 * Return: 0, or the error also written to the result.
 */
int echo_mmio_command(struct echo_dev *edev, int argc, char **argv)
{
	unsigned int n;
	int ret = 0;

	mutex_lock(&edev->test_lock);
	if (!strcmp(argv[0], "mmio")) {
		ret = echo_mmio_alloc(edev, argc, argv);
	} else if (argc != 1) {
		echo_set_result(edev, -EINVAL, "usage: mmiofree");
		ret = -EINVAL;
	} else {
		n = edev->nr_mmio;
		echo_mmio_free_all(edev);
		echo_set_result(edev, 0, "freed %u", n);
	}
	mutex_unlock(&edev->test_lock);
	return ret;
}
