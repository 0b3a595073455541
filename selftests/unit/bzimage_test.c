// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the bzImage loader, userspace/boot/bzimage.c.
 *
 * The kernel tests load the Debian kernels installed in /boot (both
 * flavours, each a variant; SKIP where absent) into a buffer that plays
 * guest memory, and check what the 64-bit boot protocol asks of a loader:
 * the entry point, boot_params, the e820 map, the command line and the
 * initrd.  The malformed-image tests start from a small bzImage made
 * here, so that they run without /boot too, and a real kernel cut short.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <asm/bootparam.h>

#include "kselftest_harness.h"
#include "boot/bzimage.h"
#include "boot/layout.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
/* The buffer is guest memory up to the MMIO hole: 3 GiB, never all touched. */
#define RAM_MAP		MMIO_HOLE_START

static void *map_ram(void)
{
	void *p = mmap(NULL, RAM_MAP, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A whole file in a malloc'ed buffer; NULL if it cannot be read. */
static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(buf = malloc(st.st_size ? st.st_size : 1))) {
		close(fd);
		return NULL;
	}
	if (read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* /boot/vmlinuz-*-amd64, the cloud flavour or the other one. */
static bool find_kernel(bool cloud, char *path, size_t size)
{
	glob_t g;
	size_t i;
	bool found = false;

	if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g))
		return false;
	for (i = 0; i < g.gl_pathc && !found; i++) {
		if ((strstr(g.gl_pathv[i], "-cloud-") != NULL) == cloud) {
			snprintf(path, size, "%s", g.gl_pathv[i]);
			found = true;
		}
	}
	globfree(&g);
	return found;
}

static const struct setup_header *image_hdr(const void *image)
{
	return (const struct setup_header *)((const uint8_t *)image + 0x1f1);
}

/* e820: sorted, not overlapping, RAM only where the layout has RAM. */
static void check_e820(struct __test_metadata *_metadata,
		       const struct boot_params *bp, uint64_t ram_size)
{
	uint64_t ram = 0, prev_end = 0;
	int i;

	ASSERT_GT(bp->e820_entries, 0);
	ASSERT_LE(bp->e820_entries, E820_MAX_ENTRIES_ZEROPAGE);
	for (i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];
		uint64_t end = e->addr + e->size;

		EXPECT_GT(e->size, 0);
		EXPECT_GE(e->addr, prev_end);	/* sorted, no overlap */
		/* Page-aligned but for the EBDA's start, as on PCs. */
		if (e->addr != BOOT_LOW_RAM_END)
			EXPECT_EQ(0, e->addr & 0xfff);
		prev_end = end;
		EXPECT_TRUE(e->type == BOOT_E820_RAM || e->type == BOOT_E820_RESERVED);
		if (e->type != BOOT_E820_RAM)
			continue;
		ram += e->size;
		/* No RAM in the BIOS area (ACPI tables) or the MMIO hole. */
		EXPECT_TRUE(end <= BOOT_LOW_RAM_END || e->addr >= BOOT_HIGH_RAM_START);
		EXPECT_TRUE(end <= MMIO_HOLE_START || e->addr >= MMIO_HOLE_END);
	}
	/* Every byte of guest memory is RAM, except the 0x9fc00-1 MiB window. */
	EXPECT_EQ(ram_size - (BOOT_HIGH_RAM_START - BOOT_LOW_RAM_END), ram);
	/* The ACPI tables are in a reserved entry. */
	for (i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		if (e->addr <= BOOT_ACPI_ADDR && e->addr + e->size >= BOOT_ACPI_END)
			EXPECT_EQ(BOOT_E820_RESERVED, e->type);
	}
}

/* --- the Debian kernels -------------------------------------------------- */

FIXTURE(debian) {
	void *image;
	size_t len;
	void *ram;
	struct boot_entry entry;
	char err[256];
};

FIXTURE_VARIANT(debian) {
	bool cloud;
};

FIXTURE_VARIANT_ADD(debian, amd64) {
	.cloud = false,
};

FIXTURE_VARIANT_ADD(debian, cloud_amd64) {
	.cloud = true,
};

