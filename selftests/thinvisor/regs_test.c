// SPDX-License-Identifier: GPL-2.0
/*
 * Register state: REGS, SREGS, MSRS, XSAVE and EVENTS round trips, values
 * set by the host seen by the guest and the other way round.
 */
#include <cpuid.h>

#include "tv_test.h"

FIXTURE(regs) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(regs)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(regs)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_done(void)
{
	GUEST_DONE();
}

static void fill_regs(struct tv_regs *r, uint64_t seed)
{
	__u64 *p = &r->rax;
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 16; i++)
		p[i] = seed * (i + 1) ^ 0x5555000000000000ULL;
}

TEST_F(regs, regs_round_trip)
{
	struct tv_regs in, out;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	fill_regs(&in, 0x0123456789abcdefULL);
	in.rip = 0x401234;
	in.rflags = 0x2 | 0x1 | 0x4 | 0x40 | 0x80 | 0x800;	/* CF PF ZF SF OF */
	tv_set_regs(self->vcpu, &in);
	tv_get_regs(self->vcpu, &out);
	EXPECT_EQ(0, memcmp(&in, &out, offsetof(struct tv_regs, reserved)));
	EXPECT_EQ(in.rsp, out.rsp);
	EXPECT_EQ(in.rip, out.rip);
	EXPECT_EQ(in.rflags, out.rflags);
}

/*
 * The guest stores every register the host gave it, then loads new ones:
 * the host sees both, the first in memory, the second with TV_GET_REGS.
 */
TV_BLOB64(blob_regs,
	"mov %rax, 0xe000\n\t"
	"mov %rbx, 0xe008\n\t"
	"mov %rcx, 0xe010\n\t"
	"mov %rdx, 0xe018\n\t"
	"mov %rsi, 0xe020\n\t"
	"mov %rdi, 0xe028\n\t"
	"mov %rsp, 0xe030\n\t"
	"mov %rbp, 0xe038\n\t"
	"mov %r8, 0xe040\n\t"
	"mov %r9, 0xe048\n\t"
	"mov %r10, 0xe050\n\t"
	"mov %r11, 0xe058\n\t"
	"mov %r12, 0xe060\n\t"
	"mov %r13, 0xe068\n\t"
	"mov %r14, 0xe070\n\t"
	"mov %r15, 0xe078\n\t"
	"pushfq\n\t"
	"pop %rax\n\t"
	"mov %rax, 0xe080\n\t"
	"lea (%rip), %rax\n\t"
	"mov %rax, 0xe088\n\t"
	"not %rbp\n\t"
	"not %r8\n\t"
	"not %r9\n\t"
	"not %r10\n\t"
	"not %r11\n\t"
	"not %r12\n\t"
	"not %r13\n\t"
	"not %r14\n\t"
	"not %r15\n\t"
	"mov $0xf00dfeed, %ebx\n\t"
	"stc\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/* The guest address after the blob's LEA (%rip): what that LEA gives. */
static uint64_t lea_rip_next(struct tv_blob b)
{
	static const char lea[] = { 0x48, (char)0x8d, 0x05, 0, 0, 0, 0 };
	const char *p;

	for (p = b.start; p + sizeof(lea) <= b.end; p++)
		if (!memcmp(p, lea, sizeof(lea)))
			return TV_BLOB_GPA + (p - b.start) + sizeof(lea);
	return 0;
}

TEST_F(regs, regs_reach_guest_and_back)
{
	struct tv_regs in, out;
	uint64_t mem[18];
	struct tv_ucall uc;
	const __u64 *pin = &in.rax, *pout = &out.rax;
	int i;

	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB64_OF(blob_regs), &self->vcpu);
	tv_get_regs(self->vcpu, &in);
	{
		uint64_t rip = in.rip, rsp = in.rsp;

		fill_regs(&in, 0x1111111111111111ULL);
		in.rip = rip;
		in.rsp = rsp;
		in.rflags = 0x2 | 0x4 | 0x10;	/* PF AF */
	}
	tv_set_regs(self->vcpu, &in);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	tv_read_guest(self->vm, TV_BLOB_DATA_GPA, mem, sizeof(mem));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(pin[i], mem[i]) TH_LOG("register %d as the guest saw it", i);
	EXPECT_EQ(in.rflags & 0xfd5, mem[16] & 0xfd5);
	EXPECT_EQ(lea_rip_next(TV_BLOB64_OF(blob_regs)), mem[17]) TH_LOG("RIP as the guest saw it");

	tv_get_regs(self->vcpu, &out);
	for (i = 8; i < 16; i++)
		EXPECT_EQ(~pin[i], pout[i]) TH_LOG("register %d after the guest", i);
	EXPECT_EQ(~in.rbp, out.rbp);
	EXPECT_EQ(0xf00dfeed, out.rbx);
	EXPECT_EQ(in.rsp, out.rsp);
	EXPECT_EQ(1, out.rflags & 1) TH_LOG("CF the guest set");
}

