// SPDX-License-Identifier: GPL-2.0
/*
 * TV_IRQFD: an eventfd's signal interrupts the guest through an IOAPIC
 * pin; with TV_IRQFD_FLAG_VIRTIO_MMIO the module also serves the device's
 * InterruptStatus (0x60) and InterruptACK (0x64).  The virtio round trip
 * (a QueueNotify doorbell, a backend thread that answers on the call
 * eventfd, the guest's interrupt handler reading and acknowledging
 * InterruptStatus) N times must reach userspace zero times: the RUN
 * returns only at the guest's final ucall.  Then a pin an irqfd owns
 * (TV_IRQ_LINE is EBUSY), a signal before the assign, the eventfd closed
 * (EPOLLHUP), deassign, the VM closed with live irqfds and racing the
 * eventfd's writers, and the bad inputs.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>

#include "tv_test.h"

#define IOAPIC_BASE	0xfec00000UL
#define X2APIC_EOI	0x80b
#define X2APIC_SVR	0x80f
#define REDIR_LEVEL	(1U << 15)
#define EDGE_PIN	4
#define EDGE_VECTOR	0x34
#define VIRTIO_PIN	10
#define VIRTIO_VECTOR	0x3a
#define WIN		TV_MMIO_HIGH_GPA	/* a virtio-mmio window, no slot */
#define QUEUE_NOTIFY	0x50
#define INT_STATUS	0x60
#define INT_ACK		0x64
#define STATUS		0x70
#define N_REQUESTS	500

FIXTURE(irqfd) {
	int dev;
	int efd;
	struct tv_vm *vm;
	struct tv_vcpu *vcpu;
};

FIXTURE_SETUP(irqfd)
{
	TV_OPEN_DEV_OR_SKIP(self->dev);
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
	self->vm = NULL;
}

FIXTURE_TEARDOWN(irqfd)
{
	if (self->vm)
		tv_vm_free(self->vm);
	if (self->efd >= 0)
		close(self->efd);
	close(self->dev);
}

static int __irqfd(struct tv_vm *vm, int fd, uint32_t gsi, uint32_t flags, uint32_t bits,
		   uint64_t base)
{
	struct tv_irqfd f = {
		.fd = fd, .gsi = gsi, .flags = flags, .virtio_status = bits, .virtio_base = base,
	};

	return ioctl(vm->fd, TV_IRQFD, &f);
}

static int __line(struct tv_vm *vm, uint32_t gsi, uint32_t level)
{
	struct tv_irq_line l = { .gsi = gsi, .level = level };

	return ioctl(vm->fd, TV_IRQ_LINE, &l);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		tv_die("eventfd write: %s", strerror(errno));
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + 0x10) = val;
}

static uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

static void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static volatile uint64_t ticks, status_seen, status_bad;

static void edge_irq(struct tv_ex_frame *f)
{
	ticks++;
	tv_wrmsr(X2APIC_EOI, 0);
}

/* Linux's virtio_mmio handler: read the status, acknowledge it, EOI. */
static void virtio_irq(struct tv_ex_frame *f)
{
	uint32_t s = rd32(WIN + INT_STATUS);

	if (!s)
		status_bad++;
	status_seen |= s;
	wr32(WIN + INT_ACK, s);
	ticks++;
	tv_wrmsr(X2APIC_EOI, 0);
}

static void take_interrupts(void)
{
	asm volatile("sti; nop; nop; cli" : : : "memory");
}

static void pin_setup(int pin, uint32_t vector, uint32_t mode,
		      void (*h)(struct tv_ex_frame *))
{
	tv_guest_handlers[vector] = h;
	tv_wrmsr(X2APIC_SVR, 0x1ff);
	ioapic_write(0x11 + 2 * pin, 0);
	ioapic_write(0x10 + 2 * pin, vector | mode);
}

static void guest_edge(void)
{
	pin_setup(EDGE_PIN, EDGE_VECTOR, 0, edge_irq);
	GUEST_SYNC(1);
	take_interrupts();
	GUEST_SYNC_ARGS(2, ticks, 0, 0, 0);
	take_interrupts();
	GUEST_SYNC_ARGS(3, ticks, 0, 0, 0);
	GUEST_DONE();
}

