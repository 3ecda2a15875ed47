// SPDX-License-Identifier: MIT
/*
 * kmem and the memory-management API (include/kcrash/mm.h, mm_slub.h,
 * mm_vmalloc.h).
 *
 * Synthetic: a SLUB slab in a buffer with hardened (XOR + swab) and plain
 * freelists, walked, and broken (a cycle, a pointer outside the slab, an
 * unreadable free pointer) with errors naming the pointer.
 *
 * Real dumps, against what the guest wrote just before the crash: on the
 * four fixtures (DWARF) the zones against zoneinfo (spanned, present,
 * managed, watermarks: fixed at boot, exact), MemTotal and CommitLimit
 * (exact), MemFree, Committed_AS and buddyinfo (within bounds: they move
 * in the seconds before the crash), vmallocinfo's sizes and callers; on
 * the Debian workload dumps (BTF, no CONFIG_KALLSYMS_ALL) slabinfo
 * (object size, objects per slab, pages per slab exact; num_objs and
 * num_slabs within bounds), hugepages (exact), the workload's pages'
 * flags against /proc/kpageflags and kpagecount, vmstat, buddyinfo,
 * meminfo.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/kcrash.h>

#include "harness.h"

/* ---- synthetic SLUB freelists ---- */

#define SLAB_BASE UINT64_C(0xffff000012340000)
#define SLAB_BYTES 4096

struct slab_mem {
	uint8_t buf[SLAB_BYTES];
};

static struct kc_error *slab_read(void *ctx, uint64_t addr, void *out, size_t len)
{
	struct slab_mem *m = ctx;
	if (addr < SLAB_BASE || addr - SLAB_BASE > SLAB_BYTES || len > SLAB_BYTES - (addr - SLAB_BASE))
		return kc_error_address(KC_ERR_FAULT, addr, "0x%llx is not mapped",
					(unsigned long long)addr);
	memcpy(out, m->buf + (addr - SLAB_BASE), len);
	return NULL;
}

static void put_free_pointer(struct slab_mem *m, const struct kc_slub_freelist_params *p,
			     uint64_t obj, uint64_t next)
{
	uint64_t addr = obj + p->offset, stored = next;
	if (p->encoding == KC_SLUB_FREELIST_XOR_SWAB)
		stored = next ^ p->random ^ __builtin_bswap64(addr);
	else if (p->encoding == KC_SLUB_FREELIST_XOR)
		stored = next ^ p->random ^ addr;
	memcpy(m->buf + (addr - SLAB_BASE), &stored, 8);
}

struct objs {
	uint64_t v[64];
	size_t n;
};

static struct kc_error *collect(void *ctx, uint64_t obj)
{
	struct objs *o = ctx;
	if (o->n < 64)
		o->v[o->n++] = obj;
	return NULL;
}

static void check_names(struct kc_error *err, uint64_t addr, const char *what)
{
	char hex[32];
	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)addr);
	if (!CHECK_MSG(err != NULL, "%s: no error", what))
		return;
	CHECK_MSG(strstr(kc_error_message(err), hex) != NULL, "%s: \"%s\" does not name %s", what,
		  kc_error_message(err), hex);
	kc_error_destroy(err);
}

static void freelist_case(enum kc_slub_freelist_encoding encoding)
{
	struct slab_mem *m = calloc(1, sizeof(*m));
	struct kc_walk_mem mem = {slab_read, m};
	struct kc_slub_freelist_params p = {
		.encoding = encoding, .random = UINT64_C(0x5a5aa5a5deadbeef), .offset = 64,
		.size = 128, .base = SLAB_BASE, .objects = 32};
	/* Free objects 5, 2, 30, 7 in that order. */
	const unsigned order[] = {5, 2, 30, 7};
	for (size_t i = 0; i < 4; i++)
		put_free_pointer(m, &p, SLAB_BASE + order[i] * 128,
				 i + 1 < 4 ? SLAB_BASE + order[i + 1] * 128 : 0);
	struct objs o = {0};
	REQUIRE_OK(kc_slub_walk_freelist_read(&mem, &p, SLAB_BASE + 5 * 128, collect, &o));
	REQUIRE(o.n == 4);
	for (size_t i = 0; i < 4; i++)
		CHECK_EQ_U64(o.v[i], SLAB_BASE + order[i] * 128);
	/* The decoder undoes what the kernel's freelist_ptr() did. */
	uint64_t stored;
	memcpy(&stored, m->buf + 5 * 128 + 64, 8);
	CHECK_EQ_U64(kc_slub_freelist_decode(encoding, p.random, stored, SLAB_BASE + 5 * 128 + 64),
		     SLAB_BASE + 2 * 128);
	/* A cycle: 7 -> 2. */
	put_free_pointer(m, &p, SLAB_BASE + 7 * 128, SLAB_BASE + 2 * 128);
	struct objs c = {0};
	check_names(kc_slub_walk_freelist_read(&mem, &p, SLAB_BASE + 5 * 128, collect, &c),
		    SLAB_BASE + 2 * 128, "cycle");
	CHECK_EQ_U64(c.n, 4);
	/* Not an object: inside one, and outside the slab. */
	put_free_pointer(m, &p, SLAB_BASE + 7 * 128, SLAB_BASE + 3 * 128 + 8);
	check_names(kc_slub_walk_freelist_read(&mem, &p, SLAB_BASE + 5 * 128, collect, &c),
		    SLAB_BASE + 3 * 128 + 8, "misaligned");
	put_free_pointer(m, &p, SLAB_BASE + 7 * 128, SLAB_BASE + 32 * 128);
	check_names(kc_slub_walk_freelist_read(&mem, &p, SLAB_BASE + 5 * 128, collect, &c),
		    SLAB_BASE + 32 * 128, "past the slab");
	/* An unreadable free pointer: a slab whose objects run past the memory. */
	struct kc_slub_freelist_params big = p;
	big.objects = 64;
	put_free_pointer(m, &p, SLAB_BASE + 7 * 128, 0);
	memset(m->buf + 31 * 128 + 64, 0, 8);
	check_names(kc_slub_walk_freelist_read(&mem, &big, SLAB_BASE + 40 * 128, collect, &c),
		    SLAB_BASE + 40 * 128, "unreadable");
	/* Impossible geometry is refused, not walked. */
	struct kc_slub_freelist_params bad = p;
	bad.offset = 200;
	struct kc_error *err = kc_slub_walk_freelist_read(&mem, &bad, SLAB_BASE, collect, &c);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
	free(m);
}

