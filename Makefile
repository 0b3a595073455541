# SPDX-License-Identifier: GPL-2.0
#
# thinvisor: one build for the module, the launcher, the selftests and the
# emulated test machines.  `make help` lists the targets.

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build

# The kernel the module is built for.  On a host with its own headers that is
# the running kernel; elsewhere (the build machines) the Debian flavour the
# emulated test machines boot.
TESTVM_KVER = $(shell tools/testvm/kver.sh)
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(wildcard /usr/src/linux-headers-$(TESTVM_KVER)))

# The release: VERSION, read by kmod/Kbuild too (modinfo) and dkms.conf.
THINVISOR_VERSION := $(shell cat $(TOP)/VERSION)

CC := gcc
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
	       -D_GNU_SOURCE -I$(TOP)/uapi -I$(TOP)/userspace \
	       -DTHINVISOR_VERSION='"$(THINVISOR_VERSION)"'
# Everything that runs inside the emulated machines is static: their
# initramfs carries no C library.
STATIC := -static

KSRC_DIR := $(BUILD)/ksrc
KSELFTEST_DIR := $(KSRC_DIR)/tools/testing/selftests
CHECKPATCH := $(KSRC_DIR)/scripts/checkpatch.pl

.PHONY: all module userspace selftests unit check deps test test-unit \
	test-svm test-svm57 test-svm612 test-vmx test-vmx612 test-vmx2 test-nosvm \
	test-nonpt test-noept test-debug demo bench bench-ab clean help \
	install install-dkms uninstall dkms-check

all: module userspace selftests

help:
	@echo "make deps      install every Debian package the project needs"
	@echo "make           build thinvisor.ko, thinrun and the selftests"
	@echo "make check     W=1 + sparse build (6.1 and 6.12 headers) and checkpatch --strict"
	@echo "make install   module, thinrun, udev rule, modules-load.d (install-dkms: under DKMS)"
	@echo "make uninstall what either installed"
	@echo "make test      unit tests, then the selftests in the SVM and VMX machines"
	@echo "make demo      boot a stock Linux guest with thinrun (here, or in the SVM machine)"
	@echo "make bench     exit latency beside KVM, in one boot of the SVM machine"
	@echo "make bench-ab BASE=REV [ROUNDS=N]  the exit benchmarks beside REV's, alternating"
	@echo "make test-debug the SVM machine on a KASAN/lockdep/kmemleak/UBSAN kernel"

deps:
	@tools/deps.sh

# --- kernel module -------------------------------------------------------
module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

# --- kernel-tree files used at build time (from linux-source-6.1) --------
$(KSRC_DIR)/.done:
	@tools/extract-ksrc.sh $(KSRC_DIR)

# --- userspace -----------------------------------------------------------
include userspace/Makefile.inc
include selftests/thinvisor/Makefile.inc

userspace: $(USERSPACE_BINS)
selftests: $(SELFTEST_BINS)
unit: $(UNIT_BINS)

# --- checks --------------------------------------------------------------
# Against KDIR and the newest headers of each supported series, installed
# or unpacked under build/kernels by `make deps` (tools/fetch-kernel.sh).
CHECK_KDIRS = $(sort $(KDIR) $(foreach s,6.1 6.12,$(lastword $(shell ls -d \
	/usr/src/linux-headers-$(s).*-cloud-amd64 \
	$(BUILD)/kernels/*/usr/src/linux-headers-$(s).*-cloud-amd64 2>/dev/null | \
	awk -F/ '{ print $$NF, $$0 }' | sort -V | cut -d' ' -f2))))

check: $(KSRC_DIR)/.done
	@tools/check.sh "$(CHECKPATCH)" $(CHECK_KDIRS)

# --- installing ------------------------------------------------------------
# make install: the module built here into /lib/modules/KVER/updates (KVER:
# the kernel it was built for), thinrun into /usr/local/bin, a udev rule
# (group thinvisor) and a modules-load.d entry; install-dkms: the same with
# the module under DKMS, rebuilt for every new kernel.  DESTDIR stages.
install: module userspace
	@tools/install.sh install "$$(modinfo -F vermagic kmod/thinvisor.ko | cut -d' ' -f1)" \
		kmod/thinvisor.ko

# The kernel install-dkms builds for first: the running one.
KVER ?= $(shell uname -r)

install-dkms: userspace
	@tools/install.sh install-dkms "$(KVER)"

uninstall:
	@tools/install.sh uninstall

# CI: dkms add/build/install against every supported header set, in
# private DKMS trees (build only).
dkms-check:
	@tools/dkms-check.sh $(CHECK_KDIRS)

# --- tests ---------------------------------------------------------------
test-unit: unit
	@tools/run-unit.sh $(UNIT_BINS) $(TOP)/tools/testvm/collect_test.sh

test-svm test-svm57 test-svm612 test-vmx test-vmx612 test-vmx2 test-nosvm test-nonpt test-noept: all
	@tools/testvm/run.sh $(patsubst test-%,%,$@)

# The SVM machine on a debug kernel (KASAN, lockdep, kmemleak, UBSAN), built
# once into build/debug-kernel (tools/testvm/debug-kernel.sh).
test-debug: all
	@tools/testvm/run.sh debug

test: all unit
	@tools/test.sh

demo: all
	@tools/demo.sh

bench: all
	@tools/testvm/run.sh bench

# The exit benchmarks beside those of revision BASE, in one boot.
bench-ab: all
	@tools/bench/exit_ab.sh $(BASE) $(ROUNDS)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(BUILD)
