/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thinvisor's tracepoints: perf record -e 'thinvisor:*'.  An entry and the
 * exit after it give the time spent in the guest; an exit and the next
 * entry give the time the exit took to handle (Documentation/tracing.rst).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM thinvisor

#if !defined(THINVISOR_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define THINVISOR_TRACE_H

#include <linux/tracepoint.h>

#include "exit.h"
#include "thinvisor.h"

/* So that perf can print exit reasons by name. */
TRACE_DEFINE_ENUM(TV_X_NONE);
TRACE_DEFINE_ENUM(TV_X_EXTINT);
TRACE_DEFINE_ENUM(TV_X_NMI);
TRACE_DEFINE_ENUM(TV_X_CPUID);
TRACE_DEFINE_ENUM(TV_X_HLT);
TRACE_DEFINE_ENUM(TV_X_IO);
TRACE_DEFINE_ENUM(TV_X_NPF);
TRACE_DEFINE_ENUM(TV_X_RDMSR);
TRACE_DEFINE_ENUM(TV_X_WRMSR);
TRACE_DEFINE_ENUM(TV_X_HYPERCALL);
TRACE_DEFINE_ENUM(TV_X_SHUTDOWN);
TRACE_DEFINE_ENUM(TV_X_FAIL_ENTRY);
TRACE_DEFINE_ENUM(TV_X_XSETBV);
TRACE_DEFINE_ENUM(TV_X_RDTSCP);
TRACE_DEFINE_ENUM(TV_X_UD);
TRACE_DEFINE_ENUM(TV_X_HW_ERROR);
TRACE_DEFINE_ENUM(TV_X_EXCEPTION);
TRACE_DEFINE_ENUM(TV_X_RDPMC);
TRACE_DEFINE_ENUM(TV_X_WBINVD);
TRACE_DEFINE_ENUM(TV_X_CR_WRITE);
TRACE_DEFINE_ENUM(TV_X_WINDOW_IN_SHADOW);
TRACE_DEFINE_ENUM(TV_X_UNKNOWN);

/*
 * What the entry may put in: the exception and the interrupt pending
 * (vector, or -1), an NMI pending.  Whether the interrupt goes in now
 * depends on RFLAGS.IF and a shadow; the exit after says what happened.
 */
TRACE_EVENT(tv_entry,
	    TP_PROTO(const struct tv_vcpu *vcpu),
	    TP_ARGS(vcpu),
	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(unsigned long, rip)
			     __field(unsigned long, rflags)
			     __field(s16, exception)
			     __field(s16, interrupt)
			     __field(u8, nmi)),
	    TP_fast_assign(__entry->vcpu_id = vcpu->id;
			   __entry->rip = vcpu->rip;
			   __entry->rflags = vcpu->rflags;
			   __entry->exception = (vcpu->events.exception.flags & TV_EVENT_VALID) ?
						vcpu->events.exception.vector : -1;
			   __entry->interrupt = (vcpu->events.interrupt.flags & TV_EVENT_VALID) ?
						vcpu->events.interrupt.vector : -1;
			   __entry->nmi = vcpu->events.nmi_pending;),
	    TP_printk("vcpu %u rip 0x%lx rflags 0x%lx exception %d interrupt %d nmi %u",
		      __entry->vcpu_id, __entry->rip, __entry->rflags,
		      __entry->exception, __entry->interrupt, __entry->nmi)
);

TRACE_EVENT(tv_exit,
	    TP_PROTO(u32 vcpu_id, unsigned long rip, const struct tv_exit_info *e),
	    TP_ARGS(vcpu_id, rip, e),
	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u32, kind)
			     __field(unsigned long, rip)
			     __field(u64, raw0)
			     __field(u64, raw1)
			     __field(u64, raw2)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->kind = e->kind;
			   __entry->rip = rip;
			   __entry->raw0 = e->raw[0];
			   __entry->raw1 = e->raw[1];
			   __entry->raw2 = e->raw[2];),
	    TP_printk("vcpu %u reason %s rip 0x%lx raw 0x%llx 0x%llx 0x%llx",
		      __entry->vcpu_id,
		      __print_symbolic(__entry->kind,
				       { TV_X_NONE, "none" },
				       { TV_X_EXTINT, "extint" },
				       { TV_X_NMI, "nmi" },
				       { TV_X_CPUID, "cpuid" },
				       { TV_X_HLT, "hlt" },
				       { TV_X_IO, "io" },
				       { TV_X_NPF, "npf" },
				       { TV_X_RDMSR, "rdmsr" },
				       { TV_X_WRMSR, "wrmsr" },
				       { TV_X_HYPERCALL, "hypercall" },
				       { TV_X_SHUTDOWN, "shutdown" },
				       { TV_X_FAIL_ENTRY, "fail_entry" },
				       { TV_X_XSETBV, "xsetbv" },
				       { TV_X_RDTSCP, "rdtscp" },
				       { TV_X_UD, "invalid_opcode" },
				       { TV_X_HW_ERROR, "hw_error" },
				       { TV_X_EXCEPTION, "exception" },
				       { TV_X_RDPMC, "rdpmc" },
				       { TV_X_WBINVD, "wbinvd" },
				       { TV_X_CR_WRITE, "cr_write" },
				       { TV_X_WINDOW_IN_SHADOW, "window_in_shadow" },
				       { TV_X_UNKNOWN, "unknown" }),
		      __entry->rip, __entry->raw0, __entry->raw1, __entry->raw2)
);

TRACE_EVENT(tv_io,
	    TP_PROTO(u32 vcpu_id, u16 port, u8 size, u32 count, bool in),
	    TP_ARGS(vcpu_id, port, size, count, in),
	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u16, port)
			     __field(u8, size)
			     __field(bool, in)
			     __field(u32, count)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->port = port;
			   __entry->size = size;
			   __entry->in = in;
			   __entry->count = count;),
	    TP_printk("vcpu %u %s port 0x%x size %u count %u", __entry->vcpu_id,
		      __entry->in ? "in" : "out", __entry->port, __entry->size,
		      __entry->count)
);

TRACE_EVENT(tv_mmio,
	    TP_PROTO(u32 vcpu_id, u64 gpa, u32 len, bool write, u64 value),
	    TP_ARGS(vcpu_id, gpa, len, write, value),
	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u32, len)
			     __field(u64, gpa)
			     __field(u64, value)
			     __field(bool, write)),
	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->len = len;
			   __entry->gpa = gpa;
			   __entry->value = value;
			   __entry->write = write;),
	    TP_printk("vcpu %u %s gpa 0x%llx len %u value 0x%llx", __entry->vcpu_id,
		      __entry->write ? "write" : "read", __entry->gpa, __entry->len,
		      __entry->value)
);

#endif /* THINVISOR_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
