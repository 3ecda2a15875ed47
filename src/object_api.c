/* SPDX-License-Identifier: MIT */
/*
 * Typed kernel objects (include/kcrash/object.h) over the session's types
 * and memory. Only the public headers are used: this is the layer the
 * Python module stands on.
 */
#include <kcrash/object.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>

/* Deep enough for any real declarator; bounds corrupt type loops. */
#define NAME_DEPTH_MAX 24

/* ---- type names --------------------------------------------------------- */

static const char *tag_word(enum kc_type_kind kind)
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

static const char *qualifier_word(enum kc_type_qualifier qualifier)
{
	switch (qualifier) {
	case KC_QUALIFIER_CONST:
		return "const";
	case KC_QUALIFIER_VOLATILE:
		return "volatile";
	case KC_QUALIFIER_RESTRICT:
		return "restrict";
	case KC_QUALIFIER_ATOMIC:
		return "_Atomic";
	default:
		return "";
	}
}

/* The parameter list of a function type: "(int, char *)". */
static void spell_params(const struct kc_type *function, char *buf, size_t len, int depth);

/*
 * TYPE around the declarator INNER ("" for an abstract one), C's
 * inside-out way: the pointer's '*' goes next to the name, arrays and
 * functions after it, parentheses where they bind tighter.
 */
static void spell(const struct kc_type *type, const char *inner, char *buf, size_t len,
		  int depth)
{
	char next[512], base[512];
	struct kc_type target;
	struct kc_error *err;
	enum kc_type_kind kind = kc_type_kind(type);
	if (depth > NAME_DEPTH_MAX) {
		snprintf(buf, len, "?%s%s", *inner ? " " : "", inner);
		return;
	}
	switch (kind) {
	case KC_TYPE_POINTER:
		err = kc_type_target(type, &target);
		if (err) {
			kc_error_destroy(err);
			snprintf(buf, len, "void *%s", inner);
			return;
		}
		enum kc_type_kind target_kind = kc_type_kind(&target);
		if (target_kind == KC_TYPE_ARRAY || target_kind == KC_TYPE_FUNCTION)
			snprintf(next, sizeof(next), "(*%s)", inner);
		else
			snprintf(next, sizeof(next), "*%s", inner);
		spell(&target, next, buf, len, depth + 1);
		return;
	case KC_TYPE_ARRAY: {
		uint64_t length;
		bool complete;
		err = kc_type_array(type, &target, &length, &complete);
		if (err) {
			kc_error_destroy(err);
			snprintf(buf, len, "? %s[]", inner);
			return;
		}
		if (complete)
			snprintf(next, sizeof(next), "%s[%" PRIu64 "]", inner, length);
		else
			snprintf(next, sizeof(next), "%s[]", inner);
		spell(&target, next, buf, len, depth + 1);
		return;
	}
	case KC_TYPE_FUNCTION: {
		char params[400];
		spell_params(type, params, sizeof(params), depth + 1);
		snprintf(next, sizeof(next), "%s%s", inner, params);
		err = kc_type_target(type, &target);
		if (err) {
			kc_error_destroy(err);
			snprintf(buf, len, "void %s", next);
			return;
		}
		spell(&target, next, buf, len, depth + 1);
		return;
	}
	case KC_TYPE_QUALIFIED: {
		const char *word = qualifier_word(kc_type_qualifier(type));
		err = kc_type_target(type, &target);
		if (err) {
			kc_error_destroy(err);
			snprintf(buf, len, "%s ?%s%s", word, *inner ? " " : "", inner);
			return;
		}
		/* "char *const p": a qualified pointer's word follows its '*'. */
		if (kc_type_kind(&target) == KC_TYPE_POINTER) {
			snprintf(next, sizeof(next), "%s%s%s", word, *inner ? " " : "", inner);
			spell(&target, next, buf, len, depth + 1);
			return;
		}
		spell(&target, inner, base, sizeof(base), depth + 1);
		snprintf(buf, len, "%s %s", word, base);
		return;
	}
	default: {
		const char *name = kc_type_name(type);
		if (name)
			snprintf(base, sizeof(base), "%s%s", tag_word(kind), name);
		else
			snprintf(base, sizeof(base), "%s<anonymous>", tag_word(kind));
		snprintf(buf, len, "%s%s%s", base, *inner ? " " : "", inner);
		return;
	}
	}
}

