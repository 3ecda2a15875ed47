/* SPDX-License-Identifier: MIT */
/*
 * A dump file as the readers see it: a byte-addressed logical file.
 *
 * A plain file is memory-mapped. A file in makedumpfile's flattened format
 * (makedumpfile -F, and QEMU's kdump-* output) is a 4096-byte header followed
 * by big-endian (offset, size) records each carrying a piece of the logical
 * file; kc_file indexes the records at open (headers only, no data read) and
 * serves reads of the logical file from them, so the ELF and kdump readers
 * never know which kind they are reading.
 */
#ifndef KC_VMCORE_FILE_H
#define KC_VMCORE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "../error.h"

/* makedumpfile.h: struct makedumpfile_header, in a 4096-byte block. */
#define KC_FLAT_SIGNATURE "makedumpfile"
#define KC_FLAT_HEADER_SIZE 4096
#define KC_FLAT_TYPE 1
#define KC_FLAT_VERSION 1

struct kc_flat_record {
	uint64_t logical_offset; /* where the data goes in the logical file */
	uint64_t size;
	uint64_t file_offset;    /* where the data is in the flattened file */
	uint64_t seq;            /* order in the file: later records win */
};

struct kc_file {
	char *path;
	int fd;
	const uint8_t *map;   /* the whole physical file, read-only */
	uint64_t map_size;
	uint64_t size;        /* size of the logical file */
	bool flattened;
	bool flat_overlaps;   /* some records overlap: resolve by seq */
	bool flat_unterminated; /* records end without the -1/-1 end marker */
	struct kc_flat_record *records; /* sorted by logical_offset, then seq */
	size_t nr_records;
	uint64_t max_record_size;
	/*
	 * Bytes of the mapping read since its pages were last released (a
	 * pointer, so the const readers can count): see kc_file_read.
	 */
	uint64_t *touched;
};

/*
 * How much of the mapped dump file may stay resident: past this many bytes
 * read, the mapping's pages are released (madvise MADV_DONTNEED) and fault
 * back in from the page cache when read again, so a scan of a whole 2 GB
 * dump keeps kcrash's RSS bounded instead of mapping the file into it.
 */
#define KC_FILE_RESIDENT_BYTES (16u << 20)
/*
 * A read of the mapping makes at least this much of it resident: the
 * kernel maps the pages around a faulting one too (fault_around_bytes,
 * 64 KiB by default), so small reads are counted as this.
 */
#define KC_FILE_FAULT_AROUND_BYTES (64u << 10)

/* Open PATH; detects the flattened format by its signature. */
struct kc_error *kc_file_open(const char *path, struct kc_file **ret);
void kc_file_close(struct kc_file *file);

/*
 * Copy LEN bytes of the logical file at OFFSET into BUF. WHAT names the data
 * for the error message ("kdump header", "page descriptor of pfn 0x1234").
 * Reading past the end is KC_ERR_TRUNCATED naming the file and offset; a hole
 * in a flattened file (no record covers it) is also KC_ERR_TRUNCATED.
 */
struct kc_error *kc_file_read(const struct kc_file *file, uint64_t offset,
			      void *buf, size_t len, const char *what);

/*
 * A pointer straight into the mapping for LEN bytes at logical OFFSET when
 * they are stored contiguously (always for plain files within bounds); NULL
 * otherwise, and callers fall back to kc_file_read.
 */
const uint8_t *kc_file_ptr(const struct kc_file *file, uint64_t offset,
			   size_t len);

/* Fixed-width field access for on-disk structures (never host structs). */
static inline uint16_t kc_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t kc_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline uint64_t kc_get_le64(const uint8_t *p)
{
	return (uint64_t)kc_get_le32(p) | (uint64_t)kc_get_le32(p + 4) << 32;
}
static inline uint32_t kc_get_be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[0] << 24;
}
static inline uint64_t kc_get_be64(const uint8_t *p)
{
	return (uint64_t)kc_get_be32(p + 4) | (uint64_t)kc_get_be32(p) << 32;
}

#endif
