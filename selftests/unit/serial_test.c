// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the 16550A model, userspace/dev/serial8250.c: the register
 * accesses Linux's 8250 driver makes when it probes, starts and drives
 * the port, and the IRQ line they should give.
 */
#include "kselftest_harness.h"
#include "dev/serial8250.h"

enum { DATA, IER, IIR, LCR, MCR, LSR, MSR, SCR };

FIXTURE(uart) {
	struct serial8250 s;
	uint8_t out[64];
	unsigned int nout;
	int edges;		/* rising edges of the IRQ line */
	bool line;
};

static void tx(void *opaque, uint8_t b)
{
	FIXTURE_DATA(uart) *self = opaque;

	if (self->nout < sizeof(self->out))
		self->out[self->nout++] = b;
}

static void irq(void *opaque, bool level)
{
	FIXTURE_DATA(uart) *self = opaque;

	if (level && !self->line)
		self->edges++;
	self->line = level;
}

static uint8_t rd(struct serial8250 *s, unsigned int reg)
{
	uint8_t v = 0;

	serial_io(s, reg, true, &v);
	return v;
}

static void wr(struct serial8250 *s, unsigned int reg, uint8_t v)
{
	serial_io(s, reg, false, &v);
}

FIXTURE_SETUP(uart)
{
	self->nout = 0;
	self->edges = 0;
	self->line = false;
	serial_init(&self->s, tx, irq, self);
}

FIXTURE_TEARDOWN(uart)
{
}

/* autoconfig(): IER keeps exactly its low four bits; IIR says 16550A. */
TEST_F(uart, probes_as_16550a)
{
	wr(&self->s, IER, 0);
	EXPECT_EQ(0, rd(&self->s, IER) & 0x0f);
	wr(&self->s, IER, 0x0f);
	EXPECT_EQ(0x0f, rd(&self->s, IER) & 0x0f);
	wr(&self->s, IER, 0xff);
	EXPECT_EQ(0x0f, rd(&self->s, IER));	/* not an XScale's UUE bit */
	wr(&self->s, IER, 0);
	wr(&self->s, IIR, 0x01);		/* FCR: FIFOs on */
	EXPECT_EQ(3, rd(&self->s, IIR) >> 6);
	/* With DLAB, offset 2 is still IIR (no 16650 EFR). */
	wr(&self->s, LCR, 0x80);
	EXPECT_NE(0, rd(&self->s, IIR));
	wr(&self->s, LCR, 0xbf);
	EXPECT_NE(0, rd(&self->s, IIR));
	wr(&self->s, LCR, 0);
	EXPECT_NE(0xff, rd(&self->s, LSR));
	wr(&self->s, SCR, 0x5a);
	EXPECT_EQ(0x5a, rd(&self->s, SCR));
}

TEST_F(uart, divisor_latch)
{
	wr(&self->s, LCR, 0x83);
	wr(&self->s, DATA, 0x01);
	wr(&self->s, IER, 0x00);
	EXPECT_EQ(0x01, rd(&self->s, DATA));
	wr(&self->s, LCR, 0x03);
	EXPECT_EQ(0, self->nout);		/* DLL is not THR */
	EXPECT_EQ(0, rd(&self->s, IER));
}

/* serial8250_do_startup()'s THRE test: enabling THRI raises it each time. */
TEST_F(uart, thre_reasserts_on_enable)
{
	wr(&self->s, MCR, 0x08);		/* OUT2 */
	wr(&self->s, IER, 0x02);
	EXPECT_EQ(0x02, rd(&self->s, IIR) & 0x0f);
	EXPECT_EQ(0x01, rd(&self->s, IIR) & 0x0f);	/* read IIR: acknowledged */
	wr(&self->s, IER, 0);
	wr(&self->s, IER, 0x02);
	EXPECT_EQ(0x02, rd(&self->s, IIR) & 0x0f);
	EXPECT_EQ(2, self->edges);
	EXPECT_FALSE(self->line);
}

