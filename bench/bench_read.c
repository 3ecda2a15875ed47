/* SPDX-License-Identifier: MIT */
/*
 * kcrash-bench-read: how fast kcrash reads a whole dump, next to the physical
 * limit (the page codec alone on the same stored bytes) and libkdumpfile.
 *
 * For one dump file: list every present page (kc_dump_page_state over
 * dump->ranges in dump->page_size steps), then, best of N repetitions:
 *
 *   kcrash   kc_dump_read_phys of every present page, one call per page, on
 *            a dump opened afresh each repetition (open not timed), with the
 *            default decompressed-page cache (64 MiB) on. Each pfn is read once
 *            per repetition, so the cache only hits on stored pages shared by
 *            several pfns (makedumpfile's / QEMU's one zero page).
 *   raw      the codec alone (kc_codec_decompress with a reused context) on
 *            the stored bytes of exactly those pages; a stored page shared by
 *            several pfns is decompressed once per repetition and copied for
 *            the others (what any reader must at least do). ELF dumps have no
 *            codec: "raw" is memcpy from the file mapping (memset for the part
 *            of a segment past p_filesz). Plain files are mapped afresh each
 *            repetition, like kcrash's; flattened files are read from a copy
 *            of the stored bytes made before timing.
 *   lkdf     libkdumpfile (when built with it): kdump_read(KDUMP_KPHYSADDR)
 *            per page, a fresh context each repetition (open not timed).
 *
 * Output goes to the same page-sized buffer in all three. Before timing, one
 * pass reads every page through all three and compares the bytes; every
 * difference is counted and the first few are printed as MISMATCH lines
 * (exit status 1). Pages libkdumpfile fails to read are MISMATCH lines too,
 * and then libkdumpfile is not timed (lkdf_status=read-errors).
 *
 * Output: one machine-readable line starting with "dump=" (key=value, values
 * without spaces), then a small human table. MB = 10^6 bytes of uncompressed
 * output. Ratios are time ratios: kcrash_raw = kcrash time / raw time (target
 * <= 1.3), kcrash_lkdf = kcrash time / libkdumpfile time (target < 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmcore/codec.h"
#include "vmcore/dump.h"
#include "vmcore/elf.h"
#include "vmcore/kdump.h"

#ifdef KCRASH_HAVE_LIBKDUMPFILE
#include <libkdumpfile/kdumpfile.h>
#endif

#define MAX_MISMATCH_LINES 10

/* One present page, or the part of it inside a dump range. */
struct page {
	uint64_t paddr;
	uint32_t len;
	/* raw, kdump: the stored bytes */
	uint32_t stored_size;
	uint64_t stored_offset;  /* file offset (plain files) */
	const uint8_t *stored;   /* arena copy (flattened files) */
	enum kc_codec codec;
	int32_t shared;          /* index into the shared-page copies, or -1 */
	/* raw, ELF: ops[op_first .. op_first + nr_ops) */
	uint32_t op_first;
	uint32_t nr_ops;
};

/* ELF raw: copy LEN bytes from the file at OFFSET, or zero them. */
struct elf_op {
	uint64_t offset; /* UINT64_MAX: zeros */
	uint64_t len;
};

struct bench {
	const char *path;
	unsigned reps;
	bool use_lkdf;
	bool kcrash_only;      /* -K: time kcrash alone (for profiling) */
	struct kc_dump_options opts;

	struct kc_dump *dump;  /* open for the whole run: listing, raw data */
	uint32_t page_size;
	bool is_kdump;
	const char *codec_name;

	struct page *pages;
	size_t nr_pages;       /* pieces listed */
	size_t full_pages;     /* of them, whole pages */
	uint64_t bytes;        /* sum of their lengths */
	size_t distinct_stored;
	size_t shared_pfns;    /* pfns whose stored page other pfns use too */
	size_t nr_shared;      /* distinct shared stored pages */
	uint8_t *shared_copies;
	bool raw_from_arena;   /* flattened file: stored bytes copied */
	uint8_t *arena;
	struct elf_op *ops;
	size_t nr_ops;

	uint8_t *out;          /* page-sized destination */
	struct kc_codec_ctx *codec;

	/* results, seconds; < 0 means not measured */
	double t_kcrash, t_raw, t_raw_every, t_lkdf, t_open;
	uint64_t cache_hits, cache_misses;
	uint64_t lkdf_errors, mismatch_lkdf, mismatch_raw, kcrash_errors;
	const char *lkdf_status; /* "ok", "refused", "disabled", "not-built" */
	char lkdf_note[256];
	bool lkdf_arch_forced;
};