KC_TEST(kmem_slub_freelist_synthetic)
{
	freelist_case(KC_SLUB_FREELIST_PLAIN);
	freelist_case(KC_SLUB_FREELIST_XOR);
	freelist_case(KC_SLUB_FREELIST_XOR_SWAB);
	CHECK_EQ_U64(kc_slub_freelist_decode(KC_SLUB_FREELIST_XOR_SWAB, 0, 0x0807060504030201ull, 1),
		     0x0807060504030201ull ^ 0x0100000000000000ull);
}

/* ---- ground-truth helpers ---- */

/* The number after "KEY:" in a meminfo file (kB), or -1. */
static long long meminfo_kb(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return atoll(p + klen + 1);
	}
	return -1;
}

static bool within(long long a, long long b, long long abs_bound, double rel)
{
	long long d = a > b ? a - b : b - a;
	return d <= abs_bound || d <= (long long)(rel * (double)(a > b ? a : b));
}

/* MemTotal, MemFree, CommitLimit, Committed_AS, HugePages_Total against meminfo. */
static void check_meminfo(struct kc_session *session, const char *label, const char *path,
			  bool debian)
{
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no %s", label, path))
		return;
	struct kc_mm_meminfo mi;
	struct kc_mm_model model;
	REQUIRE_OK(kc_mm_model(session, &model));
	REQUIRE_OK(kc_mm_meminfo(session, &mi));
	long long kb = (long long)(model.page_size / 1024);
	REQUIRE(mi.total.known && mi.free.known && mi.slab.known && mi.shared.known);
	/* totalram_pages changes only with memory hotplug or ballooning: exact. */
	CHECK_MSG(mi.total.pages * kb == meminfo_kb(text, "MemTotal"), "%s: MemTotal %lld kB, dump %lld",
		  label, meminfo_kb(text, "MemTotal"), (long long)(mi.total.pages * kb));
	/* Free memory moves with the snapshot's own processes and the crash: 2%. */
	CHECK_MSG(within(mi.free.pages * kb, meminfo_kb(text, "MemFree"), 1024, 0.02),
		  "%s: MemFree %lld kB, dump %lld", label, meminfo_kb(text, "MemFree"),
		  (long long)(mi.free.pages * kb));
	CHECK_MSG(within(mi.slab.pages * kb, meminfo_kb(text, "Slab"), 512, 0.25),
		  "%s: Slab %lld kB, dump %lld", label, meminfo_kb(text, "Slab"),
		  (long long)(mi.slab.pages * kb));
	if (mi.cached.known)
		CHECK_MSG(within(mi.cached.pages * kb, meminfo_kb(text, "Cached"), 1024, 0.05),
			  "%s: Cached %lld kB, dump %lld", label, meminfo_kb(text, "Cached"),
			  (long long)(mi.cached.pages * kb));
	if (mi.buffers.known)
		CHECK_MSG(within(mi.buffers.pages * kb, meminfo_kb(text, "Buffers"), 64, 0.1),
			  "%s: Buffers %lld kB, dump %lld", label, meminfo_kb(text, "Buffers"),
			  (long long)(mi.buffers.pages * kb));
	if (!debian) {
		REQUIRE(mi.commit_limit.known && mi.committed.known);
		CHECK_MSG(mi.commit_limit.pages * kb == meminfo_kb(text, "CommitLimit"),
			  "%s: CommitLimit %lld kB, dump %lld", label, meminfo_kb(text, "CommitLimit"),
			  (long long)(mi.commit_limit.pages * kb));
		CHECK_MSG(within(mi.committed.pages * kb, meminfo_kb(text, "Committed_AS"), 1024, 0.1),
			  "%s: Committed_AS %lld kB, dump %lld", label,
			  meminfo_kb(text, "Committed_AS"), (long long)(mi.committed.pages * kb));
	}
	if (mi.huge_total.known && meminfo_kb(text, "HugePages_Total") >= 0) {
		long long huge_kb = meminfo_kb(text, "Hugepagesize");
		CHECK_MSG(mi.huge_total.pages * kb == meminfo_kb(text, "HugePages_Total") * huge_kb,
			  "%s: HugePages_Total %lld, dump %lld pages", label,
			  meminfo_kb(text, "HugePages_Total"), (long long)mi.huge_total.pages);
	}
	printf("    %s: meminfo: total %lld, free %lld, slab %lld, shared %lld pages\n", label,
	       (long long)mi.total.pages, (long long)mi.free.pages, (long long)mi.slab.pages,
	       (long long)mi.shared.pages);
	free(text);
}

static struct kc_error *count_block(void *ctx, uint64_t page)
{
	(void)page;
	(*(uint64_t *)ctx)++;
	return NULL;
}

