# SPDX-License-Identifier: GPL-2.0-only
# Malformed host messages on every IC (docs/design/hv_utils.md §6.5 item 12,
# issue 4): each "hvsim fault RELID ic-...|kvp-...|vss-...|fcopy-..." spoils
# one request the simulated host sends through the real channel, against
# our hv_utils (fcopy=chardev) with our hv_kvp_daemon, hv_vss_daemon and
# hv_fcopy_daemon running. For every IC and every fault that applies:
# - the guest logs one clear line naming the problem (the text asserted);
# - nothing is done: no shutdown (the scenario would end), no clock step,
#   no pool change, no file, nothing frozen;
# - the host gets no answer (the request times out on the host within its
#   bounded --timeout: cut packets, size lies, response flags) or an error
#   answer (unknown type, malformed negotiation: HV_E_FAIL echoing what was
#   sent, which the host refuses as a bad answer; service-level faults:
#   an answered error status);
# - the host counted the spoiled request (faults_sent), the daemons still
#   run, and the channel answers a good request afterwards (shutdown: an
#   invalid-flags request, answered and refused, since a good one would
#   end the guest).
# The harness fails the scenario on WARN/BUG/KASAN/lockdep in the log.
#
# The distro's hv_utils (on our VMBus; not on sid, where VMBus is built in,
# nor on debug) goes through the framework's faults on heartbeat and
# timesync first, with "no crash" asserted only (what it does: below).
# modules: hv_utils?
# tools: hvsim hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon
# binaries: kmod
# timeout: 600
. /lib/hv-test.sh

# host-side timeout of a spoiled request that is answered (an error or a
# bad answer): the answer must come within it
TMO=1000
[ "$HV_TARGET" = debug ] && TMO=3000
# host-side timeout of a spoiled request that must not be answered at all
# (NO_ANSWER): the host only has to stop waiting. Short, since an answer
# the guest sent after it would still be caught: the host counts an answer
# to no outstanding request as unsolicited, asserted 0 on every IC at the
# end; and spoil() waits for the guest's log line, which says the request
# was dropped, before the next request goes out.
NO_TMO=200
POOLS=/var/lib/hyperv

faults_sent() { hvsim ic status "$1" | sed -n 's/.* faults_sent=\([0-9]*\).*/\1/p'; }
# faults_sent of each relid as the last spoil on it read it (its own
# check's status line): nothing else spends faults, and the next spoil's
# count must go on from there. Each process costs ~1 s on the debug kernel:
# spoil runs as few as it can (no seq, no grep: check_string).
declare -A SENT

