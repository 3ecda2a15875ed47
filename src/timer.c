/* SPDX-License-Identifier: MIT */
/*
 * The timer wheel and the hrtimers (include/kcrash/sched.h).
 *
 * kernel/time/timer.c (v4.8+): per-CPU struct timer_base
 * timer_bases[NR_BASES] (BASE_STD, and BASE_DEF with CONFIG_NO_HZ_COMMON),
 * each with vectors[WHEEL_SIZE], hlists of struct timer_list (entry,
 * expires, function). kernel/time/hrtimer.c: per-CPU struct
 * hrtimer_cpu_base hrtimer_bases with clock_base[HRTIMER_MAX_CLOCK_BASES],
 * each struct hrtimer_clock_base's active timerqueue (an rb_root_cached
 * of struct timerqueue_node, v4.20+) of struct hrtimer (node.expires,
 * _softexpires, function), get_time and offset. Array lengths from the
 * types; the timekeeper in tk_core (an anonymous struct to v6.12, struct
 * tk_data from v6.13) after its seqcount.
 */
#include <kcrash/sched.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/tasks.h>
#include <kcrash/types.h>
#include <kcrash/walk.h>

#include "schedutil.h"

#define ULL(x) ((unsigned long long)(x))

#define MAX_TIMERS_PER_LIST 65536
#define MAX_HRTIMERS 65536

/* The number of elements of per-CPU array variable NAME (1 for a non-array). */
static struct kc_error *percpu_array_length(struct kc_session *session, const char *name,
					    uint64_t *length, uint64_t *elem_size)
{
	struct kc_variable var;
	struct kc_error *err = kc_kernel_variable(session, name, &var);
	if (err)
		return err;
	struct kc_type type = kc_type_strip(&var.type), element;
	bool complete;
	if (kc_type_kind(&type) != KC_TYPE_ARRAY) {
		*length = 1;
		return kc_type_size(&type, elem_size);
	}
	err = kc_type_array(&type, &element, length, &complete);
	if (!err)
		err = kc_type_size(&element, elem_size);
	if (!err && (!complete || *length == 0 || *length > 16))
		err = kc_error_create(KC_ERR_FORMAT, "%s has %llu elements", name, ULL(*length));
	return err;
}

/*
 * NR_BASES (kernel/time/timer.c: 2 with CONFIG_NO_HZ_COMMON, else 1) when
 * the types do not say: a second timer_base follows CPU 0's first when it
 * also names CPU 0 and its clk (jiffies) is near the first's.
 */
static struct kc_error *timer_bases_count(struct kc_session *session, uint64_t bases,
					  uint64_t *count, uint64_t *size)
{
	struct kc_error *err = kc_kernel_sizeof(session, "struct timer_base", size);
	if (err)
		return err;
	uint64_t cpu0, cpu = 1, clk0 = 0, clk1 = 0;
	err = kc_kernel_percpu(session, bases, 0, &cpu0);
	if (!err) err = kc_su_read(session, cpu0 + *size, "struct timer_base", "cpu", &cpu);
	if (!err) err = kc_su_read(session, cpu0, "struct timer_base", "clk", &clk0);
	if (!err) err = kc_su_read(session, cpu0 + *size, "struct timer_base", "clk", &clk1);
	uint64_t apart = clk1 > clk0 ? clk1 - clk0 : clk0 - clk1;
	*count = !err && cpu == 0 && apart < (UINT64_C(1) << 32) ? 2 : 1;
	kc_error_destroy(err);
	return NULL;
}

static int compare_timers(const void *a, const void *b)
{
	const struct kc_timer *x = a, *y = b;
	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	/* Equal expiry: keep the wheel's order (addresses break no ties). */
	return 0;
}

static void read_timer_base(struct kc_session *session, uint64_t vectors_off,
			    uint64_t nr_vectors, uint64_t entry_off, struct kc_timer_base *b)
{
	size_t cap = 0;
	for (uint64_t v = 0; v < nr_vectors; v++) {
		uint64_t head = b->base + vectors_off + v * 8;
		uint64_t *nodes = NULL;
		size_t n = 0;
		struct kc_error *err = kc_walk_hlist_collect(session, head, MAX_TIMERS_PER_LIST,
							     &nodes, &n);
		for (size_t i = 0; i < n; i++) {
			struct kc_timer t = {.timer = nodes[i] - entry_off};
			struct kc_error *e = kc_su_read(session, t.timer, "struct timer_list",
							"expires", &t.expires);
			if (!e)
				e = kc_su_read(session, t.timer, "struct timer_list", "function",
					       &t.function);
			if (e) {
				kc_su_note(&b->error, e);
				continue;
			}
			if (b->nr_timers == cap) {
				cap = cap ? 2 * cap : 16;
				struct kc_timer *grown = realloc(b->timers, cap * sizeof(*grown));
				if (!grown) {
					free(nodes);
					kc_su_note(&b->error, &kc_error_nomem);
					return;
				}
				b->timers = grown;
			}
			b->timers[b->nr_timers++] = t;
		}
		free(nodes);
		/* A broken list is skipped, as crash does, and said. */
		if (err)
			kc_su_note(&b->error, kc_error_prefix(err, "vectors[%llu]", ULL(v)));
	}
	/* Stable by expiry: an insertion sort keeps the wheel's order among equals. */
	for (size_t i = 1; i < b->nr_timers; i++) {
		struct kc_timer t = b->timers[i];
		size_t j = i;
		while (j > 0 && compare_timers(&b->timers[j - 1], &t) > 0) {
			b->timers[j] = b->timers[j - 1];
			j--;
		}
		b->timers[j] = t;
	}
}

