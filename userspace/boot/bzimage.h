/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading a Linux bzImage for the 64-bit boot protocol
 * (Documentation/x86/boot.rst in the kernel tree): check the setup
 * header, place the kernel, the initrd and the command line in guest
 * memory (userspace/boot/layout.h), and write boot_params with an e820
 * map.  Pure logic over a buffer that plays guest memory: the unit test
 * runs it on the real Debian kernels.
 *
 * Every function that can fail returns 0, or -1 with one line in err
 * that says what is wrong and, where it helps, what would do.
 */
#ifndef THINRUN_BOOT_BZIMAGE_H
#define THINRUN_BOOT_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/* The oldest boot protocol with xloadflags, hence XLF_KERNEL_64. */
#define BZIMAGE_MIN_PROTOCOL	0x020c

/* e820 types (the kernel's E820_TYPE_*). */
#define BOOT_E820_RAM		1
#define BOOT_E820_RESERVED	2

/* What the setup header says, once checked. */
struct bzimage_info {
	uint16_t protocol;		/* 0x020f is 2.15 */
	uint32_t setup_size;		/* the real-mode part, boot sector included */
	uint32_t payload_size;		/* the protected-mode kernel, syssize * 16 */
	uint32_t header_end;		/* the setup header ends here in the file */
	uint64_t load_addr;		/* where the payload goes */
	uint64_t kernel_end;		/* the kernel needs memory up to here */
	uint64_t initrd_max;		/* the highest byte an initrd may use */
	uint32_t cmdline_size;		/* the longest command line, without its NUL */
};

/* Where things went, and where vCPU 0 starts. */
struct boot_entry {
	uint64_t rip;			/* load_addr + 0x200: startup_64 */
	uint64_t boot_params;		/* for RSI */
	uint64_t kernel_addr, kernel_end;
	uint64_t initrd_addr, initrd_size;
	uint64_t cmdline_addr;
};

int bzimage_parse(const void *image, size_t len, struct bzimage_info *info,
		  char *err, size_t errlen);

/*
 * Place a parsed kernel, an initrd of initrd_len bytes (0: none) and a
 * command line of cmdline_len bytes in ram_size bytes of guest memory.
 * Writes nothing: thinrun calls it before it makes the VM.
 */
int bzimage_place(const struct bzimage_info *info, size_t initrd_len,
		  size_t cmdline_len, uint64_t ram_size, struct boot_entry *entry,
		  char *err, size_t errlen);

/*
 * Parse, place and write: the payload, the initrd, the command line and
 * boot_params (with the e820 map and the RSDP's address).  guest_ram is
 * guest-physical 0 up to the MMIO hole.  cmdline may be NULL.  initrd
 * may be NULL with initrd_len set: the room is made and boot_params says
 * so, and the caller reads the file to entry->initrd_addr itself.
 */
int bzimage_load(const void *image, size_t len, const void *initrd,
		 size_t initrd_len, const char *cmdline, void *guest_ram,
		 uint64_t ram_size, struct boot_entry *entry,
		 char *err, size_t errlen);

/*
 * All of bzimage_load() but the payload: image need hold only the setup
 * header (the first 4 KiB hold it), len is the whole image's length, and
 * the caller puts info->payload_size bytes from info->setup_size in the
 * file at info->load_addr itself.  thinrun reads the payload from the file
 * straight into guest memory, so the kernel never sits in its own heap.
 */
int bzimage_load_setup(const void *image, size_t len, const void *initrd,
		       size_t initrd_len, const char *cmdline, void *guest_ram,
		       uint64_t ram_size, struct boot_entry *entry,
		       char *err, size_t errlen);

#endif
