// SPDX-License-Identifier: GPL-2.0
/*
 * Hold SVM/VMX through KVM: create a KVM VM (on Linux 6.1 that turns the
 * hardware on in every CPU), say "held", and wait to be killed.  The test
 * machines use it to show that thinvisor backs off from another hypervisor.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR);
	int vm;

	if (kvm < 0) {
		perror("/dev/kvm");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("KVM_CREATE_VM");
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	for (;;)
		pause();
}
