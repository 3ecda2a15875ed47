/* SPDX-License-Identifier: MIT */
#include "btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/btf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Name spaces of the index, as in C plus variables and functions. */
enum btf_ns {
	NS_STRUCT = 1,
	NS_UNION,
	NS_ENUM,
	NS_TYPE,       /* typedefs and base types */
	NS_VARIABLE,   /* BTF_KIND_VAR: per-CPU variables */
	NS_FUNCTION,
	NS_ENUMERATOR,
};

/* One index slot: (ns, name) -> type id (and enumerator index). */
struct name_slot {
	uint32_t id;      /* 0: empty */
	uint32_t index;   /* enumerator: its index in the enum */
	uint8_t ns;
};

struct kc_btf {
	struct btf *btf;
	const struct kc_btf *base;
	uint32_t first_id;         /* this BTF's own ids: first_id .. nr_ids-1 */
	uint32_t nr_ids;           /* btf__type_cnt(): ids are < nr_ids */
	size_t size;
	char *description;
	struct name_slot *slots;   /* open addressing, power of two */
	size_t nr_slots;
	/* .data..percpu: the offset of each VAR, by type id (0 = not in it) */
	uint32_t percpu_datasec;   /* its type id, 0 when there is none */
};

static int silent_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/* Library code does not print: libbpf's warnings would go to stderr. */
static void quiet_libbpf(void)
{
	static bool done;
	if (!done) {
		libbpf_set_print(silent_print);
		done = true;
	}
}

static const struct btf_type *type_by_id(const struct kc_btf *btf, uint32_t id)
{
	if (id == 0 || id >= btf->nr_ids)
		return NULL;
	return btf__type_by_id(btf->btf, id);
}

static const char *name_of(const struct kc_btf *btf, uint32_t name_off)
{
	const char *name = btf__name_by_offset(btf->btf, name_off);
	return name && *name ? name : NULL;
}

/* ---- the name index ----------------------------------------------------- */

static uint64_t hash_name(unsigned ns, const char *name)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ull;
	return (h ^ ns) * 0x9e3779b97f4a7c15ull;
}

static const char *slot_name(const struct kc_btf *btf, const struct name_slot *s)
{
	const struct btf_type *t = btf__type_by_id(btf->btf, s->id);
	if (s->ns == NS_ENUMERATOR) {
		if (btf_is_enum(t))
			return name_of(btf, btf_enum(t)[s->index].name_off);
		return name_of(btf, btf_enum64(t)[s->index].name_off);
	}
	return name_of(btf, t->name_off);
}

/* The slot holding (ns, name), or the empty slot where it would go. */
static struct name_slot *find_slot(const struct kc_btf *btf, unsigned ns,
				   const char *name)
{
	size_t mask = btf->nr_slots - 1;
	size_t i = hash_name(ns, name) & mask;
	for (;;) {
		struct name_slot *s = &btf->slots[i];
		if (!s->id)
			return s;
		if (s->ns == ns) {
			const char *n = slot_name(btf, s);
			if (n && strcmp(n, name) == 0)
				return s;
		}
		i = (i + 1) & mask;
	}
}

/* Keep the first of several types with one name, as the DWARF index does. */
static void index_add(struct kc_btf *btf, unsigned ns, const char *name,
		      uint32_t id, uint32_t index)
{
	struct name_slot *s = find_slot(btf, ns, name);
	if (s->id)
		return;
	s->id = id;
	s->index = index;
	s->ns = (uint8_t)ns;
}

static unsigned type_namespace(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return NS_STRUCT;
	case BTF_KIND_UNION:
		return NS_UNION;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return NS_ENUM;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return NS_TYPE;
	case BTF_KIND_VAR:
		return NS_VARIABLE;
	case BTF_KIND_FUNC:
		return NS_FUNCTION;
	default:
		return 0;
	}
}

