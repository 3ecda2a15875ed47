/* SPDX-License-Identifier: MIT */
#include "typefmt.h"

#include "json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * Types nest a few levels; corrupt ones (BTF from a dump: a struct that
 * contains itself) would recurse until the stack ends.
 */
#define NESTING_MAX 64

static struct kc_error *too_deep(void)
{
	return kc_error_create(KC_ERR_FORMAT,
			       "types nested more than %d deep (a type that contains itself?)",
			       NESTING_MAX);
}

/* ---- declarations ------------------------------------------------------- */

/* A growable string that C declarators are built in, from the inside out. */
struct strbuf {
	char *s;
	size_t len, cap;
};

static bool sb_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *grown = realloc(sb->s, cap);
	if (!grown)
		return false;
	sb->s = grown;
	sb->cap = cap;
	return true;
}

static bool sb_insert(struct strbuf *sb, size_t at, const char *text)
{
	size_t n = strlen(text);
	if (!sb_reserve(sb, n))
		return false;
	memmove(sb->s + at + n, sb->s + at, sb->len - at + 1);
	memcpy(sb->s + at, text, n);
	sb->len += n;
	return true;
}

static bool sb_append(struct strbuf *sb, const char *text)
{
	if (!sb->s && !sb_reserve(sb, 0))
		return false;
	if (!sb->len)
		sb->s[0] = '\0';
	return sb_insert(sb, sb->len, text);
}

static bool sb_prepend(struct strbuf *sb, const char *text)
{
	if (!sb->s && !sb_append(sb, ""))
		return false;
	return sb_insert(sb, 0, text);
}

static const char *qualifier_word(const struct kc_type *type)
{
	switch (kc_type_qualifier(type)) {
	case KC_QUALIFIER_CONST:
		return "const";
	case KC_QUALIFIER_VOLATILE:
		return "volatile";
	case KC_QUALIFIER_RESTRICT:
		return "restrict";
	default:
		return "_Atomic";
	}
}

static struct kc_error *declaration_string(const struct kc_type *type,
					   const char *declarator,
					   struct strbuf *out, int nesting);

/* "enum {A = 100, B}" for an anonymous enum used in place. */
static struct kc_error *enum_body(const struct kc_type *type, struct strbuf *sb)
{
	struct kc_enumerator_iter it;
	const char *name;
	int64_t value, expected = 0;
	bool done, first = true;
	char buf[64];
	kc_enumerator_iter_init(&it, type);
	if (!sb_append(sb, "{"))
		return &kc_error_nomem;
	for (;;) {
		struct kc_error *err = kc_enumerator_iter_next(&it, &name, &value, &done);
		if (err)
			return err;
		if (done)
			break;
		if ((!first && !sb_append(sb, ", ")) || !sb_append(sb, name ? name : "?"))
			return &kc_error_nomem;
		/* Like gdb: a value only where it does not follow the last. */
		if (value != expected) {
			snprintf(buf, sizeof(buf), " = %" PRId64, value);
			if (!sb_append(sb, buf))
				return &kc_error_nomem;
		}
		expected = (int64_t)((uint64_t)value + 1);
		first = false;
	}
	return sb_append(sb, "}") ? NULL : &kc_error_nomem;
}

/* GCC's base type names as C programmers (and gdb, and crash) write them. */
static const char *conventional_name(const char *name)
{
	static const char *const names[][2] = {
		{"long unsigned int", "unsigned long"},
		{"long int", "long"},
		{"long long unsigned int", "unsigned long long"},
		{"long long int", "long long"},
		{"short unsigned int", "unsigned short"},
		{"short int", "short"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i][0]) == 0)
			return names[i][1];
	}
	return name;
}

/* The name a declaration starts with: "struct list_head", "int", ... */
static struct kc_error *base_name(const struct kc_type *type, struct strbuf *sb)
{
	enum kc_type_kind kind = kc_type_kind(type);
	const char *name = kc_type_name(type);
	const char *word = kind == KC_TYPE_STRUCT ? "struct " :
			   kind == KC_TYPE_UNION ? "union " :
			   kind == KC_TYPE_ENUM ? "enum " : "";
	if (!sb_append(sb, word))
		return &kc_error_nomem;
	if (name && kind != KC_TYPE_TYPEDEF)
		name = conventional_name(name);
	if (name)
		return sb_append(sb, name) ? NULL : &kc_error_nomem;
	if (kind == KC_TYPE_ENUM)
		return enum_body(type, sb);
	return sb_append(sb, kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION ?
				     "{...}" : "<unnamed type>") ?
		       NULL : &kc_error_nomem;
}

