/* SPDX-License-Identifier: MIT */
/*
 * Walkers of the kernel's generic containers (include/kcrash/walk.h).
 *
 * Layout facts, each from the kernel release named where it is used:
 *  - struct list_head, struct hlist_head/hlist_node: include/linux/types.h
 *    (unchanged since v2.6);
 *  - struct rb_node, rb_root, rb_root_cached: include/linux/rbtree.h to
 *    v5.17, include/linux/rbtree_types.h since v5.18; the parent pointer
 *    and the colour share __rb_parent_color (colour in bit 0, the node
 *    being long-aligned), rb_root_cached since v4.14;
 *  - struct xarray, struct xa_node and the entry encoding:
 *    include/linux/xarray.h and lib/xarray.c, v4.20 to v6.1 (the radix
 *    tree is the same struct since v4.20, lib/radix-tree.c, and struct
 *    idr wraps one as idr_rt, include/linux/idr.h, with idr_base since
 *    v4.16);
 *  - struct maple_tree and its nodes: include/linux/maple_tree.h and
 *    lib/maple_tree.c, v6.1.
 * Member offsets, array lengths, node sizes and the enum maple_type values
 * come from the session's types; the only constants are the bit encodings
 * the kernel fixes in those headers, named below.
 */
#include <kcrash/walk.h>

#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define ULL(x) ((unsigned long long)(x))

/* ---- memory -------------------------------------------------------------- */

static struct kc_error *session_read(void *ctx, uint64_t addr, void *buf,
				     size_t len)
{
	return kc_kernel_read(ctx, addr, buf, len);
}

struct kc_walk_mem kc_walk_session_mem(struct kc_session *session)
{
	struct kc_walk_mem mem = {session_read, session};
	return mem;
}

static struct kc_error *read_u64(const struct kc_walk_mem *mem, uint64_t addr,
				 uint64_t *value)
{
	return mem->read(mem->ctx, addr, value, sizeof(*value));
}

/* A little-endian integer of SIZE bytes at OFFSET in BUF (arm64 is LE). */
static uint64_t buf_uint(const uint8_t *buf, uint64_t offset, size_t size)
{
	uint64_t v = 0;
	memcpy(&v, buf + offset, size);
	return v;
}

static uint64_t buf_u64(const uint8_t *buf, uint64_t offset)
{
	return buf_uint(buf, offset, 8);
}

/* KC_ERR_STOP from a visitor ends the walk without an error. */
static struct kc_error *walk_result(struct kc_error *err)
{
	if (err && err->code == KC_ERR_STOP) {
		kc_error_destroy(err);
		return NULL;
	}
	return err;
}

/* ---- layouts from the session's types ------------------------------------ */

static struct kc_error *member_offset(struct kc_session *session,
				      const char *type, const char *member,
				      uint64_t *offset)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err)
		return err;
	*offset = m->offset;
	return NULL;
}

/* An array member's offset and length (an error when it is no array). */
static struct kc_error *member_array(struct kc_session *session,
				     const char *type, const char *member,
				     uint64_t *offset, unsigned *length)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err)
		return err;
	struct kc_type element;
	uint64_t len;
	bool complete;
	err = kc_type_array(&m->type, &element, &len, &complete);
	if (err)
		return kc_error_prefix(err, "%s.%s", type, member);
	if (!complete || len == 0 || len > 1024)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s.%s: array of %llu elements, expected 1 to 1024",
				       type, member, ULL(len));
	*offset = m->offset;
	*length = (unsigned)len;
	return NULL;
}

struct kc_error *kc_list_layout(struct kc_session *session,
				struct kc_list_layout *layout)
{
	struct kc_error *err = member_offset(session, "struct list_head", "next",
					     &layout->next);
	if (!err)
		err = member_offset(session, "struct list_head", "prev", &layout->prev);
	return err;
}

struct kc_error *kc_hlist_layout(struct kc_session *session,
				 struct kc_hlist_layout *layout)
{
	struct kc_error *err = member_offset(session, "struct hlist_head", "first",
					     &layout->first);
	if (!err)
		err = member_offset(session, "struct hlist_node", "next", &layout->next);
	if (!err)
		err = member_offset(session, "struct hlist_node", "pprev", &layout->pprev);
	return err;
}

struct kc_error *kc_rb_layout(struct kc_session *session,
			      struct kc_rb_layout *layout)
{
	struct kc_error *err = member_offset(session, "struct rb_node",
					     "__rb_parent_color",
					     &layout->parent_color);
	if (!err)
		err = member_offset(session, "struct rb_node", "rb_right", &layout->right);
	if (!err)
		err = member_offset(session, "struct rb_node", "rb_left", &layout->left);
	if (!err)
		err = member_offset(session, "struct rb_root", "rb_node", &layout->root_node);
	if (err)
		return err;
	layout->leftmost = UINT64_MAX;
	/* rb_root_cached: v4.14+. Its rb_root is the first member. */
	if (kc_kernel_has_member(session, "struct rb_root_cached", "rb_leftmost")) {
		uint64_t rb_root;
		err = member_offset(session, "struct rb_root_cached", "rb_root", &rb_root);
		if (!err)
			err = member_offset(session, "struct rb_root_cached", "rb_leftmost",
					    &layout->leftmost);
		if (err)
			return err;
		if (rb_root != 0)
			return kc_error_create(KC_ERR_UNSUPPORTED,
					       "struct rb_root_cached: rb_root at offset %llu, expected 0",
					       ULL(rb_root));
	}
	return NULL;
}

