/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch on Intel VMX.  The VMCS switches RSP, RIP, RFLAGS and
 * the control state; the other general registers go through here.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#include "../world_switch.S"
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#define REG(n)	((n) * 8)
#define VMCS_HOST_RSP	0x00006c14

/*
 * bool tv_vmx_vmenter(unsigned long *regs, bool launched, u64 *spec_ctrl)
 *
 * Called with interrupts off and the vCPU's VMCS current.  regs[] is in the
 * hardware's numbering (RAX=0 ... R15=15); RSP lives in the VMCS instead.
 * *spec_ctrl is the guest's SPEC_CTRL, loaded around it.
 * Returns false after a VM exit, true when VMLAUNCH/VMRESUME failed
 * (VMfail: VM_INSTRUCTION_ERROR says why); the guest registers are only
 * stored back after an exit.
 */
SYM_FUNC_START(tv_vmx_vmenter)
	push %rbp
	mov %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdx			/* spec_ctrl, for after the exit */
	push %rdi			/* regs, for after the exit */

	/* The exit comes back to tv_vmx_vmexit with this stack. */
	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lvmfail

	mov %rdx, %r8
	TV_SPEC_CTRL_TO_GUEST %r8, TV_NEVER

	mov %rdi, %rax
	bt $0, %esi			/* launched, in CF: MOVs and VERW keep it */
	mov REG(1)(%rax), %rcx
	mov REG(2)(%rax), %rdx
	mov REG(3)(%rax), %rbx
	mov REG(5)(%rax), %rbp
	mov REG(6)(%rax), %rsi
	mov REG(7)(%rax), %rdi
	mov REG(8)(%rax), %r8
	mov REG(9)(%rax), %r9
	mov REG(10)(%rax), %r10
	mov REG(11)(%rax), %r11
	mov REG(12)(%rax), %r12
	mov REG(13)(%rax), %r13
	mov REG(14)(%rax), %r14
	mov REG(15)(%rax), %r15
	mov REG(0)(%rax), %rax

	/* MDS, TAA, MMIO stale data: CPU buffers cleared where the host asks. */
	TV_VMX_CLEAR_CPU_BUFFERS

	/* The exit lands below with this very stack. */
	UNWIND_HINT_SAVE
	jc .Lresume
	vmlaunch
	jmp .Lvmfail
.Lresume:
	vmresume
	jmp .Lvmfail

SYM_INNER_LABEL(tv_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* RSP is HOST_RSP again: regs on top; RFLAGS is 0x2. */
	push %rax
	mov 8(%rsp), %rax
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
	popq REG(0)(%rax)
	xor %ebx, %ebx
	jmp .Lout

.Lvmfail:
	/* The stack is as it was before VMLAUNCH/VMRESUME. */
	mov $1, %ebx

.Lout:
	/* The return stack buffer and SPEC_CTRL before the first RET. */
	TV_GUEST_EXIT_MITIGATE %rcx, X86_FEATURE_RSB_VMEXIT, X86_FEATURE_RSB_VMEXIT_LITE, TV_NEVER
	/* BHI: the branch history the guest left, where the host clears it. */
	CLEAR_BRANCH_HISTORY_VMEXIT
	mov %ebx, %eax
	TV_GUEST_EXIT_EPILOGUE
	RET
SYM_FUNC_END(tv_vmx_vmenter)

/*
 * void tv_vmx_call_nmi(unsigned long entry)
 *
 * An NMI that ended the guest is the host's: call its handler as the CPU
 * would have, through an interrupt frame.  The handler's IRET returns here
 * (and, as after any NMI, unblocks NMIs).
 */
SYM_FUNC_START(tv_vmx_call_nmi)
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp			/* the CPU aligns the frame */
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	CALL_NOSPEC rdi
	/* IRET restored RSP already; objtool wants to see it done. */
	mov %rbp, %rsp
	pop %rbp
	RET
SYM_FUNC_END(tv_vmx_call_nmi)
