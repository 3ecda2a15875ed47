/* SPDX-License-Identifier: MIT */
/*
 * Tests of the ELF64 core reader: crafted cores written byte by byte (every
 * shape and every corruption the reader must survive), then the real kdump
 * and QEMU dumps of the fixtures.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "vmcore/dump.h"
#include "vmcore/elf.h"

/* A small ELF core writer: a growable byte buffer with LE stores. */

struct image {
	uint8_t *bytes;
	size_t len;
};

static void image_reserve(struct image *img, size_t len)
{
	if (len <= img->len)
		return;
	uint8_t *grown = realloc(img->bytes, len);
	if (!grown)
		abort();
	memset(grown + img->len, 0, len - img->len);
	img->bytes = grown;
	img->len = len;
}

static void put8(struct image *img, size_t at, uint8_t v)
{
	image_reserve(img, at + 1);
	img->bytes[at] = v;
}

static void put16(struct image *img, size_t at, uint16_t v)
{
	for (int i = 0; i < 2; i++)
		put8(img, at + i, (uint8_t)(v >> (8 * i)));
}

static void put32(struct image *img, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put8(img, at + i, (uint8_t)(v >> (8 * i)));
}

static void put64(struct image *img, size_t at, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		put8(img, at + i, (uint8_t)(v >> (8 * i)));
}

static void image_free(struct image *img)
{
	free(img->bytes);
	img->bytes = NULL;
	img->len = 0;
}

#define EM_AARCH64_ 183
#define ET_CORE_ 4
#define PT_LOAD_ 1
#define PT_NOTE_ 4

static void put_ehdr(struct image *img, uint64_t phoff, uint16_t phnum)
{
	static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2 /* 64 */,
					  1 /* LE */, 1 /* EV_CURRENT */};
	image_reserve(img, 64);
	memcpy(img->bytes, ident, sizeof(ident));
	put16(img, 16, ET_CORE_);
	put16(img, 18, EM_AARCH64_);
	put32(img, 20, 1);
	put64(img, 32, phoff);
	put16(img, 52, 64);
	put16(img, 54, 56);
	put16(img, 56, phnum);
}

