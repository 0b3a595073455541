#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch a Debian cloud kernel series (image, headers and the kbuild tools
# they use) with apt and unpack it under build/kernels/SERIES, without
# installing it: installed, a newer kernel image becomes the default boot
# entry of a Debian host that boots with GRUB, and the headers package
# depends on the image.  The test machines boot the unpacked kernel and
# the module is built against the unpacked headers (tools/testvm/kroot.sh
# finds them).  Quick when the newest version is already unpacked.
# Usage: fetch-kernel.sh SERIES   (6.12: from bookworm-backports)
set -euo pipefail
series=$1
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/build/kernels/$series
flavour=cloud-amd64

# The meta-package names the newest release of the series: 6.12.N+debM.
image=$(apt-cache depends "linux-image-$series-$flavour" 2>/dev/null |
	awk '/Depends: linux-image-/ { print $2; exit }')
[ -n "$image" ] || { echo "fetch-kernel: apt knows no linux-image-$series-$flavour" >&2; exit 1; }
release=${image#linux-image-}
abi=${release%-"$flavour"}
if [ -f "$dest/boot/vmlinuz-$release" ] && [ -f "$dest/.unpacked-$release" ]; then
	echo "fetch-kernel: Linux $release already under ${dest#"$top"/}"
	exit 0
fi
pkgs=("$image" "linux-headers-$release" "linux-headers-$abi-common" "linux-kbuild-$abi")

echo "fetch-kernel: fetching ${pkgs[*]} (unpacked, not installed)"
rm -rf "$dest"
mkdir -p "$dest/debs"
(cd "$dest/debs" && apt-get download -q "${pkgs[@]}")
for deb in "$dest"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dest"
done
rm -rf "$dest/debs"

# The flavour's Makefile includes the common headers' by absolute path;
# their other links (scripts, tools -> ../../lib/linux-kbuild-*) are
# relative and hold inside the unpacked tree.
mk=$dest/usr/src/linux-headers-$release/Makefile
sed -i "s|^include /usr/src/|include $dest/usr/src/|" "$mk"
grep -q "^include $dest/" "$mk" || { echo "fetch-kernel: unexpected $mk" >&2; exit 1; }
touch "$dest/.unpacked-$release"
echo "fetch-kernel: Linux $release unpacked under ${dest#"$top"/}"
