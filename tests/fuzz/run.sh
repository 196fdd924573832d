#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build every libFuzzer harness (fuzz_*.c) with clang, AddressSanitizer and
# UBSan, and run each for a bounded time, one per core at a time. One TAP line per harness; a crash
# leaves its input in build/fuzz/ for reproduction.
#
# usage: tests/fuzz/run.sh [SECONDS]      (default: 20 per harness)
set -u
. "$(dirname "$0")/../lib/common.sh"

seconds=${1:-20}
hv_need_host_packages clang libclang-rt-14-dev
out=$HV_TOP/build/fuzz
mkdir -p "$out"
# run one built harness; its verdict goes to $out/NAME.tap
fuzz_one() {
	local name=$1 bin=$out/$1 execs
	mkdir -p "$out/$name.corpus"
	if (cd "$out" && "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="$out/$name-" "$out/$name.corpus" >"$out/$name.log" 2>&1); then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" |
			grep -o '[0-9]*$')
		[ -n "$execs" ] || execs=$(grep -E -o '#[0-9]+' "$out/$name.log" | tail -1 | tr -d '#')
		echo "ok - fuzz: $name ran ${seconds}s (${execs:-?} inputs) without a finding"
	else
		echo "not ok - fuzz: $name found a crash (see $out/$name.log)"
		grep -E 'ERROR|SUMMARY|artifact' "$out/$name.log" | head -5 | sed 's/^/#   /'
	fi >"$out/$name.tap"
}

# build them all, then run them side by side, one per core
names=()
for src in "$HV_TOP"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	rm -f "$out/$name.tap"
	# A harness of a tool's code names the tool's sources it needs on a
	# "fuzz-sources:" line (paths from the top of the tree).
	extra=$(sed -n 's/^ \* fuzz-sources: //p' "$src" | head -1)
	srcs=("$src")
	for f in $extra; do srcs+=("$HV_TOP/$f"); done
	if ! clang -std=gnu11 -g -O1 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$HV_TOP/include" -I"$HV_TOP/tools/hv" -o "$out/$name" "${srcs[@]}" \
		>"$out/$name.build.log" 2>&1; then
		{
			echo "not ok - fuzz: $name builds"
			sed 's/^/#   /' "$out/$name.build.log" | tail -10
		} >"$out/$name.tap"
	fi
	names+=("$name")
done
jobs=$(nproc) running=0
for name in "${names[@]}"; do
	[ -e "$out/$name.tap" ] && continue
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	fuzz_one "$name" &
	running=$((running + 1))
done
wait
for name in "${names[@]}"; do
	cat "$out/$name.tap" 2>/dev/null || echo "not ok - fuzz: $name gave no verdict"
done