/* zoneinfo's fixed values (exact) and buddyinfo's blocks per order (bounded). */
static void check_zones(struct kc_session *session, const char *label, const char *zoneinfo,
			const char *buddyinfo)
{
	struct kc_mm_zone *zones;
	size_t n;
	REQUIRE_OK(kc_mm_zones(session, &zones, &n));
	char *zi = kc_test_read_file(zoneinfo, NULL), *bi = kc_test_read_file(buddyinfo, NULL);
	if (!CHECK_MSG(zi && bi, "%s: no zoneinfo/buddyinfo", label)) {
		free(zi);
		free(bi);
		free(zones);
		return;
	}
	size_t checked = 0;
	for (size_t z = 0; z < n; z++) {
		const struct kc_mm_zone *zone = &zones[z];
		char head[64];
		snprintf(head, sizeof(head), "Node %d, zone %8s\n", zone->node, zone->name);
		const char *p = strstr(zi, head);
		if (!zone->spanned_pages || !p)
			continue;
		const char *end = strstr(p + 1, "Node ");
		unsigned long long v[6] = {0};
		const char *keys[6] = {"        min ", "        low ", "        high ", "        spanned ",
				       "        present ", "        managed "};
		for (int k = 0; k < 6; k++) {
			const char *q = strstr(p, keys[k]);
			if (CHECK_MSG(q && (!end || q < end), "%s: zone %s has no %s", label, zone->name, keys[k]))
				v[k] = strtoull(q + strlen(keys[k]), NULL, 10);
		}
		CHECK_EQ_U64(zone->watermark[0], v[0]);
		CHECK_EQ_U64(zone->watermark[1], v[1]);
		CHECK_EQ_U64(zone->watermark[2], v[2]);
		CHECK_EQ_U64(zone->spanned_pages, v[3]);
		CHECK_EQ_U64(zone->present_pages, v[4]);
		CHECK_EQ_U64(zone->managed_pages, v[5]);
		/* buddyinfo: blocks per order; the walk must agree with nr_free
		 * exactly, and nr_free with the snapshot within a bound. */
		snprintf(head, sizeof(head), "Node %d, zone %8s", zone->node, zone->name);
		const char *b = strstr(bi, head);
		if (!CHECK_MSG(b, "%s: no buddyinfo line for %s", label, zone->name))
			continue;
		b += strlen(head);
		uint64_t pages_then = 0, pages_now = 0;
		for (unsigned o = 0; o < zone->nr_orders; o++) {
			char *e;
			unsigned long long then = strtoull(b, &e, 10);
			b = e;
			uint64_t walked = 0;
			for (unsigned mt = 0; mt < zone->nr_migratetypes; mt++)
				REQUIRE_OK(kc_mm_free_list_walk(session, zone, o, mt, 1u << 24, count_block,
								&walked));
			CHECK_MSG(walked == zone->nr_free[o], "%s: %s order %u: %llu blocks walked, nr_free %llu",
				  label, zone->name, o, (unsigned long long)walked,
				  (unsigned long long)zone->nr_free[o]);
			pages_then += then << o;
			pages_now += zone->nr_free[o] << o;
		}
		CHECK_MSG(within((long long)pages_now, (long long)pages_then, 512, 0.03),
			  "%s: %s: buddyinfo %llu free pages, dump %llu", label, zone->name,
			  (unsigned long long)pages_then, (unsigned long long)pages_now);
		CHECK_MSG(within((long long)pages_now, zone->nr_free_pages, 16, 0.01),
			  "%s: %s: free lists %llu pages, NR_FREE_PAGES %lld", label, zone->name,
			  (unsigned long long)pages_now, (long long)zone->nr_free_pages);
		checked++;
	}
	CHECK_MSG(checked > 0, "%s: no zone compared", label);
	CHECK(kc_mm_migratetype_name(session, 0) && strcmp(kc_mm_migratetype_name(session, 0), "Unmovable") == 0);
	printf("    %s: %zu populated zones against zoneinfo and buddyinfo\n", label, checked);
	free(zi);
	free(bi);
	free(zones);
}

/* Every vmallocinfo line (size, caller) is an area of the dump; most addresses too. */
static void check_vmalloc(struct kc_session *session, const char *label, const char *path)
{
	struct kc_vmalloc_area *areas;
	size_t n;
	REQUIRE_OK(kc_vmalloc_areas(session, &areas, &n));
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no %s", label, path)) {
		free(areas);
		return;
	}
	size_t lines = 0, matched = 0, by_address = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long start = 0, end = 0, size;
		char caller[128] = "";
		bool hashed = strncmp(line, "0x(", 3) == 0;
		if (hashed) {
			if (sscanf(line, "%*s %llu %127s", &size, caller) != 2)
				continue;
		} else if (sscanf(line, "0x%llx-0x%llx %llu %127s", &start, &end, &size, caller) != 4) {
			continue;
		}
		if (strstr(line, "unpurged") || strstr(line, "vm_map_ram") || !strchr(caller, '+'))
			continue;
		lines++;
		*strchr(caller, '+') = '\0';
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			if (!areas[i].vm_struct || areas[i].size != size)
				continue;
			struct kc_symbolized sym;
			struct kc_error *err = kc_symbolize(session, areas[i].caller, &sym);
			if (err) {
				kc_error_destroy(err);
				continue;
			}
			found = strcmp(sym.name, caller) == 0 && (hashed || areas[i].addr == start);
		}
		if (!hashed) {
			const struct kc_vmalloc_area *a = kc_vmalloc_find(areas, n, start);
			by_address += a && a->va_start == start;
		}
		matched += found;
	}
	/* Areas come and go (task stacks, module loading) in the seconds before
	 * the crash: 90% of the lasting ones must be there. */
	CHECK_MSG(lines > 10 && matched * 10 >= lines * 9, "%s: %zu of %zu vmallocinfo areas found",
		  label, matched, lines);
	printf("    %s: %zu areas, %zu of %zu vmallocinfo lines matched (%zu by address)\n", label,
	       n, matched, lines, by_address);
	free(text);
	free(areas);
}

