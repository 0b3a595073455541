/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of the VMX backend share. */
#ifndef THINVISOR_VMX_H
#define THINVISOR_VMX_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/types.h>

struct tv_vendor_ops;

/* What the capability MSRs allowed at load, and the controls chosen. */
struct vmx_config {
	u32 revision_id;
	bool true_ctls;
	bool inout_info;		/* VMX_BASIC bit 54: INS/OUTS info */
	u32 procbased2_allowed;		/* allowed-1 secondary controls */
	u64 ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;

	u32 pin, proc, proc2, exit, entry;
	bool vpid;			/* VPIDs and INVVPID in use */
	u32 preemption_timer;		/* its value at each entry, or 0 */
	bool invept_single, invvpid_single;

	/* The host values that are the same on every CPU. */
	u64 host_efer, host_pat;
	u64 host_sysenter_cs, host_sysenter_eip;
	u64 host_star, host_lstar, host_cstar, host_sfmask;
	bool has_rdtscp;
	bool has_debugctl;
};

extern struct vmx_config vmx_cfg;
extern u64 vmx_io_bitmap_a_pa, vmx_io_bitmap_b_pa, vmx_msr_bitmap_pa;

/* Each host CPU's VMX state. */
struct vmx_cpu {
	struct page *vmxon_region;
	struct vmcs *current_vmcs;	/* the VMCS VMPTRLD made current */
	struct vmx_vcpu *current_vx;	/* whose it is */
	struct list_head loaded;	/* every VMCS active on this CPU */
	u64 host_tsc_aux;
};

DECLARE_PER_CPU(struct vmx_cpu, vmx_cpu);

struct vmx_vcpu {
	struct tv_vcpu *vcpu;
	struct vmcs *vmcs;
	u64 vmcs_pa;
	int cpu;			/* where the VMCS is active, or -1 */
	bool launched;			/* VMRESUME, not VMLAUNCH */
	bool vmcs_failed;		/* a VMREAD/VMWRITE failed: no more entries */
	unsigned long exit_rip;		/* RIP as the last exit left it */
	struct list_head loaded_link;	/* on vmx_cpu.loaded of that CPU */
	u16 vpid;
	u64 tlb_generation;
	u32 proc_ctls;			/* what the VMCS holds now */

	/* Host state written lazily into the VMCS. */
	unsigned long host_cr3, host_cr4, host_fs_base;

	/* Guest state VMX does not switch. */
	unsigned long cr2;
	u64 cr8;
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
};

int vmx_hw_setup(void);
void vmx_hw_teardown(void);
u16 vmx_vpid_alloc(void);
void vmx_vpid_free(u16 vpid);
void vmx_invept(u64 eptp);
void vmx_invvpid(u16 vpid);

bool vmx_cpu_in_use(void);
int vmx_cpu_enable(void);
void vmx_cpu_disable(void);
int vmx_show_features(char *buf);
void vmx_vmcs_clear_local(struct vmx_vcpu *vx);

extern struct tv_vendor_ops vmx_ops;

/* vmenter.S */
bool tv_vmx_vmenter(unsigned long *regs, bool launched, u64 *spec_ctrl);
void tv_vmx_vmexit(void);
void tv_vmx_call_nmi(unsigned long entry);

#endif