static struct kc_error *build_index(struct kc_btf *btf)
{
	/* Names: at most one per type plus one per enumerator; half full. */
	size_t nr_names = 0;
	for (uint32_t id = btf->first_id; id < btf->nr_ids; id++) {
		const struct btf_type *t = btf__type_by_id(btf->btf, id);
		nr_names++;
		if (btf_is_any_enum(t))
			nr_names += btf_vlen(t);
	}
	btf->nr_slots = 16;
	while (btf->nr_slots < 2 * nr_names)
		btf->nr_slots *= 2;
	btf->slots = calloc(btf->nr_slots, sizeof(*btf->slots));
	if (!btf->slots)
		return &kc_error_nomem;
	for (uint32_t id = btf->first_id; id < btf->nr_ids; id++) {
		const struct btf_type *t = btf__type_by_id(btf->btf, id);
		unsigned ns = type_namespace(t);
		const char *name = name_of(btf, t->name_off);
		if (ns && name)
			index_add(btf, ns, name, id, 0);
		if (btf_is_any_enum(t)) {
			for (uint16_t i = 0; i < btf_vlen(t); i++) {
				uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
								btf_enum64(t)[i].name_off;
				const char *e = name_of(btf, off);
				if (e)
					index_add(btf, NS_ENUMERATOR, e, id, i);
			}
		}
		if (btf_is_datasec(t) && name && strcmp(name, ".data..percpu") == 0 &&
		    !btf->percpu_datasec)
			btf->percpu_datasec = id;
	}
	return NULL;
}

/* The id of (ns, name) here, else in the base BTF; 0 when absent. */
static const struct name_slot *lookup(const struct kc_btf *btf, unsigned ns,
				      const char *name,
				      const struct kc_btf **where)
{
	for (; btf; btf = btf->base) {
		const struct name_slot *s = find_slot(btf, ns, name);
		if (s->id) {
			*where = btf;
			return s;
		}
	}
	return NULL;
}

/* ---- opening ------------------------------------------------------------ */

static struct kc_error *finish_open(struct btf *lib, const struct kc_btf *base,
				    const char *description, struct kc_btf **ret)
{
	struct kc_btf *btf = calloc(1, sizeof(*btf));
	if (!btf) {
		btf__free(lib);
		return &kc_error_nomem;
	}
	btf->btf = lib;
	btf->base = base;
	btf->nr_ids = btf__type_cnt(lib);
	btf->first_id = base ? base->nr_ids : 1;
	uint32_t raw_size = 0;
	btf__raw_data(lib, &raw_size);
	btf->size = raw_size;
	/* Pointers have 8 bytes on arm64, whatever libbpf guesses. */
	btf__set_pointer_size(lib, 8);
	struct kc_error *err = build_index(btf);
	if (!err && asprintf(&btf->description, "%s (%.1f MB, %u types)",
			     description, (double)btf->size / 1e6,
			     btf->nr_ids - btf->first_id) < 0) {
		btf->description = NULL;
		err = &kc_error_nomem;
	}
	if (err) {
		kc_btf_close(btf);
		return err;
	}
	*ret = btf;
	return NULL;
}

struct kc_error *kc_btf_open_file(const char *path, struct kc_btf **ret)
{
	quiet_libbpf();
	errno = 0;
	struct btf *lib = btf__parse(path, NULL);
	if (!lib)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: no BTF (neither an ELF file with a .BTF section nor raw BTF): %s",
				       path, strerror(errno ? errno : EINVAL));
	char description[4200];
	snprintf(description, sizeof(description), "BTF of %s", path);
	return finish_open(lib, NULL, description, ret);
}

