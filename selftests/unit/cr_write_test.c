// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of kmod/cr_write.c: the decoding of the instructions that
 * raise an SVM CR write intercept (MOV to CRn, CLTS, LMSW from a register
 * and from memory) in each mode, with prefixes, REX and short fetches;
 * LMSW's effective address; the CR0 value each asks for; and
 * each #GP rule of a CR0 or CR4 write alone, next to a write it allows.
 */
#include "kselftest_harness.h"
#include "cr_write.h"
#include "decode.h"

/* --- decoding ------------------------------------------------------------ */

FIXTURE(dec) {
};

FIXTURE_VARIANT(dec) {
	unsigned int mode;
	unsigned int n;		/* bytes in code */
	u8 code[TV_INSN_MAX_LEN];
	int ret;
	struct tv_cr_insn want;
};

FIXTURE_SETUP(dec)
{
}

FIXTURE_TEARDOWN(dec)
{
}

/* mov %rax,%cr0 */
FIXTURE_VARIANT_ADD(dec, m64_mov_cr0_rax) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x22, 0xc0 },
	.want = { .len = 3, .op = TV_CR_OP_MOV, .cr = 0, .gpr = TV_RAX },
};

/* mov %rbx,%cr4 */
FIXTURE_VARIANT_ADD(dec, m64_mov_cr4_rbx) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x22, 0xe3 },
	.want = { .len = 3, .op = TV_CR_OP_MOV, .cr = 4, .gpr = TV_RBX },
};

/* mov %r15,%cr4 (REX.B) */
FIXTURE_VARIANT_ADD(dec, m64_mov_cr4_r15) {
	.mode = 64, .n = 3 + 1, .code = { 0x41, 0x0f, 0x22, 0xe7 },
	.want = { .len = 4, .op = TV_CR_OP_MOV, .cr = 4, .gpr = TV_R15 },
};

/* mov %rax,%cr8 (REX.R): a write of CR8, not CR0 */
FIXTURE_VARIANT_ADD(dec, m64_mov_cr8_rex_r) {
	.mode = 64, .n = 4, .code = { 0x44, 0x0f, 0x22, 0xc0 },
	.want = { .len = 4, .op = TV_CR_OP_MOV, .cr = 8, .gpr = TV_RAX },
};

/* 66 REX.B mov %r9,%cr0: the operand-size prefix is ignored */
FIXTURE_VARIANT_ADD(dec, m64_mov_cr0_r9_66) {
	.mode = 64, .n = 5, .code = { 0x66, 0x41, 0x0f, 0x22, 0xc1 },
	.want = { .len = 5, .op = TV_CR_OP_MOV, .cr = 0, .gpr = TV_R9 },
};

/* REX.B then 66: the REX does not reach the opcode, so %rcx, not %r9 */
FIXTURE_VARIANT_ADD(dec, m64_rex_before_prefix_ignored) {
	.mode = 64, .n = 5, .code = { 0x41, 0x66, 0x0f, 0x22, 0xc1 },
	.want = { .len = 5, .op = TV_CR_OP_MOV, .cr = 0, .gpr = TV_RCX },
};

/* ModRM.mod is ignored: 0F 22 05 is mov %rbp,%cr0, not a RIP-relative operand */
FIXTURE_VARIANT_ADD(dec, m64_mov_mod_ignored) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x22, 0x05 },
	.want = { .len = 3, .op = TV_CR_OP_MOV, .cr = 0, .gpr = TV_RBP },
};

/* In 32-bit mode 0x41 is INC %ecx, not REX: not a CR write */
FIXTURE_VARIANT_ADD(dec, m32_no_rex) {
	.mode = 32, .n = 4, .code = { 0x41, 0x0f, 0x22, 0xc1 },
	.ret = -EINVAL,
};

/* mov %eax,%cr4 in 32-bit and 16-bit code */
FIXTURE_VARIANT_ADD(dec, m32_mov_cr4_eax) {
	.mode = 32, .n = 3, .code = { 0x0f, 0x22, 0xe0 },
	.want = { .len = 3, .op = TV_CR_OP_MOV, .cr = 4, .gpr = TV_RAX },
};

