// SPDX-License-Identifier: GPL-2.0
/*
 * Values the state ioctls must refuse beyond reserved fields, leaving the
 * state as it was: an XSAVE header the CPU would refuse, MSR values the
 * MSR refuses (SET_MSRS stops there), and TV_ENABLE_CAP's arguments; and
 * a capability turned off again.
 */
#include "tv_test.h"

#define MSR_IA32_MISC_ENABLE	0x1a0
#define UNKNOWN_MSR		0x40004000
/* Byte offsets in the standard XSAVE layout. */
#define XSAVE_HDR		512
#define XSAVE_XSTATE_BV		(XSAVE_HDR / 4)
#define XSAVE_XCOMP_BV		(XSAVE_HDR / 4 + 2)
#define XSAVE_HDR_RESERVED	(XSAVE_HDR / 4 + 4)	/* 48 bytes */

FIXTURE(sin) {
	int dev;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(sin)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(sin)
{
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_done(void)
{
	GUEST_DONE();
}

/* One bad header: EINVAL, and GET_XSAVE reads what it read before. */
static void expect_xsave_refused(struct __test_metadata *_metadata, struct tv_vcpu *vcpu,
				 const struct tv_xsave *good, int word, uint32_t set,
				 const char *what)
{
	static struct tv_xsave bad, now;

	bad = *good;
	bad.region[word] |= set;
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu->fd, TV_SET_XSAVE, &bad)) TH_LOG("%s was taken", what);
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", what, strerror(errno));
	tv_get_xsave(vcpu, &now);
	EXPECT_EQ(0, memcmp(good, &now, sizeof(now))) TH_LOG("%s changed the state", what);
}

TEST_F(sin, set_xsave_bad_header_einval)
{
	static struct tv_xsave good;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	tv_get_xsave(self->vcpu, &good);
	good.region[40] = 0x12345678;	/* XMM0, something to keep */
	good.region[XSAVE_XSTATE_BV] |= 2;	/* SSE */
	tv_set_xsave(self->vcpu, &good);
	tv_get_xsave(self->vcpu, &good);
	ASSERT_EQ(0x12345678, good.region[40]);

	/* A feature no x86 CPU has (bit 62, XSTATE_BV's high half). */
	expect_xsave_refused(_metadata, self->vcpu, &good, XSAVE_XSTATE_BV + 1, 1U << 30,
			     "XSTATE_BV bit 62");
	/* The compacted format, which the standard layout is not. */
	expect_xsave_refused(_metadata, self->vcpu, &good, XSAVE_XCOMP_BV + 1, 1U << 31,
			     "XCOMP_BV bit 63");
	expect_xsave_refused(_metadata, self->vcpu, &good, XSAVE_HDR_RESERVED, 1,
			     "the header's reserved bytes");
	expect_xsave_refused(_metadata, self->vcpu, &good, XSAVE_HDR_RESERVED + 11, 1U << 24,
			     "the header's last reserved byte");
}

struct msrs3 {
	struct tv_msrs h;
	struct tv_msr_entry e[3];
};

/* SET_MSRS does the entries before the refused one, and stops there. */
TEST_F(sin, set_msrs_stops_at_refused_value)
{
	struct msrs3 m = { .h.nmsrs = 3 };
	uint64_t aux0, star0, misc0;

	self->vm = tv_vm_create_with_vcpu(guest_done, &self->vcpu);
	tv_set_msr(self->vcpu, MSR_TSC_AUX, 0x17);
	aux0 = tv_get_msr(self->vcpu, MSR_TSC_AUX);
	star0 = tv_get_msr(self->vcpu, MSR_STAR);
	misc0 = tv_get_msr(self->vcpu, MSR_IA32_MISC_ENABLE);

	/* TSC_AUX is 32 bits wide. */
	m.e[0] = (struct tv_msr_entry){ .index = MSR_LSTAR, .data = 0xffffffff81001000ULL };
	m.e[1] = (struct tv_msr_entry){ .index = MSR_TSC_AUX, .data = 1ULL << 32 };
	m.e[2] = (struct tv_msr_entry){ .index = MSR_STAR, .data = 0x0023001000000000ULL };
	EXPECT_EQ(1, ioctl(self->vcpu->fd, TV_SET_MSRS, &m)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0xffffffff81001000ULL, tv_get_msr(self->vcpu, MSR_LSTAR));
	EXPECT_EQ(aux0, tv_get_msr(self->vcpu, MSR_TSC_AUX));
	EXPECT_EQ(star0, tv_get_msr(self->vcpu, MSR_STAR)) TH_LOG("SET_MSRS went on past the refusal");

	/* MISC_ENABLE: only fast-string may change. */
	m.h.nmsrs = 1;
	m.e[0] = (struct tv_msr_entry){ .index = MSR_IA32_MISC_ENABLE, .data = misc0 ^ (1ULL << 22) };
	EXPECT_EQ(0, ioctl(self->vcpu->fd, TV_SET_MSRS, &m)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(misc0, tv_get_msr(self->vcpu, MSR_IA32_MISC_ENABLE));
	m.e[0].data = misc0 ^ 1;	/* fast-string */
	EXPECT_EQ(1, ioctl(self->vcpu->fd, TV_SET_MSRS, &m)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(misc0 ^ 1, tv_get_msr(self->vcpu, MSR_IA32_MISC_ENABLE));
}

TEST_F(sin, enable_cap_bad_args_einval)
{
	struct tv_enable_cap ec = { .cap = TV_CAP_MSR_EXIT_USER };
	unsigned int i;

	self->vm = tv_vm_create();
	ec.args[0] = 2;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, &ec, EINVAL);
	ec.args[0] = ~0ULL;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, &ec, EINVAL);
	for (i = 1; i < 4; i++) {
		ec.args[0] = 1;
		ec.args[i] = 1;
		EXPECT_IOCTL_ERR(self->vm->fd, TV_ENABLE_CAP, &ec, EINVAL);
		ec.args[i] = 0;
	}
	EXPECT_EQ(0, ioctl(self->vm->fd, TV_ENABLE_CAP, &ec)) TH_LOG("%s", strerror(errno));
}

static void guest_reads_unknown_msr(void)
{
	uint64_t v = 0;
	uint8_t fault;

	fault = tv_rdmsr_safe(UNKNOWN_MSR, &v);
	GUEST_SYNC_ARGS(1, fault, v, 0, 0);
	v = 0;
	fault = tv_rdmsr_safe(UNKNOWN_MSR, &v);
	GUEST_SYNC_ARGS(2, fault, v, 0, 0);
	GUEST_DONE();
}

/* args[0] = 0 turns MSR exits off again: an unknown MSR is #GP once more. */
TEST_F(sin, msr_exit_user_turned_off)
{
	struct tv_enable_cap ec = { .cap = TV_CAP_MSR_EXIT_USER, .args[0] = 1 };
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_reads_unknown_msr, &self->vcpu);
	ASSERT_EQ(0, ioctl(self->vm->fd, TV_ENABLE_CAP, &ec)) TH_LOG("%s", strerror(errno));
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MSR);
	EXPECT_EQ(UNKNOWN_MSR, self->vcpu->run->msr.index);
	self->vcpu->run->msr.data = 5;
	self->vcpu->run->msr.error = 0;
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ(5, uc.args[2]);

	ec.args[0] = 0;
	ASSERT_EQ(0, ioctl(self->vm->fd, TV_ENABLE_CAP, &ec)) TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(13, uc.args[1]) TH_LOG("the RDMSR did not fault with MSR exits off");
	TV_RUN_DONE(self->vcpu, &uc);
}

TEST_HARNESS_MAIN
