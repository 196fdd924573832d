/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire facts of the Hyper-V integration services (ICs): shutdown, time
 * synchronization, heartbeat, KVP, VSS and file copy. Our own definitions,
 * from the fact sheet docs/design/hv_utils.md (§1, §2); every size and
 * offset it gives is asserted below. Shared by the host simulator, the
 * guest driver, the unit tests and the fuzz harnesses (userspace builds
 * get the kernel type names from user/hv_user_types.h).
 *
 * An IC message is the payload of an in-band VMBus packet: an 8-byte pipe
 * header, the 20-byte IC message header, then the body. Offsets in the
 * comments are from the start of that payload.
 */
#ifndef _HV_IC_PROTO_H
#define _HV_IC_PROTO_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#else
#include <stddef.h>
#include "user/hv_user_types.h"
#endif

/* A version as code handles it: major in the high half (as Linux does). */
#define HV_IC_VERSION(major, minor)	(((u32)(major) << 16) | (u16)(minor))
#define HV_IC_VERSION_MAJOR(v)		((u16)((v) >> 16))
#define HV_IC_VERSION_MINOR(v)		((u16)((v) & 0xffff))

/* Pipe header: packet type of data, the only one ICs use. */
#define HV_IC_PIPE_DATA			1

/* icmsgtype */
#define HV_IC_MSG_NEGOTIATE		0
#define HV_IC_MSG_HEARTBEAT		1
#define HV_IC_MSG_KVP			2
#define HV_IC_MSG_SHUTDOWN		3
#define HV_IC_MSG_TIMESYNC		4
#define HV_IC_MSG_VSS			5
#define HV_IC_MSG_RDV			6	/* OpenVMM only */
#define HV_IC_MSG_FCOPY			7

/* icflags */
#define HV_IC_FLAG_TRANSACTION		0x01
#define HV_IC_FLAG_REQUEST		0x02
#define HV_IC_FLAG_RESPONSE		0x04
#define HV_IC_FLAGS_REQUEST		(HV_IC_FLAG_TRANSACTION | HV_IC_FLAG_REQUEST)
#define HV_IC_FLAGS_RESPONSE		(HV_IC_FLAG_TRANSACTION | HV_IC_FLAG_RESPONSE)

/* status */
#define HV_IC_S_OK			0x00000000U
#define HV_IC_E_FAIL			0x80004005U
#define HV_IC_S_CONT			0x80070103U
#define HV_IC_ERROR_NOT_SUPPORTED	0x80070032U
#define HV_IC_ERROR_MACHINE_LOCKED	0x800704f7U
#define HV_IC_ERROR_DEVICE_NOT_CONNECTED 0x8007048fU
#define HV_IC_INVALIDARG		0x80070057U
#define HV_IC_GUID_NOTFOUND		0x80041002U
#define HV_IC_ERROR_ALREADY_EXISTS	0x80070050U
#define HV_IC_ERROR_DISK_FULL		0x80070070U

/* Most versions a negotiation may list, per kind (Linux's bound). */
#define HV_IC_NEGOTIATE_MAX_COUNT	100

/* The answer to a negotiation: counts 1/1, two versions; icmsgsize 0x10. */
#define HV_IC_NEGOTIATE_ANSWER_SIZE	16

/* Shutdown flags (bit values; Linux acts on the exact value). */
#define HV_IC_SHUTDOWN_FORCE		0x1
#define HV_IC_SHUTDOWN_RESTART		0x2
#define HV_IC_SHUTDOWN_HIBERNATE	0x4
#define HV_IC_SHUTDOWN_REASON_PLANNED	0x80000000U
#define HV_IC_SHUTDOWN_MESSAGE_SIZE	2048

/* Timesync: 100 ns units since 1601-01-01 UTC; 1601 to 1970 in them. */
#define HV_IC_TIME_1601_TO_1970		116444736000000000ULL
#define HV_IC_TIMESYNC_PROBE		0
#define HV_IC_TIMESYNC_SYNC		1
#define HV_IC_TIMESYNC_SAMPLE		2

