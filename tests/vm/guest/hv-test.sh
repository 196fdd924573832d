# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for VM scenarios (sourced as /lib/hv-test.sh inside the guest).
# A scenario prints TAP through these and ends with done_testing.
#
#   ok COND_STATUS "description"    record a result ($? of the last command
#                                  when called as `cmd; ok $? "desc"`)
#   check "description" CMD...     run CMD, pass if it exits 0
#   check_fails "description" CMD...   pass if CMD exits non-zero
#   check_output "description" PATTERN CMD...   pass if CMD's output matches
#                                  the extended regexp PATTERN
#   dmesg_has PATTERN               true if the kernel log matches PATTERN
#   skip "description" "reason"     record a skipped test
#   diag "text"                     a comment line
#   done_testing                    print the plan; exit status 1 on failures

# HV_TARGET, HV_VMBUS_MODE (module | builtin | testcore | none), HV_OUR_MODULES:
# set by the harness
. /etc/hv-test.conf

HV_TEST_N=0
HV_TEST_FAILED=0
HV_KVER=$(uname -r)
HV_MODDIR=/lib/modules/$HV_KVER

diag() { echo "# $*"; }

ok() {
	HV_TEST_N=$((HV_TEST_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $HV_TEST_N - $2"
	else
		HV_TEST_FAILED=$((HV_TEST_FAILED + 1))
		echo "not ok $HV_TEST_N - $2"
	fi
}

skip() {
	HV_TEST_N=$((HV_TEST_N + 1))
	echo "ok $HV_TEST_N - $1 # SKIP $2"
}

check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	ok $rc "$desc"
	[ $rc = 0 ] || echo "$out" | sed 's/^/#   /' | tail -20
	return $rc
}

check_fails() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		ok 1 "$desc"
		echo "$out" | sed 's/^/#   /' | tail -20
		return 1
	fi
	ok 0 "$desc"
}

# check_output "description" PATTERN CMD...: pass if a line of CMD's output
# (stdout and stderr) matches the extended regexp PATTERN (as grep -E; an
# empty output is one empty line).
check_output() {
	local desc=$1 pattern=$2 out
	shift 2
	out=$("$@" 2>&1)
	if has_line "$pattern" "$out"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "expected /$pattern/ in the output of: $*"
		echo "$out" | sed 's/^/#   /' | tail -20
		return 1
	fi
}

dmesg_has() { dmesg | grep -E -q -- "$1"; }

# has_line PATTERN STRING: true if a line of STRING matches the extended
# regexp PATTERN. No process: bash's own =~ (the C library's extended
# regexps, as grep -E uses), where `echo | grep -E -q` started two, a
# quarter of a second each on the debug kernel under TCG.
has_line() {
	local line
	while IFS= read -r line; do
		[[ $line =~ $1 ]] && return 0
	done <<<"$2"
	return 1
}

# True once "$@" succeeds, polled every 0.1 s, and every 0.3 s after the
# first 2 s, for at most 20 s of the guest's clock (HV_WAIT_S to change
# it), however long each try takes. (Each try forks: under TCG a 20 s
# wait polled every 0.1 s cost the guest a quarter of a core, a third on
# the debug kernel, where a sleep costs nothing.)
wait_for() {
	local start now until_cs nap=0.1
	start=$(uptime_cs)
	until_cs=$((start + ${HV_WAIT_S:-20} * 100))
	until "$@"; do
		now=$(uptime_cs)
		[ "$now" -ge $until_cs ] && return 1
		[ $((now - start)) -lt 200 ] || nap=0.3
		sleep $nap
	done
}

# wait_secs N CMD...: wait_for with a limit of N s instead of 20.
wait_secs() {
	local s=$1
	shift
	HV_WAIT_S=$s wait_for "$@"
}

# Units in the systemd guest (# guest: debian): active, not active, and
# show UNIT PROP, the value of one property.
active() { systemctl is-active --quiet "$1"; }
not_active() { ! systemctl is-active --quiet "$1"; }
show() { systemctl show -p "$2" --value "$1"; }

