/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-rng (virtio 5.4) over virtio-mmio: one request queue whose
 * device-writable buffers are filled from getrandom(), by a thread of
 * its own.
 *
 * The thread waits on the device's doorbell, an eventfd.  Today the
 * guest's QueueNotify write is an MMIO exit that thinrun's bus hands to
 * the transport, whose notify callback writes the eventfd; the module's
 * doorbell (issue 13) will write the same eventfd with no exit, and the
 * device will not change.  The interrupt goes out through the set_irq
 * callback it is given (TV_IRQ_LINE today).
 */
#ifndef THINRUN_VIRTIO_RNG_H
#define THINRUN_VIRTIO_RNG_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"
#include "virtio/guest_mem.h"

struct virtio_rng;

/* The device and its thread; NULL with a message. */
struct virtio_rng *virtio_rng_start(const struct guest_mem *mem,
				    void (*set_irq)(void *, bool), void *irq_opaque);

/* The bus's access function (bus.h) of its window, opaque the device. */
enum dev_event virtio_rng_access(void *opaque, uint64_t offset, bool is_write,
				 uint8_t *data, unsigned int len);

/* The eventfd that wakes the device to look at its queue. */
int virtio_rng_doorbell(const struct virtio_rng *r);

/* Stop the thread and free the device; NULL is nothing. */
void virtio_rng_stop(struct virtio_rng *r);

#endif
