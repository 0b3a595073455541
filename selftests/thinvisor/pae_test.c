// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit guest with PAE paging (CR0.PG, CR4.PAE, no EFER.LME), set up
 * by the host.  Its code runs at an alias, virtual 1 GiB above where it
 * is, so that the module's walk of the guest's tables (to fetch an MMIO
 * instruction) and, on VMX with EPT, the PDPTEs it loads at entry must
 * both be right.  It reads memory through the alias and writes to an MMIO
 * page through it.
 */
#include "tv_test.h"

#define PAE_PDPT_GPA	0x20000		/* TV_LOW_FREE_GPA */
#define PAE_PD_GPA	0x21000		/* 4 page directories */
#define ALIAS		0x40000000U	/* virtual = physical + ALIAS, in PDPT[1] */
#define DATA_WORD	0xfeedf00dU

FIXTURE(pae) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(pae)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(pae)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

/* Only the 32-bit copy runs; the others are empty. */
TV_BLOB(blob_pae,
	".if TV_BITS == 32\n\t"
	"mov " TV_STR(TV_BLOB_DATA_GPA) " + " TV_STR(ALIAS) ", %ebx\n\t"
	"mov %cr4, %ecx\n\t"
	"mov %cr0, %edx\n\t"
	TV_BLOB_SYNC
	"movl $0x5a5a1234, " TV_STR(TV_MMIO_GPA) " + " TV_STR(ALIAS) "\n\t"
	"call 1f\n\t"
	"1: pop %ebx\n\t"		/* where the code runs */
	TV_BLOB_SYNC
	TV_BLOB_DONE
	".endif\n\t");

/*
 * PDPT[0]: the first GiB one to one; PDPT[1]: the same first GiB again,
 * at 1 GiB; 2 MiB pages.  PAE's PDPTEs have no R/W, U/S or A bits.
 */
static void build_pae_tables(struct tv_vm *vm)
{
	uint64_t *pdpt = tv_gpa2hva(vm, PAE_PDPT_GPA);
	uint64_t *pd = tv_gpa2hva(vm, PAE_PD_GPA);
	int i;

	memset(pdpt, 0, 4096);
	pdpt[0] = PAE_PD_GPA | 1;
	pdpt[1] = (PAE_PD_GPA + 0x1000) | 1;
	for (i = 0; i < 512; i++) {
		pd[i] = ((uint64_t)i << 21) | 0x83;		/* P, RW, PS */
		pd[512 + i] = ((uint64_t)i << 21) | 0x83;
	}
}

/* What build_pae_tables() wrote into PDPT[i]. */
static uint64_t pae_pdpte_written(int i)
{
	return i < 2 ? (PAE_PD_GPA + i * 0x1000) | 1 : 0;
}

/*
 * QEMU's TCG (7.2, the SVM machine's) sets the Accessed bit, bit 5, in
 * the PAE PDPTEs its page walks go through.  That bit is reserved in a
 * PAE PDPTE (Intel SDM table 4-8; AMD's "Reserved, MBZ"), so the module's
 * walk of the guest's tables, which reads the PDPTEs from memory as an
 * SVM CPU does, finds a reserved bit set where the emulated CPU itself
 * did not fault: it injects a #PF with RSVD when it fetches the MMIO
 * instruction, and this guest, which has no IDT, triple-faults.  No CPU
 * that follows the manuals writes that bit (Bochs' VMX with EPT uses the
 * PDPTEs it loaded at VM entry and writes none of them back).
 */
static bool emulator_set_pdpte_accessed(struct tv_vm *vm)
{
	uint64_t *pdpt = tv_gpa2hva(vm, PAE_PDPT_GPA);
	bool set = false;
	int i;

	for (i = 0; i < 4; i++) {
		if (pdpt[i] == pae_pdpte_written(i))
			continue;
		if (pdpt[i] != (pae_pdpte_written(i) | 0x20))
			return false;	/* something else wrote it */
		set = true;
	}
	return set;
}

/*
 * The MMIO exit; else what the guest faulted on, from its triple fault.
 * False when the test SKIPs for the emulator bug above (only if nothing
 * failed before: SKIP would make an earlier failure a pass).
 */