# Timing and the kernel log, for bounded waits asserted:
#   since T          centiseconds since T (an uptime_cs reading)
#   in_bound N LO HI true when LO <= N <= HI
#   count PATTERN    how many kernel log lines hold PATTERN (fixed start)
since() { echo $(($(uptime_cs) - $1)); }
in_bound() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
count() { dmesg | grep -c -- "$1"; }
# stop_pid PID [SIGNAL]: signal PID (TERM unless said), reap it
stop_pid() { kill -"${2:-TERM}" "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# writer DIR WHY: DIR.done appears once "written while WHY" is in DIR/f and
# synced (a writer on a frozen fs sleeps uninterruptibly, so it runs in the
# background, not under a timeout)
writer() {
	rm -f "$1.done"
	(echo "written while $2" >"$1/f" && sync && touch "$1.done") &
}

# The guest's uptime in hundredths of a second.
uptime_cs() {
	local up
	read -r up _ </proc/uptime
	echo $((${up%.*} * 100 + 10#${up#*.}))
}

# The instance GUID of the device the simulated host offered as relid $1.
instance() { hvsim list | awk -v r="$1" '$1 == r { print $4 }'; }

# True when "modprobe hv_vmbus" loads our VMBus core: our hv_vmbus in place
# of the distro's (HV_VMBUS_MODE=module), or, where the kernel's VMBus is
# built in, our test-only core hv_vmbus_test (HV_VMBUS_MODE=testcore). The
# distro's own VMBus clients cannot use the latter.
our_vmbus() { [ "$HV_VMBUS_MODE" = module ] || [ "$HV_VMBUS_MODE" = testcore ]; }

# The test core's module is hv_vmbus_test: modprobe knows (an alias in
# /etc/modprobe.d), and rmmod is taught here, so scenarios say hv_vmbus.
if [ "$HV_VMBUS_MODE" = testcore ]; then
	rmmod() {
		local arg args=()
		for arg in "$@"; do
			[ "$arg" = hv_vmbus ] && arg=hv_vmbus_test
			args+=("$arg")
		done
		command rmmod "${args[@]}"
	}
fi

# Path of our build of a module (installed as dkms would, under updates/).
our_module() { echo "$HV_MODDIR/updates/dkms/$1.ko"; }

# Path of the distro kernel's own build of a module.
distro_module() {
	find "$HV_MODDIR/kernel" -name "$1.ko" | head -1
}

# Load the distro kernel's own build of module $1 (with parameters "$@"
# after it) even where ours exists: ours sit in updates/dkms and win for
# modprobe. Its dependencies are loaded with modprobe (so hv_vmbus is ours
# where we have it), then the module itself with insmod from kernel/.
# depmod lists one module per name, ours where we have one, so the distro's
# file and dependencies come from the file itself, not from modules.dep.
distro_modprobe() {
	local name=$1 file dep
	shift
	file=$(distro_module "$name")
	[ -n "$file" ] || {
		echo "distro_modprobe: no distro $name under $HV_MODDIR/kernel" >&2
		return 1
	}
	for dep in $(modinfo -F depends "$file" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$file" "$@"
}

# The hv_utils builds a scenario of the integration services runs against,
# in one boot: "distro" (the kernel's own, on our VMBus core: not where
# VMBus is built in, since the distro's cannot use our renamed test core)
# and "ours" (when we built hv_utils). hv_utils_why_not VARIANT [SERVICE]
# says why one is missing, or cannot serve SERVICE (kvp, vss, fcopy: the
# module has no alias for that class); hv_utils_variants [SERVICE] lists
# the usable ones; hv_utils_load VARIANT [PARAM=VALUE...] loads it.
hv_utils_variants() {
	local v list=
	for v in distro ours; do
		[ -z "$(hv_utils_why_not $v $1)" ] && list="$list $v"
	done
	# one line, space-separated: scenarios take the last with ${list##* }
	echo $list
}
# The vmbus modalias of an IC service's class (docs/design/hv_utils.md §1.1).
hv_ic_class_alias() {
	case $1 in
	kvp) echo "vmbus:e7f4a0a9455a964db8278a841e8c03e6" ;;
	vss) echo "vmbus:292efa3523ea364296ae3a6ebacba440" ;;
	fcopy) echo "vmbus:e34bd134e4dec8419ae76b174977c192" ;;
	esac
}
hv_utils_why_not() {
	local alias file
	alias=$(hv_ic_class_alias "$2")
	case $1 in
	distro)
		# The debug kernel's sanitizers are there for our code; the
		# distro's hv_utils is the referee on the four matrix kernels.
		if [ "$HV_TARGET" = debug ]; then
			echo "the debug kernel runs our hv_utils only"
			return
		fi
		[ "$HV_VMBUS_MODE" = module ] ||
			echo "VMBus is built into this kernel: its hv_utils cannot use our test core"
		file=$(distro_module hv_utils)
		if [ -z "$file" ]; then
			echo "this kernel has no hv_utils module"
		elif [ -n "$alias" ] && ! modinfo -F alias "$file" | grep -qx "$alias"; then
			if [ "$2" = fcopy ]; then
				echo "this kernel's hv_utils has no fcopy (Linux 6.10 moved it to UIO)"
			else
				echo "this kernel's hv_utils has no $2"
			fi
		fi ;;
	ours)
		case " $HV_OUR_MODULES " in
		*" hv_utils "*)
			[ -z "$alias" ] || modinfo -F alias "$(our_module hv_utils)" | grep -qx "$alias" ||
				echo "our hv_utils has no $(echo "$2" | tr a-z A-Z) yet" ;;
		*) echo "our hv_utils is not built yet" ;;
		esac ;;
	esac
}
# Debian's own daemon of service $1 (kvp, vss, fcopy), when the harness put
# it in (# distro-daemons: yes): bullseye's on bullseye, bookworm's elsewhere.
debian_daemon() {
	local suite=bookworm
	[ "$HV_TARGET" = bullseye ] && suite=bullseye
	[ -x /usr/lib/hv-debian/$suite/usr/sbin/hv_$1_daemon ] &&
		echo /usr/lib/hv-debian/$suite/usr/sbin/hv_$1_daemon
}

