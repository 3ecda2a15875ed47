/* SPDX-License-Identifier: MIT */
/*
 * Damaged dumps, made from the real fixtures: truncated at many offsets
 * (headers, bitmaps, descriptors, page data), bit-flipped headers and page
 * descriptors, and kernel memory corrupted at the physical address the
 * session's MMU gives (a task-list cycle, a module list into unmapped
 * memory, a PTE pointing outside RAM, a frame-pointer loop).
 *
 * Every case checks that kcrash fails with a message or gives what is still
 * right: a page read from a damaged dump is either refused or equal to the
 * same page of the intact dump, and data whose bytes the damage did not
 * touch stays readable. Each case prints one "damage-matrix:" line (damage
 * kind, format, result); README.md's reliability section is a copy.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm64/mmu.h"
#include "arm64/unwind.h"
#include "harness.h"
#include "kernel.h"
#include "modules.h"
#include "session.h"
#include "tasks.h"
#include "vmcore/elf.h"
#include "vmcore/file.h"
#include "vmcore/kdump.h"

#define FIXTURE "arm64-6.1-4k48"
#define NR_SAMPLES 256

static void matrix_row(const char *kind, const char *format, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void matrix_row(const char *kind, const char *format, const char *fmt, ...)
{
	char result[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(result, sizeof(result), fmt, ap);
	va_end(ap);
	printf("damage-matrix: | %-30s | %-22s | %s |\n", kind, format, result);
}

/* A file's bytes [0, LEN) copied to DST (created or truncated). */
static bool copy_prefix(const char *src, const char *dst, uint64_t len)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok = in >= 0 && out >= 0;
	while (ok && len) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, len, 0);
		ok = n > 0;
		len -= ok ? (uint64_t)n : 0;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ok;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static bool patch_file(const char *path, uint64_t offset, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && pwrite(fd, bytes, len, (off_t)offset) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool read_file_at(const char *path, uint64_t offset, void *bytes, size_t len)
{
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, bytes, len, (off_t)offset) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Pages of the intact dump, spread over its ranges, and their contents. */
struct samples {
	size_t nr;
	uint32_t page_size;
	uint64_t paddr[NR_SAMPLES];
	uint8_t *data; /* nr * page_size */
};

static void take_samples(struct kc_dump *dump, struct samples *s)
{
	/* Count the stored pages on a grid, then take every m-th. */
	uint64_t total = 0, present = 0;
	for (size_t r = 0; r < dump->nr_ranges; r++)
		total += (dump->ranges[r].end - dump->ranges[r].start) / dump->page_size;
	uint64_t grid = (total / 65536 + 1) * dump->page_size;
	for (size_t r = 0; r < dump->nr_ranges; r++)
		for (uint64_t p = dump->ranges[r].start; p < dump->ranges[r].end; p += grid)
			present += kc_dump_page_state(dump, p) == KC_PAGE_PRESENT;
	uint64_t every = present / NR_SAMPLES + 1, seen = 0;
	s->nr = 0;
	s->page_size = dump->page_size;
	s->data = malloc((size_t)NR_SAMPLES * dump->page_size);
	for (size_t r = 0; r < dump->nr_ranges; r++) {
		for (uint64_t p = dump->ranges[r].start; p < dump->ranges[r].end && s->nr < NR_SAMPLES;
		     p += grid) {
			uint64_t page = p - p % dump->page_size;
			if (kc_dump_page_state(dump, page) != KC_PAGE_PRESENT || seen++ % every)
				continue;
			struct kc_error *err = kc_dump_read_phys(dump, page,
				s->data + s->nr * dump->page_size, dump->page_size);
			if (err) {
				kc_error_destroy(err);
				continue;
			}
			s->paddr[s->nr++] = page;
		}
	}
}

/* MSG without the scratch directory, shortened to MAX characters. */
static void tidy(char *msg, size_t max)
{
	const char *dir = kc_test_scratch_dir();
	for (char *at; (at = strstr(msg, dir));)
		memmove(at, at + strlen(dir) + 1, strlen(at + strlen(dir) + 1) + 1);
	if (strlen(msg) > max)
		strcpy(msg + max - 3, "...");
}

struct verdict {
	size_t readable, refused, wrong;
	bool refused_reachable; /* a page the damage did not touch was refused */
	char first_error[160];
};

/*
 * Read every sample from DAMAGED: a page read must be the intact page.
 * REACHABLE(i) says whether sample i's bytes are untouched by the damage
 * (then it must be readable); NULL when that cannot be said.
 */
static struct verdict compare_samples(struct kc_dump *damaged, const struct samples *s,
				      bool (*reachable)(size_t i, void *arg), void *arg)
{
	struct verdict v = {0};
	uint8_t *page = malloc(s->page_size);
	for (size_t i = 0; i < s->nr; i++) {
		struct kc_error *err = kc_dump_read_phys(damaged, s->paddr[i], page, s->page_size);
		if (err) {
			v.refused++;
			if (!v.first_error[0])
				snprintf(v.first_error, sizeof(v.first_error), "%s",
					 kc_error_message(err));
			CHECK_MSG(kc_error_message(err)[0], "an error without a message");
			if (reachable && reachable(i, arg))
				v.refused_reachable = true;
			kc_error_destroy(err);
		} else if (memcmp(page, s->data + i * s->page_size, s->page_size) != 0) {
			v.wrong++;
		} else {
			v.readable++;
		}
	}
	free(page);
	return v;
}

/* --- Truncation ----------------------------------------------------------- */

struct trunc_ctx {
	struct kc_dump *intact;
	const struct samples *s;
	uint64_t cut;
};

/* Whether sample I's descriptor and data (kdump) lie before the cut. */
static bool kdump_reachable(size_t i, void *arg)
{
	struct trunc_ctx *t = arg;
	struct kc_kdump_page_info info;
	struct kc_error *err = kc_kdump_page_info(t->intact, t->s->paddr[i] / t->s->page_size, &info);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	return info.desc_offset + 24 <= t->cut && info.file_offset + info.size <= t->cut;
}

/* Whether sample I's bytes (ELF) lie before the cut. */
static bool elf_reachable(size_t i, void *arg)
{
	struct trunc_ctx *t = arg;
	const struct kc_elf_segment *segs;
	size_t n = kc_elf_dump_segments(t->intact, &segs);
	uint64_t paddr = t->s->paddr[i];
	for (size_t j = 0; j < n; j++)
		if (paddr >= segs[j].paddr && paddr - segs[j].paddr < segs[j].filesz)
			return segs[j].offset + (paddr - segs[j].paddr) + t->s->page_size <= t->cut;
	return false;
}

struct cut {
	const char *where;
	uint64_t offset;
};

static void check_truncated(const char *format, const char *copy, struct kc_dump *intact,
			    const struct samples *s, const struct cut *cut,
			    bool (*reachable)(size_t, void *))
{
	struct kc_dump *dump;
	struct kc_error *err = kc_dump_open(copy, NULL, &dump);
	char kind[96];
	snprintf(kind, sizeof(kind), "truncated in %s", cut->where);
	if (err) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%s", kc_error_message(err));
		CHECK_MSG(msg[0] && (strstr(msg, "offset") || strstr(msg, "0x")),
			  "%s %s: message names no offset: %s", format, kind, msg);
		/* Past the headers the dump must open: its pages are there. */
		CHECK_MSG(!reachable || cut->offset < intact->page_size * 4 ||
			  !reachable(0, &(struct trunc_ctx){intact, s, cut->offset}),
			  "%s %s (0x%llx): open failed: %s", format, kind,
			  (unsigned long long)cut->offset, msg);
		tidy(msg, 90);
		matrix_row(kind, format, "open fails: %s", msg);
		kc_error_destroy(err);
		return;
	}
	struct trunc_ctx t = {intact, s, cut->offset};
	struct verdict v = compare_samples(dump, s, reachable, &t);
	CHECK_MSG(v.wrong == 0, "%s %s: %zu sampled pages read wrong", format, kind, v.wrong);
	CHECK_MSG(!v.refused_reachable, "%s %s (0x%llx): a page before the cut was refused: %s",
		  format, kind, (unsigned long long)cut->offset, v.first_error);
	char msg[160];
	snprintf(msg, sizeof(msg), "%s", v.first_error);
	tidy(msg, 70);
	matrix_row(kind, format, "opens%s; %zu/%zu sampled pages read right, %zu wrong, rest refused%s%s",
		   dump->nr_warnings ? " with a warning" : "", v.readable, s->nr, v.wrong,
		   msg[0] ? ": " : "", msg);
	kc_dump_close(dump);
}

