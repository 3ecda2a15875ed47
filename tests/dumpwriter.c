/* SPDX-License-Identifier: MIT */
/*
 * Test-only writer of makedumpfile kdump-compressed and flattened files.
 *
 * Format facts (makedumpfile diskdump_mod.h / makedumpfile.h, 64-bit):
 *
 *   block 0            struct disk_dump_header (464 bytes)
 *   block 1..          struct kdump_sub_header (104 bytes), then the ELF
 *                      notes, VMCOREINFO and eraseinfo it points at;
 *                      sub_hdr_size blocks in all
 *   bitmap_blocks      1st bitmap (pages in RAM) then 2nd bitmap (pages
 *                      dumped), each half of the blocks; bit pfn%8 of
 *                      byte pfn/8
 *   descriptors        struct page_desc (24 bytes) per 2nd-bitmap bit, in
 *                      pfn order (a split file: only its own pfn range)
 *   page data          compressed or raw pages the descriptors point at
 *
 * The flattened format (makedumpfile -F) is a 4096-byte header
 * "makedumpfile" + type 1 + version 1 (big-endian int64), then records of
 * big-endian {int64 offset, int64 size} + data, ended by {-1, -1}.
 *
 * The field offsets below are written out again on purpose rather than
 * taken from src/vmcore/kdump.c: a writer sharing the reader's constants
 * would agree with any mistake in them. They were checked against the
 * bytes of the real fixtures' makedumpfile headers.
 */
#include "dumpwriter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "harness.h"

/* struct disk_dump_header field offsets. */
enum {
	DH_SIGNATURE = 0,
	DH_VERSION = 8,
	DH_UTSNAME = 12,       /* 6 fields of 65 bytes */
	DH_TIMESTAMP = 408,    /* struct timeval: tv_sec, tv_usec */
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
};
#define UTS_FIELD_LEN 65

/* struct kdump_sub_header field offsets (and the version adding them). */
enum {
	SH_PHYS_BASE = 0,
	SH_DUMP_LEVEL = 8,         /* v1 */
	SH_SPLIT = 12,             /* v2 */
	SH_START_PFN = 16,         /* v2 */
	SH_END_PFN = 24,           /* v2 */
	SH_OFFSET_VMCOREINFO = 32, /* v3 */
	SH_SIZE_VMCOREINFO = 40,   /* v3 */
	SH_OFFSET_NOTE = 48,       /* v4 */
	SH_SIZE_NOTE = 56,         /* v4 */
	SH_OFFSET_ERASEINFO = 64,  /* v5 */
	SH_SIZE_ERASEINFO = 72,    /* v5 */
	SH_START_PFN_64 = 80,      /* v6 */
	SH_END_PFN_64 = 88,        /* v6 */
	SH_MAX_MAPNR_64 = 96,      /* v6 */
	SH_SIZE = 104,
};

/* struct page_desc: offset, size, flags, page_flags. */
#define PD_SIZE 24

#define FLAT_HEADER_SIZE 4096

/* ---- little helpers ---------------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void set_bit(uint8_t *bitmap, uint64_t bit)
{
	bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* A growable, zero-filled byte buffer: one logical dump file. */
struct bytes {
	uint8_t *data;
	size_t len;
	size_t cap;
};

/* Make the buffer at least LEN bytes long; new bytes are zero. */
static struct kc_error *bytes_extend(struct bytes *b, size_t len)
{
	if (len <= b->len)
		return NULL;
	if (len > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;
		while (cap < len)
			cap *= 2;
		uint8_t *grown = realloc(b->data, cap);
		if (!grown)
			return &kc_error_nomem;
		b->data = grown;
		b->cap = cap;
	}
	memset(b->data + b->len, 0, len - b->len);
	b->len = len;
	return NULL;
}

static struct kc_error *bytes_append(struct bytes *b, const void *data,
				     size_t len)
{
	size_t at = b->len;
	struct kc_error *err = bytes_extend(b, at + len);
	if (!err)
		memcpy(b->data + at, data, len);
	return err;
}

static struct kc_error *write_all(int fd, const uint8_t *data, size_t len,
				  const char *path)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kc_error_os(errno, "write %s", path);
		}
		data += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct kc_error *write_file(const char *path, const uint8_t *data,
				   size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return kc_error_os(errno, "create %s", path);
	struct kc_error *err = write_all(fd, data, len, path);
	if (close(fd) != 0 && !err)
		err = kc_error_os(errno, "close %s", path);
	return err;
}

