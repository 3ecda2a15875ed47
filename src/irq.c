/* SPDX-License-Identifier: MIT */
/*
 * IRQ descriptors (include/kcrash/sched.h): CONFIG_SPARSE_IRQ's
 * irq_desc_tree, a radix tree (struct xarray since v4.20) to v6.4, and
 * sparse_irqs, a maple tree, from v6.5 (kernel/irq/irqdesc.c). struct
 * irq_desc (include/linux/irqdesc.h): irq_data (irq, hwirq, chip), the
 * action chain of struct irqaction (next, name, handler;
 * include/linux/interrupt.h) and kstat_irqs, a __percpu counter (an
 * unsigned int to v6.9, struct irqstat whose first member is the count
 * from v6.10).
 */
#include <kcrash/sched.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/tasks.h>
#include <kcrash/walk.h>

#include "schedutil.h"

#define ULL(x) ((unsigned long long)(x))

/* Far above any kernel's IRQ count (IRQ_BITMAP_BITS is NR_IRQS + 8196). */
#define MAX_IRQS (1u << 20)
#define MAX_ACTIONS 64

struct found_desc {
	uint64_t irq, desc;
};

struct desc_walk {
	struct kc_session *session;
	struct found_desc *descs;
	size_t n, cap;
	uint64_t bad_index;   /* a descriptor that is not its index's */
	uint64_t bad_desc;
	bool bad;
};

