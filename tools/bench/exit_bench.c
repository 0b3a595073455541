// SPDX-License-Identifier: GPL-2.0
/*
 * Exit-latency benchmark: the same real-mode guest code under
 * /dev/thinvisor and under /dev/kvm, one after the other (the two never
 * hold SVM/VMX at once), timed with CLOCK_MONOTONIC.  Prints
 *   bench exit_cpuid thinvisor=<us> kvm=<us> ratio=<thinvisor/kvm>
 *   bench exit_pio thinvisor=<us> kvm=<us> ratio=<thinvisor/kvm>
 *   bench exit_mmio_kernel thinvisor=<us> kvm=<us> ratio=<thinvisor/kvm>
 *   bench exit_floor thinvisor=<us> cpuid_over_floor=<ratio>
 *   bench exit_floor_hw thinvisor=<us> cpuid_over_hw_floor=<ratio>
 *   bench exit_cpuid_split total=<us> run_loop_p50=<us> switch_and_emulator=<us>
 *   bench exit_cpuid_stats thinvisor_on=<us> thinvisor_off=<us> ratio=<on/off>
 *   bench exit_pio_stats thinvisor_on=<us> thinvisor_off=<us> ratio=<on/off>
 * Figures from an emulated machine mean something only as ratios taken in
 * one run.  "exit_bench N thinvisor" or "exit_bench N kvm" measures one
 * hypervisor alone and prints only its figures (a hang then has one
 * suspect: Documentation/testing.rst, "Benchmarks").
 *
 * exit_cpuid is biased against KVM where the CPU has no NRIPS (SVM's next
 * RIP on exit; no QEMU TCG CPU offers it): KVM then steps over CPUID by
 * decoding it with its instruction emulator, while thinvisor adds the
 * instruction's fixed length.  exit_mmio_kernel is the fair one: both
 * sides take a nested-page fault on the IOAPIC's page, decode the
 * instruction (neither gets decode assists here) and answer the read from
 * their in-kernel IOAPIC, with no trip to userspace.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/thinvisor.h>

#include "thinstat/statsfile.h"

#define GUEST_MEM	0x10000
#define CODE_GPA	0x1000
#define PORT_DONE	0x10
#define PORT_PIO	0x11

/*
 * 16-bit guest code at CODE_GPA.  SI counts iterations (set by the host
 * in RSI).  cpuid_loop: CPUID SI times, then OUT to PORT_DONE.  pio_loop:
 * OUT to PORT_PIO SI times, then OUT to PORT_DONE.
 */
static const uint8_t cpuid_loop[] = {
	0x66, 0x31, 0xc0,		/* xor %eax, %eax */
	0x0f, 0xa2,			/* cpuid */
	0x4e,				/* dec %si */
	0x75, 0xf8,			/* jnz -8 */
	0xe6, PORT_DONE,		/* out %al, $PORT_DONE */
	0xf4,				/* hlt */
};

/*
 * mmio_loop: a 32-bit read of the IOAPIC's data window (IOWIN, offset
 * 0x10; IOREGSEL is 0 after reset, so the ID register) SI times.  DS's
 * base is the IOAPIC's address (guest_start(), mmio).
 */
#define IOAPIC_GPA	0xfec00000U

static const uint8_t mmio_loop[] = {
	0x66, 0xa1, 0x10, 0x00,		/* mov 0x10(ds), %eax */
	0x4e,				/* dec %si */
	0x75, 0xf9,			/* jnz -7 */
	0xe6, PORT_DONE,		/* out %al, $PORT_DONE */
	0xf4,				/* hlt */
};