struct phdr_spec {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void put_phdr(struct image *img, uint64_t at, const struct phdr_spec *ph)
{
	put32(img, at, ph->type);
	put32(img, at + 4, 7);
	put64(img, at + 8, ph->offset);
	put64(img, at + 16, ph->vaddr);
	put64(img, at + 24, ph->paddr);
	put64(img, at + 32, ph->filesz);
	put64(img, at + 40, ph->memsz);
	put64(img, at + 48, 0);
}

/* One ELF note at AT; returns its size with padding. */
static size_t put_note(struct image *img, size_t at, const char *name,
		       uint32_t type, const uint8_t *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t name_span = (namesz + 3) & ~3u, desc_span = (descsz + 3) & ~3u;
	put32(img, at, namesz);
	put32(img, at + 4, descsz);
	put32(img, at + 8, type);
	for (uint32_t i = 0; i < namesz; i++)
		put8(img, at + 12 + i, (uint8_t)name[i]);
	for (uint32_t i = 0; i < descsz; i++)
		put8(img, at + 12 + name_span + i, desc[i]);
	image_reserve(img, at + 12 + name_span + desc_span);
	return 12 + name_span + desc_span;
}

static size_t put_prstatus(struct image *img, size_t at, int32_t pid,
			   uint64_t pc)
{
	uint8_t desc[392] = {0};
	for (int i = 0; i < 4; i++)
		desc[32 + i] = (uint8_t)((uint32_t)pid >> (8 * i));
	for (int i = 0; i < 8; i++)
		desc[112 + 32 * 8 + i] = (uint8_t)(pc >> (8 * i));
	return put_note(img, at, "CORE", 1, desc, sizeof(desc));
}

/* File bytes that differ at every offset, to see where a read came from. */
static uint8_t pattern(uint64_t offset)
{
	return (uint8_t)((offset ^ (offset >> 8) ^ (offset >> 16)) * 31 + 7);
}

static void fill_pattern(struct image *img, uint64_t at, uint64_t len)
{
	image_reserve(img, at + len);
	for (uint64_t i = 0; i < len; i++)
		img->bytes[at + i] = pattern(at + i);
}

static char *scratch_path(const char *name)
{
	char *path = NULL;
	if (asprintf(&path, "%s/elf-%s.core", kc_test_scratch_dir(), name) < 0)
		abort();
	return path;
}

static bool write_bytes(const char *path, const uint8_t *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(bytes, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/*
 * The standard crafted core. Physical layout (KC = kernel text duplicate):
 *   A  [0x40000123, 0x40003f00) linear map, fractional at both ends
 *   KC [0x40001000, 0x40003000) kernel image, same bytes as A there
 *   B  [0x40004010, 0x40004020) 16 bytes inside an otherwise absent page
 *   C  [0x40010000, 0x40012000) p_filesz 0x800: the rest is excluded
 * File: notes at 0x200, KC at 0x1000, A at 0x3123, B at 0x7010, C at 0x8000.
 */
#define STD_VMCOREINFO "OSRELEASE=6.1.0-test\nPAGESIZE=16384\nCRASHTIME=1700000123\n"
#define A_PADDR 0x40000123u
#define A_END 0x40003f00u
#define A_OFFSET 0x3123u
#define KC_PADDR 0x40001000u
#define KC_END 0x40003000u
#define KC_OFFSET 0x1000u
#define KC_VADDR 0xffff800080001000ull
#define B_PADDR 0x40004010u
#define B_END 0x40004020u
#define B_OFFSET 0x7010u
#define C_PADDR 0x40010000u
#define C_FILESZ 0x800u
#define C_MEMSZ 0x2000u
#define C_OFFSET 0x8000u
#define STD_NOTES_OFFSET 0x200u
#define LINEAR_BASE 0xffff000000000000ull

static struct phdr_spec std_phdrs[5];

static void build_standard(struct image *img)
{
	size_t notes = STD_NOTES_OFFSET, pos = notes;
	pos += put_note(img, pos, "VMCOREINFO", 0,
			(const uint8_t *)STD_VMCOREINFO,
			(uint32_t)strlen(STD_VMCOREINFO));
	pos += put_prstatus(img, pos, 100, 0xffff800080001234ull);
	pos += put_prstatus(img, pos, 200, 0xffff800080005678ull);

	std_phdrs[0] = (struct phdr_spec){PT_NOTE_, notes, 0, 0, pos - notes,
					  pos - notes};
	std_phdrs[1] = (struct phdr_spec){PT_LOAD_, KC_OFFSET, KC_VADDR,
					  KC_PADDR, KC_END - KC_PADDR,
					  KC_END - KC_PADDR};
	std_phdrs[2] = (struct phdr_spec){PT_LOAD_, A_OFFSET,
					  LINEAR_BASE + A_PADDR, A_PADDR,
					  A_END - A_PADDR, A_END - A_PADDR};
	std_phdrs[3] = (struct phdr_spec){PT_LOAD_, B_OFFSET,
					  LINEAR_BASE + B_PADDR, B_PADDR,
					  B_END - B_PADDR, B_END - B_PADDR};
	std_phdrs[4] = (struct phdr_spec){PT_LOAD_, C_OFFSET,
					  LINEAR_BASE + C_PADDR, C_PADDR,
					  C_FILESZ, C_MEMSZ};
	put_ehdr(img, 64, 5);
	for (int i = 0; i < 5; i++)
		put_phdr(img, 64 + 56 * i, &std_phdrs[i]);

	fill_pattern(img, A_OFFSET, A_END - A_PADDR);
	/* The kernel image mapping holds the same physical bytes as A. */
	image_reserve(img, KC_OFFSET + (KC_END - KC_PADDR));
	memcpy(img->bytes + KC_OFFSET,
	       img->bytes + A_OFFSET + (KC_PADDR - A_PADDR), KC_END - KC_PADDR);
	fill_pattern(img, B_OFFSET, B_END - B_PADDR);
	fill_pattern(img, C_OFFSET, C_FILESZ);
}

/* File byte that holds physical PADDR in the standard core's A/B/C. */
static uint8_t std_byte(uint64_t paddr)
{
	if (paddr >= A_PADDR && paddr < A_END)
		return pattern(A_OFFSET + (paddr - A_PADDR));
	if (paddr >= B_PADDR && paddr < B_END)
		return pattern(B_OFFSET + (paddr - B_PADDR));
	if (paddr >= C_PADDR && paddr < C_PADDR + C_FILESZ)
		return pattern(C_OFFSET + (paddr - C_PADDR));
	return 0;
}

/* Write IMG to a scratch file named NAME and open it as a dump. */
static struct kc_error *open_image(const struct image *img, const char *name,
				   char **path_ret, struct kc_dump **ret)
{
	char *path = scratch_path(name);
	*path_ret = path;
	if (!write_bytes(path, img->bytes, img->len))
		return kc_error_create(KC_ERR_OS, "cannot write %s", path);
	return kc_dump_open(path, NULL, ret);
}

/* Open IMG as NAME expecting CODE with a message naming the file. */
static void expect_open_error(const struct image *img, const char *name,
			      enum kc_error_code code, const char *needle,
			      int line)
{
	char *path;
	struct kc_dump *dump = NULL;
	struct kc_error *err = open_image(img, name, &path, &dump);
	if (!err) {
		kc_test_fail(__FILE__, line, "%s: opened", name);
		kc_dump_close(dump);
	} else {
		if (err->code != code)
			kc_test_fail(__FILE__, line, "%s: code %d, expected %d: %s",
				     name, (int)err->code, (int)code,
				     kc_error_message(err));
		if (!strstr(kc_error_message(err), path) ||
		    (needle && !strstr(kc_error_message(err), needle)))
			kc_test_fail(__FILE__, line,
				     "%s: message lacks the path or \"%s\": %s",
				     name, needle ? needle : "",
				     kc_error_message(err));
		kc_error_destroy(err);
	}
	unlink(path);
	free(path);
}

static bool message_has(const struct kc_error *err, const char *needle)
{
	return err && strstr(kc_error_message(err), needle) != NULL;
}

/* Expect a read at PADDR of LEN bytes to fail with CODE naming address AT. */
static void check_read_fails(struct kc_dump *dump, uint64_t paddr, size_t len,
			     enum kc_error_code code, uint64_t at, int line)
{
	uint8_t buf[256];
	struct kc_error *err = kc_dump_read_phys(dump, paddr, buf, len);
	if (!err) {
		kc_test_fail(__FILE__, line, "read 0x%" PRIx64 "+%zu succeeded",
			     paddr, len);
		return;
	}
	if (err->code != code || !err->has_address || err->address != at)
		kc_test_fail(__FILE__, line,
			     "read 0x%" PRIx64 "+%zu: code %d address 0x%" PRIx64 ", expected %d at 0x%" PRIx64 ": %s",
			     paddr, len, (int)err->code, err->address, (int)code,
			     at, kc_error_message(err));
	kc_error_destroy(err);
}

/* Expect a read to succeed with the standard core's bytes. */
static void check_read_std(struct kc_dump *dump, uint64_t paddr, size_t len,
			   int line)
{
	uint8_t buf[0x300];
	if (len > sizeof(buf))
		abort();
	struct kc_error *err = kc_dump_read_phys(dump, paddr, buf, len);
	if (err) {
		kc_test_fail(__FILE__, line, "read 0x%" PRIx64 "+%zu: %s", paddr,
			     len, kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != std_byte(paddr + i)) {
			kc_test_fail(__FILE__, line,
				     "byte at 0x%" PRIx64 " is 0x%02x, expected 0x%02x",
				     paddr + i, buf[i], std_byte(paddr + i));
			return;
		}
	}
}

static const char *field_value(const struct kc_dump *dump, const char *name)
{
	for (size_t i = 0; i < dump->nr_fields; i++) {
		if (strcmp(dump->fields[i].name, name) == 0)
			return dump->fields[i].value;
	}
	return NULL;
}

KC_TEST(elf_crafted_fractional_reads)
{
	struct image img = {0};
	build_standard(&img);
	char *path;
	struct kc_dump *dump = NULL;
	struct kc_error *err = open_image(&img, "standard", &path, &dump);
	image_free(&img);
	if (err)
		free(path);
	REQUIRE_OK(err);

	CHECK(dump->format == KC_DUMP_ELF);
	CHECK_STR(dump->format_name, "ELF64 core");
	CHECK_STR(dump->compression, "none");
	CHECK_EQ_U64(dump->nr_warnings, 0);

	/* A: exact edges, both fractional. */
	check_read_std(dump, A_PADDR, 1, __LINE__);
	check_read_fails(dump, A_PADDR - 1, 1, KC_ERR_NOT_IN_DUMP, A_PADDR - 1,
			 __LINE__);
	check_read_fails(dump, A_PADDR - 3, 8, KC_ERR_NOT_IN_DUMP, A_PADDR - 3,
			 __LINE__);
	check_read_std(dump, A_END - 0x10, 0x10, __LINE__);
	check_read_fails(dump, A_END - 0x10, 0x11, KC_ERR_NOT_IN_DUMP, A_END,
			 __LINE__);
	/* Into and out of the kernel-image duplicate: same bytes. */
	check_read_std(dump, KC_PADDR - 0x100, 0x200, __LINE__);
	check_read_std(dump, KC_END - 0x100, 0x200, __LINE__);
	/* B: 16 bytes in the middle of a page. */
	check_read_std(dump, B_PADDR, 0x10, __LINE__);
	check_read_fails(dump, B_PADDR - 8, 0x20, KC_ERR_NOT_IN_DUMP,
			 B_PADDR - 8, __LINE__);
	check_read_fails(dump, B_PADDR, 0x11, KC_ERR_NOT_IN_DUMP, B_END,
			 __LINE__);
	/* C: file bytes, then excluded up to p_memsz, then nothing. */
	check_read_std(dump, C_PADDR + C_FILESZ - 0x10, 0x10, __LINE__);
	check_read_fails(dump, C_PADDR + C_FILESZ - 0x10, 0x20, KC_ERR_EXCLUDED,
			 C_PADDR + C_FILESZ, __LINE__);
	check_read_fails(dump, C_PADDR + C_MEMSZ - 0x10, 0x11, KC_ERR_EXCLUDED,
			 C_PADDR + C_MEMSZ - 0x10, __LINE__);
	check_read_fails(dump, C_PADDR + C_MEMSZ, 0x10, KC_ERR_NOT_IN_DUMP,
			 C_PADDR + C_MEMSZ, __LINE__);
	check_read_fails(dump, 0, 1, KC_ERR_NOT_IN_DUMP, 0, __LINE__);
	check_read_fails(dump, UINT64_MAX, 1, KC_ERR_NOT_IN_DUMP, UINT64_MAX,
			 __LINE__);

	/* Byte-exact page states, even inside a partly present page. */
	CHECK(kc_dump_page_state(dump, A_PADDR) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, A_PADDR - 1) == KC_PAGE_NOT_IN_DUMP);
	CHECK(kc_dump_page_state(dump, 0x40004000) == KC_PAGE_NOT_IN_DUMP);
	CHECK(kc_dump_page_state(dump, B_PADDR) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, C_PADDR + C_FILESZ - 1) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, C_PADDR + C_FILESZ) == KC_PAGE_EXCLUDED);
	CHECK(kc_dump_page_state(dump, C_PADDR + C_MEMSZ - 1) == KC_PAGE_EXCLUDED);
	CHECK(kc_dump_page_state(dump, C_PADDR + C_MEMSZ) == KC_PAGE_NOT_IN_DUMP);

