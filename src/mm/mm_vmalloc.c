// SPDX-License-Identifier: MIT
/* vmalloc areas (include/kcrash/mm_vmalloc.h). */
#include "mm_internal.h"

#include <stdlib.h>
#include <string.h>

struct vmap_walk {
	struct kc_session *session;
	uint64_t list_off, vm_off;
	struct kc_vmalloc_area *areas;
	size_t n, cap;
};

static struct kc_error *visit_vmap_area(void *ctx, uint64_t node)
{
	struct vmap_walk *w = ctx;
	struct kc_session *session = w->session;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct kc_vmalloc_area *grown = realloc(w->areas, cap * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		w->areas = grown;
		w->cap = cap;
	}
	struct kc_vmalloc_area *a = &w->areas[w->n];
	memset(a, 0, sizeof(*a));
	a->vmap_area = node - w->list_off;
	struct kc_error *err = kc_kernel_read_member(session, a->vmap_area, "struct vmap_area",
						     "va_start", &a->va_start);
	if (!err)
		err = kc_kernel_read_member(session, a->vmap_area, "struct vmap_area", "va_end",
					    &a->va_end);
	if (!err)
		err = kc_kernel_read_u64(session, a->vmap_area + w->vm_off, &a->vm_struct);
	if (err)
		return kc_error_prefix(err, "vmap_area 0x%llx", (unsigned long long)a->vmap_area);
	if (a->va_end < a->va_start)
		return kc_error_address(KC_ERR_FORMAT, a->vmap_area,
					"vmap_area 0x%llx ends (0x%llx) before it starts (0x%llx)",
					(unsigned long long)a->vmap_area,
					(unsigned long long)a->va_end, (unsigned long long)a->va_start);
	/* vm shares a union with subtree_max_size (v5.2+): only a pointer into
	 * the kernel's address space is a vm_struct. */
	if (a->vm_struct && !(a->vm_struct >> 63))
		a->vm_struct = 0;
	if (a->vm_struct) {
		static const struct { const char *member; size_t field; } fields[] = {
			{"addr", offsetof(struct kc_vmalloc_area, addr)},
			{"size", offsetof(struct kc_vmalloc_area, size)},
			{"caller", offsetof(struct kc_vmalloc_area, caller)},
			{"flags", offsetof(struct kc_vmalloc_area, flags)},
			{"nr_pages", offsetof(struct kc_vmalloc_area, nr_pages)},
			{"phys_addr", offsetof(struct kc_vmalloc_area, phys_addr)},
		};
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			uint64_t v;
			err = kc_kernel_read_member(session, a->vm_struct, "struct vm_struct",
						    fields[i].member, &v);
			if (err)
				return kc_error_prefix(err, "vm_struct 0x%llx of vmap_area 0x%llx",
						       (unsigned long long)a->vm_struct,
						       (unsigned long long)a->vmap_area);
			memcpy((char *)a + fields[i].field, &v, sizeof(v));
		}
	}
	w->n++;
	return kc_check_interrupt();
}

struct kc_error *kc_vmalloc_areas(struct kc_session *session,
				  struct kc_vmalloc_area **areas, size_t *n)
{
	*areas = NULL;
	*n = 0;
	struct vmap_walk w = {.session = session};
	uint64_t head;
	struct kc_error *err = kc_mm_global(session, "vmap_area_list", &head);
	if (!err)
		err = kc_mm_offset(session, "struct vmap_area", "list", &w.list_off);
	if (!err)
		err = kc_mm_offset(session, "struct vmap_area", "vm", &w.vm_off);
	if (!err)
		err = kc_walk_list(session, head, false, 1u << 22, visit_vmap_area, &w);
	*areas = w.areas;
	*n = w.n;
	return err;
}

const struct kc_vmalloc_area *kc_vmalloc_find(const struct kc_vmalloc_area *areas,
					      size_t n, uint64_t vaddr)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vaddr < areas[mid].va_start)
			hi = mid;
		else if (vaddr >= areas[mid].va_end)
			lo = mid + 1;
		else
			return &areas[mid];
	}
	return NULL;
}
