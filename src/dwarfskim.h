/* SPDX-License-Identifier: MIT */
/*
 * One DWARF unit read straight from its bytes for the name index
 * (src/dwarf.c): the same DIEs, names and order libdw's walk gives
 * (dwarf_child, dwarf_siblingof, dwarf_diename), a few times faster.
 *
 * libdw answers one attribute per call, each a scan of the DIE's
 * abbreviation under a lock; the index reads the tag, name and
 * declaration flag of every DIE at the top of a unit, a million of them
 * in a kernel, and a cold `ps; mod` spent a third of its time there. This
 * reader parses each unit's abbreviation table once and decodes a DIE's
 * attributes in one pass. It reads only compile and partial units of
 * DWARF 2-5 whose names are inline or in .debug_str/.debug_line_str and
 * whose specification/abstract-origin references stay in the unit;
 * anything else (string offsets tables, supplementary files, type units,
 * DW_FORM_indirect) is left to libdw, unit by unit.
 *
 * Its abbreviation-table walk (kc_abbrev_walk) also serves the copy of
 * compressed debug sections (src/debugcopy.c), which checks each unit's
 * table before the unit is read.
 */
#ifndef KC_DWARFSKIM_H
#define KC_DWARFSKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Name spaces of the index, as in C plus variables and enumerators. */
enum kc_index_ns {
	NS_STRUCT = 1,
	NS_UNION,
	NS_ENUM,
	NS_TYPE,       /* typedefs and base types */
	NS_VARIABLE,
	NS_ENUMERATOR,
	NS_MAX = NS_ENUMERATOR,
};

#define INDEX_DECLARATION 1 /* a variable known only by its declaration */

/* The index's name space for a DIE tag, 0 for tags it does not hold. */
int kc_index_tag_ns(int tag);

/* The sections a unit's DIEs are read from, as libdw sees them. */
struct kc_skim_sections {
	const uint8_t *info, *abbrev, *str, *line_str;
	size_t info_size, abbrev_size, str_size, line_str_size;
};

/* Where the DIEs go: the index builder's lookup and insert. */
struct kc_skim_index {
	void *ctx;
	bool (*contains)(void *ctx, unsigned ns, const char *name);
	/* False: out of memory. */
	bool (*add)(void *ctx, unsigned ns, const char *name, uint64_t die_offset,
		    uint32_t parent_delta, uint8_t flags);
};

enum kc_skim_result {
	KC_SKIM_DONE,
	KC_SKIM_UNSUPPORTED, /* nothing added: read the unit with libdw */
	KC_SKIM_CORRUPT,     /* *ERROR_OFFSET: the .debug_info offset it could not read */
	KC_SKIM_NOMEM,
};

/*
 * The abbreviation table at P (up to its 0 code, not past END): ENTRY for
 * each abbreviation, then ATTR for each of its attribute specifications
 * (DW_FORM_implicit_const's value skipped). A callback returning false
 * stops the walk; KC_ABBREV_CUT when the bytes ran out (or an LEB128 was
 * longer than 64 bits) first.
 */
enum kc_abbrev_walk { KC_ABBREV_DONE, KC_ABBREV_STOPPED, KC_ABBREV_CUT };
struct kc_abbrev_visitor {
	void *ctx;
	bool (*entry)(void *ctx, uint64_t code, uint64_t tag, bool children);
	bool (*attr)(void *ctx, uint64_t name, uint64_t form);
};
enum kc_abbrev_walk kc_abbrev_walk(const uint8_t *p, const uint8_t *end,
				   const struct kc_abbrev_visitor *visitor);

struct kc_skimmer;
struct kc_skimmer *kc_skimmer_new(void);
void kc_skimmer_free(struct kc_skimmer *skimmer);

/*
 * Index the DIEs of the unit at .debug_info UNIT_OFFSET as the index walk
 * does (src/dwarf.c index_die): every DIE at the unit's top level, the
 * enumerators of an enum met first, the types nested in a struct or union
 * met first (8 levels deep).
 */
enum kc_skim_result kc_skim_unit(struct kc_skimmer *skimmer, const struct kc_skim_sections *sections,
				 uint64_t unit_offset, const struct kc_skim_index *index,
				 uint64_t *error_offset);

#endif