/* Offsets of a kdump-compressed file's parts, from its own header. */
static size_t kdump_cuts(const char *path, struct kc_dump *intact, struct cut *cuts)
{
	uint8_t dh[464];
	if (!read_file_at(path, 0, dh, sizeof(dh)))
		return 0;
	uint64_t block = kc_get_le32(dh + 428), sub_blocks = kc_get_le32(dh + 432);
	uint64_t bitmap_blocks = kc_get_le32(dh + 436);
	uint64_t bitmap1 = block * (1 + sub_blocks), bitmap2 = bitmap1 + bitmap_blocks * block / 2;
	uint64_t descs = bitmap1 + bitmap_blocks * block;
	uint64_t first_data = 0;
	for (uint64_t pfn = 0; pfn < kc_kdump_max_pfn(intact) && !first_data; pfn++) {
		struct kc_kdump_page_info info;
		struct kc_error *err = kc_kdump_page_info(intact, pfn, &info);
		if (!err)
			first_data = info.file_offset;
		kc_error_destroy(err);
	}
	uint64_t size = file_size(path);
	size_t n = 0;
	cuts[n++] = (struct cut){"disk_dump_header", 100};
	cuts[n++] = (struct cut){"kdump_sub_header", block + 20};
	cuts[n++] = (struct cut){"the 1st bitmap", bitmap1 + 64};
	cuts[n++] = (struct cut){"the 2nd bitmap", bitmap2 + 64};
	cuts[n++] = (struct cut){"page descriptors", descs + 24 * 100 + 7};
	cuts[n++] = (struct cut){"the first page's data", first_data + 10};
	cuts[n++] = (struct cut){"page data at 25%", size / 4};
	cuts[n++] = (struct cut){"page data at 75%", size / 4 * 3};
	cuts[n++] = (struct cut){"the last byte", size - 1};
	return n;
}

