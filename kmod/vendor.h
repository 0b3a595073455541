/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table each vendor backend (svm/, vmx/) fills.  Shared code calls a
 * vendor only through tv_ops, and never sees a VMCB or a VMCS.
 */
#ifndef THINVISOR_VENDOR_H
#define THINVISOR_VENDOR_H

#include <linux/types.h>

struct tv_vendor_ops {
	const char *name;		/* "svm" or "vmx" */
	u32 uapi_vendor;		/* TV_VENDOR_* */

	/*
	 * Per host CPU, with interrupts off: is SVM/VMX already on (held by
	 * another hypervisor); take it; give it back.
	 */
	bool (*cpu_in_use)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	/* sysfs "features": one line of the features found at load. */
	int (*show_features)(char *buf);

	void (*exit)(void);
};

extern const struct tv_vendor_ops *tv_ops;

int tv_svm_init(const struct tv_vendor_ops **ops);
int tv_vmx_init(const struct tv_vendor_ops **ops);

#endif
