// SPDX-License-Identifier: GPL-2.0
/*
 * TV_SET_SREGS refuses every CR0/CR3/CR4/EFER/CS combination the CPU would
 * not run (kmod/sregs_check.c): EINVAL, the vCPU's state as it was, and
 * the vCPU runs on from it.  Before the check, each went to the CPU:
 * VMRUN and VM entry refuse some (TV_EXIT_FAIL_ENTRY), but QEMU's TCG runs
 * several of them, and EFER.LMA or a 64-bit CS outside long mode are
 * modes the module's decoder and page walker do not know.
 */
#include <cpuid.h>
#include <time.h>

#include "tv_test.h"
#include "tv_fuzz.h"

#define X86_CR0_NW	(1UL << 29)
#define X86_CR0_CD	(1UL << 30)
#define X86_CR4_VMXE	(1UL << 13)
#define X86_CR4_PCIDE	(1UL << 17)
#define X86_CR4_CET	(1UL << 23)

FIXTURE(sregs) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(sregs)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(sregs)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

TV_BLOB(blob_done, TV_BLOB_DONE);

/* The CPU's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]). */
static unsigned int phys_bits(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000008, &a, &b, &c, &d))
		return 36;
	return a & 0xff;
}

/*
 * SET_SREGS of good with one change must fail with EINVAL, leave the
 * state GET_SREGS reads as it was, and the vCPU must then run its guest
 * to DONE from that state.
 */
static void expect_refused(struct __test_metadata *_metadata, enum tv_mode mode,
			   void (*spoil)(struct tv_sregs *s), const char *what)
{
	struct tv_vm *vm = tv_vm_create_std();
	struct tv_vcpu *v = tv_vcpu_add(vm, 0);
	struct tv_blob b = TV_BLOB_FOR(blob_done, mode);
	struct tv_sregs good, bad, now;
	struct tv_ucall uc;

	tv_write_guest(vm, TV_BLOB_GPA, b.start, b.end - b.start);
	tv_vcpu_setup(v, mode, TV_BLOB_GPA);
	tv_get_sregs(v, &good);
	bad = good;
	spoil(&bad);
	errno = 0;
	EXPECT_EQ(-1, ioctl(v->fd, TV_SET_SREGS, &bad)) TH_LOG("%s (%s) was taken", what,
								tv_mode_name(mode));
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", what, strerror(errno));
	tv_get_sregs(v, &now);
	EXPECT_EQ(0, memcmp(&good, &now, sizeof(now))) TH_LOG("%s changed the state", what);
	TV_RUN_DONE(v, &uc);
	tv_vm_free(vm);
}

static void nw_without_cd(struct tv_sregs *s)
{
	s->cr0 = (s->cr0 | X86_CR0_NW) & ~X86_CR0_CD;
}

static void pg_without_pe(struct tv_sregs *s)
{
	s->cr0 &= ~X86_CR0_PE;
}

static void cr4_vmxe(struct tv_sregs *s)
{
	s->cr4 |= X86_CR4_VMXE;
}

static void cr4_cet(struct tv_sregs *s)
{
	s->cr4 |= X86_CR4_CET;
}

static void cr4_reserved(struct tv_sregs *s)
{
	s->cr4 |= 1ULL << 40;
}

static void cr3_above_maxphyaddr(struct tv_sregs *s)
{
	s->cr3 |= 1ULL << phys_bits();
}

static void no_pae(struct tv_sregs *s)
{
	s->cr4 &= ~X86_CR4_PAE;
}

static void no_lma(struct tv_sregs *s)
{
	s->efer &= ~EFER_LMA;
}

static void cs_l_and_d(struct tv_sregs *s)
{
	s->cs.attrib |= TV_SEG_ATTR_DB;
}

static void lma(struct tv_sregs *s)
{
	s->efer |= EFER_LMA;
}

static void lme_lma_no_paging(struct tv_sregs *s)
{
	s->efer |= EFER_LME | EFER_LMA;
}

static void cs_l(struct tv_sregs *s)
{
	s->cs.attrib |= TV_SEG_ATTR_L;
}

static void pcide(struct tv_sregs *s)
{
	s->cr4 |= X86_CR4_PCIDE;
}

TEST_F(sregs, cr0_nw_without_cd_einval)
{
	expect_refused(_metadata, TV_MODE_PROT32, nw_without_cd, "CR0.NW without CD");
	expect_refused(_metadata, TV_MODE_REAL16, nw_without_cd, "CR0.NW without CD");
}

