// SPDX-License-Identifier: GPL-2.0
/*
 * The guest page-table walker (kmod/gwalk.c) on page tables built in a
 * buffer that plays guest-physical memory: every paging mode and page
 * size, the #PF error codes, reserved bits, reads across pages, and
 * read_gpa failures.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "gwalk.h"

#define MEM_SIZE	(2u << 20)	/* guest-physical memory: 2 MiB */
#define TABLES		0x100000u	/* page tables from here up */

#define P	0x001ULL
#define RW	0x002ULL
#define US	0x004ULL
#define PS	0x080ULL
#define NX	(1ULL << 63)
#define PRW	(P | RW)
#define PRWU	(P | RW | US)

#define W	TV_GWALK_WRITE
#define U	TV_GWALK_USER
#define F	TV_GWALK_FETCH

#define PF_P	TV_PF_PRESENT
#define PF_W	TV_PF_WRITE
#define PF_U	TV_PF_USER
#define PF_R	TV_PF_RSVD
#define PF_I	TV_PF_FETCH

FIXTURE(gw) {
	u8 *mem;
	u64 next_table;
	struct tv_gwalk w;
	/* The paging geometry of the mode set up, for map(). */
	unsigned int levels, index_bits, entry_size;
	u64 root;
	bool pae;
	/* Where map() put the entry of each level (1: PTE .. 5: PML5E). */
	u64 ent[6];
	/* read_gpa fails with fail_rc at fail_gpa, when fail_rc != 0. */
	int fail_rc;
	u64 fail_gpa;
};

static int test_read_gpa(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	FIXTURE_DATA(gw) *self = opaque;

	if (self->fail_rc && gpa == self->fail_gpa)
		return self->fail_rc;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -ERANGE;
	memcpy(buf, self->mem + gpa, len);
	return 0;
}

FIXTURE_SETUP(gw)
{
	self->mem = calloc(1, MEM_SIZE);
	ASSERT_NE(NULL, self->mem);
	self->next_table = TABLES;
	self->w.read_gpa = test_read_gpa;
	self->w.opaque = self;
}

FIXTURE_TEARDOWN(gw)
{
	free(self->mem);
}

static u64 alloc_table(FIXTURE_DATA(gw) *self)
{
	u64 gpa = self->next_table;

	self->next_table += 4096;
	return gpa;
}

static u64 get_ent(FIXTURE_DATA(gw) *self, u64 gpa)
{
	u64 v = 0;

	memcpy(&v, self->mem + gpa, self->entry_size);
	return v;
}

static void set_ent(FIXTURE_DATA(gw) *self, u64 gpa, u64 v)
{
	memcpy(self->mem + gpa, &v, self->entry_size);
}

static void set_bits(FIXTURE_DATA(gw) *self, unsigned int level, u64 bits)
{
	set_ent(self, self->ent[level], get_ent(self, self->ent[level]) | bits);
}

static void clear_bits(FIXTURE_DATA(gw) *self, unsigned int level, u64 bits)
{
	set_ent(self, self->ent[level], get_ent(self, self->ent[level]) & ~bits);
}

/*
 * Map gva by writing leaf at leaf_level, creating the tables above it as
 * needed (P, R/W, U/S: they allow everything; a PAE PDPTE only P).
 */
static void map(FIXTURE_DATA(gw) *self, u64 gva, unsigned int leaf_level,
		u64 leaf)
{
	u64 addr_mask = self->entry_size == 4 ? 0xfffff000ULL :
			0x000ffffffffff000ULL;
	u64 table = self->root;
	unsigned int level;

	for (level = self->levels; ; level--) {
		unsigned int shift = 12 + (level - 1) * self->index_bits;
		u64 index = (gva >> shift) & ((1ULL << self->index_bits) - 1);
		u64 e = table + index * self->entry_size;
		u64 v;

		self->ent[level] = e;
		if (level == leaf_level) {
			set_ent(self, e, leaf);
			return;
		}
		v = get_ent(self, e);
		if (!(v & P)) {
			v = alloc_table(self) |
			    (self->pae && level == 3 ? P : PRWU);
			set_ent(self, e, v);
		}
		table = v & addr_mask;
	}
}

