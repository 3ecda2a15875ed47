/* SPDX-License-Identifier: MIT */
/*
 * The arm64 kernel virtual address-space layout, v4.9 onwards.
 *
 * Pure computation, kept apart from file formats (as drgn and libkdumpfile
 * do): the caller fills a struct kc_arm64_layout_input with whatever it
 * knows (VMCOREINFO, vmlinux symbols, the dump's memory ranges) and
 * kc_arm64_layout_compute() fills a struct kc_arm64_layout in which every
 * value says where it came from: exported by VMCOREINFO (which key), derived
 * (which formula, citing the kernel release), read from a symbol, searched
 * for in the dump, assumed, or unknown (and why).
 *
 * Layout eras (each formula set cites the release it comes from):
 *   v4.9   VA_START..: KASAN shadow, modules, vmalloc, vmemmap below the
 *          linear map, which is the upper half (arch/arm64/include/asm/
 *          memory.h, pgtable.h of v4.9). No arm64 VMCOREINFO keys before
 *          v4.12 (VA_BITS, kimage_voffset, PHYS_OFFSET, KERNELOFFSET).
 *   v5.0   128M BPF JIT region below the modules (91fc957c9b1d).
 *   v5.4   flipped VA space: linear map is the lower half (14c127c957c1),
 *          52-bit kernel VA (64K pages).
 *   v5.11  vmemmap at the top, KASAN shadow ends at PAGE_END
 *          (9ad7c6d5e75b, f4693c2716b3).
 *   v5.17  BPF JIT region removed (b89ddf4cca43, merged for v5.17-rc1;
 *          backported to stable 5.15.18 and 5.16.4).
 *   v5.18  VMCOREINFO exports MODULES/VMALLOC/VMEMMAP ranges; no layout
 *          change.
 *   v6.5   2G module area (3e35d303ab7d).
 *   v6.9   VA space reorganised for LPA2: vmemmap ends at -1G, PCI I/O and
 *          fixmap above it, VMALLOC_END = VMEMMAP_START - 8M.
 *
 * Ranges are [start, end); an end of 0 stands for 2^64 (the top of the
 * address space, e.g. the pre-v5.4 linear map). All arithmetic is modulo
 * 2^64: PHYS_OFFSET (memstart_addr) is a "negative" u64 when the linear map
 * is randomised.
 *
 * Library code: nothing here prints; problems become warning strings kept in
 * the layout, or a struct kc_error * (NULL on success).
 */
#ifndef KCRASH_ARM64_LAYOUT_H
#define KCRASH_ARM64_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>

struct kc_vmcoreinfo;

/* An optional input value. */
struct kc_opt_u64 {
	bool known;
	uint64_t value;
};

static inline struct kc_opt_u64 kc_opt_u64_some(uint64_t value)
{
	return (struct kc_opt_u64){.known = true, .value = value};
}

enum kc_arm64_kasan {
	KC_ARM64_KASAN_UNKNOWN = 0, /* assumed off, and the layout says so */
	KC_ARM64_KASAN_NONE,
	KC_ARM64_KASAN_GENERIC,     /* shadow scale 1/8 */
	KC_ARM64_KASAN_SW_TAGS,     /* shadow scale 1/16 */
	KC_ARM64_KASAN_HW_TAGS,     /* MTE: no shadow region */
};

/* A physical memory range of the dump; vaddr when an ELF PT_LOAD gives one. */
struct kc_arm64_mem_range {
	uint64_t phys_start;
	uint64_t size;
	bool has_vaddr;
	uint64_t vaddr; /* p_vaddr of a linear-map PT_LOAD */
};

struct kc_arm64_layout_input {
	const char *osrelease; /* "5.10.223-kcfx"; NULL if unknown */

	/* VMCOREINFO values (kc_arm64_layout_input_from_vmcoreinfo). */
	struct kc_opt_u64 page_size;      /* PAGESIZE */
	struct kc_opt_u64 va_bits;        /* NUMBER(VA_BITS), configured */
	struct kc_opt_u64 tcr_el1_t1sz;   /* NUMBER(TCR_EL1_T1SZ), v5.9+ */
	struct kc_opt_u64 phys_offset;    /* NUMBER(PHYS_OFFSET) */
	struct kc_opt_u64 kimage_voffset; /* NUMBER(kimage_voffset) */
	struct kc_opt_u64 kaslr_offset;   /* KERNELOFFSET */
	struct kc_opt_u64 vmcoreinfo_stext; /* SYMBOL(_stext), run time */
	struct kc_opt_u64 modules_vaddr;  /* NUMBER(MODULES_VADDR), v5.18+ */
	struct kc_opt_u64 modules_end;    /* NUMBER(MODULES_END) */
	struct kc_opt_u64 vmalloc_start;  /* NUMBER(VMALLOC_START) */
	struct kc_opt_u64 vmalloc_end;    /* NUMBER(VMALLOC_END) */
	struct kc_opt_u64 vmemmap_start;  /* NUMBER(VMEMMAP_START) */
	struct kc_opt_u64 vmemmap_end;    /* NUMBER(VMEMMAP_END) */
	struct kc_opt_u64 struct_page_size;  /* SIZE(page) */
	struct kc_opt_u64 section_size_bits; /* NUMBER(SECTION_SIZE_BITS) */

