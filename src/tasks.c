/* SPDX-License-Identifier: MIT */
#include "tasks.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/mmu.h"
#include "kernel.h"
#include "vmcore/file.h"

/* Upper bound on tasks (and threads of one group) a walk accepts. */
#define TASKS_MAX (1u << 20)

/*
 * PF_KTHREAD: 0x00200000 in include/linux/sched.h from v2.6.27 through
 * v5.10 and v6.1 (and later releases to date).
 */
#define PF_KTHREAD 0x00200000u

/* A member's place, copied out of the kernel layer's cache. */
struct field {
	bool present;
	uint64_t offset;
	uint64_t size;
	bool is_signed;
};

/* Where crash's state letters live in this kernel's state word. */
struct task_states {
	uint64_t interruptible, uninterruptible, stopped, traced, dead,
		 zombie, parked, wakekill, waking, noload, new;
};

struct task_layout {
	uint64_t size;
	struct field pid, tgid, comm, state, exit_state, flags, mm, active_mm,
		     real_parent, cpu, tasks, thread_node, thread_group, signal,
		     stack, thread_info, rss_stat_count;
	uint64_t thread_head;   /* offsetof(struct signal_struct, thread_head) */
	bool use_thread_head;
	struct task_states states;
	/* mm_struct */
	struct field mm_total_vm, mm_pgd, mm_rss_count, mm_rss_percpu;
	uint64_t percpu_counter_size;
	struct field pcc_count, pcc_counters;
	int64_t mm_counters[3]; /* MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES */
	unsigned nr_task_rss_counters;
};

struct builder {
	struct kc_session *session;
	struct task_layout layout;
	struct kc_task_list *list;
	uint64_t *addrs;
	bool *idle;
	int *idle_cpu;
	size_t nr_addrs, cap_addrs;
	int64_t *rss_delta;      /* per task: SPLIT_RSS_COUNTING deltas */
};

static struct kc_error *add_warning(struct kc_task_list *list,
				    struct kc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct kc_error *add_warning(struct kc_task_list *list,
				    struct kc_error *err, const char *fmt, ...)
{
	/* Ctrl-C is not damage: fail the walk so no partial list is kept. */
	if (err && err->code == KC_ERR_INTERRUPTED)
		return err;
	char *what = NULL, *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (n < 0)
		what = NULL;
	if (asprintf(&text, "%s%s%s", what ? what : "?", err ? ": " : "",
		     err ? kc_error_message(err) : "") < 0)
		text = NULL;
	free(what);
	kc_error_destroy(err);
	if (!text)
		return &kc_error_nomem;
	char **warnings = realloc(list->warnings,
				  (list->nr_warnings + 1) * sizeof(*warnings));
	if (!warnings) {
		free(text);
		return &kc_error_nomem;
	}
	warnings[list->nr_warnings++] = text;
	list->warnings = warnings;
	return NULL;
}

static void get_field(struct kc_session *session, const char *type,
		      const char *member, struct field *f)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err) {
		kc_error_destroy(err);
		*f = (struct field){0};
		return;
	}
	*f = (struct field){true, m->offset, m->size, m->is_signed};
}

static struct kc_error *require(const struct field *f, const char *type,
				const char *member)
{
	if (f->present)
		return NULL;
	return kc_error_create(KC_ERR_LOOKUP, "%s has no member %s in this vmlinux's DWARF",
			       type, member);
}

static uint64_t field_value(const uint8_t *buf, const struct field *f)
{
	if (!f->present || f->size == 0 || f->size > 8)
		return 0;
	uint8_t bytes[8] = {0};
	memcpy(bytes, buf + f->offset, (size_t)f->size);
	uint64_t v = kc_get_le64(bytes);
	unsigned bits = (unsigned)f->size * 8;
	if (bits < 64 && f->is_signed && (v >> (bits - 1)) & 1)
		v |= ~((UINT64_C(1) << bits) - 1);
	return v;
}

/* The state bits the kernel's defaults use, v4.14..v6.1 include/linux/sched.h. */
static void default_states(struct task_states *s)
{
	*s = (struct task_states){
		.interruptible = 0x1, .uninterruptible = 0x2, .stopped = 0x4,
		.traced = 0x8, .dead = 0x10 | 0x80, .zombie = 0x20,
		.parked = 0x40, .wakekill = 0x100, .waking = 0x200,
		.noload = 0x400, .new = 0x800,
	};
}

/*
 * The number of entries of task_state_array (an array of const char *): the
 * vmlinux symbol's size when it has one, else the DWARF array type. The
 * symbol comes first because the variable's DIE is in fs/proc/array.c's unit,
 * far into .debug_info (unit 661 of 2758 in Debian's 6.1.0-53-arm64), and
 * libdw reaches a unit by reading every unit header before it: 34 MB of
 * .debug_info paged in for one array length.
 */
