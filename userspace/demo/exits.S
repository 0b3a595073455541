/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest for thinvisor's statistics (thinrun --raw, at 0x7c00): exactly
 * 1000 CPUID exits, 100 port-I/O exits to userspace (a '.' each to COM1)
 * and one HLT, with interrupts off, so that the vCPU then sleeps in the
 * kernel until thinrun is killed.  Run-tests' thinstat_json counts them.
 */
	.code16
	.text
	.globl _start
_start:
	cli
	mov $1000, %si
1:	xor %eax, %eax
	cpuid
	dec %si
	jnz 1b

	mov $100, %si
	mov $0x3f8, %dx
	mov $'.', %al
2:	out %al, %dx
	dec %si
	jnz 2b

	hlt
3:	jmp 3b
