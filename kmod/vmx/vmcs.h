/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCS field accessors.  VMREAD and VMWRITE act on the VMCS current on this
 * CPU; the caller makes sure it is the right one (vmx_vcpu_load()).  A
 * failure (no current VMCS, a field this CPU lacks) is counted and reported
 * once per burst, off the hot path; the read returns 0.
 */
#ifndef THINVISOR_VMCS_H
#define THINVISOR_VMCS_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/vmx.h>

void vmx_vmcs_error(unsigned long field, bool write);

static __always_inline u64 vmcs_read(unsigned long field)
{
	unsigned long value;
	bool ok;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm" (value), "=@cca" (ok)
		     : [field] "r" (field) : "memory");
	if (unlikely(!ok)) {
		vmx_vmcs_error(field, false);
		return 0;
	}
	return value;
}

static __always_inline void vmcs_write(unsigned long field, u64 value)
{
	bool ok;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@cca" (ok)
		     : [field] "r" (field), [value] "rm" ((unsigned long)value)
		     : "memory");
	if (unlikely(!ok))
		vmx_vmcs_error(field, true);
}

static __always_inline void vmcs_set_bits(unsigned long field, u64 bits)
{
	vmcs_write(field, vmcs_read(field) | bits);
}

static __always_inline void vmcs_clear_bits(unsigned long field, u64 bits)
{
	vmcs_write(field, vmcs_read(field) & ~bits);
}

/* VMCLEAR and VMPTRLD: true when the CPU took it. */
static __always_inline bool vmcs_clear(u64 pa)
{
	bool ok;

	asm volatile("vmclear %[pa]" : "=@cca" (ok) : [pa] "m" (pa) : "memory");
	return ok;
}

static __always_inline bool vmcs_load(u64 pa)
{
	bool ok;

	asm volatile("vmptrld %[pa]" : "=@cca" (ok) : [pa] "m" (pa) : "memory");
	return ok;
}

#endif