static void truncate_kdump(const char *fixture, const char *file, const char *format)
{
	KC_FIXTURE_OR_RETURN(path, fixture, file);
	struct kc_dump *intact;
	REQUIRE_OK(kc_dump_open(path, NULL, &intact));
	struct samples s;
	take_samples(intact, &s);
	REQUIRE(s.nr > 16);
	struct cut cuts[16];
	size_t nr_cuts = kdump_cuts(path, intact, cuts);
	REQUIRE(nr_cuts);
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/damage-trunc.kdump", kc_test_scratch_dir());
	for (size_t i = 0; i < nr_cuts; i++) {
		REQUIRE(copy_prefix(path, copy, cuts[i].offset));
		check_truncated(format, copy, intact, &s, &cuts[i], kdump_reachable);
	}
	unlink(copy);
	free(s.data);
	kc_dump_close(intact);
}

KC_TEST(damage_truncate_kdump_zstd) { truncate_kdump(FIXTURE, "vmcore.kdump-zstd", "kdump zstd 4K"); }
KC_TEST(damage_truncate_kdump_lzo) { truncate_kdump(FIXTURE, "vmcore.kdump-lzo", "kdump lzo 4K"); }
KC_TEST(damage_truncate_kdump_zlib_64k) { truncate_kdump("arm64-6.1-64k52", "vmcore.kdump-zlib", "kdump zlib 64K"); }

KC_TEST(damage_truncate_flattened)
{
	KC_FIXTURE_OR_RETURN(path, FIXTURE, "qemu.kdump-zlib.flat");
	struct kc_dump *intact;
	REQUIRE_OK(kc_dump_open(path, NULL, &intact));
	struct samples s;
	take_samples(intact, &s);
	REQUIRE(s.nr > 16);
	uint64_t size = file_size(path);
	const struct cut cuts[] = {
		{"flattened header", 100},
		{"the first record header", 4096 + 8},
		{"the first record's data", 4096 + 16 + 200},
		{"records at 10%", size / 10},
		{"records at 50%", size / 2},
		{"records at 90%", size / 10 * 9},
		{"the end marker", size - 8},
	};
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/damage-trunc.flat", kc_test_scratch_dir());
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		REQUIRE(copy_prefix(path, copy, cuts[i].offset));
		/* Where a flattened record lands is the index's job: only correctness is checked. */
		check_truncated("flattened kdump zlib", copy, intact, &s, &cuts[i], NULL);
	}
	unlink(copy);
	free(s.data);
	kc_dump_close(intact);
}

KC_TEST(damage_truncate_elf)
{
	KC_FIXTURE_OR_RETURN(path, FIXTURE, "vmcore.elf.zst");
	struct kc_dump *intact;
	REQUIRE_OK(kc_dump_open(path, NULL, &intact));
	struct samples s;
	take_samples(intact, &s);
	REQUIRE(s.nr > 16);
	const struct kc_elf_segment *segs;
	size_t nr_segs = kc_elf_dump_segments(intact, &segs);
	REQUIRE(nr_segs > 0);
	uint8_t ehdr[64];
	REQUIRE(read_file_at(path, 0, ehdr, sizeof(ehdr)));
	uint64_t phoff = kc_get_le64(ehdr + 32), phnum = kc_get_le16(ehdr + 56);
	uint64_t first_load = UINT64_MAX;
	for (size_t i = 0; i < nr_segs; i++)
		if (segs[i].offset < first_load)
			first_load = segs[i].offset;
	uint64_t size = file_size(path);
	/* Largest first: one copy, shortened in place. */
	const struct cut cuts[] = {
		{"the last byte", size - 1},
		{"PT_LOAD data at 75%", size / 4 * 3},
		{"PT_LOAD data at 25%", size / 4},
		{"the first PT_LOAD's data", first_load + 4096 + 10},
		{"the notes", first_load - 100},
		{"the program headers", phoff + 56 * (phnum / 2) + 3},
		{"the ELF header", 40},
	};
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/damage-trunc.elf", kc_test_scratch_dir());
	REQUIRE(copy_prefix(path, copy, size));
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		REQUIRE(truncate(copy, (off_t)cuts[i].offset) == 0);
		check_truncated("ELF (unfiltered)", copy, intact, &s, &cuts[i], elf_reachable);
	}
	unlink(copy);
	free(s.data);
	kc_dump_close(intact);
}

