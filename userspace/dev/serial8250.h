/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART: registers, a 16-byte receive FIFO and the interrupt
 * logic, with no locking and no I/O of its own.  The owner (console.c)
 * supplies where transmitted bytes go and how the IRQ line is driven,
 * and serializes every call.
 */
#ifndef THINRUN_SERIAL8250_H
#define THINRUN_SERIAL8250_H

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1	0x3f8
#define SERIAL_COM1_IRQ	4
#define SERIAL_FIFO_LEN	16

struct serial8250 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo_on;		/* FCR bit 0 */
	uint8_t rx_trigger;	/* FCR bits 7:6 as a byte count */
	bool thre_pending;	/* the THR-empty interrupt is pending */
	bool overrun;		/* LSR.OE until LSR is read */
	uint8_t msr_delta;	/* MSR bits 3:0 until MSR is read */
	uint8_t rx[SERIAL_FIFO_LEN];
	unsigned int rx_head, rx_count;
	bool irq_level;		/* what the line was last driven to */

	void (*tx)(void *opaque, uint8_t byte);
	void (*set_irq)(void *opaque, bool level);
	void *opaque;
};

void serial_init(struct serial8250 *s, void (*tx)(void *, uint8_t),
		 void (*set_irq)(void *, bool), void *opaque);

/* One byte of port I/O at register offset 0-7 (port - SERIAL_COM1). */
void serial_io(struct serial8250 *s, unsigned int offset, bool in, uint8_t *data);

/* Bytes the receive FIFO can take now (1 deep with the FIFO off). */
unsigned int serial_rx_room(const struct serial8250 *s);

/* Receive up to len bytes from the outside; returns how many were taken. */
unsigned int serial_rx(struct serial8250 *s, const uint8_t *buf, unsigned int len);

#endif
