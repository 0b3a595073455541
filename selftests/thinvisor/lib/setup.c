// SPDX-License-Identifier: GPL-2.0
/*
 * Guest setup: the standard layout (tv_layout.h), the test binary's own
 * image in guest memory, page tables, GDT, TSS, IDT, and the register state
 * of the three modes.
 */
#include <cpuid.h>
#include <elf.h>
#include <link.h>
#include <stdarg.h>
#include <sys/auxv.h>

#include "tv_util.h"

extern char __executable_start[], _end[];

/* The guest-side exception entry points, lib/guest.c: 16 bytes each. */
extern const char tv_exc_stubs[];
extern void tv_guest_returned(void);

/* Copy every PT_LOAD segment of this binary to the same guest address. */
static void load_image(struct tv_vm *vm)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), i;

	TV_CHECK(ph && n, "no program headers in the auxiliary vector");
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		TV_CHECK(ph[i].p_vaddr >= TV_IMAGE_GPA,
			 "a static non-PIE binary linked at 0x%lx is needed (segment at 0x%lx)",
			 (unsigned long)TV_IMAGE_GPA, (unsigned long)ph[i].p_vaddr);
		tv_write_guest(vm, ph[i].p_vaddr, (void *)ph[i].p_vaddr, ph[i].p_memsz);
	}
}

static uint64_t seg_desc(uint32_t base, uint32_t limit, uint16_t attrib)
{
	/* attrib is the VMX layout: type..p in 7:0, avl..g in 15:12. */
	return (limit & 0xffffULL) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)(attrib & 0xff) << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)((attrib >> 12) & 0xf) << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

#define ATTR_CODE	(TV_SEG_ATTR_TYPE(11) | TV_SEG_ATTR_S | TV_SEG_ATTR_P)
#define ATTR_DATA	(TV_SEG_ATTR_TYPE(3) | TV_SEG_ATTR_S | TV_SEG_ATTR_P)
#define ATTR_TSS	(TV_SEG_ATTR_TYPE(11) | TV_SEG_ATTR_P)

static void build_tables(struct tv_vm *vm)
{
	uint64_t *pml4 = tv_gpa2hva(vm, TV_PML4_GPA);
	uint64_t *pdpt = tv_gpa2hva(vm, TV_PDPT_GPA);
	uint64_t *gdt = tv_gpa2hva(vm, TV_GDT_GPA);
	uint64_t *idt = tv_gpa2hva(vm, TV_IDT_GPA);
	int i, j;

	/* 0 - 4 GiB, one to one, 2 MiB pages: P RW A D PS. */
	pml4[0] = TV_PDPT_GPA | 0x23;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = tv_gpa2hva(vm, TV_PD_GPA + i * 0x1000UL);

		pdpt[i] = (TV_PD_GPA + i * 0x1000UL) | 0x23;
		for (j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30 | (uint64_t)j << 21) | 0xe3;
	}

	gdt[0] = 0;
	gdt[TV_SEL_CODE64 / 8] = seg_desc(0, 0xfffff, ATTR_CODE | TV_SEG_ATTR_L | TV_SEG_ATTR_G);
	gdt[TV_SEL_DATA / 8] = seg_desc(0, 0xfffff, ATTR_DATA | TV_SEG_ATTR_DB | TV_SEG_ATTR_G);
	gdt[TV_SEL_CODE32 / 8] = seg_desc(0, 0xfffff, ATTR_CODE | TV_SEG_ATTR_DB | TV_SEG_ATTR_G);
	gdt[TV_SEL_TSS / 8] = seg_desc(TV_TSS_GPA, 0x67, ATTR_TSS);
	gdt[TV_SEL_TSS / 8 + 1] = 0;
	gdt[TV_SEL_CODE16 / 8] = seg_desc(0, 0xffff, ATTR_CODE);
	gdt[TV_SEL_DATA16 / 8] = seg_desc(0, 0xffff, ATTR_DATA);

	/* 64-bit interrupt gates to the stubs, present, DPL 0, type 0xe. */
	for (i = 0; i < 256; i++) {
		uint64_t fn = (uint64_t)(uintptr_t)tv_exc_stubs + i * 16;

		idt[2 * i] = (fn & 0xffff) | ((uint64_t)TV_SEL_CODE64 << 16) |
			     (0x8eULL << 40) | ((fn >> 16) & 0xffff) << 48;
		idt[2 * i + 1] = fn >> 32;
	}
}

