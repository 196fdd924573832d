#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one matrix kernel under QEMU (TCG) with a generated initramfs and run
# one scenario in it. Prints TAP on stdout, each line prefixed with
# "KERNEL/SCENARIO:", and always ends with a verdict line of its own.
#
# usage: tests/vm/run.sh [--keep] [--console] KERNEL SCENARIO
#   KERNEL     bullseye | bookworm | trixie | sid | debug
#   SCENARIO   a file under tests/scenarios/ (path or name without .sh)
#   --keep     keep the work directory (initramfs, logs) even on success
#   --console  also print the guest console to stderr as it runs
#
# The initramfs holds busybox-static, the scenario, our modules for that
# kernel (built by tests/matrix/build-modules.sh, placed under updates/dkms
# as dkms installs them), the distro modules the scenario lists with their
# dependencies, and the userspace binaries it lists with their libraries.
#
# Scenario header lines (all optional):
#   # modules: NAME...     distro modules to include (dependencies follow;
#                          NAME? where the kernel has it)
#   # binaries: PATH...    host binaries to include (libraries follow)
#   # tools: NAME...       our tools (tools/hv, else the hvsim CLI of
#                          tests/hostsim/cli or hvsock-test of
#                          tests/hvsock, phc-offset of tests/ptp), built and
#                          included
#   # timeout: SECONDS     hard limit for the whole run (default 120)
#   # memory: SIZE         guest RAM (default 1G)
#   # cpus: N              guest CPUs (default 1: under TCG each vCPU is a
#                          host thread, so one-CPU guests can run side by side)
#   # qemu: ARGS...        extra QEMU arguments (e.g. memory slots)
#   # append: ARGS...      extra kernel command line
#   # disk: SIZE           a blank raw disk of SIZE (e.g. 256M) as virtio
#                          /dev/vda in the guest (backing store for storvsp)
#   # kernels: NAME...     run only on these kernels (default: all)
#   # acpi: FILE.asl       an extra ACPI table (tests/vm/acpi/FILE.asl,
#                          compiled with iasl) given to the guest firmware
#   # ends: poweroff|reboot  the scenario ends with the guest's kernel asking
#                          userspace to power off or reboot (orderly_poweroff
#                          or orderly_reboot running /sbin/poweroff or
#                          /sbin/reboot, which the init then carries out);
#                          the run passes only if the scenario printed its
#                          TAP plan, the kernel asked for exactly that, the
#                          console shows "reboot: Power down" or "reboot:
#                          Restarting system", and QEMU exited by itself
#
# A run fails, whatever the scenario printed, when: the hard timeout hits,
# the verdict channel lacks its closing line or a TAP plan, or the kernel
# log shows a WARN, BUG, oops, panic, lockdep, KASAN/UBSAN or kmemleak
# report. The console log of a failed run is kept under build/vm-logs/.
set -u
. "$(dirname "$0")/../lib/common.sh"

keep=0 console=0
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) keep=1; shift ;;
	--console) console=1; shift ;;
	-h|--help) sed -n '3,49p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || hv_die "usage: tests/vm/run.sh [--keep] [--console] KERNEL SCENARIO"
kernel=$1
scenario=$2
[ -f "$scenario" ] || scenario=$HV_TOP/tests/scenarios/${scenario%.sh}.sh
[ -f "$scenario" ] || hv_die "no such scenario: $2"
sname=$(basename "$scenario" .sh)
tag="$kernel/$sname"

kdir=$HV_KERNELS/$kernel
[ -f "$kdir/vmlinuz" ] || hv_die "kernel $kernel is not prepared (tests/matrix/buildroot.sh or tests/kernel/build-debug-kernel.sh)"
kver=$(cat "$kdir/kver")

