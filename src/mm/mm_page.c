// SPDX-License-Identifier: MIT
/*
 * struct page, its flags and the memory sections (include/kcrash/mm.h).
 */
#include "mm_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned order_base_2(uint64_t n)
{
	unsigned bits = 0;
	while ((UINT64_C(1) << bits) < n)
		bits++;
	return bits;
}

struct kc_error *kc_mm_model(struct kc_session *session, struct kc_mm_model *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
	ret->page_shift = kc_arm64_mmu_geometry(mmu)->page_shift;
	ret->page_size = UINT64_C(1) << ret->page_shift;
	err = kc_kernel_sizeof(session, "struct page", &ret->page_struct_size);
	if (err)
		return err;
	if (!layout->vmemmap_base.known)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "the layout has no vmemmap: struct pages cannot be found");
	ret->vmemmap = layout->vmemmap_base.value;
	ret->nr_pageflags = (unsigned)kc_mm_enum_or(session, "__NR_PAGEFLAGS", 0);
	uint64_t zones = 0;
	err = kc_mm_member_array_length(session, "struct pglist_data", "node_zones", &zones);
	if (err)
		return err;
	ret->max_nr_zones = (unsigned)zones;
	/* MAX_NUMNODES: node_data[]'s length with NUMA; 1 with contig_page_data. */
	uint64_t nodes = 1, addr;
	err = kc_mm_global(session, "contig_page_data", &addr);
	if (err) {
		kc_error_destroy(err);
		err = kc_mm_global_array_length(session, "node_data", 8, &nodes);
		if (err) {
			kc_error_destroy(err);
			nodes = 1;
		}
	}
	ret->max_numnodes = nodes ? (unsigned)nodes : 1;
	/*
	 * include/linux/page-flags-layout.h (v5.10..v6.12), SPARSEMEM_VMEMMAP:
	 * no SECTION field; NODE (NODES_SHIFT bits) at the top, ZONE
	 * (order_base_2(MAX_NR_ZONES) bits) below it.
	 */
	ret->nodes_width = order_base_2(ret->max_numnodes);
	ret->nodes_pgshift = 64 - ret->nodes_width;
	ret->zones_width = order_base_2(ret->max_nr_zones);
	ret->zones_pgshift = ret->nodes_pgshift - ret->zones_width;

	const struct kc_vmcoreinfo *info = kc_session_vmcoreinfo(session);
	int64_t v;
	if (info && kc_mm_ok(kc_vmcoreinfo_number(info, "SECTION_SIZE_BITS", &v)) && v > 0 && v < 64) {
		ret->section_size_bits = (unsigned)v;
	} else {
		/* arch/arm64/include/asm/sparsemem.h: 30 before v5.12, then 27
		 * for 4K and 16K pages and 29 for 64K. */
		unsigned major = layout->version[0], minor = layout->version[1];
		bool old = major < 5 || (major == 5 && minor < 12);
		ret->section_size_bits = old ? 30 : ret->page_shift == 16 ? 29 : 27;
	}
	if (info && kc_mm_ok(kc_vmcoreinfo_number(info, "MAX_PHYSMEM_BITS", &v)) && v > 0 && v <= 64)
		ret->max_physmem_bits = (unsigned)v;
	else
		ret->max_physmem_bits = 48;
	return NULL;
}

struct kc_error *kc_mm_pfn_to_page(struct kc_session *session, uint64_t pfn,
				   uint64_t *page)
{
	const struct kc_arm64_layout *layout = kc_mm_layout(session);
	if (!layout)
		return kc_error_create(KC_ERR_UNSUPPORTED, "no MMU: pfn 0x%llx has no struct page",
				       (unsigned long long)pfn);
	return kc_arm64_pfn_to_page(layout, pfn, page);
}

struct kc_error *kc_mm_page_to_pfn(struct kc_session *session, uint64_t page,
				   uint64_t *pfn)
{
	const struct kc_arm64_layout *layout = kc_mm_layout(session);
	if (!layout)
		return kc_error_create(KC_ERR_UNSUPPORTED, "no MMU: page 0x%llx has no pfn",
				       (unsigned long long)page);
	return kc_arm64_page_to_pfn(layout, page, pfn);
}