static struct kc_error *task_state_array_length(struct kc_session *session,
						uint64_t *length)
{
	uint64_t addr, size;
	struct kc_error *sym_err = kc_kernel_symbol_sized(session, "task_state_array",
							  &addr, &size);
	kc_error_destroy(sym_err);
	if (!sym_err && size && size % 8 == 0) {
		*length = size / 8;
		return NULL;
	}
	struct kc_variable var;
	struct kc_error *err = kc_kernel_variable(session, "task_state_array", &var);
	if (err)
		return err;
	struct kc_type element;
	bool complete;
	return kc_type_array(&var.type, &element, length, &complete);
}

/*
 * The state bits from the kernel's own task_state_array (fs/proc/array.c):
 * entry 0 is TASK_RUNNING, entry i the bit 1 << (i - 1), as the kernel's
 * task_state_index() makes it. "I (idle)" is TASK_REPORT_IDLE, not a state
 * bit. The bits past TASK_PARKED are not in the array; since v4.14 they
 * follow it in a fixed order (TASK_DEAD, TASK_WAKEKILL, TASK_WAKING,
 * TASK_NOLOAD, TASK_NEW: include/linux/sched.h, same in v5.10 and v6.1).
 */
static struct kc_error *read_task_states(struct kc_session *session,
					 struct task_states *s)
{
	uint64_t array;
	struct kc_error *err = kc_kernel_symbol(session, "task_state_array", &array);
	if (err)
		return err;
	uint64_t length;
	err = task_state_array_length(session, &length);
	if (err)
		return kc_error_prefix(err, "task_state_array's length");
	if (length < 5 || length > 32)
		return kc_error_create(KC_ERR_FORMAT, "task_state_array has %llu entries",
				       (unsigned long long)length);
	*s = (struct task_states){0};
	for (uint64_t i = 0; i < length; i++) {
		uint64_t str;
		char text[64];
		err = kc_kernel_read_u64(session, array + 8 * i, &str);
		if (!err)
			err = kc_kernel_read_string(session, str, text, sizeof(text));
		if (err)
			return kc_error_prefix(err, "task_state_array[%llu]",
					       (unsigned long long)i);
		uint64_t bit = i ? UINT64_C(1) << (i - 1) : 0;
		if (strstr(text, "(running)"))
			continue;
		else if (strstr(text, "(sleeping)"))
			s->interruptible |= bit;
		else if (strstr(text, "(disk sleep)"))
			s->uninterruptible |= bit;
		else if (strstr(text, "(stopped)"))
			s->stopped |= bit;
		else if (strstr(text, "(tracing stop)"))
			s->traced |= bit;
		else if (strstr(text, "(dead)"))
			s->dead |= bit;
		else if (strstr(text, "(zombie)"))
			s->zombie |= bit;
		else if (strstr(text, "(parked)"))
			s->parked |= bit;
		else if (strstr(text, "(wakekill)"))
			s->wakekill |= bit;
		else if (strstr(text, "(waking)"))
			s->waking |= bit;
	}
	if (!s->interruptible || !s->uninterruptible || !s->zombie)
		return kc_error_create(KC_ERR_FORMAT,
				       "task_state_array lacks the sleeping, disk sleep or zombie states");
	if (s->parked) {
		s->dead |= s->parked << 1;
		s->wakekill = s->parked << 2;
		s->waking = s->parked << 3;
		s->noload = s->parked << 4;
		s->new = s->parked << 5;
	}
	return NULL;
}

/*
 * crash's task_state_string: the last matching rule wins, except that
 * DE, WA and NE only show when nothing else matched; UN with TASK_NOLOAD
 * is TASK_IDLE, "ID".
 */
static void state_code(const struct task_states *s, uint64_t state, char *buf)
{
	const char *code = "??";
	bool set = false;
	if (state == 0)
		code = "RU";
	if (state & s->interruptible) {
		code = "IN";
		set = true;
	}
	if (state & s->uninterruptible) {
		code = s->noload && (state & s->noload) ? "ID" : "UN";
		set = true;
	}
	if (state & s->zombie) {
		code = "ZO";
		set = true;
	}
	if (state & s->stopped) {
		code = "ST";
		set = true;
	}
	if (s->traced && (state & s->traced)) {
		code = "TR";
		set = true;
	}
	if ((state & s->dead) && !set) {
		code = "DE";
		set = true;
	}
	if (s->parked && (state & s->parked) && !set) {
		code = "PA";
		set = true;
	}
	if (s->waking && (state & s->waking) && !set) {
		code = "WA";
		set = true;
	}
	if (s->new && (state & s->new) && !set)
		code = "NE";
	memcpy(buf, code, 3);
}

