// SPDX-License-Identifier: GPL-2.0
/*
 * thinvisor on Intel VMX: the VMCS of each vCPU, the world switch, and the
 * decoding of every VM exit into the neutral struct tv_exit_info.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <asm/vmx.h>

#include "../compat.h"
#include "../thinvisor.h"
#include "../vendor.h"
#include "../mitigations.h"
#include "vmcs.h"
#include "vmx.h"

#define VMX_DEFAULT_PAT		0x0007040600070406ULL
#define VMX_AR_UNUSABLE		BIT(16)
#define VMX_GUEST_EFER		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)
#define VMX_EXIT_GETSEC		11
#define VMX_GUEST_INTR_SHADOW	(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)

/* EPT entries: read, write and execute bits, write-back memory. */
#define EPT_RWX		0x7ULL
#define EPT_READ_EXEC	0x5ULL
#define EPT_MT_WB	(6ULL << 3)
#define EPT_LARGE	BIT_ULL(7)

static u64 vmx_mmu_table_entry(u64 pa)
{
	return pa | EPT_RWX;
}

static u64 vmx_mmu_leaf_entry(u64 pa, int level, bool writable)
{
	return pa | (writable ? EPT_RWX : EPT_READ_EXEC) | EPT_MT_WB |
	       (level > 1 ? EPT_LARGE : 0);
}

/* 4-level EPT (vmx_ops.mmu_levels): it maps all of the 48-bit guest space. */
static u64 vmx_eptp(struct tv_vcpu *vcpu)
{
	return vcpu->vm->mmu.root_pa | VMX_EPTP_PWL_4 | VMX_EPTP_MT_WB;
}

/* The CR0 and CR4 bits VMX holds fixed; the guest sees its own in the shadows. */
static unsigned long vmx_cr0_forced(void)
{
	return vmx_cfg.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
}

static unsigned long vmx_cr0_mask(void)
{
	return vmx_cr0_forced() | (u32)~vmx_cfg.cr0_fixed1;
}

static unsigned long vmx_cr4_mask(void)
{
	return vmx_cfg.cr4_fixed0 | (u32)~vmx_cfg.cr4_fixed1;
}

static unsigned long vmx_guest_cr0(void)
{
	unsigned long mask = vmx_cr0_mask();

	return (vmcs_read(GUEST_CR0) & ~mask) | (vmcs_read(CR0_READ_SHADOW) & mask);
}

static unsigned long vmx_guest_cr4(void)
{
	unsigned long mask = vmx_cr4_mask();

	return (vmcs_read(GUEST_CR4) & ~mask) | (vmcs_read(CR4_READ_SHADOW) & mask);
}

/* The per-CPU host state: Linux has a TSS, GDT and entry stack per CPU. */
static void vmx_host_percpu(struct vmx_vcpu *vx, int cpu)
{
	struct desc_ptr idt;
	u64 v;

	vmcs_write(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(HOST_IA32_SYSENTER_ESP, v);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(HOST_GS_BASE, v);
	/* Translations this CPU kept from an earlier stay may be stale. */
	vmx_invept(vmx_eptp(vx->vcpu));
	if (vx->vpid)
		vmx_invvpid(vx->vpid);
}

static void vmx_clear_ipi(void *vx)
{
	vmx_vmcs_clear_local(vx);
}

/*
 * Make the vCPU's VMCS current on this CPU, with preemption off: VMCLEAR
 * it where it was active before (its contents go back to memory), and
 * VMPTRLD it here.  The next entry is then a VMLAUNCH.
 */
static void vmx_vcpu_load(struct vmx_vcpu *vx)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	int cpu = smp_processor_id();
	int old = READ_ONCE(vx->cpu);
	unsigned long flags;

	if (old >= 0 && old != cpu) {
		/*
		 * The IPI needs interrupts on; preemption stays off.  Never
		 * from inside the RUN loop's critical section (the guest's FPU
		 * and XCR0 are loaded there): vmx_vcpu_load_for_run() loads
		 * the VMCS before it, so interrupts are off here only by a bug.
		 */
		bool irqs_off = WARN_ON_ONCE(irqs_disabled());

		if (irqs_off)
			local_irq_enable();
		smp_call_function_single(old, vmx_clear_ipi, vx, 1);
		if (irqs_off)
			local_irq_disable();
		old = READ_ONCE(vx->cpu);
	}
	local_irq_save(flags);
	if (old != cpu) {
		/* Read the CPU before the list: pairs with vmx_vmcs_clear_local(). */
		smp_rmb();
		list_add(&vx->loaded_link, &vc->loaded);
	}
	if (vc->current_vmcs != vx->vmcs) {
		vmcs_load(vx->vmcs_pa);
		vc->current_vmcs = vx->vmcs;
		vc->current_vx = vx;
	}
	if (old != cpu) {
		vx->cpu = cpu;
		vmx_host_percpu(vx, cpu);
	}
	local_irq_restore(flags);
}

/*
 * The "IA-32e mode guest" entry control follows EFER.LMA.  No copy of it
 * is kept: where IA32_VMX_MISC bit 5 is set (Bochs sets it), every VM exit
 * stores the guest's LMA into the control itself, and a guest turns
 * paging on and off without an exit.
 */
static void vmx_write_efer(u64 efer)
{
	u32 entry = vmx_cfg.entry;

	vmcs_write(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	vmcs_write(VM_ENTRY_CONTROLS, entry);
}

static void vmx_set_proc_ctls(struct vmx_vcpu *vx, u32 set, u32 clear)
{
	u32 ctls = (vx->proc_ctls | set) & ~clear;

	if (ctls != vx->proc_ctls) {
		vx->proc_ctls = ctls;
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, ctls);
	}
}

