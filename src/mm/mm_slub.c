// SPDX-License-Identifier: MIT
/*
 * SLUB caches, slabs and objects (include/kcrash/mm_slub.h), for the
 * layouts of v5.10 (slab fields in struct page, kmem_cache_cpu.page) and
 * v5.17+ (struct slab, kmem_cache_cpu.slab).
 */
#include "mm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bound on per-CPU partial chains and node lists (slabs). */
#define SLAB_LIST_MAX (1u << 20)

struct bitfield {
	uint64_t byte;     /* offset of the 4-byte word holding it */
	unsigned shift, width;
};

struct slub_layout {
	const char *slab_type;     /* "struct slab" (v5.17+) or "struct page" */
	uint64_t slab_cache, slab_freelist, slab_list, slab_next;
	struct bitfield inuse, objects;
	uint64_t c_cpu_slab, c_flags, c_size, c_object_size, c_offset, c_oo, c_red_left_pad,
		c_name, c_list, c_node, c_random;
	uint64_t cpu_freelist, cpu_slab, cpu_partial;
	uint64_t n_nr_partial, n_partial, n_nr_slabs, n_total_objects, n_full;
	uint64_t page_shift;
	enum kc_slub_freelist_encoding encoding;
};

static struct kc_error *bitfield(struct kc_session *session, const char *type,
				 const char *member, struct bitfield *ret)
{
	struct kc_type t;
	struct kc_member m;
	struct kc_error *err = kc_kernel_type(session, type, &t);
	if (!err)
		err = kc_type_member(&t, member, &m);
	if (err)
		return err;
	uint64_t bits = m.bit_size ? m.bit_size : 16;
	ret->byte = (m.bit_offset / 32) * 4;
	ret->shift = (unsigned)(m.bit_offset % 32);
	ret->width = (unsigned)bits;
	if (ret->shift + ret->width > 32)
		return kc_error_create(KC_ERR_UNSUPPORTED, "%s.%s straddles a word", type, member);
	return NULL;
}

static struct kc_error *slub_layout(struct kc_session *session, struct slub_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->slab_type = kc_kernel_has_member(session, "struct slab", "slab_cache") ? "struct slab"
										  : "struct page";
	struct {
		uint64_t *field;
		const char *type, *member;
		bool optional;
	} fields[] = {
		{&l->slab_cache, l->slab_type, "slab_cache", false},
		{&l->slab_freelist, l->slab_type, "freelist", false},
		{&l->slab_list, l->slab_type, "slab_list", false},
		{&l->slab_next, l->slab_type, "next", true},
		{&l->c_cpu_slab, "struct kmem_cache", "cpu_slab", false},
		{&l->c_flags, "struct kmem_cache", "flags", false},
		{&l->c_size, "struct kmem_cache", "size", false},
		{&l->c_object_size, "struct kmem_cache", "object_size", false},
		{&l->c_offset, "struct kmem_cache", "offset", false},
		{&l->c_oo, "struct kmem_cache", "oo", false},
		{&l->c_red_left_pad, "struct kmem_cache", "red_left_pad", true},
		{&l->c_name, "struct kmem_cache", "name", false},
		{&l->c_list, "struct kmem_cache", "list", false},
		{&l->c_node, "struct kmem_cache", "node", false},
		{&l->c_random, "struct kmem_cache", "random", true},
		{&l->cpu_freelist, "struct kmem_cache_cpu", "freelist", false},
		{&l->cpu_slab, "struct kmem_cache_cpu",
		 kc_kernel_has_member(session, "struct kmem_cache_cpu", "slab") ? "slab" : "page", false},
		{&l->cpu_partial, "struct kmem_cache_cpu", "partial", true},
		{&l->n_nr_partial, "struct kmem_cache_node", "nr_partial", false},
		{&l->n_partial, "struct kmem_cache_node", "partial", false},
		{&l->n_nr_slabs, "struct kmem_cache_node", "nr_slabs", true},
		{&l->n_total_objects, "struct kmem_cache_node", "total_objects", true},
		{&l->n_full, "struct kmem_cache_node", "full", true},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		*fields[i].field = kc_mm_offset_or_none(session, fields[i].type, fields[i].member);
		if (*fields[i].field == UINT64_MAX && !fields[i].optional)
			return kc_error_create(KC_ERR_LOOKUP,
					       "%s has no member %s: not a SLUB kernel the layouts know",
					       fields[i].type, fields[i].member);
	}
	struct kc_error *err = bitfield(session, l->slab_type, "inuse", &l->inuse);
	if (!err)
		err = bitfield(session, l->slab_type, "objects", &l->objects);
	if (err)
		return err;
	struct kc_mm_model model;
	err = kc_mm_model(session, &model);
	if (err)
		return err;
	l->page_shift = model.page_shift;
	if (l->c_random == UINT64_MAX) {
		l->encoding = KC_SLUB_FREELIST_PLAIN;
	} else {
		/* swab(ptr_addr) since v5.7 (mm/slub.c freelist_ptr). */
		const struct kc_arm64_layout *layout = kc_mm_layout(session);
		bool old = layout && layout->version[0] &&
			   (layout->version[0] < 5 || (layout->version[0] == 5 && layout->version[1] < 7));
		l->encoding = old ? KC_SLUB_FREELIST_XOR : KC_SLUB_FREELIST_XOR_SWAB;
	}
	return NULL;
}

