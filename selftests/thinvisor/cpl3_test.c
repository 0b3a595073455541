// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code at CPL3: the guest's kernel IRETs to user code, which makes an
 * exit from ring 3 (an OUT, allowed by IOPL 3) and then runs a privileged
 * instruction; the #GP goes through the TSS's RSP0 stack to the guest
 * kernel's handler, which returns to ring 0.  The host sees the vCPU's
 * CPL at the exit from ring 3.
 */
#include "tv_test.h"
#include "tv_ring3.h"

FIXTURE(cpl3) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(cpl3)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(cpl3)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static uint64_t user_stack[512] __attribute__((aligned(16)));
static volatile uint64_t gp_count, gp_cs, gp_error, kernel_rsp;

static void back_in_kernel(void)
{
	uint16_t cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	GUEST_SYNC_ARGS(2, gp_count, gp_cs, gp_error, cs);
	GUEST_DONE();
	for (;;)
		;
}

/* #GP from ring 3: note it, and IRET to ring 0 at back_in_kernel. */
static void on_gp(struct tv_ex_frame *f)
{
	gp_count++;
	gp_cs = f->cs;
	gp_error = f->error_code;
	f->rip = (uint64_t)back_in_kernel;
	f->cs = TV_SEL_CODE64;
	f->ss = TV_SEL_DATA;
	f->rsp = (kernel_rsp & ~15ULL) - 8;
	f->rflags = 2;
}

static void user_code(void)
{
	uint16_t cs, ss;

	asm volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	GUEST_SYNC_ARGS(1, cs, ss, 0, 0);	/* an OUT from ring 3 */
	asm volatile("hlt");			/* #GP at CPL > 0 */
	for (;;)
		;
}

static void guest_kernel(void)
{
	uint64_t rsp;

	tv_guest_handlers[13] = on_gp;
	asm volatile("mov %%rsp, %0" : "=r"(rsp));
	kernel_rsp = rsp - 256;
	tv_guest_iret_to_ring3(user_code, &user_stack[510]);
}

TEST_F(cpl3, ring3_code_exits_and_faults_to_ring0)
{
	struct tv_sregs s;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_kernel, &self->vcpu);
	/* User-accessible pages: U in every entry of the one-to-one map. */
	tv_vm_ring3_setup(self->vm, self->vcpu);
	tv_vm_user_pages(self->vm, -1);

	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(TV_SEL_UCODE, uc.args[1]);
	EXPECT_EQ(TV_SEL_UDATA, uc.args[2]);
	tv_get_sregs(self->vcpu, &s);
	EXPECT_EQ(TV_SEL_UCODE, s.cs.selector) TH_LOG("the exit did not come from ring 3");
	EXPECT_EQ(3, (s.cs.attrib >> 5) & 3) TH_LOG("CS.DPL at the exit: the CPL");
	EXPECT_EQ(3, (s.ss.attrib >> 5) & 3) TH_LOG("SS.DPL at the exit");

	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("#GPs from ring 3");
	EXPECT_EQ(TV_SEL_UCODE, uc.args[2]) TH_LOG("CS the #GP came from");
	EXPECT_EQ(0, uc.args[3]);
	EXPECT_EQ(TV_SEL_CODE64, uc.args[4]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