size_t kc_btf_blob_size(const void *bytes, size_t len)
{
	struct btf_header hdr;
	if (len < sizeof(hdr))
		return 0;
	memcpy(&hdr, bytes, sizeof(hdr));
	/* Little-endian, as arm64 kernels write it. */
	if (hdr.magic != KC_BTF_MAGIC || hdr.version != BTF_VERSION ||
	    hdr.flags != 0 || hdr.hdr_len < sizeof(hdr) || hdr.hdr_len > 256)
		return 0;
	uint64_t end_types = (uint64_t)hdr.type_off + hdr.type_len;
	uint64_t end_strs = (uint64_t)hdr.str_off + hdr.str_len;
	uint64_t end = end_types > end_strs ? end_types : end_strs;
	if (hdr.str_len == 0 || end > (1ull << 30))
		return 0;
	return (size_t)(hdr.hdr_len + end);
}

/*
 * btf__new_split() is declared by libbpf 1.1 but missing from its symbol
 * map (exported from 1.2 on), so Debian bookworm's libbpf.so lacks it:
 * parse the split BTF from a memory file instead.
 */
static struct btf *new_split(const void *data, size_t size, struct btf *base)
{
	int fd = memfd_create("kcrash-btf", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct btf *lib = NULL;
	const char *p = data;
	size_t left = size;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n <= 0) {
			close(fd);
			errno = EIO;
			return NULL;
		}
		p += n;
		left -= (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lib = btf__parse_raw_split(path, base);
	int saved = errno;
	close(fd);
	errno = saved;
	return lib;
}

struct kc_error *kc_btf_open_data(const void *data, size_t size,
				  const struct kc_btf *base,
				  const char *description, struct kc_btf **ret)
{
	quiet_libbpf();
	if (size > UINT32_MAX)
		return kc_error_create(KC_ERR_FORMAT, "%s: %zu bytes is too big for BTF",
				       description, size);
	errno = 0;
	struct btf *lib = base ? new_split(data, size, base->btf) :
				 btf__new(data, (uint32_t)size);
	if (!lib)
		return kc_error_create(KC_ERR_FORMAT, "%s: not valid BTF: %s",
				       description, strerror(errno ? errno : EINVAL));
	return finish_open(lib, base, description, ret);
}

void kc_btf_close(struct kc_btf *btf)
{
	if (!btf)
		return;
	btf__free(btf->btf);
	free(btf->slots);
	free(btf->description);
	free(btf);
}

const char *kc_btf_description(const struct kc_btf *btf)
{
	return btf->description;
}

size_t kc_btf_nr_types(const struct kc_btf *btf)
{
	return btf->nr_ids - btf->first_id;
}

size_t kc_btf_size(const struct kc_btf *btf)
{
	return btf->size;
}

/* ---- types -------------------------------------------------------------- */

/*
 * ID as a kc_type: void for 0, type tags (__user, __rcu: annotations, not
 * types) seen through. A bad id is an error naming it.
 */
static struct kc_error *make_type(const struct kc_btf *btf, uint32_t id,
				  struct kc_type *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (int i = 0; i < 16; i++) {
		if (id == 0) {
			ret->is_void = true;
			return NULL;
		}
		const struct btf_type *t = type_by_id(btf, id);
		if (!t)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: type id %u out of range (%u types)",
					       btf->description ? btf->description : "BTF",
					       id, btf->nr_ids);
		if (!btf_is_type_tag(t)) {
			ret->ops = &kc_btf_type_ops;
			ret->btf.btf = btf;
			ret->btf.id = id;
			return NULL;
		}
		id = t->type;
	}
	return kc_error_create(KC_ERR_FORMAT, "BTF: type tags nested too deep at id %u",
			       id);
}

/* kc_type.dim of a BTF array known to be "[0]", not "[]" (see members). */
#define ZERO_LENGTH_ARRAY 1

static const struct btf_type *btf_type_of(const struct kc_type *type)
{
	return type_by_id(type->btf.btf, type->btf.id);
}

/* "char", "unsigned char", "signed char": pahole marks none as BTF_INT_CHAR. */
static bool is_char_int(const struct kc_type *type, const struct btf_type *t)
{
	if (btf_int_encoding(t) & BTF_INT_CHAR)
		return true;
	const char *name = name_of(type->btf.btf, t->name_off);
	return t->size == 1 && name && strstr(name, "char");
}

