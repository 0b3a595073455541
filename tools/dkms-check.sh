#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CI: dkms.conf works: `dkms add`, `dkms build` and `dkms install` of the
# module's sources, as `make install-dkms` stages them, against each kernel
# header directory given (6.1's installed, 6.12's unpacked under
# build/kernels by `make deps`, or installed), in private DKMS trees under
# build/dkms-check (the system's DKMS and /lib/modules are not touched).
# Build only: nothing is loaded.
# Usage: dkms-check.sh KDIR...
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/dkms-check
version=$(cat "$top/VERSION")
command -v dkms >/dev/null || { echo "dkms-check: dkms is missing: run 'make deps'" >&2; exit 1; }
[ $# -gt 0 ] || { echo "dkms-check: no kernel headers: run 'make deps'" >&2; exit 1; }

conf_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
if [ "$conf_version" != "$version" ]; then
	echo "dkms-check: dkms.conf says $conf_version, VERSION says $version" >&2
	exit 1
fi

rm -rf "$work"
mkdir -p "$work/src" "$work/dkms" "$work/lib"
DESTDIR=$work/stage "$top/tools/install.sh" stage-sources >/dev/null || exit 1
mv "$work/stage/usr/src/thinvisor-$version" "$work/src/"
trees=(--sourcetree "$work/src" --dkmstree "$work/dkms" --installtree "$work/lib")
status=0
dkms add -m thinvisor -v "$version" "${trees[@]}" >"$work/add.log" 2>&1 ||
	{ cat "$work/add.log"; echo "dkms-check: dkms add failed" >&2; exit 1; }
for kdir in "$@"; do
	kver=$(basename "$kdir")
	kver=${kver#linux-headers-}
	log=$work/$kver.log
	mkdir -p "$work/lib/$kver"
	k=(-k "$kver" --kernelsourcedir "$kdir")
	if dkms build -m thinvisor -v "$version" "${k[@]}" "${trees[@]}" >"$log" 2>&1 &&
	   dkms install -m thinvisor -v "$version" "${k[@]}" "${trees[@]}" >>"$log" 2>&1; then
		ko=$(find "$work/lib" -path "*$kver*" -name 'thinvisor.ko*' | head -n 1)
		got=$([ -n "$ko" ] && modinfo -F vermagic "$ko" | cut -d' ' -f1)
		if [ "$got" = "$kver" ]; then
			echo "dkms-check: thinvisor $version built and installed by DKMS for $kver"
			continue
		fi
		echo "dkms-check: no module for $kver in the install tree (${ko:-none}, ${got:-?})" >&2
	fi
	tail -n 30 "$log"
	find "$work/dkms" -name make.log -path "*$kver*" -exec tail -n 30 {} \;
	echo "dkms-check: DKMS failed for $kver" >&2
	status=1
done
exit $status
