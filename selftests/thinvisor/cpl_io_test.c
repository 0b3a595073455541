// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's privilege level where the module acts for the guest (issue
 * #12, finding 9).  String port I/O's buffer is written by the module
 * through the guest's page tables: it must check them as the CPU would
 * for the instruction's CPL (a CPL3 task with IOPL 3 must not INS into a
 * supervisor page) and honour SMAP at CPL0 (no write to a user page while
 * EFLAGS.AC is clear).  A hypercall from CPL3 is refused with #UD and
 * never reaches userspace, which could not tell it from the kernel's.
 */
#include "tv_test.h"
#include "tv_guest.h"
#include "tv_ring3.h"

#define PF_VECTOR	14
#define UD_VECTOR	6
#define IO_PORT		0x3e0
#define TARGET_GPA	0x40000000ULL	/* its own 2 MiB page (PD entry 512) */
#define TARGET_PDE	(TARGET_GPA >> 21)
#define FILL		0xa5
#define X86_CR4_SMAP	(1ULL << 21)

static uint64_t user_stack[512] __attribute__((aligned(16)));

/* REP INSB of 4 bytes at dst; 0 or the vector of the fault it took. */
static uint8_t insb_safe(uint64_t dst, uint64_t *left)
{
	uint64_t cnt = 4;

	asm volatile(TV_SAFE_PRE "cld\n\trep insb" TV_SAFE_POST
		     : "+D"(dst), "+c"(cnt) : "d"(IO_PORT) : "memory");
	*left = cnt;
	return tv_guest_fault_vector;
}

static void user_insb(void)
{
	uint64_t left;
	uint8_t v = insb_safe(TARGET_GPA, &left);

	GUEST_SYNC_ARGS(1, v, tv_guest_fault_error, left, 0);
	GUEST_DONE();
	for (;;)
		;
}

static void user_hypercall(void)
{
	uint8_t v;

	asm volatile(TV_SAFE_PRE "cmpl $1, tv_guest_vendor(%%rip)\n\t"
		     "jne 2f\n\t"
		     "vmmcall\n\t"
		     "jmp 1f\n"
		     "2:\tvmcall" TV_SAFE_POST
		     : : "a"(0x1234ULL) : "memory", "cc");
	v = tv_guest_fault_vector;
	GUEST_SYNC_ARGS(1, v, 0, 0, 0);
	GUEST_DONE();
	for (;;)
		;
}

static void (*volatile user_entry)(void);

/* The guest's kernel: IRET to user_entry at CPL3 with IOPL 3. */
static void guest_kernel(void)
{
	tv_guest_iret_to_ring3(user_entry, &user_stack[510]);
}

/* CPL0 with CR4.SMAP: INS into a user page, with AC clear and with AC set. */
static void guest_smap(void)
{
	uint64_t cr4, left_clac, left_stac;
	uint8_t v_clac, v_stac, err_clac;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_SMAP));
	asm volatile("clac" ::: "memory");
	v_clac = insb_safe(TARGET_GPA, &left_clac);
	err_clac = tv_guest_fault_error;
	asm volatile("stac" ::: "memory");
	v_stac = insb_safe(TARGET_GPA + 8, &left_stac);
	asm volatile("clac" ::: "memory");
	GUEST_SYNC_ARGS(1, v_clac, err_clac, left_clac, v_stac | (left_stac << 8));
	GUEST_DONE();
}

FIXTURE(cpl) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
	uint8_t *target;
};

FIXTURE_SETUP(cpl)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(cpl)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

/*
 * A VM with a 2 MiB page of RAM at TARGET_GPA.  With user: every page
 * user-accessible except the target (supervisor only), ring 3 segments,
 * and a ring 0 stack in the TSS; without: only the target is a user page.
 */
static void cpl_vm(FIXTURE_DATA(cpl) *self, void (*guest)(void), bool user)
{
	struct tv_regs r;
	uint64_t *pd;

	self->vm = tv_vm_create_with_vcpu(guest, &self->vcpu);
	self->target = tv_vm_add_ram(self->vm, TV_SLOT_FIRST_FREE, TARGET_GPA,
				     2 << 20, 0);
	tv_get_regs(self->vcpu, &r);
	r.rsp = tv_vm_alloc(self->vm, 16384) + 16384;
	tv_set_regs(self->vcpu, &r);
	/* U/S must be set at every level: the PD entries decide here. */
	tv_vm_ring3_setup(self->vm, self->vcpu);
	pd = tv_gpa2hva(self->vm, TV_PD_GPA);
	if (!user) {
		pd[TARGET_PDE] |= 4;
		return;
	}
	pd[TARGET_PDE] &= ~4ULL;
	tv_vm_user_pages(self->vm, TARGET_PDE);
}

