/* SPDX-License-Identifier: MIT */
/*
 * Types and values as C text, the way crash prints them: a declaration
 * ("struct list_head *next"), a definition with member offsets (crash's
 * "struct -o", gdb's ptype) and a value from its bytes (crash's
 * "struct TYPE ADDR", gdb's pretty print). Output goes only to the FILE
 * given; values are printed from the bytes given, pointers never followed.
 * Values are decoded little-endian (arm64 kernels are).
 */
#ifndef KC_TYPEFMT_H
#define KC_TYPEFMT_H

#include <stdio.h>

#include <kcrash/types.h>

enum kc_typefmt_flags {
	KC_TYPEFMT_OFFSETS = 1, /* "[offset]" before each member (crash -o) */
	KC_TYPEFMT_HEX = 2,     /* offsets and size in hex (crash -x) */
	KC_TYPEFMT_SIZE = 4,    /* a "SIZE: N" line after the definition */
	KC_TYPEFMT_ADDRESSES = 8, /* "[address]" before each member (crash -o ADDR) */
};

/* TYPE declaring DECLARATOR ("" or NULL for the type name alone). */
struct kc_error *kc_typefmt_declaration(FILE *out, const struct kc_type *type,
					const char *declarator);
/*
 * The definition, typedefs and qualifiers seen through: a struct or union
 * with its members (anonymous ones expanded), an enum with its
 * enumerators, else the type's name; then a newline.
 */
struct kc_error *kc_typefmt_definition(FILE *out, const struct kc_type *type,
				       unsigned flags);
/* The value in BYTES (SIZE bytes, at least the type's size), then a newline. */
struct kc_error *kc_typefmt_value(FILE *out, const struct kc_type *type,
				  const void *bytes, size_t size);

/*
 * The definition with each member's virtual address (the object at ADDRESS)
 * in place of its offset, as crash's "struct -o TYPE ADDR".
 */
struct kc_error *kc_typefmt_definition_at(FILE *out, const struct kc_type *type,
					  unsigned flags, uint64_t address);
/*
 * Only the given MEMBERS of OUTER (as kc_type_member found them), each
 * with its offset (or, with KC_TYPEFMT_ADDRESSES, ADDRESS + offset):
 * crash's "struct TYPE.member".
 */
struct kc_error *kc_typefmt_members_definition(FILE *out,
					       const struct kc_type *outer,
					       const struct kc_member *members,
					       size_t nr_members, unsigned flags,
					       uint64_t address);

enum kc_typefmt_value_flags {
	KC_TYPEFMT_VALUE_HEX = 1,          /* integers in hex (crash -x, gdb /x) */
	KC_TYPEFMT_VALUE_HEADER = 2,       /* "struct X " before a struct's "{" */
	KC_TYPEFMT_VALUE_POINTER_TYPE = 4, /* gdb's "(type *) 0x..." for a pointer */
};
/*
 * The value, nested lines indented from INDENT columns, no newline (for
 * "  member = <value>,"-style lines).
 */
struct kc_error *kc_typefmt_value_at(FILE *out, const struct kc_type *type,
				     const void *bytes, size_t size,
				     unsigned flags, int indent);
/* SIZE bytes as gdb prints a char array: "abc\000\000", runs folded. */
void kc_typefmt_string(FILE *out, const void *bytes, size_t size);
/* MEMBER's value (bitfields included) from the bytes of its OBJECT. */
struct kc_error *kc_typefmt_member_value(FILE *out, const struct kc_member *member,
					 const void *object, size_t object_size,
					 unsigned flags, int indent);

/*
 * The value as JSON: structs and unions as objects (anonymous members'
 * members flattened into them), arrays as arrays, char arrays as strings
 * (to the first NUL), pointers as "0x..." strings, enums as their
 * enumerator's name, integers as numbers. No newline.
 */
struct kc_error *kc_typefmt_json(FILE *out, const struct kc_type *type,
				 const void *bytes, size_t size);
struct kc_error *kc_typefmt_member_json(FILE *out, const struct kc_member *member,
					const void *object, size_t object_size);

#endif
