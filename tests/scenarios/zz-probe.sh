# probe
. /lib/hv-test.sh
plan 1
echo "# flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(erms|fsrm|fzrm|fsrs|fsrc|avx|avx2|avx512f|la57|sse4_2|rdrand|constant_tsc|nonstop_tsc|tsc_known_freq|pcid|x2apic|hypervisor)$' | tr '\n' ' ')"
echo "# clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
t0=$(cut -d' ' -f1 /proc/uptime)
i=0; while [ $i -lt 300 ]; do /bin/busybox true; i=$((i+1)); done
t1=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/zero of=/dev/null bs=64k count=20000 2>/dev/null
t2=$(cut -d' ' -f1 /proc/uptime)
mkdir -p /tmp/t && i=0; while [ $i -lt 200 ]; do echo hello >/tmp/t/f$i; cat /tmp/t/f$i >/dev/null; i=$((i+1)); done
t3=$(cut -d' ' -f1 /proc/uptime)
echo "# fork+exec x300: $(echo "$t1 - $t0" | bc) s; dd 1.3 GB: $(echo "$t2 - $t1" | bc) s; files: $(echo "$t3 - $t2" | bc) s"
ok "probe"