TEST_F(sregs, cr0_pg_without_pe_einval)
{
	expect_refused(_metadata, TV_MODE_LONG64, pg_without_pe, "CR0.PG without PE");
}

/* Bits no CPU has, and bits of what the module does not offer. */
TEST_F(sregs, cr4_bits_not_backed_einval)
{
	expect_refused(_metadata, TV_MODE_LONG64, cr4_reserved, "CR4 bit 40");
	expect_refused(_metadata, TV_MODE_LONG64, cr4_vmxe, "CR4.VMXE");
	expect_refused(_metadata, TV_MODE_LONG64, cr4_cet, "CR4.CET");
}

TEST_F(sregs, cr3_above_maxphyaddr_einval)
{
	expect_refused(_metadata, TV_MODE_LONG64, cr3_above_maxphyaddr, "CR3 above MAXPHYADDR");
	expect_refused(_metadata, TV_MODE_PROT32, cr3_above_maxphyaddr, "CR3 above MAXPHYADDR");
}

TEST_F(sregs, long_mode_without_pae_einval)
{
	expect_refused(_metadata, TV_MODE_LONG64, no_pae, "long mode without CR4.PAE");
}

TEST_F(sregs, long_mode_without_lma_einval)
{
	expect_refused(_metadata, TV_MODE_LONG64, no_lma, "EFER.LME and CR0.PG without LMA");
}

TEST_F(sregs, long_mode_cs_l_and_d_einval)
{
	expect_refused(_metadata, TV_MODE_LONG64, cs_l_and_d, "CS.L with CS.D");
}

TEST_F(sregs, long_mode_bits_outside_long_mode_einval)
{
	expect_refused(_metadata, TV_MODE_PROT32, lma, "EFER.LMA in protected mode");
	expect_refused(_metadata, TV_MODE_REAL16, lma, "EFER.LMA in real mode");
	expect_refused(_metadata, TV_MODE_PROT32, lme_lma_no_paging, "EFER.LMA without paging");
	expect_refused(_metadata, TV_MODE_PROT32, cs_l, "CS.L in protected mode");
	expect_refused(_metadata, TV_MODE_REAL16, cs_l, "CS.L in real mode");
	expect_refused(_metadata, TV_MODE_PROT32, pcide, "CR4.PCIDE in protected mode");
}

static void lme_without_pg_or_pae(struct tv_sregs *s)
{
	s->efer |= EFER_LME;
}

/*
 * SVM only: EFER.LME with CR0.PG and CR4.PAE both clear.  The APM allows
 * it, but QEMU's TCG loses the host CPU at the guest's next exit
 * (kmod/svm/svm.c, security.rst): hostile_guest seed 1796427070401041356
 * stopped the svm machine there, and so did this case before the fix.
 * With CR4.PAE set first (the SDM's order) LME is taken.
 */
TEST_F(sregs, svm_lme_without_paging_or_pae_einval)
{
	struct tv_vm *vm;
	struct tv_vcpu *v;
	struct tv_sregs s;
	struct tv_ucall uc;

	if (ioctl(self->dev, TV_CHECK_CAP, TV_CAP_VENDOR) != TV_VENDOR_AMD_SVM)
		SKIP(return, "the state is refused on SVM only (QEMU's TCG); VMX runs it");
	expect_refused(_metadata, TV_MODE_PROT32, lme_without_pg_or_pae,
		       "EFER.LME without CR0.PG and CR4.PAE");
	/* The same with CR4.PAE set: taken, and the guest runs. */
	vm = tv_vm_create_std();
	v = tv_vcpu_add(vm, 0);
	tv_vm_load_blob(vm, TV_BLOB_FOR(blob_done, TV_MODE_PROT32));
	tv_vcpu_setup(v, TV_MODE_PROT32, TV_BLOB_GPA);
	tv_get_sregs(v, &s);
	s.cr4 |= 0x20;		/* PAE */
	s.efer |= EFER_LME;
	EXPECT_EQ(0, ioctl(v->fd, TV_SET_SREGS, &s)) TH_LOG("%s", strerror(errno));
	TV_RUN_DONE(v, &uc);
	tv_vm_free(vm);
}

/*
 * The guest's own way there: WRMSR of EFER.LME in protected mode with
 * paging and PAE off gets #GP (here a shutdown: the guest has no IDT),
 * and TV_SET_MSRS of it is refused; before the fix the WRMSR was taken
 * and the exit after it lost the host CPU.
 */
