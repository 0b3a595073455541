// SPDX-License-Identifier: GPL-2.0
/* The host side of ucalls (tv_ucall.h), and exits in words. */
#include "tv_util.h"

uint64_t tv_get_ucall(struct tv_vcpu *vcpu, struct tv_ucall *uc)
{
	struct tv_run *run = vcpu->run;
	struct tv_ucall local;

	if (!uc)
		uc = &local;
	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != TV_EXIT_IO || run->io.port != TV_UCALL_PORT ||
	    run->io.direction != TV_IO_OUT || run->io.count != 1)
		return TV_UCALL_NONE;

	if (run->io.size == 4) {
		uint32_t gpa;

		memcpy(&gpa, tv_io_data(vcpu), 4);
		if (!__tv_gpa2hva(vcpu->vm, gpa) ||
		    !__tv_gpa2hva(vcpu->vm, gpa + sizeof(*uc) - 1))
			return TV_UCALL_NONE;
		tv_read_guest(vcpu->vm, gpa, uc, sizeof(*uc));
	} else if (run->io.size == 1) {
		struct tv_regs regs;

		tv_get_regs(vcpu, &regs);
		uc->cmd = *(uint8_t *)tv_io_data(vcpu);
		uc->args[0] = regs.rbx;
		uc->args[1] = regs.rcx;
		uc->args[2] = regs.rdx;
		uc->args[3] = regs.rsi;
	} else {
		return TV_UCALL_NONE;
	}
	return uc->cmd;
}

const char *tv_exit_reason_str(uint32_t reason)
{
	static const char *const names[] = {
		[TV_EXIT_NONE] = "NONE",
		[TV_EXIT_IO] = "IO",
		[TV_EXIT_MMIO] = "MMIO",
		[TV_EXIT_HYPERCALL] = "HYPERCALL",
		[TV_EXIT_SHUTDOWN] = "SHUTDOWN",
		[TV_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[TV_EXIT_MSR] = "MSR",
		[TV_EXIT_INTR] = "INTR",
		[TV_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}

/* A NUL-terminated string from guest memory, or "?". */
static void guest_str(struct tv_vm *vm, uint64_t gva, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		char *p = __tv_gpa2hva(vm, gva + i);

		if (!p) {
			snprintf(buf, len, "?(0x%lx)", (unsigned long)gva);
			return;
		}
		buf[i] = *p;
		if (!*p)
			return;
	}
	buf[i] = 0;
}

const char *tv_exit_str(struct tv_vcpu *vcpu)
{
	static __thread char buf[512];
	struct tv_run *run = vcpu->run;
	struct tv_ucall uc;
	char expr[160], file[160];

	switch (tv_get_ucall(vcpu, &uc)) {
	case TV_UCALL_SYNC:
		snprintf(buf, sizeof(buf), "ucall SYNC %lu (0x%lx 0x%lx 0x%lx 0x%lx)",
			 (unsigned long)uc.args[0], (unsigned long)uc.args[1],
			 (unsigned long)uc.args[2], (unsigned long)uc.args[3],
			 (unsigned long)uc.args[4]);
		return buf;
	case TV_UCALL_DONE:
		return "ucall DONE";
	case TV_UCALL_ABORT:
		guest_str(vcpu->vm, uc.args[0], expr, sizeof(expr));
		guest_str(vcpu->vm, uc.args[1], file, sizeof(file));
		snprintf(buf, sizeof(buf),
			 "guest assertion failed at %s:%lu: %s (0x%lx, 0x%lx)",
			 file, (unsigned long)uc.args[2], expr,
			 (unsigned long)uc.args[3], (unsigned long)uc.args[4]);
		return buf;
	case TV_UCALL_UNHANDLED:
		snprintf(buf, sizeof(buf),
			 "unexpected exception in the guest: vector %lu at rip 0x%lx, error code 0x%lx",
			 (unsigned long)uc.args[0], (unsigned long)uc.args[1],
			 (unsigned long)uc.args[2]);
		return buf;
	default:
		break;
	}

	switch (run->exit_reason) {
	case TV_EXIT_IO:
		snprintf(buf, sizeof(buf), "exit IO %s port 0x%x size %u count %u",
			 run->io.direction == TV_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, run->io.count);
		break;
	case TV_EXIT_MMIO: {
		uint64_t d = 0;

		memcpy(&d, run->mmio.data, sizeof(d));
		snprintf(buf, sizeof(buf), "exit MMIO %s gpa 0x%lx len %u data 0x%lx",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long)run->mmio.phys_addr, run->mmio.len,
			 (unsigned long)d);
		break;
	}
	case TV_EXIT_HYPERCALL:
		snprintf(buf, sizeof(buf), "exit HYPERCALL nr 0x%lx (0x%lx 0x%lx 0x%lx 0x%lx)",
			 (unsigned long)run->hypercall.nr,
			 (unsigned long)run->hypercall.args[0],
			 (unsigned long)run->hypercall.args[1],
			 (unsigned long)run->hypercall.args[2],
			 (unsigned long)run->hypercall.args[3]);
		break;
	case TV_EXIT_MSR:
		snprintf(buf, sizeof(buf), "exit MSR %s 0x%x data 0x%lx",
			 run->msr.is_write ? "wrmsr" : "rdmsr", run->msr.index,
			 (unsigned long)run->msr.data);
		break;
	case TV_EXIT_FAIL_ENTRY:
		snprintf(buf, sizeof(buf), "exit FAIL_ENTRY hardware reason 0x%lx cpu %u",
			 (unsigned long)run->fail_entry.hardware_reason,
			 run->fail_entry.cpu);
		break;
	case TV_EXIT_INTERNAL_ERROR:
		snprintf(buf, sizeof(buf), "exit INTERNAL_ERROR suberror %u gpa 0x%lx ninsn %u",
			 run->internal.suberror, (unsigned long)run->internal.gpa,
			 run->internal.ninsn);
		break;
	default:
		snprintf(buf, sizeof(buf), "exit %s (%u)",
			 tv_exit_reason_str(run->exit_reason), run->exit_reason);
		break;
	}
	if (run->exit_reason != TV_EXIT_INTR && run->exit_reason != TV_EXIT_NONE) {
		struct tv_regs regs;

		if (ioctl(vcpu->fd, TV_GET_REGS, &regs) == 0) {
			size_t n = strlen(buf);

			snprintf(buf + n, sizeof(buf) - n, ", rip 0x%lx",
				 (unsigned long)regs.rip);
		}
	}
	return buf;
}
