/* SPDX-License-Identifier: MIT */
/*
 * ELF64 core reader: /proc/vmcore copies, makedumpfile -E output and QEMU's
 * dump-guest-memory ELF files, arm64 little-endian.
 *
 * Every PT_LOAD says that physical [p_paddr, p_paddr + p_memsz) is backed by
 * file bytes [p_offset, p_offset + p_filesz). The rest, [p_filesz, p_memsz),
 * is reported excluded, not zeros: no kernel dump producer uses it for real
 * zeros (/proc/vmcore never writes it; makedumpfile -E marks its filtered
 * pages that way, and they held data).
 * Ranges are exact to the byte ("fractional pages"), and segments may
 * overlap: /proc/vmcore maps the kernel image a second time at its kimage
 * virtual address. At open the segments are resolved into a sorted list of
 * disjoint physical pieces, each served by one segment, so that a read is a
 * binary search and never a scan.
 */
#include "elf.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vmcoreinfo.h"
#include "file.h"
#include "notes.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64

/*
 * help -D lists this many PT_LOADs, then counts the rest: makedumpfile -E
 * can write one per run of unfiltered pages, hundreds of thousands.
 */
#define MAX_LOAD_FIELDS 1024

/* Note segments are a few KiB; refuse to copy absurd ones out of a file. */
#define MAX_NOTE_SEGMENT_BYTES (64u << 20)

/*
 * What a piece of physical memory is backed by, best first: when segments
 * overlap, the piece takes its bytes from the best one.
 */
enum piece_kind {
	PIECE_FILE,    /* file bytes */
	PIECE_EXCLUDED, /* past p_filesz, before p_memsz: filtered out */
	PIECE_MISSING, /* within p_filesz, but the file ends first */
};

/* A disjoint physical range [start, end) served by one segment. */
struct elf_piece {
	uint64_t start;
	uint64_t end;
	uint32_t segment; /* index in elf_dump.segments */
	uint32_t kind;    /* enum piece_kind */
};

struct elf_dump {
	struct kc_file *file;
	struct kc_elf_segment *segments; /* sorted by paddr, then phdr_index */
	size_t nr_segments;
	struct elf_piece *pieces;        /* sorted by start, disjoint */
	size_t nr_pieces;
};

/* The ELF header fields the reader uses. */
struct elf_header {
	uint16_t type;
	uint16_t machine;
	uint16_t ehsize;
	uint64_t phoff;
	uint16_t phentsize;
	uint32_t phnum;     /* after PN_XNUM is resolved */
	bool extended_phnum;
};

/* What the notes say about who wrote the file. */
struct note_census {
	size_t qemu;     /* notes named "QEMU" */
	size_t fpregset; /* CORE NT_PRFPREG: QEMU writes them, the kernel does not */
};

bool kc_elf_dump_probe(const uint8_t *head, size_t len)
{
	return len >= SELFMAG && memcmp(head, ELFMAG, SELFMAG) == 0;
}

size_t kc_elf_dump_segments(const struct kc_dump *dump,
			    const struct kc_elf_segment **ret)
{
	const struct elf_dump *elf = dump->priv;
	if (dump->format != KC_DUMP_ELF || !elf) {
		*ret = NULL;
		return 0;
	}
	*ret = elf->segments;
	return elf->nr_segments;
}

/* Reading memory */

