#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel release the emulated test machines boot: the newest Debian
# cloud flavour (built-in 8250, KVM modules for the peer) of the series
# TESTVM_KERNEL names: 6.1 (Debian 12's own, installed: the default) or
# 6.12 (what Debian 13 runs; unpacked under build/kernels/6.12 by `make
# deps`, or installed).  kroot.sh says where its files are.
series=${TESTVM_KERNEL:-6.1}
top=$(cd "$(dirname "$0")/../.." && pwd)
ls "$top"/build/kernels/*/boot/vmlinuz-"$series".*-cloud-amd64 \
	/boot/vmlinuz-"$series".*-cloud-amd64 2>/dev/null |
	sed 's|^.*/boot/vmlinuz-||' | sort -V | tail -n 1
