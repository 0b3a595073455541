// SPDX-License-Identifier: GPL-2.0
/*
 * Only the reset line of a PC keyboard controller: command 0xfe to port
 * 0x64 pulses it.  Linux's reboot falls back to it when the ACPI reset
 * register did not reset the machine, so a guest that gets there still
 * ends thinrun as a reboot rather than spinning.  The status register
 * reads 0 (both buffers empty), so that the kernel's wait for an empty
 * input buffer ends at once.  There is no keyboard: the FADT does not
 * announce an 8042, and Linux's i8042 driver does not probe for one.
 */
#include "i8042.h"

#define I8042_CMD_RESET	0xfe

enum dev_event i8042_io(uint16_t port, bool in, uint8_t *data)
{
	if (port != I8042_DATA_PORT && port != I8042_CMD_PORT)
		return DEV_NOT_MINE;
	if (in) {
		*data = 0;
		return DEV_HANDLED;
	}
	if (port == I8042_CMD_PORT && *data == I8042_CMD_RESET)
		return DEV_RESET;
	return DEV_HANDLED;
}