static const struct elf_piece *find_piece(const struct elf_dump *elf,
					  uint64_t paddr)
{
	/* The last piece starting at or below paddr. */
	size_t lo = 0, hi = elf->nr_pieces;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (elf->pieces[mid].start <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct elf_piece *piece = &elf->pieces[lo - 1];
	return paddr < piece->end ? piece : NULL;
}

static struct kc_error *not_in_dump(const struct kc_dump *dump, uint64_t paddr)
{
	return kc_error_address(KC_ERR_NOT_IN_DUMP, paddr,
				"%s: physical address 0x%" PRIx64 " is not in the dump (no PT_LOAD holds it)",
				dump->path, paddr);
}

static struct kc_error *read_piece(const struct kc_dump *dump,
				   const struct elf_piece *piece,
				   uint64_t paddr, uint8_t *out, size_t len)
{
	const struct elf_dump *elf = dump->priv;
	const struct kc_elf_segment *seg = &elf->segments[piece->segment];
	uint64_t offset = seg->offset + (paddr - seg->paddr);

	switch (piece->kind) {
	case PIECE_EXCLUDED:
		return kc_error_address(KC_ERR_EXCLUDED, paddr,
					"%s: physical address 0x%" PRIx64 " is excluded from the dump (past p_filesz of PT_LOAD phdr %" PRIu32 ", filtered out by makedumpfile)",
					elf->file->path, paddr, seg->phdr_index);
	case PIECE_MISSING:
		return kc_error_address(KC_ERR_TRUNCATED, paddr,
					"%s: physical address 0x%" PRIx64 ": PT_LOAD (phdr %" PRIu32 ") puts it at file offset 0x%" PRIx64 " but the file ends at 0x%" PRIx64,
					elf->file->path, paddr, seg->phdr_index,
					offset, elf->file->size);
	}
	const uint8_t *src = kc_file_ptr(elf->file, offset, len);
	if (src) {
		memcpy(out, src, len);
		return NULL;
	}
	/* A flattened file whose records split this range. */
	struct kc_error *err = kc_file_read(elf->file, offset, out, len,
					    "dump memory");
	if (err && err != &kc_error_nomem) {
		err = kc_error_prefix(err, "physical address 0x%" PRIx64, paddr);
		if (err != &kc_error_nomem) {
			err->has_address = true;
			err->address = paddr;
		}
	}
	return err;
}

static struct kc_error *elf_read(struct kc_dump *dump, uint64_t paddr,
				 void *buf, size_t len)
{
	const struct elf_dump *elf = dump->priv;
	const struct elf_piece *end = elf->pieces + elf->nr_pieces;
	const struct elf_piece *piece = find_piece(elf, paddr);
	uint8_t *out = buf;

	while (len) {
		/* Pieces are disjoint: the next byte is in the next one or none. */
		if (!piece || piece == end || paddr < piece->start)
			return not_in_dump(dump, paddr);
		uint64_t run = piece->end - paddr;
		size_t chunk = run < len ? (size_t)run : len;
		struct kc_error *err = read_piece(dump, piece, paddr, out, chunk);
		if (err)
			return err;
		out += chunk;
		len -= chunk;
		paddr += chunk;
		piece++;
	}
	return NULL;
}

static enum kc_page_state elf_page_state(struct kc_dump *dump, uint64_t paddr)
{
	const struct elf_piece *piece = find_piece(dump->priv, paddr);
	if (!piece)
		return KC_PAGE_NOT_IN_DUMP;
	switch (piece->kind) {
	case PIECE_EXCLUDED:
		return KC_PAGE_EXCLUDED;
	case PIECE_MISSING:
		return KC_PAGE_MISSING;
	default:
		return KC_PAGE_PRESENT;
	}
}

static void elf_dump_free(struct elf_dump *elf)
{
	if (!elf)
		return;
	free(elf->segments);
	free(elf->pieces);
	free(elf);
}

static void elf_destroy(struct kc_dump *dump)
{
	struct elf_dump *elf = dump->priv;
	if (elf)
		kc_file_close(elf->file);
	elf_dump_free(elf);
	dump->priv = NULL;
}

static const struct kc_dump_ops elf_dump_ops = {
	.read = elf_read,
	.page_state = elf_page_state,
	.destroy = elf_destroy,
};

/* Resolving overlapping segments into disjoint pieces */

/* One segment's run of a single kind: up to three per segment. */
struct extent {
	uint64_t start;
	uint64_t end;
	uint32_t segment;
	uint32_t kind;
};

static int compare_extent_start(const void *a, const void *b)
{
	const struct extent *ea = a, *eb = b;
	if (ea->start != eb->start)
		return ea->start < eb->start ? -1 : 1;
	return 0;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t ua = *(const uint64_t *)a, ub = *(const uint64_t *)b;
	return ua < ub ? -1 : ua > ub;
}

/* Heap order: better kind first, then the lower segment for determinism. */
static bool extent_better(const struct extent *a, const struct extent *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind;
	return a->segment < b->segment;
}

static void heap_push(const struct extent **heap, size_t *nr,
		      const struct extent *ext)
{
	size_t i = (*nr)++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!extent_better(ext, heap[parent]))
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = ext;
}

static void heap_pop(const struct extent **heap, size_t *nr)
{
	const struct extent *last = heap[--(*nr)];
	size_t i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= *nr)
			break;
		if (child + 1 < *nr && extent_better(heap[child + 1], heap[child]))
			child++;
		if (!extent_better(heap[child], last))
			break;
		heap[i] = heap[child];
		i = child;
	}
	if (*nr)
		heap[i] = last;
}

