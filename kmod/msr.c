// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs the module owns.  Most live in the VMCB/VMCS and belong to the
 * backend; here are those kept beside it, and the speculation controls
 * (mitigations.c).  The host's own values (TSC_AUX, SPEC_CTRL, ...) are
 * never written here: the guest's writes to them are intercepted and kept
 * in the vCPU, and loaded around the guest.
 */
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "thinvisor.h"
#include "mitigations.h"
#include "msr.h"
#include "vendor.h"

/*
 * IA32_MISC_ENABLE: Linux's verify_cpu reads it on Intel family 6 (to
 * clear XD_DISABLE) before it has an IDT, so a #GP there is a triple
 * fault.  The guest sees fast strings on, no BTS or PEBS, XD enabled;
 * only fast strings may be switched, by a write that keeps the rest.
 */
#define TV_MISC_ENABLE_RESET	(MSR_IA32_MISC_ENABLE_FAST_STRING | \
				 MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)

/*
 * IA32_BIOS_SIGN_ID (Intel) / PATCH_LEVEL (AMD), 0x8b: the microcode
 * revision.  Linux reads it on every Intel family 6 CPU with a plain
 * WRMSR of 0 and RDMSR (intel_get_microcode_revision()), whatever CPUID
 * says.  The guest runs on the host's microcode, so it reads the host's
 * revision (in EDX on Intel, EAX on AMD); a write (Intel's "clear, then
 * CPUID") changes nothing.  Loading microcode is not the guest's.
 */
static u64 tv_ucode_rev(void)
{
	u64 rev = boot_cpu_data.microcode;

	return boot_cpu_data.x86_vendor == X86_VENDOR_INTEL ? rev << 32 : rev;
}

void tv_msr_reset(struct tv_vcpu *vcpu)
{
	vcpu->misc_enable = TV_MISC_ENABLE_RESET;
}

int tv_msr_get(struct tv_vcpu *vcpu, u32 index, u64 *data)
{
	int r = tv_lapic_msr_get(vcpu, index, data);

	if (r != -ENOENT)
		return r;
	r = tv_spec_msr_get(vcpu, index, data);
	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_TSC_AUX:
		*data = vcpu->tsc_aux;
		return 0;
	case MSR_IA32_TSC:
		/* The TSC passes through: no offset, no scaling. */
		*data = rdtsc();
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = vcpu->misc_enable;
		return 0;
	case MSR_IA32_UCODE_REV:
		*data = tv_ucode_rev();
		return 0;
	case MSR_K8_INT_PENDING_MSG:
		/*
		 * Linux reads it on AMD families whose erratum 400 it works
		 * around (QEMU's -cpu max is one), to see whether C1E is on:
		 * for a guest it never is.
		 */
		if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD)
			return tv_ops->get_msr(vcpu, index, data);
		*data = 0;
		return 0;
	default:
		return tv_ops->get_msr(vcpu, index, data);
	}
}

int tv_msr_set(struct tv_vcpu *vcpu, u32 index, u64 data)
{
	int r = tv_lapic_msr_set(vcpu, index, data);

	if (r != -ENOENT)
		return r;
	r = tv_spec_msr_set(vcpu, index, data);
	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_TSC_AUX:
		if (data >> 32)
			return -EINVAL;
		vcpu->tsc_aux = data;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		if ((data ^ vcpu->misc_enable) & ~MSR_IA32_MISC_ENABLE_FAST_STRING)
			return -EINVAL;
		vcpu->misc_enable = data;
		return 0;
	case MSR_IA32_UCODE_REV:
		return 0;
	default:
		return tv_ops->set_msr(vcpu, index, data);
	}
}
