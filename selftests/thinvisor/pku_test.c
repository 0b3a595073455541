// SPDX-License-Identifier: GPL-2.0
/*
 * Protection keys in a guest (Documentation/cpuid.rst, leaf 7): where
 * the module offers PKU (the host has it, with OSPKE, so that PKRU is
 * switched around the guest), a guest that finds it in CPUID turns
 * CR4.PKE on, sees OSPKE follow, writes and reads PKRU, and takes a
 * protection-key #PF (error code bit 5) reading a user page whose key it
 * has made access-disabled; with the key allowed again the read works.
 * SKIPs where the module does not offer PKU (the SVM machine's EPYC).
 */
#include "tv_test.h"
#include "tv_guest.h"

#define X86_CR4_PKE	(1UL << 22)
#define CPUID_7_ECX_PKU		(1U << 3)
#define CPUID_7_ECX_OSPKE	(1U << 4)
#define PF_VECTOR	14
#define PF_PK		(1U << 5)	/* the error code's protection-key bit */
#define PTE_USER	(1ULL << 2)
#define PTE_PKEY(k)	((uint64_t)(k) << 59)
#define PK_PAGE		0x200000ULL	/* PD 0 entry 1: a 2 MiB page of the heap */
#define PKRU_AD(k)	(1U << (2 * (k)))	/* key k: access disabled */

static uint32_t pkru_read(void)
{
	uint32_t eax, edx;

	asm volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void pkru_write(uint32_t pkru)
{
	asm volatile(".byte 0x0f,0x01,0xef" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

/* A read of addr: the vector it faulted with, or 0. */
static uint8_t read_safe(uint64_t addr)
{
	uint64_t v;

	asm volatile(TV_SAFE_PRE "movq (%1), %0" TV_SAFE_POST
		     : "=r"(v) : "r"(addr) : "memory");
	return tv_guest_fault_vector;
}

static void guest_pku(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4;
	uint8_t vec;

	tv_cpuid(7, 0, &a, &b, &c, &d);
	GUEST_SYNC_ARGS(1, c, 0, 0, 0);
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_PKE));
	tv_cpuid(7, 0, &a, &b, &c, &d);
	GUEST_SYNC_ARGS(2, c, pkru_read(), 0, 0);
	pkru_write(PKRU_AD(1));
	vec = read_safe(PK_PAGE);
	GUEST_SYNC_ARGS(3, pkru_read(), vec, tv_guest_fault_error, 0);
	pkru_write(0);
	vec = read_safe(PK_PAGE);
	GUEST_SYNC_ARGS(4, pkru_read(), vec, 0, 0);
	GUEST_DONE();
}

FIXTURE(pku) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
	struct tv_cpuid *sup;
};

FIXTURE_SETUP(pku)
{
	uint32_t i;
	bool pku = false;

	self->vm = NULL;
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->sup = calloc(1, sizeof(*self->sup) + 256 * sizeof(self->sup->entries[0]));
	ASSERT_NE(NULL, self->sup);
	self->sup->nent = 256;
	ASSERT_EQ(0, ioctl(self->dev, TV_GET_SUPPORTED_CPUID, self->sup));
	for (i = 0; i < self->sup->nent; i++) {
		struct tv_cpuid_entry *e = &self->sup->entries[i];

		if (e->function == 7 && e->index == 0)
			pku = e->ecx & CPUID_7_ECX_PKU;
	}
	/* As TV_OPEN_DEV_OR_SKIP: the 6.1 harness would run the body. */
	if (!pku)
		SKIP(_exit(255), "the module offers no PKU on this host");
}

FIXTURE_TEARDOWN(pku)
{
	tv_vm_free(self->vm);
	free(self->sup);
	close(self->dev);
}

TEST_F(pku, guest_uses_protection_keys)
{
	uint64_t *pml4, *pdpt, *pd;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_pku, &self->vcpu);
	tv_vm_set_cpuid(self->vm, self->sup->entries, self->sup->nent);
	/* PK_PAGE a user page of key 1 (user at every level), the rest as it was. */
	pml4 = tv_gpa2hva(self->vm, TV_PML4_GPA);
	pdpt = tv_gpa2hva(self->vm, TV_PDPT_GPA);
	pd = tv_gpa2hva(self->vm, TV_PD_GPA);
	ASSERT_EQ(PK_PAGE, pd[1] & ~0xfffULL);
	pml4[0] |= PTE_USER;
	pdpt[0] |= PTE_USER;
	pd[1] |= PTE_USER | PTE_PKEY(1);

	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_NE(0, uc.args[1] & CPUID_7_ECX_PKU);
	EXPECT_EQ(0, uc.args[1] & CPUID_7_ECX_OSPKE) TH_LOG("OSPKE before CR4.PKE");
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_NE(0, uc.args[1] & CPUID_7_ECX_OSPKE) TH_LOG("no OSPKE after CR4.PKE");
	EXPECT_EQ(0, uc.args[2]) TH_LOG("the guest's PKRU at reset");
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(PKRU_AD(1), uc.args[1]);
	EXPECT_EQ(PF_VECTOR, uc.args[2]) TH_LOG("a read of an access-disabled key");
	EXPECT_NE(0, uc.args[3] & PF_PK) TH_LOG("error code %#lx", (unsigned long)uc.args[3]);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ(0, uc.args[2]) TH_LOG("a read of the page with its key allowed");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
