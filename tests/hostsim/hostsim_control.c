// SPDX-License-Identifier: GPL-2.0-only
/*
 * The administrator's commands to the simulated host, one per write to
 * /sys/kernel/debug/hv_hostsim/control:
 *
 *   offer CLASS [INSTANCE-GUID] [monitored|unmonitored]
 *                                 configure a device, offered at once if the
 *                                 guest listens; CLASS is a name of
 *                                 hvsim_classes or a class GUID; a random
 *                                 instance GUID when none is given;
 *                                 monitored: offer it with a monitor id
 *                                 allocated (monitored notification),
 *                                 unmonitored: without; by default as
 *                                 Hyper-V offers the class
 *   subchannels RELID N           add N sub-channels to primary RELID
 *   rescind RELID                 remove a device (and its sub-channels)
 *   fault RELID delay MS          wait MS ms (0 to 60000; 0: off) before
 *                                 handling each packet of the channel
 *   fault RELID drop N            consume the next N packets (0 to 1000000;
 *                                 0: off) without answering them
 *   fault RELID corrupt N         give the next N answers an invalid len8
 *                                 (longer than the ring, or else shorter
 *                                 than a descriptor)
 *   fault RELID rescind-after N   rescind the device after N more answers
 *   fault RELID clear             no more faults on RELID
 *   hvsock connect PORT [DATA]    connect to the guest's vsock PORT, send
 *                                 DATA (one word) and EOF, keep what the
 *                                 guest sends (hostsim_hvsock.c)
 *   ic ...                        integration services: versions offered,
 *                                 shutdown, heartbeat and time requests
 *                                 (hostsim_ic.c)
 *
 * The IC classes (shutdown, timesync, heartbeat, kvp, vss, fcopy) have a
 * host side of their own (hostsim_ic.c).
 *
 * Faults act on the channels of devices whose class has a host side (echo)
 * and last until cleared or until the device goes (hostsim_fault.c).
 *
 * A bad command fails the write with -EINVAL, says why in the kernel log and
 * in last_error; the relids a command created are in last_relid, the
 * hvsock connection it made in last_hvsock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hyperv.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include "hostsim.h"

/*
 * The class of the host simulator's echo device, a private GUID generated
 * for this project (no Microsoft class uses it).
 */
#define HVSIM_ECHO_GUID \
	.guid = GUID_INIT(0xc18c230f, 0x6088, 0x4676, 0x96, 0xf6, \
			  0xfe, 0x7d, 0x45, 0x13, 0x5f, 0x01)

/* The classes the host offers by name; the GUIDs are the kernel's. */
const struct hvsim_class hvsim_classes[] = {
	{ .name = "network", HV_NIC_GUID, .monitored = true },
	{ .name = "scsi", HV_SCSI_GUID, .monitored = true },
	{ .name = "ide", HV_IDE_GUID },
	{ .name = "shutdown", HV_SHUTDOWN_GUID, .run = hvsim_ic_run_shutdown },
	{ .name = "timesync", HV_TS_GUID, .run = hvsim_ic_run_timesync },
	{ .name = "heartbeat", HV_HEART_BEAT_GUID, .run = hvsim_ic_run_heartbeat },
	{ .name = "kvp", HV_KVP_GUID, .run = hvsim_ic_run_kvp },
	{ .name = "vss", HV_VSS_GUID, .run = hvsim_ic_run_vss },
	{ .name = "fcopy", HV_FCOPY_GUID, .run = hvsim_ic_run_fcopy },
	{ .name = "dm", HV_DM_GUID },
	{ .name = "keyboard", HV_KBD_GUID },
	{ .name = "mouse", HV_MOUSE_GUID },
	{ .name = "synthvid", HV_SYNTHVID_GUID, .mmio_megabytes = 8 },
	{ .name = "pci", HV_PCIE_GUID },
	{ .name = "fc", HV_SYNTHFC_GUID },
	{ .name = "echo", HVSIM_ECHO_GUID, .run = hvsim_echo_run },
};

const unsigned int hvsim_n_classes = ARRAY_SIZE(hvsim_classes);

/* A class GUID given literally that is none of the above. */
const struct hvsim_class hvsim_class_unknown = { .name = "unknown" };

/**
 * hvsim_cmd_fail() - say why a control command failed
 * @fmt: printf format of the reason
 *
 * Logs it and keeps it in hvsim.last_error. Called with hvsim.lock held.
 */
void hvsim_cmd_fail(const char *fmt, ...)
{
	va_list args;

	lockdep_assert_held(&hvsim.lock);
	va_start(args, fmt);
	vsnprintf(hvsim.last_error, sizeof(hvsim.last_error), fmt, args);
	va_end(args);
	pr_warn("control: %s\n", hvsim.last_error);
}

