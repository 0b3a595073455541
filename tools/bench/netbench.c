// SPDX-License-Identifier: GPL-2.0
/*
 * netbench: both ends of the network and vsock benchmark (make bench,
 * tools/bench/net_bench.sh), static, in the guest's initramfs and in the
 * test machine (busybox's nc is no benchmark, and it has no vsock).
 *
 *   netbench serve ADDR
 *       the machine's end, until killed: for udp:, send every datagram
 *       back to its sender; for tcp:, read and drop all each connection
 *       sends, then close it; for vsock:, send back every byte each
 *       connection sends.  One connection at a time.
 *   netbench rr ADDR SECONDS ROUNDS
 *       request/response: send one byte, wait for it to come back, again
 *       for SECONDS; udp: or vsock: (a stream).  Transactions per second.
 *   netbench stream ADDR SECONDS ROUNDS
 *       tcp: only: send 64 KiB writes for SECONDS, close the sending half
 *       and wait for the server's close (so every byte was received).
 *       MB/s (10^6 bytes) over the time until that close.
 *
 * ADDR is udp:IPV4:PORT, tcp:IPV4:PORT or vsock:CID:PORT (serve: vsock
 * CID -1 is any).  The client runs ROUNDS rounds, one connection each,
 * and prints every round's figure and their median, as
 *   netbench KIND rounds=A,B,C median=M
 * Exit status 0, or 1 with a message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define STREAM_CHUNK	(64 * 1024)
#define MAX_ROUNDS	16

enum kind { UDP, TCP, VSOCK };

struct addr {
	enum kind kind;
	union {
		struct sockaddr_in in;
		struct sockaddr_vm vm;
	} u;
	socklen_t len;
};

static void die(const char *what)
{
	fprintf(stderr, "netbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: netbench serve ADDR | netbench rr|stream ADDR SECONDS ROUNDS\n"
		"  ADDR: udp:IPV4:PORT, tcp:IPV4:PORT or vsock:CID:PORT\n");
	exit(2);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void parse_addr(const char *s, struct addr *a)
{
	char host[64];
	const char *rest;
	long port;

	memset(a, 0, sizeof(*a));
	if (!strncmp(s, "udp:", 4))
		a->kind = UDP;
	else if (!strncmp(s, "tcp:", 4))
		a->kind = TCP;
	else if (!strncmp(s, "vsock:", 6))
		a->kind = VSOCK;
	else
		usage();
	rest = strchr(s, ':') + 1;
	if (!strchr(rest, ':') || strchr(rest, ':') - rest >= (long)sizeof(host))
		usage();
	memcpy(host, rest, strchr(rest, ':') - rest);
	host[strchr(rest, ':') - rest] = 0;
	port = atol(strchr(rest, ':') + 1);
	if (port <= 0 || port > 65535)
		usage();
	if (a->kind == VSOCK) {
		a->u.vm.svm_family = AF_VSOCK;
		a->u.vm.svm_cid = (unsigned int)strtol(host, NULL, 0);
		a->u.vm.svm_port = port;
		a->len = sizeof(a->u.vm);
		return;
	}
	a->u.in.sin_family = AF_INET;
	a->u.in.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &a->u.in.sin_addr) != 1)
		usage();
	a->len = sizeof(a->u.in);
}

static int new_socket(const struct addr *a)
{
	int fd = socket(a->kind == VSOCK ? AF_VSOCK : AF_INET,
			a->kind == UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
	int one = 1;

	if (fd < 0)
		die("socket");
	if (a->kind == TCP)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void serve(const struct addr *a)
{
	static char buf[STREAM_CHUNK];
	struct sockaddr_storage peer;
	socklen_t plen;
	int fd = new_socket(a), c, one = 1;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->u, a->len))
		die("bind");
	if (a->kind == UDP) {
		for (;;) {
			plen = sizeof(peer);
			n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
			if (n < 0 && errno != EINTR)
				die("recvfrom");
			if (n >= 0 && sendto(fd, buf, n, 0, (struct sockaddr *)&peer, plen) < 0)
				perror("netbench: sendto");
		}
	}
	if (listen(fd, 4))
		die("listen");
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if (a->kind == TCP)
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while ((n = read(c, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0 && a->kind == VSOCK && write(c, buf, n) != n)
				break;
		close(c);
	}
}

/* A connected socket, trying again for 30 s while the server comes up. */
static int connect_to(const struct addr *a)
{
	double end = now() + 30;
	int fd;

	for (;;) {
		fd = new_socket(a);
		if (!connect(fd, (const struct sockaddr *)&a->u, a->len))
			return fd;
		if (now() > end)
			die("connect");
		close(fd);
		usleep(100 * 1000);
	}
}

/* One round of request/response: transactions per second. */
static double rr(const struct addr *a, double secs, unsigned long *lost)
{
	struct timeval tmo = { .tv_sec = 1 };
	double start, end;
	unsigned long n = 0;
	char b = 'x';
	ssize_t got;
	int fd = connect_to(a);

	/* A UDP datagram lost (either way) is sent again after 1 s. */
	if (a->kind == UDP)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	start = now();
	end = start + secs;
	while (now() < end) {
		if (write(fd, &b, 1) != 1)
			die("send");
		got = read(fd, &b, 1);
		if (got < 0 && a->kind == UDP && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(*lost)++;
			continue;
		}
		if (got != 1) {
			errno = got < 0 ? errno : EPIPE;
			die("receive");
		}
		n++;
	}
	end = now();
	close(fd);
	return n / (end - start);
}

/* One round of a TCP stream: MB/s, until the server has it all. */
static double stream(const struct addr *a, double secs)
{
	static char buf[STREAM_CHUNK];
	double start, end;
	unsigned long long bytes = 0;
	ssize_t n;
	int fd = connect_to(a);

	memset(buf, 0xa5, sizeof(buf));
	start = now();
	end = start + secs;
	while (now() < end) {
		n = write(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("send");
		}
		bytes += n;
	}
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	while ((n = read(fd, buf, sizeof(buf))) != 0)
		if (n < 0 && errno != EINTR)
			die("wait for the server's close");
	end = now();
	close(fd);
	return bytes / (end - start) / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

int main(int argc, char **argv)
{
	double figures[MAX_ROUNDS], sorted[MAX_ROUNDS], secs;
	unsigned long lost = 0;
	struct addr a;
	int rounds, i;
	const char *name;

	if (argc == 3 && !strcmp(argv[1], "serve")) {
		parse_addr(argv[2], &a);
		serve(&a);
	}
	if (argc != 5)
		usage();
	parse_addr(argv[2], &a);
	secs = atof(argv[3]);
	rounds = atoi(argv[4]);
	if (secs <= 0 || rounds < 1 || rounds > MAX_ROUNDS)
		usage();
	if (!strcmp(argv[1], "rr") && a.kind != TCP)
		name = a.kind == UDP ? "udp_rr" : "vsock_rr";
	else if (!strcmp(argv[1], "stream") && a.kind == TCP)
		name = "tcp_stream";
	else
		usage();
	for (i = 0; i < rounds; i++) {
		if (a.kind == TCP)
			figures[i] = stream(&a, secs);
		else
			figures[i] = rr(&a, secs, &lost);
		sorted[i] = figures[i];
	}
	qsort(sorted, rounds, sizeof(sorted[0]), cmp_double);
	printf("netbench %s rounds=", name);
	for (i = 0; i < rounds; i++)
		printf("%s%.1f", i ? "," : "", figures[i]);
	printf(" median=%.1f lost=%lu\n", sorted[rounds / 2], lost);
	return 0;
}
