/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's debug registers, switched lazily as KVM does.  DR0-3 are in
 * neither the VMCB nor the VMCS, and VMX has no DR6 field either, so a
 * guest that wrote them natively would leave its values in the host CPU
 * (host breakpoints firing at guest-chosen addresses, DR6 bits seen by the
 * host's #DB handler and by the next guest) and read the host's.
 *
 * MOV DR exits at first.  The first such exit turns the intercept off and
 * marks the vCPU "native": the guest's DR0-3 (and DR6 on VMX) go into the
 * CPU before the next entry, and the MOV runs again, natively.  At the
 * next exit the module takes them back, intercepts MOV DR again, and puts
 * the host's breakpoints back.  A guest with a breakpoint enabled in its
 * DR7 gets DR0-3 loaded at every entry; any other guest costs the entry
 * path one test.
 */
#ifndef THINVISOR_DEBUGREG_H
#define THINVISOR_DEBUGREG_H

#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/debugreg.h>

/* DR7's L0-3 and G0-3: a breakpoint is armed. */
#define TV_DR7_BP_ENABLED	0xffUL
#define TV_DR7_RESET		0x400UL

struct tv_debugregs {
	unsigned long db[4];
	unsigned long dr6;	/* VMX only: SVM keeps DR6 in the VMCB */
	unsigned long dr7;	/* as of the last exit that could change it */
	bool native;		/* MOV DR runs without an exit this stay */
	bool load;		/* DR0-3 go into the CPU at entry */
};

static inline void tv_dr_reset(struct tv_debugregs *dr)
{
	memset(dr, 0, sizeof(*dr));
	dr->dr6 = DR6_RESERVED;
	dr->dr7 = TV_DR7_RESET;
}

/*
 * Just before the entry, interrupts off: the guest's DR0-3 where it uses
 * them, with the host's DR7 off first so that no host breakpoint fires
 * at a guest address in between.  DR6 too where the vendor has no field
 * for it and the guest reads it natively.
 */
static __always_inline void tv_dr_enter(struct tv_debugregs *dr, bool load_dr6)
{
	if (likely(!dr->load))
		return;
	set_debugreg(0, 7);
	set_debugreg(dr->db[0], 0);
	set_debugreg(dr->db[1], 1);
	set_debugreg(dr->db[2], 2);
	set_debugreg(dr->db[3], 3);
	if (load_dr6 && dr->native)
		set_debugreg(dr->dr6, 6);
}

void tv_dr_exit_slow(struct tv_debugregs *dr, bool dr6_dirty);

/*
 * Right after the exit, interrupts off, once the vendor took the guest's
 * DR6/DR7 back (native) into dr: DR0-3 back, MOV DR intercepted again
 * (the vendor's part), the host's breakpoints and DR6 back.  dr6_dirty:
 * the CPU's DR6 may hold a guest value.
 */
static __always_inline void tv_dr_exit(struct tv_debugregs *dr, bool dr6_dirty)
{
	if (unlikely(dr->load || dr6_dirty || hw_breakpoint_active()))
		tv_dr_exit_slow(dr, dr6_dirty);
}

/* The MOV DR exit: no emulation, the instruction runs again natively. */
static inline void tv_dr_go_native(struct tv_debugregs *dr)
{
	dr->native = true;
	dr->load = true;
}

#endif
