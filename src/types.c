/* SPDX-License-Identifier: MIT */
#include "types.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "dwarf.h"
#include "globals.h"

/* ---- generic type operations -------------------------------------------- */

enum kc_type_kind kc_type_kind(const struct kc_type *type)
{
	if (type->is_void || !type->ops)
		return KC_TYPE_VOID;
	return type->ops->kind(type);
}

const char *kc_type_source(const struct kc_type *type)
{
	return type->ops ? type->ops->source : "void";
}

struct kc_error *kc_type_target(const struct kc_type *type, struct kc_type *ret)
{
	if (kc_type_kind(type) == KC_TYPE_VOID)
		return kc_error_create(KC_ERR_INVALID_ARG, "void refers to no type");
	return type->ops->target(type, ret);
}

struct kc_type kc_type_strip(const struct kc_type *type)
{
	struct kc_type cur = *type;
	/* Bounded: a reference cycle in corrupt debug info must not hang us. */
	for (int i = 0; i < 64; i++) {
		enum kc_type_kind kind = kc_type_kind(&cur);
		struct kc_type next;
		if (kind != KC_TYPE_TYPEDEF && kind != KC_TYPE_QUALIFIED)
			break;
		struct kc_error *err = kc_type_target(&cur, &next);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		cur = next;
	}
	return cur;
}

const char *kc_type_name(const struct kc_type *type)
{
	if (kc_type_kind(type) == KC_TYPE_VOID)
		return "void";
	return type->ops->name(type);
}

enum kc_type_qualifier kc_type_qualifier(const struct kc_type *type)
{
	if (kc_type_kind(type) != KC_TYPE_QUALIFIED)
		return KC_QUALIFIER_NONE;
	return type->ops->qualifier(type);
}

bool kc_type_is_signed(const struct kc_type *type)
{
	struct kc_type t = kc_type_strip(type);
	switch (kc_type_kind(&t)) {
	case KC_TYPE_INT:
	case KC_TYPE_CHAR:
	case KC_TYPE_FLOAT:
	case KC_TYPE_ENUM:
		return t.ops->is_signed(&t);
	default:
		return false;
	}
}

struct kc_error *kc_type_array(const struct kc_type *type,
			       struct kc_type *element, uint64_t *length,
			       bool *complete)
{
	struct kc_type t = kc_type_strip(type);
	if (kc_type_kind(&t) != KC_TYPE_ARRAY)
		return kc_error_create(KC_ERR_INVALID_ARG, "type is not an array");
	t.ops->array_length(&t, length, complete);
	return kc_type_target(&t, element);
}

static const char *kind_word(enum kc_type_kind kind)
{
	switch (kind) {
	case KC_TYPE_STRUCT:
		return "struct ";
	case KC_TYPE_UNION:
		return "union ";
	case KC_TYPE_ENUM:
		return "enum ";
	default:
		return "";
	}
}

/* "struct task_struct", "pid_t", "anonymous union": for messages. */
static void describe(const struct kc_type *type, char *buf, size_t size)
{
	enum kc_type_kind kind = kc_type_kind(type);
	const char *name = kc_type_name(type);
	if (name)
		snprintf(buf, size, "%s%s", kind_word(kind), name);
	else if (kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION ||
		 kind == KC_TYPE_ENUM)
		snprintf(buf, size, "anonymous %.*s", (int)strlen(kind_word(kind)) - 1,
			 kind_word(kind));
	else if (kind == KC_TYPE_POINTER)
		snprintf(buf, size, "a pointer");
	else if (kind == KC_TYPE_ARRAY)
		snprintf(buf, size, "an array");
	else
		snprintf(buf, size, "an unnamed type");
}

