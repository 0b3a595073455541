// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO instruction decoder (see decode.h): prefixes, then the opcode
 * looked up in one small table, then ModRM, SIB, displacement, moffs and
 * immediate.  Addressing bytes are only counted, never evaluated.
 *
 * References: Intel SDM vol. 2, chapter 2 (instruction format) and the
 * MOV, MOVZX, MOVSX and MOVNTI pages.
 */
#include "decode.h"

/* What an opcode does and which bytes follow it. */
enum {
	TV_OP_MODRM	= 0x01,	/* a ModRM follows; its r/m must be memory */
	TV_OP_GROUP0	= 0x02,	/* ModRM.reg extends the opcode: only /0 */
	TV_OP_MOFFS	= 0x04,	/* an offset of the address size; reg is rAX */
	TV_OP_IMM	= 0x08,	/* ib for a byte, else iw or id */
	TV_OP_STORE	= 0x10,	/* writes memory */
	TV_OP_WIDEN	= 0x20,	/* the register has the operand size */
	TV_OP_SIGN	= 0x40,	/* ... and gets the memory sign-extended */
	TV_OP_NP	= 0x80,	/* no 66h; 32 bits unless REX.W */
};

struct tv_opcode {
	u8 map;		/* 0: one-byte opcode, 1: after the 0F escape */
	u8 opcode;
	u8 mem_size;	/* fixed width of memory, 0: the operand size */
	u8 flags;
};

/* Ends with an entry with no flags. */
static const struct tv_opcode tv_opcodes[] = {
	{ 0, 0x88, 1, TV_OP_MODRM | TV_OP_STORE },		/* MOV r/m8, r8 */
	{ 0, 0x89, 0, TV_OP_MODRM | TV_OP_STORE },		/* MOV r/m, r */
	{ 0, 0x8a, 1, TV_OP_MODRM },				/* MOV r8, r/m8 */
	{ 0, 0x8b, 0, TV_OP_MODRM },				/* MOV r, r/m */
	{ 0, 0xa0, 1, TV_OP_MOFFS },				/* MOV AL, moffs8 */
	{ 0, 0xa1, 0, TV_OP_MOFFS },				/* MOV rAX, moffs */
	{ 0, 0xa2, 1, TV_OP_MOFFS | TV_OP_STORE },		/* MOV moffs8, AL */
	{ 0, 0xa3, 0, TV_OP_MOFFS | TV_OP_STORE },		/* MOV moffs, rAX */
	{ 0, 0xc6, 1, TV_OP_MODRM | TV_OP_GROUP0 | TV_OP_IMM | TV_OP_STORE },
	{ 0, 0xc7, 0, TV_OP_MODRM | TV_OP_GROUP0 | TV_OP_IMM | TV_OP_STORE },
	{ 1, 0xb6, 1, TV_OP_MODRM | TV_OP_WIDEN },		/* MOVZX r, r/m8 */
	{ 1, 0xb7, 2, TV_OP_MODRM | TV_OP_WIDEN },		/* MOVZX r, r/m16 */
	{ 1, 0xbe, 1, TV_OP_MODRM | TV_OP_WIDEN | TV_OP_SIGN },	/* MOVSX */
	{ 1, 0xbf, 2, TV_OP_MODRM | TV_OP_WIDEN | TV_OP_SIGN },
	{ 1, 0xc3, 0, TV_OP_MODRM | TV_OP_STORE | TV_OP_NP },	/* MOVNTI */
	{ }
};

#define TV_REX_W	0x08
#define TV_REX_R	0x04

/* The instruction bytes seen so far. */
struct tv_bytes {
	const u8 *code;
	unsigned int n;
	unsigned int pos;
};

/*
 * Take the next @len bytes as a little-endian number.  Past the 15-byte
 * limit nothing more can help (-EINVAL); past what was fetched, more bytes
 * can (-EAGAIN).
 */