static const uint8_t pio_loop[] = {
	0xe6, PORT_PIO,			/* out %al, $PORT_PIO */
	0x4e,				/* dec %si */
	0x75, 0xfb,			/* jnz -5 */
	0xe6, PORT_DONE,		/* out %al, $PORT_DONE */
	0xf4,				/* hlt */
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "exit_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One guest on either hypervisor, behind the same three calls. */
struct guest {
	int dev, vm, vcpu;
	void *mem;
	void *run;
	size_t run_size;
	bool kvm;
};

/* mmio: the guest reads the IOAPIC, which KVM has only with its irqchip. */
static void guest_open(struct guest *g, bool kvm, bool mmio)
{
	memset(g, 0, sizeof(*g));
	g->kvm = kvm;
	g->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		die("mmap");
	g->dev = open(kvm ? "/dev/kvm" : "/dev/thinvisor", O_RDWR | O_CLOEXEC);
	if (g->dev < 0)
		die(kvm ? "/dev/kvm" : "/dev/thinvisor");
	if (kvm) {
		struct kvm_userspace_memory_region r = {
			.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM,
			.userspace_addr = (uintptr_t)g->mem,
		};
		int size;

		g->vm = ioctl(g->dev, KVM_CREATE_VM, 0);
		if (g->vm < 0 || ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &r))
			die("KVM VM");
		if (mmio && ioctl(g->vm, KVM_CREATE_IRQCHIP, 0))
			die("KVM_CREATE_IRQCHIP");
		g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
		size = ioctl(g->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
		if (g->vcpu < 0 || size <= 0)
			die("KVM vCPU");
		g->run_size = size;
	} else {
		struct tv_memory_region r = {
			.slot = 0, .guest_phys_addr = 0, .size = GUEST_MEM,
			.userspace_addr = (uintptr_t)g->mem,
		};

		g->vm = ioctl(g->dev, TV_CREATE_VM, 0);
		if (g->vm < 0 || ioctl(g->vm, TV_SET_MEMORY_REGION, &r))
			die("thinvisor VM");
		g->vcpu = ioctl(g->vm, TV_CREATE_VCPU, 0);
		if (g->vcpu < 0)
			die("thinvisor vCPU");
		g->run_size = ioctl(g->dev, TV_CHECK_CAP, TV_CAP_RUN_SIZE);
	}
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	if (g->run == MAP_FAILED)
		die("mmap run");
}

/* The run mapping holds the vCPU, and so the VM: it goes first. */
static void guest_close(struct guest *g)
{
	munmap(g->run, g->run_size);
	close(g->vcpu);
	close(g->vm);
	close(g->dev);
	munmap(g->mem, GUEST_MEM);
}

/* Real mode, CS:IP = 0:CODE_GPA, SI = iterations, DS at ds_base. */
static void guest_start(struct guest *g, const uint8_t *code, size_t len, uint16_t n,
			uint32_t ds_base)
{
	memcpy((char *)g->mem + CODE_GPA, code, len);
	if (g->kvm) {
		struct kvm_sregs s;
		struct kvm_regs r = { .rip = CODE_GPA, .rsi = n, .rflags = 2 };

		if (ioctl(g->vcpu, KVM_GET_SREGS, &s))
			die("KVM_GET_SREGS");
		s.cs.base = 0;
		s.cs.selector = 0;
		s.ds.base = ds_base;
		if (ioctl(g->vcpu, KVM_SET_SREGS, &s) || ioctl(g->vcpu, KVM_SET_REGS, &r))
			die("KVM set state");
	} else {
		struct tv_segment seg = { .limit = 0xffff, .attrib = 0x93 };
		struct tv_segment code_seg = { .limit = 0xffff, .attrib = 0x9b };
		struct tv_segment data_seg = { .base = ds_base, .limit = 0xffff, .attrib = 0x93 };
		struct tv_sregs s = {
			.cs = code_seg, .ds = data_seg, .es = seg, .fs = seg, .gs = seg,
			.ss = seg, .cr0 = 0x10,
			.tr = { .limit = 0xffff, .attrib = 0x8b },
			.ldt = { .limit = 0xffff, .attrib = 0x82 },
			.gdt = { .limit = 0xffff }, .idt = { .limit = 0xffff },
		};
		struct tv_regs r = { .rip = CODE_GPA, .rsi = n, .rflags = 2 };

		if (ioctl(g->vcpu, TV_SET_SREGS, &s) || ioctl(g->vcpu, TV_SET_REGS, &r))
			die("thinvisor set state");
	}
}

/* Run until an OUT; its port, or -1 for anything else. */
static int guest_run(struct guest *g)
{
	if (g->kvm) {
		struct kvm_run *run = g->run;

		if (ioctl(g->vcpu, KVM_RUN, 0))
			die("KVM_RUN");
		return run->exit_reason == KVM_EXIT_IO ? run->io.port : -1;
	} else {
		struct tv_run *run = g->run;

		if (ioctl(g->vcpu, TV_RUN, 0))
			die("TV_RUN");
		return run->exit_reason == TV_EXIT_IO ? run->io.port : -1;
	}
}

/* Microseconds per exit for n iterations of code. */
/*
 * The median time a CPUID exit spent in the kernel, exit to next entry,
 * in microseconds, from the VM's statistics (warm-up included); -1 where
 * the statistics are off or absent.
 */
static double last_kernel_p50_us = -1;

static void read_kernel_p50(struct guest *g)
{
	int fd = ioctl(g->vm, TV_GET_STATS_FD, 0);
	const struct tv_stats_desc *d;
	struct statsfile s;

	last_kernel_p50_us = -1;
	if (fd < 0)
		return;
	if (!statsfile_read(fd, &s)) {
		d = statsfile_desc(&s, "exit_cycles.cpuid");
		if (d && (s.h->flags & TV_STATS_F_COUNTING))
			last_kernel_p50_us = statsfile_hist_pct_ns(&s, d, 50) / 1e3;
		statsfile_free(&s);
	}
	close(fd);
}

static double measure(bool kvm, const uint8_t *code, size_t len, int n)
{
	bool mmio = code == mmio_loop;
	uint32_t ds_base = mmio ? IOAPIC_GPA : 0;
	struct guest g;
	double t0, t;
	int port;

	/*
	 * Which one runs, on stderr: where KVM nested in QEMU's TCG stops the
	 * machine (testing.rst, "Benchmarks"), the console's last line
	 * names the hypervisor.
	 */
	fprintf(stderr, "# measuring %s %s\n", kvm ? "KVM" : "thinvisor",
		code == cpuid_loop ? "cpuid" : mmio ? "mmio" : "pio");
	guest_open(&g, kvm, mmio);
	/* A short warm-up run first: page faults and caches out of the way. */
	guest_start(&g, code, len, 100, ds_base);
	while ((port = guest_run(&g)) == PORT_PIO)
		;
	guest_start(&g, code, len, n, ds_base);
	t0 = now_us();
	while ((port = guest_run(&g)) == PORT_PIO)
		;
	t = now_us() - t0;
	if (port != PORT_DONE) {
		fprintf(stderr, "exit_bench: %s guest stopped unexpectedly\n",
			kvm ? "KVM" : "thinvisor");
		exit(1);
	}
	if (!kvm)
		read_kernel_p50(&g);
	guest_close(&g);
	return t / n;
}

static void set_knob(const char *path, bool on)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, on ? "1" : "0", 1) != 1)
		die(path);
	close(fd);
}

