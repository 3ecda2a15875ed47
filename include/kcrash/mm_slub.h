/* SPDX-License-Identifier: MIT */
/*
 * The SLUB allocator of the dump's kernel (v5.10 to v6.12): its caches
 * (the slab_caches list of struct kmem_cache), their slabs (struct slab
 * since v5.17, struct page before) on the per-CPU slabs, per-CPU partial
 * lists and per-node partial lists, and which objects of a slab are free.
 *
 * Free objects are chained through a pointer stored in each free object
 * at kmem_cache.offset. With CONFIG_SLAB_FREELIST_HARDENED (kmem_cache has
 * a member `random`) that pointer is stored encoded:
 *   v4.14..v5.6: ptr ^ s->random ^ ptr_addr        (mm/slub.c freelist_ptr)
 *   v5.7..v6.12: ptr ^ s->random ^ swab(ptr_addr)   (freelist_ptr, then
 *                freelist_ptr_decode since v6.6)
 * Every freelist walk is bounded by the slab's object count, takes only
 * pointers to object starts inside the slab, and stops at the first
 * repeated object, so a corrupt freelist gives an error naming the slab
 * and the bad pointer, never a loop.
 *
 * Two levels, as in walk.h: the session functions, and
 * kc_slub_walk_freelist_read() on a read callback (fuzzed by
 * tests/fuzz/fuzz_slub.c).
 */
#ifndef KCRASH_MM_SLUB_H
#define KCRASH_MM_SLUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/walk.h>

/* How a slab's freelist pointers are stored (see above). */
enum kc_slub_freelist_encoding {
	KC_SLUB_FREELIST_PLAIN,   /* no CONFIG_SLAB_FREELIST_HARDENED */
	KC_SLUB_FREELIST_XOR,     /* ptr ^ random ^ ptr_addr (v4.14..v5.6) */
	KC_SLUB_FREELIST_XOR_SWAB, /* ptr ^ random ^ swab(ptr_addr) (v5.7+) */
};

/* The free pointer stored at PTR_ADDR, decoded: the next free object or 0. */
uint64_t kc_slub_freelist_decode(enum kc_slub_freelist_encoding encoding,
				 uint64_t random, uint64_t stored, uint64_t ptr_addr);

/* What a freelist walk needs to know of the slab and its cache. */
struct kc_slub_freelist_params {
	enum kc_slub_freelist_encoding encoding;
	uint64_t random;        /* kmem_cache.random */
	uint64_t offset;        /* kmem_cache.offset: the free pointer in an object */
	uint64_t size;          /* kmem_cache.size: the object stride */
	uint64_t red_left_pad;  /* kmem_cache.red_left_pad (0 without red zones) */
	uint64_t base;          /* the slab's first byte (its page's address) */
	unsigned objects;       /* objects in the slab */
};

/*
 * Walk the freelist starting at HEAD (a raw pointer: slab->freelist or
 * kmem_cache_cpu.freelist, not encoded) through MEM: VISIT gets each free
 * object's address, as the freelist holds it (object start + red_left_pad).
 * A pointer outside the slab or not at an object, an unreadable free
 * pointer, a repeated object, or more objects than the slab has stops the
 * walk with an error naming the pointer. VISIT returns as for walk.h.
 */
struct kc_error *kc_slub_walk_freelist_read(const struct kc_walk_mem *mem,
					    const struct kc_slub_freelist_params *params,
					    uint64_t head, kc_list_visit_fn visit,
					    void *ctx);

/* A cache: struct kmem_cache and the counts crash's kmem -s prints. */
struct kc_slub_cache {
	uint64_t addr;            /* struct kmem_cache */
	char name[64];
	uint64_t flags;           /* slab_flags_t */
	unsigned object_size;     /* kmem_cache.object_size (crash's OBJSIZE) */
	unsigned size;            /* kmem_cache.size: object stride */
	unsigned offset;          /* free pointer offset in an object */
	unsigned red_left_pad;
	unsigned objects_per_slab; /* oo's objects */
	unsigned order;           /* oo's order */
	uint64_t slab_size;       /* PAGE_SIZE << order (crash's SSIZE) */
	uint64_t random;          /* kmem_cache.random (0 without hardening) */
	enum kc_slub_freelist_encoding encoding;
	/*
	 * Counts, as crash 8.0.6's get_kmem_cache_slub_data gathers them:
	 * TOTAL the kmem_cache_node total_objects summed over nodes; FREE the
	 * free objects of the per-CPU slabs (their freelists and page counts),
	 * the per-CPU partial slabs and the node partial slabs; ALLOCATED =
	 * TOTAL - FREE; SLABS the per-CPU slabs, node partial slabs and the
	 * full slabs nr_slabs implies. PARTIAL_FREE is the free objects of the
	 * node partial lists alone: /proc/slabinfo's active_objs is TOTAL -
	 * PARTIAL_FREE (mm/slub.c get_slabinfo, count_partial).
	 */
	bool counted;             /* false: COUNT_ERROR says why */
	char count_error[160];
	uint64_t total, free, allocated, slabs, partial_free, node_slabs;
};