/* Bounded: an array that is its own element (corrupt BTF) must not hang us. */
static struct kc_error *type_size(const struct kc_type *type, uint64_t *size,
				  int depth)
{
	struct kc_type t = kc_type_strip(type);
	char what[256];
	switch (kc_type_kind(&t)) {
	case KC_TYPE_ARRAY: {
		struct kc_type element;
		uint64_t length, element_size;
		bool complete;
		if (depth > 32)
			return kc_error_create(KC_ERR_FORMAT,
					       "arrays nested more than 32 deep");
		struct kc_error *err = kc_type_array(&t, &element, &length, &complete);
		if (!err)
			err = type_size(&element, &element_size, depth + 1);
		if (err)
			return err;
		if (element_size && length > UINT64_MAX / element_size)
			return kc_error_create(KC_ERR_FORMAT,
					       "array of %llu elements of %llu bytes overflows",
					       (unsigned long long)length,
					       (unsigned long long)element_size);
		*size = length * element_size;
		return NULL;
	}
	case KC_TYPE_VOID:
	case KC_TYPE_FUNCTION:
		return kc_error_create(KC_ERR_INVALID_ARG, "%s has no size",
				       kc_type_kind(&t) == KC_TYPE_VOID ? "void" :
				       "a function");
	default:
		if (t.ops->byte_size(&t, size))
			return NULL;
		describe(&t, what, sizeof(what));
		return kc_error_create(KC_ERR_LOOKUP, "%s has no size (incomplete type)",
				       what);
	}
}

struct kc_error *kc_type_size(const struct kc_type *type, uint64_t *size)
{
	return type_size(type, size, 0);
}

/* ---- members ------------------------------------------------------------ */

void kc_member_iter_init(struct kc_member_iter *it, const struct kc_type *type)
{
	memset(it, 0, sizeof(*it));
	it->parent = *type;
	enum kc_type_kind kind = kc_type_kind(type);
	it->done = kind != KC_TYPE_STRUCT && kind != KC_TYPE_UNION;
	if (!it->done)
		type->ops->member_iter_init(it);
}

struct kc_error *kc_member_iter_next(struct kc_member_iter *it,
				     struct kc_member *member, bool *done)
{
	if (it->done) {
		*done = true;
		return NULL;
	}
	struct kc_error *err = it->parent.ops->member_iter_next(it, member, done);
	if (err || *done)
		it->done = true;
	return err;
}

static bool is_aggregate(const struct kc_type *type)
{
	enum kc_type_kind kind = kc_type_kind(type);
	return kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION;
}

/* The member NAME of TYPE (a stripped struct/union), searching anonymous ones. */
static struct kc_error *find_member(const struct kc_type *type,
				    const char *name, size_t name_len,
				    struct kc_member *ret, bool *found,
				    int depth)
{
	struct kc_member_iter it;
	struct kc_member m;
	bool done;
	kc_member_iter_init(&it, type);
	*found = false;
	if (depth > 16)
		return kc_error_create(KC_ERR_FORMAT,
				       "anonymous members nested more than 16 deep");
	for (;;) {
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (err || done)
			return err;
		if (m.name && strlen(m.name) == name_len &&
		    memcmp(m.name, name, name_len) == 0) {
			*ret = m;
			*found = true;
			return NULL;
		}
		struct kc_type inner = kc_type_strip(&m.type);
		if ((m.name && *m.name) || !is_aggregate(&inner))
			continue;
		err = find_member(&inner, name, name_len, ret, found, depth + 1);
		if (err || *found) {
			if (*found) {
				ret->bit_offset += m.bit_offset;
				ret->offset = ret->bit_offset / 8;
			}
			return err;
		}
	}
}

