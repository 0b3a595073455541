#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel release the emulated test machines boot: the newest Debian
# cloud flavour (built-in 8250, KVM modules for the peer) installed of the
# series TESTVM_KERNEL names: 6.1 (Debian 12's own, the default) or 6.12
# (what Debian 13 runs; installed beside it by `make deps`).
series=${TESTVM_KERNEL:-6.1}
ls /boot/vmlinuz-"$series".*-cloud-amd64 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1
