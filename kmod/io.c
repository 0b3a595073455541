// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O and MMIO exits to userspace.  Both fill struct tv_run; what the
 * guest reads (an IN, an INS, an MMIO load) is finished on the next RUN.
 *
 * Without decode assists the module reads the guest's memory itself: the
 * bytes of an MMIO instruction at CS:RIP, the buffer of a string I/O
 * instruction.  It goes through the guest's own page tables (gwalk.c), and
 * a fault there is injected into the guest as the CPU would have.
 */
#include <linux/mm.h>
#include <linux/nospec.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "thinvisor.h"
#include "gwalk.h"
#include "offload.h"
#include "stats.h"
#include "trace.h"
#include "vendor.h"

static int tv_gwalk_read_gpa(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	return tv_read_guest(opaque, gpa, buf, len);
}

static bool tv_long_mode_cs(const struct tv_sregs *s)
{
	return (s->efer & EFER_LMA) && (s->cs.attrib & TV_SEG_ATTR_L);
}

int tv_internal_error(struct tv_vcpu *vcpu, u32 suberror, u64 gpa)
{
	vcpu->run->exit_reason = TV_EXIT_INTERNAL_ERROR;
	vcpu->run->internal.suberror = suberror;
	vcpu->run->internal.gpa = gpa;
	return 0;
}

/* A walker of the guest's own page tables, as its registers s set them. */
static void tv_gwalk_init(struct tv_gwalk *w, struct tv_vcpu *vcpu, const struct tv_sregs *s)
{
	*w = (struct tv_gwalk){
		.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
		.maxphyaddr = boot_cpu_data.x86_phys_bits,
		.read_gpa = tv_gwalk_read_gpa, .opaque = vcpu->vm,
	};
}

/*
 * Copy between buf and guest-virtual memory, page by page.  0 when done;
 * 1 when the guest's tables refused and a #PF or #GP went in instead (the
 * caller resumes the guest so it takes it); -EFAULT when the memory, or a
 * page table on the way to it, is not RAM.
 */