static void vmx_vmcs_setup(struct vmx_vcpu *vx)
{
	struct tv_vcpu *vcpu = vx->vcpu;
	u32 proc2 = vmx_cfg.proc2;

	if (!vx->vpid)
		proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_cfg.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx_cfg.proc);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, proc2);
	vmcs_write(VM_EXIT_CONTROLS, vmx_cfg.exit);
	vmcs_write(VM_ENTRY_CONTROLS, vmx_cfg.entry);
	vx->proc_ctls = vmx_cfg.proc;
	/* Only to reflect them: see tv_handle_exception(). */
	/* #MC is the host's: see vmx_machine_check(). */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) | BIT(X86_TRAP_MC));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(IO_BITMAP_A, vmx_io_bitmap_a_pa);
	vmcs_write(IO_BITMAP_B, vmx_io_bitmap_b_pa);
	vmcs_write(MSR_BITMAP, vmx_msr_bitmap_pa);
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(TSC_OFFSET, 0);
	vmcs_write(EPT_POINTER, vmx_eptp(vcpu));
	if (vx->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vx->vpid);
	vmcs_write(CR0_GUEST_HOST_MASK, vmx_cr0_mask());
	vmcs_write(CR4_GUEST_HOST_MASK, vmx_cr4_mask());
	if (vmx_cfg.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, vmx_cfg.preemption_timer);

	/* The host state that never changes; the rest is written at entry. */
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_IA32_SYSENTER_CS, vmx_cfg.host_sysenter_cs);
	vmcs_write(HOST_IA32_SYSENTER_EIP, vmx_cfg.host_sysenter_eip);
	vmcs_write(HOST_IA32_EFER, vmx_cfg.host_efer);
	vmcs_write(HOST_IA32_PAT, vmx_cfg.host_pat);
	vmcs_write(HOST_RIP, (unsigned long)tv_vmx_vmexit);
	vx->host_cr3 = __read_cr3();
	vmcs_write(HOST_CR3, vx->host_cr3);
	vx->host_cr4 = cr4_read_shadow();
	vmcs_write(HOST_CR4, vx->host_cr4);
	rdmsrl(MSR_FS_BASE, vx->host_fs_base);
	vmcs_write(HOST_FS_BASE, vx->host_fs_base);

	/* The guest state no ioctl sets. */
	vmcs_write(GUEST_IA32_PAT, VMX_DEFAULT_PAT);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_PDPTR0, 0);
	vmcs_write(GUEST_PDPTR1, 0);
	vmcs_write(GUEST_PDPTR2, 0);
	vmcs_write(GUEST_PDPTR3, 0);
}

static int vmx_set_sregs(struct tv_vcpu *vcpu, const struct tv_sregs *s);

/* vmx_vcpus=0 refuses VMX vCPUs (EOPNOTSUPP), leaving VMs without them. */
static bool vmx_vcpus = true;
module_param(vmx_vcpus, bool, 0444);
MODULE_PARM_DESC(vmx_vcpus, "Intel VMX: allow vCPUs (default 1)");

static int vmx_vcpu_create(struct tv_vcpu *vcpu)
{
	struct vmx_vcpu *vx;
	struct tv_sregs reset = {};
	struct page *page;

	if (!vmx_vcpus) {
		pr_info_once(TV_NAME ": VMX vCPUs are off (vmx_vcpus=0)\n");
		return -EOPNOTSUPP;
	}
	vx = kzalloc(sizeof(*vx), GFP_KERNEL_ACCOUNT);

	if (!vx)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(vx);
		return -ENOMEM;
	}
	vx->vcpu = vcpu;
	vx->vmcs = page_address(page);
	vx->vmcs_pa = page_to_phys(page);
	*(u32 *)vx->vmcs = vmx_cfg.revision_id;
	vx->cpu = -1;
	INIT_LIST_HEAD(&vx->loaded_link);
	vx->vpid = vmx_vpid_alloc();
	vx->tlb_generation = vcpu->vm->tlb_generation - 1;
	vcpu->vendor = vx;

	/* VMX is on in every CPU while a VM exists: the VMCS starts clear. */
	preempt_disable();
	vmcs_clear(vx->vmcs_pa);
	vmx_vcpu_load(vx);
	vmx_vmcs_setup(vx);
	preempt_enable();
	/* Every segment unusable, every register 0, as on SVM. */
	vmx_set_sregs(vcpu, &reset);
	return 0;
}

static void vmx_vcpu_free(struct tv_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	int cpu;

	if (!vx)
		return;
	cpu = READ_ONCE(vx->cpu);
	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_clear_ipi, vx, 1);
	vmx_vpid_free(vx->vpid);
	free_page((unsigned long)vx->vmcs);
	kfree(vx);
	vcpu->vendor = NULL;
}

/* One segment: the VMCS fields of ES are the base of each group. */
#define SEG_SEL(s)	(GUEST_ES_SELECTOR + (s) * 2)
#define SEG_LIMIT(s)	(GUEST_ES_LIMIT + (s) * 2)
#define SEG_AR(s)	(GUEST_ES_AR_BYTES + (s) * 2)
#define SEG_BASE(s)	(GUEST_ES_BASE + (s) * 2)

enum { VMX_ES, VMX_CS, VMX_SS, VMX_DS, VMX_FS, VMX_GS, VMX_LDTR, VMX_TR };