static void check_sections(struct kc_session *session, const char *label)
{
	struct kc_mm_section *sections;
	struct kc_mm_node *nodes;
	struct kc_mm_model model;
	size_t ns, nn;
	REQUIRE_OK(kc_mm_model(session, &model));
	REQUIRE_OK(kc_mm_sections(session, &sections, &ns));
	REQUIRE_OK(kc_mm_nodes(session, &nodes, &nn));
	REQUIRE(ns > 0 && nn > 0);
	/* Every present page of each node lies in a present section with a mem_map. */
	uint64_t per = UINT64_C(1) << (model.section_size_bits - model.page_shift), covered = 0;
	for (size_t i = 0; i < ns; i++) {
		CHECK(sections[i].state & KC_MM_SECTION_HAS_MEM_MAP);
		uint64_t page;
		REQUIRE_OK(kc_mm_pfn_to_page(session, sections[i].pfn, &page));
		CHECK_EQ_U64(page, sections[i].mem_map);
		covered += per;
	}
	CHECK_MSG(covered >= nodes[0].present_pages, "%s: sections cover %llu pages, node %llu", label,
		  (unsigned long long)covered, (unsigned long long)nodes[0].present_pages);
	CHECK_EQ_U64(sections[0].pfn, nodes[0].start_pfn & ~(per - 1));
	free(sections);
	free(nodes);
}

/* The panic task's task_struct is an allocated object of the task_struct cache. */
static void check_identify_task(struct kc_session *session, const char *label)
{
	const struct kc_task_list *tasks;
	REQUIRE_OK(kc_tasks(session, &tasks));
	REQUIRE(tasks->panic_task);
	struct kc_mm_address a;
	REQUIRE_OK(kc_mm_identify(session, tasks->panic_task + 8, false, &a));
	CHECK_MSG(a.in_slab, "%s: task 0x%llx is not in a slab", label,
		  (unsigned long long)tasks->panic_task);
	if (a.in_slab) {
		CHECK_STR(a.slab.cache.name, "task_struct");
		CHECK_EQ_U64(a.slab.object, tasks->panic_task);
		CHECK(!a.slab.is_free);
		uint64_t node_objects = 0;
		struct kc_slub_node *nodes;
		size_t nn;
		REQUIRE_OK(kc_slub_cache_nodes(session, &a.slab.cache, &nodes, &nn));
		for (size_t i = 0; i < nn; i++)
			node_objects += nodes[i].total_objects;
		free(nodes);
		CHECK_EQ_U64(node_objects, a.slab.cache.total);
	}
	CHECK(a.has_page);
	kc_mm_address_free(&a);
	/* The same through kc_slub_find_object directly. */
	struct kc_slub_object obj;
	REQUIRE_OK(kc_slub_find_object(session, tasks->panic_task, &obj));
	CHECK_EQ_U64(obj.object, tasks->panic_task);
	CHECK(obj.index < obj.slab.objects && !obj.is_free);
	kc_slub_object_free(&obj);
	/* Its stack: a vmalloc area (VMAP_STACK) that identifies the task. */
	uint64_t stack;
	REQUIRE_OK(kc_kernel_read_member(session, tasks->panic_task, "struct task_struct", "stack",
					 &stack));
	REQUIRE_OK(kc_mm_identify(session, stack + 0x100, false, &a));
	CHECK_MSG(a.is_task_stack && a.stack_task == tasks->panic_task, "%s: stack 0x%llx not the task's",
		  label, (unsigned long long)stack);
	kc_mm_address_free(&a);
}

struct slab_tally {
	uint64_t slabs, objects, free;
};

static struct kc_error *tally_slab(void *ctx, const struct kc_slub_slab *s)
{
	struct slab_tally *t = ctx;
	t->slabs++;
	t->objects += s->objects;
	t->free += s->nr_free;
	return NULL;
}

/* kmem -s's counts are consistent: the slabs walked hold the free objects counted. */
static void check_caches(struct kc_session *session, const char *label)
{
	struct kc_slub_cache *caches;
	size_t n;
	REQUIRE_OK(kc_slub_caches(session, &caches, &n));
	REQUIRE(n > 50);
	size_t counted = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kc_slub_cache *c = &caches[i];
		counted += c->counted;
		CHECK_MSG(c->counted, "%s: %s: %s", label, c->name, c->count_error);
		CHECK(c->allocated + c->free == c->total);
		if (strcmp(c->name, "pid") && strcmp(c->name, "kmem_cache"))
			continue;
		struct slab_tally t = {0};
		REQUIRE_OK(kc_slub_for_each_slab(session, c, tally_slab, &t));
		CHECK_MSG(t.free == c->free, "%s: %s: %llu free in the slabs walked, %llu counted", label,
			  c->name, (unsigned long long)t.free, (unsigned long long)c->free);
		uint64_t cpu;
		REQUIRE_OK(kc_slub_cache_cpu(session, c, 0, &cpu));
		CHECK(cpu != 0);
	}
	printf("    %s: %zu caches, %zu counted\n", label, n, counted);
	free(caches);
}

static void fixture_case(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	char a[4096], b[4096];
	snprintf(a, sizeof(a), "%s/%s/ground-truth/kdump-snapshot/meminfo.txt", kc_test_fixtures_dir(),
		 fixture);
	check_meminfo(session, fixture, a, false);
	snprintf(a, sizeof(a), "%s/%s/ground-truth/kdump-snapshot/zoneinfo.txt", kc_test_fixtures_dir(),
		 fixture);
	snprintf(b, sizeof(b), "%s/%s/ground-truth/kdump-snapshot/buddyinfo.txt", kc_test_fixtures_dir(),
		 fixture);
	check_zones(session, fixture, a, b);
	snprintf(a, sizeof(a), "%s/%s/ground-truth/kdump-snapshot/vmallocinfo.txt",
		 kc_test_fixtures_dir(), fixture);
	check_vmalloc(session, fixture, a);
	check_sections(session, fixture);
	check_caches(session, fixture);
	check_identify_task(session, fixture);
	/* No CONFIG_HUGETLBFS in these kernels. */
	struct kc_mm_hstate *h;
	size_t nh;
	struct kc_error *err = kc_mm_hstates(session, &h, &nh);
	CHECK(err && err->code == KC_ERR_UNSUPPORTED);
	kc_error_destroy(err);
	kc_session_destroy(session);
}

