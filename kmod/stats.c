// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics file of a VM (uapi: struct tv_stats_header): its fd from
 * TV_GET_STATS_FD, and the same file in debugfs for every VM on the host,
 * /sys/kernel/debug/thinvisor/vm/PID-N/stats, which is how thinstat finds
 * them (as kvm_stat reads /sys/kernel/debug/kvm).  The switch that turns
 * counting off and on is debugfs thinvisor/stats.
 *
 * A read builds the whole file: the header, the descriptors (fixed at
 * load), and the values summed over the VM's vCPUs, then copies the part
 * asked for.  The vCPUs write their own counters without locks; a reader
 * takes each aligned u64 whole (READ_ONCE), so a sum may miss the
 * increments made during the read, never see a torn value.
 */
#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include "thinvisor.h"
#include "stats.h"

DEFINE_STATIC_KEY_TRUE(tv_stats_on);
u32 tv_stats_gen __read_mostly;
static DEFINE_MUTEX(tv_stats_switch_lock);
static struct dentry *tv_stats_vm_dir;
static atomic_t tv_stats_vm_seq;

/* Names of enum tv_exit_kind, as the tv_exit tracepoint prints them. */
static const char *const tv_stats_kind_names[TV_X_NR] = {
	[TV_X_NONE] = "none", [TV_X_EXTINT] = "extint", [TV_X_NMI] = "nmi",
	[TV_X_CPUID] = "cpuid", [TV_X_HLT] = "hlt", [TV_X_IO] = "io",
	[TV_X_NPF] = "npf", [TV_X_RDMSR] = "rdmsr", [TV_X_WRMSR] = "wrmsr",
	[TV_X_HYPERCALL] = "hypercall", [TV_X_SHUTDOWN] = "shutdown",
	[TV_X_FAIL_ENTRY] = "fail_entry", [TV_X_XSETBV] = "xsetbv",
	[TV_X_RDTSCP] = "rdtscp", [TV_X_UD] = "ud", [TV_X_HW_ERROR] = "hw_error",
	[TV_X_EXCEPTION] = "exception", [TV_X_RDPMC] = "rdpmc",
	[TV_X_WBINVD] = "wbinvd", [TV_X_WINDOW_IN_SHADOW] = "window_in_shadow",
	[TV_X_CR_WRITE] = "cr_write",
	[TV_X_UNKNOWN] = "unknown",
};

/* struct tv_run's exit_reason (TV_EXIT_*); "other" for any later one. */
static const char *const tv_stats_user_names[TV_STATS_NR_USER] = {
	[TV_EXIT_NONE] = "none", [TV_EXIT_IO] = "io", [TV_EXIT_MMIO] = "mmio",
	[TV_EXIT_HYPERCALL] = "hypercall", [TV_EXIT_SHUTDOWN] = "shutdown",
	[TV_EXIT_FAIL_ENTRY] = "fail_entry", [TV_EXIT_MSR] = "msr",
	[TV_EXIT_INTR] = "intr", [TV_EXIT_INTERNAL_ERROR] = "internal_error",
	[TV_STATS_NR_USER - 1] = "other",
};

/* The exits, the returns, the events (doorbells to l1d_flushes), the histograms. */
#define TV_STATS_NR_EVENTS	(TV_STAT_HIST - TV_STAT_DOORBELLS)
#define TV_STATS_NR_DESC	(TV_X_NR + TV_STATS_NR_USER + TV_STATS_NR_EVENTS + TV_STATS_NR_HIST)
static struct tv_stats_desc tv_stats_descs[TV_STATS_NR_DESC];

#define TV_STATS_DESC_OFFSET	sizeof(struct tv_stats_header)
#define TV_STATS_DATA_OFFSET	(TV_STATS_DESC_OFFSET + sizeof(tv_stats_descs))
#define TV_STATS_DATA_SIZE	(TV_STAT_NR_VALUES * sizeof(u64))
#define TV_STATS_FILE_SIZE	(TV_STATS_DATA_OFFSET + TV_STATS_DATA_SIZE)

static void tv_stats_desc(int *i, u32 type, u32 unit, int value, u32 size,
			  const char *prefix, const char *name)
{
	struct tv_stats_desc *d = &tv_stats_descs[(*i)++];

	d->type = type;
	d->unit = unit;
	d->offset = value * sizeof(u64);
	d->size = size;
	snprintf(d->name, sizeof(d->name), "%s%s", prefix, name);
}