static void mode_32(FIXTURE_DATA(gw) *self, u64 cr4)
{
	self->w.cr0 = TV_CR0_PG | TV_CR0_WP;
	self->w.cr4 = cr4;
	self->w.efer = 0;
	self->root = alloc_table(self);
	self->w.cr3 = self->root;
	self->levels = 2;
	self->index_bits = 10;
	self->entry_size = 4;
	self->pae = false;
}

/* The PDPT 32-byte aligned but not page aligned, which CR3 allows. */
static void mode_pae(FIXTURE_DATA(gw) *self, u64 efer)
{
	self->w.cr0 = TV_CR0_PG | TV_CR0_WP;
	self->w.cr4 = TV_CR4_PAE;
	self->w.efer = efer;
	self->root = alloc_table(self) + 0x40;
	self->w.cr3 = self->root | 0x18;	/* PWT, PCD */
	self->levels = 3;
	self->index_bits = 9;
	self->entry_size = 8;
	self->pae = true;
}

static void mode_long(FIXTURE_DATA(gw) *self, bool la57)
{
	self->w.cr0 = TV_CR0_PG | TV_CR0_WP;
	self->w.cr4 = TV_CR4_PAE | (la57 ? TV_CR4_LA57 : 0);
	self->w.efer = TV_EFER_LMA | TV_EFER_NXE;
	self->root = alloc_table(self);
	self->w.cr3 = self->root | 0x123;	/* a PCID */
	self->levels = la57 ? 5 : 4;
	self->index_bits = 9;
	self->entry_size = 8;
	self->pae = false;
}

/* Translate, expecting success; returns the gpa. */
static u64 xlate_ok(struct __test_metadata *_metadata,
		    FIXTURE_DATA(gw) *self, u64 gva, unsigned int access)
{
	struct tv_gwalk_fault f = { 0 };
	u64 gpa = ~0ULL;

	EXPECT_EQ(0, tv_gwalk_translate(&self->w, gva, access, &gpa, &f));
	return gpa;
}

/* Translate, expecting a #PF; returns its error code (~0 if none). */
static u32 xlate_pf(struct __test_metadata *_metadata,
		    FIXTURE_DATA(gw) *self, u64 gva, unsigned int access)
{
	struct tv_gwalk_fault f = { .addr = 1, .error_code = ~0U };
	u64 gpa = 0;

	EXPECT_EQ(-EFAULT, tv_gwalk_translate(&self->w, gva, access, &gpa,
					      &f));
	EXPECT_EQ(gva, f.addr);
	return f.error_code;
}

#define XLATE_OK(gva, access)	xlate_ok(_metadata, self, gva, access)
#define XLATE_PF(gva, access)	xlate_pf(_metadata, self, gva, access)

/* --- no paging ---------------------------------------------------------- */

TEST_F(gw, nopaging_is_identity_truncated_to_32_bits)
{
	self->w.cr0 = TV_CR0_WP;
	EXPECT_EQ(0x12345678ULL, XLATE_OK(0x12345678ULL, W | U | F));
	EXPECT_EQ(0x23456789ULL, XLATE_OK(0x123456789ULL, 0));
}

TEST_F(gw, nopaging_read_crosses_pages)
{
	struct tv_gwalk_fault f;
	u8 buf[4];

	memcpy(self->mem + 0x3ffe, "\x11\x22\x33\x44", 4);
	ASSERT_EQ(0, tv_gwalk_read(&self->w, 0x3ffe, buf, 4, 0, &f));
	EXPECT_EQ(0, memcmp(buf, "\x11\x22\x33\x44", 4));
}

/* --- 32-bit paging ------------------------------------------------------ */

TEST_F(gw, x32_4k)
{
	mode_32(self, TV_CR4_PSE);
	map(self, 0x00403123, 1, 0x5000 | PRWU);
	EXPECT_EQ(0x5123ULL, XLATE_OK(0x00403123, W | U));
	/* Bits 63:32 of a gva are not part of a 32-bit linear address. */
	EXPECT_EQ(0x5123ULL, XLATE_OK(0xabc00403123ULL, 0));
}

TEST_F(gw, x32_4m_with_pse)
{
	mode_32(self, TV_CR4_PSE);
	map(self, 0x00812345, 2, 0x00c00000 | PS | PRW);
	EXPECT_EQ(0x00c12345ULL, XLATE_OK(0x00812345, W));
	/* The PAT bit (12) is not an address bit. */
	set_bits(self, 2, 0x1000);
	EXPECT_EQ(0x00c12345ULL, XLATE_OK(0x00812345, W));
}

