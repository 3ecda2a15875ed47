/* SPDX-License-Identifier: MIT */
/*
 * arm64 page-table walker: every granule / VA / PA configuration on
 * synthetic tables built the kernel's way (synth_pgtable.c), then the real
 * fixtures: vmalloc, kernel text, linear map and kmalloc addresses of each
 * crashed kernel, walked from swapper_pg_dir.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/pgtable.h"
#include "error.h"
#include "harness.h"
#include "synth_pgtable.h"
#include "vmcore/dump.h"
#include "vmcoreinfo.h"

#define BIT(n) (UINT64_C(1) << (n))

/* Expected values from the kernel's Documentation/arm64/memory.rst tables. */
struct geo_case {
	unsigned page_shift, va_bits, va_bits_actual, pa_bits;
	unsigned nr_levels;
	int root_level;
	unsigned root_index_bits;
	const char *names;
	bool root_folded;
};

static const struct geo_case geo_cases[] = {
	{12, 39, 39, 48, 3, 1, 9, "pgd pmd pte", false},
	{12, 48, 48, 48, 4, 0, 9, "pgd pud pmd pte", false},
	{12, 52, 52, 52, 5, -1, 4, "pgd p4d pud pmd pte", false},
	{12, 52, 48, 52, 4, 0, 9, "pgd pud pmd pte", true},   /* LPA2 kernel, no LPA2 */
	{14, 36, 36, 48, 2, 2, 11, "pgd pte", false},
	{14, 47, 47, 48, 3, 1, 11, "pgd pmd pte", false},
	{14, 48, 48, 48, 4, 0, 1, "pgd pud pmd pte", false},
	{14, 52, 52, 52, 4, 0, 5, "pgd pud pmd pte", false},
	{14, 52, 47, 52, 3, 1, 11, "pgd pmd pte", true},      /* LPA2 kernel, no LPA2 */
	{16, 42, 42, 48, 2, 2, 13, "pgd pte", false},
	{16, 48, 48, 48, 3, 1, 6, "pgd pmd pte", false},
	{16, 48, 48, 52, 3, 1, 6, "pgd pmd pte", false},      /* 52-bit PA, 48-bit VA */
	{16, 52, 52, 52, 3, 1, 10, "pgd pmd pte", false},
	{16, 52, 48, 52, 3, 1, 10, "pgd pmd pte", false},     /* no LVA: TTBR1 offset */
};
#define NR_GEO_CASES (sizeof(geo_cases) / sizeof(geo_cases[0]))

static bool init_geo(const struct geo_case *c, struct kc_pgtable_geometry *geo)
{
	struct kc_error *err = kc_pgtable_geometry_init(
		geo, BIT(c->page_shift), c->va_bits, c->va_bits_actual, c->pa_bits);
	if (err) {
		CHECK_MSG(false, "geometry %u/%u/%u/%u: %s", c->page_shift,
			  c->va_bits, c->va_bits_actual, c->pa_bits,
			  kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	return true;
}

static const char *level_name_at(const char *names, unsigned i, char *buf)
{
	const char *p = names;
	for (unsigned k = 0; k < i && p; k++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return "";
	size_t n = strcspn(p, " ");
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

KC_TEST(pgtable_geometry)
{
	for (size_t i = 0; i < NR_GEO_CASES; i++) {
		const struct geo_case *c = &geo_cases[i];
		struct kc_pgtable_geometry geo;
		if (!init_geo(c, &geo))
			continue;
		CHECK_EQ_U64(geo.nr_levels, c->nr_levels);
		CHECK_EQ_U64(geo.root_level, c->root_level);
		CHECK_EQ_U64(geo.root_index_bits, c->root_index_bits);
		CHECK_EQ_U64(geo.root_folded, c->root_folded);
		CHECK_EQ_U64(kc_pgtable_level_shift(&geo, 3), c->page_shift);
		CHECK_EQ_U64(kc_pgtable_ptrs_per_table(&geo, 3), BIT(c->page_shift - 3));
		CHECK_EQ_U64(kc_pgtable_ptrs_per_table(&geo, c->root_level),
			     BIT(c->root_index_bits));
		CHECK(kc_pgtable_level_name(&geo, c->root_level - 1) == NULL);
		CHECK(kc_pgtable_level_name(&geo, 4) == NULL);
		for (int level = c->root_level; level <= 3; level++) {
			char buf[8];
			CHECK_STR(kc_pgtable_level_name(&geo, level),
				  level_name_at(c->names, (unsigned)(level - c->root_level), buf));
		}
	}

	/* Level shifts and block sizes the kernel documents. */
	struct kc_pgtable_geometry geo;
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 4096, 48, 48, 48));
	CHECK_EQ_U64(kc_pgtable_level_shift(&geo, 0), 39);
	CHECK_EQ_U64(kc_pgtable_level_size(&geo, 1), BIT(30));
	CHECK_EQ_U64(kc_pgtable_level_size(&geo, 2), BIT(21));
	CHECK(!kc_pgtable_block_allowed(&geo, 0));
	CHECK(kc_pgtable_block_allowed(&geo, 1) && kc_pgtable_block_allowed(&geo, 2));
	CHECK(!kc_pgtable_block_allowed(&geo, 3));
	CHECK_EQ_U64(geo.oa_format, KC_PGTABLE_OA_48);
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 4096, 52, 52, 52));
	CHECK_EQ_U64(kc_pgtable_level_shift(&geo, -1), 48);
	CHECK(kc_pgtable_block_allowed(&geo, 0) && !kc_pgtable_block_allowed(&geo, -1));
	CHECK_EQ_U64(geo.oa_format, KC_PGTABLE_OA_LPA2);
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 4096, 52, 48, 52));
	CHECK(!kc_pgtable_block_allowed(&geo, 0)); /* LPA2 off: no 512G blocks */
	CHECK_EQ_U64(geo.oa_format, KC_PGTABLE_OA_48);
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 16384, 47, 0, 48));
	CHECK_EQ_U64(geo.va_bits_actual, 47);
	CHECK_EQ_U64(kc_pgtable_level_size(&geo, 2), BIT(25));
	CHECK(!kc_pgtable_block_allowed(&geo, 1) && kc_pgtable_block_allowed(&geo, 2));
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 16384, 52, 52, 52));
	CHECK(kc_pgtable_block_allowed(&geo, 1));
	CHECK_EQ_U64(kc_pgtable_level_size(&geo, 1), BIT(36));
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 65536, 52, 52, 52));
	CHECK_EQ_U64(kc_pgtable_level_size(&geo, 1), BIT(42));
	CHECK(kc_pgtable_block_allowed(&geo, 1));
	CHECK_EQ_U64(geo.oa_format, KC_PGTABLE_OA_LPA);
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 65536, 48, 48, 48));
	CHECK(!kc_pgtable_block_allowed(&geo, 1));

	/* What Linux does not build or boot. */
	static const unsigned bad[][4] = {
		{8192, 48, 48, 48}, {4096, 47, 47, 48}, {4096, 42, 42, 48},
		{16384, 39, 39, 48}, {65536, 39, 39, 48}, {16384, 52, 48, 52},
		{4096, 48, 39, 48}, {65536, 52, 47, 52}, {4096, 48, 48, 56},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kc_error *err = kc_pgtable_geometry_init(
			&geo, bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
		CHECK_MSG(err && err->code == KC_ERR_UNSUPPORTED,
			  "%u/%u/%u/%u accepted", bad[i][0], bad[i][1],
			  bad[i][2], bad[i][3]);
		if (err)
			kc_error_destroy(err);
	}
}