/* "(struct task_struct *, const char *)" */
static struct kc_error *parameter_list(const struct kc_type *function,
				       struct strbuf *sb, int nesting)
{
	if (nesting >= NESTING_MAX)
		return too_deep();
	struct kc_param_iter it;
	bool first = true;
	if (!sb_append(sb, "("))
		return &kc_error_nomem;
	kc_param_iter_init(&it, function);
	for (;;) {
		struct kc_type param;
		bool variadic, done;
		struct kc_error *err = kc_param_iter_next(&it, &param, &variadic, &done);
		if (err)
			return err;
		if (done)
			break;
		if (!first && !sb_append(sb, ", "))
			return &kc_error_nomem;
		first = false;
		if (variadic) {
			if (!sb_append(sb, "..."))
				return &kc_error_nomem;
			continue;
		}
		struct strbuf text = {0};
		err = declaration_string(&param, "", &text, nesting + 1);
		if (!err && !sb_append(sb, text.s))
			err = &kc_error_nomem;
		free(text.s);
		if (err)
			return err;
	}
	if (first && kc_type_prototyped(function) && !sb_append(sb, "void"))
		return &kc_error_nomem;
	return sb_append(sb, ")") ? NULL : &kc_error_nomem;
}

/* Wrap the declarator in parentheses when a suffix would bind first. */
static bool wrap_pointer(struct strbuf *decl, const struct kc_type *target)
{
	enum kc_type_kind kind = kc_type_kind(target);
	if (!sb_prepend(decl, "*"))
		return false;
	if (kind == KC_TYPE_ARRAY || kind == KC_TYPE_FUNCTION)
		return sb_prepend(decl, "(") && sb_append(decl, ")");
	return true;
}

static struct kc_error *declaration_string(const struct kc_type *type,
					   const char *declarator,
					   struct strbuf *out, int nesting)
{
	struct strbuf decl = {0}, base = {0};
	struct kc_type cur = *type, next;
	struct kc_error *err = NULL;
	char buf[48];
	if (!sb_append(&decl, declarator ? declarator : ""))
		return &kc_error_nomem;
	/* Each step moves one type constructor from the type to the declarator. */
	for (int depth = 0; !err && depth < 64; depth++) {
		enum kc_type_kind kind = kc_type_kind(&cur);
		if (kind == KC_TYPE_POINTER) {
			err = kc_type_target(&cur, &next);
			if (!err && !wrap_pointer(&decl, &next))
				err = &kc_error_nomem;
		} else if (kind == KC_TYPE_ARRAY) {
			uint64_t length;
			bool complete;
			err = kc_type_array(&cur, &next, &length, &complete);
			if (complete)
				snprintf(buf, sizeof(buf), "[%" PRIu64 "]", length);
			else
				snprintf(buf, sizeof(buf), "[]");
			if (!err && !sb_append(&decl, buf))
				err = &kc_error_nomem;
		} else if (kind == KC_TYPE_FUNCTION) {
			err = parameter_list(&cur, &decl, nesting);
			if (!err)
				err = kc_type_target(&cur, &next);
		} else if (kind == KC_TYPE_QUALIFIED) {
			err = kc_type_target(&cur, &next);
			if (err)
				break;
			/* "char *const p" qualifies the pointer, "const char" the base. */
			bool ok;
			if (kc_type_kind(&next) == KC_TYPE_ARRAY)
				ok = true; /* GCC also qualifies the elements: said once */
			else if (kc_type_kind(&next) == KC_TYPE_POINTER)
				ok = (!decl.len || sb_prepend(&decl, " ")) &&
				     sb_prepend(&decl, qualifier_word(&cur));
			else
				ok = sb_append(&base, qualifier_word(&cur)) &&
				     sb_append(&base, " ");
			if (!ok)
				err = &kc_error_nomem;
		} else {
			err = base_name(&cur, &base);
			break;
		}
		cur = next;
	}
	if (!err && (!sb_append(out, base.s ? base.s : "") ||
		     (decl.len && (!sb_append(out, " ") || !sb_append(out, decl.s)))))
		err = &kc_error_nomem;
	free(decl.s);
	free(base.s);
	return err;
}

struct kc_error *kc_typefmt_declaration(FILE *out, const struct kc_type *type,
					const char *declarator)
{
	struct strbuf sb = {0};
	struct kc_error *err = declaration_string(type, declarator, &sb, 0);
	if (!err)
		fputs(sb.s ? sb.s : "", out);
	free(sb.s);
	return err;
}

