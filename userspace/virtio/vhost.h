/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device served by the host kernel's vhost (drivers/vhost): the kernel's
 * worker thread reads and writes the guest's rings in thinrun's mapping of
 * guest memory, waits for the guest's kicks on an eventfd per queue and
 * signals an eventfd when it wants an interrupt.  vhost knows nothing of
 * thinvisor: it takes plain eventfds and launcher-virtual addresses, and
 * binds its worker to thinrun's memory with VHOST_SET_OWNER.
 *
 * This file holds what vhost-net and vhost-vsock have in common: the
 * device file, its owner, the memory table and the rings.  The memory
 * table is set once, before the guest runs, and never changes: thinrun
 * never changes a memory slot of a running guest (vhost would go on
 * using the old mapping).
 *
 * Errors vhost finds in a ring the guest set up (a descriptor outside
 * guest memory, a loop) are signalled on an eventfd per queue
 * (VHOST_SET_VRING_ERR); vhost_dev_error_fd() gives the one eventfd all
 * the device's queues share, for the device to set DEVICE_NEEDS_RESET.
 */
#ifndef THINRUN_VIRTIO_VHOST_H
#define THINRUN_VIRTIO_VHOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "virtio/guest_mem.h"
#include "virtio/virtq.h"

#define VHOST_DEV_MAX_QUEUES	2

struct vhost_dev {
	int fd;			/* /dev/vhost-net or /dev/vhost-vsock */
	const char *path;
	uint64_t features;	/* what this vhost offers (VHOST_GET_FEATURES) */
	int err_fd;		/* eventfd: vhost found a ring malformed */
	/* The watcher of err_fd (vhost_dev_watch()). */
	void (*on_error)(void *opaque);
	void *opaque;
	int stop_fd;
	pthread_t watcher;
	bool watching;
};

/*
 * Open path (the module it needs named in the message when it is not
 * there), make thinrun its owner and read its features.  0, or -1 with a
 * message.
 */
int vhost_dev_open(struct vhost_dev *v, const char *path, const char *module);

/* Guest memory as vhost's memory table: once, before the guest runs. */
int vhost_dev_set_memory(struct vhost_dev *v, const struct guest_mem *mem);

/*
 * Hand vhost the rings of nr queues: the features the driver accepted (only
 * those vhost knows go to it), each ring's size and host addresses, its
 * index from 0, its kick eventfd, and call_fd for every queue.  The
 * backend (tap, running vsock) is attached by the device after this.
 * 0, or -1 with a message.
 */
int vhost_dev_start_rings(struct vhost_dev *v, uint64_t features, const struct virtq *q,
			  const int *kick_fd, unsigned int nr, int call_fd);

/*
 * A thread that waits on the error eventfd and calls on_error(opaque)
 * each time vhost signals it (not per packet: only when vhost stopped
 * serving a malformed ring).  0, or -1 with a message.
 */
int vhost_dev_watch(struct vhost_dev *v, void (*on_error)(void *), void *opaque);

/* Stop the watcher, then close everything; a vhost_dev that never opened has fd -1. */
void vhost_dev_close(struct vhost_dev *v);

#endif
