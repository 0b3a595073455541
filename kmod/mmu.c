// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-physical memory: slots of userspace memory, pinned when the slot
 * is made and mapped at once into the second-stage page table (NPT or EPT),
 * with the largest pages the host backing allows.  A running guest so never
 * takes a memory-management exit: every nested page fault is MMIO.
 *
 * One walker serves both formats; the backend gives the entries
 * (tv_ops->mmu_table_entry and mmu_leaf_entry).  In both, bit 7 marks a
 * large leaf and bits 51:12 hold the address.
 *
 * The depth is the backend's (tv_ops->mmu_levels), copied into the VM when
 * it is made.  AMD walks the NPT in the host's own paging mode at VMRUN:
 * five levels when the host kernel runs with CR4.LA57, else four (KVM's
 * get_npt_level() decides the same way).  Intel walks the depth the EPTP
 * names: four, since guest-physical addresses stop at TV_GPA_BITS, which
 * four levels map whole; 5-level EPT would only be needed above it.
 */
#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/shmem_fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/page.h>

#include "compat.h"
#include "thinvisor.h"
#include "vendor.h"

#define TV_PTE_ADDR	GENMASK_ULL(51, 12)
#define TV_PTE_LARGE	BIT_ULL(7)
#define TV_LEVEL_SHIFT(level)	(PAGE_SHIFT + 9 * ((level) - 1))
#define TV_LEVEL_SIZE(level)	(1ULL << TV_LEVEL_SHIFT(level))
#define TV_LEVEL_INDEX(gpa, level) (((gpa) >> TV_LEVEL_SHIFT(level)) & 511)
/* Guest-physical addresses are below 2^48 (and the host's MAXPHYADDR). */
#define TV_GPA_BITS	TV_LEVEL_SHIFT(5)
/*
 * A slot keeps one page pointer per 4 KiB page in one array, which kvmalloc
 * allows up to INT_MAX bytes: a slot is at most just under 1 TiB.
 */
#define TV_SLOT_MAX_PAGES	(INT_MAX / sizeof(struct page *))

/* Leaves mapped now, by level (4 KiB, 2 MiB, 1 GiB), in all VMs: debugfs. */
atomic_long_t tv_mmu_leaves[3];

static u64 *tv_mmu_alloc_table(struct tv_mmu *mmu, u64 *pa)
{
	struct page *p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!p)
		return NULL;
	list_add(&p->lru, &mmu->table_pages);
	mmu->nr_table_pages++;
	*pa = page_to_phys(p);
	return page_address(p);
}

int tv_mmu_init(struct tv_vm *vm)
{
	vm->mmu.levels = tv_ops->mmu_levels;
	INIT_LIST_HEAD(&vm->mmu.table_pages);
	if (!tv_mmu_alloc_table(&vm->mmu, &vm->mmu.root_pa))
		return -ENOMEM;
	return 0;
}

void tv_mmu_destroy(struct tv_vm *vm)
{
	struct page *p, *tmp;

	list_for_each_entry_safe(p, tmp, &vm->mmu.table_pages, lru) {
		list_del(&p->lru);
		__free_page(p);
	}
}

/* Write one leaf; tables on the way down are made as needed. */
static int tv_mmu_set(struct tv_vm *vm, u64 gpa, int level, u64 leaf)
{
	u64 *table = phys_to_virt(vm->mmu.root_pa);
	int l;

	for (l = vm->mmu.levels; l > level; l--) {
		u64 *e = &table[TV_LEVEL_INDEX(gpa, l)];
		u64 pa;

		if (!*e) {
			if (!tv_mmu_alloc_table(&vm->mmu, &pa))
				return -ENOMEM;
			WRITE_ONCE(*e, tv_ops->mmu_table_entry(pa));
		} else if (WARN_ON_ONCE(*e & TV_PTE_LARGE)) {
			return -EEXIST;
		}
		table = phys_to_virt(*e & TV_PTE_ADDR);
	}
	WRITE_ONCE(table[TV_LEVEL_INDEX(gpa, level)], leaf);
	atomic_long_inc(&tv_mmu_leaves[level - 1]);
	return 0;
}

/* Clear every leaf in [gpa, gpa + size); tables stay until the VM goes. */
static void tv_mmu_clear(struct tv_vm *vm, u64 gpa, u64 size)
{
	u64 end = gpa + size;

	while (gpa < end) {
		u64 *table = phys_to_virt(vm->mmu.root_pa);
		u64 *e = NULL;
		int l;

		for (l = vm->mmu.levels; l >= 1; l--) {
			e = &table[TV_LEVEL_INDEX(gpa, l)];
			if (!*e || l == 1 || (*e & TV_PTE_LARGE))
				break;
			table = phys_to_virt(*e & TV_PTE_ADDR);
		}
		if (*e && (l == 1 || (*e & TV_PTE_LARGE)))
			atomic_long_dec(&tv_mmu_leaves[l - 1]);
		WRITE_ONCE(*e, 0);
		gpa = (gpa & ~(TV_LEVEL_SIZE(l) - 1)) + TV_LEVEL_SIZE(l);
	}
	vm->tlb_generation++;
}