	/* Ranges: A and KC merge; one per other PT_LOAD. */
	REQUIRE(dump->nr_ranges == 3);
	CHECK_EQ_U64(dump->ranges[0].start, A_PADDR);
	CHECK_EQ_U64(dump->ranges[0].end, A_END);
	CHECK_EQ_U64(dump->ranges[1].start, B_PADDR);
	CHECK_EQ_U64(dump->ranges[1].end, B_END);
	CHECK_EQ_U64(dump->ranges[2].start, C_PADDR);
	CHECK_EQ_U64(dump->ranges[2].end, C_PADDR + C_MEMSZ);

	/* Segments, sorted by p_paddr, keep their virtual addresses. */
	const struct kc_elf_segment *segs;
	size_t nr = kc_elf_dump_segments(dump, &segs);
	REQUIRE(nr == 4);
	CHECK_EQ_U64(segs[0].paddr, A_PADDR);
	CHECK_EQ_U64(segs[0].vaddr, LINEAR_BASE + A_PADDR);
	CHECK_EQ_U64(segs[0].offset, A_OFFSET);
	CHECK_EQ_U64(segs[0].phdr_index, 2);
	CHECK_EQ_U64(segs[1].paddr, KC_PADDR);
	CHECK_EQ_U64(segs[1].vaddr, KC_VADDR);
	CHECK_EQ_U64(segs[1].phdr_index, 1);
	CHECK_EQ_U64(segs[3].filesz, C_FILESZ);
	CHECK_EQ_U64(segs[3].memsz, C_MEMSZ);
	CHECK_EQ_U64(segs[3].file_avail, C_FILESZ);

	/* Notes. */
	CHECK_STR(dump->vmcoreinfo, STD_VMCOREINFO);
	CHECK_EQ_U64(dump->page_size, 16384);
	CHECK(dump->has_timestamp);
	CHECK_EQ_U64(dump->timestamp_sec, 1700000123);
	REQUIRE(dump->nr_prstatus == 2);
	CHECK_EQ_U64(dump->header_nr_cpus, 2);
	CHECK_EQ_U64(dump->prstatus[0].pid, 100);
	CHECK_EQ_U64(dump->prstatus[1].pid, 200);
	CHECK_EQ_U64(dump->prstatus[1].pc, 0xffff800080005678ull);

	/* help -D fields. */
	CHECK_STR(field_value(dump, "e_type"), "4 (ET_CORE)");
	CHECK_STR(field_value(dump, "e_machine"), "183 (EM_AARCH64)");
	CHECK_STR(field_value(dump, "e_phnum"), "5");
	CHECK_STR(field_value(dump, "phdr 1 PT_LOAD"),
		  "p_offset=0x1000 p_vaddr=0xffff800080001000 p_paddr=0x40001000 p_filesz=0x2000 p_memsz=0x2000");
	CHECK(field_value(dump, "phdr 0 PT_NOTE") != NULL);
	const char *producer = field_value(dump, "producer");
	CHECK_MSG(producer && strncmp(producer, "makedumpfile -E", 15) == 0,
		  "producer %s", producer ? producer : "(null)");

	kc_dump_close(dump);
	unlink(path);
	free(path);
}

/* A read inside the shared range may be served by either segment. */
KC_TEST(elf_crafted_kernel_text_duplicate_serves_truncated_linear_map)
{
	struct image img = {0};
	build_standard(&img);
	/* Cut inside A: the KC copy (earlier in the file) still holds its part. */
	img.len = 0x3800;
	char *path;
	struct kc_dump *dump = NULL;
	struct kc_error *err = open_image(&img, "cut-linear", &path, &dump);
	image_free(&img);
	if (err)
		free(path);
	REQUIRE_OK(err);

	REQUIRE(dump->nr_warnings >= 1);
	CHECK_MSG(strstr(dump->warnings[0], path) &&
			  strstr(dump->warnings[0], "0x3800") &&
			  strstr(dump->warnings[0], "phdr 2"),
		  "warning: %s", dump->warnings[0]);

	uint64_t cut_paddr = A_PADDR + (0x3800 - A_OFFSET);
	CHECK(kc_dump_page_state(dump, cut_paddr - 1) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, cut_paddr) == KC_PAGE_MISSING);
	CHECK(kc_dump_page_state(dump, KC_PADDR) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, KC_END - 1) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, KC_END) == KC_PAGE_MISSING);
	CHECK(kc_dump_page_state(dump, B_PADDR) == KC_PAGE_MISSING);
	/* Past p_filesz the file never had the bytes: excluded, not missing. */
	CHECK(kc_dump_page_state(dump, C_PADDR) == KC_PAGE_MISSING);
	CHECK(kc_dump_page_state(dump, C_PADDR + C_FILESZ) == KC_PAGE_EXCLUDED);

	check_read_std(dump, cut_paddr - 0x10, 0x10, __LINE__);
	check_read_fails(dump, cut_paddr - 0x10, 0x20, KC_ERR_TRUNCATED,
			 cut_paddr, __LINE__);
	check_read_std(dump, KC_PADDR, 0x100, __LINE__);
	check_read_std(dump, KC_END - 0x100, 0x100, __LINE__);
	check_read_fails(dump, KC_END - 0x10, 0x20, KC_ERR_TRUNCATED, KC_END,
			 __LINE__);

	uint8_t byte;
	err = kc_dump_read_phys(dump, cut_paddr, &byte, 1);
	CHECK_MSG(message_has(err, path) && message_has(err, "0x3800"),
		  "%s", err ? kc_error_message(err) : "no error");
	kc_error_destroy(err);

	kc_dump_close(dump);
	unlink(path);
	free(path);
}

