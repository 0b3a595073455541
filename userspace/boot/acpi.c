// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables of a Linux guest: see acpi.h.
 *
 * Hardware-reduced ACPI (FADT flag HW_REDUCED_ACPI, FADT revision 6) is
 * the smallest platform Linux accepts: no PM1 blocks, no SCI, no GPEs,
 * no FACS.  Linux then also gives up the 8259 PIC and the PIT
 * (acpi_reduced_hw_init), which thinvisor does not have.  Power-off goes
 * through the FADT's sleep control register with SLP_TYP from \_S5, and
 * reboot through its reset register: both at I/O ports (layout.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot_err.h"
#include "boot/acpi.h"
#include "boot/layout.h"

#define OEM_ID		"THINVR"	/* 6 bytes */
#define OEM_REVISION	1
#define CREATOR_ID	"THVR"
#define CREATOR_REV	1
#define TABLE_ALIGN	16

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
_Static_assert(sizeof(struct acpi_header) == 36, "table header");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, sleep_control) == 244, "FADT sleep");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");

/*
 * The DSDT's AML.  First Name (_S5, Package (2) { 5, 0 }): NameOp, the
 * name, PackageOp, PkgLength (5 bytes, itself included), 2 elements,
 * BytePrefix 5, ZeroOp.  Only the first value is used: with
 * hardware-reduced ACPI it is SLP_TYP for the sleep control register.
 *
 * Then COM1, as a PC's firmware describes it:
 *   Scope (\_SB) { Device (COM1) {
 *     Name (_HID, EisaId ("PNP0501")), Name (_UID, 1),
 *     Name (_CRS, ResourceTemplate () {
 *       IO (Decode16, 0x3F8, 0x3F8, 1, 8), IRQNoFlags () { 4 } }) } }
 * Without a legacy PIC (hardware-reduced ACPI) Linux maps no ISA IRQ by
 * itself: the 8250 driver gets IRQ 4 only through this device's _CRS.
 * Without it the port had no IRQ (none in /proc/interrupts) and user
 * space writes to ttyS0 vanished.  Every PkgLength here is one byte:
 * the length, itself included, of what follows the opcode.
 */
#define COM1_CRS_LEN	13	/* IO (8), IRQ (3), end tag (2) */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, ACPI_SLP_TYP_S5, 0x00,
	/* ScopeOp, PkgLength 51, \_SB_ */
	0x10, 51, '\\', '_', 'S', 'B', '_',
	/* DeviceOp, PkgLength 43, COM1 */
	0x5b, 0x82, 43, 'C', 'O', 'M', '1',
	/* Name (_HID, DWordPrefix EisaId ("PNP0501")) */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
	/* Name (_UID, One) */
	0x08, '_', 'U', 'I', 'D', 0x01,
	/* Name (_CRS, BufferOp, PkgLength 16, BytePrefix 13, the resources) */
	0x08, '_', 'C', 'R', 'S', 0x11, 16, 0x0a, COM1_CRS_LEN,
	0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,	/* IO, 16-bit decode */
	0x22, 0x10, 0x00,				/* IRQ mask: IRQ 4 */
	0x79, 0x00,					/* end tag */
};

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return (uint8_t)-sum;
}


/* Lays tables one after another from a start address. */
struct acpi_writer {
	uint8_t *ram;
	uint64_t next;		/* guest-physical */
};

static void *take(struct acpi_writer *w, size_t len, uint64_t *gpa)
{
	void *p = w->ram + w->next;

	*gpa = w->next;
	memset(p, 0, len);
	w->next = (w->next + len + TABLE_ALIGN - 1) & ~(uint64_t)(TABLE_ALIGN - 1);
	return p;
}

static void header(struct acpi_header *h, const char *sig, uint32_t len,
		   uint8_t revision, const char *table_id)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, OEM_ID, 6);
	memcpy(h->oem_table_id, table_id, 8);
	h->oem_revision = OEM_REVISION;
	memcpy(h->creator_id, CREATOR_ID, 4);
	h->creator_revision = CREATOR_REV;
}

static void seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = acpi_checksum(h, h->length);
}

static struct acpi_gas io_byte(uint16_t port)
{
	return (struct acpi_gas){ .space_id = ACPI_GAS_IO, .bit_width = 8,
				  .access_size = ACPI_GAS_ACCESS_BYTE, .address = port };
}

/*
 * Each virtio-mmio device, as Linux's virtio_mmio driver matches it:
 *   Device (VRnn) {
 *     Name (_HID, "LNRO0005"), Name (_UID, nn),
 *     Name (_CRS, ResourceTemplate () {
 *       Memory32Fixed (ReadWrite, base, size)
 *       Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { gsi } }) }
 * all in one Scope (\_SB) after COM1's.  The Extended Interrupt
 * descriptor (not IRQNoFlags) because the pins are past the ISA 16 and
 * level-triggered: Linux programs the IOAPIC pin from these flags.
 */
#define VIRTIO_CRS_LEN		23	/* Memory32Fixed (12), Interrupt (9), end (2) */
#define VIRTIO_DEVICE_BODY	58	/* name, _HID, _UID, _CRS */
#define VIRTIO_DEVICE_LEN	(2 + 1 + VIRTIO_DEVICE_BODY)

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return p + 4;
}

