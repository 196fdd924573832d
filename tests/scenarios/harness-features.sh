# SPDX-License-Identifier: GPL-2.0-only
# What later scenarios need from the harness, proven on every kernel: a
# backing disk for storvsp, RAM hidden from the guest with mem= (for hot-add),
# and a host-side network namespace joined to the guest's by a veth pair.
# binaries: ip kmod
# modules: veth
# disk: 64M
# memory: 1G
# append: mem=768M
# timeout: 90
. /lib/hv-test.sh

check "the backing disk is /dev/vda" test -b /dev/vda
check_output "the backing disk has the size asked for (64 MiB)" "^131072\$" \
	cat /sys/block/vda/size
check "the backing disk is writable and reads back" bash -c \
	'echo hv-backing-check | dd of=/dev/vda bs=512 conv=sync,fsync 2>/dev/null &&
	 dd if=/dev/vda bs=512 count=1 2>/dev/null | grep -q hv-backing-check'

total_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
diag "MemTotal: $total_kb kB with 1 GiB of RAM and mem=768M"
check "mem= hides RAM from the guest (MemTotal below 768 MiB)" test "$total_kb" -lt 786432

check "a host-side network namespace can be made" ip netns add host
check "a veth pair joins it to the guest" bash -c \
	'ip link add hv0 type veth peer name hv0host &&
	 ip link set hv0host netns host &&
	 ip addr add 192.0.2.1/24 dev hv0 && ip link set hv0 up &&
	 ip -n host addr add 192.0.2.2/24 dev hv0host &&
	 ip -n host link set hv0host up && ip -n host link set lo up'
check "traffic crosses between the namespaces" ping -c 1 -W 5 192.0.2.2
done_testing
