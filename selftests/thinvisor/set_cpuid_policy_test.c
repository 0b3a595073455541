// SPDX-License-Identifier: GPL-2.0
/*
 * TV_SET_CPUID holds a VMM to what the module backs on this host
 * (TV_GET_SUPPORTED_CPUID, Documentation/cpuid.rst): a feature bit the
 * supported table lacks, a leaf the policy does not offer, or a leaf
 * with subleaves given without TV_CPUID_FLAG_INDEXED is EINVAL; values
 * (family and model, counts, sizes, the topology) may be anything.
 */
#include "tv_test.h"

#define ROOM	256	/* TV_CAP_MAX_CPUID */

enum { EAX, EBX, ECX, EDX };

FIXTURE(setcpuid) {
	int fd;
	struct tv_vm *vm;
	struct tv_cpuid *sup;	/* the supported table */
	struct tv_cpuid *c;	/* what is tried, room for one more entry */
};

FIXTURE_SETUP(setcpuid)
{
	size_t size = sizeof(struct tv_cpuid) + (ROOM + 1) * sizeof(struct tv_cpuid_entry);

	TV_OPEN_DEV_OR_SKIP(self->fd);
	self->sup = calloc(1, size);
	self->c = calloc(1, size);
	ASSERT_TRUE(self->sup && self->c);
	self->sup->nent = ROOM;
	ASSERT_EQ(0, ioctl(self->fd, TV_GET_SUPPORTED_CPUID, self->sup))
		TH_LOG("%s", strerror(errno));
	self->vm = tv_vm_create();
}

FIXTURE_TEARDOWN(setcpuid)
{
	if (self->vm)
		tv_vm_free(self->vm);
	free(self->sup);
	free(self->c);
	if (self->fd >= 0)
		close(self->fd);
}

static struct tv_cpuid_entry *find(struct tv_cpuid *c, uint32_t fn, uint32_t index)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & TV_CPUID_FLAG_INDEXED) ||
		     c->entries[i].index == index))
			return &c->entries[i];
	return NULL;
}

static uint32_t *reg(struct tv_cpuid_entry *e, int r)
{
	uint32_t *regs[4] = { &e->eax, &e->ebx, &e->ecx, &e->edx };

	return regs[r];
}

/* The supported table, as a VMM that takes it whole starts. */
static void start(struct tv_cpuid *c, const struct tv_cpuid *sup)
{
	memcpy(c, sup, sizeof(*c) + sup->nent * sizeof(sup->entries[0]));
}

