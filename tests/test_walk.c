/* SPDX-License-Identifier: MIT */
/*
 * The container walkers (include/kcrash/walk.h).
 *
 * Synthetic: lists, hlists, rbtrees, XArrays and maple trees built in a
 * buffer read through the walkers' read callback, with the 64-bit layouts
 * of v6.1 written out here; each walk's elements against what was built,
 * and each kind of corruption (a cycle, an unreadable pointer, a tree too
 * deep, a broken back link) stopping the walk with an error that names the
 * node concerned.
 *
 * Real fixtures (layouts from the vmlinux DWARF, or BTF for the Debian
 * dumps): the pid IDR against the guest's own process lists and kcrash's
 * task list, each pid's PIDTYPE_PID hlist against the task list, the
 * vmalloc rbtree against vmap_area_list and the guest's vmallocinfo, each
 * CPU's CFS timeline against the task states, and the kc_* processes'
 * VMAs (mm_mt on 6.1, mm_rb on 5.10) against their /proc/PID/maps.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/walk.h>

#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "tasks.h"

/* ---- synthetic memory ----------------------------------------------------- */

#define SYNTH_BASE UINT64_C(0xffff000010000000)
#define SYNTH_SIZE (1u << 20)
#define UNMAPPED UINT64_C(0xffff0000dead0000)

struct synth {
	uint8_t *buf;
	uint64_t next; /* bump allocator */
};

static struct kc_error *synth_read(void *ctx, uint64_t addr, void *out, size_t len)
{
	struct synth *s = ctx;
	if (addr < SYNTH_BASE || addr - SYNTH_BASE > SYNTH_SIZE ||
	    len > SYNTH_SIZE - (addr - SYNTH_BASE))
		return kc_error_address(KC_ERR_FAULT, addr,
					"synthetic memory: 0x%llx (%zu bytes) is not mapped",
					(unsigned long long)addr, len);
	memcpy(out, s->buf + (addr - SYNTH_BASE), len);
	return NULL;
}

static void synth_init(struct synth *s, struct kc_walk_mem *mem)
{
	s->buf = calloc(1, SYNTH_SIZE);
	s->next = SYNTH_BASE + 0x100;
	mem->read = synth_read;
	mem->ctx = s;
}

static uint64_t synth_alloc(struct synth *s, uint64_t size, uint64_t align)
{
	s->next = (s->next + align - 1) & ~(align - 1);
	uint64_t addr = s->next;
	s->next += size;
	if (s->next > SYNTH_BASE + SYNTH_SIZE)
		abort();
	return addr;
}

static void put64(struct synth *s, uint64_t addr, uint64_t v)
{
	memcpy(s->buf + (addr - SYNTH_BASE), &v, 8);
}

static uint64_t get64(struct synth *s, uint64_t addr)
{
	uint64_t v;
	memcpy(&v, s->buf + (addr - SYNTH_BASE), 8);
	return v;
}

static void put8(struct synth *s, uint64_t addr, uint8_t v)
{
	s->buf[addr - SYNTH_BASE] = v;
}

/* v6.1 arm64 layouts, as pahole shows them. */
static const struct kc_list_layout list_layout = {.next = 0, .prev = 8};
static const struct kc_hlist_layout hlist_layout = {.first = 0, .next = 0, .pprev = 8};
static const struct kc_rb_layout rb_layout = {
	.parent_color = 0, .right = 8, .left = 16, .root_node = 0, .leftmost = 8};
static const struct kc_xa_layout xa_layout = {
	.xa_head = 8, .node_shift = 0, .node_offset = 1, .node_count = 2,
	.node_nr_values = 3, .node_parent = 8, .node_array = 16, .node_slots = 40,
	.node_size = 576, .chunk_shift = 6, .idr_rt = 0, .idr_base = 16};
static const struct kc_mt_layout mt_layout = {
	.ma_root = 8, .ma_flags = 16, .node_parent = 0, .node_size = 256,
	.type_dense = 0, .type_leaf_64 = 1, .type_range_64 = 2, .type_arange_64 = 3,
	.dense = {.pivots = 0, .slots = 8, .meta_end = UINT64_MAX, .nr_pivots = 0, .nr_slots = 31},
	.range_64 = {.pivots = 8, .slots = 128, .meta_end = 248, .nr_pivots = 15, .nr_slots = 16},
	.arange_64 = {.pivots = 8, .slots = 80, .meta_end = 240, .nr_pivots = 9, .nr_slots = 10},
};

/* Addresses a visitor saw. */
struct seen {
	uint64_t v[4096];
	size_t n;
	size_t stop_after; /* 0: never stop */
};

static struct kc_error *see(void *ctx, uint64_t node)
{
	struct seen *s = ctx;
	if (s->n < 4096)
		s->v[s->n++] = node;
	if (s->stop_after && s->n == s->stop_after)
		return kc_error_create(KC_ERR_STOP, "stop");
	return NULL;
}

/* ERR must be set and its message name ADDR; consumes ERR. */
static void check_error_names(struct kc_error *err, uint64_t addr, const char *what,
			      int line)
{
	char hex[32];
	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)addr);
	if (!err) {
		kc_test_fail(__FILE__, line, "%s: no error, expected one naming %s", what, hex);
		return;
	}
	const char *msg = kc_error_message(err);
	if (!strstr(msg, hex))
		kc_test_fail(__FILE__, line, "%s: error \"%s\" does not name %s", what, msg, hex);
	if (strchr(msg, '\n'))
		kc_test_fail(__FILE__, line, "%s: error \"%s\" is not one line", what, msg);
	kc_error_destroy(err);
}
#define CHECK_ERROR_NAMES(err, addr, what) check_error_names((err), (addr), (what), __LINE__)

/* ---- lists ---------------------------------------------------------------- */

/* A circular list: head then N entries (returned in ENTRIES), in order. */
static uint64_t build_list(struct synth *s, uint64_t *entries, size_t n)
{
	uint64_t head = synth_alloc(s, 16, 16);
	uint64_t prev = head;
	for (size_t i = 0; i < n; i++) {
		/* Spread entries out, not in address order. */
		entries[i] = synth_alloc(s, 16 + 16 * ((i * 7) % 5), 16);
		put64(s, prev + 0, entries[i]);
		put64(s, entries[i] + 8, prev);
		prev = entries[i];
	}
	put64(s, prev + 0, head);
	put64(s, head + 8, prev);
	return head;
}

KC_TEST(walk_list_synthetic)
{
	struct synth s;
	struct kc_walk_mem mem;
	synth_init(&s, &mem);
	uint64_t e[6];
	uint64_t head = build_list(&s, e, 6);
	struct seen fwd = {0}, rev = {0};
	REQUIRE_OK(kc_walk_list_read(&mem, &list_layout, head, false, 100, see, &fwd));
	REQUIRE_OK(kc_walk_list_read(&mem, &list_layout, head, true, 100, see, &rev));
	REQUIRE(fwd.n == 6 && rev.n == 6);
	for (size_t i = 0; i < 6; i++) {
		CHECK_EQ_U64(fwd.v[i], e[i]);
		CHECK_EQ_U64(rev.v[i], e[5 - i]);
	}
	/* KC_ERR_STOP: stops, no error. */
	struct seen stop = {.stop_after = 2};
	REQUIRE_OK(kc_walk_list_read(&mem, &list_layout, head, false, 100, see, &stop));
	CHECK_EQ_U64(stop.n, 2);
	/* An empty list. */
	uint64_t empty = synth_alloc(&s, 16, 16);
	put64(&s, empty, empty);
	put64(&s, empty + 8, empty);
	struct seen none = {0};
	REQUIRE_OK(kc_walk_list_read(&mem, &list_layout, empty, true, 100, see, &none));
	CHECK_EQ_U64(none.n, 0);

	/* More entries than the maximum. */
	struct seen few = {0};
	CHECK_ERROR_NAMES(kc_walk_list_read(&mem, &list_layout, head, false, 4, see, &few),
			  e[4], "list over its maximum");
	CHECK_EQ_U64(few.n, 4);
	/* A cycle that does not return to the head: e[4] -> e[1]. */
	put64(&s, e[4], e[1]);
	struct seen cyc = {0};
	CHECK_ERROR_NAMES(kc_walk_list_read(&mem, &list_layout, head, false, 1000, see, &cyc),
			  e[1], "list cycle");
	CHECK_EQ_U64(cyc.n, 5);
	/* An unreadable next pointer. */
	put64(&s, e[4], UNMAPPED);
	CHECK_ERROR_NAMES(kc_walk_list_read(&mem, &list_layout, head, false, 1000, see, &cyc),
			  UNMAPPED, "list bad pointer");
	/* Reverse: e[3]'s next (its back link going backwards) broken. */
	put64(&s, e[4], e[5]);
	put64(&s, e[3], e[0]);
	struct seen r2 = {0};
	CHECK_ERROR_NAMES(kc_walk_list_read(&mem, &list_layout, head, true, 1000, see, &r2),
			  e[3], "reverse list broken link");
	CHECK_EQ_U64(r2.n, 2);
	free(s.buf);
}

