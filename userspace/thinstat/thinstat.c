// SPDX-License-Identifier: GPL-2.0
/*
 * thinstat: where the guests' time goes, for every thinvisor VM on the
 * host, as kvm_stat does for KVM.
 *
 *   thinstat [--once] [--json] [--delay SECS]
 *	each VM's exits per kind: total, per second, p50 and p99 of the
 *	time each took (the module's histograms); live, refreshed every
 *	SECS (1), until interrupted; --once: one table, over one interval.
 *   thinstat record [-o FILE] -- CMD [ARG...]
 *	perf record of the tv_entry and tv_exit tracepoints while CMD runs.
 *   thinstat report [-i FILE] [--json]
 *	per exit reason from that recording: count, mean, p50, p99, max,
 *	each exit's cost being its tv_exit to the vCPU's next tv_entry.
 *
 * VMs are found in debugfs (root): /sys/kernel/debug/thinvisor/vm/PID-N/stats,
 * one per VM alive, PID the process that made it (Documentation/tracing.rst).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "statsfile.h"

#define VM_DIR		"/sys/kernel/debug/thinvisor/vm"
#define MAX_VMS		256
#define PERF_DATA	"thinstat.data"

struct vm_sample {
	char name[64];		/* PID-N */
	int pid;
	struct statsfile s;
};

struct sample {
	struct vm_sample vms[MAX_VMS];
	int n;
	double t;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_name(const void *a, const void *b)
{
	const struct vm_sample *x = a, *y = b;

	return x->pid != y->pid ? x->pid - y->pid : strcmp(x->name, y->name);
}

/* Every VM's stats now; a VM that goes while being read is left out. */
static int take_sample(struct sample *smp)
{
	DIR *d = opendir(VM_DIR);
	struct dirent *e;
	char path[512];
	int fd, pid, seq;

	smp->n = 0;
	smp->t = now_s();
	if (!d) {
		fprintf(stderr, "thinstat: %s: %s (root, debugfs mounted, thinvisor.ko loaded?)\n",
			VM_DIR, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && smp->n < MAX_VMS) {
		struct vm_sample *v = &smp->vms[smp->n];

		if (sscanf(e->d_name, "%d-%d", &pid, &seq) != 2)
			continue;
		snprintf(path, sizeof(path), "%s/%s/stats", VM_DIR, e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!statsfile_read(fd, &v->s)) {
			snprintf(v->name, sizeof(v->name), "%d-%d", pid, seq);
			v->pid = pid;
			smp->n++;
		}
		close(fd);
	}
	closedir(d);
	qsort(smp->vms, smp->n, sizeof(smp->vms[0]), by_name);
	return 0;
}

static void free_sample(struct sample *smp)
{
	int i;

	for (i = 0; i < smp->n; i++)
		statsfile_free(&smp->vms[i].s);
	smp->n = 0;
}

static const struct statsfile *find_prev(const struct sample *prev, const char *name)
{
	int i;

	for (i = 0; prev && i < prev->n; i++)
		if (!strcmp(prev->vms[i].name, name))
			return &prev->vms[i].s;
	return NULL;
}

static void comm_of(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, len, f))
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

/* A JSON string of a process name: nothing but printable ASCII, escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s >= 0x20 && *s < 0x7f)
			fputc(*s, f);
		else
			fprintf(f, "\\u%04x", (unsigned char)*s);
	}
	fputc('"', f);
}

static void print_sample(const struct sample *cur, const struct sample *prev, bool json)
{
	double secs = prev ? cur->t - prev->t : 0;
	char comm[64];
	int i;

	if (json)
		printf("{\"interval_s\": %.3f, \"vms\": [", secs);
	for (i = 0; i < cur->n; i++) {
		const struct vm_sample *v = &cur->vms[i];
		const struct statsfile *p = find_prev(prev, v->name);

		comm_of(v->pid, comm, sizeof(comm));
		if (json) {
			printf("%s{\"vm\": \"%s\", \"pid\": %d, \"comm\": ", i ? ", " : "",
			       v->name, v->pid);
			json_str(stdout, comm);
			printf(", \"stats\": ");
			statsfile_print_json(stdout, &v->s, p, p ? secs : 0);
			printf("}");
		} else {
			printf("VM %s (%s), %u vCPUs%s\n", v->name, comm, v->s.h->nr_vcpus,
			       v->s.h->flags & TV_STATS_F_COUNTING ? "" :
			       " (counting is off: debugfs thinvisor/stats)");
			statsfile_print_table(stdout, &v->s, p, p ? secs : 0, "  ");
			printf("\n");
		}
	}
	if (json)
		printf("]}\n");
	else if (!cur->n)
		printf("no thinvisor VMs\n");
	fflush(stdout);
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int live(bool once, bool json, double delay)
{
	static struct sample a, b;
	struct sample *prev = &a, *cur = &b, *t;

	if (take_sample(prev))
		return 1;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	while (!stop) {
		usleep(delay * 1e6);
		if (take_sample(cur))
			return 1;
		if (!once && !json)
			printf("\033[H\033[2J");	/* a screen, as top */
		print_sample(cur, prev, json);
		free_sample(prev);
		t = prev;
		prev = cur;
		cur = t;
		if (once)
			break;
	}
	free_sample(prev);
	return 0;
}

