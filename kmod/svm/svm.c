// SPDX-License-Identifier: GPL-2.0
/*
 * thinvisor on AMD SVM: the VMCB of each vCPU, the world switch, and the
 * decoding of every #VMEXIT into the neutral struct tv_exit_info.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/svm.h>
#include <asm/traps.h>

#include "../thinvisor.h"
#include "../vendor.h"
#include "svm.h"

#define SVM_DEFAULT_PAT	0x0007040600070406ULL

#define NPT_PRESENT	BIT_ULL(0)
#define NPT_WRITE	BIT_ULL(1)
#define NPT_USER	BIT_ULL(2)
#define NPT_LARGE	BIT_ULL(7)

/* NPT entries are ordinary long-mode entries, all "user" for the guest. */
static u64 svm_mmu_table_entry(u64 pa)
{
	return pa | NPT_PRESENT | NPT_WRITE | NPT_USER;
}

static u64 svm_mmu_leaf_entry(u64 pa, int level, bool writable)
{
	return pa | NPT_PRESENT | NPT_USER | (writable ? NPT_WRITE : 0) |
	       (level > 1 ? NPT_LARGE : 0);
}

static inline void svm_intercept(struct vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] |= BIT(bit % 32);
}

static inline void svm_unintercept(struct vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] &= ~BIT(bit % 32);
}

/* MOV from and to DR0-7: exits until the guest uses them (debugreg.h). */
static void svm_intercept_dr(struct vmcb *vmcb, bool on)
{
	vmcb->control.intercepts[INTERCEPT_DR] = on ? 0x00ff00ff : 0;
}

/*
 * The guest's CR0 writes always exit, its CR4 writes while CR0.PG is clear
 * (cr_exit.c emulates them).  QEMU's TCG loses the host CPU at the #VMEXIT
 * of a guest with EFER.LME set and CR0.PG and CR4.PAE clear (see
 * svm_efer_state_ok()); without these intercepts a guest reaches that
 * state with MOV to CR4 (PAE, then LME, then PAE cleared with paging
 * off), or by leaving long mode (CR0.PG cleared in compatibility mode)
 * and then clearing PAE.  CR0 writes are rare in Linux; CR4 writes are
 * not (CR4.PGE toggles flush the global TLB where there is no INVPCID),
 * but only with paging on, where no CR4 write makes that state (it has
 * CR0.PG clear, and the way there is a CR0 write, which exits and is
 * checked), so they run natively there.  The CR4 intercept also keeps a
 * guest with paging off from CR4 bits TV_SET_SREGS refuses; with paging
 * on, the CPU's own #GP covers the bits it lacks.
 */
static void svm_update_cr4_intercept(struct vmcb *vmcb)
{
	if (vmcb->save.cr0 & X86_CR0_PG)
		svm_unintercept(vmcb, INTERCEPT_CR4_WRITE);
	else
		svm_intercept(vmcb, INTERCEPT_CR4_WRITE);
}

/* The VMX access-rights layout of the uAPI, and the VMCB's packed one. */
static u16 svm_attrib_from_uapi(u16 a)
{
	return (a & 0xff) | ((a >> 4) & 0xf00);
}

static u16 svm_attrib_to_uapi(u16 a)
{
	return (a & 0xff) | ((a & 0xf00) << 4);
}

static void svm_seg_set(struct vmcb_seg *v, const struct tv_segment *s)
{
	v->base = s->base;
	v->limit = s->limit;
	v->selector = s->selector;
	v->attrib = svm_attrib_from_uapi(s->attrib);
}

static void svm_seg_get(const struct vmcb_seg *v, struct tv_segment *s)
{
	s->base = v->base;
	s->limit = v->limit;
	s->selector = v->selector;
	s->attrib = svm_attrib_to_uapi(v->attrib);
}

