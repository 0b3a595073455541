/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-rng (virtio 5.4) over virtio-mmio: one request queue whose
 * device-writable buffers are filled from getrandom(), by a thread of
 * its own.
 *
 * The thread waits on the queue's kick eventfd, which the module signals
 * on the guest's QueueNotify with no exit to userspace once the device is
 * attached (virtio_rng_attach(), mmio.h); it interrupts the guest through
 * the transport's call eventfd.  Before it is attached (unit tests) the
 * transport signals the kick itself and drives the line with set_irq.
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

/* virtio_mmio_attach() for the device's transport: 0, or -1 with a message. */
int virtio_rng_attach(struct virtio_rng *r, int vm_fd, uint64_t base, uint32_t gsi);

/*
 * One line on stderr: requests served, and how many accesses to
 * QueueNotify, InterruptStatus and InterruptACK reached thinrun.
 */
void virtio_rng_report(struct virtio_rng *r);

/* Stop the thread and free the device; NULL is nothing. */
void virtio_rng_stop(struct virtio_rng *r);

#endif
