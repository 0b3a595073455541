// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of virtio-net with its queues served by thinrun's thread
 * (--net ...,vhost=off: userspace/virtio/net.c, net_user.c).  A
 * SOCK_SEQPACKET socket pair plays the tap (one message per packet, the
 * 12-byte virtio header first, as a tap with IFF_VNET_HDR); the test
 * plays the guest's driver over the register window and a buffer that
 * plays guest memory.  It checks the configuration (MAC, link up) and
 * the features (never ACCESS_PLATFORM), a transmitted packet reaching the
 * "tap" whole, a packet from the "tap" landing in a receive buffer with
 * its length in the used ring and an interrupt, and a transmit chain
 * with a device-writable buffer setting DEVICE_NEEDS_RESET.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "virtio/mmio.h"
#include "virtio/net.h"

#define RAM_SIZE	0x40000ULL
#define QSIZE		16
/* Each queue's rings: desc, avail, used, 4 KiB apart; queue 1 after queue 0. */
#define DESC_GPA(q)	(0x1000ULL + (q) * 0x3000ULL)
#define AVAIL_GPA(q)	(DESC_GPA(q) + 0x1000ULL)
#define USED_GPA(q)	(DESC_GPA(q) + 0x2000ULL)
#define DATA_GPA	0x10000ULL
#define HDR_LEN		12
#define F_ACCESS_PLATFORM	33

static atomic_int irq_raises;

static void test_irq(void *opaque, bool level)
{
	(void)opaque;
	if (level)
		atomic_fetch_add(&irq_raises, 1);
}

FIXTURE(net) {
	uint8_t *ram;
	struct guest_mem mem;
	struct virtio_net *n;
	int peer;		/* the "tap"'s other end */
};

FIXTURE_SETUP(net)
{
	struct net_opts o;
	char err[160];
	int sv[2];

	self->ram = calloc(1, RAM_SIZE);
	ASSERT_NE(NULL, self->ram);
	self->mem = (struct guest_mem){ .host = self->ram, .size = RAM_SIZE, .low = RAM_SIZE,
					.high_gpa = 1ULL << 32 };
	atomic_store(&irq_raises, 0);
	ASSERT_EQ(0, net_opts_parse("tap=t0,mac=52:54:00:12:34:56,vhost=off", &o, err,
				    sizeof(err)));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	self->peer = sv[1];
	self->n = virtio_net_on_fd(&o, sv[0]);
	ASSERT_NE(NULL, self->n);
	ASSERT_EQ(0, virtio_net_start(self->n, &self->mem, test_irq, NULL));
}

FIXTURE_TEARDOWN(net)
{
	virtio_net_close(self->n);
	close(self->peer);
	free(self->ram);
}

static uint32_t rd(struct virtio_net *n, uint64_t off, unsigned int len)
{
	uint32_t v = 0;

	virtio_net_access(n, off, false, (uint8_t *)&v, len);
	return v;
}

static void wr(struct virtio_net *n, uint64_t off, uint32_t v)
{
	virtio_net_access(n, off, true, (uint8_t *)&v, 4);
}