static unsigned get_bits(const uint8_t *word, const struct bitfield *f)
{
	uint32_t v = (uint32_t)kc_mm_get_uint(word + f->byte, 4);
	return (unsigned)((v >> f->shift) & ((f->width >= 32) ? 0xffffffffu : ((1u << f->width) - 1)));
}

/* A slab's inuse and objects counts, and its freelist. */
static struct kc_error *read_slab(struct kc_session *session, const struct slub_layout *l,
				  uint64_t slab, unsigned *inuse, unsigned *objects,
				  uint64_t *freelist)
{
	uint8_t buf[64];
	uint64_t base = l->inuse.byte < l->objects.byte ? l->inuse.byte : l->objects.byte;
	uint64_t end = (l->inuse.byte > l->objects.byte ? l->inuse.byte : l->objects.byte) + 4;
	struct kc_error *err = kc_kernel_read(session, slab + base, buf, end - base);
	if (err)
		return kc_error_prefix(err, "slab 0x%llx", (unsigned long long)slab);
	struct bitfield fi = l->inuse, fo = l->objects;
	fi.byte -= base;
	fo.byte -= base;
	*inuse = get_bits(buf, &fi);
	*objects = get_bits(buf, &fo);
	if (freelist) {
		err = kc_kernel_read_u64(session, slab + l->slab_freelist, freelist);
		if (err)
			return kc_error_prefix(err, "slab 0x%llx", (unsigned long long)slab);
	}
	return NULL;
}

static struct kc_error *read_cache(struct kc_session *session, const struct slub_layout *l,
				   uint64_t addr, struct kc_slub_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->addr = addr;
	uint64_t name, oo = 0, v = 0;
	struct kc_error *err = kc_kernel_read_u64(session, addr + l->c_name, &name);
	if (!err && !kc_mm_ok(kc_kernel_read_string(session, name, c->name, sizeof(c->name))))
		snprintf(c->name, sizeof(c->name), "(unknown)");
	if (!err)
		err = kc_kernel_read_u64(session, addr + l->c_flags, &c->flags);
	if (!err)
		err = kc_mm_read_uint(session, addr + l->c_size, 4, &v);
	c->size = (unsigned)v;
	if (!err)
		err = kc_mm_read_uint(session, addr + l->c_object_size, 4, &v);
	c->object_size = (unsigned)v;
	if (!err)
		err = kc_mm_read_uint(session, addr + l->c_offset, 4, &v);
	c->offset = (unsigned)v;
	/* struct kmem_cache_order_objects: order << OO_SHIFT | objects, OO_SHIFT 16 (mm/slub.c). */
	if (!err)
		err = kc_mm_read_uint(session, addr + l->c_oo, 4, &oo);
	c->objects_per_slab = (unsigned)(oo & 0xffff);
	c->order = (unsigned)(oo >> 16);
	if (!err && l->c_red_left_pad != UINT64_MAX) {
		err = kc_mm_read_uint(session, addr + l->c_red_left_pad, 4, &v);
		c->red_left_pad = (unsigned)v;
	}
	if (!err && l->c_random != UINT64_MAX)
		err = kc_kernel_read_u64(session, addr + l->c_random, &c->random);
	if (err)
		return kc_error_prefix(err, "kmem_cache 0x%llx", (unsigned long long)addr);
	if (c->order > 20)
		return kc_error_address(KC_ERR_FORMAT, addr, "kmem_cache 0x%llx: slab order %u",
					(unsigned long long)addr, c->order);
	c->slab_size = UINT64_C(1) << (l->page_shift + c->order);
	c->encoding = l->encoding;
	return NULL;
}

