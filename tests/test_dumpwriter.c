/* SPDX-License-Identifier: MIT */
/*
 * Dump shapes no fixture holds, made by re-encoding a real fixture's pages
 * with tests/dumpwriter.c: every codec and a mix, header versions 1-6,
 * incomplete, split and flattened files, excluded and shared zero pages.
 * Each generated dump must read back byte-identical to its source.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dumpwriter.h"
#include "harness.h"
#include "vmcore/dump.h"

/* Mismatches reported per variant before the rest are only counted. */
#define MAX_REPORTS 5

/* Pages taken from a real fixture, kept in memory as the reference. */
struct source {
	const char *fixture;
	struct kc_dump *dump;
	uint32_t block_size;
	struct kc_dw_page *pages;
	size_t nr_pages;
	uint8_t *blocks;        /* block i of pages[], for included pages */
	uint8_t *notes;         /* raw ELF notes of a kdump source, or NULL */
	size_t notes_size;
};

static void source_close(struct source *s)
{
	kc_dump_close(s->dump);
	free(s->pages);
	free(s->blocks);
	free(s->notes);
	memset(s, 0, sizeof(*s));
}

static uint64_t vmcoreinfo_hex(const char *text, const char *key)
{
	const char *at = text ? strstr(text, key) : NULL;
	return at ? strtoull(at + strlen(key), NULL, 16) : 0;
}

/* Physical address of the kernel image: _stext - kimage_voffset. */
static uint64_t kernel_image_paddr(const struct kc_dump *dump)
{
	uint64_t stext = vmcoreinfo_hex(dump->vmcoreinfo, "SYMBOL(_stext)=");
	uint64_t voffset =
		vmcoreinfo_hex(dump->vmcoreinfo, "NUMBER(kimage_voffset)=");
	return stext && voffset ? stext - voffset : 0;
}

/*
 * Blocks from the start of the first two ranges, the kernel image, the
 * middle of the first range (mostly free memory: zero pages in an
 * unfiltered source) and the end of the last; every 7th one excluded.
 */
static void pick_pages(struct source *s, size_t per_region)
{
	struct kc_dump *d = s->dump;
	for (size_t r = 0; r < d->nr_ranges && r < 2; r++)
		kc_dw_pick_present(d, s->block_size, d->ranges[r].start,
				   per_region, &s->pages, &s->nr_pages);
	uint64_t kimage = kernel_image_paddr(d);
	if (kimage)
		kc_dw_pick_present(d, s->block_size, kimage, per_region,
				   &s->pages, &s->nr_pages);
	uint64_t mid = (d->ranges[0].start + d->ranges[0].end) / 2;
	kc_dw_pick_present(d, s->block_size, mid, per_region, &s->pages,
			   &s->nr_pages);
	uint64_t tail = d->ranges[d->nr_ranges - 1].end -
			(uint64_t)per_region * s->block_size;
	kc_dw_pick_present(d, s->block_size, tail, per_region, &s->pages,
			   &s->nr_pages);
	kc_dw_sort_pages(s->pages, &s->nr_pages);
	for (size_t i = 3; i < s->nr_pages; i += 7)
		s->pages[i].excluded = true;
}

/* The sub header's notes of a kdump-compressed fixture, copied raw. */
static void load_kdump_notes(struct source *s, const char *path)
{
	size_t len = 0;
	uint8_t *file = (uint8_t *)kc_test_read_file(path, &len);
	if (!file || len < 8192)
		goto out;
	uint32_t bs = file[428] | file[429] << 8 | (uint32_t)file[430] << 16;
	const uint8_t *sh = file + bs;
	uint64_t offset = 0, size = 0;
	for (int i = 7; i >= 0; i--) {
		offset = offset << 8 | sh[48 + i];
		size = size << 8 | sh[56 + i];
	}
	if (offset && size && offset + size <= len) {
		s->notes = malloc(size);
		if (s->notes) {
			memcpy(s->notes, file + offset, size);
			s->notes_size = size;
		}
	}
out:
	free(file);
}

