// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_echo_test: binding, channels and module life of the echo test driver.
 *
 * probe() opens the primary channel; sub-channels are opened as the host
 * offers them (vmbus_set_sc_create_callback()). remove() - on rescind, on
 * unbind and on module unload - stops a running test, waits for it, and
 * closes the primary, which closes the sub-channels with it.
 *
 * Module parameters:
 *   ring_kb	  data bytes of each ring in KiB (8 to 1024, a multiple of the
 *		  page size); small rings wrap and fill all the time
 *   direct_read  open channels in HV_CALL_DIRECT mode instead of
 *		  HV_CALL_BATCHED; the "flow" test needs it
 *   low_latency  put channels in low-latency mode (channel->low_latency):
 *		  a channel the host monitors is then signalled by hypercall
 *		  rather than through the monitor page
 *   timeout_ms	  how long a test waits for the host before it fails
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/hyperv.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "echo.h"

static unsigned int ring_kb = 64;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "data bytes of each ring, in KiB (8 to 1024, default 64)");

static bool direct_read;
module_param(direct_read, bool, 0444);
MODULE_PARM_DESC(direct_read, "read channels in HV_CALL_DIRECT mode (default: batched)");

static bool low_latency;
module_param(low_latency, bool, 0444);
MODULE_PARM_DESC(low_latency, "low-latency channels: signal monitored channels by hypercall");

unsigned int echo_timeout_ms = 10000;
module_param_named(timeout_ms, echo_timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "how long a test waits for the host, in ms (default 10000)");

struct workqueue_struct *echo_wq;

/* The bound devices, for the sub-channel callback to find its own. */
static LIST_HEAD(echo_devs);
static DEFINE_MUTEX(echo_devs_lock);

/* The class of the host simulator's echo device. */
static const struct hv_vmbus_device_id echo_id_table[] = {
	{ .guid = GUID_INIT(0xc18c230f, 0x6088, 0x4676, 0x96, 0xf6,
			    0xfe, 0x7d, 0x45, 0x13, 0x5f, 0x01) },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, echo_id_table);

/**
 * echo_chan_callback() - the channel callback: read what the host sent
 * @context: the struct echo_chan
 *
 * Runs as the VMBus core calls it (from a tasklet unless the core does
 * otherwise). Reads and verifies every packet available unless the flow test
 * holds the ring, then wakes whoever waits on the channel.
 *
 * The host signals only a packet that makes the ring non-empty as far as
 * the read index we published shows. A packet written after our last look
 * but before hv_pkt_iter_close() published that index therefore comes
 * without an interrupt. In HV_CALL_BATCHED mode the core looks again after
 * the callback (hv_end_read()); in HV_CALL_DIRECT mode nobody does, so we
 * look again ourselves once the index is published, as long as reading
 * makes progress and the ring is not empty.
 */
void echo_chan_callback(void *context)
{
	struct echo_chan *ech = context;
	struct hv_ring_buffer *ring;
	unsigned long flags;
	u32 before;

	spin_lock_irqsave(&ech->rx_lock, flags);
	ring = ech->channel->inbound.ring_buffer;
	while (!ech->rx_hold && ring) {
		before = READ_ONCE(ring->read_index);
		echo_drain(ech);
		/* a broken or stuck ring makes no progress: do not spin on it */
		if (!ech->edev->direct || READ_ONCE(ring->read_index) == before ||
		    !hv_get_bytes_to_read(&ech->channel->inbound))
			break;
	}
	spin_unlock_irqrestore(&ech->rx_lock, flags);
	wake_up(&ech->wq);
}

static struct echo_chan *echo_chan_alloc(struct echo_dev *edev, struct vmbus_channel *channel)
{
	struct echo_chan *ech;

	ech = kzalloc(sizeof(*ech), GFP_KERNEL);
	if (!ech)
		return NULL;
	/* the largest packet: a payload that fills the ring, with descriptor */
	ech->rxbuf_len = edev->ring_data;
	ech->rxbuf = kvmalloc(ech->rxbuf_len, GFP_KERNEL);
	if (!ech->rxbuf) {
		kfree(ech);
		return NULL;
	}
	ech->edev = edev;
	ech->channel = channel;
	ech->index = channel->offermsg.offer.sub_channel_index;
	ech->relid = channel->offermsg.child_relid;
	spin_lock_init(&ech->rx_lock);
	init_waitqueue_head(&ech->wq);
	INIT_LIST_HEAD(&ech->node);
	return ech;
}