KC_TEST(pgtable_untag)
{
	CHECK_EQ_U64(kc_pgtable_untag(0xf2ff800008183000), 0xffff800008183000);
	CHECK_EQ_U64(kc_pgtable_untag(0x00ff800008183000), 0xffff800008183000);
	CHECK_EQ_U64(kc_pgtable_untag(0x2a00000000f904b0), 0xf904b0);
	CHECK_EQ_U64(kc_pgtable_untag(0xff7f800008183000), 0x007f800008183000);
	CHECK_EQ_U64(kc_pgtable_untag(0xffff800008183000), 0xffff800008183000);
}

/* ---- Synthetic tables ---------------------------------------------- */

struct item {
	enum { IT_PAGE, IT_BLOCK, IT_CONT, IT_INVALID, IT_RESERVED, IT_OUTSIDE } kind;
	int level;
};

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static bool synth_high_pa(const struct geo_case *c)
{
	return c->pa_bits == 52 && (c->page_shift == 16 || c->va_bits_actual == 52);
}

#define SYNTH_TABLES 128

static struct synth_pgtable *new_synth(const struct geo_case *c)
{
	/* Tables above 2^48 when the format can say so: bits 51:48 = 0xd. */
	uint64_t mem_base = synth_high_pa(c) ? UINT64_C(0x000d000040000000)
					     : UINT64_C(0x40000000);
	return synth_create(c->page_shift, c->va_bits, c->va_bits_actual,
			    c->pa_bits, mem_base, SYNTH_TABLES << c->page_shift);
}

struct placer {
	uint64_t va_cursor, va_end; /* within the kernel half */
	uint64_t pa_cursor;
};

/* Place IT in S at the next free aligned VA; false if it does not fit. */
static bool place(struct synth_pgtable *s, const struct kc_pgtable_geometry *geo,
		  struct placer *pl, const struct item *it)
{
	uint64_t size = kc_pgtable_level_size(geo, it->level);
	uint64_t span = it->kind == IT_CONT ? size * synth_cont_entries(s, it->level)
					    : size;
	uint64_t va = align_up(pl->va_cursor, span);
	if (va < pl->va_cursor || va == 0 || span - 1 > pl->va_end - va)
		return false;
	uint64_t pa = align_up(pl->pa_cursor, span);
	uint64_t prot = synth_prot_page_kernel(s);
	bool ok = false;
	switch (it->kind) {
	case IT_PAGE:
	case IT_BLOCK:
		ok = synth_map(s, va, pa, it->level, prot);
		break;
	case IT_CONT:
		ok = synth_map_cont(s, va, pa, it->level);
		break;
	case IT_INVALID:
		/* Not zero: an address and AF, but bit 0 clear. */
		ok = synth_set_raw(s, va, it->level,
				   synth_phys_to_desc(s, pa) | BIT(10) | BIT(1),
				   SYNTH_INVALID);
		break;
	case IT_RESERVED:
		ok = synth_set_raw(s, va, it->level,
				   synth_phys_to_desc(s, pa) | (prot & ~UINT64_C(3)) | 1,
				   SYNTH_RESERVED);
		break;
	case IT_OUTSIDE: {
		uint64_t outside = s->mem_base + s->mem_size + (UINT64_C(64) << s->page_shift);
		ok = synth_set_raw(s, va, it->level,
				   synth_phys_to_desc(s, outside) | 3, SYNTH_READ_ERROR);
		break;
	}
	}
	CHECK_MSG(ok, "synth: cannot place item %d at level %d, va 0x%" PRIx64,
		  (int)it->kind, it->level, va);
	pl->va_cursor = va + span;
	pl->pa_cursor = pa + span;
	return true;
}