/* Apply "[N]" subscripts at *PATH to member M. */
static struct kc_error *apply_subscripts(const char **path,
					 struct kc_member *m)
{
	while (**path == '[') {
		char *end;
		errno = 0;
		unsigned long long index = strtoull(*path + 1, &end, 0);
		if (end == *path + 1 || *end != ']' || errno)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "bad subscript in member path at `%s'",
					       *path);
		struct kc_type element;
		uint64_t length, element_size;
		bool complete;
		struct kc_error *err = kc_type_array(&m->type, &element, &length,
						     &complete);
		if (err) {
			kc_error_destroy(err);
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "member `%s' is not an array",
					       m->name ? m->name : "?");
		}
		if (complete && index >= length)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "index %llu out of bounds of `%s' (length %llu)",
					       index, m->name ? m->name : "?",
					       (unsigned long long)length);
		err = kc_type_size(&element, &element_size);
		if (err)
			return err;
		m->type = element;
		m->bit_offset += index * element_size * 8;
		m->offset = m->bit_offset / 8;
		m->bit_size = 0;
		*path = end + 1;
	}
	return NULL;
}

struct kc_error *kc_type_member(const struct kc_type *type, const char *path,
				struct kc_member *ret)
{
	struct kc_type outer = kc_type_strip(type);
	struct kc_type cur = outer;
	uint64_t base_bits = 0;
	const char *p = path;
	char what[256], inner[256];
	for (;;) {
		if (!is_aggregate(&cur)) {
			describe(&cur, inner, sizeof(inner));
			describe(&outer, what, sizeof(what));
			return kc_error_create(KC_ERR_LOOKUP,
					       "%s: `%.*s' is %s, not a struct or union (member paths do not follow pointers)",
					       what, (int)(p - path - 1), path, inner);
		}
		size_t len = strcspn(p, ".[");
		bool found;
		struct kc_member m;
		struct kc_error *err = find_member(&cur, p, len, &m, &found, 0);
		if (err)
			return err;
		if (!found) {
			describe(&outer, what, sizeof(what));
			if (p == path)
				return kc_error_create(KC_ERR_LOOKUP,
						       "%s has no member `%s'", what, path);
			describe(&cur, inner, sizeof(inner));
			return kc_error_create(KC_ERR_LOOKUP,
					       "%s has no member `%s' (%s has no `%.*s')",
					       what, path, inner, (int)len, p);
		}
		p += len;
		err = apply_subscripts(&p, &m);
		if (err)
			return err;
		m.bit_offset += base_bits;
		m.offset = m.bit_offset / 8;
		if (*p == '\0') {
			*ret = m;
			return NULL;
		}
		if (*p != '.')
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "bad member path `%s'", path);
		p++;
		base_bits = m.bit_offset;
		cur = kc_type_strip(&m.type);
	}
}

bool kc_type_has_member(const struct kc_type *type, const char *path)
{
	struct kc_member m;
	struct kc_error *err = kc_type_member(type, path, &m);
	kc_error_destroy(err);
	return !err;
}

/* ---- enumerators and parameters ---------------------------------------- */

void kc_enumerator_iter_init(struct kc_enumerator_iter *it,
			     const struct kc_type *enum_type)
{
	struct kc_type t = kc_type_strip(enum_type);
	memset(it, 0, sizeof(*it));
	it->parent = t;
	it->done = kc_type_kind(&t) != KC_TYPE_ENUM;
	if (!it->done)
		t.ops->enumerator_iter_init(it);
}

struct kc_error *kc_enumerator_iter_next(struct kc_enumerator_iter *it,
					 const char **name, int64_t *value,
					 bool *done)
{
	if (it->done) {
		*done = true;
		return NULL;
	}
	struct kc_error *err = it->parent.ops->enumerator_iter_next(it, name, value,
								     done);
	if (err || *done)
		it->done = true;
	return err;
}

void kc_param_iter_init(struct kc_param_iter *it, const struct kc_type *function)
{
	memset(it, 0, sizeof(*it));
	it->parent = *function;
	it->done = kc_type_kind(function) != KC_TYPE_FUNCTION;
	if (!it->done)
		function->ops->param_iter_init(it);
}

