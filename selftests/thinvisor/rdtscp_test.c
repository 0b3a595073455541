// SPDX-License-Identifier: GPL-2.0
/*
 * RDTSCP: the TSC, between the RDTSCs around it, and the vCPU's own
 * TSC_AUX in ECX, whether the host set it (SET_MSRS) or the guest did
 * (WRMSR).  (Whether CPUID shows RDTSCP is the launcher's table's say:
 * the standard test VM has none.)
 */
#include "tv_test.h"

FIXTURE(rdtscp) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(rdtscp)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(rdtscp)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static inline uint64_t rdtsc_g(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return lo | ((uint64_t)hi << 32);
}

static inline uint64_t rdtscp_g(uint32_t *aux)
{
	uint32_t lo, hi;

	asm volatile(TV_SAFE_PRE "rdtscp" TV_SAFE_POST
		     : "=a"(lo), "=d"(hi), "=c"(*aux) : : "memory");
	return lo | ((uint64_t)hi << 32);
}

static void guest_rdtscp(void)
{
	uint32_t aux = 0;
	uint64_t t0, t1, t2;

	t0 = rdtsc_g();
	t1 = rdtscp_g(&aux);
	t2 = rdtsc_g();
	GUEST_SYNC_ARGS(1, 0, tv_guest_fault_vector, aux,
			t0 <= t1 && t1 <= t2);
	tv_wrmsr(MSR_TSC_AUX, 0x77);
	t1 = rdtscp_g(&aux);
	GUEST_SYNC_ARGS(2, tv_guest_fault_vector, aux, t1 > t2, 0);
	GUEST_DONE();
}

TEST_F(rdtscp, rdtscp_gives_tsc_and_tsc_aux)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_rdtscp, &self->vcpu);
	tv_set_msr(self->vcpu, MSR_TSC_AUX, 0x1234);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[2]) TH_LOG("RDTSCP faulted with vector %lu",
					(unsigned long)uc.args[2]);
	EXPECT_EQ(0x1234, uc.args[3]) TH_LOG("ECX is not the TSC_AUX the host set");
	EXPECT_EQ(1, uc.args[4]) TH_LOG("RDTSCP's TSC is not between the RDTSCs around it");
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ(0x77, uc.args[2]) TH_LOG("ECX is not the TSC_AUX the guest wrote");
	EXPECT_EQ(1, uc.args[3]) TH_LOG("the TSC went backwards");
	EXPECT_EQ(0x77, tv_get_msr(self->vcpu, MSR_TSC_AUX));
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