TV_BLOB(blob_set_lme,
	"mov $0xc0000080, %ecx\n\t"
	"rdmsr\n\t"
	"or $0x100, %eax\n\t"
	"wrmsr\n\t"
	TV_BLOB_DONE);

TEST_F(sregs, svm_guest_wrmsr_lme_without_paging_or_pae_gp)
{
	struct tv_msrs *m;

	if (ioctl(self->dev, TV_CHECK_CAP, TV_CAP_VENDOR) != TV_VENDOR_AMD_SVM)
		SKIP(return, "the state is refused on SVM only (QEMU's TCG); VMX runs it");
	self->vm = tv_vm_create_with_blob(TV_MODE_PROT32, TV_BLOB_FOR(blob_set_lme, TV_MODE_PROT32),
					  &self->vcpu);
	tv_vcpu_run(self->vcpu);
	EXPECT_EQ(TV_EXIT_SHUTDOWN, self->vcpu->run->exit_reason) TH_LOG("%s",
									 tv_exit_str(self->vcpu));
	EXPECT_EQ(0, tv_get_msr(self->vcpu, MSR_EFER) & EFER_LME);
	m = calloc(1, sizeof(*m) + sizeof(m->entries[0]));
	ASSERT_NE(NULL, m);
	m->nmsrs = 1;
	m->entries[0].index = MSR_EFER;
	m->entries[0].data = EFER_LME;
	EXPECT_EQ(0, ioctl(self->vcpu->fd, TV_SET_MSRS, m));
	EXPECT_EQ(0, tv_get_msr(self->vcpu, MSR_EFER) & EFER_LME);
	free(m);
}

/*
 * The guest's own ways to the same state, with MOV to CR4 and CR0 (both
 * intercepted on SVM now, cr_write.c): PAE, then LME, then PAE cleared
 * with paging off; or out of long mode through compatibility mode, then
 * PAE cleared.  The last MOV gets #GP (a shutdown here: the IDT limit is
 * 0) and CR4.PAE stays set; before, the MOV ran natively and the exit
 * after it (the DONE's OUT) lost the host CPU.  After the shutdown the
 * vCPU runs a fresh guest to DONE.
 */
/* CR4 op= imm, in whichever width the copy is assembled for. */
#define BLOB_CR4(op, imm)						\
	".if TV_BITS == 64\n\t"					\
	"mov %cr4, %rax\n\t" op " $" imm ", %rax\n\tmov %rax, %cr4\n\t"	\
	".else\n\t"							\
	"mov %cr4, %eax\n\t" op " $" imm ", %eax\n\tmov %eax, %cr4\n\t"	\
	".endif\n\t"
TV_BLOB(blob_pae_lme_clear_pae,
	BLOB_CR4("or", "0x20")
	"mov $0xc0000080, %ecx\n\t"
	"rdmsr\n\t"
	"or $0x100, %eax\n\t"
	"wrmsr\n\t"
	BLOB_CR4("and", "~0x20")
	TV_BLOB_DONE);

/* From 64-bit mode: far return to CODE32, clear CR0.PG, then CR4.PAE. */
TV_BLOB64(blob_compat_leave_long_clear_pae,
	"lea 1f(%rip), %rax\n\t"
	"pushq $" TV_STR(TV_SEL_CODE32) "\n\t"
	"pushq %rax\n\t"
	"lretq\n\t"
	".code32\n"
	"1:\n\t"
	"pushl $0\n\t"
	"pushl $0\n\t"
	"lidt 2(%esp)\n\t"
	"mov %cr0, %eax\n\t"
	"and $0x7fffffff, %eax\n\t"
	"mov %eax, %cr0\n\t"
	"mov %cr4, %eax\n\t"
	"and $~0x20, %eax\n\t"
	"mov %eax, %cr4\n\t"
	TV_BLOB_DONE
	".code64\n");

static void expect_pae_kept_then_recovery(struct __test_metadata *_metadata,
					  struct tv_vm *vm, struct tv_vcpu *v, bool paging_was_left)
{
	struct tv_events ev;
	struct tv_sregs s;
	struct tv_ucall uc;