static enum kc_type_kind btf_kind_of(const struct kc_type *type)
{
	const struct btf_type *t = btf_type_of(type);
	if (!t)
		return KC_TYPE_VOID;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (btf_int_encoding(t) & BTF_INT_BOOL)
			return KC_TYPE_BOOL;
		return is_char_int(type, t) ? KC_TYPE_CHAR : KC_TYPE_INT;
	case BTF_KIND_FLOAT:
		return KC_TYPE_FLOAT;
	case BTF_KIND_PTR:
		return KC_TYPE_POINTER;
	case BTF_KIND_ARRAY:
		return KC_TYPE_ARRAY;
	case BTF_KIND_STRUCT:
		return KC_TYPE_STRUCT;
	case BTF_KIND_UNION:
		return KC_TYPE_UNION;
	case BTF_KIND_FWD:
		return btf_kflag(t) ? KC_TYPE_UNION : KC_TYPE_STRUCT;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return KC_TYPE_ENUM;
	case BTF_KIND_TYPEDEF:
		return KC_TYPE_TYPEDEF;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
		return KC_TYPE_QUALIFIED;
	case BTF_KIND_FUNC:
	case BTF_KIND_FUNC_PROTO:
		return KC_TYPE_FUNCTION;
	default:
		return KC_TYPE_VOID;
	}
}

static const char *btf_name(const struct kc_type *type)
{
	const struct btf_type *t = btf_type_of(type);
	if (!t || btf_is_func_proto(t))
		return NULL;
	return name_of(type->btf.btf, t->name_off);
}

static enum kc_type_qualifier btf_qualifier(const struct kc_type *type)
{
	const struct btf_type *t = btf_type_of(type);
	switch (t ? btf_kind(t) : 0) {
	case BTF_KIND_CONST:
		return KC_QUALIFIER_CONST;
	case BTF_KIND_VOLATILE:
		return KC_QUALIFIER_VOLATILE;
	case BTF_KIND_RESTRICT:
		return KC_QUALIFIER_RESTRICT;
	default:
		return KC_QUALIFIER_NONE;
	}
}

static bool btf_byte_size(const struct kc_type *type, uint64_t *size)
{
	const struct btf_type *t = btf_type_of(type);
	switch (t ? btf_kind(t) : 0) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		*size = t->size;
		return true;
	case BTF_KIND_PTR:
		*size = 8;
		return true;
	default:
		return false;
	}
}

static bool btf_is_signed(const struct kc_type *type)
{
	const struct btf_type *t = btf_type_of(type);
	if (!t)
		return false;
	if (btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	if (btf_is_any_enum(t))
		return btf_kflag(t);
	return btf_is_float(t);
}

/* A FUNC's prototype (FUNC_PROTO), or T itself. */
static const struct btf_type *prototype(const struct kc_btf *btf,
					const struct btf_type *t)
{
	if (t && btf_is_func(t)) {
		const struct btf_type *proto = type_by_id(btf, t->type);
		return proto && btf_is_func_proto(proto) ? proto : NULL;
	}
	return t;
}

static struct kc_error *btf_target(const struct kc_type *type,
				   struct kc_type *ret)
{
	const struct kc_btf *btf = type->btf.btf;
	const struct btf_type *t = prototype(btf, btf_type_of(type));
	if (!t)
		return kc_error_create(KC_ERR_FORMAT, "BTF type %u: no prototype",
				       type->btf.id);
	if (btf_is_array(t))
		return make_type(btf, btf_array(t)->type, ret);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC_PROTO:
		return make_type(btf, t->type, ret);
	default:
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "BTF type %u refers to no type", type->btf.id);
	}
}

static void btf_array_length(const struct kc_type *array, uint64_t *length,
			     bool *complete)
{
	const struct btf_type *t = btf_type_of(array);
	*length = t && btf_is_array(t) ? btf_array(t)->nelems : 0;
	/* pahole writes a flexible array member "x[]" with 0 elements. */
	*complete = *length != 0 || array->dim == ZERO_LENGTH_ARRAY;
}