static int tv_take(struct tv_bytes *b, unsigned int len, u64 *val)
{
	unsigned int i;

	if (b->pos + len > TV_INSN_MAX_LEN)
		return -EINVAL;
	if (b->pos + len > b->n)
		return -EAGAIN;
	*val = 0;
	for (i = 0; i < len; i++)
		*val |= (u64)b->code[b->pos + i] << (8 * i);
	b->pos += len;
	return 0;
}

/*
 * Skip the SIB and displacement that follow a ModRM with a memory operand
 * (mod != 3).  The special cases look at the 3-bit fields only: REX.B
 * does not change them, so [r12] needs a SIB and [r13] a displacement.
 */
static int tv_skip_addressing(struct tv_bytes *b, u8 modrm,
			      unsigned int addr_size)
{
	unsigned int mod = modrm >> 6, base = modrm & 7, disp;
	u64 val;
	int ret;

	if (addr_size == 2) {
		/* No SIB; mod 00 with rm 110 is [disp16], not [bp]. */
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || base == 6)
			disp = 2;
		else
			disp = 0;
		return tv_take(b, disp, &val);
	}

	/* rm 100 is a SIB, whose base 101 with mod 00 is disp32, no base. */
	if (base == 4) {
		ret = tv_take(b, 1, &val);
		if (ret)
			return ret;
		base = val & 7;
	}
	/*
	 * rm 101 with mod 00 is disp32: absolute in 16/32-bit mode,
	 * RIP-relative in 64-bit mode, the same length either way.
	 */
	if (mod == 1)
		disp = 1;
	else if (mod == 2 || base == 5)
		disp = 4;
	else
		disp = 0;
	return tv_take(b, disp, &val);
}

static const struct tv_opcode *tv_find_opcode(unsigned int map, u8 opcode)
{
	const struct tv_opcode *op;

	for (op = tv_opcodes; op->flags; op++)
		if (op->map == map && op->opcode == opcode)
			return op;
	return NULL;
}

static u64 tv_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static int tv_decode(struct tv_bytes *b, unsigned int mode_bits,
		     struct tv_insn *insn)
{
	bool opsize_pfx = false, addr_pfx = false, lock = false;
	const struct tv_opcode *op;
	unsigned int map = 0, opsize, addr_size, reg_size;
	u8 rex = 0;
	u64 byte, modrm, imm;
	unsigned int mod, reg;
	int ret;

	/*
	 * Legacy prefixes in any order and number.  A REX counts only as
	 * the last byte before the opcode; anywhere else it is ignored.
	 */
	for (;;) {
		ret = tv_take(b, 1, &byte);
		if (ret)
			return ret;
		if (mode_bits == 64 && (byte & 0xf0) == 0x40) {
			rex = byte;
			continue;
		}
		if (byte == 0x66) {
			opsize_pfx = true;
		} else if (byte == 0x67) {
			addr_pfx = true;
		} else if (byte == 0xf0) {
			lock = true;
		} else if (byte != 0x26 && byte != 0x2e && byte != 0x36 &&
			   byte != 0x3e && byte != 0x64 && byte != 0x65) {
			break;
		}
		/* A REX followed by another prefix (SDM 2.2.1). */
		rex = 0;
	}

	/*
	 * LOCK MOV raises #UD before any access, so the guest cannot have
	 * faulted on one: the code changed under us.  F2h and F3h (REP,
	 * XACQUIRE/XRELEASE) are not taken as prefixes, and no opcode in
	 * the table matches them.
	 */
	if (lock)
		return -EINVAL;

	if (byte == 0x0f) {
		map = 1;
		ret = tv_take(b, 1, &byte);
		if (ret)
			return ret;
	}
	op = tv_find_opcode(map, byte);
	if (!op)
		return -EINVAL;

