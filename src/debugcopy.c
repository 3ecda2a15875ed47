/* SPDX-License-Identifier: MIT */
#include "debugcopy.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "vmcore/file.h"

#define MAX_SECTIONS 64
/* ELF64 compression header (Elf64_Chdr): type, reserved, size, addralign. */
#define CHDR_SIZE 24
#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif

struct section_copy {
	const char *name;
	bool deferred;        /* compressed, left to kc_debugcopy_ensure/_finish */
	uint32_t type;
	uint64_t flags;
	uint64_t align;
	const uint8_t *view;  /* the bytes in the vmlinux (compressed: after the header) */
	uint64_t view_size;
	uint32_t compression; /* 0, or the ELFCOMPRESS_ type to inflate VIEW with */
	uint64_t size;        /* in the new file (uncompressed) */
	uint64_t offset;      /* in the new file */
	uint32_t name_offset;
};

static bool wanted(const char *name, const GElf_Shdr *shdr)
{
	return strncmp(name, ".debug_", 7) == 0 || shdr->sh_type == SHT_NOTE;
}

bool kc_debugcopy_needed(Elf *elf)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;
		if (gelf_getshdr(scn, &shdr) && (name = elf_strptr(elf, shstrndx, shdr.sh_name)) &&
		    strcmp(name, ".debug_info") == 0)
			return (shdr.sh_flags & SHF_COMPRESSED) != 0;
	}
	return false;
}

/* The section's bytes and, when SHF_COMPRESSED, how to inflate them. */
static struct kc_error *section_bytes(Elf_Scn *scn, const GElf_Shdr *shdr,
				      const char *name, struct section_copy *copy)
{
	Elf_Data *data = elf_rawdata(scn, NULL);
	if (!data || data->d_size != shdr->sh_size)
		return kc_error_create(KC_ERR_FORMAT, "%s: cannot read: %s", name, elf_errmsg(-1));
	copy->view = data->d_buf;
	copy->view_size = copy->size = data->d_size;
	if (!(shdr->sh_flags & SHF_COMPRESSED))
		return NULL;
	if (data->d_size < CHDR_SIZE)
		return kc_error_create(KC_ERR_FORMAT, "%s: compressed section shorter than its header", name);
	const uint8_t *raw = data->d_buf;
	uint32_t type = kc_get_le32(raw);
	uint64_t size = kc_get_le64(raw + 8);
	if (size > (UINT64_C(1) << 34))
		return kc_error_create(KC_ERR_FORMAT, "%s: uncompressed size %llu is implausible",
				       name, (unsigned long long)size);
	if (type != ELFCOMPRESS_ZLIB && type != ELFCOMPRESS_ZSTD)
		return kc_error_create(KC_ERR_UNSUPPORTED, "%s: ELF compression type %u", name, type);
	copy->view = raw + CHDR_SIZE;
	copy->view_size = data->d_size - CHDR_SIZE;
	copy->compression = type;
	copy->size = size;
	copy->flags &= ~(uint64_t)SHF_COMPRESSED;
	return NULL;
}

static void put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put_le32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put_le64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static bool write_at(int fd, const void *buf, size_t len, uint64_t offset)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)offset);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return false;
		}
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return true;
}

/*
 * Inflate SEC into FD at its offset a chunk at a time, so that the copy of a
 * section of tens of MB never sits whole in memory (peak RSS).
 */
enum { INFLATE_CHUNK = 1 << 20 };

/*
 * A zlib section being inflated into a file at the section's offset, a
 * chunk at a time: raw inflate, its 2-byte header checked (deflate, no
 * preset dictionary) and skipped, its trailing adler32 left unread (6% of
 * zlib's time on kernel DWARF); sizes are still checked, and a damaged
 * stream still fails to inflate.
 */
struct zlib_inflater {
	z_stream zs;
	uint64_t left_in; /* input not yet handed to zs */
	uint64_t done;    /* bytes written */
	bool live;
};

static bool zlib_start(struct zlib_inflater *z, const struct section_copy *sec)
{
	memset(z, 0, sizeof(*z));
	const uint8_t *in = sec->view;
	if (sec->view_size < 2 || (in[0] & 0x0f) != 8 || (in[0] >> 4) > 7 || (in[1] & 0x20) ||
	    ((unsigned)in[0] * 256 + in[1]) % 31 != 0 || inflateInit2(&z->zs, -15) != Z_OK)
		return false;
	z->zs.next_in = (Bytef *)(uintptr_t)(in + 2);
	z->left_in = sec->view_size - 2;
	z->live = true;
	return true;
}

