#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package thinvisor needs to build and to run its
# emulated test machines.  Quick when everything is already there.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev
	# the module is built for, and the test machines boot, Debian's
	# cloud flavour (LZ4 kernel: fast to boot under Bochs); the generic
	# one is the guest kernel thinrun boots and the fallback headers
	linux-headers-cloud-amd64 linux-image-cloud-amd64
	linux-headers-amd64 linux-image-amd64
	# checkpatch.pl and the kselftest headers come from here
	linux-source-6.1
	sparse perl
	# emulated machines: QEMU (AMD SVM) and Bochs (Intel VMX)
	qemu-system-x86
	bochs bochsbios vgabios syslinux syslinux-common mtools dosfstools
	busybox-static cpio gzip xz-utils kmod
	# perf, to check the tracepoints in the SVM machine
	linux-perf
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
