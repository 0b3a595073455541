// SPDX-License-Identifier: GPL-2.0
/*
 * The speculation-control MSRs (SPEC_CTRL, PRED_CMD, FLUSH_CMD,
 * ARCH_CAPABILITIES: kmod/mitigations.c) answer a guest exactly where
 * TV_GET_SUPPORTED_CPUID offers their CPUID bits, i.e. where the host has
 * them, and take #GP everywhere else; what the CPU refuses (reserved bits,
 * a read of a command MSR, a write of ARCH_CAPABILITIES) is #GP always.
 * Documentation/cpuid.rst.
 */
#include "tv_test.h"

#define MSR_SPEC_CTRL		0x48
#define MSR_PRED_CMD		0x49
#define MSR_ARCH_CAPS		0x10a
#define MSR_FLUSH_CMD		0x10b

/* One bit per access below: set when it took #GP. */
enum {
	RD_SPEC_CTRL, WR_SPEC_CTRL_0, WR_SPEC_CTRL_RESERVED,
	WR_PRED_CMD_IBPB, RD_PRED_CMD, WR_PRED_CMD_RESERVED,
	WR_FLUSH_CMD_L1D, WR_FLUSH_CMD_RESERVED,
	RD_ARCH_CAPS, WR_ARCH_CAPS,
};

/* Those the CPU refuses whatever it has. */
#define ALWAYS_GP	(1U << WR_SPEC_CTRL_RESERVED | 1U << RD_PRED_CMD | \
			 1U << WR_PRED_CMD_RESERVED | 1U << WR_FLUSH_CMD_RESERVED | \
			 1U << WR_ARCH_CAPS)

#define GP(bit, access)	((access) ? 1ULL << (bit) : 0)

static void guest_touches_spec_msrs(void)
{
	uint64_t faults = 0, v = 0, caps = 0;

	faults |= GP(RD_SPEC_CTRL, tv_rdmsr_safe(MSR_SPEC_CTRL, &v));
	faults |= GP(WR_SPEC_CTRL_0, tv_wrmsr_safe(MSR_SPEC_CTRL, 0));
	faults |= GP(WR_SPEC_CTRL_RESERVED, tv_wrmsr_safe(MSR_SPEC_CTRL, 1ULL << 63));
	faults |= GP(WR_PRED_CMD_IBPB, tv_wrmsr_safe(MSR_PRED_CMD, 1));
	faults |= GP(RD_PRED_CMD, tv_rdmsr_safe(MSR_PRED_CMD, &v));
	faults |= GP(WR_PRED_CMD_RESERVED, tv_wrmsr_safe(MSR_PRED_CMD, 1ULL << 63));
	faults |= GP(WR_FLUSH_CMD_L1D, tv_wrmsr_safe(MSR_FLUSH_CMD, 1));
	faults |= GP(WR_FLUSH_CMD_RESERVED, tv_wrmsr_safe(MSR_FLUSH_CMD, 2));
	faults |= GP(RD_ARCH_CAPS, tv_rdmsr_safe(MSR_ARCH_CAPS, &caps));
	faults |= GP(WR_ARCH_CAPS, tv_wrmsr_safe(MSR_ARCH_CAPS, 0));
	GUEST_SYNC_ARGS(1, faults, caps, 0, 0);
	GUEST_DONE();
}

static bool offered(const struct tv_cpuid *c, uint32_t fn, int reg, int bit)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++) {
		const struct tv_cpuid_entry *e = &c->entries[i];
		const uint32_t r[4] = { e->eax, e->ebx, e->ecx, e->edx };

		if (e->function == fn && e->index == 0)
			return r[reg] >> bit & 1;
	}
	return false;
}

TEST(answered_exactly_where_offered)
{
	struct tv_cpuid *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	bool spec, ibpb, flush, arch;
	struct tv_vcpu *vcpu;
	struct tv_ucall uc;
	struct tv_vm *vm;
	uint64_t want;
	int fd;

	ASSERT_NE(NULL, c);
	TV_OPEN_DEV_OR_SKIP(fd);
	c->nent = 256;
	ASSERT_EQ(0, ioctl(fd, TV_GET_SUPPORTED_CPUID, c)) TH_LOG("%s", strerror(errno));
	close(fd);
	/* Leaf 7 EDX: 26 IBRS/IBPB, 27 STIBP, 28 L1D_FLUSH, 29 ARCH_CAPS, 31 SSBD. */
	spec = offered(c, 7, 3, 26) || offered(c, 7, 3, 27) || offered(c, 7, 3, 31) ||
	       offered(c, 0x80000008, 1, 14) || offered(c, 0x80000008, 1, 15) ||
	       offered(c, 0x80000008, 1, 24);
	ibpb = offered(c, 7, 3, 26) || offered(c, 0x80000008, 1, 12);
	flush = offered(c, 7, 3, 28);
	arch = offered(c, 7, 3, 29);
	TH_LOG("offered: SPEC_CTRL %d, PRED_CMD %d, FLUSH_CMD %d, ARCH_CAPABILITIES %d",
	       spec, ibpb, flush, arch);

	want = ALWAYS_GP | GP(RD_SPEC_CTRL, !spec) | GP(WR_SPEC_CTRL_0, !spec) |
	       GP(WR_PRED_CMD_IBPB, !ibpb) | GP(WR_FLUSH_CMD_L1D, !flush) |
	       GP(RD_ARCH_CAPS, !arch);

	vm = tv_vm_create_with_vcpu(guest_touches_spec_msrs, &vcpu);
	TV_RUN_SYNC(vcpu, &uc, 1);
	EXPECT_EQ(want, uc.args[1]) TH_LOG("#GP on accesses %#llx, expected on %#llx",
					   (unsigned long long)uc.args[1],
					   (unsigned long long)want);
	/* Never an MSR the module does not back: TSX_CTRL, MCU_OPT_CTRL, ... */
	if (arch) {
		EXPECT_EQ(0, uc.args[2] & (1ULL << 7 | 1ULL << 18 | 1ULL << 21 | 1ULL << 25));
	}
	TV_RUN_DONE(vcpu, &uc);
	tv_vm_free(vm);
	free(c);
}

TEST_HARNESS_MAIN
