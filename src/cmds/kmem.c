/* SPDX-License-Identifier: MIT */
/*
 * kmem: memory management in crash 8.0.6's layouts (memory.c): -i
 * (dump_kmeminfo), -s/-S (dump_kmem_cache_slub), -f/-F
 * (dump_free_pages_zones_v2), -z (dump_zone_stats), -V (dump_vm_stat),
 * -n (dump_memory_nodes, dump_mem_sections), -p (dump_mem_map), -h
 * (dump_hstates), -v (dump_vmlist) and kmem ADDR; --json for each.
 */
#include "command.h"
#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/kcrash.h>

typedef unsigned long long ull;

/* crash's pages_to_size (tools.c). */
static void pages_to_size(uint64_t pages, uint64_t page_size, char *buf, size_t len)
{
	if (!pages) {
		snprintf(buf, len, "0");
		return;
	}
	double total = (double)pages * (double)page_size;
	if (total >= 1024.0 * 1024 * 1024)
		snprintf(buf, len, "%.1f GB", total / (1024.0 * 1024 * 1024));
	else if (total >= 1024.0 * 1024)
		snprintf(buf, len, "%.1f MB", total / (1024.0 * 1024));
	else
		snprintf(buf, len, "%llu KB", (ull)(total / 1024));
	char *p = strstr(buf, ".0 ");
	if (p)
		memmove(p, p + 2, strlen(p + 2) + 1);
}

static void center(char *buf, size_t len, const char *text, int width)
{
	int l = (int)strlen(text), left = width > l ? (width - l + 1) / 2 : 0;
	int right = width > l ? width - l - left : 0;
	/* Truncation is fine: BUF is a column cell. */
	int n = snprintf(buf, len, "%*s%s", left, "", text);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%*s", right, "");
}

/* ---- -i ---- */

static void meminfo_row(FILE *out, const char *label, const struct kc_mm_count *c,
			uint64_t page_size, const struct kc_mm_count *of, const char *of_name)
{
	char size[32];
	if (!c->known) {
		fprintf(out, "%13s  %7s  %11s         ----\n", label, "?", "?");
		return;
	}
	pages_to_size((uint64_t)c->pages, page_size, size, sizeof(size));
	if (!of)
		fprintf(out, "%13s  %7lld  %11s         ----\n", label, (long long)c->pages, size);
	else
		fprintf(out, "%13s  %7lld  %11s  %3lld%% of %s\n", label, (long long)c->pages, size,
			of->known && of->pages ? (long long)(c->pages * 100 / of->pages) : 0LL, of_name);
}

static void json_count(FILE *out, const char *key, const struct kc_mm_count *c, bool last)
{
	fprintf(out, "\"%s\": ", key);
	if (c->known)
		fprintf(out, "%lld", (long long)c->pages);
	else
		fputs("null", out);
	fputs(last ? "" : ", ", out);
}

static struct kc_error *kmem_info(struct kc_session *session, bool json, FILE *out)
{
	struct kc_mm_meminfo mi;
	struct kc_mm_model model;
	struct kc_error *err = kc_mm_model(session, &model);
	if (!err)
		err = kc_mm_meminfo(session, &mi);
	if (err)
		return err;
	const struct { const char *key, *label; const struct kc_mm_count *c; } all[] = {
		{"total", "TOTAL MEM", &mi.total}, {"free", "FREE", &mi.free},
		{"used", "USED", &mi.used}, {"shared", "SHARED", &mi.shared},
		{"buffers", "BUFFERS", &mi.buffers}, {"cached", "CACHED", &mi.cached},
		{"slab", "SLAB", &mi.slab}, {"huge_total", "TOTAL HUGE", &mi.huge_total},
		{"huge_free", "HUGE FREE", &mi.huge_free}, {"swap_total", "TOTAL SWAP", &mi.swap_total},
		{"swap_used", "SWAP USED", &mi.swap_used}, {"swap_free", "SWAP FREE", &mi.swap_free},
		{"commit_limit", "COMMIT LIMIT", &mi.commit_limit}, {"committed", "COMMITTED", &mi.committed},
	};
	size_t n = sizeof(all) / sizeof(all[0]);
	if (json) {
		fprintf(out, "{\"page_size\": %llu, \"pages\": {", (ull)model.page_size);
		for (size_t i = 0; i < n; i++)
			json_count(out, all[i].key, all[i].c, i + 1 == n);
		fputs("}, \"unknown\": {", out);
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			if (all[i].c->known)
				continue;
			fprintf(out, "%s\"%s\": ", first ? "" : ", ", all[i].key);
			kc_json_string(out, all[i].c->why);
			first = false;
		}
		fputs("}}\n", out);
		return NULL;
	}
	fprintf(out, "                 PAGES        TOTAL      PERCENTAGE\n");
	meminfo_row(out, "TOTAL MEM", &mi.total, model.page_size, NULL, NULL);
	meminfo_row(out, "FREE", &mi.free, model.page_size, &mi.total, "TOTAL MEM");
	meminfo_row(out, "USED", &mi.used, model.page_size, &mi.total, "TOTAL MEM");
	meminfo_row(out, "SHARED", &mi.shared, model.page_size, &mi.total, "TOTAL MEM");
	meminfo_row(out, "BUFFERS", &mi.buffers, model.page_size, &mi.total, "TOTAL MEM");
	meminfo_row(out, "CACHED", &mi.cached, model.page_size, &mi.total, "TOTAL MEM");
	meminfo_row(out, "SLAB", &mi.slab, model.page_size, &mi.total, "TOTAL MEM");
	fputc('\n', out);
	meminfo_row(out, "TOTAL HUGE", &mi.huge_total, model.page_size, NULL, NULL);
	meminfo_row(out, "HUGE FREE", &mi.huge_free, model.page_size, &mi.huge_total, "TOTAL HUGE");
	fputc('\n', out);
	if (mi.swap_total.known) {
		meminfo_row(out, "TOTAL SWAP", &mi.swap_total, model.page_size, NULL, NULL);
		meminfo_row(out, "SWAP USED", &mi.swap_used, model.page_size, &mi.swap_total, "TOTAL SWAP");
		meminfo_row(out, "SWAP FREE", &mi.swap_free, model.page_size, &mi.swap_total, "TOTAL SWAP");
	}
	fputc('\n', out);
	meminfo_row(out, "COMMIT LIMIT", &mi.commit_limit, model.page_size, NULL, NULL);
	meminfo_row(out, "COMMITTED", &mi.committed, model.page_size, &mi.commit_limit, "TOTAL LIMIT");
	for (size_t i = 0; i < n; i++)
		if (!all[i].c->known && (i < 8 || i >= 12))
			fprintf(out, "NOTE: %s unknown: %s\n", all[i].label, all[i].c->why);
	return NULL;
}