static void spell_params(const struct kc_type *function, char *buf, size_t len, int depth)
{
	struct kc_param_iter it;
	size_t used = 0;
	bool any = false;
	kc_param_iter_init(&it, function);
	used += (size_t)snprintf(buf, len, "(");
	/* Bounded: a corrupt parameter list must not run forever. */
	for (int i = 0; i < 64 && used < len; i++) {
		struct kc_type param;
		bool variadic = false, done = false;
		struct kc_error *err = kc_param_iter_next(&it, &param, &variadic, &done);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		if (done)
			break;
		char one[256];
		if (variadic)
			snprintf(one, sizeof(one), "...");
		else
			spell(&param, "", one, sizeof(one), depth + 1);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", any ? ", " : "", one);
		any = true;
	}
	if (used < len)
		snprintf(buf + used, len - used, "%s)",
			 any || !kc_type_prototyped(function) ? "" : "void");
}

void kc_object_type_name(const struct kc_type *type, char *buf, size_t len)
{
	if (len == 0)
		return;
	spell(type, "", buf, len, 0);
}

/* ---- construction ------------------------------------------------------- */

static void describe_type(const struct kc_type *type, char *buf, size_t len)
{
	kc_object_type_name(type, buf, len);
}

static bool is_scalar_kind(enum kc_type_kind kind)
{
	return kind == KC_TYPE_INT || kind == KC_TYPE_BOOL || kind == KC_TYPE_CHAR ||
	       kind == KC_TYPE_ENUM || kind == KC_TYPE_POINTER;
}

static uint64_t truncate_bits(uint64_t value, unsigned bits)
{
	return bits >= 64 ? value : value & ((UINT64_C(1) << bits) - 1);
}

void kc_object_complete_type(struct kc_session *session, const struct kc_type *type,
			     struct kc_type *ret)
{
	struct kc_type t = kc_type_strip(type), found;
	enum kc_type_kind kind = kc_type_kind(&t);
	uint64_t size;
	*ret = *type;
	if (kind != KC_TYPE_STRUCT && kind != KC_TYPE_UNION && kind != KC_TYPE_ENUM)
		return;
	struct kc_error *err = kc_type_size(&t, &size);
	const char *name = kc_type_name(&t);
	if (!err || !name) {
		kc_error_destroy(err);
		return;
	}
	kc_error_destroy(err);
	char spelled[512];
	snprintf(spelled, sizeof(spelled), "%s%s", tag_word(kind), name);
	err = kc_kernel_type(session, spelled, &found);
	if (!err)
		err = kc_type_size(&found, &size);
	if (!err)
		*ret = found;
	kc_error_destroy(err);
}

struct kc_error *kc_object_at(struct kc_session *session, const struct kc_type *type,
			      uint64_t address, struct kc_object *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->session = session;
	kc_object_complete_type(session, type, &ret->type);
	ret->is_reference = true;
	ret->address = address;
	return NULL;
}

struct kc_error *kc_object_at_named(struct kc_session *session, const char *type_name,
				    uint64_t address, struct kc_object *ret)
{
	struct kc_type type;
	struct kc_error *err = kc_kernel_type(session, type_name, &type);
	if (err)
		return err;
	return kc_object_at(session, &type, address, ret);
}

