// SPDX-License-Identifier: GPL-2.0
/*
 * One vCPU's exit loop: run it and answer the exits that reach userspace
 * (port I/O to the devices, MMIO, hypercalls) until the guest ends or
 * the machine stops (machine.c).  Every vCPU thread runs this.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/thinvisor.h>

#include "console.h"
#include "machine.h"
#include "thinrun.h"
#include "dev/acpi_pm.h"
#include "dev/cmos_rtc.h"
#include "dev/i8042.h"
#include "dev/msr_quirks.h"
#include "dev/pit_stub.h"
#include "dev/serial8250.h"

#define EXIT_PORT	0xf4

/*
 * The platform ports of a Linux guest: ACPI sleep and reset, the 8042's
 * reset, the PIT's ports that must not float, the RTC's clock (whose
 * index register is shared state).
 */
static enum dev_event platform_io(struct machine *m, uint16_t port, bool in, uint8_t *data)
{
	enum dev_event e = acpi_pm_io(port, in, data);

	if (e == DEV_NOT_MINE)
		e = i8042_io(port, in, data);
	if (e == DEV_NOT_MINE)
		e = pit_stub_io(port, in, data);
	if (e == DEV_NOT_MINE && (port == CMOS_INDEX_PORT || port == CMOS_DATA_PORT)) {
		pthread_mutex_lock(&m->rtc_lock);
		e = cmos_rtc_io(&m->rtc, port, in, data, time(NULL));
		pthread_mutex_unlock(&m->rtc_lock);
	}
	return e;
}

/* One port-I/O exit; returns -1 to go on, or thinrun's exit status. */
static int handle_io(struct machine *m, struct tv_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool in = run->io.direction == TV_IO_IN;
	uint16_t port = run->io.port;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.size == 1 && port >= SERIAL_COM1 && port < SERIAL_COM1 + 8) {
			console_io(m->con, port - SERIAL_COM1, in, data);
			continue;
		}
		if (port == EXIT_PORT && !in) {
			if (data[0])
				fprintf(stderr, "thinrun: guest exit code %u\n", data[0]);
			return data[0] ? EXIT_GUEST_FAILURE : EXIT_POWEROFF;
		}
		if (m->linux_guest && run->io.size == 1) {
			switch (platform_io(m, port, in, data)) {
			case DEV_POWEROFF:
				return EXIT_POWEROFF;
			case DEV_RESET:
				fprintf(stderr, "thinrun: the guest asked for a reset\n");
				return EXIT_REBOOT;
			case DEV_HANDLED:
				continue;
			case DEV_NOT_MINE:
				break;
			}
		}
		if (in)
			memset(data, 0xff, run->io.size);	/* nothing there */
	}
	return -1;
}

/* One exit; returns -1 to go on, or thinrun's exit status. */
static int handle_exit(struct machine *m, struct tv_run *run, unsigned int id)
{
	uint64_t data;

	switch (run->exit_reason) {
	case TV_EXIT_IO:
		return handle_io(m, run);
	case TV_EXIT_MMIO:
		/* No MMIO devices in userspace: reads see all ones, writes vanish. */
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return -1;
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
