/* SPDX-License-Identifier: MIT */
/*
 * A task's VMAs and user pages (include/kcrash/vm.h).
 *
 * Kernel facts used here:
 *  - the VMAs: mm->mm_mt, a maple tree of vm_area_struct pointers over
 *    [vm_start, vm_end - 1] (v6.1+, include/linux/mm_types.h); before,
 *    the list mm->mmap through vm_next in address order;
 *  - arm64 swap PTEs (arch/arm64/include/asm/pgtable.h): to v6.2 the
 *    type in bits 7:2 and the offset from bit 8; v6.3 to v6.9 the type in
 *    bits 7:3 (bit 2 is PTE_SWP_EXCLUSIVE), the offset from bit 8; from
 *    v6.10 the type in bits 10:6 and the offset from bit 12;
 *  - a present but inaccessible (PROT_NONE) PTE has the valid bit clear
 *    and PTE_PROT_NONE (bit 58) set, to v6.9; from v6.10 the bit is
 *    PTE_PRESENT_INVALID, which is PTE_NG (bit 11).
 */
#include <kcrash/vm.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/fs.h>
#include <kcrash/walk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "session.h"

#define ULL(x) ((unsigned long long)(x))

/* More VMAs than any mm holds (sysctl vm.max_map_count defaults to 65530). */
#define MAX_VMAS (1u << 20)

static struct kc_error *rd(struct kc_session *s, uint64_t obj, const char *type,
			   const char *member, uint64_t *value)
{
	return kc_kernel_read_member(s, obj, type, member, value);
}

struct vma_collect {
	struct kc_session *s;
	uint64_t *vmas;
	size_t n, max;
};

static struct kc_error *push_vma(struct vma_collect *c, uint64_t vma)
{
	if (c->n >= c->max)
		return kc_error_create(KC_ERR_FORMAT, "more than %zu VMAs", c->max);
	uint64_t *grown = realloc(c->vmas, (c->n + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	c->vmas = grown;
	c->vmas[c->n++] = vma;
	return NULL;
}

static struct kc_error *see_mt_entry(void *ctx, const struct kc_mt_entry *e)
{
	if (e->is_value || !e->entry)
		return NULL;
	return push_vma(ctx, e->entry);
}

static struct kc_error *read_vma(struct kc_session *s, uint64_t vma, struct kc_vma *v)
{
	memset(v, 0, sizeof(*v));
	v->vma = vma;
	struct kc_error *err = rd(s, vma, "struct vm_area_struct", "vm_start", &v->start);
	if (!err)
		err = rd(s, vma, "struct vm_area_struct", "vm_end", &v->end);
	if (!err)
		err = rd(s, vma, "struct vm_area_struct", "vm_flags", &v->flags);
	if (!err)
		err = rd(s, vma, "struct vm_area_struct", "vm_pgoff", &v->pgoff);
	if (!err)
		err = rd(s, vma, "struct vm_area_struct", "vm_file", &v->file);
	if (err)
		return kc_error_prefix(err, "vm_area_struct 0x%llx", ULL(vma));
	if (v->file) {
		struct kc_file_info info;
		err = kc_file_info(s, v->file, &info);
		if (err)
			return kc_error_prefix(err, "vm_area_struct 0x%llx's file", ULL(vma));
		v->inode = info.inode;
		v->ino = info.ino;
		v->dev = info.dev;
		v->path = info.path;
		info.path = NULL;
		kc_file_info_fini(&info);
	}
	return NULL;
}

static void set_warning(struct kc_mm *mm, struct kc_error *err)
{
	if (!mm->warning)
		mm->warning = strdup(kc_error_message(err));
	kc_error_destroy(err);
}

struct kc_error *kc_mm_read(struct kc_session *s, uint64_t mm, struct kc_mm *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->mm = mm;
	struct kc_error *err = rd(s, mm, "struct mm_struct", "pgd", &ret->pgd);
	if (!err)
		err = rd(s, mm, "struct mm_struct", "map_count", &ret->map_count);
	if (err)
		return kc_error_prefix(err, "mm_struct 0x%llx", ULL(mm));
	ret->map_count &= 0xffffffffu; /* int */
	struct kc_arm64_mmu *mmu;
	struct kc_error *pgd_err = kc_session_mmu(s, &mmu);
	if (!pgd_err)
		pgd_err = kc_arm64_kvtop(mmu, ret->pgd, &ret->pgd_paddr);
	if (pgd_err) {
		ret->pgd_paddr = 0;
		set_warning(ret, kc_error_prefix(pgd_err, "mm_struct 0x%llx's pgd 0x%llx",
						 ULL(mm), ULL(ret->pgd)));
	}
	struct vma_collect c = {.s = s, .max = ret->map_count + 64 < MAX_VMAS ?
					       ret->map_count + 64 : MAX_VMAS};
	if (kc_kernel_has_member(s, "struct mm_struct", "mm_mt")) {
		const struct kc_kernel_member *m;
		err = kc_kernel_member(s, "struct mm_struct", "mm_mt", &m);
		if (!err)
			err = kc_walk_maple_tree(s, mm + m->offset, c.max, see_mt_entry, &c);
	} else {
		uint64_t vma, last_end = 0;
		err = rd(s, mm, "struct mm_struct", "mmap", &vma);
		while (!err && vma) {
			uint64_t start = 0, end = 0, next = 0;
			err = rd(s, vma, "struct vm_area_struct", "vm_start", &start);
			if (!err)
				err = rd(s, vma, "struct vm_area_struct", "vm_end", &end);
			if (!err)
				err = rd(s, vma, "struct vm_area_struct", "vm_next", &next);
			/* Increasing, disjoint ranges: a cycle cannot pass. */
			if (!err && (start < last_end || end <= start))
				err = kc_error_address(KC_ERR_FORMAT, vma,
						       "vm_area_struct 0x%llx: [0x%llx, 0x%llx) after a VMA ending at 0x%llx",
						       ULL(vma), ULL(start), ULL(end), ULL(last_end));
			if (!err)
				err = push_vma(&c, vma);
			last_end = end;
			vma = next;
		}
	}
	if (err) {
		/* The VMAs read before the damage are kept. */
		set_warning(ret, kc_error_prefix(err, "mm_struct 0x%llx's VMAs", ULL(mm)));
	}
	ret->vmas = calloc(c.n ? c.n : 1, sizeof(*ret->vmas));
	if (!ret->vmas) {
		free(c.vmas);
		kc_mm_free(ret);
		return &kc_error_nomem;
	}
	for (size_t i = 0; i < c.n; i++) {
		err = read_vma(s, c.vmas[i], &ret->vmas[ret->nr_vmas]);
		if (err == &kc_error_nomem) {
			free(c.vmas);
			kc_mm_free(ret);
			return err;
		}
		if (err)
			set_warning(ret, err);
		else
			ret->nr_vmas++;
	}
	free(c.vmas);
	if (!ret->warning && ret->nr_vmas != ret->map_count) {
		char msg[160];
		snprintf(msg, sizeof(msg), "mm_struct 0x%llx: %zu VMAs found, map_count is %llu",
			 ULL(mm), ret->nr_vmas, ULL(ret->map_count));
		ret->warning = strdup(msg);
	}
	return NULL;
}

struct kc_error *kc_task_mm(struct kc_session *s, const struct kc_task *task, struct kc_mm *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!task->mm)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "PID %d (%s) has no user address space (its mm is NULL)",
				       task->pid, task->comm);
	return kc_mm_read(s, task->mm, ret);
}

