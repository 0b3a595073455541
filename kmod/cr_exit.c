// SPDX-License-Identifier: GPL-2.0
/*
 * The exit of an intercepted write of CR0 or CR4 (TV_X_CR_WRITE; only the
 * SVM backend intercepts them, svm.c says when and why).  The write is
 * emulated: the source from the decode assist where the CPU gave one,
 * else from the instruction fetched at RIP (cr_write.c) and, for LMSW
 * from memory, its operand read through the guest's tables; refused with #GP
 * as the CPU would, or by the backend (tv_ops->set_cr); else handed to
 * the backend, which stores it with what a native write changes with it
 * (EFER.LMA, the TLB).
 */
#include <linux/nospec.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "thinvisor.h"
#include "cr_write.h"
#include "decode.h"
#include "gwalk.h"
#include "sregs_check.h"
#include "vendor.h"

static int tv_cr_decoder(const u8 *code, unsigned int n, unsigned int mode_bits, void *insn)
{
	return tv_decode_cr_write(code, n, mode_bits, insn);
}

static int tv_cr_not_emulated(struct tv_vcpu *vcpu, const u8 *code, unsigned int n)
{
	struct tv_run *run = vcpu->run;

	tv_internal_error(vcpu, TV_INTERNAL_EMULATION, 0);
	run->internal.ninsn = n;
	memcpy(run->internal.insn, code, n);
	return 0;
}

/*
 * The instruction, by the decode assist or from guest memory: 0; 1 when a
 * fault went into the guest instead; -1 when RUN returns (run page filled).
 */
static int tv_cr_insn(struct tv_vcpu *vcpu, struct tv_sregs *s, struct tv_cr_insn *insn)
{
	const struct tv_exit_info *e = &vcpu->exit;
	u8 code[TV_INSN_MAX_LEN];
	unsigned int n = 0;
	int r;

	if (e->cr.gpr >= 0) {
		*insn = (struct tv_cr_insn){ .op = TV_CR_OP_MOV, .cr = e->cr.cr,
					     .gpr = e->cr.gpr };
		return 0;
	}
	r = tv_fetch_decode(vcpu, s, tv_cr_decoder, insn, code, &n);
	if (r > 0)		/* the fetch faulted: the guest takes it */
		return 1;
	if (r == -EFAULT) {
		tv_internal_error(vcpu, TV_INTERNAL_BAD_GUEST, 0);
		return -1;
	}
	/* Not a write of this register: another vCPU rewrote the bytes since. */
	if (r || (insn->op == TV_CR_OP_MOV ? insn->cr : 0) != e->cr.cr) {
		tv_cr_not_emulated(vcpu, code, n);
		return -1;
	}
	return 0;
}

/*
 * LMSW's 16-bit operand in memory: 0, 1 when the read faulted into the
 * guest, -1 when it stopped RUN.  The segment's limit is not checked.
 */
static int tv_cr_read_mem(struct tv_vcpu *vcpu, struct tv_sregs *s,
			  const struct tv_cr_insn *insn, bool long64, u64 *src)
{
	const struct tv_segment *segs[] = { &s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs };
	u8 seg = array_index_nospec(insn->mem.seg, ARRAY_SIZE(segs));
	u64 gva = tv_cr_mem_offset(&insn->mem, vcpu->regs, vcpu->rip + insn->len);
	unsigned int access = (vcpu->rflags & X86_EFLAGS_AC) ? TV_GWALK_AC : 0;
	u16 msw;
	int r;

	if (!long64)
		gva = (u32)(gva + segs[seg]->base);
	else if (seg == TV_SEG_FS || seg == TV_SEG_GS)
		gva += segs[seg]->base;
	r = tv_virt_copy(vcpu, s, gva, &msw, sizeof(msw), access);
	if (r > 0)
		return 1;
	if (r) {
		tv_internal_error(vcpu, TV_INTERNAL_BAD_GUEST, 0);
		return -1;
	}
	*src = msw;
	return 0;
}

int tv_handle_cr_write(struct tv_vcpu *vcpu)
{
	const struct tv_exit_info *e = &vcpu->exit;
	struct tv_cr_state st;
	struct tv_cr_insn insn;
	struct tv_sregs s;
	const char *why;
	u64 src = 0, val;
	bool long64;
	int r;

	/* Only a backend with set_cr makes these exits; never trust that. */
	if (WARN_ON_ONCE(!tv_ops->set_cr))
		return tv_internal_error(vcpu, TV_INTERNAL_HW, 0);
	tv_ops->get_sregs(vcpu, &s);
	r = tv_cr_insn(vcpu, &s, &insn);
	if (r)
		return r > 0 ? 1 : 0;
	st = (struct tv_cr_state){
		.cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4, .efer = s.efer,
		.cs_l = s.cs.attrib & TV_SEG_ATTR_L,
	};
	long64 = (s.efer & EFER_LMA) && st.cs_l;
	if (insn.op == TV_CR_OP_LMSW_MEM) {
		r = tv_cr_read_mem(vcpu, &s, &insn, long64, &src);
		if (r)
			return r > 0 ? 1 : 0;
	} else if (insn.op != TV_CR_OP_CLTS) {
		src = vcpu->regs[array_index_nospec(insn.gpr, TV_NR_REGS)];
		/* Outside 64-bit mode MOV to CR takes 32 bits, LMSW 16 always. */
		if (!long64)
			src = (u32)src;
		if (insn.op == TV_CR_OP_LMSW)
			src &= 0xffff;
	}
	if (insn.cr == 0) {
		val = tv_cr0_written(&insn, s.cr0, src);
		why = tv_cr0_write_refused(&st, val);
		val = tv_cr0_stored(val);
	} else {
		val = src;
		why = tv_cr4_write_refused(&st, val, tv_cr4_ok());
	}
	if (!why && tv_ops->set_cr(vcpu, insn.cr, val))
		why = "the backend's own rule";
	if (why) {
		pr_debug(TV_NAME ": vCPU %d: MOV to CR%u of 0x%llx: #GP, %s\n",
			 vcpu->id, insn.cr, val, why);
		tv_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu->rip = e->next_rip ? e->next_rip : vcpu->rip + insn.len;
	return 1;
}
