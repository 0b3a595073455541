/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port devices of the platform, put on the port bus: the exit port
 * of a --raw guest, and for a Linux guest the ACPI sleep and reset
 * registers, the 8042's reset, the PIT's ports and the CMOS clock.
 */
#ifndef THINRUN_PLATFORM_H
#define THINRUN_PLATFORM_H

#include <stdbool.h>

struct machine;

#define EXIT_PORT	0xf4

/* 0, or -1 with a message. */
int platform_add_ports(struct machine *m, bool linux_guest);

#endif
