// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers between host and guests (issue #12, finding 8).  The
 * guest writes DR0-3 without an exit unless the module intercepts MOV DR,
 * and neither VMX nor SVM switches DR0-3 (nor, on VMX, DR6).  Here:
 *  - one VM's DR0-3 and DR6 do not reach another VM run after it on the
 *    same CPU, and each keeps its own across the other's stay;
 *  - a host hardware breakpoint (perf, on this thread) still fires after a
 *    guest that wrote DR0-3 and DR7, and the guest never reads its address;
 *  - a guest's own breakpoint still fires in the guest, with its DR6.
 */
#include <sched.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include "tv_test.h"
#include "tv_guest.h"

#define DB_VECTOR	1
#define DR6_RESET	0xffff0ff0ULL
#define DR7_RESET	0x400ULL
/* DR7: L0, and breakpoint 0 on data writes of 8 bytes. */
#define DR7_L0_W8	(DR7_RESET | 1 | (1ULL << 16) | (2ULL << 18))
/* Guest-chosen values: kernel-looking addresses nobody touches. */
#define GUEST_DR(i)	(0xffffffff81000000ULL + 0x1000 * (i))
#define OTHER_DR(i)	(0xffffffff82000000ULL + 0x1000 * (i))

#define GET_DR(n) ({ uint64_t __v; asm volatile("mov %%db" #n ", %0" : "=r"(__v)); __v; })
#define SET_DR(n, v) asm volatile("mov %0, %%db" #n : : "r"((uint64_t)(v)))

/* The first guest: its own DR0-3, DR6 bits B0 and B2, and DR7 enables. */
static void guest_writes_drs(void)
{
	GUEST_SYNC_ARGS(1, GET_DR(0), GET_DR(1), GET_DR(2), GET_DR(3));
	SET_DR(0, GUEST_DR(0));
	SET_DR(1, GUEST_DR(1));
	SET_DR(2, GUEST_DR(2));
	SET_DR(3, GUEST_DR(3));
	SET_DR(6, DR6_RESET | 5);
	/* Enabled, at addresses the guest never touches. */
	SET_DR(7, DR7_RESET | 0xff);
	GUEST_SYNC_ARGS(2, GET_DR(6), GET_DR(7), 0, 0);
	/* Another VM ran on this CPU meanwhile: the values are still ours. */
	GUEST_SYNC_ARGS(3, GET_DR(0), GET_DR(1), GET_DR(2), GET_DR(3));
	GUEST_SYNC_ARGS(4, GET_DR(6), GET_DR(7), 0, 0);
	GUEST_DONE();
}

/* The second guest: what it reads first must be its own reset state. */
static void guest_reads_drs(void)
{
	GUEST_SYNC_ARGS(1, GET_DR(0), GET_DR(1), GET_DR(2), GET_DR(3));
	GUEST_SYNC_ARGS(2, GET_DR(6), GET_DR(7), 0, 0);
	SET_DR(0, OTHER_DR(0));
	SET_DR(1, OTHER_DR(1));
	SET_DR(2, OTHER_DR(2));
	SET_DR(3, OTHER_DR(3));
	SET_DR(6, DR6_RESET | 2);
	GUEST_SYNC(3);
	GUEST_DONE();
}

static volatile uint64_t guest_var;
static volatile uint64_t db_count, db_dr6;

static void guest_db_handler(struct tv_ex_frame *f)
{
	db_count++;
	db_dr6 = GET_DR(6);
	SET_DR(6, DR6_RESET);
}

/* The guest's own breakpoint: armed, an exit between, then hit. */
static void guest_own_breakpoint(void)
{
	tv_guest_handlers[DB_VECTOR] = guest_db_handler;
	SET_DR(0, (uint64_t)&guest_var);
	SET_DR(7, DR7_L0_W8);
	GUEST_SYNC(1);
	guest_var = 1;
	GUEST_SYNC_ARGS(2, db_count, db_dr6 & 0xf, GET_DR(0), GET_DR(7));
	GUEST_DONE();
}

FIXTURE(dr) {
	int dev;
	struct tv_vm *vm, *other;
	struct tv_vcpu *vcpu, *other_vcpu;
};

FIXTURE_SETUP(dr)
{
	cpu_set_t set;

	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
	self->other = NULL;
	/* Both VMs on one CPU: the debug registers are that CPU's. */
	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
}

FIXTURE_TEARDOWN(dr)
{
	tv_vm_free(self->vm);
	tv_vm_free(self->other);
	close(self->dev);
}

static struct tv_vm *dr_vm(void (*guest)(void), struct tv_vcpu **vcpu)
{
	struct tv_vm *vm = tv_vm_create_with_vcpu(guest, vcpu);
	struct tv_regs r;

	tv_get_regs(*vcpu, &r);
	r.rsp = tv_vm_alloc(vm, 16384) + 16384;	/* room for a C handler */
	tv_set_regs(*vcpu, &r);
	return vm;
}