static struct kc_error *read_layout(struct kc_session *session,
				    struct task_layout *l)
{
	const char *ts = "struct task_struct";
	struct kc_error *err = kc_kernel_sizeof(session, ts, &l->size);
	if (err)
		return err;
	get_field(session, ts, "pid", &l->pid);
	get_field(session, ts, "tgid", &l->tgid);
	get_field(session, ts, "comm", &l->comm);
	/* state became __state in v5.14. */
	get_field(session, ts, "__state", &l->state);
	if (!l->state.present)
		get_field(session, ts, "state", &l->state);
	get_field(session, ts, "exit_state", &l->exit_state);
	get_field(session, ts, "flags", &l->flags);
	get_field(session, ts, "mm", &l->mm);
	get_field(session, ts, "active_mm", &l->active_mm);
	get_field(session, ts, "real_parent", &l->real_parent);
	/*
	 * THREAD_INFO_IN_TASK: task_struct.cpu from v4.9, moved back into
	 * thread_info in v5.16.
	 */
	get_field(session, ts, "thread_info.cpu", &l->cpu);
	if (!l->cpu.present)
		get_field(session, ts, "cpu", &l->cpu);
	get_field(session, ts, "tasks", &l->tasks);
	get_field(session, ts, "signal", &l->signal);
	get_field(session, ts, "stack", &l->stack);
	get_field(session, ts, "thread_info", &l->thread_info);
	/* Threads: signal->thread_head/thread_node (v3.14+), thread_group (to v6.6). */
	get_field(session, ts, "thread_node", &l->thread_node);
	struct field head;
	get_field(session, "struct signal_struct", "thread_head", &head);
	l->use_thread_head = head.present && l->thread_node.present &&
			     l->signal.present;
	l->thread_head = head.offset;
	if (!l->use_thread_head)
		get_field(session, ts, "thread_group", &l->thread_group);
	if ((err = require(&l->pid, ts, "pid")) ||
	    (err = require(&l->tgid, ts, "tgid")) ||
	    (err = require(&l->comm, ts, "comm")) ||
	    (err = require(&l->state, ts, "__state/state")) ||
	    (err = require(&l->tasks, ts, "tasks")))
		return err;
	if (l->comm.size > KC_TASK_COMM_LEN)
		l->comm.size = KC_TASK_COMM_LEN;
	/* Split RSS counting (task_struct.rss_stat, until v6.2). */
	get_field(session, ts, "rss_stat.count", &l->rss_stat_count);

	const char *ms = "struct mm_struct";
	get_field(session, ms, "total_vm", &l->mm_total_vm);
	get_field(session, ms, "pgd", &l->mm_pgd);
	/* v6.1: struct mm_rss_stat { atomic_long_t count[]; }; v6.2+: percpu_counter[]. */
	get_field(session, ms, "rss_stat.count", &l->mm_rss_count);
	if (!l->mm_rss_count.present) {
		get_field(session, ms, "rss_stat", &l->mm_rss_percpu);
		struct kc_error *e = kc_kernel_sizeof(session, "struct percpu_counter",
						      &l->percpu_counter_size);
		if (e) {
			kc_error_destroy(e);
			l->mm_rss_percpu.present = false;
		}
		get_field(session, "struct percpu_counter", "count", &l->pcc_count);
		get_field(session, "struct percpu_counter", "counters", &l->pcc_counters);
	}
	static const char *const names[] = {"MM_FILEPAGES", "MM_ANONPAGES", "MM_SHMEMPAGES"};
	static const int64_t defaults[] = {0, 1, 3}; /* include/linux/mm_types_task.h */
	struct kc_types *types;
	err = kc_session_types(session, &types);
	for (size_t i = 0; i < 3; i++) {
		l->mm_counters[i] = defaults[i];
		if (!err) {
			struct kc_error *e = kc_types_find_enumerator(types, names[i],
								      &l->mm_counters[i], NULL);
			if (e) {
				kc_error_destroy(e);
				l->mm_counters[i] = i == 2 ? -1 : defaults[i];
			}
		}
	}
	kc_error_destroy(err);
	int64_t nr = 4;
	struct kc_error *e = kc_kernel_enumerator(session, "NR_MM_COUNTERS", &nr, NULL);
	kc_error_destroy(e);
	l->nr_task_rss_counters = nr > 0 && nr < 16 ? (unsigned)nr : 4;
	return NULL;
}

static struct kc_error *add_addr(struct builder *b, uint64_t task, bool idle,
				 int cpu)
{
	for (size_t i = 0; i < b->nr_addrs; i++)
		if (b->addrs[i] == task)
			return NULL;
	if (b->nr_addrs >= TASKS_MAX)
		return kc_error_create(KC_ERR_FORMAT, "more than %u tasks (corrupt task list?)",
				       TASKS_MAX);
	if (b->nr_addrs == b->cap_addrs) {
		size_t cap = b->cap_addrs ? b->cap_addrs * 2 : 256;
		uint64_t *addrs = realloc(b->addrs, cap * sizeof(*addrs));
		if (!addrs)
			return &kc_error_nomem;
		b->addrs = addrs;
		bool *flags = realloc(b->idle, cap * sizeof(*flags));
		if (!flags)
			return &kc_error_nomem;
		b->idle = flags;
		int *cpus = realloc(b->idle_cpu, cap * sizeof(*cpus));
		if (!cpus)
			return &kc_error_nomem;
		b->idle_cpu = cpus;
		b->cap_addrs = cap;
	}
	b->addrs[b->nr_addrs] = task;
	b->idle[b->nr_addrs] = idle;
	b->idle_cpu[b->nr_addrs] = cpu;
	b->nr_addrs++;
	return NULL;
}