static void echo_chan_free(struct echo_chan *ech)
{
	kvfree(ech->rxbuf);
	kfree(ech);
}

static int echo_chan_open(struct echo_chan *ech)
{
	struct echo_dev *edev = ech->edev;
	struct vmbus_channel *channel = ech->channel;
	int ret;

#ifdef HV_HAVE_MAX_PKT_SIZE
	/* or the core would refuse echoes larger than the default (4 KiB) */
	channel->max_pkt_size = edev->ring_data;
#endif
	set_channel_read_mode(channel, edev->direct ? HV_CALL_DIRECT : HV_CALL_BATCHED);
	/* the field is public on every kernel, the 5.10 setter is not on later ones */
	channel->low_latency = edev->low_latency;
	ret = vmbus_open(channel, edev->ring_size, edev->ring_size, NULL, 0,
			 echo_chan_callback, ech);
	if (ret)
		return ret;
	if (channel->outbound.ring_datasize != edev->ring_data ||
	    channel->inbound.ring_datasize != edev->ring_data)
		dev_warn(&edev->hdev->device,
			 "relid %u: rings hold %u and %u data bytes, expected %u\n",
			 ech->relid, channel->outbound.ring_datasize,
			 channel->inbound.ring_datasize, edev->ring_data);
	return 0;
}

static struct echo_dev *echo_find_dev(const struct vmbus_channel *primary)
{
	struct echo_dev *edev;

	lockdep_assert_held(&echo_devs_lock);
	list_for_each_entry(edev, &echo_devs, node)
		if (edev->hdev->channel == primary)
			return edev;
	return NULL;
}

/*
 * The host offered a sub-channel of one of our devices: open it. Called by
 * the VMBus core in process context.
 */
static void echo_sc_create(struct vmbus_channel *sc)
{
	struct echo_dev *edev;
	struct echo_chan *ech;
	int ret;

	mutex_lock(&echo_devs_lock);
	edev = echo_find_dev(sc->primary_channel);
	if (!edev || READ_ONCE(edev->dying))
		goto out;
	mutex_lock(&edev->chans_lock);
	if (edev->nchans >= ECHO_MAX_CHANNELS) {
		dev_warn(&edev->hdev->device, "sub-channel relid %u not used: %u channels already\n",
			 sc->offermsg.child_relid, edev->nchans);
		goto out_chans;
	}
	ech = echo_chan_alloc(edev, sc);
	if (!ech) {
		dev_err(&edev->hdev->device, "sub-channel relid %u: out of memory\n",
			sc->offermsg.child_relid);
		goto out_chans;
	}
	ret = echo_chan_open(ech);
	if (ret) {
		dev_err(&edev->hdev->device, "cannot open sub-channel relid %u: %d\n",
			ech->relid, ret);
		echo_chan_free(ech);
		goto out_chans;
	}
	list_add_tail(&ech->node, &edev->chans);
	edev->nchans++;
	dev_dbg(&edev->hdev->device, "sub-channel %u (relid %u) open\n", ech->index, ech->relid);
out_chans:
	mutex_unlock(&edev->chans_lock);
out:
	mutex_unlock(&echo_devs_lock);
}