/* ---- members, enumerators, parameters ---------------------------------- */

static void btf_member_iter_init(struct kc_member_iter *it)
{
	it->index = 0;
}

static struct kc_error *btf_member_iter_next(struct kc_member_iter *it,
					     struct kc_member *member, bool *done)
{
	const struct kc_btf *btf = it->parent.btf.btf;
	const struct btf_type *t = btf_type_of(&it->parent);
	if (!t || !btf_is_composite(t) || it->index >= btf_vlen(t)) {
		*done = true;
		return NULL;
	}
	uint32_t i = it->index++;
	const struct btf_member *m = &btf_members(t)[i];
	memset(member, 0, sizeof(*member));
	member->name = name_of(btf, m->name_off);
	struct kc_error *err = make_type(btf, m->type, &member->type);
	if (err)
		return kc_error_prefix(err, "member %u of BTF type %u", i,
				       it->parent.btf.id);
	member->bit_offset = btf_member_bit_offset(t, i);
	member->bit_size = btf_member_bitfield_size(t, i);
	if (!btf_kflag(t)) {
		/* Before kind_flag, a bitfield was an int type of fewer bits. */
		const struct btf_type *mt = type_by_id(btf, member->type.btf.id);
		if (mt && btf_is_int(mt) && !member->type.is_void &&
		    (btf_int_bits(mt) != mt->size * 8 || btf_int_offset(mt))) {
			member->bit_offset += btf_int_offset(mt);
			member->bit_size = btf_int_bits(mt);
		}
	}
	/*
	 * pahole writes "x[0]" and "x[]" alike, as 0 elements; but only the
	 * last member can be a flexible array, so one before it is "[0]".
	 */
	const struct btf_type *at = type_by_id(btf, member->type.btf.id);
	if (at && !member->type.is_void && btf_is_array(at) && !btf_array(at)->nelems &&
	    i + 1 < btf_vlen(t))
		member->type.dim = ZERO_LENGTH_ARRAY;
	member->offset = member->bit_offset / 8;
	*done = false;
	return NULL;
}

static void btf_enumerator_iter_init(struct kc_enumerator_iter *it)
{
	it->index = 0;
	it->is_signed = btf_is_signed(&it->parent);
}

static struct kc_error *btf_enumerator_iter_next(struct kc_enumerator_iter *it,
						 const char **name,
						 int64_t *value, bool *done)
{
	const struct kc_btf *btf = it->parent.btf.btf;
	const struct btf_type *t = btf_type_of(&it->parent);
	if (!t || !btf_is_any_enum(t) || it->index >= btf_vlen(t)) {
		*done = true;
		return NULL;
	}
	uint32_t i = it->index++;
	if (btf_is_enum(t)) {
		const struct btf_enum *e = &btf_enum(t)[i];
		*name = name_of(btf, e->name_off);
		*value = it->is_signed ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = &btf_enum64(t)[i];
		*name = name_of(btf, e->name_off);
		*value = (int64_t)btf_enum64_value(e);
	}
	*done = false;
	return NULL;
}

static void btf_param_iter_init(struct kc_param_iter *it)
{
	it->index = 0;
}

static struct kc_error *btf_param_iter_next(struct kc_param_iter *it,
					    struct kc_type *type,
					    bool *variadic, bool *done)
{
	const struct kc_btf *btf = it->parent.btf.btf;
	const struct btf_type *t = prototype(btf, btf_type_of(&it->parent));
	if (!t || !btf_is_func_proto(t) || it->index >= btf_vlen(t)) {
		*done = true;
		return NULL;
	}
	const struct btf_param *p = &btf_params(t)[it->index++];
	*done = false;
	/* A last parameter of type 0 and no name is "...". */
	*variadic = p->type == 0 && p->name_off == 0 && it->index == btf_vlen(t);
	if (*variadic) {
		memset(type, 0, sizeof(*type));
		type->is_void = true;
		return NULL;
	}
	return make_type(btf, p->type, type);
}

