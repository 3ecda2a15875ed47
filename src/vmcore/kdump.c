/* SPDX-License-Identifier: MIT */
/*
 * makedumpfile's kdump-compressed ("diskdump") format.
 *
 * Layout, in blocks of block_size bytes:
 *
 *   block 0                     struct disk_dump_header
 *   block 1 .. sub_hdr_size     struct kdump_sub_header, then the ELF notes
 *                               and VMCOREINFO it points to
 *   next bitmap_blocks blocks   1st bitmap (pfns in memory), then the 2nd
 *                               bitmap (pfns dumped), each half of them
 *   then                        struct page_desc for every dumped pfn, in
 *                               pfn order, then the page data
 *
 * Every structure is parsed at explicit offsets of its 64-bit (arm64)
 * layout. Open reads the headers and scans the bitmaps once for the memory
 * ranges; the index from pfn to descriptor (a popcount prefix over the 2nd
 * bitmap) is built on first need, and pages are decompressed on read into
 * a bounded set-associative cache.
 *
 * A makedumpfile --split dump is several such files, each holding the
 * descriptors and data of pfns [start_pfn, end_pfn) and whole bitmaps; they
 * are opened together as parts of one dump.
 */
#include "kdump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "notes.h"

#define KDUMP_SIGNATURE "KDUMP   "
#define KDUMP_SIGNATURE_LEN 8
#define KDUMP_MAX_VERSION 6

/* struct disk_dump_header (diskdump_mod.h) on a 64-bit target. */
enum {
	DH_SIGNATURE = 0,
	DH_HEADER_VERSION = 8,
	DH_UTSNAME = 12,          /* struct new_utsname: 6 x 65 chars */
	/* 390 bytes of utsname end at 402; the timeval is 8-aligned. */
	DH_TIMESTAMP_SEC = 408,
	DH_TIMESTAMP_USEC = 416,
	DH_STATUS = 424,
	DH_BLOCK_SIZE = 428,
	DH_SUB_HDR_SIZE = 432,
	DH_BITMAP_BLOCKS = 436,
	DH_MAX_MAPNR = 440,
	DH_TOTAL_RAM_BLOCKS = 444,
	DH_DEVICE_BLOCKS = 448,
	DH_WRITTEN_BLOCKS = 452,
	DH_CURRENT_CPU = 456,
	DH_NR_CPUS = 460,
	DH_SIZE = 464,
};
#define UTS_LEN 65

/* struct kdump_sub_header (makedumpfile.h) on a 64-bit target. */
enum {
	SH_PHYS_BASE = 0,
	SH_DUMP_LEVEL = 8,         /* v1+ */
	SH_SPLIT = 12,             /* v2+ */
	SH_START_PFN = 16,         /* v2+ */
	SH_END_PFN = 24,           /* v2+ */
	SH_OFFSET_VMCOREINFO = 32, /* v3+ */
	SH_SIZE_VMCOREINFO = 40,   /* v3+ */
	SH_OFFSET_NOTE = 48,       /* v4+ */
	SH_SIZE_NOTE = 56,         /* v4+ */
	SH_OFFSET_ERASEINFO = 64,  /* v5+ */
	SH_SIZE_ERASEINFO = 72,    /* v5+ */
	SH_START_PFN_64 = 80,      /* v6+ */
	SH_END_PFN_64 = 88,        /* v6+ */
	SH_MAX_MAPNR_64 = 96,      /* v6+ */
	SH_SIZE = 104,
};

/* struct page_desc. */
enum {
	PD_OFFSET = 0,
	PD_SIZE = 8,
	PD_FLAGS = 12,
	PD_PAGE_FLAGS = 16,
	PD_BYTES = 24,
};

/* status (header) and flags (page_desc) bits. */
#define DUMP_DH_COMPRESSED_ZLIB 0x1
#define DUMP_DH_COMPRESSED_LZO 0x2
#define DUMP_DH_COMPRESSED_SNAPPY 0x4
#define DUMP_DH_COMPRESSED_INCOMPLETE 0x8
#define DUMP_DH_EXCLUDED_VMEMMAP 0x10
#define DUMP_DH_COMPRESSED_ZSTD 0x20
#define DUMP_DH_COMPRESSED_ANY                                                \
	(DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO |                   \
	 DUMP_DH_COMPRESSED_SNAPPY | DUMP_DH_COMPRESSED_ZSTD)

#define MIN_BLOCK_SIZE 4096u
#define MAX_BLOCK_SIZE (1u << 20)
/* Notes of thousands of CPUs fit in far less; more is a corrupt field. */
#define MAX_SUB_HDR_BYTES (64u << 20)
#define MAX_NOTE_BYTES (64u << 20)
/* makedumpfile stores a page raw when compression does not shrink it. */
#define MAX_STORED_FACTOR 2

/*
 * One rank-index entry per this many bitmap bits (64 bytes): a lookup
 * counts at most 8 words, which profiling showed matters on sequential
 * reads (4096-bit chunks cost 21% of reading a raw dump).
 */
#define RANK_CHUNK_BITS 512u
#define CACHE_WAYS 8u

/* The header fields this reader uses, as the file states them. */
struct kdump_header {
	int32_t version;
	uint32_t status;
	uint32_t block_size;
	int32_t sub_hdr_size;
	uint32_t bitmap_blocks;
	uint32_t max_mapnr;
	int32_t nr_cpus;
	/* sub header */
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn, end_pfn;
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;
	uint64_t offset_note, size_note;
	uint64_t start_pfn_64, end_pfn_64, max_mapnr_64;
};

/* One file of the dump: the only one, or one part of a split dump. */
struct kdump_part {
	struct kc_file *file;
	struct kdump_header hdr;
	/* The pfns whose descriptors this file holds: [start_pfn, end_pfn). */
	uint64_t start_pfn, end_pfn;
	const uint8_t *bitmap1;  /* pfns in memory */
	const uint8_t *bitmap2;  /* pfns dumped */
	uint8_t *bitmaps_copy;   /* when the file cannot lend them */
	uint64_t desc_offset;    /* logical offset of the first page_desc */
	/* Lazily: set bits of bitmap2 before each RANK_CHUNK_BITS chunk. */
	uint64_t *rank_index;
	uint64_t first_rank;     /* rank of start_pfn */
};

struct cache_slot {
	uint64_t data_offset; /* key: where the stored page is... */
	unsigned part;        /* ...and in which file */
	bool valid;
	bool referenced;      /* CLOCK bit */
};

/*
 * Decompressed pages keyed by where they are stored, so the many pfns
 * sharing makedumpfile's one stored zero page share one slot too.
 */
struct page_cache {
	struct cache_slot *slots;
	uint8_t *data;
	size_t nr_sets;
	size_t ways;
	uint8_t *hands; /* CLOCK hand per set */
};

struct kdump_priv {
	struct kdump_part *parts; /* sorted by start_pfn */
	unsigned nr_parts;
	uint32_t block_size;
	unsigned block_shift;
	uint64_t max_pfn;         /* pfns [0, max_pfn) are described */
	uint64_t bitmap_bytes;    /* of each of the two bitmaps */
	size_t cache_bytes;
	struct page_cache cache;  /* allocated on first compressed page */
	struct kc_codec_ctx *codec;
	uint8_t *stored_buf;      /* stored bytes not contiguous in the file */
};

/* Where a dumped page is, or why it is not readable. */
enum locate_status {
	LOC_OK,
	LOC_NOT_IN_DUMP,
	LOC_EXCLUDED,
	LOC_NO_PART,        /* split dump without the file holding it */
	LOC_DESC_PAST_EOF,
	LOC_DESC_HOLE, /* flattened file without that descriptor */
	LOC_DESC_EMPTY,     /* size 0: makedumpfile never wrote the page */
	LOC_DATA_PAST_EOF,
	LOC_BAD_FLAGS,
	LOC_BAD_SIZE,
	LOC_NOMEM,
};