struct kc_error *kc_mm_read_page(struct kc_session *session, uint64_t page,
				 struct kc_mm_page *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kc_mm_model model;
	struct kc_error *err = kc_mm_model(session, &model);
	if (err)
		return err;
	uint8_t buf[256];
	if (model.page_struct_size > sizeof(buf))
		return kc_error_create(KC_ERR_UNSUPPORTED, "struct page of %llu bytes",
				       (unsigned long long)model.page_struct_size);
	err = kc_kernel_read(session, page, buf, model.page_struct_size);
	if (err)
		return kc_error_prefix(err, "struct page at 0x%llx", (unsigned long long)page);
	ret->page = page;
	err = kc_mm_page_to_pfn(session, page, &ret->pfn);
	if (err)
		return err;
	ret->paddr = ret->pfn << model.page_shift;
	static const struct { const char *member; size_t field; unsigned size; } fields[] = {
		{"flags", offsetof(struct kc_mm_page, flags), 8},
		{"mapping", offsetof(struct kc_mm_page, mapping), 8},
		{"index", offsetof(struct kc_mm_page, index), 8},
		{"private", offsetof(struct kc_mm_page, private), 8},
		{"compound_head", offsetof(struct kc_mm_page, compound_head), 8},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t off = kc_mm_offset_or_none(session, "struct page", fields[i].member);
		if (off == UINT64_MAX || off + fields[i].size > model.page_struct_size)
			continue;
		uint64_t v = kc_mm_get_uint(buf + off, fields[i].size);
		memcpy((char *)ret + fields[i].field, &v, sizeof(v));
	}
	/* compound_head holds head + 1 in a tail page (include/linux/page-flags.h). */
	ret->compound_head = (ret->compound_head & 1) ? ret->compound_head - 1 : page;
	uint64_t off = kc_mm_offset_or_none(session, "struct page", "_refcount");
	if (off == UINT64_MAX)
		off = kc_mm_offset_or_none(session, "struct page", "_count");
	if (off != UINT64_MAX && off + 4 <= model.page_struct_size)
		ret->refcount = (int32_t)kc_mm_get_uint(buf + off, 4);
	off = kc_mm_offset_or_none(session, "struct page", "_mapcount");
	if (off != UINT64_MAX && off + 4 <= model.page_struct_size)
		ret->mapcount = (int32_t)kc_mm_get_uint(buf + off, 4);
	if (model.nodes_width)
		ret->node = (unsigned)((ret->flags >> model.nodes_pgshift) &
				       ((UINT64_C(1) << model.nodes_width) - 1));
	if (model.zones_width)
		ret->zone = (unsigned)((ret->flags >> model.zones_pgshift) &
				       ((UINT64_C(1) << model.zones_width) - 1));
	return NULL;
}

struct kc_error *kc_mm_pageflags(struct kc_session *session, struct kc_mm_pageflags *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kc_type pageflags;
	struct kc_error *err = kc_kernel_type(session, "enum pageflags", &pageflags);
	if (err)
		return err;
	int64_t nr = kc_mm_enum_or(session, "__NR_PAGEFLAGS", 0);
	if (nr <= 0 || nr > 64)
		return kc_error_create(KC_ERR_FORMAT, "__NR_PAGEFLAGS is %lld", (long long)nr);
	ret->nr = (unsigned)nr;
	struct kc_enumerator_iter it;
	kc_enumerator_iter_init(&it, &pageflags);
	for (;;) {
		const char *name;
		int64_t value;
		bool done;
		err = kc_enumerator_iter_next(&it, &name, &value, &done);
		if (err || done)
			return err;
		if (value >= 0 && value < nr && !ret->names[value] && strncmp(name, "PG_", 3) == 0)
			ret->names[value] = name;
	}
}

size_t kc_mm_pageflags_format(const struct kc_mm_pageflags *pageflags, uint64_t flags,
			      char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned bit = 0; bit < pageflags->nr && bit < 64; bit++) {
		if (!(flags & (UINT64_C(1) << bit)) || !pageflags->names[bit])
			continue;
		const char *name = pageflags->names[bit] + 3;
		int n = snprintf(used < len ? buf + used : NULL, used < len ? len - used : 0,
				 "%s%s", used ? "," : "", name);
		if (n > 0)
			used += (size_t)n;
	}
	return used;
}

struct kc_error *kc_mm_page_flag_bit(struct kc_session *session, const char *name,
				     unsigned *bit)
{
	int64_t value;
	struct kc_error *err = kc_kernel_enumerator(session, name, &value, NULL);
	if (!err && value >= 0 && value < 64) {
		*bit = (unsigned)value;
		return NULL;
	}
	kc_error_destroy(err);
	const struct kc_vmcoreinfo *info = kc_session_vmcoreinfo(session);
	if (info && kc_mm_ok(kc_vmcoreinfo_number(info, name, &value)) && value >= 0 && value < 64) {
		*bit = (unsigned)value;
		return NULL;
	}
	return kc_error_create(KC_ERR_LOOKUP, "page flag %s is in neither enum pageflags nor VMCOREINFO",
			       name);
}

