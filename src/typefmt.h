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

#include "dwarf.h"

enum kc_typefmt_flags {
	KC_TYPEFMT_OFFSETS = 1, /* "[offset]" before each member (crash -o) */
	KC_TYPEFMT_HEX = 2,     /* offsets and size in hex (crash -x) */
	KC_TYPEFMT_SIZE = 4,    /* a "SIZE: N" line after the definition */
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

#endif