struct page_loc {
	unsigned part;
	uint64_t desc_offset;
	uint64_t data_offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
	enum kc_codec codec;
};

static const struct kc_dump_ops kdump_ops;

bool kc_kdump_probe(const uint8_t *head, size_t len)
{
	return len >= KDUMP_SIGNATURE_LEN &&
	       memcmp(head, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN) == 0;
}

/* Bitmap helpers: bit N of a bitmap is bit N % 8 of byte N / 8. */

static inline bool test_bit(const uint8_t *bitmap, uint64_t bit)
{
	return bitmap[bit >> 3] & (1u << (bit & 7));
}

/* Set bits in [FROM, TO); the bitmap's size is a multiple of 8 bytes. */
static uint64_t count_set_bits(const uint8_t *bitmap, uint64_t from,
			       uint64_t to)
{
	uint64_t count = 0;
	while (from < to && (from & 63)) {
		count += test_bit(bitmap, from);
		from++;
	}
	for (; to - from >= 64; from += 64)
		count += (uint64_t)__builtin_popcountll(kc_get_le64(bitmap + from / 8));
	if (from < to) {
		uint64_t word = kc_get_le64(bitmap + from / 8);
		uint64_t mask = (UINT64_C(1) << (to - from)) - 1;
		count += (uint64_t)__builtin_popcountll(word & mask);
	}
	return count;
}

/* First bit in [FROM, TO) equal to VALUE, or TO. */
static uint64_t find_bit(const uint8_t *bitmap, uint64_t from, uint64_t to,
			 bool value)
{
	while (from < to && (from & 63)) {
		if (test_bit(bitmap, from) == value)
			return from;
		from++;
	}
	/* Skip whole words holding none of VALUE. */
	uint64_t skip = value ? 0 : UINT64_MAX;
	while (to - from >= 64 && kc_get_le64(bitmap + from / 8) == skip)
		from += 64;
	for (; from < to; from++) {
		if (test_bit(bitmap, from) == value)
			return from;
	}
	return to;
}

/* Header parsing. */

static char *uts_string(const uint8_t *field)
{
	size_t len = strnlen((const char *)field, UTS_LEN);
	if (len == 0)
		return NULL;
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, field, len);
		s[len] = '\0';
	}
	return s;
}

static bool is_power_of_two(uint32_t n)
{
	return n && !(n & (n - 1));
}

/* Read and check the fixed header and sub header of one file. */
static struct kc_error *read_headers(struct kc_file *file, uint8_t *dh,
				     uint8_t *sh, struct kdump_header *hdr)
{
	struct kc_error *err = kc_file_read(file, 0, dh, DH_SIZE,
					    "kdump header");
	if (err)
		return err;
	if (memcmp(dh + DH_SIGNATURE, KDUMP_SIGNATURE, KDUMP_SIGNATURE_LEN))
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x0: signature \"%.8s\", expected \"KDUMP   \"",
				       file->path, (const char *)dh);
	hdr->version = (int32_t)kc_get_le32(dh + DH_HEADER_VERSION);
	if (hdr->version < 1)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: header_version %d, expected 1 to %d",
				       file->path, DH_HEADER_VERSION,
				       hdr->version, KDUMP_MAX_VERSION);
	if (hdr->version > KDUMP_MAX_VERSION)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s: offset 0x%x: header_version %d, expected 1 to %d",
				       file->path, DH_HEADER_VERSION,
				       hdr->version, KDUMP_MAX_VERSION);
	hdr->status = kc_get_le32(dh + DH_STATUS);
	hdr->block_size = kc_get_le32(dh + DH_BLOCK_SIZE);
	hdr->sub_hdr_size = (int32_t)kc_get_le32(dh + DH_SUB_HDR_SIZE);
	hdr->bitmap_blocks = kc_get_le32(dh + DH_BITMAP_BLOCKS);
	hdr->max_mapnr = kc_get_le32(dh + DH_MAX_MAPNR);
	hdr->nr_cpus = (int32_t)kc_get_le32(dh + DH_NR_CPUS);

	if (!is_power_of_two(hdr->block_size) ||
	    hdr->block_size < MIN_BLOCK_SIZE || hdr->block_size > MAX_BLOCK_SIZE)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: block_size %u, expected a power of two from %u to %u",
				       file->path, DH_BLOCK_SIZE,
				       hdr->block_size, MIN_BLOCK_SIZE,
				       MAX_BLOCK_SIZE);
	uint32_t max_sub_blocks = MAX_SUB_HDR_BYTES / hdr->block_size;
	if (hdr->sub_hdr_size < 1 || (uint32_t)hdr->sub_hdr_size > max_sub_blocks)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: sub_hdr_size %d blocks, expected 1 to %u",
				       file->path, DH_SUB_HDR_SIZE,
				       hdr->sub_hdr_size, max_sub_blocks);
	if (hdr->bitmap_blocks == 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: bitmap_blocks 0, expected at least 2",
				       file->path, DH_BITMAP_BLOCKS);

	err = kc_file_read(file, hdr->block_size, sh, SH_SIZE,
			   "kdump sub header");
	if (err)
		return err;
	hdr->phys_base = kc_get_le64(sh + SH_PHYS_BASE);
	hdr->dump_level = (int32_t)kc_get_le32(sh + SH_DUMP_LEVEL);
	if (hdr->version >= 2) {
		hdr->split = (int32_t)kc_get_le32(sh + SH_SPLIT);
		hdr->start_pfn = kc_get_le64(sh + SH_START_PFN);
		hdr->end_pfn = kc_get_le64(sh + SH_END_PFN);
	}
	if (hdr->version >= 3) {
		hdr->offset_vmcoreinfo = kc_get_le64(sh + SH_OFFSET_VMCOREINFO);
		hdr->size_vmcoreinfo = kc_get_le64(sh + SH_SIZE_VMCOREINFO);
	}
	if (hdr->version >= 4) {
		hdr->offset_note = kc_get_le64(sh + SH_OFFSET_NOTE);
		hdr->size_note = kc_get_le64(sh + SH_SIZE_NOTE);
	}
	if (hdr->version >= 6) {
		hdr->start_pfn_64 = kc_get_le64(sh + SH_START_PFN_64);
		hdr->end_pfn_64 = kc_get_le64(sh + SH_END_PFN_64);
		hdr->max_mapnr_64 = kc_get_le64(sh + SH_MAX_MAPNR_64);
	}
	return NULL;
}

