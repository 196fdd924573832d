#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the VM scenarios on the kernels of the matrix and the debug kernel.
# Builds our modules for each kernel first, then boots the VMs, HV_VM_JOBS at
# a time (default: one more than the cores: a TCG guest keeps at most one
# core busy, and many boots spend part of their time waiting on timeouts;
# with one per core the CI's boots kept only 1.48 of 2 cores busy). TAP on
# stdout.
#
# usage: tests/vm/run-all.sh [-k "KERNEL..."] [SCENARIO...]
#   -k    kernels to use (default: bullseye bookworm trixie sid debug)
#   SCENARIO names under tests/scenarios/ (default: all of them)
# A scenario's "# kernels:" header limits where it runs.
#
# A boot costs several seconds (half a minute on the debug kernel), so the
# scenarios of one kernel share boots (tests/vm/run.sh SCENARIO...): those
# whose memory, qemu, append, disk and acpi lines agree, and that do not say
# "# boot: alone", "# ends:" or "# guest:", are packed into boots of at most HV_VM_BOOT_SECONDS
# (default 240) of expected run time. Expected times are the last measured
# ones, kept in $HV_CACHE/vm-times (40 s, or 80 s on the debug kernel, for a
# scenario never measured); the longest boots start first.
set -u
. "$(dirname "$0")/../lib/common.sh"

kernels="$HV_SUITES debug"
if [ "${1:-}" = -k ]; then
	kernels=$2
	shift 2