/* The descriptors, in the order of the values (stats.h). */
static void tv_stats_build_descs(void)
{
	int i = 0, k;

	for (k = 0; k < TV_X_NR; k++)
		tv_stats_desc(&i, TV_STATS_TYPE_COUNTER, TV_STATS_UNIT_NONE,
			      TV_STAT_EXITS + k, 1, "exits.", tv_stats_kind_names[k]);
	for (k = 0; k < TV_STATS_NR_USER; k++)
		tv_stats_desc(&i, TV_STATS_TYPE_COUNTER, TV_STATS_UNIT_NONE,
			      TV_STAT_USER + k, 1, "user_exits.", tv_stats_user_names[k]);
	tv_stats_desc(&i, TV_STATS_TYPE_COUNTER, TV_STATS_UNIT_NONE,
		      TV_STAT_DOORBELLS, 1, "", "doorbells");
	tv_stats_desc(&i, TV_STATS_TYPE_COUNTER, TV_STATS_UNIT_NONE,
		      TV_STAT_IRQS_INJECTED, 1, "", "irqs_injected");
	tv_stats_desc(&i, TV_STATS_TYPE_COUNTER, TV_STATS_UNIT_NONE,
		      TV_STAT_HALT_WAKEUPS, 1, "", "halt_wakeups");
	tv_stats_desc(&i, TV_STATS_TYPE_COUNTER, TV_STATS_UNIT_NONE,
		      TV_STAT_L1D_FLUSHES, 1, "", "l1d_flushes");
	for (k = 0; k < TV_STATS_NR_HIST; k++)
		tv_stats_desc(&i, TV_STATS_TYPE_LOG2_HIST, TV_STATS_UNIT_CYCLES,
			      TV_STAT_HIST + k * TV_STATS_BUCKETS, TV_STATS_BUCKETS,
			      k < TV_X_NR ? "exit_cycles." : "user_cycles.",
			      k < TV_X_NR ? tv_stats_kind_names[k] :
					    tv_stats_user_names[k - TV_X_NR]);
}

void tv_stats_leave(struct tv_vcpu_stats *s, u32 exit_reason)
{
	if (!static_branch_likely(&tv_stats_on) || !s->pending ||
	    s->pending > TV_X_NR)
		return;		/* no exit since the last return */
	if (s->gen != READ_ONCE(tv_stats_gen)) {
		s->pending = 0;	/* taken before counting went off */
		return;
	}
	tv_stats_record(s, rdtsc());
	if (exit_reason >= TV_STATS_NR_USER)
		exit_reason = TV_STATS_NR_USER - 1;
	s->v[TV_STAT_USER + exit_reason]++;
	s->pending = 1 + TV_X_NR + exit_reason;	/* the clock runs on */
}

int tv_stats_vcpu_init(struct tv_vcpu *vcpu)
{
	vcpu->stats = kvzalloc(sizeof(*vcpu->stats), GFP_KERNEL_ACCOUNT);
	return vcpu->stats ? 0 : -ENOMEM;
}

void tv_stats_vcpu_free(struct tv_vcpu *vcpu)
{
	kvfree(vcpu->stats);
}

/* The whole file as of now, in buf (TV_STATS_FILE_SIZE bytes). */
static void tv_stats_snapshot(struct tv_vm *vm, void *buf)
{
	struct tv_stats_header *h = buf;
	u64 *data = buf + TV_STATS_DATA_OFFSET;
	u32 nr = 0;
	int i, j;

	for (i = 0; i < TV_MAX_VCPUS; i++) {
		struct tv_vcpu *vcpu = tv_vm_vcpu(vm, i);

		if (!vcpu)
			continue;
		nr++;
		for (j = 0; j < TV_STAT_NR_VALUES; j++)
			data[j] += READ_ONCE(vcpu->stats->v[j]);
	}
	h->magic = TV_STATS_MAGIC;
	h->version = TV_STATS_VERSION;
	h->header_size = sizeof(*h);
	h->num_desc = TV_STATS_NR_DESC;
	h->desc_offset = TV_STATS_DESC_OFFSET;
	h->desc_size = sizeof(struct tv_stats_desc);
	h->data_offset = TV_STATS_DATA_OFFSET;
	h->data_size = TV_STATS_DATA_SIZE;
	h->tsc_khz = tsc_khz;
	h->nr_vcpus = nr;
	h->flags = static_key_enabled(&tv_stats_on) ? TV_STATS_F_COUNTING : 0;
	memcpy(buf + TV_STATS_DESC_OFFSET, tv_stats_descs, sizeof(tv_stats_descs));
}

