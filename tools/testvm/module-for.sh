#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of a thinvisor.ko built for kernel KVER, the one the test
# machines boot.  kmod/thinvisor.ko is used when it was built for KVER;
# otherwise the module is built for KVER in its own output directory,
# build/kmod-KVER (a copy of the sources: Kbuild builds in place), again
# only where a source changed.
set -euo pipefail
kver=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
ko=$top/kmod/thinvisor.ko
if [ -f "$ko" ] && [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]; then
	echo "$ko"
	exit 0
fi
kdir=$("$top/tools/testvm/kroot.sh" "$kver")/usr/src/linux-headers-$kver
[ -d "$kdir" ] || { echo "testvm: no headers for $kver: run 'make deps'" >&2; exit 1; }
"$top/tools/build-module.sh" "$kdir" "$top/build/kmod-$kver" >&2
echo "$top/build/kmod-$kver/kmod/thinvisor.ko"
