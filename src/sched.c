/* SPDX-License-Identifier: MIT */
/*
 * Run queues, signals and wait queues (include/kcrash/sched.h), and the
 * helpers irq.c, timer.c and net.c share (schedutil.h).
 *
 * Layouts, from the kernel sources of v5.10 and v6.1 (unchanged in v6.12
 * where used): struct rq with its struct cfs_rq cfs (tasks_timeline, an
 * rb_root_cached since v4.14, of struct sched_entity run_node; my_q for
 * CONFIG_FAIR_GROUP_SCHED's group entities) and struct rt_rq rt (active,
 * a struct rt_prio_array of MAX_RT_PRIO list heads of struct
 * sched_rt_entity run_list), kernel/sched/sched.h; struct sighand_struct,
 * signal_struct, sigpending and sigqueue, include/linux/sched/signal.h and
 * include/linux/signal_types.h; struct wait_queue_head and
 * wait_queue_entry, include/linux/wait.h. Offsets and array lengths come
 * from the session's types.
 */
#include <kcrash/sched.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/symbols.h>
#include <kcrash/tasks.h>
#include <kcrash/walk.h>

#include "arm64/datarefs.h"
#include "arm64/insn.h"
#include "datasym_kernel.h"
#include "schedutil.h"

#define ULL(x) ((unsigned long long)(x))

/* Bounds on what a sane kernel holds (far above any real count). */
#define MAX_QUEUED 65536
#define MAX_GROUP_DEPTH 16
#define MAX_SIGQUEUE 65536
#define MAX_WAITERS 65536

/* ---- shared helpers ---- */

struct kc_error *kc_su_offset(struct kc_session *session, const char *type,
			      const char *member, uint64_t *offset)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (!err)
		*offset = m->offset;
	return err;
}

struct kc_error *kc_su_read(struct kc_session *session, uint64_t obj, const char *type,
			    const char *member, uint64_t *value)
{
	return kc_kernel_read_member(session, obj, type, member, value);
}

char *kc_su_message(struct kc_error *err)
{
	char *text = strdup(kc_error_message(err));
	kc_error_destroy(err);
	return text;
}

void kc_su_note(char **text, struct kc_error *err)
{
	if (!err)
		return;
	if (!*text) {
		*text = kc_su_message(err);
		return;
	}
	size_t len = strlen(*text) + strlen(kc_error_message(err)) + 3;
	char *joined = malloc(len);
	if (joined) {
		snprintf(joined, len, "%s; %s", *text, kc_error_message(err));
		free(*text);
		*text = joined;
	}
	kc_error_destroy(err);
}

/* Largest function read for its references (the kernel's are far smaller). */
#define FUNCTION_MAX (64 * 1024)

static struct kc_error *function_code(struct kc_session *session, const char *name,
				      uint64_t *start, uint8_t **code, size_t *size)
{
	struct kc_error *err = kc_session_symbol(session, name, start);
	if (err)
		return err;
	struct kc_symbolized sym;
	err = kc_symbolize(session, *start, &sym);
	if (err)
		return err;
	uint64_t len = sym.addr + sym.size > *start ? sym.addr + sym.size - *start : 0;
	if (len == 0 || len > FUNCTION_MAX || len % 4)
		return kc_error_create(KC_ERR_FORMAT, "%s: size %llu unusable", name, ULL(len));
	*code = malloc((size_t)len);
	if (!*code)
		return &kc_error_nomem;
	err = kc_kernel_read(session, *start, *code, (size_t)len);
	if (err) {
		free(*code);
		return kc_error_prefix(err, "%s's code", name);
	}
	*size = (size_t)len;
	return NULL;
}

