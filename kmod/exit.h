/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vendor-neutral VM exit.  Each backend decodes its raw exit (a VMCB's
 * exit code and EXITINFO, a VMCS's exit reason and qualification) into one
 * struct tv_exit_info; the shared handlers in exit.c and io.c only ever see
 * this.  A handler returns 1 to resume the guest, 0 to return to userspace
 * (with struct tv_run filled in), or a negative errno for RUN to return.
 */
#ifndef THINVISOR_EXIT_H
#define THINVISOR_EXIT_H

#include <linux/bits.h>
#include <linux/types.h>

/* DR7's general-detect enable: a #DB delivery clears it. */
#define TV_DR7_GD		BIT(13)

enum tv_exit_kind {
	TV_X_NONE,
	TV_X_EXTINT,
	TV_X_NMI,
	TV_X_CPUID,
	TV_X_HLT,
	TV_X_IO,
	TV_X_NPF,
	TV_X_RDMSR,
	TV_X_WRMSR,
	TV_X_HYPERCALL,
	TV_X_SHUTDOWN,
	TV_X_FAIL_ENTRY,
	TV_X_XSETBV,
	TV_X_RDTSCP,
	TV_X_UD,
	TV_X_HW_ERROR,		/* the backend's own state is not what it set */
	TV_X_EXCEPTION,		/* #DB or #AC, to be reflected */
	TV_X_RDPMC,		/* no PMU: #GP */
	TV_X_WBINVD,		/* a no-op for the guest */
	TV_X_WINDOW_IN_SHADOW,	/* an interrupt window opened too early */
	TV_X_CR_WRITE,		/* CR0 or CR4, intercepted (SVM): cr_exit.c */
	TV_X_UNKNOWN,
	TV_X_NR
};

struct tv_exit_info {
	u32 kind;			/* enum tv_exit_kind */
	u32 insn_len;			/* 0 when the hardware did not say */
	u64 raw[3];			/* the vendor's own words, for tracing */
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2 or 4 */
			u8 addr_size;	/* 2, 4 or 8: for string I/O */
			bool in;
			bool string;
			bool rep;
		} io;
		struct {
			u64 gpa;
			bool write;
			bool fetch;
			bool in_delivery;	/* while the CPU delivered an event */
		} npf;
		struct {
			u64 hardware_reason;
		} fail;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
		} exc;
		struct {
			u8 cr;		/* 0 or 4 */
			s8 gpr;		/* MOV's source by decode assist; -1: fetch */
		} cr;
	};
	unsigned long next_rip;		/* 0 when the hardware did not say */
};

struct tv_vcpu;

int tv_handle_exit(struct tv_vcpu *vcpu);
int tv_complete_userspace_exit(struct tv_vcpu *vcpu);
int tv_vcpu_halt(struct tv_vcpu *vcpu);

/* io.c */
int tv_handle_io(struct tv_vcpu *vcpu);
int tv_handle_npf(struct tv_vcpu *vcpu);
int tv_complete_io(struct tv_vcpu *vcpu, int pending);
int tv_complete_mmio(struct tv_vcpu *vcpu);
bool tv_insn_at_rip_is_hlt(struct tv_vcpu *vcpu);
/* RUN returns TV_EXIT_INTERNAL_ERROR with suberror and gpa: 0. */
int tv_internal_error(struct tv_vcpu *vcpu, u32 suberror, u64 gpa);

/*
 * io.c: copy to or from guest-virtual memory through the guest's tables
 * (0; 1 when a #PF or #GP went into the guest instead; -EFAULT: no RAM);
 * fetch the instruction at CS:RIP and decode it.  A decoder returns 0,
 * -EAGAIN when it needs more bytes, or another errno.
 */
struct tv_sregs;
int tv_virt_copy(struct tv_vcpu *vcpu, struct tv_sregs *s, u64 gva,
		 void *buf, unsigned int len, unsigned int access);
typedef int (*tv_insn_decoder)(const u8 *code, unsigned int n, unsigned int mode_bits,
			       void *insn);
int tv_fetch_decode(struct tv_vcpu *vcpu, struct tv_sregs *s, tv_insn_decoder decode,
		    void *insn, u8 *code, unsigned int *n);

/* cr_exit.c */
int tv_handle_cr_write(struct tv_vcpu *vcpu);

/* mce.c: a machine check that hit the guest, to the host's handler. */
void tv_machine_check(void);

/* exit.c: the exception goes in at the next entry. */
void tv_inject_exception(struct tv_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);

#endif