/* The linear-map address of a slab's memory. */
static struct kc_error *slab_base(struct kc_session *session, uint64_t slab, uint64_t *base)
{
	uint64_t pfn;
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_mm_page_to_pfn(session, slab, &pfn);
	if (!err)
		err = kc_session_mmu(session, &mmu);
	if (!err)
		err = kc_arm64_ptov(mmu, pfn << kc_arm64_mmu_geometry(mmu)->page_shift, base);
	return err;
}

struct walk_counter {
	unsigned count;
	bool *is_free;
	bool *is_cpu_free;
	bool cpu;
	uint64_t first, size;
};

static struct kc_error *count_free(void *ctx, uint64_t obj)
{
	struct walk_counter *c = ctx;
	c->count++;
	if (c->is_free) {
		uint64_t i = (obj - c->first) / c->size;
		c->is_free[i] = true;
		if (c->cpu)
			c->is_cpu_free[i] = true;
	}
	return NULL;
}

/* Walk a freelist of the slab at SLAB (OBJECTS objects) of cache C. */
static struct kc_error *walk_freelist(struct kc_session *session, const struct kc_slub_cache *c,
				      uint64_t slab, unsigned objects, uint64_t head,
				      struct walk_counter *counter)
{
	struct kc_slub_freelist_params p = {
		.encoding = c->encoding, .random = c->random, .offset = c->offset,
		.size = c->size, .red_left_pad = c->red_left_pad, .objects = objects,
	};
	struct kc_error *err = slab_base(session, slab, &p.base);
	if (err)
		return err;
	counter->first = p.base + p.red_left_pad;
	counter->size = c->size;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_slub_walk_freelist_read(&mem, &p, head, count_free, counter);
}

struct kc_error *kc_slub_cache_cpu(struct kc_session *session,
				   const struct kc_slub_cache *cache, unsigned cpu,
				   uint64_t *addr)
{
	struct slub_layout l;
	uint64_t pcpu;
	struct kc_error *err = slub_layout(session, &l);
	if (!err)
		err = kc_kernel_read_u64(session, cache->addr + l.c_cpu_slab, &pcpu);
	if (!err)
		err = kc_kernel_percpu(session, pcpu, cpu, addr);
	return err;
}

