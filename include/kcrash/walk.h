/* SPDX-License-Identifier: MIT */
/*
 * Walkers of the kernel's generic containers: doubly linked lists
 * (struct list_head), hash lists (struct hlist_head), red-black trees
 * (struct rb_root, struct rb_root_cached), XArrays (struct xarray, which
 * is also the radix tree since v4.20, and struct idr's idr_rt) and maple
 * trees (struct maple_tree, v6.1+).
 *
 * Every walker calls a visitor for each element, in the container's
 * order, and stops when the visitor returns an error (passed up) or
 * KC_ERR_STOP (stop, no error). Kernel memory in a dump is often corrupt,
 * so every walk is bounded by a caller-given maximum of elements, checks
 * the container's own back links (prev, pprev, rb parent, xa_node parent,
 * maple node parent) so that no element is visited twice, and stops at
 * the first inconsistency with an error naming the node and what was
 * expected: never a hang, never garbage passed on as an element.
 *
 * Two levels:
 *  - kc_walk_list(), kc_walk_hlist(), kc_walk_rbtree(), kc_walk_xarray(),
 *    kc_walk_idr(), kc_walk_maple_tree() work on a session: member
 *    offsets come from the session's types (DWARF or BTF), memory from its
 *    dump;
 *  - the *_read() forms take a layout (offsets, filled by the
 *    kc_*_layout() functions or by hand) and a read callback, so the same
 *    walkers run over any memory: a synthetic buffer in the tests, fuzz
 *    input in tests/fuzz/fuzz_walk.c.
 */
#ifndef KCRASH_WALK_H
#define KCRASH_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/memory.h>  /* kc_list_visit_fn */
#include <kcrash/session.h>

/*
 * Reads LEN bytes of kernel virtual memory at ADDR into BUF; an error
 * (NULL on success) when the memory is not there.
 */
typedef struct kc_error *(*kc_walk_read_fn)(void *ctx, uint64_t addr,
					    void *buf, size_t len);

/* A read callback and its context. */
struct kc_walk_mem {
	kc_walk_read_fn read;
	void *ctx;
};

/*
 * A kc_walk_mem reading SESSION's kernel virtual memory (kc_kernel_read):
 * for the *_read() walkers on a real dump.
 */
struct kc_walk_mem kc_walk_session_mem(struct kc_session *session);

/* ---- struct list_head ---------------------------------------------------- */

/* Offsets of next and prev in struct list_head. */
struct kc_list_layout {
	uint64_t next;
	uint64_t prev;
};

/* struct list_head's layout from SESSION's types. */
struct kc_error *kc_list_layout(struct kc_session *session,
				struct kc_list_layout *layout);

/*
 * Walk the circular list whose head (not an entry) is at HEAD: VISIT gets
 * each entry's struct list_head address (subtract the member's offset for
 * the containing object), first to last (list_for_each), or last to first
 * with REVERSE (list_for_each_prev). Each entry's back pointer (prev when
 * going forward, next in reverse) must point to the entry visited before
 * it (the head for the first): a list that does not close, loops, or whose
 * links disagree stops with an error naming the entry. More than MAX
 * entries is an error.
 */
struct kc_error *kc_walk_list(struct kc_session *session, uint64_t head,
			      bool reverse, size_t max, kc_list_visit_fn visit,
			      void *ctx);

/* kc_walk_list over MEM with LAYOUT. */
struct kc_error *kc_walk_list_read(const struct kc_walk_mem *mem,
				   const struct kc_list_layout *layout,
				   uint64_t head, bool reverse, size_t max,
				   kc_list_visit_fn visit, void *ctx);

/* ---- struct hlist_head --------------------------------------------------- */

/* Offsets of hlist_head.first, hlist_node.next and hlist_node.pprev. */
struct kc_hlist_layout {
	uint64_t first;
	uint64_t next;
	uint64_t pprev;
};

/* The hlist layout from SESSION's types. */
struct kc_error *kc_hlist_layout(struct kc_session *session,
				 struct kc_hlist_layout *layout);

