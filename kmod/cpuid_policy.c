// SPDX-License-Identifier: GPL-2.0
/*
 * The guest CPU model as an allow-list: a leaf or a bit reaches a guest
 * only when it is listed here, and a bit is listed only when what it
 * promises works under thinvisor (the instruction runs natively and
 * safely, or exits and is emulated) and every MSR it implies is answered
 * (tv_cpuid_msr_deps[], checked against tv_msr_backed() by the unit test
 * and in the test machines).  Documentation/cpuid.rst gives the reason
 * for each family of bits; keep the two together.
 */
#include "cpuid_policy.h"
#include "cpuid_topology.h"

#define B(n)		(1U << (n))
#define EAX		0
#define EBX		1
#define ECX		2
#define EDX		3

/* XCR0 components a guest may turn on: x87, SSE, AVX, AVX-512, PKRU. */
#define XFEATURE_YMM		0x4ULL
#define XFEATURE_AVX512		0xe0ULL
#define XFEATURE_PKRU		0x200ULL
#define TV_GUEST_XCR0		(0x3ULL | XFEATURE_YMM | XFEATURE_AVX512 | \
				 XFEATURE_PKRU)

/* The highest leaves the policy knows. */
#define TV_MAX_BASIC		0x1fU
#define TV_MAX_EXT		0x80000021U

/* Bits the module provides whatever the host has (cpuid.c, lapic.c). */
#define L1_ECX_EMULATED	(B(21) | B(24) | B(31))	/* x2APIC, TSC-deadline, hypervisor */
#define L1_EDX_EMULATED	B(9)			/* APIC */

/* Leaf 1 */
#define L1_ECX_XSAVE	(B(26) | B(27))		/* XSAVE, OSXSAVE */
#define L1_ECX_AVX	(B(12) | B(28) | B(29))	/* FMA, AVX, F16C */
#define L1_ECX_ALLOW	(B(0) | B(1) | B(9) | B(13) | B(17) | B(19) | B(20) | \
			 B(22) | B(23) | B(25) | B(30) | L1_ECX_XSAVE | \
			 L1_ECX_AVX | L1_ECX_EMULATED)
#define L1_EDX_ALLOW	(B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | \
			 B(8) | B(11) | B(13) | B(15) | B(16) | B(17) | \
			 B(19) | B(23) | B(24) | B(25) | B(26) | B(28) | \
			 L1_EDX_EMULATED)

/* Leaf 7 subleaf 0 */
#define L7_EBX_AVX	B(5)				/* AVX2 */
#define L7_EBX_AVX512	(B(16) | B(17) | B(21) | B(26) | B(27) | B(28) | \
			 B(30) | B(31))
#define L7_EBX_ALLOW	(B(0) | B(3) | B(6) | B(7) | B(8) | B(9) | B(13) | \
			 B(18) | B(19) | B(20) | B(23) | B(24) | B(29) | \
			 L7_EBX_AVX | L7_EBX_AVX512)
#define L7_ECX_AVX	(B(9) | B(10))			/* VAES, VPCLMULQDQ */
#define L7_ECX_AVX512	(B(1) | B(6) | B(11) | B(12) | B(14))
#define L7_ECX_PKU	B(3)
#define L7_ECX_OSPKE	B(4)		/* the guest's CR4.PKE: cpuid.c */
#define L7_ECX_LA57	B(16)
#define L7_ECX_RDPID	B(22)
#define L7_ECX_ALLOW	(B(0) | B(2) | B(8) | B(25) | B(27) | B(28) | \
			 L7_ECX_AVX | L7_ECX_AVX512 | L7_ECX_LA57 | L7_ECX_RDPID | \
			 L7_ECX_PKU)
#define L7_EDX_AVX512	(B(2) | B(3) | B(8) | B(23))
#define L7_EDX_ALLOW	(B(4) | B(10) | B(14) | L7_EDX_AVX512)
/* Leaf 7 subleaf 1 */
#define L71_EAX_AVX	B(4)				/* AVX-VNNI */
#define L71_EAX_AVX512	B(5)				/* AVX512_BF16 */
#define L71_EAX_ALLOW	(B(10) | B(11) | B(12) | L71_EAX_AVX | L71_EAX_AVX512)

