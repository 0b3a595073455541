/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_ACPI_PM_H
#define THINRUN_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/*
 * A byte of port I/O at the ports the FADT names (boot/layout.h):
 * DEV_POWEROFF for SLP_EN with SLP_TYP S5, DEV_RESET for the reset value.
 */
enum dev_event acpi_pm_io(uint16_t port, bool in, uint8_t *data);

#endif