FIXTURE_SETUP(debian)
{
	char path[256];

	self->image = NULL;
	self->ram = NULL;
	if (!find_kernel(variant->cloud, path, sizeof(path)))
		SKIP(return, "no /boot/vmlinuz-*-%samd64", variant->cloud ? "cloud-" : "");
	self->image = read_file(path, &self->len);
	if (!self->image)
		SKIP(return, "%s is not readable", path);
	self->ram = map_ram();
	ASSERT_NE(NULL, self->ram);
}

FIXTURE_TEARDOWN(debian)
{
	free(self->image);
	if (self->ram)
		munmap(self->ram, RAM_MAP);
}

static struct boot_params *params(void *ram)
{
	return (struct boot_params *)((uint8_t *)ram + BOOT_PARAMS_ADDR);
}

TEST_F(debian, header_parses)
{
	const struct setup_header *h = image_hdr(self->image);
	struct bzimage_info info;

	ASSERT_EQ(0, bzimage_parse(self->image, self->len, &info, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(h->version, info.protocol);
	EXPECT_GE(info.protocol, BZIMAGE_MIN_PROTOCOL);
	EXPECT_EQ((h->setup_sects + 1) * 512, info.setup_size);
	EXPECT_EQ(h->syssize * 16, info.payload_size);
	EXPECT_LE(info.setup_size + info.payload_size, self->len);
	EXPECT_EQ(h->pref_address, info.load_addr);
	EXPECT_EQ(0, info.load_addr % h->kernel_alignment);
	EXPECT_EQ(info.load_addr + h->init_size, info.kernel_end);
	EXPECT_EQ(h->cmdline_size, info.cmdline_size);
}

TEST_F(debian, entry_point_and_payload)
{
	struct bzimage_info info;

	ASSERT_EQ(0, bzimage_parse(self->image, self->len, &info, self->err, sizeof(self->err)));
	ASSERT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, "console=ttyS0",
				  self->ram, 256 * MIB, &self->entry, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(info.load_addr + 0x200, self->entry.rip);
	EXPECT_EQ(BOOT_PARAMS_ADDR, self->entry.boot_params);
	EXPECT_EQ(info.load_addr, self->entry.kernel_addr);
	EXPECT_EQ(0, memcmp((uint8_t *)self->ram + info.load_addr,
			    (uint8_t *)self->image + info.setup_size, info.payload_size));
}

/*
 * From the setup header alone (thinrun's way: it reads the payload from
 * the file itself): the same boot_params as from the whole image, and
 * nothing written where the payload goes.
 */
TEST_F(debian, setup_from_header_alone)
{
	struct bzimage_info info;
	struct boot_params whole;
	uint8_t header[4096];

	ASSERT_EQ(0, bzimage_parse(self->image, self->len, &info, self->err, sizeof(self->err)));
	ASSERT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, "console=ttyS0",
				  self->ram, 256 * MIB, &self->entry, self->err, sizeof(self->err)));
	memcpy(&whole, params(self->ram), sizeof(whole));
	memset((uint8_t *)self->ram + info.load_addr, 0, info.payload_size);
	memcpy(header, self->image, sizeof(header));
	ASSERT_EQ(0, bzimage_load_setup(header, self->len, NULL, 0, "console=ttyS0",
					self->ram, 256 * MIB, &self->entry, self->err,
					sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(0, memcmp(&whole, params(self->ram), sizeof(whole)));
	EXPECT_EQ(0, ((uint8_t *)self->ram)[info.load_addr]);
	EXPECT_EQ(0, ((uint8_t *)self->ram)[info.load_addr + info.payload_size - 1]);
	/* A header from a file that ends early is still a truncated kernel. */
	EXPECT_EQ(-1, bzimage_load_setup(header, info.setup_size, NULL, 0, NULL, self->ram,
					 256 * MIB, &self->entry, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "truncated"));
}

TEST_F(debian, boot_params_fields)
{
	const struct setup_header *h = image_hdr(self->image);
	const char *cmdline = "console=ttyS0 tsc_early_khz=2000000 quiet";
	struct boot_params *bp = params(self->ram);

	memset(bp, 0xaa, sizeof(*bp));	/* the loader must start from zeros */
	ASSERT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, cmdline,
				  self->ram, 512 * MIB, &self->entry, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(0x53726448, bp->hdr.header);
	EXPECT_EQ(h->version, bp->hdr.version);
	EXPECT_EQ(h->setup_sects, bp->hdr.setup_sects);
	EXPECT_EQ(h->syssize, bp->hdr.syssize);
	EXPECT_EQ(h->init_size, bp->hdr.init_size);
	EXPECT_EQ(h->xloadflags, bp->hdr.xloadflags);
	EXPECT_EQ(0xff, bp->hdr.type_of_loader);
	EXPECT_TRUE(bp->hdr.loadflags & LOADED_HIGH);
	EXPECT_TRUE(bp->hdr.loadflags & CAN_USE_HEAP);
	EXPECT_FALSE(bp->hdr.loadflags & KEEP_SEGMENTS);
	EXPECT_EQ(BOOT_CMDLINE_ADDR, bp->hdr.cmd_line_ptr);
	EXPECT_EQ(0, bp->ext_cmd_line_ptr);
	EXPECT_STREQ(cmdline, (char *)self->ram + bp->hdr.cmd_line_ptr);
	EXPECT_EQ(0, bp->hdr.ramdisk_image);
	EXPECT_EQ(0, bp->hdr.ramdisk_size);
	EXPECT_EQ(0, bp->hdr.setup_data);
	EXPECT_EQ(X86_SUBARCH_PC, bp->hdr.hardware_subarch);
	EXPECT_EQ(BOOT_ACPI_ADDR, bp->acpi_rsdp_addr);
	EXPECT_EQ(0, bp->sentinel);
	EXPECT_EQ(0, bp->screen_info.orig_video_isVGA);
	/* The copy stops at the end of the setup header. */
	EXPECT_EQ(0, bp->_pad7[0]);
}

TEST_F(debian, e820_small_guest)
{
	ASSERT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, NULL,
				  self->ram, 256 * MIB, &self->entry, self->err, sizeof(self->err)));
	check_e820(_metadata, params(self->ram), 256 * MIB);
	EXPECT_EQ(3, params(self->ram)->e820_entries);
}

