// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk on io_uring (blk.h).
 *
 * Locks.  reg_lock serializes the guest's register accesses and the
 * queue threads' start and stop; lock guards the transport state the
 * threads share with it (status, InterruptStatus).  Order: reg_lock, then
 * lock.  A queue thread takes only lock, and only briefly (an interrupt, a
 * NEEDS_RESET), so a vCPU that holds reg_lock may wait for the threads
 * to end: that is how a device reset (Status 0) stops them before the
 * transport forgets the queues, and how it knows that no I/O still lands
 * in guest memory the driver has taken back.
 *
 * Between DRIVER_OK and a reset, queue i belongs to its thread: only it
 * pops, pushes and looks at the rings.  Its requests in flight are
 * indexed by their head descriptor, which the driver cannot offer again
 * before the device gives it back; a head offered twice is a broken
 * queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* musl's fcntl.h names only KEEP_SIZE and PUNCH_HOLE (linux/falloc.h). */
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif

#include "virtio/blk.h"
#include "virtio/blk_req.h"
#include "virtio/mmio.h"

#define BLK_QUEUE_SIZE		VIRTQ_MAX_SIZE
/* Segments per request: the chain less its header and status (without indirect tables). */
#define BLK_SEG_MAX		(BLK_QUEUE_SIZE - 2)
/* io_uring submission entries of a queue (its completions: twice the queue). */
#define BLK_SQ_ENTRIES		64
#define BLK_MAX_DISCARD		(1U << 22)	/* sectors per discard/write-zeroes: 2 GiB */
#define BLK_DISCARD_ALIGN	8		/* sectors: the host's 4 KiB pages */

/* user_data of the SQEs that are not requests (requests use their head). */
#define TAG_KICK		(1ULL << 32)
#define TAG_STOP		(2ULL << 32)

/* The configuration space (5.2.4), little-endian like the host. */
struct blk_config {
	uint64_t capacity;
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
	uint8_t physical_block_exp;
	uint8_t alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback;
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;
	uint8_t unused1[3];
} __attribute__((packed));

_Static_assert(offsetof(struct blk_config, num_queues) == 34, "virtio 5.2.4 layout");
_Static_assert(offsetof(struct blk_config, write_zeroes_may_unmap) == 56, "virtio 5.2.4 layout");

struct virtio_blk_image {
	char *path;
	int fd;			/* locked; buffered I/O */
	int fd_direct;		/* O_DIRECT, or -1 where the file system refuses it */
	uint64_t size;
	bool ro;
	bool punch_hole;	/* fallocate PUNCH_HOLE works: discard */
	bool zero_range;	/* fallocate ZERO_RANGE works: write-zeroes */
};

/*
 * The flags before the request: a request's fields and first iovecs are
 * at its start, and the iovec array fills most of a page, so that flags
 * after it would make each slot the driver uses touch two pages of
 * thinrun's memory rather than one (boot_rss, Documentation/tracing.rst).
 */
struct blk_slot {
	bool busy;
	bool direct;		/* submitted through fd_direct */
	struct blk_req r;
};

struct blk_queue {
	struct virtio_blk *b;
	unsigned int idx;
	int kick;		/* the queue's kick eventfd (the transport's) */
	int stop;		/* eventfd: the thread must end */
	bool kick_armed;	/* a poll of kick is pending in the ring */
	struct io_uring ring;
	bool ring_ok;
	pthread_t thread;
	bool started;
	unsigned int inflight;
	bool pushed;		/* used entries not yet signalled */
	uint64_t requests;	/* chains served, for --stats */
	struct virtq_chain chain;
	struct blk_slot slot[BLK_QUEUE_SIZE];
};

struct virtio_blk {
	pthread_mutex_t reg_lock;
	pthread_mutex_t lock;	/* mmio (status, interrupts) */
	struct virtio_mmio mmio;
	struct virtio_blk_image *img;
	struct blk_geometry geom;
	struct blk_config config;
	char id[VIRTIO_BLK_ID_BYTES];
	unsigned int nq;
	struct blk_queue *q;
};