/* ---- -s / -S ---- */

static const char cache_hdr[] = "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n";

static void cache_row(FILE *out, const struct kc_slub_cache *c)
{
	fprintf(out, "%-16llx %8u  ", (ull)c->addr, c->object_size);
	if (c->counted)
		fprintf(out, "%9llu  %8llu  %5llu  ", (ull)c->allocated, (ull)c->total, (ull)c->slabs);
	else
		fprintf(out, "%9s  %8s  %5s  ", "?", "?", "?");
	fprintf(out, "%4lluk  %s\n", (ull)(c->slab_size / 1024), c->name);
}

static void cache_json(FILE *out, const struct kc_slub_cache *c)
{
	fprintf(out, "{\"cache\": \"0x%llx\", \"name\": ", (ull)c->addr);
	kc_json_string(out, c->name);
	fprintf(out, ", \"objsize\": %u, \"size\": %u, \"objects_per_slab\": %u, \"order\": %u, "
		"\"slab_size\": %llu, ", c->object_size, c->size, c->objects_per_slab, c->order,
		(ull)c->slab_size);
	if (c->counted)
		fprintf(out, "\"allocated\": %llu, \"total\": %llu, \"slabs\": %llu, \"free\": %llu, "
			"\"partial_free\": %llu, \"node_slabs\": %llu, \"error\": null}",
			(ull)c->allocated, (ull)c->total, (ull)c->slabs, (ull)c->free,
			(ull)c->partial_free, (ull)c->node_slabs);
	else {
		fputs("\"allocated\": null, \"total\": null, \"slabs\": null, \"error\": ", out);
		kc_json_string(out, c->count_error);
		fputc('}', out);
	}
}

struct slab_print {
	FILE *out;
	const struct kc_slub_cache *cache;
	int last_cpu;
	enum kc_slub_slab_kind last_kind;
	bool any;
};

static void slab_line(FILE *out, const struct kc_slub_slab *s)
{
	fprintf(out, "  SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n");
	fprintf(out, "  %-16llx  %-16llx  %4d  %5u  %9u  %4u\n", (ull)s->slab, (ull)s->base, s->node,
		s->objects, s->inuse, s->objects - s->inuse);
}

static void slab_objects(FILE *out, const struct kc_slub_cache *c, const struct kc_slub_slab *s)
{
	fprintf(out, "  FREE / [ALLOCATED]\n");
	for (unsigned i = 0; i < s->objects; i++) {
		uint64_t obj = s->base + (uint64_t)i * c->size + c->red_left_pad;
		if (s->is_free[i]) {
			fprintf(out, "   %llx  ", (ull)obj);
			if (s->is_cpu_free[i] || (s->kind == KC_SLUB_CPU_SLAB && s->cpu >= 0))
				fprintf(out, "(cpu %d cache)", s->cpu);
			fputc('\n', out);
		} else {
			fprintf(out, "  [%llx]\n", (ull)obj);
		}
	}
	if (s->error[0])
		fprintf(out, "  WARNING: %s\n", s->error);
}

static struct kc_error *print_slab(void *ctx, const struct kc_slub_slab *s)
{
	struct slab_print *p = ctx;
	if (s->kind == KC_SLUB_CPU_SLAB)
		fprintf(p->out, "CPU %d SLAB:\n", s->cpu);
	else if (s->kind == KC_SLUB_CPU_PARTIAL && (p->last_cpu != s->cpu || p->last_kind != s->kind))
		fprintf(p->out, "CPU %d PARTIAL:\n", s->cpu);
	else if (s->kind == KC_SLUB_NODE_PARTIAL && p->last_kind != s->kind)
		fprintf(p->out, "NODE %d PARTIAL:\n", s->node);
	else if (s->kind == KC_SLUB_NODE_FULL && p->last_kind != s->kind)
		fprintf(p->out, "NODE %d FULL:\n", s->node);
	p->last_cpu = s->cpu;
	p->last_kind = s->kind;
	slab_line(p->out, s);
	slab_objects(p->out, p->cache, s);
	return kc_check_interrupt();
}

struct slab_json {
	FILE *out;
	const struct kc_slub_cache *cache;
	bool first;
};

static const char *const slab_kinds[] = {"cpu", "cpu_partial", "node_partial", "node_full"};