/* An offset past the end is EINVAL; at the end, 0 (end of file). */
static ssize_t tv_stats_read_vm(struct tv_vm *vm, char __user *ubuf,
				size_t len, loff_t *pos)
{
	ssize_t r;
	void *buf;

	if (*pos < 0 || *pos > TV_STATS_FILE_SIZE)
		return -EINVAL;
	len = min_t(size_t, len, TV_STATS_FILE_SIZE - *pos);
	if (!len)
		return 0;
	buf = kvzalloc(TV_STATS_FILE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	tv_stats_snapshot(vm, buf);
	if (copy_to_user(ubuf, buf + *pos, len)) {
		r = -EFAULT;
	} else {
		*pos += len;
		r = len;
	}
	kvfree(buf);
	return r;
}

static ssize_t tv_stats_fd_read(struct file *f, char __user *ubuf,
				size_t len, loff_t *pos)
{
	return tv_stats_read_vm(f->private_data, ubuf, len, pos);
}

/* The fd holds the VM, as each vCPU fd does. */
static int tv_stats_fd_release(struct inode *inode, struct file *f)
{
	tv_vm_put(f->private_data);
	return 0;
}

static const struct file_operations tv_stats_fd_fops = {
	.owner = THIS_MODULE,
	.read = tv_stats_fd_read,
	.release = tv_stats_fd_release,
	.llseek = default_llseek,
};

int tv_stats_get_fd(struct tv_vm *vm, unsigned long arg)
{
	struct file *file;
	int fd;

	if (arg)
		return -EINVAL;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	refcount_inc(&vm->users);
	file = anon_inode_getfile("thinvisor-stats", &tv_stats_fd_fops, vm, O_RDONLY);
	if (IS_ERR(file)) {
		refcount_dec(&vm->users);	/* the caller holds the VM fd */
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	/* An anonymous inode is not a regular file: pread must be allowed. */
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
}

/*
 * The debugfs file: debugfs makes a read that races with the VM's
 * destruction either finish before tv_stats_vm_destroy() removes the file,
 * which waits for it, or fail with EIO.
 */
static ssize_t tv_stats_debugfs_read(struct file *f, char __user *ubuf,
				     size_t len, loff_t *pos)
{
	return tv_stats_read_vm(file_inode(f)->i_private, ubuf, len, pos);
}

static const struct file_operations tv_stats_debugfs_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = tv_stats_debugfs_read,
	.llseek = default_llseek,
};

/* vm/PID-N: N counts VMs since load, so a name is never used twice. */
void tv_stats_vm_init(struct tv_vm *vm)
{
	char name[32];

	if (IS_ERR_OR_NULL(tv_stats_vm_dir))
		return;
	snprintf(name, sizeof(name), "%d-%d", task_tgid_nr(current),
		 atomic_inc_return(&tv_stats_vm_seq));
	vm->debugfs = debugfs_create_dir(name, tv_stats_vm_dir);
	debugfs_create_file("stats", 0400, vm->debugfs, vm, &tv_stats_debugfs_fops);
}

void tv_stats_vm_destroy(struct tv_vm *vm)
{
	debugfs_remove_recursive(vm->debugfs);
}

static ssize_t tv_stats_switch_read(struct file *f, char __user *buf,
				    size_t len, loff_t *pos)
{
	char s[2] = { static_key_enabled(&tv_stats_on) ? '1' : '0', '\n' };

	return simple_read_from_buffer(buf, len, pos, s, sizeof(s));
}

static ssize_t tv_stats_switch_write(struct file *f, const char __user *buf,
				     size_t len, loff_t *pos)
{
	bool on;
	int r = kstrtobool_from_user(buf, len, &on);

	if (r)
		return r;
	mutex_lock(&tv_stats_switch_lock);
	if (on && !static_key_enabled(&tv_stats_on)) {
		/* Exits timed before the switch went off are not closed. */
		WRITE_ONCE(tv_stats_gen, tv_stats_gen + 1);
		static_branch_enable(&tv_stats_on);
	} else if (!on) {
		static_branch_disable(&tv_stats_on);
	}
	mutex_unlock(&tv_stats_switch_lock);
	return len;
}

static const struct file_operations tv_stats_switch_fops = {
	.owner = THIS_MODULE,
	.read = tv_stats_switch_read,
	.write = tv_stats_switch_write,
	.llseek = default_llseek,
};

void tv_stats_debugfs_init(struct dentry *dir)
{
	tv_stats_build_descs();
	debugfs_create_file("stats", 0600, dir, NULL, &tv_stats_switch_fops);
	tv_stats_vm_dir = debugfs_create_dir("vm", dir);
}
