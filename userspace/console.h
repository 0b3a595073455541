/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's console: COM1, with stdout and stdin behind it. */
#ifndef THINRUN_CONSOLE_H
#define THINRUN_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/event.h"

struct console;

/* What the console may do to the machine it is in. */
struct console_hooks {
	/* Drive COM1's interrupt line (from a vCPU or the stdin thread). */
	void (*set_irq)(void *irq_opaque, bool level);
	void *irq_opaque;
	/* Ctrl-A x on a terminal: end the run. */
	void (*quit)(void *quit_opaque);
	void *quit_opaque;
};

/*
 * The UART, a thread that feeds it from stdin, and a terminal on stdin in
 * raw mode (only if stdin is one).  NULL with a message on failure.
 */
struct console *console_start(const struct console_hooks *hooks);
/*
 * The port bus's access function (bus.h) of COM1's 8 ports, opaque the
 * console: from any vCPU thread.  Only byte accesses answer.
 */
enum dev_event console_access(void *opaque, uint64_t offset, bool is_write,
			      uint8_t *data, unsigned int len);
/* Stop the stdin thread, give the terminal back, free it all. */
void console_stop(struct console *c);

#endif
