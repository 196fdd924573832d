// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the char devices the KVP, VSS and fcopy daemons talk through,
 * /dev/vmbus/hv_kvp, hv_vss and hv_fcopy (misc devices "vmbus/<name>",
 * sysfs /sys/devices/virtual/misc/vmbus!<name>, the names distro units bind
 * to), with the semantics the daemons of Linux rely on:
 *
 *  - one opener at a time: a second open() gets -EBUSY;
 *  - read() blocks (interruptibly) until a message is queued and returns
 *    one whole message; -EINVAL, message kept, if the buffer is too small;
 *    -EBADF once the device is gone; the file offset is ignored;
 *  - write() hands the whole buffer to the service (its result, or count);
 *  - poll(): POLLIN with a message queued, POLLERR|POLLHUP once gone;
 *  - close() drops a queued message and tells the service (on_reset).
 *
 * Linux also offers a netlink connector for daemons older than the char
 * devices (before 2015); every daemon of the matrix's distributions opens
 * the char devices, so there is none here (docs/design/hv_utils.md, §3).
 *
 * Lifetime: the device is destroyed when its VMBus device goes, possibly
 * while a daemon holds it open or sleeps in read(). The structure is
 * reference counted (the creator and each open file), destroy wakes every
 * sleeper, which then sees -EBADF, and the service is never called after
 * destroy returned (cb_lock orders its callbacks against destroy). An open
 * file also holds the module (the misc core takes the fops' owner), so
 * hv_utils cannot be unloaded under a daemon.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "hv_utils.h"

/* Largest message a daemon may write (KVP's is 7432 bytes). */
#define HV_UT_MAX_WRITE (4 * PAGE_SIZE)

struct hv_ut {
	struct miscdevice misc;
	char devname[32];
	const struct hv_ut_ops *ops;
	void *ctx;
	struct kref ref;
	struct mutex cb_lock;	/* held around service callbacks and destroy */
	spinlock_t lock;	/* msg, msg_len, opened, dying */
	wait_queue_head_t wq;
	void *msg;
	size_t msg_len;
	bool opened;
	bool dying;
};

static void hv_ut_free(struct kref *ref)
{
	struct hv_ut *ut = container_of(ref, struct hv_ut, ref);

	kfree(ut->msg);
	kfree(ut);
}

static int hv_ut_open(struct inode *inode, struct file *file)
{
	/* the misc core sets private_data to the miscdevice, under its lock */
	struct hv_ut *ut = container_of(file->private_data, struct hv_ut, misc);
	int ret = 0;

	spin_lock_bh(&ut->lock);
	if (ut->dying)
		ret = -ENODEV;
	else if (ut->opened)
		ret = -EBUSY;
	else
		ut->opened = true;
	spin_unlock_bh(&ut->lock);
	if (ret)
		return ret;
	kref_get(&ut->ref);
	file->private_data = ut;
	/*
	 * Not stream_open(): the daemons of Linux read and write with
	 * pread()/pwrite() at offset 0 (hv_fcopy_daemon), which a stream
	 * file refuses with -ESPIPE. The offset is ignored.
	 */
	return 0;
}

static bool hv_ut_ready(struct hv_ut *ut)
{
	bool ready;

	spin_lock_bh(&ut->lock);
	ready = ut->msg || ut->dying;
	spin_unlock_bh(&ut->lock);
	return ready;
}

static ssize_t hv_ut_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct hv_ut *ut = file->private_data;
	size_t len;
	void *msg;
	int ret;

	for (;;) {
		ret = wait_event_interruptible(ut->wq, hv_ut_ready(ut));
		if (ret)
			return ret;
		spin_lock_bh(&ut->lock);
		if (ut->dying) {
			spin_unlock_bh(&ut->lock);
			return -EBADF;
		}
		if (ut->msg)
			break;
		spin_unlock_bh(&ut->lock);
	}
	if (count < ut->msg_len) {
		spin_unlock_bh(&ut->lock);
		return -EINVAL;
	}
	msg = ut->msg;
	len = ut->msg_len;
	ut->msg = NULL;
	ut->msg_len = 0;
	spin_unlock_bh(&ut->lock);

	ret = copy_to_user(buf, msg, len) ? -EFAULT : 0;
	kfree(msg);
	if (ret)
		return ret;

	mutex_lock(&ut->cb_lock);
	if (!ut->dying && ut->ops->on_read)
		ut->ops->on_read(ut->ctx);
	mutex_unlock(&ut->cb_lock);
	return len;
}

static ssize_t hv_ut_write(struct file *file, const char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct hv_ut *ut = file->private_data;
	void *msg;
	int ret;

	if (!count || count > HV_UT_MAX_WRITE)
		return -EINVAL;
	msg = memdup_user(buf, count);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	mutex_lock(&ut->cb_lock);
	if (ut->dying)
		ret = -EBADF;
	else
		ret = ut->ops->on_msg(ut->ctx, msg, count);
	mutex_unlock(&ut->cb_lock);
	kfree(msg);
	return ret ? ret : count;
}

