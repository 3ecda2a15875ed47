/* SPDX-License-Identifier: MIT */
/*
 * The kdump-compressed reader on the real fixtures (every codec, QEMU's
 * flattened 64K-block files, the -d 31 exclusions, agreement with the ELF
 * dumps of the same crash) and on damaged copies of them: truncated at many
 * offsets, header and descriptor bits flipped, page data corrupted, older
 * header versions and a split dump cut from a real file.
 */
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "harness.h"
#include "vmcore/codec.h"
#include "vmcore/dump.h"
#include "vmcore/kdump.h"

/* The kdump files of the fixtures and the VMCOREINFO each must carry. */
static const struct {
	const char *fixture;
	const char *file;
	const char *vmcoreinfo;
	bool qemu;
} kdump_files[] = {
	{"arm64-6.1-4k48", "vmcore.kdump-zlib", "vmcoreinfo.txt", false},
	{"arm64-6.1-4k48", "vmcore.kdump-lzo", "vmcoreinfo.txt", false},
	{"arm64-6.1-4k48", "vmcore.kdump-zstd", "vmcoreinfo.txt", false},
	{"arm64-6.1-4k48", "vmcore.kdump-nocomp-d31.zst", "vmcoreinfo.txt", false},
	{"arm64-6.1-4k48", "qemu.kdump-zlib.flat", "qemu-vmcoreinfo.txt", true},
	{"arm64-6.1-64k52", "vmcore.kdump-zlib", "vmcoreinfo.txt", false},
	{"arm64-6.1-64k52", "qemu.kdump-zlib", "qemu-vmcoreinfo.txt", true},
	{"arm64-6.1-16k47", "vmcore.kdump-zlib", "vmcoreinfo.txt", false},
	{"arm64-6.1-16k47", "qemu.kdump-zlib", "qemu-vmcoreinfo.txt", true},
	{"arm64-5.10-4k39", "vmcore.kdump-zlib", "vmcoreinfo.txt", false},
};
#define NR_KDUMP_FILES (sizeof(kdump_files) / sizeof(kdump_files[0]))

/* Offsets in the 64-bit header and sub header (makedumpfile layout). */
enum {
	T_VERSION = 8,
	T_STATUS = 424,
	T_BLOCK_SIZE = 428,
	T_SUB_HDR_SIZE = 432,
	T_BITMAP_BLOCKS = 436,
	T_MAX_MAPNR = 440,
	T_SH_SPLIT = 12,
	T_SH_START_PFN = 16,
	T_SH_END_PFN = 24,
	T_SH_OFFSET_VMCOREINFO = 32,
	T_SH_OFFSET_NOTE = 48,
	T_SH_SIZE_NOTE = 56,
	T_SH_START_PFN_64 = 80,
	T_SH_END_PFN_64 = 88,
	T_SH_MAX_MAPNR_64 = 96,
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const char *scratch_path(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/kdump-%s", kc_test_scratch_dir(), name);
	return path;
}

static const char *write_scratch(const char *name, const void *data, size_t len)
{
	const char *path = scratch_path(name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	size_t written = fwrite(data, 1, len, f);
	if (fclose(f) != 0 || written != len)
		return NULL;
	return path;
}

static bool contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle);
}

/* Up to MAX physical addresses of dump pages spread over the dump's ranges. */
static size_t sample_pages(const struct kc_dump *dump, uint64_t *out,
			   size_t max)
{
	uint64_t total = 0;
	for (size_t i = 0; i < dump->nr_ranges; i++)
		total += (dump->ranges[i].end - dump->ranges[i].start) / dump->page_size;
	if (total == 0)
		return 0;
	uint64_t step = total / max ? total / max : 1;
	/* An odd stride visits pages of every alignment. */
	step |= 1;
	size_t n = 0;
	uint64_t skip = step / 2;
	for (size_t i = 0; i < dump->nr_ranges && n < max; i++) {
		uint64_t pages = (dump->ranges[i].end - dump->ranges[i].start) /
				 dump->page_size;
		for (; skip < pages && n < max; skip += step)
			out[n++] = dump->ranges[i].start + skip * dump->page_size;
		skip -= pages;
	}
	return n;
}

/* Up to MAX physical addresses of pages the dump holds, spread evenly. */
static size_t sample_present_pages(struct kc_dump *dump, uint64_t *out,
				   size_t max)
{
	uint64_t present = 0;
	for (size_t i = 0; i < dump->nr_ranges; i++) {
		for (uint64_t pa = dump->ranges[i].start; pa < dump->ranges[i].end;
		     pa += dump->page_size)
			present += kc_dump_page_state(dump, pa) == KC_PAGE_PRESENT;
	}
	uint64_t step = present / max ? present / max : 1;
	uint64_t seen = 0;
	size_t n = 0;
	for (size_t i = 0; i < dump->nr_ranges && n < max; i++) {
		for (uint64_t pa = dump->ranges[i].start;
		     pa < dump->ranges[i].end && n < max; pa += dump->page_size) {
			if (kc_dump_page_state(dump, pa) != KC_PAGE_PRESENT)
				continue;
			if (seen++ % step == step / 2)
				out[n++] = pa;
		}
	}
	return n;
}

