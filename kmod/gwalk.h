/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest page-table walker: guest-virtual (linear) to guest-physical
 * addresses, through the guest's own page tables, as the CPU would.
 *
 * Without decode assists the hypervisor reads guest memory itself: the
 * instruction bytes at CS:RIP on an MMIO fault, the buffer of a string
 * port I/O.  This is pure logic (see pure.h): it reads guest-physical
 * memory only through the caller's read_gpa, so the unit test can run it
 * on page tables built in a plain buffer.
 *
 * The paging mode comes from CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57:
 * none, 32-bit (4 KiB; 4 MiB with CR4.PSE, PSE-36 high bits), PAE
 * (4 KiB, 2 MiB), 4-level and 5-level (4 KiB, 2 MiB, 1 GiB).  Checked as
 * the CPU does: present, R/W (and CR0.WP for supervisor writes), U/S,
 * NX (EFER.NXE), CR4.SMEP, CR4.SMAP, and reserved bits (NX without EFER.NXE,
 * large-page alignment bits, PS in PML4E/PML5E, PAE PDPTE bits, address
 * bits at or above MAXPHYADDR).
 *
 * Not modelled: protection keys, the AMD
 * reserved bit 8 of non-leaf entries, and CPUs without 1 GiB pages (the
 * hardware walk under NPT/EPT accepts them wherever the host has them).
 *
 * PAE PDPTEs are read from memory at walk time.  That suits SVM, whose
 * VMCB keeps no PDPTEs (KVM re-reads them from memory there too).  Under
 * VMX with EPT the CPU uses the four it loaded at the last MOV to CR3
 * (the VMCS's GUEST_PDPTRn), which differ only if the guest changed its
 * PDPT since without reloading CR3.
 *
 * The walker never writes guest memory: it does not set Accessed or
 * Dirty bits, as the CPU would.  A guest that relies on D for a page
 * written only by an emulated instruction (an INS into a file mapping)
 * would miss that write.  Setting them needs an atomic compare-exchange
 * on the guest's entries, which read_gpa cannot do; a caller that needs
 * them would add a cmpxchg_gpa.
 */
#ifndef THINVISOR_GWALK_H
#define THINVISOR_GWALK_H

#include "pure.h"

/* The guest register bits the walker looks at (the SDM's names). */
#define TV_CR0_WP	0x00010000ULL
#define TV_CR0_PG	0x80000000ULL
#define TV_CR4_PSE	0x00000010ULL
#define TV_CR4_PAE	0x00000020ULL
#define TV_CR4_LA57	0x00001000ULL
#define TV_CR4_SMEP	0x00100000ULL
#define TV_CR4_SMAP	0x00200000ULL
#define TV_EFER_LMA	0x00000400ULL
#define TV_EFER_NXE	0x00000800ULL

/* The x86 #PF error code bits the walker reports. */
#define TV_PF_PRESENT	0x01U	/* 1: protection or reserved bit; 0: not present */
#define TV_PF_WRITE	0x02U
#define TV_PF_USER	0x04U
#define TV_PF_RSVD	0x08U
#define TV_PF_FETCH	0x10U	/* only with CR4.SMEP, or EFER.NXE and CR4.PAE */

struct tv_gwalk {
	u64 cr0, cr3, cr4, efer;
	/* The guest's CPUID 0x80000008 EAX[7:0]; 0 means 52. */
	unsigned int maxphyaddr;
	/*
	 * Read len bytes of guest-physical memory at gpa; 0 or a negative
	 * errno.  Called for page-table entries (4 or 8 bytes, aligned) and
	 * for the data of tv_gwalk_read (never across a 4 KiB page).
	 */
	int (*read_gpa)(void *opaque, u64 gpa, void *buf, unsigned int len);
	void *opaque;
};

/* Access flags, combined: what the guest instruction does, at which CPL. */
#define TV_GWALK_WRITE	1
#define TV_GWALK_USER	2	/* CPL 3 */
#define TV_GWALK_FETCH	4	/* an instruction fetch (not with WRITE) */
/*
 * An explicit data access at CPL 0-2 with EFLAGS.AC set: CR4.SMAP lets it
 * reach user pages (SDM vol. 3, 4.6.1).  Without it, a supervisor data
 * access to a user page faults under CR4.SMAP, as implicit ones always do.
 */
#define TV_GWALK_AC	8

/* A #PF to inject into the guest. */
struct tv_gwalk_fault {
	u64 addr;		/* for CR2: the linear address that faulted */
	u32 error_code;		/* TV_PF_* */
};

/*
 * Translate gva for access.  Returns
 *   0 and *gpa;
 *   -EFAULT and *fault when the guest's own tables forbid the access;
 *   -EINVAL for a non-canonical address in long mode (a #GP, not a #PF);
 *   another negative errno when read_gpa failed.  A read_gpa -EFAULT is
 *	passed on as -EIO, so that -EFAULT always means a guest #PF.
 */
int tv_gwalk_translate(const struct tv_gwalk *w, u64 gva, unsigned int access,
		       u64 *gpa, struct tv_gwalk_fault *fault);

/*
 * Copy len bytes at gva into buf, page by page: the pages need not be
 * contiguous in guest-physical memory.  Returns as tv_gwalk_translate;
 * a fault on a later page has that page's first byte read in fault->addr,
 * as the CPU reports it.  On failure buf holds the bytes of the pages
 * before the failing one.
 *
 * An instruction fetch should read only up to the end of the page first
 * (tv_gwalk_page_remaining) and the rest only if the decoder needs it: a
 * fault on the next page is the guest's only if the instruction really
 * reaches into it.
 */
int tv_gwalk_read(const struct tv_gwalk *w, u64 gva, void *buf,
		  unsigned int len, unsigned int access,
		  struct tv_gwalk_fault *fault);

/*
 * How many of the len bytes at gva lie in gva's 4 KiB page.  Every page
 * size is a multiple of 4 KiB, so these bytes have one translation: a
 * caller that writes through the walker translates and writes this much
 * at a time.
 */
static inline unsigned int tv_gwalk_page_remaining(u64 gva, unsigned int len)
{
	unsigned int left = 4096 - (unsigned int)(gva & 4095);

	return len < left ? len : left;
}

#endif