int tv_virt_copy(struct tv_vcpu *vcpu, struct tv_sregs *s, u64 gva,
		 void *buf, unsigned int len, unsigned int access)
{
	struct tv_gwalk w;

	tv_gwalk_init(&w, vcpu, s);
	while (len) {
		unsigned int n = tv_gwalk_page_remaining(gva, len);
		struct tv_gwalk_fault fault;
		u64 gpa;
		int r;

		r = tv_gwalk_translate(&w, gva, access, &gpa, &fault);
		if (r == -EFAULT) {
			s->cr2 = fault.addr;
			tv_ops->set_sregs(vcpu, s);
			tv_inject_exception(vcpu, X86_TRAP_PF, true, fault.error_code);
			return 1;
		}
		if (r == -EINVAL) {	/* non-canonical: #GP, not #PF */
			tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
			return 1;
		}
		if (r)			/* the guest's tables point at no RAM */
			return -EFAULT;
		if (access & TV_GWALK_WRITE)
			r = tv_write_guest(vcpu->vm, gpa, buf, n);
		else
			r = tv_read_guest(vcpu->vm, gpa, buf, n);
		if (r)
			return -EFAULT;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The register a string instruction walks: RDI for INS, RSI for OUTS. */
static u64 tv_addr_mask(u8 addr_size)
{
	return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/* After count items: move RSI/RDI, count RCX down, and step past the end. */
static void tv_string_advance(struct tv_vcpu *vcpu, u32 count)
{
	struct tv_exit_info *e = &vcpu->exit;
	u64 mask = tv_addr_mask(e->io.addr_size);
	int idx = e->io.in ? TV_RDI : TV_RSI;
	u64 delta = (u64)count * e->io.size;
	unsigned long *ptr = &vcpu->regs[idx];

	if (vcpu->rflags & X86_EFLAGS_DF)
		delta = -delta;
	*ptr = (*ptr & ~mask) | ((*ptr + delta) & mask);
	if (e->io.rep) {
		unsigned long *rcx = &vcpu->regs[TV_RCX];

		*rcx = (*rcx & ~mask) | ((*rcx - count) & mask);
		if (*rcx & mask)
			return;		/* the rest on the next entry */
	}
	vcpu->rip = e->next_rip ? e->next_rip : vcpu->rip + e->insn_len;
}

/*
 * The rights the string instruction's memory access has (gwalk.h): those
 * of its CPL, and at CPL 0-2 an explicit access that EFLAGS.AC lets past
 * SMAP.  Kept until the access is done: an INS writes at the next RUN.
 */
static unsigned int tv_string_access(struct tv_vcpu *vcpu)
{
	if (tv_ops->get_cpl(vcpu) == 3)
		return TV_GWALK_USER;
	return (vcpu->rflags & X86_EFLAGS_AC) ? TV_GWALK_AC : 0;
}

static int tv_handle_string_io(struct tv_vcpu *vcpu)
{
	struct tv_exit_info *e = &vcpu->exit;
	struct tv_run *run = vcpu->run;
	u64 mask = tv_addr_mask(e->io.addr_size);
	u64 count = e->io.rep ? vcpu->regs[TV_RCX] & mask : 1;
	void *data = (void *)run + TV_RUN_IO_OFFSET;
	struct tv_sregs s;
	u64 gva;
	int r;

	if (!count) {
		tv_string_advance(vcpu, 0);
		return 1;
	}
	tv_ops->get_sregs(vcpu, &s);
	/* Segment overrides are not decoded: OUTS uses DS, as by default. */
	gva = (e->io.in ? vcpu->regs[TV_RDI] : vcpu->regs[TV_RSI]) & mask;
	if (!tv_long_mode_cs(&s))
		gva += e->io.in ? s.es.base : s.ds.base;

	/* As many items as fit in the run page and in this guest page. */
	if (vcpu->rflags & X86_EFLAGS_DF)
		count = 1;
	count = min_t(u64, count, TV_RUN_IO_SIZE / e->io.size);
	count = min_t(u64, count,
		      max_t(u64, 1, (PAGE_SIZE - (gva & ~PAGE_MASK)) / e->io.size));

	run->exit_reason = TV_EXIT_IO;
	run->io.direction = e->io.in ? TV_IO_IN : TV_IO_OUT;
	run->io.size = e->io.size;
	run->io.port = e->io.port;
	run->io.count = count;
	run->io.data_offset = TV_RUN_IO_OFFSET;
	trace_tv_io(vcpu->id, e->io.port, e->io.size, count, e->io.in);

	if (e->io.in) {
		vcpu->ins.gva = gva;
		vcpu->ins.count = count;
		vcpu->ins.access = tv_string_access(vcpu) | TV_GWALK_WRITE;
		vcpu->pending = TV_PENDING_INS;
		return 0;
	}
	r = tv_virt_copy(vcpu, &s, gva, data, count * e->io.size,
			 tv_string_access(vcpu));
	if (r > 0)
		return 1;
	if (r)
		return tv_internal_error(vcpu, TV_INTERNAL_BAD_GUEST, 0);
	tv_string_advance(vcpu, count);
	return 0;
}

int tv_handle_io(struct tv_vcpu *vcpu)
{
	struct tv_exit_info *e = &vcpu->exit;
	struct tv_run *run = vcpu->run;

	if (e->io.string)
		return tv_handle_string_io(vcpu);
	/* A doorbell: the eventfd is signalled and the guest goes on. */
	if (!e->io.in && tv_ioeventfd_write(vcpu->vm, true, e->io.port, e->io.size,
					    vcpu->regs[TV_RAX] & tv_addr_mask(e->io.size))) {
		tv_stats_count(vcpu->stats, TV_STAT_DOORBELLS);
		vcpu->rip = e->next_rip ? e->next_rip : vcpu->rip + e->insn_len;
		return 1;
	}

	run->exit_reason = TV_EXIT_IO;
	run->io.direction = e->io.in ? TV_IO_IN : TV_IO_OUT;
	run->io.size = e->io.size;
	run->io.port = e->io.port;
	run->io.count = 1;
	run->io.data_offset = TV_RUN_IO_OFFSET;
	if (e->io.in)
		vcpu->pending = TV_PENDING_IO_IN;
	else
		memcpy((void *)run + TV_RUN_IO_OFFSET, &vcpu->regs[TV_RAX], e->io.size);
	vcpu->rip = e->next_rip ? e->next_rip : vcpu->rip + e->insn_len;
	trace_tv_io(vcpu->id, e->io.port, e->io.size, 1, e->io.in);
	return 0;
}

int tv_complete_io(struct tv_vcpu *vcpu, int pending)
{
	void *data = (void *)vcpu->run + TV_RUN_IO_OFFSET;
	unsigned long *rax = &vcpu->regs[TV_RAX];
	struct tv_sregs s;
	u64 val = 0;
	int r;

	if (pending == TV_PENDING_IO_IN) {
		memcpy(&val, data, vcpu->exit.io.size);
		/* A 32-bit write zero-extends; 8 and 16 keep the rest. */
		if (vcpu->exit.io.size == 4)
			*rax = val;
		else
			*rax = (*rax & ~((1UL << (vcpu->exit.io.size * 8)) - 1)) | val;
		return 1;
	}

	tv_ops->get_sregs(vcpu, &s);
	r = tv_virt_copy(vcpu, &s, vcpu->ins.gva, data,
			 vcpu->ins.count * vcpu->exit.io.size, vcpu->ins.access);
	if (r > 0)
		return 1;
	if (r) {
		tv_internal_error(vcpu, TV_INTERNAL_BAD_GUEST, 0);
		return 0;
	}
	tv_string_advance(vcpu, vcpu->ins.count);
	return 1;
}

/* CS:RIP as a linear address. */
static u64 tv_rip_linear(const struct tv_vcpu *vcpu, const struct tv_sregs *s)
{
	return tv_long_mode_cs(s) ? vcpu->rip : s->cs.base + (u32)vcpu->rip;
}

/* Is the instruction at CS:RIP a HLT?  False when it cannot be read. */
bool tv_insn_at_rip_is_hlt(struct tv_vcpu *vcpu)
{
	struct tv_gwalk_fault fault;
	struct tv_sregs s;
	struct tv_gwalk w;
	u64 rip, gpa;
	u8 op;

	tv_ops->get_sregs(vcpu, &s);
	tv_gwalk_init(&w, vcpu, &s);
	rip = tv_rip_linear(vcpu, &s);
	if (tv_gwalk_translate(&w, rip, TV_GWALK_FETCH, &gpa, &fault) ||
	    tv_read_guest(vcpu->vm, gpa, &op, 1))
		return false;
	return op == 0xf4;
}

/*
 * Fetch and decode the instruction at CS:RIP with decode (cr_write.c's,
 * decode.c's).  The bytes up to the end of RIP's page come first; the
 * next page is read (and may fault) only if the instruction reaches into
 * it.  0, 1 when a fault went into the guest, -EFAULT when the guest's
 * tables point at no RAM, or -EINVAL with *n bytes in code when decode
 * refused them.
 */
int tv_fetch_decode(struct tv_vcpu *vcpu, struct tv_sregs *s, tv_insn_decoder decode,
		    void *insn, u8 *code, unsigned int *n)
{
	u64 rip = tv_rip_linear(vcpu, s);
	unsigned int first = tv_gwalk_page_remaining(rip, TV_INSN_MAX_LEN);
	int mode = tv_long_mode_cs(s) ? 64 : (s->cs.attrib & TV_SEG_ATTR_DB) ? 32 : 16;
	int r;

	*n = 0;
	r = tv_virt_copy(vcpu, s, rip, code, first, TV_GWALK_FETCH);
	if (r)
		return r;
	*n = first;
	r = decode(code, first, mode, insn);
	if (r != -EAGAIN || first == TV_INSN_MAX_LEN)
		return r ? -EINVAL : 0;
	r = tv_virt_copy(vcpu, s, rip + first, code + first,
			 TV_INSN_MAX_LEN - first, TV_GWALK_FETCH);
	if (r)
		return r;
	*n = TV_INSN_MAX_LEN;
	return decode(code, *n, mode, insn) ? -EINVAL : 0;
}

static int tv_mmio_decoder(const u8 *code, unsigned int n, unsigned int mode_bits, void *insn)
{
	return tv_decode_mmio(code, n, mode_bits, insn);
}

/* The offload path's MMIO: a virtio window's interrupt registers, a doorbell. */
static bool tv_offload_mmio(struct tv_vcpu *vcpu, u64 gpa, bool write, u32 len, u64 *val)
{
	if (tv_irqfd_virtio_mmio(vcpu->vm, gpa, write, len, val))
		return true;
	if (!write || !tv_ioeventfd_write(vcpu->vm, false, gpa, len, *val))
		return false;
	tv_stats_count(vcpu->stats, TV_STAT_DOORBELLS);
	return true;
}

/*
 * The APIC's and the IOAPIC's pages, and the offload path's registers,
 * are handled here, without userspace.
 */
static bool tv_kernel_mmio_insn(struct tv_vcpu *vcpu, u64 gpa,
				struct tv_insn *insn)
{
	unsigned long *reg = &vcpu->regs[array_index_nospec(insn->reg, TV_NR_REGS)];
	u64 val = insn->is_write ? tv_insn_store_value(insn, *reg) : 0;

	if (!tv_lapic_mmio(vcpu, gpa, insn->is_write, insn->size, &val) &&
	    !tv_ioapic_mmio(vcpu->vm, gpa, insn->is_write, insn->size, &val) &&
	    !tv_offload_mmio(vcpu, gpa, insn->is_write, insn->size, &val))
		return false;
	if (!insn->is_write)
		*reg = tv_insn_load_result(insn, *reg, val);
	vcpu->rip += insn->len;
	return true;
}

int tv_handle_npf(struct tv_vcpu *vcpu)
{
	struct tv_run *run = vcpu->run;
	u64 gpa = vcpu->exit.npf.gpa;
	struct tv_slot *slot = tv_slot_find(vcpu->vm, gpa);
	struct tv_insn *insn = &vcpu->mmio_insn;
	struct tv_sregs s;
	unsigned int n = 0;
	u8 code[TV_INSN_MAX_LEN];
	int r;

	/* RAM is mapped before the guest runs: only MMIO and ROM writes fault. */
	if (slot && !(vcpu->exit.npf.write && (slot->flags & TV_MEM_READONLY)))
		return tv_internal_error(vcpu, TV_INTERNAL_BAD_GUEST, gpa);
	/*
	 * The CPU's own access, delivering an event (a gate, a TSS, a stack
	 * with no RAM behind it), not the instruction at RIP's: nothing to
	 * emulate.  RIP stays, the event stays queued (the vendor's exit path
	 * put it back) and goes in again at the next RUN.
	 */
	if (vcpu->exit.npf.in_delivery)
		return tv_internal_error(vcpu, TV_INTERNAL_DELIVERY, gpa);

	tv_ops->get_sregs(vcpu, &s);
	r = tv_fetch_decode(vcpu, &s, tv_mmio_decoder, insn, code, &n);
	if (r > 0)
		return 1;
	if (r == -EFAULT)
		return tv_internal_error(vcpu, TV_INTERNAL_BAD_GUEST, gpa);
	if (r) {
		tv_internal_error(vcpu, TV_INTERNAL_EMULATION, gpa);
		run->internal.ninsn = n;
		memcpy(run->internal.insn, code, n);
		return 0;
	}

	if (tv_kernel_mmio_insn(vcpu, gpa, insn))
		return 1;

	run->exit_reason = TV_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn->size;
	run->mmio.is_write = insn->is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (insn->is_write) {
		u32 r = array_index_nospec(insn->reg, TV_NR_REGS);
		u64 val = tv_insn_store_value(insn, vcpu->regs[r]);

		memcpy(run->mmio.data, &val, insn->size);
		trace_tv_mmio(vcpu->id, gpa, insn->size, true, val);
	} else {
		vcpu->pending = TV_PENDING_MMIO_READ;
	}
	vcpu->rip += insn->len;
	return 0;
}

int tv_complete_mmio(struct tv_vcpu *vcpu)
{
	struct tv_insn *insn = &vcpu->mmio_insn;
	unsigned long *reg = &vcpu->regs[array_index_nospec(insn->reg, TV_NR_REGS)];
	u64 val = 0;

	memcpy(&val, vcpu->run->mmio.data, insn->size);
	trace_tv_mmio(vcpu->id, vcpu->run->mmio.phys_addr, insn->size, false, val);
	*reg = tv_insn_load_result(insn, *reg, val);
	return 1;
}
