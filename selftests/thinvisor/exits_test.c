// SPDX-License-Identifier: GPL-2.0
/*
 * Every exit to userspace, and the exits the module answers itself (CPUID,
 * HLT), from 16-bit real mode, 32-bit protected mode and 64-bit long mode.
 * The guests are asm blobs assembled three times (tv_blob.h).
 */
#include <pthread.h>
#include <signal.h>

#include <cpuid.h>

#include "tv_test.h"

/* One instruction that differs by mode. */
#define BY_MODE(i16, i32, i64)						\
	".if TV_BITS == 16\n\t" i16 "\n\t"				\
	".elseif TV_BITS == 32\n\t" i32 "\n\t"				\
	".else\n\t" i64 "\n\t.endif\n\t"

/* BX (16-bit: ES:BX) addresses TV_MMIO_GPA. */
#define MMIO_BASE							\
	BY_MODE("mov $" TV_STR(TV_MMIO_GPA >> 4) ", %ax\n\tmov %ax, %es\n\txor %ebx, %ebx", \
		"mov $" TV_STR(TV_MMIO_GPA) ", %ebx",			\
		"mov $" TV_STR(TV_MMIO_GPA) ", %ebx")
#define MMIO(op, off)							\
	BY_MODE(op " %es:" #off "(%bx)", op " " #off "(%ebx)", op " " #off "(%rbx)")

FIXTURE(exits) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_VARIANT(exits) {
	enum tv_mode mode;
};

FIXTURE_VARIANT_ADD(exits, real16) { .mode = TV_MODE_REAL16 };
FIXTURE_VARIANT_ADD(exits, prot32) { .mode = TV_MODE_PROT32 };
FIXTURE_VARIANT_ADD(exits, long64) { .mode = TV_MODE_LONG64 };

FIXTURE_SETUP(exits)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(exits)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

#define CREATE(blob)							\
	(self->vm = tv_vm_create_with_blob(variant->mode,		\
			TV_BLOB_FOR(blob, variant->mode), &self->vcpu))

/* The guest-linear address of the vCPU's RIP. */
static uint64_t linear_rip(struct tv_vcpu *vcpu)
{
	struct tv_regs r;
	struct tv_sregs s;

	tv_get_regs(vcpu, &r);
	tv_get_sregs(vcpu, &s);
	return s.cs.base + r.rip;
}

#define ASSERT_IO(vcpu, dir, sz, prt, cnt) do {				\
	struct tv_run *__r = (vcpu)->run;				\
	TV_ASSERT_RUN_OK(vcpu);						\
	TV_ASSERT_EXIT(vcpu, TV_EXIT_IO);				\
	ASSERT_EQ((dir), __r->io.direction) TH_LOG("%s", tv_exit_str(vcpu)); \
	ASSERT_EQ((sz), __r->io.size) TH_LOG("%s", tv_exit_str(vcpu));	\
	ASSERT_EQ((prt), __r->io.port) TH_LOG("%s", tv_exit_str(vcpu));	\
	ASSERT_EQ((cnt), __r->io.count) TH_LOG("%s", tv_exit_str(vcpu)); \
	ASSERT_GE((vcpu)->run_size, __r->io.data_offset + (sz) * (cnt)); \
	ASSERT_LE(sizeof(struct tv_run) - 256, __r->io.data_offset);	\
} while (0)

/* --- port I/O -------------------------------------------------------- */

TV_BLOB(blob_io_out,
	"mov $0x11, %eax\n\t"
	"outb %al, $0x80\n\t"
	"mov $0x1234, %edx\n\t"
	"mov $0x2233, %eax\n\t"
	"outw %ax, %dx\n\t"
	"mov $0xfffc, %edx\n\t"
	"mov $0x44556677, %eax\n\t"
	"outl %eax, %dx\n\t"
	TV_BLOB_DONE);

