#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one matrix kernel under QEMU (TCG) with a generated initramfs and run
# one scenario in it, or several one after the other in the same boot.
# Prints TAP on stdout, each line prefixed with "KERNEL/SCENARIO:", and ends
# each scenario with verdict lines of its own.
#
# usage: tests/vm/run.sh [--keep] [--console] KERNEL SCENARIO...
#   KERNEL     bullseye | bookworm | trixie | sid | debug
#   SCENARIO   a file under tests/scenarios/ (path or name without .sh)
#   --keep     keep the work directory (initramfs, logs) even on success
#   --console  also print the guest console to stderr as it runs
#
# The initramfs holds busybox-static, the scenarios, our modules for that
# kernel (built by tests/matrix/build-modules.sh, placed under updates/dkms
# as dkms installs them), the distro modules the scenarios list with their
# dependencies, and the userspace binaries they list with their libraries.
#
# Scenario header lines (all optional):
#   # modules: NAME...     distro modules to include (dependencies follow;
#                          NAME? where the kernel has it)
#   # binaries: PATH...    host binaries to include (libraries follow)
#   # distro-daemons: yes  Debian's hyperv-daemons of the kernel's suite
#                          (bookworm's on trixie, sid, debug) in
#                          /usr/lib/hv-debian/SUITE (tests/vm/distro-daemons.sh)
#   # tools: NAME...       our tools (tools/hv, else the hvsim CLI of
#                          tests/hostsim/cli or hvsock-test of
#                          tests/hvsock, phc-offset of tests/ptp, ic-dev
#                          of tests/ic, hv-fake-kernel of tests/daemons),
#                          built and included; NAME? only when
#                          tools/hv/NAME.c exists
#   # timeout: SECONDS     hard limit for the scenario (default 120; the boot
#                          gets HV_BOOT_ALLOWANCE on top, see below)
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
#   # boot: alone          never share a boot with other scenarios
#                          (tests/vm/run-all.sh)
#   # ends: poweroff|reboot  the scenario ends with the guest's kernel asking
#                          userspace to power off or reboot (orderly_poweroff
#                          or orderly_reboot running /sbin/poweroff or
#                          /sbin/reboot, which the init then carries out);
#                          it passes only if it printed its TAP plan, the
#                          kernel asked for exactly that, the console shows
#                          "reboot: Power down" or "reboot: Restarting
#                          system", and QEMU exited by itself. Such a
#                          scenario boots alone.
#   # guest: debian        boot a full Debian system with systemd instead of
#                          the busybox initramfs (boots alone; no disk:,
#                          ends: or binaries: lines): the image of
#                          tests/vm/debian-image.sh for the kernel's suite
#                          (trixie's for sid, whose archive changes daily;
#                          bookworm's for the debug kernel), cached,
#                          booted as a QEMU snapshot (virtio /dev/vda; the
#                          cached file never changes). A small initramfs
#                          (tests/vm/guest/debian-init) mounts it and copies
#                          in, as a package would install them: the
#                          kernel's modules the scenario lists, ours under
#                          updates/dkms (depmod run), tools/hv's
#                          `make install` (daemons, scripts, man pages,
#                          systemd units, udev rules), the tools it lists
#                          (both built in a root of the image's suite
#                          where its libc is older than the host's:
#                          tests/vm/tools-root.sh, for bullseye's image),
#                          the scenario and /lib/hv-test.sh; then systemd
#                          boots and hv-test.service runs the scenario
#                          once multi-user.target is reached, with the same
#                          markers and verdict as the initramfs guests
#                          (tests/vm/guest/run-scenario). HV_GUEST=debian
#                          in /etc/hv-test.conf (initramfs otherwise).
#
# Several scenarios share a boot only if their memory, qemu, append, disk
# and acpi lines are the same; modules, binaries and tools are merged, the
# largest cpus wins, the timeouts add up. Between two scenarios the guest
# unloads every module the previous one left loaded.
#
# A scenario fails, whatever it printed, when: the hard timeout hits while
# it runs, it printed no TAP plan, the VM stopped before it ended (it did
# not run at all if the VM stopped before it began), or the kernel log
# written while it ran shows a WARN, BUG, oops, panic, lockdep, KASAN/UBSAN
# or kmemleak report. The console log of a failed boot is kept under
# build/vm-logs/.
set -u
. "$(dirname "$0")/../lib/common.sh"

