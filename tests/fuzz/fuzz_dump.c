/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the dump readers through kc_dump_open: ELF cores (program headers,
 * notes, PT_LOAD bounds), kdump-compressed dumps (disk_dump_header,
 * kdump_sub_header, both bitmaps, page descriptors, every codec) and the
 * flattened format's record index. One source, three targets
 * (fuzz-elf, fuzz-kdump, fuzz-flat) that differ only in their seed corpus.
 *
 * After a successful open the physical ranges are read at their edges and
 * at a spread of pages, so descriptors and page data are decoded too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "vmcore/dump.h"
#include "vmcore/kdump.h"
#include "vmcoreinfo.h"

/* Enough pages per input to reach several descriptors and codecs. */
#define PAGES_PER_RANGE 8
#define MAX_PAGES 64

static void read_some_pages(struct kc_dump *dump)
{
	size_t budget = MAX_PAGES;
	uint8_t *page = malloc(dump->page_size ? dump->page_size : 4096);
	if (!page)
		return;
	for (size_t r = 0; r < dump->nr_ranges && budget; r++) {
		const struct kc_dump_range *range = &dump->ranges[r];
		uint64_t span = range->end - range->start;
		uint64_t step = span / PAGES_PER_RANGE;
		if (step < dump->page_size)
			step = dump->page_size;
		for (uint64_t off = 0; off < span && budget; off += step, budget--) {
			uint64_t paddr = range->start + off;
			paddr -= paddr % dump->page_size;
			(void)kc_dump_page_state(dump, paddr);
			fuzz_drop_error(kc_dump_read_phys(dump, paddr, page,
							  dump->page_size));
		}
		uint64_t last[2];
		/* Straddle the end of the range: the read must fail cleanly. */
		fuzz_drop_error(kc_dump_read_phys(dump, range->end - 8, last,
						  sizeof(last)));
	}
	free(page);
}

static void probe_kdump_pages(struct kc_dump *dump)
{
	if (dump->format != KC_DUMP_KDUMP)
		return;
	uint64_t max_pfn = kc_kdump_max_pfn(dump);
	uint64_t step = max_pfn / 16 ? max_pfn / 16 : 1;
	for (uint64_t pfn = 0; pfn < max_pfn + 2; pfn += step) {
		struct kc_kdump_page_info info;
		fuzz_drop_error(kc_kdump_page_info(dump, pfn, &info));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_path(data, size);
	/* A small cache so eviction runs too. */
	struct kc_dump_options opts = {.cache_bytes = 64 << 10};
	struct kc_dump *dump;
	struct kc_error *err = kc_dump_open(path, &opts, &dump);
	if (err) {
		fuzz_drop_error(err);
		return 0;
	}
	if (dump->page_size == 0 || (dump->page_size & (dump->page_size - 1)))
		abort(); /* a reader accepted an impossible page size */
	for (size_t i = 1; i < dump->nr_ranges; i++)
		if (dump->ranges[i].start < dump->ranges[i - 1].end)
			abort(); /* ranges must be sorted and merged */
	if (dump->vmcoreinfo) {
		struct kc_vmcoreinfo *info;
		err = kc_vmcoreinfo_parse(dump->vmcoreinfo,
					  dump->vmcoreinfo_size, &info);
		if (err)
			fuzz_drop_error(err);
		else
			kc_vmcoreinfo_destroy(info);
	}
	read_some_pages(dump);
	probe_kdump_pages(dump);
	kc_dump_close(dump);
	return 0;
}
