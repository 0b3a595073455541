// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU lives as long as its VM (issue #12, finding 1): closing its fd
 * does not free it, so IPIs that other vCPUs send to it at that moment
 * touch live memory, and its id stays taken (EEXIST, as KVM).  Run with
 * slab poisoning (slub_debug=FZPU) a module that freed the vCPU on close
 * took the host down here within seconds.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "tv_test.h"

#define X2APIC_ICR		0x830
#define ICR_ALL_BUT_SELF	(3ULL << 18)
#define IPI_VECTOR		0x40

FIXTURE(life) {
	int dev;
};

FIXTURE_SETUP(life)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
}

FIXTURE_TEARDOWN(life)
{
	close(self->dev);
}

struct ipi_storm {
	struct tv_vcpu *from;
	volatile bool stop;
	volatile long sent;
	volatile int err;		/* errno of a failed TV_SET_MSRS, else 0 */
};

/* Fixed IPIs to all but self, through the ICR, as fast as the ioctl goes. */
static void *ipi_storm(void *arg)
{
	struct ipi_storm *s = arg;
	struct {
		struct tv_msrs h;
		struct tv_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = X2APIC_ICR,
		.e.data = ICR_ALL_BUT_SELF | IPI_VECTOR };

	while (!s->stop) {
		if (ioctl(s->from->fd, TV_SET_MSRS, &m) != 1) {
			s->err = errno ? errno : EIO;
			break;
		}
		s->sent++;
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * vCPU 0 sends IPIs to every other vCPU without a pause while this thread
 * creates vCPU 1 and closes its fd, again and again, in up to 300 fresh
 * VMs (20 on one CPU) within ten seconds.  A closed vCPU must stay (the second CREATE gives EEXIST)
 * and the host must live through it.
 */
TEST_F_TIMEOUT(life, closed_vcpu_stays_while_ipis_hit_it, 60)
{
	double end = now_s() + 10;
	long rounds = 0, sent = 0;
	/*
	 * The race needs the storm and the close on two CPUs at once; on one
	 * CPU they only take turns, and a slow one-CPU machine (Bochs, whose
	 * clock also runs far slow) would spend many minutes in 300 VMs.
	 */
	long max_rounds = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 300 : 20;

	while (now_s() < end && rounds < max_rounds) {
		struct tv_vm *vm = tv_vm_create();
		struct ipi_storm s = { .from = tv_vcpu_add(vm, 0) };
		pthread_t t;
		int i, fd;

		ASSERT_EQ(0, pthread_create(&t, NULL, ipi_storm, &s));
		for (i = 0; i < 200; i++) {
			fd = __tv_create_vcpu(vm, 1);
			if (fd < 0)
				break;
			close(fd);
		}
		/* On one CPU the storm may not have run yet: let it send. */
		while (!s.sent && !s.err)
			sched_yield();
		s.stop = true;
		pthread_join(t, NULL);
		/* Only the first CREATE made a vCPU; the closed one is still there. */
		EXPECT_EQ(1, i) TH_LOG("vCPU 1 was created %d times in one VM", i);
		EXPECT_EQ(EEXIST, errno);
		EXPECT_EQ(0, s.err) TH_LOG("TV_SET_MSRS ICR: %s", strerror(s.err));
		sent += s.sent;
		rounds++;
		tv_vm_free(vm);
	}
	TH_LOG("%ld VMs, %ld IPIs sent", rounds, sent);
	EXPECT_LT(0, sent);
}

/*
 * Every vCPU id is taken once for the VM's whole life: closing the fds of
 * all of them frees none, and the VM and its vCPUs go when the VM fd goes.
 */
TEST_F(life, ids_stay_taken_after_close)
{
	struct tv_vm *vm = tv_vm_create();
	int i, fd;

	for (i = 0; i < vm->max_vcpus; i++) {
		fd = __tv_create_vcpu(vm, i);
		ASSERT_LE(0, fd) TH_LOG("vCPU %d: %s", i, strerror(errno));
		close(fd);
	}
	for (i = 0; i < vm->max_vcpus; i++) {
		errno = 0;
		fd = __tv_create_vcpu(vm, i);
		EXPECT_EQ(-1, fd) TH_LOG("vCPU %d was made again", i);
		EXPECT_EQ(EEXIST, errno);
		if (fd >= 0)
			close(fd);
	}
	tv_vm_free(vm);
}

TEST_HARNESS_MAIN
