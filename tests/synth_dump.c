/* SPDX-License-Identifier: MIT */
/*
 * Synthetic arm64 crash dumps (see synth_dump.h). The layout formulas below
 * are the kernel's, from the release named beside each; nothing here calls
 * src/arm64/.
 */
#include "synth_dump.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(n) (UINT64_C(1) << (n))
#define SZ_64K BIT(16)
#define SZ_2M BIT(21)
#define SZ_8M BIT(23)
#define SZ_128M BIT(27)
#define SZ_256M BIT(28)
#define SZ_1G BIT(30)
#define SZ_2G BIT(31)

/* sizeof(struct page) on the kernels modelled (SIZE(page) in VMCOREINFO). */
#define STRUCT_PAGE_SIZE 64
#define STRUCT_PAGE_MAX_SHIFT 6
#define RAM0_START UINT64_C(0x40000000)

enum synth_era synth_era_of(unsigned version)
{
	if (version < SYNTH_VERSION(5, 0))
		return SYNTH_ERA_V4_9;
	if (version < SYNTH_VERSION(5, 4))
		return SYNTH_ERA_V5_0;
	if (version < SYNTH_VERSION(5, 11))
		return SYNTH_ERA_V5_4;
	if (version < SYNTH_VERSION(5, 17))
		return SYNTH_ERA_V5_11;
	if (version < SYNTH_VERSION(6, 5))
		return SYNTH_ERA_V5_17;
	if (version < SYNTH_VERSION(6, 9))
		return SYNTH_ERA_V6_5;
	return SYNTH_ERA_V6_9;
}

const char *synth_era_name(enum synth_era era)
{
	static const char *const names[] = {"v4.9", "v5.0", "v5.4", "v5.11",
					    "v5.17", "v6.5", "v6.9"};
	return names[era];
}

const char *synth_probe_kind_name(enum synth_probe_kind kind)
{
	static const char *const names[] = {"kernel image", "linear map",
					    "vmalloc", "module"};
	return names[kind];
}

uint64_t synth_dump_word(uint32_t tag, uint64_t i)
{
	return UINT64_C(0x5359000000000000) | ((uint64_t)tag << 24) | (i & 0xffffff);
}

/* _PAGE_OFFSET(va) = -(1 << va), _PAGE_END(va) = -(1 << (va - 1)) (v5.4+). */
static uint64_t page_offset_of(unsigned va)
{
	return -BIT(va);
}

static uint64_t page_end_of(unsigned va)
{
	return -BIT(va - 1);
}

static bool flipped(enum synth_era era)
{
	return era >= SYNTH_ERA_V5_4;
}

/* ARM64_HW_PGTABLE_LEVELS(VA_BITS) = CONFIG_PGTABLE_LEVELS (Kconfig). */
static unsigned pgtable_levels(const struct synth_dump_config *cfg)
{
	return (cfg->va_bits - 4) / (cfg->page_shift - 3);
}

/* PUD_SIZE: with the pud folded it is PGDIR_SIZE (pgtable-nopud.h). */
static uint64_t pud_size(const struct synth_dump_config *cfg)
{
	unsigned levels = pgtable_levels(cfg);
	int level = levels >= 3 ? 1 : 4 - (int)levels;
	return BIT((cfg->page_shift - 3) * (unsigned)(4 - level) + 3);
}

/* VA_BITS_MIN: 48 for 52-bit kernels (47 with 16K pages from v6.9). */
static unsigned va_bits_min(const struct synth_dump *d)
{
	if (d->cfg.va_bits <= 48)
		return d->cfg.va_bits;
	return d->era >= SYNTH_ERA_V6_9 && d->cfg.page_shift == 14 ? 47 : 48;
}

/*
 * v4.9 memory.h / pgtable.h: VA_START = -(1 << VA_BITS), PAGE_OFFSET =
 * -(1 << (VA_BITS - 1)), MODULES_VADDR = VA_START (+ KASAN shadow, none
 * here), MODULES_VSIZE = SZ_128M, KIMAGE_VADDR = MODULES_END, VMALLOC_START
 * = MODULES_END, VMEMMAP_SIZE = 1 << (VA_BITS - PAGE_SHIFT - 1 +
 * STRUCT_PAGE_MAX_SHIFT), VMEMMAP_START = PAGE_OFFSET - VMEMMAP_SIZE,
 * VMALLOC_END = PAGE_OFFSET - PUD_SIZE - VMEMMAP_SIZE - SZ_64K. v5.0
 * (91fc957c9b1d): a 128M BPF JIT region at VA_START, modules above it.
 */
