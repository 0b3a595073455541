/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both world switches (svm/vmrun.S, vmx/vmenter.S) do right after the
 * guest exits, once its registers are stored in vcpu->regs.  Included by
 * them, never built on its own.
 */
#ifndef THINVISOR_WORLD_SWITCH_S
#define THINVISOR_WORLD_SWITCH_S

#include <asm/nospec-branch.h>

/*
 * Refill the return stack buffer (the guest must not steer the host's
 * return predictions, scratch is a free register), leave no guest value in
 * a caller-saved register, drop the regs pointer and restore the host's
 * callee-saved registers pushed on entry.
 */
.macro TV_GUEST_EXIT_EPILOGUE scratch:req
	FILL_RETURN_BUFFER \scratch, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE

	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $8, %rsp			/* regs */
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
.endm

#endif
