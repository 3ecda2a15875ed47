/* SPDX-License-Identifier: MIT */
/*
 * set: show or change the current context, the task whose address space
 * user addresses (vtop -u, rd -u) are read in. Shown as crash's
 * show_context does: PID, COMMAND, TASK (with "(1 of N)" when N tasks
 * share the pid, and THREAD_INFO), CPU and STATE, with (PANIC) for the
 * panic task and (ACTIVE) for a task running on another CPU.
 */
#include "command.h"

#include <string.h>

#include <kcrash/tasks.h>

static struct kc_error *print_context(struct kc_session *session, FILE *out)
{
	const struct kc_task_list *list;
	const struct kc_task *t;
	struct kc_error *err = kc_tasks(session, &list);
	if (!err)
		err = kc_session_context(session, &t);
	if (err)
		return err;
	fprintf(out, "    PID: %d\n", t->pid);
	fprintf(out, "COMMAND: \"%s\"\n", t->comm);
	fprintf(out, "   TASK: %llx  ", (unsigned long long)t->task);
	size_t same_pid = kc_tasks_with_pid(list, t->pid);
	if (same_pid > 1) {
		size_t nth = 1;
		for (const struct kc_task *o = list->tasks; o < t; o++)
			nth += o->pid == t->pid && !o->warning;
		fprintf(out, "(%zu of %zu)  ", nth, same_pid);
	}
	fprintf(out, "[THREAD_INFO: %llx]\n", (unsigned long long)t->thread_info);
	if (t->cpu >= 0)
		fprintf(out, "    CPU: %d\n", t->cpu);
	else
		fprintf(out, "    CPU: (unknown)\n");
	char state[64];
	kc_task_state_verbose(session, t, state, sizeof(state));
	fprintf(out, "  STATE: %s ", state);
	if (t->task == list->panic_task)
		fprintf(out, "(PANIC)");
	else if (t->is_active)
		fprintf(out, "(ACTIVE)");
	fputc('\n', out);
	return NULL;
}

static struct kc_error *cmd_set(struct kc_session *session, int argc, char **argv,
				FILE *out)
{
	if (argc > 2)
		return kc_usage_error(&kc_cmd_set);
	if (argc == 2) {
		const struct kc_task_list *list;
		const struct kc_task *t;
		struct kc_error *err = kc_tasks(session, &list);
		if (err)
			return err;
		if (strcmp(argv[1], "-p") == 0) {
			t = kc_task_by_addr(list, list->panic_task);
			if (!t)
				return kc_error_create(KC_ERR_LOOKUP, "no panic task found in this dump");
		} else if (argv[1][0] == '-') {
			return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: %s (usage: %s)",
					       argv[1], kc_cmd_set.usage);
		} else if ((err = kc_task_lookup(session, argv[1], &t))) {
			return err;
		}
		err = kc_session_set_context(session, t);
		if (err)
			return err;
	}
	return print_context(session, out);
}

const struct kc_command kc_cmd_set = {
	.name = "set",
	.summary = "show or set the current task context",
	.usage = "set [-p | PID | TASK]",
	.help = "Without an argument, shows the current context as crash does: PID,\n"
		"COMMAND, TASK and THREAD_INFO addresses, CPU and STATE, marked (PANIC)\n"
		"for the task that panicked and (ACTIVE) for one running on another CPU.\n"
		"The context starts as the panic task: the task running on the CPU in\n"
		"panic_cpu, else the one an NT_PRSTATUS note names.\n"
		"  PID       make the task with this PID the context (decimal)\n"
		"  TASK      make the task at this task_struct address the context\n"
		"            (hexadecimal)\n"
		"  -p        go back to the panic task\n"
		"User addresses (vtop -u, rd -u) are translated through the context's\n"
		"page tables (mm->pgd).\n",
	.needs_dump = true,
	.run = cmd_set,
};
