// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's writes of CR0 (MOV, CLTS, LMSW) and CR4 behave as on the
 * CPU: the #GP cases give #GP and change nothing, the others take effect.
 * On SVM the module intercepts CR0 writes always and CR4 writes while
 * paging is off, and emulates them (kmod/cr_write.c, kmod/cr_exit.c);
 * on VMX they run as the CPU runs them.  The same results on both are
 * the test.
 */
#include "tv_test.h"
#include "tv_guest.h"

/*
 * exits.cr_write of the VM (TV_GET_STATS_FD): on SVM every CR0 write the
 * guest made must have been one, or it ran natively and the emulation
 * went untested; on VMX there are none.
 */
static uint64_t cr_write_exits(struct tv_vm *vm)
{
	static uint8_t buf[65536];
	const struct tv_stats_header *h = (const void *)buf;
	int fd = ioctl(vm->fd, TV_GET_STATS_FD, 0);
	ssize_t n;
	uint32_t i;

	if (fd < 0)
		tv_die("TV_GET_STATS_FD: %s", strerror(errno));
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < (ssize_t)sizeof(*h))
		tv_die("stats: read %zd bytes", n);
	for (i = 0; i < h->num_desc; i++) {
		const struct tv_stats_desc *d = (const void *)(buf + h->desc_offset +
							      i * h->desc_size);

		if (!strcmp(d->name, "exits.cr_write"))
			return *(const uint64_t *)(buf + h->data_offset + d->offset);
	}
	tv_die("no statistic exits.cr_write");
	return 0;
}

static uint64_t want_cr_write_exits(int n_writes)
{
	int dev = open("/dev/thinvisor", O_RDWR);
	int vendor = ioctl(dev, TV_CHECK_CAP, TV_CAP_VENDOR);

	close(dev);
	return vendor == TV_VENDOR_AMD_SVM ? n_writes : 0;
}

#define CR0_PE		(1UL << 0)
#define CR0_MP		(1UL << 1)
#define CR0_EM		(1UL << 2)
#define CR0_TS		(1UL << 3)
#define CR0_NW		(1UL << 29)
#define CR0_CD		(1UL << 30)
#define CR0_PG		(1UL << 31)

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint8_t write_cr0_safe(uint64_t v)
{
	asm volatile(TV_SAFE_PRE "mov %0, %%cr0" TV_SAFE_POST : : "r"(v) : "memory");
	return tv_guest_fault_vector;
}

/* Each is refused with #GP, in 64-bit mode with paging on. */
enum { BAD_HIGH, BAD_NW, BAD_NO_PE, BAD_NO_PG, NR_BAD };

static void guest_bad_writes(void)
{
	uint64_t cr0 = read_cr0();
	static const uint64_t bad_or[NR_BAD] = { 1ULL << 32, CR0_NW, 0, 0 };
	static const uint64_t bad_andnot[NR_BAD] = { 0, CR0_CD, CR0_PE, CR0_PG };
	unsigned int i;

	for (i = 0; i < NR_BAD; i++) {
		uint8_t v = write_cr0_safe((cr0 | bad_or[i]) & ~bad_andnot[i]);

		GUEST_SYNC_ARGS(i, v, read_cr0(), 0, 0);
	}
	GUEST_DONE();
}

TEST(cr0_gp_cases)
{
	struct tv_vcpu *vcpu;
	struct tv_vm *vm = tv_vm_create_with_vcpu(guest_bad_writes, &vcpu);
	static const char *const what[NR_BAD] = {
		"CR0 bit 32", "NW without CD", "PG without PE", "PG cleared in 64-bit mode",
	};
	struct tv_sregs s;
	struct tv_ucall uc;
	unsigned int i;

	tv_get_sregs(vcpu, &s);
	for (i = 0; i < NR_BAD; i++) {
		TV_RUN_UCALL(vcpu, &uc, TV_UCALL_SYNC);
		ASSERT_EQ(i, uc.args[0]);
		EXPECT_EQ(13, uc.args[1]) TH_LOG("%s: vector %llu", what[i],
						 (unsigned long long)uc.args[1]);
		EXPECT_EQ(s.cr0, uc.args[2]) TH_LOG("%s: CR0 changed", what[i]);
	}
	TV_RUN_DONE(vcpu, &uc);
	EXPECT_EQ(want_cr_write_exits(NR_BAD), cr_write_exits(vm));
	tv_vm_free(vm);
}

