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

static bool inflate_to(int fd, const struct section_copy *sec)
{
	uint8_t *chunk = malloc(INFLATE_CHUNK);
	if (!chunk)
		return false;
	uint64_t written = 0;
	bool ok = false;
	if (sec->compression == ELFCOMPRESS_ZLIB) {
		z_stream zs;
		memset(&zs, 0, sizeof(zs));
		if (inflateInit(&zs) == Z_OK) {
			zs.next_in = (Bytef *)(uintptr_t)sec->view;
			int r = Z_OK;
			uint64_t left_in = sec->view_size;
			while (r == Z_OK) {
				if (zs.avail_in == 0 && left_in) {
					uInt n = left_in > UINT32_MAX ? UINT32_MAX : (uInt)left_in;
					zs.avail_in = n;
					left_in -= n;
				}
				zs.next_out = chunk;
				zs.avail_out = INFLATE_CHUNK;
				r = inflate(&zs, Z_NO_FLUSH);
				size_t got = INFLATE_CHUNK - zs.avail_out;
				if ((r != Z_OK && r != Z_STREAM_END) || written + got > sec->size ||
				    !write_at(fd, chunk, got, sec->offset + written))
					break;
				written += got;
				if (r == Z_OK && got == 0 && zs.avail_in == 0 && !left_in)
					break; /* truncated input */
			}
			ok = r == Z_STREAM_END && written == sec->size;
			inflateEnd(&zs);
		}
	} else if (sec->compression == ELFCOMPRESS_ZSTD) {
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
	return ok;
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
		if (!secs[i].compression) {
			ok = write_at(fd, secs[i].view, secs[i].size, secs[i].offset);
		} else if (!inflate_to(fd, &secs[i])) {
			free(strtab);
			return kc_error_create(KC_ERR_DECOMPRESS,
					       "%s: ELF compression type %u did not inflate to %llu bytes",
					       secs[i].name, secs[i].compression,
					       (unsigned long long)secs[i].size);
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
	return ok ? NULL : kc_error_os(errno, "%s", path);
}

struct kc_error *kc_debugcopy_write(Elf *elf, const char *path)
{
	GElf_Ehdr ehdr;
	size_t shstrndx;
	if (!gelf_getehdr(elf, &ehdr) || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return kc_error_create(KC_ERR_FORMAT, "not an ELF file: %s", elf_errmsg(-1));
	struct section_copy secs[MAX_SECTIONS];
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
		err = write_elf(fd, ehdr.e_machine, secs, nr, tmp);
	if (fd >= 0 && close(fd) != 0 && !err)
		err = kc_error_os(errno, "%s", tmp);
	if (!err && rename(tmp, path) != 0)
		err = kc_error_os(errno, "%s", path);
	if (err && tmp)
		unlink(tmp);
	free(tmp);
	return err;
}
