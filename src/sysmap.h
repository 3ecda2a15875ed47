/* SPDX-License-Identifier: MIT */
/*
 * Symbols from a System.map or a copy of /proc/kallsyms, as a struct
 * kc_symtab with link-time addresses like a vmlinux's (symtab.h).
 */
#ifndef KC_SYSMAP_H
#define KC_SYSMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "symtab.h"

/*
 * Symbols from a System.map or a copy of /proc/kallsyms ("ADDR TYPE NAME" a line,
 * "[module]" suffixes on /proc/kallsyms module lines, which are skipped: modules'
 * symbols come from the dump). RUNTIME_STEXT: the crashed kernel's run-time _stext
 * (VMCOREINFO SYMBOL(_stext)), 0 if unknown; KASLR_OFFSET (with KASLR_KNOWN) from the dump.
 * A file whose _stext equals RUNTIME_STEXT holds run-time addresses (a /proc/kallsyms copy
 * from the crashed boot): KASLR_OFFSET is subtracted so the table is link-time like a
 * vmlinux's. A file whose _stext is neither the run-time one nor run-time minus the KASLR
 * offset belongs to another kernel: an error saying so, naming both addresses.
 *
 * With RUNTIME_STEXT 0, or without KASLR_KNOWN, the file is taken as
 * link-time unchecked (unless its _stext is the run-time one: then KASLR
 * moved nothing, or the offset is unknown, and the addresses are kept).
 * Kept like the ELF symtab keeps them: every defined symbol, absolute ones
 * ('a'/'A') included, with its nm type letter; sizes are 0 (unknown).
 * Not kept: module lines, undefined symbols ('U', 'w', 'v'), debugger-only
 * ('N') and aarch64 mapping symbols ($x, $d).
 */
struct kc_error *kc_sysmap_load(const char *path, uint64_t runtime_stext,
				bool kaslr_known, uint64_t kaslr_offset,
				struct kc_symtab **ret);

#endif
