/* SPDX-License-Identifier: MIT */
/*
 * Virtual memory of an arm64 kernel dump: the layout (layout.h), the
 * page-table geometry (pgtable.h) and the dump's physical memory put
 * together. Kernel addresses in the linear map and the kernel image take the
 * kernel's own formulas (__virt_to_phys, __kimg_to_phys); everything else is
 * walked from swapper_pg_dir, user addresses from a task's mm->pgd. Walks
 * are remembered in a small translation cache.
 */
#ifndef KC_ARM64_MMU_H
#define KC_ARM64_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include <kcrash/arm64/mmu.h>

#include "../vmcore/dump.h"
#include "layout.h"
#include "pgtable.h"

struct kc_vmcoreinfo;
struct kc_symtab;

#define KC_MMU_TLB_ENTRIES 4096

struct kc_mmu_tlb_entry {
	uint64_t root_paddr;  /* which page tables */
	uint64_t vpage;       /* vaddr >> page shift, +1 (0 = empty) */
	uint64_t ppage;       /* physical address of the page */
};

struct kc_arm64_mmu {
	struct kc_dump *dump;
	struct kc_arm64_layout layout;
	struct kc_pgtable_geometry geo;
	bool have_swapper;
	uint64_t swapper_pg_dir;        /* virtual (kernel image) */
	uint64_t swapper_pg_dir_paddr;
	const char *swapper_source;     /* where its address came from */
	/* Settings for tests and benchmarks. */
	bool use_fast_paths;
	bool use_tlb;
	struct kc_mmu_tlb_entry *tlb;
	uint64_t tlb_hits, tlb_misses, walks;
};

/*
 * Build the MMU view of DUMP from its VMCOREINFO (INFO, may be NULL) and,
 * when given, the vmlinux symbol table (for the KASLR offset and v4.9-era
 * derivations). Fails when the page size, VA size or swapper_pg_dir cannot
 * be known; the message says which and why.
 */
struct kc_error *kc_arm64_mmu_create(struct kc_dump *dump,
				     const struct kc_vmcoreinfo *info,
				     const struct kc_symtab *symtab,
				     struct kc_arm64_mmu **ret);
void kc_arm64_mmu_destroy(struct kc_arm64_mmu *mmu);

/*
 * The first kernel virtual address in [START, LIMIT) that swapper_pg_dir
 * maps without execute permission (PXN), walking mapping by mapping;
 * START itself when that cannot be told (an unmapped address first, or
 * nothing non-executable before LIMIT).
 */
uint64_t kc_arm64_first_non_executable(struct kc_arm64_mmu *mmu, uint64_t start,
				       uint64_t limit);

void kc_arm64_mmu_flush_tlb(struct kc_arm64_mmu *mmu);

#endif
