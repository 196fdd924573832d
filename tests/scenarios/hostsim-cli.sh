# SPDX-License-Identifier: GPL-2.0-only
# hvsim fault / channels / hvsock / ic / shutdown / heartbeat / time
# against the host, no guest: output formats, refusals (exit 1 with the
# host's reason) and bad usage (exit 2).
# tools: hvsim
# binaries: kmod
# timeout: 300
. /lib/hv-test.sh
rc() { "$@" >/dev/null 2>&1; echo $?; }
check "modprobe hv_hostsim" modprobe hv_hostsim
e=$(hvsim offer echo); k=$(hvsim offer kvp)
check_output "no channel has state yet" "^$" hvsim channels
check_output "hvsim channels RELID without state exits 1" "^1$" rc hvsim channels $e
check "hvsim fault drop" hvsim fault $e drop 2
check "hvsim fault delay" hvsim fault $e delay 10
check_output "channels shows the faults" "^relid=$e class=echo open=0 broken=0 gpadl=0x0 gpadls=0 send_ring=0 recv_ring=0 target_vp=0 monitor=none conn_id=0 opens=0 pkts_in=0 bytes_in=0 pkts_out=0 bytes_out=0 sig_in=0 sig_monitor=0 sig_out=0 sig_suppressed=0 host_ring_full=0 pending_wakeups=0 bad_pkts=0 dropped=0 corrupted=0 delayed=0 faults=delay:10,drop:2 modifies=0 modifies_refused=0 events=0 events_off_target=0 irq_coalesced=0 events_cpu0=0( events_cpu[0-9]+=0)* g2h_pos=0 h2g_pos=0 g2h_mask=0 h2g_mask=0 g2h_pending=0 h2g_pending=0\$" hvsim channels $e
check_output "an unknown fault is refused with the reason" "unknown fault 'x'" hvsim fault $e x 1
check_output "... exit 1" "^1$" rc hvsim fault $e x 1
check_output "a kvp device takes no echo faults" "unknown IC fault 'drop'" hvsim fault $k drop 1
check_output "no such relid" "no such relid 99" hvsim fault 99 drop 1
check_output "too long a delay" "want 0 to 60000" hvsim fault $e delay 70000
check_output "bad usage exits 2" "^2$" rc hvsim fault $e
check_output "clear with a number is bad usage" "^2$" rc hvsim fault $e clear 1
check_output "the control file refuses it too" "usage: fault" sh -c "echo 'fault $e clear 1' >/sys/kernel/debug/hv_hostsim/control; cat /sys/kernel/debug/hv_hostsim/last_error"
check "hvsim fault clear" hvsim fault $e clear
check_output "no state left" "^1$" rc hvsim channels $e
mon=$(hvsim offer --monitored echo); un=$(hvsim offer echo --unmonitored)
hvsim fault $mon delay 1; hvsim fault $un delay 1
check_output "offer --monitored: channels shows its monitor id" "^relid=$mon class=echo .* monitor=[0-9]+ conn_id=0 " hvsim channels $mon
check_output "offer CLASS --unmonitored: monitor=none" "^relid=$un class=echo .* monitor=none conn_id=0 " hvsim channels $un
check_output "two options are bad usage" "^2$" rc hvsim offer --monitored --unmonitored echo
check_output "the control file takes a bad last word for a GUID" "bad instance GUID 'sometimes'" sh -c "echo 'offer echo sometimes' >/sys/kernel/debug/hv_hostsim/control; cat /sys/kernel/debug/hv_hostsim/last_error"
check_output "... or, after a GUID, refuses it" "usage: offer CLASS \\[INSTANCE-GUID\\] \\[monitored\\|unmonitored\\]" sh -c "echo 'offer echo 6171c0d7-35c2-47c1-b5e3-f54d0de30fd9 sometimes' >/sys/kernel/debug/hv_hostsim/control; cat /sys/kernel/debug/hv_hostsim/last_error"
check_output "status has the monitor keys, no guest: no pages, no polling" "^monitor_pages 0 monitor_polling 0 monitor_signals_invalid 0\$" sh -c "echo \$(hvsim status | grep -E '^monitor_(pages|polling|signals_invalid) ')"
check_output "status has the MODIFYCHANNEL and target VP counters" "^modifies_received 0 modifies_refused 0 bad_target_vps 0\$" sh -c "echo \$(hvsim status | grep -E '^(modifies_(received|refused)|bad_target_vps) ')"
check "hvsim --help documents the interrupt counters" sh -c "hvsim --help | grep -q 'events_cpuN'"
check_output "status has the GPADL counters" "^gpadls_mapped 0 gpadls_created 0 gpadls_torndown 0 gpadls_refused 0\$" sh -c "echo \$(hvsim status | grep -E '^gpadls_(mapped|created|torndown|refused) ')"
hvsim status | sed 's/^/# /'
check "hvsim --help documents fault" sh -c "hvsim --help | grep -q 'fault RELID rescind-after N'"
check_output "hvsim hvsock services lists the echo service" \
	"^echo 7 00000007-facb-11e6-bd58-64006a7986d3\$" hvsim hvsock services