static void die(const char *what, struct kc_error *err)
{
	fprintf(stderr, "kcrash-bench-read: %s: %s\n", what,
		err ? kc_error_message(err) : strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "kcrash-bench-read: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "kcrash-bench-read: out of memory\n");
		exit(2);
	}
	return p;
}

static void mismatch(struct bench *b, uint64_t *count, const char *what,
		     const struct page *pg, const uint8_t *x, const uint8_t *y)
{
	if (++*count > MAX_MISMATCH_LINES)
		return;
	size_t at = 0;
	while (at < pg->len && x[at] == y[at])
		at++;
	printf("MISMATCH %s: %s: page at physical 0x%" PRIx64 " (%u bytes) differs first at byte 0x%zx\n",
	       b->path, what, pg->paddr, pg->len, at);
	fprintf(stderr, "MISMATCH %s: %s: page at physical 0x%" PRIx64 " differs first at byte 0x%zx\n",
		b->path, what, pg->paddr, at);
}

/* Listing */

static void add_page(struct bench *b, size_t *cap, uint64_t paddr,
		     uint32_t len)
{
	if (b->nr_pages == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		b->pages = xrealloc(b->pages, *cap * sizeof(*b->pages));
	}
	b->pages[b->nr_pages++] = (struct page){
		.paddr = paddr, .len = len, .shared = -1,
	};
	b->bytes += len;
	if (len == b->page_size)
		b->full_pages++;
}

static void list_pages(struct bench *b)
{
	size_t cap = 0;
	uint64_t ps = b->page_size;
	for (size_t r = 0; r < b->dump->nr_ranges; r++) {
		const struct kc_dump_range *range = &b->dump->ranges[r];
		for (uint64_t page = range->start & ~(ps - 1); page < range->end;
		     page += ps) {
			uint64_t from = page < range->start ? range->start : page;
			uint64_t to = page + ps < range->end ? page + ps : range->end;
			if (kc_dump_page_state(b->dump, from) != KC_PAGE_PRESENT)
				continue;
			add_page(b, &cap, from, (uint32_t)(to - from));
		}
	}
}

struct stored_key {
	unsigned file;
	uint64_t offset;
	size_t page;
};

static int cmp_key(const void *a, const void *b)
{
	const struct stored_key *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->page < y->page ? -1 : x->page > y->page;
}

/* kdump: where each page is stored; which stored pages are shared. */
static void locate_kdump(struct bench *b)
{
	struct stored_key *keys = xmalloc(b->nr_pages * sizeof(*keys));
	uint8_t *tmp = xmalloc(2 * (size_t)b->page_size + 64);
	size_t arena_cap = 0, arena_used = 0;
	size_t *arena_at = NULL;
	b->raw_from_arena = b->dump->flattened;
	if (b->raw_from_arena)
		arena_at = xmalloc(b->nr_pages * sizeof(*arena_at));
	unsigned shift = (unsigned)__builtin_ctz(b->page_size);
	for (size_t i = 0; i < b->nr_pages; i++) {
		struct page *pg = &b->pages[i];
		struct kc_kdump_page_info info;
		struct kc_error *err = kc_kdump_page_info(b->dump, pg->paddr >> shift,
							  &info);
		if (err)
			die("kc_kdump_page_info", err);
		pg->stored_size = info.size;
		pg->stored_offset = info.file_offset;
		pg->codec = info.codec;
		keys[i] = (struct stored_key){info.file_index, info.file_offset, i};
		if (b->raw_from_arena) {
			const uint8_t *p = kc_kdump_stored_data(b->dump, &info, tmp, &err);
			if (!p)
				die("kc_kdump_stored_data", err);
			if (arena_used + info.size > arena_cap) {
				arena_cap = (arena_cap + info.size) * 2;
				b->arena = xrealloc(b->arena, arena_cap);
			}
			memcpy(b->arena + arena_used, p, info.size);
			arena_at[i] = arena_used;
			arena_used += info.size;
		}
	}
	if (b->raw_from_arena)
		for (size_t i = 0; i < b->nr_pages; i++)
			b->pages[i].stored = b->arena + arena_at[i];
	free(arena_at);
	free(tmp);

	qsort(keys, b->nr_pages, sizeof(*keys), cmp_key);
	for (size_t i = 0; i < b->nr_pages;) {
		size_t j = i + 1;
		while (j < b->nr_pages && keys[j].file == keys[i].file &&
		       keys[j].offset == keys[i].offset)
			j++;
		b->distinct_stored++;
		if (j - i > 1) {
			for (size_t k = i; k < j; k++)
				b->pages[keys[k].page].shared = (int32_t)b->nr_shared;
			b->shared_pfns += j - i;
			b->nr_shared++;
		}
		i = j;
	}
	free(keys);
	b->shared_copies = xmalloc(b->nr_shared * (size_t)b->page_size);
}

