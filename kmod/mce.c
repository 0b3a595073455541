// SPDX-License-Identifier: GPL-2.0
/*
 * A machine check that hit while the guest ran.  The CPU reports it as a
 * VM exit (an #MC exception exit, or on VMX exit reason 41 for one during
 * VM entry), not through the host's IDT, so the host's handler would never
 * see it.  It is called here as KVM does (kvm_machine_check()): with a
 * register frame that says "user mode, interrupts on", since the guest's
 * state is nothing the handler may act on; the handler logs it, and kills
 * the current task or panics as the error requires.
 */
#include <linux/ptrace.h>
#include <asm/mce.h>
#include <asm/processor-flags.h>

#include "exit.h"

void tv_machine_check(void)
{
#if IS_ENABLED(CONFIG_X86_MCE)
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}
