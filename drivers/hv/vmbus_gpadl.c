// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPADLs (guest physical address descriptor lists): a buffer of the guest
 * made known to the host under a handle, for ring buffers and for the
 * receive/send buffers of the storage and network protocols.
 *
 * One GPADL_HEADER message carries the handle, one page range and as many
 * page numbers as fit in a message; GPADL_BODY messages carry the rest.
 * The host answers GPADL_CREATED with the handle; GPADL_TEARDOWN is
 * answered with GPADL_TORNDOWN. Answers are matched to requests by handle,
 * so GPADLs of several channels may be set up at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "abi/abi_channel.h"

#include "vmbus_core.h"

/* Page numbers in the header message and in each body message. */
#define VMBUS_GPADL_HEADER_PFNS \
	((HV_VMBUS_MSG_PAYLOAD_MAX - sizeof(struct vmbus_channel_gpadl_header) - \
	  sizeof(struct gpa_range)) / sizeof(u64))
#define VMBUS_GPADL_BODY_PFNS \
	((HV_VMBUS_MSG_PAYLOAD_MAX - sizeof(struct vmbus_channel_gpadl_body)) / sizeof(u64))

static_assert(VMBUS_GPADL_HEADER_PFNS == 26 && VMBUS_GPADL_BODY_PFNS == 28);

/* Handles are never 0; this counter wraps past 0 after 4G GPADLs. */
static atomic_t vmbus_next_gpadl = ATOMIC_INIT(0xe1e10);

static u32 vmbus_gpadl_new_handle(void)
{
	u32 h;

	do {
		h = atomic_inc_return(&vmbus_next_gpadl);
	} while (!h);
	return h;
}

static u64 vmbus_buffer_pfn(void *kbuffer, u32 page)
{
	void *addr = kbuffer + ((size_t)page << PAGE_SHIFT);

	if (is_vmalloc_addr(addr))
		return vmalloc_to_pfn(addr);
	return page_to_pfn(virt_to_page(addr));
}

/* Post the header and body messages that describe @kbuffer. */
static int vmbus_gpadl_post(struct vmbus_channel *channel, void *kbuffer, u32 size, u32 handle)
{
	u32 pages = size >> PAGE_SHIFT, sent, n, i;
	struct vmbus_channel_gpadl_header *hdr;
	struct vmbus_channel_gpadl_body *body;
	u8 *msg;
	int ret;

	msg = kzalloc(HV_VMBUS_MSG_PAYLOAD_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = (void *)msg;
	n = min_t(u32, pages, VMBUS_GPADL_HEADER_PFNS);
	hdr->header.msgtype = CHANNELMSG_GPADL_HEADER;
	hdr->child_relid = channel->offermsg.child_relid;
	hdr->gpadl = handle;
	hdr->rangecount = 1;
	hdr->range_buflen = sizeof(struct gpa_range) + pages * sizeof(u64);
	hdr->range[0].byte_offset = 0;
	hdr->range[0].byte_count = size;
	for (i = 0; i < n; i++)
		hdr->range[0].pfn_array[i] = vmbus_buffer_pfn(kbuffer, i);
	ret = vmbus_post_msg(vmbus_core.msg_conn_id, msg,
			     sizeof(*hdr) + sizeof(struct gpa_range) + n * sizeof(u64));
	for (sent = n; !ret && sent < pages; sent += n) {
		memset(msg, 0, HV_VMBUS_MSG_PAYLOAD_MAX);
		body = (void *)msg;
		n = min_t(u32, pages - sent, VMBUS_GPADL_BODY_PFNS);
		body->header.msgtype = CHANNELMSG_GPADL_BODY;
		body->gpadl = handle;
		for (i = 0; i < n; i++)
			body->pfn[i] = vmbus_buffer_pfn(kbuffer, sent + i);
		ret = vmbus_post_msg(vmbus_core.msg_conn_id, msg,
				     sizeof(*body) + n * sizeof(u64));
	}
	kfree(msg);
	return ret;
}

/**
 * vmbus_gpadl_create() - make a buffer known to the host
 * @channel: the channel the GPADL belongs to
 * @kbuffer: page-aligned buffer (kmalloc'ed, page-allocated or vmalloc'ed)
 * @size: its size, a multiple of PAGE_SIZE
 * @handle: set to the GPADL handle on success
 *
 * Return: 0, -EINVAL for a bad buffer, -ENODEV if the channel is rescinded,
 * -EIO if the host refused, -ETIMEDOUT if it did not answer.
 */
static int vmbus_gpadl_create(struct vmbus_channel *channel, void *kbuffer, u32 size,
			      u32 *handle)
{
	struct vmbus_channel_gpadl_created *created;
	struct vmbus_msg_waiter *w;
	u32 h = vmbus_gpadl_new_handle();
	int ret;

	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(kbuffer))
		return -EINVAL;
	/* range_buflen is 16 bits: the one range's page list must fit */
	if (sizeof(struct gpa_range) + (size_t)(size >> PAGE_SHIFT) * sizeof(u64) > U16_MAX)
		return -EINVAL;
	if (READ_ONCE(channel->rescind))
		return -ENODEV;
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	vmbus_waiter_init_key(w, CHANNELMSG_GPADL_CREATED, h);
	vmbus_waiter_add(w);
	ret = vmbus_gpadl_post(channel, kbuffer, size, h);
	if (ret) {
		vmbus_waiter_wait(w, NULL, 0);
		goto out;
	}
	ret = vmbus_waiter_wait(w, channel, VMBUS_CHAN_REQUEST_TIMEOUT_MS);
	if (ret) {
		pr_err("relid %u: GPADL %#x of %u bytes not created (%d)\n",
		       channel->offermsg.child_relid, h, size, ret);
		goto out;
	}
	created = (void *)w->response;
	if (created->child_relid != channel->offermsg.child_relid || created->creation_status) {
		pr_err("relid %u: the host refused GPADL %#x of %u bytes (status %#x)\n",
		       channel->offermsg.child_relid, h, size, created->creation_status);
		ret = -EIO;
		goto out;
	}
	*handle = h;
out:
	kfree(w);
	return ret;
}

