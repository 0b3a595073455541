/* SPDX-License-Identifier: GPL-2.0 */
/* thinrun: thin wrappers over the /dev/thinvisor ioctls. */
#ifndef THINRUN_VMM_H
#define THINRUN_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/thinvisor.h>

struct vmm_vcpu {
	int fd;
	struct tv_run *run;
};

struct vmm {
	int dev;
	int vm;
	int stats;		/* TV_GET_STATS_FD, or -1 */
	void *ram;
	uint64_t ram_size;
	size_t run_size;
	unsigned int nr_vcpus;
	struct vmm_vcpu *vcpus;	/* vCPU i has id (and APIC ID) i */
};

/* Each returns 0, or -1 with a message on stderr. */
int vmm_open(struct vmm *v, uint64_t ram_size);
/* thinrun --stats: vmm_close() first prints the VM's exit statistics. */
extern bool vmm_print_stats;
/*
 * The same, with guest memory in two slots when it passes low (the first
 * low bytes at guest-physical 0, the rest at high_gpa, above an MMIO
 * hole), and nr_vcpus vCPUs.
 */
int vmm_open_split(struct vmm *v, uint64_t ram_size, uint64_t low, uint64_t high_gpa,
		   unsigned int nr_vcpus);
int vmm_vcpu_real_mode(struct vmm *v, unsigned int id, uint16_t cs, uint16_t ip);
int vmm_set_state(struct vmm *v, unsigned int id, const struct tv_regs *regs,
		  const struct tv_sregs *sregs);
/* Leave vCPU id waiting for a SIPI, as an AP after reset. */
int vmm_wait_for_sipi(struct vmm *v, unsigned int id);
int vmm_set_cpuid(struct vmm *v, const struct tv_cpuid *cpuid);
int vmm_irq_line(struct vmm *v, uint32_t gsi, bool level);
/* Unknown MSRs exit to userspace (TV_EXIT_MSR) rather than take #GP. */
int vmm_enable_msr_exits(struct vmm *v);
/* TV_CHECK_CAP on a /dev/thinvisor opened for it: before any VM exists. */
int vmm_check_cap(int cap);
/* TV_RUN; an interrupted RUN is not an error (exit_reason TV_EXIT_INTR). */
int vmm_run(struct vmm *v, unsigned int id);
void vmm_close(struct vmm *v);

#endif