FIXTURE_VARIANT_ADD(dec, m16_mov_cr0_eax) {
	.mode = 16, .n = 3, .code = { 0x0f, 0x22, 0xc0 },
	.want = { .len = 3, .op = TV_CR_OP_MOV, .cr = 0, .gpr = TV_RAX },
};

FIXTURE_VARIANT_ADD(dec, m64_clts) {
	.mode = 64, .n = 2, .code = { 0x0f, 0x06 },
	.want = { .len = 2, .op = TV_CR_OP_CLTS },
};

/* lmsw %dx */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_dx) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x01, 0xf2 },
	.want = { .len = 3, .op = TV_CR_OP_LMSW, .gpr = TV_RDX },
};

/* lmsw %r10w */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_r10) {
	.mode = 64, .n = 4, .code = { 0x41, 0x0f, 0x01, 0xf2 },
	.want = { .len = 4, .op = TV_CR_OP_LMSW, .gpr = TV_R10 },
};

#define MEM(b, i, sc, as, sg, rr, d)	\
	.mem = { .base = (b), .index = (i), .scale = (sc), .addr_size = (as), .seg = (sg), \
		 .rip_rel = (rr), .disp = (d) }

/* lmsw (%rax) */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem_rax) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x01, 0x30 },
	.want = { .len = 3, .op = TV_CR_OP_LMSW_MEM, MEM(TV_RAX, -1, 1, 8, TV_SEG_DS, false, 0) },
};

/* lmsw 0x10(%rsp): SIB, disp8, SS */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem_rsp_disp8) {
	.mode = 64, .n = 5, .code = { 0x0f, 0x01, 0x74, 0x24, 0x10 },
	.want = { .len = 5, .op = TV_CR_OP_LMSW_MEM, MEM(TV_RSP, -1, 1, 8, TV_SEG_SS, false, 0x10) },
};

/* lmsw -0x100(%r13,%r10,4): REX.B and REX.X, disp32 (the segment: moot in 64-bit mode) */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem_sib_rex) {
	.mode = 64, .n = 9, .code = { 0x43, 0x0f, 0x01, 0xb4, 0x95, 0x00, 0xff, 0xff, 0xff },
	.want = { .len = 9, .op = TV_CR_OP_LMSW_MEM, MEM(TV_R13, TV_R10, 4, 8, TV_SEG_DS, false, -0x100) },
};

/* lmsw 0x1234(%rip) */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem_rip) {
	.mode = 64, .n = 7, .code = { 0x0f, 0x01, 0x35, 0x34, 0x12, 0x00, 0x00 },
	.want = { .len = 7, .op = TV_CR_OP_LMSW_MEM, MEM(-1, -1, 1, 8, TV_SEG_DS, true, 0x1234) },
};

/* lmsw %gs:0x8 (SIB, no base, no index: absolute) */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem_gs_abs) {
	.mode = 64, .n = 9, .code = { 0x65, 0x0f, 0x01, 0x34, 0x25, 0x08, 0x00, 0x00, 0x00 },
	.want = { .len = 9, .op = TV_CR_OP_LMSW_MEM, MEM(-1, -1, 1, 8, TV_SEG_GS, false, 8) },
};

/* lmsw 0x1000 in 32-bit code: disp32, absolute */
FIXTURE_VARIANT_ADD(dec, m32_lmsw_mem_abs) {
	.mode = 32, .n = 7, .code = { 0x0f, 0x01, 0x35, 0x00, 0x10, 0x00, 0x00 },
	.want = { .len = 7, .op = TV_CR_OP_LMSW_MEM, MEM(-1, -1, 1, 4, TV_SEG_DS, false, 0x1000) },
};

/* lmsw -2(%bp,%si) in 16-bit code: SS, disp8 */
FIXTURE_VARIANT_ADD(dec, m16_lmsw_mem_bp_si) {
	.mode = 16, .n = 4, .code = { 0x0f, 0x01, 0x72, 0xfe },
	.want = { .len = 4, .op = TV_CR_OP_LMSW_MEM, MEM(TV_RBP, TV_RSI, 1, 2, TV_SEG_SS, false, -2) },
};