struct kc_error *kc_su_code_ref(struct kc_session *session, const char *const *functions,
				kc_su_accept_fn accept, void *ctx, uint64_t *addr, char **how)
{
	uint64_t data_start, data_end;
	struct kc_error *err = kc_datasym_data_range(session, &data_start, &data_end);
	if (err)
		return err;
	struct kc_arm64_decoder *decoder;
	err = kc_arm64_decoder_open(&decoder);
	if (err)
		return err;
	uint64_t found = 0;
	char where[160] = "";
	char tried[512] = "";
	for (const char *const *fn = functions; *fn && !err; fn++) {
		uint64_t start = 0;
		uint8_t *code = NULL;
		size_t size = 0;
		struct kc_error *fn_err = function_code(session, *fn, &start, &code, &size);
		if (fn_err) {
			size_t used = strlen(tried);
			snprintf(tried + used, sizeof(tried) - used, "%s%s: %s", used ? "; " : "",
				 *fn, kc_error_message(fn_err));
			kc_error_destroy(fn_err);
			continue;
		}
		struct kc_arm64_refs refs = {0};
		err = kc_arm64_scan_refs(decoder, code, size, start, NULL, NULL, &refs);
		free(code);
		bool any = false;
		for (size_t i = 0; !err && i < refs.count; i++) {
			const struct kc_arm64_ref *ref = &refs.refs[i];
			if (ref->kind == KC_ARM64_REF_STORE || ref->target < data_start ||
			    ref->target >= data_end)
				continue;
			if (found == ref->target ||
			    !accept(session, ref->target, ref->kind == KC_ARM64_REF_LOAD,
				    ref->sizes, ctx))
				continue;
			any = true;
			if (found && found != ref->target) {
				err = kc_error_create(KC_ERR_FORMAT,
						      "two addresses pass the check: 0x%llx (%s) and 0x%llx (from %s+0x%llx)",
						      ULL(found), where, ULL(ref->target), *fn,
						      ULL(ref->insn - start));
				break;
			}
			found = ref->target;
			snprintf(where, sizeof(where), "from %s+0x%llx", *fn, ULL(ref->insn - start));
		}
		kc_arm64_refs_free(&refs);
		if (!any && !err) {
			size_t used = strlen(tried);
			snprintf(tried + used, sizeof(tried) - used, "%s%s: no address passes",
				 used ? "; " : "", *fn);
		}
	}
	kc_arm64_decoder_close(decoder);
	if (err)
		return err;
	if (!found)
		return kc_error_create(KC_ERR_LOOKUP, "not found in the code (%s)", tried);
	*addr = found;
	if (how)
		*how = strdup(where);
	return NULL;
}

/* The symbol source's, else BTF's .data..percpu offset placed by runqueues. */
static struct kc_error *percpu_symbol_or_btf(struct kc_session *session, const char *name,
					     uint64_t *addr)
{
	struct kc_error *err = kc_session_symbol(session, name, addr);
	if (!err || err->code != KC_ERR_LOOKUP)
		return err;
	struct kc_variable var, anchor;
	struct kc_error *var_err = kc_kernel_variable(session, name, &var);
	if (var_err || !var.is_percpu || var.has_address) {
		kc_error_destroy(var_err);
		return err;
	}
	/* BTF's offsets are from .data..percpu's start: place them by runqueues. */
	uint64_t runqueues;
	var_err = kc_kernel_symbol(session, "runqueues", &runqueues);
	if (!var_err)
		var_err = kc_kernel_variable(session, "runqueues", &anchor);
	if (!var_err && (!anchor.is_percpu || anchor.has_address || runqueues < anchor.address))
		var_err = kc_error_create(KC_ERR_FORMAT, "runqueues is not a BTF per-CPU variable");
	if (var_err)
		return kc_error_prefix(var_err, "%s: %s; placing its per-CPU offset",
				       name, kc_error_message(err));
	kc_error_destroy(err);
	*addr = runqueues - anchor.address + var.address;
	return NULL;
}

/*
 * Per-CPU variables kcrash places from the code when neither the symbol
 * source nor BTF has them (Debian 5.10's BTF has no variables): the
 * functions that take this CPU's copy (v5.10-v6.12), and the struct whose
 * `cpu` member each CPU's copy must hold.
 */
static const struct percpu_code_route {
	const char *name;
	const char *type;
	const char *const functions[4];
} percpu_routes[] = {
	{"hrtimer_bases", "struct hrtimer_cpu_base",
	 {"hrtimer_run_queues", "hrtimer_get_next_event", "hrtimer_interrupt", NULL}},
	{"timer_bases", "struct timer_base",
	 {"run_local_timers", "get_next_timer_interrupt", "timer_clear_idle", NULL}},
};