static uint8_t *put(uint8_t *p, const void *bytes, size_t n)
{
	memcpy(p, bytes, n);
	return p + n;
}

static uint8_t *virtio_device_aml(uint8_t *p, unsigned int i, const struct acpi_virtio_mmio *d)
{
	static const char hex[] = "0123456789ABCDEF";
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
				       'L', 'N', 'R', 'O', '0', '0', '0', '5', 0 };

	*p++ = 0x5b;			/* DeviceOp */
	*p++ = 0x82;
	*p++ = VIRTIO_DEVICE_BODY + 1;	/* PkgLength, one byte, itself included */
	*p++ = 'V';
	*p++ = 'R';
	*p++ = hex[i >> 4 & 15];
	*p++ = hex[i & 15];
	p = put(p, hid, sizeof(hid));
	p = put(p, (const uint8_t[]){ 0x08, '_', 'U', 'I', 'D', 0x0a, i }, 7);
	/* Name (_CRS, BufferOp, PkgLength, BytePrefix length, the resources) */
	p = put(p, (const uint8_t[]){ 0x08, '_', 'C', 'R', 'S', 0x11, 3 + VIRTIO_CRS_LEN,
				      0x0a, VIRTIO_CRS_LEN }, 9);
	/* Memory32Fixed: tag 0x86, length 9, read-write */
	p = put(p, (const uint8_t[]){ 0x86, 0x09, 0x00, 0x01 }, 4);
	p = put32(p, d->base);
	p = put32(p, d->size);
	/* Extended Interrupt: tag 0x89, length 6, consumer|level|high|exclusive, 1 pin */
	p = put(p, (const uint8_t[]){ 0x89, 0x06, 0x00, 0x01, 0x01 }, 5);
	p = put32(p, d->gsi);
	*p++ = 0x79;			/* end tag */
	*p++ = 0x00;
	return p;
}

/* An AML PkgLength of len (itself included) in two bytes: len < 4096. */
static uint8_t *pkg_length2(uint8_t *p, uint32_t len)
{
	*p++ = 0x40 | (len & 0x0f);
	*p++ = len >> 4;
	return p;
}

static uint64_t build_dsdt(struct acpi_writer *w, const struct acpi_virtio_mmio *virtio,
			   unsigned int nvirtio)
{
	/* ScopeOp, a two-byte PkgLength, \_SB_, the devices */
	uint32_t scope_len = nvirtio ? 2 + 5 + nvirtio * VIRTIO_DEVICE_LEN : 0;
	uint32_t len = sizeof(struct acpi_header) + sizeof(dsdt_aml) + (scope_len ? 1 + scope_len : 0);
	struct acpi_header *h;
	uint8_t *p;
	unsigned int i;
	uint64_t gpa;

	h = take(w, len, &gpa);
	header(h, "DSDT", len, 2, "THINDSDT");
	p = put((uint8_t *)(h + 1), dsdt_aml, sizeof(dsdt_aml));
	if (nvirtio) {
		*p++ = 0x10;	/* ScopeOp */
		p = pkg_length2(p, scope_len);
		p = put(p, "\\_SB_", 5);
		for (i = 0; i < nvirtio; i++)
			p = virtio_device_aml(p, i, &virtio[i]);
	}
	seal(h);
	return gpa;
}

static uint64_t build_fadt(struct acpi_writer *w, uint64_t dsdt)
{
	struct acpi_fadt *f;
	uint64_t gpa;

	f = take(w, sizeof(*f), &gpa);
	header(&f->h, "FACP", sizeof(*f), 6, "THINFADT");
	f->dsdt = dsdt;
	f->x_dsdt = dsdt;
	f->flags = ACPI_FADT_HW_REDUCED | ACPI_FADT_RESET_REG_SUP |
		   ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON;
	/* No VGA, no CMOS clock; no 8042 bit: no i8042 either. */
	f->iapc_boot_arch = ACPI_IAPC_VGA_NOT_PRESENT | ACPI_IAPC_NO_CMOS_RTC;
	f->reset_reg = io_byte(ACPI_RESET_PORT);
	f->reset_value = ACPI_RESET_VALUE;
	f->sleep_control = io_byte(ACPI_SLEEP_CTL_PORT);
	f->sleep_status = io_byte(ACPI_SLEEP_STS_PORT);
	/* ACPI 6.0: the FADT of this length. */
	f->minor_revision = 0;
	memcpy(&f->hypervisor_id, "thinvisr", 8);
	seal(&f->h);
	return gpa;
}

