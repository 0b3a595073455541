/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_PIT_STUB_H
#define THINRUN_PIT_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* A byte of port I/O at the PIT (0x40-0x43) or port B (0x61). */
enum dev_event pit_stub_io(uint16_t port, bool in, uint8_t *data);

#endif