TEST_F(exits, io_out_sizes)
{
	struct tv_ucall uc;
	uint32_t v = 0;

	CREATE(blob_io_out);
	ASSERT_IO(self->vcpu, TV_IO_OUT, 1, 0x80, 1);
	EXPECT_EQ(0x11, *(uint8_t *)tv_io_data(self->vcpu));
	ASSERT_IO(self->vcpu, TV_IO_OUT, 2, 0x1234, 1);
	memcpy(&v, tv_io_data(self->vcpu), 2);
	EXPECT_EQ(0x2233, v);
	ASSERT_IO(self->vcpu, TV_IO_OUT, 4, 0xfffc, 1);
	memcpy(&v, tv_io_data(self->vcpu), 4);
	EXPECT_EQ(0x44556677, v);
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB(blob_io_in,
	"mov $0xaabbccdd, %eax\n\t"
	"inb $0x61, %al\n\t"
	"mov %eax, %ebx\n\t"
	"mov $0x1234, %edx\n\t"
	"mov $0xaabbccdd, %eax\n\t"
	"inw %dx, %ax\n\t"
	"mov %eax, %ecx\n\t"
	"mov $0xcfc, %edx\n\t"
	"inl %dx, %eax\n\t"
	"mov %eax, %esi\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/* IN: what userspace writes at data_offset lands in the guest's AL/AX/EAX. */
TEST_F(exits, io_in_sizes)
{
	struct tv_ucall uc;
	uint32_t v;

	CREATE(blob_io_in);
	ASSERT_IO(self->vcpu, TV_IO_IN, 1, 0x61, 1);
	*(uint8_t *)tv_io_data(self->vcpu) = 0x5e;
	ASSERT_IO(self->vcpu, TV_IO_IN, 2, 0x1234, 1);
	v = 0xbeef;
	memcpy(tv_io_data(self->vcpu), &v, 2);
	ASSERT_IO(self->vcpu, TV_IO_IN, 4, 0xcfc, 1);
	v = 0x80001234;
	memcpy(tv_io_data(self->vcpu), &v, 4);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(0xaabbcc5e, uc.args[0]);
	EXPECT_EQ(0xaabbbeef, uc.args[1]);
	EXPECT_EQ(0x80001234, uc.args[3]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB(blob_io_rep_out,
	"movl $0x44332211, " TV_STR(TV_BLOB_DATA_GPA) "\n\t"
	"movl $0x88776655, " TV_STR(TV_BLOB_DATA_GPA + 4) "\n\t"
	"movl $0xccbbaa99, " TV_STR(TV_BLOB_DATA_GPA + 8) "\n\t"
	"mov $" TV_STR(TV_BLOB_DATA_GPA) ", %esi\n\t"
	"mov $11, %ecx\n\t"
	"mov $0x3f8, %edx\n\t"
	"cld\n\t"
	"rep outsb\n\t"
	"mov %ecx, %ebx\n\t"
	"mov %esi, %ecx\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/* REP OUTSB: the bytes come out in order, count > 1 per exit. */
TEST_F(exits, io_rep_outsb)
{
	uint8_t got[16];
	struct tv_ucall uc;
	unsigned int n = 0, exits = 0, i;

	CREATE(blob_io_rep_out);
	while (n < 11) {
		struct tv_run *run = self->vcpu->run;

		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_IO);
		ASSERT_EQ(0x3f8, run->io.port) TH_LOG("%s", tv_exit_str(self->vcpu));
		ASSERT_EQ(TV_IO_OUT, run->io.direction);
		ASSERT_EQ(1, run->io.size);
		ASSERT_LE(1, run->io.count);
		ASSERT_GE(11 - n, run->io.count);
		if (!exits)
			EXPECT_LT(1, run->io.count) TH_LOG("REP OUTSB gave one byte per exit");
		memcpy(got + n, tv_io_data(self->vcpu), run->io.count);
		n += run->io.count;
		exits++;
	}
	for (i = 0; i < 11; i++)
		EXPECT_EQ(0x11 * (i + 1), got[i]) TH_LOG("byte %u", i);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(0, (uint32_t)uc.args[0]);			/* ECX */
	EXPECT_EQ(TV_BLOB_DATA_GPA + 11, (uint32_t)uc.args[1]);	/* ESI */
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB(blob_io_rep_in,
	"mov $" TV_STR(TV_BLOB_DATA_GPA + 0x100) ", %edi\n\t"
	"mov $7, %ecx\n\t"
	"mov $0x2f8, %edx\n\t"
	"cld\n\t"
	"rep insw\n\t"
	"mov %ecx, %ebx\n\t"
	"mov %edi, %ecx\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/* REP INSW: what userspace gives lands in guest memory, in order. */
TEST_F(exits, io_rep_insw)
{
	uint16_t got[7];
	struct tv_ucall uc;
	unsigned int n = 0, i;

	CREATE(blob_io_rep_in);
	while (n < 7) {
		struct tv_run *run = self->vcpu->run;
		uint16_t *d;

		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_IO);
		ASSERT_EQ(0x2f8, run->io.port) TH_LOG("%s", tv_exit_str(self->vcpu));
		ASSERT_EQ(TV_IO_IN, run->io.direction);
		ASSERT_EQ(2, run->io.size);
		ASSERT_LE(1, run->io.count);
		ASSERT_GE(7 - n, run->io.count);
		d = tv_io_data(self->vcpu);
		for (i = 0; i < run->io.count; i++)
			d[i] = 0x1000 + n + i;
		n += run->io.count;
	}
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(0, (uint32_t)uc.args[0]);				/* ECX */
	EXPECT_EQ(TV_BLOB_DATA_GPA + 0x100 + 14, (uint32_t)uc.args[1]);	/* EDI */
	tv_read_guest(self->vm, TV_BLOB_DATA_GPA + 0x100, got, sizeof(got));
	for (i = 0; i < 7; i++)
		EXPECT_EQ(0x1000 + i, got[i]) TH_LOG("word %u", i);
	TV_RUN_DONE(self->vcpu, &uc);
}

/* --- MMIO ------------------------------------------------------------ */

TV_BLOB(blob_mmio,
	MMIO_BASE
	"mov $0x5a, %ecx\n\t"
	MMIO("movb %cl,", 0)
	"mov $0xbeef, %ecx\n\t"
	MMIO("movw %cx,", 0x10)
	"mov $0xdeadbeef, %ecx\n\t"
	MMIO("movl %ecx,", 0x20)
	".if TV_BITS == 64\n\t"
	"movabs $0x0123456789abcdef, %rcx\n\t"
	"movq %rcx, 0x30(%rbx)\n\t"
	".endif\n\t"
	"mov $0xffffffff, %ecx\n\t"
	BY_MODE("movb %es:0x40(%bx), %cl", "movb 0x40(%ebx), %cl", "movb 0x40(%rbx), %cl")
	"mov $0xffffffff, %edx\n\t"
	BY_MODE("movw %es:0x50(%bx), %dx", "movw 0x50(%ebx), %dx", "movw 0x50(%rbx), %dx")
	BY_MODE("movl %es:0x60(%bx), %esi", "movl 0x60(%ebx), %esi", "movl 0x60(%rbx), %esi")
	".if TV_BITS == 64\n\t"
	"movq 0x70(%rbx), %rbx\n\t"
	".else\n\t"
	"xor %ebx, %ebx\n\t"
	".endif\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

static void expect_mmio(struct __test_metadata *_metadata, struct tv_vcpu *vcpu,
			uint64_t gpa, uint32_t len, int is_write, uint64_t wdata,
			uint64_t rdata)
{
	struct tv_run *run = vcpu->run;
	uint64_t d = 0;

	TV_ASSERT_RUN_OK(vcpu);
	TV_ASSERT_EXIT(vcpu, TV_EXIT_MMIO);
	ASSERT_EQ(gpa, run->mmio.phys_addr) TH_LOG("%s", tv_exit_str(vcpu));
	ASSERT_EQ(len, run->mmio.len) TH_LOG("%s", tv_exit_str(vcpu));
	ASSERT_EQ(is_write, run->mmio.is_write) TH_LOG("%s", tv_exit_str(vcpu));
	if (is_write) {
		memcpy(&d, run->mmio.data, len);
		EXPECT_EQ(wdata, d);
	} else {
		memcpy(run->mmio.data, &rdata, len);
	}
}

TEST_F(exits, mmio_read_write)
{
	int is64 = variant->mode == TV_MODE_LONG64;
	struct tv_ucall uc;

	CREATE(blob_mmio);
	expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA, 1, 1, 0x5a, 0);
	expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x10, 2, 1, 0xbeef, 0);
	expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x20, 4, 1, 0xdeadbeef, 0);
	if (is64)
		expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x30, 8, 1,
			    0x0123456789abcdefULL, 0);
	expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x40, 1, 0, 0, 0xc3);
	expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x50, 2, 0, 0, 0x9876);
	expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x60, 4, 0, 0, 0x87654321);
	if (is64)
		expect_mmio(_metadata, self->vcpu, TV_MMIO_GPA + 0x70, 8, 0, 0,
			    0xfedcba9876543210ULL);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(is64 ? 0xfedcba9876543210ULL : 0, uc.args[0]);
	EXPECT_EQ(0xffffffc3, uc.args[1]);
	EXPECT_EQ(0xffff9876, uc.args[2]);
	EXPECT_EQ(0x87654321, uc.args[3]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB(blob_mmio_undecodable,
	MMIO_BASE
	MMIO("fnstenv", 0x80)
	TV_BLOB_DONE);

/*
 * An instruction the module does not emulate on MMIO (FNSTENV writes 14 or
 * 28 bytes) ends in TV_EXIT_INTERNAL_ERROR with its bytes.
 */
TEST_F(exits, mmio_undecodable_is_internal_error)
{
	struct tv_run *run;
	uint8_t insn[16];
	uint64_t rip;
	unsigned int i;

	CREATE(blob_mmio_undecodable);
	run = self->vcpu->run;
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(TV_INTERNAL_EMULATION, run->internal.suberror);
	EXPECT_EQ(TV_MMIO_GPA + 0x80, run->internal.gpa);
	ASSERT_LE(2, run->internal.ninsn);
	ASSERT_GE(16, run->internal.ninsn);
	rip = linear_rip(self->vcpu);
	tv_read_guest(self->vm, rip, insn, run->internal.ninsn);
	for (i = 0; i < run->internal.ninsn; i++)
		EXPECT_EQ(insn[i], run->internal.insn[i]) TH_LOG("byte %u", i);
	/* The instruction is D9 /6, after a segment prefix in 16-bit code. */
	EXPECT_EQ(0xd9, insn[variant->mode == TV_MODE_REAL16 ? 1 : 0]);
}

/* --- hypercall ------------------------------------------------------- */

TV_BLOB(blob_hypercall,
	"mov $0x77, %eax\n\t"
	"mov $0x11, %ebx\n\t"
	"mov $0x22, %ecx\n\t"
	"mov $0x33, %edx\n\t"
	"mov $0x44, %esi\n\t"
	TV_BLOB_HYPERCALL
	BY_MODE("mov %eax, %ebx", "mov %eax, %ebx", "mov %rax, %rbx")
	TV_BLOB_SYNC
	TV_BLOB_DONE);

TEST_F(exits, hypercall)
{
	struct tv_run *run;
	struct tv_ucall uc;

	CREATE(blob_hypercall);
	run = self->vcpu->run;
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_HYPERCALL);
	EXPECT_EQ(0x77, run->hypercall.nr);
	EXPECT_EQ(0x11, run->hypercall.args[0]);
	EXPECT_EQ(0x22, run->hypercall.args[1]);
	EXPECT_EQ(0x33, run->hypercall.args[2]);
	EXPECT_EQ(0x44, run->hypercall.args[3]);
	run->hypercall.ret = 0x12345678feedfaceULL;
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	/* 16/32-bit code sees EAX only. */
	EXPECT_EQ(variant->mode == TV_MODE_LONG64 ? 0x12345678feedfaceULL : 0xfeedface,
		  variant->mode == TV_MODE_LONG64 ? uc.args[0] : (uint32_t)uc.args[0]);
	TV_RUN_DONE(self->vcpu, &uc);
}

