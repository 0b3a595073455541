/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory as thinrun maps it: one host buffer holding the guest's
 * RAM below the MMIO hole at guest-physical 0, and the rest at high_gpa
 * (vmm.h).  Every guest address a device is handed goes through
 * guest_mem_ptr() first: a range not wholly inside one of the two parts
 * has no host pointer, so no device touches memory outside the guest's.
 */
#ifndef THINRUN_VIRTIO_GUEST_MEM_H
#define THINRUN_VIRTIO_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *host;		/* guest-physical 0 */
	uint64_t size;		/* all of it */
	uint64_t low;		/* the bytes at 0; the rest at high_gpa */
	uint64_t high_gpa;
};

/* The host address of [gpa, gpa + len), len > 0, or NULL. */
static inline void *guest_mem_ptr(const struct guest_mem *g, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	if (!len)
		return NULL;
	if (gpa < g->low)
		return len <= g->low - gpa ? g->host + gpa : NULL;
	if (gpa < g->high_gpa)
		return NULL;
	off = gpa - g->high_gpa;
	if (off >= g->size - g->low || len > g->size - g->low - off)
		return NULL;
	return g->host + g->low + off;
}

#endif
