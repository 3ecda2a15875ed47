/* SPDX-License-Identifier: MIT */
/*
 * Virtual memory of an arm64 kernel dump: the layout (arm64/layout.h), the
 * page-table geometry (arm64/pgtable.h) and the dump's physical memory put
 * together. Kernel addresses in the linear map and the kernel image take the
 * kernel's own formulas (__virt_to_phys, __kimg_to_phys); everything else is
 * walked from swapper_pg_dir, user addresses from a task's mm->pgd. A
 * session's MMU comes from kc_session_mmu().
 */
#ifndef KCRASH_ARM64_MMU_H
#define KCRASH_ARM64_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/arm64/layout.h>
#include <kcrash/arm64/pgtable.h>
#include <kcrash/error.h>

struct kc_arm64_mmu;

/* The layout (every value with where it came from) and the page tables' geometry. */
const struct kc_arm64_layout *kc_arm64_mmu_layout(const struct kc_arm64_mmu *mmu);
const struct kc_pgtable_geometry *kc_arm64_mmu_geometry(const struct kc_arm64_mmu *mmu);
/*
 * The kernel's page tables: swapper_pg_dir's virtual and physical address
 * and where the address came from; false when they are not known.
 */
bool kc_arm64_mmu_swapper(const struct kc_arm64_mmu *mmu, uint64_t *vaddr,
			  uint64_t *paddr, const char **source);

/* Kernel virtual to physical; WALK (optional) gets the table walk if one was done. */
struct kc_error *kc_arm64_kvtop(struct kc_arm64_mmu *mmu, uint64_t vaddr,
				uint64_t *paddr);
/* User virtual to physical through the page tables at PGD_PADDR. */
struct kc_error *kc_arm64_uvtop(struct kc_arm64_mmu *mmu, uint64_t pgd_paddr,
				uint64_t vaddr, uint64_t *paddr);
/* The full walk, for vtop: from swapper_pg_dir or PGD_PADDR (when USER). */
struct kc_error *kc_arm64_walk(struct kc_arm64_mmu *mmu, bool user,
			       uint64_t pgd_paddr, uint64_t vaddr,
			       struct kc_pgtable_walk *walk);

/* Read LEN bytes at kernel virtual address VADDR, page by page. */
struct kc_error *kc_arm64_read_kvirt(struct kc_arm64_mmu *mmu, uint64_t vaddr,
				     void *buf, size_t len);
/* Read LEN bytes at user virtual address VADDR through PGD_PADDR. */
struct kc_error *kc_arm64_read_uvirt(struct kc_arm64_mmu *mmu,
				     uint64_t pgd_paddr, uint64_t vaddr,
				     void *buf, size_t len);
/* Read a little-endian u64 at kernel virtual address VADDR. */
struct kc_error *kc_arm64_read_u64(struct kc_arm64_mmu *mmu, uint64_t vaddr,
				   uint64_t *value);

/* The linear-map address of PADDR (ptov). */
struct kc_error *kc_arm64_ptov(const struct kc_arm64_mmu *mmu, uint64_t paddr,
			       uint64_t *vaddr);
/* Whether VADDR is a kernel (TTBR1) address. */
bool kc_arm64_is_kernel_addr(const struct kc_arm64_mmu *mmu, uint64_t vaddr);

#endif