static uint64_t device_features(struct virtio_net *n)
{
	wr(n, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t f = rd(n, VIRTIO_MMIO_DEVICE_FEATURES, 4);

	wr(n, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)rd(n, VIRTIO_MMIO_DEVICE_FEATURES, 4) << 32;
}

static void bring_up(struct virtio_net *n)
{
	unsigned int q;

	wr(n, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(n, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(n, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(n, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(n, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	for (q = 0; q < 2; q++) {
		wr(n, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(n, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
		wr(n, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA(q));
		wr(n, VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL_GPA(q));
		wr(n, VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED_GPA(q));
		wr(n, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(n, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* A one-buffer chain in queue q, descriptor i, made available. */
static void offer(uint8_t *ram, unsigned int q, unsigned int i, uint64_t addr, uint32_t len,
		  uint16_t flags)
{
	struct virtq_desc *d = (struct virtq_desc *)(ram + DESC_GPA(q)) + i;
	uint16_t *avail = (uint16_t *)(ram + AVAIL_GPA(q));
	uint16_t idx = avail[1];

	*d = (struct virtq_desc){ addr, len, flags, 0 };
	avail[2 + idx % QSIZE] = i;
	__atomic_store_n(&avail[1], idx + 1, __ATOMIC_RELEASE);
}

static uint16_t used_idx(uint8_t *ram, unsigned int q)
{
	return __atomic_load_n((uint16_t *)(ram + USED_GPA(q) + 2), __ATOMIC_ACQUIRE);
}

static uint32_t used_len(uint8_t *ram, unsigned int q, unsigned int slot)
{
	return *(uint32_t *)(ram + USED_GPA(q) + 4 + 8 * slot + 4);
}

#define WAIT_FOR(cond) ({						\
	int __i;							\
	for (__i = 0; __i < 5000 && !(cond); __i++)			\
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);	\
	(cond);								\
})

TEST_F(net, config_and_features)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint64_t f = device_features(self->n);
	unsigned int i;

	ASSERT_EQ(1, rd(self->n, VIRTIO_MMIO_DEVICE_ID, 4));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(mac[i], rd(self->n, VIRTIO_MMIO_CONFIG + i, 1));
	EXPECT_EQ(1, rd(self->n, VIRTIO_MMIO_CONFIG + 6, 2));	/* VIRTIO_NET_S_LINK_UP */
	EXPECT_TRUE(f & 1ULL << 5);				/* MAC */
	EXPECT_TRUE(f & 1ULL << 16);				/* STATUS */
	EXPECT_TRUE(f & 1ULL << VIRTIO_F_VERSION_1);
	EXPECT_FALSE(f & 1ULL << F_ACCESS_PLATFORM);
	EXPECT_FALSE(f & 1ULL << 15);	/* MRG_RXBUF: one packet per chain here */
}

TEST_F(net, transmit_reaches_the_tap)
{
	static const char pkt[] = "a packet from the guest";
	char got[256];
	ssize_t n;

	bring_up(self->n);
	memset(self->ram + DATA_GPA, 0, HDR_LEN);
	memcpy(self->ram + DATA_GPA + HDR_LEN, pkt, sizeof(pkt));
	offer(self->ram, 1, 0, DATA_GPA, HDR_LEN + sizeof(pkt), 0);
	wr(self->n, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 1) == 1));
	n = recv(self->peer, got, sizeof(got), MSG_DONTWAIT);
	ASSERT_EQ(HDR_LEN + (ssize_t)sizeof(pkt), n);
	EXPECT_EQ(0, memcmp(got + HDR_LEN, pkt, sizeof(pkt)));
	EXPECT_TRUE(WAIT_FOR(atomic_load(&irq_raises) >= 1));
}

TEST_F(net, receive_fills_a_buffer_and_interrupts)
{
	char pkt[HDR_LEN + 60];
	unsigned int i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i;
	bring_up(self->n);
	offer(self->ram, 0, 0, DATA_GPA, 2048, VIRTQ_DESC_F_WRITE);
	offer(self->ram, 0, 1, DATA_GPA + 2048, 2048, VIRTQ_DESC_F_WRITE);
	wr(self->n, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_EQ((ssize_t)sizeof(pkt), send(self->peer, pkt, sizeof(pkt), 0));
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 1));
	EXPECT_EQ(sizeof(pkt), used_len(self->ram, 0, 0));
	EXPECT_EQ(0, memcmp(self->ram + DATA_GPA, pkt, sizeof(pkt)));
	EXPECT_TRUE(WAIT_FOR(atomic_load(&irq_raises) >= 1));
	/* The second buffer takes the next packet. */
	ASSERT_EQ((ssize_t)sizeof(pkt), send(self->peer, pkt, sizeof(pkt), 0));
	ASSERT_TRUE(WAIT_FOR(used_idx(self->ram, 0) == 2));
	EXPECT_EQ(0, memcmp(self->ram + DATA_GPA + 2048, pkt, sizeof(pkt)));
}

TEST_F(net, writable_transmit_buffer_needs_reset)
{
	bring_up(self->n);
	offer(self->ram, 1, 0, DATA_GPA, 64, VIRTQ_DESC_F_WRITE);
	wr(self->n, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	ASSERT_TRUE(WAIT_FOR(rd(self->n, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET));
	EXPECT_EQ(0, used_idx(self->ram, 1));
}

TEST_HARNESS_MAIN