/* ELF: the file runs (or zeros) each page is made of. */
static void locate_elf(struct bench *b)
{
	const struct kc_elf_segment *segs;
	size_t nr_segs = kc_elf_dump_segments(b->dump, &segs);
	size_t cap = 0;
	b->raw_from_arena = false;
	for (size_t i = 0; i < b->nr_pages; i++) {
		struct page *pg = &b->pages[i];
		pg->op_first = (uint32_t)b->nr_ops;
		uint64_t addr = pg->paddr, end = pg->paddr + pg->len;
		while (addr < end) {
			/*
			 * Where segments overlap, the bytes come from the
			 * lowest-indexed segment with file bytes there (the
			 * reader's rule), else from one that says zeros/excluded.
			 */
			const struct kc_elf_segment *seg = NULL;
			uint64_t limit = end;
			for (size_t s = 0; s < nr_segs; s++) {
				const struct kc_elf_segment *c = &segs[s];
				if (c->paddr > addr) {
					if (c->paddr < limit)
						limit = c->paddr;
					continue;
				}
				if (addr - c->paddr >= c->memsz)
					continue;
				bool file = addr - c->paddr < c->file_avail;
				if (!seg || (file && !(addr - seg->paddr < seg->file_avail)))
					seg = c;
			}
			if (!seg) {
				fprintf(stderr, "kcrash-bench-read: %s: no PT_LOAD holds present physical 0x%" PRIx64 "\n",
					b->path, addr);
				exit(2);
			}
			uint64_t in_seg = addr - seg->paddr;
			uint64_t run = seg->memsz - in_seg;
			struct elf_op op;
			if (in_seg < seg->file_avail) {
				op.offset = seg->offset + in_seg;
				if (seg->file_avail - in_seg < run)
					run = seg->file_avail - in_seg;
			} else {
				op.offset = UINT64_MAX;
				if (seg->file_avail > in_seg && seg->file_avail - in_seg < run)
					run = seg->file_avail - in_seg;
			}
			op.len = run < limit - addr ? run : limit - addr;
			if (b->nr_ops == cap) {
				cap = cap ? cap * 2 : 4096;
				b->ops = xrealloc(b->ops, cap * sizeof(*b->ops));
			}
			b->ops[b->nr_ops++] = op;
			pg->nr_ops++;
			addr += op.len;
		}
		if (pg->nr_ops == 1 && b->ops[pg->op_first].offset != UINT64_MAX)
			b->distinct_stored++;
	}
}

/* kcrash */

static struct kc_dump *open_kcrash(struct bench *b)
{
	struct kc_dump *dump;
	struct kc_error *err = kc_dump_open(b->path, &b->opts, &dump);
	if (err)
		die(b->path, err);
	return dump;
}

static double time_kcrash(struct bench *b)
{
	double t_open0 = now();
	struct kc_dump *dump = open_kcrash(b);
	double t0 = now();
	for (size_t i = 0; i < b->nr_pages; i++) {
		struct kc_error *err = kc_dump_read_phys(dump, b->pages[i].paddr,
							 b->out, b->pages[i].len);
		if (err)
			die("kc_dump_read_phys", err);
	}
	double t = now() - t0;
	double t_open = t0 - t_open0;
	if (b->t_open < 0 || t_open < b->t_open)
		b->t_open = t_open;
	b->cache_hits = dump->cache_hits;
	b->cache_misses = dump->cache_misses;
	kc_dump_close(dump);
	return t;
}

/* raw */

struct mapping {
	const uint8_t *base;
	size_t size;
};