static struct kc_dump *open_fixture(const char *fixture, const char *file,
				    const struct kc_dump_options *opts)
{
	const char *path = kc_test_fixture(fixture, file);
	if (!path)
		return NULL;
	struct kc_dump *dump = NULL;
	struct kc_error *err = kc_dump_open(path, opts, &dump);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s/%s: %s", fixture, file,
			     kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return dump;
}

KC_TEST(kdump_probe_signature)
{
	uint8_t head[64] = "KDUMP   ";
	CHECK(kc_kdump_probe(head, sizeof(head)));
	CHECK(!kc_kdump_probe(head, 7));
	memcpy(head, "DISKDUMP", 8);
	CHECK(!kc_kdump_probe(head, sizeof(head)));
	CHECK_STR(kc_codec_name(KC_CODEC_ZSTD), "zstd");
	CHECK_STR(kc_codec_name(KC_CODEC_NONE), "none");
}

KC_TEST(kdump_fixtures_open_with_vmcoreinfo)
{
	for (size_t i = 0; i < NR_KDUMP_FILES; i++) {
		const char *fixture = kdump_files[i].fixture;
		struct kc_dump *dump = open_fixture(fixture, kdump_files[i].file,
						    NULL);
		if (!dump) {
			if (kc_test_failed())
				return;
			continue;
		}
		char *txt_path = NULL;
		if (asprintf(&txt_path, "%s/%s/%s", kc_test_fixtures_dir(),
			     fixture, kdump_files[i].vmcoreinfo) < 0)
			txt_path = NULL;
		char *expected = txt_path ? kc_test_read_file(txt_path, NULL) : NULL;
		CHECK_MSG(dump->vmcoreinfo && expected &&
				  strcmp(dump->vmcoreinfo, expected) == 0,
			  "%s/%s: VMCOREINFO differs from %s", fixture,
			  kdump_files[i].file, kdump_files[i].vmcoreinfo);
		CHECK_EQ_U64(dump->vmcoreinfo_size, expected ? strlen(expected) : 0);
		free(expected);
		free(txt_path);

		CHECK(dump->format == KC_DUMP_KDUMP);
		CHECK_STR(dump->format_name, "kdump-compressed v6");
		CHECK(dump->nr_ranges > 0);
		CHECK_EQ_U64(dump->nr_prstatus, 2);
		CHECK_EQ_U64(dump->nr_warnings, 0);
		CHECK(!dump->incomplete);
		CHECK_EQ_U64(dump->header_nr_cpus, 2);
		CHECK(dump->nr_fields >= 30);
		CHECK_STR(dump->fields[dump->nr_fields - 1].name, "max_mapnr_64");
		if (kdump_files[i].qemu) {
			/* QEMU 7.2: 64K blocks whatever the guest page size. */
			CHECK_EQ_U64(dump->page_size, 65536);
			CHECK(dump->utsname_release == NULL);
			CHECK_STR(dump->utsname_machine, "Unknown");
			CHECK(!dump->has_timestamp);
			CHECK_STR(dump->compression, "zlib");
			CHECK_EQ_U64(dump->ranges[0].start, 0x40000000);
		} else {
			char *release = kc_test_fact(fixture, "vmcoreinfo.OSRELEASE");
			CHECK_STR(dump->utsname_release, release);
			free(release);
			CHECK_STR(dump->utsname_machine, "aarch64");
			CHECK(dump->has_timestamp);
			CHECK_EQ_U64(dump->dump_level, 31);
		}
		CHECK_EQ_U64(dump->flattened,
			     strstr(kdump_files[i].file, ".flat") != NULL);
		kc_dump_close(dump);
	}
}

KC_TEST(kdump_codecs_agree)
{
	static const char *const files[] = {
		"vmcore.kdump-lzo", "vmcore.kdump-zstd",
		"vmcore.kdump-nocomp-d31.zst",
	};
	static const char *const names[] = {"lzo", "zstd", "none"};
	struct kc_dump *ref = open_fixture("arm64-6.1-4k48", "vmcore.kdump-zlib",
					   NULL);
	if (!ref)
		return;
	uint64_t pages[400];
	size_t n = sample_present_pages(ref, pages, 400);
	REQUIRE(n > 100);
	uint8_t a[4096], b[4096];
	for (size_t f = 0; f < 3; f++) {
		struct kc_dump *dump = open_fixture("arm64-6.1-4k48", files[f],
						    NULL);
		if (!dump)
			break;
		CHECK_STR(dump->compression, names[f]);
		CHECK_EQ_U64(dump->nr_ranges, ref->nr_ranges);
		size_t present = 0;
		for (size_t i = 0; i < n; i++) {
			enum kc_page_state sa = kc_dump_page_state(ref, pages[i]);
			enum kc_page_state sb = kc_dump_page_state(dump, pages[i]);
			CHECK_MSG(sa == sb, "%s: page 0x%" PRIx64 " %s vs %s",
				  files[f], pages[i], kc_page_state_name(sb),
				  kc_page_state_name(sa));
			if (sa != KC_PAGE_PRESENT)
				continue;
			REQUIRE_OK(kc_dump_read_phys(ref, pages[i], a, sizeof(a)));
			REQUIRE_OK(kc_dump_read_phys(dump, pages[i], b, sizeof(b)));
			CHECK_MSG(memcmp(a, b, sizeof(a)) == 0,
				  "%s: page 0x%" PRIx64 " differs from zlib",
				  files[f], pages[i]);
			present++;
		}
		CHECK(present > 20);
		kc_dump_close(dump);
	}
	kc_dump_close(ref);
}

