// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug with live VMs (api.rst, TV_CREATE_VM: "CPUs that come online
 * while VMs exist join in"): a CPU goes offline and comes back while a VM
 * lives, and a vCPU then runs on that very CPU; a VM made while the CPU
 * is offline runs there too once it is back.
 */
#include <pthread.h>
#include <sched.h>

#include "tv_test.h"

FIXTURE(hotplug) {
	int dev;
	int cpu;		/* the CPU taken offline, or -1 */
	struct tv_vm *vm, *vm2;
	struct tv_vcpu *vcpu, *vcpu2;
};

/* The highest-numbered online CPU that can go offline, or -1. */
static int pluggable_cpu(void)
{
	char path[96];
	cpu_set_t set;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (c = CPU_SETSIZE - 1; c > 0; c--) {
		if (!CPU_ISSET(c, &set))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", c);
		if (access(path, W_OK) == 0)
			return c;
	}
	return -1;
}

static int set_online(int cpu, int on)
{
	char path[96];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

FIXTURE_SETUP(hotplug)
{
	self->cpu = -1;
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(hotplug)
{
	if (self->cpu >= 0)
		set_online(self->cpu, 1);
	tv_vm_free(self->vm2);
	tv_vm_free(self->vm);
	close(self->dev);
}

static void guest_count_up(void)
{
	uint64_t i;

	for (i = 1;; i++)
		GUEST_SYNC(i);
}

static int pin_to(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one);
}

TEST_F(hotplug, cpu_offline_and_back_under_live_vms)
{
	struct tv_ucall uc;
	cpu_set_t all;
	int cpu = pluggable_cpu();

	if (cpu < 0)
		SKIP(return, "no CPU that can go offline (one CPU)");
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	self->vm = tv_vm_create_with_vcpu(guest_count_up, &self->vcpu);
	ASSERT_EQ(0, pin_to(cpu));
	TV_RUN_SYNC(self->vcpu, &uc, 1);	/* SVM/VMX on there */
	ASSERT_EQ(0, pin_to(0));

	ASSERT_EQ(0, set_online(cpu, 0)) TH_LOG("cpu%d offline: %s", cpu, strerror(errno));
	self->cpu = cpu;
	/* The VM runs on, on the CPUs left. */
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	/* A VM made meanwhile. */
	self->vm2 = tv_vm_create_with_vcpu(guest_count_up, &self->vcpu2);
	TV_RUN_SYNC(self->vcpu2, &uc, 1);

	ASSERT_EQ(0, set_online(cpu, 1)) TH_LOG("cpu%d online: %s", cpu, strerror(errno));
	self->cpu = -1;
	/* Both VMs' vCPUs run on the CPU that came back. */
	ASSERT_EQ(0, pin_to(cpu)) TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	TV_RUN_SYNC(self->vcpu2, &uc, 2);
	/* And again after a second round trip. */
	ASSERT_EQ(0, pin_to(0));
	ASSERT_EQ(0, set_online(cpu, 0));
	self->cpu = cpu;
	ASSERT_EQ(0, set_online(cpu, 1));
	self->cpu = -1;
	ASSERT_EQ(0, pin_to(cpu));
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	TV_RUN_SYNC(self->vcpu2, &uc, 3);
	sched_setaffinity(0, sizeof(all), &all);
}

TEST_HARNESS_MAIN
