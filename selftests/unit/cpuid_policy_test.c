// SPDX-License-Identifier: GPL-2.0
/*
 * The guest CPU model (kmod/cpuid_policy.c) against real CPUs: this
 * machine's own, read with the cpuid instruction now, and the leaf sets
 * recorded in selftests/unit/cpuid/ (each names its source).  For each,
 * as each vendor's backend and with and without XSAVE:
 *  - nothing a guest must not see gets through (MCE/MCA, MTRRs, the
 *    speculation controls, the PMU, VMX/SVM, ...), and no bit the host
 *    lacks appears, but for the few the module emulates;
 *  - every bit that gets through has each MSR it implies backed;
 *  - what is safe gets through (the test must see the bits it guards).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "cpuid_policy.h"
#include "recorded_cpu.h"

#define EAX 0
#define EBX 1
#define ECX 2
#define EDX 3

/* A bit the guest must never see, with why. */
struct denied {
	u32 fn, index;
	u8 reg, bit;
	const char *name;
};

static const struct denied denied[] = {
	{ 1, 0, ECX, 3, "MONITOR" },
	{ 1, 0, ECX, 5, "VMX" },
	{ 1, 0, ECX, 6, "SMX" },
	{ 1, 0, ECX, 15, "PDCM" },
	{ 1, 0, EDX, 7, "MCE" },
	{ 1, 0, EDX, 12, "MTRR" },
	{ 1, 0, EDX, 14, "MCA" },
	{ 1, 0, EDX, 21, "DS" },
	{ 1, 0, EDX, 22, "ACPI thermal" },
	{ 7, 0, EBX, 1, "TSC_ADJUST" },
	{ 7, 0, EBX, 2, "SGX" },
	{ 7, 0, EBX, 4, "HLE" },
	{ 7, 0, EBX, 11, "RTM" },
	{ 7, 0, EBX, 12, "RDT-M" },
	{ 7, 0, EBX, 15, "RDT-A" },
	{ 7, 0, EBX, 25, "PT" },
	{ 7, 0, ECX, 4, "OSPKE (the guest's CR4.PKE, set by the module)" },
	{ 7, 0, ECX, 5, "WAITPKG" },
	{ 7, 0, ECX, 7, "CET_SS" },
	{ 7, 0, ECX, 31, "PKS" },
	{ 7, 0, EDX, 19, "ARCH_LBR" },
	{ 7, 0, EDX, 20, "IBT" },
	{ 7, 0, EDX, 24, "AMX-TILE" },
	{ 7, 0, EDX, 30, "CORE_CAPABILITIES" },
	{ 0xd, 0, EAX, 17, "AMX TILECFG state" },
	{ 0xd, 0, EAX, 18, "AMX TILEDATA state" },
	{ 0xd, 1, EAX, 3, "XSAVES" },
	{ 0x80000001, 0, ECX, 2, "SVM" },
	{ 0x80000001, 0, ECX, 9, "OSVW" },
	{ 0x80000001, 0, ECX, 10, "IBS" },
	{ 0x80000001, 0, ECX, 22, "TOPOEXT" },
	{ 0x80000001, 0, ECX, 23, "PERFCTR_CORE" },
	{ 0x80000001, 0, EDX, 7, "MCE (AMD)" },
	{ 0x80000001, 0, EDX, 12, "MTRR (AMD)" },
	{ 0x80000001, 0, EDX, 14, "MCA (AMD)" },
	{ 0x80000001, 0, EDX, 25, "FFXSR" },
	{ 0x80000008, 0, EBX, 25, "VIRT_SSBD" },
	{ 0x80000008, 0, EBX, 28, "PSFD (SPEC_CTRL bit 7)" },
	{ 0x80000021, 0, EAX, 8, "AutoIBRS (EFER)" },
	{ 0x80000021, 0, EAX, 27, "SBPB (PRED_CMD bit 7)" },
};

