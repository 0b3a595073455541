// SPDX-License-Identifier: GPL-2.0
/*
 * Host MSRs that SVM does not switch and the guest may see: TSC_AUX and
 * IA32_XSS.
 *
 * TSC_AUX.  RDTSCP is intercepted, but an emulated CPU may run it without
 * the exit (QEMU's TCG does), and RDPID never exits: the guest must find
 * its own value in the MSR.  The host's is fixed per CPU (the kernel
 * writes CPU and node number at boot), so it is read once per CPU; the
 * guest's goes in before an entry that needs it and stays across the RUN
 * loop's exits until the CPU returns to user space, where a user-return
 * notifier puts the host's back (as KVM does): the kernel itself never
 * reads it (its entry code does not use RDPID).  Without user-return
 * notifiers (a kernel built without KVM) it is switched at every exit.
 *
 * IA32_XSS.  XSAVES is hidden from the guest (cpuid_policy.c), but SVM has
 * no control that stops a guest from running it where the CPU has it, and
 * XSAVES/XRSTORS work on the components XCR0 | IA32_XSS enable: with the
 * host's XSS the guest could save and load the host's supervisor state
 * (CET, PASID, ...).  Where the host's XSS is not 0, it is 0 while the
 * guest runs and the host's again before interrupts are on, since the
 * host's own XSAVES (its FPU switch, kernel_fpu_begin()) relies on it.
 */
#include <linux/percpu.h>
#include <linux/user-return-notifier.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>

#include "svm.h"

static u64 svm_host_xss;

/* Each CPU's: what its TSC_AUX holds, and the host's own value. */
struct svm_tsc_aux {
	u64 host;
	u64 loaded;
	bool registered;
#if IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
	struct user_return_notifier urn;
#endif
};

static DEFINE_PER_CPU(struct svm_tsc_aux, svm_tsc_aux);

static void svm_tsc_aux_restore(struct svm_tsc_aux *ta)
{
	if (ta->loaded != ta->host) {
		wrmsrl(MSR_TSC_AUX, ta->host);
		ta->loaded = ta->host;
	}
}

#if IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
/* On the way back to user space, interrupts on or off. */
static void svm_tsc_aux_user_return(struct user_return_notifier *urn)
{
	struct svm_tsc_aux *ta = container_of(urn, struct svm_tsc_aux, urn);
	unsigned long flags;

	local_irq_save(flags);
	if (ta->registered) {
		ta->registered = false;
		user_return_notifier_unregister(urn);
		svm_tsc_aux_restore(ta);
	}
	local_irq_restore(flags);
}
#endif

/* svm_cpu_enable(), on each CPU with interrupts off. */
void svm_host_msrs_cpu_enable(void)
{
	struct svm_tsc_aux *ta = this_cpu_ptr(&svm_tsc_aux);

	if (!boot_cpu_has(X86_FEATURE_RDTSCP) && !boot_cpu_has(X86_FEATURE_RDPID))
		return;
	rdmsrl(MSR_TSC_AUX, ta->host);
	ta->loaded = ta->host;
#if IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
	ta->urn.on_user_return = svm_tsc_aux_user_return;
#endif
}

/* svm_cpu_disable(): no notifier stays registered for a module that goes. */
void svm_host_msrs_cpu_disable(void)
{
	struct svm_tsc_aux *ta = this_cpu_ptr(&svm_tsc_aux);

#if IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
	if (ta->registered) {
		ta->registered = false;
		user_return_notifier_unregister(&ta->urn);
	}
#endif
	if (boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID))
		svm_tsc_aux_restore(ta);
}

void svm_host_msrs_init(void)
{
	if (boot_cpu_has(X86_FEATURE_XSAVES))
		rdmsrl(MSR_IA32_XSS, svm_host_xss);
}

/* Before the entry, interrupts off. */
void svm_host_msrs_enter(u64 guest_tsc_aux)
{
	struct svm_tsc_aux *ta = this_cpu_ptr(&svm_tsc_aux);

	if (unlikely(svm_host_xss))
		wrmsrl(MSR_IA32_XSS, 0);
	if (likely(ta->loaded == guest_tsc_aux) ||
	    (!boot_cpu_has(X86_FEATURE_RDTSCP) && !boot_cpu_has(X86_FEATURE_RDPID)))
		return;
	wrmsrl(MSR_TSC_AUX, guest_tsc_aux);
	ta->loaded = guest_tsc_aux;
#if IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
	if (!ta->registered) {
		user_return_notifier_register(&ta->urn);
		ta->registered = true;
	}
#endif
}

/* After the exit, interrupts still off. */
void svm_host_msrs_exit(void)
{
	if (unlikely(svm_host_xss))
		wrmsrl(MSR_IA32_XSS, svm_host_xss);
#if !IS_ENABLED(CONFIG_USER_RETURN_NOTIFIER)
	svm_tsc_aux_restore(this_cpu_ptr(&svm_tsc_aux));
#endif
}
