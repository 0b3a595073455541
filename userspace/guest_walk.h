/* SPDX-License-Identifier: GPL-2.0 */
/* thinrun: the guest's own page tables, read as its CPU would read them. */
#ifndef THINRUN_GUEST_WALK_H
#define THINRUN_GUEST_WALK_H

#include <stdint.h>
#include <linux/thinvisor.h>

#include "virtio/guest_mem.h"

/*
 * Print, on stderr, each entry the walk of virtual address va through
 * the guest's long-mode tables (CR3, 4 or 5 levels) reads, and where it
 * stops: for a guest that faulted where its tables say it should not.
 */
void guest_walk_print(const struct guest_mem *mem, unsigned int vcpu,
		      const struct tv_sregs *s, uint64_t va, const char *what);

#endif