/* ---- sources ----------------------------------------------------------- */

static struct kc_error *read_from_dump(void *ctx, uint64_t pfn,
				       uint32_t block_size, void *buf)
{
	return kc_dump_read_phys(ctx, pfn * block_size, buf, block_size);
}

struct kc_dw_source kc_dw_source_from_dump(struct kc_dump *dump)
{
	return (struct kc_dw_source){read_from_dump, dump};
}

const char *kc_dw_codec_name(enum kc_dw_codec codec)
{
	switch (codec) {
	case KC_DW_RAW:
		return "none";
	case KC_DW_ZLIB:
		return "zlib";
	case KC_DW_LZO:
		return "lzo";
	case KC_DW_SNAPPY:
		return "snappy";
	case KC_DW_ZSTD:
		return "zstd";
	case KC_DW_MIXED:
		return "mixed";
	}
	return "?";
}

/* ---- compression ------------------------------------------------------- */

/* Room for any codec's worst case on one block. */
static size_t compress_bound(uint32_t block_size)
{
	size_t bound = compressBound(block_size);
	size_t lzo = block_size + block_size / 16 + 64 + 3;
	size_t snappy = snappy_max_compressed_length(block_size);
	size_t zstd = ZSTD_compressBound(block_size);
	if (lzo > bound)
		bound = lzo;
	if (snappy > bound)
		bound = snappy;
	if (zstd > bound)
		bound = zstd;
	return bound;
}

static enum kc_dw_codec codec_for_page(enum kc_dw_codec codec, size_t index)
{
	static const enum kc_dw_codec cycle[] = {
		KC_DW_ZLIB, KC_DW_LZO, KC_DW_SNAPPY, KC_DW_ZSTD, KC_DW_RAW,
	};
	if (codec != KC_DW_MIXED)
		return codec;
	return cycle[index % (sizeof(cycle) / sizeof(cycle[0]))];
}

/*
 * Compress IN with CODEC into OUT. Returns the compressed size and its
 * descriptor flag, or 0 when the page should be stored raw: the codec
 * failed or, as makedumpfile decides, the result is not smaller.
 */
static size_t compress_block(enum kc_dw_codec codec, const uint8_t *in,
			     uint32_t len, uint8_t *out, size_t cap,
			     void *lzo_work, unsigned *flag)
{
	size_t out_len = 0;
	switch (codec) {
	case KC_DW_ZLIB: {
		uLongf n = cap;
		if (compress2(out, &n, in, len, Z_BEST_SPEED) == Z_OK)
			out_len = n;
		*flag = KC_DW_FLAG_ZLIB;
		break;
	}
	case KC_DW_LZO: {
		lzo_uint n = cap;
		if (lzo1x_1_compress(in, len, out, &n, lzo_work) == LZO_E_OK)
			out_len = n;
		*flag = KC_DW_FLAG_LZO;
		break;
	}
	case KC_DW_SNAPPY: {
		size_t n = cap;
		if (snappy_compress((const char *)in, len, (char *)out, &n) ==
		    SNAPPY_OK)
			out_len = n;
		*flag = KC_DW_FLAG_SNAPPY;
		break;
	}
	case KC_DW_ZSTD: {
		size_t n = ZSTD_compress(out, cap, in, len, 1);
		if (!ZSTD_isError(n))
			out_len = n;
		*flag = KC_DW_FLAG_ZSTD;
		break;
	}
	case KC_DW_RAW:
	case KC_DW_MIXED:
		break;
	}
	return out_len < len ? out_len : 0;
}

static unsigned status_flags(enum kc_dw_codec codec)
{
	switch (codec) {
	case KC_DW_ZLIB:
		return KC_DW_FLAG_ZLIB;
	case KC_DW_LZO:
		return KC_DW_FLAG_LZO;
	case KC_DW_SNAPPY:
		return KC_DW_FLAG_SNAPPY;
	case KC_DW_ZSTD:
		return KC_DW_FLAG_ZSTD;
	case KC_DW_MIXED:
		return KC_DW_FLAG_ZLIB | KC_DW_FLAG_LZO | KC_DW_FLAG_SNAPPY |
		       KC_DW_FLAG_ZSTD;
	case KC_DW_RAW:
		break;
	}
	return 0;
}