# The daemons of service $1 (kvp, vss, fcopy) in the guest, on one line:
# "ours" when tools/hv's hv_$1_daemon is there, "debian" when Debian's is
# (not on the debug kernel: see for_each_variant).
hv_daemon_variants() {
	local list=
	command -v "hv_$1_daemon" >/dev/null && list=ours
	[ -n "$(debian_daemon "$1")" ] && [ "$HV_TARGET" != debug ] && list="$list debian"
	echo $list
}

# for_each_variant SERVICE LABEL FUNCTION: call FUNCTION KV DV for every
# kernel side KV (distro, ours) that can serve SERVICE and every daemon DV
# of hv_daemon_variants, in that order. The skips are all here: a kernel
# side that cannot serve (sid, debug, no such module or class: "LABEL with
# the KV hv_utils" and hv_utils_why_not's reason), no daemon at all, our
# daemon not built ("LABEL with our daemon"). Ends with a diag of the
# number of pairs run, also left in HV_VARIANTS_RAN.
# On the debug kernel Debian's daemon is left out (hv_daemon_variants): it
# drives the same kernel paths as ours (the same device, the same
# messages), which the sanitizers check with ours; what differs is the
# daemon, checked on the four matrix kernels. (The debug kernel is the
# CI's slowest: every pair costs there.)
for_each_variant() {
	local svc=$1 label=$2 fn=$3 kv dv dvs why
	HV_VARIANTS_RAN=0
	dvs=$(hv_daemon_variants "$svc")
	[ "$HV_TARGET" = debug ] && [ -n "$(debian_daemon "$svc")" ] &&
		skip "$label with Debian's daemon" \
			"not on the debug kernel: the kernel paths are those our daemon drives"
	for kv in distro ours; do
		why=$(hv_utils_why_not $kv "$svc")
		if [ -n "$why" ]; then
			skip "$label with the $kv hv_utils" "$why"
			continue
		fi
		[ -n "$dvs" ] ||
			skip "$label with the $kv hv_utils" "no $(echo "$svc" | tr a-z A-Z) daemon in the guest"
		for dv in $dvs; do
			"$fn" $kv $dv
			HV_VARIANTS_RAN=$((HV_VARIANTS_RAN + 1))
		done
	done
	case " $dvs " in
	*" ours "*) ;;
	*) skip "$label with our daemon" "tools/hv has no hv_${svc}_daemon" ;;
	esac
	diag "kernel-side x daemon combinations run: $HV_VARIANTS_RAN"
}

