/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code at CPL3: the ring-3 segments in the library's GDT, the
 * host-side setup that makes a 64-bit VM able to run user code, and the
 * guest's IRET into it.
 */
#ifndef TV_RING3_H
#define TV_RING3_H

#include <stdint.h>

#define TV_SEL_UDATA	(0x40 | 3)	/* GDT entries 8 and 9, DPL 3 */
#define TV_SEL_UCODE	(0x48 | 3)

struct tv_vm;
struct tv_vcpu;

/*
 * Ring-3 data and code segments in the GDT, a ring-0 stack in the TSS
 * (RSP0: where a fault from ring 3 lands), and the U bit in the PML4
 * and PDPT entries of the one-to-one map.  Which PD entries (2 MiB
 * pages) are user pages is the test's choice: tv_vm_user_pages().
 */
void tv_vm_ring3_setup(struct tv_vm *vm, struct tv_vcpu *vcpu);

/* U in every PD entry of the one-to-one map but except_pde (-1: none). */
void tv_vm_user_pages(struct tv_vm *vm, int except_pde);

/*
 * Guest side: IRET to rip at CPL3 on stack_top, with IOPL 3 (port I/O
 * allowed, so that a ucall works from ring 3).  Does not return.
 */
static inline void tv_guest_iret_to_ring3(void (*rip)(void), void *stack_top)
{
	asm volatile("push %[ss]\n\t"
		     "push %[usp]\n\t"
		     "push %[fl]\n\t"
		     "push %[cs]\n\t"
		     "push %[rip]\n\t"
		     "iretq"
		     : : [ss] "i"(TV_SEL_UDATA), [usp] "r"(stack_top),
		         [fl] "i"(0x3002), [cs] "i"(TV_SEL_UCODE), [rip] "r"(rip)
		     : "memory");
}

#endif