/* lmsw 0x7000 in 16-bit code: disp16, no base */
FIXTURE_VARIANT_ADD(dec, m16_lmsw_mem_disp16) {
	.mode = 16, .n = 5, .code = { 0x0f, 0x01, 0x36, 0x00, 0x70 },
	.want = { .len = 5, .op = TV_CR_OP_LMSW_MEM, MEM(-1, -1, 1, 2, TV_SEG_DS, false, 0x7000) },
};

/* lmsw %es:(%ebx) in 16-bit code with 67: 32-bit addressing */
FIXTURE_VARIANT_ADD(dec, m16_lmsw_mem_addr32_es) {
	.mode = 16, .n = 5, .code = { 0x26, 0x67, 0x0f, 0x01, 0x33 },
	.want = { .len = 5, .op = TV_CR_OP_LMSW_MEM, MEM(TV_RBX, -1, 1, 4, TV_SEG_ES, false, 0) },
};

/* lmsw 0x10(%rsp) cut short in its displacement */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem_short) {
	.mode = 64, .n = 4, .code = { 0x0f, 0x01, 0x74, 0x24 },
	.ret = -EAGAIN,
};

/* 0F 01 /7 is INVLPG (or SWAPGS...), not LMSW */
FIXTURE_VARIANT_ADD(dec, m64_invlpg_refused) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x01, 0x38 },
	.ret = -EINVAL,
};

/* mov %cr0,%rax (a read) is not a write */
FIXTURE_VARIANT_ADD(dec, m64_mov_from_cr_refused) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x20, 0xc0 },
	.ret = -EINVAL,
};

/* LOCK mov %eax,%cr0: AMD's CR8 encoding, never a CR0 write exit */
FIXTURE_VARIANT_ADD(dec, m32_lock_refused) {
	.mode = 32, .n = 4, .code = { 0xf0, 0x0f, 0x22, 0xc0 },
	.ret = -EINVAL,
};

/* Fetch stopped at a page boundary: ask for more */
FIXTURE_VARIANT_ADD(dec, m64_short_fetch) {
	.mode = 64, .n = 2, .code = { 0x0f, 0x22 },
	.ret = -EAGAIN,
};

FIXTURE_VARIANT_ADD(dec, m64_prefixes_only_short) {
	.mode = 64, .n = 2, .code = { 0x66, 0x66 },
	.ret = -EAGAIN,
};

/* Fifteen prefixes: longer than any instruction */
FIXTURE_VARIANT_ADD(dec, m64_too_long) {
	.mode = 64, .n = 15,
	.code = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0x22 },
	.ret = -EINVAL,
};

/* Twelve prefixes and the three bytes: exactly fifteen, still an instruction */
FIXTURE_VARIANT_ADD(dec, m64_fifteen_bytes) {
	.mode = 64, .n = 15,
	.code = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x0f, 0x22, 0xc0 },
	.want = { .len = 15, .op = TV_CR_OP_MOV, .cr = 0, .gpr = TV_RAX },
};

TEST_F(dec, decode)
{
	struct tv_cr_insn got;
	int r = tv_decode_cr_write(variant->code, variant->n, variant->mode, &got);

	ASSERT_EQ(variant->ret, r);
	if (r)
		return;
	EXPECT_EQ(variant->want.len, got.len);
	EXPECT_EQ(variant->want.op, got.op);
	EXPECT_EQ(variant->want.cr, got.cr);
	EXPECT_EQ(variant->want.gpr, got.gpr);
	if (got.op != TV_CR_OP_LMSW_MEM)
		return;
	EXPECT_EQ(variant->want.mem.base, got.mem.base);
	EXPECT_EQ(variant->want.mem.index, got.mem.index);
	EXPECT_EQ(variant->want.mem.scale, got.mem.scale);
	EXPECT_EQ(variant->want.mem.addr_size, got.mem.addr_size);
	EXPECT_EQ(variant->want.mem.seg, got.mem.seg);
	EXPECT_EQ(variant->want.mem.rip_rel, got.mem.rip_rel);
	EXPECT_EQ(variant->want.mem.disp, got.mem.disp);
}

