/* SPDX-License-Identifier: MIT */
/*
 * task: a task's struct task_struct and struct thread_info as crash prints
 * them (crash task.c cmd_task/do_task): the task header, then the whole
 * task_struct and thread_info, or with -R only the named task_struct
 * members; a blank line after each task.
 */
#include "command.h"
#include "btfmt.h"
#include "object.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/tasks.h>

struct task_request {
	const char *members;   /* -R: "pid,comm" */
	bool hex;              /* -x */
	bool json;
};

static struct kc_error *show(struct kc_session *session, const struct kc_task *t,
			     const struct task_request *req, bool first, FILE *out)
{
	char spec_text[1024];
	snprintf(spec_text, sizeof(spec_text), "task_struct%s%s", req->members ? "." : "",
		 req->members ? req->members : "");
	struct kc_object_spec spec;
	struct kc_error *err = kc_object_spec_parse(session, "struct", spec_text, &spec);
	if (err)
		return err;
	unsigned flags = (req->hex ? KC_OBJECT_HEX : 0) | (req->json ? KC_OBJECT_JSON : 0);
	if (req->json) {
		fprintf(out, "%s\n  {\"pid\": %d, \"task\": \"0x%llx\", \"task_struct\": ",
			first ? "" : ",", t->pid, (unsigned long long)t->task);
		err = kc_object_print(session, out, &spec, t->task, flags);
	} else {
		kc_bt_print_header(t, out);
		err = kc_object_print(session, out, &spec, t->task, flags);
	}
	kc_object_spec_fini(&spec);
	if (!err && !req->members) {
		/* crash's THREAD_INFO: in the task_struct (CONFIG_THREAD_INFO_IN_TASK). */
		err = kc_object_spec_parse(session, "struct", "thread_info", &spec);
		if (!err) {
			if (req->json)
				fputs(", \"thread_info\": ", out);
			else
				fputc('\n', out);
			err = kc_object_print(session, out, &spec, t->thread_info, flags);
			kc_object_spec_fini(&spec);
		}
	}
	if (req->json)
		fputc('}', out);
	else
		fputc('\n', out);
	return err;
}

static struct kc_error *cmd_task(struct kc_session *session, int argc, char **argv, FILE *out)
{
	struct task_request req = {0};
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json"))
			req.json = true;
		else if (!strcmp(argv[i], "-x"))
			req.hex = true;
		else if (!strcmp(argv[i], "-R") && i + 1 < argc)
			req.members = argv[++i];
		else if (!strncmp(argv[i], "-R", 2) && argv[i][2])
			req.members = argv[i] + 2;
		else
			return kc_usage_error(&kc_cmd_task);
	}
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	/* crash also takes -R after the task arguments. */
	for (int k = i; k + 1 < argc; k++)
		if (!strcmp(argv[k], "-R")) {
			req.members = argv[k + 1];
			argv[k] = argv[k + 1] = NULL;
		}
	if (req.json)
		fputc('[', out);
	bool any = false;
	for (int k = i; !err && k < argc; k++) {
		if (!argv[k])
			continue;
		const struct kc_task *t;
		err = kc_task_lookup(session, argv[k], &t);
		if (!err)
			err = show(session, t, &req, !any, out);
		any = true;
	}
	if (!err && !any) {
		const struct kc_task *t;
		err = kc_session_context(session, &t);
		if (!err)
			err = show(session, t, &req, true, out);
	}
	if (req.json && !err)
		fputs("\n]\n", out);
	(void)list;
	return err;
}

const struct kc_command kc_cmd_task = {
	.name = "task",
	.summary = "task_struct contents",
	.usage = "task [-R MEMBER[,MEMBER...]] [-x] [--json] [PID|TASK]...",
	.help = "A task's struct task_struct and struct thread_info (the current\n"
		"context's without an argument) as crash prints them: the task header,\n"
		"then \"struct task_struct {...}\" and \"struct thread_info {...}\" with\n"
		"every member's value, types from the vmlinux's DWARF or BTF.\n"
		"  -R MEMBERS  only these task_struct members (comma-separated;\n"
		"            \"se.on_rq\", \"pids[1]\" work), one \"  name = value,\" line each\n"
		"  -x        integers in hexadecimal\n"
		"  --json    one JSON array of {pid, task, task_struct, thread_info}: the\n"
		"            structures as `struct --json` gives them (thread_info left\n"
		"            out with -R)\n",
	.needs_dump = true,
	.run = cmd_task,
};
