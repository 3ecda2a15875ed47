/* SPDX-License-Identifier: MIT */
/*
 * waitq: the tasks on a wait queue in crash's layout (crash kernel.c
 * cmd_waitq, dump_waitq): one task header per waiting task, in queue
 * order, or "wait queue ADDR is empty".
 */
#include "command.h"
#include "btfmt.h"
#include "json.h"
#include "object.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/sched.h>
#include <kcrash/symbols.h>
#include <kcrash/tasks.h>

static struct kc_error *cmd_waitq(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false;
	const char *args[2];
	int nargs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (nargs < 2)
			args[nargs++] = argv[i];
		else
			return kc_usage_error(&kc_cmd_waitq);
	}
	if (nargs == 0)
		return kc_usage_error(&kc_cmd_waitq);
	uint64_t head;
	const char *name = NULL;
	struct kc_error *err;
	if (nargs == 2) {
		/* struct.member ADDRESS: the member's address in the object at ADDRESS. */
		uint64_t offset;
		err = kc_parse_member_offset(session, args[0], &offset);
		if (!err)
			err = kc_parse_hex(args[1], &head);
		if (err)
			return err;
		head += offset;
	} else {
		err = kc_parse_hex(args[0], &head);
		if (err) {
			kc_error_destroy(err);
			name = args[0];
			err = kc_parse_object_address(session, args[0], &head);
			if (err)
				return err;
		}
	}
	const struct kc_task_list *list;
	err = kc_tasks(session, &list);
	if (err)
		return err;
	struct kc_waitq_entry *entries;
	size_t n;
	err = kc_waitqueue_read(session, head, &entries, &n);
	if (err)
		return err;
	if (json) {
		fprintf(out, "{\"wait_queue_head\": \"0x%llx\", \"name\": ", (unsigned long long)head);
		kc_json_string(out, name);
		fputs(", \"entries\": [", out);
		for (size_t i = 0; i < n; i++) {
			const struct kc_task *t = kc_task_by_addr(list, entries[i].private);
			struct kc_symbolized sym;
			struct kc_error *serr = kc_symbolize(session, entries[i].func, &sym);
			fprintf(out, "%s\n  {\"wait_queue_entry\": \"0x%llx\", \"private\": \"0x%llx\", "
				"\"flags\": %u, \"func\": \"0x%llx\", \"func_symbol\": ",
				i ? "," : "", (unsigned long long)entries[i].entry,
				(unsigned long long)entries[i].private, entries[i].flags,
				(unsigned long long)entries[i].func);
			kc_json_string(out, serr ? NULL : sym.name);
			kc_error_destroy(serr);
			fputs(", \"pid\": ", out);
			if (t)
				fprintf(out, "%d, \"task\": \"0x%llx\", \"comm\": ", t->pid,
					(unsigned long long)t->task);
			else
				fputs("null, \"task\": null, \"comm\": ", out);
			kc_json_string(out, t ? t->comm : NULL);
			fputc('}', out);
		}
		fputs(n ? "\n]}\n" : "]}\n", out);
	} else if (!n) {
		if (name)
			fprintf(out, "wait queue \"%s\" (%llx) is empty\n", name, (unsigned long long)head);
		else
			fprintf(out, "wait queue %llx is empty\n", (unsigned long long)head);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct kc_task *t = kc_task_by_addr(list, entries[i].private);
			if (t)
				kc_bt_print_header(t, out);
			else
				fprintf(out, "WAIT_QUEUE_ENTRY: %llx  PRIVATE: %llx (not a task)\n",
					(unsigned long long)entries[i].entry,
					(unsigned long long)entries[i].private);
		}
	}
	free(entries);
	return NULL;
}

const struct kc_command kc_cmd_waitq = {
	.name = "waitq",
	.summary = "list tasks queued on a wait queue",
	.usage = "waitq ADDRESS|SYMBOL | waitq STRUCT.MEMBER ADDRESS [--json]",
	.help = "The tasks waiting on a wait_queue_head_t, in queue order, one crash task\n"
		"header each (the entry's private pointer), or \"wait queue ADDR is empty\".\n"
		"An entry whose private pointer is not a task (an epoll or io_uring\n"
		"waiter) gets a WAIT_QUEUE_ENTRY line instead.\n"
		"  ADDRESS|SYMBOL        the wait_queue_head_t (SYMBOL.member works too)\n"
		"  STRUCT.MEMBER ADDRESS the member of the STRUCT at ADDRESS, e.g.\n"
		"                        waitq pipe_inode_info.rd_wait ffff...\n"
		"  --json    {wait_queue_head, name, entries [{wait_queue_entry, private,\n"
		"            flags, func, func_symbol, pid, task, comm}]} (pid, task and\n"
		"            comm null when private is not a task)\n",
	.needs_dump = true,
	.run = cmd_waitq,
};