static int record(int argc, char **argv)
{
	const char *out = PERF_DATA;
	char **args;
	int i = 0, c;

	optind = 1;
	while ((c = getopt(argc, argv, "+o:")) != -1) {
		if (c != 'o')
			return 2;
		out = optarg;
	}
	if (optind >= argc) {
		fprintf(stderr, "thinstat record: give a command: thinstat record [-o FILE] -- CMD\n");
		return 2;
	}
	args = calloc(argc + 8, sizeof(*args));
	if (!args)
		return 1;
	args[i++] = "perf";
	args[i++] = "record";
	args[i++] = "-q";
	args[i++] = "-e";
	args[i++] = "thinvisor:tv_entry,thinvisor:tv_exit";
	args[i++] = "-o";
	args[i++] = (char *)out;
	args[i++] = "--";
	for (c = optind; c < argc; c++)
		args[i++] = argv[c];
	execvp("perf", args);
	fprintf(stderr, "thinstat record: perf: %s\n", strerror(errno));
	return 1;
}

/* One reason's exits, in microseconds. */
struct reason {
	char name[32];
	double *us;
	size_t n, cap;
	double sum;
};

/* A vCPU (pid and vCPU id) whose tv_exit waits for its tv_entry. */
struct open_exit {
	long pid;
	unsigned int vcpu;
	double t;
	int reason;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int reason_index(struct reason **rs, int *nr, const char *name)
{
	int i;

	for (i = 0; i < *nr; i++)
		if (!strcmp((*rs)[i].name, name))
			return i;
	*rs = realloc(*rs, (*nr + 1) * sizeof(**rs));
	if (!*rs)
		exit(1);
	memset(&(*rs)[*nr], 0, sizeof(**rs));
	snprintf((*rs)[*nr].name, sizeof((*rs)[*nr].name), "%s", name);
	return (*nr)++;
}

static void add_us(struct reason *r, double us)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->us = realloc(r->us, r->cap * sizeof(*r->us));
		if (!r->us)
			exit(1);
	}
	r->us[r->n++] = us;
	r->sum += us;
}

static double pct(const struct reason *r, double p)
{
	size_t i = (size_t)(p / 100.0 * (r->n - 1) + 0.5);

	return r->us[i < r->n ? i : r->n - 1];
}

/*
 * perf script -F pid,time,event,trace lines:
 *   PID TIME: thinvisor:tv_exit: vcpu N reason R rip ...
 *   PID TIME: thinvisor:tv_entry: vcpu N rip ...
 */
