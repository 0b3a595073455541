// SPDX-License-Identifier: GPL-2.0
/*
 * A bzImage for the 64-bit boot protocol (Documentation/x86/boot.rst):
 * header checks, placement, boot_params.  See bzimage.h.
 *
 * A bzImage is the real-mode setup (boot sector included, setup_sects + 1
 * sectors of 512 bytes) followed by the protected-mode payload (syssize
 * paragraphs of 16 bytes).  The 64-bit entry skips the real-mode part:
 * only its setup header is copied into boot_params, and the payload goes
 * to its load address, where startup_64 sits 0x200 bytes in.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <asm/bootparam.h>

#include "boot_err.h"
#include "boot/bzimage.h"
#include "boot/layout.h"

#define SETUP_HEADER_OFFSET	0x1f1
#define BOOT_FLAG_OFFSET	0x1fe
#define JUMP_OFFSET		0x200	/* the end of the header is 0x202 + the byte at 0x201 */
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define BOOT_FLAG_MAGIC		0xaa55
#define ENTRY64_OFFSET		0x200
#define LOADER_UNDEFINED	0xff	/* type_of_loader: no assigned ID */
/* heap_end_ptr: the setup heap ends at 0xfe00 past the real-mode code. */
#define SETUP_HEAP_END		0xfe00
#define PAGE_SIZE_4K		0x1000ULL
#define MIB			(1ULL << 20)

/* The last header field the loader reads: init_size (protocol 2.10). */
#define HEADER_MIN_END	(SETUP_HEADER_OFFSET + offsetof(struct setup_header, init_size) + 4)


static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static uint64_t mib_up(uint64_t bytes)
{
	return align_up(bytes, MIB) >> 20;
}

/* The setup header, as far as the file has it; the rest stays zero. */
static void read_header(const uint8_t *p, uint32_t header_end, struct setup_header *hdr)
{
	size_t n = header_end - SETUP_HEADER_OFFSET;

	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr, p + SETUP_HEADER_OFFSET, n < sizeof(*hdr) ? n : sizeof(*hdr));
}

int bzimage_parse(const void *image, size_t len, struct bzimage_info *info,
		  char *err, size_t errlen)
{
	const uint8_t *p = image;
	struct setup_header hdr;
	uint32_t magic, header_end, setup_sects;
	uint16_t boot_flag;
	uint64_t runtime, need, align;

	memset(info, 0, sizeof(*info));
	if (len == 0)
		return boot_fail(err, errlen, "not a Linux kernel: the file is empty");
	if (len < HEADER_MIN_END)
		return boot_fail(err, errlen, "not a Linux kernel: %zu bytes is too short for a bzImage header",
			    len);
	memcpy(&magic, p + JUMP_OFFSET + 2, 4);
	memcpy(&boot_flag, p + BOOT_FLAG_OFFSET, 2);
	if (magic != HDRS_MAGIC || boot_flag != BOOT_FLAG_MAGIC)
		return boot_fail(err, errlen, "not a Linux kernel: no bzImage header (\"HdrS\" at 0x202, 0xaa55 at 0x1fe)");

	header_end = JUMP_OFFSET + 2 + p[JUMP_OFFSET + 1];
	read_header(p, header_end < len ? header_end : len, &hdr);
	if (hdr.version < BZIMAGE_MIN_PROTOCOL)
		return boot_fail(err, errlen,
			    "boot protocol %u.%02u is too old: the 64-bit entry needs 2.12 or later",
			    hdr.version >> 8, hdr.version & 0xff);
	if (header_end < HEADER_MIN_END)
		return boot_fail(err, errlen, "bad bzImage: the setup header ends at 0x%x, before init_size",
			    header_end);
	if (!(hdr.xloadflags & XLF_KERNEL_64))
		return boot_fail(err, errlen, "not a 64-bit kernel: xloadflags has no XLF_KERNEL_64 (entry at 0x200)");
	if (!(hdr.loadflags & LOADED_HIGH))
		return boot_fail(err, errlen, "a zImage (not LOADED_HIGH): only bzImages are supported");

	setup_sects = hdr.setup_sects ? hdr.setup_sects : 4;
	info->protocol = hdr.version;
	info->header_end = header_end;
	info->setup_size = (setup_sects + 1) * 512;
	info->payload_size = hdr.syssize * 16;
	if (info->payload_size == 0)
		return boot_fail(err, errlen, "bad bzImage: syssize is 0, no kernel follows the setup");
	if (info->setup_size + (uint64_t)info->payload_size > len)
		return boot_fail(err, errlen,
			    "truncated kernel: the header says %llu bytes (setup %u + kernel %u), the file has %zu",
			    (unsigned long long)info->setup_size + info->payload_size,
			    info->setup_size, info->payload_size, len);

	/*
	 * Load at pref_address: a relocatable kernel runs at its load address
	 * rounded up to kernel_alignment, but no lower than its link address
	 * (pref_address), so loading lower saves nothing and costs a copy.
	 */
	info->load_addr = hdr.pref_address ? hdr.pref_address : BOOT_KERNEL_ADDR;
	if (info->load_addr < BOOT_HIGH_RAM_START || info->load_addr >= MMIO_HOLE_START)
		return boot_fail(err, errlen, "bad bzImage: pref_address 0x%llx is not between 1 MiB and 3 GiB",
			    (unsigned long long)info->load_addr);
	runtime = info->load_addr;
	if (hdr.relocatable_kernel) {
		align = hdr.kernel_alignment;
		if (align == 0 || (align & (align - 1)) || align > (1U << 30))
			return boot_fail(err, errlen, "bad bzImage: kernel_alignment 0x%llx is not a power of two up to 1 GiB",
				    (unsigned long long)align);
		runtime = align_up(runtime, align);
	}
	/* init_size: what the kernel needs from its runtime start to decompress. */
	need = runtime + hdr.init_size;
	if (need < info->load_addr + info->payload_size)
		need = info->load_addr + info->payload_size;
	info->kernel_end = need;
	info->initrd_max = hdr.initrd_addr_max;
	info->cmdline_size = hdr.cmdline_size;
	return 0;
}