/* ---- definitions -------------------------------------------------------- */

/*
 * crash's "struct -o" layout: the "[offset]" right-aligned in a column as
 * wide as the struct's size plus four, and member text at column
 * width - 3 + 4 * depth whether or not the line has an offset.
 */
struct layout {
	FILE *out;
	unsigned flags;
	int width;
	uint64_t base; /* with KC_TYPEFMT_ADDRESSES: the object's address */
};

static void print_line_start(const struct layout *lo, int depth,
			     bool has_offset, uint64_t offset)
{
	if (lo->flags & KC_TYPEFMT_ADDRESSES) {
		/* crash's "struct -o TYPE ADDR": "  [ffff...] int pid;". */
		if (has_offset)
			fprintf(lo->out, "  [%" PRIx64 "] %*s", lo->base + offset,
				4 * (depth - 1), "");
		else
			fprintf(lo->out, "%*s", 21 + 4 * (depth - 1), "");
		return;
	}
	if (!(lo->flags & KC_TYPEFMT_OFFSETS)) {
		fprintf(lo->out, "%*s", 4 * depth, "");
		return;
	}
	int column = lo->width - 3 + 4 * depth;
	if (!has_offset) {
		fprintf(lo->out, "%*s", column, "");
		return;
	}
	char buf[48];
	int n = snprintf(buf, sizeof(buf),
			 lo->flags & KC_TYPEFMT_HEX ? "  [0x%" PRIx64 "]" : "  [%" PRIu64 "]",
			 offset);
	fprintf(lo->out, "%*s%*s", lo->width, buf,
		column - (n > lo->width ? n : lo->width), "");
}

static bool is_anonymous_aggregate(const struct kc_type *type)
{
	enum kc_type_kind kind = kc_type_kind(type);
	return (kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION) &&
	       !kc_type_name(type);
}

static struct kc_error *print_members(const struct layout *lo,
				      const struct kc_type *type, int depth,
				      uint64_t base_bits);

static struct kc_error *print_member(const struct layout *lo,
				     const struct kc_member *m, int depth,
				     uint64_t base_bits)
{
	uint64_t bits = base_bits + m->bit_offset;
	if (is_anonymous_aggregate(&m->type)) {
		/* Expanded in place, as gdb does; the closer names the member. */
		print_line_start(lo, depth, false, 0);
		fprintf(lo->out, "%s {\n",
			kc_type_kind(&m->type) == KC_TYPE_UNION ? "union" : "struct");
		struct kc_error *err = print_members(lo, &m->type, depth + 1, bits);
		if (err)
			return err;
		print_line_start(lo, depth, m->name != NULL, bits / 8);
		fprintf(lo->out, "}%s%s;\n", m->name ? " " : "", m->name ? m->name : "");
		return NULL;
	}
	print_line_start(lo, depth, true, bits / 8);
	struct kc_error *err = kc_typefmt_declaration(lo->out, &m->type,
						      m->name ? m->name : "");
	if (err)
		return err;
	if (m->bit_size)
		fprintf(lo->out, " : %" PRIu64, m->bit_size);
	fputs(";\n", lo->out);
	return NULL;
}

static struct kc_error *print_members(const struct layout *lo,
				      const struct kc_type *type, int depth,
				      uint64_t base_bits)
{
	struct kc_member_iter it;
	struct kc_member m;
	bool done;
	if (depth >= NESTING_MAX)
		return too_deep();
	kc_member_iter_init(&it, type);
	for (;;) {
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (!err && !done)
			err = print_member(lo, &m, depth, base_bits);
		if (err || done)
			return err;
	}
}

static void print_size(FILE *out, unsigned flags, uint64_t size)
{
	if (flags & KC_TYPEFMT_HEX)
		fprintf(out, "SIZE: 0x%" PRIx64 "\n", size);
	else
		fprintf(out, "SIZE: %" PRIu64 "\n", size);
}