	tv_vcpu_run(v);
	EXPECT_EQ(TV_EXIT_SHUTDOWN, v->run->exit_reason) TH_LOG("%s", tv_exit_str(v));
	tv_get_sregs(v, &s);
	EXPECT_TRUE(s.cr4 & 0x20) TH_LOG("CR4 0x%llx", (unsigned long long)s.cr4);
	EXPECT_TRUE(s.efer & EFER_LME) TH_LOG("EFER 0x%llx", (unsigned long long)s.efer);
	EXPECT_FALSE(s.cr0 & 0x80000000UL) TH_LOG("CR0 0x%llx", (unsigned long long)s.cr0);
	if (paging_was_left)
		EXPECT_FALSE(s.efer & EFER_LMA) TH_LOG("EFER 0x%llx", (unsigned long long)s.efer);
	/*
	 * The host is alive: the same vCPU runs a fresh guest to DONE, its
	 * events cleared first as after any shutdown (the fault that ended
	 * in it is still queued).
	 */
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, ioctl(v->fd, TV_SET_EVENTS, &ev));
	tv_vm_load_blob(vm, TV_BLOB_FOR(blob_done, TV_MODE_PROT32));
	tv_vcpu_setup(v, TV_MODE_PROT32, TV_BLOB_GPA);
	TV_RUN_DONE(v, &uc);
}

TEST_F(sregs, svm_guest_clears_pae_with_lme_and_no_paging_gp)
{
	if (ioctl(self->dev, TV_CHECK_CAP, TV_CAP_VENDOR) != TV_VENDOR_AMD_SVM)
		SKIP(return, "the state is refused on SVM only (QEMU's TCG); VMX runs it");
	self->vm = tv_vm_create_with_blob(TV_MODE_PROT32,
					  TV_BLOB_FOR(blob_pae_lme_clear_pae, TV_MODE_PROT32),
					  &self->vcpu);
	expect_pae_kept_then_recovery(_metadata, self->vm, self->vcpu, false);
}

TEST_F(sregs, svm_guest_leaves_long_mode_then_clears_pae_gp)
{
	if (ioctl(self->dev, TV_CHECK_CAP, TV_CAP_VENDOR) != TV_VENDOR_AMD_SVM)
		SKIP(return, "the state is refused on SVM only (QEMU's TCG); VMX runs it");
	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64,
					  TV_BLOB64_OF(blob_compat_leave_long_clear_pae),
					  &self->vcpu);
	expect_pae_kept_then_recovery(_metadata, self->vm, self->vcpu, true);
}

/* Spins with interrupts off (RFLAGS.IF is 0 from the start): no exit of its own. */
static void guest_spin(void)
{
	for (;;)
		asm volatile("pause");
}

/*
 * The hostile_guest finding (security.rst): QEMU's TCG runs VMRUN's
 * first checks (CR0, CR3, CR4) after it has marked the CPU as in the
 * guest, so a refused VMRUN writes the host's state back into the VMCB,
 * int_ctl 0 among it.  Without V_INTR_MASKING the guest's RFLAGS.IF then
 * decides whether host interrupts end the guest: a guest spinning with
 * interrupts off kept its host CPU until the RCU stall detector's NMI (21
 * s).  Whatever came before, a signal must end RUN of a guest that spins
 * with interrupts off within the time the kicker takes.
 */
TEST_F(sregs, signal_ends_spinning_guest_after_refused_state)
{
	static void (*const spoil[])(struct tv_sregs *s) = {
		cr4_reserved, nw_without_cd, cr3_above_maxphyaddr,
	};
	struct tv_kicker k = { 0 };
	unsigned int i;

	self->vm = tv_vm_create_with_vcpu(guest_spin, &self->vcpu);
	for (i = 0; i < sizeof(spoil) / sizeof(spoil[0]); i++) {
		struct tv_sregs good, bad;
		struct tv_regs regs;
		struct timespec t0, t1;
		double secs;
		int r;

		tv_get_sregs(self->vcpu, &good);
		tv_get_regs(self->vcpu, &regs);
		bad = good;
		spoil[i](&bad);
		/* Refused now; before, the next RUN was TV_EXIT_FAIL_ENTRY. */
		if (ioctl(self->vcpu->fd, TV_SET_SREGS, &bad) == 0)
			__tv_vcpu_run(self->vcpu);
		tv_set_sregs(self->vcpu, &good);
		tv_set_regs(self->vcpu, &regs);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		tv_kicker_arm(&k, 2000);
		r = __tv_vcpu_run(self->vcpu);
		tv_kicker_disarm(&k);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		EXPECT_EQ(-1, r);
		EXPECT_EQ(TV_EXIT_INTR, self->vcpu->run->exit_reason) TH_LOG("case %u: %s", i,
									       tv_exit_str(self->vcpu));
		EXPECT_GT(3.0, secs) TH_LOG("case %u: the spinning guest kept its CPU %.1f s", i, secs);
	}
	tv_kicker_free(&k);
}

TEST_HARNESS_MAIN
