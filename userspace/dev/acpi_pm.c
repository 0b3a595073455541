// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI hardware-reduced sleep and reset registers the FADT points at
 * (boot/acpi.c): the guest's only way to power off or reboot, since there
 * is no PM1 block or 0xcf9 here (dev/i8042.c has the keyboard
 * controller's reset, the fallback of Linux's reboot).
 */
#include "boot/layout.h"
#include "acpi_pm.h"

#define SLP_TYP_MASK	(7 << ACPI_SLP_TYP_SHIFT)

enum dev_event acpi_pm_io(uint16_t port, bool in, uint8_t *data)
{
	switch (port) {
	case ACPI_SLEEP_CTL_PORT:
		if (in) {
			*data = 0;
			return DEV_HANDLED;
		}
		/* Only S5 exists: any other sleep state is ignored. */
		if ((*data & ACPI_SLP_EN) &&
		    (*data & SLP_TYP_MASK) >> ACPI_SLP_TYP_SHIFT == ACPI_SLP_TYP_S5)
			return DEV_POWEROFF;
		return DEV_HANDLED;
	case ACPI_SLEEP_STS_PORT:
		/* WAK_STS never sets: the guest does not come back from S5. */
		if (in)
			*data = 0;
		return DEV_HANDLED;
	case ACPI_RESET_PORT:
		if (in) {
			*data = 0;
			return DEV_HANDLED;
		}
		return *data == ACPI_RESET_VALUE ? DEV_RESET : DEV_HANDLED;
	default:
		return DEV_NOT_MINE;
	}
}