static struct kc_error *definition(FILE *out, const struct kc_type *type,
				   unsigned flags, uint64_t base)
{
	struct kc_type t = kc_type_strip(type);
	enum kc_type_kind kind = kc_type_kind(&t);
	uint64_t size = 0;
	struct kc_error *err = kc_type_size(&t, &size);
	bool has_size = !err || (kind != KC_TYPE_STRUCT && kind != KC_TYPE_UNION);
	kc_error_destroy(err);
	if (kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION) {
		char digits[32];
		struct layout lo = {out, flags, 0, base};
		lo.width = snprintf(digits, sizeof(digits),
				    flags & KC_TYPEFMT_HEX ? "0x%" PRIx64 : "%" PRIu64,
				    size) + 4;
		const char *name = kc_type_name(&t);
		fprintf(out, "%s%s%s {\n", kind == KC_TYPE_UNION ? "union" : "struct",
			name ? " " : "", name ? name : "");
		err = print_members(&lo, &t, 1, 0);
		if (err)
			return err;
		fputs("}\n", out);
	} else {
		err = kc_typefmt_declaration(out, &t, "");
		if (err)
			return err;
		if (kind == KC_TYPE_ENUM && kc_type_name(&t)) {
			struct strbuf body = {0};
			err = enum_body(&t, &body);
			if (!err)
				fprintf(out, " %s", body.s);
			free(body.s);
			if (err)
				return err;
		}
		fputc('\n', out);
	}
	if ((flags & KC_TYPEFMT_SIZE) && has_size && kind != KC_TYPE_VOID &&
	    kind != KC_TYPE_FUNCTION && !kc_type_size(&t, &size))
		print_size(out, flags, size);
	return NULL;
}

struct kc_error *kc_typefmt_definition(FILE *out, const struct kc_type *type,
				       unsigned flags)
{
	return definition(out, type, flags & ~KC_TYPEFMT_ADDRESSES, 0);
}

struct kc_error *kc_typefmt_definition_at(FILE *out, const struct kc_type *type,
					  unsigned flags, uint64_t address)
{
	return definition(out, type, flags | KC_TYPEFMT_ADDRESSES, address);
}

/* The "[offset]" column is as wide as the whole type's size needs. */
static int offset_width(const struct kc_type *outer, unsigned flags)
{
	uint64_t size = 0;
	char digits[32];
	struct kc_error *err = kc_type_size(outer, &size);
	kc_error_destroy(err);
	return snprintf(digits, sizeof(digits),
			flags & KC_TYPEFMT_HEX ? "0x%" PRIx64 : "%" PRIu64, size) + 4;
}

struct kc_error *kc_typefmt_members_definition(FILE *out,
					       const struct kc_type *outer,
					       const struct kc_member *members,
					       size_t nr_members, unsigned flags,
					       uint64_t address)
{
	struct kc_type t = kc_type_strip(outer);
	struct layout lo = {out, flags, offset_width(&t, flags), address};
	const char *name = kc_type_name(&t);
	fprintf(out, "%s%s%s {\n",
		kc_type_kind(&t) == KC_TYPE_UNION ? "union" : "struct",
		name ? " " : "", name ? name : "");
	for (size_t i = 0; i < nr_members; i++) {
		struct kc_member m = members[i];
		/* Offsets are the outer type's; print_member adds bit_offset. */
		struct kc_error *err = print_member(&lo, &m, 1, 0);
		if (err)
			return err;
	}
	fputs("}\n", out);
	return NULL;
}

/* ---- values ------------------------------------------------------------- */

/* gdb's default: runs longer than this print as "<repeats N times>". */
#define REPEAT_THRESHOLD 10

struct value_printer {
	FILE *out;
	const uint8_t *bytes;
	size_t size;
	unsigned flags; /* enum kc_typefmt_value_flags */
	int *nesting;   /* how deep print_value/json_value are now */
};


static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	/* A zero-width bitfield (C's "int :0", or damaged BTF) holds no bits. */
	if (bits == 0)
		return 0;
	if (bits >= 64)
		return (int64_t)v;
	uint64_t sign = (uint64_t)1 << (bits - 1);
	v &= (sign << 1) - 1;
	return (int64_t)((v ^ sign) - sign);
}

/* BITS bits at bit offset BIT of the buffer, little-endian numbering. */
static uint64_t load_bits(const struct value_printer *vp, uint64_t bit,
			  uint64_t bits)
{
	uint64_t v = 0;
	for (uint64_t i = 0; i < bits && i < 64; i++) {
		uint64_t b = bit + i;
		if ((vp->bytes[b / 8] >> (b % 8)) & 1)
			v |= (uint64_t)1 << i;
	}
	return v;
}

static void print_char_escaped(FILE *out, uint8_t c, char quote)
{
	switch (c) {
	case '\n':
		fputs("\\n", out);
		return;
	case '\t':
		fputs("\\t", out);
		return;
	case '\\':
		fputs("\\\\", out);
		return;
	}
	if (c == (uint8_t)quote)
		fprintf(out, "\\%c", quote);
	else if (c >= 0x20 && c < 0x7f)
		fputc(c, out);
	else
		fprintf(out, "\\%03o", c);
}