struct tv_vm *tv_vm_create_std(void)
{
	struct tv_vm *vm = tv_vm_create();
	uint64_t end = ((uint64_t)(uintptr_t)_end + (2UL << 20) - 1) & ~((2UL << 20) - 1);

	TV_CHECK((uintptr_t)__executable_start == TV_IMAGE_GPA,
		 "the test binary must be static and linked at 0x%lx, not %p",
		 (unsigned long)TV_IMAGE_GPA, __executable_start);
	tv_vm_add_ram(vm, TV_SLOT_LOW, 0, TV_LOW_END, 0);
	tv_vm_add_ram(vm, TV_SLOT_MAIN, TV_HEAP_GPA, end - TV_HEAP_GPA, 0);
	vm->std_layout = 1;
	vm->heap_next = TV_HEAP_GPA;
	load_image(vm);
	build_tables(vm);
	tv_guest_vendor = vm->vendor;
	tv_sync_global_to_guest(vm, tv_guest_vendor);
	return vm;
}

static struct tv_segment seg(uint16_t sel, uint64_t base, uint32_t limit, uint16_t attrib)
{
	return (struct tv_segment){ .base = base, .limit = limit,
				    .selector = sel, .attrib = attrib };
}

void tv_sregs_for_mode(struct tv_vm *vm, enum tv_mode mode, struct tv_sregs *s)
{
	struct tv_segment data;

	memset(s, 0, sizeof(*s));
	s->gdt.base = TV_GDT_GPA;
	s->gdt.limit = TV_GDT_ENTRIES * 8 - 1;
	s->tr = seg(TV_SEL_TSS, TV_TSS_GPA, 0x67, ATTR_TSS);
	s->ldt = seg(0, 0, 0, 0);	/* unusable */
	s->cr0 = X86_CR0_ET | X86_CR0_NE;

	switch (mode) {
	case TV_MODE_REAL16:
		s->cs = seg(TV_BLOB_GPA >> 4, TV_BLOB_GPA, 0xffff, ATTR_CODE);
		data = seg(0, 0, 0xffff, ATTR_DATA);
		s->tr.selector = 0;
		/* No IVT: an exception is a triple fault, TV_EXIT_SHUTDOWN. */
		break;
	case TV_MODE_PROT32:	/* no IDT either */
		s->cs = seg(TV_SEL_CODE32, 0, 0xffffffff,
			    ATTR_CODE | TV_SEG_ATTR_DB | TV_SEG_ATTR_G);
		data = seg(TV_SEL_DATA, 0, 0xffffffff,
			   ATTR_DATA | TV_SEG_ATTR_DB | TV_SEG_ATTR_G);
		s->cr0 |= X86_CR0_PE;
		break;
	case TV_MODE_LONG64:
	default:
		s->cs = seg(TV_SEL_CODE64, 0, 0xffffffff,
			    ATTR_CODE | TV_SEG_ATTR_L | TV_SEG_ATTR_G);
		data = seg(TV_SEL_DATA, 0, 0xffffffff,
			   ATTR_DATA | TV_SEG_ATTR_DB | TV_SEG_ATTR_G);
		s->idt.base = TV_IDT_GPA;
		s->idt.limit = 256 * 16 - 1;
		s->cr0 |= X86_CR0_PE | X86_CR0_MP | X86_CR0_WP | X86_CR0_PG;
		s->cr3 = TV_PML4_GPA;
		s->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		s->efer = EFER_LME | EFER_LMA;
		break;
	}
	s->ds = s->es = s->fs = s->gs = s->ss = data;
}

uint64_t tv_blob_entry(enum tv_mode mode)
{
	return TV_BLOB_GPA;
}

bool tv_cpu_has_la57(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1U << 16));
}