static int seg_eq(const struct tv_segment *a, const struct tv_segment *b)
{
	return a->base == b->base && a->limit == b->limit &&
	       a->selector == b->selector && a->attrib == b->attrib;
}

#define EXPECT_SEG(a, b, name)						\
	EXPECT_TRUE(seg_eq(&(a), &(b)))					\
		TH_LOG("%s: base 0x%llx limit 0x%x sel 0x%x attrib 0x%x, expected " \
		       "base 0x%llx limit 0x%x sel 0x%x attrib 0x%x", name, \
		       (b).base, (b).limit, (b).selector, (b).attrib,	\
		       (a).base, (a).limit, (a).selector, (a).attrib)

static void expect_sregs_eq(struct __test_metadata *_metadata,
			    const struct tv_sregs *a, const struct tv_sregs *b)
{
	EXPECT_SEG(a->cs, b->cs, "cs");
	EXPECT_SEG(a->ds, b->ds, "ds");
	EXPECT_SEG(a->es, b->es, "es");
	EXPECT_SEG(a->fs, b->fs, "fs");
	EXPECT_SEG(a->gs, b->gs, "gs");
	EXPECT_SEG(a->ss, b->ss, "ss");
	EXPECT_SEG(a->tr, b->tr, "tr");
	EXPECT_EQ(a->ldt.attrib, b->ldt.attrib);
	EXPECT_EQ(a->gdt.base, b->gdt.base);
	EXPECT_EQ(a->gdt.limit, b->gdt.limit);
	EXPECT_EQ(a->idt.base, b->idt.base);
	EXPECT_EQ(a->idt.limit, b->idt.limit);
	EXPECT_EQ(a->cr0, b->cr0);
	EXPECT_EQ(a->cr3, b->cr3);
	EXPECT_EQ(a->cr4, b->cr4);
	EXPECT_EQ(a->efer, b->efer);
}

/* What SET_SREGS took, GET_SREGS gives, in each mode; the LDT stays unusable. */
TEST_F(regs, sregs_round_trip_each_mode)
{
	enum tv_mode m;

	self->vm = tv_vm_create_std();
	self->vcpu = tv_vcpu_add(self->vm, 0);
	for (m = TV_MODE_REAL16; m <= TV_MODE_LONG64; m++) {
		struct tv_sregs in, out;

		tv_sregs_for_mode(self->vm, m, &in);
		in.fs.base = 0x12345000;
		in.gs.base = 0x7fff00001000ULL & (m == TV_MODE_LONG64 ? ~0ULL : 0xffffffff);
		in.cr2 = 0xabc000;
		tv_set_sregs(self->vcpu, &in);
		tv_get_sregs(self->vcpu, &out);
		expect_sregs_eq(_metadata, &in, &out);
		EXPECT_EQ(in.cr2, out.cr2);
		EXPECT_EQ(0, out.ldt.attrib);
	}
}

static void guest_changes_sregs(void)
{
	asm volatile("mov %0, %%cr2" : : "r"(0xdead000ULL));
	tv_wrmsr(MSR_GS_BASE, 0xffff888000001000ULL);
	tv_wrmsr(MSR_FS_BASE, 0x7f0000002000ULL);
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* What the guest changes, GET_SREGS shows; the rest is what was set. */
TEST_F(regs, sregs_after_guest_changes)
{
	struct tv_sregs before, after;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_changes_sregs, &self->vcpu);
	tv_get_sregs(self->vcpu, &before);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	tv_get_sregs(self->vcpu, &after);
	EXPECT_EQ(0xdead000, after.cr2);
	EXPECT_EQ(0xffff888000001000ULL, after.gs.base);
	EXPECT_EQ(0x7f0000002000ULL, after.fs.base);
	before.gs.base = after.gs.base;
	before.fs.base = after.fs.base;
	expect_sregs_eq(_metadata, &before, &after);
	EXPECT_EQ(0x7f0000002000ULL, tv_get_msr(self->vcpu, MSR_FS_BASE));
	EXPECT_EQ(0xffff888000001000ULL, tv_get_msr(self->vcpu, MSR_GS_BASE));
	EXPECT_EQ(after.efer, tv_get_msr(self->vcpu, MSR_EFER));
}

