/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host side of the selftest library: VMs, memory, vCPUs, registers,
 * guest setup in 16-, 32- and 64-bit mode, ucalls.
 *
 * Functions named tv_*() die (print "# tv: ..." and exit(1), which the
 * harness counts as a failure) when an ioctl they need fails; the __tv_*()
 * variants return -1 with errno set instead, for tests of the errors.
 *
 * Tests include tv_test.h (the harness, then this); the library's own
 * files include only this, as the harness header defines functions.
 */
#ifndef TV_UTIL_H
#define TV_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/thinvisor.h>

#include "tv_layout.h"
#include "tv_ucall.h"
#include "tv_blob.h"
#include "tv_guest.h"

/* MSR numbers the tests use. */
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define MSR_IA32_TSC		0x10
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_CR_PAT		0x277

#define EFER_SCE		(1UL << 0)
#define EFER_LME		(1UL << 8)
#define EFER_LMA		(1UL << 10)
#define EFER_NXE		(1UL << 11)

#define X86_CR0_PE		(1UL << 0)
#define X86_CR0_MP		(1UL << 1)
#define X86_CR0_ET		(1UL << 4)
#define X86_CR0_NE		(1UL << 5)
#define X86_CR0_WP		(1UL << 16)
#define X86_CR0_PG		(1UL << 31)
#define X86_CR4_PAE		(1UL << 5)
#define X86_CR4_OSFXSR		(1UL << 9)
#define X86_CR4_OSXMMEXCPT	(1UL << 10)
#define X86_CR4_LA57		(1UL << 12)

enum tv_mode {
	TV_MODE_REAL16,
	TV_MODE_PROT32,
	TV_MODE_LONG64,
};

struct tv_blob {
	const char *start, *end;
};

struct tv_slot {
	int used;
	uint32_t flags;
	uint64_t gpa, size;
	void *hva;
	int owned;		/* mmapped by the library: munmap at free */
};

struct tv_vcpu {
	struct tv_vm *vm;
	int id;
	int fd;
	struct tv_run *run;
	size_t run_size;
};

struct tv_vm {
	int dev_fd;
	int fd;
	int vendor;		/* TV_VENDOR_* */
	int nr_slots;		/* TV_CAP_NR_SLOTS */
	int max_vcpus;		/* TV_CAP_NR_VCPUS */
	size_t run_size;	/* TV_CAP_RUN_SIZE */
	struct tv_slot *slots;
	uint64_t heap_next;	/* tv_vm_alloc() */
	int std_layout;		/* made by tv_vm_create_std() */
	struct tv_vcpu **vcpus;
};

/* Dying with a message: the test fails. */
void __attribute__((noreturn, format(printf, 1, 2))) tv_die(const char *fmt, ...);
#define TV_CHECK(cond, fmt, ...) do {					\
	if (!(cond))							\
		tv_die("%s:%d: %s: " fmt, __FILE__, __LINE__, #cond,	\
		       ##__VA_ARGS__);					\
} while (0)

/* System */
int tv_open_dev(void);			/* -1 where absent */
long tv_check_cap(long cap);		/* opens the device itself */
int tv_nr_cpus(void);			/* CPUs this thread may run on */
long tv_meminfo_kb(const char *key);	/* a /proc/meminfo line, -1 if none */
long tv_module_refcnt(void);		/* /sys/module/thinvisor/refcnt */
pid_t tv_gettid(void);
/* A vCPU thread asleep in TV_RUN on fd (halted, or waiting for a SIPI): lib/task.c */
int tv_task_asleep_in_run(pid_t tid, int fd);	/* 1, 0, or -1: /proc cannot tell */
bool tv_wait_asleep_in_run(pid_t tid, int fd, unsigned int ms);
/*
 * One TV_RUN of a vCPU on a thread of its own (lib/task.c): start returns
 * once the thread's id is known, join once its TV_RUN ended; cmd is then
 * the ucall it stopped at (0 when TV_RUN failed), uc its arguments.
 */
