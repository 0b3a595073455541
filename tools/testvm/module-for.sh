#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of a thinvisor.ko built for kernel KVER, the one the test
# machines boot.  kmod/thinvisor.ko is used when it was built for KVER;
# otherwise (a host whose headers are its own) a copy is built here.
set -euo pipefail
kver=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
ko=$top/kmod/thinvisor.ko
if [ -f "$ko" ] && [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]; then
	echo "$ko"
	exit 0
fi
kdir=/usr/src/linux-headers-$kver
[ -d "$kdir" ] || { echo "testvm: no headers for $kver: run 'make deps'" >&2; exit 1; }
src=$top/build/testvm/kmod-src
rm -rf "$src"
mkdir -p "$src"
tar -C "$top" -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod*' \
	Kbuild kmod uapi | tar -x -C "$src"
make -s -C "$kdir" M="$src" modules >&2
echo "$src/kmod/thinvisor.ko"