static bool btf_prototyped(const struct kc_type *function)
{
	(void)function;
	return true; /* BTF has only prototypes */
}

const struct kc_type_ops kc_btf_type_ops = {
	.source = "BTF",
	.kind = btf_kind_of,
	.name = btf_name,
	.qualifier = btf_qualifier,
	.byte_size = btf_byte_size,
	.is_signed = btf_is_signed,
	.target = btf_target,
	.array_length = btf_array_length,
	.member_iter_init = btf_member_iter_init,
	.member_iter_next = btf_member_iter_next,
	.enumerator_iter_init = btf_enumerator_iter_init,
	.enumerator_iter_next = btf_enumerator_iter_next,
	.param_iter_init = btf_param_iter_init,
	.param_iter_next = btf_param_iter_next,
	.prototyped = btf_prototyped,
};

/* ---- lookups ------------------------------------------------------------ */

struct kc_error *kc_btf_type_by_id(const struct kc_btf *btf, uint32_t id,
				   struct kc_type *ret)
{
	return make_type(btf, id, ret);
}

/* GCC's base type names and what people type instead (as dwarf.c has). */
static const char *const base_type_aliases[][2] = {
	{"unsigned", "unsigned int"},
	{"unsigned long", "long unsigned int"},
	{"long", "long int"},
	{"signed long", "long int"},
	{"unsigned long long", "long long unsigned int"},
	{"long long", "long long int"},
	{"short", "short int"},
	{"unsigned short", "short unsigned int"},
	{"signed", "int"},
	{"signed int", "int"},
	{"bool", "_Bool"},
};

static const char *base_type_alias(const char *name)
{
	size_t n = sizeof(base_type_aliases) / sizeof(base_type_aliases[0]);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, base_type_aliases[i][0]) == 0)
			return base_type_aliases[i][1];
		if (strcmp(name, base_type_aliases[i][1]) == 0)
			return base_type_aliases[i][0];
	}
	return NULL;
}

/* NAME with spaces trimmed and runs of spaces collapsed (malloc'd). */
static char *normalize_name(const char *name)
{
	char *out = malloc(strlen(name) + 1), *p = out;
	if (!out)
		return NULL;
	for (const char *s = name; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			if (p != out && p[-1] != ' ')
				*p++ = ' ';
		} else {
			*p++ = *s;
		}
	}
	if (p != out && p[-1] == ' ')
		p--;
	*p = '\0';
	return out;
}

static bool find_in(const struct kc_btf *btf, unsigned ns, const char *name,
		    struct kc_type *ret, struct kc_error **err)
{
	const struct kc_btf *where;
	const struct name_slot *s = lookup(btf, ns, name, &where);
	if (!s)
		return false;
	*err = make_type(where, s->id, ret);
	return true;
}

struct kc_error *kc_btf_find_type(const struct kc_btf *btf, const char *name,
				  struct kc_type *ret)
{
	static const struct {
		const char *prefix;
		unsigned ns;
	} tagged[] = {
		{"struct ", NS_STRUCT}, {"union ", NS_UNION}, {"enum ", NS_ENUM},
	};
	char *norm = normalize_name(name);
	if (!norm)
		return &kc_error_nomem;
	struct kc_error *err = NULL;
	bool found = false;
	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(tagged[i].prefix);
		if (strncmp(norm, tagged[i].prefix, len) == 0) {
			found = find_in(btf, tagged[i].ns, norm + len, ret, &err);
			goto out;
		}
	}
	if (strcmp(norm, "void") == 0) {
		memset(ret, 0, sizeof(*ret));
		ret->is_void = true;
		found = true;
		goto out;
	}
	found = find_in(btf, NS_TYPE, norm, ret, &err);
	const char *alias = base_type_alias(norm);
	if (!found && alias)
		found = find_in(btf, NS_TYPE, alias, ret, &err);
	for (size_t i = 0; i < 3 && !found; i++)
		found = find_in(btf, tagged[i].ns, norm, ret, &err);
