// SPDX-License-Identifier: GPL-2.0
/* The host side of guest code at CPL3 (tv_ring3.h). */
#include <string.h>
#include <linux/thinvisor.h>

#include "tv_layout.h"
#include "tv_ring3.h"
#include "tv_util.h"

#define PTE_USER	4ULL

/* A flat 64-bit segment descriptor, DPL 3. */
static uint64_t user_desc(int code)
{
	uint64_t d = 0xffffULL | (0xfULL << 48);	/* limit */

	d |= (uint64_t)(code ? 0xfb : 0xf3) << 40;	/* P, DPL 3, S, type */
	d |= code ? 1ULL << 53 : 1ULL << 54;		/* L for code, D/B for data */
	d |= 1ULL << 55;				/* G */
	return d;
}

void tv_vm_ring3_setup(struct tv_vm *vm, struct tv_vcpu *vcpu)
{
	uint64_t *gdt, *pt, stack;
	struct tv_sregs s;
	int i;

	pt = tv_gpa2hva(vm, TV_PML4_GPA);
	pt[0] |= PTE_USER;
	pt = tv_gpa2hva(vm, TV_PDPT_GPA);
	for (i = 0; i < 4; i++)
		pt[i] |= PTE_USER;
	gdt = tv_gpa2hva(vm, TV_GDT_GPA);
	gdt[TV_SEL_UDATA >> 3] = user_desc(0);
	gdt[TV_SEL_UCODE >> 3] = user_desc(1);
	/* RSP0 in the 64-bit TSS (offset 4). */
	stack = tv_vm_alloc(vm, 16384) + 16384;
	memcpy((char *)tv_gpa2hva(vm, TV_TSS_GPA) + 4, &stack, 8);
	tv_get_sregs(vcpu, &s);
	s.gdt.limit = ((TV_SEL_UCODE >> 3) + 1) * 8 - 1;
	tv_set_sregs(vcpu, &s);
}

void tv_vm_user_pages(struct tv_vm *vm, int except_pde)
{
	uint64_t *pd = tv_gpa2hva(vm, TV_PD_GPA);
	int i;

	for (i = 0; i < 4 * 512; i++)
		if (i != except_pde)
			pd[i] |= PTE_USER;
}