TEST_F(gw, x32_ps_ignored_without_pse)
{
	mode_32(self, 0);
	map(self, 0x00403123, 1, 0x5000 | PRWU);
	set_bits(self, 2, PS);
	EXPECT_EQ(0x5123ULL, XLATE_OK(0x00403123, 0));
}

TEST_F(gw, x32_pse36_high_address_bits)
{
	mode_32(self, TV_CR4_PSE);
	self->w.maxphyaddr = 40;
	map(self, 0xffc01234, 2, 0xffc00000 | (0xabULL << 13) | PS | P);
	EXPECT_EQ(0xabffc01234ULL, XLATE_OK(0xffc01234, 0));
}

TEST_F(gw, x32_pse_reserved_bits)
{
	mode_32(self, TV_CR4_PSE);
	self->w.maxphyaddr = 36;
	/* Address bit 35 (PDE bit 16) exists... */
	map(self, 0x00400000, 2, 0x00400000 | (1ULL << 16) | PS | P);
	EXPECT_EQ(0x800400000ULL, XLATE_OK(0x00400000, 0));
	/* ...address bit 36 (PDE bit 17) is beyond MAXPHYADDR... */
	set_bits(self, 2, 1ULL << 17);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x00400000, 0));
	/* ...and bit 21 is reserved whatever MAXPHYADDR. */
	self->w.maxphyaddr = 0;
	clear_bits(self, 2, 1ULL << 17);
	set_bits(self, 2, 1ULL << 21);
	EXPECT_EQ(PF_P | PF_R | PF_W | PF_U, XLATE_PF(0x00400000, W | U));
}

TEST_F(gw, x32_not_present_each_level)
{
	unsigned int level;

	mode_32(self, 0);
	for (level = 1; level <= 2; level++) {
		map(self, 0x00403000, 1, 0x5000 | PRWU);
		clear_bits(self, level, P);
		EXPECT_EQ(PF_W | PF_U, XLATE_PF(0x00403000, W | U));
		EXPECT_EQ(0U, XLATE_PF(0x00403000, 0));
		set_bits(self, level, P);
	}
}

TEST_F(gw, x32_fetch_sets_id_only_with_smep)
{
	mode_32(self, 0);
	/* EFER.NXE means nothing without PAE: no I/D bit. */
	self->w.efer = TV_EFER_NXE;
	map(self, 0x1000, 1, 0x5000 | PRW);
	clear_bits(self, 1, P);
	EXPECT_EQ(0U, XLATE_PF(0x1000, F));
	self->w.cr4 |= TV_CR4_SMEP;
	EXPECT_EQ(PF_I, XLATE_PF(0x1000, F));
}

TEST_F(gw, x32_read_wraps_at_4g)
{
	struct tv_gwalk_fault f;
	u8 buf[4];

	mode_32(self, 0);
	map(self, 0xfffff000, 1, 0x7000 | PRW);
	map(self, 0x00000000, 1, 0x3000 | PRW);
	memcpy(self->mem + 0x7ffe, "\xaa\xbb", 2);
	memcpy(self->mem + 0x3000, "\xcc\xdd", 2);
	ASSERT_EQ(0, tv_gwalk_read(&self->w, 0xfffffffe, buf, 4, 0, &f));
	EXPECT_EQ(0, memcmp(buf, "\xaa\xbb\xcc\xdd", 4));
}

/* --- PAE paging --------------------------------------------------------- */

TEST_F(gw, pae_4k)
{
	struct tv_gwalk_fault f;
	u64 gpa;

	mode_pae(self, 0);
	map(self, 0xc0201abc, 1, 0x5000 | PRWU);
	/* The PDPTE has no R/W or U/S: it restricts nothing. */
	EXPECT_EQ(0x5abcULL, XLATE_OK(0xc0201abc, W | U));
	/* Bits 63:32 are not part of the address: PDPTE 3, not 7... */
	EXPECT_EQ(0x5abcULL, XLATE_OK(0x1c0201abcULL, 0));
	/* ...nor of the address a #PF reports. */
	clear_bits(self, 1, P);
	EXPECT_EQ(-EFAULT, tv_gwalk_translate(&self->w, 0x1c0201abcULL, U,
					      &gpa, &f));
	EXPECT_EQ(0xc0201abcULL, f.addr);
	EXPECT_EQ(PF_U, f.error_code);
}

