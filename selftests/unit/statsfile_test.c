// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the statistics-file reader that thinstat and thinrun
 * --stats share (userspace/thinstat/statsfile.c): values found by name,
 * percentiles from a log2 histogram of TSC cycles in nanoseconds, rates
 * between two samples, and files it must refuse (EPROTO) without reading
 * outside them.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "thinstat/statsfile.h"

#define NB	8	/* buckets of the test's histogram */

/* A file like the module's: exits.cpuid, exit_cycles.cpuid, halt_wakeups. */
struct file {
	struct tv_stats_header h;
	struct tv_stats_desc d[3];
	uint64_t v[2 + NB];
};

static void make_file(struct file *f, uint64_t cpuid, const uint64_t *hist)
{
	memset(f, 0, sizeof(*f));
	f->h.magic = TV_STATS_MAGIC;
	f->h.version = TV_STATS_VERSION;
	f->h.header_size = sizeof(f->h);
	f->h.num_desc = 3;
	f->h.desc_offset = sizeof(f->h);
	f->h.desc_size = sizeof(f->d[0]);
	f->h.data_offset = offsetof(struct file, v);
	f->h.data_size = sizeof(f->v);
	f->h.tsc_khz = 1000000;		/* 1 GHz: a cycle is a nanosecond */
	f->h.nr_vcpus = 1;
	f->d[0] = (struct tv_stats_desc){ TV_STATS_TYPE_COUNTER, 0, 0, 1, "exits.cpuid" };
	f->d[1] = (struct tv_stats_desc){ TV_STATS_TYPE_COUNTER, 0, 8, 1, "halt_wakeups" };
	f->d[2] = (struct tv_stats_desc){ TV_STATS_TYPE_LOG2_HIST, TV_STATS_UNIT_CYCLES,
					  16, NB, "exit_cycles.cpuid" };
	f->v[0] = cpuid;
	f->v[1] = 7;
	memcpy(&f->v[2], hist, NB * sizeof(*hist));
}

static int to_fd(const void *buf, size_t len)
{
	int fd = memfd_create("stats", 0);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -1;
	return fd;
}

TEST(reads_counters_and_percentiles)
{
	/* 100 exits: 50 in [8, 16) cycles, 49 in [16, 32), one in [64, 128). */
	uint64_t hist[NB] = { 0, 0, 0, 0, 50, 49, 0, 1 };
	struct stats_row rows[4];
	struct statsfile s;
	struct file f;
	int fd;

	make_file(&f, 100, hist);
	fd = to_fd(&f, sizeof(f));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, statsfile_read(fd, &s));
	EXPECT_EQ(100, statsfile_counter(&s, "exits.cpuid"));
	EXPECT_EQ(7, statsfile_counter(&s, "halt_wakeups"));
	EXPECT_EQ(0, statsfile_counter(&s, "no_such"));
	/* The 50th of 100 is the last of bucket 4: its top, 16 ns. */
	EXPECT_EQ(16, statsfile_hist_pct_ns(&s, statsfile_desc(&s, "exit_cycles.cpuid"), 50));
	/* The 99th lies in bucket 5, [16, 32): 49 of 49, its top. */
	EXPECT_EQ(32, statsfile_hist_pct_ns(&s, statsfile_desc(&s, "exit_cycles.cpuid"), 99));
	/* The last bucket holds everything from its bottom up: 64. */
	EXPECT_EQ(64, statsfile_hist_pct_ns(&s, statsfile_desc(&s, "exit_cycles.cpuid"), 100));
	ASSERT_EQ(1, statsfile_rows(&s, NULL, 0, rows, 4));
	EXPECT_STREQ("cpuid", rows[0].name);
	EXPECT_EQ(100, rows[0].total);
	EXPECT_EQ(0, rows[0].per_s);
	statsfile_free(&s);
	close(fd);
}

TEST(rate_between_samples)
{
	uint64_t hist[NB] = { 0 };
	struct statsfile a, b;
	struct stats_row rows[4];
	struct file f;
	int fd;

	make_file(&f, 100, hist);
	fd = to_fd(&f, sizeof(f));
	ASSERT_EQ(0, statsfile_read(fd, &a));
	close(fd);
	make_file(&f, 300, hist);
	fd = to_fd(&f, sizeof(f));
	ASSERT_EQ(0, statsfile_read(fd, &b));
	close(fd);
	ASSERT_EQ(1, statsfile_rows(&b, &a, 2.0, rows, 4));
	EXPECT_EQ(100, rows[0].per_s);
	/* An empty histogram has no percentile. */
	EXPECT_EQ(-1, rows[0].p50_ns);
	statsfile_free(&a);
	statsfile_free(&b);
}

TEST(refuses_bad_files)
{
	uint64_t hist[NB] = { 1 };
	struct statsfile s;
	struct file f;
	int fd;

	/* Wrong magic. */
	make_file(&f, 1, hist);
	f.h.magic ^= 1;
	fd = to_fd(&f, sizeof(f));
	EXPECT_EQ(-1, statsfile_read(fd, &s));
	EXPECT_EQ(EPROTO, errno);
	close(fd);
	/* Shorter than it says. */
	make_file(&f, 1, hist);
	fd = to_fd(&f, sizeof(f) - 8);
	EXPECT_EQ(-1, statsfile_read(fd, &s));
	EXPECT_EQ(EPROTO, errno);
	close(fd);
	/* Descriptors running into the data. */
	make_file(&f, 1, hist);
	f.h.num_desc = 100;
	fd = to_fd(&f, sizeof(f));
	EXPECT_EQ(-1, statsfile_read(fd, &s));
	EXPECT_EQ(EPROTO, errno);
	close(fd);
	/* Shorter than a header. */
	fd = to_fd(&f, 16);
	EXPECT_EQ(-1, statsfile_read(fd, &s));
	EXPECT_EQ(EPROTO, errno);
	close(fd);
	/* A descriptor pointing past the data is not found, never read. */
	make_file(&f, 1, hist);
	f.d[0].offset = 1 << 20;
	f.d[2].size = 1000;
	fd = to_fd(&f, sizeof(f));
	ASSERT_EQ(0, statsfile_read(fd, &s));
	EXPECT_EQ(0, statsfile_counter(&s, "exits.cpuid"));
	EXPECT_EQ(NULL, statsfile_desc(&s, "exit_cycles.cpuid"));
	statsfile_free(&s);
	close(fd);
}

TEST_HARNESS_MAIN
