// SPDX-License-Identifier: MIT
/* vmalloc areas (include/kcrash/mm_vmalloc.h). */
#include "mm_internal.h"

#include <stdlib.h>
#include <string.h>

/* More busy areas than this is a corrupt list or tree. */
#define MAX_AREAS (1u << 22)

struct vmap_walk {
	struct kc_session *session;
	uint64_t link_off, vm_off; /* the member VISIT gets: list or rb_node */
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
	a->vmap_area = node - w->link_off;
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

/* v5.10..v6.8: every busy area on vmap_area_list, in address order. */
static struct kc_error *walk_vmap_area_list(struct kc_session *session, struct vmap_walk *w)
{
	uint64_t head;
	struct kc_error *err = kc_mm_global(session, "vmap_area_list", &head);
	if (!err)
		err = kc_mm_offset(session, "struct vmap_area", "list", &w->link_off);
	if (!err)
		err = kc_walk_list(session, head, false, MAX_AREAS, visit_vmap_area, w);
	return err;
}

static int compare_areas(const void *a, const void *b)
{
	const struct kc_vmalloc_area *x = a, *y = b;
	return x->va_start < y->va_start ? -1 : x->va_start > y->va_start;
}

/*
 * v6.9+ (mm/vmalloc.c, "mm: vmalloc: add a per-CPU/node busy tree"): the
 * busy areas are spread over nr_vmap_nodes struct vmap_node at vmap_nodes
 * (an array kmalloc'd by vmap_init_nodes, or the static "single" node),
 * each keeping its own in busy.root, an rb_root of struct vmap_area by
 * rb_node (busy.head lists the same areas). An area goes to the node of
 * addr_to_node_id(va_start), so the nodes interleave: the areas are
 * sorted after the walk, as kc_vmalloc_find needs.
 */
static struct kc_error *walk_vmap_nodes(struct kc_session *session, struct vmap_walk *w)
{
	uint64_t nodes_sym, nr_sym, nodes = 0, nr = 0, node_size, root_off;
	struct kc_error *err = kc_mm_global(session, "vmap_nodes", &nodes_sym);
	if (!err)
		err = kc_kernel_read_u64(session, nodes_sym, &nodes);
	if (err)
		return kc_error_prefix(err, "vmap_nodes (v6.9+ per-node busy trees)");
	err = kc_mm_global(session, "nr_vmap_nodes", &nr_sym);
	if (!err)
		err = kc_mm_read_uint(session, nr_sym, 4, &nr);
	if (err)
		return kc_error_prefix(err, "nr_vmap_nodes (the length of vmap_nodes)");
	/* vmap_init_nodes: clamp(num_possible_cpus(), 1, 128) nodes, or the one static node. */
	if (nr < 1 || nr > 128)
		return kc_error_address(KC_ERR_FORMAT, nr_sym,
					"nr_vmap_nodes is %llu, not 1 to 128 (mm/vmalloc.c vmap_init_nodes)",
					(unsigned long long)nr);
	if (!(nodes >> 63))
		return kc_error_address(KC_ERR_FORMAT, nodes_sym,
					"vmap_nodes 0x%llx is not a kernel address",
					(unsigned long long)nodes);
	err = kc_kernel_sizeof(session, "struct vmap_node", &node_size);
	if (!err)
		err = kc_mm_offset(session, "struct vmap_node", "busy.root", &root_off);
	if (!err)
		err = kc_mm_offset(session, "struct vmap_area", "rb_node", &w->link_off);
	if (err)
		return err;
	for (uint64_t i = 0; i < nr && !err; i++) {
		uint64_t node = nodes + i * node_size;
		err = kc_walk_rbtree(session, node + root_off, MAX_AREAS, visit_vmap_area, w);
		if (err)
			err = kc_error_prefix(err, "vmap_nodes[%llu] (0x%llx)'s busy tree",
					      (unsigned long long)i, (unsigned long long)node);
	}
	if (w->n > 1)
		qsort(w->areas, w->n, sizeof(*w->areas), compare_areas);
	for (size_t i = 1; !err && i < w->n; i++)
		if (w->areas[i].va_start < w->areas[i - 1].va_end)
			err = kc_error_address(KC_ERR_FORMAT, w->areas[i].vmap_area,
					       "vmap_area 0x%llx (0x%llx-0x%llx) overlaps vmap_area 0x%llx (0x%llx-0x%llx)",
					       (unsigned long long)w->areas[i].vmap_area,
					       (unsigned long long)w->areas[i].va_start,
					       (unsigned long long)w->areas[i].va_end,
					       (unsigned long long)w->areas[i - 1].vmap_area,
					       (unsigned long long)w->areas[i - 1].va_start,
					       (unsigned long long)w->areas[i - 1].va_end);
	return err;
}

struct kc_error *kc_vmalloc_areas(struct kc_session *session,
				  struct kc_vmalloc_area **areas, size_t *n)
{
	*areas = NULL;
	*n = 0;
	struct vmap_walk w = {.session = session};
	struct kc_error *err = kc_mm_offset(session, "struct vmap_area", "vm", &w.vm_off);
	if (!err && kc_kernel_has_member(session, "struct vmap_node", "busy"))
		err = walk_vmap_nodes(session, &w);
	else if (!err)
		err = walk_vmap_area_list(session, &w);
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
