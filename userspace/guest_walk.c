// SPDX-License-Identifier: GPL-2.0
/* thinrun: the guest's own page tables, read as its CPU would read them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "guest_walk.h"

#define PTE_PRESENT	(1ull << 0)
#define PTE_LARGE	(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull
#define CR0_PG		(1ull << 31)
#define CR4_LA57	(1ull << 12)
#define EFER_LMA	(1ull << 10)

void guest_walk_print(const struct guest_mem *mem, unsigned int vcpu,
		      const struct tv_sregs *s, uint64_t va, const char *what)
{
	int levels = (s->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = s->cr3 & PTE_ADDR, entry = 0;
	char line[512];
	int len, level;

	if (!(s->cr0 & CR0_PG) || !(s->efer & EFER_LMA))
		return;
	len = snprintf(line, sizeof(line), "thinrun: vCPU %u %s 0x%" PRIx64 ":", vcpu, what, va);
	for (level = levels; level >= 1; level--) {
		unsigned int index = (va >> (12 + 9 * (level - 1))) & 511;
		const uint64_t *p = guest_mem_ptr(mem, table + index * 8, 8);

		if (!p) {
			len += snprintf(line + len, sizeof(line) - len,
					" L%d table 0x%" PRIx64 " not in RAM", level, table);
			break;
		}
		memcpy(&entry, p, sizeof(entry));
		len += snprintf(line + len, sizeof(line) - len, " L%d[%u]=0x%" PRIx64,
				level, index, entry);
		if (!(entry & PTE_PRESENT)) {
			len += snprintf(line + len, sizeof(line) - len, " not present");
			break;
		}
		if (level == 1 || ((entry & PTE_LARGE) && level <= 3))
			break;
		table = entry & PTE_ADDR;
	}
	fprintf(stderr, "%s\n", line);
}
