/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What guest code may use.  Guest code is ordinary C in the test binary,
 * run in 64-bit mode at the address it is linked at.  It must not call the
 * C library (no printf, no memcpy on purpose, no errno, no TLS): only what
 * is here, inline asm, and plain C on its own stack and on globals (the
 * guest has its own copy of every global; see tv_sync_global_*()).
 */
#ifndef TV_GUEST_H
#define TV_GUEST_H

#include <stdint.h>
#include "tv_ucall.h"

/* Set by the library before the guest runs: TV_VENDOR_AMD_SVM or _INTEL_VMX. */
extern int tv_guest_vendor;

void tv_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
	      uint64_t a3, uint64_t a4);

#define GUEST_SYNC(stage)	tv_ucall(TV_UCALL_SYNC, (stage), 0, 0, 0, 0)
#define GUEST_SYNC_ARGS(stage, a1, a2, a3, a4) \
	tv_ucall(TV_UCALL_SYNC, (stage), (a1), (a2), (a3), (a4))
#define GUEST_DONE()		tv_ucall(TV_UCALL_DONE, 0, 0, 0, 0, 0)

#define __GUEST_ASSERT(cond, str, a, b) do {				\
	if (!(cond))							\
		tv_ucall(TV_UCALL_ABORT, (uint64_t)(str),		\
			 (uint64_t)__FILE__, __LINE__, (a), (b));	\
} while (0)

#define GUEST_ASSERT(cond)	__GUEST_ASSERT(cond, #cond, 0, 0)
#define GUEST_ASSERT_EQ(a, b) do {					\
	uint64_t __a = (uint64_t)(a), __b = (uint64_t)(b);		\
	__GUEST_ASSERT(__a == __b, #a " == " #b, __a, __b);		\
} while (0)

/* VMMCALL or VMCALL, by vendor: nr in RAX, args in RBX RCX RDX RSI. */
static inline uint64_t tv_hypercall(uint64_t nr, uint64_t a0, uint64_t a1,
				    uint64_t a2, uint64_t a3)
{
	uint64_t ret;

	if (tv_guest_vendor == 1 /* TV_VENDOR_AMD_SVM */)
		asm volatile("vmmcall" : "=a"(ret)
			     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
			     : "memory");
	else
		asm volatile("vmcall" : "=a"(ret)
			     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
			     : "memory");
	return ret;
}

static inline void tv_cpuid(uint32_t leaf, uint32_t idx, uint32_t *a,
			    uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(idx) : "memory");
}

static inline uint64_t tv_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | ((uint64_t)hi << 32);
}

static inline void tv_wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val),
		     "d"((uint32_t)(val >> 32)) : "memory");
}

/*
 * Faulting instructions.  Before the instruction, the guest stores where to
 * go on a fault; the exception handler (lib/guest.c) then records the
 * vector and resumes there.  The *_safe helpers return 0 or the vector.
 */
extern volatile uint64_t tv_guest_fixup_rip;
extern volatile uint8_t tv_guest_fault_vector;
extern volatile uint64_t tv_guest_fault_error;

#define TV_SAFE_PRE						\
	"movq $1f, tv_guest_fixup_rip(%%rip)\n\t"			\
	"movb $0, tv_guest_fault_vector(%%rip)\n\t"
#define TV_SAFE_POST "\n\t1:\n\tmovq $0, tv_guest_fixup_rip(%%rip)"

static inline uint8_t tv_rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	asm volatile(TV_SAFE_PRE "rdmsr" TV_SAFE_POST
		     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = lo | ((uint64_t)hi << 32);
	return tv_guest_fault_vector;
}

static inline uint8_t tv_wrmsr_safe(uint32_t msr, uint64_t val)
{
	asm volatile(TV_SAFE_PRE "wrmsr" TV_SAFE_POST
		     : : "c"(msr), "a"((uint32_t)val),
		       "d"((uint32_t)(val >> 32)) : "memory");
	return tv_guest_fault_vector;
}

/* An exception frame as lib/guest.c pushes it; handlers may change rip. */
struct tv_ex_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* A guest-side handler for one vector (64-bit guests); NULL: unhandled. */
extern void (*tv_guest_handlers[256])(struct tv_ex_frame *f);

#endif
