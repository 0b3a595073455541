// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest's XSETBV (issue #12, finding 2): every XCR0 the SDM
 * calls invalid gives the guest #GP and leaves its XCR0 as it was.  The
 * module loads the guest's XCR0 with a bare XSETBV in the host, so a
 * value it let through would #GP in the host with interrupts off.
 */
#include <cpuid.h>

#include "tv_test.h"
#include "tv_guest.h"

#define X86_CR4_OSXSAVE	(1UL << 18)
#define XCR0_FP_SSE	0x3ULL

/* Each breaks one rule of SDM vol. 1, 13.3 (or is not XCR0 at all). */
static const struct bad_xcr {
	uint32_t index;
	uint64_t value;
} bad_xcrs[] = {
	{ 0, 0x0 },		/* no x87 */
	{ 0, 0x2 },		/* no x87 */
	{ 0, 0x5 },		/* AVX without SSE */
	{ 0, 0x8 | 0x3 },	/* MPX BNDREGS without BNDCSR */
	{ 0, 0x10 | 0x3 },	/* MPX BNDCSR without BNDREGS */
	{ 0, 0x20 | 0x7 },	/* AVX-512: opmask alone */
	{ 0, 0x40 | 0x7 },	/* AVX-512: ZMM_Hi256 alone */
	{ 0, 0x80 | 0x7 },	/* AVX-512: Hi16_ZMM alone */
	{ 0, 0x60 | 0x7 },	/* AVX-512: two of three */
	{ 0, 0xc0 | 0x7 },
	{ 0, 0xa0 | 0x7 },
	{ 0, 0xe0 | 0x3 },	/* AVX-512 without AVX */
	{ 0, 0x20000 | 0x7 },	/* AMX: XTILECFG without XTILEDATA */
	{ 0, 0x40000 | 0x7 },	/* AMX: XTILEDATA without XTILECFG */
	{ 0, 1ULL << 63 | 0x3 },	/* reserved */
	{ 1, 0x3 },		/* XCR1 is not writable with XSETBV */
	{ 0xffffffff, 0x3 },
};

#define NR_BAD	(sizeof(bad_xcrs) / sizeof(bad_xcrs[0]))

static uint64_t guest_xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (uint64_t)hi << 32;
}

static uint8_t guest_xsetbv_safe(uint32_t index, uint64_t value)
{
	asm volatile(TV_SAFE_PRE "xsetbv" TV_SAFE_POST
		     : : "c"(index), "a"((uint32_t)value),
		       "d"((uint32_t)(value >> 32)) : "memory");
	return tv_guest_fault_vector;
}

/*
 * XCR0 = x87|SSE first; then each bad value: SYNC(i, vector, XCR0 after).
 * The exits that the ucalls take load the guest's XCR0 again on entry,
 * so a bad value let through is in the host's XSETBV by the next one.
 */
static void guest_bad_xsetbv(void)
{
	uint64_t cr4;
	unsigned int i;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_OSXSAVE));
	GUEST_ASSERT_EQ(guest_xsetbv_safe(0, XCR0_FP_SSE), 0);
	for (i = 0; i < NR_BAD; i++) {
		uint8_t v = guest_xsetbv_safe(bad_xcrs[i].index, bad_xcrs[i].value);

		GUEST_SYNC_ARGS(i, v, guest_xgetbv0(), 0, 0);
	}
	GUEST_DONE();
}

static uint64_t host_xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (uint64_t)hi << 32;
}

FIXTURE(xcr0) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(xcr0)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(xcr0)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

TEST_F(xcr0, invalid_xsetbv_gives_guest_gp)
{
	uint32_t a, b, c, d;
	uint64_t host_xcr0;
	struct tv_ucall uc;
	unsigned int i, within_host = 0;

	__cpuid_count(1, 0, a, b, c, d);
	if (!(c & (1U << 27)))
		SKIP(return, "the host has no OSXSAVE");
	host_xcr0 = host_xgetbv0();
	self->vm = tv_vm_create_with_vcpu(guest_bad_xsetbv, &self->vcpu);
	for (i = 0; i < NR_BAD; i++) {
		TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
		ASSERT_EQ(i, uc.args[0]);
		EXPECT_EQ(13, uc.args[1])
			TH_LOG("XSETBV %u, 0x%llx: vector %llu, not #GP", bad_xcrs[i].index,
			       (unsigned long long)bad_xcrs[i].value,
			       (unsigned long long)uc.args[1]);
		EXPECT_EQ(XCR0_FP_SSE, uc.args[2])
			TH_LOG("the guest's XCR0 after XSETBV 0x%llx",
			       (unsigned long long)bad_xcrs[i].value);
		EXPECT_EQ(host_xcr0, host_xgetbv0());
		if (bad_xcrs[i].index == 0 && !(bad_xcrs[i].value & ~host_xcr0))
			within_host++;
	}
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_DONE);
	/* Those inside the host's XCR0 are the ones only the module can refuse. */
	TH_LOG("host XCR0 0x%llx: %u of %zu bad values within it",
	       (unsigned long long)host_xcr0, within_host, NR_BAD);
}

TEST_HARNESS_MAIN