/* --- triple fault ---------------------------------------------------- */

TV_BLOB(blob_shutdown,
	"movl $0, " TV_STR(TV_BLOB_DATA_GPA) "\n\t"
	"movl $0, " TV_STR(TV_BLOB_DATA_GPA + 4) "\n\t"
	"movl $0, " TV_STR(TV_BLOB_DATA_GPA + 8) "\n\t"
	"lidt " TV_STR(TV_BLOB_DATA_GPA) "\n\t"
	"mov $0x5a5a5a5a, %ebx\n\t"
	"mov $0x600df00d, %ebp\n\t"
	"ud2\n\t"
	TV_BLOB_DONE);

/* #UD with an empty IDT: triple fault; the registers are still there. */
TEST_F(exits, shutdown_keeps_registers)
{
	struct tv_blob b = TV_BLOB_FOR(blob_shutdown, variant->mode);
	struct tv_events ev;
	struct tv_regs regs;
	struct tv_sregs sregs;
	uint64_t ud2 = 0;
	const char *p;

	for (p = b.end - 2; p > b.start; p--)
		if (p[0] == 0x0f && p[1] == 0x0b) {
			ud2 = TV_BLOB_GPA + (p - b.start);
			break;
		}
	ASSERT_NE(0, ud2);
	CREATE(blob_shutdown);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_SHUTDOWN);
	tv_get_regs(self->vcpu, &regs);
	tv_get_sregs(self->vcpu, &sregs);
	EXPECT_EQ(0x5a5a5a5a, regs.rbx);
	EXPECT_EQ(0x600df00d, regs.rbp);
	EXPECT_EQ(0, sregs.idt.limit);
	EXPECT_LE(ud2, sregs.cs.base + regs.rip);
	EXPECT_GE(ud2 + 2, sregs.cs.base + regs.rip);
	/* The fault that could not be delivered is not pending any more. */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, TV_GET_EVENTS, &ev));
	EXPECT_EQ(0, ev.exception.flags & TV_EVENT_VALID)
		TH_LOG("exception %u still pending", ev.exception.vector);
}

