/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_ACPI_PM_H
#define THINRUN_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

enum acpi_pm_event {
	ACPI_PM_NOT_MINE,	/* another port */
	ACPI_PM_HANDLED,	/* go on */
	ACPI_PM_POWEROFF,	/* SLP_EN with SLP_TYP S5 */
	ACPI_PM_RESET,		/* the reset value to the reset register */
};

/* A byte of port I/O at the ports the FADT names (boot/layout.h). */
enum acpi_pm_event acpi_pm_io(uint16_t port, bool in, uint8_t *data);

#endif