struct kc_error *kc_param_iter_next(struct kc_param_iter *it,
				    struct kc_type *type, bool *variadic,
				    bool *done)
{
	if (it->done) {
		*done = true;
		return NULL;
	}
	struct kc_error *err = it->parent.ops->param_iter_next(it, type, variadic,
								done);
	if (err || *done)
		it->done = true;
	return err;
}

bool kc_type_prototyped(const struct kc_type *function)
{
	return kc_type_kind(function) == KC_TYPE_FUNCTION &&
	       function->ops->prototyped(function);
}

/* ---- made types: pointers to, arrays of, qualified ---------------------- */

struct kc_made_type {
	enum kc_type_kind kind;
	enum kc_type_qualifier qualifier;
	struct kc_type target;
	uint64_t length;
	bool complete;
	struct kc_made_type *next; /* the source's list, freed with it */
};

static enum kc_type_kind made_kind(const struct kc_type *type)
{
	return type->made->kind;
}

static const char *made_name(const struct kc_type *type)
{
	(void)type;
	return NULL;
}

static enum kc_type_qualifier made_qualifier(const struct kc_type *type)
{
	return type->made->qualifier;
}

static bool made_byte_size(const struct kc_type *type, uint64_t *size)
{
	if (type->made->kind != KC_TYPE_POINTER)
		return false;
	*size = 8; /* arm64: LP64 */
	return true;
}

static bool made_is_signed(const struct kc_type *type)
{
	(void)type;
	return false;
}

static struct kc_error *made_target(const struct kc_type *type,
				    struct kc_type *ret)
{
	*ret = type->made->target;
	return NULL;
}

static void made_array_length(const struct kc_type *array, uint64_t *length,
			      bool *complete)
{
	*length = array->made->length;
	*complete = array->made->complete;
}

static const struct kc_type_ops made_type_ops = {
	.source = "kcrash",
	.kind = made_kind,
	.name = made_name,
	.qualifier = made_qualifier,
	.byte_size = made_byte_size,
	.is_signed = made_is_signed,
	.target = made_target,
	.array_length = made_array_length,
	/* Pointers, arrays and qualifiers have no members or parameters. */
};

/* ---- type sources ------------------------------------------------------- */

struct kc_types {
	struct kc_dwarf *dwarf;
	bool owns_dwarf;
	struct kc_btf *btf;
	char *description;
	struct kc_made_type *made;
};

static struct kc_error *types_new(struct kc_types **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? NULL : &kc_error_nomem;
}

struct kc_error *kc_types_from_dwarf(struct kc_dwarf *dwarf, bool owned,
				     struct kc_types **ret)
{
	struct kc_error *err = types_new(ret);
	if (err) {
		if (owned)
			kc_dwarf_close(dwarf);
		return err;
	}
	(*ret)->dwarf = dwarf;
	(*ret)->owns_dwarf = owned;
	return NULL;
}

struct kc_error *kc_types_from_btf(struct kc_btf *btf, struct kc_types **ret)
{
	struct kc_error *err = types_new(ret);
	if (err) {
		kc_btf_close(btf);
		return err;
	}
	(*ret)->btf = btf;
	return NULL;
}

void kc_types_destroy(struct kc_types *types)
{
	if (!types)
		return;
	if (types->owns_dwarf)
		kc_dwarf_close(types->dwarf);
	kc_btf_close(types->btf);
	while (types->made) {
		struct kc_made_type *next = types->made->next;
		free(types->made);
		types->made = next;
	}
	free(types->description);
	free(types);
}

struct kc_dwarf *kc_types_dwarf(const struct kc_types *types)
{
	return types->dwarf;
}

struct kc_btf *kc_types_btf(const struct kc_types *types)
{
	return types->btf;
}

const char *kc_types_description(const struct kc_types *types)
{
	if (types->description)
		return types->description;
	if (types->btf)
		return kc_btf_description(types->btf);
	return kc_dwarf_description(types->dwarf);
}