struct tv_runner {
	struct tv_vcpu *vcpu;
	struct tv_ucall uc;
	uint64_t cmd;
	pid_t tid;
	pthread_t thread;
};
void tv_runner_start(struct tv_runner *r, struct tv_vcpu *vcpu);
void tv_runner_join(struct tv_runner *r);

/* VMs and memory */
/* VMs and vCPUs alive in the module (debugfs objects), -1 if unreadable. */
int tv_module_objects(long *vms, long *vcpus);

struct tv_vm *tv_vm_create(void);	/* no memory, no vCPUs */
struct tv_vm *tv_vm_create_std(void);	/* tv_layout.h, image loaded */
void tv_vm_free(struct tv_vm *vm);	/* closes everything, unmaps RAM */
int __tv_set_memory_region(struct tv_vm *vm, uint32_t slot, uint32_t flags,
			   uint64_t gpa, uint64_t size, void *hva);
void tv_set_memory_region(struct tv_vm *vm, uint32_t slot, uint32_t flags,
			  uint64_t gpa, uint64_t size, void *hva);
/* mmap anonymous memory and make it a slot; returns the host address. */
void *tv_vm_add_ram(struct tv_vm *vm, uint32_t slot, uint64_t gpa,
		    uint64_t size, uint32_t flags);
void tv_vm_delete_slot(struct tv_vm *vm, uint32_t slot);
/* gpa -> host pointer; NULL (__) or death where no slot holds it. */
void *__tv_gpa2hva(struct tv_vm *vm, uint64_t gpa);
void *tv_gpa2hva(struct tv_vm *vm, uint64_t gpa);
void tv_read_guest(struct tv_vm *vm, uint64_t gpa, void *buf, size_t len);
void tv_write_guest(struct tv_vm *vm, uint64_t gpa, const void *buf, size_t len);
/* Page-aligned guest memory from the heap of a standard VM. */
uint64_t tv_vm_alloc(struct tv_vm *vm, size_t size);
void tv_vm_set_cpuid(struct tv_vm *vm, const struct tv_cpuid_entry *e, uint32_t n);
/* TV_ENABLE_CAP with args[0] = arg0 (1 turns TV_CAP_MSR_EXIT_USER on). */
int __tv_enable_cap(struct tv_vm *vm, uint32_t cap, uint64_t arg0);

/* The guest's copies of globals (the guest has its own, at the same address) */
#define tv_sync_global_to_guest(vm, g)					\
	tv_write_guest((vm), (uint64_t)(uintptr_t)&(g),			\
		       (const void *)(uintptr_t)&(g), sizeof(g))
#define tv_sync_global_from_guest(vm, g)				\
	tv_read_guest((vm), (uint64_t)(uintptr_t)&(g),			\
		      (void *)(uintptr_t)&(g), sizeof(g))

/* vCPUs */
int __tv_create_vcpu(struct tv_vm *vm, unsigned long id);	/* the fd */
struct tv_vcpu *tv_vcpu_add(struct tv_vm *vm, int id);	/* no state set */
int __tv_vcpu_run(struct tv_vcpu *vcpu);	/* the raw TV_RUN */
/*
 * The raw TV_RUN, ended by SIGALRM after secs if nothing ends it before:
 * *alarm_came says whether it took the alarm.  For checking that a RUN
 * returns by itself where it could otherwise sleep.
 */
int __tv_vcpu_run_bounded(struct tv_vcpu *vcpu, unsigned int secs, bool *alarm_came);
void tv_vcpu_run(struct tv_vcpu *vcpu);	/* dies unless TV_RUN gives 0 */
void tv_get_regs(struct tv_vcpu *vcpu, struct tv_regs *regs);
void tv_set_regs(struct tv_vcpu *vcpu, const struct tv_regs *regs);
void tv_get_sregs(struct tv_vcpu *vcpu, struct tv_sregs *sregs);
void tv_set_sregs(struct tv_vcpu *vcpu, const struct tv_sregs *sregs);
uint64_t tv_get_msr(struct tv_vcpu *vcpu, uint32_t index);
void tv_set_msr(struct tv_vcpu *vcpu, uint32_t index, uint64_t val);
void tv_get_xsave(struct tv_vcpu *vcpu, struct tv_xsave *x);
void tv_set_xsave(struct tv_vcpu *vcpu, const struct tv_xsave *x);
/* Up to 6 integer arguments of a 64-bit guest function (RDI, RSI, ...). */
void tv_vcpu_set_args(struct tv_vcpu *vcpu, int n, ...);