/* A char array as gdb shows it: "kc_crasher\000..." with long runs folded. */
static void print_string(FILE *out, const uint8_t *s, size_t n)
{
	bool in_quote = false, any = false;
	if (n && s[n - 1] == '\0')
		n--; /* gdb drops the array's final NUL */
	for (size_t i = 0; i < n;) {
		size_t run = 1;
		while (i + run < n && s[i + run] == s[i])
			run++;
		if (run > REPEAT_THRESHOLD) {
			if (in_quote)
				fputc('"', out);
			fputs(any ? ", '" : "'", out);
			print_char_escaped(out, s[i], '\'');
			fprintf(out, "' <repeats %zu times>", run);
			in_quote = false;
			any = true;
			i += run;
			continue;
		}
		if (!in_quote) {
			fputs(any ? ", \"" : "\"", out);
			in_quote = true;
			any = true;
		}
		print_char_escaped(out, s[i], '"');
		i++;
	}
	if (in_quote)
		fputc('"', out);
	else if (!any)
		fputs("\"\"", out);
}

static struct kc_error *print_value(const struct value_printer *vp,
				    const struct kc_type *type, uint64_t offset,
				    uint64_t bit_size, uint64_t bit_offset,
				    int indent);

static void print_enum(FILE *out, const struct kc_type *type, int64_t value)
{
	struct kc_enumerator_iter it;
	const char *name;
	int64_t v;
	bool done;
	kc_enumerator_iter_init(&it, type);
	for (;;) {
		struct kc_error *err = kc_enumerator_iter_next(&it, &name, &v, &done);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		if (done)
			break;
		if (v == value && name) {
			fputs(name, out);
			return;
		}
	}
	fprintf(out, "%" PRId64, value);
}

/* A scalar value as read from a value printer's bytes. */
struct scalar {
	uint64_t raw;   /* the bits as stored */
	int64_t value;  /* sign-extended when the type is signed */
	uint64_t size;  /* bytes of the type, at most 8 */
	unsigned bits;  /* bits of the value (a bitfield's width) */
	bool is_signed;
};

/* The scalar at OFFSET, or a bitfield's BIT_SIZE bits at BIT_OFFSET. */
static struct kc_error *load_scalar(const struct value_printer *vp,
				    const struct kc_type *t, uint64_t offset,
				    uint64_t bit_size, uint64_t bit_offset,
				    struct scalar *sc)
{
	struct kc_error *err = kc_type_size(t, &sc->size);
	if (err)
		return err;
	if (sc->size > 8)
		sc->size = 8;
	sc->raw = bit_size ? load_bits(vp, bit_offset, bit_size)
			   : load_le(vp->bytes + offset, sc->size);
	sc->bits = bit_size ? (unsigned)bit_size : (unsigned)sc->size * 8;
	sc->is_signed = kc_type_is_signed(t);
	sc->value = sc->is_signed ? sign_extend(sc->raw, sc->bits) : (int64_t)sc->raw;
	return NULL;
}

static struct kc_error *print_scalar(const struct value_printer *vp,
				     const struct kc_type *t, uint64_t offset,
				     uint64_t bit_size, uint64_t bit_offset)
{
	struct scalar sc;
	struct kc_error *err = load_scalar(vp, t, offset, bit_size, bit_offset, &sc);
	if (err)
		return err;
	uint64_t raw = sc.raw, size = sc.size;
	int64_t value = sc.value;
	unsigned bits = sc.bits;
	bool is_signed = sc.is_signed;
	switch (kc_type_kind(t)) {
	case KC_TYPE_POINTER:
		fprintf(vp->out, "0x%" PRIx64, raw);
		break;
	case KC_TYPE_BOOL:
		fputs(raw ? "true" : "false", vp->out);
		break;
	case KC_TYPE_ENUM:
		print_enum(vp->out, t, value);
		break;
	case KC_TYPE_CHAR:
		if (vp->flags & KC_TYPEFMT_VALUE_HEX)
			fprintf(vp->out, "0x%" PRIx64 " '", raw & 0xff);
		else
			fprintf(vp->out, "%" PRId64 " '", value);
		print_char_escaped(vp->out, (uint8_t)raw, '\'');
		fputc('\'', vp->out);
		break;
	case KC_TYPE_FLOAT:
		if (size == 4) {
			float f;
			uint32_t u = (uint32_t)raw;
			memcpy(&f, &u, sizeof(f));
			fprintf(vp->out, "%g", (double)f);
		} else {
			double d;
			memcpy(&d, &raw, sizeof(d));
			fprintf(vp->out, "%g", d);
		}
		break;
	default:
		/* gdb's hex radix shows a negative value's two's complement. */
		if (vp->flags & KC_TYPEFMT_VALUE_HEX)
			fprintf(vp->out, "0x%" PRIx64,
				bits < 64 ? raw & ((UINT64_C(1) << bits) - 1) : raw);
		else if (is_signed)
			fprintf(vp->out, "%" PRId64, value);
		else
			fprintf(vp->out, "%" PRIu64, raw);
	}
	return NULL;
}

