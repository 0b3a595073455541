/* SPDX-License-Identifier: GPL-2.0 */
/* thinrun's boot code: one way to say what went wrong. */
#ifndef THINRUN_BOOT_ERR_H
#define THINRUN_BOOT_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Write the message into err (errlen bytes, may be 0) and return -1. */
static inline int __attribute__((format(printf, 3, 4)))
boot_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#endif
