/* SPDX-License-Identifier: MIT */
#include "dwarfskim.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

/* DWARF 5 forms elfutils 0.188's <dwarf.h> may lack under these names. */
enum {
	FORM_strx = 0x1a, FORM_addrx = 0x1b, FORM_ref_sup4 = 0x1c, FORM_strp_sup = 0x1d,
	FORM_data16 = 0x1e, FORM_line_strp = 0x1f, FORM_ref_sig8 = 0x20,
	FORM_implicit_const = 0x21, FORM_loclistx = 0x22, FORM_rnglistx = 0x23,
	FORM_ref_sup8 = 0x24, FORM_strx1 = 0x25, FORM_strx4 = 0x28, FORM_addrx1 = 0x29,
	FORM_addrx4 = 0x2c, FORM_GNU_addr_index = 0x1f01, FORM_GNU_str_index = 0x1f02,
	FORM_GNU_ref_alt = 0x1f20, FORM_GNU_strp_alt = 0x1f21,
};

/* The same mapping as the index's lookups check (src/dwarf.c). */
int kc_index_tag_ns(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return NS_STRUCT;
	case DW_TAG_union_type:
		return NS_UNION;
	case DW_TAG_enumeration_type:
		return NS_ENUM;
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		return NS_TYPE;
	case DW_TAG_variable:
		return NS_VARIABLE;
	default:
		return 0;
	}
}

struct attr_spec {
	uint32_t name;
	uint32_t form;
};

struct abbrev {
	uint32_t tag;
	bool children;
	bool known;
	uint32_t first_attr, nr_attrs;
};

struct kc_skimmer {
	struct abbrev *abbrevs; /* by code */
	size_t abbrevs_cap;
	struct attr_spec *attrs;
	size_t attrs_cap;
};

/* The unit being read. */
struct unit {
	const struct kc_skim_sections *sec;
	const struct kc_skimmer *skimmer;
	const struct kc_skim_index *index;
	const uint8_t *start, *end; /* the whole unit, header included */
	unsigned version, offset_size, addr_size;
	size_t nr_abbrevs;          /* codes 1 .. nr_abbrevs - 1 */
	const uint8_t *bad;         /* where the bytes stopped making sense */
	bool nomem;
};

struct kc_skimmer *kc_skimmer_new(void)
{
	return calloc(1, sizeof(struct kc_skimmer));
}

void kc_skimmer_free(struct kc_skimmer *skimmer)
{
	if (!skimmer)
		return;
	free(skimmer->abbrevs);
	free(skimmer->attrs);
	free(skimmer);
}

/* An unsigned LEB128 of at most 10 bytes (64 bits); false when cut short or longer. */
static bool read_uleb(const uint8_t **p, const uint8_t *end, uint64_t *value)
{
	*value = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t byte = *(*p)++;
		*value |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return true;
	}
	return false;
}

enum kc_abbrev_walk kc_abbrev_walk(const uint8_t *p, const uint8_t *end,
				   const struct kc_abbrev_visitor *visitor)
{
	for (;;) {
		uint64_t code, tag, name, form;
		if (!read_uleb(&p, end, &code))
			return KC_ABBREV_CUT;
		if (code == 0)
			return KC_ABBREV_DONE;
		if (!read_uleb(&p, end, &tag) || p >= end)
			return KC_ABBREV_CUT;
		bool children = *p++ == DW_CHILDREN_yes;
		if (!visitor->entry(visitor->ctx, code, tag, children))
			return KC_ABBREV_STOPPED;
		for (;;) {
			if (!read_uleb(&p, end, &name) || !read_uleb(&p, end, &form))
				return KC_ABBREV_CUT;
			if (name == 0 && form == 0)
				break;
			/* DW_FORM_implicit_const: its value (an SLEB128) is in the table. */
			uint64_t implicit;
			if (form == FORM_implicit_const && !read_uleb(&p, end, &implicit))
				return KC_ABBREV_CUT;
			if (!visitor->attr(visitor->ctx, name, form))
				return KC_ABBREV_STOPPED;
		}
	}
}

static uint64_t read_le(const uint8_t *p, unsigned size)
{
	uint64_t value = 0;
	for (unsigned i = 0; i < size; i++)
		value |= (uint64_t)p[i] << (8 * i);
	return value;
}