/* Ask the host to forget a GPADL; a rescinded channel's are already gone. */
static int vmbus_gpadl_destroy(struct vmbus_channel *channel, u32 handle)
{
	struct vmbus_channel_gpadl_teardown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN,
		.child_relid = channel->offermsg.child_relid,
		.gpadl = handle,
	};
	struct vmbus_msg_waiter *w;
	int ret;

	if (READ_ONCE(channel->rescind))
		return 0;
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	vmbus_waiter_init_key(w, CHANNELMSG_GPADL_TORNDOWN, handle);
	ret = vmbus_chan_call(channel, &msg, sizeof(msg), w);
	kfree(w);
	/* a rescind while waiting: the host drops the GPADL itself */
	if (ret == -ENODEV)
		ret = 0;
	if (ret)
		pr_err("relid %u: GPADL %#x not torn down (%d)\n",
		       channel->offermsg.child_relid, handle, ret);
	return ret;
}

#ifdef HV_HAVE_GPADL_STRUCT

/**
 * vmbus_establish_gpadl() - make a buffer known to the host
 * @channel: the channel the GPADL belongs to
 * @kbuffer: page-aligned buffer, a multiple of PAGE_SIZE long
 * @size: its size
 * @gpadl: filled in with the handle, buffer and size on success
 *
 * Return: 0, or a negative errno (the host refused, did not answer, or the
 * channel was rescinded).
 */
int vmbus_establish_gpadl(struct vmbus_channel *channel, void *kbuffer, u32 size,
			  struct vmbus_gpadl *gpadl)
{
	u32 handle = 0;
	int ret;

	ret = vmbus_gpadl_create(channel, kbuffer, size, &handle);
	if (ret)
		return ret;
	gpadl->gpadl_handle = handle;
	gpadl->buffer = kbuffer;
	gpadl->size = size;
	gpadl->decrypted = false;
	return 0;
}
EXPORT_SYMBOL_GPL(vmbus_establish_gpadl);

/**
 * vmbus_teardown_gpadl() - make the host forget a GPADL
 * @channel: the channel it belongs to
 * @gpadl: from vmbus_establish_gpadl(); its handle is cleared
 *
 * Return: 0, or a negative errno if the host did not confirm.
 */
int vmbus_teardown_gpadl(struct vmbus_channel *channel, struct vmbus_gpadl *gpadl)
{
	int ret;

	if (!gpadl->gpadl_handle)
		return 0;
	ret = vmbus_gpadl_destroy(channel, gpadl->gpadl_handle);
	if (!ret)
		gpadl->gpadl_handle = 0;
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_teardown_gpadl);

#else /* GPADLs are plain handles on this kernel */

/**
 * vmbus_establish_gpadl() - make a buffer known to the host
 * @channel: the channel the GPADL belongs to
 * @kbuffer: page-aligned buffer, a multiple of PAGE_SIZE long
 * @size: its size
 * @gpadl_handle: set to the handle on success
 *
 * Return: 0, or a negative errno.
 */
int vmbus_establish_gpadl(struct vmbus_channel *channel, void *kbuffer, u32 size,
			  u32 *gpadl_handle)
{
	return vmbus_gpadl_create(channel, kbuffer, size, gpadl_handle);
}
EXPORT_SYMBOL_GPL(vmbus_establish_gpadl);

/**
 * vmbus_teardown_gpadl() - make the host forget a GPADL
 * @channel: the channel it belongs to
 * @gpadl_handle: from vmbus_establish_gpadl()
 *
 * Return: 0, or a negative errno if the host did not confirm.
 */
int vmbus_teardown_gpadl(struct vmbus_channel *channel, u32 gpadl_handle)
{
	return vmbus_gpadl_destroy(channel, gpadl_handle);
}
EXPORT_SYMBOL_GPL(vmbus_teardown_gpadl);

#endif