/* --- the image ------------------------------------------------------- */

void virtio_blk_image_close(struct virtio_blk_image *img)
{
	if (!img)
		return;
	if (img->fd_direct >= 0)
		close(img->fd_direct);
	if (img->fd >= 0)
		close(img->fd);	/* and the lock with it */
	free(img->path);
	free(img);
}

/*
 * Which fallocate modes the file takes, asked past its end with
 * KEEP_SIZE so that no byte of the disk changes.
 */
static void probe_fallocate(struct virtio_blk_image *img)
{
	const int punch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	const int zero = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	off_t end = (img->size + 4095) & ~4095ULL;

	img->punch_hole = !fallocate(img->fd, punch, end, 4096);
	img->zero_range = !fallocate(img->fd, zero, end, 4096);
	/* Zeroing past the end may have allocated there: give it back. */
	if (img->zero_range && img->punch_hole && fallocate(img->fd, punch, end, 4096))
		img->punch_hole = false;
}

static struct virtio_blk_image *open_fail(struct virtio_blk_image *img, const char *what)
{
	fprintf(stderr, "thinrun: --disk %s: %s\n", img->path, what);
	virtio_blk_image_close(img);
	return NULL;
}

struct virtio_blk_image *virtio_blk_open(const char *spec)
{
	struct virtio_blk_image *img = calloc(1, sizeof(*img));
	const char *comma = strrchr(spec, ',');
	struct stat st;
	int flags;

	if (img)
		img->path = strdup(spec);
	if (!img || !img->path) {
		free(img);
		fprintf(stderr, "thinrun: out of memory\n");
		return NULL;
	}
	img->fd = -1;
	img->fd_direct = -1;
	if (comma) {
		if (strcmp(comma + 1, "ro")) {
			fprintf(stderr, "thinrun: --disk %s: the one option is ',ro'\n", spec);
			virtio_blk_image_close(img);
			return NULL;
		}
		img->path[comma - spec] = '\0';
		img->ro = true;
	}
	if (!img->path[0])
		return open_fail(img, "no file named");
	flags = (img->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	img->fd = open(img->path, flags);
	if (img->fd < 0 || fstat(img->fd, &st))
		return open_fail(img, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		img->size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(img->fd, BLKGETSIZE64, &img->size))
			return open_fail(img, strerror(errno));
	} else {
		return open_fail(img, "not a regular file or a block device");
	}
	if (img->size < VIRTIO_BLK_SECTOR)
		return open_fail(img, "smaller than one 512-byte sector");
	/* Shared for reading, exclusive for writing: no two writers, no reader beside one. */
	if (flock(img->fd, (img->ro ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			return open_fail(img, img->ro ?
					 "locked: another process writes this disk" :
					 "locked: another process uses this disk");
		return open_fail(img, strerror(errno));
	}
	img->fd_direct = open(img->path, flags | O_DIRECT);
	if (!img->ro && S_ISREG(st.st_mode))
		probe_fallocate(img);
	return img;
}

/* --- requests ---------------------------------------------------------- */

static void needs_reset(struct virtio_blk *b)
{
	pthread_mutex_lock(&b->lock);
	virtio_mmio_needs_reset(&b->mmio);
	pthread_mutex_unlock(&b->lock);
}

/* Request head is done: its status, then the used ring. */
static void complete(struct blk_queue *q, uint16_t head, uint8_t status)
{
	struct blk_slot *s = &q->slot[head];

	*(volatile uint8_t *)s->r.status_p = status;
	virtq_push(&q->b->mmio.vq[q->idx], head, blk_req_written(&s->r, status));
	s->busy = false;
	q->pushed = true;
}

static struct io_uring_sqe *get_sqe(struct blk_queue *q)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);

