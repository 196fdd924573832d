# SPDX-License-Identifier: GPL-2.0-only
# Our hv_utils removed while the host keeps its channels busy: heartbeats
# and time samples every 10 ms from the host, and at each removal a time
# SYNC (a clock step queued as work) and a hibernation request (a uevent
# queued as work) in flight. Each cycle must end with the module gone and
# the host's channels closed, and each reload must negotiate again; after
# the last, the channels still answer. The kernel log must stay clean
# (lockdep, KASAN and kmemleak on the debug kernel: the harness checks).
# modules: ptp?
# tools: hvsim
# binaries: kmod
# timeout: 420
. /lib/hv-test.sh

case " $HV_OUR_MODULES " in
*" hv_utils "*) ;;
*)
	skip "our hv_utils under load" "not built for this kernel"
	done_testing
	exit
	;;
esac

cycles=10
[ "$HV_TARGET" = debug ] && cycles=4

check "modprobe hv_hostsim" modprobe hv_hostsim
sd=$(hvsim offer shutdown)
ts=$(hvsim offer timesync)
hb=$(hvsim offer heartbeat)
check "modprobe hv_vmbus" modprobe hv_vmbus
all_ready() {
	for r in $sd $ts $hb; do
		hvsim ic status $r | grep -q ' state=ready ' || return 1
	done
}
all_closed() { [ "$(hvsim ic status | grep -c ' open=1 ')" = 0 ]; }

check "modprobe hv_utils" modprobe hv_utils
check "the three services negotiate" wait_for all_ready
check "the host sends heartbeats every 10 ms" hvsim heartbeat --auto 10
check "and time samples every 10 ms" hvsim time auto 10

good=0
for i in $(seq $cycles); do
	hvsim time sync --timeout 2000 >/dev/null 2>&1 &
	hvsim shutdown --hibernate --timeout 2000 >/dev/null 2>&1 &
	sleep 0.0$i
	rmmod hv_utils || { diag "cycle $i: rmmod failed"; break; }
	wait
	wait_for all_closed || { diag "cycle $i: channels still open: $(hvsim ic status)"; break; }
	modprobe hv_utils || { diag "cycle $i: modprobe failed"; break; }
	wait_for all_ready || { diag "cycle $i: no negotiation: $(hvsim ic status)"; break; }
	good=$((good + 1))
done
check_output "$cycles removals under load, each closing the channels, each reload negotiating" \
	"^$cycles\$" echo $good

check "host heartbeats off" hvsim heartbeat --auto off
check "host time samples off" hvsim time auto off
check_output "the host's periodic heartbeats were answered" \
	"^[1-9][0-9]*\$" sh -c "hvsim ic requests $hb | grep -c ' origin=host state=answered '"
check_output "a heartbeat is answered after it all" " state=answered status=0x00000000 " \
	hvsim heartbeat --timeout 10000
check_output "so is a time sample" " state=answered status=0x00000000 " \
	hvsim time sample --timeout 10000
check_output "the host refused no answer on any channel" "^0\$" \
	sh -c "hvsim ic status | grep -v -c ' bad_answers=0 bad_pkts=0 unsolicited=0 '"
check "rmmod hv_utils" rmmod hv_utils
check "rmmod hv_vmbus" rmmod hv_vmbus
check "rmmod hv_hostsim" rmmod hv_hostsim
done_testing