out:
	if (!err && !found)
		err = kc_error_create(KC_ERR_LOOKUP, "no type named `%s'", norm);
	free(norm);
	return err;
}

struct kc_error *kc_btf_find_enumerator(const struct kc_btf *btf,
					const char *name, int64_t *value,
					struct kc_type *enum_type)
{
	const struct kc_btf *where;
	const struct name_slot *s = lookup(btf, NS_ENUMERATOR, name, &where);
	if (!s)
		return kc_error_create(KC_ERR_LOOKUP, "no enumerator named `%s'",
				       name);
	struct kc_type type;
	struct kc_error *err = make_type(where, s->id, &type);
	if (err)
		return err;
	struct kc_enumerator_iter it;
	const char *ename;
	bool done;
	kc_enumerator_iter_init(&it, &type);
	it.index = s->index;
	err = kc_enumerator_iter_next(&it, &ename, value, &done);
	if (!err && done)
		err = kc_error_create(KC_ERR_FORMAT, "BTF enumerator `%s' is gone", name);
	if (!err && enum_type)
		*enum_type = type;
	return err;
}

struct kc_error *kc_btf_find_percpu_variable(const struct kc_btf *btf,
					     const char *name,
					     struct kc_variable *ret)
{
	const struct kc_btf *where;
	const struct name_slot *s = lookup(btf, NS_VARIABLE, name, &where);
	const struct btf_type *sec = s ? type_by_id(where, where->percpu_datasec) : NULL;
	if (!sec)
		return kc_error_create(KC_ERR_LOOKUP, "no per-CPU variable named `%s' in BTF",
				       name);
	const struct btf_var_secinfo *vsi = btf_var_secinfos(sec);
	for (uint16_t i = 0; i < btf_vlen(sec); i++) {
		if (vsi[i].type != s->id)
			continue;
		const struct btf_type *var = type_by_id(where, s->id);
		memset(ret, 0, sizeof(*ret));
		struct kc_error *err = make_type(where, var->type, &ret->type);
		if (err)
			return kc_error_prefix(err, "per-CPU variable `%s'", name);
		ret->is_percpu = true;
		ret->address = vsi[i].offset;
		return NULL;
	}
	return kc_error_create(KC_ERR_LOOKUP, "variable `%s' is not in BTF's .data..percpu",
			       name);
}

struct kc_error *kc_btf_find_function(const struct kc_btf *btf,
				      const char *name, struct kc_type *ret)
{
	struct kc_error *err = NULL;
	if (!find_in(btf, NS_FUNCTION, name, ret, &err))
		return kc_error_create(KC_ERR_LOOKUP, "no function named `%s' in BTF",
				       name);
	return err;
}

struct kc_error *kc_btf_find_anonymous_struct(const struct kc_btf *btf,
					      const char *const *members,
					      struct kc_type *ret)
{
	size_t nr = 0;
	while (members[nr])
		nr++;
	for (; btf; btf = btf->base) {
		for (uint32_t id = btf->first_id; id < btf->nr_ids; id++) {
			const struct btf_type *t = btf__type_by_id(btf->btf, id);
			if (!btf_is_struct(t) || t->name_off || btf_vlen(t) != nr)
				continue;
			size_t i = 0;
			for (; i < nr; i++) {
				const char *m = name_of(btf, btf_members(t)[i].name_off);
				if (!m || strcmp(m, members[i]) != 0)
					break;
			}
			if (i == nr)
				return make_type(btf, id, ret);
		}
	}
	return kc_error_create(KC_ERR_LOOKUP, "no anonymous struct { %s%s } in BTF",
			       members[0] ? members[0] : "", nr > 1 ? ", ..." : "");
}
