// SPDX-License-Identifier: GPL-2.0
/*
 * PKRU between host and guest (issue #12, finding 7): WRPKRU runs in the
 * guest without an exit, and PKRU is not part of the FPU state the module
 * swaps.  The launcher thread must get its own PKRU back after every exit,
 * the guest must keep its own across exits, and must not read the host's.
 * Only where the host has PKU with OSPKE (the VMX machine's Skylake-X).
 */
#include <cpuid.h>

#include "tv_test.h"
#include "tv_guest.h"

#define X86_CR4_PKE		(1UL << 22)
#define GUEST_PKRU		0x55555550U	/* keys 2-15 no access */

static uint32_t pkru_read(void)
{
	uint32_t eax, edx;

	asm volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void pkru_write(uint32_t pkru)
{
	asm volatile(".byte 0x0f,0x01,0xef" : : "a"(pkru), "c"(0), "d"(0));
}

static void guest_sets_pkru(void)
{
	uint64_t cr4;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_PKE));
	/* What the guest sees at first is its own reset value, not the host's. */
	GUEST_SYNC_ARGS(1, pkru_read(), 0, 0, 0);
	pkru_write(GUEST_PKRU);
	GUEST_SYNC_ARGS(2, pkru_read(), 0, 0, 0);
	GUEST_SYNC_ARGS(3, pkru_read(), 0, 0, 0);
	GUEST_DONE();
}

FIXTURE(pkru) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(pkru)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(pkru)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

TEST_F(pkru, guest_and_host_keep_their_own)
{
	uint32_t a, b, c, d, host;
	struct tv_ucall uc;
	int stage;

	__cpuid_count(7, 0, a, b, c, d);
	if (!(c & (1U << 4)))
		SKIP(return, "the host has no PKU with OSPKE");
	host = 0x00000004;	/* key 1 write-disabled: not the reset value 0 */
	pkru_write(host);
	self->vm = tv_vm_create_with_vcpu(guest_sets_pkru, &self->vcpu);
	for (stage = 1; stage <= 3; stage++) {
		TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
		ASSERT_EQ(stage, uc.args[0]);
		EXPECT_EQ(stage == 1 ? 0 : GUEST_PKRU, uc.args[1])
			TH_LOG("PKRU the guest read at stage %d", stage);
		EXPECT_EQ(host, pkru_read()) TH_LOG("the host's PKRU after stage %d", stage);
	}
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_DONE);
	pkru_write(0);
}

TEST_HARNESS_MAIN