static struct kc_error *json_slab(void *ctx, const struct kc_slub_slab *s)
{
	struct slab_json *j = ctx;
	fprintf(j->out, "%s\n    {\"slab\": \"0x%llx\", \"memory\": \"0x%llx\", \"kind\": \"%s\", "
		"\"cpu\": %d, \"node\": %d, \"total\": %u, \"allocated\": %u, \"free\": %u, \"objects\": [",
		j->first ? "" : ",", (ull)s->slab, (ull)s->base, slab_kinds[s->kind], s->cpu, s->node,
		s->objects, s->inuse, s->objects - s->inuse);
	for (unsigned i = 0; i < s->objects; i++)
		fprintf(j->out, "%s{\"addr\": \"0x%llx\", \"free\": %s}", i ? ", " : "",
			(ull)(s->base + (uint64_t)i * j->cache->size + j->cache->red_left_pad),
			s->is_free[i] ? "true" : "false");
	fputs("], \"error\": ", j->out);
	if (s->error[0])
		kc_json_string(j->out, s->error);
	else
		fputs("null", j->out);
	fputc('}', j->out);
	j->first = false;
	return kc_check_interrupt();
}

static struct kc_error *kmem_slabs(struct kc_session *session, bool verbose, bool json,
				   const char *name, FILE *out)
{
	struct kc_slub_cache *caches;
	size_t n;
	struct kc_error *err = kc_slub_caches(session, &caches, &n);
	if (err) {
		free(caches);
		return err;
	}
	bool found = false;
	if (json)
		fputc('[', out);
	else if (!name)
		fputs(cache_hdr, out);
	for (size_t i = 0; i < n && !err; i++) {
		const struct kc_slub_cache *c = &caches[i];
		if (name && strcmp(name, c->name) != 0)
			continue;
		found = true;
		if (json) {
			fprintf(out, "%s\n  ", i && !name ? "," : "");
			if (verbose) {
				/* -S: {"cache": {...}, "slabs": [...]} per cache */
				struct slab_json j = {out, c, true};
				fputs("{\"cache\": ", out);
				cache_json(out, c);
				fputs(", \"slabs\": [", out);
				err = kc_slub_for_each_slab(session, c, json_slab, &j);
				fputs("]}", out);
			} else {
				cache_json(out, c);
			}
			continue;
		}
		if (name)
			fputs(cache_hdr, out);
		cache_row(out, c);
		if (!c->counted)
			fprintf(out, "WARNING: %s: %s\n", c->name, c->count_error);
		if (verbose) {
			struct slab_print p = {out, c, -2, KC_SLUB_NODE_FULL, false};
			err = kc_slub_for_each_slab(session, c, print_slab, &p);
			if (!name && i + 1 < n)
				fputs(cache_hdr, out);
		}
	}
	if (json)
		fputs("\n]\n", out);
	free(caches);
	if (!err && name && !found)
		err = kc_error_create(KC_ERR_LOOKUP, "invalid slab cache name: %s", name);
	return err;
}

/* ---- -f / -F / -z ---- */

struct block_print {
	FILE *out;
	uint64_t count;
	bool list;
};

static struct kc_error *print_block(void *ctx, uint64_t page)
{
	struct block_print *b = ctx;
	b->count++;
	if (b->list)
		fprintf(b->out, "%llx\n", (ull)page);
	return NULL;
}

static struct kc_error *kmem_free(struct kc_session *session, bool list, bool json, FILE *out)
{
	struct kc_mm_zone *zones;
	struct kc_mm_nodes_holder { struct kc_mm_node *nodes; size_t n; } nodes = {0};
	struct kc_mm_model model;
	size_t n;
	struct kc_error *err = kc_mm_model(session, &model);
	if (!err)
		err = kc_mm_nodes(session, &nodes.nodes, &nodes.n);
	if (err)
		return err;
	err = kc_mm_zones(session, &zones, &n);
	if (err) {
		free(nodes.nodes);
		return err;
	}
	int64_t total_free = 0;
	uint64_t found = 0;
	if (json)
		fputs("{\"zones\": [", out);
	for (size_t z = 0; z < n && !err; z++) {
		const struct kc_mm_zone *zone = &zones[z];
		uint64_t node_start = 0;
		for (size_t i = 0; i < nodes.n; i++)
			if (nodes.nodes[i].id == zone->node)
				node_start = nodes.nodes[i].start_pfn;
		total_free += zone->nr_free_pages;
		if (json) {
			fprintf(out, "%s\n  {\"node\": %d, \"zone\": %u, \"name\": ", z ? "," : "", zone->node,
				zone->index);
			kc_json_string(out, zone->name);
			fprintf(out, ", \"size\": %llu, \"free\": %lld, \"mem_map\": \"0x%llx\", "
				"\"start_paddr\": \"0x%llx\", \"orders\": [", (ull)zone->spanned_pages,
				(long long)zone->nr_free_pages, (ull)zone->mem_map,
				(ull)(zone->start_pfn << model.page_shift));
		} else {
			if (zone->index == 0 && nodes.n > 1)
				fprintf(out, "%sNODE\n %2d\n", z ? "\n" : "", zone->node);
			char a[32], b[32], c[32], d[32];
			snprintf(a, sizeof(a), "    MEM_MAP     ");
			fprintf(out, "%sZONE  NAME        SIZE    FREE  %s  START_PADDR  START_MAPNR\n",
				zone->index > 0 ? "\n" : "", a);
			snprintf(d, sizeof(d), "%llx", (ull)zone->mem_map);
			center(a, sizeof(a), d, 16);
			snprintf(d, sizeof(d), "%llx",
				 (ull)(zone->mem_map ? zone->start_pfn << model.page_shift : 0));
			center(b, sizeof(b), d, 11);
			snprintf(d, sizeof(d), "%llu",
				 (ull)(zone->mem_map ? zone->start_pfn - node_start : 0));
			center(c, sizeof(c), d, 11);
			fprintf(out, "%3u   %-9s %6llu  %6lld  %s  %s  %s\n", zone->index, zone->name,
				(ull)zone->spanned_pages, (long long)zone->nr_free_pages, a, b, c);
		}
		bool any = zone->nr_free_pages != 0;
		if (!list && any && !json)
			fprintf(out, "AREA    SIZE  FREE_AREA_STRUCT  BLOCKS  PAGES\n");
		for (unsigned o = 0; any && o < zone->nr_orders && !err; o++) {
			char size[32];
			snprintf(size, sizeof(size), "%lluk", (ull)((model.page_size << o) / 1024));
			if (json)
				fprintf(out, "%s{\"order\": %u, \"nr_free\": %llu, \"blocks\": [", o ? ", " : "",
					o, (ull)zone->nr_free[o]);
			for (unsigned mt = 0; mt < zone->nr_migratetypes && !err; mt++) {
				uint64_t head = zone->free_area[o] + 16ull * mt;
				if (list)
					fprintf(out, "AREA    SIZE  FREE_AREA_STRUCT\n%3u  %7s  %llx  \n", o, size,
						(ull)head);
				struct block_print b = {out, 0, list};
				err = kc_mm_free_list_walk(session, zone, o, mt, 1u << 24, print_block, &b);
				if (err)
					break;
				found += b.count << o;
				if (json)
					fprintf(out, "%s%llu", mt ? ", " : "", (ull)b.count);
				else if (!list)
					fprintf(out, "%3u  %7s  %llx  %6llu %6llu\n", o, size, (ull)head,
						(ull)b.count, (ull)(b.count << o));
			}
			if (json)
				fputs("]}", out);
		}
		if (json)
			fputs("]}", out);
	}
	if (json)
		fprintf(out, "\n], \"nr_free_pages\": %lld, \"found\": %llu}\n", (long long)total_free,
			(ull)found);
	else if (!err)
		fprintf(out, "\nnr_free_pages: %lld  (found %llu)\n", (long long)total_free, (ull)found);
	free(zones);
	free(nodes.nodes);
	return err;
}