struct kc_error *kc_slub_cache_nodes(struct kc_session *session,
				     const struct kc_slub_cache *cache,
				     struct kc_slub_node **nodes, size_t *n)
{
	*nodes = NULL;
	*n = 0;
	struct slub_layout l;
	struct kc_mm_node *mm_nodes;
	size_t nr;
	struct kc_error *err = slub_layout(session, &l);
	if (!err)
		err = kc_mm_nodes(session, &mm_nodes, &nr);
	if (err)
		return err;
	*nodes = calloc(nr + 1, sizeof(**nodes));
	if (!*nodes) {
		free(mm_nodes);
		return &kc_error_nomem;
	}
	for (size_t i = 0; i < nr && !err; i++) {
		struct kc_slub_node *node = &(*nodes)[(*n)++];
		node->node = mm_nodes[i].id;
		err = kc_kernel_read_u64(session, cache->addr + l.c_node + 8ull * (uint64_t)node->node,
					 &node->addr);
		if (err || !node->addr)
			continue;
		err = kc_kernel_read_u64(session, node->addr + l.n_nr_partial, &node->nr_partial);
		if (!err && l.n_nr_slabs != UINT64_MAX)
			err = kc_kernel_read_u64(session, node->addr + l.n_nr_slabs, &node->nr_slabs);
		if (!err && l.n_total_objects != UINT64_MAX)
			err = kc_kernel_read_u64(session, node->addr + l.n_total_objects,
						 &node->total_objects);
		if (err)
			err = kc_error_prefix(err, "%s: kmem_cache_node 0x%llx", cache->name,
					      (unsigned long long)node->addr);
	}
	free(mm_nodes);
	if (err) {
		free(*nodes);
		*nodes = NULL;
		*n = 0;
	}
	return err;
}

/* Per-CPU partial chain: slab->next (CONFIG_SLUB_CPU_PARTIAL), bounded. */
typedef struct kc_error *(*slab_fn)(void *ctx, uint64_t slab);

static struct kc_error *for_each_cpu_partial(struct kc_session *session, const struct slub_layout *l,
					     uint64_t cpu_addr, slab_fn fn, void *ctx)
{
	if (l->cpu_partial == UINT64_MAX || l->slab_next == UINT64_MAX)
		return NULL;
	uint64_t slab;
	struct kc_error *err = kc_kernel_read_u64(session, cpu_addr + l->cpu_partial, &slab);
	for (unsigned i = 0; !err && slab; i++) {
		if (i >= 4096)
			return kc_error_address(KC_ERR_FORMAT, slab,
						"per-CPU partial chain at 0x%llx longer than 4096 slabs (a cycle?)",
						(unsigned long long)cpu_addr);
		err = fn(ctx, slab);
		if (!err)
			err = kc_kernel_read_u64(session, slab + l->slab_next, &slab);
	}
	return err;
}

struct list_fn_ctx {
	slab_fn fn;
	void *ctx;
	uint64_t list_off;
};

static struct kc_error *visit_list_slab(void *ctx, uint64_t node)
{
	struct list_fn_ctx *c = ctx;
	return c->fn(c->ctx, node - c->list_off);
}

/* Counting (crash's get_kmem_cache_slub_data). */
struct counting {
	struct kc_session *session;
	const struct slub_layout *l;
	struct kc_slub_cache *c;
	uint64_t free, partial_free;
};

static struct kc_error *count_slab_free(void *ctx, uint64_t slab)
{
	struct counting *k = ctx;
	unsigned inuse = 0, objects = 0;
	struct kc_error *err = read_slab(k->session, k->l, slab, &inuse, &objects, NULL);
	if (err)
		return err;
	if (inuse > objects)
		return kc_error_address(KC_ERR_FORMAT, slab, "slab 0x%llx: inuse %u > objects %u",
					(unsigned long long)slab, inuse, objects);
	k->free += objects - inuse;
	return NULL;
}

static struct kc_error *count_partial_free(void *ctx, uint64_t slab)
{
	struct counting *k = ctx;
	uint64_t before = k->free;
	struct kc_error *err = count_slab_free(ctx, slab);
	k->partial_free += k->free - before;
	return err;
}

