/* SPDX-License-Identifier: MIT */
/*
 * A small writer of makedumpfile-format dumps, for tests only.
 *
 * The real fixtures hold only some of the shapes the kdump-compressed and
 * flattened formats allow. The writer re-encodes pages taken from a real
 * dump into the others (every codec, header versions 1-6, incomplete,
 * split, flattened, excluded and shared zero pages), so a test can check
 * that kcrash's reader returns the same bytes the source dump holds.
 *
 * Every on-disk field is written as fixed-width little-endian bytes at an
 * explicit offset (flattened record headers big-endian), never through host
 * structs. Layouts follow makedumpfile's diskdump_mod.h and makedumpfile.h.
 */
#ifndef KC_TESTS_DUMPWRITER_H
#define KC_TESTS_DUMPWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcore/dump.h"

/* diskdump_mod.h: page descriptor flags and header status bits. */
#define KC_DW_FLAG_ZLIB 0x1u
#define KC_DW_FLAG_LZO 0x2u
#define KC_DW_FLAG_SNAPPY 0x4u
#define KC_DW_FLAG_INCOMPLETE 0x8u
#define KC_DW_FLAG_ZSTD 0x20u

/* Where page data comes from: fill BUF with BLOCK_SIZE bytes of block PFN. */
struct kc_dw_source {
	struct kc_error *(*read)(void *ctx, uint64_t pfn, uint32_t block_size,
				 void *buf);
	void *ctx;
};

/* A source reading straight from an open dump (kc_dump_read_phys). */
struct kc_dw_source kc_dw_source_from_dump(struct kc_dump *dump);

enum kc_dw_codec {
	KC_DW_RAW,    /* every page stored uncompressed */
	KC_DW_ZLIB,
	KC_DW_LZO,
	KC_DW_SNAPPY,
	KC_DW_ZSTD,
	KC_DW_MIXED,  /* page i uses zlib, lzo, snappy, zstd, raw in turn */
};

/* Short name of a codec as kc_dump->compression spells it. */
const char *kc_dw_codec_name(enum kc_dw_codec codec);

/* One block the dump describes (set in the 1st bitmap). */
struct kc_dw_page {
	uint64_t pfn;   /* block number: paddr / block_size */
	bool excluded;  /* clear in the 2nd bitmap: no descriptor, no data */
};

struct kc_dw_options {
	uint32_t block_size;    /* a power of two */
	int header_version;     /* 1..6 */
	enum kc_dw_codec codec;
	const struct kc_dw_page *pages; /* sorted by pfn, no duplicates */
	size_t nr_pages;
	uint64_t max_mapnr;     /* 0: last page's pfn + 1 */
	/* Store all-zero pages once and point their descriptors at it. */
	bool share_zero_page;

	/* makedumpfile --split: this many files (needs header_version >= 2). */
	unsigned nr_split;
	/* Clear 2nd-bitmap bits outside each split file's pfn range. */
	bool split_clip_bitmap;

	/*
	 * An incomplete dump as makedumpfile leaves it on ENOSPC: header flag
	 * DUMP_DH_COMPRESSED_INCOMPLETE, data of the first keep_pages dumpable
	 * pages written, the file ending partway through the next page's data,
	 * dangling_descs more descriptors pointing past the end and the rest
	 * zero (never written). Single-file dumps only.
	 */
	bool incomplete;
	size_t keep_pages;
	size_t dangling_descs;

	/* makedumpfile -F: write the flattened format (see kc_dw_flatten). */
	bool flatten;

	/* Sub-header payloads. VMCOREINFO needs v3+, notes v4+, eraseinfo v5+. */
	const char *vmcoreinfo;
	size_t vmcoreinfo_size;
	const void *notes;      /* raw ELF notes; NULL: one VMCOREINFO note */
	size_t notes_size;
	const void *eraseinfo;
	size_t eraseinfo_size;

	/* Header identity. */
	const char *release;    /* utsname.release; NULL: "" */
	const char *machine;    /* NULL: "aarch64" */
	int64_t timestamp_sec;
	int64_t timestamp_usec;
	int32_t nr_cpus;
	int32_t dump_level;
	uint64_t phys_base;
};

/* What was written, for the checks. */
struct kc_dw_result {
	char **paths;           /* the file(s) written, in split order */
	size_t nr_paths;
	/* Parallel to options.pages: what a reader must report for each. */
	enum kc_page_state *states;
	size_t nr_states;
	size_t nr_zero_shared;  /* descriptors pointing at the shared zero page */
	unsigned flags_used;    /* OR of the page descriptors' codec flags */
	size_t nr_raw_pages;    /* pages stored uncompressed */
};

/*
 * Write a kdump-compressed dump of SRC's pages as OPTS says into
 * kc_test_scratch_dir()/NAME (split files get ".1", ".2", ... appended).
 */
struct kc_error *kc_dw_write(const struct kc_dw_source *src,
			     const struct kc_dw_options *opts, const char *name,
			     struct kc_dw_result *result);
void kc_dw_result_free(struct kc_dw_result *result);

/*
 * Write LEN bytes of DATA (a logical file) as a flattened file at OUT_PATH.
 * Records are cut at odd sizes, adjacent records swap places, and a decoy
 * record of garbage over [decoy_offset, decoy_offset + decoy_len) comes
 * first so that the later, true records must win.
 */
struct kc_error *kc_dw_flatten(const uint8_t *data, uint64_t len,
			       const char *out_path, uint64_t decoy_offset,
			       uint64_t decoy_len);
/* Wrap an existing file (e.g. an ELF vmcore) in the flattened format. */
struct kc_error *kc_dw_flatten_file(const char *in_path, const char *out_path,
				    uint64_t decoy_offset, uint64_t decoy_len);

/*
 * Pick up to MAX_BLOCKS blocks of BLOCK_SIZE bytes starting at physical
 * address START whose every dump page SRC reports present; appends them to
 * *PAGES (growing it). Returns the number added.
 */
size_t kc_dw_pick_present(struct kc_dump *src, uint32_t block_size,
			  uint64_t start, size_t max_blocks,
			  struct kc_dw_page **pages, size_t *nr_pages);
/* Sort by pfn and drop duplicates. */
void kc_dw_sort_pages(struct kc_dw_page *pages, size_t *nr_pages);

#endif
