/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo guest: a flat 16-bit binary that thinrun --raw loads at 0x7c00
 * and starts in real mode.  It prints a greeting and the hypervisor's
 * CPUID signature on the serial port, then asks thinrun to exit with
 * status 0 (port 0xf4).
 */
	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov $hello, %si
	call puts

	/* CPUID 0x40000000: the hypervisor's signature in EBX, ECX, EDX. */
	mov $0x40000000, %eax
	cpuid
	mov %ebx, sig
	mov %ecx, sig + 4
	mov %edx, sig + 8
	mov $hv, %si
	call puts
	mov $sig, %si
	call puts
	mov $newline, %si
	call puts

	xor %al, %al
	out %al, $0xf4		/* exit status 0 */
1:	hlt
	jmp 1b

/* Print the NUL-terminated string at DS:SI on COM1. */
puts:
	mov $0x3f8, %dx
2:	lodsb
	test %al, %al
	jz 3f
	out %al, %dx
	jmp 2b
3:	ret

hello:	.asciz "Hello from a thinvisor guest.\n"
hv:	.asciz "CPUID 0x40000000 says: "
newline: .asciz "\n"
sig:	.fill 13, 1, 0
