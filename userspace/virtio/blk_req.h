/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk requests (virtio 1.x, 5.2.6): what one chain of a request
 * queue asks for, as pure code with no I/O, so that it can be tested
 * over hostile chains.
 *
 * The driver may frame a request as it likes (2.7.4.4): the 16-byte
 * header is the first bytes of the device-readable part, the status is
 * the last byte of the device-writable part, and the data is what lies
 * between.  The parser gathers the header across buffers, and turns the
 * data into an iovec over guest memory (each buffer already checked by
 * virtq_pop() to lie in guest memory).
 *
 * A chain with no device-writable byte has nowhere to put a status: it
 * cannot be answered, and the device needs a reset.  Any other bad
 * request is answered with VIRTIO_BLK_S_IOERR (a malformed request, or
 * one outside the disk or against a read-only one) or VIRTIO_BLK_S_UNSUPP
 * (a type or flag the device does not offer).
 */
#ifndef THINRUN_VIRTIO_BLK_REQ_H
#define THINRUN_VIRTIO_BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "virtio/virtq.h"

/* Feature bits (5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX		1
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_MQ			12
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

/* Request types (5.2.6) */
#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13

#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

#define VIRTIO_BLK_WZ_FLAG_UNMAP	1
#define VIRTIO_BLK_ID_BYTES		20
#define VIRTIO_BLK_SECTOR		512

/* What the device is, as the parser checks requests against it. */
struct blk_geometry {
	uint64_t sectors;		/* capacity, in 512-byte sectors */
	bool ro;
	bool discard;			/* VIRTIO_BLK_F_DISCARD offered */
	bool write_zeroes;		/* VIRTIO_BLK_F_WRITE_ZEROES offered */
	uint32_t max_discard_sectors;	/* also for write-zeroes */
};

enum blk_req_op {
	BLK_OP_NONE,		/* answer at once with status (no I/O) */
	BLK_OP_READ,		/* iov from the disk at offset */
	BLK_OP_WRITE,		/* iov to the disk at offset */
	BLK_OP_FLUSH,
	BLK_OP_GET_ID,		/* fill iov (up to 20 bytes) with the ID */
	BLK_OP_DISCARD,		/* [offset, offset + len) deallocated */
	BLK_OP_WRITE_ZEROES,	/* [offset, offset + len) reads zero */
};

struct blk_req {
	enum blk_req_op op;
	uint8_t status;		/* for BLK_OP_NONE: what to answer */
	uint8_t *status_p;	/* where the status goes: guest memory */
	bool unmap;		/* write-zeroes may deallocate */
	uint64_t offset;	/* in bytes */
	uint64_t len;		/* bytes of data (READ, WRITE, GET_ID, DISCARD, ...) */
	unsigned int niov;
	struct iovec iov[VIRTQ_MAX_SIZE];
};

enum blk_parse {
	BLK_PARSE_OK,		/* r says what to do and where the status goes */
	BLK_PARSE_NO_STATUS,	/* no device-writable byte: the queue needs a reset */
};

/* What chain c asks of a disk g, into r. */
enum blk_parse blk_req_parse(const struct virtq_chain *c, const struct blk_geometry *g,
			     struct blk_req *r);

/*
 * Bytes the device wrote into the chain for request r once it is done
 * with status: the used ring's len (data read, or the ID, and the status
 * byte).
 */
uint32_t blk_req_written(const struct blk_req *r, uint8_t status);

/* Drop the first n bytes of an iovec (after a short transfer); the new count. */
unsigned int blk_iov_advance(struct iovec *iov, unsigned int niov, uint64_t n);

#endif