static const struct {
	uint32_t index;
	uint64_t value;
} msr_values[] = {
	{ MSR_STAR, 0x0023001000000000ULL },
	{ MSR_LSTAR, 0xffffffff81a00000ULL },
	{ MSR_CSTAR, 0xffffffff81a00100ULL },
	{ MSR_SYSCALL_MASK, 0x47700 },
	{ MSR_KERNEL_GS_BASE, 0xffff888012345000ULL },
	{ MSR_FS_BASE, 0x00007f1234567000ULL },
	{ MSR_GS_BASE, 0xffff888076543000ULL },
	{ MSR_IA32_SYSENTER_CS, 0x10 },
	{ MSR_IA32_SYSENTER_ESP, 0xfffffe0000003000ULL },
	{ MSR_IA32_SYSENTER_EIP, 0xffffffff81c00000ULL },
	{ MSR_IA32_CR_PAT, 0x0007040600070406ULL },
	{ MSR_TSC_AUX, 0x1 },
};
#define NR_MSRS (sizeof(msr_values) / sizeof(msr_values[0]))

struct msr_list {
	struct tv_msrs h;
	struct tv_msr_entry e[NR_MSRS + 2];
};

TEST_F(regs, msrs_round_trip)
{
	struct msr_list m = { .h.nmsrs = NR_MSRS };
	unsigned int i;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	for (i = 0; i < NR_MSRS; i++) {
		m.e[i].index = msr_values[i].index;
		m.e[i].data = msr_values[i].value;
	}
	ASSERT_EQ(NR_MSRS, ioctl(self->vcpu->fd, TV_SET_MSRS, &m)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < NR_MSRS; i++)
		m.e[i].data = 0;
	ASSERT_EQ(NR_MSRS, ioctl(self->vcpu->fd, TV_GET_MSRS, &m)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < NR_MSRS; i++)
		EXPECT_EQ(msr_values[i].value, m.e[i].data) TH_LOG("MSR 0x%x", m.e[i].index);
}

static void guest_read_msrs(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		GUEST_SYNC_ARGS(i, tv_rdmsr(msr_values[i].index), 0, 0, 0);
	GUEST_DONE();
}

TEST_F(regs, msrs_set_by_host_read_by_guest)
{
	struct tv_ucall uc;
	unsigned int i;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_read_msrs, &self->vcpu);
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)NR_MSRS);
	for (i = 0; i < NR_MSRS; i++)
		tv_set_msr(self->vcpu, msr_values[i].index, msr_values[i].value);
	for (i = 0; i < NR_MSRS; i++) {
		TV_RUN_SYNC(self->vcpu, &uc, i);
		EXPECT_EQ(msr_values[i].value, uc.args[1]) TH_LOG("MSR 0x%x", msr_values[i].index);
	}
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_write_msrs(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		tv_wrmsr(msr_values[i].index, msr_values[i].value);
	GUEST_DONE();
}

TEST_F(regs, msrs_written_by_guest_read_by_host)
{
	struct tv_ucall uc;
	unsigned int i;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))guest_write_msrs, &self->vcpu);
	tv_vcpu_set_args(self->vcpu, 1, (uint64_t)NR_MSRS);
	TV_RUN_DONE(self->vcpu, &uc);
	for (i = 0; i < NR_MSRS; i++)
		EXPECT_EQ(msr_values[i].value, tv_get_msr(self->vcpu, msr_values[i].index))
			TH_LOG("MSR 0x%x", msr_values[i].index);
}