static int echo_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct echo_dev *edev;
	struct echo_chan *ech;
	int ret;

	edev = kzalloc(sizeof(*edev), GFP_KERNEL);
	if (!edev)
		return -ENOMEM;
	edev->hdev = hdev;
	edev->ring_data = ring_kb * 1024;
	edev->ring_size = edev->ring_data + sizeof(struct hv_ring_buffer);
	edev->max_payload = edev->ring_data - ECHO_RING_OVERHEAD;
	edev->direct = direct_read;
	edev->low_latency = low_latency;
	mutex_init(&edev->chans_lock);
	INIT_LIST_HEAD(&edev->chans);
	mutex_init(&edev->test_lock);
	mutex_init(&edev->result_lock);
	atomic64_set(&edev->tests_run, 0);
	atomic64_set(&edev->tests_failed, 0);

	ech = echo_chan_alloc(edev, hdev->channel);
	if (!ech) {
		ret = -ENOMEM;
		goto err_free;
	}
	hv_set_drvdata(hdev, edev);
	ret = echo_chan_open(ech);
	if (ret) {
		dev_err(&hdev->device, "cannot open the channel: %d\n", ret);
		goto err_chan;
	}
	list_add_tail(&ech->node, &edev->chans);
	edev->nchans = 1;

	mutex_lock(&echo_devs_lock);
	list_add_tail(&edev->node, &echo_devs);
	mutex_unlock(&echo_devs_lock);
	vmbus_set_sc_create_callback(hdev->channel, echo_sc_create);
	echo_debugfs_add(edev);

	dev_info(&hdev->device, "relid %u: rings of %u data bytes, payloads up to %u bytes, %s reads%s\n",
		 ech->relid, edev->ring_data, edev->max_payload,
		 edev->direct ? "direct" : "batched", edev->low_latency ? ", low latency" : "");
	return 0;

err_chan:
	echo_chan_free(ech);
err_free:
	hv_set_drvdata(hdev, NULL);
	kfree(edev);
	return ret;
}

static void echo_wake_all(struct echo_dev *edev)
{
	struct echo_chan *ech;

	mutex_lock(&edev->chans_lock);
	list_for_each_entry(ech, &edev->chans, node)
		wake_up(&ech->wq);
	mutex_unlock(&edev->chans_lock);
}

static hv_driver_remove_ret_t echo_remove(struct hv_device *hdev)
{
	struct echo_dev *edev = hv_get_drvdata(hdev);
	struct echo_chan *ech, *tmp;

	/* no sub-channel is opened from here on */
	mutex_lock(&echo_devs_lock);
	list_del(&edev->node);
	WRITE_ONCE(edev->dying, true);
	mutex_unlock(&echo_devs_lock);
	vmbus_set_sc_create_callback(hdev->channel, NULL);

	/* a running test sees "dying" and ends; debugfs waits for its writer */
	echo_wake_all(edev);
	debugfs_remove_recursive(edev->dir);

	/* closes the sub-channels, then the primary */
	vmbus_close(hdev->channel);
	echo_mmio_free_all(edev);

	list_for_each_entry_safe(ech, tmp, &edev->chans, node) {
		list_del(&ech->node);
		echo_chan_free(ech);
	}
	hv_set_drvdata(hdev, NULL);
	dev_info(&hdev->device, "removed after %lld tests (%lld failed)\n",
		 (long long)atomic64_read(&edev->tests_run),
		 (long long)atomic64_read(&edev->tests_failed));
	kfree(edev);
#ifndef HV_HAVE_HV_DRIVER_REMOVE_VOID
	return 0;
#endif
}

static struct hv_driver echo_driver = {
	.name = KBUILD_MODNAME,
	.id_table = echo_id_table,
	.probe = echo_probe,
	.remove = echo_remove,
};

static int __init echo_init(void)
{
	int ret;

	if (ring_kb < 8 || ring_kb > 1024 || (ring_kb * 1024) % PAGE_SIZE) {
		pr_err("ring_kb=%u: want 8 to 1024, a multiple of %lu\n", ring_kb,
		       PAGE_SIZE / 1024);
		return -EINVAL;
	}
	echo_wq = alloc_workqueue(KBUILD_MODNAME, WQ_UNBOUND, 0);
	if (!echo_wq)
		return -ENOMEM;
	echo_debugfs_init();
	ret = vmbus_driver_register(&echo_driver);
	if (ret) {
		echo_debugfs_exit();
		destroy_workqueue(echo_wq);
	}
	return ret;
}

static void __exit echo_exit(void)
{
	vmbus_driver_unregister(&echo_driver);
	echo_debugfs_exit();
	destroy_workqueue(echo_wq);
}

module_init(echo_init);
module_exit(echo_exit);

MODULE_DESCRIPTION("Test driver for the VMBus data path against the host simulator's echo device");
MODULE_LICENSE("GPL");
MODULE_VERSION(HV_DKMS_VERSION);
