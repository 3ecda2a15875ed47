/* SPDX-License-Identifier: MIT */
/*
 * arm64 stage-1 page-table walker: virtual to physical translation for the
 * kernel's (swapper_pg_dir) and a process's (mm->pgd) tables, for every
 * granule / VA size / PA size combination Linux supports, 2 to 5 levels.
 *
 * Pure translation: physical memory is read only through a kc_phys_read_fn
 * callback (kc_dump_read_phys fits), so this file knows nothing of dump
 * formats. Levels are the architecture's lookup levels (-1 .. 3, 3 being the
 * last); each level also carries the kernel's name for it (pgd, p4d, pud,
 * pmd, pte) as crash's vtop prints them for that number of levels.
 */
#ifndef KCRASH_ARM64_PGTABLE_H
#define KCRASH_ARM64_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>

/* Read LEN bytes of physical memory at PADDR into BUF; NULL on success. */
typedef struct kc_error *(*kc_phys_read_fn)(void *ctx, uint64_t paddr,
					    void *buf, size_t len);

#define KC_PGTABLE_MAX_LEVELS 5

/* How a descriptor holds its output (next-table, block or page) address. */
enum kc_pgtable_oa_format {
	KC_PGTABLE_OA_48,   /* bits 47:PAGE_SHIFT in place */
	KC_PGTABLE_OA_LPA,  /* 64K, 52-bit PA: bits 51:48 in descriptor 15:12 */
	KC_PGTABLE_OA_LPA2, /* 4K/16K, FEAT_LPA2 on: bits 51:50 in 9:8 */
};

struct kc_pgtable_geometry {
	unsigned page_shift;      /* 12, 14 or 16 */
	unsigned va_bits;         /* NUMBER(VA_BITS): what the kernel was built for */
	unsigned va_bits_actual;  /* 64 - TCR_EL1.T1SZ: what the MMU walks */
	unsigned pa_bits;         /* NUMBER(MAX_PHYSMEM_BITS) */
	unsigned nr_levels;       /* levels walked, 2..5 */
	int root_level;           /* lookup level of the root table, 4 - nr_levels */
	unsigned root_index_bits; /* VA bits that index the root table */
	/*
	 * The root is a runtime-folded level in swapper_pg_dir's page (LPA2
	 * kernel on a CPU without LPA2: pgd_to_folded_p4d / p4d_to_folded_pud).
	 */
	bool root_folded;
	enum kc_pgtable_oa_format oa_format;
};

/*
 * Fill GEO for pages of PAGE_SIZE bytes, a kernel built for VA_BITS running
 * with VA_BITS_ACTUAL (0: same as VA_BITS) and PA_BITS physical bits.
 * KC_ERR_UNSUPPORTED for a combination Linux does not build or boot.
 */
struct kc_error *kc_pgtable_geometry_init(struct kc_pgtable_geometry *geo,
					  uint64_t page_size, unsigned va_bits,
					  unsigned va_bits_actual,
					  unsigned pa_bits);

/* ARM64_HW_PGTABLE_LEVEL_SHIFT(LEVEL): VA bits below LEVEL's index. */
unsigned kc_pgtable_level_shift(const struct kc_pgtable_geometry *geo,
				int level);
/* Bytes one entry at LEVEL maps (a page at level 3, else a block's size). */
uint64_t kc_pgtable_level_size(const struct kc_pgtable_geometry *geo,
			       int level);
/* Number of entries of the table at LEVEL (the root may be smaller). */
uint64_t kc_pgtable_ptrs_per_table(const struct kc_pgtable_geometry *geo,
				   int level);
/* "pgd", "p4d", "pud", "pmd" or "pte"; NULL for a level not walked. */
const char *kc_pgtable_level_name(const struct kc_pgtable_geometry *geo,
				  int level);
/* Whether a block descriptor (bits 1:0 = 01) is allowed at LEVEL. */
bool kc_pgtable_block_allowed(const struct kc_pgtable_geometry *geo,
			      int level);
/* Output address held by descriptor DESC, aligned down to ALIGN_SHIFT. */
uint64_t kc_pgtable_desc_address(const struct kc_pgtable_geometry *geo,
				 uint64_t desc, unsigned align_shift);

/*
 * Strip the tag in bits 63:56 (TBI: KASAN/MTE tags, user tagged pointers)
 * by sign-extending from bit 55, as the kernel's untagged_addr() does.
 */
uint64_t kc_pgtable_untag(uint64_t vaddr);

