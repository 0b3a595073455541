// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net over vhost-net and a tap (net.h).
 *
 * One lock guards the transport: vCPU threads take it for their register
 * accesses (the activation and reset callbacks, which talk to vhost and
 * the tap, run under it), and vhost's error watcher when it sets
 * DEVICE_NEEDS_RESET.  Packets never take it: they go between the tap
 * and the rings in vhost's worker.
 *
 * The tap must exist: thinrun does not create one, since a tap it made
 * would vanish with it, with no address and on no bridge (launcher.rst
 * has the recipe).  It is opened with IFF_VNET_HDR and a 12-byte header
 * (the virtio 1 header, with num_buffers), the header vhost-net hands
 * through unchanged: so VHOST_NET_F_VIRTIO_NET_HDR is never set.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "virtio/mmio.h"
#include "virtio/net.h"
#include "virtio/net_user.h"
#include "virtio/vhost.h"

#define NET_QUEUES		2	/* receive, transmit: one pair, no control queue */
#define NET_QUEUE_SIZE		256
#define NET_HDR_LEN		12	/* struct virtio_net_hdr_mrg_rxbuf */

/* The tap takes these from the guest (tun's virtio_net_hdr_to_skb()). */
#define NET_TX_OFFLOADS		(1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_HOST_TSO4 | \
				 1ULL << VIRTIO_NET_F_HOST_TSO6 | 1ULL << VIRTIO_NET_F_HOST_ECN)
/* The tap hands these to the guest once TUNSETOFFLOAD allows them. */
#define NET_RX_OFFLOADS		(1ULL << VIRTIO_NET_F_GUEST_CSUM | \
				 1ULL << VIRTIO_NET_F_GUEST_TSO4 | \
				 1ULL << VIRTIO_NET_F_GUEST_TSO6 | 1ULL << VIRTIO_NET_F_GUEST_ECN)
#define TAP_OFFLOADS		(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN)

/* The configuration the driver reads (5.1.4): MAC, then status. */
struct net_config {
	uint8_t mac[6];
	uint16_t status;	/* little-endian, as the host */
} __attribute__((packed));

struct virtio_net {
	pthread_mutex_t lock;	/* mmio */
	struct virtio_mmio mmio;
	struct net_config config;
	struct net_opts opts;
	int tap;
	bool offloads;		/* the tap takes TAP_OFFLOADS */
	bool running;		/* the tap is vhost's backend */
	struct net_user *user;	/* vhost=off: thinrun's thread serves the queues */
	bool mmio_ready;	/* virtio_mmio_init() done */
	unsigned long accesses;	/* register accesses that reached thinrun */
	struct vhost_dev vhost;
};

/* -------- the tap -------- */

