// SPDX-License-Identifier: GPL-2.0
/*
 * What the host says of a vCPU thread: whether it sleeps inside TV_RUN.
 *
 * The only interruptible sleeps in TV_RUN are HLT and the wait for a SIPI
 * (the VM's run lock and page faults sleep uninterruptibly, a busy guest is
 * runnable), so a thread in state S whose current system call is TV_RUN is
 * a vCPU halted or waiting for its SIPI.  The vCPU's own ioctls cannot ask:
 * they wait for the RUN to end.
 */
#include <sys/syscall.h>
#include <time.h>

#include "tv_util.h"

pid_t tv_gettid(void)
{
	return syscall(SYS_gettid);
}

/* 1: asleep in TV_RUN on @fd; 0: not (yet); -1: /proc could not tell. */
int tv_task_asleep_in_run(pid_t tid, int fd)
{
	char path[64], buf[512], *p, state;
	unsigned long nr, a0, a1;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	p = ok ? strrchr(buf, ')') : NULL;	/* the name may hold spaces */
	if (!p || sscanf(p + 1, " %c", &state) != 1)
		return -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%lu 0x%lx 0x%lx", &nr, &a0, &a1) == 3;
	fclose(f);
	if (!ok)
		return 0;	/* "running" or "-1 ...": not in a system call */
	return state == 'S' && nr == SYS_ioctl && a0 == (unsigned long)fd &&
	       a1 == TV_RUN;
}

bool tv_wait_asleep_in_run(pid_t tid, int fd, unsigned int ms)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	unsigned int i;

	for (i = 0; i < ms; i++) {
		if (tv_task_asleep_in_run(tid, fd) == 1)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static void *tv_runner_main(void *arg)
{
	struct tv_runner *r = arg;

	__atomic_store_n(&r->tid, tv_gettid(), __ATOMIC_RELEASE);
	if (!__tv_vcpu_run(r->vcpu))
		r->cmd = tv_get_ucall(r->vcpu, &r->uc);
	return NULL;
}

void tv_runner_start(struct tv_runner *r, struct tv_vcpu *vcpu)
{
	struct timespec ts = { .tv_nsec = 1000000 };

	memset(r, 0, sizeof(*r));
	r->vcpu = vcpu;
	TV_CHECK(!pthread_create(&r->thread, NULL, tv_runner_main, r), "pthread_create");
	while (!__atomic_load_n(&r->tid, __ATOMIC_ACQUIRE))
		nanosleep(&ts, NULL);
}

void tv_runner_join(struct tv_runner *r)
{
	pthread_join(r->thread, NULL);
}