check_output "hvsim hvsock list is empty without connections" "^\$" hvsim hvsock list
check_output "hvsim hvsock connect without a guest is refused, saying why" \
	"no guest with VMBus 4.0 or newer" hvsim hvsock connect 5000 hi
check_output "... exit 1" "^1$" rc hvsim hvsock connect 5000
check_output "hvsim hvsock without a subcommand is bad usage" "^2$" rc hvsim hvsock
check_output "data longer than 96 bytes is refused" "at most 96 bytes" \
	hvsim hvsock connect 5000 "$(printf '%097d' 0)"
check "hvsim --help documents hvsock connect" \
	sh -c "hvsim --help | grep -q 'hvsock connect \[-t SECONDS\] PORT \[DATA\]'"
# integration services, no guest
check_output "an IC device gets Hyper-V's instance GUID" "^$k kvp a9a0f4e7-5a45-4d96-b827-8a841e8c03e6 242ff919-07db-4180-9c2e-b86cb68c8c55 0 " \
	sh -c "hvsim list | grep '^$k '"
k2=$(hvsim offer kvp)
check_output "... a second one a random one" "^$k2 kvp a9a0f4e7-5a45-4d96-b827-8a841e8c03e6 [0-9a-f-]{36} 0 " \
	sh -c "hvsim list | grep '^$k2 ' | grep -v 242ff919"
check "hvsim rescind the second" hvsim rescind $k2
check_output "heartbeat and vss get fixed instances of ours" \
	"^1430c972-1ab9-43cf-89e8-2f18682caa63 670fc2a8-142a-4e55-854b-e8563c6b2280\$" \
	sh -c 'h=$(hvsim offer heartbeat); s=$(hvsim offer vss); echo $(hvsim list | awk -v h=$h -v s=$s "\$1 == h || \$1 == s { print \$4 }"); hvsim rescind $h; hvsim rescind $s'
check_output "ic status lists the kvp device, closed" \
	"^relid=$k class=kvp open=0 state=closed fw=- msg=- offered_fw=- offered_msg=- sessions=0 requests=0 answers=0 timeouts=0 bad_answers=0 bad_pkts=0 unsolicited=0 aborted=0 no_version=0 outstanding=0 last_bad=- fault=none faults_sent=0\$" \
	hvsim ic status $k
check_output "ic status CLASS" "^relid=$k class=kvp " hvsim ic status kvp
check_output "ic status of a class without devices exits 1" "^1$" rc hvsim ic status shutdown
check_output "ic versions shows the defaults (§6.4)" \
	"^class=shutdown fw=1\.0,3\.0 msg=1\.0,3\.0,3\.1,3\.2 auto_ms=0\$" hvsim ic versions shutdown
