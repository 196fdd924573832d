# SPDX-License-Identifier: GPL-2.0-only
# hv_fcopy_daemon writing real files, without the host side: the daemon
# talks to hv-fake-kernel (tests/daemons), which plays the kernel's
# /dev/vmbus/hv_fcopy through the daemon's --device socket (START with the
# names in UTF-8, as the kernel hands them over). Into an ext4 on the
# virtio disk and a 1 MiB tmpfs:
#  - files of 0, 1, 6144, 6145 bytes and 3 MiB arrive byte-identical, mode
#    0744; a non-ASCII name arrives intact;
#  - exists without OVER_WRITE: 0x80070050, the old file kept; OVER_WRITE:
#    replaced; CREATE_PATH: nested directories; a missing directory
#    without it: 0x80004005; ".." in the path: 0x80070057;
#  - CANCEL after 3 chunks, kill -9 mid-copy (O_TMPFILE, and a named temp
#    file with --no-tmpfile, removed at the next start): nothing left;
#  - the 1 MiB tmpfs filled: 0x80070070, nothing left;
#  - SIGTERM: exit status 0.
# Only our userspace daemon and the kernels' own file systems are under
# test: the debug kernel, whose sanitizers watch our modules, has nothing
# of ours to watch here and is left out.
# kernels: bullseye bookworm trixie sid
# modules: ext4? crc32c_generic? crc32c-intel? libcrc32c?
# binaries: mkfs.ext4
# tools: hv_fcopy_daemon hv-fake-kernel
# disk: 256M
# timeout: 240
. /lib/hv-test.sh

sock=/tmp/fcopy.sock
log=/tmp/fcopy.log
state=/run/hyperv

fake_kernel fcopy $sock
daemon() {
	hv_fcopy_daemon -n --device $sock --state-dir $state "$@" 2>>$log &
	fc_pid=$!
}
# copy SRC DIR NAME [FLAGS]: START, all the data, COMPLETE; the three
# answers on one line
copy() {
	local size
	size=$(wc -c <"$1")
	{
		fk start "${4:-0}" "$2" "$3" "$size"
		fk data "$1"
		fk complete
	} | tr '\n' ' '
}
ok_copy="^start 0x00000000 data 0x00000000 [0-9]+ complete 0x00000000 $"
# only DIR's entries are ENTRIES (ls -A, space-separated)
only() { test "$(ls -A "$1" | tr '\n' ' ')" = "$2"; }
mode() { stat -c %a "$1"; }

modprobe crc32c_generic 2>/dev/null
modprobe ext4 2>/dev/null
mkdir -p /mnt/ext4 /mnt/small
check "mkfs.ext4 on the virtio disk" mkfs.ext4 -q -F /dev/vda
check "mount it" mount -t ext4 /dev/vda /mnt/ext4
check "a 1 MiB tmpfs" mount -t tmpfs -o size=1m tmpfs /mnt/small
dst=/mnt/ext4/in
mkdir -p $dst /tmp/src
for n in 1 6144 6145; do
	dd if=/dev/urandom of=/tmp/src/f$n bs=$n count=1 2>/dev/null
done
: >/tmp/src/f0
dd if=/dev/urandom of=/tmp/src/big bs=1M count=3 2>/dev/null

daemon
check_output "the daemon registers (4 bytes, 1; answer 1)" "^registered$" fk accept
for n in 0 1 6144 6145; do
	check_output "a $n-byte file: START, WRITEs, COMPLETE: 0" "$ok_copy" \
		copy /tmp/src/f$n $dst f$n
	check "it arrives byte-identical" cmp /tmp/src/f$n $dst/f$n
done
check_output "a 3 MiB file: 0 (512 WRITEs)" \
	"^start 0x00000000 data 0x00000000 512 complete 0x00000000 $" \
	copy /tmp/src/big $dst big
check "it arrives byte-identical (sha256)" sh -c \
	"test \"\$(sha256sum </tmp/src/big)\" = \"\$(sha256sum <$dst/big)\""
check_output "with mode 0744" "^744$" mode $dst/big
name=$(printf 'gr\303\274\303\237e-\344\270\255.txt')
check_output "a non-ASCII name: 0" "$ok_copy" copy /tmp/src/f1 $dst "$name"
check "arrives intact" cmp /tmp/src/f1 "$dst/$name"
check "only those files are there" \
	sh -c "test \$(ls -A $dst | wc -l) = 6 && rm '$dst/$name' && test \"\$(ls -A $dst | tr '\\n' ' ')\" = 'big f0 f1 f6144 f6145 '"