static struct kc_error *print_members_value(const struct value_printer *vp,
					    const struct kc_type *t,
					    uint64_t offset, int indent)
{
	struct kc_member_iter it;
	struct kc_member m;
	bool done, first = true;
	kc_member_iter_init(&it, t);
	fputs("{\n", vp->out);
	for (;;) {
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (err)
			return err;
		if (done)
			break;
		fprintf(vp->out, "%s%*s", first ? "" : ",\n", indent + 2, "");
		first = false;
		if (m.name)
			fprintf(vp->out, "%s = ", m.name);
		uint64_t bit = offset * 8 + m.bit_offset;
		err = print_value(vp, &m.type, bit / 8, m.bit_size, bit, indent + 2);
		if (err)
			return err;
	}
	fprintf(vp->out, "%s%*s}", first ? "" : "\n", indent, "");
	return NULL;
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, uint64_t n)
{
	return memcmp(a, b, n) == 0;
}

static struct kc_error *print_array(const struct value_printer *vp,
				    const struct kc_type *t, uint64_t offset,
				    int indent)
{
	struct kc_type element;
	uint64_t length, element_size;
	bool complete;
	struct kc_error *err = kc_type_array(t, &element, &length, &complete);
	if (!err)
		err = kc_type_size(&element, &element_size);
	if (err)
		return err;
	struct kc_type stripped = kc_type_strip(&element);
	if (kc_type_kind(&stripped) == KC_TYPE_CHAR && element_size == 1) {
		print_string(vp->out, vp->bytes + offset, length);
		return NULL;
	}
	fputc('{', vp->out);
	for (uint64_t i = 0; i < length;) {
		const uint8_t *p = vp->bytes + offset + i * element_size;
		uint64_t run = 1;
		while (i + run < length &&
		       same_bytes(p, p + run * element_size, element_size))
			run++;
		if (i)
			fputs(", ", vp->out);
		err = print_value(vp, &element, offset + i * element_size, 0, 0,
				  indent + 2);
		if (err)
			return err;
		if (run > REPEAT_THRESHOLD) {
			fprintf(vp->out, " <repeats %" PRIu64 " times>", run);
			i += run;
		} else {
			i++;
		}
	}
	fputc('}', vp->out);
	return NULL;
}


/*
 * Where a value of type T lies in VP's bytes: *OFFSET (a bitfield: its
 * storage unit, which may reach past the struct's end) and *SIZE bytes,
 * checked against the buffer.
 */
static struct kc_error *value_span(const struct value_printer *vp,
				   const struct kc_type *t, uint64_t *offset,
				   uint64_t bit_size, uint64_t bit_offset,
				   uint64_t *size)
{
	struct kc_error *err = kc_type_size(t, size);
	if (err)
		return err;
	if (bit_size) {
		*offset = bit_offset / 8;
		*size = (bit_offset % 8 + bit_size + 7) / 8;
	}
	if (*offset > vp->size || *size > vp->size - *offset)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "value needs %" PRIu64 " bytes at offset %" PRIu64 ", have %zu",
				       *size, *offset, vp->size);
	return NULL;
}

static struct kc_error *print_value_nested(const struct value_printer *vp,
					   const struct kc_type *type, uint64_t offset,
					   uint64_t bit_size, uint64_t bit_offset,
					   int indent);

static struct kc_error *print_value(const struct value_printer *vp,
				    const struct kc_type *type, uint64_t offset,
				    uint64_t bit_size, uint64_t bit_offset,
				    int indent)
{
	if (*vp->nesting >= NESTING_MAX)
		return too_deep();
	++*vp->nesting;
	struct kc_error *err = print_value_nested(vp, type, offset, bit_size,
						  bit_offset, indent);
	--*vp->nesting;
	return err;
}