/* --- Bit flips ------------------------------------------------------------ */

struct flip {
	const char *what;
	uint64_t offset;
	unsigned bit;
	uint64_t page; /* the physical page this field describes, or 0 */
};

/* What reading the page a flipped descriptor describes gives. */
static void describe_page(struct kc_dump *intact, struct kc_dump *dump, uint64_t paddr,
			  bool may_be_wrong, char *out, size_t len)
{
	size_t size = dump->page_size;
	uint8_t *want = malloc(size), *got = malloc(size);
	struct kc_error *err = kc_dump_read_phys(intact, paddr, want, size);
	kc_error_destroy(err);
	err = kc_dump_read_phys(dump, paddr, got, size);
	if (err) {
		char msg[120];
		snprintf(msg, sizeof(msg), "%s", kc_error_message(err));
		tidy(msg, 110);
		snprintf(out, len, "; that page refused: %.*s", 110, msg);
		kc_error_destroy(err);
	} else if (memcmp(want, got, size) == 0) {
		snprintf(out, len, "; that page still right");
	} else {
		CHECK_MSG(may_be_wrong, "page 0x%llx read wrong", (unsigned long long)paddr);
		snprintf(out, len, "; that page WRONG");
	}
	free(want);
	free(got);
}

static void check_flips(const char *format, const char *path, const struct flip *flips,
			size_t nr_flips)
{
	struct kc_dump *intact;
	REQUIRE_OK(kc_dump_open(path, NULL, &intact));
	struct samples s;
	take_samples(intact, &s);
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/damage-flip", kc_test_scratch_dir());
	REQUIRE(copy_prefix(path, copy, file_size(path)));
	for (size_t i = 0; i < nr_flips; i++) {
		uint8_t byte, flipped;
		uint64_t at = flips[i].offset + flips[i].bit / 8;
		REQUIRE(read_file_at(copy, at, &byte, 1));
		flipped = byte ^ (uint8_t)(1u << flips[i].bit % 8);
		REQUIRE(patch_file(copy, at, &flipped, 1));
		char kind[96];
		snprintf(kind, sizeof(kind), "bit %u of %s", flips[i].bit, flips[i].what);
		struct kc_dump *dump;
		struct kc_error *err = kc_dump_open(copy, NULL, &dump);
		if (err) {
			char msg[160];
			snprintf(msg, sizeof(msg), "%s", kc_error_message(err));
			CHECK_MSG(msg[0], "%s: empty message", kind);
			tidy(msg, 90);
			matrix_row(kind, format, "open fails: %s", msg);
			kc_error_destroy(err);
		} else {
			struct verdict v = compare_samples(dump, &s, NULL, NULL);
			char msg[160];
			snprintf(msg, sizeof(msg), "%s", v.first_error);
			tidy(msg, 70);
			CHECK_MSG(v.wrong == 0 || flips[i].what[0] == '~',
				  "%s %s: %zu sampled pages read wrong", format, kind, v.wrong);
			char page[200] = "";
			if (flips[i].page)
				describe_page(intact, dump, flips[i].page, flips[i].what[0] == '~',
					      page, sizeof(page));
			matrix_row(kind, format, "opens%s; %zu/%zu sampled pages right, %zu WRONG%s%s%s",
				   dump->nr_warnings ? " with a warning" : "", v.readable, s.nr,
				   v.wrong, msg[0] ? "; refused: " : "", msg, page);
			kc_dump_close(dump);
		}
		REQUIRE(patch_file(copy, at, &byte, 1));
	}
	unlink(copy);
	free(s.data);
	kc_dump_close(intact);
}

