/* SPDX-License-Identifier: MIT */
/*
 * foreach: run a command for every task, or for the tasks selected (crash
 * task.c cmd_foreach and foreach). Any command works; how it runs follows
 * how it takes tasks:
 *  - bt and ps take task arguments and lay several out themselves: they
 *    run once with every selected task's address appended (bt prints each
 *    task's header and trace, blank lines between; ps one table), so
 *    --json gives one array;
 *  - a command that prints the current context's task header itself
 *    (struct kc_command.prints_task_header: files, vm, ...) runs once per
 *    task with that task as the context;
 *  - any other (set, vtop, task, sig, net, ...) runs once per task with
 *    the task as the context, under crash's task header line.
 * A task whose command fails gets a "foreach: MESSAGE" line and the walk
 * goes on; Ctrl-C ends it. With --json the per-task outputs (one JSON
 * document each) become one array.
 */
#include "command.h"
#include "btfmt.h"
#include "json.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/tasks.h>

/* crash's state selectors (task_state_array's letters as ps shows them). */
static bool is_state_word(const char *s)
{
	static const char *const states[] = {"RU", "IN", "UN", "ST", "TR", "ZO", "DE", "PA",
					     "WA", "ID", "NE", "SW", NULL};
	for (const char *const *st = states; *st; st++)
		if (!strcmp(s, *st))
			return true;
	return false;
}

struct selection {
	bool *selected;       /* by pid, address or name */
	bool any_specified;
	bool kernel, user, active, gleader;
	const char *state;
};

static bool chosen(const struct selection *sel, const struct kc_task *t, size_t i)
{
	if (t->warning)
		return false;
	if (sel->any_specified && !sel->selected[i])
		return false;
	if (sel->kernel && !t->is_kernel_thread)
		return false;
	if (sel->user && t->is_kernel_thread)
		return false;
	if (sel->gleader && t->pid != t->tgid)
		return false;
	if (sel->active && !t->is_active)
		return false;
	if (sel->state && strncmp(t->state_code, sel->state, 2) != 0)
		return false;
	return true;
}

static struct kc_error *select_word(const struct kc_task_list *list, const char *word,
				    struct selection *sel)
{
	if (!strcmp(word, "kernel"))
		sel->kernel = true;
	else if (!strcmp(word, "user"))
		sel->user = true;
	else if (!strcmp(word, "gleader"))
		sel->user = sel->gleader = true;
	else if (!strcmp(word, "active"))
		sel->active = true;
	else if (is_state_word(word) || (word[0] == '\\' && !strcmp(word + 1, "DE"))) {
		if (sel->state)
			return kc_error_create(KC_ERR_INVALID_ARG, "only one task state allowed");
		sel->state = word[0] == '\\' ? word + 1 : word;
	} else {
		sel->any_specified = true;
		return kc_tasks_select(list, word, false, sel->selected);
	}
	if (sel->kernel && sel->user)
		return kc_error_create(KC_ERR_INVALID_ARG, "user and kernel are mutually exclusive");
	return NULL;
}

/* The command's words, and the task address, as one argv. */
static struct kc_error *run_argv(struct kc_session *session, const struct kc_command *command,
				 int argc, char **argv, const char *const *extra, size_t nr_extra,
				 FILE *out)
{
	char **words = calloc((size_t)argc + nr_extra + 1, sizeof(char *));
	if (!words)
		return &kc_error_nomem;
	for (int i = 0; i < argc; i++)
		words[i] = argv[i];
	for (size_t i = 0; i < nr_extra; i++)
		words[argc + i] = (char *)extra[i];
	struct kc_error *err = command->run(session, argc + (int)nr_extra, words, out);
	free(words);
	if (err && err->code != KC_ERR_STOP)
		err = kc_error_prefix(err, "%s", command->name);
	return err;
}

/* bt, ps: once, with every chosen task's address as an argument. */
static struct kc_error *run_all_at_once(struct kc_session *session, const struct kc_task_list *list,
					const struct selection *sel, const struct kc_command *command,
					int argc, char **argv, FILE *out)
{
	char **addrs = calloc(list->nr_tasks + 1, sizeof(char *));
	char *text = calloc(list->nr_tasks + 1, 24);
	if (!addrs || !text) {
		free(addrs);
		free(text);
		return &kc_error_nomem;
	}
	size_t n = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		if (!chosen(sel, &list->tasks[i], i))
			continue;
		addrs[n] = text + 24 * n;
		snprintf(addrs[n], 24, "%" PRIx64, list->tasks[i].task);
		n++;
	}
	struct kc_error *err = NULL;
	if (n)
		err = run_argv(session, command, argc, argv, (const char *const *)addrs, n, out);
	free(addrs);
	free(text);
	return err;
}