static bool accept_percpu(struct kc_session *session, uint64_t addr, bool loaded,
			  unsigned sizes, void *ctx)
{
	(void)sizes;
	const struct percpu_code_route *route = ctx;
	if (loaded)
		return false;
	unsigned nr = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < nr; cpu++) {
		uint64_t copy, value;
		struct kc_error *err = kc_kernel_percpu(session, addr, cpu, &copy);
		if (!err)
			err = kc_su_read(session, copy, route->type, "cpu", &value);
		kc_error_destroy(err);
		if (err || value != cpu)
			return false;
	}
	return true;
}

/* kc_percpu_symbol, then the code route for the variables percpu_routes knows. */
static struct kc_error *percpu_symbol_or_code(struct kc_session *session, const char *name,
					      uint64_t *addr)
{
	struct kc_error *err = percpu_symbol_or_btf(session, name, addr);
	if (!err || err->code != KC_ERR_LOOKUP)
		return err;
	for (size_t i = 0; i < sizeof(percpu_routes) / sizeof(percpu_routes[0]); i++) {
		if (strcmp(percpu_routes[i].name, name) != 0)
			continue;
		struct kc_error *code_err = kc_su_code_ref(session, percpu_routes[i].functions,
							   accept_percpu, (void *)&percpu_routes[i],
							   addr, NULL);
		if (!code_err) {
			kc_error_destroy(err);
			return NULL;
		}
		err = kc_error_prefix(err, "%s; from the code: %s", name, kc_error_message(code_err));
		kc_error_destroy(code_err);
	}
	return err;
}

struct kc_error *kc_percpu_symbol(struct kc_session *session, const char *name,
				  uint64_t *addr)
{
	return percpu_symbol_or_code(session, name, addr);
}

/* ---- run queues ---- */

struct queue {
	struct kc_runq_task *tasks;
	size_t n, cap;
};

static struct kc_error *queue_add(struct queue *q, uint64_t task, int prio)
{
	if (q->n >= MAX_QUEUED)
		return kc_error_create(KC_ERR_FORMAT, "more than %d queued tasks", MAX_QUEUED);
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 16;
		struct kc_runq_task *grown = realloc(q->tasks, cap * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		q->tasks = grown;
		q->cap = cap;
	}
	q->tasks[q->n++] = (struct kc_runq_task){task, prio};
	return NULL;
}

struct rq_layout {
	uint64_t rq_cfs, rq_rt, rt_active, cfs_timeline, cfs_curr;
	uint64_t se_run_node, task_se, task_rt, rt_run_list, rt_queue;
	uint64_t list_head_size;
	uint64_t nr_queues;
	bool has_se_my_q, has_rt_my_q;
};

static struct kc_error *rq_layout(struct kc_session *session, struct rq_layout *l)
{
	struct kc_error *err = NULL;
	const struct kc_kernel_member *queue;
	if (!err) err = kc_su_offset(session, "struct rq", "cfs", &l->rq_cfs);
	if (!err) err = kc_su_offset(session, "struct rq", "rt", &l->rq_rt);
	if (!err) err = kc_su_offset(session, "struct rt_rq", "active", &l->rt_active);
	if (!err) err = kc_su_offset(session, "struct cfs_rq", "tasks_timeline", &l->cfs_timeline);
	if (!err) err = kc_su_offset(session, "struct cfs_rq", "curr", &l->cfs_curr);
	if (!err) err = kc_su_offset(session, "struct sched_entity", "run_node", &l->se_run_node);
	if (!err) err = kc_su_offset(session, "struct task_struct", "se", &l->task_se);
	if (!err) err = kc_su_offset(session, "struct task_struct", "rt", &l->task_rt);
	if (!err) err = kc_su_offset(session, "struct sched_rt_entity", "run_list", &l->rt_run_list);
	if (!err) err = kc_kernel_member(session, "struct rt_prio_array", "queue", &queue);
	if (!err) err = kc_kernel_sizeof(session, "struct list_head", &l->list_head_size);
	if (err)
		return err;
	l->rt_queue = queue->offset;
	l->nr_queues = l->list_head_size ? queue->size / l->list_head_size : 0;
	if (l->nr_queues == 0 || l->nr_queues > 1024)
		return kc_error_create(KC_ERR_FORMAT, "rt_prio_array.queue has %llu lists",
				       ULL(l->nr_queues));
	l->has_se_my_q = kc_kernel_has_member(session, "struct sched_entity", "my_q");
	l->has_rt_my_q = kc_kernel_has_member(session, "struct sched_rt_entity", "my_q");
	return NULL;
}