struct kc_error *kc_xa_layout(struct kc_session *session,
			      struct kc_xa_layout *layout)
{
	static const char node[] = "struct xa_node";
	struct kc_error *err = member_offset(session, "struct xarray", "xa_head",
					     &layout->xa_head);
	unsigned nr_slots = 0;
	if (!err)
		err = member_offset(session, node, "shift", &layout->node_shift);
	if (!err)
		err = member_offset(session, node, "offset", &layout->node_offset);
	if (!err)
		err = member_offset(session, node, "count", &layout->node_count);
	if (!err)
		err = member_offset(session, node, "nr_values", &layout->node_nr_values);
	if (!err)
		err = member_offset(session, node, "parent", &layout->node_parent);
	if (!err)
		err = member_offset(session, node, "array", &layout->node_array);
	if (!err)
		err = member_array(session, node, "slots", &layout->node_slots, &nr_slots);
	if (!err)
		err = kc_kernel_sizeof(session, node, &layout->node_size);
	if (err)
		return err;
	/*
	 * XA_CHUNK_SIZE = 1 << XA_CHUNK_SHIFT slots, XA_CHUNK_SHIFT being 4
	 * with CONFIG_BASE_SMALL and 6 otherwise (include/linux/xarray.h,
	 * v4.20..v6.1): read from the array's length, not assumed.
	 */
	if (nr_slots == 16)
		layout->chunk_shift = 4;
	else if (nr_slots == 64)
		layout->chunk_shift = 6;
	else
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "struct xa_node: %u slots, expected 16 or 64 (XA_CHUNK_SHIFT 4 or 6)",
				       nr_slots);
	layout->idr_rt = UINT64_MAX;
	layout->idr_base = UINT64_MAX;
	if (kc_kernel_has_member(session, "struct idr", "idr_rt")) {
		err = member_offset(session, "struct idr", "idr_rt", &layout->idr_rt);
		if (!err && kc_kernel_has_member(session, "struct idr", "idr_base"))
			err = member_offset(session, "struct idr", "idr_base",
					    &layout->idr_base);
	}
	return err;
}

static struct kc_error *enumerator(struct kc_session *session, const char *name,
				   unsigned *value)
{
	int64_t v;
	struct kc_error *err = kc_kernel_enumerator(session, name, &v, NULL);
	if (err)
		return err;
	if (v < 0 || v > 15)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "enum maple_type: %s = %lld, expected 0..15 (MAPLE_NODE_TYPE_MASK)",
				       name, (long long)v);
	*value = (unsigned)v;
	return NULL;
}

struct kc_error *kc_mt_layout(struct kc_session *session,
			      struct kc_mt_layout *layout)
{
	static const char node[] = "struct maple_node";
	struct kc_error *err = member_offset(session, "struct maple_tree", "ma_root",
					     &layout->ma_root);
	if (!err)
		err = member_offset(session, "struct maple_tree", "ma_flags",
				    &layout->ma_flags);
	if (!err)
		err = member_offset(session, node, "parent", &layout->node_parent);
	if (!err)
		err = kc_kernel_sizeof(session, node, &layout->node_size);
	if (!err)
		err = enumerator(session, "maple_dense", &layout->type_dense);
	if (!err)
		err = enumerator(session, "maple_leaf_64", &layout->type_leaf_64);
	if (!err)
		err = enumerator(session, "maple_range_64", &layout->type_range_64);
	if (!err)
		err = enumerator(session, "maple_arange_64", &layout->type_arange_64);
	/* maple_dense: parent, then slot[MAPLE_NODE_SLOTS]. */
	if (!err)
		err = member_array(session, node, "slot", &layout->dense.slots,
				   &layout->dense.nr_slots);
	layout->dense.pivots = 0;
	layout->dense.nr_pivots = 0;
	layout->dense.meta_end = UINT64_MAX;
	/* maple_range_64 (also maple_leaf_64) and maple_arange_64. */
	if (!err)
		err = member_array(session, node, "mr64.pivot", &layout->range_64.pivots,
				   &layout->range_64.nr_pivots);
	if (!err)
		err = member_array(session, node, "mr64.slot", &layout->range_64.slots,
				   &layout->range_64.nr_slots);
	if (!err)
		err = member_offset(session, node, "mr64.meta.end",
				    &layout->range_64.meta_end);
	if (!err)
		err = member_array(session, node, "ma64.pivot", &layout->arange_64.pivots,
				   &layout->arange_64.nr_pivots);
	if (!err)
		err = member_array(session, node, "ma64.slot", &layout->arange_64.slots,
				   &layout->arange_64.nr_slots);
	if (!err)
		err = member_offset(session, node, "ma64.meta.end",
				    &layout->arange_64.meta_end);
	if (err)
		return err;
	/*
	 * On 64-bit, MAPLE_RANGE64_SLOTS is 16 and MAPLE_ARANGE64_SLOTS 10,
	 * one pivot fewer than slots (include/linux/maple_tree.h, v6.1);
	 * anything else is a layout this walker was not written for.
	 */
	const struct kc_mt_node_layout *r = &layout->range_64, *a = &layout->arange_64;
	if (r->nr_pivots + 1 != r->nr_slots || a->nr_pivots + 1 != a->nr_slots ||
	    r->nr_slots > 32 || a->nr_slots > 32 || layout->dense.nr_slots > 32)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "struct maple_node: range_64 %u pivots %u slots, arange_64 %u pivots %u slots (expected one pivot fewer than slots, at most 32 slots)",
				       r->nr_pivots, r->nr_slots, a->nr_pivots, a->nr_slots);
	return NULL;
}

/* ---- struct list_head ---------------------------------------------------- */

struct kc_error *kc_walk_list_read(const struct kc_walk_mem *mem,
				   const struct kc_list_layout *layout,
				   uint64_t head, bool reverse, size_t max,
				   kc_list_visit_fn visit, void *ctx)
{
	uint64_t ahead = reverse ? layout->prev : layout->next;
	uint64_t back = reverse ? layout->next : layout->prev;
	const char *ahead_name = reverse ? "prev" : "next";
	const char *back_name = reverse ? "next" : "prev";
	uint64_t node, before = head;
	struct kc_error *err = read_u64(mem, head + ahead, &node);
	if (err)
		return kc_error_prefix(err, "list head 0x%llx", ULL(head));
	/*
	 * Each entry's back pointer must name the entry before it: an entry
	 * can then be reached from one entry only, so the walk cannot loop
	 * (and MAX bounds it anyway).
	 */
	for (size_t count = 0; node != head; count++) {
		if (node == 0 || (node & 7))
			return kc_error_address(KC_ERR_FORMAT, before,
						"list at 0x%llx: entry 0x%llx has %s pointer 0x%llx, expected an aligned entry or the head",
						ULL(head), ULL(before), ahead_name, ULL(node));
		if (count >= max)
			return kc_error_address(KC_ERR_FORMAT, node,
						"list at 0x%llx: more than %zu entries (corrupt or circular?), stopped at 0x%llx",
						ULL(head), max, ULL(node));
		uint64_t b;
		err = read_u64(mem, node + back, &b);
		if (err)
			return kc_error_prefix(err, "list at 0x%llx: entry 0x%llx (after 0x%llx)",
					       ULL(head), ULL(node), ULL(before));
		if (b != before)
			return kc_error_address(KC_ERR_FORMAT, node,
						"list at 0x%llx: entry 0x%llx has %s 0x%llx, expected 0x%llx (the entry before it)",
						ULL(head), ULL(node), back_name, ULL(b),
						ULL(before));
		err = visit(ctx, node);
		if (err)
			return walk_result(err);
		err = kc_check_interrupt();
		if (err)
			return err;
		before = node;
		err = read_u64(mem, node + ahead, &node);
		if (err)
			return kc_error_prefix(err, "list at 0x%llx: entry 0x%llx's %s pointer",
					       ULL(head), ULL(before), ahead_name);
	}
	return NULL;
}

