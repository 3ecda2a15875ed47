/* SPDX-License-Identifier: MIT */
/*
 * Physical memory management of the dump's kernel (arm64,
 * SPARSEMEM_VMEMMAP): struct page and its flags, memory sections, nodes
 * and zones with their buddy free lists, the vm_stat counters, huge page
 * pools, the totals of crash's kmem -i, and what an address is (kmem ADDR).
 * Layouts come from the session's types (DWARF or BTF); globals a kernel
 * without CONFIG_KALLSYMS_ALL does not list are taken from VMCOREINFO or
 * derived (per node and zone sums), and where neither works the value is
 * reported unknown with the reason.
 */
#ifndef KCRASH_MM_H
#define KCRASH_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/mm_slub.h>
#include <kcrash/mm_vmalloc.h>

/* The memory model: page geometry and the page->flags field layout. */
struct kc_mm_model {
	uint64_t page_size;
	unsigned page_shift;
	uint64_t page_struct_size;  /* sizeof(struct page) */
	uint64_t vmemmap;           /* struct page of pfn 0 */
	unsigned nr_pageflags;      /* __NR_PAGEFLAGS */
	unsigned max_nr_zones;      /* length of pglist_data.node_zones */
	unsigned max_numnodes;      /* length of node_data (1 without NUMA) */
	/*
	 * page->flags: | [SECTION] | NODE | ZONE | ... | FLAGS | from bit 63
	 * down (include/linux/page-flags-layout.h; no SECTION field with
	 * SPARSEMEM_VMEMMAP). Widths 0 when the field is absent.
	 */
	unsigned zones_pgshift, zones_width;
	unsigned nodes_pgshift, nodes_width;
	unsigned section_size_bits;  /* SECTION_SIZE_BITS */
	unsigned max_physmem_bits;   /* MAX_PHYSMEM_BITS */
};

/* The session's memory model (computed once per call: cheap). */
struct kc_error *kc_mm_model(struct kc_session *session, struct kc_mm_model *ret);

/* One struct page, read. */
struct kc_mm_page {
	uint64_t page;        /* struct page address */
	uint64_t pfn, paddr;
	uint64_t flags, mapping, index, private;
	int32_t refcount;     /* _refcount */
	int32_t mapcount;     /* _mapcount (-1: not mapped) */
	uint64_t compound_head; /* the head page of a tail page, else PAGE */
	unsigned node, zone;  /* from the flags' NODE and ZONE fields */
};

/* struct page of PFN, and back. */
struct kc_error *kc_mm_pfn_to_page(struct kc_session *session, uint64_t pfn,
				   uint64_t *page);
struct kc_error *kc_mm_page_to_pfn(struct kc_session *session, uint64_t page,
				   uint64_t *pfn);
/* Read the struct page at PAGE. */
struct kc_error *kc_mm_read_page(struct kc_session *session, uint64_t page,
				 struct kc_mm_page *ret);

/*
 * The page flag names of the kernel's enum pageflags: NAMES[BIT] for each
 * bit below __NR_PAGEFLAGS (of names sharing a bit, the first; "PG_"
 * kept), NULL for none. The names stay valid while the session is open.
 */
struct kc_mm_pageflags {
	unsigned nr;              /* __NR_PAGEFLAGS */
	const char *names[64];
};
struct kc_error *kc_mm_pageflags(struct kc_session *session, struct kc_mm_pageflags *ret);
/*
 * FLAGS' page flags as crash prints them, "PG_" dropped and comma-
 * separated: "uptodate,lru,swapbacked". snprintf semantics.
 */
size_t kc_mm_pageflags_format(const struct kc_mm_pageflags *pageflags, uint64_t flags,
			      char *buf, size_t len);
/* The bit of page flag NAME ("PG_slab"): enum pageflags, else VMCOREINFO. */
struct kc_error *kc_mm_page_flag_bit(struct kc_session *session, const char *name,
				     unsigned *bit);