/* The leaf (fn, index) of c: the supported one, or a new one, all zeros. */
static struct tv_cpuid_entry *leaf(struct tv_cpuid *c, uint32_t fn, uint32_t index,
				   bool indexed)
{
	struct tv_cpuid_entry *e = find(c, fn, index);

	if (e)
		return e;
	e = &c->entries[c->nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = indexed ? index : 0;
	e->flags = indexed ? TV_CPUID_FLAG_INDEXED : 0;
	return e;
}

static int set(struct tv_vm *vm, struct tv_cpuid *c)
{
	return ioctl(vm->fd, TV_SET_CPUID, c) ? errno : 0;
}

/* What TV_GET_SUPPORTED_CPUID reports is taken as it is. */
TEST_F(setcpuid, supported_table_taken)
{
	start(self->c, self->sup);
	EXPECT_EQ(0, set(self->vm, self->c));
}

/*
 * Values are the VMM's: another family and model, a larger highest leaf,
 * a VM of 8 cores in every topology leaf, other cache sizes.
 */
TEST_F(setcpuid, values_taken)
{
	struct tv_cpuid_entry *e;

	start(self->c, self->sup);
	e = find(self->c, 0, 0);
	ASSERT_NE(NULL, e);
	e->eax += 5;
	e = find(self->c, 1, 0);
	ASSERT_NE(NULL, e);
	e->eax ^= 0x0fff3ff0;			/* family, model, stepping */
	e->ebx = (e->ebx & 0xff00ffff) | 8 << 16;
	e->edx |= 1U << 28;			/* HTT */
	e->ecx |= 1U << 27;			/* OSXSAVE: the module's own */
	e = find(self->c, 0xb, 1);
	if (e)
		e->ebx = 8;
	e = find(self->c, 0x80000008, 0);
	if (e)
		e->ecx = (e->ecx & ~0xf0ffU) | 7 | 3 << 12;
	e = find(self->c, 0x80000006, 0);
	if (e)
		e->ecx ^= 0xffff0000;		/* L2 size */
	EXPECT_EQ(0, set(self->vm, self->c));
}

/* A feature bit the module does not back, in each kind of register. */
TEST_F(setcpuid, feature_outside_the_list_einval)
{
	static const struct {
		uint32_t fn, index;
		bool indexed;
		int reg, bit;
		const char *name;
	} bad[] = {
		{ 0xd, 1, true, EAX, 3, "XSAVES" },
		{ 7, 0, true, EBX, 1, "TSC_ADJUST" },
		{ 1, 0, false, ECX, 5, "VMX" },
		{ 1, 0, false, EDX, 7, "MCE" },
		{ 7, 0, true, EDX, 30, "CORE_CAPABILITIES" },
		{ 0x80000001, 0, false, ECX, 2, "SVM" },
		{ 0x80000001, 0, false, EDX, 12, "MTRR (AMD)" },
		/* A register partly values: 0x80000008 ECX's perf TSC size. */
		{ 0x80000008, 0, false, ECX, 16, "PerfTscSize" },
		{ 0x80000007, 0, false, EDX, 7, "hardware P-states" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tv_cpuid_entry *s = find(self->sup, bad[i].fn, bad[i].index);
		struct tv_cpuid_entry *e;

		/* The test means a bit the module never offers. */
		if (s) {
			ASSERT_EQ(0, *reg(s, bad[i].reg) >> bad[i].bit & 1)
				TH_LOG("%s is offered", bad[i].name);
		}
		start(self->c, self->sup);
		e = leaf(self->c, bad[i].fn, bad[i].index, bad[i].indexed);
		*reg(e, bad[i].reg) |= 1U << bad[i].bit;
		EXPECT_EQ(EINVAL, set(self->vm, self->c))
			TH_LOG("%s (leaf %#x.%u %s)", bad[i].name, bad[i].fn, bad[i].index,
			       s ? "supported" : "added");
	}
	/* The VM still takes a good table. */
	start(self->c, self->sup);
	EXPECT_EQ(0, set(self->vm, self->c));
}

/* A leaf the policy does not offer, even all zeros. */
TEST_F(setcpuid, leaf_not_in_the_list_einval)
{
	static const struct {
		uint32_t fn, index;
		bool indexed;
	} bad[] = {
		{ 0x5, 0, false },		/* MONITOR/MWAIT */
		{ 0xa, 0, false },		/* the PMU */
		{ 0x7, 2, true },		/* subleaf 2 */
		{ 0x12, 0, true },		/* SGX */
		{ 0x40000000, 0, false },	/* the module's own */
		{ 0x8000000a, 0, false },	/* SVM */
		{ 0x8000001e, 0, false },	/* TOPOEXT */
		{ 0x80000026, 0, false },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(NULL, find(self->sup, bad[i].fn, bad[i].index));
		start(self->c, self->sup);
		leaf(self->c, bad[i].fn, bad[i].index, bad[i].indexed);
		EXPECT_EQ(EINVAL, set(self->vm, self->c)) TH_LOG("leaf %#x.%u", bad[i].fn,
								 bad[i].index);
	}
}

/*
 * A leaf with subleaves without TV_CPUID_FLAG_INDEXED would answer every
 * subleaf (leaf 7's features in subleaf 1); a leaf without them with it.
 */
TEST_F(setcpuid, index_flag_must_match_the_leaf_einval)
{
	struct tv_cpuid_entry *e;

	start(self->c, self->sup);
	e = leaf(self->c, 7, 0, true);
	e->flags = 0;
	EXPECT_EQ(EINVAL, set(self->vm, self->c));
	start(self->c, self->sup);
	e = leaf(self->c, 1, 0, false);
	e->flags = TV_CPUID_FLAG_INDEXED;
	EXPECT_EQ(EINVAL, set(self->vm, self->c));
}

TEST_HARNESS_MAIN
