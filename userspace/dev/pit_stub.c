// SPDX-License-Identifier: GPL-2.0
/*
 * Not a PIT: the ports of one whose counters have all run down and
 * stopped.  Counters read 0, system control port B (0x61) reads 0x20
 * (channel 2's output high, as at terminal count; no NMI reasons), and
 * writes change nothing.
 *
 * Why answer at all: Linux 6.1 tries a quick TSC calibration against
 * PIT channel 2 very early, before the FADT has told it that there is no
 * legacy PIC (tsc_early_init() runs before early_acpi_boot_init()), and
 * with tsc_early_khz= too, because it calibrates cpu_khz there.  Where
 * nothing answers, every read gives 0xff, which is exactly the first
 * count that quick_pit_calibrate() waits to see change, and it reads
 * port 0x42 100,000 times (50,000 rounds of two) before it gives up:
 * 100,000 exits to thinrun, about 10 s of wall time in the SVM test
 * machine.  A counter that reads 0 fails its first check at once.  Port B must not read all ones either: bits 7 and 6 are
 * the NMI reasons (SERR, IOCHK) that Linux reads on an unknown NMI.
 */
#include "pit_stub.h"

#define PIT_FIRST_PORT	0x40
#define PIT_LAST_PORT	0x43
#define PORT_B		0x61
#define PORT_B_OUT2	0x20	/* channel 2's output */

enum dev_event pit_stub_io(uint16_t port, bool in, uint8_t *data)
{
	if (port == PORT_B) {
		if (in)
			*data = PORT_B_OUT2;
		return DEV_HANDLED;
	}
	if (port < PIT_FIRST_PORT || port > PIT_LAST_PORT)
		return DEV_NOT_MINE;
	if (in)
		*data = 0;
	return DEV_HANDLED;
}