/* ---- one kdump-compressed file ----------------------------------------- */

/* State shared by the files of one kc_dw_write call. */
struct writer {
	const struct kc_dw_source *src;
	const struct kc_dw_options *opts;
	struct kc_dw_result *result;
	uint64_t max_mapnr;
	uint8_t *notes;          /* the notes blob written (v4+) */
	size_t notes_size;
	uint8_t *page;           /* one block read from the source */
	uint8_t *packed;         /* one block compressed */
	size_t packed_cap;
	void *lzo_work;
	size_t pages_encoded;    /* drives KC_DW_MIXED's rotation */
};

/* The pfn range and page indices one file covers. */
struct file_part {
	uint64_t start_pfn;
	uint64_t end_pfn;
	size_t first;            /* opts->pages[first..last) */
	size_t last;
	bool split;
};

/* Offsets of one file's regions, fixed before page data is written. */
struct file_layout {
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;
	uint64_t offset_note, size_note;
	uint64_t offset_eraseinfo, size_eraseinfo;
	uint32_t sub_hdr_size;   /* blocks */
	uint64_t bitmap_len;     /* bytes of each bitmap */
	uint64_t bitmap1, bitmap2, descs, data;
	size_t nr_descs;
};

/* Offset of the VMCOREINFO note's descriptor in NOTES, or -1. */
static long find_vmcoreinfo_note(const uint8_t *notes, size_t size,
				 size_t *desc_size)
{
	size_t at = 0;
	while (at + 12 <= size) {
		uint32_t namesz = get_le32(notes + at);
		uint32_t descsz = get_le32(notes + at + 4);
		size_t desc = at + 12 + align4(namesz);
		if (desc + descsz > size)
			break;
		if (namesz == 11 && memcmp(notes + at + 12, "VMCOREINFO", 11) == 0) {
			*desc_size = descsz;
			return (long)desc;
		}
		at = desc + align4(descsz);
	}
	return -1;
}

/* Notes to write: the caller's, or one VMCOREINFO note as the kernel makes. */
static struct kc_error *build_notes(struct writer *w)
{
	const struct kc_dw_options *o = w->opts;
	if (o->header_version < 4)
		return NULL;
	if (o->notes) {
		w->notes = malloc(o->notes_size ? o->notes_size : 1);
		if (!w->notes)
			return &kc_error_nomem;
		memcpy(w->notes, o->notes, o->notes_size);
		w->notes_size = o->notes_size;
		return NULL;
	}
	if (!o->vmcoreinfo)
		return NULL;
	size_t size = 12 + align4(11) + align4(o->vmcoreinfo_size);
	w->notes = calloc(1, size);
	if (!w->notes)
		return &kc_error_nomem;
	put_le32(w->notes, 11);
	put_le32(w->notes + 4, (uint32_t)o->vmcoreinfo_size);
	put_le32(w->notes + 8, 0);
	memcpy(w->notes + 12, "VMCOREINFO", 11);
	memcpy(w->notes + 12 + align4(11), o->vmcoreinfo, o->vmcoreinfo_size);
	w->notes_size = size;
	return NULL;
}

/* Lay out the sub header's payloads and the regions after them. */
static void plan_layout(const struct writer *w, const struct file_part *part,
			struct file_layout *l)
{
	const struct kc_dw_options *o = w->opts;
	uint64_t bs = o->block_size;
	uint64_t at = bs + SH_SIZE;
	memset(l, 0, sizeof(*l));
	if (w->notes) {
		l->offset_note = at;
		l->size_note = w->notes_size;
		at += w->notes_size;
		size_t desc_size = 0;
		long desc = find_vmcoreinfo_note(w->notes, w->notes_size,
						 &desc_size);
		if (desc >= 0) {
			l->offset_vmcoreinfo = l->offset_note + (uint64_t)desc;
			l->size_vmcoreinfo = desc_size;
		}
	}
	if (o->header_version >= 3 && o->vmcoreinfo && !l->offset_vmcoreinfo) {
		l->offset_vmcoreinfo = at;
		l->size_vmcoreinfo = o->vmcoreinfo_size;
		at += o->vmcoreinfo_size;
	}
	if (o->header_version >= 5 && o->eraseinfo) {
		l->offset_eraseinfo = at;
		l->size_eraseinfo = o->eraseinfo_size;
		at += o->eraseinfo_size;
	}
	l->sub_hdr_size = (uint32_t)div_up(at - bs, bs);
	l->bitmap_len = div_up(div_up(w->max_mapnr, 8), bs) * bs;
	l->bitmap1 = (1 + (uint64_t)l->sub_hdr_size) * bs;
	l->bitmap2 = l->bitmap1 + l->bitmap_len;
	l->descs = l->bitmap2 + l->bitmap_len;
	for (size_t i = part->first; i < part->last; i++)
		if (!o->pages[i].excluded)
			l->nr_descs++;
	l->data = l->descs + l->nr_descs * PD_SIZE;
}

