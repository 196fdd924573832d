# SPDX-License-Identifier: GPL-2.0-only
# hvsim fault / channels / hvsock against the host, no guest.
# tools: hvsim
# binaries: kmod
# timeout: 120
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
check_output "a kvp device takes no faults" "faults act on echo devices only" hvsim fault $k drop 1
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
check "rmmod" rmmod hv_hostsim
done_testing
