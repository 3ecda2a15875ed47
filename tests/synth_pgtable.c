/* SPDX-License-Identifier: MIT */
/*
 * Synthetic arm64 page tables, built as the kernel builds them. Every
 * definition below is the kernel's (release named beside it); nothing here
 * calls the walker in src/arm64/pgtable.c.
 */
#include "synth_pgtable.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#define BIT(n) (UINT64_C(1) << (n))
#define GENMASK(h, l) ((~UINT64_C(0) >> (63 - (h))) & ~(BIT(l) - 1))

/* pgtable-hwdef.h / pgtable-prot.h, v6.1 (v6.9 for the LPA2 parts). */
#define PTE_VALID BIT(0)
#define PTE_TYPE_MASK UINT64_C(3)
#define PMD_TYPE_TABLE UINT64_C(3)
#define PMD_TYPE_SECT UINT64_C(1)
#define PTE_TYPE_PAGE UINT64_C(3)
#define PTE_SHARED (UINT64_C(3) << 8)
#define PTE_AF BIT(10)
#define PTE_WRITE BIT(51) /* PTE_DBM */
#define PTE_CONT BIT(52)
#define PTE_PXN BIT(53)
#define PTE_UXN BIT(54)

/* One level of the kernel's pgd -> p4d -> pud -> pmd -> pte walk. */
struct step {
	unsigned shift;       /* PGDIR_SHIFT, P4D_SHIFT, ... PAGE_SHIFT */
	uint64_t ptrs;        /* PTRS_PER_PGD, ... */
	bool runtime_folded;  /* !pgtable_l5_enabled() p4d, !l4 pud */
};

/* ARM64_HW_PGTABLE_LEVEL_SHIFT(n), pgtable-hwdef.h (v6.1, v6.9). */
unsigned synth_level_shift(const struct synth_pgtable *s, int level)
{
	return (s->page_shift - 3) * (unsigned)(4 - level) + 3;
}

int synth_level_of_shift(const struct synth_pgtable *s, unsigned shift)
{
	return 4 - (int)((shift - 3) / (s->page_shift - 3));
}

/* config PGTABLE_LEVELS defaults, arch/arm64/Kconfig (v6.9). */
static unsigned kconfig_pgtable_levels(unsigned page_shift, unsigned va_bits)
{
	switch (page_shift) {
	case 12:
		return va_bits == 39 ? 3 : va_bits == 48 ? 4 : 5;
	case 14:
		return va_bits == 36 ? 2 : va_bits == 47 ? 3 : 4;
	default:
		return va_bits == 42 ? 2 : 3;
	}
}

/*
 * The kernel's levels, top first: PGDIR_SHIFT =
 * ARM64_HW_PGTABLE_LEVEL_SHIFT(4 - CONFIG_PGTABLE_LEVELS), PTRS_PER_PGD =
 * 1 << (VA_BITS - PGDIR_SHIFT), P4D_SHIFT = LEVEL_SHIFT(0) with 5 levels,
 * PUD_SHIFT = LEVEL_SHIFT(1) with more than 3, PMD_SHIFT = LEVEL_SHIFT(2)
 * with more than 2; PTRS_PER_P4D/PUD/PMD/PTE = 1 << (PAGE_SHIFT - 3).
 */
static unsigned kernel_steps(const struct synth_pgtable *s, struct step *steps)
{
	unsigned n = 0;
	unsigned pgdir_shift = synth_level_shift(s, 4 - (int)s->pgtable_levels);
	uint64_t ptrs_per_table = BIT(s->page_shift - 3);
	steps[n++] = (struct step){pgdir_shift, BIT(s->va_bits - pgdir_shift), false};
	if (s->pgtable_levels > 4)
		steps[n++] = (struct step){synth_level_shift(s, 0), ptrs_per_table,
					   !s->l5_enabled};
	if (s->pgtable_levels > 3)
		steps[n++] = (struct step){synth_level_shift(s, 1), ptrs_per_table,
					   !s->l4_enabled};
	if (s->pgtable_levels > 2)
		steps[n++] = (struct step){synth_level_shift(s, 2), ptrs_per_table,
					   false};
	steps[n++] = (struct step){s->page_shift, ptrs_per_table, false};
	return n;
}