static void put_utsname(uint8_t *hdr, const struct kc_dw_options *o)
{
	const char *fields[6] = {
		"Linux", "kcrash-writer", o->release ? o->release : "",
		"#1 SMP test", o->machine ? o->machine : "aarch64", "(none)",
	};
	for (int i = 0; i < 6; i++) {
		size_t len = strlen(fields[i]);
		if (len >= UTS_FIELD_LEN)
			len = UTS_FIELD_LEN - 1;
		memcpy(hdr + DH_UTSNAME + i * UTS_FIELD_LEN, fields[i], len);
	}
}

static void put_main_header(const struct writer *w, const struct file_layout *l,
			    uint8_t *hdr)
{
	const struct kc_dw_options *o = w->opts;
	memcpy(hdr + DH_SIGNATURE, "KDUMP   ", 8);
	put_le32(hdr + DH_VERSION, (uint32_t)o->header_version);
	put_utsname(hdr, o);
	put_le64(hdr + DH_TIMESTAMP, (uint64_t)o->timestamp_sec);
	put_le64(hdr + DH_TIMESTAMP + 8, (uint64_t)o->timestamp_usec);
	uint32_t status = status_flags(o->codec);
	if (o->incomplete)
		status |= KC_DW_FLAG_INCOMPLETE;
	put_le32(hdr + DH_STATUS, status);
	put_le32(hdr + DH_BLOCK_SIZE, o->block_size);
	put_le32(hdr + DH_SUB_HDR_SIZE, l->sub_hdr_size);
	put_le32(hdr + DH_BITMAP_BLOCKS,
		 (uint32_t)(2 * l->bitmap_len / o->block_size));
	/* The 32-bit field saturates; v6 carries the full value. */
	put_le32(hdr + DH_MAX_MAPNR, w->max_mapnr > UINT32_MAX
					      ? UINT32_MAX
					      : (uint32_t)w->max_mapnr);
	put_le32(hdr + DH_TOTAL_RAM_BLOCKS, (uint32_t)l->nr_descs);
	put_le32(hdr + DH_DEVICE_BLOCKS, 0);
	put_le32(hdr + DH_WRITTEN_BLOCKS, 0);
	put_le32(hdr + DH_CURRENT_CPU, 0);
	put_le32(hdr + DH_NR_CPUS, (uint32_t)o->nr_cpus);
}

/* Only the fields HEADER_VERSION has; the rest of the struct stays zero. */
static void put_sub_header(const struct writer *w, const struct file_part *part,
			   const struct file_layout *l, uint8_t *sh)
{
	int v = w->opts->header_version;
	put_le64(sh + SH_PHYS_BASE, w->opts->phys_base);
	put_le32(sh + SH_DUMP_LEVEL, (uint32_t)w->opts->dump_level);
	if (v >= 2) {
		put_le32(sh + SH_SPLIT, part->split ? 1 : 0);
		if (part->split) {
			put_le64(sh + SH_START_PFN, part->start_pfn);
			put_le64(sh + SH_END_PFN, part->end_pfn);
		}
	}
	if (v >= 3) {
		put_le64(sh + SH_OFFSET_VMCOREINFO, l->offset_vmcoreinfo);
		put_le64(sh + SH_SIZE_VMCOREINFO, l->size_vmcoreinfo);
	}
	if (v >= 4) {
		put_le64(sh + SH_OFFSET_NOTE, l->offset_note);
		put_le64(sh + SH_SIZE_NOTE, l->size_note);
	}
	if (v >= 5) {
		put_le64(sh + SH_OFFSET_ERASEINFO, l->offset_eraseinfo);
		put_le64(sh + SH_SIZE_ERASEINFO, l->size_eraseinfo);
	}
	if (v >= 6) {
		put_le64(sh + SH_START_PFN_64, part->start_pfn);
		put_le64(sh + SH_END_PFN_64, part->end_pfn);
		put_le64(sh + SH_MAX_MAPNR_64, w->max_mapnr);
	}
}