	/* Symbols the caller can give: run-time addresses unless said. */
	struct kc_opt_u64 sym_text;    /* _text */
	struct kc_opt_u64 sym_stext;   /* _stext */
	struct kc_opt_u64 sym_end;     /* _end */
	struct kc_opt_u64 sym_swapper_pg_dir;
	struct kc_opt_u64 vmlinux_stext;  /* _stext at link time (vmlinux) */
	struct kc_opt_u64 vmlinux_text;   /* _text at link time (vmlinux) */
	/* Values of kernel variables, when the caller could read them. */
	struct kc_opt_u64 memstart_addr_value;
	struct kc_opt_u64 kimage_voffset_value;
	struct kc_opt_u64 vabits_actual_value;

	/* The dump. */
	const struct kc_arm64_mem_range *mem_ranges;
	size_t nr_mem_ranges;
	bool has_kimage_load;         /* ELF: the kernel-image PT_LOAD */
	uint64_t kimage_load_vaddr;   /* its p_vaddr */
	uint64_t kimage_load_paddr;   /* its p_paddr */

	enum kc_arm64_kasan kasan;    /* e.g. from vmlinux: kasan_init exists */
	struct kc_opt_u64 kasan_shadow_offset; /* CONFIG_KASAN_SHADOW_OFFSET */
};

enum kc_arm64_provenance {
	KC_ARM64_PROV_UNKNOWN = 0, /* source holds the reason */
	KC_ARM64_PROV_EXPORTED,    /* source holds the VMCOREINFO key */
	KC_ARM64_PROV_DERIVED,     /* source holds the formula and release */
	KC_ARM64_PROV_SYMBOL,      /* source names the symbol(s) */
	KC_ARM64_PROV_SEARCHED,    /* source says what in the dump was used */
	KC_ARM64_PROV_ASSUMED,     /* source says what was assumed and why */
};

/* One value of the layout; source points to static text. */
struct kc_arm64_value {
	bool known;
	uint64_t value;
	enum kc_arm64_provenance provenance;
	const char *source;
	/* An independent derivation agreed with an exported/symbol value. */
	bool cross_checked;
};

enum kc_arm64_era {
	KC_ARM64_ERA_UNKNOWN = 0,
	KC_ARM64_ERA_V4_9,
	KC_ARM64_ERA_V5_0,
	KC_ARM64_ERA_V5_4,
	KC_ARM64_ERA_V5_11,
	KC_ARM64_ERA_V5_17,
	KC_ARM64_ERA_V6_5,
	KC_ARM64_ERA_V6_9,
};

#define KC_ARM64_LAYOUT_MAX_WARNINGS 16
#define KC_ARM64_LAYOUT_WARNING_LEN 224

struct kc_arm64_layout {
	enum kc_arm64_era era;
	const char *era_source;      /* why this era (release rule) */
	unsigned version[3];         /* major, minor, sublevel; 0s if unknown */
	enum kc_arm64_kasan kasan;   /* as used (UNKNOWN input -> NONE) */
	const char *kasan_source;

	struct kc_arm64_value page_size;
	struct kc_arm64_value va_bits;        /* configured (VA_BITS) */
	struct kc_arm64_value va_bits_actual; /* in use (vabits_actual) */
	struct kc_arm64_value phys_offset;    /* memstart_addr */
	struct kc_arm64_value kimage_voffset;
	struct kc_arm64_value kaslr_offset;
	struct kc_arm64_value struct_page_size;

