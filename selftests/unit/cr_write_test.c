// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of kmod/cr_write.c: the decoding of the instructions that
 * raise an SVM CR write intercept (MOV to CRn, CLTS, LMSW) in each mode,
 * with prefixes, REX and short fetches; the CR0 value each asks for; and
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

/* lmsw (%rax): decoded as the memory form, which is not emulated */
FIXTURE_VARIANT_ADD(dec, m64_lmsw_mem) {
	.mode = 64, .n = 3, .code = { 0x0f, 0x01, 0x30 },
	.want = { .op = TV_CR_OP_LMSW_MEM },
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
