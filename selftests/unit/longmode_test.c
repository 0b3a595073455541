// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the 64-bit entry state, userspace/boot/longmode.c: the
 * page tables it writes are walked with the module's own guest page
 * walker (kmod/gwalk.c) from the CR0/CR3/CR4/EFER it sets, the GDT is
 * decoded back, and the fixed addresses of layout.h are checked not to
 * overlap.
 */
#include <stdlib.h>
#include <asm/bootparam.h>

#include "kselftest_harness.h"
#include "gwalk.h"
#include "boot/layout.h"
#include "boot/longmode.h"

#define MEM_SIZE	(1u << 20)	/* the tables all live below 1 MiB */

static int read_gpa(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	if (gpa + len > MEM_SIZE)
		return -EFAULT;
	memcpy(buf, (uint8_t *)opaque + gpa, len);
	return 0;
}

FIXTURE(lm) {
	uint8_t *mem;
	struct boot_entry entry;
	struct tv_regs regs;
	struct tv_sregs sregs;
	struct tv_gwalk w;
};

FIXTURE_SETUP(lm)
{
	self->mem = calloc(1, MEM_SIZE);
	ASSERT_NE(NULL, self->mem);
	memset(&self->entry, 0, sizeof(self->entry));
	self->entry.rip = 0x1000200;
	self->entry.boot_params = BOOT_PARAMS_ADDR;
	longmode_setup(self->mem, &self->entry, &self->regs, &self->sregs);
	self->w = (struct tv_gwalk){
		.cr0 = self->sregs.cr0, .cr3 = self->sregs.cr3,
		.cr4 = self->sregs.cr4, .efer = self->sregs.efer,
		.maxphyaddr = 48, .read_gpa = read_gpa, .opaque = self->mem,
	};
}

FIXTURE_TEARDOWN(lm)
{
	free(self->mem);
}

TEST_F(lm, registers)
{
	EXPECT_EQ(0x1000200, self->regs.rip);
	EXPECT_EQ(BOOT_PARAMS_ADDR, self->regs.rsi);
	EXPECT_EQ(0, self->regs.rflags & 0x200);	/* IF: interrupts off */
	EXPECT_EQ(2, self->regs.rflags);
	EXPECT_NE(0, self->regs.rsp);
	EXPECT_TRUE(self->sregs.cr0 & TV_CR0_PG);
	EXPECT_TRUE(self->sregs.cr0 & 1);		/* PE */
	EXPECT_TRUE(self->sregs.cr4 & TV_CR4_PAE);
	EXPECT_FALSE(self->sregs.cr4 & TV_CR4_LA57);
	EXPECT_EQ(0x500, self->sregs.efer);		/* LME | LMA */
	EXPECT_EQ(BOOT_PML4_ADDR, self->sregs.cr3);
}

TEST_F(lm, segments)
{
	const struct tv_sregs *s = &self->sregs;

	EXPECT_EQ(BOOT_CS, s->cs.selector);
	EXPECT_TRUE(s->cs.attrib & TV_SEG_ATTR_L);
	EXPECT_FALSE(s->cs.attrib & TV_SEG_ATTR_DB);	/* L with D/B is reserved */
	EXPECT_EQ(0xb, TV_SEG_ATTR_TYPE(s->cs.attrib));	/* execute/read, accessed */
	EXPECT_EQ(0, s->cs.base);
	EXPECT_EQ(BOOT_DS, s->ds.selector);
	EXPECT_EQ(BOOT_DS, s->es.selector);
	EXPECT_EQ(BOOT_DS, s->ss.selector);
	EXPECT_EQ(0x3, TV_SEG_ATTR_TYPE(s->ss.attrib));	/* read/write, accessed */
	EXPECT_EQ(0xffffffff, s->ds.limit);
	EXPECT_TRUE(s->tr.attrib & TV_SEG_ATTR_P);
	EXPECT_EQ(0xb, TV_SEG_ATTR_TYPE(s->tr.attrib));	/* busy 64-bit TSS */
	EXPECT_EQ(0, s->ldt.attrib);			/* unusable */
}