# spoil RELID "FAULT [N]" HOST-REGEX LOG-REGEX DESC CMD...: N (default 1)
# requests of CMD spoiled by FAULT; each host output (its exit code first)
# must match HOST-REGEX, the guest's log LOG-REGEX.
spoil() {
	local relid=$1 fault=$2 host=$3 log=$4 desc=$5 before out n i tmo=$TMO
	shift 5
	n=${fault#* }
	[ "$n" = "$fault" ] && n=1
	[ "$host" = "$NO_ANSWER" ] && tmo=$NO_TMO
	before=${SENT[$relid]:-$(faults_sent "$relid")}
	dmesg -c >/dev/null
	# shellcheck disable=SC2086
	hvsim fault "$relid" $fault || { ok 1 "$desc: hvsim fault $relid $fault"; return; }
	for ((i = 1; i <= n; i++)); do
		out=$("$@" --timeout $tmo 2>&1)
		check_string "$desc: host side (request $i of $n)" "$host" "$? ${out//$'\n'/ }"
	done
	[ "$log" = - ] || check "$desc: the guest logs it" wait_for dmesg_has "$log"
	out=$(hvsim ic status "$relid" 2>&1)
	check_string "$desc: ... counted by the host, the fault spent" \
		" fault=none faults_sent=$((before + n))\$" "$out"
	[[ $out =~ \ faults_sent=([0-9]+) ]] && SENT[$relid]=${BASH_REMATCH[1]}
}

# answered DESC REGEX CMD...: CMD's output, its exit code first, matches.
answered() {
	local desc=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	check_string "$desc" "$re" "$? ${out//$'\n'/ }"
}

# Host-side outcomes.
NO_ANSWER="^1 .* state=timeout "
BAD_ANSWER="^1 .* state=bad "
ERR_ANSWER="^1 .* state=answered status=0x8"

modprobe hv_hostsim
sd=$(hvsim offer shutdown)
ts=$(hvsim offer timesync)
hb=$(hvsim offer heartbeat)
kvp=$(hvsim offer kvp)
vss=$(hvsim offer vss)
fc=$(hvsim offer fcopy)
check "the host offers the six ICs" test -n "$sd$ts$hb$kvp$vss$fc"
check "hv_vmbus loads" modprobe hv_vmbus

# ---- the fault command's usage errors -----------------------------------
check_output "an unknown IC fault is refused" "unknown IC fault 'ic-bogus'" hvsim fault $hb ic-bogus
check_output "... exit 1" "^1\$" sh -c "hvsim fault $hb ic-bogus >/dev/null 2>&1; echo \$?"
check_output "a KVP fault on a heartbeat device is refused" \
	"fault kvp-bad-pool does not apply to relid $hb, a heartbeat device" hvsim fault $hb kvp-bad-pool
check_output "a count of 0 is refused" "bad count '0' for ic-short: want 1 to 1000" \
	hvsim fault $hb ic-short 0
check_output "a count over 1000 is refused" "want 1 to 1000" hvsim fault $hb ic-short 1001
check_output "an echo fault on an IC device is refused" "unknown IC fault 'drop'" \
	hvsim fault $hb drop 1
check "a count given" hvsim fault $hb ic-short 3
check_output "ic status shows the fault to come" " fault=ic-short:3 faults_sent=0\$" \
	hvsim ic status $hb
check "fault RELID clear" hvsim fault $hb clear
check_output "... no fault any more" " fault=none faults_sent=0\$" hvsim ic status $hb

# ---- the distro's hv_utils: no crash ----------------------------------------
# Recorded on bookworm (6.1), heartbeat: ic-short and ic-short-body not
# answered (host timeout); ic-size-lie, ic-bad-type and ic-nego-count
# answered with an answer the host refuses (bad); ic-bad-flags acted on
# and answered S_OK (so not sent to its shutdown); timesync: ic-short
# timeout, ic-size-lie and ic-bad-type bad answers; the next good
# heartbeat is answered S_OK. 6.12 (trixie) the same; 5.10 (bullseye)
# answers the cut packets too (it does not check lengths), which the host
# refuses. Only "no crash" (clean log, unload) is asserted; the outcomes
# are printed as diagnostics.
why=$(hv_utils_why_not distro)
if [ -n "$why" ]; then
	skip "the distro's hv_utils through the faults" "$why"
else
	check "the distro's hv_utils loads" hv_utils_load distro
	check "... heartbeat versions agreed" \
		wait_for sh -c "hvsim ic status $hb | grep -q ' state=ready '"
	for f in ic-short ic-short-body ic-size-lie ic-bad-type ic-bad-flags ic-nego-count; do
		hvsim fault $hb $f
		out=$(hvsim heartbeat --timeout $TMO 2>&1)
		diag "distro, heartbeat $f: exit $?, $(echo "$out" | grep -o ' state=[a-z-]* status=[^ ]*')"
	done
	for f in ic-short ic-size-lie ic-bad-type; do
		hvsim fault $ts $f
		out=$(hvsim time sync --offset 3600s --timeout $TMO 2>&1)
		diag "distro, timesync $f: exit $?, $(echo "$out" | grep -o ' state=[a-z-]* status=[^ ]*')"
	done
	out=$(hvsim heartbeat --timeout 10000 2>&1)
	diag "distro: a good heartbeat afterwards: exit $?, $(echo "$out" | grep -o ' state=[a-z-]* status=[^ ]*')"
	check "the distro's hv_utils unloads (no crash)" hv_utils_unload
fi

# ---- a malformed negotiation on a fresh channel (ours) --------------------
dmesg -c >/dev/null
check "a malformed negotiation for the heartbeat channel's first session" \
	hvsim fault $hb ic-nego-count
check "our hv_utils loads (fcopy=chardev)" hv_utils_load ours fcopy=chardev
# the guest answers it HV_E_FAIL with counts 0/0, which the host reads as
# no common version
check "the guest's answer to it agrees on nothing" \
	wait_for sh -c "hvsim ic status $hb | grep -q ' state=no-common-version '"
check "the guest logs it" dmesg_has "Heartbeat IC: malformed negotiation request \\([0-9]+ bytes\\) refused"
check "hv_utils unloads" hv_utils_unload
check "our hv_utils loads again (fcopy=chardev)" hv_utils_load ours fcopy=chardev
mkdir -p $POOLS
hv_kvp_daemon -n --pool-dir $POOLS >/tmp/kvpd.log 2>&1 &
kvpd=$!
hv_vss_daemon -n >/tmp/vssd.log 2>&1 &
vssd=$!
check "/dev/vmbus/hv_fcopy appears" wait_for test -c /dev/vmbus/hv_fcopy
hv_fcopy_daemon -n >/tmp/fcopyd.log 2>&1 &
fcd=$!
check "all six ICs agree on versions, the heartbeat's in a new session" \
	wait_secs 10 sh -c "[ \$(hvsim ic status | grep -c ' state=ready ') = 6 ]"

# ---- the framework's faults, on every IC ---------------------------------
# generic CLASS RELID NAME GOOD-REGEX GOOD-CMD -- BAD-CMD...: every ic-*
# fault on a BAD-CMD request, then one GOOD-CMD request matching GOOD-REGEX.
generic() {
	local class=$1 relid=$2 name=$3 goodre=$4 good=() bad=() short_body="$NO_ANSWER"
	shift 4
	# a body of 1 byte: dropped unanswered as too short, but for KVP,
	# whose outcome is a failed request all the same (exit 1)
	[ "$class" = kvp ] && short_body="^1 "
	while [ "$1" != -- ]; do good+=("$1"); shift; done
	shift
	bad=("$@")
	spoil $relid ic-short "$NO_ANSWER" "$name IC: malformed packet of 24 bytes dropped" \
		"$class ic-short" "${bad[@]}"
	spoil $relid ic-size-lie "$NO_ANSWER" "$name IC: malformed packet of [0-9]+ bytes dropped" \
		"$class ic-size-lie" "${bad[@]}"
	spoil $relid ic-short-body "$short_body" "$name( IC)?: .*(too short|refused)" \
		"$class ic-short-body" "${bad[@]}"
	spoil $relid ic-bad-type "$BAD_ANSWER" "$name IC: request of unknown type 99 refused" \
		"$class ic-bad-type" "${bad[@]}"
	spoil $relid "ic-nego-count 2" "$BAD_ANSWER" \
		"$name IC: malformed negotiation request \\([0-9]+ bytes\\) refused" \
		"$class ic-nego-count (re-negotiations, counts 255/255 then 3/3)" "${bad[@]}"
	spoil $relid "ic-bad-flags 2" "$NO_ANSWER" \
		"$name IC: packet flagged as a response \\(icflags 0x[57]\\) dropped" \
		"$class ic-bad-flags (RESPONSE, REQUEST|RESPONSE)" "${bad[@]}"
	check_output "$class: the versions agreed before stay agreed" " state=ready " \
		hvsim ic status $relid
	answered "$class: a good request afterwards" "$goodre" "${good[@]}"
}

OK_ANSWER="^0 .* state=answered status=0x00000000 "

# shutdown: the spoiled requests ask for a real shutdown; the good one has
# invalid flags (a good shutdown would end the scenario): answered, refused
generic shutdown $sd Shutdown "^0 .* state=answered status=0x80004005 " \
	hvsim shutdown --flags 0x10 -- hvsim shutdown

# timesync: the spoiled requests are SYNCs one hour ahead
t0=$(date +%s)
generic timesync $ts TimeSync "$OK_ANSWER" hvsim time sync -- hvsim time sync --offset 3600s
t1=$(date +%s)
ok $([ $((t1 - t0)) -lt 600 ] && [ $((t1 - t0)) -ge 0 ]; echo $?) \
	"timesync: no clock step (the clock moved $((t1 - t0)) s)"

generic heartbeat $hb Heartbeat "$OK_ANSWER" hvsim heartbeat -- hvsim heartbeat

pool0() { cat $POOLS/.kvp_pool_0 2>/dev/null | tr '\0' '\n' | grep -c "$1"; }
generic kvp $kvp KVP "$OK_ANSWER" hvsim kvp set 0 good-key good-value -- \
	hvsim kvp set 0 spoiled-key spoiled-value

generic vss $vss VSS "$OK_ANSWER" hvsim vss check -- hvsim vss freeze

mkdir -p /tmp/src /tmp/dst
head -c 7000 /dev/urandom >/tmp/src/f
generic fcopy $fc FCopy "$OK_ANSWER" hvsim fcopy /tmp/src/f /tmp/dst good -- \
	hvsim fcopy /tmp/src/f /tmp/dst spoiled
check "fcopy: the good file arrived whole" cmp /tmp/src/f /tmp/dst/good

# ---- the services' own faults --------------------------------------------
KVP_REFUSED="^0 .* state=answered status=0x80004005 "
spoil $kvp "kvp-bad-string 3" "^0 .* state=answered status=0x80070057 " \
	"KVP: host request \\(operation 1, pool 0, [0-9]+ bytes\\) refused" \
	"kvp-bad-string (key_size odd, unterminated, 514)" hvsim kvp set 0 spoiled-key spoiled-value
spoil $kvp kvp-bad-pool "$KVP_REFUSED" \
	"KVP: host request \\(operation 1, pool 5, [0-9]+ bytes\\) refused" \
	"kvp-bad-pool (pool 5)" hvsim kvp set 0 spoiled-key spoiled-value
spoil $kvp kvp-bad-op "$KVP_REFUSED" \
	"KVP: host request \\(operation 99, pool 0, [0-9]+ bytes\\) refused" \
	"kvp-bad-op (operation 99)" hvsim kvp set 0 spoiled-key spoiled-value
check_output "kvp: no spoiled key in any pool, the good one in pool 0" "^0 1\$" \
	sh -c "echo \$(cat $POOLS/.kvp_pool_* | tr '\\0' '\\n' | grep -c spoiled-key) \
		\$(tr '\\0' '\\n' <$POOLS/.kvp_pool_0 | grep -c good-key)"
check "kvp: no pool 5 file" test ! -e $POOLS/.kvp_pool_5
answered "kvp: a good request afterwards" "$OK_ANSWER" hvsim kvp set 0 good-key2 v
check "kvp: the daemon still runs" kill -0 $kvpd

spoil $vss vss-bad-op "^0 .* state=answered status=0x80004005 " \
	"VSS: host operation 99 \\([0-9]+ bytes\\) refused" "vss-bad-op (a FREEZE made operation 99)" \
	hvsim vss freeze
check "vss: nothing frozen (a write and sync go through)" \
	timeout 10 sh -c "echo x >/tmp/vss-probe && sync"
# not malformed for ours: the message is whole, the bytes after it are
# ignored as on every IC (the ring's 20 KiB are read whole); Linux reads
# VSS packets of at most 2 pages
spoil $vss vss-oversize "$OK_ANSWER" - "vss-oversize (a HOT_BACKUP of 12500 bytes): answered" \
	hvsim vss check
answered "vss: a good request afterwards" "$OK_ANSWER" hvsim vss check
check "vss: the daemon still runs" kill -0 $vssd

ls /tmp/dst >/tmp/dst.before
spoil $fc fcopy-bad-name "^1 .* state=answered status=0x8" \
	"FCopy: host operation 0 \\([0-9]+ bytes\\) refused" "fcopy-bad-name (START, no NUL)" \
	hvsim fcopy /tmp/src/f /tmp/dst spoiled
spoil $fc "fcopy-bad-size 2" "^1 .* state=answered status=0x8" \
	"FCopy: host operation 1 \\([0-9]+ bytes\\) refused" \
	"fcopy-bad-size (WRITE: size 6145, offset+size wraps)" hvsim fcopy /tmp/src/f /tmp/dst spoiled
check_output "fcopy: no file made" "^good\$" ls /tmp/dst
answered "fcopy: a good copy afterwards" "$OK_ANSWER" hvsim fcopy /tmp/src/f /tmp/dst good2
check "fcopy: ... arrived whole" cmp /tmp/src/f /tmp/dst/good2
check "fcopy: the daemon still runs" kill -0 $fcd

check_output "no IC request unanswered but the spoiled ones, no late answer" "^6\$" \
	sh -c "hvsim ic status | grep -c ' unsolicited=0 '"
kill $kvpd $vssd $fcd
wait
check "hv_utils unloads" hv_utils_unload
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