KC_TEST(walk_hlist_synthetic)
{
	struct synth s;
	struct kc_walk_mem mem;
	synth_init(&s, &mem);
	uint64_t head = synth_alloc(&s, 8, 8), n[5];
	uint64_t link = head;
	for (size_t i = 0; i < 5; i++) {
		n[i] = synth_alloc(&s, 48, 16);
		put64(&s, link, n[i]);
		put64(&s, n[i] + 8, link);
		link = n[i];
	}
	struct seen seen = {0};
	REQUIRE_OK(kc_walk_hlist_read(&mem, &hlist_layout, head, 100, see, &seen));
	REQUIRE(seen.n == 5);
	for (size_t i = 0; i < 5; i++)
		CHECK_EQ_U64(seen.v[i], n[i]);
	/* Cycle: n[4] -> n[2], whose pprev is &n[1]->next. */
	put64(&s, n[4], n[2]);
	struct seen cyc = {0};
	CHECK_ERROR_NAMES(kc_walk_hlist_read(&mem, &hlist_layout, head, 100, see, &cyc),
			  n[2], "hlist cycle");
	CHECK_EQ_U64(cyc.n, 5);
	/* A self-loop with a matching pprev still ends at the maximum. */
	put64(&s, n[4], n[4]);
	put64(&s, n[4] + 8, n[4]);
	CHECK_ERROR_NAMES(kc_walk_hlist_read(&mem, &hlist_layout, head, 100, see, &cyc),
			  n[4], "hlist self loop");
	put64(&s, n[3], UNMAPPED);
	CHECK_ERROR_NAMES(kc_walk_hlist_read(&mem, &hlist_layout, head, 100, see, &cyc),
			  UNMAPPED, "hlist bad pointer");
	put64(&s, n[3], n[3] + 4);
	CHECK_ERROR_NAMES(kc_walk_hlist_read(&mem, &hlist_layout, head, 100, see, &cyc),
			  n[3] + 4, "hlist misaligned");
	free(s.buf);
}

/* ---- rbtree --------------------------------------------------------------- */

/* A balanced tree of NODES[LO..HI] (in order) under PARENT; its root. */
static uint64_t build_rb(struct synth *s, const uint64_t *nodes, long lo, long hi,
			 uint64_t parent)
{
	if (lo > hi)
		return 0;
	long mid = (lo + hi) / 2;
	uint64_t node = nodes[mid];
	put64(s, node + 0, parent | 1 /* RB_BLACK */);
	put64(s, node + 16, build_rb(s, nodes, lo, mid - 1, node));
	put64(s, node + 8, build_rb(s, nodes, mid + 1, hi, node));
	return node;
}

KC_TEST(walk_rbtree_synthetic)
{
	struct synth s;
	struct kc_walk_mem mem;
	synth_init(&s, &mem);
	enum { N = 100 };
	uint64_t nodes[N];
	/* In-order position i gets the address of a scattered allocation. */
	for (size_t i = 0; i < N; i++)
		nodes[(i * 37) % N] = synth_alloc(&s, 24 + 8 * (i % 3), 8);
	uint64_t root = synth_alloc(&s, 16, 8);
	put64(&s, root, build_rb(&s, nodes, 0, N - 1, 0));
	put64(&s, root + 8, nodes[0]);
	struct seen seen = {0};
	REQUIRE_OK(kc_walk_rbtree_read(&mem, &rb_layout, root, true, 1000, see, &seen));
	REQUIRE(seen.n == N);
	for (size_t i = 0; i < N; i++)
		CHECK_EQ_U64(seen.v[i], nodes[i]);
	struct seen stop = {.stop_after = 10};
	REQUIRE_OK(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 1000, see, &stop));
	CHECK_EQ_U64(stop.n, 10);
	/* A wrong rb_leftmost. */
	put64(&s, root + 8, nodes[1]);
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, true, 1000, see, &seen),
			  nodes[1], "rb_leftmost");
	put64(&s, root + 8, nodes[0]);
	/* Over the maximum. */
	struct seen few = {0};
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 50, see, &few),
			  nodes[50], "rbtree over its maximum");

	/* A cycle: the last node's right child is the root node. */
	uint64_t top = get64(&s, root);
	put64(&s, nodes[N - 1] + 8, top);
	struct seen cyc = {0};
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 100000, see, &cyc),
			  top, "rbtree cycle");
	CHECK_EQ_U64(cyc.n, N);
	/* A bad pointer. */
	put64(&s, nodes[N - 1] + 8, UNMAPPED);
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 100000, see, &cyc),
			  UNMAPPED, "rbtree bad pointer");
	put64(&s, nodes[N - 1] + 8, 0);
	/* A child whose parent pointer is wrong (the colour bit is not). */
	uint64_t child = get64(&s, top + 16);
	put64(&s, child, nodes[3] | 0);
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 1000, see, &cyc),
			  child, "rbtree wrong parent");
	put64(&s, child, top);
	REQUIRE_OK(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 1000, see, &cyc));

	/* Too deep: a chain of 200 left children, each parent right. */
	uint64_t chain[200];
	for (size_t i = 0; i < 200; i++)
		chain[i] = synth_alloc(&s, 24, 8);
	for (size_t i = 0; i < 200; i++) {
		put64(&s, chain[i], i ? chain[i - 1] : 0);
		put64(&s, chain[i] + 8, 0);
		put64(&s, chain[i] + 16, i + 1 < 200 ? chain[i + 1] : 0);
	}
	put64(&s, root, chain[0]);
	struct seen deep = {0};
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 100000, see, &deep),
			  chain[KC_WALK_RB_MAX_DEPTH], "rbtree too deep");
	CHECK_EQ_U64(deep.n, 0);
	/* A root whose parent is not NULL. */
	put64(&s, root, chain[5]);
	CHECK_ERROR_NAMES(kc_walk_rbtree_read(&mem, &rb_layout, root, false, 100000, see, &deep),
			  chain[5], "rbtree root with a parent");
	free(s.buf);
}

/* ---- XArray --------------------------------------------------------------- */

static uint64_t xa_new_node(struct synth *s, unsigned shift, unsigned offset,
			    uint64_t parent, uint64_t xa)
{
	uint64_t node = synth_alloc(s, xa_layout.node_size, 64);
	put8(s, node + xa_layout.node_shift, (uint8_t)shift);
	put8(s, node + xa_layout.node_offset, (uint8_t)offset);
	put64(s, node + xa_layout.node_parent, parent);
	put64(s, node + xa_layout.node_array, xa);
	return node;
}

static void xa_set_slot(struct synth *s, uint64_t node, unsigned slot, uint64_t entry)
{
	uint64_t addr = node + xa_layout.node_slots + 8 * slot;
	uint8_t count = s->buf[node + xa_layout.node_count - SYNTH_BASE];
	count += (entry != 0) - (get64(s, addr) != 0);
	put8(s, node + xa_layout.node_count, count);
	put64(s, addr, entry);
}

/* Store ENTRY at INDEX, growing the tree as xas_store would (no shrinking). */
static void xa_store(struct synth *s, uint64_t xa, uint64_t index, uint64_t entry)
{
	uint64_t head = get64(s, xa + xa_layout.xa_head);
	if ((head & 3) != 2 || head < 4096) {
		uint64_t top = xa_new_node(s, 0, 0, 0, xa);
		if (head)
			xa_set_slot(s, top, 0, head);
		head = top | 2;
		put64(s, xa + xa_layout.xa_head, head);
	}
	for (;;) {
		uint64_t top = head - 2;
		unsigned shift = s->buf[top + xa_layout.node_shift - SYNTH_BASE];
		if (shift + 6 >= 64 || (index >> (shift + 6)) == 0)
			break;
		uint64_t up = xa_new_node(s, shift + 6, 0, 0, xa);
		xa_set_slot(s, up, 0, head);
		put64(s, top + xa_layout.node_parent, up);
		head = up | 2;
		put64(s, xa + xa_layout.xa_head, head);
	}
	uint64_t node = head - 2;
	for (;;) {
		unsigned shift = s->buf[node + xa_layout.node_shift - SYNTH_BASE];
		unsigned slot = (index >> shift) & 63;
		if (shift == 0) {
			xa_set_slot(s, node, slot, entry);
			return;
		}
		uint64_t child = get64(s, node + xa_layout.node_slots + 8 * slot);
		if (!child) {
			child = xa_new_node(s, shift - 6, slot, node, xa) | 2;
			xa_set_slot(s, node, slot, child);
		}
		node = child - 2;
	}
}

