// SPDX-License-Identifier: GPL-2.0
/*
 * The clock registers of a PC's MC146818 CMOS RTC, read-only, showing the
 * host's time in UTC.
 *
 * Not for the sake of a clock device (the FADT says there is no CMOS
 * RTC, and Linux registers no rtc_cmos for it) but for the one read that
 * Linux 6.1 makes anyway: timekeeping_init() reads the wall clock through
 * mach_get_cmos_time(), which polls the update-in-progress bit every
 * 100 us for up to a second.  Where nothing answers, the bit reads as 1
 * (all ones) for that whole second: 10,000 rounds of four port exits
 * and a 100 us delay, measured at about 10 s of guest boot in the SVM
 * test machine.  With these registers the read takes a dozen exits and
 * the guest starts with the right date.
 *
 * Registers: seconds, minutes, hours, weekday, day, month, year in BCD
 * (x86 Linux always reads them as BCD), A with update-in-progress clear,
 * B saying 24-hour BCD with no interrupts, C with no flags, D saying the
 * time is valid.  Writes change nothing; the alarm, the periodic
 * interrupt and the CMOS RAM are not there (they read 0).
 */
#include "cmos_rtc.h"

enum {
	REG_SECONDS = 0x00,
	REG_MINUTES = 0x02,
	REG_HOURS = 0x04,
	REG_WEEKDAY = 0x06,
	REG_DAY = 0x07,
	REG_MONTH = 0x08,
	REG_YEAR = 0x09,
	REG_A = 0x0a,
	REG_B = 0x0b,
	REG_C = 0x0c,
	REG_D = 0x0d,
};

#define REG_A_DIVIDER	0x26	/* 32.768 kHz time base, 1024 Hz rate; UIP clear */
#define REG_B_24H	0x02	/* 24-hour, BCD (DM clear), no interrupts */
#define REG_D_VRT	0x80	/* valid RAM and time */
#define INDEX_MASK	0x7f	/* bit 7 of the index is the NMI mask */

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) % 10) << 4 | (v % 10));
}

static uint8_t reg(uint8_t index, time_t now)
{
	struct tm tm;

	if (index <= REG_YEAR && !gmtime_r(&now, &tm))
		return 0;
	switch (index) {
	case REG_SECONDS:
		return bcd(tm.tm_sec);
	case REG_MINUTES:
		return bcd(tm.tm_min);
	case REG_HOURS:
		return bcd(tm.tm_hour);
	case REG_WEEKDAY:
		return bcd(tm.tm_wday + 1);
	case REG_DAY:
		return bcd(tm.tm_mday);
	case REG_MONTH:
		return bcd(tm.tm_mon + 1);
	case REG_YEAR:
		return bcd(tm.tm_year % 100);
	case REG_A:
		return REG_A_DIVIDER;
	case REG_B:
		return REG_B_24H;
	case REG_D:
		return REG_D_VRT;
	default:
		return 0;	/* C (no flags), alarms, CMOS RAM */
	}
}

enum dev_event cmos_rtc_io(struct cmos_rtc *rtc, uint16_t port, bool in, uint8_t *data,
			   time_t now)
{
	switch (port) {
	case CMOS_INDEX_PORT:
		if (in)
			*data = 0xff;	/* write-only on a PC */
		else
			rtc->index = *data & INDEX_MASK;
		return DEV_HANDLED;
	case CMOS_DATA_PORT:
		if (in)
			*data = reg(rtc->index, now);
		return DEV_HANDLED;
	default:
		return DEV_NOT_MINE;
	}
}
