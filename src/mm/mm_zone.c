// SPDX-License-Identifier: MIT
/*
 * Nodes, zones, buddy free lists and the vm_stat counters
 * (include/kcrash/mm.h).
 */
#include "mm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A node's pglist_data; NUMA kernels: node_data[], else contig_page_data. */
static struct kc_error *node_pgdats(struct kc_session *session, uint64_t *pgdats,
				    int *ids, size_t max, size_t *n)
{
	*n = 0;
	uint64_t addr;
	struct kc_error *err = kc_mm_global(session, "contig_page_data", &addr);
	if (!err) {
		pgdats[0] = addr;
		ids[0] = 0;
		*n = 1;
		return NULL;
	}
	kc_error_destroy(err);
	err = kc_mm_global(session, "node_data", &addr);
	if (err)
		return kc_error_prefix(err, "neither contig_page_data nor node_data");
	struct kc_mm_model model;
	err = kc_mm_model(session, &model);
	if (err)
		return err;
	uint64_t id_off;
	err = kc_mm_offset(session, "struct pglist_data", "node_id", &id_off);
	if (err)
		return err;
	for (unsigned i = 0; i < model.max_numnodes && *n < max; i++) {
		uint64_t pgdat, id;
		err = kc_kernel_read_u64(session, addr + 8ull * i, &pgdat);
		if (err)
			return kc_error_prefix(err, "node_data[%u]", i);
		if (!pgdat)
			continue;
		err = kc_mm_read_uint(session, pgdat + id_off, 4, &id);
		if (err)
			return kc_error_prefix(err, "node_data[%u]", i);
		if (id != i)
			return kc_error_address(KC_ERR_FORMAT, pgdat,
						"node_data[%u] = 0x%llx has node_id %llu", i,
						(unsigned long long)pgdat, (unsigned long long)id);
		pgdats[*n] = pgdat;
		ids[(*n)++] = (int)i;
	}
	return NULL;
}

#define MAX_NODES 1024

struct kc_error *kc_mm_nodes(struct kc_session *session, struct kc_mm_node **nodes,
			     size_t *n)
{
	*nodes = NULL;
	*n = 0;
	uint64_t pgdats[MAX_NODES];
	int ids[MAX_NODES];
	size_t count;
	struct kc_error *err = node_pgdats(session, pgdats, ids, MAX_NODES, &count);
	if (err)
		return err;
	*nodes = calloc(count ? count : 1, sizeof(**nodes));
	if (!*nodes)
		return &kc_error_nomem;
	for (size_t i = 0; i < count; i++) {
		struct kc_mm_node *node = &(*nodes)[i];
		node->id = ids[i];
		node->pgdat = pgdats[i];
		uint64_t nr_zones = 0;
		err = kc_kernel_read_member(session, pgdats[i], "struct pglist_data", "node_start_pfn",
					    &node->start_pfn);
		if (!err)
			err = kc_kernel_read_member(session, pgdats[i], "struct pglist_data",
						    "node_spanned_pages", &node->spanned_pages);
		if (!err)
			err = kc_kernel_read_member(session, pgdats[i], "struct pglist_data",
						    "node_present_pages", &node->present_pages);
		if (!err)
			err = kc_kernel_read_member(session, pgdats[i], "struct pglist_data",
						    "nr_zones", &nr_zones);
		if (err) {
			free(*nodes);
			*nodes = NULL;
			return kc_error_prefix(err, "node %d", ids[i]);
		}
		node->nr_zones = (unsigned)nr_zones;
		err = kc_mm_pfn_to_page(session, node->start_pfn, &node->mem_map);
		kc_error_destroy(err);
		err = NULL;
	}
	*n = count;
	return NULL;
}

/* Read one zone. */
static struct kc_error *read_zone(struct kc_session *session, uint64_t addr,
				  struct kc_mm_zone *zone)
{
	uint64_t name_ptr;
	struct kc_error *err = kc_kernel_read_member(session, addr, "struct zone", "name", &name_ptr);
	if (!err)
		err = kc_kernel_read_string(session, name_ptr, zone->name, sizeof(zone->name));
	if (err)
		return err;
	static const struct { const char *member; size_t field; } longs[] = {
		{"zone_start_pfn", offsetof(struct kc_mm_zone, start_pfn)},
		{"spanned_pages", offsetof(struct kc_mm_zone, spanned_pages)},
		{"present_pages", offsetof(struct kc_mm_zone, present_pages)},
	};
	for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		uint64_t v;
		err = kc_kernel_read_member(session, addr, "struct zone", longs[i].member, &v);
		if (err)
			return err;
		memcpy((char *)zone + longs[i].field, &v, sizeof(v));
	}
	/* managed_pages: atomic_long_t since v5.0, unsigned long before. */
	const char *managed = kc_kernel_has_member(session, "struct zone", "managed_pages.counter") ?
		"managed_pages.counter" : "managed_pages";
	err = kc_kernel_read_member(session, addr, "struct zone", managed, &zone->managed_pages);
	if (err)
		return err;
	/* _watermark[] since v5.0 (watermark[] before), indexed by enum zone_watermarks. */
	uint64_t wm_off = kc_mm_offset_or_none(session, "struct zone", "_watermark");
	if (wm_off == UINT64_MAX)
		wm_off = kc_mm_offset_or_none(session, "struct zone", "watermark");
	if (wm_off != UINT64_MAX) {
		static const char *const wmark[3] = {"WMARK_MIN", "WMARK_LOW", "WMARK_HIGH"};
		for (int i = 0; i < 3; i++) {
			int64_t idx = kc_mm_enum_or(session, wmark[i], i);
			err = kc_kernel_read_u64(session, addr + wm_off + 8 * (uint64_t)idx,
						 &zone->watermark[i]);
			if (err)
				return err;
		}
	}
	uint64_t vm_stat_off;
	err = kc_mm_offset(session, "struct zone", "vm_stat", &vm_stat_off);
	if (err)
		return err;
	int64_t nr_free_idx = kc_mm_enum_or(session, "NR_FREE_PAGES", 0);
	uint64_t v;
	err = kc_kernel_read_u64(session, addr + vm_stat_off + 8 * (uint64_t)nr_free_idx, &v);
	if (err)
		return err;
	zone->nr_free_pages = (int64_t)v;
	uint64_t orders, fa_off, fa_size, mts, nr_free_off;
	err = kc_mm_member_array_length(session, "struct zone", "free_area", &orders);
	if (!err)
		err = kc_mm_offset(session, "struct zone", "free_area", &fa_off);
	if (!err)
		err = kc_kernel_sizeof(session, "struct free_area", &fa_size);
	if (!err)
		err = kc_mm_member_array_length(session, "struct free_area", "free_list", &mts);
	if (!err)
		err = kc_mm_offset(session, "struct free_area", "nr_free", &nr_free_off);
	if (err)
		return err;
	if (orders > KC_MM_MAX_ORDERS || mts > KC_MM_MAX_MIGRATETYPES)
		return kc_error_create(KC_ERR_UNSUPPORTED, "%llu orders, %llu migrate types",
				       (unsigned long long)orders, (unsigned long long)mts);
	zone->nr_orders = (unsigned)orders;
	zone->nr_migratetypes = (unsigned)mts;
	for (unsigned o = 0; o < orders; o++) {
		zone->free_area[o] = addr + fa_off + o * fa_size;
		err = kc_kernel_read_u64(session, zone->free_area[o] + nr_free_off, &zone->nr_free[o]);
		if (err)
			return err;
	}
	if (zone->spanned_pages) {
		err = kc_mm_pfn_to_page(session, zone->start_pfn, &zone->mem_map);
		kc_error_destroy(err);
	}
	return NULL;
}