static size_t list_items(const struct kc_pgtable_geometry *geo, struct item *items)
{
	size_t n = 0;
	/* Deepest first, so that large alignments come last. */
	for (int level = 3; level >= geo->root_level; level--) {
		if (level == 3) {
			for (int i = 0; i < 3; i++)
				items[n++] = (struct item){IT_PAGE, 3};
			items[n++] = (struct item){IT_CONT, 3};
			items[n++] = (struct item){IT_RESERVED, 3};
		} else {
			if (kc_pgtable_block_allowed(geo, level))
				items[n++] = (struct item){IT_BLOCK, level};
			else
				items[n++] = (struct item){IT_RESERVED, level};
			if (level == 2)
				items[n++] = (struct item){IT_CONT, 2};
			items[n++] = (struct item){IT_OUTSIDE, level};
		}
		items[n++] = (struct item){IT_INVALID, level};
	}
	return n;
}

static void check_entries(const struct kc_pgtable_geometry *geo,
			  const struct synth_pgtable *s,
			  const struct kc_pgtable_walk *w, int last_level)
{
	CHECK_EQ_U64(w->nr_entries, (unsigned)(last_level - geo->root_level + 1));
	for (unsigned i = 0; i < w->nr_entries && i < KC_PGTABLE_MAX_LEVELS; i++) {
		const struct kc_pgtable_entry *e = &w->entries[i];
		CHECK_EQ_U64(e->level, geo->root_level + (int)i);
		CHECK_STR(e->name, kc_pgtable_level_name(geo, e->level));
		CHECK(e->paddr >= s->mem_base && e->paddr < s->mem_base + s->mem_size);
		CHECK(e->paddr % 8 == 0);
	}
}

/* Walk VA and compare every part of the result with the generator's. */
static void check_va(const struct kc_pgtable_geometry *geo,
		     struct synth_pgtable *s, uint64_t va)
{
	struct synth_expect exp = synth_lookup(s, va);
	struct kc_pgtable_walk w;
	uint64_t reads_before = s->nr_reads;
	struct kc_error *err = kc_pgtable_walk(geo, s->pgd, va, synth_read, s, &w);
	CHECK(s->nr_reads - reads_before <= geo->nr_levels);
	CHECK_EQ_U64(w.vaddr, va);
	bool ok = true;
	switch (exp.kind) {
	case SYNTH_MAPPED:
		ok &= CHECK_MSG(!err, "0x%" PRIx64 ": %s", va,
				err ? kc_error_message(err) : "");
		ok &= CHECK_MSG(w.status == KC_PGTABLE_MAPPED, "0x%" PRIx64 ": status %s", va,
				kc_pgtable_status_name(w.status));
		ok &= CHECK_MSG(w.paddr == exp.pa, "0x%" PRIx64 " -> 0x%" PRIx64 ", expected 0x%" PRIx64,
				va, w.paddr, exp.pa);
		CHECK_EQ_U64(w.map_size, kc_pgtable_level_size(geo, exp.level));
		CHECK_EQ_U64(w.is_block, exp.level != 3);
		CHECK_EQ_U64(w.contiguous, exp.contiguous);
		check_entries(geo, s, &w, exp.level);
		break;
	case SYNTH_INVALID:
	case SYNTH_RESERVED:
		ok &= CHECK_MSG(err && err->code == KC_ERR_FAULT, "0x%" PRIx64 " should fault", va);
		ok &= CHECK_MSG(w.status == (exp.kind == SYNTH_INVALID ? KC_PGTABLE_INVALID
								      : KC_PGTABLE_RESERVED),
				"0x%" PRIx64 ": status %s, expected %s at level %d", va,
				kc_pgtable_status_name(w.status),
				exp.kind == SYNTH_INVALID ? "invalid" : "reserved", exp.level);
		ok &= CHECK_MSG(w.stop_level == exp.level, "0x%" PRIx64 ": stopped at level %d, expected %d",
				va, w.stop_level, exp.level);
		CHECK_STR(w.stop_name, kc_pgtable_level_name(geo, exp.level));
		check_entries(geo, s, &w, exp.level);
		break;
	case SYNTH_READ_ERROR:
		ok &= CHECK_MSG(err && err->code == KC_ERR_NOT_IN_DUMP, "0x%" PRIx64 " should fail to read", va);
		CHECK_EQ_U64(w.status, KC_PGTABLE_READ_ERROR);
		ok &= CHECK_MSG(w.stop_level == exp.level, "0x%" PRIx64 ": stopped at level %d, expected %d",
				va, w.stop_level, exp.level);
		CHECK(strstr(w.read_error, "not in the synthetic memory") != NULL);
		CHECK(w.fault_paddr >= s->mem_base + s->mem_size);
		CHECK_EQ_U64(w.read_error_code, KC_ERR_NOT_IN_DUMP);
		check_entries(geo, s, &w, exp.level - 1);
		if (err)
			CHECK(strstr(kc_error_message(err), w.read_error) != NULL);
		break;
	}
	if (!ok)
		CHECK_MSG(false, "geometry %uK/%u/%u/%u, va 0x%" PRIx64,
			  1u << (geo->page_shift - 10), geo->va_bits,
			  geo->va_bits_actual, geo->pa_bits, va);
	if (err)
		kc_error_destroy(err);
}