int bzimage_place(const struct bzimage_info *info, size_t initrd_len,
		  size_t cmdline_len, uint64_t ram_size, struct boot_entry *entry,
		  char *err, size_t errlen)
{
	uint64_t low = layout_low_ram(ram_size);
	uint64_t kernel_end = align_up(info->kernel_end, PAGE_SIZE_4K);
	uint64_t top, need;

	memset(entry, 0, sizeof(*entry));
	if (info->kernel_end > low)
		return boot_fail(err, errlen,
			    "guest memory of %llu MiB is too small: the kernel needs %llu MiB (it loads at %llu MiB and needs %llu MiB there)",
			    (unsigned long long)(ram_size >> 20),
			    (unsigned long long)mib_up(info->kernel_end),
			    (unsigned long long)(info->load_addr >> 20),
			    (unsigned long long)mib_up(info->kernel_end - info->load_addr));
	if (cmdline_len > info->cmdline_size || cmdline_len >= BOOT_CMDLINE_ROOM)
		return boot_fail(err, errlen, "the command line is %zu bytes; this kernel takes at most %u",
			    cmdline_len, info->cmdline_size);

	entry->rip = info->load_addr + ENTRY64_OFFSET;
	entry->boot_params = BOOT_PARAMS_ADDR;
	entry->kernel_addr = info->load_addr;
	entry->kernel_end = info->kernel_end;
	entry->cmdline_addr = BOOT_CMDLINE_ADDR;
	if (!initrd_len)
		return 0;

	/* At the top of low RAM, below initrd_addr_max, 4 KiB aligned. */
	top = low < info->initrd_max + 1 ? low : info->initrd_max + 1;
	need = kernel_end + align_up(initrd_len, PAGE_SIZE_4K);
	if (initrd_len > UINT32_MAX || need > info->initrd_max + 1)
		return boot_fail(err, errlen,
			    "the initrd of %llu MiB is too big: this kernel takes an initrd only below %llu MiB, and its own end is at %llu MiB",
			    (unsigned long long)mib_up(initrd_len),
			    (unsigned long long)((info->initrd_max + 1) >> 20),
			    (unsigned long long)mib_up(kernel_end));
	if (need > top)
		return boot_fail(err, errlen,
			    "guest memory of %llu MiB is too small for the kernel and an initrd of %llu MiB: give at least %llu MiB",
			    (unsigned long long)(ram_size >> 20),
			    (unsigned long long)mib_up(initrd_len),
			    (unsigned long long)mib_up(need));
	entry->initrd_addr = (top - initrd_len) & ~(PAGE_SIZE_4K - 1);
	entry->initrd_size = initrd_len;
	return 0;
}

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	struct boot_e820_entry *e;

	if (!size)
		return;
	e = &bp->e820_table[bp->e820_entries++];
	e->addr = addr;
	e->size = size;
	e->type = type;
}