KC_TEST(damage_bitflip_kdump)
{
	KC_FIXTURE_OR_RETURN(path, FIXTURE, "vmcore.kdump-zstd");
	struct kc_dump *intact;
	REQUIRE_OK(kc_dump_open(path, NULL, &intact));
	/* The descriptor of the first stored page. */
	struct kc_kdump_page_info info = {0};
	for (uint64_t pfn = 0; pfn < kc_kdump_max_pfn(intact); pfn++) {
		struct kc_error *err = kc_kdump_page_info(intact, pfn, &info);
		kc_error_destroy(err);
		if (!err)
			break;
	}
	kc_dump_close(intact);
	REQUIRE(info.desc_offset);
	uint64_t page = info.pfn * 4096;
	const struct flip flips[] = {
		{"header_version", 8, 4, 0},
		{"block_size", 428, 13, 0},
		{"block_size", 428, 30, 0},
		{"sub_hdr_size", 432, 10, 0},
		{"bitmap_blocks", 436, 20, 0},
		{"max_mapnr", 440, 31, 0},
		{"nr_cpus", 460, 28, 0},
		{"sub-header offset_vmcoreinfo", 4096 + 32, 40, 0},
		{"sub-header size_vmcoreinfo", 4096 + 40, 30, 0},
		{"sub-header size_note", 4096 + 56, 30, 0},
		/* struct page_desc: offset, size, flags, page_flags. */
		{"page_desc.offset", info.desc_offset, 62, page},
		{"page_desc.size", info.desc_offset + 8, 20, page},
		{"page_desc.size", info.desc_offset + 8, 3, page},
		{"page_desc.flags", info.desc_offset + 12, 0, page},
		{"page_desc.flags", info.desc_offset + 12, 2, page},
	};
	check_flips("kdump zstd 4K", path, flips, sizeof(flips) / sizeof(flips[0]));
}

KC_TEST(damage_bitflip_elf)
{
	KC_FIXTURE_OR_RETURN(path, FIXTURE, "vmcore.elf-d31.zst");
	uint8_t ehdr[64];
	REQUIRE(read_file_at(path, 0, ehdr, sizeof(ehdr)));
	uint64_t phoff = kc_get_le64(ehdr + 32);
	/* phdr 0 is PT_NOTE, phdr 1 the first PT_LOAD (kexec's order). */
	uint64_t load = phoff + 56;
	const struct flip flips[] = {
		{"e_ident class", 4, 1, 0},
		{"e_machine", 18, 3, 0},
		{"e_phoff", 32, 40, 0},
		{"e_phnum", 56, 12, 0},
		{"e_phentsize", 54, 2, 0},
		{"PT_NOTE p_filesz", phoff + 32, 30, 0},
		{"PT_NOTE p_offset", phoff + 8, 45, 0},
		{"PT_LOAD p_filesz", load + 32, 50, 0},
		{"PT_LOAD p_memsz", load + 40, 50, 0},
		/*
		 * ELF has no checksum: a PT_LOAD moved within the file is read
		 * from where it points. '~' marks the flips that cannot be told
		 * from real data, reported in the matrix but not failed.
		 */
		{"~PT_LOAD p_offset", load + 8, 12, 0},
		{"~PT_LOAD p_paddr", load + 24, 13, 0},
	};
	check_flips("ELF -d 31", path, flips, sizeof(flips) / sizeof(flips[0]));
}

/* --- Kernel memory corrupted in an unfiltered ELF copy ------------------- */

static struct kc_session *open_session(const char *vmlinux, const char *dump)
{
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		CHECK_MSG(false, "%s: %s", dump, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

/* The file offset holding kernel virtual address VADDR in an ELF dump. */
static bool elf_offset_of(struct kc_session *session, uint64_t vaddr, uint64_t *offset)
{
	uint64_t paddr;
	struct kc_error *err = kc_arm64_kvtop(session->mmu, vaddr, &paddr);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	const struct kc_elf_segment *segs;
	size_t n = kc_elf_dump_segments(session->dump, &segs);
	for (size_t i = 0; i < n; i++)
		if (paddr >= segs[i].paddr && paddr - segs[i].paddr < segs[i].filesz) {
			*offset = segs[i].offset + (paddr - segs[i].paddr);
			return true;
		}
	return false;
}

/* The unfiltered ELF fixture, copied once for the corruption tests. */
static const char *elf_copy(void)
{
	static char copy[4096];
	const char *path = kc_test_fixture(FIXTURE, "vmcore.elf.zst");
	if (!path)
		return NULL;
	snprintf(copy, sizeof(copy), "%s/damage-memory.elf", kc_test_scratch_dir());
	if (file_size(copy) != file_size(path) && !copy_prefix(path, copy, file_size(path)))
		return NULL;
	return copy;
}

/* Write VALUE over the u64 at VADDR in COPY; the old value in *OLD. */
static bool poke_u64(struct kc_session *session, const char *copy, uint64_t vaddr,
		     uint64_t value, uint64_t *old, uint64_t *offset)
{
	if (!elf_offset_of(session, vaddr, offset) || !read_file_at(copy, *offset, old, 8))
		return false;
	return patch_file(copy, *offset, &value, 8);
}

static char *run_kcrash(const char *vmlinux, const char *dump, const char *cmd, char **err)
{
	char args[8192];
	snprintf(args, sizeof(args), "-s -c '%s' '%s' '%s'", cmd, vmlinux, dump);
	char *out = NULL;
	kc_test_run_kcrash(args, &out, err);
	return out ? out : strdup("");
}

/* Whether every line of PART that starts with a digit or space (a table row) is in WHOLE. */
static bool rows_in(const char *part, const char *whole, const char *skip_prefix)
{
	char *copy = strdup(part);
	bool ok = true;
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		if (skip_prefix && !strncmp(line, skip_prefix, strlen(skip_prefix)))
			continue;
		if (!strstr(whole, line)) {
			printf("    row not in the intact output: %s\n", line);
			ok = false;
		}
	}
	free(copy);
	return ok;
}

static size_t count_lines(const char *text, const char *skip_prefix)
{
	size_t n = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		if (!skip_prefix || strncmp(p, skip_prefix, strlen(skip_prefix)))
			n++;
		p = nl ? nl + 1 : p + strlen(p);
	}
	return n;
}