/* Every header and sub-header field the version has, for help -D. */
static struct kc_error *add_header_fields(struct kc_dump *dump,
					  const uint8_t *dh, const uint8_t *sh,
					  int version)
{
	static const char *const uts_names[] = {
		"sysname", "nodename", "release", "version", "machine",
		"domainname",
	};
	static const struct {
		const char *name;
		unsigned offset;
		bool is_signed;
	} u32_fields[] = {
		{"status", DH_STATUS, false},
		{"block_size", DH_BLOCK_SIZE, true},
		{"sub_hdr_size", DH_SUB_HDR_SIZE, true},
		{"bitmap_blocks", DH_BITMAP_BLOCKS, false},
		{"max_mapnr", DH_MAX_MAPNR, false},
		{"total_ram_blocks", DH_TOTAL_RAM_BLOCKS, false},
		{"device_blocks", DH_DEVICE_BLOCKS, false},
		{"written_blocks", DH_WRITTEN_BLOCKS, false},
		{"current_cpu", DH_CURRENT_CPU, false},
		{"nr_cpus", DH_NR_CPUS, true},
	};
	static const struct {
		const char *name;
		unsigned offset;
		int since;
		bool hex;
	} u64_fields[] = {
		{"start_pfn", SH_START_PFN, 2, true},
		{"end_pfn", SH_END_PFN, 2, true},
		{"offset_vmcoreinfo", SH_OFFSET_VMCOREINFO, 3, true},
		{"size_vmcoreinfo", SH_SIZE_VMCOREINFO, 3, false},
		{"offset_note", SH_OFFSET_NOTE, 4, true},
		{"size_note", SH_SIZE_NOTE, 4, false},
		{"offset_eraseinfo", SH_OFFSET_ERASEINFO, 5, true},
		{"size_eraseinfo", SH_SIZE_ERASEINFO, 5, false},
		{"start_pfn_64", SH_START_PFN_64, 6, true},
		{"end_pfn_64", SH_END_PFN_64, 6, true},
		{"max_mapnr_64", SH_MAX_MAPNR_64, 6, true},
	};
	struct kc_error *err;

	err = kc_dump_add_field(dump, "signature", "\"%.8s\"",
				(const char *)dh + DH_SIGNATURE);
	if (!err)
		err = kc_dump_add_field(dump, "header_version", "%d", version);
	for (size_t i = 0; !err && i < 6; i++) {
		const char *s = (const char *)dh + DH_UTSNAME + i * UTS_LEN;
		err = kc_dump_add_field(dump, uts_names[i], "\"%.*s\"",
					(int)strnlen(s, UTS_LEN), s);
	}
	if (!err)
		err = kc_dump_add_field(dump, "timestamp",
					"%lld.%06lld",
					(long long)kc_get_le64(dh + DH_TIMESTAMP_SEC),
					(long long)kc_get_le64(dh + DH_TIMESTAMP_USEC));
	for (size_t i = 0; !err && i < sizeof(u32_fields) / sizeof(u32_fields[0]); i++) {
		uint32_t v = kc_get_le32(dh + u32_fields[i].offset);
		if (i == 0)
			err = kc_dump_add_field(dump, u32_fields[i].name,
						"0x%x", v);
		else if (u32_fields[i].is_signed)
			err = kc_dump_add_field(dump, u32_fields[i].name, "%d",
						(int32_t)v);
		else
			err = kc_dump_add_field(dump, u32_fields[i].name, "%u",
						v);
	}
	if (!err)
		err = kc_dump_add_field(dump, "phys_base", "0x%llx",
					(unsigned long long)kc_get_le64(sh + SH_PHYS_BASE));
	if (!err)
		err = kc_dump_add_field(dump, "dump_level", "%d",
					(int32_t)kc_get_le32(sh + SH_DUMP_LEVEL));
	if (!err && version >= 2)
		err = kc_dump_add_field(dump, "split", "%d",
					(int32_t)kc_get_le32(sh + SH_SPLIT));
	for (size_t i = 0; !err && i < sizeof(u64_fields) / sizeof(u64_fields[0]); i++) {
		if (version < u64_fields[i].since)
			continue;
		unsigned long long v = kc_get_le64(sh + u64_fields[i].offset);
		err = kc_dump_add_field(dump, u64_fields[i].name,
					u64_fields[i].hex ? "0x%llx" : "%llu", v);
	}
	return err;
}

static char *compression_names(uint32_t status)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} codecs[] = {
		{DUMP_DH_COMPRESSED_ZLIB, "zlib"},
		{DUMP_DH_COMPRESSED_LZO, "lzo"},
		{DUMP_DH_COMPRESSED_SNAPPY, "snappy"},
		{DUMP_DH_COMPRESSED_ZSTD, "zstd"},
	};
	char buf[64] = "";
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		if (!(status & codecs[i].flag))
			continue;
		if (buf[0])
			strcat(buf, "+");
		strcat(buf, codecs[i].name);
	}
	return strdup(buf[0] ? buf : "none");
}

static struct kc_error *fill_from_header(struct kc_dump *dump,
					 const uint8_t *dh, const uint8_t *sh,
					 const struct kdump_header *hdr)
{
	if (asprintf(&dump->format_name, "kdump-compressed v%d",
		     hdr->version) < 0) {
		dump->format_name = NULL;
		return &kc_error_nomem;
	}
	dump->compression = compression_names(hdr->status);
	if (!dump->compression)
		return &kc_error_nomem;
	const uint8_t *uts = dh + DH_UTSNAME;
	dump->utsname_nodename = uts_string(uts + 1 * UTS_LEN);
	dump->utsname_release = uts_string(uts + 2 * UTS_LEN);
	dump->utsname_version = uts_string(uts + 3 * UTS_LEN);
	dump->utsname_machine = uts_string(uts + 4 * UTS_LEN);
	dump->timestamp_sec = (int64_t)kc_get_le64(dh + DH_TIMESTAMP_SEC);
	dump->timestamp_usec = (int64_t)kc_get_le64(dh + DH_TIMESTAMP_USEC);
	/* QEMU leaves it zero: that is "unknown", not 1970. */
	dump->has_timestamp = dump->timestamp_sec || dump->timestamp_usec;
	dump->header_nr_cpus = hdr->nr_cpus > 0 ? (uint32_t)hdr->nr_cpus : 0;
	dump->dump_level = hdr->dump_level;
	dump->incomplete = hdr->status & DUMP_DH_COMPRESSED_INCOMPLETE;
	return add_header_fields(dump, dh, sh, hdr->version);
}

/* The number of pfns the dump describes, checked against the bitmaps. */
static struct kc_error *check_max_pfn(struct kc_dump *dump,
				      const struct kc_file *file,
				      const struct kdump_header *hdr,
				      uint64_t *ret)
{
	uint64_t max_pfn = hdr->max_mapnr;
	if (hdr->version >= 6) {
		/* A 64-bit count the 32-bit field saturates at. */
		max_pfn = hdr->max_mapnr_64;
		if (max_pfn != hdr->max_mapnr &&
		    !(max_pfn > UINT32_MAX && hdr->max_mapnr == UINT32_MAX)) {
			struct kc_error *err = kc_dump_add_warning(dump,
				"%s: offset 0x%x: max_mapnr %u differs from max_mapnr_64 0x%llx; using max_mapnr_64",
				file->path, DH_MAX_MAPNR, hdr->max_mapnr,
				(unsigned long long)max_pfn);
			if (err)
				return err;
		}
	}
	unsigned where = hdr->version >= 6 ? hdr->block_size + SH_MAX_MAPNR_64
					   : DH_MAX_MAPNR;
	unsigned shift = (unsigned)__builtin_ctz(hdr->block_size);
	if (max_pfn == 0 || max_pfn > (UINT64_MAX >> shift))
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: max_mapnr 0x%llx, expected 1 to 0x%llx pfns of %u bytes",
				       file->path, where,
				       (unsigned long long)max_pfn,
				       (unsigned long long)(UINT64_MAX >> shift),
				       hdr->block_size);
	/* Each of the two bitmaps takes half of bitmap_blocks. */
	uint64_t bitmap_bits = (uint64_t)hdr->bitmap_blocks * hdr->block_size / 2 * 8;
	if (bitmap_bits < max_pfn)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: bitmap_blocks %u cover 0x%llx pfns, expected enough for max_mapnr 0x%llx",
				       file->path, DH_BITMAP_BLOCKS,
				       hdr->bitmap_blocks,
				       (unsigned long long)bitmap_bits,
				       (unsigned long long)max_pfn);
	uint64_t bits_per_block = (uint64_t)hdr->block_size * 8;
	uint64_t needed = 2 * ((max_pfn + bits_per_block - 1) / bits_per_block);
	if (hdr->bitmap_blocks != needed) {
		struct kc_error *err = kc_dump_add_warning(dump,
			"%s: offset 0x%x: bitmap_blocks %u, expected %llu for max_mapnr 0x%llx; the page descriptors may be misplaced",
			file->path, DH_BITMAP_BLOCKS, hdr->bitmap_blocks,
			(unsigned long long)needed,
			(unsigned long long)max_pfn);
		if (err)
			return err;
	}
	*ret = max_pfn;
	return NULL;
}

