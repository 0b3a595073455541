/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables of a Linux guest: RSDP (revision 2), RSDT and XSDT,
 * a hardware-reduced FADT (no PM timer, no SCI, no PIC: sleep and reset
 * registers at I/O ports thinrun watches, layout.h), a DSDT with \_S5
 * (so that the guest can power off), COM1 and any virtio-mmio devices,
 * and a MADT with one enabled
 * local APIC per vCPU, one IOAPIC and the interrupt source override of
 * the UART's IRQ 4.
 *
 * The structs are the ACPI 6.x layouts (little-endian, packed); the unit
 * test reads the tables back through them.
 */
#ifndef THINRUN_BOOT_ACPI_H
#define THINRUN_BOOT_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS		1024
/* The room acpi_build needs at most (ACPI_MAX_CPUS x2APIC entries). */
#define ACPI_MAX_SIZE		0x8000

struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 2: ACPI 2.0 and later */
	uint32_t rsdt_addr;
	uint32_t length;		/* 36 */
	uint64_t xsdt_addr;
	uint8_t ext_checksum;		/* of all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;		/* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/* Generic Address Structure */
struct acpi_gas {
	uint8_t space_id;		/* 0 memory, 1 I/O port */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;		/* 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __attribute__((packed));

#define ACPI_GAS_IO		1
#define ACPI_GAS_ACCESS_BYTE	1

struct acpi_fadt {
	struct acpi_header h;
	uint32_t facs;
	uint32_t dsdt;
	uint8_t model;
	uint8_t pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_revision;
	uint64_t x_facs;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk, x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
	uint64_t hypervisor_id;
} __attribute__((packed));

/* FADT flags and IA-PC boot architecture flags */
#define ACPI_FADT_PWR_BUTTON		(1U << 4)	/* no fixed power button */
#define ACPI_FADT_SLP_BUTTON		(1U << 5)	/* no fixed sleep button */
#define ACPI_FADT_RESET_REG_SUP		(1U << 10)
#define ACPI_FADT_HW_REDUCED		(1U << 20)
#define ACPI_IAPC_VGA_NOT_PRESENT	(1U << 2)
#define ACPI_IAPC_NO_CMOS_RTC		(1U << 5)

struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr;
	uint32_t flags;			/* PCAT_COMPAT (bit 0): dual 8259s; not here */
} __attribute__((packed));

#define ACPI_MADT_LAPIC		0
#define ACPI_MADT_IOAPIC	1
#define ACPI_MADT_ISO		2
#define ACPI_MADT_X2APIC	9
#define ACPI_MADT_ENABLED	1

struct acpi_madt_lapic {
	uint8_t type, length;		/* 0, 8 */
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_ioapic {
	uint8_t type, length;		/* 1, 12 */
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

struct acpi_madt_iso {
	uint8_t type, length;		/* 2, 10 */
	uint8_t bus;			/* 0: ISA */
	uint8_t source;			/* the ISA IRQ */
	uint32_t gsi;
	uint16_t flags;			/* MPS INTI flags: polarity 1:0, trigger 3:2 */
} __attribute__((packed));

#define ACPI_MPS_ACTIVE_HIGH	0x1
#define ACPI_MPS_EDGE		0x4

struct acpi_madt_x2apic {
	uint8_t type, length;		/* 9, 16 */
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __attribute__((packed));

/* The ISA IRQ of COM1, routed to the same GSI of the one IOAPIC. */
#define ACPI_UART_IRQ		4
#define ACPI_IOAPIC_ID		0

/*
 * A virtio-mmio device for the DSDT: its register window (in the 32-bit
 * MMIO hole) and its IOAPIC pin, level-triggered and active high.
 */
struct acpi_virtio_mmio {
	uint32_t base;
	uint32_t size;
	uint32_t gsi;
};

#define ACPI_MAX_VIRTIO_MMIO	8

/*
 * Write the tables for ncpus vCPUs (APIC IDs 0 to ncpus - 1) at
 * guest-physical gpa, RSDP first: guest_ram is guest-physical 0, room
 * the bytes free at gpa.  Returns the bytes used, or -1 with err set.
 */
long acpi_build(void *guest_ram, uint64_t gpa, uint64_t room, int ncpus,
		char *err, size_t errlen);

/*
 * The same, with these virtio-mmio devices in the DSDT (nvirtio up to
 * ACPI_MAX_VIRTIO_MMIO), as LNRO0005 devices VR00, VR01, ... in \_SB:
 * the way Linux's virtio_mmio driver finds its devices through ACPI.
 */
long acpi_build_devices(void *guest_ram, uint64_t gpa, uint64_t room, int ncpus,
			const struct acpi_virtio_mmio *virtio, unsigned int nvirtio,
			char *err, size_t errlen);

/* The byte that makes len bytes sum to zero, with that byte at 0. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
