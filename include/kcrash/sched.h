/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's and the interrupt subsystem's state in a dump: each
 * CPU's run queue (the RT priority array and the CFS timeline), the IRQ
 * descriptors with their actions and per-CPU counts, the timer wheel and
 * the hrtimer clock bases, a task's signal state, and the tasks waiting on
 * a wait queue. What `runq`, `irq`, `timer`, `sig` and `waitq` print.
 *
 * Every walk is bounded and cycle-checked (walk.h); member offsets come
 * from the session's types. A part that cannot be read is an error string
 * on the part (the rest is still there), never a guess. Kernels without
 * CONFIG_KALLSYMS_ALL lack the data symbols: per-CPU variables (timer_bases,
 * hrtimer_bases) are placed from BTF's .data..percpu offsets against the
 * runqueues found in the dump, and irq_desc_tree / sparse_irqs from the
 * code of irq_to_desc(), checked by walking it.
 */
#ifndef KCRASH_SCHED_H
#define KCRASH_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/*
 * The run-time address of per-CPU variable NAME (the address per_cpu()
 * adds a CPU's offset to, as the symbol table gives it): the symbol
 * source's, else its offset in BTF's .data..percpu placed against
 * runqueues' (datasyms.h), else, for hrtimer_bases and timer_bases, the
 * address the code taking this CPU's copy uses, accepted when every CPU's
 * copy names its CPU.
 */
struct kc_error *kc_percpu_symbol(struct kc_session *session, const char *name,
				  uint64_t *addr);

/* ---- run queues ---- */

/* A task queued on a run queue. */
struct kc_runq_task {
	uint64_t task;  /* struct task_struct */
	int prio;       /* RT: the priority array's index; CFS: task->prio */
};

/* One CPU's struct rq. */
struct kc_runq {
	unsigned cpu;
	uint64_t rq;             /* per_cpu(runqueues, cpu) */
	uint64_t curr;           /* rq->curr */
	uint64_t clock;          /* rq->clock (ns) */
	uint64_t curr_last_arrival; /* rq->curr->sched_info.last_arrival (ns) */
	unsigned nr_running;     /* rq->nr_running */
	unsigned cfs_nr_running; /* rq->cfs.nr_running (the running task included) */
	unsigned rt_nr_running;  /* rq->rt.rt_nr_running */
	uint64_t rt_prio_array;  /* &rq->rt.active */
	struct kc_runq_task *rt; /* by priority, then queue order */
	size_t nr_rt;
	uint64_t cfs_root;       /* &rq->cfs.tasks_timeline */
	struct kc_runq_task *cfs; /* timeline order, group run queues flattened */
	size_t nr_cfs;
	char *error;             /* what could not be read, or NULL */
};

struct kc_runqueues {
	struct kc_runq *cpus;
	unsigned nr_cpus;
};

/* Every CPU's run queue (CPUs 0 to the task list's nr_cpus - 1). */
struct kc_error *kc_runqueues_read(struct kc_session *session,
				   struct kc_runqueues *ret);
/* Free what kc_runqueues_read allocated. */
void kc_runqueues_free(struct kc_runqueues *runqueues);

/* ---- IRQ descriptors ---- */

/* One struct irqaction of a descriptor's action chain. */
struct kc_irq_action {
	uint64_t action;   /* struct irqaction */
	uint64_t handler;  /* action->handler */
	char name[64];     /* action->name ("" when NULL) */
};

/* One allocated IRQ descriptor. */
struct kc_irq {
	unsigned irq;
	uint64_t desc;           /* struct irq_desc */
	uint64_t hwirq;          /* irq_data.hwirq */
	char chip[32];           /* irq_data.chip->name ("" when none) */
	struct kc_irq_action *actions;
	size_t nr_actions;
	uint32_t *counts;        /* per CPU: *per_cpu_ptr(desc->kstat_irqs, cpu) */
	bool has_counts;
	char *error;             /* what could not be read, or NULL */
};

struct kc_irqs {
	struct kc_irq *irqs;     /* by IRQ number */
	size_t nr_irqs_found;
	unsigned nr_irqs;        /* the kernel's nr_irqs (crash lists 0 to it) */
	unsigned nr_cpus;
	uint64_t tree;           /* irq_desc_tree (radix tree) or sparse_irqs (maple tree) */
	const char *tree_name;
	char *tree_source;       /* where its address came from */
};

/*
 * The IRQ descriptors of a CONFIG_SPARSE_IRQ kernel: irq_desc_tree
 * (v4.20-v6.4, a radix tree) or sparse_irqs (v6.5+, a maple tree). Each
 * descriptor must say it is the IRQ of its index.
 */
struct kc_error *kc_irqs_read(struct kc_session *session, struct kc_irqs *ret);
/* Free what kc_irqs_read allocated. */
void kc_irqs_free(struct kc_irqs *irqs);

/* ---- the timer wheel ---- */

/* One pending struct timer_list. */
struct kc_timer {
	uint64_t timer;     /* struct timer_list */
	uint64_t expires;   /* jiffies */
	uint64_t function;
};

/* One CPU's struct timer_base (BASE_STD, BASE_DEF). */
struct kc_timer_base {
	unsigned cpu;
	unsigned index;       /* BASE_STD, BASE_DEF; v6.9+: BASE_LOCAL, BASE_GLOBAL, BASE_DEF */
	uint64_t base;
	struct kc_timer *timers; /* by expiry */
	size_t nr_timers;
	char *error;
};

struct kc_timer_wheel {
	uint64_t jiffies;
	unsigned nr_cpus;
	unsigned bases_per_cpu;  /* NR_BASES: the length of timer_bases[] */
	struct kc_timer_base *bases; /* nr_cpus * bases_per_cpu, CPU-major */
};

/* Every CPU's timer wheel (kernel/time/timer.c, v4.8+ timer_bases[]). */
struct kc_error *kc_timer_wheel_read(struct kc_session *session,
				     struct kc_timer_wheel *ret);
/* Free what kc_timer_wheel_read allocated. */
void kc_timer_wheel_free(struct kc_timer_wheel *wheel);

/* ---- hrtimers ---- */

struct kc_hrtimer {
	uint64_t hrtimer;      /* struct hrtimer */
	int64_t softexpires;   /* _softexpires (ns) */
	int64_t expires;       /* node.expires (ns) */
	uint64_t function;
};

/* One struct hrtimer_clock_base of a CPU. */
struct kc_hrtimer_clock {
	unsigned index;
	uint64_t base;         /* struct hrtimer_clock_base */
	uint64_t get_time;     /* base->get_time (a function) */
	int64_t offset;        /* base->offset (ns) */
	int64_t now;           /* the monotonic time at the crash + offset (ns) */
	struct kc_hrtimer *timers; /* by expiry (the timerqueue's order) */
	size_t nr_timers;
	char *error;
};

struct kc_hrtimer_cpu {
	unsigned cpu;
	uint64_t base;         /* per_cpu(hrtimer_bases, cpu) */
	struct kc_hrtimer_clock *clocks;
	size_t nr_clocks;      /* HRTIMER_MAX_CLOCK_BASES */
};

struct kc_hrtimers {
	int64_t monotonic;     /* CLOCK_MONOTONIC at the timekeeper's last update (ns) */
	struct kc_hrtimer_cpu *cpus;
	unsigned nr_cpus;
};

/* Every CPU's hrtimer clock bases and their queued hrtimers. */
struct kc_error *kc_hrtimers_read(struct kc_session *session, struct kc_hrtimers *ret);
/* Free what kc_hrtimers_read allocated. */
void kc_hrtimers_free(struct kc_hrtimers *hrtimers);

/* ---- signals ---- */

#define KC_NSIG 64

/* sighand->action[sig - 1]. */
struct kc_sigaction {
	uint64_t address;    /* the struct k_sigaction */
	uint64_t handler;    /* 0 SIG_DFL, 1 SIG_IGN, else the user address */
	uint64_t flags;      /* SA_* */
	uint64_t mask;       /* sa_mask */
};

/* One struct sigqueue of a pending list. */
struct kc_sigqueue {
	uint64_t sigqueue;
	uint64_t info;       /* &sigqueue->info */
	int signo;
	int code;            /* si_code */
};

struct kc_task_signals {
	uint64_t task;
	uint64_t signal_struct;
	uint64_t sighand;
	int nr_threads;                  /* signal->nr_threads */
	struct kc_sigaction actions[KC_NSIG];
	bool sigpending;                 /* TIF_SIGPENDING */
	uint64_t blocked;                /* task->blocked */
	uint64_t pending;                /* task->pending.signal (SigPnd) */
	uint64_t shared_pending;         /* signal->shared_pending.signal (ShdPnd) */
	uint64_t ignored, caught;        /* from the handlers (SigIgn, SigCgt) */
	struct kc_sigqueue *private_queue; /* task->pending.list */
	size_t nr_private;
	struct kc_sigqueue *shared_queue;  /* signal->shared_pending.list */
	size_t nr_shared;
};

/* TASK's signal state (task->signal, ->sighand, ->pending, ->blocked). */
struct kc_error *kc_task_signals_read(struct kc_session *session, uint64_t task,
				      struct kc_task_signals *ret);
/* Free what kc_task_signals_read allocated. */
void kc_task_signals_free(struct kc_task_signals *signals);

/* ---- wait queues ---- */

/* One struct wait_queue_entry on a wait queue head's list. */
struct kc_waitq_entry {
	uint64_t entry;
	uint64_t private;    /* usually the waiting task */
	uint64_t func;       /* the wake function */
	unsigned flags;      /* WQ_FLAG_* */
};

/*
 * The entries of the wait_queue_head_t at HEAD, in queue order: *ENTRIES
 * is malloc'd (free() it), *N their number.
 */
struct kc_error *kc_waitqueue_read(struct kc_session *session, uint64_t head,
				   struct kc_waitq_entry **entries, size_t *n);

#endif