/* --- MSRs to userspace ----------------------------------------------- */

#define UNKNOWN_MSR	0x40004000

TV_BLOB(blob_msr,
	"mov $" TV_STR(UNKNOWN_MSR) ", %ecx\n\t"
	"rdmsr\n\t"
	"mov %eax, %ebx\n\t"
	"mov %edx, %ecx\n\t"
	TV_BLOB_SYNC
	"mov $" TV_STR(UNKNOWN_MSR) ", %ecx\n\t"
	"mov $0xcafe, %eax\n\t"
	"mov $0xf00d, %edx\n\t"
	"wrmsr\n\t"
	TV_BLOB_DONE);

/* Turn MSR exits on, or SKIP where the module has none. */
#define ENABLE_MSR_EXITS(vm) do {					\
	if (__tv_enable_cap((vm), TV_CAP_MSR_EXIT_USER, 1)) {		\
		ASSERT_EQ(0, ioctl(self->dev, TV_CHECK_CAP, TV_CAP_MSR_EXIT_USER)) \
			TH_LOG("TV_ENABLE_CAP: %s", strerror(errno));	\
		SKIP(return, "no TV_CAP_MSR_EXIT_USER");		\
	}								\
} while (0)

TEST_F(exits, msr_exit_to_userspace)
{
	struct tv_run *run;
	struct tv_ucall uc;

	CREATE(blob_msr);
	run = self->vcpu->run;
	ENABLE_MSR_EXITS(self->vm);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MSR);
	EXPECT_EQ(UNKNOWN_MSR, run->msr.index);
	EXPECT_EQ(0, run->msr.is_write);
	run->msr.data = 0x1122334455667788ULL;
	run->msr.error = 0;
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(0x55667788, (uint32_t)uc.args[0]);
	EXPECT_EQ(0x11223344, (uint32_t)uc.args[1]);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MSR);
	EXPECT_EQ(UNKNOWN_MSR, run->msr.index);
	EXPECT_EQ(1, run->msr.is_write);
	EXPECT_EQ(0x0000f00d0000cafeULL, run->msr.data);
	TV_RUN_DONE(self->vcpu, &uc);
}

