/* SPDX-License-Identifier: GPL-2.0 */
/* The values of thinrun's --net and --vsock options (virtio/net.h, vsock.h). */
#ifndef THINRUN_VIRTIO_VHOST_OPTS_H
#define THINRUN_VIRTIO_VHOST_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --net tap=IFNAME[,mac=MAC][,vhost=off] */
struct net_opts {
	char tap[16];		/* IFNAMSIZ */
	uint8_t mac[6];		/* given, or derived from the tap's name */
	bool vhost;		/* false: vhost=off */
};

/*
 * Parse the option's value; 0, or -1 with what is wrong in err: no tap=,
 * a name too long, a malformed, multicast or all-zero MAC, an unknown key.
 */
int net_opts_parse(const char *arg, struct net_opts *o, char *err, size_t errlen);

/* The value of --vsock: 0, or -1 with what is wrong in err. */
int vsock_cid_parse(const char *arg, uint32_t *cid, char *err, size_t errlen);

#endif