TEST(mem_offset)
{
	unsigned long regs[16] = { 0 };
	struct tv_cr_mem m = { .base = TV_R13, .index = TV_R10, .scale = 4, .addr_size = 8,
			       .disp = -0x100 };

	regs[TV_R13] = 0x10000;
	regs[TV_R10] = 3;
	EXPECT_EQ(0x10000ULL + 12 - 0x100, tv_cr_mem_offset(&m, regs, 0));
	/* RIP-relative: from the next instruction. */
	m = (struct tv_cr_mem){ .base = -1, .index = -1, .scale = 1, .addr_size = 8,
				.rip_rel = true, .disp = 0x10 };
	EXPECT_EQ(0x401007ULL + 0x10, tv_cr_mem_offset(&m, regs, 0x401007));
	/* 16-bit addressing wraps at 64 KiB, 32-bit at 4 GiB. */
	regs[TV_RBP] = 0xfffe;
	regs[TV_RSI] = 4;
	m = (struct tv_cr_mem){ .base = TV_RBP, .index = TV_RSI, .scale = 1, .addr_size = 2,
				.disp = -2 };
	EXPECT_EQ(0x0000ULL, tv_cr_mem_offset(&m, regs, 0));
	regs[TV_RBX] = 0xfffffff0UL;
	m = (struct tv_cr_mem){ .base = TV_RBX, .index = -1, .scale = 1, .addr_size = 4,
				.disp = 0x20 };
	EXPECT_EQ(0x10ULL, tv_cr_mem_offset(&m, regs, 0));
}

/* --- the value each instruction writes ------------------------------------ */

TEST(cr0_written)
{
	const struct tv_cr_insn mov = { .op = TV_CR_OP_MOV };
	const struct tv_cr_insn clts = { .op = TV_CR_OP_CLTS };
	const struct tv_cr_insn lmsw = { .op = TV_CR_OP_LMSW };
	u64 cr0 = TV_CR0_PG | TV_CR0_ET | TV_CR0_PE | TV_CR0_TS | TV_CR0_MP;

	EXPECT_EQ(0x1234ULL, tv_cr0_written(&mov, cr0, 0x1234));
	EXPECT_EQ(cr0 & ~TV_CR0_TS, tv_cr0_written(&clts, cr0, 0));
	/* LMSW loads MP, EM, TS; PE stays set even when the source clears it. */
	EXPECT_EQ(TV_CR0_PG | TV_CR0_ET | TV_CR0_PE | TV_CR0_EM,
		  tv_cr0_written(&lmsw, cr0, TV_CR0_EM));
	/* ... and can set it; the bits above 3 of the source are not loaded. */
	EXPECT_EQ(TV_CR0_ET | TV_CR0_PE,
		  tv_cr0_written(&lmsw, TV_CR0_ET, TV_CR0_PE | TV_CR0_ET | 0xff00));
	/* Reserved low bits are dropped, ET is set. */
	EXPECT_EQ(TV_CR0_PE | TV_CR0_ET, tv_cr0_stored(TV_CR0_PE | (1ULL << 7) | (1ULL << 20)));
}

/* --- the rules ------------------------------------------------------------ */

#define CR4_PAE		0x20ULL
#define CR4_PGE		0x80ULL
#define CR4_VMXE	(1ULL << 13)
#define CR4_LA57	(1ULL << 12)
#define CR4_PCIDE	(1ULL << 17)
/* A CPU with everything but VMXE and LA57. */
#define CR4_OK		(0x3fffffULL & ~(CR4_VMXE | CR4_LA57))

static const struct tv_cr_state prot = {
	.cr0 = TV_CR0_PE | TV_CR0_ET,
};

static const struct tv_cr_state prot_pae_lme = {
	.cr0 = TV_CR0_PE | TV_CR0_ET, .cr4 = CR4_PAE, .efer = TV_EFER_LME,
};

static const struct tv_cr_state long64 = {
	.cr0 = TV_CR0_PE | TV_CR0_ET | TV_CR0_PG, .cr3 = 0x1000, .cr4 = CR4_PAE,
	.efer = TV_EFER_LME | TV_EFER_LMA, .cs_l = true,
};