static bool expect_mmio_exit(struct __test_metadata *_metadata, struct tv_vcpu *vcpu)
{
	uint64_t *pdpt = tv_gpa2hva(vcpu->vm, PAE_PDPT_GPA);
	struct tv_sregs s;

	if (vcpu->run->exit_reason != TV_EXIT_MMIO) {
		tv_get_sregs(vcpu, &s);
		TH_LOG("cr0 0x%llx cr2 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx",
		       (unsigned long long)s.cr0, (unsigned long long)s.cr2,
		       (unsigned long long)s.cr3, (unsigned long long)s.cr4,
		       (unsigned long long)s.efer);
		TH_LOG("PDPT 0x%llx 0x%llx 0x%llx 0x%llx, as written 0x%llx 0x%llx 0 0",
		       (unsigned long long)pdpt[0], (unsigned long long)pdpt[1],
		       (unsigned long long)pdpt[2], (unsigned long long)pdpt[3],
		       (unsigned long long)pae_pdpte_written(0),
		       (unsigned long long)pae_pdpte_written(1));
		if (vcpu->run->exit_reason == TV_EXIT_SHUTDOWN &&
		    emulator_set_pdpte_accessed(vcpu->vm) && _metadata->passed)
			SKIP(return false,
			     "known emulator bug: the CPU set reserved bit 5 of a PAE PDPTE, so the module's walk for the MMIO instruction faulted (QEMU TCG; testing.rst)");
	}
	TV_ASSERT_EXIT(vcpu, TV_EXIT_MMIO);
	return true;
}

TEST_F(pae, pae_guest_at_identity_does_mmio_through_alias)
{
	struct tv_sregs s;
	struct tv_regs r;
	struct tv_ucall uc;
	struct tv_run *run;

	self->vm = tv_vm_create_with_blob(TV_MODE_PROT32, TV_BLOB_FOR(blob_pae, TV_MODE_PROT32),
					  &self->vcpu);
	run = self->vcpu->run;
	build_pae_tables(self->vm);
	*(uint32_t *)tv_gpa2hva(self->vm, TV_BLOB_DATA_GPA) = DATA_WORD;
	tv_get_sregs(self->vcpu, &s);
	s.cr3 = PAE_PDPT_GPA;
	s.cr4 |= X86_CR4_PAE;
	s.cr0 |= X86_CR0_PG;
	s.efer = 0;
	tv_set_sregs(self->vcpu, &s);
	tv_get_regs(self->vcpu, &r);
	r.rip = TV_BLOB_GPA;
	tv_set_regs(self->vcpu, &r);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(DATA_WORD, (uint32_t)uc.args[0]);
	TV_ASSERT_RUN_OK(self->vcpu);
	if (!expect_mmio_exit(_metadata, self->vcpu))
		return;
	EXPECT_EQ(TV_MMIO_GPA, run->mmio.phys_addr);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(pae, pae_guest_runs_at_alias_and_does_mmio)
{
	struct tv_sregs s;
	struct tv_regs r;
	struct tv_ucall uc;
	struct tv_run *run;

	self->vm = tv_vm_create_with_blob(TV_MODE_PROT32, TV_BLOB_FOR(blob_pae, TV_MODE_PROT32),
					  &self->vcpu);
	run = self->vcpu->run;
	build_pae_tables(self->vm);
	*(uint32_t *)tv_gpa2hva(self->vm, TV_BLOB_DATA_GPA) = DATA_WORD;
	tv_get_sregs(self->vcpu, &s);
	s.cr3 = PAE_PDPT_GPA;
	s.cr4 |= X86_CR4_PAE;
	s.cr0 |= X86_CR0_PG;
	s.efer = 0;
	tv_set_sregs(self->vcpu, &s);
	tv_get_regs(self->vcpu, &r);
	r.rip = TV_BLOB_GPA + ALIAS;
	r.rsp += ALIAS;
	tv_set_regs(self->vcpu, &r);

	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(DATA_WORD, (uint32_t)uc.args[0]) TH_LOG("the read through the alias");
	EXPECT_NE(0, uc.args[1] & X86_CR4_PAE);
	EXPECT_NE(0, uc.args[2] & X86_CR0_PG);
	tv_get_sregs(self->vcpu, &s);
	EXPECT_EQ(0, s.efer & EFER_LMA) TH_LOG("PAE, not long mode");

	TV_ASSERT_RUN_OK(self->vcpu);
	if (!expect_mmio_exit(_metadata, self->vcpu))
		return;
	EXPECT_EQ(TV_MMIO_GPA, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(0x5a5a1234, *(uint32_t *)run->mmio.data);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_LE(TV_BLOB_GPA + ALIAS, (uint32_t)uc.args[0]) TH_LOG("EIP 0x%lx",
		(unsigned long)uc.args[0]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