/*
 * Every cache on slab_caches, in list order, counted. The list head is
 * the symbol slab_caches; a kernel without it in kallsyms (no
 * CONFIG_KALLSYMS_ALL) has it found from the first slab page of mem_map:
 * its slab_cache's list, whose one member in the kernel image is the
 * head. *CACHES is malloc'd (free()). A cache whose counts cannot be
 * gathered is listed with counted false.
 */
struct kc_error *kc_slub_caches(struct kc_session *session,
				struct kc_slub_cache **caches, size_t *n);

/* Where a slab was found. */
enum kc_slub_slab_kind {
	KC_SLUB_CPU_SLAB,      /* kmem_cache_cpu.slab (.page before v5.17) */
	KC_SLUB_CPU_PARTIAL,   /* kmem_cache_cpu.partial chain (CONFIG_SLUB_CPU_PARTIAL) */
	KC_SLUB_NODE_PARTIAL,  /* kmem_cache_node.partial */
	KC_SLUB_NODE_FULL,     /* kmem_cache_node.full (debug caches only) */
};

/* One slab and its objects' states. */
struct kc_slub_slab {
	uint64_t slab;          /* struct slab (or struct page) address */
	uint64_t base;          /* its memory: the linear-map address of its first page */
	enum kc_slub_slab_kind kind;
	int cpu;                /* for the CPU kinds, else -1 */
	int node;
	unsigned objects;       /* slab->objects */
	unsigned inuse;         /* allocated objects, after the freelists were walked */
	unsigned nr_free;
	/* Per object (OBJECTS entries): free, and free on the CPU freelist. */
	bool *is_free;
	bool *is_cpu_free;
	char error[160];        /* a freelist that could not be walked; "" when fine */
};

/*
 * Visit each slab of CACHE: per CPU its slab and partial chain, then per
 * node its partial list (and full list where the kernel tracks it),
 * bounded and cycle-checked. The slab passed to VISIT is valid during the
 * call only. VISIT returns as for walk.h.
 */
typedef struct kc_error *(*kc_slub_slab_visit_fn)(void *ctx, const struct kc_slub_slab *slab);
struct kc_error *kc_slub_for_each_slab(struct kc_session *session,
				       const struct kc_slub_cache *cache,
				       kc_slub_slab_visit_fn visit, void *ctx);

/* The per-CPU kmem_cache_cpu address of CACHE on CPU. */
struct kc_error *kc_slub_cache_cpu(struct kc_session *session,
				   const struct kc_slub_cache *cache, unsigned cpu,
				   uint64_t *addr);

/* A node's struct kmem_cache_node of CACHE (0 when it has none) and its counts. */
struct kc_slub_node {
	int node;
	uint64_t addr;
	uint64_t nr_slabs, nr_partial, total_objects;
};
struct kc_error *kc_slub_cache_nodes(struct kc_session *session,
				     const struct kc_slub_cache *cache,
				     struct kc_slub_node **nodes, size_t *n);

/* An address inside a slab: its cache, slab, object and state. */
struct kc_slub_object {
	struct kc_slub_cache cache;
	struct kc_slub_slab slab;  /* is_free arrays owned by the caller: kc_slub_object_free() */
	uint64_t object;           /* the object's start */
	unsigned index;
	bool is_free;
	bool on_cpu_freelist;
};

/*
 * Whether VADDR lies in a slab page (PG_slab on its compound head) and if
 * so which object: KC_ERR_LOOKUP when it is not slab memory.
 */
struct kc_error *kc_slub_find_object(struct kc_session *session, uint64_t vaddr,
				     struct kc_slub_object *ret);
/* Free what kc_slub_find_object allocated in RET. */
void kc_slub_object_free(struct kc_slub_object *obj);

#endif