/*
 * p_filesz < p_memsz, as makedumpfile -E marks its filtered pages: the part
 * past p_filesz held data the file does not have, so it reads as excluded,
 * never as zeros, unless another segment holds those bytes.
 */
KC_TEST(elf_crafted_filesz_below_memsz)
{
	struct image img = {0};
	put_ehdr(&img, 64, 3);
	struct phdr_spec empty = {PT_LOAD_, 0, 0xffff000040000000ull,
				  0x40000000, 0, 0x3000};
	struct phdr_spec half = {PT_LOAD_, 0x1000, 0xffff000040003000ull,
				 0x40003000, 0x1800, 0x2000};
	struct phdr_spec inside = {PT_LOAD_, 0x3000, 0xffff800080001000ull,
				   0x40001000, 0x800, 0x800};
	put_phdr(&img, 64, &empty);
	put_phdr(&img, 64 + 56, &half);
	put_phdr(&img, 64 + 2 * 56, &inside);
	fill_pattern(&img, 0x1000, 0x1800);
	fill_pattern(&img, 0x3000, 0x800);
	char *path;
	struct kc_dump *dump = NULL;
	struct kc_error *err = open_image(&img, "sparse", &path, &dump);
	image_free(&img);
	if (err)
		free(path);
	REQUIRE_OK(err);

	CHECK_EQ_U64(dump->nr_warnings, 0);
	CHECK_EQ_U64(dump->page_size, 4096); /* no VMCOREINFO */
	CHECK(!dump->has_timestamp);
	CHECK(dump->vmcoreinfo == NULL);
	CHECK_EQ_U64(dump->nr_prstatus, 0);
	REQUIRE(dump->nr_ranges == 1);
	CHECK_EQ_U64(dump->ranges[0].start, 0x40000000);
	CHECK_EQ_U64(dump->ranges[0].end, 0x40005000);

	CHECK(kc_dump_page_state(dump, 0x40000000) == KC_PAGE_EXCLUDED);
	CHECK(kc_dump_page_state(dump, 0x40000fff) == KC_PAGE_EXCLUDED);
	CHECK(kc_dump_page_state(dump, 0x40001000) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, 0x400017ff) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, 0x40001800) == KC_PAGE_EXCLUDED);
	CHECK(kc_dump_page_state(dump, 0x40003000) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, 0x400047ff) == KC_PAGE_PRESENT);
	CHECK(kc_dump_page_state(dump, 0x40004800) == KC_PAGE_EXCLUDED);
	CHECK(kc_dump_page_state(dump, 0x40005000) == KC_PAGE_NOT_IN_DUMP);

	uint8_t buf[0x100];
	check_read_fails(dump, 0x40000010, 0x10, KC_ERR_EXCLUDED, 0x40000010,
			 __LINE__);
	check_read_fails(dump, 0x40002f80, 0x100, KC_ERR_EXCLUDED, 0x40002f80,
			 __LINE__);
	REQUIRE_OK(kc_dump_read_phys(dump, 0x40003000, buf, 0x100));
	for (int i = 0; i < 0x100; i++)
		CHECK(buf[i] == pattern(0x1000 + (uint64_t)i));
	/* The segment inside the excluded run serves its bytes. */
	REQUIRE_OK(kc_dump_read_phys(dump, 0x40001700, buf, 0x100));
	for (int i = 0; i < 0x100; i++)
		CHECK(buf[i] == pattern(0x3700 + (uint64_t)i));
	check_read_fails(dump, 0x40001780, 0x100, KC_ERR_EXCLUDED, 0x40001800,
			 __LINE__);
	check_read_fails(dump, 0x40004780, 0x100, KC_ERR_EXCLUDED, 0x40004800,
			 __LINE__);
	struct kc_error *excluded = kc_dump_read_phys(dump, 0x40004800, buf, 1);
	CHECK_MSG(message_has(excluded, path) &&
			  message_has(excluded, "0x40004800") &&
			  message_has(excluded, "excluded"),
		  "%s", excluded ? kc_error_message(excluded) : "no error");
	kc_error_destroy(excluded);

	const char *producer = field_value(dump, "producer");
	CHECK_MSG(producer && strncmp(producer, "makedumpfile -E", 15) == 0,
		  "producer %s", producer ? producer : "(null)");
	kc_dump_close(dump);
	unlink(path);
	free(path);
}

/* e_phnum == PN_XNUM: the count is in section header 0's sh_info. */
KC_TEST(elf_crafted_extended_phnum)
{
	struct image img = {0};
	put_ehdr(&img, 0x100, 0xffff);
	put64(&img, 40, 0x80);   /* e_shoff */
	put16(&img, 58, 64);     /* e_shentsize */
	put16(&img, 60, 1);      /* e_shnum */
	put32(&img, 0x80 + 44, 3); /* sh_info */
	for (uint32_t i = 0; i < 3; i++) {
		struct phdr_spec ph = {PT_LOAD_, 0x1000 + 0x1000 * i,
				       0xffff000000000000ull + 0x40000000 + 0x10000 * i,
				       0x40000000 + 0x10000 * i, 0x1000, 0x1000};
		put_phdr(&img, 0x100 + 56 * i, &ph);
		fill_pattern(&img, ph.offset, 0x1000);
	}
	char *path;
	struct kc_dump *dump = NULL;
	struct kc_error *err = open_image(&img, "xnum", &path, &dump);
	if (err)
		free(path);
	REQUIRE_OK(err);
	const struct kc_elf_segment *segs;
	CHECK_EQ_U64(kc_elf_dump_segments(dump, &segs), 3);
	CHECK_EQ_U64(dump->nr_ranges, 3);
	const char *phnum = field_value(dump, "e_phnum");
	CHECK_MSG(phnum && strncmp(phnum, "3 ", 2) == 0 && strstr(phnum, "PN_XNUM"),
		  "e_phnum field %s", phnum ? phnum : "(null)");
	uint8_t byte;
	REQUIRE_OK(kc_dump_read_phys(dump, 0x40020010, &byte, 1));
	CHECK(byte == pattern(0x3010));
	kc_dump_close(dump);

	unlink(path);
	free(path);

	/* PN_XNUM without a section header to hold the count. */
	put64(&img, 40, 0);
	expect_open_error(&img, "xnum-no-shdr", KC_ERR_FORMAT, "PN_XNUM",
			  __LINE__);
	/* Section header 0 past the end of the file. */
	put64(&img, 40, img.len - 10);
	expect_open_error(&img, "xnum-shdr-eof", KC_ERR_TRUNCATED,
			  "section header", __LINE__);
	/* sh_info promising more program headers than the file holds. */
	put64(&img, 40, 0x80);
	put32(&img, 0x80 + 44, 1000000);
	expect_open_error(&img, "xnum-too-many", KC_ERR_TRUNCATED,
			  "program headers", __LINE__);
	image_free(&img);
}

