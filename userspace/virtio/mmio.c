// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (mmio.h).
 *
 * The interrupt line is level-triggered and follows InterruptStatus: high
 * while any bit is set, low once the driver has acknowledged them all.
 * Linux's virtio_mmio reads InterruptStatus and writes InterruptACK in its
 * handler, before the EOI that would otherwise fire the pin again.  Once
 * attached, the module keeps InterruptStatus and the line (TV_IRQFD) and
 * the transport only writes the call or config eventfd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/thinvisor.h>

#include "virtio/mmio.h"

/* Add one to an eventfd; a counter already at its maximum is set anyway. */
static void signal_fd(int fd, const char *what)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		fprintf(stderr, "thinrun: virtio-mmio %s: %s\n", what, strerror(errno));
}

static void update_irq(struct virtio_mmio *d)
{
	bool level = d->interrupt_status != 0;

	if (level != d->irq_level) {
		d->irq_level = level;
		d->set_irq(d->irq_opaque, level);
	}
}

/* Set bits in InterruptStatus: the module's once attached, else ours. */
static void interrupt(struct virtio_mmio *d, uint32_t bits)
{
	if (d->attached) {
		signal_fd(bits & VIRTIO_MMIO_INT_CONFIG ? d->config_fd : d->call_fd,
			  "interrupt");
		return;
	}
	d->interrupt_status |= bits;
	update_irq(d);
}

static void reset(struct virtio_mmio *d)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtq_reset(&d->vq[i]);
	d->driver_features = 0;
	d->device_features_sel = 0;
	d->driver_features_sel = 0;
	d->queue_sel = 0;
	d->status = 0;
	d->interrupt_status = 0;
	update_irq(d);
	if (d->ops->reset)
		d->ops->reset(d->opaque);
}

int virtio_mmio_init(struct virtio_mmio *d, uint32_t device_id, uint64_t features,
		     unsigned int num_queues, uint16_t queue_max,
		     const struct guest_mem *mem, const struct virtio_mmio_ops *ops,
		     void *opaque, void (*set_irq)(void *, bool), void *irq_opaque)
{
	unsigned int i;
	int err = 0;

	memset(d, 0, sizeof(*d));
	d->device_id = device_id;
	d->device_features = features | 1ULL << VIRTIO_F_VERSION_1;
	d->num_queues = num_queues < VIRTIO_MMIO_MAX_QUEUES ? num_queues : VIRTIO_MMIO_MAX_QUEUES;
	d->queue_max = queue_max < VIRTQ_MAX_SIZE ? queue_max : VIRTQ_MAX_SIZE;
	d->mem = *mem;
	d->ops = ops;
	d->opaque = opaque;
	d->set_irq = set_irq;
	d->irq_opaque = irq_opaque;

	/* Non-blocking: a backend drains them, and a write never waits. */
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		d->kick_fd[i] = i < d->num_queues ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
	d->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->config_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	for (i = 0; i < d->num_queues; i++)
		err |= d->kick_fd[i] < 0;
	if (err || d->call_fd < 0 || d->config_fd < 0) {
		perror("thinrun: virtio-mmio: eventfd");
		return -1;
	}
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *d)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		if (d->kick_fd[i] >= 0)
			close(d->kick_fd[i]);
	if (d->call_fd >= 0)
		close(d->call_fd);
	if (d->config_fd >= 0)
		close(d->config_fd);
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		d->kick_fd[i] = -1;
	d->call_fd = -1;
	d->config_fd = -1;
}

int virtio_mmio_kick_fd(const struct virtio_mmio *d, unsigned int q)
{
	return q < d->num_queues ? d->kick_fd[q] : -1;
}

int virtio_mmio_call_fd(const struct virtio_mmio *d)
{
	return d->call_fd;
}

static int kick_entry(int vm_fd, uint64_t base, int fd, unsigned int q, bool deassign)
{
	struct tv_ioeventfd e = {
		.datamatch = q, .addr = base + VIRTIO_MMIO_QUEUE_NOTIFY, .len = 4, .fd = fd,
		.flags = TV_IOEVENTFD_FLAG_DATAMATCH | (deassign ? TV_IOEVENTFD_FLAG_DEASSIGN : 0),
	};

	return ioctl(vm_fd, TV_IOEVENTFD, &e);
}