struct kc_error *kc_mm_zones(struct kc_session *session, struct kc_mm_zone **zones,
			     size_t *n)
{
	*zones = NULL;
	*n = 0;
	struct kc_mm_node *nodes;
	size_t nr_nodes;
	struct kc_error *err = kc_mm_nodes(session, &nodes, &nr_nodes);
	if (err)
		return err;
	struct kc_mm_model model;
	uint64_t zones_off, zone_size;
	err = kc_mm_model(session, &model);
	if (!err)
		err = kc_mm_offset(session, "struct pglist_data", "node_zones", &zones_off);
	if (!err)
		err = kc_kernel_sizeof(session, "struct zone", &zone_size);
	if (!err) {
		*zones = calloc(nr_nodes * model.max_nr_zones + 1, sizeof(**zones));
		if (!*zones)
			err = &kc_error_nomem;
	}
	for (size_t i = 0; !err && i < nr_nodes; i++) {
		for (unsigned z = 0; z < model.max_nr_zones; z++) {
			struct kc_mm_zone *zone = &(*zones)[*n];
			zone->node = nodes[i].id;
			zone->index = z;
			zone->addr = nodes[i].pgdat + zones_off + z * zone_size;
			err = read_zone(session, zone->addr, zone);
			if (err) {
				err = kc_error_prefix(err, "node %d zone %u (struct zone at 0x%llx)",
						      nodes[i].id, z, (unsigned long long)zone->addr);
				break;
			}
			(*n)++;
		}
	}
	free(nodes);
	if (err) {
		free(*zones);
		*zones = NULL;
		*n = 0;
	}
	return err;
}

const char *kc_mm_migratetype_name(struct kc_session *session, unsigned mt)
{
	/* enum migratetype (include/linux/mmzone.h) and the names of
	 * mm/page_alloc.c migratetype_names[]. */
	static const struct { const char *enumerator, *name; } names[] = {
		{"MIGRATE_UNMOVABLE", "Unmovable"},   {"MIGRATE_MOVABLE", "Movable"},
		{"MIGRATE_RECLAIMABLE", "Reclaimable"}, {"MIGRATE_HIGHATOMIC", "HighAtomic"},
		{"MIGRATE_CMA", "CMA"},               {"MIGRATE_ISOLATE", "Isolate"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (kc_mm_enum_or(session, names[i].enumerator, -1) == (int64_t)mt)
			return names[i].name;
	return NULL;
}

struct free_list_visit {
	kc_list_visit_fn visit;
	void *ctx;
	uint64_t lru_off;
};

/* A list_head on a free list to its struct page. */
static struct kc_error *visit_free_page(void *ctx, uint64_t node)
{
	struct free_list_visit *v = ctx;
	return v->visit(v->ctx, node - v->lru_off);
}

struct kc_error *kc_mm_free_list_walk(struct kc_session *session,
				      const struct kc_mm_zone *zone, unsigned order,
				      unsigned mt, size_t max, kc_list_visit_fn visit,
				      void *ctx)
{
	if (order >= zone->nr_orders || mt >= zone->nr_migratetypes)
		return kc_error_create(KC_ERR_INVALID_ARG, "order %u, migrate type %u", order, mt);
	uint64_t list_off, lru_off;
	struct kc_error *err = kc_mm_offset(session, "struct free_area", "free_list", &list_off);
	/* Pages link through page.lru (buddy_list, its alias, since v5.19). */
	if (!err)
		err = kc_mm_offset(session, "struct page", "lru", &lru_off);
	if (err)
		return err;
	uint64_t head = zone->free_area[order] + list_off + 16ull * mt;
	struct free_list_visit v = {visit, ctx, lru_off};
	return kc_walk_list(session, head, false, max, visit_free_page, &v);
}
