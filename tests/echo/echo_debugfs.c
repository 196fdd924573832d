// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_echo_test's control interface, one directory per device:
 * /sys/kernel/debug/hv_echo_test/INSTANCE-GUID/ (the device's name on the
 * vmbus bus), with
 *
 *   control  write one command; the test runs in the writer's context and
 *	      the write fails with the test's error (ETIMEDOUT: the host did
 *	      not answer; EIO: a wrong echo; ENODEV: rescinded or removed;
 *	      EINVAL: a bad command). Read: the commands.
 *   result   the last test: "test ..." (what ran), "status ok" or
 *	      "status error ERRNO" with "error REASON", then "KEY VALUE"
 *	      lines (packets, bytes, time_us, ring_full, host_waits, tx_wraps,
 *	      rx_wraps, stale; for bench also packets_per_s, bytes_per_s,
 *	      memcpy_bytes_per_s and ratio)
 *   stats    counters since the device was bound: the totals, then one
 *	      line per channel
 *   info     ring sizes, the largest payload, the read mode, low_latency
 *	      (1: channels in low-latency mode), the channels
 *
 * Commands:
 *   echo COUNT SIZE [INFLIGHT] [CHANNELS]        in-band packets
 *   recvpacket COUNT SIZE [INFLIGHT] [CHANNELS]  the same, read with
 *						  vmbus_recvpacket()
 *   recvraw COUNT SIZE [INFLIGHT] [CHANNELS]     ... vmbus_recvpacket_raw()
 *   mpb COUNT SIZE [INFLIGHT] [CHANNELS]         vmbus_sendpacket_mpb_desc()
 *   flow COUNT SIZE [HOLD_MS]                    both rings full, both
 *						  sides' flow control
 *						  (needs direct_read=1)
 *   bench SIZE COUNT|SECONDSs|MSms [INFLIGHT] [CHANNELS]
 *   oversize                                     a payload one byte too big
 *   mmio SIZE ALIGN MIN MAX [fb]                 vmbus_allocate_mmio()
 *   mmiofree                                     vmbus_free_mmio() of them all
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "echo.h"

/* Longest command line taken, newline included. */
#define ECHO_CMD_MAX		128

static struct dentry *echo_debugfs_root;

static const char echo_usage[] =
	"echo COUNT SIZE [INFLIGHT] [CHANNELS]\n"
	"recvpacket COUNT SIZE [INFLIGHT] [CHANNELS]\n"
	"recvraw COUNT SIZE [INFLIGHT] [CHANNELS]\n"
	"mpb COUNT SIZE [INFLIGHT] [CHANNELS]\n"
	"flow COUNT SIZE [HOLD_MS]\n"
	"bench SIZE COUNT|SECONDSs|MSms [INFLIGHT] [CHANNELS]\n"
	"oversize\n"
	"mmio SIZE ALIGN MIN MAX [fb]\n"
	"mmiofree\n";

static int echo_parse_u32(struct echo_dev *edev, const char *what, const char *arg, u32 *val)
{
	if (kstrtou32(arg, 0, val)) {
		echo_set_result(edev, -EINVAL, "bad %s '%s': want a number", what, arg);
		return -EINVAL;
	}
	return 0;
}

/* "5s", "300ms" (a duration) or "1000" (a packet count) */
static int echo_parse_amount(struct echo_dev *edev, const char *arg, struct echo_params *p)
{
	size_t len = strlen(arg);
	char num[24];
	u32 val;

	if (len > 2 && len < sizeof(num) && !strcmp(arg + len - 2, "ms")) {
		strscpy(num, arg, len - 1);
		if (kstrtou32(num, 10, &val) || !val)
			goto bad;
		p->duration_ms = val;
		return 0;
	}
	if (len > 1 && len < sizeof(num) && arg[len - 1] == 's') {
		strscpy(num, arg, len);
		if (kstrtou32(num, 10, &val) || !val || val > 3600)
			goto bad;
		p->duration_ms = val * 1000;
		return 0;
	}
	if (!kstrtou64(arg, 0, &p->count) && p->count)
		return 0;
bad:
	echo_set_result(edev, -EINVAL,
			"bad amount '%s': a packet count, or a duration such as 5s or 300ms", arg);
	return -EINVAL;
}

