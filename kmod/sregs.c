// SPDX-License-Identifier: GPL-2.0
/* TV_SET_SREGS' check (sregs_check.c) with this host's CPU behind it. */
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>

#include "thinvisor.h"
#include "vendor.h"
#include "sregs_check.h"

/*
 * CR4 bits the CPU has: each of the others is reserved, and VMRUN or VM
 * entry refuses it.  Of those, not the ones for what the module does not
 * offer a guest: VMXE and SMXE (no nested virtualization, no SMX), CET
 * and PKS (their state is not switched), LA57 where guests have no
 * five-level paging (VMX, and CPUs without it).  The guest's own CR4
 * writes are held to the same where they exit (cr_exit.c).
 */
u64 tv_cr4_ok(void)
{
	u64 ok = X86_CR4_TSD | X86_CR4_PAE | X86_CR4_PCE | X86_CR4_OSFXSR |
		 X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_VME))
		ok |= X86_CR4_VME | X86_CR4_PVI;
	if (boot_cpu_has(X86_FEATURE_DE))
		ok |= X86_CR4_DE;
	if (boot_cpu_has(X86_FEATURE_PSE))
		ok |= X86_CR4_PSE;
	if (boot_cpu_has(X86_FEATURE_MCE))
		ok |= X86_CR4_MCE;
	if (boot_cpu_has(X86_FEATURE_PGE))
		ok |= X86_CR4_PGE;
	if (boot_cpu_has(X86_FEATURE_UMIP))
		ok |= X86_CR4_UMIP;
	if (tv_ops->guest_va_bits == 57)
		ok |= X86_CR4_LA57;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		ok |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_PCID))
		ok |= X86_CR4_PCIDE;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		ok |= X86_CR4_OSXSAVE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		ok |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		ok |= X86_CR4_SMAP;
	if (boot_cpu_has(X86_FEATURE_PKU))
		ok |= X86_CR4_PKE;
	return ok;
}

int tv_sregs_check(const struct tv_sregs *s)
{
	const struct tv_sregs_check c = {
		.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
		.cs_attrib = s->cs.attrib,
	};
	const struct tv_sregs_limits lim = {
		.cr4_ok = tv_cr4_ok(),
		.phys_bits = boot_cpu_data.x86_phys_bits,
	};
	const char *why = tv_sregs_refused(&c, &lim);

	if (why) {
		pr_debug(TV_NAME ": TV_SET_SREGS refused: %s\n", why);
		return -EINVAL;
	}
	return 0;
}