/* Point the part at its bitmaps, borrowed from the mapping when possible. */
static struct kc_error *load_bitmaps(struct kdump_part *part,
				     uint64_t bitmap_bytes)
{
	const struct kdump_header *hdr = &part->hdr;
	uint64_t offset = (uint64_t)hdr->block_size * (1 + (uint64_t)hdr->sub_hdr_size);
	uint64_t total = 2 * bitmap_bytes;
	struct kc_file *file = part->file;
	if (offset >= file->size)
		return kc_error_create(KC_ERR_TRUNCATED,
				       "%s: offset 0x%llx: file ends at 0x%llx, before the kdump bitmaps (0x%llx-0x%llx)",
				       file->path, (unsigned long long)offset,
				       (unsigned long long)file->size,
				       (unsigned long long)offset,
				       (unsigned long long)(offset + total));
	if (total > file->size - offset)
		return kc_error_create(KC_ERR_TRUNCATED,
				       "%s: offset 0x%llx: file ends there, inside the kdump bitmaps (0x%llx-0x%llx)",
				       file->path, (unsigned long long)file->size,
				       (unsigned long long)offset,
				       (unsigned long long)(offset + total));
	/*
	 * A flattened file's logical size comes from its records' offsets, so
	 * it can claim far more than the file stores: bitmaps larger than the
	 * whole file cannot be in it, and must not be allocated.
	 */
	if (total > file->map_size)
		return kc_error_create(KC_ERR_TRUNCATED,
				       "%s: offset 0x%llx: kdump bitmaps of 0x%llx bytes, but the file holds only 0x%llx bytes",
				       file->path, (unsigned long long)offset,
				       (unsigned long long)total,
				       (unsigned long long)file->map_size);
	const uint8_t *bitmaps = kc_file_ptr(file, offset, total);
	if (!bitmaps) {
		if (total > SIZE_MAX)
			return &kc_error_nomem;
		part->bitmaps_copy = malloc(total);
		if (!part->bitmaps_copy)
			return &kc_error_nomem;
		struct kc_error *err = kc_file_read(file, offset,
						    part->bitmaps_copy, total,
						    "kdump bitmaps");
		if (err)
			return err;
		bitmaps = part->bitmaps_copy;
	}
	part->bitmap1 = bitmaps;
	part->bitmap2 = bitmaps + bitmap_bytes;
	part->desc_offset = offset + (uint64_t)hdr->bitmap_blocks * hdr->block_size;
	return NULL;
}

/* Which pfns the part's descriptors cover; the whole dump unless split. */
static struct kc_error *part_pfn_range(struct kc_dump *dump,
				       struct kdump_part *part,
				       uint64_t max_pfn)
{
	const struct kdump_header *hdr = &part->hdr;
	part->start_pfn = 0;
	part->end_pfn = max_pfn;
	if (hdr->version < 2 || !hdr->split)
		return NULL;
	bool v6 = hdr->version >= 6;
	uint64_t start = v6 ? hdr->start_pfn_64 : hdr->start_pfn;
	uint64_t end = v6 ? hdr->end_pfn_64 : hdr->end_pfn;
	unsigned where = hdr->block_size + (v6 ? SH_START_PFN_64 : SH_START_PFN);
	if (start >= end || start >= max_pfn)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%x: split pfn range 0x%llx-0x%llx, expected a non-empty range below max_mapnr 0x%llx",
				       part->file->path, where,
				       (unsigned long long)start,
				       (unsigned long long)end,
				       (unsigned long long)max_pfn);
	if (end > max_pfn) {
		struct kc_error *err = kc_dump_add_warning(dump,
			"%s: offset 0x%x: split end_pfn 0x%llx is past max_mapnr 0x%llx; clipped",
			part->file->path, where + 8, (unsigned long long)end,
			(unsigned long long)max_pfn);
		if (err)
			return err;
		end = max_pfn;
	}
	part->start_pfn = start;
	part->end_pfn = end;
	return NULL;
}

static uint64_t desc_end(const struct kdump_part *part, uint64_t nr_descs)
{
	return part->desc_offset + nr_descs * PD_BYTES;
}

/*
 * Warn when the file ends before its descriptors or the last page's data:
 * the descriptor count is a popcount of the bitmap, and makedumpfile writes
 * page data in descriptor order, so the last descriptor's data ends it.
 */
static struct kc_error *check_truncation(struct kc_dump *dump,
					 const struct kdump_part *part)
{
	const struct kc_file *file = part->file;
	uint64_t nr_descs = count_set_bits(part->bitmap2, part->start_pfn,
					   part->end_pfn);
	if (file->flattened && file->flat_unterminated) {
		struct kc_error *err = kc_dump_add_warning(dump,
			"%s: flattened file ends at 0x%llx without its end marker; it may be truncated",
			file->path, (unsigned long long)file->map_size);
		if (err)
			return err;
	}
	if (nr_descs == 0)
		return NULL;
	uint64_t end = desc_end(part, nr_descs);
	if (end > file->size) {
		uint64_t whole = file->size > part->desc_offset
			? (file->size - part->desc_offset) / PD_BYTES : 0;
		return kc_dump_add_warning(dump,
			"%s: file ends at 0x%llx inside the page descriptors (0x%llx-0x%llx): only %llu of %llu dumped pages can be found",
			file->path, (unsigned long long)file->size,
			(unsigned long long)part->desc_offset,
			(unsigned long long)end, (unsigned long long)whole,
			(unsigned long long)nr_descs);
	}
	uint8_t pd[PD_BYTES];
	struct kc_error *err = kc_file_read(file, end - PD_BYTES, pd, PD_BYTES,
					    "page descriptor");
	if (err) {
		kc_error_destroy(err);
		return kc_dump_add_warning(dump,
			"%s: offset 0x%llx: last page descriptor is not in the file; it is truncated",
			file->path, (unsigned long long)(end - PD_BYTES));
	}
	uint64_t data = kc_get_le64(pd + PD_OFFSET);
	uint32_t size = kc_get_le32(pd + PD_SIZE);
	if (data > file->size || size > file->size - data)
		return kc_dump_add_warning(dump,
			"%s: file ends at 0x%llx before the data of the last dumped page (0x%llx, %u bytes): the dump is truncated and later pages are missing",
			file->path, (unsigned long long)file->size,
			(unsigned long long)data, size);
	return NULL;
}