KC_TEST(kmem_fixture_4k48) { fixture_case("arm64-6.1-4k48"); }
KC_TEST(kmem_fixture_16k47) { fixture_case("arm64-6.1-16k47"); }
KC_TEST(kmem_fixture_64k52) { fixture_case("arm64-6.1-64k52"); }
KC_TEST(kmem_fixture_5_10_4k39) { fixture_case("arm64-5.10-4k39"); }

/* ---- Debian workload dumps ---- */

/* slabinfo: objsize (s->size), objperslab and pagesperslab exact; num_objs within bounds. */
static void check_slabinfo(struct kc_session *session, const char *label, const char *path)
{
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no %s", label, path))
		return;
	struct kc_slub_cache *caches;
	size_t n;
	REQUIRE_OK(kc_slub_caches(session, &caches, &n));
	size_t exact = 0, lines = 0, bounded = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];
		unsigned long long active, num, objsize, perslab, pages, active_slabs, num_slabs;
		if (sscanf(line, "%63s %llu %llu %llu %llu %llu : tunables %*u %*u %*u : slabdata %llu %llu",
			   name, &active, &num, &objsize, &perslab, &pages, &active_slabs, &num_slabs) != 8)
			continue;
		lines++;
		const struct kc_slub_cache *c = NULL;
		for (size_t i = 0; i < n && !c; i++)
			if (strcmp(caches[i].name, name) == 0)
				c = &caches[i];
		if (!CHECK_MSG(c, "%s: slabinfo's %s not in the dump", label, name))
			continue;
		CHECK_MSG(c->size == objsize && c->objects_per_slab == perslab &&
			  (1ull << c->order) == pages,
			  "%s: %s: size %u/%u per slab %u pages %u; slabinfo %llu %llu %llu", label, name,
			  c->size, c->object_size, c->objects_per_slab, 1u << c->order, objsize, perslab, pages);
		exact++;
		if (!c->counted)
			continue;
		/* Caches grow and shrink in the seconds between: the bound is two
		 * slabs' objects plus 30% (dentry and kmalloc caches move most). */
		long long bound = 2 * (long long)perslab;
		bool ok = within((long long)c->total, (long long)num, bound, 0.3) &&
			  within((long long)(c->total - c->partial_free), (long long)active, bound, 0.3) &&
			  within((long long)c->node_slabs, (long long)num_slabs, 2, 0.3);
		if (!ok)
			printf("    %s: %s moved: num_objs %llu active %llu slabs %llu; dump %llu %llu %llu\n",
			       label, name, num, active, num_slabs, (unsigned long long)c->total,
			       (unsigned long long)(c->total - c->partial_free),
			       (unsigned long long)c->node_slabs);
		bounded += ok;
	}
	CHECK(lines > 50);
	/* The snapshot itself (stat and cat of every task's /proc files,
	 * forks with vmalloc'd stacks) grows the inode, vmap_area and
	 * vm_area_struct caches after slabinfo was read: 90% must hold. */
	CHECK_MSG(bounded * 10 >= exact * 9, "%s: only %zu of %zu caches' counts within bounds", label,
		  bounded, exact);
	printf("    %s: slabinfo: %zu caches, %zu geometry-exact, %zu counts within bounds\n", label,
	       lines, exact, bounded);
	free(caches);
	free(text);
}

/* The workload's pages: flags against /proc/kpageflags (KPF_* bits,
 * include/uapi/linux/kernel-page-flags.h), mapcount against kpagecount. */
static void check_pages(struct kc_session *session, const char *label, const char *path)
{
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no %s", label, path))
		return;
	struct kc_mm_pageflags pf;
	REQUIRE_OK(kc_mm_pageflags(session, &pf));
	unsigned lru, uptodate, swapbacked, head;
	REQUIRE_OK(kc_mm_page_flag_bit(session, "PG_lru", &lru));
	REQUIRE_OK(kc_mm_page_flag_bit(session, "PG_uptodate", &uptodate));
	REQUIRE_OK(kc_mm_page_flag_bit(session, "PG_swapbacked", &swapbacked));
	REQUIRE_OK(kc_mm_page_flag_bit(session, "PG_head", &head));
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strstr(line, " pfn 0x"), *f = strstr(line, "kpageflags 0x"),
		     *c = strstr(line, "kpagecount ");
		if (strncmp(line, "page ", 5) != 0 || !p || !f || !c)
			continue;
		uint64_t pfn = strtoull(p + 5, NULL, 16), kpf = strtoull(f + 11, NULL, 16);
		long count = strtol(c + 11, NULL, 10);
		uint64_t page_addr;
		struct kc_mm_page page;
		REQUIRE_OK(kc_mm_pfn_to_page(session, pfn, &page_addr));
		REQUIRE_OK(kc_mm_read_page(session, page_addr, &page));
		uint64_t back;
		REQUIRE_OK(kc_mm_page_to_pfn(session, page_addr, &back));
		CHECK_EQ_U64(back, pfn);
		char names[512];
		kc_mm_pageflags_format(&pf, page.flags, names, sizeof(names));
		/* KPF_UPTODATE 3, KPF_LRU 5, KPF_SWAPBACKED 14, KPF_COMPOUND_HEAD 15. */
		bool ok = !!(page.flags & (1ull << uptodate)) == !!(kpf & (1u << 3)) &&
			  !!(page.flags & (1ull << lru)) == !!(kpf & (1u << 5)) &&
			  !!(page.flags & (1ull << swapbacked)) == !!(kpf & (1u << 14)) &&
			  !!(page.flags & (1ull << head)) == !!(kpf & (1u << 15));
		CHECK_MSG(ok, "%s: pfn 0x%llx: flags %s (0x%llx), kpageflags 0x%llx", label,
			  (unsigned long long)pfn, names, (unsigned long long)page.flags,
			  (unsigned long long)kpf);
		/* kpagecount is page_mapcount(): _mapcount + 1. Not for the
		 * busybox text page, which the snapshot's own processes map. */
		if (!(kpf & (1u << 15)) && !strstr(line, "page text "))
			CHECK_MSG(page.mapcount + 1 == count, "%s: pfn 0x%llx: mapcount %d, kpagecount %ld",
				  label, (unsigned long long)pfn, page.mapcount + 1, count);
		checked++;
	}
	CHECK_MSG(checked >= 8, "%s: %zu pages compared", label, checked);
	printf("    %s: %zu workload pages' flags and map counts against kpageflags/kpagecount\n", label,
	       checked);
	free(text);
}