# ---- exists, OVER_WRITE, CREATE_PATH, missing directory, ".."
check_output "an existing file without OVER_WRITE: 0x80070050" \
	"^start 0x80070050$" fk start 0 $dst f1 6144
check "the old file is kept" cmp /tmp/src/f1 $dst/f1
check_output "with OVER_WRITE (1): 0" "$ok_copy" copy /tmp/src/f6144 $dst f1 1
check "it is replaced" cmp /tmp/src/f6144 $dst/f1
check_output "a missing directory without CREATE_PATH: 0x80004005" \
	"^start 0x80004005$" fk start 0 $dst/new/a/b g 1
check "and nothing is created" test ! -e $dst/new
check_output "with CREATE_PATH (2): 0" "$ok_copy" copy /tmp/src/f6145 $dst/new/a/b g 2
check "the file is in the new directories" cmp /tmp/src/f6145 $dst/new/a/b/g
check_output "created 0755" "^755$" mode $dst/new/a/b
check_output "'..' in the path: 0x80070057" "^start 0x80070057$" \
	fk start 2 $dst/../escape g 1
check "and nothing is created" test ! -e /mnt/ext4/escape

# ---- CANCEL, kill -9, a named temp file
rm -rf $dst/*
check_output "START c" "^start 0x00000000$" fk start 0 $dst c 30000
check_output "3 WRITEs" "^data 0x00000000 3$" fk data /tmp/src/big 3
check "nothing is visible during the copy (O_TMPFILE)" only $dst ""
check_output "CANCEL: 0" "^cancel 0x00000000$" fk cancel
check "nothing is left" only $dst ""
check_output "START k" "^start 0x00000000$" fk start 0 $dst k 30000
check_output "3 WRITEs" "^data 0x00000000 3$" fk data /tmp/src/big 3
kill -KILL $fc_pid
wait $fc_pid 2>/dev/null
check "kill -9 mid-copy: nothing is left" only $dst ""
daemon --no-tmpfile
check_output "a --no-tmpfile daemon registers" "^registered$" fk accept
check_output "START k" "^start 0x00000000$" fk start 0 $dst k 30000
check_output "3 WRITEs" "^data 0x00000000 3$" fk data /tmp/src/big 3
check_output "a named temp file, recorded" "^\\.hv_fcopy\\.[0-9a-f]{8}$" ls -A $dst
check "in $state/fcopy-partial" grep -q "$dst/.hv_fcopy." $state/fcopy-partial
kill -KILL $fc_pid
wait $fc_pid 2>/dev/null
check "kill -9 mid-copy: the temp file stays" test -n "$(ls -A $dst)"
daemon --no-tmpfile
check_output "a restarted daemon registers" "^registered$" fk accept
check "having removed the temp file and its record" \
	sh -c "test -z \"\$(ls -A $dst)\" && test ! -e $state/fcopy-partial"
check_output "a copy with a named temp file: 0" "$ok_copy" copy /tmp/src/big $dst big
check "arrives byte-identical" cmp /tmp/src/big $dst/big
check "and only it" only $dst "big "
kill -TERM $fc_pid
wait $fc_pid
check "SIGTERM: exit status 0" test $? = 0

# ---- the full tmpfs
daemon
check_output "a daemon registers" "^registered$" fk accept
check_output "START on the 1 MiB tmpfs" "^start 0x00000000$" fk start 0 /mnt/small big 3145728
check_output "the WRITE past 1 MiB: 0x80070070" "^data 0x80070070 [0-9]+$" \
	fk data /tmp/src/big
check_output "then COMPLETE: 0x80004005 (the copy is gone)" \
	"^complete 0x80004005$" fk complete
check "nothing is left on the tmpfs" only /mnt/small ""
check_output "the space is back: a 6145-byte file fits" "$ok_copy" \
	copy /tmp/src/f6145 /mnt/small f
kill -TERM $fc_pid
wait $fc_pid
check "SIGTERM: exit status 0" test $? = 0

fake_kernel_stop
check "no sanitizer report or crash in the daemon's log" \
	sh -c "! grep -E -i 'sanitizer|segmentation' $log"
sed 's/^/# log: /' $log | tail -15
umount /mnt/small /mnt/ext4
done_testing
