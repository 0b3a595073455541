// SPDX-License-Identifier: GPL-2.0
/*
 * A guest in 5-level paging (CR4.LA57): it runs, and what the module does
 * through the guest's page tables works there too (instruction bytes of an
 * MMIO access, the buffers of string port I/O, the #PF of a string I/O
 * instruction whose buffer has no PML5 entry).
 *
 * PML5 entry 1 maps the PML4 again, so ALIAS + x is x one PML5 entry up:
 * only a walk of all five levels finds it (with four, ALIAS is not even
 * canonical).  Entry 2 is absent.  SKIPs where the CPU has no LA57.
 */
#include "tv_test.h"
#include "tv_guest.h"

#define ALIAS		(1ULL << 48)	/* PML5 entry 1 */
#define ABSENT		(2ULL << 48)	/* PML5 entry 2: not present */
#define IO_PORT		0x2f8
#define PF_VECTOR	14

FIXTURE(la57) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(la57)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	/* As TV_OPEN_DEV_OR_SKIP: the 6.1 harness would run the body. */
	if (!tv_cpu_has_la57())
		SKIP(_exit(255), "this CPU has no LA57 (5-level paging)");
}

FIXTURE_TEARDOWN(la57)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

/* One VM, vCPU 0 in 5-level paging at fn (through the alias if asked). */
static void create(FIXTURE_DATA(la57) *self, void *fn, bool at_alias)
{
	uint64_t *pml5;
	struct tv_regs r;

	self->vm = tv_vm_create_with_vcpu((void (*)(void))fn, &self->vcpu);
	tv_vcpu_set_5level_paging(self->vcpu);
	pml5 = tv_gpa2hva(self->vm, TV_PML5_GPA);
	pml5[1] = pml5[0];
	if (at_alias) {
		tv_get_regs(self->vcpu, &r);
		r.rip += ALIAS;
		tv_set_regs(self->vcpu, &r);
	}
}

static volatile uint64_t la57_word;

static void guest_paging(void)
{
	uint64_t cr3, cr4;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	la57_word = 0;
	*(volatile uint64_t *)(ALIAS + (uint64_t)&la57_word) = 0x5a5a5a5a5a5a5a5aULL;
	GUEST_SYNC_ARGS(1, cr3, cr4, la57_word, 0);
	GUEST_DONE();
}

/* The guest runs with LA57, and a store through PML5 entry 1 lands. */
TEST_F(la57, guest_runs_in_5level_paging)
{
	struct tv_sregs s;
	struct tv_ucall uc;

	create(self, guest_paging, false);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(TV_PML5_GPA, uc.args[1] & ~0xfffULL);
	EXPECT_NE(0, uc.args[2] & X86_CR4_LA57);
	EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, uc.args[3]);
	tv_get_sregs(self->vcpu, &s);
	EXPECT_NE(0, s.cr4 & X86_CR4_LA57);
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_mmio(uint64_t addr)
{
	uint32_t before, after;

	asm volatile("movl (%1), %0" : "=r"(before) : "r"(addr) : "memory");
	asm volatile("movl %0, (%1)" : : "r"(0xdeadbeefU), "r"(addr) : "memory");
	asm volatile("movl (%1), %0" : "=r"(after) : "r"(addr) : "memory");
	GUEST_SYNC_ARGS(1, before, after, 0, 0);
	GUEST_DONE();
}

/*
 * MMIO from code that runs at its alias, to an address through the
 * alias: the module reads the instruction bytes through all five levels.
 */
TEST_F(la57, mmio_decoded_through_5level_tables)
{
	uint64_t where = TV_MMIO_HIGH_GPA + 0x40;
	struct tv_run *run;
	struct tv_ucall uc;
	uint32_t d;

	create(self, guest_mmio, true);
	run = self->vcpu->run;
	tv_vcpu_set_args(self->vcpu, 1, ALIAS + where);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(where, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(0, run->mmio.is_write);
	d = 0x12345678;
	memcpy(run->mmio.data, &d, 4);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(where, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&d, run->mmio.data, 4);
	EXPECT_EQ(0xdeadbeef, d);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(0, run->mmio.is_write);
	d = 0x9abcdef0;
	memcpy(run->mmio.data, &d, 4);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0x12345678, uc.args[1]);
	EXPECT_EQ(0x9abcdef0, uc.args[2]);
	TV_RUN_DONE(self->vcpu, &uc);
}

static uint8_t la57_out[24] = "through five levels, out";
static uint8_t la57_in[24];

