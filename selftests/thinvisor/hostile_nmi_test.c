// SPDX-License-Identifier: GPL-2.0
/*
 * NMI blocking (issue #12, finding 13).  After delivering an NMI the CPU
 * blocks the next one until the handler's IRET.  VMX tracks that in the
 * VMCS (virtual NMIs); SVM without vNMI does not, so the module must: an
 * NMI set pending while the guest's NMI handler runs waits for its IRET,
 * and then comes in.  Here the handler makes an exit to userspace, which
 * sets a second NMI pending; the handler must not be entered twice at once.
 */
#include "tv_test.h"
#include "tv_guest.h"

#define NMI_VECTOR	2

static volatile uint64_t nmis, depth, max_depth;

static void on_nmi(struct tv_ex_frame *f)
{
	if (++depth > max_depth)
		max_depth = depth;
	nmis++;
	if (nmis == 1)
		GUEST_SYNC_ARGS(2, nmis, depth, 0, 0);
	depth--;
}

static void guest_nested_nmi(void)
{
	uint32_t a, b, c, d;
	int i;

	tv_guest_handlers[NMI_VECTOR] = on_nmi;
	GUEST_SYNC(1);
	/* Exits to let the second NMI in once the first handler returned. */
	for (i = 0; i < 1000 && nmis < 2; i++)
		tv_cpuid(0, 0, &a, &b, &c, &d);
	GUEST_SYNC_ARGS(3, nmis, max_depth, 0, 0);
	GUEST_DONE();
}

FIXTURE(nmi) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(nmi)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(nmi)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void set_nmi_pending(struct __test_metadata *_metadata, struct tv_vcpu *vcpu)
{
	struct tv_events ev;

	ASSERT_EQ(0, ioctl(vcpu->fd, TV_GET_EVENTS, &ev));
	ev.nmi_pending = 1;
	ASSERT_EQ(0, ioctl(vcpu->fd, TV_SET_EVENTS, &ev)) TH_LOG("%s", strerror(errno));
}

TEST_F(nmi, second_nmi_waits_for_the_first_handlers_iret)
{
	struct tv_regs r;
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_nested_nmi, &self->vcpu);
	tv_get_regs(self->vcpu, &r);
	r.rsp = tv_vm_alloc(self->vm, 16384) + 16384;	/* room for nested frames */
	tv_set_regs(self->vcpu, &r);

	TV_RUN_SYNC(self->vcpu, &uc, 1);
	set_nmi_pending(_metadata, self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	set_nmi_pending(_metadata, self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(2, uc.args[1]) TH_LOG("NMIs the guest took");
	EXPECT_EQ(1, uc.args[2]) TH_LOG("NMI handlers running at once");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