int synth_root_level(const struct synth_pgtable *s)
{
	struct step steps[5];
	unsigned n = kernel_steps(s, steps);
	unsigned top = 0;
	while (top + 1 < n && steps[top + 1].runtime_folded)
		top++;
	return synth_level_of_shift(s, steps[top].shift);
}

/* CONFIG_ARM64_CONT_PTE_SHIFT / CONT_PMD_SHIFT (arch/arm64/Kconfig, v6.1). */
unsigned synth_cont_entries(const struct synth_pgtable *s, int level)
{
	if (level == 3)
		return 1u << (s->page_shift == 16 ? 5 : s->page_shift == 14 ? 7 : 4);
	if (level == 2)
		return 1u << (s->page_shift == 12 ? 4 : 5);
	return 1;
}

/*
 * __phys_to_pte_val(): v6.1 for 64K/52-bit PA ((phys | (phys >> 36)) &
 * PTE_ADDR_MASK, PTE_ADDR_HIGH = 0xf << 12); v6.9 for LPA2 (phys >> 42 into
 * bits 9:8, PTE_ADDR_LOW = bits 49:PAGE_SHIFT); else the address itself.
 */
uint64_t synth_phys_to_desc(const struct synth_pgtable *s, uint64_t pa)
{
	if (s->pa_bits == 52 && s->page_shift == 16)
		return (pa | (pa >> 36)) & (GENMASK(47, 16) | GENMASK(15, 12));
	if (s->lpa2)
		return (pa | (pa >> 42)) &
		       (GENMASK(49, s->page_shift) | GENMASK(9, 8));
	return pa & GENMASK(47, s->page_shift);
}

/* __pte_to_phys(), the same releases. */
static uint64_t desc_to_phys(const struct synth_pgtable *s, uint64_t desc)
{
	if (s->pa_bits == 52 && s->page_shift == 16)
		return (desc & GENMASK(47, 16)) | ((desc & GENMASK(15, 12)) << 36);
	if (s->lpa2)
		return (desc & GENMASK(49, s->page_shift)) |
		       ((desc & GENMASK(9, 8)) << 42);
	return desc & GENMASK(47, s->page_shift);
}

/*
 * PAGE_KERNEL = PROT_NORMAL = PTE_TYPE_PAGE | PTE_MAYBE_NG |
 * PTE_MAYBE_SHARED | PTE_AF | PTE_PXN | PTE_UXN | PTE_WRITE |
 * PTE_ATTRINDX(MT_NORMAL) (pgtable-prot.h v6.1; MAYBE_SHARED is 0 with LPA2
 * in v6.9). No KPTI here, so no nG; MT_NORMAL is 0.
 */
uint64_t synth_prot_page_kernel(const struct synth_pgtable *s)
{
	uint64_t shared = s->lpa2 ? 0 : PTE_SHARED;
	return PTE_TYPE_PAGE | shared | PTE_AF | PTE_PXN | PTE_UXN | PTE_WRITE;
}

struct synth_pgtable *synth_create(unsigned page_shift, unsigned va_bits,
				   unsigned va_bits_actual, unsigned pa_bits,
				   uint64_t mem_base, uint64_t mem_size)
{
	if (page_shift != 12 && page_shift != 14 && page_shift != 16)
		return NULL;
	uint64_t page_size = BIT(page_shift);
	if (mem_base % page_size || mem_size % page_size || mem_size < page_size)
		return NULL;
	struct synth_pgtable *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->mem = calloc(1, mem_size);
	if (!s->mem) {
		free(s);
		return NULL;
	}
	s->page_shift = page_shift;
	s->va_bits = va_bits;
	s->va_bits_actual = va_bits_actual ? va_bits_actual : va_bits;
	s->pa_bits = pa_bits;
	s->pgtable_levels = kconfig_pgtable_levels(page_shift, va_bits);
	/* CONFIG_ARM64_LPA2: 52-bit PA with 4K/16K pages (v6.9). */
	bool lpa2_config = pa_bits == 52 && page_shift != 16;
	/* pgtable_l5_enabled() / pgtable_l4_enabled() (v6.9 pgtable.h). */
	s->l5_enabled = s->pgtable_levels == 5 &&
			s->va_bits_actual == va_bits;
	s->l4_enabled = s->pgtable_levels > 4 || !lpa2_config ||
			s->va_bits_actual == va_bits;
	s->lpa2 = lpa2_config && s->va_bits_actual == 52;
	s->mem_base = mem_base;
	s->mem_size = mem_size;
	/* swapper_pg_dir: one page-aligned page, like the kernel's. */
	s->pgd = mem_base;
	s->next_free = mem_base + page_size;
	return s;
}