	/*
	 * 66h and 67h switch between 16 and 32 bits; in long mode the
	 * operand size is 32 bits (64 with REX.W, which beats 66h) and the
	 * address size 64 (32 with 67h).
	 */
	if (mode_bits == 64) {
		if (rex & TV_REX_W)
			opsize = 8;
		else
			opsize = opsize_pfx ? 2 : 4;
		addr_size = addr_pfx ? 4 : 8;
	} else {
		opsize = (mode_bits == 16) != opsize_pfx ? 2 : 4;
		addr_size = (mode_bits == 16) != addr_pfx ? 2 : 4;
	}
	if (op->flags & TV_OP_NP) {
		/* MOVNTI has no 16-bit form; 66 0F C3 is undefined. */
		if (opsize_pfx)
			return -EINVAL;
		opsize = rex & TV_REX_W ? 8 : 4;
	}

	insn->is_write = op->flags & TV_OP_STORE;
	insn->size = op->mem_size ? op->mem_size : opsize;
	reg_size = op->flags & TV_OP_WIDEN ? opsize : insn->size;
	insn->dst_size = reg_size;
	insn->sign_extend = op->flags & TV_OP_SIGN;

	if (op->flags & TV_OP_MODRM) {
		ret = tv_take(b, 1, &modrm);
		if (ret)
			return ret;
		mod = modrm >> 6;
		reg = (modrm >> 3) & 7;
		/* A register operand: no memory access to emulate. */
		if (mod == 3)
			return -EINVAL;
		/* C6/C7 /1../7 are undefined (or XABORT/XBEGIN, mod 3). */
		if ((op->flags & TV_OP_GROUP0) && reg)
			return -EINVAL;
		insn->reg = reg | (rex & TV_REX_R ? 8 : 0);
		ret = tv_skip_addressing(b, modrm, addr_size);
	} else {
		/* moffs: the offset has the address size, 8 bytes in long mode. */
		insn->reg = TV_RAX;
		ret = tv_take(b, addr_size, &byte);
	}
	if (ret)
		return ret;

	/* Any REX, even 40h, turns AH..BH into SPL..DIL. */
	if (reg_size == 1 && !rex && insn->reg >= 4) {
		insn->reg -= 4;
		insn->high_byte = true;
	}

	if (op->flags & TV_OP_IMM) {
		/* There is no imm64: with REX.W, imm32 is sign-extended. */
		ret = tv_take(b, insn->size > 4 ? 4 : insn->size, &imm);
		if (ret)
			return ret;
		if (insn->size == 8)
			imm = (u64)(s64)(s32)imm;
		insn->has_imm = true;
		insn->imm = imm;
		insn->reg = 0;
	}

	insn->len = b->pos;
	return 0;
}

int tv_decode_mmio(const u8 *code, unsigned int n, unsigned int mode_bits,
		   struct tv_insn *insn)
{
	struct tv_bytes b = { .code = code, .n = n };
	int ret = -EINVAL;

	memset(insn, 0, sizeof(*insn));
	if (mode_bits == 16 || mode_bits == 32 || mode_bits == 64)
		ret = tv_decode(&b, mode_bits, insn);
	if (ret)
		memset(insn, 0, sizeof(*insn));
	return ret;
}

u64 tv_insn_store_value(const struct tv_insn *insn, u64 reg_value)
{
	if (insn->has_imm)
		return insn->imm & tv_mask(insn->size);
	if (insn->high_byte)
		reg_value >>= 8;
	return reg_value & tv_mask(insn->size);
}

u64 tv_insn_load_result(const struct tv_insn *insn, u64 old_reg_value,
			u64 mem_value)
{
	unsigned int shift = insn->high_byte ? 8 : 0;
	u64 val = mem_value & tv_mask(insn->size);
	u64 mask;

	if (insn->sign_extend && ((val >> (8 * insn->size - 1)) & 1))
		val |= ~tv_mask(insn->size);

	/*
	 * A 32-bit write zero-extends into bits 63:32 in long mode; outside
	 * it the guest cannot see those bits, so clearing them is harmless.
	 */
	if (insn->dst_size >= 4)
		return val & tv_mask(insn->dst_size);

	/* 8- and 16-bit writes keep every other bit of the register. */
	mask = tv_mask(insn->dst_size) << shift;
	return (old_reg_value & ~mask) | ((val << shift) & mask);
}