struct walk_ctx {
	struct builder *b;
	uint64_t offset;
};

static struct kc_error *visit_task(void *arg, uint64_t node)
{
	struct walk_ctx *ctx = arg;
	return add_addr(ctx->b, node - ctx->offset, false, -1);
}

/* The threads of the group LEADER leads (the leader included). */
static struct kc_error *collect_threads(struct builder *b, uint64_t leader)
{
	const struct task_layout *l = &b->layout;
	struct kc_session *session = b->session;
	struct kc_error *err;
	if (l->use_thread_head) {
		uint64_t signal;
		err = kc_kernel_read_u64(session, leader + l->signal.offset, &signal);
		if (err)
			return kc_error_prefix(err, "task 0x%llx's signal", (unsigned long long)leader);
		struct walk_ctx ctx = {b, l->thread_node.offset};
		return kc_kernel_list_walk(session, signal + l->thread_head, TASKS_MAX,
					   visit_task, &ctx);
	}
	if (!l->thread_group.present)
		return NULL;
	struct walk_ctx ctx = {b, l->thread_group.offset};
	return kc_kernel_list_walk(session, leader + l->thread_group.offset, TASKS_MAX,
				   visit_task, &ctx);
}

static struct kc_error *runqueue_task(struct kc_session *session, unsigned cpu,
				      const char *member, uint64_t *task)
{
	uint64_t runqueues, rq;
	struct kc_error *err = kc_kernel_symbol(session, "runqueues", &runqueues);
	if (!err)
		err = kc_kernel_percpu(session, runqueues, cpu, &rq);
	if (!err)
		err = kc_kernel_read_member(session, rq, "struct rq", member, task);
	if (err)
		return kc_error_prefix(err, "runqueues[%u].%s", cpu, member);
	return NULL;
}

static struct kc_error *collect_addrs(struct builder *b, uint64_t init_task)
{
	struct kc_session *session = b->session;
	struct kc_task_list *list = b->list;
	struct kc_error *err = add_addr(b, init_task, true, 0);
	if (err)
		return err;
	for (unsigned cpu = 1; cpu < list->nr_cpus; cpu++) {
		uint64_t idle;
		err = runqueue_task(session, cpu, "idle", &idle);
		if (!err && idle && idle != init_task)
			err = add_addr(b, idle, true, (int)cpu);
		if (err && (err = add_warning(list, err, "idle task of CPU %u", cpu)))
			return err;
	}
	size_t first_leader = b->nr_addrs;
	struct walk_ctx ctx = {b, b->layout.tasks.offset};
	err = kc_kernel_list_walk(session, init_task + b->layout.tasks.offset, TASKS_MAX,
				  visit_task, &ctx);
	if (err && (err = add_warning(list, err, "init_task.tasks")))
		return err;
	size_t last_leader = b->nr_addrs;
	for (size_t i = first_leader; i < last_leader; i++) {
		err = collect_threads(b, b->addrs[i]);
		if (err && (err = add_warning(list, err, "threads of task 0x%llx",
					      (unsigned long long)b->addrs[i])))
			return err;
	}
	return NULL;
}

/*
 * Counters read from a corrupt dump can be anything: sum them modulo 2^64
 * (signed overflow would be undefined behaviour).
 */
static int64_t wrapping_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t read_percpu_counter(struct kc_session *session,
				   const struct task_layout *l, uint64_t counter,
				   unsigned nr_cpus)
{
	uint64_t count = 0, counters = 0;
	struct kc_error *err = kc_kernel_read_u64(session, counter + l->pcc_count.offset, &count);
	if (!err)
		err = kc_kernel_read_u64(session, counter + l->pcc_counters.offset, &counters);
	kc_error_destroy(err);
	int64_t sum = (int64_t)count;
	for (unsigned cpu = 0; counters && cpu < nr_cpus; cpu++) {
		uint64_t addr;
		uint8_t bytes[4];
		err = kc_kernel_percpu(session, counters, cpu, &addr);
		if (!err)
			err = kc_kernel_read(session, addr, bytes, 4);
		if (!err)
			sum = wrapping_add(sum, (int32_t)kc_get_le32(bytes));
		kc_error_destroy(err);
	}
	return sum;
}

