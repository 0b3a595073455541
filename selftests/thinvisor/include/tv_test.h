/* SPDX-License-Identifier: GPL-2.0 */
/* What every thinvisor selftest shares. */
#ifndef TV_TEST_H
#define TV_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/thinvisor.h>

#include "kselftest_harness.h"
#include "tv_util.h"

/*
 * Open /dev/thinvisor, or SKIP the test where the module is not loaded.
 * The 6.1 harness runs a test's body even when its FIXTURE_SETUP SKIPs
 * (and an ASSERT failing there then counts as a failure), so this ends the
 * test's child process at once with the harness's own SKIP status.
 */
#define TV_OPEN_DEV_OR_SKIP(fd) do {					\
	(fd) = open("/dev/thinvisor", O_RDWR | O_CLOEXEC);		\
	if ((fd) < 0)							\
		SKIP(_exit(255), "/dev/thinvisor: %s", strerror(errno)); \
} while (0)

/* The ioctl must fail with this errno. */
#define EXPECT_IOCTL_ERR(fd, req, arg, err) do {			\
	errno = 0;							\
	EXPECT_EQ(-1, ioctl((fd), (req), (arg)));			\
	EXPECT_EQ((err), errno);					\
} while (0)

#endif