KC_TEST(damage_task_list_cycle)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FIXTURE);
	const char *copy = elf_copy();
	REQUIRE(vmlinux && copy);
	struct kc_session *session = open_session(vmlinux, copy);
	REQUIRE(session);
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char *fact = kc_test_fact(FIXTURE, "user.kc_sleeper.pid");
	const struct kc_task *sleeper = kc_task_by_pid(list, fact ? atoi(fact) : -1);
	const struct kc_task *init = kc_task_by_pid(list, 1);
	free(fact);
	REQUIRE(sleeper && init);
	const struct kc_kernel_member *tasks;
	REQUIRE_OK(kc_kernel_member(session, "struct task_struct", "tasks", &tasks));
	/* kc_sleeper's tasks.next back to init's: init .. kc_sleeper loop forever. */
	uint64_t old, offset;
	REQUIRE(poke_u64(session, copy, sleeper->task + tasks->offset,
			 init->task + tasks->offset, &old, &offset));
	kc_session_destroy(session);

	char *intact = run_kcrash(vmlinux, kc_test_fixture(FIXTURE, "vmcore.elf.zst"), "ps", NULL);
	char *err = NULL;
	char *out = run_kcrash(vmlinux, copy, "ps; sys", &err);
	patch_file(copy, offset, &old, 8);
	const char *warning = strstr(out, "WARNING: init_task.tasks");
	CHECK_MSG(warning && strstr(warning, "cycle"), "ps printed no cycle warning:\n%s%s", out, err);
	CHECK_MSG(strstr(out, "kc_sleeper"), "the tasks before the cycle are missing:\n%s", out);
	/* Every row printed is a row of the intact dump's ps; some are missing. */
	char *rows = strndup(out, warning ? (size_t)(strstr(out, "      KERNEL:") ? strstr(out, "      KERNEL:") - out : (long)strlen(out)) : strlen(out));
	CHECK(rows_in(rows, intact, "WARNING"));
	size_t nr_rows = count_lines(rows, "WARNING"), nr_intact = count_lines(intact, NULL);
	CHECK_MSG(nr_rows < nr_intact && nr_rows > 10, "%zu rows, %zu in the intact ps", nr_rows, nr_intact);
	CHECK_MSG(strstr(out, "RELEASE:"), "sys after ps failed:\n%s", out);
	char msg[200] = "";
	if (warning)
		sscanf(warning, "WARNING: %199[^\n]", msg);
	tidy(msg, 80);
	matrix_row("task list cycle", "ELF (unfiltered)", "ps: %zu of %zu rows (those before the cycle, all right) + WARNING: %s",
		   nr_rows - 1, nr_intact - 1, msg);
	free(rows);
	free(out);
	free(err);
	free(intact);
}

