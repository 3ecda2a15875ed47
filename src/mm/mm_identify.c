// SPDX-License-Identifier: MIT
/* What an address is, for kmem ADDR (include/kcrash/mm.h). */
#include "mm_internal.h"

#include <stdlib.h>
#include <string.h>

/* The buddy block holding PFN, if any: a head page with PageBuddy whose order covers it. */
static void find_free_block(struct kc_session *session, uint64_t pfn, struct kc_mm_address *ret)
{
	const struct kc_vmcoreinfo *info = kc_session_vmcoreinfo(session);
	int64_t buddy = -129;  /* PAGE_BUDDY_MAPCOUNT_VALUE, ~PG_buddy (0x80), v5.10..v6.8 */
	if (info)
		kc_error_destroy(kc_vmcoreinfo_number(info, "PAGE_BUDDY_MAPCOUNT_VALUE", &buddy));
	for (unsigned order = 0; order < KC_MM_MAX_ORDERS; order++) {
		uint64_t head_pfn = pfn & ~((UINT64_C(1) << order) - 1), page;
		struct kc_mm_page head;
		if (!kc_mm_ok(kc_mm_pfn_to_page(session, head_pfn, &page)) ||
		    !kc_mm_ok(kc_mm_read_page(session, page, &head)))
			return;
		if (head.mapcount == (int32_t)buddy && head.private >= order &&
		    head.private < KC_MM_MAX_ORDERS) {
			ret->is_free_page = true;
			ret->free_block_page = page;
			ret->free_block_order = (unsigned)head.private;
			return;
		}
	}
}

struct kc_error *kc_mm_identify(struct kc_session *session, uint64_t addr,
				bool is_physical, struct kc_mm_address *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->addr = addr;
	struct kc_arm64_mmu *mmu;
	struct kc_mm_model model;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (!err)
		err = kc_mm_model(session, &model);
	if (err)
		return err;
	const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
	enum kc_arm64_region region = is_physical ? KC_ARM64_REGION_UNKNOWN
						  : kc_arm64_layout_classify(layout, addr);
	ret->region = is_physical ? "physical" : kc_arm64_region_name(region);
	if (is_physical) {
		ret->has_paddr = true;
		ret->paddr = addr;
	} else if (region == KC_ARM64_REGION_VMEMMAP) {
		uint64_t pfn;
		uint64_t page = addr - (addr - model.vmemmap) % model.page_struct_size;
		if (kc_mm_ok(kc_mm_page_to_pfn(session, page, &pfn))) {
			ret->is_page_struct = true;
			ret->page_struct = page;
			ret->page_struct_pfn = pfn;
			ret->has_paddr = true;
			ret->paddr = pfn << model.page_shift;
		}
	} else if (region == KC_ARM64_REGION_VMALLOC || region == KC_ARM64_REGION_MODULES) {
		struct kc_vmalloc_area *areas;
		size_t n;
		err = kc_vmalloc_areas(session, &areas, &n);
		if (err) {
			free(areas);
			return err;
		}
		const struct kc_vmalloc_area *area = kc_vmalloc_find(areas, n, addr);
		if (area) {
			ret->in_vmalloc = true;
			ret->vmalloc = *area;
		}
		free(areas);
		/* A task's stack (CONFIG_VMAP_STACK): task->stack is the area's start. */
		const struct kc_task_list *tasks;
		if (ret->in_vmalloc && kc_mm_ok(kc_tasks(session, &tasks))) {
			for (size_t i = 0; i < tasks->nr_tasks; i++) {
				uint64_t stack;
				if (!kc_mm_ok(kc_kernel_read_member(session, tasks->tasks[i].task,
								  "struct task_struct", "stack", &stack)))
					continue;
				if (stack == ret->vmalloc.va_start) {
					ret->is_task_stack = true;
					ret->stack_task = tasks->tasks[i].task;
					break;
				}
			}
		}
		uint64_t paddr;
		struct kc_error *e = kc_arm64_kvtop(mmu, addr, &paddr);
		if (!e) {
			ret->has_paddr = true;
			ret->paddr = paddr;
		}
		kc_error_destroy(e);
	} else if (region == KC_ARM64_REGION_LINEAR || region == KC_ARM64_REGION_KIMAGE) {
		uint64_t paddr;
		struct kc_error *e = kc_arm64_kvtop(mmu, addr, &paddr);
		if (!e) {
			ret->has_paddr = true;
			ret->paddr = paddr;
		}
		kc_error_destroy(e);
	}
	if (ret->has_paddr) {
		uint64_t page;
		uint64_t pfn = ret->paddr >> model.page_shift;
		if (kc_mm_ok(kc_mm_pfn_to_page(session, pfn, &page)) &&
		    kc_mm_ok(kc_mm_read_page(session, page, &ret->page)))
			ret->has_page = true;
		if (ret->has_page)
			find_free_block(session, pfn, ret);
	}
	if (region == KC_ARM64_REGION_LINEAR && ret->has_page) {
		err = kc_slub_find_object(session, addr, &ret->slab);
		if (!err)
			ret->in_slab = true;
		else if (err->code == KC_ERR_LOOKUP)
			kc_error_destroy(err);
		else
			return err;
		/* A task_struct's stack page without VMAP_STACK: the linear map. */
	}
	return NULL;
}

void kc_mm_address_free(struct kc_mm_address *info)
{
	if (info->in_slab)
		kc_slub_object_free(&info->slab);
	info->in_slab = false;
}