/* Open the standard core after MUTATE(img); expect CODE naming the file. */
static void expect_bad(void (*mutate)(struct image *), const char *name,
		       enum kc_error_code code, const char *needle, int line)
{
	struct image img = {0};
	build_standard(&img);
	mutate(&img);
	expect_open_error(&img, name, code, needle, line);
	image_free(&img);
}

static void make_not_elf(struct image *img)
{
	memcpy(img->bytes, "\x7f" "ELG", 4);
}
static void make_elf32(struct image *img)
{
	img->bytes[4] = 1;
}
static void make_big_endian(struct image *img)
{
	img->bytes[5] = 2;
}
static void make_x86_64(struct image *img)
{
	put16(img, 18, 62);
}
static void make_exec(struct image *img)
{
	put16(img, 16, 2);
}
static void make_no_phdrs(struct image *img)
{
	put16(img, 56, 0);
}
static void make_small_phentsize(struct image *img)
{
	put16(img, 54, 32);
}
static void make_phdrs_past_eof(struct image *img)
{
	put64(img, 32, img->len - 100);
}
static void make_phoff_huge(struct image *img)
{
	put64(img, 32, UINT64_MAX - 8);
}
static void make_load_offset_overflow(struct image *img)
{
	put64(img, 64 + 56 * 2 + 8, UINT64_MAX - 0x10);
}
static void make_load_paddr_overflow(struct image *img)
{
	put64(img, 64 + 56 * 3 + 24, UINT64_MAX - 4);
}
static void make_filesz_above_memsz(struct image *img)
{
	put64(img, 64 + 56 * 3 + 32, 0x100);
}
static void make_note_past_eof(struct image *img)
{
	put64(img, 64 + 8, img->len - 0x10);
}
static void make_note_size_past_eof(struct image *img)
{
	put64(img, 64 + 32, img->len);
}
static void make_note_overrun(struct image *img)
{
	/* The second PRSTATUS claims a descsz beyond the PT_NOTE. */
	size_t second = STD_NOTES_OFFSET + 12 + 12 +
			((strlen(STD_VMCOREINFO) + 3) & ~(size_t)3) + 12 + 8 + 392;
	put32(img, second + 4, 0x10000);
}
static void make_no_loads(struct image *img)
{
	for (int i = 1; i < 5; i++)
		put32(img, 64 + 56 * i, 6 /* PT_PHDR */);
}

KC_TEST(elf_crafted_bad_headers)
{
	expect_bad(make_not_elf, "bad-magic", KC_ERR_FORMAT, NULL, __LINE__);
	expect_bad(make_elf32, "bad-elf32", KC_ERR_UNSUPPORTED, "ELF32", __LINE__);
	expect_bad(make_big_endian, "bad-be", KC_ERR_UNSUPPORTED, "big-endian",
		   __LINE__);
	expect_bad(make_x86_64, "bad-machine", KC_ERR_UNSUPPORTED,
		   "e_machine 62", __LINE__);
	expect_bad(make_exec, "bad-type", KC_ERR_FORMAT, "ET_CORE", __LINE__);
	expect_bad(make_no_phdrs, "bad-phnum", KC_ERR_FORMAT, "e_phnum",
		   __LINE__);
	expect_bad(make_small_phentsize, "bad-phentsize", KC_ERR_FORMAT,
		   "e_phentsize", __LINE__);
	expect_bad(make_phdrs_past_eof, "bad-phoff", KC_ERR_TRUNCATED,
		   "program headers", __LINE__);
	expect_bad(make_phoff_huge, "bad-phoff-huge", KC_ERR_TRUNCATED,
		   "program headers", __LINE__);
	expect_bad(make_load_offset_overflow, "bad-load-offset", KC_ERR_FORMAT,
		   "overflows", __LINE__);
	expect_bad(make_load_paddr_overflow, "bad-load-paddr", KC_ERR_FORMAT,
		   "overflows", __LINE__);
	expect_bad(make_filesz_above_memsz, "bad-filesz", KC_ERR_FORMAT,
		   "p_filesz", __LINE__);
	expect_bad(make_note_past_eof, "bad-note-offset", KC_ERR_TRUNCATED,
		   "PT_NOTE", __LINE__);
	expect_bad(make_note_size_past_eof, "bad-note-size", KC_ERR_TRUNCATED,
		   "PT_NOTE", __LINE__);
	expect_bad(make_note_overrun, "bad-note-overrun", KC_ERR_FORMAT,
		   "note", __LINE__);
	expect_bad(make_no_loads, "bad-no-load", KC_ERR_FORMAT, "PT_LOAD",
		   __LINE__);
}

