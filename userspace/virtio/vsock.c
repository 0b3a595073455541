// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock over vhost-vsock (vsock.h).
 *
 * The lock is the transport's, as in net.c: vCPU threads' register
 * accesses (activation and reset talk to vhost under it) and vhost's
 * error watcher.  The guest's CID is taken with VHOST_VSOCK_SET_GUEST_CID
 * when the device opens, so that a CID another VM holds is an error
 * before this guest exists; VHOST_VSOCK_SET_RUNNING starts and stops
 * vhost's queues at the driver's DRIVER_OK and reset.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vhost.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_vsock.h>

#include "virtio/mmio.h"
#include "virtio/vhost.h"
#include "virtio/vsock.h"

#define VSOCK_QUEUES		3	/* receive, transmit (vhost's), event (ours) */
#define VSOCK_VHOST_QUEUES	2
#define VSOCK_QUEUE_SIZE	256

struct virtio_vsock {
	pthread_mutex_t lock;	/* mmio */
	struct virtio_mmio mmio;
	uint64_t config;	/* guest_cid, little-endian as the host */
	uint32_t cid;
	bool running;		/* VHOST_VSOCK_SET_RUNNING 1 */
	bool mmio_ready;
	unsigned long accesses;	/* register accesses that reached thinrun */
	struct vhost_dev vhost;
};

static int set_running(struct virtio_vsock *s, int on)
{
	if (ioctl(s->vhost.fd, VHOST_VSOCK_SET_RUNNING, &on)) {
		fprintf(stderr, "thinrun: virtio-vsock: VHOST_VSOCK_SET_RUNNING %d: %s\n",
			on, strerror(errno));
		return -1;
	}
	return 0;
}

static int vsock_activate(void *opaque)
{
	struct virtio_vsock *s = opaque;
	int kick[VSOCK_VHOST_QUEUES];
	unsigned int i;

	for (i = 0; i < VSOCK_VHOST_QUEUES; i++) {
		if (!s->mmio.vq[i].ready) {
			fprintf(stderr, "thinrun: virtio-vsock: the driver left queue %u unset\n", i);
			return -1;
		}
		kick[i] = virtio_mmio_kick_fd(&s->mmio, i);
	}
	if (vhost_dev_start_rings(&s->vhost, s->mmio.driver_features, s->mmio.vq, kick,
				  VSOCK_VHOST_QUEUES, virtio_mmio_call_fd(&s->mmio)) ||
	    set_running(s, 1))
		return -1;
	s->running = true;
	return 0;
}

static void vsock_reset(void *opaque)
{
	struct virtio_vsock *s = opaque;

	if (s->running)
		set_running(s, 0);
	s->running = false;
}

static const struct virtio_mmio_ops vsock_ops = {
	.activate = vsock_activate,
	.reset = vsock_reset,
};

static void vsock_ring_error(void *opaque)
{
	struct virtio_vsock *s = opaque;

	pthread_mutex_lock(&s->lock);
	virtio_mmio_needs_reset(&s->mmio);
	pthread_mutex_unlock(&s->lock);
}

struct virtio_vsock *virtio_vsock_open(uint32_t cid)
{
	struct virtio_vsock *s = calloc(1, sizeof(*s));
	uint64_t guest_cid = cid;

	if (!s) {
		fprintf(stderr, "thinrun: virtio-vsock: out of memory\n");
		return NULL;
	}
	s->cid = cid;
	s->vhost.fd = -1;
	s->vhost.err_fd = -1;
	s->vhost.stop_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (vhost_dev_open(&s->vhost, "/dev/vhost-vsock", "vhost_vsock")) {
		virtio_vsock_close(s);
		return NULL;
	}
	if (ioctl(s->vhost.fd, VHOST_VSOCK_SET_GUEST_CID, &guest_cid)) {
		if (errno == EADDRINUSE)
			fprintf(stderr, "thinrun: --vsock %u: the context ID is in use by another VM "
				"on this host, or is this host's own\n", cid);
		else
			fprintf(stderr, "thinrun: --vsock %u: VHOST_VSOCK_SET_GUEST_CID: %s\n",
				cid, strerror(errno));
		virtio_vsock_close(s);
		return NULL;
	}
	return s;
}

int virtio_vsock_start(struct virtio_vsock *s, const struct guest_mem *mem,
		       void (*set_irq)(void *, bool), void *irq_opaque)
{
	/* vhost's ring features and SEQPACKET where it has it; never ACCESS_PLATFORM. */
	uint64_t features = s->vhost.features &
			    (1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX |
			     1ULL << VIRTIO_VSOCK_F_SEQPACKET);

	s->config = s->cid;
	if (vhost_dev_set_memory(&s->vhost, mem))
		return -1;
	s->mmio_ready = true;	/* even when it fails: its eventfds go at close */
	if (virtio_mmio_init(&s->mmio, VIRTIO_ID_VSOCK, features, VSOCK_QUEUES, VSOCK_QUEUE_SIZE,
			     mem, &vsock_ops, s, set_irq, irq_opaque))
		return -1;
	virtio_mmio_set_config(&s->mmio, &s->config, sizeof(s->config));
	return vhost_dev_watch(&s->vhost, vsock_ring_error, s);
}

int virtio_vsock_attach(struct virtio_vsock *s, int vm_fd, uint64_t base, uint32_t gsi)
{
	return virtio_mmio_attach(&s->mmio, vm_fd, base, gsi);
}

enum dev_event virtio_vsock_access(void *opaque, uint64_t offset, bool is_write,
				   uint8_t *data, unsigned int len)
{
	struct virtio_vsock *s = opaque;
	enum dev_event e;

	pthread_mutex_lock(&s->lock);
	e = virtio_mmio_access(&s->mmio, offset, is_write, data, len);
	s->accesses++;
	pthread_mutex_unlock(&s->lock);
	return e;
}

unsigned long virtio_vsock_accesses(struct virtio_vsock *s, unsigned long *request_exits)
{
	unsigned long count;

	pthread_mutex_lock(&s->lock);
	count = s->accesses;
	*request_exits = s->mmio_ready ? s->mmio.request_exits : 0;
	pthread_mutex_unlock(&s->lock);
	return count;
}

void virtio_vsock_close(struct virtio_vsock *s)
{
	if (!s)
		return;
	if (s->running)
		set_running(s, 0);
	vhost_dev_close(&s->vhost);
	if (s->mmio_ready)
		virtio_mmio_destroy(&s->mmio);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
