// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding and checking the guest's writes of CR0 and CR4 (cr_write.h).
 * The checks are the CPU's own #GP conditions for MOV to CR0/CR4, CLTS
 * and LMSW; what a backend refuses beyond them (SVM's EFER.LME rule,
 * svm.c) it refuses itself.
 */
#include "cr_write.h"
#include "decode.h"

static bool tv_is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x66: case 0x67: case 0xf2: case 0xf3:
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
		return true;
	default:
		return false;
	}
}

int tv_decode_cr_write(const u8 *code, unsigned int n, unsigned int mode_bits,
		       struct tv_cr_insn *insn)
{
	unsigned int i = 0;
	u8 rex = 0, modrm;

	memset(insn, 0, sizeof(*insn));
	for (;; i++) {
		if (i >= TV_INSN_MAX_LEN)
			return -EINVAL;
		if (i >= n)
			return -EAGAIN;
		if (code[i] == 0xf0)	/* LOCK: #UD, or AMD's CR8 encoding */
			return -EINVAL;
		if (tv_is_legacy_prefix(code[i])) {
			rex = 0;	/* a REX before a legacy prefix is ignored */
			continue;
		}
		if (mode_bits == 64 && (code[i] & 0xf0) == 0x40) {
			rex = code[i];
			continue;
		}
		break;
	}
	/* i: the first opcode byte; at most two more (0F xx ModRM). */
	if (i + 2 > TV_INSN_MAX_LEN)
		return -EINVAL;
	if (i + 2 > n)
		return -EAGAIN;
	if (code[i] != 0x0f)
		return -EINVAL;
	if (code[i + 1] == 0x06) {
		insn->op = TV_CR_OP_CLTS;
		insn->len = i + 2;
		return 0;
	}
	if (code[i + 1] != 0x22 && code[i + 1] != 0x01)
		return -EINVAL;
	if (i + 3 > TV_INSN_MAX_LEN)
		return -EINVAL;
	if (i + 3 > n)
		return -EAGAIN;
	modrm = code[i + 2];
	if (code[i + 1] == 0x22) {
		insn->op = TV_CR_OP_MOV;
		insn->cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
		insn->gpr = (modrm & 7) | ((rex & 1) << 3);
		insn->len = i + 3;
		return 0;
	}
	if (((modrm >> 3) & 7) != 6)	/* 0F 01 /6 is LMSW; the rest is not ours */
		return -EINVAL;
	if ((modrm >> 6) != 3) {
		/* The memory form: its length is not needed, it is not emulated. */
		insn->op = TV_CR_OP_LMSW_MEM;
		return 0;
	}
	insn->op = TV_CR_OP_LMSW;
	insn->gpr = (modrm & 7) | ((rex & 1) << 3);
	insn->len = i + 3;
	return 0;
}

u64 tv_cr0_written(const struct tv_cr_insn *insn, u64 cr0, u64 src)
{
	switch (insn->op) {
	case TV_CR_OP_CLTS:
		return cr0 & ~TV_CR0_TS;
	case TV_CR_OP_LMSW:
	case TV_CR_OP_LMSW_MEM:
		/* Bits 3:1 are loaded; PE is ORed in (LMSW cannot clear it). */
		return (cr0 & ~(TV_CR0_MP | TV_CR0_EM | TV_CR0_TS)) |
		       (src & (TV_CR0_PE | TV_CR0_MP | TV_CR0_EM | TV_CR0_TS));
	default:
		return src;
	}
}

const char *tv_cr0_write_refused(const struct tv_cr_state *s, u64 val)
{
	bool pg_on = !(s->cr0 & TV_CR0_PG) && (val & TV_CR0_PG);
	bool pg_off = (s->cr0 & TV_CR0_PG) && !(val & TV_CR0_PG);

	if (val >> 32)
		return "CR0 bits 63:32 set";
	if ((val & TV_CR0_NW) && !(val & TV_CR0_CD))
		return "CR0.NW without CR0.CD";
	if ((val & TV_CR0_PG) && !(val & TV_CR0_PE))
		return "CR0.PG without CR0.PE";
	if (pg_on && (s->efer & TV_EFER_LME)) {
		if (!(s->cr4 & TV_CR4_PAE))
			return "paging on with EFER.LME and without CR4.PAE";
		if (s->cs_l)
			return "paging on with EFER.LME from a CS with L set";
	}
	if (pg_off && (s->efer & TV_EFER_LMA) && s->cs_l)
		return "paging off in 64-bit mode";
	if (pg_off && (s->cr4 & TV_CR4_PCIDE))
		return "paging off with CR4.PCIDE";
	return NULL;
}

u64 tv_cr0_stored(u64 val)
{
	/* Writes of the reserved low bits are ignored; ET is always 1. */
	return (val & TV_CR0_KNOWN) | TV_CR0_ET;
}

const char *tv_cr4_write_refused(const struct tv_cr_state *s, u64 val, u64 cr4_ok)
{
	bool lma = s->efer & TV_EFER_LMA;

	if (val & ~cr4_ok)
		return "a CR4 bit the CPU or the module does not have";
	if (lma && !(val & TV_CR4_PAE))
		return "CR4.PAE cleared in long mode";
	if (lma && ((val ^ s->cr4) & TV_CR4_LA57))
		return "CR4.LA57 changed in long mode";
	if ((val & TV_CR4_PCIDE) && !(s->cr4 & TV_CR4_PCIDE) &&
	    (!lma || (s->cr3 & 0xfff)))
		return "CR4.PCIDE set outside long mode or with CR3[11:0] not 0";
	return NULL;
}