struct xa_seen {
	struct kc_xa_entry e[256];
	size_t n;
};

static struct kc_error *see_xa(void *ctx, const struct kc_xa_entry *e)
{
	struct xa_seen *s = ctx;
	if (s->n < 256)
		s->e[s->n++] = *e;
	return NULL;
}

KC_TEST(walk_xarray_synthetic)
{
	struct synth s;
	struct kc_walk_mem mem;
	synth_init(&s, &mem);
	uint64_t xa = synth_alloc(&s, 16, 8);
	/* A single entry in xa_head: index 0. */
	uint64_t obj = synth_alloc(&s, 64, 64);
	put64(&s, xa + 8, obj);
	struct xa_seen one = {0};
	REQUIRE_OK(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 10, see_xa, &one));
	REQUIRE(one.n == 1);
	CHECK(one.e[0].index == 0 && one.e[0].last == 0 && one.e[0].entry == obj &&
	      !one.e[0].is_value && one.e[0].node == 0);

	/* Indices across 11 levels, pointers and value entries. */
	static const uint64_t idx[] = {0, 1, 63, 64, 4095, 4096, 100000,
				       UINT64_C(1) << 40, UINT64_MAX};
	enum { NI = sizeof(idx) / sizeof(idx[0]) };
	uint64_t entries[NI];
	put64(&s, xa + 8, 0);
	for (size_t i = 0; i < NI; i++) {
		entries[i] = i % 3 == 2 ? ((uint64_t)i << 1) | 1 : synth_alloc(&s, 64, 64);
		xa_store(&s, xa, idx[i], entries[i]);
	}
	struct xa_seen seen = {0};
	REQUIRE_OK(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &seen));
	REQUIRE(seen.n == NI);
	for (size_t i = 0; i < NI; i++) {
		CHECK_EQ_U64(seen.e[i].index, idx[i]);
		CHECK_EQ_U64(seen.e[i].last, idx[i]);
		CHECK_EQ_U64(seen.e[i].entry, entries[i]);
		CHECK(seen.e[i].is_value == (i % 3 == 2));
		if (seen.e[i].is_value)
			CHECK_EQ_U64(seen.e[i].value, i);
	}
	/* As an IDR with idr_base 1: ids are indices + 1, and index
	 * ULONG_MAX has no id (an error, after the others). */
	struct xa_seen ids = {0};
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 1, 100, see_xa, &ids), xa,
			  "idr_base past 2^64");
	CHECK(ids.n == NI - 1 && ids.e[1].index == 2);

	/* A multi-index entry at 8..11 (slot 8 and three siblings), retry
	 * and zero entries, in the leaf that holds index 0. */
	uint64_t top = get64(&s, xa + 8) - 2, node = top;
	while (s.buf[node - SYNTH_BASE] != 0)
		node = get64(&s, node + xa_layout.node_slots) - 2;
	uint64_t multi = synth_alloc(&s, 64, 64);
	xa_set_slot(&s, node, 8, multi);
	for (unsigned j = 9; j < 12; j++)
		xa_set_slot(&s, node, j, (8 << 2) | 2);
	xa_set_slot(&s, node, 20, (256 << 2) | 2); /* XA_RETRY_ENTRY */
	xa_set_slot(&s, node, 21, (257 << 2) | 2); /* XA_ZERO_ENTRY */
	struct xa_seen m = {0};
	REQUIRE_OK(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &m));
	REQUIRE(m.n == NI + 1);
	CHECK(m.e[2].index == 8 && m.e[2].last == 11 && m.e[2].entry == multi &&
	      m.e[2].node == node);
	CHECK_EQ_U64(m.e[3].index, 63);

	/* Over the maximum. */
	struct xa_seen few = {0};
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 3, see_xa, &few),
			  node, "xarray over its maximum");
	CHECK_EQ_U64(few.n, 3);
	/* A wrong count in the leaf. */
	uint8_t count = s.buf[node + 2 - SYNTH_BASE];
	put8(&s, node + 2, count + 1);
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few),
			  node, "xa_node count");
	put8(&s, node + 2, count);
	/* A cycle: a slot of the leaf's parent points back at the top node. */
	uint64_t parent = get64(&s, node + xa_layout.node_parent);
	xa_set_slot(&s, parent, 7, top | 2);
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few),
			  top, "xarray cycle");
	/* An unreadable node. */
	xa_set_slot(&s, parent, 7, UNMAPPED | 2);
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few),
			  UNMAPPED, "xarray bad pointer");
	xa_set_slot(&s, parent, 7, 0);
	/* A node with the wrong shift. */
	put8(&s, node, 6);
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few),
			  node, "xa_node shift");
	put8(&s, node, 0);
	REQUIRE_OK(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few));
	/* The top node has shift 60: its slots past 15 are past 2^64, and so
	 * is a multi-index entry in slot 15 with a sibling after it. */
	CHECK_EQ_U64(s.buf[top - SYNTH_BASE], 60);
	xa_set_slot(&s, top, 16, obj);
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few),
			  top, "xarray slot past 2^64");
	xa_set_slot(&s, top, 16, 0);
	uint64_t slot15 = get64(&s, top + xa_layout.node_slots + 8 * 15);
	xa_set_slot(&s, top, 15, obj);
	xa_set_slot(&s, top, 16, (15 << 2) | 2);
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few),
			  top, "xarray multi-index entry past 2^64");
	xa_set_slot(&s, top, 16, 0);
	xa_set_slot(&s, top, 15, slot15);
	REQUIRE_OK(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &few));
	free(s.buf);
}

/* ---- maple tree ------------------------------------------------------------ */

struct mt_seen {
	struct kc_mt_entry e[256];
	size_t n;
};

static struct kc_error *see_mt(void *ctx, const struct kc_mt_entry *e)
{
	struct mt_seen *s = ctx;
	if (s->n < 256)
		s->e[s->n++] = *e;
	return NULL;
}

/* An encoded node: address | type << 3 | MAPLE_ENODE_NULL. */
static uint64_t enode(uint64_t node, unsigned type)
{
	return node | (uint64_t)type << 3 | 4;
}

struct mt_expect {
	uint64_t first, last, entry;
};