/*
 * The speculation controls: each reaches a guest only where the module
 * backs what it needs on the host (tv_cpuid_host.spec), and then only if
 * the host has it.
 */
static const struct {
	u32 fn;
	u8 reg, bit;
	u32 needs;		/* TV_CPUID_SPEC_*: all of them */
	const char *name;
} spec_bits[] = {
	{ 7, EDX, 26, TV_CPUID_SPEC_CTRL | TV_CPUID_SPEC_IBPB, "IBRS/IBPB" },
	{ 7, EDX, 27, TV_CPUID_SPEC_CTRL, "STIBP" },
	{ 7, EDX, 28, TV_CPUID_SPEC_FLUSH_L1D, "L1D_FLUSH" },
	{ 7, EDX, 29, TV_CPUID_SPEC_ARCH_CAPS, "ARCH_CAPABILITIES" },
	{ 7, EDX, 31, TV_CPUID_SPEC_CTRL, "SSBD" },
	{ 0x80000008, EBX, 12, TV_CPUID_SPEC_IBPB, "AMD IBPB" },
	{ 0x80000008, EBX, 14, TV_CPUID_SPEC_CTRL, "AMD IBRS" },
	{ 0x80000008, EBX, 15, TV_CPUID_SPEC_CTRL, "AMD STIBP" },
	{ 0x80000008, EBX, 17, TV_CPUID_SPEC_CTRL, "AMD STIBP always on" },
	{ 0x80000008, EBX, 24, TV_CPUID_SPEC_CTRL, "AMD SSBD" },
	{ 0x80000008, EBX, 30, TV_CPUID_SPEC_IBPB, "AMD IBPB_RET" },
	{ 0x80000021, EAX, 28, TV_CPUID_SPEC_IBPB, "IBPB_BRTYPE" },
};

#define SPEC_ALL	(TV_CPUID_SPEC_CTRL | TV_CPUID_SPEC_IBPB | \
			 TV_CPUID_SPEC_FLUSH_L1D | TV_CPUID_SPEC_ARCH_CAPS)

/* Whether the host's own leaf has the bit. */
static bool host_has(struct cpu *c, u32 fn, int reg, int bit)
{
	u32 raw[4];

	cpu_raw(c, fn, 0, raw);
	return raw[reg] >> bit & 1;
}

/* Leaves that must not be there at all. */
static const u32 denied_leaves[] = {
	0x5, 0x6, 0xa, 0xf, 0x10, 0x12, 0x14, 0x1d, 0x1e,
	0x8000000a, 0x8000001b, 0x8000001d, 0x8000001e, 0x8000001f, 0x80000020,
	0x80000022, 0x80000026,
};

/* Bits the module provides whatever the host has. */
static bool emulated(u32 fn, u32 index, int reg, int bit)
{
	if (fn == 1 && reg == ECX)
		return bit == 21 || bit == 24 || bit == 31;
	if (fn == 1 && reg == EDX)
		return bit == 9;
	return false;
}

/* Registers that hold feature flags (the rest are sizes, counts, names). */
static bool flag_register(u32 fn, u32 index, int reg)
{
	switch (fn) {
	case 1:
		return reg == ECX || reg == EDX;
	case 7:
		return index == 0 ? reg != EAX : reg == EAX;
	case 0xd:
		return reg == EAX || reg == EDX;
	case 0x80000001:
		return reg == ECX || reg == EDX;
	case 0x80000007:
	case 0x80000021:
		return true;
	case 0x80000008:
		return reg == EBX;
	default:
		return false;
	}
}

/* Whether the host the policy runs for switches PKRU (its OSPKE). */
static bool pkru_switched = true;

static const struct tv_cpuid_entry *find(const struct tv_cpuid_entry *e, int n,
					 u32 fn, u32 index)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].function == fn &&
		    (!(e[i].flags & TV_CPUID_FLAG_INDEXED) || e[i].index == index))
			return &e[i];
	return NULL;
}