	/* The submission ring is small (BLK_SQ_ENTRIES): full, it is submitted. */
	if (!sqe) {
		io_uring_submit(&q->ring);
		sqe = io_uring_get_sqe(&q->ring);
	}
	return sqe;
}

/* Send the request in slot head (again, after a short transfer) to the file. */
static void submit(struct blk_queue *q, uint16_t head)
{
	struct virtio_blk_image *img = q->b->img;
	struct blk_slot *s = &q->slot[head];
	struct blk_req *r = &s->r;
	struct io_uring_sqe *sqe = get_sqe(q);
	int fd = s->direct ? img->fd_direct : img->fd;
	int mode;

	if (!sqe) {
		complete(q, head, VIRTIO_BLK_S_IOERR);
		return;
	}
	switch (r->op) {
	case BLK_OP_READ:
		io_uring_prep_readv(sqe, fd, r->iov, r->niov, r->offset);
		break;
	case BLK_OP_WRITE:
		io_uring_prep_writev(sqe, fd, r->iov, r->niov, r->offset);
		break;
	case BLK_OP_FLUSH:
		io_uring_prep_fsync(sqe, img->fd, IORING_FSYNC_DATASYNC);
		break;
	case BLK_OP_DISCARD:
	case BLK_OP_WRITE_ZEROES:
		mode = r->op == BLK_OP_DISCARD || (r->unmap && img->punch_hole) ?
		       FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE;
		io_uring_prep_fallocate(sqe, img->fd, mode | FALLOC_FL_KEEP_SIZE, r->offset,
					r->len);
		break;
	default:
		io_uring_prep_nop(sqe);
		break;
	}
	io_uring_sqe_set_data64(sqe, head);
}

/* The ID: the bytes asked for, zero-padded (5.2.6: no terminator at 20). */
static void get_id(struct virtio_blk *b, struct blk_req *r)
{
	uint8_t id[VIRTIO_BLK_ID_BYTES] = {};
	uint64_t done = 0;
	unsigned int i;

	memcpy(id, b->id, sizeof(b->id));
	for (i = 0; i < r->niov; i++) {
		memcpy(r->iov[i].iov_base, id + done, r->iov[i].iov_len);
		done += r->iov[i].iov_len;
	}
}

/* Start the request just parsed into slot head. */
static void start(struct blk_queue *q, uint16_t head)
{
	struct blk_slot *s = &q->slot[head];

	s->busy = true;
	switch (s->r.op) {
	case BLK_OP_NONE:
		complete(q, head, s->r.status);
		return;
	case BLK_OP_GET_ID:
		get_id(q->b, &s->r);
		complete(q, head, VIRTIO_BLK_S_OK);
		return;
	default:
		s->direct = q->b->img->fd_direct >= 0 &&
			    (s->r.op == BLK_OP_READ || s->r.op == BLK_OP_WRITE);
		q->inflight++;
		submit(q, head);
	}
}

/* Take every request the driver offers, until the ring is empty. */
static void serve(struct blk_queue *q)
{
	struct virtio_blk *b = q->b;
	struct virtq *vq = &b->mmio.vq[q->idx];

	for (;;) {
		switch (virtq_pop(vq, &b->mmio.mem, &q->chain)) {
		case VIRTQ_EMPTY:
			if (virtq_wait_for_notify(vq))
				continue;
			return;
		case VIRTQ_BROKEN:
			needs_reset(b);
			return;
		case VIRTQ_CHAIN:
			break;
		}
		/* A head still in flight, or a chain with no status byte: broken. */
		if (q->slot[q->chain.head].busy ||
		    blk_req_parse(&q->chain, &b->geom, &q->slot[q->chain.head].r) != BLK_PARSE_OK) {
			vq->broken = true;
			needs_reset(b);
			return;
		}
		q->requests++;
		start(q, q->chain.head);
	}
}

