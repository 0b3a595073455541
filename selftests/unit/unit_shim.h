/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's names for types, for pure logic built into a unit test. */
#ifndef UNIT_SHIM_H
#define UNIT_SHIM_H

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
