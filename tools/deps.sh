#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package thinvisor needs to build and to run its
# emulated test machines, and fetch Linux 6.12 for them without installing
# it (tools/fetch-kernel.sh).  Quick when everything is already there.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev
	# the module is built for, and the test machines boot, Debian's
	# cloud flavour (LZ4 kernel: fast to boot under Bochs); the generic
	# one is the guest kernel thinrun boots and the fallback headers
	linux-headers-cloud-amd64 linux-image-cloud-amd64
	linux-headers-amd64 linux-image-amd64
	# what Linux 6.12's kbuild tools need (6.12 itself is unpacked under
	# build/kernels, not installed: below)
	pahole libssl3
	# the module rebuilt on every kernel upgrade (dkms.conf)
	dkms
	# checkpatch.pl and the kselftest headers come from here
	linux-source-6.1
	sparse perl
	# thinrun's virtio-blk submits its I/O through io_uring (linked static)
	liburing-dev
	# thinrun is linked static against musl: a small launcher (launcher.rst)
	musl-tools
	# emulated machines: QEMU (AMD SVM) and Bochs (Intel VMX)
	qemu-system-x86
	bochs bochsbios vgabios syslinux syslinux-common mtools dosfstools
	busybox-static cpio gzip xz-utils kmod
	# perf, to check the tracepoints in the SVM machine
	linux-perf
)

# Linux 6.12 for Debian 12 comes from bookworm-backports: add that suite,
# from the mirror the machine's own sources name for bookworm.
backports=/etc/apt/sources.list.d/bookworm-backports.sources
add_backports() {
	local mirror
	[ -f "$backports" ] && return 1
	mirror=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ { print uri; exit }' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	[ -n "$mirror" ] || { echo "deps: no bookworm mirror in apt's sources" >&2; exit 1; }
	echo "deps: adding bookworm-backports from $mirror"
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$mirror" | $sudo tee "$backports" >/dev/null
}

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ] && [ -f "$backports" ]; then
	echo "deps: all ${#pkgs[@]} packages present"
else
	[ ${#missing[@]} -eq 0 ] || echo "deps: installing ${missing[*]}"
	add_backports || true
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	[ ${#missing[@]} -eq 0 ] ||
		$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Linux 6.12 beside 6.1 (what Debian 13 runs): the svm612 and vmx612
# machines boot it and the module is built and checked against its
# headers.  Unpacked under build/kernels/6.12, not installed: installed,
# it would become the default kernel of a Debian host that boots with GRUB.
"$(dirname "$0")/fetch-kernel.sh" 6.12
