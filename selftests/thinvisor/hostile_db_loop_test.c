// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile guest's endless #DB (issue #12, finding 3; CVE-2015-8104): a
 * write breakpoint on the IST stack slot where the CPU pushes the #DB
 * frame makes every #DB delivery raise the next #DB, at the same address,
 * forever.  On a CPU that lets the guest take #DB itself that loop never
 * reaches an instruction boundary: no exit, no host interrupt, the host
 * CPU is gone.  With #DB intercepted and reflected, each round is an exit,
 * and RUN stays interruptible: a signal ends it.
 */
#include <signal.h>
#include <time.h>

#include "tv_test.h"
#include "tv_guest.h"
#include "tv_layout.h"

#define TSS_IST1	0x24
#define IDT_IST_SHIFT	32
#define DB_VECTOR	1

static uint64_t ist_slot;	/* where the CPU pushes the #DB frame's SS */

static void guest_db_forever(void)
{
	/* DR0: that slot; DR7: L0, break on writes (RW0=01), 8 bytes (LEN0=10). */
	asm volatile("mov %0, %%dr0" : : "r"(ist_slot));
	asm volatile("mov %0, %%dr7" : : "r"(0x1UL | 1UL << 16 | 2UL << 18));
	*(volatile uint64_t *)ist_slot = 0;	/* the first #DB */
	GUEST_DONE();				/* never: each #DB makes the next */
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(dbloop) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(dbloop)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(dbloop)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

TEST_F_TIMEOUT(dbloop, endless_db_stays_interruptible, 60)
{
	uint64_t ist_top, *idt;
	bool alarm_came = false;
	double t0, took;
	int r, err, round;

	self->vm = tv_vm_create_with_vcpu(guest_db_forever, &self->vcpu);
	/* #DB on IST1, a stack of its own, so every delivery pushes at the same place. */
	ist_top = tv_vm_alloc(self->vm, 4096) + 4096;
	ist_slot = ist_top - 8;
	tv_sync_global_to_guest(self->vm, ist_slot);
	tv_write_guest(self->vm, TV_TSS_GPA + TSS_IST1, &ist_top, sizeof(ist_top));
	idt = tv_gpa2hva(self->vm, TV_IDT_GPA);
	idt[2 * DB_VECTOR] |= 1ULL << IDT_IST_SHIFT;

	/* Twice: the vCPU must also go on (and be stopped again) after the first. */
	for (round = 0; round < 2; round++) {
		t0 = now_s();
		r = __tv_vcpu_run_bounded(self->vcpu, 2, &alarm_came);
		err = errno;
		took = now_s() - t0;
		EXPECT_EQ(-1, r) TH_LOG("round %d: RUN returned %d, exit reason %u", round, r,
					self->vcpu->run->exit_reason);
		EXPECT_EQ(EINTR, err);
		EXPECT_TRUE(alarm_came);
		/* The alarm is at 2 s; the signal must end RUN soon after it. */
		EXPECT_GT(10.0, took) TH_LOG("round %d: RUN took %.1f s", round, took);
		TH_LOG("round %d: RUN ended by the signal after %.2f s", round, took);
	}
}

TEST_HARNESS_MAIN