/* The root array of mem_section: the variable's value, or VMCOREINFO's (already the value). */
static struct kc_error *mem_section_roots(struct kc_session *session, uint64_t *roots)
{
	uint64_t addr;
	struct kc_error *err = kc_mm_global(session, "mem_section", &addr);
	if (err)
		return err;
	const struct kc_arm64_layout *layout = kc_mm_layout(session);
	/* vmcoreinfo's SYMBOL(mem_section) is the pointer's value (VMCOREINFO_SYMBOL_ARRAY,
	 * kernel/vmcore_info.c): a linear-map address, not one in the image. */
	if (layout && kc_arm64_layout_classify(layout, addr) == KC_ARM64_REGION_KIMAGE)
		return kc_kernel_read_u64(session, addr, roots);
	*roots = addr;
	return NULL;
}

struct kc_error *kc_mm_sections(struct kc_session *session,
				struct kc_mm_section **sections, size_t *n)
{
	*sections = NULL;
	*n = 0;
	struct kc_mm_model model;
	struct kc_error *err = kc_mm_model(session, &model);
	if (err)
		return err;
	uint64_t section_size, map_offset, roots;
	err = kc_kernel_sizeof(session, "struct mem_section", &section_size);
	if (!err)
		err = kc_mm_offset(session, "struct mem_section", "section_mem_map", &map_offset);
	if (!err)
		err = mem_section_roots(session, &roots);
	if (err)
		return err;
	if (!section_size || section_size > model.page_size || model.section_size_bits <= model.page_shift ||
	    model.max_physmem_bits < model.section_size_bits)
		return kc_error_create(KC_ERR_FORMAT, "impossible sparsemem geometry");
	uint64_t per_root = model.page_size / section_size;  /* SECTIONS_PER_ROOT */
	uint64_t nr_sections = UINT64_C(1) << (model.max_physmem_bits - model.section_size_bits);
	uint64_t nr_roots = (nr_sections + per_root - 1) / per_root;
	if (nr_roots > (UINT64_C(1) << 22))
		return kc_error_create(KC_ERR_FORMAT, "%llu mem_section roots",
				       (unsigned long long)nr_roots);
	/* SECTION_MAP_LAST_BIT: 4 before v5.12, 5 after (SECTION_TAINT_ZONE_DEVICE); an enum since v6.3. */
	int64_t last_bit = kc_mm_enum_or(session, "SECTION_MAP_LAST_BIT", -1);
	if (last_bit < 0) {
		const struct kc_arm64_layout *layout = kc_mm_layout(session);
		bool old = layout && (layout->version[0] < 5 ||
				      (layout->version[0] == 5 && layout->version[1] < 12));
		last_bit = old ? 4 : 5;
	}
	uint64_t state_mask = (UINT64_C(1) << last_bit) - 1;
	unsigned pfn_section_shift = model.section_size_bits - model.page_shift;
	size_t cap = 0;
	uint8_t *page = malloc(model.page_size);
	if (!page)
		return &kc_error_nomem;
	for (uint64_t r = 0; r < nr_roots; r++) {
		if ((err = kc_check_interrupt()))
			break;
		uint64_t root;
		err = kc_kernel_read_u64(session, roots + r * 8, &root);
		if (err) {
			err = kc_error_prefix(err, "mem_section root %llu", (unsigned long long)r);
			break;
		}
		if (!root)
			continue;
		err = kc_kernel_read(session, root, page, per_root * section_size);
		if (err) {
			err = kc_error_prefix(err, "mem_section root %llu at 0x%llx",
					      (unsigned long long)r, (unsigned long long)root);
			break;
		}
		for (uint64_t i = 0; i < per_root; i++) {
			uint64_t smm = kc_mm_get_uint(page + i * section_size + map_offset, 8);
			if (!smm || !(smm & KC_MM_SECTION_MARKED_PRESENT))
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				struct kc_mm_section *grown = realloc(*sections, cap * sizeof(**sections));
				if (!grown) {
					free(page);
					return &kc_error_nomem;
				}
				*sections = grown;
			}
			struct kc_mm_section *s = &(*sections)[(*n)++];
			s->nr = r * per_root + i;
			s->addr = root + i * section_size;
			s->state = smm & state_mask;
			s->coded_mem_map = smm & ~state_mask;
			s->pfn = s->nr << pfn_section_shift;
			s->mem_map = s->coded_mem_map + s->pfn * model.page_struct_size;
		}
	}
	free(page);
	return err;
}