static size_t segment_extents(const struct kc_elf_segment *seg, uint32_t index,
			      struct extent *out)
{
	uint64_t avail_end = seg->paddr + seg->file_avail;
	uint64_t file_end = seg->paddr + seg->filesz;
	uint64_t mem_end = seg->paddr + seg->memsz;
	size_t n = 0;
	if (seg->file_avail)
		out[n++] = (struct extent){seg->paddr, avail_end, index, PIECE_FILE};
	if (file_end > avail_end)
		out[n++] = (struct extent){avail_end, file_end, index, PIECE_MISSING};
	if (mem_end > file_end)
		out[n++] = (struct extent){file_end, mem_end, index, PIECE_EXCLUDED};
	return n;
}

static void emit_piece(struct elf_dump *elf, uint64_t start, uint64_t end,
		       const struct extent *ext)
{
	struct elf_piece *last = elf->nr_pieces ? &elf->pieces[elf->nr_pieces - 1]
						: NULL;
	if (last && last->end == start && last->segment == ext->segment &&
	    last->kind == ext->kind) {
		last->end = end;
		return;
	}
	elf->pieces[elf->nr_pieces++] =
		(struct elf_piece){start, end, ext->segment, ext->kind};
}

/*
 * Sweep the boundaries of all extents in address order, keeping the extents
 * that have started in a heap ordered by preference; each elementary interval
 * goes to the best one still running. O(n log n) even for hostile overlaps.
 */
static struct kc_error *build_pieces(struct elf_dump *elf)
{
	size_t max_extents = 3 * elf->nr_segments;
	struct extent *extents = calloc(max_extents ? max_extents : 1,
					sizeof(*extents));
	uint64_t *bounds = calloc(2 * max_extents + 1, sizeof(*bounds));
	const struct extent **heap = calloc(max_extents + 1, sizeof(*heap));
	/* Each elementary interval yields at most one piece. */
	elf->pieces = calloc(2 * max_extents + 1, sizeof(*elf->pieces));
	if (!extents || !bounds || !heap || !elf->pieces) {
		free(extents);
		free(bounds);
		free(heap);
		return &kc_error_nomem;
	}

	size_t nr_extents = 0;
	for (size_t i = 0; i < elf->nr_segments; i++)
		nr_extents += segment_extents(&elf->segments[i], (uint32_t)i,
					      extents + nr_extents);
	qsort(extents, nr_extents, sizeof(*extents), compare_extent_start);

	size_t nr_bounds = 0;
	for (size_t i = 0; i < nr_extents; i++) {
		bounds[nr_bounds++] = extents[i].start;
		bounds[nr_bounds++] = extents[i].end;
	}
	qsort(bounds, nr_bounds, sizeof(*bounds), compare_u64);

	size_t next = 0, nr_heap = 0;
	for (size_t b = 0; b + 1 < nr_bounds; b++) {
		uint64_t lo = bounds[b], hi = bounds[b + 1];
		if (lo == hi)
			continue;
		while (next < nr_extents && extents[next].start <= lo)
			heap_push(heap, &nr_heap, &extents[next++]);
		while (nr_heap && heap[0]->end <= lo)
			heap_pop(heap, &nr_heap);
		if (nr_heap)
			emit_piece(elf, lo, hi, heap[0]);
	}
	free(extents);
	free(bounds);
	free(heap);
	return NULL;
}

/* Parsing the headers */

static const char *machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_AARCH64:
		return "EM_AARCH64";
	case EM_X86_64:
		return "EM_X86_64";
	case EM_386:
		return "EM_386";
	case EM_ARM:
		return "EM_ARM";
	case EM_PPC64:
		return "EM_PPC64";
	case EM_S390:
		return "EM_S390";
	case EM_RISCV:
		return "EM_RISCV";
	default:
		return "unknown";
	}
}

static const char *type_name(uint16_t type)
{
	switch (type) {
	case ET_NONE:
		return "ET_NONE";
	case ET_REL:
		return "ET_REL";
	case ET_EXEC:
		return "ET_EXEC";
	case ET_DYN:
		return "ET_DYN";
	case ET_CORE:
		return "ET_CORE";
	default:
		return "unknown";
	}
}

