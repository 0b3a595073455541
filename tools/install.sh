#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make install`, `make install-dkms`, `make uninstall`: thinvisor installed
# the way out-of-tree modules are.
#   install KVER MODULE   the built module into /lib/modules/KVER/updates
#   install-dkms KVER     the module's sources into /usr/src/thinvisor-VERSION,
#                         registered with DKMS and built and installed for
#                         KVER (and, from then on, for every new kernel)
#   uninstall             everything either of them installed, for every
#                         kernel
# Both also install thinrun into /usr/local/bin, a udev rule that gives
# /dev/thinvisor to the group thinvisor (created), and a modules-load.d
# entry that loads the module at boot.  DESTDIR stages the files only (no
# group, depmod, udev reload, or DKMS).
set -euo pipefail
action=$1 kver=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
dest=${DESTDIR:-}
moddir=$dest/lib/modules/$kver/updates
rules=$dest/etc/udev/rules.d/60-thinvisor.rules
loadconf=$dest/etc/modules-load.d/thinvisor.conf
bin=$dest/usr/local/bin/thinrun
srcdir=$dest/usr/src/thinvisor-$version

# The module's sources as DKMS wants them: dkms.conf at the top.
stage_sources() { # DIR
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$top" && tar -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude='modules.order' --exclude='Module.symvers' \
		dkms.conf Kbuild VERSION kmod uapi) | tar -x -C "$1"
}

install_common() {
	install -D -m 0755 "$top/build/thinrun" "$bin"
	mkdir -p "$(dirname "$rules")" "$(dirname "$loadconf")"
	echo 'KERNEL=="thinvisor", GROUP="thinvisor", MODE="0660"' >"$rules"
	echo thinvisor >"$loadconf"
	[ -n "$dest" ] && return
	getent group thinvisor >/dev/null || groupadd --system thinvisor
	if command -v udevadm >/dev/null; then
		udevadm control --reload 2>/dev/null || true
		[ -e /dev/thinvisor ] && udevadm trigger --name-match=thinvisor 2>/dev/null || true
	fi
	return 0
}

case $action in
stage-sources) # for tools/dkms-check.sh
	stage_sources "$srcdir"
	;;
install)
	module=$3
	install -D -m 0644 "$module" "$moddir/thinvisor.ko"
	install_common
	[ -n "$dest" ] || depmod -a "$kver"
	echo "install: thinvisor $version for $kver in $moddir; load it with 'modprobe thinvisor'"
	;;
install-dkms)
	[ -z "$dest" ] || { echo "install: DKMS installs into the system, not DESTDIR" >&2; exit 1; }
	command -v dkms >/dev/null || { echo "install: dkms is missing: run 'make deps'" >&2; exit 1; }
	dkms remove -m thinvisor -v "$version" --all >/dev/null 2>&1 || true
	stage_sources "$srcdir"
	dkms add -m thinvisor -v "$version"
	dkms install -m thinvisor -v "$version" -k "$kver"
	install_common
	echo "install: thinvisor $version registered with DKMS; load it with 'modprobe thinvisor'"
	;;
uninstall)
	if [ -z "$dest" ] && command -v dkms >/dev/null &&
	   dkms status -m thinvisor -v "$version" 2>/dev/null | grep -q .; then
		dkms remove -m thinvisor -v "$version" --all
	fi
	rm -rf "$srcdir"
	for ko in "$dest"/lib/modules/*/updates/thinvisor.ko; do
		[ -f "$ko" ] || continue
		rm -f "$ko"
		k=${ko%/updates/thinvisor.ko}
		[ -n "$dest" ] || depmod -a "${k##*/}" 2>/dev/null || true
	done
	rm -f "$bin" "$rules" "$loadconf"
	[ -n "$dest" ] || ! command -v udevadm >/dev/null || udevadm control --reload 2>/dev/null || true
	echo "uninstall: thinvisor removed (the group thinvisor is left; 'groupdel thinvisor' removes it)"
	;;
*)
	echo "usage: install.sh install KVER MODULE | install-dkms KVER | uninstall" >&2
	exit 2
	;;
esac