struct kc_error *kc_object_from_integer(struct kc_session *session,
					const struct kc_type *type, uint64_t value,
					struct kc_object *ret)
{
	struct kc_type t = kc_type_strip(type);
	uint64_t size;
	char name[256];
	if (!is_scalar_kind(kc_type_kind(&t))) {
		describe_type(type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s is not an integer or pointer type: it holds no plain value",
				       name);
	}
	struct kc_error *err = kc_type_size(&t, &size);
	if (err)
		return err;
	if (size > 8) {
		describe_type(type, name, sizeof(name));
		return kc_error_create(KC_ERR_UNSUPPORTED, "%s is %" PRIu64 " bytes: more than 8",
				       name, size);
	}
	memset(ret, 0, sizeof(*ret));
	ret->session = session;
	ret->type = *type;
	ret->value = kc_type_kind(&t) == KC_TYPE_BOOL ? value != 0 :
		     truncate_bits(value, (unsigned)size * 8);
	return NULL;
}

struct kc_error *kc_object_from_symbol(struct kc_session *session, const char *name,
				       struct kc_object *ret)
{
	struct kc_variable var;
	struct kc_error *err = kc_kernel_variable(session, name, &var);
	if (err)
		return kc_error_prefix(err, "variable %s", name);
	uint64_t address;
	/* The symbols have the run-time (KASLR) address; the type source's is link-time. */
	err = kc_kernel_symbol(session, name, &address);
	if (err)
		return kc_error_prefix(err, "variable %s", name);
	return kc_object_at(session, &var.type, address, ret);
}

enum kc_type_kind kc_object_kind(const struct kc_object *obj)
{
	struct kc_type t = kc_type_strip(&obj->type);
	return kc_type_kind(&t);
}

struct kc_error *kc_object_size(const struct kc_object *obj, uint64_t *size)
{
	if (obj->bit_size) {
		*size = ((uint64_t)obj->bit_size + 7) / 8;
		return NULL;
	}
	return kc_type_size(&obj->type, size);
}

/* ---- reading values ----------------------------------------------------- */

/* The raw bits of a scalar object and how many there are. */
static struct kc_error *read_raw(const struct kc_object *obj, uint64_t *raw, unsigned *bits)
{
	struct kc_type t = kc_type_strip(&obj->type);
	char name[256];
	if (!is_scalar_kind(kc_type_kind(&t))) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s is not an integer or pointer: it has no integer value",
				       name);
	}
	uint64_t size;
	struct kc_error *err = kc_type_size(&t, &size);
	if (err)
		return err;
	if (size > 8) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_create(KC_ERR_UNSUPPORTED, "%s is %" PRIu64 " bytes: more than 8",
				       name, size);
	}
	if (!obj->is_reference) {
		*raw = obj->value;
		*bits = (unsigned)size * 8;
		return NULL;
	}
	uint8_t bytes[16] = {0};
	size_t nbytes = obj->bit_size ? ((size_t)obj->bit_offset + obj->bit_size + 7) / 8 :
					(size_t)size;
	err = kc_kernel_read(obj->session, obj->address, bytes, nbytes);
	if (err) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_prefix(err, "reading %s at 0x%" PRIx64, name, obj->address);
	}
	uint64_t v = 0;
	if (obj->bit_size) {
		for (unsigned b = 0; b < obj->bit_size; b++) {
			unsigned pos = obj->bit_offset + b;
			if ((bytes[pos / 8] >> (pos % 8)) & 1)
				v |= UINT64_C(1) << b;
		}
		*bits = obj->bit_size;
	} else {
		for (size_t i = 0; i < nbytes; i++)
			v |= (uint64_t)bytes[i] << (8 * i);
		*bits = (unsigned)size * 8;
	}
	*raw = v;
	return NULL;
}

struct kc_error *kc_object_read_unsigned(const struct kc_object *obj, uint64_t *value)
{
	unsigned bits;
	return read_raw(obj, value, &bits);
}

static int64_t sign_extend(uint64_t raw, unsigned bits)
{
	if (bits == 0 || bits >= 64)
		return (int64_t)raw;
	uint64_t sign = UINT64_C(1) << (bits - 1);
	return (int64_t)((raw ^ sign) - sign);
}

