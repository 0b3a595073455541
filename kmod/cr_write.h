/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's writes of CR0 and CR4, where the module intercepts them (SVM:
 * CR0 always, CR4 while paging is off; svm.c says why).  Without decode
 * assists the exit says only which register, so the instruction at RIP is
 * fetched and decoded here; the value it writes is then checked against
 * the architectural #GP conditions (SDM vol. 3, 2.5 and the MOV to CR,
 * CLTS and LMSW pages; AMD APM vol. 2, 3.1) before the backend takes it.
 *
 * The instructions that raise the CR0 write intercept (APM vol. 2, 15.9):
 *
 *   0F 22 /r     MOV CRn, r32/r64 (REX.R selects CR8-15, REX.B R8-15;
 *                ModRM.mod is ignored: always a register)
 *   0F 06        CLTS (clears CR0.TS)
 *   0F 01 /6     LMSW r/m16 (loads CR0 bits 3:0; PE can be set, not
 *                cleared), from a register or from memory: its
 *                effective address is computed here (tv_cr_mem_offset)
 *
 * Pure logic (pure.h), unit-tested in selftests/unit/cr_write_test.c.
 */
#ifndef THINVISOR_CR_WRITE_H
#define THINVISOR_CR_WRITE_H

#include "pure.h"

#define TV_CR0_PE	0x00000001ULL
#define TV_CR0_MP	0x00000002ULL
#define TV_CR0_EM	0x00000004ULL
#define TV_CR0_TS	0x00000008ULL
#define TV_CR0_ET	0x00000010ULL
#define TV_CR0_NE	0x00000020ULL
#define TV_CR0_WP	0x00010000ULL
#define TV_CR0_AM	0x00040000ULL
#define TV_CR0_NW	0x20000000ULL
#define TV_CR0_CD	0x40000000ULL
#define TV_CR0_PG	0x80000000ULL
/* Spelled as in gwalk.h where both name a bit: the same definition. */
#define TV_CR4_PAE	0x00000020ULL
#define TV_CR4_LA57	0x00001000ULL
#define TV_CR4_PCIDE	0x00020000ULL
#define TV_EFER_LME	0x00000100ULL
#define TV_EFER_LMA	0x00000400ULL

/* The bits CR0 has; writes of the other low ones are ignored. */
#define TV_CR0_KNOWN	(TV_CR0_PE | TV_CR0_MP | TV_CR0_EM | TV_CR0_TS | TV_CR0_ET | \
			 TV_CR0_NE | TV_CR0_WP | TV_CR0_AM | TV_CR0_NW | TV_CR0_CD | \
			 TV_CR0_PG)

enum tv_cr_op {
	TV_CR_OP_MOV,		/* MOV to CRn from a GPR */
	TV_CR_OP_CLTS,
	TV_CR_OP_LMSW,		/* from a GPR (register form) */
	TV_CR_OP_LMSW_MEM,	/* from memory (@mem) */
};

/* Segment registers in their x86 encoding (prefixes, the uAPI's order). */
enum tv_seg_reg { TV_SEG_ES, TV_SEG_CS, TV_SEG_SS, TV_SEG_DS, TV_SEG_FS, TV_SEG_GS };

/**
 * struct tv_cr_mem - the memory operand of LMSW m16
 * @base:      the base GPR, or -1
 * @index:     the index GPR, or -1
 * @scale:     1, 2, 4 or 8
 * @addr_size: 2, 4 or 8 bytes
 * @seg:       enum tv_seg_reg: the default or the override
 * @rip_rel:   RIP-relative (64-bit mode, ModRM 00 xxx 101)
 * @disp:      the displacement, sign-extended
 */
struct tv_cr_mem {
	s8 base;
	s8 index;
	u8 scale;
	u8 addr_size;
	u8 seg;
	bool rip_rel;
	s64 disp;
};

/**
 * struct tv_cr_insn - one decoded write of a control register
 * @len: the instruction's length, prefixes included
 * @op:  enum tv_cr_op
 * @cr:  the register written: MOV's CRn; 0 for CLTS and LMSW
 * @gpr: MOV and register LMSW: the source GPR (enum tv_gpr, decode.h)
 * @mem: LMSW from memory: its operand
 */
struct tv_cr_insn {
	u8 len;
	u8 op;
	u8 cr;
	u8 gpr;
	struct tv_cr_mem mem;
};

/**
 * tv_decode_cr_write() - decode the instruction that raised a CR write exit
 * @code:      the bytes at the guest RIP
 * @n:         how many were fetched (TV_INSN_MAX_LEN is always enough)
 * @mode_bits: 16, 32, or 64 in 64-bit mode (REX exists only there)
 * @insn:      filled on success
 *
 * Return: 0; -EAGAIN if more than @n bytes are needed; -EINVAL for any
 * other instruction, a LOCK prefix, or one longer than TV_INSN_MAX_LEN.
 */
int tv_decode_cr_write(const u8 *code, unsigned int n, unsigned int mode_bits,
		       struct tv_cr_insn *insn);

/**
 * tv_cr_mem_offset() - the offset in its segment of LMSW's memory operand
 * @mem:      the decoded operand
 * @regs:     the guest's 16 GPRs (enum tv_gpr)
 * @next_rip: the RIP after the instruction (for RIP-relative operands)
 *
 * Return: base + index * scale + displacement, cut to the address size.
 * The caller adds the segment's base (in 64-bit mode only FS's and GS's).
 */
u64 tv_cr_mem_offset(const struct tv_cr_mem *mem, const unsigned long *regs, u64 next_rip);

/* What the rules read of the vCPU's state. */
struct tv_cr_state {
	u64 cr0, cr3, cr4, efer;
	bool cs_l;		/* CS.L: 64-bit code when EFER.LMA is set */
};

/**
 * tv_cr0_written() - the CR0 value an instruction asks for
 * @insn: a decoded CR0 write (MOV to CR0, CLTS or LMSW)
 * @cr0:  CR0 before it
 * @src:  MOV and LMSW: the source operand (the GPR, already cut to the
 *        operand size)
 *
 * Return: the value to check with tv_cr0_write_refused(): for MOV, @src;
 * for CLTS, @cr0 without TS; for LMSW, @cr0 with bits 3:1 from @src and
 * PE set if either has it.
 */
u64 tv_cr0_written(const struct tv_cr_insn *insn, u64 cr0, u64 src);

/* NULL when the CPU would take val for CR0, else the #GP rule it breaks. */
const char *tv_cr0_write_refused(const struct tv_cr_state *s, u64 val);

/* What CR0 holds after a write of val that was not refused. */
u64 tv_cr0_stored(u64 val);

/*
 * NULL when the CPU would take val for CR4, else the #GP rule it breaks;
 * cr4_ok are the bits the CPU has and the module backs (sregs.c).
 */
const char *tv_cr4_write_refused(const struct tv_cr_state *s, u64 val, u64 cr4_ok);

#endif
