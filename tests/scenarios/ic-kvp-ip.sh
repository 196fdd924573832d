# SPDX-License-Identifier: GPL-2.0-only
# KVP's IP operations end to end (docs/design/hv_utils.md §6.5 item 7): the
# simulated host's GET_IP_INFO and SET_IP_INFO (hvsim kvp ipinfo), through
# a kernel side (the distro's hv_utils, ours) and a daemon, on a veth link
# standing in for the synthetic NIC until netvsc lands (its device_id, which
# names the adapter for SET_IP_INFO, comes from a sysfs tree of the test's
# own: hv_kvp_daemon --sysfs-root). Asserted on the guest's state:
# - GET by MAC on a link with 192.0.2.10/24 and 2001:db8::10/64 and default
#   routes through it: the addresses, one mask each in address order
#   ("255.255.255.0;/64"), the gateways, the DNS servers the
#   hv_get_dns_info script prints, DHCP "disabled" as hv_get_dhcp_info
#   says, both families; --family 4: IPv4 only; an unknown MAC: E_FAIL,
#   and the daemon still serves;
# - SET of two IPv4 and one IPv6 addresses, two gateways and two DNS
#   servers: `ip` shows exactly those addresses on the link (the old ones
#   gone) and the default routes through the host's gateways; the
#   persistence hook gets the ifcfg file (upstream's format, line by line)
#   and the NetworkManager keyfile; SET --dhcp: BOOTPROTO=dhcp, method=auto;
#   an unknown adapter: 0x80041002 (HV_GUID_NOTFOUND); a malformed address:
#   0x80070057 (HV_INVALIDARG) and the link unchanged;
# - Debian's daemon (GET only: Debian ships no hv_set_ifconfig, so its SET
#   always fails) answers GET the same through our hv_utils;
# - the host counted no bad answer.
# binaries: kmod ip
# modules: hv_utils? veth?
# tools: hvsim hv_kvp_daemon
# distro-daemons: yes
# timeout: 400
. /lib/hv-test.sh

POOLS=/var/lib/hyperv
SCRIPTS=/tmp/kvp-scripts
SYSROOT=/tmp/kvp-sysfs
HOOK=/tmp/kvp-hook
IF=eth9
MAC=00:15:5D:0A:0B:0C
GUID="{5e1f0c2a-7d3b-4c1e-9a2f-00155d0a0b0c}"
GUID_UPPER="5E1F0C2A-7D3B-4C1E-9A2F-00155D0A0B0C"

# The value of key $2 in a "hvsim kvp ipinfo get" line.
field() { sed -n "s/.* $2=\"\\([^\"]*\\)\".*/\\1/p" <<<"$1"; }
num() { sed -n "s/.* $2=\\([0-9]*\\).*/\\1/p" <<<"$1"; }
status_of() { sed -n 's/.* status=\(0x[0-9a-f]*\) .*/\1/p' <<<"$1"; }

# The link and what GET must report of it.
setup_link() {
	ip link del $IF 2>/dev/null
	ip link add $IF type veth peer name vpeer9 || return 1
	ip link set $IF address $MAC || return 1
	# no link-local IPv6 address: the answer then holds only ours
	ip link set $IF addrgenmode none || return 1
	ip link set vpeer9 up && ip link set $IF up || return 1
	ip addr add 192.0.2.10/24 dev $IF &&
	ip addr add 2001:db8::10/64 dev $IF nodad &&
	ip route add default via 192.0.2.1 dev $IF &&
	ip -6 route add default via 2001:db8::1 dev $IF
}