/*
 * Walk the NULL-terminated hash list whose struct hlist_head is at HEAD
 * (hlist_for_each): VISIT gets each struct hlist_node address. Each node's
 * pprev must hold the address of the pointer that led to it (&head->first,
 * then &previous->next), which rules out cycles; a node that breaks it,
 * an unreadable or misaligned node, or more than MAX nodes stops the walk
 * with an error naming the node.
 */
struct kc_error *kc_walk_hlist(struct kc_session *session, uint64_t head,
			       size_t max, kc_list_visit_fn visit, void *ctx);

/* kc_walk_hlist over MEM with LAYOUT. */
struct kc_error *kc_walk_hlist_read(const struct kc_walk_mem *mem,
				    const struct kc_hlist_layout *layout,
				    uint64_t head, size_t max,
				    kc_list_visit_fn visit, void *ctx);

/* ---- struct rb_root, struct rb_root_cached ------------------------------- */

/*
 * Offsets in struct rb_node (__rb_parent_color, rb_right, rb_left), of
 * rb_root.rb_node, and of rb_root_cached.rb_leftmost (UINT64_MAX when the
 * kernel has no rb_root_cached, before v4.14).
 */
struct kc_rb_layout {
	uint64_t parent_color;
	uint64_t right;
	uint64_t left;
	uint64_t root_node;
	uint64_t leftmost;
};

/* The rbtree layout from SESSION's types. */
struct kc_error *kc_rb_layout(struct kc_session *session,
			      struct kc_rb_layout *layout);

/*
 * Deepest red-black tree the walker descends: a valid tree of N nodes is
 * at most 2*log2(N+1) deep, so 128 holds any tree that fits in memory.
 */
#define KC_WALK_RB_MAX_DEPTH 128

/*
 * Walk the red-black tree whose struct rb_root is at ROOT in order
 * (rb_first, rb_next, ...): VISIT gets each struct rb_node address
 * (subtract the member's offset for the containing object). The root's
 * parent must be NULL and every child's parent pointer (__rb_parent_color
 * without its colour bit) must point back to the node it hangs from; a
 * node whose two children are the same node, a misaligned or unreadable
 * node, a tree deeper than KC_WALK_RB_MAX_DEPTH or with more than MAX
 * nodes stops the walk with an error naming the node. These checks make a
 * cycle impossible to follow.
 */
struct kc_error *kc_walk_rbtree(struct kc_session *session, uint64_t root,
				size_t max, kc_list_visit_fn visit, void *ctx);

/*
 * kc_walk_rbtree on the struct rb_root_cached at ROOT, which also checks
 * that its rb_leftmost is the first node in order (or NULL when empty).
 */
struct kc_error *kc_walk_rbtree_cached(struct kc_session *session,
				       uint64_t root, size_t max,
				       kc_list_visit_fn visit, void *ctx);

/*
 * kc_walk_rbtree over MEM with LAYOUT; with CACHED, ROOT is a struct
 * rb_root_cached and its rb_leftmost is checked.
 */
struct kc_error *kc_walk_rbtree_read(const struct kc_walk_mem *mem,
				     const struct kc_rb_layout *layout,
				     uint64_t root, bool cached, size_t max,
				     kc_list_visit_fn visit, void *ctx);

/* ---- struct xarray, radix tree, struct idr ------------------------------- */

/*
 * The XArray layout: offsets of xarray.xa_head, of struct xa_node's
 * shift, offset, count, nr_values, parent, array and slots, the node's
 * size, and XA_CHUNK_SHIFT (log2 of the slots array's length: 6, or 4 with
 * CONFIG_BASE_SMALL). For struct idr: offsets of idr_rt and idr_base
 * (UINT64_MAX when the kernel has no idr_base, before v4.16).
 */
