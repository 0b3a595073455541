/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * thinvisor: the userspace interface of /dev/thinvisor.
 *
 * Three kinds of file descriptor, each with its own ioctls:
 *   /dev/thinvisor  the system: API version, capabilities, CREATE_VM
 *   VM fd           memory slots, CPUID table, vCPU creation, options
 *   vCPU fd         RUN, register state; mmap() gives struct tv_run
 *
 * Every reserved field must be zero (nonzero gives -EINVAL) so that a later
 * version can give it a meaning.  Documentation/api.rst describes each ioctl.
 */
#ifndef _UAPI_LINUX_THINVISOR_H
#define _UAPI_LINUX_THINVISOR_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define TV_API_VERSION		1
#define TV_IOCTL_MAGIC		0xB8

/* Capabilities, for TV_CHECK_CAP: a value of 0 means "not there". */
#define TV_CAP_NR_SLOTS		1	/* memory slots per VM */
#define TV_CAP_NR_VCPUS		2	/* vCPUs per VM */
#define TV_CAP_RUN_SIZE		3	/* bytes to mmap() from a vCPU fd */
#define TV_CAP_VENDOR		4	/* TV_VENDOR_* */
#define TV_CAP_MAX_CPUID	5	/* entries in a TV_SET_CPUID table */
#define TV_CAP_MAX_MSRS		6	/* entries in one TV_GET/SET_MSRS */
#define TV_CAP_XSAVE_SIZE	7	/* bytes in struct tv_xsave */
#define TV_CAP_MSR_EXIT_USER	8	/* TV_ENABLE_CAP: MSR exits to userspace */
#define TV_CAP_READONLY_MEM	9	/* TV_MEM_READONLY slots */
#define TV_CAP_IOAPIC_PINS	10	/* pins of the in-kernel IOAPIC */
#define TV_CAP_IOEVENTFD	11	/* TV_IOEVENTFD: entries per VM */
#define TV_CAP_IRQFD		12	/* TV_IRQFD: entries per VM */

#define TV_VENDOR_AMD_SVM	1
#define TV_VENDOR_INTEL_VMX	2

/* ioctls on /dev/thinvisor */
#define TV_GET_API_VERSION	_IO(TV_IOCTL_MAGIC, 0x00)
#define TV_CHECK_CAP		_IO(TV_IOCTL_MAGIC, 0x01)
#define TV_CREATE_VM		_IO(TV_IOCTL_MAGIC, 0x02)
#define TV_GET_SUPPORTED_CPUID	_IOWR(TV_IOCTL_MAGIC, 0x03, struct tv_cpuid)

/* ioctls on a VM fd */
#define TV_SET_MEMORY_REGION	_IOW(TV_IOCTL_MAGIC, 0x10, struct tv_memory_region)
#define TV_CREATE_VCPU		_IO(TV_IOCTL_MAGIC, 0x11)
#define TV_SET_CPUID		_IOW(TV_IOCTL_MAGIC, 0x12, struct tv_cpuid)
#define TV_ENABLE_CAP		_IOW(TV_IOCTL_MAGIC, 0x13, struct tv_enable_cap)
#define TV_IRQ_LINE		_IOW(TV_IOCTL_MAGIC, 0x14, struct tv_irq_line)
#define TV_IOEVENTFD		_IOW(TV_IOCTL_MAGIC, 0x15, struct tv_ioeventfd)
#define TV_IRQFD		_IOW(TV_IOCTL_MAGIC, 0x16, struct tv_irqfd)
/* A read-only fd of the VM's statistics (struct tv_stats_header): pread. */
#define TV_GET_STATS_FD		_IO(TV_IOCTL_MAGIC, 0x1a)