/* One completion of request head, res as io_uring gives it. */
static void finish(struct blk_queue *q, uint64_t head, int res)
{
	struct blk_slot *s;
	struct blk_req *r;

	if (head >= BLK_QUEUE_SIZE || !q->slot[head].busy)
		return;		/* cannot be: not ours */
	s = &q->slot[head];
	r = &s->r;
	if (res == -EINVAL && s->direct) {
		/* O_DIRECT refused this one (alignment): the page cache takes it. */
		s->direct = false;
		submit(q, head);
		return;
	}
	if (res == -EINTR || res == -EAGAIN) {
		submit(q, head);
		return;
	}
	if (res >= 0 && (r->op == BLK_OP_READ || r->op == BLK_OP_WRITE) &&
	    res > 0 && (uint64_t)res < r->len) {
		/* A short transfer: the rest from where it stopped. */
		r->niov = blk_iov_advance(r->iov, r->niov, res);
		r->offset += res;
		r->len -= res;
		submit(q, head);
		return;
	}
	q->inflight--;
	if (res < 0) {
		complete(q, head, res == -EOPNOTSUPP ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR);
		return;
	}
	/* A read of nothing (the file shrank under us) did not read the data. */
	if (res == 0 && (r->op == BLK_OP_READ || r->op == BLK_OP_WRITE)) {
		complete(q, head, VIRTIO_BLK_S_IOERR);
		return;
	}
	complete(q, head, VIRTIO_BLK_S_OK);
}

/*
 * Wait in the ring for fd to be readable.  A poll, not a read: the kick
 * eventfd is non-blocking, and io_uring fails a read of one that would
 * block with EAGAIN rather than wait on some kernels.
 */
static void arm_poll(struct blk_queue *q, int fd, uint64_t tag)
{
	struct io_uring_sqe *sqe = get_sqe(q);

	if (!sqe)
		return;
	io_uring_prep_poll_add(sqe, fd, POLLIN);
	io_uring_sqe_set_data64(sqe, tag);
}

/* Take an eventfd's count (0 and EAGAIN if there is none). */
static void drain(int fd)
{
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		perror("thinrun: virtio-blk: eventfd");
}

/* The batch is done: one interrupt for it, if the driver wants one. */
static void signal_used(struct blk_queue *q)
{
	q->pushed = false;
	pthread_mutex_lock(&q->b->lock);
	virtio_mmio_used(&q->b->mmio, q->idx);
	pthread_mutex_unlock(&q->b->lock);
}

static void *queue_thread(void *arg)
{
	struct blk_queue *q = arg;
	struct io_uring_cqe *cqe;
	bool kicked = true, stopping = false;
	unsigned int head, seen;
	int ret;

	arm_poll(q, q->stop, TAG_STOP);
	for (;;) {
		if (kicked && !stopping) {
			serve(q);
			kicked = false;
		}
		if (!q->kick_armed) {
			arm_poll(q, q->kick, TAG_KICK);
			q->kick_armed = true;
		}
		if (q->pushed)
			signal_used(q);
		if (stopping && !q->inflight)
			break;
		ret = io_uring_submit_and_wait(&q->ring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			fprintf(stderr, "thinrun: virtio-blk queue %u: io_uring: %s\n", q->idx,
				strerror(-ret));
			break;
		}
		seen = 0;
		io_uring_for_each_cqe(&q->ring, head, cqe) {
			seen++;
			if (cqe->user_data == TAG_KICK) {
				/* Drained before the rings are read: a later kick is not lost. */
				drain(q->kick);
				q->kick_armed = false;
				kicked = true;
			} else if (cqe->user_data == TAG_STOP) {
				drain(q->stop);
				stopping = true;
			} else {
				finish(q, cqe->user_data, cqe->res);
			}
		}
		io_uring_cq_advance(&q->ring, seen);
	}
	return NULL;
}

/* --- the transport ------------------------------------------------------ */