static bool snapshot_pages(struct source *s)
{
	s->blocks = malloc(s->nr_pages * (size_t)s->block_size);
	if (!s->blocks)
		return false;
	for (size_t i = 0; i < s->nr_pages; i++) {
		struct kc_error *err = kc_dump_read_phys(
			s->dump, s->pages[i].pfn * s->block_size,
			s->blocks + i * (size_t)s->block_size, s->block_size);
		if (err) {
			kc_test_fail(__FILE__, __LINE__, "%s source: %s",
				     s->fixture, kc_error_message(err));
			kc_error_destroy(err);
			return false;
		}
	}
	return true;
}

/* Like REQUIRE_OK, in a function returning bool. */
#define REQUIRE_OK_BOOL(expr)                                                \
	do {                                                                  \
		struct kc_error *kc_err_ = (expr);                            \
		if (kc_err_) {                                                \
			kc_test_fail(__FILE__, __LINE__, "%s: %s", #expr,     \
				     kc_error_message(kc_err_));               \
			kc_error_destroy(kc_err_);                            \
			return false;                                         \
		}                                                             \
	} while (0)

/* Open FILE of FIXTURE and take PER_REGION blocks from each region. */
static bool source_open(struct source *s, const char *fixture,
			const char *file, uint32_t block_size,
			size_t per_region)
{
	memset(s, 0, sizeof(*s));
	s->fixture = fixture;
	const char *path = kc_test_fixture(fixture, file);
	if (!path)
		return false;
	REQUIRE_OK_BOOL(kc_dump_open(path, NULL, &s->dump));
	s->block_size = block_size ? block_size : s->dump->page_size;
	if (!CHECK(s->dump->nr_ranges > 0 && s->dump->vmcoreinfo))
		return false;
	pick_pages(s, per_region);
	if (s->dump->format == KC_DUMP_KDUMP)
		load_kdump_notes(s, path);
	return CHECK(s->nr_pages > per_region) && snapshot_pages(s);
}