/* VMCOREINFO and crash notes (v4+), or the bare VMCOREINFO (v3). */
static struct kc_error *load_notes(struct kc_dump *dump,
				   const struct kdump_part *part)
{
	const struct kdump_header *hdr = &part->hdr;
	const struct kc_file *file = part->file;
	struct kc_error *err;
	if (hdr->version >= 4 && hdr->size_note) {
		uint64_t off = hdr->offset_note, size = hdr->size_note;
		if (size > MAX_NOTE_BYTES || off > file->size ||
		    size > file->size - off)
			return kc_dump_add_warning(dump,
				"%s: offset 0x%x: note area 0x%llx+0x%llx is not within the file (size 0x%llx); crash notes ignored",
				file->path, hdr->block_size + SH_OFFSET_NOTE,
				(unsigned long long)off,
				(unsigned long long)size,
				(unsigned long long)file->size);
		uint8_t *copy = NULL;
		const uint8_t *notes = kc_file_ptr(file, off, size);
		if (!notes) {
			copy = malloc(size);
			if (!copy)
				return &kc_error_nomem;
			err = kc_file_read(file, off, copy, size, "ELF notes");
			if (err) {
				free(copy);
				struct kc_error *werr = kc_dump_add_warning(dump,
					"%s; crash notes ignored", kc_error_message(err));
				kc_error_destroy(err);
				return werr;
			}
			notes = copy;
		}
		err = kc_parse_notes(dump, notes, size, file->path, off);
		free(copy);
		if (err && err->code == KC_ERR_NOMEM)
			return err;
		if (err) {
			struct kc_error *werr = kc_dump_add_warning(dump,
				"%s; later notes ignored", kc_error_message(err));
			kc_error_destroy(err);
			if (werr)
				return werr;
		}
	}
	if (dump->vmcoreinfo || hdr->version < 3 || !hdr->size_vmcoreinfo)
		return NULL;
	uint64_t off = hdr->offset_vmcoreinfo, size = hdr->size_vmcoreinfo;
	if (size > MAX_NOTE_BYTES || off > file->size || size > file->size - off)
		return kc_dump_add_warning(dump,
			"%s: offset 0x%x: VMCOREINFO 0x%llx+0x%llx is not within the file (size 0x%llx); ignored",
			file->path, hdr->block_size + SH_OFFSET_VMCOREINFO,
			(unsigned long long)off, (unsigned long long)size,
			(unsigned long long)file->size);
	char *text = malloc(size + 1);
	if (!text)
		return &kc_error_nomem;
	err = kc_file_read(file, off, text, size, "VMCOREINFO");
	if (err) {
		free(text);
		struct kc_error *werr = kc_dump_add_warning(dump, "%s; ignored",
							    kc_error_message(err));
		kc_error_destroy(err);
		return werr;
	}
	text[size] = '\0';
	dump->vmcoreinfo = text;
	dump->vmcoreinfo_size = strlen(text);
	return NULL;
}

/* Runs of pfns in memory (1st bitmap), as physical ranges. */
static struct kc_error *build_ranges(struct kc_dump *dump,
				     const struct kdump_priv *priv)
{
	const uint8_t *bitmap = priv->parts[0].bitmap1;
	size_t capacity = 0;
	uint64_t pfn = 0;
	for (;;) {
		uint64_t start = find_bit(bitmap, pfn, priv->max_pfn, true);
		if (start == priv->max_pfn)
			break;
		uint64_t end = find_bit(bitmap, start, priv->max_pfn, false);
		if (dump->nr_ranges == capacity) {
			capacity = capacity ? 2 * capacity : 16;
			void *grown = realloc(dump->ranges,
					      capacity * sizeof(*dump->ranges));
			if (!grown)
				return &kc_error_nomem;
			dump->ranges = grown;
		}
		dump->ranges[dump->nr_ranges++] = (struct kc_dump_range){
			.start = start << priv->block_shift,
			.end = end << priv->block_shift,
		};
		pfn = end;
	}
	return NULL;
}

/* Split dumps: parts must agree and their pfn ranges must not overlap. */
static int compare_parts(const void *a, const void *b)
{
	const struct kdump_part *pa = a, *pb = b;
	if (pa->start_pfn != pb->start_pfn)
		return pa->start_pfn < pb->start_pfn ? -1 : 1;
	return 0;
}

static struct kc_error *check_parts(struct kc_dump *dump,
				    struct kdump_priv *priv)
{
	const struct kdump_part *first = &priv->parts[0];
	for (unsigned i = 0; i < priv->nr_parts; i++) {
		const struct kdump_part *part = &priv->parts[i];
		const char *path = part->file->path;
		if (priv->nr_parts > 1 && (part->hdr.version < 2 || !part->hdr.split))
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: offset 0x%x: split %d, expected a part of a makedumpfile --split dump like the other %u files",
					       path, part->hdr.block_size + SH_SPLIT,
					       part->hdr.split, priv->nr_parts - 1);
		if (part->hdr.block_size != first->hdr.block_size ||
		    part->hdr.bitmap_blocks != first->hdr.bitmap_blocks)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: offset 0x%x: block_size %u and bitmap_blocks %u, expected %u and %u as in %s",
					       path, DH_BLOCK_SIZE,
					       part->hdr.block_size,
					       part->hdr.bitmap_blocks,
					       first->hdr.block_size,
					       first->hdr.bitmap_blocks,
					       first->file->path);
	}
	qsort(priv->parts, priv->nr_parts, sizeof(*priv->parts), compare_parts);
	uint64_t covered = 0;
	for (unsigned i = 0; i < priv->nr_parts; i++) {
		const struct kdump_part *part = &priv->parts[i];
		if (i > 0 && part->start_pfn < priv->parts[i - 1].end_pfn)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: offset 0x%x: split pfns 0x%llx-0x%llx overlap those of %s",
					       part->file->path,
					       part->hdr.block_size + SH_START_PFN,
					       (unsigned long long)part->start_pfn,
					       (unsigned long long)part->end_pfn,
					       priv->parts[i - 1].file->path);
		covered += part->end_pfn - part->start_pfn;
	}
	if (covered < priv->max_pfn) {
		return kc_dump_add_warning(dump,
			"%s: the %u file(s) of this split dump hold pfns for 0x%llx of 0x%llx pfns; pages of the other files are missing",
			priv->parts[0].file->path, priv->nr_parts,
			(unsigned long long)covered,
			(unsigned long long)priv->max_pfn);
	}
	return NULL;
}

static void free_priv(struct kdump_priv *priv, bool close_files)
{
	if (!priv)
		return;
	for (unsigned i = 0; i < priv->nr_parts; i++) {
		free(priv->parts[i].bitmaps_copy);
		free(priv->parts[i].rank_index);
		if (close_files)
			kc_file_close(priv->parts[i].file);
	}
	free(priv->parts);
	free(priv->cache.slots);
	free(priv->cache.data);
	free(priv->cache.hands);
	kc_codec_ctx_destroy(priv->codec);
	free(priv->stored_buf);
	free(priv);
}

static struct kc_error *open_parts(struct kc_dump *dump,
				   struct kdump_priv *priv,
				   struct kc_file **files)
{
	uint8_t dh[DH_SIZE], sh[SH_SIZE];
	struct kc_error *err;
	for (unsigned i = 0; i < priv->nr_parts; i++) {
		struct kdump_part *part = &priv->parts[i];
		part->file = files[i];
		err = read_headers(part->file, dh, sh, &part->hdr);
		if (err)
			return err;
		if (i == 0) {
			err = fill_from_header(dump, dh, sh, &part->hdr);
			if (err)
				return err;
		}
		uint64_t max_pfn = 0;
		err = check_max_pfn(dump, part->file, &part->hdr, &max_pfn);
		if (err)
			return err;
		if (i == 0) {
			priv->max_pfn = max_pfn;
			priv->block_size = part->hdr.block_size;
			priv->block_shift = (unsigned)__builtin_ctz(priv->block_size);
			priv->bitmap_bytes = (uint64_t)part->hdr.bitmap_blocks *
					     part->hdr.block_size / 2;
		} else if (max_pfn != priv->max_pfn) {
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: max_mapnr 0x%llx, expected 0x%llx as in %s",
					       part->file->path,
					       (unsigned long long)max_pfn,
					       (unsigned long long)priv->max_pfn,
					       priv->parts[0].file->path);
		}
		err = part_pfn_range(dump, part, priv->max_pfn);
		if (err)
			return err;
	}
	err = check_parts(dump, priv);
	if (err)
		return err;
	for (unsigned i = 0; i < priv->nr_parts; i++) {
		struct kdump_part *part = &priv->parts[i];
		err = load_bitmaps(part, priv->bitmap_bytes);
		if (err)
			return err;
		err = check_truncation(dump, part);
		if (err)
			return err;
	}
	return NULL;
}