static struct kc_error *print_value_nested(const struct value_printer *vp,
					   const struct kc_type *type, uint64_t offset,
					   uint64_t bit_size, uint64_t bit_offset,
					   int indent)
{
	struct kc_type t = kc_type_strip(type);
	enum kc_type_kind kind = kc_type_kind(&t);
	if (kind == KC_TYPE_VOID || kind == KC_TYPE_FUNCTION) {
		fputs("<no value>", vp->out);
		return NULL;
	}
	uint64_t size;
	struct kc_error *err = value_span(vp, &t, &offset, bit_size, bit_offset, &size);
	if (err)
		return err;
	switch (kind) {
	case KC_TYPE_STRUCT:
	case KC_TYPE_UNION:
		return print_members_value(vp, &t, offset, indent);
	case KC_TYPE_ARRAY:
		return print_array(vp, &t, offset, indent);
	default:
		return print_scalar(vp, &t, offset, bit_size, bit_offset);
	}
}

struct kc_error *kc_typefmt_value(FILE *out, const struct kc_type *type,
				  const void *bytes, size_t size)
{
	int nesting = 0;
	struct value_printer vp = {out, bytes, size, 0, &nesting};
	struct kc_type t = kc_type_strip(type);
	enum kc_type_kind kind = kc_type_kind(&t);
	if (kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION) {
		/* crash heads a struct with its type: "struct list_head {". */
		struct kc_error *err = kc_typefmt_declaration(out, type, "");
		if (err)
			return err;
		fputc(' ', out);
	}
	struct kc_error *err = print_value(&vp, type, 0, 0, 0, 0);
	if (err)
		return err;
	fputc('\n', out);
	return NULL;
}

struct kc_error *kc_typefmt_value_at(FILE *out, const struct kc_type *type,
				     const void *bytes, size_t size,
				     unsigned flags, int indent)
{
	int nesting = 0;
	struct value_printer vp = {out, bytes, size, flags, &nesting};
	struct kc_type t = kc_type_strip(type);
	enum kc_type_kind kind = kc_type_kind(&t);
	struct kc_error *err = NULL;
	if ((flags & KC_TYPEFMT_VALUE_HEADER) &&
	    (kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION)) {
		err = kc_typefmt_declaration(out, type, "");
		fputc(' ', out);
	} else if ((flags & KC_TYPEFMT_VALUE_POINTER_TYPE) && kind == KC_TYPE_POINTER) {
		/* gdb's top-level pointer: "(struct task_struct *) 0x...". */
		fputc('(', out);
		err = kc_typefmt_declaration(out, type, "");
		fputs(") ", out);
	}
	if (!err)
		err = print_value(&vp, type, 0, 0, 0, indent);
	return err;
}

struct kc_error *kc_typefmt_member_value(FILE *out, const struct kc_member *member,
					 const void *object, size_t object_size,
					 unsigned flags, int indent)
{
	int nesting = 0;
	struct value_printer vp = {out, object, object_size, flags, &nesting};
	return print_value(&vp, &member->type, member->offset, member->bit_size,
			   member->bit_offset, indent);
}

void kc_typefmt_string(FILE *out, const void *bytes, size_t size)
{
	print_string(out, bytes, size);
}

/* ---- JSON --------------------------------------------------------------- */

static struct kc_error *json_value(const struct value_printer *vp,
				   const struct kc_type *type, uint64_t offset,
				   uint64_t bit_size, uint64_t bit_offset);

/* Members into the current object; anonymous ones flattened, as C names them. */
static struct kc_error *json_members(const struct value_printer *vp,
				     const struct kc_type *t, uint64_t bit_base,
				     bool *first)
{
	struct kc_member_iter it;
	struct kc_member m;
	bool done;
	kc_member_iter_init(&it, t);
	for (;;) {
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (err || done)
			return err;
		uint64_t bit = bit_base + m.bit_offset;
		if (!m.name && is_anonymous_aggregate(&m.type)) {
			struct kc_type inner = kc_type_strip(&m.type);
			if (*vp->nesting >= NESTING_MAX)
				return too_deep();
			++*vp->nesting;
			err = json_members(vp, &inner, bit, first);
			--*vp->nesting;
		} else {
			fputs(*first ? "" : ", ", vp->out);
			*first = false;
			kc_json_string_n(vp->out, (const char *)(m.name ? m.name : ""),
				    m.name ? strlen(m.name) : 0);
			fputs(": ", vp->out);
			err = json_value(vp, &m.type, bit / 8, m.bit_size, bit);
		}
		if (err)
			return err;
	}
}