/* ioctls on a vCPU fd */
#define TV_RUN			_IO(TV_IOCTL_MAGIC, 0x20)
#define TV_GET_REGS		_IOR(TV_IOCTL_MAGIC, 0x21, struct tv_regs)
#define TV_SET_REGS		_IOW(TV_IOCTL_MAGIC, 0x22, struct tv_regs)
#define TV_GET_SREGS		_IOR(TV_IOCTL_MAGIC, 0x23, struct tv_sregs)
#define TV_SET_SREGS		_IOW(TV_IOCTL_MAGIC, 0x24, struct tv_sregs)
#define TV_GET_MSRS		_IOWR(TV_IOCTL_MAGIC, 0x25, struct tv_msrs)
#define TV_SET_MSRS		_IOW(TV_IOCTL_MAGIC, 0x26, struct tv_msrs)
#define TV_GET_XSAVE		_IOR(TV_IOCTL_MAGIC, 0x27, struct tv_xsave)
#define TV_SET_XSAVE		_IOW(TV_IOCTL_MAGIC, 0x28, struct tv_xsave)
#define TV_GET_EVENTS		_IOR(TV_IOCTL_MAGIC, 0x29, struct tv_events)
#define TV_SET_EVENTS		_IOW(TV_IOCTL_MAGIC, 0x2a, struct tv_events)

/* TV_SET_MEMORY_REGION: size 0 deletes the slot. */
#define TV_MEM_READONLY		0x1U

struct tv_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 size;
	__u64 userspace_addr;
	__u64 reserved[4];
};

/*
 * TV_SET_CPUID: the table CPUID answers from, for every vCPU of the VM.
 * TV_GET_SUPPORTED_CPUID: the leaves and bits the module backs on this
 * host (Documentation/cpuid.rst), in: nent the room in entries[]; out:
 * nent the number of entries (also with -E2BIG, when there is too little room).
 */
#define TV_CPUID_FLAG_INDEXED	0x1U	/* match index (ECX) too */

struct tv_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 reserved[3];
};

struct tv_cpuid {
	__u32 nent;
	__u32 reserved;
	struct tv_cpuid_entry entries[];
};

/* TV_ENABLE_CAP */
struct tv_enable_cap {
	__u32 cap;
	__u32 flags;
	__u64 args[4];
	__u64 reserved[4];
};

/* TV_IRQ_LINE: drive one input pin of the VM's IOAPIC. */
struct tv_irq_line {
	__u32 gsi;		/* 0 .. TV_CAP_IOAPIC_PINS - 1 */
	__u32 level;		/* 0 or 1 */
	__u64 reserved[2];
};

/*
 * TV_IOEVENTFD: a guest write of len bytes at addr (MMIO, or a port with
 * TV_IOEVENTFD_FLAG_PIO) signals the eventfd fd and the guest goes on,
 * with no exit to userspace.  len 0 matches a write of any size at addr;
 * with TV_IOEVENTFD_FLAG_DATAMATCH only a write of the value datamatch
 * matches (a write of another value exits to userspace as before).
 * TV_IOEVENTFD_FLAG_DEASSIGN removes the entry with the same fd, addr,
 * len, space and datamatch.
 */
#define TV_IOEVENTFD_FLAG_DATAMATCH	0x1U
#define TV_IOEVENTFD_FLAG_PIO		0x2U
#define TV_IOEVENTFD_FLAG_DEASSIGN	0x4U

struct tv_ioeventfd {
	__u64 datamatch;
	__u64 addr;
	__u32 len;		/* 0, 1, 2, 4 or 8 */
	__s32 fd;
	__u32 flags;
	__u32 reserved[5];
};

/*
 * TV_IRQFD: a signal of the eventfd fd interrupts the guest on IOAPIC pin
 * gsi (a pulse: the line goes up and down).  With
 * TV_IRQFD_FLAG_VIRTIO_MMIO the pin is the interrupt of the virtio-mmio
 * device whose register window starts at virtio_base: a signal sets the
 * bits virtio_status (VIRTIO_MMIO_INT_VRING 1, _CONFIG 2) in the device's
 * InterruptStatus, which the module then serves (the guest's reads of
 * offset 0x60 and writes of InterruptACK at 0x64 stay in the module), and
 * the line stays up while any bit is set.  TV_IRQFD_FLAG_DEASSIGN
 * removes the entry of fd on gsi.
 */
