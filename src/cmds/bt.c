/* SPDX-License-Identifier: MIT */
/*
 * bt: a task's kernel backtrace in crash's arm64 layout (the task header,
 * " #N [fp] function at pc [module]" lines, exception frames inline, the
 * user registers last for a user task). foreach (foreach.c) runs bt with
 * the tasks it selects as arguments.
 */
#include "command.h"
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/backtrace.h>
#include "btfmt.h"
#include <kcrash/tasks.h>

struct bt_request {
	unsigned flags;  /* KC_BT_* */
	bool json;
	bool all_cpus;   /* -a */
	bool eframes;    /* -e: search the stacks for exception frames */
	bool *selected;  /* per task; NULL: the current context */
	bool any_selected;
};

/* A trace that cannot start is a message under the header, never a failure. */
static void show_task(struct kc_session *session, const struct kc_task *t,
		      const struct bt_request *req, bool first, FILE *out)
{
	struct kc_backtrace bt;
	struct kc_error *err = kc_backtrace_task(session, t, &bt);
	if (req->json) {
		fputs(first ? "\n" : ",\n", out);
		if (!err) {
			kc_bt_print_json(session, &bt, out);
		} else {
			fprintf(out, "{\"pid\": %d, \"task\": \"0x%llx\", \"error\": ",
				t->pid, (unsigned long long)t->task);
			kc_json_string(out, kc_error_message(err));
			fputc('}', out);
		}
	} else {
		if (!first)
			fputc('\n', out);
		kc_bt_print_header(t, out);
		if (!err && req->eframes)
			kc_bt_print_eframes(session, &bt, out);
		else if (!err)
			kc_bt_print(session, &bt, req->flags, out);
		else
			fprintf(out, "bt: cannot start the trace: %s\n", kc_error_message(err));
	}
	if (err)
		kc_error_destroy(err);
	else
		kc_backtrace_free(&bt);
}


static struct kc_error *parse_options(int argc, char **argv, int *next,
				      struct bt_request *req)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json")) {
			req->json = true;
			continue;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			switch (*c) {
			case 'a': req->all_cpus = true; break;
			case 'e': req->eframes = true; break;
			case 'f': req->flags |= KC_BT_FULL; break;
			case 'l': req->flags |= KC_BT_LINES; break;
			case 's': req->flags |= KC_BT_OFFSETS; break;
			default:
				return kc_error_create(KC_ERR_INVALID_ARG,
						       "invalid option: -%c (usage: %s)",
						       *c, kc_cmd_bt.usage);
			}
		}
	}
	*next = i;
	return NULL;
}

/* Run bt for the selected tasks (or -a's, or the current context). */
static struct kc_error *run_bt(struct kc_session *session,
			       const struct kc_task_list *list,
			       struct bt_request *req, FILE *out)
{
	if (req->json)
		fputc('[', out);
	bool first = true;
	if (req->all_cpus) {
		for (unsigned cpu = 0; cpu < list->nr_cpus; cpu++) {
			const struct kc_task *t = kc_task_active_on(list, (int)cpu);
			if (t) {
				show_task(session, t, req, first, out);
				first = false;
			}
		}
	} else if (req->any_selected) {
		for (size_t i = 0; i < list->nr_tasks; i++) {
			struct kc_error *err = kc_check_interrupt();
			if (err)
				return err;
			if (req->selected[i] && !list->tasks[i].warning) {
				show_task(session, &list->tasks[i], req, first, out);
				first = false;
			}
		}
	} else {
		const struct kc_task *t;
		struct kc_error *err = kc_session_context(session, &t);
		if (err)
			return err;
		show_task(session, t, req, first, out);
	}
	if (req->json)
		fputs("]\n", out);
	return NULL;
}

static struct kc_error *cmd_bt(struct kc_session *session, int argc, char **argv,
			       FILE *out)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	struct bt_request req = {.selected = calloc(list->nr_tasks + 1, sizeof(bool))};
	if (!req.selected)
		return &kc_error_nomem;
	int i = 1;
	err = parse_options(argc, argv, &i, &req);
	for (; !err && i < argc; i++) {
		req.any_selected = true;
		err = kc_tasks_select(list, argv[i], false, req.selected);
	}
	if (!err && (req.flags & KC_BT_LINES) && !kc_session_vmlinux_path(session) && !req.json) {
		const char *origin = kc_session_symbols_origin(session, NULL);
		/* One line, then the trace without them, as the user asked for one. */
		fprintf(out, "bt: -l: no source lines: they come from the vmlinux's DWARF, and the dump is open without it (%s)\n",
			origin ? origin : "no symbols");
	}
	if (!err)
		err = run_bt(session, list, &req, out);
	free(req.selected);
	return err;
}

static const char *const bt_aliases[] = {"backtrace", NULL};

const struct kc_command kc_cmd_bt = {
	.name = "bt",
	.aliases = bt_aliases,
	.summary = "kernel backtrace of a task, of every CPU's active task",
	.usage = "bt [-a] [-e] [-f] [-l] [-s] [--json] [PID | TASK | COMMAND]...",
	.help =
		"Shows the kernel stack backtrace of the current context (the panic\n"
		"task unless `set` chose another), or of each task named by pid,\n"
		"task_struct address or command name, in crash's arm64 layout:\n"
		"  PID: 552      TASK: ffff3fc140a6aa00  CPU: 1    COMMAND: \"kc_crasher\"\n"
		"   #0 [ffff8000082aba60] machine_kexec at ffffa220d12bbfe8\n"
		"The bracketed address is the frame record (x29) of the frame; the\n"
		"address after \"at\" is the call (return address - 4). Exception\n"
		"frames taken in the kernel are shown where they occur, and a user\n"
		"task's trace ends with the user registers of its last kernel entry.\n"
		"A task running on a CPU starts from that CPU's registers in the dump\n"
		"(NT_PRSTATUS notes, else crash_notes); in a kdump, as crash does,\n"
		"from the machine_kexec/crash_save_cpu frame left on its stack. A\n"
		"sleeping task starts from thread.cpu_context. Like crash, the text\n"
		"stops after kthread, kthreadd, start_kernel and\n"
		"secondary_start_kernel; --json has every frame unwound.\n"
		"  -a      the active task of every CPU, in CPU order\n"
		"  -e      instead of the trace, search the task's stacks for\n"
		"          exception frames (crash's KERNEL-MODE EXCEPTION FRAME AT:\n"
		"          blocks: a struct pt_regs with sp and x29 in the stack, an\n"
		"          EL1 pstate and pc/lr in kernel text), then the user frame\n"
		"  -f      the stack words between each frame and the next\n"
		"  -l      the source file and line of each frame (vmlinux DWARF)\n"
		"  -s      function+offset instead of the function name\n"
		"  --json  a JSON array: per task pid, task, cpu, command, frames\n"
		"          (index, sp, pc, function, offset, module, file, line,\n"
		"          exception_frame) and user_regs\n",
	.needs_dump = true,
	.run = cmd_bt,
};
