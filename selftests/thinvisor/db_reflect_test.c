// SPDX-License-Identifier: GPL-2.0
/*
 * #DB is intercepted and reflected (issue #12, finding 3), so that a guest
 * whose #DB delivery raises the next #DB (CVE-2015-8104) loops through
 * exits rather than inside the CPU.  Here: the reflected #DB of ICEBP
 * reaches the guest's own handler with the RIP after the ICEBP.
 *
 * The loop itself is not tested: neither emulated machine reproduces it.
 * A code breakpoint on the IST #DB handler's entry fires once and not
 * again (both QEMU and Bochs), and a write breakpoint on the IST frame
 * made QEMU 7.2's TCG abort (an iothread-lock assertion) and left the
 * breakpoint armed in the emulator for later guests.
 */

#include "tv_test.h"
#include "tv_guest.h"
#include "tv_layout.h"

#define DB_VECTOR	1

/* ICEBP's #DB, reflected: the guest's own handler sees it, after the ICEBP. */
static void guest_db_handler(struct tv_ex_frame *f)
{
	f->rbx = 0xdb;
	f->rcx = f->rip;
}

static void guest_icebp(void)
{
	uint64_t rbx = 0, rcx = 0;

	tv_guest_handlers[DB_VECTOR] = guest_db_handler;
	asm volatile(".byte 0xf1\n\t"
		     "icebp_next:" : "+b"(rbx), "+c"(rcx));
	GUEST_SYNC_ARGS(1, rbx, rcx, 0, 0);
	GUEST_DONE();
}

FIXTURE(db) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(db)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(db)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

TEST_F(db, icebp_db_reaches_the_guest)
{
	extern char icebp_next[];
	struct tv_ucall uc;
	struct tv_regs r;

	self->vm = tv_vm_create_with_vcpu(guest_icebp, &self->vcpu);
	tv_get_regs(self->vcpu, &r);
	r.rsp = tv_vm_alloc(self->vm, 16384) + 16384;	/* room for the C handler */
	tv_set_regs(self->vcpu, &r);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0xdb, uc.args[1]) TH_LOG("the guest's #DB handler did not run");
	EXPECT_EQ((uint64_t)icebp_next, uc.args[2]) TH_LOG("#DB frame RIP");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
