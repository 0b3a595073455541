// SPDX-License-Identifier: GPL-2.0
/*
 * sockpipe: the test machines' network tool, for both ends of thinrun's
 * --net and --vsock tests (busybox's nc has no vsock, and its TCP client
 * drops what it has not sent when its input ends).
 *
 *   sockpipe [-t SECONDS] listen|connect ADDR send FILE
 *       send FILE, close the sending half, then copy what comes back to
 *       stdout until the peer closes
 *   sockpipe [-t SECONDS] listen|connect ADDR recv
 *       copy everything the peer sends to stdout
 *   sockpipe [-t SECONDS] listen|connect ADDR echo
 *       read until the peer closes its sending half, send it all back
 *   sockpipe mktap NAME [UID]
 *       create the persistent tap NAME, owned by UID if given
 *   sockpipe holdcid CID
 *       take the vsock context ID CID with /dev/vhost-vsock and keep it
 *       until killed
 *   sockpipe asuser UID PROGRAM ARGS...
 *       run PROGRAM as UID (group UID, no others) with no capabilities
 *
 * ADDR is tcp:IPV4:PORT or vsock:CID:PORT (listen: CID -1 is any).  listen
 * takes one connection; connect retries until the peer listens.  -t
 * bounds the whole run (default 60 s).  Exit status 0, or 1 with a
 * message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "sockpipe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void on_alarm(int sig)
{
	static const char msg[] = "sockpipe: timed out\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

union addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_vm vm;
};

static socklen_t parse_addr(const char *s, union addr *a)
{
	char host[64];
	long cid;
	unsigned int port;

	memset(a, 0, sizeof(*a));
	if (sscanf(s, "tcp:%63[^:]:%u", host, &port) == 2) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons(port);
		if (inet_pton(AF_INET, host, &a->in.sin_addr) != 1)
			return 0;
		return sizeof(a->in);
	}
	if (sscanf(s, "vsock:%ld:%u", &cid, &port) == 2) {
		a->vm.svm_family = AF_VSOCK;
		a->vm.svm_cid = cid < 0 ? VMADDR_CID_ANY : (unsigned int)cid;
		a->vm.svm_port = port;
		return sizeof(a->vm);
	}
	return 0;
}

static int do_listen(const union addr *a, socklen_t len)
{
	int one = 1, s, c;

	s = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, &a->sa, len) || listen(s, 1))
		die("bind/listen");
	c = accept(s, NULL, NULL);
	if (c < 0)
		die("accept");
	close(s);
	return c;
}

/* Connect, again every 100 ms while nobody listens there yet. */
static int do_connect(const union addr *a, socklen_t len)
{
	struct timespec pause = { 0, 100000000L };
	int s;

	for (;;) {
		s = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			die("socket");
		if (!connect(s, &a->sa, len))
			return s;
		if (errno != ECONNREFUSED && errno != ECONNRESET && errno != ETIMEDOUT &&
		    errno != ENODEV && errno != EHOSTUNREACH && errno != ENETUNREACH)
			die("connect");
		close(s);
		nanosleep(&pause, NULL);
	}
}

static void write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		n -= w;
	}
}

/* Copy from in to out until in ends. */
static void copy(int in, int out)
{
	static char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (!n)
			return;
		write_all(out, buf, n);
	}
}

static void echo(int s)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;

	for (;;) {
		if (!buf)
			die("malloc");
		n = read(s, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (!n)
			break;
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	write_all(s, buf, len);
	free(buf);
}

static int mktap(const char *name, const char *uid)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd = open("/dev/net/tun", O_RDWR);

	if (fd < 0)
		die("/dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die("TUNSETIFF");
	if (uid && ioctl(fd, TUNSETOWNER, strtoul(uid, NULL, 10)))
		die("TUNSETOWNER");
	if (ioctl(fd, TUNSETPERSIST, 1))
		die("TUNSETPERSIST");
	return 0;
}

static __attribute__((noreturn)) void holdcid(const char *cid)
{
	uint64_t c = strtoull(cid, NULL, 10);
	int fd = open("/dev/vhost-vsock", O_RDWR);

	if (fd < 0)
		die("/dev/vhost-vsock");
	if (ioctl(fd, VHOST_SET_OWNER) || ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &c))
		die("VHOST_VSOCK_SET_GUEST_CID");
	printf("sockpipe: holding CID %s\n", cid);
	fflush(stdout);
	for (;;)
		pause();
}

static int asuser(char **argv)
{
	unsigned long id = strtoul(argv[0], NULL, 10);

	/* Dropping to a non-zero UID clears the capabilities too. */
	if (setgroups(0, NULL) || setgid(id) || setuid(id))
		die("setuid");
	execvp(argv[1], argv + 1);
	die(argv[1]);
	return 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: sockpipe [-t SECONDS] listen|connect ADDR send FILE|recv|echo\n"
		"       sockpipe mktap NAME [UID] | holdcid CID | asuser UID PROGRAM ARGS...\n");
	exit(1);
}

int main(int argc, char **argv)
{
	unsigned int seconds = 60;
	union addr a;
	socklen_t len;
	int s, f;

	if (argc >= 3 && !strcmp(argv[1], "mktap"))
		return mktap(argv[2], argc > 3 ? argv[3] : NULL);
	if (argc == 3 && !strcmp(argv[1], "holdcid"))
		holdcid(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "asuser"))
		return asuser(argv + 2);
	if (argc > 2 && !strcmp(argv[1], "-t")) {
		seconds = strtoul(argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc < 4)
		usage();
	len = parse_addr(argv[2], &a);
	if (!len)
		usage();
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm(seconds);
	if (!strcmp(argv[1], "listen"))
		s = do_listen(&a, len);
	else if (!strcmp(argv[1], "connect"))
		s = do_connect(&a, len);
	else
		usage();
	if (!strcmp(argv[3], "send") && argc == 5) {
		f = open(argv[4], O_RDONLY);
		if (f < 0)
			die(argv[4]);
		copy(f, s);
		close(f);
		if (shutdown(s, SHUT_WR))
			die("shutdown");
		copy(s, 1);
	} else if (!strcmp(argv[3], "recv")) {
		copy(s, 1);
	} else if (!strcmp(argv[3], "echo")) {
		echo(s);
	} else {
		usage();
	}
	close(s);
	return 0;
}
