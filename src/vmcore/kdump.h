/* SPDX-License-Identifier: MIT */
/*
 * A look inside an open kdump-compressed dump, for benchmarks and tests:
 * where a page is stored and how, and its stored (compressed) bytes, so the
 * raw codec can be timed on exactly the pages the reader decompresses.
 */
#ifndef KC_VMCORE_KDUMP_H
#define KC_VMCORE_KDUMP_H

#include <stdint.h>

#include "codec.h"
#include "dump.h"

struct kc_kdump_page_info {
	uint64_t pfn;          /* in dump pages (block_size units) */
	uint64_t desc_offset;  /* logical file offset of its struct page_desc */
	uint64_t file_offset;  /* logical file offset of the stored data */
	uint32_t size;         /* stored bytes */
	uint32_t flags;        /* page_desc.flags (DUMP_DH_COMPRESSED_*) */
	uint64_t page_flags;   /* page_desc.page_flags */
	enum kc_codec codec;
	unsigned file_index;   /* which file of a split dump */
};

/*
 * Where the page PFN is stored. Fails like a read would (KC_ERR_EXCLUDED,
 * KC_ERR_NOT_IN_DUMP, KC_ERR_TRUNCATED, KC_ERR_FORMAT) when it is not.
 * DUMP must be a kdump-compressed dump.
 */
struct kc_error *kc_kdump_page_info(struct kc_dump *dump, uint64_t pfn,
				    struct kc_kdump_page_info *info);

/*
 * The stored bytes of a page found by kc_kdump_page_info: a pointer into
 * the mapping when they are contiguous, else copied into BUF (at least
 * INFO->size bytes) and BUF returned. NULL with *ERR set on failure.
 */
const uint8_t *kc_kdump_stored_data(struct kc_dump *dump,
				    const struct kc_kdump_page_info *info,
				    void *buf, struct kc_error **err);

/* One past the highest pfn the dump describes (max_mapnr). */
uint64_t kc_kdump_max_pfn(const struct kc_dump *dump);

#endif