static void vmx_seg_set(int seg, const struct tv_segment *s)
{
	u32 ar = s->attrib;

	if (!ar)
		ar = VMX_AR_UNUSABLE;
	else if (ar & TV_SEG_ATTR_S)
		ar |= 1;	/* accessed: VMX insists, as a descriptor load would */
	vmcs_write(SEG_SEL(seg), s->selector);
	vmcs_write(SEG_BASE(seg), s->base);
	vmcs_write(SEG_LIMIT(seg), s->limit);
	vmcs_write(SEG_AR(seg), ar);
}

static void vmx_seg_get(int seg, struct tv_segment *s)
{
	u32 ar = vmcs_read(SEG_AR(seg));

	s->selector = vmcs_read(SEG_SEL(seg));
	s->base = vmcs_read(SEG_BASE(seg));
	s->limit = vmcs_read(SEG_LIMIT(seg));
	s->attrib = (ar & VMX_AR_UNUSABLE) ? 0 : ar & 0xf0ff;
}

static void vmx_get_sregs(struct tv_vcpu *vcpu, struct tv_sregs *s)
{
	struct vmx_vcpu *vx = vcpu->vendor;

	preempt_disable();
	vmx_vcpu_load(vx);
	vmx_seg_get(VMX_CS, &s->cs);
	vmx_seg_get(VMX_DS, &s->ds);
	vmx_seg_get(VMX_ES, &s->es);
	vmx_seg_get(VMX_FS, &s->fs);
	vmx_seg_get(VMX_GS, &s->gs);
	vmx_seg_get(VMX_SS, &s->ss);
	vmx_seg_get(VMX_TR, &s->tr);
	vmx_seg_get(VMX_LDTR, &s->ldt);
	s->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	s->cr0 = vmx_guest_cr0();
	s->cr3 = vmcs_read(GUEST_CR3);
	s->cr4 = vmx_guest_cr4();
	s->efer = vmcs_read(GUEST_IA32_EFER);
	preempt_enable();
	s->cr2 = vx->cr2;
	s->cr8 = vx->cr8;
}

static bool vmx_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * Obvious nonsense is refused here; the rest of the consistency checks are
 * the CPU's, and a state it refuses comes back as TV_EXIT_FAIL_ENTRY.
 */
static int vmx_set_sregs(struct tv_vcpu *vcpu, const struct tv_sregs *s)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	u64 pdpte[4] = {};
	int i;

	if ((s->efer & ~VMX_GUEST_EFER) || (s->cr0 >> 32) || s->cr8 > 15)
		return -EINVAL;
	/* PAE paging: the entry loads the PDPTEs from the VMCS, not memory. */
	if (vmx_pae_paging(s->cr0, s->cr4, s->efer) &&
	    tv_read_guest(vcpu->vm, s->cr3 & 0xffffffe0, pdpte, sizeof(pdpte)))
		memset(pdpte, 0, sizeof(pdpte));

	preempt_disable();
	vmx_vcpu_load(vx);
	vmx_seg_set(VMX_CS, &s->cs);
	vmx_seg_set(VMX_DS, &s->ds);
	vmx_seg_set(VMX_ES, &s->es);
	vmx_seg_set(VMX_FS, &s->fs);
	vmx_seg_set(VMX_GS, &s->gs);
	vmx_seg_set(VMX_SS, &s->ss);
	vmx_seg_set(VMX_TR, &s->tr);
	vmx_seg_set(VMX_LDTR, &s->ldt);
	vmcs_write(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s->idt.limit);
	vmcs_write(GUEST_CR0, s->cr0 | vmx_cr0_forced());
	vmcs_write(CR0_READ_SHADOW, s->cr0);
	vmcs_write(GUEST_CR3, s->cr3);
	vmcs_write(GUEST_CR4, s->cr4 | vmx_cfg.cr4_fixed0);
	vmcs_write(CR4_READ_SHADOW, s->cr4);
	for (i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + i * 2, pdpte[i]);
	vmx_write_efer(s->efer);
	/* New page tables: nothing cached for this VPID may stay. */
	if (vx->vpid)
		vmx_invvpid(vx->vpid);
	preempt_enable();
	vx->cr2 = s->cr2;
	vx->cr8 = s->cr8;
	vcpu->cr4 = s->cr4;
	return 0;
}

/* MSRs VMX does not switch: kept here, loaded around the guest by vmx_run(). */
static u64 *vmx_msr_slot(struct vmx_vcpu *vx, u32 index)
{
	switch (index) {
	case MSR_STAR:
		return &vx->star;
	case MSR_LSTAR:
		return &vx->lstar;
	case MSR_CSTAR:
		return &vx->cstar;
	case MSR_SYSCALL_MASK:
		return &vx->sfmask;
	case MSR_KERNEL_GS_BASE:
		return &vx->kernel_gs_base;
	default:
		return NULL;
	}
}

/* MSRs in the VMCS. */
static unsigned long vmx_msr_field(u32 index)
{
	switch (index) {
	case MSR_EFER:
		return GUEST_IA32_EFER;
	case MSR_IA32_CR_PAT:
		return GUEST_IA32_PAT;
	case MSR_FS_BASE:
		return GUEST_FS_BASE;
	case MSR_GS_BASE:
		return GUEST_GS_BASE;
	case MSR_IA32_SYSENTER_CS:
		return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:
		return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:
		return GUEST_SYSENTER_EIP;
	default:
		return 0;
	}
}

static int vmx_get_msr(struct tv_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	unsigned long field = vmx_msr_field(index);
	u64 *slot;

	if (field) {
		preempt_disable();
		vmx_vcpu_load(vx);
		*data = vmcs_read(field);
		preempt_enable();
		return 0;
	}
	slot = vmx_msr_slot(vx, index);
	if (!slot)
		return -ENOENT;
	*data = *slot;
	return 0;
}