struct kc_error *kc_walk_list(struct kc_session *session, uint64_t head,
			      bool reverse, size_t max, kc_list_visit_fn visit,
			      void *ctx)
{
	struct kc_list_layout layout;
	struct kc_error *err = kc_list_layout(session, &layout);
	if (err)
		return err;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_walk_list_read(&mem, &layout, head, reverse, max, visit, ctx);
}

/* ---- struct hlist_head --------------------------------------------------- */

struct kc_error *kc_walk_hlist_read(const struct kc_walk_mem *mem,
				    const struct kc_hlist_layout *layout,
				    uint64_t head, size_t max,
				    kc_list_visit_fn visit, void *ctx)
{
	uint64_t link = head + layout->first; /* where the pointer to NODE is */
	uint64_t node;
	struct kc_error *err = read_u64(mem, link, &node);
	if (err)
		return kc_error_prefix(err, "hlist head 0x%llx", ULL(head));
	for (size_t count = 0; node; count++) {
		if (node & 7)
			return kc_error_address(KC_ERR_FORMAT, node,
						"hlist at 0x%llx: misaligned node 0x%llx (from 0x%llx)",
						ULL(head), ULL(node), ULL(link));
		if (count >= max)
			return kc_error_address(KC_ERR_FORMAT, node,
						"hlist at 0x%llx: more than %zu nodes, stopped at 0x%llx",
						ULL(head), max, ULL(node));
		uint64_t pprev;
		err = read_u64(mem, node + layout->pprev, &pprev);
		if (err)
			return kc_error_prefix(err, "hlist at 0x%llx: node 0x%llx",
					       ULL(head), ULL(node));
		/* pprev is unique to a node: no node is reached twice. */
		if (pprev != link)
			return kc_error_address(KC_ERR_FORMAT, node,
						"hlist at 0x%llx: node 0x%llx has pprev 0x%llx, expected 0x%llx (the pointer that led to it)",
						ULL(head), ULL(node), ULL(pprev), ULL(link));
		err = visit(ctx, node);
		if (err)
			return walk_result(err);
		err = kc_check_interrupt();
		if (err)
			return err;
		link = node + layout->next;
		err = read_u64(mem, link, &node);
		if (err)
			return kc_error_prefix(err, "hlist at 0x%llx: node 0x%llx's next",
					       ULL(head), ULL(link - layout->next));
	}
	return NULL;
}

struct kc_error *kc_walk_hlist(struct kc_session *session, uint64_t head,
			       size_t max, kc_list_visit_fn visit, void *ctx)
{
	struct kc_hlist_layout layout;
	struct kc_error *err = kc_hlist_layout(session, &layout);
	if (err)
		return err;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_walk_hlist_read(&mem, &layout, head, max, visit, ctx);
}

/* ---- red-black trees ----------------------------------------------------- */

struct rb_frame {
	uint64_t node;
	uint64_t right;
	unsigned depth;
};

struct rb_walk {
	const struct kc_walk_mem *mem;
	const struct kc_rb_layout *layout;
	uint64_t root;
	struct rb_frame stack[KC_WALK_RB_MAX_DEPTH];
	unsigned top;
};

/*
 * Push NODE (hanging from PARENT, DEPTH levels below the root) and its
 * chain of left children: the next nodes in order.
 */
static struct kc_error *rb_descend(struct rb_walk *w, uint64_t node,
				   uint64_t parent, unsigned depth)
{
	const struct kc_rb_layout *l = w->layout;
	while (node) {
		if (node & 7)
			return kc_error_address(KC_ERR_FORMAT, node,
						"rbtree at 0x%llx: misaligned node 0x%llx (child of 0x%llx)",
						ULL(w->root), ULL(node), ULL(parent));
		if (depth >= KC_WALK_RB_MAX_DEPTH)
			return kc_error_address(KC_ERR_FORMAT, node,
						"rbtree at 0x%llx: node 0x%llx is deeper than %u levels (corrupt or circular?)",
						ULL(w->root), ULL(node), KC_WALK_RB_MAX_DEPTH);
		uint64_t pc, left, right;
		struct kc_error *err = read_u64(w->mem, node + l->parent_color, &pc);
		if (!err)
			err = read_u64(w->mem, node + l->left, &left);
		if (!err)
			err = read_u64(w->mem, node + l->right, &right);
		if (err)
			return kc_error_prefix(err, "rbtree at 0x%llx: node 0x%llx (child of 0x%llx)",
					       ULL(w->root), ULL(node), ULL(parent));
		/* __rb_parent(pc) is pc & ~3 (include/linux/rbtree_augmented.h). */
		if ((pc & ~UINT64_C(3)) != parent)
			return kc_error_address(KC_ERR_FORMAT, node,
						"rbtree at 0x%llx: node 0x%llx has parent 0x%llx, expected 0x%llx",
						ULL(w->root), ULL(node), ULL(pc & ~UINT64_C(3)),
						ULL(parent));
		if (left && left == right)
			return kc_error_address(KC_ERR_FORMAT, node,
						"rbtree at 0x%llx: node 0x%llx has the same left and right child 0x%llx",
						ULL(w->root), ULL(node), ULL(left));
		/* The stack holds at most one frame per level: DEPTH < its size. */
		w->stack[w->top++] = (struct rb_frame){node, right, depth};
		parent = node;
		node = left;
		depth++;
	}
	return NULL;
}