/* Can pages[i...] be mapped with one leaf of this level? */
static bool tv_can_map_large(struct tv_slot *s, unsigned long i, int level)
{
	unsigned long n = TV_LEVEL_SIZE(level) >> PAGE_SHIFT;
	unsigned long pfn = page_to_pfn(s->pages[i]), k;

	if (level > tv_ops->mmu_max_level || i + n > (s->size >> PAGE_SHIFT))
		return false;
	if (!IS_ALIGNED(s->gpa + (i << PAGE_SHIFT), TV_LEVEL_SIZE(level)) ||
	    !IS_ALIGNED(pfn, n))
		return false;
	for (k = 1; k < n; k++)
		if (page_to_pfn(s->pages[i + k]) != pfn + k)
			return false;
	return true;
}

/*
 * Does the entry for gpa at this level point to a table?  A leaf never
 * replaces one: the table would be lost until the VM goes, and a slot
 * mapped again (tv_set_memory_region()'s undo) could then need a new one.
 */
static bool tv_mmu_is_table(struct tv_vm *vm, u64 gpa, int level)
{
	u64 *table = phys_to_virt(vm->mmu.root_pa);
	int l;

	for (l = vm->mmu.levels; ; l--) {
		u64 e = table[TV_LEVEL_INDEX(gpa, l)];

		if (!e || (e & TV_PTE_LARGE))
			return false;
		if (l == level)
			return true;
		table = phys_to_virt(e & TV_PTE_ADDR);
	}
}

static int tv_mmu_map_slot(struct tv_vm *vm, struct tv_slot *s)
{
	unsigned long npages = s->size >> PAGE_SHIFT, i = 0;
	bool writable = !(s->flags & TV_MEM_READONLY);

	while (i < npages) {
		u64 gpa = s->gpa + ((u64)i << PAGE_SHIFT);
		int level = 1, r;

		if (tv_can_map_large(s, i, 3) && !tv_mmu_is_table(vm, gpa, 3))
			level = 3;
		else if (tv_can_map_large(s, i, 2) && !tv_mmu_is_table(vm, gpa, 2))
			level = 2;
		r = tv_mmu_set(vm, gpa, level,
			       tv_ops->mmu_leaf_entry(page_to_phys(s->pages[i]),
						      level, writable));
		if (r) {
			tv_mmu_clear(vm, s->gpa, (u64)i << PAGE_SHIFT);
			return r;
		}
		i += TV_LEVEL_SIZE(level) >> PAGE_SHIFT;
	}
	vm->tlb_generation++;
	return 0;
}

static void tv_slot_unpin(struct tv_vm *vm, struct tv_slot *s)
{
	unsigned long npages = s->size >> PAGE_SHIFT;

	unpin_user_pages_dirty_lock(s->pages, npages,
				    !(s->flags & TV_MEM_READONLY));
	account_locked_vm(vm->mm, npages, false);
	kvfree(s->pages);
	s->pages = NULL;
}

/*
 * Guest memory the guest writes must not be a file's page cache (other
 * than shmem's and hugetlbfs'): a page pinned for as long as the VM lives
 * and written behind the filesystem's back breaks its dirty tracking and
 * writeback (Linux 6.5 and later refuse such pins themselves).
 */
static bool tv_vma_refused(struct vm_area_struct *vma, unsigned int gup)
{
	return (gup & FOLL_WRITE) && vma->vm_file &&
	       !shmem_file(vma->vm_file) && !is_vm_hugetlb_page(vma);
}

/*
 * Pin the slot's pages, mapping by mapping, under mmap_lock: the check of
 * each mapping holds for the pages pinned from it.
 */
static int tv_slot_pin_pages(struct tv_vm *vm, struct tv_slot *s,
			     unsigned int gup, unsigned long *done)
{
	unsigned long npages = s->size >> PAGE_SHIFT;
	long r = 0;

	mmap_read_lock(vm->mm);
	while (*done < npages) {
		unsigned long addr = s->uaddr + (*done << PAGE_SHIFT);
		struct vm_area_struct *vma = find_vma(vm->mm, addr);
		unsigned long n;

		if (!vma || vma->vm_start > addr) {
			r = -EFAULT;
			break;
		}
		if (tv_vma_refused(vma, gup)) {
			r = -EOPNOTSUPP;
			break;
		}
		n = min3(npages - *done, (vma->vm_end - addr) >> PAGE_SHIFT, 65536UL);
		r = tv_pin_user_pages(addr, n, gup, s->pages + *done);
		if (r <= 0) {
			r = r ? r : -EFAULT;
			break;
		}
		*done += r;
		r = 0;
		if (fatal_signal_pending(current)) {
			r = -EINTR;
			break;
		}
	}
	mmap_read_unlock(vm->mm);
	return r;
}