TEST_F(gw, pae_2m)
{
	mode_pae(self, 0);
	map(self, 0x40312345, 2, 0x00e00000 | PS | PRW);
	EXPECT_EQ(0x00f12345ULL, XLATE_OK(0x40312345, W));
}

TEST_F(gw, pae_not_present_each_level)
{
	unsigned int level;

	mode_pae(self, TV_EFER_NXE);
	for (level = 1; level <= 3; level++) {
		map(self, 0x80403000, 1, 0x5000 | PRWU);
		clear_bits(self, level, P);
		EXPECT_EQ(PF_U, XLATE_PF(0x80403000, U));
		EXPECT_EQ(PF_I, XLATE_PF(0x80403000, F));
		set_bits(self, level, P);
	}
}

TEST_F(gw, pae_pdpte_reserved_bits)
{
	mode_pae(self, TV_EFER_NXE);
	map(self, 0x80403000, 1, 0x5000 | PRWU);
	/* R/W, and NX even with EFER.NXE, are reserved in a PDPTE. */
	set_bits(self, 3, RW);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x80403000, 0));
	clear_bits(self, 3, RW);
	set_bits(self, 3, NX);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x80403000, 0));
	clear_bits(self, 3, NX);
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x80403000, 0));
}

TEST_F(gw, pae_nx_reserved_without_nxe)
{
	mode_pae(self, 0);
	map(self, 0x1000, 1, 0x5000 | PRW | NX);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
	self->w.efer = TV_EFER_NXE;
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, 0));
	EXPECT_EQ(PF_P | PF_I, XLATE_PF(0x1000, F));
}

TEST_F(gw, pae_2m_alignment_reserved)
{
	mode_pae(self, 0);
	map(self, 0x00200000, 2, 0x00400000 | (1ULL << 13) | PS | PRW);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x00200000, 0));
}

TEST_F(gw, pae_reserves_bits_52_to_62)
{
	/* PAE reserves bits 62:MAXPHYADDR; 4-level paging ignores 62:52. */
	mode_pae(self, TV_EFER_NXE);
	map(self, 0x1000, 1, 0x5000 | PRW | (1ULL << 55));
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
}

/* --- 4-level and 5-level paging ----------------------------------------- */

TEST_F(gw, long_4k)
{
	mode_long(self, false);
	map(self, 0x00007f1234567abcULL, 1, 0x5000 | PRWU);
	EXPECT_EQ(0x5abcULL, XLATE_OK(0x00007f1234567abcULL, W | U));
}

TEST_F(gw, long_2m)
{
	mode_long(self, false);
	map(self, 0x0000123440310345ULL, 2, 0x7fe00000 | PS | PRW);
	EXPECT_EQ(0x7ff10345ULL, XLATE_OK(0x0000123440310345ULL, W));
	/* Bit 12 is the PAT bit of a 2 MiB page, not an address bit. */
	set_bits(self, 2, 0x1000);
	EXPECT_EQ(0x7ff10345ULL, XLATE_OK(0x0000123440310345ULL, W));
}

TEST_F(gw, long_1g)
{
	mode_long(self, false);
	map(self, 0x0000004012340678ULL, 3, 0x2480000000ULL | PS | PRW);
	EXPECT_EQ(0x2492340678ULL, XLATE_OK(0x0000004012340678ULL, 0));
	/* Bit 12 is the PAT bit of a 1 GiB page, not an address bit. */
	set_bits(self, 3, 0x1000);
	EXPECT_EQ(0x2492340678ULL, XLATE_OK(0x0000004012340678ULL, 0));
}

TEST_F(gw, long_high_half)
{
	mode_long(self, false);
	map(self, 0xffff800000101000ULL, 1, 0x6000 | PRW);
	EXPECT_EQ(0x6008ULL, XLATE_OK(0xffff800000101008ULL, W));
	/* The sign-extension bits do not select another table. */
	map(self, 0x0000000000101000ULL, 1, 0x7000 | PRW);
	EXPECT_EQ(0x6008ULL, XLATE_OK(0xffff800000101008ULL, W));
}