static int report(int argc, char **argv)
{
	const char *in = PERF_DATA;
	struct open_exit *open_exits = NULL;
	struct reason *rs = NULL;
	int nopen = 0, nr = 0, i, c;
	bool json = false;
	char cmd[1024], line[1024], ev[64], rname[32];
	long pid, total = 0;
	unsigned int vcpu;
	double t;
	FILE *p;

	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		if (c == 'i')
			in = optarg;
		else if (c == 'j')
			json = true;
		else
			return 2;
	}
	if (strchr(in, '\'')) {
		fprintf(stderr, "thinstat report: a file name with a quote\n");
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "perf script -i '%s' -F pid,time,event,trace", in);
	p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "thinstat report: %s: %s\n", cmd, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), p)) {
		char *at = strstr(line, "thinvisor:tv_");
		int n;

		if (!at || sscanf(line, "%ld %lf:", &pid, &t) != 2 ||
		    sscanf(at, "%63s vcpu %u%n", ev, &vcpu, &n) != 2)
			continue;
		for (i = 0; i < nopen; i++)
			if (open_exits[i].pid == pid && open_exits[i].vcpu == vcpu)
				break;
		if (!strcmp(ev, "thinvisor:tv_exit:")) {
			if (sscanf(at + n, " reason %31s", rname) != 1)
				continue;
			if (i == nopen) {
				open_exits = realloc(open_exits, ++nopen * sizeof(*open_exits));
				if (!open_exits)
					exit(1);
			}
			open_exits[i] = (struct open_exit){ pid, vcpu, t,
							    reason_index(&rs, &nr, rname) };
		} else if (!strcmp(ev, "thinvisor:tv_entry:") && i < nopen &&
			   open_exits[i].reason >= 0) {
			add_us(&rs[open_exits[i].reason], (t - open_exits[i].t) * 1e6);
			open_exits[i].reason = -1;
			total++;
		}
	}
	if (pclose(p)) {
		fprintf(stderr, "thinstat report: %s failed\n", cmd);
		return 1;
	}
	if (!total) {
		fprintf(stderr, "thinstat report: no tv_exit followed by tv_entry in %s\n", in);
		return 1;
	}
	if (json)
		printf("{\"exits\": [");
	else
		printf("%-16s %10s %12s %12s %12s %12s\n", "reason", "exits", "mean_us",
		       "p50_us", "p99_us", "max_us");
	for (i = 0, c = 0; i < nr; i++) {
		struct reason *r = &rs[i];

		if (!r->n)
			continue;
		qsort(r->us, r->n, sizeof(*r->us), cmp_double);
		if (json)
			printf("%s{\"reason\": \"%s\", \"exits\": %zu, \"mean_us\": %.3f, "
			       "\"p50_us\": %.3f, \"p99_us\": %.3f, \"max_us\": %.3f}",
			       c++ ? ", " : "", r->name, r->n, r->sum / r->n, pct(r, 50),
			       pct(r, 99), r->us[r->n - 1]);
		else
			printf("%-16s %10zu %12.2f %12.2f %12.2f %12.2f\n", r->name, r->n,
			       r->sum / r->n, pct(r, 50), pct(r, 99), r->us[r->n - 1]);
	}
	if (json)
		printf("]}\n");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: thinstat [--once] [--json] [--delay SECS]\n"
		"       thinstat record [-o FILE] -- CMD [ARG...]\n"
		"       thinstat report [-i FILE] [--json]\n"
		"Every thinvisor VM's exits per kind: total, per second, p50 and p99\n"
		"(from /sys/kernel/debug/thinvisor/vm/*/stats); record and report: the\n"
		"same per exit from perf and the thinvisor tracepoints (FILE: %s).\n",
		PERF_DATA);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "json", no_argument, NULL, 'j' },
		{ "delay", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool once = false, json = false;
	double delay = 1;
	char *end;
	int c;

	if (argc > 1 && !strcmp(argv[1], "record"))
		return record(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return report(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case '1':
			once = true;
			break;
		case 'j':
			json = true;
			break;
		case 'd':
			delay = strtod(optarg, &end);
			if (*end || !(delay > 0 && delay <= 3600)) {
				fprintf(stderr, "thinstat: --delay %s: give 0 to 3600 seconds\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return live(once, json, delay);
}
