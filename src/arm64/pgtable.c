/* SPDX-License-Identifier: MIT */
/*
 * arm64 page-table walker. Formulas are the kernel's, from
 * arch/arm64/include/asm/pgtable-hwdef.h, pgtable.h and pgtable-prot.h; the
 * release each one is taken from is named where it is used.
 */
#include "pgtable.h"

#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define BIT(n) (UINT64_C(1) << (n))
#define GENMASK(h, l) ((~UINT64_C(0) >> (63 - (h))) & ~(BIT(l) - 1))

/* Descriptor bits, pgtable-hwdef.h (v6.1; unchanged in v5.10 and v6.9). */
#define PTE_VALID BIT(0)
#define PTE_TYPE_MASK UINT64_C(3)
#define PTE_TYPE_TABLE UINT64_C(3) /* also PTE_TYPE_PAGE at the last level */
#define PTE_TYPE_BLOCK UINT64_C(1) /* PMD_TYPE_SECT */
#define PTE_USER BIT(6)            /* AP[1] */
#define PTE_RDONLY BIT(7)          /* AP[2] */
#define PTE_SHARED (UINT64_C(3) << 8)
#define PTE_AF BIT(10)
#define PTE_NG BIT(11)
#define PTE_DBM BIT(51)
#define PTE_CONT BIT(52)
#define PTE_PXN BIT(53)
#define PTE_UXN BIT(54)
/* Software bits, pgtable-prot.h (v5.10 .. v6.9). */
#define PTE_WRITE PTE_DBM
#define PTE_DIRTY BIT(55)
#define PTE_SPECIAL BIT(56)
#define PTE_PROT_NONE BIT(58) /* only when !PTE_VALID */

/*
 * ARM64_HW_PGTABLE_LEVELS(va_bits) = ((va_bits) - 4) / (PAGE_SHIFT - 3),
 * pgtable-hwdef.h (v5.10, v6.1, v6.9).
 */
static unsigned hw_pgtable_levels(unsigned page_shift, unsigned va_bits)
{
	return (va_bits - 4) / (page_shift - 3);
}

/*
 * ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = ((PAGE_SHIFT - 3) * (4 - (n)) + 3),
 * pgtable-hwdef.h (v5.10, v6.1; v6.9 uses n = -1 for the 5-level pgd).
 */
static unsigned level_shift(unsigned page_shift, int level)
{
	return (page_shift - 3) * (unsigned)(4 - level) + 3;
}

/* The VA sizes each granule is built with (arch/arm64/Kconfig, v6.9). */
static bool va_bits_supported(unsigned page_shift, unsigned va_bits)
{
	switch (page_shift) {
	case 12:
		return va_bits == 39 || va_bits == 48 || va_bits == 52;
	case 14:
		return va_bits == 36 || va_bits == 47 || va_bits == 48 ||
		       va_bits == 52;
	case 16:
		return va_bits == 42 || va_bits == 48 || va_bits == 52;
	}
	return false;
}

/*
 * A kernel built for 52-bit VA falls back to VA_BITS_MIN on a CPU without
 * LVA/LPA2: 47 with 16K pages, else 48 (asm/memory.h, v6.9).
 */
static unsigned va_bits_min(unsigned page_shift, unsigned va_bits)
{
	if (va_bits <= 48)
		return va_bits;
	return page_shift == 14 ? 47 : 48;
}

static struct kc_error *check_geometry_args(unsigned page_shift,
					    unsigned va_bits,
					    unsigned va_bits_actual,
					    unsigned pa_bits)
{
	if (!page_shift)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "page size is not 4K, 16K or 64K");
	if (!va_bits_supported(page_shift, va_bits))
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "VA_BITS=%u is not a %uK-page configuration",
				       va_bits, 1u << (page_shift - 10));
	if (va_bits_actual != va_bits &&
	    va_bits_actual != va_bits_min(page_shift, va_bits))
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "a VA_BITS=%u kernel cannot run with %u-bit VAs (TCR_EL1.T1SZ=%u)",
				       va_bits, va_bits_actual, 64 - va_bits_actual);
	if (pa_bits < 32 || pa_bits > 52)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "MAX_PHYSMEM_BITS=%u is outside 32..52",
				       pa_bits);
	return NULL;
}