static void put_payloads(const struct writer *w, const struct file_layout *l,
			 uint8_t *file)
{
	const struct kc_dw_options *o = w->opts;
	if (l->size_note)
		memcpy(file + l->offset_note, w->notes, w->notes_size);
	/* Inside the notes already when a VMCOREINFO note holds it. */
	if (l->size_vmcoreinfo &&
	    (l->offset_vmcoreinfo < l->offset_note ||
	     l->offset_vmcoreinfo >= l->offset_note + l->size_note))
		memcpy(file + l->offset_vmcoreinfo, o->vmcoreinfo,
		       o->vmcoreinfo_size);
	if (l->size_eraseinfo)
		memcpy(file + l->offset_eraseinfo, o->eraseinfo,
		       o->eraseinfo_size);
}

/* Both bitmaps: every page of the dump, not just this file's range. */
static void put_bitmaps(const struct writer *w, const struct file_part *part,
			const struct file_layout *l, uint8_t *file)
{
	const struct kc_dw_options *o = w->opts;
	for (size_t i = 0; i < o->nr_pages; i++) {
		uint64_t pfn = o->pages[i].pfn;
		set_bit(file + l->bitmap1, pfn);
		if (o->pages[i].excluded)
			continue;
		if (o->split_clip_bitmap &&
		    (pfn < part->start_pfn || pfn >= part->end_pfn))
			continue;
		set_bit(file + l->bitmap2, pfn);
	}
}

static void put_desc(uint8_t *file, const struct file_layout *l, size_t index,
		     uint64_t offset, uint32_t size, uint32_t flags)
{
	uint8_t *pd = file + l->descs + index * PD_SIZE;
	put_le64(pd, offset);
	put_le32(pd + 8, size);
	put_le32(pd + 12, flags);
	put_le64(pd + 16, 0);
}

/* Append one page's data to F and describe it as descriptor INDEX. */
static struct kc_error *encode_page(struct writer *w, struct bytes *f,
				    const struct file_layout *l, size_t index,
				    uint64_t pfn, uint64_t zero_offset)
{
	const struct kc_dw_options *o = w->opts;
	struct kc_error *err = w->src->read(w->src->ctx, pfn, o->block_size,
					    w->page);
	if (err)
		return kc_error_prefix(err, "source block 0x%llx",
				       (unsigned long long)pfn);
	if (o->share_zero_page && all_zero(w->page, o->block_size)) {
		put_desc(f->data, l, index, zero_offset, o->block_size, 0);
		w->result->nr_zero_shared++;
		return NULL;
	}
	enum kc_dw_codec codec = codec_for_page(o->codec, w->pages_encoded++);
	unsigned flag = 0;
	size_t size = compress_block(codec, w->page, o->block_size, w->packed,
				     w->packed_cap, w->lzo_work, &flag);
	const uint8_t *data = w->packed;
	if (size == 0) {
		size = o->block_size;
		flag = 0;
		data = w->page;
		w->result->nr_raw_pages++;
	}
	w->result->flags_used |= flag;
	uint64_t offset = f->len;
	err = bytes_append(f, data, size);
	if (!err)
		put_desc(f->data, l, index, offset, (uint32_t)size, flag);
	return err;
}

/*
 * Cut the file as makedumpfile leaves it on ENOSPC: the data of the page
 * after keep_pages stops halfway, dangling_descs descriptors point past the
 * end, later descriptors were never written. Zero-page descriptors keep
 * pointing at the stored zero page, so those pages stay readable.
 */
static void make_incomplete(struct writer *w, struct bytes *f,
			    const struct file_layout *l)
{
	const struct kc_dw_options *o = w->opts;
	uint64_t cut = f->len;
	for (size_t i = o->keep_pages; i < l->nr_descs; i++) {
		const uint8_t *pd = f->data + l->descs + i * PD_SIZE;
		uint64_t offset = get_le64(pd);
		uint32_t size = get_le32(pd + 8);
		if (offset >= l->data + (o->share_zero_page ? o->block_size : 0)) {
			cut = offset + size / 2;
			break;
		}
	}
	size_t written = o->keep_pages + o->dangling_descs;
	if (written < l->nr_descs)
		memset(f->data + l->descs + written * PD_SIZE, 0,
		       (l->nr_descs - written) * PD_SIZE);
	f->len = cut;
}