/* A plain irqfd is a pulse on the pin; the pin is the irqfd's alone. */
TEST_F(irqfd, signal_interrupts_and_pin_refuses_irq_line)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_edge, &self->vcpu);
	ASSERT_EQ(0, __irqfd(self->vm, self->efd, EDGE_PIN, 0, 0, 0)) TH_LOG("%s", strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, __line(self->vm, EDGE_PIN, 1));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, __line(self->vm, EDGE_PIN + 1, 1));	/* the others are free */
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	signal_fd(self->efd);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	/* The wake-up consumed the count. */
	EXPECT_EQ(-1, read(self->efd, &uc.args[0], 8));
	EXPECT_EQ(EAGAIN, errno);

	/* Deassigned: the pin is userspace's again, a signal does nothing. */
	EXPECT_EQ(0, __irqfd(self->vm, self->efd, EDGE_PIN, TV_IRQFD_FLAG_DEASSIGN, 0, 0));
	signal_fd(self->efd);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(1, uc.args[1]);
	EXPECT_EQ(0, __line(self->vm, EDGE_PIN, 1));
	TV_RUN_DONE(self->vcpu, &uc);
}

/* A count already in the eventfd fires once at the assign. */
TEST_F(irqfd, signal_before_assign_is_delivered)
{
	struct tv_ucall uc;

	self->vm = tv_vm_create_with_vcpu(guest_edge, &self->vcpu);
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	signal_fd(self->efd);
	ASSERT_EQ(0, __irqfd(self->vm, self->efd, EDGE_PIN, 0, 0, 0));
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(1, uc.args[1]);
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(1, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
}

struct backend {
	int kick, call;
	int served;
};

/* A device's I/O thread: each kick is answered with a call. */
static void *backend_thread(void *arg)
{
	struct backend *b = arg;
	struct pollfd p = { .fd = b->kick, .events = POLLIN };
	uint64_t n;

	while (b->served < N_REQUESTS) {
		/* Longer than the test watches a stall (run_watching_stalls()). */
		if (poll(&p, 1, 70000) != 1)
			break;
		if (read(b->kick, &n, sizeof(n)) != sizeof(n))
			continue;
		b->served += n;
		signal_fd(b->call);
	}
	return NULL;
}

#define STALL_SECS	10
#define X2APIC_ISR0	0x810
#define X2APIC_TMR0	0x818
#define X2APIC_IRR0	0x820

/* The vector's bit in one of the APIC's 256-bit registers (8 MSRs). */
static int apic_bit(struct tv_vcpu *vcpu, uint32_t base, int vector)
{
	return (tv_get_msr(vcpu, base + vector / 32) >> (vector % 32)) & 1;
}

/* An eventfd's count, read without taking it (/proc's fdinfo); -1 if unknown. */
static long long eventfd_count(int fd)
{
	char path[64], line[128];
	long long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "eventfd-count: %llx", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * RUN until the guest's ucall, cut every STALL_SECS: when the backend
 * served nothing in one of those, the state that should have moved is
 * logged (served, the guest's count, the virtio vector in the APIC, the
 * pending event).  The number of such stalls; 6 in a row fail the test.
 */
static int run_watching_stalls(struct __test_metadata *_metadata, struct tv_vm *vm,
			       struct tv_vcpu *vcpu, struct backend *b)
{
	int stalls = 0, in_a_row = 0, last = -1;
	struct tv_events ev;
	struct tv_regs regs;
	uint64_t guest_ticks;
	bool alarm_came;

	for (;;) {
		if (__tv_vcpu_run_bounded(vcpu, STALL_SECS, &alarm_came) == 0)
			return stalls;
		if (!alarm_came || errno != EINTR) {
			TH_LOG("TV_RUN: %s", strerror(errno));
			return stalls + 1;
		}
		if (__atomic_load_n(&b->served, __ATOMIC_RELAXED) != last) {
			last = __atomic_load_n(&b->served, __ATOMIC_RELAXED);
			in_a_row = 0;
			continue;
		}
		stalls++;
		tv_read_guest(vm, (uint64_t)(uintptr_t)&ticks, &guest_ticks, sizeof(guest_ticks));
		tv_get_regs(vcpu, &regs);
		ASSERT_EQ(0, ioctl(vcpu->fd, TV_GET_EVENTS, &ev));
		TH_LOG("stalled: served %d, guest ticks %llu (waits for %llu), kick count %lld, "
		       "call count %lld, vector 0x%x IRR %d ISR %d TMR %d, "
		       "pending interrupt %s0x%x, rip 0x%llx rflags 0x%llx",
		       last, (unsigned long long)guest_ticks, (unsigned long long)regs.rdx,
		       eventfd_count(b->kick), eventfd_count(b->call), VIRTIO_VECTOR,
		       apic_bit(vcpu, X2APIC_IRR0, VIRTIO_VECTOR),
		       apic_bit(vcpu, X2APIC_ISR0, VIRTIO_VECTOR),
		       apic_bit(vcpu, X2APIC_TMR0, VIRTIO_VECTOR),
		       (ev.interrupt.flags & TV_EVENT_VALID) ? "" : "none, last ",
		       ev.interrupt.vector, (unsigned long long)regs.rip,
		       (unsigned long long)regs.rflags);
		if (++in_a_row == 6)
			return stalls;
	}
}

static void guest_virtio_requests(void)
{
	uint64_t i;

	pin_setup(VIRTIO_PIN, VIRTIO_VECTOR, REDIR_LEVEL, virtio_irq);
	GUEST_SYNC(1);
	for (i = 0; i < N_REQUESTS; i++) {
		wr32(WIN + QUEUE_NOTIFY, 0);
		/* sti's shadow covers hlt: an interrupt after sti still wakes it. */
		while (ticks < i + 1)
			asm volatile("sti; hlt; cli" : : : "memory");
	}
	take_interrupts();	/* the line is low: nothing more comes */
	GUEST_SYNC_ARGS(2, ticks, status_seen, status_bad, rd32(WIN + INT_STATUS));
	wr32(WIN + STATUS, 0);	/* a device reset: to userspace */
	GUEST_DONE();
}

/*
 * N requests (kick, call, status read, ACK): 0 exits to userspace.  Each
 * is a round trip through a host thread.  In an emulated machine with
 * four emulator threads on two cores it once ran past the harness's
 * default 30 s (slowness or a lost interrupt: not known); 120 s leaves
 * only the second.
 */
TEST_F_TIMEOUT(irqfd, virtio_requests_cost_no_userspace_exit, 120)
{
	struct tv_ioeventfd kick = {
		.addr = WIN + QUEUE_NOTIFY, .len = 4, .flags = TV_IOEVENTFD_FLAG_DATAMATCH,
	};
	struct backend b = { .served = 0 };
	struct tv_ucall uc;
	pthread_t t;
	int stalls;

	self->vm = tv_vm_create_with_vcpu(guest_virtio_requests, &self->vcpu);
	b.kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b.call = self->efd;
	ASSERT_LE(0, b.kick);
	kick.fd = b.kick;
	ASSERT_EQ(0, ioctl(self->vm->fd, TV_IOEVENTFD, &kick)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, __irqfd(self->vm, b.call, VIRTIO_PIN, TV_IRQFD_FLAG_VIRTIO_MMIO, 1, WIN))
		TH_LOG("%s", strerror(errno));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	ASSERT_EQ(0, pthread_create(&t, NULL, backend_thread, &b));
	/*
	 * One RUN: had any access of the N rounds exited, this would not be
	 * the ucall.  It is cut every STALL_SECS only to look: a stop of the
	 * round trips is a lost interrupt or wake-up, and is shown as such.
	 */
	stalls = run_watching_stalls(_metadata, self->vm, self->vcpu, &b);
	pthread_join(t, NULL);
	EXPECT_EQ(0, stalls) TH_LOG("round trips stopped for %d s", stalls * STALL_SECS);
	ASSERT_EQ(TV_UCALL_SYNC, tv_get_ucall(self->vcpu, &uc)) TH_LOG("%s", tv_exit_str(self->vcpu));
	ASSERT_EQ(2, uc.args[0]);
	EXPECT_EQ(N_REQUESTS, b.served);
	EXPECT_EQ(N_REQUESTS, uc.args[1]);
	EXPECT_EQ(1, uc.args[2]);		/* VRING, nothing else */
	EXPECT_EQ(0, uc.args[3]) TH_LOG("interrupts with InterruptStatus 0");
	EXPECT_EQ(0, uc.args[4]);
	/* Status 0 is the device's reset: userspace sees it. */
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);
	EXPECT_EQ(WIN + STATUS, self->vcpu->run->mmio.phys_addr);
	TV_RUN_DONE(self->vcpu, &uc);
	close(b.kick);
}

static void guest_reset_clears(void)
{
	pin_setup(VIRTIO_PIN, VIRTIO_VECTOR, REDIR_LEVEL, virtio_irq);
	GUEST_SYNC_ARGS(1, rd32(WIN + INT_STATUS), 0, 0, 0);
	/* The host set bits with interrupts off here; a reset drops them. */
	GUEST_SYNC_ARGS(2, rd32(WIN + INT_STATUS), 0, 0, 0);
	wr32(WIN + STATUS, 0);
	GUEST_SYNC_ARGS(3, rd32(WIN + INT_STATUS), 0, 0, 0);
	take_interrupts();
	GUEST_SYNC_ARGS(4, ticks, 0, 0, 0);
	GUEST_DONE();
}

/* Two irqfds on one window: each sets its bits; a reset clears them. */
TEST_F(irqfd, virtio_status_bits_and_reset)
{
	int config = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct tv_ucall uc;

	ASSERT_LE(0, config);
	self->vm = tv_vm_create_with_vcpu(guest_reset_clears, &self->vcpu);
	ASSERT_EQ(0, __irqfd(self->vm, self->efd, VIRTIO_PIN, TV_IRQFD_FLAG_VIRTIO_MMIO, 1, WIN));
	ASSERT_EQ(0, __irqfd(self->vm, config, VIRTIO_PIN, TV_IRQFD_FLAG_VIRTIO_MMIO, 2, WIN));
	TV_RUN_SYNC(self->vcpu, &uc, 1);
	EXPECT_EQ(0, uc.args[1]);
	signal_fd(self->efd);
	signal_fd(config);
	TV_RUN_SYNC(self->vcpu, &uc, 2);
	EXPECT_EQ(3, uc.args[1]);
	TV_ASSERT_RUN_OK(self->vcpu);
	TV_ASSERT_EXIT(self->vcpu, TV_EXIT_MMIO);	/* Status 0 */
	TV_RUN_SYNC(self->vcpu, &uc, 3);
	EXPECT_EQ(0, uc.args[1]);
	TV_RUN_SYNC(self->vcpu, &uc, 4);
	/*
	 * The vector the IOAPIC sent before the reset may still be pending in
	 * the APIC (interrupts were off): at most that one arrives, the line
	 * being low sends no other.
	 */
	EXPECT_GE(1, uc.args[1]);
	TV_RUN_DONE(self->vcpu, &uc);
	close(config);
}

/* The last close of the eventfd (EPOLLHUP) gives the pin back. */
TEST_F(irqfd, eventfd_closed_releases_the_pin)
{
	int i;

	self->vm = tv_vm_create();
	ASSERT_EQ(0, __irqfd(self->vm, self->efd, EDGE_PIN, 0, 0, 0));
	ASSERT_EQ(-1, __line(self->vm, EDGE_PIN, 1));
	close(self->efd);
	self->efd = -1;
	/* The shutdown is a work item: give it up to 2 s. */
	for (i = 0; i < 200 && __line(self->vm, EDGE_PIN, 1); i++)
		usleep(10000);
	EXPECT_EQ(0, __line(self->vm, EDGE_PIN, 1)) TH_LOG("%s", strerror(errno));
	/* Nothing left to deassign under a new eventfd at that number. */
	self->efd = eventfd(0, EFD_CLOEXEC);
	errno = 0;
	EXPECT_EQ(-1, __irqfd(self->vm, self->efd, EDGE_PIN, TV_IRQFD_FLAG_DEASSIGN, 0, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(irqfd, bad_inputs)
{
	uint32_t v = TV_IRQFD_FLAG_VIRTIO_MMIO, de = TV_IRQFD_FLAG_DEASSIGN;
	int other = eventfd(0, EFD_CLOEXEC), third = eventfd(0, EFD_CLOEXEC);
	struct tv_irqfd f = { .fd = self->efd, .gsi = 1 };
	struct tv_vcpu *vc;

	ASSERT_LE(0, other);
	ASSERT_LE(0, third);
	self->vm = tv_vm_create();
#define BAD(call, err) do {			\
		errno = 0;			\
		EXPECT_EQ(-1, call);		\
		EXPECT_EQ(err, errno);		\
	} while (0)
	BAD(__irqfd(self->vm, self->efd, 24, 0, 0, 0), EINVAL);
	BAD(__irqfd(self->vm, self->efd, 1, 0x4, 0, 0), EINVAL);
	BAD(__irqfd(self->vm, self->efd, 1, 0, 1, 0), EINVAL);		/* status without virtio */
	BAD(__irqfd(self->vm, self->efd, 1, 0, 0, WIN), EINVAL);
	BAD(__irqfd(self->vm, self->efd, 1, v, 0, WIN), EINVAL);	/* no bits */
	BAD(__irqfd(self->vm, self->efd, 1, v, 4, WIN), EINVAL);
	BAD(__irqfd(self->vm, self->efd, 1, v, 1, WIN + 0x10), EINVAL);	/* unaligned */
	BAD(__irqfd(self->vm, self->efd, 1, v, 1, ~0xfffULL), EINVAL);	/* wraps */
	BAD(__irqfd(self->vm, self->efd, 1, de | v, 0, 0), EINVAL);
	BAD(__irqfd(self->vm, -1, 1, 0, 0, 0), EBADF);
	BAD(__irqfd(self->vm, self->dev, 1, 0, 0, 0), EINVAL);		/* not an eventfd */
	BAD(__irqfd(self->vm, self->efd, 1, de, 0, 0), ENOENT);
	f.reserved[1] = 1;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQFD, &f, EINVAL);
	f.reserved[1] = 0;
	EXPECT_IOCTL_ERR(self->vm->fd, TV_IRQFD, NULL, EFAULT);
	EXPECT_IOCTL_ERR(self->dev, TV_IRQFD, &f, ENOTTY);
	vc = tv_vcpu_add(self->vm, 0);
	EXPECT_IOCTL_ERR(vc->fd, TV_IRQFD, &f, ENOTTY);

	/* One eventfd, one irqfd. */
	ASSERT_EQ(0, __irqfd(self->vm, self->efd, 1, 0, 0, 0));
	BAD(__irqfd(self->vm, self->efd, 2, 0, 0, 0), EBUSY);
	/* Plain irqfds may share a pin; a virtio window may not share one. */
	EXPECT_EQ(0, __irqfd(self->vm, other, 1, 0, 0, 0));
	BAD(__irqfd(self->vm, third, 1, v, 1, WIN), EBUSY);
	ASSERT_EQ(0, __irqfd(self->vm, third, VIRTIO_PIN, v, 1, WIN));
	close(other);
	other = eventfd(0, EFD_CLOEXEC);
	BAD(__irqfd(self->vm, other, VIRTIO_PIN, 0, 0, 0), EBUSY);
	BAD(__irqfd(self->vm, other, VIRTIO_PIN, v, 1, WIN + 0x1000), EBUSY);
	BAD(__irqfd(self->vm, other, VIRTIO_PIN + 1, v, 1, WIN), EINVAL);	/* window's pin is 10 */
	/* Deassign names the pin too. */
	BAD(__irqfd(self->vm, third, VIRTIO_PIN + 1, de, 0, 0), ENOENT);
	EXPECT_EQ(0, __irqfd(self->vm, third, VIRTIO_PIN, de, 0, 0));
	/* The window went with its last irqfd: another one may take the pin. */
	EXPECT_EQ(0, __irqfd(self->vm, other, VIRTIO_PIN, v, 2, WIN + 0x1000));
	EXPECT_EQ(64, ioctl(self->dev, TV_CHECK_CAP, TV_CAP_IRQFD));
	close(other);
	close(third);
}

/* At most TV_CAP_IRQFD irqfds per VM. */
TEST_F(irqfd, too_many_is_enospc)
{
	int fds[64 + 1], i;

	self->vm = tv_vm_create();
	for (i = 0; i <= 64; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, __irqfd(self->vm, fds[i], i % 24, 0, 0, 0)) TH_LOG("irqfd %d", i);
	errno = 0;
	EXPECT_EQ(-1, __irqfd(self->vm, fds[i], 0, 0, 0, 0));
	EXPECT_EQ(ENOSPC, errno);
	for (i = 0; i <= 64; i++)
		close(fds[i]);
}

static uint64_t drain(int efd)
{
	uint64_t n = 0;

	if (read(efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/*
 * Closing the VM with irqfds still assigned frees them; the eventfds live
 * on, and a signal after the close stays in the eventfd: no irqfd is left
 * to consume it.
 */
TEST_F(irqfd, vm_closed_with_live_irqfds)
{
	int i, other = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_LE(0, other);
	for (i = 0; i < 20; i++) {
		struct tv_vm *vm = tv_vm_create();

		ASSERT_EQ(0, __irqfd(vm, self->efd, EDGE_PIN, 0, 0, 0));
		ASSERT_EQ(0, __irqfd(vm, other, VIRTIO_PIN, TV_IRQFD_FLAG_VIRTIO_MMIO, 1, WIN));
		signal_fd(other);	/* the window's line is up when the VM goes */
		EXPECT_EQ(0, drain(other));
		tv_vm_free(vm);
		signal_fd(self->efd);
		signal_fd(other);
		EXPECT_EQ(1, drain(self->efd));
		EXPECT_EQ(1, drain(other));
	}
	close(other);
}

struct racer {
	int efd;
	volatile int stop;
	volatile long writes;
};

static void *writer_thread(void *arg)
{
	struct racer *r = arg;
	uint64_t one = 1;

	while (!r->stop)
		if (write(r->efd, &one, sizeof(one)) == sizeof(one))
			r->writes++;
	return NULL;
}

/*
 * Threads signal and close eventfds while the VM goes: the wake-ups, the
 * EPOLLHUP shutdowns and the VM's own teardown meet.  What this checks
 * is that the host survives (slab debugging is on in the test machines)
 * and the eventfds keep working.
 */
TEST_F(irqfd, racing_vm_destroy)
{
	int round;

	for (round = 0; round < 50; round++) {
		struct tv_vm *vm = tv_vm_create_with_vcpu(guest_edge, &self->vcpu);
		struct racer r[3] = {};
		pthread_t t[3];
		int i;

		for (i = 0; i < 3; i++) {
			r[i].efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			ASSERT_LE(0, r[i].efd);
			if (i < 2) {
				ASSERT_EQ(0, __irqfd(vm, r[i].efd, EDGE_PIN + i, 0, 0, 0));
			} else {
				ASSERT_EQ(0, __irqfd(vm, r[i].efd, VIRTIO_PIN,
						     TV_IRQFD_FLAG_VIRTIO_MMIO, 1, WIN));
			}
			ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_thread, &r[i]));
		}
		/* Every writer has signalled at least once (bounded: 10 s). */
		for (i = 0; i < 10000 && !(r[0].writes && r[1].writes && r[2].writes); i++)
			usleep(1000);
		/* One eventfd goes first (EPOLLHUP), then the VM under the others. */
		if (round & 1) {
			r[0].stop = 1;
			pthread_join(t[0], NULL);
			close(r[0].efd);
		}
		tv_vm_free(vm);
		for (i = (round & 1); i < 3; i++) {
			r[i].stop = 1;
			pthread_join(t[i], NULL);
			EXPECT_LT(0, r[i].writes);
			close(r[i].efd);
		}
	}
	self->vcpu = NULL;
}

TEST_HARNESS_MAIN