static struct kc_error *count_cache(struct kc_session *session, const struct slub_layout *l,
				    struct kc_slub_cache *c)
{
	if (l->n_nr_slabs == UINT64_MAX || l->n_total_objects == UINT64_MAX)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "kmem_cache_node has no nr_slabs: the kernel lacks CONFIG_SLUB_DEBUG");
	struct kc_slub_node *nodes;
	size_t nr_nodes;
	struct kc_error *err = kc_slub_cache_nodes(session, c, &nodes, &nr_nodes);
	if (err)
		return err;
	struct counting k = {session, l, c, 0, 0};
	uint64_t slabs = 0;
	uint64_t per_cpu_slabs[1024] = {0};
	unsigned cpus = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < cpus && !err; cpu++) {
		uint64_t cpu_addr, slab, freelist;
		err = kc_slub_cache_cpu(session, c, cpu, &cpu_addr);
		if (!err)
			err = kc_kernel_read_u64(session, cpu_addr + l->cpu_slab, &slab);
		if (!err)
			err = kc_kernel_read_u64(session, cpu_addr + l->cpu_freelist, &freelist);
		if (err || !slab)
			continue;
		unsigned inuse, objects;
		err = read_slab(session, l, slab, &inuse, &objects, NULL);
		if (err)
			break;
		struct kc_mm_page page;
		err = kc_mm_read_page(session, slab, &page);
		if (err)
			break;
		if (page.node < 1024)
			per_cpu_slabs[page.node]++;
		slabs++;
		k.free += objects > inuse ? objects - inuse : 0;
		struct walk_counter counter = {0};
		err = walk_freelist(session, c, slab, objects, freelist, &counter);
		k.free += counter.count;
		if (!err)
			err = for_each_cpu_partial(session, l, cpu_addr, count_slab_free, &k);
		if (err)
			err = kc_error_prefix(err, "CPU %u", cpu);
	}
	for (size_t i = 0; i < nr_nodes && !err; i++) {
		if (!nodes[i].addr)
			continue;
		struct list_fn_ctx lc = {count_partial_free, &k, l->slab_list};
		err = kc_walk_list(session, nodes[i].addr + l->n_partial, false, SLAB_LIST_MAX,
				   visit_list_slab, &lc);
		if (err) {
			err = kc_error_prefix(err, "node %d partial list", nodes[i].node);
			break;
		}
		uint64_t on_cpu = nodes[i].node >= 0 && nodes[i].node < 1024 ? per_cpu_slabs[nodes[i].node] : 0;
		slabs += nodes[i].nr_partial;
		uint64_t full = nodes[i].nr_slabs - on_cpu - nodes[i].nr_partial;
		if (nodes[i].nr_slabs >= on_cpu + nodes[i].nr_partial)
			slabs += full;
		c->total += nodes[i].total_objects;
		c->node_slabs += nodes[i].nr_slabs;
	}
	free(nodes);
	if (err)
		return err;
	c->free = k.free;
	c->partial_free = k.partial_free;
	c->allocated = c->total >= k.free ? c->total - k.free : 0;
	c->slabs = slabs;
	c->counted = true;
	return NULL;
}

/* slab_caches without its symbol: the list through any cache, whose one
 * member in the kernel image is the head. A cache comes from a slab page. */
static struct kc_error *find_slab_caches(struct kc_session *session, const struct slub_layout *l,
					 uint64_t *head)
{
	const struct kc_arm64_layout *layout = kc_mm_layout(session);
	struct kc_mm_section *sections;
	size_t nr;
	unsigned slab_bit;
	struct kc_error *err = kc_mm_sections(session, &sections, &nr);
	if (err)
		return err;
	err = kc_mm_page_flag_bit(session, "PG_slab", &slab_bit);
	if (err) {
		free(sections);
		return err;
	}
	uint64_t cache = 0;
	struct kc_mm_model model;
	err = kc_mm_model(session, &model);
	for (size_t s = 0; !err && s < nr && !cache; s++) {
		for (uint64_t i = 0; i < 65536 && !cache; i++) {
			uint64_t page = sections[s].mem_map + i * model.page_struct_size, flags;
			if (!kc_mm_ok(kc_kernel_read_u64(session, page, &flags)))
				break;
			if (!(flags & (UINT64_C(1) << slab_bit)))
				continue;
			uint64_t c;
			if (kc_mm_ok(kc_kernel_read_u64(session, page + l->slab_cache, &c)) && c)
				cache = c;
		}
	}
	free(sections);
	if (err)
		return err;
	if (!cache || !layout)
		return kc_error_create(KC_ERR_LOOKUP,
				       "slab_caches is no known symbol and no slab page was found in mem_map");
	uint64_t node = cache + l->c_list, found = 0;
	for (unsigned i = 0; i < 65536; i++) {
		/* Caches are slab objects in the linear map; the head is not. */
		if (kc_arm64_layout_classify(layout, node) != KC_ARM64_REGION_LINEAR) {
			found = node;
			break;
		}
		err = kc_kernel_read_u64(session, node, &node);
		if (err)
			return kc_error_prefix(err, "kmem_cache list from 0x%llx", (unsigned long long)cache);
	}
	if (!found)
		return kc_error_create(KC_ERR_LOOKUP,
				       "the kmem_cache list of 0x%llx has no head outside the linear map",
				       (unsigned long long)cache);
	*head = found;
	return NULL;
}

