/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical layout of a VM made by tv_vm_create_std().
 *
 *   0x00000 - 0x00fff   unused (the real-mode IVT, if anyone wants one)
 *   0x01000 - 0x06fff   page tables: PML4, PDPT, 4 PDs with 2 MiB pages
 *                       mapping 0 - 4 GiB one to one (64-bit mode only)
 *   0x07000             GDT (TV_SEL_*)
 *   0x08000             TSS (TR points here in every mode)
 *   0x09000             IDT, 256 64-bit interrupt gates (64-bit mode)
 *   0x0a000             PML5, entry 0 the PML4 (5-level paging only:
 *                       tv_vcpu_set_5level_paging())
 *   0x0e000 - 0x0efff   scratch data for asm blobs
 *   0x0f000 - 0x0ffff   stacks for asm blobs (256 bytes a vCPU)
 *   0x10000 - 0x1ffff   asm blob code (tv_vm_load_blob())
 *   0x20000 - 0xbffff   free low memory for tests
 *   0xc0000 - 0xfffff   a hole: no slot, so any access is MMIO
 *   0x100000- 0x3fffff  heap (tv_vm_alloc()): 64-bit vCPU stacks, test data
 *   0x400000- ...       the test binary itself, at the addresses it is
 *                       linked at, so &guest_fn is the guest RIP
 *   0xc0000000          another hole, reachable from 32- and 64-bit guests
 *
 * Slot TV_SLOT_LOW holds 0 - 0xbffff, slot TV_SLOT_MAIN 0x100000 up to the
 * end of the image (rounded up to 2 MiB).  Tests use slots from
 * TV_SLOT_FIRST_FREE on.  The numbers have no C suffix: asm uses them too.
 */
#ifndef TV_LAYOUT_H
#define TV_LAYOUT_H

#define TV_PML4_GPA		0x1000
#define TV_PDPT_GPA		0x2000
#define TV_PD_GPA		0x3000	/* 4 pages */
#define TV_GDT_GPA		0x7000
#define TV_TSS_GPA		0x8000
#define TV_IDT_GPA		0x9000
#define TV_PML5_GPA		0xa000
#define TV_BLOB_DATA_GPA	0xe000
#define TV_BLOB_STACK_GPA	0xf000
#define TV_BLOB_GPA		0x10000
#define TV_BLOB_MAX		0x10000
#define TV_LOW_FREE_GPA		0x20000
#define TV_LOW_END		0xc0000
#define TV_MMIO_GPA		0xd0000
#define TV_HEAP_GPA		0x100000
#define TV_HEAP_END		0x400000
#define TV_IMAGE_GPA		0x400000
#define TV_MMIO_HIGH_GPA	0xc0000000

#define TV_SLOT_LOW		0
#define TV_SLOT_MAIN		1
#define TV_SLOT_FIRST_FREE	2

/* GDT selectors */
#define TV_SEL_CODE64		0x08
#define TV_SEL_DATA		0x10
#define TV_SEL_CODE32		0x18
#define TV_SEL_TSS		0x20	/* 16 bytes in the 64-bit GDT */
#define TV_SEL_CODE16		0x30
#define TV_SEL_DATA16		0x38
#define TV_GDT_ENTRIES		8

#endif
