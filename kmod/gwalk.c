// SPDX-License-Identifier: GPL-2.0
/*
 * The guest page-table walker (see gwalk.h).  One loop walks every paging
 * mode; struct gw_mode says how many levels there are, how wide an entry
 * and an index are, and at which levels PS maps a large page.  Levels are
 * numbered as the SDM does: 1 is the PTE, 2 the PDE, 3 the PDPTE, 4 the
 * PML4E, 5 the PML5E.
 */
#include "gwalk.h"

#define PTE_P		0x001ULL
#define PTE_RW		0x002ULL
#define PTE_US		0x004ULL
#define PTE_PS		0x080ULL
#define PTE_NX		0x8000000000000000ULL

enum gw_kind { GW_32, GW_PAE, GW_LONG };

struct gw_mode {
	enum gw_kind kind;
	unsigned int levels;		/* the top level */
	unsigned int index_bits;	/* per level: 10 or 9 */
	unsigned int entry_size;	/* 4 or 8 bytes */
	unsigned int large_levels;	/* bit L: PS at level L maps a page */
};

/* Bits hi..lo set; none when hi < lo (a range that MAXPHYADDR emptied). */
static u64 gw_bits(unsigned int hi, unsigned int lo)
{
	if (hi < lo)
		return 0;
	return (~0ULL >> (63 - hi)) & (~0ULL << lo);
}

static unsigned int gw_maxphyaddr(const struct tv_gwalk *w)
{
	return w->maxphyaddr && w->maxphyaddr < 52 ? w->maxphyaddr : 52;
}

static void gw_get_mode(const struct tv_gwalk *w, struct gw_mode *m)
{
	if (w->efer & TV_EFER_LMA) {
		m->kind = GW_LONG;
		m->levels = w->cr4 & TV_CR4_LA57 ? 5 : 4;
		m->index_bits = 9;
		m->entry_size = 8;
		m->large_levels = (1 << 2) | (1 << 3);
	} else if (w->cr4 & TV_CR4_PAE) {
		/* Level 3 is the 4-entry PDPT: index bits 31:30 of the gva. */
		m->kind = GW_PAE;
		m->levels = 3;
		m->index_bits = 9;
		m->entry_size = 8;
		m->large_levels = 1 << 2;
	} else {
		/* Without CR4.PSE the PS bit of a PDE is ignored. */
		m->kind = GW_32;
		m->levels = 2;
		m->index_bits = 10;
		m->entry_size = 4;
		m->large_levels = w->cr4 & TV_CR4_PSE ? 1 << 2 : 0;
	}
}

/* The physical address of the top table. */
static u64 gw_root(const struct tv_gwalk *w, const struct gw_mode *m)
{
	switch (m->kind) {
	case GW_32:
		return w->cr3 & 0xfffff000ULL;
	case GW_PAE:
		/* The PDPT is 32-byte aligned, anywhere below 4 GiB. */
		return w->cr3 & 0xffffffe0ULL;
	default:
		/* Bits 11:0 are PWT/PCD or the PCID. */
		return w->cr3 & gw_bits(gw_maxphyaddr(w) - 1, 12);
	}
}

/* The bits of a present entry that must be 0, else #PF with RSVD. */
static u64 gw_rsvd(const struct tv_gwalk *w, const struct gw_mode *m,
		   unsigned int level, bool large)
{
	unsigned int maxpa = gw_maxphyaddr(w);
	u64 rsvd;

	if (m->kind == GW_32) {
		/*
		 * Only a 4 MiB PDE has any: bit 21, and those of bits 20:13
		 * (PSE-36: physical address bits 39:32) that would address
		 * beyond MAXPHYADDR, itself at most 40 here.
		 */
		if (!large)
			return 0;
		if (maxpa > 40)
			maxpa = 40;
		return gw_bits(21, 13 + (maxpa > 32 ? maxpa - 32 : 0));
	}

	/*
	 * Address bits from MAXPHYADDR up: PAE reserves them to bit 62;
	 * 4- and 5-level paging leave 62:52 to software (and protection
	 * keys).  Bit 63 is NX, reserved unless EFER.NXE.
	 */
	rsvd = gw_bits(m->kind == GW_PAE ? 62 : 51, maxpa);
	if (!(w->efer & TV_EFER_NXE))
		rsvd |= PTE_NX;

	/* A PAE PDPTE has no R/W, U/S, PS or NX: those bits are reserved. */
	if (m->kind == GW_PAE && level == 3)
		rsvd |= PTE_NX | gw_bits(8, 5) | gw_bits(2, 1);

	/* PS must be 0 in a PML4E and a PML5E: no 512 GiB pages. */
	if (m->kind == GW_LONG && level >= 4)
		rsvd |= PTE_PS;

	/*
	 * A large page's address must be aligned to its size; bit 12 is
	 * its PAT bit, the bits above it up to the alignment are reserved.
	 */
	if (large)
		rsvd |= gw_bits(12 + (level - 1) * m->index_bits - 1, 13);
	return rsvd;
}

/* read_gpa, with its -EFAULT kept apart from the walker's #PF. */
static int gw_read_gpa(const struct tv_gwalk *w, u64 gpa, void *buf,
		       unsigned int len)
{
	int ret = w->read_gpa(w->opaque, gpa, buf, len);

	return ret == -EFAULT ? -EIO : ret;
}

static int gw_read_entry(const struct tv_gwalk *w, const struct gw_mode *m,
			 u64 gpa, u64 *pte)
{
	u32 pte32;
	int ret;

	if (m->entry_size == 8)
		return gw_read_gpa(w, gpa, pte, 8);
	ret = gw_read_gpa(w, gpa, &pte32, 4);
	*pte = pte32;
	return ret;
}