static uint64_t lcg(uint64_t *state)
{
	*state = *state * 6364136223846793005u + 1442695040888963407u;
	return *state;
}

/* Start, end, middle, neighbours and tagged forms of every region. */
static void check_regions(const struct kc_pgtable_geometry *geo,
			  struct synth_pgtable *s)
{
	for (size_t i = 0; i < s->nr_expects; i++) {
		struct synth_expect e = s->expects[i];
		uint64_t vas[] = {
			e.va, e.va + e.size - 1, e.va + e.size / 2 + 8, e.va - 1,
			e.va + e.size, e.va + (e.size >> 1) - 8,
		};
		for (size_t k = 0; k < sizeof(vas) / sizeof(vas[0]); k++) {
			uint64_t va = vas[k];
			if ((va >> geo->va_bits_actual) != (~UINT64_C(0) >> geo->va_bits_actual))
				continue; /* fell out of the kernel half */
			check_va(geo, s, va);
			/* KASAN/MTE-tagged kernel pointer: tag in bits 63:56. */
			check_va(geo, s, (va & ~(UINT64_C(0xff) << 56)) | (UINT64_C(0xf3) << 56));
		}
	}
}

static void check_random(const struct kc_pgtable_geometry *geo,
			 struct synth_pgtable *s, uint64_t lo, uint64_t hi)
{
	uint64_t state = lo ^ hi;
	for (int i = 0; i < 300; i++) {
		uint64_t va = lo + lcg(&state) % (hi - lo);
		check_va(geo, s, va & ~UINT64_C(7));
	}
}

static void check_noncanonical(const struct kc_pgtable_geometry *geo,
			       struct synth_pgtable *s)
{
	if (geo->va_bits_actual >= 55)
		return;
	uint64_t vas[] = {
		(~UINT64_C(0) << geo->va_bits_actual) ^ BIT(geo->va_bits_actual),
		BIT(geo->va_bits_actual),
		UINT64_C(0x0080000000000000), /* bit 55 set alone: a tagged kernel pointer gone wrong */
	};
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		struct kc_pgtable_walk w;
		uint64_t reads = s->nr_reads;
		struct kc_error *err = kc_pgtable_walk(geo, s->pgd, vas[i], synth_read, s, &w);
		CHECK_MSG(err && err->code == KC_ERR_FAULT && err->has_address &&
			  err->address == vas[i], "0x%" PRIx64 " should be non-canonical", vas[i]);
		CHECK_EQ_U64(w.status, KC_PGTABLE_NONCANONICAL);
		CHECK_EQ_U64(w.nr_entries, 0);
		CHECK_EQ_U64(s->nr_reads, reads);
		if (err)
			kc_error_destroy(err);
	}
}

/* Build every item in as few synthetic memories as fit, checking each. */
static void exercise_kernel_half(const struct geo_case *c,
				 const struct kc_pgtable_geometry *geo)
{
	struct item items[64];
	size_t nr_items = list_items(geo, items);
	bool placed[64] = {false};
	size_t nr_placed = 0;
	for (int round = 0; nr_placed < nr_items && round < 8; round++) {
		struct synth_pgtable *s = new_synth(c);
		REQUIRE(s);
		struct placer pl = {
			.va_cursor = ~UINT64_C(0) << geo->va_bits_actual,
			.va_end = ~UINT64_C(0),
			.pa_cursor = synth_high_pa(c) ? UINT64_C(0x000e800000000000)
						      : UINT64_C(0x0000800000000000),
		};
		for (size_t i = 0; i < nr_items; i++) {
			if (!placed[i] && place(s, geo, &pl, &items[i])) {
				placed[i] = true;
				nr_placed++;
			}
		}
		check_regions(geo, s);
		check_random(geo, s, ~UINT64_C(0) << geo->va_bits_actual, pl.va_cursor);
		check_random(geo, s, ~UINT64_C(0) << geo->va_bits_actual, ~UINT64_C(0));
		check_noncanonical(geo, s);
		synth_destroy(s);
	}
	CHECK_EQ_U64(nr_placed, nr_items);
}