/* The RT priority array at ARRAY (group queues, CONFIG_RT_GROUP_SCHED, followed). */
static struct kc_error *read_rt(struct kc_session *session, const struct rq_layout *l,
				uint64_t array, unsigned depth, struct queue *q)
{
	if (depth > MAX_GROUP_DEPTH)
		return kc_error_create(KC_ERR_FORMAT, "rt_prio_array 0x%llx: groups nested deeper than %d",
				       ULL(array), MAX_GROUP_DEPTH);
	for (uint64_t i = 0; i < l->nr_queues; i++) {
		uint64_t head = array + l->rt_queue + i * l->list_head_size;
		uint64_t *nodes = NULL;
		size_t n = 0;
		struct kc_error *err = kc_walk_list_collect(session, head, false, MAX_QUEUED,
							    &nodes, &n);
		for (size_t k = 0; !err && k < n; k++) {
			uint64_t rt_se = nodes[k] - l->rt_run_list;
			uint64_t my_q = 0;
			if (l->has_rt_my_q)
				err = kc_su_read(session, rt_se, "struct sched_rt_entity", "my_q", &my_q);
			if (!err && my_q)
				err = read_rt(session, l, my_q + l->rt_active, depth + 1, q);
			else if (!err)
				err = queue_add(q, rt_se - l->task_rt, (int)i);
		}
		free(nodes);
		if (err)
			return kc_error_prefix(err, "RT queue [%llu] at 0x%llx", ULL(i), ULL(head));
	}
	return NULL;
}

static struct kc_error *task_prio(struct kc_session *session, uint64_t task, int *prio)
{
	uint64_t v;
	struct kc_error *err = kc_su_read(session, task, "struct task_struct", "prio", &v);
	if (!err)
		*prio = (int)(int64_t)v;
	return err;
}

/* The CFS run queue at CFS_RQ, group entities' queues in their place (as crash). */
static struct kc_error *read_cfs(struct kc_session *session, const struct rq_layout *l,
				 uint64_t cfs_rq, unsigned depth, struct queue *q)
{
	if (depth > MAX_GROUP_DEPTH)
		return kc_error_create(KC_ERR_FORMAT, "cfs_rq 0x%llx: groups nested deeper than %d",
				       ULL(cfs_rq), MAX_GROUP_DEPTH);
	struct kc_error *err = NULL;
	if (l->has_se_my_q) {
		/* The running group entity is out of the tree: its queue first. */
		uint64_t curr = 0, my_q = 0;
		err = kc_su_read(session, cfs_rq, "struct cfs_rq", "curr", &curr);
		if (!err && curr)
			err = kc_su_read(session, curr, "struct sched_entity", "my_q", &my_q);
		if (!err && my_q)
			err = read_cfs(session, l, my_q, depth + 1, q);
		if (err)
			return err;
	}
	uint64_t *nodes = NULL;
	size_t n = 0;
	err = kc_walk_rbtree_collect(session, cfs_rq + l->cfs_timeline, true, MAX_QUEUED,
				     &nodes, &n);
	for (size_t k = 0; !err && k < n; k++) {
		uint64_t se = nodes[k] - l->se_run_node;
		uint64_t my_q = 0;
		if (l->has_se_my_q)
			err = kc_su_read(session, se, "struct sched_entity", "my_q", &my_q);
		if (!err && my_q) {
			err = read_cfs(session, l, my_q, depth + 1, q);
		} else if (!err) {
			int prio = 0;
			err = task_prio(session, se - l->task_se, &prio);
			if (!err)
				err = queue_add(q, se - l->task_se, prio);
		}
	}
	free(nodes);
	return err ? kc_error_prefix(err, "CFS run queue 0x%llx", ULL(cfs_rq)) : NULL;
}