header() { sed -n "s/^# $1: *//p" "$scenario" | head -1; }
timeout_s=$(header timeout); timeout_s=${timeout_s:-120}
memory=$(header memory); memory=${memory:-1G}
cpus=$(header cpus); cpus=${cpus:-1}
ends=$(header ends)
case "$ends" in
''|poweroff|reboot) ;;
*) hv_die "$scenario: bad '# ends: $ends' (poweroff or reboot)" ;;
esac

fail() { echo "not ok - $tag: $*"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hv-vm.XXXXXX")
root=$work/root
logdir=$HV_TOP/build/vm-logs
cleanup() { [ $keep = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

# ---- initramfs ----------------------------------------------------------
mkdir -p "$root"/{bin,sbin,lib,lib64,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run}
cp /bin/busybox "$root/bin/busybox" || fail "busybox-static is not installed"
cp "$HV_TOP/tests/vm/guest/init" "$root/init"
cp "$HV_TOP/tests/vm/guest/hv-test.sh" "$root/lib/hv-test.sh"
cp "$scenario" "$root/scenario.sh"
chmod +x "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

mods=$root/lib/modules/$kver
mkdir -p "$mods/updates/dkms" "$mods/kernel"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$kdir/lib/modules/$kver/$f" ] && cp "$kdir/lib/modules/$kver/$f" "$mods/"
done

# Distro modules and their dependency closure, decompressed.
add_distro_module() {
	local name=$1 dep line rel optional=
	# NAME? : include it where the kernel has it
	case "$name" in *\?) name=${name%?}; optional=1 ;; esac
	line=$(grep -E "(^|/)${name//[-_]/[-_]}\.ko(\.[a-z]+)?:" "$kdir/lib/modules/$kver/modules.dep" | head -1)
	if [ -z "$line" ]; then
		# built in? (sid's packages ship no modules.builtin: then trust
		# the scenario's own checks to notice a missing module)
		[ -f "$kdir/lib/modules/$kver/modules.builtin" ] || return 0
		grep -q -E "/${name//[-_]/[-_]}\.ko" "$kdir/lib/modules/$kver/modules.builtin" &&
			return 0
		[ -n "$optional" ] && return 0
		fail "distro module $name not found for $kver"
	fi
	for rel in ${line%%:*} ${line#*:}; do
		local src=$kdir/lib/modules/$kver/$rel dst=$mods/${rel%.xz}
		dst=${dst%.zst}
		[ -f "$dst" ] && continue
		mkdir -p "$(dirname "$dst")"
		case "$rel" in
		*.xz) xz -dc "$src" >"$dst" ;;
		*.zst) zstd -qdc "$src" >"$dst" ;;
		*) cp "$src" "$dst" ;;
		esac
	done
}
disk_size=$(header disk)
disk_modules=
[ -n "$disk_size" ] && disk_modules="virtio_pci virtio_blk"
for m in $(header modules) $disk_modules; do add_distro_module "$m"; done

# Our modules for this kernel.
cp "$HV_OUT/$kernel/"*.ko "$mods/updates/dkms/" 2>/dev/null
depmod -b "$root" "$kver" 2>"$work/depmod.err" || fail "depmod failed: $(cat "$work/depmod.err")"