/* e_phnum == PN_XNUM: the real count is in section header 0's sh_info. */
static struct kc_error *read_extended_phnum(const struct kc_file *file,
					    const uint8_t *ehdr,
					    struct elf_header *hdr)
{
	uint64_t shoff = kc_get_le64(ehdr + 40);
	uint16_t shentsize = kc_get_le16(ehdr + 58);
	if (shoff == 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x38: e_phnum is PN_XNUM (0xffff) but e_shoff is 0, expected section header 0 to hold the program header count",
				       file->path);
	if (shentsize != 0 && shentsize < SHDR_SIZE)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x3a: e_shentsize %u, expected at least %d",
				       file->path, shentsize, SHDR_SIZE);
	uint8_t shdr[SHDR_SIZE];
	struct kc_error *err = kc_file_read(file, shoff, shdr, sizeof(shdr),
					    "section header 0 (extended e_phnum)");
	if (err)
		return err;
	hdr->phnum = kc_get_le32(shdr + 44); /* sh_info */
	hdr->extended_phnum = true;
	return NULL;
}

static struct kc_error *read_elf_header(const struct kc_file *file,
					struct elf_header *hdr)
{
	uint8_t ehdr[EHDR_SIZE];
	struct kc_error *err = kc_file_read(file, 0, ehdr, sizeof(ehdr),
					    "ELF header");
	if (err)
		return err;
	if (memcmp(ehdr, ELFMAG, SELFMAG) != 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x0: not an ELF file, expected the magic \\x7fELF",
				       file->path);
	if (ehdr[EI_CLASS] != ELFCLASS64)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s: offset 0x4: ELF class %u (%s), expected ELFCLASS64",
				       file->path, ehdr[EI_CLASS],
				       ehdr[EI_CLASS] == ELFCLASS32 ? "ELF32" : "invalid");
	if (ehdr[EI_DATA] != ELFDATA2LSB)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s: offset 0x5: ELF data encoding %u (%s), expected little-endian (ELFDATA2LSB) for arm64",
				       file->path, ehdr[EI_DATA],
				       ehdr[EI_DATA] == ELFDATA2MSB ? "big-endian" : "invalid");

	hdr->type = kc_get_le16(ehdr + 16);
	hdr->machine = kc_get_le16(ehdr + 18);
	hdr->phoff = kc_get_le64(ehdr + 32);
	hdr->ehsize = kc_get_le16(ehdr + 52);
	hdr->phentsize = kc_get_le16(ehdr + 54);
	hdr->phnum = kc_get_le16(ehdr + 56);
	hdr->extended_phnum = false;

	if (hdr->type != ET_CORE)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x10: e_type %u (%s), expected ET_CORE (4): not a core dump",
				       file->path, hdr->type, type_name(hdr->type));
	if (hdr->machine != EM_AARCH64)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s: offset 0x12: e_machine %u (%s), expected EM_AARCH64 (%d): kcrash reads arm64 dumps only",
				       file->path, hdr->machine,
				       machine_name(hdr->machine), EM_AARCH64);
	if (hdr->phnum == PN_XNUM) {
		err = read_extended_phnum(file, ehdr, hdr);
		if (err)
			return err;
	}
	if (hdr->phnum == 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x38: e_phnum is 0, expected program headers describing memory",
				       file->path);
	/* Larger entries are allowed: the fields we read come first. */
	if (hdr->phentsize < PHDR_SIZE)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x36: e_phentsize %u, expected at least %d",
				       file->path, hdr->phentsize, PHDR_SIZE);

	uint64_t table_size = (uint64_t)hdr->phnum * hdr->phentsize;
	if (hdr->phoff > file->size || table_size > file->size - hdr->phoff) {
		uint64_t first_cut = hdr->phoff >= file->size ? 0 :
				     (file->size - hdr->phoff) / hdr->phentsize;
		return kc_error_create(KC_ERR_TRUNCATED,
				       "%s: offset 0x%" PRIx64 ": file ends at 0x%" PRIx64 ", expected %" PRIu32 " program headers of %u bytes at e_phoff 0x%" PRIx64 " (header %" PRIu64 " is cut)",
				       file->path,
				       hdr->phoff + first_cut * hdr->phentsize,
				       file->size, hdr->phnum, hdr->phentsize,
				       hdr->phoff, first_cut);
	}
	return NULL;
}

/* A program header's fields, read with fixed-width accessors. */
struct phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