/* Forms a unit may use for the reader to take it (the rest go to libdw). */
static bool form_supported(uint32_t form)
{
	switch (form) {
	case DW_FORM_indirect:
	case FORM_strx:
	case FORM_strp_sup:
	case FORM_GNU_str_index:
	case FORM_GNU_strp_alt:
	case FORM_GNU_ref_alt:
	case FORM_ref_sup4:
	case FORM_ref_sup8:
		return false;
	default:
		break;
	}
	if (form >= FORM_strx1 && form <= FORM_strx4)
		return false;
	return form >= DW_FORM_addr && (form <= FORM_addrx4 || form == FORM_GNU_addr_index);
}

static bool is_name_form(uint32_t form)
{
	return form == DW_FORM_string || form == DW_FORM_strp || form == FORM_line_strp;
}

static bool is_local_ref(uint32_t form)
{
	return form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
	       form == DW_FORM_ref8 || form == DW_FORM_ref_udata;
}

/*
 * Parse the abbreviation table at OFFSET. False: a form or a code the
 * reader leaves to libdw (or a table that does not parse: libdw says why).
 */
/* The table being parsed into the skimmer (parse_abbrevs). */
struct abbrev_parse {
	struct kc_skimmer *sk;
	size_t nr;       /* codes 1 .. nr - 1 set up */
	size_t nr_attrs;
	struct abbrev *current;
	bool nomem;
};

static bool parse_entry(void *ctx, uint64_t code, uint64_t tag, bool children)
{
	struct abbrev_parse *ap = ctx;
	struct kc_skimmer *sk = ap->sk;
	/* Codes count up from 1 in practice: a table indexed by code. */
	if (code > (1u << 20))
		return false;
	if (code >= sk->abbrevs_cap) {
		size_t cap = sk->abbrevs_cap ? sk->abbrevs_cap : 256;
		while (cap <= code)
			cap *= 2;
		struct abbrev *grown = realloc(sk->abbrevs, cap * sizeof(*grown));
		if (!grown) {
			ap->nomem = true;
			return false;
		}
		sk->abbrevs = grown;
		sk->abbrevs_cap = cap;
	}
	while (ap->nr <= code)
		sk->abbrevs[ap->nr++].known = false;
	struct abbrev *a = &sk->abbrevs[code];
	if (a->known)
		return false; /* a code defined twice */
	*a = (struct abbrev){.tag = (uint32_t)tag, .children = children, .known = true,
			     .first_attr = (uint32_t)ap->nr_attrs};
	ap->current = a;
	return true;
}

static bool parse_attr(void *ctx, uint64_t name, uint64_t form)
{
	struct abbrev_parse *ap = ctx;
	struct kc_skimmer *sk = ap->sk;
	if (!form_supported((uint32_t)form))
		return false;
	if (name == DW_AT_name && !is_name_form((uint32_t)form))
		return false;
	if ((name == DW_AT_specification || name == DW_AT_abstract_origin) &&
	    !is_local_ref((uint32_t)form))
		return false;
	if (ap->nr_attrs == sk->attrs_cap) {
		size_t cap = sk->attrs_cap ? sk->attrs_cap * 2 : 1024;
		struct attr_spec *grown = realloc(sk->attrs, cap * sizeof(*grown));
		if (!grown) {
			ap->nomem = true;
			return false;
		}
		sk->attrs = grown;
		sk->attrs_cap = cap;
	}
	sk->attrs[ap->nr_attrs++] = (struct attr_spec){(uint32_t)name, (uint32_t)form};
	ap->current->nr_attrs++;
	return true;
}

/*
 * Parse the abbreviation table at OFFSET. False: a form or a code the
 * reader leaves to libdw (or a table that does not parse: libdw says why).
 */
static bool parse_abbrevs(struct kc_skimmer *sk, const struct kc_skim_sections *sec,
			  uint64_t offset, size_t *nr_abbrevs, bool *nomem)
{
	if (offset >= sec->abbrev_size)
		return false;
	struct abbrev_parse ap = {.sk = sk, .nr = 1};
	const struct kc_abbrev_visitor visitor = {&ap, parse_entry, parse_attr};
	enum kc_abbrev_walk walked = kc_abbrev_walk(sec->abbrev + offset,
						    sec->abbrev + sec->abbrev_size, &visitor);
	*nomem = ap.nomem;
	*nr_abbrevs = ap.nr;
	return walked == KC_ABBREV_DONE;
}

