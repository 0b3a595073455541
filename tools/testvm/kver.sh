#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel release both emulated test machines boot: the newest Debian
# cloud flavour installed (built-in 8250, LZ4, KVM modules for the peer),
# or TESTVM_KVER when set.
if [ -n "${TESTVM_KVER:-}" ]; then
	echo "$TESTVM_KVER"
	exit 0
fi
ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1
