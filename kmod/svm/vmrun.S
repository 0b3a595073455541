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
 * void tv_svm_vmrun(u64 vmcb_pa, unsigned long *regs)
 *
 * Called with interrupts off and GIF clear.  regs[] is in the hardware's
 * numbering (RAX=0 ... R15=15); RAX and RSP live in the VMCB instead.
 */
SYM_FUNC_START(tv_svm_vmrun)
	push %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rsi			/* regs, for after VMRUN */

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
	vmrun %rax
	vmsave %rax

	/* RAX is the VMCB address again; the stack is the host's. */
	push %rax
	mov 8(%rsp), %rax		/* regs */
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
	pop %rax

	TV_GUEST_EXIT_EPILOGUE %rax
	RET
SYM_FUNC_END(tv_svm_vmrun)
