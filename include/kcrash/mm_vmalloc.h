/* SPDX-License-Identifier: MIT */
/*
 * vmalloc space: the busy struct vmap_areas (mm/vmalloc.c: v5.10..v6.8 on
 * vmap_area_list, sorted by address; v6.9+ in each of the nr_vmap_nodes
 * struct vmap_node at vmap_nodes, busy.root) and each area's struct
 * vm_struct, as /proc/vmallocinfo and crash's kmem -v show them.
 */
#ifndef KCRASH_MM_VMALLOC_H
#define KCRASH_MM_VMALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/* One busy vmap area. */
struct kc_vmalloc_area {
	uint64_t vmap_area;   /* struct vmap_area */
	uint64_t vm_struct;   /* its struct vm_struct, 0 for vm_map_ram areas */
	uint64_t va_start, va_end;
	uint64_t addr, size;  /* vm->addr and vm->size (the guard page included) */
	uint64_t caller;      /* vm->caller */
	uint64_t flags;       /* vm->flags (VM_IOREMAP, VM_ALLOC, ...) */
	uint64_t nr_pages;
	uint64_t phys_addr;   /* vm->phys_addr (ioremap) */
};

/*
 * Every busy area in address order (bounded, cycle-checked); *AREAS is
 * malloc'd (free()). The layout is told by the types: with a struct
 * vmap_node that has busy (v6.9+), each node's busy.root rbtree (nodes
 * interleave by address: the areas are sorted after the walk, and
 * overlapping ones are an error); else the vmap_area_list list. The
 * globals come from the symbols, VMCOREINFO, or the code that uses them
 * (datasyms.h: vmap_nodes, nr_vmap_nodes).
 */
struct kc_error *kc_vmalloc_areas(struct kc_session *session,
				  struct kc_vmalloc_area **areas, size_t *n);

/*
 * The area holding VADDR (va_start <= VADDR < va_end) among AREAS (sorted
 * as kc_vmalloc_areas gives them); NULL when none does.
 */
const struct kc_vmalloc_area *kc_vmalloc_find(const struct kc_vmalloc_area *areas,
					      size_t n, uint64_t vaddr);

#endif