/*
 * error = 1 injects #GP: a 64-bit guest reports it from its IDT, the
 * others have none and triple-fault.
 */
TEST_F(exits, msr_exit_error_injects_gp)
{
	struct tv_ucall uc;

	CREATE(blob_msr);
	ENABLE_MSR_EXITS(self->vm);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MSR);
	self->vcpu->run->msr.error = 1;
	TV_ASSERT_RUN_OK(self->vcpu);
	if (variant->mode != TV_MODE_LONG64) {
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_SHUTDOWN);
		return;
	}
	ASSERT_EQ(TV_UCALL_UNHANDLED, tv_get_ucall(self->vcpu, &uc))
		TH_LOG("%s", tv_exit_str(self->vcpu));
	EXPECT_EQ(13, uc.args[0]);
	EXPECT_EQ(0, uc.args[2]);
}

/* --- CPUID (answered in the kernel) ---------------------------------- */

TV_BLOB(blob_cpuid,
	"mov $0x40000000, %eax\n\t"
	"xor %ecx, %ecx\n\t"
	"cpuid\n\t"
	TV_BLOB_SYNC
	"mov $1, %eax\n\t"
	"xor %ecx, %ecx\n\t"
	"cpuid\n\t"
	"mov %eax, %ebx\n\t"
	"mov %ecx, %esi\n\t"
	TV_BLOB_SYNC
	"mov $0x12345, %eax\n\t"
	"mov $0x777, %ebx\n\t"
	"mov $0x777, %ecx\n\t"
	"mov $0x777, %edx\n\t"
	"cpuid\n\t"
	"mov %eax, %esi\n\t"
	TV_BLOB_SYNC
	"mov $4, %eax\n\t"
	"mov $1, %ecx\n\t"
	"cpuid\n\t"
	"mov %eax, %esi\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/*
 * Leaf 1 with values (the signature) and features every x86-64 CPU has
 * (FPU, SSE3): TV_SET_CPUID takes only what the module backs.  Leaf 4 is
 * a description, taken whatever the host has, subleaf by subleaf.
 */
TEST_F(exits, cpuid_from_table_and_hypervisor_leaf)
{
	struct tv_cpuid_entry e[3] = {
		{ .function = 1, .eax = 0x00a00f11, .ecx = 0x00000001, .edx = 0x00000001 },
		{ .function = 4, .index = 0, .flags = TV_CPUID_FLAG_INDEXED, .eax = 0x70 },
		{ .function = 4, .index = 1, .flags = TV_CPUID_FLAG_INDEXED,
		  .eax = 0x71, .ebx = 0x72 },
	};
	struct tv_ucall uc;
	char sig[13] = "";

	CREATE(blob_cpuid);
	tv_vm_set_cpuid(self->vm, e, 3);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	memcpy(sig, &uc.args[0], 4);
	memcpy(sig + 4, &uc.args[1], 4);
	memcpy(sig + 8, &uc.args[2], 4);
	EXPECT_EQ(0, memcmp(sig, "thinvisor\0\0\0", 12)) TH_LOG("signature '%s'", sig);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(0x00a00f11, (uint32_t)uc.args[0]);		/* EAX */
	/* ECX + the module's own: hypervisor, x2APIC, TSC-deadline */
	EXPECT_EQ(0x80000001 | (1U << 21) | (1U << 24), (uint32_t)uc.args[3]);
	EXPECT_EQ(0x00000001 | (1U << 9), (uint32_t)uc.args[2]);	/* EDX + APIC */
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);		/* not in the table */
	EXPECT_EQ(0, (uint32_t)uc.args[0]);
	EXPECT_EQ(0, (uint32_t)uc.args[1]);
	EXPECT_EQ(0, (uint32_t)uc.args[2]);
	EXPECT_EQ(0, (uint32_t)uc.args[3]);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);		/* leaf 4, index 1 */
	EXPECT_EQ(0x71, (uint32_t)uc.args[3]);
	EXPECT_EQ(0x72, (uint32_t)uc.args[0]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TV_BLOB(blob_cpuid_xsave,
	"mov $1, %eax\n\t"
	"xor %ecx, %ecx\n\t"
	"cpuid\n\t"
	"mov %ecx, %esi\n\t"
	TV_BLOB_SYNC
	"mov $0xd, %eax\n\t"
	"xor %ecx, %ecx\n\t"
	"cpuid\n\t"
	"mov %eax, %esi\n\t"
	TV_BLOB_SYNC
	TV_BLOB_DONE);

/*
 * XSAVE and AVX reach the guest only where the host kernel runs XSAVE
 * itself (its CR4.OSXSAVE, seen here as CPUID.1:ECX[27]): without it the
 * module cannot switch XCR0 (the VMX machine's kernel turns XSAVE off at
 * boot), does not offer them, and TV_SET_CPUID refuses a table with
 * XSAVE.  Where it has XSAVE, what it offers of XSAVE and AVX gets
 * through.
 */
TEST_F(exits, cpuid_xsave_only_where_the_host_has_it)
{
	struct tv_cpuid_entry e[2] = {
		{ .function = 1, .ecx = (1U << 26) | (1U << 28) },
		{ .function = 0xd, .index = 0, .flags = TV_CPUID_FLAG_INDEXED, .eax = 7 },
	};
	struct tv_cpuid *c = calloc(1, sizeof(*c) + 2 * sizeof(*e));
	uint32_t a, b, cx, d, want;
	struct tv_ucall uc;

	ASSERT_NE(NULL, c);
	__cpuid_count(1, 0, a, b, cx, d);
	CREATE(blob_cpuid_xsave);
	c->nent = 2;
	memcpy(c->entries, e, sizeof(e));
	if (!(cx & (1U << 27))) {
		EXPECT_IOCTL_ERR(self->vm->fd, TV_SET_CPUID, c, EINVAL);
		free(c);
		return;
	}
	/* The host's XSAVE, and AVX if the CPU has it (QEMU's TCG may not). */
	want = (1U << 26) | (cx & (1U << 28));
	c->entries[0].ecx = want;
	__cpuid_count(0xd, 0, a, b, cx, d);
	c->entries[1].eax = a & 7;
	ASSERT_EQ(0, ioctl(self->vm->fd, TV_SET_CPUID, c)) TH_LOG("%s", strerror(errno));
	free(c);
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(want, (uint32_t)uc.args[3] & ((1U << 26) | (1U << 28)))
		TH_LOG("XSAVE and AVX the guest sees");
	TV_RUN_UCALL(self->vcpu, &uc, TV_UCALL_SYNC);
	EXPECT_EQ(a & 7, (uint32_t)uc.args[3]) TH_LOG("leaf 0xd EAX");
	TV_RUN_DONE(self->vcpu, &uc);
}

/* --- HLT ------------------------------------------------------------- */

TV_BLOB(blob_hlt,
	"cli\n\t"
	"hlt\n\t"
	TV_BLOB_DONE);

static void on_sig(int sig)
{
}

struct hlt_thread {
	struct tv_vcpu *vcpu;
	int ret, err;
	struct timespec cpu;
	volatile int started;
	pid_t tid;
};

static void *hlt_run(void *arg)
{
	struct hlt_thread *t = arg;

	t->tid = tv_gettid();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->started = 1;
	t->ret = __tv_vcpu_run(t->vcpu);
	t->err = errno;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t->cpu);
	return NULL;
}