void tv_vcpu_set_5level_paging(struct tv_vcpu *vcpu)
{
	uint64_t *pml5 = tv_gpa2hva(vcpu->vm, TV_PML5_GPA);
	struct tv_sregs s;

	TV_CHECK(vcpu->vm->std_layout, "5-level paging needs a standard VM");
	pml5[0] = TV_PML4_GPA | 0x23;		/* P RW A */
	tv_get_sregs(vcpu, &s);
	TV_CHECK(s.efer & EFER_LMA, "5-level paging is for a 64-bit vCPU");
	s.cr3 = TV_PML5_GPA;
	s.cr4 |= X86_CR4_LA57;
	tv_set_sregs(vcpu, &s);
}

const char *tv_mode_name(enum tv_mode mode)
{
	switch (mode) {
	case TV_MODE_REAL16: return "real16";
	case TV_MODE_PROT32:	/* no IDT either */ return "prot32";
	default: return "long64";
	}
}

void tv_vcpu_setup(struct tv_vcpu *vcpu, enum tv_mode mode, uint64_t entry)
{
	struct tv_vm *vm = vcpu->vm;
	struct tv_sregs s;
	struct tv_regs r = { .rflags = 2 };
	int is_blob = entry >= TV_BLOB_GPA && entry < TV_BLOB_GPA + TV_BLOB_MAX;

	TV_CHECK(vm->std_layout, "guest setup needs a standard VM");
	tv_sregs_for_mode(vm, mode, &s);
	if (mode == TV_MODE_REAL16) {
		TV_CHECK(is_blob, "a real-mode entry must be in the blob area");
		r.rip = entry - TV_BLOB_GPA;
	} else {
		r.rip = entry;
	}
	if (is_blob) {
		r.rsp = TV_BLOB_STACK_GPA + 256 * (vcpu->id % 16) + 0xf0;
		r.rdi = vm->vendor;
	} else {
		/* A C function: its own stack, and a return address that aborts. */
		uint64_t top = tv_vm_alloc(vm, 32 << 10) + (32 << 10) - 16;
		uint64_t ret = (uint64_t)(uintptr_t)tv_guest_returned;

		tv_write_guest(vm, top - 8, &ret, 8);
		r.rsp = top - 8;
	}
	tv_set_sregs(vcpu, &s);
	tv_set_regs(vcpu, &r);
}

struct tv_vcpu *tv_vcpu_add_guest(struct tv_vm *vm, int id, enum tv_mode mode,
				  uint64_t entry)
{
	struct tv_vcpu *vcpu = tv_vcpu_add(vm, id);

	tv_vcpu_setup(vcpu, mode, entry);
	return vcpu;
}

uint64_t tv_vm_load_blob(struct tv_vm *vm, struct tv_blob blob)
{
	size_t n = blob.end - blob.start;

	TV_CHECK(n > 0 && n <= TV_BLOB_MAX, "blob of %zu bytes", n);
	tv_write_guest(vm, TV_BLOB_GPA, blob.start, n);
	return TV_BLOB_GPA;
}

struct tv_vm *tv_vm_create_with_vcpu(void (*guest)(void), struct tv_vcpu **vcpu)
{
	struct tv_vm *vm = tv_vm_create_std();

	*vcpu = tv_vcpu_add_guest(vm, 0, TV_MODE_LONG64, (uint64_t)(uintptr_t)guest);
	return vm;
}

struct tv_vm *tv_vm_create_with_blob(enum tv_mode mode, struct tv_blob blob,
				     struct tv_vcpu **vcpu)
{
	struct tv_vm *vm = tv_vm_create_std();

	*vcpu = tv_vcpu_add_guest(vm, 0, mode, tv_vm_load_blob(vm, blob));
	return vm;
}

/* VMs and vCPUs alive in the module (debugfs objects), -1 if unreadable. */
int tv_module_objects(long *vms, long *vcpus)
{
	FILE *f = fopen("/sys/kernel/debug/thinvisor/objects", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "vms %ld vcpus %ld", vms, vcpus);
	fclose(f);
	return n == 2 ? 0 : -1;
}