KC_TEST(walk_maple_tree_synthetic)
{
	struct synth s;
	struct kc_walk_mem mem;
	synth_init(&s, &mem);
	const struct kc_mt_node_layout *r = &mt_layout.range_64, *a = &mt_layout.arange_64;
	uint64_t mt = synth_alloc(&s, 24, 8);
	/* A single entry in ma_root: [0, 0]. */
	uint64_t obj = synth_alloc(&s, 64, 64);
	put64(&s, mt + 8, obj);
	struct mt_seen one = {0};
	REQUIRE_OK(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 10, see_mt, &one));
	REQUIRE(one.n == 1);
	CHECK(one.e[0].first == 0 && one.e[0].last == 0 && one.e[0].entry == obj);

	/*
	 * Height 2: an arange_64 root over three leaves covering [0, 0x3fff],
	 * [0x4000, 0x7fff] (all 16 slots used), [0x8000, ULONG_MAX].
	 */
	struct mt_expect expect[32];
	size_t ne = 0;
	uint64_t root = synth_alloc(&s, 256, 256), leaf[3];
	for (int i = 0; i < 3; i++)
		leaf[i] = synth_alloc(&s, 256, 256);
	put64(&s, root, mt | 1);
	put64(&s, root + a->pivots + 0, 0x3fff);
	put64(&s, root + a->pivots + 8, 0x7fff);
	put8(&s, root + a->meta_end, 2);
	for (unsigned i = 0; i < 3; i++) {
		put64(&s, root + a->slots + 8 * i, enode(leaf[i], 1));
		put64(&s, leaf[i], root | i << 3 | 6);
	}
	/* leaf 0: NULL, E, NULL, E; four pivots, meta.end 3. */
	for (unsigned i = 0; i < 4; i++) {
		put64(&s, leaf[0] + r->pivots + 8 * i, 0x1000 * (i + 1) - 1);
		if (i & 1) {
			uint64_t e = synth_alloc(&s, 64, 64);
			put64(&s, leaf[0] + r->slots + 8 * i, e);
			expect[ne++] = (struct mt_expect){0x1000 * i, 0x1000 * (i + 1) - 1, e};
		}
	}
	put8(&s, leaf[0] + r->meta_end, 3);
	/* leaf 1: 16 slots, the last pivot short of the node's max. */
	for (unsigned i = 0; i < 16; i++) {
		uint64_t first = 0x4000 + 0x100 * i, last = i == 15 ? 0x7fff : first + 0xff;
		if (i < 15)
			put64(&s, leaf[1] + r->pivots + 8 * i, last);
		uint64_t e = i % 3 == 0 ? ((uint64_t)i << 1) | 1 :
			     i % 3 == 1 ? synth_alloc(&s, 64, 64) : 0;
		if (i == 5)
			e = (256 << 2) | 2; /* reserved: not an entry */
		put64(&s, leaf[1] + r->slots + 8 * i, e);
		if (e && i != 5)
			expect[ne++] = (struct mt_expect){first, last, e};
	}
	/* leaf 2: E over [0x8000, 0xffff], then a gap to the end. */
	uint64_t e2 = synth_alloc(&s, 64, 64);
	put64(&s, leaf[2] + r->pivots, 0xffff);
	put64(&s, leaf[2] + r->slots, e2);
	put8(&s, leaf[2] + r->meta_end, 1);
	expect[ne++] = (struct mt_expect){0x8000, 0xffff, e2};
	put64(&s, mt + 8, enode(root, 3) | 2);
	put64(&s, mt + 16, 1 | 2 << 2); /* MT_FLAGS_ALLOC_RANGE, height 2 */

	struct mt_seen seen = {0};
	REQUIRE_OK(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &seen));
	REQUIRE(seen.n == ne);
	for (size_t i = 0; i < ne; i++) {
		CHECK_EQ_U64(seen.e[i].first, expect[i].first);
		CHECK_EQ_U64(seen.e[i].last, expect[i].last);
		CHECK_EQ_U64(seen.e[i].entry, expect[i].entry);
		CHECK(seen.e[i].is_value == (expect[i].entry & 1));
	}
	struct mt_seen few = {0};
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 3, see_mt, &few),
			  leaf[1], "maple tree over its maximum");
	CHECK_EQ_U64(few.n, 3);

	/* A leaf whose parent names the wrong slot. */
	put64(&s, leaf[2], root | 1 << 3 | 6);
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  leaf[2], "maple parent slot");
	put64(&s, leaf[2], root | 2 << 3 | 6);
	/* A cycle: the root's last slot points at the root itself. */
	put64(&s, root + a->slots + 16, enode(root, 3));
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  root, "maple cycle");
	/* An unreadable child. */
	put64(&s, root + a->slots + 16, enode(UNMAPPED, 1));
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  UNMAPPED, "maple bad pointer");
	put64(&s, root + a->slots + 16, enode(leaf[2], 1));
	/* Pivots out of order. */
	put64(&s, leaf[0] + r->pivots + 8, 0x0800);
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  leaf[0], "maple pivots");
	put64(&s, leaf[0] + r->pivots + 8, 0x1fff);
	/* Deeper than ma_flags' height: leaves must be at depth 3. */
	put64(&s, mt + 16, 1 | 3 << 2);
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  leaf[0], "maple height");
	/* A chain of range_64 nodes deeper than MAPLE_HEIGHT_MAX. */
	put64(&s, mt + 16, 1);
	uint64_t chain[40];
	for (size_t i = 0; i < 40; i++) {
		chain[i] = synth_alloc(&s, 256, 256);
		put64(&s, chain[i], i ? chain[i - 1] | 6 : mt | 1);
		put8(&s, chain[i] + r->meta_end, 0);
		if (i)
			put64(&s, chain[i - 1] + r->slots, enode(chain[i], 2));
	}
	put64(&s, mt + 8, enode(chain[0], 2) | 2);
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  chain[KC_WALK_MT_MAX_HEIGHT], "maple too deep");
	/* A dead node (its parent is itself). */
	put64(&s, chain[3], chain[3]);
	CHECK_ERROR_NAMES(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few),
			  chain[3], "maple dead node");
	put64(&s, mt + 8, enode(root, 3) | 2);
	put64(&s, mt + 16, 1 | 2 << 2);
	REQUIRE_OK(kc_walk_maple_tree_read(&mem, &mt_layout, mt, 100, see_mt, &few));
	free(s.buf);
}

/* ---- real fixtures ---------------------------------------------------------- */

static uint64_t member(struct kc_session *session, const char *type, const char *name)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, name, &m);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s.%s: %s", type, name, kc_error_message(err));
		kc_error_destroy(err);
		return 0;
	}
	return m->offset;
}

static uint64_t read_member(struct kc_session *session, uint64_t obj, const char *type,
			    const char *name)
{
	uint64_t v = 0;
	struct kc_error *err = kc_kernel_read_member(session, obj, type, name, &v);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s.%s at 0x%llx: %s", type, name,
			     (unsigned long long)obj, kc_error_message(err));
		kc_error_destroy(err);
	}
	return v;
}

/* pids the pid IDR holds, and for each its struct pid. */
struct pid_seen {
	struct kc_session *session;
	int64_t pid[4096];
	uint64_t struct_pid[4096];
	size_t n;
	bool bad;
};

static struct kc_error *see_pid(void *ctx, const struct kc_xa_entry *e)
{
	struct pid_seen *p = ctx;
	if (p->n >= 4096 || e->is_value || e->index != e->last) {
		p->bad = true;
		return NULL;
	}
	p->pid[p->n] = (int64_t)e->index;
	p->struct_pid[p->n++] = e->entry;
	return NULL;
}

static bool has_pid(const struct pid_seen *p, int64_t pid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->pid[i] == pid)
			return true;
	return false;
}

/* Processes that come and go around the guest's snapshots. */
static bool is_transient(const char *comm)
{
	static const char *const names[] = {"sleep", "cat", "awk", "sh", "ls", "sed",
					    "grep", "head", "tail", "cut", "tr", "wc",
					    "sort", "find", "dmesg", "readlink", "taskset"};
	if (strncmp(comm, "kworker/", 8) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(comm, names[i]) == 0)
			return true;
	return false;
}

/*
 * Ground truth's pids (lines "pid ppid S comm..."), non-transient ones;
 * returns how many were checked against the IDR.
 */
static size_t check_truth_pids(const char *path, const struct pid_seen *p, const char *label)
{
	char *text = kc_test_read_file(path, NULL);
	if (!text) {
		kc_test_fail(__FILE__, __LINE__, "%s: cannot read %s", label, path);
		return 0;
	}
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int pid, ppid;
		char state, comm[64];
		if (sscanf(line, "%d %d %c %63s", &pid, &ppid, &state, comm) != 4)
			continue;
		if (is_transient(comm))
			continue;
		CHECK_MSG(has_pid(p, pid), "%s: pid %d (%s) of %s not in the pid IDR", label, pid,
			  comm, path);
		checked++;
	}
	free(text);
	return checked;
}

/* Tasks a pid's PIDTYPE_PID hlist links. */
struct hlist_tasks {
	uint64_t link_offset;
	uint64_t task[8];
	size_t n;
};

static struct kc_error *see_pid_task(void *ctx, uint64_t node)
{
	struct hlist_tasks *h = ctx;
	if (h->n < 8)
		h->task[h->n] = node - h->link_offset;
	h->n++;
	return NULL;
}

/*
 * init_pid_ns.idr through kc_walk_idr: found from init_task (its
 * thread_pid is init_struct_pid, whose numbers[0].ns is init_pid_ns), so
 * the dumps without a vmlinux (and without data symbols) work too.
 */
