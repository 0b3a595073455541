/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THINRUN_CMOS_RTC_H
#define THINRUN_CMOS_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "event.h"

#define CMOS_INDEX_PORT	0x70
#define CMOS_DATA_PORT	0x71

struct cmos_rtc {
	uint8_t index;		/* the register port 0x71 reads */
};

/*
 * A byte of port I/O at 0x70 or 0x71 (DEV_NOT_MINE for another port);
 * now is the time the clock registers show.  The caller serializes.
 */
enum dev_event cmos_rtc_io(struct cmos_rtc *rtc, uint16_t port, bool in, uint8_t *data,
			   time_t now);

#endif