/*
 * The speculation controls, each offered only where the module backs its
 * MSR on this host (struct tv_cpuid_host.spec), and the statements about
 * the silicon that go with them.  Leaf 7 EDX: IBRS and IBPB (one bit for
 * both), STIBP, L1D_FLUSH, ARCH_CAPABILITIES, SSBD.
 */
#define L7_EDX_IBRS_IBPB	B(26)
#define L7_EDX_SPEC_CTRL	(B(27) | B(31))
#define L7_EDX_FLUSH_L1D	B(28)
#define L7_EDX_ARCH_CAPS	B(29)
/* 0x80000008 EBX: IBPB and "IBPB clears the return predictor" ... */
#define X8_EBX_IBPB		(B(12) | B(30))
/* ... IBRS, STIBP, "STIBP always on" preferred, AMD's SSBD ... */
#define X8_EBX_SPEC_CTRL	(B(14) | B(15) | B(17) | B(24))
/* ... and "not affected by speculative store bypass". */
#define X8_EBX_FACTS		B(26)
/* 0x80000021 EAX: "IBPB flushes all branch types", "not affected by SRSO". */
#define X21_EAX_IBPB		(B(28) | B(29))

/* Leaf 0xd subleaf 1: XSAVEOPT, XSAVEC, XGETBV with ECX=1. */
#define LD1_EAX_ALLOW	(B(0) | B(1) | B(2))

/* Leaf 0x80000001 */
#define X1_ECX_AVX	(B(11) | B(16))			/* XOP, FMA4 */
#define X1_ECX_ALLOW	(B(0) | B(1) | B(5) | B(6) | B(7) | B(8) | B(21) | \
			 X1_ECX_AVX)
#define X1_EDX_ALLOW	(B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | \
			 B(8) | B(9) | B(11) | B(13) | B(15) | B(16) | \
			 B(17) | B(20) | B(22) | B(23) | B(24) | B(26) | \
			 B(27) | B(29) | B(30) | B(31))

#define ALL		0xffffffffU
#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))
/*
 * One leaf (or subleaf) offered, the bits of each register allowed, and
 * of those the bits that are values rather than features: family and
 * model, counts, sizes, names, the topology, the bits the module sets
 * itself.  TV_SET_CPUID takes any value there; a feature bit only when
 * the supported table has it (tv_cpuid_check()).  A leaf not listed here
 * is not offered: it reads as zeros, and TV_SET_CPUID refuses it.
 */
struct tv_cpuid_rule {
	u32 function;
	u32 index;		/* ANY: every subleaf */
	u32 allow[4];
	u32 value[4];
};

#define ANY	0xffffffffU
#define VALUES	{ ALL, ALL, ALL, ALL }
#define FEATURES	{ 0, 0, 0, 0 }

/* Leaf 1: OSXSAVE follows the guest's CR4 (cpuid.c), HTT the topology. */
#define L1_ECX_VALUE	B(27)
#define L1_EDX_VALUE	B(28)
/* 0x80000001 ECX: CMP_LEGACY, the topology's (cpuid_topology.c). */
#define X1_ECX_VALUE	B(1)
/* 0x80000008 ECX: the core count and the APIC ID bits of the core ID. */
#define X8_ECX_VALUE	0x0000f0ffU

