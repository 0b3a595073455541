// SPDX-License-Identifier: GPL-2.0
/*
 * The threads of a running guest: one per vCPU, the console's stdin
 * thread, one per virtio device (virtio/rng.c), and the main thread,
 * which only waits.  The devices are put on their buses (bus.h) before
 * any vCPU thread starts, and stopped only after every vCPU thread is
 * gone.
 *
 * The main thread blocks SIGINT, SIGTERM, SIGHUP and SIGUSR2 before it
 * starts any other thread, so that they all inherit the mask, and then
 * waits for one of them in sigwaitinfo().  SIGUSR2 comes from
 * machine_end(): some thread saw the guest end.  A vCPU thread is
 * stopped with SIGUSR1, whose handler does nothing: it only makes a
 * TV_RUN in progress return with TV_EXIT_INTR.  immediate_exit is set
 * first, so a kick that lands just before a thread enters TV_RUN is not
 * lost: that TV_RUN returns at once, halted or waiting for a SIPI or not.
 * The main thread still kicks again every 10 ms until the thread is gone,
 * a backstop that costs nothing.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "console.h"
#include "guest_walk.h"
#include "machine.h"
#include "platform.h"
#include "thinrun.h"
#include "boot/layout.h"
#include "dev/serial8250.h"
#include "virtio/blk.h"
#include "virtio/net.h"
#include "virtio/rng.h"
#include "virtio/vsock.h"

#define SIG_KICK	SIGUSR1
#define SIG_ENDED	SIGUSR2
#define KICK_INTERVAL_NS	10000000L	/* 10 ms */

struct vcpu_thread {
	struct machine *m;
	unsigned int id;
	pthread_t thread;
};

void machine_end(struct machine *m, int status)
{
	int running = -1;

	if (atomic_compare_exchange_strong(&m->status, &running, status))
		pthread_kill(m->main_thread, SIG_ENDED);
}

void machine_set_irq(void *opaque, bool level)
{
	struct machine_irq *irq = opaque;

	if (vmm_irq_line(irq->m->v, irq->gsi, level))
		machine_end(irq->m, EXIT_ERROR);
}

static void console_quit(void *opaque)
{
	machine_end(opaque, EXIT_SIGNAL);
}

/* Guest memory as the virtio devices see it. */
static struct guest_mem machine_guest_mem(const struct vmm *v)
{
	return (struct guest_mem){
		.host = v->ram, .size = v->ram_size, .low = layout_low_ram(v->ram_size),
		.high_gpa = MMIO_HOLE_END,
	};
}

/* virtio-rng in virtio-mmio slot 0 (linux.c describes it there in the DSDT). */
static int add_rng(struct machine *m)
{
	struct vmm *v = m->v;
	struct guest_mem mem = machine_guest_mem(v);

	m->rng_irq = (struct machine_irq){ .m = m, .gsi = VIRTIO_MMIO_GSI_BASE };
	m->rng = virtio_rng_start(&mem, machine_set_irq, &m->rng_irq);
	if (!m->rng)
		return -1;
	/* Its kicks and interrupts go through the module, not the bus. */
	if (virtio_rng_attach(m->rng, v->vm, VIRTIO_MMIO_BASE, VIRTIO_MMIO_GSI_BASE))
		return -1;
	return bus_add(&m->mmio, VIRTIO_MMIO_BASE, VIRTIO_MMIO_WINDOW, virtio_rng_access,
		       m->rng, "virtio-rng");
}

/*
 * --net and --vsock in the slots linux.c gave them (and described in the
 * DSDT): vhost's memory table, then kicks and interrupts through the
 * module, so that no packet passes through thinrun.
 */
static int add_vhost_devices(struct machine *m, const struct machine_devices *devs)
{
	struct guest_mem mem = machine_guest_mem(m->v);
	uint64_t base;
	uint32_t gsi;

	if (devs->net) {
		base = VIRTIO_MMIO_BASE + devs->net_slot * VIRTIO_MMIO_WINDOW;
		gsi = VIRTIO_MMIO_GSI_BASE + devs->net_slot;
		m->net_irq = (struct machine_irq){ .m = m, .gsi = gsi };
		if (virtio_net_start(devs->net, &mem, machine_set_irq, &m->net_irq) ||
		    virtio_net_attach(devs->net, m->v->vm, base, gsi) ||
		    bus_add(&m->mmio, base, VIRTIO_MMIO_WINDOW, virtio_net_access, devs->net,
			    "virtio-net"))
			return -1;
	}
	if (devs->vsock) {
		base = VIRTIO_MMIO_BASE + devs->vsock_slot * VIRTIO_MMIO_WINDOW;
		gsi = VIRTIO_MMIO_GSI_BASE + devs->vsock_slot;
		m->vsock_irq = (struct machine_irq){ .m = m, .gsi = gsi };
		if (virtio_vsock_start(devs->vsock, &mem, machine_set_irq, &m->vsock_irq) ||
		    virtio_vsock_attach(devs->vsock, m->v->vm, base, gsi) ||
		    bus_add(&m->mmio, base, VIRTIO_MMIO_WINDOW, virtio_vsock_access, devs->vsock,
			    "virtio-vsock"))
			return -1;
	}
	return 0;
}

