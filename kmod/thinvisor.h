/* SPDX-License-Identifier: GPL-2.0 */
/* thinvisor: what the vendor-neutral parts of the module share. */
#ifndef THINVISOR_H
#define THINVISOR_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "debugreg.h"
#include "decode.h"
#include "exit.h"
#include "ioapic.h"
#include "lapic.h"
#include "stats.h"
#include "../uapi/linux/thinvisor.h"

#define TV_NAME "thinvisor"

#define TV_MAX_SLOTS	32
#define TV_MAX_VCPUS	64
#define TV_MAX_CPUID	256
#define TV_MAX_MSRS	64
/* Where port I/O data sits in struct tv_run, and how much fits. */
#define TV_RUN_IO_OFFSET 1024
#define TV_RUN_IO_SIZE	(PAGE_SIZE - TV_RUN_IO_OFFSET)

/* hw.c: SVM/VMX is on in every CPU while at least one VM exists. */
int tv_hw_init(void);
void tv_hw_exit(void);
int tv_hw_get(void);
void tv_hw_put(void);
int tv_hw_busy_cpu(void);
int tv_hw_suspend(void);
void tv_hw_resume(void);
/* suspend.c */
void tv_suspend_init(void);
void tv_suspend_exit(void);
void tv_hw_explain_busy(void);

/* The guest's general registers, numbered as enum tv_gpr (decode.h). */
#define TV_NR_REGS	16

/* mmu.c: one memory slot, its pages pinned for as long as it exists. */
struct tv_slot {
	u64 gpa;
	u64 size;
	u64 uaddr;
	u32 flags;
	bool used;
	struct page **pages;
};

/* The second-stage (NPT/EPT) page table of a VM. */
struct tv_mmu {
	u64 root_pa;
	int levels;			/* 4 or 5, fixed when the VM is made */
	struct list_head table_pages;
	unsigned long nr_table_pages;
};

struct tv_cpuid_table {
	struct rcu_head rcu;
	u32 nent;
	struct tv_cpuid_entry entries[];
};

struct tv_vcpu;

struct tv_vm {
	refcount_t users;		/* the VM fd and each vCPU */
	/* slots, vCPU creation, CPUID table, ioeventfd and irqfd changes */
	struct mutex lock;
	struct mm_struct *mm;		/* whose memory the slots pin */
	struct tv_slot slots[TV_MAX_SLOTS];
	struct tv_mmu mmu;
	/* Set once, under lock, and kept until the VM goes: tv_vm_vcpu(). */
	struct tv_vcpu *vcpus[TV_MAX_VCPUS];
	/* Each vCPU in RUN holds it shared; slot changes try it exclusive. */
	struct rw_semaphore run_lock;
	struct tv_cpuid_table __rcu *cpuid;
	struct tv_ioapic ioapic;
	/* The offload path (offload.h): read by the exit path under RCU. */
	struct list_head ioeventfds;
	struct list_head virtio_wins;
	struct list_head irqfds;	/* active irqfds: under irqfd_lock */
	spinlock_t irqfd_lock;		/* irq-safe: irqfd wake-ups take it */
	unsigned int nr_irqfds;		/* active or shutting down: vm->lock */
	struct dentry *debugfs;		/* vm/PID-N: the stats file (stats.c) */
	bool msr_exit_user;
	u64 tlb_generation;		/* bumped when the NPT/EPT changes */
	u64 spec_id;			/* its predictor domain (mitigations.c) */
	void *vendor;
};

/* What a userspace exit left for the next RUN to finish. */
enum tv_pending {
	TV_PENDING_NONE,
	TV_PENDING_IO_IN,		/* IN: data from run page into RAX */
	TV_PENDING_INS,			/* INS: data from run page into memory */
	TV_PENDING_MMIO_READ,		/* MOV from MMIO: data into a register */
	TV_PENDING_HYPERCALL,		/* result into RAX */
	TV_PENDING_RDMSR,		/* result into EDX:EAX, or #GP */
	TV_PENDING_WRMSR,		/* #GP or done */
};