static const struct hvsim_class *hvsim_find_class(const char *arg, guid_t *guid)
{
	unsigned int i;

	for (i = 0; i < hvsim_n_classes; i++) {
		if (!strcmp(arg, hvsim_classes[i].name)) {
			guid_copy(guid, &hvsim_classes[i].guid);
			return &hvsim_classes[i];
		}
	}
	if (guid_parse(arg, guid) || guid_is_null(guid))
		return NULL;
	for (i = 0; i < hvsim_n_classes; i++)
		if (guid_equal(guid, &hvsim_classes[i].guid))
			return &hvsim_classes[i];
	return &hvsim_class_unknown;
}

static int hvsim_cmd_offer(int argc, char **argv)
{
	const struct hvsim_class *class;
	guid_t class_guid, instance;
	int monitored = -1;

	/* a last word "monitored" or "unmonitored" overrides the class */
	if (argc >= 3 && !strcmp(argv[argc - 1], "monitored"))
		monitored = 1;
	else if (argc >= 3 && !strcmp(argv[argc - 1], "unmonitored"))
		monitored = 0;
	if (monitored >= 0)
		argc--;
	if (argc < 2 || argc > 3) {
		hvsim_cmd_fail("usage: offer CLASS [INSTANCE-GUID] [monitored|unmonitored]");
		return -EINVAL;
	}
	class = hvsim_find_class(argv[1], &class_guid);
	if (!class) {
		char names[192];
		unsigned int i;
		int n = 0;

		for (i = 0; i < hvsim_n_classes; i++)
			n += scnprintf(names + n, sizeof(names) - n, "%s%s",
				       i ? ", " : "", hvsim_classes[i].name);
		hvsim_cmd_fail("unknown class '%s': neither a class GUID nor one of %s",
			       argv[1], names);
		return -EINVAL;
	}
	if (argc == 3) {
		if (guid_parse(argv[2], &instance)) {
			hvsim_cmd_fail("bad instance GUID '%s'", argv[2]);
			return -EINVAL;
		}
		if (guid_is_null(&instance)) {
			hvsim_cmd_fail("the null GUID is no instance GUID");
			return -EINVAL;
		}
	} else {
		guid_gen(&instance);
	}
	return hvsim_dev_add(class, &class_guid, &instance,
			     monitored >= 0 ? monitored : class->monitored);
}

static int hvsim_parse_u32(const char *what, const char *arg, u32 *val)
{
	if (kstrtou32(arg, 10, val)) {
		hvsim_cmd_fail("bad %s '%s': want a decimal number", what, arg);
		return -EINVAL;
	}
	return 0;
}

static int hvsim_cmd_subchannels(int argc, char **argv)
{
	u32 relid, n;

	if (argc != 3) {
		hvsim_cmd_fail("usage: subchannels RELID N");
		return -EINVAL;
	}
	if (hvsim_parse_u32("relid", argv[1], &relid) ||
	    hvsim_parse_u32("sub-channel count", argv[2], &n))
		return -EINVAL;
	return hvsim_dev_add_subchannels(relid, n);
}

static int hvsim_cmd_rescind(int argc, char **argv)
{
	u32 relid;

	if (argc != 2) {
		hvsim_cmd_fail("usage: rescind RELID");
		return -EINVAL;
	}
	if (hvsim_parse_u32("relid", argv[1], &relid))
		return -EINVAL;
	return hvsim_dev_rescind(relid);
}

/**
 * hvsim_control() - carry out one command written to the control file
 * @cmd: the command, NUL-terminated; split in place
 * @len: its length without the terminator
 *
 * Takes hvsim.lock.
 *
 * Return: 0, or -EINVAL for a bad command, with the reason logged and in
 * hvsim.last_error.
 */
int hvsim_control(char *cmd, size_t len)
{
	char *argv[12], *tok;
	int argc = 0, ret = -EINVAL;

	mutex_lock(&hvsim.lock);
	hvsim.last_error[0] = '\0';
	if (strlen(cmd) != len) {
		hvsim_cmd_fail("command contains a NUL byte");
		goto out;
	}
	while ((tok = strsep(&cmd, " \t\n"))) {
		if (!*tok)
			continue;
		if (argc == ARRAY_SIZE(argv)) {
			hvsim_cmd_fail("too many arguments");
			goto out;
		}
		argv[argc++] = tok;
	}
	if (!argc)
		hvsim_cmd_fail("empty command");
	else if (!strcmp(argv[0], "offer"))
		ret = hvsim_cmd_offer(argc, argv);
	else if (!strcmp(argv[0], "subchannels"))
		ret = hvsim_cmd_subchannels(argc, argv);
	else if (!strcmp(argv[0], "rescind"))
		ret = hvsim_cmd_rescind(argc, argv);
	else if (!strcmp(argv[0], "fault"))
		ret = hvsim_cmd_fault(argc, argv);
	else if (!strcmp(argv[0], "hvsock"))
		ret = hvsim_cmd_hvsock(argc, argv);
	else if (!strcmp(argv[0], "ic"))
		ret = hvsim_cmd_ic(argc, argv);
	else
		hvsim_cmd_fail("unknown command '%s' (%s)", argv[0],
			       "offer, subchannels, rescind, fault, hvsock, ic");
out:
	mutex_unlock(&hvsim.lock);
	return ret;
}