static int echo_command(struct echo_dev *edev, char *cmd)
{
	struct echo_params p = { .inflight = 8, .nchans = 1 };
	char *argv[6], *tok;
	u32 count32;
	int argc = 0;

	while ((tok = strsep(&cmd, " \t\n"))) {
		if (!*tok)
			continue;
		if (argc == ARRAY_SIZE(argv)) {
			echo_set_result(edev, -EINVAL, "too many arguments; commands:\n%s",
					echo_usage);
			return -EINVAL;
		}
		argv[argc++] = tok;
	}
	if (!argc) {
		echo_set_result(edev, -EINVAL, "empty command; commands:\n%s", echo_usage);
		return -EINVAL;
	}
	p.name = argv[0];

	if (!strcmp(argv[0], "oversize") && argc == 1)
		return echo_oversize_run(edev);
	if (!strcmp(argv[0], "mmio") || !strcmp(argv[0], "mmiofree"))
		return echo_mmio_command(edev, argc, argv);

	if (!strcmp(argv[0], "bench") && argc >= 3 && argc <= 5) {
		p.kind = ECHO_KIND_INBAND;
		p.bench = true;
		p.inflight = 32;
		p.name = "bench";
		if (echo_parse_u32(edev, "size", argv[1], &p.size) ||
		    echo_parse_amount(edev, argv[2], &p) ||
		    (argc > 3 && echo_parse_u32(edev, "inflight", argv[3], &p.inflight)) ||
		    (argc > 4 && echo_parse_u32(edev, "channels", argv[4], &p.nchans)))
			return -EINVAL;
		return echo_test_run(edev, &p);
	}

	if (!strcmp(argv[0], "flow") && argc >= 3 && argc <= 4) {
		p.kind = ECHO_KIND_FLOW;
		p.name = "flow";
		p.inflight = 1;
		p.hold_ms = 50;
		if (echo_parse_u32(edev, "count", argv[1], &count32) ||
		    echo_parse_u32(edev, "size", argv[2], &p.size) ||
		    (argc > 3 && echo_parse_u32(edev, "hold_ms", argv[3], &p.hold_ms)))
			return -EINVAL;
		p.count = count32;
		if (p.hold_ms > 10000) {
			echo_set_result(edev, -EINVAL, "hold_ms %u: at most 10000", p.hold_ms);
			return -EINVAL;
		}
		return echo_test_run(edev, &p);
	}

	if (!strcmp(argv[0], "echo")) {
		p.name = "echo";
		p.rx_mode = ECHO_RX_ITER;
	} else if (!strcmp(argv[0], "recvpacket")) {
		p.name = "recvpacket";
		p.rx_mode = ECHO_RX_RECVPACKET;
	} else if (!strcmp(argv[0], "recvraw")) {
		p.name = "recvraw";
		p.rx_mode = ECHO_RX_RAW;
	} else if (!strcmp(argv[0], "mpb")) {
		p.name = "mpb";
		p.kind = ECHO_KIND_MPB;
		p.inflight = 4;
	} else {
		argc = 0;
	}
	if (argc < 3 || argc > 5) {
		echo_set_result(edev, -EINVAL,
				"unknown command or wrong number of arguments: '%s'; commands:\n%s",
				argv[0], echo_usage);
		return -EINVAL;
	}
	if (echo_parse_u32(edev, "count", argv[1], &count32) ||
	    echo_parse_u32(edev, "size", argv[2], &p.size) ||
	    (argc > 3 && echo_parse_u32(edev, "inflight", argv[3], &p.inflight)) ||
	    (argc > 4 && echo_parse_u32(edev, "channels", argv[4], &p.nchans)))
		return -EINVAL;
	p.count = count32;
	return echo_test_run(edev, &p);
}

static ssize_t echo_control_write(struct file *file, const char __user *ubuf, size_t count,
				  loff_t *ppos)
{
	struct echo_dev *edev = file_inode(file)->i_private;
	char *cmd;
	int ret;

	if (count >= ECHO_CMD_MAX) {
		echo_set_result(edev, -EINVAL, "command longer than %d bytes", ECHO_CMD_MAX - 1);
		return -EINVAL;
	}
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	if (strlen(cmd) != count) {
		echo_set_result(edev, -EINVAL, "command contains a NUL byte");
		ret = -EINVAL;
	} else {
		ret = echo_command(edev, cmd);
	}
	kfree(cmd);
	return ret ? ret : count;
}

static int echo_control_show(struct seq_file *s, void *unused)
{
	seq_puts(s, echo_usage);
	return 0;
}

static int echo_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, echo_control_show, inode->i_private);
}