struct tv_vcpu {
	struct tv_vm *vm;
	u32 id;
	struct mutex mutex;		/* held across RUN and the state ioctls */
	struct tv_run *run;
	struct page *run_page;

	/* Authoritative for the backends: copied to and from the VMCB/VMCS. */
	unsigned long regs[TV_NR_REGS];
	unsigned long rip;
	unsigned long rflags;
	unsigned long cr4;		/* as of the last exit or SET_SREGS */

	struct tv_exit_info exit;
	enum tv_pending pending;
	/* What an exit to userspace left for the next RUN (io.c). */
	struct tv_insn mmio_insn;	/* an MMIO read: where the data goes */
	struct {
		u64 gva;		/* INS: where the data goes */
		u32 count;
		u32 access;		/* TV_GWALK_*: the INS's CPL and AC */
	} ins;

	bool regs_set, sregs_set;
	bool halted;
	bool wait_sipi;			/* INIT received (set from any vCPU) */
	int sipi_vector;		/* the SIPI that ends it, or -1 */
	struct tv_events events;	/* pending injection, set by userspace */

	struct fpu_guest guest_fpu;
	u64 xcr0;
	u64 tsc_aux;
	u64 misc_enable;	/* IA32_MISC_ENABLE as the guest sees it */
	u32 pkru;
	struct tv_debugregs dr;		/* debugreg.h */
	/* The guest's SPEC_CTRL, loaded around it (world_switch.S). */
	u64 spec_ctrl;
	u32 spec_pending;	/* TV_SPEC_PENDING_*: PRED_CMD/FLUSH_CMD writes */
	/* L1TF, the conditional flush (mitigations.h): host data may be in the L1D. */
	bool l1d_flush_due;
	unsigned long l1d_switches;	/* the thread's context switches at the last entry */

	struct tv_lapic lapic;
	struct task_struct *task;	/* the thread in RUN, for kicks */
	wait_queue_head_t wq;		/* HLT sleeps here */
	struct tv_vcpu_stats *stats;	/* written by the vCPU's thread only */
	void *vendor;
};

/* vm.c */
int tv_vm_create(unsigned long type);
void tv_vm_put(struct tv_vm *vm);

/* vcpu.c */
int tv_vcpu_create(struct tv_vm *vm, unsigned long id);
void tv_vcpu_free(struct tv_vcpu *vcpu);

/*
 * vCPU i of the VM, or NULL.  Safe from any context while the VM is held:
 * a vCPU once published stays until the VM is destroyed.
 */
static inline struct tv_vcpu *tv_vm_vcpu(struct tv_vm *vm, int i)
{
	/* Pairs with smp_store_release() in tv_vcpu_create(): a whole vCPU. */
	return smp_load_acquire(&vm->vcpus[i]);
}

void tv_vcpu_kick(struct tv_vcpu *vcpu);
void tv_vcpu_init_signal(struct tv_vcpu *vcpu);
void tv_vcpu_sipi(struct tv_vcpu *vcpu, u8 vector);

/* mmu.c */
int tv_mmu_init(struct tv_vm *vm);
void tv_mmu_destroy(struct tv_vm *vm);
void tv_mmu_free_slots(struct tv_vm *vm);
extern atomic_long_t tv_mmu_leaves[3];
int tv_set_memory_region(struct tv_vm *vm, const struct tv_memory_region *r);
struct tv_slot *tv_slot_find(struct tv_vm *vm, u64 gpa);
int tv_read_guest(struct tv_vm *vm, u64 gpa, void *buf, unsigned int len);
int tv_write_guest(struct tv_vm *vm, u64 gpa, const void *buf, unsigned int len);

/* cpuid.c */
int tv_set_cpuid(struct tv_vm *vm, struct tv_cpuid __user *argp);

extern u64 tv_host_xcr0;

/* debugfs.c */
DECLARE_STATIC_KEY_FALSE(tv_cpuid_floor);
DECLARE_STATIC_KEY_FALSE(tv_cpuid_floor_hw);
extern atomic_t tv_nr_vms, tv_nr_vcpus;
void tv_debugfs_init(void);
void tv_debugfs_exit(void);

#endif
