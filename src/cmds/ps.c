/* SPDX-License-Identifier: MIT */
/*
 * ps: the task list in crash's layout (crash task.c show_ps_data): "> "
 * for a task running on a CPU, PID and PPID right-justified in 5, the CPU
 * in 2, the task_struct address, the state letters, %MEM ("%.1f", at least
 * 4 wide), VSZ and RSS in KiB, and the command, in brackets for kernel
 * threads. -p shows each task's line of ancestors, -c its children, as
 * crash's parent_list/child_list do.
 */
#include "command.h"
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/tasks.h>

enum ps_mode { PS_TABLE, PS_PARENTS, PS_CHILDREN, PS_JSON };

struct ps_request {
	enum ps_mode mode;
	bool kernel_only, user_only;
	bool *selected;      /* per task of the list */
	bool any_filter;
};

static uint64_t pages_to_kb(struct kc_session *session, uint64_t pages)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	uint64_t page_size = !err ? UINT64_C(1) << kc_arm64_mmu_geometry(mmu)->page_shift
				  : kc_session_dump(session)->page_size;
	kc_error_destroy(err);
	return pages * page_size / 1024;
}

static void format_cpu(const struct kc_task *t, char *buf, size_t len)
{
	if (t->cpu >= 0)
		snprintf(buf, len, "%d", t->cpu);
	else
		snprintf(buf, len, "?");
}

static void print_row(struct kc_session *session, const struct kc_task *t, FILE *out)
{
	char cpu[16], mem[32];
	format_cpu(t, cpu, sizeof(cpu));
	fprintf(out, "%s%5d  %5d  %2s  %016llx %3s", t->is_active ? "> " : "  ",
		t->pid, t->ppid, cpu, (unsigned long long)t->task, t->state_code);
	fprintf(out, "%*s", strlen(t->state_code) > 3 ? 1 : 2, "");
	snprintf(mem, sizeof(mem), "%.1f", t->mem_percent);
	fprintf(out, "%4s ", mem);
	fprintf(out, "%7llu ", (unsigned long long)pages_to_kb(session, t->total_vm));
	fprintf(out, "%6llu  ", (unsigned long long)pages_to_kb(session, t->rss));
	if (t->is_kernel_thread)
		fprintf(out, "[%s]\n", t->comm);
	else
		fprintf(out, "%s\n", t->comm);
}

/* crash's one-line task header (print_task_header). */
static void print_header_line(const struct kc_task *t, unsigned indent, FILE *out)
{
	char cpu[16];
	format_cpu(t, cpu, sizeof(cpu));
	fprintf(out, "%*sPID: %-5d  TASK: %llx  CPU: %-2s  COMMAND: \"%s\"\n",
		(int)indent, "", t->pid, (unsigned long long)t->task, cpu, t->comm);
}

/* The task's ancestors from the root down, one more space each (crash -p). */
static void print_parents(const struct kc_task_list *list, const struct kc_task *t,
			  FILE *out)
{
	enum { MAX_DEPTH = 256 };
	const struct kc_task *chain[MAX_DEPTH];
	size_t n = 0;
	while (t && n < MAX_DEPTH) {
		chain[n++] = t;
		const struct kc_task *parent = kc_task_by_addr(list, t->real_parent);
		if (!parent || parent == t)
			break;
		/* A cycle in corrupt memory ends the chain. */
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen |= chain[i] == parent;
		if (seen)
			break;
		t = parent;
	}
	for (size_t i = 0; i < n; i++)
		print_header_line(chain[n - 1 - i], (unsigned)i, out);
}

static void print_children(const struct kc_task_list *list, const struct kc_task *t,
			   FILE *out)
{
	print_header_line(t, 0, out);
	bool any = false;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *child = &list->tasks[i];
		if (child->real_parent == t->task && child != t && !child->warning) {
			print_header_line(child, 2, out);
			any = true;
		}
	}
	if (!any)
		fprintf(out, "  (no children)\n");
}

static void print_json(struct kc_session *session, const struct kc_task *t,
		       bool first, FILE *out)
{
	fprintf(out, "%s\n  {\"pid\": %d, \"ppid\": %d, \"cpu\": ", first ? "" : ",",
		t->pid, t->ppid);
	if (t->cpu >= 0)
		fprintf(out, "%d", t->cpu);
	else
		fputs("null", out);
	fprintf(out, ", \"task\": \"0x%llx\", \"state\": \"%s\", \"mem_percent\": %.1f, "
		"\"vsz\": %llu, \"rss\": %llu, \"comm\": ",
		(unsigned long long)t->task, t->state_code, t->mem_percent,
		(unsigned long long)pages_to_kb(session, t->total_vm),
		(unsigned long long)pages_to_kb(session, t->rss));
	kc_json_string(out, t->comm);
	fprintf(out, ", \"kernel_thread\": %s, \"active\": %s", t->is_kernel_thread ? "true" : "false",
		t->is_active ? "true" : "false");
	if (t->warning) {
		fputs(", \"warning\": ", out);
		kc_json_string(out, t->warning);
	}
	fputc('}', out);
}


