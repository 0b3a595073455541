// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk request parsing (blk_req.h).
 *
 * The guest can rewrite its buffers while the device reads them, so the
 * header and a discard segment are copied out once and only the copies
 * are checked and used; the data itself is never looked at here.
 */
#include <string.h>

#include "virtio/blk_req.h"

#define HEADER_BYTES	16
#define SEGMENT_BYTES	16	/* a discard/write-zeroes range: sector, count, flags */

/*
 * Bytes [from, from + len) of the chain's readable (or writable) part as
 * iovecs appended to r; -1 if the part is shorter.
 */
static int take(const struct virtq_chain *c, bool writable, uint64_t from, uint64_t len,
		struct blk_req *r)
{
	unsigned int i;
	uint64_t n;

	for (i = 0; i < c->n && len; i++) {
		const struct virtq_buf *b = &c->buf[i];

		if (b->writable != writable)
			continue;
		if (from >= b->len) {
			from -= b->len;
			continue;
		}
		n = b->len - from < len ? b->len - from : len;
		r->iov[r->niov].iov_base = b->p + from;
		r->iov[r->niov].iov_len = n;
		r->niov++;
		len -= n;
		from = 0;
	}
	return len ? -1 : 0;
}

/* Copy bytes [from, from + len) of the readable part into out. */
static int copy_readable(const struct virtq_chain *c, uint64_t from, void *out, size_t len,
			 struct blk_req *scratch)
{
	uint8_t *o = out;
	unsigned int i;

	scratch->niov = 0;
	if (take(c, false, from, len, scratch))
		return -1;
	for (i = 0; i < scratch->niov; i++) {
		memcpy(o, scratch->iov[i].iov_base, scratch->iov[i].iov_len);
		o += scratch->iov[i].iov_len;
	}
	scratch->niov = 0;
	return 0;
}

static enum blk_parse answer(struct blk_req *r, uint8_t status)
{
	r->op = BLK_OP_NONE;
	r->status = status;
	r->niov = 0;
	r->len = 0;
	return BLK_PARSE_OK;
}

/* [sector, sector + len bytes) lies on the disk. */
static bool in_range(const struct blk_geometry *g, uint64_t sector, uint64_t len)
{
	return sector <= g->sectors && len / VIRTIO_BLK_SECTOR <= g->sectors - sector;
}

static enum blk_parse parse_rw(const struct virtq_chain *c, const struct blk_geometry *g,
			       bool write, uint64_t sector, uint64_t out, uint64_t in,
			       struct blk_req *r)
{
	uint64_t len = write ? out : in;

	/* Data only in the direction of the request. */
	if (write ? in : out)
		return answer(r, VIRTIO_BLK_S_IOERR);
	if (write && g->ro)
		return answer(r, VIRTIO_BLK_S_IOERR);
	if (!len || len % VIRTIO_BLK_SECTOR || !in_range(g, sector, len))
		return answer(r, VIRTIO_BLK_S_IOERR);
	if (take(c, write ? false : true, write ? HEADER_BYTES : 0, len, r))
		return answer(r, VIRTIO_BLK_S_IOERR);
	r->op = write ? BLK_OP_WRITE : BLK_OP_READ;
	r->offset = sector * VIRTIO_BLK_SECTOR;
	r->len = len;
	return BLK_PARSE_OK;
}