# The shared libraries a host binary needs, at the same paths in the guest.
copy_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# Host binaries and their libraries.
add_binary() {
	local path lib
	path=$(command -v "$1") || fail "binary $1 not found on the host"
	path=$(readlink -f "$path")
	mkdir -p "$root$(dirname "$path")"
	cp "$path" "$root$path"
	case "$1" in /*) ;; *) ln -sf "$path" "$root/usr/sbin/$1" ;; esac
	# kmod is one binary behind the module tools' names; they must win
	# over busybox's applets of the same names (/usr/sbin is first in PATH)
	if [ "$(basename "$path")" = kmod ]; then
		for lib in modprobe insmod rmmod lsmod modinfo depmod; do
			ln -sf "$path" "$root/usr/sbin/$lib"
		done
	fi
	copy_libs "$path"
}
for b in bash $(header binaries); do add_binary "$b"; done

# Our userspace tools, built for the host (same libc as the guest's copies):
# the guest tools of tools/hv, or else the host simulator's CLI
# (tests/hostsim/cli, e.g. hvsim) or the Hyper-V socket test program
# (tests/hvsock) or the PTP clock reader (tests/ptp).
add_tool() {
	local dir bin=
	for dir in tools/hv tests/hostsim/cli tests/hvsock tests/ptp; do
		make -s -C "$HV_TOP/$dir" >"$work/tools.log" 2>&1 ||
			fail "cannot build $dir: $(tail -5 "$work/tools.log")"
		[ -f "$HV_TOP/$dir/$1" ] && [ -x "$HV_TOP/$dir/$1" ] &&
			bin=$HV_TOP/$dir/$1 && break
	done
	[ -n "$bin" ] || fail "no tool named $1 in tools/hv, tests/hostsim/cli, tests/hvsock or tests/ptp"
	cp "$bin" "$root/usr/sbin/$1"
	copy_libs "$bin"
}
for t in $(header tools); do add_tool "$t"; done

# What the scenario may want to know about this kernel.
vmbus_mode=$(sed -n 's/^CONFIG_HYPERV_VMBUS=//p' "$kdir/config")
[ -n "$vmbus_mode" ] || vmbus_mode=$(sed -n 's/^CONFIG_HYPERV=//p' "$kdir/config")
case "$vmbus_mode" in y) vmbus_mode=builtin ;; m) vmbus_mode=module ;; *) vmbus_mode=none ;; esac
# VMBus built in: our test-only core (include/compat/hv_test_core.h) stands
# in for it, and "modprobe hv_vmbus" loads it.
if [ "$vmbus_mode" = builtin ] && [ -e "$mods/updates/dkms/hv_vmbus_test.ko" ]; then
	vmbus_mode=testcore
	mkdir -p "$root/etc/modprobe.d"
	echo "alias hv_vmbus hv_vmbus_test" >"$root/etc/modprobe.d/hv-test-core.conf"
fi
{
	echo "HV_TARGET=$kernel"
	echo "HV_EXPECT_KVER=$kver"
	echo "HV_DISK_SIZE=$disk_size"
	echo "HV_VMBUS_MODE=$vmbus_mode"
	echo "HV_ENDS=$ends"
	echo "HV_OUR_MODULES=\"$(cd "$mods/updates/dkms" && ls -- *.ko 2>/dev/null | sed 's/\.ko$//' | tr '\n' ' ')\""
} >"$root/etc/hv-test.conf"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz" ||
	fail "cannot build the initramfs"

# ---- boot ---------------------------------------------------------------
disk_args=
if [ -n "$disk_size" ]; then
	truncate -s "$disk_size" "$work/disk.img" || fail "cannot create a $disk_size disk image"
	disk_args="-drive file=$work/disk.img,if=none,id=hvdisk,format=raw,cache=unsafe
		-device virtio-blk-pci,drive=hvdisk,serial=hv-backing"
fi
# Hyper-V's own tables name VMBus "VMBus", not a valid ACPI id: like them,
# ours must be compiled with -f (errors ignored).
acpi_args=
acpi_src=$(header acpi)
if [ -n "$acpi_src" ]; then
	command -v iasl >/dev/null || hv_need_host_packages acpica-tools
	cp "$HV_TOP/tests/vm/acpi/$acpi_src" "$work/table.asl" || fail "no ACPI table $acpi_src"
	iasl -f -p "$work/table" "$work/table.asl" >"$work/iasl.log" 2>&1 && [ -s "$work/table.aml" ] ||
		fail "iasl cannot compile $acpi_src: $(grep -i error "$work/iasl.log" | head -3)"
	acpi_args="-acpitable file=$work/table.aml"
fi
: >"$work/console.log"
: >"$work/verdict.log"
if [ $console = 1 ]; then
	tail -f "$work/console.log" >&2 &
	tailpid=$!
fi
start=$(date +%s.%N)
# shellcheck disable=SC2046
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 \
	-machine q35,accel=tcg -cpu max -smp "$cpus" -m "$memory" \
	-nodefaults -display none -no-reboot -monitor none \
	-serial "file:$work/console.log" -serial "file:$work/verdict.log" \
	-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=6 $(header append)" \
	$disk_args $acpi_args $(header qemu) >"$work/qemu.log" 2>&1
qemu_rc=$?
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
[ $console = 1 ] && kill "$tailpid" 2>/dev/null

# ---- verdict --------------------------------------------------------------
status=0
tr -d '\r' <"$work/verdict.log" >"$work/verdict.txt"
grep -E '^((not )?ok\b|# )' "$work/verdict.txt" | grep -v '^# hv-vm: ' |
	sed -E -e "s|^(not )?ok( [0-9]+)? - |\1ok - $tag: |" -e "s|^# |# $tag: |"
grep -q '^not ok' "$work/verdict.txt" && status=1

problem=
if [ $qemu_rc = 124 ] || [ $qemu_rc = 137 ]; then
	problem="timed out after ${timeout_s}s"
elif ! grep -q '^# hv-vm: done' "$work/verdict.txt"; then
	problem="no closing verdict line (guest crashed or powered off early; qemu exit $qemu_rc)"
elif ! grep -q '^1\.\.[0-9]' "$work/verdict.txt"; then
	problem="scenario printed no TAP plan"
fi
# A scenario that ends with a power-off or reboot: the guest's kernel must
# have asked for it (the init says so), the console must show the kernel
# doing it, and QEMU must have exited by itself.
if [ -z "$problem" ] && [ -n "$ends" ]; then
	case "$ends" in
	poweroff) said="reboot: Power down" ;;
	reboot) said="reboot: Restarting system" ;;
	esac
	if ! grep -q "^# hv-vm: the kernel asked for $ends\$" "$work/verdict.txt"; then
		problem="the guest did not $ends by itself ($(grep -m1 '^# hv-vm: \(the kernel asked\|no poweroff\)' "$work/verdict.txt" | sed 's/^# hv-vm: //'))"
	elif ! grep -a -q "$said" "$work/console.log"; then
		problem="the console does not show '$said'"
	elif [ $qemu_rc != 0 ]; then
		problem="QEMU did not exit by itself after the $ends (exit $qemu_rc)"
	else
		echo "ok - $tag: the guest's kernel asked for $ends, the console shows '$said', QEMU exited"
	fi
fi
if [ -n "$problem" ]; then
	echo "not ok - $tag: $problem"
	status=1
fi

# Kernel log: any of these fails the run even if every test passed.
bad='(WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN:|UBSAN:|'
bad+='possible circular locking|possible recursive locking|inconsistent lock state|'
bad+='suspicious RCU usage|unchecked MSR access|kmemleak: [0-9]+ new suspected|'
bad+='Call Trace:|stack-protector|list_add corruption|list_del corruption|'
bad+='ODEBUG:|hung_task|soft lockup|hard LOCKUP)'
if grep -a -E -q "$bad" "$work/console.log"; then
	echo "not ok - $tag: kernel log is clean"
	grep -a -E -m 5 "$bad" "$work/console.log" | sed 's/^/#   /'
	status=1
else
	echo "ok - $tag: kernel log is clean"
fi
echo "# $tag: $kver, ${elapsed%.*}.$(echo "${elapsed#*.}" | cut -c1) s"

if [ $status != 0 ]; then
	mkdir -p "$logdir"
	cp "$work/console.log" "$logdir/$kernel-$sname.console.log"
	cp "$work/verdict.txt" "$logdir/$kernel-$sname.verdict.log"
	echo "# $tag: console log kept at $logdir/$kernel-$sname.console.log"
fi
exit $status