/* total_vm and the mm-wide RSS counters of MM. */
static struct kc_error *read_mm(struct builder *b, uint64_t mm, uint64_t *total_vm,
				int64_t *rss)
{
	struct kc_session *session = b->session;
	const struct task_layout *l = &b->layout;
	*total_vm = 0;
	*rss = 0;
	if (l->mm_total_vm.present) {
		struct kc_error *err = kc_kernel_read_u64(session, mm + l->mm_total_vm.offset,
							  total_vm);
		if (err)
			return kc_error_prefix(err, "mm_struct 0x%llx's total_vm",
					       (unsigned long long)mm);
	}
	for (size_t i = 0; i < 3; i++) {
		int64_t index = l->mm_counters[i];
		if (index < 0)
			continue;
		if (l->mm_rss_count.present) {
			uint64_t v;
			struct kc_error *err = kc_kernel_read_u64(session,
				mm + l->mm_rss_count.offset + 8 * (uint64_t)index, &v);
			if (err)
				return kc_error_prefix(err, "mm_struct 0x%llx's rss_stat",
						       (unsigned long long)mm);
			*rss = wrapping_add(*rss, (int64_t)v);
		} else if (l->mm_rss_percpu.present && l->pcc_count.present) {
			*rss = wrapping_add(*rss, read_percpu_counter(session, l,
				mm + l->mm_rss_percpu.offset + l->percpu_counter_size * (uint64_t)index,
				b->list->nr_cpus));
		}
	}
	return NULL;
}

/* The per-task RSS deltas of SPLIT_RSS_COUNTING kernels (int count[]). */
static int64_t task_rss_delta(const struct task_layout *l, const uint8_t *buf)
{
	if (!l->rss_stat_count.present || !l->nr_task_rss_counters)
		return 0;
	uint64_t elem = l->rss_stat_count.size / l->nr_task_rss_counters;
	if (elem != 4)
		return 0;
	int64_t sum = 0;
	for (size_t i = 0; i < 3; i++) {
		int64_t index = l->mm_counters[i];
		if (index < 0 || (uint64_t)index >= l->nr_task_rss_counters)
			continue;
		sum += (int32_t)kc_get_le32(buf + l->rss_stat_count.offset + 4 * (uint64_t)index);
	}
	return sum;
}

static struct kc_error *set_task_warning(struct kc_task *t, struct kc_error *err)
{
	if (err->code == KC_ERR_INTERRUPTED)
		return err; /* as in add_warning */
	if (asprintf(&t->warning, "task 0x%llx: %s", (unsigned long long)t->task,
		     kc_error_message(err)) < 0)
		t->warning = NULL;
	kc_error_destroy(err);
	return t->warning ? NULL : &kc_error_nomem;
}

static struct kc_error *read_task(struct builder *b, size_t i, uint8_t *buf)
{
	const struct task_layout *l = &b->layout;
	struct kc_task *t = &b->list->tasks[i];
	*t = (struct kc_task){.task = b->addrs[i], .ppid = -1, .cpu = -1,
			      .is_idle = b->idle[i]};
	memcpy(t->state_code, "??", 3);
	snprintf(t->comm, sizeof(t->comm), "(unreadable)");
	struct kc_error *err = kc_kernel_read(b->session, t->task, buf, (size_t)l->size);
	if (err)
		return set_task_warning(t, err);
	t->pid = (int32_t)field_value(buf, &l->pid);
	t->tgid = (int32_t)field_value(buf, &l->tgid);
	memcpy(t->comm, buf + l->comm.offset, (size_t)l->comm.size);
	t->comm[KC_TASK_COMM_LEN - 1] = '\0';
	for (char *c = t->comm; *c; c++)
		if (!isprint((unsigned char)*c))
			*c = '?';
	t->state = (field_value(buf, &l->state) & 0xffffffffu) |
		   (field_value(buf, &l->exit_state) & 0xffffffffu);
	state_code(&l->states, t->state, t->state_code);
	t->flags = field_value(buf, &l->flags);
	t->mm = field_value(buf, &l->mm);
	t->active_mm = field_value(buf, &l->active_mm);
	t->real_parent = field_value(buf, &l->real_parent);
	if (l->cpu.present)
		t->cpu = (int)(uint32_t)field_value(buf, &l->cpu);
	if (b->idle[i] && b->idle_cpu[i] >= 0)
		t->cpu = b->idle_cpu[i];
	t->thread_info = l->thread_info.present ? t->task + l->thread_info.offset
						: field_value(buf, &l->stack);
	t->is_kernel_thread = t->pid == 0 || (t->flags & PF_KTHREAD);
	b->rss_delta[i] = task_rss_delta(l, buf);
	return NULL;
}

