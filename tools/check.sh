#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: the module built from clean with W=1 and sparse (C=2)
# against each KDIR given (the kernels it supports: 6.1 and 6.12), each in
# its own build/check-KVER, and checkpatch.pl --strict over every kernel
# and uapi file.  Any warning fails.
# Usage: check.sh CHECKPATCH KDIR...
set -uo pipefail
checkpatch=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail=0

[ $# -gt 0 ] || { echo "check: no kernel headers: run 'make deps'" >&2; exit 1; }
command -v sparse >/dev/null || { echo "check: sparse is missing: run 'make deps'" >&2; exit 1; }

for kdir in "$@"; do
	kver=$(basename "$kdir")
	kver=${kver#linux-headers-}
	out=$top/build/check-$kver
	rm -rf "$out"
	if ! "$top/tools/build-module.sh" "$kdir" "$out" W=1 C=2 >"$log" 2>&1; then
		cat "$log"
		echo "check: the W=1 C=2 build against $kver failed" >&2
		exit 1
	fi
	if grep -E 'warning:|error:' "$log"; then
		echo "check: the W=1 / sparse build against $kver has warnings" >&2
		fail=1
	else
		echo "check: W=1 + sparse build against $kver clean"
	fi
done

files=$(cd "$top" && git ls-files -co --exclude-standard -- 'kmod/*.[chS]' 'uapi/*.h' 2>/dev/null ||
	(cd "$top" && find kmod uapi -name '*.[chS]'))
# kmod/compat.h is the one file that may test the kernel's version.
compat=kmod/compat.h
files=$(echo "$files" | grep -vx "$compat")
ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
if (cd "$top" && perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore $ignore -f $files &&
	perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore $ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON -f $compat); then
	echo "check: checkpatch --strict clean ($(echo $files $compat | wc -w) files)"
else
	echo "check: checkpatch --strict has complaints" >&2
	fail=1
fi
exit $fail
