// SPDX-License-Identifier: GPL-2.0
/*
 * The shared exit handlers: one table indexed by the neutral exit kind.
 * Exits a guest makes all the time (CPUID, HLT, the MSRs the module owns)
 * end here; the rest fill struct tv_run and go to userspace, and what they
 * leave unfinished (the data of an IN, the result of a hypercall) is
 * finished by tv_complete_userspace_exit() on the next RUN.
 */
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <asm/fpu/xcr.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "thinvisor.h"
#include "cpuid.h"
#include "msr.h"
#include "vendor.h"

/*
 * Step over the instruction that exited: by the hardware's word where it
 * gave one (NRIPS, VM-exit instruction length), else by the length the
 * caller knows for this instruction without prefixes.
 */
static void tv_skip(struct tv_vcpu *vcpu, unsigned int len)
{
	if (vcpu->exit.next_rip)
		vcpu->rip = vcpu->exit.next_rip;
	else if (vcpu->exit.insn_len)
		vcpu->rip += vcpu->exit.insn_len;
	else
		vcpu->rip += len;
}

void tv_inject_exception(struct tv_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error)
{
	vcpu->events.exception.vector = vector;
	vcpu->events.exception.flags = TV_EVENT_VALID |
				       (has_error ? TV_EVENT_HAS_ERROR : 0);
	vcpu->events.exception.error_code = error;
}

static int tv_resume(struct tv_vcpu *vcpu)
{
	return 1;
}

static int tv_handle_cpuid(struct tv_vcpu *vcpu)
{
	u32 out[4];

	if (static_branch_unlikely(&tv_cpuid_floor)) {
		tv_skip(vcpu, 2);
		return 1;
	}
	tv_cpuid_lookup(vcpu, vcpu->regs[TV_RAX], vcpu->regs[TV_RCX], out);
	vcpu->regs[TV_RAX] = out[0];
	vcpu->regs[TV_RBX] = out[1];
	vcpu->regs[TV_RCX] = out[2];
	vcpu->regs[TV_RDX] = out[3];
	tv_skip(vcpu, 2);
	return 1;
}

/*
 * What ends HLT: an NMI, an interrupt the guest's IF lets in, or an INIT
 * (the vCPU then waits for a SIPI instead).
 */
static bool tv_vcpu_has_wakeup(struct tv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->wait_sipi) ||
	       (vcpu->events.interrupt.flags & TV_EVENT_VALID) ||
	       vcpu->events.nmi_pending ||
	       READ_ONCE(vcpu->lapic.nmi_pending) ||	/* an NMI IPI: IF does not mask it */
	       ((vcpu->rflags & X86_EFLAGS_IF) && tv_lapic_has_interrupt(vcpu));
}

/*
 * HLT sleeps in the kernel, not in the guest, until an event is due.  The
 * vCPU stays halted across a signal: the next RUN sleeps again.
 */
int tv_vcpu_halt(struct tv_vcpu *vcpu)
{
	if (wait_event_interruptible(vcpu->wq, tv_vcpu_has_wakeup(vcpu)))
		return -EINTR;
	vcpu->halted = false;
	tv_stats_count(vcpu->stats, TV_STAT_HALT_WAKEUPS);
	return 1;
}

static int tv_handle_hlt(struct tv_vcpu *vcpu)
{
	tv_skip(vcpu, 1);
	vcpu->halted = true;
	return tv_vcpu_halt(vcpu);
}

static int tv_handle_ud(struct tv_vcpu *vcpu);

/*
 * Only the guest's kernel may call the VMM: from CPL 1-3 VMCALL/VMMCALL
 * raise #UD, as on a machine without one, and userspace never sees them
 * (it could not tell a guest task's call from its kernel's).
 */
static int tv_handle_hypercall(struct tv_vcpu *vcpu)
{
	struct tv_run *run = vcpu->run;

	if (tv_ops->get_cpl(vcpu))
		return tv_handle_ud(vcpu);

	run->exit_reason = TV_EXIT_HYPERCALL;
	run->hypercall.nr = vcpu->regs[TV_RAX];
	run->hypercall.args[0] = vcpu->regs[TV_RBX];
	run->hypercall.args[1] = vcpu->regs[TV_RCX];
	run->hypercall.args[2] = vcpu->regs[TV_RDX];
	run->hypercall.args[3] = vcpu->regs[TV_RSI];
	run->hypercall.ret = 0;
	vcpu->pending = TV_PENDING_HYPERCALL;
	tv_skip(vcpu, 3);
	return 0;
}

