// SPDX-License-Identifier: GPL-2.0
/*
 * A bus of disjoint address ranges (bus.h): a sorted array searched by
 * halves.  A few tens of ranges at most, added once at start.
 */
#include <stdio.h>
#include <string.h>

#include "bus.h"

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
}

int bus_add(struct bus *b, uint64_t base, uint64_t len, bus_access_fn access,
	    void *opaque, const char *name)
{
	const struct bus_range *o = NULL;
	unsigned int i;

	if (!len || base + len - 1 < base) {
		fprintf(stderr, "thinrun: %s bus: %s at 0x%llx: bad length 0x%llx\n",
			b->name, name, (unsigned long long)base, (unsigned long long)len);
		return -1;
	}
	if (b->n == BUS_MAX_RANGES) {
		fprintf(stderr, "thinrun: %s bus: no room for %s\n", b->name, name);
		return -1;
	}
	/* The first range that starts above base: the new one goes before it. */
	for (i = 0; i < b->n && b->r[i].base <= base; i++)
		;
	/* It overlaps the range before it (ending at or past base), or the one after. */
	if (i > 0 && b->r[i - 1].base + b->r[i - 1].len - 1 >= base)
		o = &b->r[i - 1];
	else if (i < b->n && base + len - 1 >= b->r[i].base)
		o = &b->r[i];
	if (o) {
		fprintf(stderr, "thinrun: %s bus: %s at 0x%llx overlaps %s at 0x%llx\n",
			b->name, name, (unsigned long long)base, o->name,
			(unsigned long long)o->base);
		return -1;
	}
	memmove(&b->r[i + 1], &b->r[i], (b->n - i) * sizeof(b->r[0]));
	b->r[i] = (struct bus_range){ .base = base, .len = len, .access = access,
				      .opaque = opaque, .name = name };
	b->n++;
	return 0;
}

const struct bus_range *bus_find(const struct bus *b, uint64_t addr, unsigned int len)
{
	unsigned int lo = 0, hi = b->n, mid;
	const struct bus_range *r;

	if (!len || addr + len - 1 < addr)
		return NULL;
	/* The last range that starts at or below addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (b->r[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	r = &b->r[lo - 1];
	/* Both ends inside: offsets from r->base, which cannot wrap. */
	if (addr - r->base > r->len - 1 || addr + len - 1 - r->base > r->len - 1)
		return NULL;
	return r;
}

enum dev_event bus_access(const struct bus *b, uint64_t addr, bool is_write,
			  uint8_t *data, unsigned int len)
{
	const struct bus_range *r = bus_find(b, addr, len);
	enum dev_event e = DEV_NOT_MINE;

	if (r)
		e = r->access(r->opaque, addr - r->base, is_write, data, len);
	if (e == DEV_NOT_MINE && !is_write)
		memset(data, 0xff, len);
	return e;
}