struct kc_error *kc_kdump_open(struct kc_dump *dump, struct kc_file **files,
			       size_t nr_files,
			       const struct kc_dump_options *opts)
{
	if (nr_files == 0 || nr_files > 4096)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "kdump: %zu files given, expected 1 to 4096",
				       nr_files);
	struct kdump_priv *priv = calloc(1, sizeof(*priv));
	if (!priv)
		return &kc_error_nomem;
	struct kc_error *err = NULL;
	priv->nr_parts = (unsigned)nr_files;
	priv->parts = calloc(nr_files, sizeof(*priv->parts));
	if (!priv->parts) {
		err = &kc_error_nomem;
		goto fail;
	}
	priv->cache_bytes = opts && opts->cache_bytes ? opts->cache_bytes
						      : KC_DUMP_DEFAULT_CACHE_BYTES;
	err = open_parts(dump, priv, files);
	if (err)
		goto fail;
	const struct kdump_part *first = &priv->parts[0];
	if (dump->incomplete) {
		err = kc_dump_add_warning(dump,
			"%s: offset 0x%x: status 0x%x says the dump is incomplete (makedumpfile could not write every page); unwritten pages are missing",
			first->file->path, DH_STATUS, first->hdr.status);
		if (err)
			goto fail;
	}
	if (nr_files == 1 && first->hdr.version >= 2 && first->hdr.split) {
		err = kc_dump_add_warning(dump,
			"%s: one file of a split dump: only pfns 0x%llx-0x%llx are in it",
			first->file->path,
			(unsigned long long)first->start_pfn,
			(unsigned long long)first->end_pfn);
		if (err)
			goto fail;
	}
	err = load_notes(dump, first);
	if (err)
		goto fail;
	err = build_ranges(dump, priv);
	if (err)
		goto fail;
	err = kc_codec_ctx_create(&priv->codec);
	if (err)
		goto fail;
	dump->format = KC_DUMP_KDUMP;
	dump->page_size = priv->block_size;
	dump->nr_files = priv->nr_parts;
	dump->priv = priv;
	dump->ops = &kdump_ops;
	return NULL;

fail:
	free_priv(priv, false);
	return err;
}

/* pfn -> descriptor. */

static struct kc_error *build_rank_index(struct kdump_priv *priv,
					 struct kdump_part *part)
{
	uint64_t bits = priv->bitmap_bytes * 8;
	uint64_t nr_chunks = bits / RANK_CHUNK_BITS + 1;
	uint64_t *index = malloc(nr_chunks * sizeof(*index));
	if (!index)
		return &kc_error_nomem;
	uint64_t count = 0;
	for (uint64_t i = 0; i < nr_chunks; i++) {
		index[i] = count;
		uint64_t from = i * RANK_CHUNK_BITS;
		uint64_t to = from + RANK_CHUNK_BITS < bits ? from + RANK_CHUNK_BITS : bits;
		if (from < to)
			count += count_set_bits(part->bitmap2, from, to);
	}
	part->rank_index = index;
	uint64_t chunk = part->start_pfn / RANK_CHUNK_BITS;
	part->first_rank = index[chunk] +
		count_set_bits(part->bitmap2, chunk * RANK_CHUNK_BITS,
			       part->start_pfn);
	return NULL;
}

/* Set bits of the part's 2nd bitmap in [0, PFN). */
static uint64_t rank(const struct kdump_part *part, uint64_t pfn)
{
	uint64_t chunk = pfn / RANK_CHUNK_BITS;
	return part->rank_index[chunk] +
	       count_set_bits(part->bitmap2, chunk * RANK_CHUNK_BITS, pfn);
}

static const struct kdump_part *part_for_pfn(const struct kdump_priv *priv,
					     uint64_t pfn, unsigned *index)
{
	size_t lo = 0, hi = priv->nr_parts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kdump_part *part = &priv->parts[mid];
		if (pfn < part->start_pfn)
			hi = mid;
		else if (pfn >= part->end_pfn)
			lo = mid + 1;
		else {
			*index = (unsigned)mid;
			return part;
		}
	}
	return NULL;
}

static enum kc_codec codec_of(uint32_t flags)
{
	switch (flags & DUMP_DH_COMPRESSED_ANY) {
	case 0:
		return KC_CODEC_NONE;
	case DUMP_DH_COMPRESSED_ZLIB:
		return KC_CODEC_ZLIB;
	case DUMP_DH_COMPRESSED_LZO:
		return KC_CODEC_LZO;
	case DUMP_DH_COMPRESSED_SNAPPY:
		return KC_CODEC_SNAPPY;
	case DUMP_DH_COMPRESSED_ZSTD:
		return KC_CODEC_ZSTD;
	}
	return (enum kc_codec)-1; /* several codec bits: corrupt */
}

static enum locate_status locate_page(struct kdump_priv *priv, uint64_t pfn,
				      struct page_loc *loc)
{
	if (pfn >= priv->max_pfn)
		return LOC_NOT_IN_DUMP;
	unsigned index = 0;
	const struct kdump_part *part = part_for_pfn(priv, pfn, &index);
	/* Every part has the whole bitmaps; the first has them all. */
	const struct kdump_part *any = part ? part : &priv->parts[0];
	if (!test_bit(any->bitmap1, pfn))
		return LOC_NOT_IN_DUMP;
	if (!test_bit(any->bitmap2, pfn))
		return LOC_EXCLUDED;
	if (!part)
		return LOC_NO_PART;
	if (!part->rank_index &&
	    build_rank_index(priv, &priv->parts[index]))
		return LOC_NOMEM;
	loc->part = index;
	loc->desc_offset = desc_end(part, rank(part, pfn) - part->first_rank);
	const struct kc_file *file = part->file;
	if (loc->desc_offset > file->size || PD_BYTES > file->size - loc->desc_offset)
		return LOC_DESC_PAST_EOF;
	uint8_t copy[PD_BYTES];
	const uint8_t *pd = kc_file_ptr(file, loc->desc_offset, PD_BYTES);
	if (!pd) {
		struct kc_error *err = kc_file_read(file, loc->desc_offset, copy,
						    PD_BYTES, "page descriptor");
		if (err) {
			kc_error_destroy(err);
			return LOC_DESC_HOLE;
		}
		pd = copy;
	}
	loc->data_offset = kc_get_le64(pd + PD_OFFSET);
	loc->size = kc_get_le32(pd + PD_SIZE);
	loc->flags = kc_get_le32(pd + PD_FLAGS);
	loc->page_flags = kc_get_le64(pd + PD_PAGE_FLAGS);
	loc->codec = codec_of(loc->flags);
	if (loc->size == 0)
		return LOC_DESC_EMPTY;
	if (loc->codec == (enum kc_codec)-1)
		return LOC_BAD_FLAGS;
	if (loc->codec == KC_CODEC_NONE ? loc->size != priv->block_size
					: loc->size > MAX_STORED_FACTOR * priv->block_size)
		return LOC_BAD_SIZE;
	if (loc->data_offset > file->size ||
	    loc->size > file->size - loc->data_offset)
		return LOC_DATA_PAST_EOF;
	return LOC_OK;
}

