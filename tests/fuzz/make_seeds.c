/* SPDX-License-Identifier: MIT */
/*
 * Seed inputs that need a session to cut out of a real fixture:
 *   fuzz-make-seeds VMLINUX DUMP OUTDIR NAME
 * writes OUTDIR/codec/NAME-<codec>-<n> (stored kdump pages; DUMP must be
 * kdump-compressed), OUTDIR/pgtable/NAME-<n> (the real table pages of a
 * kernel-image walk, rewired to sit one after another from physical 0) and
 * OUTDIR/unwind/NAME (the panic CPU's registers and its task stack,
 * relocated to the fuzz target's stack base) and, for 4K-page dumps,
 * OUTDIR/kdump/NAME-small-* (whole kdump-compressed dumps of eight real
 * kernel pages renumbered to pfns 0..7, written by tests/dumpwriter.c in
 * every codec, flattened, and incomplete). tests/fuzz/make-corpus.sh
 * runs it; the results are committed under tests/fuzz/corpus/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/mmu.h"
#include "dumpwriter.h"
#include "session.h"
#include "vmcore/kdump.h"

#define STACK_BASE 0xffff800008000000ull /* as in fuzz_unwind.c */
#define THREAD_SIZE 16384                /* v6.1, 4K and 16K pages */

