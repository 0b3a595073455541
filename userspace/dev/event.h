/* SPDX-License-Identifier: GPL-2.0 */
/* What a port access to one of thinrun's platform devices asks for. */
#ifndef THINRUN_DEV_EVENT_H
#define THINRUN_DEV_EVENT_H

enum dev_event {
	DEV_NOT_MINE,		/* another device's port */
	DEV_HANDLED,		/* go on */
	DEV_POWEROFF,		/* the guest powers off */
	DEV_RESET,		/* the guest resets the machine */
	DEV_GUEST_FAILED,	/* the guest reported a failure (exit port) */
};

#endif