static bool vmx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

static int vmx_set_msr(struct tv_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	unsigned long field;
	bool paging;
	u64 *slot;

	switch (index) {
	case MSR_EFER:
		if (data & ~VMX_GUEST_EFER)
			return -EINVAL;
		preempt_disable();
		vmx_vcpu_load(vx);
		paging = vmcs_read(GUEST_CR0) & X86_CR0_PG;
		/* As the CPU: LME stays as it is while paging is on. */
		if (paging && ((data ^ vmcs_read(GUEST_IA32_EFER)) & EFER_LME)) {
			preempt_enable();
			return -EINVAL;
		}
		/* LMA is the CPU's: a WRMSR in long mode keeps it. */
		if ((data & EFER_LME) && paging)
			data |= EFER_LMA;
		vmx_write_efer(data);
		preempt_enable();
		return 0;
	case MSR_IA32_CR_PAT:
		if (!vmx_pat_valid(data))
			return -EINVAL;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!tv_canonical(data))
			return -EINVAL;
		break;
	case MSR_SYSCALL_MASK:
	case MSR_IA32_SYSENTER_CS:
		if (data >> 32)
			return -EINVAL;
		break;
	}
	field = vmx_msr_field(index);
	if (field) {
		preempt_disable();
		vmx_vcpu_load(vx);
		vmcs_write(field, data);
		preempt_enable();
		return 0;
	}
	slot = vmx_msr_slot(vx, index);
	if (!slot)
		return -ENOENT;
	*slot = data;
	return 0;
}

/* As the CPU has it: 0 in real mode, 3 in virtual-8086 mode, else SS.DPL. */
static int vmx_get_cpl(struct tv_vcpu *vcpu)
{
	int cpl;

	preempt_disable();
	vmx_vcpu_load(vcpu->vendor);
	if (!(vmx_guest_cr0() & X86_CR0_PE))
		cpl = 0;
	else if (vcpu->rflags & X86_EFLAGS_VM)
		cpl = 3;
	else
		cpl = (vmcs_read(GUEST_SS_AR_BYTES) >> 5) & 3;
	preempt_enable();
	return cpl;
}

static bool vmx_get_interrupt_shadow(struct tv_vcpu *vcpu)
{
	bool shadow;

	preempt_disable();
	vmx_vcpu_load(vcpu->vendor);
	shadow = vmcs_read(GUEST_INTERRUPTIBILITY_INFO) & VMX_GUEST_INTR_SHADOW;
	preempt_enable();
	return shadow;
}

static void vmx_set_interrupt_shadow(struct tv_vcpu *vcpu, bool shadow)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	u32 intr;

	preempt_disable();
	vmx_vcpu_load(vx);
	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO) & ~VMX_GUEST_INTR_SHADOW;
	/* An STI shadow needs IF set: otherwise it is the MOV SS kind. */
	if (shadow)
		intr |= (vcpu->rflags & X86_EFLAGS_IF) ? GUEST_INTR_STATE_STI :
							  GUEST_INTR_STATE_MOV_SS;
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr);
	/* At the RIP of now: vmx_run() ends a shadow when RIP moves. */
	vx->exit_rip = vcpu->rip;
	preempt_enable();
}

/* Hardware exceptions that push an error code in protected mode. */
static bool vmx_exception_has_error(u8 vector)
{
	switch (vector) {
	case X86_TRAP_DF:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
	case X86_TRAP_PF:
	case X86_TRAP_AC:
		return true;
	default:
		return false;
	}
}

/*
 * One event per entry, the most urgent first.  An NMI or interrupt the
 * guest cannot take yet waits for an NMI-window or interrupt-window exit.
 */
static void vmx_inject_events(struct tv_vcpu *vcpu, struct vmx_vcpu *vx)
{
	struct tv_events *ev = &vcpu->events;
	u32 intr, info;

	if (ev->exception.flags & TV_EVENT_VALID) {
		info = ev->exception.vector | INTR_TYPE_HARD_EXCEPTION |
		       INTR_INFO_VALID_MASK;
		/*
		 * VMX delivers an error code exactly where the CPU would:
		 * in protected mode, for the exceptions that have one.
		 */
		if ((vmcs_read(GUEST_CR0) & X86_CR0_PE) &&
		    vmx_exception_has_error(ev->exception.vector)) {
			info |= INTR_INFO_DELIVER_CODE_MASK;
			vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
				   (ev->exception.flags & TV_EVENT_HAS_ERROR) ?
				   (u16)ev->exception.error_code : 0);
		}
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN, 0);
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
		ev->exception.flags = 0;
		return;
	}
	intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	if (ev->nmi_pending) {
		if (intr & (VMX_GUEST_INTR_SHADOW | GUEST_INTR_STATE_NMI)) {
			vmx_set_proc_ctls(vx, CPU_BASED_NMI_WINDOW_EXITING, 0);
			return;
		}
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, X86_TRAP_NMI |
			   INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
		vmx_set_proc_ctls(vx, 0, CPU_BASED_NMI_WINDOW_EXITING);
		ev->nmi_pending = 0;
		return;
	}
	if (!(ev->interrupt.flags & TV_EVENT_VALID))
		return;
	if ((vcpu->rflags & X86_EFLAGS_IF) && !(intr & VMX_GUEST_INTR_SHADOW)) {
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, ev->interrupt.vector |
			   INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
		ev->interrupt.flags = 0;
		vmx_set_proc_ctls(vx, 0, CPU_BASED_INTR_WINDOW_EXITING);
	} else {
		vmx_set_proc_ctls(vx, CPU_BASED_INTR_WINDOW_EXITING, 0);
	}
}

