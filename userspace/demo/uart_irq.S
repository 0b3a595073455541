/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test guest for thinrun --raw: COM1 driven by its interrupt, through
 * the IOAPIC and the x2APIC, as Linux drives it.  Loaded at 0x7c00 in
 * real mode, it goes to flat 32-bit protected mode (the IOAPIC is at
 * 0xfec00000), routes IOAPIC pin 4 to vector 0x30, software-enables its
 * x2APIC, sets MCR.OUT2 and enables the THR-empty interrupt, and then
 * only halts.  Its handler works as Linux's 8250
 * handler does, reading IIR until it says nothing is pending (the pin is
 * edge-triggered: one edge may stand for several causes):
 * - THR empty: prints "uart_irq: THRE interrupt" (polled) and trades the
 *   THR-empty interrupt for the received-data one;
 * - received data: echoes each byte; after a newline prints
 *   "uart_irq: done" and ends the run with status 0 (port 0xf4).
 * So `printf 'hi\n' | thinrun --raw uart_irq.bin` prints the THRE line,
 * "hi" and "uart_irq: done", or hangs if an interrupt never comes.
 */
#define COM1		0x3f8
#define IOAPIC		0xfec00000
#define VECTOR		0x30
#define MSR_X2APIC_EOI	0x80b
#define MSR_X2APIC_SVR	0x80f

	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lgdtl gdt_desc
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x08, $pm32

	.code32
pm32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x7000, %esp

	/* The one gate: vector 0x30, a 32-bit interrupt gate to handler. */
	mov $handler, %eax
	mov %ax, idt + VECTOR * 8
	movw $0x08, idt + VECTOR * 8 + 2
	movw $0x8e00, idt + VECTOR * 8 + 4
	shr $16, %eax
	mov %ax, idt + VECTOR * 8 + 6
	lidt idt_desc

	/* x2APIC on (the module starts it in x2APIC mode): SVR.enable. */
	mov $MSR_X2APIC_SVR, %ecx
	mov $0x1ff, %eax
	xor %edx, %edx
	wrmsr

	/* IOAPIC pin 4: vector 0x30, fixed, physical, edge, high, APIC ID 0. */
	movl $0x18, IOAPIC
	movl $VECTOR, IOAPIC + 0x10
	movl $0x19, IOAPIC
	movl $0, IOAPIC + 0x10

	/*
	 * COM1: OUT2 lets the interrupt out; IER: THR empty first, received
	 * data only once that came (stdin may be waiting already, and
	 * received data outranks THR empty).
	 */
	mov $COM1 + 4, %dx
	mov $0x08, %al
	out %al, %dx
	mov $COM1 + 1, %dx
	mov $0x02, %al
	out %al, %dx

1:	sti
	hlt
	jmp 1b

handler:
	mov $COM1 + 2, %dx
	in %dx, %al			/* IIR */
	test $1, %al
	jnz 9f				/* nothing (more) pending */
	and $0x0e, %al
	cmp $0x02, %al
	je 5f
	cmp $0x04, %al
	je 6f
	cmp $0x0c, %al
	je 6f
	jmp handler			/* line status, modem status: IIR read clears */

5:	/* THR empty: say so once; from now on, received data only. */
	mov $COM1 + 1, %dx
	mov $0x01, %al
	out %al, %dx
	mov $thre_msg, %esi
	call puts
	jmp handler

6:	/* Received data: echo until LSR.DR clears. */
	mov $COM1 + 5, %dx
	in %dx, %al
	test $1, %al
	jz handler
	mov $COM1, %dx
	in %dx, %al
	mov %al, %bl
	call putc
	cmp $'\n', %bl
	jne 6b
	mov $done_msg, %esi
	call puts
	xor %al, %al
	out %al, $0xf4			/* exit status 0 */
	jmp 6b

9:	mov $MSR_X2APIC_EOI, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	iret

/* Print the byte in BL, waiting for LSR.THRE as a polling driver does. */
putc:
	mov $COM1 + 5, %dx
7:	in %dx, %al
	test $0x20, %al
	jz 7b
	mov $COM1, %dx
	mov %bl, %al
	out %al, %dx
	ret

/* Print the NUL-terminated string at ESI. */
puts:
	lodsb
	test %al, %al
	jz 8f
	mov %al, %bl
	call putc
	jmp puts
8:	ret

	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt
idt_desc:
	.word 256 * 8 - 1
	.long idt

thre_msg: .asciz "uart_irq: THRE interrupt\n"
done_msg: .asciz "uart_irq: done\n"

	.bss
	.p2align 3
idt:	.fill 256 * 8, 1, 0