static int compare_tasks(const void *a, const void *b)
{
	const struct kc_task *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* ppid, memory use, and which task runs on each CPU. */
static struct kc_error *fill_relations(struct builder *b)
{
	struct kc_task_list *list = b->list;
	struct kc_session *session = b->session;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		struct kc_task *t = &list->tasks[i];
		if (t->warning)
			continue;
		const struct kc_task *parent = kc_task_by_addr(list, t->real_parent);
		if (parent) {
			t->ppid = parent->tgid;
		} else if (t->real_parent) {
			uint64_t tgid;
			struct kc_error *err = kc_kernel_read_member(session, t->real_parent,
								     "struct task_struct", "tgid", &tgid);
			if (!err)
				t->ppid = (int32_t)tgid;
			kc_error_destroy(err);
		}
		if (!t->mm)
			continue;
		int64_t rss;
		struct kc_error *err = read_mm(b, t->mm, &t->total_vm, &rss);
		if (err) {
			err = set_task_warning(t, err);
			if (err)
				return err;
			continue;
		}
		for (size_t j = 0; j < list->nr_tasks; j++)
			if (list->tasks[j].mm == t->mm)
				rss = wrapping_add(rss, b->rss_delta[j]);
		t->rss = rss > 0 ? (uint64_t)rss : 0;
		if (list->totalram_pages)
			t->mem_percent = (double)t->rss * 100.0 / (double)list->totalram_pages;
	}
	for (unsigned cpu = 0; cpu < list->nr_cpus; cpu++) {
		uint64_t curr;
		struct kc_error *err = runqueue_task(session, cpu, "curr", &curr);
		if (err) {
			if ((err = add_warning(list, err, "current task of CPU %u", cpu)))
				return err;
			continue;
		}
		for (size_t i = 0; i < list->nr_tasks; i++)
			if (list->tasks[i].task == curr)
				list->tasks[i].is_active = true;
	}
	return NULL;
}

/* _totalram_pages (atomic_long_t, v5.0+) or totalram_pages (unsigned long). */
static uint64_t read_totalram_pages(struct kc_session *session)
{
	uint64_t addr, pages = 0;
	struct kc_error *err = kc_kernel_symbol(session, "_totalram_pages", &addr);
	if (err) {
		kc_error_destroy(err);
		err = kc_kernel_symbol(session, "totalram_pages", &addr);
	}
	if (!err)
		err = kc_kernel_read_u64(session, addr, &pages);
	kc_error_destroy(err);
	return pages;
}

/*
 * The panic task: runqueues[panic_cpu].curr (panic() records panic_cpu),
 * else the task whose pid an NT_PRSTATUS note names. The other CPU's note
 * may hold the registers of whatever it ran when stopped, so panic_cpu
 * comes first.
 */
static void find_panic_task(struct kc_session *session, struct kc_task_list *list)
{
	list->panic_cpu = -1;
	uint64_t addr;
	uint8_t bytes[4];
	struct kc_error *err = kc_kernel_symbol(session, "panic_cpu", &addr);
	if (!err)
		err = kc_kernel_read(session, addr, bytes, 4);
	if (!err) {
		int32_t cpu = (int32_t)kc_get_le32(bytes);
		uint64_t curr;
		if (cpu >= 0 && (unsigned)cpu < list->nr_cpus &&
		    !(err = runqueue_task(session, (unsigned)cpu, "curr", &curr)) &&
		    kc_task_by_addr(list, curr)) {
			list->panic_cpu = cpu;
			list->panic_task = curr;
			list->panic_source = "panic_cpu";
		}
	}
	/*
	 * A readable panic_cpu of -1 (PANIC_CPU_INVALID) means the kernel did
	 * not panic (a dump of a running system, such as QEMU's): there is no
	 * panic task, and QEMU's notes carry vCPU numbers, not pids. Only a
	 * kernel without panic_cpu falls back to the notes' pids.
	 */
	bool panic_cpu_known = err == NULL;
	kc_error_destroy(err);
	if (list->panic_task || panic_cpu_known || !session->dump)
		return;
	for (size_t i = 0; i < session->dump->nr_prstatus; i++) {
		int32_t pid = session->dump->prstatus[i].pid;
		const struct kc_task *t = pid > 0 ? kc_task_by_pid(list, pid) : NULL;
		if (t) {
			list->panic_task = t->task;
			list->panic_cpu = t->cpu;
			list->panic_source = "NT_PRSTATUS pr_pid";
			return;
		}
	}
}

static void free_list(struct kc_task_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->nr_tasks; i++)
		free(list->tasks[i].warning);
	free(list->tasks);
	for (size_t i = 0; i < list->nr_warnings; i++)
		free(list->warnings[i]);
	free(list->warnings);
	free(list);
}

