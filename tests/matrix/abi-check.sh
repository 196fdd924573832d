#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# DESIGN.md Rule 1, checked with no VM: our hv_vmbus must export every symbol
# the distro's hv_vmbus exports, with the same modversions CRC, export type
# and namespace, so the distro's VMBus clients we do not ship (hv_sock,
# hid_hyperv, pci-hyperv ...) load on top of it. Compares the distro's
# Module.symvers (from its headers package) with the one kbuild wrote for our
# tree. Prints TAP, one line per export of the distro's hv_vmbus.
#
# usage: tests/matrix/abi-check.sh [--no-build] [SUITE...]
#          For each build root (default: the whole matrix) build our tree with
#          tests/matrix/build-modules.sh (unless --no-build), then compare
#          roots/SUITE/usr/src/linux-headers-KVER/Module.symvers with
#          roots/SUITE/build/$HV_STAGE/Module.symvers. A kernel whose VMBus
#          is built into vmlinux gets one "# SKIP" line (no module replaces it).
#        tests/matrix/abi-check.sh --distro FILE --ours FILE [--label NAME]
#          Compare two Module.symvers files directly (no build root needed).
#
# The distro's exports are those of module drivers/hv/hv_vmbus; ours are those
# of any module named hv_vmbus. vmbus_connection and vmbus_devs are exempt
# (internal structures used only by uio_hv_generic): reported as "# SKIP".
# Our exports the distro's hv_vmbus lacks are "# " diagnostics, unless the
# distro's vmlinux exports the same name: the kernel refuses to load a module
# exporting a symbol vmlinux already exports, so that is a failure.
# Without CONFIG_MODVERSIONS (every CRC in the distro's file is 0) only
# names, export types and namespaces are compared.
#
# Exit status: 0 all ok (or skipped), 1 some "not ok", 2 usage error or a
# missing/malformed Module.symvers.
set -u
. "$(dirname "$0")/../lib/common.sh"

EXEMPT="vmbus_connection vmbus_devs"
DISTRO_MODULE=drivers/hv/hv_vmbus