check "ic versions sets a list" hvsim ic versions timesync --fw 3.0 --msg 4.0,3.0
check_output "... shown in offer order" "^class=timesync fw=3\.0 msg=4\.0,3\.0 auto_ms=0\$" \
	hvsim ic versions timesync
check "ic versions --default" hvsim ic versions timesync --default
check_output "... restores it" "^class=timesync fw=1\.0,3\.0 msg=1\.0,3\.0,4\.0 auto_ms=0\$" \
	hvsim ic versions timesync
check_output "ic versions of no IC class: refused with the reason" "'echo' is no IC class" \
	hvsim ic versions echo --fw 1.0 --msg 1.0
check_output "a malformed version list: refused with the reason" "bad version list 'fw=1\.0\.0'" \
	hvsim ic versions shutdown --fw 1.0.0 --msg 1.0
check_output "nine versions: refused" "^1$" rc hvsim ic versions shutdown --fw 1.0 \
	--msg 1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8
check_output "shutdown without a guest: refused, saying why" \
	"no open shutdown channel with agreed versions" hvsim shutdown --timeout 1000
check_output "... exit 1" "^1$" rc hvsim shutdown --timeout 1000
check_output "heartbeat on a relid that is no heartbeat channel: refused" \
	"relid $k is no open heartbeat channel" hvsim heartbeat --relid $k --timeout 1000
check_output "heartbeat --auto below 10 ms: refused" "bad period '5'" hvsim heartbeat --auto 5
check "heartbeat --auto 100" hvsim heartbeat --auto 100
check_output "... shown in ic versions" "^class=heartbeat .* auto_ms=100\$" hvsim ic versions heartbeat
check "heartbeat --auto off" hvsim heartbeat --auto off
check_output "time refclock --skew +1s" "^refclock=[0-9]+ skew_100ns=10000000 host_time=[0-9]+\$" \
	hvsim time refclock --skew +1s
check_output "time refclock --skew -250ms" "^refclock=[0-9]+ skew_100ns=-2500000 " \
	hvsim time refclock --skew -250ms
check "time refclock --skew 0" hvsim time refclock --skew 0
check_output "the host's clock is CLOCK_REALTIME in 100 ns since 1601" "^ok\$" sh -c \
	'h=$(hvsim time refclock | sed "s/.*host_time=//"); n=$(date +%s); awk -v h=$h -v n=$n "BEGIN { d = (h - 116444736000000000) / 1e7 - n; if (d < 0) d = -d; print (d < 5 ? \"ok\" : d) }"'
check_output "the control file names a bad ic parameter" "bad parameter 'bogus' for ic shutdown" \
	sh -c "echo 'ic shutdown bogus=1' >/sys/kernel/debug/hv_hostsim/control; cat /sys/kernel/debug/hv_hostsim/last_error"
check_output "... and a bad value" "bad value '41' for len" \
	sh -c "echo 'ic heartbeat len=41' >/sys/kernel/debug/hv_hostsim/control; cat /sys/kernel/debug/hv_hostsim/last_error"
for bad in "ic" "ic bogus" "ic versions" "ic versions shutdown --fw 1.0" \
	"ic status 1 2" "shutdown --bogus" "shutdown --reboot --hibernate" \
	"shutdown --flags 1 --force" "shutdown --len 0" "shutdown --len 2061" \
	"heartbeat --count 0" "heartbeat --len 41" "heartbeat --auto" "heartbeat --seq x" \
	"time" "time warp" "time sync --offset 5x" "time sync --offset" \
	"time refclock --skew" "time auto" "shutdown --timeout 0"; do
	check_output "hvsim $bad: bad usage, exit 2" "^2$" rc hvsim $bad
done
check "hvsim --help documents the integration services" \
	sh -c "hvsim --help | grep -q 'time refclock \[--skew D\]'"
check "rmmod" rmmod hv_hostsim
done_testing
