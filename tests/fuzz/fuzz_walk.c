/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the container walkers (include/kcrash/walk.h) over fuzzed kernel
 * memory, through their read callback.
 *
 * The memory is 32 KiB at a kernel-like address. Input: one byte of
 * options, then the rest. Option bit 0 clear: the memory starts as a
 * template of valid containers (a list, an hlist, a red-black tree, a
 * three-level XArray, a two-level maple tree, laid out with v6.1's
 * 64-bit layouts as the kernel builds them) and the rest of the input is
 * patches, each 2 bytes of word index and 8 bytes XORed into that word, so
 * the empty input is a clean walk of each and every patch corrupts a word
 * the walkers may read. Bit 0 set: the rest of the input is the memory
 * itself. Bit 1 selects XA_CHUNK_SHIFT 4 instead of 6, bits 2-3 the
 * walkers' maximum (4, 64, 4096, unbounded), bit 4 a visitor that stops
 * after the third element. Every walk must end, with an error of one
 * non-empty line or without one, its elements inside the bounds it was
 * given.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/walk.h>

#include "fuzz_common.h"

#define BASE UINT64_C(0xffff000020000000)
#define MEM_SIZE 32768

static uint8_t memory[MEM_SIZE];

static struct kc_error *read_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || addr - BASE > MEM_SIZE || len > MEM_SIZE - (addr - BASE))
		return kc_error_address(KC_ERR_FAULT, addr, "0x%llx: not in the fuzz memory",
					(unsigned long long)addr);
	memcpy(buf, memory + (addr - BASE), len);
	return NULL;
}

static const struct kc_list_layout list_layout = {.next = 0, .prev = 8};
static const struct kc_hlist_layout hlist_layout = {.first = 0, .next = 0, .pprev = 8};
static const struct kc_rb_layout rb_layout = {
	.parent_color = 0, .right = 8, .left = 16, .root_node = 0, .leftmost = 8};
