/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of the SVM backend share. */
#ifndef THINVISOR_SVM_H
#define THINVISOR_SVM_H

#include <linux/types.h>
#include <asm/svm.h>

struct tv_vendor_ops;

/* Each host CPU's SVM state. */
struct svm_cpu {
	struct page *hsave;		/* VM_HSAVE_PA: VMRUN's own host save */
	struct page *host_area;		/* VMSAVE/VMLOAD of the host's FS, GS, ... */
	u64 host_area_pa;
	u32 next_asid;
	u64 asid_generation;
};

DECLARE_PER_CPU(struct svm_cpu, svm_cpu);

extern u32 svm_max_asid;
extern u64 svm_iopm_pa, svm_msrpm_pa;
extern bool svm_has_nrips;
extern bool svm_has_decode_assists;

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 asid;
	int asid_cpu;
	u64 asid_generation;
	u64 tlb_generation;
	/*
	 * NMI blocking, which SVM without vNMI leaves to the hypervisor: set
	 * when an NMI goes in, until the guest's IRET has run (the IRET exit,
	 * then an exit with RIP past it).
	 */
	bool nmi_masked;
	bool iret_seen;
	u64 iret_rip;
	/*
	 * An interrupt window asked for on an instruction in an STI or MOV
	 * SS shadow, at this RIP (else SVM_NO_RIP); and a window held back
	 * at this RIP once, the emulator having opened the last one there
	 * before that instruction ran (svm_inject_events()).
	 */
	u64 window_shadow_rip;
	u64 window_held_rip;
};

#define SVM_NO_RIP	(~0ULL)

int svm_hw_setup(void);
void svm_hw_teardown(void);

void tv_svm_vmrun(u64 vmcb_pa, unsigned long *regs, u64 host_area_pa,
		  u64 *spec_ctrl);

/* host_msrs.c: TSC_AUX and IA32_XSS around the guest. */
void svm_host_msrs_init(void);
void svm_host_msrs_cpu_enable(void);
void svm_host_msrs_cpu_disable(void);
void svm_host_msrs_enter(u64 guest_tsc_aux);
void svm_host_msrs_exit(void);

/* hw.c */
bool svm_cpu_in_use(void);
int svm_cpu_enable(void);
void svm_cpu_disable(void);
int svm_show_features(char *buf);
extern struct tv_vendor_ops svm_ops;

#endif
