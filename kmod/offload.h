/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The offload path: guest doorbells that signal an eventfd with no exit
 * to userspace (ioeventfd.c), and eventfds that interrupt the guest
 * (irqfd.c), with the InterruptStatus/InterruptACK registers of a
 * virtio-mmio device served in the module.
 */
#ifndef THINVISOR_OFFLOAD_H
#define THINVISOR_OFFLOAD_H

#include <linux/types.h>

struct tv_vm;
struct tv_vcpu;
struct tv_ioeventfd;
struct tv_irqfd;

#define TV_MAX_IOEVENTFDS	256
#define TV_MAX_IRQFDS		64

/* ioeventfd.c */
int tv_ioeventfd_ioctl(struct tv_vm *vm, struct tv_ioeventfd __user *argp);
bool tv_ioeventfd_write(struct tv_vm *vm, bool pio, u64 addr, u32 len, u64 val);
void tv_ioeventfd_release(struct tv_vm *vm);

/* irqfd.c */
int tv_irqfd_init(void);
void tv_irqfd_exit(void);
int tv_irqfd_ioctl(struct tv_vm *vm, struct tv_irqfd __user *argp);
bool tv_irqfd_virtio_mmio(struct tv_vm *vm, u64 gpa, bool write, u32 len, u64 *val);
void tv_irqfd_release(struct tv_vm *vm);

#endif