/* The GDT in memory says what the hidden parts of the sregs say. */
TEST_F(lm, gdt_matches_sregs)
{
	const struct tv_segment *want[] = { &self->sregs.cs, &self->sregs.ds, &self->sregs.tr };
	uint64_t d;
	size_t i;

	EXPECT_EQ(BOOT_GDT_ADDR, self->sregs.gdt.base);
	EXPECT_GE(self->sregs.gdt.limit + 1, BOOT_TSS + 16);
	memcpy(&d, self->mem + BOOT_GDT_ADDR, 8);
	EXPECT_EQ(0, d);				/* the null descriptor */
	for (i = 0; i < 3; i++) {
		const struct tv_segment *s = want[i];
		uint32_t limit, base;
		uint16_t attrib;

		memcpy(&d, self->mem + BOOT_GDT_ADDR + s->selector, 8);
		base = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
		limit = (d & 0xffff) | (((d >> 48) & 0xf) << 16);
		attrib = ((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12);
		if (attrib & TV_SEG_ATTR_G)
			limit = (limit << 12) | 0xfff;
		EXPECT_EQ(s->base, base) TH_LOG("selector 0x%x", s->selector);
		EXPECT_EQ(s->limit, limit) TH_LOG("selector 0x%x", s->selector);
		EXPECT_EQ(s->attrib, attrib) TH_LOG("selector 0x%x", s->selector);
	}
	EXPECT_EQ(BOOT_TSS_ADDR, self->sregs.tr.base);
}

TEST_F(lm, identity_map_first_4g)
{
	static const u64 addrs[] = {
		0, BOOT_PARAMS_ADDR, BOOT_CMDLINE_ADDR, 0x1000200, 0x1fffff,
		0x200000, 0x3ffff000, 0x40000000, MMIO_HOLE_START - 1,
		IOAPIC_ADDR, LAPIC_ADDR, 0xffffffff,
	};
	struct tv_gwalk_fault fault;
	u64 gpa;
	size_t i;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		ASSERT_EQ(0, tv_gwalk_translate(&self->w, addrs[i],
						TV_GWALK_WRITE,
						&gpa, &fault)) TH_LOG("0x%llx", (unsigned long long)addrs[i]);
		EXPECT_EQ(addrs[i], gpa);
		ASSERT_EQ(0, tv_gwalk_translate(&self->w, addrs[i], TV_GWALK_FETCH, &gpa, &fault));
		EXPECT_EQ(addrs[i], gpa);
	}
}

TEST_F(lm, nothing_mapped_past_4g)
{
	struct tv_gwalk_fault fault;
	u64 gpa;

	EXPECT_EQ(-EFAULT, tv_gwalk_translate(&self->w, 0x100000000ULL, 0, &gpa, &fault));
	EXPECT_EQ(0, fault.error_code & TV_PF_PRESENT);
	EXPECT_EQ(-EFAULT, tv_gwalk_translate(&self->w, 0xffffffff80000000ULL, 0, &gpa, &fault));
}

TEST_F(lm, kernel_mode_only)
{
	struct tv_gwalk_fault fault;
	u64 gpa;

	/* Supervisor pages: a CPL 3 access faults with P set. */
	EXPECT_EQ(-EFAULT, tv_gwalk_translate(&self->w, 0x1000000, TV_GWALK_USER, &gpa, &fault));
	EXPECT_TRUE(fault.error_code & TV_PF_PRESENT);
}

/* The fixed low-memory pieces of layout.h, pairwise apart. */
TEST(layout_does_not_overlap)
{
	struct { const char *name; uint64_t start, len; } r[] = {
		{ "BIOS data area", 0x400, 0x100 },
		{ "GDT", BOOT_GDT_ADDR, 6 * 8 },
		{ "TSS", BOOT_TSS_ADDR, 0x68 },
		{ "boot_params", BOOT_PARAMS_ADDR, sizeof(struct boot_params) },
		{ "stack", BOOT_STACK_TOP - 0xff0, 0x1000 },
		{ "PML4", BOOT_PML4_ADDR, 0x1000 },
		{ "PDPT", BOOT_PDPT_ADDR, 0x1000 },
		{ "PDs", BOOT_PD_ADDR, BOOT_PD_COUNT * 0x1000ULL },
		{ "cmdline", BOOT_CMDLINE_ADDR, BOOT_CMDLINE_ROOM },
		{ "ACPI", BOOT_ACPI_ADDR, BOOT_ACPI_END - BOOT_ACPI_ADDR },
	};
	size_t i, j, n = sizeof(r) / sizeof(r[0]);

	for (i = 0; i < n; i++) {
		EXPECT_LE(r[i].start + r[i].len, BOOT_HIGH_RAM_START);
		/* Below the EBDA, or (the ACPI tables) in the reserved BIOS area. */
		EXPECT_TRUE(r[i].start + r[i].len <= BOOT_LOW_RAM_END ||
			    r[i].start >= BOOT_LOW_RAM_END);
		for (j = i + 1; j < n; j++) {
			bool apart = r[i].start + r[i].len <= r[j].start ||
				     r[j].start + r[j].len <= r[i].start;

			if (!apart)
				TH_LOG("%s and %s overlap", r[i].name, r[j].name);
			EXPECT_TRUE(apart);
		}
	}
	EXPECT_EQ(0, MMIO_HOLE_START & ((1ULL << 30) - 1));
	EXPECT_TRUE(IOAPIC_ADDR >= MMIO_HOLE_START && IOAPIC_ADDR < MMIO_HOLE_END);
	EXPECT_TRUE(LAPIC_ADDR >= MMIO_HOLE_START && LAPIC_ADDR < MMIO_HOLE_END);
	EXPECT_EQ(2ULL << 30, layout_low_ram(2ULL << 30));
	EXPECT_EQ(0, layout_high_ram(2ULL << 30));
	EXPECT_EQ(MMIO_HOLE_START, layout_low_ram(5ULL << 30));
	EXPECT_EQ((5ULL << 30) - MMIO_HOLE_START, layout_high_ram(5ULL << 30));
}

TEST_HARNESS_MAIN