static int svm_vcpu_create(struct tv_vcpu *vcpu)
{
	struct svm_vcpu *sv = kzalloc(sizeof(*sv), GFP_KERNEL_ACCOUNT);
	struct page *page;
	struct vmcb *vmcb;

	if (!sv)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(sv);
		return -ENOMEM;
	}
	sv->vmcb = page_address(page);
	sv->vmcb_pa = page_to_phys(page);
	sv->asid_cpu = -1;
	sv->window_shadow_rip = SVM_NO_RIP;
	sv->window_held_rip = SVM_NO_RIP;
	vmcb = sv->vmcb;

	/* Only what the core must see exits; everything else stays in. */
	svm_intercept(vmcb, INTERCEPT_INTR);
	svm_intercept(vmcb, INTERCEPT_NMI);
	svm_intercept(vmcb, INTERCEPT_SMI);
	svm_intercept(vmcb, INTERCEPT_CPUID);
	svm_intercept(vmcb, INTERCEPT_HLT);
	svm_intercept(vmcb, INTERCEPT_IOIO_PROT);
	svm_intercept(vmcb, INTERCEPT_MSR_PROT);
	svm_intercept(vmcb, INTERCEPT_SHUTDOWN);
	svm_intercept(vmcb, INTERCEPT_INVD);
	svm_intercept(vmcb, INTERCEPT_WBINVD);
	svm_intercept(vmcb, INTERCEPT_RDPMC);
	svm_intercept(vmcb, INTERCEPT_INVLPGA);
	svm_intercept(vmcb, INTERCEPT_VMRUN);
	svm_intercept(vmcb, INTERCEPT_VMMCALL);
	svm_intercept(vmcb, INTERCEPT_VMLOAD);
	svm_intercept(vmcb, INTERCEPT_VMSAVE);
	svm_intercept(vmcb, INTERCEPT_STGI);
	svm_intercept(vmcb, INTERCEPT_CLGI);
	svm_intercept(vmcb, INTERCEPT_SKINIT);
	svm_intercept(vmcb, INTERCEPT_RDTSCP);
	svm_intercept(vmcb, INTERCEPT_MONITOR);
	svm_intercept(vmcb, INTERCEPT_MWAIT);
	svm_intercept(vmcb, INTERCEPT_MWAIT_COND);
	svm_intercept(vmcb, INTERCEPT_XSETBV);
	svm_intercept(vmcb, INTERCEPT_CR0_WRITE);
	svm_intercept(vmcb, INTERCEPT_CR4_WRITE);	/* CR0.PG is clear */
	svm_intercept_dr(vmcb, true);
	/* Only to reflect them: see tv_handle_exception(). */
	svm_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_DB);
	svm_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_AC);
	/* The host's to handle: see tv_machine_check() (mce.c). */
	svm_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_MC);

	vmcb->control.iopm_base_pa = svm_iopm_pa;
	vmcb->control.msrpm_base_pa = svm_msrpm_pa;
	/* The guest's IF masks only virtual interrupts: host ones still exit. */
	vmcb->control.int_ctl = V_INTR_MASKING_MASK;
	vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	vmcb->control.nested_cr3 = vcpu->vm->mmu.root_pa;

	vmcb->save.efer = EFER_SVME;
	vmcb->save.g_pat = SVM_DEFAULT_PAT;
	vmcb->save.dr6 = 0xffff0ff0;	/* the reset values */
	vmcb->save.dr7 = 0x400;
	vcpu->vendor = sv;
	return 0;
}

static void svm_vcpu_free(struct tv_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;

	if (!sv)
		return;
	__free_page(virt_to_page(sv->vmcb));
	kfree(sv);
	vcpu->vendor = NULL;
}

static void svm_get_sregs(struct tv_vcpu *vcpu, struct tv_sregs *s)
{
	struct vmcb_save_area *save = &((struct svm_vcpu *)vcpu->vendor)->vmcb->save;

	svm_seg_get(&save->cs, &s->cs);
	svm_seg_get(&save->ds, &s->ds);
	svm_seg_get(&save->es, &s->es);
	svm_seg_get(&save->fs, &s->fs);
	svm_seg_get(&save->gs, &s->gs);
	svm_seg_get(&save->ss, &s->ss);
	svm_seg_get(&save->tr, &s->tr);
	svm_seg_get(&save->ldtr, &s->ldt);
	s->gdt.base = save->gdtr.base;
	s->gdt.limit = save->gdtr.limit;
	s->idt.base = save->idtr.base;
	s->idt.limit = save->idtr.limit;
	s->cr0 = save->cr0;
	s->cr2 = save->cr2;
	s->cr3 = save->cr3;
	s->cr4 = save->cr4;
	s->cr8 = ((struct svm_vcpu *)vcpu->vendor)->vmcb->control.int_ctl & V_TPR_MASK;
	s->efer = save->efer & ~EFER_SVME;
}

