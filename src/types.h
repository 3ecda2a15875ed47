/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/types.h. */
#ifndef KC_TYPES_H
#define KC_TYPES_H

#include <kcrash/types.h>

/*
 * What a type source implements; the generic parts (member paths,
 * typedef stripping, array sizes, messages) are types.c's.
 */
struct kc_type_ops {
	const char *source;    /* "DWARF", "BTF": for messages */
	enum kc_type_kind (*kind)(const struct kc_type *type);
	const char *(*name)(const struct kc_type *type);
	enum kc_type_qualifier (*qualifier)(const struct kc_type *type);
	/* The size of a base, pointer, struct, union or enum type. */
	bool (*byte_size)(const struct kc_type *type, uint64_t *size);
	/* Of a base or enum type (not stripped of typedefs: types.c does). */
	bool (*is_signed)(const struct kc_type *type);
	/* Pointer, typedef, qualifier: the target; function: the return type;
	 * array: the element (or the next dimension). */
	struct kc_error *(*target)(const struct kc_type *type, struct kc_type *ret);
	void (*array_length)(const struct kc_type *array, uint64_t *length,
			     bool *complete);
	void (*member_iter_init)(struct kc_member_iter *it);
	struct kc_error *(*member_iter_next)(struct kc_member_iter *it,
					     struct kc_member *member, bool *done);
	void (*enumerator_iter_init)(struct kc_enumerator_iter *it);
	struct kc_error *(*enumerator_iter_next)(struct kc_enumerator_iter *it,
						 const char **name,
						 int64_t *value, bool *done);
	void (*param_iter_init)(struct kc_param_iter *it);
	/* *VARIADIC (and no TYPE) for a trailing "...". */
	struct kc_error *(*param_iter_next)(struct kc_param_iter *it,
					    struct kc_type *type, bool *variadic,
					    bool *done);
	/* A function type with a parameter list ("(void)" when empty). */
	bool (*prototyped)(const struct kc_type *function);
};

/*
 * Sources over an open reader. The BTF source owns its reader; the DWARF
 * source closes it only when OWNED (the session keeps its vmlinux DWARF
 * for source lines too).
 */
struct kc_error *kc_types_from_dwarf(struct kc_dwarf *dwarf, bool owned,
				     struct kc_types **ret);
struct kc_error *kc_types_from_btf(struct kc_btf *btf, struct kc_types **ret);
void kc_types_destroy(struct kc_types *types);

#endif
