/* SPDX-License-Identifier: MIT */
/*
 * Synthetic arm64 page tables for the walker's tests.
 *
 * A buffer plays physical memory [mem_base, mem_base + mem_size); tables are
 * built in it the way the kernel builds swapper_pg_dir, from the kernel's own
 * definitions (CONFIG_PGTABLE_LEVELS, PGDIR_SHIFT, PTRS_PER_PGD, pgd_offset,
 * the runtime folding of LPA2 kernels, __phys_to_pte_val, PAGE_KERNEL), not
 * from the walker's code. Every mapping and every deliberately broken entry
 * is recorded, so tests can ask what an address should translate to and,
 * if it should not, at which level and why the walk must stop.
 */
#ifndef KC_TEST_SYNTH_PGTABLE_H
#define KC_TEST_SYNTH_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum synth_expect_kind {
	SYNTH_MAPPED,
	SYNTH_INVALID,    /* walk stops at an entry with bit 0 clear */
	SYNTH_RESERVED,   /* walk stops at a block where none is allowed */
	SYNTH_READ_ERROR, /* walk stops reading a table outside memory */
};

struct synth_expect {
	enum synth_expect_kind kind;
	uint64_t va;      /* start of the region (untagged) */
	uint64_t size;    /* bytes the entry covers */
	int level;        /* lookup level of the leaf or of the entry that stops */
	uint64_t pa;      /* SYNTH_MAPPED: physical address of va */
	bool contiguous;  /* SYNTH_MAPPED: PTE_CONT set */
};

struct synth_pgtable {
	/* Kernel configuration. */
	unsigned page_shift, va_bits, va_bits_actual, pa_bits;
	unsigned pgtable_levels;   /* CONFIG_PGTABLE_LEVELS */
	bool l4_enabled, l5_enabled; /* pgtable_l4/l5_enabled() */
	bool lpa2;                 /* lpa2_is_enabled() */

	/* Memory. */
	uint8_t *mem;
	uint64_t mem_base, mem_size;
	uint64_t next_free;        /* bump allocator for tables */
	uint64_t pgd;              /* swapper_pg_dir's physical address */

	/* What was built. */
	struct synth_expect *expects;
	size_t nr_expects, cap_expects;
	uint64_t nr_reads;         /* calls to synth_read */
};

/*
 * A kernel built with PAGE_SHIFT, VA_BITS and PA_BITS, running with
 * VA_BITS_ACTUAL; MEM_SIZE bytes of memory at MEM_BASE. NULL on bad input.
 */
struct synth_pgtable *synth_create(unsigned page_shift, unsigned va_bits,
				   unsigned va_bits_actual, unsigned pa_bits,
				   uint64_t mem_base, uint64_t mem_size);
void synth_destroy(struct synth_pgtable *s);

/* Kernel macros for this configuration. */
unsigned synth_level_shift(const struct synth_pgtable *s, int level);
/* Lookup level of the table whose entries map 1 << SHIFT bytes. */
int synth_level_of_shift(const struct synth_pgtable *s, unsigned shift);
/* First and last lookup levels the MMU walks. */
int synth_root_level(const struct synth_pgtable *s);
/* Number of entries a contiguous range has at LEVEL (CONT_PTES, CONT_PMDS). */
unsigned synth_cont_entries(const struct synth_pgtable *s, int level);

/* PAGE_KERNEL: what the kernel's vmalloc pages carry. */
uint64_t synth_prot_page_kernel(const struct synth_pgtable *s);
/* __phys_to_pte_val() for this configuration. */
uint64_t synth_phys_to_desc(const struct synth_pgtable *s, uint64_t pa);

/*
 * Map VA to PA with a leaf at LEVEL (a page at level 3, a block above) and
 * protection PROT (type bits are set here). Tables on the way are
 * allocated. false when the tables are exhausted or VA's path is taken.
 */
bool synth_map(struct synth_pgtable *s, uint64_t va, uint64_t pa, int level,
	       uint64_t prot);
/* Map a whole contiguous range (PTE_CONT on each entry) at LEVEL. */
bool synth_map_cont(struct synth_pgtable *s, uint64_t va, uint64_t pa,
		    int level);
/*
 * Write RAW as VA's entry at LEVEL (tables above allocated), recording that
 * a walk must end there with KIND (or, for SYNTH_READ_ERROR, one level lower).
 */
bool synth_set_raw(struct synth_pgtable *s, uint64_t va, int level,
		   uint64_t raw, enum synth_expect_kind kind);

/* What translating VA (tagged or not) must give. */
struct synth_expect synth_lookup(const struct synth_pgtable *s, uint64_t va);

/* kc_phys_read_fn over the memory buffer; CTX is the synth_pgtable. */
struct kc_error *synth_read(void *ctx, uint64_t paddr, void *buf, size_t len);

#endif
