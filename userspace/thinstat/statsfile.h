/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a thinvisor statistics file (struct tv_stats_header, uapi) and
 * summing it up per exit kind: thinstat and thinrun --stats share this.
 */
#ifndef THINSTAT_STATSFILE_H
#define THINSTAT_STATSFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/thinvisor.h>

struct statsfile {
	uint8_t *buf;
	size_t size;
	const struct tv_stats_header *h;
};

/* 0, or -1 with errno (EPROTO for a file this reader does not know). */
int statsfile_read(int fd, struct statsfile *s);
void statsfile_free(struct statsfile *s);

const struct tv_stats_desc *statsfile_desc(const struct statsfile *s, const char *name);
/* A counter's value, or 0 where the file has none of that name. */
uint64_t statsfile_counter(const struct statsfile *s, const char *name);

/* One row: an exit kind ("exit_cycles.K") or a userspace reason ("user_cycles.R"). */
struct stats_row {
	char name[TV_STATS_NAME_SIZE];	/* "cpuid", or "user:io" */
	uint64_t total;
	double per_s;			/* from the previous sample; 0 without one */
	double p50_ns, p99_ns;		/* from the histogram; -1 when it is empty */
};

/*
 * Every exit kind and userspace reason of the file, in its order; prev
 * (may be NULL) is an earlier read of the same file, secs before.  Returns
 * the number of rows put in rows (at most max).
 */
int statsfile_rows(const struct statsfile *s, const struct statsfile *prev,
		   double secs, struct stats_row *rows, int max);

/* The value below which pct (0..100) of a histogram's counts lie, in ns. */
double statsfile_hist_pct_ns(const struct statsfile *s, const struct tv_stats_desc *d,
			     double pct);

/* The table of rows with a nonzero total, and the event counters. */
void statsfile_print_table(FILE *f, const struct statsfile *s,
			   const struct statsfile *prev, double secs, const char *prefix);
/* The same as one JSON object (no newline at the end). */
void statsfile_print_json(FILE *f, const struct statsfile *s,
			  const struct statsfile *prev, double secs);

#endif