static const struct tv_cpuid_rule tv_cpuid_rules[] = {
	/* Vendor, family/model, brand: what the guest is. */
	{ 0x0,		ANY, VALUES, VALUES },
	{ 0x1,		ANY, { ALL, ALL, L1_ECX_ALLOW, L1_EDX_ALLOW },
			     { ALL, ALL, L1_ECX_VALUE, L1_EDX_VALUE } },
	/* Caches, TLBs and topology: descriptions, no instruction, no MSR. */
	{ 0x2,		ANY, VALUES, VALUES },
	{ 0x4,		ANY, VALUES, VALUES },
	{ 0x7,		0,   { ALL, L7_EBX_ALLOW, L7_ECX_ALLOW, L7_EDX_ALLOW },
			     { ALL, 0, L7_ECX_OSPKE, 0 } },
	{ 0x7,		1,   { L71_EAX_ALLOW, 0, 0, 0 }, FEATURES },
	{ 0xb,		ANY, VALUES, VALUES },
	/*
	 * XSAVE (tv_cpuid_xsave()): the XCR0 and XSS bits are features, the
	 * sizes and offsets values.
	 */
	{ 0xd,		0,   VALUES, { 0, ALL, ALL, 0 } },
	{ 0xd,		1,   VALUES, { 0, ALL, 0, 0 } },
	{ 0xd,		ANY, VALUES, VALUES },
	/* TSC and core crystal frequency: what the TSC passed through runs at. */
	{ 0x15,		ANY, VALUES, VALUES },
	{ 0x16,		ANY, VALUES, VALUES },
	{ 0x1f,		ANY, VALUES, VALUES },
	{ 0x80000000,	ANY, VALUES, VALUES },
	{ 0x80000001,	ANY, { ALL, ALL, X1_ECX_ALLOW, X1_EDX_ALLOW },
			     { ALL, ALL, X1_ECX_VALUE, 0 } },
	{ 0x80000002,	ANY, VALUES, VALUES },
	{ 0x80000003,	ANY, VALUES, VALUES },
	{ 0x80000004,	ANY, VALUES, VALUES },
	{ 0x80000005,	ANY, VALUES, VALUES },
	{ 0x80000006,	ANY, VALUES, VALUES },
	/* Invariant TSC: the TSC passes through unscaled. */
	{ 0x80000007,	ANY, { 0, 0, 0, B(8) }, FEATURES },
	/* Address sizes, cores; of EBX only XSAVE's error pointers. */
	{ 0x80000008,	ANY, { ALL, B(2), X8_ECX_VALUE, 0 },
			     { ALL, 0, X8_ECX_VALUE, 0 } },
	{ 0x80000019,	ANY, VALUES, VALUES },
	{ 0x8000001a,	ANY, VALUES, VALUES },
	/* No nested data breakpoints, LFENCE serializes, null selector clears base. */
	{ 0x80000021,	ANY, { B(0) | B(2) | B(6), 0, 0, 0 }, FEATURES },
};

bool tv_cpuid_indexed(u32 fn)
{
	switch (fn) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x1e:
	case 0x1f: case 0x8000001d: case 0x80000020:
		return true;
	default:
		return false;
	}
}

static const struct tv_cpuid_rule *tv_cpuid_rule(u32 fn, u32 index)
{
	unsigned int i;

	for (i = 0; i < N_ELEMS(tv_cpuid_rules); i++) {
		const struct tv_cpuid_rule *r = &tv_cpuid_rules[i];

		if (r->function == fn && (r->index == ANY || r->index == index))
			return r;
	}
	return NULL;
}

static u64 tv_guest_xcr0(const struct tv_cpuid_host *host)
{
	return host->xcr0 & TV_GUEST_XCR0;
}

/*
 * The vector extensions follow the XSAVE state that holds their
 * registers: without the YMM state no AVX, without all three AVX-512
 * states no AVX-512.
 */
static void tv_cpuid_vector(const struct tv_cpuid_host *host, u32 fn, u32 index,
			    u32 r[4])
{
	u64 xcr0 = tv_guest_xcr0(host);
	bool avx = xcr0 & XFEATURE_YMM;
	bool avx512 = avx && (xcr0 & XFEATURE_AVX512) == XFEATURE_AVX512;

	switch (fn) {
	case 0x1:
		if (!xcr0)
			r[ECX] &= ~L1_ECX_XSAVE;
		if (!avx)
			r[ECX] &= ~L1_ECX_AVX;
		break;
	case 0x7:
		if (index == 0) {
			if (!avx) {
				r[EBX] &= ~L7_EBX_AVX;
				r[ECX] &= ~L7_ECX_AVX;
			}
			if (!avx512) {
				r[EBX] &= ~L7_EBX_AVX512;
				r[ECX] &= ~L7_ECX_AVX512;
				r[EDX] &= ~L7_EDX_AVX512;
			}
			/*
			 * PKU: the guest's PKRU is switched around it
			 * (vcpu.c) where the host kernel has OSPKE; with
			 * XSAVE, XSAVE must hold the PKRU state too.
			 */
			if (!host->pkru || (xcr0 && !(xcr0 & XFEATURE_PKRU)))
				r[ECX] &= ~L7_ECX_PKU;
		} else if (index == 1) {
			if (!avx)
				r[EAX] &= ~L71_EAX_AVX;
			if (!avx512)
				r[EAX] &= ~L71_EAX_AVX512;
		}
		break;
	case 0x80000001:
		if (!avx)
			r[ECX] &= ~X1_ECX_AVX;
		break;
	}
}

