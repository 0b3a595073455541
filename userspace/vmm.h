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
int vmm_vcpu_real_mode(struct vmm *v, uint16_t cs, uint16_t ip);
int vmm_run(struct vmm *v);
void vmm_close(struct vmm *v);

#endif