TEST_F(gw, long_noncanonical_is_einval)
{
	struct tv_gwalk_fault f;
	u64 gpa;
	u8 b;

	mode_long(self, false);
	EXPECT_EQ(-EINVAL, tv_gwalk_translate(&self->w, 0x0000800000000000ULL,
					      0, &gpa, &f));
	EXPECT_EQ(-EINVAL, tv_gwalk_translate(&self->w, 0xffff7fffffffffffULL,
					      0, &gpa, &f));
	EXPECT_EQ(-EINVAL, tv_gwalk_read(&self->w, 0x8000000000000000ULL,
					 &b, 1, 0, &f));
}

TEST_F(gw, long_not_present_each_level)
{
	unsigned int level;

	mode_long(self, false);
	for (level = 1; level <= 4; level++) {
		map(self, 0x00007f0000403000ULL, 1, 0x5000 | PRWU);
		clear_bits(self, level, P);
		EXPECT_EQ(PF_W, XLATE_PF(0x00007f0000403000ULL, W));
		EXPECT_EQ(PF_U | PF_I, XLATE_PF(0x00007f0000403000ULL, U | F));
		set_bits(self, level, P);
	}
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x00007f0000403000ULL, W | U));
}

TEST_F(gw, long_ps_reserved_in_pml4e)
{
	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRW);
	set_bits(self, 4, PS);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
}

TEST_F(gw, long_large_page_alignment_reserved)
{
	mode_long(self, false);
	map(self, 0x00200000, 2, 0x00400000 | (1ULL << 20) | PS | PRW);
	EXPECT_EQ(PF_P | PF_R | PF_W, XLATE_PF(0x00200000, W));
	map(self, 0x80000000, 3, 0x40000000 | (1ULL << 29) | PS | PRW);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x80000000, 0));
	clear_bits(self, 3, 1ULL << 29);
	set_bits(self, 3, 1ULL << 13);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x80000000, 0));
}

TEST_F(gw, long_maxphyaddr_reserved)
{
	mode_long(self, false);
	self->w.maxphyaddr = 40;
	map(self, 0x1000, 1, (1ULL << 39) | 0x5000 | PRW);
	EXPECT_EQ(0x8000005000ULL, XLATE_OK(0x1000, 0));
	set_bits(self, 1, 1ULL << 40);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
	/* In a table pointer too. */
	clear_bits(self, 1, 1ULL << 40);
	set_bits(self, 2, 1ULL << 51);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
	/* 52 bits: bit 51 is an address bit. */
	clear_bits(self, 2, 1ULL << 51);
	self->w.maxphyaddr = 0;
	set_bits(self, 1, 1ULL << 51);
	EXPECT_EQ((1ULL << 51) | (1ULL << 39) | 0x5000, XLATE_OK(0x1000, 0));
}

TEST_F(gw, long_ignores_bits_52_to_62)
{
	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRW | (0x7ffULL << 52));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W));
}

TEST_F(gw, long_nx_reserved_without_nxe)
{
	mode_long(self, false);
	self->w.efer = TV_EFER_LMA;
	map(self, 0x1000, 1, 0x5000 | PRW);
	set_bits(self, 3, NX);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
	/* Without NXE and SMEP a fetch fault has no I/D bit. */
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, F));
}

TEST_F(gw, la57_5level)
{
	u64 gva = 0x00abcdef12345678ULL;

	mode_long(self, true);
	map(self, gva, 1, 0x9000 | PRWU);
	EXPECT_EQ(0x9678ULL, XLATE_OK(gva, W | U));
	set_bits(self, 5, PS);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(gva, 0));
	clear_bits(self, 5, P);
	EXPECT_EQ(0U, XLATE_PF(gva, 0));
}

TEST_F(gw, la57_canonical_is_57_bits)
{
	struct tv_gwalk_fault f;
	u64 gpa;

	mode_long(self, true);
	map(self, 0xff00000000000000ULL, 1, 0x9000 | PRW);
	EXPECT_EQ(0x9000ULL, XLATE_OK(0xff00000000000000ULL, 0));
	EXPECT_EQ(-EINVAL, tv_gwalk_translate(&self->w, 0x0100000000000000ULL,
					      0, &gpa, &f));
	EXPECT_EQ(-EINVAL, tv_gwalk_translate(&self->w, 0xfe00000000000000ULL,
					      0, &gpa, &f));
	/* The same address is not canonical with 4 levels. */
	self->w.cr4 &= ~TV_CR4_LA57;
	EXPECT_EQ(-EINVAL, tv_gwalk_translate(&self->w, 0xff00000000000000ULL,
					      0, &gpa, &f));
}