KC_TEST(damage_module_list_unmapped)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FIXTURE);
	const char *copy = elf_copy();
	REQUIRE(vmlinux && copy);
	struct kc_session *session = open_session(vmlinux, copy);
	REQUIRE(session);
	const struct kc_modules *modules;
	REQUIRE_OK(kc_modules_get(session, &modules));
	REQUIRE(modules->nr_modules >= 1);
	const struct kc_module *last = &modules->modules[modules->nr_modules - 1];
	const struct kc_kernel_member *list;
	REQUIRE_OK(kc_kernel_member(session, "struct module", "list", &list));
	uint64_t old, offset;
	/* The last module's list.next into a hole of the vmalloc area. */
	REQUIRE(poke_u64(session, copy, last->addr + list->offset,
			 UINT64_C(0xffff7fff00000000), &old, &offset));
	char last_name[64];
	snprintf(last_name, sizeof(last_name), "%s", last->name);
	size_t nr_modules = modules->nr_modules;
	kc_session_destroy(session);

	char *intact = run_kcrash(vmlinux, kc_test_fixture(FIXTURE, "vmcore.elf.zst"), "mod", NULL);
	char *err = NULL;
	char *out = run_kcrash(vmlinux, copy, "mod; sys", &err);
	patch_file(copy, offset, &old, 8);
	const char *warning = strstr(out, "WARNING: module list broken");
	CHECK_MSG(warning && strstr(warning, last_name), "mod printed:\n%s%s", out, err);
	CHECK_MSG(strstr(out, last_name), "the modules before the break are missing:\n%s", out);
	char *rows = strndup(out, warning ? (size_t)(warning - out) : strlen(out));
	CHECK(rows_in(rows, intact, NULL));
	CHECK_MSG(strstr(out, "RELEASE:"), "sys after mod failed:\n%s", out);
	char msg[200] = "";
	if (warning)
		sscanf(warning, "WARNING: %199[^\n]", msg);
	tidy(msg, 90);
	matrix_row("module list into unmapped memory", "ELF (unfiltered)",
		   "mod: all %zu module(s) before the break, right + WARNING: %s", nr_modules, msg);
	free(rows);
	free(out);
	free(err);
	free(intact);
}

KC_TEST(damage_pte_outside_ram)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FIXTURE);
	const char *copy = elf_copy();
	REQUIRE(vmlinux && copy);
	struct kc_session *session = open_session(vmlinux, copy);
	REQUIRE(session);
	char *fact = kc_test_fact(FIXTURE, "testmod.kthread.stack");
	uint64_t stack = fact ? strtoull(fact, NULL, 16) : 0;
	free(fact);
	REQUIRE(stack);
	struct kc_pgtable_walk walk;
	REQUIRE_OK(kc_arm64_walk(session->mmu, false, 0, stack, &walk));
	REQUIRE(walk.nr_entries > 0 && !walk.is_block);
	const struct kc_pgtable_entry *pte = &walk.entries[walk.nr_entries - 1];
	/* Output address 0xf0_0000_0000 (960 GiB): far above this guest's RAM. */
	uint64_t bad = (pte->value & ~UINT64_C(0x0000fffffffff000)) | UINT64_C(0xf000000000);
	uint64_t pte_vaddr, offset, old;
	REQUIRE_OK(kc_arm64_ptov(session->mmu, pte->paddr, &pte_vaddr));
	REQUIRE(poke_u64(session, copy, pte_vaddr, bad, &old, &offset));
	kc_session_destroy(session);

	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rd %llx 4; rd %llx 4; sys",
		 (unsigned long long)stack, (unsigned long long)stack + 0x1000);
	char *intact = run_kcrash(vmlinux, kc_test_fixture(FIXTURE, "vmcore.elf.zst"), cmd, NULL);
	char *err = NULL;
	char *out = run_kcrash(vmlinux, copy, cmd, &err);
	patch_file(copy, offset, &old, 8);
	char next_page[64];
	snprintf(next_page, sizeof(next_page), "%llx:", (unsigned long long)stack + 0x1000);
	const char *row = strstr(intact, next_page);
	char row_text[256] = "";
	if (row)
		sscanf(row, "%255[^\n]", row_text);
	CHECK_MSG(row_text[0] && strstr(out, row_text), "the next page's rd differs:\n%s\nintact:\n%s", out, intact);
	CHECK_MSG(strstr(err, "f000000000"), "rd of the bad page named no physical address:\n%s", err);
	char first[160] = "";
	sscanf(err, "%159[^\n]", first);
	CHECK_MSG(strstr(out, "RELEASE:"), "sys after rd failed:\n%s", out);
	tidy(first, 100);
	matrix_row("PTE pointing outside RAM", "ELF (unfiltered)",
		   "rd of that page: %s; the next page reads right", first);
	free(out);
	free(err);
	free(intact);
}

/* Unwinder plumbing for the kthread: reads through the MMU, its task stack. */
static struct kc_error *read_kvirt(void *arg, uint64_t addr, void *buf, size_t len)
{
	return kc_arm64_read_kvirt(((struct kc_session *)arg)->mmu, addr, buf, len);
}

