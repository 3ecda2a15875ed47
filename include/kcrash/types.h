/* SPDX-License-Identifier: MIT */
/*
 * Kernel types, whatever they were read from: the vmlinux's DWARF
 * (dwarf.h), BTF (btf.h: the vmlinux's .BTF section, the dump's own copy,
 * a raw blob), or types made here (a pointer to, an array of). Every
 * command sees only this interface, so each works unchanged on DWARF or
 * BTF.
 *
 * A struct kc_type is a small value naming one type in its source (a DIE,
 * a BTF id); it stays valid while that source is open. The facts of a
 * type (size, members, ...) are read from the source when asked for.
 */
#ifndef KCRASH_TYPES_H
#define KCRASH_TYPES_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>

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

enum kc_type_qualifier {
	KC_QUALIFIER_NONE,
	KC_QUALIFIER_CONST,
	KC_QUALIFIER_VOLATILE,
	KC_QUALIFIER_RESTRICT,
	KC_QUALIFIER_ATOMIC,
};

struct kc_type_ops;
struct kc_btf;
struct kc_made_type;

/*
 * A type. OPS is the source's (NULL, like IS_VOID, for void). DWARF: a C
 * array with several dimensions is one DIE with one subrange per
 * dimension, and DIM says which dimension this (sub)array starts at.
 */
struct kc_type {
	const struct kc_type_ops *ops;
	union {
		Dwarf_Die die;
		struct {
			const struct kc_btf *btf;
			uint32_t id;
		} btf;
		const struct kc_made_type *made;
	};
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
	bool has_address;      /* a link-time address from the type source */
	uint64_t address;
	bool is_percpu;        /* the address is in .data..percpu */
};

/* Iterators over members, enumerators and function parameters. */
struct kc_member_iter {
	struct kc_type parent;
	union {
		Dwarf_Die child;
		uint32_t index;
	};
	bool started, done;
};
struct kc_enumerator_iter {
	struct kc_type parent;
	union {
		Dwarf_Die child;
		uint32_t index;
	};
	bool started, done, is_signed;
};
struct kc_param_iter {
	struct kc_type parent;
	union {
		Dwarf_Die child;
		uint32_t index;
	};
	bool started, done;
};

enum kc_type_kind kc_type_kind(const struct kc_type *type);
/* Through typedefs and qualifiers to the type they name. */
struct kc_type kc_type_strip(const struct kc_type *type);
/* The type's own name ("task_struct", "pid_t", "int"), NULL if anonymous. */
const char *kc_type_name(const struct kc_type *type);
/* Which qualifier a KC_TYPE_QUALIFIED type adds. */
enum kc_type_qualifier kc_type_qualifier(const struct kc_type *type);
struct kc_error *kc_type_size(const struct kc_type *type, uint64_t *size);
/* Signed integer (or char, or enum with a signed underlying type)? */
bool kc_type_is_signed(const struct kc_type *type);
/* The type a pointer, typedef, qualifier, or function (return) refers to. */
struct kc_error *kc_type_target(const struct kc_type *type,
				struct kc_type *ret);
/* "DWARF", "BTF", ...: where TYPE came from. */
const char *kc_type_source(const struct kc_type *type);

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
void kc_member_iter_init(struct kc_member_iter *it, const struct kc_type *type);
/* Sets *member, or *done at the end. */
struct kc_error *kc_member_iter_next(struct kc_member_iter *it,
				     struct kc_member *member, bool *done);

/* Enumerators of an enum type (typedefs seen through), in order. */
void kc_enumerator_iter_init(struct kc_enumerator_iter *it,
			     const struct kc_type *enum_type);
/* Sets *name and *value, or *done at the end. */
struct kc_error *kc_enumerator_iter_next(struct kc_enumerator_iter *it,
					 const char **name, int64_t *value,
					 bool *done);

/* Parameters of a function type, in order. */
void kc_param_iter_init(struct kc_param_iter *it, const struct kc_type *function);
struct kc_error *kc_param_iter_next(struct kc_param_iter *it,
				    struct kc_type *type, bool *variadic,
				    bool *done);
bool kc_type_prototyped(const struct kc_type *function);

/* ---- type sources ------------------------------------------------------- */

struct kc_dwarf;

/*
 * One source of kernel types: a DWARF or a BTF reader, plus the types made
 * from its types (pointers to, arrays of), which live as long as it does.
 */
struct kc_types;


/* The reader behind the source (NULL when it is the other kind). */
struct kc_dwarf *kc_types_dwarf(const struct kc_types *types);
struct kc_btf *kc_types_btf(const struct kc_types *types);
/* What the source is, for the user: "BTF in the dump (5.2 MB, 121042 types)". */
const char *kc_types_description(const struct kc_types *types);

/*
 * A type by its C name: "struct task_struct", "union X", "enum pid_type",
 * a typedef or base type ("pid_t", "unsigned long"). A bare name that is no
 * typedef or base type also finds a struct, union or enum of that name (as
 * crash's "whatis task_struct" does). A declarator may follow: "char *",
 * "unsigned long [3]", "const char *const []".
 */
struct kc_error *kc_types_find_type(struct kc_types *types, const char *name,
				    struct kc_type *ret);
/*
 * A global variable. BTF has only per-CPU variables: others come from the
 * kernel's own declarations that kcrash knows (globals.h), their types
 * checked against the source.
 */
struct kc_error *kc_types_find_variable(struct kc_types *types,
					const char *name,
					struct kc_variable *ret);
/* An enumerator of a top-level enum; ENUM_TYPE may be NULL. */
struct kc_error *kc_types_find_enumerator(struct kc_types *types,
					  const char *name, int64_t *value,
					  struct kc_type *enum_type);

/* Made types: TARGET *, and ELEMENT[LENGTH] (ELEMENT[] when !COMPLETE). */
struct kc_error *kc_types_pointer_to(struct kc_types *types,
				     const struct kc_type *target,
				     struct kc_type *ret);
struct kc_error *kc_types_array_of(struct kc_types *types,
				   const struct kc_type *element,
				   uint64_t length, bool complete,
				   struct kc_type *ret);
struct kc_error *kc_types_qualified(struct kc_types *types,
				    const struct kc_type *target,
				    enum kc_type_qualifier qualifier,
				    struct kc_type *ret);

#endif