struct kc_error *kc_walk_rbtree_read(const struct kc_walk_mem *mem,
				     const struct kc_rb_layout *layout,
				     uint64_t root, bool cached, size_t max,
				     kc_list_visit_fn visit, void *ctx)
{
	if (cached && layout->leftmost == UINT64_MAX)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "rbtree at 0x%llx: this kernel has no struct rb_root_cached",
				       ULL(root));
	uint64_t first, leftmost = 0;
	struct kc_error *err = read_u64(mem, root + layout->root_node, &first);
	if (!err && cached)
		err = read_u64(mem, root + layout->leftmost, &leftmost);
	if (err)
		return kc_error_prefix(err, "rbtree root 0x%llx", ULL(root));
	struct rb_walk *w = calloc(1, sizeof(*w));
	if (!w)
		return &kc_error_nomem;
	w->mem = mem;
	w->layout = layout;
	w->root = root;
	err = rb_descend(w, first, 0, 0);
	size_t count = 0;
	if (!err && cached && (w->top ? w->stack[w->top - 1].node : 0) != leftmost)
		err = kc_error_address(KC_ERR_FORMAT, root,
				       "rbtree at 0x%llx: rb_leftmost is 0x%llx, expected the first node 0x%llx",
				       ULL(root), ULL(leftmost),
				       ULL(w->top ? w->stack[w->top - 1].node : 0));
	while (!err && w->top > 0) {
		struct rb_frame f = w->stack[--w->top];
		if (count++ >= max) {
			err = kc_error_address(KC_ERR_FORMAT, f.node,
					       "rbtree at 0x%llx: more than %zu nodes, stopped at 0x%llx",
					       ULL(root), max, ULL(f.node));
			break;
		}
		err = visit(ctx, f.node);
		if (err) {
			err = walk_result(err);
			break;
		}
		err = kc_check_interrupt();
		if (!err)
			err = rb_descend(w, f.right, f.node, f.depth + 1);
	}
	free(w);
	return err;
}

struct kc_error *kc_walk_rbtree(struct kc_session *session, uint64_t root,
				size_t max, kc_list_visit_fn visit, void *ctx)
{
	struct kc_rb_layout layout;
	struct kc_error *err = kc_rb_layout(session, &layout);
	if (err)
		return err;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_walk_rbtree_read(&mem, &layout, root, false, max, visit, ctx);
}

struct kc_error *kc_walk_rbtree_cached(struct kc_session *session,
				       uint64_t root, size_t max,
				       kc_list_visit_fn visit, void *ctx)
{
	struct kc_rb_layout layout;
	struct kc_error *err = kc_rb_layout(session, &layout);
	if (err)
		return err;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_walk_rbtree_read(&mem, &layout, root, true, max, visit, ctx);
}

/* ---- XArray -------------------------------------------------------------- */

/*
 * Entry encoding (include/linux/xarray.h, v4.20..v6.1): bit 0 set is a
 * value entry (xa_mk_value: v << 1 | 1); low bits 10 an internal entry
 * (xa_mk_internal: v << 2 | 2), which is a node pointer (node | 2) when
 * above 4096, a sibling (v < XA_CHUNK_SIZE - 1: the slot of the
 * multi-index entry), XA_RETRY_ENTRY (256) or XA_ZERO_ENTRY (257); low bits
 * 00 a pointer.
 */
#define XA_INTERNAL(v) (((uint64_t)(v) << 2) | 2)
#define XA_RETRY_ENTRY XA_INTERNAL(256)
#define XA_ZERO_ENTRY XA_INTERNAL(257)

static bool xa_is_internal(uint64_t e) { return (e & 3) == 2; }
static bool xa_is_node(uint64_t e) { return xa_is_internal(e) && e > 4096; }

/* Levels a 64-bit index needs, plus one for the top node's spare bits. */
#define XA_MAX_LEVELS (64 / 4 + 1)

struct xa_walk {
	const struct kc_walk_mem *mem;
	const struct kc_xa_layout *l;
	uint64_t xa, base;
	size_t max, count, nodes, max_nodes;
	kc_xa_visit_fn visit;
	void *ctx;
	uint8_t *bufs[XA_MAX_LEVELS];
};

static struct kc_error *xa_report(struct xa_walk *w, uint64_t node,
				  uint64_t entry, uint64_t index, uint64_t last)
{
	if (w->count++ >= w->max)
		return kc_error_address(KC_ERR_FORMAT, node ? node : w->xa,
					"xarray at 0x%llx: more than %zu entries, stopped at index %llu in %s 0x%llx",
					ULL(w->xa), w->max, ULL(index + w->base),
					node ? "node" : "the xarray", ULL(node ? node : w->xa));
	if (last > UINT64_MAX - w->base)
		return kc_error_address(KC_ERR_FORMAT, node ? node : w->xa,
					"xarray at 0x%llx: index %llu plus idr_base %llu is past 2^64",
					ULL(w->xa), ULL(last), ULL(w->base));
	struct kc_xa_entry e = {
		.index = index + w->base,
		.last = last + w->base,
		.entry = entry,
		.is_value = entry & 1,
		.value = entry >> 1,
		.node = node,
	};
	struct kc_error *err = w->visit(w->ctx, &e);
	if (err)
		return err; /* KC_ERR_STOP included: passed up to the top */
	return kc_check_interrupt();
}

/*
 * The xa_node at NODE, expected at LEVEL levels below the top with SHIFT
 * (the top's own when LEVEL is 0), hanging from slot OFFSET of PARENT
 * (0 for the top), its first index BASE.
 */
