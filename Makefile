# SPDX-License-Identifier: GPL-2.0-only
#
# hyperv-dkms: Hyper-V guest drivers built out of tree.
#
#   make                     modules for the running kernel
#   make KVER=<release>      modules for /lib/modules/<release>/build
#   make KDIR=<dir>          modules for any kernel build tree
#   make tools               userspace tools (tools/hv)
#   make check               every test tier; ends with "N passed, N failed"
#   make matrix              `dkms build` in every build root of the matrix
#   make demo                build for bookworm's kernel and boot it under QEMU
#   make bench               benchmarks (ours beside the distro's, as ratios)
#   make abi                 our hv_vmbus exports vs the distro's (names, CRCs)

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: all modules modules_install clean tools tools-clean check matrix demo \
	bench abi lint unit kunit vm help

all: modules

modules:
	@test -e "$(KDIR)/Makefile" || { \
		echo "error: no kernel build tree at $(KDIR)"; \
		echo "       install linux-headers-$(KVER), or pass KVER=<release> or KDIR=<dir>"; \
		exit 1; }
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

modules_install: modules
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules_install

clean:
	@if test -e "$(KDIR)/Makefile"; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi
	$(MAKE) -C tools/hv clean

tools:
	$(MAKE) -C tools/hv

check:
	tests/run-check

matrix:
	tests/matrix/matrix.sh

demo:
	tests/demo.sh

bench:
	tests/bench/run.sh

abi:
	tests/matrix/abi-check.sh

lint:
	tests/run-check --only lint

unit:
	tests/run-check --only unit

kunit:
	tests/run-check --only kunit

vm:
	tests/run-check --only vm

help:
	@sed -n '3,14p' Makefile | sed 's/^# \{0,1\}//'