/* What a reader must report for each page this file holds. */
static void record_states(struct writer *w, const struct file_part *part,
			  const struct file_layout *l, const struct bytes *f)
{
	const struct kc_dw_options *o = w->opts;
	size_t index = 0;
	for (size_t i = part->first; i < part->last; i++) {
		if (o->pages[i].excluded) {
			w->result->states[i] = KC_PAGE_EXCLUDED;
			continue;
		}
		const uint8_t *pd = f->data + l->descs + index++ * PD_SIZE;
		uint64_t offset = get_le64(pd);
		uint32_t size = get_le32(pd + 8);
		bool stored = offset != 0 && offset + size <= f->len;
		w->result->states[i] = stored ? KC_PAGE_PRESENT : KC_PAGE_MISSING;
	}
}

static struct kc_error *build_file(struct writer *w,
				   const struct file_part *part,
				   struct bytes *f, struct file_layout *l)
{
	const struct kc_dw_options *o = w->opts;
	plan_layout(w, part, l);
	struct kc_error *err = bytes_extend(f, l->data);
	if (err)
		return err;
	put_main_header(w, l, f->data);
	put_sub_header(w, part, l, f->data + o->block_size);
	put_payloads(w, l, f->data);
	put_bitmaps(w, part, l, f->data);

	/* makedumpfile stores the shared zero page first. */
	uint64_t zero_offset = l->data;
	if (o->share_zero_page) {
		err = bytes_extend(f, l->data + o->block_size);
		if (err)
			return err;
	}
	size_t index = 0;
	for (size_t i = part->first; i < part->last && !err; i++) {
		if (!o->pages[i].excluded)
			err = encode_page(w, f, l, index++, o->pages[i].pfn,
					  zero_offset);
	}
	if (err)
		return err;
	if (o->incomplete)
		make_incomplete(w, f, l);
	record_states(w, part, l, f);
	return NULL;
}

/* Decoy over the first page data and the descriptors before it. */
static void decoy_range(const struct file_layout *l, uint64_t file_len,
			uint64_t *offset, uint64_t *len)
{
	*offset = l->descs;
	*len = l->data - l->descs + 3000;
	if (*offset + *len > file_len)
		*len = file_len - *offset;
}

static struct kc_error *write_part(struct writer *w,
				   const struct file_part *part,
				   const char *path)
{
	struct bytes f = {0};
	struct file_layout l;
	struct kc_error *err = build_file(w, part, &f, &l);
	if (!err && w->opts->flatten) {
		uint64_t decoy_offset, decoy_len;
		decoy_range(&l, f.len, &decoy_offset, &decoy_len);
		err = kc_dw_flatten(f.data, f.len, path, decoy_offset,
				    decoy_len);
	} else if (!err) {
		err = write_file(path, f.data, f.len);
	}
	free(f.data);
	return err;
}

/* ---- the whole dump ---------------------------------------------------- */

static struct kc_error *check_options(const struct kc_dw_options *o)
{
	if (o->block_size < 1024 || (o->block_size & (o->block_size - 1)))
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "block size %u is not a power of two >= 1024",
				       o->block_size);
	if (o->header_version < 1 || o->header_version > 6)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "header version %d is not 1..6",
				       o->header_version);
	if (o->nr_split > 1 && o->header_version < 2)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "split dumps need header version 2 or later");
	if (o->nr_split > 1 && o->incomplete)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "the writer makes only single-file dumps incomplete");
	if (o->nr_pages == 0)
		return kc_error_create(KC_ERR_INVALID_ARG, "no pages to write");
	for (size_t i = 1; i < o->nr_pages; i++)
		if (o->pages[i].pfn <= o->pages[i - 1].pfn)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "pages not sorted at index %zu", i);
	return NULL;
}

/* Split N ways by page count, pfn ranges covering [0, max_mapnr). */
static void plan_part(const struct writer *w, unsigned n, unsigned k,
		      struct file_part *part)
{
	size_t nr = w->opts->nr_pages;
	part->split = n > 1;
	part->first = nr * k / n;
	part->last = nr * (k + 1) / n;
	part->start_pfn = k == 0 ? 0 : w->opts->pages[part->first].pfn;
	part->end_pfn = k + 1 == n ? w->max_mapnr
				   : w->opts->pages[part->last].pfn;
}

