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

#include "error.h"

/* Whether ELF has a compressed (SHF_COMPRESSED) .debug_info section. */
bool kc_debugcopy_needed(Elf *elf);

/*
 * Write to PATH (through a temporary file renamed into place) an ELF64
 * holding every .debug_* section of ELF uncompressed (zlib and zstd
 * ELFCOMPRESS types) and its notes (the build id), for libdw.
 */
struct kc_error *kc_debugcopy_write(Elf *elf, const char *path);

#endif