static void print_stats(FILE *out, const struct kc_mm_stat *s, size_t n, size_t width)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%*s: %lld\n", (int)width, s[i].name, (long long)s[i].value);
}

static size_t stats_width(const struct kc_mm_stat *s, size_t n, size_t width)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(s[i].name) > width)
			width = strlen(s[i].name);
	return width;
}

static void json_stats(FILE *out, const struct kc_mm_stat *s, size_t n)
{
	fputc('{', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		kc_json_string(out, s[i].name);
		fprintf(out, ": %lld", (long long)s[i].value);
	}
	fputc('}', out);
}

static struct kc_error *kmem_zones(struct kc_session *session, bool json, FILE *out)
{
	struct kc_mm_zone *zones;
	size_t n;
	struct kc_error *err = kc_mm_zones(session, &zones, &n);
	if (err)
		return err;
	if (json)
		fputc('[', out);
	for (size_t z = 0; z < n && !err; z++) {
		const struct kc_mm_zone *zone = &zones[z];
		struct kc_mm_stat *stats = NULL;
		size_t ns = 0;
		if (zone->spanned_pages)
			err = kc_mm_vm_stats(session, KC_MM_STAT_ZONE, zone->addr, &stats, &ns);
		if (err)
			break;
		if (json) {
			fprintf(out, "%s\n  {\"node\": %d, \"zone\": %u, \"addr\": \"0x%llx\", \"name\": ",
				z ? "," : "", zone->node, zone->index, (ull)zone->addr);
			kc_json_string(out, zone->name);
			fprintf(out, ", \"start_pfn\": %llu, \"spanned\": %llu, \"present\": %llu, "
				"\"managed\": %llu, \"min\": %llu, \"low\": %llu, \"high\": %llu, "
				"\"free\": %lld, \"vm_stat\": ", (ull)zone->start_pfn,
				(ull)zone->spanned_pages, (ull)zone->present_pages, (ull)zone->managed_pages,
				(ull)zone->watermark[0], (ull)zone->watermark[1], (ull)zone->watermark[2],
				(long long)zone->nr_free_pages);
			json_stats(out, stats, ns);
			fputc('}', out);
		} else {
			fprintf(out, "NODE: %d  ZONE: %u  ADDR: %llx  NAME: \"%s\"\n", zone->node, zone->index,
				(ull)zone->addr, zone->name);
			if (!zone->spanned_pages) {
				fprintf(out, "  [unpopulated]\n\n");
			} else {
				fprintf(out, "  SIZE: %llu", (ull)zone->spanned_pages);
				if (zone->present_pages < zone->spanned_pages)
					fprintf(out, "  PRESENT: %llu", (ull)zone->present_pages);
				fprintf(out, "  MIN/LOW/HIGH: %llu/%llu/%llu\n  VM_STAT:\n",
					(ull)zone->watermark[0], (ull)zone->watermark[1],
					(ull)zone->watermark[2]);
				print_stats(out, stats, ns, stats_width(stats, ns, 0));
				fputs("\n\n", out);
			}
		}
		free(stats);
	}
	if (json)
		fputs("\n]\n", out);
	free(zones);
	return err;
}