static struct kc_error *writer_init(struct writer *w,
				    const struct kc_dw_source *src,
				    const struct kc_dw_options *o,
				    struct kc_dw_result *result)
{
	memset(w, 0, sizeof(*w));
	w->src = src;
	w->opts = o;
	w->result = result;
	w->max_mapnr = o->max_mapnr ? o->max_mapnr
				    : o->pages[o->nr_pages - 1].pfn + 1;
	if (lzo_init() != LZO_E_OK)
		return kc_error_create(KC_ERR_UNSUPPORTED, "lzo_init failed");
	w->packed_cap = compress_bound(o->block_size);
	w->page = malloc(o->block_size);
	w->packed = malloc(w->packed_cap);
	w->lzo_work = malloc(LZO1X_1_MEM_COMPRESS);
	result->states = calloc(o->nr_pages, sizeof(*result->states));
	result->nr_states = o->nr_pages;
	if (!w->page || !w->packed || !w->lzo_work || !result->states)
		return &kc_error_nomem;
	return build_notes(w);
}

static void writer_fini(struct writer *w)
{
	free(w->notes);
	free(w->page);
	free(w->packed);
	free(w->lzo_work);
}

static struct kc_error *add_path(struct kc_dw_result *result, const char *name,
				 unsigned n, unsigned k)
{
	char *path = NULL;
	int rc = n > 1 ? asprintf(&path, "%s/%s.%u", kc_test_scratch_dir(), name,
				  k + 1)
		       : asprintf(&path, "%s/%s", kc_test_scratch_dir(), name);
	if (rc < 0)
		return &kc_error_nomem;
	result->paths[result->nr_paths++] = path;
	return NULL;
}

struct kc_error *kc_dw_write(const struct kc_dw_source *src,
			     const struct kc_dw_options *opts, const char *name,
			     struct kc_dw_result *result)
{
	memset(result, 0, sizeof(*result));
	struct kc_error *err = check_options(opts);
	if (err)
		return err;
	struct writer w;
	err = writer_init(&w, src, opts, result);
	unsigned n = opts->nr_split > 1 ? opts->nr_split : 1;
	if (!err) {
		result->paths = calloc(n, sizeof(*result->paths));
		if (!result->paths)
			err = &kc_error_nomem;
	}
	for (unsigned k = 0; k < n && !err; k++) {
		struct file_part part;
		plan_part(&w, n, k, &part);
		err = add_path(result, name, n, k);
		if (!err)
			err = write_part(&w, &part, result->paths[k]);
	}
	writer_fini(&w);
	return err;
}

void kc_dw_result_free(struct kc_dw_result *result)
{
	for (size_t i = 0; i < result->nr_paths; i++)
		free(result->paths[i]);
	free(result->paths);
	free(result->states);
	memset(result, 0, sizeof(*result));
}

/* ---- the flattened format ---------------------------------------------- */

struct flat_out {
	FILE *f;
	const char *path;
};

static bool flat_record(struct flat_out *out, uint64_t offset, uint64_t size,
			const uint8_t *data)
{
	uint8_t head[16];
	put_be64(head, offset);
	put_be64(head + 8, size);
	if (fwrite(head, 1, sizeof(head), out->f) != sizeof(head))
		return false;
	return size == 0 || fwrite(data, 1, size, out->f) == size;
}

/* The end marker: offset and size both -1, no data. */
static bool flat_end(struct flat_out *out)
{
	uint8_t head[16];
	memset(head, 0xff, sizeof(head));
	return fwrite(head, 1, sizeof(head), out->f) == sizeof(head);
}

static bool flat_decoy(struct flat_out *out, const uint8_t *data,
		       uint64_t offset, uint64_t len)
{
	uint8_t *junk = malloc(len ? len : 1);
	if (!junk)
		return false;
	for (uint64_t i = 0; i < len; i++)
		junk[i] = (uint8_t)~data[offset + i];
	bool ok = flat_record(out, offset, len, junk);
	free(junk);
	return ok;
}

/* Odd record sizes, so records split pages and structures anywhere. */
static uint64_t chunk_size(size_t i)
{
	static const uint64_t sizes[] = {
		1, 4095, 65536 + 3, 513, 1u << 20, 7, 300001,
	};
	return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}