usage() { sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'; }
err() { printf 'abi-check: error: %s\n' "$*" >&2; }

# parse_symvers FILE [WATCH...]: validate a Module.symvers and print, tab
# separated, "E sym crc module type namespace" for the exports of the
# distro's hv_vmbus, of any module named hv_vmbus, and of every WATCH name,
# then "Z 1" if every CRC of the file is 0 (no modversions) else "Z 0".
# On a malformed line: message naming FILE:LINE on stderr, status 2.
parse_symvers() {
	local file=$1
	shift
	if [ ! -e "$file" ]; then
		err "$file: no such file"
		return 2
	elif [ ! -f "$file" ] || [ ! -r "$file" ]; then
		err "$file: not a readable regular file"
		return 2
	fi
	awk -v dmod="$DISTRO_MODULE" -v watch="$*" '
	function bad(msg) {
		printf "abi-check: error: %s:%d: malformed Module.symvers line: %s\n",
			FILENAME, FNR, msg > "/dev/stderr"
		failed = 1
		exit 2
	}
	BEGIN {
		FS = "\t"
		allzero = 1
		n = split(watch, w, " ")
		for (i = 1; i <= n; i++)
			watched[w[i]] = 1
	}
	{
		if (NF != 5)
			bad(NF " tab-separated field" (NF == 1 ? "" : "s") \
			    ", expected 5 (CRC, symbol, module, export type, namespace)")
		crc = $1; sym = $2; mod = $3; type = $4; ns = $5
		if (length(crc) != 10 || crc !~ /^0x[0-9a-fA-F]+$/)
			bad("CRC \"" crc "\" is not 0x followed by 8 hex digits")
		if (sym == "" || sym ~ /[ \r]/)
			bad("empty or invalid symbol name \"" sym "\"")
		if (mod == "" || mod ~ /[ \r]/)
			bad("empty or invalid module path \"" mod "\"")
		if (type !~ /^EXPORT_[A-Z_]+$/)
			bad("export type \"" type "\" is not EXPORT_*")
		if (ns ~ /[ \r]/)
			bad("invalid namespace \"" ns "\"")
		if (sym in seen)
			bad("symbol " sym " already listed at line " seen[sym])
		seen[sym] = FNR
		if (tolower(crc) != "0x00000000")
			allzero = 0
		if (mod == dmod || mod ~ /(^|\/)hv_vmbus$/ || (sym in watched))
			printf "E\t%s\t%s\t%s\t%s\t%s\n", sym, tolower(crc), mod, type, ns
	}
	END {
		if (failed)
			exit 2
		print "Z\t" allzero
	}' "$file"
}

# compare DISTRO OURS LABEL: the TAP lines of one kernel. Status 0 all ok,
# 1 some "not ok", 2 input error (message on stderr, no TAP printed).
compare() {
	local distro=$1 ours=$2 label=$3
	local out tag sym crc mod type ns rc=0
	local -A dcrc=() dtype=() dns=() dmod=() ocrc=() otype=() ons=() omod=()
	local dzero=0 ozero=0 modversions=1 problems names=() extras=()
	local n_ok=0 n_bad=0 n_skip=0
	local builtin_at=

	out=$(parse_symvers "$ours") || return 2
	while IFS=$'\t' read -r tag sym crc mod type ns; do
		case $tag in
		Z) ozero=$sym ;;
		E) ocrc[$sym]=$crc otype[$sym]=$type ons[$sym]=$ns omod[$sym]=$mod ;;
		esac
	done <<<"$out"

	# watch our names, to find them in the distro's vmlinux or other modules
	out=$(parse_symvers "$distro" "${!omod[@]}" __vmbus_driver_register) || return 2
	while IFS=$'\t' read -r tag sym crc mod type ns; do
		case $tag in
		Z) dzero=$sym ;;
		E) dcrc[$sym]=$crc dtype[$sym]=$type dns[$sym]=$ns dmod[$sym]=$mod ;;
		esac
	done <<<"$out"

	for sym in "${!dmod[@]}"; do
		[ "${dmod[$sym]}" = "$DISTRO_MODULE" ] && names+=("$sym")
		[ "$sym" = __vmbus_driver_register ] && builtin_at=${dmod[$sym]}
	done
	if [ ${#names[@]} = 0 ]; then
		if [ -n "$builtin_at" ]; then
			echo "ok - abi/$label: VMBus built in, no replacement module # SKIP the distro's VMBus core is in $builtin_at (no $DISTRO_MODULE in $distro)"
			return 0
		fi
		err "$distro: no export of $DISTRO_MODULE (nor of __vmbus_driver_register): not a Module.symvers of a kernel with VMBus?"
		return 2
	fi

	if [ "$dzero" = 1 ]; then
		modversions=0
		echo "# abi/$label: every CRC of the distro's Module.symvers is 0 (kernel built without CONFIG_MODVERSIONS): comparing names, export types and namespaces only"
	elif [ "$ozero" = 1 ] && [ ${#omod[@]} -gt 0 ]; then
		echo "# abi/$label: every CRC of our Module.symvers is 0, the distro's are not: was our tree built against another configuration?"
	fi

	while read -r sym; do
		case " $EXEMPT " in
		*" $sym "*)
			echo "ok - abi/$label: $sym # SKIP exempt by DESIGN.md Rule 1 (internal structure, used only by uio_hv_generic)"
			n_skip=$((n_skip + 1))
			continue ;;
		esac
		mod=${omod[$sym]-}
		if [ -z "$mod" ]; then
			echo "not ok - abi/$label: $sym missing from our hv_vmbus"
			n_bad=$((n_bad + 1))
			continue
		elif [ "${mod##*/}" != hv_vmbus ]; then
			echo "not ok - abi/$label: $sym missing from our hv_vmbus (our $mod exports it)"
			n_bad=$((n_bad + 1))
			continue
		fi
		problems=
		if [ $modversions = 1 ] && [ "${ocrc[$sym]}" != "${dcrc[$sym]}" ]; then
			problems+="; CRC differs: ours ${ocrc[$sym]}, distro ${dcrc[$sym]}"
		fi
		if [ "${otype[$sym]}" != "${dtype[$sym]}" ]; then
			problems+="; export type differs (ours ${otype[$sym]} vs distro ${dtype[$sym]})"
		fi
		if [ "${ons[$sym]}" != "${dns[$sym]}" ]; then
			problems+="; namespace differs (ours ${ons[$sym]:-none} vs distro ${dns[$sym]:-none})"
		fi
		if [ -n "$problems" ]; then
			echo "not ok - abi/$label: $sym ${problems#; }"
			n_bad=$((n_bad + 1))
		elif [ $modversions = 1 ]; then
			echo "ok - abi/$label: $sym exported with the distro's CRC ${dcrc[$sym]}"
			n_ok=$((n_ok + 1))
		else
			echo "ok - abi/$label: $sym exported as ${dtype[$sym]}${dns[$sym]:+ in namespace ${dns[$sym]}} (no modversions: CRC not compared)"
			n_ok=$((n_ok + 1))
		fi
	done < <(printf '%s\n' "${names[@]}" | LC_ALL=C sort)

	# our hv_vmbus's exports that the distro's hv_vmbus does not have
	for sym in "${!omod[@]}"; do
		[ "${omod[$sym]##*/}" = hv_vmbus ] || continue
		[ "${dmod[$sym]-}" = "$DISTRO_MODULE" ] && continue
		extras+=("$sym")
	done
	while read -r sym; do
		[ -n "$sym" ] || continue
		mod=${dmod[$sym]-}
		if [ "$mod" = vmlinux ]; then
			echo "not ok - abi/$label: our hv_vmbus exports $sym, which the distro's vmlinux exports too (the kernel would refuse to load our module)"
			rc=1
		elif [ -n "$mod" ]; then
			echo "# abi/$label: extra export of ours: $sym (${otype[$sym]}), also exported by the distro's $mod (they cannot both be loaded)"
		else
			echo "# abi/$label: extra export of ours: $sym (${otype[$sym]}), not in the distro's hv_vmbus"
		fi
	done < <(printf '%s\n' "${extras[@]}" | LC_ALL=C sort)

	echo "# abi/$label: the distro's hv_vmbus exports ${#names[@]} symbols: $n_ok match ours, $n_bad do not, $n_skip exempt; ${#extras[@]} extra export(s) of ours"
	[ $n_bad = 0 ] || rc=1
	return $rc
}

# vmbus_mode CONFIG: m (VMBus core is a module), y (built in) or n.
vmbus_mode() {
	local v
	v=$(sed -n 's/^CONFIG_HYPERV_VMBUS=//p' "$1")
	[ -n "$v" ] || v=$(sed -n 's/^CONFIG_HYPERV=//p' "$1")
	echo "${v:-n}"
}

# check_suite SUITE: build (unless --no-build) and compare one build root.
check_suite() {
	local suite=$1 kver config mode distro ours stamp errs status=0
	kver=$(hv_root_kver "$suite") || {
		echo "not ok - abi/$suite: no build root (run tests/matrix/buildroot.sh $suite)"
		return 1
	}
	config=$HV_KERNELS/$suite/config
	[ -f "$config" ] || config=$HV_ROOTS/$suite/usr/src/linux-headers-$kver/.config
	if [ ! -f "$config" ]; then
		err "no kernel configuration for $suite ($HV_KERNELS/$suite/config or the headers' .config)"
		echo "not ok - abi/$suite: no kernel configuration to tell whether VMBus is a module"
		return 2
	fi
	mode=$(vmbus_mode "$config")
	case $mode in
	m) ;;
	y)
		echo "ok - abi/$suite: VMBus built in, no replacement module # SKIP $kver has VMBus in vmlinux: our hv_vmbus is not built there, only the leaf drivers (DESIGN.md Rule 2)"
		return 0 ;;
	*)
		echo "ok - abi/$suite: no VMBus in $kver # SKIP neither CONFIG_HYPERV_VMBUS nor CONFIG_HYPERV is set"
		return 0 ;;
	esac

	distro=$HV_ROOTS/$suite/usr/src/linux-headers-$kver/Module.symvers
	ours=$HV_ROOTS/$suite/build/$HV_STAGE/Module.symvers
	if [ $build = 1 ]; then
		stamp=$(mktemp)
		errs=$(mktemp)
		"$HV_TOP/tests/matrix/build-modules.sh" "$suite" >/dev/null 2>"$errs" || status=$?
		if [ $status != 0 ]; then
			if [ "$ours" -nt "$stamp" ]; then
				# W=1 warnings fail build-modules.sh (matrix.sh reports
				# them), but the modules and Module.symvers are there
				echo "# abi/$suite: build-modules.sh $suite failed (exit $status) but wrote a new Module.symvers: comparing it"
				tail -5 "$errs" | sed 's/^/#   /'
			else
				echo "not ok - abi/$suite: our tree builds for $kver (build-modules.sh exit $status)"
				tail -15 "$errs" | sed 's/^/#   /'
				rm -f "$stamp" "$errs"
				return 1
			fi
		fi
		rm -f "$stamp" "$errs"
	fi
	if [ ! -e "$ours" ]; then
		echo "not ok - abi/$suite: no Module.symvers of ours at $ours (build first, without --no-build)"
		return 1
	fi
	[ -e "$HV_ROOTS/$suite/build/$HV_STAGE/drivers/hv/hv_vmbus.ko" ] ||
		echo "# abi/$suite: our build has no drivers/hv/hv_vmbus.ko"
	compare "$distro" "$ours" "$suite"
	status=$?
	[ $status = 2 ] && echo "not ok - abi/$suite: cannot read a Module.symvers (see the error above)"
	return $status
}

