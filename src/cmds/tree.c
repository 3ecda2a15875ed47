/* SPDX-License-Identifier: MIT */
/*
 * tree: the entries of a red-black tree, radix tree/XArray or maple tree
 * in crash's layout (tools.c cmd_tree, rbtree_iteration, do_xarray_entry,
 * maple_tree.c do_mt_entry): one address per line (for a red-black tree
 * the containing structure's, node - offset; for the others the entry),
 * with -p its position ("  position: root/l/r"; "  index: N  position:
 * root/2/5"), with -s the structure shown as `struct` shows it.
 * Red-black trees go top-down (root, left subtree, right subtree) as
 * crash's do, in order with -l; every child's parent pointer is checked,
 * so a corrupt tree ends with an error naming the node, never a loop.
 * XArrays and maple trees are walked by the library's checked walkers
 * (kcrash/walk.h).
 */
#include "command.h"
#include "eval.h"
#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/symbols.h>
#include <kcrash/walk.h>

#define TREE_MAX_ENTRIES KC_KERNEL_LIST_MAX
#define MAX_STRUCTS 8

enum tree_type { TREE_RBTREE, TREE_XARRAY, TREE_MAPLE };

struct tree_cmd {
	struct kc_session *session;
	FILE *out;
	enum tree_type type;
	uint64_t root_offset;   /* -r */
	uint64_t node_offset;   /* -o */
	bool node_offset_given;
	bool linear;            /* -l */
	bool position;          /* -p */
	bool node_pointer;      /* -N */
	const char *radix;      /* "-x", "-d" or NULL for struct */
	const char *structs[MAX_STRUCTS];
	size_t nr_structs;
	bool json;
	bool first;
	uint64_t start;
	size_t count;
	uint64_t global_index;  /* maple -p */
};

/* "struct.member[.member]" or a number of bytes. */
static struct kc_error *parse_offset(struct kc_session *session, const char *text, uint64_t *ret)
{
	const char *dot = strchr(text, '.');
	if (!dot)
		return kc_eval_expression(NULL, text, ret);
	char type[256];
	size_t len = (size_t)(dot - text);
	if (len >= sizeof(type) - 8)
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid offset: %s", text);
	static const char *const prefixes[] = {"struct ", "union ", ""};
	struct kc_error *err = NULL;
	for (size_t i = 0; i < 3; i++) {
		snprintf(type, sizeof(type), "%s%.*s", prefixes[i], (int)len, text);
		const struct kc_kernel_member *m;
		kc_error_destroy(err);
		err = kc_kernel_member(session, type, dot + 1, &m);
		if (!err) {
			*ret = m->offset;
			return NULL;
		}
	}
	return kc_error_prefix(err, "invalid offset %s", text);
}