static void expect_sync(struct __test_metadata *_metadata, struct tv_vcpu *vcpu,
			struct tv_ucall *uc, int stage)
{
	TV_RUN_UCALL(vcpu, uc, TV_UCALL_SYNC);
	ASSERT_EQ(stage, uc->args[0]);
}

TEST_F(dr, one_vm_does_not_see_anothers_debug_registers)
{
	struct tv_ucall uc;
	int i;

	self->vm = dr_vm(guest_writes_drs, &self->vcpu);
	self->other = dr_vm(guest_reads_drs, &self->other_vcpu);

	expect_sync(_metadata, self->vcpu, &uc, 1);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, uc.args[1 + i]) TH_LOG("first VM's DR%d at reset", i);
	}
	expect_sync(_metadata, self->vcpu, &uc, 2);
	EXPECT_EQ(DR6_RESET | 5, uc.args[1]) TH_LOG("the guest's own DR6");
	EXPECT_EQ(DR7_RESET | 0xff, uc.args[2]) TH_LOG("the guest's own DR7");

	expect_sync(_metadata, self->other_vcpu, &uc, 1);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, uc.args[1 + i])
			TH_LOG("second VM read DR%d = 0x%llx (the first VM's: 0x%llx)",
			       i, (unsigned long long)uc.args[1 + i],
			       (unsigned long long)GUEST_DR(i));
	}
	expect_sync(_metadata, self->other_vcpu, &uc, 2);
	EXPECT_EQ(DR6_RESET, uc.args[1]) TH_LOG("second VM's DR6: the first's leaked");
	EXPECT_EQ(DR7_RESET, uc.args[2]) TH_LOG("second VM's DR7");
	expect_sync(_metadata, self->other_vcpu, &uc, 3);

	expect_sync(_metadata, self->vcpu, &uc, 3);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(GUEST_DR(i), uc.args[1 + i])
			TH_LOG("first VM's DR%d after the second ran: 0x%llx", i,
			       (unsigned long long)uc.args[1 + i]);
	}
	expect_sync(_metadata, self->vcpu, &uc, 4);
	EXPECT_EQ(DR6_RESET | 5, uc.args[1]) TH_LOG("first VM's DR6 after the second ran");
	EXPECT_EQ(DR7_RESET | 0xff, uc.args[2]) TH_LOG("first VM's DR7 after the second ran");
	TV_RUN_DONE(self->vcpu, &uc);
}

static volatile uint64_t host_var;

static int host_breakpoint(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uint64_t)(uintptr_t)&host_var,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.sample_period = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
}

static uint64_t bp_count(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return ~0ULL;
	return n;
}

TEST_F(dr, host_breakpoint_survives_a_guest_that_writes_drs)
{
	struct tv_ucall uc;
	uint64_t before;
	int fd, i;

	fd = host_breakpoint();
	if (fd < 0)
		SKIP(return, "perf_event_open(hardware breakpoint): %s", strerror(errno));
	host_var = 1;
	if (bp_count(fd) != 1) {
		close(fd);
		SKIP(return, "this CPU did not count a data breakpoint (%llu)",
		     (unsigned long long)bp_count(fd));
	}

	self->vm = dr_vm(guest_writes_drs, &self->vcpu);
	expect_sync(_metadata, self->vcpu, &uc, 1);
	for (i = 0; i < 4; i++) {
		EXPECT_NE((uint64_t)(uintptr_t)&host_var, uc.args[1 + i])
			TH_LOG("the guest read the host's breakpoint address in DR%d", i);
	}
	expect_sync(_metadata, self->vcpu, &uc, 2);

	before = bp_count(fd);
	host_var = 2;
	EXPECT_EQ(before + 1, bp_count(fd))
		TH_LOG("the host's breakpoint did not fire after the guest wrote DR0-3/DR7");
	expect_sync(_metadata, self->vcpu, &uc, 3);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(GUEST_DR(i), uc.args[1 + i]) TH_LOG("guest DR%d", i);
	}
	before = bp_count(fd);
	host_var = 3;
	EXPECT_EQ(before + 1, bp_count(fd)) TH_LOG("the host's breakpoint, second time");
	close(fd);
}

TEST_F(dr, guest_breakpoint_fires_in_the_guest)
{
	struct tv_ucall uc;

	self->vm = dr_vm(guest_own_breakpoint, &self->vcpu);
	expect_sync(_metadata, self->vcpu, &uc, 1);
	expect_sync(_metadata, self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]) TH_LOG("#DBs the guest's breakpoint raised");
	EXPECT_EQ(1, uc.args[2]) TH_LOG("DR6.B0-3 in the guest's #DB handler");
	EXPECT_EQ((uint64_t)(uintptr_t)&guest_var, uc.args[3]) TH_LOG("guest DR0");
	EXPECT_EQ(DR7_L0_W8, uc.args[4]) TH_LOG("guest DR7");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
