/* SPDX-License-Identifier: GPL-2.0 */
/* thinrun: thin wrappers over the /dev/thinvisor ioctls. */
#ifndef THINRUN_VMM_H
#define THINRUN_VMM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/thinvisor.h>

struct vmm {
	int dev;
	int vm;
	int vcpu;
	struct tv_run *run;
	size_t run_size;
	void *ram;
	uint64_t ram_size;
};

/* Each returns 0, or -1 with a message on stderr. */
int vmm_open(struct vmm *v, uint64_t ram_size);
/*
 * The same, with guest memory in two slots when it passes low: the first
 * low bytes at guest-physical 0, the rest at high_gpa (above an MMIO hole).
 */
int vmm_open_split(struct vmm *v, uint64_t ram_size, uint64_t low, uint64_t high_gpa);
int vmm_vcpu_real_mode(struct vmm *v, uint16_t cs, uint16_t ip);
int vmm_set_state(struct vmm *v, const struct tv_regs *regs, const struct tv_sregs *sregs);
int vmm_set_cpuid(struct vmm *v, const struct tv_cpuid *cpuid);
/* TV_CHECK_CAP on a /dev/thinvisor opened for it: before any VM exists. */
int vmm_check_cap(int cap);
int vmm_run(struct vmm *v);
void vmm_close(struct vmm *v);

#endif