static void read_runq(struct kc_session *session, const struct rq_layout *l, uint64_t runqueues,
		      unsigned cpu, struct kc_runq *r)
{
	r->cpu = cpu;
	struct kc_error *err = kc_kernel_percpu(session, runqueues, cpu, &r->rq);
	if (err) {
		r->error = kc_su_message(err);
		return;
	}
	uint64_t v;
	kc_su_note(&r->error, kc_su_read(session, r->rq, "struct rq", "curr", &r->curr));
	kc_su_note(&r->error, kc_su_read(session, r->rq, "struct rq", "clock", &r->clock));
	/* sched_info.last_arrival needs CONFIG_SCHED_INFO: else 0, as crash. */
	if (r->curr && kc_kernel_has_member(session, "struct task_struct", "sched_info.last_arrival"))
		kc_su_note(&r->error, kc_su_read(session, r->curr, "struct task_struct",
						 "sched_info.last_arrival", &r->curr_last_arrival));
	if (!(err = kc_su_read(session, r->rq, "struct rq", "nr_running", &v)))
		r->nr_running = (unsigned)v;
	kc_su_note(&r->error, err);
	if (!(err = kc_su_read(session, r->rq, "struct rq", "cfs.nr_running", &v)))
		r->cfs_nr_running = (unsigned)v;
	kc_su_note(&r->error, err);
	if (!(err = kc_su_read(session, r->rq, "struct rq", "rt.rt_nr_running", &v)))
		r->rt_nr_running = (unsigned)v;
	kc_su_note(&r->error, err);

	r->rt_prio_array = r->rq + l->rq_rt + l->rt_active;
	struct queue rt = {0}, cfs = {0};
	kc_su_note(&r->error, read_rt(session, l, r->rt_prio_array, 0, &rt));
	r->rt = rt.tasks;
	r->nr_rt = rt.n;
	r->cfs_root = r->rq + l->rq_cfs + l->cfs_timeline;
	kc_su_note(&r->error, read_cfs(session, l, r->rq + l->rq_cfs, 0, &cfs));
	r->cfs = cfs.tasks;
	r->nr_cfs = cfs.n;
}

struct kc_error *kc_runqueues_read(struct kc_session *session, struct kc_runqueues *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	struct rq_layout l;
	err = rq_layout(session, &l);
	if (err)
		return kc_error_prefix(err, "run queue layout");
	uint64_t runqueues;
	err = kc_kernel_symbol(session, "runqueues", &runqueues);
	if (err)
		return err;
	ret->nr_cpus = list->nr_cpus ? list->nr_cpus : 1;
	ret->cpus = calloc(ret->nr_cpus, sizeof(*ret->cpus));
	if (!ret->cpus)
		return &kc_error_nomem;
	for (unsigned cpu = 0; cpu < ret->nr_cpus; cpu++) {
		err = kc_check_interrupt();
		if (err) {
			kc_runqueues_free(ret);
			return err;
		}
		read_runq(session, &l, runqueues, cpu, &ret->cpus[cpu]);
	}
	return NULL;
}

void kc_runqueues_free(struct kc_runqueues *runqueues)
{
	for (unsigned i = 0; runqueues->cpus && i < runqueues->nr_cpus; i++) {
		free(runqueues->cpus[i].rt);
		free(runqueues->cpus[i].cfs);
		free(runqueues->cpus[i].error);
	}
	free(runqueues->cpus);
	memset(runqueues, 0, sizeof(*runqueues));
}

/* ---- signals ---- */

/* TIF_SIGPENDING: bit 0 of thread_info.flags on arm64 (arch/arm64/include/asm/thread_info.h, v4.9-v6.12). */
#define ARM64_TIF_SIGPENDING 0

static struct kc_error *read_sigset(struct kc_session *session, uint64_t addr, uint64_t *set)
{
	/* sigset_t is unsigned long sig[_NSIG_WORDS]: one word of 64 bits on arm64. */
	return kc_kernel_read_u64(session, addr, set);
}