static void check_pid_idr(struct kc_session *session, const char *label,
			  const char *truth_path, const char *truth_path2, int crash_pid)
{
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	uint64_t init_task;
	REQUIRE_OK(kc_kernel_symbol(session, "init_task", &init_task));
	uint64_t thread_pid = read_member(session, init_task, "struct task_struct", "thread_pid");
	uint64_t ns = read_member(session, thread_pid, "struct pid", "numbers[0].ns");
	REQUIRE(ns != 0);
	uint64_t sym;
	struct kc_error *err = kc_kernel_symbol(session, "init_pid_ns", &sym);
	if (!err)
		CHECK_EQ_U64(sym, ns);
	kc_error_destroy(err);

	struct pid_seen *p = calloc(1, sizeof(*p));
	REQUIRE(p);
	p->session = session;
	err = kc_walk_idr(session, ns + member(session, "struct pid_namespace", "idr"),
			  100000, see_pid, p);
	if (err) {
		CHECK_MSG(false, "%s: pid IDR: %s", label, kc_error_message(err));
		kc_error_destroy(err);
		free(p);
		return;
	}
	CHECK(!p->bad);
	CHECK_MSG(p->n > 30, "%s: %zu pids", label, p->n);
	for (size_t i = 1; i < p->n; i++)
		CHECK(p->pid[i - 1] < p->pid[i]);

	/* Each struct pid says it is that pid in the init namespace. */
	for (size_t i = 0; i < p->n; i++)
		CHECK_MSG(read_member(session, p->struct_pid[i], "struct pid", "numbers[0].nr") ==
				  (uint64_t)p->pid[i],
			  "%s: IDR pid %lld's struct pid", label, (long long)p->pid[i]);

	/* Ground truth: every (lasting) process the guest listed. */
	size_t checked = check_truth_pids(truth_path, p, label);
	if (truth_path2)
		checked += check_truth_pids(truth_path2, p, label);
	CHECK(checked > 20);
	if (crash_pid > 0)
		CHECK_MSG(has_pid(p, crash_pid), "%s: the crashing pid %d", label, crash_pid);

	/*
	 * kcrash's task list: each pid's PIDTYPE_PID hlist (kc_walk_hlist)
	 * holds exactly the task of that pid, and every task but the idle
	 * ones is found so, once.
	 */
	struct hlist_tasks h = {
		.link_offset = member(session, "struct task_struct", "pid_links[0]")};
	uint64_t tasks_off = member(session, "struct pid", "tasks[0]");
	size_t linked = 0;
	for (size_t i = 0; i < p->n; i++) {
		h.n = 0;
		err = kc_walk_hlist(session, p->struct_pid[i] + tasks_off, 16, see_pid_task, &h);
		if (err) {
			CHECK_MSG(false, "%s: pid %lld hlist: %s", label, (long long)p->pid[i],
				  kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		/* A pid kept only as a group or session id has no task. */
		CHECK_MSG(h.n <= 1, "%s: pid %lld has %zu tasks", label, (long long)p->pid[i], h.n);
		if (h.n != 1)
			continue;
		const struct kc_task *t = kc_task_by_addr(list, h.task[0]);
		CHECK_MSG(t && t->pid == p->pid[i], "%s: pid %lld's task 0x%llx is %s", label,
			  (long long)p->pid[i], (unsigned long long)h.task[0],
			  t ? t->comm : "not in the task list");
		linked++;
	}
	size_t non_idle = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (t->is_idle)
			continue;
		non_idle++;
		CHECK_MSG(has_pid(p, t->pid), "%s: task %d (%s) not in the pid IDR", label, t->pid,
			  t->comm);
	}
	CHECK_MSG(linked == non_idle, "%s: %zu tasks through the pid hlists, %zu in the task list",
		  label, linked, non_idle);
	printf("    %s: %zu pids in the IDR, %zu tasks through their hlists, %zu ground-truth processes\n",
	       label, p->n, linked, checked);
	free(p);
}

static int fact_int(const char *fixture, const char *key)
{
	char *text = kc_test_fact(fixture, key);
	int v = text ? atoi(text) : -1;
	free(text);
	return v;
}

static void pid_idr_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	char a[4096], b[4096];
	snprintf(a, sizeof(a), "%s/%s/ground-truth/kdump-snapshot/threads.txt",
		 kc_test_fixtures_dir(), fixture);
	snprintf(b, sizeof(b), "%s/%s/ground-truth/kdump-snapshot/ps.txt",
		 kc_test_fixtures_dir(), fixture);
	check_pid_idr(session, fixture, a, b, fact_int(fixture, "crash.pid"));
	kc_session_destroy(session);
}

KC_TEST(walk_pid_idr_4k48) { pid_idr_fixture("arm64-6.1-4k48"); }
KC_TEST(walk_pid_idr_16k47) { pid_idr_fixture("arm64-6.1-16k47"); }
KC_TEST(walk_pid_idr_64k52) { pid_idr_fixture("arm64-6.1-64k52"); }
KC_TEST(walk_pid_idr_5_10_4k39) { pid_idr_fixture("arm64-5.10-4k39"); }

/* The Debian dumps, opened alone: BTF types, the dump's kallsyms. */
static struct kc_session *open_debian(const char *name, char *dir, size_t len)
{
	snprintf(dir, len, "%s/fixtures/%s", kc_test_source_dir(), name);
	char dump[4200];
	snprintf(dump, sizeof(dump), "%s/vmcore.kdump-zlib", dir);
	if (access(dump, R_OK) != 0)
		snprintf(dump, sizeof(dump), "%s/qemu.kdump-zlib", dir);
	const char *paths[] = {dump};
	struct kc_session_options opts = {.dump_paths = paths, .nr_dump_paths = 1};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", dump, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

static const char *const debian_names[] = {"debian-5.10-arm64", "debian-6.1-arm64",
					   "debian-6.12-arm64-qemu",
					   "debian-6.12-arm64-16k-qemu"};

KC_TEST(walk_pid_idr_debian)
{
	for (size_t i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++) {
		char dir[4096];
		struct kc_session *session = open_debian(debian_names[i], dir, sizeof(dir));
		if (!session)
			continue;
		char ps[4200];
		snprintf(ps, sizeof(ps), "%s/ground-truth/ps.txt", dir);
		check_pid_idr(session, debian_names[i], ps, NULL, -1);
		kc_session_destroy(session);
	}
}

/* ---- vmap_area_root, vmap_area_list ---------------------------------------- */

KC_TEST(walk_list_tasks_both_ways)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		struct kc_session *session = kc_test_open_session(kc_test_fixture_names[f],
								 "vmcore.kdump-zlib");
		if (!session)
			continue;
		uint64_t init_task;
		REQUIRE_OK(kc_kernel_symbol(session, "init_task", &init_task));
		uint64_t head = init_task + member(session, "struct task_struct", "tasks");
		struct seen *old = calloc(1, sizeof(*old)), *fwd = calloc(1, sizeof(*fwd)),
			    *rev = calloc(1, sizeof(*rev));
		REQUIRE(old && fwd && rev);
		REQUIRE_OK(kc_kernel_list_walk(session, head, 10000, see, old));
		REQUIRE_OK(kc_walk_list(session, head, false, 10000, see, fwd));
		REQUIRE_OK(kc_walk_list(session, head, true, 10000, see, rev));
		CHECK(old->n > 20 && fwd->n == old->n && rev->n == old->n);
		for (size_t i = 0; i < fwd->n && i < old->n && i < rev->n; i++) {
			CHECK_EQ_U64(fwd->v[i], old->v[i]);
			CHECK_EQ_U64(rev->v[rev->n - 1 - i], fwd->v[i]);
		}
		free(old);
		free(fwd);
		free(rev);
		kc_session_destroy(session);
	}
}

struct vmap_seen {
	struct kc_session *session;
	uint64_t off; /* of the rb_node or list_head in struct vmap_area */
	uint64_t start[8192], end[8192];
	size_t n;
};

static struct kc_error *see_vmap(void *ctx, uint64_t node)
{
	struct vmap_seen *v = ctx;
	if (v->n >= 8192)
		return kc_error_create(KC_ERR_FORMAT, "too many vmap areas");
	uint64_t va = node - v->off;
	struct kc_error *err = kc_kernel_read_member(v->session, va, "struct vmap_area",
						     "va_start", &v->start[v->n]);
	if (!err)
		err = kc_kernel_read_member(v->session, va, "struct vmap_area", "va_end",
					    &v->end[v->n]);
	v->n += !err;
	return err;
}

/*
 * vmap_area_root (rbtree by address) against vmap_area_list (the same
 * areas, sorted: kc_walk_list), and against the guest's vmallocinfo: the
 * module's 64 KiB vmalloc buffer (facts.txt) is an area of its size plus
 * the guard page, and every vmallocinfo size is some area's.
 */
