/* SPDX-License-Identifier: MIT */
/*
 * The vmlinux's DWARF types, through libdw, converted lazily: one of the
 * type sources behind types.h.
 *
 * Nothing is converted at start-up. Lookups use an index of the named
 * top-level DIEs of every compilation unit: complete struct/union/enum
 * definitions, typedefs, base types, variables and the enumerators of
 * top-level enums, mapping (namespace, name) to a DIE offset (the first
 * unit's definition of each). It is loaded from a cache file keyed by build
 * id when there is one; otherwise it grows unit by unit, in unit order, only
 * as far as the names asked for (the types ps and mod need are all in the
 * first units, which include <linux/sched.h>), and a name no unit scanned so
 * far has scans the rest, completing the index, which is then written to the
 * cache. Either way a name resolves to the same DIE. A type is that DIE: its
 * facts (size, members, ...) are read from DWARF when asked for.
 *
 * The cache: $KCRASH_CACHE_DIR (empty = no cache), else
 * $XDG_CACHE_HOME/kcrash, else ~/.cache/kcrash; file <build-id>.idx,
 * written atomically, mmap'd on reuse, checked against the vmlinux's build
 * id, size and mtime, bounds-checked entry by entry and every DIE it names
 * checked for the expected tag and name; a bad cache is rebuilt.
 */
#ifndef KC_DWARF_H
#define KC_DWARF_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "types.h"

struct kc_dwarf;

/* A DWARF type: a DIE (valid while its kc_dwarf is open). */
extern const struct kc_type_ops kc_dwarf_type_ops;

/* How the index came to be, for reports and tests. */
struct kc_dwarf_index_info {
	/*
	 * DWARF is read from the cache's uncompressed copy of the vmlinux's
	 * compressed debug sections (src/debugcopy.h).
	 */
	bool uses_debug_copy;
	/*
	 * That copy is still being inflated as lookups need it (cold, no copy
	 * in the cache yet): completed, and written to the cache, by the first
	 * lookup that needs more than the units scanned (src/debugcopy.h).
	 */
	bool debug_copy_partial;
	bool built;            /* false until the first lookup */
	/*
	 * Only the first units_scanned units are indexed yet: no cache file
	 * was there, and lookups so far found their names early. A miss
	 * scans the rest (and writes the cache).
	 */
	bool partial;
	size_t units_scanned;
	bool from_cache;       /* mmap'd from the cache file */
	bool cache_rejected;   /* a cache file was there but stale or corrupt */
	bool cache_written;
	size_t nr_entries;
	size_t size;           /* bytes of index (= the cache file's size) */
	double build_seconds;  /* scan time; 0 when loaded from the cache */
	bool compressed_debug; /* libelf decompresses these whole into memory */
};

/*
 * Open PATH's DWARF. BUILD_ID (LEN bytes) keys the index cache; NULL reads
 * the vmlinux's own GNU build id note, and a given one must match it. Cheap:
 * libdw and the index are set up on the first lookup.
 */
struct kc_error *kc_dwarf_open(const char *path, const uint8_t *build_id,
			       size_t len, struct kc_dwarf **ret);
void kc_dwarf_close(struct kc_dwarf *dw);
/* "DWARF of PATH": what the source is, for the user. */
const char *kc_dwarf_description(const struct kc_dwarf *dw);
/* Whether the file has DWARF at all (.debug_info). */
bool kc_dwarf_has_debug_info(const struct kc_dwarf *dw);
/* Build or load the complete index now (lookups do as much as they need). */
struct kc_error *kc_dwarf_load_index(struct kc_dwarf *dw);
void kc_dwarf_index_info(const struct kc_dwarf *dw,
			 struct kc_dwarf_index_info *info);

/*
 * A type by its C name: "struct task_struct", "union X", "enum pid_type",
 * a typedef or base type ("pid_t", "unsigned long"). A bare name that is no
 * typedef or base type also finds a struct, union or enum of that name (as
 * crash's "whatis task_struct" does).
 */
struct kc_error *kc_dwarf_find_type(struct kc_dwarf *dw, const char *name,
				    struct kc_type *ret);
/* A global (or file-static) variable's definition, else its declaration. */
struct kc_error *kc_dwarf_find_variable(struct kc_dwarf *dw, const char *name,
					struct kc_variable *ret);
/* An enumerator of a top-level enum; ENUM_TYPE may be NULL. */
struct kc_error *kc_dwarf_find_enumerator(struct kc_dwarf *dw, const char *name,
					  int64_t *value,
					  struct kc_type *enum_type);

/* The type of a DIE's DW_AT_type (void when absent). */
struct kc_error *kc_type_of_die(const Dwarf_Die *die, struct kc_type *ret);

/*
 * The source file and line of ADDR (a link-time address) from the line
 * table of the compile unit holding it; *FILE stays valid while DW is open.
 * KC_ERR_LOOKUP when no unit or line covers ADDR.
 */
struct kc_error *kc_dwarf_source_line(struct kc_dwarf *dw, uint64_t addr,
				      const char **file, int *line);

/* The libdw handle (set up on first use), for what types.h does not cover. */
struct kc_error *kc_dwarf_handle(struct kc_dwarf *dw, Dwarf **ret);
/* The compile unit whose ranges hold link-time ADDR (aranges, else a scan). */
bool kc_dwarf_unit_holding(Dwarf *dwarf, uint64_t addr, Dwarf_Die *cu);

/*
 * Whether index builds read units straight from their bytes when they can
 * (src/dwarfskim.h; the default) or always through libdw, for tests that
 * compare the two.
 */
void kc_dwarf_set_skim(bool enabled);

#endif