void kc_mm_free(struct kc_mm *mm)
{
	for (size_t i = 0; i < mm->nr_vmas; i++)
		free(mm->vmas[i].path);
	free(mm->vmas);
	free(mm->warning);
	memset(mm, 0, sizeof(*mm));
}

/* The release as MAJOR * 1000 + MINOR (6.1 -> 6001); 0 when unknown. */
static unsigned release_code(struct kc_session *s)
{
	const char *release = kc_session_release(s);
	unsigned major = 0, minor = 0;
	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

void kc_swap_entry_decode(struct kc_session *s, uint64_t pte, unsigned *type, uint64_t *offset)
{
	unsigned release = release_code(s);
	unsigned type_shift = 2, type_bits = 6, offset_shift = 8;
	if (release >= 6010) {
		type_shift = 6;
		type_bits = 5;
		offset_shift = 12;
	} else if (release >= 6003) {
		type_shift = 3;
		type_bits = 5;
	}
	*type = (unsigned)(pte >> type_shift & ((1u << type_bits) - 1));
	*offset = pte >> offset_shift & ((UINT64_C(1) << 50) - 1);
}

/* Whether a descriptor with the valid bit clear is a present PROT_NONE one. */
static bool present_invalid(struct kc_session *s, uint64_t desc)
{
	if (release_code(s) >= 6010)
		return desc & (UINT64_C(1) << 11);
	return desc & (UINT64_C(1) << 58);
}

struct kc_error *kc_upage_translate(struct kc_session *s, uint64_t pgd_paddr, uint64_t vaddr,
				    struct kc_upage *page)
{
	memset(page, 0, sizeof(*page));
	page->vaddr = vaddr;
	if (!pgd_paddr)
		return kc_error_create(KC_ERR_INVALID_ARG, "no page tables (pgd 0)");
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(s, &mmu);
	if (err)
		return err;
	const struct kc_pgtable_geometry *geo = kc_arm64_mmu_geometry(mmu);
	struct kc_pgtable_walk walk;
	err = kc_arm64_walk(mmu, true, pgd_paddr, vaddr, &walk);
	kc_error_destroy(err);
	switch (walk.status) {
	case KC_PGTABLE_MAPPED:
		page->state = KC_UPAGE_MAPPED;
		page->paddr = walk.paddr;
		page->map_size = walk.map_size;
		page->pte = walk.nr_entries ? walk.entries[walk.nr_entries - 1].value : 0;
		break;
	case KC_PGTABLE_INVALID: {
		uint64_t desc = walk.nr_entries ? walk.entries[walk.nr_entries - 1].value : 0;
		page->pte = desc;
		int level = walk.stop_level;
		if (!desc) {
			page->state = KC_UPAGE_NOT_MAPPED;
		} else if (present_invalid(s, desc) &&
			   (level == 3 || kc_pgtable_block_allowed(geo, level))) {
			uint64_t size = kc_pgtable_level_size(geo, level);
			page->state = KC_UPAGE_MAPPED;
			page->map_size = size;
			page->paddr = kc_pgtable_desc_address(geo, desc, geo->page_shift) &
				      ~(size - 1);
			page->paddr |= vaddr & (size - 1);
		} else {
			page->state = KC_UPAGE_SWAP;
			kc_swap_entry_decode(s, desc, &page->swap_type, &page->swap_offset);
		}
		break;
	}
	case KC_PGTABLE_READ_ERROR:
		page->state = KC_UPAGE_UNREADABLE;
		snprintf(page->error, sizeof(page->error), "%s", walk.read_error);
		break;
	default: /* non-canonical, reserved */
		page->state = KC_UPAGE_NOT_MAPPED;
		break;
	}
	if (page->state == KC_UPAGE_MAPPED)
		page->dump_state = s->dump ? kc_dump_page_state(s->dump, page->paddr)
					   : KC_PAGE_NOT_IN_DUMP;
	return NULL;
}
