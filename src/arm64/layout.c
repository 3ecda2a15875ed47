/* SPDX-License-Identifier: MIT */
/*
 * arm64 kernel virtual address-space layout: see layout.h for the eras.
 *
 * Every formula below is the kernel's own, from arch/arm64/include/asm/
 * memory.h and pgtable.h of the release named next to it; the strings kept
 * as provenance say the same thing, so a display can show the user why a
 * value is what it is.
 */
#include "layout.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vmcoreinfo.h"

#define SZ_64K (UINT64_C(1) << 16)
#define SZ_2M (UINT64_C(1) << 21)
#define SZ_8M (UINT64_C(1) << 23)
#define SZ_128M (UINT64_C(1) << 27)
#define SZ_256M (UINT64_C(1) << 28)
#define SZ_1G (UINT64_C(1) << 30)
#define SZ_2G (UINT64_C(1) << 31)

/* _PAGE_OFFSET(va) = -(1 << va), _PAGE_END(va) = -(1 << (va - 1)) (v5.4+) */
static uint64_t page_offset_of(unsigned va)
{
	return -(UINT64_C(1) << va);
}

static uint64_t page_end_of(unsigned va)
{
	return -(UINT64_C(1) << (va - 1));
}

/* memstart_addr is an s64: the kernel shifts it arithmetically. */
static uint64_t s64_shift_right(uint64_t value, unsigned shift)
{
	return (uint64_t)((int64_t)value >> shift);
}

static unsigned count_leading_ones(uint64_t value)
{
	return ~value ? (unsigned)__builtin_clzll(~value) : 64;
}

static unsigned order_base_2(uint64_t value)
{
	unsigned order = 0;
	while ((UINT64_C(1) << order) < value)
		order++;
	return order;
}

/* [start, end) with end 0 meaning 2^64. */
static bool in_range(uint64_t va, uint64_t start, uint64_t end)
{
	return va >= start && (end == 0 || va < end);
}

static struct kc_arm64_value known_value(uint64_t value,
					 enum kc_arm64_provenance provenance,
					 const char *source)
{
	return (struct kc_arm64_value){
		.known = true,
		.value = value,
		.provenance = provenance,
		.source = source,
	};
}

static struct kc_arm64_value unknown_value(const char *reason)
{
	return (struct kc_arm64_value){.provenance = KC_ARM64_PROV_UNKNOWN,
				       .source = reason};
}