static int tv_msr_to_user(struct tv_vcpu *vcpu, u32 index, bool write, u64 data)
{
	struct tv_run *run = vcpu->run;

	if (!READ_ONCE(vcpu->vm->msr_exit_user)) {
		tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	run->exit_reason = TV_EXIT_MSR;
	run->msr.index = index;
	run->msr.is_write = write;
	run->msr.error = 0;
	run->msr.data = data;
	vcpu->pending = write ? TV_PENDING_WRMSR : TV_PENDING_RDMSR;
	return 0;
}

static int tv_handle_rdmsr(struct tv_vcpu *vcpu)
{
	u32 index = vcpu->regs[TV_RCX];
	u64 data;

	if (tv_msr_get(vcpu, index, &data))
		return tv_msr_to_user(vcpu, index, false, 0);
	vcpu->regs[TV_RAX] = (u32)data;
	vcpu->regs[TV_RDX] = data >> 32;
	tv_skip(vcpu, 2);
	return 1;
}

static int tv_handle_wrmsr(struct tv_vcpu *vcpu)
{
	u32 index = vcpu->regs[TV_RCX];
	u64 data = (u32)vcpu->regs[TV_RAX] | ((u64)vcpu->regs[TV_RDX] << 32);
	int r = tv_msr_set(vcpu, index, data);

	if (r == -ENOENT)
		return tv_msr_to_user(vcpu, index, true, data);
	if (r) {
		tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	tv_skip(vcpu, 2);
	return 1;
}

static int tv_handle_ud(struct tv_vcpu *vcpu)
{
	tv_inject_exception(vcpu, X86_TRAP_UD, false, 0);
	return 1;
}

/*
 * An XCR0 the CPU would take (SDM vol. 1, 13.3): x87 always; AVX with
 * SSE; MPX's two bits together; AVX-512's three together and with AVX;
 * AMX's two together.  The host loads the guest's value with a bare
 * XSETBV, so one the CPU refuses must never get through.
 */
static bool tv_xcr0_valid(u64 xcr0, u64 allowed)
{
	u64 avx512 = xcr0 & XFEATURE_MASK_AVX512;
	u64 mpx = xcr0 & (XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR);
	u64 amx = xcr0 & (XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA);

	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~allowed))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (mpx && mpx != (XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR))
		return false;
	if (avx512 && (avx512 != XFEATURE_MASK_AVX512 || !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if (amx && amx != (XFEATURE_MASK_XTILE_CFG | XFEATURE_MASK_XTILE_DATA))
		return false;
	return true;
}

/* XCR0 is the guest's own; it may hold only what the host enabled. */
static int tv_handle_xsetbv(struct tv_vcpu *vcpu)
{
	u64 xcr0 = (u32)vcpu->regs[TV_RAX] | ((u64)vcpu->regs[TV_RDX] << 32);
	u64 allowed = vcpu->guest_fpu.fpstate->user_xfeatures & tv_host_xcr0;

	if (!tv_host_xcr0)
		return tv_handle_ud(vcpu);

	if ((u32)vcpu->regs[TV_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    !tv_xcr0_valid(xcr0, allowed)) {
		tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu->xcr0 = xcr0;
	tv_skip(vcpu, 3);
	return 1;
}

/*
 * #DB and #AC are intercepted only to be given straight back (as KVM does
 * since CVE-2015-5307 and CVE-2015-8104): a guest whose IDT makes their
 * delivery raise them again would otherwise loop inside the CPU forever,
 * with no exit and no host interrupt.  Now each round is an exit, and the
 * RUN loop takes interrupts, signals and reschedules between them.  The
 * backend already made the guest's DR6 say why (#DB).
 */
static int tv_handle_exception(struct tv_vcpu *vcpu)
{
	/* Fault-class exceptions push RF=1; #DB leaves it as it is. */
	if (vcpu->exit.exc.vector == X86_TRAP_AC)
		vcpu->rflags |= X86_EFLAGS_RF;
	tv_inject_exception(vcpu, vcpu->exit.exc.vector, vcpu->exit.exc.has_error,
			    vcpu->exit.exc.error);
	return 1;
}

/*
 * The guest has no PMU (CPUID leaf 0xa is hidden): RDPMC would read the
 * host's counters, so it gets #GP, as where the counters are not readable.
 */
static int tv_handle_rdpmc(struct tv_vcpu *vcpu)
{
	tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return 1;
}

/*
 * WBINVD would flush every cache of the host CPU, and a guest looping on
 * it slows every other task there.  Guest memory is ordinary write-back
 * host memory and no device writes it behind the caches: a no-op, as in
 * KVM for guests without non-coherent DMA.
 */
static int tv_handle_wbinvd(struct tv_vcpu *vcpu)
{
	tv_skip(vcpu, 2);
	return 1;
}

/* RDTSCP is caught so that the guest sees its own TSC_AUX. */
static int tv_handle_rdtscp(struct tv_vcpu *vcpu)
{
	u64 tsc = rdtsc_ordered();

	vcpu->regs[TV_RAX] = (u32)tsc;
	vcpu->regs[TV_RDX] = tsc >> 32;
	vcpu->regs[TV_RCX] = (u32)vcpu->tsc_aux;
	tv_skip(vcpu, 3);
	return 1;
}

static int tv_handle_shutdown(struct tv_vcpu *vcpu)
{
	/*
	 * The event whose delivery ended in the shutdown went nowhere: it
	 * must not be given to whatever state userspace sets up next.
	 */
	vcpu->events.exception.flags = 0;
	vcpu->run->exit_reason = TV_EXIT_SHUTDOWN;
	return 0;
}

static int tv_handle_fail_entry(struct tv_vcpu *vcpu)
{
	vcpu->run->exit_reason = TV_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_reason = vcpu->exit.fail.hardware_reason;
	vcpu->run->fail_entry.cpu = raw_smp_processor_id();
	return 0;
}

/*
 * The backend opened an interrupt window on an instruction that was still
 * in an STI or MOV SS shadow (svm.c: QEMU's TCG drops the shadow a VMRUN
 * loads), so the interrupt may not go in yet.  A HLT there is run here:
 * the CPU would have halted and the interrupt woken it, returning after
 * the HLT (STI; HLT is how Linux idles).  Any other instruction runs with
 * the window closed, and the interrupt waits for the next exit.
 */
static int tv_handle_window_in_shadow(struct tv_vcpu *vcpu)
{
	if (tv_insn_at_rip_is_hlt(vcpu))
		vcpu->rip += 1;
	return 1;
}

static int tv_handle_unknown(struct tv_vcpu *vcpu)
{
	pr_warn_ratelimited(TV_NAME ": unexpected %s exit 0x%llx 0x%llx 0x%llx\n",
			    tv_ops->name, vcpu->exit.raw[0], vcpu->exit.raw[1],
			    vcpu->exit.raw[2]);
	vcpu->run->exit_reason = TV_EXIT_INTERNAL_ERROR;
	vcpu->run->internal.suberror = TV_INTERNAL_BAD_GUEST;
	vcpu->run->internal.gpa = 0;
	return 0;
}

/* The vCPU stays stopped: its hardware state is not what the module set. */
static int tv_handle_hw_error(struct tv_vcpu *vcpu)
{
	vcpu->run->exit_reason = TV_EXIT_INTERNAL_ERROR;
	vcpu->run->internal.suberror = TV_INTERNAL_HW;
	return 0;
}

static int (*const tv_exit_handlers[TV_X_NR])(struct tv_vcpu *vcpu) = {
	[TV_X_NONE] = tv_resume,
	[TV_X_EXTINT] = tv_resume,
	[TV_X_NMI] = tv_resume,
	[TV_X_CPUID] = tv_handle_cpuid,
	[TV_X_HLT] = tv_handle_hlt,
	[TV_X_IO] = tv_handle_io,
	[TV_X_NPF] = tv_handle_npf,
	[TV_X_RDMSR] = tv_handle_rdmsr,
	[TV_X_WRMSR] = tv_handle_wrmsr,
	[TV_X_HYPERCALL] = tv_handle_hypercall,
	[TV_X_SHUTDOWN] = tv_handle_shutdown,
	[TV_X_FAIL_ENTRY] = tv_handle_fail_entry,
	[TV_X_XSETBV] = tv_handle_xsetbv,
	[TV_X_RDTSCP] = tv_handle_rdtscp,
	[TV_X_UD] = tv_handle_ud,
	[TV_X_HW_ERROR] = tv_handle_hw_error,
	[TV_X_EXCEPTION] = tv_handle_exception,
	[TV_X_RDPMC] = tv_handle_rdpmc,
	[TV_X_WBINVD] = tv_handle_wbinvd,
	[TV_X_WINDOW_IN_SHADOW] = tv_handle_window_in_shadow,
	[TV_X_CR_WRITE] = tv_handle_cr_write,
	[TV_X_UNKNOWN] = tv_handle_unknown,
};

int tv_handle_exit(struct tv_vcpu *vcpu)
{
	u32 kind = vcpu->exit.kind;

	if (unlikely(kind >= TV_X_NR))
		kind = TV_X_UNKNOWN;
	return tv_exit_handlers[kind](vcpu);
}

/* Finish what the last exit to userspace left open. */
int tv_complete_userspace_exit(struct tv_vcpu *vcpu)
{
	struct tv_run *run = vcpu->run;
	enum tv_pending pending = vcpu->pending;

	vcpu->pending = TV_PENDING_NONE;
	switch (pending) {
	case TV_PENDING_NONE:
		return 1;
	case TV_PENDING_IO_IN:
	case TV_PENDING_INS:
		return tv_complete_io(vcpu, pending);
	case TV_PENDING_MMIO_READ:
		return tv_complete_mmio(vcpu);
	case TV_PENDING_HYPERCALL:
		vcpu->regs[TV_RAX] = run->hypercall.ret;
		return 1;
	case TV_PENDING_RDMSR:
		if (run->msr.error) {
			tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
			return 1;
		}
		vcpu->regs[TV_RAX] = (u32)run->msr.data;
		vcpu->regs[TV_RDX] = run->msr.data >> 32;
		tv_skip(vcpu, 2);
		return 1;
	case TV_PENDING_WRMSR:
		if (run->msr.error)
			tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		else
			tv_skip(vcpu, 2);
		return 1;
	}
	return 1;
}