/*
 * Low RAM up to the EBDA, where the kernel finds room for its real-mode
 * trampoline; the BIOS area reserved (the ACPI tables are there); RAM
 * from 1 MiB to the MMIO hole; the rest above 4 GiB.
 */
static void build_e820(struct boot_params *bp, uint64_t ram_size)
{
	uint64_t low = layout_low_ram(ram_size);

	e820_add(bp, 0, BOOT_LOW_RAM_END, BOOT_E820_RAM);
	e820_add(bp, BOOT_LOW_RAM_END, BOOT_HIGH_RAM_START - BOOT_LOW_RAM_END,
		 BOOT_E820_RESERVED);
	e820_add(bp, BOOT_HIGH_RAM_START, low - BOOT_HIGH_RAM_START, BOOT_E820_RAM);
	e820_add(bp, MMIO_HOLE_END, layout_high_ram(ram_size), BOOT_E820_RAM);
}

int bzimage_load_setup(const void *image, size_t len, const void *initrd,
		       size_t initrd_len, const char *cmdline, void *guest_ram,
		       uint64_t ram_size, struct boot_entry *entry,
		       char *err, size_t errlen)
{
	const uint8_t *p = image;
	uint8_t *ram = guest_ram;
	size_t cmdline_len = cmdline ? strlen(cmdline) : 0;
	struct bzimage_info info;
	struct boot_params *bp;

	if (bzimage_parse(image, len, &info, err, errlen) ||
	    bzimage_place(&info, initrd_len, cmdline_len, ram_size, entry, err, errlen))
		return -1;

	if (initrd)
		memcpy(ram + entry->initrd_addr, initrd, initrd_len);
	memset(ram + BOOT_CMDLINE_ADDR, 0, cmdline_len + 1);
	if (cmdline_len)
		memcpy(ram + BOOT_CMDLINE_ADDR, cmdline, cmdline_len);

	/* A clean zero page with only the setup header copied in (boot.rst). */
	bp = (struct boot_params *)(ram + BOOT_PARAMS_ADDR);
	memset(bp, 0, sizeof(*bp));
	read_header(p, info.header_end, &bp->hdr);
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.loadflags &= ~(QUIET_FLAG | KEEP_SEGMENTS);
	bp->hdr.heap_end_ptr = SETUP_HEAP_END;
	bp->hdr.code32_start = info.load_addr;
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE_ADDR;
	bp->hdr.ramdisk_image = entry->initrd_addr;
	bp->hdr.ramdisk_size = entry->initrd_size;
	bp->hdr.hardware_subarch = X86_SUBARCH_PC;
	bp->hdr.setup_data = 0;
	/* The kernel scans 0xe0000 for it too; this saves the scan. */
	bp->acpi_rsdp_addr = BOOT_ACPI_ADDR;
	build_e820(bp, ram_size);
	return 0;
}

int bzimage_load(const void *image, size_t len, const void *initrd,
		 size_t initrd_len, const char *cmdline, void *guest_ram,
		 uint64_t ram_size, struct boot_entry *entry,
		 char *err, size_t errlen)
{
	struct bzimage_info info;

	if (bzimage_load_setup(image, len, initrd, initrd_len, cmdline, guest_ram,
			       ram_size, entry, err, errlen))
		return -1;
	bzimage_parse(image, len, &info, err, errlen);	/* it passed above */
	memcpy((uint8_t *)guest_ram + info.load_addr, (const uint8_t *)image + info.setup_size,
	       info.payload_size);
	return 0;
}