/* GET/SET_MSRS stop at the first MSR the module does not know. */
TEST_F(regs, msrs_stop_at_unknown)
{
	struct msr_list m = { .h.nmsrs = 3 };

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	m.e[0].index = MSR_STAR;
	m.e[1].index = 0x40004000;
	m.e[2].index = MSR_LSTAR;
	m.e[2].data = 0xffffffff81000000ULL;
	EXPECT_EQ(1, ioctl(self->vcpu->fd, TV_GET_MSRS, &m));
	EXPECT_EQ(1, ioctl(self->vcpu->fd, TV_SET_MSRS, &m));
	EXPECT_NE(0xffffffff81000000ULL, tv_get_msr(self->vcpu, MSR_LSTAR));
}

static void guest_unknown_msr(void)
{
	uint64_t v = 0;

	GUEST_ASSERT_EQ(tv_rdmsr_safe(0x40004000, &v), 13);
	GUEST_ASSERT_EQ(tv_wrmsr_safe(0x40004000, 1), 13);
	/* A known one does not fault. */
	GUEST_ASSERT_EQ(tv_rdmsr_safe(MSR_LSTAR, &v), 0);
	GUEST_DONE();
}

/* Without TV_CAP_MSR_EXIT_USER, an unknown MSR is #GP in the guest. */
TEST_F(regs, unknown_msr_is_gp)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_unknown_msr, &self->vcpu);
	TV_RUN_DONE(self->vcpu, &uc);
}

#define MSR_MISC_ENABLE		0x1a0
#define MISC_FAST_STRING	(1ULL << 0)
#define MISC_XD_DISABLE		(1ULL << 34)

/*
 * IA32_MISC_ENABLE reads without a fault (Linux reads it before it has an
 * IDT): fast strings on, XD not disabled.  Writing fast strings off and
 * on is taken; setting XD_DISABLE is #GP and changes nothing.
 */
static void guest_misc_enable(void)
{
	uint64_t v, w;

	GUEST_ASSERT_EQ(tv_rdmsr_safe(MSR_MISC_ENABLE, &v), 0);
	GUEST_ASSERT(v & MISC_FAST_STRING);
	GUEST_ASSERT(!(v & MISC_XD_DISABLE));
	GUEST_ASSERT_EQ(tv_wrmsr_safe(MSR_MISC_ENABLE, v & ~MISC_FAST_STRING), 0);
	GUEST_ASSERT_EQ(tv_rdmsr_safe(MSR_MISC_ENABLE, &w), 0);
	GUEST_ASSERT_EQ(w, v & ~MISC_FAST_STRING);
	GUEST_ASSERT_EQ(tv_wrmsr_safe(MSR_MISC_ENABLE, v), 0);
	GUEST_ASSERT_EQ(tv_wrmsr_safe(MSR_MISC_ENABLE, v | MISC_XD_DISABLE), 13);
	GUEST_ASSERT_EQ(tv_rdmsr_safe(MSR_MISC_ENABLE, &w), 0);
	GUEST_ASSERT_EQ(w, v);
	GUEST_DONE();
}

TEST_F(regs, misc_enable_reads_and_keeps_xd)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_misc_enable, &self->vcpu);
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_tsc(void)
{
	uint64_t a = tv_rdmsr(MSR_IA32_TSC), b, lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	b = tv_rdmsr(MSR_IA32_TSC);
	GUEST_ASSERT(b > a);
	GUEST_ASSERT((hi << 32 | lo) >= a);
	GUEST_SYNC_ARGS(1, a, b, 0, 0);
	GUEST_DONE();
}

TEST_F(regs, tsc_advances)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_tsc, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_NE(0, uc.args[1]);
}

/* --- XSAVE ----------------------------------------------------------- */

#define XSAVE_MXCSR	6	/* u32 index of MXCSR */
#define XSAVE_XMM(n)	(40 + 4 * (n))	/* u32 index of XMMn */
#define XSAVE_BV	128	/* u32 index of XSTATE_BV */

TEST_F(regs, xsave_round_trip)
{
	struct tv_xsave *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	ASSERT_TRUE(a && b);
	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	tv_get_xsave(self->vcpu, a);
	a->region[XSAVE_XMM(5)] = 0x55555555;
	a->region[XSAVE_XMM(5) + 3] = 0xaaaaaaaa;
	a->region[XSAVE_BV] |= 3;
	tv_set_xsave(self->vcpu, a);
	tv_get_xsave(self->vcpu, b);
	EXPECT_EQ(0x55555555, b->region[XSAVE_XMM(5)]);
	EXPECT_EQ(0xaaaaaaaa, b->region[XSAVE_XMM(5) + 3]);
	EXPECT_EQ(0, memcmp(a->region, b->region, 512)) TH_LOG("the legacy area changed");
	free(a);
	free(b);
}