static struct mapping map_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path, NULL);
	struct stat st;
	if (fstat(fd, &st) < 0)
		die(path, NULL);
	struct mapping m = {NULL, (size_t)st.st_size};
	void *p = mmap(NULL, m.size ? m.size : 1, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die(path, NULL);
	close(fd);
	m.base = p;
	return m;
}

static void unmap_file(struct mapping m)
{
	munmap((void *)m.base, m.size ? m.size : 1);
}

static const uint8_t *stored_ptr(const struct bench *b, const struct page *pg,
				 const struct mapping *m)
{
	if (b->raw_from_arena)
		return pg->stored;
	if (pg->stored_offset > m->size || pg->stored_size > m->size - pg->stored_offset) {
		fprintf(stderr, "kcrash-bench-read: %s: stored page at 0x%" PRIx64 " past the end of the file\n",
			b->path, pg->stored_offset);
		exit(2);
	}
	return m->base + pg->stored_offset;
}

/* Produce page PG into OUT the cheapest way; SEEN marks shared pages done. */
static void raw_page(struct bench *b, const struct page *pg,
		     const struct mapping *m, uint8_t *out, uint8_t *seen,
		     bool dedup)
{
	if (!b->is_kdump) {
		const struct elf_op *op = &b->ops[pg->op_first];
		uint8_t *o = out;
		for (uint32_t k = 0; k < pg->nr_ops; k++, op++) {
			if (op->offset == UINT64_MAX)
				memset(o, 0, op->len);
			else
				memcpy(o, m->base + op->offset, op->len);
			o += op->len;
		}
		return;
	}
	if (dedup && pg->shared >= 0) {
		uint8_t *copy = b->shared_copies + (size_t)pg->shared * b->page_size;
		if (seen[pg->shared]) {
			memcpy(out, copy, b->page_size);
			return;
		}
		struct kc_error *err = kc_codec_decompress(b->codec, pg->codec,
							   stored_ptr(b, pg, m),
							   pg->stored_size, copy,
							   b->page_size);
		if (err)
			die("kc_codec_decompress", err);
		seen[pg->shared] = 1;
		memcpy(out, copy, b->page_size);
		return;
	}
	struct kc_error *err = kc_codec_decompress(b->codec, pg->codec,
						   stored_ptr(b, pg, m),
						   pg->stored_size, out,
						   b->page_size);
	if (err)
		die("kc_codec_decompress", err);
}

static double time_raw(struct bench *b, bool dedup)
{
	struct mapping m = {NULL, 0};
	if (!b->raw_from_arena)
		m = map_file(b->path);
	uint8_t *seen = calloc(b->nr_shared ? b->nr_shared : 1, 1);
	if (!seen)
		die("calloc", NULL);
	double t0 = now();
	for (size_t i = 0; i < b->nr_pages; i++)
		raw_page(b, &b->pages[i], &m, b->out, seen, dedup);
	double t = now() - t0;
	free(seen);
	if (!b->raw_from_arena)
		unmap_file(m);
	return t;
}

/* libkdumpfile */

#ifdef KCRASH_HAVE_LIBKDUMPFILE
struct lkdf {
	kdump_ctx_t *ctx;
	int fd;
};

/* NULL with b->lkdf_note set when libkdumpfile will not read the dump. */
static bool lkdf_open(struct bench *b, struct lkdf *l)
{
	l->fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0)
		die(b->path, NULL);
	l->ctx = kdump_new();
	if (!l->ctx)
		die("kdump_new", NULL);
	kdump_status st = kdump_open_fd(l->ctx, l->fd);
	if (st != KDUMP_OK) {
		snprintf(b->lkdf_note, sizeof(b->lkdf_note), "kdump_open_fd: %s",
			 kdump_get_err(l->ctx));
		goto refused;
	}
	/* QEMU's kdump headers say machine "Unknown": name the arch ourselves. */
	const char *arch = NULL;
	if (kdump_get_string_attr(l->ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK ||
	    !arch) {
		st = kdump_set_string_attr(l->ctx, KDUMP_ATTR_ARCH_NAME,
					   KDUMP_ARCH_AARCH64);
		if (st != KDUMP_OK) {
			snprintf(b->lkdf_note, sizeof(b->lkdf_note),
				 "setting arch.name: %s", kdump_get_err(l->ctx));
			goto refused;
		}
		b->lkdf_arch_forced = true;
	}
	/* Without an OS type even physical reads fail ("Cannot determine VA_BITS"). */
	st = kdump_set_string_attr(l->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK) {
		snprintf(b->lkdf_note, sizeof(b->lkdf_note),
			 "setting addrxlat.ostype: %s", kdump_get_err(l->ctx));
		goto refused;
	}
	return true;
refused:
	kdump_free(l->ctx);
	close(l->fd);
	l->ctx = NULL;
	return false;
}

