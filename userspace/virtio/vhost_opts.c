// SPDX-License-Identifier: GPL-2.0
/*
 * The values of --net and --vsock (vhost_opts.h): pure parsing, with
 * every error said in the user's terms; unit-tested (vhost_opts_test).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/vhost_opts.h"

/* Six hex bytes with colons between them; 0, or -1. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i, b;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -1;
	for (i = 0; i < 6; i++) {
		if (sscanf(s + 3 * i, "%2x", &b) != 1)
			return -1;
		mac[i] = b;
	}
	return 0;
}

/*
 * A MAC of the tap's name, the same at every start: a locally
 * administered unicast address (02:...), FNV-1a of the name after it.
 */
static void derive_mac(const char *name, uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ULL;
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = h >> (8 * (i - 1));
}

int net_opts_parse(const char *arg, struct net_opts *o, char *err, size_t errlen)
{
	char *copy = strdup(arg), *save = NULL, *kv;
	bool mac = false;
	int ret = -1;

	memset(o, 0, sizeof(*o));
	o->vhost = true;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		if (!strncmp(kv, "tap=", 4)) {
			if (!kv[4] || strlen(kv + 4) >= sizeof(o->tap) || strchr(kv + 4, '/')) {
				snprintf(err, errlen, "tap=%s: give an interface name of 1 to %zu characters",
					 kv + 4, sizeof(o->tap) - 1);
				goto out;
			}
			strcpy(o->tap, kv + 4);
		} else if (!strncmp(kv, "mac=", 4)) {
			if (parse_mac(kv + 4, o->mac)) {
				snprintf(err, errlen, "mac=%s: give six hex bytes, as 52:54:00:12:34:56",
					 kv + 4);
				goto out;
			}
			if (o->mac[0] & 1) {
				snprintf(err, errlen, "mac=%s: a multicast address (the first byte is odd)",
					 kv + 4);
				goto out;
			}
			if (!(o->mac[0] | o->mac[1] | o->mac[2] | o->mac[3] | o->mac[4] | o->mac[5])) {
				snprintf(err, errlen, "mac=%s: the all-zero address", kv + 4);
				goto out;
			}
			mac = true;
		} else if (!strcmp(kv, "vhost=on")) {
			o->vhost = true;
		} else if (!strcmp(kv, "vhost=off")) {
			o->vhost = false;
		} else {
			snprintf(err, errlen, "'%s': give tap=IFNAME[,mac=MAC][,vhost=off]", kv);
			goto out;
		}
	}
	if (!o->tap[0]) {
		snprintf(err, errlen, "no tap=IFNAME");
		goto out;
	}
	if (!mac)
		derive_mac(o->tap, o->mac);
	ret = 0;
out:
	free(copy);
	return ret;
}

int vsock_cid_parse(const char *arg, uint32_t *cid, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	/* 0, 1 and 2 are the hypervisor's, the loopback's and the host's; -1 is "any". */
	if (errno || !isdigit((unsigned char)arg[0]) || *end || v < 3 || v >= 0xffffffffULL) {
		snprintf(err, errlen, "--vsock %s: give the guest's context ID, 3 to 4294967294", arg);
		return -1;
	}
	*cid = v;
	return 0;
}