static struct kc_xa_layout xa_layout = {
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

/* Where each container's head is (offsets into the memory). */
enum {
	LIST_HEAD = 0x00,
	HLIST_HEAD = 0x10,
	RB_ROOT = 0x20,
	XA = 0x40,
	MT = 0x60,
	HEAP = 0x100,
};

static uint64_t heap;

static uint64_t alloc(uint64_t size, uint64_t align)
{
	heap = (heap + align - 1) & ~(align - 1);
	uint64_t addr = heap;
	heap += size;
	if (heap > MEM_SIZE)
		abort(); /* the template must fit */
	return BASE + addr;
}

static void put64(uint64_t addr, uint64_t v) { memcpy(memory + (addr - BASE), &v, 8); }
static uint64_t get64(uint64_t addr)
{
	uint64_t v;
	memcpy(&v, memory + (addr - BASE), 8);
	return v;
}
static void put8(uint64_t addr, uint8_t v) { memory[addr - BASE] = v; }

static uint64_t build_rb(const uint64_t *nodes, long lo, long hi, uint64_t parent)
{
	if (lo > hi)
		return 0;
	long mid = (lo + hi) / 2;
	put64(nodes[mid], parent | 1);
	put64(nodes[mid] + 16, build_rb(nodes, lo, mid - 1, nodes[mid]));
	put64(nodes[mid] + 8, build_rb(nodes, mid + 1, hi, nodes[mid]));
	return nodes[mid];
}

static uint64_t xa_node(unsigned shift, unsigned offset, uint64_t parent, unsigned count)
{
	uint64_t node = alloc(576, 64);
	put8(node, (uint8_t)shift);
	put8(node + 1, (uint8_t)offset);
	put8(node + 2, (uint8_t)count);
	put64(node + 8, parent);
	put64(node + 16, BASE + XA);
	return node;
}

static uint64_t enode(uint64_t node, unsigned type) { return node | (uint64_t)type << 3 | 4; }

static void build_template(void)
{
	memset(memory, 0, sizeof(memory));
	heap = HEAP;
	/* list_head: 8 entries. */
	uint64_t prev = BASE + LIST_HEAD;
	for (int i = 0; i < 8; i++) {
		uint64_t e = alloc(16, 16);
		put64(prev, e);
		put64(e + 8, prev);
		prev = e;
	}
	put64(prev, BASE + LIST_HEAD);
	put64(BASE + LIST_HEAD + 8, prev);
	/* hlist: 5 nodes. */
	uint64_t link = BASE + HLIST_HEAD;
	for (int i = 0; i < 5; i++) {
		uint64_t n = alloc(16, 16);
		put64(link, n);
		put64(n + 8, link);
		link = n;
	}
	/* rb_root_cached: 40 nodes. */
	uint64_t nodes[40];
	for (int i = 0; i < 40; i++)
		nodes[(i * 17) % 40] = alloc(24, 8);
	put64(BASE + RB_ROOT, build_rb(nodes, 0, 39, 0));
	put64(BASE + RB_ROOT + 8, nodes[0]);
	/* XArray: top (shift 12) -> two shift-6 nodes -> leaves. */
	uint64_t top = xa_node(12, 0, 0, 2);
	uint64_t mid0 = xa_node(6, 0, top, 2), mid3 = xa_node(6, 3, top, 1);
	uint64_t leaf0 = xa_node(0, 0, mid0, 5), leaf1 = xa_node(0, 1, mid0, 1);
	uint64_t leaf3 = xa_node(0, 63, mid3, 2);
	put64(top + 40, mid0 | 2);
	put64(top + 40 + 3 * 8, mid3 | 2);
	put64(mid0 + 40, leaf0 | 2);
	put64(mid0 + 48, leaf1 | 2);
	put64(mid3 + 40 + 63 * 8, leaf3 | 2);
	put64(leaf0 + 40, alloc(8, 8));
	put64(leaf0 + 40 + 8 * 4, alloc(8, 8));         /* 4..5: multi-index */
	put64(leaf0 + 40 + 8 * 5, (4 << 2) | 2);        /* sibling of slot 4 */
	put64(leaf0 + 40 + 8 * 9, (42 << 1) | 1);       /* a value entry */
	put64(leaf0 + 40 + 8 * 10, (257 << 2) | 2);     /* XA_ZERO_ENTRY */
	put64(leaf1 + 40 + 8 * 63, alloc(8, 8));
	put64(leaf3 + 40 + 8 * 62, alloc(8, 8));
	put64(leaf3 + 40 + 8 * 63, (256 << 2) | 2);     /* XA_RETRY_ENTRY */
	put64(BASE + XA + 8, top | 2);
	/* Maple tree: arange_64 root over three leaf_64 nodes. */
	uint64_t root = alloc(256, 256);
	uint64_t leaf[3];
	for (int i = 0; i < 3; i++)
		leaf[i] = alloc(256, 256);
	put64(root, BASE + MT + 1);
	put64(root + 8, 0x3fff);
	put64(root + 16, 0x7fff);
	put8(root + 240, 2);
	for (unsigned i = 0; i < 3; i++) {
		put64(root + 80 + 8 * i, enode(leaf[i], 1));
		put64(leaf[i], root | i << 3 | 6);
	}
	for (unsigned i = 0; i < 4; i++) {
		put64(leaf[0] + 8 + 8 * i, 0x1000 * (i + 1) - 1);
		put64(leaf[0] + 128 + 8 * i, i & 1 ? alloc(8, 8) : 0);
	}
	put8(leaf[0] + 248, 3);
	for (unsigned i = 0; i < 16; i++) {
		if (i < 15)
			put64(leaf[1] + 8 + 8 * i, 0x4000 + 0x100 * i + 0xff);
		put64(leaf[1] + 128 + 8 * i, i % 3 == 0 ? ((uint64_t)i << 1) | 1 :
					     i % 3 == 1 ? alloc(8, 8) : 0);
	}
	put64(leaf[2] + 8, 0xffff);
	put64(leaf[2] + 128, alloc(8, 8));
	put8(leaf[2] + 248, 1);
	put64(BASE + MT + 8, enode(root, 3) | 2);
	put64(BASE + MT + 16, 1 | 2 << 2);
}

struct visit_state {
	size_t count, stop_after;
	uint64_t last; /* for order checks */
};

static struct kc_error *visit_node(void *ctx, uint64_t node)
{
	struct visit_state *s = ctx;
	if (node < BASE || node >= BASE + MEM_SIZE)
		abort(); /* every node visited was read from the memory */
	if (++s->count == s->stop_after)
		return kc_error_create(KC_ERR_STOP, "stop");
	return NULL;
}

static struct kc_error *visit_xa(void *ctx, const struct kc_xa_entry *e)
{
	struct visit_state *s = ctx;
	if (e->last < e->index || (s->count && e->index <= s->last) || !e->entry)
		abort(); /* entries come once each, in index order */
	s->last = e->last;
	if (++s->count == s->stop_after)
		return kc_error_create(KC_ERR_STOP, "stop");
	return NULL;
}

static struct kc_error *visit_mt(void *ctx, const struct kc_mt_entry *e)
{
	struct visit_state *s = ctx;
	if (e->last < e->first || (s->count && e->first <= s->last) || !e->entry)
		abort(); /* ranges are disjoint and increasing */
	s->last = e->last;
	if (++s->count == s->stop_after)
		return kc_error_create(KC_ERR_STOP, "stop");
	return NULL;
}

/* Set when the memory is the untouched template: every walk must succeed. */
static bool clean;

/* EXPECTED: the template's element count, checked on a clean walk. */
static void check(struct kc_error *err, const struct visit_state *s, size_t max,
		  size_t expected)
{
	if (s->count > max)
		abort(); /* the bound holds */
	if (clean && (err || s->count != expected))
		abort(); /* the template walks whole */
	if (err && strchr(kc_error_message(err), '\n'))
		abort(); /* one line */
	fuzz_drop_error(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t options = size ? data[0] : 0;
	if (size) {
		data++;
		size--;
	}
	clean = !(options & 1) && size < 10 && !(options & 16) && ((options >> 2) & 3) >= 2;
	if (options & 1) {
		memset(memory, 0, sizeof(memory));
		memcpy(memory, data, size < MEM_SIZE ? size : MEM_SIZE);
	} else {
		build_template();
		for (; size >= 10; data += 10, size -= 10) {
			uint64_t word = ((uint64_t)data[0] | (uint64_t)data[1] << 8) % (MEM_SIZE / 8);
			uint64_t x;
			memcpy(&x, data + 2, 8);
			put64(BASE + word * 8, get64(BASE + word * 8) ^ x);
		}
	}
	static const size_t maxes[] = {4, 64, 4096, SIZE_MAX};
	size_t max = maxes[(options >> 2) & 3];
	size_t stop_after = options & 16 ? 3 : 0;
	xa_layout.chunk_shift = options & 2 ? 4 : 6;
	xa_layout.node_size = options & 2 ? 40 + 16 * 8 + 3 * 8 : 576;
	struct kc_walk_mem mem = {read_memory, NULL};
	struct visit_state s;

	for (int reverse = 0; reverse < 2; reverse++) {
		s = (struct visit_state){.stop_after = stop_after};
		check(kc_walk_list_read(&mem, &list_layout, BASE + LIST_HEAD, reverse, max,
					visit_node, &s), &s, max, 8);
	}
	s = (struct visit_state){.stop_after = stop_after};
	check(kc_walk_hlist_read(&mem, &hlist_layout, BASE + HLIST_HEAD, max, visit_node, &s),
	      &s, max, 5);
	for (int cached = 0; cached < 2; cached++) {
		s = (struct visit_state){.stop_after = stop_after};
		check(kc_walk_rbtree_read(&mem, &rb_layout, BASE + RB_ROOT, cached, max,
					  visit_node, &s), &s, max, 40);
	}
	s = (struct visit_state){.stop_after = stop_after};
	/* With 16 slots (bit 1) the template reads as another XArray. */
	clean &= !(options & 2);
	check(kc_walk_xarray_read(&mem, &xa_layout, BASE + XA, 0, max, visit_xa, &s), &s, max, 5);
	s = (struct visit_state){.stop_after = stop_after};
	check(kc_walk_maple_tree_read(&mem, &mt_layout, BASE + MT, max, visit_mt, &s), &s, max,
	      14);
	return 0;
}
