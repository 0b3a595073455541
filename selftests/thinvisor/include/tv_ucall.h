/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ucall protocol: how guest code in a selftest talks to the host.
 *
 * A ucall is an OUT instruction to port TV_UCALL_PORT, which the module
 * passes to userspace as TV_EXIT_IO.  It comes in two forms, told apart by
 * the size of the OUT:
 *
 * Long form (size 4), used by C guest code (tv_ucall() in tv_guest.h):
 *	outl %eax, $TV_UCALL_PORT
 *   EAX holds the guest-physical address of a struct tv_ucall that the
 *   guest filled (on its own stack).  Guest memory below 4 GiB is identity
 *   mapped in every mode the library sets up, so the address of a local
 *   variable is its guest-physical address.
 *
 * Short form (size 1), used by the small 16/32/64-bit asm blobs:
 *	movb $CMD, %al
 *	outb %al, $TV_UCALL_PORT
 *   AL holds the command; args[0..3] are RBX, RCX, RDX, RSI (the host reads
 *   them with TV_GET_REGS; a 16- or 32-bit guest sets only their low bits,
 *   the upper bits are whatever was there).
 *
 * Commands:
 *   TV_UCALL_SYNC    a checkpoint: args[0] is a stage number, args[1..]
 *                    whatever the test wants to show the host.
 *   TV_UCALL_DONE    the guest finished; the host must not run it again.
 *   TV_UCALL_ABORT   GUEST_ASSERT failed: args[0] = GVA of the asserted
 *                    expression (a string), args[1] = GVA of __FILE__,
 *                    args[2] = __LINE__, args[3], args[4] = the two values
 *                    of GUEST_ASSERT_EQ (0 for plain GUEST_ASSERT).
 *   TV_UCALL_UNHANDLED  an exception the guest did not expect (64-bit
 *                    guests only: they have an IDT): args[0] = vector,
 *                    args[1] = RIP, args[2] = error code.
 *
 * Nothing needs completing: the next TV_RUN resumes after the OUT.
 */
#ifndef TV_UCALL_H
#define TV_UCALL_H

#include <stdint.h>

#define TV_UCALL_PORT		0xe9

#define TV_UCALL_NONE		0	/* the exit was not a ucall */
#define TV_UCALL_SYNC		1
#define TV_UCALL_DONE		2
#define TV_UCALL_ABORT		3
#define TV_UCALL_UNHANDLED	4

#define TV_UCALL_MAX_ARGS	6

struct tv_ucall {
	uint64_t cmd;
	uint64_t args[TV_UCALL_MAX_ARGS];
};

#endif