static void set_floor(bool on)
{
	set_knob("/sys/kernel/debug/thinvisor/cpuid_floor", on);
}

/* The exit statistics (Documentation/tracing.rst): on by default. */
static void set_stats(bool on)
{
	set_knob("/sys/kernel/debug/thinvisor/stats", on);
}

/* Whether the CPU offers NRIPS: CPUID 0x8000000a EDX bit 3. */
static bool nrips_here(void)
{
	unsigned int a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000U), "c"(0));
	if (a < 0x8000000aU)
		return false;
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x8000000aU), "c"(0));
	return d & (1U << 3);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define ROUNDS 5

enum { TV_CPUID, KVM_CPUID, TV_PIO, KVM_PIO, TV_MMIO, KVM_MMIO, FLOOR,
       TV_CPUID_NOSTATS, TV_PIO_NOSTATS, FLOOR_HW, CPUID_KERNEL, NR_FIGURES };

/* Which hypervisors to measure: both, or one alone (argv[2]). */
static bool run_tv = true, run_kvm = true;

/* A figure of a hypervisor left out is NaN, and its lines are not printed. */
static double measure_if(bool kvm, const uint8_t *code, size_t len, int n)
{
	if (!(kvm ? run_kvm : run_tv))
		return NAN;
	return measure(kvm, code, len, n);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	double fig[NR_FIGURES][ROUNDS], med[NR_FIGURES];
	int i, r;

	if (argc > 2) {
		run_tv = !strcmp(argv[2], "thinvisor");
		run_kvm = !strcmp(argv[2], "kvm");
	}
	if (n <= 0 || n > 65535 || argc > 3 || !(run_tv || run_kvm)) {
		fprintf(stderr, "usage: exit_bench [iterations 1..65535 [thinvisor|kvm]]\n");
		return 2;
	}
	/*
	 * The figures are taken in turn, round after round, and each is the
	 * median of its rounds: a slow spell of the emulator then spoils one
	 * round of every figure, not every round of one.
	 */
	for (r = 0; r < ROUNDS; r++) {
		fig[TV_CPUID][r] = measure_if(false, cpuid_loop, sizeof(cpuid_loop), n);
		fig[CPUID_KERNEL][r] = last_kernel_p50_us;
		fig[KVM_CPUID][r] = measure_if(true, cpuid_loop, sizeof(cpuid_loop), n);
		fig[TV_PIO][r] = measure_if(false, pio_loop, sizeof(pio_loop), n);
		fig[KVM_PIO][r] = measure_if(true, pio_loop, sizeof(pio_loop), n);
		fig[TV_MMIO][r] = measure_if(false, mmio_loop, sizeof(mmio_loop), n);
		fig[KVM_MMIO][r] = measure_if(true, mmio_loop, sizeof(mmio_loop), n);
		if (run_tv) {
			set_floor(true);
			fig[FLOOR][r] = measure(false, cpuid_loop, sizeof(cpuid_loop), n);
			set_floor(false);
			/* CPUID exits resumed by the backend's world switch alone (SVM). */
			set_knob("/sys/kernel/debug/thinvisor/cpuid_floor_hw", true);
			fig[FLOOR_HW][r] = measure(false, cpuid_loop, sizeof(cpuid_loop), n);
			set_knob("/sys/kernel/debug/thinvisor/cpuid_floor_hw", false);
			/* The same two loops with the exit statistics off. */
			set_stats(false);
			fig[TV_CPUID_NOSTATS][r] = measure(false, cpuid_loop, sizeof(cpuid_loop), n);
			fig[TV_PIO_NOSTATS][r] = measure(false, pio_loop, sizeof(pio_loop), n);
			set_stats(true);
		}
		/* Progress on stderr: a round that never ends says where. */
		fprintf(stderr, "# exit_bench: round %d of %d done\n", r + 1, ROUNDS);
	}
	for (i = 0; i < NR_FIGURES; i++) {
		qsort(fig[i], ROUNDS, sizeof(double), cmp_double);
		med[i] = fig[i][ROUNDS / 2];
	}

	if (!run_tv) {
		printf("bench exit_cpuid kvm=%.2f\n", med[KVM_CPUID]);
		printf("bench exit_pio kvm=%.2f\n", med[KVM_PIO]);
		printf("bench exit_mmio_kernel kvm=%.2f\n", med[KVM_MMIO]);
	} else if (!run_kvm) {
		printf("bench exit_cpuid thinvisor=%.2f\n", med[TV_CPUID]);
		printf("bench exit_pio thinvisor=%.2f\n", med[TV_PIO]);
		printf("bench exit_mmio_kernel thinvisor=%.2f\n", med[TV_MMIO]);
	} else {
		printf("bench exit_cpuid thinvisor=%.2f kvm=%.2f ratio=%.2f\n",
		       med[TV_CPUID], med[KVM_CPUID], med[TV_CPUID] / med[KVM_CPUID]);
		printf("bench exit_pio thinvisor=%.2f kvm=%.2f ratio=%.2f\n",
		       med[TV_PIO], med[KVM_PIO], med[TV_PIO] / med[KVM_PIO]);
		printf("bench exit_mmio_kernel thinvisor=%.2f kvm=%.2f ratio=%.2f\n",
		       med[TV_MMIO], med[KVM_MMIO], med[TV_MMIO] / med[KVM_MMIO]);
	}
	if (run_tv) {
		printf("bench exit_floor thinvisor=%.2f cpuid_over_floor=%.2f\n",
		       med[FLOOR], med[TV_CPUID] / med[FLOOR]);
		printf("bench exit_floor_hw thinvisor=%.2f cpuid_over_hw_floor=%.2f\n",
		       med[FLOOR_HW], med[TV_CPUID] / med[FLOOR_HW]);
		/* Where a CPUID exit's time goes: the RUN loop, and all the rest. */
		printf("bench exit_cpuid_split total=%.2f run_loop_p50=%.2f switch_and_emulator=%.2f\n",
		       med[TV_CPUID], med[CPUID_KERNEL], med[TV_CPUID] - med[CPUID_KERNEL]);
		printf("bench exit_cpuid_stats thinvisor_on=%.2f thinvisor_off=%.2f ratio=%.3f\n",
		       med[TV_CPUID], med[TV_CPUID_NOSTATS], med[TV_CPUID] / med[TV_CPUID_NOSTATS]);
		printf("bench exit_pio_stats thinvisor_on=%.2f thinvisor_off=%.2f ratio=%.3f\n",
		       med[TV_PIO], med[TV_PIO_NOSTATS], med[TV_PIO] / med[TV_PIO_NOSTATS]);
	}
	printf("# microseconds per exit, medians of %d rounds of %d exits\n", ROUNDS, n);
	printf("# exit_bench: exit_cpuid is biased against KVM on a CPU without NRIPS (%s here):"
	       " KVM steps over CPUID with its instruction emulator, thinvisor adds"
	       " a fixed length; exit_mmio_kernel (an IOAPIC read both handle in the"
	       " kernel, both decoding the instruction) is the like-for-like figure\n",
	       nrips_here() ? "it has NRIPS" : "no NRIPS");
	return 0;
}