TEST_F(debian, e820_guest_across_the_hole)
{
	const struct boot_params *bp = params(self->ram);
	const struct boot_e820_entry *last;

	/* 8 GiB: 3 below the hole, 5 above 4 GiB (never touched here). */
	ASSERT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, NULL,
				  self->ram, 8 * GIB, &self->entry, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	check_e820(_metadata, bp, 8 * GIB);
	ASSERT_EQ(4, bp->e820_entries);
	last = &bp->e820_table[3];
	EXPECT_EQ(MMIO_HOLE_END, last->addr);
	EXPECT_EQ(5 * GIB, last->size);
	EXPECT_EQ(MMIO_HOLE_START, bp->e820_table[2].addr + bp->e820_table[2].size);
}

TEST_F(debian, e820_exactly_the_hole)
{
	/* 3 GiB: all below the hole, nothing above 4 GiB. */
	ASSERT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, NULL,
				  self->ram, MMIO_HOLE_START, &self->entry, self->err,
				  sizeof(self->err)));
	check_e820(_metadata, params(self->ram), MMIO_HOLE_START);
	EXPECT_EQ(3, params(self->ram)->e820_entries);
}

TEST_F(debian, initrd_at_the_top)
{
	const struct setup_header *h = image_hdr(self->image);
	struct boot_params *bp = params(self->ram);
	size_t initrd_len = 5 * MIB + 123;	/* not a multiple of a page */
	uint8_t *initrd = malloc(initrd_len);
	uint64_t ram_size = 256 * MIB;
	size_t i;

	ASSERT_NE(NULL, initrd);
	for (i = 0; i < initrd_len; i++)
		initrd[i] = i * 7 + 3;
	ASSERT_EQ(0, bzimage_load(self->image, self->len, initrd, initrd_len, "",
				  self->ram, ram_size, &self->entry, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(0, self->entry.initrd_addr & 0xfff);
	EXPECT_EQ(initrd_len, self->entry.initrd_size);
	EXPECT_EQ(self->entry.initrd_addr, bp->hdr.ramdisk_image);
	EXPECT_EQ(initrd_len, bp->hdr.ramdisk_size);
	/* As high as it goes: less than a page of room above it. */
	EXPECT_LE(self->entry.initrd_addr + initrd_len, ram_size);
	EXPECT_GT(self->entry.initrd_addr + initrd_len + 0x1000, ram_size);
	EXPECT_LE(self->entry.initrd_addr + initrd_len - 1, (uint64_t)h->initrd_addr_max);
	/* Clear of the kernel's decompression room. */
	EXPECT_GE(self->entry.initrd_addr, self->entry.kernel_end);
	EXPECT_EQ(0, memcmp((uint8_t *)self->ram + self->entry.initrd_addr, initrd, initrd_len));
	free(initrd);
}

TEST_F(debian, initrd_below_the_hole_in_a_big_guest)
{
	size_t initrd_len = 3 * MIB;
	uint8_t *initrd = calloc(1, initrd_len);

	ASSERT_NE(NULL, initrd);
	ASSERT_EQ(0, bzimage_load(self->image, self->len, initrd, initrd_len, NULL,
				  self->ram, 6 * GIB, &self->entry, self->err, sizeof(self->err)));
	/* Below initrd_addr_max (2 GiB for Debian), not at the 3 GiB hole. */
	EXPECT_LE(self->entry.initrd_addr + initrd_len,
		  (uint64_t)image_hdr(self->image)->initrd_addr_max + 1);
	EXPECT_GT(self->entry.initrd_addr + initrd_len + 0x1000,
		  (uint64_t)image_hdr(self->image)->initrd_addr_max + 1);
	free(initrd);
}

TEST_F(debian, cmdline_longest)
{
	uint32_t max = image_hdr(self->image)->cmdline_size;
	char *cmdline = malloc(max + 2);

	ASSERT_NE(NULL, cmdline);
	memset(cmdline, 'x', max + 1);
	cmdline[max] = 0;
	EXPECT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, cmdline,
				  self->ram, 256 * MIB, &self->entry, self->err, sizeof(self->err)));
	EXPECT_EQ(max, strlen((char *)self->ram + BOOT_CMDLINE_ADDR));
	cmdline[max] = 'x';
	cmdline[max + 1] = 0;
	EXPECT_EQ(-1, bzimage_load(self->image, self->len, NULL, 0, cmdline,
				   self->ram, 256 * MIB, &self->entry, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "command line"));
	free(cmdline);
}