TEST_F(gw, la57_index_is_bits_56_to_48)
{
	/* Two gvas that differ only in bit 48: two PML5 entries. */
	mode_long(self, true);
	map(self, 0x0000000000401000ULL, 1, 0x5000 | PRW);
	map(self, 0x0001000000401000ULL, 1, 0x6000 | PRW);
	EXPECT_EQ(0x5010ULL, XLATE_OK(0x0000000000401010ULL, 0));
	EXPECT_EQ(0x6010ULL, XLATE_OK(0x0001000000401010ULL, 0));
	/* Bit 56 is the last one to index: PML5 entry 256, high half. */
	map(self, 0xff00000000401000ULL, 1, 0x7000 | PRW);
	EXPECT_EQ(self->ent[5], self->root + 256 * 8);
	EXPECT_EQ(0x7010ULL, XLATE_OK(0xff00000000401010ULL, 0));
}

TEST_F(gw, la57_large_pages)
{
	mode_long(self, true);
	map(self, 0x00aa004012340678ULL, 3, 0x2480000000ULL | PS | PRW);
	EXPECT_EQ(0x2492340678ULL, XLATE_OK(0x00aa004012340678ULL, W));
	map(self, 0x00bb123440310345ULL, 2, 0x7fe00000 | PS | PRW);
	EXPECT_EQ(0x7ff10345ULL, XLATE_OK(0x00bb123440310345ULL, W));
}

TEST_F(gw, la57_not_present_each_level)
{
	u64 gva = 0x0012007f00403000ULL;
	unsigned int level;

	mode_long(self, true);
	for (level = 1; level <= 5; level++) {
		map(self, gva, 1, 0x5000 | PRWU);
		clear_bits(self, level, P);
		EXPECT_EQ(PF_W, XLATE_PF(gva, W)) TH_LOG("level %u", level);
		EXPECT_EQ(PF_U | PF_I, XLATE_PF(gva, U | F)) TH_LOG("level %u", level);
		set_bits(self, level, P);
	}
	EXPECT_EQ(0x5000ULL, XLATE_OK(gva, W | U));
}

/* R/W, U/S and NX of a PML5E restrict like those of any other level. */
TEST_F(gw, la57_rights_of_the_pml5e)
{
	u64 gva = 0x0034000000001000ULL;

	mode_long(self, true);
	map(self, gva, 1, 0x5000 | PRWU);
	EXPECT_EQ(0x5000ULL, XLATE_OK(gva, W | U | F));
	clear_bits(self, 5, RW);
	EXPECT_EQ(PF_P | PF_W, XLATE_PF(gva, W));
	EXPECT_EQ(0x5000ULL, XLATE_OK(gva, U));
	set_bits(self, 5, RW);
	clear_bits(self, 5, US);
	EXPECT_EQ(PF_P | PF_U, XLATE_PF(gva, U));
	EXPECT_EQ(0x5000ULL, XLATE_OK(gva, W));
	set_bits(self, 5, US | NX);
	EXPECT_EQ(PF_P | PF_I, XLATE_PF(gva, F));
	EXPECT_EQ(0x5000ULL, XLATE_OK(gva, W | U));
}

TEST_F(gw, la57_maxphyaddr_reserved_in_pml5e)
{
	mode_long(self, true);
	self->w.maxphyaddr = 40;
	map(self, 0x1000, 1, 0x5000 | PRW);
	set_bits(self, 5, 1ULL << 45);
	EXPECT_EQ(PF_P | PF_R, XLATE_PF(0x1000, 0));
}

