// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the ACPI tables, userspace/boot/acpi.c: built into a
 * buffer that plays guest memory at the address thinrun uses, then read
 * back the way Linux does: the RSDP found by the scan of 0xe0000-0xfffff
 * (ACPICA's acpi_find_root_pointer), every table reached from the XSDT
 * and the RSDT with its checksum, and the MADT's entries counted.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "boot/acpi.h"
#include "boot/layout.h"

#define MEM_SIZE	BOOT_HIGH_RAM_START	/* the tables live below 1 MiB */

static uint8_t sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

/* ACPICA's rule: "RSD PTR " on a 16-byte boundary, both checksums right. */
static const struct acpi_rsdp *scan_rsdp(const uint8_t *mem)
{
	uint64_t a;

	for (a = 0xe0000; a < 0x100000; a += 16) {
		const struct acpi_rsdp *r = (const void *)(mem + a);

		if (memcmp(r->signature, "RSD PTR ", 8) || sum(r, 20))
			continue;
		if (r->revision >= 2 && sum(r, 36))
			continue;
		return r;
	}
	return NULL;
}

FIXTURE(acpi) {
	uint8_t *mem;
	long size;
	char err[256];
};

FIXTURE_SETUP(acpi)
{
	self->mem = calloc(1, MEM_SIZE);
	ASSERT_NE(NULL, self->mem);
	self->size = 0;
}

FIXTURE_TEARDOWN(acpi)
{
	free(self->mem);
}

static long build(struct __test_metadata *_metadata, uint8_t *mem, int ncpus)
{
	char err[256] = "";
	long size = acpi_build(mem, BOOT_ACPI_ADDR, BOOT_ACPI_END - BOOT_ACPI_ADDR,
			       ncpus, err, sizeof(err));

	EXPECT_GT(size, 0) TH_LOG("%s", err);
	return size;
}

static const struct acpi_header *table_at(const uint8_t *mem, uint64_t gpa)
{
	if (gpa < BOOT_ACPI_ADDR || gpa >= BOOT_ACPI_END)
		return NULL;
	return (const void *)(mem + gpa);
}

/* The table with this signature in the XSDT, or NULL. */
static const struct acpi_header *find(const uint8_t *mem, const char *sig)
{
	const struct acpi_rsdp *r = scan_rsdp(mem);
	const struct acpi_header *x;
	uint64_t e;
	size_t i, n;

	if (!r || !(x = table_at(mem, r->xsdt_addr)))
		return NULL;
	n = (x->length - sizeof(*x)) / 8;
	for (i = 0; i < n; i++) {
		const struct acpi_header *t;

		memcpy(&e, (const uint8_t *)(x + 1) + i * 8, 8);
		t = table_at(mem, e);
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

struct madt_count {
	int lapic, x2apic, ioapic, iso, other;
	int enabled;
	uint64_t id_sum;	/* ids 0..n-1 each once: n(n-1)/2 */
	bool ids_ok;
};

static struct madt_count count_madt(const struct acpi_madt *m, int ncpus)
{
	struct madt_count c = { .ids_ok = true };
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->h.length;
	uint8_t *seen = calloc(ncpus ? ncpus : 1, 1);

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		uint32_t id = UINT32_MAX, flags = 0;

		switch (p[0]) {
		case ACPI_MADT_LAPIC:
			c.lapic++;
			id = ((const struct acpi_madt_lapic *)p)->apic_id;
			flags = ((const struct acpi_madt_lapic *)p)->flags;
			break;
		case ACPI_MADT_X2APIC:
			c.x2apic++;
			id = ((const struct acpi_madt_x2apic *)p)->x2apic_id;
			flags = ((const struct acpi_madt_x2apic *)p)->flags;
			break;
		case ACPI_MADT_IOAPIC:
			c.ioapic++;
			break;
		case ACPI_MADT_ISO:
			c.iso++;
			break;
		default:
			c.other++;
		}
		if (id != UINT32_MAX) {
			if (flags & ACPI_MADT_ENABLED)
				c.enabled++;
			if (id >= (uint32_t)ncpus || seen[id])
				c.ids_ok = false;
			else
				seen[id] = 1;
		}
		p += p[1];
	}
	if (p != end)
		c.other++;	/* a malformed entry */
	free(seen);
	return c;
}

TEST_F(acpi, rsdp_found_by_the_kernel_scan)
{
	const struct acpi_rsdp *r;

	build(_metadata, self->mem, 1);
	r = scan_rsdp(self->mem);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(BOOT_ACPI_ADDR, (const uint8_t *)r - self->mem);
	EXPECT_EQ(2, r->revision);
	EXPECT_EQ(36, r->length);
	EXPECT_NE(0, r->xsdt_addr);
	EXPECT_NE(0, r->rsdt_addr);
}

TEST_F(acpi, rsdp_bad_checksum_not_found)
{
	build(_metadata, self->mem, 1);
	self->mem[BOOT_ACPI_ADDR + 9]++;	/* an OEM ID byte */
	EXPECT_EQ(NULL, scan_rsdp(self->mem));
}

TEST_F(acpi, every_table_checksums)
{
	static const int cpus[] = { 1, 2, 7, 64, 254, 255, 300, ACPI_MAX_CPUS };
	const struct acpi_rsdp *r;
	const struct acpi_header *x, *t;
	const struct acpi_fadt *f;
	size_t i, j;
	uint64_t e;

	for (j = 0; j < sizeof(cpus) / sizeof(cpus[0]); j++) {
		memset(self->mem, 0, MEM_SIZE);
		self->size = build(_metadata, self->mem, cpus[j]);
		EXPECT_LE(BOOT_ACPI_ADDR + self->size, BOOT_ACPI_END);
		r = scan_rsdp(self->mem);
		ASSERT_NE(NULL, r);
		x = table_at(self->mem, r->xsdt_addr);
		ASSERT_NE(NULL, x);
		EXPECT_EQ(0, memcmp(x->signature, "XSDT", 4));
		EXPECT_EQ(0, sum(x, x->length));
		EXPECT_EQ(sizeof(*x) + 2 * 8, x->length);
		for (i = 0; i < (x->length - sizeof(*x)) / 8; i++) {
			memcpy(&e, (const uint8_t *)(x + 1) + i * 8, 8);
			t = table_at(self->mem, e);
			ASSERT_NE(NULL, t);
			EXPECT_EQ(0, e & 7);
			EXPECT_EQ(0, sum(t, t->length))
				TH_LOG("%.4s with %d CPUs", t->signature, cpus[j]);
		}
		f = (const void *)find(self->mem, "FACP");
		ASSERT_NE(NULL, f);
		t = table_at(self->mem, f->x_dsdt);
		ASSERT_NE(NULL, t);
		EXPECT_EQ(0, memcmp(t->signature, "DSDT", 4));
		EXPECT_EQ(0, sum(t, t->length));
	}
}

TEST_F(acpi, rsdt_matches_xsdt)
{
	const struct acpi_rsdp *r;
	const struct acpi_header *rsdt, *xsdt;
	uint32_t e32;
	uint64_t e64;
	size_t i;

	build(_metadata, self->mem, 4);
	r = scan_rsdp(self->mem);
	ASSERT_NE(NULL, r);
	rsdt = table_at(self->mem, r->rsdt_addr);
	xsdt = table_at(self->mem, r->xsdt_addr);
	ASSERT_NE(NULL, rsdt);
	ASSERT_NE(NULL, xsdt);
	EXPECT_EQ(0, memcmp(rsdt->signature, "RSDT", 4));
	EXPECT_EQ(0, sum(rsdt, rsdt->length));
	ASSERT_EQ((rsdt->length - 36) / 4, (xsdt->length - 36) / 8);
	for (i = 0; i < (rsdt->length - 36) / 4; i++) {
		memcpy(&e32, (const uint8_t *)(rsdt + 1) + i * 4, 4);
		memcpy(&e64, (const uint8_t *)(xsdt + 1) + i * 8, 8);
		EXPECT_EQ(e64, e32);
	}
}

TEST_F(acpi, madt_counts_1_to_64)
{
	const struct acpi_madt *m;
	struct madt_count c;
	int n;

	for (n = 1; n <= 64; n++) {
		memset(self->mem, 0, MEM_SIZE);
		build(_metadata, self->mem, n);
		m = (const void *)find(self->mem, "APIC");
		ASSERT_NE(NULL, m);
		EXPECT_EQ(0, sum(m, m->h.length));
		c = count_madt(m, n);
		EXPECT_EQ(n, c.lapic) TH_LOG("%d CPUs", n);
		EXPECT_EQ(0, c.x2apic);
		EXPECT_EQ(n, c.enabled);
		EXPECT_TRUE(c.ids_ok);
		EXPECT_EQ(1, c.ioapic);
		EXPECT_EQ(1, c.iso);
		EXPECT_EQ(0, c.other);
		EXPECT_EQ(44 + 8 * n + 12 + 10, m->h.length);
	}
}

TEST_F(acpi, madt_x2apic_past_254)
{
	const struct acpi_madt *m;
	struct madt_count c;

	build(_metadata, self->mem, 300);
	m = (const void *)find(self->mem, "APIC");
	ASSERT_NE(NULL, m);
	c = count_madt(m, 300);
	/* APIC ID 0xff is the xAPIC broadcast: 255 and up are x2APIC entries. */
	EXPECT_EQ(255, c.lapic);
	EXPECT_EQ(45, c.x2apic);
	EXPECT_EQ(300, c.enabled);
	EXPECT_TRUE(c.ids_ok);
	EXPECT_EQ(0, c.other);
}

TEST_F(acpi, madt_ioapic_and_uart_override)
{
	const struct acpi_madt *m;
	const uint8_t *p, *end;
	bool ioapic = false, iso = false;

	build(_metadata, self->mem, 2);
	m = (const void *)find(self->mem, "APIC");
	ASSERT_NE(NULL, m);
	EXPECT_EQ(LAPIC_ADDR, m->lapic_addr);
	EXPECT_EQ(0, m->flags & 1);	/* no 8259s */
	end = (const uint8_t *)m + m->h.length;
	for (p = (const uint8_t *)(m + 1); p < end; p += p[1]) {
		if (p[0] == ACPI_MADT_IOAPIC) {
			const struct acpi_madt_ioapic *io = (const void *)p;

			EXPECT_EQ(IOAPIC_ADDR, io->address);
			EXPECT_EQ(0, io->gsi_base);
			EXPECT_EQ(12, io->length);
			ioapic = true;
		}
		if (p[0] == ACPI_MADT_ISO) {
			const struct acpi_madt_iso *o = (const void *)p;

			EXPECT_EQ(0, o->bus);
			EXPECT_EQ(4, o->source);
			EXPECT_EQ(4, o->gsi);
			EXPECT_EQ(ACPI_MPS_ACTIVE_HIGH | ACPI_MPS_EDGE, o->flags);
			EXPECT_EQ(10, o->length);
			iso = true;
		}
	}
	EXPECT_TRUE(ioapic);
	EXPECT_TRUE(iso);
}

TEST_F(acpi, fadt_hardware_reduced)
{
	const struct acpi_fadt *f;

	build(_metadata, self->mem, 1);
	f = (const void *)find(self->mem, "FACP");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(276, f->h.length);
	EXPECT_EQ(6, f->h.revision);
	EXPECT_TRUE(f->flags & ACPI_FADT_HW_REDUCED);
	EXPECT_TRUE(f->flags & ACPI_FADT_RESET_REG_SUP);
	EXPECT_EQ(f->dsdt, f->x_dsdt);
	EXPECT_EQ(0, f->facs);
	EXPECT_EQ(0, f->x_facs);
	EXPECT_EQ(0, f->sci_int);
	EXPECT_EQ(0, f->pm_tmr_blk);
	EXPECT_EQ(0, f->pm1a_cnt_blk);
	EXPECT_EQ(ACPI_GAS_IO, f->sleep_control.space_id);
	EXPECT_EQ(ACPI_SLEEP_CTL_PORT, f->sleep_control.address);
	EXPECT_EQ(8, f->sleep_control.bit_width);
	EXPECT_EQ(ACPI_GAS_IO, f->sleep_status.space_id);
	EXPECT_EQ(ACPI_SLEEP_STS_PORT, f->sleep_status.address);
	EXPECT_EQ(ACPI_GAS_IO, f->reset_reg.space_id);
	EXPECT_EQ(ACPI_RESET_PORT, f->reset_reg.address);
	EXPECT_EQ(ACPI_RESET_VALUE, f->reset_value);
	EXPECT_TRUE(f->iapc_boot_arch & ACPI_IAPC_NO_CMOS_RTC);
}

/* The DSDT's AML, through the FADT's X_DSDT; NULL if it is not there. */
static const uint8_t *dsdt_aml(const uint8_t *mem, size_t *len)
{
	const struct acpi_fadt *f = (const void *)find(mem, "FACP");
	const struct acpi_header *d = f ? table_at(mem, f->x_dsdt) : NULL;

	if (!d)
		return NULL;
	*len = d->length - sizeof(*d);
	return (const uint8_t *)(d + 1);
}

TEST_F(acpi, dsdt_has_s5)
{
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	const uint8_t *aml;
	size_t len;

	build(_metadata, self->mem, 1);
	aml = dsdt_aml(self->mem, &len);
	ASSERT_NE(NULL, aml);
	ASSERT_GE(len, sizeof(s5) + 5);
	ASSERT_EQ(0, memcmp(aml, s5, sizeof(s5)));
	/* PkgLength 5, 2 elements, BytePrefix SLP_TYP, then 0. */
	EXPECT_EQ(5, aml[6]);
	EXPECT_EQ(2, aml[7]);
	EXPECT_EQ(0x0a, aml[8]);
	EXPECT_EQ(ACPI_SLP_TYP_S5, aml[9]);
	EXPECT_EQ(0, aml[10]);
	/* What the guest writes to power off fits SLP_TYP's 3 bits. */
	EXPECT_EQ(0x34, (ACPI_SLP_TYP_S5 << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN);
}

/*
 * COM1 is a PNP0501 device in \_SB with I/O 0x3f8-0x3ff and IRQ 4, and
 * the scope's and the device's PkgLengths reach exactly to the table's end.
 */
TEST_F(acpi, dsdt_describes_com1)
{
	static const uint8_t scope[] = { 0x10, 0, '\\', '_', 'S', 'B', '_', 0x5b, 0x82 };
	static const uint8_t hid[] = { '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01 };
	static const uint8_t io[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08 };
	static const uint8_t irq4[] = { 0x22, 0x10, 0x00, 0x79, 0x00 };
	const uint8_t *aml;
	size_t len, at = 11;	/* after Name (_S5, ...) */

	build(_metadata, self->mem, 1);
	aml = dsdt_aml(self->mem, &len);
	ASSERT_NE(NULL, aml);
	ASSERT_GT(len, at + sizeof(scope) + 1);
	EXPECT_EQ(0, memcmp(aml + at, scope, 1));
	EXPECT_EQ(0, memcmp(aml + at + 2, scope + 2, sizeof(scope) - 2));
	EXPECT_EQ(len - (at + 1), aml[at + 1]) TH_LOG("Scope's PkgLength");
	EXPECT_EQ(len - (at + 9), aml[at + 9]) TH_LOG("Device's PkgLength");
	EXPECT_EQ(0, memcmp(aml + at + 10, "COM1", 4));
	EXPECT_NE(NULL, memmem(aml, len, hid, sizeof(hid)));
	EXPECT_NE(NULL, memmem(aml, len, io, sizeof(io)));
	/* IRQ 4 is the last resource, then the end tag ends the table. */
	EXPECT_EQ(0, memcmp(aml + len - sizeof(irq4), irq4, sizeof(irq4)));
}

TEST_F(acpi, bad_cpu_counts)
{
	EXPECT_EQ(-1, acpi_build(self->mem, BOOT_ACPI_ADDR, 0x20000, 0, self->err,
				 sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "0 CPUs"));
	EXPECT_EQ(-1, acpi_build(self->mem, BOOT_ACPI_ADDR, 0x20000, ACPI_MAX_CPUS + 1,
				 self->err, sizeof(self->err)));
	EXPECT_EQ(-1, acpi_build(self->mem, BOOT_ACPI_ADDR, 0x20000, -3, self->err,
				 sizeof(self->err)));
}

TEST_F(acpi, no_room)
{
	EXPECT_EQ(-1, acpi_build(self->mem, BOOT_ACPI_ADDR, 0x100, 1, self->err,
				 sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "no room"));
	EXPECT_EQ(-1, acpi_build(self->mem, BOOT_ACPI_ADDR + 8, 0x10000, 1, self->err,
				 sizeof(self->err)));
}

TEST_F(acpi, checksum_helper)
{
	uint8_t b[5] = { 1, 2, 3, 0, 250 };

	b[3] = acpi_checksum(b, sizeof(b));
	EXPECT_EQ(0, sum(b, sizeof(b)));
}


/*
 * virtio-mmio devices: after COM1's scope, one more Scope (\_SB) whose
 * two-byte PkgLength reaches exactly to the table's end, holding a
 * LNRO0005 device per window with its _UID, its Memory32Fixed window and
 * its one level-triggered, active-high, exclusive interrupt.
 */
TEST_F(acpi, dsdt_describes_virtio_mmio)
{
	static const struct acpi_virtio_mmio dev[] = {
		{ 0xd0000000, 0x1000, 16 }, { 0xd0001000, 0x1000, 17 }, { 0xd0007000, 0x200, 23 },
	};
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
				       'L', 'N', 'R', 'O', '0', '0', '0', '5', 0 };
	const uint8_t *aml, *p, *end;
	size_t len, com1_end;
	uint32_t scope_len, v;
	unsigned int i;
	char err[256] = "", name[5];

	/* Without devices the DSDT is as before: COM1's scope ends it. */
	build(_metadata, self->mem, 1);
	aml = dsdt_aml(self->mem, &len);
	ASSERT_NE(NULL, aml);
	com1_end = len;

	memset(self->mem, 0, MEM_SIZE);
	ASSERT_GT(acpi_build_devices(self->mem, BOOT_ACPI_ADDR, BOOT_ACPI_END - BOOT_ACPI_ADDR,
				     2, dev, 3, err, sizeof(err)), 0) TH_LOG("%s", err);
	aml = dsdt_aml(self->mem, &len);
	ASSERT_NE(NULL, aml);
	EXPECT_EQ(0, sum(aml - sizeof(struct acpi_header), len + sizeof(struct acpi_header)));
	p = aml + com1_end;
	end = aml + len;
	ASSERT_EQ(0x10, p[0]);				/* ScopeOp */
	ASSERT_EQ(0x40, p[1] & 0xc0);			/* two-byte PkgLength */
	scope_len = (p[1] & 0x0f) | p[2] << 4;
	EXPECT_EQ(end - (p + 1), scope_len);
	EXPECT_EQ(0, memcmp(p + 3, "\\_SB_", 5));
	p += 8;
	for (i = 0; i < 3; i++) {
		ASSERT_LT(p + 3, end);
		ASSERT_EQ(0x5b, p[0]);
		ASSERT_EQ(0x82, p[1]);
		ASSERT_LT(p[2], 0x40);			/* one-byte PkgLength */
		ASSERT_LE(p + 2 + p[2], end);
		snprintf(name, sizeof(name), "VR%02X", i);
		EXPECT_EQ(0, memcmp(p + 3, name, 4));
		EXPECT_EQ(0, memcmp(p + 7, hid, sizeof(hid)));
		EXPECT_EQ(0, memcmp(p + 22, "\x08_UID\x0a", 6));
		EXPECT_EQ(i, p[28]);
		EXPECT_EQ(0, memcmp(p + 29, "\x08_CRS\x11", 6));
		/* Memory32Fixed, read-write, base, length */
		EXPECT_EQ(0, memcmp(p + 38, "\x86\x09\x00\x01", 4));
		memcpy(&v, p + 42, 4);
		EXPECT_EQ(dev[i].base, v);
		memcpy(&v, p + 46, 4);
		EXPECT_EQ(dev[i].size, v);
		/* Extended Interrupt: consumer, level, active high, exclusive; 1 pin */
		EXPECT_EQ(0, memcmp(p + 50, "\x89\x06\x00\x01\x01", 5));
		memcpy(&v, p + 55, 4);
		EXPECT_EQ(dev[i].gsi, v);
		EXPECT_EQ(0, memcmp(p + 59, "\x79\x00", 2));
		/* The device's PkgLength reaches to its end tag. */
		EXPECT_EQ(p + 61, p + 2 + p[2]);
		p += 2 + p[2];
	}
	EXPECT_EQ(end, p);
}

TEST_F(acpi, too_many_virtio_devices_refused)
{
	struct acpi_virtio_mmio dev[ACPI_MAX_VIRTIO_MMIO + 1] = {};
	char err[256] = "";

	EXPECT_EQ(-1, acpi_build_devices(self->mem, BOOT_ACPI_ADDR,
					 BOOT_ACPI_END - BOOT_ACPI_ADDR, 1, dev,
					 ACPI_MAX_VIRTIO_MMIO + 1, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "virtio-mmio"));
	/* The most there may be, with the most CPUs, fits. */
	EXPECT_GT(acpi_build_devices(self->mem, BOOT_ACPI_ADDR, BOOT_ACPI_END - BOOT_ACPI_ADDR,
				     ACPI_MAX_CPUS, dev, ACPI_MAX_VIRTIO_MMIO, err, sizeof(err)), 0)
		TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
