/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch on AMD SVM.  VMRUN itself moves RAX, RSP, RIP, RFLAGS
 * and the control state; the other general registers go through here.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#include "../world_switch.S"

#define REG(n)	((n) * 8)

/*
 * void tv_svm_vmrun(u64 vmcb_pa, unsigned long *regs, u64 host_area_pa,
 *		     u64 *spec_ctrl)
 *
 * Called with GIF clear, once the host's VMLOAD state (FS, GS, TR, LDTR,
 * the syscall MSRs) is VMSAVEd to host_area_pa.  regs[] is in the
 * hardware's numbering (RAX=0 ... R15=15); RAX and RSP live in the VMCB
 * instead.  *spec_ctrl is the guest's SPEC_CTRL, loaded around it unless
 * the CPU does that itself from the VMCB (V_SPEC_CTRL, svm.c).
 *
 * From the guest's VMLOAD to the host's, GS holds the guest's base: no
 * per-CPU access may run there.  The host's VMLOAD therefore comes right
 * after the guest's VMSAVE, before the return stack buffer refill: since
 * Linux 6.2 (call depth tracking) that refill also writes the per-CPU
 * call depth through GS, and with the guest's GS base that write faults
 * with GIF clear and the guest's TR loaded, a triple fault.
 */
SYM_FUNC_START(tv_svm_vmrun)
	push %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rcx			/* spec_ctrl, for after VMRUN */
	push %rsi			/* regs, for after VMRUN */
	push %rdx			/* host_area_pa, for after VMRUN */

	mov %rcx, %r8
	TV_SPEC_CTRL_TO_GUEST %r8, X86_FEATURE_V_SPEC_CTRL

	mov %rdi, %rax			/* VMLOAD, VMRUN, VMSAVE take it in RAX */
	mov REG(1)(%rsi), %rcx
	mov REG(2)(%rsi), %rdx
	mov REG(3)(%rsi), %rbx
	mov REG(5)(%rsi), %rbp
	mov REG(7)(%rsi), %rdi
	mov REG(8)(%rsi), %r8
	mov REG(9)(%rsi), %r9
	mov REG(10)(%rsi), %r10
	mov REG(11)(%rsi), %r11
	mov REG(12)(%rsi), %r12
	mov REG(13)(%rsi), %r13
	mov REG(14)(%rsi), %r14
	mov REG(15)(%rsi), %r15
	mov REG(6)(%rsi), %rsi

	vmload %rax
	/* CPU buffers cleared (TSA) where the host asks; clobbers ZF. */
	VM_CLEAR_CPU_BUFFERS
	vmrun %rax
	vmsave %rax

	/* The stack is the host's again: its FS, GS and TR come back first. */
	pop %rax			/* host_area_pa */
	vmload %rax

	mov (%rsp), %rax		/* regs */
	mov %rcx, REG(1)(%rax)
	mov %rdx, REG(2)(%rax)
	mov %rbx, REG(3)(%rax)
	mov %rbp, REG(5)(%rax)
	mov %rsi, REG(6)(%rax)
	mov %rdi, REG(7)(%rax)
	mov %r8, REG(8)(%rax)
	mov %r9, REG(9)(%rax)
	mov %r10, REG(10)(%rax)
	mov %r11, REG(11)(%rax)
	mov %r12, REG(12)(%rax)
	mov %r13, REG(13)(%rax)
	mov %r14, REG(14)(%rax)
	mov %r15, REG(15)(%rax)

	TV_GUEST_EXIT_MITIGATE %rax, X86_FEATURE_RETPOLINE, TV_NEVER, X86_FEATURE_V_SPEC_CTRL
	/*
	 * Retbleed/SRSO: untrain the return predictor (and the IBPB the
	 * host's SRSO mitigation may want) before any RET, and before GIF
	 * lets interrupts in, whose handlers would not.
	 */
	UNTRAIN_RET_VM
	TV_GUEST_EXIT_EPILOGUE
	RET
SYM_FUNC_END(tv_svm_vmrun)
