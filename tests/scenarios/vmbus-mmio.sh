# SPDX-License-Identifier: GPL-2.0-only
# MMIO space for VMBus devices. The guest firmware gets an extra ACPI table
# (tests/vm/acpi/vmbus-mmio.asl) that describes VMBus the way Hyper-V's
# does: a module device whose _CRS lists the MMIO windows, with the VMBus
# device below it. hv_vmbus must find the windows through the ancestor,
# ignore the one below 1 MiB, merge the two that touch, and hand out
# regions only inside them: aligned, disjoint, within the caller's
# bounds, reserved in /proc/iomem under the device's name, refused when
# nothing fits, given back on free and when the driver goes. The echo test
# driver asks through the client API (vmbus_allocate_mmio/vmbus_free_mmio)
# as a video or PCI pass-through driver would.
# binaries: kmod
# tools: hvsim
# acpi: vmbus-mmio.asl
# timeout: 300
. /lib/hv-test.sh

if ! our_vmbus; then
	skip "MMIO allocation for VMBus devices" "VMBus is built into this kernel"
	done_testing
	exit
fi

dev=/sys/bus/vmbus/devices
dbg=/sys/kernel/debug/hv_echo_test
ctl() {
	echo "$*" >"$dir/control" && return 0
	cat "$dir/result" >&2 2>/dev/null
	return 1
}
# a command, then its result on stdout
ctl_result() { ctl "$@" && cat "$dir/result"; }
# the region of the last mmio command: "START END" in hex without 0x
region() { sed -n 's/^mmio 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)$/\1 \2/p' "$dir/result"; }
# region START END SIZE ALIGN: it has this size and alignment (hex)
region_is() {
	local s=$((0x$1)) e=$((0x$2))
	[ $((e - s + 1)) -eq $(($3)) ] && [ $((s % $4)) -eq 0 ]
}
# true when $1..$2 (hex) lies inside [$3, $4]
inside() { [ $((0x$1)) -ge $(($3)) ] && [ $((0x$2)) -le $(($4)) ]; }
# a line "START-END : NAME" of /proc/iomem
in_iomem() { grep -q -i "^ *0*$1-0*$2 : $3\$" /proc/iomem; }

modprobe hv_hostsim
relid=$(hvsim offer echo)
check "hv_vmbus loads" modprobe hv_vmbus
check_output "it finds the 192 MiB of the two touching windows as one range" \
	"MMIO range 0x800000000-0x80bffffff for VMBus devices" dmesg
check_output "and the 1 MiB window at 40 GiB" \
	"MMIO range 0xa00000000-0xa000fffff for VMBus devices" dmesg
check_fails "the window below 1 MiB is ignored" sh -c "dmesg | grep -q 'MMIO range 0xa0000-'"
inst=$(instance "$relid")
check "hv_echo_test binds the echo device" modprobe hv_echo_test
dir=$dbg/$inst
check "its control file appears" wait_for test -w "$dir/control"

# ---- allocations ------------------------------------------------------------
check "160 MiB, 1 MiB aligned: more than either touching window alone" \
	ctl mmio 0xa000000 0x100000 0 0xffffffffffffffff
r1=$(region)
# shellcheck disable=SC2086
check "it is 160 MiB at the start of the merged range" \
	sh -c "[ '$r1' = '800000000 809ffffff' ]"
# shellcheck disable=SC2086
check "/proc/iomem shows it under the device's name" in_iomem $r1 "$inst"
check "16 MiB aligned to 16 MiB" ctl mmio 0x1000000 0x1000000 0 0xffffffffffffffff
r2=$(region)
# shellcheck disable=SC2086
check "it has that size and alignment" region_is $r2 0x1000000 0x1000000
# shellcheck disable=SC2086
check "it follows the first, inside the merged range" inside $r2 0x80a000000 0x80bffffff
check_fails "32 MiB more: no window has room" ctl mmio 0x2000000 0x100000 0 0xffffffffffffffff
check_output "... vmbus_allocate_mmio says -ENXIO" "error -6" cat "$dir/result"
check "1 MiB at or above 40 GiB" ctl mmio 0x100000 0x1000 0xa00000000 0xffffffffffffffff
r3=$(region)
check "it is the 1 MiB window" sh -c "[ '$r3' = 'a00000000 a000fffff' ]"
check_fails "a second MiB there: full" ctl mmio 0x100000 0x1000 0xa00000000 0xffffffffffffffff
check_fails "bounds between the windows: nothing fits" \
	ctl mmio 0x1000 0x1000 0x900000000 0x9ffffffff
check_fails "an alignment that is not a power of two is refused" \
	ctl mmio 0x1000 0x3000 0 0xffffffffffffffff
check_output "... with -EINVAL" "error -22" cat "$dir/result"
check_fails "a zero size is refused" ctl mmio 0 0x1000 0 0xffffffffffffffff
check "the framebuffer flag without a framebuffer changes nothing" \
	ctl mmio 0x100000 0x100000 0 0xffffffffffffffff fb
r4=$(region)
# shellcheck disable=SC2086
check "... the region still comes from a window" inside $r4 0x800000000 0x80bffffff

# ---- free ---------------------------------------------------------------------
check_output "mmiofree gives back all four" "^freed 4" ctl_result mmiofree
# shellcheck disable=SC2086
check_fails "/proc/iomem no longer shows them" sh -c "grep -q -i '$inst' /proc/iomem"
check "160 MiB again" ctl mmio 0xa000000 0x100000 0 0xffffffffffffffff
check "at the same place: nothing leaked" sh -c "[ '$(region)' = '800000000 809ffffff' ]"
check "unbinding the driver" modprobe -r hv_echo_test
check_fails "gives back what the device held" sh -c "grep -q -i '$inst' /proc/iomem"

# ---- reload -------------------------------------------------------------------
check "hv_vmbus unloads" modprobe -r hv_vmbus
check "and loads again" modprobe hv_vmbus
check_output "finding the same ranges" \
	"^2\$" sh -c "dmesg | grep -c 'MMIO range 0x800000000-0x80bffffff for VMBus devices'"
check "hv_echo_test loads again" modprobe hv_echo_test
check "and its control file is back" wait_for test -w "$dir/control"
check "16 MiB once more" ctl mmio 0x1000000 0x1000000 0 0xffffffffffffffff
check "at the start of the range" sh -c "[ '$(region)' = '800000000 800ffffff' ]"
check "everything unloads" sh -c "modprobe -r hv_echo_test && modprobe -r hv_vmbus && modprobe -r hv_hostsim"
check_fails "and no VMBus region is left in /proc/iomem" sh -c "grep -q -i '$inst' /proc/iomem"
done_testing