# fc_start ours|named|debian: start an fcopy daemon (ours; ours with
# --no-tmpfile; Debian's) in the background, logging to /tmp/fcopyd.log,
# its pid in fc_pid; returns 1 s later, once it registered.
fc_start() {
	case $1 in
	ours) hv_fcopy_daemon -n >>/tmp/fcopyd.log 2>&1 & ;;
	named) hv_fcopy_daemon -n --no-tmpfile >>/tmp/fcopyd.log 2>&1 & ;;
	debian) "$(debian_daemon fcopy)" -n >>/tmp/fcopyd.log 2>&1 & ;;
	esac
	fc_pid=$!
	sleep 1
}

# Unload whichever hv_utils is loaded (the distro's was loaded by file).
hv_utils_unload() {
	grep -q '^hv_utils ' /proc/modules || return 0
	rmmod hv_utils
}
# True when hv_utils variant $1 checks the length of the host's messages:
# ours always; the distro's from Linux 5.12 on (5.10's reads its buffer
# whatever the packet's length).
hv_utils_checks_length() {
	local major minor
	[ "$1" = ours ] && return 0
	major=${HV_KVER%%.*}
	minor=${HV_KVER#*.}
	minor=${minor%%[.-]*}
	[ "$major" -gt 5 ] || { [ "$major" = 5 ] && [ "$minor" -ge 12 ]; }
}
hv_utils_load() {
	local v=$1
	shift
	case $v in
	distro) distro_modprobe hv_utils "$@" ;;
	ours) modprobe hv_utils "$@" ;;
	esac
}