/*
 * Leaf 0xd: only the components of TV_GUEST_XCR0 the host has on, and
 * the sizes of the XSAVE area they make.  The sizes are those of every
 * allowed component on, the largest a guest can turn on: a larger buffer
 * than needed is harmless, a smaller one is not.
 */
static bool tv_cpuid_xsave(const struct tv_cpuid_host *host, tv_cpuid_raw_fn raw,
			   void *ctx, u32 index, u32 r[4])
{
	u64 xcr0 = tv_guest_xcr0(host);
	u32 std = 576, compact = 576;	/* legacy area and XSAVE header */
	u32 i, c[4];

	if (!xcr0)
		return false;
	if (index >= 2)
		return index < 64 && (xcr0 & (1ULL << index));

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		raw(ctx, 0xd, i, c);
		if (c[EBX] + c[EAX] > std)
			std = c[EBX] + c[EAX];
		if (c[ECX] & B(1))	/* 64-byte aligned when compacted */
			compact = (compact + 63) & ~63U;
		compact += c[EAX];
	}
	if (index == 0) {
		r[EAX] &= (u32)xcr0;
		r[EDX] &= (u32)(xcr0 >> 32);
		r[EBX] = std;
		r[ECX] = std;
	} else {
		/* No XSAVES: no supervisor state, no IA32_XSS. */
		r[EAX] &= LD1_EAX_ALLOW;
		r[EBX] = (r[EAX] & B(1)) ? compact : 0;
		r[ECX] = 0;
		r[EDX] = 0;
	}
	return true;
}

/*
 * The speculation-control bits of the host's leaf (raw) that the module
 * backs here go back into the masked one (r).  VIRT_SSBD (AMD's
 * VIRT_SPEC_CTRL) stays hidden: a guest uses SSBD through SPEC_CTRL.
 */
static void tv_cpuid_spec(const struct tv_cpuid_host *host, u32 fn, u32 index,
			  const u32 raw[4], u32 r[4])
{
	u32 spec = host->spec;

	if (fn == 0x7 && index == 0) {
		if ((spec & TV_CPUID_SPEC_CTRL) && (spec & TV_CPUID_SPEC_IBPB))
			r[EDX] |= raw[EDX] & L7_EDX_IBRS_IBPB;
		if (spec & TV_CPUID_SPEC_CTRL)
			r[EDX] |= raw[EDX] & L7_EDX_SPEC_CTRL;
		if (spec & TV_CPUID_SPEC_FLUSH_L1D)
			r[EDX] |= raw[EDX] & L7_EDX_FLUSH_L1D;
		if (spec & TV_CPUID_SPEC_ARCH_CAPS)
			r[EDX] |= raw[EDX] & L7_EDX_ARCH_CAPS;
	} else if (fn == 0x80000008) {
		if (spec & TV_CPUID_SPEC_IBPB)
			r[EBX] |= raw[EBX] & X8_EBX_IBPB;
		if (spec & TV_CPUID_SPEC_CTRL)
			r[EBX] |= raw[EBX] & X8_EBX_SPEC_CTRL;
		r[EBX] |= raw[EBX] & X8_EBX_FACTS;
	} else if (fn == 0x80000021) {
		if (spec & TV_CPUID_SPEC_IBPB)
			r[EAX] |= raw[EAX] & X21_EAX_IBPB;
	}
}