static struct kc_error *read_phdr(const struct kc_file *file,
				  const struct elf_header *hdr, uint32_t index,
				  struct phdr *ret)
{
	uint8_t raw[PHDR_SIZE];
	struct kc_error *err = kc_file_read(file,
					    hdr->phoff + (uint64_t)index * hdr->phentsize,
					    raw, sizeof(raw), "program header");
	if (err)
		return err;
	ret->type = kc_get_le32(raw);
	ret->flags = kc_get_le32(raw + 4);
	ret->offset = kc_get_le64(raw + 8);
	ret->vaddr = kc_get_le64(raw + 16);
	ret->paddr = kc_get_le64(raw + 24);
	ret->filesz = kc_get_le64(raw + 32);
	ret->memsz = kc_get_le64(raw + 40);
	ret->align = kc_get_le64(raw + 48);
	return NULL;
}

static uint64_t phdr_file_offset(const struct elf_header *hdr, uint32_t index)
{
	return hdr->phoff + (uint64_t)index * hdr->phentsize;
}

static struct kc_error *check_load(const struct kc_file *file,
				   const struct elf_header *hdr, uint32_t index,
				   const struct phdr *ph)
{
	uint64_t at = phdr_file_offset(hdr, index);
	if (ph->filesz > ph->memsz)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%" PRIx64 ": PT_LOAD (phdr %" PRIu32 ") has p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64 ", expected p_filesz <= p_memsz",
				       file->path, at, index, ph->filesz,
				       ph->memsz);
	if (ph->offset > UINT64_MAX - ph->filesz)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%" PRIx64 ": PT_LOAD (phdr %" PRIu32 ") file range 0x%" PRIx64 " + 0x%" PRIx64 " overflows",
				       file->path, at, index, ph->offset,
				       ph->filesz);
	if (ph->paddr > UINT64_MAX - ph->memsz)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%" PRIx64 ": PT_LOAD (phdr %" PRIu32 ") physical range 0x%" PRIx64 " + 0x%" PRIx64 " overflows",
				       file->path, at, index, ph->paddr,
				       ph->memsz);
	return NULL;
}

static struct kc_error *check_note(const struct kc_file *file,
				   const struct elf_header *hdr, uint32_t index,
				   const struct phdr *ph)
{
	uint64_t at = phdr_file_offset(hdr, index);
	if (ph->offset > UINT64_MAX - ph->filesz)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%" PRIx64 ": PT_NOTE (phdr %" PRIu32 ") file range 0x%" PRIx64 " + 0x%" PRIx64 " overflows",
				       file->path, at, index, ph->offset,
				       ph->filesz);
	if (ph->offset + ph->filesz > file->size)
		return kc_error_create(KC_ERR_TRUNCATED,
				       "%s: offset 0x%" PRIx64 ": file ends at 0x%" PRIx64 ", expected 0x%" PRIx64 " bytes of notes of PT_NOTE (phdr %" PRIu32 ") at offset 0x%" PRIx64,
				       file->path,
				       ph->offset > file->size ? ph->offset : file->size,
				       file->size, ph->filesz, index, ph->offset);
	if (ph->filesz > MAX_NOTE_SEGMENT_BYTES)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s: offset 0x%" PRIx64 ": PT_NOTE (phdr %" PRIu32 ") of 0x%" PRIx64 " bytes, expected at most 0x%x",
				       file->path, at, index, ph->filesz,
				       MAX_NOTE_SEGMENT_BYTES);
	return NULL;
}

static void note_census_add(struct note_census *census, const uint8_t *buf,
			    size_t size)
{
	/* Runs after kc_parse_notes accepted the buffer; still bound-checked. */
	size_t pos = 0;
	while (size - pos >= 12) {
		uint32_t namesz = kc_get_le32(buf + pos);
		uint32_t descsz = kc_get_le32(buf + pos + 4);
		uint32_t type = kc_get_le32(buf + pos + 8);
		size_t name_at = pos + 12;
		size_t name_span = ((size_t)namesz + 3) & ~(size_t)3;
		if (name_span > size - name_at)
			return;
		const char *name = (const char *)buf + name_at;
		size_t name_len = strnlen(name, namesz);
		if (name_len == 4 && memcmp(name, "QEMU", 4) == 0)
			census->qemu++;
		if (name_len == 4 && memcmp(name, "CORE", 4) == 0 &&
		    type == NT_PRFPREG)
			census->fpregset++;
		size_t desc_span = ((size_t)descsz + 3) & ~(size_t)3;
		if (desc_span > size - name_at - name_span)
			return;
		pos = name_at + name_span + desc_span;
	}
}