#define TV_IRQFD_FLAG_DEASSIGN		0x1U
#define TV_IRQFD_FLAG_VIRTIO_MMIO	0x2U

struct tv_irqfd {
	__s32 fd;
	__u32 gsi;		/* 0 .. TV_CAP_IOAPIC_PINS - 1 */
	__u32 flags;
	__u32 virtio_status;	/* TV_IRQFD_FLAG_VIRTIO_MMIO: 1, 2 or 3 */
	__u64 virtio_base;	/* TV_IRQFD_FLAG_VIRTIO_MMIO: 4 KiB aligned */
	__u64 reserved[2];
};

struct tv_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
	__u64 reserved[6];
};

struct tv_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	/* The access rights in the VMX layout (type, s, dpl, p, avl, l, db, g). */
	__u16 attrib;
};

#define TV_SEG_ATTR_TYPE(t)	((t) & 0xf)
#define TV_SEG_ATTR_S		0x10U
#define TV_SEG_ATTR_DPL(d)	(((d) & 3) << 5)
#define TV_SEG_ATTR_P		0x80U
#define TV_SEG_ATTR_AVL		0x1000U
#define TV_SEG_ATTR_L		0x2000U
#define TV_SEG_ATTR_DB		0x4000U
#define TV_SEG_ATTR_G		0x8000U

struct tv_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct tv_sregs {
	struct tv_segment cs, ds, es, fs, gs, ss;
	struct tv_segment tr, ldt;
	struct tv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 reserved[8];
};

struct tv_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/*
 * TV_GET_MSRS / TV_SET_MSRS: the return value is the number of entries
 * processed; it stops at the first MSR the module does not know.
 */
struct tv_msrs {
	__u32 nmsrs;
	__u32 reserved;
	struct tv_msr_entry entries[];
};

/* The standard (uncompacted) XSAVE layout, as XSAVE writes it. */
struct tv_xsave {
	__u32 region[1024];
};

/* TV_GET_EVENTS / TV_SET_EVENTS: what is pending or in flight. */
#define TV_EVENT_VALID		0x1U
#define TV_EVENT_HAS_ERROR	0x2U

struct tv_event {
	__u8 vector;
	__u8 pad[3];
	__u32 flags;		/* TV_EVENT_* */
	__u32 error_code;
	__u32 reserved;
};

struct tv_events {
	struct tv_event exception;
	struct tv_event interrupt;
	__u8 nmi_pending;
	__u8 interrupt_shadow;	/* after MOV SS or STI */
	__u8 wait_for_sipi;	/* after INIT: RUN sleeps until a SIPI */
	__u8 pad[5];
	__u64 reserved[6];
};

/* struct tv_run: exit reasons */
#define TV_EXIT_NONE		0
#define TV_EXIT_IO		1
#define TV_EXIT_MMIO		2
#define TV_EXIT_HYPERCALL	3
#define TV_EXIT_SHUTDOWN	4	/* triple fault: the state is kept */
#define TV_EXIT_FAIL_ENTRY	5	/* the CPU refused the guest state */
#define TV_EXIT_MSR		6	/* only after TV_CAP_MSR_EXIT_USER */
#define TV_EXIT_INTR		7	/* a signal or immediate_exit */
#define TV_EXIT_INTERNAL_ERROR	8	/* the module could not go on */

#define TV_IO_IN		0
#define TV_IO_OUT		1

/* internal.suberror */
#define TV_INTERNAL_EMULATION	1	/* an instruction not decoded or emulated */
#define TV_INTERNAL_BAD_GUEST	2	/* guest memory unreadable */
#define TV_INTERNAL_HW		3	/* the CPU refused the module (VMWRITE) */
#define TV_INTERNAL_DELIVERY	4	/* delivering an event touched gpa, no RAM */

/*
 * The page shared by a vCPU fd (mmap offset 0, TV_CAP_RUN_SIZE bytes).
 * The module fills it on every return from TV_RUN; userspace answers
 * an exit by writing into it (the data of an IN, of an MMIO read, the
 * result of a hypercall or an MSR read) before the next TV_RUN.
 */