static uint64_t build_madt(struct acpi_writer *w, int ncpus)
{
	uint32_t len = sizeof(struct acpi_madt) + sizeof(struct acpi_madt_ioapic) +
		       sizeof(struct acpi_madt_iso);
	struct acpi_madt_ioapic *io;
	struct acpi_madt_iso *iso;
	struct acpi_madt *m;
	uint8_t *p;
	uint64_t gpa;
	int i;

	/* xAPIC entries while the ID fits in a byte below the broadcast 0xff. */
	for (i = 0; i < ncpus; i++)
		len += i < 0xff ? sizeof(struct acpi_madt_lapic) : sizeof(struct acpi_madt_x2apic);

	m = take(w, len, &gpa);
	header(&m->h, "APIC", len, 5, "THINMADT");
	m->lapic_addr = LAPIC_ADDR;
	m->flags = 0;
	p = (uint8_t *)(m + 1);
	for (i = 0; i < ncpus; i++) {
		if (i < 0xff) {
			struct acpi_madt_lapic *l = (void *)p;

			l->type = ACPI_MADT_LAPIC;
			l->length = sizeof(*l);
			l->processor_uid = i;
			l->apic_id = i;
			l->flags = ACPI_MADT_ENABLED;
			p += sizeof(*l);
		} else {
			struct acpi_madt_x2apic *x = (void *)p;

			x->type = ACPI_MADT_X2APIC;
			x->length = sizeof(*x);
			x->x2apic_id = i;
			x->processor_uid = i;
			x->flags = ACPI_MADT_ENABLED;
			p += sizeof(*x);
		}
	}
	io = (void *)p;
	io->type = ACPI_MADT_IOAPIC;
	io->length = sizeof(*io);
	io->ioapic_id = ACPI_IOAPIC_ID;
	io->address = IOAPIC_ADDR;
	io->gsi_base = 0;
	p += sizeof(*io);
	/*
	 * IRQ 4 is GSI 4, edge, active high: what Linux assumes for an ISA
	 * IRQ anyway, said outright so that nothing depends on the default.
	 */
	iso = (void *)p;
	iso->type = ACPI_MADT_ISO;
	iso->length = sizeof(*iso);
	iso->bus = 0;
	iso->source = ACPI_UART_IRQ;
	iso->gsi = ACPI_UART_IRQ;
	iso->flags = ACPI_MPS_ACTIVE_HIGH | ACPI_MPS_EDGE;
	seal(&m->h);
	return gpa;
}

long acpi_build(void *guest_ram, uint64_t gpa, uint64_t room, int ncpus,
		char *err, size_t errlen)
{
	return acpi_build_devices(guest_ram, gpa, room, ncpus, NULL, 0, err, errlen);
}

long acpi_build_devices(void *guest_ram, uint64_t gpa, uint64_t room, int ncpus,
			const struct acpi_virtio_mmio *virtio, unsigned int nvirtio,
			char *err, size_t errlen)
{
	struct acpi_writer w = { .ram = guest_ram };
	uint64_t rsdp_gpa, rsdt_gpa, xsdt_gpa, fadt, madt;
	struct acpi_header *rsdt, *xsdt;
	struct acpi_rsdp *rsdp;
	uint32_t rsdt_len = sizeof(*rsdt) + 2 * 4, xsdt_len = sizeof(*xsdt) + 2 * 8;
	uint32_t entries32[2];
	uint64_t entries64[2];

	if (ncpus < 1 || ncpus > ACPI_MAX_CPUS)
		return boot_fail(err, errlen, "%d CPUs: the ACPI tables describe 1 to %d",
			    ncpus, ACPI_MAX_CPUS);
	if (nvirtio > ACPI_MAX_VIRTIO_MMIO)
		return boot_fail(err, errlen, "%u virtio-mmio devices: the DSDT describes up to %d",
				 nvirtio, ACPI_MAX_VIRTIO_MMIO);
	if (gpa & (TABLE_ALIGN - 1) || room < ACPI_MAX_SIZE || gpa + room > UINT32_MAX)
		return boot_fail(err, errlen, "no room for the ACPI tables at 0x%llx",
			    (unsigned long long)gpa);

	/* The RSDP first, on a 16-byte boundary where the kernel scans. */
	w.next = gpa;
	rsdp = take(&w, sizeof(*rsdp), &rsdp_gpa);
	rsdt = take(&w, rsdt_len, &rsdt_gpa);
	xsdt = take(&w, xsdt_len, &xsdt_gpa);
	fadt = build_fadt(&w, build_dsdt(&w, virtio, nvirtio));
	madt = build_madt(&w, ncpus);

	/* The RSDT for ACPI 1.0 readers (and acpi=rsdt), the XSDT for the rest. */
	header(rsdt, "RSDT", rsdt_len, 1, "THINRSDT");
	entries32[0] = fadt;
	entries32[1] = madt;
	memcpy(rsdt + 1, entries32, sizeof(entries32));
	seal(rsdt);
	header(xsdt, "XSDT", xsdt_len, 1, "THINXSDT");
	entries64[0] = fadt;
	entries64[1] = madt;
	memcpy(xsdt + 1, entries64, sizeof(entries64));
	seal(xsdt);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, OEM_ID, 6);
	rsdp->revision = 2;
	rsdp->rsdt_addr = rsdt_gpa;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_addr = xsdt_gpa;
	rsdp->checksum = acpi_checksum(rsdp, 20);
	rsdp->ext_checksum = acpi_checksum(rsdp, sizeof(*rsdp));
	return w.next - gpa;
}