static long find_page(const struct source *s, uint64_t pfn)
{
	size_t lo = 0, hi = s->nr_pages;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->pages[mid].pfn == pfn)
			return (long)mid;
		if (s->pages[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The writer's page source: the in-memory snapshot. */
static struct kc_error *read_snapshot(void *ctx, uint64_t pfn,
				      uint32_t block_size, void *buf)
{
	const struct source *s = ctx;
	long i = find_page(s, pfn);
	if (i < 0 || block_size != s->block_size)
		return kc_error_create(KC_ERR_NOT_IN_DUMP,
				       "block 0x%llx not in the snapshot",
				       (unsigned long long)pfn);
	memcpy(buf, s->blocks + (size_t)i * block_size, block_size);
	return NULL;
}

static struct kc_dw_options base_options(const struct source *s,
					 enum kc_dw_codec codec, int version)
{
	return (struct kc_dw_options){
		.block_size = s->block_size,
		.header_version = version,
		.codec = codec,
		.pages = s->pages,
		.nr_pages = s->nr_pages,
		.max_mapnr = s->dump->ranges[s->dump->nr_ranges - 1].end /
			     s->block_size,
		.vmcoreinfo = s->dump->vmcoreinfo,
		.vmcoreinfo_size = strlen(s->dump->vmcoreinfo),
		.notes = s->notes,
		.notes_size = s->notes_size,
		.release = s->dump->utsname_release,
		.timestamp_sec = 1795237767,
		.nr_cpus = 2,
		.dump_level = 31,
	};
}

/* ---- checking a generated dump ----------------------------------------- */

static void check_compression(const char *variant, const struct kc_dump *d,
			      enum kc_dw_codec codec)
{
	if (!CHECK_MSG(d->compression, "%s: no compression name", variant))
		return;
	if (codec != KC_DW_MIXED) {
		CHECK_MSG(strcmp(d->compression, kc_dw_codec_name(codec)) == 0,
			  "%s: compression \"%s\", expected \"%s\"", variant,
			  d->compression, kc_dw_codec_name(codec));
		return;
	}
	static const char *const names[] = {"zlib", "lzo", "snappy", "zstd"};
	for (size_t i = 0; i < 4; i++)
		CHECK_MSG(strstr(d->compression, names[i]) &&
				  strchr(d->compression, '+'),
			  "%s: compression \"%s\" should name a mix with %s",
			  variant, d->compression, names[i]);
}

static void check_header(const char *variant, const struct source *s,
			 const struct kc_dw_options *o,
			 const struct kc_dw_result *r, const struct kc_dump *d)
{
	CHECK_MSG(d->format == KC_DUMP_KDUMP, "%s: format %d", variant,
		  (int)d->format);
	CHECK_MSG(d->page_size == o->block_size, "%s: page_size %u, expected %u",
		  variant, d->page_size, o->block_size);
	CHECK_MSG(d->flattened == o->flatten, "%s: flattened %d", variant,
		  d->flattened);
	CHECK_MSG(d->nr_files == r->nr_paths, "%s: nr_files %u, expected %zu",
		  variant, d->nr_files, r->nr_paths);
	CHECK_MSG(d->incomplete == o->incomplete, "%s: incomplete %d", variant,
		  d->incomplete);
	if (o->incomplete)
		CHECK_MSG(d->nr_warnings > 0,
			  "%s: an incomplete dump opened without a warning",
			  variant);
	check_compression(variant, d, o->codec);
	if (o->header_version < 3) {
		CHECK_MSG(!d->vmcoreinfo,
			  "%s: v%d has no VMCOREINFO, reader found some",
			  variant, o->header_version);
	} else if (CHECK_MSG(d->vmcoreinfo, "%s: VMCOREINFO lost", variant)) {
		/* The text must match; a trailing NUL may or may not count. */
		size_t len = strnlen(d->vmcoreinfo, d->vmcoreinfo_size);
		CHECK_MSG(len == o->vmcoreinfo_size &&
				  memcmp(d->vmcoreinfo, o->vmcoreinfo, len) == 0,
			  "%s: VMCOREINFO differs (%zu bytes, expected %zu)",
			  variant, len, o->vmcoreinfo_size);
	}
	if (o->header_version >= 4 && o->notes)
		CHECK_MSG(d->nr_prstatus == s->dump->nr_prstatus,
			  "%s: %zu PRSTATUS notes, expected %zu", variant,
			  d->nr_prstatus, s->dump->nr_prstatus);
}

struct tally {
	const char *variant;
	size_t failures;
};

static void mismatch(struct tally *t, const char *what, uint64_t paddr,
		     const char *detail)
{
	if (t->failures++ < MAX_REPORTS)
		kc_test_fail(__FILE__, __LINE__, "%s: paddr 0x%llx: %s%s",
			     t->variant, (unsigned long long)paddr, what,
			     detail ? detail : "");
}

/* A read that must fail with CODE. */
static void expect_read_error(struct tally *t, struct kc_dump *d,
			      uint64_t paddr, size_t len,
			      enum kc_error_code code)
{
	uint8_t buf[64];
	struct kc_error *err = kc_dump_read_phys(d, paddr, buf,
						 len < sizeof(buf) ? len : sizeof(buf));
	if (!err) {
		mismatch(t, "read succeeded, expected an error", paddr, NULL);
		return;
	}
	if (err->code != code)
		mismatch(t, "wrong error code: ", paddr, kc_error_message(err));
	kc_error_destroy(err);
}

static void check_page(struct tally *t, const struct source *s,
		       struct kc_dump *d, size_t i, enum kc_page_state want,
		       uint8_t *buf)
{
	uint64_t paddr = s->pages[i].pfn * s->block_size;
	enum kc_page_state got = kc_dump_page_state(d, paddr);
	if (got != want) {
		char detail[64];
		snprintf(detail, sizeof(detail), "%s, expected %s",
			 kc_page_state_name(got), kc_page_state_name(want));
		mismatch(t, "state ", paddr, detail);
	}
	if (want == KC_PAGE_EXCLUDED) {
		expect_read_error(t, d, paddr, 8, KC_ERR_EXCLUDED);
	} else if (want == KC_PAGE_MISSING) {
		expect_read_error(t, d, paddr, 8, KC_ERR_TRUNCATED);
	} else if (want == KC_PAGE_PRESENT) {
		struct kc_error *err = kc_dump_read_phys(d, paddr, buf,
							 s->block_size);
		if (err) {
			mismatch(t, "read failed: ", paddr,
				 kc_error_message(err));
			kc_error_destroy(err);
		} else if (memcmp(buf, s->blocks + i * (size_t)s->block_size,
				  s->block_size) != 0) {
			mismatch(t, "bytes differ from the source", paddr, NULL);
		}
	}
}

/* A block between two chosen ones that the dump must not claim. */
static void check_hole(struct tally *t, const struct source *s,
		       struct kc_dump *d)
{
	for (size_t i = 1; i < s->nr_pages; i++) {
		if (s->pages[i].pfn == s->pages[i - 1].pfn + 1)
			continue;
		uint64_t paddr = (s->pages[i - 1].pfn + 1) * s->block_size;
		if (kc_dump_page_state(d, paddr) != KC_PAGE_NOT_IN_DUMP)
			mismatch(t, "a block never written is not reported not-in-dump",
				 paddr, NULL);
		expect_read_error(t, d, paddr, 8, KC_ERR_NOT_IN_DUMP);
		return;
	}
}

/* A read running from a present page into an excluded one names the latter. */
static void check_crossing(struct tally *t, const struct source *s,
			   const struct kc_dw_result *r, struct kc_dump *d)
{
	for (size_t i = 0; i + 1 < s->nr_pages; i++) {
		if (s->pages[i + 1].pfn != s->pages[i].pfn + 1 ||
		    r->states[i] != KC_PAGE_PRESENT ||
		    r->states[i + 1] != KC_PAGE_EXCLUDED)
			continue;
		uint64_t boundary = s->pages[i + 1].pfn * s->block_size;
		uint8_t buf[32];
		struct kc_error *err = kc_dump_read_phys(d, boundary - 16, buf,
							 sizeof(buf));
		if (!err)
			mismatch(t, "read into an excluded page succeeded",
				 boundary, NULL);
		else if (err->code != KC_ERR_EXCLUDED || !err->has_address ||
			 err->address != boundary)
			mismatch(t, "read into an excluded page: ", boundary,
				 kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
}

static bool in_ranges(const struct kc_dump *d, uint64_t paddr)
{
	for (size_t i = 0; i < d->nr_ranges; i++)
		if (paddr >= d->ranges[i].start && paddr < d->ranges[i].end)
			return true;
	return false;
}

static void check_pages(const char *variant, const struct source *s,
			const struct kc_dw_result *r, struct kc_dump *d)
{
	struct tally t = {variant, 0};
	uint8_t *buf = malloc(s->block_size);
	if (!CHECK(buf))
		return;
	for (size_t i = 0; i < s->nr_pages; i++) {
		check_page(&t, s, d, i, r->states[i], buf);
		uint64_t paddr = s->pages[i].pfn * s->block_size;
		if (!in_ranges(d, paddr))
			mismatch(&t, "a page of the dump is outside dump->ranges",
				 paddr, NULL);
	}
	check_hole(&t, s, d);
	check_crossing(&t, s, r, d);
	free(buf);
	if (t.failures > MAX_REPORTS)
		kc_test_fail(__FILE__, __LINE__, "%s: %zu mismatches in all",
			     variant, t.failures);
}

/* Write variant NAME with O, open it and check everything against S. */
static void write_and_check(const struct source *s, const char *name,
			    const struct kc_dw_options *o,
			    struct kc_dw_result *r)
{
	char variant[160];
	snprintf(variant, sizeof(variant), "%s/%s", s->fixture, name);
	struct kc_dw_source src = {read_snapshot, (void *)s};
	struct kc_error *err = kc_dw_write(&src, o, name, r);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: write: %s", variant,
			     kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
	struct kc_dump *d = NULL;
	err = kc_dump_open_files((const char *const *)r->paths, r->nr_paths,
				 NULL, &d);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: open: %s", variant,
			     kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
	check_header(variant, s, o, r, d);
	check_pages(variant, s, r, d);
	kc_dump_close(d);
}

static void run_variant(const struct source *s, const char *name,
			const struct kc_dw_options *o)
{
	struct kc_dw_result r;
	write_and_check(s, name, o, &r);
	kc_dw_result_free(&r);
}

/* ---- variants ---------------------------------------------------------- */

static const enum kc_dw_codec all_codecs[] = {
	KC_DW_RAW, KC_DW_ZLIB, KC_DW_LZO, KC_DW_SNAPPY, KC_DW_ZSTD, KC_DW_MIXED,
};
#define NR_CODECS (sizeof(all_codecs) / sizeof(all_codecs[0]))

static void run_codecs(const struct source *s, bool flatten)
{
	for (size_t i = 0; i < NR_CODECS; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s-%s%s", s->fixture,
			 kc_dw_codec_name(all_codecs[i]), flatten ? ".flat" : "");
		struct kc_dw_options o = base_options(s, all_codecs[i], 6);
		o.flatten = flatten;
		struct kc_dw_result r;
		write_and_check(s, name, &o, &r);
		if (all_codecs[i] == KC_DW_MIXED)
			CHECK_MSG(r.flags_used == (KC_DW_FLAG_ZLIB | KC_DW_FLAG_LZO |
						   KC_DW_FLAG_SNAPPY |
						   KC_DW_FLAG_ZSTD) &&
					  r.nr_raw_pages > 0,
				  "%s: the mix did not use every codec", name);
		kc_dw_result_free(&r);
	}
}

/* v1..v5, each with another codec so the pairs vary too. */
static void run_versions(const struct source *s)
{
	static const char eraseinfo[] = "erase init_task.comm size 16\n";
	for (int v = 1; v <= 5; v++) {
		char name[64];
		snprintf(name, sizeof(name), "%s-v%d", s->fixture, v);
		struct kc_dw_options o = base_options(s, all_codecs[v - 1], v);
		o.eraseinfo = eraseinfo;
		o.eraseinfo_size = sizeof(eraseinfo) - 1;
		run_variant(s, name, &o);
	}
}

/* KEEP_PAGES of the dumpable pages written, then DANGLING descriptors. */
static void run_incomplete(const struct source *s, enum kc_dw_codec codec,
			   bool flatten, size_t keep_pages, size_t dangling)
{
	char name[80];
	snprintf(name, sizeof(name), "%s-incomplete-%s-keep%zu%s", s->fixture,
		 kc_dw_codec_name(codec), keep_pages, flatten ? ".flat" : "");
	struct kc_dw_options o = base_options(s, codec, 6);
	o.incomplete = true;
	o.keep_pages = keep_pages;
	o.dangling_descs = dangling;
	o.flatten = flatten;
	struct kc_dw_result r;
	write_and_check(s, name, &o, &r);
	size_t missing = 0;
	for (size_t i = 0; i < r.nr_states; i++)
		missing += r.states[i] == KC_PAGE_MISSING;
	CHECK_MSG(missing > (s->nr_pages - keep_pages) / 2,
		  "%s: only %zu pages missing", name, missing);
	kc_dw_result_free(&r);
}

/* Split files named in reverse order must read the same. */
static void check_split_reversed(const char *name, const struct source *s,
				 struct kc_dw_result *r)
{
	const char *paths[8];
	if (r->nr_paths < 2 || r->nr_paths > 8)
		return;
	for (size_t i = 0; i < r->nr_paths; i++)
		paths[i] = r->paths[r->nr_paths - 1 - i];
	struct kc_dump *d = NULL;
	struct kc_error *err = kc_dump_open_files(paths, r->nr_paths, NULL, &d);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s reversed: open: %s", name,
			     kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
	char variant[96];
	snprintf(variant, sizeof(variant), "%s (files reversed)", name);
	check_pages(variant, s, r, d);
	kc_dump_close(d);
}

static void run_split(const struct source *s, unsigned nr, int version,
		      enum kc_dw_codec codec, bool clip, bool flatten)
{
	char name[64];
	snprintf(name, sizeof(name), "%s-split%u-v%d%s%s", s->fixture, nr,
		 version, clip ? "-clip" : "", flatten ? ".flat" : "");
	struct kc_dw_options o = base_options(s, codec, version);
	o.nr_split = nr;
	o.split_clip_bitmap = clip;
	o.flatten = flatten;
	struct kc_dw_result r;
	write_and_check(s, name, &o, &r);
	if (r.states)
		check_split_reversed(name, s, &r);
	kc_dw_result_free(&r);
}

static bool open_kdump_source(struct source *s, const char *fixture,
			      size_t per_region)
{
	return source_open(s, fixture, "vmcore.kdump-zlib", 0, per_region);
}

/* ---- tests ------------------------------------------------------------- */

KC_TEST(writer_4k48_codecs)
{
	struct source s;
	if (open_kdump_source(&s, "arm64-6.1-4k48", 700))
		run_codecs(&s, false);
	source_close(&s);
}

KC_TEST(writer_4k48_header_versions)
{
	struct source s;
	if (open_kdump_source(&s, "arm64-6.1-4k48", 500))
		run_versions(&s);
	source_close(&s);
}

KC_TEST(writer_4k48_incomplete)
{
	struct source s;
	if (open_kdump_source(&s, "arm64-6.1-4k48", 500)) {
		size_t third = s.nr_pages / 3;
		run_incomplete(&s, KC_DW_ZLIB, false, third, 4);
		run_incomplete(&s, KC_DW_MIXED, false, third, 0);
		run_incomplete(&s, KC_DW_LZO, true, third, 4);
		/* Stopped inside the very first page's data. */
		run_incomplete(&s, KC_DW_ZSTD, false, 0, 2);
	}
	source_close(&s);
}

KC_TEST(writer_4k48_split)
{
	struct source s;
	if (open_kdump_source(&s, "arm64-6.1-4k48", 500)) {
		run_split(&s, 3, 6, KC_DW_ZLIB, false, false);
		run_split(&s, 2, 2, KC_DW_ZSTD, true, false);
		run_split(&s, 4, 5, KC_DW_SNAPPY, false, false);
		run_split(&s, 2, 6, KC_DW_MIXED, false, true);
	}
	source_close(&s);
}

KC_TEST(writer_4k48_flattened)
{
	struct source s;
	if (open_kdump_source(&s, "arm64-6.1-4k48", 500))
		run_codecs(&s, true);
	source_close(&s);
}

/* 64K blocks over 4K pages, as QEMU writes kdump files for arm64 guests. */
KC_TEST(writer_4k48_64k_blocks)
{
	struct source s;
	if (source_open(&s, "arm64-6.1-4k48", "vmcore.kdump-zlib", 65536, 40)) {
		struct kc_dw_options o = base_options(&s, KC_DW_ZLIB, 6);
		run_variant(&s, "arm64-6.1-4k48-block64k", &o);
	}
	source_close(&s);
}

/* 64K blocks over 16K pages. */
KC_TEST(writer_16k47_64k_blocks)
{
	struct source s;
	if (source_open(&s, "arm64-6.1-16k47", "vmcore.kdump-zlib", 65536, 60)) {
		struct kc_dw_options o = base_options(&s, KC_DW_SNAPPY, 6);
		run_variant(&s, "arm64-6.1-16k47-block64k", &o);
	}
	source_close(&s);
}

/* An unfiltered ELF source: free memory gives many shared zero pages. */
static void run_zero_pages_from_elf(const char *fixture, size_t per_region,
				    size_t min_shared)
{
	struct source s;
	if (source_open(&s, fixture, "vmcore.elf.zst", 0, per_region)) {
		char name[96];
		snprintf(name, sizeof(name), "%s-zero-shared", fixture);
		struct kc_dw_options o = base_options(&s, KC_DW_ZSTD, 6);
		o.share_zero_page = true;
		struct kc_dw_result r;
		write_and_check(&s, name, &o, &r);
		CHECK_MSG(r.nr_zero_shared >= min_shared,
			  "%s: only %zu descriptors share the zero page", name,
			  r.nr_zero_shared);
		kc_dw_result_free(&r);

		snprintf(name, sizeof(name), "%s-zero-shared-mixed.flat", fixture);
		o.codec = KC_DW_MIXED;
		o.flatten = true;
		run_variant(&s, name, &o);

		snprintf(name, sizeof(name), "%s-zero-shared-incomplete", fixture);
		o.codec = KC_DW_LZO;
		o.flatten = false;
		o.incomplete = true;
		o.keep_pages = s.nr_pages / 2;
		o.dangling_descs = 9;
		run_variant(&s, name, &o);
	}
	source_close(&s);
}

KC_TEST(writer_4k48_zero_pages_from_elf)
{
	run_zero_pages_from_elf("arm64-6.1-4k48", 600, 100);
}

KC_TEST(writer_64k52_zero_pages_from_elf)
{
	run_zero_pages_from_elf("arm64-6.1-64k52", 40, 10);
}

static void compare_dumps(const struct source *s, struct kc_dump *flat)
{
	struct kc_dump *plain = s->dump;
	CHECK(flat->flattened);
	CHECK(flat->format == KC_DUMP_ELF);
	CHECK_EQ_U64(flat->nr_ranges, plain->nr_ranges);
	for (size_t i = 0; i < flat->nr_ranges && i < plain->nr_ranges; i++) {
		CHECK_EQ_U64(flat->ranges[i].start, plain->ranges[i].start);
		CHECK_EQ_U64(flat->ranges[i].end, plain->ranges[i].end);
	}
	CHECK_EQ_U64(flat->nr_prstatus, plain->nr_prstatus);
	CHECK(flat->vmcoreinfo && flat->vmcoreinfo_size == plain->vmcoreinfo_size &&
	      memcmp(flat->vmcoreinfo, plain->vmcoreinfo,
		     plain->vmcoreinfo_size) == 0);
	struct tally t = {"arm64-6.1-4k48/vmcore.elf.flat", 0};
	uint8_t *buf = malloc(s->block_size);
	for (size_t i = 0; buf && i < s->nr_pages; i++)
		check_page(&t, s, flat, i, KC_PAGE_PRESENT, buf);
	free(buf);
}

/* The raw /proc/vmcore ELF wrapped in the flattened format. */
KC_TEST(writer_4k48_flattened_elf)
{
	struct source s;
	if (!source_open(&s, "arm64-6.1-4k48", "vmcore.elf.zst", 0, 300)) {
		source_close(&s);
		return;
	}
	char *out = NULL;
	REQUIRE(asprintf(&out, "%s/arm64-6.1-4k48-vmcore.elf.flat",
			 kc_test_scratch_dir()) > 0);
	/* A decoy over the ELF and program headers that must lose. */
	struct kc_error *err = kc_dw_flatten_file(s.dump->path, out, 0, 5000);
	struct kc_dump *flat = NULL;
	if (!err)
		err = kc_dump_open(out, NULL, &flat);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", out,
			     kc_error_message(err));
		kc_error_destroy(err);
	} else {
		compare_dumps(&s, flat);
	}
	kc_dump_close(flat);
	unlink(out);
	free(out);
	source_close(&s);
}

/* Another granule: the same shapes over 64K and 16K pages. */
static void run_other_granule(const char *fixture, size_t per_region)
{
	struct source s;
	if (open_kdump_source(&s, fixture, per_region)) {
		run_codecs(&s, false);
		run_versions(&s);
		run_incomplete(&s, KC_DW_SNAPPY, false, s.nr_pages / 2, 1);
		run_split(&s, 3, 6, KC_DW_ZSTD, false, false);
		run_split(&s, 2, 3, KC_DW_LZO, true, true);
		struct kc_dw_options o = base_options(&s, KC_DW_MIXED, 6);
		o.flatten = true;
		char name[64];
		snprintf(name, sizeof(name), "%s-mixed.flat", fixture);
		run_variant(&s, name, &o);
	}
	source_close(&s);
}

KC_TEST(writer_64k52_variants)
{
	run_other_granule("arm64-6.1-64k52", 40);
}

KC_TEST(writer_16k47_variants)
{
	run_other_granule("arm64-6.1-16k47", 120);
}

/* ---- a synthetic source: the raw-storage fallback ---------------------- */

static uint64_t xorshift(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * Pages no codec can shrink (random), zero pages and text-like pages, so
 * that every codec must fall back to storing some pages raw as makedumpfile
 * does. VMCOREINFO is copied from a real fixture.
 */
static bool synthetic_open(struct source *s, const char *vmcoreinfo_from)
{
	memset(s, 0, sizeof(*s));
	s->fixture = "synthetic-4k";
	s->block_size = 4096;
	const char *path = kc_test_fixture(vmcoreinfo_from, "vmcore.kdump-zlib");
	if (!path)
		return false;
	REQUIRE_OK_BOOL(kc_dump_open(path, NULL, &s->dump));
	s->nr_pages = 96;
	s->pages = calloc(s->nr_pages, sizeof(*s->pages));
	s->blocks = calloc(s->nr_pages, s->block_size);
	if (!CHECK(s->pages && s->blocks))
		return false;
	uint64_t state = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < s->nr_pages; i++) {
		/* Two runs of pages with a gap, some excluded. */
		s->pages[i].pfn = 0x40000 + i + (i >= 48 ? 100 : 0);
		s->pages[i].excluded = i % 11 == 10;
		uint8_t *b = s->blocks + i * (size_t)s->block_size;
		for (size_t j = 0; j < s->block_size; j += 8) {
			uint64_t v = i % 3 == 0 ? xorshift(&state)
				   : i % 3 == 1 ? 0
						: 0x2020656e696c2041ull + j / 64;
			memcpy(b + j, &v, 8);
		}
	}
	return true;
}

KC_TEST(writer_synthetic_raw_fallback)
{
	struct source s;
	if (!synthetic_open(&s, "arm64-6.1-4k48")) {
		source_close(&s);
		return;
	}
	for (size_t i = 0; i < NR_CODECS; i++) {
		char name[64];
		snprintf(name, sizeof(name), "synthetic-%s",
			 kc_dw_codec_name(all_codecs[i]));
		struct kc_dw_options o = base_options(&s, all_codecs[i], 6);
		o.max_mapnr = 0x60000;
		o.notes = NULL;
		o.share_zero_page = i % 2 == 0;
		o.flatten = i == 3;
		struct kc_dw_result r;
		write_and_check(&s, name, &o, &r);
		/* Random pages never shrink: a third of the included ones. */
		CHECK_MSG(r.nr_raw_pages >= 28, "%s: %zu pages stored raw", name,
			  r.nr_raw_pages);
		kc_dw_result_free(&r);
	}
	source_close(&s);
}