struct tv_run {
	/* in */
	__u8 immediate_exit;
	__u8 pad0[7];
	/* out */
	__u32 exit_reason;
	__u32 pad1;
	__u64 reserved[6];
	union {
		/* TV_EXIT_IO: count items of size bytes at data_offset */
		struct {
			__u8 direction;
			__u8 size;
			__u16 port;
			__u32 count;
			__u64 data_offset;	/* from the start of tv_run */
		} io;
		/* TV_EXIT_MMIO */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		/* TV_EXIT_HYPERCALL: nr in RAX, args in RBX RCX RDX RSI */
		struct {
			__u64 nr;
			__u64 args[4];
			__u64 ret;		/* in: goes to RAX */
		} hypercall;
		/* TV_EXIT_MSR */
		struct {
			__u32 index;
			__u8 is_write;
			__u8 error;		/* in: nonzero injects #GP */
			__u8 pad[2];
			__u64 data;		/* out for WRMSR, in for RDMSR */
		} msr;
		/* TV_EXIT_FAIL_ENTRY */
		struct {
			__u64 hardware_reason;
			__u32 cpu;
			__u32 pad;
		} fail_entry;
		/* TV_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;
			__u32 ninsn;
			__u64 gpa;
			__u8 insn[16];
		} internal;
		__u8 exit_pad[256];
	};
};

/*
 * The statistics file: from TV_GET_STATS_FD on a VM fd, or (root) from
 * /sys/kernel/debug/thinvisor/vm/PID-N/stats, the same bytes.  Read it
 * with pread() (or read()):
 *
 *   offset 0            struct tv_stats_header
 *   desc_offset         num_desc struct tv_stats_desc, desc_size apart
 *   data_offset         data_size bytes of __u64 values
 *
 * Each read sums every vCPU of the VM at that moment.  Within one module
 * version the descriptors never change; a reader finds what it wants by
 * name, never by position.  A new version may add descriptors (at the
 * end) and grow the header and the descriptor (header_size, desc_size);
 * a change of meaning takes a new magic.  Documentation/api.rst.
 */
#define TV_STATS_MAGIC		0x54535654U	/* "TVST" */
#define TV_STATS_VERSION	1

struct tv_stats_header {
	__u32 magic;
	__u32 version;
	__u32 header_size;	/* this struct's size */
	__u32 num_desc;
	__u32 desc_offset;
	__u32 desc_size;	/* one struct tv_stats_desc */
	__u32 data_offset;
	__u32 data_size;
	__u64 tsc_khz;		/* TV_STATS_UNIT_CYCLES per millisecond */
	__u32 nr_vcpus;		/* summed in this read */
	__u32 flags;		/* TV_STATS_F_* */
	__u64 reserved[4];
};

/* The module is counting now (debugfs thinvisor/stats is 1). */
#define TV_STATS_F_COUNTING	0x1U

/* A counter: one __u64. */
#define TV_STATS_TYPE_COUNTER	1
/*
 * A log2 histogram: size __u64 buckets.  Bucket 0 counts the value 0,
 * bucket i (1 <= i < size - 1) the values in [2^(i-1), 2^i), the last
 * bucket every value from 2^(size-2) up.
 */
#define TV_STATS_TYPE_LOG2_HIST	2

#define TV_STATS_UNIT_NONE	0	/* a count of events */
#define TV_STATS_UNIT_CYCLES	1	/* TSC cycles: ns = cycles * 10^6 / tsc_khz */

#define TV_STATS_NAME_SIZE	48

struct tv_stats_desc {
	__u32 type;		/* TV_STATS_TYPE_* */
	__u32 unit;		/* TV_STATS_UNIT_* */
	__u32 offset;		/* bytes from data_offset */
	__u32 size;		/* how many __u64 */
	char name[TV_STATS_NAME_SIZE];	/* NUL-terminated */
};

#endif /* _UAPI_LINUX_THINVISOR_H */
