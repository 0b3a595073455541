// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest 8250 UART that a polling guest can print with: the
 * transmitter is always empty, what the guest writes goes to stdout.
 * (Interrupts and input come with the Linux guest work.)
 */
#include <stdio.h>
#include <unistd.h>

#include "serial8250.h"

#define UART_TX		0	/* transmit holding register */
#define UART_LSR	5	/* line status */
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

bool serial_io(uint16_t port, bool in, uint8_t *data)
{
	if (port < SERIAL_COM1 || port >= SERIAL_COM1 + 8)
		return false;
	switch (port - SERIAL_COM1) {
	case UART_TX:
		if (!in) {
			if (write(STDOUT_FILENO, data, 1) != 1)
				perror("thinrun: console");
		} else {
			*data = 0;
		}
		break;
	case UART_LSR:
		*data = in ? UART_LSR_THRE | UART_LSR_TEMT : *data;
		break;
	default:
		if (in)
			*data = 0;
		break;
	}
	return true;
}