static int tv_slot_pin(struct tv_vm *vm, struct tv_slot *s)
{
	unsigned long npages = s->size >> PAGE_SHIFT, done = 0;
	unsigned int gup = FOLL_LONGTERM;
	int r;

	if (!(s->flags & TV_MEM_READONLY))
		gup |= FOLL_WRITE;
	r = account_locked_vm(vm->mm, npages, true);
	if (r)
		return r;
	/*
	 * A large array may not be there: an error for the caller, neither a
	 * splat nor the OOM killer.
	 */
	s->pages = kvcalloc(npages, sizeof(*s->pages),
			    GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!s->pages) {
		r = -ENOMEM;
		goto out_account;
	}
	r = tv_slot_pin_pages(vm, s, gup, &done);
	if (r)
		goto out_unpin;
	return 0;

out_unpin:
	unpin_user_pages(s->pages, done);
	kvfree(s->pages);
	s->pages = NULL;
out_account:
	account_locked_vm(vm->mm, npages, false);
	return r;
}

static bool tv_overlaps(const struct tv_slot *s, u64 gpa, u64 size)
{
	return s->used && gpa < s->gpa + s->size && s->gpa < gpa + size;
}

static int tv_check_region(struct tv_vm *vm, const struct tv_memory_region *r)
{
	u64 max_gpa = 1ULL << min_t(u32, boot_cpu_data.x86_phys_bits, TV_GPA_BITS);
	int i;

	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (r->slot >= TV_MAX_SLOTS || (r->flags & ~TV_MEM_READONLY))
		return -EINVAL;
	if (!r->size)
		return 0;
	if (!PAGE_ALIGNED(r->guest_phys_addr) || !PAGE_ALIGNED(r->size) ||
	    !PAGE_ALIGNED(r->userspace_addr))
		return -EINVAL;
	if ((r->size >> PAGE_SHIFT) > TV_SLOT_MAX_PAGES)
		return -EINVAL;
	if (r->guest_phys_addr + r->size < r->guest_phys_addr ||
	    r->guest_phys_addr + r->size > max_gpa)
		return -EINVAL;
	if (r->userspace_addr + r->size < r->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)r->userspace_addr, r->size))
		return -EINVAL;
	for (i = 0; i < TV_MAX_SLOTS; i++)
		if (i != r->slot &&
		    tv_overlaps(&vm->slots[i], r->guest_phys_addr, r->size))
			return -EEXIST;
	return 0;
}

/* Called with vm->lock held and no vCPU inside RUN. */
int tv_set_memory_region(struct tv_vm *vm, const struct tv_memory_region *r)
{
	struct tv_slot new = {};
	struct tv_slot *old;
	int err;

	if (current->mm != vm->mm)
		return -EIO;
	err = tv_check_region(vm, r);
	if (err)
		return err;
	/* The caller's index, checked: not even a speculative step past the table. */
	old = &vm->slots[array_index_nospec(r->slot, TV_MAX_SLOTS)];

	if (r->size) {
		new.gpa = r->guest_phys_addr;
		new.size = r->size;
		new.uaddr = r->userspace_addr;
		new.flags = r->flags;
		new.used = true;
		err = tv_slot_pin(vm, &new);
		if (err)
			return err;
	}

	if (old->used)
		tv_mmu_clear(vm, old->gpa, old->size);
	if (new.used) {
		err = tv_mmu_map_slot(vm, &new);
		if (err) {
			/*
			 * Every table the old slot used is still there (tables
			 * stay until the VM goes, and no leaf replaces one), so
			 * mapping it again allocates nothing.  Should it fail
			 * all the same, the slot goes rather than stay pinned
			 * and unmapped.
			 */
			if (old->used && tv_mmu_map_slot(vm, old)) {
				tv_slot_unpin(vm, old);
				old->used = false;
			}
			tv_slot_unpin(vm, &new);
			return err;
		}
	}
	if (old->used)
		tv_slot_unpin(vm, old);
	*old = new;
	return 0;
}

void tv_mmu_free_slots(struct tv_vm *vm)
{
	int i;

	for (i = 0; i < TV_MAX_SLOTS; i++)
		if (vm->slots[i].used)
			tv_slot_unpin(vm, &vm->slots[i]);
}

struct tv_slot *tv_slot_find(struct tv_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < TV_MAX_SLOTS; i++) {
		struct tv_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/*
 * Guest memory from the vCPU thread, through the slot's userspace
 * mapping: faults become errors, never oopses.  -EFAULT where there is no
 * RAM (or, for a write, read-only RAM).
 */
static int tv_guest_copy(struct tv_vm *vm, u64 gpa, void *buf,
			 unsigned int len, bool write)
{
	while (len) {
		struct tv_slot *s = tv_slot_find(vm, gpa);
		u64 off;
		unsigned int n;
		void __user *uaddr;

		if (!s || (write && (s->flags & TV_MEM_READONLY)))
			return -EFAULT;
		off = gpa - s->gpa;
		n = min_t(u64, len, s->size - off);
		uaddr = (void __user *)(unsigned long)(s->uaddr + off);
		if (write ? copy_to_user(uaddr, buf, n) : copy_from_user(buf, uaddr, n))
			return -EFAULT;
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int tv_read_guest(struct tv_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return tv_guest_copy(vm, gpa, buf, len, false);
}

int tv_write_guest(struct tv_vm *vm, u64 gpa, const void *buf, unsigned int len)
{
	return tv_guest_copy(vm, gpa, (void *)buf, len, true);
}
