/* SPDX-License-Identifier: MIT */
/*
 * An uncompressed copy of a vmlinux's compressed debug sections.
 *
 * libelf inflates an SHF_COMPRESSED section whole the first time libdw
 * touches it: for a vmlinux built with --compress-debug-sections that is
 * every .debug_* section on every run (0.3 s and 80 MB for a 6.1 kernel).
 * Written once into the cache, a small ELF holding the sections
 * uncompressed is mapped instead, and libdw pages in only the DIEs it reads.
 * The copy is inflated a chunk at a time straight into the file, so that
 * writing it costs the inflate's CPU but not the sections' size in memory.
 */
#ifndef KC_DEBUGCOPY_H
#define KC_DEBUGCOPY_H

#include <libelf.h>
#include <stdint.h>

#include "error.h"

/* Whether ELF has a compressed (SHF_COMPRESSED) .debug_info section. */
bool kc_debugcopy_needed(Elf *elf);

/*
 * Write to PATH (through a temporary file renamed into place) an ELF64
 * holding every .debug_* section of ELF uncompressed (zlib and zstd
 * ELFCOMPRESS types) and its notes (the build id), for libdw.
 */
struct kc_error *kc_debugcopy_write(Elf *elf, const char *path);

/*
 * The same copy, inflated as lookups need it, in anonymous memory
 * (kc_debugcopy_image, for elf_memory): a zlib-compressed .debug_info unit
 * by unit, in order (kc_debugcopy_ensure_unit), with the part of a
 * zlib-compressed .debug_abbrev each unit uses, and the sections only
 * source lines, locations, ranges and CFI need (.debug_line,
 * .debug_loclists, .debug_frame, ...) at kc_debugcopy_finish; until then
 * they are holes (zeros) of the right size. A DIE is read only once its
 * unit is inflated, so when a unit's abbreviations declare forms that
 * refer to other units (ref_addr, ref_sig8, GNU_ref_alt, indirect), the
 * whole of .debug_info and .debug_abbrev is inflated before it is read.
 * kc_debugcopy_finish inflates the rest and writes the copy to PATH (the
 * image stays valid until kc_debugcopy_free). ELF must stay open while
 * COPY lives.
 */
struct kc_debugcopy;
struct kc_error *kc_debugcopy_begin(Elf *elf, const char *path, struct kc_debugcopy **ret);
const uint8_t *kc_debugcopy_image(const struct kc_debugcopy *copy, size_t *size);
/* Inflate the unit at .debug_info OFFSET whole; *UNIT_END is where it ends. */
struct kc_error *kc_debugcopy_ensure_unit(struct kc_debugcopy *copy, uint64_t offset,
					  uint64_t *unit_end);
struct kc_error *kc_debugcopy_finish(struct kc_debugcopy *copy);
void kc_debugcopy_free(struct kc_debugcopy *copy);
/* How many bytes of .debug_info and .debug_abbrev are inflated so far. */
void kc_debugcopy_progress(const struct kc_debugcopy *copy, uint64_t *info_bytes,
			   uint64_t *abbrev_bytes);

/*
 * Inflate zlib sections with zlib even when built with ISA-L (tests that
 * compare the two); whether ISA-L is the inflater now.
 */
void kc_debugcopy_set_zlib_only(bool only);
bool kc_debugcopy_uses_isal(void);

#endif
