// SPDX-License-Identifier: GPL-2.0
/*
 * Code that runs in the guest (64-bit mode): the ucall, the exception
 * entry points of the standard IDT, and the trap under a guest function
 * that returns.  Nothing here may call the C library.
 */
#include "tv_guest.h"

int tv_guest_vendor;
volatile uint64_t tv_guest_fixup_rip;
volatile uint8_t tv_guest_fault_vector;
volatile uint64_t tv_guest_fault_error;
void (*tv_guest_handlers[256])(struct tv_ex_frame *f);

void tv_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
	      uint64_t a3, uint64_t a4)
{
	volatile struct tv_ucall uc;

	uc.cmd = cmd;
	uc.args[0] = a0;
	uc.args[1] = a1;
	uc.args[2] = a2;
	uc.args[3] = a3;
	uc.args[4] = a4;
	uc.args[5] = 0;
	asm volatile("outl %%eax, %[port]"
		     : : "a"((uint32_t)(uintptr_t)&uc), [port] "i"(TV_UCALL_PORT)
		     : "memory");
}

void tv_guest_exception(struct tv_ex_frame *f);
void tv_guest_exception(struct tv_ex_frame *f)
{
	if (tv_guest_fixup_rip) {
		tv_guest_fault_vector = f->vector;
		tv_guest_fault_error = f->error_code;
		f->rip = tv_guest_fixup_rip;
		tv_guest_fixup_rip = 0;
		return;
	}
	if (tv_guest_handlers[f->vector & 0xff]) {
		tv_guest_handlers[f->vector & 0xff](f);
		return;
	}
	for (;;)
		tv_ucall(TV_UCALL_UNHANDLED, f->vector, f->rip, f->error_code, 0, 0);
}

void tv_guest_return_abort(void);
void tv_guest_return_abort(void)
{
	for (;;)
		tv_ucall(TV_UCALL_ABORT,
			 (uint64_t)"the guest function returned without GUEST_DONE()",
			 (uint64_t)__FILE__, __LINE__, 0, 0);
}

/*
 * 256 entry points, 16 bytes apart, each pushing a dummy error code where
 * the CPU pushes none, then the vector.  With the 40-byte frame the CPU
 * pushes on a 16-byte aligned stack, the 15 registers pushed below leave
 * the stack 16-byte aligned for the call.
 */
asm(".pushsection .text\n"
    ".balign 16\n"
    ".globl tv_exc_stubs\n"
    "tv_exc_stubs:\n"
    ".set tv_vec, 0\n"
    ".rept 256\n"
    ".balign 16\n"
    ".if (tv_vec == 8) || (tv_vec >= 10 && tv_vec <= 14) || (tv_vec == 17) || (tv_vec == 21) || (tv_vec == 29) || (tv_vec == 30)\n"
    ".else\n"
    "pushq $0\n"
    ".endif\n"
    "pushq $tv_vec\n"
    "jmp tv_exc_common\n"
    ".set tv_vec, tv_vec + 1\n"
    ".endr\n"
    "tv_exc_common:\n"
    "push %rax\n push %rbx\n push %rcx\n push %rdx\n"
    "push %rsi\n push %rdi\n push %rbp\n"
    "push %r8\n push %r9\n push %r10\n push %r11\n"
    "push %r12\n push %r13\n push %r14\n push %r15\n"
    "mov %rsp, %rdi\n"
    "cld\n"
    "call tv_guest_exception\n"
    "pop %r15\n pop %r14\n pop %r13\n pop %r12\n"
    "pop %r11\n pop %r10\n pop %r9\n pop %r8\n"
    "pop %rbp\n pop %rdi\n pop %rsi\n"
    "pop %rdx\n pop %rcx\n pop %rbx\n pop %rax\n"
    "add $16, %rsp\n"
    "iretq\n"
    ".globl tv_guest_returned\n"
    "tv_guest_returned:\n"
    "and $-16, %rsp\n"
    "call tv_guest_return_abort\n"
    ".popsection\n");
