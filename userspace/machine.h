/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A running guest: its vCPU threads, its devices and how it ends.
 * machine.c starts and stops the threads, run.c is one vCPU's exit loop,
 * console.c the UART with stdin and stdout behind it.
 */
#ifndef THINRUN_MACHINE_H
#define THINRUN_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "bus.h"
#include "thinrun.h"
#include "vmm.h"
#include "dev/cmos_rtc.h"

struct console;
struct machine;
struct virtio_rng;
struct virtio_blk;

/*
 * One IOAPIC pin, driven with TV_IRQ_LINE: what a device gets as its
 * interrupt (machine_set_irq() and this as its opaque), never the machine.
 */
struct machine_irq {
	struct machine *m;
	uint32_t gsi;
};

/* Drive the pin; a failure ends the run (EXIT_ERROR). */
void machine_set_irq(void *opaque, bool level);

struct machine {
	struct vmm *v;
	bool linux_guest;	/* the ACPI, 8042 and RTC ports too; MSR quirks */
	struct bus pio;		/* port I/O: every port device */
	struct bus mmio;	/* MMIO exits: virtio-mmio windows */
	struct console *con;
	struct machine_irq com1_irq;
	struct virtio_rng *rng;		/* --rng, or NULL */
	struct machine_irq rng_irq;
	struct virtio_blk *disk[THINRUN_MAX_DISKS];	/* --disk, in slots 1 + i */
	struct machine_irq disk_irq[THINRUN_MAX_DISKS];
	struct machine_irq net_irq;	/* --net's and --vsock's pins (the devices are linux.c's) */
	struct machine_irq vsock_irq;
	pthread_mutex_t rtc_lock;
	struct cmos_rtc rtc;
	atomic_int status;	/* -1 while the guest runs; then how it ended */
	atomic_bool stopping;	/* the vCPU threads must return */
	pthread_t main_thread;
};

/*
 * The guest has ended with this exit status: the first caller wins, and
 * the main thread is woken to stop everything.  Any thread may call it.
 */
void machine_end(struct machine *m, int status);

/* One vCPU thread's life: run vCPU id until the machine stops. */
void vcpu_loop(struct machine *m, unsigned int id);

#endif
