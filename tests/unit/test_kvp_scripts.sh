#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The KVP scripts of tools/hv/scripts (installed in /usr/libexec/hypervkvpd),
# run under dash (POSIX sh) against fake /etc trees:
#   hv_get_dns_info   resolv.conf's nameservers (HV_RESOLV_CONF)
#   hv_get_dhcp_info  ifupdown's "iface IF inet dhcp|static" (HV_ETC)
#   hv_set_ifconfig   the files it writes for NetworkManager, networkd and
#                     ifupdown (HV_ROOT, HV_NET_CONFIG), from an ifcfg file
#                     and a keyfile as hv_kvp_daemon writes them
# Prints TAP. Run by tests/unit/Makefile as: OUT=<dir> TOP=<repo> bash $0

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$TOP/tools/hv/scripts
SH=$(command -v dash || echo sh)

. "$TOP/tests/lib/tap.sh"

check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# same EXPECTED_TEXT FILE: FILE's content is EXPECTED_TEXT; diff as diag.
same() {
	printf '%s\n' "$1" >"$tmp/expected"
	diff -u "$tmp/expected" "$2" | sed 's/^/# /' >"$tmp/diff"
	[ ! -s "$tmp/diff" ] || { cat "$tmp/diff"; return 1; }
}

# ---- hv_get_dns_info ----------------------------------------------------

printf '# comment\nnameserver 192.0.2.53\nsearch example.com\nnameserver 2001:db8::53\nnameserver\n' \
	>"$tmp/resolv.conf"
HV_RESOLV_CONF=$tmp/resolv.conf $SH "$S/hv_get_dns_info" >"$tmp/out"
check "hv_get_dns_info: resolv.conf's nameservers, one per line" \
	same "$(printf '192.0.2.53\n2001:db8::53')" "$tmp/out"
HV_RESOLV_CONF=$tmp/none $SH "$S/hv_get_dns_info" >"$tmp/out"
check "hv_get_dns_info: no resolv.conf, no output, status 0" \
	test $? = 0 -a ! -s "$tmp/out"

# ---- hv_get_dhcp_info ---------------------------------------------------

mkdir -p "$tmp/etc/network/interfaces.d"
printf 'auto lo\niface lo inet loopback\niface eth0 inet dhcp\n' \
	>"$tmp/etc/network/interfaces"
printf 'iface eth1 inet static\n    address 192.0.2.5/24\niface eth1 inet6 auto\n' \
	>"$tmp/etc/network/interfaces.d/eth1"
check "hv_get_dhcp_info: ifupdown dhcp interface is Enabled" \
	test "$(HV_ETC=$tmp/etc $SH "$S/hv_get_dhcp_info" eth0)" = Enabled
check "hv_get_dhcp_info: ifupdown static interface (interfaces.d) is Disabled" \
	test "$(HV_ETC=$tmp/etc $SH "$S/hv_get_dhcp_info" eth1)" = Disabled
HV_ETC=$tmp/etc $SH "$S/hv_get_dhcp_info" >/dev/null 2>&1
check "hv_get_dhcp_info: no interface name is a usage error" test $? = 2

# ---- hv_set_ifconfig ----------------------------------------------------

cat >"$tmp/ifcfg-eth0" <<'EOF'
HWADDR=00:15:5D:AA:BB:02
DEVICE=eth0
BOOTPROTO=none
IPADDR0=203.0.113.20
IPV6ADDR=2001:0db8:0002:0000:0000:0000:0000:0020
NETMASK0=255.255.255.0
IPV6NETMASK=64
GATEWAY=203.0.113.1
IPV6_DEFAULTGW=2001:0db8:0002:0000:0000:0000:0000:0001
DNS1=192.0.2.53
EOF
cat >"$tmp/eth0.nmconnection" <<'EOF'
[connection]
interface-name=eth0

[ethernet]
mac-address=00:15:5D:AA:BB:02

[ipv4]
method=manual
address1=203.0.113.20/24
address2=2001:db8:2::20/64
gateway=203.0.113.1;2001:db8:2::1
dns=192.0.2.53
EOF

run_hook() {	# run_hook MANAGER ROOT
	mkdir -p "$2/etc/network"
	: >"$2/etc/network/interfaces"
	HV_ROOT=$2 HV_NET_CONFIG=$1 $SH "$S/hv_set_ifconfig" \
		"$tmp/ifcfg-eth0" "$tmp/eth0.nmconnection" 2>"$tmp/hook.err"
}

run_hook networkmanager "$tmp/nm"
check "hv_set_ifconfig (NetworkManager): status 0" test $? = 0
f=$tmp/nm/etc/NetworkManager/system-connections/hyperv-eth0.nmconnection
check "NetworkManager: a keyfile with IPv4 and IPv6 in their sections" same "[connection]
id=hyperv-eth0
type=ethernet
interface-name=eth0
autoconnect=true

[ethernet]
mac-address=00:15:5D:AA:BB:02