TEST_F(uart, transmit_raises_thre)
{
	wr(&self->s, MCR, 0x08);
	wr(&self->s, IER, 0x02);
	rd(&self->s, IIR);
	EXPECT_FALSE(self->line);
	wr(&self->s, DATA, 'A');
	EXPECT_EQ(1, self->nout);
	EXPECT_EQ('A', self->out[0]);
	EXPECT_TRUE(self->line);
	EXPECT_EQ(0x60, rd(&self->s, LSR) & 0x60);
	wr(&self->s, IER, 0);			/* the driver stops tx */
	EXPECT_FALSE(self->line);
}

TEST_F(uart, out2_gates_the_line)
{
	wr(&self->s, IER, 0x02);
	EXPECT_FALSE(self->line);
	EXPECT_EQ(0x02, rd(&self->s, IIR) & 0x0f);	/* pending all the same */
	wr(&self->s, IER, 0);
	wr(&self->s, IER, 0x02);
	wr(&self->s, MCR, 0x08);
	EXPECT_TRUE(self->line);
	wr(&self->s, MCR, 0x18);		/* loopback cuts it too */
	EXPECT_FALSE(self->line);
}

TEST_F(uart, receive_fifo)
{
	uint8_t in[20];
	unsigned int i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = 'a' + i;
	EXPECT_EQ(1, serial_rx_room(&self->s));	/* FIFO off: one byte */
	wr(&self->s, IIR, 0xc7);			/* on, cleared, trigger 14 */
	EXPECT_EQ(16, serial_rx_room(&self->s));
	wr(&self->s, MCR, 0x08);
	wr(&self->s, IER, 0x01);
	EXPECT_FALSE(self->line);
	EXPECT_EQ(16, serial_rx(&self->s, in, sizeof(in)));
	EXPECT_EQ(0, serial_rx_room(&self->s));
	EXPECT_TRUE(self->line);
	EXPECT_EQ(0xc4, rd(&self->s, IIR));		/* at the trigger level */
	EXPECT_EQ(0x61, rd(&self->s, LSR));		/* DR, THRE, TEMT */
	for (i = 0; i < 16; i++)
		EXPECT_EQ('a' + i, rd(&self->s, DATA));
	EXPECT_EQ(0x60, rd(&self->s, LSR));
	EXPECT_FALSE(self->line);
	EXPECT_EQ(1, serial_rx(&self->s, in, 1));
	EXPECT_EQ(0xcc, rd(&self->s, IIR));		/* below it: timeout */
	wr(&self->s, IIR, 0x03);			/* clear the receive FIFO */
	EXPECT_EQ(0x60, rd(&self->s, LSR));
	EXPECT_FALSE(self->line);
}

TEST_F(uart, priority)
{
	uint8_t b = 'z';

	wr(&self->s, MCR, 0x08);
	wr(&self->s, IER, 0x03);
	serial_rx(&self->s, &b, 1);
	EXPECT_EQ(0x04, rd(&self->s, IIR) & 0x0f);	/* data before THRE */
	rd(&self->s, DATA);
	EXPECT_EQ(0x02, rd(&self->s, IIR) & 0x0f);
	EXPECT_EQ(0x01, rd(&self->s, IIR) & 0x0f);
}

TEST_F(uart, loopback)
{
	wr(&self->s, MCR, 0x1f);
	EXPECT_EQ(0xf0, rd(&self->s, MSR) & 0xf0);
	wr(&self->s, MCR, 0x10);
	EXPECT_EQ(0x0f, rd(&self->s, MSR));		/* every line fell */
	EXPECT_EQ(0x00, rd(&self->s, MSR));
	wr(&self->s, DATA, 'L');
	EXPECT_EQ(0, self->nout);
	EXPECT_EQ('L', rd(&self->s, DATA));
	wr(&self->s, MCR, 0x00);
	EXPECT_EQ(0xb0, rd(&self->s, MSR) & 0xf0);	/* DCD DSR CTS */
}

TEST_HARNESS_MAIN
