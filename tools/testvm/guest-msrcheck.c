// SPDX-License-Identifier: GPL-2.0
/*
 * msrcheck: run inside a Linux guest of thinrun (the test guest's
 * initramfs, tools/testvm/guest-init.sh).  It reads the CPUID the guest
 * sees and, through the msr driver (/dev/cpu/N/msr, where a #GP makes
 * pread() fail with EIO), reads on every CPU each MSR that a bit it sees
 * implies (kmod/cpuid_policy.c's table): every one must read.  The MSRs
 * of bits the guest does not see, where the module does not back them,
 * must take #GP: a hidden feature is hidden all the way.
 * Prints one line per problem and a summary; exit status 1 on any.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpuid_policy.h"

/* Not <cpuid.h>: -Ikmod makes that the module's own cpuid.h. */
static void cpuid_insn(u32 fn, u32 index, u32 out[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(fn), "c"(index));
}

static bool guest_has(const struct tv_cpuid_msr_dep *d)
{
	u32 r[4], max[4];

	cpuid_insn(d->function & 0x80000000, 0, max);
	if (d->function > max[0])
		return false;
	cpuid_insn(d->function, d->index, r);
	return r[d->reg] >> d->bit & 1;
}

/* Whether any feature the guest sees implies this MSR. */
static bool msr_implied(u32 msr)
{
	unsigned int i;

	for (i = 0; i < tv_cpuid_nr_msr_deps; i++)
		if (tv_cpuid_msr_deps[i].msr == msr && guest_has(&tv_cpuid_msr_deps[i]))
			return true;
	return false;
}

/*
 * A write-only MSR (PRED_CMD, FLUSH_CMD) takes #GP on a read on the CPU
 * too: it is written 0, which does nothing.
 */
static bool msr_access(int fd, const struct tv_cpuid_msr_dep *d)
{
	u64 v = 0;

	if (tv_msr_write_only(d->msr))
		return pwrite(fd, &v, sizeof(v), d->msr) == sizeof(v);
	return pread(fd, &v, sizeof(v), d->msr) == sizeof(v);
}

int main(void)
{
	int cpu, read_ok = 0, faults = 0, leaks = 0, cpus = 0;
	unsigned int i;

	for (cpu = 0; cpu < 64; cpu++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
		fd = open(path, O_RDWR);
		if (fd < 0) {
			if (errno == ENOENT)
				break;
			printf("thinvisor-guest: msrcheck: %s: %s\n", path, strerror(errno));
			return 1;
		}
		cpus++;
		for (i = 0; i < tv_cpuid_nr_msr_deps; i++) {
			const struct tv_cpuid_msr_dep *d = &tv_cpuid_msr_deps[i];
			bool seen = guest_has(d);
			u64 base;
			bool ok;

			/*
			 * The x2APIC registers exist in x2APIC mode only (#GP
			 * otherwise, as on hardware); Linux leaves that mode
			 * under a hypervisor it does not know.
			 */
			if (d->msr >= 0x800 && d->msr <= 0x8ff &&
			    (pread(fd, &base, sizeof(base), 0x1b) != sizeof(base) ||
			     !(base & (1 << 10))))
				continue;
			ok = msr_access(fd, d);

			if (seen && ok) {
				read_ok++;
			} else if (seen) {
				printf("thinvisor-guest: msrcheck: cpu %d: MSR %#x (%s) takes #GP, though CPUID says so\n",
				       cpu, d->msr, d->name);
				faults++;
			} else if (ok && !msr_implied(d->msr) &&
				   (!tv_msr_backed(d->msr) || tv_msr_needs_cpuid(d->msr))) {
				printf("thinvisor-guest: msrcheck: cpu %d: MSR %#x (%s) reads, though hidden\n",
				       cpu, d->msr, d->name);
				leaks++;
			}
		}
		close(fd);
	}
	if (!cpus) {
		printf("thinvisor-guest: msrcheck: no /dev/cpu/0/msr (msr.ko not loaded?)\n");
		return 1;
	}
	printf("thinvisor-guest: msrcheck: %d cpus, %d MSRs read, %d #GP, %d hidden but readable\n",
	       cpus, read_ok, faults, leaks);
	return faults || leaks || !read_ok;
}
