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

CC := gcc
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
	       -D_GNU_SOURCE -I$(TOP)/uapi -I$(TOP)/userspace
# Everything that runs inside the emulated machines is static: their
# initramfs carries no C library.
STATIC := -static

KSRC_DIR := $(BUILD)/ksrc
KSELFTEST_DIR := $(KSRC_DIR)/tools/testing/selftests
CHECKPATCH := $(KSRC_DIR)/scripts/checkpatch.pl

.PHONY: all module userspace selftests unit check deps test test-unit \
	test-svm test-svm57 test-vmx test-nosvm demo bench clean help

all: module userspace selftests

help:
	@echo "make deps      install every Debian package the project needs"
	@echo "make           build thinvisor.ko, thinrun and the selftests"
	@echo "make check     W=1 + sparse build and checkpatch --strict"
	@echo "make test      unit tests, then the selftests in the SVM and VMX machines"
	@echo "make demo      boot a stock Linux guest with thinrun (here, or in the SVM machine)"
	@echo "make bench     exit latency beside KVM, in one boot of the SVM machine"

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
check: $(KSRC_DIR)/.done
	@tools/check.sh "$(KDIR)" "$(CHECKPATCH)"

# --- tests ---------------------------------------------------------------
test-unit: unit
	@tools/run-unit.sh $(UNIT_BINS)

test-svm test-svm57 test-vmx test-nosvm: all
	@tools/testvm/run.sh $(patsubst test-%,%,$@)

test: all unit
	@tools/test.sh

demo: all
	@tools/demo.sh

bench: all
	@tools/testvm/run.sh bench

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	rm -rf $(BUILD)
