/* SPDX-License-Identifier: MIT */
/*
 * sig: a task's signal state in crash's layout (crash task.c
 * dump_signal_data): the task header, SIGNAL_STRUCT and NR_THREADS, the 64
 * handlers (SIG SIGACTION HANDLER MASK FLAGS, SA_* names), SIGPENDING,
 * BLOCKED, the PRIVATE_PENDING and SHARED_PENDING sets and their sigqueue
 * lists; -g every thread of the task's group; -l the signal names.
 */
#include "command.h"
#include "btfmt.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/sched.h>
#include <kcrash/tasks.h>

/* SA_* values: include/uapi/asm-generic/signal.h and arm64's SA_RESTORER (v5.10-v6.12). */
static const struct {
	uint64_t bit;
	const char *name;
} sa_flags[] = {
	{0x00000001, "SA_NOCLDSTOP"}, {0x04000000, "SA_RESTORER"}, {0x00000002, "SA_NOCLDWAIT"},
	{0x00000004, "SA_SIGINFO"},   {0x08000000, "SA_ONSTACK"},  {0x10000000, "SA_RESTART"},
	{0x40000000, "SA_NODEFER"},   {0x80000000, "SA_RESETHAND"},
};

/* Signal names, 1 to 31 (arm64's include/uapi/asm-generic/signal.h). */
static const char *const signames[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

/* SIGRTMIN 32, SIGRTMAX 64 (_NSIG). */
static void print_signames(FILE *out)
{
	for (int i = 1; i < 32; i++)
		fprintf(out, "%s[%d] %s\n", i < 10 ? " " : "", i, signames[i]);
	fprintf(out, "[32] SIGRTMIN\n");
	for (int i = 33; i < 64; i++)
		fprintf(out, "[%d] SIGRTMIN+%d\n", i, i - 32);
	fprintf(out, "[64] SIGRTMAX\n");
}

static void print_flags(uint64_t flags, FILE *out)
{
	fprintf(out, "%llx ", (unsigned long long)flags);
	int shown = 0;
	for (size_t i = 0; i < sizeof(sa_flags) / sizeof(sa_flags[0]); i++)
		if (flags & sa_flags[i].bit)
			fprintf(out, "%s%s", shown++ ? "|" : "(", sa_flags[i].name);
	if (shown)
		fputc(')', out);
}

static void print_queue(const struct kc_sigqueue *q, size_t n, const char *indent, FILE *out)
{
	if (!n) {
		fprintf(out, "%s  SIGQUEUE: (empty)\n", indent);
		return;
	}
	fprintf(out, "%s  SIGQUEUE:  SIG      SIGINFO     \n", indent);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "             %3d  %llx\n", q[i].signo, (unsigned long long)q[i].info);
}

/* The thread group's part: SIGNAL_STRUCT and the handlers. */
static void print_group(const struct kc_task_signals *s, FILE *out)
{
	fprintf(out, "SIGNAL_STRUCT: %llx  ", (unsigned long long)s->signal_struct);
	if (!s->signal_struct) {
		fputc('\n', out);
		return;
	}
	fprintf(out, "NR_THREADS: %d\n", s->nr_threads);
	fprintf(out, " SIG    SIGACTION        HANDLER       MASK       FLAGS           \n");
	for (int i = 1; i <= KC_NSIG; i++) {
		const struct kc_sigaction *a = &s->actions[i - 1];
		char handler[32];
		if (a->handler == UINT64_MAX)
			snprintf(handler, sizeof(handler), "SIG_ERR");
		else if (a->handler == 0)
			snprintf(handler, sizeof(handler), "SIG_DFL");
		else if (a->handler == 1)
			snprintf(handler, sizeof(handler), "SIG_IGN");
		else
			snprintf(handler, sizeof(handler), "%llx", (unsigned long long)a->handler);
		fprintf(out, "%s[%d] %-10llx %10s %016llx ", i < 10 ? " " : "", i,
			(unsigned long long)a->address, handler, (unsigned long long)a->mask);
		print_flags(a->flags, out);
		fputc('\n', out);
	}
}

/* The task's part: SIGPENDING, BLOCKED, PRIVATE_PENDING. */
static void print_task_level(const struct kc_task_signals *s, const char *indent, FILE *out)
{
	fprintf(out, "%sSIGPENDING: %s\n", indent, s->sigpending ? "yes" : "no");
	fprintf(out, "%s   BLOCKED: %016llx\n", indent, (unsigned long long)s->blocked);
	fprintf(out, "%sPRIVATE_PENDING\n", indent);
	fprintf(out, "%s    SIGNAL: %016llx\n", indent, (unsigned long long)s->pending);
	print_queue(s->private_queue, s->nr_private, indent, out);
}

static void print_shared(const struct kc_task_signals *s, FILE *out)
{
	fprintf(out, "SHARED_PENDING\n");
	fprintf(out, "    SIGNAL: %016llx\n", (unsigned long long)s->shared_pending);
	print_queue(s->shared_queue, s->nr_shared, "", out);
}

static void json_queue(const struct kc_sigqueue *q, size_t n, FILE *out)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s{\"sigqueue\": \"0x%llx\", \"siginfo\": \"0x%llx\", \"signo\": %d, "
			"\"code\": %d}", i ? ", " : "", (unsigned long long)q[i].sigqueue,
			(unsigned long long)q[i].info, q[i].signo, q[i].code);
	fputc(']', out);
}

