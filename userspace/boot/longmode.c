// SPDX-License-Identifier: GPL-2.0
/*
 * The 64-bit entry state of the Linux boot protocol (boot.rst, "64-bit
 * Boot Protocol"): see longmode.h.  The kernel's decompressor loads its
 * own GDT and page tables at once; these only have to get it there.
 */
#include <string.h>

#include "boot/layout.h"
#include "boot/longmode.h"

#define PTE_P		0x001ULL
#define PTE_RW		0x002ULL
#define PTE_PS		0x080ULL	/* a 2 MiB leaf in a PD */

#define CR0_PE		0x00000001ULL
#define CR0_MP		0x00000002ULL
#define CR0_ET		0x00000010ULL
#define CR0_NE		0x00000020ULL
#define CR0_PG		0x80000000ULL
#define CR4_PAE		0x00000020ULL
#define EFER_LME	0x00000100ULL
#define EFER_LMA	0x00000400ULL
#define RFLAGS_FIXED	0x2ULL		/* IF clear: interrupts off */

/* Access rights in the VMX layout (tv_segment.attrib). */
#define ATTR_CODE	(TV_SEG_ATTR_TYPE(0xb) | TV_SEG_ATTR_S | TV_SEG_ATTR_P | \
			 TV_SEG_ATTR_L | TV_SEG_ATTR_G)
#define ATTR_DATA	(TV_SEG_ATTR_TYPE(0x3) | TV_SEG_ATTR_S | TV_SEG_ATTR_P | \
			 TV_SEG_ATTR_DB | TV_SEG_ATTR_G)
#define ATTR_TSS	(TV_SEG_ATTR_TYPE(0xb) | TV_SEG_ATTR_P)	/* busy 64-bit TSS */
#define TSS_LIMIT	0x67

#define GDT_ENTRIES	6	/* null, null, CS, DS, TSS (two slots) */

/* A GDT descriptor from a base, a limit and VMX-layout access rights. */
static uint64_t desc(uint32_t base, uint32_t limit, uint16_t attrib)
{
	/* With G the descriptor holds the limit in 4 KiB units. */
	if (attrib & TV_SEG_ATTR_G)
		limit >>= 12;
	return (limit & 0xffffULL) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)(attrib & 0xff) << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)((attrib >> 12) & 0xf) << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

static struct tv_segment seg(uint16_t sel, uint64_t base, uint32_t limit, uint16_t attrib)
{
	return (struct tv_segment){ .base = base, .limit = limit,
				    .selector = sel, .attrib = attrib };
}

static void write_gdt(uint8_t *ram)
{
	uint64_t gdt[GDT_ENTRIES] = { 0 };

	gdt[BOOT_CS / 8] = desc(0, 0xffffffff, ATTR_CODE);
	gdt[BOOT_DS / 8] = desc(0, 0xffffffff, ATTR_DATA);
	/* A 64-bit TSS descriptor is 16 bytes; its upper half is base 63:32 (0). */
	gdt[BOOT_TSS / 8] = desc(BOOT_TSS_ADDR, TSS_LIMIT, ATTR_TSS);
	memcpy(ram + BOOT_GDT_ADDR, gdt, sizeof(gdt));
	memset(ram + BOOT_TSS_ADDR, 0, TSS_LIMIT + 1);
}

/* PML4[0] -> PDPT[0..3] -> four PDs of 512 2 MiB leaves: 0 to 4 GiB. */
static void write_page_tables(uint8_t *ram)
{
	uint64_t *pml4 = (uint64_t *)(ram + BOOT_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(ram + BOOT_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(ram + BOOT_PD_ADDR);
	int i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT_ADDR | PTE_P | PTE_RW;
	for (i = 0; i < BOOT_PD_COUNT; i++)
		pdpt[i] = (BOOT_PD_ADDR + i * 4096ULL) | PTE_P | PTE_RW;
	for (i = 0; i < BOOT_PD_COUNT * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
}

void longmode_setup(void *guest_ram, const struct boot_entry *entry,
		    struct tv_regs *regs, struct tv_sregs *sregs)
{
	struct tv_segment data = seg(BOOT_DS, 0, 0xffffffff, ATTR_DATA);

	write_gdt(guest_ram);
	write_page_tables(guest_ram);

	memset(sregs, 0, sizeof(*sregs));
	sregs->cs = seg(BOOT_CS, 0, 0xffffffff, ATTR_CODE);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr = seg(BOOT_TSS, BOOT_TSS_ADDR, TSS_LIMIT, ATTR_TSS);
	sregs->ldt = seg(0, 0, 0, 0);	/* unusable */
	sregs->gdt.base = BOOT_GDT_ADDR;
	sregs->gdt.limit = GDT_ENTRIES * 8 - 1;
	/* No IDT: the kernel loads its own before it enables interrupts. */
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	sregs->cr3 = BOOT_PML4_ADDR;
	sregs->cr4 = CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;

	memset(regs, 0, sizeof(*regs));
	regs->rip = entry->rip;
	regs->rsi = entry->boot_params;
	regs->rsp = BOOT_STACK_TOP;
	regs->rflags = RFLAGS_FIXED;
}
