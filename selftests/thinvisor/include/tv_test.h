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

/*
 * vCPU 1 woken from its halt by vCPU 0, both running guest(me) in a new VM
 * (*vm, vCPU 0 in *vcpu0): vCPU 1 runs to its GUEST_SYNC(1), then on a
 * thread of its own (r) into its halt; once that thread sleeps in TV_RUN
 * (so that the wake-up finds it halted, not on its way to HLT), vCPU 0
 * runs to its GUEST_SYNC(3).  vCPU 1's next stop must be its
 * GUEST_SYNC(2), whose other arguments the test checks in r->uc.
 */
static inline void tv_wake_halted_vcpu1(struct __test_metadata *_metadata,
					struct tv_vm **vm, struct tv_vcpu **vcpu0,
					void (*guest)(uint64_t me), struct tv_runner *r)
{
	struct tv_ucall uc;
	struct tv_vcpu *v1;

	*vm = tv_vm_create_with_vcpu((void (*)(void))guest, vcpu0);
	v1 = tv_vcpu_add_guest(*vm, 1, TV_MODE_LONG64, (uint64_t)guest);
	tv_vcpu_set_args(*vcpu0, 1, (uint64_t)0);
	tv_vcpu_set_args(v1, 1, (uint64_t)1);
	TV_RUN_SYNC(v1, &uc, 1);
	tv_runner_start(r, v1);
	EXPECT_TRUE(tv_wait_asleep_in_run(r->tid, v1->fd, 10000))
		TH_LOG("vCPU 1 never slept in TV_RUN");
	TV_RUN_SYNC(*vcpu0, &uc, 3);
	tv_runner_join(r);
	ASSERT_EQ(TV_UCALL_SYNC, r->cmd) TH_LOG("vCPU 1: %s", tv_exit_str(v1));
	ASSERT_EQ(2, r->uc.args[0]);
}

#endif