static void layout_v4_9(struct synth_dump *d)
{
	unsigned va = d->cfg.va_bits;
	uint64_t va_start = -BIT(va);
	d->page_offset = -BIT(va - 1);
	d->modules_vaddr = va_start + (d->era == SYNTH_ERA_V5_0 ? SZ_128M : 0);
	d->modules_end = d->modules_vaddr + SZ_128M;
	uint64_t vmemmap_size = BIT(va - d->cfg.page_shift - 1 + STRUCT_PAGE_MAX_SHIFT);
	d->vmemmap_start = d->page_offset - vmemmap_size;
	d->vmemmap_end = d->page_offset;
	d->vmalloc_start = d->modules_end;
	d->vmalloc_end = d->page_offset - pud_size(&d->cfg) - vmemmap_size - SZ_64K;
}

/*
 * v5.4 memory.h (14c127c957c1 flipped the VA space): PAGE_OFFSET =
 * _PAGE_OFFSET(VA_BITS), KASAN_SHADOW_END = _PAGE_END(VA_BITS_MIN) without
 * KASAN, BPF_JIT_REGION_START = KASAN_SHADOW_END (128M), MODULES_VADDR =
 * BPF_JIT_REGION_END, VMEMMAP_SIZE = (_PAGE_END(VA_BITS_MIN) - PAGE_OFFSET)
 * >> (PAGE_SHIFT - STRUCT_PAGE_MAX_SHIFT), VMEMMAP_START = -VMEMMAP_SIZE -
 * SZ_2M; pgtable.h: VMALLOC_END = -PUD_SIZE - VMEMMAP_SIZE - SZ_64K.
 */
static void layout_v5_4(struct synth_dump *d)
{
	d->page_offset = page_offset_of(d->cfg.va_bits);
	uint64_t bpf = page_end_of(va_bits_min(d));
	d->modules_vaddr = bpf + SZ_128M;
	d->modules_end = d->modules_vaddr + SZ_128M;
	uint64_t vmemmap_size = (page_end_of(va_bits_min(d)) - d->page_offset) >>
				(d->cfg.page_shift - STRUCT_PAGE_MAX_SHIFT);
	d->vmemmap_start = -vmemmap_size - SZ_2M;
	d->vmemmap_end = d->vmemmap_start + vmemmap_size;
	d->vmalloc_start = d->modules_end;
	d->vmalloc_end = -pud_size(&d->cfg) - vmemmap_size - SZ_64K;
}

/*
 * v5.11 memory.h (9ad7c6d5e75b): VMEMMAP_SHIFT = PAGE_SHIFT -
 * STRUCT_PAGE_MAX_SHIFT, VMEMMAP_START = -(1 << (VA_BITS - VMEMMAP_SHIFT)),
 * VMEMMAP_SIZE = (_PAGE_END(VA_BITS_MIN) - PAGE_OFFSET) >> VMEMMAP_SHIFT;
 * pgtable.h: VMALLOC_END = VMEMMAP_START - SZ_256M. Modules: 128M after a
 * 128M BPF JIT region at _PAGE_END(VA_BITS_MIN) (v5.11), without it from
 * v5.17 (b89ddf4cca43), 2G from v6.5 (3e35d303ab7d).
 */
static void layout_v5_11(struct synth_dump *d)
{
	d->page_offset = page_offset_of(d->cfg.va_bits);
	uint64_t base = page_end_of(va_bits_min(d));
	d->modules_vaddr = base + (d->era == SYNTH_ERA_V5_11 ? SZ_128M : 0);
	d->modules_end = d->modules_vaddr + (d->era >= SYNTH_ERA_V6_5 ? SZ_2G : SZ_128M);
	unsigned vmemmap_shift = d->cfg.page_shift - STRUCT_PAGE_MAX_SHIFT;
	d->vmemmap_start = -BIT(d->cfg.va_bits - vmemmap_shift);
	d->vmemmap_end = d->vmemmap_start +
		((page_end_of(va_bits_min(d)) - d->page_offset) >> vmemmap_shift);
	d->vmalloc_start = d->modules_end;
	d->vmalloc_end = d->vmemmap_start - SZ_256M;
}

/*
 * v6.9 memory.h: MODULES_VADDR = _PAGE_END(VA_BITS_MIN), MODULES_VSIZE =
 * SZ_2G, VMEMMAP_RANGE = _PAGE_END(VA_BITS_MIN) - PAGE_OFFSET, VMEMMAP_SIZE =
 * (VMEMMAP_RANGE >> PAGE_SHIFT) * sizeof(struct page), VMEMMAP_END =
 * -SZ_1G; pgtable.h: VMALLOC_END = VMEMMAP_START - SZ_8M, or with VA_BITS >
 * VA_BITS_MIN VMEMMAP_START + VMEMMAP_UNUSED_NPAGES * sizeof(struct page) -
 * SZ_8M, VMEMMAP_UNUSED_NPAGES = (_PAGE_OFFSET(vabits_actual) -
 * PAGE_OFFSET) >> PAGE_SHIFT.
 */
