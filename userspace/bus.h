/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bus: the address ranges of the devices on it (port I/O or MMIO), and
 * the dispatch of one guest access to the device whose range holds it.
 * The vCPU loop (run.c) knows buses, not devices.
 *
 * Locking: a bus takes no lock.  Every range is added before the vCPU
 * threads start (machine.c) and none is added or removed while they run,
 * so a lookup reads an array nobody writes.  A device serializes its own
 * state with its own lock, taken inside its access function; that lock is
 * a leaf except for the calls a device makes while holding it, which take
 * no thinrun lock (TV_IRQ_LINE, an eventfd write, machine_end()).
 */
#ifndef THINRUN_BUS_H
#define THINRUN_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"

/*
 * One access of len bytes (1, 2, 4 or 8) at offset from the start of the
 * device's range; data is what a write writes or where a read goes.
 * DEV_NOT_MINE: nothing answers there (a read sees all ones).
 */
typedef enum dev_event (*bus_access_fn)(void *opaque, uint64_t offset, bool is_write,
					uint8_t *data, unsigned int len);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_access_fn access;
	void *opaque;
	const char *name;
};

#define BUS_MAX_RANGES	32

struct bus {
	const char *name;			/* "port", "MMIO": for messages */
	struct bus_range r[BUS_MAX_RANGES];	/* sorted by base, disjoint */
	unsigned int n;
};

void bus_init(struct bus *b, const char *name);

/*
 * Add [base, base + len): 0, or -1 with a message on stderr when the
 * range is empty, wraps, overlaps one already there, or the bus is full.
 */
int bus_add(struct bus *b, uint64_t base, uint64_t len, bus_access_fn access,
	    void *opaque, const char *name);

/* The range that holds all of [addr, addr + len), or NULL. */
const struct bus_range *bus_find(const struct bus *b, uint64_t addr, unsigned int len);

/*
 * Hand one access to the device there.  A read that no device answers
 * (DEV_NOT_MINE, no range, or an access across two ranges) is all ones.
 */
enum dev_event bus_access(const struct bus *b, uint64_t addr, bool is_write,
			  uint8_t *data, unsigned int len);

#endif
