#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the debug machine's kernel (make test-debug) once and cache it:
# Linux 6.1 from Debian's linux-source-6.1, allnoconfig plus
# tools/testvm/debug.config (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# UBSAN, KVM as modules), in build/debug-kernel/.  Rebuilt only when the
# fragment or the source tarball changes.  Prints the build directory
# (KDIR for the module; bzImage and the installed modules under it).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
frag=$top/tools/testvm/debug.config
out=$top/build/debug-kernel
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "debug-kernel: linux-source-6.1 is not installed: run 'make deps'" >&2; exit 1; }
stamp="$(sha256sum "$frag" | cut -d' ' -f1) $(stat -c %s.%Y "$tarball")"
if [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$stamp" ]; then
	echo "$out/obj"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out/obj"
echo "debug-kernel: extracting $tarball" >&2
tar -xJf "$tarball" -C "$out"
src=$out/linux-source-6.1
start=$(date +%s)
# Everything off, then the fragment's lines forced on (KCONFIG_ALLCONFIG).
make -s -C "$src" O="$out/obj" KCONFIG_ALLCONFIG="$frag" allnoconfig >&2
# A line the fragment asks for that Kconfig dropped (an unmet dependency)
# would silently leave a checker out: refuse.
missing=$(grep -E '^CONFIG_' "$frag" | while read -r l; do
	grep -qxF "$l" "$out/obj/.config" || echo "$l"
done)
[ -z "$missing" ] || { echo "debug-kernel: not in .config: $missing" >&2; exit 1; }
jobs=${DEBUG_KERNEL_JOBS:-2}
nice -n 10 make -s -C "$out/obj" -j"$jobs" bzImage modules >&2
nice -n 10 make -s -C "$out/obj" INSTALL_MOD_PATH="$out/mods" modules_install >&2
echo "debug-kernel: built in $(($(date +%s) - start)) s" >&2
echo "$stamp" >"$out/.done"
echo "$out/obj"
