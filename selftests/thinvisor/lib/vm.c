// SPDX-License-Identifier: GPL-2.0
/* VMs, memory slots, vCPUs and register state. */
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>

#include "tv_util.h"

void tv_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("# tv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int tv_open_dev(void)
{
	return open("/dev/thinvisor", O_RDWR | O_CLOEXEC);
}

long tv_check_cap(long cap)
{
	int fd = tv_open_dev();
	long r;

	TV_CHECK(fd >= 0, "/dev/thinvisor: %s", strerror(errno));
	r = ioctl(fd, TV_CHECK_CAP, cap);
	close(fd);
	TV_CHECK(r >= 0, "TV_CHECK_CAP %ld: %s", cap, strerror(errno));
	return r;
}

int tv_nr_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

long tv_meminfo_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, n) && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

long tv_module_refcnt(void)
{
	FILE *f = fopen("/sys/module/thinvisor/refcnt", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static long cap_or(struct tv_vm *vm, long cap, const char *name, long dflt)
{
	static int told;
	long r = ioctl(vm->dev_fd, TV_CHECK_CAP, cap);

	if (r > 0)
		return r;
	if (!(told & (1 << cap)))
		fprintf(stderr, "# tv: %s is %ld; assuming %ld\n", name, r, dflt);
	told |= 1 << cap;
	return dflt;
}

struct tv_vm *tv_vm_create(void)
{
	struct tv_vm *vm = calloc(1, sizeof(*vm));

	TV_CHECK(vm, "no memory");
	vm->dev_fd = tv_open_dev();
	TV_CHECK(vm->dev_fd >= 0, "/dev/thinvisor: %s", strerror(errno));
	vm->fd = ioctl(vm->dev_fd, TV_CREATE_VM, 0);
	TV_CHECK(vm->fd >= 0, "TV_CREATE_VM: %s", strerror(errno));

	vm->vendor = ioctl(vm->dev_fd, TV_CHECK_CAP, TV_CAP_VENDOR);
	TV_CHECK(vm->vendor > 0, "TV_CAP_VENDOR is %d", vm->vendor);
	/*
	 * A module that does not report these (caps_test fails then) gets
	 * the smallest sensible values, so that the other tests still run.
	 */
	vm->nr_slots = cap_or(vm, TV_CAP_NR_SLOTS, "TV_CAP_NR_SLOTS", 8);
	vm->max_vcpus = cap_or(vm, TV_CAP_NR_VCPUS, "TV_CAP_NR_VCPUS", 16);
	vm->run_size = cap_or(vm, TV_CAP_RUN_SIZE, "TV_CAP_RUN_SIZE", 4096);
	vm->slots = calloc(vm->nr_slots, sizeof(*vm->slots));
	vm->vcpus = calloc(vm->max_vcpus, sizeof(*vm->vcpus));
	TV_CHECK(vm->slots && vm->vcpus, "no memory");
	return vm;
}

void tv_vm_free(struct tv_vm *vm)
{
	int i;

	if (!vm)
		return;
	for (i = 0; i < vm->max_vcpus; i++) {
		struct tv_vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		munmap(v->run, v->run_size);
		close(v->fd);
		free(v);
	}
	close(vm->fd);
	for (i = 0; i < vm->nr_slots; i++)
		if (vm->slots[i].used && vm->slots[i].owned)
			munmap(vm->slots[i].hva, vm->slots[i].size);
	close(vm->dev_fd);
	free(vm->slots);
	free(vm->vcpus);
	free(vm);
}

int __tv_set_memory_region(struct tv_vm *vm, uint32_t slot, uint32_t flags,
			   uint64_t gpa, uint64_t size, void *hva)
{
	struct tv_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	int ret = ioctl(vm->fd, TV_SET_MEMORY_REGION, &r);

	if (ret == 0 && slot < (uint32_t)vm->nr_slots) {
		struct tv_slot *s = &vm->slots[slot];

		/* The caller owns what it replaced unless we mapped it. */
		if (s->used && s->owned && s->hva != hva)
			munmap(s->hva, s->size);
		s->used = size != 0;
		s->flags = flags;
		s->gpa = gpa;
		s->size = size;
		s->hva = hva;
		s->owned = 0;
	}
	return ret;
}

void tv_set_memory_region(struct tv_vm *vm, uint32_t slot, uint32_t flags,
			  uint64_t gpa, uint64_t size, void *hva)
{
	int r = __tv_set_memory_region(vm, slot, flags, gpa, size, hva);

	TV_CHECK(r == 0, "TV_SET_MEMORY_REGION slot %u gpa 0x%lx size 0x%lx: %s",
		 slot, (unsigned long)gpa, (unsigned long)size, strerror(errno));
}

void *tv_vm_add_ram(struct tv_vm *vm, uint32_t slot, uint64_t gpa,
		    uint64_t size, uint32_t flags)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	TV_CHECK(p != MAP_FAILED, "mmap %lu bytes: %s", (unsigned long)size,
		 strerror(errno));
	tv_set_memory_region(vm, slot, flags, gpa, size, p);
	vm->slots[slot].owned = 1;
	return p;
}

void tv_vm_delete_slot(struct tv_vm *vm, uint32_t slot)
{
	tv_set_memory_region(vm, slot, 0, 0, 0, NULL);
}

void *__tv_gpa2hva(struct tv_vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < vm->nr_slots; i++) {
		struct tv_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return (uint8_t *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

void *tv_gpa2hva(struct tv_vm *vm, uint64_t gpa)
{
	void *p = __tv_gpa2hva(vm, gpa);

	TV_CHECK(p, "no slot holds gpa 0x%lx", (unsigned long)gpa);
	return p;
}

/* The bytes of [gpa, gpa + len) that one slot holds, from gpa on. */
static void *slot_span(struct tv_vm *vm, uint64_t gpa, size_t len, size_t *n)
{
	int i;

	for (i = 0; i < vm->nr_slots; i++) {
		struct tv_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size) {
			*n = s->size - (gpa - s->gpa);
			if (*n > len)
				*n = len;
			return (uint8_t *)s->hva + (gpa - s->gpa);
		}
	}
	tv_die("no slot holds gpa 0x%lx", (unsigned long)gpa);
}

void tv_read_guest(struct tv_vm *vm, uint64_t gpa, void *buf, size_t len)
{
	size_t n;

	while (len) {
		void *p = slot_span(vm, gpa, len, &n);

		memcpy(buf, p, n);
		buf = (uint8_t *)buf + n;
		gpa += n;
		len -= n;
	}
}

void tv_write_guest(struct tv_vm *vm, uint64_t gpa, const void *buf, size_t len)
{
	size_t n;

	while (len) {
		void *p = slot_span(vm, gpa, len, &n);

		memcpy(p, buf, n);
		buf = (const uint8_t *)buf + n;
		gpa += n;
		len -= n;
	}
}

uint64_t tv_vm_alloc(struct tv_vm *vm, size_t size)
{
	uint64_t gpa = vm->heap_next;

	TV_CHECK(vm->std_layout, "tv_vm_alloc needs a standard VM");
	size = (size + 0xfff) & ~0xfffUL;
	TV_CHECK(gpa + size <= TV_HEAP_END, "guest heap full (%zu more bytes)", size);
	vm->heap_next += size;
	memset(tv_gpa2hva(vm, gpa), 0, size);
	return gpa;
}

void tv_vm_set_cpuid(struct tv_vm *vm, const struct tv_cpuid_entry *e, uint32_t n)
{
	struct tv_cpuid *c = calloc(1, sizeof(*c) + n * sizeof(*e));

	TV_CHECK(c, "no memory");
	c->nent = n;
	memcpy(c->entries, e, n * sizeof(*e));
	TV_CHECK(ioctl(vm->fd, TV_SET_CPUID, c) == 0, "TV_SET_CPUID (%u entries): %s",
		 n, strerror(errno));
	free(c);
}

int __tv_enable_cap(struct tv_vm *vm, uint32_t cap, uint64_t arg0)
{
	struct tv_enable_cap c = { .cap = cap, .args[0] = arg0 };

	return ioctl(vm->fd, TV_ENABLE_CAP, &c);
}

int __tv_create_vcpu(struct tv_vm *vm, unsigned long id)
{
	return ioctl(vm->fd, TV_CREATE_VCPU, id);
}

struct tv_vcpu *tv_vcpu_add(struct tv_vm *vm, int id)
{
	struct tv_vcpu *v = calloc(1, sizeof(*v));

	TV_CHECK(v, "no memory");
	TV_CHECK(id >= 0 && id < vm->max_vcpus && !vm->vcpus[id], "vCPU id %d", id);
	v->vm = vm;
	v->id = id;
	v->fd = __tv_create_vcpu(vm, id);
	if (v->fd < 0 && errno == EOPNOTSUPP && getenv("TV_VCPUS_OFF")) {
		/*
		 * VMX vCPUs are off with vmx_vcpus=0: the test SKIPs, but only
		 * where the machine asked for that (run-tests.sh sets
		 * TV_VCPUS_OFF); anywhere else EOPNOTSUPP is a failure.
		 */
		printf("# SKIP: this backend's vCPUs are off (TV_CREATE_VCPU: EOPNOTSUPP)\n");
		fflush(stdout);
		_exit(255);
	}
	TV_CHECK(v->fd >= 0, "TV_CREATE_VCPU %d: %s", id, strerror(errno));
	v->run_size = vm->run_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	TV_CHECK(v->run != MAP_FAILED, "mmap of the run page of vCPU %d: %s", id,
		 strerror(errno));
	vm->vcpus[id] = v;
	return v;
}

int __tv_vcpu_run(struct tv_vcpu *vcpu)
{
	return ioctl(vcpu->fd, TV_RUN, 0);
}

static volatile sig_atomic_t tv_alarm_came;

static void tv_on_alarm(int sig)
{
	tv_alarm_came = 1;
}

int __tv_vcpu_run_bounded(struct tv_vcpu *vcpu, unsigned int secs, bool *alarm_came)
{
	struct sigaction sa = { .sa_handler = tv_on_alarm };	/* no SA_RESTART */
	int r, err;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	tv_alarm_came = 0;
	alarm(secs);
	r = __tv_vcpu_run(vcpu);
	err = errno;
	alarm(0);
	*alarm_came = tv_alarm_came;
	errno = err;
	return r;
}

void tv_vcpu_run(struct tv_vcpu *vcpu)
{
	int r = __tv_vcpu_run(vcpu);

	TV_CHECK(r == 0, "TV_RUN vCPU %d: %s (%s)", vcpu->id, strerror(errno),
		 tv_exit_str(vcpu));
}

#define TV_VCPU_IOCTL(vcpu, req, arg) do {				\
	int __r = ioctl((vcpu)->fd, (req), (arg));			\
	TV_CHECK(__r == 0, "%s on vCPU %d: %s", #req, (vcpu)->id,	\
		 strerror(errno));					\
} while (0)

void tv_get_regs(struct tv_vcpu *vcpu, struct tv_regs *regs)
{
	TV_VCPU_IOCTL(vcpu, TV_GET_REGS, regs);
}

void tv_set_regs(struct tv_vcpu *vcpu, const struct tv_regs *regs)
{
	TV_VCPU_IOCTL(vcpu, TV_SET_REGS, regs);
}

void tv_get_sregs(struct tv_vcpu *vcpu, struct tv_sregs *sregs)
{
	TV_VCPU_IOCTL(vcpu, TV_GET_SREGS, sregs);
}

void tv_set_sregs(struct tv_vcpu *vcpu, const struct tv_sregs *sregs)
{
	TV_VCPU_IOCTL(vcpu, TV_SET_SREGS, sregs);
}

void tv_get_xsave(struct tv_vcpu *vcpu, struct tv_xsave *x)
{
	TV_VCPU_IOCTL(vcpu, TV_GET_XSAVE, x);
}

void tv_set_xsave(struct tv_vcpu *vcpu, const struct tv_xsave *x)
{
	TV_VCPU_IOCTL(vcpu, TV_SET_XSAVE, x);
}

uint64_t tv_get_msr(struct tv_vcpu *vcpu, uint32_t index)
{
	struct {
		struct tv_msrs h;
		struct tv_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = index };
	int r = ioctl(vcpu->fd, TV_GET_MSRS, &m);

	TV_CHECK(r == 1, "TV_GET_MSRS 0x%x on vCPU %d: %d (%s)", index, vcpu->id,
		 r, r < 0 ? strerror(errno) : "not processed");
	return m.e.data;
}

void tv_set_msr(struct tv_vcpu *vcpu, uint32_t index, uint64_t val)
{
	struct {
		struct tv_msrs h;
		struct tv_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = index, .e.data = val };
	int r = ioctl(vcpu->fd, TV_SET_MSRS, &m);

	TV_CHECK(r == 1, "TV_SET_MSRS 0x%x on vCPU %d: %d (%s)", index, vcpu->id,
		 r, r < 0 ? strerror(errno) : "not processed");
}

void tv_vcpu_set_args(struct tv_vcpu *vcpu, int n, ...)
{
	struct tv_regs regs;
	__u64 *dst[6];
	va_list ap;
	int i;

	TV_CHECK(n >= 0 && n <= 6, "%d arguments", n);
	tv_get_regs(vcpu, &regs);
	dst[0] = &regs.rdi;
	dst[1] = &regs.rsi;
	dst[2] = &regs.rdx;
	dst[3] = &regs.rcx;
	dst[4] = &regs.r8;
	dst[5] = &regs.r9;
	va_start(ap, n);
	for (i = 0; i < n; i++)
		*dst[i] = va_arg(ap, uint64_t);
	va_end(ap);
	tv_set_regs(vcpu, &regs);
}