static void write_file(const char *dir, const char *name, const void *a,
		       size_t alen, const void *b, size_t blen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void codec_seeds(struct kc_session *s, const char *outdir,
			const char *name)
{
	if (s->dump->format != KC_DUMP_KDUMP)
		return;
	char dir[4096], file[256];
	snprintf(dir, sizeof(dir), "%s/codec", outdir);
	unsigned size_index = s->dump->page_size == 4096 ? 0 :
			      s->dump->page_size == 16384 ? 1 : 2;
	int written = 0;
	uint8_t *buf = malloc(2 * s->dump->page_size);
	for (uint64_t pfn = 0x100; pfn < kc_kdump_max_pfn(s->dump) && written < 3;
	     pfn += 997) {
		struct kc_kdump_page_info info;
		struct kc_error *err = kc_kdump_page_info(s->dump, pfn, &info);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (info.codec == KC_CODEC_NONE || info.size > 8192)
			continue;
		const uint8_t *data = kc_kdump_stored_data(s->dump, &info, buf, &err);
		if (!data) {
			kc_error_destroy(err);
			continue;
		}
		uint8_t selector = (uint8_t)(info.codec + KC_CODEC_COUNT * size_index);
		snprintf(file, sizeof(file), "%s-%s-%d", name,
			 kc_codec_name(info.codec), written++);
		write_file(dir, file, &selector, 1, data, info.size);
	}
	free(buf);
}

static void pgtable_seed(struct kc_session *s, const char *outdir,
			 const char *name, uint64_t vaddr)
{
	struct kc_arm64_mmu *mmu = s->mmu;
	struct kc_pgtable_walk walk;
	struct kc_error *err = kc_arm64_walk(mmu, false, 0, vaddr, &walk);
	if (err) {
		fprintf(stderr, "%s: walk: %s\n", name, kc_error_message(err));
		exit(1);
	}
	uint64_t page = 1ull << mmu->geo.page_shift;
	uint8_t *mem = calloc(walk.nr_entries, page);
	for (unsigned i = 0; i < walk.nr_entries; i++) {
		const struct kc_pgtable_entry *e = &walk.entries[i];
		uint64_t table = e->paddr & ~(page - 1);
		if (kc_dump_read_phys(s->dump, table, mem + i * page, page))
			exit(1);
		/* Point the entry at the next page of the seed (48-bit OA). */
		uint64_t oa_mask = ((1ull << 48) - 1) & ~(page - 1);
		uint64_t value = (e->value & ~oa_mask) | ((i + 1) * page);
		memcpy(mem + i * page + (e->paddr - table), &value, 8);
	}
	/* The geometry index of fuzz_pgtable.c's table. */
	uint8_t geo = mmu->geo.page_shift == 12 ?
			      (mmu->geo.va_bits == 39 ? 0 : 1) :
			      mmu->geo.page_shift == 14 ? 5 : 10;
	uint8_t head[9];
	head[0] = geo;
	memcpy(head + 1, &vaddr, 8);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/pgtable", outdir);
	write_file(dir, name, head, sizeof(head), mem, walk.nr_entries * page);
	free(mem);
}

static uint64_t relocate(uint64_t word, uint64_t base)
{
	return word >= base && word < base + THREAD_SIZE ?
		       word - base + STACK_BASE : word;
}

static void unwind_seed(struct kc_session *s, const char *outdir,
			const char *name)
{
	const struct kc_prstatus *regs = NULL;
	for (size_t i = 0; i < s->dump->nr_prstatus; i++)
		if (s->dump->prstatus[i].pc >> 63)
			regs = &s->dump->prstatus[i];
	if (!regs)
		return;
	uint64_t base = regs->sp & ~(uint64_t)(THREAD_SIZE - 1);
	uint64_t stack[THREAD_SIZE / 8];
	if (kc_arm64_read_kvirt(s->mmu, base, stack, sizeof(stack)))
		return;
	for (size_t i = 0; i < THREAD_SIZE / 8; i++)
		stack[i] = relocate(stack[i], base);
	uint64_t head[4] = {regs->pc, relocate(regs->sp, base),
			    relocate(regs->regs[29], base), regs->regs[30]};
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/unwind", outdir);
	write_file(dir, name, head, sizeof(head), stack, sizeof(stack));
}

/* dumpwriter.c writes into the test scratch directory: here, OUTDIR/kdump. */
static char scratch[4096];
const char *kc_test_scratch_dir(void);
const char *kc_test_scratch_dir(void)
{
	return scratch;
}

/* Eight real pages of the kernel image, as pfns 0..7. */
struct small_source {
	struct kc_session *session;
	uint64_t base; /* physical address of the first page */
};

static struct kc_error *small_read(void *ctx, uint64_t pfn, uint32_t block_size, void *buf)
{
	struct small_source *src = ctx;
	return kc_dump_read_phys(src->session->dump, src->base + pfn * block_size, buf,
				 block_size);
}

static void small_kdump_seeds(struct kc_session *s, const char *outdir, const char *name,
			      uint64_t kernel_vaddr)
{
	if (s->dump->page_size != 4096)
		return;
	struct small_source src = {s, 0};
	if (kc_arm64_kvtop(s->mmu, kernel_vaddr, &src.base))
		return;
	src.base &= ~(uint64_t)4095;
	snprintf(scratch, sizeof(scratch), "%s/kdump", outdir);
	struct kc_dw_page pages[8];
	for (unsigned i = 0; i < 8; i++)
		pages[i] = (struct kc_dw_page){i, i == 3 || i == 6};
	struct kc_dw_source source = {small_read, &src};
	const struct {
		const char *suffix;
		struct kc_dw_options opts;
	} variants[] = {
		{"mixed-v6", {.block_size = 4096, .header_version = 6, .codec = KC_DW_MIXED}},
		{"zstd-v6-zero", {.block_size = 4096, .header_version = 6, .codec = KC_DW_ZSTD,
				  .share_zero_page = true}},
		{"raw-v1", {.block_size = 4096, .header_version = 1, .codec = KC_DW_RAW}},
		{"mixed-flat", {.block_size = 4096, .header_version = 6, .codec = KC_DW_MIXED,
				.flatten = true}},
		{"zlib-incomplete", {.block_size = 4096, .header_version = 6, .codec = KC_DW_ZLIB,
				     .incomplete = true, .keep_pages = 3, .dangling_descs = 1}},
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		struct kc_dw_options opts = variants[i].opts;
		opts.pages = pages;
		opts.nr_pages = 8;
		opts.nr_cpus = 2;
		opts.release = kc_session_release(s);
		opts.vmcoreinfo = s->dump->vmcoreinfo;
		opts.vmcoreinfo_size = s->dump->vmcoreinfo_size;
		char file[256];
		snprintf(file, sizeof(file), "%s-small-%s", name, variants[i].suffix);
		struct kc_dw_result result;
		struct kc_error *err = kc_dw_write(&source, &opts, file, &result);
		if (err) {
			fprintf(stderr, "%s: %s\n", file, kc_error_message(err));
			exit(1);
		}
		kc_dw_result_free(&result);
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s VMLINUX DUMP OUTDIR NAME\n", argv[0]);
		return 2;
	}
	const char *dump = argv[2];
	struct kc_session_options opts = {
		.vmlinux_path = argv[1], .dump_paths = &dump, .nr_dump_paths = 1,
	};
	struct kc_session *s;
	struct kc_error *err = kc_session_open(&opts, &s);
	if (err || !s->mmu) {
		fprintf(stderr, "%s: cannot open\n", dump);
		return 1;
	}
	codec_seeds(s, argv[3], argv[4]);
	uint64_t stext;
	if (!kc_session_symbol(s, "_stext", &stext)) {
		pgtable_seed(s, argv[3], argv[4], stext);
		small_kdump_seeds(s, argv[3], argv[4], stext);
	}
	unwind_seed(s, argv[3], argv[4]);
	kc_session_destroy(s);
	return 0;
}