/* A DIE's abbreviation and what the index reads of its attributes. */
struct die {
	uint64_t offset;          /* in .debug_info */
	const struct abbrev *abbrev;
	const char *name;         /* NULL: none, or one that does not read */
	bool declaration;
	uint64_t origin;          /* abstract_origin, else specification: unit-relative, 0 none */
	uint64_t sibling;         /* unit-relative, 0 none */
	const uint8_t *children;  /* just past the attributes */
};

static const char *section_string(const uint8_t *base, size_t size, uint64_t offset)
{
	/* The section was checked to end in a NUL (kc_skim_unit). */
	return offset < size ? (const char *)base + offset : NULL;
}

/* Decode the DIE at P; NULL code (0) sets die->abbrev NULL. False: bad bytes. */
static bool read_die(struct unit *u, const uint8_t *p, struct die *die)
{
	const uint8_t *end = u->end;
	memset(die, 0, sizeof(*die));
	die->offset = (uint64_t)(p - u->sec->info);
	uint64_t code, origin = 0, specification = 0;
	if (!read_uleb(&p, end, &code))
		goto bad;
	if (code == 0) {
		die->children = p;
		return true;
	}
	if (code >= u->nr_abbrevs || !u->skimmer->abbrevs[code].known)
		goto bad;
	const struct abbrev *a = &u->skimmer->abbrevs[code];
	die->abbrev = a;
	bool have_name = false;
	for (uint32_t i = 0; i < a->nr_attrs; i++) {
		const struct attr_spec *spec = &u->skimmer->attrs[a->first_attr + i];
		uint32_t form = spec->form;
		const uint8_t *value = p;
		uint64_t len = 0, ref = 0;
		size_t fixed = 0;
		switch (form) {
		case DW_FORM_flag_present:
		case FORM_implicit_const:
			break;
		case DW_FORM_addr:
			fixed = u->addr_size;
			break;
		case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case FORM_addrx1:
			fixed = 1;
			break;
		case DW_FORM_data2: case DW_FORM_ref2:
			fixed = 2;
			break;
		case FORM_addrx1 + 2:
			fixed = 3;
			break;
		case DW_FORM_data4: case DW_FORM_ref4: case FORM_addrx4:
			fixed = 4;
			break;
		case DW_FORM_data8: case DW_FORM_ref8: case FORM_ref_sig8:
			fixed = 8;
			break;
		case FORM_data16:
			fixed = 16;
			break;
		case FORM_addrx1 + 1:
			fixed = 2;
			break;
		case DW_FORM_strp: case DW_FORM_sec_offset: case FORM_line_strp:
			fixed = u->offset_size;
			break;
		case DW_FORM_ref_addr:
			fixed = u->version == 2 ? u->addr_size : u->offset_size;
			break;
		case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_ref_udata:
		case FORM_addrx: case FORM_loclistx: case FORM_rnglistx: case FORM_GNU_addr_index:
			if (!read_uleb(&p, end, &len))
				goto bad;
			ref = len;
			len = 0;
			break;
		case DW_FORM_string: {
			const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
			if (!nul)
				goto bad;
			p = nul + 1;
			break;
		}
		case DW_FORM_block1:
			if (p >= end)
				goto bad;
			len = *p++;
			break;
		case DW_FORM_block2:
			if (end - p < 2)
				goto bad;
			len = read_le(p, 2);
			p += 2;
			break;
		case DW_FORM_block4:
			if (end - p < 4)
				goto bad;
			len = read_le(p, 4);
			p += 4;
			break;
		case DW_FORM_block: case DW_FORM_exprloc:
			if (!read_uleb(&p, end, &len))
				goto bad;
			break;
		default:
			goto bad; /* parse_abbrevs let only the forms above through */
		}
		if (fixed) {
			if ((size_t)(end - p) < fixed)
				goto bad;
			ref = fixed <= 8 ? read_le(p, (unsigned)fixed) : 0; /* data16: not a reference */
			p += fixed;
		}
		if (len) {
			if ((uint64_t)(end - p) < len)
				goto bad;
			p += len;
		}
		/* dwarf_attr: the first attribute of a name counts. */
		switch (spec->name) {
		case DW_AT_name:
			if (have_name)
				break;
			have_name = true;
			if (form == DW_FORM_string)
				die->name = (const char *)value;
			else if (form == DW_FORM_strp)
				die->name = section_string(u->sec->str, u->sec->str_size, ref);
			else
				die->name = section_string(u->sec->line_str, u->sec->line_str_size, ref);
			break;
		case DW_AT_declaration:
			die->declaration = true;
			break;
		case DW_AT_sibling:
			if (!die->sibling && is_local_ref(form))
				die->sibling = ref;
			break;
		case DW_AT_abstract_origin:
			if (!origin)
				origin = ref ? ref : UINT64_MAX;
			break;
		case DW_AT_specification:
			if (!specification)
				specification = ref ? ref : UINT64_MAX;
			break;
		default:
			break;
		}
	}
	/* dwarf_attr_integrate: the name of what this DIE completes, when it has none. */
	if (!have_name)
		die->origin = origin ? origin : specification;
	die->children = p;
	return true;
bad:
	u->bad = p;
	return false;
}

