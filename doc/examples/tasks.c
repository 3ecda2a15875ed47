// SPDX-License-Identifier: MIT
/*
 * A libkcrash client: open a dump (with its vmlinux, or alone) and print
 * the release, the panic task, and each task's pid, state and command,
 * reading comm through the typed kernel-object interface.
 *
 *   cc tasks.c $(pkg-config --cflags --libs libkcrash) -o tasks
 *   ./tasks vmcore [vmlinux]
 */
#include <stdio.h>
#include <stdlib.h>

#include <kcrash/kcrash.h>

static int fail(struct kc_error *err)
{
	fprintf(stderr, "tasks: %s\n", kc_error_message(err));
	kc_error_destroy(err);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: tasks VMCORE [VMLINUX]\n");
		return 2;
	}
	const char *dumps[] = {argv[1]};
	struct kc_session_options opts = {
		.dump_paths = dumps,
		.nr_dump_paths = 1,
		.vmlinux_path = argc > 2 ? argv[2] : NULL,
		.no_debuginfod = true,
	};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err)
		return fail(err);
	printf("release %s\n", kc_session_release(session));
	const struct kc_task_list *tasks;
	err = kc_tasks(session, &tasks);
	if (err) {
		kc_session_destroy(session);
		return fail(err);
	}
	const struct kc_task *panic = kc_task_by_addr(tasks, tasks->panic_task);
	if (panic)
		printf("panic task %d %s on CPU %d\n", panic->pid, panic->comm, panic->cpu);
	/* comm again, read from the task_struct by member path. */
	const struct kc_kernel_member *comm;
	err = kc_kernel_member(session, "struct task_struct", "comm", &comm);
	for (size_t i = 0; !err && i < tasks->nr_tasks; i++) {
		const struct kc_task *task = &tasks->tasks[i];
		char name[16];
		err = kc_kernel_read_string(session, task->task + comm->offset, name, sizeof(name));
		if (!err)
			printf("%d %s %s\n", task->pid, task->state_code, name);
	}
	kc_session_destroy(session);
	return err ? fail(err) : 0;
}