/* Records in order except that each adjacent pair swaps places. */
static bool flat_body(struct flat_out *out, const uint8_t *data, uint64_t len)
{
	uint64_t at = 0;
	for (size_t i = 0; at < len; i += 2) {
		uint64_t a_len = chunk_size(i);
		if (a_len > len - at)
			a_len = len - at;
		uint64_t b_at = at + a_len;
		uint64_t b_len = chunk_size(i + 1);
		if (b_len > len - b_at)
			b_len = len - b_at;
		if (b_len && !flat_record(out, b_at, b_len, data + b_at))
			return false;
		if (!flat_record(out, at, a_len, data + at))
			return false;
		at = b_at + b_len;
	}
	return true;
}

struct kc_error *kc_dw_flatten(const uint8_t *data, uint64_t len,
			       const char *out_path, uint64_t decoy_offset,
			       uint64_t decoy_len)
{
	struct flat_out out = {fopen(out_path, "wb"), out_path};
	if (!out.f)
		return kc_error_os(errno, "create %s", out_path);
	setvbuf(out.f, NULL, _IOFBF, 1 << 20);
	uint8_t header[FLAT_HEADER_SIZE] = {0};
	memcpy(header, "makedumpfile", 12);
	put_be64(header + 16, 1); /* type */
	put_be64(header + 24, 1); /* version */
	bool ok = fwrite(header, 1, sizeof(header), out.f) == sizeof(header);
	if (ok && decoy_len && decoy_offset + decoy_len <= len)
		ok = flat_decoy(&out, data, decoy_offset, decoy_len);
	ok = ok && flat_body(&out, data, len);
	ok = ok && flat_end(&out);
	int saved = errno;
	if (fclose(out.f) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	return ok ? NULL : kc_error_os(saved, "write %s", out_path);
}

struct kc_error *kc_dw_flatten_file(const char *in_path, const char *out_path,
				    uint64_t decoy_offset, uint64_t decoy_len)
{
	int fd = open(in_path, O_RDONLY);
	if (fd < 0)
		return kc_error_os(errno, "open %s", in_path);
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size == 0) {
		close(fd);
		return kc_error_create(KC_ERR_INVALID_ARG, "%s: empty or unreadable",
				       in_path);
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return kc_error_os(errno, "mmap %s", in_path);
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	struct kc_error *err = kc_dw_flatten(map, (uint64_t)st.st_size, out_path,
					     decoy_offset, decoy_len);
	munmap(map, (size_t)st.st_size);
	return err;
}

/* ---- choosing pages ---------------------------------------------------- */

static bool block_present(struct kc_dump *src, uint64_t paddr,
			  uint32_t block_size)
{
	uint32_t step = src->page_size ? src->page_size : 4096;
	if (step > block_size)
		return false;
	for (uint64_t at = paddr; at < paddr + block_size; at += step)
		if (kc_dump_page_state(src, at) != KC_PAGE_PRESENT)
			return false;
	return true;
}

size_t kc_dw_pick_present(struct kc_dump *src, uint32_t block_size,
			  uint64_t start, size_t max_blocks,
			  struct kc_dw_page **pages, size_t *nr_pages)
{
	size_t added = 0;
	uint64_t pfn = start / block_size;
	/* Give up after a stretch with nothing present. */
	for (size_t tries = 0; added < max_blocks && tries < 4 * max_blocks + 64;
	     tries++, pfn++) {
		if (!block_present(src, pfn * block_size, block_size))
			continue;
		struct kc_dw_page *grown =
			realloc(*pages, (*nr_pages + 1) * sizeof(**pages));
		if (!grown)
			break;
		*pages = grown;
		(*pages)[(*nr_pages)++] = (struct kc_dw_page){pfn, false};
		added++;
	}
	return added;
}

static int compare_pages(const void *a, const void *b)
{
	const struct kc_dw_page *pa = a, *pb = b;
	return pa->pfn < pb->pfn ? -1 : pa->pfn > pb->pfn;
}

void kc_dw_sort_pages(struct kc_dw_page *pages, size_t *nr_pages)
{
	if (*nr_pages == 0)
		return;
	qsort(pages, *nr_pages, sizeof(*pages), compare_pages);
	size_t out = 0;
	for (size_t i = 1; i < *nr_pages; i++)
		if (pages[i].pfn != pages[out].pfn)
			pages[++out] = pages[i];
	*nr_pages = out + 1;
}