static void stop_queues(struct virtio_blk *b)
{
	uint64_t one = 1;
	unsigned int i;

	for (i = 0; i < b->nq; i++) {
		if (!b->q[i].started)
			continue;
		if (write(b->q[i].stop, &one, sizeof(one)) < 0)
			perror("thinrun: virtio-blk");
		pthread_join(b->q[i].thread, NULL);
		b->q[i].started = false;
	}
}

/* DRIVER_OK: a thread for each queue.  Called with both locks held. */
static int blk_activate(void *opaque)
{
	struct virtio_blk *b = opaque;
	unsigned int i;
	int err;

	for (i = 0; i < b->nq; i++) {
		b->q[i].inflight = 0;
		b->q[i].pushed = false;
		err = pthread_create(&b->q[i].thread, NULL, queue_thread, &b->q[i]);
		if (err) {
			fprintf(stderr, "thinrun: virtio-blk queue thread: %s\n", strerror(err));
			return -1;
		}
		b->q[i].started = true;
	}
	return 0;
}

static const struct virtio_mmio_ops blk_ops = {
	.activate = blk_activate,
};

enum dev_event virtio_blk_access(void *opaque, uint64_t offset, bool is_write,
				 uint8_t *data, unsigned int len)
{
	struct virtio_blk *b = opaque;
	enum dev_event e;
	uint32_t val = 0;

	pthread_mutex_lock(&b->reg_lock);
	if (is_write && offset == VIRTIO_MMIO_STATUS && len == 4) {
		memcpy(&val, data, 4);
		/* A reset: the threads end (their I/O done) before the queues go. */
		if (!val)
			stop_queues(b);
	}
	pthread_mutex_lock(&b->lock);
	e = virtio_mmio_access(&b->mmio, offset, is_write, data, len);
	pthread_mutex_unlock(&b->lock);
	pthread_mutex_unlock(&b->reg_lock);
	return e;
}

int virtio_blk_attach(struct virtio_blk *b, int vm_fd, uint64_t base, uint32_t gsi)
{
	int ret;

	pthread_mutex_lock(&b->reg_lock);
	pthread_mutex_lock(&b->lock);
	ret = virtio_mmio_attach(&b->mmio, vm_fd, base, gsi);
	pthread_mutex_unlock(&b->lock);
	pthread_mutex_unlock(&b->reg_lock);
	return ret;
}

static void set_config(struct virtio_blk *b)
{
	struct virtio_blk_image *img = b->img;
	struct blk_config *c = &b->config;

	c->capacity = img->size / VIRTIO_BLK_SECTOR;
	c->seg_max = BLK_SEG_MAX;
	c->blk_size = VIRTIO_BLK_SECTOR;
	c->num_queues = b->nq;
	c->max_discard_sectors = BLK_MAX_DISCARD;
	c->max_discard_seg = 1;
	c->discard_sector_alignment = BLK_DISCARD_ALIGN;
	c->max_write_zeroes_sectors = BLK_MAX_DISCARD;
	c->max_write_zeroes_seg = 1;
	c->write_zeroes_may_unmap = img->punch_hole;
	b->geom = (struct blk_geometry){
		.sectors = c->capacity, .ro = img->ro, .discard = img->punch_hole,
		.write_zeroes = img->zero_range, .max_discard_sectors = BLK_MAX_DISCARD,
	};
}

static uint64_t features(const struct virtio_blk *b)
{
	uint64_t f = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
		     1ULL << VIRTIO_BLK_F_FLUSH | 1ULL << VIRTIO_BLK_F_MQ |
		     1ULL << VIRTIO_F_INDIRECT_DESC | 1ULL << VIRTIO_F_EVENT_IDX;

	if (b->geom.ro)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	if (b->geom.discard)
		f |= 1ULL << VIRTIO_BLK_F_DISCARD;
	if (b->geom.write_zeroes)
		f |= 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	return f;
}

