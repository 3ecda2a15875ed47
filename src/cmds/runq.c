/* SPDX-License-Identifier: MIT */
/*
 * runq: each CPU's run queue in crash's layout (crash task.c
 * dump_CFS_runqueues): "CPU N RUNQUEUE: rq", the CURRENT task, the RT
 * PRIO_ARRAY's queued tasks "[prio] PID: ..." and the CFS RB_ROOT's
 * (task->prio), "[no tasks queued]" for an empty one; -t the rq clock and
 * the current task's last arrival (dump_on_rq_timestamp).
 */
#include "command.h"
#include "json.h"
#include "object.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/sched.h>
#include <kcrash/tasks.h>

struct runq_request {
	bool timestamps;  /* -t */
	bool json;
	bool *cpus;       /* -c: the CPUs shown; NULL: all */
};

static void print_task_ids(const struct kc_task *t, uint64_t task, FILE *out)
{
	if (t)
		fprintf(out, "PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", t->pid,
			(unsigned long long)t->task, t->comm);
	else
		fprintf(out, "%llx\n", (unsigned long long)task);
}

static void print_queue(const struct kc_task_list *list, const struct kc_runq_task *queued,
			size_t n, FILE *out)
{
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kc_task *t = kc_task_by_addr(list, queued[i].task);
		/* Not a task of the list: crash skips it too. */
		if (!t)
			continue;
		fprintf(out, "     [%3d] ", queued[i].prio);
		print_task_ids(t, queued[i].task, out);
		shown++;
	}
	if (!shown)
		fprintf(out, "     [no tasks queued]\n");
}

static void print_runq(const struct kc_task_list *list, const struct kc_runq *r, bool first,
		       FILE *out)
{
	fprintf(out, "%sCPU %u RUNQUEUE: %llx\n", first ? "" : "\n", r->cpu,
		(unsigned long long)r->rq);
	fprintf(out, "  CURRENT: ");
	print_task_ids(kc_task_by_addr(list, r->curr), r->curr, out);
	fprintf(out, "  RT PRIO_ARRAY: %llx\n", (unsigned long long)r->rt_prio_array);
	print_queue(list, r->rt, r->nr_rt, out);
	fprintf(out, "  CFS RB_ROOT: %llx\n", (unsigned long long)r->cfs_root);
	print_queue(list, r->cfs, r->nr_cfs, out);
	if (r->error)
		fprintf(out, "WARNING: CPU %u: %s\n", r->cpu, r->error);
}

static void print_timestamps(const struct kc_task_list *list, const struct kc_runq *r, FILE *out)
{
	char clock[32];
	int len = snprintf(clock, sizeof(clock), "%llu", (unsigned long long)r->clock);
	fprintf(out, "%sCPU %u: %s\n", r->cpu < 10 ? " " : "", r->cpu, clock);
	const struct kc_task *t = kc_task_by_addr(list, r->curr);
	if (!t) {
		fputc('\n', out);
		return;
	}
	/* crash: the CPU's width + 1 spaces, the timestamp zero-padded to the clock's width. */
	int indent = r->cpu < 10 ? 8 : r->cpu < 100 ? 8 : 9;
	fprintf(out, "%*s%0*llu  PID: %-5d  TASK: %llx  COMMAND: \"%s\"\n", indent, "", len,
		(unsigned long long)r->curr_last_arrival, t->pid, (unsigned long long)t->task,
		t->comm);
}

static void json_task(const struct kc_task_list *list, uint64_t task, int prio, bool with_prio,
		      FILE *out)
{
	const struct kc_task *t = kc_task_by_addr(list, task);
	fputc('{', out);
	if (with_prio)
		fprintf(out, "\"prio\": %d, ", prio);
	if (t)
		fprintf(out, "\"pid\": %d, ", t->pid);
	else
		fputs("\"pid\": null, ", out);
	fprintf(out, "\"task\": \"0x%llx\", \"comm\": ", (unsigned long long)task);
	kc_json_string(out, t ? t->comm : NULL);
	fputc('}', out);
}

static void json_queue(const struct kc_task_list *list, const struct kc_runq_task *q, size_t n,
		       FILE *out)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		json_task(list, q[i].task, q[i].prio, true, out);
	}
	fputc(']', out);
}

