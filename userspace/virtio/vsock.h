/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock (virtio 5.10) over the host kernel's vhost-vsock: the
 * guest gets the context ID given with --vsock, and its sockets reach the
 * host's AF_VSOCK sockets (CID 2 from the guest; the guest's CID from the
 * host).  thinrun keeps the registers and the configuration (the CID);
 * the receive (0) and transmit (1) queues are vhost's, served with no
 * exit to userspace.  The event queue (2) stays with thinrun, which has
 * no event to send (they are for migration): its buffers wait unused.
 */
#ifndef THINRUN_VIRTIO_VSOCK_H
#define THINRUN_VIRTIO_VSOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"
#include "virtio/guest_mem.h"

struct virtio_vsock;

/*
 * /dev/vhost-vsock with the guest's CID taken, before the guest exists;
 * NULL with a message (the module to load, a CID in use).
 */
struct virtio_vsock *virtio_vsock_open(uint32_t cid);

/* The device on guest memory mem: vhost's memory table and the transport. */
int virtio_vsock_start(struct virtio_vsock *s, const struct guest_mem *mem,
		       void (*set_irq)(void *, bool), void *irq_opaque);

/* virtio_mmio_attach() for its transport. */
int virtio_vsock_attach(struct virtio_vsock *s, int vm_fd, uint64_t base, uint32_t gsi);

/* The bus's access function (bus.h) of its window, opaque the device. */
enum dev_event virtio_vsock_access(void *opaque, uint64_t offset, bool is_write,
				   uint8_t *data, unsigned int len);

/*
 * How many guest register accesses reached thinrun (vCPU exits to it);
 * in *request_exits those of them to QueueNotify, InterruptStatus and
 * InterruptACK, which the module serves once attached.
 */
unsigned long virtio_vsock_accesses(struct virtio_vsock *s, unsigned long *request_exits);

/* Stop vhost and free the device; before guest memory goes.  NULL is nothing. */
void virtio_vsock_close(struct virtio_vsock *s);

#endif
