/* SPDX-License-Identifier: MIT */
/*
 * The vmlinux's DWARF types, through libdw, converted lazily.
 *
 * Nothing is converted at start-up. The first lookup builds (or loads from
 * a cache file keyed by build id) an index of the named top-level DIEs of
 * every compilation unit: complete struct/union/enum definitions, typedefs,
 * base types, variables and the enumerators of top-level enums, mapping
 * (namespace, name) to a DIE offset. A lookup then resolves one DIE, and a
 * type is that DIE: its facts (size, members, ...) are read from DWARF when
 * asked for.
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

struct kc_dwarf;

enum kc_type_kind {
	KC_TYPE_VOID,
	KC_TYPE_INT,
	KC_TYPE_BOOL,
	KC_TYPE_CHAR,
	KC_TYPE_FLOAT,
	KC_TYPE_POINTER,
	KC_TYPE_ARRAY,
	KC_TYPE_STRUCT,
	KC_TYPE_UNION,
	KC_TYPE_ENUM,
	KC_TYPE_FUNCTION,
	KC_TYPE_TYPEDEF,
	KC_TYPE_QUALIFIED, /* const, volatile, restrict or _Atomic */
};

/*
 * A type: a DWARF DIE (valid while its kc_dwarf is open). A C array with
 * several dimensions is one DIE with one subrange per dimension: DIM says
 * which dimension this (sub)array type starts at. VOID has no DIE.
 */
struct kc_type {
	Dwarf_Die die;
	bool is_void;
	unsigned dim;
};

/* A member found by kc_type_member(); offsets count from the outer type. */
struct kc_member {
	const char *name;      /* NULL for an anonymous struct/union member */
	struct kc_type type;   /* the member's declared type */
	uint64_t offset;       /* bytes (for a bitfield: bit_offset / 8) */
	uint64_t bit_offset;   /* bits; offset * 8 unless a bitfield */
	uint64_t bit_size;     /* 0 unless a bitfield */
};

struct kc_variable {
	struct kc_type type;
	Dwarf_Die die;
	bool has_address;      /* a link-time address from DW_OP_addr */
	uint64_t address;
	bool is_percpu;        /* the address is in .data..percpu */
};

/* How the index came to be, for reports and tests. */
struct kc_dwarf_index_info {
	/*
	 * DWARF is read from the cache's uncompressed copy of the vmlinux's
	 * compressed debug sections (src/debugcopy.h).
	 */
	bool uses_debug_copy;
	bool built;            /* false until the first lookup */
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
/* Build or load the index now (lookups do it on demand). */
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

enum kc_type_kind kc_type_kind(const struct kc_type *type);
/* Through typedefs and qualifiers to the type they name. */
struct kc_type kc_type_strip(const struct kc_type *type);
/* The type's own name ("task_struct", "pid_t", "int"), NULL if anonymous. */
const char *kc_type_name(const struct kc_type *type);
struct kc_error *kc_type_size(const struct kc_type *type, uint64_t *size);
/* Signed integer (or char, or enum with a signed underlying type)? */
bool kc_type_is_signed(const struct kc_type *type);
/* The type a pointer, typedef, qualifier, or function (return) refers to. */
struct kc_error *kc_type_target(const struct kc_type *type,
				struct kc_type *ret);

/*
 * An array's element type and length (of its first dimension). A flexible
 * array (no bound) has *complete false and *length 0.
 */
struct kc_error *kc_type_array(const struct kc_type *type,
			       struct kc_type *element, uint64_t *length,
			       bool *complete);

/*
 * A member by path: "pid", "thread.cpu_context.sp", "mem[1].size". Typedefs
 * and qualifiers are seen through, anonymous struct/union members searched,
 * pointers never followed.
 */
struct kc_error *kc_type_member(const struct kc_type *type, const char *path,
				struct kc_member *ret);
bool kc_type_has_member(const struct kc_type *type, const char *path);

/* Direct members in order, anonymous ones included (name NULL). */
struct kc_member_iter {
	Dwarf_Die child;
	bool started, done;
};
void kc_member_iter_init(struct kc_member_iter *it, const struct kc_type *type);
/* Sets *member, or *done at the end. */
struct kc_error *kc_member_iter_next(struct kc_member_iter *it,
				     struct kc_member *member, bool *done);

/* Enumerators of an enum type, in order. */
struct kc_enumerator_iter {
	Dwarf_Die child;
	bool started, done, is_signed;
};
void kc_enumerator_iter_init(struct kc_enumerator_iter *it,
			     const struct kc_type *enum_type);
/* Sets *name and *value, or *done at the end. */
struct kc_error *kc_enumerator_iter_next(struct kc_enumerator_iter *it,
					 const char **name, int64_t *value,
					 bool *done);

/* The type of a DIE's DW_AT_type (void when absent). */
struct kc_error *kc_type_of_die(const Dwarf_Die *die, struct kc_type *ret);

/*
 * The source file and line of ADDR (a link-time address) from the line
 * table of the compile unit holding it; *FILE stays valid while DW is open.
 * KC_ERR_LOOKUP when no unit or line covers ADDR.
 */
struct kc_error *kc_dwarf_source_line(struct kc_dwarf *dw, uint64_t addr,
				      const char **file, int *line);

#endif