/*
 * Each write is read back and CR0 restored in one asm block: with TS or
 * EM set, the compiler's SSE code in between would fault.
 */
static uint64_t cr0_after_mov(uint64_t v, uint64_t orig)
{
	uint64_t out;

	asm volatile("mov %1, %%cr0\n\tmov %%cr0, %0\n\tmov %2, %%cr0"
		     : "=&r"(out) : "r"(v), "r"(orig) : "memory");
	return out;
}

static uint64_t cr0_after_clts(uint64_t orig)
{
	uint64_t out;

	asm volatile("mov %1, %%cr0\n\tclts\n\tmov %%cr0, %0\n\tmov %2, %%cr0"
		     : "=&r"(out) : "r"(orig | CR0_TS), "r"(orig) : "memory");
	return out;
}

static uint64_t cr0_after_lmsw(uint16_t msw, uint64_t orig)
{
	uint64_t out;

	asm volatile("lmsw %w1\n\tmov %%cr0, %0\n\tmov %2, %%cr0"
		     : "=&r"(out) : "r"(msw), "r"(orig) : "memory");
	return out;
}

/* LMSW from memory: a stack slot (SS, SIB) and a global (RIP-relative). */
static volatile uint16_t global_msw;

static uint64_t cr0_after_lmsw_stack(uint16_t msw, uint64_t orig)
{
	volatile uint16_t local = msw;
	uint64_t out;

	asm volatile("lmsw %1\n\tmov %%cr0, %0\n\tmov %2, %%cr0"
		     : "=&r"(out) : "m"(local), "r"(orig) : "memory");
	return out;
}

static uint64_t cr0_after_lmsw_global(uint16_t msw, uint64_t orig)
{
	uint64_t out;

	global_msw = msw;
	asm volatile("lmsw global_msw(%%rip)\n\tmov %%cr0, %0\n\tmov %1, %%cr0"
		     : "=&r"(out) : "r"(orig) : "memory");
	return out;
}

/* mov %r9, %cr0 with an operand-size prefix (ignored) and REX.B. */
static uint64_t cr0_after_mov_r9(uint64_t v, uint64_t orig)
{
	uint64_t out;

	asm volatile("mov %1, %%r9\n\t"
		     ".byte 0x66, 0x41, 0x0f, 0x22, 0xc1\n\t"
		     "mov %%cr0, %0\n\tmov %2, %%cr0"
		     : "=&r"(out) : "r"(v), "r"(orig) : "r9", "memory");
	return out;
}

/*
 * MOV sets TS; CLTS clears it; LMSW loads MP, EM and TS and can set PE
 * but not clear it, from a register or from memory; MOV from R9 (REX.B,
 * 66 prefix) writes what it is given.  Then CR0 must be as it was.
 */