/*
 * The virtio-blk disks in slots 1 + i, one request queue per vCPU; each
 * takes its image, and those it did not take are closed here.
 */
static int add_disks(struct machine *m, const struct machine_devices *devs)
{
	struct vmm *v = m->v;
	struct guest_mem mem = machine_guest_mem(v);
	unsigned int i, slot;
	uint64_t base;
	char id[24];

	for (i = 0; i < devs->ndisks; i++) {
		slot = VIRTIO_SLOT_DISK(i);
		base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_WINDOW;
		m->disk_irq[i] = (struct machine_irq){ .m = m, .gsi = VIRTIO_MMIO_GSI_BASE + slot };
		snprintf(id, sizeof(id), "thinrun-disk%u", i);
		m->disk[i] = virtio_blk_start(devs->disks[i], v->nr_vcpus, id, &mem,
					      machine_set_irq, &m->disk_irq[i]);
		/* Its kicks and interrupts go through the module, not the bus. */
		if (!m->disk[i] ||
		    virtio_blk_attach(m->disk[i], v->vm, base, m->disk_irq[i].gsi) ||
		    bus_add(&m->mmio, base, VIRTIO_MMIO_WINDOW, virtio_blk_access, m->disk[i],
			    "virtio-blk")) {
			for (i++; i < devs->ndisks; i++)
				virtio_blk_image_close(devs->disks[i]);
			return -1;
		}
	}
	return 0;
}

static void stop_disks(struct machine *m, bool report)
{
	unsigned int i;

	for (i = 0; i < THINRUN_MAX_DISKS; i++) {
		if (report && m->disk[i])
			virtio_blk_report(m->disk[i]);
		virtio_blk_stop(m->disk[i]);
		m->disk[i] = NULL;
	}
}

/*
 * The console on COM1 and the platform's ports on the port bus; the
 * virtio-mmio devices on the MMIO bus.
 */
static int add_devices(struct machine *m, const struct machine_devices *devs)
{
	struct console_hooks hooks = {
		.set_irq = machine_set_irq, .irq_opaque = &m->com1_irq,
		.quit = console_quit, .quit_opaque = m,
	};

	bus_init(&m->pio, "port");
	bus_init(&m->mmio, "MMIO");
	m->com1_irq = (struct machine_irq){ .m = m, .gsi = SERIAL_COM1_IRQ };
	m->con = console_start(&hooks);
	if (!m->con)
		return -1;
	if (bus_add(&m->pio, SERIAL_COM1, 8, console_access, m->con, "COM1"))
		return -1;
	if (platform_add_ports(m, devs->linux_guest))
		return -1;
	if (devs->rng && add_rng(m))
		return -1;
	if (add_vhost_devices(m, devs))
		return -1;
	return 0;
}

/* The devices that may fail to come up, after those that must. */
static int add_all_devices(struct machine *m, const struct machine_devices *devs)
{
	if (add_devices(m, devs)) {
		for (unsigned int i = 0; i < devs->ndisks; i++)
			virtio_blk_image_close(devs->disks[i]);
		return -1;
	}
	return add_disks(m, devs);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu_thread *t = arg;

	vcpu_loop(t->m, t->id);
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig;
}

/* Wait until the guest ends or thinrun is asked to stop. */
static void wait_for_end(struct machine *m, const sigset_t *set)
{
	siginfo_t info;
	int sig;

	for (;;) {
		sig = sigwaitinfo(set, &info);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			perror("thinrun: sigwaitinfo");
			machine_end(m, EXIT_ERROR);
			return;
		}
		if (sig != SIG_ENDED) {
			fprintf(stderr, "thinrun: %s: stopping the guest\n", strsignal(sig));
			machine_end(m, 128 + sig);
			return;
		}
		if (atomic_load(&m->status) >= 0)
			return;
	}
}