keep=0 console=0
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) keep=1; shift ;;
	--console) console=1; shift ;;
	-h|--help) sed -n '3,80p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || hv_die "usage: tests/vm/run.sh [--keep] [--console] KERNEL SCENARIO..."
kernel=$1
shift
scenarios=() snames=()
for arg in "$@"; do
	f=$arg
	[ -f "$f" ] || f=$HV_TOP/tests/scenarios/${arg%.sh}.sh
	[ -f "$f" ] || hv_die "no such scenario: $arg"
	n=$(basename "$f" .sh)
	case " ${snames[*]} " in *" $n "*) hv_die "scenario $n given twice" ;; esac
	scenarios+=("$f")
	snames+=("$n")
done
# the boot's name, for its logs: the scenario's, or first+N
bname=${snames[0]}
[ ${#snames[@]} -gt 1 ] && bname="${snames[0]}+$((${#snames[@]} - 1))"

kdir=$HV_KERNELS/$kernel
[ -f "$kdir/vmlinuz" ] || hv_die "kernel $kernel is not prepared (tests/matrix/buildroot.sh or tests/kernel/build-debug-kernel.sh)"
kver=$(cat "$kdir/kver")

# header FILE KEY: the scenario's "# KEY:" line
header_of() { sed -n "s/^# $2: *//p" "$1" | head -1; }
# header KEY [DEFAULT]: the value of a line every scenario of the boot must
# share (checked below, before anything is built)
header() {
	local v
	v=$(header_of "${scenarios[0]}" "$1")
	echo "${v:-${2:-}}"
}
for key in memory:1G append qemu disk acpi; do
	want=$(header "${key%%:*}" "${key#*:}")
	[ "$key" = "${key%%:*}" ] && want=$(header "$key")
	for f in "${scenarios[@]}"; do
		v=$(header_of "$f" "${key%%:*}")
		[ "$key" = "${key%%:*}" ] || v=${v:-${key#*:}}
		[ "$v" = "$want" ] ||
			hv_die "${snames[0]} and $(basename "$f" .sh) cannot share a boot: their '# ${key%%:*}:' lines differ"
	done
done
# header_all KEY: the words of every scenario's line
header_all() {
	local f
	for f in "${scenarios[@]}"; do header_of "$f" "$1"; done | tr '\n' ' '
}
# The hard timeout: the scenarios' own, plus an allowance for the kernel's
# boot and the boot's end (kmemleak's scan on the debug kernel), which are
# not theirs: 60 s, 120 s on the debug kernel (about 35 s of boot and 10 s
# of scan on an idle machine; the CI runs three or more guests per two
# cores, and a loaded debug boot once took the whole 60 s of a scenario's
# timeout). HV_BOOT_ALLOWANCE overrides it.
boot_allowance=${HV_BOOT_ALLOWANCE:-60}
[ -n "${HV_BOOT_ALLOWANCE:-}" ] || [ "$kernel" != debug ] || boot_allowance=120
timeout_s=$boot_allowance cpus=1
for f in "${scenarios[@]}"; do
	t=$(header_of "$f" timeout)
	timeout_s=$((timeout_s + ${t:-120}))
	c=$(header_of "$f" cpus)
	[ "${c:-1}" -gt "$cpus" ] && cpus=$c
done
ends=$(header_of "${scenarios[0]}" ends)
case "$ends" in
''|poweroff|reboot) ;;
*) hv_die "${snames[0]}: bad '# ends: $ends' (poweroff or reboot)" ;;
esac
for f in "${scenarios[@]:1}"; do
	[ -z "$(header_of "$f" ends)" ] && [ -z "$ends" ] ||
		hv_die "a scenario with '# ends:' boots alone ($(basename "$f" .sh))"
done
guest=$(header_of "${scenarios[0]}" guest)
case "$guest" in
'') guest=initramfs ;;
debian)
	[ ${#scenarios[@]} = 1 ] || hv_die "a scenario with '# guest: debian' boots alone (${snames[0]})"
	[ -z "$ends" ] && [ -z "$(header_of "${scenarios[0]}" disk)" ] &&
	[ -z "$(header_of "${scenarios[0]}" binaries)" ] ||
		hv_die "${snames[0]}: '# guest: debian' takes no '# ends:', '# disk:' or '# binaries:' line"
	;;
*) hv_die "${snames[0]}: bad '# guest: $guest' (debian)" ;;
esac
for f in "${scenarios[@]:1}"; do
	[ -z "$(header_of "$f" guest)" ] ||
		hv_die "a scenario with '# guest:' boots alone ($(basename "$f" .sh))"
done
memory=$(header memory 1G)
append_args=$(header append)
qemu_args=$(header qemu)
disk_size=$(header disk)
acpi_src=$(header acpi)

fail() { echo "not ok - $kernel/${snames[0]}: $*"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hv-vm.XXXXXX")
root=$work/root
logdir=$HV_TOP/build/vm-logs
tool_top=
# (tool_top: this boot's own tree in a tools root, see below)
cleanup() {
	[ $keep = 1 ] || rm -rf "$work"
	[ -z "$tool_top" ] || rm -rf "$tool_top"
}
trap cleanup EXIT

# ---- initramfs ----------------------------------------------------------
# $root: the guest's files. The initramfs itself, or, for a Debian guest,
# the stage its initramfs copies over the image ($modbase/lib/modules: the
# image's /lib is a link to usr/lib, which must stay).
modbase=$root
if [ "$guest" = debian ]; then
	# systemd cannot mount its API file systems without cgroups (the
	# debug kernel has none): it would freeze until the hard timeout
	grep -q '^CONFIG_CGROUPS=y' "$kdir/config" ||
		fail "this kernel has no CONFIG_CGROUPS: systemd cannot boot on it ('# guest: debian')"
	# The image: the kernel's own suite for the released ones (bullseye,
	# bookworm, trixie); sid's kernel boots the trixie image, as the
	# debug kernel boots bookworm's. A sid debootstrap is whatever the
	# archive holds that day (half-migrated transitions, uninstallable
	# packages): a new machine's first run could fail to build it for
	# reasons that are not ours. The newest kernel on the newest stable
	# userspace is also what a guest upgraded kernel-first looks like.
	case $kernel in
	bullseye|bookworm|trixie) image_suite=$kernel ;;
	sid) image_suite=trixie ;;
	*) image_suite=bookworm ;;
	esac
	image=$("$HV_TOP/tests/vm/debian-image.sh" --path "$image_suite") ||
		fail "cannot build the Debian $image_suite image (tests/vm/debian-image.sh)"
	root=$work/stage
	modbase=$root/usr
	mkdir -p "$root"/{usr/sbin,usr/lib/hv-test,etc/systemd/system/multi-user.target.wants}
	cp "$HV_TOP/tests/vm/guest/hv-test.sh" "$root/usr/lib/hv-test.sh"
	cp "$HV_TOP/tests/vm/guest/run-scenario" "$root/usr/lib/hv-test/run-scenario"
	cp "$HV_TOP/tests/vm/guest/hv-test.service" "$root/etc/systemd/system/"
	ln -s ../hv-test.service "$root/etc/systemd/system/multi-user.target.wants/hv-test.service"