static struct kc_error *parse_note_segment(struct kc_dump *dump,
					   const struct kc_file *file,
					   const struct phdr *ph,
					   struct note_census *census)
{
	if (ph->filesz == 0)
		return NULL;
	size_t size = (size_t)ph->filesz;
	const uint8_t *buf = kc_file_ptr(file, ph->offset, size);
	uint8_t *copy = NULL;
	if (!buf) {
		copy = malloc(size);
		if (!copy)
			return &kc_error_nomem;
		struct kc_error *err = kc_file_read(file, ph->offset, copy,
						    size, "ELF notes");
		if (err) {
			free(copy);
			return err;
		}
		buf = copy;
	}
	struct kc_error *err = kc_parse_notes(dump, buf, size, file->path,
					      ph->offset);
	if (!err)
		note_census_add(census, buf, size);
	free(copy);
	return err;
}

static struct kc_error *add_load_field(struct kc_dump *dump, uint32_t index,
				       const struct phdr *ph)
{
	char name[32];
	snprintf(name, sizeof(name), "phdr %" PRIu32 " PT_LOAD", index);
	return kc_dump_add_field(dump, name,
				 "p_offset=0x%" PRIx64 " p_vaddr=0x%" PRIx64 " p_paddr=0x%" PRIx64 " p_filesz=0x%" PRIx64 " p_memsz=0x%" PRIx64,
				 ph->offset, ph->vaddr, ph->paddr, ph->filesz,
				 ph->memsz);
}

static struct kc_error *add_note_field(struct kc_dump *dump, uint32_t index,
				       const struct phdr *ph)
{
	char name[32];
	snprintf(name, sizeof(name), "phdr %" PRIu32 " PT_NOTE", index);
	return kc_dump_add_field(dump, name,
				 "p_offset=0x%" PRIx64 " p_filesz=0x%" PRIx64,
				 ph->offset, ph->filesz);
}