#define SVM_GUEST_EFER	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/*
 * EFER.LME with CR0.PG and CR4.PAE both clear: the APM allows it (LME
 * before paging), but QEMU's TCG cannot leave the guest from there.  Its
 * #VMEXIT loads the host's CR0 while the guest's EFER and CR4 are still
 * in place, takes the host's CR0.PG for an entry into long mode without
 * PAE, and drops the write: the host CPU goes on with the guest's CR0,
 * paging off, and is lost, deaf even to NMIs (security.rst).  Refused,
 * from TV_SET_SREGS, TV_SET_MSRS and the guest's WRMSR (#GP) alike; the
 * SDM's way into long mode (PAE, then LME, then PG) never passes there.
 */
static bool svm_efer_state_ok(u64 efer, u64 cr0, u64 cr4)
{
	return !(efer & EFER_LME) || (cr0 & X86_CR0_PG) || (cr4 & X86_CR4_PAE);
}

/*
 * Obvious nonsense is refused here; the rest of the consistency checks are
 * the CPU's, and a state it refuses comes back as TV_EXIT_FAIL_ENTRY.
 */
static int svm_set_sregs(struct tv_vcpu *vcpu, const struct tv_sregs *s)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;
	struct vmcb_save_area *save = &vmcb->save;

	if ((s->efer & ~SVM_GUEST_EFER) || (s->cr0 >> 32) || s->cr8 > 15 ||
	    !svm_efer_state_ok(s->efer, s->cr0, s->cr4))
		return -EINVAL;
	svm_seg_set(&save->cs, &s->cs);
	svm_seg_set(&save->ds, &s->ds);
	svm_seg_set(&save->es, &s->es);
	svm_seg_set(&save->fs, &s->fs);
	svm_seg_set(&save->gs, &s->gs);
	svm_seg_set(&save->ss, &s->ss);
	svm_seg_set(&save->tr, &s->tr);
	svm_seg_set(&save->ldtr, &s->ldt);
	save->gdtr.base = s->gdt.base;
	save->gdtr.limit = s->gdt.limit;
	save->idtr.base = s->idt.base;
	save->idtr.limit = s->idt.limit;
	save->cr0 = s->cr0;
	save->cr2 = s->cr2;
	save->cr3 = s->cr3;
	save->cr4 = s->cr4;
	vcpu->cr4 = s->cr4;
	save->efer = s->efer | EFER_SVME;
	/* The CPL is SS.DPL once protected mode is on. */
	save->cpl = (s->cr0 & X86_CR0_PE) ? (s->ss.attrib >> 5) & 3 : 0;
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) | s->cr8;
	svm_update_cr4_intercept(vmcb);
	return 0;
}

/*
 * A guest's MOV to CR0/CR4, CLTS or LMSW that passed the CPU's checks
 * (cr_exit.c): stored as the CPU would, with EFER.LMA following CR0.PG
 * where EFER.LME is set, and the guest's TLB flushed where the paging
 * mode or the rights it applies changed (the intercepted instruction did
 * not run, so the CPU flushed nothing).  Refused (#GP) where it would
 * make the state svm_efer_state_ok() refuses: clearing CR4.PAE while
 * EFER.LME is set and paging is off, which the CPU allows.  That is the
 * one write a guest gets #GP for here and not on a CPU (security.rst).
 */