static __poll_t hv_ut_poll(struct file *file, poll_table *wait)
{
	struct hv_ut *ut = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &ut->wq, wait);
	spin_lock_bh(&ut->lock);
	if (ut->dying)
		mask = EPOLLERR | EPOLLHUP;
	else if (ut->msg)
		mask = EPOLLIN | EPOLLRDNORM;
	spin_unlock_bh(&ut->lock);
	return mask;
}

static int hv_ut_release(struct inode *inode, struct file *file)
{
	struct hv_ut *ut = file->private_data;
	void *msg;

	mutex_lock(&ut->cb_lock);
	spin_lock_bh(&ut->lock);
	ut->opened = false;
	msg = ut->msg;
	ut->msg = NULL;
	ut->msg_len = 0;
	spin_unlock_bh(&ut->lock);
	kfree(msg);
	if (!ut->dying)
		ut->ops->on_reset(ut->ctx);
	mutex_unlock(&ut->cb_lock);
	kref_put(&ut->ref, hv_ut_free);
	return 0;
}

static const struct file_operations hv_ut_fops = {
	.owner = THIS_MODULE,
	.open = hv_ut_open,
	.read = hv_ut_read,
	.write = hv_ut_write,
	.poll = hv_ut_poll,
	.release = hv_ut_release,
};

/**
 * hv_ut_create() - create /dev/vmbus/@name
 * @name: the device's name under /dev/vmbus ("hv_kvp")
 * @ops: the service's callbacks
 * @ctx: passed to them
 *
 * Return: the transport or an ERR_PTR().
 */
struct hv_ut *hv_ut_create(const char *name, const struct hv_ut_ops *ops, void *ctx)
{
	struct hv_ut *ut;
	int ret;

	ut = kzalloc(sizeof(*ut), GFP_KERNEL);
	if (!ut)
		return ERR_PTR(-ENOMEM);
	snprintf(ut->devname, sizeof(ut->devname), "vmbus/%s", name);
	ut->ops = ops;
	ut->ctx = ctx;
	kref_init(&ut->ref);
	mutex_init(&ut->cb_lock);
	spin_lock_init(&ut->lock);
	init_waitqueue_head(&ut->wq);
	ut->misc.minor = MISC_DYNAMIC_MINOR;
	ut->misc.name = ut->devname;
	ut->misc.fops = &hv_ut_fops;
	ret = misc_register(&ut->misc);
	if (ret) {
		kfree(ut);
		return ERR_PTR(ret);
	}
	return ut;
}

/**
 * hv_ut_send() - queue a message for the daemon
 * @ut: the transport
 * @msg: the message, copied
 * @len: its length
 *
 * May be called from the channel callback (atomic context).
 *
 * Return: 0; -ENODEV if no daemon has the device open, -EBUSY if a message
 * is still unread, -ENOMEM.
 */
int hv_ut_send(struct hv_ut *ut, const void *msg, size_t len)
{
	void *copy = kmemdup(msg, len, GFP_ATOMIC);
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	spin_lock_bh(&ut->lock);
	if (ut->dying || !ut->opened) {
		ret = -ENODEV;
	} else if (ut->msg) {
		ret = -EBUSY;
	} else {
		ut->msg = copy;
		ut->msg_len = len;
		copy = NULL;
	}
	spin_unlock_bh(&ut->lock);
	kfree(copy);
	if (!ret)
		wake_up_interruptible(&ut->wq);
	return ret;
}

/**
 * hv_ut_drop() - take back a message the daemon has not read yet
 * @ut: the transport
 *
 * Return: true if one was queued (the daemon never saw it), false if none
 * was (the daemon read it, or nothing was sent).
 */
bool hv_ut_drop(struct hv_ut *ut)
{
	void *msg;

	spin_lock_bh(&ut->lock);
	msg = ut->msg;
	ut->msg = NULL;
	ut->msg_len = 0;
	spin_unlock_bh(&ut->lock);
	kfree(msg);
	return msg;
}

/**
 * hv_ut_destroy() - remove the device
 * @ut: the transport
 *
 * Readers and pollers wake up with an error; an open file stays valid
 * (reads -EBADF) until closed. No service callback runs after this returns.
 */
void hv_ut_destroy(struct hv_ut *ut)
{
	void *msg;

	mutex_lock(&ut->cb_lock);
	spin_lock_bh(&ut->lock);
	ut->dying = true;
	msg = ut->msg;
	ut->msg = NULL;
	ut->msg_len = 0;
	spin_unlock_bh(&ut->lock);
	mutex_unlock(&ut->cb_lock);
	kfree(msg);
	wake_up_interruptible_all(&ut->wq);
	misc_deregister(&ut->misc);
	kref_put(&ut->ref, hv_ut_free);
}