/* Pages of the kdump file equal those of the ELF dump of the same memory. */
static void compare_with_elf(const char *fixture, const char *kdump_file,
			     const char *elf_file, size_t nr_samples)
{
	struct kc_dump *kd = open_fixture(fixture, kdump_file, NULL);
	if (!kd)
		return;
	const char *elf_path = kc_test_fixture(fixture, elf_file);
	struct kc_dump *elf = NULL;
	struct kc_error *err = elf_path ? kc_dump_open(elf_path, NULL, &elf) : NULL;
	if (!elf_path || err) {
		kc_test_skip("%s/%s: ELF reader not usable yet: %s", fixture,
			     elf_file, err ? kc_error_message(err) : "missing");
		kc_error_destroy(err);
		kc_dump_close(kd);
		return;
	}
	uint64_t *pages = calloc(nr_samples, sizeof(*pages));
	size_t n = sample_present_pages(kd, pages, nr_samples);
	uint8_t *a = malloc(kd->page_size), *b = malloc(kd->page_size);
	size_t compared = 0;
	for (size_t i = 0; i < n; i++) {
		if (kc_dump_page_state(kd, pages[i]) != KC_PAGE_PRESENT ||
		    kc_dump_page_state(elf, pages[i]) != KC_PAGE_PRESENT)
			continue;
		err = kc_dump_read_phys(kd, pages[i], a, kd->page_size);
		if (!err)
			err = kc_dump_read_phys(elf, pages[i], b, kd->page_size);
		if (err) {
			/* An ELF page size smaller than a QEMU block may straddle a hole. */
			CHECK_MSG(err->code != KC_ERR_DECOMPRESS, "%s",
				  kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		CHECK_MSG(memcmp(a, b, kd->page_size) == 0,
			  "%s/%s: page 0x%" PRIx64 " differs from %s", fixture,
			  kdump_file, pages[i], elf_file);
		compared++;
	}
	CHECK_MSG(compared > n * 3 / 4, "%s/%s: only %zu of %zu sampled pages compared",
		  fixture, kdump_file, compared, n);
	free(a);
	free(b);
	free(pages);
	kc_dump_close(elf);
	kc_dump_close(kd);
}

KC_TEST(kdump_matches_elf_of_same_crash)
{
	compare_with_elf("arm64-6.1-4k48", "vmcore.kdump-zlib", "vmcore.elf.zst", 300);
	compare_with_elf("arm64-6.1-4k48", "vmcore.kdump-zstd", "vmcore.elf.zst", 100);
	compare_with_elf("arm64-6.1-64k52", "vmcore.kdump-zlib", "vmcore.elf.zst", 100);
	compare_with_elf("arm64-6.1-16k47", "vmcore.kdump-zlib", "vmcore.elf.zst", 100);
	compare_with_elf("arm64-5.10-4k39", "vmcore.kdump-zlib", "vmcore.elf.zst", 100);
}

KC_TEST(kdump_qemu_flat_matches_qemu_elf)
{
	compare_with_elf("arm64-6.1-4k48", "qemu.kdump-zlib.flat", "qemu.elf.zst", 120);
}

KC_TEST(kdump_excluded_and_absent_pages)
{
	struct kc_dump *dump = open_fixture("arm64-6.1-4k48", "vmcore.kdump-zlib",
					    NULL);
	if (!dump)
		return;
	uint64_t pages[2000];
	size_t n = sample_pages(dump, pages, 2000);
	size_t excluded = 0, present = 0;
	uint8_t buf[64];
	for (size_t i = 0; i < n; i++) {
		enum kc_page_state state = kc_dump_page_state(dump, pages[i]);
		CHECK(state == KC_PAGE_PRESENT || state == KC_PAGE_EXCLUDED);
		struct kc_error *err = kc_dump_read_phys(dump, pages[i] + 8, buf,
							 sizeof(buf));
		if (state == KC_PAGE_PRESENT) {
			present++;
			CHECK_MSG(!err, "%s", err ? kc_error_message(err) : "");
		} else {
			excluded++;
			CHECK(err && err->code == KC_ERR_EXCLUDED);
			CHECK(err && err->has_address && err->address == pages[i] + 8);
			char hex[32];
			snprintf(hex, sizeof(hex), "0x%" PRIx64, pages[i] + 8);
			CHECK(err && contains(err->message, hex));
		}
		kc_error_destroy(err);
	}
	CHECK(excluded > 100);
	CHECK(present > 100);

	/* RAM starts at 1 GiB on QEMU virt. */
	CHECK(kc_dump_page_state(dump, 0x1000) == KC_PAGE_NOT_IN_DUMP);
	struct kc_error *err = kc_dump_read_phys(dump, 0x1000, buf, 8);
	CHECK(err && err->code == KC_ERR_NOT_IN_DUMP);
	kc_error_destroy(err);
	err = kc_dump_read_phys(dump, UINT64_C(1) << 50, buf, 8);
	CHECK(err && err->code == KC_ERR_NOT_IN_DUMP);
	kc_error_destroy(err);
	kc_dump_close(dump);
}

KC_TEST(kdump_cache_and_page_info)
{
	struct kc_dump_options opts = {.cache_bytes = 3 * 4096};
	struct kc_dump *dump = open_fixture("arm64-6.1-4k48", "vmcore.kdump-zstd",
					    &opts);
	if (!dump)
		return;
	uint64_t pages[40];
	size_t n = sample_present_pages(dump, pages, 40);
	struct kc_codec_ctx *codec = NULL;
	REQUIRE_OK(kc_codec_ctx_create(&codec));
	uint8_t page[4096], again[4096], stored_copy[8192];
	size_t checked = 0;
	for (size_t i = 0; i < n && checked < 20; i++) {
		struct kc_kdump_page_info info;
		struct kc_error *err = kc_kdump_page_info(dump, pages[i] / 4096,
							  &info);
		if (err) {
			CHECK(err->code == KC_ERR_EXCLUDED);
			kc_error_destroy(err);
			continue;
		}
		CHECK(info.codec == KC_CODEC_ZSTD || info.codec == KC_CODEC_NONE);
		CHECK_EQ_U64(info.file_index, 0);
		uint64_t misses = dump->cache_misses, hits = dump->cache_hits;
		/*
		 * Whole-page reads bypass the cache (the caller keeps the
		 * page); small reads fill it, and a whole-page read then
		 * finds the page there.
		 */
		REQUIRE_OK(kc_dump_read_phys(dump, pages[i], page, sizeof(page)));
		REQUIRE_OK(kc_dump_read_phys(dump, pages[i], again, sizeof(again)));
		CHECK(memcmp(page, again, sizeof(page)) == 0);
		uint64_t word, word_again;
		REQUIRE_OK(kc_dump_read_phys(dump, pages[i] + 8, &word, sizeof(word)));
		REQUIRE_OK(kc_dump_read_phys(dump, pages[i] + 16, &word_again,
					     sizeof(word_again)));
		CHECK(memcmp(&word, page + 8, sizeof(word)) == 0);
		CHECK(memcmp(&word_again, page + 16, sizeof(word_again)) == 0);
		REQUIRE_OK(kc_dump_read_phys(dump, pages[i], again, sizeof(again)));
		CHECK(memcmp(page, again, sizeof(page)) == 0);
		if (info.codec == KC_CODEC_ZSTD) {
			/* miss, miss (bypass), miss (fills), hit, hit */
			CHECK_EQ_U64(dump->cache_misses, misses + 3);
			CHECK_EQ_U64(dump->cache_hits, hits + 2);
		}
		const uint8_t *stored = kc_kdump_stored_data(dump, &info,
							     stored_copy, &err);
		REQUIRE_OK(err);
		REQUIRE(stored);
		REQUIRE_OK(kc_codec_decompress(codec, info.codec, stored,
					       info.size, again, sizeof(again)));
		CHECK(memcmp(page, again, sizeof(page)) == 0);
		checked++;
	}
	CHECK(checked == 20);
	CHECK(dump->cache_misses > 0);
	CHECK_EQ_U64(kc_kdump_max_pfn(dump), 0x60000);
	kc_codec_ctx_destroy(codec);
	kc_dump_close(dump);
}

KC_TEST(kdump_codec_rejects_bad_input)
{
	struct kc_codec_ctx *codec = NULL;
	REQUIRE_OK(kc_codec_ctx_create(&codec));
	uint8_t junk[64], out[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	for (int c = KC_CODEC_NONE; c <= KC_CODEC_ZSTD; c++) {
		struct kc_error *err = kc_codec_decompress(codec, (enum kc_codec)c,
							   junk, sizeof(junk),
							   out, sizeof(out));
		CHECK_MSG(err && err->code == KC_ERR_DECOMPRESS, "codec %s",
			  kc_codec_name((enum kc_codec)c));
		CHECK(err && contains(err->message, kc_codec_name((enum kc_codec)c)));
		kc_error_destroy(err);
	}
	kc_codec_ctx_destroy(codec);
}

/* A real file loaded for damaging, and facts about its layout. */
struct victim {
	uint8_t *data;
	size_t len;
	uint32_t block_size;
	uint64_t bitmap_offset, bitmap_bytes, desc_offset, max_pfn;
	struct kc_dump *dump;    /* the undamaged file */
	uint64_t pages[120];     /* sampled physical addresses */
	size_t nr_pages;
};

static bool load_victim(struct victim *v, const char *fixture, const char *file)
{
	memset(v, 0, sizeof(*v));
	const char *path = kc_test_fixture(fixture, file);
	if (!path)
		return false;
	v->data = (uint8_t *)kc_test_read_file(path, &v->len);
	if (!v->data)
		return false;
	v->block_size = get32(v->data + T_BLOCK_SIZE);
	v->bitmap_offset = (uint64_t)v->block_size * (1 + get32(v->data + T_SUB_HDR_SIZE));
	uint64_t bitmap_blocks = get32(v->data + T_BITMAP_BLOCKS);
	v->bitmap_bytes = bitmap_blocks * v->block_size / 2;
	v->desc_offset = v->bitmap_offset + bitmap_blocks * v->block_size;
	v->max_pfn = get64(v->data + v->block_size + T_SH_MAX_MAPNR_64);
	struct kc_error *err = kc_dump_open(path, NULL, &v->dump);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s", kc_error_message(err));
		kc_error_destroy(err);
		free(v->data);
		return false;
	}
	v->nr_pages = sample_present_pages(v->dump, v->pages, 120);
	return true;
}

static void free_victim(struct victim *v)
{
	kc_dump_close(v->dump);
	free(v->data);
}

static uint64_t victim_rank(const struct victim *v, uint64_t pfn)
{
	const uint8_t *bitmap2 = v->data + v->bitmap_offset + v->bitmap_bytes;
	uint64_t count = 0;
	for (uint64_t i = 0; i < pfn; i++)
		count += (bitmap2[i / 8] >> (i % 8)) & 1;
	return count;
}

/*
 * Open DATA (a damaged copy) and read the sampled pages: the open fails
 * cleanly naming the file, or every page reads as in the original or fails
 * with a clean error. Returns the dump when it opened, for more checks.
 */
static struct kc_dump *open_damaged(struct victim *v, const char *name,
				    const uint8_t *data, size_t len,
				    size_t *nr_same)
{
	const char *path = write_scratch(name, data, len);
	if (!path) {
		kc_test_fail(__FILE__, __LINE__, "cannot write %s", name);
		return NULL;
	}
	char *saved_path = strdup(path);
	struct kc_dump *dump = NULL;
	struct kc_error *err = kc_dump_open(saved_path, NULL, &dump);
	if (err) {
		CHECK_MSG(contains(err->message, saved_path),
			  "%s: error does not name the file: %s", name,
			  kc_error_message(err));
		CHECK_MSG(err->code == KC_ERR_FORMAT || err->code == KC_ERR_TRUNCATED ||
				  err->code == KC_ERR_UNSUPPORTED,
			  "%s: %s", name, kc_error_message(err));
		kc_error_destroy(err);
		free(saved_path);
		return NULL;
	}
	uint8_t *a = malloc(v->block_size), *b = malloc(v->block_size);
	size_t same = 0;
	for (size_t i = 0; i < v->nr_pages; i++) {
		(void)kc_dump_page_state(dump, v->pages[i]);
		err = kc_dump_read_phys(dump, v->pages[i], a, v->block_size);
		if (err) {
			CHECK_MSG(err->message && err->message[0], "%s", name);
			kc_error_destroy(err);
			continue;
		}
		if (!kc_dump_read_phys(v->dump, v->pages[i], b, v->block_size) &&
		    memcmp(a, b, v->block_size) == 0)
			same++;
	}
	free(a);
	free(b);
	free(saved_path);
	if (nr_same)
		*nr_same = same;
	return dump;
}

KC_TEST(kdump_truncated_files)
{
	struct victim v;
	if (!load_victim(&v, "arm64-6.1-4k48", "vmcore.kdump-zlib"))
		return;
	uint64_t data_start = v.desc_offset +
		victim_rank(&v, v.max_pfn) * 24;
	uint64_t cuts[] = {
		7, 100, 463, 464, 4096 + 50, 4096 + 200, 3 * 4096 - 1,
		v.bitmap_offset + 10, v.desc_offset - 1, v.desc_offset + 5,
		v.desc_offset + 24 * 1000 + 7, data_start - 3, data_start + 100,
		data_start + (v.len - data_start) / 3,
		data_start + (v.len - data_start) * 2 / 3, v.len - 1,
	};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "trunc-%zu", i);
		size_t same = 0;
		struct kc_dump *dump = open_damaged(&v, name, v.data, cuts[i], &same);
		if (cuts[i] < v.desc_offset) {
			CHECK_MSG(!dump, "cut at 0x%" PRIx64 " opened", cuts[i]);
		} else if (dump) {
			CHECK_MSG(dump->nr_warnings > 0, "cut at 0x%" PRIx64 ": no warning",
				  cuts[i]);
			CHECK_STR(dump->vmcoreinfo, v.dump->vmcoreinfo);
			/* Pages whose data precede the cut still read. */
			if (cuts[i] >= data_start + (v.len - data_start) / 3)
				CHECK_MSG(same > v.nr_pages / 5,
					  "cut at 0x%" PRIx64 ": %zu pages intact",
					  cuts[i], same);
			size_t missing = 0;
			for (size_t p = 0; p < v.nr_pages; p++) {
				if (kc_dump_page_state(dump, v.pages[p]) != KC_PAGE_MISSING)
					continue;
				missing++;
				uint8_t buf[8];
				struct kc_error *err = kc_dump_read_phys(dump, v.pages[p],
									 buf, 8);
				CHECK(err && err->code == KC_ERR_TRUNCATED);
				kc_error_destroy(err);
			}
			if (cuts[i] < data_start + (v.len - data_start) * 2 / 3)
				CHECK_MSG(missing > 0, "cut at 0x%" PRIx64 ": no missing page",
					  cuts[i]);
			kc_dump_close(dump);
		} else {
			CHECK_MSG(false, "cut at 0x%" PRIx64 " after the bitmaps did not open",
				  cuts[i]);
		}
	}
	free_victim(&v);
}