static unsigned page_shift_of(uint64_t page_size)
{
	switch (page_size) {
	case 4096:
		return 12;
	case 16384:
		return 14;
	case 65536:
		return 16;
	}
	return 0;
}

/*
 * Descriptor address format. 64K pages with 52-bit PA (FEAT_LPA, v4.16+)
 * keep OA bits 51:48 in bits 15:12 whatever the CPU. 4K/16K with 52-bit PA
 * is FEAT_LPA2 (v6.9+), which the kernel turns on together with 52-bit VA:
 * on a CPU without it the same kernel runs 48/47-bit VA and bits 9:8 are
 * the shareability field again (PTE_MAYBE_SHARED, __pte_to_phys in v6.9).
 */
static enum kc_pgtable_oa_format oa_format_of(unsigned page_shift,
					      unsigned va_bits_actual,
					      unsigned pa_bits)
{
	if (pa_bits != 52)
		return KC_PGTABLE_OA_48;
	if (page_shift == 16)
		return KC_PGTABLE_OA_LPA;
	return va_bits_actual == 52 ? KC_PGTABLE_OA_LPA2 : KC_PGTABLE_OA_48;
}

/*
 * The root of the walk. The kernel has CONFIG_PGTABLE_LEVELS =
 * ARM64_HW_PGTABLE_LEVELS(VA_BITS) levels; the MMU walks
 * ARM64_HW_PGTABLE_LEVELS(64 - T1SZ).
 *
 * - Same count (every kernel not built for 52 bits; 64K pages at 52 or 48
 *   bits, 3 levels both): the hardware starts at swapper_pg_dir +
 *   TTBR1_BADDR_4852_OFFSET, i.e. at the top 2^(48 - PGDIR_SHIFT) entries
 *   of the 52-bit pgd (pgtable-hwdef.h and offset_ttbr1 in assembler.h,
 *   v5.4 .. v6.9). Indexing the whole PTRS_PER_PGD = 2^(VA_BITS -
 *   PGDIR_SHIFT) pgd with the sign-extended address reaches the same
 *   entries, and is what pgd_offset() does, so the root index is VA_BITS
 *   wide.
 * - Fewer levels (LPA2 kernels, v6.9+, on a CPU without LPA2: 4K 52 -> 48
 *   bits, 5 -> 4 levels; 16K 52 -> 47 bits, 4 -> 3 levels): TTBR1 holds
 *   swapper_pg_dir itself (offset_ttbr1 is not used with LPA2) and the
 *   kernel folds the top level at run time, pgd_to_folded_p4d() /
 *   p4d_to_folded_pud() in pgtable.h: PTR_ALIGN_DOWN(pgdp, PAGE_SIZE) +
 *   p4d_index(addr). So swapper_pg_dir's page is the next level's table,
 *   indexed by 64 - T1SZ - its shift bits (512 p4d entries for 4K, 2048 pud
 *   entries for 16K).
 */
static void set_root(struct kc_pgtable_geometry *geo)
{
	unsigned built_levels = hw_pgtable_levels(geo->page_shift, geo->va_bits);
	unsigned run_levels = hw_pgtable_levels(geo->page_shift,
						geo->va_bits_actual);

	geo->nr_levels = run_levels;
	geo->root_level = 4 - (int)run_levels;
	geo->root_folded = run_levels < built_levels;
	unsigned root_shift = level_shift(geo->page_shift, geo->root_level);
	unsigned index_va_bits = geo->root_folded ? geo->va_bits_actual
						  : geo->va_bits;
	geo->root_index_bits = index_va_bits - root_shift;
}