struct cache_walk {
	struct kc_session *session;
	const struct slub_layout *l;
	struct kc_slub_cache *caches;
	size_t n, cap;
};

static struct kc_error *visit_cache(void *ctx, uint64_t node)
{
	struct cache_walk *w = ctx;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 128;
		struct kc_slub_cache *grown = realloc(w->caches, cap * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		w->caches = grown;
		w->cap = cap;
	}
	struct kc_slub_cache *c = &w->caches[w->n];
	struct kc_error *err = read_cache(w->session, w->l, node - w->l->c_list, c);
	if (err)
		return err;
	w->n++;
	err = count_cache(w->session, w->l, c);
	if (err) {
		c->counted = false;
		snprintf(c->count_error, sizeof(c->count_error), "%s", kc_error_message(err));
		if (err->code == KC_ERR_INTERRUPTED)
			return err;
		kc_error_destroy(err);
	}
	return NULL;
}

struct kc_error *kc_slub_caches(struct kc_session *session,
				struct kc_slub_cache **caches, size_t *n)
{
	*caches = NULL;
	*n = 0;
	struct slub_layout l;
	struct kc_error *err = slub_layout(session, &l);
	if (err)
		return err;
	uint64_t head;
	err = kc_mm_global(session, "slab_caches", &head);
	if (err) {
		kc_error_destroy(err);
		err = find_slab_caches(session, &l, &head);
		if (err)
			return err;
	}
	struct cache_walk w = {session, &l, NULL, 0, 0};
	err = kc_walk_list(session, head, false, 1u << 16, visit_cache, &w);
	*caches = w.caches;
	*n = w.n;
	return err;
}

/* ---- slabs and objects ---- */

struct slab_visit {
	struct kc_session *session;
	const struct slub_layout *l;
	const struct kc_slub_cache *c;
	kc_slub_slab_visit_fn visit;
	void *ctx;
	enum kc_slub_slab_kind kind;
	int cpu;
	uint64_t cpu_freelist;
};

/* Fill SLAB's object states; an unwalkable freelist is noted in slab->error. */
static struct kc_error *describe_slab(struct kc_session *session, const struct slub_layout *l,
				      const struct kc_slub_cache *c, uint64_t addr,
				      uint64_t cpu_freelist, bool on_cpu,
				      struct kc_slub_slab *slab)
{
	uint64_t freelist;
	struct kc_error *err = read_slab(session, l, addr, &slab->inuse, &slab->objects, &freelist);
	if (err)
		return err;
	slab->slab = addr;
	err = slab_base(session, addr, &slab->base);
	if (err)
		return err;
	struct kc_mm_page page;
	err = kc_mm_read_page(session, addr, &page);
	if (err)
		return err;
	slab->node = (int)page.node;
	unsigned objects = slab->objects ? slab->objects : 1;
	slab->is_free = calloc(objects, sizeof(bool));
	slab->is_cpu_free = calloc(objects, sizeof(bool));
	if (!slab->is_free || !slab->is_cpu_free)
		return &kc_error_nomem;
	struct walk_counter counter = {.is_free = slab->is_free, .is_cpu_free = slab->is_cpu_free};
	if (slab->objects) {
		err = walk_freelist(session, c, addr, slab->objects, freelist, &counter);
		if (!err && on_cpu) {
			counter.cpu = true;
			err = walk_freelist(session, c, addr, slab->objects, cpu_freelist, &counter);
		}
	}
	if (err) {
		snprintf(slab->error, sizeof(slab->error), "%s", kc_error_message(err));
		kc_error_destroy(err);
	}
	slab->nr_free = 0;
	for (unsigned i = 0; i < slab->objects; i++)
		slab->nr_free += slab->is_free[i];
	if (!slab->error[0])
		slab->inuse = slab->objects - slab->nr_free;
	return NULL;
}

