/* SPDX-License-Identifier: MIT */
/*
 * The dump's tasks: every thread of every thread group on init_task.tasks,
 * plus the idle task of every CPU, read once per session and kept sorted
 * as crash sorts them (by pid; the idle tasks, all pid 0, by CPU). Also the
 * session's current context (the task `set` selects, the panic task by
 * default) and the state letters crash's ps prints.
 */
#ifndef KCRASH_TASKS_H
#define KCRASH_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

#define KC_TASK_COMM_LEN 16

struct kc_task {
	uint64_t task;          /* struct task_struct address */
	int32_t pid;
	int32_t tgid;
	int32_t ppid;           /* real_parent's tgid (-1 when unreadable) */
	uint64_t real_parent;
	char comm[KC_TASK_COMM_LEN];
	uint64_t state;         /* __state (or state) | exit_state */
	char state_code[3];     /* crash's two letters: "RU", "IN", ... "??" */
	int cpu;                /* -1 when unknown */
	uint64_t flags;         /* PF_* */
	uint64_t mm;
	uint64_t active_mm;
	uint64_t thread_info;   /* crash's THREAD_INFO address */
	bool is_idle;           /* a CPU's idle task (pid 0) */
	bool is_active;         /* runqueues[cpu].curr */
	bool is_kernel_thread;  /* PF_KTHREAD, or pid 0 */
	uint64_t total_vm;      /* pages (0 without an mm) */
	uint64_t rss;           /* pages: file + anon + shmem */
	double mem_percent;     /* rss / totalram pages, in percent */
	char *warning;          /* set when part of the task could not be read */
};

struct kc_task_list {
	struct kc_task *tasks;  /* sorted by pid, idle tasks by CPU */
	size_t nr_tasks;
	unsigned nr_cpus;
	uint64_t totalram_pages;
	int panic_cpu;          /* -1 when not known */
	uint64_t panic_task;    /* 0 when not known */
	const char *panic_source; /* how panic_task was found */
	char **warnings;        /* problems met while walking */
	size_t nr_warnings;
};

/*
 * Mark in SELECTED (one flag per task of LIST) the tasks ARG names, as
 * crash's ps, bt and foreach take them: a pid, a task_struct address, a
 * command name (\NAME for one that looks like a number), and with KEYWORDS
 * (foreach) "kernel", "user" and "active". An ARG naming nothing is an error.
 */
struct kc_error *kc_tasks_select(const struct kc_task_list *list, const char *arg,
				 bool keywords, bool *selected);

/* The session's task list, read on first use and kept. */
struct kc_error *kc_tasks(struct kc_session *session,
			  const struct kc_task_list **ret);

/* Lookups; NULL when none. kc_task_by_pid gives the first of that pid. */
const struct kc_task *kc_task_by_pid(const struct kc_task_list *list,
				     int64_t pid);
const struct kc_task *kc_task_by_addr(const struct kc_task_list *list,
				      uint64_t task);
/* CPU's active task (runqueues[cpu].curr, its idle task when idle). */
const struct kc_task *kc_task_active_on(const struct kc_task_list *list, int cpu);
size_t kc_tasks_with_pid(const struct kc_task_list *list, int64_t pid);

/*
 * A PID (decimal) or task_struct address (hexadecimal) as crash's commands
 * take them: a number that is a pid is a pid, else it is an address.
 */
struct kc_error *kc_task_lookup(struct kc_session *session, const char *text,
				const struct kc_task **ret);

/* crash's verbose state ("TASK_RUNNING", "TASK_INTERRUPTIBLE", ...). */
void kc_task_state_verbose(struct kc_session *session,
			   const struct kc_task *task, char *buf, size_t len);

/*
 * The current context: the panic task until `set` changes it (a NULL TASK
 * goes back to the panic task).
 */
struct kc_error *kc_session_context(struct kc_session *session,
				    const struct kc_task **ret);
/* Whether `set` chose a context (else it is the panic task). */
bool kc_session_has_context(const struct kc_session *session);
struct kc_error *kc_session_set_context(struct kc_session *session,
					const struct kc_task *task);

/*
 * The physical address of TASK's user page tables (mm->pgd); an error for
 * kernel threads, which have no mm.
 */
struct kc_error *kc_task_pgd(struct kc_session *session,
			     const struct kc_task *task, uint64_t *pgd,
			     uint64_t *pgd_paddr);

/*
 * LEN bytes of TASK's user memory at VADDR, through its own page tables
 * (mm->pgd). Fails for kernel threads, and, as for any read, where a page
 * is not mapped or not in the dump (makedumpfile -d 8 and above drop user
 * pages): the message names the task and the address.
 */
struct kc_error *kc_task_read_user(struct kc_session *session, const struct kc_task *task,
				   uint64_t vaddr, void *buf, size_t len);

#endif
