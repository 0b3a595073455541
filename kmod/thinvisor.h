/* SPDX-License-Identifier: GPL-2.0 */
/* thinvisor: what the vendor-neutral parts of the module share. */
#ifndef THINVISOR_H
#define THINVISOR_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/refcount.h>

#define TV_NAME "thinvisor"

/* hw.c: SVM/VMX is on in every CPU while at least one VM exists. */
int tv_hw_init(void);
void tv_hw_exit(void);
int tv_hw_get(void);
void tv_hw_put(void);
int tv_hw_busy_cpu(void);

/* vm.c */
struct tv_vm {
	refcount_t users;
};

int tv_vm_create(unsigned long type);

#endif