static struct kc_error *make_type(struct kc_types *types,
				  const struct kc_made_type *proto,
				  struct kc_type *ret)
{
	struct kc_made_type *made = malloc(sizeof(*made));
	if (!made)
		return &kc_error_nomem;
	*made = *proto;
	made->next = types->made;
	types->made = made;
	memset(ret, 0, sizeof(*ret));
	ret->ops = &made_type_ops;
	ret->made = made;
	return NULL;
}

struct kc_error *kc_types_pointer_to(struct kc_types *types,
				     const struct kc_type *target,
				     struct kc_type *ret)
{
	struct kc_made_type proto = {.kind = KC_TYPE_POINTER, .target = *target};
	return make_type(types, &proto, ret);
}

struct kc_error *kc_types_array_of(struct kc_types *types,
				   const struct kc_type *element,
				   uint64_t length, bool complete,
				   struct kc_type *ret)
{
	struct kc_made_type proto = {
		.kind = KC_TYPE_ARRAY, .target = *element,
		.length = complete ? length : 0, .complete = complete,
	};
	return make_type(types, &proto, ret);
}

struct kc_error *kc_types_qualified(struct kc_types *types,
				    const struct kc_type *target,
				    enum kc_type_qualifier qualifier,
				    struct kc_type *ret)
{
	struct kc_made_type proto = {
		.kind = KC_TYPE_QUALIFIED, .qualifier = qualifier, .target = *target,
	};
	return make_type(types, &proto, ret);
}

static struct kc_error *find_named_type(struct kc_types *types,
					const char *name, struct kc_type *ret)
{
	/* void is no type in DWARF or BTF, only their absence. */
	size_t len = strlen(name);
	while (len && isspace((unsigned char)name[len - 1]))
		len--;
	if (len == 4 && strncmp(name, "void", 4) == 0) {
		memset(ret, 0, sizeof(*ret));
		ret->is_void = true;
		return NULL;
	}
	if (types->btf)
		return kc_btf_find_type(types->btf, name, ret);
	return kc_dwarf_find_type(types->dwarf, name, ret);
}

/*
 * A C type name with a declarator: "char", "struct list_head *",
 * "const char *const []", "unsigned long [3]". The base name ends where
 * the first '*' or '[' starts; "const" before the base or after a '*'
 * qualifies, as in C.
 */
struct kc_error *kc_types_find_type(struct kc_types *types, const char *name,
				    struct kc_type *ret)
{
	size_t base_len = strcspn(name, "*[");
	const char *start = name;
	enum kc_type_qualifier leading[4];
	size_t nr_leading = 0;
	for (;;) {
		while (isspace((unsigned char)*start))
			start++;
		if (strncmp(start, "const ", 6) == 0 && nr_leading < 4) {
			leading[nr_leading++] = KC_QUALIFIER_CONST;
			start += 6;
		} else if (strncmp(start, "volatile ", 9) == 0 && nr_leading < 4) {
			leading[nr_leading++] = KC_QUALIFIER_VOLATILE;
			start += 9;
		} else {
			break;
		}
	}
	if (!name[base_len] && !nr_leading)
		return find_named_type(types, name, ret);
	char base[256];
	if (start > name + base_len)
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid type name `%s'", name);
	size_t len = (size_t)(name + base_len - start);
	if (len == 0 || len >= sizeof(base))
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid type name `%s'", name);
	memcpy(base, start, len);
	base[len] = '\0';
	struct kc_error *err = find_named_type(types, base, ret);
	for (size_t i = 0; !err && i < nr_leading; i++)
		err = kc_types_qualified(types, ret, leading[i], ret);
	const char *p = name + base_len;
	while (!err && *p) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '*') {
			err = kc_types_pointer_to(types, ret, ret);
			p++;
		} else if (strncmp(p, "const", 5) == 0) {
			err = kc_types_qualified(types, ret, KC_QUALIFIER_CONST, ret);
			p += 5;
		} else if (*p == '[') {
			char *end;
			errno = 0;
			unsigned long long length = strtoull(p + 1, &end, 0);
			bool complete = end != p + 1;
			if (*end != ']' || errno)
				return kc_error_create(KC_ERR_INVALID_ARG,
						       "invalid array bound in type `%s'", name);
			/* C's "T a[2][3]": the last bound is the innermost. */
			if (strchr(end + 1, '['))
				return kc_error_create(KC_ERR_UNSUPPORTED,
						       "type `%s': arrays of arrays are not supported",
						       name);
			err = kc_types_array_of(types, ret, length, complete, ret);
			p = end + 1;
		} else {
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "invalid type name `%s' at `%s'", name, p);
		}
	}
	return err;
}