static struct kc_error *xa_walk_node(struct xa_walk *w, uint64_t node,
				     unsigned level, unsigned shift,
				     uint64_t parent, unsigned offset,
				     uint64_t base)
{
	const struct kc_xa_layout *l = w->l;
	unsigned chunk = 1u << l->chunk_shift;
	if (level >= XA_MAX_LEVELS)
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: node 0x%llx is more than %u levels deep",
					ULL(w->xa), ULL(node), XA_MAX_LEVELS);
	if (++w->nodes > w->max_nodes)
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: more than %zu nodes for at most %zu entries, stopped at node 0x%llx",
					ULL(w->xa), w->max_nodes, w->max, ULL(node));
	if (node & 7)
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: misaligned node 0x%llx (slot %u of 0x%llx)",
					ULL(w->xa), ULL(node), offset, ULL(parent));
	if (!w->bufs[level] && !(w->bufs[level] = malloc(l->node_size)))
		return &kc_error_nomem;
	uint8_t *buf = w->bufs[level];
	struct kc_error *err = w->mem->read(w->mem->ctx, node, buf, l->node_size);
	if (err)
		return kc_error_prefix(err, "xarray at 0x%llx: node 0x%llx (slot %u of 0x%llx)",
				       ULL(w->xa), ULL(node), offset, ULL(parent));
	unsigned nshift = (unsigned)buf_uint(buf, l->node_shift, 1);
	unsigned noffset = (unsigned)buf_uint(buf, l->node_offset, 1);
	unsigned ncount = (unsigned)buf_uint(buf, l->node_count, 1);
	uint64_t nparent = buf_u64(buf, l->node_parent);
	uint64_t narray = buf_u64(buf, l->node_array);
	if (level == 0) {
		/* The top node covers chunk << shift indices: shift < 64. */
		if (nshift % l->chunk_shift || nshift >= 64)
			return kc_error_address(KC_ERR_FORMAT, node,
						"xarray at 0x%llx: top node 0x%llx has shift %u, expected a multiple of %u below 64",
						ULL(w->xa), ULL(node), nshift, l->chunk_shift);
		shift = nshift;
	} else if (nshift != shift) {
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: node 0x%llx (slot %u of 0x%llx) has shift %u, expected %u",
					ULL(w->xa), ULL(node), offset, ULL(parent), nshift, shift);
	}
	if (nparent != parent || noffset != offset)
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: node 0x%llx has parent 0x%llx offset %u, expected 0x%llx offset %u",
					ULL(w->xa), ULL(node), ULL(nparent), noffset,
					ULL(parent), offset);
	if (narray != w->xa)
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: node 0x%llx has array 0x%llx, expected 0x%llx",
					ULL(w->xa), ULL(node), ULL(narray), ULL(w->xa));
	uint64_t slots[64];
	unsigned used = 0;
	for (unsigned i = 0; i < chunk; i++) {
		slots[i] = buf_u64(buf, l->node_slots + 8 * (uint64_t)i);
		used += slots[i] != 0;
	}
	if (used != ncount)
		return kc_error_address(KC_ERR_FORMAT, node,
					"xarray at 0x%llx: node 0x%llx has count %u, expected %u (its non-empty slots)",
					ULL(w->xa), ULL(node), ncount, used);
	for (unsigned i = 0; i < chunk; i++) {
		uint64_t e = slots[i];
		uint64_t index = base + ((uint64_t)i << shift);
		if (!e)
			continue;
		/* A top node of shift 60 with 64 slots reaches past 2^64. */
		if (shift && i > (UINT64_MAX >> shift))
			return kc_error_address(KC_ERR_FORMAT, node,
						"xarray at 0x%llx: node 0x%llx (shift %u) has slot %u in use, past the 64-bit index space",
						ULL(w->xa), ULL(node), shift, i);
		if (xa_is_node(e)) {
			if (shift == 0)
				return kc_error_address(KC_ERR_FORMAT, node,
							"xarray at 0x%llx: leaf node 0x%llx (shift 0) has node 0x%llx in slot %u",
							ULL(w->xa), ULL(node), ULL(e - 2), i);
			err = xa_walk_node(w, e - 2, level + 1, shift - l->chunk_shift,
					   node, i, index);
			if (err)
				return err;
			/* Deeper levels used the other buffers; ours is intact. */
			continue;
		}
		if (xa_is_internal(e)) {
			uint64_t v = e >> 2;
			if (v < chunk - 1) {
				/* A sibling: part of the entry in slot v, before it. */
				if (v >= i)
					return kc_error_address(KC_ERR_FORMAT, node,
								"xarray at 0x%llx: node 0x%llx slot %u is a sibling of slot %llu, expected an earlier slot",
								ULL(w->xa), ULL(node), i, ULL(v));
				continue;
			}
			if (e == XA_RETRY_ENTRY || e == XA_ZERO_ENTRY)
				continue;
			return kc_error_address(KC_ERR_FORMAT, node,
						"xarray at 0x%llx: node 0x%llx slot %u holds internal entry 0x%llx, expected a node, sibling, retry or zero entry",
						ULL(w->xa), ULL(node), i, ULL(e));
		}
		/* A multi-index entry's siblings follow it. */
		unsigned j = i + 1;
		while (j < chunk && slots[j] == XA_INTERNAL(i))
			j++;
		/* (j - i) << shift indices, written so 2^64 does not wrap. */
		uint64_t span_1 = ((uint64_t)(j - i - 1) << shift) +
				  ((UINT64_C(1) << shift) - 1);
		if (span_1 > UINT64_MAX - index)
			return kc_error_address(KC_ERR_FORMAT, node,
						"xarray at 0x%llx: node 0x%llx slot %u's entry reaches past the 64-bit index space",
						ULL(w->xa), ULL(node), i);
		err = xa_report(w, node, e, index, index + span_1);
		if (err)
			return err;
	}
	return NULL;
}

struct kc_error *kc_walk_xarray_read(const struct kc_walk_mem *mem,
				     const struct kc_xa_layout *layout,
				     uint64_t xa, uint64_t base, size_t max,
				     kc_xa_visit_fn visit, void *ctx)
{
	if (layout->chunk_shift != 4 && layout->chunk_shift != 6)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "xarray layout: XA_CHUNK_SHIFT %u, expected 4 or 6",
				       layout->chunk_shift);
	uint64_t needed = layout->node_slots + 8 * (UINT64_C(1) << layout->chunk_shift);
	if (layout->node_size < needed || layout->node_size > 4096 ||
	    layout->node_shift >= layout->node_size ||
	    layout->node_offset >= layout->node_size ||
	    layout->node_count >= layout->node_size ||
	    layout->node_parent + 8 > layout->node_size ||
	    layout->node_array + 8 > layout->node_size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "xarray layout: members outside an xa_node of %llu bytes (its slots need %llu, at most 4096)",
				       ULL(layout->node_size), ULL(needed));
	uint64_t head;
	struct kc_error *err = read_u64(mem, xa + layout->xa_head, &head);
	if (err)
		return kc_error_prefix(err, "xarray at 0x%llx", ULL(xa));
	struct xa_walk w = {
		.mem = mem, .l = layout, .xa = xa, .base = base, .max = max,
		.visit = visit, .ctx = ctx,
	};
	/* Every node holds an entry or a node: a generous bound on nodes. */
	w.max_nodes = max > SIZE_MAX / XA_MAX_LEVELS ? SIZE_MAX : max * XA_MAX_LEVELS + 1;
	if (!head)
		return NULL;
	if (xa_is_node(head)) {
		err = xa_walk_node(&w, head - 2, 0, 0, 0, 0, 0);
	} else if (xa_is_internal(head)) {
		/* xa_head is a node or an entry at index 0: a retry or zero
		 * entry there is no entry; anything else internal is wrong. */
		if (head != XA_RETRY_ENTRY && head != XA_ZERO_ENTRY)
			err = kc_error_address(KC_ERR_FORMAT, xa,
					       "xarray at 0x%llx: xa_head holds internal entry 0x%llx, expected a node, an entry or NULL",
					       ULL(xa), ULL(head));
	} else {
		err = xa_report(&w, 0, head, 0, 0);
	}
	for (size_t i = 0; i < XA_MAX_LEVELS; i++)
		free(w.bufs[i]);
	return walk_result(err);
}