static void print_json(const struct kc_task_list *list, const struct kc_runq *r, bool first,
		       FILE *out)
{
	fprintf(out, "%s\n  {\"cpu\": %u, \"runqueue\": \"0x%llx\", \"clock\": %llu, \"current\": ",
		first ? "" : ",", r->cpu, (unsigned long long)r->rq, (unsigned long long)r->clock);
	json_task(list, r->curr, 0, false, out);
	fprintf(out, ", \"current_last_arrival\": %llu, \"nr_running\": %u, \"cfs_nr_running\": %u, "
		"\"rt_nr_running\": %u, \"rt_prio_array\": \"0x%llx\", \"rt\": ",
		(unsigned long long)r->curr_last_arrival, r->nr_running, r->cfs_nr_running,
		r->rt_nr_running, (unsigned long long)r->rt_prio_array);
	json_queue(list, r->rt, r->nr_rt, out);
	fprintf(out, ", \"cfs_root\": \"0x%llx\", \"cfs\": ", (unsigned long long)r->cfs_root);
	json_queue(list, r->cfs, r->nr_cfs, out);
	fputs(", \"error\": ", out);
	kc_json_string(out, r->error);
	fputc('}', out);
}

static struct kc_error *cmd_runq(struct kc_session *session, int argc, char **argv, FILE *out)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	struct runq_request req = {0};
	const char *cpuspec = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			req.json = true;
		else if (!strcmp(argv[i], "-t"))
			req.timestamps = true;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			cpuspec = argv[++i];
		else if (!strncmp(argv[i], "-c", 2) && argv[i][2])
			cpuspec = argv[i] + 2;
		else
			return kc_usage_error(&kc_cmd_runq);
	}
	struct kc_runqueues rqs;
	err = kc_runqueues_read(session, &rqs);
	if (err)
		return err;
	if (cpuspec) {
		req.cpus = calloc(rqs.nr_cpus, sizeof(bool));
		if (!req.cpus)
			err = &kc_error_nomem;
		else
			err = kc_parse_cpuspec(cpuspec, rqs.nr_cpus, req.cpus);
	}
	if (!err) {
		if (req.json)
			fputc('[', out);
		bool first = true;
		for (unsigned cpu = 0; cpu < rqs.nr_cpus; cpu++) {
			if (req.cpus && !req.cpus[cpu])
				continue;
			if (req.json)
				print_json(list, &rqs.cpus[cpu], first, out);
			else if (req.timestamps)
				print_timestamps(list, &rqs.cpus[cpu], out);
			else
				print_runq(list, &rqs.cpus[cpu], first, out);
			first = false;
		}
		if (req.json)
			fputs(first ? "]\n" : "\n]\n", out);
	}
	free(req.cpus);
	kc_runqueues_free(&rqs);
	return err;
}

const struct kc_command kc_cmd_runq = {
	.name = "runq",
	.summary = "run queue",
	.usage = "runq [-t] [-c CPUS] [--json]",
	.help = "Each CPU's run queue as crash prints it: \"CPU N RUNQUEUE: rq\", the\n"
		"CURRENT task (rq->curr), the RT PRIO_ARRAY (rq->rt.active) with its\n"
		"queued tasks as \"[prio] PID: ... TASK: ... COMMAND: ...\" (prio: the\n"
		"priority list's index), and the CFS RB_ROOT (rq->cfs.tasks_timeline)\n"
		"with its tasks in timeline order (prio: task->prio; group run queues,\n"
		"CONFIG_FAIR_GROUP_SCHED, shown in their entity's place). CFS takes the\n"
		"running task out of its tree: it is CURRENT, not queued.\n"
		"  -t        each CPU's rq->clock, and under it the current task's\n"
		"            sched_info.last_arrival (0 without CONFIG_SCHED_INFO)\n"
		"  -c CPUS   only these CPUs (\"1\", \"0,2-3\", \"all\")\n"
		"  --json    one JSON array, one object per CPU: cpu, runqueue, clock,\n"
		"            current {pid, task, comm}, current_last_arrival,\n"
		"            nr_running, cfs_nr_running, rt_nr_running, rt_prio_array,\n"
		"            rt and cfs (arrays of {prio, pid, task, comm}), cfs_root,\n"
		"            error (null, or what could not be read)\n"
		"A queue that cannot be walked ends with a WARNING line saying why.\n",
	.needs_dump = true,
	.run = cmd_runq,
};
