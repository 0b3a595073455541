/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_MSR_QUIRKS_H
#define THINRUN_MSR_QUIRKS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * An RDMSR or WRMSR of an MSR the module does not own (TV_EXIT_MSR):
 * true if thinrun answers it (data filled for a read), false for #GP.
 */
bool msr_quirk(uint32_t index, bool write, uint64_t *data);

#endif