static void zlib_end(struct zlib_inflater *z)
{
	if (z->live)
		inflateEnd(&z->zs);
	z->live = false;
}

/* Inflate SEC into FD until END (at most its size) bytes are written. */
static bool zlib_inflate_to(struct zlib_inflater *z, int fd, const struct section_copy *sec,
			    uint8_t *chunk, uint64_t end)
{
	while (z->done < end) {
		if (!z->live)
			return false;
		if (z->zs.avail_in == 0 && z->left_in) {
			uInt n = z->left_in > UINT32_MAX ? UINT32_MAX : (uInt)z->left_in;
			z->zs.avail_in = n;
			z->left_in -= n;
		}
		z->zs.next_out = chunk;
		z->zs.avail_out = INFLATE_CHUNK;
		int r = inflate(&z->zs, Z_NO_FLUSH);
		size_t got = INFLATE_CHUNK - z->zs.avail_out;
		bool truncated = r == Z_OK && got == 0 && z->zs.avail_in == 0 && !z->left_in;
		if ((r != Z_OK && r != Z_STREAM_END) || truncated || z->done + got > sec->size ||
		    !write_at(fd, chunk, got, sec->offset + z->done))
			return false;
		z->done += got;
		if (r == Z_STREAM_END) {
			zlib_end(z);
			return z->done == sec->size;
		}
	}
	return true;
}

/* Inflate the whole of SEC into FD at its offset. */
static struct kc_error *inflate_to(int fd, const struct section_copy *sec)
{
	uint8_t *chunk = malloc(INFLATE_CHUNK);
	if (!chunk)
		return &kc_error_nomem;
	bool ok = false;
	if (sec->compression == ELFCOMPRESS_ZLIB) {
		struct zlib_inflater z;
		ok = zlib_start(&z, sec) && zlib_inflate_to(&z, fd, sec, chunk, sec->size);
		zlib_end(&z);
	} else if (sec->compression == ELFCOMPRESS_ZSTD) {
		uint64_t written = 0;
		ZSTD_DStream *ds = ZSTD_createDStream();
		ZSTD_inBuffer in = {sec->view, sec->view_size, 0};
		size_t r = ds ? ZSTD_initDStream(ds) : 1;
		bool failed = !ds || ZSTD_isError(r);
		while (!failed && written < sec->size) {
			ZSTD_outBuffer out = {chunk, INFLATE_CHUNK, 0};
			r = ZSTD_decompressStream(ds, &out, &in);
			failed = ZSTD_isError(r) || written + out.pos > sec->size ||
				 !write_at(fd, chunk, out.pos, sec->offset + written) ||
				 (out.pos == 0 && in.pos == in.size);
			written += out.pos;
		}
		ok = !failed && written == sec->size;
		ZSTD_freeDStream(ds);
	}
	free(chunk);
	if (ok)
		return NULL;
	return kc_error_create(KC_ERR_DECOMPRESS, "%s: ELF compression type %u did not inflate to %llu bytes",
			       sec->name, sec->compression, (unsigned long long)sec->size);
}