else
	mkdir -p "$root"/{bin,sbin,lib,lib64,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run}
	cp /bin/busybox "$root/bin/busybox" || fail "busybox-static is not installed"
	cp "$HV_TOP/tests/vm/guest/init" "$root/init"
	cp "$HV_TOP/tests/vm/guest/hv-test.sh" "$root/lib/hv-test.sh"
	chmod +x "$root/init"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
fi
mkdir -p "$root/scenarios"
for i in "${!scenarios[@]}"; do
	cp "${scenarios[$i]}" "$root/scenarios/${snames[$i]}.sh"
done

mods=$modbase/lib/modules/$kver
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
disk_modules=
[ -n "$disk_size" ] && disk_modules="virtio_pci virtio_blk"
for m in $(header_all modules) $disk_modules; do add_distro_module "$m"; done

# Our modules for this kernel.
cp "$HV_OUT/$kernel/"*.ko "$mods/updates/dkms/" 2>/dev/null
depmod -b "$modbase" "$kver" 2>"$work/depmod.err" || fail "depmod failed: $(cat "$work/depmod.err")"

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
	# a bare name is found in /usr/sbin (first in PATH), unless the binary
	# itself is that file
	case "$1" in
	/*) ;;
	*) [ "$path" = "/usr/sbin/$1" ] || ln -sf "$path" "$root/usr/sbin/$1" ;;
	esac
	# kmod is one binary behind the module tools' names; they must win
	# over busybox's applets of the same names (/usr/sbin is first in PATH)
	if [ "$(basename "$path")" = kmod ]; then
		for lib in modprobe insmod rmmod lsmod modinfo depmod; do
			ln -sf "$path" "$root/usr/sbin/$lib"
		done
	fi
	copy_libs "$path"
}
# Host binaries a fresh machine may not have: their Debian packages.
case " $(header_all binaries) " in
*" strace "*) hv_need_host_packages strace ;;
esac
# (the Debian image has its own, of its own suite)
[ "$guest" = debian ] || for b in bash $(header_all binaries); do add_binary "$b"; done

# Our userspace tools, built for the host (same libc as the guest's copies):
# the guest tools of tools/hv, or else the host simulator's CLI
# (tests/hostsim/cli, e.g. hvsim) or the Hyper-V socket test program
# (tests/hvsock) or the PTP clock reader (tests/ptp) or the char-device
# checker of the daemon-backed services (tests/ic) or the daemons' fake
# kernel device (tests/daemons).
tool_dirs="tools/hv tests/hostsim/cli tests/hvsock tests/ptp tests/ic tests/daemons"
# A Debian image whose libc is older than the host's (bullseye's 2.31 on a
# bookworm host) cannot run what the host links: its tools are built in a
# root of the image's suite instead (tests/vm/tools-root.sh), tools/hv's
# `make install` included, in a tree of this boot's own (two boots may
# run side by side: neither must clean or rebuild what the other copies),
# removed at exit. tool_top: that tree, empty when the host builds.
if [ "$guest" = debian ]; then
	image_libc=$(dpkg-query --admindir="$HV_ROOTS/$image_suite/var/lib/dpkg" \
		-W -f='${Version}' libc6 2>/dev/null) ||
		fail "no $image_suite build root to tell its libc's version (tests/matrix/buildroot.sh $image_suite)"
	host_libc=$(dpkg-query -W -f='${Version}' libc6)
	if dpkg --compare-versions "$image_libc" lt "$host_libc"; then
		diag_line="# $kernel/${snames[0]}: tools built in a $image_suite root (libc $image_libc, the host's $host_libc)"
		tool_top=$(HV_STAGE=$HV_STAGE.tools.$$ "$HV_TOP/tests/vm/tools-root.sh" "$image_suite" \
			$tool_dirs 2>"$work/tools-root.log") ||
			fail "cannot build the tools for $image_suite: $(tail -5 "$work/tools-root.log")"
		echo "$diag_line"
	fi
fi
add_tool() {
	local dir bin=
	# hv_kvp_daemon links with libnl-route-3
	[ -n "$tool_top" ] || hv_need_host_packages libnl-3-dev libnl-route-3-dev
	# (boots side by side build in the same tree: one make at a time, or
	# one links an object the other is still writing)
	for dir in $tool_dirs; do
		[ -n "$tool_top" ] || flock "$HV_TOP" make -s -C "$HV_TOP/$dir" >"$work/tools.log" 2>&1 ||
			fail "cannot build $dir: $(tail -5 "$work/tools.log")"
		[ -f "${tool_top:-$HV_TOP}/$dir/$1" ] && [ -x "${tool_top:-$HV_TOP}/$dir/$1" ] &&
			bin=${tool_top:-$HV_TOP}/$dir/$1 && break
	done
	[ -n "$bin" ] || [ -z "$tool_top" ] ||
		fail "no tool named $1 built in the $image_suite root: $(grep -A3 FAILED "$tool_top/make.log" | head -8)"
	[ -n "$bin" ] || fail "no tool named $1 in: $tool_dirs"
	cp "$bin" "$root/usr/sbin/$1"
	# (the Debian image has the libraries, of its own suite: only the
	# host's libc, older or the same, is linked)
	[ "$guest" = debian ] || copy_libs "$bin"
}
for t in $(header_all tools); do
	case $t in
	*\?) t=${t%\?}; [ -e "$HV_TOP/tools/hv/$t.c" ] || continue ;;
	esac
	add_tool "$t"
done

# Debian's own daemons when a scenario asks (# distro-daemons: yes), in
# /usr/lib/hv-debian/SUITE: bullseye's for the bullseye kernel, bookworm's
# elsewhere (tests/vm/distro-daemons.sh).
if [ -n "$(header_all distro-daemons)" ]; then
	dsuite=bookworm
	[ "$kernel" = bullseye ] && dsuite=bullseye
	"$HV_TOP/tests/vm/distro-daemons.sh" $dsuite "$root" >"$work/distro-daemons.log" 2>&1 ||
		fail "cannot get Debian's hyperv-daemons: $(tail -3 "$work/distro-daemons.log")"
fi
# A Debian guest gets tools/hv installed as a package would install it.
if [ "$guest" = debian ] && [ -n "$tool_top" ]; then
	cp -a "$tool_top/.dest/." "$root/" || fail "cannot copy the tools installed in the $image_suite root"
elif [ "$guest" = debian ]; then
	hv_need_host_packages libnl-3-dev libnl-route-3-dev
	flock "$HV_TOP" make -s -C "$HV_TOP/tools/hv" install DESTDIR="$root" PREFIX=/usr \
		UNITDIR=/usr/lib/systemd/system UDEVDIR=/usr/lib/udev >"$work/tools.log" 2>&1 ||
		fail "make install of tools/hv failed: $(tail -5 "$work/tools.log")"
fi

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
	echo "HV_GUEST=$guest"
	echo "HV_SCENARIOS=\"${snames[*]}\""
	echo "HV_OUR_MODULES=\"$(cd "$mods/updates/dkms" && ls -- *.ko 2>/dev/null | sed 's/\.ko$//' | tr '\n' ' ')\""
} >"$root/etc/hv-test.conf"

# A Debian guest's initramfs: busybox, the virtio disk and ext4 modules,
# the init that mounts the image, and the stage it copies over it.
if [ "$guest" = debian ]; then
	initrd=$work/initrd
	mkdir -p "$initrd"/{bin,proc,sys,dev,newroot}
	cp /bin/busybox "$initrd/bin/busybox" || fail "busybox-static is not installed"
	cp "$HV_TOP/tests/vm/guest/debian-init" "$initrd/init"
	chmod +x "$initrd/init"
	mods=$initrd/lib/modules/$kver
	mkdir -p "$mods"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$kdir/lib/modules/$kver/$f" ] && cp "$kdir/lib/modules/$kver/$f" "$mods/"
	done
	for m in virtio_pci virtio_blk 'crc32c_generic?' ext4; do add_distro_module "$m"; done
	depmod -b "$initrd" "$kver" 2>"$work/depmod.err" ||
		fail "depmod failed: $(cat "$work/depmod.err")"
	mv "$root" "$initrd/stage"
	root=$initrd
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz" ||
	fail "cannot build the initramfs"

# ---- boot ---------------------------------------------------------------
disk_args=
if [ -n "$disk_size" ]; then
	truncate -s "$disk_size" "$work/disk.img" || fail "cannot create a $disk_size disk image"
	disk_args="-drive file=$work/disk.img,if=none,id=hvdisk,format=raw,cache=unsafe
		-device virtio-blk-pci,drive=hvdisk,serial=hv-backing"
fi
[ "$guest" = debian ] &&
	disk_args="-drive file=$image,if=none,id=hvroot,format=raw,snapshot=on
		-device virtio-blk-pci,drive=hvroot"
# Hyper-V's own tables name VMBus "VMBus", not a valid ACPI id: like them,
# ours must be compiled with -f (errors ignored).
acpi_args=
if [ -n "$acpi_src" ]; then
	command -v iasl >/dev/null || hv_need_host_packages acpica-tools
	cp "$HV_TOP/tests/vm/acpi/$acpi_src" "$work/table.asl" || fail "no ACPI table $acpi_src"
	iasl -f -p "$work/table" "$work/table.asl" >"$work/iasl.log" 2>&1 && [ -s "$work/table.aml" ] ||
		fail "iasl cannot compile $acpi_src: $(grep -i error "$work/iasl.log" | head -3)"
	acpi_args="-acpitable file=$work/table.aml"
fi
# The kernel itself, under TCG with several vCPUs, now and then dies at boot
# before any module of ours is loaded (a breakpoint left by live code
# patching, seen as "Oops: int3" in a TCG guest). Such a boot is tried once
# more, with a diagnostic line; a crash after the first scenario began never
# is.
# User + system CPU seconds of this shell's waited-for children (QEMU's
# threads among them), from bash's `times` (run in this shell: a subshell
# would count its own children).
children_cpu() {
	times >"$work/times"
	awk 'NR == 2 {
		n = split($0, f, " ")
		for (i = 1; i <= n; i++) {
			split(f[i], ms, "m"); sub(/s$/, "", ms[2]); t += ms[1] * 60 + ms[2]
		}
		printf "%.2f", t
	}' "$work/times"
}
# The guest's CPU: QEMU's "max" without ERMS and FSRM. With them the
# kernel copies and clears memory with "rep movsb"/"rep stosb", which TCG
# runs a byte per step: a 1.3 GB read of /dev/zero took 1.70 s instead
# of 0.32 s, and the IC scenarios' QEMU CPU time was 15-25 % higher
# (bookworm ic-kvp, ic-malformed, vmbus-echo). Nothing we test depends on
# the string instructions' fast-path flags. And without LA57: Hyper-V and
# Azure guests page with 4 levels, and with 5 the debug kernel twice logged
# a KASAN wild-memory-access on a 5-level direct-map address (ff11...) from
# an interrupt during identify_cpu, at 0.006 s of boot, before any module.
# HV_QEMU_CPU overrides it.
cpu_model=${HV_QEMU_CPU:-max,-erms,-fsrm,-la57}
boot_vm() {
	: >"$work/console.log"
	: >"$work/verdict.log"
	[ -n "$disk_size" ] && truncate -s 0 "$work/disk.img" && truncate -s "$disk_size" "$work/disk.img"
	if [ $console = 1 ]; then
		tail -f "$work/console.log" >&2 &
		tailpid=$!
	fi
	start=$(date +%s.%N)
	children_cpu >"$work/cpu0"
	# shellcheck disable=SC2086 # the QEMU argument lists are word lists
	timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 \
		-machine q35,accel=tcg -cpu "$cpu_model" -smp "$cpus" -m "$memory" \
		-nodefaults -display none -no-reboot -monitor none \
		-serial "file:$work/console.log" -serial "file:$work/verdict.log" \
		-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=6 $append_args" \
		$disk_args $acpi_args $qemu_args >"$work/qemu.log" 2>&1
	qemu_rc=$?
	elapsed=$(echo "$(date +%s.%N) - $start" | bc)
	children_cpu >"$work/cpu1"
	qemu_cpu=$(echo "$(cat "$work/cpu1") - $(cat "$work/cpu0")" | bc)
	[ $console = 1 ] && kill "$tailpid" 2>/dev/null
}
boot_vm
if [ "$qemu_rc" != 124 ] && [ "$qemu_rc" != 137 ] &&
   ! grep -q '^# hv-vm: begin ' "$work/verdict.log" &&
   grep -a -q -E '(Oops|Kernel panic)' "$work/console.log" &&
   grep -a -q -E 'Modules linked in: *$' "$work/console.log"; then
	echo "# $kernel/${snames[0]}: the kernel died at boot before any scenario began, with no module loaded: booting again"
	grep -a -E -m 3 '(Oops|RIP:|Kernel panic)' "$work/console.log" | sed 's/^/#   /'
	boot_vm
fi

# ---- verdict --------------------------------------------------------------
# The guest marks each scenario on the verdict channel ("# hv-vm: begin
# NAME", "# hv-vm: end NAME UPTIME") and in the kernel log ("hv-vm: begin
# NAME"): each scenario is judged on its own part of both.
tr -d '\r' <"$work/verdict.log" >"$work/verdict.txt"
if [ $qemu_rc = 124 ] || [ $qemu_rc = 137 ]; then
	stopped="timed out after ${timeout_s}s"
else
	stopped="no closing verdict line (guest crashed or powered off early; qemu exit $qemu_rc)"
fi
grep -q '^# hv-vm: done' "$work/verdict.txt" && stopped=

# section FILE NAME: the lines of FILE from NAME's begin marker to the next
# begin marker (the boot's own lines before the first marker go to the first
# scenario)
section() {
	awk -v name="$2" -v first="${snames[0]}" '
	/hv-vm: begin / {
		n = $0; sub(/.*hv-vm: begin /, "", n); sub(/[ \r].*/, "", n)
		on = (n == name)
	}
	NR == 1 && name == first { on = 1 }
	on' "$1"
}

