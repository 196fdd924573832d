# SPDX-License-Identifier: GPL-2.0-only
# fcopy end to end: hvsim fcopy streams files through the simulated host's
# fcopy IC, a kernel side (the distro's hv_utils where it still has fcopy,
# Linux < 6.10; ours once it serves fcopy) and a daemon (Debian's
# hyperv-daemons of the suite; ours once tools/hv has it), with assertions
# on the guest's files (docs/design/hv_utils.md §6.5 item 9):
# - files of 0, 1, 6144, 6145 bytes and 1 MiB arrive byte-identical (cmp),
#   in chunks of 6144 (and 1000 for one of them); a non-ASCII name arrives;
# - an existing file without --overwrite: START answered 0x80070050
#   (ALREADY_EXISTS), exit 1, the old content kept; with it: new content;
# - --create-path makes the missing directories (of a path ending in '/':
#   upstream's daemon creates only components followed by one); without it
#   the copy fails
#   and nothing appears;
# - CANCEL after 3 chunks of the 1 MiB file: no file, no leftover;
# - the host counted no bad answer.
# binaries: kmod
# modules: hv_utils?
# tools: hvsim hv_fcopy_daemon?
# distro-daemons: yes
# timeout: 600
. /lib/hv-test.sh

start_daemon() {
	case $1 in
	ours) hv_fcopy_daemon -n >/tmp/fcopyd.log 2>&1 & ;;
	debian) "$(debian_daemon fcopy)" -n >/tmp/fcopyd.log 2>&1 & ;;
	esac
	daemon_pid=$!
}

status_of() { sed -n 's/.* status=\(0x[0-9a-f]*\) .*/\1/p' <<<"$1"; }

# hvsim fcopy usage errors (no host needed to refuse them)
for args in "a b" "a b c --chunk 0" "a b c --chunk 6145" "a b c --bogus"; do
	# shellcheck disable=SC2086
	hvsim fcopy $args >/dev/null 2>&1
	ok $([ $? = 2 ]; echo $?) "hvsim fcopy $args: usage error, exit 2"
done

SRC=/tmp/src
mkdir -p $SRC
: >$SRC/f0
printf x >$SRC/f1
head -c 6144 /dev/urandom >$SRC/f6144
head -c 6145 /dev/urandom >$SRC/f6145
head -c 1048576 /dev/urandom >$SRC/f1m
echo "the old content" >$SRC/old
echo "the new content" >$SRC/new

run_fcopy() {
	local kv=$1 dv=$2 dst=/tmp/dst-$1-$2 f out param=
	diag "fcopy with the $kv hv_utils and the $dv daemon"
	# ours claims fcopy by default only when built for a kernel before
	# 6.10 (later ones leave it to uio_hv_generic): ask for the char device
	[ "$kv" = ours ] && param=fcopy=chardev
	check "[$kv/$dv] the $kv hv_utils loads" hv_utils_load $kv $param
	check "[$kv/$dv] /dev/vmbus/hv_fcopy appears" wait_for test -c /dev/vmbus/hv_fcopy
	check "[$kv/$dv] fcopy 1.1 agreed" \
		wait_for sh -c "hvsim ic status fcopy | grep -q 'state=ready fw=3.0 msg=1.1'"
	start_daemon $dv
	sleep 1
	check "[$kv/$dv] the daemon runs" kill -0 $daemon_pid
	mkdir -p $dst
	for f in f0 f1 f6144 f6145 f1m; do
		check "[$kv/$dv] $f ($(stat -c %s $SRC/$f) bytes): copied, exit 0" \
			hvsim fcopy $SRC/$f $dst $f
		check "[$kv/$dv] ... byte-identical" cmp $SRC/$f $dst/$f
	done
	check "[$kv/$dv] f6145 in chunks of 1000" hvsim fcopy $SRC/f6145 $dst c1000 --chunk 1000
	check "[$kv/$dv] ... byte-identical" cmp $SRC/f6145 $dst/c1000
	check "[$kv/$dv] a non-ASCII name (fïlé-€.bin)" hvsim fcopy $SRC/f1 $dst "fïlé-€.bin"
	check "[$kv/$dv] ... arrives under that name" cmp $SRC/f1 "$dst/fïlé-€.bin"

	hvsim fcopy $SRC/old $dst same >/dev/null
	out=$(hvsim fcopy $SRC/new $dst same 2>&1)
	ok $([ $? = 1 ] && [ "$(status_of "$out")" = 0x80070050 ]; echo $?) \
		"[$kv/$dv] existing file without --overwrite: 0x80070050, exit 1 ($(status_of "$out"))"
	check "[$kv/$dv] ... the old content kept" cmp $SRC/old $dst/same
	check "[$kv/$dv] with --overwrite: exit 0" hvsim fcopy $SRC/new $dst same --overwrite
	check "[$kv/$dv] ... the new content" cmp $SRC/new $dst/same

	# upstream's daemon creates only the components followed by a '/':
	# the directory is sent with a trailing one (as Windows paths end)
	check "[$kv/$dv] --create-path into $dst/a/b/c/" hvsim fcopy $SRC/f6145 $dst/a/b/c/ f --create-path
	check "[$kv/$dv] ... the file is there" cmp $SRC/f6145 $dst/a/b/c/f
	out=$(hvsim fcopy $SRC/f1 $dst/x/y f 2>&1)
	ok $([ $? = 1 ] && [ ! -e $dst/x ]; echo $?) \
		"[$kv/$dv] a missing directory without --create-path: exit 1 ($(status_of "$out")), nothing made"

	n=$(ls -A $dst | wc -l)
	check "[$kv/$dv] CANCEL after 3 chunks of 1 MiB: answered S_OK" \
		hvsim fcopy $SRC/f1m $dst cancelled --cancel-after 3
	check "[$kv/$dv] ... no file left" test ! -e $dst/cancelled
	ok $([ "$(ls -A $dst | wc -l)" = "$n" ]; echo $?) "[$kv/$dv] ... and no leftover in the directory"

	check_output "[$kv/$dv] the host counted no bad answer, no timeout" \
		"timeouts=0 bad_answers=0 bad_pkts=0" hvsim ic status fcopy
	check "[$kv/$dv] the daemon still runs" kill -0 $daemon_pid
	kill -TERM $daemon_pid
	wait $daemon_pid
	check "[$kv/$dv] the $kv hv_utils unloads" hv_utils_unload
}

modprobe hv_hostsim
fc=$(hvsim offer fcopy)
check "the host offers an fcopy device (relid $fc)" test -n "$fc"
check "our hv_vmbus loads" modprobe hv_vmbus
for_each_variant fcopy fcopy run_fcopy
check "hv_vmbus unloads" modprobe -r hv_vmbus
modprobe -r hv_hostsim
done_testing