static void guest_string_io(void)
{
	uint64_t src = ALIAS + (uint64_t)la57_out, dst = ALIAS + (uint64_t)la57_in;
	uint64_t n = sizeof(la57_out);

	asm volatile("cld\n\trep outsb" : "+S"(src), "+c"(n) : "d"(IO_PORT) : "memory");
	n = sizeof(la57_in);
	asm volatile("cld\n\trep insb" : "+D"(dst), "+c"(n) : "d"(IO_PORT) : "memory");
	GUEST_SYNC_ARGS(1, src, dst, 0, 0);
	GUEST_DONE();
}

/* Move count bytes at one port between buf and the guest, exit by exit. */
static void string_io(struct __test_metadata *_metadata,
		      FIXTURE_DATA(la57) *self, uint8_t dir, uint8_t *buf,
		      unsigned int count)
{
	struct tv_run *run = self->vcpu->run;
	unsigned int n = 0;

	while (n < count) {
		TV_ASSERT_RUN_OK(self->vcpu);
		TV_ASSERT_EXIT(self->vcpu, TV_EXIT_IO);
		ASSERT_EQ(IO_PORT, run->io.port) TH_LOG("%s", tv_exit_str(self->vcpu));
		ASSERT_EQ(dir, run->io.direction);
		ASSERT_EQ(1, run->io.size);
		ASSERT_LE(1, run->io.count);
		ASSERT_GE(count - n, run->io.count);
		if (dir == TV_IO_OUT)
			memcpy(buf + n, tv_io_data(self->vcpu), run->io.count);
		else
			memcpy(tv_io_data(self->vcpu), buf + n, run->io.count);
		n += run->io.count;
	}
}

/* REP OUTSB and REP INSB with their buffers one PML5 entry up. */
TEST_F(la57, string_io_through_5level_tables)
{
	uint8_t got[sizeof(la57_out)], give[sizeof(la57_in)], seen[sizeof(la57_in)];
	struct tv_ucall uc;
	unsigned int i;

	for (i = 0; i < sizeof(give); i++)
		give[i] = 0xa0 + i;
	create(self, guest_string_io, false);
	string_io(_metadata, self, TV_IO_OUT, got, sizeof(got));
	EXPECT_EQ(0, memcmp(got, la57_out, sizeof(got)));
	string_io(_metadata, self, TV_IO_IN, give, sizeof(give));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(ALIAS + (uint64_t)la57_out + sizeof(la57_out), uc.args[1]);
	EXPECT_EQ(ALIAS + (uint64_t)la57_in + sizeof(la57_in), uc.args[2]);
	tv_read_guest(self->vm, (uint64_t)la57_in, seen, sizeof(seen));
	EXPECT_EQ(0, memcmp(give, seen, sizeof(seen)));
	TV_RUN_DONE(self->vcpu, &uc);
}

static void guest_absent_pml5e(void)
{
	uint64_t src = ABSENT + 0x123, n = 4, cr2;
	uint8_t hw_vector, hw_error;
	volatile uint8_t v = 0;

	/* What the CPU itself does on a load there: the #PF to match. */
	asm volatile(TV_SAFE_PRE "movb (%1), %0" TV_SAFE_POST
		     : "=r"(v) : "r"(src) : "memory");
	hw_vector = tv_guest_fault_vector;
	hw_error = tv_guest_fault_error;
	asm volatile("mov %0, %%cr2" : : "r"(0ULL));
	asm volatile(TV_SAFE_PRE "cld\n\trep outsb" TV_SAFE_POST
		     : "+S"(src), "+c"(n) : "d"(IO_PORT) : "memory");
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	GUEST_SYNC_ARGS(1, tv_guest_fault_vector | (uint64_t)hw_vector << 8,
			tv_guest_fault_error | (uint64_t)hw_error << 8, cr2, n);
	GUEST_DONE();
}

/*
 * REP OUTSB from an address whose PML5 entry is absent: the module's walk
 * stops at level 5 and the guest gets the #PF the CPU gives a load there,
 * with CR2 the address, and no byte goes out.
 */
TEST_F(la57, string_io_absent_pml5e_is_pf)
{
	struct tv_ucall uc;

	create(self, guest_absent_pml5e, false);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(PF_VECTOR << 8 | PF_VECTOR, uc.args[1]) TH_LOG("the CPU's, the module's");
	/* Not present, a read, at CPL 0: error code 0 from both. */
	EXPECT_EQ(0, uc.args[2]) TH_LOG("the CPU's, the module's error code");
	EXPECT_EQ(ABSENT + 0x123, uc.args[3]);
	EXPECT_EQ(4, uc.args[4]);
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