/* A process's tables (mm->pgd): user addresses, tagged user pointers. */
static void exercise_user_half(const struct geo_case *c,
			       const struct kc_pgtable_geometry *geo)
{
	struct synth_pgtable *s = new_synth(c);
	REQUIRE(s);
	uint64_t page = BIT(c->page_shift);
	/* PAGE_READONLY-like user page: USER | RDONLY | nG | PXN | UXN. */
	uint64_t prot = 3 | BIT(6) | BIT(7) | BIT(10) | BIT(11) | BIT(53) | BIT(54);
	uint64_t heap = 0x20000000 & ~(page - 1);
	CHECK(synth_map(s, heap, 0x41000000, 3, prot));
	CHECK(synth_map(s, heap + page, 0x40100000, 3, prot));
	uint64_t stack = (BIT(geo->va_bits_actual) - page) & ~(page - 1);
	CHECK(synth_map(s, stack, 0x40200000, 3, prot));
	uint64_t vas[] = {heap, heap + 0x4b0, heap + page + 8, stack + page - 8,
			  heap - 8, heap + 2 * page, 0};
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		check_va(geo, s, vas[i]);
		check_va(geo, s, vas[i] | (UINT64_C(0x2a) << 56)); /* TBI0 tag */
	}
	struct kc_pgtable_walk w;
	struct kc_error *err = kc_pgtable_walk(geo, s->pgd, heap + 0x4b0, synth_read, s, &w);
	CHECK(!err);
	if (!err) {
		char buf[128];
		unsigned flags = kc_pgtable_desc_flags(geo, w.entries[w.nr_entries - 1].value, 3);
		kc_pgtable_flags_string(flags & ~KC_PTE_F_TYPE_MASK, buf, sizeof(buf));
		CHECK_STR(buf, "VALID|USER|RDONLY|AF|NG|PXN|UXN");
	} else {
		kc_error_destroy(err);
	}
	synth_destroy(s);
}

KC_TEST(pgtable_synthetic_every_geometry)
{
	for (size_t i = 0; i < NR_GEO_CASES; i++) {
		struct kc_pgtable_geometry geo;
		if (!init_geo(&geo_cases[i], &geo))
			continue;
		exercise_kernel_half(&geo_cases[i], &geo);
		exercise_user_half(&geo_cases[i], &geo);
	}
}

/*
 * 64K pages, VA_BITS=52 kernel on a CPU without LVA: the MMU walks 48 bits
 * from swapper_pg_dir + TTBR1_BADDR_4852_OFFSET = ((1 << (52 - PGDIR_SHIFT))
 * - (1 << (48 - PGDIR_SHIFT))) * 8 (pgtable-hwdef.h, v5.4+). That walk and
 * kcrash's (the full 52-bit pgd, sign-extended index) must meet the same
 * entries.
 */
KC_TEST(pgtable_ttbr1_4852_offset)
{
	const struct geo_case *c = &geo_cases[NR_GEO_CASES - 1];
	REQUIRE(c->page_shift == 16 && c->va_bits == 52 && c->va_bits_actual == 48);
	struct kc_pgtable_geometry geo, hw;
	REQUIRE(init_geo(c, &geo));
	REQUIRE_OK(kc_pgtable_geometry_init(&hw, 65536, 48, 48, 52));
	struct synth_pgtable *s = new_synth(c);
	REQUIRE(s);
	uint64_t offset = ((BIT(52 - 42)) - BIT(48 - 42)) * 8;
	uint64_t vas[] = {0xffff000000000000, 0xffff800008580000, 0xfffffc0000010000,
			  0xffffd20781a10000, 0xffffffffffff0000};
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
		CHECK(synth_map(s, vas[i], 0x48000000 + i * 0x10000, 3,
				synth_prot_page_kernel(s)));
	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		struct kc_pgtable_walk sw, hww;
		struct kc_error *e1 = kc_pgtable_walk(&geo, s->pgd, vas[i] + 0x123, synth_read, s, &sw);
		struct kc_error *e2 = kc_pgtable_walk(&hw, s->pgd + offset, vas[i] + 0x123, synth_read, s, &hww);
		CHECK(!e1 && !e2);
		CHECK_EQ_U64(sw.paddr, 0x48000000 + i * 0x10000 + 0x123);
		CHECK_EQ_U64(hww.paddr, sw.paddr);
		for (unsigned k = 0; k < 3; k++)
			CHECK_EQ_U64(hww.entries[k].paddr, sw.entries[k].paddr);
		if (e1)
			kc_error_destroy(e1);
		if (e2)
			kc_error_destroy(e2);
	}
	synth_destroy(s);
}

/*
 * 4K LPA2 kernel on a CPU without LPA2 (v6.9+): 4 levels, p4d folded into
 * swapper_pg_dir's page (pgd_to_folded_p4d), bits 9:8 are shareability, not
 * address bits, and the root entry for a VA is at swapper_pg_dir + p4d_index.
 */