/* One range (max_discard_seg and max_write_zeroes_seg are 1). */
static enum blk_parse parse_range(const struct virtq_chain *c, const struct blk_geometry *g,
				  bool zeroes, uint64_t out, uint64_t in, struct blk_req *r)
{
	uint8_t seg[SEGMENT_BYTES];
	uint64_t sector;
	uint32_t count, flags;

	if (!(zeroes ? g->write_zeroes : g->discard))
		return answer(r, VIRTIO_BLK_S_UNSUPP);
	if (g->ro || in || out != SEGMENT_BYTES)
		return answer(r, VIRTIO_BLK_S_IOERR);
	if (copy_readable(c, HEADER_BYTES, seg, sizeof(seg), r))
		return answer(r, VIRTIO_BLK_S_IOERR);
	memcpy(&sector, seg, 8);
	memcpy(&count, seg + 8, 4);
	memcpy(&flags, seg + 12, 4);
	/* Discard has no flags; write-zeroes only unmap (5.2.6.2). */
	if (flags & ~(zeroes ? VIRTIO_BLK_WZ_FLAG_UNMAP : 0))
		return answer(r, VIRTIO_BLK_S_UNSUPP);
	if (!count || count > g->max_discard_sectors ||
	    !in_range(g, sector, (uint64_t)count * VIRTIO_BLK_SECTOR))
		return answer(r, VIRTIO_BLK_S_IOERR);
	r->op = zeroes ? BLK_OP_WRITE_ZEROES : BLK_OP_DISCARD;
	r->unmap = flags & VIRTIO_BLK_WZ_FLAG_UNMAP;
	r->offset = sector * VIRTIO_BLK_SECTOR;
	r->len = (uint64_t)count * VIRTIO_BLK_SECTOR;
	return BLK_PARSE_OK;
}

enum blk_parse blk_req_parse(const struct virtq_chain *c, const struct blk_geometry *g,
			     struct blk_req *r)
{
	const struct virtq_buf *last;
	uint8_t header[HEADER_BYTES];
	uint64_t sector, out, in;
	uint32_t type;

	r->op = BLK_OP_NONE;
	r->status_p = NULL;
	r->unmap = false;
	r->offset = 0;
	r->len = 0;
	r->niov = 0;
	/* Writable buffers come last (virtq_pop() checks): the status ends the last one. */
	if (!c->n || !c->writable)
		return BLK_PARSE_NO_STATUS;
	last = &c->buf[c->n - 1];
	if (!last->writable)
		return BLK_PARSE_NO_STATUS;
	r->status_p = last->p + last->len - 1;
	if (copy_readable(c, 0, header, sizeof(header), r))
		return answer(r, VIRTIO_BLK_S_IOERR);
	memcpy(&type, header, 4);
	memcpy(&sector, header + 8, 8);
	out = c->readable - HEADER_BYTES;
	in = c->writable - 1;

	switch (type) {
	case VIRTIO_BLK_T_IN:
		return parse_rw(c, g, false, sector, out, in, r);
	case VIRTIO_BLK_T_OUT:
		return parse_rw(c, g, true, sector, out, in, r);
	case VIRTIO_BLK_T_FLUSH:
		if (out || in)
			return answer(r, VIRTIO_BLK_S_IOERR);
		r->op = BLK_OP_FLUSH;
		return BLK_PARSE_OK;
	case VIRTIO_BLK_T_GET_ID:
		if (out || !in)
			return answer(r, VIRTIO_BLK_S_IOERR);
		r->len = in < VIRTIO_BLK_ID_BYTES ? in : VIRTIO_BLK_ID_BYTES;
		if (take(c, true, 0, r->len, r))
			return answer(r, VIRTIO_BLK_S_IOERR);
		r->op = BLK_OP_GET_ID;
		return BLK_PARSE_OK;
	case VIRTIO_BLK_T_DISCARD:
		return parse_range(c, g, false, out, in, r);
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return parse_range(c, g, true, out, in, r);
	default:
		return answer(r, VIRTIO_BLK_S_UNSUPP);
	}
}

uint32_t blk_req_written(const struct blk_req *r, uint8_t status)
{
	if (status == VIRTIO_BLK_S_OK && (r->op == BLK_OP_READ || r->op == BLK_OP_GET_ID))
		return r->len + 1;
	return 1;
}

unsigned int blk_iov_advance(struct iovec *iov, unsigned int niov, uint64_t n)
{
	unsigned int i = 0, j;

	while (i < niov && n >= iov[i].iov_len) {
		n -= iov[i].iov_len;
		i++;
	}
	if (i < niov) {
		iov[i].iov_base = (uint8_t *)iov[i].iov_base + n;
		iov[i].iov_len -= n;
	}
	for (j = 0; i + j < niov; j++)
		iov[j] = iov[i + j];
	return niov - i;
}