KC_TEST(kdump_header_bit_flips)
{
	struct victim v;
	if (!load_victim(&v, "arm64-6.1-4k48", "vmcore.kdump-lzo"))
		return;
	uint8_t *copy = malloc(v.len);
	REQUIRE(copy);
	uint64_t sh = v.block_size;
	static const uint64_t header_fields[] = {
		0, T_VERSION, T_STATUS, T_BLOCK_SIZE, T_SUB_HDR_SIZE,
		T_BITMAP_BLOCKS, T_MAX_MAPNR,
	};
	static const uint64_t sub_fields[] = {
		T_SH_SPLIT, T_SH_START_PFN, T_SH_END_PFN, T_SH_OFFSET_VMCOREINFO,
		T_SH_OFFSET_NOTE, T_SH_SIZE_NOTE, T_SH_START_PFN_64,
		T_SH_END_PFN_64, T_SH_MAX_MAPNR_64,
	};
	static const unsigned bits[] = {0, 1, 4, 12, 20, 30, 31};
	size_t opened = 0, refused = 0;
	for (size_t f = 0; f < 7 + 9; f++) {
		uint64_t at = f < 7 ? header_fields[f] : sh + sub_fields[f - 7];
		for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]); b++) {
			memcpy(copy, v.data, v.len);
			copy[at + bits[b] / 8] ^= (uint8_t)(1u << (bits[b] % 8));
			char name[64];
			snprintf(name, sizeof(name), "flip-%zu-%u", f, bits[b]);
			struct kc_dump *dump = open_damaged(&v, name, copy, v.len, NULL);
			if (dump) {
				opened++;
				kc_dump_close(dump);
			} else {
				refused++;
			}
		}
	}
	CHECK(opened > 0 && refused > 0);

	/* The incomplete flag opens with a warning. */
	memcpy(copy, v.data, v.len);
	put32(copy + T_STATUS, get32(copy + T_STATUS) | 0x8);
	struct kc_dump *dump = open_damaged(&v, "incomplete", copy, v.len, NULL);
	REQUIRE(dump);
	CHECK(dump->incomplete);
	CHECK(dump->nr_warnings == 1 && contains(dump->warnings[0], "incomplete"));
	kc_dump_close(dump);

	/* Clear one-line errors naming the field's offset. */
	static const struct {
		uint64_t offset;
		uint32_t value;
		const char *expect;
	} bad[] = {
		{T_BLOCK_SIZE, 4097, "offset 0x1ac: block_size 4097"},
		{T_BLOCK_SIZE, 2048, "offset 0x1ac: block_size 2048"},
		{T_SUB_HDR_SIZE, 0, "offset 0x1b0: sub_hdr_size 0"},
		{T_SUB_HDR_SIZE, 0x7fffffff, "offset 0x1b0"},
		{T_BITMAP_BLOCKS, 2, "offset 0x1b4: bitmap_blocks 2"},
		{T_BITMAP_BLOCKS, 0, "offset 0x1b4"},
		{T_VERSION, 7, "offset 0x8: header_version 7"},
		{T_VERSION, 0, "offset 0x8: header_version 0"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(copy, v.data, v.len);
		put32(copy + bad[i].offset, bad[i].value);
		const char *path = write_scratch("bad-field", copy, v.len);
		REQUIRE(path);
		struct kc_error *err = kc_dump_open(path, NULL, &dump);
		CHECK_MSG(err && contains(err->message, bad[i].expect) &&
				  contains(err->message, path) &&
				  !strchr(err->message, '\n'),
			  "expected \"%s\", got \"%s\"", bad[i].expect,
			  err ? kc_error_message(err) : "success");
		if (!err)
			kc_dump_close(dump);
		kc_error_destroy(err);
	}
	free(copy);
	free_victim(&v);
}

