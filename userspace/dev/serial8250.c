// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART as Linux's 8250 driver probes and drives it (the register
 * set is the one of the National Semiconductor PC16550D data sheet).
 *
 * Transmission is instant: a byte written to THR leaves at once, so THR
 * and the transmitter are always empty and the THR-empty interrupt comes
 * back right after every write.  Received bytes wait in a 16-byte FIFO;
 * the owner never pushes more than serial_rx_room() allows, so an overrun
 * only happens in loopback.  A received byte is signalled at once: with
 * fewer bytes than the FIFO trigger level that is the "character
 * timeout" interrupt, which a real 16550A would raise four character
 * times later.
 *
 * The interrupt output reaches the IRQ line only while MCR.OUT2 is set
 * and loopback is off, as on a PC, where OUT2 gates the UART's IRQ (Linux
 * sets OUT2 when it opens the port).
 */
#include <string.h>

#include "serial8250.h"

enum {
	REG_DATA = 0,	/* RBR (read), THR (write); DLL with DLAB */
	REG_IER = 1,	/* DLM with DLAB */
	REG_IIR = 2,	/* IIR (read), FCR (write) */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* THR empty */
#define IER_RLSI	0x04	/* receiver line status */
#define IER_MSI		0x08	/* modem status */
#define IER_MASK	0x0f

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_TIMEOUT	0x0c
#define IIR_FIFO_ON	0xc0

#define FCR_FIFO_ON	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_TRIGGER(v)	((v) >> 6)

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

static const uint8_t rx_triggers[4] = { 1, 4, 8, 14 };

/* The modem status lines: the far end is always there and ready. */
static uint8_t modem_lines(uint8_t mcr)
{
	uint8_t msr = 0;

	if (!(mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	/* Loopback ties the outputs to the inputs. */
	if (mcr & MCR_RTS)
		msr |= MSR_CTS;
	if (mcr & MCR_DTR)
		msr |= MSR_DSR;
	if (mcr & MCR_OUT1)
		msr |= MSR_RI;
	if (mcr & MCR_OUT2)
		msr |= MSR_DCD;
	return msr;
}

/* The highest-priority pending interrupt, as IIR bits 3:0. */
static uint8_t pending(const struct serial8250 *s)
{
	if ((s->ier & IER_RLSI) && s->overrun)
		return IIR_RLSI;
	if ((s->ier & IER_RDI) && s->rx_count)
		return s->fifo_on && s->rx_count < s->rx_trigger ? IIR_TIMEOUT : IIR_RDI;
	if ((s->ier & IER_THRI) && s->thre_pending)
		return IIR_THRI;
	if ((s->ier & IER_MSI) && s->msr_delta)
		return IIR_MSI;
	return IIR_NO_INT;
}

/* Drive the line only when it changes: the IOAPIC pin is edge-triggered. */
static void update_irq(struct serial8250 *s)
{
	bool level = pending(s) != IIR_NO_INT &&
		     (s->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->set_irq)
			s->set_irq(s->opaque, level);
	}
}

void serial_init(struct serial8250 *s, void (*tx)(void *, uint8_t),
		 void (*set_irq)(void *, bool), void *opaque)
{
	memset(s, 0, sizeof(*s));
	s->rx_trigger = 1;
	s->tx = tx;
	s->set_irq = set_irq;
	s->opaque = opaque;
}

unsigned int serial_rx_room(const struct serial8250 *s)
{
	unsigned int cap = s->fifo_on ? SERIAL_FIFO_LEN : 1;

	return s->rx_count < cap ? cap - s->rx_count : 0;
}

static bool rx_push(struct serial8250 *s, uint8_t byte)
{
	if (!serial_rx_room(s)) {
		s->overrun = true;
		return false;
	}
	s->rx[(s->rx_head + s->rx_count) % SERIAL_FIFO_LEN] = byte;
	s->rx_count++;
	return true;
}

unsigned int serial_rx(struct serial8250 *s, const uint8_t *buf, unsigned int len)
{
	unsigned int n = 0;

	while (n < len && serial_rx_room(s))
		rx_push(s, buf[n++]);
	update_irq(s);
	return n;
}

static uint8_t rx_pop(struct serial8250 *s)
{
	uint8_t byte;

	if (!s->rx_count)
		return 0;
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_LEN;
	s->rx_count--;
	return byte;
}

static void write_thr(struct serial8250 *s, uint8_t byte)
{
	if (s->mcr & MCR_LOOP)
		rx_push(s, byte);
	else if (s->tx)
		s->tx(s->opaque, byte);
	/* Sent at once: THR is empty again before the guest looks. */
	s->thre_pending = true;
}

static void write_fcr(struct serial8250 *s, uint8_t val)
{
	bool on = val & FCR_FIFO_ON;

	/* Turning the FIFOs on or off empties them. */
	if (on != s->fifo_on || (val & FCR_CLEAR_RX))
		s->rx_head = s->rx_count = 0;
	s->fifo_on = on;
	s->rx_trigger = rx_triggers[FCR_TRIGGER(val)];
}

static void write_mcr(struct serial8250 *s, uint8_t val)
{
	uint8_t before = modem_lines(s->mcr), after;

	s->mcr = val & MCR_MASK;
	after = modem_lines(s->mcr);
	/* Delta bits: CTS, DSR, DCD on any change; RI on its falling edge. */
	if ((before ^ after) & MSR_CTS)
		s->msr_delta |= 0x01;
	if ((before ^ after) & MSR_DSR)
		s->msr_delta |= 0x02;
	if ((before & MSR_RI) && !(after & MSR_RI))
		s->msr_delta |= 0x04;
	if ((before ^ after) & MSR_DCD)
		s->msr_delta |= 0x08;
}

static void reg_write(struct serial8250 *s, unsigned int offset, uint8_t val)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (offset) {
	case REG_DATA:
		if (dlab)
			s->dll = val;
		else
			write_thr(s, val);
		break;
	case REG_IER:
		if (dlab) {
			s->dlm = val;
			break;
		}
		/*
		 * Enabling the THR-empty interrupt while THR is empty raises
		 * it at once; Linux's start-up test of the port counts on it.
		 */
		if ((val & IER_THRI) && !(s->ier & IER_THRI))
			s->thre_pending = true;
		s->ier = val & IER_MASK;
		break;
	case REG_IIR:
		write_fcr(s, val);
		break;
	case REG_LCR:
		s->lcr = val;
		break;
	case REG_MCR:
		write_mcr(s, val);
		break;
	case REG_SCR:
		s->scr = val;
		break;
	default:
		break;	/* LSR and MSR are read-only */
	}
}

static uint8_t reg_read(struct serial8250 *s, unsigned int offset)
{
	bool dlab = s->lcr & LCR_DLAB;
	uint8_t val;

	switch (offset) {
	case REG_DATA:
		return dlab ? s->dll : rx_pop(s);
	case REG_IER:
		return dlab ? s->dlm : s->ier;
	case REG_IIR:
		val = pending(s);
		/* Reading IIR is what acknowledges a THR-empty interrupt. */
		if (val == IIR_THRI)
			s->thre_pending = false;
		return val | (s->fifo_on ? IIR_FIFO_ON : 0);
	case REG_LCR:
		return s->lcr;
	case REG_MCR:
		return s->mcr;
	case REG_LSR:
		val = LSR_THRE | LSR_TEMT | (s->rx_count ? LSR_DR : 0) |
		      (s->overrun ? LSR_OE : 0);
		s->overrun = false;
		return val;
	case REG_MSR:
		val = modem_lines(s->mcr) | s->msr_delta;
		s->msr_delta = 0;
		return val;
	default:
		return s->scr;
	}
}

void serial_io(struct serial8250 *s, unsigned int offset, bool in, uint8_t *data)
{
	offset &= 7;
	if (in)
		*data = reg_read(s, offset);
	else
		reg_write(s, offset, *data);
	update_irq(s);
}
