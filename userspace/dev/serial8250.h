/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_SERIAL8250_H
#define THINRUN_SERIAL8250_H

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1	0x3f8

/* Port I/O at COM1..COM1+7; returns false for another port. */
bool serial_io(uint16_t port, bool in, uint8_t *data);

#endif