KC_TEST(kdump_corrupt_descriptors_and_data)
{
	struct victim v;
	if (!load_victim(&v, "arm64-6.1-4k48", "vmcore.kdump-zlib"))
		return;
	uint64_t paddr = 0;
	struct kc_kdump_page_info info;
	bool found = false;
	for (size_t i = v.nr_pages / 2; i < v.nr_pages && !found; i++) {
		struct kc_error *err = kc_kdump_page_info(v.dump, v.pages[i] / v.block_size,
							  &info);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (info.codec == KC_CODEC_ZLIB && info.size > 200) {
			paddr = v.pages[i];
			found = true;
		}
	}
	REQUIRE(found);
	uint8_t *copy = malloc(v.len);
	uint8_t buf[4096];
	struct kc_error *err;
	struct kc_dump *dump;

	/* Corrupt compressed data: a decompression error naming pfn, file, offset. */
	memcpy(copy, v.data, v.len);
	for (uint32_t i = 20; i < 60; i++)
		copy[info.file_offset + i] ^= 0x5a;
	dump = open_damaged(&v, "corrupt-data", copy, v.len, NULL);
	REQUIRE(dump);
	err = kc_dump_read_phys(dump, paddr, buf, sizeof(buf));
	CHECK(err && err->code == KC_ERR_DECOMPRESS);
	char hex[32];
	snprintf(hex, sizeof(hex), "offset 0x%" PRIx64, info.file_offset);
	CHECK_MSG(err && contains(err->message, hex) &&
			  contains(err->message, scratch_path("corrupt-data")),
		  "%s", err ? kc_error_message(err) : "no error");
	snprintf(hex, sizeof(hex), "pfn 0x%" PRIx64, info.pfn);
	CHECK(err && contains(err->message, hex));
	kc_error_destroy(err);
	/* A second attempt fails the same way: nothing bad was cached. */
	err = kc_dump_read_phys(dump, paddr, buf, sizeof(buf));
	CHECK(err && err->code == KC_ERR_DECOMPRESS);
	kc_error_destroy(err);
	kc_dump_close(dump);

	/* Descriptor fields: size 0 (unwritten), two codec flags, raw size,
	 * huge size, offset past the end, flipped offset bits. */
	static const struct {
		unsigned field;
		uint64_t value;
		enum kc_page_state state;
		enum kc_error_code code;
	} cases[] = {
		{8, 0, KC_PAGE_MISSING, KC_ERR_TRUNCATED},
		{12, 3, KC_PAGE_PRESENT, KC_ERR_FORMAT},
		{12, 0, KC_PAGE_PRESENT, KC_ERR_FORMAT},
		{8, 0x7fffffff, KC_PAGE_PRESENT, KC_ERR_FORMAT},
		{0, UINT64_C(1) << 40, KC_PAGE_MISSING, KC_ERR_TRUNCATED},
		{0, UINT64_MAX, KC_PAGE_MISSING, KC_ERR_TRUNCATED},
		{0, 4096, KC_PAGE_PRESENT, KC_ERR_DECOMPRESS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(copy, v.data, v.len);
		uint8_t *pd = copy + info.desc_offset;
		if (cases[i].field == 0)
			put64(pd, cases[i].value);
		else
			put32(pd + cases[i].field, (uint32_t)cases[i].value);
		dump = open_damaged(&v, "bad-desc", copy, v.len, NULL);
		REQUIRE(dump);
		CHECK_MSG(kc_dump_page_state(dump, paddr) == cases[i].state,
			  "case %zu: state %s", i,
			  kc_page_state_name(kc_dump_page_state(dump, paddr)));
		err = kc_dump_read_phys(dump, paddr, buf, sizeof(buf));
		CHECK_MSG(err && err->code == cases[i].code, "case %zu: %s", i,
			  err ? kc_error_message(err) : "read succeeded");
		CHECK(err && err->has_address && err->address == paddr);
		kc_error_destroy(err);
		kc_dump_close(dump);
	}

	/* Random bit flips across the descriptor table. */
	memcpy(copy, v.data, v.len);
	uint64_t nr_descs = victim_rank(&v, v.max_pfn);
	uint64_t seed = 0x12345;
	for (int i = 0; i < 3000; i++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		uint64_t at = v.desc_offset + (seed >> 20) % (nr_descs * 24);
		copy[at] ^= (uint8_t)(1u << ((seed >> 8) & 7));
	}
	dump = open_damaged(&v, "flipped-descs", copy, v.len, NULL);
	if (dump)
		kc_dump_close(dump);
	free(copy);
	free_victim(&v);
}

KC_TEST(kdump_older_header_versions)
{
	struct victim v;
	if (!load_victim(&v, "arm64-6.1-64k52", "vmcore.kdump-zlib"))
		return;
	uint8_t *copy = malloc(v.len);
	REQUIRE(copy);
	for (int version = 1; version <= 5; version++) {
		memcpy(copy, v.data, v.len);
		put32(copy + T_VERSION, (uint32_t)version);
		char name[32];
		snprintf(name, sizeof(name), "v%d", version);
		size_t same = 0;
		struct kc_dump *dump = open_damaged(&v, name, copy, v.len, &same);
		REQUIRE(dump);
		CHECK_EQ_U64(same, v.nr_pages);
		char format[32];
		snprintf(format, sizeof(format), "kdump-compressed v%d", version);
		CHECK_STR(dump->format_name, format);
		if (version >= 4) {
			CHECK_STR(dump->vmcoreinfo, v.dump->vmcoreinfo);
			CHECK_EQ_U64(dump->nr_prstatus, 2);
		} else if (version == 3) {
			/* No notes: the bare VMCOREINFO block. */
			CHECK_STR(dump->vmcoreinfo, v.dump->vmcoreinfo);
			CHECK_EQ_U64(dump->nr_prstatus, 0);
		} else {
			CHECK(dump->vmcoreinfo == NULL);
		}
		bool has_split = false, has_64 = false;
		for (size_t i = 0; i < dump->nr_fields; i++) {
			has_split |= strcmp(dump->fields[i].name, "split") == 0;
			has_64 |= strcmp(dump->fields[i].name, "max_mapnr_64") == 0;
		}
		CHECK(has_split == (version >= 2));
		CHECK(!has_64);
		CHECK_EQ_U64(dump->dump_level, 31);
		kc_dump_close(dump);
	}
	free(copy);
	free_victim(&v);
}

KC_TEST(kdump_split_dump)
{
	struct victim v;
	if (!load_victim(&v, "arm64-6.1-4k48", "vmcore.kdump-zlib"))
		return;
	/* Cut at the middle of RAM: part A holds [0, mid), part B [mid, max). */
	uint64_t mid = (v.dump->ranges[0].start + v.dump->ranges[0].end) / 2 /
		       v.block_size;
	uint64_t before = victim_rank(&v, mid), total = victim_rank(&v, v.max_pfn);
	uint8_t *a = malloc(v.len), *b = malloc(v.len);
	REQUIRE(a && b);
	memcpy(a, v.data, v.len);
	memcpy(b, v.data, v.len);
	uint8_t *sha = a + v.block_size, *shb = b + v.block_size;
	put32(sha + T_SH_SPLIT, 1);
	put64(sha + T_SH_START_PFN_64, 0);
	put64(sha + T_SH_END_PFN_64, mid);
	put32(shb + T_SH_SPLIT, 1);
	put64(shb + T_SH_START_PFN_64, mid);
	put64(shb + T_SH_END_PFN_64, v.max_pfn);
	/* B's descriptors start with mid's; its page data stays where it was. */
	memmove(b + v.desc_offset, b + v.desc_offset + before * 24,
		(total - before) * 24);
	char *pa = strdup(write_scratch("split-a", a, v.len));
	char *pb = strdup(write_scratch("split-b", b, v.len));
	const char *paths[] = {pb, pa}; /* any order */
	struct kc_dump *dump = NULL;
	struct kc_error *err = kc_dump_open_files(paths, 2, NULL, &dump);
	REQUIRE_OK(err);
	CHECK_EQ_U64(dump->nr_files, 2);
	CHECK_EQ_U64(dump->nr_warnings, 0);
	uint8_t x[4096], y[4096];
	size_t in_a = 0, in_b = 0;
	for (size_t i = 0; i < v.nr_pages; i++) {
		CHECK(kc_dump_page_state(dump, v.pages[i]) ==
		      kc_dump_page_state(v.dump, v.pages[i]));
		if (kc_dump_page_state(v.dump, v.pages[i]) != KC_PAGE_PRESENT)
			continue;
		REQUIRE_OK(kc_dump_read_phys(dump, v.pages[i], x, sizeof(x)));
		REQUIRE_OK(kc_dump_read_phys(v.dump, v.pages[i], y, sizeof(y)));
		CHECK(memcmp(x, y, sizeof(x)) == 0);
		struct kc_kdump_page_info info;
		REQUIRE_OK(kc_kdump_page_info(dump, v.pages[i] / v.block_size, &info));
		if (v.pages[i] / v.block_size < mid) {
			CHECK_EQ_U64(info.file_index, 0);
			in_a++;
		} else {
			CHECK_EQ_U64(info.file_index, 1);
			in_b++;
		}
	}
	CHECK(in_a > 5 && in_b > 5);
	kc_dump_close(dump);

	/* One part alone opens with a warning; the other part's pages are missing. */
	err = kc_dump_open(pb, NULL, &dump);
	REQUIRE_OK(err);
	CHECK(dump->nr_warnings >= 1);
	for (size_t i = 0; i < v.nr_pages; i++) {
		if (kc_dump_page_state(v.dump, v.pages[i]) != KC_PAGE_PRESENT)
			continue;
		enum kc_page_state expect = v.pages[i] / v.block_size < mid
			? KC_PAGE_MISSING : KC_PAGE_PRESENT;
		CHECK(kc_dump_page_state(dump, v.pages[i]) == expect);
	}
	kc_dump_close(dump);

	/* Overlapping parts and non-split files together are refused. */
	const char *same[] = {pa, pa};
	err = kc_dump_open_files(same, 2, NULL, &dump);
	CHECK(err && err->code == KC_ERR_FORMAT && contains(err->message, "overlap"));
	kc_error_destroy(err);
	const char *plain[] = {pa, kc_test_fixture("arm64-6.1-4k48", "vmcore.kdump-zlib")};
	err = kc_dump_open_files(plain, 2, NULL, &dump);
	CHECK(err && err->code == KC_ERR_FORMAT && contains(err->message, "split"));
	kc_error_destroy(err);
	free(pa);
	free(pb);
	free(a);
	free(b);
	free_victim(&v);
}