struct kc_error *kc_object_read_signed(const struct kc_object *obj, int64_t *value)
{
	uint64_t raw;
	unsigned bits;
	struct kc_error *err = read_raw(obj, &raw, &bits);
	if (err)
		return err;
	*value = kc_type_is_signed(&obj->type) ? sign_extend(raw, bits) : (int64_t)raw;
	return NULL;
}

struct kc_error *kc_object_read_bool(const struct kc_object *obj, bool *value)
{
	uint64_t raw;
	struct kc_error *err = kc_object_read_unsigned(obj, &raw);
	if (!err)
		*value = raw != 0;
	return err;
}

struct kc_error *kc_object_read_bytes(const struct kc_object *obj, void *buf,
				      size_t len, size_t *size)
{
	uint64_t nbytes;
	struct kc_error *err = kc_object_size(obj, &nbytes);
	if (err)
		return err;
	char name[256];
	if (nbytes > len) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s is %" PRIu64 " bytes, more than the %zu given",
				       name, nbytes, len);
	}
	if (!obj->is_reference || obj->bit_size) {
		uint64_t raw;
		err = kc_object_read_unsigned(obj, &raw);
		if (err)
			return err;
		for (uint64_t i = 0; i < nbytes; i++)
			((uint8_t *)buf)[i] = (uint8_t)(raw >> (8 * i));
	} else {
		err = kc_kernel_read(obj->session, obj->address, buf, (size_t)nbytes);
		if (err) {
			describe_type(&obj->type, name, sizeof(name));
			return kc_error_prefix(err, "reading %s at 0x%" PRIx64, name,
					       obj->address);
		}
	}
	if (size)
		*size = (size_t)nbytes;
	return NULL;
}

/* A char, signed char or unsigned char (some BTF has them as 1-byte ints). */
static bool is_char_like(const struct kc_type *type)
{
	struct kc_type t = kc_type_strip(type);
	uint64_t size;
	enum kc_type_kind kind = kc_type_kind(&t);
	if (kind == KC_TYPE_CHAR)
		return true;
	if (kind != KC_TYPE_INT)
		return false;
	struct kc_error *err = kc_type_size(&t, &size);
	kc_error_destroy(err);
	return !err && size == 1;
}

struct kc_error *kc_object_read_string(const struct kc_object *obj, char *buf,
				       size_t len, size_t *length)
{
	if (len == 0)
		return kc_error_create(KC_ERR_INVALID_ARG, "no room for a string");
	buf[0] = '\0';
	struct kc_type t = kc_type_strip(&obj->type), element;
	enum kc_type_kind kind = kc_type_kind(&t);
	struct kc_error *err = NULL;
	char name[256];
	uint64_t start;
	if (kind == KC_TYPE_ARRAY && obj->is_reference) {
		uint64_t count;
		bool complete;
		err = kc_type_array(&t, &element, &count, &complete);
		if (err)
			return err;
		if (!is_char_like(&element))
			goto not_string;
		start = obj->address;
		if (complete) {
			/* The array's own bytes: a comm[16] need not end in NUL. */
			size_t n = count < len - 1 ? (size_t)count : len - 1;
			err = kc_kernel_read(obj->session, start, buf, n);
			buf[err ? 0 : n] = '\0';
		} else {
			err = kc_kernel_read_string(obj->session, start, buf, len);
		}
	} else if (kind == KC_TYPE_POINTER) {
		err = kc_type_target(&t, &element);
		if (err)
			return err;
		if (!is_char_like(&element))
			goto not_string;
		err = kc_object_read_unsigned(obj, &start);
		if (err)
			return err;
		err = kc_kernel_read_string(obj->session, start, buf, len);
	} else {
		goto not_string;
	}
	if (err) {
		buf[0] = '\0';
		return kc_error_prefix(err, "string at 0x%" PRIx64, start);
	}
	buf[len - 1] = '\0';
	if (length)
		*length = strlen(buf);
	return NULL;
not_string:
	describe_type(&obj->type, name, sizeof(name));
	return kc_error_create(KC_ERR_INVALID_ARG,
			       "%s is not a char array or char pointer: no string", name);
}