[ipv4]
method=manual
address1=203.0.113.20/24
gateway=203.0.113.1
dns=192.0.2.53;

[ipv6]
method=manual
address1=2001:db8:2::20/64
gateway=2001:db8:2::1
" "$f"
check "NetworkManager: the keyfile is 0600" test "$(stat -c %a "$f")" = 600

run_hook networkd "$tmp/nd"
check "hv_set_ifconfig (systemd-networkd): status 0" test $? = 0
check "networkd: a .network file" same "[Match]
Name=eth0
MACAddress=00:15:5D:AA:BB:02

[Network]
DHCP=no
Address=203.0.113.20/24
Address=2001:db8:2::20/64
Gateway=203.0.113.1
Gateway=2001:db8:2::1
DNS=192.0.2.53" "$tmp/nd/etc/systemd/network/10-hyperv-eth0.network"

run_hook ifupdown "$tmp/iu"
check "hv_set_ifconfig (ifupdown): status 0" test $? = 0
check "ifupdown: an interfaces.d stanza per family" same "# Hyper-V static IP injection (hv_set_ifconfig)
auto eth0
iface eth0 inet static
    address 203.0.113.20/24
    gateway 203.0.113.1
    dns-nameservers 192.0.2.53
iface eth0 inet6 static
    address 2001:db8:2::20/64
    gateway 2001:db8:2::1" "$tmp/iu/etc/network/interfaces.d/hyperv-eth0"
check "ifupdown: warns when interfaces does not source interfaces.d" \
	grep -q 'does not source interfaces.d' "$tmp/hook.err"

sed -i 's/^BOOTPROTO=none/BOOTPROTO=dhcp/' "$tmp/ifcfg-eth0"
printf '[connection]\ninterface-name=eth0\n\n[ipv4]\nmethod=auto\ngateway=\ndns=\n' \
	>"$tmp/eth0.nmconnection"
run_hook ifupdown "$tmp/iu2"
check "ifupdown, DHCP: iface eth0 inet dhcp" same "# Hyper-V static IP injection (hv_set_ifconfig)
auto eth0
iface eth0 inet dhcp" "$tmp/iu2/etc/network/interfaces.d/hyperv-eth0"
run_hook networkd "$tmp/nd2"
check "networkd, DHCP: DHCP=ipv4 and nothing else" \
	grep -qx 'DHCP=ipv4' "$tmp/nd2/etc/systemd/network/10-hyperv-eth0.network"

HV_ROOT=$tmp/x HV_NET_CONFIG=networkd $SH "$S/hv_set_ifconfig" "$tmp/missing" 2>/dev/null
check "hv_set_ifconfig: a missing ifcfg file fails" test $? != 0
printf 'DEVICE=../../etc\n' >"$tmp/ifcfg-bad"
HV_ROOT=$tmp/x HV_NET_CONFIG=networkd $SH "$S/hv_set_ifconfig" "$tmp/ifcfg-bad" 2>/dev/null
check "hv_set_ifconfig: a DEVICE with a slash is refused" \
	test $? != 0 -a ! -e "$tmp/x/etc/systemd"
HV_ROOT=$tmp/y HV_NET_CONFIG=bogus $SH "$S/hv_set_ifconfig" "$tmp/ifcfg-eth0" 2>/dev/null
check "hv_set_ifconfig: an unknown HV_NET_CONFIG fails" test $? != 0

# ---- installation and man page -------------------------------------------

if make -s -C "$TOP/tools/hv" OUTPUT="$tmp/build" DESTDIR="$tmp/inst" PREFIX=/usr \
	install >"$tmp/install.log" 2>&1; then
	for f in usr/sbin/hv_kvp_daemon usr/share/man/man8/hv_kvp_daemon.8 \
		usr/libexec/hypervkvpd/hv_get_dns_info \
		usr/libexec/hypervkvpd/hv_get_dhcp_info \
		usr/libexec/hypervkvpd/hv_set_ifconfig; do
		[ -e "$tmp/inst/$f" ] || echo "# missing $f"
	done >"$tmp/missing"
	check "make install: hv_kvp_daemon, its man page, the scripts in /usr/libexec/hypervkvpd (executable)" \
		test ! -s "$tmp/missing" -a -x "$tmp/inst/usr/libexec/hypervkvpd/hv_set_ifconfig"
	cat "$tmp/missing"
else
	not_ok "make install: hv_kvp_daemon, its man page, the scripts in /usr/libexec/hypervkvpd (executable)"
	sed 's/^/# /' "$tmp/install.log" | tail -5
fi
if command -v groff >/dev/null; then
	groff -t -man -ww -z "$TOP/tools/hv/hv_kvp_daemon.8" >"$tmp/groff.log" 2>&1
	check "hv_kvp_daemon.8 formats without groff warnings" test ! -s "$tmp/groff.log"
	sed 's/^/# /' "$tmp/groff.log"
fi

echo "1..$n"
[ "$failed" = 0 ]