fi
if [ $# -gt 0 ]; then
	scenarios=$*
else
	scenarios=$(cd "$HV_TOP/tests/scenarios" && ls -- *.sh | sed 's/\.sh$//')
fi
jobs=${HV_VM_JOBS:-$(($(nproc) + 1))}
boot_max=${HV_VM_BOOT_SECONDS:-240}
times=$HV_CACHE/vm-times

status=0
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT

# "KERNEL SCENARIO SECONDS KEY" for every run to do
: >"$outdir/runs"
for k in $kernels; do
	if ! "$HV_TOP/tests/matrix/build-modules.sh" "$k" 2>"$outdir/build-$k.err"; then
		echo "not ok - $k: building our modules for the VM"
		sed 's/^/#   /' "$outdir/build-$k.err" | tail -10
		status=1
		continue
	fi
	for s in $scenarios; do
		f=$HV_TOP/tests/scenarios/$s.sh
		only=$(sed -n 's/^# kernels: *//p' "$f" | head -1)
		if [ -n "$only" ] && ! echo " $only " | grep -q " $k "; then
			continue
		fi
		est=$(awk -v k="$k" -v s="$s" '$1 == k && $2 == s { t = $3 } END { print t }' \
			"$times" 2>/dev/null)
		[ -n "$est" ] || { [ "$k" = debug ] && est=80 || est=40; }
		key=$(for h in memory qemu append disk acpi; do
			sed -n "s/^# $h: *//p" "$f" | head -1
		done | tr '\n' '|' | md5sum | cut -c1-8)
		grep -q -E '^# (boot: *alone|ends:|guest:)' "$f" && key=alone-$s
		echo "$k $s $est $key" >>"$outdir/runs"
	done
done

# Pack each kernel's runs with the same key into boots, longest first (first
# fit); then all boots longest first.
awk -v max="$boot_max" '
{ k[NR] = $1; s[NR] = $2; t[NR] = $3; key[NR] = $4 }
END {
	# sort the runs by time, longest first (insertion sort: few runs)
	for (i = 1; i <= NR; i++) order[i] = i
	for (i = 2; i <= NR; i++)
		for (j = i; j > 1 && t[order[j]] > t[order[j - 1]]; j--) {
			x = order[j]; order[j] = order[j - 1]; order[j - 1] = x
		}
	nb = 0
	for (n = 1; n <= NR; n++) {
		r = order[n]
		placed = 0
		for (b = 1; b <= nb && !placed; b++)
			if (bk[b] == k[r] SUBSEP key[r] && bt[b] + t[r] <= max) {
				bl[b] = bl[b] " " s[r]; bt[b] += t[r]; placed = 1
			}
		if (!placed) {
			nb++; bk[nb] = k[r] SUBSEP key[r]; bkern[nb] = k[r]
			bl[nb] = s[r]; bt[nb] = t[r]
		}
	}
	for (b = 1; b <= nb; b++) print bt[b], bkern[b], bl[b]
}' "$outdir/runs" | sort -k1,1nr >"$outdir/boots"

# HV_VM_JOBS_FILE, when set: a file whose number, read before each boot
# starts, replaces HV_VM_JOBS while it holds one (tests/run-check lowers
# it while other stages run beside this one)
jobs_now() {
	local n
	[ -n "${HV_VM_JOBS_FILE:-}" ] && n=$(cat "$HV_VM_JOBS_FILE" 2>/dev/null) &&
		[ "$n" -gt 0 ] 2>/dev/null && { echo "$n"; return; }
	echo "$jobs"
}
i=0 running=0
vm_start=$(date +%s)
while read -r _ k list; do
	while [ "$running" -ge "$(jobs_now)" ]; do
		wait -n
		running=$((running - 1))
	done
	# shellcheck disable=SC2086 # the list is one scenario name per word
	( "$HV_TOP/tests/vm/run.sh" "$k" $list >"$outdir/$i.out" 2>&1; echo $? >"$outdir/$i.rc" ) &
	running=$((running + 1))
	i=$((i + 1))
done <"$outdir/boots"
wait

n=$i
for ((i = 0; i < n; i++)); do
	cat "$outdir/$i.out"
	[ "$(cat "$outdir/$i.rc" 2>/dev/null)" = 0 ] || status=1
done
# How many cores the boots kept busy: about HV_VM_JOBS when every boot
# computes all along, fewer when boots mostly wait.
cat "$outdir"/[0-9]*.out 2>/dev/null | awk -v wall=$(($(date +%s) - vm_start)) -v jobs="$jobs" '
/^# [^ ]+: boot of [0-9]+ scenario\(s\), [0-9.]+ s \(QEMU CPU [0-9.]+ s\)$/ {
	boots++; cpu += $(NF - 1)
}
END {
	if (boots && wall)
		printf "# %d boots in %d s, up to %d at a time: QEMU used %.0f CPU s, %.2f cores on average\n",
			boots, wall, jobs, cpu, cpu / wall
}'

# Remember what each scenario took (its time in the guest plus its share of
# the boot) for the next packing.
mkdir -p "$HV_CACHE"
cat "$outdir"/[0-9]*.out 2>/dev/null | awk '
/^# [^ ]+\/[^ ]+: .*, [0-9.]+ s in the guest$/ {
	split($2, a, "/"); sub(/:$/, "", a[2])
	t = $(NF - 4); run[a[1] " " a[2]] = t; nb[a[1] " " a[2]] = boot
	members[boot] = members[boot] " " a[1] " " a[2]
	guest[boot] += t
}
/^# [^ ]+: boot of [0-9]+ scenario\(s\), [0-9.]+ s( \(QEMU CPU [0-9.]+ s\))?$/ {
	n = $5; total = $7
	over[boot] = (total - guest[boot]) / n
	boot++
}
END {
	for (r in run) printf "%s %d\n", r, run[r] + over[nb[r]] + 0.5
}' >"$outdir/measured"
if [ -s "$outdir/measured" ]; then
	{
		[ -f "$times" ] && awk 'NR == FNR { seen[$1 " " $2] = 1; next }
			!(($1 " " $2) in seen)' "$outdir/measured" "$times"
		cat "$outdir/measured"
	} | sort >"$outdir/times.new" && mv "$outdir/times.new" "$times"
fi
exit $status