static struct kc_error *build_list(struct kc_session *session,
				   struct kc_task_list **ret)
{
	struct builder b = {.session = session};
	struct kc_error *err = read_layout(session, &b.layout);
	if (err)
		return kc_error_prefix(err, "tasks");
	b.list = calloc(1, sizeof(*b.list));
	if (!b.list)
		return &kc_error_nomem;
	struct kc_task_list *list = b.list;
	list->nr_cpus = kc_kernel_nr_cpus(session);
	err = read_task_states(session, &b.layout.states);
	if (err) {
		default_states(&b.layout.states);
		err = add_warning(list, err, "task states (using the v4.14+ defaults)");
	}
	uint64_t init_task;
	uint8_t *buf = NULL;
	if (!err)
		err = kc_kernel_symbol(session, "init_task", &init_task);
	if (!err)
		err = collect_addrs(&b, init_task);
	if (!err) {
		list->tasks = calloc(b.nr_addrs, sizeof(*list->tasks));
		b.rss_delta = calloc(b.nr_addrs, sizeof(*b.rss_delta));
		buf = malloc((size_t)b.layout.size);
		if (!list->tasks || !b.rss_delta || !buf)
			err = &kc_error_nomem;
	}
	for (size_t i = 0; !err && i < b.nr_addrs; i++) {
		err = read_task(&b, i, buf);
		list->nr_tasks = i + 1;
	}
	free(buf);
	if (!err) {
		list->totalram_pages = read_totalram_pages(session);
		err = fill_relations(&b);
	}
	if (!err) {
		/* The RSS deltas are summed by now, so only the tasks need sorting. */
		qsort(list->tasks, list->nr_tasks, sizeof(*list->tasks), compare_tasks);
		find_panic_task(session, list);
	}
	free(b.addrs);
	free(b.idle);
	free(b.idle_cpu);
	free(b.rss_delta);
	if (err) {
		free_list(list);
		return err;
	}
	*ret = list;
	return NULL;
}

struct kc_error *kc_tasks(struct kc_session *session,
			  const struct kc_task_list **ret)
{
	if (!session->task_list) {
		struct kc_error *err = build_list(session, &session->task_list);
		if (err)
			return err;
	}
	*ret = session->task_list;
	return NULL;
}

void kc_tasks_destroy(struct kc_session *session)
{
	free_list(session->task_list);
	session->task_list = NULL;
	session->context_task = 0;
}

const struct kc_task *kc_task_by_pid(const struct kc_task_list *list, int64_t pid)
{
	for (size_t i = 0; i < list->nr_tasks; i++)
		if (list->tasks[i].pid == pid && !list->tasks[i].warning)
			return &list->tasks[i];
	return NULL;
}

const struct kc_task *kc_task_by_addr(const struct kc_task_list *list, uint64_t task)
{
	for (size_t i = 0; task && i < list->nr_tasks; i++)
		if (list->tasks[i].task == task)
			return &list->tasks[i];
	return NULL;
}

const struct kc_task *kc_task_active_on(const struct kc_task_list *list, int cpu)
{
	for (size_t i = 0; i < list->nr_tasks; i++)
		if (list->tasks[i].is_active && list->tasks[i].cpu == cpu)
			return &list->tasks[i];
	return NULL;
}

size_t kc_tasks_with_pid(const struct kc_task_list *list, int64_t pid)
{
	size_t n = 0;
	for (size_t i = 0; i < list->nr_tasks; i++)
		n += list->tasks[i].pid == pid && !list->tasks[i].warning;
	return n;
}

struct kc_error *kc_task_lookup(struct kc_session *session, const char *text,
				const struct kc_task **ret)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	bool decimal = *text != '\0';
	for (const char *c = text; *c; c++)
		decimal &= isdigit((unsigned char)*c) != 0;
	if (decimal) {
		char *end;
		long long pid = strtoll(text, &end, 10);
		const struct kc_task *t = kc_task_by_pid(list, pid);
		if (t) {
			*ret = t;
			return NULL;
		}
	}
	const char *hex = text;
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	char *end;
	uint64_t addr = *hex ? strtoull(hex, &end, 16) : 0;
	const struct kc_task *t = *hex && !*end ? kc_task_by_addr(list, addr) : NULL;
	if (t) {
		*ret = t;
		return NULL;
	}
	return kc_error_create(KC_ERR_LOOKUP, "invalid task or pid value: %s", text);
}

void kc_task_state_verbose(struct kc_session *session, const struct kc_task *task,
			   char *buf, size_t len)
{
	(void)session;
	const char *code = task->state_code;
	static const struct {
		const char *code, *name;
	} names[] = {
		{"RU", "TASK_RUNNING"}, {"IN", "TASK_INTERRUPTIBLE"},
		{"UN", "TASK_UNINTERRUPTIBLE"}, {"ID", "TASK_IDLE"},
		{"ZO", "EXIT_ZOMBIE"}, {"ST", "TASK_STOPPED"},
		{"TR", "TASK_TRACED"}, {"DE", "EXIT_DEAD"},
		{"PA", "TASK_PARKED"}, {"WA", "TASK_WAKING"}, {"NE", "TASK_NEW"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(code, names[i].code) == 0) {
			snprintf(buf, len, "%s", names[i].name);
			return;
		}
	}
	snprintf(buf, len, "(unknown)");
}