static void lkdf_close(struct lkdf *l)
{
	kdump_free(l->ctx);
	close(l->fd);
}

static bool lkdf_read(struct lkdf *l, const struct page *pg, uint8_t *out)
{
	size_t len = pg->len;
	return kdump_read(l->ctx, KDUMP_KPHYSADDR, pg->paddr, out, &len) == KDUMP_OK &&
	       len == pg->len;
}

static double time_lkdf(struct bench *b)
{
	struct lkdf l;
	if (!lkdf_open(b, &l))
		return -1;
	double t0 = now();
	for (size_t i = 0; i < b->nr_pages; i++) {
		size_t len = b->pages[i].len;
		/* Failures were counted in the verification pass. */
		(void)kdump_read(l.ctx, KDUMP_KPHYSADDR, b->pages[i].paddr, b->out,
				 &len);
	}
	double t = now() - t0;
	lkdf_close(&l);
	return t;
}
#endif

/* One untimed pass through all three, comparing bytes. */
static void verify(struct bench *b)
{
	uint8_t *kc = xmalloc(b->page_size), *raw = xmalloc(b->page_size);
	uint8_t *lk = xmalloc(b->page_size);
	struct kc_dump *dump = open_kcrash(b);
	struct mapping m = {NULL, 0};
	if (!b->raw_from_arena)
		m = map_file(b->path);
	uint8_t *seen = calloc(b->nr_shared ? b->nr_shared : 1, 1);
	if (!seen)
		die("calloc", NULL);
#ifdef KCRASH_HAVE_LIBKDUMPFILE
	struct lkdf l = {NULL, -1};
	bool have_lkdf = b->use_lkdf && lkdf_open(b, &l);
	b->lkdf_status = !b->use_lkdf ? "disabled" : have_lkdf ? "ok" : "refused";
#endif
	for (size_t i = 0; i < b->nr_pages; i++) {
		const struct page *pg = &b->pages[i];
		struct kc_error *err = kc_dump_read_phys(dump, pg->paddr, kc, pg->len);
		if (err) {
			/* A listed-present page kcrash cannot read: loud. */
			if (++b->kcrash_errors <= MAX_MISMATCH_LINES)
				printf("MISMATCH %s: kcrash cannot read present page 0x%" PRIx64 ": %s\n",
				       b->path, pg->paddr, kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		raw_page(b, pg, &m, raw, seen, true);
		if (memcmp(kc, raw, pg->len))
			mismatch(b, &b->mismatch_raw, "kcrash vs raw codec", pg, kc, raw);
#ifdef KCRASH_HAVE_LIBKDUMPFILE
		if (have_lkdf) {
			if (!lkdf_read(&l, pg, lk)) {
				if (!b->lkdf_errors)
					snprintf(b->lkdf_note, sizeof(b->lkdf_note),
						 "kdump_read at 0x%" PRIx64 ": %s",
						 pg->paddr, kdump_get_err(l.ctx));
				if (++b->lkdf_errors <= MAX_MISMATCH_LINES)
					printf("MISMATCH %s: libkdumpfile cannot read page 0x%" PRIx64 " that kcrash reads: %s\n",
					       b->path, pg->paddr, kdump_get_err(l.ctx));
			} else if (memcmp(kc, lk, pg->len)) {
				mismatch(b, &b->mismatch_lkdf, "kcrash vs libkdumpfile",
					 pg, kc, lk);
			}
		}
#endif
	}
#ifdef KCRASH_HAVE_LIBKDUMPFILE
	if (have_lkdf)
		lkdf_close(&l);
	/* Timing a reader that fails would measure its error path. */
	if (b->lkdf_errors)
		b->lkdf_status = "read-errors";
#endif
	free(seen);
	if (!b->raw_from_arena)
		unmap_file(m);
	kc_dump_close(dump);
	free(kc);
	free(raw);
	free(lk);
}

/* Output */

static double mbps(const struct bench *b, double t)
{
	return t > 0 ? (double)b->bytes / 1e6 / t : -1;
}

static void fmt_mbps(char *buf, size_t n, const struct bench *b, double t)
{
	if (t > 0)
		snprintf(buf, n, "%.1f", mbps(b, t));
	else
		snprintf(buf, n, "%s", "-");
}

static void fmt_ratio(char *buf, size_t n, double num, double den)
{
	if (num > 0 && den > 0)
		snprintf(buf, n, "%.3f", num / den);
	else
		snprintf(buf, n, "-");
}

static void report(const struct bench *b)
{
	char kc[32], raw[32], rawe[32], lk[32], r_raw[32], r_lk[32];
	fmt_mbps(kc, sizeof(kc), b, b->t_kcrash);
	fmt_mbps(raw, sizeof(raw), b, b->t_raw);
	fmt_mbps(rawe, sizeof(rawe), b, b->t_raw_every);
	fmt_mbps(lk, sizeof(lk), b, b->t_lkdf);
	fmt_ratio(r_raw, sizeof(r_raw), b->t_kcrash, b->t_raw);
	fmt_ratio(r_lk, sizeof(r_lk), b->t_kcrash, b->t_lkdf);
	if (b->t_lkdf <= 0)
		snprintf(lk, sizeof(lk), "%s", b->lkdf_status);

	/* Notes may hold spaces: make them one token. */
	char note[sizeof(b->lkdf_note)];
	snprintf(note, sizeof(note), "%s", b->lkdf_note[0] ? b->lkdf_note : "-");
	for (char *p = note; *p; p++)
		if (*p == ' ' || *p == '\t')
			*p = '_';

	printf("dump=%s format=%s codec=%s page_size=%u pages=%zu full_pages=%zu bytes=%" PRIu64
	       " mb=%.1f distinct_stored=%zu shared_pfns=%zu shared_stored=%zu reps=%u cache_bytes=%zu"
	       " kcrash_mbps=%s raw_mbps=%s raw_every_mbps=%s lkdf_mbps=%s"
	       " kcrash_raw=%s kcrash_lkdf=%s"
	       " kcrash_open_ms=%.2f cache_hits=%" PRIu64 " cache_misses=%" PRIu64
	       " raw_src=%s lkdf_status=%s lkdf_arch_forced=%d lkdf_note=%s"
	       " kcrash_errors=%" PRIu64 " mismatch_raw=%" PRIu64 " mismatch_lkdf=%" PRIu64
	       " lkdf_errors=%" PRIu64 "\n",
	       b->path, b->is_kdump ? "kdump" : "elf", b->codec_name,
	       b->page_size, b->nr_pages, b->full_pages, b->bytes,
	       (double)b->bytes / 1e6, b->distinct_stored, b->shared_pfns,
	       b->nr_shared, b->reps,
	       b->opts.cache_bytes ? b->opts.cache_bytes : (size_t)KC_DUMP_DEFAULT_CACHE_BYTES,
	       kc, raw, rawe, lk, r_raw, r_lk, b->t_open * 1e3,
	       b->cache_hits, b->cache_misses,
	       b->raw_from_arena ? "arena" : "fresh-mmap", b->lkdf_status,
	       b->lkdf_arch_forced, note, b->kcrash_errors, b->mismatch_raw,
	       b->mismatch_lkdf, b->lkdf_errors);

	printf("\n  %s (%s, %s, %u-byte pages)\n", b->path,
	       b->is_kdump ? "kdump" : "ELF", b->codec_name, b->page_size);
	printf("  %zu present pages (%.1f MB), %zu distinct stored, %zu pfns share %zu stored pages\n",
	       b->nr_pages, (double)b->bytes / 1e6, b->distinct_stored,
	       b->shared_pfns, b->nr_shared);
	printf("  %-28s %12s %12s\n", "reader (best of N)", "MB/s", "ms");
	printf("  %-28s %12s %12.2f\n", "kcrash", kc, b->t_kcrash * 1e3);
	printf("  %-28s %12s %12.2f\n", b->is_kdump ? "raw codec" : "raw memcpy", raw,
	       b->t_raw * 1e3);
	printf("  %-28s %12s %12.2f\n", "raw, every pfn decompressed", rawe,
	       b->t_raw_every * 1e3);
	if (b->t_lkdf > 0)
		printf("  %-28s %12s %12.2f\n", "libkdumpfile", lk, b->t_lkdf * 1e3);
	else
		printf("  %-28s %12s  %s\n", "libkdumpfile", lk,
		       b->lkdf_note[0] ? b->lkdf_note : "");
	printf("  kcrash/raw time %s (target <= 1.3), kcrash/libkdumpfile time %s (target < 1)\n",
	       r_raw, r_lk);
	if (b->kcrash_errors || b->mismatch_raw || b->mismatch_lkdf || b->lkdf_errors)
		printf("  !!! %" PRIu64 " kcrash read errors, %" PRIu64 " raw mismatches, %" PRIu64
		       " libkdumpfile mismatches, %" PRIu64 " libkdumpfile read errors !!!\n",
		       b->kcrash_errors, b->mismatch_raw, b->mismatch_lkdf,
		       b->lkdf_errors);
	else
		printf("  bytes verified: kcrash == raw%s on every page\n",
		       b->t_lkdf > 0 ? " == libkdumpfile" : "");
	printf("\n");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kcrash-bench-read [-n REPS] [-c CACHE_BYTES] [-L] [-K] DUMP\n"
		"  -n REPS         repetitions, best time kept (default 3)\n"
		"  -c CACHE_BYTES  kcrash page cache bound (default 0: the library default)\n"
		"  -L              do not run libkdumpfile\n"
		"  -K              time kcrash only (to profile it)\n");
}

int main(int argc, char **argv)
{
	struct bench b = {
		.reps = 3,
		.use_lkdf = true,
		.t_kcrash = -1, .t_raw = -1, .t_raw_every = -1, .t_lkdf = -1,
		.t_open = -1,
		.lkdf_status = "not-built",
	};
	int opt;
	while ((opt = getopt(argc, argv, "n:c:LKh")) != -1) {
		switch (opt) {
		case 'n':
			b.reps = (unsigned)strtoul(optarg, NULL, 0);
			if (b.reps == 0)
				b.reps = 1;
			break;
		case 'c':
			b.opts.cache_bytes = (size_t)strtoull(optarg, NULL, 0);
			break;
		case 'L':
			b.use_lkdf = false;
			break;
		case 'K':
			b.kcrash_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	b.path = argv[optind];
#ifndef KCRASH_HAVE_LIBKDUMPFILE
	b.use_lkdf = false;
#endif

	b.dump = open_kcrash(&b);
	b.page_size = b.dump->page_size ? b.dump->page_size : 4096;
	b.is_kdump = b.dump->format == KC_DUMP_KDUMP;
	b.codec_name = b.is_kdump ? b.dump->compression : "memcpy";
	b.out = xmalloc(b.page_size);
	struct kc_error *err = kc_codec_ctx_create(&b.codec);
	if (err)
		die("kc_codec_ctx_create", err);

	list_pages(&b);
	if (b.is_kdump)
		locate_kdump(&b);
	else if (b.dump->flattened) {
		fprintf(stderr, "kcrash-bench-read: %s: flattened ELF dumps are not supported by this benchmark\n",
			b.path);
		return 2;
	} else
		locate_elf(&b);

	verify(&b);

	for (unsigned r = 0; r < b.reps; r++) {
		double t = time_kcrash(&b);
		if (b.t_kcrash < 0 || t < b.t_kcrash)
			b.t_kcrash = t;
		if (b.kcrash_only)
			continue;
		t = time_raw(&b, true);
		if (b.t_raw < 0 || t < b.t_raw)
			b.t_raw = t;
		if (b.is_kdump) {
			t = time_raw(&b, false);
			if (b.t_raw_every < 0 || t < b.t_raw_every)
				b.t_raw_every = t;
		}
#ifdef KCRASH_HAVE_LIBKDUMPFILE
		if (b.use_lkdf && strcmp(b.lkdf_status, "ok") == 0) {
			t = time_lkdf(&b);
			if (t > 0 && (b.t_lkdf < 0 || t < b.t_lkdf))
				b.t_lkdf = t;
		}
#endif
	}
	if (!b.is_kdump)
		b.t_raw_every = b.t_raw;
	if (b.kcrash_only)
		b.lkdf_status = "disabled";

	report(&b);

	kc_codec_ctx_destroy(b.codec);
	kc_dump_close(b.dump);
	free(b.pages);
	free(b.ops);
	free(b.arena);
	free(b.shared_copies);
	free(b.out);
	/* libkdumpfile failing to read is its limit, loud but not ours. */
	bool bad = b.kcrash_errors || b.mismatch_raw || b.mismatch_lkdf;
	return bad ? 1 : 0;
}
