// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of thinrun's exit descriptions, userspace/exit_text.c: every
 * suberror of the uAPI has a name, the address and instruction bytes
 * are shown where the module fills them, a hostile ninsn never reads
 * past the array, and a short buffer is never overrun.
 */
#include "kselftest_harness.h"
#include "exit_text.h"

static struct tv_run internal(unsigned int sub, unsigned long long gpa)
{
	struct tv_run r;

	memset(&r, 0, sizeof(r));
	r.exit_reason = TV_EXIT_INTERNAL_ERROR;
	r.internal.suberror = sub;
	r.internal.gpa = gpa;
	return r;
}

TEST(every_suberror_has_a_name)
{
	unsigned int s;

	for (s = TV_INTERNAL_EMULATION; s <= TV_INTERNAL_DELIVERY; s++)
		EXPECT_STRNE("unknown", internal_suberror_name(s));
	EXPECT_STREQ("unknown", internal_suberror_name(0));
	EXPECT_STREQ("unknown", internal_suberror_name(TV_INTERNAL_DELIVERY + 1));
}

TEST(emulation_names_address_and_bytes)
{
	struct tv_run r = internal(TV_INTERNAL_EMULATION, 0xfee00300);
	char buf[256];

	r.internal.ninsn = 3;
	r.internal.insn[0] = 0xc5;
	r.internal.insn[1] = 0xfd;
	r.internal.insn[2] = 0x7f;
	internal_error_text(&r, buf, sizeof(buf));
	EXPECT_STREQ("internal error 1 (an instruction the module cannot decode or emulate)"
		     " at gpa 0xfee00300, instruction bytes c5 fd 7f", buf);
}

TEST(delivery_names_address_without_bytes)
{
	struct tv_run r = internal(TV_INTERNAL_DELIVERY, 0xd0000000);
	char buf[256];

	/* Stale bytes of an earlier exit are not this exit's. */
	r.internal.ninsn = 2;
	internal_error_text(&r, buf, sizeof(buf));
	EXPECT_STREQ("internal error 4 (delivering an event touched an address with no RAM)"
		     " at gpa 0xd0000000", buf);
}

TEST(bad_guest_names_address_only_when_given)
{
	struct tv_run r = internal(TV_INTERNAL_BAD_GUEST, 0x7ff000);
	char buf[256];

	internal_error_text(&r, buf, sizeof(buf));
	EXPECT_STREQ("internal error 2 (guest memory the module could not read)"
		     " at gpa 0x7ff000", buf);
	r = internal(TV_INTERNAL_BAD_GUEST, 0);
	internal_error_text(&r, buf, sizeof(buf));
	EXPECT_STREQ("internal error 2 (guest memory the module could not read)", buf);
}

TEST(hw_has_no_address)
{
	struct tv_run r = internal(TV_INTERNAL_HW, 0x1234);
	char buf[256];

	internal_error_text(&r, buf, sizeof(buf));
	EXPECT_STREQ("internal error 3 (the CPU refused the module's VMCS write)", buf);
}

TEST(unknown_suberror_keeps_its_number)
{
	struct tv_run r = internal(77, 0);
	char buf[256];

	internal_error_text(&r, buf, sizeof(buf));
	EXPECT_STREQ("internal error 77 (unknown)", buf);
}

TEST(hostile_ninsn_stops_at_the_array)
{
	struct tv_run r = internal(TV_INTERNAL_EMULATION, 0);
	char buf[512];
	unsigned int bytes = 0;
	const char *p;

	r.internal.ninsn = 0xffffffff;
	memset(r.internal.insn, 0xab, sizeof(r.internal.insn));
	internal_error_text(&r, buf, sizeof(buf));
	for (p = buf; (p = strstr(p, " ab")); p += 3)
		bytes++;
	EXPECT_EQ(sizeof(r.internal.insn), bytes);
	EXPECT_NE(NULL, strstr(buf, "instruction bytes"));
}

TEST(short_buffer_is_never_overrun)
{
	struct tv_run r = internal(TV_INTERNAL_EMULATION, 0xfee00300);
	char buf[32];
	size_t size;
	int want;

	r.internal.ninsn = 16;
	want = internal_error_text(&r, NULL, 0);
	for (size = 1; size < sizeof(buf); size++) {
		memset(buf, 'x', sizeof(buf));
		EXPECT_EQ(want, internal_error_text(&r, buf, size));
		EXPECT_EQ(size - 1, strlen(buf));
		EXPECT_EQ('x', buf[size]);
	}
}

TEST_HARNESS_MAIN