/* KVP */
#define HV_IC_KVP_OP_GET		0
#define HV_IC_KVP_OP_SET		1
#define HV_IC_KVP_OP_DELETE		2
#define HV_IC_KVP_OP_ENUMERATE		3
#define HV_IC_KVP_OP_GET_IP_INFO	4
#define HV_IC_KVP_OP_SET_IP_INFO	5
#define HV_IC_KVP_POOL_EXTERNAL		0
#define HV_IC_KVP_POOL_GUEST		1
#define HV_IC_KVP_POOL_AUTO		2
#define HV_IC_KVP_POOL_AUTO_EXTERNAL	3
#define HV_IC_KVP_POOL_AUTO_INTERNAL	4
#define HV_IC_KVP_MAX_KEY_SIZE		512
#define HV_IC_KVP_MAX_VALUE_SIZE	2048
#define HV_IC_KVP_REG_SZ		1
#define HV_IC_KVP_REG_U32		4
#define HV_IC_KVP_REG_U64		8
#define HV_IC_KVP_REG_QWORD		11	/* Windows REG_QWORD (OpenVMM) */
#define HV_IC_KVP_ADDR_NONE		0
#define HV_IC_KVP_ADDR_IPV4		1
#define HV_IC_KVP_ADDR_IPV6		2

/* VSS */
#define HV_IC_VSS_OP_CREATE		0
#define HV_IC_VSS_OP_DELETE		1
#define HV_IC_VSS_OP_HOT_BACKUP		2
#define HV_IC_VSS_OP_GET_DM_INFO	3
#define HV_IC_VSS_OP_BU_COMPLETE	4
#define HV_IC_VSS_OP_FREEZE		5
#define HV_IC_VSS_OP_THAW		6
#define HV_IC_VSS_OP_AUTO_RECOVER	7
#define HV_IC_VSS_HBU_NO_AUTO_RECOVERY	5
#define HV_IC_VSS_FREEZE_MAX_SIZE	6260
#define HV_IC_VSS_AUTO_RECOVER_MAX_SIZE	12500

/* fcopy */
#define HV_IC_FCOPY_START		0
#define HV_IC_FCOPY_WRITE		1
#define HV_IC_FCOPY_COMPLETE		2
#define HV_IC_FCOPY_CANCEL		3
#define HV_IC_FCOPY_MAX_PATH		260
#define HV_IC_FCOPY_OVER_WRITE		0x1
#define HV_IC_FCOPY_CREATE_PATH		0x2
#define HV_IC_FCOPY_DATA_FRAGMENT	6144

/**
 * struct hv_ic_pipe_hdr - the pipe header before every IC message
 * @flags:	HV_IC_PIPE_DATA
 * @msgsize:	bytes after this header
 */
struct hv_ic_pipe_hdr {
	u32 flags;
	u32 msgsize;
} __packed;

/**
 * struct hv_ic_version - a version on the wire
 * @major:	major number
 * @minor:	minor number
 */
struct hv_ic_version {
	u16 major;
	u16 minor;
} __packed;

/**
 * struct hv_ic_msg_hdr - the IC message header (Linux's icmsg_hdr)
 * @framework:	framework version
 * @msgtype:	HV_IC_MSG_*
 * @msgver:	message (service) version
 * @msgsize:	body bytes after the header
 * @status:	HV_IC_S_OK or an error (HV_IC_E_*)
 * @transaction_id: echoed by the answer
 * @flags:	HV_IC_FLAG_*
 * @reserved:	zero
 */
struct hv_ic_msg_hdr {
	struct hv_ic_version framework;
	u16 msgtype;
	struct hv_ic_version msgver;
	u16 msgsize;
	u32 status;
	u8 transaction_id;
	u8 flags;
	u8 reserved[2];
} __packed;

/* Pipe header and message header: where a body starts. */
#define HV_IC_HDR_SIZE	(sizeof(struct hv_ic_pipe_hdr) + sizeof(struct hv_ic_msg_hdr))

/**
 * struct hv_ic_negotiate - body of a negotiation
 * @framework_count: framework versions listed first
 * @message_count: message versions listed after them
 * @reserved:	zero
 * @versions:	framework_count + message_count versions
 */
struct hv_ic_negotiate {
	u16 framework_count;
	u16 message_count;
	u32 reserved;
	struct hv_ic_version versions[];
} __packed;

