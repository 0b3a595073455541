/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic (the instruction decoder, the guest page walker, ...) is
 * written once and built twice: into the module, and into a userspace
 * unit test that runs with no VM (selftests/unit/, whose unit_shim.h gives
 * the same names there).  Such files include this header, and only this
 * header, for their types.
 */
#ifndef THINVISOR_PURE_H
#define THINVISOR_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#else
#include "unit_shim.h"
#endif

#endif