/* The entry's line(s): address, position, structure. */
static struct kc_error *show(struct tree_cmd *t, uint64_t addr, const char *position,
			     int64_t index, bool has_index)
{
	struct kc_error *err = kc_check_interrupt();
	if (err)
		return err;
	t->count++;
	FILE *out = t->out;
	if (t->json) {
		fprintf(out, "%s\n  {\"address\": \"0x%" PRIx64 "\"", t->first ? "" : ",", addr);
		if (has_index)
			fprintf(out, ", \"index\": %" PRId64, index);
		if (position) {
			fputs(", \"position\": ", out);
			kc_json_string(out, position);
		}
		fputc('}', out);
		t->first = false;
		return NULL;
	}
	fprintf(out, "%" PRIx64 "\n", addr);
	if (t->position && position) {
		if (has_index)
			fprintf(out, "  index: %" PRId64 "  position: %s\n", index, position);
		else
			fprintf(out, "  position: %s\n", position);
	}
	for (size_t i = 0; i < t->nr_structs; i++) {
		char line[600];
		snprintf(line, sizeof(line), "struct %s %s 0x%" PRIx64, t->radix ? t->radix : "",
			 t->structs[i], addr);
		err = kc_session_run_line(t->session, line, out);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- red-black trees ---- */

struct rb_frame {
	uint64_t node;
	uint64_t parent;   /* the parent its __rb_parent_color must name */
	unsigned depth;
	bool left_done;    /* in order: its left subtree was pushed */
	char path[2 * KC_WALK_RB_MAX_DEPTH + 8];
};

static struct kc_error *rb_children(struct tree_cmd *t, const struct kc_rb_layout *l,
				    const struct rb_frame *f, bool check_parent,
				    uint64_t *left, uint64_t *right)
{
	uint64_t pc;
	struct kc_error *err = kc_kernel_read_u64(t->session, f->node + l->parent_color, &pc);
	if (!err)
		err = kc_kernel_read_u64(t->session, f->node + l->left, left);
	if (!err)
		err = kc_kernel_read_u64(t->session, f->node + l->right, right);
	if (err)
		return kc_error_prefix(err, "rb_node 0x%" PRIx64, f->node);
	if (check_parent && (pc & ~UINT64_C(3)) != f->parent)
		return kc_error_address(KC_ERR_FORMAT, f->node,
					"rb_node 0x%" PRIx64 ": its parent is 0x%" PRIx64
					", but it hangs from 0x%" PRIx64, f->node,
					pc & ~UINT64_C(3), f->parent);
	if (*left && *left == *right)
		return kc_error_address(KC_ERR_FORMAT, f->node,
					"rb_node 0x%" PRIx64 ": both children are 0x%" PRIx64,
					f->node, *left);
	return NULL;
}

static struct kc_error *rb_push(struct rb_frame *stack, size_t *n, const struct rb_frame *parent,
				uint64_t child, const char *dir)
{
	if (parent->depth + 1 >= KC_WALK_RB_MAX_DEPTH)
		return kc_error_address(KC_ERR_FORMAT, child,
					"rb_node 0x%" PRIx64 ": deeper than %d levels", child,
					KC_WALK_RB_MAX_DEPTH);
	if (child & 7)
		return kc_error_address(KC_ERR_FORMAT, child,
					"rb_node 0x%" PRIx64 " (child of 0x%" PRIx64 ") is misaligned",
					child, parent->node);
	struct rb_frame *f = &stack[(*n)++];
	f->node = child;
	f->parent = parent->node;
	f->depth = parent->depth + 1;
	f->left_done = false;
	/* Depth is bounded, so the path fits: 2 bytes a level. */
	size_t len = strnlen(parent->path, sizeof(f->path) - 3);
	memcpy(f->path, parent->path, len);
	f->path[len] = '/';
	f->path[len + 1] = dir[0];
	f->path[len + 2] = '\0';
	return NULL;
}

static struct kc_error *walk_rbtree(struct tree_cmd *t)
{
	struct kc_rb_layout l;
	struct kc_error *err = kc_rb_layout(t->session, &l);
	if (err)
		return err;
	uint64_t root_node = t->start;
	if (!t->node_pointer) {
		err = kc_kernel_read_u64(t->session, t->start + l.root_node, &root_node);
		if (err)
			return kc_error_prefix(err, "rb_root 0x%" PRIx64, t->start);
	}
	if (!root_node)
		return NULL;
	/* Depth-bounded: each level adds at most two frames (preorder) or one (in order). */
	struct rb_frame *stack = calloc(2 * KC_WALK_RB_MAX_DEPTH + 2, sizeof(*stack));
	if (!stack)
		return &kc_error_nomem;
	size_t n = 1;
	stack[0] = (struct rb_frame){.node = root_node, .parent = 0, .depth = 0};
	snprintf(stack[0].path, sizeof(stack[0].path), "root");
	/* With -N the start node's parent is whatever it is. */
	bool check_root = !t->node_pointer;
	while (!err && n) {
		if (t->count >= TREE_MAX_ENTRIES) {
			err = kc_error_create(KC_ERR_FORMAT, "more than %u nodes: stopped",
					      (unsigned)TREE_MAX_ENTRIES);
			break;
		}
		struct rb_frame *f = &stack[n - 1];
		uint64_t left, right;
		err = rb_children(t, &l, f, f->depth || check_root, &left, &right);
		if (err)
			break;
		if (!t->linear) {
			struct rb_frame self = *f;
			n--;
			err = show(t, self.node - t->node_offset, self.path, 0, false);
			if (!err && right)
				err = rb_push(stack, &n, &self, right, "r");
			if (!err && left)
				err = rb_push(stack, &n, &self, left, "l");
			continue;
		}
		if (!f->left_done) {
			f->left_done = true;
			if (left) {
				struct rb_frame self = *f;
				err = rb_push(stack, &n, &self, left, "l");
				continue;
			}
		}
		struct rb_frame self = *f;
		n--;
		err = show(t, self.node - t->node_offset, self.path, 0, false);
		if (!err && right)
			err = rb_push(stack, &n, &self, right, "r");
	}
	free(stack);
	return err;
}

/* ---- XArrays and radix trees ---- */

struct xa_ctx {
	struct tree_cmd *t;
	struct kc_xa_layout layout;
};

/* "root/o1/o2/slot": each node's slot in its parent, from the top down. */
static void xa_position(struct xa_ctx *x, const struct kc_xa_entry *e, char *buf, size_t len)
{
	uint8_t offsets[64];
	size_t n = 0;
	uint64_t node = e->node;
	while (node && n < 64) {
		uint64_t parent = 0;
		uint8_t offset = 0;
		struct kc_error *err = kc_kernel_read_u64(x->t->session, node + x->layout.node_parent,
							  &parent);
		if (!err)
			err = kc_kernel_read(x->t->session, node + x->layout.node_offset, &offset, 1);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		/* The top node's offset is no step of the path. */
		parent &= ~UINT64_C(3);
		if (!parent)
			break;
		offsets[n++] = offset;
		node = parent;
	}
	size_t pos = (size_t)snprintf(buf, len, "root");
	while (n && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, "/%u", offsets[--n]);
	uint64_t mask = (UINT64_C(1) << x->layout.chunk_shift) - 1;
	if (pos < len)
		snprintf(buf + pos, len - pos, "/%" PRIu64, e->index & mask);
}

static struct kc_error *see_xa(void *ctx, const struct kc_xa_entry *e)
{
	struct xa_ctx *x = ctx;
	char position[256];
	if (x->t->position || x->t->json)
		xa_position(x, e, position, sizeof(position));
	return show(x->t, e->entry, x->t->position || x->t->json ? position : NULL,
		    (int64_t)e->index, true);
}

static struct kc_error *walk_xarray(struct tree_cmd *t)
{
	struct xa_ctx x = {.t = t};
	struct kc_error *err = kc_xa_layout(t->session, &x.layout);
	if (!err)
		err = kc_walk_xarray(t->session, t->start, TREE_MAX_ENTRIES, see_xa, &x);
	return err;
}

/* ---- maple trees ---- */

struct mt_ctx {
	struct tree_cmd *t;
	struct kc_mt_layout layout;
};

/*
 * The entry's slot in its leaf (a maple_leaf_64: the first pivot at or
 * above its last index, else the one after the last pivot) and the path
 * of slots down to the leaf from each node's parent word
 * (lib/maple_tree.c: the parent node above bit 8, the slot at bit 3, or
 * bit 2 for 16-slot ranges, flagged by bit 1 clear; bit 0 the root).
 */
static void mt_position(struct mt_ctx *m, const struct kc_mt_entry *e, char *buf, size_t len)
{
	const struct kc_mt_node_layout *leaf = &m->layout.range_64;
	unsigned slot = 0;
	if (e->node) {
		for (slot = 0; slot < leaf->nr_pivots; slot++) {
			uint64_t pivot;
			struct kc_error *err = kc_kernel_read_u64(m->t->session,
								  e->node + leaf->pivots + 8 * slot, &pivot);
			if (err) {
				kc_error_destroy(err);
				break;
			}
			if (!pivot && slot)
				break;
			if (pivot >= e->last)
				break;
		}
	}
	unsigned steps[KC_WALK_MT_MAX_HEIGHT + 1];
	size_t n = 0;
	uint64_t node = e->node;
	while (node && n <= KC_WALK_MT_MAX_HEIGHT) {
		uint64_t parent;
		struct kc_error *err = kc_kernel_read_u64(m->t->session, node + m->layout.node_parent,
							  &parent);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		if (parent & 1) /* MA_ROOT_PARENT */
			break;
		unsigned shift = parent & 2 ? 3 : 2;
		unsigned mask = parent & 2 ? 0xf8 : 0xfc;
		steps[n++] = (unsigned)((parent & mask) >> shift);
		node = parent & ~UINT64_C(0xff);
	}
	size_t pos = (size_t)snprintf(buf, len, "%s", e->node ? "root" : "");
	while (n && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, "/%u", steps[--n]);
	if (pos < len)
		snprintf(buf + pos, len - pos, "/%u", slot);
}

static struct kc_error *see_mt(void *ctx, const struct kc_mt_entry *e)
{
	struct mt_ctx *m = ctx;
	char position[256];
	bool want = m->t->position || m->t->json;
	if (want)
		mt_position(m, e, position, sizeof(position));
	return show(m->t, e->entry, want ? position : NULL, (int64_t)++m->t->global_index, true);
}

static struct kc_error *walk_maple(struct tree_cmd *t)
{
	struct mt_ctx m = {.t = t};
	struct kc_error *err = kc_mt_layout(t->session, &m.layout);
	if (!err)
		err = kc_walk_maple_tree(t->session, t->start, TREE_MAX_ENTRIES, see_mt, &m);
	return err;
}

/* ---- the command ---- */

static struct kc_error *parse_args(struct tree_cmd *t, int argc, char **argv)
{
	bool type_given = false, root_offset_given = false;
	const char *start = NULL;
	int nr_positional = 0;
	/* Options anywhere, as crash's getopt takes them. */
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (opt[0] != '-' || !opt[1]) {
			start = opt;
			nr_positional++;
			continue;
		}
		if (!strcmp(opt, "--json")) {
			t->json = true;
			continue;
		}
		if (strchr("trosS", opt[1]) && !opt[2]) {
			if (i + 1 >= argc)
				return kc_error_create(KC_ERR_INVALID_ARG, "option %s needs a value", opt);
			const char *arg = argv[++i];
			struct kc_error *err = NULL;
			switch (opt[1]) {
			case 't':
				if (type_given)
					return kc_error_create(KC_ERR_INVALID_ARG,
							       "multiple tree types may not be entered");
				type_given = true;
				if (!strncmp(arg, "ra", 2) || arg[0] == 'x')
					t->type = TREE_XARRAY;
				else if (!strncmp(arg, "rb", 2))
					t->type = TREE_RBTREE;
				else if (arg[0] == 'm')
					t->type = TREE_MAPLE;
				else
					return kc_error_create(KC_ERR_INVALID_ARG, "invalid tree type: %s", arg);
				break;
			case 'r':
				err = parse_offset(t->session, arg, &t->root_offset);
				root_offset_given = true;
				break;
			case 'o':
				err = parse_offset(t->session, arg, &t->node_offset);
				t->node_offset_given = true;
				break;
			case 's':
			case 'S':
				if (t->nr_structs == MAX_STRUCTS)
					return kc_error_create(KC_ERR_INVALID_ARG, "at most %d -s options",
							       MAX_STRUCTS);
				t->structs[t->nr_structs++] = arg;
				break;
			}
			if (err)
				return err;
			continue;
		}
		for (const char *o = opt + 1; *o; o++) {
			switch (*o) {
			case 'l': t->linear = true; break;
			case 'p': t->position = true; break;
			case 'N': t->node_pointer = true; break;
			case 'x': t->radix = "-x"; break;
			case 'd': t->radix = "-d"; break;
			default:
				return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: -%c (usage: %s)",
						       *o, kc_cmd_tree.usage);
			}
		}
	}
	const char *names[] = {"rbtrees", "Xarrays", "maple trees"};
	if (t->type != TREE_RBTREE && t->linear)
		return kc_error_create(KC_ERR_INVALID_ARG, "-l option is not applicable to %s",
				       names[t->type]);
	if (t->type != TREE_RBTREE && t->node_offset_given)
		return kc_error_create(KC_ERR_INVALID_ARG, "-o option is not applicable to %s",
				       names[t->type]);
	if (t->type != TREE_RBTREE && t->node_pointer)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "-N is supported for red-black trees only: give the %s's root",
				       t->type == TREE_MAPLE ? "maple_tree" : "xarray");
	if (root_offset_given && t->node_pointer)
		return kc_error_create(KC_ERR_INVALID_ARG, "-r and -N options are mutually exclusive");
	if (!start)
		return kc_error_create(KC_ERR_INVALID_ARG, "a starting address is required (usage: %s)",
				       kc_cmd_tree.usage);
	if (nr_positional > 1)
		return kc_error_create(KC_ERR_INVALID_ARG, "too many arguments entered (usage: %s)",
				       kc_cmd_tree.usage);
	struct kc_error *err = kc_symbol_lookup(t->session, start, NULL, &t->start);
	if (err) {
		kc_error_destroy(err);
		err = kc_parse_address(t->session, start, &t->start);
		if (err && kc_eval_is_expression(start)) {
			kc_error_destroy(err);
			err = kc_eval_expression(t->session, start, &t->start);
		}
		if (err)
			return kc_error_prefix(err, "invalid start argument: %s", start);
	}
	if (!t->node_pointer)
		t->start += t->root_offset;
	return NULL;
}