/* A read across the 256 TiB line goes through two PML5 entries. */
TEST_F(gw, la57_read_crosses_pml5_entries)
{
	struct tv_gwalk_fault f = { 0 };
	u8 buf[8];

	mode_long(self, true);
	map(self, 0x0000fffffffff000ULL, 1, 0x6000 | PRW);
	map(self, 0x0001000000000000ULL, 1, 0x2000 | PRW);
	memcpy(self->mem + 0x6ffc, "ABCD", 4);
	memcpy(self->mem + 0x2000, "efgh", 4);
	ASSERT_EQ(0, tv_gwalk_read(&self->w, 0x0000fffffffffffcULL, buf, 8, 0, &f));
	EXPECT_EQ(0, memcmp(buf, "ABCDefgh", 8));
	/* With its PML5 entry gone, the second page faults there. */
	clear_bits(self, 5, P);
	EXPECT_EQ(-EFAULT, tv_gwalk_read(&self->w, 0x0000fffffffffffcULL, buf, 8, 0, &f));
	EXPECT_EQ(0x0001000000000000ULL, f.addr);
	EXPECT_EQ(0U, f.error_code);
}

/* --- permissions -------------------------------------------------------- */

TEST_F(gw, user_access_to_supervisor_page)
{
	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRW);
	EXPECT_EQ(PF_P | PF_U, XLATE_PF(0x1000, U));
	EXPECT_EQ(PF_P | PF_W | PF_U, XLATE_PF(0x1000, W | U));
	EXPECT_EQ(PF_P | PF_U | PF_I, XLATE_PF(0x1000, U | F));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W));
}

TEST_F(gw, user_bit_needed_at_every_level)
{
	unsigned int level;

	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRWU);
	for (level = 1; level <= 4; level++) {
		clear_bits(self, level, US);
		EXPECT_EQ(PF_P | PF_U, XLATE_PF(0x1000, U));
		EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, 0));
		set_bits(self, level, US);
	}
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, U));
}

TEST_F(gw, user_write_to_read_only_faults_whatever_wp)
{
	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | P | US);
	self->w.cr0 &= ~TV_CR0_WP;
	EXPECT_EQ(PF_P | PF_W | PF_U, XLATE_PF(0x1000, W | U));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, U));
}

TEST_F(gw, supervisor_write_to_read_only_follows_wp)
{
	mode_32(self, 0);
	map(self, 0x1000, 1, 0x5000 | P);
	EXPECT_EQ(PF_P | PF_W, XLATE_PF(0x1000, W));
	self->w.cr0 &= ~TV_CR0_WP;
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W));
}

TEST_F(gw, read_only_at_any_level)
{
	unsigned int level;

	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRWU);
	for (level = 1; level <= 4; level++) {
		clear_bits(self, level, RW);
		EXPECT_EQ(PF_P | PF_W, XLATE_PF(0x1000, W));
		EXPECT_EQ(PF_P | PF_W | PF_U, XLATE_PF(0x1000, W | U));
		EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, U));
		set_bits(self, level, RW);
	}
}

TEST_F(gw, nx_forbids_fetch_only)
{
	unsigned int level;

	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRWU);
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, F | U));
	for (level = 1; level <= 4; level++) {
		set_bits(self, level, NX);
		EXPECT_EQ(PF_P | PF_I, XLATE_PF(0x1000, F));
		EXPECT_EQ(PF_P | PF_U | PF_I, XLATE_PF(0x1000, F | U));
		EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W | U));
		clear_bits(self, level, NX);
	}
}

TEST_F(gw, smep_forbids_supervisor_fetch_of_user_page)
{
	mode_long(self, false);
	self->w.efer &= ~TV_EFER_NXE;
	map(self, 0x1000, 1, 0x5000 | PRWU);
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, F));
	self->w.cr4 |= TV_CR4_SMEP;
	EXPECT_EQ(PF_P | PF_I, XLATE_PF(0x1000, F));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, 0));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, F | U));
	clear_bits(self, 2, US);
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, F));
}

TEST_F(gw, smap_forbids_supervisor_data_access_to_user_page)
{
	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRWU);
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W));
	self->w.cr4 |= TV_CR4_SMAP;
	EXPECT_EQ(PF_P | PF_W, XLATE_PF(0x1000, W));
	EXPECT_EQ(PF_P, XLATE_PF(0x1000, 0));
	/* EFLAGS.AC lets an explicit access through; CPL3 and fetches are not SMAP's. */
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W | TV_GWALK_AC));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W | U));
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, F));
	/* A supervisor page is no business of SMAP's. */
	clear_bits(self, 1, US);
	EXPECT_EQ(0x5000ULL, XLATE_OK(0x1000, W));
	EXPECT_EQ(PF_P | PF_W | PF_U, XLATE_PF(0x1000, W | U));
}

