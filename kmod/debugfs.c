// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/thinvisor: knobs for measuring the module.
 *
 * cpuid_floor: while 1, a CPUID exit does nothing but step over the
 * instruction, so that a CPUID loop measures the bare cost of an exit and
 * a resume (the "floor" of make bench).  A static key: off, it costs the
 * exit path nothing.
 *
 * cpuid_floor_hw: while 1, the SVM backend sends a CPUID exit straight back
 * into the guest from its world switch (svm_run()), without the RUN loop:
 * the hardware's (or the emulator's) own floor.  Not on VMX yet.
 *
 * objects: VMs and vCPUs alive now, in all processes: a leak shows here.
 *
 * mmu_leaves: how many NPT/EPT leaves of each size map guest memory now,
 * in all VMs: shows whether huge host pages became huge guest mappings.
 *
 * stats and vm/PID-N/stats: the exit statistics' switch and each VM's
 * statistics file (stats.c).
 */
#include <linux/debugfs.h>
#include <linux/jump_label.h>
#include <linux/kstrtox.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "thinvisor.h"

DEFINE_STATIC_KEY_FALSE(tv_cpuid_floor);
DEFINE_STATIC_KEY_FALSE(tv_cpuid_floor_hw);
atomic_t tv_nr_vms, tv_nr_vcpus;
static struct dentry *tv_debugfs_dir;

static ssize_t tv_floor_read(struct file *f, char __user *buf, size_t len,
			     loff_t *pos)
{
	struct static_key_false *key = file_inode(f)->i_private;
	char s[2] = { static_key_enabled(key) ? '1' : '0', '\n' };

	return simple_read_from_buffer(buf, len, pos, s, sizeof(s));
}

static ssize_t tv_floor_write(struct file *f, const char __user *buf,
			      size_t len, loff_t *pos)
{
	struct static_key_false *key = file_inode(f)->i_private;
	bool on;
	int r = kstrtobool_from_user(buf, len, &on);

	if (r)
		return r;
	if (on)
		static_branch_enable(key);
	else
		static_branch_disable(key);
	return len;
}

static const struct file_operations tv_floor_fops = {
	.owner = THIS_MODULE,
	.read = tv_floor_read,
	.write = tv_floor_write,
	.llseek = default_llseek,
};

static int tv_leaves_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "4k %ld\n2m %ld\n1g %ld\n",
		   atomic_long_read(&tv_mmu_leaves[0]),
		   atomic_long_read(&tv_mmu_leaves[1]),
		   atomic_long_read(&tv_mmu_leaves[2]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tv_leaves);

static int tv_objects_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "vms %d\nvcpus %d\n", atomic_read(&tv_nr_vms),
		   atomic_read(&tv_nr_vcpus));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tv_objects);

void tv_debugfs_init(void)
{
	tv_debugfs_dir = debugfs_create_dir(TV_NAME, NULL);
	debugfs_create_file("cpuid_floor", 0600, tv_debugfs_dir, &tv_cpuid_floor,
			    &tv_floor_fops);
	debugfs_create_file("cpuid_floor_hw", 0600, tv_debugfs_dir, &tv_cpuid_floor_hw,
			    &tv_floor_fops);
	debugfs_create_file("mmu_leaves", 0400, tv_debugfs_dir, NULL,
			    &tv_leaves_fops);
	debugfs_create_file("objects", 0400, tv_debugfs_dir, NULL,
			    &tv_objects_fops);
	tv_stats_debugfs_init(tv_debugfs_dir);
}

void tv_debugfs_exit(void)
{
	debugfs_remove_recursive(tv_debugfs_dir);
	static_branch_disable(&tv_cpuid_floor);
	static_branch_disable(&tv_cpuid_floor_hw);
}