static struct kc_error *kmem_vmstat(struct kc_session *session, bool json, FILE *out)
{
	static const struct { enum kc_mm_stat_group g; const char *title, *key; } groups[] = {
		{KC_MM_STAT_ZONE, "VM_ZONE_STAT", "vm_zone_stat"},
		{KC_MM_STAT_NODE, "VM_NODE_STAT", "vm_node_stat"},
		{KC_MM_STAT_NUMA, "VM_NUMA_STAT", "vm_numa_stat"},
		{KC_MM_STAT_EVENT, "VM_EVENT_STATES", "vm_event_states"},
	};
	struct kc_mm_stat *stats[4] = {0};
	size_t ns[4] = {0};
	struct kc_error *errs[4] = {0};
	for (int i = 0; i < 4; i++)
		errs[i] = kc_mm_vm_stats(session, groups[i].g, 0, &stats[i], &ns[i]);
	if (errs[0] && errs[1]) {
		kc_error_destroy(errs[1]);
		kc_error_destroy(errs[2]);
		kc_error_destroy(errs[3]);
		return errs[0];
	}
	size_t width = 0;
	for (int i = 0; i < 3; i++)
		width = stats_width(stats[i], ns[i], width);
	if (json)
		fputc('{', out);
	bool first = true;
	for (int i = 0; i < 4; i++) {
		if (json) {
			fprintf(out, "%s\"%s\": ", first ? "" : ", ", groups[i].key);
			if (errs[i])
				fputs("null", out);
			else
				json_stats(out, stats[i], ns[i]);
			first = false;
		} else if (!errs[i] && ns[i]) {
			fprintf(out, "%s  %s:\n", i ? "\n" : "", groups[i].title);
			print_stats(out, stats[i], ns[i],
				    i == 3 ? stats_width(stats[i], ns[i], 0) : width);
		} else if (errs[i] && i != 2) {
			fprintf(out, "%s  %s: not available: %s\n", i ? "\n" : "", groups[i].title,
				kc_error_message(errs[i]));
		}
		kc_error_destroy(errs[i]);
		free(stats[i]);
	}
	if (json)
		fputs("}\n", out);
	return NULL;
}

/* ---- -n ---- */

static struct kc_error *kmem_nodes(struct kc_session *session, bool json, FILE *out)
{
	struct kc_mm_node *nodes;
	struct kc_mm_zone *zones = NULL;
	struct kc_mm_section *sections = NULL;
	struct kc_mm_model model;
	size_t nn, nz = 0, nsec = 0;
	struct kc_error *err = kc_mm_model(session, &model);
	if (err)
		return err;
	err = kc_mm_nodes(session, &nodes, &nn);
	if (!err)
		err = kc_mm_zones(session, &zones, &nz);
	if (!err)
		err = kc_mm_sections(session, &sections, &nsec);
	if (err)
		goto out;
	if (json) {
		fputs("{\"nodes\": [", out);
		for (size_t i = 0; i < nn; i++)
			fprintf(out, "%s{\"id\": %d, \"pgdat\": \"0x%llx\", \"size\": %llu, \"present\": %llu, "
				"\"start_pfn\": %llu, \"mem_map\": \"0x%llx\"}", i ? ", " : "", nodes[i].id,
				(ull)nodes[i].pgdat, (ull)nodes[i].spanned_pages, (ull)nodes[i].present_pages,
				(ull)nodes[i].start_pfn, (ull)nodes[i].mem_map);
		fprintf(out, "], \"section_size_bits\": %u, \"sections\": [", model.section_size_bits);
		for (size_t i = 0; i < nsec; i++)
			fprintf(out, "%s\n  {\"nr\": %llu, \"section\": \"0x%llx\", \"coded_mem_map\": \"0x%llx\", "
				"\"mem_map\": \"0x%llx\", \"state\": %llu, \"pfn\": %llu}", i ? "," : "",
				(ull)sections[i].nr, (ull)sections[i].addr, (ull)sections[i].coded_mem_map,
				(ull)sections[i].mem_map, (ull)sections[i].state, (ull)sections[i].pfn);
		fputs("\n]}\n", out);
		goto out;
	}
	for (size_t i = 0; i < nn; i++) {
		fprintf(out, "NODE    SIZE      PGLIST_DATA       BOOTMEM_DATA       NODE_ZONES   \n");
		bool first = true;
		for (size_t z = 0; z < nz; z++) {
			if (zones[z].node != nodes[i].id)
				continue;
			if (first)
				fprintf(out, "%3d %8llu   %llx        ----        %llx\n", nodes[i].id,
					(ull)nodes[i].spanned_pages, (ull)nodes[i].pgdat, (ull)zones[z].addr);
			else
				fprintf(out, "%52s%llx\n", "", (ull)zones[z].addr);
			first = false;
		}
		fprintf(out, "    MEM_MAP          START_PADDR    START_MAPNR\n");
		fprintf(out, "%llx  %11llx  %13llu  \n\n", (ull)nodes[i].mem_map,
			(ull)(nodes[i].start_pfn << model.page_shift), (ull)nodes[i].start_pfn);
		fprintf(out, "ZONE  NAME         SIZE       MEM_MAP      START_PADDR  START_MAPNR\n");
		for (size_t z = 0; z < nz; z++) {
			if (zones[z].node != nodes[i].id)
				continue;
			if (zones[z].mem_map)
				fprintf(out, "%3u   %-9s %7llu  %llx  %11llx  %11llu\n", zones[z].index,
					zones[z].name, (ull)zones[z].spanned_pages, (ull)zones[z].mem_map,
					(ull)(zones[z].start_pfn << model.page_shift), (ull)zones[z].start_pfn);
			else
				fprintf(out, "%3u   %-9s %7d  %16d  %11d  %11d\n", zones[z].index, zones[z].name,
					0, 0, 0, 0);
		}
		fputs("\n-------------------------------------------------------------------\n\n", out);
	}
	fprintf(out, "NR      SECTION        CODED_MEM_MAP        MEM_MAP       STATE PFN\n");
	for (size_t i = 0; i < nsec; i++) {
		char state[8] = "";
		if (sections[i].state & KC_MM_SECTION_MARKED_PRESENT)
			strcat(state, "P");
		if (sections[i].state & KC_MM_SECTION_HAS_MEM_MAP)
			strcat(state, "M");
		if (sections[i].state & KC_MM_SECTION_IS_ONLINE)
			strcat(state, "O");
		if (sections[i].state & KC_MM_SECTION_IS_EARLY)
			strcat(state, "E");
		fprintf(out, "%2llu  %llx  %llx  %llx  %-5s %-16llu\n", (ull)sections[i].nr,
			(ull)sections[i].addr, (ull)sections[i].coded_mem_map, (ull)sections[i].mem_map,
			state, (ull)sections[i].pfn);
	}
out:
	free(nodes);
	free(zones);
	free(sections);
	return err;
}

