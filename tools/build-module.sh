#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build thinvisor.ko against the kernel headers in KDIR, in OUT (a copy of
# the module's sources, so that each kernel's objects stay apart from the
# others and from kmod/).  Copies keep their times: a second build only
# redoes what changed.  More arguments go to Kbuild (W=1 C=2, clean).
# Usage: build-module.sh KDIR OUT [KBUILD-ARGS...]
set -euo pipefail
kdir=$1 out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
(cd "$top" && tar -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod*' \
	--exclude='modules.order' --exclude='Module.symvers' Kbuild VERSION kmod uapi) | tar -x -C "$out"
make -s -C "$kdir" M="$out" "$@" modules
