// SPDX-License-Identifier: GPL-2.0
/*
 * One vCPU's exit loop: run it and answer the exits that reach userspace
 * until the guest ends or the machine stops (machine.c).  Every vCPU
 * thread runs this.  Port I/O and MMIO go to the machine's two buses
 * (bus.h), which hold the devices: this loop knows none of them.
 */
#include <stdio.h>
#include <string.h>
#include <linux/thinvisor.h>

#include "bus.h"
#include "exit_text.h"
#include "machine.h"
#include "thinrun.h"
#include "dev/msr_quirks.h"

/* What a device's answer makes of the run: -1 to go on, or an exit status. */
static int event_status(enum dev_event e)
{
	switch (e) {
	case DEV_POWEROFF:
		return EXIT_POWEROFF;
	case DEV_RESET:
		fprintf(stderr, "thinrun: the guest asked for a reset\n");
		return EXIT_REBOOT;
	case DEV_GUEST_FAILED:
		return EXIT_GUEST_FAILURE;
	default:
		return -1;
	}
}

/* One port-I/O exit, each of its count accesses through the port bus. */
static int handle_io(struct machine *m, struct tv_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool in = run->io.direction == TV_IO_IN;
	uint32_t i;
	int status;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		status = event_status(bus_access(&m->pio, run->io.port, !in, data, run->io.size));
		if (status >= 0)
			return status;
	}
	return -1;
}

/* One MMIO exit through the MMIO bus. */
static int handle_mmio(struct machine *m, struct tv_run *run)
{
	if (run->mmio.len > sizeof(run->mmio.data)) {
		fprintf(stderr, "thinrun: an MMIO exit of %u bytes\n", run->mmio.len);
		return EXIT_ERROR;
	}
	return event_status(bus_access(&m->mmio, run->mmio.phys_addr, run->mmio.is_write,
				       run->mmio.data, run->mmio.len));
}

static void report_internal_error(const struct tv_run *run, unsigned int id)
{
	char text[160];

	internal_error_text(run, text, sizeof(text));
	fprintf(stderr, "thinrun: vCPU %u stopped: the module reports %s\n", id, text);
}

/* One exit; returns -1 to go on, or thinrun's exit status. */
static int handle_exit(struct machine *m, struct tv_run *run, unsigned int id)
{
	uint64_t data;

	switch (run->exit_reason) {
	case TV_EXIT_IO:
		return handle_io(m, run);
	case TV_EXIT_MMIO:
		return handle_mmio(m, run);
	case TV_EXIT_MSR:
		/* Only a Linux guest turns these exits on (linux.c). */
		data = run->msr.data;
		if (m->linux_guest && msr_quirk(run->msr.index, run->msr.is_write, &data))
			run->msr.data = data;
		else
			run->msr.error = 1;
		return -1;
	case TV_EXIT_HYPERCALL:
		run->hypercall.ret = (uint64_t)-1;
		return -1;
	case TV_EXIT_INTR:
		/* machine.c's kick, or a stray signal: the loop checks which. */
		return -1;
	case TV_EXIT_SHUTDOWN:
		fprintf(stderr, "thinrun: the guest triple-faulted (vCPU %u)\n", id);
		return EXIT_TRIPLE_FAULT;
	case TV_EXIT_FAIL_ENTRY:
		fprintf(stderr, "thinrun: the CPU refused the state of vCPU %u (reason 0x%llx)\n",
			id, (unsigned long long)run->fail_entry.hardware_reason);
		return EXIT_ERROR;
	case TV_EXIT_INTERNAL_ERROR:
		report_internal_error(run, id);
		return EXIT_ERROR;
	default:
		fprintf(stderr, "thinrun: unexpected exit %u on vCPU %u\n", run->exit_reason, id);
		return EXIT_ERROR;
	}
}

void vcpu_loop(struct machine *m, unsigned int id)
{
	struct tv_run *run = m->v->vcpus[id].run;
	int status;

	while (!atomic_load(&m->stopping)) {
		if (vmm_run(m->v, id)) {
			machine_end(m, EXIT_ERROR);
			return;
		}
		status = handle_exit(m, run, id);
		if (status >= 0) {
			machine_end(m, status);
			return;
		}
	}
}
