// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's CPUID topology (kmod/cpuid_topology.c, and thinrun's
 * cpuid_set_topology() over the module's supported table): for 1 to 64
 * vCPUs, on the recorded Intel and AMD server CPUs (selftests/unit/cpuid/,
 * whose own topology has SMT and dozens of cores) and this machine's, each
 * leaf says what the MADT says, one package of N cores, a thread each,
 * vCPU i with APIC ID i; decoded as Linux decodes it, vCPU i is core i of
 * package 0.  TV_SET_CPUID's check takes every such table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "cpuid_policy.h"
#include "cpuid_topology.h"
#include "recorded_cpu.h"
#include "../../userspace/guest_cpuid.h"

#define ROOM		256
enum { EAX, EBX, ECX, EDX };

static const struct tv_cpuid_entry *find(const struct tv_cpuid *t, u32 fn, u32 index)
{
	u32 i;

	for (i = 0; i < t->nent; i++)
		if (t->entries[i].function == fn &&
		    (!(t->entries[i].flags & TV_CPUID_FLAG_INDEXED) ||
		     t->entries[i].index == index))
			return &t->entries[i];
	return NULL;
}

static u32 order(u32 n)
{
	u32 s = 0;

	while ((1U << s) < n)
		s++;
	return s;
}

/*
 * Linux's detect_extended_topology(): the SMT and core shifts of leaf
 * 0xB or 0x1F, and what vCPU i (x2APIC ID i) is then.
 */
static void check_ext_leaf(struct __test_metadata *_metadata, const char *name,
			   const struct tv_cpuid *t, u32 fn, u32 n)
{
	const struct tv_cpuid_entry *e0 = find(t, fn, 0), *e1 = find(t, fn, 1);
	const struct tv_cpuid_entry *e2 = find(t, fn, 2);
	u32 smt_shift, core_shift, i;

	if (!e0)
		return;
	ASSERT_TRUE(e1 && e2) TH_LOG("%s: leaf %#x without its core level", name, fn);
	EXPECT_EQ(1, e0->ecx >> 8 & 0xff) TH_LOG("%s: %#x.0 is not the SMT level", name, fn);
	EXPECT_EQ(1, e0->ebx & 0xffff) TH_LOG("%s: %#x: threads per core", name, fn);
	EXPECT_EQ(2, e1->ecx >> 8 & 0xff) TH_LOG("%s: %#x.1 is not the core level", name, fn);
	EXPECT_EQ(n, e1->ebx & 0xffff) TH_LOG("%s: %#x: logical CPUs in the package", name, fn);
	EXPECT_EQ(1, e1->ecx & 0xff);
	EXPECT_EQ(0, e2->ecx >> 8 & 0xff) TH_LOG("%s: %#x.2 is not the end", name, fn);
	EXPECT_EQ(2, e2->ecx & 0xff);
	/* The x2APIC ID is the module's, per vCPU: 0 in the table. */
	EXPECT_EQ(0, e0->edx | e1->edx | e2->edx);
	smt_shift = e0->eax & 0x1f;
	core_shift = e1->eax & 0x1f;
	EXPECT_EQ(0, smt_shift);
	EXPECT_GE(core_shift, order(n));
	for (i = 0; i < n; i++) {
		u32 core = (i >> smt_shift) & ((1U << (core_shift - smt_shift)) - 1);

		EXPECT_EQ(i, core) TH_LOG("%s: vCPU %u's core", name, i);
		EXPECT_EQ(0, i >> core_shift) TH_LOG("%s: vCPU %u's package", name, i);
	}
}

/* Every leaf of the table t (of N vCPUs) against the VM's topology. */
static void check_topology(struct __test_metadata *_metadata, const char *name,
			   const struct tv_cpuid *t, bool amd, u32 n)
{
	const struct tv_cpuid_entry *e;
	u32 i, index;

	e = find(t, 1, 0);
	ASSERT_NE(NULL, e);
	/* Leaf 1: the package addresses the next power of two; HTT past one. */
	EXPECT_EQ(1U << order(n), e->ebx >> 16 & 0xff) TH_LOG("%s: leaf 1 count", name);
	EXPECT_EQ(n > 1, e->edx >> 28 & 1) TH_LOG("%s: HTT", name);
	EXPECT_EQ(0, e->ebx >> 24) TH_LOG("%s: the initial APIC ID is per vCPU", name);

	/* Leaf 4 (Intel): cores in the package, the vCPUs sharing each cache. */
	for (index = 0; (e = find(t, 4, index)) && (e->eax & 0x1f); index++) {
		u32 sharing = (e->eax >> 14 & 0xfff) + 1;
		u32 level = e->eax >> 5 & 7;

		EXPECT_EQ(1U << order(n), (e->eax >> 26) + 1) TH_LOG("%s: leaf 4 cores", name);
		if (level >= 3) {
			for (i = 0; i < n; i++)
				EXPECT_EQ(0, i >> order(sharing))
					TH_LOG("%s: L%u not shared by vCPU %u", name, level, i);
		} else {
			EXPECT_EQ(1, sharing) TH_LOG("%s: L%u shared by %u", name, level, sharing);
		}
	}

	check_ext_leaf(_metadata, name, t, 0xb, n);
	check_ext_leaf(_metadata, name, t, 0x1f, n);

	/* AMD: Linux's early_init_amd_mc() and amd_detect_cmp(). */
	e = find(t, 0x80000008, 0);
	if (amd && e) {
		u32 bits = e->ecx >> 12 & 0xf;

		EXPECT_EQ(n, (e->ecx & 0xff) + 1) TH_LOG("%s: 0x80000008 NC", name);
		if (!bits)
			bits = order(n);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(i, i & ((1U << bits) - 1)) TH_LOG("%s: vCPU %u's core", name, i);
			EXPECT_EQ(0, i >> bits) TH_LOG("%s: vCPU %u's package", name, i);
		}
		e = find(t, 0x80000001, 0);
		ASSERT_NE(NULL, e);
		EXPECT_EQ(n > 1, e->ecx >> 1 & 1) TH_LOG("%s: CMP_LEGACY", name);
	} else if (e) {
		EXPECT_EQ(0, e->ecx) TH_LOG("%s: 0x80000008 ECX is AMD's", name);
	}
	/* TOPOEXT and its leaves stay hidden: they would be the host's. */
	EXPECT_EQ(NULL, find(t, 0x8000001e, 0));
	EXPECT_EQ(NULL, find(t, 0x8000001d, 0));
}