/* ---- -p ---- */

static bool is_kernel_address(struct kc_session *session, uint64_t addr)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err) {
		kc_error_destroy(err);
		return true;
	}
	return kc_arm64_is_kernel_addr(mmu, addr);
}

static void page_line(FILE *out, const struct kc_mm_page *p, const struct kc_mm_pageflags *pf)
{
	char flags[512];
	kc_mm_pageflags_format(pf, p->flags, flags, sizeof(flags));
	fprintf(out, "%016llx %8llx %16llx %8llx %2d %llx %s\n", (ull)p->page, (ull)p->paddr,
		(ull)p->mapping, (ull)p->index, p->refcount, (ull)p->flags, flags);
}

static void page_json(FILE *out, const struct kc_mm_page *p, const struct kc_mm_pageflags *pf)
{
	char flags[512];
	kc_mm_pageflags_format(pf, p->flags, flags, sizeof(flags));
	fprintf(out, "{\"page\": \"0x%llx\", \"pfn\": %llu, \"paddr\": \"0x%llx\", \"mapping\": \"0x%llx\", "
		"\"index\": %llu, \"count\": %d, \"mapcount\": %d, \"flags\": \"0x%llx\", "
		"\"flag_names\": ", (ull)p->page, (ull)p->pfn, (ull)p->paddr, (ull)p->mapping,
		(ull)p->index, p->refcount, p->mapcount, (ull)p->flags);
	kc_json_string(out, flags);
	fprintf(out, ", \"node\": %u, \"zone\": %u}", p->node, p->zone);
}

static const char page_hdr[] = "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n";

static struct kc_error *kmem_pages(struct kc_session *session, int argc, char **argv, bool json,
				   bool physical, FILE *out)
{
	struct kc_mm_pageflags pf;
	struct kc_mm_model model;
	struct kc_error *err = kc_mm_model(session, &model);
	if (!err)
		err = kc_mm_pageflags(session, &pf);
	if (err)
		return err;
	if (json)
		fputc('[', out);
	else
		fputs(page_hdr, out);
	bool first = true;
	if (argc > 0) {
		for (int i = 0; i < argc && !err; i++) {
			uint64_t addr;
			struct kc_mm_address a;
			err = kc_parse_address(session, argv[i], &addr);
			if (!err)
				err = kc_mm_identify(session, addr,
						     physical || !is_kernel_address(session, addr), &a);
			if (err)
				break;
			if (!a.has_page)
				err = kc_error_address(KC_ERR_LOOKUP, addr, "%llx: no struct page for this address",
						       (ull)addr);
			else if (json)
				fputs(first ? "\n  " : ",\n  ", out), page_json(out, &a.page, &pf);
			else
				page_line(out, &a.page, &pf);
			first = false;
			kc_mm_address_free(&a);
		}
	} else {
		struct kc_mm_section *sections;
		size_t n;
		err = kc_mm_sections(session, &sections, &n);
		uint64_t per = UINT64_C(1) << (model.section_size_bits - model.page_shift);
		for (size_t s = 0; s < n && !err; s++) {
			for (uint64_t i = 0; i < per && !err; i++) {
				struct kc_mm_page p;
				struct kc_error *e = kc_mm_read_page(session,
					sections[s].mem_map + i * model.page_struct_size, &p);
				if (e) {
					kc_error_destroy(e);
					continue;
				}
				if (json)
					fputs(first ? "\n  " : ",\n  ", out), page_json(out, &p, &pf);
				else
					page_line(out, &p, &pf);
				first = false;
				err = kc_check_interrupt();
			}
		}
		free(sections);
	}
	if (json)
		fputs("\n]\n", out);
	return err;
}

/* ---- -h, -v ---- */

static struct kc_error *kmem_hugepages(struct kc_session *session, bool json, FILE *out)
{
	struct kc_mm_hstate *h;
	struct kc_mm_model model;
	size_t n;
	struct kc_error *err = kc_mm_model(session, &model);
	if (!err)
		err = kc_mm_hstates(session, &h, &n);
	if (err)
		return err;
	if (json)
		fputc('[', out);
	else
		fprintf(out, "     HSTATE        SIZE    FREE   TOTAL  NAME\n");
	for (size_t i = 0; i < n; i++) {
		if (json) {
			fprintf(out, "%s{\"hstate\": \"0x%llx\", \"order\": %u, \"size\": %llu, \"free\": %llu, "
				"\"total\": %llu, \"resv\": %llu, \"surplus\": %llu, \"name\": ", i ? ", " : "",
				(ull)h[i].addr, h[i].order, (ull)(model.page_size << h[i].order),
				(ull)h[i].free_huge_pages, (ull)h[i].nr_huge_pages, (ull)h[i].resv_huge_pages,
				(ull)h[i].surplus_huge_pages);
			kc_json_string(out, h[i].name);
			fputc('}', out);
			continue;
		}
		char size[32];
		pages_to_size(UINT64_C(1) << h[i].order, model.page_size, size, sizeof(size));
		char *sp = strchr(size, ' ');
		if (sp)
			memmove(sp, sp + 1, strlen(sp));
		fprintf(out, "%llx  %5s  %6llu  %6llu  %s\n", (ull)h[i].addr, size,
			(ull)h[i].free_huge_pages, (ull)h[i].nr_huge_pages, h[i].name);
	}
	if (json)
		fputs("]\n", out);
	free(h);
	return NULL;
}