static void vmap_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	struct vmap_seen *tree = calloc(1, sizeof(*tree)), *list = calloc(1, sizeof(*list));
	REQUIRE(tree && list);
	uint64_t root, head;
	REQUIRE_OK(kc_kernel_symbol(session, "vmap_area_root", &root));
	REQUIRE_OK(kc_kernel_symbol(session, "vmap_area_list", &head));
	tree->session = list->session = session;
	tree->off = member(session, "struct vmap_area", "rb_node");
	list->off = member(session, "struct vmap_area", "list");
	REQUIRE_OK(kc_walk_rbtree(session, root, 100000, see_vmap, tree));
	REQUIRE_OK(kc_walk_list(session, head, false, 100000, see_vmap, list));
	CHECK_MSG(tree->n > 30 && tree->n == list->n, "%s: %zu areas in the tree, %zu on the list",
		  fixture, tree->n, list->n);
	for (size_t i = 0; i < tree->n && i < list->n; i++) {
		CHECK(tree->start[i] == list->start[i] && tree->end[i] == list->end[i]);
		CHECK(tree->start[i] < tree->end[i]);
		if (i)
			CHECK_MSG(tree->end[i - 1] <= tree->start[i], "%s: area %zu overlaps", fixture, i);
	}
	char *va_text = kc_test_fact(fixture, "testmod.vbuf.va");
	char *size_text = kc_test_fact(fixture, "testmod.vbuf.size");
	char *page_text = kc_test_fact(fixture, "vmcoreinfo.PAGESIZE");
	REQUIRE(va_text && size_text && page_text);
	uint64_t vbuf = strtoull(va_text, NULL, 16), size = strtoull(size_text, NULL, 0),
		 page = strtoull(page_text, NULL, 0);
	bool found = false;
	for (size_t i = 0; i < tree->n; i++)
		found |= tree->start[i] == vbuf && tree->end[i] - tree->start[i] == size + page;
	CHECK_MSG(found, "%s: kcrash_testmod's vmalloc buffer 0x%llx (+%llu) not in vmap_area_root",
		  fixture, (unsigned long long)vbuf, (unsigned long long)size);
	free(va_text);
	free(size_text);
	free(page_text);

	/* vmallocinfo's sizes (lasting allocations: not the stacks of tasks
	 * forked around the snapshot), each matched with a distinct area. */
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/vmallocinfo.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text);
	bool *used = calloc(tree->n, 1);
	size_t matched = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long bytes;
		char caller[256];
		if (sscanf(line, "%*s %llu %255s", &bytes, caller) != 2)
			continue;
		/* "unpurged vm_area": freed lazily, on the purge list, no
		 * longer in vmap_area_root (mm/vmalloc.c, v5.10..v6.1). */
		if (strstr(caller, "kernel_clone") || strstr(caller, "copy_process") ||
		    strstr(caller, "dup_task_struct") || strcmp(caller, "unpurged") == 0)
			continue;
		bool ok = false;
		for (size_t i = 0; i < tree->n && !ok; i++)
			if (!used[i] && tree->end[i] - tree->start[i] == bytes)
				ok = used[i] = true;
		CHECK_MSG(ok, "%s: vmallocinfo area of %llu bytes (%s) not in vmap_area_root",
			  fixture, bytes, caller);
		matched += ok;
	}
	CHECK(matched > 5);
	printf("    %s: %zu vmap areas (tree == list), %zu vmallocinfo areas matched\n", fixture,
	       tree->n, matched);
	free(used);
	free(text);
	free(tree);
	free(list);
	kc_session_destroy(session);
}

KC_TEST(walk_vmap_area_root_4k48) { vmap_fixture("arm64-6.1-4k48"); }
KC_TEST(walk_vmap_area_root_16k47) { vmap_fixture("arm64-6.1-16k47"); }
KC_TEST(walk_vmap_area_root_64k52) { vmap_fixture("arm64-6.1-64k52"); }
KC_TEST(walk_vmap_area_root_5_10_4k39) { vmap_fixture("arm64-5.10-4k39"); }

/* ---- CFS runqueues ------------------------------------------------------------ */

struct cfs_seen {
	uint64_t se_off;
	uint64_t task[256];
	size_t n;
};

static struct kc_error *see_se(void *ctx, uint64_t node)
{
	struct cfs_seen *c = ctx;
	if (c->n < 256)
		c->task[c->n++] = node - c->se_off;
	return NULL;
}

/*
 * Each CPU's rq->cfs.tasks_timeline (rb_root_cached, leftmost checked):
 * every task queued there is a runnable task of kcrash's list on that
 * CPU, and the tree holds the CFS queue's nr_running tasks but the one
 * running (which CFS takes out of the tree).
 */
static void check_cfs(struct kc_session *session, const char *label)
{
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	uint64_t runqueues;
	REQUIRE_OK(kc_kernel_symbol(session, "runqueues", &runqueues));
	uint64_t timeline = member(session, "struct rq", "cfs.tasks_timeline");
	struct cfs_seen c = {
		.se_off = member(session, "struct task_struct", "se") +
			  member(session, "struct sched_entity", "run_node")};
	size_t total = 0;
	for (unsigned cpu = 0; cpu < list->nr_cpus; cpu++) {
		uint64_t rq;
		REQUIRE_OK(kc_kernel_percpu(session, runqueues, cpu, &rq));
		c.n = 0;
		REQUIRE_OK(kc_walk_rbtree_cached(session, rq + timeline, 256, see_se, &c));
		uint64_t nr = read_member(session, rq, "struct rq", "cfs.nr_running");
		CHECK_MSG(c.n == nr || c.n + 1 == nr, "%s: CPU %u: %zu tasks in the timeline, nr_running %llu",
			  label, cpu, c.n, (unsigned long long)nr);
		for (size_t i = 0; i < c.n; i++) {
			const struct kc_task *t = kc_task_by_addr(list, c.task[i]);
			CHECK_MSG(t && t->cpu == (int)cpu && strcmp(t->state_code, "RU") == 0,
				  "%s: CPU %u's CFS task 0x%llx: %s %s cpu %d", label, cpu,
				  (unsigned long long)c.task[i], t ? t->comm : "not a task",
				  t ? t->state_code : "", t ? t->cpu : -1);
		}
		total += c.n;
	}
	printf("    %s: %zu tasks queued on the CFS timelines\n", label, total);
}

KC_TEST(walk_cfs_timelines)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		struct kc_session *session = kc_test_open_session(kc_test_fixture_names[f],
								 "vmcore.kdump-zlib");
		if (!session)
			continue;
		check_cfs(session, kc_test_fixture_names[f]);
		kc_session_destroy(session);
	}
	for (size_t i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++) {
		char dir[4096];
		struct kc_session *session = open_debian(debian_names[i], dir, sizeof(dir));
		if (!session)
			continue;
		check_cfs(session, debian_names[i]);
		kc_session_destroy(session);
	}
}

/* ---- VMAs: mm_mt (v6.1+), mm_rb (before) ---------------------------------------- */

struct vma_seen {
	struct kc_session *session;
	uint64_t rb_off;
	uint64_t start[1024], end[1024];
	size_t n;
	bool bad;
};

static struct kc_error *see_vma_mt(void *ctx, const struct kc_mt_entry *e)
{
	struct vma_seen *v = ctx;
	if (v->n >= 1024 || e->is_value)
		return kc_error_create(KC_ERR_FORMAT, "unexpected mm_mt entry");
	uint64_t start = read_member(v->session, e->entry, "struct vm_area_struct", "vm_start");
	uint64_t end = read_member(v->session, e->entry, "struct vm_area_struct", "vm_end");
	/* The tree stores each VMA over [vm_start, vm_end - 1]. */
	if (start != e->first || end != e->last + 1)
		v->bad = true;
	v->start[v->n] = start;
	v->end[v->n++] = end;
	return NULL;
}

static struct kc_error *see_vma_rb(void *ctx, uint64_t node)
{
	struct vma_seen *v = ctx;
	if (v->n >= 1024)
		return kc_error_create(KC_ERR_FORMAT, "too many VMAs");
	uint64_t vma = node - v->rb_off;
	v->start[v->n] = read_member(v->session, vma, "struct vm_area_struct", "vm_start");
	v->end[v->n++] = read_member(v->session, vma, "struct vm_area_struct", "vm_end");
	return NULL;
}

/* The VMAs of MM, by whichever structure the kernel has. */
static struct kc_error *walk_vmas(struct kc_session *session, uint64_t mm, struct vma_seen *v)
{
	v->session = session;
	v->n = 0;
	v->bad = false;
	if (kc_kernel_has_member(session, "struct mm_struct", "mm_mt"))
		return kc_walk_maple_tree(session, mm + member(session, "struct mm_struct", "mm_mt"),
					  4096, see_vma_mt, v);
	v->rb_off = member(session, "struct vm_area_struct", "vm_rb");
	return kc_walk_rbtree(session, mm + member(session, "struct mm_struct", "mm_rb"), 4096,
			      see_vma_rb, v);
}

/* Every user task's VMAs: sorted, disjoint, as many as mm->map_count. */
static size_t check_all_vmas(struct kc_session *session, const char *label)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		CHECK_MSG(false, "%s: %s", label, kc_error_message(err));
		kc_error_destroy(err);
		return 0;
	}
	struct vma_seen *v = calloc(1, sizeof(*v));
	size_t mms = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (!t->mm || t->is_kernel_thread || t->pid != t->tgid)
			continue;
		err = walk_vmas(session, t->mm, v);
		if (err) {
			CHECK_MSG(false, "%s: pid %d's VMAs: %s", label, t->pid, kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		CHECK_MSG(!v->bad, "%s: pid %d: a VMA's range differs from the tree's", label, t->pid);
		uint64_t map_count = read_member(session, t->mm, "struct mm_struct", "map_count");
		CHECK_MSG(v->n == map_count && v->n > 0, "%s: pid %d: %zu VMAs, map_count %llu",
			  label, t->pid, v->n, (unsigned long long)map_count);
		for (size_t j = 1; j < v->n; j++)
			CHECK(v->end[j - 1] <= v->start[j]);
		/* Before v6.1 the VMAs are also on mm->mmap, by vm_next. */
		if (kc_kernel_has_member(session, "struct mm_struct", "mmap")) {
			uint64_t vma = read_member(session, t->mm, "struct mm_struct", "mmap");
			size_t j = 0;
			for (; vma && j <= v->n; j++) {
				CHECK_MSG(j < v->n && read_member(session, vma, "struct vm_area_struct",
								  "vm_start") == v->start[j],
					  "%s: pid %d: mm->mmap's VMA %zu is not mm_rb's", label, t->pid, j);
				vma = read_member(session, vma, "struct vm_area_struct", "vm_next");
			}
			CHECK_MSG(j == v->n, "%s: pid %d: %zu VMAs on mm->mmap, %zu in mm_rb", label,
				  t->pid, j, v->n);
		}
		mms++;
	}
	free(v);
	return mms;
}