KC_TEST(elf_crafted_probe_and_tiny_files)
{
	CHECK(kc_elf_dump_probe((const uint8_t *)"\x7f" "ELF\x02", 5));
	CHECK(!kc_elf_dump_probe((const uint8_t *)"\x7f" "EL", 3));
	CHECK(!kc_elf_dump_probe((const uint8_t *)"KDUMP   ", 8));

	static const char *const contents[] = {"", "\x7f" "ELF",
					       "\x7f" "ELF\x02\x01\x01",
					       "not a dump at all"};
	for (size_t i = 0; i < sizeof(contents) / sizeof(contents[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "tiny-%zu", i);
		char *path = scratch_path(name);
		REQUIRE(write_bytes(path, (const uint8_t *)contents[i],
				    strlen(contents[i])));
		struct kc_dump *dump = NULL;
		struct kc_error *err = kc_dump_open(path, NULL, &dump);
		CHECK_MSG(err && message_has(err, path), "%s: %s", name,
			  err ? kc_error_message(err) : "opened");
		if (err)
			kc_error_destroy(err);
		else
			kc_dump_close(dump);
		unlink(path);
		free(path);
	}
}

/* A PT_LOAD wholly past the end of the file: open, warn, report missing. */
KC_TEST(elf_crafted_load_past_eof)
{
	struct image img = {0};
	build_standard(&img);
	put64(&img, 64 + 56 * 3 + 8, 0x100000); /* B's p_offset */
	char *path;
	struct kc_dump *dump = NULL;
	struct kc_error *err = open_image(&img, "load-past-eof", &path, &dump);
	image_free(&img);
	if (err)
		free(path);
	REQUIRE_OK(err);
	REQUIRE(dump->nr_warnings == 1);
	CHECK_MSG(strstr(dump->warnings[0], path) &&
			  strstr(dump->warnings[0], "phdr 3"),
		  "%s", dump->warnings[0]);
	CHECK(kc_dump_page_state(dump, B_PADDR) == KC_PAGE_MISSING);
	check_read_fails(dump, B_PADDR + 4, 4, KC_ERR_TRUNCATED, B_PADDR + 4,
			 __LINE__);
	check_read_std(dump, A_PADDR, 0x100, __LINE__);
	kc_dump_close(dump);
	unlink(path);
	free(path);
}

/* Read every range of an opened dump; no outcome but a clean one is allowed. */
static void read_all_ranges(struct kc_dump *dump, int line)
{
	uint8_t buf[64];
	for (size_t i = 0; i < dump->nr_ranges; i++) {
		const struct kc_dump_range *r = &dump->ranges[i];
		uint64_t step = (r->end - r->start) / 7 + 1;
		for (uint64_t a = r->start; a < r->end && a >= r->start; a += step) {
			size_t len = r->end - a < sizeof(buf) ? (size_t)(r->end - a)
							      : sizeof(buf);
			struct kc_error *err = kc_dump_read_phys(dump, a, buf, len);
			if (err && err->code != KC_ERR_TRUNCATED &&
			    err->code != KC_ERR_NOT_IN_DUMP &&
			    err->code != KC_ERR_EXCLUDED)
				kc_test_fail(__FILE__, line, "read 0x%" PRIx64 ": %s",
					     a, kc_error_message(err));
			kc_error_destroy(err);
			(void)kc_dump_page_state(dump, a);
		}
	}
}

/* Cut the standard core at many lengths: an error or a warning, never worse. */
KC_TEST(elf_crafted_truncated_everywhere)
{
	struct image img = {0};
	build_standard(&img);
	char *path = scratch_path("truncated");
	size_t full = img.len;
	size_t notes_end = std_phdrs[0].offset + std_phdrs[0].filesz;
	for (size_t cut = 0; cut < full; cut += cut < 0x1100 ? 1 : 61) {
		REQUIRE(write_bytes(path, img.bytes, cut));
		struct kc_dump *dump = NULL;
		struct kc_error *err = kc_dump_open(path, NULL, &dump);
		if (err) {
			/* Cut inside the headers or notes: a one-line error. */
			CHECK_MSG(cut < notes_end, "cut 0x%zx: %s", cut,
				  kc_error_message(err));
			CHECK_MSG(message_has(err, path), "cut 0x%zx: %s", cut,
				  kc_error_message(err));
			CHECK_MSG(!strchr(kc_error_message(err), '\n'),
				  "cut 0x%zx: multi-line error", cut);
			kc_error_destroy(err);
			continue;
		}
		/* Cut in the memory: it opens and says where the file ends. */
		CHECK_MSG(cut >= notes_end, "cut 0x%zx opened", cut);
		char at[32];
		snprintf(at, sizeof(at), "0x%zx", cut);
		CHECK_MSG(dump->nr_warnings >= 1 &&
				  strstr(dump->warnings[0], path) &&
				  strstr(dump->warnings[0], at),
			  "cut 0x%zx: warning %s", cut,
			  dump->nr_warnings ? dump->warnings[0] : "(none)");
		read_all_ranges(dump, __LINE__);
		kc_dump_close(dump);
	}
	unlink(path);
	free(path);
	image_free(&img);
}

/* xorshift64: deterministic corruption. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* Random byte damage in the headers and notes must never crash the reader. */
KC_TEST(elf_crafted_corrupted_headers)
{
	struct image img = {0};
	build_standard(&img);
	char *path = scratch_path("corrupt");
	uint8_t *pristine = malloc(img.len);
	REQUIRE(pristine);
	memcpy(pristine, img.bytes, img.len);
	uint64_t state = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 1500; round++) {
		memcpy(img.bytes, pristine, img.len);
		int flips = 1 + (int)(next_random(&state) % 4);
		for (int i = 0; i < flips; i++) {
			/* Mostly the header and program headers, then notes. */
			size_t span = round % 3 ? 64 + 56 * 5 : 0x800;
			size_t at = (size_t)(next_random(&state) % span);
			img.bytes[at] = (uint8_t)next_random(&state);
		}
		REQUIRE(write_bytes(path, img.bytes, img.len));
		struct kc_dump *dump = NULL;
		struct kc_error *err = kc_dump_open(path, NULL, &dump);
		if (err) {
			CHECK_MSG(message_has(err, path), "round %d: %s", round,
				  kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		read_all_ranges(dump, __LINE__);
		kc_dump_close(dump);
	}
	free(pristine);
	image_free(&img);
	unlink(path);
	free(path);
}

/* Thousands of segments over one range: open stays fast, reads exact. */
KC_TEST(elf_crafted_many_overlapping_segments)
{
	enum { NR = 20000 };
	struct image img = {0};
	uint64_t phoff = 64, data = 64 + 56 * (uint64_t)NR;
	put_ehdr(&img, phoff, 0xffff);
	put64(&img, 40, data);
	put16(&img, 58, 64);
	put16(&img, 60, 1);
	put32(&img, data + 44, NR);
	data += 64;
	fill_pattern(&img, data, 0x10000);
	for (uint32_t i = 0; i < NR; i++) {
		/* Nested and shifted windows of the same 64 KiB of memory. */
		uint64_t skip = (i * 16) % 0x8000;
		struct phdr_spec ph = {PT_LOAD_, data + skip, 0, 0x80000000 + skip,
				       0x10000 - skip - (i % 3) * 0x100,
				       0x10000 - skip};
		put_phdr(&img, phoff + 56 * (uint64_t)i, &ph);
	}
	char *path;
	struct kc_dump *dump = NULL;
	clock_t start = clock();
	struct kc_error *err = open_image(&img, "overlaps", &path, &dump);
	double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
	if (err)
		free(path);
	REQUIRE_OK(err);
	CHECK_MSG(seconds < 2.0, "open took %.2f s", seconds);
	REQUIRE(dump->nr_ranges == 1);
	CHECK_EQ_U64(dump->ranges[0].end, 0x80010000);
	/* help -D lists the first PT_LOADs and counts the rest. */
	CHECK(field_value(dump, "phdr 1023 PT_LOAD") != NULL);
	CHECK(field_value(dump, "phdr 1024 PT_LOAD") == NULL);
	CHECK(field_value(dump, "PT_LOAD (more)") != NULL);
	uint8_t buf[256];
	REQUIRE_OK(kc_dump_read_phys(dump, 0x8000ff00, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == pattern(data + 0xff00 + i));
	kc_dump_close(dump);
	image_free(&img);
	unlink(path);
	free(path);
}

/* Real fixtures */

/* A program header line of readelf -l output. */
struct listed_phdr {
	char type[16];
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* Parse ground-truth/<name> (readelf -l). Returns the count, or -1. */
static int read_listed_phdrs(const char *fixture, const char *name,
			     struct listed_phdr *out, int max)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s/ground-truth/%s", kc_test_fixtures_dir(),
		     fixture, name) < 0)
		return -1;
	char *text = kc_test_read_file(path, NULL);
	free(path);
	if (!text)
		return -1;
	int n = 0;
	for (char *line = strtok(text, "\n"); line && n < max;
	     line = strtok(NULL, "\n")) {
		struct listed_phdr ph;
		if (sscanf(line, " %15s 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64 " 0x%" SCNx64,
			   ph.type, &ph.offset, &ph.vaddr, &ph.paddr, &ph.filesz,
			   &ph.memsz) == 6)
			out[n++] = ph;
	}
	free(text);
	return n;
}

/* VMCOREINFO files end in a newline; the note text may carry NULs. */
static size_t trimmed_len(const char *text, size_t len)
{
	while (len && (text[len - 1] == '\0' || text[len - 1] == '\n'))
		len--;
	return len;
}

static void check_vmcoreinfo(const struct kc_dump *dump, const char *fixture,
			     const char *file)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s/%s", kc_test_fixtures_dir(), fixture, file) < 0)
		return;
	size_t len;
	char *want = kc_test_read_file(path, &len);
	free(path);
	if (!CHECK_MSG(want, "%s/%s unreadable", fixture, file))
		return;
	if (CHECK(dump->vmcoreinfo)) {
		size_t want_len = trimmed_len(want, len);
		size_t got_len = trimmed_len(dump->vmcoreinfo,
					     dump->vmcoreinfo_size);
		CHECK_MSG(want_len == got_len &&
				  memcmp(want, dump->vmcoreinfo, want_len) == 0,
			  "%s: VMCOREINFO (%zu bytes) differs from %s (%zu bytes)",
			  fixture, got_len, file, want_len);
	}
	free(want);
}