build=1
distro_file="" ours_file="" label=""
suites=()
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--no-build) build=0 ;;
	--distro|--ours|--label)
		[ $# -ge 2 ] || { err "$1 needs an argument"; exit 2; }
		case $1 in
		--distro) distro_file=$2 ;;
		--ours) ours_file=$2 ;;
		--label) label=$2 ;;
		esac
		shift ;;
	-*) err "unknown option $1 (see --help)"; exit 2 ;;
	*)
		case " $HV_SUITES " in
		*" $1 "*) suites+=("$1") ;;
		*) err "unknown suite '$1' (known: $HV_SUITES)"; exit 2 ;;
		esac ;;
	esac
	shift
done

if [ -n "$distro_file$ours_file$label" ]; then
	if [ -z "$distro_file" ] || [ -z "$ours_file" ]; then
		err "--distro and --ours go together (see --help)"
		exit 2
	fi
	if [ ${#suites[@]} -gt 0 ]; then
		err "give either SUITEs or --distro/--ours, not both"
		exit 2
	fi
	compare "$distro_file" "$ours_file" "${label:-$(basename "$distro_file")}"
	exit $?
fi

[ ${#suites[@]} -gt 0 ] || read -r -a suites <<<"$HV_SUITES"
worst=0
for suite in "${suites[@]}"; do
	check_suite "$suite"
	status=$?
	[ $status -gt $worst ] && worst=$status
done
exit $worst
