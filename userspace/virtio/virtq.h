/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The split virtqueue (virtio 1.x, 2.7) on the device's side: pure code
 * over guest memory, with no lock and no I/O; the device that owns the
 * queue serializes every call.
 *
 * The rings belong to a guest that may be hostile and that writes them
 * while the device reads.  So each descriptor is copied once before it is
 * checked and used, every address and length is checked against guest
 * memory, a chain may not be longer than its table (longer means a loop),
 * nor go back from device-writable to readable, nor have an empty buffer;
 * an indirect table (when negotiated) must be whole, a multiple of 16
 * bytes, and may not hold another.  Any of these makes the queue broken:
 * virtq_pop() says so and serves nothing more until the queue is set up
 * again; the device then sets DEVICE_NEEDS_RESET.
 */
#ifndef THINRUN_VIRTIO_VIRTQ_H
#define THINRUN_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/guest_mem.h"

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1

/* The largest queue thinrun offers, and so the longest chain it takes. */
#define VIRTQ_MAX_SIZE		256

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq {
	/* Set by the driver through the transport before the queue is ready. */
	uint16_t size;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool indirect;		/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool event_idx;		/* VIRTIO_F_EVENT_IDX negotiated */

	/* From virtq_setup() on. */
	bool ready;
	bool broken;
	struct virtq_desc *desc;
	uint16_t *avail;	/* flags, idx, ring[size], used_event */
	uint8_t *used;		/* flags, idx, { id, len }[size], avail_event */
	uint16_t last_avail;	/* the next avail ring entry to take */
	uint16_t used_idx;	/* the next used ring entry to fill */
	uint16_t signalled_used;	/* used_idx when the driver was last interrupted */
	bool signalled_valid;	/* false until the first interrupt */
};

/* One buffer of a chain, its host address checked to lie in guest memory. */
struct virtq_buf {
	uint8_t *p;
	uint32_t len;
	bool writable;		/* device-writable */
};

struct virtq_chain {
	uint16_t head;		/* what goes back in the used ring */
	unsigned int n;
	uint64_t readable, writable;	/* bytes of each kind */
	struct virtq_buf buf[VIRTQ_MAX_SIZE];
};

enum virtq_result {
	VIRTQ_EMPTY,		/* nothing new in the avail ring */
	VIRTQ_CHAIN,		/* one chain taken */
	VIRTQ_BROKEN,		/* the queue is malformed: serve it no more */
};

/* Forget everything: a reset queue, not ready, size 0. */
void virtq_reset(struct virtq *q);

/*
 * Check the size (a power of 2, 1 to max) and the three rings (aligned,
 * whole in guest memory) and make the queue ready with its indices at 0.
 * 0, or -1 when the driver's values are bad.
 */
int virtq_setup(struct virtq *q, const struct guest_mem *mem, uint16_t max);

/* Take the next chain from the avail ring. */
enum virtq_result virtq_pop(struct virtq *q, const struct guest_mem *mem,
			    struct virtq_chain *c);

/* Give chain head back with len bytes written into it. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/*
 * After pushes: whether the driver wants an interrupt for them (with
 * EVENT_IDX: whether the used index passed the driver's used_event since
 * the last interrupt this said yes to).
 */
bool virtq_should_interrupt(struct virtq *q);

/*
 * The device has emptied the avail ring and will wait for a notification:
 * with EVENT_IDX, ask for one at the next new entry (avail_event).  True
 * if entries came in meanwhile, which no notification will announce: the
 * device must pop again before it waits.
 */
bool virtq_wait_for_notify(struct virtq *q);

#endif