/* Ranges, segments and sample reads against the listing and raw bytes. */
static void check_against_listing(struct kc_dump *dump, const char *fixture,
				  const char *listing, const char *dump_path)
{
	struct listed_phdr listed[64];
	int nr = read_listed_phdrs(fixture, listing, listed, 64);
	if (!CHECK_MSG(nr > 0, "%s: no program headers in %s", fixture, listing))
		return;

	/* Segments in p_paddr order, the listing in file order. */
	const struct kc_elf_segment *segs;
	size_t nr_segs = kc_elf_dump_segments(dump, &segs);
	size_t nr_loads = 0;
	for (int i = 0; i < nr; i++) {
		if (strcmp(listed[i].type, "LOAD") != 0 || !listed[i].memsz)
			continue;
		nr_loads++;
		bool found = false;
		for (size_t s = 0; s < nr_segs; s++) {
			found |= segs[s].paddr == listed[i].paddr &&
				 segs[s].vaddr == listed[i].vaddr &&
				 segs[s].offset == listed[i].offset &&
				 segs[s].filesz == listed[i].filesz &&
				 segs[s].memsz == listed[i].memsz &&
				 segs[s].file_avail == segs[s].filesz;
		}
		CHECK_MSG(found, "%s: LOAD at p_paddr 0x%" PRIx64 " not among the segments",
			  fixture, listed[i].paddr);
	}
	CHECK_EQ_U64(nr_segs, nr_loads);
	for (size_t s = 1; s < nr_segs; s++)
		CHECK(segs[s - 1].paddr <= segs[s].paddr);

	/* Every listed byte range is inside the dump's merged ranges. */
	for (int i = 0; i < nr; i++) {
		if (strcmp(listed[i].type, "LOAD") != 0 || !listed[i].memsz)
			continue;
		bool covered = false;
		for (size_t r = 0; r < dump->nr_ranges; r++)
			covered |= dump->ranges[r].start <= listed[i].paddr &&
				   listed[i].paddr + listed[i].memsz <=
					   dump->ranges[r].end;
		CHECK_MSG(covered, "%s: LOAD 0x%" PRIx64 " not in the ranges",
			  fixture, listed[i].paddr);
	}
	/* And every merged range starts and ends where some LOAD does. */
	for (size_t r = 0; r < dump->nr_ranges; r++) {
		bool start = false, end = false;
		for (int i = 0; i < nr; i++) {
			if (strcmp(listed[i].type, "LOAD") != 0)
				continue;
			start |= listed[i].paddr == dump->ranges[r].start;
			end |= listed[i].paddr + listed[i].memsz == dump->ranges[r].end;
		}
		CHECK_MSG(start && end, "%s: range 0x%" PRIx64 "-0x%" PRIx64 " matches no LOAD",
			  fixture, dump->ranges[r].start, dump->ranges[r].end);
	}

	/* Physical reads against raw file bytes at each LOAD's p_offset. */
	int fd = open(dump_path, O_RDONLY);
	if (!CHECK_MSG(fd >= 0, "open %s: %s", dump_path, strerror(errno)))
		return;
	for (int i = 0; i < nr; i++) {
		if (strcmp(listed[i].type, "LOAD") != 0 || listed[i].filesz < 64)
			continue;
		const uint64_t where[] = {0, listed[i].filesz / 2 + 0x123,
					  listed[i].filesz - 64};
		for (size_t w = 0; w < 3; w++) {
			uint8_t got[64], raw[64];
			uint64_t paddr = listed[i].paddr + where[w];
			struct kc_error *err = kc_dump_read_phys(dump, paddr, got,
								 sizeof(got));
			if (err) {
				kc_test_fail(__FILE__, __LINE__, "%s: %s", fixture,
					     kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			ssize_t n = pread(fd, raw, sizeof(raw),
					  (off_t)(listed[i].offset + where[w]));
			CHECK(n == (ssize_t)sizeof(raw));
			CHECK_MSG(memcmp(got, raw, sizeof(raw)) == 0,
				  "%s: physical 0x%" PRIx64 " differs from file offset 0x%" PRIx64,
				  fixture, paddr, listed[i].offset + where[w]);
		}
	}
	close(fd);
}

static const char *producer_of(const struct kc_dump *dump)
{
	const char *p = field_value(dump, "producer");
	return p ? p : "(none)";
}

/* Segments inside another (the kernel image in the linear map) agree. */
static void check_kernel_image_copies(struct kc_dump *dump, const char *fixture,
				      const char *path)
{
	const struct kc_elf_segment *segs;
	size_t nr = kc_elf_dump_segments(dump, &segs), nested = 0;
	int fd = open(path, O_RDONLY);
	if (!CHECK_MSG(fd >= 0, "open %s: %s", path, strerror(errno)))
		return;
	for (size_t s = 0; s < nr; s++) {
		for (size_t t = 0; t < nr; t++) {
			if (s == t || segs[t].paddr > segs[s].paddr ||
			    segs[t].paddr + segs[t].memsz <
				    segs[s].paddr + segs[s].memsz)
				continue;
			nested++;
			uint8_t inner[4096], outer[4096];
			uint64_t in_t = segs[s].paddr - segs[t].paddr;
			bool ok = pread(fd, inner, sizeof(inner),
					(off_t)segs[s].offset) == (ssize_t)sizeof(inner) &&
				  pread(fd, outer, sizeof(outer),
					(off_t)(segs[t].offset + in_t)) == (ssize_t)sizeof(outer);
			CHECK_MSG(ok && memcmp(inner, outer, sizeof(inner)) == 0,
				  "%s: kernel image copy at 0x%" PRIx64 " differs",
				  fixture, segs[s].paddr);
			/* A read there returns those bytes, whichever serves it. */
			uint8_t got[4096];
			struct kc_error *err = kc_dump_read_phys(dump, segs[s].paddr,
								 got, sizeof(got));
			CHECK_MSG(!err && memcmp(got, inner, sizeof(got)) == 0,
				  "%s: read of 0x%" PRIx64 ": %s", fixture,
				  segs[s].paddr, err ? kc_error_message(err) : "differs");
			kc_error_destroy(err);
		}
	}
	close(fd);
	CHECK_MSG(nested == 1, "%s: %zu nested segments, expected the kernel image",
		  fixture, nested);
}

KC_TEST(elf_fixture_kdump_vmcore)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		KC_FIXTURE_OR_RETURN(path, fixture, "vmcore.elf.zst");
		struct kc_dump *dump = NULL;
		REQUIRE_OK(kc_dump_open(path, NULL, &dump));

		CHECK(dump->format == KC_DUMP_ELF);
		CHECK_EQ_U64(dump->nr_warnings, 0);
		check_vmcoreinfo(dump, fixture, "vmcoreinfo.txt");
		CHECK_MSG(strncmp(producer_of(dump), "kdump /proc/vmcore", 18) == 0,
			  "%s: producer %s", fixture, producer_of(dump));

		char *page_size = kc_test_fact(fixture, "vmcoreinfo.PAGESIZE");
		char *crashtime = kc_test_fact(fixture, "vmcoreinfo.CRASHTIME");
		char *pid = kc_test_fact(fixture, "crash.pid");
		char *cpu = kc_test_fact(fixture, "crash.cpu");
		if (CHECK(page_size && crashtime && pid && cpu)) {
			CHECK_EQ_U64(dump->page_size, strtoull(page_size, NULL, 10));
			CHECK(dump->has_timestamp);
			CHECK_EQ_U64(dump->timestamp_sec, strtoull(crashtime, NULL, 10));
			/* kdump's crash notes come in CPU order. */
			CHECK_EQ_U64(dump->nr_prstatus, 2);
			CHECK_EQ_U64(dump->header_nr_cpus, 2);
			size_t crash_cpu = strtoul(cpu, NULL, 10);
			if (CHECK(crash_cpu < dump->nr_prstatus))
				CHECK_EQ_U64(dump->prstatus[crash_cpu].pid,
					     strtoul(pid, NULL, 10));
		}
		free(page_size);
		free(crashtime);
		free(pid);
		free(cpu);

		check_against_listing(dump, fixture, "vmcore-elf-phdrs.txt", path);

		check_kernel_image_copies(dump, fixture, path);
		kc_dump_close(dump);
	}
}