static struct kc_error *visit_one_slab(void *ctx, uint64_t addr)
{
	struct slab_visit *v = ctx;
	struct kc_slub_slab slab = {.kind = v->kind, .cpu = v->cpu};
	struct kc_error *err = describe_slab(v->session, v->l, v->c, addr, v->cpu_freelist,
					     v->kind == KC_SLUB_CPU_SLAB, &slab);
	if (!err)
		err = v->visit(v->ctx, &slab);
	free(slab.is_free);
	free(slab.is_cpu_free);
	return err;
}

struct kc_error *kc_slub_for_each_slab(struct kc_session *session,
				       const struct kc_slub_cache *cache,
				       kc_slub_slab_visit_fn visit, void *ctx)
{
	struct slub_layout l;
	struct kc_error *err = slub_layout(session, &l);
	if (err)
		return err;
	struct slab_visit v = {session, &l, cache, visit, ctx, KC_SLUB_CPU_SLAB, -1, 0};
	unsigned cpus = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < cpus && !err; cpu++) {
		uint64_t cpu_addr, slab;
		err = kc_slub_cache_cpu(session, cache, cpu, &cpu_addr);
		if (!err)
			err = kc_kernel_read_u64(session, cpu_addr + l.cpu_slab, &slab);
		if (!err)
			err = kc_kernel_read_u64(session, cpu_addr + l.cpu_freelist, &v.cpu_freelist);
		if (err)
			break;
		v.cpu = (int)cpu;
		v.kind = KC_SLUB_CPU_SLAB;
		if (slab)
			err = visit_one_slab(&v, slab);
		v.kind = KC_SLUB_CPU_PARTIAL;
		if (!err)
			err = for_each_cpu_partial(session, &l, cpu_addr, visit_one_slab, &v);
	}
	struct kc_slub_node *nodes = NULL;
	size_t nr_nodes = 0;
	if (!err)
		err = kc_slub_cache_nodes(session, cache, &nodes, &nr_nodes);
	v.cpu = -1;
	for (size_t i = 0; i < nr_nodes && !err; i++) {
		if (!nodes[i].addr)
			continue;
		struct list_fn_ctx lc = {visit_one_slab, &v, l.slab_list};
		v.kind = KC_SLUB_NODE_PARTIAL;
		err = kc_walk_list(session, nodes[i].addr + l.n_partial, false, SLAB_LIST_MAX,
				   visit_list_slab, &lc);
		if (!err && l.n_full != UINT64_MAX) {
			v.kind = KC_SLUB_NODE_FULL;
			err = kc_walk_list(session, nodes[i].addr + l.n_full, false, SLAB_LIST_MAX,
					   visit_list_slab, &lc);
		}
	}
	free(nodes);
	if (err && err->code == KC_ERR_STOP) {
		kc_error_destroy(err);
		err = NULL;
	}
	return err;
}

/* Whether the head page HEAD is a slab: PG_slab to v6.9, page_type PGTY_slab since v6.10. */
static struct kc_error *page_is_slab(struct kc_session *session, const struct kc_mm_page *head,
				     bool *is_slab)
{
	unsigned bit;
	struct kc_error *err = kc_mm_page_flag_bit(session, "PG_slab", &bit);
	if (!err) {
		*is_slab = head->flags & (UINT64_C(1) << bit);
		return NULL;
	}
	int64_t pgty = kc_mm_enum_or(session, "PGTY_slab", -1);
	if (pgty < 0)
		return err;
	kc_error_destroy(err);
	/* include/linux/page-flags.h (v6.10+): the type in page_type's top byte. */
	*is_slab = ((uint32_t)head->mapcount >> 24) == (uint32_t)pgty;
	return NULL;
}

