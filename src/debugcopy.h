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
 * The same copy, inflated as lookups need it: a zlib-compressed
 * .debug_info unit by unit, in order (kc_debugcopy_ensure_unit), and the
 * sections only source lines, locations, ranges and CFI need (.debug_line,
 * .debug_loclists, .debug_frame, ...) at kc_debugcopy_finish; until then
 * they are holes of the right size in a temporary file beside PATH
 * (kc_debugcopy_temp_path) that libdw can map. A DIE is read only once its
 * unit is inflated, so the copy is refused (KC_ERR_UNSUPPORTED) when
 * .debug_abbrev declares forms that refer to other units (ref_addr,
 * ref_sig8, GNU_ref_alt, indirect). kc_debugcopy_finish inflates the rest
 * and renames the file to PATH; kc_debugcopy_free removes an unfinished one.
 * ELF must stay open while COPY lives.
 */
struct kc_debugcopy;
struct kc_error *kc_debugcopy_begin(Elf *elf, const char *path, struct kc_debugcopy **ret);
const char *kc_debugcopy_temp_path(const struct kc_debugcopy *copy);
/* Inflate the unit at .debug_info OFFSET whole; *UNIT_END is where it ends. */
struct kc_error *kc_debugcopy_ensure_unit(struct kc_debugcopy *copy, uint64_t offset,
					  uint64_t *unit_end);
struct kc_error *kc_debugcopy_finish(struct kc_debugcopy *copy);
void kc_debugcopy_free(struct kc_debugcopy *copy);

#endif
