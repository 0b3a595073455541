// SPDX-License-Identifier: GPL-2.0
/*
 * A thinvisor statistics file, read whole with pread and found by
 * descriptor name, never by position (Documentation/api.rst).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statsfile.h"

#define HIST_MAX_BUCKETS	64

int statsfile_read(int fd, struct statsfile *s)
{
	struct tv_stats_header h;
	size_t size;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	n = pread(fd, &h, sizeof(h), 0);
	if (n < 0)
		return -1;
	if (n < (ssize_t)sizeof(h) || h.magic != TV_STATS_MAGIC ||
	    h.header_size < sizeof(h) || h.desc_size < sizeof(struct tv_stats_desc)) {
		errno = EPROTO;
		return -1;
	}
	size = (size_t)h.data_offset + h.data_size;
	if (size > (1U << 24) || h.desc_offset + (size_t)h.num_desc * h.desc_size > h.data_offset) {
		errno = EPROTO;
		return -1;
	}
	s->buf = malloc(size);
	if (!s->buf)
		return -1;
	n = pread(fd, s->buf, size, 0);
	if (n != (ssize_t)size) {
		free(s->buf);
		s->buf = NULL;
		if (n >= 0)
			errno = EPROTO;
		return -1;
	}
	s->size = size;
	s->h = (const struct tv_stats_header *)s->buf;
	return 0;
}

void statsfile_free(struct statsfile *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static const struct tv_stats_desc *desc_at(const struct statsfile *s, uint32_t i)
{
	return (const void *)(s->buf + s->h->desc_offset + (size_t)i * s->h->desc_size);
}

/* A descriptor whose values lie inside the data. */
static bool desc_ok(const struct statsfile *s, const struct tv_stats_desc *d)
{
	return d->offset % 8 == 0 && d->size &&
	       (uint64_t)d->offset + (uint64_t)d->size * 8 <= s->h->data_size &&
	       memchr(d->name, 0, sizeof(d->name));
}

const struct tv_stats_desc *statsfile_desc(const struct statsfile *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->h->num_desc; i++) {
		const struct tv_stats_desc *d = desc_at(s, i);

		if (desc_ok(s, d) && !strcmp(d->name, name))
			return d;
	}
	return NULL;
}

static const uint64_t *values(const struct statsfile *s, const struct tv_stats_desc *d)
{
	return (const uint64_t *)(s->buf + s->h->data_offset + d->offset);
}

uint64_t statsfile_counter(const struct statsfile *s, const char *name)
{
	const struct tv_stats_desc *d = statsfile_desc(s, name);

	return d && d->type == TV_STATS_TYPE_COUNTER ? values(s, d)[0] : 0;
}

static double to_ns(const struct statsfile *s, const struct tv_stats_desc *d, double v)
{
	if (d->unit == TV_STATS_UNIT_CYCLES)
		return s->h->tsc_khz ? v * 1e6 / s->h->tsc_khz : -1;
	return v;
}

/*
 * Bucket i >= 1 holds [2^(i-1), 2^i): the value is taken to lie evenly
 * within its bucket (the last bucket: at its lower bound).
 */
double statsfile_hist_pct_ns(const struct statsfile *s, const struct tv_stats_desc *d,
			     double pct)
{
	const uint64_t *v = values(s, d);
	uint64_t total = 0, cum = 0;
	double want, lo, hi;
	uint32_t i;

	for (i = 0; i < d->size; i++)
		total += v[i];
	if (!total)
		return -1;
	want = total * pct / 100.0;
	for (i = 0; i < d->size; i++) {
		if (v[i] && cum + v[i] >= want)
			break;
		cum += v[i];
	}
	if (i >= d->size)
		i = d->size - 1;
	if (i == 0)
		return 0;
	lo = (double)(1ULL << (i - 1));
	hi = i == d->size - 1 ? lo : 2 * lo;
	return to_ns(s, d, lo + (hi - lo) * (want - cum) / v[i]);
}