static int svm_set_cr(struct tv_vcpu *vcpu, int cr, u64 val)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;
	struct vmcb_save_area *save = &vmcb->save;
	u64 cr0 = save->cr0, cr4 = save->cr4, efer = save->efer;
	const u64 fpu_bits = X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_NE;

	if (cr == 0) {
		if (!(val & X86_CR0_PG))
			efer &= ~EFER_LMA;
		else if (!(cr0 & X86_CR0_PG) && (efer & EFER_LME))
			efer |= EFER_LMA;
		cr0 = val;
	} else if (cr == 4) {
		cr4 = val;
	} else {
		return -EINVAL;
	}
	if (!svm_efer_state_ok(efer, cr0, cr4))
		return -EINVAL;
	if ((((cr0 ^ save->cr0) & ~fpu_bits) || cr4 != save->cr4) &&
	    vmcb->control.tlb_ctl == TLB_CONTROL_DO_NOTHING)
		vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ASID;
	save->cr0 = cr0;
	save->cr4 = cr4;
	save->efer = efer;
	vcpu->cr4 = cr4;
	svm_update_cr4_intercept(vmcb);
	return 0;
}

static u64 *svm_msr_slot(struct vmcb_save_area *save, u32 index)
{
	switch (index) {
	case MSR_STAR:
		return &save->star;
	case MSR_LSTAR:
		return &save->lstar;
	case MSR_CSTAR:
		return &save->cstar;
	case MSR_SYSCALL_MASK:
		return &save->sfmask;
	case MSR_KERNEL_GS_BASE:
		return &save->kernel_gs_base;
	case MSR_FS_BASE:
		return &save->fs.base;
	case MSR_GS_BASE:
		return &save->gs.base;
	case MSR_IA32_SYSENTER_CS:
		return &save->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP:
		return &save->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:
		return &save->sysenter_eip;
	case MSR_IA32_CR_PAT:
		return &save->g_pat;
	default:
		return NULL;
	}
}

static int svm_get_msr(struct tv_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb_save_area *save = &((struct svm_vcpu *)vcpu->vendor)->vmcb->save;
	u64 *slot;

	if (index == MSR_EFER) {
		*data = save->efer & ~EFER_SVME;
		return 0;
	}
	slot = svm_msr_slot(save, index);
	if (!slot)
		return -ENOENT;
	*data = *slot;
	return 0;
}

static bool svm_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

static int svm_set_msr(struct tv_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb_save_area *save = &((struct svm_vcpu *)vcpu->vendor)->vmcb->save;
	u64 *slot;

	switch (index) {
	case MSR_EFER:
		if ((data & ~SVM_GUEST_EFER) || !svm_efer_state_ok(data, save->cr0, save->cr4))
			return -EINVAL;
		/* As the CPU: LME stays as it is while paging is on. */
		if (((data ^ save->efer) & EFER_LME) && (save->cr0 & X86_CR0_PG))
			return -EINVAL;
		/* SVME stays set: VMRUN refuses a guest without it. */
		save->efer = data | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!svm_pat_valid(data))
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
	slot = svm_msr_slot(save, index);
	if (!slot)
		return -ENOENT;
	*slot = data;
	return 0;
}

static int svm_get_cpl(struct tv_vcpu *vcpu)
{
	return ((struct svm_vcpu *)vcpu->vendor)->vmcb->save.cpl & 3;
}

static bool svm_get_interrupt_shadow(struct tv_vcpu *vcpu)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;

	return vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK;
}

static void svm_set_interrupt_shadow(struct tv_vcpu *vcpu, bool shadow)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;

	if (shadow)
		vmcb->control.int_state |= SVM_INTERRUPT_SHADOW_MASK;
	else
		vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	/* At the RIP of now: svm_run() ends a shadow when RIP moves. */
	vmcb->save.rip = vcpu->rip;
}

/*
 * One event per entry, the most urgent first.  An interrupt the guest
 * cannot take yet (IF clear, or in a shadow) waits for a window exit.
 */
