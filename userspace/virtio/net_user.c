// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's queues in a thread of thinrun (net_user.h).
 *
 * The device's lock is held while a chain is taken, copied and given
 * back: the tap is non-blocking and only this thread reads it, so a
 * packet the tap said it has is there, and nothing waits under the lock.
 * The tap is polled only while the guest has receive buffers: with none,
 * a packet waits in the tap (whose queue drops the excess) until the
 * guest's kick of queue 0 says it has new ones.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio/net_user.h"

#define RXQ	0
#define TXQ	1

struct net_user {
	struct virtio_mmio *mmio;
	pthread_mutex_t *lock;
	int tap;
	int stop;		/* eventfd: the thread must return */
	pthread_t thread;
	bool started;
	bool rx_starved;	/* the guest gave no receive buffer: leave the tap */
	struct virtq_chain chain;
	struct iovec iov[VIRTQ_MAX_SIZE];
};

static unsigned int chain_iov(struct net_user *u)
{
	unsigned int i;

	for (i = 0; i < u->chain.n; i++)
		u->iov[i] = (struct iovec){ .iov_base = u->chain.buf[i].p,
					    .iov_len = u->chain.buf[i].len };
	return u->chain.n;
}

/* Every transmit chain to the tap; the lock is held. */
static void serve_tx(struct net_user *u)
{
	struct virtq *q = &u->mmio->vq[TXQ];
	bool pushed = false;

	for (;;) {
		switch (virtq_pop(q, &u->mmio->mem, &u->chain)) {
		case VIRTQ_EMPTY:
			if (pushed)
				virtio_mmio_used(u->mmio, TXQ);
			return;
		case VIRTQ_BROKEN:
			virtio_mmio_needs_reset(u->mmio);
			return;
		case VIRTQ_CHAIN:
			break;
		}
		if (u->chain.writable) {
			virtio_mmio_needs_reset(u->mmio);
			return;
		}
		/* A packet the tap refuses (malformed header, no carrier) is dropped. */
		if (writev(u->tap, u->iov, chain_iov(u)) < 0 && errno != EAGAIN &&
		    errno != EINVAL && errno != EIO)
			perror("thinrun: virtio-net: tap");
		virtq_push(q, u->chain.head, 0);
		pushed = true;
	}
}

static bool tap_readable(int tap)
{
	struct pollfd p = { .fd = tap, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Packets from the tap into receive chains while both last; the lock is held. */
static void serve_rx(struct net_user *u)
{
	struct virtq *q = &u->mmio->vq[RXQ];
	bool pushed = false;
	ssize_t n;

	while (tap_readable(u->tap)) {
		switch (virtq_pop(q, &u->mmio->mem, &u->chain)) {
		case VIRTQ_EMPTY:
			u->rx_starved = true;
			goto out;
		case VIRTQ_BROKEN:
			virtio_mmio_needs_reset(u->mmio);
			return;
		case VIRTQ_CHAIN:
			break;
		}
		if (u->chain.readable) {
			virtio_mmio_needs_reset(u->mmio);
			return;
		}
		n = readv(u->tap, u->iov, chain_iov(u));
		virtq_push(q, u->chain.head, n > 0 ? n : 0);
		pushed = true;
	}
out:
	if (pushed)
		virtio_mmio_used(u->mmio, RXQ);
}

static void drain(int fd)
{
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		perror("thinrun: virtio-net: kick");
}

static void *net_user_thread(void *arg)
{
	struct net_user *u = arg;
	struct pollfd fds[4] = {
		{ .fd = virtio_mmio_kick_fd(u->mmio, RXQ), .events = POLLIN },
		{ .fd = virtio_mmio_kick_fd(u->mmio, TXQ), .events = POLLIN },
		{ .fd = u->stop, .events = POLLIN },
		{ .fd = u->tap },
	};

	for (;;) {
		fds[3].events = u->rx_starved ? 0 : POLLIN;
		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("thinrun: virtio-net");
			return NULL;
		}
		if (fds[2].revents)
			return NULL;
		if (fds[0].revents) {
			drain(fds[0].fd);
			u->rx_starved = false;
		}
		if (fds[1].revents)
			drain(fds[1].fd);
		pthread_mutex_lock(u->lock);
		if (virtio_mmio_live(u->mmio) && u->mmio->vq[TXQ].ready)
			serve_tx(u);
		/* No receive queue yet (or after a reset): wait for its first kick. */
		if (!virtio_mmio_live(u->mmio) || !u->mmio->vq[RXQ].ready)
			u->rx_starved = true;
		else if (!u->rx_starved)
			serve_rx(u);
		pthread_mutex_unlock(u->lock);
	}
}

struct net_user *net_user_start(struct virtio_mmio *mmio, pthread_mutex_t *lock, int tap)
{
	struct net_user *u = calloc(1, sizeof(*u));
	int err;

	if (!u) {
		fprintf(stderr, "thinrun: virtio-net: out of memory\n");
		return NULL;
	}
	u->mmio = mmio;
	u->lock = lock;
	u->tap = tap;
	u->stop = eventfd(0, EFD_CLOEXEC);
	if (u->stop < 0) {
		perror("thinrun: virtio-net: eventfd");
		net_user_stop(u);
		return NULL;
	}
	err = pthread_create(&u->thread, NULL, net_user_thread, u);
	if (err) {
		fprintf(stderr, "thinrun: virtio-net thread: %s\n", strerror(err));
		net_user_stop(u);
		return NULL;
	}
	u->started = true;
	return u;
}

void net_user_stop(struct net_user *u)
{
	uint64_t one = 1;

	if (!u)
		return;
	if (u->started) {
		if (write(u->stop, &one, sizeof(one)) < 0)
			perror("thinrun: virtio-net");
		pthread_join(u->thread, NULL);
	}
	if (u->stop >= 0)
		close(u->stop);
	free(u);
}