static void print_json(const struct kc_task *t, const struct kc_task_signals *s, bool first,
		       FILE *out)
{
	fprintf(out, "%s\n  {\"pid\": %d, \"task\": \"0x%llx\", \"comm\": ", first ? "" : ",", t->pid,
		(unsigned long long)t->task);
	kc_json_string(out, t->comm);
	fprintf(out, ", \"signal_struct\": \"0x%llx\", \"sighand\": \"0x%llx\", \"nr_threads\": %d, "
		"\"sigpending\": %s, \"blocked\": \"%016llx\", \"pending\": \"%016llx\", "
		"\"shared_pending\": \"%016llx\", \"ignored\": \"%016llx\", \"caught\": \"%016llx\", "
		"\"private_queue\": ",
		(unsigned long long)s->signal_struct, (unsigned long long)s->sighand, s->nr_threads,
		s->sigpending ? "true" : "false", (unsigned long long)s->blocked,
		(unsigned long long)s->pending, (unsigned long long)s->shared_pending,
		(unsigned long long)s->ignored, (unsigned long long)s->caught);
	json_queue(s->private_queue, s->nr_private, out);
	fputs(", \"shared_queue\": ", out);
	json_queue(s->shared_queue, s->nr_shared, out);
	fputs(", \"actions\": [", out);
	for (int i = 0; i < KC_NSIG; i++) {
		const struct kc_sigaction *a = &s->actions[i];
		fprintf(out, "%s{\"sig\": %d, \"sigaction\": \"0x%llx\", \"handler\": \"0x%llx\", "
			"\"mask\": \"%016llx\", \"flags\": \"0x%llx\"}", i ? ", " : "", i + 1,
			(unsigned long long)a->address, (unsigned long long)a->handler,
			(unsigned long long)a->mask, (unsigned long long)a->flags);
	}
	fputs("]}", out);
}

static struct kc_error *show(struct kc_session *session, const struct kc_task_list *list,
			     const struct kc_task *t, bool group, bool json, bool first, FILE *out)
{
	if (group && !json && t->pid != t->tgid) {
		const struct kc_task *leader = kc_task_by_pid(list, t->tgid);
		if (leader)
			t = leader;
	}
	struct kc_task_signals s;
	struct kc_error *err = kc_task_signals_read(session, t->task, &s);
	if (err)
		return err;
	if (json) {
		print_json(t, &s, first, out);
		kc_task_signals_free(&s);
		return NULL;
	}
	(void)first;
	kc_bt_print_header(t, out);
	print_group(&s, out);
	if (!group) {
		print_task_level(&s, "", out);
		print_shared(&s, out);
		fputc('\n', out);
		kc_task_signals_free(&s);
		return NULL;
	}
	print_shared(&s, out);
	kc_task_signals_free(&s);
	/* -g: the leader's, then each other thread's, indented (crash's do_sig_thread_group). */
	for (size_t i = 0; i <= list->nr_tasks; i++) {
		const struct kc_task *thread = i == 0 ? t : &list->tasks[i - 1];
		if (i > 0 && (thread == t || thread->tgid != t->tgid || thread->is_idle ||
			      thread->warning))
			continue;
		struct kc_task_signals ts;
		err = kc_task_signals_read(session, thread->task, &ts);
		if (err)
			return err;
		fputs("\n  ", out);
		kc_bt_print_header(thread, out);
		print_task_level(&ts, "  ", out);
		kc_task_signals_free(&ts);
	}
	fputc('\n', out);
	return NULL;
}

static struct kc_error *cmd_sig(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false, group = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-g")) {
			group = true;
		} else if (!strcmp(argv[i], "-l")) {
			print_signames(out);
			return NULL;
		} else {
			return kc_usage_error(&kc_cmd_sig);
		}
	}
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	if (json)
		fputc('[', out);
	bool first = true;
	if (i == argc) {
		const struct kc_task *t;
		err = kc_session_context(session, &t);
		if (!err)
			err = show(session, list, t, group, json, true, out);
		first = false;
	}
	for (; !err && i < argc; i++) {
		const struct kc_task *t;
		err = kc_task_lookup(session, argv[i], &t);
		if (!err)
			err = show(session, list, t, group, json, first, out);
		first = false;
	}
	if (json && !err)
		fputs("\n]\n", out);
	return err;
}

const struct kc_command kc_cmd_sig = {
	.name = "sig",
	.summary = "task signal handling",
	.usage = "sig [-g] [--json] [PID|TASK]... | sig -l",
	.help = "A task's signal state as crash prints it (the current context's without\n"
		"an argument): its header, SIGNAL_STRUCT and NR_THREADS, then for each\n"
		"of the 64 signals its struct k_sigaction (SIGACTION), HANDLER (SIG_DFL,\n"
		"SIG_IGN or the user address), MASK and FLAGS with the SA_* names;\n"
		"SIGPENDING (TIF_SIGPENDING), BLOCKED, PRIVATE_PENDING (task->pending:\n"
		"/proc's SigPnd) and SHARED_PENDING (signal->shared_pending: ShdPnd),\n"
		"each with its SIGQUEUE list (the signal and the siginfo address).\n"
		"  -g        the thread group: the shared part once, then each thread's\n"
		"            SIGPENDING, BLOCKED and PRIVATE_PENDING, indented\n"
		"  -l        the signal numbers and names\n"
		"  --json    one JSON array of objects: pid, task, comm, signal_struct,\n"
		"            sighand, nr_threads, sigpending, blocked, pending,\n"
		"            shared_pending, ignored and caught (as /proc's SigIgn and\n"
		"            SigCgt; sets as 16 hex digits), private_queue and\n"
		"            shared_queue ([{sigqueue, siginfo, signo, code}]), actions\n"
		"            ([{sig, sigaction, handler, mask, flags}])\n",
	.needs_dump = true,
	.run = cmd_sig,
};