struct kc_error *kc_walk_xarray(struct kc_session *session, uint64_t xa,
				size_t max, kc_xa_visit_fn visit, void *ctx)
{
	struct kc_xa_layout layout;
	struct kc_error *err = kc_xa_layout(session, &layout);
	if (err)
		return err;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_walk_xarray_read(&mem, &layout, xa, 0, max, visit, ctx);
}

struct kc_error *kc_walk_idr(struct kc_session *session, uint64_t idr,
			     size_t max, kc_xa_visit_fn visit, void *ctx)
{
	struct kc_xa_layout layout;
	struct kc_error *err = kc_xa_layout(session, &layout);
	if (err)
		return err;
	if (layout.idr_rt == UINT64_MAX)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "idr at 0x%llx: struct idr has no idr_rt in this kernel's types",
				       ULL(idr));
	uint32_t base = 0;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	if (layout.idr_base != UINT64_MAX) {
		err = mem.read(mem.ctx, idr + layout.idr_base, &base, sizeof(base));
		if (err)
			return kc_error_prefix(err, "idr at 0x%llx: idr_base", ULL(idr));
	}
	return kc_walk_xarray_read(&mem, &layout, idr + layout.idr_rt, base, max,
				   visit, ctx);
}

/* ---- maple trees ---------------------------------------------------------- */

/*
 * Encodings (lib/maple_tree.c and include/linux/maple_tree.h, v6.1):
 *  - ma_root: NULL; an entry for index 0 alone; or, when xa_is_node(),
 *    a node: mte_mk_root() sets bit 1 (MAPLE_ROOT_NODE) of the encoded
 *    node;
 *  - an encoded node ("maple_enode"): the 256-byte aligned node address
 *    (MAPLE_NODE_MASK 0xff) | type << 3 (MAPLE_ENODE_TYPE_SHIFT, 4 bits of
 *    MAPLE_NODE_TYPE_MASK) | 4 (MAPLE_ENODE_NULL);
 *  - node->parent: the root's is the tree's address | 1 (MA_ROOT_PARENT);
 *    another's, under a 64-bit range node, the parent node's address |
 *    slot << 3 (MAPLE_PARENT_SLOT_SHIFT, mask 0xf8) | 6
 *    (MAPLE_PARENT_RANGE64); a dead node's parent is itself;
 *  - ma_flags: the height in bits 2..6 (MT_FLAGS_HEIGHT_MASK 0x7c,
 *    MT_FLAGS_HEIGHT_OFFSET 2);
 *  - a range node's data ends at meta.end unless its last pivot is set
 *    (ma_data_end()); a pivot of 0 past the first slot means the node's
 *    maximum (mas_logical_pivot()); entries below 4096 with low bits 10
 *    are reserved (mt_is_reserved()), not entries.
 */
#define MAPLE_NODE_MASK UINT64_C(0xff)
#define MAPLE_ROOT_NODE UINT64_C(0x02)
#define MAPLE_ENODE_TYPE_SHIFT 3
#define MAPLE_ENODE_NULL UINT64_C(0x04)
#define MAPLE_NODE_TYPE_MASK 0x0f
#define MA_ROOT_PARENT UINT64_C(1)
#define MAPLE_PARENT_SLOT_SHIFT 3
#define MAPLE_PARENT_RANGE64 UINT64_C(0x06)
#define MT_FLAGS_HEIGHT_MASK 0x7c
#define MT_FLAGS_HEIGHT_OFFSET 2

struct mt_walk {
	const struct kc_walk_mem *mem;
	const struct kc_mt_layout *l;
	uint64_t mt;
	unsigned height;
	size_t max, count, nodes, max_nodes;
	kc_mt_visit_fn visit;
	void *ctx;
	uint8_t *bufs[KC_WALK_MT_MAX_HEIGHT];
};

static const char *mt_type_name(const struct kc_mt_layout *l, unsigned type)
{
	if (type == l->type_dense)
		return "maple_dense";
	if (type == l->type_leaf_64)
		return "maple_leaf_64";
	if (type == l->type_range_64)
		return "maple_range_64";
	if (type == l->type_arange_64)
		return "maple_arange_64";
	return "unknown";
}

static struct kc_error *mt_report(struct mt_walk *w, uint64_t node,
				  uint64_t entry, uint64_t first, uint64_t last)
{
	if (w->count++ >= w->max)
		return kc_error_address(KC_ERR_FORMAT, node ? node : w->mt,
					"maple tree at 0x%llx: more than %zu entries, stopped at [0x%llx, 0x%llx] in %s 0x%llx",
					ULL(w->mt), w->max, ULL(first), ULL(last),
					node ? "node" : "the tree", ULL(node ? node : w->mt));
	struct kc_mt_entry e = {
		.first = first,
		.last = last,
		.entry = entry,
		.is_value = entry & 1,
		.value = entry >> 1,
		.node = node,
	};
	struct kc_error *err = w->visit(w->ctx, &e);
	if (err)
		return err;
	return kc_check_interrupt();
}

/*
 * The node at NODE of TYPE covering [MIN, MAX], DEPTH levels below the
 * root, whose parent field must be EXPECTED_PARENT.
 */
