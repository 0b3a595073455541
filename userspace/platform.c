// SPDX-License-Identifier: GPL-2.0
/*
 * The platform's port devices (platform.h) on the port bus.  Each of
 * dev/ answers one byte at a port; an access of any other size there
 * finds nothing, as before the bus (a read sees all ones).
 */
#include <stdio.h>
#include <time.h>

#include "bus.h"
#include "machine.h"
#include "platform.h"
#include "dev/acpi_pm.h"
#include "dev/cmos_rtc.h"
#include "dev/i8042.h"
#include "dev/pit_stub.h"
#include "boot/layout.h"

/* A dev/ device that takes the port number: which one, and where. */
struct port_dev {
	enum dev_event (*io)(uint16_t port, bool in, uint8_t *data);
	uint16_t base;
	uint16_t len;
	const char *name;
};

static const struct port_dev linux_ports[] = {
	{ pit_stub_io, 0x40, 4, "PIT" },
	{ i8042_io, I8042_DATA_PORT, 1, "8042 data" },
	{ pit_stub_io, 0x61, 1, "port B" },
	{ i8042_io, I8042_CMD_PORT, 1, "8042 command" },
	{ acpi_pm_io, ACPI_SLEEP_CTL_PORT, 3, "ACPI sleep and reset" },
};

static enum dev_event port_dev_access(void *opaque, uint64_t offset, bool is_write,
				      uint8_t *data, unsigned int len)
{
	const struct port_dev *d = opaque;

	if (len != 1)
		return DEV_NOT_MINE;
	return d->io(d->base + offset, !is_write, data);
}

/* The clock's index register is state shared by every vCPU: one lock. */
static enum dev_event cmos_access(void *opaque, uint64_t offset, bool is_write,
				  uint8_t *data, unsigned int len)
{
	struct machine *m = opaque;
	enum dev_event e;

	if (len != 1)
		return DEV_NOT_MINE;
	pthread_mutex_lock(&m->rtc_lock);
	e = cmos_rtc_io(&m->rtc, CMOS_INDEX_PORT + offset, !is_write, data, time(NULL));
	pthread_mutex_unlock(&m->rtc_lock);
	return e;
}

/* A write ends the run: 0 as a power-off, anything else as the guest's failure. */
static enum dev_event exit_port_access(void *opaque, uint64_t offset, bool is_write,
				       uint8_t *data, unsigned int len)
{
	(void)opaque;
	(void)offset;
	(void)len;	/* the first byte counts, as it always did */
	if (!is_write)
		return DEV_NOT_MINE;
	if (!data[0])
		return DEV_POWEROFF;
	fprintf(stderr, "thinrun: guest exit code %u\n", data[0]);
	return DEV_GUEST_FAILED;
}

int platform_add_ports(struct machine *m, bool linux_guest)
{
	unsigned int i;

	if (bus_add(&m->pio, EXIT_PORT, 1, exit_port_access, NULL, "exit port"))
		return -1;
	if (!linux_guest)
		return 0;
	for (i = 0; i < sizeof(linux_ports) / sizeof(linux_ports[0]); i++)
		if (bus_add(&m->pio, linux_ports[i].base, linux_ports[i].len, port_dev_access,
			    (void *)&linux_ports[i], linux_ports[i].name))
			return -1;
	return bus_add(&m->pio, CMOS_INDEX_PORT, 2, cmos_access, m, "CMOS clock");
}