static const struct file_operations echo_control_fops = {
	.owner = THIS_MODULE,
	.open = echo_control_open,
	.read = seq_read,
	.write = echo_control_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int echo_result_show(struct seq_file *s, void *unused)
{
	struct echo_dev *edev = s->private;

	mutex_lock(&edev->result_lock);
	seq_puts(s, edev->result);
	mutex_unlock(&edev->result_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(echo_result);

struct echo_sum {
	s64 tx_packets, tx_bytes, rx_packets, rx_bytes, ring_full, host_waits;
	s64 tx_wraps, rx_wraps, stale, errors;
};

static void echo_sum_add(struct echo_sum *sum, const struct echo_stats *st)
{
	sum->tx_packets += atomic64_read(&st->tx_packets);
	sum->tx_bytes += atomic64_read(&st->tx_bytes);
	sum->rx_packets += atomic64_read(&st->rx_packets);
	sum->rx_bytes += atomic64_read(&st->rx_bytes);
	sum->ring_full += atomic64_read(&st->ring_full);
	sum->host_waits += atomic64_read(&st->host_waits);
	sum->tx_wraps += atomic64_read(&st->tx_wraps);
	sum->rx_wraps += atomic64_read(&st->rx_wraps);
	sum->stale += atomic64_read(&st->stale);
	sum->errors += atomic64_read(&st->errors);
}

static int echo_stats_show(struct seq_file *s, void *unused)
{
	struct echo_dev *edev = s->private;
	struct echo_sum total = { 0 };
	struct echo_chan *ech;

	mutex_lock(&edev->chans_lock);
	list_for_each_entry(ech, &edev->chans, node)
		echo_sum_add(&total, &ech->stats);
	seq_printf(s, "tests_run %lld\ntests_failed %lld\n",
		   (long long)atomic64_read(&edev->tests_run),
		   (long long)atomic64_read(&edev->tests_failed));
	seq_printf(s, "tx_packets %lld\ntx_bytes %lld\nrx_packets %lld\nrx_bytes %lld\n",
		   total.tx_packets, total.tx_bytes, total.rx_packets, total.rx_bytes);
	seq_printf(s, "ring_full %lld\nhost_waits %lld\ntx_wraps %lld\nrx_wraps %lld\n",
		   total.ring_full, total.host_waits, total.tx_wraps, total.rx_wraps);
	seq_printf(s, "stale %lld\nerrors %lld\n", total.stale, total.errors);
	list_for_each_entry(ech, &edev->chans, node) {
		struct echo_sum c = { 0 };

		echo_sum_add(&c, &ech->stats);
		seq_printf(s, "channel %u relid %u tx_packets %lld tx_bytes %lld rx_packets %lld rx_bytes %lld ring_full %lld host_waits %lld tx_wraps %lld rx_wraps %lld stale %lld errors %lld\n",
			   ech->index, ech->relid, c.tx_packets, c.tx_bytes, c.rx_packets,
			   c.rx_bytes, c.ring_full, c.host_waits, c.tx_wraps, c.rx_wraps,
			   c.stale, c.errors);
	}
	mutex_unlock(&edev->chans_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(echo_stats);

static int echo_info_show(struct seq_file *s, void *unused)
{
	struct echo_dev *edev = s->private;
	struct echo_chan *ech;

	mutex_lock(&edev->chans_lock);
	seq_printf(s, "ring_size %u\nring_data %u\nmax_payload %u\nread_mode %s\nlow_latency %d\nchannels %u\n",
		   edev->ring_size, edev->ring_data, edev->max_payload,
		   edev->direct ? "direct" : "batched", edev->low_latency, edev->nchans);
	list_for_each_entry(ech, &edev->chans, node)
		seq_printf(s, "channel %u relid %u\n", ech->index, ech->relid);
	mutex_unlock(&edev->chans_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(echo_info);

/**
 * echo_debugfs_add() - create a device's debugfs directory
 * @edev: the device, bound and with its primary channel open
 *
 * remove() takes it away with debugfs_remove_recursive(), which waits for a
 * test running in a writer of its control file.
 */
void echo_debugfs_add(struct echo_dev *edev)
{
	edev->dir = debugfs_create_dir(dev_name(&edev->hdev->device), echo_debugfs_root);
	debugfs_create_file("control", 0600, edev->dir, edev, &echo_control_fops);
	debugfs_create_file("result", 0444, edev->dir, edev, &echo_result_fops);
	debugfs_create_file("stats", 0444, edev->dir, edev, &echo_stats_fops);
	debugfs_create_file("info", 0444, edev->dir, edev, &echo_info_fops);
}

/**
 * echo_debugfs_init() - create /sys/kernel/debug/hv_echo_test/
 *
 * Return: 0; debugfs being unavailable is not an error.
 */
int echo_debugfs_init(void)
{
	echo_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	return 0;
}

/**
 * echo_debugfs_exit() - remove /sys/kernel/debug/hv_echo_test/
 */
void echo_debugfs_exit(void)
{
	debugfs_remove_recursive(echo_debugfs_root);
}