struct kc_xa_layout {
	uint64_t xa_head;
	uint64_t node_shift;
	uint64_t node_offset;
	uint64_t node_count;
	uint64_t node_nr_values;
	uint64_t node_parent;
	uint64_t node_array;
	uint64_t node_slots;
	uint64_t node_size;
	unsigned chunk_shift;
	uint64_t idr_rt;
	uint64_t idr_base;
};

/*
 * The XArray layout from SESSION's types (struct xarray and struct
 * xa_node: v4.20+); XA_CHUNK_SHIFT from the length of xa_node.slots.
 */
struct kc_error *kc_xa_layout(struct kc_session *session,
			      struct kc_xa_layout *layout);

/* One present entry of an XArray. */
struct kc_xa_entry {
	uint64_t index;   /* its index (for kc_walk_idr: the id, idr_base added) */
	uint64_t last;    /* last index it covers: > index for a multi-index entry */
	uint64_t entry;   /* the slot's raw value: a pointer, or an encoded value */
	bool is_value;    /* a value entry (xa_mk_value, the radix tree's exceptional) */
	uint64_t value;   /* for a value entry, its integer (entry >> 1) */
	uint64_t node;    /* struct xa_node holding the slot; 0 for xa_head */
};

/* Gets each present entry; returns as kc_list_visit_fn does. */
typedef struct kc_error *(*kc_xa_visit_fn)(void *ctx,
					   const struct kc_xa_entry *entry);

/*
 * Walk the struct xarray at XA in index order (xa_for_each): VISIT gets
 * every present entry: pointers, and value entries flagged as such.
 * Retry and zero entries (XA_RETRY_ENTRY, XA_ZERO_ENTRY: reserved slots)
 * and sibling slots of multi-index entries are not entries and are
 * skipped; a multi-index entry comes once with its range. Handles xa_head
 * holding a single entry (index 0). Every xa_node must have the shift its
 * depth implies, the offset of the slot that points to it, its parent and
 * array pointing back, and a count equal to its non-empty slots; a node
 * that does not, an unreadable one, a tree deeper than 64 bits of index
 * allow, or more than MAX entries stops the walk with an error naming the
 * node.
 */
struct kc_error *kc_walk_xarray(struct kc_session *session, uint64_t xa,
				size_t max, kc_xa_visit_fn visit, void *ctx);

/*
 * Walk the struct idr at IDR (idr_for_each): its idr_rt XArray, each
 * entry's index offset by idr_base to give the id. Entries are the
 * pointers given to idr_alloc.
 */
struct kc_error *kc_walk_idr(struct kc_session *session, uint64_t idr,
			     size_t max, kc_xa_visit_fn visit, void *ctx);

/*
 * kc_walk_xarray over MEM with LAYOUT on the struct xarray at XA; BASE is
 * added to every index (0 for an XArray, idr_base for an IDR).
 */
struct kc_error *kc_walk_xarray_read(const struct kc_walk_mem *mem,
				     const struct kc_xa_layout *layout,
				     uint64_t xa, uint64_t base, size_t max,
				     kc_xa_visit_fn visit, void *ctx);

/* ---- struct maple_tree (v6.1+) -------------------------------------------- */

/* One kind of maple node: where its pivots and slots are, how many. */
struct kc_mt_node_layout {
	uint64_t pivots;      /* offset of the pivot array; unused for dense */
	uint64_t slots;       /* offset of the slot array */
	uint64_t meta_end;    /* offset of meta.end; UINT64_MAX when none */
	unsigned nr_pivots;   /* 0 for dense nodes */
	unsigned nr_slots;
};

/*
 * The maple tree layout: offsets of maple_tree.ma_root and ma_flags, of
 * maple_node.parent, the node's size, the enum maple_type values, and
 * each node kind's layout (maple_range_64 also serves maple_leaf_64;
 * slot counts from the types: 16 and 10 on 64-bit, lib/maple_tree.c).
 */
struct kc_mt_layout {
	uint64_t ma_root;
	uint64_t ma_flags;
	uint64_t node_parent;
	uint64_t node_size;
	unsigned type_dense, type_leaf_64, type_range_64, type_arange_64;
	struct kc_mt_node_layout dense, range_64, arange_64;
};