static void check_hugepages(struct kc_session *session, const char *label, const char *path)
{
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no %s", label, path))
		return;
	struct kc_mm_hstate *h;
	size_t n;
	REQUIRE_OK(kc_mm_hstates(session, &h, &n));
	size_t checked = 0;
	for (size_t i = 0; i < n; i++) {
		char head[64];
		snprintf(head, sizeof(head), "== /sys/kernel/mm/hugepages/%s\n", h[i].name);
		const char *p = strstr(text, head);
		if (!CHECK_MSG(p, "%s: %s not in hugepages.txt", label, h[i].name))
			continue;
		const char *nr = strstr(p, "\nnr_hugepages "), *fr = strstr(p, "\nfree_hugepages ");
		REQUIRE(nr && fr);
		CHECK_EQ_U64(h[i].nr_huge_pages, strtoull(nr + 14, NULL, 10));
		CHECK_EQ_U64(h[i].free_huge_pages, strtoull(fr + 16, NULL, 10));
		checked++;
	}
	CHECK_MSG(checked >= 2, "%s: %zu huge page pools", label, checked);
	printf("    %s: %zu huge page pools against /sys/kernel/mm/hugepages\n", label, checked);
	free(h);
	free(text);
}

/* vm_zone_stat / vm_node_stat against /proc/vmstat by name, within bounds. */
static void check_vmstat(struct kc_session *session, const char *label, const char *path)
{
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no %s", label, path))
		return;
	size_t compared = 0, off = 0;
	for (int g = 0; g < 2; g++) {
		struct kc_mm_stat *stats;
		size_t n;
		REQUIRE_OK(kc_mm_vm_stats(session, g ? KC_MM_STAT_NODE : KC_MM_STAT_ZONE, 0, &stats, &n));
		for (size_t i = 0; i < n; i++) {
			char key[80];
			size_t k = 0;
			for (const char *s = stats[i].name; *s && k + 2 < sizeof(key); s++)
				key[k++] = (char)tolower((unsigned char)*s);
			key[k++] = ' ';
			key[k] = '\0';
			const char *p = strstr(text, key);
			if (!p || (p != text && p[-1] != '\n'))
				continue;
			long long then = atoll(p + k);
			CHECK_MSG(within(stats[i].value, then, 256, 0.1), "%s: %s %lld, dump %lld", label, key,
				  then, (long long)stats[i].value);
			compared++;
		}
		free(stats);
	}
	int64_t nr_free;
	REQUIRE_OK(kc_mm_vm_stat(session, "NR_FREE_PAGES", &nr_free));
	CHECK(nr_free > 0);
	struct kc_mm_stat *events;
	size_t ne;
	struct kc_error *err = kc_mm_vm_stats(session, KC_MM_STAT_EVENT, 0, &events, &ne);
	if (!err) {
		for (size_t i = 0; i < ne; i++)
			if (strcmp(events[i].name, "PGFAULT") == 0)
				CHECK(events[i].value > 1000);
		free(events);
	} else {
		off = 1;
		kc_error_destroy(err);
	}
	CHECK_MSG(compared > 20, "%s: %zu vmstat counters compared", label, compared);
	printf("    %s: %zu vm_stat counters against /proc/vmstat%s\n", label, compared,
	       off ? " (events: no vm_event_states)" : "");
	free(text);
}

static void workload_case(const char *name)
{
	char dir[4096], path[4400];
	snprintf(path, sizeof(path), "%s/fixtures/%s/vmcore.kdump-zlib", kc_test_source_dir(), name);
	if (access(path, R_OK) != 0) {
		kc_test_skip("%s not there", path);
		return;
	}
	struct kc_session *session = kc_test_open_debian_alone(name, dir, sizeof(dir));
	if (!session)
		return;
	snprintf(path, sizeof(path), "%s/proc/meminfo.txt", dir);
	check_meminfo(session, name, path, true);
	char zi[4400];
	snprintf(zi, sizeof(zi), "%s/proc/zoneinfo.txt", dir);
	snprintf(path, sizeof(path), "%s/proc/buddyinfo.txt", dir);
	check_zones(session, name, zi, path);
	snprintf(path, sizeof(path), "%s/proc/vmallocinfo.txt", dir);
	check_vmalloc(session, name, path);
	snprintf(path, sizeof(path), "%s/proc/slabinfo.txt", dir);
	check_slabinfo(session, name, path);
	snprintf(path, sizeof(path), "%s/kc_workload-info.txt", dir);
	check_pages(session, name, path);
	snprintf(path, sizeof(path), "%s/hugepages.txt", dir);
	check_hugepages(session, name, path);
	snprintf(path, sizeof(path), "%s/proc/vmstat.txt", dir);
	check_vmstat(session, name, path);
	check_sections(session, name);
	check_identify_task(session, name);
	kc_session_destroy(session);
}

KC_TEST(kmem_debian_6_1_workload) { workload_case("debian-6.1-arm64-workload"); }
KC_TEST(kmem_debian_5_10_workload) { workload_case("debian-5.10-arm64-workload"); }