/*
 * dwarf_diename: the DIE's name, else (dwarf_attr_integrate) its abstract
 * origin's or specification's, up to 16 DIEs on.
 */
static bool die_name(struct unit *u, const struct die *die, const char **name)
{
	*name = die->name;
	uint64_t origin = die->origin;
	for (int chain = 16; !*name && origin && chain > 0; chain--) {
		uint64_t unit_size = (uint64_t)(u->end - u->start);
		if (origin == UINT64_MAX || origin >= unit_size)
			return true; /* libdw finds no DIE there: no name */
		struct die target;
		if (!read_die(u, u->start + origin, &target))
			return false;
		if (!target.abbrev)
			return true;
		*name = target.name;
		origin = target.origin;
	}
	return true;
}

enum walk { WALK_TOP, WALK_ENUMERATORS, WALK_NESTED };

static const uint8_t *walk(struct unit *u, const uint8_t *p, enum walk what, int depth,
			   uint64_t parent_offset);

/* Past the DIE (its children too): DW_AT_sibling, else the children read. */
static const uint8_t *next_sibling(struct unit *u, const struct die *die)
{
	if (!die->abbrev->children)
		return die->children;
	uint64_t here = (uint64_t)(die->children - u->start);
	if (die->sibling > here && die->sibling <= (uint64_t)(u->end - u->start))
		return u->start + die->sibling;
	/* No (usable) sibling attribute: step over the subtree. */
	const uint8_t *p = die->children;
	for (size_t depth = 1; depth;) {
		struct die child;
		if (p >= u->end || !read_die(u, p, &child))
			return NULL;
		if (!child.abbrev) {
			depth--;
			p = child.children;
			continue;
		}
		if (child.abbrev->children) {
			uint64_t at = (uint64_t)(child.children - u->start);
			if (child.sibling > at && child.sibling <= (uint64_t)(u->end - u->start))
				p = u->start + child.sibling;
			else {
				p = child.children;
				depth++;
			}
		} else {
			p = child.children;
		}
	}
	return p;
}

/* src/dwarf.c index_die, on a decoded DIE. False: bad bytes or no memory. */
static bool index_die(struct unit *u, const struct die *die, int depth)
{
	int tag = (int)die->abbrev->tag;
	int ns = kc_index_tag_ns(tag);
	if (!ns)
		return true;
	/* A struct declaration says nothing of its layout. */
	if (die->declaration && ns != NS_VARIABLE)
		return true;
	const char *name;
	if (!die_name(u, die, &name))
		return false;
	const struct kc_skim_index *index = u->index;
	bool first = !name || !index->contains(index->ctx, (unsigned)ns, name);
	if (tag == DW_TAG_enumeration_type && first && die->abbrev->children &&
	    !walk(u, die->children, WALK_ENUMERATORS, depth, die->offset))
		return false;
	if ((ns == NS_STRUCT || ns == NS_UNION) && name && first && die->abbrev->children &&
	    depth <= 8 && !walk(u, die->children, WALK_NESTED, depth, die->offset))
		return false;
	if (!name)
		return true;
	if (!index->add(index->ctx, (unsigned)ns, name, die->offset, 0,
			die->declaration ? INDEX_DECLARATION : 0)) {
		u->nomem = true;
		return false;
	}
	return true;
}

/*
 * The DIEs from P to their parent's end: at the unit's top, every one;
 * in an enum, its enumerators; in a struct, the types nested in it. The
 * position after the terminating null entry, or NULL on failure.
 */
