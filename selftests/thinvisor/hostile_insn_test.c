// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions a guest must not run on the host CPU (issue #12, finding
 * 13).  RDPMC would read the host's performance counters: the guest has
 * no PMU (CPUID leaf 0xa is hidden), so it gets #GP, as on a CPU whose
 * counters it may not read.  WBINVD would write back and flush every
 * cache of the host CPU, a cheap way to slow every other host task: it
 * exits and completes as a no-op (the guest has no device doing DMA into
 * non-coherent memory).  That it exits is not visible from here; the
 * test checks that the guest goes on after it.
 */
#include "tv_test.h"
#include "tv_guest.h"

#define GP_VECTOR	13

static uint8_t rdpmc_safe(uint32_t counter, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	asm volatile(TV_SAFE_PRE "rdpmc" TV_SAFE_POST
		     : "+a"(lo), "+d"(hi) : "c"(counter) : "memory");
	*val = lo | ((uint64_t)hi << 32);
	return tv_guest_fault_vector;
}

static void guest_rdpmc(void)
{
	uint64_t v0, v1;
	uint8_t f0 = rdpmc_safe(0, &v0);
	uint8_t f1 = rdpmc_safe(1U << 30, &v1);	/* Intel's fixed counter 0 */

	GUEST_SYNC_ARGS(1, f0, f1, v0, v1);
	GUEST_DONE();
}

static void guest_wbinvd(void)
{
	int i;

	for (i = 0; i < 3; i++)
		asm volatile("wbinvd" ::: "memory");
	GUEST_SYNC_ARGS(1, i, 0, 0, 0);
	GUEST_DONE();
}

FIXTURE(insn) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(insn)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(insn)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

TEST_F(insn, rdpmc_raises_gp)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_rdpmc, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(GP_VECTOR, uc.args[1]) TH_LOG("RDPMC of counter 0");
	EXPECT_EQ(GP_VECTOR, uc.args[2]) TH_LOG("RDPMC of fixed counter 0");
	EXPECT_EQ(0, uc.args[3]) TH_LOG("EDX:EAX after RDPMC 0");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(insn, wbinvd_completes)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_wbinvd, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(3, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