struct kc_error *kc_timer_wheel_read(struct kc_session *session, struct kc_timer_wheel *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	uint64_t jiffies_addr, timer_bases, nr_bases, base_size, vectors_off, entry_off;
	const struct kc_kernel_member *vectors;
	err = kc_kernel_symbol(session, "jiffies", &jiffies_addr);
	if (!err) err = kc_kernel_read_u64(session, jiffies_addr, &ret->jiffies);
	if (!err) err = kc_percpu_symbol(session, "timer_bases", &timer_bases);
	if (!err) {
		err = percpu_array_length(session, "timer_bases", &nr_bases, &base_size);
		if (err && err->code == KC_ERR_LOOKUP) {
			/* No variable type (BTF without variables): NR_BASES by the cpu check. */
			kc_error_destroy(err);
			err = timer_bases_count(session, timer_bases, &nr_bases, &base_size);
		}
	}
	if (!err) err = kc_kernel_member(session, "struct timer_base", "vectors", &vectors);
	if (!err) err = kc_su_offset(session, "struct timer_list", "entry", &entry_off);
	if (err)
		return kc_error_prefix(err, "timer wheel");
	vectors_off = vectors->offset;
	uint64_t nr_vectors = vectors->size / 8;
	ret->nr_cpus = list->nr_cpus ? list->nr_cpus : 1;
	ret->bases_per_cpu = (unsigned)nr_bases;
	ret->bases = calloc((size_t)ret->nr_cpus * nr_bases, sizeof(*ret->bases));
	if (!ret->bases)
		return &kc_error_nomem;
	for (unsigned cpu = 0; cpu < ret->nr_cpus; cpu++) {
		uint64_t base0;
		err = kc_kernel_percpu(session, timer_bases, cpu, &base0);
		for (unsigned i = 0; i < nr_bases; i++) {
			struct kc_timer_base *b = &ret->bases[cpu * nr_bases + i];
			b->cpu = cpu;
			b->index = i;
			if (err) {
				kc_su_note(&b->error, kc_error_create(err->code, "%s",
								      kc_error_message(err)));
				continue;
			}
			b->base = base0 + i * base_size;
			read_timer_base(session, vectors_off, nr_vectors, entry_off, b);
		}
		kc_error_destroy(err);
		err = kc_check_interrupt();
		if (err) {
			kc_timer_wheel_free(ret);
			return err;
		}
	}
	return NULL;
}

void kc_timer_wheel_free(struct kc_timer_wheel *wheel)
{
	size_t n = (size_t)wheel->nr_cpus * wheel->bases_per_cpu;
	for (size_t i = 0; wheel->bases && i < n; i++) {
		free(wheel->bases[i].timers);
		free(wheel->bases[i].error);
	}
	free(wheel->bases);
	memset(wheel, 0, sizeof(*wheel));
}

/* ---- hrtimers ---- */

/* CLOCK_MONOTONIC at the timekeeper's last update (the last tick). */
static struct kc_error *monotonic_now(struct kc_session *session, int64_t *now)
{
	uint64_t tk_core, off = 0, size, base;
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_symbol(session, "tk_core", &tk_core);
	if (err)
		return err;
	err = kc_kernel_member(session, "struct tk_data", "timekeeper", &m);
	if (!err) {
		off = m->offset;
	} else {
		kc_error_destroy(err);
		err = kc_kernel_sizeof(session, "seqcount_raw_spinlock_t", &size);
		if (err) {
			kc_error_destroy(err);
			err = kc_kernel_sizeof(session, "seqcount_t", &size);
		}
		if (err)
			return err;
		off = (size + 7) & ~UINT64_C(7);
	}
	/*
	 * ktime_get() is tkr_mono.base + ((cycles - cycle_last) * mult +
	 * xtime_nsec) >> shift (kernel/time/timekeeping.c): at the last
	 * update, cycles == cycle_last, leaving base + (xtime_nsec >> shift).
	 */
	uint64_t xtime_nsec, shift;
	err = kc_su_read(session, tk_core + off, "struct timekeeper", "tkr_mono.base", &base);
	if (!err)
		err = kc_su_read(session, tk_core + off, "struct timekeeper", "tkr_mono.xtime_nsec",
				 &xtime_nsec);
	if (!err)
		err = kc_su_read(session, tk_core + off, "struct timekeeper", "tkr_mono.shift", &shift);
	if (!err)
		*now = (int64_t)(base + (shift < 64 ? xtime_nsec >> shift : 0));
	return err;
}