/* The physical address of the page (size bytes) a leaf entry maps. */
static u64 gw_leaf_base(const struct tv_gwalk *w, const struct gw_mode *m,
			u64 pte, u64 size)
{
	if (m->kind != GW_32)
		return pte & gw_bits(gw_maxphyaddr(w) - 1, 12) & ~(size - 1);
	if (size == 4096)
		return pte & 0xfffff000ULL;
	/* PSE-36: a 4 MiB PDE holds address bits 39:32 in its bits 20:13. */
	return (pte & 0xffc00000ULL) | (((pte >> 13) & 0xff) << 32);
}

/* Does an access with these accumulated rights need a #PF (P=1)? */
static bool gw_forbidden(const struct tv_gwalk *w, unsigned int access,
			 bool writable, bool user, bool nx)
{
	if (access & TV_GWALK_USER) {
		/* CPL 3: the page must be a user page, writable to write. */
		if (!user || ((access & TV_GWALK_WRITE) && !writable))
			return true;
	} else {
		/* CPL 0-2 writes read-only pages unless CR0.WP. */
		if ((access & TV_GWALK_WRITE) && !writable &&
		    (w->cr0 & TV_CR0_WP))
			return true;
		/* SMEP: no supervisor fetch from a user page. */
		if ((access & TV_GWALK_FETCH) && user &&
		    (w->cr4 & TV_CR4_SMEP))
			return true;
		/* SMAP: no supervisor data access to one, unless AC allows. */
		if (!(access & (TV_GWALK_FETCH | TV_GWALK_AC)) && user &&
		    (w->cr4 & TV_CR4_SMAP))
			return true;
	}
	return (access & TV_GWALK_FETCH) && nx;
}

static u32 gw_access_bits(const struct tv_gwalk *w, const struct gw_mode *m,
			  unsigned int access)
{
	u32 err = 0;

	if (access & TV_GWALK_WRITE)
		err |= TV_PF_WRITE;
	if (access & TV_GWALK_USER)
		err |= TV_PF_USER;
	/* The SDM sets I/D only where fetches can fault for what they are. */
	if ((access & TV_GWALK_FETCH) &&
	    ((w->cr4 & TV_CR4_SMEP) ||
	     (m->kind != GW_32 && (w->efer & TV_EFER_NXE))))
		err |= TV_PF_FETCH;
	return err;
}

int tv_gwalk_translate(const struct tv_gwalk *w, u64 gva, unsigned int access,
		       u64 *gpa, struct tv_gwalk_fault *fault)
{
	bool writable = true, user = true, nx = false, large;
	unsigned int level, shift;
	struct gw_mode m;
	u64 table, entry, pte;
	u32 err;
	int ret;

	if (!(w->cr0 & TV_CR0_PG)) {
		/* No paging: linear is physical, 32 bits wide outside long mode. */
		*gpa = w->efer & TV_EFER_LMA ? gva : (u32)gva;
		return 0;
	}

	gw_get_mode(w, &m);
	if (m.kind == GW_LONG) {
		/* Canonical: bits 63:47 (63:56 with LA57) all equal. */
		unsigned int top = m.levels * 9 + 12 - 1;
		s64 ext = (s64)(gva << (63 - top)) >> (63 - top);

		if ((u64)ext != gva)
			return -EINVAL;
	} else {
		gva = (u32)gva;
	}

	table = gw_root(w, &m);
	for (level = m.levels; ; level--) {
		shift = 12 + (level - 1) * m.index_bits;
		entry = table + ((gva >> shift) & gw_bits(m.index_bits - 1, 0)) *
				m.entry_size;
		ret = gw_read_entry(w, &m, entry, &pte);
		if (ret)
			return ret;

		if (!(pte & PTE_P)) {
			err = 0;
			goto fault;
		}
		large = (m.large_levels & (1 << level)) && (pte & PTE_PS);
		if (pte & gw_rsvd(w, &m, level, large)) {
			err = TV_PF_PRESENT | TV_PF_RSVD;
			goto fault;
		}

		/*
		 * The rights are those of every level together; a PAE PDPTE
		 * has no R/W or U/S bits and restricts nothing.
		 */
		if (m.kind != GW_PAE || level != 3) {
			writable &= !!(pte & PTE_RW);
			user &= !!(pte & PTE_US);
		}
		/* Reserved unless EFER.NXE (checked above), so 0 then. */
		if (m.kind != GW_32)
			nx |= !!(pte & PTE_NX);

		if (level == 1 || large)
			break;
		table = m.kind == GW_32 ? pte & 0xfffff000ULL :
			pte & gw_bits(gw_maxphyaddr(w) - 1, 12);
	}

	if (gw_forbidden(w, access, writable, user, nx)) {
		err = TV_PF_PRESENT;
		goto fault;
	}
	*gpa = gw_leaf_base(w, &m, pte, 1ULL << shift) |
	       (gva & gw_bits(shift - 1, 0));
	return 0;

fault:
	fault->addr = gva;
	fault->error_code = err | gw_access_bits(w, &m, access);
	return -EFAULT;
}

int tv_gwalk_read(const struct tv_gwalk *w, u64 gva, void *buf,
		  unsigned int len, unsigned int access,
		  struct tv_gwalk_fault *fault)
{
	u8 *p = buf;

	while (len) {
		unsigned int n = tv_gwalk_page_remaining(gva, len);
		u64 gpa;
		int ret;

		ret = tv_gwalk_translate(w, gva, access, &gpa, fault);
		if (!ret)
			ret = gw_read_gpa(w, gpa, p, n);
		if (ret)
			return ret;
		gva += n;
		p += n;
		len -= n;
	}
	return 0;
}
