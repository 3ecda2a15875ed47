/* SPDX-License-Identifier: MIT */
/*
 * A task's user address space: its VMAs (the maple tree mm->mm_mt from
 * v6.1, the list mm->mmap before it, checked against the rbtree mm_rb's
 * count) and what each user page translates to through mm->pgd: a
 * physical page (and whether the dump holds it: makedumpfile -d 8 and
 * above drop user pages), a swap entry, or nothing.
 */
#ifndef KCRASH_VM_H
#define KCRASH_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/dump.h>
#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/tasks.h>

/* One struct vm_area_struct. */
struct kc_vma {
	uint64_t vma;        /* struct vm_area_struct * */
	uint64_t start, end; /* vm_start, vm_end */
	uint64_t flags;      /* vm_flags (VM_READ ...) */
	uint64_t pgoff;      /* vm_pgoff: the file offset in pages */
	uint64_t file;       /* vm_file (struct file *), 0 for anonymous memory */
	uint64_t inode;      /* the file's inode, 0 without a file */
	uint64_t ino;        /* its i_ino */
	uint32_t dev;        /* its super block's s_dev (kernel dev_t) */
	char *path;          /* the file's d_path (malloc'd), NULL without a file */
};

/* An mm and its VMAs in address order. */
struct kc_mm {
	uint64_t mm;         /* struct mm_struct * */
	uint64_t pgd;        /* mm->pgd (kernel virtual) */
	uint64_t pgd_paddr;  /* its physical address (0 if it does not translate) */
	uint64_t map_count;  /* mm->map_count */
	struct kc_vma *vmas;
	size_t nr_vmas;
	char *warning;       /* a VMA that could not be read, or a count that
				disagrees with map_count (malloc'd), or NULL */
};

/*
 * The VMAs of the mm_struct at MM, in address order: the maple tree
 * mm_mt where the kernel has one (v6.1+), else the mm->mmap list (its
 * order and count checked). Bounded by map_count (and 1 << 20), cycle-
 * checked. Free with kc_mm_free.
 */
struct kc_error *kc_mm_read(struct kc_session *session, uint64_t mm, struct kc_mm *ret);
/* TASK's mm (kc_mm_read of task->mm); an error for a kernel thread. */
struct kc_error *kc_task_mm(struct kc_session *session, const struct kc_task *task,
			    struct kc_mm *ret);
void kc_mm_free(struct kc_mm *mm);

/* What a user page's page-table entry says. */
enum kc_upage_state {
	KC_UPAGE_MAPPED,      /* present: PADDR is its physical address */
	KC_UPAGE_NOT_MAPPED,  /* no entry (pte_none, or a table level empty) */
	KC_UPAGE_SWAP,        /* a swap entry: SWAP_TYPE, SWAP_OFFSET */
	KC_UPAGE_UNREADABLE,  /* a page table could not be read (ERROR says why) */
};

struct kc_upage {
	uint64_t vaddr;
	enum kc_upage_state state;
	uint64_t pte;            /* the last descriptor read (the swap entry) */
	uint64_t paddr;          /* MAPPED */
	uint64_t map_size;       /* MAPPED: page or block (huge page) size */
	enum kc_page_state dump_state; /* MAPPED: whether the dump holds the page */
	unsigned swap_type;      /* SWAP */
	uint64_t swap_offset;    /* SWAP: in pages */
	char error[256];         /* UNREADABLE */
};

/*
 * Translate user address VADDR through the page tables at PGD_PADDR
 * (kc_mm's pgd_paddr). A present entry includes a PROT_NONE one (valid
 * bit clear, PTE_PROT_NONE set). A non-zero entry that is not present is
 * a swap entry, decoded as arm64 encodes it (type in bits 7:2 before v6.3,
 * 7:3 from v6.3 when bit 2 became PTE_SWP_EXCLUSIVE; offset from bit 8).
 * Errors only for a bad argument: what the tables say is in *PAGE.
 */
struct kc_error *kc_upage_translate(struct kc_session *session, uint64_t pgd_paddr,
				    uint64_t vaddr, struct kc_upage *page);

/*
 * A swap PTE's type and offset, as the running kernel's arm64 encoding
 * has them (arch/arm64/include/asm/pgtable.h of its release).
 */
void kc_swap_entry_decode(struct kc_session *session, uint64_t pte, unsigned *type,
			  uint64_t *offset);

#endif
