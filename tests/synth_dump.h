/* SPDX-License-Identifier: MIT */
/*
 * Synthetic arm64 kernel crash dumps: ELF64 cores whose memory holds page
 * tables built by synth_pgtable and whose VMCOREINFO is what a kernel of a
 * given release writes, so a test can take the path a user takes (dump file
 * -> kc_session_open -> VMCOREINFO -> layout -> geometry -> swapper_pg_dir
 * -> translation) for every layout era and page-table geometry.
 *
 * Where things go comes from the kernel's own definitions of each release
 * (arch/arm64/include/asm/memory.h, pgtable.h, mm/init.c), written out here
 * independently of src/arm64/layout.c: the code under test is never asked.
 * Every mapped page holds a pattern that names it, every deliberately
 * unmapped address says at which lookup level a walk must stop.
 */
#ifndef KC_TEST_SYNTH_DUMP_H
#define KC_TEST_SYNTH_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "synth_pgtable.h"

/* Kernel releases as major * 1000 + minor. */
#define SYNTH_VERSION(major, minor) ((major) * 1000u + (minor))

enum synth_era {
	SYNTH_ERA_V4_9,  /* v4.9..v4.20: linear map in the upper half */
	SYNTH_ERA_V5_0,  /* v5.0..v5.3: BPF JIT region below the modules */
	SYNTH_ERA_V5_4,  /* v5.4..v5.10: flipped VA space, 52-bit VA */
	SYNTH_ERA_V5_11, /* v5.11..v5.16: vmemmap at the top */
	SYNTH_ERA_V5_17, /* v5.17..v6.4: no BPF JIT region */
	SYNTH_ERA_V6_5,  /* v6.5..v6.8: 2G module area */
	SYNTH_ERA_V6_9,  /* v6.9+: LPA2, vmemmap ends at -1G */
};

struct synth_dump_config {
	unsigned version;        /* SYNTH_VERSION(): decides era and keys */
	unsigned page_shift;     /* 12, 14, 16 */
	unsigned va_bits;        /* CONFIG_ARM64_VA_BITS */
	unsigned va_bits_actual; /* 64 - TCR_EL1.T1SZ; 0: va_bits */
	unsigned pa_bits;        /* MAX_PHYSMEM_BITS */
	/*
	 * kexec-style program headers (/proc/vmcore): RAM PT_LOADs with the
	 * linear-map p_vaddr, plus the kernel image's PT_LOAD. Otherwise
	 * QEMU-style: physical PT_LOADs with p_vaddr = p_paddr.
	 */
	bool kernel_loads;
	/* v5.18+: NUMBER(MODULES_VADDR) ... NUMBER(VMEMMAP_END) written. */
	bool export_ranges;
	/* Linear-map randomisation: memstart_addr lowered by 3 GiB. */
	bool randomize_linear;
	unsigned kaslr_slot;     /* KASLR offset = (16 + slot) * 2M */
};

enum synth_probe_kind {
	SYNTH_PROBE_KIMAGE,
	SYNTH_PROBE_LINEAR,
	SYNTH_PROBE_VMALLOC,
	SYNTH_PROBE_MODULE,
};

/* A mapped page whose u64 word i is synth_dump_word(tag, i). */
struct synth_probe {
	enum synth_probe_kind kind;
	uint64_t va, pa;
	uint32_t tag;
};

/* An address the kernel left unmapped; level: where a walk must stop. */
struct synth_hole {
	const char *what;
	uint64_t va;
	int level;
};

#define SYNTH_MAX_PROBES 16
#define SYNTH_MAX_HOLES 4

struct synth_ram {
	uint64_t start, size;
};

struct synth_dump {
	struct synth_dump_config cfg;
	enum synth_era era;
	char release[32];

	/* The layout, from the kernel's definitions for the era. */
	uint64_t page_offset;   /* PAGE_OFFSET macro */
	uint64_t modules_vaddr, modules_end;
	uint64_t vmalloc_start, vmalloc_end;
	uint64_t vmemmap_start, vmemmap_end;
	uint64_t kimage_vaddr;  /* KIMAGE_VADDR */
	uint64_t kaslr_offset;
	uint64_t text;          /* _text: run-time image start */
	uint64_t stext;         /* _stext */
	uint64_t image_pa, image_size;
	uint64_t kimage_voffset;
	uint64_t memstart_addr; /* before any 52-on-48 adjustment */
	uint64_t phys_offset;   /* NUMBER(PHYS_OFFSET) as the era writes it */
	uint64_t swapper_va, swapper_pa;

	/* Which VMCOREINFO keys were written. */
	bool has_arch_keys, has_kerneloffset, has_t1sz, has_physmem_bits;
	bool ranges_exported;

	/* Memory: RAM bank 0 holds image, tables and data; bank 1 a few pages. */
	struct synth_ram ram[2];
	uint8_t *ram_bytes[2];
	struct synth_pgtable *pgt; /* tables, at the kernel image's swapper_pg_dir */

	struct synth_probe probes[SYNTH_MAX_PROBES];
	size_t nr_probes;
	struct synth_hole holes[SYNTH_MAX_HOLES];
	size_t nr_holes;

	char *vmcoreinfo;
	size_t vmcoreinfo_len;
};

enum synth_era synth_era_of(unsigned version);
const char *synth_era_name(enum synth_era era);
const char *synth_probe_kind_name(enum synth_probe_kind kind);

/*
 * Build a dump's memory, tables and VMCOREINFO for CFG. NULL (with *WHY
 * set to static text) when the configuration is not one the release can
 * build or the tables do not fit.
 */
struct synth_dump *synth_dump_create(const struct synth_dump_config *cfg,
				     const char **why);
void synth_dump_destroy(struct synth_dump *d);

/* Write D as an ELF64 core at PATH. */
struct kc_error *synth_dump_write(const struct synth_dump *d, const char *path);

/* Word I of a probe page with TAG. */
uint64_t synth_dump_word(uint32_t tag, uint64_t i);

/* The linear-map address of physical PADDR as the era's kernel maps it. */
uint64_t synth_dump_linear_va(const struct synth_dump *d, uint64_t paddr);

#endif