/* One memory section (SPARSEMEM). */
struct kc_mm_section {
	uint64_t nr;             /* section number */
	uint64_t addr;           /* its struct mem_section */
	uint64_t coded_mem_map;  /* section_mem_map without the state bits */
	uint64_t mem_map;        /* struct page of its first pfn */
	uint64_t pfn;            /* its first pfn */
	uint64_t state;          /* SECTION_MARKED_PRESENT (1), HAS_MEM_MAP (2), IS_ONLINE (4), IS_EARLY (8) */
};
/* Bits of section_mem_map (include/linux/mmzone.h, v5.10..v6.12). */
#define KC_MM_SECTION_MARKED_PRESENT 0x1u
#define KC_MM_SECTION_HAS_MEM_MAP    0x2u
#define KC_MM_SECTION_IS_ONLINE      0x4u
#define KC_MM_SECTION_IS_EARLY       0x8u

/*
 * Every present section, by number, from mem_section (SPARSEMEM_EXTREME's
 * root array, or VMCOREINFO's SYMBOL(mem_section)). *SECTIONS malloc'd.
 */
struct kc_error *kc_mm_sections(struct kc_session *session,
				struct kc_mm_section **sections, size_t *n);

/* One node (struct pglist_data). */
struct kc_mm_node {
	int id;
	uint64_t pgdat;
	uint64_t start_pfn, spanned_pages, present_pages;
	uint64_t mem_map;        /* struct page of start_pfn */
	unsigned nr_zones;       /* populated zones (pglist_data.nr_zones) */
};

/*
 * The online nodes: node_data[] with NUMA, contig_page_data without (each
 * from the symbol, VMCOREINFO, or found in the dump). *NODES malloc'd.
 */
struct kc_error *kc_mm_nodes(struct kc_session *session, struct kc_mm_node **nodes,
			     size_t *n);

#define KC_MM_MAX_ORDERS 16
#define KC_MM_MAX_MIGRATETYPES 8

/* One zone of a node. */
struct kc_mm_zone {
	int node;
	unsigned index;          /* in node_zones */
	uint64_t addr;           /* struct zone */
	char name[32];
	uint64_t start_pfn, spanned_pages, present_pages, managed_pages;
	uint64_t watermark[3];   /* min, low, high (_watermark[] or watermark[]) */
	int64_t nr_free_pages;   /* vm_stat[NR_FREE_PAGES] */
	uint64_t mem_map;        /* struct page of start_pfn; 0 when unpopulated */
	unsigned nr_orders;      /* MAX_ORDER (length of free_area) */
	unsigned nr_migratetypes; /* MIGRATE_TYPES (length of free_list) */
	uint64_t free_area[KC_MM_MAX_ORDERS];   /* struct free_area addresses */
	uint64_t nr_free[KC_MM_MAX_ORDERS];     /* free_area[order].nr_free: blocks */
};

/* Every zone of every node, in node then zone order. *ZONES malloc'd. */
struct kc_error *kc_mm_zones(struct kc_session *session, struct kc_mm_zone **zones,
			     size_t *n);

/* The name of migrate type MT ("Unmovable", as /proc/pagetypeinfo), or NULL. */
const char *kc_mm_migratetype_name(struct kc_session *session, unsigned mt);

/*
 * Walk ZONE's free list of ORDER and migrate type MT (bounded by MAX
 * blocks, cycle-checked): VISIT gets each free block's first struct page.
 */
struct kc_error *kc_mm_free_list_walk(struct kc_session *session,
				      const struct kc_mm_zone *zone, unsigned order,
				      unsigned mt, size_t max, kc_list_visit_fn visit,
				      void *ctx);

/* Which vm_stat counters. */
enum kc_mm_stat_group {
	KC_MM_STAT_ZONE,   /* enum zone_stat_item */
	KC_MM_STAT_NODE,   /* enum node_stat_item */
	KC_MM_STAT_NUMA,   /* enum numa_stat_item (NUMA kernels) */
	KC_MM_STAT_EVENT,  /* enum vm_event_item, summed over CPUs */
};

struct kc_mm_stat {
	const char *name;  /* the enumerator ("NR_FREE_PAGES"); valid while the session is */
	int64_t value;
};

