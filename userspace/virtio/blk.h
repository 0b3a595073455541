/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk (virtio 1.x, 5.2) over virtio-mmio, backed by a file (or a
 * block device) through io_uring: thinrun --disk FILE[,ro].
 *
 * One request queue per vCPU (VIRTIO_BLK_F_MQ, up to
 * VIRTIO_MMIO_MAX_QUEUES), each served by a thread of its own with an
 * io_uring of its own.  The thread waits in io_uring for two things at
 * once: its queue's doorbell (an eventfd read) and the completions of the
 * I/O it submitted.  Reads and writes go straight between the file and
 * guest memory (the iovecs of blk_req.h); a batch of completions ends
 * with one interrupt, if the driver wants one (VIRTIO_F_EVENT_IDX).
 *
 * The image is opened, checked and locked before the guest starts
 * (virtio_blk_open): flock LOCK_EX for a writable disk, LOCK_SH for a
 * read-only one, so that two launchers never share a writable disk.
 * O_DIRECT is used where the file system takes it; a request it refuses
 * (EINVAL: alignment) goes through the page cache instead.
 */
#ifndef THINRUN_VIRTIO_BLK_H
#define THINRUN_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"
#include "virtio/guest_mem.h"

struct virtio_blk;
struct virtio_blk_image;

/* Open, check and lock the image of --disk spec ("FILE" or "FILE,ro"); NULL with a message. */
struct virtio_blk_image *virtio_blk_open(const char *spec);

/* Close an image no device took; NULL is nothing. */
void virtio_blk_image_close(struct virtio_blk_image *img);

/*
 * The device over img (which it now owns, even on failure), with queues
 * request queues, and its ID string (up to 20 bytes); NULL with a message.
 */
struct virtio_blk *virtio_blk_start(struct virtio_blk_image *img, unsigned int queues,
				    const char *id, const struct guest_mem *mem,
				    void (*set_irq)(void *, bool), void *irq_opaque);

/* The bus's access function (bus.h) of its window, opaque the device. */
enum dev_event virtio_blk_access(void *opaque, uint64_t offset, bool is_write,
				 uint8_t *data, unsigned int len);

/*
 * virtio_mmio_attach() for the device's transport (mmio.h): the module
 * turns the guest's QueueNotify into a signal of the queue's kick eventfd
 * and serves InterruptStatus; 0, or -1 with a message.
 */
int virtio_blk_attach(struct virtio_blk *b, int vm_fd, uint64_t base, uint32_t gsi);

/* --stats, once the vCPUs are gone: the requests served, the register exits. */
void virtio_blk_report(struct virtio_blk *b);

/* Stop the threads (after their I/O), close the image, free; NULL is nothing. */
void virtio_blk_stop(struct virtio_blk *b);

#endif