/**
 * struct hv_ic_shutdown - body of a shutdown request (type 3)
 * @reason_code: e.g. HV_IC_SHUTDOWN_REASON_PLANNED
 * @timeout_seconds: time the guest is given
 * @flags:	HV_IC_SHUTDOWN_* (Linux acts on the exact value 0 to 5)
 * @display_message: text for the guest's users
 */
struct hv_ic_shutdown {
	u32 reason_code;
	u32 timeout_seconds;
	u32 flags;
	u8 display_message[HV_IC_SHUTDOWN_MESSAGE_SIZE];
} __packed;

/**
 * struct hv_ic_timesync_v3 - body of a time sample, message versions 1 and 3
 * @parenttime:	host time, 100 ns units since 1601
 * @childtime:	unused by guests
 * @roundtriptime: unused by guests
 * @flags:	HV_IC_TIMESYNC_*
 * @reserved:	zero (Linux's structure ends before, at 25 bytes)
 */
struct hv_ic_timesync_v3 {
	u64 parenttime;
	u64 childtime;
	u64 roundtriptime;
	u8 flags;
	u8 reserved[3];
} __packed;

#define HV_IC_TIMESYNC_V3_MIN	25	/* what Linux needs */

/**
 * struct hv_ic_timesync_v4 - body of a time sample, message version 4
 * @parenttime:	host time, 100 ns units since 1601
 * @vmreferencetime: the guest's reference counter when the host read its clock
 * @flags:	HV_IC_TIMESYNC_*
 * @leapflags:	zero
 * @stratum:	zero
 * @reserved:	zero (Linux's structure ends after 3 of them, at 22 bytes)
 */
struct hv_ic_timesync_v4 {
	u64 parenttime;
	u64 vmreferencetime;
	u8 flags;
	u8 leapflags;
	u8 stratum;
	u8 reserved[5];
} __packed;

#define HV_IC_TIMESYNC_V4_MIN	22	/* what Linux needs */

/**
 * struct hv_ic_heartbeat - body of a heartbeat (type 1)
 * @seq_num:	the host's number; the guest answers it plus one
 * @application_state: OpenVMM's guest-to-host field (0 unknown, 1 healthy,
 *		2 critical, 3 stopped); reserved for Linux
 * @reserved:	zero
 */
struct hv_ic_heartbeat {
	u64 seq_num;
	u32 application_state;
	u32 reserved[7];
} __packed;

#define HV_IC_HEARTBEAT_MIN	8	/* Linux reads only seq_num */

/**
 * struct hv_ic_kvp_hdr - the first bytes of every KVP body
 * @operation:	HV_IC_KVP_OP_*
 * @pool:	HV_IC_KVP_POOL_*
 * @pad:	zero
 */
struct hv_ic_kvp_hdr {
	u8 operation;
	u8 pool;
	u16 pad;
} __packed;

/**
 * struct hv_ic_kvp_value - a key and its value, UTF-16LE on the wire
 * @value_type:	HV_IC_KVP_REG_*
 * @key_size:	bytes of @key used, terminator included
 * @value_size:	bytes of @value used, terminator included
 * @key:	the key
 * @value:	the value
 */
struct hv_ic_kvp_value {
	u32 value_type;
	u32 key_size;
	u32 value_size;
	u8 key[HV_IC_KVP_MAX_KEY_SIZE];
	u8 value[HV_IC_KVP_MAX_VALUE_SIZE];
} __packed;

/**
 * struct hv_ic_kvp_get_set - body of GET and SET
 * @hdr:	operation and pool
 * @data:	the key and value
 */
struct hv_ic_kvp_get_set {
	struct hv_ic_kvp_hdr hdr;
	struct hv_ic_kvp_value data;
} __packed;

/**
 * struct hv_ic_kvp_delete - body of DELETE
 * @hdr:	operation and pool
 * @key_size:	bytes of @key used
 * @key:	the key
 */
struct hv_ic_kvp_delete {
	struct hv_ic_kvp_hdr hdr;
	u32 key_size;
	u8 key[HV_IC_KVP_MAX_KEY_SIZE];
} __packed;