TV_BLOB64(blob_sse,
	"movdqu %xmm0, 0xe000\n\t"
	"movdqu %xmm1, 0xe010\n\t"
	"movdqu %xmm7, 0xe020\n\t"
	"stmxcsr 0xe030\n\t"
	"movabs $0x0123456789abcdef, %rax\n\t"
	"movq %rax, %xmm3\n\t"
	"pinsrq $1, %rax, %xmm3\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/* SSE registers set with SET_XSAVE reach the guest; its own come back. */
TEST_F(regs, xsave_sse_between_host_and_guest)
{
	struct tv_xsave *x = calloc(1, sizeof(*x));
	uint32_t mem[13];
	struct tv_ucall uc;
	int i;

	ASSERT_NE(NULL, x);
	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB64_OF(blob_sse), &self->vcpu);
	tv_get_xsave(self->vcpu, x);
	for (i = 0; i < 4; i++) {
		x->region[XSAVE_XMM(0) + i] = 0x10101010 * (i + 1);
		x->region[XSAVE_XMM(1) + i] = 0xdeadbeef ^ i;
		x->region[XSAVE_XMM(7) + i] = 0x70000000 + i;
	}
	x->region[XSAVE_MXCSR] = 0x1f80 | 0x6000;	/* round toward zero */
	x->region[XSAVE_BV] |= 3;			/* x87 and SSE state present */
	tv_set_xsave(self->vcpu, x);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	tv_read_guest(self->vm, TV_BLOB_DATA_GPA, mem, sizeof(mem));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0x10101010 * (i + 1), mem[i]) TH_LOG("xmm0[%d]", i);
		EXPECT_EQ(0xdeadbeef ^ i, mem[4 + i]) TH_LOG("xmm1[%d]", i);
		EXPECT_EQ(0x70000000 + i, mem[8 + i]) TH_LOG("xmm7[%d]", i);
	}
	EXPECT_EQ(0x7f80, mem[12]) TH_LOG("MXCSR");
	tv_get_xsave(self->vcpu, x);
	EXPECT_EQ(0x89abcdef, x->region[XSAVE_XMM(3)]);
	EXPECT_EQ(0x01234567, x->region[XSAVE_XMM(3) + 1]);
	EXPECT_EQ(0x89abcdef, x->region[XSAVE_XMM(3) + 2]);
	EXPECT_EQ(0x01234567, x->region[XSAVE_XMM(3) + 3]);
	free(x);
}

/* --- XCR0 ------------------------------------------------------------ */

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (uint64_t)hi << 32;
}

#define X86_CR4_OSXSAVE	(1UL << 18)

/*
 * The guest turns on CR4.OSXSAVE and sets XCR0 to x87 only, then to
 * x87+SSE, with no exit in between; each value must outlive the exits
 * that follow (a CPUID and the ucall each exit), whether or not the CPU
 * made XSETBV exit (QEMU's nested SVM does not).
 */
static void guest_sets_xcr0(void)
{
	uint64_t cr4;
	uint32_t a, b, c, d;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_OSXSAVE));
	asm volatile("xsetbv" : : "a"(1), "d"(0), "c"(0));
	tv_cpuid(0, 0, &a, &b, &c, &d);
	GUEST_SYNC_ARGS(1, xgetbv0(), 0, 0, 0);
	asm volatile("xsetbv" : : "a"(3), "d"(0), "c"(0));
	tv_cpuid(0, 0, &a, &b, &c, &d);
	GUEST_SYNC_ARGS(2, xgetbv0(), 0, 0, 0);
	GUEST_SYNC_ARGS(3, xgetbv0(), 0, 0, 0);
	GUEST_DONE();
}

/* ... and the host's own XCR0 is back whenever the host runs. */
TEST_F(regs, xcr0_set_by_guest_outlives_exits)
{
	uint32_t a, b, c, d;
	uint64_t host_xcr0;
	struct tv_ucall uc;
	int stage;

	__cpuid_count(1, 0, a, b, c, d);
	if (!(c & (1U << 27)))
		SKIP(return, "the host has no OSXSAVE");
	host_xcr0 = xgetbv0();
	self->vm = tv_vm_create_with_vcpu(guest_sets_xcr0, &self->vcpu);
	for (stage = 1; stage <= 3; stage++) {
		TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
		ASSERT_EQ(stage, uc.args[0]);
		EXPECT_EQ(stage == 1 ? 1 : 3, uc.args[1]) TH_LOG("XCR0 the guest saw at stage %d", stage);
		EXPECT_EQ(host_xcr0, xgetbv0()) TH_LOG("XCR0 of the host after stage %d", stage);
	}
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_DONE);
}