static struct kc_error *cmd_tree(struct kc_session *session, int argc, char **argv, FILE *out)
{
	struct tree_cmd t = {.session = session, .out = out, .first = true};
	struct kc_error *err = parse_args(&t, argc, argv);
	if (err)
		return err;
	if (t.json)
		fputc('[', out);
	switch (t.type) {
	case TREE_RBTREE:
		err = walk_rbtree(&t);
		break;
	case TREE_XARRAY:
		err = walk_xarray(&t);
		break;
	case TREE_MAPLE:
		err = walk_maple(&t);
		break;
	}
	if (t.json)
		fputs(t.first ? "]\n" : "\n]\n", out);
	return err;
}

const struct kc_command kc_cmd_tree = {
	.name = "tree",
	.summary = "display a red-black tree, radix tree, XArray or maple tree",
	.usage = "tree [-t rbtree|radix|xarray|maple] [-r OFFSET] [-o OFFSET] [-s STRUCT[.MEMBER[,MEMBER]]]... "
		 "[-x|-d] [-l] [-p] [-N] [--json] START",
	.help =
		"Lists the entries of a tree, one address per line, as crash does.\n"
		"  -t TYPE   rbtree (the default; \"rb\"), radix or xarray (\"ra\", \"x\": the\n"
		"            radix tree is an XArray since v4.20), maple (\"m\", v6.1+)\n"
		"  -r OFFSET START is a structure holding the root at OFFSET (a number\n"
		"            of bytes or struct.member: mm_struct.mm_mt)\n"
		"  -o OFFSET red-black trees: the rb_node's offset in the structures, whose\n"
		"            addresses are shown (vmap_area.rb_node)\n"
		"  -s STRUCT show each entry as `struct` does: the whole structure, or\n"
		"            the members named (vmap_area.va_start,va_end); -x/-d in hex or\n"
		"            decimal\n"
		"  -l        red-black trees in order, from the leftmost node (the default\n"
		"            is top-down: a node, then its left and right subtrees)\n"
		"  -p        each entry's position: root/l/r for a red-black tree; the index\n"
		"            and the slots from the root for XArrays and maple trees (a\n"
		"            maple entry's index counts the entries shown)\n"
		"  -N        START is an rb_node, not an rb_root\n"
		"  --json    a JSON array: address, index, position\n"
		"START is a symbol or a hexadecimal address. Every red-black node's parent\n"
		"pointer is checked and the depth bounded; XArrays and maple trees are\n"
		"walked by the library's checked walkers: a corrupt tree stops with an\n"
		"error naming the node, after the entries before it.\n",
	.needs_dump = true,
	.run = cmd_tree,
};
