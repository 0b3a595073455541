// SPDX-License-Identifier: GPL-2.0
/* The exit half of the lazy debug-register switch (debugreg.h). */
#include <linux/mm.h>

#include "debugreg.h"

void tv_dr_exit_slow(struct tv_debugregs *dr, bool dr6_dirty)
{
	if (dr->native) {
		get_debugreg(dr->db[0], 0);
		get_debugreg(dr->db[1], 1);
		get_debugreg(dr->db[2], 2);
		get_debugreg(dr->db[3], 3);
		dr->native = false;
		dr6_dirty = true;
	}
	dr->load = dr->dr7 & TV_DR7_BP_ENABLED;
	/*
	 * The host's own, where it has breakpoints armed (VM exit left DR7
	 * at 0x400 on VMX, and DR0-3 may hold the guest's).  Without, DR0-3
	 * may keep guest values (nothing is armed; the next guest loads its
	 * own before it can read them), but DR6 is what the host's #DB
	 * handler reads: it gets its reset value back.
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	else if (dr6_dirty)
		set_debugreg(DR6_RESERVED, 6);
}