/* Make every vCPU thread leave TV_RUN and return, and join it. */
static void stop_vcpus(struct machine *m, struct vcpu_thread *t, unsigned int n)
{
	struct timespec deadline;
	unsigned int i;

	atomic_store(&m->stopping, true);
	for (i = 0; i < n; i++) {
		m->v->vcpus[i].run->immediate_exit = 1;
		pthread_kill(t[i].thread, SIG_KICK);
	}
	for (i = 0; i < n; i++) {
		for (;;) {
			clock_gettime(CLOCK_REALTIME, &deadline);
			deadline.tv_nsec += KICK_INTERVAL_NS;
			if (deadline.tv_nsec >= 1000000000L) {
				deadline.tv_sec++;
				deadline.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(t[i].thread, NULL, &deadline) != ETIMEDOUT)
				break;
			pthread_kill(t[i].thread, SIG_KICK);
		}
	}
}

/* Where each vCPU was: for a guest that hung or triple-faulted. */
static void report_vcpus(struct vmm *v)
{
	struct guest_mem mem = machine_guest_mem(v);
	struct tv_events ev;
	struct tv_sregs sregs;
	struct tv_regs regs;
	unsigned int i;

	for (i = 0; i < v->nr_vcpus; i++) {
		if (ioctl(v->vcpus[i].fd, TV_GET_EVENTS, &ev) == 0 && ev.wait_for_sipi) {
			fprintf(stderr, "thinrun: vCPU %u was waiting for a SIPI\n", i);
			continue;
		}
		if (ioctl(v->vcpus[i].fd, TV_GET_REGS, &regs) ||
		    ioctl(v->vcpus[i].fd, TV_GET_SREGS, &sregs))
			continue;
		fprintf(stderr, "thinrun: vCPU %u was at RIP 0x%llx (CS 0x%x base 0x%llx, CR0 0x%llx, RFLAGS 0x%llx, RSP 0x%llx, CR2 0x%llx, CR3 0x%llx, CR4 0x%llx, EFER 0x%llx, IDT 0x%llx/0x%x)\n",
			i, (unsigned long long)regs.rip, sregs.cs.selector,
			(unsigned long long)sregs.cs.base,
			(unsigned long long)sregs.cr0,
			(unsigned long long)regs.rflags,
			(unsigned long long)regs.rsp,
			(unsigned long long)sregs.cr2,
			(unsigned long long)sregs.cr3,
			(unsigned long long)sregs.cr4,
			(unsigned long long)sregs.efer,
			(unsigned long long)sregs.idt.base, sregs.idt.limit);
		/* A fault on the IDT itself ends in a triple fault: does RAM say so? */
		guest_walk_print(&mem, i, &sregs, sregs.idt.base, "IDT");
		guest_walk_print(&mem, i, &sregs, regs.rip, "RIP");
	}
}

int machine_run(struct vmm *v, const struct machine_devices *devs)
{
	struct sigaction kick = { .sa_handler = on_kick };	/* no SA_RESTART */
	struct machine m = { .v = v, .linux_guest = devs->linux_guest };
	struct vcpu_thread *t;
	sigset_t set, old;
	unsigned int i, started = 0;
	int err, status;

	pthread_mutex_init(&m.rtc_lock, NULL);
	atomic_init(&m.status, -1);
	atomic_init(&m.stopping, false);
	m.main_thread = pthread_self();
	t = calloc(v->nr_vcpus, sizeof(*t));
	if (!t) {
		fprintf(stderr, "thinrun: out of memory\n");
		for (i = 0; i < devs->ndisks; i++)
			virtio_blk_image_close(devs->disks[i]);
		return EXIT_ERROR;
	}
	sigaction(SIG_KICK, &kick, NULL);
	/* stdout may be a pipe whose reader left: EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIG_ENDED);
	pthread_sigmask(SIG_BLOCK, &set, &old);

	if (add_all_devices(&m, devs)) {
		stop_disks(&m, false);
		virtio_rng_stop(m.rng);
		console_stop(m.con);
		status = EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < v->nr_vcpus; i++) {
		t[i] = (struct vcpu_thread){ .m = &m, .id = i };
		err = pthread_create(&t[i].thread, NULL, vcpu_thread, &t[i]);
		if (err) {
			fprintf(stderr, "thinrun: vCPU %u thread: %s\n", i, strerror(err));
			machine_end(&m, EXIT_ERROR);
			break;
		}
		started++;
	}
	wait_for_end(&m, &set);
	stop_vcpus(&m, t, started);
	if (devs->stats && m.rng)
		virtio_rng_report(m.rng);
	stop_disks(&m, devs->stats);
	virtio_rng_stop(m.rng);
	console_stop(m.con);
	status = atomic_load(&m.status);
	/* Where a guest stopped from outside, triple-faulted or hit an error was. */
	if (status > 128 || status == EXIT_TRIPLE_FAULT || status == EXIT_ERROR)
		report_vcpus(v);
out:
	/* A SIG_ENDED sent while nobody waited must not outlive the run. */
	while (sigtimedwait(&set, NULL, &(struct timespec){ 0 }) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_destroy(&m.rtc_lock);
	free(t);
	return status;
}