/* The command: every option runs, with --json, on a fixture and a Debian dump. */
KC_TEST(kmem_command_options)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	static const char *const cmds[] = {
		"kmem -i", "kmem -i --json", "kmem -s", "kmem -s --json", "kmem -s pid", "kmem -S pid",
		"kmem -S pid --json", "kmem -f", "kmem -f --json", "kmem -F", "kmem -z", "kmem -z --json",
		"kmem -V", "kmem -V --json", "kmem -n", "kmem -n --json", "kmem -p 41160000",
		"kmem -p --json 41160000", "kmem -v", "kmem -v --json", "kmem -h", "kmem 41160000",
		"kmem --json 41160000", "kmem -x", "kmem -s nosuchcache",
	};
	char *out = kc_test_run_commands(session, cmds, sizeof(cmds) / sizeof(cmds[0]));
	REQUIRE(out);
	/* crash's layouts, line for line where the dump fixes them. */
	CHECK(strstr(out, "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n"));
	CHECK(strstr(out, "                 PAGES        TOTAL      PERCENTAGE\n"));
	CHECK(strstr(out, "    TOTAL MEM    94250     368.2 MB         ----\n"));
	CHECK(strstr(out, "ZONE  NAME        SIZE    FREE      MEM_MAP       START_PADDR  START_MAPNR\n"));
	CHECK(strstr(out, "NR      SECTION        CODED_MEM_MAP        MEM_MAP       STATE PFN\n"));
	CHECK(strstr(out, "  SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n"));
	CHECK(strstr(out, "nr_free_pages: "));
	CHECK(strstr(out, "\"vm_zone_stat\": {\"NR_FREE_PAGES\": "));
	CHECK(strstr(out, "invalid option: -x"));
	CHECK(strstr(out, "invalid slab cache name: nosuchcache"));
	CHECK(strstr(out, "is in a free block of order"));
	free(out);
	kc_session_destroy(session);
}

/* ---- Linux 6.12: per-node busy vmap trees, hstates without a length ---- */

static struct kc_session *open_debian_612(const char *fixture, bool kallsyms_like)
{
	char dump[4096];
	snprintf(dump, sizeof(dump), "%s/fixtures/%s/qemu.kdump-zlib", kc_test_source_dir(), fixture);
	if (!CHECK_MSG(access(dump, R_OK) == 0, "%s is missing", dump))
		return NULL;
	const char *paths[] = {dump};
	struct kc_session_options opts = {.dump_paths = paths, .nr_dump_paths = 1,
					  .kallsyms_like_symbols = kallsyms_like};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", dump, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

/*
 * No vmallocinfo in these fixtures: the invariants instead. Areas sorted,
 * page-aligned and disjoint, inside [MODULES_VADDR, VMALLOC_END) (mach -l;
 * the modules, and on 6.12 the kernel image, are vmap areas), each
 * vm_struct's addr its area's start; every task's stack (VMAP_STACK)
 * starts an area and kmem ADDR names the task; every region of every
 * module (mod) starts an area.
 */
static void check_vmalloc_612(struct kc_session *session, const char *label)
{
	struct kc_vmalloc_area *areas;
	size_t n;
	REQUIRE_OK(kc_vmalloc_areas(session, &areas, &n));
	struct kc_arm64_mmu *mmu;
	REQUIRE_OK(kc_session_mmu(session, &mmu));
	const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
	REQUIRE(layout->modules_vaddr.known && layout->vmalloc_end.known &&
		layout->page_size.known);
	uint64_t lo = layout->modules_vaddr.value, hi = layout->vmalloc_end.value;
	uint64_t mask = layout->page_size.value - 1;
	CHECK_MSG(n > 50, "%s: %zu vmap areas", label, n);
	size_t with_vm = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kc_vmalloc_area *a = &areas[i];
		CHECK_MSG(a->va_start < a->va_end && !(a->va_start & mask) && !(a->va_end & mask) &&
				  a->va_start >= lo && a->va_end <= hi,
			  "%s: area %zu: 0x%llx-0x%llx", label, i, (unsigned long long)a->va_start,
			  (unsigned long long)a->va_end);
		if (i)
			CHECK_MSG(areas[i - 1].va_end <= a->va_start, "%s: areas %zu and %zu overlap",
				  label, i - 1, i);
		if (a->vm_struct) {
			with_vm++;
			CHECK_EQ_U64(a->addr, a->va_start);
			CHECK(a->size && a->size <= a->va_end - a->va_start);
		}
	}
	CHECK(with_vm * 10 >= n * 9);
	const struct kc_task_list *tasks;
	REQUIRE_OK(kc_tasks(session, &tasks));
	size_t stacks = 0;
	for (size_t i = 0; i < tasks->nr_tasks; i++) {
		const struct kc_task *t = &tasks->tasks[i];
		if (t->is_idle && t->pid == 0 && t->cpu == 0)
			continue;  /* init_task: init_stack, in the image */
		uint64_t stack;
		REQUIRE_OK(kc_kernel_read_member(session, t->task, "struct task_struct", "stack", &stack));
		const struct kc_vmalloc_area *a = kc_vmalloc_find(areas, n, stack + 0x100);
		CHECK_MSG(a && a->va_start == stack, "%s: pid %d's stack 0x%llx starts no area", label,
			  t->pid, (unsigned long long)stack);
		struct kc_mm_address info;
		REQUIRE_OK(kc_mm_identify(session, stack + 0x100, false, &info));
		CHECK_MSG(info.in_vmalloc && info.is_task_stack && info.stack_task == t->task,
			  "%s: kmem 0x%llx does not name pid %d's stack", label,
			  (unsigned long long)stack + 0x100, t->pid);
		kc_mm_address_free(&info);
		stacks++;
	}
	const struct kc_modules *mods;
	REQUIRE_OK(kc_modules_get(session, &mods));
	size_t regions = 0;
	for (size_t m = 0; m < mods->nr_modules; m++)
		for (size_t r = 0; r < KC_MOD_MEM_NUM; r++) {
			const struct kc_module_region *reg = &mods->modules[m].mem[r];
			if (!reg->base || !reg->size)
				continue;
			const struct kc_vmalloc_area *a = kc_vmalloc_find(areas, n, reg->base);
			CHECK_MSG(a && a->va_start == reg->base && reg->base + reg->size <= a->va_end,
				  "%s: module %s region %zu at 0x%llx is no vmap area", label,
				  mods->modules[m].name, r, (unsigned long long)reg->base);
			regions++;
		}
	CHECK(mods->nr_modules == 8 && regions >= 16);
	printf("    %s: %zu vmap areas (sorted, disjoint, in the module/vmalloc range), %zu task "
	       "stacks, %zu regions of %zu modules\n",
	       label, n, stacks, regions, mods->nr_modules);
	free(areas);
}