KC_TEST(pgtable_lpa2_folded_root)
{
	const struct geo_case *c = &geo_cases[3];
	REQUIRE(c->page_shift == 12 && c->va_bits == 52 && c->va_bits_actual == 48);
	struct kc_pgtable_geometry geo;
	REQUIRE(init_geo(c, &geo));
	struct synth_pgtable *s = new_synth(c);
	REQUIRE(s);
	uint64_t va = 0xffff800008183000;
	REQUIRE(synth_map(s, va, 0x41145000, 3, synth_prot_page_kernel(s)));
	struct kc_pgtable_walk w;
	REQUIRE_OK(kc_pgtable_walk(&geo, s->pgd, va + 8, synth_read, s, &w));
	CHECK_EQ_U64(w.paddr, 0x41145008);
	CHECK_EQ_U64(w.entries[0].paddr, s->pgd + ((va >> 39) & 511) * 8);
	CHECK_STR(w.entries[0].name, "pgd");
	CHECK(w.entries[3].value & (UINT64_C(3) << 8)); /* SHARED, not PA 51:50 */
	char buf[128];
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, w.entries[3].value, 3),
				buf, sizeof(buf));
	CHECK_STR(buf, "VALID|PAGE|SHARED|AF|PXN|UXN|WRITE");
	synth_destroy(s);

	/* The same kernel with LPA2 on: bits 9:8 carry PA 51:50, no SHARED. */
	c = &geo_cases[2];
	REQUIRE(init_geo(c, &geo));
	s = new_synth(c);
	REQUIRE(s);
	va = 0xfff0000012345000;
	REQUIRE(synth_map(s, va, 0x000f123456789000, 3, synth_prot_page_kernel(s)));
	REQUIRE_OK(kc_pgtable_walk(&geo, s->pgd, va, synth_read, s, &w));
	CHECK_EQ_U64(w.paddr, 0x000f123456789000);
	CHECK_EQ_U64(w.entries[4].value & (UINT64_C(3) << 8), UINT64_C(3) << 8);
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, w.entries[4].value, 3),
				buf, sizeof(buf));
	CHECK_STR(buf, "VALID|PAGE|AF|PXN|UXN|WRITE");
	synth_destroy(s);
}

KC_TEST(pgtable_flags)
{
	struct kc_pgtable_geometry geo;
	REQUIRE_OK(kc_pgtable_geometry_init(&geo, 4096, 48, 48, 48));
	char buf[160];
	/* PAGE_KERNEL page, 2M block, table. */
	uint64_t page_kernel = 0x0068000041145f03;
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, page_kernel, 3), buf, sizeof(buf));
	CHECK_STR(buf, "VALID|PAGE|SHARED|AF|NG|PXN|UXN|WRITE");
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, page_kernel & ~UINT64_C(2), 2),
				buf, sizeof(buf));
	CHECK_STR(buf, "VALID|BLOCK|SHARED|AF|NG|PXN|UXN|WRITE");
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, 0x0000000041234003, 1), buf, sizeof(buf));
	CHECK_STR(buf, "VALID|TABLE");
	/* Kernel text (PAGE_KERNEL_ROX), contiguous. */
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, 0x0050000040210783, 3), buf, sizeof(buf));
	CHECK_STR(buf, "VALID|PAGE|RDONLY|SHARED|AF|CONT|UXN");
	/* User dirty special page, and a PROT_NONE one (bit 0 clear, bit 58). */
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, 0x0188000040000fc3, 3), buf, sizeof(buf));
	CHECK_STR(buf, "VALID|PAGE|USER|RDONLY|SHARED|AF|NG|DIRTY|SPECIAL|WRITE");
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, 0x0400000040000f42, 3), buf, sizeof(buf));
	CHECK_STR(buf, "PROT_NONE|USER|SHARED|AF|NG");
	/* A reserved descriptor (01 at the last level) has no type. */
	kc_pgtable_flags_string(kc_pgtable_desc_flags(&geo, 0x0000000040000401, 3), buf, sizeof(buf));
	CHECK_STR(buf, "VALID|AF");
	/* snprintf semantics. */
	size_t need = kc_pgtable_flags_string(KC_PTE_F_VALID | KC_PTE_F_PAGE, buf, 4);
	CHECK_EQ_U64(need, strlen("VALID|PAGE"));
	CHECK_STR(buf, "VAL");
	CHECK_EQ_U64(kc_pgtable_flags_string(0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
}

/* ---- Real fixtures -------------------------------------------------- */

static struct kc_error *dump_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	return kc_dump_read_phys(ctx, paddr, buf, len);
}

struct fixture_ctx {
	const char *name;
	struct kc_dump *dump;
	struct kc_vmcoreinfo *info;
	struct kc_pgtable_geometry geo;
	uint64_t pgd_paddr;
	uint64_t kimage_voffset, phys_offset;
	uint64_t page_size;
};

static struct kc_error *vmcoreinfo_u64(const struct kc_vmcoreinfo *info,
				       const char *key, uint64_t *ret)
{
	return kc_vmcoreinfo_u64(info, key, ret);
}

static struct kc_error *open_fixture(struct fixture_ctx *fx, const char *path)
{
	struct kc_error *err = kc_dump_open(path, NULL, &fx->dump);
	if (err)
		return err;
	if (!fx->dump->vmcoreinfo)
		return kc_error_create(KC_ERR_FORMAT, "%s: no VMCOREINFO", path);
	err = kc_vmcoreinfo_parse(fx->dump->vmcoreinfo, fx->dump->vmcoreinfo_size, &fx->info);
	if (err)
		return err;
	uint64_t va_bits, t1sz, pa_bits, swapper;
	if ((err = vmcoreinfo_u64(fx->info, "PAGESIZE", &fx->page_size)) ||
	    (err = vmcoreinfo_u64(fx->info, "NUMBER(VA_BITS)", &va_bits)) ||
	    (err = vmcoreinfo_u64(fx->info, "NUMBER(TCR_EL1_T1SZ)", &t1sz)) ||
	    (err = vmcoreinfo_u64(fx->info, "NUMBER(MAX_PHYSMEM_BITS)", &pa_bits)) ||
	    (err = vmcoreinfo_u64(fx->info, "NUMBER(kimage_voffset)", &fx->kimage_voffset)) ||
	    (err = vmcoreinfo_u64(fx->info, "NUMBER(PHYS_OFFSET)", &fx->phys_offset)) ||
	    (err = kc_vmcoreinfo_symbol(fx->info, "swapper_pg_dir", &swapper)))
		return err;
	err = kc_pgtable_geometry_init(&fx->geo, fx->page_size, (unsigned)va_bits,
				       64 - (unsigned)t1sz, (unsigned)pa_bits);
	if (err)
		return err;
	fx->pgd_paddr = swapper - fx->kimage_voffset;
	return NULL;
}

