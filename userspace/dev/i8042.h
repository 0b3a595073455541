/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_I8042_H
#define THINRUN_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

#define I8042_DATA_PORT		0x60
#define I8042_CMD_PORT		0x64

/* A byte of port I/O at 0x60 or 0x64: DEV_RESET for the reset command. */
enum dev_event i8042_io(uint16_t port, bool in, uint8_t *data);

#endif