/* The kc_* processes' VMAs against their /proc/PID/maps (kcproc-maps.txt). */
static void vma_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/kcproc-maps.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text);
	struct vma_seen *v = calloc(1, sizeof(*v));
	REQUIRE(v);
	size_t procs = 0, vmas = 0, k = 0;
	bool have = false;
	int pid = -1;
	for (char *line = strtok(text, "\n");; line = strtok(NULL, "\n")) {
		int newpid;
		if (!line || sscanf(line, "== pid %d", &newpid) == 1) {
			if (have) {
				CHECK_MSG(k == v->n, "%s: pid %d: %zu VMAs in maps, %zu in the dump",
					  fixture, pid, k, v->n);
				vmas += k;
				procs++;
			}
			if (!line)
				break;
			have = false;
			pid = newpid;
			k = 0;
			const struct kc_task *t = kc_task_by_pid(list, pid);
			if (!t || !t->mm) {
				CHECK_MSG(false, "%s: pid %d has no task or mm", fixture, pid);
				continue;
			}
			struct kc_error *err = walk_vmas(session, t->mm, v);
			if (err) {
				CHECK_MSG(false, "%s: pid %d: %s", fixture, pid, kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			CHECK_MSG(!v->bad, "%s: pid %d: a VMA's range differs from the tree's",
				  fixture, pid);
			have = true;
			continue;
		}
		unsigned long long start, end;
		if (!have || sscanf(line, "%llx-%llx", &start, &end) != 2)
			continue;
		CHECK_MSG(k < v->n && v->start[k] == start && v->end[k] == end,
			  "%s: pid %d: maps %llx-%llx, dump's VMA %zu is %llx-%llx", fixture, pid,
			  start, end, k, k < v->n ? (unsigned long long)v->start[k] : 0ull,
			  k < v->n ? (unsigned long long)v->end[k] : 0ull);
		k++;
	}
	CHECK(procs >= 4 && vmas > 30);
	size_t mms = check_all_vmas(session, fixture);
	CHECK(mms > 5);
	printf("    %s: %zu processes' %zu VMAs as /proc/PID/maps had them; %zu mms checked\n",
	       fixture, procs, vmas, mms);
	free(v);
	free(text);
	kc_session_destroy(session);
}

KC_TEST(walk_vmas_4k48) { vma_fixture("arm64-6.1-4k48"); }
KC_TEST(walk_vmas_16k47) { vma_fixture("arm64-6.1-16k47"); }
KC_TEST(walk_vmas_64k52) { vma_fixture("arm64-6.1-64k52"); }
KC_TEST(walk_vmas_5_10_4k39) { vma_fixture("arm64-5.10-4k39"); }

KC_TEST(walk_vmas_debian)
{
	for (size_t i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++) {
		char dir[4096];
		struct kc_session *session = open_debian(debian_names[i], dir, sizeof(dir));
		if (!session)
			continue;
		size_t mms = check_all_vmas(session, debian_names[i]);
		CHECK_MSG(mms > 0, "%s: no user mm", debian_names[i]);
		printf("    %s: %zu mms' VMAs checked\n", debian_names[i], mms);
		kc_session_destroy(session);
	}
}

/* ---- irq_desc_tree: a radix tree through kc_walk_xarray ---------------------- */

struct irq_seen {
	struct kc_session *session;
	uint64_t irq[1024], desc[1024];
	size_t n;
	bool bad;
};

static struct kc_error *see_irq(void *ctx, const struct kc_xa_entry *e)
{
	struct irq_seen *s = ctx;
	if (s->n >= 1024 || e->is_value || e->index != e->last) {
		s->bad = true;
		return NULL;
	}
	s->irq[s->n] = e->index;
	s->desc[s->n++] = e->entry;
	return NULL;
}

/*
 * kernel/irq/irqdesc.c's irq_desc_tree (CONFIG_SPARSE_IRQ, a radix tree:
 * struct xarray since v4.20; a maple tree from v6.5): every irq_desc says
 * it is the IRQ of its index, and every numbered line of the guest's
 * /proc/interrupts is there with its handler's name.
 */
static void irq_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t tree;
	REQUIRE_OK(kc_kernel_symbol(session, "irq_desc_tree", &tree));
	struct irq_seen *s = calloc(1, sizeof(*s));
	REQUIRE(s);
	s->session = session;
	REQUIRE_OK(kc_walk_xarray(session, tree, 1024, see_irq, s));
	CHECK(!s->bad && s->n > 5);
	for (size_t i = 0; i < s->n; i++)
		CHECK_MSG(read_member(session, s->desc[i], "struct irq_desc", "irq_data.irq") ==
				  s->irq[i],
			  "%s: irq_desc 0x%llx at index %llu", fixture,
			  (unsigned long long)s->desc[i], (unsigned long long)s->irq[i]);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/interrupts.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text);
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned irq;
		if (sscanf(line, " %u:", &irq) != 1)
			continue;
		const char *name = strrchr(line, ' ');
		name = name ? name + 1 : "";
		size_t k = 0;
		while (k < s->n && s->irq[k] != irq)
			k++;
		if (!CHECK_MSG(k < s->n, "%s: IRQ %u of /proc/interrupts not in irq_desc_tree",
			       fixture, irq))
			continue;
		uint64_t action = read_member(session, s->desc[k], "struct irq_desc", "action");
		uint64_t name_ptr = action ? read_member(session, action, "struct irqaction", "name") : 0;
		char kname[64] = "";
		struct kc_error *err = name_ptr ? kc_kernel_read_string(session, name_ptr, kname,
									sizeof(kname))
						: NULL;
		kc_error_destroy(err);
		CHECK_MSG(strcmp(kname, name) == 0, "%s: IRQ %u is \"%s\" in the dump, \"%s\" in /proc",
			  fixture, irq, kname, name);
		checked++;
	}
	CHECK(checked >= 4);
	printf("    %s: %zu IRQ descriptors, %zu /proc/interrupts lines matched\n", fixture, s->n,
	       checked);
	free(text);
	free(s);
	kc_session_destroy(session);
}

KC_TEST(walk_irq_desc_tree_4k48) { irq_fixture("arm64-6.1-4k48"); }
KC_TEST(walk_irq_desc_tree_5_10_4k39) { irq_fixture("arm64-5.10-4k39"); }

/* ---- layouts from the types, the session's memory, the collecting forms ---- */

/*
 * On each 6.1 fixture (DWARF) and the Debian 6.1 dump (BTF): the layouts
 * read from the types are the v6.1 arm64 ones the synthetic tests and the
 * fuzz target use; kc_walk_session_mem reads as the session does; and
 * every collecting form returns what its visitor form visits.
 */