/* One task as the context; OUT gets the command's output. */
static struct kc_error *run_in_context(struct kc_session *session, const struct kc_task *t,
				       const struct kc_command *command, int argc, char **argv,
				       FILE *out)
{
	const struct kc_task *saved = NULL;
	if (kc_session_has_context(session))
		kc_error_destroy(kc_session_context(session, &saved));
	struct kc_error *err = kc_session_set_context(session, t);
	if (!err)
		err = run_argv(session, command, argc, argv, NULL, 0, out);
	kc_error_destroy(kc_session_set_context(session, saved));
	return err;
}

static void json_trimmed(FILE *out, const char *text, size_t len)
{
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	fwrite(text, 1, len, out);
}

static struct kc_error *run_per_task(struct kc_session *session, const struct kc_task_list *list,
				     const struct selection *sel, const struct kc_command *command,
				     int argc, char **argv, bool json, FILE *out)
{
	bool first = true;
	if (json)
		fputc('[', out);
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (!chosen(sel, t, i))
			continue;
		struct kc_error *err = kc_check_interrupt();
		if (err)
			return err;
		if (json) {
			char *text = NULL;
			size_t len = 0;
			FILE *mem = open_memstream(&text, &len);
			if (!mem)
				return &kc_error_nomem;
			err = run_in_context(session, t, command, argc, argv, mem);
			fclose(mem);
			fputs(first ? "\n" : ",\n", out);
			if (err && err->code != KC_ERR_INTERRUPTED) {
				fprintf(out, "{\"pid\": %d, \"task\": \"0x%" PRIx64 "\", \"error\": ",
					t->pid, t->task);
				kc_json_string(out, kc_error_message(err));
				fputc('}', out);
			} else if (!err) {
				json_trimmed(out, text, len);
			}
			free(text);
		} else {
			if (!command->prints_task_header) {
				if (!first)
					fputc('\n', out);
				kc_bt_print_header(t, out);
			} else if (!first) {
				fputc('\n', out);
			}
			err = run_in_context(session, t, command, argc, argv, out);
			if (err && err->code != KC_ERR_INTERRUPTED)
				fprintf(out, "foreach: %s\n", kc_error_message(err));
		}
		first = false;
		if (err && err->code == KC_ERR_INTERRUPTED)
			return err;
		kc_error_destroy(err);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", out);
	return NULL;
}

static struct kc_error *cmd_foreach(struct kc_session *session, int argc, char **argv, FILE *out)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	/* The first word naming a command starts it; the words before select tasks. */
	int cmd = 1;
	while (cmd < argc && !kc_command_find(argv[cmd]))
		cmd++;
	if (cmd == argc)
		return kc_error_create(KC_ERR_INVALID_ARG, "no command given (usage: %s)",
				       kc_cmd_foreach.usage);
	const struct kc_command *command = kc_command_find(argv[cmd]);
	if (command == &kc_cmd_foreach)
		return kc_error_create(KC_ERR_INVALID_ARG, "foreach cannot run foreach");
	struct selection sel = {.selected = calloc(list->nr_tasks + 1, sizeof(bool))};
	if (!sel.selected)
		return &kc_error_nomem;
	for (int i = 1; !err && i < cmd; i++)
		err = select_word(list, argv[i], &sel);
	bool json = false;
	for (int i = cmd + 1; i < argc; i++)
		json |= !strcmp(argv[i], "--json");
	if (!err) {
		if (command == &kc_cmd_bt || command == &kc_cmd_ps)
			err = run_all_at_once(session, list, &sel, command, argc - cmd, argv + cmd, out);
		else
			err = run_per_task(session, list, &sel, command, argc - cmd, argv + cmd, json, out);
	}
	free(sel.selected);
	return err;
}

const struct kc_command kc_cmd_foreach = {
	.name = "foreach",
	.summary = "run a command for every task, or the tasks selected",
	.usage = "foreach [PID | TASK | COMMAND | kernel | user | gleader | active | STATE]... "
		 "COMMAND [ARGS]",
	.help =
		"Runs COMMAND for each task, in pid order: every task, or those the\n"
		"selectors name. Pids, task_struct addresses and command names (\\NAME\n"
		"for one that looks like a number) add tasks; kernel, user, gleader (user\n"
		"thread-group leaders), active (running on a CPU) and a state (RU, IN, UN,\n"
		"ST, TR, ZO, DE, PA, WA, ID, NE) keep only the tasks that are so.\n"
		"Any command runs: bt and ps get the tasks as arguments (one trace each\n"
		"under its header, one ps table; --json one array); a command that shows\n"
		"the current context's task header itself (files, vm) runs with each task\n"
		"as the context; any other (set, vtop ADDR, task, sig, net, ...) runs with\n"
		"each task as the context under crash's header line\n"
		"  PID: 552      TASK: ffff3fc140a6aa00  CPU: 1    COMMAND: \"kc_crasher\"\n"
		"With --json the tasks' documents form one array (a failing task: pid,\n"
		"task and error). A task whose command fails gets a message and the walk\n"
		"goes on.\n",
	.needs_dump = true,
	.run = cmd_foreach,
};