static enum kc_page_state state_of(enum locate_status status)
{
	switch (status) {
	case LOC_OK:
	case LOC_BAD_FLAGS:
	case LOC_BAD_SIZE:
	case LOC_NOMEM:
		return KC_PAGE_PRESENT; /* stored, if unreadable */
	case LOC_NOT_IN_DUMP:
		return KC_PAGE_NOT_IN_DUMP;
	case LOC_EXCLUDED:
		return KC_PAGE_EXCLUDED;
	case LOC_NO_PART:
	case LOC_DESC_PAST_EOF:
	case LOC_DESC_HOLE:
	case LOC_DESC_EMPTY:
	case LOC_DATA_PAST_EOF:
		return KC_PAGE_MISSING;
	}
	return KC_PAGE_MISSING;
}

static struct kc_error *locate_error(const struct kc_dump *dump,
				     const struct kdump_priv *priv,
				     uint64_t paddr, uint64_t pfn,
				     enum locate_status status,
				     const struct page_loc *loc)
{
	const struct kdump_part *part = &priv->parts[loc->part];
	const char *path = part->file->path;
	unsigned long long pa = paddr, p = pfn;
	unsigned long long file_size = part->file->size;
	switch (status) {
	case LOC_OK:
		return NULL;
	case LOC_NOT_IN_DUMP:
		return kc_error_address(KC_ERR_NOT_IN_DUMP, paddr,
					"physical address 0x%llx is not in the dump (pfn 0x%llx is outside its memory)",
					pa, p);
	case LOC_EXCLUDED:
		return kc_error_address(KC_ERR_EXCLUDED, paddr,
					"physical address 0x%llx: page excluded from the dump by makedumpfile (dump level %d)",
					pa, dump->dump_level);
	case LOC_NO_PART:
		return kc_error_address(KC_ERR_TRUNCATED, paddr,
					"physical address 0x%llx: pfn 0x%llx is in a file of this split dump that was not given",
					pa, p);
	case LOC_DESC_PAST_EOF:
		return kc_error_address(KC_ERR_TRUNCATED, paddr,
					"%s: offset 0x%llx: file ends at 0x%llx before the page descriptor of pfn 0x%llx (physical address 0x%llx)",
					path, (unsigned long long)loc->desc_offset,
					file_size, p, pa);
	case LOC_DESC_HOLE:
		return kc_error_address(KC_ERR_TRUNCATED, paddr,
					"%s: offset 0x%llx: no flattened record holds the page descriptor of pfn 0x%llx (physical address 0x%llx)",
					path, (unsigned long long)loc->desc_offset,
					p, pa);
	case LOC_DESC_EMPTY:
		return kc_error_address(KC_ERR_TRUNCATED, paddr,
					"%s: offset 0x%llx: page descriptor of pfn 0x%llx (physical address 0x%llx) is empty: makedumpfile did not write the page%s",
					path, (unsigned long long)loc->desc_offset,
					p, pa,
					dump->incomplete ? " (the dump is flagged incomplete)" : "");
	case LOC_DATA_PAST_EOF:
		return kc_error_address(KC_ERR_TRUNCATED, paddr,
					"%s: offset 0x%llx: file ends at 0x%llx before the %u bytes of pfn 0x%llx (physical address 0x%llx)",
					path, (unsigned long long)loc->data_offset,
					file_size, loc->size, p, pa);
	case LOC_BAD_FLAGS:
		return kc_error_address(KC_ERR_FORMAT, paddr,
					"%s: offset 0x%llx: page descriptor of pfn 0x%llx (physical address 0x%llx) has flags 0x%x, expected at most one compression flag",
					path, (unsigned long long)loc->desc_offset,
					p, pa, loc->flags);
	case LOC_BAD_SIZE:
		return kc_error_address(KC_ERR_FORMAT, paddr,
					"%s: offset 0x%llx: page descriptor of pfn 0x%llx (physical address 0x%llx) has size %u with flags 0x%x, expected %s %u",
					path, (unsigned long long)loc->desc_offset,
					p, pa, loc->size, loc->flags,
					loc->codec == KC_CODEC_NONE ? "exactly" : "at most",
					loc->codec == KC_CODEC_NONE ? priv->block_size
								    : MAX_STORED_FACTOR * priv->block_size);
	case LOC_NOMEM:
		return &kc_error_nomem;
	}
	return &kc_error_nomem;
}

/* The decompressed-page cache. */

static struct kc_error *cache_init(struct kdump_priv *priv)
{
	struct page_cache *cache = &priv->cache;
	size_t nr_slots = priv->cache_bytes / priv->block_size;
	if (nr_slots == 0)
		nr_slots = 1;
	cache->ways = nr_slots < CACHE_WAYS ? nr_slots : CACHE_WAYS;
	cache->nr_sets = nr_slots / cache->ways;
	nr_slots = cache->nr_sets * cache->ways;
	cache->slots = calloc(nr_slots, sizeof(*cache->slots));
	cache->hands = calloc(cache->nr_sets, 1);
	/* Untouched pages of this buffer cost nothing until used. */
	cache->data = malloc(nr_slots * priv->block_size);
	if (!cache->slots || !cache->hands || !cache->data) {
		free(cache->slots);
		free(cache->hands);
		free(cache->data);
		memset(cache, 0, sizeof(*cache));
		return &kc_error_nomem;
	}
	return NULL;
}

static size_t cache_set(const struct page_cache *cache, unsigned part,
			uint64_t offset)
{
	/* splitmix64's finalizer: stored offsets are far from uniform. */
	uint64_t h = offset ^ ((uint64_t)part << 48);
	h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
	h ^= h >> 31;
	return (size_t)(h % cache->nr_sets);
}

/* The slot holding (PART, OFFSET), or a victim for it; *HIT says which. */
static size_t cache_slot_for(struct page_cache *cache, unsigned part,
			     uint64_t offset, bool *hit)
{
	size_t set = cache_set(cache, part, offset);
	struct cache_slot *slots = &cache->slots[set * cache->ways];
	for (size_t i = 0; i < cache->ways; i++) {
		if (slots[i].valid && slots[i].data_offset == offset &&
		    slots[i].part == part) {
			slots[i].referenced = true;
			*hit = true;
			return set * cache->ways + i;
		}
	}
	*hit = false;
	/* CLOCK: pass over recently used slots, clearing their bit. */
	for (;;) {
		size_t i = cache->hands[set];
		cache->hands[set] = (uint8_t)((i + 1) % cache->ways);
		if (!slots[i].valid || !slots[i].referenced)
			return set * cache->ways + i;
		slots[i].referenced = false;
	}
}

/* The stored bytes of a page: borrowed from the mapping or copied into BUF. */
static const uint8_t *stored_bytes(const struct kc_file *file,
				   const struct page_loc *loc, uint8_t *buf,
				   struct kc_error **err)
{
	const uint8_t *p = kc_file_ptr(file, loc->data_offset, loc->size);
	if (p)
		return p;
	*err = kc_file_read(file, loc->data_offset, buf, loc->size,
			    "page data");
	return *err ? NULL : buf;
}