	struct kc_arm64_value page_offset;   /* start of the linear map */
	struct kc_arm64_value page_end;      /* end of the linear map */
	struct kc_arm64_value kimage_vaddr;  /* KIMAGE_VADDR + kaslr offset */
	struct kc_arm64_value kernel_text;   /* _text */
	struct kc_arm64_value kernel_end;    /* _end */
	struct kc_arm64_value modules_vaddr;
	struct kc_arm64_value modules_end;
	struct kc_arm64_value vmalloc_start;
	struct kc_arm64_value vmalloc_end;
	struct kc_arm64_value vmemmap_start;
	struct kc_arm64_value vmemmap_end;
	/* The kernel's `vmemmap`: struct page of pfn N is vmemmap + N*size. */
	struct kc_arm64_value vmemmap_base;
	struct kc_arm64_value kasan_shadow_start;
	struct kc_arm64_value kasan_shadow_end;
	struct kc_arm64_value bpf_jit_start;
	struct kc_arm64_value bpf_jit_end;

	char warnings[KC_ARM64_LAYOUT_MAX_WARNINGS][KC_ARM64_LAYOUT_WARNING_LEN];
	size_t nr_warnings;
};

/*
 * Fill IN from a parsed VMCOREINFO: every key is looked for wherever it is
 * in the note, missing keys leave the field as it was (so symbols the caller
 * set beforehand survive). IN->osrelease points into INFO. Returns
 * KC_ERR_FORMAT when a present key does not parse.
 */
struct kc_error *
kc_arm64_layout_input_from_vmcoreinfo(const struct kc_vmcoreinfo *info,
				      struct kc_arm64_layout_input *in);

/*
 * Compute the layout. Values that cannot be known are marked unknown with
 * the reason; an error is returned only for impossible input (a page size
 * other than 4K/16K/64K, VA_BITS or TCR_EL1_T1SZ out of range).
 */
struct kc_error *kc_arm64_layout_compute(const struct kc_arm64_layout_input *in,
					 struct kc_arm64_layout *layout);

enum kc_arm64_region {
	KC_ARM64_REGION_UNKNOWN = 0,
	KC_ARM64_REGION_USER,
	KC_ARM64_REGION_LINEAR,
	KC_ARM64_REGION_KIMAGE,
	KC_ARM64_REGION_MODULES,
	KC_ARM64_REGION_VMALLOC,
	KC_ARM64_REGION_VMEMMAP,
	KC_ARM64_REGION_KASAN,
	KC_ARM64_REGION_BPF_JIT,
};

/* Which region VADDR falls in (the kernel image wins over vmalloc). */
enum kc_arm64_region kc_arm64_layout_classify(const struct kc_arm64_layout *layout,
					      uint64_t vaddr);
const char *kc_arm64_region_name(enum kc_arm64_region region);
const char *kc_arm64_era_name(enum kc_arm64_era era);
const char *kc_arm64_provenance_name(enum kc_arm64_provenance provenance);

/*
 * Linear-map fast path (__virt_to_phys / __phys_to_virt of the era):
 * before v5.4 PA = (VA & ~PAGE_OFFSET) + PHYS_OFFSET, from v5.4
 * PA = (VA - PAGE_OFFSET) + PHYS_OFFSET. KC_ERR_FAULT if VADDR is not in
 * the linear map, KC_ERR_UNSUPPORTED if the layout lacks the values.
 */
struct kc_error *kc_arm64_linear_virt_to_phys(const struct kc_arm64_layout *layout,
					      uint64_t vaddr, uint64_t *paddr);
struct kc_error *kc_arm64_linear_phys_to_virt(const struct kc_arm64_layout *layout,
					      uint64_t paddr, uint64_t *vaddr);
/* Kernel-image fast path: __kimg_to_phys(VA) = VA - kimage_voffset. */
struct kc_error *kc_arm64_kimg_to_phys(const struct kc_arm64_layout *layout,
				       uint64_t vaddr, uint64_t *paddr);
struct kc_error *kc_arm64_phys_to_kimg(const struct kc_arm64_layout *layout,
				       uint64_t paddr, uint64_t *vaddr);
/* SPARSEMEM_VMEMMAP: struct page address <-> pfn through vmemmap_base. */
struct kc_error *kc_arm64_pfn_to_page(const struct kc_arm64_layout *layout,
				      uint64_t pfn, uint64_t *page);
struct kc_error *kc_arm64_page_to_pfn(const struct kc_arm64_layout *layout,
				      uint64_t page, uint64_t *pfn);

/* One line of a layout display (like crash's "help -m", with provenance). */
struct kc_arm64_layout_row {
	const char *name;      /* "VMALLOC_START", ... */
	bool known;
	uint64_t value;
	char provenance[288];  /* "derived: v5.11+ memory.h: ..." */
};

/*
 * Write up to MAX rows into ROWS; returns how many rows the layout has
 * (call with MAX 0 to size the array).
 */
size_t kc_arm64_layout_rows(const struct kc_arm64_layout *layout,
			    struct kc_arm64_layout_row *rows, size_t max);

#endif