static struct kc_error *mt_walk_node(struct mt_walk *w, uint64_t node,
				     unsigned type, uint64_t min, uint64_t max,
				     unsigned depth, uint64_t expected_parent)
{
	const struct kc_mt_layout *l = w->l;
	if (depth >= KC_WALK_MT_MAX_HEIGHT || (w->height && depth >= w->height))
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: node 0x%llx at depth %u, below the tree's height %u",
					ULL(w->mt), ULL(node), depth + 1,
					w->height ? w->height : KC_WALK_MT_MAX_HEIGHT);
	if (++w->nodes > w->max_nodes)
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: more than %zu nodes for at most %zu entries, stopped at node 0x%llx",
					ULL(w->mt), w->max_nodes, w->max, ULL(node));
	const struct kc_mt_node_layout *nl;
	bool leaf;
	if (type == l->type_dense) {
		nl = &l->dense;
		leaf = true;
	} else if (type == l->type_leaf_64) {
		nl = &l->range_64;
		leaf = true;
	} else if (type == l->type_range_64) {
		nl = &l->range_64;
		leaf = false;
	} else if (type == l->type_arange_64) {
		nl = &l->arange_64;
		leaf = false;
	} else {
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: node 0x%llx has type %u, expected a maple_type (dense, leaf_64, range_64, arange_64)",
					ULL(w->mt), ULL(node), type);
	}
	if (leaf && w->height && depth + 1 != w->height)
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: leaf node 0x%llx at depth %u, expected the tree's height %u",
					ULL(w->mt), ULL(node), depth + 1, w->height);
	if (!w->bufs[depth] && !(w->bufs[depth] = malloc(l->node_size)))
		return &kc_error_nomem;
	uint8_t *buf = w->bufs[depth];
	struct kc_error *err = w->mem->read(w->mem->ctx, node, buf, l->node_size);
	if (err)
		return kc_error_prefix(err, "maple tree at 0x%llx: %s node 0x%llx",
				       ULL(w->mt), mt_type_name(l, type), ULL(node));
	uint64_t parent = buf_u64(buf, l->node_parent);
	if ((parent & ~MAPLE_NODE_MASK) == node)
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: node 0x%llx is dead (its parent is itself)",
					ULL(w->mt), ULL(node));
	if (parent != expected_parent)
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: %s node 0x%llx has parent 0x%llx, expected 0x%llx",
					ULL(w->mt), mt_type_name(l, type), ULL(node),
					ULL(parent), ULL(expected_parent));
	uint64_t pivots[32] = {0}, slots[32];
	for (unsigned i = 0; i < nl->nr_pivots; i++)
		pivots[i] = buf_u64(buf, nl->pivots + 8 * (uint64_t)i);
	for (unsigned i = 0; i < nl->nr_slots; i++)
		slots[i] = buf_u64(buf, nl->slots + 8 * (uint64_t)i);
	/* The last slot in use. */
	unsigned end;
	if (nl->nr_pivots == 0) {
		/* Dense: one index per slot, as many as the range holds. */
		uint64_t span = max - min;
		end = span < nl->nr_slots - 1 ? (unsigned)span : nl->nr_slots - 1;
	} else if (type == l->type_arange_64 || pivots[nl->nr_pivots - 1] == 0) {
		end = (unsigned)buf_uint(buf, nl->meta_end, 1);
	} else if (pivots[nl->nr_pivots - 1] == max) {
		end = nl->nr_pivots - 1;
	} else {
		end = nl->nr_pivots;
	}
	if (end >= nl->nr_slots)
		return kc_error_address(KC_ERR_FORMAT, node,
					"maple tree at 0x%llx: %s node 0x%llx ends at slot %u, expected below %u",
					ULL(w->mt), mt_type_name(l, type), ULL(node), end,
					nl->nr_slots);
	uint64_t first = min;
	for (unsigned i = 0; i <= end; i++) {
		uint64_t last;
		if (nl->nr_pivots == 0)
			last = first;
		else if (i >= nl->nr_pivots || (pivots[i] == 0 && i > 0))
			last = max;
		else
			last = pivots[i];
		if (last < first || last > max || (i < end && last == max))
			return kc_error_address(KC_ERR_FORMAT, node,
						"maple tree at 0x%llx: %s node 0x%llx slot %u ends at 0x%llx, expected in [0x%llx, 0x%llx%s",
						ULL(w->mt), mt_type_name(l, type), ULL(node), i,
						ULL(last), ULL(first), ULL(max),
						i < end ? ") (not its last slot)" : "]");
		uint64_t e = slots[i];
		if (leaf) {
			/* NULL: a gap; reserved internal entries: no entry. */
			if (e && !(xa_is_internal(e) && e < 4096)) {
				err = mt_report(w, node, e, first, last);
				if (err)
					return err;
			}
		} else {
			/* Low byte: the type (bits 3..6) and MAPLE_ENODE_NULL only. */
			uint64_t low = e & MAPLE_NODE_MASK;
			uint64_t enode_bits = (uint64_t)MAPLE_NODE_TYPE_MASK << MAPLE_ENODE_TYPE_SHIFT |
					      MAPLE_ENODE_NULL;
			if (!e || (low & ~enode_bits) || !(low & MAPLE_ENODE_NULL))
				return kc_error_address(KC_ERR_FORMAT, node,
							"maple tree at 0x%llx: %s node 0x%llx slot %u holds 0x%llx, expected an encoded child node",
							ULL(w->mt), mt_type_name(l, type), ULL(node), i,
							ULL(e));
			uint64_t child = e & ~MAPLE_NODE_MASK;
			unsigned ctype = (unsigned)(e >> MAPLE_ENODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
			err = mt_walk_node(w, child, ctype, first, last, depth + 1,
					   node | (uint64_t)i << MAPLE_PARENT_SLOT_SHIFT |
					   MAPLE_PARENT_RANGE64);
			if (err)
				return err;
		}
		if (last == max)
			break;
		first = last + 1;
	}
	return NULL;
}

