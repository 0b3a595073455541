/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces thinvisor uses that differ between Linux 6.1 and the
 * newest kernel it is tested on (6.12).  The code uses the newest name; each
 * shim below gives that name to the older kernels, says what changed and in
 * which release, and is the only place a kernel version is tested.  A shim
 * is added only for an interface the module uses.
 */
#ifndef TV_COMPAT_H
#define TV_COMPAT_H

#include <linux/bits.h>
#include <linux/version.h>
#include <asm/cpufeature.h>
#include <asm/idtentry.h>
#include <asm/vmx.h>

/*
 * 6.6 renamed the VMCS control that lets the guest run XSAVES/XRSTORS from
 * SECONDARY_EXEC_XSAVES to SECONDARY_EXEC_ENABLE_XSAVES.
 */
#ifndef SECONDARY_EXEC_ENABLE_XSAVES
#define SECONDARY_EXEC_ENABLE_XSAVES	SECONDARY_EXEC_XSAVES
#endif

/*
 * The rate of the VMX preemption timer (IA32_VMX_MISC bits 4:0, the shift
 * from the TSC) left asm/vmx.h for KVM's own headers before 6.12: it is
 * architectural, so it is spelt here where the kernel no longer does.
 */
#ifndef VMX_MISC_PREEMPTION_TIMER_RATE_MASK
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK	GENMASK_ULL(4, 0)
#endif

/*
 * The entry of the host's NMI handler that can be called on the kernel
 * stack, through an interrupt frame, after a VM exit caused by an NMI:
 * asm_exc_nmi_noist up to 6.2; 6.3 replaced it with asm_exc_nmi_kvm_vmx
 * (exported to GPL modules, declared when CONFIG_KVM_INTEL is set).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#if !IS_ENABLED(CONFIG_KVM_INTEL)
#error "since 6.3 the host NMI entry thinvisor's VMX side calls needs CONFIG_KVM_INTEL"
#endif
#define tv_host_nmi_entry	asm_exc_nmi_kvm_vmx
#else
#define tv_host_nmi_entry	asm_exc_nmi_noist
#endif

/*
 * 6.9 added FRED, under which events no longer go through the IDT: KVM
 * then hands a host NMI to fred_entry_from_kvm(), which is not exported
 * to other modules.  Older kernels have no FRED.
 */
#ifdef X86_FEATURE_FRED
#define tv_host_uses_fred()	cpu_feature_enabled(X86_FEATURE_FRED)
#else
#define tv_host_uses_fred()	false
#endif

/*
 * 6.8 dropped eventfd_signal()'s count argument (it always added 1 in
 * the callers that remained).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define tv_eventfd_signal(ctx)	eventfd_signal(ctx)
#else
#define tv_eventfd_signal(ctx)	eventfd_signal((ctx), 1)
#endif

#endif /* TV_COMPAT_H */