struct kc_error *kc_pgtable_geometry_init(struct kc_pgtable_geometry *geo,
					  uint64_t page_size, unsigned va_bits,
					  unsigned va_bits_actual,
					  unsigned pa_bits)
{
	unsigned page_shift = page_shift_of(page_size);
	if (!va_bits_actual)
		va_bits_actual = va_bits;
	struct kc_error *err = check_geometry_args(page_shift, va_bits,
						   va_bits_actual, pa_bits);
	if (err)
		return err;

	memset(geo, 0, sizeof(*geo));
	geo->page_shift = page_shift;
	geo->va_bits = va_bits;
	geo->va_bits_actual = va_bits_actual;
	geo->pa_bits = pa_bits;
	geo->oa_format = oa_format_of(page_shift, va_bits_actual, pa_bits);
	set_root(geo);
	return NULL;
}

static bool level_walked(const struct kc_pgtable_geometry *geo, int level)
{
	return level >= geo->root_level && level <= 3;
}

unsigned kc_pgtable_level_shift(const struct kc_pgtable_geometry *geo,
				int level)
{
	return level_shift(geo->page_shift, level);
}

uint64_t kc_pgtable_level_size(const struct kc_pgtable_geometry *geo,
			       int level)
{
	return BIT(kc_pgtable_level_shift(geo, level));
}

static unsigned index_bits(const struct kc_pgtable_geometry *geo, int level)
{
	if (level == geo->root_level)
		return geo->root_index_bits;
	return geo->page_shift - 3; /* PTRS_PER_PTE = 1 << (PAGE_SHIFT - 3) */
}

uint64_t kc_pgtable_ptrs_per_table(const struct kc_pgtable_geometry *geo,
				   int level)
{
	if (!level_walked(geo, level))
		return 0;
	return BIT(index_bits(geo, level));
}

/*
 * crash's arm64 vtop names the levels by their count: PGD/PTE (2),
 * PGD/PMD/PTE (3), PGD/PUD/PMD/PTE (4), and the kernel's 5-level tables
 * are pgd/p4d/pud/pmd/pte. With fewer levels the kernel folds p4d, then
 * pud, then pmd into the pgd (asm-generic/pgtable-nop4d.h, -nopud.h, -nopmd.h).
 */
const char *kc_pgtable_level_name(const struct kc_pgtable_geometry *geo,
				  int level)
{
	static const char *const names[5][KC_PGTABLE_MAX_LEVELS] = {
		[2] = {"pgd", "pte"},
		[3] = {"pgd", "pmd", "pte"},
		[4] = {"pgd", "pud", "pmd", "pte"},
	};
	static const char *const names5[KC_PGTABLE_MAX_LEVELS] = {
		"pgd", "p4d", "pud", "pmd", "pte",
	};
	if (!level_walked(geo, level))
		return NULL;
	unsigned i = (unsigned)(level - geo->root_level);
	return geo->nr_levels == 5 ? names5[i] : names[geo->nr_levels][i];
}

/*
 * Block descriptors by granule (Arm ARM D8.3, "Translation table descriptor
 * formats"): 4K at levels 1 and 2, and 0 with LPA2; 16K at level 2, and 1
 * with LPA2; 64K at level 2, and 1 with 52-bit PA (FEAT_LPA).
 */
bool kc_pgtable_block_allowed(const struct kc_pgtable_geometry *geo,
			      int level)
{
	if (!level_walked(geo, level) || level == 3)
		return false;
	if (level == 2)
		return true;
	switch (geo->page_shift) {
	case 12:
		return level == 1 ||
		       (level == 0 && geo->oa_format == KC_PGTABLE_OA_LPA2);
	case 14:
		return level == 1 && geo->oa_format == KC_PGTABLE_OA_LPA2;
	default:
		return level == 1 && geo->oa_format == KC_PGTABLE_OA_LPA;
	}
}

/*
 * __pte_to_phys(): v6.1 pgtable.h for 48 bits and 64K/52 (PTE_ADDR_LOW |
 * (PTE_ADDR_HIGH << 36), PTE_ADDR_HIGH = 0xf << 12); v6.9 for LPA2
 * (PTE_ADDR_LOW = bits 49:PAGE_SHIFT, PTE_ADDR_HIGH = 3 << 8, shifted by
 * PTE_ADDR_HIGH_SHIFT = 42). Table descriptors use the same format.
 */