/* ---- navigation --------------------------------------------------------- */

struct kc_error *kc_object_deref(const struct kc_object *obj, struct kc_object *ret)
{
	struct kc_type t = kc_type_strip(&obj->type), target;
	enum kc_type_kind kind = kc_type_kind(&t);
	char name[256];
	struct kc_error *err;
	if (kind == KC_TYPE_ARRAY && obj->is_reference) {
		uint64_t length;
		bool complete;
		err = kc_type_array(&t, &target, &length, &complete);
		if (err)
			return err;
		return kc_object_at(obj->session, &target, obj->address, ret);
	}
	if (kind != KC_TYPE_POINTER) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot dereference %s: not a pointer", name);
	}
	err = kc_type_target(&t, &target);
	if (err)
		return err;
	struct kc_type stripped = kc_type_strip(&target);
	enum kc_type_kind target_kind = kc_type_kind(&stripped);
	if (target_kind == KC_TYPE_VOID || target_kind == KC_TYPE_FUNCTION) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot dereference %s: cast it to a pointer to a type first",
				       name);
	}
	uint64_t pointer;
	err = kc_object_read_unsigned(obj, &pointer);
	if (err)
		return err;
	return kc_object_at(obj->session, &target, pointer, ret);
}

/* One "a.b[1].c" step (no "->") of the reference BASE. */
static struct kc_error *member_step(const struct kc_object *base, const char *path,
				    struct kc_object *ret)
{
	struct kc_type t = kc_type_strip(&base->type);
	enum kc_type_kind kind = kc_type_kind(&t);
	char name[256];
	if (kind != KC_TYPE_STRUCT && kind != KC_TYPE_UNION) {
		describe_type(&base->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot take member `%s' of %s: not a struct or union",
				       path, name);
	}
	if (!base->is_reference || base->bit_size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "member `%s' of a value not in memory", path);
	struct kc_member m;
	struct kc_error *err = kc_type_member(&base->type, path, &m);
	if (err)
		return err;
	struct kc_error *made = kc_object_at(base->session, &m.type, base->address + m.offset, ret);
	if (made)
		return made;
	if (m.bit_size) {
		if (m.bit_size > 64)
			return kc_error_create(KC_ERR_FORMAT, "bitfield `%s' of %" PRIu64 " bits",
					       path, m.bit_size);
		ret->bit_offset = (uint8_t)(m.bit_offset - m.offset * 8);
		ret->bit_size = (uint8_t)m.bit_size;
	}
	return NULL;
}

struct kc_error *kc_object_member(const struct kc_object *obj, const char *path,
				  struct kc_object *ret)
{
	struct kc_object cur = *obj;
	struct kc_error *err;
	/* drgn's obj.member on a pointer to a struct: obj->member. */
	if (kc_object_kind(&cur) == KC_TYPE_POINTER) {
		err = kc_object_deref(&cur, &cur);
		if (err)
			return err;
	}
	const char *p = path;
	/* Bounded by the path's length: every step consumes part of it. */
	for (;;) {
		const char *arrow = strstr(p, "->");
		size_t len = arrow ? (size_t)(arrow - p) : strlen(p);
		if (len > 0 && *p == '.') {
			p++;
			len--;
		}
		if (len == 0)
			return kc_error_create(KC_ERR_INVALID_ARG, "bad member path \"%s\"", path);
		char step[512];
		if (len >= sizeof(step))
			return kc_error_create(KC_ERR_INVALID_ARG, "member path too long: \"%s\"",
					       path);
		memcpy(step, p, len);
		step[len] = '\0';
		struct kc_object next;
		err = member_step(&cur, step, &next);
		if (err)
			return err;
		cur = next;
		if (!arrow)
			break;
		err = kc_object_deref(&cur, &cur);
		if (err)
			return err;
		p = arrow + 2;
	}
	*ret = cur;
	return NULL;
}

struct kc_error *kc_object_index(const struct kc_object *obj, int64_t index,
				 struct kc_object *ret)
{
	struct kc_type t = kc_type_strip(&obj->type), element;
	enum kc_type_kind kind = kc_type_kind(&t);
	char name[256];
	struct kc_error *err;
	uint64_t element_size, base;
	if (kind == KC_TYPE_ARRAY && obj->is_reference) {
		uint64_t length;
		bool complete;
		err = kc_type_array(&t, &element, &length, &complete);
		if (err)
			return err;
		/* A [0] array is the old flexible-array spelling: unchecked. */
		if (index < 0 || (complete && length > 0 && (uint64_t)index >= length)) {
			describe_type(&obj->type, name, sizeof(name));
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "index %" PRId64 " out of bounds of %s at 0x%" PRIx64,
					       index, name, obj->address);
		}
		base = obj->address;
	} else if (kind == KC_TYPE_POINTER) {
		err = kc_type_target(&t, &element);
		if (err)
			return err;
		err = kc_object_read_unsigned(obj, &base);
		if (err)
			return err;
	} else {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot index %s: not an array or pointer", name);
	}
	err = kc_type_size(&element, &element_size);
	if (err) {
		describe_type(&obj->type, name, sizeof(name));
		return kc_error_prefix(err, "indexing %s", name);
	}
	return kc_object_at(obj->session, &element, base + (uint64_t)index * element_size, ret);
}

static struct kc_error *pointer_type(struct kc_session *session, const struct kc_type *target,
				     struct kc_type *ret)
{
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	return err ? err : kc_types_pointer_to(types, target, ret);
}

struct kc_error *kc_object_address_of(const struct kc_object *obj, struct kc_object *ret)
{
	if (!obj->is_reference)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot take the address of a value not in memory");
	if (obj->bit_size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot take the address of a bitfield");
	struct kc_type ptr;
	struct kc_error *err = pointer_type(obj->session, &obj->type, &ptr);
	if (err)
		return err;
	return kc_object_from_integer(obj->session, &ptr, obj->address, ret);
}

struct kc_error *kc_object_cast(const struct kc_object *obj, const struct kc_type *type,
				struct kc_object *ret)
{
	struct kc_type to = kc_type_strip(type), from = kc_type_strip(&obj->type);
	char name[256], from_name[256];
	if (!is_scalar_kind(kc_type_kind(&to))) {
		describe_type(type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "cannot cast to %s: only to integer and pointer types (reinterpret a struct instead)",
				       name);
	}
	uint64_t value;
	struct kc_error *err;
	if (kc_type_kind(&from) == KC_TYPE_ARRAY && obj->is_reference) {
		value = obj->address; /* an array decays to a pointer */
	} else if (is_scalar_kind(kc_type_kind(&from))) {
		int64_t signed_value;
		err = kc_object_read_signed(obj, &signed_value);
		if (err)
			return err;
		value = (uint64_t)signed_value;
	} else {
		describe_type(type, name, sizeof(name));
		describe_type(&obj->type, from_name, sizeof(from_name));
		return kc_error_create(KC_ERR_INVALID_ARG, "cannot cast %s to %s", from_name,
				       name);
	}
	return kc_object_from_integer(obj->session, type, value, ret);
}

struct kc_error *kc_object_reinterpret(const struct kc_object *obj,
				       const struct kc_type *type, struct kc_object *ret)
{
	if (!obj->is_reference || obj->bit_size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "only an object in memory can be reinterpreted");
	return kc_object_at(obj->session, type, obj->address, ret);
}

struct kc_error *kc_object_container_of(const struct kc_object *ptr,
					const struct kc_type *type,
					const char *member_path, struct kc_object *ret)
{
	enum kc_type_kind kind = kc_object_kind(ptr);
	char name[256];
	if (kind != KC_TYPE_POINTER && kind != KC_TYPE_INT) {
		describe_type(&ptr->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "container_of needs a pointer, not %s", name);
	}
	struct kc_member m;
	struct kc_error *err = kc_type_member(type, member_path, &m);
	if (err)
		return err;
	if (m.bit_size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "container_of: `%s' is a bitfield", member_path);
	uint64_t value;
	err = kc_object_read_unsigned(ptr, &value);
	if (err)
		return err;
	struct kc_type to;
	err = pointer_type(ptr->session, type, &to);
	if (err)
		return err;
	return kc_object_from_integer(ptr->session, &to, value - m.offset, ret);
}

/* __per_cpu_offset[CPU], CPU checked against the kernel's CPU count. */
static struct kc_error *percpu_address(struct kc_session *session, uint64_t address,
				       unsigned cpu, uint64_t *ret)
{
	unsigned nr_cpus = kc_kernel_nr_cpus(session);
	if (cpu >= nr_cpus)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "CPU %u: the kernel has %u possible CPUs", cpu, nr_cpus);
	return kc_kernel_percpu(session, address, cpu, ret);
}

struct kc_error *kc_object_per_cpu(const struct kc_object *obj, unsigned cpu,
				   struct kc_object *ret)
{
	if (!obj->is_reference || obj->bit_size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "per_cpu() needs a per-CPU variable in memory (per_cpu_ptr() takes a pointer)");
	uint64_t address;
	struct kc_error *err = percpu_address(obj->session, obj->address, cpu, &address);
	if (err)
		return err;
	*ret = *obj;
	ret->address = address;
	return NULL;
}

struct kc_error *kc_object_per_cpu_ptr(const struct kc_object *ptr, unsigned cpu,
				       struct kc_object *ret)
{
	char name[256];
	if (kc_object_kind(ptr) != KC_TYPE_POINTER) {
		describe_type(&ptr->type, name, sizeof(name));
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "per_cpu_ptr() needs a pointer, not %s", name);
	}
	uint64_t value, address;
	struct kc_error *err = kc_object_read_unsigned(ptr, &value);
	if (!err)
		err = percpu_address(ptr->session, value, cpu, &address);
	if (err)
		return err;
	return kc_object_from_integer(ptr->session, &ptr->type, address, ret);
}