/* An event cut short by the exit goes back in on the next entry. */
static void vmx_requeue_event(struct tv_vcpu *vcpu, u32 info)
{
	struct tv_events *ev = &vcpu->events;

	switch (info & INTR_INFO_INTR_TYPE_MASK) {
	case INTR_TYPE_HARD_EXCEPTION:
		ev->exception.vector = info & INTR_INFO_VECTOR_MASK;
		ev->exception.flags = TV_EVENT_VALID;
		if (info & INTR_INFO_DELIVER_CODE_MASK) {
			ev->exception.flags |= TV_EVENT_HAS_ERROR;
			ev->exception.error_code = vmcs_read(IDT_VECTORING_ERROR_CODE);
		}
		break;
	case INTR_TYPE_NMI_INTR:
		ev->nmi_pending = 1;
		break;
	case INTR_TYPE_EXT_INTR:
		ev->interrupt.vector = info & INTR_INFO_VECTOR_MASK;
		ev->interrupt.flags = TV_EVENT_VALID;
		break;
	default:
		/* A software interrupt: RIP still points at INTn, it reruns. */
		break;
	}
}

static void vmx_flush_guest_tlb(struct vmx_vcpu *vx)
{
	if (vx->vpid)
		vmx_invvpid(vx->vpid);
}

/*
 * MOV to CR0 or CR4 exits only when it touches a bit VMX holds fixed (the
 * guest clearing CR0.NE, setting CR4.VMXE, a reserved bit); the guest's
 * value goes into the read shadow.  0, or -1 for #GP.
 */
static int vmx_mov_to_cr0(struct vmx_vcpu *vx, unsigned long val)
{
	unsigned long old = vmx_guest_cr0();
	u64 efer = vmcs_read(GUEST_IA32_EFER);

	if ((val >> 32) || ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
	    ((val & X86_CR0_PG) && !(val & X86_CR0_PE)))
		return -1;
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(vmx_guest_cr4() & X86_CR4_PAE))
			return -1;
		vmx_write_efer(efer | EFER_LMA);
	} else if ((old & X86_CR0_PG) && !(val & X86_CR0_PG) && (efer & EFER_LMA)) {
		vmx_write_efer(efer & ~EFER_LMA);
	}
	vmcs_write(GUEST_CR0, val | vmx_cr0_forced());
	vmcs_write(CR0_READ_SHADOW, val);
	if ((old ^ val) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE))
		vmx_flush_guest_tlb(vx);
	return 0;
}

static int vmx_mov_to_cr4(struct vmx_vcpu *vx, unsigned long val)
{
	unsigned long old = vmx_guest_cr4();

	if ((val & X86_CR4_VMXE) || (val & ~vmx_cfg.cr4_fixed1) ||
	    ((vmcs_read(GUEST_IA32_EFER) & EFER_LMA) && !(val & X86_CR4_PAE)))
		return -1;
	vmcs_write(GUEST_CR4, val | vmx_cfg.cr4_fixed0);
	vmcs_write(CR4_READ_SHADOW, val);
	if ((old ^ val) & (X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE |
			   X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE))
		vmx_flush_guest_tlb(vx);
	return 0;
}

/* CR accesses are the backend's own: finished here, in the guest's stead. */
static u32 vmx_handle_cr(struct tv_vcpu *vcpu, struct vmx_vcpu *vx, u64 qual)
{
	unsigned int cr = qual & 15, type = (qual >> 4) & 3;
	unsigned long *reg = &vcpu->regs[(qual >> 8) & 15];
	int r;

	if (type == 0 && cr == 0)
		r = vmx_mov_to_cr0(vx, *reg);
	else if (type == 0 && cr == 4)
		r = vmx_mov_to_cr4(vx, *reg);
	else if (type == 0 && cr == 8)
		r = (*reg >> 4) ? -1 : (vx->cr8 = *reg, 0);
	else if (type == 1 && cr == 8)
		r = (*reg = vx->cr8, 0);
	else
		return TV_X_UNKNOWN;
	if (r)
		tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
	else
		vcpu->rip += vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	return TV_X_NONE;
}

/* The address size of INS/OUTS, where the CPU does not report it. */
static u8 vmx_io_addr_size(void)
{
	u32 cs_ar;

	if (vmx_cfg.inout_info)
		return 2 << ((vmcs_read(VMX_INSTRUCTION_INFO) >> 7) & 7);
	cs_ar = vmcs_read(GUEST_CS_AR_BYTES);
	if ((vmcs_read(GUEST_IA32_EFER) & EFER_LMA) && (cs_ar & TV_SEG_ATTR_L))
		return 8;
	return (cs_ar & TV_SEG_ATTR_DB) ? 4 : 2;
}

/*
 * #DB or #AC from the exception bitmap, to be reflected.  A #DB exit
 * leaves DR6 alone and gives its bits in the qualification instead: they
 * go into the guest's DR6 (debugreg.h) as the CPU would have put them
 * (B0-B3 replaced, BD/BS/BT set, the active-low RTM bit cleared).  A #DB
 * delivery clears DR7.GD; ICEBP's trap-like #DB comes after the ICEBP.
 */
