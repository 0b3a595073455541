// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of kmod/sregs_check.c, what TV_SET_SREGS refuses: each rule
 * alone on an otherwise good state (real, protected, long mode, and
 * thinrun's own Linux entry state, userspace/boot/longmode.c), and the
 * good states themselves.
 */
#include <stdlib.h>
#include <asm/bootparam.h>

#include "kselftest_harness.h"
#include "sregs_check.h"
#include "boot/layout.h"
#include "boot/longmode.h"

#define CR0_PE	(1ULL << 0)
#define CR0_ET	(1ULL << 4)
#define CR0_NE	(1ULL << 5)
#define CR0_NW	(1ULL << 29)
#define CR0_CD	(1ULL << 30)
#define CR0_PG	(1ULL << 31)
#define CR4_PAE	(1ULL << 5)
#define CR4_VMXE (1ULL << 13)
#define CR4_LA57 (1ULL << 12)
#define CR4_PCIDE (1ULL << 17)
#define CR4_CET	(1ULL << 23)
#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define CS_CODE	0x9b
#define CS_L	0x2000
#define CS_DB	0x4000
#define CS_G	0x8000

/* A CPU with everything but VMXE, LA57 and CET in CR4, MAXPHYADDR 40. */
static const struct tv_sregs_limits lim = {
	.cr4_ok = 0x7fffffULL & ~(CR4_VMXE | CR4_LA57 | (1ULL << 14) | (1ULL << 15) |
				  (1ULL << 19)),
	.phys_bits = 40,
};

static const struct tv_sregs_check real_mode = {
	.cr0 = CR0_ET | CR0_NE | CR0_CD | CR0_NW,	/* the reset value */
	.cs_attrib = CS_CODE,
};

static const struct tv_sregs_check prot_mode = {
	.cr0 = CR0_ET | CR0_NE | CR0_PE,
	.cs_attrib = CS_CODE | CS_DB | CS_G,
};

static const struct tv_sregs_check long_mode = {
	.cr0 = CR0_ET | CR0_NE | CR0_PE | CR0_PG,
	.cr3 = 0x10000,
	.cr4 = CR4_PAE | CR4_PCIDE,
	.efer = EFER_SCE | EFER_LME | EFER_LMA,
	.cs_attrib = CS_CODE | CS_L | CS_G,
};

/* Refused, and for the rule that says so. */
#define EXPECT_REFUSED(state, rule) do {					\
	const char *__why = tv_sregs_refused(&(state), &lim);			\
	EXPECT_NE(NULL, __why);							\
	if (__why)								\
		EXPECT_NE(NULL, strstr(__why, rule)) TH_LOG("refused for: %s", __why); \
} while (0)

TEST(good_states_pass)
{
	struct tv_sregs_check s = long_mode;

	EXPECT_EQ(NULL, tv_sregs_refused(&real_mode, &lim));
	EXPECT_EQ(NULL, tv_sregs_refused(&prot_mode, &lim));
	EXPECT_EQ(NULL, tv_sregs_refused(&long_mode, &lim));
	/* Compatibility mode: long mode with a 32-bit CS. */
	s.cs_attrib = CS_CODE | CS_DB | CS_G;
	EXPECT_EQ(NULL, tv_sregs_refused(&s, &lim));
	/* EFER.LME before paging is on: still legacy mode, and legal. */
	s = prot_mode;
	s.efer = EFER_LME;
	s.cr4 = CR4_PAE;
	EXPECT_EQ(NULL, tv_sregs_refused(&s, &lim));
	/* CR3 just below MAXPHYADDR. */
	s = long_mode;
	s.cr3 = (1ULL << 40) - 0x1000;
	EXPECT_EQ(NULL, tv_sregs_refused(&s, &lim));
}

