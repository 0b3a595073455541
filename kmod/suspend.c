// SPDX-License-Identifier: GPL-2.0
/*
 * Suspend and resume with VMs alive (tv_hw_suspend() says why), through
 * the syscore hooks, which run last before the CPU sleeps and first when
 * it wakes, as KVM's kvm_suspend()/kvm_resume().  Their registration
 * changed shape without a version to tell (Kbuild looks at the header).
 */
#include <linux/syscore_ops.h>

#include "thinvisor.h"

#ifdef TV_HAVE_STRUCT_SYSCORE
static int tv_syscore_suspend(void *data)
{
	return tv_hw_suspend();
}

static void tv_syscore_resume(void *data)
{
	tv_hw_resume();
}

static const struct syscore_ops tv_syscore_ops = {
	.suspend = tv_syscore_suspend,
	.resume = tv_syscore_resume,
};

static struct syscore tv_syscore = {
	.ops = &tv_syscore_ops,
};

void tv_suspend_init(void)
{
	register_syscore(&tv_syscore);
}

void tv_suspend_exit(void)
{
	unregister_syscore(&tv_syscore);
}
#else
static struct syscore_ops tv_syscore_ops = {
	.suspend = tv_hw_suspend,
	.resume = tv_hw_resume,
};

void tv_suspend_init(void)
{
	register_syscore_ops(&tv_syscore_ops);
}

void tv_suspend_exit(void)
{
	unregister_syscore_ops(&tv_syscore_ops);
}
#endif