/* Mask one host leaf; false when the leaf is not offered at all. */
static bool tv_cpuid_mask(const struct tv_cpuid_host *host, tv_cpuid_raw_fn raw,
			  void *ctx, u32 fn, u32 index, u32 r[4])
{
	const struct tv_cpuid_rule *rule = tv_cpuid_rule(fn, index);
	u32 host_r[4];
	int i;

	if (!rule)
		return false;
	for (i = 0; i < 4; i++) {
		host_r[i] = r[i];
		r[i] &= rule->allow[i];
	}
	tv_cpuid_spec(host, fn, index, host_r, r);

	switch (fn) {
	case 0x0:
		if (r[EAX] > TV_MAX_BASIC)
			r[EAX] = TV_MAX_BASIC;
		break;
	case 0x1:
		r[ECX] |= L1_ECX_EMULATED;
		r[EDX] |= L1_EDX_EMULATED;
		break;
	case 0x7:
		/* Subleaf 1 is the last one the policy knows. */
		if (index == 0 && r[EAX] > 1)
			r[EAX] = 1;
		/*
		 * RDPID reads TSC_AUX natively: VMX switches TSC_AUX to the
		 * guest's around the guest, SVM only emulates RDTSCP, so there
		 * RDPID would read the host's.
		 */
		if (index == 0 && host->vendor != TV_VENDOR_INTEL_VMX)
			r[ECX] &= ~L7_ECX_RDPID;
		/*
		 * Five-level guest paging (CR4.LA57, and the guest page walker's
		 * five levels) has run only under SVM (the svm57 machine): no
		 * emulated Intel CPU offers LA57, so VMX keeps it hidden.
		 */
		if (index == 0 && host->vendor != TV_VENDOR_AMD_SVM)
			r[ECX] &= ~L7_ECX_LA57;
		break;
	case 0xd:
		if (!tv_cpuid_xsave(host, raw, ctx, index, r))
			return false;
		break;
	case 0x80000000:
		if (r[EAX] > TV_MAX_EXT)
			r[EAX] = TV_MAX_EXT;
		break;
	}
	/* The topology of a VM of one vCPU; a VMM describes its own count. */
	tv_cpuid_topology(fn, index, host->vendor == TV_VENDOR_AMD_SVM, 1, r);
	tv_cpuid_vector(host, fn, index, r);
	return true;
}

static void tv_cpuid_range(const struct tv_cpuid_host *host, tv_cpuid_raw_fn raw,
			   void *ctx, u32 first, u32 last,
			   struct tv_cpuid_entry *out, u32 max, u32 *n)
{
	u32 fn, index;

	for (fn = first; fn <= last; fn++) {
		bool indexed = tv_cpuid_indexed(fn);
		bool topology = tv_cpuid_topology_leaf(fn);
		u32 nsub = indexed ? 64 : 1;

		/*
		 * 0xB and 0x1F are the VM's, three subleaves, offered where
		 * the host has the leaf (a thread level in subleaf 0).
		 */
		if (topology) {
			u32 r[4];

			raw(ctx, fn, 0, r);
			if (!(r[EBX] & 0xffff))
				continue;
			nsub = TV_TOPOLOGY_SUBLEAVES;
		}
		for (index = 0; index < nsub; index++) {
			u32 r[4];

			raw(ctx, fn, index, r);
			/* Subleaves past the last one read as zeros anyway. */
			if (index && !topology && !(r[0] | r[1] | r[2] | r[3]))
				continue;
			if (!tv_cpuid_mask(host, raw, ctx, fn, index, r))
				continue;
			if (*n < max) {
				struct tv_cpuid_entry *e = &out[*n];

				memset(e, 0, sizeof(*e));
				e->function = fn;
				e->index = indexed ? index : 0;
				e->flags = indexed ? TV_CPUID_FLAG_INDEXED : 0;
				e->eax = r[EAX];
				e->ebx = r[EBX];
				e->ecx = r[ECX];
				e->edx = r[EDX];
			}
			(*n)++;
		}
	}
}