static void layout_v6_9(struct synth_dump *d)
{
	d->page_offset = page_offset_of(d->cfg.va_bits);
	d->modules_vaddr = page_end_of(va_bits_min(d));
	d->modules_end = d->modules_vaddr + SZ_2G;
	uint64_t range = page_end_of(va_bits_min(d)) - d->page_offset;
	d->vmemmap_end = -SZ_1G;
	d->vmemmap_start = d->vmemmap_end -
		(range >> d->cfg.page_shift) * STRUCT_PAGE_SIZE;
	d->vmalloc_start = d->modules_end;
	if (d->cfg.va_bits == va_bits_min(d)) {
		d->vmalloc_end = d->vmemmap_start - SZ_8M;
	} else {
		uint64_t unused = (page_offset_of(d->cfg.va_bits_actual) -
				   d->page_offset) >> d->cfg.page_shift;
		d->vmalloc_end = d->vmemmap_start + unused * STRUCT_PAGE_SIZE - SZ_8M;
	}
}

/*
 * memstart_addr and the linear map (arch/arm64/mm/init.c,
 * arm64_memblock_init): memstart_addr = RAM start rounded down to
 * ARM64_MEMSTART_ALIGN (1G-aligned here), lowered by a multiple of it when
 * the linear region is randomised (v4.6+, c031a4213c11). A 52-bit kernel on
 * 48-bit hardware maps RAM from _PAGE_OFFSET(48): v5.4..v5.10 through
 * physvirt_offset = PHYS_OFFSET - _PAGE_OFFSET(48) with memstart_addr
 * untouched; from v5.11 (7bc1a0f9e176) by lowering memstart_addr by
 * _PAGE_OFFSET(48) - _PAGE_OFFSET(52), which is what NUMBER(PHYS_OFFSET)
 * then shows.
 */
static void set_memstart(struct synth_dump *d)
{
	d->memstart_addr = RAM0_START - (d->cfg.randomize_linear ? 3 * SZ_1G : 0);
	d->phys_offset = d->memstart_addr;
	if (d->era >= SYNTH_ERA_V5_11 && d->cfg.va_bits_actual != d->cfg.va_bits)
		d->phys_offset -= page_offset_of(d->cfg.va_bits_actual) -
				  page_offset_of(d->cfg.va_bits);
}

uint64_t synth_dump_linear_va(const struct synth_dump *d, uint64_t paddr)
{
	if (!flipped(d->era)) /* v4.9 __phys_to_virt: (x - PHYS_OFFSET) | PAGE_OFFSET */
		return (paddr - d->phys_offset) | d->page_offset;
	if (d->era == SYNTH_ERA_V5_4) /* v5.4: x - physvirt_offset */
		return paddr - d->memstart_addr + page_offset_of(d->cfg.va_bits_actual);
	/* v5.11+: (x - PHYS_OFFSET) + PAGE_OFFSET */
	return paddr - d->phys_offset + d->page_offset;
}

/*
 * The kernel image: KIMAGE_VADDR = MODULES_END in every era (memory.h v4.9
 * .. v6.9), moved up by the KASLR offset (2M-aligned); before v5.8
 * TEXT_OFFSET (0x80000) put _text above that.
 */
static void place_image(struct synth_dump *d)
{
	uint64_t page = BIT(d->cfg.page_shift);
	d->kimage_vaddr = d->modules_end;
	d->kaslr_offset = (16 + (uint64_t)d->cfg.kaslr_slot) * SZ_2M;
	uint64_t text_offset = d->cfg.version < SYNTH_VERSION(5, 8) ? 0x80000 : 0;
	d->text = d->kimage_vaddr + d->kaslr_offset + text_offset;
	d->stext = d->text + page;
	/* Image pages: text, rodata, swapper_pg_dir. */
	d->image_pa = RAM0_START + 2 * page;
	d->image_size = 3 * page;
	d->kimage_voffset = d->text - d->image_pa;
	d->swapper_pa = d->image_pa + 2 * page;
	d->swapper_va = d->text + 2 * page;
}