enum kc_pgtable_status {
	KC_PGTABLE_MAPPED,       /* translated */
	KC_PGTABLE_NONCANONICAL, /* outside the VA range the MMU walks */
	KC_PGTABLE_INVALID,      /* an entry with bit 0 clear */
	KC_PGTABLE_RESERVED,     /* bits 1:0 = 01 where no block is allowed */
	KC_PGTABLE_READ_ERROR,   /* an entry could not be read */
};

const char *kc_pgtable_status_name(enum kc_pgtable_status status);

struct kc_pgtable_entry {
	int level;          /* lookup level, -1..3 */
	const char *name;   /* kernel name for the level */
	uint64_t paddr;     /* physical address of the entry */
	uint64_t value;     /* the descriptor */
};

struct kc_pgtable_walk {
	uint64_t vaddr;     /* as given */
	uint64_t untagged;  /* the address walked */
	enum kc_pgtable_status status;
	/* Entries read, root first; on INVALID/RESERVED the last is the culprit. */
	unsigned nr_entries;
	struct kc_pgtable_entry entries[KC_PGTABLE_MAX_LEVELS];

	/* KC_PGTABLE_MAPPED */
	uint64_t paddr;     /* physical address of vaddr */
	uint64_t map_size;  /* page or block size */
	bool is_block;
	bool contiguous;    /* the leaf has the contiguous hint (bit 52) */

	/* Otherwise: the level where the walk stopped and why. */
	int stop_level;
	const char *stop_name;
	uint64_t fault_paddr;            /* READ_ERROR: entry that was unreadable */
	enum kc_error_code read_error_code;
	char read_error[256];            /* READ_ERROR: the read's message */
};

/*
 * Translate VADDR through the tables rooted at ROOT_PADDR (swapper_pg_dir's
 * or mm->pgd's physical address). WALK (required) is filled in every case.
 * Returns NULL when VADDR is mapped; otherwise an error naming the address,
 * the level and the reason: KC_ERR_FAULT for an unmapped or non-canonical
 * address, the read error's code when a table could not be read.
 */
struct kc_error *kc_pgtable_walk(const struct kc_pgtable_geometry *geo,
				 uint64_t root_paddr, uint64_t vaddr,
				 kc_phys_read_fn read, void *ctx,
				 struct kc_pgtable_walk *walk);

/* kc_pgtable_walk for callers that want only the physical address. */
struct kc_error *kc_pgtable_translate(const struct kc_pgtable_geometry *geo,
				      uint64_t root_paddr, uint64_t vaddr,
				      kc_phys_read_fn read, void *ctx,
				      uint64_t *paddr_ret);

/* Flags of a descriptor, named as crash's arm64 vtop names them. */
enum kc_pte_flag {
	KC_PTE_F_VALID = 1u << 0,
	KC_PTE_F_TABLE = 1u << 1,
	KC_PTE_F_PAGE = 1u << 2,
	KC_PTE_F_BLOCK = 1u << 3,
	KC_PTE_F_PROT_NONE = 1u << 4,
	KC_PTE_F_USER = 1u << 5,
	KC_PTE_F_RDONLY = 1u << 6,
	KC_PTE_F_SHARED = 1u << 7,
	KC_PTE_F_AF = 1u << 8,
	KC_PTE_F_NG = 1u << 9,
	KC_PTE_F_CONT = 1u << 10,
	KC_PTE_F_PXN = 1u << 11,
	KC_PTE_F_UXN = 1u << 12,
	KC_PTE_F_DIRTY = 1u << 13,
	KC_PTE_F_SPECIAL = 1u << 14,
	KC_PTE_F_WRITE = 1u << 15,
};

/* The type flags, which crash's arm64_translate_pte does not print. */
#define KC_PTE_F_TYPE_MASK (KC_PTE_F_TABLE | KC_PTE_F_PAGE | KC_PTE_F_BLOCK)

/* Decode descriptor DESC found at LEVEL. */
unsigned kc_pgtable_desc_flags(const struct kc_pgtable_geometry *geo,
			       uint64_t desc, int level);
/*
 * "VALID|PAGE|SHARED|AF|..." in crash's order (what crash prints between
 * the parentheses; mask out KC_PTE_F_TYPE_MASK for crash's exact text).
 * snprintf semantics: returns the length the whole string needs.
 */
size_t kc_pgtable_flags_string(unsigned flags, char *buf, size_t size);

#endif