static int irq_entry(int vm_fd, uint64_t base, uint32_t gsi, int fd, uint32_t bits)
{
	struct tv_irqfd f = {
		.fd = fd, .gsi = gsi, .flags = TV_IRQFD_FLAG_VIRTIO_MMIO,
		.virtio_status = bits, .virtio_base = base,
	};

	return ioctl(vm_fd, TV_IRQFD, &f);
}

int virtio_mmio_attach(struct virtio_mmio *d, int vm_fd, uint64_t base, uint32_t gsi)
{
	struct tv_irqfd undo = { .fd = d->call_fd, .gsi = gsi, .flags = TV_IRQFD_FLAG_DEASSIGN };
	unsigned int q;

	if (irq_entry(vm_fd, base, gsi, d->call_fd, VIRTIO_MMIO_INT_VRING))
		goto fail;
	if (irq_entry(vm_fd, base, gsi, d->config_fd, VIRTIO_MMIO_INT_CONFIG))
		goto fail_call;
	for (q = 0; q < d->num_queues; q++)
		if (kick_entry(vm_fd, base, d->kick_fd[q], q, false))
			goto fail_kicks;
	d->attached = true;
	return 0;

fail_kicks:
	fprintf(stderr, "thinrun: virtio-mmio at %#llx: TV_IOEVENTFD: %s\n",
		(unsigned long long)base, strerror(errno));
	while (q--)
		kick_entry(vm_fd, base, d->kick_fd[q], q, true);
	undo.fd = d->config_fd;
	ioctl(vm_fd, TV_IRQFD, &undo);
	undo.fd = d->call_fd;
	ioctl(vm_fd, TV_IRQFD, &undo);
	return -1;
fail_call:
	undo.fd = d->call_fd;
	ioctl(vm_fd, TV_IRQFD, &undo);
fail:
	fprintf(stderr, "thinrun: virtio-mmio at %#llx: TV_IRQFD: %s%s\n",
		(unsigned long long)base, strerror(errno),
		errno == ENOTTY ? " (the module is older than thinrun)" : "");
	return -1;
}

void virtio_mmio_set_config(struct virtio_mmio *d, const void *config, uint32_t len)
{
	d->config = config;
	d->config_len = len;
}

