// SPDX-License-Identifier: GPL-2.0
/* The CPUs the CPUID unit tests run the policy against (recorded_cpu.h). */
#include <stdio.h>
#include <stdlib.h>

#include "recorded_cpu.h"

void cpuid_insn(u32 fn, u32 index, u32 out[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(fn), "c"(index));
}

void cpu_raw(void *ctx, u32 fn, u32 index, u32 out[4])
{
	struct cpu *c = ctx;
	unsigned int i;

	if (c->live) {
		cpuid_insn(fn, index, out);
		return;
	}
	memset(out, 0, 4 * sizeof(*out));
	for (i = 0; i < c->n; i++) {
		struct leaf *l = &c->leaves[i];

		if (l->fn == fn && (!l->has_index || l->index == index)) {
			memcpy(out, l->r, sizeof(l->r));
			return;
		}
	}
}

int cpu_load(struct cpu *c, const char *file)
{
	char path[512], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", CPUID_DATA_DIR, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	memset(c, 0, sizeof(*c));
	c->name = file;
	while (fgets(line, sizeof(line), f) && c->n < MAX_LEAVES) {
		struct leaf *l = &c->leaves[c->n];
		unsigned long long x;
		char *sl;

		if (sscanf(line, "# XCR0 %llx", &x) == 1)
			c->xcr0 = x;
		if (sscanf(line, "CPUID %x: %x-%x-%x-%x", &l->fn, &l->r[0], &l->r[1],
			   &l->r[2], &l->r[3]) != 5)
			continue;
		sl = strstr(line, "[SL ");
		if (sl) {
			l->has_index = true;
			l->index = strtoul(sl + 4, NULL, 16);
		}
		c->n++;
	}
	fclose(f);
	/* No XCR0 recorded: what Linux turns on, every state the CPU has. */
	if (!c->xcr0) {
		u32 r[4];

		cpu_raw(c, 0xd, 0, r);
		c->xcr0 = r[0] | (u64)r[3] << 32;
	}
	return c->n ? 0 : -1;
}

void cpu_live(struct cpu *c)
{
	u32 r[4], lo, hi;

	memset(c, 0, sizeof(*c));
	c->name = "this machine's CPU";
	c->live = true;
	cpuid_insn(1, 0, r);
	if (r[2] & (1U << 27)) {	/* OSXSAVE */
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		c->xcr0 = lo | (u64)hi << 32;
	}
}