static void svm_inject_events(struct tv_vcpu *vcpu, struct vmcb *vmcb)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct tv_events *ev = &vcpu->events;
	bool shadow;

	if (ev->exception.flags & TV_EVENT_VALID) {
		vmcb->control.event_inj = ev->exception.vector |
			SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
			((ev->exception.flags & TV_EVENT_HAS_ERROR) ?
			 SVM_EVTINJ_VALID_ERR : 0);
		vmcb->control.event_inj_err = ev->exception.error_code;
		ev->exception.flags = 0;
		return;
	}
	if (ev->nmi_pending && !sv->nmi_masked) {
		vmcb->control.event_inj = X86_TRAP_NMI | SVM_EVTINJ_TYPE_NMI |
					  SVM_EVTINJ_VALID;
		ev->nmi_pending = 0;
		sv->nmi_masked = true;
		svm_intercept(vmcb, INTERCEPT_IRET);
		return;
	}
	if (!(ev->interrupt.flags & TV_EVENT_VALID))
		return;
	shadow = vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK;
	if ((vcpu->rflags & X86_EFLAGS_IF) && !shadow) {
		vmcb->control.event_inj = ev->interrupt.vector |
			SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
		ev->interrupt.flags = 0;
		vmcb->control.int_ctl &= ~V_IRQ_MASK;
		svm_unintercept(vmcb, INTERCEPT_VINTR);
	} else if (shadow && sv->window_held_rip == vcpu->rip) {
		/* The instruction in the shadow runs first, window closed. */
		sv->window_held_rip = SVM_NO_RIP;
		vmcb->control.int_ctl &= ~V_IRQ_MASK;
		svm_unintercept(vmcb, INTERCEPT_VINTR);
	} else {
		/*
		 * A virtual interrupt exits (VINTR) as soon as it could go in:
		 * after the shadow's instruction, on a CPU.  QEMU's TCG loses
		 * the shadow at VMRUN and exits before it (svm_window_exit()).
		 */
		sv->window_shadow_rip = shadow ? vcpu->rip : SVM_NO_RIP;
		vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK;
		svm_intercept(vmcb, INTERCEPT_VINTR);
	}
}

/*
 * The interrupt window is open: the next entry injects, unless it was
 * asked for in a shadow and RIP has not moved.  Then the instruction in
 * the shadow has not run (a CPU keeps the shadow for it; QEMU's TCG drops
 * it at VMRUN and exits here at once, with int_state clear): the shadow is
 * put back, the next entry runs that instruction with the window closed,
 * and exit.c runs a HLT there itself.
 */
static u32 svm_window_exit(struct svm_vcpu *sv, struct vmcb *vmcb)
{
	bool early = sv->window_shadow_rip == vmcb->save.rip;

	vmcb->control.int_ctl &= ~V_IRQ_MASK;
	svm_unintercept(vmcb, INTERCEPT_VINTR);
	sv->window_shadow_rip = SVM_NO_RIP;
	if (!early)
		return TV_X_NONE;
	vmcb->control.int_state |= SVM_INTERRUPT_SHADOW_MASK;
	sv->window_held_rip = vmcb->save.rip;
	return TV_X_WINDOW_IN_SHADOW;
}

/* An event cut short by the exit goes back in on the next entry. */
static void svm_requeue_event(struct tv_vcpu *vcpu, struct vmcb *vmcb)
{
	u32 info = vmcb->control.exit_int_info;
	struct tv_events *ev = &vcpu->events;

	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	switch (info & SVM_EXITINTINFO_TYPE_MASK) {
	case SVM_EXITINTINFO_TYPE_EXEPT:
		ev->exception.vector = info & SVM_EXITINTINFO_VEC_MASK;
		ev->exception.flags = TV_EVENT_VALID;
		if (info & SVM_EXITINTINFO_VALID_ERR) {
			ev->exception.flags |= TV_EVENT_HAS_ERROR;
			ev->exception.error_code = vmcb->control.exit_int_info_err;
		}
		break;
	case SVM_EXITINTINFO_TYPE_NMI:
		/* Not delivered: not blocking either. */
		ev->nmi_pending = 1;
		((struct svm_vcpu *)vcpu->vendor)->nmi_masked = false;
		break;
	case SVM_EXITINTINFO_TYPE_INTR:
		ev->interrupt.vector = info & SVM_EXITINTINFO_VEC_MASK;
		ev->interrupt.flags = TV_EVENT_VALID;
		break;
	default:
		/* A software interrupt: RIP still points at INTn, it reruns. */
		break;
	}
}