uint64_t kc_pgtable_desc_address(const struct kc_pgtable_geometry *geo,
				 uint64_t desc, unsigned align_shift)
{
	uint64_t paddr;
	switch (geo->oa_format) {
	case KC_PGTABLE_OA_LPA:
		paddr = (desc & GENMASK(47, geo->page_shift)) |
			((desc & GENMASK(15, 12)) << 36);
		break;
	case KC_PGTABLE_OA_LPA2:
		paddr = (desc & GENMASK(49, geo->page_shift)) |
			((desc & GENMASK(9, 8)) << 42);
		break;
	default:
		paddr = desc & GENMASK(47, geo->page_shift);
		break;
	}
	return paddr & ~(BIT(align_shift) - 1);
}

/* untagged_addr(): sign_extend64(addr, 55) (asm/memory.h, v5.4+). */
uint64_t kc_pgtable_untag(uint64_t vaddr)
{
	if (vaddr & BIT(55))
		return vaddr | GENMASK(63, 56);
	return vaddr & ~GENMASK(63, 56);
}

/*
 * TTBR1 covers addresses whose bits 63:(64 - T1SZ) are all ones, TTBR0 those
 * where they are all zeros; anything else faults in the MMU.
 */
static bool va_is_canonical(const struct kc_pgtable_geometry *geo,
			    uint64_t vaddr)
{
	uint64_t top = vaddr >> geo->va_bits_actual;
	uint64_t ones = ~UINT64_C(0) >> geo->va_bits_actual;
	return top == 0 || top == ones;
}

const char *kc_pgtable_status_name(enum kc_pgtable_status status)
{
	switch (status) {
	case KC_PGTABLE_MAPPED:
		return "mapped";
	case KC_PGTABLE_NONCANONICAL:
		return "non-canonical";
	case KC_PGTABLE_INVALID:
		return "invalid entry";
	case KC_PGTABLE_RESERVED:
		return "reserved descriptor";
	case KC_PGTABLE_READ_ERROR:
		return "read error";
	}
	return "?";
}

static uint64_t entry_index(const struct kc_pgtable_geometry *geo,
			    uint64_t vaddr, int level)
{
	uint64_t index = vaddr >> kc_pgtable_level_shift(geo, level);
	return index & (BIT(index_bits(geo, level)) - 1);
}

static void stop_at(struct kc_pgtable_walk *walk,
		    const struct kc_pgtable_geometry *geo, int level,
		    enum kc_pgtable_status status)
{
	walk->status = status;
	walk->stop_level = level;
	walk->stop_name = kc_pgtable_level_name(geo, level);
}

static struct kc_error *walk_error(const struct kc_pgtable_walk *walk,
				   const struct kc_pgtable_geometry *geo)
{
	const struct kc_pgtable_entry *last =
		walk->nr_entries ? &walk->entries[walk->nr_entries - 1] : NULL;
	switch (walk->status) {
	case KC_PGTABLE_MAPPED:
		return NULL;
	case KC_PGTABLE_NONCANONICAL:
		return kc_error_address(KC_ERR_FAULT, walk->vaddr,
					"0x%016" PRIx64 ": not a canonical address for %u-bit VAs",
					walk->vaddr, geo->va_bits_actual);
	case KC_PGTABLE_INVALID:
		return kc_error_address(KC_ERR_FAULT, walk->vaddr,
					"0x%016" PRIx64 ": not mapped: %s entry 0x%016" PRIx64 " at physical 0x%" PRIx64 " is invalid",
					walk->vaddr, walk->stop_name,
					last->value, last->paddr);
	case KC_PGTABLE_RESERVED:
		return kc_error_address(KC_ERR_FAULT, walk->vaddr,
					"0x%016" PRIx64 ": %s entry 0x%016" PRIx64 " at physical 0x%" PRIx64 " is a reserved descriptor (no block at level %d)",
					walk->vaddr, walk->stop_name,
					last->value, last->paddr,
					walk->stop_level);
	case KC_PGTABLE_READ_ERROR:
		return kc_error_address(walk->read_error_code, walk->vaddr,
					"0x%016" PRIx64 ": cannot read %s entry at physical 0x%" PRIx64 ": %s",
					walk->vaddr, walk->stop_name,
					walk->fault_paddr, walk->read_error);
	}
	return NULL;
}

