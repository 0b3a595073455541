// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of thinrun's --net and --vsock values, userspace/virtio/
 * vhost_opts.c: a tap name and a MAC are taken as given, a missing MAC is
 * derived from the tap's name (the same each time, locally administered,
 * unicast, different for another name), and each malformed value is
 * refused with a message that says what to give.
 */
#include "kselftest_harness.h"
#include "virtio/vhost_opts.h"

static const char *refused(const char *arg)
{
	static char err[160];
	struct net_opts o;

	err[0] = 0;
	if (!net_opts_parse(arg, &o, err, sizeof(err)))
		return NULL;
	return err;
}

TEST(tap_and_mac_as_given)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	struct net_opts o;
	char err[160];

	ASSERT_EQ(0, net_opts_parse("tap=tvtap0,mac=52:54:00:AB:cd:ef", &o, err, sizeof(err)));
	EXPECT_STREQ("tvtap0", o.tap);
	EXPECT_EQ(0, memcmp(mac, o.mac, 6));
	EXPECT_TRUE(o.vhost);
	ASSERT_EQ(0, net_opts_parse("mac=52:54:00:ab:cd:ef,vhost=off,tap=t", &o, err, sizeof(err)));
	EXPECT_STREQ("t", o.tap);
	EXPECT_FALSE(o.vhost);
	/* 15 characters: IFNAMSIZ less the NUL. */
	ASSERT_EQ(0, net_opts_parse("tap=abcdefghijklmno", &o, err, sizeof(err)));
	EXPECT_STREQ("abcdefghijklmno", o.tap);
}

TEST(derived_mac_is_stable_unicast_local)
{
	struct net_opts a, b, c;
	char err[160];

	ASSERT_EQ(0, net_opts_parse("tap=tvtap0", &a, err, sizeof(err)));
	ASSERT_EQ(0, net_opts_parse("tap=tvtap0", &b, err, sizeof(err)));
	ASSERT_EQ(0, net_opts_parse("tap=tvtap1", &c, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(a.mac, b.mac, 6));
	EXPECT_NE(0, memcmp(a.mac, c.mac, 6));
	EXPECT_EQ(0x02, a.mac[0]);	/* locally administered, unicast */
	EXPECT_EQ(0x02, c.mac[0]);
}

TEST(malformed_net_values_refused)
{
	static const struct {
		const char *arg, *says;
	} bad[] = {
		{ "", "no tap=IFNAME" },
		{ "mac=02:00:00:00:00:01", "no tap=IFNAME" },
		{ "tap=", "give an interface name" },
		{ "tap=abcdefghijklmnop", "give an interface name" },
		{ "tap=a/b", "give an interface name" },
		{ "tap=t,mac=02:00:00:00:00", "give six hex bytes" },
		{ "tap=t,mac=02:00:00:00:00:001", "give six hex bytes" },
		{ "tap=t,mac=02-00-00-00-00-01", "give six hex bytes" },
		{ "tap=t,mac=02:00:00:00:00:0g", "give six hex bytes" },
		{ "tap=t,mac= 2:00:00:00:00:01", "give six hex bytes" },
		{ "tap=t,mac=+2:00:00:00:00:01", "give six hex bytes" },
		{ "tap=t,mac=01:00:5e:00:00:01", "a multicast address" },
		{ "tap=t,mac=ff:ff:ff:ff:ff:ff", "a multicast address" },
		{ "tap=t,mac=00:00:00:00:00:00", "the all-zero address" },
		{ "tap=t,speed=10", "'speed=10'" },
		{ "tap=t,vhost=maybe", "'vhost=maybe'" },
	};
	unsigned int i;
	const char *err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = refused(bad[i].arg);
		ASSERT_NE(NULL, err) TH_LOG("'%s' taken", bad[i].arg);
		EXPECT_NE(NULL, strstr(err, bad[i].says)) TH_LOG("'%s': %s", bad[i].arg, err);
	}
}

TEST(vsock_cid)
{
	static const char *const bad[] = {
		"0", "1", "2", "4294967295", "4294967296", "-3", "three", "", "3x", " 3",
	};
	uint32_t cid = 0;
	char err[160];
	unsigned int i;

	ASSERT_EQ(0, vsock_cid_parse("3", &cid, err, sizeof(err)));
	EXPECT_EQ(3, cid);
	ASSERT_EQ(0, vsock_cid_parse("4294967294", &cid, err, sizeof(err)));
	EXPECT_EQ(4294967294U, cid);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		EXPECT_EQ(-1, vsock_cid_parse(bad[i], &cid, err, sizeof(err))) TH_LOG("'%s'", bad[i]);
		EXPECT_NE(NULL, strstr(err, "give the guest's context ID"));
	}
}

TEST_HARNESS_MAIN