static void vmalloc_line(FILE *out, const struct kc_vmalloc_area *a)
{
	fprintf(out, "%llx  %llx  %llx - %llx  %8llu\n", (ull)a->vmap_area, (ull)a->vm_struct,
		(ull)a->addr, (ull)(a->addr + a->size), (ull)a->size);
}

static const char vmalloc_hdr[] =
	"   VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                SIZE\n";

static struct kc_error *kmem_vmalloc(struct kc_session *session, bool json, FILE *out)
{
	struct kc_vmalloc_area *areas;
	size_t n;
	struct kc_error *err = kc_vmalloc_areas(session, &areas, &n);
	if (json)
		fputc('[', out);
	else
		fputs(vmalloc_hdr, out);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const struct kc_vmalloc_area *a = &areas[i];
		if (!a->vm_struct)
			continue;  /* vm_map_ram areas: crash lists only those with a vm_struct */
		if (json) {
			struct kc_symbolized sym;
			fprintf(out, "%s\n  {\"vmap_area\": \"0x%llx\", \"vm_struct\": \"0x%llx\", "
				"\"start\": \"0x%llx\", \"end\": \"0x%llx\", \"size\": %llu, \"nr_pages\": %llu, "
				"\"flags\": %llu, \"caller\": \"0x%llx\", \"caller_symbol\": ", first ? "" : ",",
				(ull)a->vmap_area, (ull)a->vm_struct, (ull)a->addr, (ull)(a->addr + a->size),
				(ull)a->size, (ull)a->nr_pages, (ull)a->flags, (ull)a->caller);
			struct kc_error *e = kc_symbolize(session, a->caller, &sym);
			if (e) {
				kc_error_destroy(e);
				fputs("null", out);
			} else {
				char buf[300];
				snprintf(buf, sizeof(buf), "%s+0x%llx", sym.name, (ull)sym.offset);
				kc_json_string(out, buf);
			}
			fputc('}', out);
		} else {
			vmalloc_line(out, a);
		}
		first = false;
	}
	if (json)
		fputs("\n]\n", out);
	free(areas);
	return err;
}

/* ---- kmem ADDR ---- */

static struct kc_error *kmem_address(struct kc_session *session, const char *text, bool physical,
				     bool json, FILE *out)
{
	uint64_t addr;
	struct kc_mm_address a;
	struct kc_mm_pageflags pf;
	struct kc_error *err = kc_parse_address(session, text, &addr);
	if (!err)
		err = kc_mm_pageflags(session, &pf);
	/* As crash: an address that is no kernel address is physical. */
	if (!err && !physical)
		physical = !is_kernel_address(session, addr);
	if (!err)
		err = kc_mm_identify(session, addr, physical, &a);
	if (err)
		return err;
	struct kc_symbolized sym;
	struct kc_error *serr = physical ? kc_error_create(KC_ERR_LOOKUP, "physical")
					 : kc_symbolize(session, addr, &sym);
	if (json) {
		fprintf(out, "{\"addr\": \"0x%llx\", \"region\": ", (ull)addr);
		kc_json_string(out, a.region ? a.region : "unknown");
		fputs(", \"symbol\": ", out);
		if (serr)
			fputs("null", out);
		else {
			char buf[300];
			snprintf(buf, sizeof(buf), "%s+0x%llx", sym.name, (ull)sym.offset);
			kc_json_string(out, buf);
		}
		fputs(", \"slab\": ", out);
		if (a.in_slab) {
			fprintf(out, "{\"object\": \"0x%llx\", \"free\": %s, \"slab\": \"0x%llx\", \"cache\": ",
				(ull)a.slab.object, a.slab.is_free ? "true" : "false", (ull)a.slab.slab.slab);
			cache_json(out, &a.slab.cache);
			fputc('}', out);
		} else
			fputs("null", out);
		fputs(", \"vmalloc\": ", out);
		if (a.in_vmalloc)
			fprintf(out, "{\"vmap_area\": \"0x%llx\", \"vm_struct\": \"0x%llx\", \"start\": \"0x%llx\", "
				"\"size\": %llu}", (ull)a.vmalloc.vmap_area, (ull)a.vmalloc.vm_struct,
				(ull)a.vmalloc.va_start, (ull)a.vmalloc.size);
		else
			fputs("null", out);
		fputs(", \"task_stack\": ", out);
		if (a.is_task_stack)
			fprintf(out, "\"0x%llx\"", (ull)a.stack_task);
		else
			fputs("null", out);
		fputs(", \"free_block\": ", out);
		if (a.is_free_page)
			fprintf(out, "{\"page\": \"0x%llx\", \"order\": %u}", (ull)a.free_block_page,
				a.free_block_order);
		else
			fputs("null", out);
		fputs(", \"page\": ", out);
		if (a.has_page)
			page_json(out, &a.page, &pf);
		else
			fputs("null", out);
		fputs("}\n", out);
	} else {
		if (!serr && !a.in_slab && !a.in_vmalloc)
			fprintf(out, sym.offset ? "%llx (%c) %s+%llu\n" : "%llx (%c) %s\n", (ull)addr,
				sym.type, sym.name, (ull)sym.offset);
		if (a.in_slab) {
			fputs(cache_hdr, out);
			cache_row(out, &a.slab.cache);
			slab_line(out, &a.slab.slab);
			fputs("  FREE / [ALLOCATED]\n", out);
			if (a.slab.index < a.slab.slab.objects) {
				if (a.slab.is_free)
					fprintf(out, "   %llx  %s\n", (ull)a.slab.object,
						a.slab.on_cpu_freelist ? "(cpu cache)" : "");
				else
					fprintf(out, "  [%llx]\n", (ull)a.slab.object);
			}
		}
		if (a.in_vmalloc) {
			fputs(vmalloc_hdr, out);
			fprintf(out, "%llx  %llx  %llx - %llx  %8llu\n", (ull)a.vmalloc.vmap_area,
				(ull)a.vmalloc.vm_struct, (ull)a.vmalloc.va_start, (ull)a.vmalloc.va_end,
				(ull)(a.vmalloc.va_end - a.vmalloc.va_start));
		}
		if (a.is_task_stack)
			fprintf(out, "\n%llx: kernel stack of task %llx\n", (ull)addr, (ull)a.stack_task);
		if (a.is_page_struct)
			fprintf(out, "%llx: struct page of pfn %llu (%llx)\n", (ull)addr,
				(ull)a.page_struct_pfn, (ull)a.page_struct);
		if (a.is_free_page)
			fprintf(out, "%llx  (%llx is in a free block of order %u)\n", (ull)a.free_block_page,
				(ull)addr, a.free_block_order);
		if (a.has_page) {
			fputc('\n', out);
			fputs(page_hdr, out);
			page_line(out, &a.page, &pf);
		} else if (serr && !a.in_vmalloc) {
			fprintf(out, "%llx: not a known kernel, slab, vmalloc or page address\n", (ull)addr);
		}
	}
	kc_error_destroy(serr);
	kc_mm_address_free(&a);
	return NULL;
}