/* Read one descriptor; on failure record why and return false. */
static bool read_entry(struct kc_pgtable_walk *walk, kc_phys_read_fn read,
		       void *ctx, uint64_t entry_paddr, uint64_t *desc)
{
	uint64_t raw;
	struct kc_error *err = read(ctx, entry_paddr, &raw, sizeof(raw));
	if (err) {
		walk->fault_paddr = entry_paddr;
		walk->read_error_code = err->code;
		snprintf(walk->read_error, sizeof(walk->read_error), "%s",
			 kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	*desc = le64toh(raw); /* arm64 Linux tables are little-endian */
	return true;
}

static void set_leaf(struct kc_pgtable_walk *walk,
		     const struct kc_pgtable_geometry *geo, int level,
		     uint64_t desc)
{
	unsigned shift = kc_pgtable_level_shift(geo, level);
	walk->status = KC_PGTABLE_MAPPED;
	walk->map_size = BIT(shift);
	walk->is_block = level != 3;
	walk->contiguous = desc & PTE_CONT;
	walk->paddr = kc_pgtable_desc_address(geo, desc, shift) |
		      (walk->untagged & (walk->map_size - 1));
}

struct kc_error *kc_pgtable_walk(const struct kc_pgtable_geometry *geo,
				 uint64_t root_paddr, uint64_t vaddr,
				 kc_phys_read_fn read, void *ctx,
				 struct kc_pgtable_walk *walk)
{
	memset(walk, 0, sizeof(*walk));
	walk->vaddr = vaddr;
	walk->untagged = kc_pgtable_untag(vaddr);
	if (!va_is_canonical(geo, walk->untagged)) {
		stop_at(walk, geo, geo->root_level, KC_PGTABLE_NONCANONICAL);
		return walk_error(walk, geo);
	}

	uint64_t table_paddr = root_paddr;
	/* One descriptor per level: at most KC_PGTABLE_MAX_LEVELS reads. */
	for (int level = geo->root_level; level <= 3; level++) {
		uint64_t entry_paddr = table_paddr +
			entry_index(geo, walk->untagged, level) * sizeof(uint64_t);
		uint64_t desc;
		if (!read_entry(walk, read, ctx, entry_paddr, &desc)) {
			stop_at(walk, geo, level, KC_PGTABLE_READ_ERROR);
			return walk_error(walk, geo);
		}
		walk->entries[walk->nr_entries++] = (struct kc_pgtable_entry){
			.level = level,
			.name = kc_pgtable_level_name(geo, level),
			.paddr = entry_paddr,
			.value = desc,
		};

		if (!(desc & PTE_VALID)) {
			stop_at(walk, geo, level, KC_PGTABLE_INVALID);
			return walk_error(walk, geo);
		}
		bool is_table_or_page = (desc & PTE_TYPE_MASK) == PTE_TYPE_TABLE;
		if (is_table_or_page && level < 3) {
			table_paddr = kc_pgtable_desc_address(geo, desc,
							      geo->page_shift);
			continue;
		}
		if (!is_table_or_page && !kc_pgtable_block_allowed(geo, level)) {
			stop_at(walk, geo, level, KC_PGTABLE_RESERVED);
			return walk_error(walk, geo);
		}
		set_leaf(walk, geo, level, desc);
		return NULL;
	}
	/* Not reached: level 3 always ends the walk. */
	stop_at(walk, geo, 3, KC_PGTABLE_RESERVED);
	return walk_error(walk, geo);
}

struct kc_error *kc_pgtable_translate(const struct kc_pgtable_geometry *geo,
				      uint64_t root_paddr, uint64_t vaddr,
				      kc_phys_read_fn read, void *ctx,
				      uint64_t *paddr_ret)
{
	struct kc_pgtable_walk walk;
	struct kc_error *err = kc_pgtable_walk(geo, root_paddr, vaddr, read,
					       ctx, &walk);
	if (!err)
		*paddr_ret = walk.paddr;
	return err;
}

static unsigned desc_type_flag(const struct kc_pgtable_geometry *geo,
			       uint64_t desc, int level)
{
	if ((desc & PTE_TYPE_MASK) == PTE_TYPE_TABLE)
		return level == 3 ? KC_PTE_F_PAGE : KC_PTE_F_TABLE;
	return kc_pgtable_block_allowed(geo, level) ? KC_PTE_F_BLOCK : 0;
}

unsigned kc_pgtable_desc_flags(const struct kc_pgtable_geometry *geo,
			       uint64_t desc, int level)
{
	unsigned flags = 0;
	if (!(desc & PTE_VALID)) {
		/* PROT_NONE user pages keep their other bits (v5.10 .. v6.9). */
		if (desc & PTE_PROT_NONE)
			flags |= KC_PTE_F_PROT_NONE;
	} else {
		flags |= KC_PTE_F_VALID | desc_type_flag(geo, desc, level);
		/* A table descriptor's other bits are not these attributes. */
		if (flags & KC_PTE_F_TABLE)
			return flags;
	}
	static const struct {
		uint64_t bits;
		unsigned flag;
	} attrs[] = {
		{PTE_USER, KC_PTE_F_USER},       {PTE_RDONLY, KC_PTE_F_RDONLY},
		{PTE_AF, KC_PTE_F_AF},           {PTE_NG, KC_PTE_F_NG},
		{PTE_CONT, KC_PTE_F_CONT},       {PTE_PXN, KC_PTE_F_PXN},
		{PTE_UXN, KC_PTE_F_UXN},         {PTE_DIRTY, KC_PTE_F_DIRTY},
		{PTE_SPECIAL, KC_PTE_F_SPECIAL}, {PTE_WRITE, KC_PTE_F_WRITE},
	};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (desc & attrs[i].bits)
			flags |= attrs[i].flag;
	}
	/* With LPA2 bits 9:8 are address bits: PTE_MAYBE_SHARED is 0 (v6.9). */
	if ((desc & PTE_SHARED) && geo->oa_format != KC_PGTABLE_OA_LPA2)
		flags |= KC_PTE_F_SHARED;
	return flags;
}

size_t kc_pgtable_flags_string(unsigned flags, char *buf, size_t size)
{
	/* crash's arm64_translate_pte order, type and CONT/WRITE added. */
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{KC_PTE_F_VALID, "VALID"},   {KC_PTE_F_TABLE, "TABLE"},
		{KC_PTE_F_PAGE, "PAGE"},     {KC_PTE_F_BLOCK, "BLOCK"},
		{KC_PTE_F_PROT_NONE, "PROT_NONE"},
		{KC_PTE_F_USER, "USER"},     {KC_PTE_F_RDONLY, "RDONLY"},
		{KC_PTE_F_SHARED, "SHARED"}, {KC_PTE_F_AF, "AF"},
		{KC_PTE_F_NG, "NG"},         {KC_PTE_F_CONT, "CONT"},
		{KC_PTE_F_PXN, "PXN"},       {KC_PTE_F_UXN, "UXN"},
		{KC_PTE_F_DIRTY, "DIRTY"},   {KC_PTE_F_SPECIAL, "SPECIAL"},
		{KC_PTE_F_WRITE, "WRITE"},
	};
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].flag))
			continue;
		int n = snprintf(len < size ? buf + len : NULL,
				 len < size ? size - len : 0, "%s%s",
				 len ? "|" : "", names[i].name);
		len += (size_t)n;
	}
	return len;
}