/**
 * struct hv_ic_kvp_enumerate - body of ENUMERATE
 * @hdr:	operation and pool
 * @index:	the record wanted
 * @data:	the answer's key and value
 */
struct hv_ic_kvp_enumerate {
	struct hv_ic_kvp_hdr hdr;
	u32 index;
	struct hv_ic_kvp_value data;
} __packed;

/**
 * struct hv_ic_kvp_ip - body of GET_IP_INFO and SET_IP_INFO (string form,
 *	message versions up to 4.0); lists ';'-separated, UTF-16LE
 * @operation:	HV_IC_KVP_OP_GET_IP_INFO or _SET_IP_INFO
 * @pool:	the pool
 * @adapter_id:	the adapter
 * @addr_family: HV_IC_KVP_ADDR_*
 * @dhcp_enabled: 1 if DHCP
 * @ip_addr:	addresses
 * @sub_net:	their masks (dotted IPv4, "/plen" IPv6)
 * @gate_way:	gateways
 * @dns_addr:	DNS servers
 */
struct hv_ic_kvp_ip {
	u8 operation;
	u8 pool;
	u16 adapter_id[128];
	u8 addr_family;
	u8 dhcp_enabled;
	u16 ip_addr[1024];
	u16 sub_net[1024];
	u16 gate_way[512];
	u16 dns_addr[1024];
} __packed;

/**
 * struct hv_ic_vss - body of a VSS message (at least these 12 bytes; a
 *	FREEZE may carry LUN information up to HV_IC_VSS_FREEZE_MAX_SIZE)
 * @operation:	HV_IC_VSS_OP_*
 * @reserved:	zero
 * @flags:	check-feature or DM-info flags
 */
struct hv_ic_vss {
	u8 operation;
	u8 reserved[7];
	u32 flags;
} __packed;

/**
 * struct hv_ic_fcopy_hdr - the first bytes of every fcopy body
 * @operation:	HV_IC_FCOPY_*
 * @service_id0: unused
 * @service_id1: unused
 */
struct hv_ic_fcopy_hdr {
	u32 operation;
	u8 service_id0[16];
	u8 service_id1[16];
} __packed;

/**
 * struct hv_ic_fcopy_start - body of START_FILE_COPY
 * @hdr:	the fcopy header
 * @file_name:	UTF-16LE, NUL-terminated
 * @path_name:	UTF-16LE, NUL-terminated
 * @copy_flags:	HV_IC_FCOPY_OVER_WRITE, HV_IC_FCOPY_CREATE_PATH
 * @file_size:	bytes to come
 */
struct hv_ic_fcopy_start {
	struct hv_ic_fcopy_hdr hdr;
	u16 file_name[HV_IC_FCOPY_MAX_PATH];
	u16 path_name[HV_IC_FCOPY_MAX_PATH];
	u32 copy_flags;
	u64 file_size;
} __packed;

/**
 * struct hv_ic_fcopy_write - body of WRITE_TO_FILE
 * @hdr:	the fcopy header
 * @pad:	zero
 * @offset:	where @data goes in the file
 * @size:	bytes of @data used
 * @data:	the bytes
 */
struct hv_ic_fcopy_write {
	struct hv_ic_fcopy_hdr hdr;
	u32 pad;
	u64 offset;
	u32 size;
	u8 data[HV_IC_FCOPY_DATA_FRAGMENT];
} __packed;