static struct kc_error *parse_args(const struct kc_task_list *list, int argc, char **argv,
				   struct ps_request *req)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--json") == 0) {
			req->mode = PS_JSON;
			continue;
		}
		for (const char *c = opt + 1; *c; c++) {
			switch (*c) {
			case 'k': req->kernel_only = true; break;
			case 'u': req->user_only = true; break;
			case 'p': req->mode = PS_PARENTS; break;
			case 'c': req->mode = PS_CHILDREN; break;
			default:
				return kc_error_create(KC_ERR_INVALID_ARG,
						       "invalid option: %s (usage: %s)",
						       opt, kc_cmd_ps.usage);
			}
		}
	}
	if (req->kernel_only && req->user_only)
		return kc_error_create(KC_ERR_INVALID_ARG, "-k and -u are mutually exclusive");
	for (; i < argc; i++) {
		req->any_filter = true;
		struct kc_error *err = kc_tasks_select(list, argv[i], false, req->selected);
		if (err)
			return err;
	}
	return NULL;
}

static bool shown(const struct ps_request *req, const struct kc_task *t, size_t i)
{
	if (req->any_filter && !req->selected[i])
		return false;
	if (req->kernel_only && !t->is_kernel_thread)
		return false;
	if (req->user_only && t->is_kernel_thread)
		return false;
	return true;
}

static struct kc_error *cmd_ps(struct kc_session *session, int argc, char **argv,
			       FILE *out)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	struct ps_request req = {.selected = calloc(list->nr_tasks + 1, sizeof(bool))};
	if (!req.selected)
		return &kc_error_nomem;
	err = parse_args(list, argc, argv, &req);
	if (err) {
		free(req.selected);
		return err;
	}
	if (req.mode == PS_TABLE)
		fprintf(out, "   PID    PPID  CPU       TASK        ST  %%MEM     VSZ    RSS  COMM\n");
	if (req.mode == PS_JSON)
		fputc('[', out);
	bool first = true;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (!shown(&req, t, i))
			continue;
		switch (req.mode) {
		case PS_TABLE:
			print_row(session, t, out);
			break;
		case PS_PARENTS:
			if (!first)
				fputc('\n', out);
			print_parents(list, t, out);
			break;
		case PS_CHILDREN:
			if (!first)
				fputc('\n', out);
			print_children(list, t, out);
			break;
		case PS_JSON:
			print_json(session, t, first, out);
			break;
		}
		first = false;
	}
	if (req.mode == PS_JSON) {
		fputs(first ? "]\n" : "\n]\n", out);
	} else {
		for (size_t i = 0; i < list->nr_tasks; i++)
			if (list->tasks[i].warning && shown(&req, &list->tasks[i], i))
				fprintf(out, "WARNING: %s\n", list->tasks[i].warning);
		for (size_t i = 0; i < list->nr_warnings; i++)
			fprintf(out, "WARNING: %s\n", list->warnings[i]);
	}
	free(req.selected);
	return NULL;
}

const struct kc_command kc_cmd_ps = {
	.name = "ps",
	.summary = "display process status information",
	.usage = "ps [-k|-u] [-p|-c|--json] [PID|TASK|COMMAND]...",
	.help = "Lists every task of the dump (every thread of every process, and the\n"
		"idle task of every CPU) in crash's layout, sorted by PID: PID, PPID,\n"
		"CPU, the task_struct address, the state (RU, IN, UN, ID, ST, TR, ZO,\n"
		"DE, PA, WA, NE, from the kernel's own task_state_array), %MEM (RSS\n"
		"over total RAM), VSZ and RSS in KiB, and the command, in brackets for\n"
		"kernel threads. \"> \" marks the task each CPU was running.\n"
		"  PID|TASK|COMMAND  only these tasks (a leading \\ makes a numeric\n"
		"            argument a command name)\n"
		"  -k        kernel threads only\n"
		"  -u        user tasks only\n"
		"  -p        each task's parental hierarchy, from the root down\n"
		"  -c        each task's children\n"
		"  --json    one JSON array of objects: pid, ppid, cpu, task, state,\n"
		"            mem_percent, vsz and rss (KiB), comm, kernel_thread,\n"
		"            active\n"
		"Tasks that cannot be read are listed with state ?? and a WARNING line.\n",
	.needs_dump = true,
	.run = cmd_ps,
};
