/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What thinrun tells the user when TV_RUN ends in an exit it cannot
 * serve: the exit and everything the module said about it, in words.
 */
#ifndef THINRUN_EXIT_TEXT_H
#define THINRUN_EXIT_TEXT_H

#include <stddef.h>
#include <linux/thinvisor.h>

/* The name of an internal-error suberror, or "unknown" for a new one. */
const char *internal_suberror_name(unsigned int suberror);

/*
 * One line (no newline) describing the TV_EXIT_INTERNAL_ERROR in run:
 * the suberror by name and number, the guest-physical address for the
 * kinds that have one, and the instruction bytes the module read.
 * Returns the length snprintf() would have written.
 */
int internal_error_text(const struct tv_run *run, char *buf, size_t size);

#endif
