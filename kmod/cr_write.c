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

/* The segment a prefix byte overrides to, or -1. */
static int tv_seg_prefix(u8 b)
{
	switch (b) {
	case 0x26: return TV_SEG_ES;
	case 0x2e: return TV_SEG_CS;
	case 0x36: return TV_SEG_SS;
	case 0x3e: return TV_SEG_DS;
	case 0x64: return TV_SEG_FS;
	case 0x65: return TV_SEG_GS;
	default: return -1;
	}
}

/* Take len bytes at *i as a sign-extended displacement. */
static int tv_take_disp(const u8 *code, unsigned int n, unsigned int *i,
			unsigned int len, s64 *disp)
{
	u64 v = 0;
	unsigned int k;

	if (*i + len > TV_INSN_MAX_LEN)
		return -EINVAL;
	if (*i + len > n)
		return -EAGAIN;
	for (k = 0; k < len; k++)
		v |= (u64)code[*i + k] << (8 * k);
	*i += len;
	if (len == 1)
		*disp = (s8)v;
	else if (len == 2)
		*disp = (s16)v;
	else if (len == 4)
		*disp = (s32)v;
	else
		*disp = 0;
	return 0;
}

/*
 * The memory operand of a ModRM (mod != 3) whose bytes after the ModRM
 * start at *i: 16-bit addressing (BX/BP with SI/DI, disp16), or 32/64-bit
 * (SIB, disp8/32, RIP-relative in 64-bit mode).  The default segment is
 * SS where the base is BP/EBP/ESP (RBP, RSP), else DS.
 */
static int tv_decode_mem(const u8 *code, unsigned int n, unsigned int *i, u8 modrm,
			 u8 rex, unsigned int mode_bits, struct tv_cr_mem *m)
{
	static const s8 base16[8] = { TV_RBX, TV_RBX, TV_RBP, TV_RBP, -1, -1, TV_RBP, TV_RBX };
	static const s8 index16[8] = { TV_RSI, TV_RDI, TV_RSI, TV_RDI, TV_RSI, TV_RDI, -1, -1 };
	unsigned int mod = modrm >> 6, rm = modrm & 7;

	m->base = -1;
	m->index = -1;
	m->scale = 1;
	if (m->addr_size == 2) {
		if (mod == 0 && rm == 6)
			return tv_take_disp(code, n, i, 2, &m->disp);
		m->base = base16[rm];
		m->index = index16[rm];
		if (m->base == TV_RBP)
			m->seg = TV_SEG_SS;
		return tv_take_disp(code, n, i, mod == 1 ? 1 : mod == 2 ? 2 : 0, &m->disp);
	}
	if (rm == 4) {
		u8 sib;

		if (*i + 1 > TV_INSN_MAX_LEN)
			return -EINVAL;
		if (*i + 1 > n)
			return -EAGAIN;
		sib = code[(*i)++];
		m->scale = 1 << (sib >> 6);
		m->index = ((sib >> 3) & 7) | ((rex & 2) << 2);
		if (m->index == TV_RSP)		/* 100 without REX.X: no index */
			m->index = -1;
		if ((sib & 7) == 5 && mod == 0)
			return tv_take_disp(code, n, i, 4, &m->disp);
		m->base = (sib & 7) | ((rex & 1) << 3);
	} else if (mod == 0 && rm == 5) {
		m->rip_rel = mode_bits == 64;
		return tv_take_disp(code, n, i, 4, &m->disp);
	}
	if (rm != 4)
		m->base = rm | ((rex & 1) << 3);
	if (m->base == TV_RSP || m->base == TV_RBP)
		m->seg = TV_SEG_SS;
	return tv_take_disp(code, n, i, mod == 1 ? 1 : mod == 2 ? 4 : 0, &m->disp);
}

int tv_decode_cr_write(const u8 *code, unsigned int n, unsigned int mode_bits,
		       struct tv_cr_insn *insn)
{
	unsigned int i = 0;
	u8 rex = 0, modrm;
	bool addr_prefix = false;
	int seg = -1;
	int r;

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
			if (code[i] == 0x67)
				addr_prefix = true;
			if (tv_seg_prefix(code[i]) >= 0)
				seg = tv_seg_prefix(code[i]);	/* the last one counts */
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
		struct tv_cr_mem *m = &insn->mem;

		if (mode_bits == 64)
			m->addr_size = addr_prefix ? 4 : 8;
		else if (mode_bits == 32)
			m->addr_size = addr_prefix ? 2 : 4;
		else
			m->addr_size = addr_prefix ? 4 : 2;
		m->seg = TV_SEG_DS;
		i += 3;
		r = tv_decode_mem(code, n, &i, modrm, rex, mode_bits, m);
		if (r)
			return r;
		if (seg >= 0)
			m->seg = seg;
		insn->op = TV_CR_OP_LMSW_MEM;
		insn->len = i;
		return 0;
	}
	insn->op = TV_CR_OP_LMSW;
	insn->gpr = (modrm & 7) | ((rex & 1) << 3);
	insn->len = i + 3;
	return 0;
}

u64 tv_cr_mem_offset(const struct tv_cr_mem *mem, const unsigned long *regs, u64 next_rip)
{
	u64 ea = mem->disp;

	if (mem->base >= 0)
		ea += regs[mem->base & 15];
	if (mem->index >= 0)
		ea += (u64)regs[mem->index & 15] * mem->scale;
	if (mem->rip_rel)
		ea += next_rip;
	if (mem->addr_size < 8)
		ea &= (1ULL << (mem->addr_size * 8)) - 1;
	return ea;
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