/* ---- lists -------------------------------------------------------------- */

struct list_visit {
	struct kc_session *session;
	const struct kc_type *entry_type;
	uint64_t member_offset;
	kc_object_visit_fn visit;
	void *ctx;
};

static struct kc_error *visit_node(void *ctx, uint64_t node)
{
	struct list_visit *lv = ctx;
	struct kc_object entry;
	struct kc_error *err = kc_object_at(lv->session, lv->entry_type,
					    node - lv->member_offset, &entry);
	return err ? err : lv->visit(lv->ctx, &entry);
}

struct kc_error *kc_object_list_for_each_entry(const struct kc_object *head,
					       const struct kc_type *entry_type,
					       const char *member_path, size_t max,
					       kc_object_visit_fn visit, void *ctx)
{
	struct kc_object h = *head;
	struct kc_error *err;
	if (kc_object_kind(&h) == KC_TYPE_POINTER) {
		err = kc_object_deref(&h, &h);
		if (err)
			return err;
	}
	if (!h.is_reference || h.bit_size)
		return kc_error_create(KC_ERR_INVALID_ARG, "a list head must be in memory");
	struct kc_member m;
	err = kc_type_member(entry_type, member_path, &m);
	if (err)
		return err;
	struct list_visit lv = {h.session, entry_type, m.offset, visit, ctx};
	return kc_kernel_list_walk(h.session, h.address, max ? max : KC_KERNEL_LIST_MAX,
				   visit_node, &lv);
}