static struct kc_error *cmd_kmem(struct kc_session *session, int argc, char **argv, FILE *out)
{
	char mode = 0;
	bool json = false, physical = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
			continue;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (strchr("isSfFzVnphv", *c)) {
				if (mode && mode != *c)
					return kc_error_create(KC_ERR_INVALID_ARG,
							       "only one of -%c and -%c (usage: %s)", mode, *c,
							       kc_cmd_kmem.usage);
				mode = *c;
			} else if (*c == 'P') {
				physical = true;
			} else {
				return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: %s (usage: %s)",
						       argv[i], kc_cmd_kmem.usage);
			}
		}
	}
	int rest = argc - i;
	switch (mode) {
	case 'i': return kmem_info(session, json, out);
	case 's': case 'S':
		if (rest > 1)
			return kc_usage_error(&kc_cmd_kmem);
		return kmem_slabs(session, mode == 'S', json, rest ? argv[i] : NULL, out);
	case 'f': case 'F': return kmem_free(session, mode == 'F', json, out);
	case 'z': return kmem_zones(session, json, out);
	case 'V': return kmem_vmstat(session, json, out);
	case 'n': return kmem_nodes(session, json, out);
	case 'p': return kmem_pages(session, rest, argv + i, json, physical, out);
	case 'h': return kmem_hugepages(session, json, out);
	case 'v': return kmem_vmalloc(session, json, out);
	default:
		if (rest != 1)
			return kc_usage_error(&kc_cmd_kmem);
		return kmem_address(session, argv[i], physical, json, out);
	}
}

const struct kc_command kc_cmd_kmem = {
	.name = "kmem",
	.summary = "kernel memory: totals, slab caches, free lists, zones, pages, vmalloc",
	.usage = "kmem -i|-s [CACHE]|-S [CACHE]|-f|-F|-z|-V|-n|-h|-v [--json], "
		 "kmem -p [[-P] ADDR...] [--json], kmem [-P] ADDR [--json]",
	.help = "Kernel memory as crash 8.0.6's kmem shows it (same columns):\n"
		"  -i        TOTAL MEM, FREE, USED, SHARED, BUFFERS, CACHED, SLAB, TOTAL HUGE,\n"
		"            HUGE FREE, TOTAL SWAP, SWAP USED, SWAP FREE, COMMIT LIMIT and\n"
		"            COMMITTED in pages, size and percentage; a value the dump cannot\n"
		"            give is \"?\" with a NOTE line saying why\n"
		"  -s [CACHE] the SLUB caches: CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME\n"
		"  -S [CACHE] the same, then each per-CPU slab, per-CPU partial and node partial\n"
		"            slab (SLAB MEMORY NODE TOTAL ALLOCATED FREE) and its objects,\n"
		"            [allocated] or free, \"(cpu N cache)\" on a CPU's freelist\n"
		"  -f        per zone, the buddy free lists by order and migrate type:\n"
		"            AREA SIZE FREE_AREA_STRUCT BLOCKS PAGES (blocks counted by walking)\n"
		"  -F        every free block's first struct page, per list\n"
		"  -z        per zone: size, present, watermarks and its vm_stat counters\n"
		"  -V        vm_zone_stat, vm_node_stat, vm_numa_stat and vm_event_states\n"
		"  -n        nodes, zones and memory sections (SECTION, CODED_MEM_MAP,\n"
		"            MEM_MAP, STATE P/M/O/E, PFN)\n"
		"  -p [ADDR] struct pages: PAGE PHYSICAL MAPPING INDEX CNT FLAGS (the names\n"
		"            from the kernel's enum pageflags); every page without ADDR\n"
		"  -h        huge page pools: HSTATE SIZE FREE TOTAL NAME\n"
		"  -v        vmalloc areas: VMAP_AREA VM_STRUCT ADDRESS RANGE SIZE\n"
		"  ADDR      what the address is: a slab object (its cache, slab, and whether\n"
		"            it is free), a vmalloc area (a task's stack), a struct page, a\n"
		"            free block, a symbol, and its page; -P: ADDR is physical\n"
		"  --json    one JSON document; keys in the man page\n"
		"Free pages, user pages and the page cache are not in a makedumpfile -d 31\n"
		"dump: counts come from the kernel's own structures, which are.\n",
	.needs_dump = true,
	.run = cmd_kmem,
};
