// SPDX-License-Identifier: GPL-2.0
/*
 * The split virtqueue on the device's side (virtq.h).
 *
 * Guest memory is read and written through volatile accesses and the
 * orders virtio 2.7.13 asks for: the avail index is read (acquire) before
 * the ring entries it covers, and the used ring entry is written before
 * the used index that publishes it (release).
 */
#include <string.h>

#include "virtio/virtq.h"

#define AVAIL_FLAGS	0
#define AVAIL_IDX	1
#define AVAIL_RING	2	/* in uint16_t */
#define USED_IDX_OFF	2	/* in bytes */
#define USED_RING_OFF	4
#define USED_ELEM_SIZE	8

void virtq_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

int virtq_setup(struct virtq *q, const struct guest_mem *mem, uint16_t max)
{
	uint64_t n = q->size;

	if (!n || n > max || (n & (n - 1)))
		return -1;
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		return -1;
	q->desc = guest_mem_ptr(mem, q->desc_gpa, 16 * n);
	q->avail = guest_mem_ptr(mem, q->avail_gpa, 6 + 2 * n);
	q->used = guest_mem_ptr(mem, q->used_gpa, 6 + USED_ELEM_SIZE * n);
	/* used_event and avail_event (the last 2 bytes) are there without EVENT_IDX too. */
	if (!q->desc || !q->avail || !q->used)
		return -1;
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_used = 0;
	q->signalled_valid = false;
	q->broken = false;
	q->ready = true;
	return 0;
}

/* One descriptor, copied out of guest memory once. */
static struct virtq_desc read_desc(const volatile struct virtq_desc *d)
{
	return (struct virtq_desc){ .addr = d->addr, .len = d->len,
				    .flags = d->flags, .next = d->next };
}

static enum virtq_result broken(struct virtq *q)
{
	q->broken = true;
	return VIRTQ_BROKEN;
}

enum virtq_result virtq_pop(struct virtq *q, const struct guest_mem *mem,
			    struct virtq_chain *c)
{
	const volatile struct virtq_desc *table;
	struct virtq_desc d;
	unsigned int table_len, steps, i;
	uint16_t avail_idx;

	if (!q->ready || q->broken)
		return q->broken ? VIRTQ_BROKEN : VIRTQ_EMPTY;
	avail_idx = __atomic_load_n(&q->avail[AVAIL_IDX], __ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail)
		return VIRTQ_EMPTY;
	/* More new entries than the ring holds: the index is garbage. */
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return broken(q);
	c->head = ((volatile uint16_t *)q->avail)[AVAIL_RING + (q->last_avail & (q->size - 1))];
	if (c->head >= q->size)
		return broken(q);
	c->n = 0;
	c->readable = 0;
	c->writable = 0;
	table = q->desc;
	table_len = q->size;
	i = c->head;
	steps = 0;
	for (;;) {
		/* More steps than the table has entries: the chain loops. */
		if (++steps > table_len)
			return broken(q);
		d = read_desc(&table[i]);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* Only from the queue's own table, never with NEXT. */
			if (!q->indirect || table != q->desc || (d.flags & VIRTQ_DESC_F_NEXT))
				return broken(q);
			if (!d.len || d.len % sizeof(struct virtq_desc) ||
			    d.len / sizeof(struct virtq_desc) > VIRTQ_MAX_SIZE)
				return broken(q);
			table = guest_mem_ptr(mem, d.addr, d.len);
			if (!table)
				return broken(q);
			table_len = d.len / sizeof(struct virtq_desc);
			i = 0;
			steps = 0;
			continue;
		}
		if (c->n == VIRTQ_MAX_SIZE || !d.len)
			return broken(q);
		/* Device-readable buffers come first (2.7.4.2). */
		if (!(d.flags & VIRTQ_DESC_F_WRITE) && c->writable)
			return broken(q);
		c->buf[c->n].p = guest_mem_ptr(mem, d.addr, d.len);
		if (!c->buf[c->n].p)
			return broken(q);
		c->buf[c->n].len = d.len;
		c->buf[c->n].writable = d.flags & VIRTQ_DESC_F_WRITE;
		if (d.flags & VIRTQ_DESC_F_WRITE)
			c->writable += d.len;
		else
			c->readable += d.len;
		c->n++;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= table_len)
			return broken(q);
		i = d.next;
	}
	q->last_avail++;
	return VIRTQ_CHAIN;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	volatile uint8_t *e = q->used + USED_RING_OFF +
			      USED_ELEM_SIZE * (q->used_idx & (q->size - 1));

	*(volatile uint32_t *)e = head;
	*(volatile uint32_t *)(e + 4) = len;
	q->used_idx++;
	__atomic_store_n((uint16_t *)(q->used + USED_IDX_OFF), q->used_idx, __ATOMIC_RELEASE);
}

bool virtq_should_interrupt(struct virtq *q)
{
	uint16_t old = q->signalled_used, event;
	bool valid = q->signalled_valid;

	/* The used index must be out before the driver's flag or event is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(((volatile uint16_t *)q->avail)[AVAIL_FLAGS] & VIRTQ_AVAIL_F_NO_INTERRUPT);
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	if (!valid)
		return true;
	/* used_event follows the avail ring (2.7.7.2): did the index pass it? */
	event = ((volatile uint16_t *)q->avail)[AVAIL_RING + q->size];
	return (uint16_t)(q->used_idx - event - 1) < (uint16_t)(q->used_idx - old);
}

bool virtq_wait_for_notify(struct virtq *q)
{
	volatile uint16_t *avail_event;

	if (!q->ready || q->broken)
		return false;
	if (q->event_idx) {
		avail_event = (volatile uint16_t *)(q->used + USED_RING_OFF +
						    USED_ELEM_SIZE * q->size);
		*avail_event = q->last_avail;
	}
	/* The event must be out before the avail index is read again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&q->avail[AVAIL_IDX], __ATOMIC_ACQUIRE) != q->last_avail;
}