static void guest_good_writes(void)
{
	uint64_t cr0 = read_cr0();

	GUEST_SYNC_ARGS(0, cr0_after_mov(cr0 | CR0_TS, cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(1, cr0_after_clts(cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(2, cr0_after_lmsw(CR0_MP | CR0_TS, cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(3, cr0_after_lmsw(CR0_EM | CR0_PE, cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(4, cr0_after_mov_r9(cr0 | CR0_TS | CR0_MP, cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(5, cr0_after_lmsw_stack(CR0_MP | CR0_EM, cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(6, cr0_after_lmsw_global(CR0_TS, cr0), 0, 0, 0);
	GUEST_SYNC_ARGS(7, read_cr0(), 0, 0, 0);
	GUEST_DONE();
}

TEST(cr0_writes_take_effect)
{
	struct tv_vcpu *vcpu;
	struct tv_vm *vm = tv_vm_create_with_vcpu(guest_good_writes, &vcpu);
	const uint64_t low4 = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
	static const char *const what[] = {
		"MOV to CR0 setting TS", "CLTS", "LMSW MP|TS (PE clear: kept)",
		"LMSW EM|PE", "MOV to CR0 from R9 with 66 REX.B",
		"LMSW MP|EM from the stack", "LMSW TS from a global (RIP-relative)",
		"CR0 restored",
	};
	uint64_t want[8];
	struct tv_sregs s;
	struct tv_ucall uc;
	unsigned int i;
	uint64_t cr0;

	tv_get_sregs(vcpu, &s);
	cr0 = s.cr0;
	ASSERT_TRUE(cr0 & CR0_PE);
	want[0] = cr0 | CR0_TS;
	want[1] = cr0 & ~CR0_TS;
	want[2] = (cr0 & ~low4) | CR0_PE | CR0_MP | CR0_TS;
	want[3] = (cr0 & ~low4) | CR0_PE | CR0_EM;
	want[4] = cr0 | CR0_TS | CR0_MP;
	want[5] = (cr0 & ~low4) | CR0_PE | CR0_MP | CR0_EM;
	want[6] = (cr0 & ~low4) | CR0_PE | CR0_TS;
	want[7] = cr0;
	for (i = 0; i < 8; i++) {
		TV_RUN_UCALL(vcpu, &uc, TV_UCALL_SYNC);
		ASSERT_EQ(i, uc.args[0]);
		EXPECT_EQ(want[i], uc.args[1])
			TH_LOG("%s: CR0 0x%llx", what[i], (unsigned long long)uc.args[1]);
	}
	TV_RUN_DONE(vcpu, &uc);
	tv_get_sregs(vcpu, &s);
	EXPECT_EQ(cr0, s.cr0);
	/* MOV 2, CLTS 3 (MOV, CLTS, MOV), LMSW 2 four times, MOV from R9 2. */
	EXPECT_EQ(want_cr_write_exits(15), cr_write_exits(vm));
	tv_vm_free(vm);
}

/* With paging on: a WRMSR clearing EFER.LME, then one writing EFER as it is. */
static void guest_efer_writes(void)
{
	uint64_t efer = tv_rdmsr(MSR_EFER);
	uint8_t v;

	v = tv_wrmsr_safe(MSR_EFER, efer & ~EFER_LME);
	GUEST_SYNC_ARGS(0, v, tv_rdmsr(MSR_EFER), 0, 0);
	v = tv_wrmsr_safe(MSR_EFER, efer);
	GUEST_SYNC_ARGS(1, v, tv_rdmsr(MSR_EFER), 0, 0);
	GUEST_DONE();
}

/*
 * The SDM and the APM: a WRMSR that changes EFER.LME while CR0.PG is set
 * is #GP.  The module emulates EFER writes on both vendors; it once took
 * this one.
 */
TEST(efer_lme_change_with_paging_gp)
{
	struct tv_vcpu *vcpu;
	struct tv_vm *vm = tv_vm_create_with_vcpu(guest_efer_writes, &vcpu);
	struct {
		struct tv_msrs h;
		struct tv_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = MSR_EFER };
	struct tv_sregs s;
	struct tv_ucall uc;

	tv_get_sregs(vcpu, &s);
	ASSERT_TRUE(s.efer & EFER_LME);
	TV_RUN_UCALL(vcpu, &uc, TV_UCALL_SYNC);
	ASSERT_EQ(0, uc.args[0]);
	EXPECT_EQ(13, uc.args[1]) TH_LOG("clearing LME: vector %llu",
					 (unsigned long long)uc.args[1]);
	/* EFER.SVME (bit 12) is the module's on SVM: compared without it. */
	EXPECT_EQ(s.efer & ~(1ULL << 12), uc.args[2] & ~(1ULL << 12));
	TV_RUN_UCALL(vcpu, &uc, TV_UCALL_SYNC);
	ASSERT_EQ(1, uc.args[0]);
	EXPECT_EQ(0, uc.args[1]) TH_LOG("writing EFER unchanged: vector %llu",
					(unsigned long long)uc.args[1]);
	TV_RUN_DONE(vcpu, &uc);
	tv_get_sregs(vcpu, &s);
	EXPECT_TRUE(s.efer & EFER_LME);
	/* The same writes through TV_SET_MSRS: the first entry is not done. */
	m.e.data = s.efer & ~EFER_LME;
	EXPECT_EQ(0, ioctl(vcpu->fd, TV_SET_MSRS, &m));
	EXPECT_EQ(s.efer, tv_get_msr(vcpu, MSR_EFER));
	m.e.data = s.efer;
	EXPECT_EQ(1, ioctl(vcpu->fd, TV_SET_MSRS, &m));
	tv_vm_free(vm);
}

TEST_HARNESS_MAIN
