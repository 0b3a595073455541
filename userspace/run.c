// SPDX-License-Identifier: GPL-2.0
/*
 * thinrun's exit loop: run vCPU 0 and answer the exits that reach
 * userspace (port I/O to the devices, MMIO, hypercalls) until the guest
 * powers off, fails or is interrupted.
 */
#include <stdio.h>
#include <string.h>
#include <linux/thinvisor.h>

#include "thinrun.h"
#include "dev/acpi_pm.h"
#include "dev/serial8250.h"

#define EXIT_PORT	0xf4

/* One port-I/O exit; returns -1 to go on, or thinrun's exit status. */
static int handle_io(struct vmm *v, bool acpi)
{
	struct tv_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool in = run->io.direction == TV_IO_IN;
	uint32_t i;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.size == 1 && serial_io(run->io.port, in, data))
			continue;
		if (run->io.port == EXIT_PORT && !in) {
			if (data[0])
				fprintf(stderr, "thinrun: guest exit code %u\n", data[0]);
			return data[0] ? EXIT_GUEST_FAILURE : EXIT_POWEROFF;
		}
		if (acpi && run->io.size == 1) {
			switch (acpi_pm_io(run->io.port, in, data)) {
			case ACPI_PM_POWEROFF:
				return EXIT_POWEROFF;
			case ACPI_PM_RESET:
				fprintf(stderr, "thinrun: the guest asked for a reset\n");
				return EXIT_REBOOT;
			case ACPI_PM_HANDLED:
				continue;
			case ACPI_PM_NOT_MINE:
				break;
			}
		}
		if (in)
			memset(data, 0xff, run->io.size);	/* nothing there */
	}
	return -1;
}

int run_loop(struct vmm *v, bool acpi_pm)
{
	struct tv_run *run = v->run;
	int status;

	for (;;) {
		if (vmm_run(v))
			return EXIT_ERROR;
		switch (run->exit_reason) {
		case TV_EXIT_IO:
			status = handle_io(v, acpi_pm);
			if (status >= 0)
				return status;
			break;
		case TV_EXIT_MMIO:
			/* No devices yet: reads see all ones, writes vanish. */
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			break;
		case TV_EXIT_HYPERCALL:
			run->hypercall.ret = (uint64_t)-1;
			break;
		case TV_EXIT_INTR:
			return EXIT_SIGNAL;
		case TV_EXIT_SHUTDOWN:
			fprintf(stderr, "thinrun: the guest triple-faulted\n");
			return EXIT_TRIPLE_FAULT;
		case TV_EXIT_FAIL_ENTRY:
			fprintf(stderr, "thinrun: the CPU refused the guest state (reason 0x%llx)\n",
				(unsigned long long)run->fail_entry.hardware_reason);
			return EXIT_ERROR;
		default:
			fprintf(stderr, "thinrun: unexpected exit %u\n", run->exit_reason);
			return EXIT_ERROR;
		}
	}
}
