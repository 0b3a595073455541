/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU state of the Linux 64-bit boot protocol: long mode with paging,
 * the first 4 GiB mapped one to one (2 MiB pages, so that it works on any
 * CPU with long mode, 1 GiB pages or not), a GDT with the flat
 * __BOOT_CS (0x10) and __BOOT_DS (0x18), interrupts off, RSI pointing at
 * boot_params.
 */
#ifndef THINRUN_BOOT_LONGMODE_H
#define THINRUN_BOOT_LONGMODE_H

#include <stdint.h>
#include <linux/thinvisor.h>

#include "boot/bzimage.h"

#define BOOT_CS		0x10	/* __BOOT_CS */
#define BOOT_DS		0x18	/* __BOOT_DS */
#define BOOT_TSS	0x20	/* only because VMX wants a usable TR */

/*
 * Write the GDT, the TSS and the page tables into guest memory (layout.h)
 * and fill the registers for vCPU 0 to enter at entry->rip.
 */
void longmode_setup(void *guest_ram, const struct boot_entry *entry,
		    struct tv_regs *regs, struct tv_sregs *sregs);

#endif