static bool unwind_kthread(struct kc_session *session, uint64_t task, uint64_t stack,
			   struct kc_arm64_unwind *unwind)
{
	struct kc_arm64_unwind_input in = {0};
	struct kc_error *err = kc_kernel_read_member(session, task, "struct task_struct",
						     "thread.cpu_context.fp", &in.regs.x[29]);
	if (!err)
		err = kc_kernel_read_member(session, task, "struct task_struct",
					    "thread.cpu_context.sp", &in.regs.sp);
	if (!err)
		err = kc_kernel_read_member(session, task, "struct task_struct",
					    "thread.cpu_context.pc", &in.regs.pc);
	if (err) {
		CHECK_MSG(false, "%s", kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	struct kc_arm64_stack task_stack = {KC_ARM64_STACK_TASK, stack, stack + 16384}; /* THREAD_SIZE, v6.1 4K */
	in.stacks = &task_stack;
	in.nr_stacks = 1;
	in.va_bits = 48;
	in.pt_regs_size = 336;            /* sizeof(struct pt_regs), v6.1 */
	in.pt_regs_stackframe_offset = 304;
	in.read = read_kvirt;
	in.arg = session;
	err = kc_arm64_unwind(&in, unwind);
	if (err) {
		CHECK_MSG(false, "%s", kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	return true;
}

KC_TEST(damage_stack_fp_loop)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FIXTURE);
	const char *copy = elf_copy();
	REQUIRE(vmlinux && copy);
	struct kc_session *session = open_session(vmlinux, copy);
	REQUIRE(session);
	char *task_fact = kc_test_fact(FIXTURE, "testmod.kthread.task");
	char *stack_fact = kc_test_fact(FIXTURE, "testmod.kthread.stack");
	uint64_t task = task_fact ? strtoull(task_fact, NULL, 16) : 0;
	uint64_t stack = stack_fact ? strtoull(stack_fact, NULL, 16) : 0;
	free(task_fact);
	free(stack_fact);
	REQUIRE(task && stack);
	struct kc_arm64_unwind intact;
	REQUIRE(unwind_kthread(session, task, stack, &intact));
	REQUIRE(intact.nr_frames >= 4);
	/* Frame 2's record points back to frame 1's: fp 1 -> 2 -> 1 -> ... */
	uint64_t old, offset;
	REQUIRE(poke_u64(session, copy, intact.frames[2].fp, intact.frames[1].fp, &old, &offset));
	kc_session_destroy(session);

	session = open_session(vmlinux, copy);
	struct kc_arm64_unwind looped = {0};
	bool ok = session && unwind_kthread(session, task, stack, &looped);
	/* The same through bt: the frames before the loop, then why it stopped. */
	char *pid = kc_test_fact(FIXTURE, "testmod.kthread.pid"), cmd[64];
	snprintf(cmd, sizeof(cmd), "bt %s", pid ? pid : "44");
	free(pid);
	char *bt_err = NULL;
	char *bt_out = run_kcrash(vmlinux, copy, cmd, &bt_err);
	char *bt_intact = run_kcrash(vmlinux, kc_test_fixture(FIXTURE, "vmcore.elf.zst"), cmd, NULL);
	patch_file(copy, offset, &old, 8);
	/* bt prints "#N [sp] func at pc": frames 0..2 as in the intact dump. */
	for (int n = 0; n < 3; n++) {
		char tag[8], line[256] = "";
		snprintf(tag, sizeof(tag), "#%d ", n);
		const char *at = strstr(bt_intact, tag);
		if (at)
			sscanf(at, "%255[^\n]", line);
		CHECK_MSG(line[0] && strstr(bt_out, line), "bt frame %d differs:\n%s\nintact:\n%s", n,
			  bt_out, bt_intact);
	}
	CHECK_MSG(!strstr(bt_out, "#8 "), "bt went on past the loop:\n%s", bt_out);
	CHECK_MSG(strstr(bt_out, "unwind stopped") || (bt_err && strstr(bt_err, "unwind stopped")),
		  "bt said nothing about the loop:\n%s%s",
		  bt_out, bt_err ? bt_err : "");
	free(bt_out);
	free(bt_err);
	free(bt_intact);
	if (ok) {
		CHECK_MSG(looped.end == KC_ARM64_UNWIND_ERROR, "end %s: %s",
			  kc_arm64_unwind_end_name(looped.end), looped.reason);
		CHECK_MSG(looped.reason[0], "no reason given");
		CHECK_MSG(looped.nr_frames >= 3 && looped.nr_frames < intact.nr_frames + 2,
			  "%zu frames (intact: %zu)", looped.nr_frames, intact.nr_frames);
		size_t same = 0;
		while (same < looped.nr_frames && same < intact.nr_frames &&
		       looped.frames[same].pc == intact.frames[same].pc &&
		       looped.frames[same].fp == intact.frames[same].fp)
			same++;
		CHECK_MSG(same >= 3, "only %zu frames before the loop match", same);
		char reason[256];
		snprintf(reason, sizeof(reason), "%s", looped.reason);
		tidy(reason, 90);
		matrix_row("stack frame pointers loop", "ELF (unfiltered)",
			   "unwind and bt: %zu frames (first %zu as intact), then error: %s",
			   looped.nr_frames, same, reason);
		kc_arm64_unwind_free(&looped);
	}
	kc_arm64_unwind_free(&intact);
	kc_session_destroy(session);
}
