/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small asm guests, assembled three times: as 16-bit, 32-bit and 64-bit
 * code.  tv_vm_load_blob() copies one to TV_BLOB_GPA, and the vCPU starts
 * there:
 *   real16  CS = 0x1000 (base 0x10000), IP = 0; DS = ES = SS = FS = GS = 0
 *   prot32  flat 4 GiB segments, no paging, EIP = 0x10000
 *   long64  identity paging, RIP = 0x10000
 * in every mode with SP = TV_BLOB_STACK_GPA + 256 * (id % 16) + 0xf0 and
 * EDI = the vendor (TV_CAP_VENDOR), RFLAGS = 2 (interrupts off).
 *
 * A blob must be position independent (relative jumps only); it addresses
 * data by absolute low addresses (TV_BLOB_DATA_GPA), which every mode
 * reaches.  The GAS symbol TV_BITS is 16, 32 or 64 while a copy is
 * assembled, for `.if TV_BITS == 64` where the modes differ.  Numeric local
 * labels (1:, 1f, 1b) are the only labels a body may define.
 *
 * TV_BLOB(name, "body") defines name_16, name_32, name_64 (and _end).
 */
#ifndef TV_BLOB_H
#define TV_BLOB_H

#include "tv_ucall.h"

#define __TV_STR(x)		#x
#define TV_STR(x)		__TV_STR(x)

#define __TV_BLOB_ONE(name, bits, body)					\
	".code" #bits "\n"						\
	".set TV_BITS, " #bits "\n"					\
	".globl " #name "_" #bits "\n"					\
	#name "_" #bits ":\n"						\
	body "\n"							\
	".globl " #name "_" #bits "_end\n"				\
	#name "_" #bits "_end:\n"

#define TV_BLOB(name, body)						\
	asm(".pushsection .text.tvblob,\"ax\",@progbits\n"		\
	    __TV_BLOB_ONE(name, 16, body)				\
	    __TV_BLOB_ONE(name, 32, body)				\
	    __TV_BLOB_ONE(name, 64, body)				\
	    ".code64\n"							\
	    ".popsection\n");						\
	extern const char name##_16[], name##_16_end[];			\
	extern const char name##_32[], name##_32_end[];			\
	extern const char name##_64[], name##_64_end[]

/* A blob for 64-bit mode only (it uses 64-bit registers): name_64. */
#define TV_BLOB64(name, body)						\
	asm(".pushsection .text.tvblob,\"ax\",@progbits\n"		\
	    __TV_BLOB_ONE(name, 64, body)				\
	    ".popsection\n");						\
	extern const char name##_64[], name##_64_end[]
#define TV_BLOB64_OF(name)	((struct tv_blob){ name##_64, name##_64_end })

/* Pick a blob's copy for a mode (enum tv_mode, tv_util.h). */
#define TV_BLOB_FOR(name, mode)						\
	((mode) == TV_MODE_REAL16 ? (struct tv_blob){ name##_16, name##_16_end } : \
	 (mode) == TV_MODE_PROT32 ? (struct tv_blob){ name##_32, name##_32_end } : \
				    (struct tv_blob){ name##_64, name##_64_end })

/* Short-form ucall (see tv_ucall.h): args are RBX, RCX, RDX, RSI. */
#define TV_BLOB_UCALL(cmd)						\
	"movb $" TV_STR(cmd) ", %al\n\t"				\
	"outb %al, $" TV_STR(TV_UCALL_PORT) "\n\t"
#define TV_BLOB_SYNC		TV_BLOB_UCALL(TV_UCALL_SYNC)
/* DONE, then stay put: running a finished blob again gives DONE again. */
#define TV_BLOB_DONE		"7:\n\t" TV_BLOB_UCALL(TV_UCALL_DONE) "jmp 7b\n\t"

/* VMMCALL where EDI says AMD (1), else VMCALL.  Uses labels 8 and 9. */
#define TV_BLOB_HYPERCALL						\
	"cmpl $1, %edi\n\t"						\
	"jne 8f\n\t"							\
	"vmmcall\n\t"							\
	"jmp 9f\n\t"							\
	"8: vmcall\n\t"							\
	"9:\n\t"

#endif