int tv_cpuid_supported(const struct tv_cpuid_host *host, tv_cpuid_raw_fn raw,
		       void *ctx, struct tv_cpuid_entry *out, u32 max,
		       u32 *needed)
{
	u32 r[4], basic, ext, n = 0;

	raw(ctx, 0, 0, r);
	basic = r[EAX] < TV_MAX_BASIC ? r[EAX] : TV_MAX_BASIC;
	raw(ctx, 0x80000000, 0, r);
	ext = r[EAX] < TV_MAX_EXT ? r[EAX] : TV_MAX_EXT;

	tv_cpuid_range(host, raw, ctx, 0, basic, out, max, &n);
	if (ext >= 0x80000000)
		tv_cpuid_range(host, raw, ctx, 0x80000000, ext, out, max, &n);
	*needed = n;
	return n > max ? -E2BIG : (int)n;
}

static const struct tv_cpuid_entry *
tv_cpuid_find(const struct tv_cpuid_entry *e, u32 n, u32 fn, u32 index)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (e[i].function == fn &&
		    (!(e[i].flags & TV_CPUID_FLAG_INDEXED) || e[i].index == index))
			return &e[i];
	return NULL;
}

int tv_cpuid_check(const struct tv_cpuid_entry *e,
		   const struct tv_cpuid_entry *supported, u32 n)
{
	bool indexed = e->flags & TV_CPUID_FLAG_INDEXED;
	const struct tv_cpuid_rule *rule;
	const struct tv_cpuid_entry *s;
	u32 regs[4] = { e->eax, e->ebx, e->ecx, e->edx };
	u32 sup[4];
	int i;

	/* An unindexed leaf with subleaves would answer every subleaf. */
	if (indexed != tv_cpuid_indexed(e->function))
		return -EINVAL;
	rule = tv_cpuid_rule(e->function, indexed ? e->index : 0);
	if (!rule)
		return -EINVAL;
	/* A description, nothing to back: any subleaf, any value. */
	if ((rule->value[EAX] & rule->value[EBX] & rule->value[ECX] &
	     rule->value[EDX]) == ALL)
		return 0;
	s = tv_cpuid_find(supported, n, e->function, indexed ? e->index : 0);
	if (!s)
		return -EINVAL;
	sup[EAX] = s->eax;
	sup[EBX] = s->ebx;
	sup[ECX] = s->ecx;
	sup[EDX] = s->edx;
	for (i = 0; i < 4; i++)
		if (regs[i] & ~rule->value[i] & ~sup[i])
			return -EINVAL;
	return 0;
}

/*
 * The MSRs each feature implies: those of the allow-list must be backed,
 * the rest are why their bits are not in it.
 */
