/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic (the instruction decoder, the guest page walker, ...) is
 * written once and built twice: into the module, and into a userspace
 * unit test that runs with no VM.  Such files include this header, and only
 * this header, for their types.
 */
#ifndef THINVISOR_PURE_H
#define THINVISOR_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
#endif

#endif