/* "struct {seq,timekeeper}": an anonymous struct with those members. */
static struct kc_error *find_anonymous_struct(struct kc_types *types,
					      const char *spec,
					      struct kc_type *ret)
{
	char copy[256];
	const char *members[16];
	size_t nr = 0;
	const char *open = strchr(spec, '{'), *close = strchr(spec, '}');
	if (!types->btf || !open || !close || close < open ||
	    (size_t)(close - open) >= sizeof(copy))
		return kc_error_create(KC_ERR_LOOKUP, "no type `%s'", spec);
	memcpy(copy, open + 1, (size_t)(close - open - 1));
	copy[close - open - 1] = '\0';
	char *save = NULL;
	for (char *m = strtok_r(copy, ",", &save); m && nr < 15;
	     m = strtok_r(NULL, ",", &save))
		members[nr++] = m;
	members[nr] = NULL;
	return kc_btf_find_anonymous_struct(types->btf, members, ret);
}

/* The first alternative of DECLARATION ("A|B") that the source has. */
static struct kc_error *find_declared_type(struct kc_types *types,
					   const char *declaration,
					   struct kc_type *ret)
{
	char alternative[256];
	struct kc_error *err = NULL;
	for (const char *p = declaration; *p;) {
		size_t len = strcspn(p, "|");
		if (len >= sizeof(alternative))
			len = sizeof(alternative) - 1;
		memcpy(alternative, p, len);
		alternative[len] = '\0';
		kc_error_destroy(err);
		err = strncmp(alternative, "struct {", 8) == 0 ?
			find_anonymous_struct(types, alternative, ret) :
			kc_types_find_type(types, alternative, ret);
		if (!err || err->code != KC_ERR_LOOKUP)
			return err;
		p += len;
		if (*p == '|')
			p++;
	}
	return err;
}

struct kc_error *kc_types_find_variable(struct kc_types *types,
					const char *name,
					struct kc_variable *ret)
{
	if (types->dwarf)
		return kc_dwarf_find_variable(types->dwarf, name, ret);
	struct kc_error *err = kc_btf_find_percpu_variable(types->btf, name, ret);
	if (!err || err->code != KC_ERR_LOOKUP)
		return err;
	kc_error_destroy(err);
	/* BTF has no other variables: the kernel's own declaration. */
	const char *declared = kc_global_declaration(name);
	if (!declared)
		return kc_error_create(KC_ERR_LOOKUP,
				       "no variable named `%s' (BTF describes only per-CPU variables, and kcrash does not know the type of `%s')",
				       name, name);
	memset(ret, 0, sizeof(*ret));
	err = find_declared_type(types, declared, &ret->type);
	if (err)
		return kc_error_prefix(err, "`%s' is declared `%s' in the kernel, but",
				       name, declared);
	return NULL;
}

struct kc_error *kc_types_find_enumerator(struct kc_types *types,
					  const char *name, int64_t *value,
					  struct kc_type *enum_type)
{
	if (types->btf)
		return kc_btf_find_enumerator(types->btf, name, value, enum_type);
	return kc_dwarf_find_enumerator(types->dwarf, name, value, enum_type);
}