static int setup_queue(struct virtio_blk *b, unsigned int i)
{
	struct blk_queue *q = &b->q[i];
	struct io_uring_params params = {};
	int ret;

	q->b = b;
	q->idx = i;
	q->kick = virtio_mmio_kick_fd(&b->mmio, i);
	q->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->stop < 0) {
		perror("thinrun: virtio-blk: eventfd");
		return -1;
	}
	/*
	 * Completions: room for every request of the queue, the two polls and
	 * resubmissions, so that none waits in the kernel's overflow list.
	 * Submissions: a small ring, submitted when full (get_sqe), since its
	 * entries are resident memory of thinrun's (64 bytes each: 32 KiB for
	 * 512, most of what a disk added to boot_rss, tracing.rst).
	 */
	params.flags = IORING_SETUP_CQSIZE;
	params.cq_entries = 2 * BLK_QUEUE_SIZE;
	ret = io_uring_queue_init_params(BLK_SQ_ENTRIES, &q->ring, &params);
	if (ret < 0) {
		fprintf(stderr, "thinrun: virtio-blk: io_uring: %s\n", strerror(-ret));
		return -1;
	}
	q->ring_ok = true;
	return 0;
}

struct virtio_blk *virtio_blk_start(struct virtio_blk_image *img, unsigned int queues,
				    const char *id, const struct guest_mem *mem,
				    void (*set_irq)(void *, bool), void *irq_opaque)
{
	struct virtio_blk *b;
	unsigned int i;

	if (!img)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b) {
		fprintf(stderr, "thinrun: virtio-blk: out of memory\n");
		virtio_blk_image_close(img);
		return NULL;
	}
	pthread_mutex_init(&b->reg_lock, NULL);
	pthread_mutex_init(&b->lock, NULL);
	b->img = img;
	b->nq = queues < 1 ? 1 : queues > VIRTIO_MMIO_MAX_QUEUES ? VIRTIO_MMIO_MAX_QUEUES : queues;
	memcpy(b->id, id, strnlen(id, sizeof(b->id)));
	set_config(b);
	b->q = calloc(b->nq, sizeof(*b->q));
	for (i = 0; b->q && i < b->nq; i++)
		b->q[i].stop = -1;
	if (virtio_mmio_init(&b->mmio, VIRTIO_ID_BLOCK, features(b), b->nq, BLK_QUEUE_SIZE, mem,
			     &blk_ops, b, set_irq, irq_opaque)) {
		virtio_blk_stop(b);
		return NULL;
	}
	virtio_mmio_set_config(&b->mmio, &b->config, sizeof(b->config));
	if (!b->q) {
		fprintf(stderr, "thinrun: virtio-blk: out of memory\n");
		virtio_blk_stop(b);
		return NULL;
	}
	for (i = 0; i < b->nq; i++) {
		if (setup_queue(b, i)) {
			virtio_blk_stop(b);
			return NULL;
		}
	}
	return b;
}

void virtio_blk_report(struct virtio_blk *b)
{
	uint64_t requests = 0;
	unsigned int i;

	pthread_mutex_lock(&b->reg_lock);
	stop_queues(b);		/* their counts are final */
	for (i = 0; i < b->nq; i++)
		requests += b->q[i].requests;
	fprintf(stderr,
		"thinrun: virtio-blk %s: %llu requests, %llu exits to thinrun on their registers\n",
		b->id, (unsigned long long)requests, (unsigned long long)b->mmio.request_exits);
	pthread_mutex_unlock(&b->reg_lock);
}

void virtio_blk_stop(struct virtio_blk *b)
{
	unsigned int i;

	if (!b)
		return;
	if (b->q) {
		stop_queues(b);
		for (i = 0; i < b->nq; i++) {
			if (b->q[i].ring_ok)
				io_uring_queue_exit(&b->q[i].ring);
			if (b->q[i].stop >= 0)
				close(b->q[i].stop);
		}
		free(b->q);
	}
	virtio_mmio_destroy(&b->mmio);
	virtio_blk_image_close(b->img);
	pthread_mutex_destroy(&b->reg_lock);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
