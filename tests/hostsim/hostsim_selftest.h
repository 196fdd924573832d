/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's self-test (selftest=1): a fake guest, written here from the
 * protocol facts, that drives the host through hvsim_iface exactly as a
 * guest does (messages, HvSignalEvent, shared rings in its own pages) and
 * checks what comes back. No VMBus guest is needed, so it runs on every
 * kernel of the matrix, VMBus built in or not.
 */
#ifndef _HOSTSIM_SELFTEST_H
#define _HOSTSIM_SELFTEST_H

#include <linux/hyperv.h>
#include <linux/types.h>

#include "hostsim.h"

/* How long the fake guest waits for anything from the host. */
#define HVSIM_ST_TIMEOUT_MS	5000

/* The fake guest's view of one of its rings. */
struct hvsim_st_ring {
	struct vmbus_ring_control *ctl;
	u8 *data;
	u32 size;
};

/**
 * struct hvsim_st_chan - a channel as the fake guest holds it
 * @relid:	its relid
 * @conn_id:	the connection id it signals (0: through the interrupt page)
 * @gpadl:	the handle of its ring GPADL
 * @int_send:	the send half of the interrupt page, for a 0.13 guest
 * @monitored:	signal through the client monitor page, not by hypercall
 * @monitor_id:	the channel's monitor id, when @monitored
 * @send:	guest-to-host ring
 * @recv:	host-to-guest ring
 */
struct hvsim_st_chan {
	u32 relid;
	u32 conn_id;
	u32 gpadl;
	unsigned long *int_send;
	bool monitored;
	u8 monitor_id;
	struct hvsim_st_ring send;
	struct hvsim_st_ring recv;
};

/**
 * struct hvsim_st_pkt - a packet the fake guest sends
 * @type:	descriptor type
 * @flags:	descriptor flags
 * @trans_id:	transaction id
 * @hdr:	bytes between descriptor and offset8 (a multiple of 8)
 * @hdrlen:	their number
 * @data:	the payload
 * @len:	its length (padded to 8 on the ring)
 */
struct hvsim_st_pkt {
	u16 type;
	u16 flags;
	u64 trans_id;
	const void *hdr;
	u32 hdrlen;
	const void *data;
	u32 len;
};

/**
 * struct hvsim_st_offer - an offer the fake guest received
 * @relid:	child relid
 * @conn_id:	connection id
 * @subidx:	sub-channel index
 * @monitored:	monitor_allocated
 * @monitor_id:	monitor id
 */
struct hvsim_st_offer {
	u32 relid;
	u32 conn_id;
	u16 subidx;
	bool monitored;
	u8 monitor_id;
};

/* Record one check; logs the failure. */
__printf(3, 4) bool hvsim_st_check(bool ok, int line, const char *fmt, ...);
#define ST_CHECK(cond, ...) hvsim_st_check(!!(cond), __LINE__, __VA_ARGS__)

/* hostsim_selftest_guest.c: the fake guest */
int hvsim_st_attach(void);
void hvsim_st_detach(void);
unsigned int hvsim_st_failed(void);
unsigned int hvsim_st_checks(void);
void *hvsim_st_mem(unsigned int n, struct page ***pages);
void hvsim_st_post(const void *msg, u32 size);
bool hvsim_st_recv(u32 type, void *buf, u32 size);
bool hvsim_st_quiet(void);
int hvsim_st_events(u32 relid);
bool hvsim_st_wait_event(u32 relid, int old);
int hvsim_st_contact(u32 version, u64 int_page, u64 server, u64 client);
int hvsim_st_connect(u32 version, u64 int_page, struct hvsim_st_offer *offers,
		     unsigned int max);
struct hv_vmbus_monitor_page *hvsim_st_monitor_page(unsigned int which);
u32 hvsim_st_gpadl(u32 relid, u32 handle, struct page **pages, unsigned int n);
void hvsim_st_teardown(u32 relid, u32 handle);
u32 hvsim_st_open(struct hvsim_st_chan *c, u32 relid, u32 handle, unsigned int send_pages,
		  unsigned int recv_pages);
void hvsim_st_close(u32 relid);
int hvsim_st_send(struct hvsim_st_chan *c, const struct hvsim_st_pkt *p);
int hvsim_st_read(struct hvsim_st_chan *c, struct vmpacket_descriptor *d, void *buf,
		  u32 size, u32 *plen);
void hvsim_st_skip(struct hvsim_st_chan *c, u32 bytes);
int hvsim_st_cmd(const char *fmt, ...) __printf(1, 2);
u32 hvsim_st_last_relid(void);
struct hvsim_chan_stats hvsim_st_stats(u32 relid);
u64 hvsim_st_host(const u64 *counter);

/* Wait (polling, bounded) until @cond holds; true if it did. */
#define hvsim_st_poll(cond) ({						\
	unsigned long __end = jiffies + msecs_to_jiffies(HVSIM_ST_TIMEOUT_MS); \
	bool __ok;							\
									\
	while (!(__ok = (cond)) && time_before(jiffies, __end))	\
		usleep_range(500, 1000);				\
	__ok;								\
})

/* The test cases */
void hvsim_st_data_plane(struct hvsim_st_chan *c);
void hvsim_st_faults(struct hvsim_st_chan *c, u32 other_relid);
void hvsim_st_monitor(void);
void hvsim_st_hvsock(void);

#endif /* _HOSTSIM_SELFTEST_H */