/* Layout: ELF header | sections (8-aligned) | .shstrtab | section headers. */
static struct kc_error *write_elf(int fd, uint16_t machine, struct section_copy *secs,
				  size_t nr, const char *path)
{
	size_t strtab_size = 1 + sizeof(".shstrtab");
	for (size_t i = 0; i < nr; i++)
		strtab_size += strlen(secs[i].name) + 1;
	char *strtab = calloc(1, strtab_size);
	if (!strtab)
		return &kc_error_nomem;
	size_t pos = 1;
	uint64_t offset = 64;
	for (size_t i = 0; i < nr; i++) {
		secs[i].name_offset = (uint32_t)pos;
		strcpy(strtab + pos, secs[i].name);
		pos += strlen(secs[i].name) + 1;
		offset = (offset + 7) & ~UINT64_C(7);
		secs[i].offset = offset;
		offset += secs[i].size;
	}
	uint32_t strtab_name = (uint32_t)pos;
	strcpy(strtab + pos, ".shstrtab");
	uint64_t strtab_offset = offset;
	uint64_t shoff = (strtab_offset + strtab_size + 7) & ~UINT64_C(7);
	uint16_t shnum = (uint16_t)(nr + 2);

	uint8_t ehdr[64] = {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* LSB */, 1 /* EV_CURRENT */};
	put_le16(ehdr + 16, ET_EXEC);
	put_le16(ehdr + 18, machine);
	put_le32(ehdr + 20, EV_CURRENT);
	put_le64(ehdr + 40, shoff);
	put_le16(ehdr + 52, 64);  /* e_ehsize */
	put_le16(ehdr + 58, 64);  /* e_shentsize */
	put_le16(ehdr + 60, shnum);
	put_le16(ehdr + 62, (uint16_t)(shnum - 1)); /* e_shstrndx */
	bool ok = write_at(fd, ehdr, sizeof(ehdr), 0);
	for (size_t i = 0; ok && i < nr; i++) {
		if (secs[i].deferred)
			continue; /* a hole until inflated */
		if (!secs[i].compression) {
			ok = write_at(fd, secs[i].view, secs[i].size, secs[i].offset);
		} else {
			struct kc_error *err = inflate_to(fd, &secs[i]);
			if (err) {
				free(strtab);
				return err;
			}
		}
	}
	ok = ok && write_at(fd, strtab, strtab_size, strtab_offset);
	uint8_t shdr[64];
	memset(shdr, 0, sizeof(shdr));
	ok = ok && write_at(fd, shdr, sizeof(shdr), shoff); /* SHN_UNDEF */
	for (size_t i = 0; ok && i <= nr; i++) {
		memset(shdr, 0, sizeof(shdr));
		bool is_strtab = i == nr;
		put_le32(shdr, is_strtab ? strtab_name : secs[i].name_offset);
		put_le32(shdr + 4, is_strtab ? SHT_STRTAB : secs[i].type);
		put_le64(shdr + 8, is_strtab ? 0 : secs[i].flags);
		put_le64(shdr + 24, is_strtab ? strtab_offset : secs[i].offset);
		put_le64(shdr + 32, is_strtab ? strtab_size : secs[i].size);
		put_le64(shdr + 48, is_strtab ? 1 : secs[i].align);
		ok = write_at(fd, shdr, sizeof(shdr), shoff + 64 * (i + 1));
	}
	free(strtab);
	/* Deferred sections at the end of the file are holes too: size it. */
	ok = ok && ftruncate(fd, (off_t)(shoff + 64 * (uint64_t)shnum)) == 0;
	return ok ? NULL : kc_error_os(errno, "%s", path);
}

/* ELF's .debug_* sections and notes, as they will be copied. */
static struct kc_error *collect_sections(Elf *elf, struct section_copy *secs, size_t *nr_secs,
					 uint16_t *machine)
{
	GElf_Ehdr ehdr;
	size_t shstrndx;
	if (!gelf_getehdr(elf, &ehdr) || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return kc_error_create(KC_ERR_FORMAT, "not an ELF file: %s", elf_errmsg(-1));
	*machine = ehdr.e_machine;
	size_t nr = 0;
	struct kc_error *err = NULL;
	Elf_Scn *scn = NULL;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS ||
		    !(name = elf_strptr(elf, shstrndx, shdr.sh_name)) || !wanted(name, &shdr))
			continue;
		if (nr == MAX_SECTIONS) {
			err = kc_error_create(KC_ERR_UNSUPPORTED, "more than %d debug sections", MAX_SECTIONS);
			break;
		}
		secs[nr] = (struct section_copy){.name = name, .type = shdr.sh_type,
						 .flags = shdr.sh_flags, .align = shdr.sh_addralign ? shdr.sh_addralign : 1};
		err = section_bytes(scn, &shdr, name, &secs[nr]);
		nr++;
	}
	*nr_secs = nr;
	return err;
}