TEST_F(debian, memory_too_small)
{
	struct bzimage_info info;
	uint64_t need;

	ASSERT_EQ(0, bzimage_parse(self->image, self->len, &info, self->err, sizeof(self->err)));
	need = (info.kernel_end + MIB - 1) & ~(MIB - 1);
	EXPECT_EQ(-1, bzimage_load(self->image, self->len, NULL, 0, NULL,
				   self->ram, 32 * MIB, &self->entry, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "too small")) TH_LOG("%s", self->err);
	EXPECT_EQ(-1, bzimage_load(self->image, self->len, NULL, 0, NULL,
				   self->ram, need - MIB, &self->entry, self->err, sizeof(self->err)));
	EXPECT_EQ(0, bzimage_load(self->image, self->len, NULL, 0, NULL,
				  self->ram, need, &self->entry, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
}

TEST_F(debian, initrd_does_not_fit)
{
	struct bzimage_info info;
	struct boot_entry e;
	uint64_t ram_size = 128 * MIB;

	ASSERT_EQ(0, bzimage_parse(self->image, self->len, &info, self->err, sizeof(self->err)));
	/* One page more than the room between the kernel and the top. */
	EXPECT_EQ(-1, bzimage_place(&info, ram_size - ((info.kernel_end + 0xfff) & ~0xfffULL) + 1,
				    0, ram_size, &e, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "give at least")) TH_LOG("%s", self->err);
	EXPECT_EQ(0, bzimage_place(&info, ram_size - ((info.kernel_end + 0xfff) & ~0xfffULL),
				   0, ram_size, &e, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	/* Bigger than initrd_addr_max allows, whatever the memory. */
	EXPECT_EQ(-1, bzimage_place(&info, info.initrd_max + 1, 0, 16 * GIB, &e,
				    self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "too big")) TH_LOG("%s", self->err);
}

TEST_F(debian, truncated)
{
	struct bzimage_info info;
	size_t cuts[] = { 0x1f0, 0x263, 0x400, 0x1000 };
	size_t i, whole;

	ASSERT_EQ(0, bzimage_parse(self->image, self->len, &info, self->err, sizeof(self->err)));
	whole = info.setup_size + info.payload_size;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		EXPECT_EQ(-1, bzimage_parse(self->image, cuts[i], &info, self->err,
					    sizeof(self->err)));
		TH_LOG("cut at %zu: %s", cuts[i], self->err);
	}
	EXPECT_EQ(-1, bzimage_parse(self->image, whole - 1, &info, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "truncated")) TH_LOG("%s", self->err);
	EXPECT_EQ(-1, bzimage_parse(self->image, self->len / 2, &info, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "truncated"));
	/* What follows the payload (a signature) is not needed. */
	EXPECT_EQ(0, bzimage_parse(self->image, whole, &info, self->err, sizeof(self->err)));
}

/* --- a small bzImage made here, and broken in one way at a time ---------- */

#define FAKE_SETUP_SECTS	1
#define FAKE_PAYLOAD		4096
#define FAKE_LEN		((FAKE_SETUP_SECTS + 1) * 512 + FAKE_PAYLOAD)

FIXTURE(fake) {
	uint8_t image[FAKE_LEN];
	struct setup_header *h;
	struct bzimage_info info;
	struct boot_entry entry;
	char err[256];
};

FIXTURE_SETUP(fake)
{
	struct setup_header *h = (struct setup_header *)(self->image + 0x1f1);

	memset(self->image, 0, sizeof(self->image));
	self->h = h;
	h->setup_sects = FAKE_SETUP_SECTS;
	h->boot_flag = 0xaa55;
	/* A short jump over the header: its end is 0x202 + this byte. */
	h->jump = 0xeb | ((sizeof(*h) + 0x1f1 - 0x202) << 8);
	h->header = 0x53726448;
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->syssize = FAKE_PAYLOAD / 16;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64;
	h->cmdline_size = 255;
	h->pref_address = 0x1000000;
	h->init_size = 0x400000;
}

FIXTURE_TEARDOWN(fake)
{
}

#define PARSE()	bzimage_parse(self->image, sizeof(self->image), &self->info, \
			      self->err, sizeof(self->err))
#define EXPECT_ERR(what) do {						\
		EXPECT_EQ(-1, PARSE());					\
		EXPECT_NE(NULL, strstr(self->err, what)) TH_LOG("%s", self->err); \
	} while (0)

TEST_F(fake, parses)
{
	ASSERT_EQ(0, PARSE()) TH_LOG("%s", self->err);
	EXPECT_EQ(0x1000000 + 0x400000, self->info.kernel_end);
	EXPECT_EQ(0x26c, self->info.header_end);
}

TEST_F(fake, empty_file)
{
	EXPECT_EQ(-1, bzimage_parse(self->image, 0, &self->info, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "empty"));
}

TEST_F(fake, random_bytes)
{
	size_t i;

	srandom(1);
	for (i = 0; i < sizeof(self->image); i++)
		self->image[i] = random();
	EXPECT_ERR("not a Linux kernel");
}

TEST_F(fake, bad_magic)
{
	self->h->header = 0x53726449;
	EXPECT_ERR("not a Linux kernel");
}

TEST_F(fake, bad_boot_flag)
{
	self->h->boot_flag = 0;
	EXPECT_ERR("not a Linux kernel");
}

TEST_F(fake, protocol_too_old)
{
	self->h->version = 0x020b;
	EXPECT_ERR("boot protocol 2.11 is too old");
}

TEST_F(fake, protocol_2_12_is_enough)
{
	self->h->version = 0x020c;
	EXPECT_EQ(0, PARSE()) TH_LOG("%s", self->err);
}

TEST_F(fake, not_64bit)
{
	self->h->xloadflags &= ~XLF_KERNEL_64;
	EXPECT_ERR("not a 64-bit kernel");
}

TEST_F(fake, zimage)
{
	self->h->loadflags &= ~LOADED_HIGH;
	EXPECT_ERR("zImage");
}

TEST_F(fake, short_header)
{
	/* A header that ends before init_size. */
	self->h->jump = 0xeb | (0x40 << 8);
	EXPECT_ERR("setup header ends");
}

TEST_F(fake, syssize_zero)
{
	self->h->syssize = 0;
	EXPECT_ERR("syssize");
}

TEST_F(fake, payload_past_the_end)
{
	self->h->syssize++;
	EXPECT_ERR("truncated");
}

TEST_F(fake, setup_past_the_end)
{
	self->h->setup_sects = 100;
	EXPECT_ERR("truncated");
}

TEST_F(fake, setup_sects_zero_means_four)
{
	self->h->setup_sects = 0;
	EXPECT_ERR("truncated");	/* 5 sectors + the payload is more than the file */
	EXPECT_NE(NULL, strstr(self->err, "setup 2560"));
}

TEST_F(fake, bad_alignment)
{
	self->h->kernel_alignment = 0x300000;
	EXPECT_ERR("kernel_alignment");
	self->h->kernel_alignment = 0;
	EXPECT_ERR("kernel_alignment");
}

TEST_F(fake, unaligned_pref_address_rounds_up)
{
	self->h->pref_address = 0x1100000;
	ASSERT_EQ(0, PARSE());
	/* It runs at 18 MiB, the next 2 MiB boundary, and needs init_size there. */
	EXPECT_EQ(0x1200000 + 0x400000, self->info.kernel_end);
}

TEST_F(fake, not_relocatable)
{
	self->h->relocatable_kernel = 0;
	self->h->kernel_alignment = 0;	/* not read then */
	ASSERT_EQ(0, PARSE()) TH_LOG("%s", self->err);
	EXPECT_EQ(0x1000000, self->info.load_addr);
}

TEST_F(fake, pref_address_too_low)
{
	self->h->pref_address = 0x8000;
	EXPECT_ERR("pref_address");
}

TEST_F(fake, no_pref_address_loads_at_1mib)
{
	self->h->pref_address = 0;
	self->h->relocatable_kernel = 0;
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(BOOT_KERNEL_ADDR, self->info.load_addr);
}

TEST_F(fake, small_init_size_covers_payload)
{
	self->h->init_size = 16;
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(0x1000000 + FAKE_PAYLOAD, self->info.kernel_end);
}

TEST_F(fake, place_memory_bounds)
{
	ASSERT_EQ(0, PARSE());
	/* 20 MiB is exactly what it needs: 16 MiB + 4 MiB of init_size. */
	EXPECT_EQ(0, bzimage_place(&self->info, 0, 0, 20 * MIB, &self->entry,
				   self->err, sizeof(self->err)));
	EXPECT_EQ(-1, bzimage_place(&self->info, 0, 0, 20 * MIB - 4096, &self->entry,
				    self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "the kernel needs 20 MiB")) TH_LOG("%s", self->err);
	EXPECT_EQ(-1, bzimage_place(&self->info, 0, 0, 0, &self->entry,
				    self->err, sizeof(self->err)));
}

TEST_F(fake, initrd_max_limits_placement)
{
	ASSERT_EQ(0, PARSE());
	self->info.initrd_max = 64 * MIB - 1;
	ASSERT_EQ(0, bzimage_place(&self->info, MIB, 0, 1 * GIB, &self->entry,
				   self->err, sizeof(self->err)));
	EXPECT_EQ(63 * MIB, self->entry.initrd_addr);
	EXPECT_EQ(-1, bzimage_place(&self->info, 45 * MIB, 0, 1 * GIB, &self->entry,
				    self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "too big")) TH_LOG("%s", self->err);
}

TEST_F(fake, cmdline_too_long)
{
	ASSERT_EQ(0, PARSE());
	EXPECT_EQ(0, bzimage_place(&self->info, 0, 255, 64 * MIB, &self->entry,
				   self->err, sizeof(self->err)));
	EXPECT_EQ(-1, bzimage_place(&self->info, 0, 256, 64 * MIB, &self->entry,
				    self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "at most 255")) TH_LOG("%s", self->err);
}

TEST_HARNESS_MAIN
