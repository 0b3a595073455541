/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net's queues served by a thread of thinrun (--net ...,vhost=off),
 * for hosts without vhost-net: the same device, transport and tap, with
 * the packets copied between the tap and the rings by this thread rather
 * than by the host kernel's vhost worker.  The guest's kicks and the
 * interrupts still go through the module (kick and call eventfds): only
 * the packet copies are thinrun's.
 *
 * The thread waits on the two queues' kick eventfds and on the tap.  A
 * transmit chain (device-readable buffers: the 12-byte virtio header and
 * the packet) is written to the tap in one writev(); a receive chain
 * (device-writable buffers) takes one packet read from the tap with
 * readv().  A chain of the wrong direction or a malformed ring sets
 * DEVICE_NEEDS_RESET.  What the tap refuses is dropped, as a wire would.
 */
#ifndef THINRUN_VIRTIO_NET_USER_H
#define THINRUN_VIRTIO_NET_USER_H

#include <pthread.h>

#include "virtio/mmio.h"

struct net_user;

/*
 * Serve queues 0 (receive) and 1 (transmit) of mmio, under lock (the
 * device's, which guards mmio), with tap.  NULL with a message.
 */
struct net_user *net_user_start(struct virtio_mmio *mmio, pthread_mutex_t *lock, int tap);

/* Stop the thread and free; NULL is nothing. */
void net_user_stop(struct net_user *u);

#endif