/* Decompress the page LOC stores into OUT (block_size bytes). */
static struct kc_error *decompress_into(struct kdump_priv *priv,
					const struct page_loc *loc,
					uint64_t pfn, uint64_t paddr,
					uint8_t *out)
{
	if (!priv->stored_buf) {
		priv->stored_buf = malloc(MAX_STORED_FACTOR * priv->block_size);
		if (!priv->stored_buf)
			return &kc_error_nomem;
	}
	const struct kc_file *file = priv->parts[loc->part].file;
	struct kc_error *err = NULL;
	const uint8_t *stored = stored_bytes(file, loc, priv->stored_buf, &err);
	if (!stored) {
		err->has_address = true;
		err->address = paddr;
		return kc_error_prefix(err, "physical address 0x%llx (pfn 0x%llx)",
				       (unsigned long long)paddr,
				       (unsigned long long)pfn);
	}
	err = kc_codec_decompress(priv->codec, loc->codec, stored, loc->size,
				  out, priv->block_size);
	if (err) {
		if (err->code != KC_ERR_DECOMPRESS)
			return err;
		struct kc_error *located = kc_error_address(KC_ERR_DECOMPRESS, paddr,
			"%s: offset 0x%llx: page data of pfn 0x%llx (physical address 0x%llx, %u bytes): %s",
			file->path, (unsigned long long)loc->data_offset,
			(unsigned long long)pfn, (unsigned long long)paddr,
			loc->size, kc_error_message(err));
		kc_error_destroy(err);
		return located;
	}
	return NULL;
}

/* The cached copy of the page LOC stores, or NULL; no eviction. */
static const uint8_t *cache_lookup(struct kdump_priv *priv,
				   const struct page_loc *loc)
{
	struct page_cache *cache = &priv->cache;
	if (!cache->slots)
		return NULL;
	size_t set = cache_set(cache, loc->part, loc->data_offset);
	for (size_t i = 0; i < cache->ways; i++) {
		struct cache_slot *slot = &cache->slots[set * cache->ways + i];
		if (slot->valid && slot->data_offset == loc->data_offset &&
		    slot->part == loc->part) {
			slot->referenced = true;
			return cache->data + (set * cache->ways + i) * priv->block_size;
		}
	}
	return NULL;
}

static struct kc_error *decompressed_page(struct kc_dump *dump,
					  struct kdump_priv *priv,
					  const struct page_loc *loc,
					  uint64_t pfn, uint64_t paddr,
					  const uint8_t **ret)
{
	struct kc_error *err;
	if (!priv->cache.slots) {
		err = cache_init(priv);
		if (err)
			return err;
	}
	bool hit;
	size_t slot_index = cache_slot_for(&priv->cache, loc->part,
					   loc->data_offset, &hit);
	struct cache_slot *slot = &priv->cache.slots[slot_index];
	uint8_t *page = priv->cache.data + slot_index * priv->block_size;
	if (hit) {
		dump->cache_hits++;
		*ret = page;
		return NULL;
	}
	dump->cache_misses++;
	slot->valid = false;
	err = decompress_into(priv, loc, pfn, paddr, page);
	if (err)
		return err;
	slot->data_offset = loc->data_offset;
	slot->part = loc->part;
	slot->valid = true;
	slot->referenced = true;
	*ret = page;
	return NULL;
}

/* Ops. */

static struct kc_error *kdump_read(struct kc_dump *dump, uint64_t paddr,
				   void *buf, size_t len)
{
	struct kdump_priv *priv = dump->priv;
	uint64_t pfn = paddr >> priv->block_shift;
	uint64_t in_page = paddr & (priv->block_size - 1);
	if (len > priv->block_size - in_page)
		return kc_error_address(KC_ERR_INVALID_ARG, paddr,
					"read of 0x%zx bytes at physical address 0x%llx crosses a dump page",
					len, (unsigned long long)paddr);
	struct page_loc loc = {0};
	enum locate_status status = locate_page(priv, pfn, &loc);
	if (status != LOC_OK)
		return locate_error(dump, priv, paddr, pfn, status, &loc);
	if (loc.codec == KC_CODEC_NONE) {
		/* Raw pages need no cache: copy straight from the mapping. */
		const struct kc_file *file = priv->parts[loc.part].file;
		const uint8_t *p = kc_file_ptr(file, loc.data_offset + in_page, len);
		if (p) {
			memcpy(buf, p, len);
			return NULL;
		}
		struct kc_error *err = kc_file_read(file, loc.data_offset + in_page,
						    buf, len, "page data");
		if (err) {
			err->has_address = true;
			err->address = paddr;
		}
		return err;
	}
	if (in_page == 0 && len == priv->block_size) {
		/*
		 * A whole-page read: the caller keeps the page, so decompress
		 * straight into its buffer rather than through a cache slot
		 * (filling fresh cache memory cost as much as lzo itself in
		 * bench/). Small reads, the translation and struct-reading
		 * kind, go through the cache.
		 */
		const uint8_t *cached = cache_lookup(priv, &loc);
		if (cached) {
			dump->cache_hits++;
			memcpy(buf, cached, len);
			return NULL;
		}
		dump->cache_misses++;
		return decompress_into(priv, &loc, pfn, paddr, buf);
	}
	const uint8_t *page = NULL;
	struct kc_error *err = decompressed_page(dump, priv, &loc, pfn, paddr,
						 &page);
	if (err)
		return err;
	memcpy(buf, page + in_page, len);
	return NULL;
}

static enum kc_page_state kdump_page_state(struct kc_dump *dump,
					   uint64_t paddr)
{
	struct kdump_priv *priv = dump->priv;
	struct page_loc loc;
	return state_of(locate_page(priv, paddr >> priv->block_shift, &loc));
}

static void kdump_destroy(struct kc_dump *dump)
{
	free_priv(dump->priv, true);
	dump->priv = NULL;
}

static const struct kc_dump_ops kdump_ops = {
	.read = kdump_read,
	.page_state = kdump_page_state,
	.destroy = kdump_destroy,
};

/* kdump.h */

struct kc_error *kc_kdump_page_info(struct kc_dump *dump, uint64_t pfn,
				    struct kc_kdump_page_info *info)
{
	if (dump->ops != &kdump_ops)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s is not a kdump-compressed dump",
				       dump->path);
	struct kdump_priv *priv = dump->priv;
	struct page_loc loc = {0};
	uint64_t paddr = pfn < priv->max_pfn ? pfn << priv->block_shift : UINT64_MAX;
	enum locate_status status = locate_page(priv, pfn, &loc);
	if (status != LOC_OK)
		return locate_error(dump, priv, paddr, pfn, status, &loc);
	*info = (struct kc_kdump_page_info){
		.pfn = pfn,
		.desc_offset = loc.desc_offset,
		.file_offset = loc.data_offset,
		.size = loc.size,
		.flags = loc.flags,
		.page_flags = loc.page_flags,
		.codec = loc.codec,
		.file_index = loc.part,
	};
	return NULL;
}

const uint8_t *kc_kdump_stored_data(struct kc_dump *dump,
				    const struct kc_kdump_page_info *info,
				    void *buf, struct kc_error **err)
{
	*err = NULL;
	if (dump->ops != &kdump_ops) {
		*err = kc_error_create(KC_ERR_INVALID_ARG,
				       "%s is not a kdump-compressed dump",
				       dump->path);
		return NULL;
	}
	struct kdump_priv *priv = dump->priv;
	if (info->file_index >= priv->nr_parts) {
		*err = kc_error_create(KC_ERR_INVALID_ARG,
				       "file index %u, expected below %u",
				       info->file_index, priv->nr_parts);
		return NULL;
	}
	struct page_loc loc = {
		.data_offset = info->file_offset,
		.size = info->size,
	};
	return stored_bytes(priv->parts[info->file_index].file, &loc, buf, err);
}

uint64_t kc_kdump_max_pfn(const struct kc_dump *dump)
{
	if (dump->ops != &kdump_ops)
		return 0;
	const struct kdump_priv *priv = dump->priv;
	return priv->max_pfn;
}