# Scripts of the test's own: DNS and DHCP state to report, and a
# persistence hook that keeps what it was given.
setup_scripts() {
	local dir=$1
	mkdir -p "$dir" $HOOK
	printf '#!/bin/sh\necho 192.0.2.53\necho 2001:db8::53\n' >"$dir/hv_get_dns_info"
	printf '#!/bin/sh\n[ "$1" = %s ] && echo Disabled || echo Enabled\n' $IF >"$dir/hv_get_dhcp_info"
	printf '#!/bin/sh\nrm -f %s/*\necho "$#" >%s/argc\ncp "$1" %s/ifcfg && cp "$2" %s/nmconnection\n' \
		$HOOK $HOOK $HOOK $HOOK >"$dir/hv_set_ifconfig"
	chmod 755 "$dir"/*
}

start_daemon() {
	rm -rf $POOLS
	mkdir -p $POOLS
	case $1 in
	ours)
		hv_kvp_daemon -n --pool-dir $POOLS --scripts-dir $SCRIPTS \
			--sysfs-root $SYSROOT >/tmp/kvpd.log 2>&1 & ;;
	debian)
		# it reads its scripts from /usr/libexec/hypervkvpd
		"$(debian_daemon kvp)" -n >/tmp/kvpd.log 2>&1 & ;;
	esac
	daemon_pid=$!
}

# What `ip` shows of the link: sorted "ADDR/PLEN" of the global addresses.
link_addrs() {
	ip -o addr show dev $IF scope global | awk '{ print $4 }' | sort | tr '\n' ' '
}

# Upstream's daemon (Debian's) ends its lists with ';' and answers every
# family whatever the host asked: compare without the trailing ';'.
list() { field "$1" "$2" | sed 's/;$//'; }

run_get() {
	local t=$1 dv=$2 out
	check "[$t] the link is set up" setup_link
	out=$(hvsim kvp ipinfo get $MAC)
	check_output "[$t] GET_IP_INFO by MAC: S_OK" "status=0x00000000 \(S_OK\)" echo "$out"
	ok $([ "$(list "$out" addr)" = "192.0.2.10;2001:db8::10" ]; echo $?) \
		"[$t] ... the addresses, IPv4 first ($(field "$out" addr))"
	ok $([ "$(list "$out" mask)" = "255.255.255.0;/64" ]; echo $?) \
		"[$t] ... a mask per address, in their order ($(field "$out" mask))"
	ok $([ "$(list "$out" gw)" = "192.0.2.1;2001:db8::1" ]; echo $?) \
		"[$t] ... the default gateways through the link ($(field "$out" gw))"
	ok $([ "$(list "$out" dns)" = "192.0.2.53;2001:db8::53" ]; echo $?) \
		"[$t] ... the DNS servers hv_get_dns_info prints ($(field "$out" dns))"
	ok $([ "$(num "$out" answer_dhcp)" = 0 ]; echo $?) \
		"[$t] ... DHCP disabled, as hv_get_dhcp_info says ($(num "$out" answer_dhcp))"
	ok $([ "$(num "$out" answer_family)" = 3 ]; echo $?) \
		"[$t] ... both families (3: $(num "$out" answer_family))"
	if [ $dv = ours ]; then
		ok $([ "$(field "$out" addr)" = "192.0.2.10;2001:db8::10" ] &&
		     [ "$(field "$out" dns)" = "192.0.2.53;2001:db8::53" ]; echo $?) \
			"[$t] ... lists without a trailing ';'"
		out=$(hvsim kvp ipinfo get $MAC --family 4)
		ok $([ "$(status_of "$out")" = 0x00000000 ] && [ "$(field "$out" addr)" = 192.0.2.10 ] &&
		     [ "$(field "$out" mask)" = 255.255.255.0 ] && [ "$(field "$out" gw)" = 192.0.2.1 ] &&
		     [ "$(num "$out" answer_family)" = 1 ]
		     echo $?) "[$t] GET --family 4: IPv4 only ($(field "$out" addr) $(field "$out" gw))"
	else
		skip "[$t] GET --family 4: IPv4 only" "upstream's daemon answers every family"
	fi
	out=$(hvsim kvp ipinfo get 00:15:5D:FF:FF:FF)
	check_output "[$t] GET of an unknown MAC: 0x80004005 (E_FAIL)" \
		"status=0x80004005" echo "$out"
	out=$(hvsim kvp ipinfo get $MAC)
	check_output "[$t] ... and the next GET is served" "status=0x00000000" echo "$out"
}

run_set() {
	local t=$1 out before
	check "[$t] the link is set up" setup_link
	out=$(hvsim kvp ipinfo set "$GUID" --addr 198.51.100.7/24,198.51.100.8/25,2001:db8:5::7/64 \
		--gw 198.51.100.1,2001:db8:5::1 --dns 198.51.100.53,198.51.100.54)
	check_output "[$t] SET_IP_INFO static: S_OK" "status=0x00000000 \(S_OK\)" echo "$out"
	ok $([ "$(link_addrs)" = "198.51.100.7/24 198.51.100.8/25 2001:db8:5::7/64 " ]; echo $?) \
		"[$t] ... ip addr: exactly the host's addresses ($(link_addrs))"
	check_output "[$t] ... the IPv4 default route through the host's gateway" \
		"^default via 198\.51\.100\.1 dev $IF" ip route show default
	check_output "[$t] ... the IPv6 default route through the host's gateway" \
		"^default via 2001:db8:5::1 dev $IF" ip -6 route show default
	ok $([ "$(cat $HOOK/argc 2>/dev/null)" = 2 ]; echo $?) \
		"[$t] ... the hook ran with the ifcfg file and the keyfile"
	diag "ifcfg: $(tr '\n' ' ' <$HOOK/ifcfg)"
	diag "keyfile: $(tr '\n' ' ' <$HOOK/nmconnection)"
	check "[$t] ... the hook's ifcfg is the one kept in $POOLS" cmp $HOOK/ifcfg $POOLS/ifcfg-$IF
	for line in "HWADDR=$MAC" "DEVICE=$IF" BOOTPROTO=none IPADDR0=198.51.100.7 \
		IPADDR1=198.51.100.8 NETMASK0=255.255.255.0 NETMASK1=255.255.255.128 \
		GATEWAY=198.51.100.1 DNS1=198.51.100.53 DNS2=198.51.100.54 \
		IPV6ADDR=2001:0db8:0005:0000:0000:0000:0000:0007 IPV6NETMASK=64 \
		IPV6_DEFAULTGW=2001:0db8:0005:0000:0000:0000:0000:0001; do
		check "[$t] ... ifcfg: $line" grep -q -x -F "$line" $HOOK/ifcfg
	done
	# one section per family, each with its own addresses
	ok $([ "$(sed -n '/^\[ipv4\]$/,/^$/{/^$/!p}' $HOOK/nmconnection | tr '\n' ' ')" = \
	       "[ipv4] method=manual address1=198.51.100.7/24 address2=198.51.100.8/25 gateway=198.51.100.1 dns=198.51.100.53;198.51.100.54; " ]
	     echo $?) "[$t] ... keyfile: [ipv4] with the IPv4 addresses, gateway and DNS servers"
	ok $([ "$(sed -n '/^\[ipv6\]$/,/^$/{/^$/!p}' $HOOK/nmconnection | tr '\n' ' ')" = \
	       "[ipv6] method=manual address1=2001:db8:5::7/64 gateway=2001:db8:5::1 " ]
	     echo $?) "[$t] ... keyfile: [ipv6] with the IPv6 address and gateway"
	check "[$t] ... keyfile: the link by name and MAC" sh -c \
		"grep -q -x -F 'interface-name=$IF' $HOOK/nmconnection &&
		 grep -q -x -F 'mac-address=$MAC' $HOOK/nmconnection"

	out=$(hvsim kvp ipinfo set "$GUID" --dhcp)
	check_output "[$t] SET_IP_INFO --dhcp: S_OK" "status=0x00000000" echo "$out"
	check "[$t] ... ifcfg: BOOTPROTO=dhcp" grep -q -x -F BOOTPROTO=dhcp $HOOK/ifcfg
	check "[$t] ... keyfile: method=auto" grep -q -x -F method=auto $HOOK/nmconnection

	out=$(hvsim kvp ipinfo set "{00000000-1111-2222-3333-444444444444}" --addr 203.0.113.5/24)
	check_output "[$t] SET on an unknown adapter: 0x80041002 (HV_GUID_NOTFOUND)" \
		"status=0x80041002" echo "$out"
	before=$(link_addrs)
	out=$(hvsim kvp ipinfo set "$GUID_UPPER" --addr 203.0.113.5/24,203.0.113.999/24)
	check_output "[$t] SET with a malformed address: 0x80070057 (HV_INVALIDARG)" \
		"status=0x80070057" echo "$out"
	ok $([ "$(link_addrs)" = "$before" ]; echo $?) "[$t] ... the link unchanged ($(link_addrs))"
	out=$(hvsim kvp ipinfo set "$GUID_UPPER" --addr 203.0.113.5/24 --gw 203.0.113.1)
	check_output "[$t] SET naming the adapter without braces, upper case: S_OK" \
		"status=0x00000000" echo "$out"
	ok $([ "$(link_addrs)" = "2001:db8:5::7/64 203.0.113.5/24 " ]; echo $?) \
		"[$t] ... its IPv4 address replaces the old ones, IPv6 left as it was ($(link_addrs))"
}

run_ip() {
	local kv=$1 dv=$2 t="$1/$2"
	diag "KVP IP operations with the $kv hv_utils and the $dv daemon"
	check "[$t] the $kv hv_utils loads" hv_utils_load $kv
	check "[$t] /dev/vmbus/hv_kvp appears" wait_for test -c /dev/vmbus/hv_kvp
	start_daemon $dv
	check "[$t] the host's negotiation is answered: KVP 4.0" \
		wait_for sh -c "hvsim ic status kvp | grep -q 'state=ready fw=3.0 msg=4.0'"
	run_get "$t" $dv
	if [ $dv = ours ]; then
		run_set "$t"
	else
		skip "[$t] SET_IP_INFO" "Debian ships no hv_set_ifconfig: its SET always fails"
	fi
	check_output "[$t] the host counted no bad answer, no timeout" \
		"timeouts=0 bad_answers=0 bad_pkts=0" hvsim ic status kvp
	check "[$t] the daemon still runs" kill -0 $daemon_pid
	kill -TERM $daemon_pid
	wait $daemon_pid
	check "[$t] no sanitizer or crash in the daemon's log" \
		sh -c "! grep -E -i 'sanitizer|segmentation' /tmp/kvpd.log"
	check "[$t] the $kv hv_utils unloads" hv_utils_unload
}

mkdir -p $SYSROOT/class/net/$IF/device /usr/libexec/hypervkvpd
echo "$GUID" >$SYSROOT/class/net/$IF/device/device_id
setup_scripts $SCRIPTS
setup_scripts /usr/libexec/hypervkvpd
modprobe veth 2>/dev/null
modprobe hv_hostsim
kvp=$(hvsim offer kvp)
check "the host offers a KVP device (relid $kvp)" test -n "$kvp"
check "our hv_vmbus loads" modprobe hv_vmbus
for_each_variant kvp "KVP IP operations" run_ip
ip link del $IF 2>/dev/null
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