/* The default address size of the code the guest runs: 2, 4 or 8 bytes. */
static u8 svm_cs_addr_size(struct vmcb *vmcb)
{
	if ((vmcb->save.efer & EFER_LMA) && (vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK))
		return 8;
	return (vmcb->save.cs.attrib & SVM_SELECTOR_DB_MASK) ? 4 : 2;
}

static void svm_decode_exit(struct tv_vcpu *vcpu, struct vmcb *vmcb)
{
	struct tv_exit_info *e = &vcpu->exit;
	/* Every exit code fits in 32 bits; QEMU leaves the high word of VMEXIT_INVALID 0. */
	u32 code = vmcb->control.exit_code;
	u64 info1 = vmcb->control.exit_info_1;

	e->raw[0] = code | ((u64)vmcb->control.exit_code_hi << 32);
	e->raw[1] = info1;
	e->raw[2] = vmcb->control.exit_info_2;
	e->insn_len = 0;
	e->next_rip = svm_has_nrips ? vmcb->control.next_rip : 0;

	switch (code) {
	case SVM_EXIT_INTR:
		e->kind = TV_X_EXTINT;
		break;
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		e->kind = TV_X_NMI;
		break;
	case SVM_EXIT_VINTR:
		e->kind = svm_window_exit(vcpu->vendor, vmcb);
		break;
	case SVM_EXIT_CPUID:
		e->kind = TV_X_CPUID;
		break;
	case SVM_EXIT_HLT:
		e->kind = TV_X_HLT;
		break;
	case SVM_EXIT_IOIO:
		e->kind = TV_X_IO;
		e->io.in = info1 & SVM_IOIO_TYPE_MASK;
		e->io.string = info1 & SVM_IOIO_STR_MASK;
		e->io.rep = info1 & SVM_IOIO_REP_MASK;
		/* Both fields are one-hot: 1, 2, 4 bytes and 16, 32, 64 bits. */
		e->io.size = (info1 & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
		e->io.addr_size = ((info1 & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT) * 2;
		/* QEMU's TCG leaves ASIZE clear: take the code segment's size. */
		if (!e->io.addr_size)
			e->io.addr_size = svm_cs_addr_size(vmcb);
		e->io.port = info1 >> 16;
		/* EXITINFO2 holds the next RIP for IOIO, with or without NRIPS. */
		e->next_rip = vmcb->control.exit_info_2;
		break;
	case SVM_EXIT_MSR:
		e->kind = info1 ? TV_X_WRMSR : TV_X_RDMSR;
		break;
	case SVM_EXIT_NPF:
		e->kind = TV_X_NPF;
		e->npf.gpa = vmcb->control.exit_info_2;
		e->npf.write = info1 & BIT(1);
		e->npf.fetch = info1 & BIT(4);
		e->npf.in_delivery = vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID;
		break;
	case SVM_EXIT_VMMCALL:
		e->kind = TV_X_HYPERCALL;
		break;
	case SVM_EXIT_SHUTDOWN:
		e->kind = TV_X_SHUTDOWN;
		break;
	case SVM_EXIT_XSETBV:
		e->kind = TV_X_XSETBV;
		break;
	case SVM_EXIT_RDTSCP:
		e->kind = TV_X_RDTSCP;
		break;
	case SVM_EXIT_RDPMC:
		e->kind = TV_X_RDPMC;
		break;
	case SVM_EXIT_WBINVD:
		e->kind = TV_X_WBINVD;
		break;
	case SVM_EXIT_WRITE_CR0:
	case SVM_EXIT_WRITE_CR4:
		e->kind = TV_X_CR_WRITE;
		e->cr.cr = code - SVM_EXIT_WRITE_CR0;
		/*
		 * Decode assists name MOV's source GPR (EXITINFO1 bit 63 and
		 * bits 3:0; clear for CLTS and LMSW); the step over it needs
		 * NRIPS.  QEMU's TCG has neither: cr_exit.c fetches the bytes.
		 */
		e->cr.gpr = (svm_has_decode_assists && svm_has_nrips && (info1 & BIT_ULL(63))) ?
			    (s8)(info1 & SVM_EXITINFO_REG_MASK) : -1;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_MC:
		/* svm_run() gave it to the host's handler: the guest goes on. */
		e->kind = TV_X_NONE;
		break;
	case SVM_EXIT_IRET: {
		struct svm_vcpu *sv = vcpu->vendor;

		/* The IRET runs after the entry: unmasked once RIP is past it. */
		svm_unintercept(vmcb, INTERCEPT_IRET);
		sv->iret_seen = true;
		sv->iret_rip = vmcb->save.rip;
		e->kind = TV_X_NONE;
		break;
	}
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
	case SVM_EXIT_INVD:
		/* No nested SVM, no MONITOR/MWAIT: as on a CPU without them. */
		e->kind = TV_X_UD;
		break;
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7:
	case SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7:
		/* Not emulated: the MOV runs again, natively (debugreg.h). */
		svm_intercept_dr(vmcb, false);
		tv_dr_go_native(&vcpu->dr);
		e->kind = TV_X_NONE;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_DB:
		/* DR6 in the VMCB already says why; delivery clears DR7.GD. */
		vmcb->save.dr7 &= ~TV_DR7_GD;
		e->kind = TV_X_EXCEPTION;
		e->exc.vector = X86_TRAP_DB;
		e->exc.has_error = false;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_AC:
		e->kind = TV_X_EXCEPTION;
		e->exc.vector = X86_TRAP_AC;
		e->exc.has_error = true;
		e->exc.error = 0;
		break;
	case (u32)SVM_EXIT_ERR:
		e->kind = TV_X_FAIL_ENTRY;
		e->fail.hardware_reason = e->raw[0];
		break;
	default:
		e->kind = TV_X_UNKNOWN;
		break;
	}
}

/* Per host CPU: a fresh ASID when the vCPU arrives or the CPU ran out. */
static void svm_pick_asid(struct svm_vcpu *sv, struct svm_cpu *sc, int cpu)
{
	if (sc->next_asid > svm_max_asid) {
		sc->asid_generation++;
		sc->next_asid = 1;
		sv->vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	sv->asid = sc->next_asid++;
	sv->asid_cpu = cpu;
	sv->asid_generation = sc->asid_generation;
	sv->vmcb->control.asid = sv->asid;
}

/*
 * The guest's DR6 and DR7 stay in the VMCB; where it ran with MOV DR
 * native, DR7 may have changed and MOV DR is intercepted again.  A #DB
 * exit, or a native stay, may leave a guest DR6 in the CPU.
 */
static __always_inline void svm_dr_exit(struct tv_vcpu *vcpu, struct vmcb *vmcb)
{
	if (unlikely(vcpu->dr.native)) {
		vcpu->dr.dr7 = vmcb->save.dr7;
		svm_intercept_dr(vmcb, true);
	}
	tv_dr_exit(&vcpu->dr, vmcb->control.exit_code ==
		   SVM_EXIT_EXCP_BASE + X86_TRAP_DB);
}

/*
 * debugfs cpuid_floor_hw: a CPUID exit goes straight back into the guest
 * from here, stepped over and nothing else done, so that a CPUID loop
 * measures VMRUN, #VMEXIT and the VMLOAD/VMSAVE around them alone (make
 * bench's exit_floor_hw).  Any other exit, a host interrupt included,
 * ends the loop.
 */
static bool svm_floor_hw_resume(struct vmcb *vmcb)
{
	if (vmcb->control.exit_code != SVM_EXIT_CPUID)
		return false;
	vmcb->save.rip = svm_has_nrips ? vmcb->control.next_rip : vmcb->save.rip + 2;
	return true;
}

static void svm_run(struct tv_vcpu *vcpu)
{
	struct svm_vcpu *sv = vcpu->vendor;
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	struct vmcb *vmcb = sv->vmcb;
	int cpu = smp_processor_id();

	if (sv->asid_cpu != cpu || sv->asid_generation != sc->asid_generation)
		svm_pick_asid(sv, sc, cpu);
	if (unlikely(sv->tlb_generation != vcpu->vm->tlb_generation)) {
		sv->tlb_generation = vcpu->vm->tlb_generation;
		if (vmcb->control.tlb_ctl == TLB_CONTROL_DO_NOTHING)
			vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ASID;
	}
	/* Shared code stepped over an instruction: that ends an STI shadow. */
	if (vcpu->rip != vmcb->save.rip)
		vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	if (unlikely(vcpu->events.exception.flags || vcpu->events.nmi_pending ||
		     vcpu->events.interrupt.flags))
		svm_inject_events(vcpu, vmcb);

	/*
	 * Host interrupts must end the guest whatever its RFLAGS.IF: set at
	 * every entry, not only at creation, since QEMU's TCG writes int_ctl
	 * 0 into the VMCB when it refuses a VMRUN (security.rst).
	 */
	vmcb->control.int_ctl |= V_INTR_MASKING_MASK;
	vmcb->save.rax = vcpu->regs[TV_RAX];
	vmcb->save.rsp = vcpu->regs[TV_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;

	/* The guest's TSC_AUX, and XSS 0 (host_msrs.c). */
	svm_host_msrs_enter(vcpu->tsc_aux);

	/* The CPU switches SPEC_CTRL itself, from and to the VMCB. */
	if (cpu_feature_enabled(X86_FEATURE_V_SPEC_CTRL))
		vmcb->save.spec_ctrl = vcpu->spec_ctrl;

	/*
	 * GIF clear from here: no NMI may run while VMLOAD has put the
	 * guest's GS base in place of the host's.  tv_svm_vmrun() VMLOADs
	 * the host's state saved here again before it touches anything else.
	 */
	asm volatile("clgi" : : : "memory");
	tv_dr_enter(&vcpu->dr, false);
	asm volatile("vmsave %%rax" : : "a" (sc->host_area_pa) : "memory");
	/*
	 * With V_INTR_MASKING the host's IF at VMRUN decides whether host
	 * interrupts end the guest, so it must be set.  GIF=0 still keeps
	 * them out of this host code until STGI.
	 */
	do {
		raw_local_irq_enable();
		tv_svm_vmrun(sv->vmcb_pa, vcpu->regs, sc->host_area_pa, &vcpu->spec_ctrl);
		raw_local_irq_disable();
	} while (static_branch_unlikely(&tv_cpuid_floor_hw) && svm_floor_hw_resume(vmcb));
	asm volatile("stgi" : : : "memory");
	svm_dr_exit(vcpu, vmcb);
	if (unlikely(vmcb->control.exit_code == SVM_EXIT_EXCP_BASE + X86_TRAP_MC))
		tv_machine_check();
	svm_host_msrs_exit();

	/* A refused VMRUN ran nothing: the vCPU keeps the state it had. */
	if (likely(vmcb->control.exit_code != (u32)SVM_EXIT_ERR)) {
		vcpu->regs[TV_RAX] = vmcb->save.rax;
		vcpu->regs[TV_RSP] = vmcb->save.rsp;
		vcpu->rip = vmcb->save.rip;
		vcpu->rflags = vmcb->save.rflags;
		vcpu->cr4 = vmcb->save.cr4;
	}
	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	vmcb->control.event_inj = 0;
	if (unlikely(sv->iret_seen) && vmcb->save.rip != sv->iret_rip) {
		sv->iret_seen = false;
		sv->nmi_masked = false;
	}

	svm_decode_exit(vcpu, vmcb);
	if (unlikely(vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID))
		svm_requeue_event(vcpu, vmcb);
}

static void svm_exit(void)
{
	svm_hw_teardown();
}

struct tv_vendor_ops svm_ops = {
	.name = "svm",
	.uapi_vendor = TV_VENDOR_AMD_SVM,
	.cpu_in_use = svm_cpu_in_use,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.show_features = svm_show_features,
	.exit = svm_exit,
	.mmu_table_entry = svm_mmu_table_entry,
	.mmu_leaf_entry = svm_mmu_leaf_entry,
	.mmu_max_level = 3,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.run = svm_run,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.set_cr = svm_set_cr,
	.get_cpl = svm_get_cpl,
	.get_interrupt_shadow = svm_get_interrupt_shadow,
	.set_interrupt_shadow = svm_set_interrupt_shadow,
};