/* HLT sleeps in the kernel (no exit, no spinning) until a signal. */
TEST_F(exits, hlt_sleeps_until_signal)
{
	struct sigaction sa = { .sa_handler = on_sig };
	struct hlt_thread t = {};
	pthread_t th;
	double cpu;

	CREATE(blob_hlt);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	t.vcpu = self->vcpu;
	pthread_create(&th, NULL, hlt_run, &t);
	while (!t.started)
		usleep(1000);
	usleep(400 * 1000);
	/* Asleep in the kernel, not ended early nor spinning in the guest. */
	EXPECT_TRUE(tv_wait_asleep_in_run(t.tid, self->vcpu->fd, 10000))
		TH_LOG("the halted vCPU's thread never slept in TV_RUN");
	pthread_kill(th, SIGUSR2);
	pthread_join(th, NULL);
	EXPECT_EQ(-1, t.ret);
	EXPECT_EQ(EINTR, t.err);
	EXPECT_EQ(TV_EXIT_INTR, self->vcpu->run->exit_reason);
	cpu = t.cpu.tv_sec + t.cpu.tv_nsec / 1e9;
	EXPECT_GT(0.2, cpu) TH_LOG("the halted vCPU's thread used %.3f s of CPU", cpu);
}

TEST_HARNESS_MAIN