/* The count that goes with a histogram: exit_cycles.K -> exits.K. */
static uint64_t hist_count(const struct statsfile *s, const char *hist)
{
	char name[TV_STATS_NAME_SIZE + 16];
	const char *dot = strchr(hist, '.');

	snprintf(name, sizeof(name), "%s%s",
		 !strncmp(hist, "user_", 5) ? "user_exits" : "exits", dot);
	return statsfile_counter(s, name);
}

int statsfile_rows(const struct statsfile *s, const struct statsfile *prev,
		   double secs, struct stats_row *rows, int max)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < s->h->num_desc && n < max; i++) {
		const struct tv_stats_desc *d = desc_at(s, i);
		struct stats_row *r = &rows[n];
		const char *dot;
		bool user;

		if (!desc_ok(s, d) || d->type != TV_STATS_TYPE_LOG2_HIST ||
		    d->size > HIST_MAX_BUCKETS)
			continue;
		user = !strncmp(d->name, "user_cycles.", 12);
		if (!user && strncmp(d->name, "exit_cycles.", 12))
			continue;
		dot = strchr(d->name, '.') + 1;
		snprintf(r->name, sizeof(r->name), "%s%s", user ? "user:" : "", dot);
		r->total = hist_count(s, d->name);
		r->per_s = prev && secs > 0 ?
			   (r->total - hist_count(prev, d->name)) / secs : 0;
		r->p50_ns = statsfile_hist_pct_ns(s, d, 50);
		r->p99_ns = statsfile_hist_pct_ns(s, d, 99);
		n++;
	}
	return n;
}

static const char *const events[] = {
	"doorbells", "irqs_injected", "halt_wakeups", "l1d_flushes"
};

void statsfile_print_table(FILE *f, const struct statsfile *s,
			   const struct statsfile *prev, double secs, const char *prefix)
{
	struct stats_row rows[128];
	int i, n = statsfile_rows(s, prev, secs, rows, 128);
	unsigned int e;

	fprintf(f, "%s%-20s %12s %10s %12s %12s\n", prefix, "exit", "total", "per_s",
		"p50_us", "p99_us");
	for (i = 0; i < n; i++) {
		if (!rows[i].total)
			continue;
		/* An exit whose time is still running (a halt) has none yet. */
		if (rows[i].p50_ns < 0)
			fprintf(f, "%s%-20s %12llu %10.0f %12s %12s\n", prefix, rows[i].name,
				(unsigned long long)rows[i].total, rows[i].per_s, "-", "-");
		else
			fprintf(f, "%s%-20s %12llu %10.0f %12.2f %12.2f\n", prefix, rows[i].name,
				(unsigned long long)rows[i].total, rows[i].per_s,
				rows[i].p50_ns / 1e3, rows[i].p99_ns / 1e3);
	}
	fprintf(f, "%s", prefix);
	for (e = 0; e < sizeof(events) / sizeof(events[0]); e++)
		fprintf(f, "%s%s %llu", e ? ", " : "", events[e],
			(unsigned long long)statsfile_counter(s, events[e]));
	fprintf(f, "\n");
}

void statsfile_print_json(FILE *f, const struct statsfile *s,
			  const struct statsfile *prev, double secs)
{
	struct stats_row rows[128];
	int i, n = statsfile_rows(s, prev, secs, rows, 128);
	unsigned int e;

	fprintf(f, "{\"vcpus\": %u, \"tsc_khz\": %llu, \"counting\": %s, \"exits\": [",
		s->h->nr_vcpus, (unsigned long long)s->h->tsc_khz,
		s->h->flags & TV_STATS_F_COUNTING ? "true" : "false");
	for (i = 0; i < n; i++)
		fprintf(f, "%s{\"exit\": \"%s\", \"total\": %llu, \"per_s\": %.1f, "
			"\"p50_ns\": %.0f, \"p99_ns\": %.0f}", i ? ", " : "", rows[i].name,
			(unsigned long long)rows[i].total, rows[i].per_s,
			rows[i].p50_ns, rows[i].p99_ns);
	fprintf(f, "]");
	for (e = 0; e < sizeof(events) / sizeof(events[0]); e++)
		fprintf(f, ", \"%s\": %llu", events[e],
			(unsigned long long)statsfile_counter(s, events[e]));
	fprintf(f, "}");
}