static void read_clock(struct kc_session *session, uint64_t active_off, uint64_t node_off,
		       int64_t monotonic, struct kc_hrtimer_clock *c)
{
	uint64_t v;
	struct kc_error *err = kc_su_read(session, c->base, "struct hrtimer_clock_base",
					  "get_time", &c->get_time);
	kc_su_note(&c->error, err);
	err = kc_su_read(session, c->base, "struct hrtimer_clock_base", "offset", &v);
	if (!err)
		c->offset = (int64_t)v;
	kc_su_note(&c->error, err);
	c->now = monotonic + c->offset;
	uint64_t *nodes = NULL;
	size_t n = 0;
	err = kc_walk_rbtree_collect(session, c->base + active_off, true, MAX_HRTIMERS, &nodes, &n);
	if (err)
		kc_su_note(&c->error, kc_error_prefix(err, "clock base 0x%llx's timers", ULL(c->base)));
	c->timers = n ? calloc(n, sizeof(*c->timers)) : NULL;
	for (size_t i = 0; c->timers && i < n; i++) {
		struct kc_hrtimer *t = &c->timers[c->nr_timers];
		t->hrtimer = nodes[i] - node_off;
		uint64_t expires = 0, soft = 0;
		err = kc_su_read(session, t->hrtimer, "struct hrtimer", "node.expires", &expires);
		if (!err)
			err = kc_su_read(session, t->hrtimer, "struct hrtimer", "_softexpires", &soft);
		if (!err)
			err = kc_su_read(session, t->hrtimer, "struct hrtimer", "function", &t->function);
		if (err) {
			kc_su_note(&c->error, err);
			continue;
		}
		t->expires = (int64_t)expires;
		t->softexpires = (int64_t)soft;
		c->nr_timers++;
	}
	free(nodes);
}

struct kc_error *kc_hrtimers_read(struct kc_session *session, struct kc_hrtimers *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	uint64_t bases, active_off, node_off, tq_node_off, clock_size;
	const struct kc_kernel_member *clock_base;
	err = kc_percpu_symbol(session, "hrtimer_bases", &bases);
	if (!err) err = kc_kernel_member(session, "struct hrtimer_cpu_base", "clock_base", &clock_base);
	if (!err) err = kc_kernel_sizeof(session, "struct hrtimer_clock_base", &clock_size);
	if (!err) err = kc_su_offset(session, "struct hrtimer_clock_base", "active", &active_off);
	if (!err) err = kc_su_offset(session, "struct hrtimer", "node", &node_off);
	if (!err) err = kc_su_offset(session, "struct timerqueue_node", "node", &tq_node_off);
	if (err)
		return kc_error_prefix(err, "hrtimers");
	size_t nr_clocks = clock_size ? (size_t)(clock_base->size / clock_size) : 0;
	if (nr_clocks == 0 || nr_clocks > 32)
		return kc_error_create(KC_ERR_FORMAT, "hrtimer_cpu_base.clock_base has %zu bases",
				       nr_clocks);
	/* Without the timekeeper, TTE is measured from 0 (said by the caller). */
	err = monotonic_now(session, &ret->monotonic);
	kc_error_destroy(err);
	ret->nr_cpus = list->nr_cpus ? list->nr_cpus : 1;
	ret->cpus = calloc(ret->nr_cpus, sizeof(*ret->cpus));
	if (!ret->cpus)
		return &kc_error_nomem;
	for (unsigned cpu = 0; cpu < ret->nr_cpus; cpu++) {
		struct kc_hrtimer_cpu *c = &ret->cpus[cpu];
		c->cpu = cpu;
		c->clocks = calloc(nr_clocks, sizeof(*c->clocks));
		if (!c->clocks) {
			kc_hrtimers_free(ret);
			return &kc_error_nomem;
		}
		c->nr_clocks = nr_clocks;
		err = kc_kernel_percpu(session, bases, cpu, &c->base);
		for (size_t i = 0; i < nr_clocks; i++) {
			struct kc_hrtimer_clock *clk = &c->clocks[i];
			clk->index = (unsigned)i;
			if (err) {
				kc_su_note(&clk->error, kc_error_create(err->code, "%s",
									kc_error_message(err)));
				continue;
			}
			clk->base = c->base + clock_base->offset + i * clock_size;
			read_clock(session, active_off, node_off + tq_node_off, ret->monotonic, clk);
		}
		kc_error_destroy(err);
		err = kc_check_interrupt();
		if (err) {
			kc_hrtimers_free(ret);
			return err;
		}
	}
	return NULL;
}

void kc_hrtimers_free(struct kc_hrtimers *hrtimers)
{
	for (unsigned i = 0; hrtimers->cpus && i < hrtimers->nr_cpus; i++) {
		for (size_t k = 0; k < hrtimers->cpus[i].nr_clocks; k++) {
			free(hrtimers->cpus[i].clocks[k].timers);
			free(hrtimers->cpus[i].clocks[k].error);
		}
		free(hrtimers->cpus[i].clocks);
	}
	free(hrtimers->cpus);
	memset(hrtimers, 0, sizeof(*hrtimers));
}
