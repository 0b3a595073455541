#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the directory under which a kernel release's Debian packages
# lie: build/kernels/SERIES where `make deps` unpacked them rather than
# installing them (tools/fetch-kernel.sh: 6.12), or nothing for the
# system's own /boot, /lib/modules and /usr/src (6.1, installed).
# Usage: kroot.sh RELEASE
top=$(cd "$(dirname "$0")/../.." && pwd)
for d in "$top"/build/kernels/*; do
	if [ -f "$d/boot/vmlinuz-$1" ]; then
		echo "$d"
		exit 0
	fi
done
