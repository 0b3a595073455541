/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's console: COM1, with stdout and stdin behind it. */
#ifndef THINRUN_CONSOLE_H
#define THINRUN_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct console;

/*
 * The UART, a thread that feeds it from stdin, and a terminal on stdin in
 * raw mode (only if stdin is one).  NULL with a message on failure.
 */
struct console *console_start(struct machine *m);
/* Port I/O at COM1, offset 0 to 7, from any vCPU thread. */
void console_io(struct console *c, unsigned int offset, bool in, uint8_t *data);
/* Stop the stdin thread, give the terminal back, free it all. */
void console_stop(struct console *c);

#endif