__attribute__((format(printf, 2, 3)))
static void add_warning(struct kc_arm64_layout *layout, const char *fmt, ...)
{
	if (layout->nr_warnings >= KC_ARM64_LAYOUT_MAX_WARNINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(layout->warnings[layout->nr_warnings],
		  KC_ARM64_LAYOUT_WARNING_LEN, fmt, ap);
	va_end(ap);
	layout->nr_warnings++;
}

/* ------------------------------------------------------------------ */
/* Filling the input from VMCOREINFO                                   */

static struct kc_error *take_u64(const struct kc_vmcoreinfo *info,
				 const char *key, struct kc_opt_u64 *out)
{
	if (!kc_vmcoreinfo_get(info, key))
		return NULL;
	uint64_t value;
	struct kc_error *err = kc_vmcoreinfo_u64(info, key, &value);
	if (err)
		return err;
	*out = kc_opt_u64_some(value);
	return NULL;
}

struct kc_error *
kc_arm64_layout_input_from_vmcoreinfo(const struct kc_vmcoreinfo *info,
				      struct kc_arm64_layout_input *in)
{
	static const struct {
		const char *key;
		size_t offset;
	} keys[] = {
#define KEY(k, field) {k, offsetof(struct kc_arm64_layout_input, field)}
		KEY("PAGESIZE", page_size),
		KEY("NUMBER(VA_BITS)", va_bits),
		KEY("NUMBER(TCR_EL1_T1SZ)", tcr_el1_t1sz),
		KEY("NUMBER(PHYS_OFFSET)", phys_offset),
		KEY("NUMBER(kimage_voffset)", kimage_voffset),
		KEY("KERNELOFFSET", kaslr_offset),
		KEY("SYMBOL(_stext)", vmcoreinfo_stext),
		KEY("NUMBER(MODULES_VADDR)", modules_vaddr),
		KEY("NUMBER(MODULES_END)", modules_end),
		KEY("NUMBER(VMALLOC_START)", vmalloc_start),
		KEY("NUMBER(VMALLOC_END)", vmalloc_end),
		KEY("NUMBER(VMEMMAP_START)", vmemmap_start),
		KEY("NUMBER(VMEMMAP_END)", vmemmap_end),
		KEY("SIZE(page)", struct_page_size),
		KEY("NUMBER(SECTION_SIZE_BITS)", section_size_bits),
#undef KEY
	};
	const char *osrelease = kc_vmcoreinfo_get(info, "OSRELEASE");
	if (osrelease)
		in->osrelease = osrelease;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct kc_opt_u64 *field =
			(struct kc_opt_u64 *)((char *)in + keys[i].offset);
		struct kc_error *err = take_u64(info, keys[i].key, field);
		if (err)
			return err;
	}
	/* VMCOREINFO carries no KASAN key: in->kasan stays as the caller set it. */
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Release and era                                                     */

static bool parse_release(const char *osrelease, unsigned version[3])
{
	if (!osrelease)
		return false;
	const char *p = osrelease;
	for (int i = 0; i < 3; i++) {
		char *end;
		unsigned long part = strtoul(p, &end, 10);
		if (end == p) {
			if (i < 2)
				return false;
			break;
		}
		version[i] = (unsigned)part;
		if (*end != '.')
			break;
		p = end + 1;
	}
	return true;
}

static unsigned version_code(unsigned major, unsigned minor)
{
	return major * 1000 + minor;
}

/* The 5.15.y/5.16.y stable trees took b89ddf4cca43 (BPF region gone). */
static bool has_stable_bpf_removal(const unsigned v[3])
{
	return (v[0] == 5 && v[1] == 15 && v[2] >= 18) ||
	       (v[0] == 5 && v[1] == 16 && v[2] >= 4);
}

static void choose_era(struct kc_arm64_layout *layout,
		       const struct kc_arm64_layout_input *in)
{
	unsigned *v = layout->version;
	if (!parse_release(in->osrelease, v)) {
		layout->era = KC_ARM64_ERA_UNKNOWN;
		layout->era_source = "OSRELEASE unknown or unparsable: no era, "
				     "so no derived ranges";
		return;
	}
	unsigned code = version_code(v[0], v[1]);
	if (code < version_code(4, 9)) {
		layout->era = KC_ARM64_ERA_V4_9;
		layout->era_source = "older than v4.9: v4.9 formulas assumed";
		add_warning(layout, "kernel %u.%u predates v4.9; layout formulas "
			    "of v4.9 used", v[0], v[1]);
	} else if (code < version_code(5, 0)) {
		layout->era = KC_ARM64_ERA_V4_9;
		layout->era_source = "v4.9..v4.20";
	} else if (code < version_code(5, 4)) {
		layout->era = KC_ARM64_ERA_V5_0;
		layout->era_source = "v5.0..v5.3 (BPF JIT region, 91fc957c9b1d)";
	} else if (code < version_code(5, 11)) {
		layout->era = KC_ARM64_ERA_V5_4;
		layout->era_source = "v5.4..v5.10 (flipped VA space, 14c127c957c1)";
	} else if (code < version_code(5, 17) && has_stable_bpf_removal(v)) {
		layout->era = KC_ARM64_ERA_V5_17;
		layout->era_source = "5.15.18+/5.16.4+ stable: backport of "
				     "b89ddf4cca43 removed the BPF JIT region";
	} else if (code < version_code(5, 17)) {
		layout->era = KC_ARM64_ERA_V5_11;
		layout->era_source = "v5.11..v5.16 (9ad7c6d5e75b, f4693c2716b3)";
	} else if (code < version_code(6, 5)) {
		layout->era = KC_ARM64_ERA_V5_17;
		layout->era_source = "v5.17..v6.4 (b89ddf4cca43: no BPF JIT region)";
	} else if (code < version_code(6, 9)) {
		layout->era = KC_ARM64_ERA_V6_5;
		layout->era_source = "v6.5..v6.8 (3e35d303ab7d: 2G module area)";
	} else {
		layout->era = KC_ARM64_ERA_V6_9;
		layout->era_source = "v6.9+ (VA space reorganised for LPA2)";
	}
}

/* ------------------------------------------------------------------ */
/* Basic values                                                        */

struct geometry {
	bool ok;
	unsigned page_shift;
	unsigned va_bits;        /* VA_BITS */
	unsigned va_bits_actual; /* vabits_actual */
	unsigned va_bits_min;    /* VA_BITS_MIN */
	unsigned levels;         /* CONFIG_PGTABLE_LEVELS */
	uint64_t pud_size;
	uint64_t struct_page_size;
	unsigned struct_page_max_shift;
	unsigned kasan_scale_shift; /* 0: no shadow */
};

static bool known_page_size(uint64_t page_size)
{
	return page_size == 4096 || page_size == 16384 || page_size == 65536;
}

static struct kc_error *set_page_size(struct kc_arm64_layout *layout,
				      const struct kc_arm64_layout_input *in)
{
	if (!in->page_size.known) {
		layout->page_size = unknown_value("PAGESIZE not in VMCOREINFO");
		return NULL;
	}
	if (!known_page_size(in->page_size.value))
		return kc_error_create(KC_ERR_FORMAT,
				       "PAGESIZE=%" PRIu64 " is not an arm64 page "
				       "size (4K, 16K or 64K)",
				       in->page_size.value);
	layout->page_size = known_value(in->page_size.value,
					KC_ARM64_PROV_EXPORTED, "PAGESIZE");
	return NULL;
}

/* The kernel image's run-time address, from whatever the caller has. */
static bool kimage_address(const struct kc_arm64_layout_input *in,
			   uint64_t *addr)
{
	if (in->has_kimage_load)
		*addr = in->kimage_load_vaddr;
	else if (in->sym_text.known)
		*addr = in->sym_text.value;
	else if (in->sym_stext.known)
		*addr = in->sym_stext.value;
	else if (in->vmcoreinfo_stext.known)
		*addr = in->vmcoreinfo_stext.value;
	else
		return false;
	return true;
}

static const struct kc_arm64_mem_range *
linear_map_range(const struct kc_arm64_layout_input *in)
{
	for (size_t i = 0; i < in->nr_mem_ranges; i++)
		if (in->mem_ranges[i].has_vaddr)
			return &in->mem_ranges[i];
	return NULL;
}

static bool flipped(enum kc_arm64_era era)
{
	return era >= KC_ARM64_ERA_V5_4;
}

static void set_va_bits(struct kc_arm64_layout *layout,
			const struct kc_arm64_layout_input *in)
{
	if (in->va_bits.known) {
		layout->va_bits = known_value(in->va_bits.value,
					      KC_ARM64_PROV_EXPORTED,
					      "NUMBER(VA_BITS)");
		return;
	}
	uint64_t addr;
	const struct kc_arm64_mem_range *linear = linear_map_range(in);
	if (layout->era == KC_ARM64_ERA_UNKNOWN) {
		layout->va_bits = unknown_value("no NUMBER(VA_BITS) and no era "
						"to search by");
	} else if (!flipped(layout->era) && kimage_address(in, &addr)) {
		/* Pre-v5.4 the image sits in [VA_START, PAGE_OFFSET): bits
		 * 63..VA_BITS set, bit VA_BITS-1 clear. */
		layout->va_bits = known_value(
			64 - count_leading_ones(addr), KC_ARM64_PROV_SEARCHED,
			"leading one bits of the kernel image address (pre-v5.4 "
			"memory.h: kimage in [VA_START, PAGE_OFFSET))");
	} else if (flipped(layout->era) && linear) {
		/* v5.4+: the linear map is [PAGE_OFFSET, PAGE_END), bit
		 * vabits_actual-1 clear: this finds vabits_actual. */
		layout->va_bits = known_value(
			64 - count_leading_ones(linear->vaddr),
			KC_ARM64_PROV_SEARCHED,
			"leading one bits of a linear-map PT_LOAD p_vaddr (v5.4+ "
			"memory.h: linear map in the lower half; gives the VA "
			"size in use)");
	} else {
		layout->va_bits = unknown_value(
			"no NUMBER(VA_BITS) (absent before v4.12) and no "
			"kernel-image/linear-map address to search");
	}
	if (layout->va_bits.known &&
	    (layout->va_bits.value < 36 || layout->va_bits.value > 52)) {
		add_warning(layout, "searched VA_BITS=%" PRIu64 " is implausible",
			    layout->va_bits.value);
		layout->va_bits = unknown_value("search gave an implausible "
						"VA_BITS");
	}
}

static struct kc_error *set_va_bits_actual(struct kc_arm64_layout *layout,
					   const struct kc_arm64_layout_input *in)
{
	if (in->tcr_el1_t1sz.known) {
		uint64_t t1sz = in->tcr_el1_t1sz.value;
		if (t1sz < 12 || t1sz > 39)
			return kc_error_create(KC_ERR_FORMAT,
					       "NUMBER(TCR_EL1_T1SZ)=%" PRIu64
					       " gives no valid VA size", t1sz);
		layout->va_bits_actual = known_value(
			64 - t1sz, KC_ARM64_PROV_EXPORTED,
			"NUMBER(TCR_EL1_T1SZ): 64 - T1SZ");
	} else if (in->vabits_actual_value.known) {
		layout->va_bits_actual = known_value(
			in->vabits_actual_value.value, KC_ARM64_PROV_SYMBOL,
			"value of vabits_actual");
	} else if (layout->va_bits.known && layout->va_bits.value <= 48) {
		layout->va_bits_actual = known_value(
			layout->va_bits.value, KC_ARM64_PROV_DERIVED,
			"VA_BITS <= 48: vabits_actual == VA_BITS");
	} else if (layout->va_bits.known) {
		const struct kc_arm64_mem_range *linear = linear_map_range(in);
		if (linear && flipped(layout->era)) {
			layout->va_bits_actual = known_value(
				64 - count_leading_ones(linear->vaddr),
				KC_ARM64_PROV_SEARCHED,
				"leading one bits of a linear-map PT_LOAD "
				"p_vaddr");
		} else {
			layout->va_bits_actual = known_value(
				layout->va_bits.value, KC_ARM64_PROV_ASSUMED,
				"52-bit VA_BITS without TCR_EL1_T1SZ (v5.9+): "
				"assumed the hardware supports 52 bits");
			add_warning(layout, "VA size in use unknown for a "
				    "52-bit kernel: assumed 52");
		}
	} else {
		layout->va_bits_actual = unknown_value("VA_BITS unknown");
	}
	if (layout->va_bits.known && layout->va_bits_actual.known &&
	    layout->va_bits_actual.value > layout->va_bits.value)
		add_warning(layout, "VA size in use %" PRIu64 " exceeds VA_BITS "
			    "%" PRIu64, layout->va_bits_actual.value,
			    layout->va_bits.value);
	return NULL;
}

static void set_struct_page_size(struct kc_arm64_layout *layout,
				 const struct kc_arm64_layout_input *in)
{
	/*
	 * Shifts are built from it (VMEMMAP_SHIFT = PAGE_SHIFT -
	 * STRUCT_PAGE_MAX_SHIFT): a corrupt SIZE(page) must not reach them.
	 * Real ones are 56..128 bytes; 32..512 is accepted.
	 */
	bool plausible = in->struct_page_size.value >= 32 &&
			 in->struct_page_size.value <= 512;
	if (in->struct_page_size.known && in->struct_page_size.value && !plausible)
		add_warning(layout, "SIZE(page)=%" PRIu64 " is not a plausible "
			    "sizeof(struct page); 64 assumed",
			    in->struct_page_size.value);
	if (in->struct_page_size.known && plausible)
		layout->struct_page_size = known_value(
			in->struct_page_size.value, KC_ARM64_PROV_EXPORTED,
			"SIZE(page)");
	else
		layout->struct_page_size = known_value(
			64, KC_ARM64_PROV_ASSUMED,
			"SIZE(page) absent: 64 (STRUCT_PAGE_MAX_SHIFT 6, v4.9 "
			"memory.h)");
}

static void set_kasan(struct kc_arm64_layout *layout,
		      const struct kc_arm64_layout_input *in)
{
	if (in->kasan == KC_ARM64_KASAN_UNKNOWN) {
		layout->kasan = KC_ARM64_KASAN_NONE;
		layout->kasan_source = "assumed off: VMCOREINFO does not say "
				       "(pass it from vmlinux, e.g. kasan_init)";
	} else {
		layout->kasan = in->kasan;
		layout->kasan_source = "given by the caller";
	}
}

static void set_geometry(const struct kc_arm64_layout *layout,
			 struct geometry *g)
{
	memset(g, 0, sizeof(*g));
	if (!layout->page_size.known || !layout->va_bits.known ||
	    !layout->va_bits_actual.known)
		return;
	g->page_shift = (unsigned)__builtin_ctzll(layout->page_size.value);
	g->va_bits = (unsigned)layout->va_bits.value;
	g->va_bits_actual = (unsigned)layout->va_bits_actual.value;
	/* v6.9 memory.h: 16K pages with VA_BITS > 48 fall back to 47. */
	if (g->va_bits > 48)
		g->va_bits_min = (layout->era >= KC_ARM64_ERA_V6_9 &&
				  g->page_shift == 14) ? 47 : 48;
	else
		g->va_bits_min = g->va_bits;
	/* ARM64_HW_PGTABLE_LEVELS(VA_BITS); a folded PUD is PGDIR-sized. */
	g->levels = (g->va_bits - 4) / (g->page_shift - 3);
	unsigned pud_levels = g->levels < 3 ? g->levels : 3;
	g->pud_size = UINT64_C(1) << ((g->page_shift - 3) * pud_levels + 3);
	g->struct_page_size = layout->struct_page_size.value;
	g->struct_page_max_shift = order_base_2(g->struct_page_size);
	if (layout->kasan == KC_ARM64_KASAN_GENERIC)
		g->kasan_scale_shift = 3;
	else if (layout->kasan == KC_ARM64_KASAN_SW_TAGS)
		g->kasan_scale_shift = 4;
	g->ok = g->va_bits_min <= g->va_bits && g->va_bits >= 25 &&
		g->va_bits <= 52 && g->va_bits_actual >= 25;
}

static void set_kimage_voffset(struct kc_arm64_layout *layout,
			       const struct kc_arm64_layout_input *in)
{
	bool has_load = in->has_kimage_load;
	uint64_t from_load = in->kimage_load_vaddr - in->kimage_load_paddr;
	if (in->kimage_voffset.known) {
		layout->kimage_voffset = known_value(in->kimage_voffset.value,
						     KC_ARM64_PROV_EXPORTED,
						     "NUMBER(kimage_voffset)");
	} else if (in->kimage_voffset_value.known) {
		layout->kimage_voffset = known_value(
			in->kimage_voffset_value.value, KC_ARM64_PROV_SYMBOL,
			"value of kimage_voffset");
	} else if (has_load) {
		layout->kimage_voffset = known_value(
			from_load, KC_ARM64_PROV_SEARCHED,
			"kernel-image PT_LOAD: p_vaddr - p_paddr");
		return;
	} else {
		layout->kimage_voffset = unknown_value(
			"no NUMBER(kimage_voffset) (absent before v4.12), no "
			"symbol value and no kernel-image PT_LOAD");
		return;
	}
	if (!has_load)
		return;
	if (from_load == layout->kimage_voffset.value)
		layout->kimage_voffset.cross_checked = true;
	else
		add_warning(layout, "kimage_voffset 0x%" PRIx64 " (%s) but the "
			    "kernel-image PT_LOAD gives 0x%" PRIx64,
			    layout->kimage_voffset.value,
			    layout->kimage_voffset.source, from_load);
}

/* The KASLR offset from a run-time symbol minus its link-time address. */
static bool kaslr_from_symbols(const struct kc_arm64_layout_input *in,
			       uint64_t *offset, const char **source)
{
	if (in->vmcoreinfo_stext.known && in->vmlinux_stext.known) {
		*offset = in->vmcoreinfo_stext.value - in->vmlinux_stext.value;
		*source = "SYMBOL(_stext) in VMCOREINFO - vmlinux _stext";
	} else if (in->sym_stext.known && in->vmlinux_stext.known) {
		*offset = in->sym_stext.value - in->vmlinux_stext.value;
		*source = "run-time _stext - vmlinux _stext";
	} else if (in->sym_text.known && in->vmlinux_text.known) {
		*offset = in->sym_text.value - in->vmlinux_text.value;
		*source = "run-time _text - vmlinux _text";
	} else {
		return false;
	}
	return true;
}

static void set_kaslr_offset(struct kc_arm64_layout *layout,
			     const struct kc_arm64_layout_input *in)
{
	uint64_t from_symbols;
	const char *source;
	bool has_symbols = kaslr_from_symbols(in, &from_symbols, &source);
	if (in->kaslr_offset.known) {
		layout->kaslr_offset = known_value(in->kaslr_offset.value,
						   KC_ARM64_PROV_EXPORTED,
						   "KERNELOFFSET");
		if (!has_symbols)
			return;
		if (from_symbols == in->kaslr_offset.value)
			layout->kaslr_offset.cross_checked = true;
		else
			add_warning(layout, "KERNELOFFSET=%" PRIx64 " but %s "
				    "gives 0x%" PRIx64, in->kaslr_offset.value,
				    source, from_symbols);
	} else if (has_symbols) {
		layout->kaslr_offset = known_value(from_symbols,
						   KC_ARM64_PROV_SYMBOL, source);
	} else {
		layout->kaslr_offset = unknown_value(
			"no KERNELOFFSET (absent before v4.12) and no run-time "
			"+ link-time _stext/_text pair");
	}
}

/* ------------------------------------------------------------------ */
/* Derived ranges                                                      */

struct derived_value {
	bool known;
	uint64_t value;
	const char *formula;
};

struct derived {
	struct derived_value page_offset, page_end;
	struct derived_value modules_vaddr, modules_end;
	struct derived_value vmalloc_start, vmalloc_end;
	struct derived_value vmemmap_start, vmemmap_end;
	struct derived_value kasan_start, kasan_end;
	struct derived_value bpf_start, bpf_end;
	/* PAGE_OFFSET as memory.h defines it (vmemmap indexes from it). */
	uint64_t page_offset_macro;
};

static struct derived_value dv(uint64_t value, const char *formula)
{
	return (struct derived_value){.known = true, .value = value,
				      .formula = formula};
}

/* KASAN_SHADOW_END as memory.h computes it, Kconfig default offset unless
 * the caller gave CONFIG_KASAN_SHADOW_OFFSET. */
static uint64_t kasan_shadow_end(const struct geometry *g,
				 const struct kc_arm64_layout_input *in,
				 uint64_t default_end)
{
	if (in->kasan_shadow_offset.known)
		return (UINT64_C(1) << (64 - g->kasan_scale_shift)) +
		       in->kasan_shadow_offset.value;
	return default_end;
}

/* v4.9 and v5.0: VA_START at the bottom, linear map the upper half. */
static void derive_v4_9(const struct geometry *g, enum kc_arm64_era era,
			struct derived *d)
{
	uint64_t va_start = page_offset_of(g->va_bits);
	uint64_t page_offset = -(UINT64_C(1) << (g->va_bits - 1));
	d->page_offset_macro = page_offset;
	d->page_offset = dv(page_offset, "v4.9 memory.h: PAGE_OFFSET = "
			    "-(1 << (VA_BITS - 1)) (upper half)");
	d->page_end = dv(0, "v4.9 memory.h: the linear map runs to the top");
	uint64_t kasan_size = g->kasan_scale_shift ?
		UINT64_C(1) << (g->va_bits - g->kasan_scale_shift) : 0;
	if (kasan_size) {
		d->kasan_start = dv(va_start, "v4.9 kasan.h: KASAN_SHADOW_START "
				    "= VA_START");
		d->kasan_end = dv(va_start + kasan_size,
				  "v4.9 kasan.h: VA_START + KASAN_SHADOW_SIZE "
				  "(1 << (VA_BITS - scale))");
	}
	uint64_t modules = va_start + kasan_size;
	if (era == KC_ARM64_ERA_V5_0) {
		d->bpf_start = dv(modules, "v5.0 memory.h: BPF_JIT_REGION_START "
				  "= VA_START + KASAN_SHADOW_SIZE");
		d->bpf_end = dv(modules + SZ_128M, "v5.0 memory.h: "
				"BPF_JIT_REGION_START + SZ_128M");
		modules += SZ_128M;
		d->modules_vaddr = dv(modules, "v5.0 memory.h: MODULES_VADDR = "
				      "BPF_JIT_REGION_END");
	} else {
		d->modules_vaddr = dv(modules, "v4.9 memory.h: MODULES_VADDR = "
				      "VA_START + KASAN_SHADOW_SIZE");
	}
	d->modules_end = dv(modules + SZ_128M, "v4.9 memory.h: MODULES_END = "
			    "MODULES_VADDR + SZ_128M");
	d->vmalloc_start = dv(modules + SZ_128M, "v4.9 pgtable.h: "
			      "VMALLOC_START = MODULES_END");
	uint64_t vmemmap_size = UINT64_C(1)
		<< (g->va_bits - g->page_shift - 1 + g->struct_page_max_shift);
	d->vmemmap_start = dv(page_offset - vmemmap_size,
			      "v4.9 memory.h: VMEMMAP_START = PAGE_OFFSET - "
			      "(1 << (VA_BITS - PAGE_SHIFT - 1 + "
			      "STRUCT_PAGE_MAX_SHIFT))");
	d->vmemmap_end = dv(page_offset, "v4.9 memory.h: VMEMMAP_START + "
			    "VMEMMAP_SIZE = PAGE_OFFSET");
	d->vmalloc_end = dv(page_offset - g->pud_size - vmemmap_size - SZ_64K,
			    "v4.9 pgtable.h: VMALLOC_END = PAGE_OFFSET - "
			    "PUD_SIZE - VMEMMAP_SIZE - SZ_64K");
}

/* v5.4..v5.10: flipped; a 52-bit kernel on 48-bit hardware keeps the
 * 52-bit PAGE_OFFSET in memory.h but maps RAM from _PAGE_OFFSET(48). */
static void derive_v5_4(const struct geometry *g,
			const struct kc_arm64_layout_input *in,
			struct derived *d)
{
	d->page_offset_macro = page_offset_of(g->va_bits);
	d->page_offset = dv(page_offset_of(g->va_bits_actual),
			    "v5.4 mm/init.c: linear map starts at "
			    "_PAGE_OFFSET(vabits_actual) = -(1 << vabits_actual)");
	d->page_end = dv(page_end_of(g->va_bits_actual),
			 "v5.4 memory.h: PAGE_END = _PAGE_END(vabits_actual)");
	uint64_t shadow_end = page_end_of(g->va_bits_min);
	if (g->kasan_scale_shift) {
		shadow_end = kasan_shadow_end(
			g, in, page_end_of(g->va_bits_min) +
			(UINT64_C(1) << (g->va_bits_min - g->kasan_scale_shift)));
		d->kasan_end = dv(shadow_end, "v5.4 memory.h: KASAN_SHADOW_END = "
				  "(1 << (64 - scale)) + KASAN_SHADOW_OFFSET "
				  "(Kconfig default)");
		d->kasan_start = dv(shadow_end - (UINT64_C(1)
				    << (g->va_bits_actual - g->kasan_scale_shift)),
				    "v5.4 kasan.h: KASAN_SHADOW_END - (1 << "
				    "(vabits_actual - scale))");
	}
	d->bpf_start = dv(shadow_end, "v5.4 memory.h: BPF_JIT_REGION_START = "
			  "KASAN_SHADOW_END (_PAGE_END(VA_BITS_MIN) without "
			  "KASAN)");
	d->bpf_end = dv(shadow_end + SZ_128M, "v5.4 memory.h: "
			"BPF_JIT_REGION_START + SZ_128M");
	d->modules_vaddr = dv(shadow_end + SZ_128M, "v5.4 memory.h: "
			      "MODULES_VADDR = BPF_JIT_REGION_END");
	d->modules_end = dv(shadow_end + 2 * SZ_128M, "v5.4 memory.h: "
			    "MODULES_END = MODULES_VADDR + SZ_128M");
	d->vmalloc_start = dv(shadow_end + 2 * SZ_128M, "v5.4 pgtable.h: "
			      "VMALLOC_START = MODULES_END");
	uint64_t vmemmap_size = (page_end_of(g->va_bits_min) -
				 d->page_offset_macro) >>
				(g->page_shift - g->struct_page_max_shift);
	d->vmemmap_start = dv(-vmemmap_size - SZ_2M,
			      "v5.4 memory.h: VMEMMAP_START = -VMEMMAP_SIZE - "
			      "SZ_2M, VMEMMAP_SIZE = (_PAGE_END(VA_BITS_MIN) - "
			      "PAGE_OFFSET) >> (PAGE_SHIFT - "
			      "STRUCT_PAGE_MAX_SHIFT)");
	d->vmemmap_end = dv(-SZ_2M, "v5.4 memory.h: VMEMMAP_START + "
			    "VMEMMAP_SIZE");
	d->vmalloc_end = dv(-g->pud_size - vmemmap_size - SZ_64K,
			    "v5.4 pgtable.h: VMALLOC_END = -PUD_SIZE - "
			    "VMEMMAP_SIZE - SZ_64K");
}

/* PAGE_END and the KASAN shadow below it, v5.11 onwards. */
static void derive_page_end_v5_11(const struct geometry *g,
				  const struct kc_arm64_layout_input *in,
				  struct derived *d)
{
	if (!g->kasan_scale_shift) {
		d->page_end = dv(page_end_of(g->va_bits_min),
				 "v5.11 memory.h: PAGE_END = "
				 "_PAGE_END(VA_BITS_MIN)");
		return;
	}
	uint64_t end = kasan_shadow_end(g, in, page_end_of(g->va_bits_min));
	uint64_t start = end - (UINT64_C(1)
				<< (g->va_bits_actual - g->kasan_scale_shift));
	d->kasan_end = dv(end, "v5.11 memory.h: KASAN_SHADOW_END = (1 << (64 - "
			  "scale)) + KASAN_SHADOW_OFFSET (Kconfig default: "
			  "_PAGE_END(VA_BITS_MIN))");
	d->kasan_start = dv(start, "v5.11 memory.h: KASAN_SHADOW_END - (1 << "
			    "(vabits_actual - scale))");
	d->page_end = dv(start, "v5.11 memory.h: PAGE_END = KASAN_SHADOW_END - "
			 "(1 << (vabits_actual - KASAN_SHADOW_SCALE_SHIFT))");
}

static void derive_modules_v5_11(const struct geometry *g,
				 enum kc_arm64_era era, struct derived *d)
{
	uint64_t base = page_end_of(g->va_bits_min);
	if (era == KC_ARM64_ERA_V5_11) {
		d->bpf_start = dv(base, "v5.11 memory.h: BPF_JIT_REGION_START = "
				  "_PAGE_END(VA_BITS_MIN)");
		d->bpf_end = dv(base + SZ_128M, "v5.11 memory.h: "
				"BPF_JIT_REGION_START + SZ_128M");
		d->modules_vaddr = dv(base + SZ_128M, "v5.11 memory.h: "
				      "MODULES_VADDR = BPF_JIT_REGION_END");
		d->modules_end = dv(base + 2 * SZ_128M, "v5.11 memory.h: "
				    "MODULES_VADDR + SZ_128M");
	} else if (era == KC_ARM64_ERA_V5_17) {
		d->modules_vaddr = dv(base, "v5.17 memory.h (b89ddf4cca43): "
				      "MODULES_VADDR = _PAGE_END(VA_BITS_MIN)");
		d->modules_end = dv(base + SZ_128M, "v5.17 memory.h: "
				    "MODULES_VADDR + SZ_128M");
	} else {
		d->modules_vaddr = dv(base, "v6.5 memory.h: MODULES_VADDR = "
				      "_PAGE_END(VA_BITS_MIN)");
		d->modules_end = dv(base + SZ_2G, "v6.5 memory.h (3e35d303ab7d): "
				    "MODULES_VADDR + SZ_2G");
	}
	d->vmalloc_start = dv(d->modules_end.value, "v5.11 pgtable.h: "
			      "VMALLOC_START = MODULES_END");
}

/* v5.11..v6.8: vmemmap at the top, vmalloc up to 256M below it. */
static void derive_v5_11(const struct geometry *g, enum kc_arm64_era era,
			 const struct kc_arm64_layout_input *in,
			 struct derived *d)
{
	d->page_offset_macro = page_offset_of(g->va_bits);
	d->page_offset = dv(d->page_offset_macro, "v5.11 memory.h: PAGE_OFFSET "
			    "= _PAGE_OFFSET(VA_BITS) = -(1 << VA_BITS)");
	derive_page_end_v5_11(g, in, d);
	derive_modules_v5_11(g, era, d);
	unsigned vmemmap_shift = g->page_shift - g->struct_page_max_shift;
	uint64_t start = -(UINT64_C(1) << (g->va_bits - vmemmap_shift));
	uint64_t size = (page_end_of(g->va_bits_min) - d->page_offset_macro) >>
			vmemmap_shift;
	d->vmemmap_start = dv(start, "v5.11 memory.h: VMEMMAP_START = "
			      "-(1 << (VA_BITS - VMEMMAP_SHIFT))");
	d->vmemmap_end = dv(start + size, "v5.11 memory.h: VMEMMAP_START + "
			    "((_PAGE_END(VA_BITS_MIN) - PAGE_OFFSET) >> "
			    "VMEMMAP_SHIFT)");
	d->vmalloc_end = dv(start - SZ_256M, "v5.11 pgtable.h: VMALLOC_END = "
			    "VMEMMAP_START - SZ_256M");
}

/* v6.9+: vmemmap ends at -1G, sized by the real sizeof(struct page). */
static void derive_v6_9(const struct geometry *g,
			const struct kc_arm64_layout_input *in,
			struct derived *d)
{
	d->page_offset_macro = page_offset_of(g->va_bits);
	d->page_offset = dv(d->page_offset_macro, "v6.9 memory.h: PAGE_OFFSET "
			    "= -(1 << VA_BITS)");
	derive_page_end_v5_11(g, in, d);
	derive_modules_v5_11(g, KC_ARM64_ERA_V6_9, d);
	uint64_t size = ((page_end_of(g->va_bits_min) - d->page_offset_macro) >>
			 g->page_shift) * g->struct_page_size;
	uint64_t end = -SZ_1G;
	d->vmemmap_end = dv(end, "v6.9 memory.h: VMEMMAP_END = -SZ_1G");
	d->vmemmap_start = dv(end - size, "v6.9 memory.h: VMEMMAP_END - "
			      "(VMEMMAP_RANGE >> PAGE_SHIFT) * "
			      "sizeof(struct page)");
	if (g->va_bits == g->va_bits_min) {
		d->vmalloc_end = dv(end - size - SZ_8M, "v6.9 pgtable.h: "
				    "VMALLOC_END = VMEMMAP_START - SZ_8M");
	} else {
		uint64_t unused = (page_offset_of(g->va_bits_actual) -
				   d->page_offset_macro) >> g->page_shift;
		d->vmalloc_end = dv(end - size + unused * g->struct_page_size -
				    SZ_8M, "v6.9 pgtable.h: VMALLOC_END = "
				    "VMEMMAP_START + VMEMMAP_UNUSED_NPAGES * "
				    "sizeof(struct page) - SZ_8M");
	}
}

static void derive(const struct kc_arm64_layout *layout,
		   const struct geometry *g,
		   const struct kc_arm64_layout_input *in, struct derived *d)
{
	memset(d, 0, sizeof(*d));
	if (!g->ok)
		return;
	switch (layout->era) {
	case KC_ARM64_ERA_V4_9:
	case KC_ARM64_ERA_V5_0:
		derive_v4_9(g, layout->era, d);
		break;
	case KC_ARM64_ERA_V5_4:
		derive_v5_4(g, in, d);
		break;
	case KC_ARM64_ERA_V5_11:
	case KC_ARM64_ERA_V5_17:
	case KC_ARM64_ERA_V6_5:
		derive_v5_11(g, layout->era, in, d);
		break;
	case KC_ARM64_ERA_V6_9:
		derive_v6_9(g, in, d);
		break;
	case KC_ARM64_ERA_UNKNOWN:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Combining exports, derivations and searches                          */

static const char *why_not_derived(const struct kc_arm64_layout *layout,
				   const struct geometry *g)
{
	if (layout->era == KC_ARM64_ERA_UNKNOWN)
		return "not exported, and OSRELEASE unknown: no formula to use";
	if (!layout->page_size.known)
		return "not exported, and PAGESIZE unknown";
	if (!layout->va_bits.known)
		return "not exported, and VA_BITS unknown";
	if (!g->ok)
		return "not exported, and VA_BITS/page size give no valid layout";
	return "not defined in this release's layout";
}

/* An exported range value, checked against its derivation. */
static void export_or_derive(struct kc_arm64_layout *layout,
			     struct kc_arm64_value *out, const char *name,
			     const char *key, struct kc_opt_u64 exported,
			     struct derived_value derived, const char *reason)
{
	if (!exported.known) {
		*out = derived.known ? known_value(derived.value,
						   KC_ARM64_PROV_DERIVED,
						   derived.formula)
				     : unknown_value(reason);
		return;
	}
	*out = known_value(exported.value, KC_ARM64_PROV_EXPORTED, key);
	if (!derived.known)
		return;
	if (derived.value == exported.value)
		out->cross_checked = true;
	else
		add_warning(layout, "%s: %s=0x%" PRIx64 " but %s gives 0x%" PRIx64,
			    name, key, exported.value, derived.formula,
			    derived.value);
}

static void set_ranges(struct kc_arm64_layout *layout,
		       const struct kc_arm64_layout_input *in,
		       const struct derived *d, const char *reason)
{
	export_or_derive(layout, &layout->modules_vaddr, "MODULES_VADDR",
			 "NUMBER(MODULES_VADDR)", in->modules_vaddr,
			 d->modules_vaddr, reason);
	export_or_derive(layout, &layout->modules_end, "MODULES_END",
			 "NUMBER(MODULES_END)", in->modules_end, d->modules_end,
			 reason);
	export_or_derive(layout, &layout->vmalloc_start, "VMALLOC_START",
			 "NUMBER(VMALLOC_START)", in->vmalloc_start,
			 d->vmalloc_start, reason);
	export_or_derive(layout, &layout->vmalloc_end, "VMALLOC_END",
			 "NUMBER(VMALLOC_END)", in->vmalloc_end, d->vmalloc_end,
			 reason);
	export_or_derive(layout, &layout->vmemmap_start, "VMEMMAP_START",
			 "NUMBER(VMEMMAP_START)", in->vmemmap_start,
			 d->vmemmap_start, reason);
	export_or_derive(layout, &layout->vmemmap_end, "VMEMMAP_END",
			 "NUMBER(VMEMMAP_END)", in->vmemmap_end, d->vmemmap_end,
			 reason);
	struct kc_opt_u64 none = {0};
	export_or_derive(layout, &layout->page_offset, "PAGE_OFFSET", NULL,
			 none, d->page_offset, reason);
	export_or_derive(layout, &layout->page_end, "PAGE_END", NULL, none,
			 d->page_end, reason);
	const char *no_kasan = layout->kasan == KC_ARM64_KASAN_NONE ||
			       layout->kasan == KC_ARM64_KASAN_HW_TAGS ?
		"no KASAN shadow (KASAN off, assumed off, or HW tags)" : reason;
	export_or_derive(layout, &layout->kasan_shadow_start, "KASAN", NULL,
			 none, d->kasan_start, no_kasan);
	export_or_derive(layout, &layout->kasan_shadow_end, "KASAN", NULL, none,
			 d->kasan_end, no_kasan);
	const char *no_bpf = d->modules_vaddr.known ?
		"no BPF JIT region in this release (v5.0..v5.16 only)" : reason;
	export_or_derive(layout, &layout->bpf_jit_start, "BPF", NULL, none,
			 d->bpf_start, no_bpf);
	export_or_derive(layout, &layout->bpf_jit_end, "BPF", NULL, none,
			 d->bpf_end, no_bpf);
}

/*
 * NUMBER(SECTION_SIZE_BITS) as a shift it can be: arm64 uses 27..30
 * (arch/arm64/include/asm/sparsemem.h, v5.12 and v4.9); a corrupt value
 * (shifting by 93 is undefined) is ignored with a warning.
 */
static bool section_size_bits_valid(const struct kc_arm64_layout_input *in)
{
	return in->section_size_bits.known && in->section_size_bits.value >= 20 &&
	       in->section_size_bits.value <= 48;
}

/* ARM64_MEMSTART_ALIGN: memstart_addr is RAM start rounded down to it. */
static uint64_t memstart_align(const struct kc_arm64_layout *layout,
			       const struct kc_arm64_layout_input *in,
			       unsigned page_shift)
{
	unsigned pmd_shift = (page_shift - 3) * 2 + 3;
	unsigned shift = page_shift == 12 ? 30 :
			 page_shift == 14 ? pmd_shift + 5 : pmd_shift;
	unsigned section_bits;
	if (section_size_bits_valid(in))
		section_bits = (unsigned)in->section_size_bits.value;
	else if (layout->version[0] && version_code(layout->version[0],
						    layout->version[1]) <
		 version_code(5, 12))
		section_bits = 30;
	else
		section_bits = page_shift == 16 ? 29 : 27;
	return UINT64_C(1) << (shift > section_bits ? shift : section_bits);
}

static void set_phys_offset(struct kc_arm64_layout *layout,
			    const struct kc_arm64_layout_input *in)
{
	const struct kc_arm64_mem_range *linear = linear_map_range(in);
	if (in->phys_offset.known) {
		layout->phys_offset = known_value(in->phys_offset.value,
						  KC_ARM64_PROV_EXPORTED,
						  "NUMBER(PHYS_OFFSET)");
	} else if (in->memstart_addr_value.known) {
		layout->phys_offset = known_value(in->memstart_addr_value.value,
						  KC_ARM64_PROV_SYMBOL,
						  "value of memstart_addr");
	} else if (linear && layout->page_offset.known) {
		uint64_t po = layout->page_offset.value;
		uint64_t offset = flipped(layout->era) ? linear->vaddr - po
						       : linear->vaddr & ~po;
		layout->phys_offset = known_value(
			linear->phys_start - offset, KC_ARM64_PROV_SEARCHED,
			"linear-map PT_LOAD: p_paddr - (p_vaddr - PAGE_OFFSET)");
	} else if (in->nr_mem_ranges && layout->page_size.known) {
		uint64_t lowest = UINT64_MAX;
		for (size_t i = 0; i < in->nr_mem_ranges; i++)
			if (in->mem_ranges[i].phys_start < lowest)
				lowest = in->mem_ranges[i].phys_start;
		unsigned shift = (unsigned)__builtin_ctzll(layout->page_size.value);
		uint64_t align = memstart_align(layout, in, shift);
		layout->phys_offset = known_value(
			lowest & ~(align - 1), KC_ARM64_PROV_SEARCHED,
			"lowest RAM address rounded down to ARM64_MEMSTART_ALIGN "
			"(v4.9 mm/init.c; wrong if the linear map is randomised)");
		add_warning(layout, "PHYS_OFFSET guessed from the lowest RAM "
			    "range: assumes no linear-map randomisation");
	} else {
		layout->phys_offset = unknown_value(
			"no NUMBER(PHYS_OFFSET) (absent before v4.12), no "
			"memstart_addr value and no memory ranges");
	}
}

static void set_vmemmap_base(struct kc_arm64_layout *layout,
			     const struct geometry *g, const struct derived *d)
{
	if (!layout->vmemmap_start.known || !layout->phys_offset.known ||
	    !g->ok) {
		layout->vmemmap_base = unknown_value(
			"needs VMEMMAP_START, PHYS_OFFSET and the page size");
		return;
	}
	uint64_t size = g->struct_page_size;
	uint64_t base = layout->vmemmap_start.value -
			s64_shift_right(layout->phys_offset.value,
					g->page_shift) * size;
	const char *formula = "pgtable.h (v4.9+): vmemmap = (struct page *)"
			      "VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)";
	if (layout->era == KC_ARM64_ERA_V5_4 &&
	    d->page_offset.value != d->page_offset_macro) {
		base += ((d->page_offset.value - d->page_offset_macro) >>
			 g->page_shift) * size;
		formula = "v5.4 mm/init.c: vmemmap = VMEMMAP_START - "
			  "(memstart_addr >> PAGE_SHIFT) + ((_PAGE_OFFSET(48) - "
			  "_PAGE_OFFSET(52)) >> PAGE_SHIFT)";
	}
	layout->vmemmap_base = known_value(base, KC_ARM64_PROV_DERIVED, formula);
}

static void set_kernel_image(struct kc_arm64_layout *layout,
			     const struct kc_arm64_layout_input *in)
{
	/* v4.9+ memory.h: KIMAGE_VADDR = MODULES_END; kaslr_offset() =
	 * kimage_vaddr - KIMAGE_VADDR. */
	if (layout->modules_end.known && layout->kaslr_offset.known)
		layout->kimage_vaddr = known_value(
			layout->modules_end.value + layout->kaslr_offset.value,
			KC_ARM64_PROV_DERIVED,
			"memory.h (v4.9+): KIMAGE_VADDR (= MODULES_END) + "
			"kaslr_offset()");
	else
		layout->kimage_vaddr = unknown_value("needs MODULES_END and the "
						     "KASLR offset");
	if (in->sym_text.known) {
		layout->kernel_text = known_value(in->sym_text.value,
						  KC_ARM64_PROV_SYMBOL, "_text");
	} else if (layout->kimage_vaddr.known &&
		   version_code(layout->version[0], layout->version[1]) >=
		   version_code(5, 8)) {
		layout->kernel_text = known_value(
			layout->kimage_vaddr.value, KC_ARM64_PROV_DERIVED,
			"v5.8+ vmlinux.lds.S: _text = KIMAGE_VADDR + "
			"kaslr_offset (TEXT_OFFSET removed)");
	} else {
		layout->kernel_text = unknown_value(
			"_text not given (before v5.8 it is KIMAGE_VADDR + "
			"TEXT_OFFSET, which the dump does not record)");
	}
	if (in->sym_end.known)
		layout->kernel_end = known_value(in->sym_end.value,
						 KC_ARM64_PROV_SYMBOL, "_end");
	else
		layout->kernel_end = unknown_value("_end is only known from "
						   "vmlinux symbols");
	if (layout->kernel_text.known && layout->kimage_voffset.known &&
	    in->has_kimage_load &&
	    layout->kernel_text.value == in->kimage_load_vaddr &&
	    layout->kernel_text.value - layout->kimage_voffset.value !=
	    in->kimage_load_paddr)
		add_warning(layout, "kernel-image PT_LOAD paddr 0x%" PRIx64
			    " disagrees with _text - kimage_voffset",
			    in->kimage_load_paddr);
}

static void check_order(struct kc_arm64_layout *layout)
{
	const struct kc_arm64_value *lo[] = {
		&layout->modules_vaddr, &layout->modules_end,
		&layout->vmalloc_start, &layout->vmemmap_start,
	};
	const struct kc_arm64_value *hi[] = {
		&layout->modules_end, &layout->vmalloc_start,
		&layout->vmalloc_end, &layout->vmemmap_end,
	};
	for (size_t i = 0; i < sizeof(lo) / sizeof(lo[0]); i++)
		if (lo[i]->known && hi[i]->known && lo[i]->value > hi[i]->value &&
		    hi[i]->value != 0)
			add_warning(layout, "layout out of order: 0x%" PRIx64
				    " (%s) above 0x%" PRIx64 " (%s)",
				    lo[i]->value, lo[i]->source, hi[i]->value,
				    hi[i]->source);
}

struct kc_error *kc_arm64_layout_compute(const struct kc_arm64_layout_input *in,
					 struct kc_arm64_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	choose_era(layout, in);
	set_kasan(layout, in);
	struct kc_error *err = set_page_size(layout, in);
	if (err)
		return err;
	if (in->va_bits.known &&
	    (in->va_bits.value < 25 || in->va_bits.value > 52))
		return kc_error_create(KC_ERR_FORMAT, "NUMBER(VA_BITS)=%" PRIu64
				       " is out of range", in->va_bits.value);
	if (in->section_size_bits.known && !section_size_bits_valid(in))
		add_warning(layout, "NUMBER(SECTION_SIZE_BITS)=%" PRIu64
			    " is out of range (arm64: 27 to 30); ignored",
			    in->section_size_bits.value);
	set_va_bits(layout, in);
	err = set_va_bits_actual(layout, in);
	if (err)
		return err;
	set_struct_page_size(layout, in);
	set_kimage_voffset(layout, in);
	set_kaslr_offset(layout, in);

	struct geometry g;
	set_geometry(layout, &g);
	struct derived d;
	derive(layout, &g, in, &d);
	set_ranges(layout, in, &d, why_not_derived(layout, &g));
	set_phys_offset(layout, in);
	set_vmemmap_base(layout, &g, &d);
	set_kernel_image(layout, in);
	check_order(layout);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Classification and fast-path translation                            */

static bool value_range(const struct kc_arm64_value *start,
			const struct kc_arm64_value *end, uint64_t va)
{
	return start->known && end->known && in_range(va, start->value, end->value);
}

enum kc_arm64_region kc_arm64_layout_classify(const struct kc_arm64_layout *layout,
					      uint64_t vaddr)
{
	if (!(vaddr >> 63)) {
		unsigned va = layout->va_bits_actual.known ?
			(unsigned)layout->va_bits_actual.value : 52;
		return vaddr < (UINT64_C(1) << va) ? KC_ARM64_REGION_USER
						   : KC_ARM64_REGION_UNKNOWN;
	}
	if (value_range(&layout->kernel_text, &layout->kernel_end, vaddr))
		return KC_ARM64_REGION_KIMAGE;
	if (value_range(&layout->bpf_jit_start, &layout->bpf_jit_end, vaddr))
		return KC_ARM64_REGION_BPF_JIT;
	if (value_range(&layout->modules_vaddr, &layout->modules_end, vaddr))
		return KC_ARM64_REGION_MODULES;
	if (value_range(&layout->kasan_shadow_start, &layout->kasan_shadow_end,
			vaddr))
		return KC_ARM64_REGION_KASAN;
	if (value_range(&layout->page_offset, &layout->page_end, vaddr))
		return KC_ARM64_REGION_LINEAR;
	/* Before vmemmap: since v6.9 a 52-bit kernel running with 48 bits
	 * lends the unused start of vmemmap to vmalloc. */
	if (value_range(&layout->vmalloc_start, &layout->vmalloc_end, vaddr))
		return KC_ARM64_REGION_VMALLOC;
	if (value_range(&layout->vmemmap_start, &layout->vmemmap_end, vaddr))
		return KC_ARM64_REGION_VMEMMAP;
	return KC_ARM64_REGION_UNKNOWN;
}

const char *kc_arm64_region_name(enum kc_arm64_region region)
{
	switch (region) {
	case KC_ARM64_REGION_USER: return "user";
	case KC_ARM64_REGION_LINEAR: return "linear map";
	case KC_ARM64_REGION_KIMAGE: return "kernel image";
	case KC_ARM64_REGION_MODULES: return "modules";
	case KC_ARM64_REGION_VMALLOC: return "vmalloc";
	case KC_ARM64_REGION_VMEMMAP: return "vmemmap";
	case KC_ARM64_REGION_KASAN: return "KASAN shadow";
	case KC_ARM64_REGION_BPF_JIT: return "BPF JIT";
	case KC_ARM64_REGION_UNKNOWN: break;
	}
	return "unknown";
}

const char *kc_arm64_era_name(enum kc_arm64_era era)
{
	switch (era) {
	case KC_ARM64_ERA_V4_9: return "v4.9";
	case KC_ARM64_ERA_V5_0: return "v5.0";
	case KC_ARM64_ERA_V5_4: return "v5.4";
	case KC_ARM64_ERA_V5_11: return "v5.11";
	case KC_ARM64_ERA_V5_17: return "v5.17";
	case KC_ARM64_ERA_V6_5: return "v6.5";
	case KC_ARM64_ERA_V6_9: return "v6.9";
	case KC_ARM64_ERA_UNKNOWN: break;
	}
	return "unknown";
}

const char *kc_arm64_provenance_name(enum kc_arm64_provenance provenance)
{
	switch (provenance) {
	case KC_ARM64_PROV_EXPORTED: return "exported";
	case KC_ARM64_PROV_DERIVED: return "derived";
	case KC_ARM64_PROV_SYMBOL: return "from symbol";
	case KC_ARM64_PROV_SEARCHED: return "searched";
	case KC_ARM64_PROV_ASSUMED: return "assumed";
	case KC_ARM64_PROV_UNKNOWN: break;
	}
	return "unknown";
}

static struct kc_error *need(const struct kc_arm64_value *value,
			     const char *what)
{
	if (value->known)
		return NULL;
	return kc_error_create(KC_ERR_UNSUPPORTED, "%s unknown: %s", what,
			       value->source ? value->source : "no source");
}

struct kc_error *kc_arm64_linear_virt_to_phys(const struct kc_arm64_layout *layout,
					      uint64_t vaddr, uint64_t *paddr)
{
	struct kc_error *err = need(&layout->page_offset, "PAGE_OFFSET");
	if (!err)
		err = need(&layout->phys_offset, "PHYS_OFFSET");
	if (!err)
		err = need(&layout->page_end, "PAGE_END");
	if (err)
		return err;
	uint64_t po = layout->page_offset.value;
	if (!in_range(vaddr, po, layout->page_end.value))
		return kc_error_address(KC_ERR_FAULT, vaddr,
					"0x%" PRIx64 " is not in the linear map",
					vaddr);
	/* Pre-v5.4: (va & ~PAGE_OFFSET) + PHYS_OFFSET; v5.4+: va - PAGE_OFFSET
	 * + PHYS_OFFSET. Both equal va - PAGE_OFFSET inside the map. */
	uint64_t offset = flipped(layout->era) ? vaddr - po : vaddr & ~po;
	*paddr = offset + layout->phys_offset.value;
	return NULL;
}

struct kc_error *kc_arm64_linear_phys_to_virt(const struct kc_arm64_layout *layout,
					      uint64_t paddr, uint64_t *vaddr)
{
	struct kc_error *err = need(&layout->page_offset, "PAGE_OFFSET");
	if (!err)
		err = need(&layout->phys_offset, "PHYS_OFFSET");
	if (!err)
		err = need(&layout->page_end, "PAGE_END");
	if (err)
		return err;
	uint64_t po = layout->page_offset.value;
	uint64_t offset = paddr - layout->phys_offset.value;
	/* Pre-v5.4: (pa - PHYS_OFFSET) | PAGE_OFFSET; v5.4+: + PAGE_OFFSET. */
	uint64_t va = flipped(layout->era) ? offset + po : offset | po;
	uint64_t size = layout->page_end.value - po;
	if (offset >= size && size != 0)
		return kc_error_address(KC_ERR_FAULT, paddr,
					"physical 0x%" PRIx64 " is outside the "
					"linear map", paddr);
	*vaddr = va;
	return NULL;
}

struct kc_error *kc_arm64_kimg_to_phys(const struct kc_arm64_layout *layout,
				       uint64_t vaddr, uint64_t *paddr)
{
	struct kc_error *err = need(&layout->kimage_voffset, "kimage_voffset");
	if (err)
		return err;
	*paddr = vaddr - layout->kimage_voffset.value;
	return NULL;
}

struct kc_error *kc_arm64_phys_to_kimg(const struct kc_arm64_layout *layout,
				       uint64_t paddr, uint64_t *vaddr)
{
	struct kc_error *err = need(&layout->kimage_voffset, "kimage_voffset");
	if (err)
		return err;
	*vaddr = paddr + layout->kimage_voffset.value;
	return NULL;
}

struct kc_error *kc_arm64_pfn_to_page(const struct kc_arm64_layout *layout,
				      uint64_t pfn, uint64_t *page)
{
	struct kc_error *err = need(&layout->vmemmap_base, "vmemmap");
	if (err)
		return err;
	*page = layout->vmemmap_base.value + pfn * layout->struct_page_size.value;
	return NULL;
}

struct kc_error *kc_arm64_page_to_pfn(const struct kc_arm64_layout *layout,
				      uint64_t page, uint64_t *pfn)
{
	struct kc_error *err = need(&layout->vmemmap_base, "vmemmap");
	if (err)
		return err;
	uint64_t size = layout->struct_page_size.value;
	uint64_t offset = page - layout->vmemmap_base.value;
	if (!value_range(&layout->vmemmap_start, &layout->vmemmap_end, page) ||
	    offset % size)
		return kc_error_address(KC_ERR_FAULT, page,
					"0x%" PRIx64 " is not a struct page in "
					"vmemmap", page);
	*pfn = offset / size;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Display rows                                                        */

static void format_provenance(const struct kc_arm64_value *value,
			      char *buf, size_t len)
{
	const char *check = "";
	if (value->cross_checked)
		check = value->provenance == KC_ARM64_PROV_EXPORTED ?
			" (agrees with the derivation)" :
			" (agrees with the other source)";
	snprintf(buf, len, "%s: %s%s", kc_arm64_provenance_name(value->provenance),
		 value->source ? value->source : "", check);
}

size_t kc_arm64_layout_rows(const struct kc_arm64_layout *layout,
			    struct kc_arm64_layout_row *rows, size_t max)
{
	const struct {
		const char *name;
		const struct kc_arm64_value *value;
	} table[] = {
		{"PAGE_SIZE", &layout->page_size},
		{"VA_BITS", &layout->va_bits},
		{"VA_BITS_ACTUAL", &layout->va_bits_actual},
		{"PHYS_OFFSET", &layout->phys_offset},
		{"kimage_voffset", &layout->kimage_voffset},
		{"KASLR offset", &layout->kaslr_offset},
		{"PAGE_OFFSET", &layout->page_offset},
		{"PAGE_END", &layout->page_end},
		{"KASAN_SHADOW_START", &layout->kasan_shadow_start},
		{"KASAN_SHADOW_END", &layout->kasan_shadow_end},
		{"BPF_JIT_REGION_START", &layout->bpf_jit_start},
		{"BPF_JIT_REGION_END", &layout->bpf_jit_end},
		{"MODULES_VADDR", &layout->modules_vaddr},
		{"MODULES_END", &layout->modules_end},
		{"VMALLOC_START", &layout->vmalloc_start},
		{"VMALLOC_END", &layout->vmalloc_end},
		{"VMEMMAP_START", &layout->vmemmap_start},
		{"VMEMMAP_END", &layout->vmemmap_end},
		{"vmemmap", &layout->vmemmap_base},
		{"KIMAGE_VADDR+kaslr", &layout->kimage_vaddr},
		{"_text", &layout->kernel_text},
		{"_end", &layout->kernel_end},
		{"sizeof(struct page)", &layout->struct_page_size},
	};
	size_t count = sizeof(table) / sizeof(table[0]);
	for (size_t i = 0; i < count && i < max; i++) {
		rows[i].name = table[i].name;
		rows[i].known = table[i].value->known;
		rows[i].value = table[i].value->value;
		format_provenance(table[i].value, rows[i].provenance,
				  sizeof(rows[i].provenance));
	}
	return count;
}
