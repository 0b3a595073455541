// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of a vhost device that vhost-net and vhost-vsock share
 * (vhost.h).  The ioctls and what they check are drivers/vhost/vhost.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "virtio/vhost.h"

int vhost_dev_open(struct vhost_dev *v, const char *path, const char *module)
{
	v->path = path;
	v->err_fd = -1;
	v->stop_fd = -1;
	v->watching = false;
	v->fd = open(path, O_RDWR | O_CLOEXEC);
	if (v->fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			fprintf(stderr, "thinrun: %s: %s (load the %s module: modprobe %s)\n",
				path, strerror(errno), module, module);
		else if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "thinrun: %s: %s (thinrun needs read and write access to it:\n"
				"         run as root, or as a member of the group that owns it)\n",
				path, strerror(errno));
		else
			fprintf(stderr, "thinrun: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (ioctl(v->fd, VHOST_SET_OWNER) || ioctl(v->fd, VHOST_GET_FEATURES, &v->features)) {
		fprintf(stderr, "thinrun: %s: VHOST_SET_OWNER/GET_FEATURES: %s\n",
			path, strerror(errno));
		vhost_dev_close(v);
		return -1;
	}
	v->err_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	v->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->err_fd < 0 || v->stop_fd < 0) {
		fprintf(stderr, "thinrun: %s: eventfd: %s\n", path, strerror(errno));
		vhost_dev_close(v);
		return -1;
	}
	return 0;
}

int vhost_dev_set_memory(struct vhost_dev *v, const struct guest_mem *mem)
{
	struct vhost_memory *table;
	unsigned int n = 0;
	int err;

	table = calloc(1, sizeof(*table) + 2 * sizeof(table->regions[0]));
	if (!table) {
		fprintf(stderr, "thinrun: %s: out of memory\n", v->path);
		return -1;
	}
	table->regions[n++] = (struct vhost_memory_region){
		.guest_phys_addr = 0, .memory_size = mem->low,
		.userspace_addr = (uintptr_t)mem->host,
	};
	if (mem->size > mem->low)
		table->regions[n++] = (struct vhost_memory_region){
			.guest_phys_addr = mem->high_gpa, .memory_size = mem->size - mem->low,
			.userspace_addr = (uintptr_t)(mem->host + mem->low),
		};
	table->nregions = n;
	err = ioctl(v->fd, VHOST_SET_MEM_TABLE, table);
	if (err)
		fprintf(stderr, "thinrun: %s: VHOST_SET_MEM_TABLE: %s\n", v->path, strerror(errno));
	free(table);
	return err ? -1 : 0;
}

/* One ring: its size, its index from 0, its addresses and eventfds. */
static int start_ring(struct vhost_dev *v, unsigned int i, const struct virtq *q,
		      int kick_fd, int call_fd)
{
	struct vhost_vring_state num = { .index = i, .num = q->size };
	struct vhost_vring_state base = { .index = i, .num = 0 };
	struct vhost_vring_addr addr = {
		.index = i,
		.desc_user_addr = (uintptr_t)q->desc,
		.avail_user_addr = (uintptr_t)q->avail,
		.used_user_addr = (uintptr_t)q->used,
	};
	struct vhost_vring_file kick = { .index = i, .fd = kick_fd };
	struct vhost_vring_file call = { .index = i, .fd = call_fd };
	struct vhost_vring_file err = { .index = i, .fd = v->err_fd };
	const char *what;

	if (ioctl(v->fd, VHOST_SET_VRING_NUM, &num))
		what = "VHOST_SET_VRING_NUM";
	else if (ioctl(v->fd, VHOST_SET_VRING_BASE, &base))
		what = "VHOST_SET_VRING_BASE";
	else if (ioctl(v->fd, VHOST_SET_VRING_ADDR, &addr))
		what = "VHOST_SET_VRING_ADDR";
	else if (ioctl(v->fd, VHOST_SET_VRING_KICK, &kick))
		what = "VHOST_SET_VRING_KICK";
	else if (ioctl(v->fd, VHOST_SET_VRING_CALL, &call))
		what = "VHOST_SET_VRING_CALL";
	else if (ioctl(v->fd, VHOST_SET_VRING_ERR, &err))
		what = "VHOST_SET_VRING_ERR";
	else
		return 0;
	fprintf(stderr, "thinrun: %s: %s of queue %u: %s\n", v->path, what, i, strerror(errno));
	return -1;
}

int vhost_dev_start_rings(struct vhost_dev *v, uint64_t features, const struct virtq *q,
			  const int *kick_fd, unsigned int nr, int call_fd)
{
	/*
	 * Only what vhost itself serves: the rings' features, VERSION_1 and
	 * a device's own that vhost knows (MRG_RXBUF, vsock's SEQPACKET).  A
	 * net device's offloads are tap's business, and never the IOTLB
	 * (ACCESS_PLATFORM) or dirty logging (LOG_ALL): the guest is offered
	 * neither.
	 */
	uint64_t ring_features = features & v->features &
				 ~(1ULL << VIRTIO_F_ACCESS_PLATFORM | 1ULL << VHOST_F_LOG_ALL);
	unsigned int i;

	if (ioctl(v->fd, VHOST_SET_FEATURES, &ring_features)) {
		fprintf(stderr, "thinrun: %s: VHOST_SET_FEATURES 0x%llx: %s\n", v->path,
			(unsigned long long)ring_features, strerror(errno));
		return -1;
	}
	for (i = 0; i < nr; i++)
		if (start_ring(v, i, &q[i], kick_fd[i], call_fd))
			return -1;
	return 0;
}

static void *watcher(void *arg)
{
	struct vhost_dev *v = arg;
	struct pollfd fds[2] = {
		{ .fd = v->err_fd, .events = POLLIN },
		{ .fd = v->stop_fd, .events = POLLIN },
	};
	uint64_t count;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "thinrun: %s: poll: %s\n", v->path, strerror(errno));
			return NULL;
		}
		if (fds[1].revents)
			return NULL;
		if (read(v->err_fd, &count, sizeof(count)) == sizeof(count))
			v->on_error(v->opaque);
	}
}

int vhost_dev_watch(struct vhost_dev *v, void (*on_error)(void *), void *opaque)
{
	int err;

	v->on_error = on_error;
	v->opaque = opaque;
	err = pthread_create(&v->watcher, NULL, watcher, v);
	if (err) {
		fprintf(stderr, "thinrun: %s: thread: %s\n", v->path, strerror(err));
		return -1;
	}
	v->watching = true;
	return 0;
}

void vhost_dev_close(struct vhost_dev *v)
{
	uint64_t one = 1;

	if (v->watching) {
		if (write(v->stop_fd, &one, sizeof(one)) < 0)
			fprintf(stderr, "thinrun: %s: %s\n", v->path, strerror(errno));
		pthread_join(v->watcher, NULL);
		v->watching = false;
	}
	if (v->fd >= 0)
		close(v->fd);
	if (v->err_fd >= 0)
		close(v->err_fd);
	if (v->stop_fd >= 0)
		close(v->stop_fd);
	v->fd = -1;
	v->err_fd = -1;
	v->stop_fd = -1;
}