const struct tv_cpuid_msr_dep tv_cpuid_msr_deps[] = {
	{ 0x1, 0, EDX, 4,  0x10,       "TSC: IA32_TSC" },
	{ 0x1, 0, EDX, 9,  0x1b,       "APIC: IA32_APIC_BASE" },
	{ 0x1, 0, EDX, 11, 0x174,      "SEP: SYSENTER_CS" },
	{ 0x1, 0, EDX, 11, 0x175,      "SEP: SYSENTER_ESP" },
	{ 0x1, 0, EDX, 11, 0x176,      "SEP: SYSENTER_EIP" },
	{ 0x1, 0, EDX, 16, 0x277,      "PAT: IA32_PAT" },
	{ 0x1, 0, EDX, 7,  0x17a,      "MCE: MCG_STATUS" },
	{ 0x1, 0, EDX, 14, 0x179,      "MCA: MCG_CAP" },
	{ 0x1, 0, EDX, 14, 0x17a,      "MCA: MCG_STATUS" },
	{ 0x1, 0, EDX, 12, 0xfe,       "MTRR: MTRRcap" },
	{ 0x1, 0, EDX, 12, 0x2ff,      "MTRR: MTRRdefType" },
	{ 0x1, 0, EDX, 21, 0x1d9,      "DS: DEBUGCTL" },
	{ 0x1, 0, EDX, 22, 0x19c,      "ACPI: THERM_STATUS" },
	{ 0x1, 0, ECX, 2,  0x600,      "DTES64: DS_AREA" },
	{ 0x1, 0, ECX, 7,  0x198,      "EST: PERF_STATUS" },
	{ 0x1, 0, ECX, 15, 0x345,      "PDCM: PERF_CAPABILITIES" },
	{ 0x1, 0, ECX, 21, 0x802,      "x2APIC: x2APIC ID" },
	{ 0x1, 0, ECX, 24, 0x6e0,      "TSC-deadline: IA32_TSC_DEADLINE" },
	{ 0x6, 0, EAX, 0,  0x19c,      "DTS: THERM_STATUS" },
	{ 0x7, 0, EBX, 1,  0x3b,       "TSC_ADJUST: IA32_TSC_ADJUST" },
	{ 0x7, 0, EBX, 4,  0x122,      "HLE: TSX_CTRL" },
	{ 0x7, 0, EBX, 11, 0x122,      "RTM: TSX_CTRL" },
	{ 0x7, 0, EBX, 12, 0xc8f,      "RDT-M: PQR_ASSOC" },
	{ 0x7, 0, EBX, 14, 0xd90,      "MPX: BNDCFGS" },
	{ 0x7, 0, EBX, 15, 0xc8f,      "RDT-A: PQR_ASSOC" },
	{ 0x7, 0, EBX, 25, 0x570,      "PT: RTIT_CTL" },
	{ 0x7, 0, ECX, 5,  0xe1,       "WAITPKG: UMWAIT_CONTROL" },
	{ 0x7, 0, ECX, 7,  0x6a2,      "CET_SS: S_CET" },
	{ 0x7, 0, ECX, 22, 0xc0000103, "RDPID: TSC_AUX" },
	{ 0x7, 0, ECX, 31, 0x6e1,      "PKS: PKRS" },
	{ 0x7, 0, EDX, 9,  0x123,      "SRBDS_CTRL: MCU_OPT_CTRL" },
	{ 0x7, 0, EDX, 13, 0x10f,      "TSX_FORCE_ABORT" },
	{ 0x7, 0, EDX, 19, 0x14ce,     "ARCH_LBR: LBR_CTL" },
	{ 0x7, 0, EDX, 20, 0x6a2,      "IBT: S_CET" },
	{ 0x7, 0, EDX, 26, 0x48,       "IBRS: SPEC_CTRL" },
	{ 0x7, 0, EDX, 26, 0x49,       "IBPB: PRED_CMD" },
	{ 0x7, 0, EDX, 27, 0x48,       "STIBP: SPEC_CTRL" },
	{ 0x7, 0, EDX, 28, 0x10b,      "L1D_FLUSH: FLUSH_CMD" },
	{ 0x7, 0, EDX, 29, 0x10a,      "ARCH_CAPABILITIES" },
	{ 0x7, 0, EDX, 30, 0xcf,       "CORE_CAPABILITIES" },
	{ 0x7, 0, EDX, 31, 0x48,       "SSBD: SPEC_CTRL" },
	{ 0xd, 1, EAX, 3,  0xda0,      "XSAVES: IA32_XSS" },
	{ 0xd, 1, EAX, 4,  0x1c4,      "XFD: XFD" },
	{ 0x80000001, 0, ECX, 9,  0xc0010140, "OSVW: OSVW_ID_LENGTH" },
	{ 0x80000001, 0, ECX, 10, 0xc0011030, "IBS: IBS_FETCH_CTL" },
	{ 0x80000001, 0, ECX, 23, 0xc0010200, "PERFCTR_CORE: PERF_CTL0" },
	{ 0x80000001, 0, ECX, 24, 0xc0010240, "PERFCTR_NB: NB_PERF_CTL0" },
	{ 0x80000001, 0, ECX, 28, 0xc0010230, "PERFCTR_LLC: L2I_PERF_CTL0" },
	{ 0x80000001, 0, EDX, 7,  0x17a,      "MCE (AMD): MCG_STATUS" },
	{ 0x80000001, 0, EDX, 11, 0xc0000081, "SYSCALL: STAR" },
	{ 0x80000001, 0, EDX, 11, 0xc0000084, "SYSCALL: SFMASK" },
	{ 0x80000001, 0, EDX, 11, 0xc0000080, "SYSCALL: EFER" },
	{ 0x80000001, 0, EDX, 12, 0xfe,       "MTRR (AMD): MTRRcap" },
	{ 0x80000001, 0, EDX, 14, 0x179,      "MCA (AMD): MCG_CAP" },
	{ 0x80000001, 0, EDX, 16, 0x277,      "PAT (AMD): IA32_PAT" },
	{ 0x80000001, 0, EDX, 20, 0xc0000080, "NX: EFER" },
	{ 0x80000001, 0, EDX, 27, 0xc0000103, "RDTSCP: TSC_AUX" },
	{ 0x80000001, 0, EDX, 29, 0xc0000082, "LM: LSTAR" },
	{ 0x80000001, 0, EDX, 29, 0xc0000083, "LM: CSTAR" },
	{ 0x80000001, 0, EDX, 29, 0xc0000100, "LM: FS_BASE" },
	{ 0x80000001, 0, EDX, 29, 0xc0000101, "LM: GS_BASE" },
	{ 0x80000001, 0, EDX, 29, 0xc0000102, "LM: KERNEL_GS_BASE" },
	{ 0x80000007, 0, EDX, 7,  0xc0010062, "HwPstate: PSTATE_CTL" },
	{ 0x80000008, 0, EBX, 1,  0xc00000e9, "IRPERF: IRPERF_COUNT" },
	{ 0x80000008, 0, EBX, 12, 0x49,       "AMD IBPB: PRED_CMD" },
	{ 0x80000008, 0, EBX, 14, 0x48,       "AMD IBRS: SPEC_CTRL" },
	{ 0x80000008, 0, EBX, 15, 0x48,       "AMD STIBP: SPEC_CTRL" },
	{ 0x80000008, 0, EBX, 24, 0x48,       "AMD SSBD: SPEC_CTRL" },
	{ 0x80000008, 0, EBX, 25, 0xc001011f, "VIRT_SSBD: VIRT_SPEC_CTRL" },
};