/* What thinrun loads for a Linux guest must pass. */
TEST(thinrun_linux_entry_passes)
{
	struct boot_entry entry = { .rip = 0x1000200, .boot_params = BOOT_PARAMS_ADDR };
	struct tv_regs regs;
	struct tv_sregs sregs;
	struct tv_sregs_check s;
	void *mem = calloc(1, 1 << 20);

	ASSERT_NE(NULL, mem);
	longmode_setup(mem, &entry, &regs, &sregs);
	s = (struct tv_sregs_check){ .cr0 = sregs.cr0, .cr3 = sregs.cr3, .cr4 = sregs.cr4,
				     .efer = sregs.efer, .cs_attrib = sregs.cs.attrib };
	EXPECT_EQ(NULL, tv_sregs_refused(&s, &lim));
	free(mem);
}

TEST(cr0)
{
	struct tv_sregs_check s = prot_mode;

	s.cr0 |= 1ULL << 32;
	EXPECT_REFUSED(s, "CR0 bits 63:32");
	s = prot_mode;
	s.cr0 |= CR0_NW;
	EXPECT_REFUSED(s, "CR0.NW without CR0.CD");
	s = prot_mode;
	s.cr0 |= CR0_PG;
	s.cr0 &= ~CR0_PE;
	EXPECT_REFUSED(s, "CR0.PG without CR0.PE");
	/* Long mode's PG without PE too (VMRUN's own check). */
	s = long_mode;
	s.cr0 &= ~CR0_PE;
	EXPECT_REFUSED(s, "CR0.PG without CR0.PE");
}

TEST(cr4_bits_the_host_lacks)
{
	struct tv_sregs_check s = long_mode;

	s.cr4 |= CR4_VMXE;
	EXPECT_REFUSED(s, "CR4 bit");
	s = long_mode;
	s.cr4 |= CR4_CET;
	EXPECT_REFUSED(s, "CR4 bit");
	s = long_mode;
	s.cr4 |= CR4_LA57;
	EXPECT_REFUSED(s, "CR4 bit");
	s = long_mode;
	s.cr4 |= 1ULL << 40;
	EXPECT_REFUSED(s, "CR4 bit");
}

TEST(cr3_above_maxphyaddr)
{
	struct tv_sregs_check s = long_mode;

	s.cr3 = 1ULL << 40;
	EXPECT_REFUSED(s, "CR3 bits above MAXPHYADDR");
	s = prot_mode;
	s.cr3 = 0xfff0000000000000ULL;
	EXPECT_REFUSED(s, "CR3 bits above MAXPHYADDR");
}

TEST(long_mode_rules)
{
	struct tv_sregs_check s = long_mode;

	s.cr4 &= ~CR4_PAE;
	EXPECT_REFUSED(s, "without CR4.PAE");
	s = long_mode;
	s.efer &= ~EFER_LMA;
	EXPECT_REFUSED(s, "without EFER.LMA");
	s = long_mode;
	s.cs_attrib |= CS_DB;
	EXPECT_REFUSED(s, "CS.L and CS.D");
}

TEST(long_mode_bits_outside_long_mode)
{
	struct tv_sregs_check s = prot_mode;

	s.efer |= EFER_LMA;
	EXPECT_REFUSED(s, "EFER.LMA without");
	/* LMA with LME but paging off: still refused. */
	s.efer |= EFER_LME;
	EXPECT_REFUSED(s, "EFER.LMA without");
	s = real_mode;
	s.efer = EFER_LMA;
	EXPECT_REFUSED(s, "EFER.LMA without");
	s = prot_mode;
	s.cs_attrib |= CS_L;
	EXPECT_REFUSED(s, "CS.L outside long mode");
	s = prot_mode;
	s.cr4 |= CR4_PCIDE;
	EXPECT_REFUSED(s, "CR4.PCIDE outside long mode");
	/* Long mode's state with paging off is not long mode. */
	s = long_mode;
	s.cr0 &= ~CR0_PG;
	EXPECT_REFUSED(s, "EFER.LMA without");
}

TEST_HARNESS_MAIN