static u32 reg_of(const struct tv_cpuid_entry *e, int reg)
{
	const u32 r[4] = { e->eax, e->ebx, e->ecx, e->edx };

	return r[reg];
}

static bool has(const struct tv_cpuid_entry *e, int n, u32 fn, u32 index,
		int reg, int bit)
{
	const struct tv_cpuid_entry *x = find(e, n, fn, index);

	return x && (reg_of(x, reg) >> bit & 1);
}

/*
 * The checks every CPU, vendor, XCR0 and set of backed speculation
 * controls go through; returns the table size.
 */
static int check_policy_spec(struct __test_metadata *_metadata, struct cpu *c,
			     u32 vendor, u64 xcr0, u32 spec,
			     struct tv_cpuid_entry *e)
{
	struct tv_cpuid_host host = { .vendor = vendor, .xcr0 = xcr0, .spec = spec,
				      .pkru = pkru_switched };
	u32 needed, raw[4];
	unsigned int i;
	int n, k, bit;

	n = tv_cpuid_supported(&host, cpu_raw, c, e, 256, &needed);
	ASSERT_GT(n, 0) TH_LOG("%s: %d", c->name, n);
	EXPECT_EQ(needed, n);

	/* Braces: an EXPECT with its TH_LOG is more than one statement. */
	for (i = 0; i < ARRAY_SIZE(denied); i++) {
		EXPECT_FALSE(has(e, n, denied[i].fn, denied[i].index, denied[i].reg,
				 denied[i].bit))
			TH_LOG("%s: %s reaches the guest", c->name, denied[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(spec_bits); i++) {
		if (spec & spec_bits[i].needs)
			continue;
		EXPECT_FALSE(has(e, n, spec_bits[i].fn, 0, spec_bits[i].reg,
				 spec_bits[i].bit))
			TH_LOG("%s: %s reaches the guest, its MSR not backed",
			       c->name, spec_bits[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(denied_leaves); i++) {
		EXPECT_EQ(NULL, find(e, n, denied_leaves[i], 0))
			TH_LOG("%s: leaf %#x reaches the guest", c->name, denied_leaves[i]);
	}

	for (k = 0; k < n; k++) {
		const struct tv_cpuid_entry *x = &e[k];
		int reg;

		/* Indexed leaves come with their flag, others without. */
		EXPECT_EQ(tv_cpuid_indexed(x->function),
			  !!(x->flags & TV_CPUID_FLAG_INDEXED));
		cpu_raw(c, x->function, x->index, raw);
		for (reg = 0; reg < 4; reg++) {
			u32 extra;

			if (!flag_register(x->function, x->index, reg))
				continue;
			extra = reg_of(x, reg) & ~raw[reg];
			for (bit = 0; bit < 32; bit++) {
				if (!(extra >> bit & 1))
					continue;
				EXPECT_TRUE(emulated(x->function, x->index, reg, bit))
					TH_LOG("%s: leaf %#x.%u reg %d bit %d is not the host's",
					       c->name, x->function, x->index, reg, bit);
			}
		}
	}

	/* Every MSR a bit in the table implies is backed. */
	for (i = 0; i < tv_cpuid_nr_msr_deps; i++) {
		const struct tv_cpuid_msr_dep *d = &tv_cpuid_msr_deps[i];

		if (!has(e, n, d->function, d->index, d->reg, d->bit))
			continue;
		EXPECT_TRUE(tv_msr_backed(d->msr))
			TH_LOG("%s: %s (MSR %#x) is not backed", c->name, d->name, d->msr);
	}

	/* RDPID only where TSC_AUX is the guest's around it: VMX. */
	if (vendor != TV_VENDOR_INTEL_VMX)
		EXPECT_FALSE(has(e, n, 7, 0, ECX, 22));
	/* LA57 only under SVM, where five-level guests have run, and only
	 * where the host has it.
	 */
	cpu_raw(c, 7, 0, raw);
	if (vendor != TV_VENDOR_AMD_SVM || !(raw[ECX] >> 16 & 1))
		EXPECT_FALSE(has(e, n, 7, 0, ECX, 16));
	/* No XSAVE state, no XSAVE and nothing that needs it. */
	if (!(xcr0 & 4)) {
		EXPECT_FALSE(has(e, n, 1, 0, ECX, 28));	/* AVX */
		EXPECT_FALSE(has(e, n, 7, 0, EBX, 5));	/* AVX2 */
		EXPECT_FALSE(has(e, n, 7, 0, EBX, 16));	/* AVX512F */
	}
	if (!xcr0) {
		EXPECT_FALSE(has(e, n, 1, 0, ECX, 26));	/* XSAVE */
		EXPECT_EQ(NULL, find(e, n, 0xd, 0));
	}
	/*
	 * PKU where the host has it and the module switches PKRU, and with
	 * XSAVE only with its PKRU state.
	 */
	cpu_raw(c, 7, 0, raw);
	EXPECT_EQ((raw[ECX] >> 3 & 1) && pkru_switched && (!xcr0 || (xcr0 & 0x200)),
		  has(e, n, 7, 0, ECX, 3))
		TH_LOG("%s: PKU", c->name);
	EXPECT_EQ(!!(xcr0 & 0x200), has(e, n, 0xd, 0, EAX, 9))
		TH_LOG("%s: the PKRU state", c->name);
	/* What a 64-bit guest needs is always there. */
	EXPECT_TRUE(has(e, n, 0x80000001, 0, EDX, 29));	/* LM */
	EXPECT_TRUE(has(e, n, 1, 0, EDX, 26));		/* SSE2 */
	EXPECT_TRUE(has(e, n, 1, 0, ECX, 21));		/* x2APIC */
	return n;
}

static int check_policy(struct __test_metadata *_metadata, struct cpu *c,
			u32 vendor, u64 xcr0, struct tv_cpuid_entry *e)
{
	return check_policy_spec(_metadata, c, vendor, xcr0, 0, e);
}

/*
 * A host whose kernel has every speculation control: the guest gets each
 * one the CPU has, nothing the CPU lacks (check_policy_spec), and with a
 * control missing on the host, none of the bits that need it.
 */
static void check_spec(struct __test_metadata *_metadata, struct cpu *c,
		       u32 vendor)
{
	static struct tv_cpuid_entry e[256];
	unsigned int i;
	u32 without;
	int n;

	n = check_policy_spec(_metadata, c, vendor, c->xcr0, SPEC_ALL, e);
	for (i = 0; i < ARRAY_SIZE(spec_bits); i++) {
		EXPECT_EQ(host_has(c, spec_bits[i].fn, spec_bits[i].reg, spec_bits[i].bit),
			  has(e, n, spec_bits[i].fn, 0, spec_bits[i].reg, spec_bits[i].bit))
			TH_LOG("%s: %s", c->name, spec_bits[i].name);
	}
	for (without = 1; without & SPEC_ALL; without <<= 1)
		check_policy_spec(_metadata, c, vendor, c->xcr0, SPEC_ALL & ~without, e);
}

/*
 * Each recorded CPU as each backend, with its XSAVE state and without,
 * with the speculation controls backed and not.
 */
static void check_cpu(struct __test_metadata *_metadata, struct cpu *c)
{
	static struct tv_cpuid_entry e[256];
	u32 vendors[] = { TV_VENDOR_AMD_SVM, TV_VENDOR_INTEL_VMX };
	unsigned int v;

	for (v = 0; v < ARRAY_SIZE(vendors); v++) {
		check_policy(_metadata, c, vendors[v], c->xcr0, e);
		check_policy(_metadata, c, vendors[v], 0x3, e);
		check_policy(_metadata, c, vendors[v], 0, e);
		check_spec(_metadata, c, vendors[v]);
	}
}

TEST(this_machines_cpu)
{
	static struct cpu c;
	static struct tv_cpuid_entry e[256];
	u32 raw[4];
	int n;

	cpu_live(&c);
	check_cpu(_metadata, &c);
	/* The build machine is an AMD EPYC that has MCE and MCA: hidden. */
	cpu_raw(&c, 1, 0, raw);
	n = check_policy(_metadata, &c, TV_VENDOR_AMD_SVM, c.xcr0, e);
	if (raw[EDX] & (1U << 7))
		EXPECT_FALSE(has(e, n, 1, 0, EDX, 7));
}

static void check_file(struct __test_metadata *_metadata, const char *file)
{
	static struct cpu c;

	ASSERT_EQ(0, cpu_load(&c, file)) TH_LOG("cannot read %s", file);
	check_cpu(_metadata, &c);
}

TEST(build_machine_recorded)
{
	static struct cpu c;
	static struct tv_cpuid_entry e[256];
	const struct tv_cpuid_entry *x;
	int n;

	check_file(_metadata, "build-machine-amd-turin-virtual.txt");
	ASSERT_EQ(0, cpu_load(&c, "build-machine-amd-turin-virtual.txt"));
	n = check_policy(_metadata, &c, TV_VENDOR_AMD_SVM, c.xcr0, e);
	/* AVX-512 with its XSAVE states (XCR0 0xe7) stays. */
	EXPECT_TRUE(has(e, n, 7, 0, EBX, 16));
	x = find(e, n, 0xd, 0);
	ASSERT_NE(NULL, x);
	EXPECT_EQ(0xe7, x->eax);
	EXPECT_EQ(0x980, x->ecx);	/* Hi16_ZMM ends at 0x580 + 0x400 */
}

TEST(amd_epyc_9124_genoa)
{
	static struct cpu c;
	static struct tv_cpuid_entry e[256];
	const struct tv_cpuid_entry *x;
	int n;

	check_file(_metadata, "amd-epyc-9124-genoa.txt");
	ASSERT_EQ(0, cpu_load(&c, "amd-epyc-9124-genoa.txt"));
	n = check_policy(_metadata, &c, TV_VENDOR_AMD_SVM, c.xcr0, e);
	/*
	 * Genoa has PKU (XCR0 bit 9): PKU and its state, 8 bytes at 0x980
	 * after the AVX-512 states.
	 */
	x = find(e, n, 0xd, 0);
	ASSERT_NE(NULL, x);
	EXPECT_EQ(0x2e7, x->eax);
	EXPECT_EQ(0x988, x->ebx);
	EXPECT_NE(NULL, find(e, n, 0xd, 9));
	EXPECT_TRUE(has(e, n, 7, 0, ECX, 3));		/* PKU */
	EXPECT_FALSE(has(e, n, 7, 0, ECX, 4));		/* OSPKE: the guest's */
	/* The extended leaves stop at the last the policy knows. */
	x = find(e, n, 0x80000000, 0);
	ASSERT_NE(NULL, x);
	EXPECT_EQ(0x80000021, x->eax);
	EXPECT_TRUE(has(e, n, 7, 0, EBX, 16));		/* AVX512F */
	EXPECT_TRUE(has(e, n, 0x80000001, 0, EDX, 27));	/* RDTSCP */
	/* Genoa has AMD's IBPB, IBRS, STIBP and SSBD: offered when backed. */
	EXPECT_FALSE(has(e, n, 0x80000008, 0, EBX, 12));
	check_spec(_metadata, &c, TV_VENDOR_AMD_SVM);
	EXPECT_TRUE(host_has(&c, 0x80000008, EBX, 12));
	EXPECT_TRUE(host_has(&c, 0x80000008, EBX, 24));
}

TEST(intel_xeon_sapphire_rapids)
{
	static struct cpu c;
	static struct tv_cpuid_entry e[256];
	const struct tv_cpuid_entry *x;
	int n;

	check_file(_metadata, "intel-xeon-w7-2475x-sapphire-rapids.txt");
	ASSERT_EQ(0, cpu_load(&c, "intel-xeon-w7-2475x-sapphire-rapids.txt"));
	n = check_policy(_metadata, &c, TV_VENDOR_INTEL_VMX, c.xcr0, e);
	/* AMX out, PKRU in: 8 bytes at 0xa80, after the AVX-512 area. */
	x = find(e, n, 0xd, 0);
	ASSERT_NE(NULL, x);
	EXPECT_EQ(0x2e7, x->eax);
	EXPECT_EQ(0xa88, x->ebx);
	EXPECT_EQ(0xa88, x->ecx);
	EXPECT_TRUE(has(e, n, 7, 0, ECX, 3));		/* PKU */
	x = find(e, n, 0xd, 1);
	ASSERT_NE(NULL, x);
	EXPECT_EQ(0x7, x->eax);		/* XSAVEOPT, XSAVEC, XGETBV1: no XSAVES */
	EXPECT_EQ(0, x->ecx);
	EXPECT_TRUE(has(e, n, 7, 0, ECX, 22));		/* RDPID on VMX */
	EXPECT_TRUE(has(e, n, 7, 1, EAX, 5));		/* AVX512_BF16 */
	x = find(e, n, 7, 0);
	ASSERT_NE(NULL, x);
	EXPECT_EQ(1, x->eax);		/* subleaf 2 is not offered */
	EXPECT_EQ(NULL, find(e, n, 7, 2));
	/* Its SPEC_CTRL, IBPB, L1D_FLUSH, ARCH_CAPABILITIES: when backed. */
	EXPECT_FALSE(has(e, n, 7, 0, EDX, 29));
	check_spec(_metadata, &c, TV_VENDOR_INTEL_VMX);
	EXPECT_TRUE(host_has(&c, 7, EDX, 26));
	EXPECT_TRUE(host_has(&c, 7, EDX, 29));
}

/*
 * A host kernel without OSPKE (nopku): the module would not switch PKRU,
 * so neither PKU nor the PKRU state (the module takes it out of the XCR0
 * it gives the policy: cpuid.c) reaches a guest.
 */
TEST(no_pku_where_pkru_is_not_switched)
{
	static struct cpu c;
	static struct tv_cpuid_entry e[256];
	int n;

	ASSERT_EQ(0, cpu_load(&c, "intel-xeon-w7-2475x-sapphire-rapids.txt"));
	pkru_switched = false;
	n = check_policy(_metadata, &c, TV_VENDOR_INTEL_VMX, c.xcr0 & ~0x200ULL, e);
	EXPECT_FALSE(has(e, n, 7, 0, ECX, 3));
	n = check_policy(_metadata, &c, TV_VENDOR_INTEL_VMX, 0, e);
	EXPECT_FALSE(has(e, n, 7, 0, ECX, 3));
	pkru_switched = true;
	/* Without XSAVE but with OSPKE (the VMX machine's kernel): PKU. */
	n = check_policy(_metadata, &c, TV_VENDOR_INTEL_VMX, 0, e);
	EXPECT_TRUE(has(e, n, 7, 0, ECX, 3));
}

TEST(too_small_a_table)
{
	static struct cpu c;
	static struct tv_cpuid_entry e[256];
	struct tv_cpuid_host host = { .vendor = TV_VENDOR_AMD_SVM };
	u32 needed = 0;
	int n;

	ASSERT_EQ(0, cpu_load(&c, "amd-epyc-9124-genoa.txt"));
	host.xcr0 = c.xcr0;
	n = tv_cpuid_supported(&host, cpu_raw, &c, e, 256, &needed);
	ASSERT_GT(n, 3);
	EXPECT_EQ(-E2BIG, tv_cpuid_supported(&host, cpu_raw, &c, e, n - 1, &needed));
	EXPECT_EQ(n, needed);
	EXPECT_EQ(-E2BIG, tv_cpuid_supported(&host, cpu_raw, &c, e, 0, &needed));
	EXPECT_EQ(n, needed);
}

TEST_HARNESS_MAIN