/* Sizes and offsets of the fact sheet (offsets from the payload's start). */
#define HV_IC_BODY_OFF(type, field)	(HV_IC_HDR_SIZE + offsetof(type, field))
static_assert(sizeof(struct hv_ic_pipe_hdr) == 8);
static_assert(sizeof(struct hv_ic_msg_hdr) == 20);
static_assert(HV_IC_HDR_SIZE == 28);
static_assert(8 + offsetof(struct hv_ic_msg_hdr, msgtype) == 12);
static_assert(8 + offsetof(struct hv_ic_msg_hdr, msgver) == 14);
static_assert(8 + offsetof(struct hv_ic_msg_hdr, msgsize) == 18);
static_assert(8 + offsetof(struct hv_ic_msg_hdr, status) == 20);
static_assert(8 + offsetof(struct hv_ic_msg_hdr, transaction_id) == 24);
static_assert(8 + offsetof(struct hv_ic_msg_hdr, flags) == 25);
static_assert(sizeof(struct hv_ic_negotiate) == 8);
static_assert(HV_IC_BODY_OFF(struct hv_ic_negotiate, message_count) == 30);
static_assert(HV_IC_BODY_OFF(struct hv_ic_negotiate, versions) == 36);
static_assert(sizeof(struct hv_ic_shutdown) == 2060);
static_assert(HV_IC_BODY_OFF(struct hv_ic_shutdown, timeout_seconds) == 32);
static_assert(HV_IC_BODY_OFF(struct hv_ic_shutdown, flags) == 36);
static_assert(HV_IC_BODY_OFF(struct hv_ic_shutdown, display_message) == 40);
static_assert(offsetof(struct hv_ic_timesync_v3, flags) + 1 == HV_IC_TIMESYNC_V3_MIN);
static_assert(sizeof(struct hv_ic_timesync_v3) == 28);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v3, childtime) == 36);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v3, roundtriptime) == 44);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v3, flags) == 52);
static_assert(offsetof(struct hv_ic_timesync_v4, reserved) + 3 == HV_IC_TIMESYNC_V4_MIN);
static_assert(sizeof(struct hv_ic_timesync_v4) == 24);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v4, vmreferencetime) == 36);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v4, flags) == 44);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v4, leapflags) == 45);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v4, stratum) == 46);
static_assert(HV_IC_BODY_OFF(struct hv_ic_timesync_v4, reserved) == 47);
static_assert(sizeof(struct hv_ic_heartbeat) == 40);
static_assert(HV_IC_BODY_OFF(struct hv_ic_heartbeat, application_state) == 36);
static_assert(sizeof(struct hv_ic_kvp_value) == 2572);
static_assert(HV_IC_HDR_SIZE + sizeof(struct hv_ic_kvp_get_set) == 2604);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_get_set, data.value_type) == 32);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_get_set, data.key_size) == 36);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_get_set, data.value_size) == 40);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_get_set, data.key) == 44);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_get_set, data.value) == 556);
static_assert(HV_IC_HDR_SIZE + sizeof(struct hv_ic_kvp_delete) == 548);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_delete, key) == 36);
static_assert(HV_IC_HDR_SIZE + sizeof(struct hv_ic_kvp_enumerate) == 2608);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_enumerate, data.value_type) == 36);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_enumerate, data.key) == 48);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_enumerate, data.value) == 560);
static_assert(sizeof(struct hv_ic_kvp_ip) == 7428);
static_assert(HV_IC_HDR_SIZE + sizeof(struct hv_ic_kvp_ip) == 7456);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, adapter_id) == 30);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, addr_family) == 286);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, dhcp_enabled) == 287);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, ip_addr) == 288);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, sub_net) == 2336);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, gate_way) == 4384);
static_assert(HV_IC_BODY_OFF(struct hv_ic_kvp_ip, dns_addr) == 5408);
static_assert(sizeof(struct hv_ic_vss) == 12);
static_assert(HV_IC_BODY_OFF(struct hv_ic_vss, flags) == 36);
static_assert(sizeof(struct hv_ic_fcopy_hdr) == 36);
static_assert(sizeof(struct hv_ic_fcopy_start) == 1088);
static_assert(offsetof(struct hv_ic_fcopy_start, file_name) == 36);
static_assert(offsetof(struct hv_ic_fcopy_start, path_name) == 556);
static_assert(offsetof(struct hv_ic_fcopy_start, copy_flags) == 1076);
static_assert(offsetof(struct hv_ic_fcopy_start, file_size) == 1080);
static_assert(sizeof(struct hv_ic_fcopy_write) == 6196);
static_assert(offsetof(struct hv_ic_fcopy_write, offset) == 40);
static_assert(offsetof(struct hv_ic_fcopy_write, size) == 48);
static_assert(offsetof(struct hv_ic_fcopy_write, data) == 52);
static_assert(HV_IC_HDR_SIZE + sizeof(struct hv_ic_fcopy_start) == 1116);
static_assert(HV_IC_HDR_SIZE + sizeof(struct hv_ic_fcopy_write) == 6224);

#endif /* _HV_IC_PROTO_H */
