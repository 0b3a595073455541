/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_TSC_H
#define THINRUN_TSC_H

#include <stdint.h>

/* The host's TSC frequency in kHz (the guest's too: the TSC passes through). */
uint32_t host_tsc_khz(void);

#endif
