// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (rng.h).
 *
 * One lock guards the transport and the queue: vCPU threads take it for
 * their register accesses, the device thread while it serves the queue.
 * It is a leaf: under it only getrandom(), eventfd writes and (before
 * the transport is attached: unit tests) the set_irq callback are called.
 *
 * A request is a chain of device-writable buffers; a chain with a
 * device-readable one is the driver's error, and gets 0 bytes back.  At
 * most RNG_MAX_REQUEST bytes go into one request, so that a guest with a
 * huge buffer cannot keep the lock (and its vCPUs) waiting long.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>

#include "virtio/mmio.h"
#include "virtio/rng.h"

#define RNG_QUEUE_SIZE		64
#define RNG_MAX_REQUEST		(64 * 1024)

struct virtio_rng {
	pthread_mutex_t lock;	/* mmio, chain */
	struct virtio_mmio mmio;
	struct virtq_chain chain;
	int kick;		/* the queue's kick eventfd (the transport's) */
	int stop;		/* eventfd: the thread must return */
	pthread_t thread;
	bool started;
	uint64_t requests;	/* chains served */
};

static const struct virtio_mmio_ops rng_ops;

/* getrandom() into len bytes; the number of bytes filled. */
static uint32_t fill(uint8_t *p, uint32_t len)
{
	uint32_t done = 0;
	ssize_t n;

	while (done < len) {
		n = getrandom(p + done, len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* Serve every request in the queue; the lock is held. */
static void serve(struct virtio_rng *r)
{
	struct virtq *q = &r->mmio.vq[0];
	struct virtq_chain *c = &r->chain;
	bool pushed = false;
	uint32_t written, want, got;
	unsigned int i;

	if (!virtio_mmio_live(&r->mmio))
		return;
	for (;;) {
		switch (virtq_pop(q, &r->mmio.mem, c)) {
		case VIRTQ_EMPTY:
			if (pushed)
				virtio_mmio_used(&r->mmio, 0);
			return;
		case VIRTQ_BROKEN:
			virtio_mmio_needs_reset(&r->mmio);
			return;
		case VIRTQ_CHAIN:
			break;
		}
		written = 0;
		for (i = 0; i < c->n && !c->readable && written < RNG_MAX_REQUEST; i++) {
			want = c->buf[i].len;
			if (want > RNG_MAX_REQUEST - written)
				want = RNG_MAX_REQUEST - written;
			got = fill(c->buf[i].p, want);
			written += got;
			if (got < want)
				break;
		}
		virtq_push(q, c->head, written);
		r->requests++;
		pushed = true;
	}
}

static void *rng_thread(void *arg)
{
	struct virtio_rng *r = arg;
	struct pollfd fds[2] = {
		{ .fd = r->kick, .events = POLLIN },
		{ .fd = r->stop, .events = POLLIN },
	};
	uint64_t count;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("thinrun: virtio-rng");
			return NULL;
		}
		if (fds[1].revents)
			return NULL;
		if (read(r->kick, &count, sizeof(count)) < 0 && errno != EAGAIN)
			continue;
		pthread_mutex_lock(&r->lock);
		serve(r);
		pthread_mutex_unlock(&r->lock);
	}
}

struct virtio_rng *virtio_rng_start(const struct guest_mem *mem,
				    void (*set_irq)(void *, bool), void *irq_opaque)
{
	struct virtio_rng *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		fprintf(stderr, "thinrun: virtio-rng: out of memory\n");
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->stop = eventfd(0, EFD_CLOEXEC);
	if (virtio_mmio_init(&r->mmio, VIRTIO_ID_RNG, 0, 1, RNG_QUEUE_SIZE, mem, &rng_ops, r,
			     set_irq, irq_opaque)) {
		virtio_rng_stop(r);
		return NULL;
	}
	r->kick = virtio_mmio_kick_fd(&r->mmio, 0);
	if (r->stop < 0) {
		perror("thinrun: virtio-rng: eventfd");
		virtio_rng_stop(r);
		return NULL;
	}
	err = pthread_create(&r->thread, NULL, rng_thread, r);
	if (err) {
		fprintf(stderr, "thinrun: virtio-rng thread: %s\n", strerror(err));
		virtio_rng_stop(r);
		return NULL;
	}
	r->started = true;
	return r;
}

enum dev_event virtio_rng_access(void *opaque, uint64_t offset, bool is_write,
				 uint8_t *data, unsigned int len)
{
	struct virtio_rng *r = opaque;
	enum dev_event e;

	pthread_mutex_lock(&r->lock);
	e = virtio_mmio_access(&r->mmio, offset, is_write, data, len);
	pthread_mutex_unlock(&r->lock);
	return e;
}

int virtio_rng_attach(struct virtio_rng *r, int vm_fd, uint64_t base, uint32_t gsi)
{
	int ret;

	pthread_mutex_lock(&r->lock);
	ret = virtio_mmio_attach(&r->mmio, vm_fd, base, gsi);
	pthread_mutex_unlock(&r->lock);
	return ret;
}

void virtio_rng_report(struct virtio_rng *r)
{
	pthread_mutex_lock(&r->lock);
	fprintf(stderr, "thinrun: virtio-rng: %llu requests, %llu exits to thinrun on their registers\n",
		(unsigned long long)r->requests, (unsigned long long)r->mmio.request_exits);
	pthread_mutex_unlock(&r->lock);
}

void virtio_rng_stop(struct virtio_rng *r)
{
	uint64_t one = 1;

	if (!r)
		return;
	if (r->started) {
		if (write(r->stop, &one, sizeof(one)) < 0)
			perror("thinrun: virtio-rng");
		pthread_join(r->thread, NULL);
	}
	virtio_mmio_destroy(&r->mmio);
	if (r->stop >= 0)
		close(r->stop);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
