/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMIO instruction decoder.
 *
 * A guest access to guest-physical memory with no RAM behind it ends in a
 * nested page fault that gives the address but, without decode assists,
 * not the instruction.  The hypervisor fetches the bytes at the guest RIP
 * and decodes them here to learn the width, the direction and the register
 * or immediate of the access.  Only the plain moves a driver uses for MMIO
 * are decoded:
 *
 *   88/89/8A/8B /r      MOV r/m, r and MOV r, r/m
 *   C6 /0 ib, C7 /0 iz  MOV r/m, imm
 *   A0/A1/A2/A3         MOV AL/rAX, moffs and MOV moffs, AL/rAX
 *   0F B6/B7, 0F BE/BF  MOVZX, MOVSX
 *   0F C3               MOVNTI
 *
 * The effective address is not computed: the fault already gives it.
 */
#ifndef THINVISOR_DECODE_H
#define THINVISOR_DECODE_H

#include "pure.h"

/* The architectural limit; a longer instruction raises #GP. */
#define TV_INSN_MAX_LEN 15

/* GPR numbers, in the order of the ModRM encoding. */
enum tv_gpr {
	TV_RAX, TV_RCX, TV_RDX, TV_RBX, TV_RSP, TV_RBP, TV_RSI, TV_RDI,
	TV_R8, TV_R9, TV_R10, TV_R11, TV_R12, TV_R13, TV_R14, TV_R15,
};

/**
 * struct tv_insn - one decoded MMIO instruction
 * @len:         instruction length in bytes, prefixes included
 * @is_write:    true if the guest stores to memory
 * @size:        width of the memory access: 1, 2, 4 or 8
 * @reg:         the GPR stored or loaded (enum tv_gpr); for AH, CH, DH and
 *               BH it is RAX, RCX, RDX or RBX with @high_byte set; 0 for
 *               a store of @imm
 * @high_byte:   the register is bits 15:8 of @reg
 * @has_imm:     a store of @imm, not of @reg
 * @imm:         the stored immediate, already sign-extended to @size bytes
 *               and zero above them
 * @dst_size:    loads: the width written to @reg (wider than @size for
 *               MOVZX and MOVSX); stores: equal to @size
 * @sign_extend: loads: MOVSX, the memory value is sign-extended
 */
struct tv_insn {
	u8 len;
	bool is_write;
	u8 size;
	u8 reg;
	bool high_byte;
	bool has_imm;
	u64 imm;
	u8 dst_size;
	bool sign_extend;
};

/**
 * tv_decode_mmio() - decode the instruction that faulted on MMIO
 * @code:      the bytes at the guest RIP
 * @n:         how many of them were fetched; TV_INSN_MAX_LEN is always
 *             enough, fewer may be (a fetch stopped at a page boundary)
 * @mode_bits: the CS default operand size: 16 or 32, or 64 in long mode
 * @insn:      filled on success, cleared otherwise
 *
 * Return: 0; -EAGAIN if the instruction is longer than @n bytes (fetch more
 * and call again); -EINVAL if it is not an instruction decoded here, has a
 * register operand, is longer than TV_INSN_MAX_LEN, or would raise #UD.
 */
int tv_decode_mmio(const u8 *code, unsigned int n, unsigned int mode_bits,
		   struct tv_insn *insn);

/**
 * tv_insn_store_value() - the value a store writes to memory
 * @insn:      a decoded store
 * @reg_value: the full 64-bit value of insn->reg (ignored for immediates)
 *
 * Return: the value, insn->size bytes wide and zero above them.
 */
u64 tv_insn_store_value(const struct tv_insn *insn, u64 reg_value);

/**
 * tv_insn_load_result() - the register value after a load
 * @insn:          a decoded load
 * @old_reg_value: the full 64-bit value of insn->reg before the load
 * @mem_value:     the value read, in the low insn->size bytes
 *
 * Follows the x86 rules for writing a register: 8- and 16-bit writes keep
 * the other bits (for AH..BH, all but bits 15:8), 32-bit writes zero bits
 * 63:32, MOVZX and MOVSX widen to insn->dst_size first.
 *
 * Return: the new full 64-bit value of insn->reg.
 */
u64 tv_insn_load_result(const struct tv_insn *insn, u64 old_reg_value,
			u64 mem_value);

#endif