KC_TEST(elf_fixture_qemu_elf)
{
	const char *fixture = "arm64-6.1-4k48";
	KC_FIXTURE_OR_RETURN(path, fixture, "qemu.elf.zst");
	struct kc_dump *dump = NULL;
	REQUIRE_OK(kc_dump_open(path, NULL, &dump));
	CHECK_EQ_U64(dump->nr_warnings, 0);
	check_vmcoreinfo(dump, fixture, "qemu-vmcoreinfo.txt");
	CHECK(!dump->has_timestamp); /* QEMU's VMCOREINFO has no CRASHTIME */
	CHECK_EQ_U64(dump->page_size, 4096);
	CHECK_EQ_U64(dump->nr_prstatus, 2);
	CHECK_EQ_U64(dump->header_nr_cpus, 2);
	CHECK_MSG(strncmp(producer_of(dump), "QEMU dump-guest-memory", 22) == 0,
		  "producer %s", producer_of(dump));
	const struct kc_elf_segment *segs;
	size_t nr = kc_elf_dump_segments(dump, &segs);
	for (size_t s = 0; s < nr; s++)
		CHECK_EQ_U64(segs[s].vaddr, segs[s].paddr);
	check_against_listing(dump, fixture, "qemu-elf-phdrs.txt", path);
	kc_dump_close(dump);
}

KC_TEST(elf_fixture_makedumpfile_elf)
{
	const char *fixture = "arm64-6.1-4k48";
	KC_FIXTURE_OR_RETURN(path, fixture, "vmcore.elf-d31.zst");
	struct kc_dump *dump = NULL;
	REQUIRE_OK(kc_dump_open(path, NULL, &dump));
	CHECK_EQ_U64(dump->nr_warnings, 0);
	check_vmcoreinfo(dump, fixture, "vmcoreinfo.txt");
	CHECK_EQ_U64(dump->nr_prstatus, 2);
	CHECK_MSG(strncmp(producer_of(dump), "makedumpfile -E", 15) == 0,
		  "producer %s", producer_of(dump));
	check_against_listing(dump, fixture, "vmcore-elf-d31-phdrs.txt", path);
	/* Its first LOAD is all p_memsz, no p_filesz: filtered pages. */
	CHECK(kc_dump_page_state(dump, 0x40000000) == KC_PAGE_EXCLUDED);
	uint8_t byte;
	struct kc_error *err = kc_dump_read_phys(dump, 0x40000000, &byte, 1);
	CHECK_MSG(err && err->code == KC_ERR_EXCLUDED, "%s",
		  err ? kc_error_message(err) : "read 0x40000000 succeeded");
	kc_error_destroy(err);
	kc_dump_close(dump);
}
