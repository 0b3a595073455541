// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's console: the 16550A at COM1 (dev/serial8250.c) with stdout
 * behind its transmitter and stdin behind its receiver.  What it knows of
 * the machine is two callbacks (console.h): its IRQ line, and the end of
 * the run that Ctrl-A x asks for.
 *
 * vCPU threads and the stdin thread share the UART under one lock.  The
 * stdin thread only reads as many bytes as the receive FIFO has room
 * for, and sleeps while it is full: input waits in the pipe or terminal
 * rather than being lost to an overrun.
 *
 * A terminal on stdin goes into raw mode, so that the guest gets every
 * key (Ctrl-C included) and does its own echo; Ctrl-A x ends thinrun
 * (Ctrl-A Ctrl-A sends one Ctrl-A).  The terminal is given back as it
 * was in console_stop(), which every way out of a run goes through.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "dev/serial8250.h"

#define CTRL_A	0x01

struct console {
	struct console_hooks hooks;
	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t room;	/* the receive FIFO has room, or stop */
	struct serial8250 uart;
	bool stop;

	int stop_pipe[2];	/* wakes the stdin thread from poll() */
	pthread_t reader;
	bool reader_started;
	bool tty;		/* stdin is a terminal, now in raw mode */
	bool escape;		/* the last key was Ctrl-A */
	struct termios saved;
};

static void uart_tx(void *opaque, uint8_t byte)
{
	ssize_t n = write(STDOUT_FILENO, &byte, 1);

	/* Nobody to tell if stdout is gone: the guest goes on. */
	(void)n;
	(void)opaque;
}

static void uart_irq(void *opaque, bool level)
{
	struct console *c = opaque;

	c->hooks.set_irq(c->hooks.irq_opaque, level);
}

enum dev_event console_access(void *opaque, uint64_t offset, bool is_write,
			      uint8_t *data, unsigned int len)
{
	struct console *c = opaque;
	unsigned int room;

	if (len != 1)
		return DEV_NOT_MINE;
	pthread_mutex_lock(&c->lock);
	room = serial_rx_room(&c->uart);
	serial_io(&c->uart, offset, !is_write, data);
	if (serial_rx_room(&c->uart) > room)
		pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
	return DEV_HANDLED;
}

/* Keys from a terminal: Ctrl-A x ends the run, Ctrl-A Ctrl-A is Ctrl-A. */
static unsigned int filter_keys(struct console *c, uint8_t *buf, unsigned int n)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		if (c->escape) {
			c->escape = false;
			if (buf[i] == 'x') {
				c->hooks.quit(c->hooks.quit_opaque);
				return out;
			}
			if (buf[i] != CTRL_A)
				continue;	/* an unknown escape is dropped */
		} else if (buf[i] == CTRL_A) {
			c->escape = true;
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

static void *stdin_thread(void *arg)
{
	struct console *c = arg;
	struct pollfd fds[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = c->stop_pipe[0], .events = POLLIN },
	};
	uint8_t buf[SERIAL_FIFO_LEN];
	unsigned int room = 0;
	bool stop;
	ssize_t n;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		while (!c->stop && !(room = serial_rx_room(&c->uart)))
			pthread_cond_wait(&c->room, &c->lock);
		stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		/* Only this thread fills the FIFO: room can only have grown. */
		n = read(STDIN_FILENO, buf, room);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;	/* end of input: the guest just gets no more */
		if (c->tty)
			n = filter_keys(c, buf, n);
		pthread_mutex_lock(&c->lock);
		serial_rx(&c->uart, buf, n);
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

static void raw_terminal(struct console *c)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &c->saved))
		return;
	raw = c->saved;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		c->tty = true;
}

struct console *console_start(const struct console_hooks *hooks)
{
	struct console *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		fprintf(stderr, "thinrun: console: out of memory\n");
		return NULL;
	}
	c->hooks = *hooks;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->room, NULL);
	serial_init(&c->uart, uart_tx, uart_irq, c);
	if (pipe2(c->stop_pipe, O_CLOEXEC)) {
		perror("thinrun: console");
		c->stop_pipe[0] = c->stop_pipe[1] = -1;
		console_stop(c);
		return NULL;
	}
	raw_terminal(c);
	err = pthread_create(&c->reader, NULL, stdin_thread, c);
	if (err) {
		fprintf(stderr, "thinrun: console: %s\n", strerror(err));
		console_stop(c);
		return NULL;
	}
	c->reader_started = true;
	return c;
}

void console_stop(struct console *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->room);
	pthread_mutex_unlock(&c->lock);
	if (c->reader_started) {
		if (write(c->stop_pipe[1], "", 1) < 0)
			perror("thinrun: console");
		pthread_join(c->reader, NULL);
	}
	if (c->tty)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &c->saved);
	if (c->stop_pipe[0] >= 0) {
		close(c->stop_pipe[0]);
		close(c->stop_pipe[1]);
	}
	pthread_cond_destroy(&c->room);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