# fake_kernel vss|fcopy SOCKET: start hv-fake-kernel (tests/daemons), the
# kernel side of /dev/vmbus/hv_vss or hv_fcopy on the socket a daemon is
# given with --device, fed by fk; fake_kernel_stop ends it.
fake_kernel() {
	mkfifo /tmp/fk.in
	hv-fake-kernel "$1" "$2" </tmp/fk.in >/tmp/fk.out 2>&1 &
	HV_FK_PID=$!
	exec 3>/tmp/fk.in
}
# fk CMD...: send one command to the fake kernel, print its answer line
# (waits up to 60 s: its own timeout is 30 s)
fk() {
	local n i=0
	n=$(wc -l </tmp/fk.out)
	echo "$*" >&3
	while [ "$(wc -l </tmp/fk.out)" -le "$n" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tail -n 1 /tmp/fk.out
}
fake_kernel_stop() {
	exec 3>&-
	wait "$HV_FK_PID"
}

done_testing() {
	echo "1..$HV_TEST_N"
	[ $HV_TEST_FAILED = 0 ]
}

# kvp_records FILE [keys]: the records of a KVP pool file, one "KEY VALUE"
# line each (only KEY with "keys"): a record is 2560 bytes, its key the
# first 512 (up to a NUL or newline), its value the next 2048 (the same);
# a part record at the end is left out. One pipeline for the whole file
# (a dd per record costs a few processes each, seconds on the debug
# kernel): NUL and newline become \001 (a \001 in the file becomes \002,
# so it still shows), fold cuts the file into 512-byte lines, awk joins a
# record's five.
kvp_records() {
	tr '\001\000\n' '\002\001\001' <"$1" | fold -b -w 512 |
		awk -v n=$(($(stat -c %s "$1") / 2560)) -v keys="$2" '
		function upto(s,  i) { i = index(s, "\001"); return i ? substr(s, 1, i - 1) : s }
		NR > n * 5 { exit }
		NR % 5 == 1 && keys != "" { print upto($0); next }
		NR % 5 == 1 { k = $0; v = ""; next }
		keys != "" { next }
		{ v = v $0 }
		NR % 5 == 0 { print upto(k) " " upto(v) }'
}

# check_string "description" PATTERN STRING: check_output on a string in
# hand (a command's output kept for more than one use): pass if a line of
# STRING matches the extended regexp PATTERN. No process: the test is
# bash's own =~ (the C library's extended regexps, as grep -E).
check_string() {
	local desc=$1 pattern=$2
	if has_line "$pattern" "$3"; then
		ok 0 "$desc"
		return 0
	fi
	ok 1 "$desc"
	diag "expected /$pattern/ in:"
	echo "$3" | sed 's/^/#   /' | tail -20
	return 1
}

# chan_of RELID: the host's line for RELID's channel (what `hvsim channels
# RELID` prints) into HV_CH_LINE, and its KEY=VALUE words into the
# associative array HV_CH (${HV_CH[events_cpu1]}); false, both empty, when
# the host has no state for it. ic_of RELID: the same for its IC line
# (`hvsim ic status RELID`), into HV_IC_LINE and HV_IC; ic_state RELID
# STATE: true when its state= is STATE. They start no process: under TCG
# each one costs milliseconds, on the debug kernel 0.1 to 0.5 s, which
# polls and counter snapshots of several keys a time multiply.
declare -A HV_CH HV_IC
# hv_lines FILE: the lines of FILE into the array HV_LINES, read in one
# pass. Not `while read ... <FILE`: read takes a buffer and seeks back to
# the end of the line, and a debugfs seq_file that is seeked regenerates
# its text, so with counters changing under traffic the next line could
# begin in the middle of one.
hv_lines() {
	HV_LINES=()
	[ -r "$1" ] && mapfile -t HV_LINES <"$1"
}
# hv_relid_line FILE RELID: RELID's line of a hv_hostsim file into HV_LINE
hv_relid_line() {
	local line
	HV_LINE=
	hv_lines "$1" || return 1
	for line in "${HV_LINES[@]}"; do
		case $line in
		"relid=$2 "*) HV_LINE=$line; return 0 ;;
		esac
	done
	return 1
}
chan_of() {
	local w rc=0
	HV_CH=()
	hv_relid_line /sys/kernel/debug/hv_hostsim/channels "$1" || rc=1
	HV_CH_LINE=$HV_LINE
	for w in $HV_LINE; do HV_CH[${w%%=*}]=${w#*=}; done
	return $rc
}
ic_of() {
	local w rc=0
	HV_IC=()
	hv_relid_line /sys/kernel/debug/hv_hostsim/ic "$1" || rc=1
	HV_IC_LINE=$HV_LINE
	for w in $HV_LINE; do HV_IC[${w%%=*}]=${w#*=}; done
	return $rc
}
ic_state() { ic_of "$1" && [ "${HV_IC[state]}" = "$2" ]; }

# hv_status: the host's status (what `hvsim status` prints) into the
# associative array HV_ST (${HV_ST[offers_sent]}), with no process started
# (see chan_of); false when hv_hostsim is not loaded.
declare -A HV_ST
hv_status() {
	local line
	HV_ST=()
	hv_lines /sys/kernel/debug/hv_hostsim/status || return 1
	for line in "${HV_LINES[@]}"; do HV_ST[${line%% *}]=${line#* }; done
}
