/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport, version 2 (virtio 1.x, 4.2; no legacy):
 * the register window of one device as a state machine, with no lock
 * and no thread of its own.  The device that embeds it supplies
 * callbacks (its activation and reset) and serializes every call.
 *
 * The offload interface: what a device, and the backend that serves its
 * queues (a thread of thinrun, io_uring, the kernel's vhost), use.
 *
 *   - Kick: each queue q has an eventfd, virtio_mmio_kick_fd(d, q).
 *     The guest's QueueNotify write of q signals it.  Once
 *     virtio_mmio_attach() has run, the module does that with no exit
 *     to userspace (TV_IOEVENTFD on base + 0x50, 4 bytes, data match q);
 *     a QueueNotify that still reaches thinrun (a unit test, a queue
 *     number the device does not have) is handled here the same way.
 *     The backend waits on the kick eventfd and reads it to re-arm.
 *   - Call: the device has one eventfd, virtio_mmio_call_fd(d), for all
 *     its queues.  Writing it (virtio_mmio_used() does, or the backend
 *     does directly, as vhost does) sets VIRTIO_MMIO_INT_VRING in the
 *     device's InterruptStatus and raises its pin: the module serves
 *     InterruptStatus (0x60) and InterruptACK (0x64) and drops the
 *     level-triggered line once the guest has acknowledged every bit
 *     (TV_IRQFD with TV_IRQFD_FLAG_VIRTIO_MMIO).  Whoever writes it
 *     checks first that the driver wants the interrupt
 *     (virtq_should_interrupt()).
 *   - A configuration interrupt (DEVICE_NEEDS_RESET) goes through a
 *     second eventfd of the transport's own, the same way.
 *   - The device learns of the rings in its activate callback (the
 *     addresses are in vq[]) and of a reset in its reset callback.
 *
 * Before virtio_mmio_attach() (only the unit tests run so), the transport
 * keeps InterruptStatus itself and drives the line with set_irq.  thinrun
 * always attaches: the module it ships with has both ioctls, so there is
 * no userspace fallback for the doorbell or the interrupt.
 *
 * A register write is checked against the device status first
 * (virtio 3.1.1): features only while the driver negotiates them, queue
 * registers only between FEATURES_OK and DRIVER_OK and while the queue is
 * not ready, notifications only once DRIVER_OK is set and the device
 * does not need a reset; a status write may only add bits, in order.
 * Writes out of place are ignored.  A kick that arrives before the queue
 * is live (the module signals without asking) is the backend's to
 * ignore: it checks virtio_mmio_live() and the queue's ready flag.
 */
#ifndef THINRUN_VIRTIO_MMIO_H
#define THINRUN_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"
#include "virtio/guest_mem.h"
#include "virtio/virtq.h"

/* The registers (4.2.2) */
#define VIRTIO_MMIO_MAGIC		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC_VALUE		0x74726976	/* "virt" */
#define VIRTIO_MMIO_VENDOR		0x52564854	/* "THVR" */

/* The device status bits (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* InterruptStatus bits */
#define VIRTIO_MMIO_INT_VRING		0x1
#define VIRTIO_MMIO_INT_CONFIG		0x2

/* Feature bits the transport knows (6) */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_VERSION_1		32

/* Device IDs (5) */
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_ID_RNG			4

#define VIRTIO_MMIO_MAX_QUEUES		8

struct virtio_mmio_ops {
	/* The driver set DRIVER_OK: 0, or -1 to refuse (NEEDS_RESET). */
	int (*activate)(void *opaque);
	/* The driver wrote 0 to Status: the queues are already gone. */
	void (*reset)(void *opaque);
};

struct virtio_mmio {
	uint32_t device_id;
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t device_features_sel, driver_features_sel;
	uint32_t queue_sel;
	unsigned int num_queues;
	uint16_t queue_max;
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	bool irq_level;
	const uint8_t *config;	/* the device's configuration (read-only), or NULL */
	uint32_t config_len;

	struct guest_mem mem;
	const struct virtio_mmio_ops *ops;
	void *opaque;
	void (*set_irq)(void *irq_opaque, bool level);
	void *irq_opaque;

	/* The offload interface's eventfds (-1 until virtio_mmio_init()). */
	int kick_fd[VIRTIO_MMIO_MAX_QUEUES];
	int call_fd;
	int config_fd;
	bool attached;		/* the module serves kicks and InterruptStatus */
	/*
	 * Accesses to QueueNotify, InterruptStatus and InterruptACK that
	 * reached thinrun: the per-request exits the module spares once
	 * attached (thinrun --stats reports them).
	 */
	uint64_t request_exits;
};

/*
 * A device of this ID offering these features (VIRTIO_F_VERSION_1 is
 * added) with num_queues queues of at most queue_max entries each, and
 * its eventfds.  0, or -1 with a message (the eventfds could not be made:
 * virtio_mmio_destroy() it all the same).
 */
int virtio_mmio_init(struct virtio_mmio *d, uint32_t device_id, uint64_t features,
		     unsigned int num_queues, uint16_t queue_max,
		     const struct guest_mem *mem, const struct virtio_mmio_ops *ops,
		     void *opaque, void (*set_irq)(void *, bool), void *irq_opaque);

/*
 * Hand the kicks and the interrupt of the device whose window starts at
 * base, on IOAPIC pin gsi, to the module of VM vm_fd (TV_IOEVENTFD per
 * queue, TV_IRQFD for the call and the config eventfds).  0, or -1 with
 * a message and nothing left registered.  Call it before the vCPUs run.
 */
int virtio_mmio_attach(struct virtio_mmio *d, int vm_fd, uint64_t base, uint32_t gsi);

/* Close the eventfds (the VM's entries go with the VM fd). */
void virtio_mmio_destroy(struct virtio_mmio *d);

/* The eventfd the guest's QueueNotify of queue q signals; -1 if no such queue. */
int virtio_mmio_kick_fd(const struct virtio_mmio *d, unsigned int q);

/* The eventfd whose every write is a used-buffer interrupt. */
int virtio_mmio_call_fd(const struct virtio_mmio *d);

/* One guest access at this offset in the window (bus.h's access function). */
enum dev_event virtio_mmio_access(struct virtio_mmio *d, uint64_t offset, bool is_write,
				  uint8_t *data, unsigned int len);

/* The device's configuration space: len bytes at config, which outlive d. */
void virtio_mmio_set_config(struct virtio_mmio *d, const void *config, uint32_t len);

/* Whether the device may serve its queues now: DRIVER_OK, no reset needed. */
bool virtio_mmio_live(const struct virtio_mmio *d);

/*
 * The device put buffers in queue q's used ring: interrupt if the driver
 * wants (a write of the call eventfd once attached).
 */
void virtio_mmio_used(struct virtio_mmio *d, unsigned int q);

/* A queue is malformed: set DEVICE_NEEDS_RESET and tell the driver. */
void virtio_mmio_needs_reset(struct virtio_mmio *d);

#endif
