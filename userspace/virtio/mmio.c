// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (mmio.h).
 *
 * The interrupt line is level-triggered and follows InterruptStatus: high
 * while any bit is set, low once the driver has acknowledged them all.
 * Linux's virtio_mmio reads InterruptStatus and writes InterruptACK in its
 * handler, before the EOI that would otherwise fire the pin again.
 */
#include <string.h>

#include "virtio/mmio.h"

static void update_irq(struct virtio_mmio *d)
{
	bool level = d->interrupt_status != 0;

	if (level != d->irq_level) {
		d->irq_level = level;
		d->set_irq(d->irq_opaque, level);
	}
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

void virtio_mmio_init(struct virtio_mmio *d, uint32_t device_id, uint64_t features,
		      unsigned int num_queues, uint16_t queue_max,
		      const struct guest_mem *mem, const struct virtio_mmio_ops *ops,
		      void *opaque, void (*set_irq)(void *, bool), void *irq_opaque)
{
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
	d->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	update_irq(d);
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
	d->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	update_irq(d);
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
		if (virtio_mmio_live(d) && val < d->num_queues && d->vq[val].ready)
			d->ops->notify(d->opaque, val);
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