static struct kc_error *json_array(const struct value_printer *vp,
				   const struct kc_type *t, uint64_t offset)
{
	struct kc_type element;
	uint64_t length, element_size;
	bool complete;
	struct kc_error *err = kc_type_array(t, &element, &length, &complete);
	if (!err)
		err = kc_type_size(&element, &element_size);
	if (err)
		return err;
	struct kc_type stripped = kc_type_strip(&element);
	if (kc_type_kind(&stripped) == KC_TYPE_CHAR && element_size == 1) {
		kc_json_string_n(vp->out, (const char *)vp->bytes + offset, length);
		return NULL;
	}
	fputc('[', vp->out);
	for (uint64_t i = 0; i < length && !err; i++) {
		fputs(i ? ", " : "", vp->out);
		err = json_value(vp, &element, offset + i * element_size, 0, 0);
	}
	fputc(']', vp->out);
	return err;
}

static struct kc_error *json_scalar(const struct value_printer *vp,
				    const struct kc_type *t, uint64_t offset,
				    uint64_t bit_size, uint64_t bit_offset)
{
	struct scalar sc;
	struct kc_error *err = load_scalar(vp, t, offset, bit_size, bit_offset, &sc);
	if (err)
		return err;
	uint64_t raw = sc.raw;
	int64_t value = sc.value;
	switch (kc_type_kind(t)) {
	case KC_TYPE_POINTER:
		fprintf(vp->out, "\"0x%" PRIx64 "\"", raw);
		break;
	case KC_TYPE_BOOL:
		fputs(raw ? "true" : "false", vp->out);
		break;
	case KC_TYPE_ENUM: {
		struct value_printer name = *vp;
		char *text = NULL;
		size_t len = 0;
		name.out = open_memstream(&text, &len);
		if (!name.out)
			return &kc_error_nomem;
		print_enum(name.out, t, value);
		fclose(name.out);
		kc_json_string_n(vp->out, (const char *)text, len);
		free(text);
		break;
	}
	case KC_TYPE_FLOAT:
		return print_scalar(vp, t, offset, bit_size, bit_offset);
	default:
		if (kc_type_is_signed(t))
			fprintf(vp->out, "%" PRId64, value);
		else
			fprintf(vp->out, "%" PRIu64, raw);
	}
	return NULL;
}

static struct kc_error *json_value_nested(const struct value_printer *vp,
					  const struct kc_type *type, uint64_t offset,
					  uint64_t bit_size, uint64_t bit_offset);

static struct kc_error *json_value(const struct value_printer *vp,
				   const struct kc_type *type, uint64_t offset,
				   uint64_t bit_size, uint64_t bit_offset)
{
	if (*vp->nesting >= NESTING_MAX)
		return too_deep();
	++*vp->nesting;
	struct kc_error *err = json_value_nested(vp, type, offset, bit_size, bit_offset);
	--*vp->nesting;
	return err;
}

static struct kc_error *json_value_nested(const struct value_printer *vp,
					  const struct kc_type *type, uint64_t offset,
					  uint64_t bit_size, uint64_t bit_offset)
{
	struct kc_type t = kc_type_strip(type);
	enum kc_type_kind kind = kc_type_kind(&t);
	if (kind == KC_TYPE_VOID || kind == KC_TYPE_FUNCTION) {
		fputs("null", vp->out);
		return NULL;
	}
	uint64_t size;
	struct kc_error *err = value_span(vp, &t, &offset, bit_size, bit_offset, &size);
	if (err)
		return err;
	bool first = true;
	switch (kind) {
	case KC_TYPE_STRUCT:
	case KC_TYPE_UNION:
		fputc('{', vp->out);
		err = json_members(vp, &t, offset * 8, &first);
		fputc('}', vp->out);
		return err;
	case KC_TYPE_ARRAY:
		return json_array(vp, &t, offset);
	default:
		return json_scalar(vp, &t, offset, bit_size, bit_offset);
	}
}

struct kc_error *kc_typefmt_json(FILE *out, const struct kc_type *type,
				 const void *bytes, size_t size)
{
	int nesting = 0;
	struct value_printer vp = {out, bytes, size, 0, &nesting};
	return json_value(&vp, type, 0, 0, 0);
}

struct kc_error *kc_typefmt_member_json(FILE *out, const struct kc_member *member,
					const void *object, size_t object_size)
{
	int nesting = 0;
	struct value_printer vp = {out, object, object_size, 0, &nesting};
	return json_value(&vp, &member->type, member->offset, member->bit_size,
			  member->bit_offset);
}