/* --- reads and read_gpa ------------------------------------------------- */

TEST_F(gw, read_crosses_into_another_frame)
{
	struct tv_gwalk_fault f;
	u8 buf[15];

	mode_long(self, false);
	map(self, 0x401000, 1, 0x6000 | PRW);
	map(self, 0x402000, 1, 0x2000 | PRW);
	memcpy(self->mem + 0x6ff8, "ABCDEFGH", 8);
	memcpy(self->mem + 0x2000, "ijklmno", 7);
	ASSERT_EQ(0, tv_gwalk_read(&self->w, 0x401ff8, buf, 15, F, &f));
	EXPECT_EQ(0, memcmp(buf, "ABCDEFGHijklmno", 15));
}

TEST_F(gw, read_faults_on_second_page)
{
	struct tv_gwalk_fault f = { 0 };
	u8 buf[15] = { 0 };

	mode_long(self, false);
	map(self, 0x401000, 1, 0x6000 | PRW);
	map(self, 0x402000, 1, 0x2000 | PRW);
	clear_bits(self, 1, P);
	memcpy(self->mem + 0x6ff8, "ABCDEFGH", 8);
	EXPECT_EQ(-EFAULT, tv_gwalk_read(&self->w, 0x401ff8, buf, 15, F, &f));
	EXPECT_EQ(0x402000ULL, f.addr);
	EXPECT_EQ(PF_I, f.error_code);
	EXPECT_EQ(0, memcmp(buf, "ABCDEFGH", 8));
	/* What lies in the first page alone reads fine. */
	EXPECT_EQ(0, tv_gwalk_read(&self->w, 0x401ff8, buf,
				   tv_gwalk_page_remaining(0x401ff8, 15),
				   F, &f));
}

TEST_F(gw, page_remaining)
{
	EXPECT_EQ(8U, tv_gwalk_page_remaining(0x1ff8, 15));
	EXPECT_EQ(15U, tv_gwalk_page_remaining(0x1000, 15));
	EXPECT_EQ(1U, tv_gwalk_page_remaining(0xffffffffffffffffULL, 15));
	EXPECT_EQ(4096U, tv_gwalk_page_remaining(0x1000, 5000));
	EXPECT_EQ(0U, tv_gwalk_page_remaining(0x1234, 0));
}

TEST_F(gw, read_gpa_failure_on_a_table)
{
	struct tv_gwalk_fault f;
	u64 gpa;

	mode_long(self, false);
	map(self, 0x1000, 1, 0x5000 | PRW);
	/* The PDE points outside guest memory. */
	set_ent(self, self->ent[2], 0x40000000 | PRW);
	EXPECT_EQ(-ERANGE, tv_gwalk_translate(&self->w, 0x1000, 0, &gpa, &f));
}

TEST_F(gw, read_gpa_efault_becomes_eio)
{
	struct tv_gwalk_fault f;
	u64 gpa;
	u8 b;

	mode_pae(self, 0);
	map(self, 0x1000, 1, 0x5000 | PRW);
	self->fail_rc = -EFAULT;
	self->fail_gpa = self->ent[1];
	EXPECT_EQ(-EIO, tv_gwalk_translate(&self->w, 0x1000, 0, &gpa, &f));
	self->fail_gpa = self->ent[3];
	EXPECT_EQ(-EIO, tv_gwalk_translate(&self->w, 0x1000, 0, &gpa, &f));
	self->fail_gpa = 0x5000;
	EXPECT_EQ(-EIO, tv_gwalk_read(&self->w, 0x1000, &b, 1, 0, &f));
	self->fail_rc = -ENOMEM;
	EXPECT_EQ(-ENOMEM, tv_gwalk_read(&self->w, 0x1000, &b, 1, 0, &f));
}

TEST_F(gw, read_gpa_failure_on_data)
{
	struct tv_gwalk_fault f;
	u8 buf[8];

	mode_32(self, 0);
	map(self, 0x1000, 1, 0x00400000 | PRW);
	EXPECT_EQ(0x00400000ULL, XLATE_OK(0x1000, 0));
	EXPECT_EQ(-ERANGE, tv_gwalk_read(&self->w, 0x1000, buf, 8, 0, &f));
}

TEST_HARNESS_MAIN
