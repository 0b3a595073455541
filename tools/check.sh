#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: the module built from clean with W=1 and sparse (C=2), and
# checkpatch.pl --strict over every kernel and uapi file.  Any warning fails.
set -uo pipefail
kdir=$1
checkpatch=$2
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail=0

[ -n "$kdir" ] || { echo "check: no kernel headers: run 'make deps'" >&2; exit 1; }
command -v sparse >/dev/null || { echo "check: sparse is missing: run 'make deps'" >&2; exit 1; }

make -s -C "$kdir" M="$top" clean >/dev/null 2>&1
if ! make -C "$kdir" M="$top" W=1 C=2 modules >"$log" 2>&1; then
	cat "$log"
	echo "check: the W=1 C=2 build failed" >&2
	exit 1
fi
if grep -E 'warning:|error:' "$log"; then
	echo "check: the W=1 / sparse build has warnings" >&2
	fail=1
else
	echo "check: W=1 + sparse build clean"
fi

files=$(cd "$top" && git ls-files -co --exclude-standard -- 'kmod/*.[chS]' 'uapi/*.h' 2>/dev/null ||
	(cd "$top" && find kmod uapi -name '*.[chS]'))
if (cd "$top" && perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files); then
	echo "check: checkpatch --strict clean ($(echo $files | wc -w) files)"
else
	echo "check: checkpatch --strict has complaints" >&2
	fail=1
fi
exit $fail