#define EXPECT_RULE(why, rule) do {						\
	const char *__why = (why);						\
	EXPECT_NE(NULL, __why);							\
	if (__why)								\
		EXPECT_NE(NULL, strstr(__why, rule)) TH_LOG("refused for: %s", __why); \
} while (0)

TEST(cr0_rules)
{
	struct tv_cr_state compat = long64;

	compat.cs_l = false;
	/* Allowed: paging on from protected mode, into long mode with PAE. */
	EXPECT_EQ(NULL, tv_cr0_write_refused(&prot, prot.cr0 | TV_CR0_PG));
	EXPECT_EQ(NULL, tv_cr0_write_refused(&prot_pae_lme, prot.cr0 | TV_CR0_PG));
	EXPECT_EQ(NULL, tv_cr0_write_refused(&prot, prot.cr0 | TV_CR0_CD | TV_CR0_NW));
	EXPECT_EQ(NULL, tv_cr0_write_refused(&long64, long64.cr0 | TV_CR0_TS));
	/* Out of long mode from compatibility mode. */
	EXPECT_EQ(NULL, tv_cr0_write_refused(&compat, compat.cr0 & ~TV_CR0_PG));

	EXPECT_RULE(tv_cr0_write_refused(&long64, long64.cr0 | (1ULL << 32)), "63:32");
	EXPECT_RULE(tv_cr0_write_refused(&prot, prot.cr0 | TV_CR0_NW), "NW without");
	EXPECT_RULE(tv_cr0_write_refused(&prot, TV_CR0_ET | TV_CR0_PG), "PG without CR0.PE");
	EXPECT_RULE(tv_cr0_write_refused(&long64, long64.cr0 & ~TV_CR0_PE), "PG without CR0.PE");
	{
		struct tv_cr_state s = prot;

		s.efer = TV_EFER_LME;
		EXPECT_RULE(tv_cr0_write_refused(&s, s.cr0 | TV_CR0_PG), "without CR4.PAE");
		s = prot_pae_lme;
		s.cs_l = true;
		EXPECT_RULE(tv_cr0_write_refused(&s, s.cr0 | TV_CR0_PG), "L set");
	}
	EXPECT_RULE(tv_cr0_write_refused(&long64, long64.cr0 & ~TV_CR0_PG), "64-bit mode");
	compat.cr4 |= CR4_PCIDE;
	EXPECT_RULE(tv_cr0_write_refused(&compat, compat.cr0 & ~TV_CR0_PG), "PCIDE");
}

TEST(cr4_rules)
{
	struct tv_cr_state s;

	/* Allowed: PAE on and off with paging off, PGE toggles in long mode. */
	EXPECT_EQ(NULL, tv_cr4_write_refused(&prot, CR4_PAE, CR4_OK));
	EXPECT_EQ(NULL, tv_cr4_write_refused(&prot_pae_lme, 0, CR4_OK));
	EXPECT_EQ(NULL, tv_cr4_write_refused(&long64, CR4_PAE | CR4_PGE, CR4_OK));
	EXPECT_EQ(NULL, tv_cr4_write_refused(&long64, CR4_PAE | CR4_PCIDE, CR4_OK));

	EXPECT_RULE(tv_cr4_write_refused(&prot, CR4_VMXE, CR4_OK), "CR4 bit");
	EXPECT_RULE(tv_cr4_write_refused(&prot, 1ULL << 40, CR4_OK), "CR4 bit");
	EXPECT_RULE(tv_cr4_write_refused(&long64, 0, CR4_OK), "PAE cleared in long mode");
	EXPECT_RULE(tv_cr4_write_refused(&long64, CR4_PAE | CR4_LA57, ~0ULL), "LA57");
	EXPECT_RULE(tv_cr4_write_refused(&prot, CR4_PCIDE, CR4_OK), "PCIDE");
	s = long64;
	s.cr3 |= 1;
	EXPECT_RULE(tv_cr4_write_refused(&s, CR4_PAE | CR4_PCIDE, CR4_OK), "PCIDE");
}

TEST_HARNESS_MAIN