/* The maple tree layout from SESSION's types (v6.1+). */
struct kc_error *kc_mt_layout(struct kc_session *session,
			      struct kc_mt_layout *layout);

/* One present entry of a maple tree and the range of indices it covers. */
struct kc_mt_entry {
	uint64_t first;
	uint64_t last;
	uint64_t entry;   /* the slot's raw value */
	bool is_value;    /* a value entry (xa_mk_value) */
	uint64_t value;   /* for a value entry, its integer */
	uint64_t node;    /* the struct maple_node holding it; 0 for ma_root */
};

typedef struct kc_error *(*kc_mt_visit_fn)(void *ctx,
					   const struct kc_mt_entry *entry);

/* Deepest maple tree walked: MAPLE_HEIGHT_MAX (include/linux/maple_tree.h). */
#define KC_WALK_MT_MAX_HEIGHT 31

/*
 * Walk the struct maple_tree at MT in index order (mt_for_each): VISIT
 * gets every non-empty range [first, last] with its entry (a struct
 * vm_area_struct * for mm->mm_mt). ma_root may be empty, a single entry
 * (the range [0, 0]) or a node (maple_dense, maple_leaf_64,
 * maple_range_64, maple_arange_64). Each node's parent must encode its
 * parent node and slot (the root: the tree), pivots must increase within
 * the node's range, every leaf must be at the height ma_flags records;
 * a node that breaks one of these, a dead node, an unreadable one, or
 * more than MAX entries stops the walk with an error naming the node.
 * Reserved (internal) entries are skipped.
 */
struct kc_error *kc_walk_maple_tree(struct kc_session *session, uint64_t mt,
				    size_t max, kc_mt_visit_fn visit,
				    void *ctx);

/* kc_walk_maple_tree over MEM with LAYOUT. */
struct kc_error *kc_walk_maple_tree_read(const struct kc_walk_mem *mem,
					 const struct kc_mt_layout *layout,
					 uint64_t mt, size_t max,
					 kc_mt_visit_fn visit, void *ctx);

/* ---- collecting forms ----------------------------------------------------- */

/*
 * Iterator-friendly forms, for callers (the Python bindings) that would
 * rather not be called back: each walks as its visitor form does and
 * returns the elements in order in a malloc'd array (*NODES or *ENTRIES,
 * free() it; NULL when there are none) and their number in *N. On an
 * error the array still holds the elements walked before it and the error
 * is returned: a corrupt container yields its readable part and why the
 * walk stopped.
 */
struct kc_error *kc_walk_list_collect(struct kc_session *session, uint64_t head,
				      bool reverse, size_t max, uint64_t **nodes,
				      size_t *n);
/* kc_walk_hlist's nodes in an array (see the collecting forms above). */
struct kc_error *kc_walk_hlist_collect(struct kc_session *session, uint64_t head,
				       size_t max, uint64_t **nodes, size_t *n);
/*
 * kc_walk_rbtree's nodes in an array; with CACHED, ROOT is a struct
 * rb_root_cached (kc_walk_rbtree_cached).
 */
struct kc_error *kc_walk_rbtree_collect(struct kc_session *session, uint64_t root,
					bool cached, size_t max, uint64_t **nodes,
					size_t *n);
/* kc_walk_xarray's entries in an array. */
struct kc_error *kc_walk_xarray_collect(struct kc_session *session, uint64_t xa,
					size_t max, struct kc_xa_entry **entries,
					size_t *n);
/* kc_walk_idr's entries in an array. */
struct kc_error *kc_walk_idr_collect(struct kc_session *session, uint64_t idr,
				     size_t max, struct kc_xa_entry **entries,
				     size_t *n);
/* kc_walk_maple_tree's entries in an array. */
struct kc_error *kc_walk_maple_tree_collect(struct kc_session *session, uint64_t mt,
					    size_t max, struct kc_mt_entry **entries,
					    size_t *n);

#endif