struct kc_error *kc_slub_find_object(struct kc_session *session, uint64_t vaddr,
				     struct kc_slub_object *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kc_arm64_mmu *mmu;
	uint64_t paddr, page_addr;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
	if (kc_arm64_layout_classify(layout, vaddr) != KC_ARM64_REGION_LINEAR)
		return kc_error_address(KC_ERR_LOOKUP, vaddr,
					"0x%llx is not in the linear map: not slab memory",
					(unsigned long long)vaddr);
	err = kc_arm64_linear_virt_to_phys(layout, vaddr, &paddr);
	if (!err)
		err = kc_mm_pfn_to_page(session, paddr >> kc_arm64_mmu_geometry(mmu)->page_shift,
					&page_addr);
	struct kc_mm_page page, head;
	if (!err)
		err = kc_mm_read_page(session, page_addr, &page);
	if (!err)
		err = kc_mm_read_page(session, page.compound_head, &head);
	if (err)
		return err;
	bool is_slab = false;
	err = page_is_slab(session, &head, &is_slab);
	if (err)
		return err;
	if (!is_slab)
		return kc_error_address(KC_ERR_LOOKUP, vaddr, "0x%llx is not slab memory (page 0x%llx)",
					(unsigned long long)vaddr, (unsigned long long)head.page);
	struct slub_layout l;
	uint64_t cache;
	err = slub_layout(session, &l);
	if (!err)
		err = kc_kernel_read_u64(session, head.page + l.slab_cache, &cache);
	if (!err)
		err = read_cache(session, &l, cache, &ret->cache);
	if (err)
		return err;
	err = count_cache(session, &l, &ret->cache);
	if (err) {
		snprintf(ret->cache.count_error, sizeof(ret->cache.count_error), "%s",
			 kc_error_message(err));
		kc_error_destroy(err);
	}
	/* Is it a CPU's slab? Its CPU freelist counts too. */
	uint64_t cpu_freelist = 0;
	int on_cpu = -1;
	unsigned cpus = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < cpus && on_cpu < 0; cpu++) {
		uint64_t cpu_addr, slab;
		if (!kc_mm_ok(kc_slub_cache_cpu(session, &ret->cache, cpu, &cpu_addr)) ||
		    !kc_mm_ok(kc_kernel_read_u64(session, cpu_addr + l.cpu_slab, &slab)))
			continue;
		if (slab == head.page &&
		    kc_mm_ok(kc_kernel_read_u64(session, cpu_addr + l.cpu_freelist, &cpu_freelist)))
			on_cpu = (int)cpu;
	}
	ret->slab.kind = on_cpu >= 0 ? KC_SLUB_CPU_SLAB : KC_SLUB_NODE_PARTIAL;
	ret->slab.cpu = on_cpu;
	err = describe_slab(session, &l, &ret->cache, head.page, cpu_freelist, on_cpu >= 0, &ret->slab);
	if (err) {
		kc_slub_object_free(ret);
		return err;
	}
	uint64_t first = ret->slab.base + ret->cache.red_left_pad;
	if (vaddr >= first && ret->cache.size &&
	    (vaddr - first) / ret->cache.size < ret->slab.objects) {
		ret->index = (unsigned)((vaddr - first) / ret->cache.size);
		ret->object = first + (uint64_t)ret->index * ret->cache.size;
		ret->is_free = ret->slab.is_free[ret->index];
		ret->on_cpu_freelist = ret->slab.is_cpu_free[ret->index];
	} else {
		ret->index = ret->slab.objects;  /* slab padding, no object */
	}
	return NULL;
}

void kc_slub_object_free(struct kc_slub_object *obj)
{
	free(obj->slab.is_free);
	free(obj->slab.is_cpu_free);
	obj->slab.is_free = obj->slab.is_cpu_free = NULL;
}
