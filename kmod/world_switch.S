/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both world switches (svm/vmrun.S, vmx/vmenter.S) do around the
 * guest: the speculative-execution hygiene the host kernel asks for (each
 * piece patched in by the X86_FEATURE_* bit the kernel set for itself, so
 * that a host that does not need it runs a jump over it), and the end of
 * the switch.  Included by them, never built on its own.  The order
 * follows KVM's vmenter.S files; Documentation/security.rst says what each
 * piece is for.
 */
#ifndef THINVISOR_WORLD_SWITCH_S
#define THINVISOR_WORLD_SWITCH_S

#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>

#include "compat.h"

/* A feature no CPU has: for a patched-in alternative that never applies. */
#define TV_NEVER	ALT_NOT(X86_FEATURE_ALWAYS)

/*
 * Before the entry, before the guest's registers are loaded: the guest's
 * SPEC_CTRL (*\ptr, a register other than RAX, RCX, RDX) where it differs
 * from the host's current one.  Nothing between this and VMRUN/VMLAUNCH
 * returns.  Skipped where the CPU switches SPEC_CTRL itself (\hw: SVM's
 * V_SPEC_CTRL; TV_NEVER on VMX).  Clobbers RAX, RCX, RDX.
 */
.macro TV_SPEC_CTRL_TO_GUEST ptr:req hw:req
	ALTERNATIVE_2 "jmp .Lspec_guest_done_\@", "", X86_FEATURE_MSR_SPEC_CTRL, \
		      "jmp .Lspec_guest_done_\@", \hw
	/* Its upper half is 0: the module takes only IBRS, STIBP, SSBD. */
	mov (\ptr), %eax
	cmp PER_CPU_VAR(x86_spec_ctrl_current), %eax
	je .Lspec_guest_done_\@
	mov $MSR_IA32_SPEC_CTRL, %ecx
	xor %edx, %edx
	wrmsr
.Lspec_guest_done_\@:
.endm

/*
 * After the exit, before the first RET: the host's SPEC_CTRL back where
 * the guest's (*\ptr: a memory operand holding the pointer) differs, and
 * always under the host's legacy IBRS (the kernel's IBRS must be written
 * again after a less privileged predictor mode ran).  The guest's own
 * writes to the MSR are all intercepted, so *\ptr is current.  Clobbers
 * RAX, RCX, RDX.
 */
.macro TV_SPEC_CTRL_TO_HOST ptr:req hw:req
	ALTERNATIVE_2 "jmp .Lspec_host_done_\@", "", X86_FEATURE_MSR_SPEC_CTRL, \
		      "jmp .Lspec_host_done_\@", \hw
	mov \ptr, %rcx
	mov (%rcx), %ecx
	mov PER_CPU_VAR(x86_spec_ctrl_current), %eax
	mov PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	ALTERNATIVE "cmp %eax, %ecx; je .Lspec_host_same_\@", "", X86_FEATURE_KERNEL_IBRS
	mov $MSR_IA32_SPEC_CTRL, %ecx
	wrmsr
.Lspec_host_same_\@:
	/* No speculation past a write skipped or not yet done. */
	lfence
.Lspec_host_done_\@:
.endm

/*
 * VMX, last before VMLAUNCH/VMRESUME: VERW clears the CPU buffers (MDS,
 * TAA, MMIO stale data) where the host kernel clears them on its own
 * return to user space (what Linux 6.1's KVM tests on its VMX side) or for
 * guests only (the feature 6.1 sets for AMD's TSA, and that later kernels
 * may set for VMX too): one VERW either way.  Clobbers ZF.
 */
.macro TV_VMX_CLEAR_CPU_BUFFERS
	ALTERNATIVE_2 "jmp .Lskip_verw_\@", "", X86_FEATURE_CLEAR_CPU_BUF, \
		      "", X86_FEATURE_CLEAR_CPU_BUF_VM
	verw x86_verw_sel(%rip)
.Lskip_verw_\@:
.endm

/*
 * Right after the exit, once GS is the host's: refill the return stack
 * buffer where the host kernel fills it at VM exit (\rsb: SVM follows
 * KVM's SVM side, retpoline hosts; VMX KVM's VMX side, including the one
 * call eIBRS with PBRSB needs), then the host's SPEC_CTRL.  scratch is a
 * free register; the stack holds the regs pointer, then the SPEC_CTRL
 * pointer.  Clobbers RAX, RCX, RDX and scratch.
 */
.macro TV_GUEST_EXIT_MITIGATE scratch:req rsb:req rsb_lite:req hw:req
	FILL_RETURN_BUFFER \scratch, RSB_CLEAR_LOOPS, \rsb, \rsb_lite
	TV_SPEC_CTRL_TO_HOST 8(%rsp), \hw
.endm

/*
 * Leave no guest value in a caller-saved register (RAX is the caller's
 * to set), drop the regs and SPEC_CTRL pointers and restore the host's
 * callee-saved registers pushed on entry.
 */
.macro TV_GUEST_EXIT_EPILOGUE
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $16, %rsp			/* regs, &spec_ctrl */
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
.endm

#endif