/* dmesg's "HugeTLB: registered SIZE page size, pre-allocated N pages", in order. */
static void check_hstates_612(struct kc_session *session, const char *fixture)
{
	struct kc_mm_hstate *h;
	size_t n;
	REQUIRE_OK(kc_mm_hstates(session, &h, &n));
	char path[4096];
	snprintf(path, sizeof(path), "%s/fixtures/%s/ground-truth/dmesg.txt", kc_test_source_dir(),
		 fixture);
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text);
	struct kc_mm_model model;
	REQUIRE_OK(kc_mm_model(session, &model));
	size_t seen = 0;
	bool has_2m = false;
	for (const char *p = strstr(text, "HugeTLB: registered "); p;
	     p = strstr(p + 1, "HugeTLB: registered ")) {
		double value;
		char unit[8];
		unsigned long long pre;
		if (sscanf(p, "HugeTLB: registered %lf %7s page size, pre-allocated %llu pages", &value,
			   unit, &pre) != 3)
			continue;
		uint64_t kb = (uint64_t)(value * (!strcmp(unit, "GiB") ? 1048576 :
						  !strcmp(unit, "MiB") ? 1024 : 1));
		if (CHECK_MSG(seen < n, "%s: dmesg registers more pools than the %zu listed", fixture, n)) {
			char name[32];
			snprintf(name, sizeof(name), "hugepages-%llukB", (unsigned long long)kb);
			CHECK_STR(h[seen].name, name);
			CHECK_EQ_U64((model.page_size << h[seen].order) / 1024, kb);
			CHECK_EQ_U64(h[seen].nr_huge_pages, pre);
			CHECK(h[seen].free_huge_pages <= h[seen].nr_huge_pages);
			has_2m |= kb == 2048;
		}
		seen++;
	}
	CHECK_MSG(seen == n && n >= 3 && has_2m, "%s: %zu pools, dmesg registers %zu", fixture, n,
		  seen);
	printf("    %s: %zu huge page pools as dmesg registered them\n", fixture, n);
	free(text);
	free(h);
}

static void debian_612_case(const char *fixture)
{
	struct kc_session *full = open_debian_612(fixture, false);
	struct kc_session *bare = open_debian_612(fixture, true);
	if (!full || !bare) {
		kc_session_destroy(full);
		kc_session_destroy(bare);
		return;
	}
	check_vmalloc_612(full, fixture);
	check_hstates_612(full, fixture);
	/* hstates found below _end by its pools' names, HUGE_MAX_HSTATE from BTF. */
	check_hstates_612(bare, fixture);
	/* Without data symbols (kallsyms without CONFIG_KALLSYMS_ALL): vmap_nodes
	 * and nr_vmap_nodes found in vmalloc's code, at kallsyms' addresses. */
	static const char *const names[] = {"vmap_nodes", "nr_vmap_nodes"};
	for (size_t i = 0; i < 2; i++) {
		uint64_t truth;
		const struct kc_datasym *found;
		REQUIRE_OK(kc_session_symbol(full, names[i], &truth));
		REQUIRE_OK(kc_datasym_find(bare, names[i], &found));
		CHECK_EQ_U64(found->addr, truth);
		if (getenv("KC_TEST_VERBOSE"))
			printf("    %s: %s %s\n", fixture, names[i], found->provenance);
	}
	struct kc_vmalloc_area *a, *b;
	size_t na, nb;
	REQUIRE_OK(kc_vmalloc_areas(full, &a, &na));
	struct kc_error *err = kc_vmalloc_areas(bare, &b, &nb);
	CHECK_MSG(!err, "%s: %s", fixture, err ? kc_error_message(err) : "");
	kc_error_destroy(err);
	CHECK(na == nb && (!na || !memcmp(a, b, na * sizeof(*a))));
	free(a);
	free(b);
	/* The commands. */
	static const char *const cmds[] = {"kmem -v", "kmem -h", "kmem -i"};
	char *out = kc_test_run_commands(full, cmds, sizeof(cmds) / sizeof(cmds[0]));
	REQUIRE(out);
	CHECK(strstr(out, "   VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                SIZE\n"));
	CHECK(strstr(out, "     HSTATE        SIZE    FREE   TOTAL  NAME\n"));
	CHECK(strstr(out, "    2MB       0       0  hugepages-2048kB\n"));
	CHECK(strstr(out, "   TOTAL HUGE        0            0         ----\n"));
	CHECK_MSG(!strstr(out, "error:"), "%s: %s", fixture, out);
	free(out);
	kc_session_destroy(full);
	kc_session_destroy(bare);
}

KC_TEST(kmem_debian_6_12) { debian_612_case("debian-6.12-arm64-qemu"); }
KC_TEST(kmem_debian_6_12_16k) { debian_612_case("debian-6.12-arm64-16k-qemu"); }