static void check_layouts_and_collect(struct kc_session *session, const char *label)
{
	struct kc_list_layout ll;
	struct kc_hlist_layout hl;
	struct kc_rb_layout rl;
	struct kc_xa_layout xl;
	struct kc_mt_layout ml;
	/* Padding stays zero for the memcmp below: the functions set members. */
	memset(&ll, 0, sizeof(ll));
	memset(&hl, 0, sizeof(hl));
	memset(&rl, 0, sizeof(rl));
	memset(&xl, 0, sizeof(xl));
	memset(&ml, 0, sizeof(ml));
	REQUIRE_OK(kc_list_layout(session, &ll));
	REQUIRE_OK(kc_hlist_layout(session, &hl));
	REQUIRE_OK(kc_rb_layout(session, &rl));
	REQUIRE_OK(kc_xa_layout(session, &xl));
	REQUIRE_OK(kc_mt_layout(session, &ml));
	CHECK_MSG(memcmp(&ll, &list_layout, sizeof(ll)) == 0, "%s: list_head layout", label);
	CHECK_MSG(memcmp(&hl, &hlist_layout, sizeof(hl)) == 0, "%s: hlist layout", label);
	CHECK_MSG(memcmp(&rl, &rb_layout, sizeof(rl)) == 0, "%s: rbtree layout", label);
	CHECK_MSG(memcmp(&xl, &xa_layout, sizeof(xl)) == 0, "%s: xarray layout", label);
	CHECK_MSG(memcmp(&ml, &mt_layout, sizeof(ml)) == 0, "%s: maple tree layout", label);

	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	uint64_t init_task;
	REQUIRE_OK(kc_kernel_symbol(session, "init_task", &init_task));
	uint64_t tasks = init_task + member(session, "struct task_struct", "tasks");

	/* The session's memory through the _read form. */
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	struct seen *via_mem = calloc(1, sizeof(*via_mem));
	REQUIRE(via_mem);
	REQUIRE_OK(kc_walk_list_read(&mem, &ll, tasks, false, 10000, see, via_mem));

	/* list: collected == visited, both directions. */
	uint64_t *nodes;
	size_t n;
	REQUIRE_OK(kc_walk_list_collect(session, tasks, false, 10000, &nodes, &n));
	CHECK(n == via_mem->n && n > 20 && memcmp(nodes, via_mem->v, n * 8) == 0);
	free(nodes);
	REQUIRE_OK(kc_walk_list_collect(session, tasks, true, 10000, &nodes, &n));
	CHECK(n == via_mem->n && nodes[0] == via_mem->v[via_mem->n - 1]);
	free(nodes);
	/* An error still hands back the part walked. */
	struct kc_error *err = kc_walk_list_collect(session, tasks, false, 5, &nodes, &n);
	CHECK_ERROR_NAMES(err, via_mem->v[5], "collect over the maximum");
	CHECK(n == 5 && nodes && memcmp(nodes, via_mem->v, 5 * 8) == 0);
	free(nodes);

	/* hlist: the crashing (or any user) task's PIDTYPE_PID list. */
	const struct kc_task *t = NULL;
	for (size_t i = 0; i < list->nr_tasks && !t; i++)
		if (!list->tasks[i].is_idle && !list->tasks[i].is_kernel_thread)
			t = &list->tasks[i];
	REQUIRE(t);
	uint64_t pid = read_member(session, t->task, "struct task_struct", "thread_pid");
	REQUIRE_OK(kc_walk_hlist_collect(session, pid + member(session, "struct pid", "tasks[0]"),
					 16, &nodes, &n));
	CHECK(n == 1 && nodes[0] - member(session, "struct task_struct", "pid_links[0]") == t->task);
	free(nodes);

	/* rbtree: a CFS timeline, collected == visited. */
	uint64_t runqueues, rq;
	REQUIRE_OK(kc_kernel_symbol(session, "runqueues", &runqueues));
	REQUIRE_OK(kc_kernel_percpu(session, runqueues, 0, &rq));
	uint64_t timeline = rq + member(session, "struct rq", "cfs.tasks_timeline");
	struct seen *tl = calloc(1, sizeof(*tl));
	REQUIRE(tl);
	REQUIRE_OK(kc_walk_rbtree_cached(session, timeline, 256, see, tl));
	REQUIRE_OK(kc_walk_rbtree_collect(session, timeline, true, 256, &nodes, &n));
	CHECK(n == tl->n && (n == 0 || memcmp(nodes, tl->v, n * 8) == 0));
	free(nodes);
	free(tl);

	/* IDR and xarray: the pid IDR both ways; its xarray without idr_base. */
	uint64_t ns = read_member(session, read_member(session, init_task, "struct task_struct",
						       "thread_pid"),
				  "struct pid", "numbers[0].ns");
	uint64_t idr = ns + member(session, "struct pid_namespace", "idr");
	struct kc_xa_entry *ids, *xas;
	size_t nids, nxas;
	REQUIRE_OK(kc_walk_idr_collect(session, idr, 100000, &ids, &nids));
	REQUIRE_OK(kc_walk_xarray_collect(session, idr + xl.idr_rt, 100000, &xas, &nxas));
	uint32_t base = (uint32_t)read_member(session, idr, "struct idr", "idr_base");
	CHECK(nids == nxas && nids > 20);
	for (size_t i = 0; i < nids && i < nxas; i++)
		CHECK(ids[i].index == xas[i].index + base && ids[i].entry == xas[i].entry);
	for (size_t i = 0; i < list->nr_tasks; i++) {
		if (list->tasks[i].is_idle)
			continue;
		bool found = false;
		for (size_t j = 0; j < nids && !found; j++)
			found = ids[j].index == (uint64_t)list->tasks[i].pid;
		CHECK_MSG(found, "%s: pid %d not collected", label, list->tasks[i].pid);
	}
	free(ids);
	free(xas);

	/* maple tree: a user task's VMAs collected == visited. */
	struct vma_seen *v = calloc(1, sizeof(*v));
	REQUIRE(v);
	REQUIRE_OK(walk_vmas(session, t->mm, v));
	struct kc_mt_entry *vmas;
	size_t nvmas;
	REQUIRE_OK(kc_walk_maple_tree_collect(session, t->mm + member(session, "struct mm_struct",
								       "mm_mt"),
					      4096, &vmas, &nvmas));
	CHECK(nvmas == v->n && nvmas > 0);
	for (size_t i = 0; i < nvmas && i < v->n; i++)
		CHECK(vmas[i].first == v->start[i] && vmas[i].last + 1 == v->end[i]);
	free(vmas);
	free(v);
	free(via_mem);
}

KC_TEST(walk_layouts_and_collect)
{
	static const char *const fixtures[] = {"arm64-6.1-4k48", "arm64-6.1-16k47",
					       "arm64-6.1-64k52"};
	for (size_t f = 0; f < 3; f++) {
		struct kc_session *session = kc_test_open_session(fixtures[f], "vmcore.kdump-zlib");
		if (!session)
			continue;
		check_layouts_and_collect(session, fixtures[f]);
		kc_session_destroy(session);
	}
	char dir[4096];
	struct kc_session *session = open_debian("debian-6.1-arm64", dir, sizeof(dir));
	if (session) {
		check_layouts_and_collect(session, "debian-6.1-arm64");
		kc_session_destroy(session);
	}
}

/* CONFIG_BASE_SMALL: XA_CHUNK_SHIFT 4, 16 slots a node. */
KC_TEST(walk_xarray_small_chunks)
{
	struct synth s;
	struct kc_walk_mem mem;
	synth_init(&s, &mem);
	struct kc_xa_layout l = xa_layout;
	l.chunk_shift = 4;
	l.node_size = 40 + 16 * 8 + 3 * 8;
	uint64_t xa = synth_alloc(&s, 16, 8);
	uint64_t nodes[3];
	for (int i = 0; i < 3; i++)
		nodes[i] = synth_alloc(&s, l.node_size, 64);
	/* top: shift 4, slot 0 -> nodes[1], slot 3 -> nodes[2]; leaves shift 0. */
	put8(&s, nodes[0], 4);
	put8(&s, nodes[0] + 2, 2);
	put64(&s, nodes[0] + 16, xa);
	put64(&s, nodes[0] + 40, nodes[1] | 2);
	put64(&s, nodes[0] + 40 + 3 * 8, nodes[2] | 2);
	uint64_t a = synth_alloc(&s, 64, 64), b = synth_alloc(&s, 64, 64);
	put8(&s, nodes[1] + 2, 1);
	put64(&s, nodes[1] + 8, nodes[0]);
	put64(&s, nodes[1] + 16, xa);
	put64(&s, nodes[1] + 40 + 8, a);
	put8(&s, nodes[2] + 1, 3);
	put8(&s, nodes[2] + 2, 2);
	put64(&s, nodes[2] + 8, nodes[0]);
	put64(&s, nodes[2] + 16, xa);
	put64(&s, nodes[2] + 40 + 2 * 8, b);
	put64(&s, nodes[2] + 40 + 15 * 8, (7 << 1) | 1);
	put64(&s, xa + 8, nodes[0] | 2);
	struct xa_seen seen = {0};
	REQUIRE_OK(kc_walk_xarray_read(&mem, &l, xa, 0, 100, see_xa, &seen));
	REQUIRE(seen.n == 3);
	CHECK(seen.e[0].index == 1 && seen.e[0].entry == a && seen.e[0].node == nodes[1]);
	CHECK(seen.e[1].index == 3 * 16 + 2 && seen.e[1].entry == b);
	CHECK(seen.e[2].index == 3 * 16 + 15 && seen.e[2].is_value && seen.e[2].value == 7);
	/* Read with 64-slot nodes, the same memory is not an XArray. */
	CHECK_ERROR_NAMES(kc_walk_xarray_read(&mem, &xa_layout, xa, 0, 100, see_xa, &seen),
			  nodes[0], "16-slot nodes read as 64-slot ones");
	free(s.buf);
}