static struct kc_error *read_sigqueue(struct kc_session *session, uint64_t head,
				      struct kc_sigqueue **ret, size_t *n)
{
	uint64_t list_off, info_off, signo_off, code_off;
	struct kc_error *err = kc_su_offset(session, "struct sigqueue", "list", &list_off);
	if (!err) err = kc_su_offset(session, "struct sigqueue", "info", &info_off);
	if (!err) err = kc_su_offset(session, "struct sigqueue", "info.si_signo", &signo_off);
	if (!err) err = kc_su_offset(session, "struct sigqueue", "info.si_code", &code_off);
	if (err)
		return err;
	uint64_t *nodes = NULL;
	size_t count = 0;
	err = kc_walk_list_collect(session, head, false, MAX_SIGQUEUE, &nodes, &count);
	*ret = count ? calloc(count, sizeof(**ret)) : NULL;
	if (count && !*ret) {
		free(nodes);
		kc_error_destroy(err);
		return &kc_error_nomem;
	}
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		struct kc_sigqueue *q = &(*ret)[*n];
		q->sigqueue = nodes[i] - list_off;
		q->info = q->sigqueue + info_off;
		uint8_t word[4];
		struct kc_error *e = kc_kernel_read(session, q->sigqueue + signo_off, word, 4);
		if (e) {
			kc_error_destroy(err);
			err = e;
			break;
		}
		q->signo = (int)(word[0] | word[1] << 8 | word[2] << 16 | (uint32_t)word[3] << 24);
		if (!kc_kernel_read(session, q->sigqueue + code_off, word, 4))
			q->code = (int)(word[0] | word[1] << 8 | word[2] << 16 | (uint32_t)word[3] << 24);
		(*n)++;
	}
	free(nodes);
	return err;
}

struct kc_error *kc_task_signals_read(struct kc_session *session, uint64_t task,
				      struct kc_task_signals *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->task = task;
	const char *ts = "struct task_struct";
	uint64_t flags = 0, nr_threads = 0, pending_off, shared_off, list_off, signal_off;
	struct kc_error *err = kc_su_read(session, task, ts, "signal", &ret->signal_struct);
	if (!err) err = kc_su_read(session, task, ts, "sighand", &ret->sighand);
	if (!err) err = kc_su_read(session, task, ts, "thread_info.flags", &flags);
	if (!err) err = kc_su_offset(session, ts, "pending", &pending_off);
	if (!err) err = kc_su_offset(session, "struct signal_struct", "shared_pending", &shared_off);
	if (!err) err = kc_su_offset(session, "struct sigpending", "list", &list_off);
	if (!err) err = kc_su_offset(session, "struct sigpending", "signal", &signal_off);
	if (err)
		return kc_error_prefix(err, "task 0x%llx's signals", ULL(task));
	ret->sigpending = (flags >> ARM64_TIF_SIGPENDING) & 1;
	uint64_t blocked_off;
	err = kc_su_offset(session, ts, "blocked", &blocked_off);
	if (!err) err = read_sigset(session, task + blocked_off, &ret->blocked);
	if (!err) err = read_sigset(session, task + pending_off + signal_off, &ret->pending);
	if (!err && ret->signal_struct) {
		err = kc_su_read(session, ret->signal_struct, "struct signal_struct", "nr_threads",
				 &nr_threads);
		ret->nr_threads = (int)nr_threads;
		if (!err)
			err = read_sigset(session, ret->signal_struct + shared_off + signal_off,
					  &ret->shared_pending);
	}
	if (err)
		return kc_error_prefix(err, "task 0x%llx's signals", ULL(task));

	if (ret->sighand) {
		const struct kc_kernel_member *action;
		uint64_t ksa_size, handler_off, flags_off, mask_off;
		err = kc_kernel_member(session, "struct sighand_struct", "action", &action);
		if (!err) err = kc_kernel_sizeof(session, "struct k_sigaction", &ksa_size);
		if (!err) err = kc_su_offset(session, "struct k_sigaction", "sa.sa_handler", &handler_off);
		if (!err) err = kc_su_offset(session, "struct k_sigaction", "sa.sa_flags", &flags_off);
		if (!err) err = kc_su_offset(session, "struct k_sigaction", "sa.sa_mask", &mask_off);
		if (!err && (ksa_size == 0 || action->size / ksa_size < KC_NSIG))
			err = kc_error_create(KC_ERR_FORMAT, "sighand_struct.action has %llu entries, not %d",
					      ULL(ksa_size ? action->size / ksa_size : 0), KC_NSIG);
		uint8_t *buf = NULL;
		if (!err) {
			buf = malloc((size_t)(ksa_size * KC_NSIG));
			if (!buf)
				return &kc_error_nomem;
			err = kc_kernel_read(session, ret->sighand + action->offset, buf,
					     (size_t)(ksa_size * KC_NSIG));
		}
		for (unsigned i = 0; !err && i < KC_NSIG; i++) {
			struct kc_sigaction *a = &ret->actions[i];
			const uint8_t *p = buf + i * ksa_size;
			a->address = ret->sighand + action->offset + i * ksa_size;
			memcpy(&a->handler, p + handler_off, 8);
			memcpy(&a->flags, p + flags_off, 8);
			memcpy(&a->mask, p + mask_off, 8);
			/* SIG_DFL 0, SIG_IGN 1, SIG_ERR -1 (include/uapi/asm-generic/signal-defs.h). */
			if (a->handler == 1)
				ret->ignored |= UINT64_C(1) << i;
			else if (a->handler != 0 && a->handler != UINT64_MAX)
				ret->caught |= UINT64_C(1) << i;
		}
		free(buf);
		if (err)
			return kc_error_prefix(err, "task 0x%llx's sighand 0x%llx", ULL(task),
					       ULL(ret->sighand));
	}
	err = read_sigqueue(session, task + pending_off + list_off, &ret->private_queue,
			    &ret->nr_private);
	if (!err && ret->signal_struct)
		err = read_sigqueue(session, ret->signal_struct + shared_off + list_off,
				    &ret->shared_queue, &ret->nr_shared);
	if (err) {
		kc_task_signals_free(ret);
		return kc_error_prefix(err, "task 0x%llx's pending signal queue", ULL(task));
	}
	return NULL;
}

