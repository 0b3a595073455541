/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical memory map of a Linux guest, in one place
 * (Documentation/launcher.rst draws it).
 *
 * Below 1 MiB live the few things thinrun writes for the kernel's 64-bit
 * entry.  They sit in what e820 calls RAM (0 to 0x9fc00): the kernel
 * copies boot_params and the command line before it reuses that memory,
 * builds its own page tables and GDT, and keeps the first 64 KiB out of
 * its allocator anyway (CONFIG_X86_RESERVE_LOW).  The ACPI tables sit in
 * the reserved BIOS area, where the kernel's RSDP scan looks.
 *
 *   0x00500   GDT (null, null, __BOOT_CS 0x10, __BOOT_DS 0x18, TSS)
 *   0x00580   TSS
 *   0x07000   boot_params, the "zero page"
 *   0x08000   a stack page (the kernel sets its own at once)
 *   0x09000   PML4, 0x0a000 PDPT, 0x0b000..0x0efff four PDs
 *   0x20000   the command line
 *   0x9fc00   reserved up to 1 MiB (EBDA, VGA hole, BIOS area)
 *   0xe0000   ACPI: RSDP first, then XSDT, FADT, DSDT, MADT
 *   1 MiB     RAM; the kernel at its pref_address (16 MiB for Debian),
 *             the initrd at the top of RAM below the MMIO hole
 *   3 GiB     the MMIO hole up to 4 GiB: virtio-mmio windows from
 *             0xd0000000, IOAPIC 0xfec00000, LAPIC 0xfee00000; not RAM
 *   4 GiB     the rest of the guest's RAM
 */
#ifndef THINRUN_BOOT_LAYOUT_H
#define THINRUN_BOOT_LAYOUT_H

#include <stdint.h>

#define BOOT_GDT_ADDR		0x00500ULL
/* A TSS only because VMX refuses an entry without a usable TR. */
#define BOOT_TSS_ADDR		0x00580ULL
#define BOOT_PARAMS_ADDR	0x07000ULL
#define BOOT_STACK_TOP		0x08ff0ULL
#define BOOT_PML4_ADDR		0x09000ULL
#define BOOT_PDPT_ADDR		0x0a000ULL
/* Four page directories of 2 MiB leaves: 0 to 4 GiB, identity. */
#define BOOT_PD_ADDR		0x0b000ULL
#define BOOT_PD_COUNT		4
#define BOOT_CMDLINE_ADDR	0x20000ULL
/* Room for the command line; the kernel's cmdline_size (2047) is less. */
#define BOOT_CMDLINE_ROOM	0x10000ULL

/* e820: RAM from 0 to here, reserved from here to 1 MiB. */
#define BOOT_LOW_RAM_END	0x9fc00ULL
#define BOOT_HIGH_RAM_START	0x100000ULL

/* The BIOS area the kernel scans for the RSDP, 16-byte steps. */
#define BOOT_ACPI_ADDR		0xe0000ULL
#define BOOT_ACPI_END		0x100000ULL

/* Where a kernel with no pref_address goes (boot protocol < 2.10). */
#define BOOT_KERNEL_ADDR	0x100000ULL

/*
 * The 32-bit MMIO hole: 1 GiB, so that RAM on either side is 1 GiB
 * aligned and the NPT/EPT can map it with 1 GiB leaves.  Room for the
 * IOAPIC, the LAPIC and, later, virtio-mmio devices.
 */
#define MMIO_HOLE_START		0xc0000000ULL
#define MMIO_HOLE_END		0x100000000ULL
#define IOAPIC_ADDR		0xfec00000ULL

/*
 * virtio-mmio devices: window i at VIRTIO_MMIO_BASE + i * 4 KiB (a page
 * each, so that a page of its own can be trapped), on IOAPIC pin
 * VIRTIO_MMIO_GSI_BASE + i, past the ISA IRQs: level-triggered pins of
 * their own, shared with nothing.
 */
#define VIRTIO_MMIO_BASE	0xd0000000ULL
#define VIRTIO_MMIO_WINDOW	0x1000ULL
#define VIRTIO_MMIO_GSI_BASE	16
#define VIRTIO_MMIO_SLOTS	8	/* pins 16 to 23 of the IOAPIC's 24 */
/* Which device takes which slot: --rng slot 0, --disk i slot 1 + i. */
#define VIRTIO_SLOT_RNG		0
#define VIRTIO_SLOT_DISK(i)	(1 + (i))	/* --disk: up to THINRUN_MAX_DISKS, 4 */
#define VIRTIO_SLOT_NET		5
#define VIRTIO_SLOT_VSOCK	6
#define LAPIC_ADDR		0xfee00000ULL

/*
 * I/O ports thinrun watches for the ACPI hardware-reduced sleep and
 * reset registers the FADT names.  A write of SLP_EN|SLP_TYP(5) to the
 * sleep control port is a power-off; ACPI_RESET_VALUE to the reset port
 * is a reboot.
 */
#define ACPI_SLEEP_CTL_PORT	0x600
#define ACPI_SLEEP_STS_PORT	0x601
#define ACPI_RESET_PORT		0x602
#define ACPI_RESET_VALUE	0x01
#define ACPI_SLP_TYP_S5		5	/* the \_S5 package in the DSDT */
#define ACPI_SLP_EN		0x20	/* sleep control: SLP_EN */
#define ACPI_SLP_TYP_SHIFT	2	/* sleep control: SLP_TYP bits 4:2 */

/* The guest's RAM below the hole, and above 4 GiB. */
static inline uint64_t layout_low_ram(uint64_t ram_size)
{
	return ram_size < MMIO_HOLE_START ? ram_size : MMIO_HOLE_START;
}

static inline uint64_t layout_high_ram(uint64_t ram_size)
{
	return ram_size - layout_low_ram(ram_size);
}

#endif