static void close_fixture(struct fixture_ctx *fx)
{
	if (fx->info)
		kc_vmcoreinfo_destroy(fx->info);
	if (fx->dump)
		kc_dump_close(fx->dump);
}

/* "0xVA->0xPA ..." from facts.txt. */
static bool fact_va_pa(const char *fixture, const char *key, uint64_t *va, uint64_t *pa)
{
	char *v = kc_test_fact(fixture, key);
	if (!v)
		return false;
	char *end;
	*va = strtoull(v, &end, 16);
	bool ok = end[0] == '-' && end[1] == '>';
	if (ok)
		*pa = strtoull(end + 2, NULL, 16);
	free(v);
	return ok;
}

static bool walk_ok(struct fixture_ctx *fx, uint64_t va, struct kc_pgtable_walk *w)
{
	struct kc_error *err = kc_pgtable_walk(&fx->geo, fx->pgd_paddr, va, dump_read,
					       fx->dump, w);
	if (err) {
		CHECK_MSG(false, "%s: %s", fx->name, kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	return true;
}

static unsigned leaf_flags(const struct fixture_ctx *fx, const struct kc_pgtable_walk *w)
{
	const struct kc_pgtable_entry *leaf = &w->entries[w->nr_entries - 1];
	return kc_pgtable_desc_flags(&fx->geo, leaf->value, leaf->level);
}

/* The test module's 16 vmalloc pages: PA from facts.txt and the pattern. */
static void check_vmalloc_buffer(struct fixture_ctx *fx)
{
	uint64_t *page = malloc(fx->page_size);
	REQUIRE(page);
	uint64_t words = fx->page_size / 8;
	unsigned checked = 0;
	for (unsigned i = 0; i < 16; i++) {
		char key[64];
		uint64_t va = 0, pa = 0;
		snprintf(key, sizeof(key), "testmod.vbuf.page%u", i);
		if (!CHECK_MSG(fact_va_pa(fx->name, key, &va, &pa), "%s: no %s", fx->name, key))
			continue;
		struct kc_pgtable_walk w;
		if (!walk_ok(fx, va, &w))
			continue;
		CHECK_EQ_U64(w.paddr, pa);
		CHECK_EQ_U64(w.map_size, fx->page_size);
		CHECK(!w.is_block);
		CHECK_EQ_U64(w.nr_entries, fx->geo.nr_levels);
		unsigned flags = leaf_flags(fx, &w);
		unsigned want = KC_PTE_F_VALID | KC_PTE_F_PAGE | KC_PTE_F_AF |
				KC_PTE_F_PXN | KC_PTE_F_UXN | KC_PTE_F_WRITE;
		CHECK_MSG((flags & want) == want && !(flags & (KC_PTE_F_USER | KC_PTE_F_RDONLY)),
			  "%s: vmalloc page flags 0x%x", fx->name, flags);
		/* A tagged pointer to the same page. */
		struct kc_pgtable_walk tw;
		if (walk_ok(fx, (va & ~(UINT64_C(0xff) << 56)) | (UINT64_C(0xf7) << 56) | 0x10, &tw))
			CHECK_EQ_U64(tw.paddr, pa + 0x10);
		REQUIRE_OK(kc_dump_read_phys(fx->dump, w.paddr, page, fx->page_size));
		uint64_t bad = 0;
		for (uint64_t j = 0; j < words; j++) {
			uint64_t want_word = UINT64_C(0x4b43564d00000000) | (i * words + j);
			if (le64toh(page[j]) != want_word)
				bad++;
		}
		CHECK_MSG(bad == 0, "%s: vmalloc page %u: %" PRIu64 " words differ", fx->name, i, bad);
		checked++;
	}
	CHECK_EQ_U64(checked, 16);
	free(page);
}

static void check_kernel_text(struct fixture_ctx *fx)
{
	uint64_t stext;
	REQUIRE_OK(kc_vmcoreinfo_symbol(fx->info, "_stext", &stext));
	struct kc_pgtable_walk w;
	if (!walk_ok(fx, stext, &w))
		return;
	CHECK_EQ_U64(w.paddr, stext - fx->kimage_voffset);
	unsigned flags = leaf_flags(fx, &w);
	CHECK_MSG((flags & KC_PTE_F_RDONLY) && !(flags & KC_PTE_F_PXN),
		  "%s: kernel text flags 0x%x", fx->name, flags);
	/* swapper_pg_dir itself is in the kernel image. */
	uint64_t swapper;
	REQUIRE_OK(kc_vmcoreinfo_symbol(fx->info, "swapper_pg_dir", &swapper));
	if (walk_ok(fx, swapper, &w))
		CHECK_EQ_U64(w.paddr, fx->pgd_paddr);
}

/*
 * Linear map: PA = (VA - PAGE_OFFSET) + PHYS_OFFSET (mod 2^64), PAGE_OFFSET
 * = -(1 << VA_BITS) (v5.4+). Probe the start, middle and end of every
 * memory range the dump holds.
 */
static void check_linear_map(struct fixture_ctx *fx)
{
	uint64_t page_offset = -(UINT64_C(1) << fx->geo.va_bits);
	unsigned probes = 0;
	for (size_t r = 0; r < fx->dump->nr_ranges; r++) {
		const struct kc_dump_range *range = &fx->dump->ranges[r];
		uint64_t pas[] = {range->start, range->start + ((range->end - range->start) / 2 & ~UINT64_C(7)),
				  range->end - 8};
		for (size_t i = 0; i < 3; i++) {
			uint64_t va = pas[i] - fx->phys_offset + page_offset;
			struct kc_pgtable_walk w;
			if (!walk_ok(fx, va, &w))
				continue;
			CHECK_MSG(w.paddr == pas[i], "%s: linear 0x%" PRIx64 " -> 0x%" PRIx64 ", expected 0x%" PRIx64,
				  fx->name, va, w.paddr, pas[i]);
			probes++;
		}
	}
	CHECK(probes >= 3);
}

static void check_kmalloc_objects(struct fixture_ctx *fx)
{
	for (unsigned i = 0; i < 4; i++) {
		char key[32], name[32];
		uint64_t va = 0, pa = 0;
		snprintf(key, sizeof(key), "testmod.obj%u", i);
		if (!CHECK_MSG(fact_va_pa(fx->name, key, &va, &pa), "%s: no %s", fx->name, key))
			continue;
		struct kc_pgtable_walk w;
		if (!walk_ok(fx, va, &w))
			continue;
		CHECK_EQ_U64(w.paddr, pa);
		/* struct kcrash_obj { u64 magic; int id; char name[32]; ... } */
		uint8_t obj[48];
		REQUIRE_OK(kc_dump_read_phys(fx->dump, w.paddr, obj, sizeof(obj)));
		uint64_t magic;
		memcpy(&magic, obj, 8);
		CHECK_EQ_U64(le64toh(magic), 0x4b435241534f424a);
		snprintf(name, sizeof(name), "kcrash-obj-%u", i);
		CHECK(memcmp(obj + 12, name, strlen(name) + 1) == 0);
	}
}

/* Addresses that must not translate: the walk must say where and why. */
static void check_unmapped(struct fixture_ctx *fx)
{
	struct kc_pgtable_walk w;
	/* The lowest kernel address is below the modules/vmalloc area. */
	uint64_t va = ~UINT64_C(0) << fx->geo.va_bits_actual;
	struct kc_error *err = kc_pgtable_walk(&fx->geo, fx->pgd_paddr, va + 0x1000,
					       dump_read, fx->dump, &w);
	if (err) {
		CHECK_EQ_U64(err->code, KC_ERR_FAULT);
		CHECK_EQ_U64(w.status, KC_PGTABLE_INVALID);
		CHECK(w.stop_name != NULL);
		kc_error_destroy(err);
	}
	/* Non-canonical for this VA size. */
	err = kc_pgtable_walk(&fx->geo, fx->pgd_paddr, BIT(fx->geo.va_bits_actual),
			      dump_read, fx->dump, &w);
	CHECK(err && w.status == KC_PGTABLE_NONCANONICAL);
	if (err)
		kc_error_destroy(err);
	/* A root outside the dump: the read error comes through. */
	err = kc_pgtable_walk(&fx->geo, UINT64_C(0x000ff00000000000), va,
			      dump_read, fx->dump, &w);
	CHECK(err && w.status == KC_PGTABLE_READ_ERROR && w.read_error[0]);
	if (err)
		kc_error_destroy(err);
}

static void check_fixture(const char *fixture)
{
	KC_FIXTURE_OR_RETURN(path, fixture, "vmcore.elf.zst");
	struct fixture_ctx fx = {.name = fixture};
	struct kc_error *err = open_fixture(&fx, path);
	if (err) {
		CHECK_MSG(false, "%s: %s", fixture, kc_error_message(err));
		kc_error_destroy(err);
		close_fixture(&fx);
		return;
	}
	check_vmalloc_buffer(&fx);
	check_kernel_text(&fx);
	check_linear_map(&fx);
	check_kmalloc_objects(&fx);
	check_unmapped(&fx);
	close_fixture(&fx);
}

KC_TEST(pgtable_fixture_4k48) { check_fixture("arm64-6.1-4k48"); }
KC_TEST(pgtable_fixture_64k52) { check_fixture("arm64-6.1-64k52"); }
KC_TEST(pgtable_fixture_16k47) { check_fixture("arm64-6.1-16k47"); }
KC_TEST(pgtable_fixture_4k39) { check_fixture("arm64-5.10-4k39"); }

/* Every fixture the harness knows is covered above. */
KC_TEST(pgtable_fixture_list)
{
	static const char *const covered[] = {
		"arm64-6.1-4k48", "arm64-6.1-64k52", "arm64-6.1-16k47", "arm64-5.10-4k39",
	};
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		bool found = false;
		for (size_t k = 0; k < 4; k++)
			found |= strcmp(kc_test_fixture_names[i], covered[k]) == 0;
		CHECK_MSG(found, "fixture %s has no page-table test", kc_test_fixture_names[i]);
	}
}