bad='(WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN:|UBSAN:|'
bad+='possible circular locking|possible recursive locking|inconsistent lock state|'
bad+='suspicious RCU usage|unchecked MSR access|kmemleak: [0-9]+ new suspected|'
bad+='Call Trace:|stack-protector|list_add corruption|list_del corruption|'
bad+='ODEBUG:|hung_task|soft lockup|hard LOCKUP)'

status=0
for name in "${snames[@]}"; do
	tag="$kernel/$name"
	section "$work/verdict.txt" "$name" >"$work/part.txt"
	if ! grep -q "^# hv-vm: begin $name " "$work/part.txt"; then
		echo "not ok - $tag: did not run: the VM stopped before it (${stopped:-no begin marker})"
		status=1
		continue
	fi
	st=0
	grep -E '^((not )?ok\b|# )' "$work/part.txt" | grep -v '^# hv-vm: ' |
		sed -E -e "s|^(not )?ok( [0-9]+)? - |\1ok - $tag: |" -e "s|^# |# $tag: |"
	grep -q '^not ok' "$work/part.txt" && st=1
	problem=
	if ! grep -q "^# hv-vm: end $name " "$work/part.txt"; then
		problem=${stopped:-no end marker}
	elif ! grep -q '^1\.\.[0-9]' "$work/part.txt"; then
		problem="scenario printed no TAP plan"
	fi
	# A scenario that ends with a power-off or reboot: the guest's kernel
	# must have asked for it (the init says so), the console must show the
	# kernel doing it, and QEMU must have exited by itself.
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
		st=1
	fi
	section "$work/console.log" "$name" >"$work/part.log"
	if grep -a -E -q "$bad" "$work/part.log"; then
		echo "not ok - $tag: kernel log is clean"
		grep -a -E -m 5 "$bad" "$work/part.log" | sed 's/^/#   /'
		st=1
	else
		echo "ok - $tag: kernel log is clean"
	fi
	took=$(awk -v n="$name" '$2 == "hv-vm:" && $3 == "begin" && $4 == n { b = $5 }
		$2 == "hv-vm:" && $3 == "end" && $4 == n { printf "%.1f", $5 - b }' "$work/verdict.txt")
	echo "# $tag: $kver, ${took:-?} s in the guest"
	[ "$guest" = debian ] && echo "# $tag: Debian $image_suite guest, systemd boot to scenario $(awk -v n="$name" \
		'$2 == "hv-vm:" && $3 == "begin" && $4 == n { print $5 }' "$work/verdict.txt") s"
	[ $st = 0 ] || status=1
done
# The QEMU CPU time says how busy the boot kept the machine: a boot that
# mostly waits leaves a core free for another.
printf '# %s/%s: boot of %d scenario(s), %.1f s (QEMU CPU %.1f s)\n' "$kernel" "$bname" \
	"${#snames[@]}" "$elapsed" "$qemu_cpu"

if [ $status != 0 ]; then
	mkdir -p "$logdir"
	cp "$work/console.log" "$logdir/$kernel-$bname.console.log"
	cp "$work/verdict.txt" "$logdir/$kernel-$bname.verdict.log"
	echo "# $kernel/$bname: console log kept at $logdir/$kernel-$bname.console.log"
fi
exit $status