static void vmx_decode_exception(struct tv_vcpu *vcpu, u32 intr_info, u64 qual)
{
	struct tv_exit_info *e = &vcpu->exit;
	u8 vector = intr_info & INTR_INFO_VECTOR_MASK;
	unsigned long dr6;

	e->kind = TV_X_UNKNOWN;
	if (vector == X86_TRAP_MC) {
		/* vmx_run() gave it to the host's handler: the guest goes on. */
		e->kind = TV_X_NONE;
		return;
	}
	if (vector == X86_TRAP_AC) {
		e->kind = TV_X_EXCEPTION;
		e->exc.vector = X86_TRAP_AC;
		e->exc.has_error = true;
		e->exc.error = 0;
		return;
	}
	if (vector != X86_TRAP_DB)
		return;
	/* DR6's fixed-1 and active-low bits (RTM, bit 16) are DR6_RESERVED's. */
	dr6 = vcpu->dr.dr6;
	dr6 &= ~DR_TRAP_BITS;
	dr6 |= DR6_RESERVED | qual;
	dr6 ^= qual & DR6_RESERVED;
	dr6 &= ~BIT(12);
	vcpu->dr.dr6 = dr6;
	vmcs_write(GUEST_DR7, vmcs_read(GUEST_DR7) & ~TV_DR7_GD);
	if ((intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXCEPTION)
		vcpu->rip += vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	e->kind = TV_X_EXCEPTION;
	e->exc.vector = X86_TRAP_DB;
	e->exc.has_error = false;
}

static void vmx_decode_exit(struct tv_vcpu *vcpu, struct vmx_vcpu *vx, u32 reason)
{
	struct tv_exit_info *e = &vcpu->exit;
	u64 qual = vmcs_read(EXIT_QUALIFICATION);
	u32 intr_info;

	e->raw[0] = reason;
	e->raw[1] = qual;
	e->raw[2] = 0;
	e->insn_len = 0;
	e->next_rip = 0;

	switch (reason) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		e->kind = TV_X_EXTINT;
		return;
	case EXIT_REASON_EXCEPTION_NMI:
		intr_info = vmcs_read(VM_EXIT_INTR_INFO);
		e->raw[2] = intr_info;
		if ((intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
			e->kind = TV_X_NMI;
		else
			vmx_decode_exception(vcpu, intr_info, qual);
		return;
	case EXIT_REASON_INTERRUPT_WINDOW:
		/* The interrupt window is open: the next entry injects. */
		vmx_set_proc_ctls(vx, 0, CPU_BASED_INTR_WINDOW_EXITING);
		e->kind = TV_X_NONE;
		return;
	case EXIT_REASON_NMI_WINDOW:
		vmx_set_proc_ctls(vx, 0, CPU_BASED_NMI_WINDOW_EXITING);
		e->kind = TV_X_NONE;
		return;
	case EXIT_REASON_PREEMPTION_TIMER:
		/* A host interrupt, if one waits, is taken before the next entry. */
		e->kind = TV_X_NONE;
		return;
	case EXIT_REASON_TRIPLE_FAULT:
		e->kind = TV_X_SHUTDOWN;
		return;
	case EXIT_REASON_EPT_VIOLATION:
		e->kind = TV_X_NPF;
		e->npf.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		e->npf.write = qual & EPT_VIOLATION_ACC_WRITE;
		e->npf.fetch = qual & EPT_VIOLATION_ACC_INSTR;
		e->npf.in_delivery = vmcs_read(IDT_VECTORING_INFO_FIELD) &
				     VECTORING_INFO_VALID_MASK;
		e->raw[2] = e->npf.gpa;
		/* The fault hit an IRET that had unblocked NMIs: block again. */
		if ((qual & INTR_INFO_UNBLOCK_NMI) && !e->npf.in_delivery)
			vmcs_set_bits(GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
		return;
	case EXIT_REASON_CR_ACCESS:
		e->kind = vmx_handle_cr(vcpu, vx, qual);
		return;
	case EXIT_REASON_DR_ACCESS:
		/* Not emulated: the MOV runs again, natively (debugreg.h). */
		vmx_set_proc_ctls(vx, 0, CPU_BASED_MOV_DR_EXITING);
		tv_dr_go_native(&vcpu->dr);
		e->kind = TV_X_NONE;
		return;
	}

	/* The rest are instructions: the CPU says how long. */
	e->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	e->raw[2] = e->insn_len;
	switch (reason) {
	case EXIT_REASON_CPUID:
		e->kind = TV_X_CPUID;
		break;
	case EXIT_REASON_HLT:
		e->kind = TV_X_HLT;
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		e->kind = TV_X_IO;
		e->io.size = (qual & 7) + 1;
		e->io.in = qual & 8;
		e->io.string = qual & 16;
		e->io.rep = qual & 32;
		e->io.port = qual >> 16;
		e->io.addr_size = e->io.string ? vmx_io_addr_size() : 0;
		break;
	case EXIT_REASON_MSR_READ:
		e->kind = TV_X_RDMSR;
		break;
	case EXIT_REASON_MSR_WRITE:
		e->kind = TV_X_WRMSR;
		break;
	case EXIT_REASON_VMCALL:
		e->kind = TV_X_HYPERCALL;
		break;
	case EXIT_REASON_XSETBV:
		e->kind = TV_X_XSETBV;
		break;
	case EXIT_REASON_RDTSCP:
		e->kind = TV_X_RDTSCP;
		break;
	case EXIT_REASON_RDPMC:
		e->kind = TV_X_RDPMC;
		break;
	case EXIT_REASON_WBINVD:
		e->kind = TV_X_WBINVD;
		break;
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case VMX_EXIT_GETSEC:
	case EXIT_REASON_INVD:
	case EXIT_REASON_MONITOR_INSTRUCTION:
	case EXIT_REASON_MWAIT_INSTRUCTION:
		/* No nested VMX, no SMX, no MONITOR/MWAIT: as on a CPU without. */
		e->kind = TV_X_UD;
		break;
	default:
		e->kind = TV_X_UNKNOWN;
		break;
	}
}

/* Guest values of the syscall MSRs and TSC_AUX, in the CPU only while it runs. */
struct vmx_msr_swap {
	u32 index;
	u64 host;
	u64 guest;
};

static int vmx_swap_in(struct vmx_msr_swap *swap, int n, u32 index, u64 host,
		       u64 guest)
{
	if (host == guest)
		return n;
	swap[n].index = index;
	swap[n].host = host;
	swap[n].guest = guest;
	wrmsrl(index, guest);
	return n + 1;
}

/*
 * VM exit left DR7 at 0x400, and where the guest ran with MOV DR native,
 * DR6 and DR0-3 hold its values: take them back, intercept MOV DR again,
 * and give the host its own (debugreg.h).
 */
static __always_inline void vmx_dr_exit(struct tv_vcpu *vcpu, struct vmx_vcpu *vx)
{
	if (unlikely(vcpu->dr.native)) {
		get_debugreg(vcpu->dr.dr6, 6);
		vcpu->dr.dr7 = vmcs_read(GUEST_DR7);
		vmx_set_proc_ctls(vx, CPU_BASED_MOV_DR_EXITING, 0);
	}
	tv_dr_exit(&vcpu->dr, false);
}

/*
 * Before the RUN loop's critical section, with preemption off and
 * interrupts on: moving the VMCS from another CPU takes an IPI, which
 * cannot wait until interrupts are off and the guest's FPU is loaded.
 */
static void vmx_vcpu_load_for_run(struct tv_vcpu *vcpu)
{
	vmx_vcpu_load(vcpu->vendor);
}

/*
 * A machine check during VM entry (exit reason 41, as a failed entry) or
 * in the guest (an #MC exception exit, from the exception bitmap) is the
 * host's: its handler runs now, as if it had hit the host.
 */
static __always_inline void vmx_machine_check(u32 reason)
{
	if (unlikely((u16)reason == EXIT_REASON_MCE_DURING_VMENTRY) ||
	    (unlikely((u16)reason == EXIT_REASON_EXCEPTION_NMI) &&
	     (vmcs_read(VM_EXIT_INTR_INFO) &
	      (INTR_INFO_INTR_TYPE_MASK | INTR_INFO_VECTOR_MASK)) ==
	     (INTR_TYPE_HARD_EXCEPTION | X86_TRAP_MC)))
		tv_machine_check();
}

static void vmx_run(struct tv_vcpu *vcpu)
{
	struct vmx_vcpu *vx = vcpu->vendor;
	struct vmx_msr_swap swap[5];
	unsigned long cr3, cr4, debugctl;
	u64 fs_base, host_kgs, v;
	u16 ds, es, fs_sel, gs_sel, ldt;
	int i, nswap = 0;
	u32 reason, vect;
	bool fail;

	/* vmx_vcpu_load_for_run() made the VMCS current, with preemption off since. */
	if (unlikely(vx->tlb_generation != vcpu->vm->tlb_generation)) {
		vx->tlb_generation = vcpu->vm->tlb_generation;
		vmx_invept(vmx_eptp(vcpu));
	}
	/*
	 * Shared code stepped over an instruction (CPUID, HLT, ...): as on
	 * the CPU, that ends an STI or MOV SS shadow.  Left set, it would
	 * hold an interrupt off forever after STI; HLT.
	 */
	if (vcpu->rip != vx->exit_rip) {
		u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

		if (intr & VMX_GUEST_INTR_SHADOW)
			vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr & ~VMX_GUEST_INTR_SHADOW);
	}
	if (unlikely(vcpu->events.exception.flags || vcpu->events.nmi_pending ||
		     vcpu->events.interrupt.flags))
		vmx_inject_events(vcpu, vx);

	vmcs_write(GUEST_RSP, vcpu->regs[TV_RSP]);
	vmcs_write(GUEST_RIP, vcpu->rip);
	vmcs_write(GUEST_RFLAGS, vcpu->rflags);

	/* The host state that may have changed since the last entry. */
	cr3 = __read_cr3();
	if (unlikely(cr3 != vx->host_cr3)) {
		vmcs_write(HOST_CR3, cr3);
		vx->host_cr3 = cr3;
	}
	cr4 = cr4_read_shadow();
	if (unlikely(cr4 != vx->host_cr4)) {
		vmcs_write(HOST_CR4, cr4);
		vx->host_cr4 = cr4;
	}
	rdmsrl(MSR_FS_BASE, fs_base);
	if (unlikely(fs_base != vx->host_fs_base)) {
		vmcs_write(HOST_FS_BASE, fs_base);
		vx->host_fs_base = fs_base;
	}
	/* After the last VMWRITE: one that failed stops the vCPU for good. */
	if (unlikely(vx->vmcs_failed)) {
		vcpu->exit.kind = TV_X_HW_ERROR;
		vcpu->exit.raw[0] = 0;
		vcpu->exit.raw[1] = 0;
		vcpu->exit.raw[2] = 0;
		vcpu->exit.insn_len = 0;
		vcpu->exit.next_rip = 0;
		return;
	}
	savesegment(ds, ds);
	savesegment(es, es);
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	asm volatile("sldt %0" : "=g" (ldt));
	debugctl = vmx_cfg.has_debugctl ? get_debugctlmsr() : 0;

	/* What VMX does not switch: the guest's values go in by hand. */
	rdmsrl(MSR_KERNEL_GS_BASE, host_kgs);
	wrmsrl(MSR_KERNEL_GS_BASE, vx->kernel_gs_base);
	nswap = vmx_swap_in(swap, nswap, MSR_STAR, vmx_cfg.host_star, vx->star);
	nswap = vmx_swap_in(swap, nswap, MSR_LSTAR, vmx_cfg.host_lstar, vx->lstar);
	nswap = vmx_swap_in(swap, nswap, MSR_CSTAR, vmx_cfg.host_cstar, vx->cstar);
	nswap = vmx_swap_in(swap, nswap, MSR_SYSCALL_MASK, vmx_cfg.host_sfmask, vx->sfmask);
	if (vmx_cfg.has_rdtscp)
		nswap = vmx_swap_in(swap, nswap, MSR_TSC_AUX,
				    __this_cpu_read(vmx_cpu.host_tsc_aux), vcpu->tsc_aux);
	if (native_read_cr2() != vx->cr2)
		native_write_cr2(vx->cr2);

	tv_dr_enter(&vcpu->dr, true);
	/* L1TF: nothing of the host's left in the L1D for the guest. */
	tv_l1d_flush(vcpu);
	fail = tv_vmx_vmenter(vcpu->regs, vx->launched, &vcpu->spec_ctrl);

	vx->cr2 = native_read_cr2();
	/* What VM exit left as the architecture says, not as Linux had it. */
	if (debugctl)
		update_debugctlmsr(debugctl);
	vmx_dr_exit(vcpu, vx);
	rdmsrl(MSR_KERNEL_GS_BASE, vx->kernel_gs_base);
	if (unlikely(ldt))
		asm volatile("lldt %0" : : "rm" (ldt));
	if (unlikely(gs_sel))
		load_gs_index(gs_sel);
	if (unlikely(fs_sel)) {
		loadsegment(fs, fs_sel);
		wrmsrl(MSR_FS_BASE, fs_base);
	}
	if (unlikely(ds | es)) {
		loadsegment(ds, ds);
		loadsegment(es, es);
	}
	wrmsrl(MSR_KERNEL_GS_BASE, host_kgs);
	for (i = 0; i < nswap; i++)
		wrmsrl(swap[i].index, swap[i].host);
	/* VM exit cut the TR limit to 0x67 and the GDT limit to 0xffff. */
	invalidate_tss_limit();
	load_fixmap_gdt(raw_smp_processor_id());

	if (unlikely(fail)) {
		v = vmcs_read(VM_INSTRUCTION_ERROR);
		vcpu->exit.kind = TV_X_FAIL_ENTRY;
		vcpu->exit.fail.hardware_reason = 0x10000 | v;
		vcpu->exit.raw[0] = 0x10000 | v;
		vcpu->exit.raw[1] = 0;
		vcpu->exit.raw[2] = 0;
		vcpu->exit.insn_len = 0;
		vcpu->exit.next_rip = 0;
		return;
	}
	reason = vmcs_read(VM_EXIT_REASON);
	vmx_machine_check(reason);
	if (unlikely(reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) {
		/* Invalid guest state, MSR loading, a machine check. */
		vcpu->exit.kind = TV_X_FAIL_ENTRY;
		vcpu->exit.fail.hardware_reason = reason;
		vcpu->exit.raw[0] = reason;
		vcpu->exit.raw[1] = vmcs_read(EXIT_QUALIFICATION);
		vcpu->exit.raw[2] = 0;
		vcpu->exit.insn_len = 0;
		vcpu->exit.next_rip = 0;
		return;
	}
	vx->launched = true;

	/* The host's NMI: its handler runs now, before anything else. */
	if (unlikely((u16)reason == EXIT_REASON_EXCEPTION_NMI) &&
	    (vmcs_read(VM_EXIT_INTR_INFO) & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		tv_vmx_call_nmi((unsigned long)tv_host_nmi_entry);

	vcpu->regs[TV_RSP] = vmcs_read(GUEST_RSP);
	vcpu->rip = vmcs_read(GUEST_RIP);
	vx->exit_rip = vcpu->rip;
	vcpu->rflags = vmcs_read(GUEST_RFLAGS);

	vmx_decode_exit(vcpu, vx, (u16)reason);
	/* The guest's own view: it changes most CR4 bits without an exit. */
	vcpu->cr4 = vmx_guest_cr4();
	vect = vmcs_read(IDT_VECTORING_INFO_FIELD);
	if (unlikely(vect & VECTORING_INFO_VALID_MASK))
		vmx_requeue_event(vcpu, vect);
}

static void vmx_exit(void)
{
	vmx_hw_teardown();
}

struct tv_vendor_ops vmx_ops = {
	.name = "vmx",
	.uapi_vendor = TV_VENDOR_INTEL_VMX,
	.cpu_in_use = vmx_cpu_in_use,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.show_features = vmx_show_features,
	.exit = vmx_exit,
	.mmu_table_entry = vmx_mmu_table_entry,
	.mmu_leaf_entry = vmx_mmu_leaf_entry,
	.mmu_max_level = 2,
	.mmu_levels = 4,
	/* LA57 stays hidden under VMX (cpuid_policy.c). */
	.guest_va_bits = 48,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_load = vmx_vcpu_load_for_run,
	.run = vmx_run,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.get_cpl = vmx_get_cpl,
	.get_interrupt_shadow = vmx_get_interrupt_shadow,
	.set_interrupt_shadow = vmx_set_interrupt_shadow,
};