struct kc_error *kc_walk_maple_tree_read(const struct kc_walk_mem *mem,
					 const struct kc_mt_layout *layout,
					 uint64_t mt, size_t max,
					 kc_mt_visit_fn visit, void *ctx)
{
	const struct kc_mt_node_layout *kinds[] = {&layout->dense, &layout->range_64,
						   &layout->arange_64};
	if (layout->node_size < 16 || layout->node_size > 4096)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "maple tree layout: node of %llu bytes, expected 16 to 4096",
				       ULL(layout->node_size));
	for (size_t k = 0; k < 3; k++) {
		const struct kc_mt_node_layout *nl = kinds[k];
		if (nl->nr_slots == 0 || nl->nr_slots > 32 || nl->nr_pivots > 31 ||
		    (nl->nr_pivots && nl->nr_pivots + 1 != nl->nr_slots) ||
		    nl->slots + 8 * (uint64_t)nl->nr_slots > layout->node_size ||
		    nl->pivots + 8 * (uint64_t)nl->nr_pivots > layout->node_size ||
		    (nl->meta_end != UINT64_MAX && nl->meta_end >= layout->node_size) ||
		    (nl->nr_pivots && nl->meta_end == UINT64_MAX) ||
		    layout->node_parent + 8 > layout->node_size)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "maple tree layout: node kind %zu does not fit a %llu-byte node",
					       k, ULL(layout->node_size));
	}
	uint64_t root;
	uint32_t flags;
	struct kc_error *err = read_u64(mem, mt + layout->ma_root, &root);
	if (!err)
		err = mem->read(mem->ctx, mt + layout->ma_flags, &flags, sizeof(flags));
	if (err)
		return kc_error_prefix(err, "maple tree at 0x%llx", ULL(mt));
	struct mt_walk w = {
		.mem = mem, .l = layout, .mt = mt, .max = max, .visit = visit, .ctx = ctx,
		.height = (flags & MT_FLAGS_HEIGHT_MASK) >> MT_FLAGS_HEIGHT_OFFSET,
	};
	/* Every leaf holds at least one entry or gap next to one: bound nodes. */
	w.max_nodes = max > SIZE_MAX / 4 ? SIZE_MAX : 2 * max + 64;
	if (!root)
		return NULL;
	if (!xa_is_node(root)) {
		if (xa_is_internal(root))
			return NULL; /* reserved */
		return walk_result(mt_report(&w, 0, root, 0, 0));
	}
	uint64_t enode = root & ~MAPLE_ROOT_NODE;
	err = mt_walk_node(&w, enode & ~MAPLE_NODE_MASK,
			   (unsigned)(enode >> MAPLE_ENODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK,
			   0, UINT64_MAX, 0, mt | MA_ROOT_PARENT);
	for (size_t i = 0; i < KC_WALK_MT_MAX_HEIGHT; i++)
		free(w.bufs[i]);
	return walk_result(err);
}

struct kc_error *kc_walk_maple_tree(struct kc_session *session, uint64_t mt,
				    size_t max, kc_mt_visit_fn visit, void *ctx)
{
	struct kc_mt_layout layout;
	struct kc_error *err = kc_mt_layout(session, &layout);
	if (err)
		return err;
	struct kc_walk_mem mem = kc_walk_session_mem(session);
	return kc_walk_maple_tree_read(&mem, &layout, mt, max, visit, ctx);
}

/* ---- collecting forms ----------------------------------------------------- */

/* A growing array of ELEM_SIZE-byte elements. */
struct collect {
	void *items;
	size_t n, capacity, elem_size;
};

static struct kc_error *collect_add(struct collect *c, const void *item)
{
	if (c->n == c->capacity) {
		size_t cap = c->capacity ? c->capacity * 2 : 64;
		void *items = realloc(c->items, cap * c->elem_size);
		if (!items)
			return &kc_error_nomem;
		c->items = items;
		c->capacity = cap;
	}
	memcpy((uint8_t *)c->items + c->n * c->elem_size, item, c->elem_size);
	c->n++;
	return NULL;
}

static struct kc_error *collect_node(void *ctx, uint64_t node)
{
	return collect_add(ctx, &node);
}

static struct kc_error *collect_xa(void *ctx, const struct kc_xa_entry *e)
{
	return collect_add(ctx, e);
}

static struct kc_error *collect_mt(void *ctx, const struct kc_mt_entry *e)
{
	return collect_add(ctx, e);
}

/* The array (NULL when empty) and its length into *N. */
static void *collect_done(struct collect *c, size_t *n)
{
	if (c->n == 0) {
		free(c->items);
		c->items = NULL;
	}
	*n = c->n;
	return c->items;
}

struct kc_error *kc_walk_list_collect(struct kc_session *session, uint64_t head,
				      bool reverse, size_t max, uint64_t **nodes,
				      size_t *n)
{
	struct collect c = {.elem_size = sizeof(**nodes)};
	struct kc_error *err = kc_walk_list(session, head, reverse, max, collect_node, &c);
	*nodes = collect_done(&c, n);
	return err;
}

struct kc_error *kc_walk_hlist_collect(struct kc_session *session, uint64_t head,
				       size_t max, uint64_t **nodes, size_t *n)
{
	struct collect c = {.elem_size = sizeof(**nodes)};
	struct kc_error *err = kc_walk_hlist(session, head, max, collect_node, &c);
	*nodes = collect_done(&c, n);
	return err;
}

struct kc_error *kc_walk_rbtree_collect(struct kc_session *session, uint64_t root,
					bool cached, size_t max, uint64_t **nodes,
					size_t *n)
{
	struct collect c = {.elem_size = sizeof(**nodes)};
	struct kc_error *err = cached ?
		kc_walk_rbtree_cached(session, root, max, collect_node, &c) :
		kc_walk_rbtree(session, root, max, collect_node, &c);
	*nodes = collect_done(&c, n);
	return err;
}

struct kc_error *kc_walk_xarray_collect(struct kc_session *session, uint64_t xa,
					size_t max, struct kc_xa_entry **entries,
					size_t *n)
{
	struct collect c = {.elem_size = sizeof(**entries)};
	struct kc_error *err = kc_walk_xarray(session, xa, max, collect_xa, &c);
	*entries = collect_done(&c, n);
	return err;
}

struct kc_error *kc_walk_idr_collect(struct kc_session *session, uint64_t idr,
				     size_t max, struct kc_xa_entry **entries,
				     size_t *n)
{
	struct collect c = {.elem_size = sizeof(**entries)};
	struct kc_error *err = kc_walk_idr(session, idr, max, collect_xa, &c);
	*entries = collect_done(&c, n);
	return err;
}

struct kc_error *kc_walk_maple_tree_collect(struct kc_session *session, uint64_t mt,
					    size_t max, struct kc_mt_entry **entries,
					    size_t *n)
{
	struct collect c = {.elem_size = sizeof(**entries)};
	struct kc_error *err = kc_walk_maple_tree(session, mt, max, collect_mt, &c);
	*entries = collect_done(&c, n);
	return err;
}