void kc_task_signals_free(struct kc_task_signals *signals)
{
	free(signals->private_queue);
	free(signals->shared_queue);
	signals->private_queue = signals->shared_queue = NULL;
	signals->nr_private = signals->nr_shared = 0;
}

/* ---- wait queues ---- */

struct kc_error *kc_waitqueue_read(struct kc_session *session, uint64_t head,
				   struct kc_waitq_entry **entries, size_t *n)
{
	*entries = NULL;
	*n = 0;
	uint64_t head_off, entry_off;
	struct kc_error *err = kc_su_offset(session, "struct wait_queue_head", "head", &head_off);
	if (!err) err = kc_su_offset(session, "struct wait_queue_entry", "entry", &entry_off);
	if (err)
		return err;
	uint64_t *nodes = NULL;
	size_t count = 0;
	err = kc_walk_list_collect(session, head + head_off, false, MAX_WAITERS, &nodes, &count);
	if (err) {
		free(nodes);
		return kc_error_prefix(err, "wait queue 0x%llx", ULL(head));
	}
	*entries = count ? calloc(count, sizeof(**entries)) : NULL;
	if (count && !*entries) {
		free(nodes);
		return &kc_error_nomem;
	}
	for (size_t i = 0; !err && i < count; i++) {
		struct kc_waitq_entry *e = &(*entries)[i];
		uint64_t flags = 0;
		e->entry = nodes[i] - entry_off;
		err = kc_su_read(session, e->entry, "struct wait_queue_entry", "private", &e->private);
		if (!err) err = kc_su_read(session, e->entry, "struct wait_queue_entry", "func", &e->func);
		if (!err) err = kc_su_read(session, e->entry, "struct wait_queue_entry", "flags", &flags);
		e->flags = (unsigned)flags;
	}
	free(nodes);
	if (err) {
		free(*entries);
		*entries = NULL;
		return kc_error_prefix(err, "wait queue 0x%llx", ULL(head));
	}
	*n = count;
	return NULL;
}