const unsigned int tv_cpuid_nr_msr_deps = N_ELEMS(tv_cpuid_msr_deps);

bool tv_msr_backed(u32 msr)
{
	switch (msr) {
	case 0x10:		/* IA32_TSC: msr.c */
	case 0x1b:		/* IA32_APIC_BASE: lapic.c */
	case 0x8b:		/* microcode revision: msr.c */
	case 0x174:		/* SYSENTER_CS/ESP/EIP: svm.c, vmx.c */
	case 0x175:
	case 0x176:
	case 0x1a0:		/* IA32_MISC_ENABLE: msr.c */
	case 0x277:		/* IA32_PAT: svm.c, vmx.c */
	case 0x6e0:		/* IA32_TSC_DEADLINE: lapic.c */
	case 0x802:		/* x2APIC ID: lapic.c */
	case 0xc0000080:	/* EFER, STAR, LSTAR, CSTAR, SFMASK: svm.c, vmx.c */
	case 0xc0000081:
	case 0xc0000082:
	case 0xc0000083:
	case 0xc0000084:
	case 0xc0000100:	/* FS_BASE, GS_BASE, KERNEL_GS_BASE */
	case 0xc0000101:
	case 0xc0000102:
	case 0xc0000103:	/* TSC_AUX: msr.c */
		return true;
	/*
	 * The speculation controls (mitigations.c): answered exactly where
	 * the policy offers them, i.e. where the host has them.
	 */
	case 0x48:		/* SPEC_CTRL */
	case 0x49:		/* PRED_CMD */
	case 0x10a:		/* ARCH_CAPABILITIES */
	case 0x10b:		/* FLUSH_CMD */
		return true;
	default:
		return false;
	}
}

bool tv_msr_write_only(u32 msr)
{
	return msr == 0x49 || msr == 0x10b;	/* PRED_CMD, FLUSH_CMD */
}

bool tv_msr_needs_cpuid(u32 msr)
{
	switch (msr) {
	case 0x48:
	case 0x49:
	case 0x10a:
	case 0x10b:
		return true;
	default:
		return false;
	}
}