/* Open the existing tap name with the virtio header; -1 with a message. */
static int tap_open(const char *name, bool *offloads)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = NET_HDR_LEN;
	int fd;

	if (!if_nametoindex(name)) {
		fprintf(stderr, "thinrun: --net tap=%s: no such network interface: create the tap first\n"
			"         (ip tuntap add dev %s mode tap user USER; Documentation/launcher.rst)\n",
			name, name);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "thinrun: /dev/net/tun: %s%s\n", strerror(errno),
			errno == ENOENT || errno == ENODEV ? " (load the tun module: modprobe tun)" : "");
		return -1;
	}
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		if (errno == EPERM)
			fprintf(stderr, "thinrun: --net tap=%s: %s: the tap belongs to another user or group;\n"
				"         give it to this one (ip tuntap add ... user USER) or run with CAP_NET_ADMIN\n",
				name, strerror(errno));
		else if (errno == EINVAL)
			fprintf(stderr, "thinrun: --net tap=%s: not a (single-queue) tap device\n", name);
		else if (errno == EBUSY)
			fprintf(stderr, "thinrun: --net tap=%s: in use by another program\n", name);
		else
			fprintf(stderr, "thinrun: --net tap=%s: TUNSETIFF: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		fprintf(stderr, "thinrun: --net tap=%s: TUNSETVNETHDRSZ: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	/* Which receive offloads the tap can give; none until the driver picks. */
	*offloads = ioctl(fd, TUNSETOFFLOAD, (unsigned long)TAP_OFFLOADS) == 0;
	if (ioctl(fd, TUNSETOFFLOAD, 0UL)) {
		fprintf(stderr, "thinrun: --net tap=%s: TUNSETOFFLOAD: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The driver's receive offloads, as the tap's flags. */
static unsigned long tap_offloads(uint64_t features)
{
	unsigned long f = 0;

	if (!(features & 1ULL << VIRTIO_NET_F_GUEST_CSUM))
		return 0;
	f |= TUN_F_CSUM;
	if (features & 1ULL << VIRTIO_NET_F_GUEST_TSO4)
		f |= TUN_F_TSO4;
	if (features & 1ULL << VIRTIO_NET_F_GUEST_TSO6)
		f |= TUN_F_TSO6;
	if (features & 1ULL << VIRTIO_NET_F_GUEST_ECN)
		f |= TUN_F_TSO_ECN;
	return f;
}

/* -------- the device -------- */

static int set_backend(struct virtio_net *n, int fd)
{
	struct vhost_vring_file b = { .fd = fd };

	for (b.index = 0; b.index < NET_QUEUES; b.index++)
		if (ioctl(n->vhost.fd, VHOST_NET_SET_BACKEND, &b)) {
			fprintf(stderr, "thinrun: virtio-net: VHOST_NET_SET_BACKEND %d of queue %u: %s\n",
				fd, b.index, strerror(errno));
			return -1;
		}
	return 0;
}

/* DRIVER_OK: the rings to vhost, the offloads to the tap, the tap to vhost. */
static int net_activate(void *opaque)
{
	struct virtio_net *n = opaque;
	int kick[NET_QUEUES];
	unsigned int i;

	if (!n->opts.vhost)
		return 0;	/* net_user's thread finds the queues live */
	for (i = 0; i < NET_QUEUES; i++) {
		if (!n->mmio.vq[i].ready) {
			fprintf(stderr, "thinrun: virtio-net: the driver left queue %u unset\n", i);
			return -1;
		}
		kick[i] = virtio_mmio_kick_fd(&n->mmio, i);
	}
	if (ioctl(n->tap, TUNSETOFFLOAD, tap_offloads(n->mmio.driver_features))) {
		fprintf(stderr, "thinrun: virtio-net: TUNSETOFFLOAD: %s\n", strerror(errno));
		return -1;
	}
	if (vhost_dev_start_rings(&n->vhost, n->mmio.driver_features, n->mmio.vq, kick,
				  NET_QUEUES, virtio_mmio_call_fd(&n->mmio)))
		return -1;
	if (set_backend(n, n->tap)) {
		set_backend(n, -1);
		return -1;
	}
	n->running = true;
	return 0;
}

/* The driver reset the device: vhost lets go of the rings before they go. */
static void net_reset(void *opaque)
{
	struct virtio_net *n = opaque;

	if (n->running)
		set_backend(n, -1);
	n->running = false;
}

static const struct virtio_mmio_ops net_ops = {
	.activate = net_activate,
	.reset = net_reset,
};

/* vhost stopped serving a ring it found malformed: the driver must reset. */
static void net_ring_error(void *opaque)
{
	struct virtio_net *n = opaque;

	pthread_mutex_lock(&n->lock);
	virtio_mmio_needs_reset(&n->mmio);
	pthread_mutex_unlock(&n->lock);
}

struct virtio_net *virtio_net_on_fd(const struct net_opts *o, int tap)
{
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n) {
		fprintf(stderr, "thinrun: virtio-net: out of memory\n");
		return NULL;
	}
	n->opts = *o;
	n->tap = tap;
	n->vhost.fd = -1;
	n->vhost.err_fd = -1;
	n->vhost.stop_fd = -1;
	pthread_mutex_init(&n->lock, NULL);
	return n;
}

struct virtio_net *virtio_net_open(const struct net_opts *o)
{
	bool offloads;
	int tap = tap_open(o->tap, &offloads);
	struct virtio_net *n;

	if (tap < 0)
		return NULL;
	n = virtio_net_on_fd(o, tap);
	if (!n) {
		close(tap);
		return NULL;
	}
	n->offloads = offloads;
	if (!o->vhost)
		return n;
	if (vhost_dev_open(&n->vhost, "/dev/vhost-net", "vhost_net")) {
		virtio_net_close(n);
		return NULL;
	}
	if (!(n->vhost.features & 1ULL << VIRTIO_F_VERSION_1)) {
		fprintf(stderr, "thinrun: /dev/vhost-net: no VIRTIO_F_VERSION_1\n");
		virtio_net_close(n);
		return NULL;
	}
	return n;
}

int virtio_net_start(struct virtio_net *n, const struct guest_mem *mem,
		     void (*set_irq)(void *, bool), void *irq_opaque)
{
	/* vhost's own ring features, less what the guest is never offered. */
	uint64_t features = n->vhost.features &
			    (1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX |
			     1ULL << VIRTIO_NET_F_MRG_RXBUF);

	features |= 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS | NET_TX_OFFLOADS;
	if (n->offloads)
		features |= NET_RX_OFFLOADS;
	/*
	 * vhost=off: one packet per receive chain (no MRG_RXBUF, no receive
	 * offloads, so no packet is bigger than the driver's buffers), and
	 * indirect descriptors, which thinrun's virtqueue takes.
	 */
	if (!n->opts.vhost)
		features = 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS | NET_TX_OFFLOADS |
			   1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	memcpy(n->config.mac, n->opts.mac, 6);
	n->config.status = VIRTIO_NET_S_LINK_UP;
	if (n->opts.vhost && vhost_dev_set_memory(&n->vhost, mem))
		return -1;
	n->mmio_ready = true;	/* even when it fails: its eventfds go at close */
	if (virtio_mmio_init(&n->mmio, VIRTIO_ID_NET, features, NET_QUEUES, NET_QUEUE_SIZE, mem,
			     &net_ops, n, set_irq, irq_opaque))
		return -1;
	virtio_mmio_set_config(&n->mmio, &n->config, sizeof(n->config));
	if (!n->opts.vhost) {
		/* Nothing may wait under the device's lock: not a full tap either. */
		if (fcntl(n->tap, F_SETFL, fcntl(n->tap, F_GETFL) | O_NONBLOCK)) {
			perror("thinrun: virtio-net: tap");
			return -1;
		}
		n->user = net_user_start(&n->mmio, &n->lock, n->tap);
		return n->user ? 0 : -1;
	}
	return vhost_dev_watch(&n->vhost, net_ring_error, n);
}

int virtio_net_attach(struct virtio_net *n, int vm_fd, uint64_t base, uint32_t gsi)
{
	return virtio_mmio_attach(&n->mmio, vm_fd, base, gsi);
}

enum dev_event virtio_net_access(void *opaque, uint64_t offset, bool is_write,
				 uint8_t *data, unsigned int len)
{
	struct virtio_net *n = opaque;
	enum dev_event e;

	pthread_mutex_lock(&n->lock);
	e = virtio_mmio_access(&n->mmio, offset, is_write, data, len);
	n->accesses++;
	pthread_mutex_unlock(&n->lock);
	return e;
}

unsigned long virtio_net_accesses(struct virtio_net *n, unsigned long *request_exits)
{
	unsigned long count;

	pthread_mutex_lock(&n->lock);
	count = n->accesses;
	*request_exits = n->mmio_ready ? n->mmio.request_exits : 0;
	pthread_mutex_unlock(&n->lock);
	return count;
}

void virtio_net_close(struct virtio_net *n)
{
	if (!n)
		return;
	if (n->running)
		set_backend(n, -1);
	net_user_stop(n->user);
	vhost_dev_close(&n->vhost);
	if (n->mmio_ready)
		virtio_mmio_destroy(&n->mmio);
	if (n->tap >= 0)
		close(n->tap);
	pthread_mutex_destroy(&n->lock);
	free(n);
}