/* --- EVENTS ---------------------------------------------------------- */

TEST_F(regs, events_round_trip)
{
	struct tv_events ev, ev2;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	memset(&ev, 0xff, sizeof(ev));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
	/* A new vCPU has nothing pending. */
	EXPECT_EQ(0, ev.exception.flags & TV_EVENT_VALID);
	EXPECT_EQ(0, ev.interrupt.flags & TV_EVENT_VALID);
	EXPECT_EQ(0, ev.nmi_pending);
	EXPECT_EQ(0, ev.reserved[0]);

	/* Every field that SET_EVENTS takes, each one nonzero, comes back. */
	memset(&ev, 0, sizeof(ev));
	ev.exception.vector = 13;
	ev.exception.flags = TV_EVENT_VALID | TV_EVENT_HAS_ERROR;
	ev.exception.error_code = 0x18;
	ev.interrupt.vector = 0x31;
	ev.interrupt.flags = TV_EVENT_VALID;
	ev.nmi_pending = 1;
	ev.interrupt_shadow = 1;
	ev.wait_for_sipi = 1;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
	memset(&ev2, 0xff, sizeof(ev2));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev2));
	EXPECT_EQ(13, ev2.exception.vector);
	EXPECT_EQ(TV_EVENT_VALID | TV_EVENT_HAS_ERROR, ev2.exception.flags);
	EXPECT_EQ(0x18, ev2.exception.error_code);
	EXPECT_EQ(0x31, ev2.interrupt.vector);
	EXPECT_EQ(TV_EVENT_VALID, ev2.interrupt.flags);
	EXPECT_EQ(1, ev2.nmi_pending);
	EXPECT_EQ(1, ev2.interrupt_shadow);
	EXPECT_EQ(1, ev2.wait_for_sipi);
	EXPECT_EQ(0, memcmp(&ev, &ev2, sizeof(ev)));

	/* And clearing them all clears them. */
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev));
	memset(&ev2, 0xff, sizeof(ev2));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev2));
	EXPECT_EQ(0, memcmp(&ev, &ev2, sizeof(ev)));
}

static void guest_ud_handler(struct tv_ex_frame *f)
{
	f->rip += 2;	/* over the UD2 */
	f->rbx = 0x600d;
}

static void guest_expects_ud(void)
{
	uint64_t rbx = 0;

	tv_guest_handlers[6] = guest_ud_handler;
	asm volatile("ud2" : "+b"(rbx));
	GUEST_ASSERT_EQ(rbx, 0x600d);
	GUEST_DONE();
}

TEST_F(regs, guest_idt_catches_exceptions)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_expects_ud, &self->vcpu);
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB64(blob_inject,
	"xor %ebx, %ebx\n\t"
	TV_BLOB_SYNC
	"nop\n\t"
	"nop\n\t"
	TV_BLOB_DONE);

/*
 * An exception the host injects with SET_EVENTS is delivered through the
 * guest's IDT before the next instruction: the guest's #UD handler skips
 * the two NOPs and sets RBX.
 */
TEST_F(regs, injected_exception_reaches_guest)
{
	struct tv_events ev;
	struct tv_regs r;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_blob(TV_MODE_LONG64, TV_BLOB64_OF(blob_inject), &self->vcpu);
	tv_guest_handlers[6] = guest_ud_handler;
	tv_sync_global_to_guest(self->vm, tv_guest_handlers);
	tv_get_regs(self->vcpu, &r);
	r.rsp = tv_vm_alloc(self->vm, 16384) + 16384;	/* room for the C handler */
	tv_set_regs(self->vcpu, &r);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	ev.exception.vector = 6;
	ev.exception.flags = TV_EVENT_VALID;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_SET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_DONE);
	EXPECT_EQ(0x600d, uc.args[0]) TH_LOG("RBX: the #UD handler did not run");
}

TEST_HARNESS_MAIN
