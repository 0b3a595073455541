/* SPDX-License-Identifier: GPL-2.0 */
/* thinrun: what main.c, run.c and linux.c share. */
#ifndef THINRUN_H
#define THINRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

/* thinrun's exit statuses (Documentation/launcher.rst). */
enum {
	EXIT_POWEROFF = 0,	/* the guest powered off */
	EXIT_ERROR = 1,		/* thinrun could not go on */
	EXIT_USAGE = 2,		/* bad options or option values */
	EXIT_TRIPLE_FAULT = 3,
	EXIT_GUEST_FAILURE = 4,	/* the guest wrote nonzero to the exit port */
	EXIT_REBOOT = 5,	/* the guest reset: ACPI reset register, 8042 reset */
	/* 128 + the signal (SIGINT 130, SIGTERM 143, SIGHUP 129) that stopped it */
	EXIT_SIGNAL = 130,	/* also: Ctrl-A x on the console */
};

struct virtio_blk_image;

/* --disk: at most this many (virtio-mmio slots 1 to 4). */
#define THINRUN_MAX_DISKS	4
struct net_opts;
struct virtio_net;
struct virtio_vsock;

/* The devices of a machine beyond the console (machine.c). */
struct machine_devices {
	bool linux_guest;	/* the ACPI, 8042, PIT and RTC ports */
	bool rng;		/* virtio-rng in virtio-mmio slot 0 */
	bool stats;		/* --stats: the devices report at the end */
	/* virtio-blk disks, in slots 1 + i: machine_run() closes them all */
	struct virtio_blk_image *disks[THINRUN_MAX_DISKS];
	unsigned int ndisks;
	/* Opened by linux.c before the VM exists; NULL: none. */
	struct virtio_net *net;		/* --net, in virtio-mmio slot net_slot */
	unsigned int net_slot;
	struct virtio_vsock *vsock;	/* --vsock, in slot vsock_slot */
	unsigned int vsock_slot;
};

/*
 * Run every vCPU of v, each in its thread, until the guest ends; returns
 * an exit status (machine.c).
 */
int machine_run(struct vmm *v, const struct machine_devices *devs);

struct linux_opts {
	const char *kernel;
	const char *initrd;	/* NULL: none */
	const char *cmdline;	/* NULL: empty */
	uint64_t mem;		/* bytes */
	unsigned int cpus;
	bool rng;		/* --rng: a virtio-rng device */
	bool stats;		/* --stats */
	const char *disks[THINRUN_MAX_DISKS];	/* --disk FILE[,ro] */
	unsigned int ndisks;
	const struct net_opts *net;	/* --net, or NULL */
	uint32_t vsock_cid;		/* --vsock, or 0 */
};

/* thinrun --kernel: boot a Linux bzImage; returns an exit status. */
int linux_boot(const struct linux_opts *o);

#endif