static struct kc_error *keep_desc(struct desc_walk *w, uint64_t index, uint64_t desc)
{
	uint64_t irq;
	struct kc_error *err = kc_su_read(w->session, desc, "struct irq_desc", "irq_data.irq", &irq);
	if (err)
		return err;
	if (irq != index) {
		w->bad = true;
		w->bad_index = index;
		w->bad_desc = desc;
		return kc_error_create(KC_ERR_STOP, "mismatch");
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct found_desc *grown = realloc(w->descs, cap * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		w->descs = grown;
		w->cap = cap;
	}
	w->descs[w->n++] = (struct found_desc){index, desc};
	return NULL;
}

static struct kc_error *visit_xa(void *ctx, const struct kc_xa_entry *e)
{
	if (e->is_value || e->index != e->last)
		return kc_error_create(KC_ERR_FORMAT, "irq_desc_tree: entry at index %llu is not a descriptor",
				       ULL(e->index));
	return keep_desc(ctx, e->index, e->entry);
}

static struct kc_error *visit_mt(void *ctx, const struct kc_mt_entry *e)
{
	if (e->is_value || e->first != e->last)
		return kc_error_create(KC_ERR_FORMAT, "sparse_irqs: entry at %llu-%llu is not a descriptor",
				       ULL(e->first), ULL(e->last));
	return keep_desc(ctx, e->first, e->entry);
}

/* Walk TREE as a radix tree (MAPLE false) or a maple tree; every descriptor checked. */
static struct kc_error *walk_descs(struct kc_session *session, uint64_t tree, bool maple,
				   struct desc_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->session = session;
	struct kc_error *err = maple ? kc_walk_maple_tree(session, tree, MAX_IRQS, visit_mt, w)
				     : kc_walk_xarray(session, tree, MAX_IRQS, visit_xa, w);
	if (err && err->code == KC_ERR_STOP) {
		kc_error_destroy(err);
		err = NULL;
	}
	if (!err && w->bad)
		err = kc_error_create(KC_ERR_FORMAT, "%s 0x%llx: the descriptor 0x%llx at index %llu is another IRQ's",
				      maple ? "sparse_irqs" : "irq_desc_tree", ULL(tree),
				      ULL(w->bad_desc), ULL(w->bad_index));
	if (!err && w->n == 0)
		err = kc_error_create(KC_ERR_FORMAT, "%s 0x%llx holds no descriptor",
				      maple ? "sparse_irqs" : "irq_desc_tree", ULL(tree));
	if (err) {
		free(w->descs);
		w->descs = NULL;
		w->n = 0;
	}
	return err;
}

/* A candidate for the tree: it walks, and each descriptor is its index's IRQ. */
static bool accept_tree(struct kc_session *session, uint64_t addr, bool loaded,
			unsigned sizes, void *ctx)
{
	(void)sizes;
	bool *maple = ctx;
	if (loaded)
		return false;
	struct desc_walk w;
	struct kc_error *err = walk_descs(session, addr, *maple, &w);
	free(w.descs);
	kc_error_destroy(err);
	return !err;
}

struct nr_irqs_check {
	uint64_t highest;
};

static bool accept_nr_irqs(struct kc_session *session, uint64_t addr, bool loaded,
			   unsigned sizes, void *ctx)
{
	struct nr_irqs_check *c = ctx;
	uint32_t value;
	if (!loaded || sizes != (1u << 2))
		return false;
	struct kc_error *err = kc_kernel_read(session, addr, &value, sizeof(value));
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	return value > c->highest && value <= MAX_IRQS;
}

/* irq_desc_tree or sparse_irqs: the symbol, else from irq_to_desc()'s code. */
static struct kc_error *find_tree(struct kc_session *session, struct kc_irqs *ret,
				  struct desc_walk *w)
{
	static const char *const names[2] = {"irq_desc_tree", "sparse_irqs"};
	char *errors = NULL;
	for (int maple = 0; maple < 2; maple++) {
		uint64_t addr;
		struct kc_error *err = kc_session_symbol(session, names[maple], &addr);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		err = walk_descs(session, addr, maple, w);
		if (!err) {
			ret->tree = addr;
			ret->tree_name = names[maple];
			ret->tree_source = strdup("the symbol table");
			free(errors);
			return NULL;
		}
		kc_su_note(&errors, err);
	}
	/* Without data symbols: irq_to_desc() looks it up (v4.20 to v6.12). */
	static const char *const fns[] = {"irq_to_desc", NULL};
	for (int maple = 0; maple < 2; maple++) {
		bool is_maple = maple;
		uint64_t addr;
		char *how = NULL;
		struct kc_error *err = kc_su_code_ref(session, fns, accept_tree, &is_maple, &addr, &how);
		if (!err)
			err = walk_descs(session, addr, maple, w);
		if (!err) {
			ret->tree = addr;
			ret->tree_name = names[maple];
			ret->tree_source = how;
			free(errors);
			return NULL;
		}
		free(how);
		kc_su_note(&errors, kc_error_prefix(err, "%s", names[maple]));
	}
	struct kc_error *err = kc_error_create(KC_ERR_LOOKUP, "no IRQ descriptor tree: %s",
					       errors ? errors : "no symbol");
	free(errors);
	return err;
}

static void read_irq(struct kc_session *session, unsigned nr_cpus, struct kc_irq *irq)
{
	uint64_t chip = 0, name = 0, action = 0, kstat = 0;
	struct kc_error *err;
	kc_su_note(&irq->error, kc_su_read(session, irq->desc, "struct irq_desc", "irq_data.hwirq",
					   &irq->hwirq));
	err = kc_su_read(session, irq->desc, "struct irq_desc", "irq_data.chip", &chip);
	if (!err && chip)
		err = kc_su_read(session, chip, "struct irq_chip", "name", &name);
	if (!err && name)
		err = kc_kernel_read_string(session, name, irq->chip, sizeof(irq->chip));
	kc_su_note(&irq->error, err);

	err = kc_su_read(session, irq->desc, "struct irq_desc", "action", &action);
	while (!err && action) {
		if (irq->nr_actions >= MAX_ACTIONS) {
			err = kc_error_create(KC_ERR_FORMAT, "more than %d actions (a loop?)", MAX_ACTIONS);
			break;
		}
		for (size_t i = 0; i < irq->nr_actions; i++)
			if (irq->actions[i].action == action)
				err = kc_error_create(KC_ERR_FORMAT, "irqaction 0x%llx comes twice",
						      ULL(action));
		if (err)
			break;
		struct kc_irq_action *grown = realloc(irq->actions,
						      (irq->nr_actions + 1) * sizeof(*grown));
		if (!grown) {
			err = &kc_error_nomem;
			break;
		}
		irq->actions = grown;
		struct kc_irq_action *a = &irq->actions[irq->nr_actions++];
		memset(a, 0, sizeof(*a));
		a->action = action;
		uint64_t aname = 0;
		err = kc_su_read(session, action, "struct irqaction", "handler", &a->handler);
		if (!err)
			err = kc_su_read(session, action, "struct irqaction", "name", &aname);
		if (!err && aname)
			err = kc_kernel_read_string(session, aname, a->name, sizeof(a->name));
		if (!err)
			err = kc_su_read(session, action, "struct irqaction", "next", &action);
	}
	if (err)
		kc_su_note(&irq->error, kc_error_prefix(err, "IRQ %u's actions", irq->irq));

	err = kc_su_read(session, irq->desc, "struct irq_desc", "kstat_irqs", &kstat);
	if (!err && kstat) {
		irq->counts = calloc(nr_cpus, sizeof(*irq->counts));
		if (!irq->counts)
			err = &kc_error_nomem;
		for (unsigned cpu = 0; !err && cpu < nr_cpus; cpu++) {
			uint64_t at;
			err = kc_kernel_percpu(session, kstat, cpu, &at);
			if (!err)
				err = kc_kernel_read(session, at, &irq->counts[cpu],
						     sizeof(irq->counts[cpu]));
		}
		irq->has_counts = !err;
	}
	if (err)
		kc_su_note(&irq->error, kc_error_prefix(err, "IRQ %u's counts", irq->irq));
}

struct kc_error *kc_irqs_read(struct kc_session *session, struct kc_irqs *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	ret->nr_cpus = list->nr_cpus ? list->nr_cpus : 1;
	struct desc_walk w;
	err = find_tree(session, ret, &w);
	if (err)
		return err;
	ret->irqs = calloc(w.n, sizeof(*ret->irqs));
	if (!ret->irqs) {
		free(w.descs);
		kc_irqs_free(ret);
		return &kc_error_nomem;
	}
	ret->nr_irqs_found = w.n;
	for (size_t i = 0; i < w.n; i++) {
		ret->irqs[i].irq = (unsigned)w.descs[i].irq;
		ret->irqs[i].desc = w.descs[i].desc;
		read_irq(session, ret->nr_cpus, &ret->irqs[i]);
	}
	uint64_t highest = w.descs[w.n - 1].irq;
	free(w.descs);

	/* nr_irqs: the symbol, else what irq_get_next_irq() bounds its search with. */
	uint64_t addr;
	uint32_t nr = 0;
	err = kc_session_symbol(session, "nr_irqs", &addr);
	if (err) {
		kc_error_destroy(err);
		static const char *const fns[] = {"irq_get_next_irq", NULL};
		struct nr_irqs_check check = {highest};
		err = kc_su_code_ref(session, fns, accept_nr_irqs, &check, &addr, NULL);
	}
	if (!err)
		err = kc_kernel_read(session, addr, &nr, sizeof(nr));
	/* Without it, up to the highest descriptor. */
	ret->nr_irqs = !err && nr > highest ? nr : (unsigned)highest + 1;
	kc_error_destroy(err);
	return NULL;
}

void kc_irqs_free(struct kc_irqs *irqs)
{
	for (size_t i = 0; irqs->irqs && i < irqs->nr_irqs_found; i++) {
		free(irqs->irqs[i].actions);
		free(irqs->irqs[i].counts);
		free(irqs->irqs[i].error);
	}
	free(irqs->irqs);
	free(irqs->tree_source);
	memset(irqs, 0, sizeof(*irqs));
}