void synth_destroy(struct synth_pgtable *s)
{
	if (!s)
		return;
	free(s->mem);
	free(s->expects);
	free(s);
}

static bool in_mem(const struct synth_pgtable *s, uint64_t pa, uint64_t len)
{
	return pa >= s->mem_base && len <= s->mem_size &&
	       pa - s->mem_base <= s->mem_size - len;
}

static uint64_t load(const struct synth_pgtable *s, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, s->mem + (pa - s->mem_base), sizeof(v));
	return le64toh(v);
}

static void store(struct synth_pgtable *s, uint64_t pa, uint64_t desc)
{
	uint64_t v = htole64(desc);
	memcpy(s->mem + (pa - s->mem_base), &v, sizeof(v));
}

static uint64_t alloc_table(struct synth_pgtable *s)
{
	uint64_t page_size = BIT(s->page_shift);
	if (!in_mem(s, s->next_free, page_size))
		return 0;
	uint64_t pa = s->next_free;
	s->next_free += page_size;
	return pa;
}

static uint64_t step_index(const struct step *st, uint64_t va)
{
	return (va >> st->shift) & (st->ptrs - 1);
}

/*
 * The kernel's pgd_offset / p4d_offset / pud_offset / pmd_offset /
 * pte_offset path to VA's entry in the table whose entries map 1 << SHIFT
 * bytes (SHIFT 0: go as far as the tables go). With ALLOC, missing tables
 * are allocated (as __create_pgd_mapping does); without, the walk stops at
 * the first empty entry and *ENTRY_PA is that entry. Returns the step where
 * it stopped, or -1 if a table cannot be allocated or a leaf is in the way.
 */
static int entry_path(struct synth_pgtable *s, uint64_t va, unsigned shift,
		      bool alloc, uint64_t *entry_pa)
{
	struct step steps[5];
	unsigned n = kernel_steps(s, steps);
	uint64_t page_mask = BIT(s->page_shift) - 1;
	uint64_t p = s->pgd + step_index(&steps[0], va) * 8; /* pgd_offset */
	unsigned k = 0;
	for (;;) {
		/* pgd_to_folded_p4d / p4d_to_folded_pud (v6.9). */
		while (k + 1 < n && steps[k + 1].runtime_folded) {
			k++;
			p = (p & ~page_mask) + step_index(&steps[k], va) * 8;
		}
		*entry_pa = p;
		if (steps[k].shift == shift || k + 1 == n)
			return (int)k;
		uint64_t desc = load(s, p);
		if (!(desc & PTE_VALID)) {
			if (!alloc)
				return (int)k;
			uint64_t table = alloc_table(s);
			if (!table)
				return -1;
			desc = synth_phys_to_desc(s, table) | PMD_TYPE_TABLE;
			store(s, p, desc);
		} else if ((desc & PTE_TYPE_MASK) != PMD_TYPE_TABLE) {
			return alloc ? -1 : (int)k;
		}
		k++;
		p = desc_to_phys(s, desc) + step_index(&steps[k], va) * 8;
	}
}

static bool record(struct synth_pgtable *s, struct synth_expect e)
{
	if (s->nr_expects == s->cap_expects) {
		size_t cap = s->cap_expects ? 2 * s->cap_expects : 32;
		struct synth_expect *n = realloc(s->expects, cap * sizeof(*n));
		if (!n)
			return false;
		s->expects = n;
		s->cap_expects = cap;
	}
	s->expects[s->nr_expects++] = e;
	return true;
}

