// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code at CPL3: the guest's kernel IRETs to user code, which makes an
 * exit from ring 3 (an OUT, allowed by IOPL 3) and then runs a privileged
 * instruction; the #GP goes through the TSS's RSP0 stack to the guest
 * kernel's handler, which returns to ring 0.  The host sees the vCPU's
 * CPL at the exit from ring 3.
 */
#include "tv_test.h"

#define SEL_UDATA	(0x40 | 3)	/* GDT entries 8 and 9, DPL 3 */
#define SEL_UCODE	(0x48 | 3)

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
	asm volatile("push %[ss]\n\t"
		     "push %[usp]\n\t"
		     "push %[fl]\n\t"
		     "push %[cs]\n\t"
		     "push %[rip]\n\t"
		     "iretq"
		     : : [ss] "i"(SEL_UDATA), [usp] "r"((uint64_t)&user_stack[510]),
		         [fl] "i"(0x3002), [cs] "i"(SEL_UCODE), [rip] "r"((uint64_t)user_code)
		     : "memory");
}

/* A flat 64-bit segment descriptor, DPL 3. */
static uint64_t user_desc(bool code)
{
	uint64_t d = 0xffffULL | (0xfULL << 48);	/* limit */

	d |= (uint64_t)(code ? 0xfb : 0xf3) << 40;	/* P, DPL 3, S, type */
	d |= code ? 1ULL << 53 : 1ULL << 54;		/* L for code, D/B for data */
	d |= 1ULL << 55;				/* G */
	return d;
}

TEST_F(cpl3, ring3_code_exits_and_faults_to_ring0)
{
	uint64_t *gdt, *pt, stack;
	struct tv_sregs s;
	struct tv_ucall uc;
	int i;

	self->vm = tv_vm_create_with_vcpu(guest_kernel, &self->vcpu);
	/* User-accessible pages: U in every entry of the one-to-one map. */
	pt = tv_gpa2hva(self->vm, TV_PML4_GPA);
	pt[0] |= 4;
	pt = tv_gpa2hva(self->vm, TV_PDPT_GPA);
	for (i = 0; i < 4; i++)
		pt[i] |= 4;
	pt = tv_gpa2hva(self->vm, TV_PD_GPA);
	for (i = 0; i < 4 * 512; i++)
		pt[i] |= 4;
	gdt = tv_gpa2hva(self->vm, TV_GDT_GPA);
	gdt[SEL_UDATA >> 3] = user_desc(false);
	gdt[SEL_UCODE >> 3] = user_desc(true);
	/* RSP0 in the 64-bit TSS (offset 4): the stack a fault from ring 3 uses. */
	stack = tv_vm_alloc(self->vm, 16384) + 16384;
	memcpy((char *)tv_gpa2hva(self->vm, TV_TSS_GPA) + 4, &stack, 8);
	tv_get_sregs(self->vcpu, &s);
	s.gdt.limit = 10 * 8 - 1;
	tv_set_sregs(self->vcpu, &s);

	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(SEL_UCODE, uc.args[1]);
	EXPECT_EQ(SEL_UDATA, uc.args[2]);
	tv_get_sregs(self->vcpu, &s);
	EXPECT_EQ(SEL_UCODE, s.cs.selector) TH_LOG("the exit did not come from ring 3");
	EXPECT_EQ(3, (s.cs.attrib >> 5) & 3) TH_LOG("CS.DPL at the exit: the CPL");
	EXPECT_EQ(3, (s.ss.attrib >> 5) & 3) TH_LOG("SS.DPL at the exit");

	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("#GPs from ring 3");
	EXPECT_EQ(SEL_UCODE, uc.args[2]) TH_LOG("CS the #GP came from");
	EXPECT_EQ(0, uc.args[3]);
	EXPECT_EQ(TV_SEL_CODE64, uc.args[4]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