/* Run; answer an IN of 4 bytes from IO_PORT with FILL; the next exit stays. */
static void run_answering_ins(struct __test_metadata *_metadata, struct tv_vcpu *vcpu)
{
	struct tv_run *run = vcpu->run;

	TV_ASSERT_RUN_OK(vcpu);
	while (run->exit_reason == TV_EXIT_IO && run->io.port == IO_PORT) {
		ASSERT_EQ(TV_IO_IN, run->io.direction);
		memset((char *)run + run->io.data_offset, FILL,
		       (size_t)run->io.count * run->io.size);
		TV_ASSERT_RUN_OK(vcpu);
	}
}

TEST_F(cpl, user_rep_insb_into_a_supervisor_page_faults)
{
	struct tv_ucall uc;
	int i;

	user_entry = user_insb;
	cpl_vm(self, guest_kernel, true);
	tv_sync_global_to_guest(self->vm, user_entry);
	run_answering_ins(_metadata, self->vcpu);
	ASSERT_EQ(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc)) TH_LOG("%s", tv_exit_str(self->vcpu));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, self->target[i])
			TH_LOG("CPL3 INS wrote 0x%x into a supervisor page at byte %d",
			       self->target[i], i);
	}
	EXPECT_EQ(PF_VECTOR, uc.args[1]) TH_LOG("the fault CPL3's INS took");
	/* Present, write, user. */
	EXPECT_EQ(7, uc.args[2]) TH_LOG("#PF error code");
	EXPECT_EQ(4, uc.args[3]) TH_LOG("RCX after the fault: nothing done");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(cpl, user_rep_insb_into_a_user_page_works)
{
	struct tv_ucall uc;
	uint64_t *pd;
	int i;

	user_entry = user_insb;
	cpl_vm(self, guest_kernel, true);
	pd = tv_gpa2hva(self->vm, TV_PD_GPA);
	pd[TARGET_PDE] |= 4;
	tv_sync_global_to_guest(self->vm, user_entry);
	run_answering_ins(_metadata, self->vcpu);
	ASSERT_EQ(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc)) TH_LOG("%s", tv_exit_str(self->vcpu));
	EXPECT_EQ(0, uc.args[1]) TH_LOG("CPL3 INS into its own page faulted");
	EXPECT_EQ(0, uc.args[3]) TH_LOG("RCX after the INS");
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(FILL, self->target[i]);
	}
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(cpl, hypercall_from_cpl3_is_refused_with_ud)
{
	struct tv_ucall uc;

	user_entry = user_hypercall;
	cpl_vm(self, guest_kernel, true);
	tv_sync_global_to_guest(self->vm, user_entry);
	TV_ASSERT_RUN_OK(self->vcpu);
	ASSERT_NE(TV_EXIT_HYPERCALL, self->vcpu->run->exit_reason)
		TH_LOG("a hypercall from CPL3 reached userspace");
	ASSERT_EQ(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc)) TH_LOG("%s", tv_exit_str(self->vcpu));
	EXPECT_EQ(UD_VECTOR, uc.args[1]) TH_LOG("the fault a CPL3 hypercall took");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_F(cpl, smap_stops_a_supervisor_ins_into_a_user_page)
{
	uint32_t a, b, c, d;
	struct tv_ucall uc;
	int i;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	if (!(b & (1U << 20)))
		SKIP(return, "the host has no SMAP");
	cpl_vm(self, guest_smap, false);
	run_answering_ins(_metadata, self->vcpu);
	ASSERT_EQ(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc)) TH_LOG("%s", tv_exit_str(self->vcpu));
	EXPECT_EQ(PF_VECTOR, uc.args[1]) TH_LOG("INS at CPL0 with AC clear into a user page");
	/* Present, write; supervisor. */
	EXPECT_EQ(3, uc.args[2]) TH_LOG("#PF error code");
	EXPECT_EQ(4, uc.args[3]) TH_LOG("RCX after the fault");
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, self->target[i]) TH_LOG("byte %d written with AC clear", i);
	}
	EXPECT_EQ(0, uc.args[4]) TH_LOG("INS with AC set: vector | RCX left << 8");
	for (i = 8; i < 12; i++) {
		EXPECT_EQ(FILL, self->target[i]) TH_LOG("byte %d with AC set", i);
	}
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