static struct kc_error *add_segment(struct elf_dump *elf, size_t *capacity,
				    const struct phdr *ph, uint32_t index,
				    uint64_t file_size)
{
	if (elf->nr_segments == *capacity) {
		size_t grown_cap = *capacity ? 2 * *capacity : 8;
		struct kc_elf_segment *grown =
			realloc(elf->segments, grown_cap * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		elf->segments = grown;
		*capacity = grown_cap;
	}
	uint64_t avail = 0;
	if (ph->offset < file_size)
		avail = file_size - ph->offset < ph->filesz ?
				file_size - ph->offset : ph->filesz;
	elf->segments[elf->nr_segments++] = (struct kc_elf_segment){
		.paddr = ph->paddr,
		.vaddr = ph->vaddr,
		.offset = ph->offset,
		.filesz = ph->filesz,
		.memsz = ph->memsz,
		.file_avail = avail,
		.flags = ph->flags,
		.phdr_index = index,
	};
	return NULL;
}

/* Facts about the segments for guessing the producer. */
struct layout {
	size_t nr_loads;
	size_t identity_loads;   /* p_vaddr == p_paddr */
	size_t incongruent_loads; /* p_offset and p_paddr differ within a page */
	size_t sparse_loads;     /* p_filesz < p_memsz */
	bool notes_page_aligned;
};

static void layout_add_load(struct layout *layout, const struct phdr *ph)
{
	layout->nr_loads++;
	if (ph->vaddr == ph->paddr)
		layout->identity_loads++;
	/* /proc/vmcore keeps a page's offset within the page, even fractional. */
	if (ph->filesz && (ph->offset - ph->paddr) % 4096 != 0)
		layout->incongruent_loads++;
	if (ph->filesz < ph->memsz)
		layout->sparse_loads++;
}

static struct kc_error *read_segments(struct kc_dump *dump,
				      struct elf_dump *elf,
				      const struct elf_header *hdr,
				      struct note_census *census,
				      struct layout *layout)
{
	const struct kc_file *file = elf->file;
	size_t capacity = 0;
	layout->notes_page_aligned = true;
	for (uint32_t i = 0; i < hdr->phnum; i++) {
		struct phdr ph;
		struct kc_error *err = read_phdr(file, hdr, i, &ph);
		if (err)
			return err;
		if (ph.type == PT_LOAD) {
			err = check_load(file, hdr, i, &ph);
			if (!err && layout->nr_loads < MAX_LOAD_FIELDS)
				err = add_load_field(dump, i, &ph);
			if (!err && ph.memsz)
				err = add_segment(elf, &capacity, &ph, i,
						  file->size);
			layout_add_load(layout, &ph);
		} else if (ph.type == PT_NOTE) {
			err = check_note(file, hdr, i, &ph);
			if (!err)
				err = add_note_field(dump, i, &ph);
			if (!err)
				err = parse_note_segment(dump, file, &ph, census);
			if (ph.offset % 4096 != 0)
				layout->notes_page_aligned = false;
		}
		if (err)
			return err;
	}
	if (layout->nr_loads > MAX_LOAD_FIELDS) {
		struct kc_error *err = kc_dump_add_field(dump, "PT_LOAD (more)",
			"%zu more PT_LOADs not listed", layout->nr_loads - MAX_LOAD_FIELDS);
		if (err)
			return err;
	}
	if (elf->nr_segments == 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x%" PRIx64 ": no PT_LOAD with memory among %" PRIu32 " program headers, expected at least one",
				       file->path, hdr->phoff, hdr->phnum);
	return NULL;
}

/* A truncated file keeps what it has; say where it ends, once. */
static struct kc_error *warn_truncation(struct kc_dump *dump,
					const struct elf_dump *elf)
{
	const struct kc_elf_segment *first = NULL;
	size_t nr_cut = 0;
	for (size_t i = 0; i < elf->nr_segments; i++) {
		const struct kc_elf_segment *seg = &elf->segments[i];
		if (seg->file_avail == seg->filesz)
			continue;
		nr_cut++;
		/* The lowest offset is where the file really ends. */
		if (!first || seg->offset < first->offset)
			first = seg;
	}
	if (!first)
		return NULL;
	struct kc_error *err = kc_dump_add_warning(dump,
		"%s: file ends at 0x%" PRIx64 " inside PT_LOAD (phdr %" PRIu32 ", file offset 0x%" PRIx64 "-0x%" PRIx64 "): physical 0x%" PRIx64 "-0x%" PRIx64 " is missing",
		elf->file->path, elf->file->size, first->phdr_index,
		first->offset, first->offset + first->filesz,
		first->paddr + first->file_avail, first->paddr + first->filesz);
	if (!err && nr_cut > 1)
		err = kc_dump_add_warning(dump,
			"%s: %zu more PT_LOADs end past the end of the file at 0x%" PRIx64 "; their memory beyond it is missing",
			elf->file->path, nr_cut - 1, elf->file->size);
	return err;
}

static int compare_segments(const void *a, const void *b)
{
	const struct kc_elf_segment *sa = a, *sb = b;
	if (sa->paddr != sb->paddr)
		return sa->paddr < sb->paddr ? -1 : 1;
	return sa->phdr_index < sb->phdr_index ? -1 :
	       sa->phdr_index > sb->phdr_index;
}

static struct kc_error *fill_ranges(struct kc_dump *dump,
				    const struct elf_dump *elf)
{
	dump->ranges = calloc(elf->nr_segments, sizeof(*dump->ranges));
	if (!dump->ranges)
		return &kc_error_nomem;
	for (size_t i = 0; i < elf->nr_segments; i++) {
		const struct kc_elf_segment *seg = &elf->segments[i];
		dump->ranges[i] = (struct kc_dump_range){seg->paddr,
							 seg->paddr + seg->memsz};
	}
	dump->nr_ranges = elf->nr_segments;
	return NULL;
}

/* PAGESIZE and CRASHTIME from VMCOREINFO; bad values only warn. */
static struct kc_error *apply_vmcoreinfo(struct kc_dump *dump)
{
	dump->page_size = 4096;
	if (!dump->vmcoreinfo)
		return NULL;
	struct kc_vmcoreinfo *info;
	struct kc_error *err = kc_vmcoreinfo_parse(dump->vmcoreinfo,
						   dump->vmcoreinfo_size, &info);
	if (err)
		return err;
	uint64_t value;
	err = kc_vmcoreinfo_u64(info, "PAGESIZE", &value);
	if (!err) {
		if (value >= 1024 && value <= (1u << 20) &&
		    (value & (value - 1)) == 0)
			dump->page_size = (uint32_t)value;
		else
			err = kc_dump_add_warning(dump,
						  "%s: VMCOREINFO PAGESIZE=%" PRIu64 " is not a plausible page size; using 4096",
						  dump->path, value);
	} else if (err != &kc_error_nomem) {
		kc_error_destroy(err);
		err = NULL;
	}
	if (!err) {
		err = kc_vmcoreinfo_u64(info, "CRASHTIME", &value);
		if (!err && value <= INT64_MAX) {
			dump->has_timestamp = true;
			dump->timestamp_sec = (int64_t)value;
		}
		if (err && err != &kc_error_nomem) {
			kc_error_destroy(err);
			err = NULL;
		}
	}
	kc_vmcoreinfo_destroy(info);
	return err;
}

/*
 * Who wrote the file, from traits that tell them apart (none is written
 * down in the file): QEMU adds FP-register and "QEMU" notes and, with
 * paging=false, gives physical addresses as p_vaddr; /proc/vmcore places
 * every byte at a file offset congruent to its physical address modulo the
 * page size; makedumpfile -E packs segments right after each other and
 * marks filtered pages with p_filesz < p_memsz.
 */
static const char *guess_producer(const struct note_census *census,
				  const struct layout *layout,
				  const char **why)
{
	if (census->qemu) {
		*why = "\"QEMU\" notes";
		return "QEMU dump-guest-memory";
	}
	if (census->fpregset) {
		*why = "NT_PRFPREG notes, which kernel crash notes never hold";
		return "QEMU dump-guest-memory";
	}
	if (layout->nr_loads && layout->identity_loads == layout->nr_loads) {
		*why = "p_vaddr == p_paddr in every PT_LOAD";
		return "QEMU dump-guest-memory";
	}
	if (layout->sparse_loads) {
		*why = "PT_LOADs with p_filesz < p_memsz (filtered pages)";
		return "makedumpfile -E";
	}
	if (layout->incongruent_loads) {
		*why = "PT_LOAD file offsets not congruent to p_paddr modulo 4 KiB";
		return "makedumpfile -E";
	}
	if (layout->notes_page_aligned) {
		*why = "page-aligned notes, file offsets congruent to p_paddr, kernel virtual p_vaddr";
		return "kdump /proc/vmcore";
	}
	*why = "no distinguishing trait";
	return "unknown";
}

static struct kc_error *add_header_fields(struct kc_dump *dump,
					  const struct elf_header *hdr)
{
	struct kc_error *err = kc_dump_add_field(dump, "e_type", "%u (%s)",
						 hdr->type, type_name(hdr->type));
	if (!err)
		err = kc_dump_add_field(dump, "e_machine", "%u (%s)",
					hdr->machine, machine_name(hdr->machine));
	if (!err)
		err = kc_dump_add_field(dump, "e_ehsize", "%u", hdr->ehsize);
	if (!err)
		err = kc_dump_add_field(dump, "e_phoff", "0x%" PRIx64, hdr->phoff);
	if (!err)
		err = kc_dump_add_field(dump, "e_phnum", "%" PRIu32 "%s",
					hdr->phnum,
					hdr->extended_phnum ?
						" (PN_XNUM: from section 0 sh_info)" : "");
	return err;
}

struct kc_error *kc_elf_dump_open(struct kc_dump *dump, struct kc_file *file)
{
	struct elf_dump *elf = calloc(1, sizeof(*elf));
	if (!elf)
		return &kc_error_nomem;
	elf->file = file;

	struct elf_header hdr = {0};
	struct note_census census = {0};
	struct layout layout = {0};
	struct kc_error *err = read_elf_header(file, &hdr);
	if (!err)
		err = add_header_fields(dump, &hdr);
	if (!err)
		err = read_segments(dump, elf, &hdr, &census, &layout);
	if (err)
		goto fail;

	qsort(elf->segments, elf->nr_segments, sizeof(*elf->segments),
	      compare_segments);
	err = build_pieces(elf);
	if (!err)
		err = fill_ranges(dump, elf);
	if (!err)
		err = warn_truncation(dump, elf);
	if (!err)
		err = apply_vmcoreinfo(dump);
	const char *why = NULL;
	const char *producer = guess_producer(&census, &layout, &why);
	if (!err)
		err = kc_dump_add_field(dump, "producer", "%s (guessed from %s)",
					producer, why);
	if (err)
		goto fail;

	dump->format = KC_DUMP_ELF;
	dump->format_name = strdup("ELF64 core");
	dump->compression = strdup("none");
	if (!dump->format_name || !dump->compression) {
		err = &kc_error_nomem;
		goto fail;
	}
	dump->header_nr_cpus = (uint32_t)dump->nr_prstatus;
	dump->priv = elf;
	dump->ops = &elf_dump_ops;
	return NULL;

fail:
	elf_dump_free(elf);
	return err;
}