/* Guest setup (standard VMs) */
void tv_sregs_for_mode(struct tv_vm *vm, enum tv_mode mode, struct tv_sregs *s);
/* Put a vCPU in a mode at entry; a 64-bit C function gets its own stack. */
void tv_vcpu_setup(struct tv_vcpu *vcpu, enum tv_mode mode, uint64_t entry);
struct tv_vcpu *tv_vcpu_add_guest(struct tv_vm *vm, int id, enum tv_mode mode,
				  uint64_t entry);
uint64_t tv_vm_load_blob(struct tv_vm *vm, struct tv_blob blob);
/* One standard VM with vCPU 0 in 64-bit mode at a C function. */
struct tv_vm *tv_vm_create_with_vcpu(void (*guest)(void), struct tv_vcpu **vcpu);
/* One standard VM with vCPU 0 at a blob, in a mode. */
struct tv_vm *tv_vm_create_with_blob(enum tv_mode mode, struct tv_blob blob,
				     struct tv_vcpu **vcpu);
uint64_t tv_blob_entry(enum tv_mode mode);	/* where a blob starts */
/* Does the CPU this runs on offer 5-level paging (CPUID 7.0 ECX.LA57)? */
bool tv_cpu_has_la57(void);
/*
 * Move a 64-bit vCPU of a standard VM to 5-level paging: CR4.LA57, and CR3
 * at TV_PML5_GPA, whose entry 0 is the PML4 (so the first 256 TiB look as
 * before).  Tests may add entries to the PML5 (tv_gpa2hva()).
 */
void tv_vcpu_set_5level_paging(struct tv_vcpu *vcpu);
const char *tv_mode_name(enum tv_mode mode);

/* Exits and ucalls */
uint64_t tv_get_ucall(struct tv_vcpu *vcpu, struct tv_ucall *uc);
/* A line saying what the last exit was (a guest assertion in full). */
const char *tv_exit_str(struct tv_vcpu *vcpu);
const char *tv_exit_reason_str(uint32_t reason);
/* The data of the last TV_EXIT_IO. */
static inline void *tv_io_data(struct tv_vcpu *vcpu)
{
	return (uint8_t *)vcpu->run + vcpu->run->io.data_offset;
}

/* Harness helpers: only inside TEST/TEST_F bodies (tv_test.h). */
#define TV_ASSERT_RUN_OK(vcpu)						\
	ASSERT_EQ(0, __tv_vcpu_run(vcpu))				\
		TH_LOG("TV_RUN: %s (%s)", strerror(errno), tv_exit_str(vcpu))

#define TV_ASSERT_EXIT(vcpu, reason)					\
	ASSERT_EQ((uint32_t)(reason), (vcpu)->run->exit_reason)		\
		TH_LOG("%s", tv_exit_str(vcpu))

/* Run, and expect a ucall cmd; the ucall lands in *uc. */
#define TV_RUN_UCALL(vcpu, uc, cmd) do {				\
	TV_ASSERT_RUN_OK(vcpu);						\
	ASSERT_EQ((uint64_t)(cmd), tv_get_ucall((vcpu), (uc)))		\
		TH_LOG("%s", tv_exit_str(vcpu));			\
} while (0)

#define TV_RUN_SYNC(vcpu, uc, stage) do {				\
	TV_RUN_UCALL(vcpu, uc, TV_UCALL_SYNC);				\
	ASSERT_EQ((uint64_t)(stage), (uc)->args[0]);			\
} while (0)

#define TV_RUN_DONE(vcpu, uc)	TV_RUN_UCALL(vcpu, uc, TV_UCALL_DONE)

#endif
