#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Take the few kernel-tree files the build uses (checkpatch.pl and the
# kselftest headers) out of Debian's linux-source package.  They are never
# copied into the repository.
set -euo pipefail
out=$1
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "linux-source is not installed: run 'make deps'" >&2; exit 1; }
top=$(basename "$tarball" .tar.xz)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --wildcards \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch" \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/tools/testing/selftests/kselftest_harness.h" \
	"$top/tools/testing/selftests/lib.mk"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp/$top" "$out"
touch "$out/.done"
