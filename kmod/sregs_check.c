// SPDX-License-Identifier: GPL-2.0
/*
 * Which states TV_SET_SREGS refuses, beyond reserved fields: every
 * combination of CR0, CR3, CR4, EFER and CS that the CPU itself would
 * not run (VMRUN's consistency checks, AMD APM vol. 2 15.5.1; VM entry's
 * checks on the guest state, SDM vol. 3 27.3.1; MOV to CR0/CR4's #GP
 * conditions), and the CR4 bits the CPU lacks or the module does not
 * back.  KVM_SET_SREGS refuses the same (kvm_is_valid_sregs()).
 *
 * Refused here, never handed to the CPU: a state VMRUN should refuse is
 * one an emulator may run anyway (QEMU's TCG checks less than the APM
 * lists), and one the CPU runs in a mode it cannot reach by itself (EFER.LMA
 * without paging, a 64-bit CS outside long mode) is a mode the module's
 * instruction decoder and page walker do not know either.
 */
#include "sregs_check.h"

#define CR0_PE		0x00000001ULL
#define CR0_NW		0x20000000ULL
#define CR0_CD		0x40000000ULL
#define CR0_PG		0x80000000ULL
#define CR4_PAE		0x00000020ULL
#define CR4_PCIDE	0x00020000ULL
#define EFER_LME_BIT	0x00000100ULL
#define EFER_LMA_BIT	0x00000400ULL
#define CS_L		0x2000U
#define CS_DB		0x4000U

const char *tv_sregs_refused(const struct tv_sregs_check *s, const struct tv_sregs_limits *lim)
{
	bool long_mode = (s->efer & EFER_LME_BIT) && (s->cr0 & CR0_PG);

	if (s->cr0 >> 32)
		return "CR0 bits 63:32 set";
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return "CR0.NW without CR0.CD";
	if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return "CR0.PG without CR0.PE";
	if (s->cr4 & ~lim->cr4_ok)
		return "a CR4 bit the CPU or the module does not have";
	if (lim->phys_bits < 64 && (s->cr3 >> lim->phys_bits))
		return "CR3 bits above MAXPHYADDR";
	if (long_mode) {
		if (!(s->cr4 & CR4_PAE))
			return "long mode (EFER.LME, CR0.PG) without CR4.PAE";
		if (!(s->efer & EFER_LMA_BIT))
			return "long mode (EFER.LME, CR0.PG) without EFER.LMA";
		if ((s->cs_attrib & CS_L) && (s->cs_attrib & CS_DB))
			return "CS.L and CS.D both set in long mode";
	} else {
		if (s->efer & EFER_LMA_BIT)
			return "EFER.LMA without EFER.LME and CR0.PG";
		if (s->cs_attrib & CS_L)
			return "CS.L outside long mode";
		if (s->cr4 & CR4_PCIDE)
			return "CR4.PCIDE outside long mode";
	}
	return NULL;
}