/* The entry for VA at LEVEL, allocating the tables above it. */
static bool leaf_entry(struct synth_pgtable *s, uint64_t va, int level,
		       uint64_t *entry_pa)
{
	unsigned shift = synth_level_shift(s, level);
	int k = entry_path(s, va, shift, true, entry_pa);
	if (k < 0)
		return false;
	struct step steps[5];
	kernel_steps(s, steps);
	return steps[k].shift == shift;
}

/* mk_pmd_sect_prot(): a block is the page prot without PTE_TABLE_BIT. */
static uint64_t leaf_desc(const struct synth_pgtable *s, uint64_t pa,
			  int level, uint64_t prot)
{
	uint64_t type = level == 3 ? PTE_TYPE_PAGE : PMD_TYPE_SECT;
	return synth_phys_to_desc(s, pa) | (prot & ~PTE_TYPE_MASK) | type;
}

static bool map_entries(struct synth_pgtable *s, uint64_t va, uint64_t pa,
			int level, uint64_t prot, unsigned count)
{
	uint64_t size = BIT(synth_level_shift(s, level));
	if (va % (size * count) || pa % (size * count))
		return false;
	for (unsigned i = 0; i < count; i++) {
		uint64_t entry_pa;
		if (!leaf_entry(s, va + i * size, level, &entry_pa) ||
		    load(s, entry_pa))
			return false;
		store(s, entry_pa, leaf_desc(s, pa + i * size, level, prot));
	}
	return record(s, (struct synth_expect){
		.kind = SYNTH_MAPPED, .va = va, .size = size * count,
		.level = level, .pa = pa, .contiguous = (prot & PTE_CONT) != 0,
	});
}

bool synth_map(struct synth_pgtable *s, uint64_t va, uint64_t pa, int level,
	       uint64_t prot)
{
	return map_entries(s, va, pa, level, prot, 1);
}

bool synth_map_cont(struct synth_pgtable *s, uint64_t va, uint64_t pa,
		    int level)
{
	return map_entries(s, va, pa, level,
			   synth_prot_page_kernel(s) | PTE_CONT,
			   synth_cont_entries(s, level));
}

bool synth_set_raw(struct synth_pgtable *s, uint64_t va, int level,
		   uint64_t raw, enum synth_expect_kind kind)
{
	uint64_t size = BIT(synth_level_shift(s, level));
	uint64_t entry_pa;
	if (va % size || !leaf_entry(s, va, level, &entry_pa) ||
	    load(s, entry_pa))
		return false;
	store(s, entry_pa, raw);
	return record(s, (struct synth_expect){
		.kind = kind, .va = va, .size = size,
		.level = kind == SYNTH_READ_ERROR ? level + 1 : level,
	});
}

/* untagged_addr(): sign_extend64(addr, 55). */
static uint64_t untag(uint64_t va)
{
	return va & BIT(55) ? va | GENMASK(63, 56) : va & ~GENMASK(63, 56);
}

struct synth_expect synth_lookup(const struct synth_pgtable *s, uint64_t va)
{
	va = untag(va);
	for (size_t i = 0; i < s->nr_expects; i++) {
		const struct synth_expect *e = &s->expects[i];
		if (va - e->va < e->size) {
			struct synth_expect hit = *e;
			hit.pa = e->pa + (va - e->va);
			return hit;
		}
	}
	/* Not recorded: the walk ends at the first empty entry on the path. */
	uint64_t entry_pa;
	int k = entry_path((struct synth_pgtable *)s, va, 0, false, &entry_pa);
	struct step steps[5];
	kernel_steps(s, steps);
	struct synth_expect miss = {
		.kind = SYNTH_INVALID,
		.va = va,
		.level = k < 0 ? 99 : synth_level_of_shift(s, steps[k].shift),
	};
	/* A valid entry there would have been recorded: flag it as wrong. */
	if (k < 0 || load(s, entry_pa) & PTE_VALID)
		miss.level = 99;
	return miss;
}

struct kc_error *synth_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct synth_pgtable *s = ctx;
	s->nr_reads++;
	if (!in_mem(s, paddr, len))
		return kc_error_address(KC_ERR_NOT_IN_DUMP, paddr,
					"physical address 0x%llx is not in the synthetic memory",
					(unsigned long long)paddr);
	memcpy(buf, s->mem + (paddr - s->mem_base), len);
	return NULL;
}