bool kc_session_has_context(const struct kc_session *session)
{
	return session->context_task != 0;
}

struct kc_error *kc_session_context(struct kc_session *session,
				    const struct kc_task **ret)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	const struct kc_task *t = kc_task_by_addr(list, session->context_task);
	if (!t)
		t = kc_task_by_addr(list, list->panic_task);
	/* No panic task found: crash falls back to CPU 0's idle task. */
	if (!t)
		t = kc_task_by_pid(list, 0);
	if (!t)
		return kc_error_create(KC_ERR_LOOKUP, "no task to take as the current context");
	session->context_task = t->task;
	*ret = t;
	return NULL;
}

struct kc_error *kc_session_set_context(struct kc_session *session,
					const struct kc_task *task)
{
	if (!task) {
		session->context_task = 0;
		return NULL;
	}
	if (task->warning)
		return kc_error_create(KC_ERR_FORMAT, "%s", task->warning);
	session->context_task = task->task;
	return NULL;
}

struct kc_error *kc_task_pgd(struct kc_session *session, const struct kc_task *task,
			     uint64_t *pgd, uint64_t *pgd_paddr)
{
	if (!task->mm)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "PID %d (%s) is a kernel thread with no user address space (its mm is NULL)",
				       task->pid, task->comm);
	struct kc_error *err = kc_kernel_read_member(session, task->mm, "struct mm_struct",
						     "pgd", pgd);
	if (err)
		return err;
	struct kc_arm64_mmu *mmu;
	err = kc_session_mmu(session, &mmu);
	if (!err)
		err = kc_arm64_kvtop(mmu, *pgd, pgd_paddr);
	if (err)
		return kc_error_prefix(err, "mm_struct 0x%llx's pgd 0x%llx",
				       (unsigned long long)task->mm, (unsigned long long)*pgd);
	return NULL;
}

struct kc_error *kc_task_read_user(struct kc_session *session, const struct kc_task *task,
				   uint64_t vaddr, void *buf, size_t len)
{
	uint64_t pgd, pgd_paddr;
	struct kc_error *err = kc_task_pgd(session, task, &pgd, &pgd_paddr);
	if (err)
		return err;
	struct kc_arm64_mmu *mmu;
	err = kc_session_mmu(session, &mmu);
	if (!err)
		err = kc_arm64_read_uvirt(mmu, pgd_paddr, vaddr, buf, len);
	if (err)
		return kc_error_prefix(err, "PID %d (%s) user address 0x%llx", task->pid,
				       task->comm, (unsigned long long)vaddr);
	return NULL;
}

/* ---- selecting tasks by argument ---- */

static bool all_chars(const char *s, int (*is)(int))
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is((unsigned char)*s))
			return false;
	return true;
}

/*
 * Mark the tasks ARG names, as crash's foreach and bt take them: a pid, a
 * task_struct address, a command name (\NAME for one that looks like a
 * number), or for foreach "kernel", "user" and "active".
 */
struct kc_error *kc_tasks_select(const struct kc_task_list *list, const char *arg,
				 bool keywords, bool *selected)
{
	bool found = false;
	for (size_t i = 0; keywords && i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		bool match = (!strcmp(arg, "kernel") && t->is_kernel_thread) ||
			     (!strcmp(arg, "user") && !t->is_kernel_thread) ||
			     (!strcmp(arg, "active") && t->is_active);
		if (match)
			selected[i] = true;
		found |= !strcmp(arg, "kernel") || !strcmp(arg, "user") ||
			 !strcmp(arg, "active");
	}
	if (!found && arg[0] != '\\' && all_chars(arg, isdigit)) {
		long long pid = strtoll(arg, NULL, 10);
		for (size_t i = 0; i < list->nr_tasks; i++)
			if (list->tasks[i].pid == pid)
				selected[i] = found = true;
	}
	const char *hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X') ? arg + 2 : arg;
	if (!found && arg[0] != '\\' && all_chars(hex, isxdigit)) {
		uint64_t addr = strtoull(hex, NULL, 16);
		for (size_t i = 0; i < list->nr_tasks; i++)
			if (list->tasks[i].task == addr)
				selected[i] = found = true;
	}
	const char *comm = arg[0] == '\\' ? arg + 1 : arg;
	for (size_t i = 0; !found && i < list->nr_tasks; i++)
		if (!strcmp(list->tasks[i].comm, comm))
			selected[i] = true;
	for (size_t i = 0; !found && i < list->nr_tasks; i++)
		found = selected[i] && !strcmp(list->tasks[i].comm, comm);
	if (!found)
		return kc_error_create(KC_ERR_LOOKUP, "invalid task, pid or command: %s", arg);
	return NULL;
}