/*
 * The supported table of cpu c as the module makes it (one vCPU), then
 * thinrun's for 1 to 64 vCPUs: each as the VM's, and TV_SET_CPUID takes it.
 */
static void check_cpu(struct __test_metadata *_metadata, struct cpu *c, u32 vendor)
{
	static union {
		struct tv_cpuid t;
		char room[sizeof(struct tv_cpuid) + ROOM * sizeof(struct tv_cpuid_entry)];
	} sup, vm;
	struct tv_cpuid_host host = { .vendor = vendor, .xcr0 = 0x7 };
	static const u32 counts[] = { 1, 2, 3, 4, 5, 8, 16, 63, 64 };
	bool amd = vendor == TV_VENDOR_AMD_SVM;
	u32 needed, k, i;
	int n;

	n = tv_cpuid_supported(&host, cpu_raw, c, sup.t.entries, ROOM, &needed);
	ASSERT_GT(n, 0);
	sup.t.nent = n;
	check_topology(_metadata, c->name, &sup.t, amd, 1);
	for (k = 0; k < ARRAY_SIZE(counts); k++) {
		memcpy(&vm, &sup, sizeof(vm));
		cpuid_set_topology(&vm.t, counts[k]);
		check_topology(_metadata, c->name, &vm.t, amd, counts[k]);
		for (i = 0; i < vm.t.nent; i++)
			EXPECT_EQ(0, tv_cpuid_check(&vm.t.entries[i], sup.t.entries, sup.t.nent))
				TH_LOG("%s, %u vCPUs: leaf %#x.%u refused", c->name, counts[k],
				       vm.t.entries[i].function, vm.t.entries[i].index);
	}
}

TEST(intel_sapphire_rapids)
{
	static struct cpu c;
	u32 r[4];

	ASSERT_EQ(0, cpu_load(&c, "intel-xeon-w7-2475x-sapphire-rapids.txt"));
	/* Its own: two threads a core, 0x28 logical CPUs, shift 7. */
	cpu_raw(&c, 0xb, 0, r);
	ASSERT_EQ(2, r[EBX]);
	check_cpu(_metadata, &c, TV_VENDOR_INTEL_VMX);
}

TEST(amd_genoa)
{
	static struct cpu c;
	u32 r[4];

	ASSERT_EQ(0, cpu_load(&c, "amd-epyc-9124-genoa.txt"));
	/* Its own: 0x80000008 ECX says 32 threads, APIC ID size 6. */
	cpu_raw(&c, 0x80000008, 0, r);
	ASSERT_EQ(0x601f, r[ECX]);
	check_cpu(_metadata, &c, TV_VENDOR_AMD_SVM);
}

TEST(build_machine_recorded)
{
	static struct cpu c;

	ASSERT_EQ(0, cpu_load(&c, "build-machine-amd-turin-virtual.txt"));
	check_cpu(_metadata, &c, TV_VENDOR_AMD_SVM);
}

TEST(this_machines_cpu)
{
	static struct cpu c;
	u32 r[4];

	cpu_live(&c);
	cpu_raw(&c, 0, 0, r);
	check_cpu(_metadata, &c, r[EBX] == 0x68747541 ? TV_VENDOR_AMD_SVM : TV_VENDOR_INTEL_VMX);
}

/* The per-leaf function alone: leaves it does not know stay as they are. */
TEST(other_leaves_untouched)
{
	u32 r[4] = { 0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321 };
	u32 fns[] = { 0, 2, 7, 0xd, 0x80000000, 0x80000005, 0x80000006 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		u32 x[4];

		memcpy(x, r, sizeof(x));
		tv_cpuid_topology(fns[i], 0, true, 8, x);
		EXPECT_EQ(0, memcmp(x, r, sizeof(x))) TH_LOG("leaf %#x", fns[i]);
	}
	/* An Intel CPU's 0x80000008 ECX and 0x80000001 ECX are not AMD's. */
	memcpy(r, (u32[4]){ 0x3934, 0x200, 0, 0 }, sizeof(r));
	tv_cpuid_topology(0x80000008, 0, false, 8, r);
	EXPECT_EQ(0, r[ECX]);
}

TEST_HARNESS_MAIN