/*
 * The counters of GROUP: of the zone or node at WHERE, or with WHERE 0
 * the global ones (vm_zone_stat, vm_node_stat, vm_numa_stat/vm_numa_event,
 * else the sum over zones or nodes, which the kernel keeps equal; events
 * from per-CPU vm_event_states). *STATS malloc'd.
 */
struct kc_error *kc_mm_vm_stats(struct kc_session *session, enum kc_mm_stat_group group,
				uint64_t where, struct kc_mm_stat **stats, size_t *n);
/* One global counter by enumerator name; KC_ERR_LOOKUP when none. */
struct kc_error *kc_mm_vm_stat(struct kc_session *session, const char *name,
			       int64_t *value);

/* One huge page pool (struct hstate). */
struct kc_mm_hstate {
	uint64_t addr;
	unsigned order;
	char name[32];     /* "hugepages-2048kB" */
	uint64_t nr_huge_pages, free_huge_pages, resv_huge_pages, surplus_huge_pages;
};
/*
 * The pools in hstates[] with a non-zero order. Its length: its type or
 * symbol size, else hugetlb_max_hstate (the pools in use: a dump's BTF and
 * kallsyms give neither). Without the symbol, the array is found in the
 * kernel image's data by its pools' names, and HUGE_MAX_HSTATE entries
 * (struct hugetlb_cgroup's hugepage[] length, else arm64's 4) are read.
 * KC_ERR_UNSUPPORTED for a kernel without CONFIG_HUGETLBFS.
 */
struct kc_error *kc_mm_hstates(struct kc_session *session, struct kc_mm_hstate **hstates,
			       size_t *n);

/* A count of pages and, when it could not be had, why. */
struct kc_mm_count {
	bool known;
	int64_t pages;
	char why[160];
};

/* The totals of crash's kmem -i (memory.c dump_kmeminfo). */
struct kc_mm_meminfo {
	struct kc_mm_count total;     /* totalram_pages */
	struct kc_mm_count free;      /* NR_FREE_PAGES */
	struct kc_mm_count used;      /* total - free */
	struct kc_mm_count shared;    /* mem_map pages with a count above 1 (crash's tally) */
	struct kc_mm_count buffers;   /* nr_blockdev_pages() */
	struct kc_mm_count cached;    /* NR_FILE_PAGES - swap cache - buffers */
	struct kc_mm_count slab;      /* NR_SLAB_RECLAIMABLE(_B) + NR_SLAB_UNRECLAIMABLE(_B) */
	struct kc_mm_count huge_total, huge_free; /* base pages in the hstates */
	struct kc_mm_count swap_total, swap_used, swap_free;
	struct kc_mm_count commit_limit, committed;
};
/* Gather them; each unknown one says why. */
struct kc_error *kc_mm_meminfo(struct kc_session *session, struct kc_mm_meminfo *ret);

/* What an address is (kmem ADDR). */
struct kc_mm_address {
	uint64_t addr;
	const char *region;        /* kc_arm64_region_name of its region */
	bool has_paddr;            /* translates */
	uint64_t paddr;
	bool has_page;             /* the struct page of its frame was read */
	struct kc_mm_page page;
	bool in_slab;              /* slab memory: the object */
	struct kc_slub_object slab;
	bool in_vmalloc;           /* in a vmap area */
	struct kc_vmalloc_area vmalloc;
	bool is_page_struct;       /* inside mem_map: which page's struct page */
	uint64_t page_struct, page_struct_pfn;
	bool is_task_stack;        /* a task's kernel stack (the task's address) */
	uint64_t stack_task;
	bool is_free_page;         /* in a buddy free block: its first page and order */
	uint64_t free_block_page;
	unsigned free_block_order;
};

/*
 * Classify ADDR: a kernel virtual address (its page, slab object, vmap
 * area, task stack), a struct page in mem_map, or, when IS_PHYSICAL, a
 * physical address (its page). Free with kc_mm_address_free.
 */
struct kc_error *kc_mm_identify(struct kc_session *session, uint64_t addr,
				bool is_physical, struct kc_mm_address *ret);
void kc_mm_address_free(struct kc_mm_address *info);

#endif