struct kc_error *kc_debugcopy_write(Elf *elf, const char *path)
{
	struct section_copy secs[MAX_SECTIONS];
	size_t nr = 0;
	uint16_t machine = 0;
	struct kc_error *err = collect_sections(elf, secs, &nr, &machine);
	char *tmp = NULL;
	int fd = -1;
	if (!err && asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		err = &kc_error_nomem;
	if (!err) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			err = kc_error_os(errno, "%s", tmp);
	}
	if (!err)
		err = write_elf(fd, machine, secs, nr, tmp);
	if (fd >= 0 && close(fd) != 0 && !err)
		err = kc_error_os(errno, "%s", tmp);
	if (!err && rename(tmp, path) != 0)
		err = kc_error_os(errno, "%s", path);
	if (err && tmp)
		unlink(tmp);
	free(tmp);
	return err;
}

/* ---- the copy inflated as lookups need it -------------------------------- */

/*
 * Sections libdw reads only for source lines, locations, ranges and CFI
 * (kc_dwarf_handle's users), left compressed until kc_debugcopy_finish.
 */
static bool deferrable(const char *name)
{
	static const char *const names[] = {".debug_line", ".debug_loclists", ".debug_loc",
					    ".debug_frame", ".debug_rnglists", ".debug_ranges",
					    ".debug_aranges"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

struct kc_debugcopy {
	char *path, *tmp;
	int fd;
	struct section_copy secs[MAX_SECTIONS];
	size_t nr;
	size_t info;          /* .debug_info's index in secs */
	struct zlib_inflater info_z; /* .debug_info's stream, inflated so far */
	uint8_t *chunk;
	bool finished;
};

static bool uleb(const uint8_t **p, const uint8_t *end, uint64_t *value)
{
	*value = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t byte = *(*p)++;
		*value |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return true;
	}
	return false;
}

/*
 * Whether ABBREV (a .debug_abbrev) declares a form that reaches outside its
 * own unit (DW_FORM_ref_addr, ref_sig8, GNU_ref_alt) or one that could be
 * anything (DW_FORM_indirect): only without them may a unit be read while
 * later units are not inflated yet. Malformed counts as yes.
 */
static bool abbrev_reaches_other_units(const uint8_t *abbrev, size_t len)
{
	const uint8_t *p = abbrev, *end = abbrev + len;
	while (p < end) {
		uint64_t code, tag, attr, form;
		if (!uleb(&p, end, &code))
			return true;
		if (code == 0)
			continue; /* the end of one unit's table */
		if (!uleb(&p, end, &tag) || p >= end)
			return true;
		p++; /* DW_CHILDREN_yes/no */
		for (;;) {
			if (!uleb(&p, end, &attr) || !uleb(&p, end, &form))
				return true;
			if (attr == 0 && form == 0)
				break;
			if (form == 0x10 || form == 0x20 || form == 0x16 || form == 0x1f20)
				return true;
			if (form == 0x21) { /* DW_FORM_implicit_const: an SLEB128 follows */
				uint64_t ignored;
				if (!uleb(&p, end, &ignored))
					return true;
			}
		}
	}
	return false;
}

/* Inflate .debug_info up to END (clamped to its size). */
static bool inflate_info(struct kc_debugcopy *copy, uint64_t end)
{
	const struct section_copy *sec = &copy->secs[copy->info];
	return zlib_inflate_to(&copy->info_z, copy->fd, sec, copy->chunk,
			       end < sec->size ? end : sec->size);
}

struct kc_error *kc_debugcopy_begin(Elf *elf, const char *path, struct kc_debugcopy **ret)
{
	*ret = NULL;
	struct kc_debugcopy *copy = calloc(1, sizeof(*copy));
	if (!copy)
		return &kc_error_nomem;
	copy->fd = -1;
	copy->info = SIZE_MAX;
	uint16_t machine = 0;
	struct kc_error *err = collect_sections(elf, copy->secs, &copy->nr, &machine);
	for (size_t i = 0; !err && i < copy->nr; i++) {
		struct section_copy *sec = &copy->secs[i];
		if (strcmp(sec->name, ".debug_info") == 0 && sec->compression == ELFCOMPRESS_ZLIB)
			copy->info = i;
		sec->deferred = sec->compression && (deferrable(sec->name) || copy->info == i);
	}
	if (!err && copy->info == SIZE_MAX)
		err = kc_error_create(KC_ERR_UNSUPPORTED, "no zlib-compressed .debug_info");
	if (!err && (!(copy->path = strdup(path)) || !(copy->chunk = malloc(INFLATE_CHUNK)) ||
		     asprintf(&copy->tmp, "%s.tmp.%d", path, (int)getpid()) < 0)) {
		copy->tmp = NULL;
		err = &kc_error_nomem;
	}
	if (!err) {
		copy->fd = open(copy->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (copy->fd < 0)
			err = kc_error_os(errno, "%s", copy->tmp);
	}
	if (!err)
		err = write_elf(copy->fd, machine, copy->secs, copy->nr, copy->tmp);
	if (!err && !zlib_start(&copy->info_z, &copy->secs[copy->info]))
		err = kc_error_create(KC_ERR_DECOMPRESS, ".debug_info: not a zlib stream");
	/* Units read while later ones are holes must not point into them. */
	for (size_t i = 0; !err && i < copy->nr; i++) {
		const struct section_copy *sec = &copy->secs[i];
		if (strcmp(sec->name, ".debug_abbrev") != 0)
			continue;
		uint8_t *abbrev = malloc(sec->size ? sec->size : 1);
		bool read_ok = abbrev && pread(copy->fd, abbrev, sec->size, (off_t)sec->offset) ==
					      (ssize_t)sec->size;
		if (!read_ok || abbrev_reaches_other_units(abbrev, sec->size))
			err = kc_error_create(KC_ERR_UNSUPPORTED,
					      ".debug_abbrev: forms that refer to other units");
		free(abbrev);
	}
	if (err) {
		kc_debugcopy_free(copy);
		return err;
	}
	*ret = copy;
	return NULL;
}

const char *kc_debugcopy_temp_path(const struct kc_debugcopy *copy)
{
	return copy->tmp;
}

struct kc_error *kc_debugcopy_ensure_unit(struct kc_debugcopy *copy, uint64_t offset,
					  uint64_t *unit_end)
{
	const struct section_copy *info = &copy->secs[copy->info];
	*unit_end = info->size;
	if (offset >= info->size)
		return NULL;
	/* The initial length: 4 bytes, or 0xffffffff and 8 more (64-bit DWARF). */
	uint8_t header[12];
	size_t header_len = info->size - offset < 12 ? (size_t)(info->size - offset) : 12;
	if (!inflate_info(copy, offset + header_len) ||
	    pread(copy->fd, header, header_len, (off_t)(info->offset + offset)) != (ssize_t)header_len)
		return kc_error_create(KC_ERR_DECOMPRESS, ".debug_info: cannot inflate to 0x%llx",
				       (unsigned long long)(offset + header_len));
	uint64_t length = header_len >= 4 ? kc_get_le32(header) : 0;
	uint64_t end = offset + 4 + length;
	if (length == 0xffffffff)
		end = header_len == 12 ? offset + 12 + kc_get_le64(header + 4) : info->size;
	if (end > info->size || end < offset)
		end = info->size;
	if (!inflate_info(copy, end))
		return kc_error_create(KC_ERR_DECOMPRESS, ".debug_info: cannot inflate to 0x%llx",
				       (unsigned long long)end);
	*unit_end = end;
	return NULL;
}

struct kc_error *kc_debugcopy_finish(struct kc_debugcopy *copy)
{
	if (copy->finished)
		return NULL;
	if (!inflate_info(copy, copy->secs[copy->info].size))
		return kc_error_create(KC_ERR_DECOMPRESS, ".debug_info did not inflate to %llu bytes",
				       (unsigned long long)copy->secs[copy->info].size);
	for (size_t i = 0; i < copy->nr; i++) {
		struct section_copy *sec = &copy->secs[i];
		if (!sec->deferred || i == copy->info)
			continue;
		struct kc_error *err = inflate_to(copy->fd, sec);
		if (err)
			return err;
		sec->deferred = false;
	}
	if (rename(copy->tmp, copy->path) != 0)
		return kc_error_os(errno, "%s", copy->path);
	copy->finished = true;
	return NULL;
}

void kc_debugcopy_free(struct kc_debugcopy *copy)
{
	if (!copy)
		return;
	zlib_end(&copy->info_z);
	if (copy->fd >= 0)
		close(copy->fd);
	if (copy->tmp && !copy->finished)
		unlink(copy->tmp);
	free(copy->tmp);
	free(copy->path);
	free(copy->chunk);
	free(copy);
}