static bool supported(const struct synth_dump_config *cfg, enum synth_era era,
		      const char **why)
{
	unsigned ps = cfg->page_shift, va = cfg->va_bits;
	bool ok = (ps == 12 && (va == 39 || va == 48)) ||
		  (ps == 14 && va == 47) || (ps == 16 && (va == 42 || va == 48));
	/* 52-bit VA: 64K pages from v5.4 (ARM64_VA_BITS_52), 4K/16K with LPA2
	 * from v6.9. */
	if (va == 52)
		ok = (ps == 16 && era >= SYNTH_ERA_V5_4) || era >= SYNTH_ERA_V6_9;
	/* A 52-bit kernel on a CPU without LVA/LPA2 runs with VA_BITS_MIN. */
	unsigned actual = cfg->va_bits_actual;
	if (actual != va && (va != 52 || actual != (ps == 14 ? 47u : 48u)))
		ok = false;
	if (!ok)
		*why = "not a configuration this release builds";
	return ok;
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */

static uint8_t *ram_ptr(struct synth_dump *d, uint64_t pa, uint64_t len)
{
	for (int i = 0; i < 2; i++)
		if (pa >= d->ram[i].start && len <= d->ram[i].size &&
		    pa - d->ram[i].start <= d->ram[i].size - len)
			return d->ram_bytes[i] + (pa - d->ram[i].start);
	return NULL;
}

static uint64_t alloc_data_page(struct synth_dump *d)
{
	struct synth_pgtable *s = d->pgt;
	uint64_t page = BIT(d->cfg.page_shift);
	if (s->next_free + page > s->mem_base + s->mem_size)
		return 0;
	uint64_t pa = s->next_free;
	s->next_free += page;
	return pa;
}

static void fill_pattern(uint8_t *bytes, uint64_t len, uint32_t tag)
{
	for (uint64_t i = 0; i < len / 8; i++) {
		uint64_t w = synth_dump_word(tag, i);
		for (int b = 0; b < 8; b++)
			bytes[i * 8 + b] = (uint8_t)(w >> (8 * b));
	}
}

static bool add_probe(struct synth_dump *d, enum synth_probe_kind kind,
		      uint64_t va, uint64_t pa)
{
	if (d->nr_probes == SYNTH_MAX_PROBES)
		return false;
	uint32_t tag = (uint32_t)d->nr_probes + 1;
	d->probes[d->nr_probes++] = (struct synth_probe){kind, va, pa, tag};
	return true;
}

/* Write the probes' patterns once every table is in place. */
static bool fill_probes(struct synth_dump *d)
{
	uint64_t page = BIT(d->cfg.page_shift);
	for (size_t i = 0; i < d->nr_probes; i++) {
		const struct synth_probe *p = &d->probes[i];
		uint8_t *bytes = p->pa >= d->pgt->mem_base &&
				 p->pa - d->pgt->mem_base < d->pgt->mem_size ?
			d->pgt->mem + (p->pa - d->pgt->mem_base) :
			ram_ptr(d, p->pa, page);
		if (!bytes)
			return false;
		fill_pattern(bytes, page, p->tag);
	}
	return true;
}

/* Map [pa, pa + size) of RAM at its linear address: 2-level blocks where
 * aligned, else contiguous PTE runs, else pages (as __create_pgd_mapping
 * picks them without rodata=full). */
static bool map_linear(struct synth_dump *d, uint64_t pa, uint64_t size)
{
	struct synth_pgtable *s = d->pgt;
	uint64_t page = BIT(d->cfg.page_shift);
	uint64_t block = BIT(synth_level_shift(s, 2));
	uint64_t cont = page * synth_cont_entries(s, 3);
	uint64_t end = pa + size;
	while (pa < end) {
		uint64_t va = synth_dump_linear_va(d, pa);
		bool ok;
		if (pa % block == 0 && va % block == 0 && end - pa >= block &&
		    synth_level_shift(s, 2) <= 30) {
			ok = synth_map(s, va, pa, 2, synth_prot_page_kernel(s));
			pa += block;
		} else if (pa % cont == 0 && va % cont == 0 && end - pa >= cont) {
			ok = synth_map_cont(s, va, pa, 3);
			pa += cont;
		} else {
			ok = synth_map(s, va, pa, 3, synth_prot_page_kernel(s));
			pa += page;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool map_page(struct synth_dump *d, uint64_t va, uint64_t pa)
{
	return synth_map(d->pgt, va, pa, 3, synth_prot_page_kernel(d->pgt));
}

static bool add_hole(struct synth_dump *d, const char *what, uint64_t va)
{
	struct synth_expect e = synth_lookup(d->pgt, va);
	if (e.kind != SYNTH_INVALID || e.level > 3 || d->nr_holes == SYNTH_MAX_HOLES)
		return false;
	d->holes[d->nr_holes++] = (struct synth_hole){what, va, e.level};
	return true;
}

/*
 * RAM bank 0 (RAM0_START): [low page, spare, image text, image rodata,
 * swapper_pg_dir, tables and data pages...]. Bank 1: four pages, above
 * 2^48 when the kernel walks LPA/LPA2 descriptors and says so
 * (MAX_PHYSMEM_BITS, v5.9+), so their high address bits are exercised.
 */
static bool build_memory(struct synth_dump *d)
{
	const struct synth_dump_config *cfg = &d->cfg;
	uint64_t page = BIT(cfg->page_shift);
	d->ram[0] = (struct synth_ram){RAM0_START, cfg->page_shift == 16 ? 4 * BIT(20)
									 : 2 * BIT(20)};
	bool high = cfg->pa_bits == 52 && cfg->va_bits_actual == 52 && d->has_physmem_bits;
	d->ram[1] = (struct synth_ram){high ? BIT(48) + RAM0_START : 2 * SZ_1G, 4 * page};
	d->pgt = synth_create(cfg->page_shift, cfg->va_bits, cfg->va_bits_actual,
			      cfg->pa_bits, d->swapper_pa,
			      d->ram[0].size - (d->swapper_pa - RAM0_START));
	d->ram_bytes[0] = calloc(1, d->ram[0].size);
	d->ram_bytes[1] = calloc(1, d->ram[1].size);
	return d->pgt && d->ram_bytes[0] && d->ram_bytes[1];
}

static bool map_everything(struct synth_dump *d)
{
	uint64_t page = BIT(d->cfg.page_shift);
	uint64_t r1 = d->ram[1].start;
	/* Data pages first: the bump allocator hands out tables after them. */
	uint64_t vm_a[2], vm_b, mod[2];
	for (int i = 0; i < 2; i++)
		vm_a[i] = alloc_data_page(d);
	vm_b = alloc_data_page(d);
	for (int i = 0; i < 2; i++)
		mod[i] = alloc_data_page(d);
	if (!vm_a[1] || !vm_b || !mod[1])
		return false;

	bool ok = true;
	/* The image, page by page: text, rodata, swapper_pg_dir. */
	for (int i = 0; i < 3; i++)
		ok = ok && map_page(d, d->text + i * page, d->image_pa + i * page);
	ok = ok && add_probe(d, SYNTH_PROBE_KIMAGE, d->text, d->image_pa) &&
	     add_probe(d, SYNTH_PROBE_KIMAGE, d->text + page, d->image_pa + page);
	/* The linear map of both banks. */
	ok = ok && map_linear(d, d->ram[0].start, d->ram[0].size) &&
	     map_linear(d, r1, d->ram[1].size);
	ok = ok && add_probe(d, SYNTH_PROBE_LINEAR, synth_dump_linear_va(d, RAM0_START),
			     RAM0_START) &&
	     add_probe(d, SYNTH_PROBE_LINEAR, synth_dump_linear_va(d, r1 + 3 * page),
		       r1 + 3 * page);
	/* A 4-page vmalloc area near VMALLOC_START (pages scattered over both
	 * banks), a guard page after it, and a page just below VMALLOC_END. */
	uint64_t area = d->vmalloc_start + 2 * page;
	uint64_t backing[4] = {r1, vm_a[0], r1 + page, vm_a[1]};
	for (int i = 0; i < 4; i++)
		ok = ok && map_page(d, area + i * page, backing[i]) &&
		     add_probe(d, SYNTH_PROBE_VMALLOC, area + i * page, backing[i]);
	uint64_t top = d->vmalloc_end - 2 * page;
	ok = ok && map_page(d, top, vm_b) && add_probe(d, SYNTH_PROBE_VMALLOC, top, vm_b);
	/* A module: two pages above MODULES_VADDR. */
	uint64_t module = d->modules_vaddr + 4 * page;
	for (int i = 0; i < 2; i++)
		ok = ok && map_page(d, module + i * page, mod[i]) &&
		     add_probe(d, SYNTH_PROBE_MODULE, module + i * page, mod[i]);
	if (!ok)
		return false;
	uint64_t middle = d->vmalloc_start + ((d->vmalloc_end - d->vmalloc_start) / 2 &
					      ~(page - 1));
	if (!add_hole(d, "vmalloc guard page", area + 4 * page) ||
	    !add_hole(d, "middle of vmalloc", middle) ||
	    !add_hole(d, "end of the module area", d->modules_end - page) ||
	    !fill_probes(d))
		return false;
	/* Bank 0 as the dump holds it: synth_pgtable's buffer is its tail. */
	memcpy(d->ram_bytes[0] + (d->pgt->mem_base - d->ram[0].start), d->pgt->mem,
	       d->pgt->mem_size);
	return true;
}

/* ------------------------------------------------------------------ */
/* VMCOREINFO                                                          */

struct text {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void append(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->len + (size_t)n + 1) * 2;
		char *grown = realloc(t->buf, cap);
		if (!grown)
			return;
		t->buf = grown;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/*
 * Which keys exist, by release:
 * - generic (kernel/crash_core.c, kexec_core.c before v4.12): OSRELEASE,
 *   PAGESIZE, SYMBOL(swapper_pg_dir), SYMBOL(_stext), SIZE(page),
 *   NUMBER(SECTION_SIZE_BITS); SYMBOL(vmap_area_list) until v6.8, whose
 *   9bdb180b2d ("mm/vmalloc: remove vmap_area_list") put a generic
 *   NUMBER(VMALLOC_START) there and dropped arm64's; NUMBER(MAX_PHYSMEM_BITS)
 *   from v5.9 (1d50e5d0c505).
 * - arm64 arch_crash_save_vmcoreinfo: none before v4.12; v4.12 (in
 *   machine_kexec.c, 1f85b1f5e1f5) NUMBER(VA_BITS), NUMBER(kimage_voffset),
 *   NUMBER(PHYS_OFFSET) and nothing else (torvalds/linux
 *   arch/arm64/kernel/machine_kexec.c at 00ed905ab8e5); the crash_core.c
 *   it moved to (v4.19) has KERNELOFFSET even in revisions without
 *   TCR_EL1_T1SZ, so KERNELOFFSET is modelled from v4.19 (the release that
 *   added it between v4.12 and v4.19 was not pinned down; 4.14 and 4.19
 *   dumps cover both shapes); NUMBER(KERNELPACMASK) v5.7; NUMBER(TCR_EL1_T1SZ) v5.9
 *   (bbdbc11804ff, crash_core.c at 05909cd9a0c8); NUMBER(MODULES_VADDR),
 *   MODULES_END, VMALLOC_START, VMALLOC_END, VMEMMAP_START, VMEMMAP_END
 *   v5.18 (2369f171d5c5), VMALLOC_START gone again in v6.8 (generic since);
 *   v6.9 renamed the file vmcore_info.c (same keys).
 */
static void write_generic(struct synth_dump *d, struct text *t)
{
	unsigned v = d->cfg.version;
	append(t, "OSRELEASE=%s\n", d->release);
	append(t, "PAGESIZE=%" PRIu64 "\n", BIT(d->cfg.page_shift));
	append(t, "SYMBOL(init_uts_ns)=%016" PRIx64 "\n", d->text + BIT(d->cfg.page_shift));
	append(t, "SYMBOL(swapper_pg_dir)=%016" PRIx64 "\n", d->swapper_va);
	append(t, "SYMBOL(_stext)=%016" PRIx64 "\n", d->stext);
	if (v < SYNTH_VERSION(6, 8))
		append(t, "SYMBOL(vmap_area_list)=%016" PRIx64 "\n", d->stext + 0x100);
	else if (d->ranges_exported)
		append(t, "NUMBER(VMALLOC_START)=0x%" PRIx64 "\n", d->vmalloc_start);
	append(t, "SIZE(page)=%d\n", STRUCT_PAGE_SIZE);
	append(t, "NUMBER(SECTION_SIZE_BITS)=%d\n",
	       v < SYNTH_VERSION(5, 12) ? 30 : d->cfg.page_shift == 16 ? 29 : 27);
	if (d->has_physmem_bits)
		append(t, "NUMBER(MAX_PHYSMEM_BITS)=%u\n", d->cfg.pa_bits);
}

static void write_arch(struct synth_dump *d, struct text *t)
{
	unsigned v = d->cfg.version;
	if (!d->has_arch_keys)
		return;
	append(t, "NUMBER(VA_BITS)=%u\n", d->cfg.va_bits);
	if (d->ranges_exported) {
		append(t, "NUMBER(MODULES_VADDR)=0x%" PRIx64 "\n", d->modules_vaddr);
		append(t, "NUMBER(MODULES_END)=0x%" PRIx64 "\n", d->modules_end);
		if (v < SYNTH_VERSION(6, 8))
			append(t, "NUMBER(VMALLOC_START)=0x%" PRIx64 "\n", d->vmalloc_start);
		append(t, "NUMBER(VMALLOC_END)=0x%" PRIx64 "\n", d->vmalloc_end);
		append(t, "NUMBER(VMEMMAP_START)=0x%" PRIx64 "\n", d->vmemmap_start);
		append(t, "NUMBER(VMEMMAP_END)=0x%" PRIx64 "\n", d->vmemmap_end);
	}
	append(t, "NUMBER(kimage_voffset)=0x%" PRIx64 "\n", d->kimage_voffset);
	append(t, "NUMBER(PHYS_OFFSET)=0x%" PRIx64 "\n", d->phys_offset);
	if (d->has_t1sz)
		append(t, "NUMBER(TCR_EL1_T1SZ)=0x%x\n", 64 - d->cfg.va_bits_actual);
	if (d->has_kerneloffset)
		append(t, "KERNELOFFSET=%" PRIx64 "\n", d->kaslr_offset);
	if (v >= SYNTH_VERSION(5, 7))
		append(t, "NUMBER(KERNELPACMASK)=0x0\n");
}

static bool build_vmcoreinfo(struct synth_dump *d)
{
	struct text t = {0};
	write_generic(d, &t);
	write_arch(d, &t);
	append(&t, "CRASHTIME=1700000000\n");
	d->vmcoreinfo = t.buf;
	d->vmcoreinfo_len = t.len;
	return t.buf != NULL;
}

/* ------------------------------------------------------------------ */

struct synth_dump *synth_dump_create(const struct synth_dump_config *cfg,
				     const char **why)
{
	struct synth_dump *d = calloc(1, sizeof(*d));
	if (!d) {
		*why = "out of memory";
		return NULL;
	}
	d->cfg = *cfg;
	if (!d->cfg.va_bits_actual)
		d->cfg.va_bits_actual = d->cfg.va_bits;
	d->era = synth_era_of(cfg->version);
	if (!supported(&d->cfg, d->era, why)) {
		free(d);
		return NULL;
	}
	unsigned v = cfg->version;
	snprintf(d->release, sizeof(d->release), "%u.%u.0-synth", v / 1000, v % 1000);
	d->has_arch_keys = v >= SYNTH_VERSION(4, 12);
	d->has_kerneloffset = v >= SYNTH_VERSION(4, 19);
	d->has_t1sz = v >= SYNTH_VERSION(5, 9);
	d->has_physmem_bits = v >= SYNTH_VERSION(5, 9);
	d->ranges_exported = cfg->export_ranges && v >= SYNTH_VERSION(5, 18);
	switch (d->era) {
	case SYNTH_ERA_V4_9:
	case SYNTH_ERA_V5_0:
		layout_v4_9(d);
		break;
	case SYNTH_ERA_V5_4:
		layout_v5_4(d);
		break;
	case SYNTH_ERA_V5_11:
	case SYNTH_ERA_V5_17:
	case SYNTH_ERA_V6_5:
		layout_v5_11(d);
		break;
	case SYNTH_ERA_V6_9:
		layout_v6_9(d);
		break;
	}
	set_memstart(d);
	place_image(d);
	if (!build_memory(d) || !map_everything(d) || !build_vmcoreinfo(d)) {
		*why = "the synthetic memory is too small for the tables";
		synth_dump_destroy(d);
		return NULL;
	}
	return d;
}

void synth_dump_destroy(struct synth_dump *d)
{
	if (!d)
		return;
	synth_destroy(d->pgt);
	free(d->ram_bytes[0]);
	free(d->ram_bytes[1]);
	free(d->vmcoreinfo);
	free(d);
}

/* ------------------------------------------------------------------ */
/* ELF64 core writer (little-endian, explicit offsets, no host structs)  */

#define EM_AARCH64 183
#define ET_CORE 4
#define PT_LOAD 1
#define PT_NOTE 4
#define NT_PRSTATUS 1
#define PRSTATUS_SIZE 392 /* arm64 struct elf_prstatus */
#define PRSTATUS_PID 32
#define PRSTATUS_REGS 112

static void put_le(uint8_t *at, uint64_t value, int bytes)
{
	for (int i = 0; i < bytes; i++)
		at[i] = (uint8_t)(value >> (8 * i));
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t note_size(const char *name, size_t descsz)
{
	return 12 + align4(strlen(name) + 1) + align4(descsz);
}

static size_t put_note(uint8_t *at, const char *name, uint32_t type,
		       const void *desc, size_t descsz)
{
	size_t namesz = strlen(name) + 1;
	put_le(at, namesz, 4);
	put_le(at + 4, descsz, 4);
	put_le(at + 8, type, 4);
	memcpy(at + 12, name, namesz);
	memcpy(at + 12 + align4(namesz), desc, descsz);
	return note_size(name, descsz);
}

/* NT_PRSTATUS of a CPU: pid, sp in the linear map, pc at _stext. */
static void make_prstatus(const struct synth_dump *d, int cpu, uint8_t *desc)
{
	memset(desc, 0, PRSTATUS_SIZE);
	put_le(desc + PRSTATUS_PID, (uint64_t)(cpu + 1), 4);
	uint64_t sp = synth_dump_linear_va(d, RAM0_START) + BIT(d->cfg.page_shift) - 16 * (cpu + 1);
	put_le(desc + PRSTATUS_REGS + 31 * 8, sp, 8);
	put_le(desc + PRSTATUS_REGS + 32 * 8, d->stext + 4 * (uint64_t)cpu, 8);
	put_le(desc + PRSTATUS_REGS + 33 * 8, 0x3c5, 8);
}

struct segment {
	uint32_t type;
	uint64_t vaddr, paddr, size;
	const uint8_t *bytes;
	uint64_t offset;
};

static bool write_all(FILE *f, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, f) == len;
}

struct kc_error *synth_dump_write(const struct synth_dump *d, const char *path)
{
	enum { NR_CPUS = 2 };
	size_t notes_len = NR_CPUS * note_size("CORE", PRSTATUS_SIZE) +
			   note_size("VMCOREINFO", d->vmcoreinfo_len);
	uint8_t *notes = calloc(1, notes_len);
	if (!notes)
		return &kc_error_nomem;
	size_t pos = 0;
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		uint8_t desc[PRSTATUS_SIZE];
		make_prstatus(d, cpu, desc);
		pos += put_note(notes + pos, "CORE", NT_PRSTATUS, desc, sizeof(desc));
	}
	put_note(notes + pos, "VMCOREINFO", 0, d->vmcoreinfo, d->vmcoreinfo_len);

	struct segment segs[4];
	size_t n = 0;
	segs[n++] = (struct segment){PT_NOTE, 0, 0, notes_len, notes, 0};
	if (d->cfg.kernel_loads)
		segs[n++] = (struct segment){PT_LOAD, d->text, d->image_pa, d->image_size,
					     d->ram_bytes[0] + (d->image_pa - d->ram[0].start), 0};
	for (int i = 0; i < 2; i++) {
		uint64_t vaddr = d->cfg.kernel_loads ?
			synth_dump_linear_va(d, d->ram[i].start) : d->ram[i].start;
		segs[n++] = (struct segment){PT_LOAD, vaddr, d->ram[i].start, d->ram[i].size,
					     d->ram_bytes[i], 0};
	}
	uint64_t offset = 64 + 56 * n;
	for (size_t i = 0; i < n; i++) {
		offset = (offset + 4095) & ~UINT64_C(4095);
		segs[i].offset = offset;
		offset += segs[i].size;
	}

	uint8_t header[64 + 56 * 4] = {0};
	static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	memcpy(header, ident, sizeof(ident));
	put_le(header + 16, ET_CORE, 2);
	put_le(header + 18, EM_AARCH64, 2);
	put_le(header + 20, 1, 4);
	put_le(header + 32, 64, 8);   /* e_phoff */
	put_le(header + 52, 64, 2);   /* e_ehsize */
	put_le(header + 54, 56, 2);   /* e_phentsize */
	put_le(header + 56, n, 2);    /* e_phnum */
	for (size_t i = 0; i < n; i++) {
		uint8_t *ph = header + 64 + 56 * i;
		put_le(ph, segs[i].type, 4);
		put_le(ph + 4, segs[i].type == PT_LOAD ? 7 : 0, 4);
		put_le(ph + 8, segs[i].offset, 8);
		put_le(ph + 16, segs[i].vaddr, 8);
		put_le(ph + 24, segs[i].paddr, 8);
		put_le(ph + 32, segs[i].size, 8);
		put_le(ph + 40, segs[i].size, 8);
	}

	struct kc_error *err = NULL;
	FILE *f = fopen(path, "wb");
	if (!f) {
		free(notes);
		return kc_error_create(KC_ERR_OS, "%s: cannot create", path);
	}
	bool ok = write_all(f, header, 64 + 56 * n);
	uint64_t at = 64 + 56 * n;
	static const uint8_t zeros[4096];
	for (size_t i = 0; ok && i < n; i++) {
		ok = write_all(f, zeros, segs[i].offset - at) &&
		     write_all(f, segs[i].bytes, segs[i].size);
		at = segs[i].offset + segs[i].size;
	}
	if (fclose(f) != 0 || !ok)
		err = kc_error_create(KC_ERR_OS, "%s: write failed", path);
	free(notes);
	return err;
}
