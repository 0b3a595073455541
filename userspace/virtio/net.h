/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net (virtio 5.1) over the host kernel's vhost-net and a tap:
 * thinrun keeps the device's registers and configuration (MAC, link up)
 * and hands the two queues (receive 0, transmit 1) to vhost-net, whose
 * worker moves packets between the guest's rings and the tap with no
 * exit to userspace and no thinrun thread per packet.  The guest's kicks
 * reach vhost through the transport's kick eventfds and its interrupts
 * leave through the transport's call eventfd (virtio/mmio.h), both
 * served by the module.  With vhost=off a thread of thinrun copies the
 * packets instead (virtio/net_user.h).
 *
 * Offered: the checksum and segmentation offloads in both directions
 * that the tap takes (the guest's receive offloads are set on the tap
 * with TUNSETOFFLOAD once the driver has chosen), MRG_RXBUF, EVENT_IDX,
 * indirect descriptors, MAC and STATUS.  Never ACCESS_PLATFORM: vhost
 * reads guest memory through the memory table, not an IOMMU.
 */
#ifndef THINRUN_VIRTIO_NET_H
#define THINRUN_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"
#include "virtio/guest_mem.h"
#include "virtio/vhost_opts.h"

struct virtio_net;

/*
 * Everything that can fail on the host, before the guest exists: the
 * tap (there, a tap, ours to use), /dev/vhost-net.  NULL with a message
 * that says what to do.
 */
struct virtio_net *virtio_net_open(const struct net_opts *o);

/*
 * The device with its queues served in thinrun (o->vhost false) on an
 * open fd that behaves as a tap with a 12-byte virtio header: for the
 * unit test.  The device owns fd.  NULL with a message.
 */
struct virtio_net *virtio_net_on_fd(const struct net_opts *o, int fd);

/*
 * The device on guest memory mem, its interrupt through set_irq until
 * attached: vhost's memory table and the transport.  0, or -1 with a
 * message.
 */
int virtio_net_start(struct virtio_net *n, const struct guest_mem *mem,
		     void (*set_irq)(void *, bool), void *irq_opaque);

/* virtio_mmio_attach() for its transport. */
int virtio_net_attach(struct virtio_net *n, int vm_fd, uint64_t base, uint32_t gsi);

/* The bus's access function (bus.h) of its window, opaque the device. */
enum dev_event virtio_net_access(void *opaque, uint64_t offset, bool is_write,
				 uint8_t *data, unsigned int len);

/*
 * How many guest register accesses reached thinrun (vCPU exits to it);
 * in *request_exits those of them to QueueNotify, InterruptStatus and
 * InterruptACK, which the module serves once attached.
 */
unsigned long virtio_net_accesses(struct virtio_net *n, unsigned long *request_exits);

/* Stop vhost and free the device; before guest memory goes.  NULL is nothing. */
void virtio_net_close(struct virtio_net *n);

#endif