bool virtio_mmio_live(const struct virtio_mmio *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

void virtio_mmio_used(struct virtio_mmio *d, unsigned int q)
{
	if (q >= d->num_queues || !virtq_should_interrupt(&d->vq[q]))
		return;
	interrupt(d, VIRTIO_MMIO_INT_VRING);
}

void virtio_mmio_needs_reset(struct virtio_mmio *d)
{
	if (!(d->status & VIRTIO_STATUS_DRIVER_OK) || (d->status & VIRTIO_STATUS_NEEDS_RESET)) {
		/* Before DRIVER_OK the driver sees it when it reads Status. */
		d->status |= VIRTIO_STATUS_NEEDS_RESET;
		return;
	}
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	d->config_generation++;
	interrupt(d, VIRTIO_MMIO_INT_CONFIG);
}

/* The selected queue, or NULL if there is none by that number. */
static struct virtq *selected(struct virtio_mmio *d)
{
	return d->queue_sel < d->num_queues ? &d->vq[d->queue_sel] : NULL;
}

static uint32_t read_reg(struct virtio_mmio *d, uint64_t offset)
{
	struct virtq *q = selected(d);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC:
		return VIRTIO_MMIO_MAGIC_VALUE;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->device_features_sel < 2 ?
		       (uint32_t)(d->device_features >> (32 * d->device_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? d->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return 0xffffffff;	/* no shared memory region */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_generation;
	default:
		return 0;	/* write-only or reserved */
	}
}

/* FEATURES_OK only for a subset of what the device offers, VERSION_1 in it. */
static bool features_ok(const struct virtio_mmio *d)
{
	return !(d->driver_features & ~d->device_features) &&
	       (d->driver_features & 1ULL << VIRTIO_F_VERSION_1);
}

static void write_status(struct virtio_mmio *d, uint32_t val)
{
	uint32_t added = val & ~d->status;
	unsigned int i;

	if (!val) {
		reset(d);
		return;
	}
	/* Bits are only ever added (until a reset), each after the one before. */
	if (d->status & ~val)
		return;
	if ((added & VIRTIO_STATUS_DRIVER) && !(val & VIRTIO_STATUS_ACKNOWLEDGE))
		return;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !(val & VIRTIO_STATUS_DRIVER))
		return;
	if ((added & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
		return;
	if (added & VIRTIO_STATUS_NEEDS_RESET)
		return;		/* the device's bit, not the driver's */
	/* Refused features: FEATURES_OK stays clear, as the driver will read. */
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_ok(d))
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && (val & VIRTIO_STATUS_FEATURES_OK))
		for (i = 0; i < d->num_queues; i++)
			d->vq[i].indirect = d->driver_features & 1ULL << VIRTIO_F_INDIRECT_DESC;
	if ((added & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
		val &= ~VIRTIO_STATUS_DRIVER_OK;
	d->status = val;
	if ((added & VIRTIO_STATUS_DRIVER_OK) && (val & VIRTIO_STATUS_DRIVER_OK) &&
	    d->ops->activate && d->ops->activate(d->opaque))
		virtio_mmio_needs_reset(d);
}

/* The queue registers may be written now: after FEATURES_OK, before DRIVER_OK. */
static struct virtq *writable_queue(struct virtio_mmio *d)
{
	struct virtq *q = selected(d);

	if (!q || q->ready || (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ||
	    !(d->status & VIRTIO_STATUS_FEATURES_OK))
		return NULL;
	return q;
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	if (high)
		*v = (*v & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*v = (*v & ~0xffffffffULL) | val;
}

static void write_reg(struct virtio_mmio *d, uint64_t offset, uint32_t val)
{
	struct virtq *q;

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->device_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (!(d->status & VIRTIO_STATUS_DRIVER) ||
		    (d->status & VIRTIO_STATUS_FEATURES_OK) || d->driver_features_sel > 1)
			return;
		set_half(&d->driver_features, d->driver_features_sel, val);
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = val;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* What the module does once attached, for a queue that is ready. */
		if (virtio_mmio_live(d) && val < d->num_queues && d->vq[val].ready)
			signal_fd(d->kick_fd[val], "kick");
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~val;
		update_irq(d);
		return;
	case VIRTIO_MMIO_STATUS:
		write_status(d, val);
		return;
	}
	q = writable_queue(d);
	if (!q)
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->size = val <= d->queue_max ? val : 0;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		/* Bad rings: the driver reads QueueReady 0 and the device needs a reset. */
		if (val == 1 && virtq_setup(q, &d->mem, d->queue_max))
			virtio_mmio_needs_reset(d);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc_gpa, offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		return;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->avail_gpa, offset == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val);
		return;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(&q->used_gpa, offset == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val);
		return;
	}
}

enum dev_event virtio_mmio_access(struct virtio_mmio *d, uint64_t offset, bool is_write,
				  uint8_t *data, unsigned int len)
{
	uint32_t val;

	/* The configuration is read-only; bytes past it read 0. */
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (is_write)
			return DEV_HANDLED;
		memset(data, 0, len);
		offset -= VIRTIO_MMIO_CONFIG;
		if (offset < d->config_len)
			memcpy(data, d->config + offset,
			       len < d->config_len - offset ? len : d->config_len - offset);
		return DEV_HANDLED;
	}
	if (offset == VIRTIO_MMIO_QUEUE_NOTIFY || offset == VIRTIO_MMIO_INTERRUPT_STATUS ||
	    offset == VIRTIO_MMIO_INTERRUPT_ACK)
		d->request_exits++;
	/* The registers take aligned 32-bit accesses only (4.2.2.2). */
	if (len != 4 || (offset & 3)) {
		if (!is_write)
			memset(data, 0, len);
		return DEV_HANDLED;
	}
	if (is_write) {
		memcpy(&val, data, 4);
		write_reg(d, offset, val);
	} else {
		val = read_reg(d, offset);
		memcpy(data, &val, 4);
	}
	return DEV_HANDLED;
}