static const uint8_t *walk(struct unit *u, const uint8_t *p, enum walk what, int depth,
			   uint64_t parent_offset)
{
	for (;;) {
		struct die die;
		if (p >= u->end) /* the unit may end without its last null entries */
			return u->end;
		if (!read_die(u, p, &die))
			return NULL;
		if (!die.abbrev)
			return die.children;
		int tag = (int)die.abbrev->tag;
		if (what == WALK_TOP) {
			if (!index_die(u, &die, depth))
				return NULL;
		} else if (what == WALK_NESTED) {
			if ((tag == DW_TAG_enumeration_type || tag == DW_TAG_structure_type ||
			     tag == DW_TAG_union_type) &&
			    !index_die(u, &die, depth + 1))
				return NULL;
		} else if (tag == DW_TAG_enumerator) {
			const char *name;
			if (!die_name(u, &die, &name))
				return NULL;
			uint64_t delta = die.offset - parent_offset;
			if (name && delta <= UINT32_MAX &&
			    !u->index->add(u->index->ctx, NS_ENUMERATOR, name, die.offset,
					   (uint32_t)delta, 0)) {
				u->nomem = true;
				return NULL;
			}
		}
		p = next_sibling(u, &die);
		if (!p)
			return NULL;
	}
}

enum kc_skim_result kc_skim_unit(struct kc_skimmer *skimmer, const struct kc_skim_sections *sec,
				 uint64_t unit_offset, const struct kc_skim_index *index,
				 uint64_t *error_offset)
{
	*error_offset = unit_offset;
	/* Strings are read in place: each section must end in a NUL. */
	if (!sec->info || !sec->abbrev || unit_offset >= sec->info_size ||
	    (sec->str_size && sec->str[sec->str_size - 1]) ||
	    (sec->line_str_size && sec->line_str[sec->line_str_size - 1]))
		return KC_SKIM_UNSUPPORTED;
	struct unit u = {.sec = sec, .skimmer = skimmer, .index = index,
			 .start = sec->info + unit_offset};
	const uint8_t *p = u.start, *section_end = sec->info + sec->info_size;
	if (section_end - p < 11)
		return KC_SKIM_UNSUPPORTED;
	uint64_t length = read_le(p, 4);
	p += 4;
	u.offset_size = 4;
	if (length == 0xffffffff) {
		if (section_end - p < 8 + 2)
			return KC_SKIM_UNSUPPORTED;
		length = read_le(p, 8);
		p += 8;
		u.offset_size = 8;
	}
	if (length > (uint64_t)(section_end - p))
		return KC_SKIM_UNSUPPORTED;
	u.end = p + length;
	if (u.end - p < 2)
		return KC_SKIM_UNSUPPORTED;
	u.version = (unsigned)read_le(p, 2);
	p += 2;
	uint64_t abbrev_offset;
	if (u.version >= 2 && u.version <= 4) {
		if ((size_t)(u.end - p) < u.offset_size + 1)
			return KC_SKIM_UNSUPPORTED;
		abbrev_offset = read_le(p, u.offset_size);
		p += u.offset_size;
		u.addr_size = *p++;
	} else if (u.version == 5) {
		if ((size_t)(u.end - p) < u.offset_size + 2)
			return KC_SKIM_UNSUPPORTED;
		uint8_t unit_type = *p++;
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			return KC_SKIM_UNSUPPORTED;
		u.addr_size = *p++;
		abbrev_offset = read_le(p, u.offset_size);
		p += u.offset_size;
	} else {
		return KC_SKIM_UNSUPPORTED;
	}
	if (u.addr_size != 4 && u.addr_size != 8)
		return KC_SKIM_UNSUPPORTED;
	bool nomem = false;
	if (!parse_abbrevs(skimmer, sec, abbrev_offset, &u.nr_abbrevs, &nomem))
		return nomem ? KC_SKIM_NOMEM : KC_SKIM_UNSUPPORTED;
	/* The unit's own DIE, then its children: the top level. */
	struct die cu;
	if (!read_die(&u, p, &cu) || !cu.abbrev) {
		*error_offset = (uint64_t)(p - sec->info);
		return KC_SKIM_UNSUPPORTED;
	}
	if (!cu.abbrev->children)
		return KC_SKIM_DONE;
	if (!walk(&u, cu.children, WALK_TOP, 0, cu.offset)) {
		if (u.nomem)
			return KC_SKIM_NOMEM;
		*error_offset = (uint64_t)((u.bad ? u.bad : u.start) - sec->info);
		return KC_SKIM_CORRUPT;
	}
	return KC_SKIM_DONE;
}
